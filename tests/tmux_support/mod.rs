//! Driving the real binary in a real terminal: a tmux server of the test binary's own
//! (`-L`), so no one else's sessions are touched. Tests of one binary run in parallel on
//! it, so none kills the server: each session is killed when dropped, and the server ends
//! with its last session. Targets use tmux's exact-match form (`=name`), since a plain
//! `-t name` also matches other sessions by prefix.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_ruralenv");

/// Is tmux installed? When not, a test prints why it is skipped and returns, except
/// under CI (the `CI` environment variable set and not empty), where a missing tmux is a
/// failure: a skipped end-to-end test must never pass as green there.
pub fn available() -> bool {
    available_with(
        Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success()),
        std::env::var_os("CI").is_some_and(|v| !v.is_empty()),
    )
}

/// [`available`]'s rule, given whether tmux runs and whether this is CI.
pub fn available_with(tmux_runs: bool, ci: bool) -> bool {
    if tmux_runs {
        return true;
    }
    assert!(
        !ci,
        "tmux is not installed and CI is set: the end-to-end terminal tests must run in CI; \
         install tmux"
    );
    eprintln!("skipped: tmux is not installed, so the end-to-end terminal test cannot run");
    false
}

pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// The server of this test binary (`prefix` keeps binaries apart).
    pub fn new(prefix: &str) -> Tmux {
        Tmux {
            socket: format!("{prefix}-{}", std::process::id()),
        }
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket]).env("LANG", "C.UTF-8");
        c
    }

    pub fn run(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A session `name` of `w`×`h` running `shell_command` (use `exec` so that the pane's
    /// process is ruralenv itself), with extra environment variables.
    pub fn start(
        &self,
        name: &str,
        (w, h): (u16, u16),
        shell_command: &str,
        env: &[(&str, &Path)],
    ) -> Session<'_> {
        let (w, h) = (w.to_string(), h.to_string());
        let mut c = self.cmd();
        c.args([
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            &w,
            "-y",
            &h,
            shell_command,
        ]);
        for (k, v) in env {
            c.env(k, v);
        }
        assert!(
            c.status().expect("tmux new-session").success(),
            "tmux new-session failed"
        );
        Session {
            tmux: self,
            session: format!("={name}"),
            target: format!("={name}:"),
        }
    }

    /// Kills the whole server: only for a binary whose tests do not share it.
    pub fn kill_server(&self) {
        let _ = self.cmd().arg("kill-server").output();
    }
}

pub struct Session<'a> {
    tmux: &'a Tmux,
    /// `=name`: the session, matched exactly.
    session: String,
    /// `=name:`: its current pane.
    target: String,
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = self
            .tmux
            .cmd()
            .args(["kill-session", "-t", &self.session])
            .output();
    }
}

impl Session<'_> {
    pub fn screen(&self) -> String {
        self.tmux.run(&["capture-pane", "-p", "-t", &self.target])
    }

    /// Waits until the screen shows `text` (the app answers asynchronously to send-keys).
    /// The only clock in these tests, and a generous one: 20 s for what takes well under a
    /// second on an idle machine, so that a loaded 2-core machine still passes.
    pub fn wait_for(&self, text: &str) -> String {
        let t0 = Instant::now();
        loop {
            let sc = self.screen();
            if sc.contains(text) {
                return sc;
            }
            if t0.elapsed() > Duration::from_secs(20) {
                panic!("'{text}' never appeared; the screen was:\n{sc}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Keys by tmux name (`Tab`, `C-u`, `Enter`, a letter), all at once.
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.target];
        args.extend_from_slice(keys);
        self.tmux.run(&args);
    }

    /// One key, then a pause: Esc followed at once by a letter reads as Alt-letter.
    pub fn key(&self, key: &str) {
        self.keys(&[key]);
        std::thread::sleep(Duration::from_millis(150));
    }

    /// Text typed as it is (Chinese too).
    pub fn literal(&self, text: &str) {
        self.tmux
            .run(&["send-keys", "-t", &self.target, "-l", text]);
    }

    /// The pid of the pane's process.
    pub fn pid(&self) -> String {
        let pid = self
            .tmux
            .run(&["list-panes", "-t", &self.target, "-F", "#{pane_pid}"]);
        let pid = pid.trim().to_string();
        assert!(!pid.is_empty(), "no pane pid");
        pid
    }
}

/// The headless binary on a data directory; panics with its stderr when it fails.
pub fn ruralenv(data: &Path, args: &[&str]) -> String {
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
