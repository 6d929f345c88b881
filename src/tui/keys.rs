//! The one key table. `update` resolves keys to actions through it, the footer shows its
//! entries for the current context, and the help screen lists all of it: help cannot
//! drift from the real keys.

use crate::forms::Lang;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where the user is: which part of the table applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    /// Everywhere.
    Global,
    Home,
    /// Typing a search on the home screen.
    Search,
    /// A draft's field.
    Form,
    /// A yes/no or choice field of a draft.
    Choice,
    /// The repeat-group table of a draft.
    Table,
    /// A finalized record.
    ReadOnly,
    /// A record opened from the dashboard: looked at, not changed (no `e`).
    Viewing,
    /// The list of what blocks finalizing.
    Issues,
    History,
    Review,
    /// The dashboard of a unit.
    Dashboard,
    /// Browsing folders on the export and import screens.
    Picker,
    /// Picking bundles to import.
    ImportPicker,
    /// Picking where an export goes.
    ExportPicker,
    /// Typing the export's file name.
    FileName,
    /// An export or import at work.
    Running,
    /// What an export wrote or an import changed.
    Outcome,
    /// A one-line question (round, return comment).
    Prompt,
    /// "Are you sure?"
    Confirm,
    Help,
    FirstRun,
    /// The first run's offer of demo data (in a directory of its own).
    FirstRunDemo,
    /// Trusted keys: this installation's key and the keys bundles are accepted from.
    Trust,
    /// Typing a key, scope and name to trust.
    TrustAdd,
    /// Comparing the fingerprint before a key is trusted.
    TrustCheck,
    /// The list of forks and duplicates of the round.
    Conflicts,
    /// Two versions of one conflict side by side.
    Compare,
}

