//! The county dashboard's state: one unit's roll-up for a round, the villages that hold
//! each indicator back, the villages not yet reported and the trend over rounds, plus
//! what the user picked (indicator, lower pane, sort, row) and the units drilled through.
//! Pure data and a pure key handler; `effects` loads `DashboardData` on a worker thread,
//! and while it does the screen says so and still answers keys (`loading`).
//!
//! Keys, one scheme (the footer shows it from `keys::TABLE`): ↑↓ move where the focus is
//! (the indicators above, or the rows of the pane below); Tab moves the focus; ←→ or
//! 1–4 choose the pane; the units table is always ranked by the marked indicator, and
//! `s` switches it between worst first and code order; Enter drills into a unit or
//! opens a village's record read-only; Esc goes back.

use crate::report::dashboard::ranked_children;
use crate::report::model::UnitReport;
use crate::tui::keys::Action;
use crate::tui::shared::dashboard::{DashboardData, UnreportedRow};
use crate::tui::shared::{Cmd, Go, Outcome};

/// The lower part of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Units,
    Holdbacks,
    Unreported,
    Trend,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Units, Pane::Holdbacks, Pane::Unreported, Pane::Trend];

    pub fn title(self, lang: crate::forms::Lang) -> &'static str {
        crate::i18n::tui_county::pane(lang, self)
    }
}

/// Where ↑↓ go: the indicator list or the rows of the lower pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Indicators,
    Rows,
}

/// One unit's dashboard and what is selected on it.
#[derive(Debug, Clone, PartialEq)]
pub struct DashView {
    pub data: Box<DashboardData>,
    /// Index into the report's indicators.
    pub indicator: usize,
    /// The units table in code order instead of worst first by the marked indicator.
    pub by_code: bool,
    pub pane: Pane,
    pub focus: Focus,
    /// Cursor in the lower pane.
    pub row: usize,
}

impl DashView {
    pub fn new(data: Box<DashboardData>) -> DashView {
        DashView {
            data,
            indicator: 0,
            by_code: false,
            pane: Pane::Units,
            focus: Focus::Indicators,
            row: 0,
        }
    }

    pub fn indicator_id(&self) -> Option<&str> {
        self.data
            .indicators()
            .get(self.indicator)
            .map(|i| i.id.as_str())
    }

    /// The indicator the units table is ranked by (the marked one), None in code order.
    pub fn sort_id(&self) -> Option<&str> {
        if self.by_code {
            None
        } else {
            self.indicator_id()
        }
    }

    /// The units below, ranked by the marked indicator (worst first) or in code order.
    pub fn children(&self) -> Vec<&UnitReport> {
        ranked_children(&self.data.report, &self.data.unit.code, self.sort_id())
    }

    /// Does the trend pane have anything to compare?
    pub fn has_trend(&self) -> bool {
        self.data.trend.len() > 1
    }

    /// Rows in the lower pane (for the cursor).
    pub fn rows(&self) -> usize {
        match self.pane {
            Pane::Units => self.children().len(),
            Pane::Holdbacks => self
                .indicator_id()
                .and_then(|id| self.data.holdbacks_of(id))
                .map_or(0, |h| h.villages.len()),
            Pane::Unreported => self.data.unreported_rows().len(),
            // The trend is a chart of the marked indicator: ↑↓ choose the indicator.
            Pane::Trend => 0,
        }
    }

    /// The village under the cursor of the holds-back or unreported pane, if any.
    pub fn village_at_cursor(&self) -> Option<&str> {
        match self.pane {
            Pane::Holdbacks => self
                .indicator_id()
                .and_then(|id| self.data.holdbacks_of(id))
                .and_then(|h| h.villages.get(self.row))
                .map(|h| h.code.as_str()),
            Pane::Unreported => match self.data.unreported_rows().get(self.row) {
                Some(UnreportedRow::Village(i)) => {
                    self.data.unreported.get(*i).map(|(c, _)| c.as_str())
                }
                _ => None,
            },
            _ => None,
        }
    }

    fn set_pane(&mut self, p: Pane) {
        if self.pane != p {
            self.pane = p;
            self.row = 0;
        }
    }

    fn step_pane(&mut self, delta: isize) {
        let n = Pane::ALL.len() as isize;
        let i = Pane::ALL.iter().position(|p| *p == self.pane).unwrap_or(0) as isize;
        self.set_pane(Pane::ALL[(i + delta).rem_euclid(n) as usize]);
    }

