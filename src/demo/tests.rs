use super::*;
use crate::forms::FormSet;
use crate::register::{Level, Register};
use std::collections::{BTreeSet, HashMap};

fn xuchang() -> Register {
    let set = FormSet::builtin();
    Register::parse(&set.registers[0].0, &set.registers[0].1).unwrap()
}

/// Every in-scope village of Xuchang: (code, name, records).
fn xuchang_records(seed: u64) -> Vec<(String, Vec<Revision>)> {
    let set = FormSet::builtin();
    let form = set.village_form();
    xuchang()
        .divisions
        .iter()
        .filter(|d| d.level == Level::Village && d.in_scope)
        .map(|d| {
            (
                d.code.clone(),
                village_records(form, seed, "2020", &d.code, &d.name),
            )
        })
        .collect()
}

fn int(r: &Revision, k: &str) -> i64 {
    r.data.get(k).as_f64().unwrap_or(-1.0) as i64
}

fn dec(v: &Value) -> f64 {
    v.as_f64().unwrap_or(-1.0)
}

#[test]
fn the_same_seed_gives_the_same_records_and_another_seed_others() {
    let a = xuchang_records(7);
    assert_eq!(a, xuchang_records(7));
    let b = xuchang_records(8);
    assert_ne!(a, b);
    // Record ids are stable and distinct.
    let ids: BTreeSet<&str> = a
        .iter()
        .flat_map(|(_, rs)| rs.iter().map(|r| r.record_id.as_str()))
        .collect();
    assert_eq!(ids.len(), a.iter().map(|(_, rs)| rs.len()).sum::<usize>());
}

#[test]
fn every_record_validates_and_values_are_plausible() {
    let set = FormSet::builtin();
    let form = set.village_form();
    let all = xuchang_records(1);
    let villages = all.len();
    let unreported = all.iter().filter(|(_, rs)| rs.is_empty()).count();
    let duplicates = all.iter().filter(|(_, rs)| rs.len() == 2).count();
    assert!(all.iter().all(|(_, rs)| rs.len() <= 2));
    let share = unreported as f64 / villages as f64;
    assert!((0.02..=0.065).contains(&share), "unreported {share}");
    assert!(duplicates >= 1, "some duplicates");
    assert!(
        (duplicates as f64) < 0.015 * villages as f64,
        "{duplicates}"
    );

    let mut species: HashMap<String, [u32; 3]> = HashMap::new();
    let (mut farms, mut matched) = (0u32, 0u32);
    let mut modes = BTreeSet::new();
    let mut surveyors = BTreeSet::new();
    let thresholds = &form.tables["farm_scale"];
    for (code, rs) in &all {
        for (i, r) in rs.iter().enumerate() {
            assert_eq!(&r.village_code, code);
            let issues = form.validate(&r.data);
            assert!(issues.is_empty(), "{code}: {issues:?}");
            let hh = int(r, "households");
            assert!((80..=900).contains(&hh), "{code}: households {hh}");
            let pop = int(r, "population");
            if i == 0 {
                assert!(
                    pop as f64 >= 3.0 * hh as f64 - 0.5 && pop as f64 <= 4.2 * hh as f64 + 0.5,
                    "{code}: population {pop} for {hh} households"
                );
                let harmless = int(r, "toilet_harmless") as f64 / hh as f64;
                assert!(
                    (0.55 - 0.5 / hh as f64 - 1e-9..=0.95 + 0.5 / hh as f64 + 1e-9)
                        .contains(&harmless),
                    "{code}: harmless share {harmless} of {hh}"
                );
            }
            assert!(int(r, "toilet_sanitary") <= hh);
            let six: i64 = TOILET_TYPES.iter().map(|k| int(r, k)).sum();
            assert_eq!(six, int(r, "toilet_harmless"));
            let mode = r.data.get("sewage_mode").as_text().unwrap().to_string();
            if mode == "none" {
                assert!(r.data.get("sewage_households").is_null());
            } else {
                assert!((0..=hh).contains(&int(r, "sewage_households")));
            }
            modes.insert(mode);
            assert!(
                dec(r.data.get("manure_scattered_utilized_t"))
                    <= dec(r.data.get("manure_scattered_produced_t"))
            );
            let date = r.data.get("survey_date").as_text().unwrap();
            assert!(date.starts_with("2020-"), "{date}");
            assert!(r.finalized_at.starts_with(date) && r.finalized_at.ends_with("+08:00"));
            let who = r.data.get("surveyor").as_text().unwrap();
            assert_eq!(who, r.finalized_by);
            assert!(who.chars().count() >= 2);
            surveyors.insert(who.to_string());
            let rows = r.data.rows("farms");
            assert!(rows.len() <= 4);
            for row in rows {
                let sp = row.values["species"].as_text().unwrap().to_string();
                let head = dec(&row.values["head_count"]);
                let e = species.entry(sp.clone()).or_default();
                match thresholds.get(&sp) {
                    Some(&t) if head < t => e[0] += 1,
                    Some(&t) if head == t => e[1] += 1,
                    _ => e[2] += 1,
                }
                assert!(
                    dec(&row.values["manure_utilized_t"]) <= dec(&row.values["manure_produced_t"])
                );
                farms += 1;
                matched += (row.values["facilities_matched"] == Value::Bool(true)) as u32;
            }
        }
        if let [a, b] = rs.as_slice() {
            assert_ne!(a.finalized_by, b.finalized_by, "{code}: another surveyor");
            assert_ne!(a.record_id, b.record_id);
            assert_ne!(a.data, b.data);
        }
    }
    for sp in SPECIES {
        let e = species.get(sp).copied().unwrap_or_default();
        assert!(e.iter().sum::<u32>() > 0, "{sp} appears");
        if sp != "other" {
            assert!(
                e[0] > 0 && e[1] > 0 && e[2] > 0,
                "{sp}: below/at/above {e:?}"
            );
        }
    }
    let m = matched as f64 / farms as f64;
    assert!((0.83..=0.99).contains(&m), "facilities matched {m}");
    assert_eq!(modes.len(), 5, "{modes:?}");
    assert!(surveyors.len() > 100, "{}", surveyors.len());
}

