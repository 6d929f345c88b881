//! What the county dashboard shows beyond the report: the villages that hold a target
//! back (largest contribution to the shortfall first, and how many are needed), the
//! villages not yet reported, units ranked by an indicator, and the trend over rounds.

use super::model::{Report, UnitReport};
use super::rollup::{Depth, rollup};
use crate::forms::FormSet;
use crate::forms::schema::IndicatorKind;
use crate::register::Level;
use crate::store::{DivisionRow, Store, StoreError, VillageFacts};

/// A village and how much numerator it would add if brought fully up to standard.
#[derive(Debug, Clone, PartialEq)]
pub struct Holdback {
    pub code: String,
    pub name: String,
    pub numerator: f64,
    pub denominator: f64,
    /// denominator − numerator: households without a harmless toilet, tonnes not
    /// utilized, scale farms without matched facilities, or 1 for a village that fails.
    pub gain: f64,
}

/// The villages to work on first for one indicator under one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Holdbacks {
    pub indicator: String,
    pub shortfall: f64,
    /// Largest gain first; only villages with something to gain.
    pub villages: Vec<Holdback>,
    /// How many of the first villages close the shortfall; None when even all of them
    /// would not (the rest must come from villages not yet reported).
    pub needed: Option<usize>,
}

/// Villages under `unit` that hold `indicator` back, for a shortfall from the report.
pub fn holdbacks(
    store: &Store,
    forms: &FormSet,
    round: &str,
    unit: &DivisionRow,
    indicator: &str,
    shortfall: f64,
) -> Result<Holdbacks, StoreError> {
    let facts = store.village_facts(&forms.village_form().id, round, unit.prefix())?;
    Ok(holdbacks_from(&facts, forms, indicator, shortfall))
}

/// The villages not reported, (code, name) in code order.
pub fn unreported(facts: &[VillageFacts]) -> Vec<(String, String)> {
    facts
        .iter()
        .filter(|v| !v.reported)
        .map(|v| (v.code.clone(), v.name.clone()))
        .collect()
}

/// `holdbacks` from the villages' facts read once for every indicator
/// (`Store::village_facts`).
pub fn holdbacks_from(
    facts: &[VillageFacts],
    forms: &FormSet,
    indicator: &str,
    shortfall: f64,
) -> Holdbacks {
    let form = forms.village_form();
    let kind = form.indicator(indicator).map(|i| i.kind);
    let mut villages: Vec<Holdback> = match kind {
        Some(IndicatorKind::Coverage) => facts
            .iter()
            .filter(|v| !v.reported)
            .map(|v| Holdback {
                code: v.code.clone(),
                name: v.name.clone(),
                numerator: 0.0,
                denominator: 1.0,
                gain: 1.0,
            })
            .collect(),
        _ => facts
            .iter()
            .filter(|v| v.reported)
            .filter_map(|v| {
                let (_, num, den) = v.sums.iter().find(|(id, _, _)| &**id == indicator)?;
                Some(Holdback {
                    code: v.code.clone(),
                    name: v.name.clone(),
                    numerator: *num,
                    denominator: *den,
                    gain: den - num,
                })
            })
            .filter(|h| h.gain > 1e-9)
            .collect(),
    };
    villages.sort_by(|a, b| {
        b.gain
            .partial_cmp(&a.gain)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.code.cmp(&b.code))
    });
    let needed = if shortfall <= 0.0 {
        Some(0)
    } else {
        let mut acc = 0.0;
        villages
            .iter()
            .position(|v| {
                acc += v.gain;
                acc + 1e-9 >= shortfall
            })
            .map(|i| i + 1)
    };
    Holdbacks {
        indicator: indicator.to_string(),
        shortfall,
        villages,
        needed,
    }
}

/// The units directly below `code` in a report, ranked by an indicator's value
/// (lowest first, units without a value last), or in code order when `indicator` is None.
pub fn ranked_children<'a>(
    report: &'a Report,
    code: &str,
    indicator: Option<&str>,
) -> Vec<&'a UnitReport> {
    let Some(parent) = report.units.iter().find(|u| u.code == code) else {
        return Vec::new();
    };
    let prefix = &parent.code[..parent.level.prefix_len()];
    let child_level = match parent.level {
        Level::Province => Level::City,
        Level::City => Level::County,
        Level::County => Level::Township,
        _ => Level::Village,
    };
    let mut out: Vec<&UnitReport> = report
        .units
        .iter()
        .filter(|u| u.code != parent.code && u.code.starts_with(prefix) && u.level == child_level)
        .collect();
    if let Some(id) = indicator {
        let key = |u: &UnitReport| u.indicator(id).and_then(|v| v.value);
        out.sort_by(|a, b| match (key(a), key(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.code.cmp(&b.code),
        });
    }
    out
}

