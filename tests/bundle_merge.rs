//! The merge laws (DESIGN.md, "Merge rules"), as properties: random sets of bundles with
//! overlapping records, forks, duplicates, reviews and resolutions, split by township or
//! not, imported in random orders with repeats, always give the database state and report
//! that the set union of their facts gives; importing them all again changes nothing.

mod bundle_support;

use bundle_support::*;
use proptest::prelude::*;
use ruralenv::store::{Resolution, Review, ReviewAction, Revision};
use std::path::PathBuf;

/// Villages of the universe: three in township A, two in township B.
fn universe() -> Vec<String> {
    let a = villages_a();
    let b = villages_b();
    vec![
        a[0].clone(),
        a[1].clone(),
        a[2].clone(),
        b[0].clone(),
        b[1].clone(),
    ]
}

/// Every revision that may exist: per village two records (so duplicates), per record
/// revisions 1 and 2, each in two versions (so forks). Index = ((v*2 + r)*2 + rev-1)*2 + k.
fn pool(villages: &[String]) -> Vec<Revision> {
    let mut out = Vec::new();
    for (vi, v) in villages.iter().enumerate() {
        for r in 0..2u64 {
            let record = format!("0190a1b2-{vi:04}-7000-8000-{r:012}");
            let first = |k: u64| {
                revision(
                    v,
                    &record,
                    1,
                    None,
                    // Records 0 and 1 of a village can tie: the smaller record id wins.
                    &format!("2020-06-{:02}T10:00:00+08:00", 10 + k),
                    village_data(vi as u64 * 100 + r * 10 + k),
                )
            };
            for k in 0..2u64 {
                out.push(first(k));
            }
            for k in 0..2u64 {
                out.push(revision(
                    v,
                    &record,
                    2,
                    Some(first(0).hash()),
                    &format!("2020-06-{:02}T10:00:00+08:00", 13 + k * (r + 1)),
                    village_data(vi as u64 * 100 + r * 10 + 5 + k),
                ));
            }
        }
    }
    out
}

fn review_of(r: &Revision, i: usize) -> Review {
    let action = if i.is_multiple_of(3) {
        ReviewAction::Return
    } else {
        ReviewAction::Approve
    };
    review(
        r,
        &format!("review-{i:03}"),
        action,
        &format!("2020-07-{:02}T09:00:00+08:00", 1 + i % 5),
    )
}

fn resolution_of(r: &Revision, i: usize, kind: &str) -> Resolution {
    resolution(
        r,
        &format!("{kind}-{i:03}"),
        kind,
        &format!("2020-08-{:02}T09:00:00+08:00", 1 + i % 3),
    )
}

/// What one installation holds: subsets of the pool, by bit masks.
#[derive(Debug, Clone)]
struct SourceSpec {
    revisions: u64,
    reviews: u64,
    forks: u64,
    duplicates: u64,
    /// Export one bundle per township instead of one for the county.
    split: bool,
}

fn source_spec() -> impl Strategy<Value = SourceSpec> {
    (
        any::<u64>(),
        any::<u64>(),
        any::<u64>(),
        any::<u64>(),
        any::<[u64; 2]>(),
        any::<bool>(),
    )
        .prop_map(
            |(revisions, reviews, forks, duplicates, sparse, split)| SourceSpec {
                revisions,
                reviews,
                // A person resolves rarely.
                forks: forks & sparse[0] & (sparse[0] >> 7),
                duplicates: duplicates & sparse[1] & (sparse[1] >> 5),
                split,
            },
        )
}

/// The facts of one source: revisions, and reviews and resolutions of those revisions only
/// (as in a real database, where a review follows what it reviews).
struct Facts {
    revisions: Vec<Revision>,
    reviews: Vec<Review>,
    resolutions: Vec<Resolution>,
}

