//! SQLite storage: open + pragmas, migrations, records, revisions, facts, audit, keys.
//!
//! One file, `ruralenv.db`, in the data directory. WAL with `synchronous=FULL`, so a
//! commit is on disk when it returns: a power cut loses at most the field being typed.
//! Nothing outside this module writes SQL.

mod bulk;
mod divisions;
pub mod exchange;
mod facts;
mod history;
mod records;
mod revision;
mod rollup;
mod trust;

pub use bulk::BulkMerge;
pub use divisions::DivisionRow;
pub use facts::{Conflict, InsertOutcome, Resolution, Review, ReviewAction};
pub use history::HistoryEvent;
pub use records::{AuditEntry, FinalizeResult, RecordStatus, RecordSummary};
pub use revision::{Change, MAX_REV, Revision, check_rev, diff, next_rev, sha256_hex};
pub use rollup::{Bucket, VillageFacts};
pub use trust::TrustedKey;

use crate::forms::Form;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// `application_id` of a ruralenv database ("RENV").
pub const APPLICATION_ID: i32 = 0x5245_4E56;
pub const DB_FILE: &str = "ruralenv.db";

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("schema.sql")),
        M::up(include_str!("schema_2_rollup.sql")),
        M::up(include_str!("schema_3_revisions_rowid.sql")),
        M::up(include_str!("schema_4_counted.sql")),
        M::up(include_str!("schema_5_imports_per_signer.sql")),
        M::up(include_str!("schema_6_contributions_by_revision.sql")),
    ])
}

/// Schema version this binary writes.
pub fn schema_version() -> i64 {
    6
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{path}: this database was written by a newer version of ruralenv (schema {found}, this program knows up to {supported}); it was left untouched. Update ruralenv to open it."
    )]
    Newer {
        path: String,
        found: i64,
        supported: i64,
    },
    #[error(
        "{path}: not a ruralenv database (application id {found:#x}); choose another --data-dir"
    )]
    Foreign { path: String, found: i32 },
    #[error("{0}: cannot create the data directory: {1}")]
    Dir(String, std::io::Error),
    /// Opening the database failed: the path, and why in plain words.
    #[error("{path}: {reason}")]
    Open { path: String, reason: String },
    /// Said once, in plain words (SQLite's own text repeats itself through the chain of
    /// sources: "database is locked: database is locked: Error code 5").
    #[error("{}", sqlite_words(.0))]
    Sqlite(rusqlite::Error),
    #[error("database upgrade failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("{0}")]
    Invalid(String),
    /// A review of a village whose duplicates or forks no person has resolved: which
    /// version would it judge? The message says how to resolve it first.
    #[error(
        "village {village} has {what} for round {round}; resolve that first (ruralenv conflicts, or c on the home screen), then review the version that counts"
    )]
    InConflict {
        village: String,
        round: String,
        what: String,
    },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e)
    }
}

/// What a SQLite error means for the person at the keyboard, once.
pub fn sqlite_words(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::DatabaseBusy | C::DatabaseLocked) => "the database is busy: another ruralenv \
            (an import, the TUI or another command) is writing to it; wait until it has \
            finished, then try again"
            .into(),
        Some(C::DiskFull) => "the disk is full; free some space on it, then try again".into(),
        Some(C::ReadOnly) => "the database cannot be written: the data directory or the \
            database file is read-only"
            .into(),
        Some(C::NotADatabase | C::DatabaseCorrupt) => "the database file is damaged or is not \
            a database; move it away and restore a backup, or choose another --data-dir"
            .into(),
        Some(C::SystemIoFailure) => "the disk reported an input/output error (it may be full, \
            removed or failing)"
            .into(),
        Some(C::CannotOpen) => "cannot open the database file".into(),
        _ => match e {
            rusqlite::Error::SqliteFailure(_, Some(msg)) => format!("database error: {msg}"),
            other => format!("database error: {other}"),
        },
    }
}

/// Why opening the database at `path` failed, in plain words: a full disk is named as such
/// even when SQLite only says "disk I/O error".
fn open_words(e: &rusqlite::Error, dir: &Path) -> String {
    if matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::SystemIoFailure | rusqlite::ErrorCode::CannotOpen)
    ) && disk_is_full(dir)
    {
        return sqlite_words(&rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        ));
    }
    sqlite_words(e)
}

/// Is the file system holding `dir` out of space (for an unprivileged writer)?
#[cfg(unix)]
fn disk_is_full(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path and `st` a properly sized out-parameter.
    unsafe {
        let mut st: libc::statvfs = std::mem::zeroed();
        libc::statvfs(c.as_ptr(), &mut st) == 0 && st.f_bavail == 0
    }
}

