//! Export and import through the library: round trips, idempotence, authenticity, damage,
//! hostile content signed by a trusted key, duplicates and forks.

mod bundle_support;

use bundle_support::*;
use ruralenv::bundle::exchange::{ImportErrorKind, Progress, import_bundle_with_limits};
use ruralenv::bundle::format::{BundleErrorKind, Limits, Manifest, open_bundle};
use ruralenv::bundle::keys::{InstallationKey, fingerprint};
use ruralenv::store::ReviewAction;
use serde_json::{Value, json};
use std::fs;
use std::path::{Path, PathBuf};

fn kind(e: &ruralenv::bundle::exchange::ImportError) -> &ImportErrorKind {
    e.kind()
}

/// A county that trusts `key` for township A.
fn county_trusting(key: &InstallationKey) -> Site {
    let mut county = Site::new(50);
    county.trust(key, TOWNSHIP_A, "邓庄街道 调查员");
    county
}

/// Asserts that importing `path` into `site` fails, changes nothing and logs nothing;
/// returns the message.
fn refused(site: &mut Site, path: &Path) -> String {
    let before = site.state();
    let bundle_id = open_bundle(path, &Limits::default())
        .ok()
        .map(|b| b.manifest.bundle_id);
    let err = site.import(path).expect_err("the bundle was accepted");
    assert_eq!(
        site.state(),
        before,
        "a refused bundle changed the database"
    );
    if let Some(id) = bundle_id {
        assert_eq!(site.store.imported_bundle(&id).unwrap(), None);
    }
    let message = err.to_string();
    assert!(
        message.contains(&path.display().to_string()),
        "the message does not name the file: {message}"
    );
    assert!(
        !message.chars().any(|c| c.is_control() && c != '\n'),
        "control characters in the message: {message:?}"
    );
    message
}

#[test]
fn import_gives_the_exporters_facts_and_is_idempotent() {
    let t = tempfile::tempdir().unwrap();
    let (source, path) = sample_bundle(1, t.path());
    let mut county = county_trusting(&source.key);
    let mut progress: Vec<Progress> = Vec::new();
    let summary = ruralenv::bundle::exchange::import_bundle(&mut county.store, &path, &mut |p| {
        progress.push(p)
    })
    .unwrap();
    assert!(!summary.already_imported);
    assert_eq!(summary.revisions_new, 6);
    assert_eq!(summary.revisions_updated, 0);
    assert_eq!(summary.revisions_unchanged, 0);
    assert_eq!(summary.reviews_new, 1);
    assert_eq!(summary.villages, 6);
    assert_eq!(summary.forks + summary.duplicates, 0);
    assert_eq!(summary.trusted_name, "邓庄街道 调查员");
    assert_eq!(summary.claimed_name, "test site");
    assert_eq!(summary.fingerprint, source.key.fingerprint());
    assert_eq!(
        progress.last(),
        Some(&Progress {
            done: summary.facts,
            total: summary.facts
        })
    );
    // The county now holds exactly the surveyor's facts.
    assert_eq!(county.state(), source.state());
    assert_eq!(county.report(COUNTY), source.report(COUNTY));

    // The same file again: "already imported", nothing changes.
    let again = county.import(&path).unwrap();
    assert!(again.already_imported);
    assert_eq!(county.state(), source.state());

    // Another export of the same facts is another bundle, and changes nothing either.
    let second = t.path().join("second.renv");
    source.export(TOWNSHIP_A, &second);
    let summary = county.import(&second).unwrap();
    assert!(!summary.already_imported);
    assert_eq!(summary.revisions_unchanged, 6);
    assert_eq!(summary.revisions_new + summary.revisions_updated, 0);
    assert_eq!(summary.reviews_unchanged, 1);
    assert_eq!(county.state(), source.state());
}

#[test]
fn merging_a_bundle_into_itself_changes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let (mut site, path) = sample_bundle(2, t.path());
    let key = InstallationKey::from_seed([2; 32]);
    site.trust(&key, TOWNSHIP_A, "myself");
    let before = site.state();
    let summary = site.import(&path).unwrap();
    assert_eq!(summary.revisions_unchanged, 6);
    assert_eq!(summary.revisions_new + summary.revisions_updated, 0);
    assert_eq!(site.state(), before);
}

