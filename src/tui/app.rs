//! The model of the whole UI, the messages that change it and the commands it asks for.
//! `update(&mut Model, Msg) -> Vec<Cmd>` is a pure state transition: it never touches the
//! store or the terminal. `effects` runs the commands and answers with messages.

use crate::forms::Lang;
use crate::register::Level;
use crate::store::{DivisionRow, RecordStatus, ReviewAction};
use crate::tui::keys;
use crate::tui::screens::trust::{self, TrustScreen};
use crate::tui::shared::trust::{Prefill, TrustCmd, TrustMsg};
use crate::tui::shared::{Go, Outcome, Say};

use crate::tui::keys::{Action, Ctx};
use crate::tui::layout;
use crate::tui::picker::PickMode;
use crate::tui::screens::dashboard::Dashboard;
use crate::tui::screens::exchange::{Exchange, Job, proposed_name};
use crate::tui::screens::form::{Issues, Record};
use crate::tui::screens::home::Home;
use crate::tui::shared::exchange::{ExchangeCmd, ExchangeMsg};
use crate::tui::shared::record::RecordRef;
use crate::tui::shared::{
    AuditRow, Cmd, Confirm, Msg, Notice, NoticeKind, Prompt, PromptKind, ReviewRow, Startup,
    input_request, paste_into,
};
use crate::tui::text::{clean, tr};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::Input;

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstRunStep {
    Name,
    Demo,
}

#[derive(Debug, Clone)]
pub struct FirstRun {
    pub step: FirstRunStep,
    pub input: Input,
}

#[derive(Debug, Clone)]
pub struct History {
    pub record_id: String,
    pub rows: Vec<AuditRow>,
    pub scroll: usize,
}

