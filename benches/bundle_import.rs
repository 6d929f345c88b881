//! Import of township bundles at three scales (Xuchang 2,505, Henan 52,378, national
//! 620,573 village-level units), against the floor: the `sqlite3` CLI's bulk `.import` of
//! the same revision rows as CSV into a table with the same schema as `revisions` (primary
//! key and index) and the same pragmas. Peak memory (VmHWM) is measured in a child process
//! per run, for a quarter, half and all of the bundles, to show it stays flat as data grows.
//!
//! Run: `cargo bench --bench bundle_import [-- xuchang|henan|national]…` (without a scale:
//! Xuchang and Henan; the national scale takes most of an hour and about 6 GB of disk).
//! `RURALENV_BENCH_REGISTER=FILE` benchmarks another register instead;
//! `RURALENV_BENCH_RUNS=N` sets how many interleaved full runs and floors (default 3);
//! `RURALENV_BENCH_ONE_BY_ONE=0` skips the run with one commit per bundle.

#[path = "../tests/bundle_support/mod.rs"]
mod support;

use ruralenv::bundle::exchange::{
    ExportError, ExportRequest, export_bundle, import_bundle, import_bundles_each,
};
use ruralenv::bundle::keys::InstallationKey;
use ruralenv::forms::FormSet;
use ruralenv::register::{Level, Register};
use ruralenv::store::{Store, StoreError};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const ROUND: &str = "2020";

fn shared_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
}

/// The scales asked for on the command line, as (label, register file).
fn scales(args: &[String]) -> Vec<(String, PathBuf)> {
    if let Ok(p) = std::env::var("RURALENV_BENCH_REGISTER") {
        return vec![(p.clone(), PathBuf::from(p))];
    }
    let known = |name: &str| -> Option<PathBuf> {
        let file = match name {
            "xuchang" => "xuchang-divisions.csv",
            "henan" => "henan-divisions.csv",
            "national" => "china-divisions.csv.gz",
            _ => return None,
        };
        Some(shared_data().join(file))
    };
    let asked: Vec<(String, PathBuf)> = args
        .iter()
        .filter_map(|a| known(a).map(|p| (a.clone(), p)))
        .collect();
    if asked.is_empty() {
        ["xuchang", "henan"]
            .iter()
            .map(|n| (n.to_string(), known(n).unwrap()))
            .collect()
    } else {
        asked
    }
}

/// A register file, plain or gzipped.
fn register(path: &Path) -> Register {
    let bytes = std::fs::read(path).expect("read the register");
    let text = if path.extension().is_some_and(|e| e == "gz") {
        use std::io::Read as _;
        let mut s = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut s)
            .expect("gunzip the register");
        s
    } else {
        String::from_utf8(bytes).expect("UTF-8 register")
    };
    Register::parse(&path.display().to_string(), &text).expect("parse the register")
}

/// The key that signs the bundles of one top unit (province or city): one installation
/// per top unit, as a national office would trust each province's.
fn key_of(top: &str) -> InstallationKey {
    let mut seed = [7u8; 32];
    seed[..top.len().min(32)].copy_from_slice(&top.as_bytes()[..top.len().min(32)]);
    InstallationKey::from_seed(seed)
}

/// CPU time (user + system) of the waited-for children so far, in seconds: the difference
/// across one wait is that child's own CPU time. (Measured on unix only; NaN elsewhere.)
fn children_cpu() -> f64 {
    cpu_of(true)
}

/// CPU time (user + system) of this process so far, in seconds.
fn own_cpu() -> f64 {
    cpu_of(false)
}

#[cfg(unix)]
fn cpu_of(children: bool) -> f64 {
    let who = if children {
        libc::RUSAGE_CHILDREN
    } else {
        libc::RUSAGE_SELF
    };
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(who, &mut u) };
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
    t(u.ru_utime) + t(u.ru_stime)
}

#[cfg(not(unix))]
fn cpu_of(_children: bool) -> f64 {
    f64::NAN
}

