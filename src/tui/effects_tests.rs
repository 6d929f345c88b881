//! The model and the effects together on a real temporary store: keys in, rows on disk.

use crate::forms::value::Value;
use crate::forms::{FormSet, Lang};
use crate::store::RecordStatus;
use crate::tui::app::{Model, Screen};
use crate::tui::effects::Effects;
use crate::tui::shared::{Cmd, Msg, NoticeKind};
use crate::tui::tests::{ctrl, key};
use crate::tui::{EditTarget, TuiOptions, prepare, pump};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const VILLAGE: &str = "411003003204";

fn options(dir: &std::path::Path, field: Option<&str>) -> TuiOptions {
    TuiOptions {
        data_dir: dir.to_path_buf(),
        forms: FormSet::builtin(),
        lang: Some(Lang::Zh),
        surveyor: Some("张三".into()),
        edit: Some(EditTarget {
            village: VILLAGE.into(),
            round: "2020".into(),
            field: field.map(str::to_string),
        }),
    }
}

fn start(dir: &std::path::Path, field: Option<&str>) -> (Model, Effects) {
    let (mut m, mut fx, cmds) = prepare(options(dir, field)).expect("prepare");
    pump(&mut m, &mut fx, vec![Msg::Resize(80, 24)], cmds);
    (m, fx)
}

fn send(m: &mut Model, fx: &mut Effects, msg: Msg) {
    pump(m, fx, vec![msg], Vec::new());
}

fn type_text(m: &mut Model, fx: &mut Effects, text: &str) {
    for c in text.chars() {
        send(m, fx, key(KeyCode::Char(c)));
    }
}

fn draft_value(fx: &Effects, field: &str) -> Value {
    let recs = fx.store.records_of("village", VILLAGE, "2020").unwrap();
    let data = fx.store.draft_data(&recs[0].record_id).unwrap();
    data.get(field).clone()
}

/// Answer every required field of the village form (no farms).
const ANSWERS: &[(&str, &str)] = &[
    // An old round's survey date starts empty (today is not in 2020).
    ("survey_date", "2020-06-15"),
    ("households", "200"),
    ("population", "760"),
    ("garbage_facilities", "y"),
    ("garbage_technology", "y"),
    ("garbage_cleaners", "y"),
    ("garbage_funding", "n"),
    ("garbage_supervision", "y"),
    ("toilet_three_compartment", "100"),
    ("toilet_double_urn", "20"),
    ("toilet_biogas", "0"),
    ("toilet_urine_diverting", "0"),
    ("toilet_double_pit", "5"),
    ("toilet_sewered_flush", "45"),
    ("toilet_other_sanitary", "10"),
    ("sewage_mode", "2"),
    ("sewage_households", "120"),
    ("sewage_controlled", "y"),
    ("manure_scattered_produced_t", "100"),
    ("manure_scattered_utilized_t", "60.5"),
];

fn fill(m: &mut Model, fx: &mut Effects) {
    for (field, text) in ANSWERS {
        for _ in 0..40 {
            if m.record
                .as_ref()
                .and_then(|r| r.focused_key())
                .map(|k| k.field)
                .as_deref()
                == Some(*field)
            {
                break;
            }
            send(m, fx, key(KeyCode::Tab));
        }
        type_text(m, fx, text);
        send(m, fx, key(KeyCode::Tab));
    }
}

