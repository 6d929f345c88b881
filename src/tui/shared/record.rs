//! What the form screen and its effects say to each other: a record as opened, and a
//! value to store (into a known record, or one created by the first saved answer).

use crate::forms::Form;
use crate::forms::record::RecordData;
use crate::forms::value::Value;
use crate::store::{DivisionRow, RecordStatus};

/// The record to write to: known, or to be created with these values on first commit
/// (opening a village does not create a record; the first saved answer does).
#[derive(Debug, Clone, PartialEq)]
pub enum RecordRef {
    Id(String),
    New {
        village: String,
        round: String,
        initial: RecordData,
    },
}

/// A value to store, produced by leaving a field.
#[derive(Debug, Clone, PartialEq)]
pub struct Commit {
    pub rec: RecordRef,
    pub row: Option<(String, String)>,
    pub field: String,
    pub value: Value,
}

/// A record as opened (from the store, or new and not yet saved).
#[derive(Debug, Clone)]
pub struct Opened {
    pub village: DivisionRow,
    pub round: String,
    pub record_id: Option<String>,
    pub form: Form,
    pub data: RecordData,
    pub read_only: bool,
    pub status: RecordStatus,
    /// Finalized revision shown (read-only) or edited (draft of a new revision).
    pub rev: Option<u32>,
    pub return_comment: Option<String>,
    /// Field to start on (`edit --field`).
    pub field: Option<String>,
}

/// A village outside the survey scope with no record: no form opens (the message says why
/// and how a county changes the scope).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct OutOfScope(pub String);
