//! `records import-csv | export-csv | show` through the real binary.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const HEADER: &str = "village_code,survey_date,surveyor,households,population,garbage_facilities,garbage_technology,garbage_cleaners,garbage_funding,garbage_supervision,toilet_three_compartment,toilet_double_urn,toilet_biogas,toilet_urine_diverting,toilet_double_pit,toilet_sewered_flush,toilet_other_sanitary,sewage_mode,sewage_households,sewage_controlled,manure_scattered_produced_t,manure_scattered_utilized_t,notes";
const V1: &str = "411003003204";
const V2: &str = "411003003205";

fn rows() -> String {
    format!(
        "{HEADER}\n\
         {V1},2020-06-15,王建国,200,700,yes,yes,是,1,true,100,20,0,0,5,45,10,central,120,yes,100,60.5,大罗庄\n\
         {V2},2020-06-16,李秀英,150,520,yes,no,yes,yes,yes,60,0,0,0,0,0,30,none,,no,0,0,\n"
    )
}

const FARMS: &str = "village_code,farm_name,species,head_count,facilities_matched,manure_produced_t,manure_utilized_t\n\
411003003204,红旗养猪场,pig,500,yes,1000,900\n\
411003003204,小李猪场,pig,499,no,300,100\n\
411003003205,蛋鸡场,layer,5000,no,50,40\n";

fn bin(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("ruralenv").unwrap();
    c.arg("--data-dir").arg(dir).env_remove("RURALENV_SURVEYOR");
    c
}

fn show(dir: &Path, village: &str) -> Value {
    let out = bin(dir)
        .args([
            "records", "show", village, "--round", "2020", "--format", "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn import(dir: &Path, main: &Path, farms: Option<&Path>) -> assert_cmd::assert::Assert {
    let mut c = bin(dir);
    c.args(["records", "import-csv"])
        .arg(main)
        .args(["--round", "2020"]);
    if let Some(f) = farms {
        c.arg("--group").arg(format!("farms={}", f.display()));
    }
    c.assert()
}

#[test]
fn imports_utf8_with_bom_and_groups() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    std::fs::write(&main, format!("\u{feff}{}", rows())).unwrap();
    let farms = t.path().join("farms.csv");
    std::fs::write(&farms, FARMS).unwrap();
    let data = t.path().join("data");
    import(&data, &main, Some(&farms))
        .success()
        .stdout(predicates::str::contains("2 new"));
    let doc = show(&data, V1);
    let rec = &doc["records"][0];
    assert_eq!(rec["status"], "finalized");
    assert_eq!(rec["values"]["households"], 200);
    assert_eq!(rec["values"]["toilet_harmless"], 170);
    assert_eq!(rec["values"]["garbage_effective"], true);
    assert_eq!(rec["values"]["manure_scattered_utilized_t"], 60.5);
    let farms = rec["values"]["farms"].as_array().unwrap();
    assert_eq!(farms.len(), 2);
    assert_eq!(
        farms[0]["scale"], true,
        "500 pigs is exactly at the threshold"
    );
    assert_eq!(farms[1]["scale"], false);
    // Sewage households are not relevant when nothing is treated.
    let v2 = show(&data, V2);
    assert_eq!(v2["records"][0]["values"]["sewage_households"], Value::Null);
    assert_eq!(v2["records"][0]["values"]["garbage_effective"], false);
}

#[test]
fn imports_gb18030_from_excel() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    let text = rows();
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must not be UTF-8"
    );
    std::fs::write(&main, &bytes).unwrap();
    let data = t.path().join("data");
    import(&data, &main, None).success();
    let doc = show(&data, V1);
    assert_eq!(doc["records"][0]["values"]["surveyor"], "王建国");
    assert_eq!(doc["records"][0]["values"]["notes"], "大罗庄");
}

#[test]
fn one_bad_row_rejects_the_whole_file_with_a_list() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    let bad = rows()
        .replace("200,700,yes", "200,700,maybe")
        .replace("150,520", "150,abc")
        .replace(",60,0,0,0,0,0,30,", ",160,0,0,0,0,0,30,");
    std::fs::write(&main, bad).unwrap();
    let data = t.path().join("data");
    let err = import(&data, &main, None)
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(
        err.contains(&format!("2: {V1}: garbage_facilities: ")),
        "{err}"
    );
    assert!(err.contains(&format!("3: {V2}: population: ")), "{err}");
    assert!(
        err.contains(&format!("3: {V2}: toilet_three_compartment: ")),
        "{err}"
    );
    // Nothing stored, not even the good parts.
    assert_eq!(show(&data, V1)["records"].as_array().unwrap().len(), 0);
}

