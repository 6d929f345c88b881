//! The history screen: every change of a record's audit trail, oldest revision first and
//! in the order of the form within one (drawn by `view::history`).

use crate::forms::Form;
use crate::forms::schema::SectionItem;
use crate::tui::keys::Action;
use crate::tui::shared::{AuditRow, Outcome};
use crate::tui::text::split_path;

#[derive(Debug, Clone)]
pub struct History {
    pub record_id: String,
    pub rows: Vec<AuditRow>,
    pub scroll: usize,
}

impl History {
    /// The trail as loaded, sorted by revision and then by `form` (the record's) when
    /// it is known.
    pub fn new(record_id: String, mut rows: Vec<AuditRow>, form: Option<&Form>) -> History {
        // Oldest revision first; within one, in the order of the form.
        if let Some(form) = form {
            rows.sort_by_cached_key(|a| (a.rev, field_order(form, &a.field)));
        }
        History {
            record_id,
            rows,
            scroll: 0,
        }
    }

    pub fn key(&mut self, action: Option<Action>) -> Outcome {
        let h = self;
        match action {
            Some(Action::Up) => h.scroll = h.scroll.saturating_sub(1),
            Some(Action::Down) => h.scroll = (h.scroll + 1).min(h.rows.len().saturating_sub(1)),
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
