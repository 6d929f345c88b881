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
pub use revision::{Change, Revision, diff, sha256_hex};
pub use rollup::Bucket;
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
    ])
}

/// Schema version this binary writes.
pub fn schema_version() -> i64 {
    4
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
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
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

pub type Result<T> = std::result::Result<T, StoreError>;

/// The local database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    forms: HashMap<(String, u32), Form>,
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
    /// schema, or by another program, is refused before anything is written to it.
    pub fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| StoreError::Dir(data_dir.display().to_string(), e))?;
        let path = data_dir.join(DB_FILE);
        let shown = path.display().to_string();
        if path.exists() {
            // Read-only look first: setting WAL or migrating would write to the file.
            let ro = Connection::open_with_flags(
                &path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            let app: i32 = ro.query_row("PRAGMA application_id", [], |r| r.get(0))?;
            let ver: i64 = ro.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            drop(ro);
            if app != 0 && app != APPLICATION_ID {
                return Err(StoreError::Foreign {
                    path: shown,
                    found: app,
                });
            }
            if ver > schema_version() {
                return Err(StoreError::Newer {
                    path: shown,
                    found: ver,
                    supported: schema_version(),
                });
            }
        }
        let mut conn = Connection::open(&path)?;
        // Imports cycle through a few dozen statements; the default cache holds 16.
        conn.set_prepared_statement_cache_capacity(64);
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        if app != 0 && app != APPLICATION_ID {
            return Err(StoreError::Foreign {
                path: shown,
                found: app,
            });
        }
        migrations().to_latest(&mut conn)?;
        // Written once: rewriting it on every open made each command, even a read-only
        // report, commit and checkpoint (four fsyncs).
        if app != APPLICATION_ID {
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        Ok(Store {
            conn,
            path,
            forms: HashMap::new(),
        })
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
            crate::forms::schema::load_form(&format!("{form_id}@{version}"), &source, &tables)
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
