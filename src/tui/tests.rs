//! `update`-level tests: drive the model with key events and assert state and the
//! commands it asks for (no terminal, no store); then the effects against a real
//! temporary store; then snapshots of every screen on `TestBackend`.

use crate::forms::record::RecordData;
use crate::forms::value::Value;
use crate::forms::{FormSet, Lang};
use crate::register::Level;
use crate::store::{DivisionRow, RecordStatus, ReviewAction};
use crate::tui::app::*;
pub(super) use crate::tui::screens::home::tests::small_tree;
use crate::tui::shared::record::{Opened, RecordRef};
use crate::tui::shared::tree::Tree;
use crate::tui::shared::*;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;

pub(super) fn startup(tree: Tree, lang: Lang) -> Startup {
    Startup {
        lang,
        surveyor: Some("张三".into()),
        ask_name: false,
        round: "2020".into(),
        rounds: vec!["2020".into()],
        declared_rounds: None,
        tree,
        statuses: HashMap::new(),
        counted: Default::default(),
        demo_available: false,
        demo_dir: None,
        demo: false,
        role: None,
        today: "2020-06-15".into(),
        home_unit: None,
        picker_dir: None,
    }
}

pub(super) fn model() -> Model {
    let (m, cmds) = Model::new(startup(small_tree(), Lang::Zh), None);
    assert!(cmds.is_empty());
    m
}

pub(super) fn village() -> DivisionRow {
    crate::tui::screens::home::tests::row(
        "411003003204",
        "大罗庄村委会",
        Some("411003003000"),
        Level::Village,
    )
}

/// A new record of 大罗庄 as effects opens it: surveyor and date filled, not yet saved.
pub(super) fn opened(record_id: Option<&str>, read_only: bool) -> Opened {
    let forms = FormSet::builtin();
    let mut data = RecordData::default();
    data.set("surveyor", Value::Text("张三".into()));
    data.set("survey_date", Value::Text("2020-06-15".into()));
    Opened {
        village: village(),
        round: "2020".into(),
        record_id: record_id.map(str::to_string),
        form: forms.village_form().clone(),
        data,
        read_only,
        status: match (read_only, record_id) {
            (true, _) => RecordStatus::Finalized,
            (false, Some(_)) => RecordStatus::Draft,
            (false, None) => RecordStatus::NotStarted,
        },
        rev: read_only.then_some(1),
        return_comment: None,
        field: None,
    }
}

pub(super) fn form_model(o: Opened) -> Model {
    let mut m = model();
    update(&mut m, Msg::RecordOpened(Box::new(o)));
    assert_eq!(m.screen, Screen::Form);
    m
}

pub(super) fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub(super) fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub(super) fn press(m: &mut Model, code: KeyCode) -> Vec<Cmd> {
    update(m, key(code))
}

pub(super) fn typ(m: &mut Model, text: &str) -> Vec<Cmd> {
    let mut out = Vec::new();
    for c in text.chars() {
        out.extend(update(m, key(KeyCode::Char(c))));
    }
    out
}

fn focused(m: &Model) -> String {
    m.record
        .as_ref()
        .and_then(|r| r.focused_key())
        .map(|k| k.field)
        .unwrap_or_default()
}

