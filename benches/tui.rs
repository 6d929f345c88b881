//! TUI benchmarks (figures in docs/performance.md, section "TUI"):
//! - start to first frame on a database holding Xuchang's 2,505 village-level units ×
//!   3 rounds of finalized records (the home screen, and `edit` straight onto a form);
//! - key press to frame: update + effects + draw, on the form (typing, and leaving a
//!   field, which commits it with fsync) and on the home tree.
//!
//! - the dashboard: `d` → "computing" frame, the figures drawn and then the village
//!   lists drawn (the worker's two steps, its own connection, as in the TUI) beside `ruralenv report --format json` for the same unit
//!   and round, on Xuchang and, with `RURALENV_BENCH_DASHBOARD_DIR=DIR` (a data directory
//!   filled by `ruralenv demo --under 410000000000 --register henan-divisions.csv` for
//!   2019–2021), on Henan (`RURALENV_BENCH_DASHBOARD_UNIT`, default 410000000000).
//!
//! Frames are drawn to ratatui's `TestBackend`, so terminal I/O is not measured.
//! Run: `cargo bench --bench tui` (`-- dashboard` for the dashboard part alone).

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ruralenv::forms::record::{RecordData, parse_input};
use ruralenv::forms::{FormSet, Lang};
use ruralenv::register::Level;
use ruralenv::store::{Revision, diff, new_id, now};
use ruralenv::tui::app::Model;
use ruralenv::tui::effects::Effects;
use ruralenv::tui::shared::Msg;
use ruralenv::tui::{EditTarget, TuiOptions, prepare, pump, view};
use std::path::Path;
use std::time::{Duration, Instant};

const ROUNDS: [&str; 3] = ["2019", "2020", "2021"];
const VILLAGE: &str = "411003003204";

fn record(form: &ruralenv::forms::Form, i: usize) -> RecordData {
    let mut d = RecordData::default();
    let h = 150 + (i % 300) as i64;
    let answers = [
        ("survey_date", "2020-06-15".to_string()),
        ("surveyor", "张三".to_string()),
        ("households", h.to_string()),
        ("population", (h * 4).to_string()),
        ("garbage_facilities", "yes".into()),
        ("garbage_technology", "yes".into()),
        (
            "garbage_cleaners",
            if i.is_multiple_of(7) { "no" } else { "yes" }.into(),
        ),
        ("garbage_funding", "yes".into()),
        ("garbage_supervision", "yes".into()),
        ("toilet_three_compartment", (h / 2).to_string()),
        ("toilet_double_urn", "10".into()),
        ("toilet_biogas", "0".into()),
        ("toilet_urine_diverting", "0".into()),
        ("toilet_double_pit", "5".into()),
        ("toilet_sewered_flush", "20".into()),
        ("toilet_other_sanitary", "10".into()),
        ("sewage_mode", "central".into()),
        ("sewage_households", (h / 3).to_string()),
        ("sewage_controlled", "yes".into()),
        ("manure_scattered_produced_t", "100".into()),
        ("manure_scattered_utilized_t", "70.5".into()),
    ];
    for (k, v) in answers {
        let f = form.field(k).expect("field");
        d.set(k, parse_input(f, &v).expect("value"));
    }
    d
}

/// A database with every village-level unit of the Xuchang register × 3 rounds.
fn build_db(dir: &Path) -> usize {
    let forms = FormSet::builtin();
    let form = forms.village_form().clone();
    let mut store = ruralenv::context::open_store(dir, &forms).expect("store");
    let villages = store
        .divisions_under(None, Some(Level::Village), false)
        .expect("villages");
    let mut n = 0;
    store
        .transaction(|s| {
            for round in ROUNDS {
                for (i, v) in villages.iter().enumerate() {
                    if v.code == VILLAGE && round == "2020" {
                        continue; // left for the form benchmark
                    }
                    let data = form.finalized_data(&record(&form, i));
                    let rev = Revision {
                        record_id: new_id(),
                        rev: 1,
                        parent_hash: None,
                        form_id: form.id.clone(),
                        form_version: form.version,
                        village_code: v.code.clone(),
                        round: round.to_string(),
                        finalized_at: now(),
                        finalized_by: "张三".into(),
                        changes: diff(&RecordData::default(), &data),
                        data,
                    };
                    s.merge_revision(&rev, &form)?;
                    n += 1;
                }
            }
            Ok(())
        })
        .expect("fill");
    n
}

fn options(dir: &Path, edit: bool) -> TuiOptions {
    TuiOptions {
        data_dir: dir.to_path_buf(),
        forms: FormSet::builtin(),
        lang: Some(Lang::Zh),
        surveyor: Some("张三".into()),
        edit: edit.then(|| EditTarget {
            village: VILLAGE.into(),
            round: "2020".into(),
            field: Some("households".into()),
        }),
    }
}

