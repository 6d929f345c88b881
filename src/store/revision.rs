//! A finalized revision: immutable, content-addressed by the SHA-256 of its canonical JSON.

use crate::forms::record::RecordData;
use crate::forms::value::Value;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One changed field of a revision against its parent (the audit trail travels with it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

/// The immutable fact stored when a record is finalized, and carried in bundles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    pub record_id: String,
    pub rev: u32,
    /// Hash of the revision this one edits (None for the first).
    pub parent_hash: Option<String>,
    pub form_id: String,
    pub form_version: u32,
    pub village_code: String,
    pub round: String,
    pub finalized_at: String,
    pub finalized_by: String,
    pub data: RecordData,
    pub changes: Vec<Change>,
}

/// Highest revision number accepted (from a bundle, a CSV load or a local edit). A record
/// edited every minute for a year gets about half a million; the limit keeps `rev + 1`
/// far from overflowing a `u32` everywhere the number is carried (docs/limits.md).
pub const MAX_REV: u32 = 1_000_000;

/// Refuses a revision number outside `1..=MAX_REV`, naming the record.
pub fn check_rev(record_id: &str, rev: u32) -> Result<(), String> {
    if (1..=MAX_REV).contains(&rev) {
        Ok(())
    } else {
        Err(format!(
            "record {}: revision number {rev} is outside 1 to {MAX_REV}",
            crate::termsafe::escape(record_id)
        ))
    }
}

/// The number of the revision after `rev`, or why there can be none.
pub fn next_rev(record_id: &str, rev: u32) -> Result<u32, String> {
    let Some(next) = rev.checked_add(1) else {
        return check_rev(record_id, u32::MAX).map(|()| u32::MAX);
    };
    check_rev(record_id, next)?;
    Ok(next)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Revision {
    /// Canonical bytes: struct fields in declaration order, maps sorted by key.
    pub fn canonical(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn hash(&self) -> String {
        sha256_hex(&self.canonical())
    }
}

/// Field-by-field differences between two versions of a record's data.
pub fn diff(old: &RecordData, new: &RecordData) -> Vec<Change> {
    let mut out = Vec::new();
    let keys: std::collections::BTreeSet<&String> =
        old.values.keys().chain(new.values.keys()).collect();
    for k in keys {
        let (a, b) = (old.get(k), new.get(k));
        if a != b {
            out.push(Change {
                field: k.clone(),
                old: a.clone(),
                new: b.clone(),
            });
        }
    }
    let groups: std::collections::BTreeSet<&String> =
        old.groups.keys().chain(new.groups.keys()).collect();
    for g in groups {
        let (ro, rn) = (old.rows(g), new.rows(g));
        for (i, row) in rn.iter().enumerate() {
            let before = ro.iter().find(|r| r.id == row.id);
            let keys: std::collections::BTreeSet<&String> = row
                .values
                .keys()
                .chain(before.map(|b| b.values.keys()).into_iter().flatten())
                .collect();
            for k in keys {
                let a = before
                    .and_then(|b| b.values.get(k))
                    .cloned()
                    .unwrap_or_default();
                let b = row.values.get(k).cloned().unwrap_or_default();
                if a != b {
                    out.push(Change {
                        field: format!("{g}[{}].{k}", i + 1),
                        old: a,
                        new: b,
                    });
                }
            }
        }
        for row in ro.iter().filter(|r| !rn.iter().any(|n| n.id == r.id)) {
            out.push(Change {
                field: format!("{g}[-].{}", row.id),
                old: Value::Text("row".into()),
                new: Value::Null,
            });
        }
    }
    out
}
