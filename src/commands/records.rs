//! `records import-csv | import-xlsx | export-csv | export-xlsx | template | show`:
//! spreadsheets in and out, and a village's records as text or JSON. Every import goes
//! through `sheets::import` (the form's own parsing and validation, as in the TUI) and is
//! all or nothing.

use super::{Env, division_arg, pick};
use crate::cli::{CsvLabels, ListFormat};
use crate::forms::record::RecordData;
use crate::forms::value::{Value, sanitize_for_terminal};
use crate::forms::{Form, Lang};
use crate::i18n;
use crate::register::Level;
use crate::sheets::cells::{Cell, INFO_COLUMNS, VILLAGE_CODE_LABEL, guard_formula};
use crate::sheets::csv_in::CsvRows;
use crate::sheets::import::{Done, Failure, Importer};
use crate::sheets::workbook::{self, VillageRow, top_fields};
use crate::store::{Change, InsertOutcome, Revision, Store, StoreError, now};
use anyhow::bail;
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Read a whole text file (a register for `demo --register`): a regular file, UTF-8 (BOM
/// accepted) or GB18030 as saved by Excel on Chinese Windows.
pub fn read_text(path: &Path, lang: Lang) -> anyhow::Result<String> {
    use std::io::Read as _;
    let mut file = crate::sheets::csv_in::open_regular(path, crate::sheets::csv_in::MAX_CSV_BYTES)
        .map_err(|(zh, en)| anyhow::anyhow!(crate::i18n::pick(lang, zh, en)))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => {
            match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
                Some(text) => Ok(text.into_owned()),
                None => bail!(crate::i18n::not_utf8_or_gb18030(lang, &shown(path))),
            }
        }
    }
}

/// A file name as printed: escaped.
fn shown(path: &Path) -> String {
    sanitize_for_terminal(&path.display().to_string())
}

/// Feed a CSV file's rows to the importer; `prefix` marks rows of a group's file
/// (`farms.csv:3`), the village file's rows are bare line numbers.
fn feed_csv(
    imp: &mut Importer<'_>,
    path: &Path,
    group: Option<&str>,
    prefix: Option<&str>,
    main: &str,
) -> anyhow::Result<()> {
    let lang = imp.lang();
    let mut rows = CsvRows::open(path).map_err(|e| anyhow::anyhow!(pick(lang, e.zh, e.en)))?;
    let at = |line: usize| match prefix {
        Some(p) => format!("{p}:{line}"),
        None => line.to_string(),
    };
    let header_at = at(1);
    crate::sheets::feed_rows(imp, group, main, &mut || match rows.next_row() {
        Ok(Some(r)) => Ok(Some((
            at(r.line),
            r.cells
                .into_iter()
                .map(|c| {
                    if c.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(c)
                    }
                })
                .collect(),
        ))),
        Ok(None) => Ok(None),
        Err(e) => Err((
            e.line.map(at).unwrap_or_else(|| header_at.clone()),
            pick(lang, e.zh, e.en),
        )),
    });
    Ok(())
}

/// Print the error list (stderr) and fail with a one-line summary, which is all that
/// reaches the log.
fn refuse(file: &str, errors: &crate::sheets::import::Errors, lang: Lang) -> anyhow::Error {
    let mut err = std::io::stderr().lock();
    for l in errors.lines(lang) {
        let _ = writeln!(err, "{l}");
    }
    anyhow::anyhow!(i18n::import_refused(lang, file, errors.total))
}

/// Who imports what: for storing and for the summary.
struct ImportRun<'a> {
    round: &'a str,
    who: &'a str,
    file: &'a str,
    /// Repeat groups the import did not bring (a CSV without `--group farms=…`): a village
    /// already stored keeps its rows of them, rather than losing them silently.
    kept_groups: &'a [String],
    lang: Lang,
}

