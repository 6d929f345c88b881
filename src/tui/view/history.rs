//! The history screen: a record's changes (who, when, field, old → new) beside its
//! revisions, reviews (the comment wrapped, in full) and resolutions.

use crate::forms::record::FieldPath;
use crate::i18n::tui_record as t;
use crate::store::{HistoryEvent, ReviewAction};
use crate::tui::app::Model;
use crate::tui::screens::history::Entry;
use crate::tui::text::{clean, fit, short_time, show_raw, show_value, split_path, wrap_to};
use crate::tui::view::style::{bold, dim};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

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
    let reviews = h
        .entries
        .iter()
        .filter(|e| matches!(e, Entry::Event(HistoryEvent::Reviewed(_))))
        .count();
    let title = t::history_title(m.lang, &name, &clean(&m.round), h.rows.len(), reviews);
    let mut lines = vec![Line::styled(fit(&title, w), bold())];
    let [rev, when, who, field, change] = t::history_columns(m.lang);
    // Columns as wide as what they hold, where the width allows: nothing is cut that has
    // room (a long group field's label, an escaped name).
    // A group row's field with the group's name where the line is wide and it fits, else
    // "#2 label".
    let labelled = |wide: bool| -> Vec<(String, String)> {
        h.entries
            .iter()
            .filter_map(|e| match e {
                Entry::Change(row) => Some((
                    field_label(m, &row.field, wide),
                    format!(
                        "{} → {}",
                        value_text(m, &row.field, &row.old),
                        value_text(m, &row.field, &row.new)
                    ),
                )),
                Entry::Event(_) => None,
            })
            .collect()
    };
    let mut changes = labelled(w >= 120);
    let widest = |items: &mut dyn Iterator<Item = usize>| items.max().unwrap_or(0);
    let (rev_w, at_w) = (5, 17);
    let who_need = widest(&mut h.entries.iter().map(|e| match e {
        Entry::Change(row) => clean(&row.who).width(),
        Entry::Event(e) => clean(event_text(m, e).2).width(),
    }))
    .max(who.width())
        + 1;
    let who_w = who_need.clamp(8, if w >= 100 { 17 } else { 9 });
    let rest = w.saturating_sub(rev_w + at_w + who_w);
    let change_need = widest(&mut changes.iter().map(|(_, c)| c.width())).max(change.width());
    // Short of room, the field's label (what changed) keeps up to 60 %: most values are
    // a number or yes/no, and the form shows the current one in full.
    let share = (rest * 60 / 100).max(rest.saturating_sub(change_need));
    let need = |changes: &[(String, String)]| {
        widest(&mut changes.iter().map(|(f, _)| f.width())).max(field.width()) + 1
    };
    if w >= 120 && need(&changes) > share {
        changes = labelled(false);
    }
    let field_w = need(&changes).min(share).clamp(8.min(rest), rest.max(1));
    let change_w = rest.saturating_sub(field_w);
    lines.push(Line::styled(
        format!(
            "{}{}{}{}{}",
            fit(rev, rev_w),
            fit(when, at_w),
            fit(who, who_w),
            fit(field, field_w),
            fit(change, change_w),
        ),
        bold().fg(Color::Cyan),
    ));
    if h.entries.is_empty() {
        lines.push(Line::styled(t::history_empty(m.lang), dim()));
    }
    let body = (area.height as usize).saturating_sub(2);
    let lead = |rev: u32, at: &str, who: &str| {
        vec![
            Span::raw(fit(&format!("{rev}"), rev_w)),
            Span::styled(fit(&short_time(at), at_w), dim()),
            Span::raw(format!("{} ", fit(&clean(who), who_w - 1))),
        ]
    };
    let text_w = w.saturating_sub(rev_w + at_w + who_w);
    let indent = " ".repeat(rev_w + at_w + who_w);
    // Every entry's lines, then the window: the end of the history fills the page (End
    // and PgDn stop there), as scrolling in update assumes.
    let mut blocks: Vec<Vec<Line>> = Vec::new();
    let mut changes = changes.into_iter();
    for entry in &h.entries {
        let mut lines: Vec<Line> = Vec::new();
        match entry {
            Entry::Change(row) => {
                let (label, change) = changes.next().unwrap_or_default();
                let mut spans = lead(row.rev, &row.at, &row.who);
                spans.push(Span::raw(format!(
                    "{} ",
                    fit(&label, field_w.saturating_sub(1))
                )));
                spans.push(Span::raw(fit(&change, change_w)));
                lines.push(Line::from(spans));
            }
            Entry::Event(e) => {
                let (rev, at, who, text, style) = event_text(m, e);
                // The whole text (a return's comment above all) is readable: it wraps.
                for (k, part) in wrap_to(&text, text_w).into_iter().enumerate() {
                    let mut spans = if k == 0 {
                        lead(rev, at, who)
                    } else {
                        vec![Span::raw(indent.clone())]
                    };
                    spans.push(Span::styled(part, style));
                    lines.push(Line::from(spans));
                }
            }
        }
        blocks.push(lines);
    }
    let mut tail = 0;
    let mut last_start = blocks.len();
    while last_start > 0 && tail + blocks[last_start - 1].len() <= body {
        last_start -= 1;
        tail += blocks[last_start].len();
    }
    let start = h.scroll.min(last_start);
    lines.extend(blocks.into_iter().skip(start).flatten().take(body));
    f.render_widget(Paragraph::new(lines), area);
}

/// An event as one text: the revision, when, who, and what happened.
fn event_text<'a>(m: &Model, e: &'a HistoryEvent) -> (u32, &'a str, &'a str, String, Style) {
    match e {
        HistoryEvent::Finalized {
            rev,
            who,
            at,
            changes,
            ..
        } => {
            let text = t::revision_finalized(m.lang, *rev, *changes);
            (*rev, at, who, text, bold().fg(Color::Green))
        }
        HistoryEvent::Reviewed(r) => match r.action {
            ReviewAction::Approve => {
                let mut text = t::approved_event(m.lang).to_string();
                if !r.comment.trim().is_empty() {
                    text.push_str(t::colon(m.lang));
                    text.push_str(&clean(&r.comment));
                }
                (r.rev, &r.at, &r.who, text, bold().fg(Color::Cyan))
            }
            ReviewAction::Return => {
                let text = format!("{}{}", t::returned_event(m.lang), clean(&r.comment));
                (r.rev, &r.at, &r.who, text, bold().fg(Color::Magenta))
            }
        },
        HistoryEvent::Resolved(r) => {
            let text = match r.kind.as_str() {
                "fork" => t::fork_resolved(m.lang, r.rev),
                _ => t::duplicates_resolved(m.lang).to_string(),
            };
            (r.rev, &r.at, &r.who, text, bold().fg(Color::Yellow))
        }
    }
}
