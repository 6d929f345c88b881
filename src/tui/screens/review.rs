//! The review screen: a township's finalized records for the round, approved or returned
//! with a comment by the township's clerk (drawn by `view::review`).

use crate::forms::Lang;
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
    // What counts (docs/counting.md): a finalized record counts already; a returned one
    // counts again once approved.
    let returned = s.status == RecordStatus::Returned;
    match (lang, returned) {
        (Lang::Zh, false) => {
            format!(
                "通过 {name} 第 {rev} 版（{by} 于 {at} 完成）？它已计入汇总，通过后继续计入。y 确定 / n 取消"
            )
        }
        (Lang::Zh, true) => {
            format!(
                "通过 {name} 第 {rev} 版（{by} 于 {at} 完成，已退回）？通过后重新计入汇总。y 确定 / n 取消"
            )
        }
        (Lang::En, false) => format!(
            "Approve revision {rev} of {name} (finalized by {by} on {at})? It already counts and keeps counting. y / n"
        ),
        (Lang::En, true) => format!(
            "Approve revision {rev} of {name} (finalized by {by} on {at}, returned)? It will count again. y / n"
        ),
    }
}

/// "Return revision N of 村名? It stops counting until finalized again."
pub fn return_question(village: &str, rev: u32, lang: Lang) -> String {
    let name = clean(village);
    match lang {
        Lang::Zh => {
            format!("退回 {name} 第 {rev} 版？退回后不再计入，直到调查人重新完成。y 确定 / n 取消")
        }
        Lang::En => format!(
            "Return revision {rev} of {name}? It stops counting until it is finalized again. y / n"
        ),
    }
}
