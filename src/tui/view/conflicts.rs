//! The conflicts screen: the round's open forks and duplicates, and one of them as two
//! versions side by side (who finalized each and when, then every field of the form with
//! both values; rows that differ are marked). A pure function of the model.

use crate::forms::Lang;
use crate::i18n::key;
use crate::i18n::tui_exchange as words;
use crate::store::exchange::ConflictDetail;
use crate::tui::app::Model;
use crate::tui::keys::{Action, Ctx};
use crate::tui::screens::conflicts::{Compare, Side, short_hash, short_id, village_name};
use crate::tui::shared::conflicts::Question;
use crate::tui::text::short_time;
use crate::tui::text::{clean, fit, width, wrap_to};
use crate::tui::view::home::window;
use crate::tui::view::style::{bold, dim, selected};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// "duplicate records" / "forked revision" / both.
pub fn kind_label(d: &ConflictDetail, lang: Lang) -> &'static str {
    match (d.duplicate, d.fork) {
        (true, true) => words::kind_duplicate_fork(lang),
        (true, false) => words::kind_duplicate(lang),
        _ => words::kind_fork(lang),
    }
}

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let Some(c) = &m.conflicts else { return };
    match &c.open {
        Some(o) => draw_compare(m, f, area, o),
        None => draw_list(m, f, area),
    }
}

