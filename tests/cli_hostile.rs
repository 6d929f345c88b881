//! Hostile and broken input through the real binary (issue 11): text from outside never
//! reaches the terminal with control, bidi or invisible format characters in it; file
//! names and `--round` included.

mod cli_support;

use cli_support::{bin_en as bin, run};
#[cfg(unix)]
use std::fs;
use std::path::Path;

#[cfg(unix)] // used by the test that names a file with an escape: Unix file names only
const HEADER: &str = "village_code,survey_date,surveyor,households,population,garbage_facilities,garbage_technology,garbage_cleaners,garbage_funding,garbage_supervision,toilet_three_compartment,toilet_double_urn,toilet_biogas,toilet_urine_diverting,toilet_double_pit,toilet_sewered_flush,toilet_other_sanitary,sewage_mode,sewage_households,sewage_controlled,manure_scattered_produced_t,manure_scattered_utilized_t,notes";
#[cfg(unix)] // used by the test that names a file with an escape: Unix file names only
const ROW: &str = "411003003204,2020-06-15,王建国,200,700,yes,yes,yes,yes,yes,100,20,0,0,5,45,10,central,120,yes,100,60.5,大罗庄";
const TOWNSHIP: &str = "411003003000";

/// An OSC 52 clipboard write: a terminal that honours it replaces what the clerk pastes next.
#[cfg(unix)] // used by the test that names a file with an escape: Unix file names only
const OSC52: &str = "\u{1b}]52;c;cm0gLXJmIH4K\u{7}";

/// No character of the terminal-safety rule anywhere but line breaks.
fn assert_terminal_safe(what: &str, text: &str) {
    assert!(
        !text
            .chars()
            .any(|c| c != '\n' && ruralenv::termsafe::is_unsafe(c)),
        "{what} reaches the terminal with unsafe characters: {text:?}"
    );
}

#[cfg(unix)] // used by the test that names a file with an escape: Unix file names only
fn surveyed_site(t: &Path) -> std::path::PathBuf {
    let dir = t.join("surveyor");
    let csv = t.join("one.csv");
    fs::write(&csv, format!("{HEADER}\n{ROW}\n")).unwrap();
    bin(&dir)
        .args(["--surveyor", "王建国", "records", "import-csv"])
        .arg(&csv)
        .args(["--round", "2020"])
        .assert()
        .success();
    dir
}

fn key_of(dir: &Path) -> String {
    let (out, _, code) = run(bin(dir).args(["key", "show"]));
    assert_eq!(code, 0);
    out.lines().next().unwrap().to_string()
}

#[cfg(unix)]
#[test]
fn terminal_injection_osc52_in_a_bundle_file_name_is_escaped() {
    let t = tempfile::tempdir().unwrap();
    let surveyor = surveyed_site(t.path());
    let bundle = t.path().join(format!("township{OSC52}.renv"));
    let (out, err, code) = run(bin(&surveyor)
        .args(["export", "--under", TOWNSHIP, "--round", "2020", "--out"])
        .arg(&bundle));
    assert_eq!(code, 0, "{err}");
    assert_terminal_safe("export", &format!("{out}{err}"));
    assert!(out.contains("township\\u{1b}]52;c;"), "{out}");

    // Refused (untrusted key): the error names the file, escaped.
    let county = t.path().join("county");
    let (out, err, code) = run(bin(&county).arg("import").arg(&bundle));
    assert_eq!(code, 1);
    assert_terminal_safe("a refused import", &format!("{out}{err}"));
    assert!(err.contains("township\\u{1b}]52"), "{err}");

    // Imported, and imported again: both summaries escape the name.
    let key = key_of(&surveyor);
    bin(&county)
        .args(["trust", "add", &key, "--scope", TOWNSHIP, "--name", "邓庄"])
        .assert()
        .success();
    for _ in 0..2 {
        let (out, err, code) = run(bin(&county).arg("import").arg(&bundle));
        assert_eq!(code, 0, "{err}");
        assert_terminal_safe("import", &format!("{out}{err}"));
        assert!(out.contains("township\\u{1b}]52"), "{out}");
    }

    // `report --out` and a bad `--round` say the name back escaped too.
    let report = t.path().join(format!("report{OSC52}.xlsx"));
    let (out, err, code) = run(bin(&county)
        .args(["report", "--round", "2020", "--format", "xlsx", "--out"])
        .arg(&report));
    assert_eq!(code, 0, "{err}");
    assert_terminal_safe("report --out", &format!("{out}{err}"));
    assert!(err.contains("report\\u{1b}]52"), "{err}");
    let (out, err, code) = run(bin(&county).args([
        "export",
        "--under",
        TOWNSHIP,
        "--round",
        &format!("2020{OSC52}"),
        "--out",
        "x.renv",
    ]));
    assert_ne!(code, 0);
    assert_terminal_safe("export --round", &format!("{out}{err}"));
}

#[test]
fn terminal_injection_rtl_override_in_a_trusted_keys_name_is_refused_or_escaped() {
    let t = tempfile::tempdir().unwrap();
    let sender = t.path().join("sender");
    let key = key_of(&sender);
    let county = t.path().join("county");
    // At entry: refused, with the reason.
    let (out, err, code) = run(bin(&county).args([
        "trust",
        "add",
        &key,
        "--scope",
        TOWNSHIP,
        "--name",
        "邓庄\u{202e}5 20050",
    ]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("right-to-left"), "{err}");
    assert_terminal_safe("trust add", &format!("{out}{err}"));

    // Stored anyway (an older version let it in): shown escaped by `trust list`.
    {
        let forms = ruralenv::forms::FormSet::builtin();
        let mut store = ruralenv::context::open_store(&county, &forms).unwrap();
        store
            .trust_key(&key, "邓庄\u{202e}\u{2066}5 20050\u{200b}", TOWNSHIP)
            .unwrap();
    }
    let (out, err, code) = run(bin(&county).args(["trust", "list"]));
    assert_eq!(code, 0, "{err}");
    // Tabs separate the columns (the program's own).
    assert_terminal_safe("trust list", &out.replace('\t', " "));
    assert!(
        out.contains("邓庄\\u{202e}\\u{2066}5 20050\\u{200b}"),
        "{out}"
    );
}