#[test]
fn unknown_and_removed_keys_are_refused_with_the_command_to_trust() {
    let t = tempfile::tempdir().unwrap();
    let (source, path) = sample_bundle(3, t.path());
    let mut county = Site::new(51);
    let message = refused(&mut county, &path);
    assert!(matches!(
        kind(&county.import(&path).unwrap_err()),
        ImportErrorKind::UnknownKey { .. }
    ));
    assert!(message.contains(&source.key.fingerprint()), "{message}");
    assert!(
        message.contains(&format!(
            "ruralenv trust add {} --scope {TOWNSHIP_A} --name 'test site'",
            source.key.public_hex()
        )),
        "{message}"
    );

    // Trusted, imported, then removed: the next bundle is refused again.
    county.trust(&source.key, TOWNSHIP_A, "surveyor");
    county.import(&path).unwrap();
    assert!(county.store.untrust_key(&source.key.public_hex()).unwrap());
    let next = t.path().join("next.renv");
    source.export(TOWNSHIP_A, &next);
    let message = refused(&mut county, &next);
    assert!(message.contains("does not trust"), "{message}");
}

fn first_revision(facts: &mut [Value]) -> &mut Value {
    facts.iter_mut().find(|f| f["kind"] == "revision").unwrap()
}

#[test]
fn tampering_and_moved_signatures_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let (source, path) = sample_bundle(4, t.path());
    let mut county = county_trusting(&source.key);
    let original = fs::read(&path).unwrap();

    // Payload changed after signing.
    let mut changed = original.clone();
    let at = changed.len() - 100;
    changed[at] ^= 0x20;
    let p = t.path().join("changed.renv");
    fs::write(&p, &changed).unwrap();
    let message = refused(&mut county, &p);
    assert!(message.contains("signature does not match"), "{message}");

    // The signature of another bundle by the same key.
    let other = t.path().join("other.renv");
    source.export(TOWNSHIP_A, &other);
    let other = fs::read(&other).unwrap();
    let mut moved = original.clone();
    let n = moved.len();
    moved[n - 64..].copy_from_slice(&other[other.len() - 64..]);
    let p = t.path().join("moved.renv");
    fs::write(&p, &moved).unwrap();
    let message = refused(&mut county, &p);
    assert!(message.contains("signature does not match"), "{message}");

    // Re-signed by an untrusted key with the header's key swapped: a valid signature,
    // but by someone the county never trusted.
    let stranger = InstallationKey::from_seed([99; 32]);
    let p = resign(&stranger, &path, &t.path().join("stranger.renv"), |_, _| {});
    let err = county.import(&p).unwrap_err();
    assert!(matches!(kind(&err), ImportErrorKind::UnknownKey { .. }));
    assert!(err.to_string().contains(&stranger.fingerprint()));
}

#[test]
fn origin_is_the_trust_record_not_the_manifest() {
    let t = tempfile::tempdir().unwrap();
    let (source, path) = sample_bundle(5, t.path());
    let mut county = county_trusting(&source.key);
    // The surveyor's bundle claims to come from the city's bureau for the whole city.
    let claimed = resign(&source.key, &path, &t.path().join("claim.renv"), |m, _| {
        m.exporter_name = "许昌市农业农村局".into();
        m.exporter_scope = CITY.into();
    });
    let summary = county.import(&claimed).unwrap();
    assert_eq!(summary.trusted_name, "邓庄街道 调查员");
    assert_eq!(summary.trusted_scope, TOWNSHIP_A);
    assert_eq!(summary.claimed_name, "许昌市农业农村局");

    // The claim does not widen what the key may deliver: a village of township B.
    let b_village = villages_b()[0].clone();
    let outside = resign(
        &source.key,
        &path,
        &t.path().join("outside.renv"),
        |m, facts| {
            m.exporter_scope = CITY.into();
            let f = first_revision(facts);
            f["revision"]["village_code"] = json!(b_village);
            f["revision"]["record_id"] = json!("0190a1b2-ffff-7000-8000-000000000001");
            rehash(f);
            // Its review would now point at nothing; drop reviews.
            facts.retain(|f| f["kind"] != "review");
            m.counts.insert("reviews".into(), 0);
        },
    );
    let message = refused(&mut county, &outside);
    assert!(matches!(
        kind(&county.import(&outside).unwrap_err()),
        ImportErrorKind::OutOfScope { .. }
    ));
    assert!(message.contains(&b_village), "{message}");
    assert!(message.contains(TOWNSHIP_A), "{message}");
}

#[test]
fn every_truncation_is_refused_and_changes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let (source, path) = sample_bundle(6, t.path());
    let mut county = county_trusting(&source.key);
    let bytes = fs::read(&path).unwrap();
    let before = county.state();
    let scratch = scratch_dir();
    let cut = scratch.path().join("cut.renv");
    for len in 0..bytes.len() {
        fs::write(&cut, &bytes[..len]).unwrap();
        let err = county
            .import(&cut)
            .expect_err("a truncated bundle was accepted");
        assert!(
            matches!(kind(&err), ImportErrorKind::Bundle(_)),
            "{len}: {err}"
        );
        assert!(err.to_string().contains("cut.renv"), "{err}");
    }
    assert_eq!(county.state(), before);
    // And the whole file still imports.
    county.import(&path).unwrap();
}

