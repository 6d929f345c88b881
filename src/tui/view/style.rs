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

/// Visible part of an input for a given width, and the cursor column in it. Columns are
/// measured on the text so far, not char by char, so an emoji with a skin-tone modifier
/// or a joined sequence takes the two columns the terminal gives it and the end of the
/// line is not pushed out of sight.
pub(crate) fn input_window(input: &Input, w: usize) -> (String, usize) {
    let value = input.value();
    let w = w.max(1);
    let starts: Vec<(usize, usize)> = value
        .char_indices()
        .map(|(i, _)| (i, width(&value[..i])))
        .collect();
    let total = width(value);
    let cursor_col = starts.get(input.cursor()).map_or(total, |s| s.1);
    // Keep the cursor on the line, with room for it after the last character.
    let scroll = (cursor_col + 1).saturating_sub(w);
    let mut out = String::new();
    for (n, &(i, start)) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(total, |s| s.1);
        if start >= scroll && end <= scroll + w {
            let next = starts.get(n + 1).map_or(value.len(), |s| s.0);
            out.push_str(&value[i..next]);
        }
    }
    (out, cursor_col - scroll)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_emoji_with_a_skin_tone_hides_nothing_after_it() {
        let input = Input::new("ok 👍🏽 done".into());
        assert_eq!(width("👍🏽"), 2, "one emoji, two columns");
        let (text, cursor) = input_window(&input, 20);
        assert_eq!(text, "ok 👍🏽 done");
        assert_eq!(cursor, width("ok 👍🏽 done"));
        // Narrow: the end of the line (where the cursor is) stays in sight.
        let (text, cursor) = input_window(&input, 6);
        assert!(text.ends_with("done"), "{text}");
        assert!(cursor <= 6);
        // Chinese text is two columns a character.
        let (text, cursor) = input_window(&Input::new("大罗庄".into()), 10);
        assert_eq!((text.as_str(), cursor), ("大罗庄", 6));
    }
}