/// Tab until the named field has the focus.
pub(super) fn tab_to(m: &mut Model, field: &str) -> Vec<Cmd> {
    let mut cmds = Vec::new();
    for code in [KeyCode::Tab, KeyCode::BackTab] {
        for _ in 0..60 {
            if focused(m) == field {
                return cmds;
            }
            let mods = if code == KeyCode::BackTab {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            cmds.extend(update(m, Msg::Key(KeyEvent::new(code, mods))));
        }
    }
    panic!("never reached {field}");
}

fn commits(cmds: &[Cmd]) -> Vec<(String, Value)> {
    cmds.iter()
        .filter_map(|c| match c {
            Cmd::Commit(c) => Some((c.field.clone(), c.value.clone())),
            _ => None,
        })
        .collect()
}

// ------------------------------------------------------------------ home

#[test]
fn home_moves_folds_and_opens_a_village() {
    let mut m = model();
    let names = |m: &Model| -> Vec<String> {
        m.home
            .visible
            .iter()
            .map(|&i| m.home.tree.units[i].name.clone())
            .collect()
    };
    assert_eq!(names(&m), ["建安区", "陈曹乡", "灵井镇"]);
    press(&mut m, KeyCode::Char('j'));
    assert_eq!(m.home.cursor, 1);
    assert!(press(&mut m, KeyCode::Enter).is_empty(), "a township folds");
    assert_eq!(
        names(&m),
        ["建安区", "陈曹乡", "大罗庄村委会", "小罗庄村委会", "灵井镇"]
    );
    press(&mut m, KeyCode::Down);
    let cmds = press(&mut m, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![Cmd::OpenRecord {
            village: "411003003204".into(),
            round: "2020".into(),
            field: None
        }]
    );
    press(&mut m, KeyCode::Char('h'));
    assert_eq!(m.home.cursor, 1, "← goes to the parent");
    press(&mut m, KeyCode::Char('k'));
    assert_eq!(m.home.cursor, 0);
}

#[test]
fn search_by_name_or_code_then_escape_clears() {
    let mut m = model();
    press(&mut m, KeyCode::Char('/'));
    assert!(m.typing());
    typ(&mut m, "小罗");
    let sel = m.home.selected().map(|i| m.home.tree.units[i].name.clone());
    assert_eq!(sel.as_deref(), Some("小罗庄村委会"));
    assert!(!m.quit);
    press(&mut m, KeyCode::Enter);
    assert!(m.home.search.is_none() && m.home.query == "小罗");
    press(&mut m, KeyCode::Esc);
    assert!(m.home.query.is_empty());
    press(&mut m, KeyCode::Char('/'));
    typ(&mut m, "411003004201");
    assert_eq!(m.home.matches(), 1);
    press(&mut m, KeyCode::Esc);
    assert!(m.home.search.is_none() && m.home.query.is_empty());
}

#[test]
fn q_quits_on_home_but_is_text_in_a_search() {
    let mut m = model();
    press(&mut m, KeyCode::Char('/'));
    typ(&mut m, "q");
    assert!(!m.quit);
    assert_eq!(m.home.query, "q");
    press(&mut m, KeyCode::Enter);
    press(&mut m, KeyCode::Char('q'));
    assert!(m.quit);
}

#[test]
fn round_prompt_sets_and_remembers_the_round() {
    let mut m = model();
    press(&mut m, KeyCode::Char('r'));
    assert!(m.prompt.is_some());
    update(&mut m, ctrl('u'));
    typ(&mut m, "2021");
    let cmds = press(&mut m, KeyCode::Enter);
    assert_eq!(m.round, "2021");
    assert_eq!(
        cmds,
        vec![
            Cmd::SaveSetting {
                key: "round".into(),
                value: "2021".into()
            },
            Cmd::LoadStatuses {
                round: "2021".into()
            }
        ]
    );
    let mut st = HashMap::new();
    st.insert("411003003204".to_string(), RecordStatus::Finalized);
    update(
        &mut m,
        Msg::StatusesLoaded {
            round: "2021".into(),
            statuses: st,
            counted: ["411003003204".to_string()].into(),
            demo: false,
        },
    );
    assert_eq!(m.home.counts[1].done, 1);
    assert_eq!(m.home.counts[1].counted, 1);
}

#[test]
fn an_invalid_round_is_refused_with_the_rule_and_nothing_changes() {
    for (lang, bad, rule) in [
        (Lang::Zh, "2020年", "2000 至 2099"),
        (Lang::En, "abc", "2000 to 2099"),
        (Lang::Zh, "1999", "2000 至 2099"),
    ] {
        let mut m = model();
        m.lang = lang;
        press(&mut m, KeyCode::Char('r'));
        update(&mut m, ctrl('u'));
        typ(&mut m, bad);
        let cmds = press(&mut m, KeyCode::Enter);
        assert!(
            cmds.is_empty(),
            "{bad}: nothing saved, nothing loaded: {cmds:?}"
        );
        assert_eq!(m.round, "2020", "{bad}: the round is not switched");
        assert!(!m.rounds.iter().any(|r| r == bad));
        let n = m.notice.clone().expect("a message");
        assert_eq!(n.kind, NoticeKind::Error);
        assert!(n.text.contains(rule), "{bad}: {}", n.text);
        assert!(m.prompt.is_some(), "the prompt stays open to correct it");
        assert!(press(&mut m, KeyCode::Esc).is_empty());
        assert_eq!(m.round, "2020");
    }
    // Forms that declare their rounds accept those and nothing else.
    let mut m = model();
    m.declared_rounds = Some(vec!["2020-h1".into(), "2020-h2".into()]);
    press(&mut m, KeyCode::Char('r'));
    update(&mut m, ctrl('u'));
    typ(&mut m, "2021");
    assert!(press(&mut m, KeyCode::Enter).is_empty());
    assert!(m.notice.clone().unwrap().text.contains("2020-h1"));
    update(&mut m, ctrl('u'));
    typ(&mut m, "2020-h2");
    assert!(!press(&mut m, KeyCode::Enter).is_empty());
    assert_eq!(m.round, "2020-h2");
}

#[test]
fn an_out_of_scope_unit_opens_no_form_and_says_why() {
    let mut units: Vec<DivisionRow> = small_tree().units.clone();
    units.push(crate::tui::screens::home::tests::row(
        "411003003017",
        "朱寺社区居委会",
        Some("411003003000"),
        Level::Village,
    ));
    units.sort_by(|a, b| a.code.cmp(&b.code));
    assert!(
        !units
            .iter()
            .find(|u| u.code == "411003003017")
            .unwrap()
            .in_scope
    );
    for lang in [Lang::Zh, Lang::En] {
        let (mut m, _) = Model::new(startup(Tree::new(units.clone()), lang), None);
        m.home.reveal("411003003017");
        let cmds = press(&mut m, KeyCode::Enter);
        assert!(cmds.is_empty(), "{cmds:?}");
        assert_eq!(m.screen, Screen::Home);
        let n = m.notice.clone().unwrap();
        assert_eq!(n.kind, NoticeKind::Warn);
        let (word, how) = match lang {
            Lang::Zh => ("不在调查范围", "forms/divisions/"),
            Lang::En => ("not in the survey scope", "forms/divisions/"),
        };
        assert!(n.text.contains(word) && n.text.contains(how), "{}", n.text);
        // A village in scope still opens.
        m.home.reveal("411003003204");
        assert!(matches!(
            press(&mut m, KeyCode::Enter).as_slice(),
            [Cmd::OpenRecord { .. }]
        ));
    }
}

#[test]
fn a_survey_date_outside_the_rounds_year_is_asked_before_it_is_left() {
    for lang in [Lang::Zh, Lang::En] {
        let mut m = form_model(opened(Some("r1"), false));
        m.lang = lang;
        tab_to(&mut m, "survey_date");
        update(&mut m, ctrl('u'));
        typ(&mut m, "2019-05-01");
        let cmds = press(&mut m, KeyCode::Tab);
        assert!(commits(&cmds).is_empty(), "not saved before the answer");
        assert_eq!(focused(&m), "survey_date", "still in the field");
        let n = m.notice.clone().expect("the question");
        assert_eq!(n.kind, NoticeKind::Warn);
        assert!(
            n.text.contains("2019-05-01") && n.text.contains("2020"),
            "{}",
            n.text
        );
        assert!(!m.typing(), "y and n answer the question");
        // n: stay and correct it.
        assert!(press(&mut m, KeyCode::Char('n')).is_empty());
        assert_eq!(focused(&m), "survey_date");
        assert!(m.typing());
        assert_eq!(
            m.record.as_ref().unwrap().editor.input.value(),
            "2019-05-01",
            "the typed value is kept"
        );
        // Asked again on leaving; y keeps it and goes on.
        press(&mut m, KeyCode::Tab);
        assert!(m.record.as_ref().unwrap().date_check.is_some());
        let cmds = press(&mut m, KeyCode::Char('y'));
        assert_eq!(
            commits(&cmds),
            vec![("survey_date".into(), Value::Text("2019-05-01".into()))]
        );
        assert_ne!(focused(&m), "survey_date");
        // A date in the round's year is not asked about.
        tab_to(&mut m, "survey_date");
        update(&mut m, ctrl('u'));
        typ(&mut m, "2020-07-01");
        let cmds = press(&mut m, KeyCode::Tab);
        assert_eq!(
            commits(&cmds),
            vec![("survey_date".into(), Value::Text("2020-07-01".into()))]
        );
    }
}

#[test]
fn language_switch_is_remembered() {
    let mut m = model();
    let cmds = press(&mut m, KeyCode::Char('L'));
    assert_eq!(m.lang, Lang::En);
    assert_eq!(
        cmds,
        vec![Cmd::SaveSetting {
            key: "lang".into(),
            value: "en".into()
        }]
    );
}

#[test]
fn review_key_asks_for_the_township_of_the_cursor() {
    let mut m = model();
    press(&mut m, KeyCode::Down);
    assert_eq!(
        press(&mut m, KeyCode::Char('v')),
        vec![Cmd::LoadReview {
            township: "411003003000".into(),
            round: "2020".into()
        }]
    );
    press(&mut m, KeyCode::Up);
    assert!(
        press(&mut m, KeyCode::Char('v')).is_empty(),
        "a county is not a township"
    );
    assert_eq!(m.notice.as_ref().map(|n| n.kind), Some(NoticeKind::Warn));
}

// ------------------------------------------------------------------ form

#[test]
fn leaving_a_field_commits_it_and_saved_shows_only_after_the_commit() {
    let mut m = form_model(opened(None, false));
    assert_eq!(focused(&m), "survey_date");
    // Unchanged prefilled fields are not written on their own.
    let cmds = tab_to(&mut m, "households");
    assert!(commits(&cmds).is_empty());
    assert!(m.typing());
    let cmds = typ(&mut m, "200");
    assert!(cmds.is_empty(), "typing does not commit");
    let cmds = press(&mut m, KeyCode::Tab);
    assert_eq!(focused(&m), "population");
    let [Cmd::Commit(c)] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(c.field, "households");
    assert_eq!(c.value, Value::Int(200));
    // The first answer creates the record, with the prefilled values.
    let RecordRef::New { initial, .. } = &c.rec else {
        panic!("{:?}", c.rec)
    };
    assert_eq!(initial.get("surveyor"), &Value::Text("张三".into()));
    assert_eq!(initial.get("households"), &Value::Int(200));
    assert_ne!(m.notice.as_ref().map(|n| n.kind), Some(NoticeKind::Saved));
    assert_eq!(m.record.as_ref().map(|r| r.pending), Some(1));
    update(
        &mut m,
        Msg::RecordCreated {
            village: "411003003204".into(),
            round: "2020".into(),
            record_id: "r1".into(),
        },
    );
    update(
        &mut m,
        Msg::Committed {
            record_id: "r1".into(),
            row: None,
            field: "households".into(),
        },
    );
    let n = m.notice.clone().expect("notice");
    assert_eq!(n.kind, NoticeKind::Saved);
    assert!(n.text.contains("常住户数"), "{}", n.text);
    assert_eq!(m.home.status("411003003204"), RecordStatus::Draft);
    // Later commits go to the record now known.
    typ(&mut m, "760");
    let cmds = press(&mut m, KeyCode::Enter);
    let [Cmd::Commit(c)] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(c.rec, RecordRef::Id("r1".into()));
    // Shift-Tab goes back, without a commit when nothing changed.
    assert!(
        update(
            &mut m,
            Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT))
        )
        .is_empty()
    );
    assert_eq!(focused(&m), "population");
}