#[test]
fn ten_thousand_random_mutations_are_refused_and_change_nothing() {
    let t = tempfile::tempdir().unwrap();
    let (source, path) = sample_bundle(7, t.path());
    let mut county = county_trusting(&source.key);
    let original = fs::read(&path).unwrap();
    let before = county.state();
    let bundle_id = open_bundle(&path, &Limits::default())
        .unwrap()
        .manifest
        .bundle_id;
    let scratch = scratch_dir();
    let mutated_path = scratch.path().join("mutated.renv");
    let mut rng = Rng::new(20_200_615);
    let mut tried = 0;
    while tried < 10_000 {
        let mut m = original.clone();
        let len = m.len();
        let i = rng.int(0, len as i64 - 1) as usize;
        match rng.int(0, 5) {
            0 => m[i] ^= 1 << rng.int(0, 7),
            1 => m[i] = rng.next() as u8,
            2 => m.insert(i, rng.next() as u8),
            3 => {
                let n = rng.int(1, 16).min((len - i) as i64) as usize;
                m.drain(i..i + n);
            }
            4 => {
                let j = rng.int(0, len as i64 - 1) as usize;
                m.swap(i, j);
            }
            _ => {
                let n = rng.int(1, 32).min((len - i) as i64) as usize;
                let b = rng.next() as u8;
                m[i..i + n].fill(b);
            }
        }
        if m == original {
            continue;
        }
        tried += 1;
        fs::write(&mutated_path, &m).unwrap();
        if let Ok(s) = county.import(&mutated_path) {
            panic!("mutation {tried} was accepted: {s:?}");
        }
    }
    assert_eq!(county.state(), before);
    assert_eq!(county.store.imported_bundle(&bundle_id).unwrap(), None);
}

