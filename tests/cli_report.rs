//! `report` through the real binary: JSON contract, XLSX read back, CSV with BOM; and the
//! store's refusal of a database from a newer version.

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;
use std::path::Path;

const CSV: &str = "village_code,survey_date,surveyor,households,population,garbage_facilities,garbage_technology,garbage_cleaners,garbage_funding,garbage_supervision,toilet_three_compartment,toilet_double_urn,toilet_biogas,toilet_urine_diverting,toilet_double_pit,toilet_sewered_flush,toilet_other_sanitary,sewage_mode,sewage_households,sewage_controlled,manure_scattered_produced_t,manure_scattered_utilized_t
411003003204,2020-06-15,王建国,200,700,yes,yes,yes,yes,yes,100,20,0,0,5,45,10,central,120,yes,100,60.5
411003003205,2020-06-16,李秀英,150,520,yes,no,yes,yes,yes,60,0,0,0,0,0,30,none,,no,0,0
411003101204,2020-06-17,张伟,0,0,no,no,no,no,no,0,0,0,0,0,0,0,none,,yes,0,0
";

fn bin(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("ruralenv").unwrap();
    c.arg("--data-dir").arg(dir);
    c
}

fn setup() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let csv = t.path().join("v.csv");
    std::fs::write(&csv, CSV).unwrap();
    bin(&t.path().join("d"))
        .args(["records", "import-csv"])
        .arg(&csv)
        .args(["--round", "2020"])
        .assert()
        .success();
    t
}

fn json(dir: &Path, extra: &[&str]) -> Value {
    let out = bin(dir)
        .args([
            "report",
            "--round",
            "2020",
            "--under",
            "411003000000",
            "--format",
            "json",
        ])
        .args(extra)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn ind<'a>(unit: &'a Value, id: &str) -> &'a Value {
    unit["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap()
}

#[test]
fn json_follows_the_contract() {
    let t = setup();
    let d = t.path().join("d");
    let doc = json(&d, &[]);
    assert_eq!(doc["round"], "2020");
    assert!(doc["generated_at"].as_str().unwrap().len() >= 25);
    let units = doc["units"].as_array().unwrap();
    assert_eq!(units[0]["code"], "411003000000");
    assert_eq!(units[0]["level"], "county");
    let codes: Vec<&str> = units.iter().map(|u| u["code"].as_str().unwrap()).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "code order");
    assert!(units.iter().skip(1).all(|u| u["level"] == "township"));
    let county = &units[0];
    assert_eq!(county["villages_reported"], 3);
    assert_eq!(county["villages_in_scope"], 228);
    let t = ind(county, "toilet_harmless");
    // (170 + 60 + 0) / (200 + 150 + 0)
    assert_eq!(t["numerator"], 230);
    assert_eq!(t["denominator"], 350);
    assert!((t["value"].as_f64().unwrap() - 230.0 / 350.0).abs() < 1e-9);
    assert_eq!(t["target"], 0.85);
    assert_eq!(t["met"], false);
    // ceil(0.85 × 350 − 230) = ceil(67.5) = 68
    assert_eq!(t["shortfall"], 68);
    let g = ind(county, "garbage_effective");
    assert_eq!(
        (g["numerator"].as_i64(), g["denominator"].as_i64()),
        (Some(1), Some(3))
    );
    let s = ind(county, "toilet_sanitary");
    assert_eq!(s["target"], Value::Null);
    assert_eq!(s["met"], Value::Null);
    assert_eq!(s["shortfall"], Value::Null);
    let f = ind(county, "farm_facilities");
    assert_eq!(f["denominator"], 0);
    assert_eq!(f["value"], Value::Null);
    let m = ind(county, "manure_utilization");
    assert_eq!(m["numerator"], 60.5);
    // A township with nothing reported: zero denominators, null values.
    let empty = units.iter().find(|u| u["code"] == "411003001000").unwrap();
    assert_eq!(ind(empty, "toilet_harmless")["value"], Value::Null);
    // Villages with --level village.
    let doc = json(&d, &["--level", "village"]);
    let v = doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "411003003204")
        .unwrap();
    assert_eq!(v["level"], "village");
    assert_eq!(ind(v, "toilet_harmless")["numerator"], 170);
}

