//! The one import path for spreadsheet rows, CSV and XLSX alike: header cells resolved to
//! fields, cells parsed by `parse_input` (as the TUI parses what a person types), records
//! computed and validated by the form as finalize does, villages checked against the
//! register and its scope.
//!
//! Records are handed to the caller's sink (which stores them inside the import's one
//! transaction) as soon as each village is complete and valid, while no error has been
//! found; after the first error nothing more is handed over, the rest of the file is still
//! checked so that every error is counted, and the caller rolls the transaction back.
//!
//! Memory stays bounded whatever the file: rows are taken one at a time and one record is
//! held at a time; the villages seen and the rows of repeat-group files (read first, joined
//! to each village as its row arrives) wait in a temporary database on disk (`stage`); a
//! village takes at most `MAX_GROUP_ROWS` rows of a group, and only the first
//! `MAX_ERRORS_SHOWN` errors are kept (the rest are counted).

use super::cells::{self, Cell, Column};
use super::stage::Stage;
use crate::forms::record::{RecordData, Row, parse_input};
use crate::forms::schema::{Field, Form, Lang, Text};
use crate::forms::value::{Value, sanitize_for_terminal};
use crate::i18n;
use crate::register::Level;
use crate::store::{Store, StoreError};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Errors listed in full; beyond this they are counted ("and N more").
pub const MAX_ERRORS_SHOWN: usize = 200;
/// Rows of one repeat group (farms) for one village.
pub const MAX_GROUP_ROWS: usize = 1000;

/// A problem in one row: `where: village: field: reason`.
#[derive(Debug, Clone)]
pub struct RowError {
    pub at: String,
    pub village: String,
    pub field: String,
    pub reason: String,
}

/// The first `MAX_ERRORS_SHOWN` errors and how many there were.
#[derive(Debug, Default)]
pub struct Errors {
    pub shown: Vec<RowError>,
    pub total: usize,
}

impl Errors {
    fn push(&mut self, e: RowError) {
        self.total += 1;
        if self.shown.len() < MAX_ERRORS_SHOWN {
            self.shown.push(e);
        }
    }
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The list as printed: one line per error, text from the file escaped, then
    /// "… and N more" when the list was cut.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        let mut out: Vec<String> = self
            .shown
            .iter()
            .map(|e| {
                format!(
                    "{}: {}: {}: {}",
                    sanitize_for_terminal(&e.at),
                    sanitize_for_terminal(&e.village),
                    sanitize_for_terminal(&e.field),
                    sanitize_for_terminal(&e.reason)
                )
            })
            .collect();
        let more = self.total - self.shown.len();
        if more > 0 {
            out.push(i18n::more_problems(lang, more, MAX_ERRORS_SHOWN));
        }
        out
    }
}

/// The columns of a sheet, resolved from its header row.
#[derive(Debug, Clone)]
pub struct Columns {
    cols: Vec<Column>,
    code: usize,
}

struct Pending {
    at: String,
    data: RecordData,
    /// Calculated values given in the file: checked, never taken.
    given: Vec<(String, Value)>,
    /// Fields whose cell did not parse: reported once, not again as "required".
    unparsed: BTreeSet<String>,
    /// (group, row index) → where the row came from, what it said.
    group_rows: HashMap<(String, usize), GroupRow>,
}

/// Where a group row came from, its calculated values and its cells that did not parse.
struct GroupRow {
    at: String,
    given: Vec<(String, Value)>,
    unparsed: BTreeSet<String>,
}

/// Takes each finished, valid record: (store, village, where its row is, the record).
/// `StoreError::Invalid` is reported as an error of that row; any other error stops the
/// import.
pub type Sink<'s> = dyn FnMut(&mut Store, &str, &str, RecordData) -> crate::store::Result<()> + 's;

/// Why an import stored nothing.
#[derive(Debug)]
pub enum Failure {
    /// Errors in the file (the first `MAX_ERRORS_SHOWN`, and the count).
    Rows(Errors),
    /// Something else (the database, the temporary staging area).
    Other(anyhow::Error),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Other(e.into())
    }
}

/// What an import that stored everything read.
#[derive(Debug, Clone, Copy)]
pub struct Done {
    /// Villages handed to the sink.
    pub villages: usize,
    /// Rows with a village code and no value at all (an unfilled template row).
    pub skipped_empty: usize,
}