#[test]
fn every_field_left_is_on_disk_and_saved_is_said_after() {
    let dir = tempfile::tempdir().unwrap();
    let (mut m, mut fx) = start(dir.path(), Some("households"));
    assert_eq!(m.screen, Screen::Form);
    assert!(
        m.record.as_ref().unwrap().record_id.is_none(),
        "opening creates nothing"
    );
    assert!(
        fx.store
            .records_of("village", VILLAGE, "2020")
            .unwrap()
            .is_empty()
    );
    type_text(&mut m, &mut fx, "200");
    send(&mut m, &mut fx, key(KeyCode::Tab));
    assert_eq!(m.notice.as_ref().map(|n| n.kind), Some(NoticeKind::Saved));
    assert_eq!(draft_value(&fx, "households"), Value::Int(200));
    assert_eq!(draft_value(&fx, "surveyor"), Value::Text("张三".into()));
    type_text(&mut m, &mut fx, "800");
    send(&mut m, &mut fx, key(KeyCode::Enter));
    // The field being typed when the process dies is the only thing lost.
    type_text(&mut m, &mut fx, "y");
    drop((m, fx));
    let (m, fx) = start(dir.path(), None);
    assert_eq!(draft_value(&fx, "population"), Value::Int(800));
    assert!(draft_value(&fx, "garbage_facilities").is_null());
    let r = m.record.as_ref().unwrap();
    assert_eq!(r.status, RecordStatus::Draft);
    assert_eq!(m.home.status(VILLAGE), RecordStatus::Draft);
}

