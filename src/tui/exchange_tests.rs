//! The export and import screens: the picker on temporary folders standing in for `/media`
//! and home, export and import through the keys with the real effects and worker thread
//! on temporary stores, and snapshots at 80×24 in Chinese and English.

use crate::bundle::exchange::{ExportRequest, ExportSummary, ImportSummary, export_bundle};
use crate::bundle::format::{Limits, open_bundle};
use crate::bundle::keys::InstallationKey;
use crate::forms::{FormSet, Lang};
use crate::store::RecordStatus;
use crate::tui::app::{Model, Screen, update};
use crate::tui::effects::Effects;
use crate::tui::effects::exchange::places;
use crate::tui::picker::{Entry, PickMode, PickerRoots, Place, PlaceKind, split_drives};
use crate::tui::screens::exchange::{
    Exchange, Stage, check_name, outcome_lines, proposed_name, wrap, wrap_command,
};
use crate::tui::shared::exchange::{
    ExchangeCmd, ExchangeMsg, FileOutcome, FileResult, JobProgress, Refusal,
};
use crate::tui::shared::{Cmd, Msg};
use crate::tui::tests::{ctrl, key, press, startup};
use crate::tui::{TuiOptions, prepare, pump};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use std::path::{Path, PathBuf};

const TOWN: &str = "411003003000";
const OTHER_TOWN: &str = "411003101000";
const CITY: &str = "411000000000";

fn mkdir(p: &Path) -> PathBuf {
    std::fs::create_dir_all(p).unwrap();
    p.to_path_buf()
}

fn touch(p: &Path, bytes: usize) {
    std::fs::write(p, vec![b'x'; bytes]).unwrap();
}

/// A data directory with demo records under `under`; returns its installation key.
fn demo_dir(dir: &Path, under: &str, seed: u64) -> InstallationKey {
    let forms = FormSet::builtin();
    let mut store = crate::context::open_store(dir, &forms).unwrap();
    let unit = store.division(under).unwrap().unwrap();
    crate::demo::generate(
        &mut store,
        forms.village_form(),
        &unit,
        "2020",
        seed,
        &mut |_, _| {},
    )
    .unwrap();
    InstallationKey::load_or_create(dir).unwrap()
}

fn export_to(dir: &Path, under: &str, out: &Path) -> ExportSummary {
    let forms = FormSet::builtin();
    let store = crate::context::open_store(dir, &forms).unwrap();
    let key = InstallationKey::load_or_create(dir).unwrap();
    let request = ExportRequest {
        under,
        round: "2020",
        exporter_name: "王五",
        out,
    };
    export_bundle(&store, &key, &request, &mut |_| {}).unwrap()
}

/// The TUI on a data directory, with the picker's places in `roots`.
fn start(dir: &Path, roots: PickerRoots, lang: Lang) -> (Model, Effects) {
    let (mut m, mut fx, cmds) = prepare(TuiOptions {
        data_dir: dir.to_path_buf(),
        forms: FormSet::builtin(),
        lang: Some(lang),
        surveyor: Some("李四".into()),
        edit: None,
    })
    .unwrap();
    fx.exchange.roots = roots;
    pump(&mut m, &mut fx, vec![Msg::Resize(80, 24)], cmds);
    (m, fx)
}

fn send(m: &mut Model, fx: &mut Effects, msg: Msg) {
    pump(m, fx, vec![msg], Vec::new());
}

fn only_cwd(cwd: &Path) -> PickerRoots {
    PickerRoots {
        removable: Vec::new(),
        home: None,
        cwd: Some(cwd.to_path_buf()),
        ..PickerRoots::default()
    }
}

/// Wait for the worker, feed its messages to the model; returns the progress seen.
fn finish(m: &mut Model, fx: &mut Effects) -> Vec<JobProgress> {
    let msgs = fx.wait_background();
    let seen = msgs
        .iter()
        .filter_map(|msg| match msg {
            Msg::Exchange(ExchangeMsg::Progress(p)) => Some(p.clone()),
            _ => None,
        })
        .collect();
    pump(m, fx, msgs, Vec::new());
    assert!(!fx.busy());
    seen
}

fn exchange(m: &Model) -> &Exchange {
    m.exchange.as_ref().expect("on the exchange screen")
}

fn render(m: &Model, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| super::view::draw(m, f)).expect("draw");
    super::snapshot_tests::screen_text(t.backend().buffer())
}

// ----------------------------------------------------------------------------- picker

#[test]
fn places_list_removable_media_first_then_home_and_current() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let media = mkdir(&r.join("media"));
    mkdir(&media.join("usb-a"));
    mkdir(&media.join("USB-B"));
    mkdir(&media.join(".hidden"));
    touch(&media.join("not-a-folder"), 3);
    let user_media = mkdir(&media.join("alice"));
    mkdir(&user_media.join("KINGSTON"));
    let run_media = mkdir(&r.join("run/media/alice"));
    mkdir(&run_media.join("SANDISK"));
    let home = mkdir(&r.join("home/alice"));
    let roots = PickerRoots {
        removable: vec![
            media.clone(),
            user_media.clone(),
            run_media.clone(),
            r.join("none"),
        ],
        home: Some(home.clone()),
        // The current folder is home: listed once.
        cwd: Some(home.clone()),
        ..PickerRoots::default()
    };
    let got: Vec<(PlaceKind, PathBuf)> = places(&roots)
        .into_iter()
        .map(|p| (p.kind, p.path))
        .collect();
    assert_eq!(
        got,
        vec![
            (PlaceKind::Removable, media.join("USB-B")),
            (PlaceKind::Removable, media.join("usb-a")),
            (PlaceKind::Removable, user_media.join("KINGSTON")),
            (PlaceKind::Removable, run_media.join("SANDISK")),
            (PlaceKind::Home, home.clone()),
        ]
    );
}

#[test]
fn places_on_windows_offer_removable_drives_first_then_desktop_documents_and_drives() {
    // Drive letters as GetLogicalDrives/GetDriveTypeW report them: A: (removable, empty
    // card reader), C: fixed, D: CD, E: removable, F: network, Z: unknown kind.
    let mask = 1 | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 25);
    let (removable, other) = split_drives(mask, |root| match root {
        "A:\\" | "E:\\" => 2,
        "C:\\" => 3,
        "D:\\" => 5,
        "F:\\" => 4,
        _ => 0,
    });
    assert_eq!(
        removable,
        vec![PathBuf::from("A:\\"), PathBuf::from("E:\\")]
    );
    assert_eq!(other, vec![PathBuf::from("C:\\"), PathBuf::from("F:\\")]);

    // The places in that order, with folders standing in for the drives; a missing
    // folder (the empty card reader, a Desktop that does not exist) is left out.
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let usb = mkdir(&r.join("E"));
    let home = mkdir(&r.join("Users/zhang"));
    let desktop = mkdir(&home.join("Desktop"));
    let documents = mkdir(&home.join("Documents"));
    let c = mkdir(&r.join("C"));
    let roots = PickerRoots {
        media: vec![r.join("A-empty"), usb.clone()],
        folders: vec![desktop.clone(), documents.clone(), home.join("missing")],
        home: Some(home.clone()),
        cwd: Some(documents.clone()),
        drives: vec![c.clone()],
        ..PickerRoots::default()
    };
    let got: Vec<(PlaceKind, PathBuf)> = places(&roots)
        .into_iter()
        .map(|p| (p.kind, p.path))
        .collect();
    assert_eq!(
        got,
        vec![
            (PlaceKind::Removable, usb),
            (PlaceKind::Home, home),
            (PlaceKind::Folder, desktop),
            (PlaceKind::Folder, documents),
            (PlaceKind::Drive, c),
        ]
    );
}

