//! The home screen: the register as a tree (county → township → village) with each
//! village's status for the selected round, counts per unit, and search; and its key
//! handling. Pure; only the visible window is ever rendered.

use crate::forms::Lang;
use crate::register::Level;
use crate::store::RecordStatus;
use crate::tui::keys::Action;
use crate::tui::shared::conflicts::ConflictsCmd;
use crate::tui::shared::tree::Tree;
use crate::tui::shared::trust::TrustCmd;
use crate::tui::shared::{Cmd, Go, Notice, Outcome, Prompt, PromptKind, input_request, paste_into};
use crate::tui::text::out_of_scope;
use ratatui::crossterm::event::KeyEvent;
use std::collections::{HashMap, HashSet};
use tui_input::Input;

/// Villages of a unit by status, for the counts shown beside townships and counties.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Villages in scope.
    pub villages: u32,
    pub draft: u32,
    /// Finalized or approved.
    pub done: u32,
    /// Counted (docs/counting.md): the same number as the report's `villages_reported`.
    pub counted: u32,
    pub approved: u32,
    pub returned: u32,
    pub conflict: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Home {
    pub tree: Tree,
    pub statuses: HashMap<String, RecordStatus>,
    /// Villages whose counted record counts (the `counted` view).
    pub counted: HashSet<String>,
    pub counts: Vec<Counts>,
    pub expanded: Vec<bool>,
    /// Indices of the units shown, in order.
    pub visible: Vec<usize>,
    /// Position in `visible`.
    pub cursor: usize,
    /// The filter in force (name or code), empty for none.
    pub query: String,
    /// Typing a search.
    pub search: Option<Input>,
}

impl Home {
    pub fn new(
        tree: Tree,
        statuses: HashMap<String, RecordStatus>,
        counted: HashSet<String>,
    ) -> Home {
        let n = tree.units.len();
        let mut expanded = vec![false; n];
        for &r in &tree.roots {
            expanded[r] = true;
            // A single county under the root is opened too: one less key for most users.
            if tree.children[r].len() == 1 {
                expanded[tree.children[r][0]] = true;
            }
        }
        let mut home = Home {
            tree,
            statuses,
            counted,
            counts: Vec::new(),
            expanded,
            visible: Vec::new(),
            cursor: 0,
            query: String::new(),
            search: None,
        };
        home.recount();
        home.rebuild();
        home
    }

    pub fn status(&self, code: &str) -> RecordStatus {
        self.statuses
            .get(code)
            .copied()
            .unwrap_or(RecordStatus::NotStarted)
    }

    pub fn set_statuses(
        &mut self,
        statuses: HashMap<String, RecordStatus>,
        counted: HashSet<String>,
    ) {
        self.statuses = statuses;
        self.counted = counted;
        self.recount();
    }

    pub fn set_status(&mut self, code: &str, s: RecordStatus) {
        self.statuses.insert(code.to_string(), s);
        self.recount();
    }

    fn recount(&mut self) {
        let t = &self.tree;
        let mut counts = vec![Counts::default(); t.units.len()];
        for (i, d) in t.units.iter().enumerate() {
            if d.level != Level::Village || !d.in_scope {
                continue;
            }
            let st = self
                .statuses
                .get(&d.code)
                .copied()
                .unwrap_or(RecordStatus::NotStarted);
            let counts_it = self.counted.contains(&d.code);
            let mut u = Some(i);
            while let Some(j) = u {
                let c = &mut counts[j];
                c.villages += 1;
                c.counted += u32::from(counts_it);
                match st {
                    RecordStatus::Draft => c.draft += 1,
                    RecordStatus::Finalized => c.done += 1,
                    RecordStatus::Approved => {
                        c.done += 1;
                        c.approved += 1
                    }
                    RecordStatus::Returned => c.returned += 1,
                    RecordStatus::Conflict => c.conflict += 1,
                    RecordStatus::NotStarted => {}
                }
                u = t.parent[j];
            }
        }
        self.counts = counts;
    }

    /// The unit under the cursor.
    pub fn selected(&self) -> Option<usize> {
        self.visible.get(self.cursor).copied()
    }

