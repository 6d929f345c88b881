//! The router: the model of the whole UI (the current screen, each open screen's state
//! and the globals: language, round, surveyor, notice, question, prompt) and `update`,
//! which dispatches keys and messages to the screens and applies the `Outcome` they
//! answer with. `update(&mut Model, Msg) -> Vec<Cmd>` is a pure state transition: it
//! never touches the store or the terminal. `effects` runs the commands and answers with
//! messages.

use crate::forms::Lang;
use crate::i18n::tui_keys;
use crate::store::{DivisionRow, RecordStatus, ReviewAction};
use crate::tui::keys::{self, Action, Ctx};
use crate::tui::layout;
use crate::tui::picker::PickMode;
use crate::tui::screens::conflicts::{self, ConflictsScreen};
use crate::tui::screens::dashboard::Dashboard;
use crate::tui::screens::exchange::{Exchange, Job, proposed_name};
use crate::tui::screens::first_run::{FirstRun, FirstRunCtx, FirstRunStep};
use crate::tui::screens::form::{Record, is_text_like};
use crate::tui::screens::help::Help;
use crate::tui::screens::history::History;
use crate::tui::screens::home::Home;
use crate::tui::screens::review::ReviewState;
use crate::tui::screens::trust::{self, TrustScreen};
use crate::tui::shared::conflicts::ConflictsMsg;
use crate::tui::shared::exchange::{ExchangeCmd, ExchangeMsg};
use crate::tui::shared::trust::{Prefill, TrustCmd, TrustMsg};
use crate::tui::shared::{
    Cmd, Confirm, Go, Msg, Notice, NoticeKind, Outcome, Prompt, PromptKind, Role, Say, Startup,
    input_request, paste_into,
};
use crate::tui::text::{clean, tr};
use ratatui::crossterm::event::{KeyEvent, KeyEventKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    FirstRun,
    Home,
    Form,
    History,
    Review,
    Dashboard,
    Trust,
    Conflicts,
    /// Export or import of bundles.
    Exchange,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub lang: Lang,
    pub screen: Screen,
    pub surveyor: Option<String>,
    pub role: Option<Role>,
    pub round: String,
    pub rounds: Vec<String>,
    /// The rounds the forms declare, or None for the years 2000–2099.
    pub declared_rounds: Option<Vec<String>>,
    pub today: String,
    pub demo_available: bool,
    /// Where the first run offers demo data (a directory of its own).
    pub demo_dir: Option<String>,
    /// This data directory holds demo data: every screen's header says so.
    pub demo: bool,
    pub home: Home,
    pub record: Option<Record>,
    pub history: Option<History>,
    pub review: Option<ReviewState>,
    pub dashboard: Option<Dashboard>,
    pub trust: Option<TrustScreen>,
    /// The add form's values when the trust screen opens next (from an import refused
    /// for an unknown key).
    pub trust_prefill: Option<Prefill>,
    pub conflicts: Option<ConflictsScreen>,
    pub exchange: Option<Exchange>,
    pub first_run: Option<FirstRun>,
    pub prompt: Option<Prompt>,
    pub confirm: Option<Confirm>,
    pub help: Option<Help>,
    pub notice: Option<Notice>,
    /// After the first-run question: open this (from `edit`).
    pub pending_open: Option<Cmd>,
    pub size: (u16, u16),
    pub quit: bool,
    /// Ctrl-C, a signal or a lost terminal: quit without asking.
    pub forced: bool,
    /// Answers waiting for the database (another program holds its write lock); they are
    /// retried in the background and quitting asks first while any wait.
    pub saves_waiting: usize,
    /// The folder the file pickers were in last: they open there again.
    pub picker_dir: Option<std::path::PathBuf>,
}

/// Where `edit VILLAGE --round R --field F` starts.
#[derive(Debug, Clone)]
pub struct Start {
    pub village: String,
    pub round: String,
    pub field: Option<String>,
}

