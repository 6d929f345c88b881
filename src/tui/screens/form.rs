//! One record on screen: the form's visible items (relevance applied live), the field
//! being edited, per-field messages, the farms table, and what blocks finalizing.
//! Pure: leaving a field yields the commit to run; a key yields an `Outcome`; nothing
//! here touches the store.

use crate::forms::Lang;
use crate::forms::record::{FieldPath, Issue, RecordData, parse_input};
use crate::forms::schema::SectionItem;
use crate::forms::value::Value;
use crate::forms::{Field, FieldType, Form, Text};
use crate::i18n::tui_record as t;
use crate::store::{DivisionRow, RecordStatus};
use crate::tui::keys::{Action, Ctx};
use crate::tui::shared::record::{Commit, Opened, RecordRef};
use crate::tui::shared::{Cmd, Confirm, Go, Notice, Outcome, Say, input_request};
use crate::tui::text::clean;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;
use tui_input::{Input, InputRequest};

/// Which value a field is: top-level (`row` None) or in a repeat-group row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldKey {
    /// (group, row id)
    pub row: Option<(String, String)>,
    pub field: String,
}

impl FieldKey {
    pub fn top(name: &str) -> FieldKey {
        FieldKey {
            row: None,
            field: name.to_string(),
        }
    }
}

/// A line of the field list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// Section heading (index into `form.sections`).
    Section(usize),
    /// A field: top-level, or of the row being edited in row mode.
    Field(String),
    /// A repeat group, shown as a table.
    Group(String),
    /// Heading of the row being edited.
    RowHeader,
}

/// The input of the focused field: typed text, or a picked value for yes/no and choices.
#[derive(Debug, Clone, Default)]
pub struct Editor {
    pub input: Input,
    /// Value picked for yes/no and choice fields (None: unchanged).
    pub picked: Option<Value>,
    /// Highlighted choice of a multiple-choice field.
    pub highlight: usize,
    pub dirty: bool,
}

#[derive(Debug, Clone)]
pub struct Issues {
    pub list: Vec<Issue>,
    pub cursor: usize,
}

#[derive(Debug, Clone)]
pub struct Record {
    pub village: DivisionRow,
    pub round: String,
    pub record_id: Option<String>,
    pub form: Form,
    /// Answers as saved (or being saved).
    pub data: RecordData,
    /// `data` with the field being typed applied and calculations done: what is shown.
    pub shown: RecordData,
    pub read_only: bool,
    pub status: RecordStatus,
    pub rev: Option<u32>,
    pub return_comment: Option<String>,
    pub items: Vec<Item>,
    pub cursor: usize,
    /// Editing one row of a repeat group: (group, row id).
    pub row_mode: Option<(String, String)>,
    /// Selected row of the table when a group has the focus.
    pub table_row: usize,
    pub editor: Editor,
    /// Messages of fields left with a problem (constraint or unreadable input).
    pub messages: HashMap<FieldKey, Text>,
    /// Commits sent and not yet confirmed.
    pub pending: usize,
    pub issues: Option<Issues>,
    /// Esc was refused because the input does not read; a second Esc gives it up.
    pub escape_armed: bool,
    /// A survey date outside the round's year, waiting for "y" before the field is left
    /// with the key kept here.
    pub date_check: Option<(String, Action)>,
    /// The out-of-year survey date the surveyor confirmed (not asked again).
    pub date_ok: Option<String>,
}

/// Digits too many for a whole number are not "not a whole number": they are above
/// the field's largest value (below its smallest with a minus), which the message names.
fn too_large(f: &Field, input: &Input) -> Option<Text> {
    let s = input.value().trim();
    let digits = s.strip_prefix('-').unwrap_or(s);
    if f.ty != FieldType::Integer
        || digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let max = f.max.map_or(i64::MAX as f64, |m| m.min(i64::MAX as f64));
    let shown = clean(s);
    Some(if s.starts_with('-') {
        crate::i18n::both(|l| t::integer_below(l, &shown, max))
    } else {
        crate::i18n::both(|l| t::integer_above(l, &shown, max))
    })
}

pub fn is_text_like(f: &Field) -> bool {
    matches!(
        f.ty,
        FieldType::Text | FieldType::Integer | FieldType::Decimal | FieldType::Date
    )
}