#[derive(Debug, Clone)]
pub struct ReviewState {
    pub township: DivisionRow,
    pub rows: Vec<ReviewRow>,
    pub cursor: usize,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub lang: Lang,
    pub screen: Screen,
    pub surveyor: Option<String>,
    pub round: String,
    pub rounds: Vec<String>,
    pub today: String,
    pub demo_available: bool,
    pub home: Home,
    /// Typing a search on home.
    pub search: Option<Input>,
    pub record: Option<Record>,
    pub history: Option<History>,
    pub review: Option<ReviewState>,
    pub dashboard: Option<Dashboard>,
    pub trust: Option<TrustScreen>,
    /// The add form's values when the trust screen opens next (from an import refused
    /// for an unknown key).
    pub trust_prefill: Option<Prefill>,
    pub conflicts: Option<crate::tui::screens::conflicts::ConflictsScreen>,
    pub exchange: Option<Exchange>,
    pub first_run: Option<FirstRun>,
    pub prompt: Option<Prompt>,
    pub confirm: Option<Confirm>,
    pub help: Option<usize>,
    pub notice: Option<Notice>,
    /// After the first-run question: open this (from `edit`).
    pub pending_open: Option<Cmd>,
    pub size: (u16, u16),
    pub quit: bool,
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
        let mut home = Home::new(s.tree, s.statuses);
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
        let first_run = s.ask_name.then(|| FirstRun {
            step: FirstRunStep::Name,
            input: Input::default(),
        });
        let screen = if first_run.is_some() {
            Screen::FirstRun
        } else {
            Screen::Home
        };
        let mut m = Model {
            lang: s.lang,
            screen,
            surveyor: s.surveyor,
            round: start.as_ref().map(|s| s.round.clone()).unwrap_or(s.round),
            rounds: s.rounds,
            today: s.today,
            demo_available: s.demo_available,
            home,
            search: None,
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
                Screen::FirstRun => Ctx::FirstRun,
                Screen::Home if self.search.is_some() => Ctx::Search,
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
                Screen::Form => match &self.record {
                    Some(r) if r.issues.is_some() => Ctx::Issues,
                    Some(r) if r.read_only => Ctx::ReadOnly,
                    Some(r) if r.focused_group().is_some() => {
                        return vec![Ctx::Table, Ctx::Form, Ctx::Global];
                    }
                    Some(r)
                        if r.focused_field()
                            .is_some_and(|f| !crate::tui::screens::form::is_text_like(f)) =>
                    {
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
            Screen::FirstRun => self
                .first_run
                .as_ref()
                .is_some_and(|f| f.step == FirstRunStep::Name),
            Screen::Home => self.search.is_some(),
            Screen::Form => self.record.as_ref().is_some_and(|r| r.typing()),
            Screen::Trust => self.trust.as_ref().is_some_and(|t| t.typing()),
            Screen::Exchange => self.exchange.as_ref().is_some_and(|x| x.typing()),
            _ => false,
        }
    }

    fn notice(&mut self, n: Notice) {
        self.notice = Some(n);
    }

    fn who(&self) -> String {
        self.surveyor.clone().unwrap_or_default()
    }
}

/// The pure state transition.
pub fn update(m: &mut Model, msg: Msg) -> Vec<Cmd> {
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
        Msg::StatusesLoaded { round, statuses } => {
            if round == m.round {
                m.home.set_statuses(statuses);
            }
            Vec::new()
        }
        Msg::RecordOpened(o) => {
            let returned = o.return_comment.clone();
            let read_only = o.read_only;
            m.record = Some(Record::new(*o));
            m.screen = Screen::Form;
            m.history = None;
            if let Some(c) = returned {
                m.notice(Notice::warn(format!(
                    "{}{}",
                    m.t("审核退回意见：", "Returned by the reviewer: "),
                    clean(&c)
                )));
            } else if read_only {
                m.notice(Notice::info(m.t(
                    "此记录已完成，只读。按 e 修改（将生成新版本）。",
                    "This record is finalized and read-only. Press e to edit it as a new revision.",
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
                    let text = format!(
                        "{}{}{}{}",
                        tr(lang, "已保存，但请核对 ", "Saved, but check "),
                        label,
                        tr(lang, "：", ": "),
                        msg.get(lang)
                    );
                    m.notice = Some(Notice::warn(text));
                } else {
                    m.notice = Some(Notice {
                        kind: NoticeKind::Saved,
                        text: format!("{}{}", tr(lang, "已保存：", "Saved: "), label),
                    });
                }
            }
            Vec::new()
        }
        Msg::CommitFailed { field, error } => {
            if let Some(r) = &mut m.record {
                r.pending = r.pending.saturating_sub(1);
            }
            m.notice(Notice::error(format!(
                "{}{field}: {}",
                m.t("未能保存 ", "Not saved: "),
                clean(&error)
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
            m.notice(Notice::info(m.t("已删除该行", "Row deleted")));
            Vec::new()
        }
        Msg::FinalizeBlocked(list) => {
            if let Some(r) = &mut m.record {
                let n = list.len();
                r.issues = Some(Issues { list, cursor: 0 });
                let text = match m.lang {
                    Lang::Zh => format!("还有 {n} 项需要处理，选择一项按 Enter 转到该处"),
                    Lang::En => format!(
                        "{n} problem(s) block finalizing; pick one and press Enter to go there"
                    ),
                };
                m.notice = Some(Notice::warn(text));
            }
            Vec::new()
        }
        Msg::Finalized { record_id, rev } => {
            let text = match m.lang {
                Lang::Zh => format!("已完成，生成第 {rev} 版"),
                Lang::En => format!("Finalized as revision {rev}"),
            };
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
            mut rows,
        } => {
            // Oldest revision first; within one, in the order of the form.
            if let Some(r) = &m.record {
                rows.sort_by_cached_key(|a| (a.rev, field_order(&r.form, &a.field)));
            }
            m.history = Some(History {
                record_id,
                rows,
                scroll: 0,
            });
            m.screen = Screen::History;
            Vec::new()
        }
        Msg::ReviewLoaded { township, rows } => {
            let cursor = m
                .review
                .as_ref()
                .filter(|r| r.township.code == township.code)
                .map(|r| r.cursor.min(rows.len().saturating_sub(1)))
                .unwrap_or(0);
            m.review = Some(ReviewState {
                township,
                rows,
                cursor,
            });
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
                    ReviewAction::Approve => m.t("已通过", "Approved").into(),
                    ReviewAction::Return => m
                        .t("已退回，意见已记录", "Returned with the comment")
                        .into(),
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
        Msg::DashboardLoaded(data) => {
            match &mut m.dashboard {
                Some(d) if m.screen == Screen::Dashboard => d.drill_into(data),
                _ => m.dashboard = Some(Dashboard::new(data)),
            }
            m.screen = Screen::Dashboard;
            Vec::new()
        }
        Msg::Exchange(ExchangeMsg::Quit) => {
            m.quit = true;
            Vec::new()
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
        Msg::Conflicts(c) => crate::tui::screens::conflicts::on_msg(m, c),
    }
}

/// Position of a field (or `group[n].field`) in the form, for listing changes in order.
fn field_order(form: &crate::forms::Form, field: &str) -> (usize, usize, usize) {
    use crate::forms::schema::SectionItem;
    let (top, row, sub) = match crate::tui::text::split_path(field) {
        Some((g, i, f)) => (g, i, Some(f)),
        None => (field, 0, None),
    };
    let mut pos = 0;
    for s in &form.sections {
        for item in &s.items {
            match item {
                SectionItem::Field(n) if sub.is_none() && n == top => return (pos, 0, 0),
                SectionItem::Group(g) if sub.is_some() && g == top => {
                    let k = form
                        .group(g)
                        .and_then(|gr| gr.fields.iter().position(|f| Some(f.name.as_str()) == sub))
                        .unwrap_or(usize::MAX);
                    return (pos, row, k);
                }
                _ => {}
            }
            pos += 1;
        }
    }
    (usize::MAX, row, 0)
}

fn on_paste(m: &mut Model, text: &str) -> Vec<Cmd> {
    if let Some(p) = &mut m.prompt {
        paste_into(&mut p.input, text);
    } else if m.screen == Screen::FirstRun
        && let Some(f) = &mut m.first_run
    {
        paste_into(&mut f.input, text);
    } else if m.screen == Screen::Home
        && let Some(s) = &mut m.search
    {
        paste_into(s, text);
        let q = s.value().to_string();
        m.home.set_query(&q);
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
    if m.help.is_some() {
        let max = help_len();
        match action {
            Some(Action::Up) => m.help = m.help.map(|s| s.saturating_sub(1)),
            Some(Action::Down) => m.help = m.help.map(|s| (s + 1).min(max)),
            Some(Action::Back) => m.help = None,
            Some(Action::Quit) => return quit(m, false),
            _ => {}
        }
        return Vec::new();
    }
    if action == Some(Action::Help) {
        m.help = Some(0);
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
        Screen::FirstRun => first_run_key(m, action, &ev),
        Screen::Home => home_key(m, action, &ev),
        Screen::Form => form_key(m, action, &ev),
        Screen::History => {
            if let Some(h) = &mut m.history {
                match action {
                    Some(Action::Up) => h.scroll = h.scroll.saturating_sub(1),
                    Some(Action::Down) => {
                        h.scroll = (h.scroll + 1).min(h.rows.len().saturating_sub(1))
                    }
                    Some(Action::Back) => {
                        m.history = None;
                        m.screen = if m.record.is_some() {
                            Screen::Form
                        } else {
                            Screen::Home
                        };
                    }
                    Some(Action::Quit) => return quit(m, false),
                    _ => {}
                }
            }
            Vec::new()
        }
        Screen::Review => review_key(m, action),
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
        Screen::Conflicts => crate::tui::screens::conflicts::key(m, action),
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
        Some(Go::Close { reveal }) => close(m, reveal),
        Some(Go::Quit) => cmds.extend(quit(m, false)),
        Some(Go::Prompt(p)) => m.prompt = Some(p),
        Some(Go::Export(unit)) => cmds.extend(open_exchange(m, Some(unit))),
        Some(Go::Import) => cmds.extend(open_exchange(m, None)),
        Some(Go::ToggleLang) => {
            m.notice = None;
            m.lang = match m.lang {
                Lang::Zh => Lang::En,
                Lang::En => Lang::Zh,
            };
            cmds.push(Cmd::SaveSetting {
                key: "lang".into(),
                value: m.lang.code().into(),
            });
        }
        Some(Go::Trust(p)) => {
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
            let name = proposed_name(&unit.code, &m.round, &m.today);
            let round = m.round.clone();
            (Job::Export { unit, round }, PickMode::Folder, name)
        }
        None => (Job::Import, PickMode::Files, String::new()),
    };
    m.exchange = Some(Exchange::new(job, mode, name, m.round.clone()));
    m.screen = Screen::Exchange;
    m.notice = None;
    vec![Cmd::Exchange(ExchangeCmd::LoadPlaces)]
}

/// Leave the current screen: a record goes back to the review list it was opened from
/// (read-only) or home, the history back to its record; everything else to home.
fn close(m: &mut Model, reveal: Option<String>) {
    m.screen = match m.screen {
        Screen::Form => {
            let next = if m.review.is_some() && m.record.as_ref().is_some_and(|r| r.read_only) {
                Screen::Review
            } else {
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
            m.exchange = None;
            Screen::Home
        }
        Screen::FirstRun | Screen::Home => Screen::Home,
    };
    if let Some(code) = reveal {
        m.home.reveal(&code);
    }
}

/// Number of lines of the help screen (for scrolling).
pub fn help_len() -> usize {
    keys::HELP_ORDER.len() * 2 + keys::TABLE.len()
}

/// Quit, saving the field being typed when it reads well (Ctrl-C quits regardless).
pub(super) fn quit(m: &mut Model, force: bool) -> Vec<Cmd> {
    let mut cmds = Vec::new();
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
    m.quit = true;
    cmds
}

fn prompt_key(m: &mut Model, action: Option<Action>, ev: &KeyEvent) -> Vec<Cmd> {
    match action {
        Some(Action::Cancel) => {
            m.prompt = None;
            Vec::new()
        }
        Some(Action::Confirm) => {
            let Some(p) = m.prompt.take() else {
                return Vec::new();
            };
            let text = p.input.value().trim().to_string();
            match p.kind {
                PromptKind::Round => {
                    if text.is_empty() || text.chars().any(|c| c.is_control() || c.is_whitespace())
                    {
                        m.notice(Notice::error(m.t(
                            "轮次不能为空，也不能含空格，如 2020",
                            "A round is one word such as 2020",
                        )));
                        m.prompt = Some(p);
                        return Vec::new();
                    }
                    m.round = text.clone();
                    if !m.rounds.contains(&text) {
                        m.rounds.insert(0, text.clone());
                    }
                    let t = match m.lang {
                        Lang::Zh => format!("轮次：{text}"),
                        Lang::En => format!("Round: {text}"),
                    };
                    m.notice(Notice::info(t));
                    vec![
                        Cmd::SaveSetting {
                            key: "round".into(),
                            value: text.clone(),
                        },
                        Cmd::LoadStatuses { round: text },
                    ]
                }
                PromptKind::ReturnComment { record_id } => {
                    if text.is_empty() {
                        m.notice(Notice::error(
                            m.t("退回时请写明原因", "Say why the record is returned"),
                        ));
                        m.prompt = Some(Prompt {
                            kind: PromptKind::ReturnComment { record_id },
                            input: p.input,
                        });
                        return Vec::new();
                    }
                    vec![Cmd::Review {
                        record_id,
                        action: ReviewAction::Return,
                        comment: text,
                    }]
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

fn first_run_key(m: &mut Model, action: Option<Action>, ev: &KeyEvent) -> Vec<Cmd> {
    let Some(f) = &mut m.first_run else {
        m.screen = Screen::Home;
        return Vec::new();
    };
    match f.step {
        FirstRunStep::Name => {
            if action == Some(Action::Confirm) {
                let name = f.input.value().trim().to_string();
                if name.is_empty() {
                    m.notice(Notice::error(
                        m.t("请输入调查人姓名", "Please type the surveyor's name"),
                    ));
                    return Vec::new();
                }
                m.surveyor = Some(name.clone());
                let mut cmds = vec![Cmd::SetSurveyor(name)];
                if m.demo_available {
                    f.step = FirstRunStep::Demo;
                } else {
                    cmds.extend(finish_first_run(m));
                }
                return cmds;
            }
            if let Some(req) = input_request(ev) {
                f.input.handle(req);
            }
            Vec::new()
        }
        FirstRunStep::Demo => match action {
            Some(Action::Confirm) => {
                let under = m
                    .home
                    .tree
                    .roots
                    .first()
                    .map(|&r| m.home.tree.units[r].code.clone())
                    .unwrap_or_default();
                let mut cmds = vec![Cmd::LoadDemo {
                    under,
                    round: m.round.clone(),
                }];
                cmds.extend(finish_first_run(m));
                cmds
            }
            Some(Action::Cancel) => finish_first_run(m),
            Some(Action::Quit) => quit(m, false),
            _ => Vec::new(),
        },
    }
}

fn finish_first_run(m: &mut Model) -> Vec<Cmd> {
    m.first_run = None;
    m.screen = Screen::Home;
    m.pending_open.take().into_iter().collect()
}

fn home_key(m: &mut Model, action: Option<Action>, ev: &KeyEvent) -> Vec<Cmd> {
    let page = (m.size.1 as isize - 5).max(1);
    if let Some(input) = &mut m.search {
        match action {
            Some(Action::Confirm) => m.search = None,
            Some(Action::Cancel) => {
                m.search = None;
                m.home.set_query("");
            }
            Some(Action::Up) => m.home.move_by(-1),
            Some(Action::Down) => m.home.move_by(1),
            _ => {
                if let Some(req) = input_request(ev)
                    && input.handle(req).is_some_and(|c| c.value)
                {
                    let q = input.value().to_string();
                    m.home.set_query(&q);
                }
            }
        }
        return Vec::new();
    }
    match action {
        Some(Action::Quit) => return quit(m, false),
        Some(Action::Up) => m.home.move_by(-1),
        Some(Action::Down) => m.home.move_by(1),
        Some(Action::PageUp) => m.home.move_by(-page),
        Some(Action::PageDown) => m.home.move_by(page),
        Some(Action::Top) => m.home.cursor = 0,
        Some(Action::Bottom) => m.home.cursor = m.home.visible.len().saturating_sub(1),
        Some(Action::Expand) => {
            if let Some(i) = m.home.selected() {
                m.home.set_expanded(i, true);
            }
        }
        Some(Action::Collapse) => m.home.collapse_or_parent(),
        Some(Action::Open) => {
            if let Some(i) = m.home.selected() {
                let d = &m.home.tree.units[i];
                if d.level == Level::Village {
                    return vec![Cmd::OpenRecord {
                        village: d.code.clone(),
                        round: m.round.clone(),
                        field: None,
                    }];
                }
                let open = !m.home.expanded[i];
                m.home.set_expanded(i, open);
            }
        }
        Some(Action::Search) => {
            m.search = Some(Input::new(m.home.query.clone()));
        }
        Some(Action::Back) if !m.home.query.is_empty() => m.home.set_query(""),
        Some(Action::Round) => {
            m.prompt = Some(Prompt {
                kind: PromptKind::Round,
                input: Input::new(m.round.clone()),
            });
        }
        Some(Action::Review) => {
            let town = m.home.selected().and_then(|i| m.home.tree.township_of(i));
            match town {
                Some(t) => {
                    return vec![Cmd::LoadReview {
                        township: m.home.tree.units[t].code.clone(),
                        round: m.round.clone(),
                    }];
                }
                None => m.notice(Notice::warn(m.t(
                    "请先把光标移到一个乡镇或其下的村",
                    "Put the cursor on a township or one of its villages first",
                ))),
            }
        }
        Some(Action::Dashboard) => {
            // A village's dashboard is its township's.
            let unit = m.home.selected().map(|i| match m.home.tree.units[i].level {
                Level::Village => m.home.tree.parent[i].unwrap_or(i),
                _ => i,
            });
            match unit {
                Some(i) => {
                    return vec![Cmd::LoadDashboard {
                        unit: m.home.tree.units[i].code.clone(),
                        round: m.round.clone(),
                    }];
                }
                None => m.notice(Notice::warn(m.t(
                    "请先选择一个县、乡镇或市",
                    "Pick a county, township or city first",
                ))),
            }
        }
        Some(Action::Trust) => return vec![Cmd::Trust(TrustCmd::Load)],
        Some(Action::Conflicts) => {
            return vec![Cmd::Conflicts(
                crate::tui::shared::conflicts::ConflictsCmd::Load {
                    round: m.round.clone(),
                },
            )];
        }
        Some(Action::Export) => match m.home.selected() {
            Some(i) => {
                let unit = m.home.tree.units[i].clone();
                return open_exchange(m, Some(unit));
            }
            None => m.notice(Notice::warn(m.t(
                "请先选择要导出的单位（县、乡镇或村）",
                "Pick the unit to export first (county, township or village)",
            ))),
        },
        Some(Action::Import) => return open_exchange(m, None),
        Some(Action::Language) => {
            m.notice = None;
            m.lang = match m.lang {
                Lang::Zh => Lang::En,
                Lang::En => Lang::Zh,
            };
            return vec![Cmd::SaveSetting {
                key: "lang".into(),
                value: m.lang.code().into(),
            }];
        }
        _ => {}
    }
    Vec::new()
}

/// Leave the focused field; `None` when it cannot be left (unreadable input).
fn leave_field(m: &mut Model) -> Option<Vec<Cmd>> {
    let lang = m.lang;
    let r = m.record.as_mut()?;
    match r.leave() {
        Ok(c) => {
            let key = r.focused_key();
            let warn = key.as_ref().and_then(|k| r.messages.get(k)).map(|t| {
                let label = r
                    .form_field(key.as_ref().expect("key"))
                    .map(|f| f.label.get(lang).to_string());
                format!(
                    "{}{}{}",
                    label.unwrap_or_default(),
                    tr(lang, "：", ": "),
                    t.get(lang)
                )
            });
            if let Some(w) = warn {
                m.notice = Some(Notice::warn(w));
            }
            Some(c.map(Cmd::Commit).into_iter().collect())
        }
        Err(msg) => {
            m.notice = Some(Notice::error(msg.get(lang).to_string()));
            None
        }
    }
}

fn form_key(m: &mut Model, action: Option<Action>, ev: &KeyEvent) -> Vec<Cmd> {
    let Some(r) = &mut m.record else {
        m.screen = Screen::Home;
        return Vec::new();
    };
    if action != Some(Action::Back) {
        r.escape_armed = false;
    }
    // The list of what blocks finalizing.
    if let Some(iss) = &mut r.issues {
        match action {
            Some(Action::Up) => iss.cursor = iss.cursor.saturating_sub(1),
            Some(Action::Down) => {
                iss.cursor = (iss.cursor + 1).min(iss.list.len().saturating_sub(1))
            }
            Some(Action::Open) => {
                if let Some(issue) = iss.list.get(iss.cursor).cloned() {
                    r.jump_to(&issue.path);
                    m.notice = Some(Notice::warn(format!(
                        "{}{}{}",
                        r.form.path_label(&issue.path, m.lang),
                        tr(m.lang, "：", ": "),
                        issue.message.get(m.lang)
                    )));
                }
            }
            Some(Action::Back) => r.issues = None,
            Some(Action::Quit) => return quit(m, false),
            _ => {}
        }
        return Vec::new();
    }
    if r.read_only {
        match action {
            Some(Action::Up) => {
                r.step(false);
            }
            Some(Action::Down) => {
                r.step(true);
            }
            Some(Action::Edit) => {
                if let Some(id) = r.record_id.clone() {
                    return vec![Cmd::StartRevision { record_id: id }];
                }
            }
            Some(Action::History) => {
                if let Some(id) = r.record_id.clone() {
                    return vec![Cmd::LoadHistory { record_id: id }];
                }
            }
            Some(Action::Back) => go_back(m),
            Some(Action::Quit) => return quit(m, false),
            _ => {}
        }
        return Vec::new();
    }
    // The farms table has the focus.
    if let Some(g) = r.focused_group().map(str::to_string) {
        let n = r.data.rows(&g).len();
        match action {
            Some(Action::Up) if r.table_row > 0 => {
                r.table_row -= 1;
                return Vec::new();
            }
            Some(Action::Down) if r.table_row + 1 < n => {
                r.table_row += 1;
                return Vec::new();
            }
            Some(Action::Up) => {
                r.step(false);
                return Vec::new();
            }
            Some(Action::Down) => {
                r.step(true);
                return Vec::new();
            }
            Some(Action::EditRow) => {
                if let Some(id) = r.data.rows(&g).get(r.table_row).map(|x| x.id.clone()) {
                    r.enter_row(&g, &id, None);
                } else {
                    m.notice = Some(Notice::info(
                        m.t("还没有行：按 a 添加一行", "No rows yet: press a to add one"),
                    ));
                }
                return Vec::new();
            }
            Some(Action::AddRow) => {
                let rec = match &r.record_id {
                    Some(id) => RecordRef::Id(id.clone()),
                    None => RecordRef::New {
                        village: r.village.code.clone(),
                        round: r.round.clone(),
                        initial: r.data.clone(),
                    },
                };
                return vec![Cmd::AddRow { rec, group: g }];
            }
            Some(Action::DeleteRow) => {
                if let (Some(rid), Some(row)) =
                    (r.record_id.clone(), r.data.rows(&g).get(r.table_row))
                {
                    let q = match m.lang {
                        Lang::Zh => format!("删除第 {} 行？按 y 确定，n 取消", r.table_row + 1),
                        Lang::En => {
                            format!("Delete row {}? y to delete, n to keep it", r.table_row + 1)
                        }
                    };
                    m.confirm = Some(Confirm {
                        question: q,
                        cmd: Cmd::DeleteRow {
                            record_id: rid,
                            group: g,
                            row_id: row.id.clone(),
                        },
                    });
                }
                return Vec::new();
            }
            _ => {}
        }
    }
    match action {
        Some(Action::Next) | Some(Action::Prev) => {
            let forward = action == Some(Action::Next);
            let Some(cmds) = leave_field(m) else {
                return Vec::new();
            };
            let Some(r) = &mut m.record else { return cmds };
            if !r.step(forward) {
                if r.row_mode.is_some() && forward {
                    r.exit_row();
                } else if forward {
                    m.notice.get_or_insert(Notice::info(tr(
                        m.lang,
                        "已是最后一项；按 Ctrl-F 完成",
                        "That was the last field; press Ctrl-F to finalize",
                    )));
                }
            }
            cmds
        }
        Some(Action::Back) => {
            // A second Esc on unreadable input gives it up (the saved value comes back).
            if m.record.as_ref().is_some_and(|r| r.escape_armed)
                && let Some(r) = &mut m.record
            {
                r.escape_armed = false;
                if let Some(k) = r.focused_key() {
                    r.messages.remove(&k);
                }
                r.load_editor();
                r.rebuild();
            }
            let Some(cmds) = leave_field(m) else {
                let lang = m.lang;
                if let Some(r) = &mut m.record {
                    r.escape_armed = true;
                }
                if let Some(n) = &mut m.notice {
                    n.text.push_str(tr(
                        lang,
                        "（再按 Esc 放弃输入的内容）",
                        " (Esc again to give up what was typed)",
                    ));
                }
                return Vec::new();
            };
            if let Some(r) = &mut m.record
                && r.row_mode.is_some()
            {
                r.exit_row();
                return cmds;
            }
            go_back(m);
            cmds
        }
        Some(Action::Finalize) => {
            let Some(mut cmds) = leave_field(m) else {
                return Vec::new();
            };
            let Some(r) = &mut m.record else { return cmds };
            match &r.record_id {
                Some(id) => cmds.push(Cmd::Finalize {
                    record_id: id.clone(),
                    form_id: r.form.id.clone(),
                    version: r.form.version,
                }),
                None => {
                    let issues = r.form.validate(&r.form.finalized_data(&r.data));
                    cmds.extend(update(m, Msg::FinalizeBlocked(issues)));
                }
            }
            cmds
        }
        Some(Action::Discard) => {
            match (&r.record_id, r.rev) {
                (Some(id), Some(rev)) => {
                    let q = match m.lang {
                        Lang::Zh => format!("放弃本次修订，恢复到第 {rev} 版？按 y 确定，n 取消"),
                        Lang::En => {
                            format!("Discard these changes and go back to revision {rev}? y / n")
                        }
                    };
                    m.confirm = Some(Confirm {
                        question: q,
                        cmd: Cmd::DiscardRevision {
                            record_id: id.clone(),
                            village: r.village.code.clone(),
                            round: r.round.clone(),
                        },
                    });
                }
                _ => {
                    m.notice = Some(Notice::info(m.t(
                        "这是第一版的草稿，没有可恢复的版本",
                        "This is the first draft: there is no revision to go back to",
                    )))
                }
            }
            Vec::new()
        }
        Some(Action::History) => {
            let Some(mut cmds) = leave_field(m) else {
                return Vec::new();
            };
            match m.record.as_ref().and_then(|r| r.record_id.clone()) {
                Some(id) => cmds.push(Cmd::LoadHistory { record_id: id }),
                None => m.notice = Some(Notice::info(m.t("还没有修改记录", "No history yet"))),
            }
            cmds
        }
        Some(Action::ChoiceNext) => {
            if ev.code == KeyCode::Char(' ') {
                r.toggle_highlighted();
            } else {
                r.cycle_choice(true);
            }
            Vec::new()
        }
        Some(Action::ChoicePrev) => {
            r.cycle_choice(false);
            Vec::new()
        }
        Some(Action::Clear) => {
            r.clear_choice();
            Vec::new()
        }
        Some(Action::Quit) => quit(m, false),
        _ => {
            if r.typing() {
                if let Some(req) = input_request(ev) {
                    r.edit_text(req);
                }
            } else if let KeyCode::Char(c) = ev.code
                && !ev.modifiers.contains(KeyModifiers::CONTROL)
            {
                r.choice_char(c);
            }
            Vec::new()
        }
    }
}

fn go_back(m: &mut Model) {
    m.screen = if m.review.is_some() && m.record.as_ref().is_some_and(|r| r.read_only) {
        Screen::Review
    } else {
        Screen::Home
    };
    if let Some(r) = &m.record {
        m.home.reveal(&r.village.code);
    }
    m.record = None;
}

fn review_key(m: &mut Model, action: Option<Action>) -> Vec<Cmd> {
    let Some(rv) = &mut m.review else {
        m.screen = Screen::Home;
        return Vec::new();
    };
    let sel = rv.rows.get(rv.cursor).cloned();
    match action {
        Some(Action::Up) => rv.cursor = rv.cursor.saturating_sub(1),
        Some(Action::Down) => rv.cursor = (rv.cursor + 1).min(rv.rows.len().saturating_sub(1)),
        Some(Action::Back) => {
            m.review = None;
            m.screen = Screen::Home;
        }
        Some(Action::Open) => {
            if let Some(s) = sel {
                return vec![Cmd::OpenRecord {
                    village: s.village.code,
                    round: m.round.clone(),
                    field: None,
                }];
            }
        }
        Some(Action::Approve) => {
            if let Some(s) = sel {
                return vec![Cmd::Review {
                    record_id: s.record_id,
                    action: ReviewAction::Approve,
                    comment: String::new(),
                }];
            }
        }
        Some(Action::Return) => {
            if let Some(s) = sel {
                m.prompt = Some(Prompt {
                    kind: PromptKind::ReturnComment {
                        record_id: s.record_id,
                    },
                    input: Input::default(),
                });
            }
        }
        Some(Action::Quit) => return quit(m, false),
        _ => {}
    }
    Vec::new()
}

/// The name the model acts under (for effects that record who did what).
pub fn actor(m: &Model) -> String {
    m.who()
}
