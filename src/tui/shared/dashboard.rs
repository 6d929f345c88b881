//! What the dashboard's effect loads: one unit's roll-up for a round and what goes with it.

use crate::report::dashboard::Holdbacks;
use crate::report::model::{IndicatorInfo, IndicatorValue, Report, UnitReport};
use crate::store::DivisionRow;
use std::collections::BTreeMap;

/// Everything the dashboard shows for one unit and round, loaded in one go.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardData {
    pub unit: DivisionRow,
    pub round: String,
    /// The unit first, then the units below it (villages for a township).
    pub report: Report,
    /// For every indicator with a target (in display order).
    pub holdbacks: Vec<Holdbacks>,
    /// In-scope villages without a counted record: (code, name), in code order.
    pub unreported: Vec<(String, String)>,
    /// The unit in every round that has records, oldest first.
    pub trend: Vec<(String, UnitReport)>,
    /// Township code (12 digits) → name, for every township under the unit (or the unit
    /// itself when it is one): the rows of villages say where a village is.
    pub townships: BTreeMap<String, String>,
    /// The holds-back and unreported lists are still being computed (they need a pass
    /// over every village; the figures come from the township roll-up tables).
    pub villages_pending: bool,
}

/// A row of the unreported pane: a township with how many of its villages have not
/// reported, or one of those villages (an index into `DashboardData::unreported`).
#[derive(Debug, Clone, PartialEq)]
pub enum UnreportedRow {
    Township { code: String, count: usize },
    Village(usize),
}

/// The township code of a village (or any unit) code: its first nine digits, then 000.
pub fn township_code(code: &str) -> String {
    format!("{}000", code.get(..9).unwrap_or(code))
}

impl DashboardData {
    /// The unit's own row of the report.
    pub fn own(&self) -> Option<&UnitReport> {
        self.report.units.iter().find(|u| u.code == self.unit.code)
    }

    pub fn indicators(&self) -> &[IndicatorInfo] {
        &self.report.indicators
    }

    pub fn value(&self, id: &str) -> Option<&IndicatorValue> {
        self.own().and_then(|u| u.indicator(id))
    }

    pub fn holdbacks_of(&self, id: &str) -> Option<&Holdbacks> {
        self.holdbacks.iter().find(|h| h.indicator == id)
    }

    /// The name of the township a village belongs to ("" when the register lacks it).
    pub fn township_of(&self, village: &str) -> &str {
        self.townships
            .get(&township_code(village))
            .map_or("", String::as_str)
    }

    /// The unreported villages grouped by township (in code order): a header row per
    /// township with its count, then its villages.
    pub fn unreported_rows(&self) -> Vec<UnreportedRow> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.unreported.len() {
            let t = township_code(&self.unreported[i].0);
            let start = i;
            while i < self.unreported.len() && township_code(&self.unreported[i].0) == t {
                i += 1;
            }
            out.push(UnreportedRow::Township {
                code: t,
                count: i - start,
            });
            out.extend((start..i).map(UnreportedRow::Village));
        }
        out
    }
}

/// The townships named in a report (for `DashboardData::townships`).
pub fn townships_of(report: &Report, unit: &DivisionRow) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = report
        .units
        .iter()
        .filter(|u| u.level == crate::register::Level::Township)
        .map(|u| (u.code.clone(), u.name.clone()))
        .collect();
    if unit.level == crate::register::Level::Township {
        out.insert(unit.code.clone(), unit.name.clone());
    }
    out
}
