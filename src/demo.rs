//! Synthetic demo data: realistic finalized village records for every in-scope village
//! under a unit, for trying the dashboard and for benchmarks at provincial and national
//! scale.
//!
//! Everything is a pure function of (seed, village code, round): each village draws from
//! its own ChaCha8 stream seeded by SHA-256 of those, each township's character from a
//! stream of (seed, township code). So the same village gets the same record whether the
//! demo runs for its county or for the whole country, and running the demo again with
//! the same seed merges every revision as "unchanged" (record ids, timestamps and
//! surveyors are derived too, never taken from the clock).
//!
//! What the data looks like (domain.md, DESIGN.md data dictionary):
//! - townships differ: a latent "condition" per township drives the five 五有 garbage
//!   conditions (each yes with probability 0.965–0.998, so all five hold in roughly
//!   84–99 % of a township's villages and some townships fall short of 90 %), the harmless
//!   toilet share (township mean 0.63–0.95, villages spread around it within 0.55–0.95:
//!   about a third of the townships reach the 85 % target), the sewage treatment mix and
//!   how often discharge is under control;
//! - households 80–900 (log-normal around a township median of 220–480), population
//!   3.0–4.2 × households;
//! - toilets: the harmless total split over the six harmless types with a township mix
//!   (three-compartment first, double-urn and sewered flush next, biogas, double-pit and
//!   urine-diverting rare), plus "other sanitary" households, never more than households;
//! - sewage: sewer, central, decentral, reuse or none; households covered ≤ households;
//! - manure: scattered keepers in most villages (utilized ≤ produced), and 0–4 scale farms
//!   per village; head counts below, exactly at and above the species' threshold from
//!   `thresholds.toml` (as loaded into the form's `farm_scale` table); facilities matched
//!   with a township probability of 0.85–0.98;
//! - survey dates in a township's campaign window within the round's year (the round's
//!   leading four digits, 2015–2035; otherwise 2020), two to four surveyors per township;
//! - 2–6 % of villages per township unreported (about 4 % overall), and about 0.5 % with a
//!   duplicate: a second record by another surveyor a few days later, values slightly off.

use crate::forms::Form;
use crate::forms::record::{RecordData, Row};
use crate::forms::value::Value;
use crate::i18n::data::{
    self as words, DEMO_GIVEN_NAMES as GIVEN, DEMO_NOTES as NOTES, DEMO_SURNAMES as SURNAMES,
};
use crate::store::{DivisionRow, InsertOutcome, Revision, Store, StoreError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// What a demo run produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub villages_in_scope: u64,
    /// Villages with at least one record.
    pub villages_reported: u64,
    pub unreported: u64,
    /// Records generated, duplicates included.
    pub records: u64,
    /// Second records of a village (by another surveyor).
    pub duplicates: u64,
    /// Farm rows over all records.
    pub farms: u64,
    /// How the revisions merged: new here, already here (a rerun), or other.
    pub new: u64,
    pub unchanged: u64,
    pub other: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "the generated record for village {village} does not validate ({issues}); this is a defect of the demo generator or the form lacks the village form's fields"
    )]
    Invalid { village: String, issues: String },
}

/// Villages read per page: memory stays flat however many villages are in scope.
const PAGE: usize = 2000;

