//! What the export and import screens and their effects (and worker thread) say to each
//! other: folders listed, the job's progress, and what was written or imported.

use crate::bundle::exchange::{ExportSummary, ImportSummary};
use crate::forms::Lang;
use crate::i18n::tui_exchange as t;
use crate::tui::picker::{Entry, Place};
use crate::tui::text::clean;
use std::path::PathBuf;

/// Work for effects.
#[derive(Debug, Clone, PartialEq)]
pub enum ExchangeCmd {
    /// Find the starting places (removable media, home, current folder).
    LoadPlaces,
    /// Read what a bundle says about itself (signer, unit, round, contents) before it is
    /// imported; its signature is checked, nothing is stored.
    Peek(PathBuf),
    /// Open the folder the picker was in last (this run or the one before), when it is
    /// still there; nothing is said when it is not (the starting places stay).
    Resume(PathBuf),
    /// Read a folder.
    List {
        dir: PathBuf,
        came_from: Option<PathBuf>,
    },
    /// Export on a worker; unless `replace`, an existing file is asked about first.
    Export {
        under: String,
        round: String,
        dir: PathBuf,
        name: String,
        replace: bool,
    },
    /// Import these files on a worker, in this order.
    Import { paths: Vec<PathBuf> },
    /// Quit while a job runs (asked for through the confirm step).
    Quit,
}

/// Why a folder could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListError {
    PermissionDenied,
    NotFound,
    NotAFolder,
    /// What the system said.
    Other(String),
}

impl ListError {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            ListError::PermissionDenied => t::permission_denied(lang).into(),
            ListError::NotFound => t::folder_not_found(lang).into(),
            ListError::NotAFolder => t::not_a_folder(lang).into(),
            ListError::Other(s) => clean(s),
        }
    }
}

/// How far a job has got: file `file` of `files` (1-based), facts `done` of `total`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JobProgress {
    pub file: usize,
    pub files: usize,
    /// The file's name (raw: cleaned when shown).
    pub name: String,
    pub done: u64,
    pub total: u64,
}

impl JobProgress {
    /// The whole job, 0.0 to 1.0: finished files plus the share of the current one.
    pub fn overall(&self) -> f64 {
        if self.files == 0 {
            return 0.0;
        }
        let part = if self.total == 0 {
            0.0
        } else {
            (self.done as f64 / self.total as f64).clamp(0.0, 1.0)
        };
        ((self.file.saturating_sub(1) as f64 + part) / self.files as f64).clamp(0.0, 1.0)
    }
}

/// Why an export wrote nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportProblem {
    /// No finalized record under the unit for the round.
    Nothing { drafts: u64 },
    /// The library's own words (escaped): English, and Chinese.
    Other { en: String, zh: String },
}

/// Why a bundle was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Signed by a key this installation does not trust.
    UnknownKey {
        /// The signer's public key (hex), to trust it from the summary (`t`).
        key: String,
        fingerprint: String,
        /// `ruralenv trust add KEY --scope CODE --name NAME`, as the library words it.
        command: String,
        claimed_name: String,
        claimed_scope: String,
    },
    /// Anything else, in the library's words (file name left out): English, and Chinese.
    Other { en: String, zh: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    Imported(Box<ImportSummary>),
    Refused(Refusal),
}

/// What importing one file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileResult {
    pub path: PathBuf,
    pub outcome: FileOutcome,
}

/// Answers of effects and of the worker thread.
#[derive(Debug, Clone)]
pub enum ExchangeMsg {
    Places(Vec<Place>),
    Listed {
        dir: PathBuf,
        came_from: Option<PathBuf>,
        result: Result<Vec<Entry>, ListError>,
    },
    /// The export file exists: `cmd` replaces it.
    Exists {
        path: PathBuf,
        cmd: ExchangeCmd,
    },
    /// The worker started.
    Started(JobProgress),
    Progress(JobProgress),
    Exported(Result<ExportSummary, ExportProblem>),
    Imported(Vec<FileResult>),
    /// The job could not start (database or key unreadable).
    Failed(String),
    /// What a bundle says about itself, or why it cannot be read (UI language).
    Peeked {
        path: PathBuf,
        about: Result<BundleAbout, String>,
    },
    Quit,
}

/// A bundle's signed claims, shown on the import list before anything is imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleAbout {
    pub exporter_name: String,
    pub exporter_scope: String,
    pub round: String,
    pub revisions: u64,
    pub fingerprint: String,
    /// The name this installation trusts the signer under, if it does.
    pub trusted_as: Option<String>,
    pub demo: bool,
}