/// Content that a trusted key signed but that must not get in.
#[test]
fn hostile_content_from_a_trusted_key_is_refused_whole() {
    let t = tempfile::tempdir().unwrap();
    let (source, path) = sample_bundle(8, t.path());
    let key = &source.key;
    let mut county = county_trusting(key);
    let village = villages_a()[0].clone();
    let mut n = 0;
    let mut case = |edit: &dyn Fn(&mut Manifest, &mut Vec<Value>)| {
        n += 1;
        resign(
            key,
            &path,
            &t.path().join(format!("hostile{n}.renv")),
            |m, f| edit(m, f),
        )
    };

    // Control characters in a text field, named by village and field.
    let p = case(&|_, facts| {
        let f = first_revision(facts);
        f["revision"]["data"]["values"]["notes"] = json!("clear\u{1b}[2J");
        rehash(f);
    });
    let message = refused(&mut county, &p);
    assert!(message.contains(&format!("village {village}")), "{message}");
    assert!(message.contains("field notes"), "{message}");
    assert!(message.contains("control characters"), "{message}");

    // ... in a farm's name, and in a review's comment.
    let p = case(&|_, facts| {
        let f = first_revision(facts);
        f["revision"]["data"]["groups"]["farms"] =
            json!([{"id": "0001", "values": {"farm_name": "x\u{9b}y"}}]);
        rehash(f);
    });
    let message = refused(&mut county, &p);
    assert!(message.contains("field farms[1].farm_name"), "{message}");
    let p = case(&|_, facts| {
        let r = facts.iter_mut().find(|f| f["kind"] == "review").unwrap();
        r["review"]["comment"] = json!("bell\u{7}");
    });
    let message = refused(&mut county, &p);
    assert!(message.contains(&format!("village {village}")), "{message}");
    assert!(message.contains("field comment"), "{message}");

    // Content changed, hash kept.
    let p = case(&|_, facts| {
        first_revision(facts)["revision"]["data"]["values"]["households"] = json!(999);
    });
    let message = refused(&mut county, &p);
    assert!(message.contains("does not match its hash"), "{message}");

    // Unknown fields and kinds.
    let p = case(&|_, facts| {
        first_revision(facts)["extra"] = json!(1);
    });
    assert!(refused(&mut county, &p).contains("unknown field"));
    let p = case(&|m, facts| {
        facts.push(json!({"kind": "vote", "for": "me"}));
        m.counts.insert("votes".into(), 1);
    });
    assert!(refused(&mut county, &p).contains("newer version"));

    // A value of the wrong type, a broken constraint, a forged calculation.
    let p = case(&|_, facts| {
        let f = first_revision(facts);
        f["revision"]["data"]["values"]["households"] = json!("many");
        rehash(f);
    });
    let message = refused(&mut county, &p);
    assert!(message.contains("field households"), "{message}");
    let p = case(&|_, facts| {
        let f = first_revision(facts);
        f["revision"]["data"]["values"]["toilet_other_sanitary"] = json!(100_000);
        rehash(f);
    });
    assert!(refused(&mut county, &p).contains("field "));
    let p = case(&|_, facts| {
        let f = first_revision(facts);
        let v = &mut f["revision"]["data"]["values"];
        v["garbage_supervision"] = json!(false);
        v["garbage_effective"] = json!(true);
        rehash(f);
    });
    let message = refused(&mut county, &p);
    assert!(message.contains("field garbage_effective"), "{message}");
    assert!(message.contains("calculates"), "{message}");
    let p = case(&|_, facts| {
        let f = first_revision(facts);
        f["revision"]["data"]["values"]["bribe"] = json!(1);
        rehash(f);
    });
    assert!(refused(&mut county, &p).contains("not a field of form village@2"));

    // A village in scope but not in the register; another round than the bundle's.
    let p = case(&|_, facts| {
        let f = first_revision(facts);
        f["revision"]["village_code"] = json!("411003003888");
        rehash(f);
        facts.retain(|f| f["kind"] != "review");
    });
    assert!(refused(&mut county, &p).contains("not in this installation's register"));
    let p = case(&|_, facts| {
        let f = first_revision(facts);
        f["revision"]["round"] = json!("2021");
        rehash(f);
    });
    assert!(refused(&mut county, &p).contains("round 2021 in a bundle for round 2020"));

    // A review of a revision that is not in the bundle.
    let p = case(&|_, facts| {
        let r = facts.iter_mut().find(|f| f["kind"] == "review").unwrap();
        r["review"]["rev"] = json!(7);
    });
    assert!(refused(&mut county, &p).contains("not in this bundle"));

    // A changed form under the same version; a form hiding an escape in a label.
    let p = case(&|_, facts| {
        let f = &mut facts.iter_mut().find(|f| f["kind"] == "form").unwrap()["form"];
        let source = f["source"].as_str().unwrap().replace("20000", "30000");
        f["source"] = json!(source);
    });
    assert!(refused(&mut county, &p).contains("differs from the form village@2"));
    let p = case(&|_, facts| {
        let f = &mut facts.iter_mut().find(|f| f["kind"] == "form").unwrap()["form"];
        // A version this county has not seen, so that it must be loaded and checked.
        let source = f["source"]
            .as_str()
            .unwrap()
            .replace("version = 2", "version = 3")
            .replace("常住户数\"", "常住户数\\u001b[31m\"");
        assert_ne!(Some(source.as_str()), f["source"].as_str());
        f["source"] = json!(source);
        f["version"] = json!(3);
    });
    let message = refused(&mut county, &p);
    assert!(
        message.contains("field form village@3: households label (zh)"),
        "{message}"
    );

    // The manifest must tell the truth about what it carries.
    let p = case(&|m, _| {
        m.counts.insert("revisions".into(), 5);
    });
    assert!(refused(&mut county, &p).contains("announces 5 revisions but the bundle holds 6"));
    let p = case(&|m, _| {
        m.forms = vec!["village@3".into()];
    });
    assert!(refused(&mut county, &p).contains("lists the forms"));

    // All or nothing: good facts first, one bad fact last.
    let p = case(&|m, facts| {
        let mut bad = facts
            .iter()
            .find(|f| f["kind"] == "revision")
            .unwrap()
            .clone();
        bad["revision"]["record_id"] = json!("0190a1b2-eeee-7000-8000-000000000001");
        bad["revision"]["finalized_by"] = json!("\u{1b}]0;pwned\u{7}");
        rehash(&mut bad);
        facts.push(bad);
        *m.counts.get_mut("revisions").unwrap() += 1;
    });
    let message = refused(&mut county, &p);
    assert!(message.contains("fact 9"), "{message}");
    assert!(message.contains("field finalized_by"), "{message}");
    assert!(county.state().lines().all(|l| !l.contains("0190a1b2")));

    // After all that, the genuine bundle still goes in.
    county.import(&path).unwrap();
    assert_eq!(county.state(), source.state());
}

#[test]
fn caps_apply_before_anything_is_allocated() {
    let t = tempfile::tempdir().unwrap();
    let (source, path) = sample_bundle(9, t.path());
    let mut county = county_trusting(&source.key);
    let before = county.state();
    for limits in [
        Limits {
            max_facts: 3,
            ..Limits::default()
        },
        Limits {
            max_file_bytes: 1000,
            ..Limits::default()
        },
        Limits {
            max_line_bytes: 100,
            ..Limits::default()
        },
    ] {
        let err =
            import_bundle_with_limits(&mut county.store, &path, &limits, &mut |_| {}).unwrap_err();
        assert!(matches!(kind(&err), ImportErrorKind::Bundle(_)), "{err}");
    }
    assert_eq!(county.state(), before);
    // A directory, a missing file, something else entirely.
    for p in [t.path().to_path_buf(), t.path().join("missing.renv")] {
        assert!(matches!(
            kind(&county.import(&p).unwrap_err()),
            ImportErrorKind::Bundle(_)
        ));
    }
    let zip = t.path().join("photo.jpg");
    fs::write(&zip, [0xFFu8; 4000]).unwrap();
    let err = county.import(&zip).unwrap_err();
    let ImportErrorKind::Bundle(b) = kind(&err) else {
        panic!("{err}")
    };
    assert!(matches!(b.kind, BundleErrorKind::WrongMagic));
}

