//! Bundle import at three scales (Xuchang, Henan, national), measured as issue 14 asks,
//! beside its floor in the same run.
//!
//! - **Data**: `ruralenv demo`'s generator (`demo::generate`, seed 1) for every in-scope
//!   village of the register: round 2019 in the target installation ("it already holds the
//!   previous round"), round 2020 in a source installation, from which one signed bundle per
//!   top unit of the register is exported (Xuchang: the city; Henan: the province; national:
//!   each of the 31 provinces, each signed by its own key, trusted for it in the target).
//! - **ruralenv**: a fresh child process copies the target database, opens it, then imports
//!   the bundles exactly as `ruralenv import FILE…` does (`import_bundles_each`: signature,
//!   trust, scope, every check on every fact, merge rules, `current`, the township roll-up,
//!   the import log). Timed: from the first file opened to the last commit; not timed: the
//!   process start-up, the copy and the open. CPU time is the child's own (getrusage);
//!   peak memory is VmHWM reset after setup (`/proc/self/clear_refs`), so it is the
//!   import's own.
//! - **floor**: the `sqlite3` CLI's bare `.import` of the same rows as CSV (written by
//!   `ruralenv records export-csv` from the source: the villages file and the farms file),
//!   into tables created beforehand with the files' columns, WAL, `synchronous=FULL`. One
//!   `sqlite3` process; the bench waits until it has opened the database and created the
//!   tables, then times the two `.import`s alone: wall time between the two markers, CPU
//!   time and peak memory from `/proc/PID` of the `sqlite3` process.
//!
//! Full runs and floors are interleaved in pairs (each pair sees the same machine load);
//! the ratio printed is the median of the pairs' ratios, wall and CPU.
//!
//! Run: `cargo bench --bench bundle_import [-- xuchang|henan|national]…` (without a scale:
//! Xuchang and Henan). `RURALENV_BENCH_REGISTER=FILE` benchmarks another register;
//! `RURALENV_BENCH_RUNS=N` sets the number of interleaved pairs (default 3);
//! `RURALENV_BENCH_DIR=DIR` keeps the data there and reuses it on the next run (for
//! profiling: `perf record … bundle_import --import-child DIR/henan/template
//! DIR/henan/bundles DEST`).

use ruralenv::bundle::exchange::{ExportRequest, export_bundle, import_bundles_each};
use ruralenv::bundle::keys::InstallationKey;
use ruralenv::forms::FormSet;
use ruralenv::register::Register;
use ruralenv::store::Store;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_ruralenv");
const PREVIOUS: &str = "2019";
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

/// CPU time (user + system) of this process so far, in seconds (0 where not Unix: the
/// bench measures on Linux; elsewhere it only has to build).
#[cfg(not(unix))]
fn own_cpu() -> f64 {
    0.0
}

/// CPU time (user + system) of this process so far, in seconds.
#[cfg(unix)]
fn own_cpu() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
    t(u.ru_utime) + t(u.ru_stime)
}

