//! Roll-up of a round for a unit: every unit below it to townships (villages on request),
//! each indicator as a ratio of sums, against the targets in `forms/targets.toml`.

use super::indicator::evaluate;
use super::model::{IndicatorInfo, Report, UnitReport};
use crate::forms::FormSet;
use crate::forms::schema::IndicatorKind;
use crate::register::Level;
use crate::store::{Bucket, DivisionRow, Store, StoreError};
use std::collections::HashMap;

/// Which units to list below the `--under` unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    Townships,
    Villages,
}

pub fn indicator_infos(forms: &FormSet) -> Vec<IndicatorInfo> {
    forms
        .village_form()
        .indicators
        .iter()
        .map(|i| IndicatorInfo {
            id: i.id.clone(),
            label_zh: i.label.zh.clone(),
            label_en: i.label.en.clone(),
            unit_zh: i.unit.zh.clone(),
            unit_en: i.unit.en.clone(),
        })
        .collect()
}

fn unit_report(forms: &FormSet, d: &DivisionRow, b: &Bucket) -> UnitReport {
    let form = forms.village_form();
    let indicators = form
        .indicators
        .iter()
        .map(|i| {
            let (num, den) = match i.kind {
                IndicatorKind::Coverage => (b.reported as f64, b.in_scope as f64),
                IndicatorKind::Ratio => b.sums.get(&i.id).copied().unwrap_or((0.0, 0.0)),
            };
            // Sums of decimals (tonnes) carry float noise such as 2557916.8000000007;
            // no input has more than six decimals, so round the sums there.
            let clean = |x: f64| (x * 1e6).round() / 1e6;
            evaluate(&i.id, clean(num), clean(den), forms.target(&i.id))
        })
        .collect();
    UnitReport {
        code: d.code.clone(),
        name: d.name.clone(),
        level: d.level,
        villages_in_scope: b.in_scope,
        villages_reported: b.reported,
        indicators,
    }
}

fn add(into: &mut Bucket, b: &Bucket) {
    into.in_scope += b.in_scope;
    into.reported += b.reported;
    for (k, (n, d)) in &b.sums {
        let e = into.sums.entry(k.clone()).or_insert((0.0, 0.0));
        e.0 += n;
        e.1 += d;
    }
}

/// Code of the whole-country unit (`Level::Country`): no register holds it.
pub const COUNTRY_CODE: &str = "000000000000";

/// The unit a report without `--under` is about: the register's only top unit (the city
/// for a county's register, the province for a province's), or, when the register has
/// several (the national one's 31 provinces), the whole country as one unit above them.
/// None for an empty register.
pub fn default_top(store: &Store) -> Result<Option<DivisionRow>, StoreError> {
    let mut roots = store.roots()?;
    Ok(match roots.len() {
        0 => None,
        1 => roots.pop(),
        _ => Some(DivisionRow {
            code: COUNTRY_CODE.to_string(),
            name: crate::i18n::data::COUNTRY_NAME.to_string(),
            parent: None,
            level: Level::Country,
            in_scope: false,
        }),
    })
}

/// Compute the report for `under` (the whole register's top unit when None).
pub fn rollup(
    store: &Store,
    forms: &FormSet,
    round: &str,
    under: &DivisionRow,
    depth: Depth,
) -> Result<Report, StoreError> {
    let form_id = &forms.village_form().id;
    let prefix = under.prefix().to_string();
    let digits = if depth == Depth::Villages { 12 } else { 9 };
    let buckets = store.rollup_buckets(form_id, round, &prefix, digits)?;
    // Sum every bucket into each of its ancestors' prefixes, in code order: floating-point
    // sums depend on the order of the terms, and the same facts must give the same report.
    let mut keys: Vec<&String> = buckets.keys().collect();
    keys.sort();
    let mut by_prefix: HashMap<String, Bucket> = HashMap::new();
    for key in keys {
        let b = &buckets[key];
        for len in [0usize, 2, 4, 6, 9, 12] {
            if len > key.len() {
                continue;
            }
            match by_prefix.get_mut(&key[..len]) {
                Some(into) => add(into, b),
                None => {
                    let mut into = Bucket::default();
                    add(&mut into, b);
                    by_prefix.insert(key[..len].to_string(), into);
                }
            }
        }
    }
    let max_level = if depth == Depth::Villages {
        Level::Village
    } else {
        Level::Township
    };
    let units = store.rollup_units(under, max_level)?;
    let empty = Bucket::default();
    let units = units
        .iter()
        .map(|d| {
            let b = by_prefix.get(d.prefix()).unwrap_or(&empty);
            unit_report(forms, d, b)
        })
        .collect();
    Ok(Report {
        round: round.to_string(),
        generated_at: crate::store::now(),
        demo: store.is_demo()?,
        indicators: indicator_infos(forms),
        units,
    })
}