#[test]
fn duplicates_and_forks_are_kept_flagged_and_resolved_by_facts() {
    let t = tempfile::tempdir().unwrap();
    let village = villages_a()[0].clone();
    // Two surveyors each surveyed the same village: two records (duplicates).
    let mut s1 = Site::new(11);
    let mut s2 = Site::new(12);
    let r1 = revision(
        &village,
        "0190a1b2-0001-7000-8000-000000000001",
        1,
        None,
        "2020-06-15T10:00:00+08:00",
        village_data(1),
    );
    let r2 = revision(
        &village,
        "0190a1b2-0002-7000-8000-000000000002",
        1,
        None,
        "2020-06-20T10:00:00+08:00",
        village_data(2),
    );
    s1.add(&r1);
    s2.add(&r2);
    // And both edited a copy of record r1 to revision 2: a fork.
    let r1_2a = revision(
        &village,
        &r1.record_id,
        2,
        Some(r1.hash()),
        "2020-06-16T10:00:00+08:00",
        village_data(3),
    );
    let r1_2b = revision(
        &village,
        &r1.record_id,
        2,
        Some(r1.hash()),
        "2020-06-17T10:00:00+08:00",
        village_data(4),
    );
    s1.add(&r1_2a);
    s2.add(&r1);
    s2.add(&r1_2b);
    let b1 = t.path().join("s1.renv");
    let b2 = t.path().join("s2.renv");
    s1.export(TOWNSHIP_A, &b1);
    s2.export(TOWNSHIP_A, &b2);

    let mut town = Site::new(13);
    town.trust(&s1.key, TOWNSHIP_A, "s1");
    town.trust(&s2.key, TOWNSHIP_A, "s2");
    let first = town.import(&b1).unwrap();
    assert_eq!((first.revisions_new, first.revisions_updated), (1, 1));
    let second = town.import(&b2).unwrap();
    assert_eq!(second.revisions_new, 1, "{second:?}");
    assert_eq!(second.revisions_unchanged, 1);
    assert_eq!(second.forks, 1);
    assert_eq!(second.duplicates, 1);

    let conflicts = town.store.conflict_details(Some(ROUND)).unwrap();
    assert_eq!(conflicts.len(), 1);
    let c = &conflicts[0];
    assert!(c.duplicate && c.fork);
    // r1's two forked revision 2s, and r2.
    assert_eq!(c.candidates.len(), 3);
    assert_eq!(c.candidates.iter().filter(|k| k.counted).count(), 1);
    // The village counts once.
    let report = town.report(TOWNSHIP_A);
    assert_eq!(report["units"][0]["villages_reported"], 1);

    // A person chooses; the choices are facts that travel.
    town.store
        .resolve("fork", &r1.record_id, 2, &r1_2b.hash(), "镇审核员")
        .unwrap();
    town.store
        .resolve("duplicate", &r1.record_id, 2, &r1_2b.hash(), "镇审核员")
        .unwrap();
    assert!(town.store.conflict_details(Some(ROUND)).unwrap().is_empty());
    let tb = t.path().join("town.renv");
    let exported = town.export(TOWNSHIP_A, &tb);
    assert_eq!(exported.resolutions, 2);

    // The county gets the township's bundle and, later, the surveyors' again, in another
    // order: the choice holds.
    let mut county = Site::new(14);
    county.trust(&town.key, COUNTY, "town");
    county.trust(&s1.key, TOWNSHIP_A, "s1");
    county.trust(&s2.key, TOWNSHIP_A, "s2");
    county.import(&b2).unwrap();
    county.import(&tb).unwrap();
    county.import(&b1).unwrap();
    assert_eq!(county.state(), town.state());
    let counted = county
        .store
        .counted(&r1.form_id, &village, ROUND)
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            counted.record_id.as_str(),
            counted.rev,
            counted.hash.as_str()
        ),
        (r1.record_id.as_str(), 2, r1_2b.hash().as_str())
    );
    assert!(counted.resolved);
}

