//! `review approve | return`: a township's decision on a village's counted record, bound to
//! the revision it judged; and the history lines `records show` prints (revisions,
//! reviews, resolutions, with who and when).

use super::{Env, UsageError, division_arg};
use crate::forms::Lang;
use crate::forms::value::sanitize_for_terminal as clean;
use crate::register::Level;
use crate::store::{HistoryEvent, ReviewAction, Store, StoreError};
use anyhow::bail;

fn t(lang: Lang, zh: String, en: String) -> String {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

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
        return Err(UsageError(t(
            lang,
            "--comment：退回必须写明原因，调查员会在记录历史中看到".into(),
            "--comment: a return needs a comment saying why; the surveyor reads it in the record's history".into(),
        ))
        .into());
    }
    if crate::forms::value::has_control_chars(comment) {
        return Err(UsageError(t(
            lang,
            "--comment：意见中含有控制字符".into(),
            "--comment: the comment contains control characters".into(),
        ))
        .into());
    }
    let mut store = env.open_store()?;
    let lang = crate::context::resolve_lang(&store, env.lang_flag)?;
    let d = division_arg(&store, village)?;
    if d.level != Level::Village {
        bail!(
            "{}",
            t(
                lang,
                format!("{} {} 不是村", d.code, clean(&d.name)),
                format!(
                    "{} {} is a {}, not a village",
                    d.code,
                    clean(&d.name),
                    d.level.as_str()
                ),
            )
        );
    }
    let form_id = env.forms.village_form().id.clone();
    let Some(counted) = store.counted(&form_id, village, round)? else {
        bail!(
            "{}",
            t(
                lang,
                format!(
                    "{} {}：{round} 轮没有已定稿的记录可审核",
                    d.code,
                    clean(&d.name)
                ),
                format!(
                    "{} {}: no finalized record for round {round} to review",
                    d.code,
                    clean(&d.name)
                ),
            )
        );
    };
    if !counted.resolved && (counted.records > 1 || counted.forked) {
        let what = match (counted.records > 1, counted.forked) {
            (true, true) => t(
                lang,
                format!("{} 条记录，且有分叉的版本", counted.records),
                format!("{} records and a forked revision", counted.records),
            ),
            (true, false) => t(
                lang,
                format!("{} 条重复记录", counted.records),
                format!("{} records (duplicates)", counted.records),
            ),
            _ => t(
                lang,
                "同一版本有两个不同内容（分叉）".into(),
                "two versions of one revision (a fork)".into(),
            ),
        };
        bail!("{}", in_conflict(lang, &d, round, &what));
    }
    if let Some(last) = store.last_review(&counted.record_id, counted.rev, &counted.hash)?
        && last.action == action
        && (action == ReviewAction::Approve || last.comment == comment)
    {
        println!(
            "{}",
            t(
                lang,
                format!(
                    "{} {}：第 {} 版已于 {} 由 {} {}，未作更改",
                    d.code,
                    clean(&d.name),
                    counted.rev,
                    last.at,
                    clean(&last.who),
                    action_zh(action)
                ),
                format!(
                    "{} {}: revision {} was already {} by {} at {}; nothing changed",
                    d.code,
                    clean(&d.name),
                    counted.rev,
                    action_en(action),
                    clean(&last.who),
                    last.at
                ),
            )
        );
        return Ok(());
    }
    let who = env.who(&store)?;
    let r = match store.add_review(&counted.record_id, action, comment, &who) {
        Ok(r) => r,
        Err(StoreError::InConflict { what, .. }) => {
            bail!("{}", in_conflict(lang, &d, round, &what))
        }
        Err(e) => return Err(e.into()),
    };
    let counts = match action {
        ReviewAction::Approve => t(lang, "计入汇总".into(), "it counts".into()),
        ReviewAction::Return => t(
            lang,
            "重新定稿前不计入汇总".into(),
            "it does not count until it is finalized again".into(),
        ),
    };
    println!(
        "{}",
        t(
            lang,
            format!(
                "{} {}：{round} 轮第 {} 版已{}（{}，{}）；{counts}",
                d.code,
                clean(&d.name),
                r.rev,
                action_zh(action),
                clean(&r.who),
                r.at
            ),
            format!(
                "{} {}: round {round} revision {} {} ({}, {}); {counts}",
                d.code,
                clean(&d.name),
                r.rev,
                action_en(action),
                clean(&r.who),
                r.at
            ),
        )
    );
    Ok(())
}

fn in_conflict(lang: Lang, d: &crate::store::DivisionRow, round: &str, what: &str) -> String {
    t(
        lang,
        format!(
            "{} {}：{round} 轮有冲突（{what}），不能审核。请先解决冲突：运行 ruralenv conflicts --round {round}，或在主界面按 c 选择计入的版本，再审核计入的版本",
            d.code,
            clean(&d.name)
        ),
        format!(
            "{} {}: round {round} is in conflict ({what}) and cannot be reviewed yet. Resolve it first (ruralenv conflicts --round {round}, or c on the home screen), then review the version that counts",
            d.code,
            clean(&d.name)
        ),
    )
}

fn action_zh(a: ReviewAction) -> &'static str {
    match a {
        ReviewAction::Approve => "审核通过",
        ReviewAction::Return => "退回",
    }
}

fn action_en(a: ReviewAction) -> &'static str {
    match a {
        ReviewAction::Approve => "approved",
        ReviewAction::Return => "returned",
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
                let (zh, en) = if changes > 0 {
                    (
                        format!("，改动 {changes} 项"),
                        format!(", {changes} field(s) changed"),
                    )
                } else {
                    Default::default()
                };
                t(
                    lang,
                    format!(
                        "{at}  第 {rev} 版定稿（{}），{}{zh}",
                        short(&hash),
                        clean(&who)
                    ),
                    format!(
                        "{at}  revision {rev} finalized ({}) by {}{en}",
                        short(&hash),
                        clean(&who)
                    ),
                )
            }
            HistoryEvent::Reviewed(r) => {
                let comment = if r.comment.is_empty() {
                    String::new()
                } else {
                    t(
                        lang,
                        format!("：{}", clean(&r.comment)),
                        format!(": {}", clean(&r.comment)),
                    )
                };
                t(
                    lang,
                    format!(
                        "{}  第 {} 版{}，{}{comment}",
                        r.at,
                        r.rev,
                        action_zh(r.action),
                        clean(&r.who)
                    ),
                    format!(
                        "{}  revision {} {} by {}{comment}",
                        r.at,
                        r.rev,
                        action_en(r.action),
                        clean(&r.who)
                    ),
                )
            }
            HistoryEvent::Resolved(s) => {
                let (zh, en) = if s.kind == "fork" {
                    ("在分叉的版本中选定此版本", "chose this version among forks")
                } else {
                    (
                        "在重复记录中选定此记录",
                        "chose this record among duplicates",
                    )
                };
                t(
                    lang,
                    format!("{}  第 {} 版：{}，{zh}", s.at, s.rev, clean(&s.who)),
                    format!("{}  revision {}: {} {en}", s.at, s.rev, clean(&s.who)),
                )
            }
        })
        .collect())
}

/// A record's history for `records show --format json`: one object per event.
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
