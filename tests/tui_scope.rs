//! `ruralenv edit CODE` for a unit outside the survey scope (a residents' committee) opens
//! no form: it says why and how a county changes the scope, exit status 1, nothing stored.

use std::process::Command;

#[test]
fn edit_refuses_an_out_of_scope_unit() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ruralenv"))
        .args(["--data-dir"])
        .arg(dir.path())
        .args([
            "--surveyor",
            "张三",
            "edit",
            "411003003017",
            "--round",
            "2020",
        ])
        .output()
        .expect("run ruralenv");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("不在调查范围"), "{err}");
    assert!(err.contains("forms/divisions/"), "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_ruralenv"))
        .args(["--data-dir"])
        .arg(dir.path())
        .args(["--lang", "en", "edit", "411003003017", "--round", "2020"])
        .output()
        .expect("run ruralenv");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not in the survey scope"), "{err}");
}
