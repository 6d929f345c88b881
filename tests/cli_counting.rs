//! What counts (issue 10), through the real binary: rounds validated (exit 2, nothing
//! changed), `review approve | return` and what a return does to every figure, the record's
//! history in `records show`, a return travelling between installations and back, reviews
//! refused while a village is in conflict, and the same figures in every report format.
//!
//! The villages (邓庄街道 411003003000, fifteen villages in scope) and what each contributes,
//! worked out by hand from the CSV rows below (numerator / denominator):
//!
//! | village | garbage | harmless toilets | sanitary toilets | manure | scale farms | sewage ctl |
//! | --- | --- | --- | --- | --- | --- | --- |
//! | 204 (200 households) | 1/1 | 100+20+5+45 = 170/200 | 180/200 | 60.5+900 / 100+1000 | pig 500: 1/1 | 1/1 |
//! | 204 fixed (210 households) | 1/1 | 170/210 | 180/210 | 960.5/1100 | 1/1 | 1/1 |
//! | 205 (150) | technology no: 0/1 | 60/150 | 90/150 | 0+40 / 0+50 | layer 5000 unmatched: 0/1 | 0/1 |
//! | 206 (320) | supervision no: 0/1 | 200+10 = 210/320 | 250/320 | 250/300 | none 0/0 | 1/1 |
//! | 207 (90) | facilities no: 0/1 | 10/90 | 15/90 | 12.5/12.5 | none 0/0 | 0/1 |
//!
//! Coverage's numerator is the number of villages reported.

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};
use predicates::str::contains;
use ruralenv::forms::FormSet;
use ruralenv::forms::value::Value as FieldValue;
use ruralenv::store::FinalizeResult;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

const HEADER: &str = "village_code,survey_date,surveyor,households,population,garbage_facilities,garbage_technology,garbage_cleaners,garbage_funding,garbage_supervision,toilet_three_compartment,toilet_double_urn,toilet_biogas,toilet_urine_diverting,toilet_double_pit,toilet_sewered_flush,toilet_other_sanitary,sewage_mode,sewage_households,sewage_controlled,manure_scattered_produced_t,manure_scattered_utilized_t,notes";
const TOWNSHIP: &str = "411003003000";
const COUNTY: &str = "411003000000";
const V204: &str = "411003003204";
const V208: &str = "411003003208";

const ROW_204: &str = "411003003204,2020-06-15,王建国,200,700,yes,yes,yes,yes,yes,100,20,0,0,5,45,10,central,120,yes,100,60.5,大罗庄";
const ROW_204_FIXED: &str = "411003003204,2020-06-15,王建国,210,700,yes,yes,yes,yes,yes,100,20,0,0,5,45,10,central,120,yes,100,60.5,大罗庄";
const ROW_205: &str =
    "411003003205,2020-06-16,王建国,150,520,yes,no,yes,yes,yes,60,0,0,0,0,0,30,none,,no,0,0,";
const ROW_206: &str = "411003003206,2020-06-18,李秀英,320,1100,yes,yes,yes,yes,no,200,0,10,0,0,0,40,decentral,200,yes,300,250,";
const ROW_207: &str = "411003003207,2020-06-19,李秀英,90,300,no,no,yes,yes,yes,10,0,0,0,0,0,5,none,,no,12.5,12.5,山区村";

const FARMS_ONE: &str = "village_code,farm_name,species,head_count,facilities_matched,manure_produced_t,manure_utilized_t\n\
411003003204,红旗养猪场,pig,500,yes,1000,900\n\
411003003205,蛋鸡场,layer,5000,no,50,40\n";

/// Surveyor 1 (王建国): villages 204 and 205 with farms. Surveyor 2 (李秀英): 206 and 207.
fn csv_one() -> String {
    format!("{HEADER}\n{ROW_204}\n{ROW_205}\n")
}

fn csv_two() -> String {
    format!("{HEADER}\n{ROW_206}\n{ROW_207}\n")
}

/// The indicators with a numerator and denominator of their own (coverage is checked
/// against `villages_reported`).
const IDS: [&str; 6] = [
    "garbage_effective",
    "toilet_harmless",
    "toilet_sanitary",
    "manure_utilization",
    "farm_facilities",
    "sewage_controlled",
];

type Contribution = [(f64, f64); 6];

/// Each village's contribution, from the table at the top of this file.
const C204: Contribution = [
    (1.0, 1.0),
    (170.0, 200.0),
    (180.0, 200.0),
    (960.5, 1100.0),
    (1.0, 1.0),
    (1.0, 1.0),
];
const C204_FIXED: Contribution = [
    (1.0, 1.0),
    (170.0, 210.0),
    (180.0, 210.0),
    (960.5, 1100.0),
    (1.0, 1.0),
    (1.0, 1.0),
];
const C205: Contribution = [
    (0.0, 1.0),
    (60.0, 150.0),
    (90.0, 150.0),
    (40.0, 50.0),
    (0.0, 1.0),
    (0.0, 1.0),
];
const C206: Contribution = [
    (0.0, 1.0),
    (210.0, 320.0),
    (250.0, 320.0),
    (250.0, 300.0),
    (0.0, 0.0),
    (1.0, 1.0),
];
const C207: Contribution = [
    (0.0, 1.0),
    (10.0, 90.0),
    (15.0, 90.0),
    (12.5, 12.5),
    (0.0, 0.0),
    (0.0, 1.0),
];

/// What a unit must report when exactly these villages count.
#[derive(Debug, PartialEq)]
struct Figures {
    reported: u64,
    indicators: BTreeMap<String, (f64, f64)>,
}

fn expected(villages: &[Contribution]) -> Figures {
    let mut indicators: BTreeMap<String, (f64, f64)> =
        IDS.iter().map(|id| (id.to_string(), (0.0, 0.0))).collect();
    for v in villages {
        for (id, (n, d)) in IDS.iter().zip(v) {
            let e = indicators.get_mut(*id).unwrap();
            e.0 += n;
            e.1 += d;
        }
    }
    Figures {
        reported: villages.len() as u64,
        indicators,
    }
}

/// The figures of one unit of a `report --format json` document.
fn figures(doc: &Value, code: &str) -> Figures {
    let unit = doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == code)
        .unwrap_or_else(|| panic!("{code} not in the report: {doc}"));
    let reported = unit["villages_reported"].as_u64().unwrap();
    let mut indicators = BTreeMap::new();
    for i in unit["indicators"].as_array().unwrap() {
        let id = i["id"].as_str().unwrap();
        let pair = (
            i["numerator"].as_f64().unwrap(),
            i["denominator"].as_f64().unwrap(),
        );
        if id == "coverage" {
            assert_eq!(pair.0, reported as f64, "{code}: coverage = reported: {i}");
        } else {
            indicators.insert(id.to_string(), pair);
        }
    }
    Figures {
        reported,
        indicators,
    }
}

