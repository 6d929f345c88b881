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
    // Without --under: every top unit of the register (the city for a county's register;
    // each province, in code order, for the national one), each with the units below it.
    let tops = match under {
        Some(c) => vec![division_arg(&store, c, env.lang())?],
        None => store.roots()?,
    };
    let Some((first, rest)) = tops.split_first() else {
        bail!(i18n::register_empty(lang));
    };
    let depth = match level {
        Some(LevelArg::Village) => Depth::Villages,
        _ => Depth::Townships,
    };
    let part = |unit: &crate::store::DivisionRow| -> anyhow::Result<_> {
        let mut part = rollup(&store, &env.forms, round, unit, depth)?;
        if let Some(l) = level {
            let l = l.level();
            part.units.retain(|u| u.code == unit.code || u.level <= l);
        }
        Ok(part)
    };
    let mut report = part(first)?;
    for unit in rest {
        report.units.extend(part(unit)?.units);
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
                    write_atomic(path, &buf)?;
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
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    Ok(crate::output::replace_file(path, bytes)?)
}
