//! The trust screen: `update`-level tests (open, add with its checks, the fingerprint
//! step, remove), the effects on a temporary store (what is on disk after each key),
//! and snapshots at 80×24 and 120×40 in Chinese and English.

use crate::bundle::keys::{InstallationKey, fingerprint};
use crate::forms::{FormSet, Lang};
use crate::register::Register;
use crate::store::DivisionRow;
use crate::tui::app::{Model, Screen, update};
use crate::tui::effects::Effects;
use crate::tui::keys::Ctx;
use crate::tui::screens::trust::AddError;
use crate::tui::shared::trust::{OwnKey, TrustCmd, TrustData, TrustMsg, TrustedRow};
use crate::tui::shared::{Cmd, Msg};
use crate::tui::tests::{key, press, startup, typ};
use crate::tui::{TuiOptions, prepare, pump};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const TOWNSHIP: &str = "411003003000";

/// The whole Xuchang register, as home has it.
pub(super) fn xuchang() -> crate::tui::shared::tree::Tree {
    let set = FormSet::builtin();
    let mut units = Vec::new();
    for (name, body) in &set.registers {
        let reg = Register::parse(name, body).expect("register");
        for d in reg.divisions {
            units.push(DivisionRow {
                code: d.code,
                name: d.name,
                parent: d.parent,
                level: d.level,
                in_scope: d.in_scope,
            });
        }
    }
    units.sort_by(|a, b| a.code.cmp(&b.code));
    crate::tui::shared::tree::Tree::new(units)
}

pub(super) fn base(lang: Lang) -> Model {
    let (m, _) = Model::new(startup(xuchang(), lang), None);
    m
}

pub(super) fn render(m: &Model, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| super::view::draw(m, f)).expect("draw");
    super::snapshot_tests::screen_text(t.backend().buffer())
}

fn check_snapshots(name: &str, make: impl Fn(Lang) -> Model) {
    for lang in [Lang::Zh, Lang::En] {
        let m = make(lang);
        for (w, h) in [(80, 24), (120, 40)] {
            let shot = render(&m, w, h);
            for line in shot.lines() {
                // Every row is exactly the terminal's width (the "|" marks its end).
                let cells = unicode_width::UnicodeWidthStr::width(line);
                assert_eq!(cells, w as usize + 1, "{name} {lang:?} {w}: {line}");
            }
            insta::assert_snapshot!(format!("{name}_{}_{w}x{h}", lang.code()), shot);
        }
    }
}

fn key_of(seed: u8) -> InstallationKey {
    InstallationKey::from_seed([seed; 32])
}

fn own() -> OwnKey {
    let k = key_of(1);
    OwnKey {
        public_hex: k.public_hex(),
        fingerprint: k.fingerprint(),
    }
}

fn row(seed: u8, name: &str, scope: &str, at: &str) -> TrustedRow {
    let k = key_of(seed);
    TrustedRow {
        public_key: k.public_hex(),
        fingerprint: k.fingerprint(),
        name: name.into(),
        scope: scope.into(),
        added_at: at.into(),
    }
}

fn data(keys: Vec<TrustedRow>) -> Box<TrustData> {
    Box::new(TrustData {
        own: Ok(own()),
        keys,
    })
}

/// The trust screen with two keys, as `t` and the effects open it.
fn trust_model(lang: Lang) -> Model {
    let mut m = base(lang);
    let cmds = press(&mut m, KeyCode::Char('t'));
    assert_eq!(cmds, vec![Cmd::Trust(TrustCmd::Load)]);
    update(
        &mut m,
        Msg::Trust(TrustMsg::Loaded(data(vec![
            row(2, "东城区邓庄街道", TOWNSHIP, "2020-11-02T10:00:00+08:00"),
            row(
                3,
                "魏都区\x1b[31m",
                "411002000000",
                "2020-11-05T16:30:00+08:00",
            ),
        ]))),
    );
    m
}

fn paste(m: &mut Model, text: &str) -> Vec<Cmd> {
    update(m, Msg::Paste(text.into()))
}

fn shift_tab(m: &mut Model) -> Vec<Cmd> {
    update(
        m,
        Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
    )
}

fn errors(m: &Model) -> Vec<AddError> {
    m.trust
        .as_ref()
        .and_then(|t| t.add.as_ref())
        .map(|a| a.errors.clone())
        .unwrap_or_default()
}

