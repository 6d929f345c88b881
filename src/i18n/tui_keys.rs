//! The TUI's key table and shared words: key descriptions, screen titles, footers, help, the status line.

use super::{Lang, pick};
use crate::tui::keys::Ctx;
use std::fmt::Display;

/// The words of a row of the key table (`crate::tui::keys::TABLE`): what the help says the
/// key does, and the shorter words the footer shows beside the key.
#[derive(Debug)]
pub struct KeyWords {
    zh: &'static str,
    en: &'static str,
    /// The footer's words when they are not the help's cut before its brackets.
    footer: Option<(&'static str, &'static str)>,
}

impl KeyWords {
    /// What the help screen says the key does.
    pub fn help(&self, lang: Lang) -> &'static str {
        pick(lang, self.zh, self.en)
    }

    /// What the footer says beside the key: short, without what the help says in brackets.
    pub fn footer(&self, lang: Lang) -> &'static str {
        if let Some((zh, en)) = self.footer {
            return pick(lang, zh, en);
        }
        let h = self.help(lang);
        let cut = [h.find('（'), h.find(" (")].into_iter().flatten().min();
        cut.map_or(h, |i| &h[..i])
    }
}

/// The help's words, also the footer's (cut before brackets).
const fn w(zh: &'static str, en: &'static str) -> KeyWords {
    KeyWords {
        zh,
        en,
        footer: None,
    }
}

/// The help's words and the footer's shorter ones.
const fn short(
    zh: &'static str,
    en: &'static str,
    footer_zh: &'static str,
    footer_en: &'static str,
) -> KeyWords {
    KeyWords {
        zh,
        en,
        footer: Some((footer_zh, footer_en)),
    }
}

/// The words of each row of the key table, named by context and action, or by what they
/// say when several rows share them.
#[rustfmt::skip]
pub mod words {
    use super::{KeyWords, short, w};