#[test]
fn the_picker_shows_folders_and_bundles_sorted_and_goes_up_and_down() {
    let root = tempfile::tempdir().unwrap();
    let media = mkdir(&root.path().join("media"));
    let usb = mkdir(&media.join("USB"));
    touch(&usb.join("b.renv"), 10);
    touch(&usb.join("A.RENV"), 2048);
    touch(&usb.join("notes.txt"), 5);
    touch(&usb.join(".hidden.renv"), 5);
    mkdir(&usb.join("zeta"));
    mkdir(&usb.join("Alpha"));
    let data = tempfile::tempdir().unwrap();
    let roots = PickerRoots {
        removable: vec![media.clone()],
        home: None,
        cwd: None,
        ..PickerRoots::default()
    };
    let (mut m, mut fx) = start(data.path(), roots, Lang::Zh);
    send(&mut m, &mut fx, key(KeyCode::Char('i')));
    assert_eq!(m.screen, Screen::Exchange);
    let p = &exchange(&m).picker;
    assert_eq!(p.places.len(), 1);
    assert_eq!(p.places[0].kind, PlaceKind::Removable);
    send(&mut m, &mut fx, key(KeyCode::Enter));
    let names = |m: &Model| -> Vec<String> {
        let p = &exchange(m).picker;
        p.shown.iter().map(|&i| p.entries[i].name.clone()).collect()
    };
    assert_eq!(exchange(&m).picker.dir.as_deref(), Some(usb.as_path()));
    assert_eq!(names(&m), vec!["Alpha", "zeta", "A.RENV", "b.renv"]);
    let a = &exchange(&m).picker.entries[exchange(&m).picker.shown[2]];
    assert_eq!((a.size, a.is_dir, a.modified.len()), (2048, false, 16));
    // `.` shows every file, again only bundles.
    send(&mut m, &mut fx, key(KeyCode::Char('.')));
    assert_eq!(
        names(&m),
        vec![
            "Alpha",
            "zeta",
            ".hidden.renv",
            "A.RENV",
            "b.renv",
            "notes.txt"
        ]
    );
    send(&mut m, &mut fx, key(KeyCode::Char('.')));
    // `a` marks every bundle shown, a second `a` none; folders are never marked.
    send(&mut m, &mut fx, key_char('a'));
    let marked: Vec<PathBuf> = exchange(&m).picker.marked.iter().cloned().collect();
    assert_eq!(marked, vec![usb.join("A.RENV"), usb.join("b.renv")]);
    send(&mut m, &mut fx, key_char('a'));
    assert!(exchange(&m).picker.marked.is_empty());
    send(&mut m, &mut fx, key_char(' '));
    assert!(
        exchange(&m).picker.marked.is_empty(),
        "a folder is not marked"
    );
    send(&mut m, &mut fx, key(KeyCode::Home));
    // Into a folder and back up: the cursor is on the folder we came from.
    send(&mut m, &mut fx, key(KeyCode::Down));
    send(&mut m, &mut fx, key(KeyCode::Enter));
    assert_eq!(
        exchange(&m).picker.dir.as_deref(),
        Some(usb.join("zeta").as_path())
    );
    let shot = render(&m, 80, 24);
    assert!(shot.contains("没有文件夹或 .renv 数据包"), "{shot}");
    send(&mut m, &mut fx, key(KeyCode::Backspace));
    assert_eq!(exchange(&m).picker.dir.as_deref(), Some(usb.as_path()));
    assert_eq!(exchange(&m).picker.current().unwrap().name, "zeta");
    // p goes back to the places; Esc home.
    send(&mut m, &mut fx, key(KeyCode::Char('p')));
    assert!(exchange(&m).picker.dir.is_none());
    send(&mut m, &mut fx, key(KeyCode::Esc));
    assert_eq!(m.screen, Screen::Home);
    assert!(m.exchange.is_none());
}

#[test]
fn the_pickers_open_in_the_last_folder_this_run_and_the_next() {
    let root = tempfile::tempdir().unwrap();
    let media = mkdir(&root.path().join("media"));
    let usb = mkdir(&media.join("USB"));
    let inner = mkdir(&usb.join("township"));
    touch(&inner.join("a.renv"), 10);
    let data = tempfile::tempdir().unwrap();
    let roots = || PickerRoots {
        removable: vec![media.clone()],
        home: None,
        cwd: None,
        ..PickerRoots::default()
    };
    let (mut m, mut fx) = start(data.path(), roots(), Lang::Zh);
    send(&mut m, &mut fx, key(KeyCode::Char('i')));
    assert_eq!(exchange(&m).picker.dir, None, "the first time: the places");
    send(&mut m, &mut fx, key(KeyCode::Enter));
    send(&mut m, &mut fx, key(KeyCode::Enter));
    assert_eq!(exchange(&m).picker.dir.as_deref(), Some(inner.as_path()));
    send(&mut m, &mut fx, key(KeyCode::Esc));
    assert_eq!(m.screen, Screen::Home);
    // Import again, or export: the same folder.
    send(&mut m, &mut fx, key(KeyCode::Char('i')));
    assert_eq!(exchange(&m).picker.dir.as_deref(), Some(inner.as_path()));
    send(&mut m, &mut fx, key(KeyCode::Esc));
    send(&mut m, &mut fx, key(KeyCode::Char('q')));
    assert!(m.quit);
    drop(fx);
    // The next run too.
    let (mut m, mut fx) = start(data.path(), roots(), Lang::Zh);
    send(&mut m, &mut fx, key(KeyCode::Char('i')));
    assert_eq!(exchange(&m).picker.dir.as_deref(), Some(inner.as_path()));
    send(&mut m, &mut fx, key(KeyCode::Esc));
    send(&mut m, &mut fx, key(KeyCode::Char('q')));
    drop(fx);
    // A folder that is gone (the stick was pulled): the places, and nothing to read.
    std::fs::remove_dir_all(&usb).unwrap();
    let (mut m, mut fx) = start(data.path(), roots(), Lang::Zh);
    send(&mut m, &mut fx, key(KeyCode::Char('i')));
    assert_eq!(exchange(&m).picker.dir, None);
    assert_eq!(m.notice, None, "{:?}", m.notice);
}

