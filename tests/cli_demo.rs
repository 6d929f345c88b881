//! `ruralenv demo` through the real binary: a county's demo data, then its report.

use assert_cmd::Command;

fn ruralenv(dir: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("ruralenv").unwrap();
    c.arg("--data-dir").arg(dir).env_remove("RURALENV_DATA_DIR");
    c
}

// 建安区 (411003, formerly 许昌县 411023, a code the 2023 register no longer has).
const COUNTY: &str = "411003000000";

#[test]
fn demo_then_report_for_a_county() {
    let dir = tempfile::tempdir().unwrap();
    let out = ruralenv(dir.path())
        .args(["demo", "--under", COUNTY, "--round", "2020", "--seed", "7"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let summary = String::from_utf8(out).unwrap();
    assert!(
        summary.contains("调查范围内"),
        "Chinese by default: {summary}"
    );
    assert!(summary.contains("重复"), "{summary}");
    assert!(summary.contains("演示数据"), "{summary}");

    let out = ruralenv(dir.path())
        .args([
            "report", "--round", "2020", "--under", COUNTY, "--format", "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let units = report["units"].as_array().unwrap();
    assert_eq!(units[0]["code"], COUNTY);
    assert!(units.len() > 1, "townships follow the county");
    let in_scope = units[0]["villages_in_scope"].as_u64().unwrap();
    let reported = units[0]["villages_reported"].as_u64().unwrap();
    assert!(
        0 < reported && reported < in_scope,
        "{reported} of {in_scope}"
    );
    for unit in units {
        for ind in unit["indicators"].as_array().unwrap() {
            if let Some(v) = ind["value"].as_f64() {
                assert!((0.0..=1.0).contains(&v), "{}: {ind}", unit["code"]);
            }
        }
    }
    let county = &units[0]["indicators"];
    for id in [
        "garbage_effective",
        "toilet_harmless",
        "toilet_sanitary",
        "manure_utilization",
        "farm_facilities",
        "sewage_controlled",
        "coverage",
    ] {
        let ind = county
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing"));
        assert!(
            ind["value"].is_f64(),
            "{id} has a value at county level: {ind}"
        );
    }

    // The same seed again: nothing new.
    let out = ruralenv(dir.path())
        .args(["--lang", "en", "demo", "--under", COUNTY, "--round", "2020"])
        .args(["--seed", "7"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let again = String::from_utf8(out).unwrap();
    assert!(again.contains(" 0 new"), "English with --lang en: {again}");
    assert!(again.contains("villages in scope"), "{again}");
}

#[test]
fn demo_refuses_an_unknown_unit_and_a_bad_round() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["20 20", "abc", "2020年", "1999", "2100", "20201"] {
        ruralenv(dir.path())
            .args(["demo", "--under", COUNTY, "--round", bad])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("--round"))
            .stderr(predicates::str::contains("2099"));
    }
    assert!(
        !dir.path().join("ruralenv.db").exists(),
        "a refused round must not create the database"
    );
    ruralenv(dir.path())
        .args(["demo", "--under", "411023000000", "--round", "2020"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("区划名录里没有这个单位"));
    ruralenv(dir.path())
        .args([
            "--lang",
            "en",
            "demo",
            "--under",
            "411023000000",
            "--round",
            "2020",
        ])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("no such unit"));
    // 颍川街道 holds only residents' committees: nothing to make, and the directory is not
    // marked as a demo directory (real bundles may still go into it).
    ruralenv(dir.path())
        .args(["demo", "--under", "411081001000", "--round", "2020"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("下面没有调查范围内的村"));
    let out = ruralenv(dir.path())
        .args([
            "report",
            "--round",
            "2020",
            "--under",
            "411081001000",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(doc.get("demo").is_none(), "{doc}");
}

const HEADER: &str = "village_code,survey_date,surveyor,households,population,garbage_facilities,garbage_technology,garbage_cleaners,garbage_funding,garbage_supervision,toilet_three_compartment,toilet_double_urn,toilet_biogas,toilet_urine_diverting,toilet_double_pit,toilet_sewered_flush,toilet_other_sanitary,sewage_mode,sewage_households,sewage_controlled,manure_scattered_produced_t,manure_scattered_utilized_t,notes";

fn report_json(dir: &std::path::Path) -> serde_json::Value {
    let out = ruralenv(dir)
        .args([
            "report", "--round", "2020", "--under", COUNTY, "--format", "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn demo_never_goes_into_a_data_dir_with_real_records() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("one.csv");
    std::fs::write(
        &csv,
        format!(
            "{HEADER}\n411003003204,2020-06-15,王建国,200,700,yes,yes,yes,yes,yes,100,20,0,0,5,45,10,central,120,yes,100,60.5,\n"
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    ruralenv(&data)
        .args(["records", "import-csv"])
        .arg(&csv)
        .args(["--round", "2020"])
        .assert()
        .success();
    let before = report_json(&data);
    assert!(before.get("demo").is_none(), "{before}");
    ruralenv(&data)
        .args(["demo", "--under", COUNTY, "--round", "2020"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("真实调查数据"));
    ruralenv(&data)
        .args(["--lang", "en", "demo", "--under", COUNTY, "--round", "2019"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("real survey data"));
    let mut after = report_json(&data);
    after["generated_at"] = before["generated_at"].clone();
    assert_eq!(before, after, "a refused demo changed nothing");
    assert_eq!(before["units"][0]["villages_reported"], 1);

    // A demo directory says so in every format, and takes more demo data.
    let demo = dir.path().join("demo");
    for round in ["2019", "2020"] {
        ruralenv(&demo)
            .args(["demo", "--under", COUNTY, "--round", round])
            .assert()
            .success();
    }
    assert_eq!(report_json(&demo)["demo"], true);
    for format in ["table", "csv"] {
        let out = ruralenv(&demo)
            .args([
                "report", "--round", "2020", "--under", COUNTY, "--format", format,
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        let first = text
            .trim_start_matches('\u{FEFF}')
            .lines()
            .next()
            .unwrap_or("");
        assert!(first.contains("演示数据"), "{format}: {first}");
    }
}

#[test]
fn demo_loads_another_register_gzipped() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("tiny.csv.gz");
    let text = "code,name,parent_code,level,urban_rural_code\n\
                420000000000,湖北省,,province,\n\
                420100000000,武汉市,420000000000,city,\n\
                420112000000,东西湖区,420100000000,county,\n\
                420112100000,柏泉街道,420112000000,township,\n\
                420112100201,柏泉村委会,420112100000,village,\n\
                420112100202,井岗村委会,420112100000,village,\n\
                420112100001,社区居委会,420112100000,village,\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    std::fs::write(&reg, gz.finish().unwrap()).unwrap();
    let out = ruralenv(dir.path())
        .args([
            "demo",
            "--under",
            "420000000000",
            "--round",
            "2021",
            "--register",
        ])
        .arg(&reg)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let summary = String::from_utf8(out).unwrap();
    assert!(summary.contains("调查范围内 2 个村"), "{summary}");
}

/// The national tables repeat a unit that has no lower levels as its own child (东莞市 as
/// city and as county); the register still loads, and `report` without `--under` covers
/// every top unit of the register, each followed by the units below it.
#[test]
fn national_style_register_and_report_over_every_top_unit() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("two.csv");
    let text = "code,name,parent_code,level,urban_rural_code\n\
                420000000000,湖北省,,province,\n\
                420100000000,武汉市,420000000000,city,\n\
                420112000000,东西湖区,420100000000,county,\n\
                420112100000,柏泉街道,420112000000,township,\n\
                420112100201,柏泉村委会,420112100000,village,\n\
                440000000000,广东省,,province,\n\
                441900000000,东莞市,440000000000,city,\n\
                441900000000,东莞市,441900000000,county,\n\
                441900003000,东城街道,441900000000,township,\n\
                441900003201,某村委会,441900003000,village,\n\
                441900003202,另一村委会,441900003000,village,\n";
    std::fs::write(&reg, text).unwrap();
    ruralenv(dir.path())
        .args(["demo", "--under", "420000000000", "--round", "2021"])
        .arg("--register")
        .arg(&reg)
        .assert()
        .success();
    let out = ruralenv(dir.path())
        .args(["demo", "--under", "441900000000", "--round", "2021"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("调查范围内 2 个村"),
        "东莞's villages are found through the city"
    );
    let out = ruralenv(dir.path())
        .args(["report", "--round", "2021", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let units = report["units"].as_array().unwrap();
    let codes: Vec<&str> = units.iter().map(|u| u["code"].as_str().unwrap()).collect();
    let pos = |c: &str| codes.iter().position(|x| *x == c).unwrap_or(usize::MAX);
    assert!(pos("420000000000") < pos("420112100000"), "{codes:?}");
    assert!(pos("420112100000") < pos("440000000000"), "{codes:?}");
    assert!(pos("440000000000") < pos("441900003000"), "{codes:?}");
    let guangdong = &units[pos("440000000000")];
    assert_eq!(guangdong["villages_in_scope"], 2);
    assert_eq!(guangdong["level"], "province");
    let hubei = &units[pos("420000000000")];
    assert_eq!(hubei["villages_in_scope"], 1);
}
