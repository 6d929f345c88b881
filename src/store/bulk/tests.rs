//! The bulk path must give the same database as merging revision by revision.

use super::super::{InsertOutcome, Resolution, Revision, Store};
use crate::forms::FormSet;
use crate::forms::record::RecordData;
use crate::forms::value::Value;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn open() -> (tempfile::TempDir, Store, FormSet) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    // Hundreds of stores: durability is not what these tests check, fsyncs only slow them.
    store
        .conn()
        .pragma_update(None, "synchronous", "OFF")
        .unwrap();
    let set = FormSet::builtin();
    // A small register, quick to load 300 times: one village out of scope, and one of the
    // villages with records (411023100201) not in it at all.
    store.load_register(&register(false)).unwrap();
    store.ensure_form(set.village_form()).unwrap();
    (dir, store, set)
}

fn register(all_in_scope: bool) -> crate::register::Register {
    let text = format!(
        "code,name,parent_code,level,in_scope
411000000000,许昌市,410000000000,city,
411003000000,建安区,411000000000,county,
411003003000,邓庄街道,411003000000,township,
411003003204,甲村委会,411003003000,village,
411003003205,乙村委会,411003003000,village,
411003003206,丙村委会,411003003000,village,{}
",
        if all_in_scope { "" } else { "0" }
    );
    crate::register::Register::parse("t.csv", &text).unwrap()
}

const VILLAGES: [&str; 4] = [
    "411003003204",
    "411003003205",
    "411003003206",
    "411023100201",
];

/// A random set of facts for a few villages: several records per village (duplicates),
/// several revisions per record, forks (same number, other content), equal timestamps,
/// and resolutions that name present and absent candidates.
fn facts(rng: &mut ChaCha8Rng) -> (Vec<Revision>, Vec<Resolution>) {
    let mut revs = Vec::new();
    let mut res = Vec::new();
    let times = ["2020-06-01T10:00:00+08:00", "2020-06-02T10:00:00+08:00"];
    for (vi, v) in VILLAGES.iter().enumerate() {
        let records = rng.random_range(0..=3);
        for ri in 0..records {
            let record_id = format!("r{vi}{ri}-{}", rng.random_range(0..3));
            if revs.iter().any(|r: &Revision| r.record_id == record_id) {
                continue;
            }
            let top = rng.random_range(1..=3u32);
            for rev in 1..=top {
                let copies = if rng.random_bool(0.3) { 2 } else { 1 };
                for c in 0..copies {
                    let mut data = RecordData::default();
                    data.set("households", Value::Int(rng.random_range(0..100) + c));
                    data.set("toilet_harmless", Value::Int(rng.random_range(0..50)));
                    data.set("garbage_effective", Value::Bool(rng.random_bool(0.5)));
                    revs.push(Revision {
                        record_id: record_id.clone(),
                        rev,
                        parent_hash: None,
                        form_id: "village".into(),
                        form_version: 1,
                        village_code: v.to_string(),
                        round: "2020".into(),
                        finalized_at: times[rng.random_range(0..2)].into(),
                        finalized_by: "张三".into(),
                        data,
                        changes: vec![],
                    });
                }
            }
        }
    }
    for _ in 0..rng.random_range(0..4) {
        if revs.is_empty() {
            break;
        }
        let pick = &revs[rng.random_range(0..revs.len())];
        let kind = if rng.random_bool(0.5) {
            "fork"
        } else {
            "duplicate"
        };
        res.push(Resolution {
            resolution_id: format!("z{}", rng.random_range(0..5)),
            kind: kind.into(),
            form_id: "village".into(),
            village_code: pick.village_code.clone(),
            round: "2020".into(),
            record_id: if rng.random_bool(0.8) {
                pick.record_id.clone()
            } else {
                "absent".into()
            },
            rev: pick.rev,
            hash: if rng.random_bool(0.8) {
                pick.hash()
            } else {
                "0".repeat(64)
            },
            who: "李四".into(),
            at: times[rng.random_range(0..2)].into(),
        });
    }
    (revs, res)
}