impl Model {
    pub fn new(s: Startup, start: Option<Start>) -> (Model, Vec<Cmd>) {
        let mut home = Home::new(s.tree, s.statuses, s.counted);
        if let Some(code) = &s.home_unit {
            home.reveal(code);
        }
        let mut cmds = Vec::new();
        let mut open = None;
        if let Some(st) = &start {
            home.reveal(&st.village);
            open = Some(Cmd::OpenRecord {
                village: st.village.clone(),
                round: st.round.clone(),
                field: st.field.clone(),
            });
        }
        let first_run = s.ask_name.then(FirstRun::new);
        let screen = if first_run.is_some() {
            Screen::FirstRun
        } else {
            Screen::Home
        };
        let mut m = Model {
            lang: s.lang,
            screen,
            surveyor: s.surveyor,
            role: s.role,
            round: start.as_ref().map(|s| s.round.clone()).unwrap_or(s.round),
            rounds: s.rounds,
            declared_rounds: s.declared_rounds,
            today: s.today,
            demo_available: s.demo_available,
            demo_dir: s.demo_dir.filter(|_| s.demo_available),
            demo: s.demo,
            home,
            record: None,
            history: None,
            review: None,
            dashboard: None,
            trust: None,
            trust_prefill: None,
            conflicts: None,
            exchange: None,
            first_run,
            prompt: None,
            confirm: None,
            help: None,
            notice: None,
            pending_open: None,
            size: (80, 24),
            quit: false,
            forced: false,
            saves_waiting: 0,
            picker_dir: s.picker_dir.map(std::path::PathBuf::from),
        };
        if m.first_run.is_some() {
            m.pending_open = open;
        } else if let Some(c) = open {
            cmds.push(c);
        }
        (m, cmds)
    }

    pub fn t(&self, zh: &'static str, en: &'static str) -> &'static str {
        tr(self.lang, zh, en)
    }

    /// The parts of the key table in force, most specific first.
    pub fn contexts(&self) -> Vec<Ctx> {
        let c = if self.help.is_some() {
            Ctx::Help
        } else if self.confirm.is_some() {
            Ctx::Confirm
        } else if self.prompt.is_some() {
            Ctx::Prompt
        } else {
            match self.screen {
                Screen::FirstRun
                    if self
                        .first_run
                        .as_ref()
                        .is_some_and(|f| f.step == FirstRunStep::Demo) =>
                {
                    Ctx::FirstRunDemo
                }
                Screen::FirstRun => Ctx::FirstRun,
                Screen::Home if self.home.search.is_some() => Ctx::Search,
                Screen::Home => Ctx::Home,
                Screen::History => Ctx::History,
                Screen::Review => Ctx::Review,
                Screen::Dashboard => Ctx::Dashboard,
                Screen::Trust => self.trust.as_ref().map_or(Ctx::Trust, |t| t.ctx()),
                Screen::Conflicts => self.conflicts.as_ref().map_or(Ctx::Conflicts, |c| c.ctx()),
                Screen::Exchange => match &self.exchange {
                    Some(x) => return x.contexts(),
                    None => Ctx::Home,
                },
                Screen::Form if self.record.as_ref().is_some_and(|r| r.date_check.is_some()) => {
                    Ctx::Confirm
                }
                Screen::Form => match &self.record {
                    Some(r) if r.issues.is_some() => Ctx::Issues,
                    // From the dashboard a record is looked at, not changed: a new
                    // revision starts from home, where its draft is then listed.
                    Some(r) if r.read_only && self.dashboard.is_some() && self.review.is_none() => {
                        Ctx::Viewing
                    }
                    Some(r) if r.read_only => Ctx::ReadOnly,
                    Some(r) if r.focused_group().is_some() => {
                        return vec![Ctx::Table, Ctx::Form, Ctx::Global];
                    }
                    Some(r) if r.focused_field().is_some_and(|f| !is_text_like(f)) => {
                        return vec![Ctx::Choice, Ctx::Form, Ctx::Global];
                    }
                    _ => Ctx::Form,
                },
            }
        };
        vec![c, Ctx::Global]
    }

    /// Is a key going into a text input (so `q`, `?` and letters are text)?
    pub fn typing(&self) -> bool {
        if self.help.is_some() || self.confirm.is_some() {
            return false;
        }
        if self.prompt.is_some() {
            return true;
        }
        match self.screen {
            Screen::FirstRun => self.first_run.as_ref().is_some_and(|f| f.typing()),
            Screen::Home => self.home.search.is_some(),
            Screen::Form => self
                .record
                .as_ref()
                .is_some_and(|r| r.typing() && r.date_check.is_none()),
            Screen::Trust => self.trust.as_ref().is_some_and(|t| t.typing()),
            Screen::Exchange => self.exchange.as_ref().is_some_and(|x| x.typing()),
            _ => false,
        }
    }

    /// Where the user is, for the notice: the screen and the village of the record.
    fn place(&self) -> (Screen, Option<String>) {
        let village = match self.screen {
            Screen::Form | Screen::History => self.record.as_ref().map(|r| r.village.code.clone()),
            _ => None,
        };
        (self.screen, village)
    }

    fn notice(&mut self, n: Notice) {
        self.notice = Some(n);
    }

    fn who(&self) -> String {
        self.surveyor.clone().unwrap_or_default()
    }
}