    fn move_by(&mut self, delta: isize) {
        let focus = if self.pane == Pane::Trend {
            Focus::Indicators
        } else {
            self.focus
        };
        match focus {
            Focus::Indicators => {
                let n = self.data.indicators().len();
                if n == 0 {
                    return;
                }
                self.indicator =
                    (self.indicator as isize + delta).clamp(0, n as isize - 1) as usize;
                // The table and the holds-back list follow the marked indicator.
                if matches!(self.pane, Pane::Holdbacks | Pane::Units) {
                    self.row = 0;
                }
            }
            Focus::Rows => {
                let n = self.rows();
                if n == 0 {
                    self.row = 0;
                    return;
                }
                self.row = (self.row as isize + delta).clamp(0, n as isize - 1) as usize;
            }
        }
    }
}

/// The y range of a trend chart: the values' range with some room, at least one
/// percentage point, taking in the target when it is near the values (within twice
/// their range), within 0–100 %. 91.5 % → 90.8 % fills most of the height.
pub fn trend_bounds(values: &[f64], target: Option<f64>) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let span = (hi - lo).max(0.01);
    let (mut a, mut b) = (lo, hi);
    if let Some(t) = target
        && t >= lo - 2.0 * span
        && t <= hi + 2.0 * span
    {
        a = a.min(t);
        b = b.max(t);
    }
    // At least one point in all, and some room above and below the values.
    let pad = (0.01 - (b - a)).max(0.0) / 2.0 + (b - a).max(0.01) * 0.15;
    let (mut lo, mut hi) = (a - pad, b + pad);
    // Against a wall (0 or 100 %), the room goes to the other side.
    if hi > 1.0 {
        lo -= hi - 1.0;
        hi = 1.0;
    }
    if lo < 0.0 {
        hi = (hi - lo).min(1.0);
        lo = 0.0;
    }
    (lo.max(0.0), hi)
}

/// A dashboard being computed (`effects::dashboard`): which unit and round.
#[derive(Debug, Clone, PartialEq)]
pub struct Loading {
    pub unit: String,
    pub round: String,
}

/// The dashboard: the unit shown and the units it was drilled down from, and the load
/// under way, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    /// None until the first unit's data arrives.
    pub view: Option<DashView>,
    /// Parents, outermost first; Esc goes back to the last.
    pub parents: Vec<DashView>,
    pub loading: Option<Loading>,
}

impl Dashboard {
    pub fn new(data: Box<DashboardData>) -> Dashboard {
        Dashboard {
            view: Some(DashView::new(data)),
            parents: Vec::new(),
            loading: None,
        }
    }

    /// The screen while its first data is computed.
    pub fn loading(unit: String, round: String) -> Dashboard {
        Dashboard {
            view: None,
            parents: Vec::new(),
            loading: Some(Loading { unit, round }),
        }
    }

    /// Data arrived: shown when it is the load under way (the first unit, or a child
    /// drilled into), dropped when the user has moved on (Esc while computing).
    pub fn loaded(&mut self, data: Box<DashboardData>) -> bool {
        let wanted = self
            .loading
            .as_ref()
            .is_some_and(|l| l.unit == data.unit.code && l.round == data.round);
        if !wanted {
            return false;
        }
        self.loading = None;
        match &self.view {
            None => self.view = Some(DashView::new(data)),
            Some(_) => self.drill_into(data),
        }
        true
    }

    /// The village lists of a unit shown (or drilled through) arrived.
    pub fn villages(
        &mut self,
        unit: &str,
        round: &str,
        holdbacks: Vec<crate::report::dashboard::Holdbacks>,
        unreported: Vec<(String, String)>,
    ) -> bool {
        let view = self
            .view
            .iter_mut()
            .chain(self.parents.iter_mut())
            .find(|v| v.data.villages_pending && v.data.unit.code == unit && v.data.round == round);
        match view {
            Some(v) => {
                v.data.holdbacks = holdbacks;
                v.data.unreported = unreported;
                v.data.villages_pending = false;
                v.row = v.row.min(v.rows().saturating_sub(1));
                true
            }
            None => false,
        }
    }

    /// A load failed: is it the one under way? (Then it is over.)
    pub fn failed(&mut self, unit: &str, round: &str) -> bool {
        let wanted = self
            .loading
            .as_ref()
            .is_some_and(|l| l.unit == unit && l.round == round);
        if wanted {
            self.loading = None;
        }
        // Or the village lists of a unit shown: they stay empty, said by the notice.
        let mut lists = false;
        for v in self.view.iter_mut().chain(self.parents.iter_mut()) {
            if v.data.villages_pending && v.data.unit.code == unit && v.data.round == round {
                v.data.villages_pending = false;
                lists = true;
            }
        }
        wanted || lists
    }

