//! Drafts committed one field at a time, and finalizing them into revisions.

use super::revision::{Revision, diff};
use super::{Result, Store, StoreError, new_id, now};
use crate::forms::Form;
use crate::forms::record::{Issue, RecordData, Row};
use crate::forms::value::Value;
use rusqlite::{OptionalExtension, params};

/// Where a record stands, as the home screen and `records show` say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordStatus {
    NotStarted,
    Draft,
    Finalized,
    Approved,
    Returned,
    Conflict,
}

impl RecordStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordStatus::NotStarted => "not_started",
            RecordStatus::Draft => "draft",
            RecordStatus::Finalized => "finalized",
            RecordStatus::Approved => "approved",
            RecordStatus::Returned => "returned",
            RecordStatus::Conflict => "conflict",
        }
    }
}

/// One record of a village and round.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordSummary {
    pub record_id: String,
    pub form_id: String,
    pub village_code: String,
    pub round: String,
    /// Latest finalized revision: (rev, hash, form_version, finalized_at, finalized_by).
    pub latest: Option<(u32, String, u32, String, String)>,
    pub draft_form_version: Option<u32>,
    pub has_draft: bool,
    /// This record is the one that counts for the village (DESIGN.md merge rules).
    pub counts: bool,
    pub status: RecordStatus,
    /// The last review's comment when the record was returned.
    pub return_comment: Option<String>,
}

/// One changed field in the audit trail: who changed it from what to what, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub rev: u32,
    pub field: String,
    pub old: Value,
    pub new: Value,
    pub who: String,
    pub at: String,
}

/// Outcome of finalize: a new revision, or the problems that block it.
#[derive(Debug)]
pub enum FinalizeResult {
    Finalized(Box<Revision>),
    Blocked(Vec<Issue>),
}

