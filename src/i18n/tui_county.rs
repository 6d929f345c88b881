//! The TUI's words for the county: the dashboard, the first run, demo loading.

use super::{Lang, pick};

/// Between a label and what it names: "现状：57.1%", "value: 57.1%".
pub fn colon(lang: Lang) -> &'static str {
    pick(lang, "：", ": ")
}

/// Between the parts of a sentence: "差 62 户，需要 3 个村".
pub fn comma(lang: Lang) -> &'static str {
    pick(lang, "，", ", ")
}

// ---------------------------------------------------------------------------------------
// First run
catalogue! {
    /// The first line of the first run.
    fn welcome() {
        zh: "欢迎使用 ruralenv：农村人居环境整治调查",
        en: "Welcome to ruralenv: rural living-environment surveys",
    }
    /// The introduction's first line.
    fn intro_home() {
        zh: "首页按 县→乡镇→村 列出名册和本轮状态；表单逐项填写，离开一项即保存；",
        en: "Home: the register and each village's status. Form: each answer is saved",
    }
    /// The introduction's second line; `help`: the help key that works while typing.
    fn intro_review(help: &str) {
        zh: "审核页供乡镇通过或退回已完成的记录。任何时候按 {help} 查看按键。",
        en: "when you leave the field. Review: approve or return records. {help}: all keys.",
    }
    /// `choose`, `confirm`: the keys.
    fn role_question(choose: &str, confirm: &str) {
        zh: "这台电脑用来做什么？（{choose} 选择，{confirm} 确定）",
        en: "What is this computer for? ({choose} to choose, {confirm} to confirm)",
    }
    /// `key`: the key that asks for the name later on home; `back`: the step back.
    fn name_hint(key: &str, back: &str) {
        zh: "姓名记录在每项修改旁。以后可在首页按 {key} 修改。{back} 回到上一步。",
        en: "The name is recorded with every change. Change it later with {key} on the home screen. {back} goes back.",
    }
    fn name_required() {
        zh: "请输入调查人姓名（记录在每项修改旁）",
        en: "Please type the surveyor's name (it is recorded with every change)",
    }
    fn demo_offer() {
        zh: "想先试一试？演示数据（虚构的记录）放在单独的目录里，不会混入这里的真实数据：",
        en: "Want to try it first? Demo data (made-up records) goes into a directory of its own, never among the real data here:",
    }
    /// `demo`, `start`: the keys.
    fn demo_keys(demo: &str, start: &str) {
        zh: "按 {demo} 在那里生成演示数据；按 {start} 直接开始使用本目录。",
        en: "Press {demo} to make demo data there; {start} starts working in this directory.",
    }
    fn demo_loading() {
        zh: "正在生成演示数据…",
        en: "Making demo data…",
    }
    fn demo_done(records: usize) {
        zh: "已在单独的目录生成 {records} 条演示记录。要打开演示数据，退出后运行：",
        en: "{records} demo records are in a directory of their own. To open them, quit and run:",
    }
    /// `start`: the key.
    fn demo_done_start(start: &str) {
        zh: "本目录没有任何演示数据。按 {start} 开始使用本目录（真实数据）。",
        en: "This directory holds no demo data. Press {start} to start working here (real data).",
    }
    fn demo_into_own_dir() {
        zh: "演示数据不能放进正在使用的数据目录",
        en: "Demo data cannot go into the data directory in use",
    }
    fn demo_dir_holds_real_data(dir: &str) {
        zh: "{dir} 里有真实调查数据，演示数据不能放进去（什么也没有改）",
        en: "{dir} holds real survey data, so demo data cannot go into it (nothing was changed)",
    }
    fn demo_error(error: &str) {
        zh: "出错了：{error}",
        en: "Error: {error}",
    }
}

/// The label before the surveyor's name being typed.
pub fn name_label(lang: Lang) -> &'static str {
    pick(lang, "调查人姓名：", "Surveyor's name: ")
}

