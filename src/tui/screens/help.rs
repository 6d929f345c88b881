//! The help screen: every key of the key table, scrolled with ↑↓ (drawn by `view::help`).

use crate::tui::keys::{self, Action};
use crate::tui::shared::Outcome;

/// The help screen over whatever screen it was opened on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Help {
    /// First line shown.
    pub scroll: usize,
}

/// Number of lines of the help screen (for scrolling).
pub fn help_len() -> usize {
    keys::HELP_ORDER.len() * 2 + keys::TABLE.len()
}

impl Help {
    /// A key; `Close` shuts the help and goes back to the screen below.
    pub fn key(&mut self, action: Option<Action>) -> Outcome {
        match action {
            Some(Action::Up) => self.scroll = self.scroll.saturating_sub(1),
            Some(Action::Down) => self.scroll = (self.scroll + 1).min(help_len()),
            Some(Action::Back) => return Outcome::close(),
            Some(Action::Quit) => return Outcome::quit(),
            _ => {}
        }
        Outcome::none()
    }
}
