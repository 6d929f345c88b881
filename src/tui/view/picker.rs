//! The file picker's list: the starting places (removable media labelled as such), or a
//! folder's folders and bundles with size and time, marks for import. Names from disk are
//! escaped before they are drawn.

use crate::forms::Lang;
use crate::i18n::key;
use crate::i18n::tui_exchange as words;
use crate::tui::keys::{Action, Ctx};
use crate::tui::picker::{PickMode, Picker, PlaceKind, human_size};
use crate::tui::text::{clean, fit, fit_right};
use crate::tui::view::home::window;
use crate::tui::view::style::{bold, dim, selected};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn place_label(kind: PlaceKind, lang: Lang) -> &'static str {
    match kind {
        PlaceKind::Removable => words::place_removable(lang),
        PlaceKind::Folder => words::place_folder(lang),
        PlaceKind::Home => words::place_home(lang),
        PlaceKind::Current => words::place_current(lang),
        PlaceKind::Drive => words::place_drive(lang),
    }
}

/// Where the picker is, for the line above the list.
pub fn location(p: &Picker, lang: Lang) -> String {
    match &p.dir {
        Some(d) => clean(&d.to_string_lossy()),
        None => words::places_line(lang).into(),
    }
}

pub fn draw_list(p: &Picker, lang: Lang, f: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let h = area.height as usize;
    let mut lines: Vec<Line> = Vec::new();
    match &p.dir {
        None => {
            let label_w = if lang == Lang::Zh { 12 } else { 9 };
            let name_w = (w.saturating_sub(label_w + 2) / 3).clamp(8, 24);
            let path_w = w.saturating_sub(label_w + name_w + 2);
            for i in window(p.places.len(), p.cursor, h) {
                let pl = &p.places[i];
                let style = match pl.kind {
                    PlaceKind::Removable => Style::default().fg(Color::Green),
                    _ => Style::default(),
                };
                let mut line = Line::from(vec![
                    Span::raw("  "),
                    Span::styled(fit(place_label(pl.kind, lang), label_w), style),
                    Span::styled(fit(&clean(&pl.name()), name_w), bold()),
                    Span::styled(fit(&clean(&pl.path.to_string_lossy()), path_w), dim()),
                ]);
                if i == p.cursor {
                    line = line.style(selected());
                }
                lines.push(line);
            }
            if p.places.is_empty() {
                lines.push(Line::styled(
                    words::no_places(lang, key(Ctx::Picker, Action::Refresh)),
                    dim(),
                ));
            }
        }
        Some(_) => {
            let mark_w = if p.mode == PickMode::Files { 4 } else { 2 };
            let size_w = 10;
            let time_w = if w >= 60 { 18 } else { 0 };
            let name_w = w.saturating_sub(mark_w + size_w + time_w);
            for pos in window(p.shown.len(), p.cursor, h) {
                let e = &p.entries[p.shown[pos]];
                let mark = match (p.mode, e.is_dir) {
                    (_, true) => "▸ ".to_string(),
                    (PickMode::Files, false) if p.marked.contains(&e.path) => "[x] ".into(),
                    (PickMode::Files, false) => "[ ] ".into(),
                    (PickMode::Folder, false) => "  ".into(),
                };
                let name = if e.is_dir {
                    format!("{}/", clean(&e.name))
                } else {
                    clean(&e.name)
                };
                let size = if e.is_dir {
                    String::new()
                } else {
                    human_size(e.size)
                };
                let name_style = if e.is_dir {
                    bold()
                } else if e.is_bundle() {
                    Style::default().fg(Color::Cyan)
                } else {
                    dim()
                };
                let mut spans = vec![
                    Span::raw(fit(&mark, mark_w)),
                    Span::styled(fit(&name, name_w), name_style),
                    Span::raw(fit_right(&size, size_w)),
                ];
                if time_w > 0 {
                    spans.push(Span::styled(fit_right(&e.modified, time_w), dim()));
                }
                let mut line = Line::from(spans);
                if pos == p.cursor {
                    line = line.style(selected());
                }
                lines.push(line);
            }
            if p.shown.is_empty() {
                let text = if p.show_all {
                    words::empty_folder(lang).to_string()
                } else {
                    words::no_bundles_here(lang, key(Ctx::Picker, Action::ShowAll))
                };
                lines.push(Line::styled(text, dim()));
            }
        }
    }
    f.render_widget(Paragraph::new(lines), area);
}