fn bin(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("ruralenv").unwrap();
    c.arg("--data-dir")
        .arg(dir)
        .env_remove("RURALENV_SURVEYOR")
        .env_remove("RURALENV_DATA_DIR");
    c
}

fn stdout(c: &mut Command) -> String {
    let out = c.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

fn write(t: &Path, name: &str, text: &str) -> PathBuf {
    let p = t.join(name);
    fs::write(&p, text).unwrap();
    p
}

/// Loads a surveyor's CSV (and farms) into `dir` as `name`.
fn survey(t: &Path, dir: &Path, name: &str, csv: &str, farms: Option<&str>) -> String {
    let main = write(t, &format!("{name}.csv"), csv);
    let mut c = bin(dir);
    c.args(["--surveyor", name, "records", "import-csv"])
        .arg(&main)
        .args(["--round", "2020"]);
    if let Some(f) = farms {
        let p = write(t, &format!("{name}.farms.csv"), f);
        c.arg("--group").arg(format!("farms={}", p.display()));
    }
    stdout(&mut c)
}

fn export(dir: &Path, under: &str, out: &Path) {
    bin(dir)
        .args(["export", "--under", under, "--round", "2020", "--out"])
        .arg(out)
        .assert()
        .success();
}

fn key(dir: &Path) -> String {
    let out = stdout(bin(dir).args(["key", "show"]));
    out.lines().next().unwrap().to_string()
}

fn trust(dir: &Path, key: &str, scope: &str, name: &str) {
    bin(dir)
        .args(["trust", "add", key, "--scope", scope, "--name", name])
        .assert()
        .success();
}

fn import(dir: &Path, files: &[&Path]) {
    let mut c = bin(dir);
    c.arg("import");
    for f in files {
        c.arg(f);
    }
    c.assert().success();
}

/// `report --format json` under the county, without the time it was made.
fn report(dir: &Path) -> Value {
    let out = stdout(bin(dir).args([
        "report", "--round", "2020", "--under", COUNTY, "--format", "json",
    ]));
    let mut v: Value = serde_json::from_str(&out).unwrap();
    v.as_object_mut().unwrap().remove("generated_at");
    v
}

fn show(dir: &Path, village: &str) -> Value {
    let out = stdout(bin(dir).args([
        "records", "show", village, "--round", "2020", "--format", "json",
    ]));
    serde_json::from_str(&out).unwrap()
}

fn records(doc: &Value) -> &Vec<Value> {
    doc["records"].as_array().unwrap()
}

/// The only record of a village's `records show` document.
fn only_record(doc: &Value) -> &Value {
    let list = records(doc);
    assert_eq!(list.len(), 1, "one record expected: {doc:#}");
    &list[0]
}

/// A record's history as (event, rev) pairs, after checking that it is oldest first.
/// Pairs in the same second are put in a fixed order: times have second resolution, so the
/// order of events within one second is not something a test can rely on.
fn events(record: &Value) -> Vec<(String, u64)> {
    let history = record["history"].as_array().unwrap();
    let at = |e: &Value| {
        e["at"]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .unwrap_or_else(|_| panic!("not a time: {e}"))
    };
    let mut out: Vec<(jiff::Timestamp, u8, String, u64)> = Vec::new();
    for (i, e) in history.iter().enumerate() {
        if i > 0 {
            assert!(at(&history[i - 1]) <= at(e), "oldest first: {history:#?}");
        }
        let event = e["event"].as_str().unwrap().to_string();
        let rank = match event.as_str() {
            "finalized" => 0,
            "fork_resolved" | "duplicate_resolved" => 1,
            _ => 2,
        };
        out.push((at(e), rank, event, e["rev"].as_u64().unwrap()));
    }
    out.sort_by_key(|a| (a.0, a.3, a.1));
    out.into_iter().map(|(_, _, e, r)| (e, r)).collect()
}

/// The history event of a record matching (event, rev).
fn event<'a>(record: &'a Value, name: &str, rev: u64) -> &'a Value {
    let found: Vec<&Value> = record["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == name && e["rev"] == rev)
        .collect();
    assert_eq!(found.len(), 1, "one {name} of rev {rev}: {record:#}");
    found[0]
}

fn ev(list: &[(&str, u64)]) -> Vec<(String, u64)> {
    list.iter().map(|(e, r)| (e.to_string(), *r)).collect()
}

fn review(dir: &Path, who: &str, args: &[&str]) -> assert_cmd::assert::Assert {
    bin(dir)
        .args(["--surveyor", who, "review"])
        .args(args)
        .assert()
}

/// One data directory with the four villages of both surveyors.
fn four_villages(t: &Path) -> PathBuf {
    let d = t.join("d");
    survey(
        t,
        &d,
        "王建国",
        &format!("{HEADER}\n{ROW_204}\n{ROW_205}\n{ROW_206}\n{ROW_207}\n"),
        Some(FARMS_ONE),
    );
    d
}

/// A new revision of the village's only record, as the surveyor makes it in the TUI
/// (open the finalized record, change households, finalize), through the library.
fn fix_in_store(dir: &Path, village: &str, households: i64, who: &str) {
    let forms = FormSet::builtin();
    let form = forms.village_form();
    let mut store = ruralenv::context::open_store(dir, &forms).unwrap();
    let list = store.records_of(&form.id, village, "2020").unwrap();
    assert_eq!(list.len(), 1);
    let id = &list[0].record_id;
    store.start_revision(id, who).unwrap();
    store
        .set_draft_value(id, None, "households", &FieldValue::Int(households), who)
        .unwrap();
    let r = store.finalize(id, form, who).unwrap();
    assert!(matches!(r, FinalizeResult::Finalized(_)), "{r:?}");
}

/// The surveyor's fix of village 204 (households 200 → 210) through `records import-csv`.
fn fix_by_csv(t: &Path, dir: &Path, who: &str) {
    survey(t, dir, who, &format!("{HEADER}\n{ROW_204_FIXED}\n"), None);
    let doc = show(dir, V204);
    assert_eq!(
        records(&doc).len(),
        1,
        "a new revision of the returned record, not a new record: {doc:#}"
    );
}

// ------------------------------------------------------------------ rounds