fn json(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

fn unjson(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or(Value::Null)
}

impl Store {
    /// Start a new record with a draft, with `initial` values. Returns the record id.
    pub fn create_record(
        &mut self,
        form: &Form,
        village: &str,
        round: &str,
        who: &str,
        initial: &RecordData,
    ) -> Result<String> {
        self.ensure_form(form)?;
        if self.division(village)?.is_none() {
            return Err(StoreError::Invalid(format!(
                "{village}: no such village in the register"
            )));
        }
        let id = new_id();
        let at = now();
        self.transaction(|s| {
            s.conn.execute(
                "INSERT INTO records(record_id, form_id, village_code, round, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, form.id, village, round, at, who],
            )?;
            s.conn.execute(
                "INSERT INTO drafts(record_id, form_version, base_rev, base_hash, started_at, started_by) VALUES (?1, ?2, NULL, NULL, ?3, ?4)",
                params![id, form.version, at, who],
            )?;
            s.write_draft_data(&id, initial, who, &at)?;
            Ok(())
        })?;
        Ok(id)
    }

    fn write_draft_data(&self, id: &str, data: &RecordData, who: &str, at: &str) -> Result<()> {
        for (k, v) in &data.values {
            self.conn.execute(
                "INSERT OR REPLACE INTO draft_values(record_id, grp, row_id, field, value, updated_at, updated_by) VALUES (?1, '', '', ?2, ?3, ?4, ?5)",
                params![id, k, json(v), at, who],
            )?;
        }
        for (g, rows) in &data.groups {
            for (i, row) in rows.iter().enumerate() {
                self.conn.execute(
                    "INSERT OR REPLACE INTO draft_rows(record_id, grp, row_id, ord) VALUES (?1, ?2, ?3, ?4)",
                    params![id, g, row.id, i as i64],
                )?;
                for (k, v) in &row.values {
                    self.conn.execute(
                        "INSERT OR REPLACE INTO draft_values(record_id, grp, row_id, field, value, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        params![id, g, row.id, k, json(v), at, who],
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Commit one field of a draft in its own transaction (fsync'd before it returns).
    /// `row` names a repeat-group row: (group, row id). Null clears the answer.
    pub fn set_draft_value(
        &mut self,
        record_id: &str,
        row: Option<(&str, &str)>,
        field: &str,
        value: &Value,
        who: &str,
    ) -> Result<()> {
        let (g, r) = row.unwrap_or(("", ""));
        let n = if value.is_null() {
            self.conn.execute(
                "DELETE FROM draft_values WHERE record_id = ?1 AND grp = ?2 AND row_id = ?3 AND field = ?4",
                params![record_id, g, r, field],
            )?;
            1
        } else {
            self.conn.execute(
                "INSERT INTO draft_values(record_id, grp, row_id, field, value, updated_at, updated_by)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE EXISTS (SELECT 1 FROM drafts WHERE record_id = ?1)
                 ON CONFLICT(record_id, grp, row_id, field) DO UPDATE SET value = excluded.value,
                   updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                params![record_id, g, r, field, json(value), now(), who],
            )?
        };
        if n == 0 {
            return Err(StoreError::Invalid(format!(
                "record {record_id} has no open draft (finalized records change only through a new revision)"
            )));
        }
        Ok(())
    }

    /// Append a row to a repeat group of a draft; returns its id.
    pub fn add_draft_row(&mut self, record_id: &str, group: &str) -> Result<String> {
        let id = new_id();
        self.conn.execute(
            "INSERT INTO draft_rows(record_id, grp, row_id, ord)
             SELECT ?1, ?2, ?3, coalesce(max(ord), -1) + 1 FROM draft_rows WHERE record_id = ?1 AND grp = ?2",
            params![record_id, group, id],
        )?;
        Ok(id)
    }

    pub fn delete_draft_row(&mut self, record_id: &str, group: &str, row_id: &str) -> Result<()> {
        self.transaction(|s| {
            s.conn.execute(
                "DELETE FROM draft_values WHERE record_id = ?1 AND grp = ?2 AND row_id = ?3",
                params![record_id, group, row_id],
            )?;
            s.conn.execute(
                "DELETE FROM draft_rows WHERE record_id = ?1 AND grp = ?2 AND row_id = ?3",
                params![record_id, group, row_id],
            )?;
            Ok(())
        })
    }

    /// The draft's values, rows in order. Err when the record has no draft.
    pub fn draft_data(&self, record_id: &str) -> Result<RecordData> {
        let exists: Option<i64> = self
            .conn
            .query_row(
                "SELECT 1 FROM drafts WHERE record_id = ?1",
                [record_id],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_none() {
            return Err(StoreError::Invalid(format!(
                "record {record_id} has no draft"
            )));
        }
        let mut data = RecordData::default();
        let mut stmt = self.conn.prepare_cached(
            "SELECT grp, row_id FROM draft_rows WHERE record_id = ?1 ORDER BY grp, ord",
        )?;
        let rows: Vec<(String, String)> = stmt
            .query_map([record_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (g, id) in rows {
            data.groups.entry(g).or_default().push(Row {
                id,
                values: Default::default(),
            });
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT grp, row_id, field, value FROM draft_values WHERE record_id = ?1",
        )?;
        let vals: Vec<(String, String, String, String)> = stmt
            .query_map([record_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (g, rid, f, v) in vals {
            let v = unjson(&v);
            if g.is_empty() {
                data.set(&f, v);
            } else if let Some(row) = data
                .groups
                .get_mut(&g)
                .and_then(|rows| rows.iter_mut().find(|r| r.id == rid))
            {
                row.values.insert(f, v);
            }
        }
        Ok(data)
    }

    /// Form version a draft was started with.
    pub fn draft_form_version(&self, record_id: &str) -> Result<Option<u32>> {
        Ok(self
            .conn
            .query_row(
                "SELECT form_version FROM drafts WHERE record_id = ?1",
                [record_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Validate the draft with `form` and, if nothing blocks it, store an immutable
    /// revision (with its audit rows and indicator contributions) and close the draft.
    pub fn finalize(&mut self, record_id: &str, form: &Form, who: &str) -> Result<FinalizeResult> {
        let data = self.draft_data(record_id)?;
        let fin = form.finalized_data(&data);
        let issues = form.validate(&fin);
        if !issues.is_empty() {
            return Ok(FinalizeResult::Blocked(issues));
        }
        let (form_id, village, round): (String, String, String) = self.conn.query_row(
            "SELECT form_id, village_code, round FROM records WHERE record_id = ?1",
            [record_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let (base_rev, base_hash): (Option<u32>, Option<String>) = self.conn.query_row(
            "SELECT base_rev, base_hash FROM drafts WHERE record_id = ?1",
            [record_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let old = match (&base_rev, &base_hash) {
            (Some(r), Some(h)) => self.revision(record_id, *r, h)?.map(|r| r.data),
            _ => None,
        };
        let changes = diff(&old.unwrap_or_default(), &fin);
        let rev = match base_rev {
            Some(r) => super::revision::next_rev(record_id, r).map_err(StoreError::Invalid)?,
            None => 1,
        };
        let revision = Revision {
            record_id: record_id.to_string(),
            rev,
            parent_hash: base_hash,
            form_id,
            form_version: form.version,
            village_code: village,
            round,
            finalized_at: now(),
            finalized_by: who.to_string(),
            data: fin,
            changes,
        };
        self.ensure_form(form)?;
        self.transaction(|s| {
            s.insert_revision_unchecked(&revision, form)?;
            s.conn
                .execute("DELETE FROM drafts WHERE record_id = ?1", [record_id])?;
            s.recompute_current(&revision.form_id, &revision.village_code, &revision.round)?;
            Ok(())
        })?;
        Ok(FinalizeResult::Finalized(Box::new(revision)))
    }

    /// Open a new draft on top of the record's current revision ("edit" a finalized record).
    pub fn start_revision(&mut self, record_id: &str, who: &str) -> Result<()> {
        if self.draft_form_version(record_id)?.is_some() {
            return Ok(());
        }
        let Some(cur) = self.current_revision(record_id)? else {
            return Err(StoreError::Invalid(format!(
                "record {record_id} has no finalized revision"
            )));
        };
        let at = now();
        self.transaction(|s| {
            s.conn.execute(
                "INSERT INTO drafts(record_id, form_version, base_rev, base_hash, started_at, started_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![record_id, cur.form_version, cur.rev, cur.hash(), at, who],
            )?;
            s.write_draft_data(record_id, &cur.data, who, &at)
        })
    }

    /// Drop a draft that edits a finalized record (the finalized revision stays).
    pub fn discard_revision_draft(&mut self, record_id: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM drafts WHERE record_id = ?1 AND base_rev IS NOT NULL",
            [record_id],
        )?;
        Ok(())
    }

    pub fn revision(&self, record_id: &str, rev: u32, hash: &str) -> Result<Option<Revision>> {
        let content: Option<String> = self
            .conn
            .query_row(
                "SELECT content FROM revisions WHERE record_id = ?1 AND rev = ?2 AND hash = ?3",
                params![record_id, rev, hash],
                |r| r.get(0),
            )
            .optional()?;
        content
            .map(|c| {
                serde_json::from_str(&c)
                    .map_err(|e| StoreError::Invalid(format!("stored revision unreadable: {e}")))
            })
            .transpose()
    }

    /// The record's current revision: the highest number; among forks, the resolved one
    /// or else the smallest hash.
    pub fn current_revision(&self, record_id: &str) -> Result<Option<Revision>> {
        match self.current_of_record(record_id)? {
            Some((rev, hash, _)) => self.revision(record_id, rev, &hash),
            None => Ok(None),
        }
    }

    /// Records of one village and round, with status.
    pub fn records_of(
        &self,
        form_id: &str,
        village: &str,
        round: &str,
    ) -> Result<Vec<RecordSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT record_id FROM records WHERE form_id = ?1 AND village_code = ?2 AND round = ?3 ORDER BY record_id",
        )?;
        let ids: Vec<String> = stmt
            .query_map(params![form_id, village, round], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let counted: Option<(String, i64, i64, i64)> = self
            .conn
            .query_row(
                "SELECT record_id, records, forked, resolved FROM current WHERE form_id = ?1 AND village_code = ?2 AND round = ?3",
                params![form_id, village, round],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let mut out = Vec::new();
        for id in ids {
            let draft_form_version = self.draft_form_version(&id)?;
            let latest = match self.current_of_record(&id)? {
                Some((rev, hash, _)) => {
                    let (fv, at, by): (u32, String, String) = self.conn.query_row(
                        "SELECT form_version, finalized_at, finalized_by FROM revisions WHERE record_id = ?1 AND rev = ?2 AND hash = ?3",
                        params![id, rev, hash],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )?;
                    Some((rev, hash, fv, at, by))
                }
                None => None,
            };
            let conflict = counted
                .as_ref()
                .is_some_and(|c| (c.1 > 1 || c.2 > 0) && c.3 == 0);
            let review = match &latest {
                Some((rev, hash, ..)) => self.last_review(&id, *rev, hash)?,
                None => None,
            };
            let status = if draft_form_version.is_some() {
                RecordStatus::Draft
            } else if latest.is_none() {
                RecordStatus::NotStarted
            } else if conflict {
                RecordStatus::Conflict
            } else {
                match &review {
                    Some(r) if r.action == super::ReviewAction::Approve => RecordStatus::Approved,
                    Some(_) => RecordStatus::Returned,
                    None => RecordStatus::Finalized,
                }
            };
            // What counts (DESIGN.md, docs/counting.md; the `counted` view): the counted
            // record, unless its revision's latest review returned it.
            let counts = counted.as_ref().is_some_and(|c| c.0 == id)
                && !review
                    .as_ref()
                    .is_some_and(|r| r.action == super::ReviewAction::Return);
            let return_comment = review
                .filter(|r| r.action == super::ReviewAction::Return)
                .map(|r| r.comment);
            out.push(RecordSummary {
                record_id: id,
                form_id: form_id.to_string(),
                village_code: village.to_string(),
                round: round.to_string(),
                latest,
                has_draft: draft_form_version.is_some(),
                draft_form_version,
                counts,
                status,
                return_comment,
            });
        }
        Ok(out)
    }

    /// Status per village for a round, for the home screen: one query, not one per village.
    pub fn village_statuses(
        &self,
        form_id: &str,
        round: &str,
    ) -> Result<std::collections::HashMap<String, RecordStatus>> {
        let mut map = std::collections::HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.village_code, c.records, c.forked, c.resolved,
                    (SELECT action FROM reviews v WHERE v.record_id = c.record_id AND v.rev = c.rev AND v.hash = c.hash
                     ORDER BY julianday(at) DESC, review_id DESC LIMIT 1)
             FROM current c WHERE c.form_id = ?1 AND c.round = ?2",
        )?;
        let rows = stmt.query_map(params![form_id, round], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        for row in rows {
            let (v, n, forked, resolved, action) = row?;
            let st = if (n > 1 || forked > 0) && resolved == 0 {
                RecordStatus::Conflict
            } else {
                match action.as_deref() {
                    Some("approve") => RecordStatus::Approved,
                    Some("return") => RecordStatus::Returned,
                    _ => RecordStatus::Finalized,
                }
            };
            map.insert(v, st);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.village_code FROM drafts d JOIN records r USING (record_id) WHERE r.form_id = ?1 AND r.round = ?2",
        )?;
        // A draft over a finalized revision (`e` on it) is a new revision being made: the
        // village is a draft again until it is finalized (as `records_of` says of the
        // record), unless it is in conflict. What counts is the `counted` view's, unchanged.
        for v in stmt.query_map(params![form_id, round], |r| r.get::<_, String>(0))? {
            let v = v?;
            let st = map.entry(v).or_insert(RecordStatus::Draft);
            if *st != RecordStatus::Conflict {
                *st = RecordStatus::Draft;
            }
        }
        Ok(map)
    }

    /// Audit trail of a record, oldest first: (rev, field, old, new, who, at).
    pub fn audit_trail(&self, record_id: &str) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT rev, field, old, new, who, at FROM audit WHERE record_id = ?1 ORDER BY rev, at, field",
        )?;
        let rows = stmt
            .query_map([record_id], |r| {
                let old: Option<String> = r.get(2)?;
                let new: Option<String> = r.get(3)?;
                Ok(AuditEntry {
                    rev: r.get(0)?,
                    field: r.get(1)?,
                    old: old.map(|s| unjson(&s)).unwrap_or_default(),
                    new: new.map(|s| unjson(&s)).unwrap_or_default(),
                    who: r.get(4)?,
                    at: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Rounds that have any record, newest first.
    pub fn rounds(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT round FROM records ORDER BY round DESC")?;
        let rows = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
