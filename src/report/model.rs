//! The roll-up result that every report writer and the dashboard read.
//! Computed by the roll-up; written by `report::writers`.

pub use crate::register::Level;

/// Static description of an indicator, from `forms/`.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorInfo {
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
    /// What the numerator counts, e.g. "villages", "households", "tonnes", "farms".
    pub unit_zh: String,
    pub unit_en: String,
}

/// One indicator for one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorValue {
    pub id: String,
    pub numerator: f64,
    pub denominator: f64,
    /// numerator ÷ denominator; None where the denominator is 0.
    pub value: Option<f64>,
    /// Numeric target as a fraction (0.85); None where there is none.
    pub target: Option<f64>,
    /// value ≥ target; None where there is no target or no value.
    pub met: Option<bool>,
    /// Numerator still missing to meet the target, rounded up; None without a target.
    pub shortfall: Option<f64>,
}

/// One administrative unit's row of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitReport {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub villages_in_scope: u64,
    pub villages_reported: u64,
    pub indicators: Vec<IndicatorValue>,
}

/// A whole report: the `--under` unit first, then every unit below it in code order.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub round: String,
    /// RFC 3339 with offset, e.g. "2026-11-28T10:00:00+08:00".
    pub generated_at: String,
    /// The figures come from a data directory holding synthetic demo data (`ruralenv
    /// demo`): every format says so.
    pub demo: bool,
    /// Indicators in display order.
    pub indicators: Vec<IndicatorInfo>,
    pub units: Vec<UnitReport>,
}

impl UnitReport {
    /// This unit's value of the indicator `id`, if the roll-up computed one.
    pub fn indicator(&self, id: &str) -> Option<&IndicatorValue> {
        self.indicators.iter().find(|v| v.id == id)
    }
}

/// The line every report format carries for demo data.
pub fn demo_notice(lang: crate::forms::Lang) -> &'static str {
    crate::i18n::data::demo_notice(lang)
}

impl Report {
    /// The description of the indicator `id`, if `forms/` has one.
    pub fn indicator_info(&self, id: &str) -> Option<&IndicatorInfo> {
        self.indicators.iter().find(|i| i.id == id)
    }

    /// Indicator ids in display order: those described in `indicators` first, then any
    /// other id a unit carries, in the order first met. Each id once.
    pub fn indicator_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        let described = self.indicators.iter().map(|i| i.id.as_str());
        let carried = self
            .units
            .iter()
            .flat_map(|u| u.indicators.iter().map(|v| v.id.as_str()));
        for id in described.chain(carried) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }
}
