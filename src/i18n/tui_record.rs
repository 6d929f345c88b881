//! The TUI's words for records: home, the village form and farm table, review, history.

use super::{Lang, pick};
use crate::forms::FieldType;
use crate::tui::keys::{Action, Ctx};

/// The first key the table binds to an action (`n` of "n/Esc"), as a message names it.
pub fn first_key(ctx: Ctx, action: Action) -> &'static str {
    let label = super::key(ctx, action);
    label.split('/').next().unwrap_or(label)
}

/// The keys that answer a question yes and no ("y", "n").
pub fn yes_no_keys() -> (&'static str, &'static str) {
    (
        first_key(Ctx::Confirm, Action::Confirm),
        first_key(Ctx::Confirm, Action::Cancel),
    )
}

/// Between a label and what is said about it ("常住人口：…").
pub fn colon(lang: Lang) -> &'static str {
    pick(lang, "：", ": ")
}

/// A number of rows: "2 行", "1 row", "2 rows".
pub fn rows(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::Zh, n) => format!("{n} 行"),
        (Lang::En, 1) => "1 row".to_string(),
        (Lang::En, n) => format!("{n} rows"),
    }
}

// ---------------------------------------------------------------------------------------
// Home
catalogue! {
    /// Home's summary line: the round and the counts of the register's root.
    fn home_summary(round: &str, villages: u32, counted: u32, draft: u32, returned: u32, conflict: u32) {
        zh: "{round} 轮 · 在册村 {villages} · 计入 {counted}（=报表已报）· 草稿 {draft} · 退回 {returned} · 冲突 {conflict}",
        en: "{round} · villages {villages} · counted {counted} (=reported) · drafts {draft} · returned {returned} · conflicts {conflict}",
    }
    /// The summary line where the long one does not fit: every count, shorter words.
    fn home_summary_short(round: &str, villages: u32, counted: u32, draft: u32, returned: u32, conflict: u32) {
        zh: "{round} 轮 · 在册 {villages} · 计入 {counted} · 稿 {draft} · 退 {returned} · 冲 {conflict}",
        en: "{round} · vil {villages} · cnt {counted} · dr {draft} · rt {returned} · cf {conflict}",
    }
    /// After the summary while a search is in force (`villages`: from `i18n::villages`).
    fn home_search_suffix(query: &str, villages: &str) {
        zh: " · 搜索“{query}”：{villages}",
        en: " · search '{query}': {villages}",
    }
    /// A unit's counts beside it, every word whole (where the names leave room).
    fn unit_counts_full(counted: u32, villages: u32, draft: u32, returned: u32, conflict: u32) {
        zh: "计入 {counted}/{villages} · 草稿 {draft} · 退回 {returned} · 冲突 {conflict}",
        en: "counted {counted}/{villages} · drafts {draft} · returned {returned} · conflicts {conflict}",
    }
    /// A unit's counts beside it, in full.
    fn unit_counts_long(counted: u32, villages: u32, draft: u32, returned: u32, conflict: u32) {
        zh: "计入 {counted}/{villages} 草稿 {draft} 退回 {returned} 冲突 {conflict}",
        en: "counted {counted}/{villages} dr {draft} ret {returned} confl {conflict}",
    }
    /// A unit's counts beside it, short.
    fn unit_counts_mid(counted: u32, villages: u32, draft: u32, returned: u32, conflict: u32) {
        zh: "计入 {counted}/{villages} 稿{draft} 退{returned} 冲{conflict}",
        en: "{counted}/{villages} cnt dr{draft} rt{returned} cf{conflict}",
    }
    /// A unit's counts beside it where nothing more fits: the counted villages only.
    fn unit_counts_short(counted: u32, villages: u32) {
        zh: "计入 {counted}/{villages}",
        en: "{counted}/{villages} counted",
    }
    fn home_nothing_matches(key: &str) {
        zh: "没有匹配的单位（{key} 清除搜索）",
        en: "Nothing matches ({key} clears the search)",
    }
}

/// A village outside the survey's scope (a community of a town), on home.
pub fn not_in_scope(lang: Lang) -> &'static str {
    pick(lang, "不在调查范围", "not in scope")
}

pub fn search_label(lang: Lang) -> &'static str {
    pick(lang, "搜索（名称或代码）：", "Search (name or code): ")
}