    pub const HOME_OPEN: KeyWords = w("打开/展开", "open (or fold a unit)");
    pub const MOVE: KeyWords = w("移动", "move");
    pub const DOWN: KeyWords = w("下移", "down");
    pub const HOME_SEARCH: KeyWords = w("搜索", "search");
    pub const HOME_ROUND: KeyWords = w("轮次", "round");
    pub const HOME_DASHBOARD: KeyWords = short("指标看板", "dashboard", "看板", "dashboard");
    pub const HOME_REVIEW: KeyWords = w("审核（本乡镇）", "review (township)");
    pub const HOME_EXPORT: KeyWords = short("导出数据包（光标所在单位）", "export a bundle (unit under the cursor)", "导出", "export");
    pub const HOME_IMPORT: KeyWords = short("导入数据包（U 盘等）", "import bundles (USB stick…)", "导入", "import");
    pub const HOME_EXPAND: KeyWords = w("展开", "expand");
    pub const HOME_COLLAPSE: KeyWords = w("收起/上级", "collapse/parent");
    pub const PAGE_UP: KeyWords = w("上一页", "page up");
    pub const PAGE_DOWN: KeyWords = w("下一页", "page down");
    pub const TOP: KeyWords = w("到顶", "top");
    pub const BOTTOM: KeyWords = w("到底", "bottom");
    pub const HOME_LANGUAGE: KeyWords = w("中文/English", "English/中文");
    pub const HOME_BACK: KeyWords = w("清除搜索", "clear search");
    pub const HOME_TRUST: KeyWords = short("信任的密钥（本机指纹）", "trusted keys (own fingerprint)", "密钥", "keys");
    pub const HOME_NAME: KeyWords = w("我的姓名（记录在修改和审核旁）", "my name (recorded with changes and reviews)");
    pub const HOME_CONFLICTS: KeyWords = short("处理冲突（分叉与重复）", "resolve conflicts", "冲突", "conflicts");
    pub const SEARCH_CONFIRM: KeyWords = w("结束搜索", "done");
    pub const SEARCH_CANCEL: KeyWords = w("清除搜索", "clear");
    pub const FORM_NEXT: KeyWords = w("保存并下一项", "save, next");
    pub const PREVIOUS: KeyWords = w("上一项", "previous");
    pub const FORM_PREV: KeyWords = w("上一项/下一项", "previous/next");
    pub const NEXT: KeyWords = w("下一项", "next");
    pub const FORM_FINALIZE: KeyWords = w("完成", "finalize");
    pub const FORM_DISCARD: KeyWords = w("放弃本次修订", "discard this revision");
    pub const HISTORY: KeyWords = w("修改记录", "history");
    pub const BACK: KeyWords = w("返回", "back");
    pub const CHOOSE: KeyWords = w("选择", "choose");
    pub const CHOICE_PREV: KeyWords = w("上一个选项", "previous choice");
    pub const CHOICE_CLEAR: KeyWords = w("清空", "clear");
    pub const TABLE_EDIT_ROW: KeyWords = w("编辑此行", "edit row");
    pub const TABLE_ADD_ROW: KeyWords = w("添加一行", "add row");
    pub const TABLE_DELETE_ROW: KeyWords = w("删除此行", "delete row");
    pub const TABLE_UP: KeyWords = w("选择行", "pick row");
    pub const TABLE_DOWN: KeyWords = w("下一行", "next row");
    pub const READ_ONLY_EDIT: KeyWords = w("修改（新版本）", "edit (new revision)");
    pub const VIEWING_BACK: KeyWords = w("返回看板", "back to the dashboard");
    pub const ISSUES_OPEN: KeyWords = w("转到该项", "go to field");
    pub const ISSUES_BACK: KeyWords = w("关闭", "close");
    pub const SCROLL: KeyWords = w("滚动", "scroll");
    pub const SCROLL_DOWN: KeyWords = w("向下滚动", "scroll down");
    pub const REVIEW_APPROVE: KeyWords = w("通过", "approve");
    pub const REVIEW_RETURN: KeyWords = w("退回（附意见）", "return with comment");
    pub const REVIEW_OPEN: KeyWords = w("查看", "view");
    pub const DASHBOARD_SWITCH_FOCUS: KeyWords = w("指标/列表", "focus");
    pub const DASHBOARD_NEXT_PANE: KeyWords = w("面板", "pane");
    pub const DASHBOARD_PREV_PANE: KeyWords = w("上一面板", "previous pane");
    pub const OPEN: KeyWords = w("打开", "open");
    pub const DASHBOARD_SORT: KeyWords = w("排序", "order");
    pub const DASHBOARD_PANE_UNITS: KeyWords = w("下级单位", "units");
    pub const DASHBOARD_PANE_HOLDBACKS: KeyWords = w("短板村", "holds back");
    pub const DASHBOARD_PANE_UNREPORTED: KeyWords = w("未报的村", "unreported");
    pub const DASHBOARD_PANE_TREND: KeyWords = w("趋势", "trend");
    pub const TRUST_ADD_KEY: KeyWords = w("添加", "add");
    pub const TRUST_REMOVE_KEY: KeyWords = w("移除", "remove");
    pub const TRUST_ADD_CONFIRM: KeyWords = w("检查并核对指纹", "check, then compare fingerprint");
    pub const TRUST_ADD_CANCEL: KeyWords = w("取消（不保存）", "cancel (nothing saved)");
    pub const TRUST_CHECK_CONFIRM: KeyWords = w("一致，保存", "it matches: save");
    pub const TRUST_CHECK_CANCEL: KeyWords = w("不一致，返回修改", "it does not: go back");
    pub const CONFLICTS_OPEN: KeyWords = w("对比版本", "compare");
    pub const COMPARE_SIDE_LEFT: KeyWords = w("选左/右", "left/right");
    pub const COMPARE_SIDE_RIGHT: KeyWords = w("选右侧", "right side");
    pub const COMPARE_NEXT_VERSION: KeyWords = w("换右侧版本", "other version");
    pub const COMPARE_PREV_VERSION: KeyWords = w("上一个版本", "previous version");
    pub const COMPARE_CHOOSE: KeyWords = w("以此为准", "keep this one");
    pub const COMPARE_DIFF_ONLY: KeyWords = w("只看不同", "diffs only");
    pub const COMPARE_BACK: KeyWords = w("返回列表", "back");
    pub const IMPORT_PICKER_MARK: KeyWords = w("选中/取消", "mark");
    pub const IMPORT_PICKER_OPEN: KeyWords = w("打开/导入", "open/import");
    pub const IMPORT_PICKER_MARK_ALL: KeyWords = w("选中此处全部数据包", "mark every bundle here");
    pub const EXPORT_PICKER_WRITE_HERE: KeyWords = w("写到此处", "write here");
    pub const EXPORT_PICKER_EDIT_NAME: KeyWords = w("改文件名", "file name");
    pub const PICKER_PARENT: KeyWords = w("上级", "up");
    pub const PICKER_EXPAND: KeyWords = w("打开文件夹", "open folder");
    pub const PICKER_PLACES: KeyWords = w("起始位置（U 盘、主目录）", "places (USB, home)");
    pub const PICKER_SHOW_ALL: KeyWords = w("显示全部文件/仅数据包", "all files / bundles only");
    pub const PICKER_REFRESH: KeyWords = w("刷新（插入 U 盘后）", "refresh (after plugging in)");
    pub const FILE_NAME_CONFIRM: KeyWords = w("写入", "write");
    pub const FILE_NAME_CANCEL: KeyWords = w("回到文件夹", "back to folders");
    pub const RUNNING_QUIT: KeyWords = w("退出（未完成的导入不保存）", "quit (keeps nothing unfinished)");
    pub const OUTCOME_BACK: KeyWords = w("返回首页", "back home");
    pub const OUTCOME_TRUST: KeyWords = w("信任被拒绝的密钥（核对指纹后）", "trust the refused key (after comparing)");
    pub const PROMPT_CONFIRM: KeyWords = w("确定", "OK");
    pub const PROMPT_CANCEL: KeyWords = w("取消", "cancel");
    pub const CONFIRM_CONFIRM: KeyWords = w("确定", "yes");
    pub const CONFIRM_CANCEL: KeyWords = w("取消", "no");
    pub const HELP_BACK: KeyWords = w("关闭帮助", "close help");
    pub const FIRST_RUN_CONFIRM: KeyWords = w("确定/继续", "OK/continue");
    pub const FIRST_RUN_DOWN: KeyWords = w("下一个", "next");
    pub const FIRST_RUN_CANCEL: KeyWords = w("返回上一步", "back");
    pub const FIRST_RUN_DEMO: KeyWords = w("在单独的目录生成演示数据", "demo data in a directory of its own");
    pub const FIRST_RUN_DEMO_CONFIRM: KeyWords = w("开始使用本目录", "start working here");
    pub const HELP: KeyWords = w("帮助", "help");
    pub const QUIT: KeyWords = w("退出", "quit");
    pub const FORCE_QUIT: KeyWords = w("退出（任何时候）", "quit (anywhere)");
}