/// What one import changed, for the summary and the roll-up.
#[derive(Default)]
struct Tally {
    new: usize,
    updated: usize,
    unchanged: usize,
    /// Townships with a village whose records changed: their roll-up is rebuilt once, at
    /// the end (at most the register's townships).
    townships: BTreeSet<String>,
}

/// Run one import in one transaction: `feed` gives the importer its sheets (groups
/// first), each valid village is stored as it comes, and the first error anywhere rolls
/// everything back. Prints what changed.
fn run_import(
    store: &mut Store,
    form: &Form,
    run: &ImportRun<'_>,
    feed: impl FnOnce(&mut Importer<'_>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let ImportRun {
        round, file, lang, ..
    } = *run;
    let mut tally = Tally::default();
    let outcome = store.try_transaction(|s| -> Result<Done, Failure> {
        // The township sums are rebuilt once per touched township below, not by the
        // trigger once per village.
        s.defer_rollup()?;
        let done = {
            let mut sink = |s: &mut Store,
                            village: &str,
                            _at: &str,
                            data: RecordData|
             -> crate::store::Result<()> {
                let out = merge_record(s, form, village, &data, run)?;
                match out {
                    InsertOutcome::New => tally.new += 1,
                    InsertOutcome::Unchanged => tally.unchanged += 1,
                    _ => tally.updated += 1,
                }
                if out != InsertOutcome::Unchanged {
                    let township = &village[..village.len().min(9)];
                    if !tally.townships.contains(township) {
                        tally.townships.insert(township.to_string());
                    }
                }
                Ok(())
            };
            let mut imp = Importer::new(form, s, lang, &mut sink).map_err(Failure::Other)?;
            feed(&mut imp).map_err(Failure::Other)?;
            imp.finish()?
        };
        // `current` of every touched township with one set-based statement each (the same
        // rows as recomputing village by village), then its roll-up, once.
        for township in &tally.townships {
            s.recompute_current_under(&form.id, round, township)?;
            s.rebuild_township_rollup(&form.id, round, township)?;
        }
        s.resume_rollup()?;
        Ok(done)
    });
    let done = match outcome {
        Ok(done) => done,
        Err(Failure::Rows(errors)) => return Err(refuse(file, &errors, lang)),
        Err(Failure::Other(e)) => return Err(e),
    };
    let Tally {
        new,
        updated,
        unchanged,
        ..
    } = tally;
    let round = sanitize_for_terminal(round);
    println!(
        "{}",
        crate::i18n::sheet_imported(lang, file, &round, done.villages, new, updated, unchanged)
    );
    if done.skipped_empty > 0 {
        println!(
            "{}",
            crate::i18n::sheet_rows_skipped(lang, done.skipped_empty)
        );
    }
    Ok(())
}

pub fn import_csv(env: &Env, file: &Path, round: &str, groups: &[String]) -> anyhow::Result<()> {
    let mut store = env.open_store()?;
    let lang = env.lang();
    let who = env.who(&store)?;
    let form = env.forms.village_form().clone();
    let main = shown(file);
    let mut specs = Vec::new();
    for spec in groups {
        let Some((name, path)) = spec.split_once('=') else {
            bail!(i18n::group_spec_form(lang, &sanitize_for_terminal(spec)));
        };
        if form.group(name).is_none() {
            let names: Vec<&str> = form.groups.iter().map(|g| g.name.as_str()).collect();
            bail!(i18n::group_spec_unknown(
                lang,
                &sanitize_for_terminal(name),
                &names.join(i18n::list_separator(lang))
            ));
        }
        specs.push((name.to_string(), PathBuf::from(path)));
    }
    let kept_groups: Vec<String> = form
        .groups
        .iter()
        .map(|g| g.name.clone())
        .filter(|g| !specs.iter().any(|(name, _)| name == g))
        .collect();
    let run = ImportRun {
        round,
        who: &who,
        file: &main,
        kept_groups: &kept_groups,
        lang,
    };
    run_import(&mut store, &form, &run, |imp| {
        // Group files first: their rows wait on disk for their village's row.
        for (name, path) in &specs {
            let fname = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| path.display().to_string());
            feed_csv(imp, path, Some(name), Some(&fname), &main)?;
        }
        feed_csv(imp, file, None, None, &main)
    })
}

