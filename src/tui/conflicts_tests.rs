//! The conflicts screen: `update`-level tests on fixtures (list, open, sides, cycling,
//! choosing), the comparison rows, the effects on a temporary store with real forks and
//! duplicates (the resolution written is the chosen side's; the conflict leaves the list;
//! statuses and the roll-up follow), and snapshots at 80×24 and 120×40 in zh and en.

use crate::forms::record::{RecordData, Row};
use crate::forms::value::Value;
use crate::forms::{Form, FormSet, Lang};
use crate::store::exchange::{Candidate, ConflictDetail};
use crate::store::{FinalizeResult, RecordStatus, Revision};
use crate::tui::app::{Model, Screen, update};
use crate::tui::effects::Effects;
use crate::tui::keys::Ctx;
use crate::tui::screens::conflicts::{Side, compare, kinds_for, only_differences};
use crate::tui::shared::conflicts::{
    Choice, ConflictsCmd, ConflictsMsg, DUPLICATE, FORK, OpenedConflict, Question, Version,
};
use crate::tui::shared::{Cmd, Msg, NoticeKind};
use crate::tui::tests::{key, press};
use crate::tui::trust_tests::{base, render};
use crate::tui::{TuiOptions, prepare, pump};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const VILLAGE: &str = "411003003205";
const TOWNSHIP: &str = "411003003000";

fn form() -> Form {
    FormSet::builtin().village_form().clone()
}

/// A whole record: 200 households, one farm.
fn record_data(households: i64, surveyor: &str) -> RecordData {
    let mut d = RecordData::default();
    for (k, v) in [
        ("survey_date", Value::Text("2020-06-15".into())),
        ("surveyor", Value::Text(surveyor.into())),
        ("households", Value::Int(households)),
        ("population", Value::Int(760)),
        ("garbage_facilities", Value::Bool(true)),
        ("garbage_technology", Value::Bool(true)),
        ("garbage_cleaners", Value::Bool(true)),
        ("garbage_funding", Value::Bool(false)),
        ("garbage_supervision", Value::Bool(true)),
        ("toilet_three_compartment", Value::Int(100)),
        ("toilet_double_urn", Value::Int(0)),
        ("toilet_biogas", Value::Int(0)),
        ("toilet_urine_diverting", Value::Int(0)),
        ("toilet_double_pit", Value::Int(0)),
        ("toilet_sewered_flush", Value::Int(50)),
        ("toilet_other_sanitary", Value::Int(10)),
        ("sewage_mode", Value::Text("none".into())),
        ("sewage_controlled", Value::Bool(false)),
        ("manure_scattered_produced_t", Value::Dec(100.0)),
        ("manure_scattered_utilized_t", Value::Dec(60.5)),
    ] {
        d.set(k, v);
    }
    let mut farm = Row {
        id: "farm-1".into(),
        ..Row::default()
    };
    farm.values
        .insert("farm_name".into(), Value::Text("兴旺养殖场".into()));
    farm.values.insert("head_count".into(), Value::Int(600));
    d.groups.insert("farms".into(), vec![farm]);
    d
}

fn cand(record: &str, hash: &str, by: &str, at: &str, counted: bool) -> Candidate {
    Candidate {
        record_id: record.into(),
        rev: 1,
        hash: hash.into(),
        form_version: 1,
        finalized_at: at.into(),
        finalized_by: by.into(),
        counted,
    }
}

const REC_A: &str = "0190a3b2-0000-7000-8000-00000000aaaa";
const REC_B: &str = "0190a3b2-0000-7000-8000-00000000bbbb";
const REC_C: &str = "0190a3b2-0000-7000-8000-00000000cccc";