/// The pure state transition. A notice belongs to the screen (and record) that raised
/// it: moving elsewhere without a new one leaves the message line empty.
pub fn update(m: &mut Model, msg: Msg) -> Vec<Cmd> {
    let (place, said) = (m.place(), m.notice.clone());
    let cmds = step(m, msg);
    if m.place() != place && m.notice == said {
        m.notice = None;
    }
    cmds
}

fn step(m: &mut Model, msg: Msg) -> Vec<Cmd> {
    match msg {
        Msg::Key(ev) => {
            if ev.kind != KeyEventKind::Press {
                return Vec::new();
            }
            on_key(m, ev)
        }
        Msg::Paste(text) => on_paste(m, &text),
        Msg::Terminate => quit(m, true),
        Msg::Resize(w, h) => {
            m.size = (w, h);
            Vec::new()
        }
        Msg::StatusesLoaded {
            round,
            statuses,
            counted,
            demo,
        } => {
            m.demo = demo;
            if round == m.round {
                m.home.set_statuses(statuses, counted);
            }
            Vec::new()
        }
        Msg::RecordOpened(o) => {
            let returned = o.return_comment.clone();
            let read_only = o.read_only;
            m.record = Some(Record::new(*o));
            m.screen = Screen::Form;
            m.history = None;
            if returned.is_some() {
                // The comment itself is above the form, in full: said once.
                m.notice(Notice::warn(tui_keys::returned_record(m.lang)));
            } else if read_only && m.review.is_some() {
                // Opened from the review list: the review's keys are there, not here.
                m.notice(Notice::info(tui_keys::review_record(
                    m.lang,
                    crate::i18n::key(Ctx::ReadOnly, Action::Back),
                    crate::i18n::key(Ctx::Review, Action::Approve),
                    crate::i18n::key(Ctx::Review, Action::Return),
                )));
            } else if read_only && m.contexts().first() == Some(&Ctx::Viewing) {
                // No `e` there (keys.rs): the notice must not offer it.
                m.notice(Notice::info(tui_keys::viewing_record(m.lang)));
            } else if read_only {
                m.notice(Notice::info(tui_keys::read_only_record(
                    m.lang,
                    crate::i18n::key(Ctx::ReadOnly, Action::Edit),
                )));
            }
            Vec::new()
        }
        Msg::RecordCreated {
            village,
            round,
            record_id,
        } => {
            if let Some(r) = &mut m.record
                && r.village.code == village
                && r.round == round
            {
                r.record_id = Some(record_id);
                r.status = RecordStatus::Draft;
            }
            if round == m.round {
                m.home.set_status(&village, RecordStatus::Draft);
            }
            Vec::new()
        }
        Msg::Committed {
            record_id,
            row,
            field,
        } => {
            let lang = m.lang;
            if let Some(r) = &mut m.record
                && r.record_id.as_deref() == Some(record_id.as_str())
            {
                r.pending = r.pending.saturating_sub(1);
                let key = crate::tui::screens::form::FieldKey {
                    row: row.clone(),
                    field: field.clone(),
                };
                let label = match &row {
                    None => r
                        .form
                        .path_label(&crate::forms::record::FieldPath::top(&field), lang),
                    Some((g, id)) => r.form.path_label(
                        &crate::forms::record::FieldPath {
                            group: Some((g.clone(), r.row_index(g, id).unwrap_or(0))),
                            field: field.clone(),
                        },
                        lang,
                    ),
                };
                // A constraint message of this field outranks "saved".
                if let Some(msg) = r.messages.get(&key) {
                    let text = tui_keys::saved_but_check(lang, &label, msg.get(lang));
                    m.notice = Some(Notice::warn(text));
                } else {
                    m.notice = Some(Notice {
                        kind: NoticeKind::Saved,
                        text: tui_keys::saved(lang, &label),
                    });
                }
            }
            Vec::new()
        }
        Msg::CommitFailed { field, error } => {
            if let Some(r) = &mut m.record {
                r.pending = r.pending.saturating_sub(1);
            }
            m.notice(Notice::error(tui_keys::not_saved(
                m.lang,
                &field,
                &clean(&error),
            )));
            Vec::new()
        }
        Msg::RowAdded { group, row_id } => {
            if let Some(r) = &mut m.record {
                r.add_row(&group, &row_id);
            }
            Vec::new()
        }
        Msg::RowDeleted { group, row_id } => {
            if let Some(r) = &mut m.record {
                r.remove_row(&group, &row_id);
            }
            m.notice(Notice::info(tui_keys::row_deleted(m.lang)));
            Vec::new()
        }
        Msg::FinalizeBlocked(list) => {
            if let Some(r) = &mut m.record {
                m.notice = Some(r.block(list, m.lang));
            }
            Vec::new()
        }
        Msg::Finalized { record_id, rev } => {
            let text = tui_keys::finalized(m.lang, rev);
            m.notice(Notice {
                kind: NoticeKind::Saved,
                text,
            });
            let mut cmds = vec![Cmd::LoadStatuses {
                round: m.round.clone(),
            }];
            if let Some(r) = &m.record
                && r.record_id.as_deref() == Some(record_id.as_str())
            {
                cmds.push(Cmd::OpenRecord {
                    village: r.village.code.clone(),
                    round: r.round.clone(),
                    field: None,
                });
            }
            cmds
        }
        Msg::HistoryLoaded {
            record_id,
            rows,
            events,
        } => {
            let form = m.record.as_ref().map(|r| &r.form);
            m.history = Some(History::new(record_id, rows, events, form));
            m.screen = Screen::History;
            Vec::new()
        }
        Msg::ReviewLoaded { township, rows } => {
            m.review = Some(ReviewState::new(m.review.as_ref(), township, rows));
            m.screen = Screen::Review;
            Vec::new()
        }
        Msg::Reviewed {
            record_id: _,
            action,
        } => {
            m.notice(Notice {
                kind: NoticeKind::Saved,
                text: match action {
                    ReviewAction::Approve => tui_keys::approved(m.lang),
                    ReviewAction::Return => tui_keys::returned_with_comment(m.lang),
                },
            });
            let mut cmds = vec![Cmd::LoadStatuses {
                round: m.round.clone(),
            }];
            if let Some(rv) = &m.review {
                cmds.push(Cmd::LoadReview {
                    township: rv.township.code.clone(),
                    round: m.round.clone(),
                });
            }
            cmds
        }
        Msg::DashboardLoading { unit, round } => {
            match &mut m.dashboard {
                Some(d) if m.screen == Screen::Dashboard => {
                    d.loading = Some(crate::tui::screens::dashboard::Loading { unit, round });
                }
                _ => {
                    m.dashboard = Some(Dashboard::loading(unit, round));
                    m.screen = Screen::Dashboard;
                    m.notice = None;
                }
            }
            Vec::new()
        }
        Msg::DashboardLoaded(data) => {
            if let Some(d) = &mut m.dashboard {
                d.loaded(data);
            }
            Vec::new()
        }
        Msg::DashboardVillages {
            unit,
            round,
            holdbacks,
            unreported,
        } => {
            if let Some(d) = &mut m.dashboard {
                d.villages(&unit, &round, holdbacks, unreported);
            }
            Vec::new()
        }
        Msg::DashboardFailed { unit, round, error } => {
            if let Some(d) = &mut m.dashboard
                && d.failed(&unit, &round)
            {
                if d.view.is_none() {
                    m.dashboard = None;
                    if m.screen == Screen::Dashboard {
                        m.screen = Screen::Home;
                    }
                }
                m.notice(Notice::error(tui_keys::dashboard_failed(
                    m.lang,
                    &clean(error.get(m.lang)),
                )));
            }
            Vec::new()
        }
        Msg::Exchange(ExchangeMsg::Quit) => {
            m.quit = true;
            farewell(m)
        }
        Msg::Exchange(msg) => {
            let mut cmds = Vec::new();
            if let ExchangeMsg::Imported(_) = &msg {
                // The tree shows the new records, whatever happens to the screen.
                cmds.push(Cmd::LoadStatuses {
                    round: m.round.clone(),
                });
            }
            let lang = m.lang;
            if let ExchangeMsg::Started(_) = &msg
                && m.exchange.is_none()
            {
                // An import asked for from elsewhere (the trust screen, after trusting the
                // key of a refused bundle): its progress and summary are the import screen's.
                let mut x =
                    Exchange::new(Job::Import, PickMode::Files, String::new(), m.round.clone());
                x.picker.dir = m.picker_dir.clone();
                m.exchange = Some(x);
                m.trust = None;
                m.screen = Screen::Exchange;
            }
            if let Some(x) = &mut m.exchange {
                let o = x.answer(msg, lang);
                cmds.extend(apply(m, o));
            }
            cmds
        }
        Msg::Notice(n) => {
            m.notice(n);
            Vec::new()
        }
        Msg::SavesWaiting(n) => {
            m.saves_waiting = n;
            // Quitting with answers not on disk asks first (unless forced).
            if n > 0 && m.quit && !m.forced {
                m.quit = false;
                m.confirm = Some(quit_question(m.lang, n));
            }
            Vec::new()
        }
        Msg::Quit => {
            m.quit = true;
            farewell(m)
        }
        Msg::DemoLoaded { dir, result } => {
            match &mut m.first_run {
                Some(f) => f.demo_loaded(dir, result),
                None => {
                    let text = match result {
                        Ok(n) => tui_keys::demo_made(m.lang, n, &clean(&dir)),
                        Err(e) => clean(&e),
                    };
                    m.notice(Notice::info(text));
                }
            }
            Vec::new()
        }
        Msg::Trust(TrustMsg::Loaded(data)) => {
            match &mut m.trust {
                Some(t) => t.reload(*data),
                None => m.trust = Some(TrustScreen::new(*data)),
            }
            if m.screen != Screen::Trust {
                m.notice = None;
            }
            m.screen = Screen::Trust;
            if let (Some(p), Some(t)) = (m.trust_prefill.take(), &mut m.trust) {
                t.prefill(p);
            }
            Vec::new()
        }
        Msg::Trust(t) => {
            let o = trust::answer(m.trust.as_mut(), t, m.lang);
            apply(m, o)
        }
        Msg::Conflicts(ConflictsMsg::Loaded { round, list }) => {
            // Opened from home on a village that has a conflict: start on that village.
            let from_home = (m.screen == Screen::Home)
                .then(|| m.home.selected())
                .flatten()
                .map(|i| m.home.tree.units[i].code.clone());
            m.conflicts = Some(ConflictsScreen::loaded(
                m.conflicts.take(),
                round,
                list,
                from_home.as_deref(),
            ));
            if m.screen != Screen::Conflicts {
                // What was said on another screen does not belong here.
                m.notice = None;
            }
            m.screen = Screen::Conflicts;
            Vec::new()
        }
        Msg::Conflicts(ConflictsMsg::Opened(conflict)) => {
            m.conflicts
                .get_or_insert_with(|| ConflictsScreen::of(&conflict))
                .opened(conflict);
            m.screen = Screen::Conflicts;
            Vec::new()
        }
        Msg::Conflicts(msg) => {
            let o = conflicts::resolved(m.conflicts.as_mut(), &m.home.tree, m.lang, msg);
            apply(m, o)
        }
    }
}

