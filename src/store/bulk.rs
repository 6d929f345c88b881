//! Bulk loading: many revisions of one (form, round) under one division prefix, in one
//! transaction, with cached statements, and `current` recomputed once at the end by one
//! set-based statement instead of once per village.
//!
//! The result is the same database as merging each revision with `merge_revision`: the
//! same facts (records, revisions, contributions, audit) and the same `current` rows,
//! chosen by the rules documented in `facts.rs`. Tests compare the two paths.

use super::revision::Revision;
use super::{InsertOutcome, Result, Store, StoreError};
use crate::forms::Form;
use rusqlite::{OptionalExtension, params};

/// Page cache during a bulk load, in KiB (as `PRAGMA cache_size` takes it, negative).
const BULK_CACHE_KIB: i64 = -65536;

/// An open bulk load: revisions go in through `merge`; `current` is brought up to date
/// when the load commits.
pub struct BulkMerge<'s> {
    store: &'s mut Store,
    form_id: String,
    round: String,
    prefix: String,
    /// Some revision was new here: `current` and the roll-up need recomputing.
    changed: bool,
}

impl BulkMerge<'_> {
    /// The store, for reading while the load is open.
    pub fn store(&self) -> &Store {
        self.store
    }

    /// Store one revision whose form is known and whose values have been validated.
    /// It must be of this load's form and round, for a village under its prefix.
    pub fn merge(&mut self, r: &Revision, form: &Form) -> Result<InsertOutcome> {
        if r.form_id != self.form_id
            || r.round != self.round
            || !r.village_code.starts_with(&self.prefix)
            || form.id != r.form_id
        {
            return Err(StoreError::Invalid(format!(
                "bulk load of {}/{} under '{}' got a revision for {}/{}/{}",
                self.form_id, self.round, self.prefix, r.form_id, r.village_code, r.round
            )));
        }
        let out = self.store.insert_revision_unchecked(r, form)?;
        self.changed |= out != InsertOutcome::Unchanged;
        Ok(out)
    }
}

/// Largest magnitude of one record's numerator or denominator for an indicator. Values
/// are bounded by their fields' `max` (at most 10^12) and rows per group, so an ordinary
/// form stays far below; only a form whose indicator multiplies values could reach it.
/// It keeps every roll-up sum finite (docs/limits.md).
pub const MAX_CONTRIBUTION: f64 = 1e18;

/// Refuses a revision whose indicator terms are not finite numbers within
/// [`MAX_CONTRIBUTION`]: summed into a report they would make it infinite or NaN.
fn check_contributions(r: &Revision, contributions: &[(String, f64, f64)]) -> Result<()> {
    for (id, num, den) in contributions {
        for (side, x) in [("numerator", num), ("denominator", den)] {
            if !x.is_finite() || x.abs() > MAX_CONTRIBUTION {
                return Err(StoreError::Invalid(format!(
                    "village {}: the indicator {id} gives a {side} of {x}, beyond the largest \
                     a record may contribute ({MAX_CONTRIBUTION:e}); the form's values or its \
                     indicator are wrong",
                    r.village_code
                )));
            }
        }
    }
    Ok(())
}

