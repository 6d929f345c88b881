//! `records import-csv | export-csv | show`: legacy spreadsheets in and out, and a
//! village's records as text or JSON. CSV import validates every row exactly as the form
//! does in the TUI and is all or nothing.

use super::{Env, division_arg};
use crate::cli::ListFormat;
use crate::forms::record::{RecordData, Row, parse_input};
use crate::forms::value::{Value, sanitize_for_terminal};
use crate::forms::{Form, Lang};
use crate::register::Level;
use crate::store::{Change, InsertOutcome, Revision, Store, now};
use anyhow::{Context as _, bail};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Read a CSV file as text: UTF-8 (BOM accepted) or, failing that, GB18030 as saved by
/// Excel on Chinese Windows.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            if had_errors {
                bail!(
                    "{}: the file is neither UTF-8 nor GB18030 text; save it from Excel as \"CSV UTF-8\"",
                    path.display()
                );
            }
            Ok(text.into_owned())
        }
    }
}

struct Table {
    file: String,
    headers: Vec<String>,
    /// (line number, cells)
    rows: Vec<(usize, Vec<String>)>,
}

fn read_table(path: &Path) -> anyhow::Result<Table> {
    let text = read_text(path)?;
    let file = path.display().to_string();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .with_context(|| format!("{file}: cannot read the header row"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.first().map(String::as_str) != Some("village_code") {
        bail!("{file}:1: the first column must be village_code");
    }
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{file}: malformed CSV"))?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rec.len() != headers.len() {
            bail!(
                "{file}:{line}: the row has {} cells but the header has {}",
                rec.len(),
                headers.len()
            );
        }
        rows.push((line, rec.iter().map(|c| c.to_string()).collect()));
    }
    Ok(Table {
        file,
        headers,
        rows,
    })
}

/// A parsed village row: (line, values, calculated columns given in the file).
type ParsedRow = (String, RecordData, Vec<(String, Value)>);

/// A problem in one row: `line: village: field: reason`.
struct RowError {
    line: String,
    village: String,
    field: String,
    reason: String,
}

