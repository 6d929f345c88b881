//! Immutable facts (revisions, reviews, resolutions) and what is derived from them.
//!
//! Merge rules (DESIGN.md): the database is a set of facts, and import is set union.
//! The same fact twice is one fact. Which revision counts for a (form, village, round) is
//! a deterministic function of the set, recomputed by `recompute_current`:
//! - per record, the highest revision number; among forks (same number, other content),
//!   the one a person chose (latest resolution), otherwise the smallest content hash;
//! - among duplicate records of one village, the one a person chose (latest resolution),
//!   otherwise the record whose counted revision was finalized last, ties broken by the
//!   smallest record id.

use super::revision::Revision;
use super::{Result, Store, StoreError, new_id, now};
use crate::forms::Form;
use rusqlite::{OptionalExtension, params};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertOutcome {
    /// A revision this database did not have.
    New,
    /// A new revision number of a record already known here.
    Updated,
    /// Already here: nothing changed.
    Unchanged,
    /// Same record and revision number as one already here, different content.
    Fork,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewAction {
    Approve,
    Return,
}

/// A review decision (a fact that travels in bundles).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub review_id: String,
    pub record_id: String,
    pub rev: u32,
    pub hash: String,
    pub action: ReviewAction,
    pub comment: String,
    pub who: String,
    pub at: String,
}

/// A person's choice among forks or duplicates (a fact that travels in bundles).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    pub resolution_id: String,
    /// "fork" or "duplicate".
    pub kind: String,
    pub form_id: String,
    pub village_code: String,
    pub round: String,
    pub record_id: String,
    pub rev: u32,
    pub hash: String,
    pub who: String,
    pub at: String,
}

/// A (form, village, round) with forks or duplicates that no person has resolved yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub form_id: String,
    pub village_code: String,
    pub round: String,
    /// Records of this village and round (more than one: duplicates).
    pub records: i64,
    /// A record has two revisions with the same number (a fork).
    pub forked: bool,
}

impl Store {
    /// Store a revision whose form is known and whose content has been validated, with
    /// its record, contributions and audit rows; leaves `current` to the caller.
    pub(super) fn insert_revision_unchecked(
        &mut self,
        r: &Revision,
        form: &Form,
    ) -> Result<InsertOutcome> {
        let content = String::from_utf8(r.canonical())
            .map_err(|e| StoreError::Invalid(format!("revision is not UTF-8: {e}")))?;
        let hash = crate::store::revision::sha256_hex(content.as_bytes());
        self.insert_canonical_deferred(r, form, &content, &hash, None)
    }

    /// Merge a revision from outside (bundle or CSV): the caller has checked the form
    /// version and validated the values. The derived `current` row is recomputed.
    pub fn merge_revision(&mut self, r: &Revision, form: &Form) -> Result<InsertOutcome> {
        let out = self.insert_revision_unchecked(r, form)?;
        if out != InsertOutcome::Unchanged {
            self.recompute_current(&r.form_id, &r.village_code, &r.round)?;
        }
        Ok(out)
    }

