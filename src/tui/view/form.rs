//! The form: a header with progress and save state, the field list (sections, required
//! marks, values, problems), and below it the focused field's input, hint and message;
//! the farms table when the group has the focus; the list of what blocks finalizing.

use crate::forms::value::Value;
use crate::forms::{Field, FieldType, Lang};
use crate::tui::app::Model;
use crate::tui::screens::form::{FieldKey, Item, Record, is_text_like};
use crate::tui::text::{clean, count, fit, show_value, status_label, tr, truncate};
use crate::tui::view::home::{status_style, window};
use crate::tui::view::style::{bold, dim, draw_input, selected};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

fn type_name(f: &Field, lang: Lang) -> &'static str {
    match f.ty {
        FieldType::Integer => tr(lang, "整数", "whole number"),
        FieldType::Decimal => tr(lang, "数字", "number"),
        FieldType::Text => tr(lang, "文字", "text"),
        FieldType::Date => tr(lang, "日期 年-月-日", "date YYYY-MM-DD"),
        FieldType::YesNo => tr(lang, "是/否", "yes/no"),
        FieldType::SelectOne => tr(lang, "单选", "one choice"),
        FieldType::SelectMany => tr(lang, "多选", "choices"),
    }
}

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let Some(r) = &m.record else { return };
    let banner = r.return_comment.is_some();
    let detail_h: u16 = match r.focused_group() {
        _ if r.issues.is_some() => 0,
        Some(g) => (r.data.rows(g).len() as u16 + 3).clamp(4, 9),
        None => 4,
    };
    let [head, ban, list, detail] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner as u16),
        Constraint::Min(3),
        Constraint::Length(detail_h),
    ])
    .areas(area);
    draw_header(m, r, f, head);
    if let Some(c) = &r.return_comment {
        let text = format!("{}{}", tr(m.lang, "退回意见：", "Returned: "), clean(c));
        f.render_widget(
            Paragraph::new(fit(&text, ban.width as usize))
                .style(Style::default().fg(Color::Black).bg(Color::Magenta)),
            ban,
        );
    }
    if r.issues.is_some() {
        draw_issues(
            m,
            r,
            f,
            Rect {
                height: list.height + detail.height,
                ..list
            },
        );
        return;
    }
    draw_list(m, r, f, list);
    match r.focused_group() {
        Some(g) => draw_table(m, r, g, f, detail),
        None => draw_detail(m, r, f, detail),
    }
}

