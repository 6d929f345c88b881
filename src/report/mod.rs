//! Roll-ups against targets, and the table/JSON/CSV/XLSX writers.

pub mod dashboard;
pub mod indicator;
pub mod model;
pub mod rollup;
pub mod writers;