    /// (rev, hash, finalized_at) of the revision that counts for a record.
    pub(super) fn current_of_record(
        &self,
        record_id: &str,
    ) -> Result<Option<(u32, String, String)>> {
        let top: Option<u32> = self
            .conn
            .prepare_cached("SELECT max(rev) FROM revisions WHERE record_id = ?1")?
            .query_row([record_id], |r| r.get(0))?;
        let Some(top) = top else { return Ok(None) };
        let mut stmt = self.conn.prepare_cached(
            "SELECT hash, finalized_at FROM revisions WHERE record_id = ?1 AND rev = ?2 ORDER BY hash",
        )?;
        let cands: Vec<(String, String)> = stmt
            .query_map(params![record_id, top], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if cands.len() > 1 {
            let chosen: Option<String> = self
                .conn
                .prepare_cached(
                    "SELECT hash FROM resolutions WHERE kind = 'fork' AND record_id = ?1 AND rev = ?2
                     ORDER BY julianday(at) DESC, resolution_id DESC LIMIT 1",
                )?
                .query_row(
                    params![record_id, top],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(h) = chosen
                && let Some(c) = cands.iter().find(|c| c.0 == h)
            {
                return Ok(Some((top, c.0.clone(), c.1.clone())));
            }
        }
        Ok(cands.into_iter().next().map(|(h, at)| (top, h, at)))
    }

    /// Recompute which revision counts for one (form, village, round).
    pub fn recompute_current(&mut self, form_id: &str, village: &str, round: &str) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT record_id FROM revisions WHERE form_id = ?1 AND village_code = ?2 AND round = ?3 ORDER BY record_id",
        )?;
        let ids: Vec<String> = stmt
            .query_map(params![form_id, village, round], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        // (record, rev, hash, finalized_at, forked)
        let mut cands = Vec::new();
        for id in &ids {
            if let Some((rev, hash, at)) = self.current_of_record(id)? {
                let n: i64 = self
                    .conn
                    .prepare_cached(
                        "SELECT count(*) FROM revisions WHERE record_id = ?1 AND rev = ?2",
                    )?
                    .query_row(params![id, rev], |r| r.get(0))?;
                let resolved_fork: Option<i64> = self
                    .conn
                    .prepare_cached(
                        "SELECT 1 FROM resolutions WHERE kind = 'fork' AND record_id = ?1 AND rev = ?2 LIMIT 1",
                    )?
                    .query_row(
                        params![id, rev],
                        |r| r.get(0),
                    )
                    .optional()?;
                cands.push((id.clone(), rev, hash, at, n > 1 && resolved_fork.is_none()));
            }
        }
        if cands.is_empty() {
            self.conn
                .prepare_cached(
                    "DELETE FROM current WHERE form_id = ?1 AND village_code = ?2 AND round = ?3",
                )?
                .execute(params![form_id, village, round])?;
            return Ok(());
        }
        let chosen_dup: Option<String> = if cands.len() > 1 {
            self.conn
                .prepare_cached(
                    "SELECT record_id FROM resolutions WHERE kind = 'duplicate' AND form_id = ?1 AND village_code = ?2 AND round = ?3
                     ORDER BY julianday(at) DESC, resolution_id DESC LIMIT 1",
                )?
                .query_row(
                    params![form_id, village, round],
                    |r| r.get(0),
                )
                .optional()?
        } else {
            None
        };
        let resolved_dup = chosen_dup
            .as_ref()
            .is_some_and(|c| cands.iter().any(|x| &x.0 == c));
        let pick = match chosen_dup.and_then(|c| cands.iter().find(|x| x.0 == c).cloned()) {
            Some(p) => p,
            None => {
                let mut sorted = cands.clone();
                // Latest finalized first, as instants (times carry the offset of the
                // installation that wrote them); ties: smallest record id.
                let instant = |s: &str| s.parse::<jiff::Timestamp>().ok();
                sorted.sort_by(|a, b| {
                    instant(&b.3)
                        .cmp(&instant(&a.3))
                        .then_with(|| a.0.cmp(&b.0))
                });
                sorted[0].clone()
            }
        };
        let any_fork = cands.iter().any(|c| c.4);
        let resolved = if cands.len() > 1 {
            resolved_dup
        } else {
            !any_fork
        };
        self.conn
            .prepare_cached(
                "INSERT INTO current(form_id, village_code, round, record_id, rev, hash, records, forked, resolved)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT(form_id, village_code, round) DO UPDATE SET record_id = excluded.record_id,
                   rev = excluded.rev, hash = excluded.hash, records = excluded.records,
                   forked = excluded.forked, resolved = excluded.resolved",
            )?
            .execute(params![
                form_id,
                village,
                round,
                pick.0,
                pick.1,
                pick.2,
                cands.len() as i64,
                any_fork as i64,
                (resolved && !(cands.len() > 1 && any_fork)) as i64
            ])?;
        Ok(())
    }

    /// Add a review decision on a record's current revision.
    pub fn add_review(
        &mut self,
        record_id: &str,
        action: ReviewAction,
        comment: &str,
        who: &str,
    ) -> Result<Review> {
        let Some((rev, hash, _)) = self.current_of_record(record_id)? else {
            return Err(StoreError::Invalid(format!(
                "record {record_id} has no finalized revision to review"
            )));
        };
        // A village in conflict: the version judged now may not be the one that counts
        // once a person resolves it, so no review until then.
        let key: Option<(String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT form_id, village_code, round FROM revisions WHERE record_id = ?1 AND rev = ?2 AND hash = ?3",
            )?
            .query_row(params![record_id, rev, hash], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        if let Some((form_id, village, round)) = key
            && let Some(c) = self.counted(&form_id, &village, &round)?
            && !c.resolved
            && (c.records > 1 || c.forked)
        {
            let what = match (c.records > 1, c.forked) {
                (true, true) => format!("{} records and a forked revision", c.records),
                (true, false) => format!("{} records (duplicates)", c.records),
                _ => "two versions of one revision (a fork)".to_string(),
            };
            return Err(StoreError::InConflict {
                village,
                round,
                what,
            });
        }
        let review = Review {
            review_id: new_id(),
            record_id: record_id.to_string(),
            rev,
            hash,
            action,
            comment: comment.to_string(),
            who: who.to_string(),
            at: now(),
        };
        self.merge_review(&review)?;
        Ok(review)
    }

    /// Store a review fact (idempotent). Returns true when it was new.
    pub fn merge_review(&mut self, r: &Review) -> Result<bool> {
        let n = self.conn.prepare_cached(
            "INSERT OR IGNORE INTO reviews(review_id, record_id, rev, hash, action, comment, who, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(
            params![
                r.review_id,
                r.record_id,
                r.rev,
                r.hash,
                match r.action {
                    ReviewAction::Approve => "approve",
                    ReviewAction::Return => "return",
                },
                r.comment,
                r.who,
                r.at
            ],
        )?;
        if n > 0 && !self.rollup_deferred()? {
            // Whether the counted revision counts may have changed (the `counted` view):
            // rebuild its township, as the `current` triggers do for a new counted row.
            let counted: Option<(String, String, String)> = self
                .conn
                .prepare_cached(
                    "SELECT form_id, round, village_code FROM current
                     WHERE record_id = ?1 AND rev = ?2 AND hash = ?3",
                )?
                .query_row(params![r.record_id, r.rev, r.hash], |x| {
                    Ok((x.get(0)?, x.get(1)?, x.get(2)?))
                })
                .optional()?;
            if let Some((form_id, round, village)) = counted {
                self.rebuild_township_rollup(&form_id, &round, &village)?;
            }
        }
        Ok(n > 0)
    }

    /// Whether a bulk load has silenced the roll-up triggers (`defer_rollup`).
    fn rollup_deferred(&self) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM settings WHERE key = 'rollup_deferred'")?
            .query_row([], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The latest review of one revision.
    pub fn last_review(&self, record_id: &str, rev: u32, hash: &str) -> Result<Option<Review>> {
        Ok(self
            .conn
            .query_row(
                "SELECT review_id, action, comment, who, at FROM reviews WHERE record_id = ?1 AND rev = ?2 AND hash = ?3
                 ORDER BY julianday(at) DESC, review_id DESC LIMIT 1",
                params![record_id, rev, hash],
                |r| {
                    let action: String = r.get(1)?;
                    Ok(Review {
                        review_id: r.get(0)?,
                        record_id: record_id.to_string(),
                        rev,
                        hash: hash.to_string(),
                        action: if action == "approve" {
                            ReviewAction::Approve
                        } else {
                            ReviewAction::Return
                        },
                        comment: r.get(2)?,
                        who: r.get(3)?,
                        at: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Store a resolution fact (idempotent) and recompute what counts. True when new.
    pub fn merge_resolution(&mut self, r: &Resolution) -> Result<bool> {
        if r.kind != "fork" && r.kind != "duplicate" {
            return Err(StoreError::Invalid(format!(
                "unknown resolution kind '{}'",
                r.kind
            )));
        }
        let n = self.conn.execute(
            "INSERT OR IGNORE INTO resolutions(resolution_id, kind, form_id, village_code, round, record_id, rev, hash, who, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![r.resolution_id, r.kind, r.form_id, r.village_code, r.round, r.record_id, r.rev, r.hash, r.who, r.at],
        )?;
        if n > 0 {
            self.recompute_current(&r.form_id, &r.village_code, &r.round)?;
        }
        Ok(n > 0)
    }

    /// Choose a revision among forks, or a record among duplicates.
    pub fn resolve(
        &mut self,
        kind: &str,
        record_id: &str,
        rev: u32,
        hash: &str,
        who: &str,
    ) -> Result<Resolution> {
        let (form_id, village_code, round): (String, String, String) = self.conn.query_row(
            "SELECT form_id, village_code, round FROM records WHERE record_id = ?1",
            [record_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let r = Resolution {
            resolution_id: new_id(),
            kind: kind.to_string(),
            form_id,
            village_code,
            round,
            record_id: record_id.to_string(),
            rev,
            hash: hash.to_string(),
            who: who.to_string(),
            at: now(),
        };
        self.transaction(|s| s.merge_resolution(&r))?;
        Ok(r)
    }

    /// Villages with forks or duplicates not yet resolved by a person.
    pub fn open_conflicts(&self, round: Option<&str>) -> Result<Vec<Conflict>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT form_id, village_code, round, records, forked FROM current
             WHERE resolved = 0 AND (records > 1 OR forked = 1) AND (?1 IS NULL OR round = ?1)
             ORDER BY round, village_code, form_id",
        )?;
        let rows = stmt
            .query_map([round], |r| {
                Ok(Conflict {
                    form_id: r.get(0)?,
                    village_code: r.get(1)?,
                    round: r.get(2)?,
                    records: r.get(3)?,
                    forked: r.get::<_, i64>(4)? != 0,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every revision of (form, village, round) candidates: record id, rev, hash.
    pub fn revisions_of(&self, form_id: &str, village: &str, round: &str) -> Result<Vec<Revision>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT content FROM revisions WHERE form_id = ?1 AND village_code = ?2 AND round = ?3 ORDER BY record_id, rev, hash",
        )?;
        let rows: Vec<String> = stmt
            .query_map(params![form_id, village, round], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        rows.iter()
            .map(|c| {
                serde_json::from_str(c)
                    .map_err(|e| StoreError::Invalid(format!("stored revision unreadable: {e}")))
            })
            .collect()
    }

    /// The counted revision of every village under a code prefix for a round, in code order.
    pub fn current_revisions(
        &self,
        form_id: &str,
        round: &str,
        prefix: &str,
    ) -> Result<Vec<Revision>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.content FROM current c JOIN revisions r ON r.record_id = c.record_id AND r.rev = c.rev AND r.hash = c.hash
             WHERE c.form_id = ?1 AND c.round = ?2 AND c.village_code >= ?3 AND c.village_code < ?3 || ':'
             ORDER BY c.village_code",
        )?;
        let rows: Vec<String> = stmt
            .query_map(params![form_id, round, prefix], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        rows.iter()
            .map(|c| {
                serde_json::from_str(c)
                    .map_err(|e| StoreError::Invalid(format!("stored revision unreadable: {e}")))
            })
            .collect()
    }
}