fn draw_header(m: &Model, r: &Record, f: &mut Frame, area: Rect) {
    let (answered, required) = r.progress();
    let mut spans = vec![
        Span::styled(
            format!("{} {} ", clean(&r.village.name), r.village.code),
            bold(),
        ),
        Span::raw(format!("· {} · ", clean(&r.round))),
        Span::styled(status_label(r.status, m.lang), status_style(r.status)),
    ];
    // A draft is the revision it will become when finalized.
    let rev = match r.rev {
        Some(rev) if r.read_only => Some(rev),
        Some(rev) => Some(rev + 1),
        None => None,
    };
    if let Some(rev) = rev {
        spans.push(Span::raw(match m.lang {
            Lang::Zh => format!(" 第{rev}版"),
            Lang::En => format!(" rev {rev}"),
        }));
    }
    spans.push(Span::raw(match m.lang {
        Lang::Zh => format!(" · 进度 {answered}/{required}"),
        Lang::En => format!(" · answered {answered}/{required}"),
    }));
    if r.read_only {
        spans.push(Span::styled(tr(m.lang, " · 只读", " · read-only"), dim()));
    } else if r.pending > 0 {
        spans.push(Span::styled(
            tr(m.lang, " · 保存中…", " · saving…"),
            Style::default().fg(Color::Yellow),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Problem of a field to mark in the list: remembered from leaving it, or (for values
/// not being typed) what the form says now.
fn problem(r: &Record, key: &FieldKey, focused: bool) -> bool {
    r.messages.contains_key(key) || (!focused && r.check(key).is_some())
}

fn draw_list(m: &Model, r: &Record, f: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let label_w = (w * 55 / 100).max(10);
    let value_w = w.saturating_sub(label_w + 5);
    // Every line first (the focused choice field opens its options below it), then the
    // window around the focused line.
    let mut lines = Vec::new();
    let mut cursor_line = 0;
    for pos in 0..r.items.len() {
        let item = &r.items[pos];
        let focused = pos == r.cursor;
        let line = match item {
            Item::Section(i) => {
                let label = r.form.sections[*i].label.get(m.lang);
                Line::styled(fit(&format!("■ {label}"), w), bold().fg(Color::Cyan))
            }
            Item::RowHeader => {
                let (g, id) = r.row_mode.clone().unwrap_or_default();
                let n = r.row_index(&g, &id).map(|i| i + 1).unwrap_or(0);
                let gl = r.form.group(&g).map(|x| x.label.get(m.lang)).unwrap_or("");
                let text = match m.lang {
                    Lang::Zh => format!("■ {gl} · 第 {n} 行（Esc 返回表格）"),
                    Lang::En => format!("■ {gl} · row {n} (Esc back to the table)"),
                };
                Line::styled(fit(&text, w), bold().fg(Color::Cyan))
            }
            Item::Group(g) => {
                let gl = r.form.group(g).map(|x| x.label.get(m.lang)).unwrap_or("");
                let n = r.data.rows(g).len();
                let text = match m.lang {
                    Lang::Zh => format!("{gl}（{n} 行）"),
                    Lang::En => format!("{gl} ({})", count(n, "row")),
                };
                let mut l = Line::from(vec![
                    Span::raw(if focused { "› " } else { "  " }),
                    Span::raw(" "),
                    Span::raw(fit(&text, w.saturating_sub(3))),
                ]);
                if focused {
                    l = l.style(selected());
                }
                l
            }
            Item::Field(name) => {
                let key = FieldKey {
                    row: r.row_mode.clone(),
                    field: name.clone(),
                };
                let Some(field) = r.form_field(&key) else {
                    continue;
                };
                let v = r.shown_value(&key);
                let shown = show_value(field, v, m.lang);
                let req = if field.required && !field.is_calculated() {
                    "*"
                } else {
                    " "
                };
                let bad = problem(r, &key, focused);
                let mut value_style = if field.is_calculated() {
                    Style::default().fg(Color::Cyan)
                } else {
                    Style::default()
                };
                if bad {
                    value_style = Style::default().fg(Color::Red);
                }
                let mut spans = vec![
                    Span::raw(if focused { "› " } else { "  " }),
                    Span::styled(req, Style::default().fg(Color::Red)),
                    Span::raw(fit(field.label.get(m.lang), label_w)),
                    Span::raw(" "),
                    Span::styled(fit(&shown, value_w), value_style),
                ];
                if bad {
                    spans.push(Span::styled("⚠", Style::default().fg(Color::Red)));
                }
                let mut l = Line::from(spans);
                if focused {
                    l = l.style(selected());
                }
                l
            }
        };
        if focused {
            cursor_line = lines.len();
        }
        lines.push(line);
        if focused && !r.read_only {
            lines.extend(choice_options(m, r));
        }
    }
    let range = window(lines.len(), cursor_line, area.height as usize);
    let shown: Vec<Line> = lines.drain(range).collect();
    f.render_widget(Paragraph::new(shown), area);
}

/// The options of the focused choice field, numbered, the chosen ones marked.
fn choice_options(m: &Model, r: &Record) -> Vec<Line<'static>> {
    let Some(field) = r.focused_field() else {
        return Vec::new();
    };
    if !matches!(field.ty, FieldType::SelectOne | FieldType::SelectMany) {
        return Vec::new();
    }
    let cur = r.live_value().unwrap_or(Value::Null);
    let many = field.ty == FieldType::SelectMany;
    field
        .choices
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let on = match &cur {
                Value::Text(t) => *t == c.name,
                Value::Choices(l) => l.contains(&c.name),
                _ => false,
            };
            let mark = match (many, on) {
                (true, true) => "[x]",
                (true, false) => "[ ]",
                (false, true) => "(•)",
                (false, false) => "( )",
            };
            let mut st = if on {
                Style::default()
                    .fg(Color::Green)
                    .add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            };
            if many && i == r.editor.highlight {
                st = st.add_modifier(Modifier::UNDERLINED);
            }
            Line::styled(
                format!("      {mark} {} {}", i + 1, c.label.get(m.lang)),
                st,
            )
        })
        .collect()
}

fn draw_detail(m: &Model, r: &Record, f: &mut Frame, area: Rect) {
    let Some(key) = r.focused_key() else { return };
    let Some(field) = r.form_field(&key) else {
        return;
    };
    let w = area.width as usize;
    let rows: [Rect; 4] = Layout::vertical([Constraint::Length(1); 4]).areas(area);
    let title = format!(
        "{}{} · {}{}",
        field.label.get(m.lang),
        if field.required { " *" } else { "" },
        type_name(field, m.lang),
        if field.required {
            tr(m.lang, " · 必填", " · required")
        } else {
            ""
        }
    );
    f.render_widget(
        Paragraph::new(Line::styled(fit(&format!("─ {title} "), w), bold()))
            .style(Style::default().fg(Color::Cyan)),
        rows[0],
    );
    if let Some(h) = &field.hint {
        f.render_widget(
            Paragraph::new(Line::styled(truncate(h.get(m.lang), w), dim())),
            rows[1],
        );
    }
    // The input.
    if r.read_only || field.is_calculated() {
        let v = show_value(field, r.shown_value(&key), m.lang);
        f.render_widget(
            Paragraph::new(format!("  {}", truncate(&v, w - 2))),
            rows[2],
        );
    } else if is_text_like(field) {
        draw_input(f, rows[2], "› ", &r.editor.input, r.issues.is_none());
    } else {
        f.render_widget(Paragraph::new(choice_line(r, field, m.lang, w)), rows[2]);
    }
    // The message under the field: unreadable input, or a constraint.
    let msg = r.messages.get(&key).cloned().or_else(|| {
        if r.editor.dirty {
            r.live_value().err()
        } else {
            r.check(&key)
        }
    });
    // Said once: not under the field when the message line says it already.
    let said = |t: &crate::forms::Text| {
        m.notice
            .as_ref()
            .is_some_and(|n| n.text.contains(t.get(m.lang)))
    };
    if let Some(t) = msg.filter(|t| !said(t)) {
        f.render_widget(
            Paragraph::new(truncate(&format!("⚠ {}", t.get(m.lang)), w))
                .style(Style::default().fg(Color::Red)),
            rows[3],
        );
    }
}

/// The picker of a yes/no or choice field: the options with the chosen one marked.
fn choice_line(r: &Record, field: &Field, lang: Lang, w: usize) -> Line<'static> {
    let cur = r.live_value().unwrap_or(Value::Null);
    let on = Style::default()
        .fg(Color::Black)
        .bg(Color::Green)
        .add_modifier(Modifier::BOLD);
    let mut spans = vec![Span::raw("› ")];
    match field.ty {
        FieldType::YesNo => {
            for (b, label) in [
                (true, tr(lang, "是(y)", "yes (y)")),
                (false, tr(lang, "否(n)", "no (n)")),
            ] {
                let st = if cur == Value::Bool(b) {
                    on
                } else {
                    Style::default()
                };
                spans.push(Span::styled(format!(" {label} "), st));
                spans.push(Span::raw(" "));
            }
        }
        _ => {
            let now = show_value(field, &cur, lang);
            if !now.is_empty() {
                spans.push(Span::styled(format!(" {} ", truncate(&now, w / 2)), on));
            }
            let n = field.choices.len();
            let hint = match (lang, field.ty) {
                (Lang::Zh, FieldType::SelectMany) => {
                    format!("  数字 1–{n} 勾选/取消，←→ 移动，空格 勾选")
                }
                (Lang::En, FieldType::SelectMany) => {
                    format!("  digits 1–{n} tick/untick, ←→ move, space ticks")
                }
                (Lang::Zh, _) => format!("  数字 1–{n} 或 ←→ 选择（选项见上）"),
                (Lang::En, _) => format!("  digits 1–{n} or ←→ choose (options above)"),
            };
            spans.push(Span::styled(hint, dim()));
        }
    }
    Line::from(spans)
}

fn draw_table(m: &Model, r: &Record, g: &str, f: &mut Frame, area: Rect) {
    let Some(group) = r.form.group(g) else { return };
    let w = area.width as usize;
    let rows = r.data.rows(g);
    let title = match m.lang {
        Lang::Zh => format!("─ {}（{} 行）", group.label.get(m.lang), rows.len()),
        Lang::En => format!("─ {} ({})", group.label.get(m.lang), count(rows.len(), "row")),
    };
    let mut lines = vec![Line::styled(fit(&title, w), bold().fg(Color::Cyan))];
    let cols = group.fields.len().max(1);
    let col_w = (w.saturating_sub(4) / cols).max(4);
    let mut header = vec![Span::styled("  # ", bold())];
    for fl in &group.fields {
        header.push(Span::styled(cell(fl.label.get(m.lang), col_w), bold()));
    }
    lines.push(Line::from(header));
    if rows.is_empty() {
        lines.push(Line::styled(
            tr(
                m.lang,
                "  （没有养殖场：按 a 添加一行）",
                "  (no farms: press a to add one)",
            ),
            dim(),
        ));
    }
    let body_h = (area.height as usize).saturating_sub(2);
    let shown = &r.shown;
    for i in window(rows.len(), r.table_row, body_h) {
        let row = &shown.rows(g).get(i).cloned().unwrap_or_default();
        let mut spans = vec![Span::raw(fit(&format!("{:>3} ", i + 1), 4))];
        for fl in &group.fields {
            let v = row.values.get(&fl.name).cloned().unwrap_or_default();
            let key = FieldKey {
                row: Some((g.to_string(), row.id.clone())),
                field: fl.name.clone(),
            };
            let bad = r.check(&key).is_some() || r.messages.contains_key(&key);
            let st = if bad {
                Style::default().fg(Color::Red)
            } else {
                Style::default()
            };
            spans.push(Span::styled(cell(&show_value(fl, &v, m.lang), col_w), st));
        }
        let mut l = Line::from(spans);
        if i == r.table_row {
            l = l.style(selected());
        }
        lines.push(l);
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// A table cell: the text cut to leave one blank column before the next cell.
fn cell(s: &str, w: usize) -> String {
    format!("{} ", fit(s, w.saturating_sub(1)))
}

fn draw_issues(m: &Model, r: &Record, f: &mut Frame, area: Rect) {
    let Some(iss) = &r.issues else { return };
    let w = area.width as usize;
    let title = match m.lang {
        Lang::Zh => format!(
            "─ 无法完成：还有 {} 项需要处理（Enter 转到该项）",
            iss.list.len()
        ),
        Lang::En => format!(
            "─ Cannot finalize: {} (Enter goes to the field)",
            count(iss.list.len(), "problem")
        ),
    };
    let mut lines = vec![Line::styled(fit(&title, w), bold().fg(Color::Yellow))];
    let label_w = (w * 2 / 5).max(10);
    for i in window(
        iss.list.len(),
        iss.cursor,
        (area.height as usize).saturating_sub(1),
    ) {
        let issue = &iss.list[i];
        let label = r.form.path_label(&issue.path, m.lang);
        let mut l = Line::from(vec![
            Span::raw(if i == iss.cursor { "› " } else { "  " }),
            Span::styled(fit(&label, label_w), bold()),
            Span::raw(" "),
            Span::styled(
                fit(issue.message.get(m.lang), w.saturating_sub(label_w + 3)),
                Style::default().fg(Color::Red),
            ),
        ]);
        if i == iss.cursor {
            l = l.style(selected());
        }
        lines.push(l);
    }
    f.render_widget(Paragraph::new(lines), area);
}