#[cfg(not(unix))]
fn disk_is_full(_dir: &Path) -> bool {
    false
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// The local database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    forms: HashMap<(String, u32), Form>,
    read_only: bool,
}

/// What a read-only look at an existing database file found.
struct Look {
    application_id: i32,
    version: i64,
    /// Tables in the file, and whether ruralenv's own are among them.
    tables: i64,
    ours: bool,
}

fn look_read_only(path: &Path) -> rusqlite::Result<Look> {
    let (ro, _) = open_read_only(path)?;
    let application_id = ro.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version = ro.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let (tables, ours) = ro.query_row(
        "SELECT count(*), coalesce(sum(name = 'form_versions'), 0) > 0
         FROM sqlite_master WHERE type = 'table'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(Look {
        application_id,
        version,
        tables,
        ours,
    })
}

/// Refuse a file that is not ours: another application id, or application id 0 (not set)
/// with tables in it that ruralenv did not make. (Ours has the id set right after its
/// first migration; a file interrupted in between has our tables and a schema version.)
fn check_identity(look: &Look, shown: &str) -> Result<()> {
    let foreign = if look.application_id == 0 {
        look.tables > 0 && !(look.ours && look.version > 0)
    } else {
        look.application_id != APPLICATION_ID
    };
    if foreign {
        return Err(StoreError::Foreign {
            path: shown.to_string(),
            found: look.application_id,
        });
    }
    if look.version > schema_version() {
        return Err(StoreError::Newer {
            path: shown.to_string(),
            found: look.version,
            supported: schema_version(),
        });
    }
    Ok(())
}

/// Open read-only. A WAL database in a folder that cannot be written has no `-shm` file
/// and cannot get one: it is then opened as immutable (nobody can write there either).
/// The flag says which way it was opened.
fn open_read_only(path: &Path) -> rusqlite::Result<(Connection, bool)> {
    let plain = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .and_then(|c| {
        c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })?;
        Ok(c)
    });
    match plain {
        Ok(c) => Ok((c, false)),
        #[cfg(unix)]
        Err(e)
            if matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly)
            ) =>
        {
            let mut uri = String::from("file:");
            for b in path.display().to_string().bytes() {
                match b {
                    b'%' | b'?' | b'#' => uri.push_str(&format!("%{b:02X}")),
                    _ => uri.push(b as char),
                }
            }
            uri.push_str("?immutable=1");
            let c = Connection::open_with_flags(
                &uri,
                OpenFlags::SQLITE_OPEN_READ_ONLY
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX
                    | OpenFlags::SQLITE_OPEN_URI,
            )?;
            c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })?;
            Ok((c, true))
        }
        Err(e) => Err(e),
    }
}