#[test]
fn finalize_review_return_and_revise() {
    let dir = tempfile::tempdir().unwrap();
    let (mut m, mut fx) = start(dir.path(), None);
    // Blocked first: the list names what is missing, Enter goes there.
    type_text(&mut m, &mut fx, "");
    send(&mut m, &mut fx, key(KeyCode::Tab));
    send(&mut m, &mut fx, ctrl('f'));
    let issues = m.record.as_ref().unwrap().issues.clone().expect("blocked");
    // The survey date of an old round starts empty: it is the first thing missing.
    assert_eq!(issues.list[0].path.field, "survey_date");
    send(&mut m, &mut fx, key(KeyCode::Enter));
    fill(&mut m, &mut fx);
    send(&mut m, &mut fx, ctrl('f'));
    let q = m
        .confirm
        .as_ref()
        .expect("finalize asks first")
        .question
        .clone();
    assert!(q.contains("第 1 版") && q.contains("计入"), "{q}");
    assert!(!m.record.as_ref().unwrap().read_only, "nothing before y");
    send(&mut m, &mut fx, key(KeyCode::Char('y')));
    let r = m.record.as_ref().unwrap();
    assert!(r.issues.is_none(), "{:?}", r.issues);
    assert!(r.read_only);
    assert_eq!(r.status, RecordStatus::Finalized);
    assert_eq!(m.home.status(VILLAGE), RecordStatus::Finalized);
    // History: who, when, field, old → new.
    send(&mut m, &mut fx, key(KeyCode::Char('h')));
    assert_eq!(m.screen, Screen::History);
    let h = m.history.as_ref().unwrap();
    assert!(
        h.rows
            .iter()
            .any(|a| a.field == "households" && a.new == Value::Int(200) && a.who == "张三")
    );
    send(&mut m, &mut fx, key(KeyCode::Esc));
    send(&mut m, &mut fx, key(KeyCode::Esc));
    // Review the township: return with a comment.
    assert_eq!(m.screen, Screen::Home);
    send(&mut m, &mut fx, key(KeyCode::Char('v')));
    assert_eq!(m.screen, Screen::Review);
    assert_eq!(m.review.as_ref().unwrap().rows.len(), 1);
    // Looked at from the list, the record says where approving and returning are.
    send(&mut m, &mut fx, key(KeyCode::Enter));
    assert_eq!(m.screen, Screen::Form);
    assert_eq!(
        m.notice.as_ref().unwrap().text,
        crate::i18n::tui_keys::review_record(Lang::Zh, "Esc", "a", "r")
    );
    send(&mut m, &mut fx, key(KeyCode::Esc));
    assert_eq!(m.screen, Screen::Review);
    send(&mut m, &mut fx, key(KeyCode::Char('r')));
    type_text(&mut m, &mut fx, "户数与台账不符");
    send(&mut m, &mut fx, key(KeyCode::Enter));
    assert_eq!(
        m.home.status(VILLAGE),
        RecordStatus::Finalized,
        "asks first"
    );
    let shot = crate::tui::snapshot_tests::render_for_tests(&m, 80, 24);
    assert!(shot.contains("待审核 1 · 已通过 0 · 已退回 0"), "{shot}");
    send(&mut m, &mut fx, key(KeyCode::Char('y')));
    assert_eq!(m.home.status(VILLAGE), RecordStatus::Returned);
    assert_eq!(
        m.review.as_ref().unwrap().rows[0].comment.as_deref(),
        Some("户数与台账不符")
    );
    // The review's header counts the list as it is after the review.
    let shot = crate::tui::snapshot_tests::render_for_tests(&m, 80, 24);
    assert!(shot.contains("待审核 0 · 已通过 0 · 已退回 1"), "{shot}");
    // The surveyor opens it: the comment shows; e starts a new revision.
    send(&mut m, &mut fx, key(KeyCode::Enter));
    assert_eq!(
        m.record.as_ref().unwrap().return_comment.as_deref(),
        Some("户数与台账不符")
    );
    let shot = crate::tui::snapshot_tests::render_for_tests(&m, 80, 24);
    assert!(shot.contains("已退回 第1版"), "{shot}");
    send(&mut m, &mut fx, key(KeyCode::Char('e')));
    let r = m.record.as_ref().unwrap();
    assert!(!r.read_only);
    // A new revision is being made: home says draft, the header says which revision the
    // draft becomes, as being made (revision 2 does not exist yet).
    assert_eq!(m.home.status(VILLAGE), RecordStatus::Draft);
    let shot = crate::tui::snapshot_tests::render_for_tests(&m, 80, 24);
    assert!(shot.contains("草稿 · 正在修改为第2版"), "{shot}");
    assert!(!shot.contains(" 第2版"), "{shot}");
    // The clerk's list still shows the returned revision 1 as returned (not dropped for
    // the draft), so approving it would say it counts again.
    let mut rv = m.clone();
    send(&mut rv, &mut fx, key(KeyCode::Esc));
    send(&mut rv, &mut fx, key(KeyCode::Char('v')));
    let row = rv.review.as_ref().unwrap().rows[0].clone();
    assert_eq!((row.status, row.rev), (RecordStatus::Returned, 1));
    assert_eq!(r.shown.get("households"), &Value::Int(200));
    // The draft opens at its first unanswered field; households is above it.
    for _ in 0..40 {
        send(
            &mut m,
            &mut fx,
            Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
        );
        if m.record
            .as_ref()
            .and_then(|r| r.focused_key())
            .map(|k| k.field)
            .as_deref()
            == Some("households")
        {
            break;
        }
    }
    send(&mut m, &mut fx, ctrl('u'));
    type_text(&mut m, &mut fx, "210");
    send(&mut m, &mut fx, ctrl('f'));
    let q = m
        .confirm
        .as_ref()
        .expect("finalize asks first")
        .question
        .clone();
    assert!(q.contains("第 2 版"), "{q}");
    send(&mut m, &mut fx, key(KeyCode::Char('y')));
    let r = m.record.as_ref().unwrap();
    assert_eq!(r.rev, Some(2));
    assert!(r.read_only);
    send(&mut m, &mut fx, ctrl('t'));
    let h = m.history.as_ref().unwrap();
    // The return is in the history beside the changes, with who and the comment, between
    // revision 1 and revision 2.
    use crate::store::HistoryEvent;
    use crate::tui::screens::history::Entry;
    let pos = |f: &dyn Fn(&Entry) -> bool| h.entries.iter().position(f).expect("listed");
    let returned = pos(&|e| {
        matches!(e, Entry::Event(HistoryEvent::Reviewed(r))
            if r.comment == "户数与台账不符" && r.who == "张三" && r.rev == 1)
    });
    let rev1 = pos(&|e| matches!(e, Entry::Event(HistoryEvent::Finalized { rev: 1, .. })));
    let rev2 = pos(&|e| matches!(e, Entry::Event(HistoryEvent::Finalized { rev: 2, .. })));
    assert!(
        rev1 < returned && returned < rev2,
        "{rev1} {returned} {rev2}"
    );
    assert!(h.rows.iter().any(|a| a.rev == 2
        && a.field == "households"
        && a.old == Value::Int(200)
        && a.new == Value::Int(210)));
}

