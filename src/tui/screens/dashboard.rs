//! The county dashboard's state: one unit's roll-up for a round, the villages that hold
//! each indicator back, the villages not yet reported and the trend over rounds, plus
//! what the user picked (indicator, lower pane, sort, row) and the units drilled through.
//! Pure data and a pure key handler; `effects` loads `DashboardData`.

use crate::report::dashboard::ranked_children;
use crate::report::model::UnitReport;
use crate::tui::keys::Action;
use crate::tui::shared::dashboard::DashboardData;
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
        let (zh, en) = match self {
            Pane::Units => ("下级单位", "Units"),
            Pane::Holdbacks => ("短板村", "Holds back"),
            Pane::Unreported => ("未报", "Unreported"),
            Pane::Trend => ("趋势", "Trend"),
        };
        crate::tui::text::tr(lang, zh, en)
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
    /// Index of the indicator the units table is sorted by (worst first).
    pub sort: usize,
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
            sort: 0,
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

    pub fn sort_id(&self) -> Option<&str> {
        self.data.indicators().get(self.sort).map(|i| i.id.as_str())
    }

    /// The units below, ranked by the sort indicator (worst first).
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
            Pane::Unreported => self.data.unreported.len(),
            Pane::Trend => self.data.indicators().len(),
        }
    }

    fn set_pane(&mut self, p: Pane) {
        if self.pane != p {
            self.pane = p;
            self.row = 0;
        }
        self.focus = Focus::Rows;
    }

    fn move_by(&mut self, delta: isize) {
        match self.focus {
            Focus::Indicators => {
                let n = self.data.indicators().len();
                if n == 0 {
                    return;
                }
                self.indicator =
                    (self.indicator as isize + delta).clamp(0, n as isize - 1) as usize;
                // The table follows the indicator looked at; `s` sorts by another one.
                self.sort = self.indicator;
                if self.pane == Pane::Holdbacks {
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

/// The dashboard: the unit shown and the units it was drilled down from.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    pub view: DashView,
    /// Parents, outermost first; Esc goes back to the last.
    pub parents: Vec<DashView>,
}

impl Dashboard {
    pub fn new(data: Box<DashboardData>) -> Dashboard {
        Dashboard {
            view: DashView::new(data),
            parents: Vec::new(),
        }
    }

    /// A child's data arrived: show it, keeping the picked indicator and pane.
    pub fn drill_into(&mut self, data: Box<DashboardData>) {
        let mut v = DashView::new(data);
        v.indicator = self
            .view
            .indicator
            .min(v.data.indicators().len().saturating_sub(1));
        v.sort = self
            .view
            .sort
            .min(v.data.indicators().len().saturating_sub(1));
        v.pane = self.view.pane;
        v.focus = self.view.focus;
        let parent = std::mem::replace(&mut self.view, v);
        self.parents.push(parent);
    }

    /// The pure key handler; `page` is the lower pane's share of the screen
    /// (`layout::dashboard_page`).
    pub fn key(&mut self, action: Option<Action>, page: isize) -> Outcome {
        let v = &mut self.view;
        match action {
            Some(Action::Up) => v.move_by(-1),
            Some(Action::Down) => v.move_by(1),
            Some(Action::PageUp) => v.move_by(-page),
            Some(Action::PageDown) => v.move_by(page),
            Some(Action::NextPane) => {
                let i = Pane::ALL.iter().position(|p| *p == v.pane).unwrap_or(0);
                v.set_pane(Pane::ALL[(i + 1) % Pane::ALL.len()]);
            }
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
                let n = v.data.indicators().len().max(1);
                v.sort = (v.sort + 1) % n;
                if v.pane == Pane::Units {
                    v.row = 0;
                }
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
            }
            Some(Action::Back) => match self.parents.pop() {
                Some(p) => self.view = p,
                None => {
                    return Outcome::go(Go::Close {
                        reveal: Some(self.view.data.unit.code.clone()),
                    });
                }
            },
            Some(Action::Quit) => return Outcome::quit(),
            _ => {}
        }
        Outcome::none()
    }
}