fn dump(store: &Store, sql: &str) -> Vec<String> {
    let mut stmt = store.conn().prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        Ok((0..n)
            .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
            .collect::<Vec<_>>()
            .join("|"))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

fn tables(store: &Store) -> Vec<Vec<String>> {
    [
        "SELECT * FROM records ORDER BY 1",
        // Not the id: local bookkeeping, in the order facts arrived (migration 6).
        "SELECT record_id, rev, hash, form_id, form_version, village_code, round, finalized_at,
                finalized_by, content FROM revisions ORDER BY 1, 2, 3",
        "SELECT * FROM contributions ORDER BY 1, 2, 3, 4",
        "SELECT * FROM audit ORDER BY 1, 2, 3, 4",
        "SELECT * FROM current ORDER BY 1, 2, 3",
        "SELECT * FROM township_sums ORDER BY 1, 2, 3, 4",
        "SELECT * FROM township_reported ORDER BY 1, 2, 3",
    ]
    .iter()
    .map(|q| dump(store, q))
    .collect()
}

#[test]
fn bulk_load_equals_merging_one_by_one() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for case in 0..100 {
        let (revs, res) = facts(&mut rng);
        let (_da, mut a, set) = open();
        let (_db, mut b, _) = open();
        let form = set.village_form();
        // One transaction per store: the fsyncs of autocommit would dominate the test.
        let outcomes_a = a
            .transaction(|s| {
                let out = revs
                    .iter()
                    .map(|r| s.merge_revision(r, form))
                    .collect::<super::Result<Vec<_>>>()?;
                for r in &res {
                    s.merge_resolution(r)?;
                }
                Ok(out)
            })
            .unwrap();
        b.transaction(|s| res.iter().try_for_each(|r| s.merge_resolution(r).map(drop)))
            .unwrap();
        let outcomes_b = b
            .bulk_merge("village", "2020", "4110", |load| {
                revs.iter()
                    .map(|r| load.merge(r, form))
                    .collect::<super::Result<Vec<InsertOutcome>>>()
            })
            .unwrap();
        assert_eq!(outcomes_a, outcomes_b, "case {case}");
        assert_eq!(tables(&a), tables(&b), "case {case}: {revs:#?} {res:#?}");
        // Recomputing everything set-based changes nothing.
        a.recompute_current_under("village", "2020", "41").unwrap();
        a.rebuild_township_rollup("village", "2020", "41").unwrap();
        assert_eq!(tables(&a), tables(&b), "case {case}");
        // A scope change in the register rebuilds the township through its trigger.
        a.load_register(&register(true)).unwrap();
        let triggered = tables(&a);
        a.rebuild_township_rollup("village", "2020", "41").unwrap();
        assert_eq!(triggered, tables(&a), "case {case}");
        if revs.iter().any(|r| r.village_code == "411003003206") {
            assert_ne!(triggered, tables(&b), "case {case}: 丙村 now counts");
        }
        // A village with records enters the register: its township through the insert trigger.
        a.load_register(
            &crate::register::Register::parse(
                "t.csv",
                "code,name,parent_code,level
411000000000,许昌市,410000000000,city
411023000000,许昌县,411000000000,county
411023100000,某镇,411023000000,township
411023100201,某村委会,411023100000,village
",
            )
            .unwrap(),
        )
        .unwrap();
        let triggered = tables(&a);
        a.rebuild_township_rollup("village", "2020", "41").unwrap();
        assert_eq!(triggered, tables(&a), "case {case}");
    }
}

#[test]
fn bulk_load_twice_is_unchanged_and_stale_current_rows_go() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let (revs, _) = loop {
        let f = facts(&mut rng);
        if f.0.len() > 3 {
            break f;
        }
    };
    let (_d, mut s, set) = open();
    let form = set.village_form();
    let load = |s: &mut Store| {
        s.bulk_merge("village", "2020", "411", |l| {
            revs.iter()
                .map(|r| l.merge(r, form))
                .collect::<super::Result<Vec<_>>>()
        })
        .unwrap()
    };
    load(&mut s);
    let before = tables(&s);
    assert!(load(&mut s).iter().all(|o| *o == InsertOutcome::Unchanged));
    assert_eq!(tables(&s), before);
    s.conn()
        .execute(
            "INSERT INTO current VALUES ('village', '411003003299', '2020', 'x', 1, 'h', 1, 0, 1)",
            [],
        )
        .unwrap();
    s.recompute_current_under("village", "2020", "411003")
        .unwrap();
    assert_eq!(tables(&s), before);
}