#[test]
fn export_refuses_what_it_cannot_do() {
    let t = tempfile::tempdir().unwrap();
    let mut site = Site::new(20);
    let out = t.path().join("x.renv");
    let err = site.try_export("411003003999", &out).unwrap_err();
    assert!(err.to_string().contains("no such unit"), "{err}");
    let err = site.try_export(TOWNSHIP_A, &out).unwrap_err();
    assert!(err.to_string().starts_with("nothing to export"), "{err}");
    // A draft is mentioned: it must be finalized first.
    let form = form().clone();
    site.store
        .create_record(&form, &villages_a()[0], ROUND, "张三", &Default::default())
        .unwrap();
    let err = site.try_export(TOWNSHIP_A, &out).unwrap_err();
    assert!(err.to_string().contains("1 draft(s)"), "{err}");
    assert!(!out.exists());

    // Reviews of revisions outside the unit stay behind; the drafts are counted.
    let (source, _) = sample_bundle(21, t.path());
    let summary = source.export(TOWNSHIP_A, &out);
    assert_eq!(
        (summary.revisions, summary.reviews, summary.villages),
        (6, 1, 6)
    );
    assert_eq!(summary.forms, ["village@2"]);
    assert_eq!(summary.fingerprint, fingerprint(&source.key.public_bytes()));
    let err = source.try_export(TOWNSHIP_B, &out).unwrap_err();
    assert!(err.to_string().starts_with("nothing to export"), "{err}");
    // The earlier file is still there and valid.
    assert!(open_bundle(&out, &Limits::default()).is_ok());
}

#[test]
fn approvals_and_returns_travel() {
    let t = tempfile::tempdir().unwrap();
    let (mut source, _) = sample_bundle(22, t.path());
    let village = villages_a()[1].clone();
    let record = source
        .store
        .records_of(&form().id, &village, ROUND)
        .unwrap()
        .remove(0);
    source
        .store
        .add_review(
            &record.record_id,
            ReviewAction::Return,
            "请核对户数",
            "镇审核员",
        )
        .unwrap();
    let path = t.path().join("returned.renv");
    source.export(TOWNSHIP_A, &path);
    let mut county = county_trusting(&source.key);
    let summary = county.import(&path).unwrap();
    assert_eq!(summary.reviews_new, 2);
    let status = county
        .store
        .records_of(&form().id, &village, ROUND)
        .unwrap()
        .remove(0);
    assert_eq!(status.status, ruralenv::store::RecordStatus::Returned);
    assert_eq!(status.return_comment.as_deref(), Some("请核对户数"));
}

#[test]
fn a_batch_imports_each_file_on_its_own() {
    let t = tempfile::tempdir().unwrap();
    let (source, good) = sample_bundle(23, t.path());
    let mut county = county_trusting(&source.key);
    let bad = t.path().join("bad.renv");
    let mut bytes = fs::read(&good).unwrap();
    let n = bytes.len();
    bytes[n - 5] ^= 1;
    fs::write(&bad, &bytes).unwrap();
    let (_, strange) = sample_bundle(24, t.path());
    let files = vec![bad.clone(), good.clone(), strange.clone(), good.clone()];
    let mut seen: Vec<PathBuf> = Vec::new();
    let results =
        ruralenv::bundle::exchange::import_bundles(&mut county.store, &files, &mut |p, _| {
            if seen.last().map(PathBuf::as_path) != Some(p) {
                seen.push(p.to_path_buf());
            }
        });
    assert_eq!(results.len(), 4);
    assert!(
        results[0]
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("bad.renv")
    );
    let first = results[1].as_ref().unwrap();
    assert_eq!(first.revisions_new, 6);
    assert!(matches!(
        results[2].as_ref().unwrap_err().kind(),
        ImportErrorKind::UnknownKey { .. }
    ));
    assert!(results[3].as_ref().unwrap().already_imported);
    assert_eq!(county.state(), source.state());
    // Progress comes for the files that get that far, naming them.
    assert_eq!(seen, [good]);
}

#[test]
fn demo_bundles_never_pass_for_real_data() {
    let t = tempfile::tempdir().unwrap();
    let (demo_site, _) = sample_bundle(31, t.path());
    demo_site.store.mark_demo().unwrap();
    let demo_path = t.path().join("demo.renv");
    demo_site.export(TOWNSHIP_A, &demo_path);
    let manifest = open_bundle(&demo_path, &Limits::default())
        .unwrap()
        .manifest;
    assert!(manifest.demo, "a bundle from a demo directory is marked");

    // An installation holding real data refuses it, whole, saying it is demo data.
    let (real_site, real_path) = sample_bundle(32, t.path());
    let mut county = county_trusting(&demo_site.key);
    county.trust(&real_site.key, TOWNSHIP_A, "real surveyor");
    county.import(&real_path).unwrap();
    let message = refused(&mut county, &demo_path);
    assert!(message.contains("demo data"), "{message}");
    assert!(matches!(
        kind(&county.import(&demo_path).unwrap_err()),
        ImportErrorKind::DemoIntoReal { .. }
    ));
    assert!(!county.store.is_demo().unwrap());

    // An empty installation takes it and becomes a demo installation, which then refuses
    // real bundles.
    let mut empty = county_trusting(&demo_site.key);
    empty.trust(&real_site.key, TOWNSHIP_A, "real surveyor");
    empty.import(&demo_path).unwrap();
    assert!(empty.store.is_demo().unwrap());
    let message = refused(&mut empty, &real_path);
    assert!(message.contains("demo data"), "{message}");
}

