//! What the bundle tests share: installations (a data directory, its store and key),
//! plausible finalized revisions made directly through the store API, export and import
//! through the library, and the two views of "the same state": the canonical dump of the
//! fact tables and the report.
#![allow(dead_code)]

use ruralenv::bundle::exchange::{
    ExportRequest, ExportSummary, ImportError, ImportSummary, export_bundle, import_bundle,
};
use ruralenv::bundle::keys::InstallationKey;
use ruralenv::forms::record::{RecordData, Row};
use ruralenv::forms::value::Value;
use ruralenv::forms::{Form, FormSet};
use ruralenv::report::rollup::{Depth, rollup};
use ruralenv::store::{Resolution, Review, ReviewAction, Revision, Store};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub const ROUND: &str = "2020";
/// 邓庄街道 and 五女店镇, townships of 建安区 (许昌市) in the built-in register.
pub const TOWNSHIP_A: &str = "411003003000";
pub const TOWNSHIP_B: &str = "411003101000";
pub const COUNTY: &str = "411003000000";
pub const CITY: &str = "411000000000";

pub fn forms() -> &'static FormSet {
    static FORMS: OnceLock<FormSet> = OnceLock::new();
    FORMS.get_or_init(FormSet::builtin)
}

pub fn form() -> &'static Form {
    forms().village_form()
}

/// One installation: a data directory with its database and signing key.
pub struct Site {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub key: InstallationKey,
}

impl Site {
    /// A fresh installation with the built-in forms and register, and a key from `seed`.
    pub fn new(seed: u8) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let store = ruralenv::context::open_store(dir.path(), forms()).unwrap();
        Site {
            dir,
            store,
            key: InstallationKey::from_seed([seed; 32]),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Trusts `other`'s key for `scope`.
    pub fn trust(&mut self, other: &InstallationKey, scope: &str, name: &str) {
        self.store
            .trust_key(&other.public_hex(), name, scope)
            .unwrap();
    }

    pub fn add(&mut self, revision: &Revision) {
        let form = self
            .store
            .form_version(&revision.form_id, revision.form_version)
            .unwrap();
        self.store
            .transaction(|s| s.merge_revision(revision, &form))
            .unwrap();
    }

    pub fn add_review(&mut self, review: &Review) {
        self.store.merge_review(review).unwrap();
    }

    pub fn add_resolution(&mut self, resolution: &Resolution) {
        self.store
            .transaction(|s| s.merge_resolution(resolution))
            .unwrap();
    }

    pub fn export(&self, under: &str, out: &Path) -> ExportSummary {
        self.try_export(under, out).unwrap()
    }

    pub fn try_export(
        &self,
        under: &str,
        out: &Path,
    ) -> Result<ExportSummary, ruralenv::bundle::exchange::ExportError> {
        let request = ExportRequest {
            under,
            round: ROUND,
            exporter_name: "test site",
            out,
        };
        export_bundle(&self.store, &self.key, &request, &mut |_| {})
    }

    pub fn import(&mut self, path: &Path) -> Result<ImportSummary, ImportError> {
        import_bundle(&mut self.store, path, &mut |_| {})
    }

    /// Every fact and what is derived from them.
    pub fn state(&self) -> String {
        self.store.canonical_dump().unwrap()
    }

    /// The report for `under` as JSON, without the time it was made.
    pub fn report(&self, under: &str) -> serde_json::Value {
        let unit = self.store.division(under).unwrap().unwrap();
        let report = rollup(&self.store, forms(), ROUND, &unit, Depth::Villages).unwrap();
        let mut json = ruralenv::report::writers::to_json(&report);
        json.as_object_mut().unwrap().remove("generated_at");
        json
    }

    /// Open conflicts with their candidates, as JSON.
    pub fn conflicts(&self) -> serde_json::Value {
        serde_json::to_value(self.store.conflict_details(Some(ROUND)).unwrap()).unwrap()
    }
}

/// The first line where two canonical dumps differ, with the table it is in; None when
/// they are equal. (The dumps are long: a whole dump in a failure message hides the point.)
pub fn first_difference(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    let mut table = "";
    let (mut e, mut a) = (expected.lines(), actual.lines());
    loop {
        match (e.next(), a.next()) {
            (Some(x), Some(y)) if x == y => {
                if x.starts_with('[') {
                    table = x;
                }
            }
            (x, y) => {
                return Some(format!(
                    "in {table}:\n  expected: {}\n  actual:   {}",
                    x.unwrap_or("(end)"),
                    y.unwrap_or("(end)")
                ));
            }
        }
    }
}

/// A folder for the thousands of damaged copies the tests write: in memory where the
/// system has one (rewriting a file on disk costs milliseconds on these machines).
pub fn scratch_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().unwrap()
}

