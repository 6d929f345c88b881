//! Writing a whole output file (a report, a CSV export, a workbook) so that a failure
//! never leaves half a file where the user expects one, and says plainly why it failed.
//!
//! The bytes go to a temporary file beside the target, are synced, and replace the target
//! in one rename. On Windows the rename fails while another program holds the target open
//! (Excel and WPS keep an open workbook or CSV locked): that is reported as such, naming
//! the file, instead of as an OS error number.

use crate::i18n::{self, Lang};
use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, SystemTime};

/// A temporary file this old is left over from a killed run: no writer keeps one open
/// longer than it takes to write and sync one file.
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// The prefix and suffix of [`replace_file`]'s temporary files.
const TMP_PREFIX: &str = ".ruralenv-";
const TMP_SUFFIX: &str = ".tmp";

/// Replaces `path` with `bytes`, atomically. Errors name the file and say what to do.
/// Messages are in `lang`, the run's language.
pub fn replace_file(path: &Path, bytes: &[u8], lang: Lang) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    remove_stale_temporaries(path, SystemTime::now());
    let mut tmp = tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .suffix(TMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| explain(dir, i18n::cannot_write_in_folder, e, lang))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| explain(path, i18n::cannot_write_file, e, lang))?;
    tmp.persist(path)
        .map_err(|e| explain(path, i18n::cannot_write_file, e.error, lang))?;
    Ok(())
}

/// Removes what killed runs left in `target`'s folder: temporary files of ours (bundle
/// exports `.NAME.PID.N.tmp` for a bundle or for `target` itself, and
/// `.ruralenv-XXXXXX.tmp` of [`replace_file`]) last written more than [`STALE_AFTER`]
/// before `now`. Nothing else is touched, and a failure is not an error: the export or
/// report goes on. Returns how many files were removed.
pub fn remove_stale_temporaries(target: &Path, now: SystemTime) -> usize {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let target_name = target.file_name().and_then(|n| n.to_str());
    let Ok(read) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in read.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !is_our_temporary(name, target_name) {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_AFTER);
        if meta.is_file() && old && std::fs::remove_file(entry.path()).is_ok() {
            tracing::info!("removed a stale temporary file: {}", entry.path().display());
            removed += 1;
        }
    }
    removed
}