#[test]
fn demo_data_goes_into_its_own_directory_never_this_one() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("ruralenv");
    let (mut m, mut fx) = start(&dir, None);
    let demo = crate::tui::effects::demo::demo_dir(&dir);
    assert_eq!(demo, root.path().join("ruralenv-demo"));
    // This directory itself is refused.
    pump(
        &mut m,
        &mut fx,
        Vec::new(),
        vec![Cmd::LoadDemo {
            dir: dir.display().to_string(),
            under: "411003003000".into(),
            round: "2020".into(),
        }],
    );
    assert!(!fx.store.holds_data().unwrap());
    assert!(!fx.store.is_demo().unwrap());
    pump(
        &mut m,
        &mut fx,
        Vec::new(),
        vec![Cmd::LoadDemo {
            dir: demo.display().to_string(),
            under: "411003003000".into(),
            round: "2020".into(),
        }],
    );
    assert_eq!(m.notice.as_ref().map(|n| n.kind), Some(NoticeKind::Info));
    assert!(!fx.store.holds_data().unwrap(), "nothing here");
    assert!(!fx.store.is_demo().unwrap());
    let there = crate::store::Store::open(&demo).unwrap();
    assert!(there.is_demo().unwrap(), "the demo directory is marked");
    let finalized = there
        .village_statuses("village", "2020")
        .unwrap()
        .values()
        .filter(|s| **s != RecordStatus::Draft)
        .count();
    assert!(
        finalized > 10,
        "{finalized} villages of 15 should have demo records"
    );
    // A directory with real data is refused, unchanged.
    drop(there);
    let (mut m2, mut fx2) = start(&dir, None);
    send(&mut m2, &mut fx2, key(KeyCode::Char('1')));
    let real = root.path().join("real");
    {
        let (mut m3, mut fx3) = start(&real, Some("households"));
        type_text(&mut m3, &mut fx3, "200");
        send(&mut m3, &mut fx3, key(KeyCode::Tab));
        assert!(fx3.store.holds_data().unwrap());
    }
    pump(
        &mut m2,
        &mut fx2,
        Vec::new(),
        vec![Cmd::LoadDemo {
            dir: real.display().to_string(),
            under: "411003003000".into(),
            round: "2020".into(),
        }],
    );
    let again = crate::store::Store::open(&real).unwrap();
    assert!(!again.is_demo().unwrap());
    assert_eq!(again.village_statuses("village", "2020").unwrap().len(), 1);
}

#[test]
fn a_new_revision_can_be_discarded() {
    let dir = tempfile::tempdir().unwrap();
    let (mut m, mut fx) = start(dir.path(), None);
    fill(&mut m, &mut fx);
    send(&mut m, &mut fx, ctrl('f'));
    send(&mut m, &mut fx, key(KeyCode::Char('y')));
    assert!(m.record.as_ref().unwrap().read_only);
    send(&mut m, &mut fx, key(KeyCode::Char('e')));
    assert!(!m.record.as_ref().unwrap().read_only);
    // Home shows the new revision being made; discarding it gives the finalized one back.
    assert_eq!(m.home.status(VILLAGE), RecordStatus::Draft);
    send(&mut m, &mut fx, ctrl('d'));
    assert!(m.confirm.is_some());
    send(&mut m, &mut fx, key(KeyCode::Char('y')));
    let r = m.record.as_ref().unwrap();
    assert!(r.read_only);
    assert_eq!(r.rev, Some(1));
    assert_eq!(m.home.status(VILLAGE), RecordStatus::Finalized);
    assert!(!fx.store.records_of("village", VILLAGE, "2020").unwrap()[0].has_draft);
}

#[test]
fn edit_of_an_out_of_scope_unit_opens_no_form_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(dir.path(), None);
    o.edit = Some(EditTarget {
        village: "411003003017".into(),
        round: "2020".into(),
        field: None,
    });
    let (mut m, mut fx, cmds) = prepare(o).expect("prepare");
    pump(&mut m, &mut fx, vec![Msg::Resize(80, 24)], cmds);
    assert_eq!(m.screen, Screen::Home);
    assert!(m.record.is_none());
    let n = m.notice.clone().expect("a notice");
    assert!(n.text.contains("不在调查范围"), "{}", n.text);
    assert!(!fx.store.holds_data().unwrap());
}

