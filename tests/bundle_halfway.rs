//! An import that fails half-way leaves the township roll-up (`township_sums`,
//! `township_reported`) and every report figure exactly as they were: the bad fact comes
//! after villages of one township were written and while another's are being written, in
//! a bundle that would otherwise change those sums, alone and inside a batch of bundles.

mod bundle_support;

use bundle_support::*;
use ruralenv::bundle::exchange::import_bundles;
use ruralenv::store::Revision;
use serde_json::{Value, json};

/// The roll-up tables of the canonical dump: what every report of the round reads.
fn township_tables(site: &Site) -> String {
    let dump = site.state();
    let start = dump
        .find("[township_sums]")
        .expect("township_sums in the dump");
    dump[start..].to_string()
}

/// Every figure a report shows, at every level down to villages, for the county and the
/// city the townships belong to.
fn figures(site: &Site) -> (Value, Value) {
    (site.report(COUNTY), site.report(CITY))
}

/// A source for townships A and B: revision 1 of one record per village, or with
/// `second`, revision 2 of each record with other values.
fn source_revisions(second: bool) -> Vec<Revision> {
    let villages: Vec<String> = villages_a().into_iter().chain(villages_b()).collect();
    villages
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let first = revision(
                v,
                &format!("0190a1b2-0000-7000-8000-{:012}", 500 + i),
                1,
                None,
                "2020-06-15T10:00:00+08:00",
                village_data(i as u64),
            );
            if !second {
                return first;
            }
            revision(
                v,
                &first.record_id,
                2,
                Some(first.hash()),
                "2020-07-15T10:00:00+08:00",
                village_data(1000 + i as u64),
            )
        })
        .collect()
}

#[test]
fn an_import_refused_half_way_leaves_the_township_sums_and_reports_as_before() {
    let t = tempfile::tempdir().unwrap();
    // The source surveyed townships A and B twice: revision 1, then revision 2.
    let mut source = Site::new(61);
    for r in source_revisions(false) {
        source.add(&r);
    }
    let first = t.path().join("first.renv");
    source.export(COUNTY, &first);
    for r in source_revisions(true) {
        source.add(&r);
    }
    let second = t.path().join("second.renv");
    source.export(COUNTY, &second);

    // The county holds revision 1 of every village: its sums are not empty.
    let mut county = Site::new(62);
    county.trust(&source.key, COUNTY, "建安区");
    county.import(&first).unwrap();
    let sums_before = township_tables(&county);
    assert!(
        sums_before.contains(&TOWNSHIP_A[..9]) && sums_before.contains(&TOWNSHIP_B[..9]),
        "the county's roll-up should hold both townships: {sums_before}"
    );
    let state_before = county.state();
    let figures_before = figures(&county);

    // Revision 2 with one bad value in a village of township B: by then every village of
    // A and the first ones of B were stored in the import's savepoint.
    let bad_village = villages_b()[3].clone();
    let bad = resign(
        &source.key,
        &second,
        &t.path().join("bad.renv"),
        |_, facts| {
            let mut before_bad = 0;
            let f = facts
                .iter_mut()
                .filter(|f| f["kind"] == "revision")
                .inspect(|_| before_bad += 1)
                .find(|f| f["revision"]["village_code"] == json!(bad_village))
                .unwrap();
            // A negative number of households: the form refuses it.
            f["revision"]["data"]["values"]["households"] = json!(-5);
            rehash(f);
            assert!(before_bad > villages_a().len(), "the bad fact comes late");
        },
    );
    let err = county
        .import(&bad)
        .expect_err("the bad bundle was accepted");
    assert!(err.to_string().contains(&bad_village), "{err}");
    assert_eq!(township_tables(&county), sums_before);
    assert_eq!(figures(&county), figures_before);
    assert_eq!(
        first_difference(&state_before, &county.state()),
        None,
        "a refused bundle changed the database"
    );

    // The same inside a batch: the good bundles around it commit, the bad one leaves no
    // trace, so the sums are those of the good bundles alone.
    let results = import_bundles(
        &mut county.store,
        &[bad.clone(), second.clone(), bad.clone()],
        &mut |_, _| {},
    );
    assert!(results[0].is_err() && results[2].is_err());
    assert_eq!(results[1].as_ref().unwrap().revisions_updated, 12);
    let mut reference = Site::new(64);
    reference.trust(&source.key, COUNTY, "建安区");
    reference.import(&first).unwrap();
    reference.import(&second).unwrap();
    assert_eq!(township_tables(&county), township_tables(&reference));
    assert_eq!(figures(&county), figures(&reference));
    // And the test could fail: revision 2 did change the sums.
    assert_ne!(township_tables(&county), sums_before);
    assert_ne!(figures(&county), figures_before);
}
