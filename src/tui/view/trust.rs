//! The trust screen: this installation's public key and fingerprint, the trusted keys
//! (name, scope, fingerprint, date added), the add form with its errors inline, and the
//! fingerprint check in large digits. A pure function of the model.

use crate::forms::Lang;
use crate::i18n::key;
use crate::i18n::tui_exchange as words;
use crate::tui::app::Model;
use crate::tui::keys::{Action, Ctx};
use crate::tui::screens::trust::{AddField, AddKey, Checked, TrustScreen, scope_unit};
use crate::tui::text::{clean, fit, width};
use crate::tui::view::home::window;
use crate::tui::view::style::{bold, dim, draw_input, selected};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Seven-segment digits, three cells wide and three rows high: plain ASCII, so they
/// line up in any terminal (box and block characters are "ambiguous width" in CJK
/// locales).
const DIGITS: [[&str; 3]; 10] = [
    [" _ ", "| |", "|_|"],
    ["   ", "  |", "  |"],
    [" _ ", " _|", "|_ "],
    [" _ ", " _|", " _|"],
    ["   ", "|_|", "  |"],
    [" _ ", "|_ ", " _|"],
    [" _ ", "|_ ", "|_|"],
    [" _ ", "  |", "  |"],
    [" _ ", "|_|", "|_|"],
    [" _ ", "|_|", " _|"],
];

/// A fingerprint in large digits: as many five-digit groups per line as fit in `w`.
pub fn big_fingerprint(fp: &str, w: usize) -> Vec<String> {
    let groups: Vec<&str> = fp.split_whitespace().collect();
    // A group: 5 digits of 3 cells, a blank between digits (19 cells); 4 between groups.
    let group_w = 19;
    let per_line = ((w.saturating_sub(2) + 4) / (group_w + 4)).clamp(1, 5);
    let mut out = Vec::new();
    for (n, chunk) in groups.chunks(per_line).enumerate() {
        if n > 0 {
            out.push(String::new());
        }
        let mut rows = [String::from("  "), String::from("  "), String::from("  ")];
        for (g, group) in chunk.iter().enumerate() {
            for (i, d) in group.chars().enumerate() {
                let gap = match (g, i) {
                    (0, 0) => "",
                    (_, 0) => "    ",
                    _ => " ",
                };
                let glyph = d.to_digit(10).map_or(["   "; 3], |d| DIGITS[d as usize]);
                for (line, part) in rows.iter_mut().zip(glyph) {
                    line.push_str(gap);
                    line.push_str(part);
                }
            }
        }
        out.extend(rows.iter().map(|l| l.trim_end().to_string()));
    }
    out
}

/// `2026-11-28T10:00:00+08:00` → `2026-11-28`.
fn day(at: &str) -> String {
    clean(&at.chars().take(10).collect::<String>())
}

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let Some(t) = &m.trust else { return };
    if let Some(a) = &t.add
        && let Some(c) = &a.check
    {
        draw_check(m, f, area, c);
        return;
    }
    let w = area.width as usize;
    let lang = m.lang;
    let mut lines: Vec<Line> = vec![Line::styled(fit(words::trust_title(lang), w), bold())];
    match &t.data.own {
        Ok(own) => {
            lines.push(Line::styled(fit(words::own_public_key(lang), w), dim()));
            lines.push(Line::raw(fit(&format!("  {}", clean(&own.public_hex)), w)));
            let label = words::own_fingerprint(lang);
            lines.push(Line::from(vec![
                Span::styled(label, dim()),
                Span::styled(
                    fit(&clean(&own.fingerprint), w.saturating_sub(width(label))),
                    bold().fg(Color::Cyan),
                ),
            ]));
        }
        Err(e) => {
            lines.push(Line::styled(
                fit(&clean(e), w),
                Style::default().fg(Color::Red),
            ));
        }
    }
    lines.push(Line::raw(""));
    let top = lines.len() as u16;
    f.render_widget(Paragraph::new(lines), area);
    let rest = Rect {
        y: area.y + top.min(area.height),
        height: area.height.saturating_sub(top),
        ..area
    };
    match &t.add {
        Some(a) => draw_add(m, f, rest, a),
        None => draw_list(m, f, rest, t),
    }
}

