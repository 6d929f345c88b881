//! The disk and database side of the export and import screens: the starting places and
//! folder listings of the picker, and the worker thread that exports or imports with its
//! own connection to the same database, sending progress back over a channel that the
//! event loop drains ([`Effects::background`]). The bundle work itself is
//! `bundle::exchange`, the same functions the command line calls.

use crate::bundle::exchange::{
    ExportError, ExportRequest, ImportError, ImportErrorKind, export_bundle, import_bundles,
};
use crate::bundle::keys::InstallationKey;
use crate::forms::Lang;
use crate::forms::value::sanitize_for_terminal;
use crate::store::Store;
use crate::tui::effects::Effects;
use crate::tui::effects::worker::Worker;
use crate::tui::picker::{Entry, PickerRoots, Place, PlaceKind};
use crate::tui::shared::exchange::{
    BundleAbout, ExchangeCmd, ExchangeMsg, ExportProblem, FileOutcome, FileResult, JobProgress,
    ListError, Refusal,
};
use crate::tui::shared::{Msg, Notice};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender, TryRecvError};

/// The starting places: every folder in the removable-media folders (sorted within each)
/// and the removable drives, then the home folder, the Desktop and Documents folders, the
/// current folder, and the other drives; a path appears once, a missing one not at all.
pub fn places(roots: &PickerRoots) -> Vec<Place> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut add = |kind, path: &PathBuf| {
        if seen.insert(path.clone()) {
            out.push(Place {
                kind,
                path: path.clone(),
            });
        }
    };
    for parent in &roots.removable {
        let Ok(read) = std::fs::read_dir(parent) else {
            continue;
        };
        let mut here: Vec<PathBuf> = read
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                !p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            // `/media/$USER` holds media; it is not one.
            .filter(|p| !roots.removable.contains(p))
            .filter(|p| p.is_dir())
            .collect();
        here.sort();
        for path in &here {
            add(PlaceKind::Removable, path);
        }
    }
    // A card reader without a card is a drive letter that cannot be opened: left out.
    for path in roots.media.iter().filter(|p| p.is_dir()) {
        add(PlaceKind::Removable, path);
    }
    if let Some(p) = &roots.home {
        add(PlaceKind::Home, p);
    }
    for path in roots.folders.iter().filter(|p| p.is_dir()) {
        add(PlaceKind::Folder, path);
    }
    if let Some(p) = &roots.cwd {
        add(PlaceKind::Current, p);
    }
    for path in roots.drives.iter().filter(|p| p.is_dir()) {
        add(PlaceKind::Drive, path);
    }
    out
}

