//! The only part of the TUI that touches the store: runs the model's commands and answers
//! with messages. A field is reported saved only after `set_draft_value` returned.
//! `exchange`: the export and import screens (folders, and the worker thread).

pub mod conflicts;
pub mod exchange;
pub mod trust;

use crate::forms::record::RecordData;
use crate::forms::value::Value;
use crate::forms::{FormSet, Lang};
use crate::register::Level;
use crate::report::dashboard;
use crate::report::rollup::{Depth, rollup};
use crate::store::{FinalizeResult, RecordStatus, Store};
use crate::tui::shared::dashboard::DashboardData;
use crate::tui::shared::record::{Opened, RecordRef};
use crate::tui::shared::tree::Tree;
use crate::tui::shared::{Cmd, Msg, Notice, ReviewRow, Startup};
use crate::tui::text::tr;
use std::collections::HashMap;

/// Fills a data directory with demo records under a unit for a round; returns how many.
pub type DemoHook = fn(&mut Store, &FormSet, &str, &str) -> anyhow::Result<usize>;

/// The demo generator, when this build has one. The first-run screen offers demo data
/// only when this is set; `Cmd::LoadDemo` answers "not available" otherwise.
pub const DEMO_HOOK: Option<DemoHook> = Some(load_demo);

/// Demo records for every in-scope village under `under` (seed 1: the same data each time,
/// so loading twice adds nothing).
fn load_demo(
    store: &mut Store,
    forms: &FormSet,
    under: &str,
    round: &str,
) -> anyhow::Result<usize> {
    let Some(unit) = store.division(under)? else {
        anyhow::bail!("{under}: no such unit in the register");
    };
    let form = forms.village_form().clone();
    let summary = crate::demo::generate(store, &form, &unit, round, 1, &mut |_, _| {})?;
    Ok(summary.records as usize)
}

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
        None => store
            .setting("round")?
            .or_else(|| rounds.first().cloned())
            .unwrap_or_else(|| "2020".to_string()),
    };
    let units = store.divisions_under(None, None, false)?;
    let statuses = store.village_statuses(&forms.village_form().id, &round)?;
    Ok(Startup {
        lang,
        ask_name: surveyor.is_none(),
        surveyor,
        round,
        rounds,
        tree: Tree::new(units),
        statuses,
        demo_available: DEMO_HOOK.is_some(),
        today: today(),
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
    pub exchange: exchange::ExchangeFx,
}

impl Effects {
    pub fn new(store: Store, forms: FormSet, who: Option<String>) -> Effects {
        let who = who
            .filter(|w| !w.trim().is_empty())
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "unknown".into());
        Effects {
            store,
            forms,
            who,
            created: HashMap::new(),
            today: today(),
            exchange: exchange::ExchangeFx::default(),
        }
    }

    /// Run one command; errors become a notice in the UI language.
    pub fn run(&mut self, cmd: Cmd, lang: Lang) -> Vec<Msg> {
        let what = format!("{cmd:?}");
        match self.try_run(cmd, lang) {
            Ok(msgs) => msgs,
            Err(e) => {
                tracing::warn!("{what}: {e:#}");
                vec![Msg::Notice(Notice::error(format!(
                    "{}{e:#}",
                    tr(lang, "出错了：", "Error: ")
                )))]
            }
        }
    }

    fn resolve(&mut self, rec: RecordRef, out: &mut Vec<Msg>) -> anyhow::Result<String> {
        match rec {
            RecordRef::Id(id) => Ok(id),
            RecordRef::New {
                village,
                round,
                initial,
            } => {
                if let Some(id) = self.created.get(&(village.clone(), round.clone())) {
                    return Ok(id.clone());
                }
                let form = self.forms.village_form().clone();
                let id = self
                    .store
                    .create_record(&form, &village, &round, &self.who, &initial)?;
                self.created
                    .insert((village.clone(), round.clone()), id.clone());
                out.push(Msg::RecordCreated {
                    village,
                    round,
                    record_id: id.clone(),
                });
                Ok(id)
            }
        }
    }

    fn try_run(&mut self, cmd: Cmd, lang: Lang) -> anyhow::Result<Vec<Msg>> {
        let form_id = self.forms.village_form().id.clone();
        let mut out = Vec::new();
        match cmd {
            Cmd::SaveSetting { key, value } => self.store.set_setting(&key, &value)?,
            Cmd::SetSurveyor(name) => {
                self.store.set_setting("surveyor", &name)?;
                self.who = name;
            }
            Cmd::LoadStatuses { round } => {
                let statuses = self.store.village_statuses(&form_id, &round)?;
                out.push(Msg::StatusesLoaded { round, statuses });
            }
            Cmd::OpenRecord {
                village,
                round,
                field,
            } => {
                let o = self.open(&village, &round, field)?;
                out.push(Msg::RecordOpened(Box::new(o)));
            }
            Cmd::Commit(c) => {
                let id = match self.resolve(c.rec, &mut out) {
                    Ok(id) => id,
                    Err(e) => {
                        out.push(Msg::CommitFailed {
                            field: c.field,
                            error: format!("{e:#}"),
                        });
                        return Ok(out);
                    }
                };
                let row = c.row.as_ref().map(|(g, r)| (g.as_str(), r.as_str()));
                match self
                    .store
                    .set_draft_value(&id, row, &c.field, &c.value, &self.who)
                {
                    Ok(()) => out.push(Msg::Committed {
                        record_id: id,
                        row: c.row,
                        field: c.field,
                    }),
                    Err(e) => out.push(Msg::CommitFailed {
                        field: c.field,
                        error: e.to_string(),
                    }),
                }
            }
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
                let o = self.open(&village, &round, None)?;
                out.push(Msg::RecordOpened(Box::new(o)));
                out.push(Msg::Notice(Notice::info(tr(
                    lang,
                    "已开始新版本：修改后按 Ctrl-F 完成",
                    "A new revision is open: change what needs changing, then Ctrl-F to finalize",
                ))));
            }
            Cmd::DiscardRevision {
                record_id,
                village,
                round,
            } => {
                self.store.discard_revision_draft(&record_id)?;
                let o = self.open(&village, &round, None)?;
                out.push(Msg::RecordOpened(Box::new(o)));
                let statuses = self.store.village_statuses(&form_id, &round)?;
                out.push(Msg::StatusesLoaded { round, statuses });
            }
            Cmd::LoadHistory { record_id } => {
                let rows = self.store.audit_trail(&record_id)?;
                out.push(Msg::HistoryLoaded { record_id, rows });
            }
            Cmd::LoadReview { township, round } => {
                out.push(self.review_rows(&township, &round)?);
            }
            Cmd::Review {
                record_id,
                action,
                comment,
            } => {
                self.store
                    .add_review(&record_id, action, &comment, &self.who)?;
                out.push(Msg::Reviewed { record_id, action });
            }
            Cmd::LoadDashboard { unit, round } => {
                let data = self.dashboard(&unit, &round)?;
                out.push(Msg::DashboardLoaded(Box::new(data)));
            }
            Cmd::Exchange(c) => out.extend(self.run_exchange(c, lang)),
            Cmd::LoadDemo { under, round } => match DEMO_HOOK {
                Some(hook) => {
                    let n = hook(&mut self.store, &self.forms, &under, &round)?;
                    let text = match lang {
                        Lang::Zh => format!("已加载 {n} 条演示记录"),
                        Lang::En => format!("Loaded {n} demo records"),
                    };
                    out.push(Msg::Notice(Notice::info(text)));
                    let statuses = self.store.village_statuses(&form_id, &round)?;
                    out.push(Msg::StatusesLoaded { round, statuses });
                }
                None => out.push(Msg::Notice(Notice::warn(tr(
                    lang,
                    "此版本没有演示数据生成器",
                    "This build has no demo data generator",
                )))),
            },
            Cmd::Trust(c) => out.extend(self.run_trust(c, lang)?),
            Cmd::Conflicts(c) => out.extend(self.run_conflicts(c, lang)?),
        }
        Ok(out)
    }

    fn record_key(&self, record_id: &str) -> anyhow::Result<(String, String)> {
        for ((v, r), id) in &self.created {
            if id == record_id {
                return Ok((v.clone(), r.clone()));
            }
        }
        let rev = self
            .store
            .current_revision(record_id)?
            .ok_or_else(|| anyhow::anyhow!("record {record_id} not found"))?;
        Ok((rev.village_code, rev.round))
    }

    /// Values a new record starts with: the surveyor's name and today's date.
    fn initial(&self) -> RecordData {
        let form = self.forms.village_form();
        let mut d = RecordData::default();
        if form.field("surveyor").is_some() && !self.who.is_empty() {
            d.set("surveyor", Value::Text(self.who.clone()));
        }
        if form.field("survey_date").is_some() {
            d.set("survey_date", Value::Text(self.today.clone()));
        }
        d
    }

    /// The record of a village and round to show: the draft if there is one, else the
    /// one that counts, else a new (unsaved) one.
    pub fn open(
        &mut self,
        village: &str,
        round: &str,
        field: Option<String>,
    ) -> anyhow::Result<Opened> {
        let form_id = self.forms.village_form().id.clone();
        let d = self
            .store
            .division(village)?
            .ok_or_else(|| anyhow::anyhow!("{village}: no such village in the register"))?;
        let recs = self.store.records_of(&form_id, village, round)?;
        let pick = recs
            .iter()
            .find(|r| r.has_draft)
            .or_else(|| recs.iter().find(|r| r.counts))
            .or_else(|| recs.first());
        let Some(r) = pick else {
            return Ok(Opened {
                village: d,
                round: round.to_string(),
                record_id: None,
                form: self.forms.village_form().clone(),
                data: self.initial(),
                read_only: false,
                status: RecordStatus::NotStarted,
                rev: None,
                return_comment: None,
                field,
            });
        };
        if r.has_draft {
            let version = r
                .draft_form_version
                .unwrap_or(self.forms.village_form().version);
            let form = self.store.form_version(&form_id, version)?;
            let data = self.store.draft_data(&r.record_id)?;
            return Ok(Opened {
                village: d,
                round: round.to_string(),
                record_id: Some(r.record_id.clone()),
                form,
                data,
                read_only: false,
                status: r.status,
                rev: r.latest.as_ref().map(|l| l.0),
                return_comment: r.return_comment.clone(),
                field,
            });
        }
        let rev = self
            .store
            .current_revision(&r.record_id)?
            .ok_or_else(|| anyhow::anyhow!("record {} has no revision", r.record_id))?;
        let form = self.store.form_version(&form_id, rev.form_version)?;
        Ok(Opened {
            village: d,
            round: round.to_string(),
            record_id: Some(r.record_id.clone()),
            form,
            data: rev.data,
            read_only: true,
            status: r.status,
            rev: Some(rev.rev),
            return_comment: r.return_comment.clone(),
            field,
        })
    }

    /// A unit's dashboard: the roll-up (villages below a township, else townships), what
    /// holds back every indicator with a shortfall, the unreported villages and the trend.
    pub fn dashboard(&self, unit: &str, round: &str) -> anyhow::Result<DashboardData> {
        let d = self
            .store
            .division(unit)?
            .ok_or_else(|| anyhow::anyhow!("{unit}: not in the register"))?;
        let depth = if d.level >= Level::Township {
            Depth::Villages
        } else {
            Depth::Townships
        };
        let report = rollup(&self.store, &self.forms, round, &d, depth)?;
        let mut holdbacks = Vec::new();
        if let Some(own) = report.units.first() {
            for v in &own.indicators {
                if let Some(short) = v.shortfall {
                    holdbacks.push(dashboard::holdbacks(
                        &self.store,
                        &self.forms,
                        round,
                        &d,
                        &v.id,
                        short,
                    )?);
                }
            }
        }
        let unreported =
            self.store
                .unreported_villages(&self.forms.village_form().id, round, d.prefix())?;
        let trend = dashboard::trend(&self.store, &self.forms, &d)?;
        Ok(DashboardData {
            unit: d,
            round: round.to_string(),
            report,
            holdbacks,
            unreported,
            trend,
        })
    }

    /// Finalized records of a township's villages, for review.
    fn review_rows(&mut self, township: &str, round: &str) -> anyhow::Result<Msg> {
        let form_id = self.forms.village_form().id.clone();
        let t = self
            .store
            .division(township)?
            .ok_or_else(|| anyhow::anyhow!("{township}: not in the register"))?;
        let statuses = self.store.village_statuses(&form_id, round)?;
        let villages = self
            .store
            .divisions_under(Some(&t), Some(Level::Village), false)?;
        let mut rows = Vec::new();
        for v in villages {
            let st = statuses
                .get(&v.code)
                .copied()
                .unwrap_or(RecordStatus::NotStarted);
            if matches!(st, RecordStatus::NotStarted | RecordStatus::Draft) {
                continue;
            }
            let recs = self.store.records_of(&form_id, &v.code, round)?;
            let Some(r) = recs
                .iter()
                .find(|r| r.counts)
                .or_else(|| recs.iter().find(|r| r.latest.is_some()))
            else {
                continue;
            };
            let Some((rev, _, _, at, by)) = r.latest.clone() else {
                continue;
            };
            rows.push(ReviewRow {
                village: v,
                record_id: r.record_id.clone(),
                rev,
                status: st,
                finalized_at: at,
                finalized_by: by,
                comment: r.return_comment.clone(),
            });
        }
        Ok(Msg::ReviewLoaded { township: t, rows })
    }
}