pub fn import_xlsx(env: &Env, file: &Path, round: &str) -> anyhow::Result<()> {
    let mut store = env.open_store()?;
    let lang = env.lang();
    let who = env.who(&store)?;
    let form = env.forms.village_form().clone();
    let main = shown(file);
    let run = ImportRun {
        round,
        who: &who,
        file: &main,
        kept_groups: &[],
        lang,
    };
    run_import(&mut store, &form, &run, |imp| {
        workbook::read_records_workbook(file, &form, imp)
    })
}

/// Store one imported village: a new record, a new revision of the counted record when
/// the values differ, or nothing when they are the same. A village comes once per import
/// (a second row is refused), so what counts for it is read before this import changed it.
fn merge_record(
    store: &mut Store,
    form: &Form,
    village: &str,
    data: &RecordData,
    run: &ImportRun<'_>,
) -> crate::store::Result<InsertOutcome> {
    let ImportRun {
        round,
        who,
        kept_groups,
        lang,
        ..
    } = *run;
    // The record the merge rules count for the village, returned or not: a corrected row
    // after a return is its next revision, not a second record.
    let base = match store.counted(&form.id, village, round)? {
        Some(c) => store.current_revision(&c.record_id)?,
        None => None,
    };
    let mut merged;
    let data = match &base {
        Some(b) if kept_groups.iter().any(|g| !b.data.rows(g).is_empty()) => {
            merged = data.clone();
            for g in kept_groups {
                merged.groups.insert(g.clone(), b.data.rows(g).to_vec());
            }
            merged = form.finalized_data(&merged);
            if let Some(issue) = form.validate(&merged).first() {
                return Err(StoreError::Invalid(i18n::kept_rows_invalid(
                    lang,
                    village,
                    &kept_groups.join(i18n::list_separator(lang)),
                    issue.message.get(lang),
                )));
            }
            &merged
        }
        _ => data,
    };
    if let Some(b) = &base
        && strip_row_ids(&b.data) == strip_row_ids(data)
    {
        return Ok(InsertOutcome::Unchanged);
    }
    let (record_id, rev, parent, changes) = match &base {
        Some(b) => (
            b.record_id.clone(),
            next_rev(b.rev).ok_or_else(|| {
                StoreError::Invalid(i18n::revision_exhausted(lang, village, b.rev))
            })?,
            Some(b.hash()),
            crate::store::diff(&b.data, data),
        ),
        None => (crate::store::new_id(), 1, None, Vec::<Change>::new()),
    };
    let revision = Revision {
        record_id,
        rev,
        parent_hash: parent,
        form_id: form.id.clone(),
        form_version: form.version,
        village_code: village.to_string(),
        round: round.to_string(),
        finalized_at: now(),
        finalized_by: who.to_string(),
        data: data.clone(),
        changes,
    };
    // `current` is recomputed per township when the file has been read (`run_import`).
    store.merge_revision_deferred(&revision, form)
}

/// The revision after `rev`, or None at the end of the numbers (never a wrap to 0).
fn next_rev(rev: u32) -> Option<u32> {
    rev.checked_add(1)
}

fn strip_row_ids(d: &RecordData) -> RecordData {
    let mut d = d.clone();
    for rows in d.groups.values_mut() {
        for r in rows.iter_mut() {
            r.id.clear();
        }
    }
    d
}

/// Names of villages and of their townships, looked up once each.
struct Names<'s> {
    store: &'s Store,
    cache: HashMap<String, Option<(String, Option<String>)>>,
}

