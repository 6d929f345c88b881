//! The log file: `logs/ruralenv.log` in the data directory, kept under a size cap.
//!
//! Logging must never stop the program: a data directory that is read-only, a `logs`
//! folder that cannot be written, a `ruralenv.log` that is a folder, or a full disk all
//! mean "no log" (silently), never a failed command. The file grows to
//! [`MAX_LOG_BYTES`]; then it is renamed `ruralenv.log.1` (replacing the older one) and a
//! new file is started, so the two together never hold more than twice the cap. One
//! event longer than [`MAX_EVENT_BYTES`] is cut (a failed CSV import once wrote its whole
//! error list, 126 MB, as one event).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Largest size of `ruralenv.log` before it is rotated.
pub const MAX_LOG_BYTES: u64 = 4 * 1024 * 1024;
/// Longest single event kept; the rest is replaced by a note of how much was cut.
pub const MAX_EVENT_BYTES: usize = 16 * 1024;
/// The file's name inside `logs/`; the previous one gets `.1` appended.
pub const LOG_FILE: &str = "ruralenv.log";

/// A size-capped, append-only log file. Every error is swallowed: see the module.
pub struct CappedLog {
    path: PathBuf,
    file: Option<File>,
    size: u64,
    max: u64,
}

impl CappedLog {
    /// Opens (creating) `dir/ruralenv.log` for appending, or `None` when it cannot be
    /// written: the caller then runs without a log.
    pub fn open(dir: &Path) -> Option<CappedLog> {
        Self::with_cap(dir, MAX_LOG_BYTES)
    }

    /// [`CappedLog::open`] with another cap (for tests).
    pub fn with_cap(dir: &Path, max: u64) -> Option<CappedLog> {
        std::fs::create_dir_all(dir).ok()?;
        let path = dir.join(LOG_FILE);
        let file = open_append(&path)?;
        let size = file.metadata().ok()?.len();
        Some(CappedLog {
            path,
            file: Some(file),
            size,
            max,
        })
    }

    fn rotate(&mut self) {
        self.file = None;
        let mut old = self.path.clone().into_os_string();
        old.push(".1");
        // If the rename fails (another process rotated first, a read-only folder), keep
        // appending to whatever is there; if nothing can be opened, stop logging.
        let _ = std::fs::rename(&self.path, PathBuf::from(old));
        self.file = open_append(&self.path);
        self.size = self
            .file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map_or(0, |m| m.len());
    }
}

fn open_append(path: &Path) -> Option<File> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .ok()?;
    file.metadata().ok()?.is_file().then_some(file)
}

impl Write for CappedLog {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.file.is_none() {
            return Ok(buf.len());
        }
        let event: std::borrow::Cow<'_, [u8]> = if buf.len() > MAX_EVENT_BYTES {
            let mut cut = buf[..MAX_EVENT_BYTES].to_vec();
            cut.extend_from_slice(
                format!(" … ({} more bytes cut)\n", buf.len() - MAX_EVENT_BYTES).as_bytes(),
            );
            cut.into()
        } else {
            buf.into()
        };
        if self.size > 0 && self.size + event.len() as u64 > self.max {
            self.rotate();
        }
        if let Some(f) = &mut self.file
            && f.write_all(&event).is_ok()
        {
            self.size += event.len() as u64;
        }
        // A full disk or a vanished file costs the log, never the command.
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Some(f) = &mut self.file {
            let _ = f.flush();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_log_is_rotated_under_its_cap_and_keeps_one_old_file() {
        let t = tempfile::tempdir().unwrap();
        let mut log = CappedLog::with_cap(t.path(), 1000).unwrap();
        for i in 0..100 {
            writeln!(log, "event {i:04} {}", "x".repeat(40)).unwrap();
        }
        let now = std::fs::metadata(t.path().join(LOG_FILE)).unwrap().len();
        let old = std::fs::metadata(t.path().join("ruralenv.log.1"))
            .unwrap()
            .len();
        assert!(now <= 1000 && old <= 1000, "{now} {old}");
        let entries = std::fs::read_dir(t.path()).unwrap().count();
        assert_eq!(entries, 2, "only the log and one old file");
        let text = std::fs::read_to_string(t.path().join(LOG_FILE)).unwrap();
        assert!(text.ends_with(&format!("event 0099 {}\n", "x".repeat(40))));
    }

    #[test]
    fn a_huge_event_is_cut() {
        let t = tempfile::tempdir().unwrap();
        let mut log = CappedLog::open(t.path()).unwrap();
        log.write_all(&vec![b'e'; 5_000_000]).unwrap();
        let text = std::fs::read_to_string(t.path().join(LOG_FILE)).unwrap();
        assert!(text.len() < MAX_EVENT_BYTES + 100, "{}", text.len());
        assert!(text.contains("more bytes cut"));
    }

    #[test]
    fn panics_log_that_cannot_be_opened_is_no_log_not_a_panic() {
        let t = tempfile::tempdir().unwrap();
        // ruralenv.log is a folder.
        std::fs::create_dir(t.path().join(LOG_FILE)).unwrap();
        assert!(CappedLog::open(t.path()).is_none());
        // logs/ is a file.
        let f = t.path().join("file");
        std::fs::write(&f, "").unwrap();
        assert!(CappedLog::open(&f.join("logs")).is_none());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn disk_a_full_disk_costs_the_log_not_the_writer() {
        // /dev/full answers every write with ENOSPC.
        let mut log = CappedLog {
            path: PathBuf::from("/dev/full"),
            file: OpenOptions::new().append(true).open("/dev/full").ok(),
            size: 0,
            max: MAX_LOG_BYTES,
        };
        assert!(log.file.is_some());
        assert_eq!(log.write(b"event\n").unwrap(), 6);
        log.flush().unwrap();
    }
}
