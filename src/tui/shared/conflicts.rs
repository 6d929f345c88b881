//! What the conflicts screen and its effects say to each other: the round's open forks
//! and duplicates, one opened with the content of its candidates, and the version kept.

use crate::forms::Form;
use crate::forms::record::RecordData;
use crate::store::exchange::{Candidate, ConflictDetail};

/// Resolution kinds, as `Store::resolve` and the bundle format spell them.
pub const FORK: &str = "fork";
pub const DUPLICATE: &str = "duplicate";

/// One candidate with what it says.
#[derive(Debug, Clone)]
pub struct Version {
    pub candidate: Candidate,
    /// The form version it was filled with.
    pub form: Form,
    pub data: RecordData,
}

/// What a person is asked about a conflict. Duplicates and forks are separate facts:
/// which record of the village counts, and which version of a forked record is the true
/// one. The store leaves the village open until both are answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// Which record counts (and, when it is forked, which of its versions).
    Record,
    /// Which version of this record is true; the record that counts is settled.
    Version { record_id: String },
}

/// A conflict with the content of the candidates the question is about.
#[derive(Debug, Clone)]
pub struct OpenedConflict {
    pub detail: ConflictDetail,
    pub question: Question,
    pub versions: Vec<Version>,
}

/// What a person keeps: the resolution facts to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub form_id: String,
    pub village: String,
    pub round: String,
    pub record_id: String,
    pub rev: u32,
    pub hash: String,
    /// `FORK` and/or `DUPLICATE`, in that order.
    pub kinds: Vec<&'static str>,
}

/// Answers of `effects::conflicts`.
#[derive(Debug, Clone)]
pub enum ConflictsMsg {
    Loaded {
        round: String,
        list: Vec<ConflictDetail>,
    },
    Opened(Box<OpenedConflict>),
    /// The resolution is stored. `still_open`: another record of the village is still
    /// forked, so a choice among its versions is needed too.
    Resolved {
        form_id: String,
        village: String,
        round: String,
        still_open: bool,
    },
}

/// Work for `effects::conflicts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConflictsCmd {
    Load {
        round: String,
    },
    Open {
        form_id: String,
        village: String,
        round: String,
    },
    Resolve(Choice),
}