/// Heading of a context of the key table on the help screen.
pub fn ctx_title(lang: Lang, ctx: Ctx) -> &'static str {
    let (zh, en) = match ctx {
        Ctx::Global => ("任何界面", "Everywhere"),
        Ctx::Home => ("首页（村庄名册）", "Home (village register)"),
        Ctx::Search => ("搜索", "Search"),
        Ctx::Form => ("表单（草稿）", "Form (draft)"),
        Ctx::Choice => ("是/否 与 选择题", "Yes/no and choice fields"),
        Ctx::Table => ("规模养殖场表格", "Farms table"),
        Ctx::ReadOnly => ("已完成的记录（只读）", "Finalized record (read-only)"),
        Ctx::Viewing => (
            "从看板打开的记录（只看）",
            "Record opened from the dashboard (view only)",
        ),
        Ctx::Issues => ("完成前需处理的问题", "What blocks finalizing"),
        Ctx::History => ("修改记录", "History"),
        Ctx::Review => ("审核", "Review"),
        Ctx::Dashboard => ("指标看板", "Dashboard"),
        Ctx::Picker => ("选择文件夹或文件", "Folders and files"),
        Ctx::ImportPicker => ("导入数据包", "Import bundles"),
        Ctx::ExportPicker => ("导出数据包", "Export a bundle"),
        Ctx::FileName => ("导出文件名", "Export file name"),
        Ctx::Running => ("导入/导出进行中", "Import or export at work"),
        Ctx::Outcome => ("导入/导出结果", "Import or export result"),
        Ctx::Prompt => ("输入框", "Prompt"),
        Ctx::Confirm => ("确认", "Confirm"),
        Ctx::Help => ("帮助", "Help"),
        Ctx::FirstRun => ("首次使用", "First run"),
        Ctx::FirstRunDemo => ("首次使用：演示数据", "First run: demo data"),
        Ctx::Trust => ("信任的密钥", "Trusted keys"),
        Ctx::TrustAdd => ("添加信任的密钥", "Adding a trusted key"),
        Ctx::TrustCheck => ("核对指纹", "Checking the fingerprint"),
        Ctx::Conflicts => ("冲突（分叉与重复）", "Conflicts (forks and duplicates)"),
        Ctx::Compare => ("对比两个版本", "Comparing two versions"),
    };
    pick(lang, zh, en)
}

