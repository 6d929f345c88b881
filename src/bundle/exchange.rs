//! Export and import of bundles: what the command line and the TUI call.
//!
//! [`export_bundle`] writes every fact under a division for a round (form versions,
//! revisions, reviews, resolutions) into one signed file. [`import_bundle`] merges one file
//! into the database as a set union, all or nothing, after checking, in this order:
//!
//! 1. the container (`open_bundle`): size caps, framing, then the signature before anything
//!    inside is parsed, then manifest, checksum and fact count;
//! 2. the signer against the trust list: origin is the identity this installation gave the
//!    key, never what the manifest claims; an unknown key is refused with the command that
//!    would trust it;
//! 3. the bundle id against the import log ("already imported": nothing changes);
//! 4. every fact, inside one transaction: strict parsing, no control characters anywhere
//!    (naming village and field), villages inside the key's scope and in the register,
//!    carried forms that load and agree with the versions known here, revision hashes
//!    recomputed, values validated against their own form version, reviews and resolutions
//!    pointing at revisions in the same bundle; then the manifest's counts. Any failure
//!    rolls the whole bundle back.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use super::facts::{self, Fact, FormFact, RevisionFact};
use super::format::{BundleError, Limits, Manifest, open_signed, try_write_bundle};
use super::keys::{InstallationKey, fingerprint};
use crate::forms::Form;
use crate::forms::record::{RecordData, value_problem};
use crate::forms::schema::load_used_form;
use crate::forms::value::sanitize_for_terminal;
use crate::register::{Level, is_code};
use crate::store::{InsertOutcome, Store, StoreError};

/// How far a long export or import has got, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// Report progress every this many facts.
const PROGRESS_EVERY: u64 = 500;

/// Lines the decoding thread hands on together (one wake-up of the storing thread each).
const DECODE_BATCH: usize = 64;

/// Batches an import decodes ahead of the one it stores (bounded: memory stays flat).
const DECODE_AHEAD: usize = 4;

// ------------------------------------------------------------------------------ export

/// What to export.
#[derive(Debug, Clone, Copy)]
pub struct ExportRequest<'a> {
    /// 12-digit code of a unit in the register; everything under it is exported.
    pub under: &'a str,
    pub round: &'a str,
    /// Who exports (the surveyor's or office's name); shown to importers as a claim only.
    pub exporter_name: &'a str,
    pub out: &'a Path,
}

/// What [`export_bundle`] wrote, after reading it back and verifying it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    pub path: PathBuf,
    pub bundle_id: String,
    pub under: String,
    pub under_name: String,
    pub round: String,
    /// `id@version` of every form version carried.
    pub forms: Vec<String>,
    pub revisions: u64,
    pub reviews: u64,
    pub resolutions: u64,
    /// Villages (per form) with at least one revision.
    pub villages: u64,
    /// Drafts under the unit for the round: not finalized, so not exported.
    pub drafts_left_out: u64,
    pub file_bytes: u64,
    /// The signing key's fingerprint, for the receiver to check by phone.
    pub fingerprint: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{code}: no such unit in the register (see `ruralenv divisions`)")]
    NoSuchUnit { code: String },
    #[error("round '{round}': use letters, digits, '-' or '_', e.g. 2020")]
    BadRound { round: String },
    #[error("the exporter's name contains control characters")]
    BadName,
    #[error(
        "nothing to export: no finalized records under {under} {name} for round {round}{}; \
         no file was written",
        drafts_note(*.drafts)
    )]
    Nothing {
        under: String,
        name: String,
        round: String,
        drafts: u64,
    },
    #[error(transparent)]
    Bundle(#[from] BundleError),
    #[error("cannot read the database for the export: {0}")]
    Store(#[from] StoreError),
}

fn drafts_note(drafts: u64) -> String {
    if drafts == 0 {
        String::new()
    } else {
        format!(" ({drafts} draft(s) there must be finalized first)")
    }
}

/// Rounds are short names: letters, digits, '-' and '_'.
pub fn is_valid_round(round: &str) -> bool {
    !round.is_empty()
        && round.len() <= 32
        && round
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Writes one signed bundle with every fact under `request.under` for `request.round`:
/// the form versions used, then per village (in code order) its revisions, their reviews,
/// and its resolutions. The database is read in one snapshot, one village at a time, so
/// memory does not grow with the export; the file is written to a temporary name, synced,
/// renamed, then read back and verified before this returns.
pub fn export_bundle(
    store: &Store,
    key: &InstallationKey,
    request: &ExportRequest<'_>,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportSummary, ExportError> {
    if !is_valid_round(request.round) {
        return Err(ExportError::BadRound {
            round: sanitize_for_terminal(request.round),
        });
    }
    if crate::termsafe::has_unsafe(request.exporter_name) {
        return Err(ExportError::BadName);
    }
    let unit = match is_code(request.under) {
        true => store.division(request.under)?,
        false => None,
    };
    let Some(unit) = unit else {
        return Err(ExportError::NoSuchUnit {
            code: sanitize_for_terminal(request.under),
        });
    };
    let prefix = unit.prefix().to_string();
    let round = request.round;
    store.snapshot(|store| {
        let counts = store.exchange_counts(&prefix, round)?;
        if counts.revisions == 0 {
            return Err(ExportError::Nothing {
                under: unit.code.clone(),
                name: unit.name.clone(),
                round: round.to_string(),
                drafts: counts.drafts,
            });
        }
        let form_versions = store.exchange_form_versions(&prefix, round)?;
        let mut form_facts = Vec::with_capacity(form_versions.len());
        for (form_id, version) in &form_versions {
            let (source, tables) = store.form_version_source(form_id, *version)?;
            let tables = serde_json::from_str(&tables).map_err(|e| {
                StoreError::Invalid(format!(
                    "stored tables of form {form_id}@{version} are unreadable: {e}"
                ))
            })?;
            form_facts.push(
                Fact::Form(FormFact {
                    form_id: form_id.clone(),
                    version: *version,
                    source,
                    tables,
                })
                .to_json(),
            );
        }
        let forms: Vec<String> = form_versions
            .iter()
            .map(|(id, v)| format!("{id}@{v}"))
            .collect();
        let bundle_id = crate::store::new_id();
        let manifest = Manifest {
            bundle_id: bundle_id.clone(),
            created_at: crate::store::now(),
            exporter_name: request.exporter_name.to_string(),
            exporter_scope: unit.code.clone(),
            round: round.to_string(),
            counts: BTreeMap::from([
                ("forms".to_string(), form_facts.len() as u64),
                ("revisions".to_string(), counts.revisions),
                ("reviews".to_string(), counts.reviews),
                ("resolutions".to_string(), counts.resolutions),
            ]),
            forms: forms.clone(),
            demo: store.is_demo()?,
            ..Manifest::default()
        };
        let total =
            form_facts.len() as u64 + counts.revisions + counts.reviews + counts.resolutions;
        let villages = store.exchange_villages(&prefix, round)?;
        let facts = ExportFacts {
            store,
            round,
            villages: villages.into_iter(),
            buffer: form_facts.into(),
            done: 0,
            total,
            progress: &mut *progress,
        };
        // A killed export leaves its temporary file behind: gone with the next export.
        crate::output::remove_stale_temporaries(request.out, std::time::SystemTime::now());
        let written = try_write_bundle(request.out, key, manifest, facts)?;
        progress(Progress { done: total, total });
        Ok(ExportSummary {
            path: written.path,
            bundle_id,
            under: unit.code.clone(),
            under_name: unit.name.clone(),
            round: round.to_string(),
            forms,
            revisions: counts.revisions,
            reviews: counts.reviews,
            resolutions: counts.resolutions,
            villages: counts.villages,
            drafts_left_out: counts.drafts,
            file_bytes: written.file_bytes,
            fingerprint: fingerprint(&written.signer),
        })
    })
}

/// The facts of an export, read from the database one village at a time.
struct ExportFacts<'a, 'p> {
    store: &'a Store,
    round: &'a str,
    villages: std::vec::IntoIter<(String, String)>,
    buffer: std::collections::VecDeque<serde_json::Value>,
    done: u64,
    total: u64,
    progress: &'p mut dyn FnMut(Progress),
}

impl ExportFacts<'_, '_> {
    fn load(&mut self, form_id: &str, village: &str) -> Result<(), StoreError> {
        let invalid = |e: serde_json::Error| {
            StoreError::Invalid(format!("a stored revision of {village} is unreadable: {e}"))
        };
        for (hash, content) in self
            .store
            .exchange_revisions(form_id, village, self.round)?
        {
            self.buffer
                .push_back(facts::revision_json(&hash, &content).map_err(invalid)?);
        }
        for review in self.store.exchange_reviews(form_id, village, self.round)? {
            self.buffer.push_back(Fact::Review(review).to_json());
        }
        for resolution in self
            .store
            .exchange_resolutions(form_id, village, self.round)?
        {
            self.buffer
                .push_back(Fact::Resolution(resolution).to_json());
        }
        Ok(())
    }
}

impl Iterator for ExportFacts<'_, '_> {
    type Item = Result<serde_json::Value, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(fact) = self.buffer.pop_front() {
                self.done += 1;
                if self.done.is_multiple_of(PROGRESS_EVERY) {
                    (self.progress)(Progress {
                        done: self.done,
                        total: self.total,
                    });
                }
                return Some(Ok(fact));
            }
            let (form_id, village) = self.villages.next()?;
            if let Err(e) = self.load(&form_id, &village) {
                self.villages = Vec::new().into_iter();
                return Some(Err(e));
            }
        }
    }
}

