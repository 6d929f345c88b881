//! The history of a record (who, when, field, old → new) and the review list of a
//! township.

use crate::forms::Lang;
use crate::forms::record::FieldPath;
use crate::tui::app::Model;
use crate::tui::text::{
    clean, fit, short_time, show_raw, show_value, split_path, status_label, tr,
};
use crate::tui::view::home::{status_style, window};
use crate::tui::view::style::{bold, dim, selected};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// A field of the audit trail as people read it: its label; a group row's field as
/// "#2 label" (with the group's name where there is room).
fn field_label(m: &Model, field: &str, wide: bool) -> String {
    let Some(r) = &m.record else {
        return clean(field);
    };
    if let Some((g, i, f)) = split_path(field) {
        if wide {
            return r.form.path_label(
                &FieldPath {
                    group: Some((g.to_string(), i)),
                    field: f.to_string(),
                },
                m.lang,
            );
        }
        let label = r
            .form
            .group_field(g, f)
            .map(|x| x.label.get(m.lang).to_string())
            .unwrap_or_else(|| clean(f));
        return format!("#{} {label}", i + 1);
    }
    r.form
        .field(field)
        .map(|f| f.label.get(m.lang).to_string())
        .unwrap_or_else(|| clean(field))
}

fn value_text(m: &Model, field: &str, v: &crate::forms::value::Value) -> String {
    if v.is_null() {
        return "—".into();
    }
    let form = m.record.as_ref().map(|r| &r.form);
    let f = match split_path(field) {
        Some((g, _, name)) => form.and_then(|x| x.group_field(g, name)),
        None => form.and_then(|x| x.field(field)),
    };
    match f {
        Some(f) => show_value(f, v, m.lang),
        None => show_raw(v, m.lang),
    }
}

pub fn draw_history(m: &Model, f: &mut Frame, area: Rect) {
    let Some(h) = &m.history else { return };
    let w = area.width as usize;
    let name = m
        .record
        .as_ref()
        .map(|r| format!("{} {}", clean(&r.village.name), r.village.code))
        .unwrap_or_default();
    let title = match m.lang {
        Lang::Zh => format!(
            "修改记录 · {name} · {} 轮 · {} 项",
            clean(&m.round),
            h.rows.len()
        ),
        Lang::En => format!(
            "History · {name} · round {} · {} changes",
            clean(&m.round),
            h.rows.len()
        ),
    };
    let mut lines = vec![Line::styled(fit(&title, w), bold())];
    let (rev_w, at_w, who_w) = (5, 17, if w >= 100 { 12 } else { 8 });
    let field_w = ((w.saturating_sub(rev_w + at_w + who_w)) * 45 / 100).max(8);
    let change_w = w.saturating_sub(rev_w + at_w + who_w + field_w);
    lines.push(Line::styled(
        format!(
            "{}{}{}{}{}",
            fit(tr(m.lang, "版本", "rev"), rev_w),
            fit(tr(m.lang, "时间", "when"), at_w),
            fit(tr(m.lang, "修改人", "who"), who_w),
            fit(tr(m.lang, "字段", "field"), field_w),
            fit(tr(m.lang, "原值 → 新值", "old → new"), change_w),
        ),
        bold().fg(Color::Cyan),
    ));
    if h.rows.is_empty() {
        lines.push(Line::styled(
            tr(
                m.lang,
                "  （还没有完成过的版本）",
                "  (nothing finalized yet)",
            ),
            dim(),
        ));
    }
    let body = (area.height as usize).saturating_sub(2);
    let start = h.scroll.min(h.rows.len().saturating_sub(body));
    for row in h.rows.iter().skip(start).take(body) {
        let change = format!(
            "{} → {}",
            value_text(m, &row.field, &row.old),
            value_text(m, &row.field, &row.new)
        );
        lines.push(Line::from(vec![
            Span::raw(fit(&format!("{}", row.rev), rev_w)),
            Span::styled(fit(&short_time(&row.at), at_w), dim()),
            Span::raw(format!("{} ", fit(&clean(&row.who), who_w - 1))),
            Span::raw(format!(
                "{} ",
                fit(
                    &field_label(m, &row.field, w >= 120),
                    field_w.saturating_sub(1)
                )
            )),
            Span::raw(fit(&change, change_w)),
        ]));
    }
    f.render_widget(Paragraph::new(lines), area);
}

pub fn draw_review(m: &Model, f: &mut Frame, area: Rect) {
    let Some(rv) = &m.review else { return };
    let w = area.width as usize;
    let title = match m.lang {
        Lang::Zh => format!(
            "审核 · {} {} · {} 轮 · {} 条已完成记录",
            clean(&rv.township.name),
            rv.township.code,
            clean(&m.round),
            rv.rows.len()
        ),
        Lang::En => format!(
            "Review · {} {} · round {} · {} finalized records",
            clean(&rv.township.name),
            rv.township.code,
            clean(&m.round),
            rv.rows.len()
        ),
    };
    let mut lines = vec![Line::styled(fit(&title, w), bold())];
    let code_w = if w >= 100 { 13 } else { 0 };
    let (name_w, st_w, by_w, at_w) = (16, 11, if w >= 100 { 12 } else { 8 }, 17);
    let comment_w = w.saturating_sub(2 + name_w + code_w + st_w + by_w + at_w);
    lines.push(Line::styled(
        format!(
            "  {}{}{}{}{}{}",
            fit(tr(m.lang, "村", "village"), name_w),
            fit(tr(m.lang, "代码", "code"), code_w),
            fit(tr(m.lang, "状态", "status"), st_w),
            fit(tr(m.lang, "完成人", "by"), by_w),
            fit(tr(m.lang, "完成时间", "finalized"), at_w),
            fit(tr(m.lang, "退回意见", "return comment"), comment_w),
        ),
        bold().fg(Color::Cyan),
    ));
    if rv.rows.is_empty() {
        lines.push(Line::styled(
            tr(
                m.lang,
                "  （本乡镇本轮还没有已完成的记录）",
                "  (no finalized records in this township for this round)",
            ),
            dim(),
        ));
    }
    for i in window(
        rv.rows.len(),
        rv.cursor,
        (area.height as usize).saturating_sub(2),
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
    f.render_widget(Paragraph::new(lines), area);
}