/// A role as the title bar names it.
pub fn role(lang: Lang, role: crate::tui::shared::Role) -> &'static str {
    use crate::tui::shared::Role;
    match role {
        Role::Surveyor => pick(lang, "调查人", "surveyor"),
        Role::Township => pick(lang, "乡镇审核", "township"),
        Role::County => pick(lang, "县级汇总", "county"),
    }
}

// ---------------------------------------------------------------------------------------
// The title bar, the message line and the help screen
/// Before the title on every screen of demo data.
pub fn demo_marker(lang: Lang) -> &'static str {
    pick(lang, "【演示数据】", "[DEMO DATA] ")
}

/// The program's name in the title bar.
pub fn app_title(lang: Lang) -> &'static str {
    pick(lang, "农村人居环境调查", "rural living environment")
}

/// The label of the one-line prompt for a round.
pub fn prompt_round(lang: Lang) -> &'static str {
    pick(lang, "轮次（如 2020）：", "Round (e.g. 2020): ")
}

/// The label of the one-line prompt for the user's name.
pub fn prompt_name(lang: Lang) -> &'static str {
    pick(lang, "姓名：", "Name: ")
}

/// The label of the one-line prompt for a return comment.
pub fn prompt_return_comment(lang: Lang) -> &'static str {
    pick(lang, "退回意见：", "Why is it returned: ")
}

catalogue! {
    /// The right of the title bar: the round and who works here (`who`: role and name).
    fn title_round(round: &str, who: &str) {
        zh: "轮次 {round} · {who} ",
        en: "round {round} · {who} ",
    }
    /// The message line while answers wait for the database.
    fn waiting_for_database(n: usize) {
        zh: "⏳ 等待数据库…（{n} 项答案待保存：其他程序正在写入，空闲后自动保存，可以继续填写）",
        en: "⏳ Waiting for the database… ({n} answers to save: another program is writing; they are saved when it is free, keep typing)",
    }
    /// The first line of the help screen (keys from the key table).
    fn help_intro(scroll: &str, close: &str, next: &str) {
        zh: "帮助：按键一览（{scroll} 滚动，{close} 关闭）。表单中 {next} 离开一项即保存。",
        en: "Help: all keys ({scroll} scroll, {close} closes). In the form, {next} saves the field you leave.",
    }
}