impl<'s> Names<'s> {
    fn new(store: &'s Store) -> Names<'s> {
        Names {
            store,
            cache: HashMap::new(),
        }
    }
    /// (name, parent code) of a unit.
    fn get(&mut self, code: &str) -> anyhow::Result<Option<(String, Option<String>)>> {
        if let Some(v) = self.cache.get(code) {
            return Ok(v.clone());
        }
        let v = self.store.division(code)?.map(|d| (d.name, d.parent));
        self.cache.insert(code.to_string(), v.clone());
        Ok(v)
    }
    /// (village name, township code, township name).
    fn village(&mut self, code: &str) -> anyhow::Result<(String, String, String)> {
        let Some((name, parent)) = self.get(code)? else {
            return Ok(Default::default());
        };
        let parent = parent.unwrap_or_default();
        let township = self.get(&parent)?.map(|t| t.0).unwrap_or_default();
        Ok((name, parent, township))
    }
}

/// A cell of `export-csv`: codes and field names by default, Chinese labels with
/// `--labels zh`; text that a spreadsheet would run as a formula is guarded.
fn csv_cell(f: &crate::forms::Field, v: &Value, labels: CsvLabels) -> String {
    match (v, labels) {
        (Value::Bool(b), CsvLabels::Zh) => i18n::yes_no(Lang::Zh, *b).to_string(),
        (Value::Text(t), CsvLabels::Zh) if !f.choices.is_empty() => {
            f.choice_label(t, Lang::Zh).unwrap_or(t).to_string()
        }
        (Value::Choices(list), CsvLabels::Zh) => list
            .iter()
            .map(|n| f.choice_label(n, Lang::Zh).unwrap_or(n))
            .collect::<Vec<_>>()
            .join(i18n::list_separator(Lang::Zh)),
        (Value::Text(t), _) => guard_formula(t),
        _ => v.to_plain(),
    }
}

pub fn export_csv(
    env: &Env,
    round: &str,
    under: Option<&str>,
    out: Option<&Path>,
    labels: CsvLabels,
) -> anyhow::Result<()> {
    let mut store = env.open_store()?;
    let lang = env.lang();
    let prefix = match under {
        Some(c) => division_arg(&store, c, env.lang())?.prefix().to_string(),
        None => String::new(),
    };
    let form_id = env.forms.village_form().id.clone();
    let revisions = store.current_revisions(&form_id, round, &prefix)?;
    // Columns come from the form in force; every form version's fields are a superset here.
    let form = env.forms.village_form().clone();
    let fields = top_fields(&form);
    let zh = labels == CsvLabels::Zh;
    let lead: Vec<String> = if zh {
        vec![
            VILLAGE_CODE_LABEL.to_string(),
            INFO_COLUMNS[0].1.to_string(),
            INFO_COLUMNS[1].1.to_string(),
            INFO_COLUMNS[2].1.to_string(),
        ]
    } else {
        vec!["village_code".to_string()]
    };
    let header = |fs: &[&crate::forms::Field]| -> Vec<String> {
        lead.iter()
            .cloned()
            .chain(fs.iter().map(|f| {
                if zh {
                    f.label.zh.clone()
                } else {
                    f.name.clone()
                }
            }))
            .collect()
    };
    let mut main = csv::Writer::from_writer(Vec::new());
    main.write_record(header(&fields))?;
    let mut group_out: Vec<(String, csv::Writer<Vec<u8>>)> = Vec::new();
    for g in &form.groups {
        let mut w = csv::Writer::from_writer(Vec::new());
        let gf: Vec<&crate::forms::Field> = g.fields.iter().collect();
        w.write_record(header(&gf))?;
        group_out.push((g.name.clone(), w));
    }
    for r in &revisions {
        // Every record's form version must be known here.
        let _ = store.form_version(&r.form_id, r.form_version)?;
    }
    let mut names = Names::new(&store);
    for r in &revisions {
        let mut lead_cells = vec![r.village_code.clone()];
        if zh {
            let (name, t_code, t_name) = names.village(&r.village_code)?;
            lead_cells.extend([guard_formula(&name), t_code, guard_formula(&t_name)]);
        }
        let mut cells = lead_cells.clone();
        cells.extend(
            fields
                .iter()
                .map(|f| csv_cell(f, r.data.get(&f.name), labels)),
        );
        main.write_record(&cells)?;
        for (gname, w) in group_out.iter_mut() {
            let Some(g) = form.group(gname) else { continue };
            for row in r.data.rows(gname) {
                let mut cells = lead_cells.clone();
                cells.extend(g.fields.iter().map(|f| {
                    row.values
                        .get(&f.name)
                        .map(|v| csv_cell(f, v, labels))
                        .unwrap_or_default()
                }));
                w.write_record(&cells)?;
            }
        }
    }
    let with_bom = |w: csv::Writer<Vec<u8>>| -> anyhow::Result<Vec<u8>> {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?);
        Ok(bytes)
    };
    let main_bytes = with_bom(main)?;
    match out {
        None => {
            std::io::stdout().lock().write_all(&main_bytes)?;
            if revisions.iter().any(|r| !r.data.groups.is_empty()) {
                eprintln!("{}", i18n::groups_need_out(lang));
            }
        }
        Some(path) => {
            let mut written: Vec<PathBuf> = Vec::new();
            for (gname, w) in group_out {
                let p = group_path(path, &gname);
                super::report::write_atomic(&p, &with_bom(w)?, lang)?;
                written.push(p);
            }
            super::report::write_atomic(path, &main_bytes, lang)?;
            let groups: String = written
                .iter()
                .map(|p| i18n::group_rows_to(lang, &shown(p)))
                .collect();
            let villages = i18n::villages(lang, revisions.len());
            eprintln!(
                "{}",
                i18n::wrote_villages(lang, &villages, &shown(path), &groups)
            );
        }
    }
    Ok(())
}

