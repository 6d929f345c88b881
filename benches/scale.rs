//! Report and demo at scale: `ruralenv demo` and `ruralenv report --format json` for
//! Xuchang (built-in register), Henan and the whole country (`../shared/data/`), each
//! beside its floor measured in the same run on the same data:
//!
//! - demo ↔ the `sqlite3` CLI's bulk `.import` of the same village (and farm) rows as CSV,
//!   written by `ruralenv records export-csv` from the generated data;
//! - report (`report --format json` for the register's top unit; for the national
//!   register, which has 31 roots, without `--under`: the whole country as one unit, one
//!   process) ↔ the same roll-up written as one SQL query over those raw rows in the
//!   `sqlite3` CLI (sums by township prefix; the calculated columns the export carries,
//!   such as `toilet_harmless` and `farms.scale`, are used as they are).
//!
//! Every measured step is its own process, started through this benchmark re-executing
//! itself as a small runner (`--measure`): the runner starts the command, waits for it,
//! and reads `getrusage(RUSAGE_CHILDREN)`, whose only child is that command. So wall
//! time, CPU time (user + sys) and peak resident memory (`ru_maxrss`) are the command's
//! own, start-up included, for ours and for `sqlite3` alike. Reports and floor queries run
//! interleaved, three times each; the fastest run of each is shown.
//!
//! Run: `cargo bench --bench scale [-- xuchang|henan|national]`.
//! `RURALENV_BENCH_NATIONAL=0` skips the national scale (about 10 minutes and a few GB
//! of disk); `RURALENV_SHARED_DATA=DIR` points at another `shared/data`;
//! `RURALENV_BENCH_KEEP=1` keeps the data directories under the target's tmp dir.

