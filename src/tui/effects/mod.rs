//! The only part of the TUI that touches the store: runs the model's commands and answers
//! with messages. A field is reported saved only after `set_draft_value` returned.
//! `Effects` and its dispatcher live here, the work of each screen in its own file
//! (`form`, `review`, `dashboard`, `first_run`, `trust`, `conflicts`, `exchange` with its
//! worker thread's state in `worker`).

pub mod conflicts;
pub mod dashboard;
pub mod demo;
pub mod exchange;
pub mod first_run;
pub mod form;
pub mod review;
pub mod trust;
pub mod worker;

use crate::forms::{FormSet, Lang};
use crate::i18n::{key, tui_keys};
use crate::store::{FinalizeResult, Store};
use crate::tui::keys::{Action, Ctx};
use crate::tui::shared::record::Commit;
use crate::tui::shared::tree::Tree;
use crate::tui::shared::{Cmd, Msg, Notice, Startup};
use demo::DEMO_HOOK;
use std::collections::HashMap;

/// Today's date as YYYY-MM-DD in local time.
pub fn today() -> String {
    jiff::Zoned::now().date().to_string()
}

/// Everything the first frame needs, read in a few queries.
pub fn startup(
    store: &Store,
    forms: &FormSet,
    lang_flag: Option<Lang>,
    surveyor_flag: Option<&str>,
    round_override: Option<&str>,
) -> anyhow::Result<Startup> {
    let lang = crate::context::resolve_lang(store, lang_flag)?;
    let surveyor = match surveyor_flag.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            store.set_setting("surveyor", s)?;
            Some(s.to_string())
        }
        None => store.setting("surveyor")?.filter(|s| !s.trim().is_empty()),
    };
    let rounds = store.rounds()?;
    let round = match round_override {
        Some(r) => r.to_string(),
        // A round saved by an older version without the rule is not reopened.
        None => store
            .setting("round")?
            .filter(|r| forms.check_round(r).is_ok())
            .or_else(|| {
                rounds
                    .iter()
                    .find(|r| forms.check_round(r).is_ok())
                    .cloned()
            })
            .unwrap_or_else(|| "2020".to_string()),
    };
    let role = store
        .setting("role")?
        .as_deref()
        .and_then(crate::tui::shared::Role::from_code);
    let demo = store.is_demo()?;
    let units = store.divisions_under(None, None, false)?;
    let statuses = store.village_statuses(&forms.village_form().id, &round)?;
    let counted = store.counted_villages(&forms.village_form().id, &round)?;
    Ok(Startup {
        lang,
        ask_name: surveyor.is_none() && role.is_none(),
        surveyor,
        role,
        round,
        rounds,
        declared_rounds: forms.rounds.clone(),
        tree: Tree::new(units),
        statuses,
        counted,
        demo_available: DEMO_HOOK.is_some(),
        demo_dir: (!demo)
            .then(|| store.path().parent().map(demo::demo_dir))
            .flatten()
            .map(|p| p.display().to_string()),
        demo,
        today: today(),
        home_unit: store.setting(crate::tui::shared::HOME_UNIT)?,
        picker_dir: store.setting(crate::tui::shared::PICKER_DIR)?,
    })
}

pub struct Effects {
    pub store: Store,
    pub forms: FormSet,
    /// Who is acting (the surveyor's name).
    pub who: String,
    /// Records created by this session's first commits, per (village, round).
    created: HashMap<(String, String), String>,
    today: String,
    /// Places of the file picker and the export or import running on a worker.
    pub exchange: worker::ExchangeFx,
    /// The dashboards being computed on workers.
    pub(crate) dashboard_jobs: Vec<worker::DashboardJob>,
    /// Field commits that met a locked database, oldest first: retried in the background
    /// (`background`), never dropped while the program runs.
    waiting: std::collections::VecDeque<Commit>,
}

/// How long a save waits for another program's write lock before it is queued and
/// retried in the background (the UI never freezes for longer).
pub const SAVE_WAIT: std::time::Duration = std::time::Duration::from_millis(100);

/// Is this the database being locked by another connection (SQLITE_BUSY/LOCKED)?
pub fn is_locked(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(rusqlite::Error::SqliteFailure(f, _)) = err.downcast_ref::<rusqlite::Error>()
            && matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            )
        {
            return true;
        }
        if let Some(crate::store::StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _))) =
            err.downcast_ref::<crate::store::StoreError>()
            && matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            )
        {
            return true;
        }
        cur = err.source();
    }
    false
}