#[test]
fn an_unreadable_folder_says_why_and_the_picker_stays() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("a-file");
    touch(&file, 1);
    let sub = mkdir(&root.path().join("sub"));
    let data = tempfile::tempdir().unwrap();
    let (mut m, mut fx) = start(data.path(), only_cwd(root.path()), Lang::Zh);
    send(&mut m, &mut fx, key(KeyCode::Char('i')));
    send(&mut m, &mut fx, key(KeyCode::Enter));
    assert_eq!(exchange(&m).picker.dir.as_deref(), Some(root.path()));
    for (dir, why) in [
        (file.clone(), "不是文件夹"),
        (root.path().join("gone"), "不存在"),
    ] {
        pump(
            &mut m,
            &mut fx,
            Vec::new(),
            vec![Cmd::Exchange(ExchangeCmd::List {
                dir: dir.clone(),
                came_from: None,
            })],
        );
        let p = &exchange(&m).picker;
        assert_eq!(p.dir.as_deref(), Some(root.path()), "stays where it was");
        assert_eq!(p.error.as_ref().map(|e| &e.0), Some(&dir));
        assert!(m.notice.as_ref().unwrap().text.contains(why));
        let shot = render(&m, 80, 24);
        assert!(shot.contains("无法打开"), "{shot}");
    }
    // A folder that opens: the complaint goes, from the list and from the status line.
    send(&mut m, &mut fx, key(KeyCode::Enter));
    assert_eq!(exchange(&m).picker.dir.as_deref(), Some(sub.as_path()));
    assert_eq!(exchange(&m).picker.error, None);
    assert_eq!(m.notice, None, "{:?}", m.notice);
    assert!(!render(&m, 80, 24).contains("无法打开"));
    // Without read permission (root reads everything, so only as another user).
    #[cfg(unix)]
    {
        if unsafe { libc::geteuid() } != 0 {
            use std::os::unix::fs::PermissionsExt;
            let locked = mkdir(&root.path().join("locked"));
            std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
            let e = crate::tui::effects::exchange::list_dir(&locked).unwrap_err();
            assert_eq!(e, crate::tui::shared::exchange::ListError::PermissionDenied);
            std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
}

// Windows refuses such names (ERROR_INVALID_NAME), so they cannot come from its disks.
#[cfg(unix)]
#[test]
fn file_names_with_control_characters_are_escaped() {
    let root = tempfile::tempdir().unwrap();
    touch(&root.path().join("evil\x1b[2J\x07.renv"), 1);
    mkdir(&root.path().join("dir\x1b]0;x\x07"));
    let data = tempfile::tempdir().unwrap();
    let (mut m, mut fx) = start(data.path(), only_cwd(root.path()), Lang::En);
    send(&mut m, &mut fx, key(KeyCode::Char('i')));
    send(&mut m, &mut fx, key(KeyCode::Enter));
    assert_eq!(exchange(&m).picker.shown.len(), 2);
    let shot = render(&m, 80, 24);
    assert!(!shot.contains('\x1b') && !shot.contains('\x07'), "{shot}");
    assert!(shot.contains("evil\\u{1b}[2J\\u{7}.renv"), "{shot}");
}

#[test]
fn file_names_are_checked_and_proposed() {
    assert_eq!(
        proposed_name(TOWN, "2020", None, "2020-06-15"),
        "411003003000-2020-2020-06-15.renv"
    );
    assert_eq!(
        proposed_name(TOWN, "a/b c", None, "d"),
        "411003003000-abc-d.renv"
    );
    // Two surveyors' bundles of one unit get two names; nothing unsafe gets in.
    assert_eq!(
        proposed_name(TOWN, "2020", Some("张三"), "2020-06-15"),
        "411003003000-2020-张三-2020-06-15.renv"
    );
    assert_ne!(
        proposed_name(TOWN, "2020", Some("张三"), "d"),
        proposed_name(TOWN, "2020", Some("李四"), "d")
    );
    assert_eq!(
        proposed_name(TOWN, "2020", Some("a/b\u{1b}.c d"), "d"),
        "411003003000-2020-abcd-d.renv"
    );
    assert_eq!(check_name(" x ", Lang::En).unwrap(), "x.renv");
    assert_eq!(check_name("x.RENV", Lang::En).unwrap(), "x.RENV");
    for bad in ["", "  ", "a/b", "..", ".x", "a\x1bb"] {
        assert!(check_name(bad, Lang::Zh).is_err(), "{bad:?}");
    }
}

#[test]
fn wrap_breaks_at_spaces_and_cuts_chinese_by_width() {
    assert_eq!(wrap("aa bb cc dd", 10, "  "), vec!["aa bb cc", "  dd"]);
    let lines = wrap("签名密钥未被信任，请先打电话与发送人核对指纹", 12, "  ");
    assert!(
        lines.iter().all(|l| super::text::width(l) <= 12),
        "{lines:?}"
    );
    assert_eq!(lines.concat().replace(' ', "").chars().count(), 22);
    // Closing punctuation does not start a line.
    let lines = wrap("来自“邓庄街道张三”（密钥一二三，范围四五六）", 20, "  ");
    assert!(
        lines.iter().all(|l| !l.trim_start().starts_with('）')),
        "{lines:?}"
    );
    assert_eq!(lines.concat().replace(" ", "").chars().count(), 23);
    // A code with Chinese punctuation after it moves whole.
    assert_eq!(
        wrap("范围 411003003000）", 16, ""),
        vec!["范围", "411003003000）"]
    );
    let long = format!("run: ruralenv trust add {} --scope 1", "f".repeat(64));
    for l in wrap(&long, 40, "    ") {
        assert!(super::text::width(&l) <= 40, "{l}");
    }
}

#[test]
fn a_long_command_is_cut_into_lines_that_paste_as_one() {
    let cmd = format!(
        "ruralenv trust add {} --scope 411003101000 --name '新元 街道 x'",
        "ab".repeat(32)
    );
    let lines = wrap_command(&cmd, 80, "  ");
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines.iter().all(|l| super::text::width(l) <= 80),
        "{lines:?}"
    );
    assert!(lines[..2].iter().all(|l| l.ends_with(" \\")));
    let joined: String = lines
        .iter()
        .map(|l| l.trim_start().trim_end_matches(" \\"))
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(joined, cmd);
    assert_eq!(
        wrap_command("ruralenv conflicts", 80, ""),
        vec!["ruralenv conflicts"]
    );
}