/// What each role does, as the first run offers it.
pub fn role_what(lang: Lang, role: crate::tui::shared::Role) -> &'static str {
    use crate::tui::shared::Role;
    match role {
        Role::Surveyor => pick(
            lang,
            "在村里填表、完成，导出数据包交给乡镇",
            "fill village forms, finalize, export a bundle for the township",
        ),
        Role::Township => pick(
            lang,
            "导入调查人的数据包，通过或退回，导出给县",
            "import surveyors' bundles, approve or return, export for the county",
        ),
        Role::County => pick(
            lang,
            "导入乡镇的数据包，看指标和报表",
            "import townships' bundles, see the indicators and reports",
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Dashboard
catalogue! {
    /// The first load's progress line; `back`: the key that stops waiting.
    fn computing(unit: &str, round: &str, back: &str) {
        zh: " 正在计算 {unit} {round} 年的看板…（{back} 返回）",
        en: " Computing the dashboard of {unit} for round {round}… ({back} to go back)",
    }
    /// The title: the units drilled through, the round, how complete it is.
    fn title(path: &str, round: &str, reported: impl std::fmt::Display, scope: impl std::fmt::Display, coverage: &str) {
        zh: " {path} · {round} 年 · 已报 {reported}/{scope} 村 · 覆盖率 {coverage}",
        en: " {path} · round {round} · {reported}/{scope} villages reported · {coverage}",
    }
    /// "差 62 户".
    fn shortfall(amount: &str, unit: &str) {
        zh: "差 {amount} {unit}",
        en: "{amount} {unit} short",
    }
    /// What Enter does on a village's row; `key`: Enter.
    fn open_hint(key: &str) {
        zh: "{key} 查看记录（只读）",
        en: "{key}: view the record (read-only)",
    }
    /// What Enter does on an unreported village's row: it may have a draft or a returned
    /// record, or none; `key`: Enter.
    fn open_if_any_hint(key: &str) {
        zh: "{key} 查看记录（若有草稿或被退回的）",
        en: "{key}: view its record, if it has one",
    }
    /// What Enter does on a unit's row; `key`: Enter.
    fn drill_hint(key: &str) {
        zh: "{key} 下钻",
        en: "{key}: drill down",
    }
    /// The units table ranked by the marked indicator; `key`: the sort key.
    fn units_by(label: &str, key: &str) {
        zh: " 按「{label}」排序，差的在前（{key} 按代码排序）",
        en: " By {label}, worst first ({key}: code order)",
    }
    /// The units table in code order; `key`: the sort key.
    fn units_by_code(key: &str) {
        zh: " 按代码排序（{key} 按所选指标排序，差的在前）",
        en: " In code order ({key}: worst first by the marked indicator)",
    }
    fn no_target(name: &str) {
        zh: " {name}：没有目标值或已达标",
        en: " {name}: no target, or met",
    }
    fn target_met(name: &str) {
        zh: " {name}：已达标",
        en: " {name}: target met",
    }
    fn holdbacks_needed(name: &str, amount: &str, unit: &str, villages: &str) {
        zh: " {name}：差 {amount} {unit}，需要 {villages}",
        en: " {name}: {amount} {unit} short, {villages} needed",
    }
    fn holdbacks_not_enough(name: &str, amount: &str, unit: &str) {
        zh: " {name}：差 {amount} {unit}，已报的村全部补齐也不够，还要靠未报的村",
        en: " {name}: {amount} {unit} short, more than all reported villages can give",
    }
    /// What bringing a village up to standard adds: "可增加 12 户".
    fn gain(amount: &str, unit: &str) {
        zh: "可增加 {amount} {unit}",
        en: "gain {amount} {unit}",
    }
    /// A village with no record of the round.
    fn no_record(name: &str, code: &str, round: &str) {
        zh: "{name}（{code}）在 {round} 轮还没有记录",
        en: "{name} ({code}) has no record for round {round} yet",
    }
    /// A village whose record of the round does not count (yet).
    fn record_not_counted(name: &str, code: &str, round: &str) {
        zh: "{name}（{code}）在 {round} 轮的记录尚未完成或被退回，还不计入",
        en: "{name} ({code}): the record for round {round} is not finalized or was returned, so it does not count yet",
    }
}

/// The heading of a township's unreported villages.
pub fn township_unreported(lang: Lang, name: &str, code: &str, n: usize) -> String {
    match (lang, n) {
        (Lang::Zh, n) => format!(" {name}  {code}  · {n} 个村未报"),
        (Lang::En, 1) => format!(" {name}  {code}  · 1 village not reported"),
        (Lang::En, n) => format!(" {name}  {code}  · {n} villages not reported"),
    }
}

/// The heading of the unreported pane.
pub fn unreported_head(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::Zh, 0) => " 应报的村都已上报".to_string(),
        (Lang::En, 0) => " Every village in scope has reported".to_string(),
        (Lang::Zh, n) => format!(" 还有 {n} 个村未报，按乡镇列出"),
        (Lang::En, 1) => " 1 village not reported yet".to_string(),
        (Lang::En, n) => format!(" {n} villages not reported yet, by township"),
    }
}

/// Where the target is when the trend chart leaves it out.
pub fn target_outside(lang: Lang, below: bool) -> &'static str {
    if below {
        pick(lang, "（在图的下方）", " (below the chart)")
    } else {
        pick(lang, "（在图的上方）", " (above the chart)")
    }
}

/// The title of a lower pane's tab.
pub fn pane(lang: Lang, pane: crate::tui::screens::dashboard::Pane) -> &'static str {
    use crate::tui::screens::dashboard::Pane;
    match pane {
        Pane::Units => pick(lang, "下级单位", "Units"),
        Pane::Holdbacks => pick(lang, "短板村", "Holds back"),
        Pane::Unreported => pick(lang, "未报", "Unreported"),
        Pane::Trend => pick(lang, "趋势", "Trend"),
    }
}