fn on_paste(m: &mut Model, text: &str) -> Vec<Cmd> {
    if let Some(p) = &mut m.prompt {
        paste_into(&mut p.input, text);
    } else if m.screen == Screen::FirstRun
        && let Some(f) = &mut m.first_run
        && f.typing()
    {
        paste_into(&mut f.input, text);
    } else if m.screen == Screen::Home {
        m.home.paste(text);
    } else if m.screen == Screen::Form
        && let Some(r) = &mut m.record
        && !r.read_only
        && r.issues.is_none()
    {
        r.paste(text);
    } else if m.screen == Screen::Trust
        && let Some(t) = &mut m.trust
    {
        t.paste(text);
    } else if m.screen == Screen::Exchange
        && let Some(x) = &mut m.exchange
    {
        x.paste(text);
    }
    Vec::new()
}

fn on_key(m: &mut Model, ev: KeyEvent) -> Vec<Cmd> {
    let contexts = m.contexts();
    let typing = m.typing();
    let action = keys::resolve(&contexts, &ev, typing);
    if action == Some(Action::ForceQuit) {
        return quit(m, true);
    }
    if let Some(h) = &mut m.help {
        let o = h.key(action, crate::tui::screens::help::page(m.size, m.lang));
        if let Some(Go::Close { .. }) = o.go {
            m.help = None;
            return Vec::new();
        }
        return apply(m, o);
    }
    if action == Some(Action::Help) {
        m.help = Some(Help::default());
        return Vec::new();
    }
    if m.confirm.is_some() {
        return match action {
            Some(Action::Confirm) => m.confirm.take().map(|c| vec![c.cmd]).unwrap_or_default(),
            Some(Action::Cancel) => {
                m.confirm = None;
                Vec::new()
            }
            _ => Vec::new(),
        };
    }
    if m.prompt.is_some() {
        return prompt_key(m, action, &ev);
    }
    match m.screen {
        Screen::FirstRun => {
            let Some(f) = &mut m.first_run else {
                m.screen = Screen::Home;
                return Vec::new();
            };
            let ctx = FirstRunCtx {
                lang: m.lang,
                demo_dir: m.demo_dir.as_deref(),
                tree: &m.home.tree,
                round: &m.round,
            };
            let o = f.key(action, &ev, ctx);
            apply(m, o)
        }
        Screen::Home => {
            let page = layout::home_page(m.size);
            let o = m.home.key(action, &ev, page, &m.round, m.lang);
            apply(m, o)
        }
        Screen::Form => {
            let lang = m.lang;
            let Some(r) = &mut m.record else {
                m.screen = Screen::Home;
                return Vec::new();
            };
            let o = r.key(action, &ev, lang);
            apply(m, o)
        }
        Screen::History => match &mut m.history {
            Some(h) => {
                let o = h.key(action, layout::body_rows(m.size).saturating_sub(2));
                apply(m, o)
            }
            None => Vec::new(),
        },
        Screen::Review => {
            let Some(rv) = &mut m.review else {
                m.screen = Screen::Home;
                return Vec::new();
            };
            let o = rv.key(action, &m.round, m.lang);
            apply(m, o)
        }
        Screen::Dashboard => dashboard_key(m, action),
        Screen::Trust => {
            let lang = m.lang;
            let Some(t) = &mut m.trust else {
                m.screen = Screen::Home;
                return Vec::new();
            };
            let o = t.key(action, &ev, &m.home.tree, lang);
            apply(m, o)
        }
        Screen::Conflicts => {
            let (page, lang) = (layout::compare_page(m.size), m.lang);
            let Some(c) = &mut m.conflicts else {
                m.screen = Screen::Home;
                return Vec::new();
            };
            let o = c.key(action, page, lang);
            apply(m, o)
        }
        Screen::Exchange => {
            let (lang, body, w) = (m.lang, layout::body_rows(m.size), m.size.0 as usize);
            let Some(x) = &mut m.exchange else {
                m.screen = Screen::Home;
                return Vec::new();
            };
            let o = x.key(action, &ev, lang, body, w);
            apply(m, o)
        }
    }
}