fn facts_of(spec: &SourceSpec, pool: &[Revision]) -> Facts {
    let bit = |mask: u64, i: usize| mask >> (i % 64) & 1 == 1;
    let mut f = Facts {
        revisions: Vec::new(),
        reviews: Vec::new(),
        resolutions: Vec::new(),
    };
    for (i, r) in pool.iter().enumerate() {
        if !bit(spec.revisions, i) {
            continue;
        }
        f.revisions.push(r.clone());
        if bit(spec.reviews, i) {
            f.reviews.push(review_of(r, i));
        }
        if bit(spec.forks, i) {
            f.resolutions.push(resolution_of(r, i, "fork"));
        }
        if bit(spec.duplicates, i) {
            f.resolutions.push(resolution_of(r, i, "duplicate"));
        }
    }
    f
}

fn load(site: &mut Site, facts: &Facts) {
    for r in &facts.revisions {
        site.add(r);
    }
    for v in &facts.reviews {
        site.add_review(v);
    }
    for s in &facts.resolutions {
        site.add_resolution(s);
    }
}

/// A permutation of `0..n` from a seed, then `repeats` appended (indices mod n).
fn order(n: usize, seed: u64, repeats: &[usize]) -> Vec<usize> {
    let mut rng = bundle_support::Rng::new(seed);
    let mut out: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        out.swap(i, rng.int(0, i as i64) as usize);
    }
    for &r in repeats {
        let at = rng.int(0, out.len() as i64) as usize;
        out.insert(at, r % n);
    }
    out
}

