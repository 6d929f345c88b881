//! Issue 14's benchmark: for each scale (Xuchang, Henan, national) it prints bundle import,
//! CSV import, XLSX import and the report, each beside its `sqlite3` floor measured in the
//! same run, as a ratio, with peak memory, and a final summary table per scale.
//!
//! ## Data (prepared once; not timed)
//!
//! `ruralenv demo`'s generator (`demo::generate`, seed 1) for every in-scope village of the
//! register: round 2019 in the *target template* ("an installation that already holds the
//! previous round"), round 2020 in a *source* installation. From the source: one signed
//! bundle per top unit of the register (Xuchang: the city; Henan: the province; national:
//! each of the 31 provinces, signed by its own key, trusted for it in the template);
//! `villages.csv` + `villages.farms.csv` (`records export-csv --round 2020`);
//! `villages.xlsx` (`records export-xlsx --round 2020`, its own step, made when missing).
//!
//! ## Jobs and their floors
//!
//! Each job runs interleaved with its floor in pairs (ours, floor, ours, floor, …: each pair
//! sees the same machine load); `RURALENV_BENCH_RUNS` pairs (default 3). A figure shown is
//! the median over the runs; a ratio is the median of the pairs' ratios.
//!
//! "Whole process" means: a small runner (this bench re-executed with `--measure`) starts
//! the command, waits for it and reads `getrusage(RUSAGE_CHILDREN)`, whose only child is
//! that command: wall time from spawn to exit, CPU time user + sys, peak RSS (`ru_maxrss`),
//! start-up included, for ours and for `sqlite3` alike. Copying the template into a fresh
//! directory (and `sync`) before a run is not timed. (`ru_maxrss` starts from the runner's
//! own high-water mark, about 3 MiB, which the command inherits at `exec`: a peak near
//! 3–4 MiB means "no more than that".)
//!
//! 1. **bundle import** — kept as before, *not* a whole process: a child process (this
//!    bench, `--import-child`) copies the template, opens it, then imports every bundle as
//!    `ruralenv import FILE…` does (`import_bundles_each`: signature, trust, scope, every
//!    check, merge rules, `current`, the township roll-up, the import log). Timed: from the
//!    first bundle opened to the last commit; CPU is the child's own over that span; peak
//!    memory is VmHWM reset after the open (`/proc/self/clear_refs`), the import's own.
//!    Floor: one `sqlite3` process that opens the database, sets WAL and
//!    `synchronous=FULL` and creates the two tables first; the bench then times the two
//!    bare `.import`s alone (wall between two printed markers; CPU from `/proc/PID/stat`;
//!    peak = the `sqlite3` process's VmHWM). Neither side's start-up is counted.
//! 2. **CSV import** — whole process: `ruralenv --data-dir COPY records import-csv
//!    villages.csv --round 2020 --group farms=villages.farms.csv` into a fresh copy of the
//!    template. Floor, whole process: `sqlite3 FRESH.db` reading a script on stdin:
//!    `PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;` two `CREATE TABLE`s with the
//!    files' columns (no types), `.import --skip 1` of both CSV files (start-up, table
//!    creation and the load, all counted).
//! 3. **XLSX import** — whole process: `ruralenv --data-dir COPY records import-xlsx
//!    villages.xlsx --round 2020` into a fresh copy of the template. Floor: the same
//!    whole-process `sqlite3` load of the same rows as CSV (`sqlite3` reads no XLSX).
//!    `RURALENV_BENCH_XLSX=0` skips this job (and the workbook's export).
//! 4. **report** — whole process: `ruralenv --data-dir DB report --round 2020 --format json
//!    --out FILE` without `--under` (the register's top unit; for the national register,
//!    which has 31 roots, the whole country as one unit) on the database of the first bundle
//!    import (rounds 2019 and 2020). Floor, whole process: the same roll-up as one SQL query
//!    (per township: villages reported, every indicator's numerator and denominator) in
//!    the `sqlite3` CLI over the raw rows loaded by the first CSV-job floor; its output
//!    goes to a file. The bench checks both computed the same totals (villages reported,
//!    harmless toilets) and says so.
//!
//! A job whose command refuses the data (exit status not 0) is reported with its message
//! in the output and in the summary, not hidden.
//!
//! ## Run
//!
//! `cargo bench --bench bundle_import [-- xuchang|henan|national]…` (without a scale:
//! Xuchang and Henan). Environment: `RURALENV_BENCH_RUNS=N` pairs per job (default 3);
//! `RURALENV_BENCH_XLSX=0` skips XLSX; `RURALENV_BENCH_DIR=DIR` keeps the prepared data
//! in `DIR/<scale>` and reuses it next time (the `prepared` marker covers template,
//! bundles and CSV; `villages.xlsx` is made when missing); `RURALENV_BENCH_REGISTER=FILE`
//! benchmarks another register. The machine is shared: run it under `nice`, alone.
//! Profiling the bundle import: `perf record … bundle_import --import-child
//! DIR/henan/template DIR/henan/bundles DEST`.