/// Open the add form and fill it: key, scope, name.
fn fill_add(m: &mut Model, key_text: &str, scope: &str, name: &str) {
    press(m, KeyCode::Char('a'));
    paste(m, key_text);
    press(m, KeyCode::Tab);
    typ(m, scope);
    press(m, KeyCode::Tab);
    typ(m, name);
}

// ------------------------------------------------------------------ update

#[test]
fn t_opens_the_trust_screen_and_esc_goes_home() {
    let mut m = trust_model(Lang::Zh);
    assert_eq!(m.screen, Screen::Trust);
    assert_eq!(m.contexts()[0], Ctx::Trust);
    press(&mut m, KeyCode::Down);
    assert_eq!(m.trust.as_ref().unwrap().cursor, 1);
    press(&mut m, KeyCode::Down);
    assert_eq!(m.trust.as_ref().unwrap().cursor, 1, "stays on the last key");
    press(&mut m, KeyCode::Esc);
    assert_eq!(m.screen, Screen::Home);
    assert!(m.trust.is_none());
    // A notice of another screen is not carried in.
    update(
        &mut m,
        Msg::Notice(crate::tui::shared::Notice::info("已保存")),
    );
    press(&mut m, KeyCode::Char('t'));
    update(&mut m, Msg::Trust(TrustMsg::Loaded(data(Vec::new()))));
    assert!(m.notice.is_none());
}

#[test]
fn adding_checks_then_shows_the_fingerprint_and_only_y_saves() {
    let mut m = trust_model(Lang::Zh);
    let new = key_of(7);
    // Messaging apps wrap long lines: the break is not part of the key.
    let hex = new.public_hex();
    let wrapped = format!("{}\n{}", &hex[..30], &hex[30..]);
    fill_add(&mut m, &wrapped, TOWNSHIP, "邓庄街道 王会计");
    assert!(m.typing(), "letters go into the inputs");
    // "q" is text here, not quit.
    let cmds = typ(&mut m, "q");
    assert!(cmds.is_empty() && !m.quit);
    press(&mut m, KeyCode::Backspace);
    let cmds = press(&mut m, KeyCode::Enter);
    assert!(cmds.is_empty(), "checking saves nothing: {cmds:?}");
    assert_eq!(m.contexts()[0], Ctx::TrustCheck);
    let c = m
        .trust
        .as_ref()
        .unwrap()
        .add
        .as_ref()
        .unwrap()
        .check
        .clone()
        .expect("checked");
    assert_eq!(c.public_key, hex);
    assert_eq!(c.fingerprint, fingerprint(&new.public_bytes()));
    assert_eq!(c.scope_name, "邓庄街道");
    // Enter does not confirm a fingerprint by reflex; n goes back with the inputs kept.
    assert!(press(&mut m, KeyCode::Enter).is_empty());
    assert!(press(&mut m, KeyCode::Char('n')).is_empty());
    assert_eq!(m.contexts()[0], Ctx::TrustAdd);
    let a = m.trust.as_ref().unwrap().add.as_ref().unwrap();
    assert_eq!(a.key.value(), hex);
    assert_eq!(a.name.value(), "邓庄街道 王会计");
    press(&mut m, KeyCode::Enter);
    let cmds = press(&mut m, KeyCode::Char('y'));
    assert_eq!(
        cmds,
        vec![Cmd::Trust(TrustCmd::Add {
            public_key: hex,
            scope: TOWNSHIP.into(),
            name: "邓庄街道 王会计".into(),
        })]
    );
}

#[test]
fn an_empty_name_takes_the_scope_name_and_uppercase_hex_is_accepted() {
    let mut m = trust_model(Lang::En);
    let hex = key_of(8).public_hex();
    fill_add(&mut m, &format!("  {}  ", hex.to_uppercase()), TOWNSHIP, "");
    press(&mut m, KeyCode::Enter);
    let cmds = press(&mut m, KeyCode::Char('y'));
    assert_eq!(
        cmds,
        vec![Cmd::Trust(TrustCmd::Add {
            public_key: hex,
            scope: TOWNSHIP.into(),
            name: "邓庄街道".into(),
        })]
    );
}