fn first_frame(dir: &Path, edit: bool) -> (Duration, Model, Effects) {
    let t0 = Instant::now();
    let (mut m, mut fx, cmds) = prepare(options(dir, edit)).expect("prepare");
    pump(&mut m, &mut fx, vec![Msg::Resize(80, 24)], cmds);
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    term.draw(|f| view::draw(&m, f)).expect("draw");
    (t0.elapsed(), m, fx)
}

struct Stats {
    p50: f64,
    p99: f64,
    max: f64,
    n: usize,
}

fn stats(mut v: Vec<Duration>) -> Stats {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| ms(v[((v.len() as f64 - 1.0) * q).round() as usize]);
    Stats {
        p50: at(0.5),
        p99: at(0.99),
        max: ms(*v.last().expect("samples")),
        n: v.len(),
    }
}

/// CPU time (user + system) used so far by this process's threads (`RUSAGE_SELF`) or by
/// its waited-for children (`RUSAGE_CHILDREN`): unlike the wall clock, it does not grow
/// when other programs share the cores.
#[cfg(unix)]
fn cpu(who: libc::c_int) -> Duration {
    // SAFETY: getrusage fills the struct it is given; a zeroed rusage is a valid start.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `u` is a valid, writable rusage.
    if unsafe { libc::getrusage(who, &mut u) } != 0 {
        return Duration::ZERO;
    }
    let t = |v: libc::timeval| Duration::new(v.tv_sec as u64, v.tv_usec as u32 * 1000);
    t(u.ru_utime) + t(u.ru_stime)
}

#[cfg(not(unix))]
fn cpu(_who: i32) -> Duration {
    Duration::ZERO
}

#[cfg(unix)]
const SELF: libc::c_int = libc::RUSAGE_SELF;
#[cfg(unix)]
const CHILDREN: libc::c_int = libc::RUSAGE_CHILDREN;
#[cfg(not(unix))]
const SELF: i32 = 0;
#[cfg(not(unix))]
const CHILDREN: i32 = 0;

fn show(what: &str, s: &Stats) {
    println!(
        "{what:<58} n={:<5} p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms",
        s.n, s.p50, s.p99, s.max
    );
}

fn key(code: KeyCode) -> Msg {
    let mods = if code == KeyCode::BackTab {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    Msg::Key(KeyEvent::new(code, mods))
}

/// Time each key from arrival to a drawn frame.
fn key_to_frame(
    m: &mut Model,
    fx: &mut Effects,
    keys: &[KeyCode],
    w: u16,
    h: u16,
) -> Vec<Duration> {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        let t0 = Instant::now();
        pump(m, fx, vec![key(*k)], Vec::new());
        term.draw(|f| view::draw(m, f)).expect("draw");
        out.push(t0.elapsed());
    }
    out
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t0 = Instant::now();
    let n = build_db(dir.path());
    println!(
        "setup: {n} finalized records ({} rounds) in {:.1} s",
        ROUNDS.len(),
        t0.elapsed().as_secs_f64()
    );
    dashboard_section(dir.path(), "411000000000", "xuchang");
    if let Some(d) = std::env::var_os("RURALENV_BENCH_DASHBOARD_DIR") {
        let unit = std::env::var("RURALENV_BENCH_DASHBOARD_UNIT").unwrap_or("410000000000".into());
        dashboard_section(Path::new(&d), &unit, "given data directory");
    }
    if std::env::args().any(|a| a == "dashboard") {
        return;
    }

    // Start to first frame.
    let mut home = Vec::new();
    let mut edit = Vec::new();
    for _ in 0..30 {
        home.push(first_frame(dir.path(), false).0);
        edit.push(first_frame(dir.path(), true).0);
    }
    show(
        "start → first frame, home (2,505 villages × 3 rounds)",
        &stats(home),
    );
    show("start → first frame, `edit` onto the form", &stats(edit));

    // Key to frame on the form: typing (no I/O) and leaving fields (commit + fsync).
    let (_, mut m, mut fx) = first_frame(dir.path(), true);
    let mut typing = Vec::new();
    for _ in 0..200 {
        typing.extend([KeyCode::Char('1'), KeyCode::Char('2'), KeyCode::Char('3')]);
        typing.extend([KeyCode::Backspace, KeyCode::Backspace, KeyCode::Backspace]);
    }
    show(
        "key → frame, typing in a form field (80×24)",
        &stats(key_to_frame(&mut m, &mut fx, &typing, 80, 24)),
    );
    show(
        "key → frame, typing in a form field (120×40)",
        &stats(key_to_frame(&mut m, &mut fx, &typing, 120, 40)),
    );
    let mut moving = Vec::new();
    for i in 0..100 {
        let d = char::from_digit(i % 10, 10).expect("digit");
        moving.extend([
            KeyCode::Char(d),
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Backspace,
        ]);
    }
    show(
        "key → frame, mixed with Tab commits (fsync) (80×24)",
        &stats(key_to_frame(&mut m, &mut fx, &moving, 80, 24)),
    );
    let commits: Vec<Duration> = {
        let mut out = Vec::new();
        let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        for i in 0..100 {
            let d = char::from_digit(i % 10, 10).expect("digit");
            pump(&mut m, &mut fx, vec![key(KeyCode::Char(d))], Vec::new());
            let t0 = Instant::now();
            pump(&mut m, &mut fx, vec![key(KeyCode::Tab)], Vec::new());
            term.draw(|f| view::draw(&m, f)).expect("draw");
            out.push(t0.elapsed());
            pump(
                &mut m,
                &mut fx,
                vec![key(KeyCode::BackTab), key(KeyCode::Backspace)],
                Vec::new(),
            );
        }
        out
    };
    show(
        "key → frame, Tab leaving a changed field (commit + fsync)",
        &stats(commits),
    );

    // Key to frame on home: moving through the register tree.
    let (_, mut m, mut fx) = first_frame(dir.path(), false);
    let mut moves = vec![KeyCode::Char('l'); 1];
    for _ in 0..100 {
        moves.extend([KeyCode::Char('j'), KeyCode::Char('l')]);
    }
    for _ in 0..200 {
        moves.push(KeyCode::Char('k'));
    }
    show(
        "key → frame, home tree j/k/l (80×24)",
        &stats(key_to_frame(&mut m, &mut fx, &moves, 80, 24)),
    );
}

