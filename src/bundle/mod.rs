//! Signed bundle files: format, signing and verification, merge.

pub mod format;
pub mod keys;