#[test]
fn xlsx_numbers_match_json() {
    let t = setup();
    let d = t.path().join("d");
    let path = t.path().join("r.xlsx");
    bin(&d)
        .args([
            "report",
            "--round",
            "2020",
            "--under",
            "411003000000",
            "--format",
            "xlsx",
            "--out",
        ])
        .arg(&path)
        .assert()
        .success();
    let doc = json(&d, &[]);
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let names = wb.sheet_names();
    let sheet = names
        .iter()
        .find(|n| n.as_str() == "县")
        .expect("a county sheet");
    let range = wb.worksheet_range(sheet).unwrap();
    let rows: Vec<_> = range.rows().collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    let county = &doc["units"][0];
    let row = rows
        .iter()
        .find(|r| r[0] == Data::String("411003000000".into()))
        .expect("the county row, code as text");
    // Find the numerator column of the harmless-toilet indicator and compare.
    let col = header
        .iter()
        .enumerate()
        .filter(|(_, h)| h.contains("无害化卫生厕所普及率"))
        .map(|(i, _)| i)
        .collect::<Vec<_>>();
    assert!(!col.is_empty(), "header: {header:?}");
    let numbers: Vec<f64> = col
        .iter()
        .filter_map(|&i| match &row[i] {
            Data::Float(f) => Some(*f),
            Data::Int(i) => Some(*i as f64),
            _ => None,
        })
        .collect();
    let t = ind(county, "toilet_harmless");
    assert!(
        numbers
            .iter()
            .any(|n| (n - t["value"].as_f64().unwrap()).abs() < 1e-9),
        "{numbers:?}"
    );
    assert!(numbers.contains(&230.0), "{numbers:?}");
    assert!(numbers.contains(&350.0), "{numbers:?}");
}

