//! The one key table. `update` resolves keys to actions through it, the footer shows its
//! entries for the current context, and the help screen lists all of it: help cannot
//! drift from the real keys.

use crate::forms::Lang;
use crate::i18n::tui_keys::{KeyWords, words};
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
        crate::i18n::tui_keys::ctx_title(lang, self)
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
    /// What the key does, in the catalogue (help's words and the footer's).
    pub words: &'static KeyWords,
    pub ctx: Ctx,
    /// Shown in the one-line footer (help shows everything), with its rank when the line
    /// is short: 1 before 2 (`footer = later`).
    pub footer: Option<u8>,
    /// Still active while the user types into an input (printable keys never are).
    pub typing: bool,
}

impl Binding {
    /// What the help says the key does.
    pub fn hint(&self, lang: Lang) -> &'static str {
        self.words.help(lang)
    }
}

/// A row's place in the footer: `true` (rank 1), `later` (rank 2, the first to go when the
/// line is short), `false` (only in help).
macro_rules! foot {
    (true) => {
        Some(1)
    };
    (later) => {
        Some(2)
    };
    (false) => {
        None
    };
}

macro_rules! b {
    ($ctx:ident, [$($key:expr),+], $label:expr, $action:ident, $words:ident, footer=$f:ident, typing=$t:expr) => {
        Binding {
            keys: &[$($key),+],
            label: $label,
            action: Action::$action,
            words: &words::$words,
            ctx: Ctx::$ctx,
            footer: foot!($f),
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
    b!(Home, [k(Enter)], "Enter", Open, HOME_OPEN, footer = true, typing = false),
    b!(Home, [k(Up), ch('k')], "↑↓/jk", Up, MOVE, footer = false, typing = false),
    b!(Home, [k(Down), ch('j')], "↓/j", Down, DOWN, footer = false, typing = false),
    b!(Home, [ch('/')], "/", Search, HOME_SEARCH, footer = later, typing = false),
    b!(Home, [ch('r')], "r", Round, HOME_ROUND, footer = later, typing = false),
    b!(Home, [ch('d')], "d", Dashboard, HOME_DASHBOARD, footer = true, typing = false),
    b!(Home, [ch('v')], "v", Review, HOME_REVIEW, footer = later, typing = false),
    b!(Home, [ch('x')], "x", Export, HOME_EXPORT, footer = true, typing = false),
    b!(Home, [ch('i')], "i", Import, HOME_IMPORT, footer = true, typing = false),
    b!(Home, [k(Right), ch('l')], "→/l", Expand, HOME_EXPAND, footer = false, typing = false),
    b!(Home, [k(Left), ch('h')], "←/h", Collapse, HOME_COLLAPSE, footer = false, typing = false),
    b!(Home, [k(PageUp)], "PgUp", PageUp, PAGE_UP, footer = false, typing = false),
    b!(Home, [k(PageDown)], "PgDn", PageDown, PAGE_DOWN, footer = false, typing = false),
    b!(Home, [k(Home), ch('g')], "Home/g", Top, TOP, footer = false, typing = false),
    b!(Home, [k(End), ch('G')], "End/G", Bottom, BOTTOM, footer = false, typing = false),
    b!(Home, [ch('L')], "L", Language, HOME_LANGUAGE, footer = false, typing = false),
    b!(Home, [k(Esc)], "Esc", Back, HOME_BACK, footer = false, typing = false),
    b!(Home, [ch('t')], "t", Trust, HOME_TRUST, footer = true, typing = false),
    b!(Home, [ch('n')], "n", Name, HOME_NAME, footer = false, typing = false),
    b!(Home, [ch('c')], "c", Conflicts, HOME_CONFLICTS, footer = true, typing = false),
    // Search (typing)
    b!(Search, [k(Enter)], "Enter", Confirm, SEARCH_CONFIRM, footer = true, typing = true),
    b!(Search, [k(Esc)], "Esc", Cancel, SEARCH_CANCEL, footer = true, typing = true),
    b!(Search, [k(Up)], "↑↓", Up, MOVE, footer = true, typing = true),
    b!(Search, [k(Down)], "↓", Down, DOWN, footer = false, typing = true),
    // Form (draft)
    b!(Form, [k(Tab), k(Enter)], "Tab/Enter", Next, FORM_NEXT, footer = true, typing = true),
    b!(Form, [Key(BackTab, KeyModifiers::SHIFT)], "Shift-Tab", Prev, PREVIOUS, footer = later, typing = true),
    b!(Form, [k(Up)], "↑↓", Prev, FORM_PREV, footer = false, typing = true),
    b!(Form, [k(Down)], "↓", Next, NEXT, footer = false, typing = true),
    b!(Form, [ctrl('f')], "Ctrl-F", Finalize, FORM_FINALIZE, footer = true, typing = true),
    b!(Form, [ctrl('d')], "Ctrl-D", Discard, FORM_DISCARD, footer = false, typing = true),
    b!(Form, [ctrl('t')], "Ctrl-T", History, HISTORY, footer = false, typing = true),
    b!(Form, [k(Esc)], "Esc", Back, BACK, footer = true, typing = true),
    // Choice fields
    b!(Choice, [k(Right), ch(' ')], "←→/Space", ChoiceNext, CHOOSE, footer = true, typing = false),
    b!(Choice, [k(Left)], "←", ChoicePrev, CHOICE_PREV, footer = false, typing = false),
    b!(Choice, [k(Backspace), k(Delete)], "Backspace", Clear, CHOICE_CLEAR, footer = false, typing = false),
    // Farms table
    b!(Table, [k(Enter)], "Enter", EditRow, TABLE_EDIT_ROW, footer = true, typing = false),
    b!(Table, [ch('a'), k(Insert)], "a", AddRow, TABLE_ADD_ROW, footer = true, typing = false),
    b!(Table, [ch('d'), k(Delete)], "d", DeleteRow, TABLE_DELETE_ROW, footer = true, typing = false),
    b!(Table, [k(Up), ch('k')], "↑↓/jk", Up, TABLE_UP, footer = false, typing = false),
    b!(Table, [k(Down), ch('j')], "↓/j", Down, TABLE_DOWN, footer = false, typing = false),
    // Read-only record
    b!(ReadOnly, [k(Up), ch('k')], "↑↓/jk", Up, MOVE, footer = true, typing = false),
    b!(ReadOnly, [k(Down), ch('j'), k(Tab), k(Enter)], "↓/j", Down, DOWN, footer = false, typing = false),
    b!(ReadOnly, [ch('e')], "e", Edit, READ_ONLY_EDIT, footer = true, typing = false),
    b!(ReadOnly, [ch('h'), ctrl('t')], "h", History, HISTORY, footer = true, typing = false),
    b!(ReadOnly, [k(Esc)], "Esc", Back, BACK, footer = true, typing = false),
    b!(Viewing, [k(Up), ch('k')], "↑↓/jk", Up, MOVE, footer = true, typing = false),
    b!(Viewing, [k(Down), ch('j'), k(Tab), k(Enter)], "↓/j", Down, DOWN, footer = false, typing = false),
    b!(Viewing, [ch('h'), ctrl('t')], "h", History, HISTORY, footer = true, typing = false),
    b!(Viewing, [k(Esc)], "Esc", Back, VIEWING_BACK, footer = true, typing = false),
    // Issues
    b!(Issues, [k(Enter)], "Enter", Open, ISSUES_OPEN, footer = true, typing = false),
    b!(Issues, [k(Up), ch('k')], "↑↓", Up, MOVE, footer = true, typing = false),
    b!(Issues, [k(Down), ch('j')], "↓", Down, DOWN, footer = false, typing = false),
    b!(Issues, [k(Esc)], "Esc", Back, ISSUES_BACK, footer = true, typing = false),
    // History
    b!(History, [k(Up), ch('k')], "↑↓", Up, SCROLL, footer = true, typing = false),
    b!(History, [k(Down), ch('j')], "↓", Down, SCROLL_DOWN, footer = false, typing = false),
    b!(History, [k(PageUp)], "PgUp", PageUp, PAGE_UP, footer = false, typing = false),
    b!(History, [k(PageDown)], "PgDn", PageDown, PAGE_DOWN, footer = false, typing = false),
    b!(History, [k(Home), ch('g')], "Home/g", Top, TOP, footer = false, typing = false),
    b!(History, [k(End), ch('G')], "End/G", Bottom, BOTTOM, footer = false, typing = false),
    b!(History, [k(Esc), ch('h')], "Esc", Back, BACK, footer = true, typing = false),
    // Review
    b!(Review, [ch('a')], "a", Approve, REVIEW_APPROVE, footer = true, typing = false),
    b!(Review, [ch('r')], "r", Return, REVIEW_RETURN, footer = true, typing = false),
    b!(Review, [k(Enter)], "Enter", Open, REVIEW_OPEN, footer = true, typing = false),
    b!(Review, [k(Up), ch('k')], "↑↓", Up, MOVE, footer = true, typing = false),
    b!(Review, [k(Down), ch('j')], "↓", Down, DOWN, footer = false, typing = false),
    b!(Review, [k(Esc)], "Esc", Back, BACK, footer = true, typing = false),
    // Dashboard
    b!(Dashboard, [k(Up), ch('k')], "↑↓/jk", Up, CHOOSE, footer = true, typing = false),
    b!(Dashboard, [k(Down), ch('j')], "↓/j", Down, DOWN, footer = false, typing = false),
    b!(Dashboard, [k(Tab), Key(BackTab, KeyModifiers::SHIFT)], "Tab", SwitchFocus, DASHBOARD_SWITCH_FOCUS, footer = true, typing = false),
    b!(Dashboard, [k(Right), ch('l')], "←→/1-4", NextPane, DASHBOARD_NEXT_PANE, footer = true, typing = false),
    b!(Dashboard, [k(Left), ch('h')], "←/h", PrevPane, DASHBOARD_PREV_PANE, footer = false, typing = false),
    b!(Dashboard, [k(Enter)], "Enter", Open, OPEN, footer = true, typing = false),
    b!(Dashboard, [ch('s')], "s", Sort, DASHBOARD_SORT, footer = true, typing = false),
    b!(Dashboard, [k(Esc)], "Esc", Back, BACK, footer = true, typing = false),
    b!(Dashboard, [ch('1')], "1", PaneUnits, DASHBOARD_PANE_UNITS, footer = false, typing = false),
    b!(Dashboard, [ch('2')], "2", PaneHoldbacks, DASHBOARD_PANE_HOLDBACKS, footer = false, typing = false),
    b!(Dashboard, [ch('3')], "3", PaneUnreported, DASHBOARD_PANE_UNREPORTED, footer = false, typing = false),
    b!(Dashboard, [ch('4')], "4", PaneTrend, DASHBOARD_PANE_TREND, footer = false, typing = false),
    b!(Dashboard, [k(PageUp)], "PgUp", PageUp, PAGE_UP, footer = false, typing = false),
    b!(Dashboard, [k(PageDown)], "PgDn", PageDown, PAGE_DOWN, footer = false, typing = false),
    // Trusted keys
    b!(Trust, [ch('a'), k(Insert)], "a", AddKey, TRUST_ADD_KEY, footer = true, typing = false),
    b!(Trust, [ch('d'), k(Delete)], "d", RemoveKey, TRUST_REMOVE_KEY, footer = true, typing = false),
    b!(Trust, [k(Up), ch('k')], "↑↓/jk", Up, MOVE, footer = true, typing = false),
    b!(Trust, [k(Down), ch('j')], "↓/j", Down, DOWN, footer = false, typing = false),
    b!(Trust, [k(Esc)], "Esc", Back, BACK, footer = true, typing = false),
    b!(TrustAdd, [k(Enter)], "Enter", Confirm, TRUST_ADD_CONFIRM, footer = true, typing = true),
    b!(TrustAdd, [k(Tab), k(Down)], "Tab/↓", Next, NEXT, footer = true, typing = true),
    b!(TrustAdd, [Key(BackTab, KeyModifiers::SHIFT), k(Up)], "Shift-Tab", Prev, PREVIOUS, footer = false, typing = true),
    b!(TrustAdd, [k(Esc)], "Esc", Cancel, TRUST_ADD_CANCEL, footer = true, typing = true),
    b!(TrustCheck, [ch('y')], "y", Confirm, TRUST_CHECK_CONFIRM, footer = true, typing = false),
    b!(TrustCheck, [ch('n'), k(Esc)], "n/Esc", Cancel, TRUST_CHECK_CANCEL, footer = true, typing = false),
    // Conflicts
    b!(Conflicts, [k(Enter)], "Enter", Open, CONFLICTS_OPEN, footer = true, typing = false),
    b!(Conflicts, [k(Up), ch('k')], "↑↓/jk", Up, MOVE, footer = true, typing = false),
    b!(Conflicts, [k(Down), ch('j')], "↓/j", Down, DOWN, footer = false, typing = false),
    b!(Conflicts, [k(Esc)], "Esc", Back, BACK, footer = true, typing = false),
    b!(Compare, [k(Left), ch('h')], "←→/hl", SideLeft, COMPARE_SIDE_LEFT, footer = true, typing = false),
    b!(Compare, [k(Right), ch('l')], "→/l", SideRight, COMPARE_SIDE_RIGHT, footer = false, typing = false),
    b!(Compare, [k(Tab)], "Tab", NextVersion, COMPARE_NEXT_VERSION, footer = later, typing = false),
    b!(Compare, [Key(BackTab, KeyModifiers::SHIFT)], "Shift-Tab", PrevVersion, COMPARE_PREV_VERSION, footer = false, typing = false),
    b!(Compare, [k(Enter)], "Enter", Choose, COMPARE_CHOOSE, footer = true, typing = false),
    b!(Compare, [ch('d')], "d", DiffOnly, COMPARE_DIFF_ONLY, footer = true, typing = false),
    b!(Compare, [k(Esc)], "Esc", Back, COMPARE_BACK, footer = true, typing = false),
    b!(Compare, [k(Up), ch('k')], "↑↓", Up, SCROLL, footer = later, typing = false),
    b!(Compare, [k(Down), ch('j')], "↓/j", Down, SCROLL_DOWN, footer = false, typing = false),
    b!(Compare, [k(PageUp)], "PgUp", PageUp, PAGE_UP, footer = false, typing = false),
    b!(Compare, [k(PageDown)], "PgDn", PageDown, PAGE_DOWN, footer = false, typing = false),
    // Import picker (before the shared picker rows: its Enter says more)
    b!(ImportPicker, [ch(' ')], "Space", Mark, IMPORT_PICKER_MARK, footer = true, typing = false),
    b!(ImportPicker, [k(Enter)], "Enter", Open, IMPORT_PICKER_OPEN, footer = true, typing = false),
    b!(ImportPicker, [ch('a')], "a", MarkAll, IMPORT_PICKER_MARK_ALL, footer = false, typing = false),
    // Export picker
    b!(ExportPicker, [ch('w')], "w", WriteHere, EXPORT_PICKER_WRITE_HERE, footer = true, typing = false),
    b!(ExportPicker, [k(Tab)], "Tab", EditName, EXPORT_PICKER_EDIT_NAME, footer = true, typing = false),
    // Folders and files
    b!(Picker, [k(Enter)], "Enter", Open, OPEN, footer = true, typing = false),
    b!(Picker, [k(Up), ch('k')], "↑↓", Up, MOVE, footer = true, typing = false),
    b!(Picker, [k(Down), ch('j')], "↓", Down, DOWN, footer = false, typing = false),
    b!(Picker, [k(Backspace), k(Left), ch('h')], "Bksp", Parent, PICKER_PARENT, footer = true, typing = false),
    b!(Picker, [k(Right), ch('l')], "→/l", Expand, PICKER_EXPAND, footer = false, typing = false),
    b!(Picker, [ch('p')], "p", Places, PICKER_PLACES, footer = false, typing = false),
    b!(Picker, [ch('.')], ".", ShowAll, PICKER_SHOW_ALL, footer = false, typing = false),
    b!(Picker, [k(F(5)), ctrl('r')], "F5", Refresh, PICKER_REFRESH, footer = false, typing = false),
    b!(Picker, [k(PageUp)], "PgUp", PageUp, PAGE_UP, footer = false, typing = false),
    b!(Picker, [k(PageDown)], "PgDn", PageDown, PAGE_DOWN, footer = false, typing = false),
    b!(Picker, [k(Home), ch('g')], "Home/g", Top, TOP, footer = false, typing = false),
    b!(Picker, [k(End), ch('G')], "End/G", Bottom, BOTTOM, footer = false, typing = false),
    b!(Picker, [k(Esc)], "Esc", Back, BACK, footer = true, typing = false),
    // Export file name (typing)
    b!(FileName, [k(Enter)], "Enter", Confirm, FILE_NAME_CONFIRM, footer = true, typing = true),
    b!(FileName, [k(Esc), k(Tab)], "Esc/Tab", Cancel, FILE_NAME_CANCEL, footer = true, typing = true),
    // Import or export at work
    b!(Running, [ch('q')], "q", Quit, RUNNING_QUIT, footer = true, typing = false),
    // Result
    b!(Outcome, [k(Esc), k(Enter)], "Esc", Back, OUTCOME_BACK, footer = true, typing = false),
    b!(Outcome, [k(Up), ch('k')], "↑↓", Up, SCROLL, footer = true, typing = false),
    b!(Outcome, [k(Down), ch('j')], "↓", Down, SCROLL_DOWN, footer = false, typing = false),
    b!(Outcome, [k(PageUp)], "PgUp", PageUp, PAGE_UP, footer = false, typing = false),
    b!(Outcome, [k(PageDown)], "PgDn", PageDown, PAGE_DOWN, footer = false, typing = false),
    b!(Outcome, [ch('t')], "t", Trust, OUTCOME_TRUST, footer = false, typing = false),
    // Prompt and confirm
    b!(Prompt, [k(Enter)], "Enter", Confirm, PROMPT_CONFIRM, footer = true, typing = true),
    b!(Prompt, [k(Esc)], "Esc", Cancel, PROMPT_CANCEL, footer = true, typing = true),
    b!(Confirm, [ch('y'), k(Enter)], "y", Confirm, CONFIRM_CONFIRM, footer = true, typing = false),
    b!(Confirm, [ch('n'), k(Esc)], "n/Esc", Cancel, CONFIRM_CANCEL, footer = true, typing = false),
    // Help
    b!(Help, [k(Up), ch('k')], "↑↓", Up, SCROLL, footer = true, typing = false),
    b!(Help, [k(Down), ch('j')], "↓", Down, SCROLL_DOWN, footer = false, typing = false),
    b!(Help, [k(PageUp)], "PgUp", PageUp, PAGE_UP, footer = false, typing = false),
    b!(Help, [k(PageDown)], "PgDn", PageDown, PAGE_DOWN, footer = false, typing = false),
    b!(Help, [k(Home), ch('g')], "Home/g", Top, TOP, footer = false, typing = false),
    b!(Help, [k(End), ch('G')], "End/G", Bottom, BOTTOM, footer = false, typing = false),
    b!(Help, [k(Esc), ch('?'), k(F(1))], "Esc", Back, HELP_BACK, footer = true, typing = false),
    // First run
    b!(FirstRun, [k(Enter)], "Enter", Confirm, FIRST_RUN_CONFIRM, footer = true, typing = true),
    b!(FirstRun, [k(Up), ch('k')], "↑↓", Up, CHOOSE, footer = true, typing = false),
    b!(FirstRun, [k(Down), ch('j')], "↓", Down, FIRST_RUN_DOWN, footer = false, typing = false),
    b!(FirstRun, [k(Esc)], "Esc", Cancel, FIRST_RUN_CANCEL, footer = true, typing = true),
    b!(FirstRunDemo, [ch('d')], "d", Demo, FIRST_RUN_DEMO, footer = true, typing = false),
    b!(FirstRunDemo, [k(Enter), k(Esc)], "Enter", Confirm, FIRST_RUN_DEMO_CONFIRM, footer = true, typing = false),
    // Everywhere
    b!(Global, [ch('?')], "?", Help, HELP, footer = true, typing = false),
    b!(Global, [k(F(1))], "F1", Help, HELP, footer = true, typing = true),
    b!(Global, [ch('q')], "q", Quit, QUIT, footer = later, typing = false),
    b!(Global, [ctrl('c')], "Ctrl-C", ForceQuit, FORCE_QUIT, footer = false, typing = true),
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
        for b in TABLE.iter().filter(|b| b.ctx == *ctx && b.footer.is_some()) {
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
    b.words.footer(lang)
}

/// Is this the way out of where the user is, or help? The footer always keeps it.
fn way_out(a: Action) -> bool {
    matches!(a, Action::Back | Action::Cancel | Action::Help)
}

/// The footer of `w` columns: each hint as (key label, its words), never a key without
/// its words. With the help's words when every hint fits whole with them, else with the
/// footer's short words: first the way out (Esc, or `q` where there is no other) and help
/// (`?`), then the rest by rank and table order while they fit; shown in table order.
pub fn footer_line(
    contexts: &[Ctx],
    typing: bool,
    lang: Lang,
    w: usize,
) -> Vec<(&'static str, &'static str)> {
    footer_line_for(contexts, typing, lang, w, &[])
}

/// `footer_line`, with the keys of `first` ranked right after the way out and help.
pub fn footer_line_for(
    contexts: &[Ctx],
    typing: bool,
    lang: Lang,
    w: usize,
    first: &[Action],
) -> Vec<(&'static str, &'static str)> {
    let rows = footer(contexts, typing);
    let fit_footer =
        |rows: &[&'static Binding], w: usize, hint: &dyn Fn(&Binding) -> &'static str| {
            fit_footer(rows, w, first, hint)
        };
    let long = fit_footer(&rows, w, &|b| b.hint(lang));
    let hint: fn(&Binding, Lang) -> &'static str = if long.iter().all(|s| *s) {
        Binding::hint
    } else {
        footer_hint
    };
    let shown = fit_footer(&rows, w, &|b| hint(b, lang));
    rows.iter()
        .zip(shown)
        .filter(|(_, s)| *s)
        .map(|(b, _)| (b.label, hint(b, lang)))
        .collect()
}

/// Which rows the footer shows, each whole with its words.
fn fit_footer(
    rows: &[&'static Binding],
    w: usize,
    first: &[Action],
    hint: impl Fn(&Binding) -> &'static str,
) -> Vec<bool> {
    use unicode_width::UnicodeWidthStr;
    // A hint and the gap after it; the last needs no gap.
    let cost = |b: &Binding| b.label.width() + 1 + hint(b).width() + 2;
    let exit = rows
        .iter()
        .any(|b| matches!(b.action, Action::Back | Action::Cancel));
    let must = |b: &Binding| way_out(b.action) || (!exit && b.action == Action::Quit);
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| {
        (
            if must(rows[i]) {
                0
            } else if first.contains(&rows[i].action) {
                1
            } else {
                rows[i].footer.map_or(u8::MAX, |r| r.saturating_add(1))
            },
            i,
        )
    });
    let mut left = w + 2;
    let mut shown = vec![false; rows.len()];
    for i in order {
        let c = cost(rows[i]);
        if c <= left {
            left -= c;
            shown[i] = true;
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

    /// The stacks of contexts the screens use (`Model::contexts`, the exchange screen's).
    fn stacks() -> Vec<(Vec<Ctx>, bool)> {
        let mut out = Vec::new();
        for ctx in HELP_ORDER.iter().filter(|c| **c != Ctx::Global) {
            for typing in [false, true] {
                out.push((vec![*ctx, Ctx::Global], typing));
            }
        }
        for pair in [
            [Ctx::Table, Ctx::Form],
            [Ctx::Choice, Ctx::Form],
            [Ctx::ImportPicker, Ctx::Picker],
            [Ctx::ExportPicker, Ctx::Picker],
        ] {
            out.push((vec![pair[0], pair[1], Ctx::Global], false));
        }
        out
    }

    fn used(line: &[(&str, &str)]) -> usize {
        use unicode_width::UnicodeWidthStr;
        line.iter()
            .map(|(l, h)| l.width() + 1 + h.width() + 2)
            .sum::<usize>()
            .saturating_sub(2)
    }

    #[test]
    fn no_footer_shows_a_key_without_its_words() {
        for (stack, typing) in stacks() {
            for lang in [Lang::Zh, Lang::En] {
                for w in [60, 80, 100, 120, 200] {
                    let line = footer_line(&stack, typing, lang, w);
                    let at = format!("{stack:?} typing={typing} {lang:?} {w}: {line:?}");
                    for (label, words) in &line {
                        assert!(!label.is_empty() && !words.trim().is_empty(), "{at}");
                    }
                    assert!(used(&line) <= w, "{at}");
                    // The way out and help are always there.
                    let rows = footer(&stack, typing);
                    for b in rows.iter().filter(|b| way_out(b.action)) {
                        assert!(line.iter().any(|(l, _)| *l == b.label), "{at}: {}", b.label);
                    }
                    // Nothing is left out that would have fitted.
                    if line.len() < rows.len() {
                        for b in rows
                            .iter()
                            .filter(|b| !line.iter().any(|(l, _)| *l == b.label))
                        {
                            let mut more = line.clone();
                            more.push((b.label, footer_hint(b, lang)));
                            assert!(used(&more) > w, "{at}: {} fits", b.label);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn home_s_footer_keeps_the_key_each_role_uses_most() {
        // A clerk's work is review, a county's the dashboard (`view::role_actions`): at 80
        // columns their key stays, with its words, whatever else must go.
        for lang in [Lang::Zh, Lang::En] {
            for (first, label) in [(Action::Review, "v"), (Action::Dashboard, "d")] {
                for w in [60, 80] {
                    let line = footer_line_for(&[Ctx::Home, Ctx::Global], false, lang, w, &[first]);
                    assert!(
                        line.iter()
                            .any(|(l, words)| *l == label && !words.is_empty()),
                        "{first:?} {lang:?} {w}: {line:?}"
                    );
                    assert!(line.iter().any(|(l, _)| *l == "q"), "{line:?}");
                }
            }
        }
        // Without a role's preference, review is among the first keys to go at 80.
        let line = footer_line(&[Ctx::Home, Ctx::Global], false, Lang::Zh, 80);
        assert!(!line.iter().any(|(l, _)| *l == "v"), "{line:?}");
    }

    #[test]
    fn the_footer_keeps_the_way_out_and_the_keys_of_home() {
        // Home has no Esc: q is its way out.
        for (lang, w) in [
            (Lang::En, 80),
            (Lang::Zh, 80),
            (Lang::En, 120),
            (Lang::Zh, 120),
        ] {
            let line = footer_line(&[Ctx::Home, Ctx::Global], false, lang, w);
            let labels: Vec<&str> = line.iter().map(|(l, _)| *l).collect();
            for k in ["Enter", "d", "x", "i", "t", "c", "?", "q"] {
                assert!(labels.contains(&k), "{lang:?} {w}: {k} missing in {line:?}");
            }
        }
        let line = footer_line(&[Ctx::Home, Ctx::Global], false, Lang::Zh, 80);
        assert!(line.contains(&("x", "导出")), "{line:?}");
        // At 120 columns home shows every key of its footer.
        let line = footer_line(&[Ctx::Home, Ctx::Global], false, Lang::En, 120);
        assert_eq!(line.len(), footer(&[Ctx::Home, Ctx::Global], false).len());
        // The comparison's Esc is there from 40 columns; the trust list's at 20.
        for w in 40..=60 {
            let line = footer_line(&[Ctx::Compare, Ctx::Global], false, Lang::En, w);
            assert!(line.iter().any(|(l, _)| *l == "Esc"), "{w}: {line:?}");
        }
        let line = footer_line(&[Ctx::Trust, Ctx::Global], false, Lang::Zh, 20);
        assert!(line.iter().any(|(l, _)| *l == "Esc"), "{line:?}");
    }

    #[test]
    fn every_footer_of_the_snapshots_names_each_key_with_its_words() {
        // The footer is the last row of every screen the snapshots keep.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui/snapshots");
        let mut seen = 0;
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.extension().is_none_or(|x| x != "snap") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let Some(footer) = text.lines().rev().find(|l| !l.trim().is_empty()) else {
                continue;
            };
            let footer = footer.trim_end().trim_end_matches('|').trim_end();
            for item in footer.split("  ").filter(|s| !s.is_empty()) {
                let (label, words) = item.trim().split_once(' ').unwrap_or((item.trim(), ""));
                let known = TABLE.iter().any(|b| {
                    b.label == label
                        && [Lang::Zh, Lang::En]
                            .iter()
                            .any(|l| words == b.hint(*l) || words == footer_hint(b, *l))
                });
                assert!(
                    known,
                    "{}: `{item}` is not a key with its words: {footer}",
                    path.display()
                );
            }
            seen += 1;
        }
        assert!(seen > 100, "{seen} snapshots");
    }

    #[test]
    fn messages_name_the_keys_of_the_table() {
        use crate::i18n::{key, tui_keys};
        assert_eq!(
            tui_keys::read_only_record(Lang::Zh, key(Ctx::ReadOnly, Action::Edit)),
            "此记录已完成，只读。按 e 修改（将生成新版本）。"
        );
        assert_eq!(
            tui_keys::revision_started(Lang::En, key(Ctx::Form, Action::Finalize)),
            "A new revision is open: change what needs changing, then Ctrl-F to finalize"
        );
        let q = tui_keys::quit_while_saving(
            Lang::Zh,
            2,
            key(Ctx::Confirm, Action::Confirm),
            key(Ctx::Confirm, Action::Cancel),
        );
        assert!(q.ends_with("y 退出 / n/Esc 继续等待"), "{q}");
        let c = tui_keys::review_in_conflict(
            Lang::Zh,
            "小宋村委会",
            "2020",
            "forks",
            key(Ctx::Home, Action::Conflicts),
        );
        assert!(c.contains("先在首页按 c 处理冲突"), "{c}");
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
            // Every row has its words in both languages, in help and (if shown) in the footer.
            for lang in [Lang::Zh, Lang::En] {
                assert!(
                    !b.hint(lang).trim().is_empty(),
                    "{:?} {:?}",
                    b.ctx,
                    b.action
                );
                if b.footer.is_some() {
                    assert!(
                        !footer_hint(b, lang).trim().is_empty(),
                        "{:?} {:?}",
                        b.ctx,
                        b.action
                    );
                }
            }
        }
    }
}