/// Three records of 蒋东村 (a duplicate): A counts for now; B says 210 households and
/// no funding; C has a second farm.
fn opened() -> Box<OpenedConflict> {
    let a = cand(REC_A, "aaaa1111", "张三", "2020-06-20T10:00:00+08:00", true);
    let b = cand(
        REC_B,
        "bbbb2222",
        "李四\x1b[31m",
        "2020-06-18T09:00:00+08:00",
        false,
    );
    let c = cand(
        REC_C,
        "cccc3333",
        "王五",
        "2020-06-16T15:30:00+08:00",
        false,
    );
    let mut db = record_data(210, "李四");
    db.set("garbage_funding", Value::Bool(true));
    let mut dc = record_data(200, "王五");
    let mut farm2 = Row {
        id: "farm-2".into(),
        ..Row::default()
    };
    farm2
        .values
        .insert("farm_name".into(), Value::Text("Li farm".into()));
    dc.groups.get_mut("farms").unwrap().push(farm2);
    let detail = ConflictDetail {
        form_id: "village".into(),
        village_code: VILLAGE.into(),
        round: "2020".into(),
        duplicate: true,
        fork: false,
        candidates: vec![a.clone(), b.clone(), c.clone()],
    };
    let v = |candidate: Candidate, data: RecordData| Version {
        candidate,
        form: form(),
        data,
    };
    Box::new(OpenedConflict {
        detail,
        question: Question::Record,
        versions: vec![v(b, db), v(a, record_data(200, "张三")), v(c, dc)],
    })
}

fn list() -> Vec<ConflictDetail> {
    let mut fork = opened().detail.clone();
    fork.village_code = "411003003204".into();
    fork.duplicate = false;
    fork.fork = true;
    fork.candidates = vec![
        cand(REC_A, "aaaa1111", "张三", "2020-06-20T10:00:00+08:00", true),
        cand(
            REC_A,
            "dddd4444",
            "张三",
            "2020-06-21T10:00:00+08:00",
            false,
        ),
    ];
    vec![fork, opened().detail]
}

fn conflicts_model(lang: Lang) -> Model {
    let mut m = base(lang);
    let cmds = press(&mut m, KeyCode::Char('c'));
    assert_eq!(
        cmds,
        vec![Cmd::Conflicts(ConflictsCmd::Load {
            round: "2020".into()
        })]
    );
    update(
        &mut m,
        Msg::Conflicts(ConflictsMsg::Loaded {
            round: "2020".into(),
            list: list(),
        }),
    );
    m
}

fn compare_model(lang: Lang) -> Model {
    let mut m = conflicts_model(lang);
    press(&mut m, KeyCode::Down);
    let cmds = press(&mut m, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![Cmd::Conflicts(ConflictsCmd::Open {
            form_id: "village".into(),
            village: VILLAGE.into(),
            round: "2020".into(),
        })]
    );
    update(&mut m, Msg::Conflicts(ConflictsMsg::Opened(opened())));
    m
}

fn open(m: &Model) -> &crate::tui::screens::conflicts::Compare {
    m.conflicts.as_ref().unwrap().open.as_ref().expect("open")
}

fn shift_tab() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT))
}

// ------------------------------------------------------------------ update

#[test]
fn c_lists_the_conflicts_and_enter_opens_one() {
    let mut m = compare_model(Lang::Zh);
    assert_eq!(m.screen, Screen::Conflicts);
    assert_eq!(m.contexts()[0], Ctx::Compare);
    let o = open(&m);
    // The version counted for now is on the left.
    assert_eq!(o.left_version().unwrap().candidate.record_id, REC_A);
    assert_ne!(o.right, o.left);
    assert_eq!(o.side, Side::Left);
    press(&mut m, KeyCode::Esc);
    assert_eq!(m.contexts()[0], Ctx::Conflicts, "Esc goes back to the list");
    assert_eq!(
        m.conflicts.as_ref().unwrap().cursor,
        1,
        "on the same conflict"
    );
    press(&mut m, KeyCode::Esc);
    assert_eq!(m.screen, Screen::Home);
    assert_eq!(
        m.home.selected().map(|i| m.home.tree.units[i].code.clone()),
        Some(VILLAGE.to_string()),
        "home shows the village left"
    );
    // `c` again with the cursor on that village starts the list on it (not on the first).
    assert!(m.conflicts.is_none());
    press(&mut m, KeyCode::Char('c'));
    update(
        &mut m,
        Msg::Conflicts(ConflictsMsg::Loaded {
            round: "2020".into(),
            list: list(),
        }),
    );
    let c = m.conflicts.as_ref().unwrap();
    assert_eq!(c.list[c.cursor].village_code, VILLAGE);
}