#[test]
fn unreadable_input_keeps_the_text_and_the_focus() {
    let mut m = form_model(opened(Some("r1"), false));
    tab_to(&mut m, "households");
    typ(&mut m, "12.5户");
    let cmds = press(&mut m, KeyCode::Tab);
    assert!(cmds.is_empty());
    assert_eq!(focused(&m), "households");
    let r = m.record.as_ref().unwrap();
    assert_eq!(r.editor.input.value(), "12.5户");
    let n = m.notice.clone().unwrap();
    assert_eq!(n.kind, NoticeKind::Error);
    assert!(n.text.contains("不是整数"), "{}", n.text);
}

#[test]
fn a_value_breaking_a_constraint_is_saved_and_its_message_shown() {
    let mut m = form_model(opened(Some("r1"), false));
    tab_to(&mut m, "households");
    typ(&mut m, "200");
    press(&mut m, KeyCode::Tab);
    typ(&mut m, "100");
    let cmds = press(&mut m, KeyCode::Tab);
    assert_eq!(commits(&cmds), vec![("population".into(), Value::Int(100))]);
    let n = m.notice.clone().unwrap();
    assert_eq!(n.kind, NoticeKind::Warn);
    assert!(n.text.contains("人口不能为负"), "{}", n.text);
    let r = m.record.as_ref().unwrap();
    assert!(
        r.messages
            .contains_key(&crate::tui::screens::form::FieldKey::top("population"))
    );
    // The commit confirms, and the warning still says what to check.
    update(
        &mut m,
        Msg::Committed {
            record_id: "r1".into(),
            row: None,
            field: "population".into(),
        },
    );
    assert_eq!(m.notice.as_ref().map(|n| n.kind), Some(NoticeKind::Warn));
}

