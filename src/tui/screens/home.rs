//! The home screen's state: the register as a tree (county → township → village) with
//! each village's status for the selected round, counts per unit, and search. Pure data;
//! only the visible window is ever rendered.

use crate::register::Level;
use crate::store::RecordStatus;
use crate::tui::shared::tree::Tree;
use std::collections::HashMap;

/// Villages of a unit by status, for the counts shown beside townships and counties.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Villages in scope.
    pub villages: u32,
    pub draft: u32,
    /// Finalized or approved.
    pub done: u32,
    pub approved: u32,
    pub returned: u32,
    pub conflict: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Home {
    pub tree: Tree,
    pub statuses: HashMap<String, RecordStatus>,
    pub counts: Vec<Counts>,
    pub expanded: Vec<bool>,
    /// Indices of the units shown, in order.
    pub visible: Vec<usize>,
    /// Position in `visible`.
    pub cursor: usize,
    /// The filter in force (name or code), empty for none.
    pub query: String,
}

impl Home {
    pub fn new(tree: Tree, statuses: HashMap<String, RecordStatus>) -> Home {
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
            counts: Vec::new(),
            expanded,
            visible: Vec::new(),
            cursor: 0,
            query: String::new(),
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

    pub fn set_statuses(&mut self, statuses: HashMap<String, RecordStatus>) {
        self.statuses = statuses;
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
            let mut u = Some(i);
            while let Some(j) = u {
                let c = &mut counts[j];
                c.villages += 1;
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
        );
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
