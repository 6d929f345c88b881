//! The history screen: a record's changes (who, when, field, old → new).

use crate::forms::Lang;
use crate::forms::record::FieldPath;
use crate::tui::app::Model;
use crate::tui::text::{clean, fit, short_time, show_raw, show_value, split_path, tr};
use crate::tui::view::style::{bold, dim};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Color;
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

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
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