#[test]
fn a_village_in_conflict_is_not_reviewed_and_the_screen_says_resolve_first() {
    let dir = tempfile::tempdir().unwrap();
    let (mut m, mut fx) = start(dir.path(), None);
    fill(&mut m, &mut fx);
    send(&mut m, &mut fx, ctrl('f'));
    send(&mut m, &mut fx, key(KeyCode::Char('y')));
    assert!(m.record.as_ref().unwrap().read_only);
    // A second surveyor's record of the same village: duplicates.
    let form = FormSet::builtin().village_form().clone();
    let first = fx.store.records_of("village", VILLAGE, "2020").unwrap()[0]
        .record_id
        .clone();
    let data = fx.store.current_revision(&first).unwrap().unwrap().data;
    let other = fx
        .store
        .create_record(&form, VILLAGE, "2020", "李四", &data)
        .unwrap();
    fx.store.finalize(&other, &form, "李四").unwrap();
    send(&mut m, &mut fx, key(KeyCode::Esc));
    send(&mut m, &mut fx, key(KeyCode::Char('v')));
    assert_eq!(m.screen, Screen::Review);
    let row = m.review.as_ref().unwrap().rows[0].clone();
    assert_eq!(row.status, RecordStatus::Conflict);
    for k in ['a', 'r'] {
        send(&mut m, &mut fx, key(KeyCode::Char(k)));
        assert!(
            m.confirm.is_none() && m.prompt.is_none(),
            "{k}: no question"
        );
        let n = m.notice.clone().expect("the refusal");
        assert_eq!(n.kind, NoticeKind::Error);
        assert!(n.text.contains("按 c 处理冲突"), "{}", n.text);
        m.notice = None;
    }
    let history = fx.store.history(&row.record_id).unwrap();
    assert!(
        !history
            .iter()
            .any(|e| matches!(e, crate::store::HistoryEvent::Reviewed(_))),
        "no review stored"
    );
}