fn draw_list(m: &Model, f: &mut Frame, area: Rect) {
    let Some(c) = &m.conflicts else { return };
    let w = area.width as usize;
    let lang = m.lang;
    let title = words::conflicts_title(lang, &clean(&c.round), c.list.len());
    let mut lines = vec![Line::styled(fit(&title, w), bold())];
    let code_w = if w >= 70 { 13 } else { 0 };
    let (name_w, kind_w, n_w) = (if w >= 110 { 24 } else { 16 }, 16, 6);
    let counted_w = w.saturating_sub(2 + name_w + code_w + kind_w + n_w);
    lines.push(Line::styled(
        fit(
            &format!(
                "  {}{}{}{}{}",
                fit(words::column_village(lang), name_w),
                fit(words::column_code(lang), code_w),
                fit(words::column_kind(lang), kind_w),
                fit(words::column_versions(lang), n_w),
                fit(words::column_counted(lang), counted_w),
            ),
            w,
        ),
        bold().fg(Color::Cyan),
    ));
    if c.list.is_empty() {
        lines.push(Line::styled(fit(words::no_conflicts(lang), w), dim()));
    }
    let rows = (area.height as usize).saturating_sub(2);
    for i in window(c.list.len(), c.cursor, rows) {
        let d = &c.list[i];
        let counted = d
            .candidates
            .iter()
            .find(|k| k.counted)
            .map(|k| format!("{} {}", clean(&k.finalized_by), short_time(&k.finalized_at)))
            .unwrap_or_default();
        let mut l = Line::from(vec![
            Span::raw(if i == c.cursor { "› " } else { "  " }),
            Span::raw(format!(
                "{} ",
                fit(&village_name(&m.home.tree, &d.village_code), name_w - 1)
            )),
            Span::styled(fit(&clean(&d.village_code), code_w), dim()),
            Span::styled(
                fit(kind_label(d, lang), kind_w),
                Style::default().fg(Color::Red),
            ),
            Span::raw(fit(&format!("{}", d.candidates.len()), n_w)),
            Span::raw(fit(&counted, counted_w)),
        ]);
        if i == c.cursor {
            l = l.style(selected());
        }
        lines.push(l);
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// Column widths of the comparison: a mark, the label, and two equal value columns
/// separated by " │ ".
struct Cols {
    label: usize,
    left: usize,
    right: usize,
}

/// Columns for `w` cells: the label column is as wide as the longest label (`label_need`)
/// while the two values keep `value_need` cells each; never narrower than before.
fn cols(w: usize, label_need: usize, value_need: usize) -> Cols {
    let base = if w >= 110 { 34 } else { 23.min(w / 3) };
    let room = w.saturating_sub(1 + 1 + 3 + 2 * value_need);
    let label = label_need.min(room).max(base);
    let values = w.saturating_sub(1 + label + 1 + 3);
    Cols {
        label,
        left: values / 2,
        right: values - values / 2,
    }
}

fn row_line(
    c: &Cols,
    mark: &str,
    label: &str,
    left: Span<'static>,
    right: Span<'static>,
) -> Vec<Span<'static>> {
    vec![
        Span::raw(fit(mark, 1)),
        Span::raw(format!("{} ", fit(label, c.label))),
        left,
        Span::styled(" │ ", dim()),
        right,
    ]
}

fn draw_compare(m: &Model, f: &mut Frame, area: Rect, o: &Compare) {
    let w = area.width as usize;
    let lang = m.lang;
    let rows = o.rows(lang);
    // Values need the record line (…id rev n #hash) and the longest value shown.
    let value_need = rows
        .iter()
        .filter(|r| !r.heading)
        .map(|r| width(&r.left).max(width(&r.right)))
        .max()
        .unwrap_or(0)
        .max(27);
    let label_need = rows
        .iter()
        .filter(|r| !r.heading)
        .map(|r| width(&r.label))
        .max()
        .unwrap_or(0);
    let c = cols(w, label_need, value_need);
    let d = &o.conflict.detail;
    let n = o.versions().len();
    let what = match &o.conflict.question {
        Question::Version { record_id } if d.duplicate => {
            words::pick_true_version(lang, &short_id(record_id))
        }
        _ => words::kind_versions(lang, kind_label(d, lang), n),
    };
    let title = words::compare_title(
        lang,
        &village_name(&m.home.tree, &d.village_code),
        &clean(&d.village_code),
        &clean(&d.round),
        &what,
    );
    let mut lines = vec![Line::styled(fit(&title, w), bold())];
    let (Some(l), Some(r)) = (o.left_version(), o.right_version()) else {
        f.render_widget(Paragraph::new(lines), area);
        return;
    };
    let single = o.versions().len() < 2;

    // Which side is which; the focused one reversed and marked (also without colour).
    let head = |side: Side, text: String, width: usize| {
        if o.side == side {
            Span::styled(
                fit(&format!("> {text}"), width),
                selected().add_modifier(Modifier::BOLD),
            )
        } else {
            Span::styled(fit(&format!("  {text}"), width), bold())
        }
    };
    let counted = |v: &crate::tui::shared::conflicts::Version| {
        if v.candidate.counted {
            words::counted_now(lang)
        } else {
            ""
        }
    };
    let (pos, others) = o.right_position();
    let left_head = format!("{}{}", words::left(lang), counted(l));
    let right_head = if single {
        String::new()
    } else if others > 1 {
        words::right_of(
            lang,
            pos,
            others,
            counted(r),
            key(Ctx::Compare, Action::NextVersion),
        )
    } else {
        format!("{}{}", words::right(lang), counted(r))
    };
    lines.push(Line::from(row_line(
        &c,
        "",
        "",
        head(Side::Left, left_head, c.left),
        head(Side::Right, right_head, c.right),
    )));
    let meta = |label: &str, a: String, b: String| {
        Line::from(row_line(
            &c,
            "",
            label,
            Span::styled(fit(&a, c.left), dim()),
            Span::styled(fit(&b, c.right), dim()),
        ))
        .style(dim())
    };
    let rec = |v: &crate::tui::shared::conflicts::Version| {
        let k = &v.candidate;
        words::record_rev(lang, &short_id(&k.record_id), k.rev, &short_hash(&k.hash))
    };
    lines.push(meta(words::meta_record(lang), rec(l), rec(r)));
    lines.push(meta(
        words::meta_finalized_by(lang),
        clean(&l.candidate.finalized_by),
        clean(&r.candidate.finalized_by),
    ));
    lines.push(meta(
        words::meta_finalized_at(lang),
        short_time(&l.candidate.finalized_at),
        short_time(&r.candidate.finalized_at),
    ));

    let body = (area.height as usize).saturating_sub(lines.len() + 1);
    // A row whose label or values are longer than their columns goes on over more lines
    // (read in full); the window is counted in lines, and its end fills the page.
    let height = |r: &crate::tui::screens::conflicts::CompareRow| {
        if r.heading {
            1
        } else {
            wrap_to(&r.label, c.label)
                .len()
                .max(wrap_to(&r.left, c.left).len())
                .max(wrap_to(&r.right, c.right).len())
                .clamp(1, 2)
        }
    };
    let heights: Vec<usize> = rows.iter().map(height).collect();
    let mut last_start = rows.len();
    let mut tail = 0;
    while last_start > 0 && tail + heights[last_start - 1] <= body {
        last_start -= 1;
        tail += heights[last_start];
    }
    let start = o.scroll.min(last_start);
    let mut end = start;
    let mut used = 0;
    while end < rows.len() && used + heights[end] <= body {
        used += heights[end];
        end += 1;
    }
    let differing = if o.diff_only {
        rows.iter().filter(|r| !r.heading).count()
    } else {
        rows.iter().filter(|r| r.differs).count()
    };
    let summary = words::compare_summary(
        lang,
        differing,
        o.diff_only,
        key(Ctx::Compare, Action::DiffOnly),
        (start + 1).min(end),
        end,
        rows.len(),
    );
    lines.push(Line::styled(fit(&summary, w), dim()));
    let diff_style = Style::default()
        .fg(Color::Yellow)
        .add_modifier(Modifier::BOLD);
    for row in &rows[start..end] {
        if row.heading {
            lines.push(Line::styled(
                fit(&format!(" {}", row.label), w),
                bold().fg(Color::Cyan),
            ));
            continue;
        }
        let (mark, style) = if row.differs {
            ("*", diff_style)
        } else {
            ("", Style::default())
        };
        let n = height(row);
        let cut = |s: &str, w: usize| {
            let mut parts = wrap_to(s, w);
            if parts.len() > n {
                let rest = parts[n - 1..].join("");
                parts.truncate(n - 1);
                parts.push(rest);
            }
            parts
        };
        let (label, left, right) = (
            cut(&row.label, c.label),
            cut(&row.left, c.left),
            cut(&row.right, c.right),
        );
        let part = |v: &[String], k: usize| v.get(k).cloned().unwrap_or_default();
        for k in 0..n {
            lines.push(
                Line::from(row_line(
                    &c,
                    if k == 0 { mark } else { "" },
                    &part(&label, k),
                    Span::raw(fit(&part(&left, k), c.left)),
                    Span::raw(fit(&part(&right, k), c.right)),
                ))
                .style(style),
            );
        }
    }
    if rows.is_empty() && o.diff_only {
        lines.push(Line::styled(fit(words::same_content(lang), w), dim()));
    }
    f.render_widget(Paragraph::new(lines), area);
}