#[test]
fn bulk_load_refuses_other_rounds_and_rolls_back() {
    let (_d, mut s, set) = open();
    let form = set.village_form();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let (mut revs, _) = loop {
        let f = facts(&mut rng);
        if f.0.len() > 1 {
            break f;
        }
    };
    revs[1].round = "2021".into();
    let r = s.bulk_merge("village", "2020", "41", |l| {
        revs.iter()
            .map(|r| l.merge(r, form))
            .collect::<super::Result<Vec<_>>>()
    });
    assert!(r.is_err());
    assert!(
        dump(&s, "SELECT * FROM revisions").is_empty(),
        "rolled back"
    );
}

/// A store at the latest schema holding these revisions and resolutions, merged in one
/// transaction.
fn merged(revs: &[Revision], res: &[Resolution]) -> (tempfile::TempDir, Store, FormSet) {
    let (dir, mut store, set) = open();
    let form = set.village_form();
    store
        .transaction(|s| {
            for r in revs {
                s.merge_revision(r, form)?;
            }
            for r in res {
                s.merge_resolution(r)?;
            }
            Ok(())
        })
        .unwrap();
    (dir, store, set)
}

#[test]
fn a_schema_1_database_migrates_with_the_same_facts_and_township_sums() {
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    let (revs, res) = loop {
        let f = facts(&mut rng);
        if f.0.len() > 4 {
            break f;
        }
    };
    let (_d, latest, _) = merged(&revs, &res);
    // The same rows in a database written by schema 1 (migration 1 only).
    let old_dir = tempfile::tempdir().unwrap();
    {
        let mut conn =
            rusqlite::Connection::open(old_dir.path().join(super::super::DB_FILE)).unwrap();
        rusqlite_migration::Migrations::new(vec![rusqlite_migration::M::up(include_str!(
            "../schema.sql"
        ))])
        .to_latest(&mut conn)
        .unwrap();
        conn.pragma_update(None, "application_id", super::super::APPLICATION_ID)
            .unwrap();
        let db = latest.path().display().to_string().replace('\'', "''");
        conn.execute_batch(&format!(
            "ATTACH DATABASE '{db}' AS l;
             INSERT INTO settings SELECT * FROM l.settings;
             INSERT INTO divisions SELECT * FROM l.divisions;
             INSERT INTO form_versions SELECT * FROM l.form_versions;
             INSERT INTO records SELECT * FROM l.records;
             INSERT INTO revisions SELECT record_id, rev, hash, form_id, form_version,
               village_code, round, finalized_at, finalized_by, content FROM l.revisions;
             INSERT INTO contributions SELECT * FROM l.contributions;
             INSERT INTO audit SELECT * FROM l.audit;
             INSERT INTO resolutions SELECT * FROM l.resolutions;
             INSERT INTO current SELECT * FROM l.current;
             DETACH DATABASE l;"
        ))
        .unwrap();
    }
    let migrated = Store::open(old_dir.path()).unwrap();
    let v: i64 = migrated
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, super::super::schema_version());
    assert_eq!(tables(&migrated), tables(&latest));
    assert!(
        !dump(&migrated, "SELECT * FROM township_sums").is_empty(),
        "the backfill found the in-scope villages"
    );
}

