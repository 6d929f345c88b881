//! The review screen: a township's finalized records for the round, approved or returned
//! with a comment by the township's clerk (drawn by `view::review`).

use crate::forms::Lang;
use crate::i18n::tui_record as t;
use crate::store::{DivisionRow, RecordStatus, ReviewAction};
use crate::tui::keys::Action;
use crate::tui::shared::{Cmd, Go, Outcome, Prompt, PromptKind, ReviewRow};
use crate::tui::text::{clean, short_time};
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
    pub fn key(&mut self, action: Option<Action>, round: &str, lang: Lang) -> Outcome {
        let rv = self;
        let sel = rv.rows.get(rv.cursor).cloned();
        match action {
            // A notice about the row just reviewed ("✓ approved") is not about the next.
            Some(Action::Up) | Some(Action::Down) => {
                let before = rv.cursor;
                rv.cursor = match action {
                    Some(Action::Up) => rv.cursor.saturating_sub(1),
                    _ => (rv.cursor + 1).min(rv.rows.len().saturating_sub(1)),
                };
                if rv.cursor != before {
                    return Outcome {
                        say: Some(crate::tui::shared::Say::Clear),
                        ..Outcome::none()
                    };
                }
            }
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
                    let cmd = Cmd::Review {
                        record_id: s.record_id.clone(),
                        action: ReviewAction::Approve,
                        comment: String::new(),
                    };
                    // A village in conflict: the store refuses and says to resolve first.
                    if s.status == RecordStatus::Conflict {
                        return Outcome::cmd(cmd);
                    }
                    return Outcome::ask(approve_question(&s, lang), cmd);
                }
            }
            Some(Action::Return) => {
                if let Some(s) = sel {
                    if s.status == RecordStatus::Conflict {
                        return Outcome::cmd(Cmd::Review {
                            record_id: s.record_id,
                            action: ReviewAction::Return,
                            comment: String::new(),
                        });
                    }
                    return Outcome::go(Go::Prompt(Prompt {
                        kind: PromptKind::ReturnComment {
                            record_id: s.record_id,
                            village: s.village.name,
                            rev: s.rev,
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

/// "Approve revision N of 村名 (finalized by X on D)?", and whether it counts already.
pub fn approve_question(s: &ReviewRow, lang: Lang) -> String {
    let (name, by, at) = (
        clean(&s.village.name),
        clean(&s.finalized_by),
        short_time(&s.finalized_at),
    );
    let rev = s.rev;
    let (yes, no) = t::yes_no_keys();
    // What counts (docs/counting.md): a finalized record counts already; a returned one
    // counts again once approved.
    if s.status == RecordStatus::Returned {
        t::approve_returned_question(lang, &name, rev, &by, &at, yes, no)
    } else {
        t::approve_question(lang, &name, rev, &by, &at, yes, no)
    }
}

/// "Return revision N of 村名? It stops counting until finalized again."
pub fn return_question(village: &str, rev: u32, lang: Lang) -> String {
    let (yes, no) = t::yes_no_keys();
    t::return_question(lang, &clean(village), rev, yes, no)
}