#[test]
fn tab_cycles_the_right_side_through_the_others_only() {
    let mut m = compare_model(Lang::Zh);
    let left = open(&m).left;
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(open(&m).right);
        update(&mut m, key(KeyCode::Tab));
    }
    assert!(seen.iter().all(|&r| r != left), "{seen:?}");
    assert_eq!(seen[0], seen[2], "two others, in turn: {seen:?}");
    assert_ne!(seen[0], seen[1]);
    assert_eq!(
        open(&m).side,
        Side::Right,
        "the version brought in has the focus"
    );
    update(&mut m, shift_tab());
    assert_eq!(open(&m).right, seen[1]);
    assert_eq!(open(&m).right_position().1, 2, "two others");
    press(&mut m, KeyCode::Left);
    assert_eq!(open(&m).side, Side::Left);
}

#[test]
fn choosing_a_side_asks_then_resolves_with_that_sides_hash() {
    let mut m = compare_model(Lang::Zh);
    press(&mut m, KeyCode::Right);
    let right = open(&m).right_version().unwrap().candidate.clone();
    assert!(press(&mut m, KeyCode::Enter).is_empty(), "asks first");
    let q = m.confirm.as_ref().expect("confirm").question.clone();
    assert!(
        q.contains("右侧") && q.contains(&right.record_id[28..]),
        "{q}"
    );
    assert!(!q.contains('\x1b'), "{q}");
    assert!(press(&mut m, KeyCode::Char('n')).is_empty());
    assert!(m.confirm.is_none());
    press(&mut m, KeyCode::Enter);
    let cmds = press(&mut m, KeyCode::Char('y'));
    assert_eq!(
        cmds,
        vec![Cmd::Conflicts(ConflictsCmd::Resolve(Choice {
            form_id: "village".into(),
            village: VILLAGE.into(),
            round: "2020".into(),
            record_id: right.record_id.clone(),
            rev: 1,
            hash: right.hash.clone(),
            kinds: vec![DUPLICATE],
        }))]
    );
    // The left one is the one counted now: keeping it is a choice too.
    press(&mut m, KeyCode::Left);
    press(&mut m, KeyCode::Enter);
    match press(&mut m, KeyCode::Char('y')).as_slice() {
        [Cmd::Conflicts(ConflictsCmd::Resolve(c))] => {
            assert_eq!((c.record_id.as_str(), c.hash.as_str()), (REC_A, "aaaa1111"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn resolved_reloads_the_list_and_statuses_or_reopens_what_is_left() {
    let mut m = compare_model(Lang::Zh);
    let cmds = update(
        &mut m,
        Msg::Conflicts(ConflictsMsg::Resolved {
            form_id: "village".into(),
            village: VILLAGE.into(),
            round: "2020".into(),
            still_open: false,
        }),
    );
    assert_eq!(
        cmds,
        vec![
            Cmd::Conflicts(ConflictsCmd::Load {
                round: "2020".into()
            }),
            Cmd::LoadStatuses {
                round: "2020".into()
            },
        ]
    );
    assert!(m.conflicts.as_ref().unwrap().open.is_none());
    assert_eq!(m.notice.as_ref().unwrap().kind, NoticeKind::Saved);
    assert!(m.notice.as_ref().unwrap().text.contains("蒋东村委会"));

    let mut m = compare_model(Lang::En);
    let cmds = update(
        &mut m,
        Msg::Conflicts(ConflictsMsg::Resolved {
            form_id: "village".into(),
            village: VILLAGE.into(),
            round: "2020".into(),
            still_open: true,
        }),
    );
    assert_eq!(cmds.len(), 3);
    assert!(matches!(
        &cmds[2],
        Cmd::Conflicts(ConflictsCmd::Open { village, .. }) if village == VILLAGE
    ));
    assert_eq!(m.notice.as_ref().unwrap().kind, NoticeKind::Warn);
}

#[test]
fn scrolling_is_bounded_and_d_shows_only_differences() {
    let mut m = compare_model(Lang::Zh);
    let all = open(&m).rows(Lang::Zh).len();
    for _ in 0..200 {
        press(&mut m, KeyCode::Down);
    }
    // Scrolling stops (rows of two lines make a page between 7 and 15 rows) and the
    // last page is full: the last row at the bottom, not alone at the top.
    assert_eq!(open(&m).scroll, all - 7);
    let last = open(&m).rows(Lang::Zh).last().unwrap().label.clone();
    let shot = render(&m, 80, 24);
    let lines: Vec<&str> = shot.lines().collect();
    assert!(
        lines[lines.len() - 4..]
            .iter()
            .any(|l| l.contains(last.as_str())),
        "{shot}"
    );
    assert!(!lines[8].trim_end_matches('|').trim().is_empty(), "{shot}");
    press(&mut m, KeyCode::PageUp);
    assert!(open(&m).scroll < all - 1);
    press(&mut m, KeyCode::Char('d'));
    let o = open(&m);
    assert!(o.diff_only);
    assert_eq!(o.scroll, 0);
    let rows = o.rows(Lang::Zh);
    assert!(rows.len() < all);
    assert!(rows.iter().all(|r| r.heading || r.differs));
}

#[test]
fn kinds_follow_the_question() {
    let a1 = cand(REC_A, "a1", "x", "t", true);
    let a2 = cand(REC_A, "a2", "x", "t", false);
    let b = cand(REC_B, "b", "x", "t", false);
    let fork_only = [a1.clone(), a2.clone()];
    let dup_only = [a1.clone(), b.clone()];
    let both = [a1.clone(), a2.clone(), b.clone()];
    let rec = Question::Record;
    assert_eq!(kinds_for(&rec, &fork_only, &a2), vec![FORK]);
    assert_eq!(kinds_for(&rec, &dup_only, &b), vec![DUPLICATE]);
    assert_eq!(kinds_for(&rec, &both, &a2), vec![FORK, DUPLICATE]);
    assert_eq!(kinds_for(&rec, &both, &b), vec![DUPLICATE]);
    let ver = Question::Version {
        record_id: REC_A.into(),
    };
    assert_eq!(kinds_for(&ver, &both, &a1), vec![FORK]);
}

#[test]
fn comparison_marks_exactly_the_fields_that_differ() {
    let o = opened();
    let (b, a, c) = (&o.versions[0], &o.versions[1], &o.versions[2]);
    let rows = compare(a, b, Lang::Zh);
    let differing: Vec<&str> = rows
        .iter()
        .filter(|r| r.differs)
        .map(|r| r.label.as_str())
        .collect();
    assert_eq!(differing.len(), 3, "{differing:?}");
    let households = rows.iter().find(|r| r.differs && r.right == "210").unwrap();
    assert_eq!(households.left, "200");
    let funding = rows
        .iter()
        .find(|r| r.differs && r.left == "否")
        .expect("yes/no shown as 是/否");
    assert_eq!(funding.right, "是");
    assert!(
        rows.iter()
            .any(|r| r.differs && r.left == "张三" && r.right == "李四")
    );
    // Unanswered reads as a dash; the same farm row (same id) compared field by field.
    assert!(rows.iter().any(|r| !r.differs && r.left == "—"));
    assert!(
        rows.iter()
            .any(|r| r.label.starts_with("#1 ") && r.left == "兴旺养殖场" && !r.differs)
    );
    // A farm only the right side has: the row count and its fields differ.
    let rows = compare(a, c, Lang::En);
    assert!(
        rows.iter()
            .any(|r| r.differs && r.left == "1 row" && r.right == "2 rows")
    );
    assert!(rows.iter().any(|r| r.differs
        && r.label.starts_with("#2 ")
        && r.left.is_empty()
        && r.right == "Li farm"));
    let only = only_differences(rows.clone());
    assert!(only.iter().all(|r| r.heading || r.differs));
    // A heading is kept only above differences.
    for w in only.windows(2) {
        assert!(!(w[0].heading && w[1].heading), "{only:?}");
    }
    assert!(!only.last().unwrap().heading);
}

// ------------------------------------------------------------------ effects

fn start(dir: &std::path::Path) -> (Model, Effects) {
    let (mut m, mut fx, cmds) = prepare(TuiOptions {
        data_dir: dir.to_path_buf(),
        forms: FormSet::builtin(),
        lang: Some(Lang::Zh),
        surveyor: Some("镇审核员".into()),
        edit: None,
    })
    .expect("prepare");
    pump(&mut m, &mut fx, vec![Msg::Resize(80, 24)], cmds);
    (m, fx)
}

fn send(m: &mut Model, fx: &mut Effects, code: KeyCode) {
    pump(m, fx, vec![key(code)], Vec::new());
}

/// A record of the village finalized in this store.
fn finalized(fx: &mut Effects, village: &str, households: i64) -> Revision {
    let form = form();
    let data = record_data(households, "张三");
    let id = fx
        .store
        .create_record(&form, village, "2020", "张三", &RecordData::default())
        .unwrap();
    for (k, v) in &data.values {
        fx.store.set_draft_value(&id, None, k, v, "张三").unwrap();
    }
    match fx.store.finalize(&id, &form, "张三").unwrap() {
        FinalizeResult::Finalized(r) => *r,
        FinalizeResult::Blocked(issues) => panic!("{issues:?}"),
    }
}

/// The same record, revision 1, with other content (another installation's edit).
fn fork_of(fx: &mut Effects, r: &Revision, households: i64) -> Revision {
    let mut f = r.clone();
    f.data.set("households", Value::Int(households));
    f.finalized_by = "李四".into();
    fx.store.merge_revision(&f, &form()).unwrap();
    f
}

/// Another record for the same village, finalized earlier.
fn duplicate_of(fx: &mut Effects, r: &Revision, id: &str, households: i64) -> Revision {
    let mut d = r.clone();
    d.record_id = id.into();
    d.finalized_at = "2020-06-01T09:00:00+08:00".into();
    d.finalized_by = "王五".into();
    d.data.set("households", Value::Int(households));
    fx.store.merge_revision(&d, &form()).unwrap();
    d
}

/// (kind, record, hash, who) of every resolution stored.
fn resolutions(fx: &Effects) -> Vec<(String, String, String, String)> {
    let mut stmt = fx
        .store
        .conn()
        .prepare("SELECT kind, record_id, hash, who FROM resolutions ORDER BY at, kind")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The denominator of harmless toilets for the village in its township's roll-up: the
/// households of the record that counts.
fn rolled_up_households(fx: &Effects, village: &str) -> f64 {
    let d = fx.dashboard(TOWNSHIP, "2020").unwrap();
    let unit = d
        .report
        .units
        .iter()
        .find(|u| u.code == village)
        .expect("village in the roll-up");
    unit.indicator("toilet_harmless").unwrap().denominator
}

fn households(v: &Version) -> Value {
    v.data.get("households").clone()
}

#[test]
fn keeping_one_fork_writes_its_hash_and_the_conflict_leaves() {
    let dir = tempfile::tempdir().unwrap();
    let (mut m, mut fx) = start(dir.path());
    let r = finalized(&mut fx, VILLAGE, 200);
    fork_of(&mut fx, &r, 300);
    assert_eq!(fx.store.open_conflicts(Some("2020")).unwrap().len(), 1);
    pump(
        &mut m,
        &mut fx,
        vec![],
        vec![Cmd::LoadStatuses {
            round: "2020".into(),
        }],
    );
    assert_eq!(m.home.status(VILLAGE), RecordStatus::Conflict);

    send(&mut m, &mut fx, KeyCode::Char('c'));
    assert_eq!(m.conflicts.as_ref().unwrap().list.len(), 1);
    send(&mut m, &mut fx, KeyCode::Enter);
    let o = open(&m);
    assert_eq!(
        o.conflict.question,
        Question::Version {
            record_id: r.record_id.clone()
        },
        "one record, two versions of it"
    );
    assert_eq!(o.versions().len(), 2);
    let right = o.right_version().unwrap().clone();
    assert!(!right.candidate.counted, "the other one is on the right");
    send(&mut m, &mut fx, KeyCode::Right);
    send(&mut m, &mut fx, KeyCode::Enter);
    assert!(resolutions(&fx).is_empty(), "nothing before y");
    send(&mut m, &mut fx, KeyCode::Char('y'));

    assert_eq!(
        resolutions(&fx),
        vec![(
            "fork".into(),
            r.record_id.clone(),
            right.candidate.hash.clone(),
            "镇审核员".into()
        )]
    );
    let counted = fx
        .store
        .counted("village", VILLAGE, "2020")
        .unwrap()
        .unwrap();
    assert_eq!(counted.hash, right.candidate.hash);
    assert!(counted.resolved);
    assert!(fx.store.open_conflicts(Some("2020")).unwrap().is_empty());
    let c = m.conflicts.as_ref().unwrap();
    assert!(
        c.list.is_empty() && c.open.is_none(),
        "back on an empty list"
    );
    assert_eq!(m.home.status(VILLAGE), RecordStatus::Finalized);
    let Value::Int(h) = households(&right) else {
        panic!()
    };
    assert_eq!(rolled_up_households(&fx, VILLAGE), h as f64);
}

#[test]
fn keeping_the_older_duplicate_makes_it_count() {
    let dir = tempfile::tempdir().unwrap();
    let (mut m, mut fx) = start(dir.path());
    let r = finalized(&mut fx, VILLAGE, 200);
    let dup = duplicate_of(&mut fx, &r, REC_B, 180);
    // The latest finalized counts until a person decides.
    assert_eq!(rolled_up_households(&fx, VILLAGE), 200.0);

    send(&mut m, &mut fx, KeyCode::Char('c'));
    send(&mut m, &mut fx, KeyCode::Enter);
    let o = open(&m);
    assert_eq!(o.left_version().unwrap().candidate.record_id, r.record_id);
    assert_eq!(o.right_version().unwrap().candidate.record_id, REC_B);
    send(&mut m, &mut fx, KeyCode::Right);
    send(&mut m, &mut fx, KeyCode::Enter);
    send(&mut m, &mut fx, KeyCode::Char('y'));

    assert_eq!(
        resolutions(&fx),
        vec![(
            "duplicate".into(),
            REC_B.into(),
            dup.hash(),
            "镇审核员".into()
        )]
    );
    assert!(fx.store.open_conflicts(Some("2020")).unwrap().is_empty());
    assert_eq!(rolled_up_households(&fx, VILLAGE), 180.0);
    assert_eq!(m.home.status(VILLAGE), RecordStatus::Finalized);
    let recs = fx.store.records_of("village", VILLAGE, "2020").unwrap();
    assert!(recs.iter().find(|x| x.record_id == REC_B).unwrap().counts);
}

#[test]
fn a_duplicate_with_a_forked_other_record_asks_both_questions() {
    let dir = tempfile::tempdir().unwrap();
    let (mut m, mut fx) = start(dir.path());
    let r = finalized(&mut fx, VILLAGE, 200);
    let fork = fork_of(&mut fx, &r, 300);
    let dup = duplicate_of(&mut fx, &r, REC_B, 180);

    send(&mut m, &mut fx, KeyCode::Char('c'));
    send(&mut m, &mut fx, KeyCode::Enter);
    assert_eq!(open(&m).versions().len(), 3);
    // Bring the other record to the right and keep it.
    for _ in 0..3 {
        if open(&m).right_version().unwrap().candidate.record_id == REC_B {
            break;
        }
        send(&mut m, &mut fx, KeyCode::Tab);
    }
    assert_eq!(open(&m).side, Side::Right);
    send(&mut m, &mut fx, KeyCode::Enter);
    send(&mut m, &mut fx, KeyCode::Char('y'));
    assert_eq!(
        rolled_up_households(&fx, VILLAGE),
        180.0,
        "it counts already"
    );

    // The first record's two versions are still a question: it comes back by itself.
    assert_eq!(m.notice.as_ref().unwrap().kind, NoticeKind::Warn);
    let o = open(&m);
    assert_eq!(
        o.conflict.question,
        Question::Version {
            record_id: r.record_id.clone()
        }
    );
    assert_eq!(o.versions().len(), 2);
    assert!(
        o.versions()
            .iter()
            .all(|v| v.candidate.record_id == r.record_id)
    );
    // Keep the forked edit (300 households) as the true version of that record.
    let side = if households(o.left_version().unwrap()) == Value::Int(300) {
        KeyCode::Left
    } else {
        KeyCode::Right
    };
    send(&mut m, &mut fx, side);
    send(&mut m, &mut fx, KeyCode::Enter);
    send(&mut m, &mut fx, KeyCode::Char('y'));

    let kinds: Vec<(String, String, String)> = resolutions(&fx)
        .into_iter()
        .map(|(k, rec, h, _)| (k, rec, h))
        .collect();
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    assert!(kinds.contains(&("duplicate".into(), REC_B.into(), dup.hash())));
    assert!(kinds.contains(&("fork".into(), r.record_id.clone(), fork.hash())));
    assert!(fx.store.open_conflicts(Some("2020")).unwrap().is_empty());
    assert_eq!(
        rolled_up_households(&fx, VILLAGE),
        180.0,
        "the record chosen first still counts"
    );
    assert!(m.conflicts.as_ref().unwrap().list.is_empty());
    assert_eq!(m.notice.as_ref().unwrap().kind, NoticeKind::Saved);
}

// ------------------------------------------------------------------ snapshots

fn check_snapshots(name: &str, make: impl Fn(Lang) -> Model) {
    for lang in [Lang::Zh, Lang::En] {
        let m = make(lang);
        for (w, h) in [(80, 24), (120, 40)] {
            let shot = render(&m, w, h);
            for line in shot.lines() {
                let cells = unicode_width::UnicodeWidthStr::width(line);
                assert_eq!(cells, w as usize + 1, "{name} {lang:?} {w}: {line}");
            }
            assert!(!shot.contains('\x1b'), "{shot}");
            insta::assert_snapshot!(format!("{name}_{}_{w}x{h}", lang.code()), shot);
        }
    }
}

#[test]
fn snapshot_conflicts_list() {
    check_snapshots("conflicts_list", conflicts_model);
}

#[test]
fn snapshot_compare_side_by_side() {
    check_snapshots("conflicts_compare", |lang| {
        let mut m = compare_model(lang);
        press(&mut m, KeyCode::Right);
        m
    });
}

#[test]
fn snapshot_compare_differences_only_third_version() {
    check_snapshots("conflicts_compare_diff", |lang| {
        let mut m = compare_model(lang);
        press(&mut m, KeyCode::Tab);
        press(&mut m, KeyCode::Char('d'));
        m
    });
}

#[test]
fn snapshot_compare_versions_of_one_record() {
    check_snapshots("conflicts_versions", |lang| {
        let mut m = compare_model(lang);
        let mut o = opened();
        o.question = Question::Version {
            record_id: REC_B.into(),
        };
        o.versions.truncate(1);
        let mut other = o.versions[0].clone();
        other.candidate.hash = "eeee5555".into();
        other.candidate.finalized_by = "赵六".into();
        other.data.set("population", Value::Int(770));
        o.versions.push(other);
        update(&mut m, Msg::Conflicts(ConflictsMsg::Opened(o)));
        m
    });
}

#[test]
fn snapshot_compare_confirm() {
    check_snapshots("conflicts_confirm", |lang| {
        let mut m = compare_model(lang);
        press(&mut m, KeyCode::Right);
        press(&mut m, KeyCode::Enter);
        m
    });
}

#[test]
fn small_terminals_do_not_break_the_screens() {
    let screens: Vec<Model> = vec![
        conflicts_model(Lang::Zh),
        compare_model(Lang::Zh),
        compare_model(Lang::En),
    ];
    for m in &screens {
        for (w, h) in [(20, 5), (40, 10), (50, 12), (60, 16), (79, 23)] {
            let shot = render(m, w, h);
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
            // The way back is always on the footer.
            assert!(footer.contains("Esc"), "{w}x{h}: no Esc:\n{shot}");
        }
    }
}