#[test]
fn bad_rounds_are_bad_usage_and_change_nothing() {
    let t = tempfile::tempdir().unwrap();
    let d = four_villages(t.path());
    let csv = write(
        t.path(),
        "more.csv",
        &format!("{HEADER}\n{ROW_204_FIXED}\n"),
    );
    let before = (
        report(&d),
        show(&d, V204),
        stdout(bin(&d).args(["records", "export-csv", "--round", "2020"])),
    );
    let out = t.path().join("out.renv");
    let empty = t.path().join("empty");
    for round in [
        "abc", "2020年", "1999", "2100", "20201", "", "0202", " 2020",
    ] {
        let commands: Vec<Vec<&str>> = vec![
            vec!["report", "--round", round],
            vec!["records", "show", V204, "--round", round],
            vec!["records", "export-csv", "--round", round],
            vec!["conflicts", "--round", round],
            vec!["review", "approve", V204, "--round", round],
            vec!["review", "return", V204, "--round", round, "--comment", "x"],
        ];
        for args in commands {
            bin(&d)
                .args(&args)
                .assert()
                .code(2)
                .stderr(contains("2000"))
                .stderr(contains("2099"));
        }
        bin(&d)
            .args(["records", "import-csv"])
            .arg(&csv)
            .args(["--round", round])
            .assert()
            .code(2);
        bin(&d)
            .args(["export", "--under", TOWNSHIP, "--round", round, "--out"])
            .arg(&out)
            .assert()
            .code(2);
        assert!(!out.exists(), "no bundle for round {round:?}");
        bin(&d)
            .args(["edit", V204, "--round", round])
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .code(2);
        bin(&empty)
            .args(["demo", "--under", TOWNSHIP, "--round", round])
            .assert()
            .code(2)
            .stderr(contains("2000"));
        assert!(
            !empty.join("ruralenv.db").exists(),
            "demo --round {round:?} made no database"
        );
    }
    // English with --lang en, and the round is named.
    bin(&d)
        .args(["--lang", "en", "report", "--round", "abc"])
        .assert()
        .code(2)
        .stderr(contains("'abc'"))
        .stderr(contains("four-digit year from 2000 to 2099"));
    let after = (
        report(&d),
        show(&d, V204),
        stdout(bin(&d).args(["records", "export-csv", "--round", "2020"])),
    );
    assert_eq!(after, before, "nothing changed");
    assert_eq!(figures(&before.0, TOWNSHIP).reported, 4);

    // Good rounds work, at both ends of the range.
    for round in ["2000", "2099"] {
        bin(&d)
            .args(["report", "--round", round, "--format", "json"])
            .assert()
            .success();
    }
    bin(&empty)
        .args(["demo", "--under", TOWNSHIP, "--round", "2021"])
        .assert()
        .success();
    assert!(empty.join("ruralenv.db").exists());
}

/// A copy of the shipped forms whose targets.toml declares `rounds`.
fn forms_with_rounds(t: &Path, rounds: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let dst = t.join("forms");
    copy_dir(&src, &dst);
    let targets = fs::read_to_string(dst.join("targets.toml")).unwrap();
    fs::write(
        dst.join("targets.toml"),
        format!("rounds = {rounds}\n\n{targets}"),
    )
    .unwrap();
    dst
}

fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for e in fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            fs::copy(e.path(), &to).unwrap();
        }
    }
}

#[test]
fn declared_rounds_replace_the_years_and_bundles_of_other_rounds_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let forms = forms_with_rounds(t.path(), r#"["2020-h1", "2020-h2"]"#);
    bin(t.path())
        .args(["forms", "check"])
        .arg(&forms)
        .assert()
        .success();
    let half = t.path().join("half");
    let csv = write(t.path(), "v.csv", &csv_one());
    let farms = write(t.path(), "farms.csv", FARMS_ONE);
    let with_forms = |dir: &Path| {
        let mut c = bin(dir);
        c.arg("--forms").arg(&forms);
        c
    };
    with_forms(&half)
        .args(["records", "import-csv"])
        .arg(&csv)
        .args(["--round", "2020-h1", "--group"])
        .arg(format!("farms={}", farms.display()))
        .assert()
        .success();
    // A plain year is not a round of this survey; the message lists the declared ones.
    for args in [
        vec!["report", "--round", "2020"],
        vec!["records", "show", V204, "--round", "2020"],
        vec!["review", "approve", V204, "--round", "2020"],
        vec!["report", "--round", "2020-h3"],
    ] {
        with_forms(&half)
            .args(&args)
            .assert()
            .code(2)
            .stderr(contains("2020-h1"))
            .stderr(contains("2020-h2"));
    }
    let out = stdout(with_forms(&half).args([
        "report", "--round", "2020-h1", "--under", TOWNSHIP, "--format", "json",
    ]));
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["round"], "2020-h1");
    assert_eq!(figures(&doc, TOWNSHIP), expected(&[C204, C205]));

    // A 2020-h1 bundle: an installation with the years refuses it, naming the round.
    let b = t.path().join("half.renv");
    with_forms(&half)
        .args(["export", "--under", TOWNSHIP, "--round", "2020-h1", "--out"])
        .arg(&b)
        .assert()
        .success();
    let years = t.path().join("years");
    trust(&years, &key(&half), TOWNSHIP, "半年轮");
    bin(&years)
        .arg("import")
        .arg(&b)
        .assert()
        .code(1)
        .stderr(contains("2020-h1"));
    let store = ruralenv::context::open_store(&years, &FormSet::builtin()).unwrap();
    assert_eq!(
        store.rounds().unwrap(),
        Vec::<String>::new(),
        "nothing stored"
    );
    drop(store);

    // And a 2020 bundle into an installation whose forms declare half-years.
    let plain = t.path().join("plain");
    survey(t.path(), &plain, "王建国", &csv_one(), None);
    let b2020 = t.path().join("plain.renv");
    export(&plain, TOWNSHIP, &b2020);
    trust(&half, &key(&plain), TOWNSHIP, "年度轮");
    with_forms(&half)
        .arg("import")
        .arg(&b2020)
        .assert()
        .code(1)
        .stderr(contains("2020"));
    let forms_set = FormSet::load_dir(&forms).unwrap();
    let store = ruralenv::context::open_store(&half, &forms_set).unwrap();
    assert_eq!(store.rounds().unwrap(), vec!["2020-h1".to_string()]);
}

#[test]
fn forms_check_refuses_a_bad_list_of_rounds() {
    let t = tempfile::tempdir().unwrap();
    for (i, bad) in [r#"[]"#, r#"["2020 h1"]"#, r#"[""]"#].iter().enumerate() {
        let dir = t.path().join(format!("f{i}"));
        fs::create_dir_all(&dir).unwrap();
        let forms = forms_with_rounds(&dir, bad);
        bin(t.path())
            .args(["forms", "check"])
            .arg(&forms)
            .assert()
            .code(1)
            .stderr(contains("targets.toml"))
            .stderr(contains("rounds"));
    }
}

// ------------------------------------------------------------------ review and counting