/// Fill the store with demo records of `round` for every in-scope village under `under`,
/// in one transaction. `progress(done, total)` is called every page of villages.
pub fn generate(
    store: &mut Store,
    form: &Form,
    under: &DivisionRow,
    round: &str,
    seed: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<DemoSummary, DemoError> {
    store.ensure_form(form)?;
    let prefix = under.prefix().to_string();
    let total = store.count_villages_in_scope(&prefix)?;
    let maker = Generator::new(form, seed, round);
    let mut sum = DemoSummary {
        villages_in_scope: total,
        ..DemoSummary::default()
    };
    store.bulk_merge(&form.id, round, &prefix, |load| {
        let mut after = String::new();
        let mut done = 0u64;
        let mut township: Option<Township> = None;
        loop {
            let page = load.store().villages_in_scope_page(&prefix, &after, PAGE)?;
            let Some((last, _)) = page.last() else { break };
            after = last.clone();
            for (code, name) in &page {
                let t = match township.take() {
                    Some(t) if t.code == code[..9] => t,
                    _ => maker.township(&code[..9]),
                };
                let revisions = maker.village(&t, code, name);
                township = Some(t);
                done += 1;
                if revisions.is_empty() {
                    sum.unreported += 1;
                    continue;
                }
                sum.villages_reported += 1;
                for (i, r) in revisions.iter().enumerate() {
                    let issues = form.validate(&r.data);
                    if !issues.is_empty() {
                        let list: Vec<String> = issues.iter().map(|i| i.path.display()).collect();
                        return Err(DemoError::Invalid {
                            village: code.clone(),
                            issues: list.join(", "),
                        });
                    }
                    sum.records += 1;
                    sum.duplicates += (i > 0) as u64;
                    sum.farms += r.data.rows("farms").len() as u64;
                    match load.merge(r, form)? {
                        InsertOutcome::New => sum.new += 1,
                        InsertOutcome::Unchanged => sum.unchanged += 1,
                        _ => sum.other += 1,
                    }
                }
            }
            progress(done, total);
        }
        Ok(())
    })?;
    Ok(sum)
}

/// The year a round is about: its leading four digits when they are 2015–2035 (the survey
/// date's range in the form), otherwise 2020.
pub fn round_year(round: &str) -> i16 {
    round
        .get(..4)
        .and_then(|y| y.parse::<i16>().ok())
        .filter(|y| (2015..=2035).contains(y))
        .unwrap_or(2020)
}

/// A deterministic stream for (seed, parts…).
fn stream(seed: u64, parts: &[&str]) -> ChaCha8Rng {
    let mut h = Sha256::new();
    h.update(seed.to_le_bytes());
    for p in parts {
        h.update(p.as_bytes());
        h.update([0xff]);
    }
    ChaCha8Rng::from_seed(h.finalize().into())
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

/// Index drawn with the given (unnormalized) weights.
fn pick(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

fn person(rng: &mut ChaCha8Rng) -> String {
    format!(
        "{}{}",
        SURNAMES[rng.random_range(0..SURNAMES.len())],
        GIVEN[rng.random_range(0..GIVEN.len())]
    )
}

/// Harmless toilet types in the form, and how common each is.
const TOILET_TYPES: [&str; 6] = [
    "toilet_three_compartment",
    "toilet_double_urn",
    "toilet_sewered_flush",
    "toilet_biogas",
    "toilet_double_pit",
    "toilet_urine_diverting",
];
const SEWAGE_MODES: [&str; 5] = ["sewer", "central", "decentral", "reuse", "none"];
const SPECIES: [&str; 7] = ["pig", "layer", "broiler", "sheep", "beef", "dairy", "other"];
/// Tonnes of manure (faeces, urine, wastewater) a year per head sold or on hand; rough
/// figures in the spirit of domain.md §3, good enough for plausible totals.
const MANURE_T_PER_HEAD: [f64; 7] = [1.2, 0.05, 0.02, 0.8, 8.0, 25.0, 0.3];
const GARBAGE: [&str; 5] = [
    "garbage_facilities",
    "garbage_technology",
    "garbage_cleaners",
    "garbage_funding",
    "garbage_supervision",
];

/// A township's character: what its villages' values are drawn around.
struct Township {
    code: String,
    garbage_p: [f64; 5],
    harmless_mean: f64,
    toilet_mix: [f64; 6],
    other_sanitary: f64,
    households_median: f64,
    sewage_mix: [f64; 5],
    controlled: f64,
    scattered_use: f64,
    farms_mix: [f64; 5],
    species_mix: [f64; 7],
    facilities_p: f64,
    unreported_p: f64,
    surveyors: Vec<String>,
    campaign_start: i64,
}

struct Generator<'f> {
    form: &'f Form,
    seed: u64,
    round: String,
    year: i16,
    species_label: BTreeMap<String, String>,
    thresholds: BTreeMap<String, i64>,
}

impl<'f> Generator<'f> {
    fn new(form: &'f Form, seed: u64, round: &str) -> Generator<'f> {
        let species_label = form
            .group_field("farms", "species")
            .map(|f| {
                f.choices
                    .iter()
                    .map(|c| (c.name.clone(), c.label.zh.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let thresholds = form
            .tables
            .get("farm_scale")
            .map(|t| {
                t.iter()
                    .map(|(k, v)| (k.clone(), v.round() as i64))
                    .collect()
            })
            .unwrap_or_default();
        Generator {
            form,
            seed,
            round: round.to_string(),
            year: round_year(round),
            species_label,
            thresholds,
        }
    }

    fn township(&self, code: &str) -> Township {
        let mut rng = stream(self.seed, &["township", code]);
        // 001–099 streets (peri-urban), 100–199 towns, 200+ xiang (most rural).
        let kind = code[6..9].parse::<u32>().unwrap_or(100);
        let urban = if kind < 100 {
            1.0
        } else if kind < 200 {
            0.5
        } else {
            0.0
        };
        // Latent condition, a little better each year after 2020.
        let w = (rng.random::<f64>() + 0.04 * f64::from(self.year - 2020)).clamp(0.0, 1.0);
        let mut garbage_p = [0.0; 5];
        for p in garbage_p.iter_mut() {
            *p = (0.965 + 0.033 * w + uniform(&mut rng, -0.004, 0.004)).clamp(0.9, 0.999);
        }
        let livestock = (rng.random::<f64>() * (1.2 - 0.6 * urban)).min(1.0);
        let surveyors = (0..rng.random_range(2..=4))
            .map(|_| person(&mut rng))
            .collect();
        Township {
            code: code.to_string(),
            garbage_p,
            harmless_mean: 0.63 + 0.32 * w,
            toilet_mix: [
                uniform(&mut rng, 0.45, 0.8),
                uniform(&mut rng, 0.05, 0.35),
                uniform(&mut rng, 0.02, 0.08) + 0.15 * urban,
                uniform(&mut rng, 0.0, 0.06),
                uniform(&mut rng, 0.0, 0.03),
                uniform(&mut rng, 0.0, 0.02),
            ],
            other_sanitary: uniform(&mut rng, 0.1, 0.6),
            households_median: uniform(&mut rng, 220.0, 480.0),
            sewage_mix: [
                0.05 + 0.5 * urban,
                0.1 + 0.3 * w,
                0.1 + 0.2 * rng.random::<f64>(),
                0.05 + 0.15 * rng.random::<f64>(),
                0.05 + 0.5 * (1.0 - w) * (1.0 - 0.5 * urban),
            ],
            controlled: 0.55 + 0.4 * w,
            scattered_use: uniform(&mut rng, 0.55, 0.92),
            farms_mix: [
                0.75 - 0.45 * livestock,
                0.15 + 0.15 * livestock,
                0.05 + 0.12 * livestock,
                0.03 + 0.08 * livestock,
                0.02 + 0.06 * livestock,
            ],
            species_mix: std::array::from_fn(|i| {
                [0.35, 0.18, 0.12, 0.12, 0.1, 0.06, 0.07][i] * uniform(&mut rng, 0.3, 1.7)
            }),
            facilities_p: uniform(&mut rng, 0.85, 0.98),
            unreported_p: uniform(&mut rng, 0.02, 0.06),
            surveyors,
            campaign_start: rng.random_range(60..=300),
        }
    }

    /// The records of one village: none (unreported), one, or two (a duplicate).
    fn village(&self, t: &Township, code: &str, name: &str) -> Vec<Revision> {
        let mut rng = stream(self.seed, &["village", code, &self.round]);
        if rng.random_bool(t.unreported_p) {
            return Vec::new();
        }
        let mut d = RecordData::default();
        let day = t.campaign_start + rng.random_range(0..45);
        let surveyor = t.surveyors[rng.random_range(0..t.surveyors.len())].clone();
        d.set("survey_date", Value::Text(self.date(day)));
        d.set("surveyor", Value::Text(surveyor.clone()));
        let households = (t.households_median * (0.45 * normal(&mut rng)).exp())
            .round()
            .clamp(80.0, 900.0) as i64;
        d.set("households", Value::Int(households));
        let population = (households as f64 * uniform(&mut rng, 3.0, 4.2)).round() as i64;
        d.set("population", Value::Int(population));
        for (name, p) in GARBAGE.iter().zip(t.garbage_p) {
            d.set(name, Value::Bool(rng.random_bool(p)));
        }
        let share = (t.harmless_mean + 0.07 * normal(&mut rng)).clamp(0.55, 0.95);
        let harmless = (share * households as f64).round() as i64;
        let mut left = harmless;
        let total: f64 = t.toilet_mix.iter().sum();
        let mut counts = [0i64; 6];
        for i in (1..6).rev() {
            let want = harmless as f64 * t.toilet_mix[i] / total * uniform(&mut rng, 0.6, 1.4);
            counts[i] = (want.round() as i64).clamp(0, left);
            left -= counts[i];
        }
        counts[0] = left;
        for (name, n) in TOILET_TYPES.iter().zip(counts) {
            d.set(name, Value::Int(n));
        }
        let other = ((households - harmless) as f64
            * (t.other_sanitary * uniform(&mut rng, 0.5, 1.5)).min(1.0))
        .round() as i64;
        d.set("toilet_other_sanitary", Value::Int(other));
        let mode = pick(&mut rng, &t.sewage_mix);
        d.set("sewage_mode", Value::Text(SEWAGE_MODES[mode].into()));
        let covered = match mode {
            0 => uniform(&mut rng, 0.7, 1.0),
            1 => uniform(&mut rng, 0.5, 0.95),
            2 => uniform(&mut rng, 0.2, 0.7),
            3 => uniform(&mut rng, 0.3, 0.8),
            _ => 0.0,
        };
        if mode != 4 {
            let n = ((households as f64 * covered).round() as i64).min(households);
            d.set("sewage_households", Value::Int(n));
        }
        let controlled = if mode == 4 {
            t.controlled * 0.4
        } else {
            t.controlled
        };
        d.set(
            "sewage_controlled",
            Value::Bool(rng.random_bool(controlled)),
        );
        let (produced, utilized) = if rng.random_bool(0.12) {
            (0, 0)
        } else {
            let p = (households as f64 * uniform(&mut rng, 0.3, 3.0) * 10.0).round() as i64;
            let f = (t.scattered_use + 0.08 * normal(&mut rng)).clamp(0.2, 1.0);
            (p, ((p as f64 * f).round() as i64).min(p))
        };
        d.set("manure_scattered_produced_t", tonnes(produced));
        d.set("manure_scattered_utilized_t", tonnes(utilized));
        let farms = pick(&mut rng, &t.farms_mix);
        let stem = village_stem(name);
        let mut rows = Vec::new();
        for i in 0..farms {
            rows.push(self.farm(&mut rng, t, stem, i));
        }
        if !rows.is_empty() {
            d.groups.insert("farms".into(), rows);
        }
        if rng.random_bool(0.06) {
            d.set(
                "notes",
                Value::Text(NOTES[rng.random_range(0..NOTES.len())].into()),
            );
        }
        let finalized = self.finalized_at(&mut rng, day);
        let mut out = vec![self.revision(code, 0, &surveyor, &finalized, &d)];
        if rng.random_bool(0.005) {
            let (dup, who, day2) = self.duplicate(&mut rng, t, &d, &surveyor, day);
            let finalized = self.finalized_at(&mut rng, day2);
            out.push(self.revision(code, 1, &who, &finalized, &dup));
        }
        out
    }

    fn farm(&self, rng: &mut ChaCha8Rng, t: &Township, stem: &str, i: usize) -> Row {
        let s = pick(rng, &t.species_mix);
        let species = SPECIES[s];
        let head = match self.thresholds.get(species) {
            Some(&th) if th > 1 => match rng.random::<f64>() {
                x if x < 0.25 => rng.random_range((th / 5).max(1)..th),
                x if x < 0.33 => th,
                _ => (th as f64 * uniform(rng, 1.0, 6.0)).round() as i64 + 1,
            },
            _ => rng.random_range(200..20000),
        };
        let matched = rng.random_bool(t.facilities_p);
        let produced =
            (head as f64 * MANURE_T_PER_HEAD[s] * uniform(rng, 0.8, 1.2) * 10.0).round() as i64;
        let used = if matched {
            uniform(rng, 0.82, 0.98)
        } else {
            uniform(rng, 0.35, 0.75)
        };
        let utilized = ((produced as f64 * used).round() as i64).min(produced);
        let label = self
            .species_label
            .get(species)
            .map(String::as_str)
            .unwrap_or(words::DEMO_LIVESTOCK);
        let nth = words::demo_nth(i);
        let name = match rng.random_range(0..4) {
            0 => words::demo_farm(stem, label, nth),
            1 => words::demo_farm(&person(rng), label, nth),
            2 => words::demo_cooperative(stem, label, nth),
            _ => words::demo_family_farm(&person(rng), nth),
        };
        Row {
            id: format!("{:04}", i + 1),
            values: BTreeMap::from([
                ("farm_name".into(), Value::Text(name)),
                ("species".into(), Value::Text(species.into())),
                ("head_count".into(), Value::Int(head)),
                ("facilities_matched".into(), Value::Bool(matched)),
                ("manure_produced_t".into(), tonnes(produced)),
                ("manure_utilized_t".into(), tonnes(utilized)),
            ]),
        }
    }

    /// A second record of the same village by another surveyor, a few days later, with
    /// slightly different counts (what a township meets when two teams visit a village).
    fn duplicate(
        &self,
        rng: &mut ChaCha8Rng,
        t: &Township,
        first: &RecordData,
        surveyor: &str,
        day: i64,
    ) -> (RecordData, String, i64) {
        let mut d = first.clone();
        let who = t
            .surveyors
            .iter()
            .find(|s| s.as_str() != surveyor)
            .cloned()
            .unwrap_or_else(|| words::demo_second_surveyor(surveyor));
        let day = day + rng.random_range(1..=15);
        d.set("survey_date", Value::Text(self.date(day)));
        d.set("surveyor", Value::Text(who.clone()));
        let int = |d: &RecordData, k: &str| d.get(k).as_f64().unwrap_or(0.0) as i64;
        let floor = TOILET_TYPES
            .iter()
            .chain(["toilet_other_sanitary"].iter())
            .map(|k| int(&d, k))
            .sum::<i64>()
            .max(int(&d, "sewage_households"));
        let households =
            (int(&d, "households") + rng.random_range(-4..=6)).clamp(floor.max(80), 900);
        d.set("households", Value::Int(households));
        let population = int(&d, "population").max(households) + rng.random_range(0..=12);
        d.set("population", Value::Int(population));
        let tc = int(&d, "toilet_three_compartment");
        let room = households - floor;
        d.set(
            "toilet_three_compartment",
            Value::Int((tc + rng.random_range(-3..=3)).clamp(0, tc + room)),
        );
        if rng.random_bool(0.3) {
            let k = GARBAGE[rng.random_range(0..GARBAGE.len())];
            let v = d.get(k).as_bool().unwrap_or(true);
            d.set(k, Value::Bool(!v));
        }
        (d, who, day)
    }

    /// The round's year's date `day` days after 1 January (kept within the year).
    fn date(&self, day: i64) -> String {
        let jan1 = jiff::civil::Date::new(self.year, 1, 1).unwrap_or_default();
        let last = jan1.days_in_year() as i64 - 1;
        jan1.checked_add(jiff::Span::new().days(day.clamp(0, last)))
            .unwrap_or(jan1)
            .to_string()
    }

    fn finalized_at(&self, rng: &mut ChaCha8Rng, day: i64) -> String {
        format!(
            "{}T{:02}:{:02}:{:02}+08:00",
            self.date(day),
            rng.random_range(16..22),
            rng.random_range(0..60),
            rng.random_range(0..60)
        )
    }

    fn revision(
        &self,
        code: &str,
        copy: u32,
        who: &str,
        finalized_at: &str,
        raw: &RecordData,
    ) -> Revision {
        // A version-8 (custom) UUID, the same on a rerun: the village code in the first
        // five bytes, so that ids sort like villages and a large load appends to the
        // tables keyed by record id instead of writing all over them; then a hash of
        // (seed, village, round, copy).
        let digest = Sha256::digest(
            format!("{}\u{ff}{code}\u{ff}{}\u{ff}{copy}", self.seed, self.round).as_bytes(),
        );
        let village = code.parse::<u64>().unwrap_or(0).to_be_bytes();
        let mut bytes = [0u8; 16];
        bytes[..5].copy_from_slice(&village[3..]);
        bytes[5..].copy_from_slice(&digest[..11]);
        Revision {
            record_id: uuid::Builder::from_custom_bytes(bytes)
                .into_uuid()
                .to_string(),
            rev: 1,
            parent_hash: None,
            form_id: self.form.id.clone(),
            form_version: self.form.version,
            village_code: code.to_string(),
            round: self.round.clone(),
            finalized_at: finalized_at.to_string(),
            finalized_by: who.to_string(),
            data: self.form.finalized_data(raw),
            changes: Vec::new(),
        }
    }
}

fn tonnes(tenths: i64) -> Value {
    Value::Dec(tenths as f64 / 10.0)
}

/// A village's name without the committee suffix, for farm names: 秋庄村委会 → 秋庄.
fn village_stem(name: &str) -> &str {
    words::DEMO_VILLAGE_SUFFIXES
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .filter(|s| !s.is_empty())
        .unwrap_or(name)
}

/// The records demo generation makes for one village (empty when it is left
/// unreported), exactly as `generate` stores them: for tests and tools.
pub fn village_records(
    form: &Form,
    seed: u64,
    round: &str,
    code: &str,
    name: &str,
) -> Vec<Revision> {
    let maker = Generator::new(form, seed, round);
    let t = maker.township(&code[..9.min(code.len())]);
    maker.village(&t, code, name)
}

#[cfg(test)]
mod tests;
