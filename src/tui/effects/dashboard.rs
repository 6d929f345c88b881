//! The dashboard's effect: roll up a unit's round with what holds each indicator back,
//! the unreported villages and the trend. `LoadDashboard` runs on a worker thread with
//! its own connection, in two steps: the figures from the township roll-up tables (as
//! `report` reads them: under a second at Henan scale), `DashboardLoaded`, then the pass
//! over every village for the holds-back and unreported lists, `DashboardVillages`.
//! Meanwhile the screen says "computing" and answers keys (`poll_dashboard`).

use crate::forms::FormSet;
use crate::register::Level;
use crate::report::dashboard;
use crate::report::model::{Report, UnitReport};
use crate::report::rollup::{Depth, rollup};
use crate::store::{DivisionRow, Store, VillageFacts};
use crate::tui::effects::Effects;
use crate::tui::effects::exchange::WORKER_PREFIX;
use crate::tui::effects::worker::DashboardJob;
use crate::tui::shared::Msg;
use crate::tui::shared::dashboard::{DashboardData, townships_of};
use std::path::Path;
use std::sync::mpsc::{self, Sender, TryRecvError};

/// What reads the township roll-up tables (as `report` does): the unit's roll-up
/// (villages below a township, else townships) and its trend over the rounds.
fn rollups(
    store: &Store,
    forms: &FormSet,
    d: &DivisionRow,
    round: &str,
) -> anyhow::Result<(Report, Vec<(String, UnitReport)>)> {
    let depth = if d.level >= Level::Township {
        Depth::Villages
    } else {
        Depth::Townships
    };
    let report = rollup(store, forms, round, d, depth)?;
    let own = report.units.first().filter(|u| u.code == d.code);
    let trend = dashboard::trend_with(store, forms, d, own.map(|u| (round, u)))?;
    Ok((report, trend))
}

/// The dashboard from its parts: what holds back every indicator with a shortfall and
/// the unreported villages come from the villages' facts (one pass over the villages).
fn assemble(
    forms: &FormSet,
    d: DivisionRow,
    round: &str,
    (report, trend): (Report, Vec<(String, UnitReport)>),
    facts: Vec<VillageFacts>,
) -> DashboardData {
    let unreported = dashboard::unreported(&facts);
    let holdbacks = report
        .units
        .first()
        .map(|own| {
            own.indicators
                .iter()
                .filter_map(|v| {
                    v.shortfall
                        .map(|s| dashboard::holdbacks_from(&facts, forms, &v.id, s))
                })
                .collect()
        })
        .unwrap_or_default();
    let townships = townships_of(&report, &d);
    DashboardData {
        unit: d,
        round: round.to_string(),
        report,
        holdbacks,
        unreported,
        trend,
        townships,
        villages_pending: false,
    }
}

fn division(store: &Store, unit: &str) -> anyhow::Result<DivisionRow> {
    store.division(unit)?.ok_or_else(|| {
        anyhow::anyhow!(crate::i18n::tui_county::dashboard_not_in_register(
            crate::forms::Lang::En,
            unit
        ))
    })
}

/// A unit's dashboard on one connection.
pub fn load(
    store: &Store,
    forms: &FormSet,
    unit: &str,
    round: &str,
) -> anyhow::Result<DashboardData> {
    let d = division(store, unit)?;
    let parts = rollups(store, forms, &d, round)?;
    let facts = store.village_facts(&forms.village_form().id, round, d.prefix())?;
    Ok(assemble(forms, d, round, parts, facts))
}