impl Effects {
    /// Home's statuses and counted villages of a round, in one message.
    pub(crate) fn statuses(&self, round: &str) -> anyhow::Result<Msg> {
        let form_id = &self.forms.village_form().id;
        Ok(Msg::StatusesLoaded {
            round: round.to_string(),
            statuses: self.store.village_statuses(form_id, round)?,
            counted: self.store.counted_villages(form_id, round)?,
            demo: self.store.is_demo()?,
        })
    }

    pub fn new(store: Store, forms: FormSet, who: Option<String>) -> Effects {
        // A clerk or the county is asked no name: never "unknown" (`context::acting_name`).
        let who = crate::context::acting_name(who, crate::context::os_user(), &store);
        Effects {
            store,
            forms,
            who,
            created: HashMap::new(),
            today: today(),
            exchange: worker::ExchangeFx::default(),
            dashboard_jobs: Vec::new(),
            waiting: std::collections::VecDeque::new(),
        }
    }

    /// Saves waiting for the database.
    pub fn saves_waiting(&self) -> usize {
        self.waiting.len()
    }

    /// One commit, its messages in `out`: true when it is on disk or failed for good,
    /// false when the database is locked (`c` is then what to try again later).
    fn try_commit(&mut self, c: &mut Commit, out: &mut Vec<Msg>) -> bool {
        let id = match self.resolve(c.rec.clone(), out) {
            Ok(id) => id,
            Err(e) if is_locked(e.as_ref()) => return false,
            Err(e) => {
                out.push(Msg::CommitFailed {
                    field: c.field.clone(),
                    error: format!("{e:#}"),
                });
                return true;
            }
        };
        let row = c.row.as_ref().map(|(g, r)| (g.as_str(), r.as_str()));
        match self
            .store
            .set_draft_value(&id, row, &c.field, &c.value, &self.who)
        {
            Ok(()) => out.push(Msg::Committed {
                record_id: id,
                row: c.row.clone(),
                field: c.field.clone(),
            }),
            Err(e) if is_locked(&e) => {
                // The record exists now: retry against it, not a new one.
                c.rec = crate::tui::shared::record::RecordRef::Id(id);
                return false;
            }
            Err(e) => out.push(Msg::CommitFailed {
                field: c.field.clone(),
                error: e.to_string(),
            }),
        }
        true
    }

    /// Retry the saves waiting for the database, in order, until one is still locked.
    pub fn retry_saves(&mut self) -> Vec<Msg> {
        let mut out = Vec::new();
        if self.waiting.is_empty() {
            return out;
        }
        while let Some(mut c) = self.waiting.pop_front() {
            if !self.try_commit(&mut c, &mut out) {
                self.waiting.push_front(c);
                break;
            }
        }
        out.push(Msg::SavesWaiting(self.waiting.len()));
        out
    }

    /// Before quitting: one last, longer wait for the saves still waiting.
    pub fn flush_saves(&mut self, wait: std::time::Duration) -> usize {
        if !self.waiting.is_empty() {
            let _ = self.store.set_busy_timeout(wait);
            let _ = self.retry_saves();
            let _ = self.store.set_busy_timeout(SAVE_WAIT);
        }
        self.waiting.len()
    }

    /// Run one command; errors become a notice in the UI language.
    pub fn run(&mut self, cmd: Cmd, lang: Lang) -> Vec<Msg> {
        let what = format!("{cmd:?}");
        match self.try_run(cmd, lang) {
            Ok(msgs) => msgs,
            Err(e) => {
                tracing::warn!("{what}: {e:#}");
                vec![Msg::Notice(Notice::error(tui_keys::error(
                    lang,
                    &format!("{e:#}"),
                )))]
            }
        }
    }