#[test]
fn a_too_large_whole_number_names_the_maximum_and_is_said_once() {
    let mut m = form_model(opened(Some("r1"), false));
    tab_to(&mut m, "households");
    typ(&mut m, "99999999999999999999");
    press(&mut m, KeyCode::Tab);
    let n = m.notice.clone().expect("refused");
    assert_eq!(n.kind, NoticeKind::Error);
    assert!(n.text.contains("超过本项的上限 20000"), "{}", n.text);
    assert!(!n.text.contains("不是整数"), "{}", n.text);
    let shot = crate::tui::snapshot_tests::render_for_tests(&m, 80, 24);
    assert_eq!(
        shot.matches("超过本项的上限").count(),
        1,
        "one message, not ⚠ and ✗:\n{shot}"
    );
    update(&mut m, ctrl('u'));
    typ(&mut m, "-99999999999999999999");
    press(&mut m, KeyCode::Tab);
    assert!(m.notice.as_ref().unwrap().text.contains("下限 -20000"));
}

#[test]
fn a_draft_reopens_at_its_first_unanswered_field_as_the_revision_it_will_become() {
    let mut o = opened(Some("r1"), false);
    o.data.set("households", Value::Int(120));
    o.data.set("population", Value::Int(400));
    o.rev = Some(1);
    let m = form_model(o);
    let r = m.record.as_ref().unwrap();
    assert_eq!(focused(&m), "garbage_facilities");
    assert!(r.data.get("garbage_facilities").is_null());
    let shot = crate::tui::snapshot_tests::render_for_tests(&m, 80, 24);
    assert!(
        shot.contains("第2版"),
        "a draft after revision 1 is 第2版:\n{shot}"
    );
    assert!(!shot.contains("第1版"), "{shot}");
    // A finalized record is the revision it is, and starts at the top.
    let m = form_model(opened(Some("r1"), true));
    assert_eq!(focused(&m), "survey_date");
    let shot = crate::tui::snapshot_tests::render_for_tests(&m, 80, 24);
    assert!(shot.contains("第1版"), "{shot}");
    // A new record starts at the top too (its date and surveyor are to be checked).
    let m = form_model(opened(None, false));
    assert_eq!(focused(&m), "survey_date");
}

#[test]
fn relevance_and_calculations_follow_the_typing() {
    let mut m = form_model(opened(Some("r1"), false));
    let visible = |m: &Model, f: &str| {
        m.record
            .as_ref()
            .unwrap()
            .items
            .contains(&crate::tui::screens::form::Item::Field(f.into()))
    };
    tab_to(&mut m, "sewage_mode");
    assert!(!m.typing(), "a choice field is not typed into");
    assert!(visible(&m, "sewage_households"));
    typ(&mut m, "5");
    assert!(
        !visible(&m, "sewage_households"),
        "'none' hides the households covered"
    );
    press(&mut m, KeyCode::Left);
    assert!(visible(&m, "sewage_households"));
    let cmds = press(&mut m, KeyCode::Tab);
    assert_eq!(
        commits(&cmds),
        vec![("sewage_mode".into(), Value::Text("reuse".into()))]
    );
    // Calculated fields update on every key, before the field is left.
    tab_to(&mut m, "toilet_three_compartment");
    typ(&mut m, "100");
    press(&mut m, KeyCode::Tab);
    for _ in 0..4 {
        typ(&mut m, "0");
        press(&mut m, KeyCode::Tab);
    }
    assert_eq!(focused(&m), "toilet_sewered_flush");
    typ(&mut m, "2");
    let shown = |m: &Model, f: &str| m.record.as_ref().unwrap().shown.get(f).clone();
    assert_eq!(shown(&m, "toilet_harmless"), Value::Int(102));
    typ(&mut m, "0");
    assert_eq!(shown(&m, "toilet_harmless"), Value::Int(120));
    // Yes/no: y and n, and the five conditions make the calculated one.
    tab_to(&mut m, "garbage_facilities");
    for _ in 0..5 {
        typ(&mut m, "y");
        press(&mut m, KeyCode::Tab);
    }
    assert_eq!(shown(&m, "garbage_effective"), Value::Bool(true));
}

#[test]
fn q_is_text_in_a_text_field_and_ctrl_c_quits_saving_the_field() {
    let mut m = form_model(opened(Some("r1"), false));
    tab_to(&mut m, "surveyor");
    update(&mut m, ctrl('u'));
    typ(&mut m, "qiu");
    assert!(!m.quit);
    let cmds = update(&mut m, ctrl('c'));
    assert!(m.quit);
    assert_eq!(
        commits(&cmds),
        vec![("surveyor".into(), Value::Text("qiu".into()))]
    );
}

#[test]
fn q_on_a_yes_no_field_saves_the_pick_and_asks_before_quitting() {
    let mut m = form_model(opened(Some("r1"), false));
    tab_to(&mut m, "garbage_facilities");
    press(&mut m, KeyCode::Char('y'));
    let cmds = press(&mut m, KeyCode::Char('q'));
    assert!(!m.quit, "q on a choice field must not quit at once");
    assert_eq!(
        commits(&cmds),
        vec![("garbage_facilities".into(), Value::Bool(true))]
    );
    let c = m.confirm.clone().expect("quitting asks first");
    assert_eq!(c.cmd, Cmd::Quit);
    // n keeps filling in, on the same field.
    press(&mut m, KeyCode::Char('n'));
    assert!(m.confirm.is_none() && !m.quit);
    assert_eq!(focused(&m), "garbage_facilities");
    press(&mut m, KeyCode::Char('q'));
    assert_eq!(press(&mut m, KeyCode::Char('y')), vec![Cmd::Quit]);
}

