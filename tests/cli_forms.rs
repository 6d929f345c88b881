//! `ruralenv forms check` through the real binary: the shipped forms pass, and each
//! fixture under `tests/invalid_forms/` (one mistake each) fails with its message.
//! `--forms DIR` installs forms into the data directory and `forms list` shows them.

use assert_cmd::Command;
use std::path::Path;

fn check(dir: &Path) -> assert_cmd::assert::Assert {
    check_in(&[], dir)
}

/// `forms check DIR` with the global options `global` (e.g. `--lang en`).
fn check_in(global: &[&str], dir: &Path) -> assert_cmd::assert::Assert {
    Command::cargo_bin("ruralenv")
        .unwrap()
        .args(global)
        .args(["forms", "check"])
        .arg(dir)
        .env_remove("RURALENV_DATA_DIR")
        .assert()
}

#[test]
fn shipped_forms_pass() {
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    // Chinese by default, English with --lang en.
    let out = check(&forms).success().get_output().stdout.clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("通过：表单 village@2"), "{out}");
    assert!(out.contains("通过：5 个目标"), "{out}");
    let out = Command::cargo_bin("ruralenv")
        .unwrap()
        .args(["--lang", "en", "forms", "check"])
        .arg(&forms)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("ok: form village@2"), "{out}");
    assert!(out.contains("ok: 5 targets"), "{out}");
}

#[test]
fn builtin_forms_pass_without_a_directory() {
    Command::cargo_bin("ruralenv")
        .unwrap()
        .args(["forms", "check"])
        .assert()
        .success();
}