pub fn review_needs_township(lang: Lang) -> &'static str {
    pick(
        lang,
        "请先把光标移到一个乡镇或其下的村",
        "Put the cursor on a township or one of its villages first",
    )
}

pub fn dashboard_needs_unit(lang: Lang) -> &'static str {
    pick(
        lang,
        "请先选择一个县、乡镇或市",
        "Pick a county, township or city first",
    )
}

pub fn export_needs_unit(lang: Lang) -> &'static str {
    pick(
        lang,
        "请先选择要导出的单位（县、乡镇或村）",
        "Pick the unit to export first (county, township or village)",
    )
}

// ---------------------------------------------------------------------------------------
// The form
/// What a field takes, as the line above its input says.
pub fn field_type(lang: Lang, ty: FieldType) -> &'static str {
    match ty {
        FieldType::Integer => pick(lang, "整数", "whole number"),
        FieldType::Decimal => pick(lang, "数字", "number"),
        FieldType::Text => pick(lang, "文字", "text"),
        FieldType::Date => pick(lang, "日期 年-月-日", "date YYYY-MM-DD"),
        FieldType::YesNo => pick(lang, "是/否", "yes/no"),
        FieldType::SelectOne => pick(lang, "单选", "one choice"),
        FieldType::SelectMany => pick(lang, "多选", "choices"),
    }
}

pub fn return_banner(lang: Lang) -> &'static str {
    pick(lang, "退回意见：", "Returned: ")
}

pub fn read_only_mark(lang: Lang) -> &'static str {
    pick(lang, " · 只读", " · read-only")
}

pub fn saving_mark(lang: Lang) -> &'static str {
    pick(lang, " · 保存中…", " · saving…")
}

pub fn required_mark(lang: Lang) -> &'static str {
    pick(lang, " · 必填", " · required")
}

/// The two answers of a yes/no field, with the keys that pick them.
pub fn yes_answer(lang: Lang) -> &'static str {
    pick(lang, "是(y)", "yes (y)")
}

pub fn no_answer(lang: Lang) -> &'static str {
    pick(lang, "否(n)", "no (n)")
}

catalogue! {
    /// The form's header: the finalized revision shown (read-only).
    fn header_rev(rev: u32) {
        zh: " 第{rev}版",
        en: " rev {rev}",
    }
    /// The form's header on a draft over a finalized revision: the revision it becomes
    /// once finalized (it does not exist yet).
    fn header_making_rev(rev: u32) {
        zh: " · 正在修改为第{rev}版",
        en: " · editing, to become rev {rev}",
    }
    fn header_progress(answered: usize, required: usize) {
        zh: " · 进度 {answered}/{required}",
        en: " · answered {answered}/{required}",
    }
    /// A row of a group being edited (`rows`: nothing; `n`: its number).
    fn row_header(group: &str, n: usize, key: &str) {
        zh: "■ {group} · 第 {n} 行（{key} 返回表格）",
        en: "■ {group} · row {n} ({key} back to the table)",
    }
    /// A group in the field list (`rows`: from [`rows`]).
    fn group_line(group: &str, rows: &str) {
        zh: "{group}（{rows}）",
        en: "{group} ({rows})",
    }
    fn table_title(group: &str, rows: &str) {
        zh: "─ {group}（{rows}）",
        en: "─ {group} ({rows})",
    }
    /// After the table's title when a column's header is shortened.
    fn table_short_headers(key: &str) {
        zh: " · 列名已缩写，{key} 打开一行可看全名",
        en: " · short headers: {key} on a row shows full names",
    }
    fn table_empty(key: &str) {
        zh: "  （没有养殖场：按 {key} 添加一行）",
        en: "  (no farms: press {key} to add one)",
    }
    fn choose_many_hint(n: usize) {
        zh: "  数字 1–{n} 勾选/取消，←→ 移动，空格 勾选",
        en: "  digits 1–{n} tick/untick, ←→ move, space ticks",
    }
    fn choose_one_hint(n: usize) {
        zh: "  数字 1–{n} 或 ←→ 选择（选项见上）",
        en: "  digits 1–{n} or ←→ choose (options above)",
    }
    fn integer_below(shown: &str, max: f64) {
        zh: "{shown} 小于本项的下限 -{max:.0}",
        en: "{shown} is below this field's smallest value, -{max:.0}",
    }
    fn integer_above(shown: &str, max: f64) {
        zh: "{shown} 超过本项的上限 {max:.0}",
        en: "{shown} is above this field's maximum, {max:.0}",
    }
    fn date_outside_round(date: &str, round: &str, year: &str, yes: &str, no: &str) {
        zh: "调查日期 {date} 不在 {round} 轮的年份（{year} 年）内。确实如此吗？{yes} 保留 / {no} 改正",
        en: "The survey date {date} is not in round {round}'s year ({year}). Is that right? {yes} keep / {no} correct",
    }
    fn delete_row_question(n: usize, yes: &str, no: &str) {
        zh: "删除第 {n} 行？按 {yes} 确定，{no} 取消",
        en: "Delete row {n}? {yes} to delete, {no} to keep it",
    }
    fn no_rows_yet(key: &str) {
        zh: "还没有行：按 {key} 添加一行",
        en: "No rows yet: press {key} to add one",
    }
    fn last_field(key: &str) {
        zh: "已是最后一项；按 {key} 完成",
        en: "That was the last field; press {key} to finalize",
    }
    fn esc_again(key: &str) {
        zh: "（再按 {key} 放弃输入的内容）",
        en: " ({key} again to give up what was typed)",
    }
    fn finalize_question(name: &str, round: &str, next: u32, yes: &str, no: &str) {
        zh: "完成 {name} {round} 轮，生成第 {next} 版？完成后计入汇总。{yes} 确定 / {no} 取消",
        en: "Finalize {name} round {round} as revision {next}? It will count. {yes} / {no}",
    }
    fn discard_question(rev: u32, yes: &str, no: &str) {
        zh: "放弃本次修订，恢复到第 {rev} 版？按 {yes} 确定，{no} 取消",
        en: "Discard these changes and go back to revision {rev}? {yes} / {no}",
    }
    fn quit_question(yes: &str, no: &str) {
        zh: "退出 ruralenv？已填的答案都已保存。{yes} 退出 / {no} 继续填写",
        en: "Quit ruralenv? Every answer given is saved. {yes} quit / {no} keep filling in",
    }
}