/// `villages.csv` → `villages.farms.csv`.
pub fn group_path(main: &Path, group: &str) -> PathBuf {
    let stem = main
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "records".into());
    main.with_file_name(format!("{stem}.{group}.csv"))
}

/// Villages in scope under a unit (all when None), with their names.
fn scope_rows(
    store: &Store,
    under: Option<&crate::store::DivisionRow>,
) -> anyhow::Result<Vec<VillageRow>> {
    let mut names = Names::new(store);
    let mut rows = Vec::new();
    for d in store.divisions_under(under, Some(Level::Village), true)? {
        let (_, t_code, t_name) = names.village(&d.code)?;
        rows.push(VillageRow {
            code: d.code,
            name: d.name,
            township_code: t_code,
            township_name: t_name,
            data: None,
        });
    }
    Ok(rows)
}

fn write_workbook(
    env: &Env,
    round: &str,
    rows: &[VillageRow],
    out: &Path,
    lang: Lang,
    // How many villages' records are in it; None for the blank template.
    filled: Option<usize>,
) -> anyhow::Result<()> {
    let form = env.forms.village_form();
    let bytes = workbook::records_workbook(form, round, rows)
        .map_err(|e| anyhow::anyhow!("{}: {e}", shown(out)))?;
    super::report::write_atomic(out, &bytes, lang)?;
    let villages = i18n::villages(lang, rows.len());
    let said = match filled {
        Some(filled) => i18n::wrote_workbook(lang, &shown(out), &villages, filled),
        None => i18n::wrote_template(lang, &shown(out), &villages),
    };
    eprintln!("{said}");
    Ok(())
}

pub fn template(env: &Env, under: &str, round: &str, out: &Path) -> anyhow::Result<()> {
    let store = env.open_store()?;
    let lang = env.lang();
    let unit = division_arg(&store, under, env.lang())?;
    let rows = scope_rows(&store, Some(&unit))?;
    if rows.is_empty() {
        let name = sanitize_for_terminal(&unit.name);
        bail!(i18n::no_villages_in_scope(lang, &unit.code, &name));
    }
    write_workbook(env, round, &rows, out, lang, None)
}

