//! Spreadsheets in and out: CSV and XLSX records share one import path (`import`), cells
//! are read the way Excel and WPS leave them (`cells`, `csv_in`), and the records workbook
//! has one layout for the template, the export and the import (`workbook`). An import
//! streams: repeat-group sheets are read first and staged on disk (`stage`), then each
//! village row is joined to its group rows, validated and stored as it comes.

pub mod cells;
pub mod csv_in;
pub mod import;
pub mod stage;
pub mod workbook;
pub mod zipguard;

use cells::Cell;
use import::Importer;

/// Where a row is (`12`, `farms.csv:3`, `村!R12`) and its cells; or why reading stopped.
pub type RowResult = Result<Option<(String, Vec<Cell>)>, (String, String)>;

/// Feed a sheet's rows to the importer: the header (the first non-empty row; when the
/// row under it names the columns too, as the template's row of field names does, that
/// row is the header), then every row.
pub fn feed_rows(
    imp: &mut Importer<'_>,
    group: Option<&str>,
    main: &str,
    next: &mut dyn FnMut() -> RowResult,
) {
    let errors_before = imp.errors.total;
    let mut read = |imp: &mut Importer<'_>| -> Option<(String, Vec<Cell>)> {
        match next() {
            Ok(r) => r,
            Err((at, reason)) => {
                imp.file_error(&at, reason);
                None
            }
        }
    };
    let header = loop {
        match read(imp) {
            Some((_, cells)) if cells.iter().all(Cell::is_blank) => continue,
            Some(r) => break r,
            None => {
                if imp.errors.total == errors_before {
                    let reason = crate::i18n::sheet_empty(imp.lang());
                    imp.file_error(main, reason);
                }
                return;
            }
        }
    };
    let second = read(imp);
    let (header, pending) = match second {
        Some(s) if imp.names_village_code(group, &s.1) => (s, None),
        other => (header, other),
    };
    let Some(columns) = imp.columns(group, &header.0, &header.1) else {
        return;
    };
    let handle = |imp: &mut Importer<'_>, (at, cells): (String, Vec<Cell>)| match group {
        None => imp.village_row(&columns, &at, &cells),
        Some(g) => imp.group_row(g, &columns, &at, &cells, main),
    };
    if let Some(r) = pending {
        handle(imp, r);
    }
    while !imp.stopped()
        && let Some(r) = read(imp)
    {
        handle(imp, r);
    }
}