    /// Recompute the visible rows, keeping the cursor on the same unit when it stays.
    pub fn rebuild(&mut self) {
        let keep = self.selected();
        let t = &self.tree;
        let q = self.query.trim().to_lowercase();
        let mut visible = Vec::new();
        if q.is_empty() {
            let mut stack: Vec<usize> = t.roots.iter().rev().copied().collect();
            while let Some(i) = stack.pop() {
                visible.push(i);
                if self.expanded[i] {
                    stack.extend(t.children[i].iter().rev().copied());
                }
            }
        } else {
            let mut shown = vec![false; t.units.len()];
            for (i, d) in t.units.iter().enumerate() {
                if d.name.to_lowercase().contains(&q) || d.code.starts_with(&q) {
                    shown[i] = true;
                    for a in t.ancestors(i) {
                        shown[a] = true;
                    }
                    // A township (or county) found by name shows its villages.
                    let mut stack = t.children[i].clone();
                    while let Some(c) = stack.pop() {
                        shown[c] = true;
                        stack.extend(t.children[c].iter().copied());
                    }
                }
            }
            for (i, s) in shown.iter().enumerate() {
                if *s {
                    visible.push(i);
                }
            }
        }
        self.visible = visible;
        self.cursor = keep
            .and_then(|k| self.visible.iter().position(|&v| v == k))
            .unwrap_or_else(|| {
                // With a filter, start on the first village in scope that matches (a
                // residents' committee only when no villagers' committee does).
                let village = |in_scope: bool| {
                    self.visible.iter().position(|&v| {
                        let d = &self.tree.units[v];
                        !q.is_empty() && d.level == Level::Village && (d.in_scope || !in_scope)
                    })
                };
                village(true).or_else(|| village(false)).unwrap_or(0)
            })
            .min(self.visible.len().saturating_sub(1));
    }

    pub fn move_by(&mut self, delta: isize) {
        if self.visible.is_empty() {
            return;
        }
        let last = self.visible.len() as isize - 1;
        self.cursor = (self.cursor as isize + delta).clamp(0, last) as usize;
    }

    pub fn set_expanded(&mut self, i: usize, open: bool) {
        if !self.tree.children[i].is_empty() && self.expanded[i] != open {
            self.expanded[i] = open;
            self.rebuild();
        }
    }

    /// ← on home: fold an open unit, else go to its parent.
    pub fn collapse_or_parent(&mut self) {
        let Some(i) = self.selected() else { return };
        if self.expanded[i] && !self.tree.children[i].is_empty() && self.query.is_empty() {
            self.set_expanded(i, false);
        } else if let Some(p) = self.tree.parent[i]
            && let Some(pos) = self.visible.iter().position(|&v| v == p)
        {
            self.cursor = pos;
        }
    }

    /// Open the tree down to a unit and put the cursor on it.
    pub fn reveal(&mut self, code: &str) {
        let Some(&i) = self.tree.by_code.get(code) else {
            return;
        };
        for a in self.tree.ancestors(i) {
            self.expanded[a] = true;
        }
        self.query.clear();
        self.rebuild();
        if let Some(pos) = self.visible.iter().position(|&v| v == i) {
            self.cursor = pos;
        }
    }

    pub fn set_query(&mut self, q: &str) {
        self.query = q.to_string();
        // Forget the selection so the cursor lands on the first matching village.
        self.cursor = 0;
        self.visible.clear();
        self.rebuild();
    }

    /// Villages matching the filter (for "N found").
    pub fn matches(&self) -> usize {
        self.visible
            .iter()
            .filter(|&&v| self.tree.units[v].level == Level::Village)
            .count()
    }
}