pub fn export_xlsx(env: &Env, round: &str, under: Option<&str>, out: &Path) -> anyhow::Result<()> {
    let store = env.open_store()?;
    let lang = env.lang();
    let unit = under
        .map(|c| division_arg(&store, c, env.lang()))
        .transpose()?;
    let prefix = unit
        .as_ref()
        .map(|u| u.prefix().to_string())
        .unwrap_or_default();
    let form_id = env.forms.village_form().id.clone();
    let mut records: HashMap<String, RecordData> = store
        .current_revisions(&form_id, round, &prefix)?
        .into_iter()
        .map(|r| (r.village_code, r.data))
        .collect();
    let filled = records.len();
    let mut rows = scope_rows(&store, unit.as_ref())?;
    for r in rows.iter_mut() {
        r.data = records.remove(&r.code);
    }
    // Records of villages outside the scope still go out (an import will say why it
    // refuses them).
    let mut names = Names::new(&store);
    for (code, data) in records {
        let (name, t_code, t_name) = names.village(&code)?;
        rows.push(VillageRow {
            code,
            name,
            township_code: t_code,
            township_name: t_name,
            data: Some(data),
        });
    }
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    write_workbook(env, round, &rows, out, lang, Some(filled))
}

fn value_json(v: &Value) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

fn data_json(form: &Form, data: &RecordData) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for f in top_fields(form) {
        map.insert(f.name.clone(), value_json(data.get(&f.name)));
    }
    for (k, v) in &data.values {
        map.entry(k.clone()).or_insert_with(|| value_json(v));
    }
    for g in &form.groups {
        let rows: Vec<serde_json::Value> = data
            .rows(&g.name)
            .iter()
            .map(|r| {
                let mut m = serde_json::Map::new();
                for f in &g.fields {
                    m.insert(
                        f.name.clone(),
                        r.values
                            .get(&f.name)
                            .map(value_json)
                            .unwrap_or(serde_json::Value::Null),
                    );
                }
                serde_json::Value::Object(m)
            })
            .collect();
        map.insert(g.name.clone(), serde_json::Value::Array(rows));
    }
    serde_json::Value::Object(map)
}

