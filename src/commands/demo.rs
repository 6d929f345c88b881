//! `demo`: fill a data dir with realistic synthetic records (see `crate::demo`).

use super::{Env, division_arg};
use crate::forms::value::sanitize_for_terminal;
use crate::i18n;
use crate::register::Register;
use anyhow::{Context as _, bail};
use std::io::Read as _;
use std::path::Path;
use std::time::Instant;

pub fn demo(
    env: &Env,
    under: &str,
    round: &str,
    seed: u64,
    register: Option<&Path>,
) -> anyhow::Result<()> {
    let mut store = env.open_store()?;
    let lang = env.lang();
    if !store.is_demo()? && store.holds_data()? {
        bail!(i18n::demo_into_real_data(lang));
    }
    if let Some(path) = register {
        let started = Instant::now();
        let text = read_register(path, lang)?;
        let reg = Register::parse(&path.display().to_string(), &text)
            .map_err(|e| anyhow::anyhow!("{}", sanitize_for_terminal(&e.message(lang))))?;
        drop(text);
        let n = store.load_register(&reg)?;
        let shown = crate::termsafe::path(path);
        let secs = started.elapsed().as_secs_f64();
        eprintln!("{}", i18n::divisions_loaded(lang, n, &shown, secs));
    }
    let unit = division_arg(&store, under, env.lang())?;
    let form = env.forms.village_form().clone();
    if !store.any_village_in_scope(unit.prefix())? {
        bail!(i18n::no_villages_in_scope_demo(
            lang,
            &unit.code,
            &sanitize_for_terminal(&unit.name)
        ));
    }
    // Marked before the first record goes in, so that no demo record is ever unmarked.
    store.mark_demo()?;
    let started = Instant::now();
    let mut next_note = 0.1;
    let summary =
        crate::demo::generate(&mut store, &form, &unit, round, seed, &mut |done, total| {
            // Progress for long runs only, on stderr, about every tenth.
            if total >= 20_000 && done as f64 >= next_note * total as f64 {
                eprintln!("{}", i18n::demo_progress(lang, done, total));
                next_note += 0.1;
            }
        })?;
    let name = sanitize_for_terminal(&unit.name);
    let s = &summary;
    let secs = started.elapsed().as_secs_f64();
    let other = if s.other > 0 {
        i18n::demo_other(lang, s.other)
    } else {
        String::new()
    };
    let line = i18n::demo_done(
        lang,
        round,
        seed,
        &unit.code,
        &name,
        s.villages_in_scope,
        s.villages_reported,
        s.unreported,
        s.records,
        s.duplicates,
        s.farms,
        s.new,
        s.unchanged,
        &other,
        secs,
    );
    println!("{line}");
    Ok(())
}

/// A register CSV as text: plain (UTF-8 or GB18030) or gzip-compressed (`.gz`).
fn read_register(path: &Path, lang: crate::forms::Lang) -> anyhow::Result<String> {
    let shown = crate::termsafe::path(path);
    if path.extension().is_some_and(|e| e == "gz") {
        let file = std::fs::File::open(path).with_context(|| i18n::cannot_read(lang, &shown))?;
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::io::BufReader::new(file))
            .read_to_string(&mut text)
            .with_context(|| i18n::not_gzip_csv(lang, &shown))?;
        Ok(text)
    } else {
        super::records::read_text(path, lang)
    }
}