/// Everything in a folder (the picker filters), or why it cannot be read.
pub fn list_dir(dir: &Path) -> Result<Vec<Entry>, ListError> {
    let read = std::fs::read_dir(dir).map_err(|e| match std::fs::metadata(dir) {
        // Windows (and Wine) do not all say "not a directory" of a file.
        Ok(meta) if !meta.is_dir() => ListError::NotAFolder,
        _ => list_error(&e),
    })?;
    let tz = jiff::tz::TimeZone::system();
    let mut out = Vec::new();
    for e in read.flatten() {
        let path = e.path();
        // Follows links; a broken one is left out.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| jiff::Timestamp::try_from(t).ok())
            .map(|t| {
                t.to_zoned(tz.clone())
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        out.push(Entry {
            name: e.file_name().to_string_lossy().into_owned(),
            path,
            is_dir: meta.is_dir(),
            size: if meta.is_dir() { 0 } else { meta.len() },
            modified,
        });
    }
    crate::tui::picker::sort_entries(&mut out);
    Ok(out)
}

fn list_error(e: &std::io::Error) -> ListError {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => ListError::PermissionDenied,
        std::io::ErrorKind::NotFound => ListError::NotFound,
        std::io::ErrorKind::NotADirectory => ListError::NotAFolder,
        _ => ListError::Other(e.to_string()),
    }
}

/// The library's message without the file's path in front (the screen names the file).
fn without_path(path: &Path, message: &str) -> String {
    let prefix = format!("{}: ", path.display());
    sanitize_for_terminal(message.strip_prefix(&prefix).unwrap_or(message))
}

fn refusal(path: &Path, e: &ImportError) -> Refusal {
    match e.kind() {
        ImportErrorKind::UnknownKey {
            key,
            fingerprint,
            claimed_name,
            claimed_scope,
            ..
        } => Refusal::UnknownKey {
            key: key.clone(),
            fingerprint: fingerprint.clone(),
            command: e.kind().trust_add_command().unwrap_or_default(),
            claimed_name: claimed_name.clone(),
            claimed_scope: claimed_scope.clone(),
        },
        kind => Refusal::Other {
            en: without_path(path, &e.to_string().replace('\n', " ")),
            zh: kind.zh().replace('\n', " "),
        },
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.to_string_lossy().into_owned())
}

fn send(tx: &Sender<ExchangeMsg>, msg: ExchangeMsg) {
    // The UI may be gone (quit): the work goes on or stops with the process; nobody
    // needs the message.
    let _ = tx.send(msg);
}

impl Effects {
    /// The data directory (the database's folder): the worker opens its own connection
    /// there, and finds the installation key.
    fn data_dir(&self) -> PathBuf {
        self.store
            .path()
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// Is a worker running?
    /// A worker is running or answers wait for the database: look again soon.
    pub fn busy(&self) -> bool {
        self.exchange.job.is_some() || self.saves_waiting() > 0 || self.dashboard_running()
    }

    /// Is an export or import running?
    fn job_running(&self) -> bool {
        self.exchange.job.is_some()
    }

    /// Messages the worker sent since the last call (never blocks).
    /// Also retries the answers waiting for the database.
    pub fn background(&mut self) -> Vec<Msg> {
        let mut out = self.retry_saves();
        out.extend(self.poll_dashboard());
        let Some(w) = &self.exchange.job else {
            return out;
        };
        loop {
            match w.rx.try_recv() {
                Ok(m) => out.push(Msg::Exchange(m)),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.finish_job();
                    break;
                }
            }
        }
        out
    }

    /// Every message of the running job, waiting for it to end (tests, benchmarks).
    pub fn wait_background(&mut self) -> Vec<Msg> {
        let mut out = Vec::new();
        if let Some(w) = &self.exchange.job {
            while let Ok(m) = w.rx.recv() {
                out.push(Msg::Exchange(m));
            }
            self.finish_job();
        }
        out
    }

    fn finish_job(&mut self) {
        if let Some(w) = self.exchange.job.take()
            && w.handle.join().is_err()
        {
            tracing::error!("the export or import worker panicked");
        }
    }

    /// What a bundle claims, from its signed manifest (the signature is checked; the
    /// payload is not read), and whether its signer is trusted here.
    fn peek(&self, path: &Path, lang: Lang) -> Result<BundleAbout, String> {
        let limits = crate::bundle::format::Limits::default();
        let b = crate::bundle::format::open_signed(path, &limits).map_err(|e| {
            tracing::info!("peek {}: {e}", path.display());
            crate::i18n::tui_exchange::unreadable_bundle(lang).to_string()
        })?;
        let hex = hex::encode(b.signer);
        let trusted_as = self
            .store
            .trusted_keys()
            .ok()
            .and_then(|keys| keys.into_iter().find(|k| k.public_key == hex))
            .map(|k| k.name);
        Ok(BundleAbout {
            exporter_name: b.manifest.exporter_name.clone(),
            exporter_scope: b.manifest.exporter_scope.clone(),
            round: b.manifest.round.clone(),
            revisions: b.manifest.counts.get("revisions").copied().unwrap_or(0),
            fingerprint: crate::bundle::keys::fingerprint(&b.signer),
            trusted_as,
            demo: b.manifest.demo,
        })
    }

    pub(super) fn run_exchange(&mut self, cmd: ExchangeCmd, lang: Lang) -> Vec<Msg> {
        let msg = match cmd {
            ExchangeCmd::LoadPlaces => ExchangeMsg::Places(places(&self.exchange.roots)),
            ExchangeCmd::List { dir, came_from } => ExchangeMsg::Listed {
                result: list_dir(&dir),
                dir,
                came_from,
            },
            ExchangeCmd::Resume(dir) => match list_dir(&dir) {
                Ok(entries) => ExchangeMsg::Listed {
                    result: Ok(entries),
                    dir,
                    came_from: None,
                },
                Err(_) => return Vec::new(),
            },
            ExchangeCmd::Peek(path) => ExchangeMsg::Peeked {
                about: self.peek(&path, lang),
                path,
            },
            ExchangeCmd::Quit => ExchangeMsg::Quit,
            _ if self.job_running() => {
                return vec![Msg::Notice(Notice::warn(
                    crate::i18n::tui_exchange::one_job_at_a_time(lang),
                ))];
            }
            ExchangeCmd::Export {
                under,
                round,
                dir,
                name,
                replace,
            } => {
                let out = dir.join(&name);
                if !replace && std::fs::symlink_metadata(&out).is_ok() {
                    return vec![Msg::Exchange(ExchangeMsg::Exists {
                        path: out,
                        cmd: ExchangeCmd::Export {
                            under,
                            round,
                            dir,
                            name,
                            replace: true,
                        },
                    })];
                }
                self.start_export(under, round, out)
            }
            ExchangeCmd::Import { paths } => self.start_import(paths),
        };
        vec![Msg::Exchange(msg)]
    }

    pub(crate) fn spawn(
        &mut self,
        name: &str,
        work: impl FnOnce(Sender<ExchangeMsg>) + Send + 'static,
    ) -> Result<(), String> {
        let (tx, rx) = mpsc::channel();
        let handle = std::thread::Builder::new()
            .name(format!("{WORKER_PREFIX}{name}"))
            .spawn(move || {
                // A panic in the work (a defect) ends the job with a message; the screen,
                // the terminal and the database stay as they were (import is all or
                // nothing). `tui::run`'s panic hook keeps a worker's panic off the screen.
                let failed = tx.clone();
                if std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || work(tx)))
                    .is_err()
                {
                    let _ = failed.send(ExchangeMsg::Failed(
                        "internal error in the worker (see the log); nothing was changed by the unfinished job"
                            .into(),
                    ));
                }
            })
            .map_err(|e| e.to_string())?;
        self.exchange.job = Some(Worker { rx, handle });
        Ok(())
    }

    fn start_export(&mut self, under: String, round: String, out: PathBuf) -> ExchangeMsg {
        let data_dir = self.data_dir();
        let who = self.who.clone();
        let name = file_name(&out);
        let first = JobProgress {
            file: 1,
            files: 1,
            name: name.clone(),
            done: 0,
            total: 0,
        };
        let spawned = self.spawn("export", move |tx| {
            let store = match Store::open(&data_dir) {
                Ok(s) => s,
                Err(e) => return send(&tx, ExchangeMsg::Failed(e.to_string())),
            };
            let key = match InstallationKey::load_or_create(&data_dir) {
                Ok(k) => k,
                Err(e) => return send(&tx, ExchangeMsg::Failed(e.to_string())),
            };
            let request = ExportRequest {
                under: &under,
                round: &round,
                exporter_name: &who,
                out: &out,
            };
            let result = export_bundle(&store, &key, &request, &mut |p| {
                send(
                    &tx,
                    ExchangeMsg::Progress(JobProgress {
                        file: 1,
                        files: 1,
                        name: name.clone(),
                        done: p.done,
                        total: p.total,
                    }),
                )
            });
            let result = result.map_err(|e| match e {
                ExportError::Nothing { drafts, .. } => ExportProblem::Nothing { drafts },
                e => ExportProblem::Other {
                    en: without_path(&out, &e.to_string()),
                    zh: match &e {
                        ExportError::Bundle(b) => b.kind.zh(),
                        ExportError::Store(s) => {
                            crate::i18n::tui_exchange::database_unreadable_zh(&s.to_string())
                        }
                        other => other.to_string(),
                    },
                },
            });
            send(&tx, ExchangeMsg::Exported(result));
        });
        match spawned {
            Ok(()) => ExchangeMsg::Started(first),
            Err(e) => ExchangeMsg::Failed(e),
        }
    }

    fn start_import(&mut self, paths: Vec<PathBuf>) -> ExchangeMsg {
        let data_dir = self.data_dir();
        let files = paths.len();
        let first = JobProgress {
            file: 1,
            files,
            name: paths.first().map(|p| file_name(p)).unwrap_or_default(),
            done: 0,
            total: 0,
        };
        let spawned = self.spawn("import", move |tx| {
            let mut store = match Store::open(&data_dir) {
                Ok(s) => s,
                Err(e) => return send(&tx, ExchangeMsg::Failed(e.to_string())),
            };
            let results = import_bundles(&mut store, &paths, &mut |path, p| {
                let file = paths.iter().position(|x| x == path).map_or(0, |i| i + 1);
                send(
                    &tx,
                    ExchangeMsg::Progress(JobProgress {
                        file,
                        files,
                        name: file_name(path),
                        done: p.done,
                        total: p.total,
                    }),
                );
            });
            let results = paths
                .iter()
                .zip(results)
                .map(|(path, r)| FileResult {
                    path: path.clone(),
                    outcome: match r {
                        Ok(s) => FileOutcome::Imported(Box::new(s)),
                        Err(e) => FileOutcome::Refused(refusal(path, &e)),
                    },
                })
                .collect();
            send(&tx, ExchangeMsg::Imported(results));
        });
        match spawned {
            Ok(()) => ExchangeMsg::Started(first),
            Err(e) => ExchangeMsg::Failed(e),
        }
    }
}

/// Threads whose panic is caught (the export or import worker, the terminal reader):
/// their names start with this, and the TUI's panic hook only logs them.
pub const WORKER_PREFIX: &str = "ruralenv-worker-";