pub fn import_csv(env: &Env, file: &Path, round: &str, groups: &[String]) -> anyhow::Result<()> {
    check_round(round)?;
    let mut store = env.open_store()?;
    let lang = crate::context::resolve_lang(&store, env.lang_flag)?;
    let who = env.who(&store)?;
    let form = env.forms.village_form().clone();
    let main = read_table(file)?;
    let mut errors: Vec<RowError> = Vec::new();

    // Columns: fields of the form; calculated ones are checked, not taken.
    for (i, h) in main.headers.iter().enumerate().skip(1) {
        if form.field(h).is_none() {
            errors.push(RowError {
                line: "1".into(),
                village: "-".into(),
                field: h.clone(),
                reason: format!("column {} is not a field of form '{}'", i + 1, form.id),
            });
        }
    }
    // village → (line, values, calculated columns given in the file)
    let mut records: BTreeMap<String, ParsedRow> = BTreeMap::new();
    for (line, cells) in &main.rows {
        let village = cells[0].trim().to_string();
        let line_s = line.to_string();
        if let Err(reason) = check_village(&store, &village) {
            errors.push(RowError {
                line: line_s,
                village,
                field: "village_code".into(),
                reason,
            });
            continue;
        }
        if records.contains_key(&village) {
            errors.push(RowError {
                line: line_s,
                village,
                field: "village_code".into(),
                reason: "this village appears twice in the file".into(),
            });
            continue;
        }
        let mut data = RecordData::default();
        let mut given_calcs = Vec::new();
        for (h, cell) in main.headers.iter().zip(cells).skip(1) {
            let Some(f) = form.field(h) else { continue };
            match parse_input(f, cell) {
                Ok(v) if f.is_calculated() => {
                    if !v.is_null() {
                        given_calcs.push((h.clone(), v));
                    }
                }
                Ok(v) => data.set(h, v),
                Err(m) => errors.push(RowError {
                    line: line_s.clone(),
                    village: village.clone(),
                    field: h.clone(),
                    reason: m.get(lang).to_string(),
                }),
            }
        }
        records.insert(village, (line_s, data, given_calcs));
    }

    // Repeat groups from their own files.
    let mut group_lines: HashMap<(String, String, usize), String> = HashMap::new();
    for spec in groups {
        let Some((name, path)) = spec.split_once('=') else {
            bail!("--group {spec}: write it as NAME=FILE, e.g. farms=farms.csv");
        };
        let Some(group) = form.group(name) else {
            let names: Vec<&str> = form.groups.iter().map(|g| g.name.as_str()).collect();
            bail!(
                "--group {name}: the form has no repeat group '{name}' (it has: {})",
                names.join(", ")
            );
        };
        let table = read_table(Path::new(path))?;
        let fname = Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| path.to_string());
        for h in table.headers.iter().skip(1) {
            if group.fields.iter().all(|f| &f.name != h) {
                errors.push(RowError {
                    line: format!("{fname}:1"),
                    village: "-".into(),
                    field: format!("{name}.{h}"),
                    reason: format!("not a field of the repeat group '{name}'"),
                });
            }
        }
        for (line, cells) in &table.rows {
            let village = cells[0].trim().to_string();
            let line_s = format!("{fname}:{line}");
            let Some((_, data, _)) = records.get_mut(&village) else {
                errors.push(RowError {
                    line: line_s,
                    village,
                    field: "village_code".into(),
                    reason: format!("no row for this village in {}", main.file),
                });
                continue;
            };
            let rows = data.groups.entry(name.to_string()).or_default();
            let mut row = Row {
                id: format!("{:04}", rows.len() + 1),
                values: BTreeMap::new(),
            };
            for (h, cell) in table.headers.iter().zip(cells).skip(1) {
                let Some(f) = group.fields.iter().find(|f| &f.name == h) else {
                    continue;
                };
                match parse_input(f, cell) {
                    Ok(v) if f.is_calculated() || v.is_null() => {}
                    Ok(v) => {
                        row.values.insert(h.clone(), v);
                    }
                    Err(m) => errors.push(RowError {
                        line: line_s.clone(),
                        village: village.clone(),
                        field: format!("{name}.{h}"),
                        reason: m.get(lang).to_string(),
                    }),
                }
            }
            group_lines.insert((village.clone(), name.to_string(), rows.len()), line_s);
            rows.push(row);
        }
    }

    // Validate exactly as finalize does.
    let mut finals: Vec<(String, RecordData)> = Vec::new();
    for (village, (line, data, given)) in &records {
        let fin = form.finalized_data(data);
        for (h, v) in given {
            let computed = fin.get(h);
            if !same_value(computed, v) {
                errors.push(RowError {
                    line: line.clone(),
                    village: village.clone(),
                    field: h.clone(),
                    reason: match lang {
                        Lang::Zh => format!("计算字段的值 {v} 与计算结果 {computed} 不一致"),
                        Lang::En => {
                            format!("the column says {v} but the form calculates {computed}")
                        }
                    },
                });
            }
        }
        for issue in form.validate(&fin) {
            let (line, field) = match &issue.path.group {
                Some((g, i)) => (
                    group_lines
                        .get(&(village.clone(), g.clone(), *i))
                        .cloned()
                        .unwrap_or_else(|| line.clone()),
                    format!("{g}.{}", issue.path.field),
                ),
                None => (line.clone(), issue.path.field.clone()),
            };
            errors.push(RowError {
                line,
                village: village.clone(),
                field,
                reason: issue.message.get(lang).to_string(),
            });
        }
        finals.push((village.clone(), fin));
    }
    if !errors.is_empty() {
        let mut msg = format!(
            "{}: {} problem(s); nothing was imported. Fix them and run the import again:",
            main.file,
            errors.len()
        );
        for e in &errors {
            msg.push_str(&format!(
                "\n{}: {}: {}: {}",
                e.line,
                sanitize_for_terminal(&e.village),
                sanitize_for_terminal(&e.field),
                e.reason
            ));
        }
        bail!(msg);
    }

    let (mut new, mut updated, mut unchanged) = (0, 0, 0);
    store.transaction(|s| {
        for (village, data) in &finals {
            match merge_csv_record(s, &form, village, round, data, &who)? {
                InsertOutcome::New => new += 1,
                InsertOutcome::Unchanged => unchanged += 1,
                _ => updated += 1,
            }
        }
        Ok(())
    })?;
    println!(
        "{}: {} villages for round {round}: {new} new, {updated} updated, {unchanged} unchanged",
        main.file,
        finals.len()
    );
    Ok(())
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

pub(super) fn check_round(round: &str) -> anyhow::Result<()> {
    if round.is_empty()
        || round.len() > 32
        || !round
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        bail!(
            "--round '{}': use letters, digits, '-' or '_', e.g. 2020",
            sanitize_for_terminal(round)
        );
    }
    Ok(())
}