// ----------------------------------------------------------------------------- export

#[test]
fn export_from_the_screen_writes_a_bundle_that_verifies() {
    let data = tempfile::tempdir().unwrap();
    let signer = demo_dir(data.path(), TOWN, 1);
    let root = tempfile::tempdir().unwrap();
    let media = mkdir(&root.path().join("media"));
    let usb = mkdir(&media.join("TESTUSB"));
    let roots = PickerRoots {
        removable: vec![media],
        home: None,
        cwd: Some(root.path().to_path_buf()),
        ..PickerRoots::default()
    };
    let (mut m, mut fx) = start(data.path(), roots, Lang::Zh);
    m.home.reveal(TOWN);
    send(&mut m, &mut fx, key_char('x'));
    let x = exchange(&m);
    assert_eq!(x.picker.mode, PickMode::Folder);
    let expected = proposed_name(TOWN, "2020", m.surveyor.as_deref(), &m.today);
    assert_eq!(x.name.value(), expected);
    // The USB stick comes first; `w` writes there.
    assert_eq!(x.picker.target_dir(), Some(usb.as_path()));
    send(&mut m, &mut fx, key_char('w'));
    assert!(exchange(&m).is_running());
    finish(&mut m, &mut fx);
    let Stage::Exported(Ok(s)) = &exchange(&m).stage else {
        panic!("{:?}", exchange(&m).stage);
    };
    assert_eq!(s.path, usb.join(&expected));
    assert_eq!(s.under, TOWN);
    assert!(s.revisions > 5 && s.villages > 5, "{s:?}");
    let bundle = open_bundle(&s.path, &Limits::default()).expect("verifies");
    assert_eq!(bundle.signer, signer.public_bytes());
    assert_eq!(bundle.manifest.exporter_scope, TOWN);
    assert_eq!(bundle.manifest.exporter_name, "李四");
    let shot = render(&m, 80, 24);
    for s in ["导出完成", "TESTUSB", "校验", "签名指纹", "Esc"] {
        assert!(shot.contains(s), "{s}:\n{shot}");
    }

    // Again: the file exists, so it asks; n keeps it, y replaces it.
    send(&mut m, &mut fx, key(KeyCode::Esc));
    assert_eq!(m.screen, Screen::Home);
    send(&mut m, &mut fx, key_char('x'));
    send(&mut m, &mut fx, key_char('w'));
    assert!(m.confirm.is_some(), "asks before replacing");
    send(&mut m, &mut fx, key_char('n'));
    assert!(!fx.busy() && !exchange(&m).is_running());
    send(&mut m, &mut fx, key_char('w'));
    send(&mut m, &mut fx, key_char('y'));
    finish(&mut m, &mut fx);
    assert!(matches!(exchange(&m).stage, Stage::Exported(Ok(_))));
    // Only the bundle is left on the stick (no temporary file).
    assert_eq!(std::fs::read_dir(&usb).unwrap().count(), 1);
}

