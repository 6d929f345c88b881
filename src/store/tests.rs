use super::*;
use crate::forms::FormSet;
use crate::forms::record::RecordData;
use crate::forms::value::Value;
use crate::register::Register;

fn open() -> (tempfile::TempDir, Store, FormSet) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let set = FormSet::builtin();
    let reg = Register::parse(&set.registers[0].0, &set.registers[0].1).unwrap();
    store.load_register(&reg).unwrap();
    (dir, store, set)
}

const VILLAGE: &str = "411003003204";

fn fill(store: &mut Store, set: &FormSet, id: &str) {
    let form = set.village_form();
    for (k, v) in [
        ("survey_date", "2020-06-15"),
        ("surveyor", "张三"),
        ("households", "200"),
        ("population", "760"),
        ("garbage_facilities", "yes"),
        ("garbage_technology", "yes"),
        ("garbage_cleaners", "yes"),
        ("garbage_funding", "yes"),
        ("garbage_supervision", "no"),
        ("toilet_three_compartment", "100"),
        ("toilet_double_urn", "0"),
        ("toilet_biogas", "0"),
        ("toilet_urine_diverting", "0"),
        ("toilet_double_pit", "0"),
        ("toilet_sewered_flush", "50"),
        ("toilet_other_sanitary", "10"),
        ("sewage_mode", "none"),
        ("sewage_controlled", "no"),
        ("manure_scattered_produced_t", "10"),
        ("manure_scattered_utilized_t", "5"),
    ] {
        let v = crate::forms::record::parse_input(form.field(k).unwrap(), v).unwrap();
        store.set_draft_value(id, None, k, &v, "张三").unwrap();
    }
}

#[test]
fn pragmas_are_set() {
    let (_d, store, _) = open();
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = store
        .conn()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sync, 2, "FULL");
    let fk: i64 = store
        .conn()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    let app: i32 = store
        .conn()
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app, APPLICATION_ID);
}

#[test]
fn migrations_validate() {
    assert!(migrations().validate().is_ok());
}