    /// A child's data arrived: show it, keeping the picked indicator, order and pane.
    fn drill_into(&mut self, data: Box<DashboardData>) {
        let mut v = DashView::new(data);
        if let Some(cur) = &self.view {
            v.indicator = cur
                .indicator
                .min(v.data.indicators().len().saturating_sub(1));
            v.by_code = cur.by_code;
            v.pane = cur.pane;
            v.focus = cur.focus;
        }
        if let Some(parent) = self.view.replace(v) {
            self.parents.push(parent);
        }
    }

    /// The pure key handler; `page` is the lower pane's share of the screen
    /// (`layout::dashboard_page`).
    pub fn key(&mut self, action: Option<Action>, page: isize) -> Outcome {
        match action {
            Some(Action::Quit) => return Outcome::quit(),
            // Esc while computing stops waiting: back to what was shown, or home.
            Some(Action::Back) if self.loading.is_some() => {
                let l = self.loading.take();
                if self.view.is_none() {
                    return Outcome::go(Go::Close {
                        reveal: l.map(|l| l.unit),
                    });
                }
                return Outcome::none();
            }
            _ => {}
        }
        let Some(v) = &mut self.view else {
            return Outcome::none();
        };
        // A notice (a record not found, the round set before) is about what was under
        // the cursor: moving on clears it.
        let moved = matches!(
            action,
            Some(
                Action::Up
                    | Action::Down
                    | Action::PageUp
                    | Action::PageDown
                    | Action::NextPane
                    | Action::PrevPane
                    | Action::PaneUnits
                    | Action::PaneHoldbacks
                    | Action::PaneUnreported
                    | Action::PaneTrend
                    | Action::SwitchFocus
                    | Action::Sort
            )
        );
        match action {
            Some(Action::Up) => v.move_by(-1),
            Some(Action::Down) => v.move_by(1),
            Some(Action::PageUp) => v.move_by(-page),
            Some(Action::PageDown) => v.move_by(page),
            Some(Action::NextPane) => v.step_pane(1),
            Some(Action::PrevPane) => v.step_pane(-1),
            Some(Action::PaneUnits) => v.set_pane(Pane::Units),
            Some(Action::PaneHoldbacks) => v.set_pane(Pane::Holdbacks),
            Some(Action::PaneUnreported) => v.set_pane(Pane::Unreported),
            Some(Action::PaneTrend) => v.set_pane(Pane::Trend),
            Some(Action::SwitchFocus) => {
                v.focus = match v.focus {
                    Focus::Indicators => Focus::Rows,
                    Focus::Rows => Focus::Indicators,
                };
            }
            Some(Action::Sort) => {
                v.by_code = !v.by_code;
                if v.pane == Pane::Units {
                    v.row = 0;
                }
            }
            // Enter on the indicators hands ↑↓ to the rows below.
            Some(Action::Open) if v.focus == Focus::Indicators && v.pane != Pane::Trend => {
                v.focus = Focus::Rows;
            }
            // A village is as far down as the dashboard goes.
            Some(Action::Open) if v.pane == Pane::Units => {
                let child = v
                    .children()
                    .get(v.row)
                    .filter(|u| u.level != crate::register::Level::Village)
                    .map(|u| u.code.clone());
                if let Some(unit) = child {
                    return Outcome::cmd(Cmd::LoadDashboard {
                        unit,
                        round: v.data.round.clone(),
                    });
                }
                // A village of a township's table: its record.
                if let Some(u) = v.children().get(v.row) {
                    let village = u.code.clone();
                    self.loading = None;
                    return Outcome::cmd(Cmd::ViewRecord {
                        village,
                        round: v.data.round.clone(),
                    });
                }
            }
            Some(Action::Open) => {
                if let Some(village) = v.village_at_cursor().map(str::to_string) {
                    let round = v.data.round.clone();
                    self.loading = None;
                    return Outcome::cmd(Cmd::ViewRecord { village, round });
                }
            }
            Some(Action::Back) => match self.parents.pop() {
                Some(p) => self.view = Some(p),
                None => {
                    return Outcome::go(Go::Close {
                        reveal: Some(v.data.unit.code.clone()),
                    });
                }
            },
            _ => {}
        }
        if moved {
            Outcome::clear()
        } else {
            Outcome::none()
        }
    }
}
