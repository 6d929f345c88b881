//! Signed bundle files: format, signing and verification, merge.

pub mod exchange;
pub mod facts;
pub mod format;
pub mod keys;