use std::io::{BufRead, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_ruralenv");
const ROUND: &str = "2020";
const RUNS: usize = 3;

#[derive(Debug, Clone, Copy, Default)]
struct Cost {
    wall: f64,
    cpu: f64,
    peak_mib: f64,
}

impl Cost {
    fn add(self, o: Cost) -> Cost {
        Cost {
            wall: self.wall + o.wall,
            cpu: self.cpu + o.cpu,
            peak_mib: self.peak_mib.max(o.peak_mib),
        }
    }
    fn show(&self) -> String {
        format!(
            "{:>7.2} s wall {:>7.2} s CPU {:>6.0} MiB",
            self.wall, self.cpu, self.peak_mib
        )
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--measure") {
        std::process::exit(measure_mode(&args[2..]));
    }
    let only: Vec<&str> = args[1..]
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let shared = std::env::var_os("RURALENV_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    let sqlite3 = which("sqlite3");
    if sqlite3.is_none() {
        println!("note: no sqlite3 CLI on PATH: the floors are skipped");
    }
    let mut rows = Vec::new();
    let scales: [(&str, Option<PathBuf>); 3] = [
        ("xuchang", None),
        ("henan", Some(shared.join("henan-divisions.csv"))),
        ("national", Some(shared.join("china-divisions.csv.gz"))),
    ];
    for (name, register) in scales {
        if !only.is_empty() && !only.contains(&name) {
            continue;
        }
        if name == "national" && std::env::var("RURALENV_BENCH_NATIONAL").as_deref() == Ok("0") {
            println!("note: national scale skipped (RURALENV_BENCH_NATIONAL=0)");
            continue;
        }
        if let Some(r) = &register
            && !r.exists()
        {
            println!("note: {name} skipped: {} not found", r.display());
            continue;
        }
        rows.push(scale(name, register.as_deref(), sqlite3.as_deref()));
    }
    println!();
    println!(
        "| scale | villages in scope | records | demo | floor: sqlite3 .import | report --format json | floor: one-query roll-up |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for r in rows {
        println!("{r}");
    }
    if DISAGREED.load(std::sync::atomic::Ordering::SeqCst) {
        eprintln!("scale: the report and the sqlite3 floor disagree (see \"same roll-up?\" above)");
        std::process::exit(1);
    }
}

/// One scale from an empty data directory: demo, export, floor import, report ↔ floor.
fn scale(name: &str, register: Option<&Path>, sqlite3: Option<&Path>) -> String {
    println!("== {name}");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("scale-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("data dir");
    let data = dir.join("data");
    let data_arg = data.display().to_string();

    // Units to generate and report on: the city, the province, or every province.
    let units: Vec<String> = match register {
        None => vec!["411000000000".into()],
        Some(r) => provinces(r),
    };
    let mut demo = Cost::default();
    if let Some(r) = register {
        // Load the register alone (a demo for one village), so the demo steps below are
        // generation only.
        let first_village = first_village(r);
        let (c, out) = run(&[
            BIN,
            "--data-dir",
            &data_arg,
            "demo",
            "--round",
            "2019",
            "--under",
            &first_village,
            "--register",
            &r.display().to_string(),
        ]);
        println!("  register load      {}  {}", c.show(), last_line(&out));
    }
    let mut villages = 0u64;
    let mut records = 0u64;
    for u in &units {
        let (c, out) = run(&[
            BIN,
            "--data-dir",
            &data_arg,
            // English, so that the counts below are found in its summary line.
            "--lang",
            "en",
            "demo",
            "--under",
            u,
            "--round",
            ROUND,
        ]);
        villages += number_before(&out, " villages in scope");
        records += number_before(&out, " records");
        if units.len() == 1 {
            println!("  demo               {}  {}", c.show(), last_line(&out));
        }
        demo = demo.add(c);
    }
    if units.len() > 1 {
        println!(
            "  demo ({} units)    {}  {villages} villages in scope, {records} records",
            units.len(),
            demo.show()
        );
    }
    let db_mib = std::fs::metadata(data.join("ruralenv.db"))
        .map(|m| m.len() as f64 / 1048576.0)
        .unwrap_or(0.0);
    println!("  database           {db_mib:.0} MiB");

    // Raw rows for the floor, written by the product's own export.
    let csv = dir.join("villages.csv");
    let t = Instant::now();
    let (_, out) = run(&[
        BIN,
        "--data-dir",
        &data_arg,
        "records",
        "export-csv",
        "--round",
        ROUND,
        "--out",
        &csv.display().to_string(),
    ]);
    println!(
        "  export-csv         {:.1} s (not measured against a budget) {}",
        t.elapsed().as_secs_f64(),
        last_line(&out)
    );

    let floor_db = dir.join("floor.db");
    let mut import = None;
    if let Some(sq) = sqlite3 {
        let script = dir.join("import.sql");
        std::fs::write(
            &script,
            ".mode csv\n.import villages.csv villages\n.import villages.farms.csv farms\n",
        )
        .expect("script");
        let c = run_in(
            &dir,
            &[&sq.display().to_string(), &floor_db.display().to_string()],
            Some(&script),
            None,
        )
        .0;
        println!("  floor .import      {}", c.show());
        import = Some(c);
    }

    // Report and floor query, interleaved, fastest of three.
    let rollup_sql = dir.join("rollup.sql");
    std::fs::write(&rollup_sql, FLOOR_ROLLUP).expect("script");
    let mut best_report: Option<Cost> = None;
    let mut best_floor: Option<Cost> = None;
    // One report: the register's top unit, or for the national register (31 roots) the
    // whole country as one unit, in one process (`report` without `--under`).
    let report_units: Vec<String> = if units.len() > 1 {
        vec![String::new()]
    } else {
        units.clone()
    };
    for _ in 0..RUNS {
        let mut report = Cost::default();
        for u in &report_units {
            let out = dir.join(format!("report-{u}.json"));
            let out = out.display().to_string();
            let mut cmd = vec![BIN, "--data-dir", &data_arg, "report", "--round", ROUND];
            if !u.is_empty() {
                cmd.extend(["--under", u.as_str()]);
            }
            cmd.extend(["--format", "json", "--out", &out]);
            let (c, _) = run(&cmd);
            report = report.add(c);
        }
        best_report = Some(fastest(best_report, report));
        if let Some(sq) = sqlite3 {
            let c = run_in(
                &dir,
                &[&sq.display().to_string(), &floor_db.display().to_string()],
                Some(&rollup_sql),
                Some(&dir.join("floor-rollup.csv")),
            )
            .0;
            best_floor = Some(fastest(best_floor, c));
        }
    }
    let report = best_report.unwrap_or_default();
    println!("  report (1 process) {}", report.show());
    if let Some(f) = best_floor {
        println!("  floor roll-up      {}", f.show());
        check_same_rollup(&dir, &report_units);
    }
    if std::env::var("RURALENV_BENCH_KEEP").as_deref() != Ok("1") {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let opt = |c: Option<Cost>| {
        c.map(|c| format!("{:.2} s, {:.0} MiB", c.wall, c.peak_mib))
            .unwrap_or_else(|| "-".into())
    };
    format!(
        "| {name} | {villages} | {records} | {:.2} s, {:.0} MiB | {} | {:.2} s ({:.2} s CPU), {:.0} MiB | {} |",
        demo.wall,
        demo.peak_mib,
        opt(import),
        report.wall,
        report.cpu,
        report.peak_mib,
        best_floor
            .map(|c| format!(
                "{:.2} s ({:.2} s CPU), {:.0} MiB",
                c.wall, c.cpu, c.peak_mib
            ))
            .unwrap_or_else(|| "-".into()),
    )
}

fn fastest(best: Option<Cost>, c: Cost) -> Cost {
    match best {
        Some(b) if b.wall <= c.wall => b,
        _ => c,
    }
}

/// The same roll-up as `report`, as one query over the raw rows: per township, villages
/// reported and each indicator's numerator and denominator.
const FLOOR_ROLLUP: &str = include_str!("support/floor_rollup.sql");

/// Both sides computed the same thing: villages reported and harmless toilets of the
/// whole scale agree between the floor's townships and our reports' top units.
/// Set when a cross-check found the two sides disagree (or could not compare them): the
/// benchmark then exits non-zero, since its timings compare different work.
static DISAGREED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn disagree(why: &str) {
    println!("  same roll-up?      NO: {why}");
    DISAGREED.store(true, std::sync::atomic::Ordering::SeqCst);
}

fn check_same_rollup(dir: &Path, units: &[String]) {
    let Ok(text) = std::fs::read_to_string(dir.join("floor-rollup.csv")) else {
        return disagree("the floor wrote no floor-rollup.csv");
    };
    let (mut reported, mut harmless) = (0u64, 0u64);
    for line in text.lines() {
        let cells: Vec<&str> = line.split(',').collect();
        reported += cells
            .get(1)
            .and_then(|c| c.parse::<u64>().ok())
            .unwrap_or(0);
        harmless += cells
            .get(3)
            .and_then(|c| c.parse::<u64>().ok())
            .unwrap_or(0);
    }
    let (mut our_reported, mut our_harmless) = (0u64, 0u64);
    for u in units {
        let Ok(text) = std::fs::read_to_string(dir.join(format!("report-{u}.json"))) else {
            return disagree(&format!("no report-{u}.json"));
        };
        let doc: serde_json::Value = serde_json::from_str(&text).expect("report JSON");
        let top = &doc["units"][0];
        our_reported += top["villages_reported"].as_u64().unwrap_or(0);
        our_harmless += top["indicators"]
            .as_array()
            .and_then(|a| a.iter().find(|i| i["id"] == "toilet_harmless"))
            .and_then(|i| i["numerator"].as_u64())
            .unwrap_or(0);
    }
    let same = reported == our_reported && harmless == our_harmless && reported > 0;
    if !same {
        DISAGREED.store(true, std::sync::atomic::Ordering::SeqCst);
    }
    println!(
        "  same roll-up?      {} (villages reported {our_reported} vs {reported}, harmless toilets {our_harmless} vs {harmless})",
        if same { "yes" } else { "NO" }
    );
}

/// Province codes of a register file (rows of level `province`), else its first row.
fn provinces(register: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut first = None;
    for_each_row(register, |cells| {
        first.get_or_insert_with(|| cells[0].to_string());
        if cells.get(3) == Some(&"province") {
            out.push(cells[0].to_string());
        }
        true
    });
    if out.is_empty() {
        out.extend(first);
    }
    out
}

fn first_village(register: &Path) -> String {
    let mut found = String::new();
    for_each_row(register, |cells| {
        if cells.get(3) == Some(&"village") && ruralenv::register::default_in_scope(cells[0]) {
            found = cells[0].to_string();
            return false;
        }
        true
    });
    found
}

/// Call `f` with the cells of every data row of a register CSV (plain or `.gz`) until it
/// returns false.
fn for_each_row(register: &Path, mut f: impl FnMut(&[&str]) -> bool) {
    let file = std::fs::File::open(register).expect("register");
    let reader: Box<dyn std::io::Read> = if register.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::GzDecoder::new(file))
    } else {
        Box::new(file)
    };
    for line in std::io::BufReader::new(reader).lines().skip(1) {
        let line = line.expect("register line");
        let cells: Vec<&str> = line.split(',').collect();
        if !f(&cells) {
            break;
        }
    }
}

fn number_before(text: &str, marker: &str) -> u64 {
    text.find(marker)
        .and_then(|i| text[..i].rsplit([' ', ',', ';', '(']).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The command's summary line: the one starting like a demo summary or a `loaded`
/// note, else its last line.
fn last_line(text: &str) -> &str {
    text.lines()
        .find(|l| l.starts_with("loaded "))
        .or_else(|| text.lines().find(|l| l.starts_with("demo round")))
        .or_else(|| {
            text.lines()
                .rfind(|l| !l.starts_with("MEASURE") && !l.trim().is_empty())
        })
        .unwrap_or("")
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

fn run(cmd: &[&str]) -> (Cost, String) {
    run_in(Path::new("."), cmd, None, None)
}

/// Run `cmd` in `dir` through the measuring runner; its output (stdout then stderr) and
/// what it cost. Panics when the command fails: a benchmark of a failing command is
/// meaningless.
fn run_in(dir: &Path, cmd: &[&str], stdin: Option<&Path>, stdout: Option<&Path>) -> (Cost, String) {
    let me = std::env::current_exe().expect("bench executable");
    let mut c = Command::new(me);
    c.current_dir(dir).arg("--measure");
    if let Some(p) = stdin {
        c.arg("--stdin").arg(p);
    }
    if let Some(p) = stdout {
        c.arg("--stdout").arg(p);
    }
    c.arg("--").args(cmd);
    let out = c.output().expect("runner");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("MEASURE "))
        .unwrap_or_else(|| panic!("no measurement from {cmd:?}:\n{text}"));
    let v: Vec<f64> = line
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    (
        Cost {
            wall: v[0],
            cpu: v[1],
            peak_mib: v[2] / 1024.0,
        },
        text,
    )
}

/// The runner: `--measure [--stdin FILE] [--stdout FILE] -- CMD ARGS…`. Prints the
/// command's output, then `MEASURE wall cpu maxrss_kib`.
fn measure_mode(args: &[String]) -> i32 {
    let mut i = 0;
    let (mut stdin, mut stdout) = (None, None);
    while i < args.len() && args[i] != "--" {
        match args[i].as_str() {
            "--stdin" => stdin = args.get(i + 1).cloned(),
            "--stdout" => stdout = args.get(i + 1).cloned(),
            _ => {}
        }
        i += 2;
    }
    let cmd = &args[i + 1..];
    let mut c = Command::new(&cmd[0]);
    c.args(&cmd[1..]);
    c.stdin(match &stdin {
        Some(p) => Stdio::from(std::fs::File::open(p).expect("stdin file")),
        None => Stdio::null(),
    });
    if let Some(p) = &stdout {
        c.stdout(Stdio::from(std::fs::File::create(p).expect("stdout file")));
    }
    let t = Instant::now();
    let status = c.status().expect("start the command");
    let wall = t.elapsed().as_secs_f64();
    let (cpu, maxrss) = children_usage();
    let _ = std::io::stdout().flush();
    println!("MEASURE {wall:.4} {cpu:.4} {maxrss}");
    status.code().unwrap_or(1)
}

/// CPU seconds (user + sys) and peak resident set (KiB) of the waited-for children.
#[cfg(target_os = "linux")]
fn children_usage() -> (f64, i64) {
    #[repr(C)]
    struct Timeval {
        sec: i64,
        usec: i64,
    }
    #[repr(C)]
    struct Rusage {
        utime: Timeval,
        stime: Timeval,
        maxrss: i64,
        rest: [i64; 13],
    }
    unsafe extern "C" {
        fn getrusage(who: i32, usage: *mut Rusage) -> i32;
    }
    const RUSAGE_CHILDREN: i32 = -1;
    let mut u = Rusage {
        utime: Timeval { sec: 0, usec: 0 },
        stime: Timeval { sec: 0, usec: 0 },
        maxrss: 0,
        rest: [0; 13],
    };
    // SAFETY: `u` is a valid, writable `struct rusage` for x86-64/aarch64 Linux (two
    // timevals then fourteen longs); getrusage only writes into it.
    let rc = unsafe { getrusage(RUSAGE_CHILDREN, &mut u) };
    if rc != 0 {
        return (0.0, 0);
    }
    let secs = |t: &Timeval| t.sec as f64 + t.usec as f64 / 1e6;
    (secs(&u.utime) + secs(&u.stime), u.maxrss)
}

#[cfg(not(target_os = "linux"))]
fn children_usage() -> (f64, i64) {
    (0.0, 0)
}