/// Home's 计入, the dashboard's 已报 and the report JSON's `villages_reported` are one
/// number (docs/counting.md), for the county and a township, after a village is returned.
#[test]
fn home_dashboard_and_report_count_the_same_villages() {
    let dir = tempfile::tempdir().unwrap();
    let (mut m, mut fx) = start(dir.path(), None);
    send(&mut m, &mut fx, key(KeyCode::Esc));
    let forms = FormSet::builtin();
    let form = forms.village_form().clone();
    let county = fx.store.division("411003000000").unwrap().unwrap();
    let town = fx.store.division("411003003000").unwrap().unwrap();
    fx.store.mark_demo().unwrap();
    crate::demo::generate(&mut fx.store, &form, &town, "2020", 1, &mut |_, _| {}).unwrap();
    // Return one counted village (no conflict in demo data).
    let statuses = fx.store.village_statuses("village", "2020").unwrap();
    let (returned, _) = statuses
        .iter()
        .filter(|(_, s)| **s == RecordStatus::Finalized || **s == RecordStatus::Approved)
        .min_by_key(|(c, _)| (*c).clone())
        .expect("a counted village");
    let returned = returned.clone();
    let rec = fx
        .store
        .records_of("village", &returned, "2020")
        .unwrap()
        .into_iter()
        .find(|r| r.counts)
        .unwrap();
    fx.store
        .add_review(
            &rec.record_id,
            crate::store::ReviewAction::Return,
            "户数与台账不符",
            "王五",
        )
        .unwrap();
    pump(
        &mut m,
        &mut fx,
        Vec::new(),
        vec![Cmd::LoadStatuses {
            round: "2020".into(),
        }],
    );
    assert!(
        m.demo,
        "the header says demo data after the statuses reload"
    );
    assert_eq!(m.home.status(&returned), RecordStatus::Returned);
    for unit in [&county, &town] {
        let i = m.home.tree.by_code[&unit.code];
        let home = m.home.counts[i];
        pump(
            &mut m,
            &mut fx,
            Vec::new(),
            vec![Cmd::LoadDashboard {
                unit: unit.code.clone(),
                round: "2020".into(),
            }],
        );
        let done = fx.wait_dashboard();
        pump(&mut m, &mut fx, done, Vec::new());
        let dash = m
            .dashboard
            .as_ref()
            .unwrap()
            .view
            .as_ref()
            .unwrap()
            .data
            .own()
            .unwrap()
            .villages_reported;
        m.dashboard = None;
        let report = crate::report::rollup::rollup(
            &fx.store,
            &forms,
            "2020",
            unit,
            crate::report::rollup::Depth::Townships,
        )
        .unwrap();
        let json = crate::report::writers::to_json(&report);
        assert_eq!(json["demo"], serde_json::Value::Bool(true));
        let reported = json["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["code"] == unit.code.as_str())
            .unwrap()["villages_reported"]
            .as_u64()
            .unwrap();
        assert_eq!(
            home.counted as u64, reported,
            "{}: home vs report",
            unit.code
        );
        assert_eq!(dash, reported, "{}: dashboard vs report", unit.code);
        assert!(reported > 0);
        // The returned village is shown beside the number, not in it.
        assert_eq!(home.returned, 1);
    }
    // The returned village does not count: one fewer than the finalized ones before.
    let i = m.home.tree.by_code[&town.code];
    assert_eq!(
        m.home.counts[i].counted, m.home.counts[i].done,
        "finalized or approved, not returned: what counts"
    );
}

#[test]
fn the_survey_date_starts_as_today_only_in_this_years_round() {
    let dir = tempfile::tempdir().unwrap();
    let (mut m, mut fx) = start(dir.path(), None);
    let r = m.record.as_ref().unwrap();
    assert_eq!(r.round, "2020");
    assert_eq!(
        r.shown.get("survey_date"),
        &Value::Null,
        "2020 is not this year"
    );
    let today = crate::tui::effects::today();
    let year = today[..4].to_string();
    send(&mut m, &mut fx, key(KeyCode::Esc));
    pump(
        &mut m,
        &mut fx,
        Vec::new(),
        vec![Cmd::OpenRecord {
            village: VILLAGE.into(),
            round: year,
            field: None,
        }],
    );
    let r = m.record.as_ref().unwrap();
    assert_eq!(r.shown.get("survey_date"), &Value::Text(today));
}

/// Another program holds the database's write lock (an import): a value typed and left
/// waits, the screen says so, typing goes on, `q` asks; when the lock goes, every value
/// is on disk, in order.
#[test]
fn lost_input_a_locked_database_never_loses_a_typed_value() {
    let dir = tempfile::tempdir().unwrap();
    let (mut m, mut fx) = start(dir.path(), Some("households"));
    fx.store
        .set_busy_timeout(crate::tui::effects::SAVE_WAIT)
        .unwrap();
    // The record exists before the lock (its first answer).
    type_text(&mut m, &mut fx, "150");
    send(&mut m, &mut fx, key(KeyCode::Tab));
    assert_eq!(draft_value(&fx, "households"), Value::Int(150));
    send(&mut m, &mut fx, key(KeyCode::BackTab));

    let other = rusqlite::Connection::open(dir.path().join(crate::store::DB_FILE)).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    send(&mut m, &mut fx, ctrl('u'));
    type_text(&mut m, &mut fx, "200");
    send(&mut m, &mut fx, key(KeyCode::Tab));
    assert_eq!(m.saves_waiting, 1, "waiting, not failed");
    assert_eq!(m.screen, Screen::Form);
    type_text(&mut m, &mut fx, "760");
    send(&mut m, &mut fx, key(KeyCode::Tab));
    assert_eq!(m.saves_waiting, 2, "the next answer queues behind it");
    let shot = crate::tui::snapshot_tests::render_for_tests(&m, 80, 24);
    assert!(shot.contains("等待数据库"), "{shot}");
    // The background retry meets the lock again: still waiting.
    let msgs = fx.background();
    pump(&mut m, &mut fx, msgs, Vec::new());
    assert_eq!(m.saves_waiting, 2);
    // q asks first; n keeps waiting.
    send(&mut m, &mut fx, key(KeyCode::Esc));
    send(&mut m, &mut fx, key(KeyCode::Char('q')));
    assert!(!m.quit, "asked first");
    let q = m.confirm.as_ref().expect("a question").question.clone();
    assert!(q.contains("2 项") && q.contains("等待数据库"), "{q}");
    send(&mut m, &mut fx, key(KeyCode::Char('n')));
    assert!(!m.quit);
    // The lock goes: the retry saves both, in order.
    other.execute_batch("COMMIT").unwrap();
    drop(other);
    let msgs = fx.background();
    pump(&mut m, &mut fx, msgs, Vec::new());
    assert_eq!(m.saves_waiting, 0);
    assert_eq!(draft_value(&fx, "households"), Value::Int(200));
    assert_eq!(draft_value(&fx, "population"), Value::Int(760));
    // Nothing waits: q quits at once.
    send(&mut m, &mut fx, key(KeyCode::Char('q')));
    assert!(m.quit);
}

/// The first answer of a new record meets the lock: the record and the answer are made
/// when it goes; a finalize meanwhile is held back, not done without them.
#[test]
fn lost_input_a_new_record_waits_for_the_lock_too_and_finalize_waits_for_the_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (mut m, mut fx) = start(dir.path(), Some("households"));
    fx.store
        .set_busy_timeout(crate::tui::effects::SAVE_WAIT)
        .unwrap();
    let other = rusqlite::Connection::open(dir.path().join(crate::store::DB_FILE)).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    type_text(&mut m, &mut fx, "150");
    send(&mut m, &mut fx, key(KeyCode::Tab));
    assert_eq!(m.saves_waiting, 1);
    pump(
        &mut m,
        &mut fx,
        Vec::new(),
        vec![Cmd::Finalize {
            record_id: "x".into(),
            form_id: "village".into(),
            version: 1,
        }],
    );
    assert!(m.notice.as_ref().unwrap().text.contains("等待数据库"));
    other.execute_batch("ROLLBACK").unwrap();
    let msgs = fx.background();
    pump(&mut m, &mut fx, msgs, Vec::new());
    assert_eq!(m.saves_waiting, 0);
    assert_eq!(draft_value(&fx, "households"), Value::Int(150));
    assert!(m.record.as_ref().unwrap().record_id.is_some());
}