/// The worker: the figures first (`DashboardLoaded` with the village lists pending),
/// then the village lists (`DashboardVillages`), or `DashboardFailed`. The villages'
/// facts are read meanwhile on a second thread with its own connection (the longer
/// part at province scale), so the lists follow the figures closely.
fn work(data_dir: &Path, forms: &FormSet, unit: &str, round: &str, tx: &Sender<Msg>) {
    let failed = |e: anyhow::Error| Msg::DashboardFailed {
        unit: unit.to_string(),
        round: round.to_string(),
        error: crate::i18n::tui_county::dashboard_error(&e),
    };
    let read_facts = || -> anyhow::Result<Vec<VillageFacts>> {
        let store = Store::open(data_dir)?;
        let d = division(&store, unit)?;
        Ok(store.village_facts(&forms.village_form().id, round, d.prefix())?)
    };
    std::thread::scope(|s| {
        let facts = std::thread::Builder::new()
            .name(format!("{WORKER_PREFIX}dashboard-villages"))
            .spawn_scoped(s, read_facts);
        let first = Store::open(data_dir)
            .map_err(anyhow::Error::from)
            .and_then(|store| {
                let d = division(&store, unit)?;
                let parts = rollups(&store, forms, &d, round)?;
                let mut data = assemble(forms, d, round, parts, Vec::new());
                data.villages_pending = true;
                Ok(data)
            });
        let data = match first {
            Ok(x) => x,
            Err(e) => {
                let _ = tx.send(failed(e));
                return;
            }
        };
        let shortfalls: Vec<(String, f64)> = data
            .own()
            .map(|u| {
                u.indicators
                    .iter()
                    .filter_map(|v| v.shortfall.map(|s| (v.id.clone(), s)))
                    .collect()
            })
            .unwrap_or_default();
        // The UI may have quit or moved on meanwhile: nobody needs the answer then.
        if tx.send(Msg::DashboardLoaded(Box::new(data))).is_err() {
            return;
        }
        let facts = match facts {
            // A panic there is logged by `tui::run`'s hook.
            Ok(h) => h.join().unwrap_or_else(|_| {
                Err(anyhow::anyhow!(
                    crate::i18n::tui_county::dashboard_internal_error(crate::forms::Lang::En)
                ))
            }),
            // No second thread: read them here.
            Err(_) => read_facts(),
        };
        let msg = match facts {
            Ok(facts) => Msg::DashboardVillages {
                unit: unit.to_string(),
                round: round.to_string(),
                holdbacks: shortfalls
                    .iter()
                    .map(|(id, s)| dashboard::holdbacks_from(&facts, forms, id, *s))
                    .collect(),
                unreported: dashboard::unreported(&facts),
            },
            Err(e) => failed(e),
        };
        let _ = tx.send(msg);
    });
}

impl Effects {
    /// A unit's dashboard, computed here (tests and benchmarks; the UI uses
    /// `start_dashboard`).
    pub fn dashboard(&self, unit: &str, round: &str) -> anyhow::Result<DashboardData> {
        load(&self.store, &self.forms, unit, round)
    }

    /// Start computing a dashboard on a worker thread with its own connection; a load
    /// still running is abandoned (its answer is dropped). Answers `DashboardLoading`.
    pub(crate) fn start_dashboard(&mut self, unit: String, round: String) -> Vec<Msg> {
        let data_dir = self
            .store
            .path()
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        let forms = self.forms.clone();
        let (tx, rx) = mpsc::channel();
        let (u, r) = (unit.clone(), round.clone());
        let spawned = std::thread::Builder::new()
            .name(format!("{WORKER_PREFIX}dashboard"))
            .spawn(move || work(&data_dir, &forms, &u, &r, &tx));
        match spawned {
            Ok(_) => {
                // Earlier loads go on: their answers are dropped unless still wanted
                // (`Dashboard::loaded`), and a parent's village lists still arrive.
                self.dashboard_jobs.push(DashboardJob {
                    rx,
                    unit: unit.clone(),
                    round: round.clone(),
                    done: false,
                });
                vec![Msg::DashboardLoading { unit, round }]
            }
            Err(e) => vec![Msg::DashboardFailed {
                unit,
                round,
                error: crate::i18n::tui_county::dashboard_error(&anyhow::Error::from(e)),
            }],
        }
    }