// ------------------------------------------------------------------------------ import

/// What importing one bundle did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportSummary {
    pub path: PathBuf,
    pub bundle_id: String,
    /// The signer's public key (hex) and fingerprint.
    pub signer: String,
    pub fingerprint: String,
    /// Who the signer is, from this installation's trust list (not from the bundle).
    pub trusted_name: String,
    pub trusted_scope: String,
    /// What the bundle says about itself (for display: a claim, not an identity).
    pub claimed_name: String,
    pub claimed_scope: String,
    pub round: String,
    /// This bundle was imported before; nothing changed.
    pub already_imported: bool,
    pub forms_new: u64,
    /// Revisions of records not known here before.
    pub revisions_new: u64,
    /// New revision numbers of records already known here.
    pub revisions_updated: u64,
    /// Revisions already here.
    pub revisions_unchanged: u64,
    /// New revisions that fork one already here (same record and number, other content).
    pub forks: u64,
    /// Villages of this bundle that now hold several records awaiting a person's choice.
    pub duplicates: u64,
    pub reviews_new: u64,
    pub reviews_unchanged: u64,
    pub resolutions_new: u64,
    pub resolutions_unchanged: u64,
    /// Distinct (form, village) pairs delivered.
    pub villages: u64,
    pub facts: u64,
}

/// Why a bundle was refused. Boxed: results pass through every fact of an import.
#[derive(Debug)]
pub struct ImportError(pub Box<ImportErrorKind>);

impl ImportError {
    pub fn kind(&self) -> &ImportErrorKind {
        &self.0
    }
}

/// Every text in the message passes the terminal-safety rule (`crate::termsafe`): reasons
/// quote what the bundle held.
impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::termsafe::escape_keep_newlines(&self.0.to_string()))
    }
}

impl std::error::Error for ImportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.0)
    }
}

impl From<ImportErrorKind> for ImportError {
    fn from(kind: ImportErrorKind) -> Self {
        ImportError(Box::new(kind))
    }
}

impl From<BundleError> for ImportError {
    fn from(e: BundleError) -> Self {
        ImportErrorKind::Bundle(e).into()
    }
}

/// What went wrong; every message names the file. The UI may match on this, or say it in
/// the user's language with [`ImportErrorKind::text`]; `Display` is the English text with
/// the file's name first.
#[derive(Debug)]
#[non_exhaustive]
pub enum ImportErrorKind {
    /// Damaged, truncated, tampered with, too large, or not a bundle.
    Bundle(BundleError),
    UnknownKey {
        path: PathBuf,
        key: String,
        fingerprint: String,
        claimed_name: String,
        claimed_scope: String,
    },
    OutOfScope {
        path: PathBuf,
        key: String,
        fingerprint: String,
        trusted_name: String,
        scope: String,
        scope_name: String,
        village: String,
    },
    ReusedId {
        path: PathBuf,
        bundle_id: String,
        other: String,
    },
    DemoIntoReal {
        path: PathBuf,
    },
    RealIntoDemo {
        path: PathBuf,
    },
    /// A fact is malformed, inconsistent or not allowed. Every text is escaped.
    Fact {
        path: PathBuf,
        /// 1-based line of the payload; None for the bundle as a whole.
        fact: Option<u64>,
        village: Option<String>,
        field: Option<String>,
        /// In both languages where the importer can act on it; otherwise the same English
        /// words twice (they speak to whoever made the bundle).
        reason: crate::forms::Text,
    },
    Store {
        path: PathBuf,
        source: StoreError,
    },
}

impl std::fmt::Display for ImportErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.with_path(crate::forms::Lang::En))
    }
}