fn dashboard_key(m: &mut Model, action: Option<Action>) -> Vec<Cmd> {
    let page = layout::dashboard_page(m.size);
    let Some(d) = &mut m.dashboard else {
        m.screen = Screen::Home;
        return Vec::new();
    };
    let o = d.key(action, page);
    apply(m, o)
}

/// Carry out what a screen asked for.
fn apply(m: &mut Model, o: Outcome) -> Vec<Cmd> {
    let mut cmds = o.cmds;
    // The name the model acts under follows the command that saves it.
    for c in &cmds {
        match c {
            Cmd::SetSurveyor(name) => m.surveyor = Some(name.clone()),
            Cmd::SaveSetting { key, value } if key == "role" => m.role = Role::from_code(value),
            _ => {}
        }
    }
    // An import or export starts from the folder shown: the pickers open there next,
    // even when the run ends with no way out taken (the window closed).
    let job = |c: &Cmd| {
        matches!(
            c,
            Cmd::Exchange(ExchangeCmd::Import { .. } | ExchangeCmd::Export { .. })
        )
    };
    if cmds.iter().any(job) {
        cmds.extend(remember_folder(m));
    }
    match o.say {
        Some(Say::Set(n)) => m.notice = Some(n),
        Some(Say::Unless(n)) => {
            m.notice.get_or_insert(n);
        }
        Some(Say::Clear) => m.notice = None,
        None => {}
    }
    if let Some(c) = o.ask {
        m.confirm = Some(c);
    }
    match o.go {
        None => {}
        Some(Go::Close { reveal }) => cmds.extend(close(m, reveal)),
        Some(Go::Quit) => cmds.extend(quit(m, false)),
        Some(Go::Prompt(p)) => m.prompt = Some(p),
        Some(Go::AskName) => {
            m.prompt = Some(Prompt {
                kind: PromptKind::Name,
                input: tui_input::Input::new(m.surveyor.clone().unwrap_or_default()),
            });
        }
        Some(Go::Export(unit)) => cmds.extend(open_exchange(m, Some(unit))),
        Some(Go::Import) => cmds.extend(open_exchange(m, None)),
        Some(Go::ToggleLang) => {
            m.notice = None;
            m.lang = crate::i18n::pick(m.lang, Lang::En, Lang::Zh);
            cmds.push(Cmd::SaveSetting {
                key: "lang".into(),
                value: m.lang.code().into(),
            });
        }
        Some(Go::Trust(p)) => {
            // Leaving the import's summary for the trust screen: the pickers (import and
            // export) open in its folder next, as after any other way out.
            cmds.extend(remember_folder(m));
            m.exchange = None;
            m.trust_prefill = Some(p);
            cmds.push(Cmd::Trust(TrustCmd::Load));
        }
    }
    cmds
}

