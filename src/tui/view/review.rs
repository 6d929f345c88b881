//! The review screen: the finalized records of a township, approved or returned.

use crate::i18n::tui_record as t;
use crate::store::RecordStatus;
use crate::tui::app::Model;
use crate::tui::text::{clean, fit, short_time, status_label, width};
use crate::tui::view::home::{status_style, window};
use crate::tui::view::style::{bold, dim, selected};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let Some(rv) = &m.review else { return };
    let w = area.width as usize;
    // What is left to review and what was done, of the list as it is now (it is loaded
    // again after each review).
    let of = |st: RecordStatus| rv.rows.iter().filter(|r| r.status == st).count();
    let conflicts = of(RecordStatus::Conflict);
    let title = [t::review_title, t::review_title_short]
        .iter()
        .map(|title| {
            let mut s = title(
                m.lang,
                &clean(&rv.township.name),
                &rv.township.code,
                &clean(&m.round),
                of(RecordStatus::Finalized),
                of(RecordStatus::Approved),
                of(RecordStatus::Returned),
            );
            if conflicts > 0 {
                s.push_str(&t::review_title_conflicts(m.lang, conflicts));
            }
            s
        })
        .reduce(|long, short| if width(&long) <= w { long } else { short })
        .unwrap_or_default();
    let mut lines = vec![Line::styled(fit(&title, w), bold())];
    let code_w = if w >= 100 { 13 } else { 0 };
    let (name_w, st_w, by_w, at_w) = (16, 11, if w >= 100 { 12 } else { 8 }, 17);
    let comment_w = w.saturating_sub(2 + name_w + code_w + st_w + by_w + at_w);
    let [village, code, status, by, at, comment] = t::review_columns(m.lang);
    lines.push(Line::styled(
        format!(
            "  {}{}{}{}{}{}",
            fit(village, name_w),
            fit(code, code_w),
            fit(status, st_w),
            fit(by, by_w),
            fit(at, at_w),
            fit(comment, comment_w),
        ),
        bold().fg(Color::Cyan),
    ));
    if rv.rows.is_empty() {
        lines.push(Line::styled(t::review_empty(m.lang), dim()));
    }
    // The comment of the record under the cursor, in full, at the foot of the list.
    let full: Vec<String> = rv
        .rows
        .get(rv.cursor)
        .and_then(|r| r.comment.as_deref())
        .filter(|c| crate::tui::text::width(c) > comment_w)
        .map(|c| {
            let text = format!("{}{}", t::return_comment_label(m.lang), clean(c));
            crate::tui::text::wrap_to(&text, w)
        })
        .unwrap_or_default();
    let foot = full.len().min((area.height as usize).saturating_sub(3) / 2);
    for i in window(
        rv.rows.len(),
        rv.cursor,
        (area.height as usize).saturating_sub(2 + foot),
    ) {
        let row = &rv.rows[i];
        let mut l = Line::from(vec![
            Span::raw(if i == rv.cursor { "› " } else { "  " }),
            Span::raw(format!("{} ", fit(&clean(&row.village.name), name_w - 1))),
            Span::styled(fit(&row.village.code, code_w), dim()),
            Span::styled(
                fit(status_label(row.status, m.lang), st_w),
                status_style(row.status),
            ),
            Span::raw(format!("{} ", fit(&clean(&row.finalized_by), by_w - 1))),
            Span::styled(fit(&short_time(&row.finalized_at), at_w), dim()),
            Span::styled(
                fit(&clean(row.comment.as_deref().unwrap_or("")), comment_w),
                Style::default().fg(Color::Magenta),
            ),
        ]);
        if i == rv.cursor {
            l = l.style(selected());
        }
        lines.push(l);
    }
    if foot > 0 {
        let pad = (area.height as usize).saturating_sub(lines.len() + foot);
        lines.extend(std::iter::repeat_n(Line::raw(""), pad));
        lines.extend(
            full.into_iter()
                .take(foot)
                .map(|l| Line::styled(l, Style::default().fg(Color::Magenta))),
        );
    }
    f.render_widget(Paragraph::new(lines), area);
}