pub fn show(env: &Env, village: &str, round: &str, format: ListFormat) -> anyhow::Result<()> {
    let mut store = env.open_store()?;
    let lang = env.lang();
    let d = division_arg(&store, village, env.lang())?;
    let form_id = env.forms.village_form().id.clone();
    let mut records = Vec::new();
    for r in store.records_of(&form_id, village, round)? {
        let (version, mut data, is_draft) = if r.has_draft {
            let v = r
                .draft_form_version
                .unwrap_or(env.forms.village_form().version);
            (v, store.draft_data(&r.record_id)?, true)
        } else if let Some(rev) = store.current_revision(&r.record_id)? {
            (rev.form_version, rev.data, false)
        } else {
            continue;
        };
        let form = store.form_version(&form_id, version)?;
        if is_draft {
            form.compute(&mut data);
        }
        records.push((r, form, data, is_draft));
    }
    match format {
        ListFormat::Json => {
            let list = records
                .iter()
                .map(
                    |(r, form, data, is_draft)| -> anyhow::Result<serde_json::Value> {
                        Ok(serde_json::json!({
                            "record_id": r.record_id,
                            "form_id": r.form_id,
                            "form_version": form.version,
                            "status": r.status.as_str(),
                            "draft": is_draft,
                            "counts": r.counts,
                            "revision": r.latest.as_ref().map(|l| l.0),
                            "hash": r.latest.as_ref().map(|l| l.1.clone()),
                            "finalized_at": r.latest.as_ref().map(|l| l.3.clone()),
                            "finalized_by": r.latest.as_ref().map(|l| l.4.clone()),
                            "return_comment": r.return_comment,
                            "history": super::review::history_json(&store, &r.record_id)?,
                            "values": data_json(form, data),
                        }))
                    },
                )
                .collect::<anyhow::Result<Vec<_>>>()?;
            let doc = serde_json::json!({
                "village_code": d.code,
                "name": d.name,
                "round": round,
                "records": list,
            });
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
        ListFormat::Table => {
            let round = sanitize_for_terminal(round);
            let mut out = std::io::stdout().lock();
            if records.is_empty() {
                let name = sanitize_for_terminal(&d.name);
                writeln!(out, "{}", i18n::no_records(lang, &d.code, &name, &round))?;
            }
            for (r, form, data, _) in &records {
                let latest = r
                    .latest
                    .as_ref()
                    .map(|l| {
                        let by = sanitize_for_terminal(&l.4);
                        i18n::record_latest(lang, l.0, &by, &sanitize_for_terminal(&l.3))
                    })
                    .unwrap_or_default();
                let name = sanitize_for_terminal(&d.name);
                let id = sanitize_for_terminal(&r.record_id);
                let heading = i18n::record_heading(
                    lang,
                    &d.code,
                    &name,
                    &round,
                    &id,
                    i18n::record_status(lang, r.status),
                    &latest,
                );
                writeln!(out, "{heading}")?;
                if let Some(c) = &r.return_comment {
                    let c = sanitize_for_terminal(c);
                    writeln!(out, "{}", i18n::record_returned(lang, &c))?;
                }
                for line in super::review::history_lines(&store, &r.record_id, lang)? {
                    writeln!(out, "  {line}")?;
                }
                for f in top_fields(form) {
                    let v = data.get(&f.name);
                    let shown = match (f.choice_label(&v.to_plain(), lang), v) {
                        (Some(l), _) => l.to_string(),
                        (None, Value::Bool(b)) => i18n::yes_no(lang, *b).to_string(),
                        _ => v.to_plain(),
                    };
                    writeln!(
                        out,
                        "  {:<30} {}  {}",
                        f.name,
                        sanitize_for_terminal(&shown),
                        f.label.get(lang)
                    )?;
                }
                for g in &form.groups {
                    for (i, row) in data.rows(&g.name).iter().enumerate() {
                        let cells: Vec<String> = g
                            .fields
                            .iter()
                            .map(|f| {
                                format!(
                                    "{}={}",
                                    f.name,
                                    sanitize_for_terminal(
                                        &row.values
                                            .get(&f.name)
                                            .map(Value::to_plain)
                                            .unwrap_or_default()
                                    )
                                )
                            })
                            .collect();
                        writeln!(out, "  {}[{}] {}", g.name, i + 1, cells.join(" "))?;
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_after_the_last_number_is_an_error_not_a_wrap() {
        assert_eq!(next_rev(1), Some(2));
        assert_eq!(next_rev(u32::MAX), None);
    }

    #[test]
    fn csv_cells_guard_formulas_and_label_choices() {
        let set = crate::forms::FormSet::builtin();
        let form = set.village_form();
        let f = |n: &str| form.field(n).unwrap();
        let text = |s: &str| Value::Text(s.into());
        assert_eq!(
            csv_cell(f("notes"), &text("=1+1"), CsvLabels::Names),
            "'=1+1"
        );
        assert_eq!(csv_cell(f("notes"), &text("-5"), CsvLabels::Zh), "'-5");
        assert_eq!(
            csv_cell(f("sewage_mode"), &text("central"), CsvLabels::Names),
            "central"
        );
        assert_eq!(
            csv_cell(f("sewage_mode"), &text("central"), CsvLabels::Zh),
            "村集中处理设施"
        );
        assert_eq!(
            csv_cell(f("garbage_funding"), &Value::Bool(true), CsvLabels::Zh),
            "是"
        );
        assert_eq!(
            csv_cell(f("households"), &Value::Int(-3), CsvLabels::Zh),
            "-3"
        );
    }
}
