//! Signed bundle files: format, signing and verification, merge.