// ---------------------------------------------------------------------------------------
// Notices of the router and of the effects shared by the screens
catalogue! {
    /// Why a unit outside the survey scope has no form, and how a county changes the scope.
    fn out_of_scope(name: &str, code: &str) {
        zh: "{name} {code} 不在调查范围（居委会，或县里未列入），填了也不会计入，所以不打开表单。县里要调查它，请在名册 forms/divisions/ 中把它的 in_scope 设为是，并发到每台电脑",
        en: "{name} {code} is not in the survey scope (a residents' committee, or left out by the county): it would never count, so no form opens. A county that surveys it sets in_scope in its register (forms/divisions/) on every installation",
    }
    /// A returned record opens: its comment is shown above the form.
    fn returned_record() {
        zh: "审核已退回此记录，意见见上方",
        en: "The reviewer returned this record: the comment is above",
    }
    /// A finalized record opens (`key`: the key that starts a new revision).
    fn read_only_record(key: &str) {
        zh: "此记录已完成，只读。按 {key} 修改（将生成新版本）。",
        en: "This record is finalized and read-only. Press {key} to edit it as a new revision.",
    }
    /// A finalized record opened from the review list (`back`, `approve`, `ret`: its keys).
    fn review_record(back: &str, approve: &str, ret: &str) {
        zh: "审核中查看：{back} 回到审核列表，在那里按 {approve} 通过、{ret} 退回。",
        en: "Reviewing: {back} goes back to the list, where {approve} approves and {ret} returns it.",
    }
    /// A finalized record opened from the dashboard, to look at only.
    fn viewing_record() {
        zh: "从看板打开，只看不改；要修改请回到首页打开此村。",
        en: "Opened from the dashboard to look at; to change it, open the village from home.",
    }
    /// A value is saved, but its check asks for a look.
    fn saved_but_check(label: &str, message: &str) {
        zh: "已保存，但请核对 {label}：{message}",
        en: "Saved, but check {label}: {message}",
    }
    fn saved(label: &str) {
        zh: "已保存：{label}",
        en: "Saved: {label}",
    }
    fn not_saved(field: &str, error: &str) {
        zh: "未能保存 {field}: {error}",
        en: "Not saved: {field}: {error}",
    }
    fn row_deleted() {
        zh: "已删除该行",
        en: "Row deleted",
    }
    fn finalized(rev: impl Display) {
        zh: "已完成，生成第 {rev} 版",
        en: "Finalized as revision {rev}",
    }
    fn approved() {
        zh: "已通过",
        en: "Approved",
    }
    fn returned_with_comment() {
        zh: "已退回，意见已记录",
        en: "Returned with the comment",
    }
    fn dashboard_failed(error: &str) {
        zh: "看板未能计算：{error}",
        en: "The dashboard could not be computed: {error}",
    }
    fn demo_made(n: usize, dir: &str) {
        zh: "已在 {dir} 生成 {n} 条演示记录",
        en: "{n} demo records made in {dir}",
    }
    /// Quitting while answers wait for the database (`yes`, `no`: the question's keys).
    fn quit_while_saving(n: usize, yes: &str, no: &str) {
        zh: "有 {n} 项答案还在等待数据库（其他程序正在写入），现在退出就不会保存。仍要退出？{yes} 退出 / {no} 继续等待",
        en: "{n} answers are still waiting for the database (another program is writing); quitting now loses them. Quit anyway? {yes} quit / {no} keep waiting",
    }
    fn round_set(round: &str) {
        zh: "轮次：{round}",
        en: "Round: {round}",
    }
    fn name_needed() {
        zh: "请输入姓名（记录在每项修改和审核旁）",
        en: "Please type a name (it is recorded with every change and review)",
    }
    fn name_set(name: &str) {
        zh: "姓名已改为 {name}，此后的修改和审核都记在这个名字下",
        en: "Name set to {name}: later changes and reviews are recorded under it",
    }
    fn return_needs_comment() {
        zh: "退回必须写明原因，调查人才知道要改什么",
        en: "A return needs a comment: say what the surveyor should change",
    }
    /// Something the effects could not do.
    fn error(error: &str) {
        zh: "出错了：{error}",
        en: "Error: {error}",
    }
    fn finalize_waits_for_saves() {
        zh: "还有答案在等待数据库（其他程序正在写入），保存后再完成",
        en: "Answers are still waiting for the database (another program is writing); finalize once they are saved",
    }
    /// A new revision of a finalized record (`key`: the key that finalizes).
    fn revision_started(key: &str) {
        zh: "已开始新版本：修改后按 {key} 完成",
        en: "A new revision is open: change what needs changing, then {key} to finalize",
    }
    /// A review refused while the record is in conflict (`what`: duplicates or forks;
    /// `key`: home's key of the conflicts).
    fn review_in_conflict(village: &str, round: &str, what: &str, key: &str) {
        zh: "未审核：{village} 在 {round} 轮有冲突（重复记录或同一版本的两个分叉），不知道审核哪个版本。先在首页按 {key} 处理冲突，再审核计入的版本",
        en: "Not reviewed: village {village} has {what} for round {round}. Resolve that first ({key} on the home screen), then review the version that counts",
    }
    fn no_demo_generator() {
        zh: "此版本没有演示数据生成器",
        en: "This build has no demo data generator",
    }
}