#[test]
fn unknown_village_column_and_wrong_calculation_are_named() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    let text = rows()
        .replace(HEADER, &format!("{HEADER},toilet_harmless"))
        .replace(",大罗庄\n", ",大罗庄,171\n")
        .replace(",0,0,\n", ",0,0,,\n")
        .replace(V2, "411003003999");
    std::fs::write(&main, text).unwrap();
    let err = import(&t.path().join("d"), &main, None)
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.contains(&format!(
            "2: {V1}: toilet_harmless: the column says 171 but the form calculates 170"
        )) || err.contains("计算结果"),
        "{err}"
    );
    assert!(
        err.contains("3: 411003003999: village_code: not in the register"),
        "{err}"
    );
}

#[test]
fn group_rows_are_validated_with_their_file_and_line() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    std::fs::write(&main, rows()).unwrap();
    let farms = t.path().join("farms.csv");
    std::fs::write(&farms, FARMS.replace("300,100", "300,301")).unwrap();
    let err = import(&t.path().join("d"), &main, Some(&farms))
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.contains(&format!("farms.csv:3: {V1}: farms.manure_utilized_t: ")),
        "{err}"
    );
}

#[test]
fn export_then_import_reproduces_the_records() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    std::fs::write(&main, rows()).unwrap();
    let farms = t.path().join("farms.csv");
    std::fs::write(&farms, FARMS).unwrap();
    let a = t.path().join("a");
    import(&a, &main, Some(&farms)).success();
    let out = t.path().join("export.csv");
    bin(&a)
        .args([
            "records",
            "export-csv",
            "--round",
            "2020",
            "--under",
            "411003000000",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let bytes = std::fs::read(&out).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 with BOM for Excel"
    );
    let group = t.path().join("export.farms.csv");
    assert!(group.exists());
    let b = t.path().join("b");
    import(&b, &out, Some(&group)).success();
    for v in [V1, V2] {
        let (x, y) = (show(&a, v), show(&b, v));
        assert_eq!(x["records"][0]["values"], y["records"][0]["values"], "{v}");
    }
    // Importing the same file again changes nothing.
    import(&b, &out, Some(&group))
        .success()
        .stdout(predicates::str::contains("2 unchanged"));
}

#[test]
fn a_changed_value_makes_an_audited_revision() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    std::fs::write(&main, rows()).unwrap();
    let d = t.path().join("d");
    import(&d, &main, None).success();
    std::fs::write(&main, rows().replace(",200,700,", ",210,700,")).unwrap();
    bin(&d)
        .args(["--surveyor", "县统计员", "records", "import-csv"])
        .arg(&main)
        .args(["--round", "2020"])
        .assert()
        .success()
        .stdout(predicates::str::contains("1 updated, 1 unchanged"));
    let doc = show(&d, V1);
    assert_eq!(doc["records"].as_array().unwrap().len(), 1);
    assert_eq!(doc["records"][0]["revision"], 2);
    assert_eq!(doc["records"][0]["values"]["households"], 210);
    assert_eq!(doc["records"][0]["finalized_by"], "县统计员");
}

#[test]
fn show_of_unknown_village_fails_clearly() {
    let t = tempfile::tempdir().unwrap();
    bin(t.path())
        .args(["records", "show", "411003003999", "--round", "2020"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "411003003999: no such unit in the register",
        ));
}

#[test]
fn divisions_lists_code_tab_name() {
    let t = tempfile::tempdir().unwrap();
    let out = bin(t.path())
        .args([
            "divisions",
            "--under",
            "411003003000",
            "--level",
            "village",
            "--in-scope",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let first = out.lines().next().unwrap();
    assert_eq!(first, "411003003204\t大罗庄村委会");
    assert!(out.lines().all(|l| {
        let code = l.split('\t').next().unwrap();
        code.starts_with("411003003") && (200..400).contains(&code[9..].parse::<u32>().unwrap())
    }));
    let counties = bin(t.path())
        .args(["divisions", "--level", "county"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(String::from_utf8(counties).unwrap().lines().count(), 7);
}

#[test]
fn no_command_without_a_terminal_points_at_headless_commands() {
    let t = tempfile::tempdir().unwrap();
    bin(t.path())
        .assert()
        .code(1)
        .stderr(predicates::str::contains("records import-csv"));
}

#[test]
fn bad_usage_exits_2() {
    Command::cargo_bin("ruralenv")
        .unwrap()
        .args(["report"])
        .assert()
        .code(2);
}
