//! The command line speaks the UI language: Chinese by default, English with `--lang en`
//! for that run only (the next plain run is Chinese again), `--help` included.

use assert_cmd::Command;
use std::path::Path;

const TOWN: &str = "411003003000";

fn bin(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("ruralenv").unwrap();
    c.arg("--data-dir")
        .arg(dir)
        .env_remove("RURALENV_SURVEYOR")
        .env_remove("RURALENV_DATA_DIR");
    c
}

fn out(c: &mut Command) -> (String, String) {
    let a = c.assert().success();
    let o = a.get_output();
    (
        String::from_utf8(o.stdout.clone()).unwrap(),
        String::from_utf8(o.stderr.clone()).unwrap(),
    )
}

fn fails(c: &mut Command, code: i32) -> String {
    let a = c.assert().code(code);
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

#[test]
fn demo_report_export_import_trust_and_conflicts_speak_the_run_language() {
    let t = tempfile::tempdir().unwrap();
    let sender = t.path().join("sender");
    let county = t.path().join("county");
    let (o, _) = out(bin(&sender).args(["demo", "--under", TOWN, "--round", "2020"]));
    assert!(o.contains("演示数据"), "{o}");
    let (o, _) = out(bin(&t.path().join("en"))
        .args(["--lang", "en", "demo", "--under", TOWN, "--round", "2020"]));
    assert!(o.starts_with("demo round 2020"), "{o}");

    let report = t.path().join("r.json");
    let (_, e) = out(bin(&sender)
        .args(["report", "--round", "2020", "--format", "json", "--out"])
        .arg(&report));
    assert!(e.contains("已写入"), "{e}");
    let (_, e) = out(bin(&sender)
        .args([
            "--lang", "en", "report", "--round", "2020", "--format", "json",
        ])
        .arg("--out")
        .arg(&report));
    assert!(e.starts_with("wrote "), "{e}");

    let bundle = t.path().join("b.renv");
    let (o, _) = out(bin(&sender)
        .args([
            "--surveyor",
            "王五",
            "export",
            "--under",
            TOWN,
            "--round",
            "2020",
        ])
        .arg("--out")
        .arg(&bundle));
    assert!(o.contains("个村的") && o.contains("由本机密钥"), "{o}");

    // The county: no key trusted yet, so the import is refused, in Chinese.
    let (_, e) = out(bin(&county).args(["trust", "list"]));
    assert!(e.contains("还没有信任任何密钥"), "{e}");
    let (_, e) = out(bin(&county).args(["--lang", "en", "trust", "list"]));
    assert!(e.contains("no key is trusted yet"), "{e}");
    let e = fails(bin(&county).arg("import").arg(&bundle), 1);
    assert!(e.contains("数据包被拒绝"), "{e}");
    let e = fails(
        bin(&county).args(["--lang", "en", "import"]).arg(&bundle),
        1,
    );
    assert!(e.contains("the bundle was refused"), "{e}");

    let (key, _) = out(bin(&sender).args(["key", "show"]));
    let key = key.lines().next().unwrap().to_string();
    let (o, _) = out(bin(&county).args(["trust", "add", &key, "--scope", TOWN]));
    assert!(o.starts_with("已信任"), "{o}");
    // The demo bundle goes into the empty county directory (it becomes a demo directory).
    let (o, _) = out(bin(&county).arg("import").arg(&bundle));
    assert!(o.contains("第 2020 轮") && o.contains("来自"), "{o}");
    let (o, _) = out(bin(&county).args(["--lang", "en", "import"]).arg(&bundle));
    assert!(o.contains("already imported"), "{o}");

    let (o, _) = out(bin(&county).args(["conflicts", "--round", "2020"]));
    assert!(o.contains("没有等待决定") || o.contains("暂时计入"), "{o}");
    let (o, _) = out(bin(&county).args(["--lang", "en", "conflicts", "--round", "2020"]));
    assert!(
        o.contains("no forks") || o.contains("counted for now"),
        "{o}"
    );
    // The next plain run is Chinese again: --lang is not remembered.
    let (o, _) = out(bin(&county).arg("import").arg(&bundle));
    assert!(o.contains("已经导入过"), "{o}");
}

#[test]
fn argument_errors_and_help_speak_the_run_language() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let e = fails(
        bin(d).args(["report", "--round", "2020", "--under", "9999"]),
        1,
    );
    assert!(e.contains("“9999”不是 12 位区划代码"), "{e}");
    let e = fails(
        bin(d).args([
            "--lang", "en", "report", "--round", "2020", "--under", "9999",
        ]),
        1,
    );
    assert!(e.contains("'9999' is not a 12-digit division code"), "{e}");
    let e = fails(bin(d).args(["report", "--round", "1999"]), 2);
    assert!(e.contains("轮次“1999”无效"), "{e}");
    let e = fails(
        bin(d).args([
            "review",
            "return",
            "411003003204",
            "--round",
            "2020",
            "--comment",
            " ",
        ]),
        2,
    );
    assert!(e.contains("退回必须写明原因"), "{e}");

    let (o, _) = out(bin(d).arg("--help"));
    assert!(
        o.contains("用法：") && o.contains("按目标汇总一轮的数据"),
        "{o}"
    );
    let (o, _) = out(bin(d).args(["--lang", "en", "report", "--help"]));
    assert!(
        o.contains("Usage:") && o.contains("Roll the round up against the targets"),
        "{o}"
    );
    let (o, _) = out(bin(d).args(["report", "--help"]));
    assert!(o.contains("用法：") && o.contains("轮次"), "{o}");
    // Usage errors speak the run's language too (more in tests/cli_usage.rs).
    let e = fails(bin(d).args(["report", "--bogus"]), 2);
    assert!(e.starts_with("ruralenv：命令行有误"), "{e}");
    assert!(e.contains("--bogus"), "{e}");
}