#[test]
fn bad_keys_and_scopes_are_said_inline_and_nothing_is_asked_of_the_store() {
    let cases: Vec<(String, &str, Vec<AddError>)> = vec![
        (
            String::new(),
            "",
            vec![AddError::KeyMissing, AddError::ScopeMissing],
        ),
        ("abc".into(), TOWNSHIP, vec![AddError::KeyLength(3)]),
        ("g".repeat(64), TOWNSHIP, vec![AddError::KeyNotHex]),
        // 64 hex digits that are not a point of the curve (a typo, usually).
        ("f".repeat(64), TOWNSHIP, vec![AddError::KeyInvalid]),
        (
            own().fingerprint,
            TOWNSHIP,
            vec![AddError::KeyIsFingerprint],
        ),
        (own().public_hex, TOWNSHIP, vec![AddError::KeyOwn]),
        (key_of(9).public_hex(), "4110", vec![AddError::ScopeFormat]),
        (
            key_of(9).public_hex(),
            "411003003999",
            vec![AddError::ScopeUnknown],
        ),
    ];
    for (text, scope, expected) in cases {
        let mut m = trust_model(Lang::Zh);
        fill_add(&mut m, &text, scope, "x");
        let cmds = press(&mut m, KeyCode::Enter);
        assert!(cmds.is_empty(), "{text}: {cmds:?}");
        assert_eq!(errors(&m), expected, "{text} / {scope}");
        assert_eq!(m.contexts()[0], Ctx::TrustAdd, "still on the form");
        let a = m.trust.as_ref().unwrap().add.as_ref().unwrap();
        assert_eq!(
            a.focused(),
            expected[0].field(),
            "the first error has the focus"
        );
        assert_eq!(
            m.notice.as_ref().map(|n| n.kind),
            Some(crate::tui::shared::NoticeKind::Error)
        );
        // y on the form is a letter, not a confirmation.
        assert!(typ(&mut m, "y").is_empty());
    }
}

#[test]
fn editing_a_field_clears_its_error_and_shift_tab_goes_back() {
    let mut m = trust_model(Lang::Zh);
    fill_add(&mut m, "abc", "411003003999", "x");
    press(&mut m, KeyCode::Enter);
    assert_eq!(errors(&m).len(), 2);
    // The focus is on the key: fix it.
    press(&mut m, KeyCode::Backspace);
    assert_eq!(errors(&m), vec![AddError::ScopeUnknown]);
    press(&mut m, KeyCode::Tab);
    let a = m.trust.as_ref().unwrap().add.as_ref().unwrap();
    assert_eq!(a.focused(), crate::tui::screens::trust::AddField::Scope);
    shift_tab(&mut m);
    shift_tab(&mut m);
    let a = m.trust.as_ref().unwrap().add.as_ref().unwrap();
    assert_eq!(
        a.focused(),
        crate::tui::screens::trust::AddField::Name,
        "wraps around"
    );
    press(&mut m, KeyCode::Esc);
    assert!(
        m.trust.as_ref().unwrap().add.is_none(),
        "Esc cancels the form"
    );
    assert_eq!(m.screen, Screen::Trust);
}

#[test]
fn an_already_trusted_key_says_what_saving_replaces() {
    let mut m = trust_model(Lang::Zh);
    fill_add(&mut m, &key_of(2).public_hex(), "411003000000", "东城区");
    press(&mut m, KeyCode::Enter);
    let c = m
        .trust
        .as_ref()
        .unwrap()
        .add
        .as_ref()
        .unwrap()
        .check
        .clone();
    assert_eq!(
        c.unwrap().replaces,
        Some(("东城区邓庄街道".into(), TOWNSHIP.into()))
    );
}

#[test]
fn removing_asks_first_and_carries_the_key() {
    let mut m = trust_model(Lang::Zh);
    press(&mut m, KeyCode::Down);
    assert!(press(&mut m, KeyCode::Char('d')).is_empty());
    let q = m.confirm.as_ref().expect("asks").question.clone();
    assert!(q.contains(&key_of(3).fingerprint()), "{q}");
    assert!(!q.contains('\x1b'), "names from the store are cleaned: {q}");
    assert!(press(&mut m, KeyCode::Char('n')).is_empty());
    assert!(m.confirm.is_none());
    press(&mut m, KeyCode::Char('d'));
    let cmds = press(&mut m, KeyCode::Char('y'));
    assert_eq!(
        cmds,
        vec![Cmd::Trust(TrustCmd::Remove {
            public_key: key_of(3).public_hex(),
            name: "魏都区\x1b[31m".into(),
        })]
    );
}