/// The reasons below are the English ones: each case runs with `--lang en` (the Chinese
/// default is checked by `reasons_are_in_the_run_language`).
fn fails_with(case: &str, file: &str, line: usize, field: &str, reason: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/invalid_forms")
        .join(case);
    let out = check_in(&["--lang", "en"], &dir)
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    let expected = format!("{file}:{line}: {field}: {reason}");
    assert!(
        err.lines().any(|l| l.ends_with(&expected)),
        "{case}: expected a line ending with\n  {expected}\ngot:\n{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn toml_syntax_error() {
    fails_with(
        "toml_syntax",
        "mini.toml",
        14,
        "-",
        "TOML syntax: unclosed inline table, expected `}`",
    );
}

#[test]
fn unknown_field_in_expression() {
    fails_with(
        "unknown_field_in_expression",
        "mini.toml",
        21,
        "toilets",
        "constraint: unknown field 'housholds'",
    );
}

#[test]
fn duplicate_field_name() {
    fails_with(
        "duplicate_field",
        "mini.toml",
        17,
        "households",
        "duplicate field name",
    );
}

#[test]
fn unknown_type() {
    fails_with(
        "unknown_type",
        "mini.toml",
        12,
        "households",
        "unknown type 'number' (use integer, decimal, text, date, yes_no, select_one or select_many)",
    );
}

#[test]
fn calculation_cycle() {
    fails_with(
        "calculation_cycle",
        "mini.toml",
        11,
        "a",
        "calculation cycle: a → b → a",
    );
}

#[test]
fn type_mismatch_in_expression() {
    fails_with(
        "type_mismatch",
        "mini.toml",
        20,
        "ok",
        "calculation: type mismatch: arithmetic needs number, found text",
    );
}

#[test]
fn select_with_no_choices() {
    fails_with(
        "select_no_choices",
        "mini.toml",
        11,
        "mode",
        "a select field needs choices (choices = \"list name\")",
    );
}

#[test]
fn target_for_unknown_indicator() {
    fails_with(
        "target_unknown_indicator",
        "targets.toml",
        6,
        "toilet_harmles",
        "target for unknown indicator 'toilet_harmles'",
    );
}

#[test]
fn reasons_are_in_the_run_language() {
    // Chinese by default: the line keeps its `file:line: field:` and says why in Chinese.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid_forms");
    let err = |global: &[&str], case: &str| {
        let out = check_in(global, &dir.join(case)).code(1);
        String::from_utf8(out.get_output().stderr.clone()).unwrap()
    };
    let zh = err(&[], "unknown_field_in_expression");
    assert!(
        zh.contains("mini.toml:21: toilets: 约束条件：没有字段“housholds”"),
        "{zh}"
    );
    assert!(!zh.contains("unknown field"), "{zh}");
    let zh = err(&[], "number_without_max");
    assert!(zh.contains("数字字段需要 max"), "{zh}");
    assert!(!zh.contains("needs max"), "{zh}");
    let en = err(&["--lang", "en"], "number_without_max");
    assert!(en.contains("a number field needs max"), "{en}");
    assert!(
        !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{en}"
    );
}

#[test]
fn a_missing_directory_is_a_clear_error() {
    let out = check(Path::new("/no/such/forms/dir"))
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(err.contains("/no/such/forms/dir"), "{err}");
}

/// Finding "Unbounded numbers": every number field declares the largest value it may hold.
#[test]
fn unbounded_numbers_a_number_field_without_max_is_refused() {
    fails_with(
        "number_without_max",
        "mini.toml",
        11,
        "households",
        "a number field needs max, the largest value it may hold (at most 1e12), e.g. max = 20000",
    );
}

// ---------------------------------------------------------------------------------------
// Installed forms

const HEADER: &str = "village_code,survey_date,surveyor,households,population,garbage_facilities,garbage_technology,garbage_cleaners,garbage_funding,garbage_supervision,toilet_three_compartment,toilet_double_urn,toilet_biogas,toilet_urine_diverting,toilet_double_pit,toilet_sewered_flush,toilet_other_sanitary,sewage_mode,sewage_households,sewage_controlled,manure_scattered_produced_t,manure_scattered_utilized_t";

fn bin(data: &Path) -> Command {
    let mut c = Command::cargo_bin("ruralenv").unwrap();
    c.arg("--data-dir")
        .arg(data)
        .env_remove("RURALENV_DATA_DIR")
        .env_remove("RURALENV_SURVEYOR");
    c
}

fn stdout(a: assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

fn stderr(a: assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

/// A copy of the shipped forms as version 3, whose thresholds make a sheep farm a scale
/// farm from 200 head (version 2: from 100).
fn forms_v3(root: &Path) -> std::path::PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let v3 = root.join("forms-v3");
    std::fs::create_dir_all(v3.join("divisions")).unwrap();
    for f in ["targets.toml", "divisions/xuchang.csv"] {
        std::fs::copy(src.join(f), v3.join(f)).unwrap();
    }
    let form = std::fs::read_to_string(src.join("village.toml")).unwrap();
    assert!(form.contains("version = 2"));
    std::fs::write(
        v3.join("village.toml"),
        form.replacen("version = 2", "version = 3", 1),
    )
    .unwrap();
    let th = std::fs::read_to_string(src.join("thresholds.toml")).unwrap();
    let active = "active = \"common_statistics_pre2025\"";
    assert!(th.contains(active));
    std::fs::write(
        v3.join("thresholds.toml"),
        th.replacen(active, "active = \"national_filing_2025\"", 1),
    )
    .unwrap();
    v3
}

/// Import one village with a 150-head sheep farm, with no --forms flag; return its
/// `records show --format json`.
fn import_sheep_farm(root: &Path, data: &Path, code: &str) -> serde_json::Value {
    let csv = root.join(format!("{code}.csv"));
    let row = format!(
        "{code},2020-06-15,王建国,100,300,yes,yes,yes,yes,yes,90,0,0,0,0,0,0,none,,yes,10,5"
    );
    std::fs::write(&csv, format!("{HEADER}\n{row}\n")).unwrap();
    let farms = root.join(format!("{code}.farms.csv"));
    std::fs::write(
        &farms,
        format!("village_code,farm_name,species,head_count,facilities_matched,manure_produced_t,manure_utilized_t\n{code},羊场,sheep,150,no,20,10\n"),
    )
    .unwrap();
    bin(data)
        .args(["records", "import-csv"])
        .arg(&csv)
        .args(["--round", "2020", "--group"])
        .arg(format!("farms={}", farms.display()))
        .assert()
        .success();
    let out = stdout(
        bin(data)
            .args([
                "records", "show", code, "--round", "2020", "--format", "json",
            ])
            .assert()
            .success(),
    );
    serde_json::from_str(&out).unwrap()
}

#[test]
fn forms_installed_with_the_flag_are_used_by_later_runs_without_it() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    // Before anything is installed: the built-in version 2 validates and computes.
    let before = import_sheep_farm(t.path(), &data, "411003003204");
    assert_eq!(before["records"][0]["form_version"], 2);
    assert_eq!(before["records"][0]["values"]["farms"][0]["scale"], true);

    let v3 = forms_v3(t.path());
    let err = stderr(
        bin(&data)
            .arg("--forms")
            .arg(&v3)
            .args(["forms", "list"])
            .assert()
            .success(),
    );
    assert!(err.contains("已安装") && err.contains("village@3"), "{err}");

    // A plain run: new records are validated and computed with version 3 …
    let after = import_sheep_farm(t.path(), &data, "411003003205");
    assert_eq!(after["records"][0]["form_version"], 3);
    assert_eq!(after["records"][0]["values"]["farms"][0]["scale"], false);
    // … and the earlier record keeps its own version.
    let out = stdout(
        bin(&data)
            .args(["records", "show", "411003003204", "--round", "2020"])
            .args(["--format", "json"])
            .assert()
            .success(),
    );
    let earlier: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(earlier["records"][0]["form_version"], 2);
    assert_eq!(earlier["records"][0]["values"]["farms"][0]["scale"], true);

    // The same directory again installs nothing new and says nothing.
    let err = stderr(
        bin(&data)
            .arg("--forms")
            .arg(&v3)
            .args(["forms", "list"])
            .assert()
            .success(),
    );
    assert!(!err.contains("已安装"), "{err}");
}

#[test]
fn forms_list_shows_installed_versions_and_the_one_in_use() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let out = stdout(bin(&data).args(["forms", "list"]).assert().success());
    assert!(out.contains("* village@2  内置"), "{out}");

    let v3 = forms_v3(t.path());
    bin(&data)
        .arg("--forms")
        .arg(&v3)
        .args(["divisions", "--level", "county"])
        .assert()
        .success();
    let out = stdout(bin(&data).args(["forms", "list"]).assert().success());
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("* village@3  第 1 次安装，") && lines[0].contains("forms-v3"),
        "{out}"
    );
    assert!(lines[1].starts_with("  village@2  内置"), "{out}");
    assert!(lines[2].starts_with("* = 正在使用的版本"), "{out}");
    // English for one run only; the next plain run is Chinese again.
    let out = stdout(
        bin(&data)
            .args(["--lang", "en", "forms", "list"])
            .assert()
            .success(),
    );
    assert!(out.contains("* village@3  install 1, "), "{out}");
    assert!(out.contains("  village@2  built in"), "{out}");
    let out = stdout(bin(&data).args(["forms", "list"]).assert().success());
    assert!(out.contains("内置"), "{out}");
}