#[test]
fn villages_outside_the_survey_scope_are_refused_by_name() {
    let t = tempfile::tempdir().unwrap();
    let mut source = Site::new(33);
    // 411003003001 is a residents' committee (社区居委会) of 邓庄街道: in the register,
    // outside the survey scope.
    let community = source
        .store
        .divisions_under(
            Some(&source.store.division(TOWNSHIP_A).unwrap().unwrap()),
            Some(ruralenv::register::Level::Village),
            false,
        )
        .unwrap()
        .into_iter()
        .find(|d| !d.in_scope)
        .expect("a unit outside the scope under township A");
    let r = revision(
        &community.code,
        "0190a1b2-0000-7000-8000-000000003300",
        1,
        None,
        "2020-06-15T10:00:00+08:00",
        village_data(3),
    );
    source.add(&r);
    let path = t.path().join("community.renv");
    source.export(TOWNSHIP_A, &path);
    let mut county = county_trusting(&source.key);
    let message = refused(&mut county, &path);
    assert!(message.contains(&community.code), "{message}");
    assert!(message.contains("outside the survey scope"), "{message}");
    assert!(message.contains("forms/divisions"), "{message}");
    // In Chinese, the whole reason is Chinese (the TUI's and the CLI's default).
    let err = county.import(&path).unwrap_err();
    let zh = err.kind().text(ruralenv::forms::Lang::Zh);
    assert!(zh.contains(&community.code), "{zh}");
    assert!(
        zh.contains("不在调查范围内") && zh.contains("整个数据包被拒绝"),
        "{zh}"
    );
    assert!(!zh.contains("outside the survey scope"), "{zh}");
}

#[test]
fn a_returned_record_stops_counting_until_finalized_again() {
    let t = tempfile::tempdir().unwrap();
    let (mut township, _) = sample_bundle(34, t.path());
    let village = villages_a()[2].clone();
    let before = township.report(TOWNSHIP_A);
    let reported = |r: &serde_json::Value| r["units"][0]["villages_reported"].clone();
    assert_eq!(reported(&before), 6);
    let record = township
        .store
        .records_of(&form().id, &village, ROUND)
        .unwrap()
        .remove(0);
    township
        .store
        .add_review(
            &record.record_id,
            ReviewAction::Return,
            "户数不对",
            "镇审核员",
        )
        .unwrap();
    let returned = township.report(TOWNSHIP_A);
    assert_eq!(reported(&returned), 5);
    let shown = township
        .store
        .records_of(&form().id, &village, ROUND)
        .unwrap()
        .remove(0);
    assert!(!shown.counts, "a returned record does not count");

    // Travels: the county does not count it either, and its township sums (kept by the
    // roll-up tables) equal the per-village sums.
    let path = t.path().join("returned.renv");
    township.export(TOWNSHIP_A, &path);
    let mut county = county_trusting(&township.key);
    county.import(&path).unwrap();
    assert_eq!(county.report(TOWNSHIP_A), returned);
    let unit = county.store.division("411003000000").unwrap().unwrap();
    let by_township = ruralenv::report::rollup::rollup(
        &county.store,
        forms(),
        ROUND,
        &unit,
        ruralenv::report::rollup::Depth::Townships,
    )
    .unwrap();
    let a = by_township
        .units
        .iter()
        .find(|u| u.code == TOWNSHIP_A)
        .unwrap();
    assert_eq!(a.villages_reported, 5);

    // A new revision, finalized: counts again (as finalized), and the return stays bound
    // to revision 1.
    let old = township
        .store
        .current_revision(&record.record_id)
        .unwrap()
        .unwrap();
    let mut data = old.data.clone();
    data.set(
        "notes",
        ruralenv::forms::value::Value::Text("户数已核对".into()),
    );
    let r2 = revision(
        &village,
        &record.record_id,
        2,
        Some(old.hash()),
        "2020-07-10T10:00:00+08:00",
        data,
    );
    township.add(&r2);
    assert_eq!(reported(&township.report(TOWNSHIP_A)), 6);
    let history = township.store.history(&record.record_id).unwrap();
    assert!(history.iter().any(|e| matches!(e,
        ruralenv::store::HistoryEvent::Reviewed(r) if r.rev == 1 && r.comment == "户数不对")));
}

