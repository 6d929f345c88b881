//! The queries bundles need: reading every fact under a division and round for export,
//! merging facts from a bundle with the derived `current` table recomputed once per village
//! at the end, the list of conflicts awaiting a person, and a canonical dump of the fact
//! tables (what "the same database state" means in the merge-law tests).

use super::facts::{InsertOutcome, Resolution, Review, ReviewAction};
use super::revision::Revision;
use super::{Result, Store, StoreError};
use crate::forms::Form;
use rusqlite::types::ValueRef;
use rusqlite::{OptionalExtension, params};
use std::fmt::Write as _;

/// How many facts an export under a unit and round will carry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExchangeCounts {
    pub forms: u64,
    pub revisions: u64,
    pub reviews: u64,
    pub resolutions: u64,
    /// Distinct (form, village) pairs with at least one revision.
    pub villages: u64,
    /// Drafts (not finalized, so not exported) under the unit for the round.
    pub drafts: u64,
}

/// The row of `current` for one (form, village, round): what counts, and whether a person
/// still has to choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub record_id: String,
    pub rev: u32,
    pub hash: String,
    /// Records for this village (more than one: duplicates).
    pub records: u32,
    /// The counted record's latest revision number has forks not resolved by a person.
    pub forked: bool,
    /// A person chose among the duplicates or forks.
    pub resolved: bool,
}

/// One candidate in a conflict: the latest revision (or one of the forked latest
/// revisions) of one record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Candidate {
    pub record_id: String,
    pub rev: u32,
    pub hash: String,
    pub form_version: u32,
    pub finalized_at: String,
    pub finalized_by: String,
    /// This is the revision the roll-up counts now.
    pub counted: bool,
}

/// Forks or duplicates of one (form, village, round) that no person has resolved, with
/// the versions a person chooses between.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConflictDetail {
    pub form_id: String,
    pub village_code: String,
    pub round: String,
    /// Several records for the village.
    pub duplicate: bool,
    /// A record's latest revision number exists in several versions.
    pub fork: bool,
    pub candidates: Vec<Candidate>,
}

/// The identity of a form version's content: SHA-256 of its TOML source, a newline, and its
/// tables as JSON. One `id@version` must always have one hash.
pub fn form_hash(source: &str, tables: &crate::forms::Tables) -> String {
    let tables = serde_json::to_string(tables).unwrap_or_default();
    super::revision::sha256_hex(format!("{source}\n{tables}").as_bytes())
}

/// A code prefix as a half-open range of codes: `[prefix, prefix + ':')`.
fn upper(prefix: &str) -> String {
    format!("{prefix}:")
}

