//! End to end in a real terminal (tmux): export a township's bundle from one installation
//! through the export screen, import it into another through the import screen (the
//! worker thread and the event loop's draining of its messages included), and find the
//! records on home. Skipped, with the reason printed, where tmux is missing.

mod tmux_support;

use std::path::Path;
use tmux_support::{BIN, Session, Tmux, available, ruralenv};

const TOWN: &str = "411003003000";

/// The TUI on `data`, started in `cwd` with HOME there too: the picker's places are the
/// removable media of this machine, if any, then that folder (last).
fn start<'a>(tmux: &'a Tmux, name: &str, data: &Path, cwd: &Path) -> Session<'a> {
    let cmd = format!(
        "cd '{}' && exec '{BIN}' --data-dir '{}' --surveyor 张三 --lang zh",
        cwd.display(),
        data.display()
    );
    tmux.start(name, (80, 24), &cmd, &[("HOME", cwd)])
}

fn run(args: &[&str], data: &Path) -> String {
    ruralenv(data, args)
}

#[test]
fn export_on_one_screen_import_on_another() {
    if !available() {
        return;
    }
    let tmux = Tmux::new("ruralenv-exch-e2e");
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    let usb = tempfile::tempdir().expect("tempdir");
    run(&["demo", "--under", TOWN, "--round", "2020"], a.path());
    let shown = run(&["key", "show"], a.path());
    let public = shown.lines().next().expect("key");
    run(
        &["trust", "add", public, "--scope", TOWN, "--name", "邓庄"],
        b.path(),
    );

    // Export: the cursor is on the city at start; the last place is the folder we started in.
    let s = start(&tmux, "export", a.path(), usb.path());
    s.wait_for("在册村");
    s.key("x");
    s.wait_for("导出数据包");
    s.key("G");
    s.key("w");
    let sc = s.wait_for("导出完成");
    assert!(sc.contains("15 个村的 15 条版本"), "{sc}");
    s.key("q");
    drop(s);
    let files: Vec<_> = std::fs::read_dir(usb.path())
        .expect("read usb")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].starts_with("411000000000-2020-") && files[0].ends_with(".renv"));

    // Import on the other installation.
    let s = start(&tmux, "import", b.path(), usb.path());
    let sc = s.wait_for("在册村");
    assert!(sc.contains("计入 0"), "{sc}");
    s.key("i");
    s.wait_for("导入数据包");
    s.key("G");
    s.key("Enter");
    s.wait_for(&files[0]);
    s.key("Enter");
    let sc = s.wait_for("导入完成");
    assert!(sc.contains("新增 15"), "{sc}");
    assert!(sc.contains("来自“邓庄”"), "{sc}");
    s.key("Escape");
    let sc = s.wait_for("计入 15");
    assert!(sc.contains("在册村"), "{sc}");
    s.key("q");
    drop(s);
}

/// The township clerk's day on the screens: trust a second surveyor's key (compare the
/// fingerprint, `y`), import that surveyor's bundle, which duplicates villages already
/// here, and keep one version of the first duplicated village; the choice is a stored
/// resolution and the village leaves the list of conflicts.
#[test]
fn trust_import_and_resolve_a_duplicate_on_the_screens() {
    if !available() {
        return;
    }
    let tmux = Tmux::new("ruralenv-exch-e2e");
    let first = tempfile::tempdir().expect("tempdir");
    let second = tempfile::tempdir().expect("tempdir");
    let town = tempfile::tempdir().expect("tempdir");
    let usb = tempfile::tempdir().expect("tempdir");
    run(
        &["demo", "--under", TOWN, "--round", "2020", "--seed", "1"],
        first.path(),
    );
    run(
        &["demo", "--under", TOWN, "--round", "2020", "--seed", "2"],
        second.path(),
    );
    let bundle_a = usb.path().join("a.renv");
    let bundle_b = usb.path().join("b.renv");
    for (dir, out) in [(first.path(), &bundle_a), (second.path(), &bundle_b)] {
        let out = out.to_string_lossy().into_owned();
        run(
            &["export", "--under", TOWN, "--round", "2020", "--out", &out],
            dir,
        );
    }
    let key_of = |dir: &Path| {
        let shown = run(&["key", "show"], dir);
        let mut lines = shown.lines();
        (
            lines.next().expect("key").to_string(),
            lines.next().expect("fingerprint").to_string(),
        )
    };
    let (key_a, _) = key_of(first.path());
    let (key_b, fingerprint_b) = key_of(second.path());
    run(
        &["trust", "add", &key_a, "--scope", TOWN, "--name", "张三"],
        town.path(),
    );
    run(&["import", &bundle_a.to_string_lossy()], town.path());

    let s = start(&tmux, "town", town.path(), usb.path());
    s.wait_for("在册村");
    // Trust the second surveyor through the trust screen.
    s.key("t");
    s.wait_for("本机指纹");
    s.key("a");
    s.literal(&key_b);
    s.key("Tab");
    s.literal(TOWN);
    s.key("Tab");
    s.literal("李四");
    s.key("Enter");
    let sc = s.wait_for("核对指纹");
    let digits: String = fingerprint_b
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("  ");
    assert!(
        sc.contains(&digits),
        "fingerprint {fingerprint_b} not shown:\n{sc}"
    );
    s.key("y");
    s.wait_for("已信任 2 个密钥");
    s.key("Escape");
    s.wait_for("在册村");
    // Import the second surveyor's bundle.
    s.key("i");
    s.wait_for("导入数据包");
    s.key("G");
    s.key("Enter");
    s.wait_for("b.renv");
    s.key("G");
    s.key("Enter");
    let sc = s.wait_for("导入完成");
    assert!(sc.contains("来自“李四”"), "{sc}");
    assert!(
        sc.contains("回首页后按 c 处理"),
        "the duplicates are pointed out:\n{sc}"
    );
    s.key("Escape");
    s.wait_for("在册村");
    let before: serde_json::Value = serde_json::from_str(&run(
        &["conflicts", "--round", "2020", "--format", "json"],
        town.path(),
    ))
    .expect("json");
    let before = before["conflicts"].as_array().expect("a list").len();
    assert!(before > 0, "the two surveyors' records should duplicate");
    // Keep the right-hand version of the first duplicated village.
    s.key("c");
    s.wait_for("待人工选择");
    s.key("Enter");
    s.wait_for("以此为准");
    s.key("Right");
    s.key("Enter");
    s.wait_for("y 确定");
    s.key("y");
    s.wait_for("已解决");
    s.key("q");
    drop(s);
    let after: serde_json::Value = serde_json::from_str(&run(
        &["conflicts", "--round", "2020", "--format", "json"],
        town.path(),
    ))
    .expect("json");
    assert_eq!(
        after["conflicts"].as_array().expect("a list").len(),
        before - 1
    );
}
