//! The installation key and the files an export leaves, through the real binary: a lost
//! key is not silently replaced, a key file others can read is refused, a killed export's
//! temporary file does not stay forever.

use assert_cmd::Command;
use predicates::str::contains;
use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

const TOWN: &str = "411003003000";

fn bin(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("ruralenv").unwrap();
    c.arg("--data-dir")
        .arg(dir)
        .env_remove("RURALENV_SURVEYOR")
        .env_remove("RURALENV_DATA_DIR")
        .env_remove("RURALENV_NEW_KEY");
    c
}

/// A data directory with demo records for one township.
fn demo(dir: &Path) {
    bin(dir)
        .args(["demo", "--under", TOWN, "--round", "2020"])
        .assert()
        .success();
}

fn export(dir: &Path, out: &Path) -> assert_cmd::assert::Assert {
    bin(dir)
        .args(["--surveyor", "王五", "export", "--under", TOWN])
        .args(["--round", "2020", "--out"])
        .arg(out)
        .assert()
}

fn key_line(dir: &Path) -> String {
    let out = bin(dir).args(["key", "show"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    text.lines().next().unwrap().to_string()
}

#[test]
fn keys_and_files_missing_installation_key_is_not_silently_regenerated_by_export() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    demo(&data);
    let key = data.join("installation.key");
    assert!(
        key.exists(),
        "a new data directory gets its key with its database"
    );
    let before = key_line(&data);
    let backup = fs::read(&key).unwrap();
    export(&data, &t.path().join("a.renv")).success();

    fs::remove_file(&key).unwrap();
    let out = t.path().join("b.renv");
    export(&data, &out)
        .code(1)
        .stderr(contains("installation key is missing"))
        .stderr(contains("Restore installation.key from your backup"));
    bin(&data)
        .args(["key", "show"])
        .assert()
        .code(1)
        .stderr(contains("installation key is missing"));
    assert!(!key.exists(), "no new identity was made");
    assert!(!out.exists());

    // Restored from the backup: the same identity signs again.
    fs::write(&key, backup).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&key, fs::Permissions::from_mode(0o600)).unwrap();
    }
    export(&data, &out).success();
    assert_eq!(key_line(&data), before);

    // A new key only when asked for on purpose.
    fs::remove_file(&key).unwrap();
    bin(&data)
        .env("RURALENV_NEW_KEY", "1")
        .args(["key", "show"])
        .assert()
        .success();
    assert_ne!(key_line(&data), before);
}

#[cfg(unix)]
#[test]
fn keys_and_files_key_file_readable_by_others_is_refused_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    demo(&data);
    let key = data.join("installation.key");
    let mode = fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).unwrap();
    let out = t.path().join("a.renv");
    export(&data, &out)
        .code(1)
        .stderr(contains("can be read by other users"))
        .stderr(contains(format!("chmod 600 {}", key.display())));
    assert!(!out.exists());
    fs::set_permissions(&key, fs::Permissions::from_mode(0o600)).unwrap();
    export(&data, &out).success();
}

#[test]
fn keys_and_files_killed_export_leaves_no_tmp_file_forever() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    demo(&data);
    let folder = t.path().join("usb");
    fs::create_dir(&folder).unwrap();
    let out = folder.join("411003003000-2020.renv");
    // What an export killed before its rename leaves: a temporary file beside the bundle.
    let left = folder.join(".411003003000-2020.renv.4242.0.tmp");
    fs::write(&left, b"half a bundle").unwrap();
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&left)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
    // One being written by another export right now is left alone.
    let busy = folder.join(".other-2020.renv.4343.0.tmp");
    fs::write(&busy, b"in progress").unwrap();

    export(&data, &out).success();
    assert!(out.exists());
    assert!(
        !left.exists(),
        "the stale temporary file is removed by the next export"
    );
    assert!(busy.exists());
    let names: Vec<String> = fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}
