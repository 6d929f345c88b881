//! The TUI's words for exchange: import and export of bundles, file pickers, trusted keys, conflicts.

#[allow(unused_imports)]
use super::{Lang, pick};
