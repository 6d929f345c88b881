//! What the dashboard's effect loads: one unit's roll-up for a round and what goes with it.

use crate::report::dashboard::Holdbacks;
use crate::report::model::{IndicatorInfo, IndicatorValue, Report, UnitReport};
use crate::store::DivisionRow;

/// Everything the dashboard shows for one unit and round, loaded in one go.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardData {
    pub unit: DivisionRow,
    pub round: String,
    /// The unit first, then the units below it (villages for a township).
    pub report: Report,
    /// For every indicator with a target (in display order).
    pub holdbacks: Vec<Holdbacks>,
    /// In-scope villages without a counted record: (code, name).
    pub unreported: Vec<(String, String)>,
    /// The unit in every round that has records, oldest first.
    pub trend: Vec<(String, UnitReport)>,
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
}
