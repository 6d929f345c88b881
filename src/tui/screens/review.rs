//! The review screen: a township's finalized records for the round, approved or returned
//! with a comment by the township's clerk (drawn by `view::review`).

use crate::store::{DivisionRow, ReviewAction};
use crate::tui::keys::Action;
use crate::tui::shared::{Cmd, Go, Outcome, Prompt, PromptKind, ReviewRow};
use tui_input::Input;

#[derive(Debug, Clone)]
pub struct ReviewState {
    pub township: DivisionRow,
    pub rows: Vec<ReviewRow>,
    pub cursor: usize,
}

impl ReviewState {
    /// The list as loaded; the cursor stays where it was when the township is the same.
    pub fn new(prev: Option<&ReviewState>, township: DivisionRow, rows: Vec<ReviewRow>) -> Self {
        let cursor = prev
            .filter(|r| r.township.code == township.code)
            .map(|r| r.cursor.min(rows.len().saturating_sub(1)))
            .unwrap_or(0);
        ReviewState {
            township,
            rows,
            cursor,
        }
    }

    /// A key; `round` is the round home shows (records open in it).
    pub fn key(&mut self, action: Option<Action>, round: &str) -> Outcome {
        let rv = self;
        let sel = rv.rows.get(rv.cursor).cloned();
        match action {
            Some(Action::Up) => rv.cursor = rv.cursor.saturating_sub(1),
            Some(Action::Down) => rv.cursor = (rv.cursor + 1).min(rv.rows.len().saturating_sub(1)),
            Some(Action::Back) => return Outcome::close(),
            Some(Action::Open) => {
                if let Some(s) = sel {
                    return Outcome::cmd(Cmd::OpenRecord {
                        village: s.village.code,
                        round: round.to_string(),
                        field: None,
                    });
                }
            }
            Some(Action::Approve) => {
                if let Some(s) = sel {
                    return Outcome::cmd(Cmd::Review {
                        record_id: s.record_id,
                        action: ReviewAction::Approve,
                        comment: String::new(),
                    });
                }
            }
            Some(Action::Return) => {
                if let Some(s) = sel {
                    return Outcome::go(Go::Prompt(Prompt {
                        kind: PromptKind::ReturnComment {
                            record_id: s.record_id,
                        },
                        input: Input::default(),
                    }));
                }
            }
            Some(Action::Quit) => return Outcome::quit(),
            _ => {}
        }
        Outcome::none()
    }
}
