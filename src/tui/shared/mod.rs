//! The types every screen, the router and the effects share, below all of them (this
//! module imports no screen): the messages `update` takes, the commands it returns, a
//! notice, a question waiting for "y", a screen's outcome, and text-input helpers.
//!
//! The submodules hold what a screen and its effects say to each other (the payloads of
//! `Msg` and `Cmd`) and the register tree every screen reads.

pub mod conflicts;
pub mod dashboard;
pub mod exchange;
pub mod record;
pub mod tree;
pub mod trust;

use crate::forms::Lang;
use crate::forms::record::Issue;
use crate::store::{DivisionRow, RecordStatus, ReviewAction};
use conflicts::{ConflictsCmd, ConflictsMsg};
use dashboard::DashboardData;
use exchange::{ExchangeCmd, ExchangeMsg};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use record::{Commit, Opened, RecordRef};
use std::collections::{HashMap, HashSet};
use tree::Tree;
use trust::{Prefill, TrustCmd, TrustMsg};
use tui_input::{Input, InputRequest};

/// What the user does with this installation (asked on the first run, saved as the
/// setting `role`): only a surveyor is asked for a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Surveyor,
    Township,
    County,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Surveyor, Role::Township, Role::County];

    /// As stored in the settings.
    pub fn code(self) -> &'static str {
        match self {
            Role::Surveyor => "surveyor",
            Role::Township => "township",
            Role::County => "county",
        }
    }

    pub fn from_code(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        crate::i18n::tui_keys::role(lang, self)
    }
}

/// The setting that keeps home's cursor between runs.
pub const HOME_UNIT: &str = "home_unit";

/// The setting that keeps the folder the file pickers were in last.
pub const PICKER_DIR: &str = "picker_dir";

/// What the effects know at start, gathered in one go (the first frame waits for it).
#[derive(Debug, Clone)]
pub struct Startup {
    pub lang: Lang,
    pub surveyor: Option<String>,
    /// The role saved on the first run (None on installations made before it was asked).
    pub role: Option<Role>,
    /// Neither a name nor a role known yet: the first run asks.
    pub ask_name: bool,
    pub round: String,
    pub rounds: Vec<String>,
    /// The rounds the county's forms declare (`targets.toml`), or None: the years
    /// 2000–2099 (`forms::check_round`).
    pub declared_rounds: Option<Vec<String>>,
    pub tree: Tree,
    pub statuses: HashMap<String, RecordStatus>,
    /// Villages that count (the `counted` view: the report's `villages_reported`).
    pub counted: HashSet<String>,
    pub demo_available: bool,
    /// Where the first run offers to put demo data (a directory of its own, never this
    /// one), or None when this directory already holds demo data.
    pub demo_dir: Option<String>,
    /// This data directory holds demo data (`Store::is_demo`): every screen says so.
    pub demo: bool,
    /// Today's date (YYYY-MM-DD), for messages and defaults.
    pub today: String,
    /// The unit home's cursor was on when the last run ended (setting `home_unit`).
    pub home_unit: Option<String>,
    /// The folder the file pickers were in last (setting `picker_dir`).
    pub picker_dir: Option<String>,
}

/// One change of the audit trail, as the history screen lists it.
pub use crate::store::AuditEntry as AuditRow;

/// A finalized record of a township, for review.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRow {
    pub village: DivisionRow,
    pub record_id: String,
    pub rev: u32,
    pub status: RecordStatus,
    pub finalized_at: String,
    pub finalized_by: String,
    pub comment: Option<String>,
}