#[test]
fn chinese_input_and_paste_are_text_and_control_characters_never_enter() {
    let mut m = form_model(opened(Some("r1"), false));
    tab_to(&mut m, "notes");
    typ(&mut m, "村内道路");
    update(&mut m, Msg::Paste("已硬化\x1b[2J\n全部".into()));
    let r = m.record.as_ref().unwrap();
    assert_eq!(r.editor.input.value(), "村内道路已硬化[2J 全部");
    let cmds = press(&mut m, KeyCode::Enter);
    assert_eq!(
        commits(&cmds),
        vec![("notes".into(), Value::Text("村内道路已硬化[2J 全部".into()))]
    );
}

#[test]
fn finalize_lists_what_blocks_it_and_enter_jumps_there() {
    let mut m = form_model(opened(Some("r1"), false));
    tab_to(&mut m, "households");
    typ(&mut m, "50");
    let cmds = update(&mut m, ctrl('f'));
    assert_eq!(commits(&cmds), vec![("households".into(), Value::Int(50))]);
    // What blocks it is listed at once: no question, no finalize.
    assert!(!cmds.iter().any(|c| matches!(c, Cmd::Finalize { .. })));
    assert!(m.confirm.is_none());
    let r = m.record.as_ref().unwrap();
    assert_eq!(r.issues.as_ref().unwrap().list[0].path.field, "population");
    let issues = r.form.validate(&r.form.finalized_data(&r.data));
    assert_eq!(issues[0].path.field, "population");
    update(&mut m, Msg::FinalizeBlocked(issues));
    assert!(m.contexts().contains(&super::keys::Ctx::Issues));
    press(&mut m, KeyCode::Down);
    press(&mut m, KeyCode::Enter);
    assert!(m.record.as_ref().unwrap().issues.is_none());
    assert_eq!(focused(&m), "garbage_facilities");
    // Finalized: reload the record and the statuses.
    let cmds = update(
        &mut m,
        Msg::Finalized {
            record_id: "r1".into(),
            rev: 1,
        },
    );
    assert!(cmds.contains(&Cmd::LoadStatuses {
        round: "2020".into()
    }));
    assert!(cmds.iter().any(|c| matches!(c, Cmd::OpenRecord { .. })));
}

#[test]
fn farms_table_add_edit_and_delete_with_confirmation() {
    let mut m = form_model(opened(Some("r1"), false));
    for _ in 0..40 {
        if m.record.as_ref().unwrap().focused_group().is_some() {
            break;
        }
        press(&mut m, KeyCode::Tab);
    }
    assert_eq!(m.record.as_ref().unwrap().focused_group(), Some("farms"));
    let cmds = press(&mut m, KeyCode::Char('a'));
    assert_eq!(
        cmds,
        vec![Cmd::AddRow {
            rec: RecordRef::Id("r1".into()),
            group: "farms".into()
        }]
    );
    update(
        &mut m,
        Msg::RowAdded {
            group: "farms".into(),
            row_id: "row1".into(),
        },
    );
    assert_eq!(focused(&m), "farm_name");
    typ(&mut m, "兴旺养殖场");
    let cmds = press(&mut m, KeyCode::Tab);
    let [Cmd::Commit(c)] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(c.row, Some(("farms".into(), "row1".into())));
    assert_eq!(c.field, "farm_name");
    typ(&mut m, "1");
    press(&mut m, KeyCode::Tab);
    typ(&mut m, "600");
    press(&mut m, KeyCode::Tab);
    let r = m.record.as_ref().unwrap();
    assert_eq!(
        r.shown.rows("farms")[0].values.get("scale"),
        Some(&Value::Bool(true)),
        "600 pigs a year is a scale farm"
    );
    // Esc goes back to the table with the row selected.
    press(&mut m, KeyCode::Esc);
    let r = m.record.as_ref().unwrap();
    assert_eq!(r.focused_group(), Some("farms"));
    assert!(r.row_mode.is_none());
    assert!(press(&mut m, KeyCode::Char('d')).is_empty());
    assert!(m.confirm.is_some());
    assert!(press(&mut m, KeyCode::Char('n')).is_empty());
    assert!(m.confirm.is_none());
    press(&mut m, KeyCode::Char('d'));
    let cmds = press(&mut m, KeyCode::Char('y'));
    assert_eq!(
        cmds,
        vec![Cmd::DeleteRow {
            record_id: "r1".into(),
            group: "farms".into(),
            row_id: "row1".into()
        }]
    );
    update(
        &mut m,
        Msg::RowDeleted {
            group: "farms".into(),
            row_id: "row1".into(),
        },
    );
    assert!(m.record.as_ref().unwrap().data.rows("farms").is_empty());
}

#[test]
fn finalized_records_are_read_only_until_edit_starts_a_revision() {
    let mut m = form_model(opened(Some("r1"), true));
    assert!(!m.typing());
    assert!(typ(&mut m, "5").is_empty());
    assert_eq!(
        press(&mut m, KeyCode::Char('e')),
        vec![Cmd::StartRevision {
            record_id: "r1".into()
        }]
    );
    assert_eq!(
        press(&mut m, KeyCode::Char('h')),
        vec![Cmd::LoadHistory {
            record_id: "r1".into()
        }]
    );
    update(
        &mut m,
        Msg::HistoryLoaded {
            record_id: "r1".into(),
            rows: vec![],
            events: vec![],
        },
    );
    assert_eq!(m.screen, Screen::History);
    press(&mut m, KeyCode::Esc);
    assert_eq!(m.screen, Screen::Form);
    press(&mut m, KeyCode::Esc);
    assert_eq!(m.screen, Screen::Home);
    assert!(m.record.is_none());
}