#[test]
fn a_refusal_by_the_store_goes_back_to_the_form() {
    let mut m = trust_model(Lang::Zh);
    fill_add(&mut m, &key_of(9).public_hex(), TOWNSHIP, "x");
    press(&mut m, KeyCode::Enter);
    update(
        &mut m,
        Msg::Trust(TrustMsg::Refused("名册中没有这个范围代码".into())),
    );
    let a = m.trust.as_ref().unwrap().add.as_ref().unwrap();
    assert!(a.check.is_none());
    assert!(a.refused.is_some());
    assert_eq!(m.contexts()[0], Ctx::TrustAdd);
}

// ------------------------------------------------------------------ effects

fn start(dir: &std::path::Path) -> (Model, Effects) {
    let (mut m, mut fx, cmds) = prepare(TuiOptions {
        data_dir: dir.to_path_buf(),
        forms: FormSet::builtin(),
        lang: Some(Lang::Zh),
        surveyor: Some("县统计员".into()),
        edit: None,
    })
    .expect("prepare");
    pump(&mut m, &mut fx, vec![Msg::Resize(80, 24)], cmds);
    (m, fx)
}

fn send(m: &mut Model, fx: &mut Effects, msg: Msg) {
    pump(m, fx, vec![msg], Vec::new());
}

fn send_text(m: &mut Model, fx: &mut Effects, text: &str) {
    for c in text.chars() {
        send(m, fx, key(KeyCode::Char(c)));
    }
}

#[test]
fn own_key_is_the_one_key_show_prints() {
    let dir = tempfile::tempdir().unwrap();
    let (mut m, mut fx) = start(dir.path());
    send(&mut m, &mut fx, key(KeyCode::Char('t')));
    assert_eq!(m.screen, Screen::Trust);
    let shown = m.trust.as_ref().unwrap().data.own.clone().expect("own key");
    let on_disk = InstallationKey::load_or_create(dir.path()).unwrap();
    assert_eq!(shown.public_hex, on_disk.public_hex());
    assert_eq!(shown.fingerprint, on_disk.fingerprint());
}

#[test]
fn keys_typed_in_the_tui_are_trusted_and_removed_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let (mut m, mut fx) = start(dir.path());
    let earlier = key_of(4);
    fx.store
        .trust_key(&earlier.public_hex(), "魏都区", "411002000000")
        .unwrap();
    send(&mut m, &mut fx, key(KeyCode::Char('t')));
    send(&mut m, &mut fx, key(KeyCode::Char('a')));
    let k = key_of(5);
    send(&mut m, &mut fx, Msg::Paste(k.public_hex()));
    send(&mut m, &mut fx, key(KeyCode::Tab));
    send_text(&mut m, &mut fx, TOWNSHIP);
    send(&mut m, &mut fx, key(KeyCode::Tab));
    send_text(&mut m, &mut fx, "王会计");
    send(&mut m, &mut fx, key(KeyCode::Enter));
    assert_eq!(fx.store.trusted_keys().unwrap().len(), 1, "not before y");
    send(&mut m, &mut fx, key(KeyCode::Char('y')));
    let keys = fx.store.trusted_keys().unwrap();
    assert_eq!(keys.len(), 2);
    let added = keys
        .iter()
        .find(|x| x.public_key == k.public_hex())
        .expect("trusted");
    assert_eq!(added.scope, TOWNSHIP);
    assert_eq!(added.name, "王会计");
    let t = m.trust.as_ref().unwrap();
    assert!(t.add.is_none(), "the form closes");
    assert_eq!(t.data.keys.len(), 2, "the list is reloaded");
    assert_eq!(
        t.selected().unwrap().fingerprint,
        k.fingerprint(),
        "the cursor is on the key just added"
    );

    // Remove the one under the cursor: the other stays.
    send(&mut m, &mut fx, key(KeyCode::Char('d')));
    assert_eq!(fx.store.trusted_keys().unwrap().len(), 2, "not before y");
    send(&mut m, &mut fx, key(KeyCode::Char('y')));
    let keys = fx.store.trusted_keys().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].public_key, earlier.public_hex());
    assert!(fx.store.trusted_key(&k.public_hex()).unwrap().is_none());
    assert_eq!(m.trust.as_ref().unwrap().data.keys.len(), 1);
}

