//! The form: a header with progress and save state, the field list (sections, required
//! marks, values, problems), and below it the focused field's input, hint and message;
//! the farms table when the group has the focus; the list of what blocks finalizing.

use crate::forms::value::Value;
use crate::forms::{Field, FieldType, Lang};
use crate::i18n::key;
use crate::i18n::tui_record as t;
use crate::tui::app::Model;
use crate::tui::keys::{Action, Ctx};
use crate::tui::screens::form::{FieldKey, Item, Record, is_text_like};
use crate::tui::text::{clean, fit, show_value, status_label, truncate, width};
use crate::tui::view::home::{status_style, window};
use crate::tui::view::style::{bold, dim, draw_input, selected};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let Some(r) = &m.record else { return };
    // The reviewer's comment in full, to its end (up to a third of the screen).
    let banner: Vec<String> = r
        .return_comment
        .as_ref()
        .map(|c| {
            let text = format!("{}{}", t::return_banner(m.lang), clean(c));
            crate::tui::text::wrap_to(&text, area.width as usize)
        })
        .unwrap_or_default();
    let banner_h = (banner.len() as u16).min((area.height / 3).max(1));
    let detail_h: u16 = match r.focused_group() {
        _ if r.issues.is_some() => 0,
        Some(g) => (r.data.rows(g).len() as u16 + 3).clamp(4, 9),
        None => 3 + hint_lines(m, r, area.width as usize).len().max(1) as u16,
    };
    let [head, ban, list, detail] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner_h),
        Constraint::Min(3),
        Constraint::Length(detail_h),
    ])
    .areas(area);
    draw_header(m, r, f, head);
    if !banner.is_empty() {
        let lines: Vec<Line> = banner
            .iter()
            .map(|l| Line::raw(fit(l, ban.width as usize)))
            .collect();
        f.render_widget(
            Paragraph::new(lines).style(Style::default().fg(Color::Black).bg(Color::Magenta)),
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
    // A finalized revision is shown as it is; a draft over one is the revision it will
    // become when finalized, said as being made (it does not exist yet).
    match r.rev {
        Some(rev) if r.read_only => spans.push(Span::raw(t::header_rev(m.lang, rev))),
        Some(rev) => spans.push(Span::styled(
            t::header_making_rev(m.lang, rev + 1),
            Style::default().fg(Color::Yellow),
        )),
        None => {}
    }
    spans.push(Span::raw(t::header_progress(m.lang, answered, required)));
    if r.read_only {
        spans.push(Span::styled(t::read_only_mark(m.lang), dim()));
    } else if r.pending > 0 {
        spans.push(Span::styled(
            t::saving_mark(m.lang),
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
                let text = t::row_header(m.lang, gl, n, key(Ctx::Form, Action::Back));
                Line::styled(fit(&text, w), bold().fg(Color::Cyan))
            }
            Item::Group(g) => {
                let gl = r.form.group(g).map(|x| x.label.get(m.lang)).unwrap_or("");
                let n = r.data.rows(g).len();
                let text = t::group_line(m.lang, gl, &t::rows(m.lang, n));
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
                // A long label takes the room its value leaves free.
                let value_need = crate::tui::text::width(&shown);
                let label_need = crate::tui::text::width(field.label.get(m.lang));
                let (lw, vw) = if label_need > label_w && value_need < value_w {
                    let lw = label_need.min(w.saturating_sub(value_need.max(1) + 5));
                    (lw.max(label_w), w.saturating_sub(lw.max(label_w) + 5))
                } else {
                    (label_w, value_w)
                };
                let mut spans = vec![
                    Span::raw(if focused { "› " } else { "  " }),
                    Span::styled(req, Style::default().fg(Color::Red)),
                    Span::raw(fit(field.label.get(m.lang), lw)),
                    Span::raw(" "),
                    Span::styled(fit(&shown, vw), value_style),
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

/// The focused field's hint, in full on up to two lines (cut after that).
fn hint_lines(m: &Model, r: &Record, w: usize) -> Vec<String> {
    let Some(hint) = r.focused_field().and_then(|f| f.hint.as_ref()) else {
        return Vec::new();
    };
    let mut lines = crate::tui::text::wrap_to(hint.get(m.lang), w);
    if lines.len() > 2 {
        let rest = lines[1..].join(" ");
        lines.truncate(1);
        lines.push(truncate(&rest, w));
    }
    lines
}

fn draw_detail(m: &Model, r: &Record, f: &mut Frame, area: Rect) {
    let Some(key) = r.focused_key() else { return };
    let Some(field) = r.form_field(&key) else {
        return;
    };
    let w = area.width as usize;
    let hint = hint_lines(m, r, w);
    let rows: [Rect; 4] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(hint.len().max(1) as u16),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let title = format!(
        "{}{} · {}{}",
        field.label.get(m.lang),
        if field.required { " *" } else { "" },
        t::field_type(m.lang, field.ty),
        if field.required {
            t::required_mark(m.lang)
        } else {
            ""
        }
    );
    f.render_widget(
        Paragraph::new(Line::styled(fit(&format!("─ {title} "), w), bold()))
            .style(Style::default().fg(Color::Cyan)),
        rows[0],
    );
    if !hint.is_empty() {
        let lines: Vec<Line> = hint.into_iter().map(|l| Line::styled(l, dim())).collect();
        f.render_widget(Paragraph::new(lines), rows[1]);
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
            for (b, label) in [(true, t::yes_answer(lang)), (false, t::no_answer(lang))] {
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
            let hint = match field.ty {
                FieldType::SelectMany => t::choose_many_hint(lang, n),
                _ => t::choose_one_hint(lang, n),
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
    let mut title = t::table_title(
        m.lang,
        group.label.get(m.lang),
        &t::rows(m.lang, rows.len()),
    );
    let widths = column_widths(
        &group
            .fields
            .iter()
            .map(|fl| {
                let values = r
                    .shown
                    .rows(g)
                    .iter()
                    .map(|row| {
                        let v = row.values.get(&fl.name).cloned().unwrap_or_default();
                        crate::tui::text::width(&show_value(fl, &v, m.lang))
                    })
                    .max()
                    .unwrap_or(0);
                (crate::tui::text::width(fl.label.get(m.lang)), values)
            })
            .collect::<Vec<_>>(),
        w.saturating_sub(4),
    );
    // Headers too long for their column are shortened so that no two read the same; the
    // title says where the full names are (a row opened lists its fields by name).
    let labels: Vec<&str> = group.fields.iter().map(|fl| fl.label.get(m.lang)).collect();
    let (headers, shortened) = short_headers(&labels, &widths);
    if shortened && !rows.is_empty() {
        title.push_str(&t::table_short_headers(
            m.lang,
            key(Ctx::Table, Action::EditRow),
        ));
    }
    let mut lines = vec![Line::styled(fit(&title, w), bold().fg(Color::Cyan))];
    let mut header = vec![Span::styled("  # ", bold())];
    for (h, &cw) in headers.iter().zip(&widths) {
        header.push(Span::styled(cell(h, cw), bold()));
    }
    lines.push(Line::from(header));
    if rows.is_empty() {
        lines.push(Line::styled(
            t::table_empty(m.lang, key(Ctx::Table, Action::AddRow)),
            dim(),
        ));
    }
    let body_h = (area.height as usize).saturating_sub(2);
    let shown = &r.shown;
    for i in window(rows.len(), r.table_row, body_h) {
        let row = &shown.rows(g).get(i).cloned().unwrap_or_default();
        let mut spans = vec![Span::raw(fit(&format!("{:>3} ", i + 1), 4))];
        for (fl, &col_w) in group.fields.iter().zip(&widths) {
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

/// Widths of the table's columns in `room` cells, from (header, widest value) widths:
/// every value whole when the line has room for them (a farm's name is not cut while
/// space is free); headers get what is left, and cut first when the room runs out.
pub(crate) fn column_widths(cols: &[(usize, usize)], room: usize) -> Vec<usize> {
    // A cell keeps one blank column before the next.
    let mut w: Vec<usize> = cols.iter().map(|&(h, v)| h.max(v).max(3) + 1).collect();
    let floor: Vec<usize> = cols.iter().map(|&(_, v)| v.max(3) + 1).collect();
    // Headers give way first, widest excess first; then the widest columns.
    while w.iter().sum::<usize>() > room {
        let shrink = (0..w.len())
            .filter(|&i| w[i] > floor[i])
            .max_by_key(|&i| w[i] - floor[i])
            .or_else(|| (0..w.len()).filter(|&i| w[i] > 4).max_by_key(|&i| w[i]));
        match shrink {
            Some(i) => w[i] -= 1,
            None => break,
        }
    }
    // Room left over goes to the columns whose headers were cut.
    let mut spare = room.saturating_sub(w.iter().sum());
    for (i, &(h, v)) in cols.iter().enumerate() {
        let want = h.max(v).max(3) + 1;
        let more = want.saturating_sub(w[i]).min(spare);
        w[i] += more;
        spare -= more;
    }
    w
}

/// A label without its parenthesised parts ("粪污产生量（吨/年）" → "粪污产生量").
fn without_brackets(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let out = out.trim().to_string();
    if out.is_empty() { s.to_string() } else { out }
}

/// The part of `s` after the longest beginning it shares with one of `others` (at a word's
/// start in a text with spaces): "粪污产生量" beside "粪污利用量" → "产生量".
fn distinct_part(s: &str, others: &[&str]) -> String {
    let chars: Vec<char> = s.chars().collect();
    let shared = others
        .iter()
        .map(|o| {
            chars
                .iter()
                .zip(o.chars())
                .take_while(|(a, b)| **a == *b)
                .count()
        })
        .max()
        .unwrap_or(0);
    let mut cut = shared.min(chars.len().saturating_sub(1));
    if chars.contains(&' ') {
        // Back to the start of the word the shared part ends in.
        while cut > 0 && chars[cut - 1] != ' ' {
            cut -= 1;
        }
    }
    chars[cut..].iter().collect::<String>().trim().to_string()
}

/// The table's headers in columns of `widths` (one cell of each is the gap): a label
/// whole when it fits; else without its brackets; else what sets it apart from the
/// others (without the beginning it shares with one), cut; its number first when two
/// would still read the same.
/// Whether any header was shortened.
pub(crate) fn short_headers(labels: &[&str], widths: &[usize]) -> (Vec<String>, bool) {
    let room: Vec<usize> = widths.iter().map(|w| w.saturating_sub(1)).collect();
    let base: Vec<String> = labels
        .iter()
        .zip(&room)
        .map(|(l, &r)| {
            if width(l) <= r {
                l.to_string()
            } else {
                without_brackets(l)
            }
        })
        .collect();
    // A header still too long drops the beginning it shares with another ("粪污").
    let mut out: Vec<String> = (0..base.len())
        .map(|i| {
            if width(&base[i]) <= room[i] {
                return base[i].clone();
            }
            let others: Vec<&str> = (0..base.len())
                .filter(|&j| j != i)
                .map(|j| base[j].as_str())
                .collect();
            truncate(&distinct_part(&base[i], &others), room[i])
        })
        .collect();
    let clash = |out: &[String], i: usize| (0..out.len()).any(|j| j != i && out[j] == out[i]);
    for i in 0..out.len() {
        if clash(&out, i) {
            out[i] = truncate(&format!("{}{}", i + 1, base[i]), room[i]);
        }
    }
    let shortened = out.iter().zip(labels).any(|(o, l)| o != l);
    (out, shortened)
}

/// A table cell: the text cut to leave one blank column before the next cell.
fn cell(s: &str, w: usize) -> String {
    format!("{} ", fit(s, w.saturating_sub(1)))
}

fn draw_issues(m: &Model, r: &Record, f: &mut Frame, area: Rect) {
    let Some(iss) = &r.issues else { return };
    let w = area.width as usize;
    let title = t::issues_title(m.lang, iss.list.len(), key(Ctx::Issues, Action::Open));
    let mut lines = vec![Line::styled(fit(&title, w), bold().fg(Color::Yellow))];
    // Labels as wide as the longest (up to half the line); a message longer than its
    // room goes on below, so every word of it is read.
    let labels: Vec<String> = iss
        .list
        .iter()
        .map(|i| r.form.path_label(&i.path, m.lang))
        .collect();
    let label_w = labels
        .iter()
        .map(|l| crate::tui::text::width(l))
        .max()
        .unwrap_or(10)
        .clamp(6, (w / 2).max(6));
    let msg_w = w.saturating_sub(label_w + 3).max(8);
    let rows = (area.height as usize).saturating_sub(1);
    let mut body: Vec<Line> = Vec::new();
    let mut cursor_line = 0;
    for (i, issue) in iss.list.iter().enumerate() {
        let on = i == iss.cursor;
        if on {
            cursor_line = body.len();
        }
        let parts = crate::tui::text::wrap_to(issue.message.get(m.lang), msg_w);
        let label_lines = crate::tui::text::wrap_to(&labels[i], label_w);
        for k in 0..parts.len().max(label_lines.len()) {
            let mut l = Line::from(vec![
                Span::raw(if on && k == 0 { "› " } else { "  " }),
                Span::styled(
                    fit(label_lines.get(k).map_or("", String::as_str), label_w),
                    bold(),
                ),
                Span::raw(" "),
                Span::styled(
                    fit(parts.get(k).map_or("", String::as_str), msg_w),
                    Style::default().fg(Color::Red),
                ),
            ]);
            if on {
                l = l.style(selected());
            }
            body.push(l);
        }
    }
    let range = window(body.len(), cursor_line, rows);
    lines.extend(body.drain(range));
    f.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use super::{column_widths, short_headers};
    use crate::tui::keys::{Action, Ctx};

    /// The QA walkthrough's case: a long farm name at 80 columns squeezes the other
    /// columns to a few cells, where every manure header read "粪…".
    #[test]
    fn farm_table_headers_at_80_columns_differ_and_say_where_the_full_names_are() {
        use crate::tui::app::update;
        use crate::tui::shared::Msg;
        use crate::tui::tests::{form_model, opened, press, typ};
        use ratatui::crossterm::event::KeyCode;
        for lang in [crate::forms::Lang::Zh, crate::forms::Lang::En] {
            let mut m = form_model(opened(Some("r1"), false));
            m.lang = lang;
            for _ in 0..60 {
                if m.record.as_ref().unwrap().focused_group().is_some() {
                    break;
                }
                press(&mut m, KeyCode::Tab);
            }
            update(
                &mut m,
                Msg::RowAdded {
                    group: "farms".into(),
                    row_id: "a".into(),
                },
            );
            for text in [
                "许昌市建安区兴旺生态养殖专业合作社",
                "1",
                "600",
                "y",
                "1200",
                "900",
            ] {
                typ(&mut m, text);
                press(&mut m, KeyCode::Tab);
            }
            let shot = crate::tui::snapshot_tests::render_for_tests(&m, 80, 24);
            let lines: Vec<&str> = shot.lines().collect();
            let title = lines
                .iter()
                .position(|l| l.starts_with("─ "))
                .expect("the table");
            assert!(
                lines[title].contains(crate::i18n::key(Ctx::Table, Action::EditRow)),
                "{shot}"
            );
            // The header's cells after "#": none reads like another.
            let cells: Vec<&str> = lines[title + 1]
                .trim_end_matches('|')
                .split_whitespace()
                .skip(1)
                .collect();
            assert!(cells.len() >= 4, "{shot}");
            for i in 0..cells.len() {
                for j in 0..i {
                    assert_ne!(cells[i], cells[j], "{shot}");
                }
            }
            assert!(
                lines[title + 2].contains("兴旺生态养殖专业合作社"),
                "{shot}"
            );
        }
    }

    #[test]
    fn table_headers_cut_short_still_read_apart() {
        let zh = [
            "养殖场名称",
            "粪污处理设施装备配套",
            "粪污产生量（吨/年）",
            "粪污利用量（吨/年）",
        ];
        // Whole where they fit: nothing said about shortening.
        let (h, short) = short_headers(&zh, &[12, 22, 21, 21]);
        assert_eq!(h, zh);
        assert!(!short);
        // The QA case: columns of three cells read "粪… 粪… 粪…"; each now differs.
        for room in [3, 4, 5, 7, 9, 11] {
            let (h, short) = short_headers(&zh, &[11, room + 1, room + 1, room + 1]);
            assert!(short);
            for i in 1..h.len() {
                for j in 1..i {
                    assert_ne!(h[i], h[j], "{room}: {h:?}");
                }
                assert!(crate::tui::text::width(&h[i]) <= room, "{room}: {h:?}");
            }
        }
        let (h, _) = short_headers(&zh, &[11, 4, 4, 4]);
        assert_eq!(h[1..], ["处…", "产…", "利…"], "what sets each apart");
        // The brackets go first: the name itself stays whole where it fits.
        let (h, _) = short_headers(&zh, &[11, 11, 11, 11]);
        assert_eq!(h[2..], ["粪污产生量", "粪污利用量"]);
        let en = [
            "Manure facilities",
            "Manure produced (t/year)",
            "Manure utilized (t/year)",
        ];
        let (h, _) = short_headers(&en, &[5, 5, 5]);
        assert_eq!(h, ["fac…", "pro…", "uti…"]);
        // Nothing sets two apart: their numbers do.
        let (h, _) = short_headers(&["甲甲甲甲甲", "甲甲甲甲甲"], &[4, 4]);
        assert_ne!(h[0], h[1], "{h:?}");
    }

    #[test]
    fn table_columns_keep_values_whole_and_cut_headers_first() {
        // Everything fits: each column as wide as its header or value.
        assert_eq!(column_widths(&[(4, 10), (6, 2)], 40), vec![11, 7]);
        // Short of room: the long header gives way, the long name stays whole.
        let w = column_widths(&[(10, 16), (18, 4), (18, 4)], 40);
        assert!(w[0] >= 17, "{w:?}");
        assert!(w[1] >= 5 && w[2] >= 5, "{w:?}");
        assert!(w.iter().sum::<usize>() <= 40, "{w:?}");
    }
}