fn check_village(store: &Store, code: &str) -> Result<(), String> {
    if !crate::register::is_code(code) {
        return Err(format!("'{code}' is not a 12-digit village code"));
    }
    match store.division(code) {
        Ok(Some(d)) if d.level == Level::Village => Ok(()),
        Ok(Some(d)) => Err(format!(
            "{} is a {}, not a village",
            d.name,
            d.level.as_str()
        )),
        Ok(None) => Err("not in the register".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Store one imported village: a new record, a new revision of the counted record when
/// the values differ, or nothing when they are the same.
fn merge_csv_record(
    store: &mut Store,
    form: &Form,
    village: &str,
    round: &str,
    data: &RecordData,
    who: &str,
) -> crate::store::Result<InsertOutcome> {
    let existing = store
        .records_of(&form.id, village, round)?
        .into_iter()
        .find(|r| r.counts);
    let base = match &existing {
        Some(r) => store.current_revision(&r.record_id)?,
        None => None,
    };
    if let Some(b) = &base
        && strip_row_ids(&b.data) == strip_row_ids(data)
    {
        return Ok(InsertOutcome::Unchanged);
    }
    let (record_id, rev, parent, changes) = match &base {
        Some(b) => (
            b.record_id.clone(),
            b.rev + 1,
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
    store.merge_revision(&revision, form)
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

fn top_fields(form: &Form) -> Vec<&crate::forms::Field> {
    form.sections
        .iter()
        .flat_map(|s| s.items.iter())
        .filter_map(|i| match i {
            crate::forms::schema::SectionItem::Field(n) => form.field(n),
            _ => None,
        })
        .collect()
}

pub fn export_csv(
    env: &Env,
    round: &str,
    under: Option<&str>,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    check_round(round)?;
    let mut store = env.open_store()?;
    let prefix = match under {
        Some(c) => division_arg(&store, c)?.prefix().to_string(),
        None => String::new(),
    };
    let form_id = env.forms.village_form().id.clone();
    let revisions = store.current_revisions(&form_id, round, &prefix)?;
    // Columns come from the form in force; every form version's fields are a superset here.
    let form = env.forms.village_form().clone();
    let fields = top_fields(&form);
    let mut main = csv::Writer::from_writer(Vec::new());
    main.write_record(
        std::iter::once("village_code").chain(fields.iter().map(|f| f.name.as_str())),
    )?;
    let mut group_out: Vec<(String, csv::Writer<Vec<u8>>)> = Vec::new();
    for g in &form.groups {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(
            std::iter::once("village_code").chain(g.fields.iter().map(|f| f.name.as_str())),
        )?;
        group_out.push((g.name.clone(), w));
    }
    for r in &revisions {
        let _ = store.form_version(&r.form_id, r.form_version)?;
        let mut cells = vec![r.village_code.clone()];
        cells.extend(fields.iter().map(|f| r.data.get(&f.name).to_plain()));
        main.write_record(&cells)?;
        for (gname, w) in group_out.iter_mut() {
            let Some(g) = form.group(gname) else { continue };
            for row in r.data.rows(gname) {
                let mut cells = vec![r.village_code.clone()];
                cells.extend(g.fields.iter().map(|f| {
                    row.values
                        .get(&f.name)
                        .map(Value::to_plain)
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
                eprintln!(
                    "note: repeat-group rows (farms) are written only with --out FILE, beside it"
                );
            }
        }
        Some(path) => {
            let mut written: Vec<PathBuf> = Vec::new();
            for (gname, w) in group_out {
                let p = group_path(path, &gname);
                super::report::write_atomic(&p, &with_bom(w)?)?;
                written.push(p);
            }
            super::report::write_atomic(path, &main_bytes)?;
            eprintln!(
                "wrote {} villages to {}{}",
                revisions.len(),
                path.display(),
                written
                    .iter()
                    .map(|p| format!(", rows of groups to {}", p.display()))
                    .collect::<String>()
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
    let lang = crate::context::resolve_lang(&store, env.lang_flag)?;
    let d = division_arg(&store, village)?;
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
            let mut out = std::io::stdout().lock();
            if records.is_empty() {
                writeln!(
                    out,
                    "{} {}: no records for round {round}",
                    d.code,
                    sanitize_for_terminal(&d.name)
                )?;
            }
            for (r, form, data, _) in &records {
                writeln!(
                    out,
                    "{} {}  round {round}  record {}  {}{}",
                    d.code,
                    sanitize_for_terminal(&d.name),
                    r.record_id,
                    r.status.as_str(),
                    r.latest
                        .as_ref()
                        .map(|l| format!(
                            "  rev {} by {} at {}",
                            l.0,
                            sanitize_for_terminal(&l.4),
                            l.3
                        ))
                        .unwrap_or_default()
                )?;
                if let Some(c) = &r.return_comment {
                    writeln!(out, "  returned: {}", sanitize_for_terminal(c))?;
                }
                for line in super::review::history_lines(&store, &r.record_id, lang)? {
                    writeln!(out, "  {line}")?;
                }
                for f in top_fields(form) {
                    let v = data.get(&f.name);
                    let shown = match (f.choice_label(&v.to_plain(), lang), v) {
                        (Some(l), _) => l.to_string(),
                        (None, Value::Bool(b)) => match lang {
                            Lang::Zh => if *b { "是" } else { "否" }.to_string(),
                            Lang::En => v.to_plain(),
                        },
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