/// Finalizing is blocked by `n` problems: pick one with `key` to go there.
pub fn finalize_blocked(lang: Lang, n: usize, key: &str) -> String {
    match lang {
        Lang::Zh => format!("还有 {n} 项需要处理，选择一项按 {key} 转到该处"),
        Lang::En => format!(
            "{} {} finalizing; pick one and press {key} to go there",
            problems(n),
            if n == 1 { "blocks" } else { "block" }
        ),
    }
}

fn problems(n: usize) -> String {
    if n == 1 {
        "1 problem".to_string()
    } else {
        format!("{n} problems")
    }
}

/// The title of the list of what blocks finalizing.
pub fn issues_title(lang: Lang, n: usize, key: &str) -> String {
    match lang {
        Lang::Zh => format!("─ 无法完成：还有 {n} 项需要处理（{key} 转到该项）"),
        Lang::En => format!(
            "─ Cannot finalize: {} ({key} goes to the field)",
            problems(n)
        ),
    }
}

pub fn correct_the_date(lang: Lang) -> &'static str {
    pick(lang, "请改正调查日期", "Correct the survey date")
}

pub fn first_draft_no_revision(lang: Lang) -> &'static str {
    pick(
        lang,
        "这是第一版的草稿，没有可恢复的版本",
        "This is the first draft: there is no revision to go back to",
    )
}

pub fn no_history_yet(lang: Lang) -> &'static str {
    pick(lang, "还没有修改记录", "No history yet")
}