#[test]
fn a_returned_village_stops_counting_until_approved() {
    let t = tempfile::tempdir().unwrap();
    let d = four_villages(t.path());
    let all = report(&d);
    assert_eq!(figures(&all, TOWNSHIP), expected(&[C204, C205, C206, C207]));
    assert_eq!(figures(&all, COUNTY), expected(&[C204, C205, C206, C207]));
    let rec = only_record(&show(&d, V204)).clone();
    assert_eq!(rec["status"], "finalized");
    assert_eq!(rec["counts"], true);
    assert_eq!(events(&rec), ev(&[("finalized", 1)]));
    let hash1 = rec["hash"].as_str().unwrap().to_string();

    // Return with a comment: 204's contribution leaves every figure, at every level.
    let out = review(
        &d,
        "邓庄审核员",
        &[
            "return",
            V204,
            "--round",
            "2020",
            "--comment",
            "户数与台账不符，请复核",
        ],
    )
    .success()
    .get_output()
    .stdout
    .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("退回") && out.contains(V204), "{out}");
    let returned = report(&d);
    assert_eq!(figures(&returned, TOWNSHIP), expected(&[C205, C206, C207]));
    assert_eq!(figures(&returned, COUNTY), expected(&[C205, C206, C207]));
    let villages = stdout(bin(&d).args([
        "report", "--round", "2020", "--under", TOWNSHIP, "--level", "village", "--format", "json",
    ]));
    let villages: Value = serde_json::from_str(&villages).unwrap();
    assert_eq!(figures(&villages, V204), expected(&[]));
    assert_eq!(figures(&villages, "411003003205"), expected(&[C205]));
    let doc = show(&d, V204);
    let rec = only_record(&doc);
    assert_eq!(rec["status"], "returned");
    assert_eq!(rec["counts"], false);
    assert_eq!(rec["return_comment"], "户数与台账不符，请复核");
    assert_eq!(events(rec), ev(&[("finalized", 1), ("returned", 1)]));
    let ret = event(rec, "returned", 1);
    assert_eq!(ret["rev"], 1);
    assert_eq!(ret["hash"], hash1.as_str());
    assert_eq!(ret["who"], "邓庄审核员");
    assert_eq!(ret["comment"], "户数与台账不符，请复核");
    assert!(ret["at"].as_str().unwrap().starts_with("20"), "{ret}");
    let table = stdout(bin(&d).args(["records", "show", V204, "--round", "2020"]));
    assert!(table.contains("户数与台账不符，请复核"), "{table}");
    assert!(table.contains("邓庄审核员"), "{table}");

    // The same return again: nothing changes, nothing is added to the history.
    let out = review(
        &d,
        "邓庄审核员",
        &[
            "--lang",
            "en",
            "return",
            V204,
            "--round",
            "2020",
            "--comment",
            "户数与台账不符，请复核",
        ],
    )
    .success()
    .get_output()
    .stdout
    .clone();
    assert!(
        String::from_utf8(out).unwrap().contains("nothing changed"),
        "a repeated return says so"
    );
    assert_eq!(show(&d, V204), doc);

    // A return needs a comment: missing or blank is bad usage, and nothing changes.
    bin(&d)
        .args(["review", "return", "411003003205", "--round", "2020"])
        .assert()
        .code(2);
    for blank in ["", "   "] {
        bin(&d)
            .args(["review", "return", "411003003205", "--round", "2020"])
            .args(["--comment", blank])
            .assert()
            .code(2)
            .stderr(contains("--comment"));
    }
    assert_eq!(
        events(only_record(&show(&d, "411003003205"))),
        ev(&[("finalized", 1)])
    );
    assert_eq!(report(&d), returned);

    // Nothing to review: a village with no record, a township, a code not in the register.
    for code in [V208, TOWNSHIP, "411003003999"] {
        review(&d, "邓庄审核员", &["approve", code, "--round", "2020"]).code(1);
    }
    review(
        &d,
        "邓庄审核员",
        &["--lang", "en", "approve", V208, "--round", "2020"],
    )
    .code(1)
    .stderr(contains(V208))
    .stderr(contains("no finalized record"));
    assert_eq!(report(&d), returned);

    // Approve after the return: it counts again, exactly as before.
    review(&d, "县审核员", &["approve", V204, "--round", "2020"]).success();
    assert_eq!(report(&d), all);
    let rec = only_record(&show(&d, V204)).clone();
    assert_eq!(rec["status"], "approved");
    assert_eq!(rec["counts"], true);
    assert_eq!(rec["return_comment"], Value::Null);
    assert_eq!(
        events(&rec),
        ev(&[("finalized", 1), ("returned", 1), ("approved", 1)])
    );
    assert_eq!(
        rec["history"][2]["event"], "approved",
        "the latest review is last"
    );
    assert_eq!(event(&rec, "approved", 1)["who"], "县审核员");
    assert_eq!(event(&rec, "approved", 1)["hash"], hash1.as_str());
    review(
        &d,
        "县审核员",
        &["--lang", "en", "approve", V204, "--round", "2020"],
    )
    .success()
    .stdout(contains("nothing changed"));
    assert_eq!(events(only_record(&show(&d, V204))).len(), 3);

    // And returned once more after the approval: the latest review decides.
    review(
        &d,
        "县审核员",
        &["return", V204, "--round", "2020", "--comment", "再核"],
    )
    .success();
    assert_eq!(
        figures(&report(&d), TOWNSHIP),
        expected(&[C205, C206, C207])
    );
}

/// After a return the surveyor finalizes a new revision: it counts (as finalized, not
/// approved), and the return stays in the history bound to revision 1.
fn new_revision_after_return(via_csv: bool) {
    let t = tempfile::tempdir().unwrap();
    let d = four_villages(t.path());
    let hash1 = only_record(&show(&d, V204))["hash"]
        .as_str()
        .unwrap()
        .to_string();
    review(
        &d,
        "邓庄审核员",
        &["return", V204, "--round", "2020", "--comment", "户数有误"],
    )
    .success();
    assert_eq!(
        figures(&report(&d), TOWNSHIP),
        expected(&[C205, C206, C207])
    );
    if via_csv {
        fix_by_csv(t.path(), &d, "王建国");
    } else {
        fix_in_store(&d, V204, 210, "王建国");
    }
    let doc = show(&d, V204);
    let rec = only_record(&doc);
    assert_eq!(rec["revision"], 2);
    assert_eq!(rec["status"], "finalized");
    assert_eq!(rec["counts"], true);
    assert_eq!(rec["return_comment"], Value::Null);
    assert_eq!(rec["values"]["households"], 210);
    assert_eq!(
        events(rec),
        ev(&[("finalized", 1), ("returned", 1), ("finalized", 2)])
    );
    assert_eq!(event(rec, "finalized", 1)["hash"], hash1.as_str());
    assert_eq!(event(rec, "returned", 1)["hash"], hash1.as_str());
    assert_eq!(event(rec, "returned", 1)["comment"], "户数有误");
    assert_eq!(event(rec, "finalized", 2)["hash"], rec["hash"]);
    assert_ne!(rec["hash"], hash1.as_str());
    assert_eq!(
        figures(&report(&d), TOWNSHIP),
        expected(&[C204_FIXED, C205, C206, C207])
    );
    let conflicts = stdout(bin(&d).args(["conflicts", "--format", "json"]));
    let conflicts: Value = serde_json::from_str(&conflicts).unwrap();
    assert_eq!(conflicts["conflicts"], serde_json::json!([]));
    // Revision 2 is not yet reviewed: the approval of it is new and bound to it.
    review(&d, "邓庄审核员", &["approve", V204, "--round", "2020"]).success();
    let rec = only_record(&show(&d, V204)).clone();
    assert_eq!(rec["status"], "approved");
    assert_eq!(event(&rec, "approved", 2)["hash"], rec["hash"]);
    assert_eq!(events(&rec).len(), 4);
}

