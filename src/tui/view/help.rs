//! `?`: every key of the table, by context. Built from the same table as the footer.

use crate::i18n::key;
use crate::tui::app::Model;
use crate::tui::keys::{Action, Ctx, TABLE};
use crate::tui::screens::help::{HelpLine, help_lines, max_scroll};
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
    let mut all = vec![Line::styled(
        fit(
            &crate::i18n::tui_keys::help_intro(
                m.lang,
                key(Ctx::Help, Action::Up),
                key(Ctx::Help, Action::Back),
                key(Ctx::Form, Action::Next),
            ),
            w,
        ),
        dim(),
    )];
    all.extend(lines(m, w));
    let scroll = m
        .help
        .map_or(0, |h| h.scroll)
        .min(max_scroll(area.height as usize));
    let shown: Vec<Line> = all
        .into_iter()
        .skip(scroll)
        .take(area.height as usize)
        .collect();
    f.render_widget(Paragraph::new(shown), area);
}