/// Rows of one import, validated as they come.
pub struct Importer<'a> {
    form: &'a Form,
    store: &'a mut Store,
    sink: &'a mut Sink<'a>,
    lang: Lang,
    pub errors: Errors,
    /// Villages seen and rows of repeat groups, on disk.
    stage: Stage,
    /// Sheets of repeat groups read (staged) before the village sheet: (staging key,
    /// group, columns).
    staged: Vec<(String, String, Columns)>,
    /// Reading the village sheet has begun: no more group sheets.
    main_started: bool,
    /// Villages handed to the sink.
    stored: usize,
    /// An error that is not the file's (the database): the import stops.
    fatal: Option<anyhow::Error>,
    /// Rows with a village code and no value at all (an unfilled template row).
    pub skipped_empty: usize,
    /// The village sheet's name, for messages about group rows without a village row.
    main_name: String,
    /// Where a blank-headed column first held a value was reported already.
    blank_reported: bool,
    /// Rows may be shorter than the header (a workbook leaves empty cells out).
    pub sparse_rows: bool,
}

impl<'a> Importer<'a> {
    /// An import of `form`'s records; repeat-group sheets must be fed before the village
    /// sheet.
    pub fn new(
        form: &'a Form,
        store: &'a mut Store,
        lang: Lang,
        sink: &'a mut Sink<'a>,
    ) -> anyhow::Result<Importer<'a>> {
        Ok(Importer {
            form,
            store,
            sink,
            lang,
            errors: Errors::default(),
            stage: Stage::new().map_err(|e| anyhow::anyhow!(i18n::staging_failed(lang, e)))?,
            staged: Vec::new(),
            main_started: false,
            stored: 0,
            fatal: None,
            skipped_empty: 0,
            main_name: String::new(),
            blank_reported: false,
            sparse_rows: false,
        })
    }

    /// Has reading stopped for an error that is not the file's?
    pub fn stopped(&self) -> bool {
        self.fatal.is_some()
    }

    fn fail(&mut self, e: impl Into<anyhow::Error>) {
        if self.fatal.is_none() {
            self.fatal = Some(e.into());
        }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    fn error(&mut self, at: &str, village: &str, field: &str, reason: String) {
        self.errors.push(RowError {
            at: at.to_string(),
            village: village.to_string(),
            field: field.to_string(),
            reason,
        });
    }

    /// An error of the file as a whole (not of a row).
    pub fn file_error(&mut self, at: &str, reason: String) {
        self.error(at, "-", "-", reason);
    }

    /// Resolve a header row against the village form (`group` None) or a repeat group.
    /// Unknown and repeated columns are errors; None when the sheet cannot be read.
    pub fn columns(&mut self, group: Option<&str>, at: &str, header: &[Cell]) -> Option<Columns> {
        let form = self.form;
        let fields: Vec<&Field> = match group {
            None => form.fields.iter().collect(),
            Some(g) => form.group(g)?.fields.iter().collect(),
        };
        let lang = self.lang;
        let mut cols = Vec::with_capacity(header.len());
        let mut seen: HashMap<Column, usize> = HashMap::new();
        let mut ok = true;
        for (i, cell) in header.iter().enumerate() {
            let raw = match cell {
                Cell::Text(s) => s.clone(),
                Cell::Empty => String::new(),
                other => format!("{other:?}"),
            };
            let c = cells::resolve_header(fields.iter().copied(), &raw);
            match &c {
                Column::Unknown(h) => {
                    let reason = match group {
                        None => i18n::column_not_a_field_of_form(lang, i + 1, &form.id),
                        Some(g) => i18n::column_not_a_field_of_group(lang, i + 1, g),
                    };
                    self.error(at, "-", h, reason);
                    ok = false;
                }
                Column::VillageCode | Column::Field(_) => {
                    if let Some(first) = seen.insert(c.clone(), i) {
                        let name = match &c {
                            Column::Field(n) => n.clone(),
                            _ => "village_code".into(),
                        };
                        self.error(
                            at,
                            "-",
                            &name,
                            i18n::column_repeated(lang, i + 1, first + 1),
                        );
                        ok = false;
                    }
                }
                Column::Info | Column::Blank => {}
            }
            cols.push(c);
        }
        let Some(code) = cols.iter().position(|c| *c == Column::VillageCode) else {
            self.error(at, "-", "village_code", i18n::no_code_column(lang));
            return None;
        };
        let columns = ok.then_some(Columns { cols, code })?;
        match group {
            None => self.main_started = true,
            Some(g) => {
                // Each sheet staged under its own key: two files of one group may order
                // their columns differently.
                let key = format!("{g}#{}", self.staged.len());
                self.staged.push((key, g.to_string(), columns.clone()));
            }
        }
        Some(columns)
    }

    /// Does this row name the village code column (a header row rather than data)?
    pub fn names_village_code(&self, group: Option<&str>, cells: &[Cell]) -> bool {
        let fields: Vec<&Field> = match group {
            None => self.form.fields.iter().collect(),
            Some(g) => match self.form.group(g) {
                Some(gr) => gr.fields.iter().collect(),
                None => return false,
            },
        };
        cells.iter().any(|c| {
            matches!(c, Cell::Text(t)
                if cells::resolve_header(fields.iter().copied(), t) == Column::VillageCode)
        })
    }

    /// Check the cells beyond the named columns: empty ones are ignored (Excel adds
    /// them), a value is an error.
    fn check_shape(&mut self, columns: &Columns, at: &str, village: &str, cells: &[Cell]) -> bool {
        let lang = self.lang;
        if cells
            .iter()
            .any(|c| matches!(c, Cell::Text(t) if t.contains(['\n', '\r'])))
        {
            self.error(at, village, "-", unterminated_quote().get(lang).to_string());
            return false;
        }
        let needed = columns
            .cols
            .iter()
            .rposition(|c| *c != Column::Blank)
            .map_or(0, |i| i + 1);
        if cells.len() < needed && !self.sparse_rows {
            // CSV rows shorter than the header: a broken row. (Workbook rows are padded.)
            self.error(
                at,
                village,
                "-",
                i18n::row_shorter_than_header(lang, cells.len(), columns.cols.len()),
            );
            return false;
        }
        for (i, cell) in cells.iter().enumerate() {
            let blank_col = columns.cols.get(i).is_none_or(|c| *c == Column::Blank);
            if blank_col && !cell.is_blank() && !self.blank_reported {
                self.blank_reported = true;
                self.error(at, village, "-", i18n::value_without_header(lang, i + 1));
                return false;
            }
        }
        true
    }

    fn village_of(&mut self, columns: &Columns, at: &str, cells: &[Cell]) -> Option<String> {
        let cell = cells.get(columns.code).cloned().unwrap_or(Cell::Empty);
        match cells::village_code(&cell) {
            Ok(v) => Some(v),
            Err(m) => {
                let raw = match &cell {
                    Cell::Text(s) => s.clone(),
                    _ => String::new(),
                };
                let reason = m.get(self.lang).to_string();
                self.error(at, &raw, "village_code", reason);
                None
            }
        }
    }

    /// One row of the village sheet: checked, joined to its staged group rows, computed,
    /// validated and, while the import has found no error, handed to the sink.
    pub fn village_row(&mut self, columns: &Columns, at: &str, cells: &[Cell]) {
        if self.stopped() {
            return;
        }
        let Some(village) = self.village_of(columns, at, cells) else {
            return;
        };
        if !self.check_shape(columns, at, &village, cells) {
            return;
        }
        let has_values = cells
            .iter()
            .zip(&columns.cols)
            .any(|(c, col)| matches!(col, Column::Field(_)) && !c.is_blank());
        if !has_values {
            if !village.is_empty() {
                self.skipped_empty += 1;
            }
            return;
        }
        if let Err(reason) = check_village(self.store, self.lang, &village) {
            self.error(at, &village, "village_code", reason);
            return;
        }
        match self.stage.see(&village, at) {
            Err(e) => {
                self.fail(e);
                return;
            }
            Ok(Some(first)) => {
                let lang = self.lang;
                self.error(
                    at,
                    &village,
                    "village_code",
                    i18n::village_twice(lang, &first),
                );
                return;
            }
            Ok(None) => {}
        }
        let form = self.form;
        let mut p = Pending {
            at: at.to_string(),
            data: RecordData::default(),
            given: Vec::new(),
            unparsed: BTreeSet::new(),
            group_rows: HashMap::new(),
        };
        for (cell, col) in cells.iter().zip(&columns.cols) {
            let Column::Field(name) = col else { continue };
            let Some(f) = form.field(name) else { continue };
            match parse_cell(f, cell) {
                Ok(v) if f.is_calculated() => {
                    if !v.is_null() {
                        p.given.push((name.clone(), v));
                    }
                }
                Ok(v) => p.data.set(name, v),
                Err(m) => {
                    p.unparsed.insert(name.clone());
                    let reason = m.get(self.lang).to_string();
                    self.error(at, &village, name, reason);
                }
            }
        }
        let staged = std::mem::take(&mut self.staged);
        for (key, group, gcols) in &staged {
            self.join_group(&mut p, &village, key, group, gcols);
        }
        self.staged = staged;
        self.complete(village, p);
    }

    /// The staged rows of one group for a village, added to its record.
    fn join_group(
        &mut self,
        p: &mut Pending,
        village: &str,
        key: &str,
        group: &str,
        columns: &Columns,
    ) {
        let room = MAX_GROUP_ROWS.saturating_sub(p.data.rows(group).len());
        let (rows, over) = match self.stage.group_rows(key, village, room) {
            Ok(r) => r,
            Err(e) => {
                self.fail(e);
                return;
            }
        };
        for r in rows {
            self.add_group_row(p, village, group, columns, &r.at, &r.cells);
        }
        let lang = self.lang;
        for at in over {
            self.error(
                &at,
                village,
                group,
                i18n::too_many_group_rows(lang, MAX_GROUP_ROWS),
            );
        }
    }

    /// One row of a repeat group's sheet; `main` names the village sheet for messages.
    /// Checked and kept (staged) until the village sheet is read: group sheets come first.
    pub fn group_row(
        &mut self,
        group: &str,
        columns: &Columns,
        at: &str,
        cells: &[Cell],
        main: &str,
    ) {
        if self.stopped() {
            return;
        }
        let Some(village) = self.village_of(columns, at, cells) else {
            return;
        };
        if !self.check_shape(columns, at, &village, cells) {
            return;
        }
        if cells.iter().all(Cell::is_blank) {
            return;
        }
        let has_values = cells
            .iter()
            .zip(&columns.cols)
            .any(|(c, col)| matches!(col, Column::Field(_)) && !c.is_blank());
        if !has_values {
            self.skipped_empty += 1;
            return;
        }
        if self.main_started {
            // A caller feeding sheets in the wrong order would lose these rows.
            self.fail(anyhow::anyhow!(
                "internal error: rows of {group} read after the village sheet"
            ));
            return;
        }
        self.main_name = main.to_string();
        let Some(key) = self
            .staged
            .iter()
            .rev()
            .find(|s| s.1 == group)
            .map(|s| s.0.clone())
        else {
            return;
        };
        if let Err(e) = self.stage.push_group_row(&key, &village, at, cells) {
            self.fail(e);
        }
    }

    /// Parse one staged group row into the village's record.
    fn add_group_row(
        &mut self,
        p: &mut Pending,
        village: &str,
        group: &str,
        columns: &Columns,
        at: &str,
        cells: &[Cell],
    ) {
        let lang = self.lang;
        let form = self.form;
        let Some(g) = form.group(group) else { return };
        let rows = p.data.groups.entry(group.to_string()).or_default();
        let index = rows.len();
        let mut row = Row {
            id: format!("{:04}", index + 1),
            values: BTreeMap::new(),
        };
        let mut given = Vec::new();
        let mut unparsed = BTreeSet::new();
        let mut errs = Vec::new();
        for (cell, col) in cells.iter().zip(&columns.cols) {
            let Column::Field(name) = col else { continue };
            let Some(f) = g.fields.iter().find(|f| &f.name == name) else {
                continue;
            };
            match parse_cell(f, cell) {
                Ok(v) if v.is_null() => {}
                Ok(v) if f.is_calculated() => given.push((name.clone(), v)),
                Ok(v) => {
                    row.values.insert(name.clone(), v);
                }
                Err(m) => {
                    unparsed.insert(name.clone());
                    errs.push((format!("{group}.{name}"), m.get(lang).to_string()));
                }
            }
        }
        rows.push(row);
        p.group_rows.insert(
            (group.to_string(), index),
            GroupRow {
                at: at.to_string(),
                given,
                unparsed,
            },
        );
        for (field, reason) in errs {
            self.error(at, village, &field, reason);
        }
    }

    /// Compute and validate one village's record as finalize does; hand it to the sink
    /// while the import has no error.
    fn complete(&mut self, village: String, p: Pending) {
        let form = self.form;
        let lang = self.lang;
        let fin = form.finalized_data(&p.data);
        for (h, v) in &p.given {
            let computed = fin.get(h);
            if !same_value(computed, v) {
                self.error(&p.at, &village, h, calc_mismatch(lang, v, computed));
            }
        }
        let mut group_rows: Vec<_> = p.group_rows.iter().collect();
        group_rows.sort_by(|a, b| a.0.cmp(b.0));
        for ((g, i), row) in group_rows {
            let (at, given) = (&row.at, &row.given);
            let computed_row = fin.rows(g).get(*i);
            for (h, v) in given {
                let computed = computed_row
                    .and_then(|r| r.values.get(h))
                    .cloned()
                    .unwrap_or_default();
                if !same_value(&computed, v) {
                    self.error(
                        at,
                        &village,
                        &format!("{g}.{h}"),
                        calc_mismatch(lang, v, &computed),
                    );
                }
            }
        }
        for issue in form.validate(&fin) {
            let (at, field, unparsed) = match &issue.path.group {
                Some((g, i)) => match p.group_rows.get(&(g.clone(), *i)) {
                    Some(row) => (
                        row.at.clone(),
                        format!("{g}.{}", issue.path.field),
                        row.unparsed.contains(&issue.path.field),
                    ),
                    None => (p.at.clone(), format!("{g}.{}", issue.path.field), false),
                },
                None => (
                    p.at.clone(),
                    issue.path.field.clone(),
                    p.unparsed.contains(&issue.path.field),
                ),
            };
            // A cell that did not parse was reported already; its "required" would
            // say the same thing twice.
            if unparsed {
                continue;
            }
            self.error(&at, &village, &field, issue.message.get(lang).to_string());
        }
        // Once anything is wrong the import is refused: storing more would be undone.
        if !self.errors.is_empty() || self.stopped() {
            return;
        }
        match (self.sink)(self.store, &village, &p.at, fin) {
            Ok(()) => self.stored += 1,
            Err(StoreError::Invalid(reason)) => self.error(&p.at, &village, "-", reason),
            Err(e) => self.fail(e),
        }
    }

    /// The end of the file(s): rows of groups whose village had no row are errors. The
    /// records were all handed to the sink, or the reason why not.
    pub fn finish(mut self) -> Result<Done, Failure> {
        let staged = std::mem::take(&mut self.staged);
        let main = self.main_name.clone();
        let lang = self.lang;
        for (key, _, _) in &staged {
            if self.fatal.is_some() {
                break;
            }
            let store: &Store = self.store;
            let errors = &mut self.errors;
            let out = self.stage.orphans(key, &mut |village, at| {
                let reason = match check_village(store, lang, village) {
                    Err(r) => r,
                    Ok(()) => i18n::group_row_without_village(lang, &main),
                };
                errors.push(RowError {
                    at: at.to_string(),
                    village: village.to_string(),
                    field: "village_code".to_string(),
                    reason,
                });
            });
            if let Err(e) = out {
                self.fail(e);
            }
        }
        if let Some(e) = self.fatal {
            return Err(Failure::Other(e));
        }
        if !self.errors.is_empty() {
            return Err(Failure::Rows(self.errors));
        }
        Ok(Done {
            villages: self.stored,
            skipped_empty: self.skipped_empty,
        })
    }
}

/// A village is importable when it is a village of the register inside the survey
/// scope.
fn check_village(store: &Store, lang: Lang, code: &str) -> Result<(), String> {
    if !crate::register::is_code(code) {
        return Err(i18n::not_a_village_code(lang, code));
    }
    match store.division(code) {
        Ok(Some(d)) if d.level == Level::Village && d.in_scope => Ok(()),
        Ok(Some(d)) if d.level == Level::Village => {
            Err(i18n::village_out_of_scope(lang, &d.name, code))
        }
        Ok(Some(d)) => Err(i18n::import_not_a_village(
            lang,
            &d.name,
            i18n::level(lang, d.level),
        )),
        Ok(None) => Err(i18n::code_not_in_register(lang)),
        Err(e) => Err(e.to_string()),
    }
}

fn parse_cell(f: &Field, cell: &Cell) -> Result<Value, Text> {
    let input = cells::field_input(f, cell)?;
    parse_input(f, &input)
}

fn unterminated_quote() -> Text {
    i18n::both(i18n::cell_over_line_break)
}

fn calc_mismatch(lang: Lang, given: &Value, computed: &Value) -> String {
    i18n::calc_mismatch(lang, given, computed)
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}
