//! Opening the database in a messy environment (issue 11, "Store opening messages" and
//! "Panics"): another program's SQLite file, a damaged file, a locked database, a
//! read-only data directory, a log file that cannot be written, a full disk. Every
//! failure names the file and says what happened once, in plain words; nothing panics.

mod cli_support;

use assert_cmd::Command;
use cli_support::{bin_en as bin, run};
use ruralenv::store::{DB_FILE, Store, StoreError};
use rusqlite::Connection;
use std::fs;
use std::path::Path;

fn tables(db: &Path) -> Vec<String> {
    let c = Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn keys_and_files_another_programs_sqlite_file_with_application_id_0_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let db = t.path().join(DB_FILE);
    {
        let c = Connection::open(&db).unwrap();
        c.execute_batch("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers(name) VALUES ('x');")
            .unwrap();
    }
    let before = fs::read(&db).unwrap();
    let err = Store::open(t.path())
        .err()
        .expect("opened another program's file");
    assert!(matches!(err, StoreError::Foreign { found: 0, .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains(&db.display().to_string()), "{message}");
    assert!(message.contains("not a ruralenv database"), "{message}");
    assert_eq!(fs::read(&db).unwrap(), before, "the file was written to");
    assert_eq!(tables(&db), vec!["customers".to_string()]);

    // Through the binary: exit 1, the path named.
    let (_, err, code) = run(bin(t.path()).args(["report", "--round", "2020"]));
    assert_eq!(code, 1);
    assert!(err.contains(&db.display().to_string()), "{err}");
}

#[test]
fn store_open_accepts_its_own_file_whose_first_open_was_interrupted() {
    let t = tempfile::tempdir().unwrap();
    drop(Store::open(t.path()).unwrap());
    // Killed between the first migration and writing the application id.
    let db = t.path().join(DB_FILE);
    Connection::open(&db)
        .unwrap()
        .pragma_update(None, "application_id", 0)
        .unwrap();
    Store::open(t.path()).expect("our own database was refused");
    // An empty file (SQLite's own "new database") is fine too.
    let t2 = tempfile::tempdir().unwrap();
    fs::write(t2.path().join(DB_FILE), b"").unwrap();
    Store::open(t2.path()).expect("an empty file was refused");
}

#[test]
fn messages_a_malformed_database_names_its_path() {
    let t = tempfile::tempdir().unwrap();
    let db = t.path().join(DB_FILE);
    fs::write(&db, vec![b'x'; 8192]).unwrap();
    let message = Store::open(t.path()).err().unwrap().to_string();
    assert!(message.contains(&db.display().to_string()), "{message}");
    assert!(
        message.contains("damaged or is not a database"),
        "{message}"
    );
    let (_, err, code) =
        run(bin(t.path()).args(["records", "show", "411003003204", "--round", "2020"]));
    assert_eq!(code, 1);
    assert!(err.contains(&db.display().to_string()), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn messages_database_is_locked_is_said_once_in_plain_words() {
    let t = tempfile::tempdir().unwrap();
    drop(ruralenv::context::open_store(t.path(), &ruralenv::forms::FormSet::builtin()).unwrap());
    // Another process holds the database exclusively (as a long import would hold the
    // write lock): nobody else can even read it.
    let holder = Connection::open(t.path().join(DB_FILE)).unwrap();
    holder
        .execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; CREATE TABLE hold(x);")
        .unwrap();
    let (_, err, code) = run(bin(t.path()).args(["report", "--round", "2020"]));
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        err.matches("lock").count() + err.matches("busy").count(),
        1,
        "{err}"
    );
    assert!(!err.contains("Error code"), "{err}");
    assert!(err.contains("another ruralenv"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    holder.execute_batch("ROLLBACK").unwrap();
}

/// Runs the binary as an unprivileged user when the tests run as root (root ignores file
/// permissions); `None` when that is not possible here.
#[cfg(unix)]
fn unprivileged(dir: &Path) -> Option<Command> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Some(bin(dir));
    }
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .into_iter()
        .find(|p| Path::new(p).exists())?;
    let exe = assert_cmd::cargo::cargo_bin("ruralenv");
    // The binary must be reachable by that user: target/ usually is (mode 755).
    let mut c = Command::new(setpriv);
    c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(exe)
        .arg("--data-dir")
        .arg(dir)
        .arg("--lang")
        .arg("en")
        .env_remove("RURALENV_SURVEYOR")
        .env_remove("RURALENV_DATA_DIR");
    Some(c)
}

#[cfg(unix)]
fn chmod_all(dir: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            chmod_all(&p, mode);
            fs::set_permissions(&p, fs::Permissions::from_mode(mode | 0o111)).unwrap();
        } else {
            fs::set_permissions(&p, fs::Permissions::from_mode(mode)).unwrap();
        }
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(mode | 0o111)).unwrap();
}

/// Findings "Panics: every command exits 101 when the log file cannot be opened" and "a
/// read-only data directory should still allow report, records show, key show".
#[cfg(unix)]
#[test]
fn panics_read_only_data_directory_still_reports_shows_and_prints_the_key() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("data");
    bin(&dir)
        .args(["demo", "--under", "411003003000", "--round", "2020"])
        .assert()
        .success();
    let (key, _, code) = run(bin(&dir).args(["key", "show"]));
    assert_eq!(code, 0);
    chmod_all(t.path(), 0o444);
    // The signing key stays private to its owner (a key others can read is refused), so
    // the unprivileged user that reads the directory owns it.
    let key_file = dir.join("installation.key");
    if unsafe { libc::geteuid() } == 0 {
        for e in fs::read_dir(&dir).unwrap() {
            std::os::unix::fs::lchown(e.unwrap().path(), Some(65534), Some(65534)).unwrap();
        }
        std::os::unix::fs::lchown(&dir, Some(65534), Some(65534)).unwrap();
    }
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&key_file, fs::Permissions::from_mode(0o400)).unwrap();
    }
    let Some(_) = unprivileged(&dir) else {
        chmod_all(t.path(), 0o755);
        panic!("cannot run as an unprivileged user here (root without setpriv)");
    };
    let (out, err, code) = run(unprivileged(&dir)
        .unwrap()
        .args(["report", "--round", "2020"]));
    assert_eq!(code, 0, "report: {err}");
    assert!(out.contains("411003003000"), "{out}");
    let (out, err, code) = run(unprivileged(&dir).unwrap().args([
        "records",
        "show",
        "411003003204",
        "--round",
        "2020",
    ]));
    assert_eq!(code, 0, "records show: {err}");
    assert!(out.contains("411003003204"), "{out}");
    let (out, err, code) = run(unprivileged(&dir).unwrap().args(["key", "show"]));
    assert_eq!(code, 0, "key show: {err}");
    assert_eq!(out, key);
    // A write says why it cannot, once, and exits 1 (not 101).
    let (_, err, code) = run(unprivileged(&dir).unwrap().args([
        "trust",
        "add",
        key.lines().next().unwrap(),
        "--scope",
        "411003003000",
    ]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("read-only"), "{err}");
    chmod_all(t.path(), 0o755);
}