use ruralenv::bundle::exchange::{ExportRequest, export_bundle, import_bundles_each};
use ruralenv::bundle::keys::InstallationKey;
use ruralenv::forms::FormSet;
use ruralenv::register::Register;
use ruralenv::store::Store;
use std::ffi::OsStr;
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

/// `PRAGMA`s and `CREATE TABLE`s for the floor's two tables (the CSV files' columns, no
/// types), and the `.import` lines of the two files.
fn floor_sql(work: &Path) -> (String, String) {
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
    (setup, imports)
}

fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

/// The bundle job's floor: one `sqlite3` process; the tables are created first, then the
/// two bare `.import`s are timed alone (start-up and table creation not counted).
fn floor_import_only(work: &Path, i: usize) -> Cost {
    let db = work.join(format!("floor{i}.db"));
    remove_db(&db);
    let (setup, imports) = floor_sql(work);
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
    let wall = started.elapsed().as_secs_f64();
    let cpu = proc_cpu(pid) - cpu;
    let peak = vmhwm_kib(&pid.to_string());
    drop(stdin);
    assert!(child.wait().unwrap().success());
    remove_db(&db);
    Cost {
        wall,
        cpu,
        peak_mib: peak as f64 / 1024.0,
    }
}

/// The CSV and XLSX jobs' floor, a whole `sqlite3` process: start-up, WAL,
/// `synchronous=FULL`, the two tables created, both files `.import`ed. Leaves `db`.
fn floor_whole_process(work: &Path, db: &Path) -> Cost {
    remove_db(db);
    let (setup, imports) = floor_sql(work);
    let script = work.join("floor-import.sql");
    std::fs::write(&script, format!("{setup}{imports}")).unwrap();
    let cmd = [OsStr::new("sqlite3"), db.as_os_str()];
    match measure(&cmd, Some(&script), None) {
        Ok((c, _)) => c,
        Err(e) => panic!("the sqlite3 floor failed: {e}"),
    }
}

/// What one measured run cost.
#[derive(Debug, Clone, Copy, Default)]
struct Cost {
    wall: f64,
    cpu: f64,
    peak_mib: f64,
}

/// Runs `cmd` through the measuring runner (a fresh, small process: this bench with
/// `--measure`), so the figures are the command's own, start-up included. Ok: the cost
/// and the command's output; Err: its output when it failed (exit status not 0).
fn measure(
    cmd: &[&OsStr],
    stdin: Option<&Path>,
    stdout: Option<&Path>,
) -> Result<(Cost, String), String> {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.arg("--measure");
    c.arg(stdin.map(Path::as_os_str).unwrap_or(OsStr::new("-")));
    c.arg(stdout.map(Path::as_os_str).unwrap_or(OsStr::new("-")));
    c.args(cmd);
    let out = c.output().expect("the measuring runner");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let line = text.lines().find_map(|l| l.strip_prefix("MEASURE "));
    let v: Vec<f64> = line
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("MEASURE "))
        .collect::<Vec<_>>()
        .join("\n");
    if !out.status.success() || v.len() != 3 {
        return Err(body);
    }
    Ok((
        Cost {
            wall: v[0],
            cpu: v[1],
            peak_mib: v[2] / 1024.0,
        },
        body,
    ))
}