impl Record {
    pub fn new(o: Opened) -> Record {
        let mut r = Record {
            village: o.village,
            round: o.round,
            record_id: o.record_id,
            form: o.form,
            shown: o.data.clone(),
            data: o.data,
            read_only: o.read_only,
            status: o.status,
            rev: o.rev,
            return_comment: o.return_comment,
            items: Vec::new(),
            cursor: 0,
            row_mode: None,
            table_row: 0,
            editor: Editor::default(),
            messages: HashMap::new(),
            pending: 0,
            issues: None,
            escape_armed: false,
            date_check: None,
            date_ok: None,
        };
        r.rebuild();
        r.cursor = r.first_focusable_from(0).unwrap_or(0);
        if let Some(f) = &o.field {
            r.focus_field(f);
        } else if !r.read_only
            && r.record_id.is_some()
            && let Some(pos) = r.first_unanswered()
        {
            // A draft goes on where it was left: the first field without an answer.
            r.cursor = pos;
        }
        r.load_editor();
        r
    }

    pub fn form_field(&self, key: &FieldKey) -> Option<&Field> {
        match &key.row {
            None => self.form.field(&key.field),
            Some((g, _)) => self.form.group_field(g, &key.field),
        }
    }

    pub fn row_index(&self, group: &str, row_id: &str) -> Option<usize> {
        self.data.rows(group).iter().position(|r| r.id == row_id)
    }