/// Peak resident memory of this process so far, in KiB.
fn vmhwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0), so a run measures only what follows.
fn reset_vmhwm() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn open_with_register(dir: &Path, reg: &Register) -> Store {
    let forms = FormSet::builtin();
    let mut store = Store::open(dir).unwrap();
    store.ensure_form(forms.village_form()).unwrap();
    store.load_register(reg).unwrap();
    store
}

/// Copies the template database (register loaded, keys trusted) into a fresh directory.
fn copy_template(template: &Path, dest: &Path) {
    std::fs::create_dir_all(dest).unwrap();
    for e in std::fs::read_dir(template).unwrap() {
        let e = e.unwrap();
        if e.file_name()
            .to_string_lossy()
            .starts_with(ruralenv::store::DB_FILE)
        {
            std::fs::copy(e.path(), dest.join(e.file_name())).unwrap();
        }
    }
}

fn bundle_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "renv"))
        .collect();
    files.sort();
    files
}

/// `--import-child TEMPLATE BUNDLES DEST N [one-by-one]`: import the first N bundles into
/// a copy of the template database as `ruralenv import FILE…` does (or one commit per
/// bundle), print "bundles revisions seconds peak_kib setup_peak_kib cpu_seconds".
fn child(args: &[String]) {
    let files = bundle_files(Path::new(&args[1]));
    let n: usize = args[3].parse().unwrap();
    let dest = Path::new(&args[2]);
    copy_template(Path::new(&args[0]), dest);
    let mut store = Store::open(dest).unwrap();
    let setup_peak = vmhwm_kib();
    let reset = reset_vmhwm();
    let started = Instant::now();
    let cpu = own_cpu();
    let mut revisions = 0;
    let files: Vec<PathBuf> = files.into_iter().take(n).collect();
    if args.get(4).map(String::as_str) == Some("one-by-one") {
        for f in &files {
            revisions += import_bundle(&mut store, f, &mut |_| {})
                .unwrap()
                .revisions_new;
        }
    } else {
        import_bundles_each(&mut store, &files, &mut |_, _| {}, &mut |s| {
            revisions += s.unwrap().revisions_new;
        });
    }
    let seconds = started.elapsed().as_secs_f64();
    let cpu = own_cpu() - cpu;
    println!(
        "{} {revisions} {seconds:.3} {} {} {cpu:.3}",
        n.min(files.len()),
        if reset { vmhwm_kib() } else { 0 },
        setup_peak
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--import-child") {
        child(&args[2..]);
        return;
    }
    for (label, path) in scales(&args[1..]) {
        if !path.exists() {
            eprintln!(
                "bundle_import: {} not found; set RURALENV_BENCH_REGISTER",
                path.display()
            );
            continue;
        }
        bench(&label, &path);
    }
}