/// Migration 6 moves the contributions to `contribution_terms`, keyed by the revision's
/// id. A database of the previous schema (5), holding forks, duplicates, resolutions and a
/// returned revision, upgrades in place with every fact, every contribution and every
/// figure as it was; its revisions were stored in another order than here, so the ids
/// differ, and the contributions must follow their revision, not its position.
#[test]
fn a_schema_5_database_migrates_to_contributions_by_revision_with_the_same_figures() {
    use super::super::{Review, ReviewAction};
    let mut rng = ChaCha8Rng::seed_from_u64(33);
    let mut cases = 0;
    while cases < 8 {
        let (revs, res) = facts(&mut rng);
        if revs.len() < 4 {
            continue;
        }
        cases += 1;
        let (_d, mut latest, set) = merged(&revs, &res);
        let form = set.village_form();
        // A returned revision stops counting: the figures depend on the reviews too.
        let counted: Vec<(String, u32, String)> = {
            let mut stmt = latest
                .conn()
                .prepare("SELECT record_id, rev, hash FROM current ORDER BY village_code")
                .unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        if let Some((record_id, rev, hash)) = counted.first() {
            latest
                .merge_review(&Review {
                    review_id: "v1".into(),
                    record_id: record_id.clone(),
                    rev: *rev,
                    hash: hash.clone(),
                    action: ReviewAction::Return,
                    comment: "重填".into(),
                    who: "王五".into(),
                    at: "2020-07-01T10:00:00+08:00".into(),
                })
                .unwrap();
        }
        let sums = dump(&latest, "SELECT * FROM township_sums ORDER BY 1, 2, 3, 4");
        let expected = latest.canonical_dump().unwrap();

        // The same facts in a database made by migrations 1 to 5, revisions stored in
        // reverse order of their key (so rowids differ from the ids here).
        let old_dir = tempfile::tempdir().unwrap();
        {
            let mut conn =
                rusqlite::Connection::open(old_dir.path().join(super::super::DB_FILE)).unwrap();
            rusqlite_migration::Migrations::new(vec![
                rusqlite_migration::M::up(include_str!("../schema.sql")),
                rusqlite_migration::M::up(include_str!("../schema_2_rollup.sql")),
                rusqlite_migration::M::up(include_str!("../schema_3_revisions_rowid.sql")),
                rusqlite_migration::M::up(include_str!("../schema_4_counted.sql")),
                rusqlite_migration::M::up(include_str!("../schema_5_imports_per_signer.sql")),
            ])
            .to_latest(&mut conn)
            .unwrap();
            let v: i64 = conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(v, 5);
            conn.pragma_update(None, "application_id", super::super::APPLICATION_ID)
                .unwrap();
            let db = latest.path().display().to_string().replace('\'', "''");
            conn.execute_batch(&format!(
                "ATTACH DATABASE '{db}' AS l;
                 INSERT INTO settings SELECT * FROM l.settings;
                 INSERT INTO divisions SELECT * FROM l.divisions;
                 INSERT INTO form_versions SELECT * FROM l.form_versions;
                 INSERT INTO records SELECT * FROM l.records;
                 INSERT INTO revisions SELECT record_id, rev, hash, form_id, form_version,
                   village_code, round, finalized_at, finalized_by, content FROM l.revisions
                   ORDER BY record_id DESC, rev DESC, hash DESC;
                 INSERT INTO contributions SELECT * FROM l.contributions;
                 INSERT INTO audit SELECT * FROM l.audit;
                 INSERT INTO reviews SELECT * FROM l.reviews;
                 INSERT INTO resolutions SELECT * FROM l.resolutions;
                 INSERT INTO current SELECT * FROM l.current;
                 DELETE FROM township_sums;
                 DELETE FROM township_reported;
                 INSERT INTO township_sums SELECT * FROM l.township_sums;
                 INSERT INTO township_reported SELECT * FROM l.township_reported;
                 DETACH DATABASE l;"
            ))
            .unwrap();
            let terms: i64 = conn
                .query_row("SELECT count(*) FROM contributions", [], |r| r.get(0))
                .unwrap();
            assert!(terms > 0);
        }
        let mut migrated = Store::open(old_dir.path()).unwrap();
        let v: i64 = migrated
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, super::super::schema_version());
        // Every fact, every contribution (through the view) and every figure as before.
        assert_eq!(migrated.canonical_dump().unwrap(), expected, "case {cases}");
        // The sums rebuilt from the migrated contributions are the same: each term went
        // to its own revision.
        migrated
            .rebuild_township_rollup("village", "2020", "41")
            .unwrap();
        assert_eq!(
            dump(&migrated, "SELECT * FROM township_sums ORDER BY 1, 2, 3, 4"),
            sums,
            "case {cases}"
        );
        assert_eq!(migrated.canonical_dump().unwrap(), expected, "case {cases}");
        // Each term names a revision that exists, and the ids are not the rowids of the
        // latest database (the mapping went by key, not by position).
        let orphans: i64 = migrated
            .conn()
            .query_row(
                "SELECT count(*) FROM contribution_terms t
                 WHERE NOT EXISTS (SELECT 1 FROM revisions r WHERE r.id = t.revision)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(orphans, 0);
        let ids = |s: &Store| {
            dump(
                s,
                "SELECT record_id, rev, hash, id FROM revisions ORDER BY record_id, rev, hash",
            )
        };
        if revs.len() > 1 {
            assert_ne!(ids(&migrated), ids(&latest), "case {cases}");
        }
        // New revisions after the upgrade get their own ids and contributions.
        let mut more = revs[0].clone();
        more.rev = 9;
        migrated.merge_revision(&more, form).unwrap();
        let n: i64 = migrated
            .conn()
            .query_row(
                "SELECT count(*) FROM contributions WHERE record_id = ?1 AND rev = 9",
                [&more.record_id],
                |r| r.get(0),
            )
            .unwrap();
        assert!(n > 0);
    }
}
