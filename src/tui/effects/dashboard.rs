//! The dashboard's effect: roll up a unit's round with what holds each indicator back,
//! the unreported villages and the trend.

use crate::register::Level;
use crate::report::dashboard;
use crate::report::rollup::{Depth, rollup};
use crate::tui::effects::Effects;
use crate::tui::shared::dashboard::DashboardData;

impl Effects {
    /// A unit's dashboard: the roll-up (villages below a township, else townships), what
    /// holds back every indicator with a shortfall, the unreported villages and the trend.
    pub fn dashboard(&self, unit: &str, round: &str) -> anyhow::Result<DashboardData> {
        let d = self
            .store
            .division(unit)?
            .ok_or_else(|| anyhow::anyhow!("{unit}: not in the register"))?;
        let depth = if d.level >= Level::Township {
            Depth::Villages
        } else {
            Depth::Townships
        };
        let report = rollup(&self.store, &self.forms, round, &d, depth)?;
        let mut holdbacks = Vec::new();
        if let Some(own) = report.units.first() {
            for v in &own.indicators {
                if let Some(short) = v.shortfall {
                    holdbacks.push(dashboard::holdbacks(
                        &self.store,
                        &self.forms,
                        round,
                        &d,
                        &v.id,
                        short,
                    )?);
                }
            }
        }
        let unreported =
            self.store
                .unreported_villages(&self.forms.village_form().id, round, d.prefix())?;
        let trend = dashboard::trend(&self.store, &self.forms, &d)?;
        Ok(DashboardData {
            unit: d,
            round: round.to_string(),
            report,
            holdbacks,
            unreported,
            trend,
        })
    }
}