fn open_read_write(path: &Path, shown: &str) -> Result<Connection> {
    let mut conn = Connection::open(path)?;
    // Imports cycle through a few dozen statements; the default cache holds 16.
    conn.set_prepared_statement_cache_capacity(64);
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if app != 0 && app != APPLICATION_ID {
        return Err(StoreError::Foreign {
            path: shown.to_string(),
            found: app,
        });
    }
    migrations().to_latest(&mut conn)?;
    // Written once: rewriting it on every open made each command, even a read-only
    // report, commit and checkpoint (four fsyncs).
    if app != APPLICATION_ID {
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    Ok(conn)
}

/// Current time as RFC 3339 with the local offset, e.g. `2026-11-28T10:00:00+08:00`.
pub fn now() -> String {
    jiff::Zoned::now()
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

impl Store {
    /// Open (creating if needed) the database in `data_dir`. A database written by a newer
    /// schema, or by another program, is refused before anything is written to it. When
    /// the database cannot be written (a read-only data directory or file), it is opened
    /// read-only: commands that only read (`report`, `records show`) still work, and a
    /// write says the database is read-only. Every failure names the file.
    pub fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| StoreError::Dir(data_dir.display().to_string(), e))?;
        let path = data_dir.join(DB_FILE);
        let shown = path.display().to_string();
        let at = |e: rusqlite::Error| StoreError::Open {
            path: shown.clone(),
            reason: open_words(&e, data_dir),
        };
        let existed = path.exists();
        let mut version = 0;
        if existed {
            // Read-only look first: setting WAL or migrating would write to the file.
            let look = look_read_only(&path).map_err(at)?;
            check_identity(&look, &shown)?;
            version = look.version;
        }
        match open_read_write(&path, &shown) {
            Ok(conn) => Ok(Store {
                conn,
                path,
                forms: HashMap::new(),
                read_only: false,
            }),
            Err(StoreError::Sqlite(e))
                if existed
                    && matches!(
                        e.sqlite_error_code(),
                        Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen)
                    ) =>
            {
                if version < schema_version() {
                    return Err(StoreError::Open {
                        path: shown,
                        reason: "the database is read-only and was made by an older version \
                                 of ruralenv; open it once where it can be written, so that it \
                                 is upgraded"
                            .into(),
                    });
                }
                tracing::warn!("{shown}: read-only; opened for reading only");
                let (conn, _) = open_read_only(&path).map_err(at)?;
                conn.busy_timeout(std::time::Duration::from_secs(10))
                    .map_err(at)?;
                Ok(Store {
                    conn,
                    path,
                    forms: HashMap::new(),
                    read_only: true,
                })
            }
            Err(StoreError::Sqlite(e)) => Err(at(e)),
            Err(StoreError::Migration(rusqlite_migration::Error::RusqliteError {
                err, ..
            })) => Err(at(err)),
            Err(other) => Err(other),
        }
    }

    /// The database could not be written and was opened for reading only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How long a write waits for another connection's lock before it fails with
    /// "database is locked" (10 s after `open`). The TUI waits briefly and retries in the
    /// background instead, so that typing never freezes.
    pub fn set_busy_timeout(&self, wait: std::time::Duration) -> Result<()> {
        self.conn.busy_timeout(wait)?;
        Ok(())
    }

    /// This data directory holds synthetic demo data (`ruralenv demo`, or a demo bundle
    /// imported into it while it was empty).
    pub fn is_demo(&self) -> Result<bool> {
        Ok(self.setting("demo")?.as_deref() == Some("1"))
    }

    /// Mark the data directory as holding demo data, for good: nothing removes the mark
    /// but removing the directory.
    pub fn mark_demo(&self) -> Result<()> {
        self.set_setting("demo", "1")
    }

    /// Any record (draft or finalized) is stored here.
    pub fn holds_data(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM records)", [], |r| r.get(0))?)
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Record a form version as used; refuse a changed form under an old version number.
    pub fn ensure_form(&mut self, form: &Form) -> Result<()> {
        let tables = serde_json::to_string(&form.tables).unwrap_or_default();
        let hash = exchange::form_hash(&form.source, &form.tables);
        let existing: Option<String> = self
            .conn
            .query_row(
                "SELECT hash FROM form_versions WHERE form_id = ?1 AND version = ?2",
                params![form.id, form.version],
                |r| r.get(0),
            )
            .optional()?;
        match existing {
            Some(h) if h == hash => {}
            Some(_) => {
                return Err(StoreError::Invalid(format!(
                    "form '{}' version {} differs from the version {} already used in this database; raise `version` in the form file after changing it",
                    form.id, form.version, form.version
                )));
            }
            None => {
                self.conn.execute(
                    "INSERT INTO form_versions(form_id, version, hash, source, tables) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![form.id, form.version, hash, form.source, tables],
                )?;
            }
        }
        self.forms
            .insert((form.id.clone(), form.version), form.clone());
        Ok(())
    }

    /// A form version as stored with the records (loaded once, then cached).
    pub fn form_version(&mut self, form_id: &str, version: u32) -> Result<Form> {
        if let Some(f) = self.forms.get(&(form_id.to_string(), version)) {
            return Ok(f.clone());
        }
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT source, tables FROM form_versions WHERE form_id = ?1 AND version = ?2",
                params![form_id, version],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((source, tables)) = row else {
            return Err(StoreError::Invalid(format!(
                "form '{form_id}' version {version} is not in this database"
            )));
        };
        let tables = serde_json::from_str(&tables)
            .map_err(|e| StoreError::Invalid(format!("stored form tables unreadable: {e}")))?;
        let form =
            crate::forms::schema::load_used_form(&format!("{form_id}@{version}"), &source, &tables)
                .map_err(|e| {
                    StoreError::Invalid(format!(
                        "stored form {form_id}@{version} does not load: {}",
                        crate::forms::FormErrors(e)
                    ))
                })?;
        self.forms
            .insert((form_id.to_string(), version), form.clone());
        Ok(form)
    }

    /// Source and tables of a stored form version, for bundles.
    pub fn form_version_source(&self, form_id: &str, version: u32) -> Result<(String, String)> {
        Ok(self.conn.query_row(
            "SELECT source, tables FROM form_versions WHERE form_id = ?1 AND version = ?2",
            params![form_id, version],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Run `f` in one transaction: all of it is stored, or none.
    pub fn transaction<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        match f(self) {
            Ok(v) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// `PRAGMA integrity_check` result ("ok" when healthy).
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    #[cfg(test)]
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

#[cfg(test)]
mod tests;