impl Home {
    /// A key on home. `page` is how far PgUp/PgDn move (`layout::home_page`), `round`
    /// the round shown.
    pub fn key(
        &mut self,
        action: Option<Action>,
        ev: &KeyEvent,
        page: isize,
        round: &str,
        lang: Lang,
    ) -> Outcome {
        if let Some(input) = &mut self.search {
            match action {
                Some(Action::Confirm) => self.search = None,
                Some(Action::Cancel) => {
                    self.search = None;
                    self.set_query("");
                }
                Some(Action::Up) => self.move_by(-1),
                Some(Action::Down) => self.move_by(1),
                _ => {
                    if let Some(req) = input_request(ev)
                        && input.handle(req).is_some_and(|c| c.value)
                    {
                        let q = input.value().to_string();
                        self.set_query(&q);
                    }
                }
            }
            return Outcome::none();
        }
        match action {
            Some(Action::Quit) => return Outcome::quit(),
            Some(Action::Up) => self.move_by(-1),
            Some(Action::Down) => self.move_by(1),
            Some(Action::PageUp) => self.move_by(-page),
            Some(Action::PageDown) => self.move_by(page),
            Some(Action::Top) => self.cursor = 0,
            Some(Action::Bottom) => self.cursor = self.visible.len().saturating_sub(1),
            Some(Action::Expand) => {
                if let Some(i) = self.selected() {
                    self.set_expanded(i, true);
                }
            }
            Some(Action::Collapse) => self.collapse_or_parent(),
            Some(Action::Open) => {
                if let Some(i) = self.selected() {
                    let d = &self.tree.units[i];
                    if d.level == Level::Village && !d.in_scope {
                        return Outcome::say(Notice::warn(out_of_scope(lang, &d.name, &d.code)));
                    }
                    if d.level == Level::Village {
                        return Outcome::cmd(Cmd::OpenRecord {
                            village: d.code.clone(),
                            round: round.to_string(),
                            field: None,
                        });
                    }
                    let open = !self.expanded[i];
                    self.set_expanded(i, open);
                }
            }
            Some(Action::Search) => {
                self.search = Some(Input::new(self.query.clone()));
            }
            Some(Action::Back) if !self.query.is_empty() => self.set_query(""),
            Some(Action::Round) => {
                return Outcome::go(Go::Prompt(Prompt {
                    kind: PromptKind::Round,
                    input: Input::new(round.to_string()),
                }));
            }
            Some(Action::Review) => {
                let town = self.selected().and_then(|i| self.tree.township_of(i));
                return match town {
                    Some(t) => Outcome::cmd(Cmd::LoadReview {
                        township: self.tree.units[t].code.clone(),
                        round: round.to_string(),
                    }),
                    None => Outcome::say(Notice::warn(
                        crate::i18n::tui_record::review_needs_township(lang),
                    )),
                };
            }
            Some(Action::Dashboard) => {
                // A village's dashboard is its township's.
                let unit = self.selected().map(|i| match self.tree.units[i].level {
                    Level::Village => self.tree.parent[i].unwrap_or(i),
                    _ => i,
                });
                return match unit {
                    Some(i) => Outcome::cmd(Cmd::LoadDashboard {
                        unit: self.tree.units[i].code.clone(),
                        round: round.to_string(),
                    }),
                    None => Outcome::say(Notice::warn(
                        crate::i18n::tui_record::dashboard_needs_unit(lang),
                    )),
                };
            }
            Some(Action::Trust) => return Outcome::cmd(Cmd::Trust(TrustCmd::Load)),
            Some(Action::Conflicts) => {
                return Outcome::cmd(Cmd::Conflicts(ConflictsCmd::Load {
                    round: round.to_string(),
                }));
            }
            Some(Action::Export) => {
                return match self.selected() {
                    Some(i) => Outcome::go(Go::Export(self.tree.units[i].clone())),
                    None => Outcome::say(Notice::warn(crate::i18n::tui_record::export_needs_unit(
                        lang,
                    ))),
                };
            }
            Some(Action::Import) => return Outcome::go(Go::Import),
            Some(Action::Language) => return Outcome::go(Go::ToggleLang),
            Some(Action::Name) => return Outcome::go(Go::AskName),
            _ => {}
        }
        Outcome::none()
    }

    /// A paste goes into the search being typed.
    pub fn paste(&mut self, text: &str) {
        if let Some(s) = &mut self.search {
            paste_into(s, text);
            let q = s.value().to_string();
            self.set_query(&q);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::DivisionRow;

    pub fn row(code: &str, name: &str, parent: Option<&str>, level: Level) -> DivisionRow {
        DivisionRow {
            code: code.into(),
            name: name.into(),
            parent: parent.map(str::to_string),
            level,
            in_scope: level == Level::Village && code[9..] >= *"200",
        }
    }

    pub fn small_tree() -> Tree {
        Tree::new(vec![
            row("411003000000", "建安区", None, Level::County),
            row(
                "411003003000",
                "陈曹乡",
                Some("411003000000"),
                Level::Township,
            ),
            row(
                "411003003204",
                "大罗庄村委会",
                Some("411003003000"),
                Level::Village,
            ),
            row(
                "411003003205",
                "小罗庄村委会",
                Some("411003003000"),
                Level::Village,
            ),
            row(
                "411003004000",
                "灵井镇",
                Some("411003000000"),
                Level::Township,
            ),
            row(
                "411003004201",
                "灵井村委会",
                Some("411003004000"),
                Level::Village,
            ),
        ])
    }

    #[test]
    fn counts_roll_up_and_search_shows_ancestors() {
        let mut h = Home::new(
            small_tree(),
            HashMap::from([
                ("411003003204".to_string(), RecordStatus::Finalized),
                ("411003004201".to_string(), RecordStatus::Draft),
            ]),
            HashSet::from(["411003003204".to_string()]),
        );
        assert_eq!(h.counts[0].counted, 1);
        assert_eq!(h.counts[4].counted, 0);
        assert_eq!(h.counts[0].villages, 3);
        assert_eq!(h.counts[0].done, 1);
        assert_eq!(h.counts[1].done, 1);
        assert_eq!(h.counts[4].draft, 1);
        assert_eq!(h.visible, vec![0, 1, 4]);
        h.set_query("大罗");
        assert_eq!(h.visible, vec![0, 1, 2]);
        assert_eq!(h.cursor, 2);
        h.set_query("411003004");
        assert_eq!(h.visible, vec![0, 4, 5]);
        h.set_query("灵井镇");
        assert_eq!(
            h.visible,
            vec![0, 4, 5],
            "a township found by name shows its villages"
        );
        assert_eq!(h.cursor, 2);
        h.set_query("");
        h.reveal("411003004201");
        assert_eq!(h.selected(), Some(5));
    }
}