    fn value_in<'a>(&self, data: &'a RecordData, key: &FieldKey) -> &'a Value {
        static NULL: Value = Value::Null;
        match &key.row {
            None => data.get(&key.field),
            Some((g, id)) => data
                .rows(g)
                .iter()
                .find(|r| &r.id == id)
                .and_then(|r| r.values.get(&key.field))
                .unwrap_or(&NULL),
        }
    }

    /// The saved value of a field.
    pub fn value(&self, key: &FieldKey) -> &Value {
        self.value_in(&self.data, key)
    }

    /// The value shown (typed input and calculations applied).
    pub fn shown_value(&self, key: &FieldKey) -> &Value {
        self.value_in(&self.shown, key)
    }

    fn set_in(data: &mut RecordData, key: &FieldKey, v: Value) {
        match &key.row {
            None => data.set(&key.field, v),
            Some((g, id)) => {
                if let Some(row) = data
                    .groups
                    .get_mut(g)
                    .and_then(|rows| rows.iter_mut().find(|r| &r.id == id))
                {
                    if v.is_null() {
                        row.values.remove(&key.field);
                    } else {
                        row.values.insert(key.field.clone(), v);
                    }
                }
            }
        }
    }

    pub fn key_of(&self, item: &Item) -> Option<FieldKey> {
        match item {
            Item::Field(name) => Some(FieldKey {
                row: self.row_mode.clone(),
                field: name.clone(),
            }),
            _ => None,
        }
    }

    pub fn focused_item(&self) -> Option<&Item> {
        self.items.get(self.cursor)
    }

    pub fn focused_key(&self) -> Option<FieldKey> {
        self.focused_item().and_then(|i| self.key_of(i))
    }

    pub fn focused_field(&self) -> Option<&Field> {
        let key = self.focused_key()?;
        self.form_field(&key)
    }

    pub fn focused_group(&self) -> Option<&str> {
        match self.focused_item() {
            Some(Item::Group(g)) => Some(g),
            _ => None,
        }
    }

    /// Is the user typing into a text-like input (so letters are text, not commands)?
    pub fn typing(&self) -> bool {
        !self.read_only
            && self.issues.is_none()
            && self
                .focused_field()
                .is_some_and(|f| is_text_like(f) && !f.is_calculated())
    }

    fn focusable(&self, i: usize) -> bool {
        match &self.items[i] {
            Item::Field(name) => {
                let f = match &self.row_mode {
                    None => self.form.field(name),
                    Some((g, _)) => self.form.group_field(g, name),
                };
                f.is_some_and(|f| !f.is_calculated())
            }
            Item::Group(_) => true,
            _ => false,
        }
    }

    /// The first top-level field shown that can be typed into and has no answer yet.
    fn first_unanswered(&self) -> Option<usize> {
        (0..self.items.len()).find(|&i| {
            self.focusable(i)
                && matches!(&self.items[i], Item::Field(n) if self.data.get(n).is_null())
        })
    }

    fn first_focusable_from(&self, i: usize) -> Option<usize> {
        (i..self.items.len()).find(|&j| self.focusable(j))
    }

    /// Recompute `shown` and the visible items, keeping the focus on the same item.
    pub fn rebuild(&mut self) {
        let keep = self.items.get(self.cursor).cloned();
        let mut shown = self.data.clone();
        if let Some(key) = self.focused_key()
            && let Ok(v) = self.live_value()
        {
            Self::set_in(&mut shown, &key, v);
        }
        self.form.compute(&mut shown);
        let mut items = Vec::new();
        match &self.row_mode {
            Some((g, id)) => {
                items.push(Item::RowHeader);
                let idx = shown.rows(g).iter().position(|r| &r.id == id);
                if let (Some(group), Some(i)) = (self.form.group(g), idx) {
                    for f in &group.fields {
                        if self.form.is_relevant(&shown, f, Some((g, i))) {
                            items.push(Item::Field(f.name.clone()));
                        }
                    }
                }
            }
            None => {
                for (si, section) in self.form.sections.iter().enumerate() {
                    let start = items.len();
                    for item in &section.items {
                        match item {
                            SectionItem::Field(name) => {
                                if let Some(f) = self.form.field(name)
                                    && self.form.is_relevant(&shown, f, None)
                                {
                                    items.push(Item::Field(name.clone()));
                                }
                            }
                            SectionItem::Group(g) => {
                                if self.form.group_relevant(&shown, g) {
                                    items.push(Item::Group(g.clone()));
                                }
                            }
                        }
                    }
                    if items.len() > start {
                        items.insert(start, Item::Section(si));
                    }
                }
            }
        }
        self.shown = shown;
        self.items = items;
        if let Some(k) = keep {
            if let Some(pos) = self.items.iter().position(|i| *i == k) {
                self.cursor = pos;
                return;
            }
            // The focused field was hidden: stay near where it was.
            self.cursor = self.cursor.min(self.items.len().saturating_sub(1));
            if !self.items.is_empty() && !self.focusable(self.cursor) {
                self.cursor = self
                    .first_focusable_from(self.cursor)
                    .or_else(|| (0..self.cursor).rev().find(|&j| self.focusable(j)))
                    .unwrap_or(0);
            }
        }
    }

    /// Put the focused field's saved value into the editor.
    pub fn load_editor(&mut self) {
        let mut ed = Editor::default();
        if let Some(key) = self.focused_key()
            && let Some(f) = self.form_field(&key)
        {
            let v = self.value(&key);
            if is_text_like(f) {
                ed.input = Input::new(v.to_plain());
            }
        }
        if let Some(g) = self.focused_group() {
            let n = self.data.rows(g).len();
            self.table_row = self.table_row.min(n.saturating_sub(1));
        }
        self.editor = ed;
    }

    /// What the editor holds now, parsed for the focused field.
    /// The question to ask when the survey date being left is not in the round's year
    /// (and was not confirmed already); None otherwise. A round's year is its first four
    /// digits (`2020`, `2020-h1`).
    pub fn out_of_year_date(&self, lang: Lang) -> Option<String> {
        let key = self.focused_key()?;
        if key.row.is_some() || key.field != "survey_date" {
            return None;
        }
        let typed = self.editor.input.value().trim();
        let Ok(Value::Text(date)) = self.live_value() else {
            return None;
        };
        let year = self
            .round
            .get(..4)
            .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))?;
        if date.starts_with(year) || self.date_ok.as_deref() == Some(typed) {
            return None;
        }
        let (date, round) = (clean(&date), clean(&self.round));
        let (yes, no) = t::yes_no_keys();
        Some(t::date_outside_round(lang, &date, &round, year, yes, no))
    }

    pub fn live_value(&self) -> Result<Value, Text> {
        let Some(key) = self.focused_key() else {
            return Ok(Value::Null);
        };
        let Some(f) = self.form_field(&key) else {
            return Ok(Value::Null);
        };
        if let Some(v) = &self.editor.picked {
            return Ok(v.clone());
        }
        if is_text_like(f) {
            parse_input(f, self.editor.input.value())
                .map_err(|e| too_large(f, &self.editor.input).unwrap_or(e))
        } else {
            Ok(self.value(&key).clone())
        }
    }

    fn record_ref(&self) -> RecordRef {
        match &self.record_id {
            Some(id) => RecordRef::Id(id.clone()),
            None => RecordRef::New {
                village: self.village.code.clone(),
                round: self.round.clone(),
                initial: self.data.clone(),
            },
        }
    }

    /// Problem with a field's value as things stand (constraint, type), if any.
    pub fn check(&self, key: &FieldKey) -> Option<Text> {
        let f = self.form_field(key)?;
        let row = match &key.row {
            None => None,
            Some((g, id)) => Some((g.as_str(), self.row_index(g, id)?)),
        };
        let v = self.shown_value(key);
        self.form.check_field(&self.shown, f, row, v)
    }

    /// Leave the focused field: parse what was typed and, when it changed, apply it and
    /// return the commit. `Err` (input unreadable) keeps the focus and the typed text.
    /// The constraint message, if the value breaks one, is remembered for the field.
    pub fn leave(&mut self) -> Result<Option<Commit>, Text> {
        if self.read_only {
            return Ok(None);
        }
        let Some(key) = self.focused_key() else {
            return Ok(None);
        };
        if self.form_field(&key).is_none_or(|f| f.is_calculated()) {
            return Ok(None);
        }
        let value = match self.live_value() {
            Ok(v) => v,
            Err(msg) => {
                self.messages.insert(key, msg.clone());
                return Err(msg);
            }
        };
        let changed = self.value(&key) != &value;
        let mut commit = None;
        if changed {
            Self::set_in(&mut self.data, &key, value.clone());
            commit = Some(Commit {
                rec: self.record_ref(),
                row: key.row.clone(),
                field: key.field.clone(),
                value,
            });
            self.pending += 1;
        }
        self.editor.picked = None;
        self.editor.dirty = false;
        self.rebuild();
        match self.check(&key) {
            Some(m) => {
                self.messages.insert(key, m);
            }
            None => {
                self.messages.remove(&key);
            }
        }
        Ok(commit)
    }

    /// Move the focus by one focusable item (after leaving the field).
    pub fn step(&mut self, forward: bool) -> bool {
        let found = if forward {
            (self.cursor + 1..self.items.len()).find(|&j| self.focusable(j))
        } else {
            (0..self.cursor).rev().find(|&j| self.focusable(j))
        };
        match found {
            Some(j) => {
                self.cursor = j;
                self.table_row = if forward {
                    0
                } else {
                    self.focused_group()
                        .map(|g| self.data.rows(g).len().saturating_sub(1))
                        .unwrap_or(0)
                };
                self.load_editor();
                true
            }
            None => false,
        }
    }

    /// Focus a top-level field by name (leaving row mode), if it is shown.
    pub fn focus_field(&mut self, name: &str) -> bool {
        if self.row_mode.is_some() {
            self.row_mode = None;
            self.rebuild();
        }
        match self
            .items
            .iter()
            .position(|i| matches!(i, Item::Field(n) if n == name))
        {
            Some(pos) => {
                self.cursor = pos;
                self.load_editor();
                true
            }
            None => false,
        }
    }

    /// Edit a row of a group, focusing `field` (or the first field).
    pub fn enter_row(&mut self, group: &str, row_id: &str, field: Option<&str>) {
        self.row_mode = Some((group.to_string(), row_id.to_string()));
        self.items.clear();
        self.cursor = 0;
        self.rebuild();
        self.cursor = field
            .and_then(|f| {
                self.items
                    .iter()
                    .position(|i| matches!(i, Item::Field(n) if n == f))
            })
            .or_else(|| self.first_focusable_from(0))
            .unwrap_or(0);
        self.load_editor();
    }

    /// Back from a row to the table, with that row selected.
    pub fn exit_row(&mut self) {
        let Some((g, id)) = self.row_mode.take() else {
            return;
        };
        self.items.clear();
        self.rebuild();
        self.table_row = self.row_index(&g, &id).unwrap_or(0);
        self.cursor = self
            .items
            .iter()
            .position(|i| matches!(i, Item::Group(n) if *n == g))
            .unwrap_or(0);
        self.load_editor();
        self.table_row = self.row_index(&g, &id).unwrap_or(0);
    }

    /// Go to the field an issue names.
    pub fn jump_to(&mut self, path: &FieldPath) {
        self.issues = None;
        match &path.group {
            None => {
                self.focus_field(&path.field);
            }
            Some((g, i)) => {
                if let Some(id) = self.data.rows(g).get(*i).map(|r| r.id.clone()) {
                    if self.row_mode.is_some() {
                        self.row_mode = None;
                    }
                    self.enter_row(g, &id, Some(&path.field));
                }
            }
        }
    }

    /// The record for this key's group row was given a new row by the store.
    pub fn add_row(&mut self, group: &str, row_id: &str) {
        self.data
            .groups
            .entry(group.to_string())
            .or_default()
            .push(crate::forms::record::Row {
                id: row_id.to_string(),
                values: Default::default(),
            });
        self.enter_row(group, row_id, None);
    }

    pub fn remove_row(&mut self, group: &str, row_id: &str) {
        if let Some(rows) = self.data.groups.get_mut(group) {
            rows.retain(|r| r.id != row_id);
            if rows.is_empty() {
                self.data.groups.remove(group);
            }
        }
        self.messages
            .retain(|k, _| k.row.as_ref().is_none_or(|(_, id)| id != row_id));
        self.rebuild();
        let n = self.data.rows(group).len();
        self.table_row = self.table_row.min(n.saturating_sub(1));
    }

    /// Required fields that are shown, and how many of them are answered.
    pub fn progress(&self) -> (usize, usize) {
        let (mut answered, mut required) = (0, 0);
        for f in &self.form.fields {
            if f.required && !f.is_calculated() && self.form.is_relevant(&self.shown, f, None) {
                required += 1;
                if !self.shown.get(&f.name).is_null() {
                    answered += 1;
                }
            }
        }
        for g in &self.form.groups {
            if !self.form.group_relevant(&self.shown, &g.name) {
                continue;
            }
            for (i, row) in self.shown.rows(&g.name).iter().enumerate() {
                for f in &g.fields {
                    if f.required
                        && !f.is_calculated()
                        && self.form.is_relevant(&self.shown, f, Some((&g.name, i)))
                    {
                        required += 1;
                        if row.values.get(&f.name).is_some_and(|v| !v.is_null()) {
                            answered += 1;
                        }
                    }
                }
            }
        }
        (answered, required)
    }

    // ---------------------------------------------------------------- editing

    /// A key for the text input of the focused field.
    pub fn edit_text(&mut self, req: InputRequest) {
        if self.editor.input.handle(req).is_some_and(|c| c.value) {
            self.editor.dirty = true;
            self.rebuild();
        }
    }

    /// Paste: line breaks become spaces, other control characters are dropped.
    pub fn paste(&mut self, text: &str) {
        let Some(f) = self.focused_field() else {
            return;
        };
        let clean: String = text
            .chars()
            .filter_map(|c| match c {
                '\n' | '\r' | '\t' => Some(' '),
                c if crate::termsafe::is_unsafe(c) => None,
                c => Some(c),
            })
            .collect();
        if is_text_like(f) {
            for c in clean.trim_end().chars() {
                self.editor.input.handle(InputRequest::InsertChar(c));
            }
            self.editor.dirty = true;
        } else if let Ok(v) = parse_input(f, &clean) {
            self.editor.picked = Some(v);
            self.editor.dirty = true;
        }
        self.rebuild();
    }

    /// The current choice value of the focused yes/no or choice field.
    fn current_pick(&self) -> Value {
        match (&self.editor.picked, self.focused_key()) {
            (Some(v), _) => v.clone(),
            (None, Some(k)) => self.value(&k).clone(),
            (None, None) => Value::Null,
        }
    }

    fn pick(&mut self, v: Value) {
        self.editor.picked = Some(v);
        self.editor.dirty = true;
        self.rebuild();
    }

    /// ←/→/space on a yes/no or choice field.
    pub fn cycle_choice(&mut self, forward: bool) {
        let Some(f) = self.focused_field().cloned() else {
            return;
        };
        let cur = self.current_pick();
        match f.ty {
            FieldType::YesNo => {
                let next = match cur {
                    Value::Bool(b) => Value::Bool(!b),
                    _ => Value::Bool(forward),
                };
                self.pick(next);
            }
            FieldType::SelectOne => {
                let n = f.choices.len();
                if n == 0 {
                    return;
                }
                let pos = cur
                    .as_text()
                    .and_then(|t| f.choices.iter().position(|c| c.name == t));
                let next = match (pos, forward) {
                    (None, true) => 0,
                    (None, false) => n - 1,
                    (Some(p), true) => (p + 1) % n,
                    (Some(p), false) => (p + n - 1) % n,
                };
                self.pick(Value::Text(f.choices[next].name.clone()));
            }
            FieldType::SelectMany => {
                let n = f.choices.len();
                if n == 0 {
                    return;
                }
                self.editor.highlight = if forward {
                    (self.editor.highlight + 1) % n
                } else {
                    (self.editor.highlight + n - 1) % n
                };
            }
            _ => {}
        }
    }

    /// Space on a multiple-choice field toggles the highlighted choice.
    pub fn toggle_highlighted(&mut self) {
        let Some(f) = self.focused_field().cloned() else {
            return;
        };
        if f.ty == FieldType::SelectMany {
            self.toggle_choice(self.editor.highlight);
        } else {
            self.cycle_choice(true);
        }
    }

    fn toggle_choice(&mut self, i: usize) {
        let Some(f) = self.focused_field().cloned() else {
            return;
        };
        let Some(c) = f.choices.get(i) else { return };
        let mut list = match self.current_pick() {
            Value::Choices(l) => l,
            _ => Vec::new(),
        };
        if let Some(p) = list.iter().position(|x| *x == c.name) {
            list.remove(p);
        } else {
            // Keep the form's order of choices.
            list.push(c.name.clone());
            list.sort_by_key(|x| f.choices.iter().position(|c| c.name == *x));
        }
        self.editor.highlight = i;
        self.pick(if list.is_empty() {
            Value::Null
        } else {
            Value::Choices(list)
        });
    }

    /// A character typed on a yes/no or choice field: y/n/是/否, or a choice's number.
    pub fn choice_char(&mut self, c: char) -> bool {
        let Some(f) = self.focused_field().cloned() else {
            return false;
        };
        match f.ty {
            FieldType::YesNo => match c {
                'y' | 'Y' | '1' | '是' => self.pick(Value::Bool(true)),
                'n' | 'N' | '0' | '2' | '否' => self.pick(Value::Bool(false)),
                _ => return false,
            },
            FieldType::SelectOne | FieldType::SelectMany => {
                let Some(d) = c.to_digit(10).filter(|d| *d >= 1) else {
                    return false;
                };
                let i = d as usize - 1;
                if i >= f.choices.len() {
                    return false;
                }
                if f.ty == FieldType::SelectOne {
                    self.pick(Value::Text(f.choices[i].name.clone()));
                } else {
                    self.toggle_choice(i);
                }
            }
            _ => return false,
        }
        true
    }

    pub fn clear_choice(&mut self) {
        self.pick(Value::Null);
    }
}