#[test]
fn townships_differ_and_some_fall_short_of_ninety_percent() {
    let all = xuchang_records(1);
    // township → (villages with all five, villages reported, harmless, households)
    let mut by: BTreeMap<&str, (u32, u32, i64, i64)> = BTreeMap::new();
    for (code, rs) in &all {
        let Some(r) = rs.first() else { continue };
        let e = by.entry(&code[..9]).or_default();
        e.0 += (r.data.get("garbage_effective") == &Value::Bool(true)) as u32;
        e.1 += 1;
        e.2 += int(r, "toilet_harmless");
        e.3 += int(r, "households");
    }
    let big: Vec<_> = by.values().filter(|e| e.1 >= 10).collect();
    let short = big
        .iter()
        .filter(|e| (e.0 as f64) < 0.9 * e.1 as f64)
        .count();
    assert!(short > 0 && short < big.len(), "{short} of {}", big.len());
    let toilets: Vec<f64> = big.iter().map(|e| e.2 as f64 / e.3 as f64).collect();
    assert!(toilets.iter().any(|&x| x < 0.85) && toilets.iter().any(|&x| x >= 0.85));
    let spread =
        toilets.iter().cloned().fold(0.0, f64::max) - toilets.iter().cloned().fold(1.0, f64::min);
    assert!(spread > 0.1, "{spread}");
}

#[test]
fn round_year_comes_from_the_round() {
    assert_eq!(round_year("2020"), 2020);
    assert_eq!(round_year("2023-spring"), 2023);
    assert_eq!(round_year("1999"), 2020);
    assert_eq!(round_year("demo"), 2020);
    let set = FormSet::builtin();
    let rs = village_records(set.village_form(), 3, "2031", "411023100201", "x村委会");
    for r in rs {
        assert!(
            r.data
                .get("survey_date")
                .as_text()
                .unwrap()
                .starts_with("2031-")
        );
    }
}

#[test]
fn generate_stores_the_records_and_a_rerun_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let set = FormSet::builtin();
    store.load_register(&xuchang()).unwrap();
    let form = set.village_form();
    let county = store.division("411003000000").unwrap().unwrap();
    let mut calls = 0;
    let first = generate(&mut store, form, &county, "2020", 7, &mut |done, total| {
        calls += 1;
        assert!(done <= total);
    })
    .unwrap();
    assert!(calls >= 1);
    assert_eq!(
        first.villages_in_scope,
        first.villages_reported + first.unreported
    );
    assert_eq!(first.records, first.villages_reported + first.duplicates);
    assert_eq!(first.new, first.records);
    assert!(first.unreported > 0);
    let again = generate(&mut store, form, &county, "2020", 7, &mut |_, _| {}).unwrap();
    assert_eq!(again.unchanged, first.records);
    assert_eq!(again.new + again.other, 0);
    let report = crate::report::rollup::rollup(
        &store,
        &set,
        "2020",
        &county,
        crate::report::rollup::Depth::Townships,
    )
    .unwrap();
    let top = &report.units[0];
    assert_eq!(top.villages_in_scope, first.villages_in_scope);
    assert_eq!(top.villages_reported, first.villages_reported);
    // What the store counts matches what the generator made, village by village.
    let expected: Vec<(String, Vec<Revision>)> = store
        .divisions_under(Some(&county), Some(Level::Village), true)
        .unwrap()
        .iter()
        .map(|d| {
            (
                d.code.clone(),
                village_records(form, 7, "2020", &d.code, &d.name),
            )
        })
        .collect();
    let stored = store
        .current_revisions("village", "2020", "411003")
        .unwrap();
    let reported: Vec<&String> = expected
        .iter()
        .filter(|(_, rs)| !rs.is_empty())
        .map(|(c, _)| c)
        .collect();
    assert_eq!(
        stored.iter().map(|r| &r.village_code).collect::<Vec<_>>(),
        reported
    );
    assert_eq!(
        store.open_conflicts(Some("2020")).unwrap().len() as u64,
        first.duplicates
    );
}