/// Input to `update`: a key or paste from the terminal, or the answer of an effect.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    StatusesLoaded {
        round: String,
        statuses: HashMap<String, RecordStatus>,
        /// Villages that count (as the report counts them).
        counted: HashSet<String>,
        /// The directory holds demo data (an import may have just made it so).
        demo: bool,
    },
    RecordOpened(Box<Opened>),
    /// The first saved answer created the record.
    RecordCreated {
        village: String,
        round: String,
        record_id: String,
    },
    /// A field is on disk.
    Committed {
        record_id: String,
        row: Option<(String, String)>,
        field: String,
    },
    CommitFailed {
        field: String,
        error: String,
    },
    /// Saves waiting for the database (another program holds its write lock): how many.
    /// They are retried in the background, in order, while the user keeps typing.
    SavesWaiting(usize),
    /// Quit now (the user said yes to quitting with saves still waiting).
    Quit,
    RowAdded {
        group: String,
        row_id: String,
    },
    RowDeleted {
        group: String,
        row_id: String,
    },
    FinalizeBlocked(Vec<Issue>),
    Finalized {
        record_id: String,
        rev: u32,
    },
    HistoryLoaded {
        record_id: String,
        rows: Vec<AuditRow>,
        /// Revisions finalized, reviews and resolutions (`Store::history`).
        events: Vec<crate::store::HistoryEvent>,
    },
    ReviewLoaded {
        township: DivisionRow,
        rows: Vec<ReviewRow>,
    },
    Reviewed {
        record_id: String,
        action: ReviewAction,
    },
    /// The dashboard of a unit (a child of the one shown: drilled down).
    DashboardLoaded(Box<DashboardData>),
    /// A dashboard is being computed (on a worker): the screen says so and answers keys.
    DashboardLoading {
        unit: String,
        round: String,
    },
    /// The village lists of a dashboard loaded with them pending.
    DashboardVillages {
        unit: String,
        round: String,
        holdbacks: Vec<crate::report::dashboard::Holdbacks>,
        unreported: Vec<(String, String)>,
    },
    /// Computing a dashboard failed.
    DashboardFailed {
        unit: String,
        round: String,
        /// In both languages: the screen shows the one it speaks.
        error: crate::forms::Text,
    },
    /// The export and import screens (picker listings, worker progress and outcome).
    Exchange(ExchangeMsg),
    /// Demo data is in its own directory (`records` of them), or could not be made.
    DemoLoaded {
        dir: String,
        result: Result<usize, String>,
    },
    /// Something to tell the user (already in the UI language).
    Notice(Notice),
    /// A signal (SIGTERM, SIGHUP, SIGINT) or the loss of the terminal: keep the field
    /// being typed when its value is valid, and quit without asking.
    Terminate,
    /// The trust screen's data and the outcome of trusting or untrusting a key.
    Trust(TrustMsg),
    /// The conflicts of a round, one opened, a resolution recorded.
    Conflicts(ConflictsMsg),
}