/// The unit's indicators in every round that has records, oldest round first.
pub fn trend(
    store: &Store,
    forms: &FormSet,
    unit: &DivisionRow,
) -> Result<Vec<(String, UnitReport)>, StoreError> {
    trend_with(store, forms, unit, None)
}

/// `trend`, taking the unit's row of one round as already rolled up (the dashboard's
/// own round: the same figure as its heading, and one roll-up fewer).
pub fn trend_with(
    store: &Store,
    forms: &FormSet,
    unit: &DivisionRow,
    known: Option<(&str, &UnitReport)>,
) -> Result<Vec<(String, UnitReport)>, StoreError> {
    let mut rounds = store.rounds()?;
    rounds.sort();
    let mut out = Vec::new();
    for r in rounds {
        if let Some((round, row)) = known
            && round == r
        {
            out.push((r, row.clone()));
            continue;
        }
        let rep = rollup(store, forms, &r, unit, Depth::Townships)?;
        if let Some(u) = rep.units.into_iter().next() {
            out.push((r, u));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::record::{RecordData, parse_input};
    use crate::store::FinalizeResult;

    fn village(
        store: &mut Store,
        forms: &FormSet,
        code: &str,
        households: i64,
        harmless: i64,
        effective: bool,
    ) {
        let form = forms.village_form();
        let id = store
            .create_record(form, code, "2020", "t", &RecordData::default())
            .unwrap();
        let yes = if effective { "yes" } else { "no" };
        for (k, v) in [
            ("survey_date", "2020-06-15".to_string()),
            ("surveyor", "t".into()),
            ("households", households.to_string()),
            ("population", (households * 3).to_string()),
            ("garbage_facilities", "yes".into()),
            ("garbage_technology", "yes".into()),
            ("garbage_cleaners", "yes".into()),
            ("garbage_funding", "yes".into()),
            ("garbage_supervision", yes.into()),
            ("toilet_three_compartment", harmless.to_string()),
            ("toilet_double_urn", "0".into()),
            ("toilet_biogas", "0".into()),
            ("toilet_urine_diverting", "0".into()),
            ("toilet_double_pit", "0".into()),
            ("toilet_sewered_flush", "0".into()),
            ("toilet_other_sanitary", "0".into()),
            ("sewage_mode", "none".into()),
            ("sewage_controlled", "yes".into()),
            ("manure_scattered_produced_t", "0".into()),
            ("manure_scattered_utilized_t", "0".into()),
        ] {
            let val = parse_input(form.field(k).unwrap(), &v).unwrap();
            store.set_draft_value(&id, None, k, &val, "t").unwrap();
        }
        assert!(matches!(
            store.finalize(&id, form, "t").unwrap(),
            FinalizeResult::Finalized(_)
        ));
    }

    #[test]
    fn holdbacks_rank_by_gain_and_count_what_is_needed() {
        let dir = tempfile::tempdir().unwrap();
        let forms = FormSet::builtin();
        let mut store = crate::context::open_store(dir.path(), &forms).unwrap();
        // Township 邓庄街道 (411003003000): three villages.
        village(&mut store, &forms, "411003003204", 100, 90, true);
        village(&mut store, &forms, "411003003205", 200, 100, false);
        village(&mut store, &forms, "411003003206", 50, 10, true);
        let unit = store.division("411003003000").unwrap().unwrap();
        let rep = rollup(&store, &forms, "2020", &unit, Depth::Townships).unwrap();
        let t = rep.units[0].indicator("toilet_harmless").unwrap().clone();
        // 200/350 harmless; 0.85 × 350 = 297.5 → 98 households short.
        assert_eq!((t.numerator, t.denominator), (200.0, 350.0));
        assert_eq!(t.shortfall, Some(98.0));
        let h = holdbacks(&store, &forms, "2020", &unit, "toilet_harmless", 98.0).unwrap();
        let gains: Vec<(String, f64)> = h
            .villages
            .iter()
            .map(|v| (v.code.clone(), v.gain))
            .collect();
        assert_eq!(
            gains,
            vec![
                ("411003003205".to_string(), 100.0),
                ("411003003206".to_string(), 40.0),
                ("411003003204".to_string(), 10.0)
            ]
        );
        assert_eq!(h.needed, Some(1));
        assert_eq!(h.villages[0].name, "蒋东村委会");
        let g = holdbacks(&store, &forms, "2020", &unit, "garbage_effective", 1.0).unwrap();
        assert_eq!(g.villages.len(), 1);
        assert_eq!(g.needed, Some(1));
        let c = holdbacks(&store, &forms, "2020", &unit, "coverage", 12.0).unwrap();
        assert_eq!(c.villages.len(), 12, "15 in scope, 3 reported");
        assert_eq!(c.needed, Some(12));
        let none = holdbacks(&store, &forms, "2020", &unit, "toilet_harmless", 1000.0).unwrap();
        assert_eq!(
            none.needed, None,
            "cannot close it with reported villages alone"
        );
        // Ranking: the county's townships, worst first, unreported ones last.
        let county = store.division("411003000000").unwrap().unwrap();
        let rep = rollup(&store, &forms, "2020", &county, Depth::Townships).unwrap();
        let ranked = ranked_children(&rep, "411003000000", Some("toilet_harmless"));
        assert_eq!(ranked[0].code, "411003003000");
        assert_eq!(ranked.len(), 18);
        let tr = trend(&store, &forms, &county).unwrap();
        assert_eq!(tr.len(), 1);
        assert_eq!(tr[0].0, "2020");
    }

    #[test]
    fn village_facts_read_as_one_join_of_every_village_would() {
        let dir = tempfile::tempdir().unwrap();
        let forms = FormSet::builtin();
        let mut store = crate::context::open_store(dir.path(), &forms).unwrap();
        village(&mut store, &forms, "411003003204", 100, 90, true);
        village(&mut store, &forms, "411003003205", 200, 100, false);
        village(&mut store, &forms, "411003003206", 50, 10, true);
        village(&mut store, &forms, "411003003207", 80, 80, true);
        // Returned: not counted, so not reported. Out of scope: not listed at all.
        let form_id = forms.village_form().id.clone();
        let returned = store.records_of(&form_id, "411003003205", "2020").unwrap()[0]
            .record_id
            .clone();
        store
            .add_review(&returned, crate::store::ReviewAction::Return, "改", "t")
            .unwrap();
        store
            .conn()
            .execute(
                "UPDATE divisions SET in_scope = 0 WHERE code = '411003003207'",
                [],
            )
            .unwrap();
        let facts = store.village_facts(&form_id, "2020", "411003003").unwrap();
        // The former reading: every in-scope village joined with its counted record.
        let mut stmt = store
            .conn()
            .prepare(
                "SELECT d.code, d.name, c.record_id IS NOT NULL, k.indicator, k.num, k.den
                 FROM divisions d
                 LEFT JOIN counted c ON c.form_id = ?1 AND c.round = ?2 AND c.village_code = d.code
                 LEFT JOIN contributions k ON k.record_id = c.record_id AND k.rev = c.rev AND k.hash = c.hash
                 WHERE d.level = 'village' AND d.in_scope = 1 AND d.code >= ?3 AND d.code < ?3 || ':'
                 ORDER BY d.code, k.indicator",
            )
            .unwrap();
        type Row = (
            String,
            String,
            bool,
            Option<String>,
            Option<f64>,
            Option<f64>,
        );
        let want: Vec<Row> = stmt
            .query_map(rusqlite::params![form_id, "2020", "411003003"], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut got: Vec<Row> = Vec::new();
        for v in &facts {
            let mut sums = v.sums.clone();
            sums.sort_by(|a, b| a.0.cmp(&b.0));
            if sums.is_empty() {
                got.push((v.code.clone(), v.name.clone(), v.reported, None, None, None));
            }
            for (id, n, d) in sums {
                let row = (v.code.clone(), v.name.clone(), v.reported);
                got.push((row.0, row.1, row.2, Some(id.to_string()), Some(n), Some(d)));
            }
        }
        assert_eq!(got, want);
        let reported: Vec<&str> = facts
            .iter()
            .filter(|v| v.reported)
            .map(|v| v.code.as_str())
            .collect();
        assert_eq!(reported, ["411003003204", "411003003206"]);
        assert!(facts.iter().all(|v| v.code != "411003003207"));
        assert_eq!(facts.len(), 14, "15 in the township, one out of scope");
    }
}
