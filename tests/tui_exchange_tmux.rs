//! End to end in a real terminal (tmux): export a township's bundle from one installation
//! through the export screen, import it into another through the import screen (the
//! worker thread and the event loop's draining of its messages included), and find the
//! records on home. Skipped, with the reason printed, where tmux is missing.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ruralenv");
const TOWN: &str = "411003003000";

/// A tmux server of this test binary's own (`-L`), so no one else's sessions are touched.
/// Its tests run in parallel on it, so none kills the server: each session is killed when
/// dropped, and the server ends with its last session.
fn socket() -> String {
    format!("ruralenv-exch-e2e-{}", std::process::id())
}

fn tmux_cmd() -> Command {
    let mut c = Command::new("tmux");
    c.args(["-L", &socket()]);
    c
}

fn tmux(args: &[&str]) -> String {
    let out = tmux_cmd().args(args).output().expect("run tmux");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = tmux_cmd().args(["kill-session", "-t", &self.0]).output();
    }
}

/// The TUI on `data`, started in `cwd` with HOME there too: the picker's places are the
/// removable media of this machine, if any, then that folder (last).
fn start(name: &str, data: &Path, cwd: &Path) -> Session {
    let cmd = format!(
        "cd '{}' && exec '{BIN}' --data-dir '{}' --surveyor 张三 --lang zh",
        cwd.display(),
        data.display()
    );
    let ok = tmux_cmd()
        .args([
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "80",
            "-y",
            "24",
            &cmd,
        ])
        .env("LANG", "C.UTF-8")
        .env("HOME", cwd)
        .status()
        .expect("tmux new-session")
        .success();
    assert!(ok, "tmux new-session failed");
    Session(name.to_string())
}

fn screen(s: &Session) -> String {
    tmux(&["capture-pane", "-p", "-t", &s.0])
}

fn wait_for(s: &Session, text: &str) -> String {
    let t0 = Instant::now();
    loop {
        let sc = screen(s);
        if sc.contains(text) {
            return sc;
        }
        if t0.elapsed() > Duration::from_secs(20) {
            panic!("'{text}' never appeared; the screen was:\n{sc}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One key at a time: Esc followed at once by a letter reads as Alt-letter.
fn key(s: &Session, key: &str) {
    tmux(&["send-keys", "-t", &s.0, key]);
    std::thread::sleep(Duration::from_millis(150));
}

fn run(args: &[&str], data: &Path) -> String {
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("run ruralenv");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn export_on_one_screen_import_on_another() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed, so the end-to-end terminal test cannot run");
        return;
    }
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
    let name = format!("ruralenv-exch-e2e-{}", std::process::id());
    let s = start(&name, a.path(), usb.path());
    wait_for(&s, "在册村");
    key(&s, "x");
    wait_for(&s, "导出数据包");
    key(&s, "G");
    key(&s, "w");
    let sc = wait_for(&s, "导出完成");
    assert!(sc.contains("15 个村的 15 条版本"), "{sc}");
    key(&s, "q");
    drop(s);
    let files: Vec<_> = std::fs::read_dir(usb.path())
        .expect("read usb")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].starts_with("411000000000-2020-") && files[0].ends_with(".renv"));

    // Import on the other installation.
    let s = start(&format!("{name}-b"), b.path(), usb.path());
    let sc = wait_for(&s, "在册村");
    assert!(sc.contains("已完成 0"), "{sc}");
    key(&s, "i");
    wait_for(&s, "导入数据包");
    key(&s, "G");
    key(&s, "Enter");
    wait_for(&s, &files[0]);
    key(&s, "Enter");
    let sc = wait_for(&s, "导入完成");
    assert!(sc.contains("新增 15"), "{sc}");
    assert!(sc.contains("来自“邓庄”"), "{sc}");
    key(&s, "Escape");
    let sc = wait_for(&s, "已完成 15");
    assert!(sc.contains("在册村"), "{sc}");
    key(&s, "q");
    drop(s);
}

/// The township clerk's day on the screens: trust a second surveyor's key (compare the
/// fingerprint, `y`), import that surveyor's bundle, which duplicates villages already
/// here, and keep one version of the first duplicated village; the choice is a stored
/// resolution and the village leaves the list of conflicts.
#[test]
fn trust_import_and_resolve_a_duplicate_on_the_screens() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed, so the end-to-end terminal test cannot run");
        return;
    }
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

    // Not a prefix of another test's session name: tmux matches `-t` by prefix too.
    let name = format!("town-{}", std::process::id());
    let s = start(&name, town.path(), usb.path());
    wait_for(&s, "在册村");
    // Trust the second surveyor through the trust screen.
    key(&s, "t");
    wait_for(&s, "本机指纹");
    key(&s, "a");
    tmux(&["send-keys", "-t", &s.0, "-l", &key_b]);
    key(&s, "Tab");
    tmux(&["send-keys", "-t", &s.0, "-l", TOWN]);
    key(&s, "Tab");
    tmux(&["send-keys", "-t", &s.0, "-l", "李四"]);
    key(&s, "Enter");
    let sc = wait_for(&s, "核对指纹");
    let digits: String = fingerprint_b
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("  ");
    assert!(
        sc.contains(&digits),
        "fingerprint {fingerprint_b} not shown:\n{sc}"
    );
    key(&s, "y");
    wait_for(&s, "已信任 2 个密钥");
    key(&s, "Escape");
    wait_for(&s, "在册村");
    // Import the second surveyor's bundle.
    key(&s, "i");
    wait_for(&s, "导入数据包");
    key(&s, "G");
    key(&s, "Enter");
    wait_for(&s, "b.renv");
    key(&s, "G");
    key(&s, "Enter");
    let sc = wait_for(&s, "导入完成");
    assert!(sc.contains("来自“李四”"), "{sc}");
    assert!(
        sc.contains("回首页后按 c 处理"),
        "the duplicates are pointed out:\n{sc}"
    );
    key(&s, "Escape");
    wait_for(&s, "在册村");
    let before: serde_json::Value = serde_json::from_str(&run(
        &["conflicts", "--round", "2020", "--format", "json"],
        town.path(),
    ))
    .expect("json");
    let before = before["conflicts"].as_array().expect("a list").len();
    assert!(before > 0, "the two surveyors' records should duplicate");
    // Keep the right-hand version of the first duplicated village.
    key(&s, "c");
    wait_for(&s, "待人工选择");
    key(&s, "Enter");
    wait_for(&s, "以此为准");
    key(&s, "Right");
    key(&s, "Enter");
    wait_for(&s, "y 确定");
    key(&s, "y");
    wait_for(&s, "已解决");
    key(&s, "q");
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