impl Record {
    /// Leave the focused field: the commit to run and, when the value is kept with a
    /// problem, a warning to show; an error when it cannot be left (unreadable input).
    pub fn leave_field(&mut self, lang: Lang) -> Result<(Vec<Cmd>, Option<Notice>), Notice> {
        let r = self;
        match r.leave() {
            Ok(c) => {
                let key = r.focused_key();
                let warn = key.as_ref().and_then(|k| r.messages.get(k)).map(|t| {
                    let label = r
                        .form_field(key.as_ref().expect("key"))
                        .map(|f| f.label.get(lang).to_string());
                    Notice::warn(format!(
                        "{}{}{}",
                        label.unwrap_or_default(),
                        t::colon(lang),
                        t.get(lang)
                    ))
                });
                Ok((c.map(Cmd::Commit).into_iter().collect(), warn))
            }
            Err(msg) => Err(Notice::error(msg.get(lang).to_string())),
        }
    }

    /// Finalizing is blocked by these issues: list them (the notice says what to do).
    pub fn block(&mut self, list: Vec<Issue>, lang: Lang) -> Notice {
        let n = list.len();
        self.issues = Some(Issues { list, cursor: 0 });
        Notice::warn(t::finalize_blocked(
            lang,
            n,
            crate::i18n::key(Ctx::Issues, Action::Open),
        ))
    }

