//! What the command-line tests share: the binary pointed at a data directory (in the
//! default language or in English), a run's streams, `records import-csv`, and the JSON of
//! `records show` and `report`.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

/// The village form's CSV header (DESIGN.md, the data dictionary).
pub const HEADER: &str = "village_code,survey_date,surveyor,households,population,garbage_facilities,garbage_technology,garbage_cleaners,garbage_funding,garbage_supervision,toilet_three_compartment,toilet_double_urn,toilet_biogas,toilet_urine_diverting,toilet_double_pit,toilet_sewered_flush,toilet_other_sanitary,sewage_mode,sewage_households,sewage_controlled,manure_scattered_produced_t,manure_scattered_utilized_t,notes";
/// The farms group's CSV header.
pub const FARMS_HEADER: &str = "village_code,farm_name,species,head_count,facilities_matched,manure_produced_t,manure_utilized_t";

/// The binary on a data directory, in the default language, with nothing from the
/// environment choosing the directory or the surveyor.
pub fn bin(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("ruralenv").unwrap();
    c.arg("--data-dir")
        .arg(dir)
        .env_remove("RURALENV_SURVEYOR")
        .env_remove("RURALENV_DATA_DIR");
    c
}

/// `bin` with `--lang en`.
pub fn bin_en(dir: &Path) -> Command {
    let mut c = bin(dir);
    c.args(["--lang", "en"]);
    c
}

/// Both streams of a run, and its exit code.
pub fn run(c: &mut Command) -> (String, String, i32) {
    let out = c.output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// `records import-csv MAIN --round 2020 [--group farms=FARMS]` with the given binary.
pub fn import_csv(mut c: Command, main: &Path, farms: Option<&Path>) -> assert_cmd::assert::Assert {
    c.args(["records", "import-csv"])
        .arg(main)
        .args(["--round", "2020"]);
    if let Some(f) = farms {
        c.arg("--group").arg(format!("farms={}", f.display()));
    }
    c.assert()
}

/// The stderr of a run that must have failed with exit status 1.
pub fn stderr_of(a: assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.failure().code(1).get_output().stderr.clone()).unwrap()
}

/// `records show VILLAGE --round 2020 --format json`.
pub fn show(dir: &Path, village: &str) -> Value {
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

/// `report --round 2020 --under UNIT --format json`, without its `generated_at`.
pub fn report(dir: &Path, under: &str) -> Value {
    let out = bin(dir)
        .args([
            "report", "--round", "2020", "--under", under, "--format", "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let mut v: Value = serde_json::from_slice(&out).unwrap();
    v.as_object_mut().unwrap().remove("generated_at");
    v
}