#[test]
fn export_into_a_folder_with_an_edited_name_and_nothing_to_export() {
    let data = tempfile::tempdir().unwrap();
    demo_dir(data.path(), TOWN, 1);
    let out = tempfile::tempdir().unwrap();
    let sub = mkdir(&out.path().join("交换"));
    let (mut m, mut fx) = start(data.path(), only_cwd(out.path()), Lang::En);
    m.home.reveal(TOWN);
    send(&mut m, &mut fx, key_char('x'));
    send(&mut m, &mut fx, key(KeyCode::Enter));
    send(&mut m, &mut fx, key(KeyCode::Enter));
    assert_eq!(exchange(&m).picker.dir.as_deref(), Some(sub.as_path()));
    // Tab edits the name; letters go into it (even q); Enter writes.
    send(&mut m, &mut fx, key(KeyCode::Tab));
    assert!(m.typing());
    send(&mut m, &mut fx, ctrl('u'));
    for c in "quarter".chars() {
        send(&mut m, &mut fx, key_char(c));
    }
    assert!(!m.quit);
    send(&mut m, &mut fx, key(KeyCode::Enter));
    finish(&mut m, &mut fx);
    let Stage::Exported(Ok(s)) = &exchange(&m).stage else {
        panic!("{:?}", exchange(&m).stage);
    };
    assert_eq!(s.path, sub.join("quarter.renv"));

    // A township without records: the error in plain words, no file.
    send(&mut m, &mut fx, key(KeyCode::Esc));
    m.home.reveal(OTHER_TOWN);
    send(&mut m, &mut fx, key_char('x'));
    send(&mut m, &mut fx, key_char('w'));
    finish(&mut m, &mut fx);
    assert!(matches!(
        exchange(&m).stage,
        Stage::Exported(Err(
            crate::tui::shared::exchange::ExportProblem::Nothing { .. }
        ))
    ));
    let shot = render(&m, 80, 24);
    assert!(shot.contains("no finalized records"), "{shot}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 1);
}

fn key_char(c: char) -> Msg {
    key(KeyCode::Char(c))
}

// ----------------------------------------------------------------------------- import

/// Two exporters (the city, with enough facts for several progress reports, and a township) and a receiver that
/// trusts both; returns (bundles folder, bundle paths, summaries, receiver dir, keys).
struct Setup {
    _dirs: Vec<tempfile::TempDir>,
    bundles: PathBuf,
    paths: [PathBuf; 2],
    exported: [ExportSummary; 2],
    keys: [InstallationKey; 2],
    receiver: PathBuf,
}

fn setup(trust: bool) -> Setup {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let ka = demo_dir(a.path(), CITY, 1);
    let kb = demo_dir(b.path(), OTHER_TOWN, 2);
    let pa = out.path().join("a-city.renv");
    let pb = out.path().join("b-town.renv");
    let sa = export_to(a.path(), CITY, &pa);
    let sb = export_to(b.path(), OTHER_TOWN, &pb);
    if trust {
        let forms = FormSet::builtin();
        let mut store = crate::context::open_store(c.path(), &forms).unwrap();
        store
            .trust_key(&ka.public_hex(), "许昌市统计", CITY)
            .unwrap();
        store
            .trust_key(&kb.public_hex(), "将官池镇", OTHER_TOWN)
            .unwrap();
    }
    Setup {
        bundles: out.path().to_path_buf(),
        paths: [pa, pb],
        exported: [sa, sb],
        keys: [ka, kb],
        receiver: c.path().to_path_buf(),
        _dirs: vec![a, b, c, out],
    }
}

/// Open the import screen in the bundles folder: from the places the first time, at once
/// after that (the picker remembers its folder).
fn open_bundles(m: &mut Model, fx: &mut Effects) {
    send(m, fx, key_char('i'));
    if exchange(m).picker.dir.is_none() {
        send(m, fx, key(KeyCode::Enter));
    }
}

/// Open the import screen in the bundles folder and mark both files.
fn mark_both(m: &mut Model, fx: &mut Effects) {
    open_bundles(m, fx);
    send(m, fx, key_char(' '));
    send(m, fx, key_char(' '));
    assert_eq!(exchange(m).picker.marked.len(), 2);
}

/// Open the import screen, enter the bundles folder, move to a file with `to` (Down: the
/// second, End: the last) and import it alone (Enter with nothing marked), to the end.
fn import_one(m: &mut Model, fx: &mut Effects, to: KeyCode) -> Vec<FileResult> {
    open_bundles(m, fx);
    send(m, fx, key(to));
    send(m, fx, key(KeyCode::Enter));
    finish(m, fx);
    match &exchange(m).stage {
        Stage::Imported(results) => results.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn import_two_bundles_from_the_screen_with_progress_and_summary() {
    let s = setup(true);
    let (mut m, mut fx) = start(&s.receiver, only_cwd(&s.bundles), Lang::Zh);
    assert_eq!(m.home.status("411003003204"), RecordStatus::NotStarted);
    mark_both(&mut m, &mut fx);
    let cmds = update(&mut m, key(KeyCode::Enter));
    // The import, and its folder kept for the pickers.
    assert_eq!(
        cmds,
        vec![
            Cmd::Exchange(ExchangeCmd::Import {
                paths: s.paths.to_vec()
            }),
            Cmd::SaveSetting {
                key: crate::tui::shared::PICKER_DIR.into(),
                value: s.bundles.to_string_lossy().into_owned(),
            }
        ]
    );
    pump(&mut m, &mut fx, Vec::new(), cmds);
    assert!(exchange(&m).is_running());
    // q asks first; n goes on.
    send(&mut m, &mut fx, key_char('q'));
    assert!(m.confirm.is_some());
    send(&mut m, &mut fx, key_char('n'));
    assert!(!m.quit);
    let seen = finish(&mut m, &mut fx);

    // Progress: several messages for the big bundle, in order, ending full per file.
    assert!(seen.len() >= 3, "{seen:?}");
    for pair in seen.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!((a.file, a.done) <= (b.file, b.done), "{a:?} then {b:?}");
        assert!(a.overall() <= b.overall());
    }
    assert!(seen.iter().all(|p| p.files == 2 && p.done <= p.total));
    for file in [1, 2] {
        let last = seen.iter().rfind(|p| p.file == file).expect("each file");
        assert_eq!(last.done, last.total);
    }
    assert!(seen.iter().filter(|p| p.file == 1).count() >= 2);

    let Stage::Imported(results) = &exchange(&m).stage else {
        panic!("{:?}", exchange(&m).stage);
    };
    assert_eq!(results.len(), 2);
    for (r, e) in results.iter().zip(&s.exported) {
        let FileOutcome::Imported(sum) = &r.outcome else {
            panic!("{r:?}");
        };
        assert!(!sum.already_imported);
        assert_eq!(sum.revisions_new, e.revisions);
        assert_eq!(
            (sum.revisions_updated, sum.revisions_unchanged, sum.forks),
            (0, 0, 0)
        );
        assert_eq!(sum.villages, e.villages);
    }
    // Home shows the new records.
    assert_ne!(m.home.status("411003003204"), RecordStatus::NotStarted);
    let shot = render(&m, 80, 24);
    for t in [
        "导入完成",
        "a-city.renv",
        "b-town.renv",
        "许昌市统计",
        "新增",
    ] {
        assert!(shot.contains(t), "{t}:\n{shot}");
    }

    // The same files again: already imported, nothing changed.
    send(&mut m, &mut fx, key(KeyCode::Esc));
    mark_both(&mut m, &mut fx);
    send(&mut m, &mut fx, key(KeyCode::Enter));
    finish(&mut m, &mut fx);
    let Stage::Imported(results) = &exchange(&m).stage else {
        panic!();
    };
    assert!(
        results
            .iter()
            .all(|r| matches!(&r.outcome, FileOutcome::Imported(s) if s.already_imported))
    );
    assert!(render(&m, 80, 24).contains("已导入过"));
}

#[test]
fn an_unknown_key_is_refused_with_its_fingerprint_and_nothing_changes() {
    let s = setup(false);
    let (mut m, mut fx) = start(&s.receiver, only_cwd(&s.bundles), Lang::En);
    // Enter on a file with nothing marked imports that file.
    let results = import_one(&mut m, &mut fx, KeyCode::Down);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].path, s.paths[1]);
    let FileOutcome::Refused(Refusal::UnknownKey {
        fingerprint,
        command,
        ..
    }) = results[0].outcome.clone()
    else {
        panic!("{results:?}");
    };
    assert_eq!(fingerprint, s.keys[1].fingerprint());
    assert_eq!(
        command,
        format!(
            "ruralenv trust add {} --scope {OTHER_TOWN} --name 王五",
            s.keys[1].public_hex()
        )
    );
    // The library's own message carries the same command.
    let mut store = crate::store::Store::open(&s.receiver).unwrap();
    let err =
        crate::bundle::exchange::import_bundle(&mut store, &s.paths[1], &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains(command.as_str()), "{err}");
    // Nothing changed.
    assert!(
        store
            .village_statuses("village", "2020")
            .unwrap()
            .is_empty()
    );
    assert!(m.home.statuses.is_empty());
    let mut shot = String::new();
    // The command may be below the first screen: scroll through it all.
    for _ in 0..4 {
        shot.push_str(&render(&m, 80, 24));
        send(&mut m, &mut fx, key(KeyCode::Down));
    }
    for t in [
        fingerprint.as_str(),
        "trust list",
        "ruralenv trust add",
        "refused",
    ] {
        assert!(shot.contains(t), "{t}:\n{shot}");
    }
    let key_line = format!("    {} ", s.keys[1].public_hex());
    assert!(shot.lines().any(|l| l.starts_with(&key_line)), "{shot}");
}

/// Before anything is imported, the list says who signed the file under the cursor,
/// for which unit and round, what it holds, and whether that key is trusted here.
#[test]
fn the_import_list_says_who_sent_a_bundle_and_what_it_holds() {
    let s = setup(false);
    let (mut m, mut fx) = start(&s.receiver, only_cwd(&s.bundles), Lang::En);
    open_bundles(&mut m, &mut fx);
    send(&mut m, &mut fx, key(KeyCode::Down));
    let Some(Ok(a)) = exchange(&m).about_current().cloned() else {
        panic!("{:?}", exchange(&m).about);
    };
    assert_eq!(a.exporter_scope, OTHER_TOWN);
    assert_eq!(a.round, "2020");
    assert_eq!(a.revisions, s.exported[1].revisions);
    assert_eq!(a.fingerprint, s.keys[1].fingerprint());
    assert_eq!(a.trusted_as, None);
    let shot = render(&m, 80, 24);
    assert!(shot.contains(&format!("scope {OTHER_TOWN}")), "{shot}");
    assert!(shot.contains("key not trusted"), "{shot}");
    // Nothing was imported by looking.
    assert!(m.home.statuses.is_empty());
    // A file that is not a sound bundle says so, before importing.
    std::fs::write(s.bundles.join("c-bad.renv"), vec![7u8; 4096]).unwrap();
    send(&mut m, &mut fx, key(KeyCode::F(5)));
    send(&mut m, &mut fx, key(KeyCode::End));
    assert!(
        matches!(exchange(&m).about_current(), Some(Err(_))),
        "{:?}",
        exchange(&m).about
    );
}