/// Open the export screen for `unit` (any level, the current round), or the import
/// screen.
fn open_exchange(m: &mut Model, unit: Option<DivisionRow>) -> Vec<Cmd> {
    let (job, mode, name) = match unit {
        Some(unit) => {
            let name = proposed_name(&unit.code, &m.round, m.surveyor.as_deref(), &m.today);
            let round = m.round.clone();
            (Job::Export { unit, round }, PickMode::Folder, name)
        }
        None => (Job::Import, PickMode::Files, String::new()),
    };
    m.exchange = Some(Exchange::new(job, mode, name, m.round.clone()));
    m.screen = Screen::Exchange;
    m.notice = None;
    let mut cmds = vec![Cmd::Exchange(ExchangeCmd::LoadPlaces)];
    cmds.extend(
        m.picker_dir
            .clone()
            .map(|d| Cmd::Exchange(ExchangeCmd::Resume(d))),
    );
    cmds
}

/// Leave the current screen: a record goes back to the review list it was opened from
/// (read-only) or home, the history back to its record; everything else to home. The
/// end of the first run opens what `edit` asked for.
fn close(m: &mut Model, reveal: Option<String>) -> Vec<Cmd> {
    let mut cmds = Vec::new();
    m.screen = match m.screen {
        Screen::Form => {
            let read_only = m.record.as_ref().is_some_and(|r| r.read_only);
            let next = if m.review.is_some() && read_only {
                Screen::Review
            } else if m.dashboard.is_some() && read_only {
                // Opened from the dashboard: back to it, where it was.
                m.notice = None;
                Screen::Dashboard
            } else {
                m.dashboard = None;
                Screen::Home
            };
            m.record = None;
            next
        }
        Screen::History => {
            m.history = None;
            if m.record.is_some() {
                Screen::Form
            } else {
                Screen::Home
            }
        }
        Screen::Review => {
            m.review = None;
            Screen::Home
        }
        Screen::Dashboard => {
            m.dashboard = None;
            Screen::Home
        }
        Screen::Trust => {
            m.trust = None;
            Screen::Home
        }
        Screen::Conflicts => {
            m.conflicts = None;
            Screen::Home
        }
        Screen::Exchange => {
            cmds.extend(remember_folder(m));
            m.exchange = None;
            Screen::Home
        }
        Screen::FirstRun => {
            m.first_run = None;
            cmds.extend(m.pending_open.take());
            Screen::Home
        }
        Screen::Home => Screen::Home,
    };
    if let Some(code) = reveal {
        m.home.reveal(&code);
    }
    cmds
}