#[test]
fn a_returned_record_shows_the_comment_when_opened() {
    let mut o = opened(Some("r1"), false);
    o.status = RecordStatus::Draft;
    o.return_comment = Some("户数与台账不符".into());
    let m = form_model(o);
    let n = m.notice.clone().unwrap();
    assert_eq!(n.kind, NoticeKind::Warn);
    // The comment is shown once, in full, above the form.
    let shot = crate::tui::snapshot_tests::render_for_tests(&m, 80, 24);
    assert_eq!(shot.matches("户数与台账不符").count(), 1, "{shot}");
}

/// The review list of 陈曹乡 with one finalized revision 1 (by 张三) per record id.
fn review_loaded(m: &mut Model, ids: &[&str]) {
    let rows = ids
        .iter()
        .map(|id| ReviewRow {
            village: village(),
            record_id: (*id).into(),
            rev: 1,
            status: RecordStatus::Finalized,
            finalized_at: "2020-06-15T10:00:00+08:00".into(),
            finalized_by: "张三".into(),
            comment: None,
        })
        .collect();
    update(
        m,
        Msg::ReviewLoaded {
            township: crate::tui::screens::home::tests::row(
                "411003003000",
                "陈曹乡",
                Some("411003000000"),
                Level::Township,
            ),
            rows,
        },
    );
}

#[test]
fn a_review_notice_goes_when_the_cursor_moves_to_another_record() {
    let mut m = model();
    review_loaded(&mut m, &["r1", "r2"]);
    update(&mut m, Msg::Notice(Notice::info("✓ 已通过".to_string())));
    press(&mut m, KeyCode::Up);
    assert!(
        m.notice.is_some(),
        "the cursor did not move: the notice stays"
    );
    press(&mut m, KeyCode::Down);
    assert!(m.notice.is_none(), "about the row before: gone");
}

#[test]
fn review_approves_or_returns_with_a_comment() {
    let mut m = model();
    review_loaded(&mut m, &["r1"]);
    assert_eq!(m.screen, Screen::Review);
    // Approve asks first, saying what will happen.
    assert!(press(&mut m, KeyCode::Char('a')).is_empty());
    let q = m.confirm.as_ref().expect("a question").question.clone();
    for part in ["通过", "大罗庄村委会", "第 1 版", "张三", "计入"] {
        assert!(q.contains(part), "{part}: {q}");
    }
    assert!(press(&mut m, KeyCode::Char('n')).is_empty(), "n: nothing");
    assert!(m.confirm.is_none());
    press(&mut m, KeyCode::Char('a'));
    assert_eq!(
        press(&mut m, KeyCode::Char('y')),
        vec![Cmd::Review {
            record_id: "r1".into(),
            action: ReviewAction::Approve,
            comment: String::new()
        }]
    );
    // Return: a comment, then the question.
    press(&mut m, KeyCode::Char('r'));
    assert!(m.typing());
    assert!(
        press(&mut m, KeyCode::Enter).is_empty(),
        "a return needs a comment"
    );
    let n = m.notice.clone().expect("refused with a message");
    assert_eq!(n.kind, NoticeKind::Error);
    assert!(n.text.contains("原因"), "{}", n.text);
    assert!(m.prompt.is_some(), "the prompt stays");
    typ(&mut m, "请核对户数");
    assert!(press(&mut m, KeyCode::Enter).is_empty(), "asks first");
    let q = m.confirm.as_ref().expect("a question").question.clone();
    for part in ["退回", "大罗庄村委会", "第 1 版", "不再计入"] {
        assert!(q.contains(part), "{part}: {q}");
    }
    assert_eq!(
        press(&mut m, KeyCode::Char('y')),
        vec![Cmd::Review {
            record_id: "r1".into(),
            action: ReviewAction::Return,
            comment: "请核对户数".into()
        }]
    );
    let cmds = update(
        &mut m,
        Msg::Reviewed {
            record_id: "r1".into(),
            action: ReviewAction::Return,
        },
    );
    assert!(cmds.iter().any(|c| matches!(c, Cmd::LoadReview { .. })));
}

#[test]
fn first_run_asks_the_role_then_a_surveyor_for_the_name_then_opens_the_edit_target() {
    let mut s = startup(small_tree(), Lang::Zh);
    s.surveyor = None;
    s.ask_name = true;
    let (mut m, cmds) = Model::new(
        s,
        Some(Start {
            village: "411003003204".into(),
            round: "2020".into(),
            field: Some("households".into()),
        }),
    );
    assert!(cmds.is_empty(), "the form waits for the first run");
    assert_eq!(m.screen, Screen::FirstRun);
    assert!(!m.typing(), "the role is chosen with keys");
    // A surveyor (the first choice) is asked for a name.
    assert_eq!(
        press(&mut m, KeyCode::Enter),
        vec![Cmd::SaveSetting {
            key: "role".into(),
            value: "surveyor".into()
        }]
    );
    assert_eq!(m.role, Some(Role::Surveyor));
    assert!(m.typing());
    assert!(press(&mut m, KeyCode::Enter).is_empty(), "a name is needed");
    typ(&mut m, "李四q");
    assert!(!m.quit);
    let cmds = press(&mut m, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![
            Cmd::SetSurveyor("李四q".into()),
            Cmd::OpenRecord {
                village: "411003003204".into(),
                round: "2020".into(),
                field: Some("households".into())
            }
        ]
    );
    assert_eq!(m.screen, Screen::Home);
}

#[test]
fn first_run_asks_a_clerk_or_the_county_no_name() {
    for (downs, role) in [(1, "township"), (2, "county")] {
        let mut s = startup(small_tree(), Lang::En);
        s.surveyor = None;
        s.ask_name = true;
        let (mut m, _) = Model::new(s, None);
        for _ in 0..downs {
            press(&mut m, KeyCode::Down);
        }
        let cmds = press(&mut m, KeyCode::Enter);
        assert_eq!(
            cmds,
            vec![Cmd::SaveSetting {
                key: "role".into(),
                value: role.into()
            }]
        );
        assert_eq!(m.screen, Screen::Home, "{role}: no name asked");
        assert_eq!(m.surveyor, None);
        assert_eq!(m.role.map(Role::code), Some(role));
        // The name can still be set later, from home, as for a surveyor.
        assert!(press(&mut m, KeyCode::Char('n')).is_empty());
        assert_eq!(m.prompt.as_ref().map(|p| p.input.value()), Some(""));
        typ(&mut m, "王五");
        assert_eq!(
            press(&mut m, KeyCode::Enter),
            vec![Cmd::SetSurveyor("王五".into())],
            "{role}"
        );
        assert_eq!(m.surveyor.as_deref(), Some("王五"));
    }
}