fn draw_list(m: &Model, f: &mut Frame, area: Rect, t: &TrustScreen) {
    let w = area.width as usize;
    let lang = m.lang;
    let title = words::keys_trusted(lang, t.data.keys.len());
    let mut lines = vec![Line::styled(fit(&title, w), bold())];
    // name, scope (code and name), fingerprint, date: the scope takes what is left.
    let (fp_w, date_w) = (30, 10);
    // Names as wide as the longest (within a quarter of the line, at least as before).
    let name_w = t
        .data
        .keys
        .iter()
        .map(|k| width(&clean(&k.name)) + 1)
        .max()
        .unwrap_or(0)
        .min((w / 4).max(14))
        .max(if w >= 110 { 20 } else { 14 });
    let scope_w = w.saturating_sub(2 + name_w + fp_w + date_w).max(13);
    lines.push(Line::styled(
        fit(
            &format!(
                "  {}{}{}{}",
                fit(words::column_name(lang), name_w),
                fit(words::column_scope(lang), scope_w),
                fit(words::column_fingerprint(lang), fp_w),
                fit(words::column_added(lang), date_w),
            ),
            w,
        ),
        bold().fg(Color::Cyan),
    ));
    if t.data.keys.is_empty() {
        lines.push(Line::styled(
            fit(
                &words::no_key_trusted_yet(lang, key(Ctx::Trust, Action::AddKey)),
                w,
            ),
            dim(),
        ));
    }
    // The key under the cursor in full below the list, when there is room for it.
    let detail = t
        .selected()
        .map(|k| key_detail(m, k, w))
        .unwrap_or_default();
    let listed = t.data.keys.len().max(1);
    let free = (area.height as usize).saturating_sub(2 + listed + 1);
    let detail: Vec<Line> = if detail.len() <= free {
        detail
    } else {
        Vec::new()
    };
    let rows = (area.height as usize).saturating_sub(2);
    for i in window(t.data.keys.len(), t.cursor, rows) {
        let k = &t.data.keys[i];
        let scope_name = scope_unit(&m.home.tree, &k.scope)
            .map(|u| clean(&u.name))
            .unwrap_or_else(|| words::not_in_register(lang).to_string());
        let fp = if k.fingerprint.is_empty() {
            words::invalid_key(lang).to_string()
        } else {
            k.fingerprint.clone()
        };
        let mut l = Line::from(vec![
            Span::raw(if i == t.cursor { "› " } else { "  " }),
            Span::raw(format!("{} ", fit(&clean(&k.name), name_w - 1))),
            Span::raw(format!(
                "{} ",
                fit(&format!("{} {}", clean(&k.scope), scope_name), scope_w - 1)
            )),
            Span::styled(fit(&fp, fp_w), Style::default().fg(Color::Cyan)),
            Span::styled(fit(&day(&k.added_at), date_w), dim()),
        ]);
        if i == t.cursor {
            l = l.style(selected());
        }
        lines.push(l);
    }
    if !detail.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(detail);
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// A trusted key in full: name, scope, fingerprint, public key, when it was added.
fn key_detail(
    m: &Model,
    k: &crate::tui::shared::trust::TrustedRow,
    w: usize,
) -> Vec<Line<'static>> {
    let lang = m.lang;
    let scope_name = scope_unit(&m.home.tree, &k.scope)
        .map(|u| clean(&u.name))
        .unwrap_or_else(|| words::not_in_register(lang).to_string());
    let rows = [
        (words::detail_name(lang), clean(&k.name)),
        (
            words::detail_scope(lang),
            format!("{} {scope_name}", clean(&k.scope)),
        ),
        (words::detail_fingerprint(lang), clean(&k.fingerprint)),
        (words::detail_public_key(lang), clean(&k.public_key)),
        (words::detail_added(lang), clean(&k.added_at)),
    ];
    let label_w = rows.iter().map(|(l, _)| width(l)).max().unwrap_or(4) + 2;
    let mut out = Vec::new();
    for (label, value) in rows {
        for (n, part) in crate::tui::text::wrap_to(&value, w.saturating_sub(label_w).max(8))
            .into_iter()
            .enumerate()
        {
            let head = if n == 0 { label } else { "" };
            out.push(Line::from(vec![
                Span::styled(fit(head, label_w), dim()),
                Span::raw(part),
            ]));
        }
    }
    out
}

