//! `export`, `import` and `conflicts`: the command-line side of bundles. The work is in
//! `bundle::exchange`; this prints what happened.

use super::{Env, division_arg};
use crate::bundle::exchange::{
    ExportRequest, ImportSummary, export_bundle, import_bundles_each, is_valid_round,
};
use crate::bundle::keys::InstallationKey;
use crate::cli::ListFormat;
use crate::forms::value::sanitize_for_terminal;
use crate::termsafe;
use anyhow::bail;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn export(env: &Env, under: &str, round: &str, out: &Path) -> anyhow::Result<()> {
    if !is_valid_round(round) {
        bail!(
            "--round '{}': use letters, digits, '-' or '_', e.g. 2020",
            sanitize_for_terminal(round)
        );
    }
    let store = env.open_store()?;
    let unit = division_arg(&store, under)?;
    let who = env.who(&store)?;
    let key = InstallationKey::load_or_create(&env.data_dir)?;
    let request = ExportRequest {
        under: &unit.code,
        round,
        exporter_name: &who,
        out,
    };
    let summary = export_bundle(&store, &key, &request, &mut |_| {})?;
    println!(
        "{}: {} revision(s) of {} village(s), {} review(s), {} resolution(s), form(s) {}; \
         {} bytes, verified",
        termsafe::path(&summary.path),
        summary.revisions,
        summary.villages,
        summary.reviews,
        summary.resolutions,
        termsafe::escape(&summary.forms.join(", ")),
        summary.file_bytes,
    );
    println!(
        "signed by this installation's key {} (the receiver checks it with `ruralenv trust add`)",
        summary.fingerprint
    );
    if summary.drafts_left_out > 0 {
        eprintln!(
            "note: {} draft(s) under {} {} are not finalized and were not exported",
            summary.drafts_left_out,
            termsafe::escape(&summary.under),
            sanitize_for_terminal(&summary.under_name)
        );
    }
    Ok(())
}

/// Imports each file on its own (one bundle is all or nothing), reports each, and fails
/// at the end if any file was refused.
pub fn import(env: &Env, files: &[PathBuf]) -> anyhow::Result<()> {
    let mut store = env.open_store()?;
    let mut refused = 0usize;
    let mut conflicts = false;
    import_bundles_each(
        &mut store,
        files,
        &mut |_, _| {},
        &mut |result| match result {
            Ok(summary) => {
                conflicts |= summary.forks > 0 || summary.duplicates > 0;
                println!("{}", describe(&summary));
            }
            Err(e) => {
                refused += 1;
                eprintln!("ruralenv: {}", sanitize_keep_lines(&e.to_string()));
            }
        },
    );
    if conflicts {
        println!("forks and duplicates await a decision: see `ruralenv conflicts`");
    }
    match refused {
        0 => Ok(()),
        n if n == files.len() && n == 1 => bail!("the bundle was refused"),
        n if n == files.len() => bail!("all {n} files were refused"),
        n => bail!(
            "{n} of {} files were refused; the others were imported",
            files.len()
        ),
    }
}

fn sanitize_keep_lines(s: &str) -> String {
    crate::forms::value::sanitize_for_terminal_keep_newlines(s)
}

/// One line per imported file.
pub fn describe(s: &ImportSummary) -> String {
    let from = format!(
        "from \"{}\" (key {}, trusted for {})",
        sanitize_for_terminal(&s.trusted_name),
        s.fingerprint,
        termsafe::escape(&s.trusted_scope)
    );
    if s.already_imported {
        return format!(
            "{}: already imported (bundle {}) {from}; nothing changed",
            termsafe::path(&s.path),
            termsafe::escape(&s.bundle_id)
        );
    }
    let mut line = format!(
        "{}: round {} {from}: {} new, {} updated, {} unchanged revision(s) of {} village(s); \
         {} fork(s), {} duplicate(s); {} new review(s), {} new resolution(s)",
        termsafe::path(&s.path),
        sanitize_for_terminal(&s.round),
        s.revisions_new,
        s.revisions_updated,
        s.revisions_unchanged,
        s.villages,
        s.forks,
        s.duplicates,
        s.reviews_new,
        s.resolutions_new,
    );
    if s.forms_new > 0 {
        line.push_str(&format!("; {} new form version(s)", s.forms_new));
    }
    line
}

pub fn conflicts(env: &Env, round: Option<&str>, format: ListFormat) -> anyhow::Result<()> {
    let store = env.open_store()?;
    let list = store.conflict_details(round)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        ListFormat::Json => {
            let mut items = Vec::with_capacity(list.len());
            for c in &list {
                let name = store.division(&c.village_code)?.map(|d| d.name);
                let mut v = serde_json::to_value(c)?;
                v["village_name"] = serde_json::json!(name);
                items.push(v);
            }
            serde_json::to_writer_pretty(&mut out, &serde_json::json!({ "conflicts": items }))?;
            writeln!(out)?;
        }
        ListFormat::Table => {
            if list.is_empty() {
                writeln!(out, "no forks or duplicates await a decision")?;
            }
            for c in &list {
                let name = store
                    .division(&c.village_code)?
                    .map(|d| d.name)
                    .unwrap_or_default();
                let what = match (c.duplicate, c.fork) {
                    (true, true) => "duplicate records, forked",
                    (true, false) => "duplicate records",
                    _ => "forked revision",
                };
                writeln!(
                    out,
                    "{} {}  round {}  form {}: {what}",
                    termsafe::escape(&c.village_code),
                    sanitize_for_terminal(&name),
                    sanitize_for_terminal(&c.round),
                    sanitize_for_terminal(&c.form_id),
                )?;
                for k in &c.candidates {
                    writeln!(
                        out,
                        "  {} record {} rev {} hash {} finalized {} by {}",
                        if k.counted { "*" } else { " " },
                        sanitize_for_terminal(&k.record_id),
                        k.rev,
                        termsafe::escape(k.hash.get(..12).unwrap_or(&k.hash)),
                        sanitize_for_terminal(&k.finalized_at),
                        sanitize_for_terminal(&k.finalized_by),
                    )?;
                }
            }
            if !list.is_empty() {
                writeln!(
                    out,
                    "* = counted for now (the latest finalized; a person decides in the TUI's \
                     conflicts screen)"
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
