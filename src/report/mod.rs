//! Roll-ups against targets, and the table/JSON/CSV/XLSX writers.

pub mod model;
