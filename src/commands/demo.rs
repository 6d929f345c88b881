//! `demo`: fill a data dir with realistic synthetic records (see `crate::demo`).

use super::{Env, division_arg};
use crate::forms::value::sanitize_for_terminal;
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
    let lang = crate::context::resolve_lang(&store, env.lang_flag)?;
    if !store.is_demo()? && store.holds_data()? {
        bail!(
            "{}",
            match lang {
                crate::forms::Lang::Zh =>
                    "这个数据目录里有真实调查数据，演示数据不能放进来（什么也没有改）。请用一个空目录：ruralenv --data-dir 演示目录 demo …",
                crate::forms::Lang::En =>
                    "this data directory holds real survey data, so demo data cannot go into it (nothing was changed). Use an empty directory: ruralenv --data-dir DEMO_DIR demo …",
            }
        );
    }
    if let Some(path) = register {
        let started = Instant::now();
        let text = read_register(path)?;
        let reg = Register::parse(&path.display().to_string(), &text)
            .map_err(|e| anyhow::anyhow!("{}", sanitize_for_terminal(&e.to_string())))?;
        drop(text);
        let n = store.load_register(&reg)?;
        eprintln!(
            "{}",
            match env.lang() {
                crate::forms::Lang::Zh => format!(
                    "已从 {} 载入 {n} 个区划（{:.1} 秒）",
                    path.display(),
                    started.elapsed().as_secs_f64()
                ),
                crate::forms::Lang::En => format!(
                    "loaded {n} divisions from {} ({:.1} s)",
                    path.display(),
                    started.elapsed().as_secs_f64()
                ),
            }
        );
    }
    let unit = division_arg(&store, under)?;
    let form = env.forms.village_form().clone();
    if !store.any_village_in_scope(unit.prefix())? {
        bail!(
            "{} {}: no villages in scope under it (see `ruralenv divisions --under {} --level village --in-scope`)",
            unit.code,
            sanitize_for_terminal(&unit.name),
            unit.code
        );
    }
    // Marked before the first record goes in, so that no demo record is ever unmarked.
    store.mark_demo()?;
    let started = Instant::now();
    let mut next_note = 0.1;
    let summary =
        crate::demo::generate(&mut store, &form, &unit, round, seed, &mut |done, total| {
            // Progress for long runs only, on stderr, about every tenth.
            if total >= 20_000 && done as f64 >= next_note * total as f64 {
                match lang {
                    crate::forms::Lang::Zh => eprintln!("… {done} / {total} 个村"),
                    crate::forms::Lang::En => eprintln!("… {done} of {total} villages"),
                }
                next_note += 0.1;
            }
        })?;
    let name = sanitize_for_terminal(&unit.name);
    let s = &summary;
    let secs = started.elapsed().as_secs_f64();
    let line = match lang {
        crate::forms::Lang::Zh => format!(
            "演示数据（不是真实调查）{round} 轮，种子 {seed}，{} {name}：调查范围内 {} 个村，已报 {}，未报 {}；\
             {} 条记录（重复 {}），{} 个养殖场；新增 {}，未变 {}{}（{secs:.1} 秒）",
            unit.code,
            s.villages_in_scope,
            s.villages_reported,
            s.unreported,
            s.records,
            s.duplicates,
            s.farms,
            s.new,
            s.unchanged,
            if s.other > 0 {
                format!("，另有 {} 条（上次生成后改动过的记录）", s.other)
            } else {
                String::new()
            },
        ),
        crate::forms::Lang::En => format!(
            "demo round {round}, seed {seed}, under {} {name}: {} villages in scope, {} reported, {} left unreported; {} records ({} duplicates), {} farms; {} new, {} unchanged{} ({secs:.1} s)",
            unit.code,
            s.villages_in_scope,
            s.villages_reported,
            s.unreported,
            s.records,
            s.duplicates,
            s.farms,
            s.new,
            s.unchanged,
            if s.other > 0 {
                format!(", {} other (records changed since an earlier run)", s.other)
            } else {
                String::new()
            },
        ),
    };
    println!("{line}");
    Ok(())
}

/// A register CSV as text: plain (UTF-8 or GB18030) or gzip-compressed (`.gz`).
fn read_register(path: &Path) -> anyhow::Result<String> {
    if path.extension().is_some_and(|e| e == "gz") {
        let file = std::fs::File::open(path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::io::BufReader::new(file))
            .read_to_string(&mut text)
            .with_context(|| format!("{}: not a gzip-compressed UTF-8 CSV", path.display()))?;
        Ok(text)
    } else {
        super::records::read_text(path)
    }
}
