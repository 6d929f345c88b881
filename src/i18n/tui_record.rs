//! The TUI's words for records: home, the village form and farm table, review, history.

#[allow(unused_imports)]
use super::{Lang, pick};
