//! The help screen: every key of the key table, scrolled with ↑↓ (drawn by `view::help`).
//! Its lines are listed here, once, so that scrolling and drawing count the same lines.

use crate::tui::keys::{self, Action, Binding, Ctx};
use crate::tui::shared::Outcome;

/// The help screen over whatever screen it was opened on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Help {
    /// First line shown.
    pub scroll: usize,
}

/// A line of the help screen below its heading line.
#[derive(Debug, Clone, Copy)]
pub enum HelpLine {
    Context(Ctx),
    Key(&'static Binding),
}

/// Is `b` already named by an earlier row of its context? `↓/j` (down) is inside
/// `↑↓/jk` (move): the table needs both rows, help lists the arrow once.
fn named_before(b: &Binding) -> bool {
    let arrow = b.label.split('/').next().unwrap_or("");
    if arrow.is_empty() || !arrow.chars().all(|c| "←↑→↓".contains(c)) {
        return false;
    }
    keys::TABLE
        .iter()
        .take_while(|o| !std::ptr::eq(*o, b))
        .filter(|o| o.ctx == b.ctx)
        .any(|o| o.label.split('/').next().is_some_and(|t| t.contains(arrow)))
}

/// Every line of the help screen after the heading: each context's title and its keys.
pub fn help_lines() -> Vec<HelpLine> {
    let mut out = Vec::new();
    for ctx in keys::HELP_ORDER {
        out.push(HelpLine::Context(*ctx));
        for b in keys::TABLE.iter().filter(|b| b.ctx == *ctx) {
            if !named_before(b) {
                out.push(HelpLine::Key(b));
            }
        }
    }
    out
}

/// Number of lines of the help screen: the heading and `help_lines`.
pub fn help_len() -> usize {
    help_lines().len()
}

/// The intro above the keys, wrapped to `w` columns (never cut): it stays in place while
/// the keys scroll below it.
pub fn intro(lang: crate::forms::Lang, w: usize) -> Vec<String> {
    let text = crate::i18n::tui_keys::help_intro(
        lang,
        crate::i18n::key(Ctx::Help, Action::Up),
        crate::i18n::key(Ctx::Help, Action::Back),
        crate::i18n::key(Ctx::Form, Action::Next),
    );
    crate::tui::text::wrap_to(&text, w.max(1))
}

/// Rows the keys have on a terminal of `size`: the body less the intro.
pub fn page(size: (u16, u16), lang: crate::forms::Lang) -> usize {
    crate::tui::layout::body_rows(size)
        .saturating_sub(intro(lang, size.0 as usize).len())
        .max(1)
}

/// The last first line: the end of the help fills the page of `page` rows.
pub fn max_scroll(page: usize) -> usize {
    help_len().saturating_sub(page.max(1))
}

impl Help {
    /// A key, with `page` rows shown; `Close` shuts the help and goes back to the
    /// screen below.
    pub fn key(&mut self, action: Option<Action>, page: usize) -> Outcome {
        let last = max_scroll(page);
        match action {
            Some(Action::Up) => self.scroll = self.scroll.saturating_sub(1),
            Some(Action::Down) => self.scroll = (self.scroll + 1).min(last),
            Some(Action::PageUp) => self.scroll = self.scroll.saturating_sub(page.max(1)),
            Some(Action::PageDown) => self.scroll = (self.scroll + page.max(1)).min(last),
            Some(Action::Top) => self.scroll = 0,
            Some(Action::Bottom) => self.scroll = last,
            Some(Action::Back) => return Outcome::close(),
            Some(Action::Quit) => return Outcome::quit(),
            _ => {}
        }
        Outcome::none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_names_each_key_of_a_context_once_and_keeps_every_action() {
        let lines = help_lines();
        let shown: Vec<&Binding> = lines
            .iter()
            .filter_map(|l| match l {
                HelpLine::Key(b) => Some(*b),
                _ => None,
            })
            .collect();
        // `↓/j` is not listed under `↑↓/jk` again.
        assert!(!shown.iter().any(|b| b.ctx == Ctx::Home && b.label == "↓/j"));
        for label in ["↑↓/jk", "/", "r", "Enter", "L"] {
            assert!(
                shown.iter().any(|b| b.ctx == Ctx::Home && b.label == label),
                "{label}"
            );
        }
        for ctx in keys::HELP_ORDER {
            let labels: Vec<&str> = shown
                .iter()
                .filter(|b| b.ctx == *ctx)
                .map(|b| b.label)
                .collect();
            let mut uniq = labels.clone();
            uniq.dedup();
            assert_eq!(labels, uniq, "{ctx:?} lists a key twice");
        }
    }

    #[test]
    fn scrolling_stops_where_the_last_line_is_on_the_page() {
        let mut h = Help::default();
        for _ in 0..500 {
            h.key(Some(Action::Down), 21);
        }
        assert_eq!(h.scroll, help_len() - 21);
        h.key(Some(Action::Up), 21);
        assert_eq!(h.scroll, help_len() - 22);
        h.key(Some(Action::Bottom), 21);
        assert_eq!(h.scroll, help_len() - 21);
        h.key(Some(Action::Top), 21);
        assert_eq!(h.scroll, 0);
    }
}