    /// The dashboard workers' answers so far (never blocks).
    pub fn poll_dashboard(&mut self) -> Vec<Msg> {
        let mut out = Vec::new();
        self.dashboard_jobs.retain_mut(|job| {
            loop {
                match job.rx.try_recv() {
                    Ok(m) => {
                        job.done |= matches!(
                            m,
                            Msg::DashboardVillages { .. } | Msg::DashboardFailed { .. }
                        );
                        out.push(m);
                    }
                    Err(TryRecvError::Empty) => return true,
                    Err(TryRecvError::Disconnected) => {
                        if !job.done {
                            // The worker panicked (logged by `tui::run`'s hook).
                            out.push(Msg::DashboardFailed {
                                unit: job.unit.clone(),
                                round: job.round.clone(),
                                error: crate::i18n::both(
                                    crate::i18n::tui_county::dashboard_internal_error,
                                ),
                            });
                        }
                        return false;
                    }
                }
            }
        });
        out
    }

    /// Every answer of the dashboard workers, waiting for them to end (tests,
    /// benchmarks).
    pub fn wait_dashboard(&mut self) -> Vec<Msg> {
        let mut out = Vec::new();
        for job in std::mem::take(&mut self.dashboard_jobs) {
            let mut done = false;
            while let Ok(m) = job.rx.recv() {
                done |= matches!(
                    m,
                    Msg::DashboardVillages { .. } | Msg::DashboardFailed { .. }
                );
                out.push(m);
            }
            if !done {
                out.push(Msg::DashboardFailed {
                    unit: job.unit,
                    round: job.round,
                    error: crate::i18n::both(crate::i18n::tui_county::dashboard_internal_error),
                });
            }
        }
        out
    }

    /// The next answer of the first dashboard worker, waiting for it (benchmarks).
    pub fn wait_dashboard_step(&mut self) -> Option<Msg> {
        let job = self.dashboard_jobs.first_mut()?;
        match job.rx.recv() {
            Ok(m) => Some(m),
            Err(_) => {
                self.dashboard_jobs.remove(0);
                None
            }
        }
    }

    /// Is a dashboard being computed?
    pub fn dashboard_running(&self) -> bool {
        !self.dashboard_jobs.is_empty()
    }
}

impl Effects {
    /// A village's record of a round as it counts, read-only (Enter on a dashboard row),
    /// or a notice that there is none to show.
    pub(crate) fn view_record(
        &mut self,
        village: &str,
        round: &str,
        lang: crate::forms::Lang,
    ) -> anyhow::Result<Msg> {
        use crate::tui::shared::Notice;
        use crate::tui::shared::record::Opened;
        let form_id = self.forms.village_form().id.clone();
        let d = self
            .store
            .division(village)?
            .ok_or_else(|| anyhow::anyhow!("{village}: no such village in the register"))?;
        let recs = self.store.records_of(&form_id, village, round)?;
        let counted = recs.iter().find(|r| r.counts && r.latest.is_some());
        let Some(r) = counted else {
            let draft = recs.iter().any(|r| r.has_draft || r.latest.is_some());
            return Ok(Msg::Notice(Notice::info(no_record_text(
                lang, &d.name, &d.code, round, draft,
            ))));
        };
        let rev = self
            .store
            .current_revision(&r.record_id)?
            .ok_or_else(|| anyhow::anyhow!("record {} has no revision", r.record_id))?;
        let form = self.store.form_version(&form_id, rev.form_version)?;
        Ok(Msg::RecordOpened(Box::new(Opened {
            village: d,
            round: round.to_string(),
            record_id: Some(r.record_id.clone()),
            form,
            data: rev.data,
            read_only: true,
            status: r.status,
            rev: Some(rev.rev),
            return_comment: None,
            field: None,
        })))
    }
}

/// "蒋东村委会（411003003205）在 2020 轮没有计入的记录" and why.
fn no_record_text(
    lang: crate::forms::Lang,
    name: &str,
    code: &str,
    round: &str,
    draft: bool,
) -> String {
    use crate::i18n::tui_county as words;
    use crate::tui::text::clean;
    let (name, code, round) = (clean(name), clean(code), clean(round));
    if draft {
        words::record_not_counted(lang, &name, &code, &round)
    } else {
        words::no_record(lang, &name, &code, &round)
    }
}