#[test]
fn the_latest_is_an_instant_whatever_the_writers_utc_offset() {
    // 10:00 in Beijing is 02:00 UTC: earlier than 05:00 UTC, though it sorts later as text.
    let t = tempfile::tempdir().unwrap();
    let village = villages_a()[0].clone();
    let early = revision(
        &village,
        "0190a1b2-0000-7000-8000-000000003500",
        1,
        None,
        "2020-06-15T10:00:00+08:00",
        village_data(1),
    );
    let late = revision(
        &village,
        "0190a1b2-0000-7000-8000-000000003501",
        1,
        None,
        "2020-06-15T05:00:00+00:00",
        village_data(2),
    );
    // Merged one by one, and imported in bulk: the record finalized last counts.
    let mut site = Site::new(35);
    site.add(&early);
    site.add(&late);
    let counted = |s: &Site| {
        s.store
            .counted(&form().id, &village, ROUND)
            .unwrap()
            .unwrap()
            .record_id
    };
    assert_eq!(counted(&site), late.record_id);
    let path = t.path().join("dup.renv");
    site.export(TOWNSHIP_A, &path);
    let mut county = county_trusting(&site.key);
    county.import(&path).unwrap();
    assert_eq!(counted(&county), late.record_id);

    // The latest review decides, as an instant: a return at 21:00+08:00 (13:00 UTC) is
    // older than an approval at 14:00+00:00.
    let ret = review(
        &late,
        "rv-ret",
        ReviewAction::Return,
        "2020-07-01T21:00:00+08:00",
    );
    let ok = review(
        &late,
        "rv-ok",
        ReviewAction::Approve,
        "2020-07-01T14:00:00+00:00",
    );
    let reported = |s: &Site| s.report(TOWNSHIP_A)["units"][0]["villages_reported"].clone();
    county.add_review(&ret);
    assert_eq!(reported(&county), 0, "returned: it does not count");
    county.add_review(&ok);
    let rec = county
        .store
        .records_of(&form().id, &village, ROUND)
        .unwrap()
        .into_iter()
        .find(|r| r.record_id == late.record_id)
        .unwrap();
    assert_eq!(rec.status, ruralenv::store::RecordStatus::Conflict);
    assert!(rec.counts, "approved last, so it counts");
    assert_eq!(reported(&county), 1);
}

/// A bundle's revisions are decoded and checked ahead of the thread that stores them
/// (`import_one`): a value refused there must refuse the bundle exactly as the storing
/// thread would, naming the village and the field, and leave nothing behind. The bad
/// revision comes after more lines than the decoding thread may run ahead (about 400), so
/// the form was in use when it was decoded and the decoding thread judged it.
#[test]
fn a_bad_value_deep_in_a_large_bundle_is_refused_naming_village_and_field() {
    let t = tempfile::tempdir().unwrap();
    let mut source = Site::new(71);
    let county = source.store.division(COUNTY).unwrap().unwrap();
    let villages: Vec<String> = source
        .store
        .divisions_under(
            Some(&county),
            Some(ruralenv::register::Level::Village),
            true,
        )
        .unwrap()
        .into_iter()
        .map(|d| d.code)
        .collect();
    let mut n = 0u64;
    for (i, v) in villages.iter().enumerate() {
        let record = format!("0190a1b2-0071-7000-8000-{i:012}");
        let first = revision(
            v,
            &record,
            1,
            None,
            "2020-06-10T10:00:00+08:00",
            village_data(n),
        );
        let second = revision(
            v,
            &record,
            2,
            Some(first.hash()),
            "2020-06-11T10:00:00+08:00",
            village_data(n + 1),
        );
        n += 2;
        source.add(&first);
        source.add(&second);
    }
    assert!(
        n > 420,
        "the bundle must be longer than the decoding lead: {n}"
    );
    let good = t.path().join("good.renv");
    source.export(COUNTY, &good);
    let mut bad_village = String::new();
    let bad = resign(
        &source.key,
        &good,
        &t.path().join("bad.renv"),
        |_, facts| {
            let f = facts
                .iter_mut()
                .rev()
                .find(|f| f["kind"] == "revision")
                .unwrap();
            bad_village = f["revision"]["village_code"].as_str().unwrap().to_string();
            f["revision"]["data"]["values"]["households"] = json!(-5);
            rehash(f);
        },
    );

    let mut target = Site::new(72);
    target.trust(&source.key, COUNTY, "建安区");
    let before = target.state();
    let err = target.import(&bad).expect_err("the bad value was accepted");
    let text = err.to_string();
    assert!(text.contains(&bad_village), "{text}");
    assert!(text.contains("households"), "{text}");
    assert_eq!(first_difference(&before, &target.state()), None);
    // The same bundle without the bad value imports whole.
    let summary = target.import(&good).unwrap();
    assert_eq!(summary.revisions_new + summary.revisions_updated, n);
}