/// From the refusal, `t` opens the trust form filled in with the refused key and what the
/// bundle claims; the fingerprint check comes next, and after `y` the same file imports.
#[test]
fn t_on_a_refused_bundle_trusts_its_key_after_the_fingerprint_check() {
    let s = setup(false);
    let (mut m, mut fx) = start(&s.receiver, only_cwd(&s.bundles), Lang::Zh);
    import_one(&mut m, &mut fx, KeyCode::Down);
    send(&mut m, &mut fx, key_char('t'));
    assert_eq!(m.screen, Screen::Trust);
    let add = m
        .trust
        .as_ref()
        .and_then(|t| t.add.as_ref())
        .expect("add form");
    assert_eq!(add.key.value(), s.keys[1].public_hex());
    assert_eq!(add.scope.value(), OTHER_TOWN);
    assert_eq!(add.name.value(), "王五");
    // Nothing is trusted before the check.
    let store = crate::store::Store::open(&s.receiver).unwrap();
    assert!(store.trusted_keys().unwrap().is_empty());
    send(&mut m, &mut fx, key(KeyCode::Enter));
    let shot = render(&m, 80, 24);
    assert!(
        shot.contains(&s.keys[1].fingerprint().replace(' ', "  ")),
        "{shot}"
    );
    send(&mut m, &mut fx, key_char('y'));
    let trusted = store.trusted_keys().unwrap();
    assert_eq!(trusted.len(), 1);
    assert_eq!(trusted[0].scope, OTHER_TOWN);
    // Importing the same file again is offered at once; y imports it.
    let q = m.confirm.as_ref().expect("import again?").question.clone();
    assert!(q.contains("b-town.renv") && q.contains("重新导入"), "{q}");
    send(&mut m, &mut fx, key_char('y'));
    assert_eq!(m.screen, Screen::Exchange);
    finish(&mut m, &mut fx);
    let Stage::Imported(results) = &exchange(&m).stage else {
        panic!("{:?}", exchange(&m).stage);
    };
    assert_eq!(results[0].path, s.paths[1]);
    assert!(
        matches!(&results[0].outcome, FileOutcome::Imported(sum) if sum.revisions_new == s.exported[1].revisions),
        "{results:?}"
    );
    assert!(!m.home.statuses.is_empty(), "home shows what came in");
}

/// A damaged file (a copy cut short on a USB stick) is refused in the user's language.
#[test]
fn a_truncated_bundle_is_refused_in_chinese() {
    let s = setup(true);
    let bytes = std::fs::read(&s.paths[1]).unwrap();
    let cut = s.bundles.join("c-cut.renv");
    std::fs::write(&cut, &bytes[..bytes.len() - 100]).unwrap();
    let (mut m, mut fx) = start(&s.receiver, only_cwd(&s.bundles), Lang::Zh);
    let results = import_one(&mut m, &mut fx, KeyCode::End);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].path, cut);
    let FileOutcome::Refused(Refusal::Other { en, zh }) = &results[0].outcome else {
        panic!("{results:?}");
    };
    assert!(en.contains("truncated"), "{en}");
    assert!(zh.contains("文件不完整"), "{zh}");
    let shot = render(&m, 80, 24);
    assert!(shot.contains("原因：文件不完整"), "{shot}");
    assert!(m.home.statuses.is_empty(), "nothing was imported");
}

#[test]
fn quitting_during_a_job_asks_then_quits() {
    for lang in [Lang::Zh, Lang::En] {
        quit_during_a_job(lang);
    }
}

fn quit_during_a_job(lang: Lang) {
    let (mut m, _) = Model::new(startup(super::tests::small_tree(), lang), None);
    update(&mut m, key_char('i'));
    update(
        &mut m,
        Msg::Exchange(ExchangeMsg::Started(JobProgress {
            file: 1,
            files: 2,
            name: "a.renv".into(),
            done: 0,
            total: 0,
        })),
    );
    assert!(update(&mut m, key_char('x')).is_empty(), "no other keys");
    update(&mut m, key_char('q'));
    let question = &m.confirm.as_ref().expect("asks").question;
    assert!(super::text::width(question) <= 80, "{question}");
    let cmds = update(&mut m, key_char('y'));
    assert_eq!(cmds, vec![Cmd::Exchange(ExchangeCmd::Quit)]);
    update(&mut m, Msg::Exchange(ExchangeMsg::Quit));
    assert!(m.quit);
    // Ctrl-C quits at once.
    let (mut m, _) = Model::new(startup(super::tests::small_tree(), Lang::Zh), None);
    update(&mut m, key_char('i'));
    update(
        &mut m,
        Msg::Exchange(ExchangeMsg::Started(JobProgress::default())),
    );
    update(&mut m, ctrl('c'));
    assert!(m.quit);
}

#[test]
fn the_keys_are_in_help() {
    use super::keys::{Action, Ctx, TABLE};
    for (action, c) in [(Action::Export, 'x'), (Action::Import, 'i')] {
        let b = TABLE
            .iter()
            .find(|b| b.ctx == Ctx::Home && b.action == action)
            .expect("on home");
        assert_eq!(b.label, c.to_string());
    }
    let mut m = super::tests::model();
    press(&mut m, KeyCode::Char('?'));
    let mut shot = String::new();
    for _ in 0..crate::tui::screens::help::help_len() / 20 + 1 {
        shot.push_str(&render(&m, 80, 24));
        for _ in 0..20 {
            press(&mut m, KeyCode::Down);
        }
    }
    for t in ["导出数据包", "导入数据包", "写到此处", "选中/取消"] {
        assert!(shot.contains(t), "{t}");
    }
}

// ----------------------------------------------------------------------------- snapshots

fn entry(dir: &str, name: &str, is_dir: bool, size: u64, modified: &str) -> Entry {
    Entry {
        path: Path::new(dir).join(name),
        name: name.into(),
        is_dir,
        size,
        modified: modified.into(),
    }
}

