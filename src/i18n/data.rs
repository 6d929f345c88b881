//! Messages of the data layers: bundle files and their import, the store, reports, demo data.

#[allow(unused_imports)]
use super::{Lang, pick};