#[test]
fn the_name_can_be_set_or_changed_from_home() {
    let mut m = model();
    assert!(press(&mut m, KeyCode::Char('n')).is_empty());
    assert_eq!(m.prompt.as_ref().map(|p| p.input.value()), Some("张三"));
    update(&mut m, ctrl('u'));
    assert!(
        press(&mut m, KeyCode::Enter).is_empty(),
        "an empty name is refused"
    );
    assert_eq!(m.notice.as_ref().map(|n| n.kind), Some(NoticeKind::Error));
    typ(&mut m, "王五");
    assert_eq!(
        press(&mut m, KeyCode::Enter),
        vec![Cmd::SetSurveyor("王五".into())]
    );
    assert_eq!(m.surveyor.as_deref(), Some("王五"));
    assert!(m.prompt.is_none());
    assert!(
        crate::tui::keys::TABLE
            .iter()
            .any(|b| b.action == crate::tui::keys::Action::Name
                && b.ctx == crate::tui::keys::Ctx::Home),
        "the key is in the table the footer and help read"
    );
}

#[test]
fn notices_stay_with_the_screen_and_record_that_raised_them() {
    // The read-only notice leaves with the record: not on home, not on another village.
    let mut m = form_model(opened(Some("r1"), true));
    assert!(
        m.notice.is_some(),
        "a finalized record says it is read-only"
    );
    press(&mut m, KeyCode::Esc);
    assert_eq!(m.screen, Screen::Home);
    assert_eq!(m.notice, None);
    update(
        &mut m,
        Msg::RecordOpened(Box::new(opened(Some("r1"), true))),
    );
    let mut other = opened(Some("r2"), false);
    other.village.code = "411003003205".into();
    update(&mut m, Msg::RecordOpened(Box::new(other)));
    assert_eq!(m.notice, None, "another village's form starts clean");
    // An old validation error is not shown on reopening.
    tab_to(&mut m, "households");
    typ(&mut m, "x");
    press(&mut m, KeyCode::Tab);
    assert_eq!(m.notice.as_ref().map(|n| n.kind), Some(NoticeKind::Error));
    press(&mut m, KeyCode::Esc);
    press(&mut m, KeyCode::Esc);
    assert_eq!(m.screen, Screen::Home);
    update(
        &mut m,
        Msg::RecordOpened(Box::new(opened(Some("r2"), false))),
    );
    assert_eq!(m.notice, None);
    // The empty-name refusal goes with the prompt it refused.
    press(&mut m, KeyCode::Esc);
    press(&mut m, KeyCode::Char('n'));
    update(&mut m, ctrl('u'));
    press(&mut m, KeyCode::Enter);
    assert_eq!(m.notice.as_ref().map(|n| n.kind), Some(NoticeKind::Error));
    press(&mut m, KeyCode::Esc);
    assert!(m.prompt.is_none());
    assert_eq!(m.notice, None);
}

#[test]
fn home_keeps_its_cursor_between_runs() {
    let mut m = model();
    press(&mut m, KeyCode::Down);
    press(&mut m, KeyCode::Down);
    let at = m.home.selected().map(|i| m.home.tree.units[i].code.clone());
    let cmds = press(&mut m, KeyCode::Char('q'));
    assert!(m.quit);
    let saved = cmds.iter().find_map(|c| match c {
        Cmd::SaveSetting { key, value } if key == HOME_UNIT => Some(value.clone()),
        _ => None,
    });
    assert_eq!(saved, at);
    assert!(saved.is_some());
    // The next run starts there.
    let mut s = startup(small_tree(), Lang::Zh);
    s.home_unit = saved.clone();
    let (m2, _) = Model::new(s, None);
    let now = m2
        .home
        .selected()
        .map(|i| m2.home.tree.units[i].code.clone());
    assert_eq!(now, saved);
    // A unit no longer in the register is no harm: the cursor stays at the top.
    let mut s = startup(small_tree(), Lang::Zh);
    s.home_unit = Some("999999999999".into());
    let (m3, _) = Model::new(s, None);
    assert_eq!(m3.home.cursor, 0);
}

