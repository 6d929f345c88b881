//! Crash test: a child process commits fields in a loop and reports each commit on
//! stdout; the parent kills it with SIGKILL at random moments, 50 times. Every reported
//! field must be in the database afterwards, and `PRAGMA integrity_check` must say ok.
//!
//! The child is this test binary itself, running the ignored `crash_child` test with
//! `RURALENV_CRASH_CHILD` set to the data directory.

use rand::{Rng, SeedableRng};
use ruralenv::forms::FormSet;
use ruralenv::forms::record::RecordData;
use ruralenv::forms::value::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

const VILLAGE: &str = "411003003204";

fn record_id(store: &mut ruralenv::store::Store, forms: &FormSet) -> String {
    let existing = store.records_of("village", VILLAGE, "2020").unwrap();
    match existing.into_iter().find(|r| r.has_draft) {
        Some(r) => r.record_id,
        None => store
            .create_record(
                forms.village_form(),
                VILLAGE,
                "2020",
                "crash",
                &RecordData::default(),
            )
            .unwrap(),
    }
}

#[test]
#[ignore = "run by `crash_kill_50_times` as a child process"]
fn crash_child() {
    let Ok(dir) = std::env::var("RURALENV_CRASH_CHILD") else {
        return;
    };
    let forms = FormSet::builtin();
    let mut store = ruralenv::context::open_store(dir.as_ref(), &forms).unwrap();
    let id = record_id(&mut store, &forms);
    // Go on from the stored value, so that every child writes a larger population than
    // any child before it: a commit that landed without being reported (killed between
    // the commit and the line) is then always newer than the last report. Starting at 0
    // again made a later child's unreported 1 look like a lost 27.
    let start = match store.draft_data(&id).unwrap().get("population") {
        Value::Int(p) => *p as u64 + 1,
        _ => 0,
    };
    let out = std::io::stdout();
    for i in start.. {
        // Alternate a new group row (a field that never existed) with a top-level field.
        if i % 2 == 0 {
            let row = store.add_draft_row(&id, "farms").unwrap();
            store
                .set_draft_value(
                    &id,
                    Some(("farms", &row)),
                    "head_count",
                    &Value::Int(i as i64),
                    "crash",
                )
                .unwrap();
            writeln!(out.lock(), "COMMIT row {row} {i}").unwrap();
        } else {
            store
                .set_draft_value(&id, None, "population", &Value::Int(i as i64), "crash")
                .unwrap();
            writeln!(out.lock(), "COMMIT population {i}").unwrap();
        }
        out.lock().flush().unwrap();
    }
}

#[test]
fn crash_kill_50_times() {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    // The kill moments come from this seed: printed, and replayable with
    // RURALENV_CRASH_SEED=N (the machine's load still moves what each moment hits).
    let seed = std::env::var("RURALENV_CRASH_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("crash_kill_50_times: seed {seed} (replay: RURALENV_CRASH_SEED={seed})");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut rows: BTreeMap<String, i64> = BTreeMap::new();
    let mut last_population: Option<i64> = None;
    let mut total = 0;
    for round in 0..50 {
        let mut child = Command::new(&exe)
            .args([
                "crash_child",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("RURALENV_CRASH_CHILD", dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut lines = Vec::new();
            for line in BufReader::new(stdout).lines() {
                match line {
                    Ok(l) if l.starts_with("COMMIT ") => lines.push(l),
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
            lines
        });
        // Early rounds die during start-up sometimes; later ones mid-stream.
        let wait = if round % 10 == 0 {
            rng.random_range(1..30)
        } else {
            rng.random_range(30..400)
        };
        std::thread::sleep(Duration::from_millis(wait));
        child.kill().unwrap(); // SIGKILL on unix
        child.wait().unwrap();
        for line in reader.join().unwrap() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            match parts.as_slice() {
                ["COMMIT", "row", id, v] => {
                    rows.insert(id.to_string(), v.parse().unwrap());
                }
                ["COMMIT", "population", v] => last_population = Some(v.parse().unwrap()),
                _ => panic!("unexpected line {line}"),
            }
            total += 1;
        }
    }
    assert!(
        total > 50,
        "the children committed too little to mean anything ({total})"
    );

    let forms = FormSet::builtin();
    let mut store = ruralenv::context::open_store(dir.path(), &forms).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let id = record_id(&mut store, &forms);
    let data = store.draft_data(&id).unwrap();
    let stored: BTreeMap<String, Value> = data
        .rows("farms")
        .iter()
        .map(|r| {
            (
                r.id.clone(),
                r.values.get("head_count").cloned().unwrap_or_default(),
            )
        })
        .collect();
    for (row, v) in &rows {
        assert_eq!(
            stored.get(row),
            Some(&Value::Int(*v)),
            "reported row {row} = {v} was lost"
        );
    }
    if let Some(p) = last_population {
        // A later commit may have landed after the last report, never an earlier state.
        let Value::Int(got) = data.get("population") else {
            panic!("population lost")
        };
        assert!(*got >= p, "population {got} is older than the reported {p}");
    }
    println!("{total} reported commits over 50 kills, all present");
}
