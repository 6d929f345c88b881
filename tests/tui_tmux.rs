//! End to end in a real terminal (tmux): open a village with `edit`, type values into
//! several fields (Chinese too), `kill -9` the process, start again, and find every value
//! that was left with Tab or Enter. Skipped, with the reason printed, where tmux is missing.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ruralenv");
const VILLAGE: &str = "411003003204";

/// A tmux server of this test's own (`-L`), so no one else's sessions are touched.
fn socket() -> String {
    format!("ruralenv-e2e-{}", std::process::id())
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

fn start(name: &str, dir: &Path) -> Session {
    // `exec` so that the pane's process is ruralenv itself (the pid we kill).
    let cmd = format!(
        "exec '{BIN}' --data-dir '{}' --surveyor 张三 edit {VILLAGE} --round 2020 --field households",
        dir.display()
    );
    let ok = tmux_cmd()
        .args([
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "100",
            "-y",
            "30",
            &cmd,
        ])
        .env("LANG", "C.UTF-8")
        .status()
        .expect("tmux new-session")
        .success();
    assert!(ok, "tmux new-session failed");
    Session(name.to_string())
}

fn screen(s: &Session) -> String {
    tmux(&["capture-pane", "-p", "-t", &s.0])
}

/// Wait until the screen shows `text` (the app answers asynchronously to send-keys).
fn wait_for(s: &Session, text: &str) -> String {
    let t0 = Instant::now();
    loop {
        let sc = screen(s);
        if sc.contains(text) {
            return sc;
        }
        if t0.elapsed() > Duration::from_secs(15) {
            panic!("'{text}' never appeared; the screen was:\n{sc}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn keys(s: &Session, keys: &[&str]) {
    let mut args = vec!["send-keys", "-t", &s.0];
    args.extend_from_slice(keys);
    tmux(&args);
}

fn literal(s: &Session, text: &str) {
    tmux(&["send-keys", "-t", &s.0, "-l", text]);
}

/// Type into the focused field, leave it with `key`, and wait for "saved".
fn answer(s: &Session, text: &str, key: &str, label: &str) {
    literal(s, text);
    keys(s, &[key]);
    wait_for(s, &format!("已保存：{label}"));
}

#[test]
fn values_left_with_tab_or_enter_survive_kill_9() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed, so the end-to-end terminal test cannot run");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let name = format!("ruralenv-e2e-{}", std::process::id());
    let s = start(&name, dir.path());
    wait_for(&s, "常住户数");
    answer(&s, "200", "Tab", "常住户数");
    answer(&s, "760", "Enter", "常住人口");
    answer(&s, "y", "Tab", "有齐全的设施设备");
    answer(&s, "n", "Tab", "有成熟的治理技术");
    // Back to the surveyor (Shift-Tab ×5), replace the name with a Chinese one.
    for _ in 0..5 {
        keys(&s, &["BTab"]);
    }
    wait_for(&s, "填写实际入村调查人员的姓名");
    keys(&s, &["C-u"]);
    answer(&s, "李四", "Tab", "调查人");
    // Now on households again (200): typed but not left, so it may be lost, and
    // nothing else may be.
    literal(&s, "99");
    wait_for(&s, "› 20099");
    let pid = tmux(&["list-panes", "-t", &s.0, "-F", "#{pane_pid}"]);
    let pid = pid.trim();
    assert!(!pid.is_empty(), "no pane pid");
    let killed = Command::new("kill")
        .args(["-9", pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    drop(s);

    // What the store holds, through the headless command.
    let out = Command::new(BIN)
        .args(["--data-dir"])
        .arg(dir.path())
        .args([
            "records", "show", VILLAGE, "--round", "2020", "--format", "json",
        ])
        .output()
        .expect("records show");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let v = &doc["records"][0]["values"];
    assert_eq!(v["households"], 200, "{doc:#}");
    assert_eq!(v["population"], 760);
    assert_eq!(v["garbage_facilities"], true);
    assert_eq!(v["garbage_technology"], false);
    assert_eq!(v["surveyor"], "李四");
    assert_eq!(doc["records"][0]["status"], "draft");

    // And on screen after starting again.
    let s = start(&format!("{name}-again"), dir.path());
    let sc = wait_for(&s, "常住户数");
    for text in ["200", "760", "李四", "草稿"] {
        assert!(sc.contains(text), "'{text}' missing after restart:\n{sc}");
    }
    keys(&s, &["C-c"]);
    drop(s);
    let _ = tmux_cmd().arg("kill-server").output();
}

/// The terminal goes away (an SSH connection drops; here the tmux server is killed) while
/// a value is typed but not yet left: ruralenv keeps the value and exits, rather than
/// spinning on the dead terminal (crossterm-rs/crossterm#793) with the database open.
#[test]
fn a_lost_terminal_keeps_the_typed_value_and_ends_the_process() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed, so the end-to-end terminal test cannot run");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    // A server of its own: killing it is the lost terminal.
    let socket = format!("ruralenv-hup-{}", std::process::id());
    let tm = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket])
            .args(args)
            .env("LANG", "C.UTF-8")
            .output()
            .expect("run tmux")
    };
    let cmd = format!(
        "exec '{BIN}' --data-dir '{}' --surveyor 张三 edit {VILLAGE} --round 2020 --field households",
        dir.path().display()
    );
    assert!(
        tm(&[
            "new-session",
            "-d",
            "-s",
            "hup",
            "-x",
            "80",
            "-y",
            "24",
            &cmd
        ])
        .status
        .success()
    );
    let shows = |text: &str| {
        let t0 = Instant::now();
        loop {
            let sc = String::from_utf8_lossy(&tm(&["capture-pane", "-p", "-t", "hup"]).stdout)
                .into_owned();
            if sc.contains(text) {
                return;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(15),
                "'{text}' never appeared:\n{sc}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    shows("常住户数");
    tm(&["send-keys", "-t", "hup", "-l", "321"]);
    shows("› *常住户数");
    shows("321");
    let pid =
        String::from_utf8_lossy(&tm(&["list-panes", "-t", "hup", "-F", "#{pane_pid}"]).stdout)
            .trim()
            .to_string();
    assert!(!pid.is_empty(), "no pane pid");
    tm(&["kill-server"]);
    // The process must end by itself (generous: this is about ending at all, not speed).
    let t0 = Instant::now();
    while Path::new(&format!("/proc/{pid}")).exists() {
        if t0.elapsed() > Duration::from_secs(20) {
            let _ = Command::new("kill").args(["-9", &pid]).status();
            panic!("ruralenv {pid} was still running 20 s after its terminal went away");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "records", "show", VILLAGE, "--round", "2020", "--format", "json",
        ])
        .output()
        .expect("records show");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["records"][0]["values"]["households"], 321, "{doc:#}");
}
