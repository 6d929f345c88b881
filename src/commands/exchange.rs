//! `export`, `import` and `conflicts`: the command-line side of bundles. The work is in
//! `bundle::exchange`; this prints what happened.

use super::{Env, division_arg};
use crate::bundle::exchange::{
    ExportError, ExportRequest, ImportError, ImportSummary, export_bundle, import_bundles_each,
    is_valid_round,
};
use crate::bundle::keys::InstallationKey;
use crate::cli::ListFormat;
use crate::forms::Lang;
use crate::forms::value::sanitize_for_terminal;
use crate::i18n;
use crate::termsafe;
use anyhow::bail;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn export(env: &Env, under: &str, round: &str, out: &Path) -> anyhow::Result<()> {
    if !is_valid_round(round) {
        let round = sanitize_for_terminal(round);
        bail!(i18n::round_characters(env.lang(), &round));
    }
    let store = env.open_store()?;
    let lang = env.lang();
    let unit = division_arg(&store, under, env.lang())?;
    let who = env.who(&store)?;
    let key = InstallationKey::load_or_create(&env.data_dir)?;
    let request = ExportRequest {
        under: &unit.code,
        round,
        exporter_name: &who,
        out,
    };
    let summary =
        export_bundle(&store, &key, &request, &mut |_| {}).map_err(|e| export_error(e, lang))?;
    let path = termsafe::path(&summary.path);
    let forms = summary.forms.join(", ");
    let forms = termsafe::escape(&forms);
    let fp = &summary.fingerprint;
    let (revisions, villages, reviews, resolutions, bytes) = (
        summary.revisions,
        summary.villages,
        summary.reviews,
        summary.resolutions,
        summary.file_bytes,
    );
    println!(
        "{}",
        i18n::exported(
            lang,
            &path,
            villages,
            revisions,
            reviews,
            resolutions,
            &forms,
            bytes
        )
    );
    println!("{}", i18n::signed_by(lang, fp));
    if summary.drafts_left_out > 0 {
        let n = summary.drafts_left_out;
        let under = termsafe::escape(&summary.under);
        let name = sanitize_for_terminal(&summary.under_name);
        eprintln!("{}", i18n::drafts_left_out(lang, n, &under, &name));
    }
    Ok(())
}

/// An export refused, in the run's language (the file's name first where there is one).
fn export_error(e: ExportError, lang: Lang) -> anyhow::Error {
    let text = match &e {
        ExportError::Nothing {
            under,
            name,
            round,
            drafts,
        } => {
            let (under, name) = (termsafe::escape(under), sanitize_for_terminal(name));
            let round = sanitize_for_terminal(round);
            match *drafts {
                0 => i18n::nothing_to_export(lang, &under, &name, &round),
                n => i18n::nothing_to_export_drafts(lang, &under, &name, &round, n),
            }
        }
        ExportError::Bundle(b) => {
            i18n::file_problem(lang, &termsafe::path(&b.path), &b.kind.text(lang))
        }
        ExportError::Store(s) => i18n::export_store_error(lang, &i18n::data::store_error(lang, s)),
        _ => return e.into(),
    };
    anyhow::anyhow!(text)
}

/// Imports each file on its own (one bundle is all or nothing), reports each, and fails
/// at the end if any file was refused.
pub fn import(env: &Env, files: &[PathBuf]) -> anyhow::Result<()> {
    let mut store = env.open_store()?;
    let lang = env.lang();
    let mut refused = 0usize;
    let mut conflicts = false;
    import_bundles_each(
        &mut store,
        files,
        &mut |_, _| {},
        &mut |result| match result {
            Ok(summary) => {
                conflicts |= summary.forks > 0 || summary.duplicates > 0;
                println!("{}", describe(&summary, lang));
            }
            Err(e) => {
                refused += 1;
                eprintln!("ruralenv: {}", refusal(&e, lang));
            }
        },
    );
    if conflicts {
        println!("{}", i18n::conflicts_await(lang));
    }
    let total = files.len();
    match refused {
        0 => Ok(()),
        n if n == total && n == 1 => bail!(i18n::bundle_refused(lang)),
        n if n == total => bail!(i18n::all_files_refused(lang, n)),
        n => bail!(i18n::some_files_refused(lang, n, total)),
    }
}

/// Why a file was refused, for stderr: the file's name first, then the reason in the
/// run's language; for an untrusted key, the command that would trust it on its own line.
fn refusal(e: &ImportError, lang: Lang) -> String {
    e.kind().with_path(lang)
}

/// One line per imported file.
pub fn describe(s: &ImportSummary, lang: Lang) -> String {
    let path = termsafe::path(&s.path);
    let name = sanitize_for_terminal(&s.trusted_name);
    let fp = &s.fingerprint;
    let scope = termsafe::escape(&s.trusted_scope);
    let from = i18n::bundle_from(lang, &name, fp, &scope);
    if s.already_imported {
        let id = termsafe::escape(&s.bundle_id);
        return i18n::already_imported(lang, &path, &id, &from);
    }
    let round = sanitize_for_terminal(&s.round);
    let mut line = i18n::imported(
        lang,
        &path,
        &round,
        &from,
        s.villages,
        s.revisions_new,
        s.revisions_updated,
        s.revisions_unchanged,
        s.forks,
        s.duplicates,
        s.reviews_new,
        s.resolutions_new,
    );
    if s.forms_new > 0 {
        line.push_str(&i18n::new_form_versions(lang, s.forms_new));
    }
    line
}

pub fn conflicts(env: &Env, round: Option<&str>, format: ListFormat) -> anyhow::Result<()> {
    let store = env.open_store()?;
    let lang = env.lang();
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
                writeln!(out, "{}", i18n::no_conflicts(lang))?;
            }
            for c in &list {
                let name = store
                    .division(&c.village_code)?
                    .map(|d| d.name)
                    .unwrap_or_default();
                let what = match (c.duplicate, c.fork) {
                    (true, true) => i18n::conflict_duplicate_forked(lang),
                    (true, false) => i18n::conflict_duplicate(lang),
                    _ => i18n::conflict_fork(lang),
                };
                let code = termsafe::escape(&c.village_code);
                let name = sanitize_for_terminal(&name);
                let round = sanitize_for_terminal(&c.round);
                let form = sanitize_for_terminal(&c.form_id);
                writeln!(
                    out,
                    "{}",
                    i18n::conflict_line(lang, &code, &name, &round, &form, &what)
                )?;
                for k in &c.candidates {
                    let mark = if k.counted { "*" } else { " " };
                    let id = sanitize_for_terminal(&k.record_id);
                    let rev = k.rev;
                    let hash = termsafe::escape(k.hash.get(..12).unwrap_or(&k.hash));
                    let at = sanitize_for_terminal(&k.finalized_at);
                    let by = sanitize_for_terminal(&k.finalized_by);
                    writeln!(
                        out,
                        "{}",
                        i18n::conflict_candidate(lang, mark, &id, rev, &hash, &at, &by)
                    )?;
                }
            }
            if !list.is_empty() {
                let key = i18n::key(
                    crate::tui::keys::Ctx::Home,
                    crate::tui::keys::Action::Conflicts,
                );
                writeln!(out, "{}", i18n::conflicts_legend(lang, key))?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