fn bench(label: &str, reg_path: &Path) {
    let runs: usize = std::env::var("RURALENV_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1);
    let one_by_one = std::env::var("RURALENV_BENCH_ONE_BY_ONE").as_deref() != Ok("0");
    // RURALENV_BENCH_DIR keeps the source, bundles and CSV for profiling (e.g.
    // `perf record … bundle_import --import-child DIR/template DIR/bundles DEST N`).
    let kept = std::env::var_os("RURALENV_BENCH_DIR").map(|d| PathBuf::from(d).join(label));
    let temp = tempfile::tempdir().unwrap();
    let work_dir = kept.clone().unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&work_dir).unwrap();
    let started = Instant::now();
    let reg = register(reg_path);
    eprintln!(
        "{label}: register of {} divisions read in {:.1} s",
        reg.len(),
        started.elapsed().as_secs_f64()
    );
    let villages: Vec<String> = reg
        .divisions
        .iter()
        .filter(|d| d.level == Level::Village)
        .map(|d| d.code.clone())
        .collect();
    // Each township with its top unit (parents sort before their children).
    let mut top_of: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for d in &reg.divisions {
        let top = match d.parent.as_deref().and_then(|p| top_of.get(p)) {
            Some(t) => *t,
            None => d.code.as_str(),
        };
        top_of.insert(d.code.as_str(), top);
    }
    let townships: Vec<(String, String)> = reg
        .divisions
        .iter()
        .filter(|d| d.level == Level::Township)
        .map(|d| (d.code.clone(), top_of[d.code.as_str()].to_string()))
        .collect();
    let mut tops: Vec<String> = townships.iter().map(|(_, t)| t.clone()).collect();
    tops.sort();
    tops.dedup();
    drop(top_of);

    // What every import starts from: the register loaded, each top unit's key trusted for
    // it. Copied for each run, so that a run measures the import alone.
    let template = work_dir.as_path().join("template");
    {
        let mut store = open_with_register(&template, &reg);
        for t in &tops {
            store
                .trust_key(&key_of(t).public_hex(), &format!("bench {t}"), t)
                .unwrap();
        }
    }
    {
        let conn = rusqlite::Connection::open(template.join(ruralenv::store::DB_FILE)).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
    }

    // The source: one finalized revision per village, as surveyors would have made.
    let started = Instant::now();
    let src_dir = work_dir.as_path().join("source");
    let mut src = open_with_register(&src_dir, &reg);
    let form = FormSet::builtin().village_form().clone();
    src.try_transaction(|s| -> Result<(), StoreError> {
        for (i, v) in villages.iter().enumerate() {
            let r = support::revision(
                v,
                &format!("0190a1b2-{:04x}-7000-8000-{:012}", i % 0xffff, i),
                1,
                None,
                "2020-06-15T10:00:00+08:00",
                support::village_data(i as u64),
            );
            s.merge_revision_deferred(&r, &form)?;
        }
        Ok(())
    })
    .unwrap();
    eprintln!(
        "source: {} villages in {:.1} s",
        villages.len(),
        started.elapsed().as_secs_f64()
    );

    // One bundle per township.
    let started = Instant::now();
    let bundles = work_dir.as_path().join("bundles");
    std::fs::create_dir_all(&bundles).unwrap();
    let keys: std::collections::HashMap<&str, InstallationKey> =
        tops.iter().map(|t| (t.as_str(), key_of(t))).collect();
    let mut bytes = 0;
    for (t, top) in &townships {
        let key = &keys[top.as_str()];
        let out = bundles.join(format!("{t}.renv"));
        let request = ExportRequest {
            under: t,
            round: ROUND,
            exporter_name: "bench",
            out: &out,
        };
        match export_bundle(&src, key, &request, &mut |_| {}) {
            Ok(s) => bytes += s.file_bytes,
            Err(ExportError::Nothing { .. }) => {}
            Err(e) => panic!("{e}"),
        }
    }
    let files = bundle_files(&bundles);
    let export_seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "export: {} township bundles, {:.1} MB, in {export_seconds:.1} s",
        files.len(),
        bytes as f64 / 1e6
    );

    // The floor's input: the same revision rows as CSV.
    let csv_path = work_dir.as_path().join("revisions.csv");
    {
        let conn = rusqlite::Connection::open(src_dir.join(ruralenv::store::DB_FILE)).unwrap();
        let mut w = csv::Writer::from_path(&csv_path).unwrap();
        let cols = "record_id, rev, hash, form_id, form_version, village_code, round, \
                    finalized_at, finalized_by, content";
        w.write_record(cols.split(", ")).unwrap();
        let mut stmt = conn
            .prepare(&format!("SELECT {cols} FROM revisions"))
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let cells: Vec<String> = (0..10)
                .map(|i| match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Integer(x) => x.to_string(),
                    v => v.as_str().unwrap().to_string(),
                })
                .collect();
            w.write_record(&cells).unwrap();
        }
        w.flush().unwrap();
    }
    drop(src);
    drop(reg);
    let csv_mb = std::fs::metadata(&csv_path).unwrap().len() as f64 / 1e6;

    let floor = |i: usize| -> (f64, f64) {
        let db = work_dir.as_path().join(format!("floor{i}.db"));
        let script = format!(
            "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n\
             CREATE TABLE revisions (record_id TEXT NOT NULL, rev INTEGER NOT NULL, \
             hash TEXT NOT NULL, form_id TEXT NOT NULL, form_version INTEGER NOT NULL, \
             village_code TEXT NOT NULL, round TEXT NOT NULL, finalized_at TEXT NOT NULL, \
             finalized_by TEXT NOT NULL, content TEXT NOT NULL, \
             PRIMARY KEY (record_id, rev, hash));\n\
             CREATE INDEX revisions_key ON revisions(form_id, village_code, round);\n\
             .mode csv\n.import --skip 1 {} revisions\n",
            csv_path.display()
        );
        let started = Instant::now();
        let cpu = children_cpu();
        let mut child = Command::new("sqlite3")
            .arg(&db)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("sqlite3 on the PATH");
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(script.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success());
        let seconds = started.elapsed().as_secs_f64();
        let cpu = children_cpu() - cpu;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        (seconds, cpu)
    };

    let run_as = |n: usize, i: usize, mode: &str| -> Run {
        let dest = work_dir.as_path().join(format!("import{n}-{i}"));
        let out = Command::new(std::env::current_exe().unwrap())
            .arg("--import-child")
            .arg(&template)
            .arg(&bundles)
            .arg(&dest)
            .arg(n.to_string())
            .arg(mode)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let f: Vec<&str> = text.split_whitespace().collect();
        let _ = std::fs::remove_dir_all(&dest);
        Run {
            bundles: f[0].parse().unwrap(),
            revisions: f[1].parse().unwrap(),
            seconds: f[2].parse().unwrap(),
            peak_mib: f[3].parse::<f64>().unwrap() / 1024.0,
            setup_peak_mib: f[4].parse::<f64>().unwrap() / 1024.0,
            cpu: f[5].parse().unwrap(),
        }
    };

    let run = |n: usize, i: usize| run_as(n, i, "batched");
    let all = files.len();
    println!(
        "{label}: {} villages, {} township bundles ({:.1} MB, {} signing keys), CSV of the same rows {csv_mb:.1} MB",
        villages.len(),
        all,
        bytes as f64 / 1e6,
        tops.len()
    );
    println!("| run | bundles | revisions | wall s | CPU s | peak RSS during import (MiB) |");
    println!("| --- | --- | --- | --- | --- | --- |");
    let row = |what: &str, r: &Run| {
        println!(
            "| {what} | {} | {} | {:.2} | {:.2} | {:.1} (setup peak {:.1}) |",
            r.bundles, r.revisions, r.seconds, r.cpu, r.peak_mib, r.setup_peak_mib
        );
    };
    for n in [all / 4, all / 2] {
        row("ruralenv import", &run(n, 0));
    }
    let mut wall_ratios = Vec::new();
    let mut cpu_ratios = Vec::new();
    // Interleaved, so that each pair sees the same machine load.
    for i in 0..runs {
        let r = run(all, i);
        row("ruralenv import", &r);
        let (f, fcpu) = floor(i);
        println!(
            "| sqlite3 .import (floor) | - | {} | {f:.2} | {fcpu:.2} | - |",
            r.revisions
        );
        wall_ratios.push(r.seconds / f);
        cpu_ratios.push(r.cpu / fcpu);
    }
    if one_by_one {
        row(
            "ruralenv, one commit per bundle",
            &run_as(all, 9, "one-by-one"),
        );
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "{label}: ruralenv against the floor, median of {runs} interleaved pairs: {:.1}× wall, {:.1}× CPU (budget: within 10×)",
        median(&mut wall_ratios),
        median(&mut cpu_ratios)
    );
}

/// One import run, as the child reports it.
struct Run {
    bundles: usize,
    revisions: u64,
    seconds: f64,
    peak_mib: f64,
    setup_peak_mib: f64,
    cpu: f64,
}