#[test]
fn invalid_forms_are_refused_and_nothing_is_installed() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid_forms/duplicate_field");
    let err = stderr(
        bin(&data)
            .arg("--forms")
            .arg(&bad)
            .args(["forms", "list"])
            .assert()
            .code(1),
    );
    assert!(err.contains("什么也没有安装"), "{err}");
    // The reason in the run's language, Chinese by default.
    assert!(
        err.contains("mini.toml:17: households: 字段名重复"),
        "{err}"
    );
    assert!(!err.contains("duplicate field name"), "{err}");
    assert!(!data.join("forms").exists(), "nothing installed");
    let out = stdout(bin(&data).args(["forms", "list"]).assert().success());
    assert!(out.contains("* village@2  内置"), "{out}");
    assert!(!out.contains("安装，"), "{out}");
}

#[test]
fn a_broken_installed_copy_is_listed_and_refused_loudly() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let v3 = forms_v3(t.path());
    bin(&data)
        .arg("--forms")
        .arg(&v3)
        .args(["forms", "list"])
        .assert()
        .success();
    // Someone edits the installed copy by hand and breaks it.
    std::fs::write(data.join("forms/0001/village.toml"), "[form\n").unwrap();
    let a = bin(&data).args(["forms", "list"]).assert().code(1);
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(out.contains("village@3  第 1 次安装"), "{out}");
    assert!(!out.contains("* village"), "nothing is in use: {out}");
    assert!(err.contains("不能再载入"), "{err}");
    // Other commands refuse too, rather than fall back to other forms.
    let err = stderr(
        bin(&data)
            .args(["report", "--round", "2020"])
            .assert()
            .code(1),
    );
    assert!(err.contains("不能再载入"), "{err}");
}