    /// Leave the record for the screen it was opened from, showing its village on home.
    fn back(&self) -> Go {
        Go::Close {
            reveal: Some(self.village.code.clone()),
        }
    }

    /// A key on the record: the list of issues, a finalized record (read-only), the
    /// farms table, or a field of a draft.
    pub fn key(&mut self, action: Option<Action>, ev: &KeyEvent, lang: Lang) -> Outcome {
        let r = self;
        if action != Some(Action::Back) {
            r.escape_armed = false;
        }
        // The list of what blocks finalizing.
        if let Some(iss) = &mut r.issues {
            match action {
                Some(Action::Up) => iss.cursor = iss.cursor.saturating_sub(1),
                Some(Action::Down) => {
                    iss.cursor = (iss.cursor + 1).min(iss.list.len().saturating_sub(1))
                }
                Some(Action::Open) => {
                    if let Some(issue) = iss.list.get(iss.cursor).cloned() {
                        r.jump_to(&issue.path);
                        return Outcome::say(Notice::warn(format!(
                            "{}{}{}",
                            r.form.path_label(&issue.path, lang),
                            t::colon(lang),
                            issue.message.get(lang)
                        )));
                    }
                }
                Some(Action::Back) => r.issues = None,
                Some(Action::Quit) => return Outcome::quit(),
                _ => {}
            }
            return Outcome::none();
        }
        // A survey date outside the round's year: y keeps it and goes on, anything else
        // stays in the field to correct it.
        if let Some((value, then)) = r.date_check.take() {
            if action == Some(Action::Confirm) {
                r.date_ok = Some(value);
                return r.key(Some(then), ev, lang);
            }
            return Outcome::say(Notice::info(t::correct_the_date(lang)));
        }
        if !r.read_only
            && r.issues.is_none()
            && let Some(a @ (Action::Next | Action::Prev | Action::Back | Action::Finalize)) =
                action
            && let Some(q) = r.out_of_year_date(lang)
        {
            r.date_check = Some((r.editor.input.value().trim().to_string(), a));
            return Outcome::say(Notice::warn(q));
        }
        if r.read_only {
            match action {
                Some(Action::Up) => {
                    r.step(false);
                }
                Some(Action::Down) => {
                    r.step(true);
                }
                Some(Action::Edit) => {
                    if let Some(id) = r.record_id.clone() {
                        return Outcome::cmd(Cmd::StartRevision { record_id: id });
                    }
                }
                Some(Action::History) => {
                    if let Some(id) = r.record_id.clone() {
                        return Outcome::cmd(Cmd::LoadHistory { record_id: id });
                    }
                }
                Some(Action::Back) => return Outcome::go(r.back()),
                Some(Action::Quit) => return Outcome::quit(),
                _ => {}
            }
            return Outcome::none();
        }
        // The farms table has the focus.
        if let Some(g) = r.focused_group().map(str::to_string) {
            let n = r.data.rows(&g).len();
            match action {
                Some(Action::Up) if r.table_row > 0 => {
                    r.table_row -= 1;
                    return Outcome::none();
                }
                Some(Action::Down) if r.table_row + 1 < n => {
                    r.table_row += 1;
                    return Outcome::none();
                }
                Some(Action::Up) => {
                    r.step(false);
                    return Outcome::none();
                }
                Some(Action::Down) => {
                    r.step(true);
                    return Outcome::none();
                }
                Some(Action::EditRow) => {
                    if let Some(id) = r.data.rows(&g).get(r.table_row).map(|x| x.id.clone()) {
                        r.enter_row(&g, &id, None);
                        return Outcome::none();
                    }
                    return Outcome::say(Notice::info(t::no_rows_yet(
                        lang,
                        crate::i18n::key(Ctx::Table, Action::AddRow),
                    )));
                }
                Some(Action::AddRow) => {
                    let rec = match &r.record_id {
                        Some(id) => RecordRef::Id(id.clone()),
                        None => RecordRef::New {
                            village: r.village.code.clone(),
                            round: r.round.clone(),
                            initial: r.data.clone(),
                        },
                    };
                    return Outcome::cmd(Cmd::AddRow { rec, group: g });
                }
                Some(Action::DeleteRow) => {
                    if let (Some(rid), Some(row)) =
                        (r.record_id.clone(), r.data.rows(&g).get(r.table_row))
                    {
                        let (yes, no) = t::yes_no_keys();
                        let q = t::delete_row_question(lang, r.table_row + 1, yes, no);
                        return Outcome::ask(
                            q,
                            Cmd::DeleteRow {
                                record_id: rid,
                                group: g,
                                row_id: row.id.clone(),
                            },
                        );
                    }
                    return Outcome::none();
                }
                _ => {}
            }
        }
        match action {
            Some(Action::Next) | Some(Action::Prev) => {
                let forward = action == Some(Action::Next);
                let (cmds, warn) = match r.leave_field(lang) {
                    Ok(left) => left,
                    Err(n) => return Outcome::say(n),
                };
                let mut say = warn.map(Say::Set);
                if !r.step(forward) {
                    if r.row_mode.is_some() && forward {
                        r.exit_row();
                    } else if forward && say.is_none() {
                        say = Some(Say::Unless(Notice::info(t::last_field(
                            lang,
                            crate::i18n::key(Ctx::Form, Action::Finalize),
                        ))));
                    }
                }
                Outcome {
                    cmds,
                    say,
                    ..Outcome::default()
                }
            }
            Some(Action::Back) => {
                // A second Esc on unreadable input gives it up (the saved value comes back).
                if r.escape_armed {
                    r.escape_armed = false;
                    if let Some(k) = r.focused_key() {
                        r.messages.remove(&k);
                    }
                    r.load_editor();
                    r.rebuild();
                }
                let (cmds, warn) = match r.leave_field(lang) {
                    Ok(left) => left,
                    Err(mut n) => {
                        r.escape_armed = true;
                        n.text.push_str(&t::esc_again(
                            lang,
                            crate::i18n::key(Ctx::Form, Action::Back),
                        ));
                        return Outcome::say(n);
                    }
                };
                let go = if r.row_mode.is_some() {
                    r.exit_row();
                    None
                } else {
                    Some(r.back())
                };
                Outcome {
                    cmds,
                    say: warn.map(Say::Set),
                    go,
                    ..Outcome::default()
                }
            }
            Some(Action::Finalize) => {
                let (cmds, warn) = match r.leave_field(lang) {
                    Ok(left) => left,
                    Err(n) => return Outcome::say(n),
                };
                let mut say = warn.map(Say::Set);
                let issues = r.form.validate(&r.form.finalized_data(&r.data));
                let mut ask = None;
                match &r.record_id {
                    // What blocks it is listed at once; otherwise ask, saying what happens.
                    Some(id) if issues.is_empty() => {
                        let next = r.rev.map_or(1, |v| v + 1);
                        let name = clean(&r.village.name);
                        let round = clean(&r.round);
                        let (yes, no) = t::yes_no_keys();
                        let question = t::finalize_question(lang, &name, &round, next, yes, no);
                        ask = Some(Confirm {
                            question,
                            cmd: Cmd::Finalize {
                                record_id: id.clone(),
                                form_id: r.form.id.clone(),
                                version: r.form.version,
                            },
                        });
                    }
                    _ => say = Some(Say::Set(r.block(issues, lang))),
                }
                // The field just left is committed first, then the question waits.
                Outcome {
                    cmds,
                    say,
                    ask,
                    ..Outcome::default()
                }
            }
            Some(Action::Discard) => match (&r.record_id, r.rev) {
                (Some(id), Some(rev)) => {
                    let (yes, no) = t::yes_no_keys();
                    let q = t::discard_question(lang, rev, yes, no);
                    Outcome::ask(
                        q,
                        Cmd::DiscardRevision {
                            record_id: id.clone(),
                            village: r.village.code.clone(),
                            round: r.round.clone(),
                        },
                    )
                }
                _ => Outcome::say(Notice::info(t::first_draft_no_revision(lang))),
            },
            Some(Action::History) => {
                let (mut cmds, warn) = match r.leave_field(lang) {
                    Ok(left) => left,
                    Err(n) => return Outcome::say(n),
                };
                let mut say = warn.map(Say::Set);
                match r.record_id.clone() {
                    Some(id) => cmds.push(Cmd::LoadHistory { record_id: id }),
                    None => say = Some(Say::Set(Notice::info(t::no_history_yet(lang)))),
                }
                Outcome {
                    cmds,
                    say,
                    ..Outcome::default()
                }
            }
            Some(Action::ChoiceNext) => {
                if ev.code == KeyCode::Char(' ') {
                    r.toggle_highlighted();
                } else {
                    r.cycle_choice(true);
                }
                Outcome::none()
            }
            Some(Action::ChoicePrev) => {
                r.cycle_choice(false);
                Outcome::none()
            }
            Some(Action::Clear) => {
                r.clear_choice();
                Outcome::none()
            }
            // On a yes/no or choice field `q` is easily a slip of the fingers: the
            // answer picked is saved first, then quitting asks.
            Some(Action::Quit) if r.focused_field().is_some() => {
                let (cmds, _) = match r.leave_field(lang) {
                    Ok(left) => left,
                    Err(n) => return Outcome::say(n),
                };
                Outcome {
                    cmds,
                    ask: Some(Confirm {
                        question: {
                            let (yes, no) = t::yes_no_keys();
                            t::quit_question(lang, yes, no)
                        },
                        cmd: Cmd::Quit,
                    }),
                    ..Outcome::default()
                }
            }
            Some(Action::Quit) => Outcome::quit(),
            _ => {
                if r.typing() {
                    if let Some(req) = input_request(ev) {
                        r.edit_text(req);
                    }
                } else if let KeyCode::Char(c) = ev.code
                    && !ev.modifiers.contains(KeyModifiers::CONTROL)
                {
                    r.choice_char(c);
                }
                Outcome::none()
            }
        }
    }
}