#[test]
fn panics_log_file_that_cannot_be_opened_does_not_stop_a_command() {
    let t = tempfile::tempdir().unwrap();
    // ruralenv.log is a folder.
    fs::create_dir_all(t.path().join("logs").join("ruralenv.log")).unwrap();
    let (out, err, code) = run(bin(t.path()).args(["key", "show"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 2);
    // logs is a file.
    let t2 = tempfile::tempdir().unwrap();
    fs::write(t2.path().join("logs"), "").unwrap();
    let (_, err, code) = run(bin(t2.path()).args(["report", "--round", "2020"]));
    assert_eq!(code, 0, "{err}");
}

/// Needs root to mount a small tmpfs: run with `cargo test --test store_open -- --ignored`.
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs root to mount a tmpfs; run by hand with --ignored"]
fn messages_full_disk_at_open_says_the_disk_is_full() {
    let t = tempfile::tempdir().unwrap();
    let mnt = t.path().join("small");
    fs::create_dir(&mnt).unwrap();
    let ok = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&mnt)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mount failed");
    let dir = mnt.join("data");
    let _ = std::process::Command::new("dd")
        .arg("if=/dev/zero")
        .arg(format!("of={}", mnt.join("fill").display()))
        .arg("bs=1k")
        .output();
    let (_, err, code) = run(bin(&dir).args(["report", "--round", "2020"]));
    let _ = std::process::Command::new("umount").arg(&mnt).status();
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("the disk is full"), "{err}");
}