/// Is `name` a temporary file that ruralenv writes next to an output?
fn is_our_temporary(name: &str, target_name: Option<&str>) -> bool {
    if let Some(random) = name
        .strip_prefix(TMP_PREFIX)
        .and_then(|n| n.strip_suffix(TMP_SUFFIX))
    {
        return !random.is_empty() && random.chars().all(|c| c.is_ascii_alphanumeric());
    }
    // `.NAME.PID.N.tmp`, the bundle writer's temporary name for NAME.
    let Some(inner) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    let mut parts = inner.rsplitn(3, '.');
    let (Some(n), Some(pid), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let bundle = stem.len() > 5
        && stem.is_char_boundary(stem.len() - 5)
        && stem[stem.len() - 5..].eq_ignore_ascii_case(".renv");
    digits(n) && digits(pid) && (bundle || Some(stem) == target_name)
}

/// The error with the file's name and a sentence a user can act on.
/// `what`: the catalogue message for the failure, given the file and the OS error.
fn explain(
    path: &Path,
    what: fn(Lang, &str, &str) -> String,
    e: io::Error,
    lang: Lang,
) -> io::Error {
    let shown = crate::termsafe::path(path);
    let msg = if held_by_another_program(e.raw_os_error(), cfg!(windows)) {
        i18n::file_held_open(lang, &shown)
    } else {
        what(lang, &shown, &i18n::io_error(lang, &e))
    };
    io::Error::new(e.kind(), msg)
}

/// Windows error codes that mean another program has the file open: a sharing or lock
/// violation, or access denied (what replacing a file that Excel holds gives). Elsewhere
/// nothing locks a file against replacement, so no code means that.
fn held_by_another_program(code: Option<i32>, windows: bool) -> bool {
    const ERROR_ACCESS_DENIED: i32 = 5;
    const ERROR_SHARING_VIOLATION: i32 = 32;
    const ERROR_LOCK_VIOLATION: i32 = 33;
    windows
        && matches!(
            code,
            Some(ERROR_ACCESS_DENIED | ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION)
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        std::fs::write(&path, "old").unwrap();
        replace_file(&path, "新的".as_bytes(), Lang::Zh).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "新的");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("report.csv")]);
    }

    #[test]
    fn only_our_stale_temporary_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let old = SystemTime::now() - STALE_AFTER - Duration::from_secs(60);
        let names = [
            ".411003003000-2020.renv.4242.0.tmp",
            ".out.bin.77.3.tmp",
            ".ruralenv-a1B2c3.tmp",
            // Not ours: kept.
            ".other.renv.tmp",
            ".notes.txt.12.1.tmp",
            ".x.renv.12.a.tmp",
            "x.renv.12.1.tmp",
            ".ruralenv-.tmp",
            "report.csv",
        ];
        for name in names {
            let f = std::fs::File::create(d.join(name)).unwrap();
            f.set_modified(old).unwrap();
        }
        // One of ours, but fresh: another export may be writing it right now.
        std::fs::File::create(d.join(".fresh.renv.1.0.tmp")).unwrap();
        let removed = remove_stale_temporaries(&d.join("out.bin"), SystemTime::now());
        assert_eq!(removed, 3);
        let mut left: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        let mut expected: Vec<String> = names[3..].iter().map(|s| s.to_string()).collect();
        expected.push(".fresh.renv.1.0.tmp".into());
        expected.sort();
        assert_eq!(left, expected);
    }

    #[test]
    fn a_failure_names_the_file_and_keeps_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        // The target is a folder: the rename cannot replace it.
        let path = dir.path().join("report.csv");
        std::fs::create_dir(&path).unwrap();
        let err = replace_file(&path, b"x", Lang::En).unwrap_err();
        assert!(err.to_string().contains("report.csv"), "{err}");
        assert!(path.is_dir());
        let missing = dir.path().join("no-such-folder").join("r.csv");
        let err = replace_file(&missing, b"x", Lang::Zh).unwrap_err();
        assert!(err.to_string().contains("no-such-folder"), "{err}");
    }

    #[test]
    fn a_report_over_a_file_excel_holds_open_says_so() {
        for code in [5, 32, 33] {
            assert!(held_by_another_program(Some(code), true), "{code}");
            let e = explain(
                Path::new("县报告.xlsx"),
                i18n::cannot_write_file,
                io::Error::from_raw_os_error(code),
                Lang::En,
            );
            let text = e.to_string();
            if cfg!(windows) {
                assert_eq!(
                    text,
                    "县报告.xlsx: the file is open in another program (Excel/WPS?); \
                     close it and try again"
                );
            } else {
                assert!(text.starts_with("县报告.xlsx: cannot write: "), "{text}");
            }
        }
        // Not on unix, where these numbers mean other things (EPIPE is 32), and not for
        // other Windows errors (2: file not found).
        let zh = explain(
            Path::new("县报告.xlsx"),
            i18n::cannot_write_file,
            io::Error::from_raw_os_error(5),
            Lang::Zh,
        )
        .to_string();
        assert!(zh.starts_with("县报告.xlsx: "), "{zh}");
        assert!(
            !zh.contains("cannot write") && !zh.contains("another program"),
            "{zh}"
        );
        assert!(!held_by_another_program(Some(32), false));
        assert!(!held_by_another_program(Some(2), true));
        assert!(!held_by_another_program(None, true));
    }

    /// On Windows itself: a file opened without sharing, as Excel opens a workbook.
    #[cfg(windows)]
    #[test]
    fn a_file_held_open_on_windows_is_refused_with_the_message() {
        use std::os::windows::fs::OpenOptionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        std::fs::write(&path, "old").unwrap();
        let _held = std::fs::OpenOptions::new()
            .read(true)
            .share_mode(0)
            .open(&path)
            .unwrap();
        let err = replace_file(&path, b"new", Lang::En).unwrap_err();
        assert!(
            err.to_string()
                .contains("the file is open in another program (Excel/WPS?)"),
            "{err}"
        );
    }
}