/// A worker that panics ends its job with a message: the UI goes on (the panic hook of
/// `tui::run` only logs a worker's panic; see `keep_worker_panics_off_the_screen`).
#[test]
fn a_panicking_worker_ends_its_job_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let (_m, mut fx) = start(dir.path(), None);
    fx.spawn("test", |_tx| panic!("boom (expected by the test)"))
        .unwrap();
    let msgs = fx.wait_background();
    assert!(
        msgs.iter().any(|m| matches!(
            m,
            Msg::Exchange(crate::tui::shared::exchange::ExchangeMsg::Failed(e)) if e.contains("internal error")
        )),
        "{msgs:?}"
    );
    assert!(!fx.busy());
}

#[test]
fn an_unnamed_clerk_acts_under_the_role_chosen_at_the_first_run() {
    // A township clerk's laptop without an OS user: nobody is asked a name, and what the
    // clerk records says the installation's role and key, from the first session on.
    let t = tempfile::tempdir().unwrap();
    let (_m, mut fx) = start(t.path(), None);
    fx.who = crate::context::installation_name(&fx.store);
    let before = fx.who.clone();
    fx.run(
        Cmd::SaveSetting {
            key: "role".into(),
            value: "township".into(),
        },
        Lang::Zh,
    );
    assert_ne!(fx.who, before);
    assert_eq!(fx.who, crate::context::installation_name(&fx.store));
    assert!(fx.who.starts_with("township "), "{}", fx.who);
    // A person's name is kept when a setting changes.
    fx.who = "李四".into();
    fx.run(
        Cmd::SaveSetting {
            key: "role".into(),
            value: "county".into(),
        },
        Lang::Zh,
    );
    assert_eq!(fx.who, "李四");
}