#[test]
fn a_revision_finalized_after_a_return_counts_again() {
    new_revision_after_return(false);
}

#[test]
fn a_csv_row_imported_after_a_return_is_a_new_revision_and_counts_again() {
    new_revision_after_return(true);
}

/// A review is bound to the revision it judged: an approved record edited again counts as
/// finalized (not approved) until someone reviews the new revision.
#[test]
fn an_approval_does_not_carry_over_to_a_new_revision() {
    let t = tempfile::tempdir().unwrap();
    let d = four_villages(t.path());
    review(&d, "邓庄审核员", &["approve", V204, "--round", "2020"]).success();
    assert_eq!(only_record(&show(&d, V204))["status"], "approved");
    fix_in_store(&d, V204, 210, "王建国");
    let rec = only_record(&show(&d, V204)).clone();
    assert_eq!(rec["revision"], 2);
    assert_eq!(rec["status"], "finalized");
    assert_eq!(rec["counts"], true);
    assert_eq!(
        events(&rec),
        ev(&[("finalized", 1), ("approved", 1), ("finalized", 2)])
    );
    assert_eq!(
        figures(&report(&d), TOWNSHIP),
        expected(&[C204_FIXED, C205, C206, C207])
    );
    // Approving again is not "nothing changed": it judges revision 2.
    review(&d, "邓庄审核员", &["approve", V204, "--round", "2020"]).success();
    let rec = only_record(&show(&d, V204)).clone();
    assert_eq!(rec["status"], "approved");
    assert_eq!(event(&rec, "approved", 2)["hash"], rec["hash"]);
}

/// Installations write times with their own UTC offset. The latest review, by instant,
/// decides: a county clock on UTC approving after a township on +08:00 returned.
#[test]
fn the_latest_review_decides_whatever_the_clock_offsets() {
    let t = tempfile::tempdir().unwrap();
    let (town, county) = (t.path().join("town"), t.path().join("county"));
    let csv = write(t.path(), "v.csv", &csv_one());
    let at = |dir: &Path, tz: &str| {
        let mut c = bin(dir);
        c.env("TZ", tz);
        c
    };
    at(&town, "Asia/Shanghai")
        .args(["records", "import-csv"])
        .arg(&csv)
        .args(["--round", "2020"])
        .assert()
        .success();
    at(&town, "Asia/Shanghai")
        .args([
            "review",
            "return",
            V204,
            "--round",
            "2020",
            "--comment",
            "复核",
        ])
        .assert()
        .success();
    let tb = t.path().join("town.renv");
    at(&town, "Asia/Shanghai")
        .args(["export", "--under", TOWNSHIP, "--round", "2020", "--out"])
        .arg(&tb)
        .assert()
        .success();
    trust(&county, &key(&town), COUNTY, "邓庄街道");
    at(&county, "UTC").arg("import").arg(&tb).assert().success();
    next_second();
    at(&county, "UTC")
        .args(["review", "approve", V204, "--round", "2020"])
        .assert()
        .success();
    let rec = only_record(&show(&county, V204)).clone();
    let history = rec["history"].as_array().unwrap();
    assert_eq!(history.last().unwrap()["event"], "approved", "{rec:#}");
    assert_eq!(rec["status"], "approved", "{rec:#}");
    assert_eq!(rec["counts"], true);
    assert_eq!(figures(&report(&county), TOWNSHIP).reported, 2);
}

// ------------------------------------------------------------------ across installations

/// Two surveyors, a township, a county: the township's return reaches the county (the
/// village stops counting there) and the surveyor (who reads the comment in the history);
/// the surveyor's new revision travels up and counts again. A second county importing the
/// same bundles in another order reports the same.
fn return_across_installations(via_csv: bool) {
    let t = tempfile::tempdir().unwrap();
    let p = |n: &str| t.path().join(n);
    let (s1, s2, town, county, county2) = (p("s1"), p("s2"), p("town"), p("county"), p("county2"));
    survey(t.path(), &s1, "王建国", &csv_one(), Some(FARMS_ONE));
    survey(t.path(), &s2, "李秀英", &csv_two(), None);
    let (b1, b2) = (p("s1.renv"), p("s2.renv"));
    export(&s1, TOWNSHIP, &b1);
    export(&s2, TOWNSHIP, &b2);
    let (k1, k2, kt) = (key(&s1), key(&s2), key(&town));
    trust(&town, &k1, TOWNSHIP, "王建国");
    trust(&town, &k2, TOWNSHIP, "李秀英");
    import(&town, &[&b1, &b2]);
    assert_eq!(
        figures(&report(&town), TOWNSHIP),
        expected(&[C204, C205, C206, C207])
    );

    let comment = "户数与台账不符，请复核";
    review(
        &town,
        "邓庄审核员",
        &["return", V204, "--round", "2020", "--comment", comment],
    )
    .success();
    let tb1 = p("town1.renv");
    export(&town, TOWNSHIP, &tb1);

    // The county: 204 does not count.
    trust(&county, &kt, COUNTY, "邓庄街道");
    import(&county, &[&tb1]);
    let at_county = report(&county);
    assert_eq!(figures(&at_county, TOWNSHIP), expected(&[C205, C206, C207]));
    assert_eq!(figures(&at_county, COUNTY), expected(&[C205, C206, C207]));
    let rec = only_record(&show(&county, V204)).clone();
    assert_eq!(
        (&rec["status"], &rec["counts"]),
        (&"returned".into(), &false.into())
    );

    // The surveyor sees the return, with its comment and who made it.
    trust(&s1, &kt, TOWNSHIP, "邓庄街道");
    import(&s1, &[&tb1]);
    let rec = only_record(&show(&s1, V204)).clone();
    assert_eq!(rec["status"], "returned");
    assert_eq!(events(&rec), ev(&[("finalized", 1), ("returned", 1)]));
    assert_eq!(event(&rec, "returned", 1)["comment"], comment);
    assert_eq!(event(&rec, "returned", 1)["who"], "邓庄审核员");
    let table = stdout(bin(&s1).args(["records", "show", V204, "--round", "2020"]));
    assert!(table.contains(comment), "{table}");

    // The fix goes up: surveyor → township → county, and 204 counts again.
    if via_csv {
        fix_by_csv(t.path(), &s1, "王建国");
    } else {
        fix_in_store(&s1, V204, 210, "王建国");
    }
    let b1fix = p("s1-fix.renv");
    export(&s1, TOWNSHIP, &b1fix);
    import(&town, &[&b1fix]);
    let tb2 = p("town2.renv");
    export(&town, TOWNSHIP, &tb2);
    import(&county, &[&tb2]);
    let fixed = report(&county);
    let all = expected(&[C204_FIXED, C205, C206, C207]);
    assert_eq!(figures(&fixed, TOWNSHIP), all);
    assert_eq!(figures(&fixed, COUNTY), all);
    assert_eq!(report(&town), fixed);
    let rec = only_record(&show(&county, V204)).clone();
    assert_eq!(rec["revision"], 2);
    assert_eq!(rec["status"], "finalized");
    assert_eq!(rec["counts"], true);
    assert_eq!(
        events(&rec),
        ev(&[("finalized", 1), ("returned", 1), ("finalized", 2)])
    );

    // Another county takes the same facts in another order, the return arriving after
    // the revision that replaced it, and some straight from the surveyors.
    trust(&county2, &kt, COUNTY, "邓庄街道");
    trust(&county2, &k1, TOWNSHIP, "王建国");
    trust(&county2, &k2, TOWNSHIP, "李秀英");
    import(&county2, &[&b1fix]);
    import(&county2, &[&b2, &tb1, &b1]);
    assert_eq!(report(&county2), fixed);
    assert_eq!(show(&county2, V204), show(&county, V204));
    import(&county2, &[&tb2, &tb1]);
    assert_eq!(report(&county2), fixed);
}