impl std::error::Error for ImportErrorKind {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ImportErrorKind::Bundle(e) => Some(e),
            ImportErrorKind::Store { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl ImportErrorKind {
    /// The file the refusal is about.
    pub fn path(&self) -> &Path {
        match self {
            ImportErrorKind::Bundle(b) => &b.path,
            ImportErrorKind::UnknownKey { path, .. }
            | ImportErrorKind::OutOfScope { path, .. }
            | ImportErrorKind::ReusedId { path, .. }
            | ImportErrorKind::DemoIntoReal { path }
            | ImportErrorKind::RealIntoDemo { path }
            | ImportErrorKind::Fact { path, .. }
            | ImportErrorKind::Store { path, .. } => path,
        }
    }

    /// The whole message in `lang`: the file's name, why it was refused, and for a key
    /// this installation does not trust, the command that would trust it on its own line.
    /// Escaped by the terminal-safety rule.
    pub fn with_path(&self, lang: crate::forms::Lang) -> String {
        let mut text =
            crate::i18n::file_problem(lang, &crate::termsafe::path(self.path()), &self.text(lang));
        if let Some(command) = self.trust_add_command() {
            let command = crate::termsafe::escape(&command);
            text.push_str(&crate::i18n::trust_hint(lang, &command));
        }
        text
    }

    /// Why the bundle was refused, in `lang` and without the file's name (the TUI shows
    /// the file on its own line). A fact's reason, written for whoever made the bundle,
    /// stays in English. Escaped by the terminal-safety rule.
    pub fn text(&self, lang: crate::forms::Lang) -> String {
        crate::termsafe::escape_keep_newlines(&self.text_unescaped(lang)).into_owned()
    }

    /// [`ImportErrorKind::text`] in Chinese, for the TUI.
    pub fn zh(&self) -> String {
        self.text(crate::forms::Lang::Zh)
    }

    fn text_unescaped(&self, lang: crate::forms::Lang) -> String {
        use crate::i18n::data as m;
        match self {
            ImportErrorKind::Bundle(e) => m::import_bundle_damaged(lang, &e.kind.text(lang)),
            ImportErrorKind::UnknownKey {
                fingerprint,
                claimed_name,
                claimed_scope,
                ..
            } => m::import_unknown_key(lang, fingerprint, claimed_name, claimed_scope),
            ImportErrorKind::OutOfScope {
                key,
                fingerprint,
                trusted_name,
                scope,
                scope_name,
                village,
                ..
            } => m::import_out_of_scope(
                lang,
                village,
                trusted_name,
                fingerprint,
                scope,
                scope_name,
                key,
            ),
            ImportErrorKind::ReusedId {
                bundle_id, other, ..
            } => m::import_reused_id(lang, bundle_id, other),
            ImportErrorKind::Fact {
                fact,
                village,
                field,
                reason,
                ..
            } => {
                let at = m::fact_place(lang, *fact, village.as_deref(), field.as_deref());
                m::import_fact_refused(lang, &at, reason.get(lang))
            }
            ImportErrorKind::Store { source, .. } => {
                m::import_store_error(lang, &m::store_error(lang, source))
            }
            ImportErrorKind::DemoIntoReal { .. } => m::import_demo_into_real(lang),
            ImportErrorKind::RealIntoDemo { .. } => m::import_real_into_demo(lang),
        }
    }

    /// For a key this installation does not trust: the command that would trust it, as
    /// the message words it (the TUI shows it on its own line, to copy).
    pub fn trust_add_command(&self) -> Option<String> {
        match self {
            ImportErrorKind::UnknownKey {
                key,
                claimed_name,
                claimed_scope,
                ..
            } => Some(format!(
                "ruralenv trust add {key} --scope {claimed_scope} --name {}",
                shell_quote(claimed_name)
            )),
            _ => None,
        }
    }
}

/// Quotes a word for a POSIX shell, for commands we print for people to copy.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '@'))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Verifies one bundle and merges it into `store`, all or nothing; see the module
/// documentation for the order of checks. `progress` is called every few hundred facts.
pub fn import_bundle(
    store: &mut Store,
    path: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportSummary, ImportError> {
    import_bundle_with_limits(store, path, &Limits::default(), progress)
}

/// [`import_bundle`] with other caps than the defaults.
pub fn import_bundle_with_limits(
    store: &mut Store,
    path: &Path,
    limits: &Limits,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportSummary, ImportError> {
    let mut results = import_in_transaction(store, &[path], limits, &mut |_, p| progress(p));
    results.pop().unwrap_or_else(|| {
        Err(ImportErrorKind::Store {
            path: path.to_path_buf(),
            source: StoreError::Invalid("nothing was imported".into()),
        }
        .into())
    })
}

/// How many bundles share one database transaction in [`import_bundles`]: each bundle is
/// still all or nothing (a savepoint), but the fsync of a commit is paid once per batch
/// rather than once per bundle, which dominates when a county takes in thousands of small
/// township bundles.
pub const BUNDLES_PER_COMMIT: usize = 256;

/// Imports several bundles, each on its own and all or nothing, and returns one result
/// per file, in order. A bundle refused does not stop the others. Files are committed in
/// batches of [`BUNDLES_PER_COMMIT`]; a result is only `Ok` once its batch is committed.
/// `progress` gets the file being imported and how far it is.
pub fn import_bundles(
    store: &mut Store,
    paths: &[PathBuf],
    progress: &mut dyn FnMut(&Path, Progress),
) -> Vec<Result<ImportSummary, ImportError>> {
    let mut out = Vec::with_capacity(paths.len());
    import_bundles_each(store, paths, progress, &mut |r| out.push(r));
    out
}

/// [`import_bundles`] handing each file's result to `on_result` as soon as its batch is
/// committed, in order, so that memory stays flat however many files there are (a county
/// or province takes in thousands of township bundles at once).
pub fn import_bundles_each(
    store: &mut Store,
    paths: &[PathBuf],
    progress: &mut dyn FnMut(&Path, Progress),
    on_result: &mut dyn FnMut(Result<ImportSummary, ImportError>),
) {
    for chunk in paths.chunks(BUNDLES_PER_COMMIT) {
        let chunk: Vec<&Path> = chunk.iter().map(PathBuf::as_path).collect();
        for r in import_in_transaction(store, &chunk, &Limits::default(), progress) {
            on_result(r);
        }
    }
}

/// One transaction, one savepoint per file.
fn import_in_transaction(
    store: &mut Store,
    paths: &[&Path],
    limits: &Limits,
    progress: &mut dyn FnMut(&Path, Progress),
) -> Vec<Result<ImportSummary, ImportError>> {
    let mut results = Vec::with_capacity(paths.len());
    let committed = store.try_transaction(|store| -> Result<(), StoreError> {
        // Each bundle rebuilds the roll-up of the townships it changed, once.
        store.defer_rollup()?;
        for &path in paths {
            results.push(import_one(store, path, limits, &mut |p| progress(path, p)));
        }
        store.resume_rollup()
    });
    if let Err(e) = committed {
        // Nothing of this batch is stored: say so for every file that looked imported.
        let failed = |path: &Path| -> ImportError {
            ImportErrorKind::Store {
                path: path.to_path_buf(),
                source: refused_again(&e),
            }
            .into()
        };
        if results.is_empty() {
            return paths.iter().map(|p| Err(failed(p))).collect();
        }
        for (result, path) in results.iter_mut().zip(paths) {
            if result.is_ok() {
                *result = Err(failed(path));
            }
        }
    }
    results
}

/// The store error that refused a batch, once for each of its files: a SQLite error as
/// itself (by its code it is said in the run's language: busy, disk full…), another one in
/// its English words.
fn refused_again(e: &StoreError) -> StoreError {
    match e {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(code, message)) => {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(*code, message.clone()))
        }
        other => StoreError::Invalid(format!("the database refused the import: {other}")),
    }
}

/// Checks and merges one bundle inside the caller's transaction, in a savepoint.
fn import_one(
    store: &mut Store,
    path: &Path,
    limits: &Limits,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportSummary, ImportError> {
    // Signature and manifest only: the payload stays compressed until the signer is known
    // to be trusted.
    let bundle = open_signed(path, limits)?;
    let store_err = |source| -> ImportError {
        ImportErrorKind::Store {
            path: path.to_path_buf(),
            source,
        }
        .into()
    };
    let signer = hex::encode(bundle.signer);
    let m = &bundle.manifest;
    let Some(trusted) = store.trusted_key(&signer).map_err(store_err)? else {
        return Err(ImportErrorKind::UnknownKey {
            path: path.to_path_buf(),
            key: signer,
            fingerprint: fingerprint(&bundle.signer),
            claimed_name: m.exporter_name.clone(),
            claimed_scope: m.exporter_scope.clone(),
        }
        .into());
    };
    // Trusted: now, and only now, the payload is decompressed and checked.
    let bundle = bundle.verify_payload()?;
    let m = &bundle.manifest;
    let declared: Option<Vec<String>> = store
        .setting("rounds")
        .map_err(store_err)?
        .and_then(|s| serde_json::from_str(&s).ok())
        .flatten();
    if let Err(e) = crate::forms::check_round(&m.round, declared.as_deref()) {
        return Err(ImportErrorKind::Fact {
            path: path.to_path_buf(),
            fact: None,
            village: None,
            field: Some("round".into()),
            reason: crate::i18n::both(|l| e.message(l)),
        }
        .into());
    }
    // Demo data never passes for real data, nor real data for demo data.
    let here_demo = store.is_demo().map_err(store_err)?;
    if m.demo && !here_demo && store.holds_data().map_err(store_err)? {
        return Err(ImportErrorKind::DemoIntoReal {
            path: path.to_path_buf(),
        }
        .into());
    }
    if !m.demo && here_demo {
        return Err(ImportErrorKind::RealIntoDemo {
            path: path.to_path_buf(),
        }
        .into());
    }
    let mut summary = ImportSummary {
        path: path.to_path_buf(),
        bundle_id: m.bundle_id.clone(),
        signer: signer.clone(),
        fingerprint: fingerprint(&bundle.signer),
        trusted_name: trusted.name.clone(),
        trusted_scope: trusted.scope.clone(),
        claimed_name: m.exporter_name.clone(),
        claimed_scope: m.exporter_scope.clone(),
        round: m.round.clone(),
        facts: m.payload_facts,
        ..ImportSummary::default()
    };
    // A bundle is its signer and its id together: the same id from another key is another
    // bundle, checked and merged on its own merits (see docs/bundle-format.md, "Bundle
    // ids"), so that no key can block another's bundle by using its id first.
    if store
        .imported_bundle_from(&signer, &m.bundle_id)
        .map_err(store_err)?
        .is_some()
    {
        summary.already_imported = true;
        progress(Progress {
            done: m.payload_facts,
            total: m.payload_facts,
        });
        return Ok(summary);
    }
    let scope = store.division(&trusted.scope).map_err(store_err)?;
    let Some(scope) = scope else {
        return Err(ImportErrorKind::Fact {
            path: path.to_path_buf(),
            fact: None,
            village: None,
            field: None,
            reason: crate::i18n::both(|l| {
                crate::i18n::data::fact_scope_not_in_register(l, &trusted.scope, &signer)
            }),
        }
        .into());
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut pass = Pass {
        path,
        manifest: m,
        signer: &signer,
        trusted: &trusted,
        scope_prefix: scope.prefix().to_string(),
        scope_name: scope.name.clone(),
        forms: SharedForms::default(),
        carried_forms: BTreeSet::new(),
        revisions: HashMap::new(),
        villages_checked: HashSet::new(),
        township_units: None,
        villages: BTreeSet::new(),
        touched: BTreeSet::new(),
        counts: BTreeMap::new(),
        summary,
    };
    let total = m.payload_facts;
    let forms = Arc::clone(&pass.forms);
    store
        .savepoint(|store| {
            // Two stages, one per core: a second thread decompresses the payload, decodes
            // each revision, recomputes its hash and checks its values against its form
            // (when that form is already in use here); this thread takes the lines in
            // order, makes every other check and stores them. The result is the same as
            // doing it all here: what the second thread could not decide is decided here.
            std::thread::scope(|scope| {
                let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<_>>(DECODE_AHEAD);
                let bundle = &bundle;
                scope.spawn(move || {
                    let mut lines = bundle.fact_lines();
                    let mut batch = Vec::with_capacity(DECODE_BATCH);
                    while let Some(line) = lines.next_line() {
                        let item = line.map(|l| decode_line(l, &forms));
                        let stop = item.is_err();
                        batch.push(item);
                        if stop || batch.len() == DECODE_BATCH {
                            let full =
                                std::mem::replace(&mut batch, Vec::with_capacity(DECODE_BATCH));
                            // The receiver is gone when the import stopped at an error.
                            if tx.send(full).is_err() || stop {
                                return;
                            }
                        }
                    }
                    let _ = tx.send(batch);
                });
                let mut n = 0u64;
                for item in rx.into_iter().flatten() {
                    n += 1;
                    pass.apply_decoded(store, n, item?)?;
                    if n.is_multiple_of(PROGRESS_EVERY) {
                        progress(Progress { done: n, total });
                    }
                }
                pass.finish(store, &file_name)
            })
        })
        .map_err(|e| match *e.0 {
            // The savepoint itself failed: name the file.
            ImportErrorKind::Store { path: p, source } if p.as_os_str().is_empty() => {
                ImportErrorKind::Store {
                    path: path.to_path_buf(),
                    source,
                }
                .into()
            }
            other => ImportError(Box::new(other)),
        })?;
    progress(Progress { done: total, total });
    Ok(pass.summary)
}

fn parse_fingerprint(hex_key: &str) -> String {
    let mut bytes = [0u8; 32];
    match hex::decode_to_slice(hex_key, &mut bytes) {
        Ok(()) => fingerprint(&bytes),
        Err(_) => sanitize_for_terminal(hex_key),
    }
}

impl From<StoreError> for ImportError {
    // Only reached through `savepoint` itself, which names no file; the import wraps every
    // other store error with its path.
    fn from(source: StoreError) -> Self {
        ImportErrorKind::Store {
            path: PathBuf::new(),
            source,
        }
        .into()
    }
}

/// The state of one import while its facts stream by.
struct Pass<'a> {
    path: &'a Path,
    manifest: &'a Manifest,
    signer: &'a str,
    trusted: &'a crate::store::TrustedKey,
    scope_prefix: String,
    scope_name: String,
    /// Forms usable by revisions: carried so far, or loaded from the database. Shared
    /// with the decoding thread, which checks values against a form found here.
    forms: SharedForms,
    carried_forms: BTreeSet<String>,
    /// Revisions of this bundle: (record, rev, hash) → (form, village).
    revisions: HashMap<(String, u32, String), (String, String)>,
    /// Villages found in the register and inside the scope.
    villages_checked: HashSet<String>,
    /// The register's units of the township looked up last, by code: a bundle lists a
    /// township's villages together, so one range read serves them all.
    township_units: Option<(String, HashMap<String, crate::store::DivisionRow>)>,
    /// (form, village) pairs delivered.
    villages: BTreeSet<(String, String)>,
    /// (form, village, round) whose `current` row must be recomputed.
    touched: BTreeSet<(String, String, String)>,
    counts: BTreeMap<&'static str, u64>,
    summary: ImportSummary,
}

impl Pass<'_> {
    /// A fact refused for a technical reason meant for whoever made the bundle's software
    /// (the detail in English, labelled in the run's language).
    fn refuse(
        &self,
        fact: Option<u64>,
        village: Option<&str>,
        field: Option<&str>,
        reason: impl AsRef<str>,
    ) -> ImportError {
        let reason = sanitize_for_terminal(reason.as_ref());
        let reason = crate::i18n::both(|l| crate::i18n::data::bundle_fact_malformed(l, &reason));
        self.refuse_in(fact, village, field, reason)
    }

    /// A fact refused for a reason in both languages (`i18n::data`).
    fn refuse_in(
        &self,
        fact: Option<u64>,
        village: Option<&str>,
        field: Option<&str>,
        reason: crate::forms::Text,
    ) -> ImportError {
        let clean = |s: &str| sanitize_for_terminal(s);
        ImportErrorKind::Fact {
            path: self.path.to_path_buf(),
            fact,
            village: village.map(clean),
            field: field.map(clean),
            reason: crate::forms::Text::new(&clean(&reason.zh), &clean(&reason.en)),
        }
        .into()
    }

    fn store_err(&self, source: StoreError) -> ImportError {
        ImportErrorKind::Store {
            path: self.path.to_path_buf(),
            source,
        }
        .into()
    }

    /// One line of the payload as the decoding thread left it (see [`decode_line`]): a
    /// revision decoded straight into its types, or the raw line of anything else (and of
    /// a revision that does not decode or holds a character the terminal-safety rule
    /// refuses), which goes through [`Pass::apply`]: it decodes the generic JSON first and
    /// so names the offending field exactly as before. The typed path accepts exactly what
    /// that one accepts, only faster.
    fn apply_decoded(
        &mut self,
        store: &mut Store,
        n: u64,
        line: Decoded,
    ) -> Result<(), ImportError> {
        let line = match line {
            Decoded::Revision(fact, pre) => {
                *self.counts.entry("revision").or_default() += 1;
                return self.apply_revision(store, n, *fact, Some(pre));
            }
            Decoded::Other(line) => line,
        };
        let value: serde_json::Value = serde_json::from_slice(&line).map_err(|e| {
            crate::bundle::format::BundleError::new(
                self.path,
                crate::bundle::format::BundleErrorKind::BadFact {
                    fact: n,
                    reason: e.to_string(),
                },
            )
        })?;
        self.apply(store, n, value)
    }

    fn apply(
        &mut self,
        store: &mut Store,
        n: u64,
        value: serde_json::Value,
    ) -> Result<(), ImportError> {
        if let Some(at) = facts::control_char_path(&value) {
            let village = village_of(&value, &self.revisions);
            return Err(self.refuse(
                Some(n),
                village.as_deref(),
                Some(&facts::display_path(&at)),
                "the text contains control characters",
            ));
        }
        let village = village_of(&value, &self.revisions);
        let fact = Fact::from_json(value)
            .map_err(|e| self.refuse(Some(n), village.as_deref(), None, e))?;
        *self.counts.entry(fact.kind()).or_default() += 1;
        match fact {
            Fact::Form(f) => self.apply_form(store, n, f),
            Fact::Revision(r) => self.apply_revision(store, n, r, None),
            Fact::Review(v) => {
                let key = (v.record_id.clone(), v.rev, v.hash.clone());
                let Some((form_id, village)) = self.revisions.get(&key) else {
                    return Err(self.refuse(
                        Some(n),
                        None,
                        Some("record_id"),
                        format!(
                            "the review is of revision {} of record {}, which is not in this \
                             bundle",
                            v.rev, v.record_id
                        ),
                    ));
                };
                if v.review_id.is_empty() {
                    let village = village.clone();
                    return Err(self.refuse(Some(n), Some(&village), Some("review_id"), "empty"));
                }
                if let Err(reason) = facts::check_time(&v.at) {
                    let village = village.clone();
                    return Err(self.refuse(Some(n), Some(&village), Some("at"), reason));
                }
                if store.merge_review(&v).map_err(|e| self.store_err(e))? {
                    // Whether the village counts may change: rebuild its township.
                    let (form_id, village) = (form_id.clone(), village.clone());
                    self.touched
                        .insert((form_id, village, self.manifest.round.clone()));
                    self.summary.reviews_new += 1;
                } else {
                    self.summary.reviews_unchanged += 1;
                }
                Ok(())
            }
            Fact::Resolution(s) => {
                let village = Some(s.village_code.as_str());
                let key = (s.record_id.clone(), s.rev, s.hash.clone());
                match self.revisions.get(&key) {
                    None => {
                        return Err(self.refuse(
                            Some(n),
                            village,
                            Some("record_id"),
                            format!(
                                "the resolution chooses revision {} of record {}, which is not \
                                 in this bundle",
                                s.rev, s.record_id
                            ),
                        ));
                    }
                    Some((form_id, v)) if form_id != &s.form_id || v != &s.village_code => {
                        return Err(self.refuse(
                            Some(n),
                            village,
                            Some("village_code"),
                            format!(
                                "the resolution is for {}/{} but the revision it chooses is for \
                                 {form_id}/{v}",
                                s.form_id, s.village_code
                            ),
                        ));
                    }
                    Some(_) => {}
                }
                if s.round != self.manifest.round {
                    return Err(self.refuse(
                        Some(n),
                        village,
                        Some("round"),
                        format!(
                            "round {} in a bundle for round {}",
                            s.round, self.manifest.round
                        ),
                    ));
                }
                if s.kind != "fork" && s.kind != "duplicate" {
                    return Err(self.refuse(
                        Some(n),
                        village,
                        Some("kind"),
                        format!(
                            "unknown kind of resolution '{}' (fork or duplicate)",
                            s.kind
                        ),
                    ));
                }
                if s.resolution_id.is_empty() {
                    return Err(self.refuse(Some(n), village, Some("resolution_id"), "empty"));
                }
                if let Err(reason) = facts::check_time(&s.at) {
                    return Err(self.refuse(Some(n), village, Some("at"), reason));
                }
                if store
                    .merge_resolution_deferred(&s)
                    .map_err(|e| self.store_err(e))?
                {
                    self.summary.resolutions_new += 1;
                    self.touched.insert((
                        s.form_id.clone(),
                        s.village_code.clone(),
                        s.round.clone(),
                    ));
                } else {
                    self.summary.resolutions_unchanged += 1;
                }
                Ok(())
            }
        }
    }

    fn apply_form(&mut self, store: &mut Store, n: u64, f: FormFact) -> Result<(), ImportError> {
        let key = format!("{}@{}", f.form_id, f.version);
        let differs = || {
            self.refuse(
                Some(n),
                None,
                Some("source"),
                format!(
                    "form {key} in the bundle differs from the form {key} already used here; \
                     the same version number must always mean the same form (whoever changed \
                     it must raise `version` and fill the records again)"
                ),
            )
        };
        let hash = crate::store::exchange::form_hash(&f.source, &f.tables);
        match store
            .form_version_hash(&f.form_id, f.version)
            .map_err(|e| self.store_err(e))?
        {
            // Already here, byte for byte: it was checked when it first arrived (or is this
            // installation's own), so it need not be loaded again for every bundle.
            Some(known) if known == hash => {
                let form = store
                    .form_version(&f.form_id, f.version)
                    .map_err(|e| self.store_err(e))?;
                self.carried_forms.insert(key);
                self.add_form((f.form_id, f.version), form);
                return Ok(());
            }
            Some(_) => return Err(differs()),
            None => {}
        }
        let form = load_used_form(&key, &f.source, &f.tables).map_err(|errors| {
            self.refuse(
                Some(n),
                None,
                Some("source"),
                format!(
                    "form {key} does not load: {}",
                    crate::forms::FormErrors(errors)
                ),
            )
        })?;
        if form.id != f.form_id || form.version != f.version {
            return Err(self.refuse(
                Some(n),
                None,
                Some("source"),
                format!("the form's source defines {} instead of {key}", form.key()),
            ));
        }
        if let Some((place, _)) = facts::form_texts(&form)
            .into_iter()
            .find(|(_, t)| crate::termsafe::has_unsafe(t))
        {
            return Err(self.refuse(
                Some(n),
                None,
                Some(&format!("form {key}: {place}")),
                "the text contains control characters",
            ));
        }
        store.ensure_form(&form).map_err(|e| match e {
            StoreError::Invalid(_) => differs(),
            other => self.store_err(other),
        })?;
        self.summary.forms_new += 1;
        self.carried_forms.insert(key);
        self.add_form((form.id.clone(), form.version), form);
        Ok(())
    }

    fn check_village(&mut self, store: &Store, n: u64, village: &str) -> Result<(), ImportError> {
        if self.villages_checked.contains(village) {
            return Ok(());
        }
        if !is_code(village) {
            return Err(self.refuse_in(
                Some(n),
                Some(village),
                Some("village_code"),
                crate::i18n::both(crate::i18n::data::fact_not_a_village_code),
            ));
        }
        if !village.starts_with(&self.scope_prefix) {
            return Err(ImportErrorKind::OutOfScope {
                path: self.path.to_path_buf(),
                key: self.signer.to_string(),
                fingerprint: parse_fingerprint(self.signer),
                trusted_name: sanitize_for_terminal(&self.trusted.name),
                scope: self.trusted.scope.clone(),
                scope_name: sanitize_for_terminal(&self.scope_name),
                village: village.to_string(),
            }
            .into());
        }
        let township = &village[..9];
        if self
            .township_units
            .as_ref()
            .is_none_or(|(t, _)| t != township)
        {
            let units = store
                .divisions_with_prefix(township)
                .map_err(|e| self.store_err(e))?;
            let units = units.into_iter().map(|d| (d.code.clone(), d)).collect();
            self.township_units = Some((township.to_string(), units));
        }
        let unit = self
            .township_units
            .as_ref()
            .and_then(|(_, units)| units.get(village))
            .cloned();
        match unit {
            Some(d) if d.level == Level::Village && d.in_scope => {}
            Some(d) if d.level == Level::Village => {
                return Err(self.refuse_in(
                    Some(n),
                    Some(village),
                    Some("village_code"),
                    crate::i18n::both(|l| {
                        crate::i18n::data::fact_village_out_of_scope(l, village, &d.name)
                    }),
                ));
            }
            Some(d) => {
                return Err(self.refuse_in(
                    Some(n),
                    Some(village),
                    Some("village_code"),
                    crate::i18n::both(|l| {
                        let level = crate::i18n::level(l, d.level);
                        crate::i18n::data::fact_not_a_village(l, &d.name, level)
                    }),
                ));
            }
            None => {
                return Err(self.refuse_in(
                    Some(n),
                    Some(village),
                    Some("village_code"),
                    crate::i18n::both(crate::i18n::data::fact_not_in_register),
                ));
            }
        }
        self.villages_checked.insert(village.to_string());
        Ok(())
    }

    fn add_form(&mut self, key: (String, u32), form: Form) -> Arc<Form> {
        let form = Arc::new(form);
        self.forms
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, Arc::clone(&form));
        form
    }

    fn form_for(&mut self, store: &mut Store, id: &str, version: u32) -> Option<Arc<Form>> {
        let key = (id.to_string(), version);
        if let Some(form) = self
            .forms
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
        {
            return Some(Arc::clone(form));
        }
        let form = store.form_version(id, version).ok()?;
        Some(self.add_form(key, form))
    }

    /// One revision, with what the decoding thread already computed for it, if anything.
    fn apply_revision(
        &mut self,
        store: &mut Store,
        n: u64,
        fact: RevisionFact,
        pre: Option<Precomputed>,
    ) -> Result<(), ImportError> {
        let RevisionFact { hash, revision: r } = fact;
        let village = r.village_code.clone();
        let at = |field: &str| (Some(n), Some(village.clone()), Some(field.to_string()));
        let refuse = |this: &Self,
                      (fact, village, field): (Option<u64>, Option<String>, Option<String>),
                      reason: String| {
            this.refuse(fact, village.as_deref(), field.as_deref(), reason)
        };
        self.check_village(store, n, &village)?;
        if r.round != self.manifest.round {
            return Err(refuse(
                self,
                at("round"),
                format!(
                    "round {} in a bundle for round {}",
                    r.round, self.manifest.round
                ),
            ));
        }
        if r.record_id.is_empty() || r.record_id.len() > 64 {
            return Err(refuse(
                self,
                at("record_id"),
                "a record id is 1 to 64 characters".into(),
            ));
        }
        if let Err(reason) = crate::store::check_rev(&r.record_id, r.rev) {
            return Err(refuse(self, at("rev"), reason));
        }
        if let Err(reason) = facts::check_time(&r.finalized_at) {
            return Err(refuse(self, at("finalized_at"), reason));
        }
        if !facts::is_sha256_hex(&hash) {
            return Err(refuse(
                self,
                at("hash"),
                "not 64 lowercase hexadecimal digits".into(),
            ));
        }
        if r.parent_hash
            .as_deref()
            .is_some_and(|p| !facts::is_sha256_hex(p))
        {
            return Err(refuse(
                self,
                at("parent_hash"),
                "not 64 lowercase hexadecimal digits".into(),
            ));
        }
        let (content, hash_ok, checked) = match pre {
            Some(p) => (p.content, p.hash_ok, p.checked),
            None => {
                let content = String::from_utf8(r.canonical()).unwrap_or_default();
                let ok = crate::store::sha256_hex(content.as_bytes()) == hash;
                (content, ok, None)
            }
        };
        if !hash_ok {
            return Err(refuse(
                self,
                at("hash"),
                "the revision's content does not match its hash: it was altered, or made by \
                 faulty software"
                    .into(),
            ));
        }
        let Some(form) = self.form_for(store, &r.form_id, r.form_version) else {
            return Err(refuse(
                self,
                at("form_version"),
                format!(
                    "form {}@{} is neither in the bundle (before this revision) nor known here",
                    r.form_id, r.form_version
                ),
            ));
        };
        // The decoding thread judged by the form it found under the same (id, version)
        // in the same map: the same form, since a version, once in use in an import, is
        // never replaced by a different one (`apply_form` refuses that).
        let (verdict, terms) = match checked {
            Some(c) => {
                debug_assert_eq!((&c.form.id, c.form.version), (&form.id, form.version));
                (c.verdict, Some(c.terms))
            }
            None => (check_data(&form, &r.data), None),
        };
        if let Err((field, reason)) = verdict {
            return Err(refuse(self, at(&field), reason));
        }
        let outcome = store
            .merge_canonical_deferred(&r, &form, &content, &hash, terms)
            .map_err(|e| match e {
                StoreError::Invalid(reason) => refuse(self, at("record_id"), reason),
                other => self.store_err(other),
            })?;
        match outcome {
            InsertOutcome::New => self.summary.revisions_new += 1,
            InsertOutcome::Updated => self.summary.revisions_updated += 1,
            InsertOutcome::Unchanged => self.summary.revisions_unchanged += 1,
            InsertOutcome::Fork => {
                self.summary.revisions_updated += 1;
                self.summary.forks += 1;
            }
        }
        if outcome != InsertOutcome::Unchanged {
            self.touched
                .insert((r.form_id.clone(), village.clone(), r.round.clone()));
        }
        self.villages.insert((r.form_id.clone(), village.clone()));
        self.revisions
            .insert((r.record_id, r.rev, hash), (r.form_id, village));
        Ok(())
    }

    /// After the last fact: the manifest must have told the truth; then recompute what
    /// counts where anything changed, and log the import.
    fn finish(&mut self, store: &mut Store, file_name: &str) -> Result<(), ImportError> {
        for (key, declared) in &self.manifest.counts {
            if !facts::KINDS.iter().any(|k| facts::count_key(k) == key) {
                return Err(self.refuse(
                    None,
                    None,
                    None,
                    format!("the manifest counts an unknown kind of fact '{key}'"),
                ));
            }
            let _ = declared;
        }
        for kind in facts::KINDS {
            let found = self.counts.get(kind).copied().unwrap_or(0);
            let declared = self
                .manifest
                .counts
                .get(facts::count_key(kind))
                .copied()
                .unwrap_or(0);
            if found != declared {
                return Err(self.refuse(
                    None,
                    None,
                    None,
                    format!(
                        "the manifest announces {declared} {} but the bundle holds {found}",
                        facts::count_key(kind)
                    ),
                ));
            }
        }
        let listed: BTreeSet<String> = self.manifest.forms.iter().cloned().collect();
        if listed != self.carried_forms {
            return Err(self.refuse(
                None,
                None,
                None,
                format!(
                    "the manifest lists the forms [{}] but the bundle carries [{}]",
                    listed.into_iter().collect::<Vec<_>>().join(", "),
                    self.carried_forms
                        .iter()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        // Per township, with one set-based statement each: the same `current` rows as
        // recomputing every touched village, for a fraction of the queries. (Measured on a
        // province's bundle: one statement per city is slower, its sorts grow; per county
        // no different from per township; writing the row of a village that had none and
        // received one revision directly, without the statement, no faster either: the
        // cost is in writing the rows.)
        let townships: BTreeSet<(&str, &str, &str)> = self
            .touched
            .iter()
            .map(|(form_id, village, round)| (form_id.as_str(), round.as_str(), &village[..9]))
            .collect();
        for (form_id, round, township) in townships {
            store
                .recompute_current_under(form_id, round, township)
                .map_err(|e| self.store_err(e))?;
            store
                .rebuild_township_rollup(form_id, round, township)
                .map_err(|e| self.store_err(e))?;
        }
        // Villages of this bundle now holding several records no person chose between:
        // one range query per township instead of one lookup per village.
        let mut delivered: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (form_id, village) in &self.villages {
            delivered
                .entry(form_id.as_str())
                .or_default()
                .insert(village.as_str());
        }
        for (form_id, villages) in &delivered {
            let townships: BTreeSet<&str> = villages.iter().map(|v| &v[..9]).collect();
            for prefix in townships {
                let open = store
                    .unresolved_duplicates_under(form_id, &self.manifest.round, prefix)
                    .map_err(|e| self.store_err(e))?;
                self.summary.duplicates += open
                    .iter()
                    .filter(|v| villages.contains(v.as_str()))
                    .count() as u64;
            }
        }
        self.summary.villages = self.villages.len() as u64;
        if self.manifest.demo {
            store.mark_demo().map_err(|e| self.store_err(e))?;
        }
        store
            .record_import(&self.manifest.bundle_id, file_name, self.signer)
            .map_err(|e| self.store_err(e))?;
        Ok(())
    }
}

/// Form versions by (id, version), shared by an import's two threads.
type SharedForms = Arc<RwLock<HashMap<(String, u32), Arc<Form>>>>;

/// A line of the payload as the decoding thread hands it on.
enum Decoded {
    /// A revision fact, decoded, with what was computed for it.
    Revision(Box<RevisionFact>, Precomputed),
    /// Any other line, or a revision the typed path does not take: decoded in order by
    /// the storing thread.
    Other(Vec<u8>),
}

/// What the decoding thread computed for a revision.
struct Precomputed {
    /// Its canonical JSON, as stored.
    content: String,
    /// Whether that content hashes to the fact's `hash`.
    hash_ok: bool,
    /// Its values judged by a form known when it was decoded (and its hash matched).
    checked: Option<Checked>,
}

/// The decoding thread's judgement of a revision's values by one form. The values
/// themselves are then dropped there: the storing thread needs only this.
struct Checked {
    form: Arc<Form>,
    /// `check_data`'s verdict.
    verdict: Result<(), (String, String)>,
    /// `form.contributions(values)` when the verdict is Ok, else empty.
    terms: Vec<(String, f64, f64)>,
}

/// The decoding thread's part of one line (see [`Pass::apply_decoded`]).
fn decode_line(line: &[u8], forms: &SharedForms) -> Decoded {
    let Ok(RevisionLine {
        kind,
        hash,
        mut revision,
    }) = serde_json::from_slice::<RevisionLine>(line)
    else {
        return Decoded::Other(line.to_vec());
    };
    if kind != "revision" || revision_has_unsafe_text(&hash, &revision) {
        return Decoded::Other(line.to_vec());
    }
    let content = String::from_utf8(revision.canonical()).unwrap_or_default();
    let hash_ok = crate::store::sha256_hex(content.as_bytes()) == hash;
    let form = hash_ok
        .then(|| {
            forms
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get(&(revision.form_id.clone(), revision.form_version))
                .cloned()
        })
        .flatten();
    let checked = form.map(|form| {
        let verdict = check_data(&form, &revision.data);
        let terms = match verdict {
            Ok(()) => form.contributions(&revision.data),
            Err(_) => Vec::new(),
        };
        // Freed here, on the thread that allocated them.
        drop(std::mem::take(&mut revision.data));
        Checked {
            form,
            verdict,
            terms,
        }
    });
    Decoded::Revision(
        Box::new(RevisionFact { hash, revision }),
        Precomputed {
            content,
            hash_ok,
            checked,
        },
    )
}

/// A revision fact as a line of the payload: `{"kind": "revision", "hash": …,
/// "revision": {…}}`, nothing else (what `Fact::from_json` accepts for that kind).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RevisionLine {
    kind: String,
    hash: String,
    revision: crate::store::Revision,
}

/// Does any text of a decoded revision fact (keys included) hold a character the
/// terminal-safety rule refuses? The same strings `facts::control_char_path` walks.
fn revision_has_unsafe_text(hash: &str, r: &crate::store::Revision) -> bool {
    use crate::forms::value::Value;
    let bad = crate::termsafe::has_unsafe;
    let value = |v: &Value| match v {
        Value::Text(s) => bad(s),
        Value::Choices(c) => c.iter().any(|s| bad(s)),
        _ => false,
    };
    bad(hash)
        || bad(&r.record_id)
        || r.parent_hash.as_deref().is_some_and(bad)
        || bad(&r.form_id)
        || bad(&r.village_code)
        || bad(&r.round)
        || bad(&r.finalized_at)
        || bad(&r.finalized_by)
        || r.data.values.iter().any(|(k, v)| bad(k) || value(v))
        || r.data.groups.iter().any(|(g, rows)| {
            bad(g)
                || rows
                    .iter()
                    .any(|row| bad(&row.id) || row.values.iter().any(|(k, v)| bad(k) || value(v)))
        })
        || r.changes
            .iter()
            .any(|c| bad(&c.field) || value(&c.old) || value(&c.new))
}

/// The village a raw fact is about, for messages: its own `village_code`, or that of the
/// revision a review points at.
fn village_of(
    value: &serde_json::Value,
    revisions: &HashMap<(String, u32, String), (String, String)>,
) -> Option<String> {
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
    for kind in ["revision", "resolution"] {
        if let Some(v) = value.get(kind).and_then(|r| r.get("village_code")) {
            return text(v);
        }
    }
    let review = value.get("review")?;
    let record = review.get("record_id")?.as_str()?;
    let rev = u32::try_from(review.get("rev")?.as_u64()?).ok()?;
    let hash = review.get("hash")?.as_str()?;
    revisions
        .get(&(record.to_string(), rev, hash.to_string()))
        .map(|(_, v)| v.clone())
}

/// Checks a revision's values against its own form version exactly as finalizing does:
/// every value belongs to a field and fits its type, nothing required is missing, every
/// constraint holds, and calculated values are what the form computes (so a forged
/// "all five conditions hold" cannot count). Errors are (field, reason).
fn check_data(form: &Form, data: &RecordData) -> Result<(), (String, String)> {
    for (name, value) in &data.values {
        let Some(field) = form.field(name) else {
            return Err((name.clone(), format!("not a field of form {}", form.key())));
        };
        if let Some(problem) = value_problem(field, value) {
            return Err((name.clone(), problem.en));
        }
    }
    for (group_name, rows) in &data.groups {
        let Some(group) = form.group(group_name) else {
            return Err((
                group_name.clone(),
                format!("not a repeat group of form {}", form.key()),
            ));
        };
        for (i, row) in rows.iter().enumerate() {
            let at = |name: &str| format!("{group_name}[{}].{name}", i + 1);
            if row.id.is_empty() || row.id.len() > 64 {
                return Err((at("id"), "a row id is 1 to 64 characters".into()));
            }
            for (name, value) in &row.values {
                let Some(field) = group.fields.iter().find(|f| &f.name == name) else {
                    return Err((at(name), format!("not a field of group {group_name}")));
                };
                if let Some(problem) = value_problem(field, value) {
                    return Err((at(name), problem.en));
                }
            }
        }
    }
    if let Some(issue) = form.validate(data).into_iter().next() {
        return Err((issue.path.display(), issue.message.en));
    }
    let computed = form.finalized_data(data);
    if &computed != data {
        let field = crate::store::diff(data, &computed)
            .into_iter()
            .next()
            .map(|c| c.field)
            .unwrap_or_else(|| "-".into());
        return Err((
            field,
            format!(
                "the value is not what form {} calculates, or the field does not apply here",
                form.key()
            ),
        ));
    }
    Ok(())
}