/// The runner: `--measure STDIN|- STDOUT|- CMD ARGS…`. Starts the command, waits for it,
/// prints its output, then `MEASURE wall cpu maxrss_kib` of its only child; exits with the
/// command's status.
fn measure_mode(args: &[String]) -> i32 {
    let mut c = Command::new(&args[2]);
    c.args(&args[3..]);
    c.stdin(match args[0].as_str() {
        "-" => Stdio::null(),
        p => Stdio::from(std::fs::File::open(p).expect("stdin file")),
    });
    if args[1] != "-" {
        c.stdout(Stdio::from(
            std::fs::File::create(&args[1]).expect("stdout file"),
        ));
    }
    let started = Instant::now();
    let status = c.status().expect("start the command");
    let wall = started.elapsed().as_secs_f64();
    let (cpu, maxrss) = children_usage();
    println!("MEASURE {wall:.4} {cpu:.4} {maxrss}");
    status.code().unwrap_or(1)
}

/// CPU seconds (user + sys) and peak resident set (KiB) of the waited-for children.
#[cfg(unix)]
fn children_usage() -> (f64, i64) {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) } != 0 {
        return (0.0, 0);
    }
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
    (t(u.ru_utime) + t(u.ru_stime), u.ru_maxrss as i64)
}

#[cfg(not(unix))]
fn children_usage() -> (f64, i64) {
    (0.0, 0)
}

/// Flushes the page cache's dirty pages (a copied template) before a timed run.
fn sync_disk() {
    #[cfg(unix)]
    // SAFETY: sync has no preconditions.
    unsafe {
        libc::sync()
    };
}

/// A bundle import run, as the `--import-child` reports it.
struct Run {
    bundles: usize,
    revisions: u64,
    cost: Cost,
}