#[test]
fn csv_has_a_bom_and_a_row_per_unit_and_indicator() {
    let t = setup();
    let out = bin(&t.path().join("d"))
        .args([
            "report",
            "--round",
            "2020",
            "--under",
            "411003003000",
            "--format",
            "csv",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(out.starts_with(b"\xEF\xBB\xBF"));
    let mut rdr = csv::Reader::from_reader(&out[3..]);
    let n = rdr.records().count();
    assert_eq!(n, 7, "one township × 7 indicators");
}

#[test]
fn newer_database_is_refused_and_left_untouched() {
    let t = tempfile::tempdir().unwrap();
    bin(t.path())
        .args(["divisions", "--level", "county"])
        .assert()
        .success();
    let db = t.path().join("ruralenv.db");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.pragma_update(None, "user_version", 7).unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    bin(t.path())
        .args(["--lang", "en", "report", "--round", "2020"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("newer version of ruralenv"));
    // Chinese by default.
    bin(t.path())
        .args(["report", "--round", "2020"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("由更新版本的 ruralenv 写入"));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

/// Records filled with two form versions roll up together, each counted by its own
/// version's rules: here the sheep scale threshold moved from 100 to 200 head.
#[test]
fn two_form_versions_roll_up_together() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("d");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let v2 = t.path().join("forms-v2");
    std::fs::create_dir_all(v2.join("divisions")).unwrap();
    for f in ["targets.toml", "divisions/xuchang.csv"] {
        std::fs::copy(src.join(f), v2.join(f)).unwrap();
    }
    let form = std::fs::read_to_string(src.join("village.toml")).unwrap();
    std::fs::write(
        v2.join("village.toml"),
        form.replacen("version = 2", "version = 3", 1),
    )
    .unwrap();
    let th = std::fs::read_to_string(src.join("thresholds.toml")).unwrap();
    std::fs::write(
        v2.join("thresholds.toml"),
        th.replacen(
            "active = \"common_statistics_pre2025\"",
            "active = \"national_filing_2025\"",
            1,
        ),
    )
    .unwrap();

    let header = CSV.lines().next().unwrap();
    let row = |code: &str| {
        format!(
            "{code},2020-06-15,王建国,100,300,yes,yes,yes,yes,yes,90,0,0,0,0,0,0,none,,yes,10,5"
        )
    };
    let farms = |code: &str| {
        format!(
            "village_code,farm_name,species,head_count,facilities_matched,manure_produced_t,manure_utilized_t\n{code},羊场,sheep,150,no,20,10\n"
        )
    };
    let a = "411003003204";
    let b = "411003003205";
    for (code, forms) in [(a, None), (b, Some(&v2))] {
        let csv = t.path().join(format!("{code}.csv"));
        std::fs::write(&csv, format!("{header}\n{}\n", row(code))).unwrap();
        let fcsv = t.path().join(format!("{code}.farms.csv"));
        std::fs::write(&fcsv, farms(code)).unwrap();
        let mut c = bin(&d);
        if let Some(f) = forms {
            c.arg("--forms").arg(f);
        }
        c.args(["records", "import-csv"])
            .arg(&csv)
            .args(["--round", "2020", "--group"])
            .arg(format!("farms={}", fcsv.display()))
            .assert()
            .success();
    }
    let out = bin(&d)
        .arg("--forms")
        .arg(&v2)
        .args([
            "report",
            "--round",
            "2020",
            "--under",
            "411003003000",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    let f = ind(&doc["units"][0], "farm_facilities");
    // Village A (v1): 150 sheep ≥ 100 → a scale farm, not matched. Village B (v2): < 200.
    assert_eq!(f["denominator"], 1);
    assert_eq!(f["numerator"], 0);
    let m = ind(&doc["units"][0], "manure_utilization");
    assert_eq!(
        (m["numerator"].as_f64(), m["denominator"].as_f64()),
        (Some(30.0), Some(60.0))
    );
    // Each record still shows with its own form version.
    let show = |code: &str| -> Value {
        let out = bin(&d)
            .arg("--forms")
            .arg(&v2)
            .args([
                "records", "show", code, "--round", "2020", "--format", "json",
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    };
    assert_eq!(show(a)["records"][0]["form_version"], 2);
    assert_eq!(show(a)["records"][0]["values"]["farms"][0]["scale"], true);
    assert_eq!(show(b)["records"][0]["form_version"], 3);
    assert_eq!(show(b)["records"][0]["values"]["farms"][0]["scale"], false);
}

/// A register with two roots (two provinces, as the national one has 31): `report`
/// without `--under` reports the whole country as one unit first, with every province's
/// units below it, and the country's figures are the provinces' added up.
#[test]
fn a_register_with_several_roots_reports_the_whole_country_as_one_unit() {
    let t = tempfile::tempdir().unwrap();
    let register = t.path().join("two-provinces.csv");
    let mut rows = String::from("code,name,parent_code,level\n");
    for (p, pname) in [("41", "河南省"), ("42", "湖北省")] {
        rows.push_str(&format!("{p}0000000000,{pname},,province\n"));
        rows.push_str(&format!("{p}0100000000,一市,{p}0000000000,city\n"));
        rows.push_str(&format!("{p}0102000000,一县,{p}0100000000,county\n"));
        for t in ["001", "002"] {
            rows.push_str(&format!("{p}0102{t}000,{t}乡,{p}0102000000,township\n"));
            for v in 200..206 {
                rows.push_str(&format!("{p}0102{t}{v},{v}村,{p}0102{t}000,village\n"));
            }
        }
    }
    std::fs::write(&register, rows).unwrap();
    let data = t.path().join("d");
    for p in ["410000000000", "420000000000"] {
        let mut c = bin(&data);
        c.args(["demo", "--under", p, "--round", "2020"]);
        if p.starts_with("41") {
            c.arg("--register").arg(&register);
        }
        c.assert().success();
    }
    let report = |under: Option<&str>| -> Value {
        let mut c = bin(&data);
        c.args(["report", "--round", "2020", "--format", "json"]);
        if let Some(u) = under {
            c.args(["--under", u]);
        }
        serde_json::from_slice(&c.assert().success().get_output().stdout).unwrap()
    };
    let whole = report(None);
    let units = whole["units"].as_array().unwrap();
    let top = &units[0];
    assert_eq!(top["code"], "000000000000");
    assert_eq!(top["name"], "全国");
    assert_eq!(top["level"], "country");
    let henan = report(Some("410000000000"));
    let hubei = report(Some("420000000000"));
    // Below the country: each province's report, in code order, unit for unit.
    let below: Vec<&Value> = henan["units"]
        .as_array()
        .unwrap()
        .iter()
        .chain(hubei["units"].as_array().unwrap())
        .collect();
    assert_eq!(units[1..].iter().collect::<Vec<_>>(), below);
    let sum = |key: &str| {
        henan["units"][0][key].as_u64().unwrap() + hubei["units"][0][key].as_u64().unwrap()
    };
    // (The built-in Xuchang register is loaded too, under 河南省.)
    assert!(hubei["units"][0]["villages_in_scope"].as_u64().unwrap() == 12);
    assert_eq!(
        top["villages_in_scope"].as_u64().unwrap(),
        sum("villages_in_scope")
    );
    assert_eq!(
        top["villages_reported"].as_u64().unwrap(),
        sum("villages_reported")
    );
    for i in top["indicators"].as_array().unwrap() {
        let id = i["id"].as_str().unwrap();
        let num = |r: &Value| ind(&r["units"][0], id)["numerator"].as_f64().unwrap();
        let den = |r: &Value| ind(&r["units"][0], id)["denominator"].as_f64().unwrap();
        assert!((i["numerator"].as_f64().unwrap() - (num(&henan) + num(&hubei))).abs() < 1e-6);
        assert!((i["denominator"].as_f64().unwrap() - (den(&henan) + den(&hubei))).abs() < 1e-6);
    }
    // The table and the workbook carry the country too.
    let table = bin(&data)
        .args(["report", "--round", "2020"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(table).unwrap().contains("全国"));
    let xlsx = t.path().join("r.xlsx");
    bin(&data)
        .args(["report", "--round", "2020", "--format", "xlsx", "--out"])
        .arg(&xlsx)
        .assert()
        .success();
}
