//! Styles and the single-line input every view draws with (below the views: the screen
//! views and `view::draw` import these; this imports none of them).

use crate::tui::text::{fit, width};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::Input;

pub(crate) fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

pub(crate) fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}

pub(crate) fn selected() -> Style {
    Style::default().add_modifier(Modifier::REVERSED)
}

/// Visible part of an input for a given width, and the cursor column in it.
pub(crate) fn input_window(input: &Input, w: usize) -> (String, usize) {
    let scroll = input.visual_scroll(w.max(1));
    let mut col = 0;
    let mut out = String::new();
    let mut shown = 0;
    for c in input.value().chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if col >= scroll {
            if shown + cw > w {
                break;
            }
            out.push(c);
            shown += cw;
        }
        col += cw;
    }
    let cursor = input.visual_cursor().saturating_sub(scroll).min(w);
    (out, cursor)
}

/// `label` then the input, with the terminal cursor in it when `focused`.
pub(crate) fn draw_input(f: &mut Frame, area: Rect, label: &str, input: &Input, focused: bool) {
    let lw = width(label).min(area.width as usize / 2);
    let w = (area.width as usize).saturating_sub(lw + 1);
    let (text, cur) = input_window(input, w);
    let line = Line::from(vec![
        Span::styled(fit(label, lw), bold()),
        Span::styled(
            fit(&text, w),
            Style::default().add_modifier(Modifier::UNDERLINED),
        ),
    ]);
    f.render_widget(Paragraph::new(line), area);
    if focused {
        f.set_cursor_position((area.x + (lw + cur) as u16, area.y));
    }
}
