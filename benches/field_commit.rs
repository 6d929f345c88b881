//! Field commit benchmark: one field left in the form = one `set_draft_value`, fsync
//! included, against the floor: the same single-row commit done with bare rusqlite on a
//! database with the same pragmas (WAL, synchronous=FULL). Prints medians and p99.
//!
//! Run: `cargo bench --bench field_commit`

use ruralenv::forms::FormSet;
use ruralenv::forms::record::RecordData;
use ruralenv::forms::value::Value;
use std::time::Instant;

const N: usize = 400;

fn stats(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (v[v.len() / 2], v[(v.len() * 99) / 100])
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let forms = FormSet::builtin();
    let mut store = ruralenv::context::open_store(dir.path(), &forms).unwrap();
    let id = store
        .create_record(
            forms.village_form(),
            "411003003204",
            "2020",
            "bench",
            &RecordData::default(),
        )
        .unwrap();
    let floor_dir = tempfile::tempdir().unwrap();
    let conn = rusqlite::Connection::open(floor_dir.path().join("floor.db")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute_batch("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
        .unwrap();
    // Interleaved, so both see the same disk and machine load.
    let mut ours = Vec::with_capacity(N);
    let mut floor = Vec::with_capacity(N);
    for i in 0..N {
        let t = Instant::now();
        store
            .set_draft_value(&id, None, "households", &Value::Int(i as i64), "bench")
            .unwrap();
        ours.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        conn.execute(
            "INSERT INTO kv(k, v) VALUES ('households', ?1) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
            [i.to_string()],
        )
        .unwrap();
        floor.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let (om, o99) = stats(ours);
    let (fm, f99) = stats(floor);
    println!("field commit (fsync included), {N} commits each");
    println!("  ruralenv set_draft_value : median {om:.3} ms, p99 {o99:.3} ms");
    println!("  bare rusqlite upsert     : median {fm:.3} ms, p99 {f99:.3} ms");
    println!(
        "  ratio (median)           : {:.2}x (budget: within 2x)",
        om / fm
    );
}
