//! ruralenv: offline county-level rural living-environment surveys.
//!
//! Layers only look down: `tui` → `report`, `bundle` → `store` → `forms`, `register`.
//! Nothing below `tui` knows a terminal exists; nothing outside `store` writes SQL.

pub mod bundle;
pub mod cli;
pub mod commands;
pub mod context;
pub mod demo;
pub mod forms;
pub mod i18n;
pub mod logfile;
pub mod output;
pub mod register;
pub mod report;
pub mod sheets;
pub mod store;
pub mod termsafe;
pub mod tui;