#[test]
fn a_return_travels_to_the_county_and_back_to_the_surveyor() {
    return_across_installations(false);
}

#[test]
fn a_return_fixed_by_csv_travels_to_the_county() {
    return_across_installations(true);
}

// ------------------------------------------------------------------ conflicts

fn conflicts_json(dir: &Path) -> Value {
    let out = stdout(bin(dir).args(["conflicts", "--round", "2020", "--format", "json"]));
    serde_json::from_str(&out).unwrap()
}

/// Village 204 by surveyor 2 (李秀英), with 210 households: a duplicate of surveyor 1's.
fn csv_overlap() -> String {
    format!("{HEADER}\n{}\n", ROW_204_FIXED.replace("王建国", "李秀英"))
}

#[test]
fn a_village_in_conflict_cannot_be_reviewed() {
    let t = tempfile::tempdir().unwrap();
    let p = |n: &str| t.path().join(n);
    let (s1, s2, town) = (p("s1"), p("s2"), p("town"));
    survey(t.path(), &s1, "王建国", &csv_one(), Some(FARMS_ONE));
    survey(t.path(), &s2, "李秀英", &csv_overlap(), None);
    let (b1, b2) = (p("s1.renv"), p("s2.renv"));
    export(&s1, TOWNSHIP, &b1);
    export(&s2, TOWNSHIP, &b2);
    trust(&town, &key(&s1), TOWNSHIP, "王建国");
    trust(&town, &key(&s2), TOWNSHIP, "李秀英");
    import(&town, &[&b1, &b2]);
    assert_eq!(
        conflicts_json(&town)["conflicts"].as_array().unwrap().len(),
        1
    );
    let before = (show(&town, V204), report(&town));
    assert_eq!(records(&before.0).len(), 2);

    review(&town, "邓庄审核员", &["approve", V204, "--round", "2020"])
        .code(1)
        .stderr(contains("ruralenv conflicts"));
    review(
        &town,
        "邓庄审核员",
        &["return", V204, "--round", "2020", "--comment", "重复"],
    )
    .code(1)
    .stderr(contains("ruralenv conflicts"));
    review(
        &town,
        "邓庄审核员",
        &["--lang", "en", "approve", V204, "--round", "2020"],
    )
    .code(1)
    .stderr(contains("Resolve it first"))
    .stderr(contains("conflicts"));
    assert_eq!(
        (show(&town, V204), report(&town)),
        before,
        "nothing changed"
    );
    for r in records(&before.0) {
        assert_eq!(r["status"], "conflict");
        assert_eq!(events(r), ev(&[("finalized", 1)]));
    }
    // The other village of surveyor 1 is not in conflict and can be reviewed.
    review(
        &town,
        "邓庄审核员",
        &["approve", "411003003205", "--round", "2020"],
    )
    .success();
}