fn check(
    specs: Vec<SourceSpec>,
    seeds: [u64; 2],
    repeats: Vec<usize>,
) -> Result<(), TestCaseError> {
    let villages = universe();
    let pool = pool(&villages);
    let files = tempfile::tempdir().unwrap();

    // The sources, and their bundles.
    let mut union = Site::new(200);
    let mut sources = Vec::new();
    let mut bundles: Vec<PathBuf> = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let facts = facts_of(spec, &pool);
        let mut site = Site::new(100 + i as u8);
        load(&mut site, &facts);
        load(&mut union, &facts);
        let units: &[&str] = if spec.split {
            &[TOWNSHIP_A, TOWNSHIP_B]
        } else {
            &[COUNTY]
        };
        for unit in units {
            let path = files.path().join(format!("s{i}-{unit}.renv"));
            match site.try_export(unit, &path) {
                Ok(_) => bundles.push(path),
                Err(e) => prop_assert!(e.to_string().starts_with("nothing to export"), "{e}"),
            }
        }
        sources.push(site);
    }
    let expected_state = union.state();
    let expected_report = union.report(COUNTY);
    let expected_conflicts = union.conflicts();
    if bundles.is_empty() {
        return Ok(());
    }

    for seed in seeds {
        let mut county = Site::new(201);
        for s in &sources {
            county.trust(&s.key, COUNTY, "source");
        }
        for i in order(bundles.len(), seed, &repeats) {
            county
                .import(&bundles[i])
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        let diff = first_difference(&expected_state, &county.state());
        prop_assert!(
            diff.is_none(),
            "order {:?}: {}",
            order(bundles.len(), seed, &repeats),
            diff.unwrap_or_default()
        );
        prop_assert_eq!(county.report(COUNTY), expected_report.clone());
        prop_assert_eq!(county.conflicts(), expected_conflicts.clone());

        // Everything again, in reverse: nothing changes.
        for b in bundles.iter().rev() {
            let s = county
                .import(b)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(s.already_imported);
        }
        prop_assert!(county.state() == expected_state);
    }

    // Each source re-exported whole and merged back into itself changes nothing.
    for (i, source) in sources.iter_mut().enumerate() {
        let before = source.state();
        let path = files.path().join(format!("self{i}.renv"));
        if source.try_export(COUNTY, &path).is_err() {
            continue;
        }
        let key = ruralenv::bundle::keys::InstallationKey::from_seed([100 + i as u8; 32]);
        source.trust(&key, COUNTY, "myself");
        let s = source
            .import(&path)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(s.revisions_new + s.revisions_updated + s.reviews_new, 0);
        let diff = first_difference(&before, &source.state());
        prop_assert!(diff.is_none(), "{}", diff.unwrap_or_default());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn import_order_and_repetition_do_not_matter(
        specs in proptest::collection::vec(source_spec(), 1..=3),
        seeds in any::<[u64; 2]>(),
        repeats in proptest::collection::vec(0usize..8, 0..3),
    ) {
        check(specs, seeds, repeats)?;
    }
}

/// The pool itself: every revision is valid, and forks and duplicates really occur.
#[test]
fn the_pool_has_forks_and_duplicates() {
    let villages = universe();
    let all = SourceSpec {
        revisions: u64::MAX,
        reviews: 0,
        forks: 0,
        duplicates: 0,
        split: false,
    };
    let mut site = Site::new(210);
    load(&mut site, &facts_of(&all, &pool(&villages)));
    let conflicts = site.store.conflict_details(Some(ROUND)).unwrap();
    assert_eq!(conflicts.len(), villages.len());
    assert!(conflicts.iter().all(|c| c.duplicate && c.fork));
}

/// One bundle touching two townships: A holds only villages new here with one record (one
/// of them returned by its review), B villages that need the merge rules (a record beside
/// one already here; two records; two revisions of one record). The import's `current`,
/// township roll-up and duplicates equal merging the same facts one by one.
#[test]
fn an_import_gives_the_merge_rules_current_roll_up_and_duplicates() {
    let a = villages_a();
    let b = villages_b();
    let at = |d: u32| format!("2020-06-{d:02}T10:00:00+08:00");
    let rec = |n: u64| format!("0190a1b2-00aa-7000-8000-{n:012}");
    let sole: Vec<Revision> = (0..3)
        .map(|i| {
            revision(
                &a[i],
                &rec(i as u64),
                1,
                None,
                &at(10),
                village_data(i as u64),
            )
        })
        .collect();
    let beside = revision(&b[0], &rec(10), 1, None, &at(11), village_data(10));
    let here = revision(&b[0], &rec(11), 1, None, &at(12), village_data(11));
    let twin_1 = revision(&b[1], &rec(12), 1, None, &at(13), village_data(12));
    let twin_2 = revision(&b[1], &rec(13), 1, None, &at(14), village_data(13));
    let first = revision(&b[2], &rec(14), 1, None, &at(15), village_data(14));
    let second = revision(
        &b[2],
        &rec(14),
        2,
        Some(first.hash()),
        &at(16),
        village_data(15),
    );
    let returned = review(
        &sole[0],
        "rv-sole",
        ReviewAction::Return,
        "2020-07-01T09:00:00+08:00",
    );
    let arriving: Vec<&Revision> = sole
        .iter()
        .chain([&beside, &twin_1, &twin_2, &first, &second])
        .collect();

    let mut source = Site::new(41);
    for r in &arriving {
        source.add(r);
    }
    source.add_review(&returned);
    let dir = scratch_dir();
    let bundle = dir.path().join("county.renv");
    source.export(COUNTY, &bundle);

    let mut target = Site::new(42);
    target.trust(&source.key, COUNTY, "县");
    target.add(&here);
    let summary = target.import(&bundle).unwrap();
    assert_eq!(summary.revisions_new + summary.revisions_updated, 8);
    assert_eq!(
        summary.duplicates, 2,
        "b[0] (a record here and one arriving) and b[1] (two arriving)"
    );

    let mut reference = Site::new(43);
    reference.add(&here);
    for r in &arriving {
        reference.add(r);
    }
    reference.add_review(&returned);
    assert_eq!(
        first_difference(&reference.state(), &target.state()),
        None,
        "the import's `current` and roll-up are the merge rules'"
    );
    assert_eq!(reference.report(COUNTY), target.report(COUNTY));
}
