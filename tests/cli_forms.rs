//! `ruralenv forms check` through the real binary: the shipped forms pass, and each
//! fixture under `tests/invalid_forms/` (one mistake each) fails with its message.

use assert_cmd::Command;
use std::path::Path;

fn check(dir: &Path) -> assert_cmd::assert::Assert {
    Command::cargo_bin("ruralenv")
        .unwrap()
        .args(["forms", "check"])
        .arg(dir)
        .env_remove("RURALENV_DATA_DIR")
        .assert()
}

#[test]
fn shipped_forms_pass() {
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let out = check(&forms).success().get_output().stdout.clone();
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

fn fails_with(case: &str, file: &str, line: usize, field: &str, reason: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/invalid_forms")
        .join(case);
    let out = check(&dir).code(1).get_output().stderr.clone();
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
