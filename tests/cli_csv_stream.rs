//! `records import-csv` streams: each village is stored inside the import's transaction as
//! its row arrives, farms files are joined to villages by code whatever their order, and a
//! bad row anywhere, even the last of a large file, leaves the database exactly as it was.

mod cli_support;

use cli_support::{FARMS_HEADER, HEADER, bin_en as bin, import_csv, show, stderr_of};
use serde_json::Value;
use std::path::Path;

fn import(dir: &Path, main: &Path, farms: Option<&Path>) -> assert_cmd::assert::Assert {
    import_csv(bin(dir), main, farms)
}

fn report(dir: &Path) -> Value {
    cli_support::report(dir, "411000000000")
}

fn row(village: &str, households: i64, notes: &str) -> String {
    format!(
        "{village},2020-06-15,王建国,{households},700,yes,yes,yes,yes,yes,100,20,0,0,5,45,10,central,120,yes,100,60.5,{notes}\n"
    )
}

fn farm(village: &str, name: &str, head: i64) -> String {
    format!("{village},{name},pig,{head},yes,1000,900\n")
}

/// In-scope villages of Xuchang (the built-in register), in code order.
fn villages(dir: &Path) -> Vec<String> {
    let out = bin(dir)
        .args([
            "divisions",
            "--under",
            "411000000000",
            "--level",
            "village",
            "--in-scope",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect()
}

/// Every row of every table of the database, sorted: equal dumps are equal databases.
fn dump(dir: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(dir.join("ruralenv.db")).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut cells = vec![t.clone()];
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    cells.push(format!("{v:?}"));
                }
                Ok(cells.join("|"))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.sort();
        out.extend(rows);
    }
    out
}

fn farm_names(dir: &Path, village: &str) -> Vec<String> {
    show(dir, village)["records"][0]["values"]["farms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["farm_name"].as_str().unwrap().to_string())
        .collect()
}

/// A database holding a first import (3 villages, farms), as the county has after a
/// round's first delivery.
fn seeded(t: &Path, vs: &[String]) -> std::path::PathBuf {
    let d = t.join("d");
    let main = t.join("first.csv");
    let farms = t.join("first_farms.csv");
    let mut text = format!("{HEADER}\n");
    for v in &vs[..3] {
        text.push_str(&row(v, 200, "first"));
    }
    std::fs::write(&main, text).unwrap();
    std::fs::write(
        &farms,
        format!("{FARMS_HEADER}\n{}", farm(&vs[0], "老场", 600)),
    )
    .unwrap();
    import(&d, &main, Some(&farms)).success();
    d
}

#[test]
fn a_bad_row_at_the_end_of_a_large_file_leaves_the_database_and_township_sums_unchanged() {
    let t = tempfile::tempdir().unwrap();
    let vs = villages(&t.path().join("reg"));
    assert!(vs.len() > 1000, "{}", vs.len());
    let d = seeded(t.path(), &vs);
    let before = dump(&d);
    let report_before = report(&d);
    // 1,000 good villages (three of them already stored, so they get a second revision),
    // then one bad one: every good village was stored in the transaction before the bad
    // row was read, and all of it must be rolled back.
    let main = t.path().join("big.csv");
    let farms = t.path().join("big_farms.csv");
    let mut text = format!("{HEADER}\n");
    let mut ftext = format!("{FARMS_HEADER}\n");
    for v in &vs[..1000] {
        text.push_str(&row(v, 210, "second"));
        ftext.push_str(&farm(v, "新场", 700));
    }
    text.push_str(&row(&vs[1000], -5, "bad"));
    std::fs::write(&main, &text).unwrap();
    std::fs::write(&farms, &ftext).unwrap();
    let err = stderr_of(import(&d, &main, Some(&farms)));
    assert!(
        err.contains(&format!("1002: {}: households: ", vs[1000])),
        "{err}"
    );
    assert!(err.contains("1 problem(s); nothing was imported"), "{err}");
    assert_eq!(dump(&d), before, "the database is exactly as before");
    assert_eq!(report(&d), report_before, "the township sums are as before");

    // A bad farm row for the last village (the farms file's last line) does the same.
    let mut text = format!("{HEADER}\n");
    for v in &vs[..1001] {
        text.push_str(&row(v, 210, "second"));
    }
    ftext.push_str(&format!("{},坏场,pig,-1,yes,1,1\n", vs[1000]));
    std::fs::write(&main, &text).unwrap();
    std::fs::write(&farms, &ftext).unwrap();
    let err = stderr_of(import(&d, &main, Some(&farms)));
    assert!(
        err.contains(&format!(
            "big_farms.csv:1002: {}: farms.head_count: ",
            vs[1000]
        )),
        "{err}"
    );
    assert_eq!(dump(&d), before, "the database is exactly as before");

    // The same file without the bad rows imports, and the figures change.
    let mut ftext = format!("{FARMS_HEADER}\n");
    for v in &vs[..1001] {
        ftext.push_str(&farm(v, "新场", 700));
    }
    std::fs::write(&farms, &ftext).unwrap();
    let out = import(&d, &main, Some(&farms)).success();
    let out = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        out.contains("1001 villages for round 2020: 998 new, 3 updated, 0 unchanged"),
        "{out}"
    );
    assert_ne!(report(&d), report_before);
    let v0 = show(&d, &vs[0]);
    assert_eq!(v0["records"][0]["revision"], 2, "{v0}");
    assert_eq!(farm_names(&d, &vs[0]), ["新场"]);
}

