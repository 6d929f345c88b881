//! A record's history as people read it: each finalized revision, each review (approve or
//! return, with its comment) and each conflict resolution that names the record, with who
//! and when. Field-level changes are in the audit trail (`records::audit_trail`).

use super::facts::{Resolution, Review, ReviewAction};
use super::{Result, Store};
use rusqlite::params;

/// One event of a record's history.
#[derive(Debug, Clone, PartialEq)]
pub enum HistoryEvent {
    /// A revision was finalized (or arrived finalized: CSV, bundle).
    Finalized {
        rev: u32,
        hash: String,
        who: String,
        at: String,
        /// Fields changed from the previous revision.
        changes: u64,
    },
    Reviewed(Review),
    /// A person chose this record among duplicates, or this version among forks.
    Resolved(Resolution),
}

impl HistoryEvent {
    pub fn at(&self) -> &str {
        match self {
            HistoryEvent::Finalized { at, .. } => at,
            HistoryEvent::Reviewed(r) => &r.at,
            HistoryEvent::Resolved(r) => &r.at,
        }
    }
}

impl Store {
    /// Every finalized revision, review and resolution of a record, oldest first.
    pub fn history(&self, record_id: &str) -> Result<Vec<HistoryEvent>> {
        let mut out = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.rev, r.hash, r.finalized_by, r.finalized_at,
                    (SELECT count(*) FROM audit a WHERE a.record_id = r.record_id AND a.rev = r.rev AND a.hash = r.hash)
             FROM revisions r WHERE r.record_id = ?1 ORDER BY r.rev, r.hash",
        )?;
        for row in stmt.query_map([record_id], |r| {
            Ok(HistoryEvent::Finalized {
                rev: r.get(0)?,
                hash: r.get(1)?,
                who: r.get(2)?,
                at: r.get(3)?,
                changes: r.get::<_, i64>(4)?.max(0) as u64,
            })
        })? {
            out.push(row?);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT review_id, rev, hash, action, comment, who, at FROM reviews
             WHERE record_id = ?1 ORDER BY julianday(at), review_id",
        )?;
        for row in stmt.query_map([record_id], |r| {
            let action: String = r.get(3)?;
            Ok(HistoryEvent::Reviewed(Review {
                review_id: r.get(0)?,
                record_id: record_id.to_string(),
                rev: r.get(1)?,
                hash: r.get(2)?,
                action: if action == "approve" {
                    ReviewAction::Approve
                } else {
                    ReviewAction::Return
                },
                comment: r.get(4)?,
                who: r.get(5)?,
                at: r.get(6)?,
            }))
        })? {
            out.push(row?);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT resolution_id, kind, form_id, village_code, round, rev, hash, who, at
             FROM resolutions WHERE record_id = ?1 ORDER BY julianday(at), resolution_id",
        )?;
        for row in stmt.query_map(params![record_id], |r| {
            Ok(HistoryEvent::Resolved(Resolution {
                resolution_id: r.get(0)?,
                kind: r.get(1)?,
                form_id: r.get(2)?,
                village_code: r.get(3)?,
                round: r.get(4)?,
                record_id: record_id.to_string(),
                rev: r.get(5)?,
                hash: r.get(6)?,
                who: r.get(7)?,
                at: r.get(8)?,
            }))
        })? {
            out.push(row?);
        }
        // Stable: at equal times a revision comes before its review, a review before a
        // resolution (the order they are made in).
        // Times carry the offset of the installation that wrote them: compare instants.
        let instant = |s: &str| s.parse::<jiff::Timestamp>().ok();
        out.sort_by(|a, b| {
            instant(a.at())
                .cmp(&instant(b.at()))
                .then_with(|| a.at().cmp(b.at()))
        });
        Ok(out)
    }
}
