//! The TUI's key table and shared words: key descriptions, screen titles, footers, help, the status line.

#[allow(unused_imports)]
use super::{Lang, pick};