/// One bundle import into `dest` (a copy of the template made by the child).
fn import_run(work: &Path, dest: &Path) -> Run {
    let _ = std::fs::remove_dir_all(dest);
    let out = Command::new(std::env::current_exe().unwrap())
        .arg("--import-child")
        .arg(work.join("template"))
        .arg(work.join("bundles"))
        .arg(dest)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let f: Vec<&str> = text.split_whitespace().collect();
    Run {
        bundles: f[0].parse().unwrap(),
        revisions: f[1].parse().unwrap(),
        cost: Cost {
            wall: f[2].parse().unwrap(),
            peak_mib: f[3].parse::<f64>().unwrap() / 1024.0,
            cpu: f[4].parse().unwrap(),
        },
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

/// One job's pairs, for the summary.
struct Job {
    name: &'static str,
    timed: &'static str,
    floor: &'static str,
    ours: Vec<Cost>,
    floors: Vec<Cost>,
    /// Why the job has no figures (refused, skipped), or a remark on them.
    note: Option<String>,
}

impl Job {
    fn new(name: &'static str, timed: &'static str, floor: &'static str) -> Job {
        Job {
            name,
            timed,
            floor,
            ours: Vec::new(),
            floors: Vec::new(),
            note: None,
        }
    }

    /// Records one pair and prints it.
    fn pair(&mut self, i: usize, ours: Cost, floor: Cost, detail: &str) {
        let ratio = ours.wall / floor.wall.max(1e-3);
        println!(
            "| {} | {} | ruralenv | {:.2} | {:.2} | {:.1} | {detail} | {} |",
            i + 1,
            self.name,
            ours.wall,
            ours.cpu,
            ours.peak_mib,
            load_average()
        );
        println!(
            "| {} | {} | floor | {:.2} | {:.2} | {:.1} | {ratio:.1}× wall | {} |",
            i + 1,
            self.name,
            floor.wall,
            floor.cpu,
            floor.peak_mib,
            load_average()
        );
        self.ours.push(ours);
        self.floors.push(floor);
    }

    fn refused(&mut self, what: &str, message: &str) {
        let first: Vec<&str> = message
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(3)
            .collect();
        let note = format!("{what}: {}", first.join(" / "));
        println!("{}: {note}", self.name);
        self.note = Some(note);
    }

    fn summary_row(&self) -> String {
        if self.ours.is_empty() {
            return format!(
                "| {} | {} | - | {} | - | - | - | {} |",
                self.name,
                self.timed,
                self.floor,
                self.note.as_deref().unwrap_or("not measured")
            );
        }
        let med = |v: Vec<f64>| {
            let mut v = v;
            v.sort_by(f64::total_cmp);
            let n = v.len();
            if n % 2 == 1 {
                v[n / 2]
            } else {
                (v[n / 2 - 1] + v[n / 2]) / 2.0
            }
        };
        let of = |c: &[Cost], f: fn(&Cost) -> f64| med(c.iter().map(f).collect());
        let wall_ratio = med(self
            .ours
            .iter()
            .zip(&self.floors)
            .map(|(o, f)| o.wall / f.wall.max(1e-3))
            .collect());
        let cpu_ratio = med(self
            .ours
            .iter()
            .zip(&self.floors)
            .map(|(o, f)| o.cpu / f.cpu.max(1e-2))
            .collect());
        format!(
            "| {} | {} | {:.2} / {:.2} / {:.0} | {} | {:.2} / {:.2} / {:.0} | **{wall_ratio:.1}×** | {cpu_ratio:.1}× | {} |",
            self.name,
            self.timed,
            of(&self.ours, |c| c.wall),
            of(&self.ours, |c| c.cpu),
            of(&self.ours, |c| c.peak_mib),
            self.floor,
            of(&self.floors, |c| c.wall),
            of(&self.floors, |c| c.cpu),
            of(&self.floors, |c| c.peak_mib),
            self.note.as_deref().unwrap_or(""),
        )
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--import-child") => return child(&args[2..]),
        Some("--measure") => std::process::exit(measure_mode(&args[2..])),
        _ => {}
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

/// A fresh copy of the template at `work/run` for a whole-process import (not timed).
fn fresh_copy(work: &Path) -> PathBuf {
    let dest = work.join("run");
    let _ = std::fs::remove_dir_all(&dest);
    copy_template(&work.join("template"), &dest);
    sync_disk();
    dest
}

fn bench(label: &str, reg_path: &Path) {
    let runs: usize = std::env::var("RURALENV_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1);
    let xlsx = std::env::var("RURALENV_BENCH_XLSX").as_deref() != Ok("0");
    let kept = std::env::var_os("RURALENV_BENCH_DIR").map(|d| PathBuf::from(d).join(label));
    let temp = tempfile::tempdir().unwrap();
    let work = kept.unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&work).unwrap();
    let (village_rows, farm_rows, bytes) = prepare(label, reg_path, &work);
    let workbook = if xlsx {
        prepare_xlsx(label, &work)
    } else {
        Err("skipped (RURALENV_BENCH_XLSX=0)".into())
    };
    println!(
        "\n{label}: {} bundle(s), {:.1} MB; the same rows as CSV: {village_rows} villages + \
         {farm_rows} farms; target holds round {PREVIOUS}; {runs} pair(s) per job; {} \
         core(s); load average before: {}",
        bundle_files(&work.join("bundles")).len(),
        bytes as f64 / 1e6,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_average()
    );
    println!("| pair | job | side | wall s | CPU s | peak MiB | detail | load |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    let bin = OsStr::new(BIN);
    let data_dir = OsStr::new("--data-dir");
    let csv = work.join("villages.csv");
    let farms = {
        let mut s = std::ffi::OsString::from("farms=");
        s.push(work.join("villages.farms.csv"));
        s
    };

    // 1. Bundle import; the first run's database is kept for the report.
    let report_db = work.join("import-0");
    let mut bundle = Job::new(
        "bundle import",
        "in-process, first bundle opened → last commit (start-up, copy, open not counted; peak = the import's own)",
        "bare `.import` of the 2 CSV files in an open sqlite3 (start-up, CREATE not counted)",
    );
    for i in 0..runs {
        let dest = if i == 0 {
            report_db.clone()
        } else {
            work.join("import-run")
        };
        let r = import_run(&work, &dest);
        if i > 0 {
            let _ = std::fs::remove_dir_all(&dest);
        }
        let f = floor_import_only(&work, i);
        let detail = format!("{} bundle(s), {} revisions", r.bundles, r.revisions);
        bundle.pair(i, r.cost, f, &detail);
    }

    // 2. CSV import; the first floor's database is kept for the report's floor.
    let floor_db = work.join("floor-report.db");
    let mut csv_job = Job::new(
        "CSV import",
        "whole process `records import-csv` + `--group farms=…` into a template copy",
        "whole sqlite3 process: start-up, CREATE, `.import` of the 2 CSV files",
    );
    let csv_args = [
        OsStr::new("import-csv"),
        csv.as_os_str(),
        OsStr::new("--round"),
        OsStr::new(ROUND),
        OsStr::new("--group"),
        &farms,
    ];
    import_pairs(&mut csv_job, &work, runs, &csv_args, Some(&floor_db));
    if csv_job.ours.is_empty() {
        // The report's floor still needs the raw rows loaded.
        floor_whole_process(&work, &floor_db);
    }

    // 3. XLSX import.
    let mut xlsx_job = Job::new(
        "XLSX import",
        "whole process `records import-xlsx` into a template copy",
        "whole sqlite3 process: start-up, CREATE, `.import` of the same rows as CSV",
    );
    match &workbook {
        Err(why) => xlsx_job.refused("not measured", why),
        Ok(book) => {
            let args = [
                OsStr::new("import-xlsx"),
                book.as_os_str(),
                OsStr::new("--round"),
                OsStr::new(ROUND),
            ];
            import_pairs(&mut xlsx_job, &work, runs, &args, None);
        }
    }

    // 4. Report, on the first bundle import's database (rounds 2019 and 2020).
    let mut report = Job::new(
        "report",
        "whole process `report --round 2020 --format json --out F`, no --under (top unit)",
        "whole sqlite3 process: the one-query roll-up over the raw rows",
    );
    let rollup_sql = work.join("rollup.sql");
    std::fs::write(&rollup_sql, FLOOR_ROLLUP).unwrap();
    let report_json = work.join("report.json");
    let rollup_csv = work.join("floor-rollup.csv");
    for i in 0..runs {
        let cmd = [
            bin,
            data_dir,
            report_db.as_os_str(),
            OsStr::new("report"),
            OsStr::new("--round"),
            OsStr::new(ROUND),
            OsStr::new("--format"),
            OsStr::new("json"),
            OsStr::new("--out"),
            report_json.as_os_str(),
        ];
        let (ours, _) = match measure(&cmd, None, None) {
            Ok(o) => o,
            Err(e) => {
                report.refused("report failed", &e);
                break;
            }
        };
        let floor_cmd = [OsStr::new("sqlite3"), floor_db.as_os_str()];
        let (f, _) = measure(&floor_cmd, Some(&rollup_sql), Some(&rollup_csv))
            .unwrap_or_else(|e| panic!("the sqlite3 roll-up failed: {e}"));
        let detail = same_rollup(&report_json, &rollup_csv);
        if i == 0 && !detail.starts_with("same") {
            report.note = Some(detail.clone());
        }
        report.pair(i, ours, f, &detail);
    }
    let _ = std::fs::remove_dir_all(&report_db);
    remove_db(&floor_db);
    for f in [
        &report_json,
        &rollup_csv,
        &rollup_sql,
        &work.join("floor-import.sql"),
    ] {
        let _ = std::fs::remove_file(f);
    }

    println!(
        "\n{label} summary: median of {runs} interleaved pair(s); ratio = median of the pairs' \
         ours ÷ floor; {village_rows} villages + {farm_rows} farms; load average now: {}",
        load_average()
    );
    println!(
        "| job | what is timed (ruralenv) | ruralenv wall s / CPU s / peak MiB | floor (sqlite3) | \
         floor wall s / CPU s / peak MiB | ratio wall | ratio CPU | note |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for job in [&bundle, &csv_job, &xlsx_job, &report] {
        println!("{}", job.summary_row());
    }
    println!("(issue 14: imports within 3× wall; report no slower than its floor)");
}

/// The command's first output line (its summary), without the work directory's path.
fn summary_line(out: &str, work: &Path) -> String {
    let prefix = format!("{}/", work.display());
    out.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .replace(&prefix, "")
}

/// The workbook the XLSX job imports, written from the source installation when missing
/// (`records export-xlsx`; its own step, outside the `prepared` marker). Err: why not.
fn prepare_xlsx(label: &str, work: &Path) -> Result<PathBuf, String> {
    let book = work.join("villages.xlsx");
    if book.exists() {
        return Ok(book);
    }
    let started = Instant::now();
    let partial = work.join("villages.partial.xlsx");
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(work.join("source"))
        .args([
            "--lang",
            "en",
            "records",
            "export-xlsx",
            "--round",
            ROUND,
            "--out",
        ])
        .arg(&partial)
        .output()
        .unwrap();
    if !out.status.success() {
        let _ = std::fs::remove_file(&partial);
        let why = format!(
            "export-xlsx failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        eprintln!("{label}: {why}");
        return Err(why);
    }
    std::fs::rename(&partial, &book).unwrap();
    eprintln!(
        "{label}: export-xlsx in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(book)
}

/// `runs` pairs of a spreadsheet import job: `ruralenv --data-dir COPY --lang en records
/// ARGS…` into a fresh copy of the template, then the whole-process floor (its first
/// database kept at `first_floor` when given, for the report's floor). A refusal is
/// recorded on the job and ends it.
fn import_pairs(
    job: &mut Job,
    work: &Path,
    runs: usize,
    args: &[&OsStr],
    first_floor: Option<&Path>,
) {
    let scratch_db = work.join("floor-scratch.db");
    let what = args[0].to_string_lossy().into_owned();
    for i in 0..runs {
        let dest = fresh_copy(work);
        let mut cmd = vec![
            OsStr::new(BIN),
            OsStr::new("--data-dir"),
            dest.as_os_str(),
            OsStr::new("--lang"),
            OsStr::new("en"),
            OsStr::new("records"),
        ];
        cmd.extend_from_slice(args);
        let ours = measure(&cmd, None, None);
        let _ = std::fs::remove_dir_all(&dest);
        let (ours, out) = match ours {
            Ok(o) => o,
            Err(e) => {
                job.refused(&format!("{what} refused the data"), &e);
                break;
            }
        };
        let db = match first_floor {
            Some(keep) if i == 0 => keep,
            _ => scratch_db.as_path(),
        };
        let f = floor_whole_process(work, db);
        remove_db(&scratch_db);
        job.pair(i, ours, f, &summary_line(&out, work));
    }
}

/// The same roll-up as `report`, as one query over the raw rows: per township, villages
/// reported and each indicator's numerator and denominator (shared with `benches/scale.rs`).
const FLOOR_ROLLUP: &str = include_str!("support/floor_rollup.sql");

/// Whether the report's top unit and the floor's townships add up to the same villages
/// reported and harmless toilets: "same (…)" or "DIFFERENT (…)".
fn same_rollup(report: &Path, rollup: &Path) -> String {
    let (mut reported, mut harmless) = (0u64, 0u64);
    for line in std::fs::read_to_string(rollup).unwrap_or_default().lines() {
        let cells: Vec<&str> = line.split(',').collect();
        let n = |i: usize| {
            cells
                .get(i)
                .and_then(|c| c.parse::<u64>().ok())
                .unwrap_or(0)
        };
        reported += n(1);
        harmless += n(3);
    }
    let doc: serde_json::Value = std::fs::read_to_string(report)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let top = &doc["units"][0];
    let ours_reported = top["villages_reported"].as_u64().unwrap_or(0);
    let ours_harmless = top["indicators"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["id"] == "toilet_harmless"))
        .and_then(|i| i["numerator"].as_u64())
        .unwrap_or(0);
    let same = reported > 0 && reported == ours_reported && harmless == ours_harmless;
    format!(
        "{} (villages reported {ours_reported} vs {reported}, harmless toilets {ours_harmless} vs {harmless})",
        if same {
            "same roll-up"
        } else {
            "DIFFERENT roll-up"
        }
    )
}