fn draw_add(m: &Model, f: &mut Frame, area: Rect, a: &AddKey) {
    let w = area.width as usize;
    let lang = m.lang;
    let label_w = if lang == Lang::Zh { 12 } else { 14 };
    let row = |i: u16| Rect {
        y: area.y + i,
        height: 1,
        ..area
    };
    if area.height < 8 {
        return;
    }
    f.render_widget(
        Paragraph::new(Line::styled(fit(words::add_title(lang), w), bold())),
        row(0),
    );
    let error_style = Style::default().fg(Color::Red).add_modifier(Modifier::BOLD);
    let fields = [
        (
            AddField::Key,
            words::add_key_label(lang),
            words::add_key_hint(lang).to_string(),
        ),
        (
            AddField::Scope,
            words::add_scope_label(lang),
            match scope_unit(&m.home.tree, a.scope.value()) {
                Some(u) => format!("→ {}", clean(&u.name)),
                None => words::add_scope_hint(lang).to_string(),
            },
        ),
        (
            AddField::Name,
            words::add_name_label(lang),
            words::add_name_hint(lang).to_string(),
        ),
    ];
    for (n, (field, label, hint)) in fields.into_iter().enumerate() {
        let y = 1 + 2 * n as u16;
        let focused = a.focused() == field;
        // The key takes the whole line; the others leave room for the scope's name.
        let input_w = match field {
            AddField::Key => w,
            AddField::Scope => (label_w + 14).min(w),
            AddField::Name => (label_w + 24).min(w),
        };
        let r = row(y);
        draw_input(
            f,
            Rect {
                width: input_w as u16,
                ..r
            },
            &fit(label, label_w),
            a.input(field),
            focused,
        );
        let under = Rect { y: r.y + 1, ..r };
        let (text, style) = match a.error(field) {
            Some(e) => (format!("✗ {}", e.text(lang)), error_style),
            None if field != AddField::Key => (String::new(), dim()),
            None => (hint.clone(), dim()),
        };
        if field != AddField::Key && input_w < w {
            // Beside the input: the scope's name as it is typed, or the hint.
            let side = Rect {
                x: r.x + input_w as u16 + 1,
                width: (w - input_w - 1) as u16,
                ..r
            };
            let beside_style = if field == AddField::Scope
                && scope_unit(&m.home.tree, a.scope.value()).is_some()
            {
                bold().fg(Color::Green)
            } else {
                dim()
            };
            f.render_widget(
                Paragraph::new(Span::styled(fit(&hint, side.width as usize), beside_style)),
                side,
            );
        }
        f.render_widget(
            Paragraph::new(Span::styled(
                fit(&format!("{}{text}", " ".repeat(label_w)), w),
                style,
            )),
            under,
        );
    }
    if let Some(r) = &a.refused {
        f.render_widget(
            Paragraph::new(Span::styled(
                fit(&format!("  ✗ {}", clean(r)), w),
                error_style,
            )),
            row(7),
        );
    }
}

fn draw_check(m: &Model, f: &mut Frame, area: Rect, c: &Checked) {
    let w = area.width as usize;
    let lang = m.lang;
    let mut lines = vec![
        Line::styled(fit(words::check_title(lang), w), bold()),
        Line::raw(fit(
            &words::check_name_scope(lang, &clean(&c.name), &c.scope, &clean(&c.scope_name)),
            w,
        )),
        Line::styled(
            fit(
                &format!("{}{}", words::check_key_label(lang), c.public_key),
                w,
            ),
            dim(),
        ),
        Line::raw(""),
    ];
    let big_style = Style::default()
        .fg(Color::Cyan)
        .add_modifier(Modifier::BOLD);
    for l in big_fingerprint(&c.fingerprint, w) {
        lines.push(Line::styled(fit(&l, w), big_style));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::raw(words::check_fingerprint_label(lang)),
        Span::styled(
            c.fingerprint.split(' ').collect::<Vec<_>>().join("  "),
            big_style,
        ),
    ]));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        fit(words::does_it_match(lang), w),
        bold().fg(Color::Yellow),
    ));
    lines.push(Line::raw(fit(
        &words::match_keys(
            lang,
            key(Ctx::TrustCheck, Action::Confirm),
            key(Ctx::TrustCheck, Action::Cancel),
        ),
        w,
    )));
    if let Some((name, scope)) = &c.replaces {
        lines.push(Line::styled(
            fit(&words::key_replaces(lang, &clean(name), &clean(scope)), w),
            Style::default().fg(Color::Magenta),
        ));
    }
    f.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use super::big_fingerprint;
    use crate::tui::text::width;

    #[test]
    fn big_digits_fit_the_width_and_keep_every_group() {
        let fp = "12345 06789 13579 24680 01122";
        for (w, lines_of_groups) in [(40, 5), (80, 2), (120, 1)] {
            let lines = big_fingerprint(fp, w);
            assert!(lines.iter().all(|l| width(l) <= w), "{w}: {lines:?}");
            // Three rows per line of groups, a blank line between them.
            assert_eq!(lines.len(), lines_of_groups * 4 - 1, "{w}: {lines:?}");
        }
        assert_eq!(big_fingerprint("8", 80), ["   _", "  |_|", "  |_|"]);
        assert_eq!(big_fingerprint("1", 80), ["", "    |", "    |"]);
        assert_eq!(
            big_fingerprint("70", 80),
            ["   _   _", "    | | |", "    | |_|"]
        );
    }
}