/// Quit, saving the field being typed when it reads well (Ctrl-C quits regardless).
pub(super) fn quit(m: &mut Model, force: bool) -> Vec<Cmd> {
    let mut cmds = Vec::new();
    m.forced |= force;
    if m.screen == Screen::Form
        && let Some(r) = &mut m.record
    {
        match r.leave() {
            Ok(Some(c)) => cmds.push(Cmd::Commit(c)),
            Ok(None) => {}
            Err(msg) if !force => {
                m.notice = Some(Notice::error(msg.get(m.lang).to_string()));
                return cmds;
            }
            Err(_) => {}
        }
    }
    if m.saves_waiting > 0 && !force {
        // The field being typed joins the queue; the answers waiting would be lost.
        m.confirm = Some(quit_question(m.lang, m.saves_waiting + cmds.len()));
        return cmds;
    }
    m.quit = true;
    cmds.extend(farewell(m));
    cmds
}

/// What is kept for the next run when this one ends: where home's cursor is, and the
/// folder of a picker still open.
fn farewell(m: &mut Model) -> Vec<Cmd> {
    let mut cmds: Vec<Cmd> = remember_folder(m).into_iter().collect();
    if let Some(i) = m.home.selected() {
        cmds.push(Cmd::SaveSetting {
            key: crate::tui::shared::HOME_UNIT.into(),
            value: m.home.tree.units[i].code.clone(),
        });
    }
    cmds
}