/// Two installations each make revision 2 of the same record: a fork. It cannot be
/// reviewed until a person chooses a version; then the review judges the chosen one.
#[test]
fn a_forked_record_cannot_be_reviewed_until_resolved() {
    let t = tempfile::tempdir().unwrap();
    let p = |n: &str| t.path().join(n);
    let (s1, s2, town) = (p("s1"), p("s2"), p("town"));
    survey(t.path(), &s1, "王建国", &csv_one(), Some(FARMS_ONE));
    let b1 = p("s1.renv");
    export(&s1, TOWNSHIP, &b1);
    trust(&s2, &key(&s1), TOWNSHIP, "王建国");
    import(&s2, &[&b1]);
    fix_in_store(&s1, V204, 210, "王建国");
    fix_in_store(&s2, V204, 220, "李秀英");
    let (f1, f2) = (p("s1-fork.renv"), p("s2-fork.renv"));
    export(&s1, TOWNSHIP, &f1);
    export(&s2, TOWNSHIP, &f2);
    trust(&town, &key(&s1), TOWNSHIP, "王建国");
    trust(&town, &key(&s2), TOWNSHIP, "李秀英");
    import(&town, &[&f1, &f2]);
    let c = conflicts_json(&town);
    let list = c["conflicts"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{c:#}");
    assert_eq!(list[0]["fork"], true);
    let before = show(&town, V204);
    review(&town, "邓庄审核员", &["approve", V204, "--round", "2020"])
        .code(1)
        .stderr(contains("ruralenv conflicts"));
    assert_eq!(show(&town, V204), before);
    assert_eq!(figures(&report(&town), TOWNSHIP).reported, 2, "204 once");

    let cands = list[0]["candidates"].as_array().unwrap();
    let chosen = cands
        .iter()
        .find(|x| x["finalized_by"] == "李秀英")
        .unwrap_or_else(|| panic!("{c:#}"));
    {
        let mut store = ruralenv::context::open_store(&town, &FormSet::builtin()).unwrap();
        store
            .resolve(
                "fork",
                chosen["record_id"].as_str().unwrap(),
                2,
                chosen["hash"].as_str().unwrap(),
                "镇审核员",
            )
            .unwrap();
    }
    review(&town, "邓庄审核员", &["approve", V204, "--round", "2020"]).success();
    let rec = only_record(&show(&town, V204)).clone();
    assert_eq!(rec["status"], "approved");
    assert_eq!(rec["hash"], chosen["hash"]);
    assert_eq!(rec["values"]["households"], 220);
    assert_eq!(event(&rec, "approved", 2)["hash"], chosen["hash"]);
    assert_eq!(event(&rec, "fork_resolved", 2)["hash"], chosen["hash"]);
    let f = figures(&report(&town), TOWNSHIP);
    assert_eq!(
        f.indicators["toilet_harmless"],
        (170.0 + 60.0, 220.0 + 150.0)
    );
}

/// Waits until the clock has passed the current second: revisions finalized after this
/// are later, to the second, than every one finalized before it (the duplicate rule counts
/// the latest finalized until a person decides).
fn next_second() {
    let start = jiff::Timestamp::now().as_second();
    while jiff::Timestamp::now().as_second() <= start {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Surveyor 2's version B of 204 (finalized first), surveyor 1's version A (finalized
/// later); township 1 holds only A and approves it; the county receives both (A with its
/// approval through the township, B straight from surveyor 2). Returns the temp dir, the
/// county's data dir and A's hash.
fn approved_then_duplicated() -> (tempfile::TempDir, PathBuf, String) {
    let t = tempfile::tempdir().unwrap();
    let p = |n: &str| t.path().join(n);
    let (s1, s2, town, county) = (p("s1"), p("s2"), p("town"), p("county"));
    survey(t.path(), &s2, "李秀英", &csv_overlap(), None);
    next_second();
    survey(
        t.path(),
        &s1,
        "王建国",
        &format!("{HEADER}\n{ROW_204}\n"),
        Some(
            "village_code,farm_name,species,head_count,facilities_matched,manure_produced_t,manure_utilized_t\n411003003204,红旗养猪场,pig,500,yes,1000,900\n",
        ),
    );
    let (b1, b2) = (p("s1.renv"), p("s2.renv"));
    export(&s1, TOWNSHIP, &b1);
    export(&s2, TOWNSHIP, &b2);
    trust(&town, &key(&s1), TOWNSHIP, "王建国");
    import(&town, &[&b1]);
    review(&town, "邓庄审核员", &["approve", V204, "--round", "2020"]).success();
    let hash_a = only_record(&show(&town, V204))["hash"]
        .as_str()
        .unwrap()
        .to_string();
    let tb = p("town.renv");
    export(&town, TOWNSHIP, &tb);

    trust(&county, &key(&town), COUNTY, "邓庄街道");
    trust(&county, &key(&s2), TOWNSHIP, "李秀英");
    import(&county, &[&tb, &b2]);
    // Until a person decides, the latest finalized (A, approved) counts.
    let c = conflicts_json(&county);
    let cands = c["conflicts"][0]["candidates"].as_array().unwrap().clone();
    let counted: Vec<&Value> = cands.iter().filter(|x| x["counted"] == true).collect();
    assert_eq!(counted.len(), 1, "{c:#}");
    assert_eq!(counted[0]["hash"], hash_a.as_str(), "{c:#}");
    (t, county, hash_a)
}

/// The county cannot review 204 while A and B are duplicates, whatever the counted
/// version's own review says.
#[test]
fn a_village_in_conflict_cannot_be_approved_even_when_its_counted_version_was() {
    let (_t, county, _) = approved_then_duplicated();
    let before = show(&county, V204);
    review(
        &county,
        "县审核员",
        &["return", V204, "--round", "2020", "--comment", "重复"],
    )
    .code(1)
    .stderr(contains("ruralenv conflicts"));
    review(&county, "县审核员", &["approve", V204, "--round", "2020"])
        .code(1)
        .stderr(contains("ruralenv conflicts"));
    assert_eq!(show(&county, V204), before);
}

/// Township 1 approves surveyor 1's version of 204 before any duplicate exists; at the
/// county surveyor 2's version arrives and the county chooses it. The approval stays on
/// version A; version B counts as finalized, not approved.
#[test]
fn an_approval_made_before_a_conflict_stays_on_its_version() {
    let (_t, county, hash_a) = approved_then_duplicated();
    // A counts for now, approved: A's figures (200 households, the pig farm).
    let f = figures(&report(&county), TOWNSHIP);
    assert_eq!(f.indicators["toilet_harmless"], (170.0, 200.0));
    assert_eq!(f.indicators["farm_facilities"], (1.0, 1.0));
    review(
        &county,
        "县审核员",
        &["return", V204, "--round", "2020", "--comment", "重复"],
    )
    .code(1)
    .stderr(contains("ruralenv conflicts"));

    let c = conflicts_json(&county);
    let list = c["conflicts"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{c:#}");
    assert_eq!(list[0]["village_code"], V204);
    let cands = list[0]["candidates"].as_array().unwrap();
    let by = |who: &str| {
        cands
            .iter()
            .find(|x| x["finalized_by"] == who)
            .unwrap_or_else(|| panic!("{who}: {c:#}"))
            .clone()
    };
    let (a, b) = (by("王建国"), by("李秀英"));
    assert_eq!(a["hash"], hash_a.as_str());
    assert_ne!(a["hash"], b["hash"]);

    // There is no command to resolve a conflict (the TUI's conflicts screen does it):
    // make the same resolution fact through the library.
    {
        let mut store = ruralenv::context::open_store(&county, &FormSet::builtin()).unwrap();
        store
            .resolve(
                "duplicate",
                b["record_id"].as_str().unwrap(),
                b["rev"].as_u64().unwrap() as u32,
                b["hash"].as_str().unwrap(),
                "县审核员",
            )
            .unwrap();
    }
    assert_eq!(conflicts_json(&county)["conflicts"], serde_json::json!([]));

    let doc = show(&county, V204);
    let rec = |id: &Value| {
        records(&doc)
            .iter()
            .find(|r| &r["record_id"] == id)
            .unwrap()
            .clone()
    };
    let (ra, rb) = (rec(&a["record_id"]), rec(&b["record_id"]));
    assert_eq!(ra["status"], "approved", "{doc:#}");
    assert_eq!(ra["counts"], false);
    assert_eq!(events(&ra), ev(&[("finalized", 1), ("approved", 1)]));
    assert_eq!(event(&ra, "approved", 1)["hash"], hash_a.as_str());
    assert_eq!(
        rb["status"], "finalized",
        "the approval did not move: {doc:#}"
    );
    assert_eq!(rb["counts"], true);
    assert_eq!(
        events(&rb),
        ev(&[("finalized", 1), ("duplicate_resolved", 1)])
    );
    assert_eq!(event(&rb, "duplicate_resolved", 1)["who"], "县审核员");
    assert_eq!(event(&rb, "duplicate_resolved", 1)["hash"], b["hash"]);
    // B's figures count (210 households, no farms), A's do not.
    let r = report(&county);
    let f = figures(&r, TOWNSHIP);
    assert_eq!(f.reported, 1);
    assert_eq!(f.indicators["toilet_harmless"], (170.0, 210.0));
    assert_eq!(f.indicators["farm_facilities"], (0.0, 0.0));
    assert_eq!(f.indicators["manure_utilization"], (60.5, 100.0));

    // Now the county can review the version that counts.
    review(&county, "县审核员", &["approve", V204, "--round", "2020"]).success();
    let doc = show(&county, V204);
    let rb = records(&doc)
        .iter()
        .find(|r| r["record_id"] == b["record_id"])
        .unwrap();
    assert_eq!(rb["status"], "approved");
    assert_eq!(
        events(rb),
        ev(&[("finalized", 1), ("duplicate_resolved", 1), ("approved", 1)])
    );
    assert_eq!(event(rb, "approved", 1)["hash"], b["hash"]);
    let doc_a = records(&doc)
        .iter()
        .find(|r| r["record_id"] == a["record_id"])
        .unwrap();
    assert_eq!(events(doc_a), ev(&[("finalized", 1), ("approved", 1)]));
    assert_eq!(
        report(&county),
        r,
        "approving a counted revision changes no figure"
    );
}

// ------------------------------------------------------------------ one figure, every format

#[test]
fn report_formats_agree_with_a_returned_village() {
    let t = tempfile::tempdir().unwrap();
    let d = four_villages(t.path());
    review(
        &d,
        "邓庄审核员",
        &["return", V204, "--round", "2020", "--comment", "请复核"],
    )
    .success();
    let doc = report(&d);
    let want = expected(&[C205, C206, C207]);
    assert_eq!(figures(&doc, TOWNSHIP), want);
    let base = ["report", "--round", "2020", "--under", COUNTY];

    // CSV: one row per unit and indicator.
    let csv_out = bin(&d)
        .args(base)
        .args(["--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let body = csv_out.strip_prefix(b"\xEF\xBB\xBF").expect("a BOM");
    let mut rdr = csv::Reader::from_reader(body);
    let header = rdr.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (c_code, c_rep, c_ind, c_label, c_num, c_den) = (
        col("code"),
        col("villages_reported"),
        col("indicator"),
        col("indicator_label"),
        col("numerator"),
        col("denominator"),
    );
    let mut from_csv: BTreeMap<String, Figures> = BTreeMap::new();
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    for row in rdr.records() {
        let row = row.unwrap();
        let f = from_csv.entry(row[c_code].to_string()).or_insert(Figures {
            reported: row[c_rep].parse().unwrap(),
            indicators: BTreeMap::new(),
        });
        assert_eq!(f.reported, row[c_rep].parse::<u64>().unwrap());
        let id = row[c_ind].to_string();
        labels.insert(id.clone(), row[c_label].to_string());
        if id == "coverage" {
            assert_eq!(row[c_num].parse::<f64>().unwrap(), f.reported as f64);
            continue;
        }
        f.indicators.insert(
            id,
            (row[c_num].parse().unwrap(), row[c_den].parse().unwrap()),
        );
    }
    let units: Vec<String> = doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        from_csv.keys().cloned().collect::<Vec<_>>(),
        units,
        "the same units"
    );
    for code in &units {
        assert_eq!(
            from_csv[code],
            figures(&doc, code),
            "CSV vs JSON for {code}"
        );
    }

    // XLSX: a sheet per level, a row per unit, "<label> 分子 / 分母" columns.
    let path = t.path().join("r.xlsx");
    bin(&d)
        .args(base)
        .args(["--format", "xlsx", "--out"])
        .arg(&path)
        .assert()
        .success();
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let mut from_xlsx: BTreeMap<String, Figures> = BTreeMap::new();
    for sheet in wb.sheet_names() {
        let range = wb.worksheet_range(&sheet).unwrap();
        let rows: Vec<_> = range.rows().collect();
        let Some(head) = rows.first() else { continue };
        let head: Vec<String> = head.iter().map(|c| c.to_string()).collect();
        let Some(c_rep) = head.iter().position(|h| h == "已报村庄数") else {
            continue; // the summary sheet
        };
        let num = |x: &Data| match x {
            Data::Float(f) => *f,
            Data::Int(i) => *i as f64,
            other => panic!("{sheet}: not a number: {other:?}"),
        };
        for row in &rows[1..] {
            let Data::String(code) = &row[0] else {
                panic!("{sheet}: code not text: {row:?}")
            };
            let mut f = Figures {
                reported: num(&row[c_rep]) as u64,
                indicators: BTreeMap::new(),
            };
            for id in IDS {
                let label = &labels[id];
                let at = |part: &str| {
                    head.iter()
                        .position(|h| h == &format!("{label} {part}"))
                        .unwrap_or_else(|| panic!("{sheet}: no {label} {part} in {head:?}"))
                };
                f.indicators.insert(
                    id.to_string(),
                    (num(&row[at("分子")]), num(&row[at("分母")])),
                );
            }
            from_xlsx.insert(code.clone(), f);
        }
    }
    assert_eq!(from_xlsx.keys().cloned().collect::<Vec<_>>(), units);
    for code in &units {
        assert_eq!(
            from_xlsx[code],
            figures(&doc, code),
            "XLSX vs JSON for {code}"
        );
    }

    // Table: the township's line in the reported section, and its num/den figures.
    let table = stdout(bin(&d).args(base).args(["--format", "table"]));
    let line = table
        .lines()
        .find(|l| l.contains(TOWNSHIP))
        .unwrap_or_else(|| panic!("{table}"));
    let cells: Vec<&str> = line.split_whitespace().collect();
    let at = cells.iter().position(|c| *c == TOWNSHIP).unwrap();
    assert_eq!(
        (cells[at + 2], cells[at + 3]),
        ("3", "15"),
        "reported / in scope: {line}"
    );
    for pair in ["280/560", "355/560", "1/3", "0/1"] {
        assert!(table.contains(pair), "{pair} in\n{table}");
    }
    assert!(!table.contains("450/760"), "204 is not counted:\n{table}");
}

/// DESIGN.md: "`--lang` applies to its run only".
#[test]
fn lang_applies_to_its_run_only() {
    let t = tempfile::tempdir().unwrap();
    let d = four_villages(t.path());
    let base = ["report", "--round", "2020", "--under", TOWNSHIP];
    let en = stdout(bin(&d).args(["--lang", "en"]).args(base));
    assert!(en.contains("Villages reported"), "{en}");
    let zh = stdout(bin(&d).args(base));
    assert!(
        zh.contains("已报村庄"),
        "Chinese again without --lang:\n{zh}"
    );
}
