//! The TUI's words for the county: the dashboard, the first run, demo loading.

#[allow(unused_imports)]
use super::{Lang, pick};