// ---------------------------------------------------------------------------------------
// Review
catalogue! {
    /// The review screen's title: what is left to review, and what was done, of the list
    /// as it is now.
    fn review_title(township: &str, code: &str, round: &str, to_review: usize, approved: usize, returned: usize) {
        zh: "审核 · {township} {code} · {round} 轮 · 待审核 {to_review} · 已通过 {approved} · 已退回 {returned}",
        en: "Review · {township} {code} · round {round} · {to_review} to review · {approved} approved · {returned} returned",
    }
    /// The review screen's title where the long one does not fit.
    fn review_title_short(township: &str, code: &str, round: &str, to_review: usize, approved: usize, returned: usize) {
        zh: "审核 · {township} {code} · {round} 轮 · 待审 {to_review} · 通过 {approved} · 退回 {returned}",
        en: "Review · {township} {code} · {round} · {to_review} to review · {approved} approved · {returned} returned",
    }
    /// After the title when some villages of the list are in conflict.
    fn review_title_conflicts(n: usize) {
        zh: " · 有冲突 {n}",
        en: " · {n} in conflict",
    }
    /// A finalized record that counts already (docs/counting.md).
    fn approve_question(name: &str, rev: u32, by: &str, at: &str, yes: &str, no: &str) {
        zh: "通过 {name} 第 {rev} 版（{by} 于 {at} 完成）？它已计入汇总，通过后继续计入。{yes} 确定 / {no} 取消",
        en: "Approve revision {rev} of {name} (finalized by {by} on {at})? It already counts and keeps counting. {yes} / {no}",
    }
    /// A returned record counts again once approved.
    fn approve_returned_question(name: &str, rev: u32, by: &str, at: &str, yes: &str, no: &str) {
        zh: "通过 {name} 第 {rev} 版（{by} 于 {at} 完成，已退回）？通过后重新计入汇总。{yes} 确定 / {no} 取消",
        en: "Approve revision {rev} of {name} (finalized by {by} on {at}, returned)? It will count again. {yes} / {no}",
    }
    fn return_question(name: &str, rev: u32, yes: &str, no: &str) {
        zh: "退回 {name} 第 {rev} 版？退回后不再计入，直到调查人重新完成。{yes} 确定 / {no} 取消",
        en: "Return revision {rev} of {name}? It stops counting until it is finalized again. {yes} / {no}",
    }
}

/// The review list's column headers: village, code, status, by, finalized, comment.
pub fn review_columns(lang: Lang) -> [&'static str; 6] {
    pick(
        lang,
        ["村", "代码", "状态", "完成人", "完成时间", "退回意见"],
        [
            "village",
            "code",
            "status",
            "by",
            "finalized",
            "return comment",
        ],
    )
}

pub fn review_empty(lang: Lang) -> &'static str {
    pick(
        lang,
        "  （本乡镇本轮还没有已完成的记录）",
        "  (no finalized records in this township for this round)",
    )
}

pub fn return_comment_label(lang: Lang) -> &'static str {
    pick(lang, "退回意见：", "Return comment: ")
}

// ---------------------------------------------------------------------------------------
// History
catalogue! {
    fn fork_resolved(rev: u32) {
        zh: "⚑ 处理分叉：以第 {rev} 版的这个版本为准",
        en: "⚑ fork resolved: this version of revision {rev} counts",
    }
}

/// "■ revision N finalized (K changes)".
pub fn revision_finalized(lang: Lang, rev: u32, changes: u64) -> String {
    match lang {
        Lang::Zh => format!("■ 完成第 {rev} 版（{changes} 项修改）"),
        Lang::En => {
            let changes = if changes == 1 {
                "1 change".to_string()
            } else {
                format!("{changes} changes")
            };
            format!("■ revision {rev} finalized ({changes})")
        }
    }
}

/// The history's column headers: revision, when, who, field, old → new.
pub fn history_columns(lang: Lang) -> [&'static str; 5] {
    pick(
        lang,
        ["版本", "时间", "修改人", "字段", "原值 → 新值"],
        ["rev", "when", "who", "field", "old → new"],
    )
}

pub fn history_empty(lang: Lang) -> &'static str {
    pick(
        lang,
        "  （还没有完成过的版本）",
        "  (nothing finalized yet)",
    )
}

pub fn approved_event(lang: Lang) -> &'static str {
    pick(lang, "✓ 审核通过", "✓ approved")
}

pub fn returned_event(lang: Lang) -> &'static str {
    pick(lang, "↩ 退回：", "↩ returned: ")
}

pub fn duplicates_resolved(lang: Lang) -> &'static str {
    pick(
        lang,
        "⚑ 处理重复：以这条记录为准",
        "⚑ duplicates resolved: this record counts",
    )
}

/// The history's title: "6 changes · 1 review".
pub fn history_title(
    lang: Lang,
    name: &str,
    round: &str,
    changes: usize,
    reviews: usize,
) -> String {
    match lang {
        Lang::Zh => format!("修改记录 · {name} · {round} 轮 · {changes} 项修改 · {reviews} 次审核"),
        Lang::En => format!(
            "History · {name} · round {round} · {} · {}",
            crate::tui::text::count(changes, "change"),
            crate::tui::text::count(reviews, "review")
        ),
    }
}
