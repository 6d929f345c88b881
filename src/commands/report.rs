//! `report`: the roll-up in four formats.

use super::{Env, division_arg};
use crate::cli::{LevelArg, ReportFormat};
use crate::i18n;
use crate::report::rollup::{Depth, rollup};
use crate::report::writers;
use anyhow::{Context as _, bail};
use std::io::Write;
use std::path::Path;

pub fn report(
    env: &Env,
    round: &str,
    under: Option<&str>,
    format: ReportFormat,
    out: Option<&Path>,
    level: Option<LevelArg>,
) -> anyhow::Result<()> {
    let store = env.open_store()?;
    let lang = env.lang();
    // Without --under: the register's top unit (the city for a county's register), or the
    // whole country as one unit for a register with several roots (the national one).
    let top = match under {
        Some(c) => Some(division_arg(&store, c, env.lang())?),
        None => crate::report::rollup::default_top(&store)?,
    };
    let Some(top) = top else {
        bail!(i18n::register_empty(lang));
    };
    let depth = match level {
        Some(LevelArg::Village) => Depth::Villages,
        _ => Depth::Townships,
    };
    let mut report = rollup(&store, &env.forms, round, &top, depth)?;
    if let Some(l) = level {
        let l = l.level();
        report.units.retain(|u| u.code == top.code || u.level <= l);
    }
    match format {
        ReportFormat::Xlsx => {
            let Some(path) = out else {
                bail!(i18n::xlsx_needs_out(lang));
            };
            writers::write_xlsx(&report, lang, path)
                .with_context(|| i18n::cannot_write_workbook(lang, &crate::termsafe::path(path)))?;
            wrote(path, lang);
            Ok(())
        }
        _ => {
            let mut buf: Vec<u8> = Vec::new();
            match format {
                ReportFormat::Json => {
                    writers::write_json(&report, &mut buf)?;
                    buf.push(b'\n');
                }
                ReportFormat::Csv => writers::write_csv(&report, lang, &mut buf)?,
                _ => writers::write_table(&report, lang, &mut buf)?,
            }
            match out {
                Some(path) => {
                    write_atomic(path, &buf, lang)?;
                    wrote(path, lang);
                }
                None => std::io::stdout().lock().write_all(&buf)?,
            }
            Ok(())
        }
    }
}

/// Says on stderr which file was written (stdout stays free for the report itself).
fn wrote(path: &Path, lang: crate::forms::Lang) {
    eprintln!("{}", i18n::wrote(lang, &crate::termsafe::path(path)));
}

/// Write a file via a temporary sibling and a rename, so a failure leaves no half file
/// (and a file another program holds open is reported as such): [`crate::output`].
pub fn write_atomic(path: &Path, bytes: &[u8], lang: crate::forms::Lang) -> anyhow::Result<()> {
    Ok(crate::output::replace_file(path, bytes, lang)?)
}