    fn try_run(&mut self, cmd: Cmd, lang: Lang) -> anyhow::Result<Vec<Msg>> {
        let mut out = Vec::new();
        match cmd {
            Cmd::SaveSetting { key, value } => {
                // The installation's name says its role: the role chosen at the first run
                // renames whoever acts unnamed from now on (a clerk with no OS user).
                let renames =
                    key == "role" && self.who == crate::context::installation_name(&self.store);
                self.store.set_setting(&key, &value)?;
                if renames {
                    self.who = crate::context::installation_name(&self.store);
                }
            }
            Cmd::SetSurveyor(name) => {
                self.store.set_setting("surveyor", &name)?;
                self.who = name;
            }
            Cmd::LoadStatuses { round } => {
                out.push(self.statuses(&round)?);
            }
            Cmd::OpenRecord {
                village,
                round,
                field,
            } => match self.open(&village, &round, field, lang) {
                Ok(o) => out.push(Msg::RecordOpened(Box::new(o))),
                Err(e) => match e.downcast::<crate::tui::shared::record::OutOfScope>() {
                    Ok(o) => out.push(Msg::Notice(Notice::warn(o.0))),
                    Err(e) => return Err(e),
                },
            },
            Cmd::Commit(mut c) => {
                // Behind saves already waiting (order matters), or tried now.
                if !self.waiting.is_empty() || !self.try_commit(&mut c, &mut out) {
                    self.waiting.push_back(c);
                    out.push(Msg::SavesWaiting(self.waiting.len()));
                }
            }
            Cmd::Quit => out.push(Msg::Quit),
            Cmd::AddRow { rec, group } => {
                let id = self.resolve(rec, &mut out)?;
                let row_id = self.store.add_draft_row(&id, &group)?;
                out.push(Msg::RowAdded { group, row_id });
            }
            Cmd::DeleteRow {
                record_id,
                group,
                row_id,
            } => {
                self.store.delete_draft_row(&record_id, &group, &row_id)?;
                out.push(Msg::RowDeleted { group, row_id });
            }
            Cmd::Finalize {
                record_id,
                form_id,
                version,
            } if !self.waiting.is_empty() => {
                let _ = (record_id, form_id, version);
                out.extend(self.retry_saves());
                out.push(Msg::Notice(Notice::warn(
                    tui_keys::finalize_waits_for_saves(lang),
                )));
            }
            Cmd::Finalize {
                record_id,
                form_id,
                version,
            } => {
                let form = self.store.form_version(&form_id, version)?;
                match self.store.finalize(&record_id, &form, &self.who)? {
                    FinalizeResult::Finalized(rev) => out.push(Msg::Finalized {
                        record_id,
                        rev: rev.rev,
                    }),
                    FinalizeResult::Blocked(issues) => out.push(Msg::FinalizeBlocked(issues)),
                }
            }
            Cmd::StartRevision { record_id } => {
                self.store.start_revision(&record_id, &self.who)?;
                let (village, round) = self.record_key(&record_id)?;
                let o = self.open(&village, &round, None, lang)?;
                out.push(Msg::RecordOpened(Box::new(o)));
                // Home shows the village as a draft again (a new revision is being made).
                out.push(self.statuses(&round)?);
                out.push(Msg::Notice(Notice::info(tui_keys::revision_started(
                    lang,
                    key(Ctx::Form, Action::Finalize),
                ))));
            }
            Cmd::DiscardRevision {
                record_id,
                village,
                round,
            } => {
                self.store.discard_revision_draft(&record_id)?;
                let o = self.open(&village, &round, None, lang)?;
                out.push(Msg::RecordOpened(Box::new(o)));
                out.push(self.statuses(&round)?);
            }
            Cmd::LoadHistory { record_id } => {
                let rows = self.store.audit_trail(&record_id)?;
                let events = self.store.history(&record_id)?;
                out.push(Msg::HistoryLoaded {
                    record_id,
                    rows,
                    events,
                });
            }
            Cmd::LoadReview { township, round } => {
                out.push(self.review_rows(&township, &round)?);
            }
            Cmd::Review {
                record_id,
                action,
                comment,
            } => {
                match self
                    .store
                    .add_review(&record_id, action, &comment, &self.who)
                {
                    Ok(_) => out.push(Msg::Reviewed { record_id, action }),
                    // Which version would the review judge? Resolve first (c on home).
                    Err(crate::store::StoreError::InConflict {
                        village,
                        round,
                        what,
                    }) => {
                        let village = crate::tui::text::clean(&village);
                        let round = crate::tui::text::clean(&round);
                        out.push(Msg::Notice(Notice::error(tui_keys::review_in_conflict(
                            lang,
                            &village,
                            &round,
                            &what,
                            key(Ctx::Home, Action::Conflicts),
                        ))));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            Cmd::LoadDashboard { unit, round } => out.extend(self.start_dashboard(unit, round)),
            Cmd::ViewRecord { village, round } => {
                out.push(self.view_record(&village, &round, lang)?)
            }
            Cmd::Exchange(c) => out.extend(self.run_exchange(c, lang)),
            Cmd::LoadDemo { dir, under, round } => {
                let result = match DEMO_HOOK {
                    Some(hook) => self.load_demo(hook, &dir, &under, &round, lang),
                    None => Err(tui_keys::no_demo_generator(lang)),
                };
                out.push(Msg::DemoLoaded { dir, result });
            }
            Cmd::Trust(c) => out.extend(self.run_trust(c, lang)?),
            Cmd::Conflicts(c) => out.extend(self.run_conflicts(c, lang)?),
        }
        Ok(out)
    }
}