/// Beside the title while something is computed.
pub fn computing_short(lang: Lang) -> &'static str {
    pick(lang, " · 正在计算…", " · computing…")
}

/// In the holds-back or unreported pane before its list arrives.
pub fn computing_villages(lang: Lang) -> &'static str {
    pick(
        lang,
        " 正在逐村计算短板村和未报村…",
        " Computing the villages' lists…",
    )
}

/// Column heads and axis titles.
pub fn col_indicator(lang: Lang) -> &'static str {
    pick(lang, "指标", "Indicator")
}
pub fn col_value(lang: Lang) -> &'static str {
    pick(lang, "现状", "value")
}
pub fn col_target(lang: Lang) -> &'static str {
    pick(lang, "目标", "target")
}
/// The bar's head, wide (saying what the mark in the bar is) or narrow.
pub fn col_bar(lang: Lang, wide: bool) -> &'static str {
    if wide {
        pick(lang, "进度（│为目标）", "progress, │ target")
    } else {
        pick(lang, "进度", "progress")
    }
}
pub fn col_unit(lang: Lang) -> &'static str {
    pick(lang, "单位", "unit")
}
pub fn col_reported(lang: Lang) -> &'static str {
    pick(lang, "已报/应报", "reported")
}
pub fn col_shortfall(lang: Lang) -> &'static str {
    pick(lang, "  差距", "  shortfall")
}
pub fn col_village(lang: Lang) -> &'static str {
    pick(lang, "村", "village")
}
pub fn col_township(lang: Lang) -> &'static str {
    pick(lang, "乡镇", "township")
}
pub fn col_code(lang: Lang) -> &'static str {
    pick(lang, "代码", "code")
}
pub fn col_gain(lang: Lang) -> &'static str {
    pick(lang, "可增加", "gain")
}
pub fn col_cumulative(lang: Lang) -> &'static str {
    pick(lang, "累计", "cumulative")
}
pub fn axis_round(lang: Lang) -> &'static str {
    pick(lang, "轮次", "round")
}

/// "，目标 ≥85%": before the target in the marked indicator's line.
pub fn target_lead(lang: Lang) -> &'static str {
    pick(lang, "，目标 ", ", target ")
}

/// "目标 ≥85%": before the target in the trend's heading.
pub fn target_word(lang: Lang) -> &'static str {
    pick(lang, "目标 ", "target ")
}

/// After the village that closes the shortfall.
pub fn closes_it(lang: Lang) -> &'static str {
    pick(lang, " ← 到此补齐", " ← closes it")
}

pub fn no_units_below(lang: Lang) -> &'static str {
    pick(lang, " 没有下级单位", " No units below this one")
}

pub fn one_round_only(lang: Lang) -> &'static str {
    pick(
        lang,
        " 只有一个轮次有数据：有 2018、2019、2020 等多轮时在此显示趋势",
        " Only one round has records: the trend shows once several rounds do",
    )
}

catalogue! {
    /// A dashboard worker that ended without an answer (its panic is in the log).
    fn dashboard_internal_error() {
        zh: "计算时出了内部错误（详见日志）",
        en: "internal error while computing (see the log)",
    }
    fn dashboard_not_in_register(unit: &str) {
        zh: "{unit}：名录中没有这个单位",
        en: "{unit}: not in the register",
    }
}

/// A dashboard's failure in both languages, a store error worded in each.
pub fn dashboard_error(e: &anyhow::Error) -> crate::forms::Text {
    super::both(|l| super::data::error_chain(l, e))
}

/// A count's unit word as English says it for `x` of it: the form's plural ("farms",
/// "households", "villages") loses its "s" for exactly one. Chinese has no plural; a word
/// not ending in a single "s" ("t") is kept.
pub fn unit_of(lang: Lang, word: &str, x: f64) -> String {
    match lang {
        Lang::En if x == 1.0 && word.ends_with('s') && !word.ends_with("ss") => {
            word[..word.len() - 1].to_string()
        }
        _ => word.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_farm_two_farms_and_chinese_unchanged() {
        assert_eq!(unit_of(Lang::En, "farms", 1.0), "farm");
        assert_eq!(unit_of(Lang::En, "farms", 2.0), "farms");
        assert_eq!(unit_of(Lang::En, "households", 0.5), "households");
        assert_eq!(unit_of(Lang::En, "t", 1.0), "t");
        assert_eq!(unit_of(Lang::Zh, "个村", 1.0), "个村");
        assert_eq!(
            shortfall(Lang::En, "1", &unit_of(Lang::En, "farms", 1.0)),
            "1 farm short"
        );
    }
}
