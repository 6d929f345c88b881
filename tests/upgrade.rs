//! A data directory from the previous release opens with this one: its records were filled
//! with `village@1`, written before every number field had to declare `max`. Upgrading must
//! never lock a surveyor out of typed work or change a figure.

use assert_cmd::Command;
use ruralenv::forms::record::RecordData;
use ruralenv::forms::schema::{MAX_NUMBER, load_used_form};
use ruralenv::forms::value::Value;
use ruralenv::store::{Revision, Store};
use std::path::Path;

const OLD_FORM: &str = include_str!("fixtures/village_v1_before_max.toml");
const VILLAGE: &str = "411003003204";

fn bin(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("ruralenv").unwrap();
    c.arg("--data-dir")
        .arg(dir)
        .env_remove("RURALENV_SURVEYOR")
        .env_remove("RURALENV_DATA_DIR");
    c
}

/// A database as the previous release left it: the old form, one finalized village.
fn old_data_dir(dir: &Path) {
    let forms = ruralenv::forms::FormSet::builtin();
    let old = load_used_form("village@1", OLD_FORM, &forms.village_form().tables).unwrap();
    assert_eq!(old.version, 1);
    let mut store = Store::open(dir).unwrap();
    store.ensure_form(&old).unwrap();
    let mut d = RecordData::default();
    for (k, v) in [
        ("survey_date", Value::Text("2020-06-15".into())),
        ("surveyor", Value::Text("王建国".into())),
        ("households", Value::Int(200)),
        ("population", Value::Int(700)),
        ("toilet_three_compartment", Value::Int(100)),
        ("toilet_double_urn", Value::Int(20)),
        ("toilet_biogas", Value::Int(0)),
        ("toilet_urine_diverting", Value::Int(0)),
        ("toilet_double_pit", Value::Int(5)),
        ("toilet_sewered_flush", Value::Int(45)),
        ("toilet_other_sanitary", Value::Int(10)),
        ("sewage_mode", Value::Text("none".into())),
        ("sewage_controlled", Value::Bool(true)),
        ("manure_scattered_produced_t", Value::Dec(100.0)),
        ("manure_scattered_utilized_t", Value::Dec(60.5)),
    ] {
        d.set(k, v);
    }
    for k in [
        "garbage_facilities",
        "garbage_technology",
        "garbage_cleaners",
        "garbage_funding",
        "garbage_supervision",
    ] {
        d.set(k, Value::Bool(true));
    }
    let data = old.finalized_data(&d);
    assert!(old.validate(&data).is_empty(), "{:?}", old.validate(&data));
    let r = Revision {
        record_id: "0190a1b2-0000-7000-8000-000000000001".into(),
        rev: 1,
        parent_hash: None,
        form_id: "village".into(),
        form_version: 1,
        village_code: VILLAGE.into(),
        round: "2020".into(),
        finalized_at: "2020-06-15T10:00:00+08:00".into(),
        finalized_by: "王建国".into(),
        data,
        changes: Vec::new(),
    };
    store.transaction(|s| s.merge_revision(&r, &old)).unwrap();
}

#[test]
fn a_data_directory_of_the_previous_release_opens_and_keeps_its_figures() {
    let t = tempfile::tempdir().unwrap();
    old_data_dir(t.path());
    // The shipped form is a new version: the old one stays, with its records.
    assert!(ruralenv::forms::FormSet::builtin().village_form().version > 1);
    let out = bin(t.path())
        .args([
            "records", "show", VILLAGE, "--round", "2020", "--format", "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let rec = &doc["records"][0];
    assert_eq!(rec["form_version"], 1);
    assert_eq!(rec["counts"], true);
    assert_eq!(rec["values"]["households"], 200);
    let out = bin(t.path())
        .args(["report", "--round", "2020", "--under", "411003003000"])
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["units"][0]["villages_reported"], 1);
    let harmless = report["units"][0]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "toilet_harmless")
        .unwrap()
        .clone();
    assert_eq!(harmless["numerator"], 170);
    assert_eq!(harmless["denominator"], 200);

    // The old form's number fields are bounded by the largest number, not unbounded.
    let mut store = Store::open(t.path()).unwrap();
    let old = store.form_version("village", 1).unwrap();
    let households = old.field("households").unwrap();
    assert_eq!(households.max, Some(MAX_NUMBER));
}