#[test]
fn a_bad_key_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut m, mut fx) = start(dir.path());
    send(&mut m, &mut fx, key(KeyCode::Char('t')));
    send(&mut m, &mut fx, key(KeyCode::Char('a')));
    let mut hex = key_of(5).public_hex();
    hex.replace_range(0..1, "x");
    send(&mut m, &mut fx, Msg::Paste(hex));
    send(&mut m, &mut fx, key(KeyCode::Tab));
    send_text(&mut m, &mut fx, TOWNSHIP);
    send(&mut m, &mut fx, key(KeyCode::Enter));
    assert_eq!(errors(&m), vec![AddError::KeyNotHex]);
    // Whatever comes next goes into the key, not to the store.
    for k in [KeyCode::Char('y'), KeyCode::Enter, KeyCode::Char('y')] {
        send(&mut m, &mut fx, key(k));
    }
    assert!(fx.store.trusted_keys().unwrap().is_empty());
    assert_eq!(m.contexts()[0], Ctx::TrustAdd);
}

#[test]
fn the_effects_check_again_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let (_m, mut fx) = start(dir.path());
    let good = key_of(5).public_hex();
    for (public_key, scope, name) in [
        ("0".repeat(64), TOWNSHIP, "x"),
        (good.clone(), "411003003999", "x"),
        (good.clone(), TOWNSHIP, "a\u{7}b"),
    ] {
        let out = fx.run(
            Cmd::Trust(TrustCmd::Add {
                public_key,
                scope: scope.into(),
                name: name.into(),
            }),
            Lang::Zh,
        );
        assert!(
            matches!(out.first(), Some(Msg::Trust(TrustMsg::Refused(_)))),
            "{out:?}"
        );
    }
    assert!(fx.store.trusted_keys().unwrap().is_empty());
}

// ------------------------------------------------------------------ snapshots

#[test]
fn snapshot_trust_list() {
    check_snapshots("trust_list", trust_model);
}

#[test]
fn snapshot_trust_add_with_errors() {
    check_snapshots("trust_add_errors", |lang| {
        let mut m = trust_model(lang);
        fill_add(&mut m, "3f2a", "411003003999", "");
        press(&mut m, KeyCode::Enter);
        m
    });
}

#[test]
fn snapshot_trust_add_typing() {
    check_snapshots("trust_add", |lang| {
        let mut m = trust_model(lang);
        fill_add(&mut m, &key_of(7).public_hex(), TOWNSHIP, "王会计");
        shift_tab(&mut m);
        m
    });
}

#[test]
fn snapshot_trust_fingerprint_check() {
    check_snapshots("trust_check", |lang| {
        let mut m = trust_model(lang);
        fill_add(&mut m, &key_of(7).public_hex(), TOWNSHIP, "王会计");
        press(&mut m, KeyCode::Enter);
        m
    });
}

#[test]
fn small_terminals_do_not_break_the_screens() {
    let mut add = trust_model(Lang::Zh);
    fill_add(&mut add, "3f2a", "4110", "x");
    press(&mut add, KeyCode::Enter);
    let mut check = trust_model(Lang::En);
    fill_add(&mut check, &key_of(7).public_hex(), TOWNSHIP, "");
    press(&mut check, KeyCode::Enter);
    for m in [trust_model(Lang::Zh), add, check] {
        for (w, h) in [(20, 5), (40, 10), (60, 16), (79, 23)] {
            let shot = render(&m, w, h);
            assert_eq!(shot.lines().count(), h as usize);
            // What a user would notice (the line count alone is the backend's doing): the
            // title line says where they are, and from 10 lines on the key hints are on
            // the last line.
            let lines: Vec<&str> = shot.lines().collect();
            assert!(lines[0].contains("ruralenv"), "{w}x{h}: no title:\n{shot}");
            let footer = lines[lines.len() - 1].trim_end_matches('|').trim();
            if h >= 10 {
                assert!(!footer.is_empty(), "{w}x{h}: no key hints:\n{shot}");
            }
        }
    }
}

/// The trust list's way out is on the footer down to 20×5, and the key under the cursor
/// is shown in full (name, scope, fingerprint, public key) where there is room.
#[test]
fn the_trust_list_keeps_its_footer_small_and_shows_the_key_in_full() {
    for lang in [Lang::Zh, Lang::En] {
        let m = trust_model(lang);
        let shot = render(&m, 20, 5);
        let footer = shot.lines().nth(4).unwrap_or_default();
        assert!(footer.contains("Esc"), "{lang:?}:\n{shot}");
        let shot = render(&m, 80, 24);
        let k = &m.trust.as_ref().unwrap().data.keys[0];
        assert!(shot.contains(&k.public_key), "{shot}");
        assert!(
            shot.contains(&k.name.replace('\u{1b}', "\\u{1b}")),
            "{shot}"
        );
    }
}