impl Store {
    /// In-scope villages under a code prefix.
    pub fn count_villages_in_scope(&self, prefix: &str) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM divisions
             WHERE level = 'village' AND in_scope = 1 AND code >= ?1 AND code < ?1 || ':'",
            [prefix],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// Up to `limit` in-scope villages under a prefix with a code after `after`, in code
    /// order: (code, name). Paging by code keeps memory flat at national scale.
    pub fn villages_in_scope_page(
        &self,
        prefix: &str,
        after: &str,
        limit: usize,
    ) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT code, name FROM divisions
             WHERE level = 'village' AND in_scope = 1 AND code >= ?1 AND code < ?1 || ':' AND code > ?2
             ORDER BY code LIMIT ?3",
        )?;
        let rows = stmt
            .query_map(params![prefix, after, limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Run a bulk load of revisions of `form_id` and `round` for villages under `prefix`,
    /// in one transaction: all of it is stored, or none. `current` is recomputed for the
    /// prefix before the commit, so no reader ever sees it out of date.
    pub fn bulk_merge<T, E: From<StoreError>>(
        &mut self,
        form_id: &str,
        round: &str,
        prefix: &str,
        f: impl FnOnce(&mut BulkMerge<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        // A larger page cache while loading: index pages stay in memory instead of being
        // read again for every row. A fixed amount, so memory stays flat with the data.
        let cache: i64 = self
            .conn
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .map_err(StoreError::from)?;
        self.conn
            .execute_batch(&format!(
                "PRAGMA cache_size = {BULK_CACHE_KIB}; BEGIN IMMEDIATE;
                 INSERT INTO settings(key, value) VALUES ('rollup_deferred', '1')
                   ON CONFLICT(key) DO UPDATE SET value = excluded.value;"
            ))
            .map_err(StoreError::from)?;
        let mut load = BulkMerge {
            store: self,
            form_id: form_id.to_string(),
            round: round.to_string(),
            prefix: prefix.to_string(),
            changed: false,
        };
        let out = f(&mut load).and_then(|v| {
            // Nothing new (a rerun): what is derived is already up to date.
            if load.changed {
                self.recompute_current_under(form_id, round, prefix)?;
                self.rebuild_township_rollup(form_id, round, prefix)?;
            }
            self.conn
                .execute_batch("DELETE FROM settings WHERE key = 'rollup_deferred'; COMMIT")
                .map_err(StoreError::from)?;
            Ok(v)
        });
        if out.is_err() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        let _ = self
            .conn
            .execute_batch(&format!("PRAGMA cache_size = {cache}"));
        out
    }

    /// Stores a revision (see `insert_revision_unchecked`) for a caller that already has
    /// its canonical JSON and hash (an import checks the hash before storing anything).
    /// Every statement cached; the fork check skipped for a record new here. Leaves
    /// `current` alone: the caller recomputes it.
    pub(super) fn insert_canonical_deferred(
        &mut self,
        r: &Revision,
        form: &Form,
        content: &str,
        hash: &str,
        terms: Option<Vec<(String, f64, f64)>>,
    ) -> Result<InsertOutcome> {
        // Every way a revision gets in passes here.
        super::revision::check_rev(&r.record_id, r.rev).map_err(StoreError::Invalid)?;
        // The record row first: when it is new here, so is every revision of it (a
        // revision is never stored without its record), and the lookups below are skipped.
        // That is the common case of a bulk import.
        let inserted = self
            .conn
            .prepare_cached(
                "INSERT INTO records(record_id, form_id, village_code, round, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(record_id) DO NOTHING",
            )?
            .execute(params![
                r.record_id,
                r.form_id,
                r.village_code,
                r.round,
                r.finalized_at,
                r.finalized_by
            ])?;
        let known = inserted == 0;
        let mut fork = false;
        if known {
            let exists: Option<i64> = self
                .conn
                .prepare_cached(
                    "SELECT 1 FROM revisions WHERE record_id = ?1 AND rev = ?2 AND hash = ?3",
                )?
                .query_row(params![r.record_id, r.rev, hash], |x| x.get(0))
                .optional()?;
            if exists.is_some() {
                return Ok(InsertOutcome::Unchanged);
            }
            let (f, v, rd): (String, String, String) = self
                .conn
                .prepare_cached(
                    "SELECT form_id, village_code, round FROM records WHERE record_id = ?1",
                )?
                .query_row([&r.record_id], |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?)))?;
            if (&f, &v, &rd) != (&r.form_id, &r.village_code, &r.round) {
                return Err(StoreError::Invalid(format!(
                    "record {} is for {f}/{v}/{rd} here but for {}/{}/{} in the incoming revision",
                    r.record_id, r.form_id, r.village_code, r.round
                )));
            }
            fork = self
                .conn
                .prepare_cached(
                    "SELECT 1 FROM revisions WHERE record_id = ?1 AND rev = ?2 LIMIT 1",
                )?
                .query_row(params![r.record_id, r.rev], |x| x.get::<_, i64>(0))
                .optional()?
                .is_some();
        }
        self.conn
            .prepare_cached(
                "INSERT INTO revisions(record_id, rev, hash, form_id, form_version, village_code, round, finalized_at, finalized_by, content)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                r.record_id,
                r.rev,
                hash,
                r.form_id,
                r.form_version,
                r.village_code,
                r.round,
                r.finalized_at,
                r.finalized_by,
                content,
            ])?;
        {
            // Keyed by the revision's id (migration 6): the row just inserted.
            let revision = self.conn.last_insert_rowid();
            let contributions = terms.unwrap_or_else(|| form.contributions(&r.data));
            check_contributions(r, &contributions)?;
            // One cached single-row statement per term: a multi-row INSERT was measured to
            // make an import write 30 % more (docs/performance.md, History, "Bundles").
            let mut stmt = self.conn.prepare_cached(
                "INSERT INTO contribution_terms(revision, indicator, num, den) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (id, num, den) in contributions {
                stmt.execute(params![revision, id, num, den])?;
            }
        }
        if !r.changes.is_empty() {
            let mut stmt = self.conn.prepare_cached(
                "INSERT OR IGNORE INTO audit(record_id, rev, hash, field, old, new, who, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for c in &r.changes {
                let enc = |v: &crate::forms::value::Value| {
                    (!v.is_null()).then(|| serde_json::to_string(v).unwrap_or_default())
                };
                stmt.execute(params![
                    r.record_id,
                    r.rev,
                    hash,
                    c.field,
                    enc(&c.old),
                    enc(&c.new),
                    r.finalized_by,
                    r.finalized_at
                ])?;
            }
        }
        Ok(if fork {
            InsertOutcome::Fork
        } else if known {
            InsertOutcome::Updated
        } else {
            InsertOutcome::New
        })
    }

    /// Rebuild the township roll-up rows (`township_sums`, `township_reported`, see
    /// `schema_2_rollup.sql`) of (form, round) for every township under a code prefix, or
    /// for the township holding it when the prefix is longer: what the `current` triggers
    /// do one township at a time, as one statement per table.
    pub fn rebuild_township_rollup(
        &mut self,
        form_id: &str,
        round: &str,
        prefix: &str,
    ) -> Result<()> {
        let prefix = &prefix[..prefix.len().min(9)];
        self.conn
            .prepare_cached(
                "DELETE FROM township_sums WHERE form_id = ?1 AND round = ?2
                   AND township >= ?3 AND township < ?3 || ':'",
            )?
            .execute(params![form_id, round, prefix])?;
        self.conn
            .prepare_cached(
                "INSERT INTO township_sums(form_id, round, township, indicator, num, den)
                 SELECT ?1, ?2, substr(c.village_code, 1, 9), k.indicator, sum(k.num), sum(k.den)
                 FROM counted c
                 JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
                 JOIN contributions k ON k.record_id = c.record_id AND k.rev = c.rev AND k.hash = c.hash
                 WHERE c.form_id = ?1 AND c.round = ?2 AND c.village_code >= ?3 AND c.village_code < ?3 || ':'
                 GROUP BY substr(c.village_code, 1, 9), k.indicator",
            )?
            .execute(params![form_id, round, prefix])?;
        self.conn
            .prepare_cached(
                "DELETE FROM township_reported WHERE form_id = ?1 AND round = ?2
                   AND township >= ?3 AND township < ?3 || ':'",
            )?
            .execute(params![form_id, round, prefix])?;
        self.conn
            .prepare_cached(
                "INSERT INTO township_reported(form_id, round, township, reported)
                 SELECT ?1, ?2, substr(c.village_code, 1, 9), count(*)
                 FROM counted c
                 JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
                 WHERE c.form_id = ?1 AND c.round = ?2 AND c.village_code >= ?3 AND c.village_code < ?3 || ':'
                 GROUP BY substr(c.village_code, 1, 9)",
            )?
            .execute(params![form_id, round, prefix])?;
        Ok(())
    }

    /// Recompute `current` for every village of (form, round) under a code prefix with one
    /// set-based statement: the same rows as calling `recompute_current` for each village
    /// that has a revision or a `current` row there. Returns the number of villages with a
    /// counted revision.
    ///
    /// The rules, as in `facts.rs`:
    /// - per record, the highest revision number; among forks there, the hash of the
    ///   latest fork resolution of that (record, rev) if it is one of them, else the
    ///   smallest hash. The record is "forked" when its top number has more than one hash
    ///   and no fork resolution names that (record, rev);
    /// - per village, the record named by the latest duplicate resolution if it is one of
    ///   the candidates, else the one whose counted revision was finalized last, ties by
    ///   the smallest record id; `resolved` is "that resolution applies and nothing is
    ///   forked" with several records, "nothing is forked" with one.
    pub fn recompute_current_under(
        &mut self,
        form_id: &str,
        round: &str,
        prefix: &str,
    ) -> Result<u64> {
        self.conn
            .prepare_cached(
                "DELETE FROM current WHERE form_id = ?1 AND round = ?2
                   AND village_code >= ?3 AND village_code < ?3 || ':'
                   AND NOT EXISTS (SELECT 1 FROM revisions r WHERE r.form_id = ?1 AND r.round = ?2
                                   AND r.village_code = current.village_code)",
            )?
            .execute(params![form_id, round, prefix])?;
        let n = self
            .conn
            .prepare_cached(
                "WITH
                 scope AS (
                   SELECT record_id, rev, hash, village_code, finalized_at FROM revisions
                   WHERE form_id = ?1 AND round = ?2 AND village_code >= ?3 AND village_code < ?3 || ':'),
                 top AS (
                   SELECT record_id, max(rev) AS rev FROM scope GROUP BY record_id),
                 cand AS (
                   SELECT s.record_id, s.rev, s.hash, s.village_code, s.finalized_at,
                          count(*) OVER (PARTITION BY s.record_id) AS n
                   FROM scope s JOIN top t ON t.record_id = s.record_id AND t.rev = s.rev),
                 fork_choice AS (
                   SELECT record_id, rev, hash FROM (
                     SELECT record_id, rev, hash, row_number() OVER (
                              PARTITION BY record_id, rev ORDER BY julianday(at) DESC, resolution_id DESC) AS k
                     FROM resolutions WHERE kind = 'fork')
                   WHERE k = 1),
                 per_record AS (
                   SELECT c.record_id, c.rev, c.hash, c.village_code, c.finalized_at,
                          (c.n > 1 AND NOT EXISTS (
                             SELECT 1 FROM resolutions x WHERE x.kind = 'fork'
                               AND x.record_id = c.record_id AND x.rev = c.rev)) AS forked,
                          row_number() OVER (
                            PARTITION BY c.record_id
                            ORDER BY (c.n > 1 AND coalesce(f.hash = c.hash, 0)) DESC, c.hash) AS k
                   FROM cand c LEFT JOIN fork_choice f ON f.record_id = c.record_id AND f.rev = c.rev),
                 dup_choice AS (
                   SELECT village_code, record_id FROM (
                     SELECT village_code, record_id, row_number() OVER (
                              PARTITION BY village_code ORDER BY julianday(at) DESC, resolution_id DESC) AS k
                     FROM resolutions WHERE kind = 'duplicate' AND form_id = ?1 AND round = ?2
                       AND village_code >= ?3 AND village_code < ?3 || ':')
                   WHERE k = 1),
                 per_village AS (
                   SELECT p.record_id, p.rev, p.hash, p.village_code,
                          count(*) OVER w AS records,
                          max(p.forked) OVER w AS any_fork,
                          max(coalesce(d.record_id = p.record_id, 0)) OVER w AS chosen_present,
                          row_number() OVER (
                            PARTITION BY p.village_code
                            ORDER BY coalesce(d.record_id = p.record_id, 0) DESC,
                                     julianday(p.finalized_at) DESC, p.record_id) AS k
                   FROM per_record p LEFT JOIN dup_choice d ON d.village_code = p.village_code
                   WHERE p.k = 1
                   WINDOW w AS (PARTITION BY p.village_code))
                 INSERT INTO current(form_id, village_code, round, record_id, rev, hash, records, forked, resolved)
                 SELECT ?1, village_code, ?2, record_id, rev, hash, records, any_fork,
                        CASE WHEN records > 1 THEN chosen_present AND NOT any_fork ELSE NOT any_fork END
                 FROM per_village WHERE k = 1
                 ON CONFLICT(form_id, village_code, round) DO UPDATE SET record_id = excluded.record_id,
                   rev = excluded.rev, hash = excluded.hash, records = excluded.records,
                   forked = excluded.forked, resolved = excluded.resolved",
            )?
            .execute(params![form_id, round, prefix])?;
        Ok(n as u64)
    }
}

#[cfg(test)]
mod tests;