/// The folder the export or import screen shows: the pickers open there next time.
fn remember_folder(m: &mut Model) -> Option<Cmd> {
    let dir = m.exchange.as_ref()?.picker.dir.clone()?;
    if m.picker_dir.as_ref() == Some(&dir) {
        return None;
    }
    m.picker_dir = Some(dir.clone());
    Some(Cmd::SaveSetting {
        key: crate::tui::shared::PICKER_DIR.into(),
        value: dir.to_string_lossy().into_owned(),
    })
}

/// "N answers are still waiting for the database: quit and lose them?"
fn quit_question(lang: Lang, n: usize) -> Confirm {
    Confirm {
        question: tui_keys::quit_while_saving(
            lang,
            n,
            crate::i18n::key(Ctx::Confirm, Action::Confirm),
            crate::i18n::key(Ctx::Confirm, Action::Cancel),
        ),
        cmd: Cmd::Quit,
    }
}

fn prompt_key(m: &mut Model, action: Option<Action>, ev: &KeyEvent) -> Vec<Cmd> {
    match action {
        Some(Action::Cancel) => {
            // What the prompt refused goes with it.
            m.prompt = None;
            m.notice = None;
            Vec::new()
        }
        Some(Action::Confirm) => {
            let Some(p) = m.prompt.take() else {
                return Vec::new();
            };
            let text = p.input.value().trim().to_string();
            match p.kind {
                PromptKind::Round => {
                    // Only a round of this survey: anything else would switch to an empty
                    // round and keep it after a restart. Nothing changes; the prompt stays.
                    if let Err(e) = crate::forms::check_round(&text, m.declared_rounds.as_deref()) {
                        m.notice(Notice::error(e.message(m.lang)));
                        m.prompt = Some(p);
                        return Vec::new();
                    }
                    m.round = text.clone();
                    if !m.rounds.contains(&text) {
                        m.rounds.insert(0, text.clone());
                    }
                    let t = tui_keys::round_set(m.lang, &text);
                    m.notice(Notice::info(t));
                    vec![
                        Cmd::SaveSetting {
                            key: "round".into(),
                            value: text.clone(),
                        },
                        Cmd::LoadStatuses { round: text },
                    ]
                }
                PromptKind::Name => {
                    if text.is_empty() || text.chars().any(crate::termsafe::is_unsafe) {
                        m.notice(Notice::error(tui_keys::name_needed(m.lang)));
                        m.prompt = Some(p);
                        return Vec::new();
                    }
                    let t = tui_keys::name_set(m.lang, &clean(&text));
                    m.notice(Notice::info(t));
                    m.surveyor = Some(text.clone());
                    vec![Cmd::SetSurveyor(text)]
                }
                PromptKind::ReturnComment {
                    record_id,
                    village,
                    rev,
                } => {
                    if text.is_empty() {
                        m.notice(Notice::error(tui_keys::return_needs_comment(m.lang)));
                        m.prompt = Some(Prompt {
                            kind: PromptKind::ReturnComment {
                                record_id,
                                village,
                                rev,
                            },
                            input: p.input,
                        });
                        return Vec::new();
                    }
                    m.confirm = Some(Confirm {
                        question: crate::tui::screens::review::return_question(
                            &village, rev, m.lang,
                        ),
                        cmd: Cmd::Review {
                            record_id,
                            action: ReviewAction::Return,
                            comment: text,
                        },
                    });
                    Vec::new()
                }
            }
        }
        Some(Action::Quit) => quit(m, false),
        _ => {
            if let (Some(p), Some(req)) = (&mut m.prompt, input_request(ev)) {
                p.input.handle(req);
            }
            Vec::new()
        }
    }
}

/// The name the model acts under (for effects that record who did what).
pub fn actor(m: &Model) -> String {
    m.who()
}