fn fixture_places() -> Vec<Place> {
    vec![
        Place {
            kind: PlaceKind::Removable,
            path: "/media/zhang/KINGSTON".into(),
        },
        Place {
            kind: PlaceKind::Removable,
            path: "/run/media/zhang/乡镇交换".into(),
        },
        Place {
            kind: PlaceKind::Home,
            path: "/home/zhang".into(),
        },
        Place {
            kind: PlaceKind::Current,
            path: "/home/zhang/work".into(),
        },
    ]
}

const USB: &str = "/media/zhang/KINGSTON";

fn fixture_entries() -> Vec<Entry> {
    vec![
        entry(USB, "2019", true, 0, "2019-12-30 09:12"),
        entry(USB, "备份", true, 0, "2020-06-01 17:40"),
        entry(
            USB,
            "411003003000-2020-2020-06-15.renv",
            false,
            48_213,
            "2020-06-15 10:02",
        ),
        entry(
            USB,
            "411003001000-2020-2020-06-14.renv",
            false,
            1_310_720,
            "2020-06-14 16:30",
        ),
        entry(USB, "evil\x1b[2J.renv", false, 900, "2020-06-13 08:00"),
        entry(USB, "说明.docx", false, 12_000, "2020-06-10 11:11"),
    ]
}

fn import_picker(lang: Lang) -> Model {
    let (mut m, _) = Model::new(startup(super::tests::small_tree(), lang), None);
    update(&mut m, key_char('i'));
    update(&mut m, Msg::Exchange(ExchangeMsg::Places(fixture_places())));
    update(
        &mut m,
        Msg::Exchange(ExchangeMsg::Listed {
            dir: USB.into(),
            came_from: None,
            result: Ok(fixture_entries()),
        }),
    );
    // Mark the two township bundles.
    for _ in 0..2 {
        update(&mut m, key(KeyCode::Down));
    }
    update(&mut m, key_char(' '));
    update(&mut m, key_char(' '));
    m
}

fn check(name: &str, make: impl Fn(Lang) -> Model) {
    for lang in [Lang::Zh, Lang::En] {
        let m = make(lang);
        for (w, h) in [(80, 24), (120, 40)] {
            let shot = render(&m, w, h);
            assert!(!shot.contains('\x1b'));
            insta::assert_snapshot!(format!("{name}_{}_{w}x{h}", lang.code()), shot);
        }
    }
}

#[test]
fn snapshot_import_picker() {
    check("exchange_import_picker", import_picker);
}

#[test]
fn snapshot_places() {
    check("exchange_places", |lang| {
        let (mut m, _) = Model::new(startup(super::tests::small_tree(), lang), None);
        m.home.reveal(TOWN);
        update(&mut m, key_char('x'));
        update(&mut m, Msg::Exchange(ExchangeMsg::Places(fixture_places())));
        m
    });
}

#[test]
fn snapshot_export_name() {
    check("exchange_export_name", |lang| {
        let (mut m, _) = Model::new(startup(super::tests::small_tree(), lang), None);
        m.home.reveal(TOWN);
        update(&mut m, key_char('x'));
        update(&mut m, Msg::Exchange(ExchangeMsg::Places(fixture_places())));
        update(
            &mut m,
            Msg::Exchange(ExchangeMsg::Listed {
                dir: USB.into(),
                came_from: None,
                result: Ok(fixture_entries()),
            }),
        );
        update(&mut m, key(KeyCode::Tab));
        m
    });
}

#[test]
fn snapshot_progress() {
    check("exchange_progress", |lang| {
        let mut m = import_picker(lang);
        update(
            &mut m,
            Msg::Exchange(ExchangeMsg::Started(JobProgress {
                file: 1,
                files: 3,
                name: "411003001000-2020-2020-06-14.renv".into(),
                done: 0,
                total: 0,
            })),
        );
        update(
            &mut m,
            Msg::Exchange(ExchangeMsg::Progress(JobProgress {
                file: 2,
                files: 3,
                name: "411003003000-2020-2020-06-15.renv".into(),
                done: 1500,
                total: 4000,
            })),
        );
        m
    });
}

fn summary(path: &str, f: impl FnOnce(&mut ImportSummary)) -> FileResult {
    let mut s = ImportSummary {
        path: path.into(),
        bundle_id: "0190a1b2-0000-7000-8000-000000000001".into(),
        signer: "ab".repeat(32),
        fingerprint: "12345 06789 13579 24680 01122".into(),
        trusted_name: "将官池镇".into(),
        trusted_scope: OTHER_TOWN.into(),
        claimed_name: "王五".into(),
        claimed_scope: OTHER_TOWN.into(),
        round: "2020".into(),
        villages: 21,
        revisions_new: 18,
        revisions_updated: 3,
        revisions_unchanged: 0,
        forks: 1,
        duplicates: 0,
        reviews_new: 12,
        ..ImportSummary::default()
    };
    f(&mut s);
    FileResult {
        path: path.into(),
        outcome: FileOutcome::Imported(Box::new(s)),
    }
}

fn import_summary(lang: Lang) -> Model {
    let mut m = import_picker(lang);
    let results = vec![
        summary(
            "/media/zhang/KINGSTON/411003001000-2020-2020-06-14.renv",
            |_| {},
        ),
        summary(
            "/media/zhang/KINGSTON/411003003000-2020-2020-06-15.renv",
            |s| {
                s.already_imported = true;
                s.trusted_name = "陈曹乡".into();
                s.trusted_scope = TOWN.into();
            },
        ),
        FileResult {
            path: "/media/zhang/KINGSTON/evil\x1b[2J.renv".into(),
            outcome: FileOutcome::Refused(Refusal::UnknownKey {
                key: "cd".repeat(32),
                fingerprint: "54321 09876 97531 08642 22110".into(),
                command: format!(
                    "ruralenv trust add {} --scope 411003002000 --name '新元 街道'",
                    "cd".repeat(32)
                ),
                claimed_name: "新元 街道".into(),
                claimed_scope: "411003002000".into(),
            }),
        },
    ];
    update(&mut m, Msg::Exchange(ExchangeMsg::Imported(results)));
    m
}

#[test]
fn snapshot_import_summary() {
    check("exchange_import_summary", import_summary);
    // Scrolled to the end: the command to trust the key.
    check("exchange_import_summary_end", |lang| {
        let mut m = import_summary(lang);
        for _ in 0..30 {
            update(&mut m, key(KeyCode::Down));
        }
        m
    });
}

#[test]
fn another_round_is_pointed_out() {
    let mut m = import_picker(Lang::Zh);
    let results = vec![summary("/media/zhang/KINGSTON/2019.renv", |s| {
        s.round = "2019".into();
    })];
    update(&mut m, Msg::Exchange(ExchangeMsg::Imported(results)));
    let text: Vec<String> = outcome_lines(exchange(&m), Lang::Zh, 80)
        .into_iter()
        .map(|l| l.1)
        .collect();
    assert!(
        text.iter()
            .any(|l| l.contains("2019 轮，首页显示的是 2020 轮")),
        "{text:#?}"
    );
}