/// Peak resident memory of a process so far, in KiB ("self" or a pid).
fn vmhwm_kib(pid: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[cfg(not(unix))]
fn proc_cpu(_pid: u32) -> f64 {
    0.0
}

/// CPU time (user + system) of another process so far, in seconds, from `/proc/PID/stat`.
#[cfg(unix)]
fn proc_cpu(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / hz
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0), so a run measures only what follows.
fn reset_vmhwm() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Copies the template database (register loaded, previous round, keys trusted).
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

/// `--import-child TEMPLATE BUNDLES DEST`: import every bundle into a copy of the template
/// database as `ruralenv import FILE…` does; print "bundles revisions seconds peak_kib
/// cpu_seconds".
fn child(args: &[String]) {
    let files = bundle_files(Path::new(&args[1]));
    let dest = Path::new(&args[2]);
    copy_template(Path::new(&args[0]), dest);
    let mut store = Store::open(dest).unwrap();
    let reset = reset_vmhwm();
    let started = Instant::now();
    let cpu = own_cpu();
    let mut revisions = 0;
    import_bundles_each(&mut store, &files, &mut |_, _| {}, &mut |s| match s {
        Ok(s) => revisions += s.revisions_new + s.revisions_updated,
        Err(e) => panic!("{e}"),
    });
    let seconds = started.elapsed().as_secs_f64();
    let cpu = own_cpu() - cpu;
    println!(
        "{} {revisions} {seconds:.3} {} {cpu:.3}",
        files.len(),
        if reset { vmhwm_kib("self") } else { 0 },
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

/// One demo round for every top unit, in a store with the register loaded.
fn demo_rounds(dir: &Path, reg: &Register, tops: &[String], round: &str) -> Store {
    let forms = FormSet::builtin();
    let form = forms.village_form().clone();
    let mut store = Store::open(dir).unwrap();
    store.ensure_form(&form).unwrap();
    store.load_register(reg).unwrap();
    store.mark_demo().unwrap();
    for t in tops {
        let unit = store.division(t).unwrap().unwrap();
        if !store.any_village_in_scope(unit.prefix()).unwrap() {
            continue;
        }
        ruralenv::demo::generate(&mut store, &form, &unit, round, 1, &mut |_, _| {}).unwrap();
    }
    store
}

/// Builds (or, with `RURALENV_BENCH_DIR`, reuses) the target template, the bundles and the
/// floor's CSV files under `work`. Returns (villages CSV rows, farm CSV rows, bundle bytes).
fn prepare(label: &str, reg_path: &Path, work: &Path) -> (u64, u64, u64) {
    let done = work.join("prepared");
    if !done.exists() {
        let started = Instant::now();
        let reg = register(reg_path);
        let tops: Vec<String> = reg
            .divisions
            .iter()
            .filter(|d| d.parent.as_ref().is_none_or(|p| reg.get(p).is_none()))
            .map(|d| d.code.clone())
            .collect();
        eprintln!(
            "{label}: register of {} divisions, {} top unit(s), read in {:.1} s",
            reg.len(),
            tops.len(),
            started.elapsed().as_secs_f64()
        );
        let started = Instant::now();
        let template = work.join("template");
        let _ = std::fs::remove_dir_all(&template);
        {
            let mut store = demo_rounds(&template, &reg, &tops, PREVIOUS);
            for t in &tops {
                store
                    .trust_key(&key_of(t).public_hex(), &format!("bench {t}"), t)
                    .unwrap();
            }
        }
        let conn = rusqlite::Connection::open(template.join(ruralenv::store::DB_FILE)).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
        drop(conn);
        let source = work.join("source");
        let _ = std::fs::remove_dir_all(&source);
        let src = demo_rounds(&source, &reg, &tops, ROUND);
        eprintln!(
            "{label}: rounds {PREVIOUS} (target) and {ROUND} (source) generated in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let started = Instant::now();
        let bundles = work.join("bundles");
        let _ = std::fs::remove_dir_all(&bundles);
        std::fs::create_dir_all(&bundles).unwrap();
        for t in &tops {
            let out = bundles.join(format!("{t}.renv"));
            let request = ExportRequest {
                under: t,
                round: ROUND,
                exporter_name: "bench",
                out: &out,
            };
            match export_bundle(&src, &key_of(t), &request, &mut |_| {}) {
                Ok(_) | Err(ruralenv::bundle::exchange::ExportError::Nothing { .. }) => {}
                Err(e) => panic!("{e}"),
            }
        }
        drop(src);
        eprintln!(
            "{label}: {} bundle(s) exported in {:.1} s",
            bundle_files(&bundles).len(),
            started.elapsed().as_secs_f64()
        );
        let started = Instant::now();
        let out = Command::new(BIN)
            .arg("--data-dir")
            .arg(&source)
            .args(["records", "export-csv", "--round", ROUND, "--out"])
            .arg(work.join("villages.csv"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!(
            "{label}: export-csv in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        std::fs::write(&done, "").unwrap();
    }
    let rows = |f: &str| -> u64 {
        let text = std::fs::read(work.join(f)).unwrap_or_default();
        (text.iter().filter(|&&b| b == b'\n').count() as u64).saturating_sub(1)
    };
    let bytes = bundle_files(&work.join("bundles"))
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum();
    (rows("villages.csv"), rows("villages.farms.csv"), bytes)
}

/// The CSV header of a file written by `export-csv` (UTF-8 with BOM), as column names.
fn header(path: &Path) -> Vec<String> {
    let mut line = String::new();
    BufReader::new(std::fs::File::open(path).unwrap())
        .read_line(&mut line)
        .unwrap();
    let line = line.trim_start_matches('\u{feff}').trim_end();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes())
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect()
}

/// The floor: one `sqlite3` process; the tables are created first, then the two bare
/// `.import`s are timed alone. (wall s, CPU s, peak KiB of the whole process.)
fn floor(work: &Path, i: usize) -> (f64, f64, u64) {
    let db = work.join(format!("floor{i}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let mut setup = String::from("PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n");
    let mut imports = String::from(".mode csv\n");
    for (table, file) in [
        ("villages", "villages.csv"),
        ("farms", "villages.farms.csv"),
    ] {
        let path = work.join(file);
        let cols: Vec<String> = header(&path)
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect();
        setup.push_str(&format!("CREATE TABLE {table} ({});\n", cols.join(", ")));
        imports.push_str(&format!(".import --skip 1 {} {table}\n", path.display()));
    }
    let mut child = Command::new("sqlite3")
        .arg(&db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("sqlite3 on the PATH");
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let wait_for = |out: &mut BufReader<std::process::ChildStdout>, marker: &str| {
        let mut line = String::new();
        loop {
            line.clear();
            assert!(out.read_line(&mut line).unwrap() > 0, "sqlite3 ended early");
            if line.trim() == marker {
                return;
            }
        }
    };
    stdin
        .write_all(format!("{setup}SELECT 'ready';\n").as_bytes())
        .unwrap();
    stdin.flush().unwrap();
    wait_for(&mut stdout, "ready");
    let cpu = proc_cpu(pid);
    let started = Instant::now();
    stdin
        .write_all(format!("{imports}.mode list\nSELECT 'done';\n").as_bytes())
        .unwrap();
    stdin.flush().unwrap();
    wait_for(&mut stdout, "done");
    let seconds = started.elapsed().as_secs_f64();
    let cpu = proc_cpu(pid) - cpu;
    let peak = vmhwm_kib(&pid.to_string());
    drop(stdin);
    assert!(child.wait().unwrap().success());
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    (seconds, cpu, peak)
}

/// One import run, as the child reports it.
struct Run {
    bundles: usize,
    revisions: u64,
    seconds: f64,
    peak_mib: f64,
    cpu: f64,
}

fn import_run(work: &Path, i: usize) -> Run {
    let dest = work.join(format!("import-{i}"));
    let _ = std::fs::remove_dir_all(&dest);
    let out = Command::new(std::env::current_exe().unwrap())
        .arg("--import-child")
        .arg(work.join("template"))
        .arg(work.join("bundles"))
        .arg(&dest)
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
        cpu: f[4].parse().unwrap(),
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn bench(label: &str, reg_path: &Path) {
    let runs: usize = std::env::var("RURALENV_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1);
    let kept = std::env::var_os("RURALENV_BENCH_DIR").map(|d| PathBuf::from(d).join(label));
    let temp = tempfile::tempdir().unwrap();
    let work = kept.unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&work).unwrap();
    let (village_rows, farm_rows, bytes) = prepare(label, reg_path, &work);
    println!(
        "{label}: {} bundle(s), {:.1} MB; the same rows as CSV: {village_rows} villages + \
         {farm_rows} farms; target holds round {PREVIOUS}; load average before: {}",
        bundle_files(&work.join("bundles")).len(),
        bytes as f64 / 1e6,
        load_average()
    );
    println!("| run | revisions | wall s | CPU s | peak RSS MiB | load |");
    println!("| --- | --- | --- | --- | --- | --- |");
    let mut wall_ratios = Vec::new();
    let mut cpu_ratios = Vec::new();
    for i in 0..runs {
        let r = import_run(&work, i);
        println!(
            "| ruralenv import ({} bundle(s)) | {} | {:.2} | {:.2} | {:.1} | {} |",
            r.bundles,
            r.revisions,
            r.seconds,
            r.cpu,
            r.peak_mib,
            load_average()
        );
        let (f, fcpu, fpeak) = floor(&work, i);
        println!(
            "| sqlite3 .import (floor) | {} rows | {f:.2} | {fcpu:.2} | {:.1} | {} |",
            village_rows + farm_rows,
            fpeak as f64 / 1024.0,
            load_average()
        );
        wall_ratios.push(r.seconds / f);
        cpu_ratios.push(r.cpu / fcpu.max(0.01));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "{label}: ruralenv import against the bare .import, median of {runs} interleaved \
         pairs: {:.1}× wall, {:.1}× CPU (issue 14: within 3×; DESIGN.md budget: within 10×)",
        median(&mut wall_ratios),
        median(&mut cpu_ratios)
    );
}