/// Work for `effects` (the only place that touches the store).
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    SaveSetting {
        key: String,
        value: String,
    },
    SetSurveyor(String),
    /// Quit without saving what still waits for the database (after asking).
    Quit,
    LoadStatuses {
        round: String,
    },
    OpenRecord {
        village: String,
        round: String,
        field: Option<String>,
    },
    Commit(Commit),
    AddRow {
        rec: RecordRef,
        group: String,
    },
    DeleteRow {
        record_id: String,
        group: String,
        row_id: String,
    },
    Finalize {
        record_id: String,
        form_id: String,
        version: u32,
    },
    StartRevision {
        record_id: String,
    },
    DiscardRevision {
        record_id: String,
        village: String,
        round: String,
    },
    LoadHistory {
        record_id: String,
    },
    LoadReview {
        township: String,
        round: String,
    },
    Review {
        record_id: String,
        action: ReviewAction,
        comment: String,
    },
    /// Roll up a unit's round for the dashboard.
    LoadDashboard {
        unit: String,
        round: String,
    },
    /// Show a village's counted record of a round read-only (from the dashboard), or
    /// say that there is none.
    ViewRecord {
        village: String,
        round: String,
    },
    /// Fill another data directory (`dir`, empty or demo-only) with demo data (a hook:
    /// effects answers when it is not built in). Never this installation's directory.
    LoadDemo {
        dir: String,
        under: String,
        round: String,
    },
    Trust(TrustCmd),
    Conflicts(ConflictsCmd),
    /// The export and import screens.
    Exchange(ExchangeCmd),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Saved,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Notice {
        Notice {
            kind: NoticeKind::Info,
            text: text.into(),
        }
    }
    pub fn warn(text: impl Into<String>) -> Notice {
        Notice {
            kind: NoticeKind::Warn,
            text: text.into(),
        }
    }
    pub fn error(text: impl Into<String>) -> Notice {
        Notice {
            kind: NoticeKind::Error,
            text: text.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PromptKind {
    Round,
    /// The name recorded with what this user does (home: change it any time).
    Name,
    /// The comment of a return; the question that follows names the village and revision.
    ReturnComment {
        record_id: String,
        village: String,
        rev: u32,
    },
}

#[derive(Debug, Clone)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: Input,
}

/// A destructive action waiting for "y": the question and the command it will run.
#[derive(Debug, Clone)]
pub struct Confirm {
    pub question: String,
    pub cmd: Cmd,
}

/// Text-editing keys of a single-line input.
pub fn input_request(ev: &KeyEvent) -> Option<InputRequest> {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let alt = ev.modifiers.contains(KeyModifiers::ALT);
    Some(match ev.code {
        KeyCode::Char('a') if ctrl => InputRequest::GoToStart,
        KeyCode::Char('e') if ctrl => InputRequest::GoToEnd,
        KeyCode::Char('u') if ctrl => InputRequest::DeleteLine,
        KeyCode::Char('k') if ctrl => InputRequest::DeleteTillEnd,
        KeyCode::Char('w') if ctrl => InputRequest::DeletePrevWord,
        KeyCode::Char(c) if !ctrl && !alt && !crate::termsafe::is_unsafe(c) => {
            InputRequest::InsertChar(c)
        }
        KeyCode::Backspace => InputRequest::DeletePrevChar,
        KeyCode::Delete => InputRequest::DeleteNextChar,
        KeyCode::Left => InputRequest::GoToPrevChar,
        KeyCode::Right => InputRequest::GoToNextChar,
        KeyCode::Home => InputRequest::GoToStart,
        KeyCode::End => InputRequest::GoToEnd,
        _ => return None,
    })
}

/// Line breaks and control characters never enter an input.
pub fn paste_into(input: &mut Input, text: &str) {
    for c in text.chars() {
        let c = match c {
            '\n' | '\r' | '\t' => ' ',
            c if crate::termsafe::is_unsafe(c) => continue,
            c => c,
        };
        input.handle(InputRequest::InsertChar(c));
    }
}

/// What happens to the message line after a key.
#[derive(Debug, Clone, PartialEq)]
pub enum Say {
    /// Show this, replacing what was shown.
    Set(Notice),
    /// Show this unless something is shown already.
    Unless(Notice),
    /// Clear the line.
    Clear,
}

/// What a screen asks the router for beyond its own state.
#[derive(Debug, Clone)]
pub enum Go {
    /// Leave the screen (the router knows where to); home shows this unit when given.
    Close { reveal: Option<String> },
    /// Quit; the router keeps the field being typed when it reads.
    Quit,
    /// Ask for a line of text (a round, a return comment).
    Prompt(Prompt),
    /// Open the export screen for this unit.
    Export(DivisionRow),
    /// Open the import screen.
    Import,
    /// Switch the UI language.
    ToggleLang,
    /// Ask for the user's name (filled with the one in use).
    AskName,
    /// Open the trust screen with its add form filled in.
    Trust(Prefill),
}

/// What a key did, as a screen tells the router: commands to run, a change of the
/// message line, a question waiting for "y", somewhere to go. A screen changes only its
/// own state; everything else goes through this.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub cmds: Vec<Cmd>,
    pub say: Option<Say>,
    pub ask: Option<Confirm>,
    pub go: Option<Go>,
}

impl Outcome {
    pub fn none() -> Outcome {
        Outcome::default()
    }

    pub fn cmds(cmds: Vec<Cmd>) -> Outcome {
        Outcome {
            cmds,
            ..Outcome::default()
        }
    }

    pub fn cmd(cmd: Cmd) -> Outcome {
        Outcome::cmds(vec![cmd])
    }

    pub fn say(n: Notice) -> Outcome {
        Outcome {
            say: Some(Say::Set(n)),
            ..Outcome::default()
        }
    }

    pub fn clear() -> Outcome {
        Outcome {
            say: Some(Say::Clear),
            ..Outcome::default()
        }
    }

    pub fn ask(question: String, cmd: Cmd) -> Outcome {
        Outcome {
            ask: Some(Confirm { question, cmd }),
            ..Outcome::default()
        }
    }

    pub fn go(go: Go) -> Outcome {
        Outcome {
            go: Some(go),
            ..Outcome::default()
        }
    }

    pub fn quit() -> Outcome {
        Outcome::go(Go::Quit)
    }

    pub fn close() -> Outcome {
        Outcome::go(Go::Close { reveal: None })
    }
}
