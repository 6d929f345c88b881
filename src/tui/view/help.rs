//! `?`: every key of the table, by context. Built from the same table as the footer.

use crate::tui::app::Model;
use crate::tui::keys::TABLE;
use crate::tui::screens::help::{HelpLine, help_lines, intro, max_scroll};
use crate::tui::text::{fit, width};
use crate::tui::view::style::{bold, dim};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn lines(m: &Model, w: usize) -> Vec<Line<'static>> {
    let key_w = TABLE.iter().map(|b| width(b.label)).max().unwrap_or(8) + 2;
    help_lines()
        .into_iter()
        .map(|l| match l {
            HelpLine::Context(ctx) => Line::styled(
                fit(&format!("■ {}", ctx.title(m.lang)), w),
                bold().fg(Color::Cyan),
            ),
            HelpLine::Key(b) => Line::from(vec![
                Span::styled(fit(&format!("  {}", b.label), key_w + 2), bold()),
                Span::raw(fit(b.hint(m.lang), w.saturating_sub(key_w + 2))),
            ]),
        })
        .collect()
}

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let intro = intro(m.lang, w);
    let page = (area.height as usize).saturating_sub(intro.len()).max(1);
    let scroll = m.help.map_or(0, |h| h.scroll).min(max_scroll(page));
    let shown: Vec<Line> = intro
        .into_iter()
        .map(|l| Line::styled(l, dim()))
        .chain(lines(m, w).into_iter().skip(scroll).take(page))
        .collect();
    f.render_widget(Paragraph::new(shown), area);
}