impl Store {
    /// Run `f` in one transaction with the caller's own error type: all of it is stored, or
    /// none. Forms cached while the transaction ran are forgotten when it rolls back.
    pub fn try_transaction<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut Store) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| E::from(StoreError::from(e)))?;
        match f(self) {
            Ok(v) => match self.conn.execute_batch("COMMIT") {
                Ok(()) => Ok(v),
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    self.forms.clear();
                    Err(E::from(StoreError::from(e)))
                }
            },
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                self.forms.clear();
                Err(e)
            }
        }
    }

    /// Run `f` on one consistent snapshot of the database (a read transaction), so that a
    /// long export does not mix states when another process writes meanwhile.
    pub fn snapshot<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Store) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.conn
            .execute_batch("BEGIN DEFERRED")
            .map_err(|e| E::from(StoreError::from(e)))?;
        let out = f(self);
        // Nothing was written: ending the read transaction cannot lose anything.
        let _ = self.conn.execute_batch("COMMIT");
        out
    }

    /// When a bundle id was imported before, from any key: (file name, signer's public key
    /// in hex) of the first such import.
    pub fn imported_bundle(&self, bundle_id: &str) -> Result<Option<(String, String)>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT file_name, signer FROM imports WHERE bundle_id = ?1
                 ORDER BY imported_at, signer LIMIT 1",
            )?
            .query_row([bundle_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// The file name under which `signer` (public key in hex) delivered `bundle_id`, if
    /// it did: a bundle is identified by its signer and its id together.
    pub fn imported_bundle_from(&self, signer: &str, bundle_id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT file_name FROM imports WHERE signer = ?1 AND bundle_id = ?2")?
            .query_row([signer, bundle_id], |r| r.get(0))
            .optional()?)
    }

    /// Run `f` inside a savepoint: if it fails, everything it did is undone while what the
    /// enclosing transaction did before stays. Outside a transaction it is one.
    pub fn savepoint<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut Store) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.conn
            .execute_batch("SAVEPOINT unit")
            .map_err(|e| E::from(StoreError::from(e)))?;
        match f(self) {
            Ok(v) => {
                self.conn
                    .execute_batch("RELEASE unit")
                    .map_err(|e| E::from(StoreError::from(e)))?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK TO unit; RELEASE unit");
                self.forms.clear();
                Err(e)
            }
        }
    }

    /// Silences the triggers that rebuild a township's roll-up rows whenever `current`
    /// changes for one of its villages (`schema_2_rollup.sql`), until
    /// [`Store::resume_rollup`]. Call it inside a transaction, and rebuild what changed
    /// with `rebuild_township_rollup` before the commit: an import recomputes many villages
    /// of one township and would otherwise rebuild that township once per village.
    pub fn defer_rollup(&mut self) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO settings(key, value) VALUES ('rollup_deferred', '1')
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            )?
            .execute([])?;
        Ok(())
    }

    /// Turns the roll-up triggers back on (see [`Store::defer_rollup`]).
    pub fn resume_rollup(&mut self) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM settings WHERE key = 'rollup_deferred'")?
            .execute([])?;
        Ok(())
    }

    /// Is `form_id@version` stored here, and with which hash?
    pub fn form_version_hash(&self, form_id: &str, version: u32) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT hash FROM form_versions WHERE form_id = ?1 AND version = ?2")?
            .query_row(params![form_id, version], |r| r.get(0))
            .optional()?)
    }

    /// Form ids that have ever been used here.
    fn form_ids(&self) -> Result<Vec<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT DISTINCT form_id FROM form_versions ORDER BY form_id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Counts for an export of everything under `prefix` (a division's code prefix) in
    /// `round`. Every query goes per form id, so that the `(form_id, village_code, round)`
    /// indexes serve the code range and the cost follows the export's size, not the
    /// database's.
    pub fn exchange_counts(&self, prefix: &str, round: &str) -> Result<ExchangeCounts> {
        let hi = upper(prefix);
        let mut c = ExchangeCounts::default();
        let n = |x: i64| u64::try_from(x).unwrap_or(0);
        for form in self.form_ids()? {
            let p = params![form, prefix, hi, round];
            let (revisions, villages): (i64, i64) = self
                .conn
                .prepare_cached(
                    "SELECT count(*), count(DISTINCT village_code) FROM revisions
                     WHERE form_id = ?1 AND village_code >= ?2 AND village_code < ?3 AND round = ?4",
                )?
                .query_row(p, |r| Ok((r.get(0)?, r.get(1)?)))?;
            let reviews: i64 = self
                .conn
                .prepare_cached(
                    "SELECT count(*) FROM revisions r JOIN reviews v
                       ON v.record_id = r.record_id AND v.rev = r.rev AND v.hash = r.hash
                     WHERE r.form_id = ?1 AND r.village_code >= ?2 AND r.village_code < ?3
                       AND r.round = ?4",
                )?
                .query_row(p, |r| r.get(0))?;
            let resolutions: i64 = self
                .conn
                .prepare_cached(
                    "SELECT count(*) FROM resolutions s
                     WHERE s.form_id = ?1 AND s.village_code >= ?2 AND s.village_code < ?3
                       AND s.round = ?4
                       AND EXISTS (SELECT 1 FROM revisions r WHERE r.record_id = s.record_id
                                   AND r.rev = s.rev AND r.hash = s.hash)",
                )?
                .query_row(p, |r| r.get(0))?;
            let drafts: i64 = self
                .conn
                .prepare_cached(
                    "SELECT count(*) FROM records r JOIN drafts d USING (record_id)
                     WHERE r.form_id = ?1 AND r.village_code >= ?2 AND r.village_code < ?3
                       AND r.round = ?4",
                )?
                .query_row(p, |r| r.get(0))?;
            c.revisions += n(revisions);
            c.villages += n(villages);
            c.reviews += n(reviews);
            c.resolutions += n(resolutions);
            c.drafts += n(drafts);
        }
        c.forms = self.exchange_form_versions(prefix, round)?.len() as u64;
        Ok(c)
    }

    /// The form versions the revisions under `prefix` in `round` were filled with.
    pub fn exchange_form_versions(&self, prefix: &str, round: &str) -> Result<Vec<(String, u32)>> {
        let mut out = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT form_version FROM revisions
             WHERE form_id = ?1 AND village_code >= ?2 AND village_code < ?3 AND round = ?4
             ORDER BY form_version",
        )?;
        for form in self.form_ids()? {
            let versions: Vec<u32> = stmt
                .query_map(params![form, prefix, upper(prefix), round], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            out.extend(versions.into_iter().map(|v| (form.clone(), v)));
        }
        Ok(out)
    }

    /// (form, village) pairs with revisions under `prefix` in `round`, in code order. An
    /// export walks these one at a time, so it never holds more than one village's facts.
    pub fn exchange_villages(&self, prefix: &str, round: &str) -> Result<Vec<(String, String)>> {
        let forms = self.form_ids()?;
        let mut out = Vec::new();
        // Per form, so that the (form_id, village_code, round) index serves the range.
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT village_code FROM revisions
             WHERE form_id = ?1 AND village_code >= ?2 AND village_code < ?3 AND round = ?4
             ORDER BY village_code",
        )?;
        for form in forms {
            let villages: Vec<String> = stmt
                .query_map(params![form, prefix, upper(prefix), round], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            out.extend(villages.into_iter().map(|v| (form.clone(), v)));
        }
        out.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        Ok(out)
    }

    /// Every revision of one (form, village, round) as stored: (hash, canonical JSON), in
    /// (record, rev, hash) order.
    pub fn exchange_revisions(
        &self,
        form_id: &str,
        village: &str,
        round: &str,
    ) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT hash, content FROM revisions WHERE form_id = ?1 AND village_code = ?2 AND round = ?3
             ORDER BY record_id, rev, hash",
        )?;
        let rows = stmt
            .query_map(params![form_id, village, round], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every review of the revisions of one (form, village, round), by id.
    pub fn exchange_reviews(
        &self,
        form_id: &str,
        village: &str,
        round: &str,
    ) -> Result<Vec<Review>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.review_id, v.record_id, v.rev, v.hash, v.action, v.comment, v.who, v.at
             FROM revisions r JOIN reviews v
               ON v.record_id = r.record_id AND v.rev = r.rev AND v.hash = r.hash
             WHERE r.form_id = ?1 AND r.village_code = ?2 AND r.round = ?3
             ORDER BY v.review_id",
        )?;
        let rows = stmt
            .query_map(params![form_id, village, round], |r| {
                let action: String = r.get(4)?;
                Ok(Review {
                    review_id: r.get(0)?,
                    record_id: r.get(1)?,
                    rev: r.get(2)?,
                    hash: r.get(3)?,
                    action: if action == "approve" {
                        ReviewAction::Approve
                    } else {
                        ReviewAction::Return
                    },
                    comment: r.get(5)?,
                    who: r.get(6)?,
                    at: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every resolution of one (form, village, round) whose chosen revision is stored here,
    /// by id.
    pub fn exchange_resolutions(
        &self,
        form_id: &str,
        village: &str,
        round: &str,
    ) -> Result<Vec<Resolution>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT resolution_id, kind, form_id, village_code, round, record_id, rev, hash, who, at
             FROM resolutions s
             WHERE form_id = ?1 AND village_code = ?2 AND round = ?3
               AND EXISTS (SELECT 1 FROM revisions r WHERE r.record_id = s.record_id
                           AND r.rev = s.rev AND r.hash = s.hash)
             ORDER BY resolution_id",
        )?;
        let rows = stmt
            .query_map(params![form_id, village, round], |r| {
                Ok(Resolution {
                    resolution_id: r.get(0)?,
                    kind: r.get(1)?,
                    form_id: r.get(2)?,
                    village_code: r.get(3)?,
                    round: r.get(4)?,
                    record_id: r.get(5)?,
                    rev: r.get(6)?,
                    hash: r.get(7)?,
                    who: r.get(8)?,
                    at: r.get(9)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Store a revision from a bundle whose form is known and whose content was checked,
    /// without recomputing `current`: the importer recomputes each touched village once,
    /// after the last fact, with [`Store::recompute_current`].
    pub fn merge_revision_deferred(&mut self, r: &Revision, form: &Form) -> Result<InsertOutcome> {
        let content = String::from_utf8(r.canonical())
            .map_err(|e| StoreError::Invalid(format!("revision is not UTF-8: {e}")))?;
        let hash = super::revision::sha256_hex(content.as_bytes());
        self.insert_canonical_deferred(r, form, &content, &hash, None)
    }

    /// [`Store::merge_revision_deferred`] for a caller that has already serialized the
    /// revision and checked its hash: `content` must be `r.canonical()` and `hash` its
    /// SHA-256 (an import compares that hash with the bundle's before storing anything).
    /// `terms`, when given, must be `form.contributions(&r.data)` (an import computes them
    /// on its decoding thread); `r.data` is then not read.
    pub fn merge_canonical_deferred(
        &mut self,
        r: &Revision,
        form: &Form,
        content: &str,
        hash: &str,
        terms: Option<Vec<(String, f64, f64)>>,
    ) -> Result<InsertOutcome> {
        self.insert_canonical_deferred(r, form, content, hash, terms)
    }

    /// Store a resolution from a bundle (idempotent), without recomputing `current` (see
    /// [`Store::merge_revision_deferred`]). True when it was new.
    pub fn merge_resolution_deferred(&mut self, r: &Resolution) -> Result<bool> {
        if r.kind != "fork" && r.kind != "duplicate" {
            return Err(StoreError::Invalid(format!(
                "unknown resolution kind '{}'",
                r.kind
            )));
        }
        let n = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO resolutions(resolution_id, kind, form_id, village_code, round, record_id, rev, hash, who, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                r.resolution_id,
                r.kind,
                r.form_id,
                r.village_code,
                r.round,
                r.record_id,
                r.rev,
                r.hash,
                r.who,
                r.at
            ])?;
        Ok(n > 0)
    }

    /// Is this review already stored? (A review id names one immutable fact.)
    pub fn has_review(&self, review_id: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM reviews WHERE review_id = ?1")?
            .query_row([review_id], |r| r.get::<_, i64>(0))
            .optional()?
            .is_some())
    }

    /// What counts for one (form, village, round), if anything does.
    pub fn counted(&self, form_id: &str, village: &str, round: &str) -> Result<Option<Counted>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT record_id, rev, hash, records, forked, resolved FROM current
                 WHERE form_id = ?1 AND village_code = ?2 AND round = ?3",
            )?
            .query_row(params![form_id, village, round], |r| {
                Ok(Counted {
                    record_id: r.get(0)?,
                    rev: r.get(1)?,
                    hash: r.get(2)?,
                    records: r.get(3)?,
                    forked: r.get::<_, i64>(4)? != 0,
                    resolved: r.get::<_, i64>(5)? != 0,
                })
            })
            .optional()?)
    }

    /// Villages under a code prefix whose (form, round) holds several records that no
    /// person has chosen between, in code order.
    pub fn unresolved_duplicates_under(
        &self,
        form_id: &str,
        round: &str,
        prefix: &str,
    ) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT village_code FROM current
             WHERE form_id = ?1 AND round = ?3 AND village_code >= ?2 AND village_code < ?2 || ':'
               AND records > 1 AND resolved = 0
             ORDER BY village_code",
        )?;
        let rows = stmt
            .query_map(params![form_id, prefix, round], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Forks and duplicates no person has resolved, with their candidates, in (round,
    /// village, form) order. The candidates of a village are the latest revisions of each of
    /// its records (several per record when that record is forked).
    pub fn conflict_details(&self, round: Option<&str>) -> Result<Vec<ConflictDetail>> {
        let mut out = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.record_id, r.rev, r.hash, r.form_version, r.finalized_at, r.finalized_by
             FROM revisions r
             WHERE r.form_id = ?1 AND r.village_code = ?2 AND r.round = ?3
               AND r.rev = (SELECT max(x.rev) FROM revisions x WHERE x.record_id = r.record_id)
             ORDER BY r.record_id, r.hash",
        )?;
        for conflict in self.open_conflicts(round)? {
            let (form_id, village, round) =
                (conflict.form_id, conflict.village_code, conflict.round);
            let counted = self.counted(&form_id, &village, &round)?;
            let candidates = stmt
                .query_map(params![form_id, village, round], |r| {
                    Ok(Candidate {
                        record_id: r.get(0)?,
                        rev: r.get(1)?,
                        hash: r.get(2)?,
                        form_version: r.get(3)?,
                        finalized_at: r.get(4)?,
                        finalized_by: r.get(5)?,
                        counted: false,
                    })
                })?
                .map(|c| {
                    c.map(|mut c| {
                        c.counted = counted.as_ref().is_some_and(|k| {
                            k.record_id == c.record_id && k.rev == c.rev && k.hash == c.hash
                        });
                        c
                    })
                })
                .collect::<rusqlite::Result<Vec<_>>>()?;
            // A record whose latest number has several versions is forked, resolved or not;
            // the `current` row says whether any fork is still open.
            out.push(ConflictDetail {
                duplicate: conflict.records > 1,
                fork: conflict.forked,
                form_id,
                village_code: village,
                round,
                candidates,
            });
        }
        Ok(out)
    }

    /// Every fact and everything derived from facts, one line per row, tables and rows in
    /// a fixed order: two databases holding the same set of facts give the same text. Local
    /// bookkeeping (when a record row was first seen, settings, trust, the import log,
    /// drafts, the register) is left out.
    pub fn canonical_dump(&self) -> Result<String> {
        const TABLES: [(&str, &str, &str); 10] = [
            // The hash covers the source and tables.
            (
                "form_versions",
                "form_id, version, hash",
                "form_id, version",
            ),
            (
                "records",
                "record_id, form_id, village_code, round",
                "record_id",
            ),
            (
                "revisions",
                "record_id, rev, hash, form_id, form_version, village_code, round, finalized_at, finalized_by, content",
                "record_id, rev, hash",
            ),
            (
                "contributions",
                "record_id, rev, hash, indicator, num, den",
                "record_id, rev, hash, indicator",
            ),
            (
                "audit",
                "record_id, rev, hash, field, old, new, who, at",
                "record_id, rev, hash, field",
            ),
            (
                "reviews",
                "review_id, record_id, rev, hash, action, comment, who, at",
                "review_id",
            ),
            (
                "resolutions",
                "resolution_id, kind, form_id, village_code, round, record_id, rev, hash, who, at",
                "resolution_id",
            ),
            (
                "current",
                "form_id, village_code, round, record_id, rev, hash, records, forked, resolved",
                "form_id, village_code, round",
            ),
            (
                "township_sums",
                "form_id, round, township, indicator, num, den",
                "form_id, round, township, indicator",
            ),
            (
                "township_reported",
                "form_id, round, township, reported",
                "form_id, round, township",
            ),
        ];
        let mut out = String::new();
        for (table, cols, order) in TABLES {
            // Records that only have a draft are local work, not facts.
            let filter = if table == "records" {
                " WHERE EXISTS (SELECT 1 FROM revisions v WHERE v.record_id = records.record_id)"
            } else {
                ""
            };
            let mut stmt = self.conn.prepare(&format!(
                "SELECT {cols} FROM {table}{filter} ORDER BY {order}"
            ))?;
            let n = stmt.column_count();
            let mut rows = stmt.query([])?;
            let _ = writeln!(out, "[{table}]");
            while let Some(row) = rows.next()? {
                for i in 0..n {
                    if i > 0 {
                        out.push('\t');
                    }
                    match row.get_ref(i)? {
                        ValueRef::Null => out.push_str("NULL"),
                        ValueRef::Integer(x) => {
                            let _ = write!(out, "{x}");
                        }
                        ValueRef::Real(x) => {
                            let _ = write!(out, "{x:?}");
                        }
                        ValueRef::Text(t) => out.push_str(&String::from_utf8_lossy(t)),
                        ValueRef::Blob(b) => out.push_str(&hex::encode(b)),
                    }
                }
                out.push('\n');
            }
        }
        Ok(out)
    }
}