/// Villages in scope under 邓庄街道 (A) and 五女店镇 (B).
pub fn villages_a() -> Vec<String> {
    (204..=209).map(|n| format!("411003003{n}")).collect()
}

pub fn villages_b() -> Vec<String> {
    let store = &Site::new(0).store;
    let unit = store.division(TOWNSHIP_B).unwrap().unwrap();
    store
        .divisions_under(Some(&unit), Some(ruralenv::register::Level::Village), true)
        .unwrap()
        .into_iter()
        .take(6)
        .map(|d| d.code)
        .collect()
}

/// A small deterministic generator (SplitMix64), so that a seed names a record.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// In `lo..=hi`.
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
    pub fn yes(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Plausible, valid, finalized values for one village survey.
pub fn village_data(seed: u64) -> RecordData {
    let mut rng = Rng::new(seed);
    let h = rng.int(40, 900);
    let mut d = RecordData::default();
    let int = |d: &mut RecordData, k: &str, v: i64| d.set(k, Value::Int(v));
    d.set(
        "survey_date",
        Value::Text(format!("2020-{:02}-{:02}", rng.int(4, 9), rng.int(1, 28))),
    );
    let surveyors = ["王建国", "李秀英", "张伟", "刘洋"];
    d.set(
        "surveyor",
        Value::Text(surveyors[rng.int(0, 3) as usize].into()),
    );
    int(&mut d, "households", h);
    int(&mut d, "population", h * rng.int(25, 42) / 10);
    for k in [
        "garbage_facilities",
        "garbage_technology",
        "garbage_cleaners",
        "garbage_funding",
        "garbage_supervision",
    ] {
        d.set(k, Value::Bool(rng.yes(85)));
    }
    let mut left = h;
    for k in [
        "toilet_three_compartment",
        "toilet_double_urn",
        "toilet_biogas",
        "toilet_urine_diverting",
        "toilet_double_pit",
        "toilet_sewered_flush",
        "toilet_other_sanitary",
    ] {
        let n = rng.int(0, left / 3);
        left -= n;
        int(&mut d, k, n);
    }
    let modes = ["sewer", "central", "decentral", "reuse", "none"];
    let mode = modes[rng.int(0, 4) as usize];
    d.set("sewage_mode", Value::Text(mode.into()));
    if mode != "none" {
        int(&mut d, "sewage_households", rng.int(0, h));
    }
    d.set("sewage_controlled", Value::Bool(rng.yes(70)));
    let produced = rng.int(0, 4000) as f64 / 4.0;
    d.set("manure_scattered_produced_t", Value::Dec(produced));
    d.set(
        "manure_scattered_utilized_t",
        Value::Dec((produced * rng.int(0, 100) as f64 / 100.0).floor()),
    );
    let species = ["pig", "dairy", "beef", "sheep", "layer", "broiler", "other"];
    let farms: Vec<Row> = (0..rng.int(0, 2))
        .map(|i| {
            let produced = rng.int(10, 5000) as f64;
            let values = BTreeMap::from([
                (
                    "farm_name".to_string(),
                    Value::Text(format!("第{}养殖场", i + 1)),
                ),
                (
                    "species".to_string(),
                    Value::Text(species[rng.int(0, 6) as usize].into()),
                ),
                ("head_count".to_string(), Value::Int(rng.int(10, 20000))),
                ("facilities_matched".to_string(), Value::Bool(rng.yes(80))),
                ("manure_produced_t".to_string(), Value::Dec(produced)),
                (
                    "manure_utilized_t".to_string(),
                    Value::Dec((produced * rng.int(30, 100) as f64 / 100.0).floor()),
                ),
            ]);
            Row {
                id: format!("{:04}", i + 1),
                values,
            }
        })
        .collect();
    if !farms.is_empty() {
        d.groups.insert("farms".into(), farms);
    }
    if rng.yes(20) {
        d.set("notes", Value::Text("村委会台账，2020年复核".into()));
    }
    let fin = form().finalized_data(&d);
    let issues = form().validate(&fin);
    assert!(issues.is_empty(), "generated data invalid: {issues:?}");
    fin
}

/// A finalized revision of `record_id` for `village` (rev 1 has no parent).
pub fn revision(
    village: &str,
    record_id: &str,
    rev: u32,
    parent: Option<String>,
    finalized_at: &str,
    data: RecordData,
) -> Revision {
    Revision {
        record_id: record_id.to_string(),
        rev,
        parent_hash: parent,
        form_id: form().id.clone(),
        form_version: form().version,
        village_code: village.to_string(),
        round: ROUND.to_string(),
        finalized_at: finalized_at.to_string(),
        finalized_by: "测试员".to_string(),
        data,
        changes: Vec::new(),
    }
}

pub fn review(r: &Revision, id: &str, action: ReviewAction, at: &str) -> Review {
    Review {
        review_id: id.to_string(),
        record_id: r.record_id.clone(),
        rev: r.rev,
        hash: r.hash(),
        action,
        comment: match action {
            ReviewAction::Approve => String::new(),
            ReviewAction::Return => "请核对户数".into(),
        },
        who: "镇审核员".into(),
        at: at.to_string(),
    }
}

pub fn resolution(r: &Revision, id: &str, kind: &str, at: &str) -> Resolution {
    Resolution {
        resolution_id: id.to_string(),
        kind: kind.to_string(),
        form_id: r.form_id.clone(),
        village_code: r.village_code.clone(),
        round: r.round.clone(),
        record_id: r.record_id.clone(),
        rev: r.rev,
        hash: r.hash(),
        who: "镇审核员".into(),
        at: at.to_string(),
    }
}

/// A site with one finalized revision in each village of township A, exported to a
/// bundle in `dir`; returns the site and the bundle's path.
pub fn sample_bundle(seed: u8, dir: &Path) -> (Site, PathBuf) {
    let mut site = Site::new(seed);
    for (i, v) in villages_a().iter().enumerate() {
        let r = revision(
            v,
            &format!(
                "0190a1b2-0000-7000-8000-{:012}",
                u64::from(seed) * 100 + i as u64
            ),
            1,
            None,
            "2020-06-15T10:00:00+08:00",
            village_data(i as u64),
        );
        site.add(&r);
        if i == 0 {
            site.add_review(&review(
                &r,
                &format!("rv-{seed}"),
                ReviewAction::Approve,
                "2020-07-01T09:00:00+08:00",
            ));
        }
    }
    let path = dir.join(format!("site{seed}.renv"));
    site.export(TOWNSHIP_A, &path);
    (site, path)
}

/// Reads a bundle's manifest and facts, lets `edit` change them, and signs the result
/// with `key` as a new bundle at `out` (what a trusted but faulty or hostile signer sends).
pub fn resign(
    key: &InstallationKey,
    original: &Path,
    out: &Path,
    edit: impl FnOnce(&mut ruralenv::bundle::format::Manifest, &mut Vec<serde_json::Value>),
) -> PathBuf {
    use ruralenv::bundle::format::{Limits, open_bundle, write_bundle};
    let bundle = open_bundle(original, &Limits::default()).unwrap();
    let mut manifest = bundle.manifest.clone();
    manifest.bundle_id = ruralenv::store::new_id();
    let mut facts: Vec<serde_json::Value> = bundle.facts().map(|f| f.unwrap()).collect();
    edit(&mut manifest, &mut facts);
    write_bundle(out, key, manifest, facts).unwrap();
    out.to_path_buf()
}

/// Recomputes a revision fact's hash after its content was edited.
pub fn rehash(fact: &mut serde_json::Value) {
    let r: Revision = serde_json::from_value(fact["revision"].clone()).unwrap();
    fact["hash"] = serde_json::json!(r.hash());
}
