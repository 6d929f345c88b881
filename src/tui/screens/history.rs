//! The history screen: every change of a record's audit trail, oldest revision first and
//! in the order of the form within one, beside the revisions finalized, the reviews (who,
//! when, the comment in full) and the conflict resolutions (drawn by `view::history`).

use crate::forms::Form;
use crate::forms::schema::SectionItem;
use crate::store::HistoryEvent;
use crate::tui::keys::Action;
use crate::tui::shared::{AuditRow, Outcome};
use crate::tui::text::split_path;

/// One line of the history: a field's change, or an event of the record (a revision
/// finalized, a review with its comment, a conflict resolution).
#[derive(Debug, Clone)]
pub enum Entry {
    Change(AuditRow),
    Event(HistoryEvent),
}

impl Entry {
    pub fn rev(&self) -> u32 {
        match self {
            Entry::Change(a) => a.rev,
            Entry::Event(HistoryEvent::Finalized { rev, .. }) => *rev,
            Entry::Event(HistoryEvent::Reviewed(r)) => r.rev,
            Entry::Event(HistoryEvent::Resolved(r)) => r.rev,
        }
    }
}

#[derive(Debug, Clone)]
pub struct History {
    pub record_id: String,
    /// Field changes only (as loaded).
    pub rows: Vec<AuditRow>,
    /// Revision by revision: the revision finalized, its changes in the order of the form,
    /// then its reviews and resolutions in the order they were made.
    pub entries: Vec<Entry>,
    /// The first entry shown.
    pub scroll: usize,
}

impl History {
    /// The trail as loaded, sorted by revision and then by `form` (the record's) when
    /// it is known; `events` (oldest first, `Store::history`) go beside the changes.
    pub fn new(
        record_id: String,
        mut rows: Vec<AuditRow>,
        events: Vec<HistoryEvent>,
        form: Option<&Form>,
    ) -> History {
        // Oldest revision first; within one, in the order of the form.
        if let Some(form) = form {
            rows.sort_by_cached_key(|a| (a.rev, field_order(form, &a.field)));
        }
        let mut entries: Vec<(u32, u8, usize, Entry)> = Vec::new();
        for (i, e) in events.into_iter().enumerate() {
            let phase = match e {
                HistoryEvent::Finalized { .. } => 0,
                _ => 2,
            };
            let e = Entry::Event(e);
            entries.push((e.rev(), phase, i, e));
        }
        for (i, a) in rows.iter().enumerate() {
            entries.push((a.rev, 1, i, Entry::Change(a.clone())));
        }
        entries.sort_by_key(|(rev, phase, i, _)| (*rev, *phase, *i));
        History {
            record_id,
            rows,
            entries: entries.into_iter().map(|(_, _, _, e)| e).collect(),
            scroll: 0,
        }
    }

    /// A key, with `page` rows of entries shown: End and PgDn stop where the last entry
    /// is on the page (an entry of several lines makes that a little earlier; the view
    /// keeps the end on the page either way).
    pub fn key(&mut self, action: Option<Action>, page: usize) -> Outcome {
        let h = self;
        let last = h.entries.len().saturating_sub(page.max(1));
        match action {
            Some(Action::Up) => h.scroll = h.scroll.saturating_sub(1),
            Some(Action::Down) => h.scroll = (h.scroll + 1).min(last),
            Some(Action::PageUp) => h.scroll = h.scroll.saturating_sub(page.max(1)),
            Some(Action::PageDown) => h.scroll = (h.scroll + page.max(1)).min(last),
            Some(Action::Top) => h.scroll = 0,
            Some(Action::Bottom) => h.scroll = last,
            Some(Action::Back) => return Outcome::close(),
            Some(Action::Quit) => return Outcome::quit(),
            _ => {}
        }
        Outcome::none()
    }
}

/// Position of a field (or `group[n].field`) in the form, for listing changes in order.
fn field_order(form: &Form, field: &str) -> (usize, usize, usize) {
    let (top, row, sub) = match split_path(field) {
        Some((g, i, f)) => (g, i, Some(f)),
        None => (field, 0, None),
    };
    let mut pos = 0;
    for s in &form.sections {
        for item in &s.items {
            match item {
                SectionItem::Field(n) if sub.is_none() && n == top => return (pos, 0, 0),
                SectionItem::Group(g) if sub.is_some() && g == top => {
                    let k = form
                        .group(g)
                        .and_then(|gr| gr.fields.iter().position(|f| Some(f.name.as_str()) == sub))
                        .unwrap_or(usize::MAX);
                    return (pos, row, k);
                }
                _ => {}
            }
            pos += 1;
        }
    }
    (usize::MAX, row, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::value::Value;

    fn history(n: usize) -> History {
        let rows = (0..n)
            .map(|i| AuditRow {
                rev: 1,
                field: format!("f{i}"),
                old: Value::Null,
                new: Value::Int(i as i64),
                who: "张三".into(),
                at: "2020-06-15T10:00:00+08:00".into(),
            })
            .collect();
        History::new("r1".into(), rows, Vec::new(), None)
    }

    #[test]
    fn end_page_down_and_home_move_through_the_history_and_stop_at_its_end() {
        let mut h = history(50);
        h.key(Some(Action::Bottom), 19);
        assert_eq!(h.scroll, 31, "the last 19 entries fill the page");
        h.key(Some(Action::Up), 19);
        assert_eq!(h.scroll, 30, "one Up moves at once");
        h.key(Some(Action::Top), 19);
        assert_eq!(h.scroll, 0);
        h.key(Some(Action::PageDown), 19);
        assert_eq!(h.scroll, 19);
        h.key(Some(Action::PageDown), 19);
        assert_eq!(h.scroll, 31);
        h.key(Some(Action::PageUp), 19);
        assert_eq!(h.scroll, 12);
        // A short history does not scroll.
        let mut h = history(5);
        h.key(Some(Action::PageDown), 19);
        assert_eq!(h.scroll, 0);
    }

    #[test]
    fn the_history_keys_are_in_the_table() {
        use crate::tui::keys::{Ctx, TABLE};
        for (action, label) in [
            (Action::Bottom, "End/G"),
            (Action::PageDown, "PgDn"),
            (Action::Top, "Home/g"),
        ] {
            assert!(
                TABLE
                    .iter()
                    .any(|b| b.ctx == Ctx::History && b.action == action && b.label == label),
                "{label}"
            );
        }
    }
}