impl Ctx {
    /// Heading of this context on the help screen.
    pub fn title(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
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
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    ForceQuit,
    Help,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Enter on home: open a village or fold a unit.
    Open,
    Expand,
    Collapse,
    Search,
    Round,
    Review,
    Language,
    Back,
    /// Leave the field (commit) and go to the next one.
    Next,
    Prev,
    Finalize,
    History,
    /// Start a new revision of a finalized record.
    Edit,
    /// Drop the draft of a new revision (the finalized one stays).
    Discard,
    ChoiceNext,
    ChoicePrev,
    Clear,
    AddRow,
    DeleteRow,
    EditRow,
    Approve,
    Return,
    Confirm,
    Cancel,
    /// Home: the dashboard of the unit under the cursor.
    Dashboard,
    /// Dashboard: the next (previous) lower pane, or one of them directly.
    NextPane,
    PrevPane,
    PaneUnits,
    PaneHoldbacks,
    PaneUnreported,
    PaneTrend,
    /// Dashboard: ↑↓ move the indicator or the rows of the lower pane.
    SwitchFocus,
    /// Dashboard: the units table worst first by the marked indicator, or in code order.
    Sort,
    /// Home: the trusted keys.
    Trust,
    /// Home: the conflicts of the round.
    Conflicts,
    AddKey,
    RemoveKey,
    /// Compare: the left or the right version gets the focus.
    SideLeft,
    SideRight,
    /// Compare: another version on the right (more than two).
    NextVersion,
    PrevVersion,
    /// Compare: show only the fields that differ, or all.
    DiffOnly,
    /// Compare: keep the version under the focus.
    Choose,
    /// Home: export a bundle of the unit under the cursor.
    Export,
    /// Home: import bundles.
    Import,
    /// First run: demo data in a directory of its own.
    Demo,
    /// Home: set or change the name recorded with what this user does.
    Name,
    /// File picker: the folder above.
    Parent,
    /// File picker: the starting places (removable media, home, current folder).
    Places,
    /// File picker: mark or unmark a file for import.
    Mark,
    /// File picker: mark every bundle in the folder.
    MarkAll,
    /// File picker: every file, or only folders and bundles.
    ShowAll,
    /// File picker: read the folder again.
    Refresh,
    /// Export: write the bundle into the folder shown.
    WriteHere,
    /// Export: edit the file name.
    EditName,
}

/// One key (code plus the modifiers that matter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(pub KeyCode, pub KeyModifiers);

const fn k(c: KeyCode) -> Key {
    Key(c, KeyModifiers::NONE)
}
const fn ch(c: char) -> Key {
    Key(KeyCode::Char(c), KeyModifiers::NONE)
}
const fn ctrl(c: char) -> Key {
    Key(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// A row of the key table.
#[derive(Debug)]
pub struct Binding {
    pub keys: &'static [Key],
    /// How the keys are written in the footer and help.
    pub label: &'static str,
    pub action: Action,
    pub zh: &'static str,
    pub en: &'static str,
    pub ctx: Ctx,
    /// Shown in the one-line footer (help shows everything).
    pub footer: bool,
    /// Still active while the user types into an input (printable keys never are).
    pub typing: bool,
}

impl Binding {
    pub fn hint(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
}

macro_rules! b {
    ($ctx:ident, [$($key:expr),+], $label:expr, $action:ident, $zh:expr, $en:expr, footer=$f:expr, typing=$t:expr) => {
        Binding {
            keys: &[$($key),+],
            label: $label,
            action: Action::$action,
            zh: $zh,
            en: $en,
            ctx: Ctx::$ctx,
            footer: $f,
            typing: $t,
        }
    };
}

use KeyCode::*;

/// The table. Order matters: within a context, earlier rows win, and the footer shows
/// rows in this order until the line is full.
#[rustfmt::skip]
pub static TABLE: &[Binding] = &[
    // Home
    b!(Home, [k(Enter)], "Enter", Open, "打开/展开", "open (or fold a unit)", footer = true, typing = false),
    b!(Home, [k(Up), ch('k')], "↑↓/jk", Up, "移动", "move", footer = false, typing = false),
    b!(Home, [k(Down), ch('j')], "↓/j", Down, "下移", "down", footer = false, typing = false),
    b!(Home, [ch('/')], "/", Search, "搜索", "search", footer = true, typing = false),
    b!(Home, [ch('r')], "r", Round, "轮次", "round", footer = true, typing = false),
    b!(Home, [ch('d')], "d", Dashboard, "指标看板", "dashboard", footer = true, typing = false),
    b!(Home, [ch('v')], "v", Review, "审核（本乡镇）", "review (township)", footer = true, typing = false),
    b!(Home, [ch('x')], "x", Export, "导出数据包（光标所在单位）", "export a bundle (unit under the cursor)", footer = true, typing = false),
    b!(Home, [ch('i')], "i", Import, "导入数据包（U 盘等）", "import bundles (USB stick…)", footer = true, typing = false),
    b!(Home, [k(Right), ch('l')], "→/l", Expand, "展开", "expand", footer = false, typing = false),
    b!(Home, [k(Left), ch('h')], "←/h", Collapse, "收起/上级", "collapse/parent", footer = false, typing = false),
    b!(Home, [k(PageUp)], "PgUp", PageUp, "上一页", "page up", footer = false, typing = false),
    b!(Home, [k(PageDown)], "PgDn", PageDown, "下一页", "page down", footer = false, typing = false),
    b!(Home, [k(Home), ch('g')], "Home/g", Top, "到顶", "top", footer = false, typing = false),
    b!(Home, [k(End), ch('G')], "End/G", Bottom, "到底", "bottom", footer = false, typing = false),
    b!(Home, [ch('L')], "L", Language, "中文/English", "English/中文", footer = false, typing = false),
    b!(Home, [k(Esc)], "Esc", Back, "清除搜索", "clear search", footer = false, typing = false),
    b!(Home, [ch('t')], "t", Trust, "信任的密钥（本机指纹）", "trusted keys (own fingerprint)", footer = true, typing = false),
    b!(Home, [ch('n')], "n", Name, "我的姓名（记录在修改和审核旁）", "my name (recorded with changes and reviews)", footer = false, typing = false),
    b!(Home, [ch('c')], "c", Conflicts, "处理冲突（分叉与重复）", "resolve conflicts", footer = true, typing = false),
    // Search (typing)
    b!(Search, [k(Enter)], "Enter", Confirm, "结束搜索", "done", footer = true, typing = true),
    b!(Search, [k(Esc)], "Esc", Cancel, "清除搜索", "clear", footer = true, typing = true),
    b!(Search, [k(Up)], "↑↓", Up, "移动", "move", footer = true, typing = true),
    b!(Search, [k(Down)], "↓", Down, "下移", "down", footer = false, typing = true),
    // Form (draft)
    b!(Form, [k(Tab), k(Enter)], "Tab/Enter", Next, "保存并下一项", "save, next", footer = true, typing = true),
    b!(Form, [Key(BackTab, KeyModifiers::SHIFT)], "Shift-Tab", Prev, "上一项", "previous", footer = true, typing = true),
    b!(Form, [k(Up)], "↑↓", Prev, "上一项/下一项", "previous/next", footer = false, typing = true),
    b!(Form, [k(Down)], "↓", Next, "下一项", "next", footer = false, typing = true),
    b!(Form, [ctrl('f')], "Ctrl-F", Finalize, "完成", "finalize", footer = true, typing = true),
    b!(Form, [ctrl('d')], "Ctrl-D", Discard, "放弃本次修订", "discard this revision", footer = false, typing = true),
    b!(Form, [ctrl('t')], "Ctrl-T", History, "修改记录", "history", footer = false, typing = true),
    b!(Form, [k(Esc)], "Esc", Back, "返回", "back", footer = true, typing = true),
    // Choice fields
    b!(Choice, [k(Right), ch(' ')], "←→/Space", ChoiceNext, "选择", "choose", footer = true, typing = false),
    b!(Choice, [k(Left)], "←", ChoicePrev, "上一个选项", "previous choice", footer = false, typing = false),
    b!(Choice, [k(Backspace), k(Delete)], "Backspace", Clear, "清空", "clear", footer = false, typing = false),
    // Farms table
    b!(Table, [k(Enter)], "Enter", EditRow, "编辑此行", "edit row", footer = true, typing = false),
    b!(Table, [ch('a'), k(Insert)], "a", AddRow, "添加一行", "add row", footer = true, typing = false),
    b!(Table, [ch('d'), k(Delete)], "d", DeleteRow, "删除此行", "delete row", footer = true, typing = false),
    b!(Table, [k(Up), ch('k')], "↑↓/jk", Up, "选择行", "pick row", footer = false, typing = false),
    b!(Table, [k(Down), ch('j')], "↓/j", Down, "下一行", "next row", footer = false, typing = false),
    // Read-only record
    b!(ReadOnly, [k(Up), ch('k')], "↑↓/jk", Up, "移动", "move", footer = true, typing = false),
    b!(ReadOnly, [k(Down), ch('j'), k(Tab), k(Enter)], "↓/j", Down, "下移", "down", footer = false, typing = false),
    b!(ReadOnly, [ch('e')], "e", Edit, "修改（新版本）", "edit (new revision)", footer = true, typing = false),
    b!(ReadOnly, [ch('h'), ctrl('t')], "h", History, "修改记录", "history", footer = true, typing = false),
    b!(ReadOnly, [k(Esc)], "Esc", Back, "返回", "back", footer = true, typing = false),
    b!(Viewing, [k(Up), ch('k')], "↑↓/jk", Up, "移动", "move", footer = true, typing = false),
    b!(Viewing, [k(Down), ch('j'), k(Tab), k(Enter)], "↓/j", Down, "下移", "down", footer = false, typing = false),
    b!(Viewing, [ch('h'), ctrl('t')], "h", History, "修改记录", "history", footer = true, typing = false),
    b!(Viewing, [k(Esc)], "Esc", Back, "返回看板", "back to the dashboard", footer = true, typing = false),
    // Issues
    b!(Issues, [k(Enter)], "Enter", Open, "转到该项", "go to field", footer = true, typing = false),
    b!(Issues, [k(Up), ch('k')], "↑↓", Up, "移动", "move", footer = true, typing = false),
    b!(Issues, [k(Down), ch('j')], "↓", Down, "下移", "down", footer = false, typing = false),
    b!(Issues, [k(Esc)], "Esc", Back, "关闭", "close", footer = true, typing = false),
    // History
    b!(History, [k(Up), ch('k')], "↑↓", Up, "滚动", "scroll", footer = true, typing = false),
    b!(History, [k(Down), ch('j')], "↓", Down, "向下滚动", "scroll down", footer = false, typing = false),
    b!(History, [k(PageUp)], "PgUp", PageUp, "上一页", "page up", footer = false, typing = false),
    b!(History, [k(PageDown)], "PgDn", PageDown, "下一页", "page down", footer = false, typing = false),
    b!(History, [k(Home), ch('g')], "Home/g", Top, "到顶", "top", footer = false, typing = false),
    b!(History, [k(End), ch('G')], "End/G", Bottom, "到底", "bottom", footer = false, typing = false),
    b!(History, [k(Esc), ch('h')], "Esc", Back, "返回", "back", footer = true, typing = false),
    // Review
    b!(Review, [ch('a')], "a", Approve, "通过", "approve", footer = true, typing = false),
    b!(Review, [ch('r')], "r", Return, "退回（附意见）", "return with comment", footer = true, typing = false),
    b!(Review, [k(Enter)], "Enter", Open, "查看", "view", footer = true, typing = false),
    b!(Review, [k(Up), ch('k')], "↑↓", Up, "移动", "move", footer = true, typing = false),
    b!(Review, [k(Down), ch('j')], "↓", Down, "下移", "down", footer = false, typing = false),
    b!(Review, [k(Esc)], "Esc", Back, "返回", "back", footer = true, typing = false),
    // Dashboard
    b!(Dashboard, [k(Up), ch('k')], "↑↓/jk", Up, "选择", "choose", footer = true, typing = false),
    b!(Dashboard, [k(Down), ch('j')], "↓/j", Down, "下移", "down", footer = false, typing = false),
    b!(Dashboard, [k(Tab), Key(BackTab, KeyModifiers::SHIFT)], "Tab", SwitchFocus, "指标/列表", "focus", footer = true, typing = false),
    b!(Dashboard, [k(Right), ch('l')], "←→/1-4", NextPane, "面板", "pane", footer = true, typing = false),
    b!(Dashboard, [k(Left), ch('h')], "←/h", PrevPane, "上一面板", "previous pane", footer = false, typing = false),
    b!(Dashboard, [k(Enter)], "Enter", Open, "打开", "open", footer = true, typing = false),
    b!(Dashboard, [ch('s')], "s", Sort, "排序", "order", footer = true, typing = false),
    b!(Dashboard, [k(Esc)], "Esc", Back, "返回", "back", footer = true, typing = false),
    b!(Dashboard, [ch('1')], "1", PaneUnits, "下级单位", "units", footer = false, typing = false),
    b!(Dashboard, [ch('2')], "2", PaneHoldbacks, "短板村", "holds back", footer = false, typing = false),
    b!(Dashboard, [ch('3')], "3", PaneUnreported, "未报的村", "unreported", footer = false, typing = false),
    b!(Dashboard, [ch('4')], "4", PaneTrend, "趋势", "trend", footer = false, typing = false),
    b!(Dashboard, [k(PageUp)], "PgUp", PageUp, "上一页", "page up", footer = false, typing = false),
    b!(Dashboard, [k(PageDown)], "PgDn", PageDown, "下一页", "page down", footer = false, typing = false),
    // Trusted keys
    b!(Trust, [ch('a'), k(Insert)], "a", AddKey, "添加", "add", footer = true, typing = false),
    b!(Trust, [ch('d'), k(Delete)], "d", RemoveKey, "移除", "remove", footer = true, typing = false),
    b!(Trust, [k(Up), ch('k')], "↑↓/jk", Up, "移动", "move", footer = true, typing = false),
    b!(Trust, [k(Down), ch('j')], "↓/j", Down, "下移", "down", footer = false, typing = false),
    b!(Trust, [k(Esc)], "Esc", Back, "返回", "back", footer = true, typing = false),
    b!(TrustAdd, [k(Enter)], "Enter", Confirm, "检查并核对指纹", "check, then compare fingerprint", footer = true, typing = true),
    b!(TrustAdd, [k(Tab), k(Down)], "Tab/↓", Next, "下一项", "next", footer = true, typing = true),
    b!(TrustAdd, [Key(BackTab, KeyModifiers::SHIFT), k(Up)], "Shift-Tab", Prev, "上一项", "previous", footer = false, typing = true),
    b!(TrustAdd, [k(Esc)], "Esc", Cancel, "取消（不保存）", "cancel (nothing saved)", footer = true, typing = true),
    b!(TrustCheck, [ch('y')], "y", Confirm, "一致，保存", "it matches: save", footer = true, typing = false),
    b!(TrustCheck, [ch('n'), k(Esc)], "n/Esc", Cancel, "不一致，返回修改", "it does not: go back", footer = true, typing = false),
    // Conflicts
    b!(Conflicts, [k(Enter)], "Enter", Open, "对比版本", "compare", footer = true, typing = false),
    b!(Conflicts, [k(Up), ch('k')], "↑↓/jk", Up, "移动", "move", footer = true, typing = false),
    b!(Conflicts, [k(Down), ch('j')], "↓/j", Down, "下移", "down", footer = false, typing = false),
    b!(Conflicts, [k(Esc)], "Esc", Back, "返回", "back", footer = true, typing = false),
    b!(Compare, [k(Left), ch('h')], "←→/hl", SideLeft, "选左/右", "left/right", footer = true, typing = false),
    b!(Compare, [k(Right), ch('l')], "→/l", SideRight, "选右侧", "right side", footer = false, typing = false),
    b!(Compare, [k(Tab)], "Tab", NextVersion, "换右侧版本", "other version", footer = true, typing = false),
    b!(Compare, [Key(BackTab, KeyModifiers::SHIFT)], "Shift-Tab", PrevVersion, "上一个版本", "previous version", footer = false, typing = false),
    b!(Compare, [k(Enter)], "Enter", Choose, "以此为准", "keep this one", footer = true, typing = false),
    b!(Compare, [ch('d')], "d", DiffOnly, "只看不同", "diffs only", footer = true, typing = false),
    b!(Compare, [k(Esc)], "Esc", Back, "返回列表", "back", footer = true, typing = false),
    b!(Compare, [k(Up), ch('k')], "↑↓", Up, "滚动", "scroll", footer = true, typing = false),
    b!(Compare, [k(Down), ch('j')], "↓/j", Down, "向下滚动", "scroll down", footer = false, typing = false),
    b!(Compare, [k(PageUp)], "PgUp", PageUp, "上一页", "page up", footer = false, typing = false),
    b!(Compare, [k(PageDown)], "PgDn", PageDown, "下一页", "page down", footer = false, typing = false),
    // Import picker (before the shared picker rows: its Enter says more)
    b!(ImportPicker, [ch(' ')], "Space", Mark, "选中/取消", "mark", footer = true, typing = false),
    b!(ImportPicker, [k(Enter)], "Enter", Open, "打开/导入", "open/import", footer = true, typing = false),
    b!(ImportPicker, [ch('a')], "a", MarkAll, "选中此处全部数据包", "mark every bundle here", footer = false, typing = false),
    // Export picker
    b!(ExportPicker, [ch('w')], "w", WriteHere, "写到此处", "write here", footer = true, typing = false),
    b!(ExportPicker, [k(Tab)], "Tab", EditName, "改文件名", "file name", footer = true, typing = false),
    // Folders and files
    b!(Picker, [k(Enter)], "Enter", Open, "打开", "open", footer = true, typing = false),
    b!(Picker, [k(Up), ch('k')], "↑↓", Up, "移动", "move", footer = true, typing = false),
    b!(Picker, [k(Down), ch('j')], "↓", Down, "下移", "down", footer = false, typing = false),
    b!(Picker, [k(Backspace), k(Left), ch('h')], "Bksp", Parent, "上级", "up", footer = true, typing = false),
    b!(Picker, [k(Right), ch('l')], "→/l", Expand, "打开文件夹", "open folder", footer = false, typing = false),
    b!(Picker, [ch('p')], "p", Places, "起始位置（U 盘、主目录）", "places (USB, home)", footer = false, typing = false),
    b!(Picker, [ch('.')], ".", ShowAll, "显示全部文件/仅数据包", "all files / bundles only", footer = false, typing = false),
    b!(Picker, [k(F(5)), ctrl('r')], "F5", Refresh, "刷新（插入 U 盘后）", "refresh (after plugging in)", footer = false, typing = false),
    b!(Picker, [k(PageUp)], "PgUp", PageUp, "上一页", "page up", footer = false, typing = false),
    b!(Picker, [k(PageDown)], "PgDn", PageDown, "下一页", "page down", footer = false, typing = false),
    b!(Picker, [k(Home), ch('g')], "Home/g", Top, "到顶", "top", footer = false, typing = false),
    b!(Picker, [k(End), ch('G')], "End/G", Bottom, "到底", "bottom", footer = false, typing = false),
    b!(Picker, [k(Esc)], "Esc", Back, "返回", "back", footer = true, typing = false),
    // Export file name (typing)
    b!(FileName, [k(Enter)], "Enter", Confirm, "写入", "write", footer = true, typing = true),
    b!(FileName, [k(Esc), k(Tab)], "Esc/Tab", Cancel, "回到文件夹", "back to folders", footer = true, typing = true),
    // Import or export at work
    b!(Running, [ch('q')], "q", Quit, "退出（未完成的导入不保存）", "quit (keeps nothing unfinished)", footer = true, typing = false),
    // Result
    b!(Outcome, [k(Esc), k(Enter)], "Esc", Back, "返回首页", "back home", footer = true, typing = false),
    b!(Outcome, [k(Up), ch('k')], "↑↓", Up, "滚动", "scroll", footer = true, typing = false),
    b!(Outcome, [k(Down), ch('j')], "↓", Down, "向下滚动", "scroll down", footer = false, typing = false),
    b!(Outcome, [k(PageUp)], "PgUp", PageUp, "上一页", "page up", footer = false, typing = false),
    b!(Outcome, [k(PageDown)], "PgDn", PageDown, "下一页", "page down", footer = false, typing = false),
    b!(Outcome, [ch('t')], "t", Trust, "信任被拒绝的密钥（核对指纹后）", "trust the refused key (after comparing)", footer = false, typing = false),
    // Prompt and confirm
    b!(Prompt, [k(Enter)], "Enter", Confirm, "确定", "OK", footer = true, typing = true),
    b!(Prompt, [k(Esc)], "Esc", Cancel, "取消", "cancel", footer = true, typing = true),
    b!(Confirm, [ch('y'), k(Enter)], "y", Confirm, "确定", "yes", footer = true, typing = false),
    b!(Confirm, [ch('n'), k(Esc)], "n/Esc", Cancel, "取消", "no", footer = true, typing = false),
    // Help
    b!(Help, [k(Up), ch('k')], "↑↓", Up, "滚动", "scroll", footer = true, typing = false),
    b!(Help, [k(Down), ch('j')], "↓", Down, "向下滚动", "scroll down", footer = false, typing = false),
    b!(Help, [k(PageUp)], "PgUp", PageUp, "上一页", "page up", footer = false, typing = false),
    b!(Help, [k(PageDown)], "PgDn", PageDown, "下一页", "page down", footer = false, typing = false),
    b!(Help, [k(Home), ch('g')], "Home/g", Top, "到顶", "top", footer = false, typing = false),
    b!(Help, [k(End), ch('G')], "End/G", Bottom, "到底", "bottom", footer = false, typing = false),
    b!(Help, [k(Esc), ch('?'), k(F(1))], "Esc", Back, "关闭帮助", "close help", footer = true, typing = false),
    // First run
    b!(FirstRun, [k(Enter)], "Enter", Confirm, "确定/继续", "OK/continue", footer = true, typing = true),
    b!(FirstRun, [k(Up), ch('k')], "↑↓", Up, "选择", "choose", footer = true, typing = false),
    b!(FirstRun, [k(Down), ch('j')], "↓", Down, "下一个", "next", footer = false, typing = false),
    b!(FirstRun, [k(Esc)], "Esc", Cancel, "返回上一步", "back", footer = true, typing = true),
    b!(FirstRunDemo, [ch('d')], "d", Demo, "在单独的目录生成演示数据", "demo data in a directory of its own", footer = true, typing = false),
    b!(FirstRunDemo, [k(Enter), k(Esc)], "Enter", Confirm, "开始使用本目录", "start working here", footer = true, typing = false),
    // Everywhere
    b!(Global, [ch('?')], "?", Help, "帮助", "help", footer = true, typing = false),
    b!(Global, [k(F(1))], "F1", Help, "帮助", "help", footer = true, typing = true),
    b!(Global, [ch('q')], "q", Quit, "退出", "quit", footer = true, typing = false),
    b!(Global, [ctrl('c')], "Ctrl-C", ForceQuit, "退出（任何时候）", "quit (anywhere)", footer = false, typing = true),
];

/// Does a key event press this key? Shift is ignored for characters (it is in the char).
pub fn matches(key: Key, ev: &KeyEvent) -> bool {
    let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT;
    match (key.0, ev.code) {
        (Char(a), Char(b)) => {
            let a_ctrl = key.1.contains(KeyModifiers::CONTROL);
            if a_ctrl {
                a.eq_ignore_ascii_case(&b) && ev.modifiers.contains(KeyModifiers::CONTROL)
            } else {
                a == b && (ev.modifiers & relevant).is_empty()
            }
        }
        (BackTab, BackTab) => true,
        (a, b) => a == b && (ev.modifiers & relevant) == (key.1 & relevant),
    }
}

/// The action a key does in these contexts (most specific first). While `typing`, only
/// rows marked as working while typing apply, so letters reach the input.
pub fn resolve(contexts: &[Ctx], ev: &KeyEvent, typing: bool) -> Option<Action> {
    for ctx in contexts {
        for b in TABLE.iter().filter(|b| b.ctx == *ctx) {
            if typing && !b.typing {
                continue;
            }
            if b.keys.iter().any(|k| matches(*k, ev)) {
                return Some(b.action);
            }
        }
    }
    None
}

/// Footer hints for these contexts, in table order, most specific context first.
pub fn footer(contexts: &[Ctx], typing: bool) -> Vec<&'static Binding> {
    let mut out: Vec<&'static Binding> = Vec::new();
    for ctx in contexts {
        for b in TABLE.iter().filter(|b| b.ctx == *ctx && b.footer) {
            if typing && !b.typing {
                continue;
            }
            if out.iter().any(|o| o.action == b.action) {
                continue;
            }
            // On the help screen, "help" is not a hint worth the room.
            if contexts.first() == Some(&Ctx::Help) && b.action == Action::Help {
                continue;
            }
            out.push(b);
        }
    }
    out
}

/// The footer's text of a hint: the help's, without what it says in brackets.
pub fn footer_hint(b: &Binding, lang: Lang) -> &'static str {
    let h = b.hint(lang);
    let cut = [h.find('（'), h.find(" (")].into_iter().flatten().min();
    cut.map_or(h, |i| &h[..i])
}

/// Is this the way out of where the user is, or help? The footer always keeps it.
fn way_out(a: Action) -> bool {
    matches!(a, Action::Back | Action::Cancel | Action::Help)
}

/// The footer of `w` columns: each hint as (key label, text), or with no text when the
/// line is short of room; the way out (Esc) and help (?) are kept first, then hints in table
/// order while they fit whole, then the keys of the rest alone.
pub fn footer_line(
    contexts: &[Ctx],
    typing: bool,
    lang: Lang,
    w: usize,
) -> Vec<(&'static str, Option<&'static str>)> {
    let rows = footer(contexts, typing);
    // The help's words when every hint fits whole with them, else the short ones.
    let long = fit_footer(&rows, w, |b| b.hint(lang));
    if long.iter().all(|s| *s == Some(true)) {
        return rows.iter().map(|b| (b.label, Some(b.hint(lang)))).collect();
    }
    let short = fit_footer(&rows, w, |b| footer_hint(b, lang));
    rows.iter()
        .zip(short)
        .filter_map(|(b, s)| s.map(|whole| (b.label, whole.then(|| footer_hint(b, lang)))))
        .collect()
}

/// Which rows the footer shows (`Some(true)` whole, `Some(false)` the key alone).
fn fit_footer(
    rows: &[&'static Binding],
    w: usize,
    hint: impl Fn(&Binding) -> &'static str,
) -> Vec<Option<bool>> {
    use unicode_width::UnicodeWidthStr;
    let full = |b: &Binding| b.label.width() + 1 + hint(b).width() + 2;
    let bare = |b: &Binding| b.label.width() + 1;
    // The last hint needs no gap after it.
    let mut left = w + 2;
    let mut shown: Vec<Option<bool>> = vec![None; rows.len()];
    for (i, b) in rows.iter().enumerate() {
        if way_out(b.action) {
            if full(b) <= left {
                left -= full(b);
                shown[i] = Some(true);
            } else if bare(b) <= left {
                left -= bare(b);
                shown[i] = Some(false);
            }
        }
    }
    // As many hints whole as leave room for the keys of the rest.
    let others: Vec<usize> = (0..rows.len())
        .filter(|&i| shown[i].is_none() && !way_out(rows[i].action))
        .collect();
    let cost = |k: usize| -> usize {
        others
            .iter()
            .enumerate()
            .map(|(n, &i)| if n < k { full(rows[i]) } else { bare(rows[i]) })
            .sum()
    };
    let k = (0..=others.len())
        .rev()
        .find(|&k| cost(k) <= left)
        .unwrap_or(0);
    for (n, &i) in others.iter().enumerate() {
        let need = if n < k { full(rows[i]) } else { bare(rows[i]) };
        if need <= left {
            left -= need;
            shown[i] = Some(n < k);
        }
    }
    shown
}

/// Every context, in the order the help screen lists them.
pub const HELP_ORDER: &[Ctx] = &[
    Ctx::Global,
    Ctx::Home,
    Ctx::Search,
    Ctx::Form,
    Ctx::Choice,
    Ctx::Table,
    Ctx::Issues,
    Ctx::ReadOnly,
    Ctx::Viewing,
    Ctx::History,
    Ctx::Review,
    Ctx::Dashboard,
    Ctx::Trust,
    Ctx::TrustAdd,
    Ctx::TrustCheck,
    Ctx::Conflicts,
    Ctx::Compare,
    Ctx::ImportPicker,
    Ctx::ExportPicker,
    Ctx::Picker,
    Ctx::FileName,
    Ctx::Running,
    Ctx::Outcome,
    Ctx::Prompt,
    Ctx::Confirm,
    Ctx::FirstRun,
    Ctx::FirstRunDemo,
    Ctx::Help,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn letters_reach_the_input_while_typing() {
        let q = ev(Char('q'), KeyModifiers::NONE);
        assert_eq!(resolve(&[Ctx::Form, Ctx::Global], &q, true), None);
        assert_eq!(
            resolve(&[Ctx::Home, Ctx::Global], &q, false),
            Some(Action::Quit)
        );
        let c = ev(Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            resolve(&[Ctx::Form, Ctx::Global], &c, true),
            Some(Action::ForceQuit)
        );
    }

    #[test]
    fn the_footer_keeps_the_way_out_and_names_every_key_of_home() {
        for (lang, w) in [(Lang::En, 80), (Lang::Zh, 80), (Lang::En, 120)] {
            let line = footer_line(&[Ctx::Home, Ctx::Global], false, lang, w);
            let labels: Vec<&str> = line.iter().map(|(l, _)| *l).collect();
            for k in ["d", "x", "i", "t", "c", "?"] {
                assert!(
                    labels.contains(&k),
                    "{lang:?} {w}: {k} missing in {labels:?}"
                );
            }
            let used: usize = line
                .iter()
                .map(|(l, h)| {
                    unicode_width::UnicodeWidthStr::width(*l)
                        + h.map_or(1, |h| 1 + unicode_width::UnicodeWidthStr::width(h) + 2)
                })
                .sum();
            assert!(used <= w + 2, "{lang:?} {w}: {used}");
        }
        // The comparison's Esc is there from 40 columns; the trust list's at 20.
        for w in 40..=60 {
            let line = footer_line(&[Ctx::Compare, Ctx::Global], false, Lang::En, w);
            assert!(line.iter().any(|(l, _)| *l == "Esc"), "{w}: {line:?}");
        }
        let line = footer_line(&[Ctx::Trust, Ctx::Global], false, Lang::Zh, 20);
        assert!(line.iter().any(|(l, _)| *l == "Esc"), "{line:?}");
    }

    #[test]
    fn shift_tab_and_uppercase() {
        let bt = ev(BackTab, KeyModifiers::SHIFT);
        assert_eq!(resolve(&[Ctx::Form], &bt, true), Some(Action::Prev));
        let g = ev(Char('G'), KeyModifiers::SHIFT);
        assert_eq!(resolve(&[Ctx::Home], &g, false), Some(Action::Bottom));
    }

    #[test]
    fn every_context_has_a_way_out_and_help_lists_all() {
        for ctx in HELP_ORDER {
            assert!(
                TABLE.iter().any(|b| b.ctx == *ctx),
                "{ctx:?} has no keys in the table"
            );
        }
        for b in TABLE {
            assert!(HELP_ORDER.contains(&b.ctx));
            assert!(!b.zh.is_empty() && !b.en.is_empty());
        }
    }
}