#[test]
fn snapshot_export_done() {
    check("exchange_export_done", |lang| {
        let (mut m, _) = Model::new(startup(super::tests::small_tree(), lang), None);
        m.home.reveal(TOWN);
        update(&mut m, key_char('x'));
        update(
            &mut m,
            Msg::Exchange(ExchangeMsg::Exported(Ok(ExportSummary {
                path: "/media/zhang/KINGSTON/411003003000-2020-2020-06-15.renv".into(),
                bundle_id: "0190a1b2-0000-7000-8000-000000000002".into(),
                under: TOWN.into(),
                under_name: "陈曹乡".into(),
                round: "2020".into(),
                forms: vec!["village@1".into()],
                revisions: 14,
                reviews: 6,
                resolutions: 0,
                villages: 14,
                drafts_left_out: 1,
                file_bytes: 48_213,
                fingerprint: "12345 06789 13579 24680 01122".into(),
            }))),
        );
        m
    });
}

#[test]
fn the_summary_scrolls_no_further_than_its_end() {
    let mut m = import_summary(Lang::En);
    for _ in 0..100 {
        update(&mut m, key(KeyCode::Down));
    }
    let n = outcome_lines(exchange(&m), Lang::En, 80).len();
    assert!(n > 21, "the summary is longer than a screen");
    assert_eq!(exchange(&m).scroll, n - 21);
    update(&mut m, key(KeyCode::Up));
    assert_eq!(exchange(&m).scroll, n - 22);
    update(&mut m, key(KeyCode::Enter));
    assert_eq!(m.screen, Screen::Home);
}

#[test]
fn one_job_at_a_time() {
    let s = setup(true);
    let (mut m, mut fx) = start(&s.receiver, only_cwd(&s.bundles), Lang::En);
    let import = |paths: Vec<PathBuf>| Cmd::Exchange(ExchangeCmd::Import { paths });
    pump(&mut m, &mut fx, Vec::new(), vec![import(s.paths.to_vec())]);
    assert!(fx.busy());
    let msgs = fx.run(import(vec![s.paths[0].clone()]), Lang::En);
    let [Msg::Notice(n)] = msgs.as_slice() else {
        panic!("{msgs:?}");
    };
    assert!(n.text.contains("Another import"), "{n:?}");
    finish(&mut m, &mut fx);
}

/// The clerk's first import from a USB stick is refused (the sender's key is not trusted
/// yet); `t` trusts it from the summary. The export picker then opens in the stick's
/// folder, this run and the next, and the import picker in the folder of an export.
#[test]
fn both_pickers_open_in_the_last_folder_of_either_even_after_trusting_from_the_summary() {
    let s = setup(false);
    let root = tempfile::tempdir().unwrap();
    let usb = mkdir(&root.path().join("USB"));
    std::fs::copy(&s.paths[1], usb.join("b.renv")).unwrap();
    let (mut m, mut fx) = start(&s.receiver, only_cwd(root.path()), Lang::Zh);
    send(&mut m, &mut fx, key_char('i'));
    send(&mut m, &mut fx, key(KeyCode::Enter));
    send(&mut m, &mut fx, key(KeyCode::Enter));
    assert_eq!(exchange(&m).picker.dir.as_deref(), Some(usb.as_path()));
    send(&mut m, &mut fx, key(KeyCode::Enter));
    finish(&mut m, &mut fx);
    assert!(matches!(&exchange(&m).stage, Stage::Imported(r)
        if matches!(r[0].outcome, FileOutcome::Refused(_))));
    // t: the trust screen; leave it without saving.
    send(&mut m, &mut fx, key_char('t'));
    assert_eq!(m.screen, Screen::Trust);
    send(&mut m, &mut fx, key(KeyCode::Esc));
    send(&mut m, &mut fx, key(KeyCode::Esc));
    assert_eq!(m.screen, Screen::Home);
    send(&mut m, &mut fx, key_char('x'));
    assert_eq!(m.screen, Screen::Exchange);
    assert!(matches!(
        exchange(&m).job,
        crate::tui::screens::exchange::Job::Export { .. }
    ));
    assert_eq!(
        exchange(&m).picker.dir.as_deref(),
        Some(usb.as_path()),
        "the export picker opens where the import was"
    );
    // Export into another folder: the import picker opens there.
    let out = mkdir(&root.path().join("out"));
    send(&mut m, &mut fx, key(KeyCode::Backspace));
    assert_eq!(exchange(&m).picker.dir.as_deref(), Some(root.path()));
    // The cursor is on USB (came from there); "out" sorts before it.
    send(&mut m, &mut fx, key(KeyCode::Up));
    send(&mut m, &mut fx, key(KeyCode::Right));
    assert_eq!(exchange(&m).picker.dir.as_deref(), Some(out.as_path()));
    send(&mut m, &mut fx, key_char('w'));
    finish(&mut m, &mut fx);
    assert!(
        matches!(&exchange(&m).stage, Stage::Exported(_)),
        "{:?}",
        exchange(&m).stage
    );
    send(&mut m, &mut fx, key(KeyCode::Esc));
    send(&mut m, &mut fx, key_char('i'));
    assert_eq!(exchange(&m).picker.dir.as_deref(), Some(out.as_path()));
    send(&mut m, &mut fx, key(KeyCode::Esc));
    send(&mut m, &mut fx, key_char('q'));
    assert!(m.quit);
    drop(fx);
    // The next run: both pickers open there.
    let (mut m, mut fx) = start(&s.receiver, only_cwd(root.path()), Lang::Zh);
    send(&mut m, &mut fx, key_char('x'));
    assert_eq!(exchange(&m).picker.dir.as_deref(), Some(out.as_path()));
    send(&mut m, &mut fx, key(KeyCode::Esc));
    send(&mut m, &mut fx, key_char('i'));
    assert_eq!(exchange(&m).picker.dir.as_deref(), Some(out.as_path()));
}

/// An import remembers its folder as it starts: a run that ends without leaving the screen
/// (the window closed) still opens both pickers there next time.
#[test]
fn the_folder_of_an_import_is_kept_even_when_the_window_is_closed() {
    let s = setup(true);
    let (mut m, mut fx) = start(&s.receiver, only_cwd(&s.bundles), Lang::Zh);
    import_one(&mut m, &mut fx, KeyCode::Down);
    // No Esc, no q: the run just ends.
    drop(fx);
    drop(m);
    let (mut m, mut fx) = start(&s.receiver, only_cwd(&s.bundles), Lang::Zh);
    send(&mut m, &mut fx, key_char('x'));
    assert_eq!(
        exchange(&m).picker.dir.as_deref(),
        Some(s.bundles.as_path())
    );
}