#[test]
fn farms_in_another_order_than_the_villages_join_by_code() {
    let t = tempfile::tempdir().unwrap();
    let vs = villages(&t.path().join("reg"));
    let d = t.path().join("d");
    let main = t.path().join("v.csv");
    let farms = t.path().join("f.csv");
    let mut text = format!("{HEADER}\n");
    for v in &vs[..4] {
        text.push_str(&row(v, 200, ""));
    }
    std::fs::write(&main, text).unwrap();
    // Farms in reverse and interleaved order; village 1 has none.
    let ftext = format!(
        "{FARMS_HEADER}\n{}{}{}{}{}",
        farm(&vs[3], "丁一", 500),
        farm(&vs[0], "甲一", 501),
        farm(&vs[2], "丙一", 502),
        farm(&vs[0], "甲二", 503),
        farm(&vs[3], "丁二", 504),
    );
    std::fs::write(&farms, ftext).unwrap();
    import(&d, &main, Some(&farms)).success();
    assert_eq!(farm_names(&d, &vs[0]), ["甲一", "甲二"]);
    assert_eq!(farm_names(&d, &vs[1]), Vec::<String>::new());
    assert_eq!(farm_names(&d, &vs[2]), ["丙一"]);
    assert_eq!(farm_names(&d, &vs[3]), ["丁一", "丁二"]);
    let heads: Vec<i64> = show(&d, &vs[0])["records"][0]["values"]["farms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["head_count"].as_i64().unwrap())
        .collect();
    assert_eq!(heads, [501, 503], "each row keeps its own values");
}

#[test]
fn a_farm_row_without_its_village_row_is_refused_and_nothing_is_stored() {
    let t = tempfile::tempdir().unwrap();
    let vs = villages(&t.path().join("reg"));
    let d = seeded(t.path(), &vs);
    let before = dump(&d);
    let main = t.path().join("v.csv");
    let farms = t.path().join("f.csv");
    std::fs::write(
        &main,
        format!("{HEADER}\n{}{}", row(&vs[5], 200, ""), row(&vs[6], 200, "")),
    )
    .unwrap();
    std::fs::write(
        &farms,
        format!(
            "{FARMS_HEADER}\n{}{}",
            farm(&vs[6], "有村", 500),
            farm(&vs[7], "无村", 500)
        ),
    )
    .unwrap();
    let err = stderr_of(import(&d, &main, Some(&farms)));
    assert!(
        err.contains(&format!(
            "f.csv:3: {}: village_code: no row for this village in",
            vs[7]
        )),
        "{err}"
    );
    assert!(err.contains("1 problem(s)"), "{err}");
    assert_eq!(dump(&d), before);
}

#[test]
fn silent_wrong_data_errors_stop_at_the_cap_with_the_count_and_nothing_is_stored() {
    let t = tempfile::tempdir().unwrap();
    let vs = villages(&t.path().join("reg"));
    let d = seeded(t.path(), &vs);
    let before = dump(&d);
    let main = t.path().join("v.csv");
    // Good villages first (stored, then rolled back), then 300 villages that fail the
    // form's validation (more households than people: one error each), then a duplicate.
    let mut text = format!("{HEADER}\n");
    for v in &vs[..100] {
        text.push_str(&row(v, 200, ""));
    }
    for v in &vs[100..400] {
        text.push_str(&row(v, 800, ""));
    }
    text.push_str(&row(&vs[0], 200, ""));
    std::fs::write(&main, text).unwrap();
    let err = stderr_of(import(&d, &main, None));
    let listed = err
        .lines()
        .filter(|l| vs[100..400].iter().any(|v| l.contains(&format!(": {v}: "))))
        .count();
    assert_eq!(listed, 200, "the list stops at 200: {err}");
    assert!(err.contains("… and 101 more"), "{err}");
    assert!(
        err.contains("301 problem(s); nothing was imported"),
        "{err}"
    );
    assert_eq!(dump(&d), before);
}