/// The dashboard of `unit` for 2020: what the user waits for after `d` (the "computing"
/// frame), the load on the worker (store opened as the worker opens it), and the
/// `report` command for the same unit and round, best and median of a few runs.
fn dashboard_section(dir: &Path, unit: &str, what: &str) {
    const RUNS: usize = 5;
    let forms = FormSet::builtin();
    let mut loads = Vec::new();
    let mut lists = Vec::new();
    let mut frames = Vec::new();
    let mut reports = Vec::new();
    let mut lists_cpu = Vec::new();
    let mut reports_cpu = Vec::new();
    let out = tempfile::tempdir().expect("tempdir");
    for _ in 0..RUNS {
        // Key → frame: the load starts on the worker, the frame says "computing".
        let (mut m, mut fx, cmds) = prepare(TuiOptions {
            data_dir: dir.to_path_buf(),
            forms: forms.clone(),
            lang: Some(Lang::Zh),
            surveyor: Some("统计员".into()),
            edit: None,
        })
        .expect("prepare");
        pump(&mut m, &mut fx, vec![Msg::Resize(80, 24)], cmds);
        let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        let c0 = cpu(SELF);
        let t0 = Instant::now();
        pump(
            &mut m,
            &mut fx,
            Vec::new(),
            vec![ruralenv::tui::shared::Cmd::LoadDashboard {
                unit: unit.into(),
                round: "2020".into(),
            }],
        );
        term.draw(|f| view::draw(&m, f)).expect("draw");
        frames.push(t0.elapsed());
        // The figures (township roll-up tables), until the dashboard is drawn.
        let first = fx.wait_dashboard_step().expect("figures");
        pump(&mut m, &mut fx, vec![first], Vec::new());
        term.draw(|f| view::draw(&m, f)).expect("draw");
        loads.push(t0.elapsed());
        assert!(
            m.dashboard.as_ref().is_some_and(|d| d.view.is_some()),
            "the dashboard did not load"
        );
        // Then the village lists (holds back, unreported): one pass over the villages.
        let rest = fx.wait_dashboard();
        pump(&mut m, &mut fx, rest, Vec::new());
        term.draw(|f| view::draw(&m, f)).expect("draw");
        lists.push(t0.elapsed());
        lists_cpu.push(cpu(SELF).saturating_sub(c0));
        assert!(
            m.dashboard
                .as_ref()
                .and_then(|d| d.view.as_ref())
                .is_some_and(|v| !v.data.villages_pending),
            "the village lists did not load"
        );
        // The report command, same unit and round.
        let file = out.path().join("report.json");
        let c0 = cpu(CHILDREN);
        let t0 = Instant::now();
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_ruralenv"))
            .arg("--data-dir")
            .arg(dir)
            .args([
                "report", "--round", "2020", "--under", unit, "--format", "json",
            ])
            .arg("--out")
            .arg(&file)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("report");
        assert!(status.success(), "report failed");
        reports.push(t0.elapsed());
        reports_cpu.push(cpu(CHILDREN).saturating_sub(c0));
    }
    println!("dashboard of {unit}, round 2020 ({what}):");
    show("  d → frame saying \"computing\"", &stats(frames));
    show("  d → dashboard drawn (figures, worker)", &stats(loads));
    show(
        "  d → village lists drawn (holds back, unreported)",
        &stats(lists),
    );
    show("  `report --format json` (process)", &stats(reports));
    // The same, as CPU time: what the wall clock would be on idle cores (both threads of
    // the dashboard's load counted).
    show(
        "  CPU: d → village lists drawn (all threads)",
        &stats(lists_cpu),
    );
    show(
        "  CPU: `report --format json` (process)",
        &stats(reports_cpu),
    );
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "  load average during the run: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
}