#[test]
fn first_run_offers_demo_only_in_its_own_directory_and_never_on_enter() {
    let mut s = startup(small_tree(), Lang::En);
    s.ask_name = true;
    s.surveyor = None;
    s.demo_available = true;
    s.demo_dir = Some("/data/ruralenv-demo".into());
    let (mut m, _) = Model::new(s.clone(), None);
    press(&mut m, KeyCode::Down); // township
    press(&mut m, KeyCode::Enter);
    assert_eq!(m.screen, Screen::FirstRun, "the demo offer");
    for k in [KeyCode::Char('y'), KeyCode::Char(' ')] {
        assert!(press(&mut m, k).is_empty(), "{k:?} loads nothing");
    }
    // Enter alone skips: nothing is loaded anywhere.
    let cmds = press(&mut m, KeyCode::Enter);
    assert!(
        !cmds.iter().any(|c| matches!(c, Cmd::LoadDemo { .. })),
        "{cmds:?}"
    );
    assert_eq!(m.screen, Screen::Home);

    // d makes it in the directory of its own, then Enter goes on with this one.
    let (mut m, _) = Model::new(s, None);
    press(&mut m, KeyCode::Down);
    press(&mut m, KeyCode::Enter);
    let cmds = press(&mut m, KeyCode::Char('d'));
    assert_eq!(
        cmds,
        vec![Cmd::LoadDemo {
            dir: "/data/ruralenv-demo".into(),
            under: "411003000000".into(),
            round: "2020".into()
        }]
    );
    assert!(
        press(&mut m, KeyCode::Char('d')).is_empty(),
        "once at a time"
    );
    update(
        &mut m,
        Msg::DemoLoaded {
            dir: "/data/ruralenv-demo".into(),
            result: Ok(3),
        },
    );
    assert_eq!(m.screen, Screen::FirstRun, "the screen says how to open it");
    assert!(press(&mut m, KeyCode::Enter).is_empty());
    assert_eq!(m.screen, Screen::Home);

    // Without a generator (or in a demo directory) nothing is offered.
    let mut s = startup(small_tree(), Lang::En);
    s.ask_name = true;
    s.surveyor = None;
    s.demo_available = false;
    s.demo_dir = Some("/data/ruralenv-demo".into());
    let (mut m, _) = Model::new(s, None);
    press(&mut m, KeyCode::Down);
    press(&mut m, KeyCode::Enter);
    assert_eq!(m.screen, Screen::Home);
}

#[test]
fn help_opens_from_anywhere_not_typing_and_f1_while_typing() {
    let mut m = model();
    press(&mut m, KeyCode::Char('?'));
    assert!(m.help.is_some());
    press(&mut m, KeyCode::Esc);
    assert!(m.help.is_none());
    let mut m = form_model(opened(Some("r1"), false));
    tab_to(&mut m, "notes");
    typ(&mut m, "?");
    assert!(m.help.is_none());
    press(&mut m, KeyCode::F(1));
    assert!(m.help.is_some());
    press(&mut m, KeyCode::Char('q'));
    assert!(m.quit, "q quits from help");
}

#[test]
fn edit_starts_on_the_field() {
    let mut o = opened(Some("r1"), false);
    o.field = Some("sewage_controlled".into());
    let m = form_model(o);
    assert_eq!(focused(&m), "sewage_controlled");
}

#[test]
fn key_releases_are_ignored() {
    let mut m = model();
    let mut ev = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    ev.kind = ratatui::crossterm::event::KeyEventKind::Release;
    update(&mut m, Msg::Key(ev));
    assert!(!m.quit);
}

#[test]
fn discard_asks_first_and_only_for_a_revision_draft() {
    let mut m = form_model(opened(Some("r1"), false));
    assert!(update(&mut m, ctrl('d')).is_empty());
    assert!(
        m.confirm.is_none(),
        "a first draft has nothing to go back to"
    );
    let mut o = opened(Some("r1"), false);
    o.rev = Some(1);
    let mut m = form_model(o);
    assert!(update(&mut m, ctrl('d')).is_empty());
    assert!(m.confirm.is_some());
    assert_eq!(
        press(&mut m, KeyCode::Char('y')),
        vec![Cmd::DiscardRevision {
            record_id: "r1".into(),
            village: "411003003204".into(),
            round: "2020".into()
        }]
    );
}

#[test]
fn esc_twice_gives_up_unreadable_input() {
    let mut m = form_model(opened(Some("r1"), false));
    tab_to(&mut m, "households");
    typ(&mut m, "abc");
    assert!(press(&mut m, KeyCode::Esc).is_empty());
    assert_eq!(
        m.screen,
        Screen::Form,
        "the typed text is not dropped silently"
    );
    assert!(m.notice.as_ref().unwrap().text.contains("再按 Esc"));
    assert!(press(&mut m, KeyCode::Esc).is_empty());
    assert_eq!(m.screen, Screen::Home);
}

#[test]
fn a_calculated_field_can_be_shown_but_not_typed_into() {
    let mut o = opened(Some("r1"), false);
    o.field = Some("toilet_harmless".into());
    let mut m = form_model(o);
    assert_eq!(
        focused(&m),
        "toilet_harmless",
        "an issue or --field may point at it"
    );
    assert!(!m.typing());
    typ(&mut m, "5");
    assert!(press(&mut m, KeyCode::Tab).is_empty());
}

#[test]
fn bidi_and_zero_width_characters_never_enter_an_input() {
    // The one terminal-safety rule (crate::termsafe) filters typing and pasting too: a
    // right-to-left override or a zero-width space pasted into a name or a comment would
    // reorder or hide what the clerk reads next to a fingerprint.
    let mut input = tui_input::Input::default();
    paste_into(
        &mut input,
        "王\u{202E}五\u{200B}\u{2066}村\u{2028}委\u{7}会",
    );
    assert_eq!(input.value(), "王五村委会");
    let key = KeyEvent::new(KeyCode::Char('\u{202E}'), KeyModifiers::NONE);
    assert!(input_request(&key).is_none());
}

#[test]
fn the_approve_question_says_whether_the_record_counts_already() {
    let mut row = ReviewRow {
        village: village(),
        record_id: "r1".into(),
        rev: 1,
        status: RecordStatus::Finalized,
        finalized_at: "2020-06-15T10:00:00+08:00".into(),
        finalized_by: "张三".into(),
        comment: None,
    };
    let ask = |r: &ReviewRow, l| crate::tui::screens::review::approve_question(r, l);
    // Finalized counts already (docs/counting.md): approving keeps it counting.
    assert!(ask(&row, Lang::Zh).contains("已计入汇总"));
    assert!(ask(&row, Lang::En).contains("already counts"));
    // Returned does not count: approving makes it count again.
    row.status = RecordStatus::Returned;
    assert!(ask(&row, Lang::Zh).contains("重新计入"));
    assert!(!ask(&row, Lang::Zh).contains("已计入"));
    assert!(ask(&row, Lang::En).contains("count again"));
}