#[test]
fn newer_database_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()).unwrap());
    let path = dir.path().join(DB_FILE);
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(dir.path()).err().unwrap();
    assert!(err.to_string().contains("newer version"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(!dir.path().join("ruralenv.db-wal").exists());
}

#[test]
fn draft_finalize_edit_and_audit() {
    let (_d, mut store, set) = open();
    let form = set.village_form();
    let id = store
        .create_record(form, VILLAGE, "2020", "张三", &RecordData::default())
        .unwrap();
    fill(&mut store, &set, &id);
    // Missing nothing now; but break one constraint to see it block.
    store
        .set_draft_value(&id, None, "toilet_other_sanitary", &Value::Int(100), "张三")
        .unwrap();
    match store.finalize(&id, form, "张三").unwrap() {
        FinalizeResult::Blocked(issues) => {
            assert_eq!(issues.len(), 1);
            assert_eq!(issues[0].path.field, "toilet_sanitary");
        }
        FinalizeResult::Finalized(_) => panic!("should block"),
    }
    store
        .set_draft_value(&id, None, "toilet_other_sanitary", &Value::Int(10), "张三")
        .unwrap();
    let FinalizeResult::Finalized(r1) = store.finalize(&id, form, "张三").unwrap() else {
        panic!("blocked")
    };
    assert_eq!(r1.rev, 1);
    assert_eq!(r1.data.get("toilet_harmless"), &Value::Int(150));
    // Finalized: no draft, so a field write is refused.
    assert!(
        store
            .set_draft_value(&id, None, "households", &Value::Int(1), "x")
            .is_err()
    );
    let recs = store.records_of("village", VILLAGE, "2020").unwrap();
    assert_eq!(recs[0].status, RecordStatus::Finalized);
    assert!(recs[0].counts);

    store.start_revision(&id, "李四").unwrap();
    store
        .set_draft_value(&id, None, "garbage_supervision", &Value::Bool(true), "李四")
        .unwrap();
    let FinalizeResult::Finalized(r2) = store.finalize(&id, form, "李四").unwrap() else {
        panic!("blocked")
    };
    assert_eq!(r2.rev, 2);
    assert_eq!(r2.parent_hash.as_deref(), Some(r1.hash().as_str()));
    let trail = store.audit_trail(&id).unwrap();
    let rev2: Vec<_> = trail.iter().filter(|t| t.rev == 2).collect();
    let fields: Vec<&str> = rev2.iter().map(|t| t.field.as_str()).collect();
    assert_eq!(fields, vec!["garbage_effective", "garbage_supervision"]);
    assert_eq!(rev2[1].old, Value::Bool(false));
    assert_eq!(rev2[1].new, Value::Bool(true));
    assert_eq!(rev2[1].who, "李四");
    // The first revision is still there, unchanged.
    assert_eq!(store.revision(&id, 1, &r1.hash()).unwrap().unwrap(), *r1);
    assert_eq!(store.current_revision(&id).unwrap().unwrap(), *r2);
}

#[test]
fn forks_and_duplicates_resolve_deterministically() {
    let (_d, mut store, set) = open();
    let form = set.village_form().clone();
    let id = store
        .create_record(&form, VILLAGE, "2020", "a", &RecordData::default())
        .unwrap();
    fill(&mut store, &set, &id);
    let FinalizeResult::Finalized(r1) = store.finalize(&id, &form, "a").unwrap() else {
        panic!()
    };
    let mut fork = r1.clone();
    fork.data.set("households", Value::Int(300));
    fork.finalized_by = "b".into();
    assert_eq!(
        store.merge_revision(&fork, &form).unwrap(),
        InsertOutcome::Fork
    );
    assert_eq!(
        store.merge_revision(&fork, &form).unwrap(),
        InsertOutcome::Unchanged
    );
    let smallest = std::cmp::min(r1.hash(), fork.hash());
    assert_eq!(
        store.current_revision(&id).unwrap().unwrap().hash(),
        smallest
    );
    assert_eq!(store.open_conflicts(None).unwrap().len(), 1);
    let other = if smallest == r1.hash() {
        fork.hash()
    } else {
        r1.hash()
    };
    store.resolve("fork", &id, 1, &other, "clerk").unwrap();
    assert_eq!(store.current_revision(&id).unwrap().unwrap().hash(), other);
    assert!(store.open_conflicts(None).unwrap().is_empty());

    // A duplicate record of the same village.
    let mut dup = r1.clone();
    dup.record_id = "00000000-0000-0000-0000-000000000000".into();
    dup.finalized_at = "2000-01-01T00:00:00+08:00".into();
    assert_eq!(
        store.merge_revision(&dup, &form).unwrap(),
        InsertOutcome::New
    );
    let recs = store.records_of("village", VILLAGE, "2020").unwrap();
    assert_eq!(recs.len(), 2);
    let counted: Vec<_> = recs
        .iter()
        .filter(|r| r.counts)
        .map(|r| r.record_id.clone())
        .collect();
    assert_eq!(counted, vec![id.clone()], "latest finalized counts");
    assert!(recs.iter().all(|r| r.status == RecordStatus::Conflict));
    store
        .resolve("duplicate", &dup.record_id, 1, &dup.hash(), "clerk")
        .unwrap();
    let recs = store.records_of("village", VILLAGE, "2020").unwrap();
    assert!(
        recs.iter()
            .find(|r| r.record_id == dup.record_id)
            .unwrap()
            .counts
    );
}

#[test]
fn reviews_set_status() {
    let (_d, mut store, set) = open();
    let form = set.village_form();
    let id = store
        .create_record(form, VILLAGE, "2020", "a", &RecordData::default())
        .unwrap();
    fill(&mut store, &set, &id);
    store.finalize(&id, form, "a").unwrap();
    store
        .add_review(&id, ReviewAction::Return, "户数与台账不符", "clerk")
        .unwrap();
    let r = &store.records_of("village", VILLAGE, "2020").unwrap()[0];
    assert_eq!(r.status, RecordStatus::Returned);
    assert_eq!(r.return_comment.as_deref(), Some("户数与台账不符"));
    let st = store.village_statuses("village", "2020").unwrap();
    assert_eq!(st[VILLAGE], RecordStatus::Returned);
}

#[test]
fn group_rows_in_drafts() {
    let (_d, mut store, set) = open();
    let form = set.village_form();
    let id = store
        .create_record(form, VILLAGE, "2020", "a", &RecordData::default())
        .unwrap();
    let r1 = store.add_draft_row(&id, "farms").unwrap();
    let r2 = store.add_draft_row(&id, "farms").unwrap();
    store
        .set_draft_value(&id, Some(("farms", &r2)), "head_count", &Value::Int(7), "a")
        .unwrap();
    store
        .set_draft_value(&id, Some(("farms", &r1)), "head_count", &Value::Int(3), "a")
        .unwrap();
    let d = store.draft_data(&id).unwrap();
    let heads: Vec<_> = d
        .rows("farms")
        .iter()
        .map(|r| r.values["head_count"].clone())
        .collect();
    assert_eq!(heads, vec![Value::Int(3), Value::Int(7)]);
    store.delete_draft_row(&id, "farms", &r1).unwrap();
    assert_eq!(store.draft_data(&id).unwrap().rows("farms").len(), 1);
}
