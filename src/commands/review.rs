//! `review approve | return`: a township's decision on a village's counted record, bound to
//! the revision it judged; and the history lines `records show` prints (revisions,
//! reviews, resolutions, with who and when).

use super::{Env, UsageError, division_arg};
use crate::forms::Lang;
use crate::forms::value::sanitize_for_terminal as clean;
use crate::i18n;
use crate::register::Level;
use crate::store::{HistoryEvent, ReviewAction, Store, StoreError};
use anyhow::bail;

/// Approve or return the counted record of a village for a round.
pub fn review(
    env: &Env,
    village: &str,
    round: &str,
    action: ReviewAction,
    comment: Option<&str>,
) -> anyhow::Result<()> {
    let comment = comment.map(str::trim).unwrap_or_default();
    let lang = env.lang();
    if action == ReviewAction::Return && comment.is_empty() {
        return Err(UsageError(i18n::return_needs_comment(lang)).into());
    }
    if crate::forms::value::has_control_chars(comment) {
        return Err(UsageError(i18n::comment_control_chars(lang)).into());
    }
    let mut store = env.open_store()?;
    let d = division_arg(&store, village, lang)?;
    let name = clean(&d.name);
    let round_shown = clean(round);
    if d.level != Level::Village {
        bail!(i18n::not_a_village(
            lang,
            &d.code,
            &name,
            i18n::level(lang, d.level)
        ));
    }
    let form_id = env.forms.village_form().id.clone();
    let Some(counted) = store.counted(&form_id, village, round)? else {
        bail!(i18n::nothing_to_review(lang, &d.code, &name, &round_shown));
    };
    if !counted.resolved && (counted.records > 1 || counted.forked) {
        let what = match (counted.records > 1, counted.forked) {
            (true, true) => i18n::records_and_fork(lang, counted.records),
            (true, false) => i18n::duplicate_records(lang, counted.records),
            _ => i18n::a_fork(lang),
        };
        bail!(in_conflict(lang, &d, &round_shown, &what));
    }
    if let Some(last) = store.last_review(&counted.record_id, counted.rev, &counted.hash)?
        && last.action == action
        && (action == ReviewAction::Approve || last.comment == comment)
    {
        let line = i18n::already_reviewed(
            lang,
            &d.code,
            &name,
            counted.rev,
            &action_name(lang, action),
            &clean(&last.who),
            &clean(&last.at),
        );
        println!("{line}");
        return Ok(());
    }
    let who = env.who(&store)?;
    let r = match store.add_review(&counted.record_id, action, comment, &who) {
        Ok(r) => r,
        Err(StoreError::InConflict { what, .. }) => {
            bail!(in_conflict(lang, &d, &round_shown, &clean(&what)))
        }
        Err(e) => return Err(e.into()),
    };
    let counts = match action {
        ReviewAction::Approve => i18n::review_counts(lang),
        ReviewAction::Return => i18n::review_does_not_count(lang),
    };
    let line = i18n::reviewed(
        lang,
        &d.code,
        &name,
        &round_shown,
        r.rev,
        &action_name(lang, action),
        &clean(&r.who),
        &clean(&r.at),
        &counts,
    );
    println!("{line}");
    Ok(())
}

fn in_conflict(lang: Lang, d: &crate::store::DivisionRow, round: &str, what: &str) -> String {
    let key = i18n::key(
        crate::tui::keys::Ctx::Home,
        crate::tui::keys::Action::Conflicts,
    );
    i18n::review_in_conflict(lang, &d.code, &clean(&d.name), round, what, key)
}

fn action_name(lang: Lang, a: ReviewAction) -> String {
    match a {
        ReviewAction::Approve => i18n::approved(lang),
        ReviewAction::Return => i18n::returned(lang),
    }
}

/// A record's history for `records show`, one line per event, oldest first.
pub fn history_lines(store: &Store, record_id: &str, lang: Lang) -> anyhow::Result<Vec<String>> {
    let short = |h: &str| h.chars().take(8).collect::<String>();
    Ok(store
        .history(record_id)?
        .into_iter()
        .map(|e| match e {
            HistoryEvent::Finalized {
                rev,
                hash,
                who,
                at,
                changes,
            } => {
                let changes = if changes > 0 {
                    i18n::history_changes(lang, changes)
                } else {
                    String::new()
                };
                let hash = clean(&short(&hash));
                i18n::history_finalized(lang, &clean(&at), rev, &hash, &clean(&who), &changes)
            }
            HistoryEvent::Reviewed(r) => {
                let comment = if r.comment.is_empty() {
                    String::new()
                } else {
                    i18n::history_comment(lang, &clean(&r.comment))
                };
                let action = action_name(lang, r.action);
                i18n::history_reviewed(
                    lang,
                    &clean(&r.at),
                    r.rev,
                    &action,
                    &clean(&r.who),
                    &comment,
                )
            }
            HistoryEvent::Resolved(s) => {
                let (at, who) = (clean(&s.at), clean(&s.who));
                if s.kind == "fork" {
                    i18n::history_fork_resolved(lang, &at, s.rev, &who)
                } else {
                    i18n::history_duplicate_resolved(lang, &at, s.rev, &who)
                }
            }
        })
        .collect())
}

pub fn history_json(store: &Store, record_id: &str) -> anyhow::Result<serde_json::Value> {
    Ok(store
        .history(record_id)?
        .into_iter()
        .map(|e| match e {
            HistoryEvent::Finalized {
                rev,
                hash,
                who,
                at,
                changes,
            } => serde_json::json!({
                "event": "finalized", "rev": rev, "hash": hash, "who": who, "at": at,
                "changes": changes,
            }),
            HistoryEvent::Reviewed(r) => serde_json::json!({
                "event": match r.action { ReviewAction::Approve => "approved", ReviewAction::Return => "returned" },
                "rev": r.rev, "hash": r.hash, "who": r.who, "at": r.at, "comment": r.comment,
            }),
            HistoryEvent::Resolved(s) => serde_json::json!({
                "event": if s.kind == "fork" { "fork_resolved" } else { "duplicate_resolved" },
                "rev": s.rev, "hash": s.hash, "who": s.who, "at": s.at,
            }),
        })
        .collect())
}
