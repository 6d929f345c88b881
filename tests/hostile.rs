//! What a trusted but faulty or hostile signer can send (issue 11): each test is named
//! after the finding it guards, and fails on the code before the fix.

mod bundle_support;
mod raw_bundle;

use bundle_support::*;
use ruralenv::bundle::exchange::{ImportErrorKind, import_bundle};
use ruralenv::bundle::format::{Limits, Manifest, open_bundle, write_bundle};
use ruralenv::bundle::keys::InstallationKey;
use ruralenv::store::{FinalizeResult, MAX_REV};
use serde_json::{Value, json};
use std::fs;
use std::path::Path;

/// A county that trusts `key` for township A.
fn county_trusting(key: &InstallationKey) -> Site {
    let mut county = Site::new(50);
    county.trust(key, TOWNSHIP_A, "邓庄街道 调查员");
    county
}

/// Imports `path` into `site`, which must refuse it and stay exactly as it was; returns
/// the message.
fn refused(site: &mut Site, path: &Path) -> String {
    let before = site.state();
    let err = site.import(path).expect_err("the bundle was accepted");
    assert_eq!(
        site.state(),
        before,
        "a refused bundle changed the database"
    );
    let message = err.to_string();
    assert!(
        message.contains(&path.display().to_string()),
        "the message does not name the file: {message}"
    );
    message
}

/// Leaves the reviews out, and says so in the manifest.
fn drop_reviews(m: &mut Manifest, facts: &mut Vec<Value>) {
    facts.retain(|f| f["kind"] != "review");
    m.counts.remove("reviews");
}

fn first_revision(facts: &mut [Value]) -> &mut Value {
    facts.iter_mut().find(|f| f["kind"] == "revision").unwrap()
}

/// A new form version whose `households` constraint is nested `depth` parentheses deep.
fn deep_form(facts: &mut [Value], depth: usize) {
    let f = &mut facts.iter_mut().find(|f| f["kind"] == "form").unwrap()["form"];
    let deep = format!(
        "constraint = \"{}. >= 0{}\"",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let source = f["source"]
        .as_str()
        .unwrap()
        .replacen("version = 2", "version = 3", 1)
        .replacen("constraint = \". >= 0 and . <= 20000\"", &deep, 1);
    assert!(source.contains(&"(".repeat(depth)));
    f["source"] = json!(source);
    f["version"] = json!(3);
}

#[test]
fn crash_form_fact_nested_thousands_deep_is_refused_at_import() {
    let t = tempfile::tempdir().unwrap();
    let (source, path) = sample_bundle(11, t.path());
    for depth in [1_500, 4_500] {
        let p = resign(
            &source.key,
            &path,
            &t.path().join(format!("deep{depth}.renv")),
            |m, facts| {
                deep_form(facts, depth);
                m.forms = vec!["village@3".into()];
            },
        );
        // On a worker thread with the default 2 MiB stack, as the TUI imports.
        let key = source.key.public_bytes();
        let message = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                let mut county = county_trusting(&InstallationKey::from_seed([11; 32]));
                assert_eq!(county.key.public_bytes().len(), key.len());
                refused(&mut county, &p)
            })
            .unwrap()
            .join()
            .expect("the import thread crashed");
        assert!(
            message.contains("nested more than 64") || message.contains("more than the 4096"),
            "{message}"
        );
        assert!(
            message.contains("form village@3 does not load"),
            "{message}"
        );
    }
}

#[test]
fn wrap_revision_number_4294967295_is_refused_and_the_limit_never_wraps() {
    let t = tempfile::tempdir().unwrap();
    let (source, path) = sample_bundle(12, t.path());
    let mut county = county_trusting(&source.key);
    for rev in [u32::MAX, MAX_REV + 1, 0] {
        let p = resign(
            &source.key,
            &path,
            &t.path().join(format!("rev{rev}.renv")),
            |_, facts| {
                let f = first_revision(facts);
                f["revision"]["rev"] = json!(rev);
                rehash(f);
                facts.retain(|f| f["kind"] != "review");
            },
        );
        let message = refused(&mut county, &p);
        assert!(message.contains("field rev"), "{message}");
    }
    // At the limit: accepted; the next local edit is refused, not wrapped to 0.
    let p = resign(
        &source.key,
        &path,
        &t.path().join("revmax.renv"),
        |m, facts| {
            let f = first_revision(facts);
            f["revision"]["rev"] = json!(MAX_REV);
            rehash(f);
            drop_reviews(m, facts);
        },
    );
    county.import(&p).unwrap();
    let village = &villages_a()[0];
    let record = county
        .store
        .records_of(&form().id, village, ROUND)
        .unwrap()
        .into_iter()
        .find(|r| r.latest.as_ref().is_some_and(|l| l.0 == MAX_REV))
        .expect("the record at the limit");
    county
        .store
        .start_revision(&record.record_id, "测试员")
        .unwrap();
    let err = county
        .store
        .finalize(&record.record_id, form(), "测试员")
        .map(|r| matches!(r, FinalizeResult::Finalized(_)))
        .expect_err("a revision past the limit was made");
    assert!(err.to_string().contains("outside 1 to 1000000"), "{err}");
}

#[test]
fn lax_facts_unknown_keys_inside_revision_data_and_farm_rows_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let (source, path) = sample_bundle(13, t.path());
    let mut county = county_trusting(&source.key);
    let p = resign(&source.key, &path, &t.path().join("d.renv"), |_, facts| {
        let f = first_revision(facts);
        // Unknown keys are refused while parsing, before the hash is compared.
        f["revision"]["data"]["comment"] = json!("hidden");
    });
    assert!(refused(&mut county, &p).contains("unknown field `comment`"));
    let p = resign(&source.key, &path, &t.path().join("r.renv"), |_, facts| {
        let f = first_revision(facts);
        f["revision"]["data"]["groups"]["farms"] =
            json!([{"id": "0001", "values": {}, "owner": "x"}]);
    });
    assert!(refused(&mut county, &p).contains("unknown field `owner`"));
    let p = resign(&source.key, &path, &t.path().join("c.renv"), |_, facts| {
        let f = first_revision(facts);
        f["revision"]["changes"] = json!([{"field": "households", "old": 1, "new": 2, "by": "x"}]);
    });
    assert!(refused(&mut county, &p).contains("unknown field `by`"));
    county.import(&path).unwrap();
}

#[test]
fn lax_facts_duplicate_json_keys_and_crlf_lines_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let (source, path) = sample_bundle(14, t.path());
    let mut county = county_trusting(&source.key);
    let (manifest, lines) = raw_bundle::lines(&path);
    let n = lines
        .iter()
        .position(|l| l.contains("\"kind\":\"revision\""))
        .unwrap();
    // The same key twice in the values: a reader keeping the last would count 900.
    let mut dup = lines.clone();
    let at = dup[n].find("\"households\":").unwrap();
    dup[n].insert_str(at, "\"households\":900,");
    let p = t.path().join("dup.renv");
    fs::write(&p, raw_bundle::sign_lines(&source.key, &manifest, &dup)).unwrap();
    let message = refused(&mut county, &p);
    assert!(
        message.contains("\"households\" appears twice"),
        "{message}"
    );
    // The same, escaped differently.
    let mut dup = lines.clone();
    dup[n].insert_str(at, "\"house\\u0068olds\":900,");
    fs::write(&p, raw_bundle::sign_lines(&source.key, &manifest, &dup)).unwrap();
    assert!(refused(&mut county, &p).contains("appears twice"));
    // CRLF line endings.
    let crlf: Vec<String> = lines.iter().map(|l| format!("{l}\r")).collect();
    let p = t.path().join("crlf.renv");
    fs::write(&p, raw_bundle::sign_lines(&source.key, &manifest, &crlf)).unwrap();
    assert!(refused(&mut county, &p).contains("CRLF"));
    // The untouched lines, re-signed the same way, go in (the helper is not the cause).
    let p = t.path().join("same.renv");
    fs::write(&p, raw_bundle::sign_lines(&source.key, &manifest, &lines)).unwrap();
    county.import(&p).unwrap();
}

#[test]
fn lax_facts_finalized_at_and_review_times_are_validated() {
    let t = tempfile::tempdir().unwrap();
    let (source, path) = sample_bundle(15, t.path());
    let mut county = county_trusting(&source.key);
    for bad in [
        "zzzz",
        "2020-06-15",
        "9999-01-01T00:00:00Z",
        "2020-06-15T10:00:00+08:00\u{0}",
    ] {
        let p = resign(&source.key, &path, &t.path().join("f.renv"), |_, facts| {
            let f = first_revision(facts);
            f["revision"]["finalized_at"] = json!(bad);
            rehash(f);
            facts.retain(|f| f["kind"] != "review");
        });
        let message = refused(&mut county, &p);
        assert!(message.contains("finalized_at"), "{bad}: {message}");
    }
    let p = resign(&source.key, &path, &t.path().join("v.renv"), |_, facts| {
        let r = facts.iter_mut().find(|f| f["kind"] == "review").unwrap();
        r["review"]["at"] = json!("zzzz");
    });
    let message = refused(&mut county, &p);
    assert!(message.contains("field at"), "{message}");
    assert!(message.contains("not a time"), "{message}");
}

#[test]
fn lax_facts_bundle_id_reused_by_another_trusted_key_does_not_block_the_genuine_bundle() {
    let t = tempfile::tempdir().unwrap();
    let (source, path) = sample_bundle(16, t.path());
    let genuine = open_bundle(&path, &Limits::default()).unwrap().manifest;
    let other = InstallationKey::from_seed([17; 32]);
    let mut county = county_trusting(&source.key);
    county.trust(&other, TOWNSHIP_B, "五女店镇");
    // The other key sends an empty bundle that carries the genuine bundle's id.
    let squatter = t.path().join("squatter.renv");
    let mut m = genuine.clone();
    m.counts.clear();
    m.forms.clear();
    m.exporter_scope = TOWNSHIP_B.into();
    write_bundle(&squatter, &other, m, Vec::<Value>::new()).unwrap();
    let s = county.import(&squatter).unwrap();
    assert!(!s.already_imported);
    // The genuine bundle still goes in, whole.
    let s = county.import(&path).unwrap();
    assert!(
        !s.already_imported,
        "the genuine bundle was taken as imported"
    );
    assert_eq!(s.revisions_new, 6);
    assert_eq!(county.report(TOWNSHIP_A), source.report(TOWNSHIP_A));
    // Each is "already imported" from its own key afterwards.
    assert!(county.import(&path).unwrap().already_imported);
    assert!(county.import(&squatter).unwrap().already_imported);
    // The other order too.
    let mut county = county_trusting(&source.key);
    county.trust(&other, TOWNSHIP_B, "五女店镇");
    county.import(&path).unwrap();
    assert!(!county.import(&squatter).unwrap().already_imported);
}

#[test]
fn lax_facts_untrusted_signers_bundle_is_refused_before_anything_is_decompressed() {
    let t = tempfile::tempdir().unwrap();
    let (source, path) = sample_bundle(18, t.path());
    let stranger = InstallationKey::from_seed([19; 32]);
    let mut county = county_trusting(&source.key);
    // Signed by a stranger; the payload is not even DEFLATE. A reader that decompressed
    // before checking the signer would say "damaged"; the trust check comes first.
    let (manifest, _) = raw_bundle::lines(&path);
    let mut file = raw_bundle::sign_payload(&stranger, &manifest, b"");
    // Replace the (empty) compressed payload with garbage and re-sign.
    let body_start = 50 + 4 + u32::from_le_bytes(file[50..54].try_into().unwrap()) as usize;
    file.truncate(body_start);
    file.extend_from_slice(&[0xFF; 4096]);
    let body_len = (file.len() - 50) as u64;
    file[42..50].copy_from_slice(&body_len.to_le_bytes());
    let signature = stranger.sign(&file);
    file.extend_from_slice(&signature);
    let p = t.path().join("stranger.renv");
    fs::write(&p, &file).unwrap();
    let err = import_bundle(&mut county.store, &p, &mut |_| {}).unwrap_err();
    assert!(
        matches!(err.kind(), ImportErrorKind::UnknownKey { .. }),
        "{err}"
    );
    // The same garbage from the trusted key is refused as damaged.
    let mut file = file[..file.len() - 64].to_vec();
    file[10..42].copy_from_slice(&source.key.public_bytes());
    let signature = source.key.sign(&file);
    file.extend_from_slice(&signature);
    fs::write(&p, &file).unwrap();
    let message = refused(&mut county, &p);
    assert!(message.contains("compressed data is damaged"), "{message}");
}

#[test]
fn unbounded_numbers_1e308_in_two_villages_is_refused_and_reports_stay_finite() {
    let t = tempfile::tempdir().unwrap();
    let (source, path) = sample_bundle(20, t.path());
    let mut county = county_trusting(&source.key);
    for (n, big) in [json!(1e308), json!(-1e308), json!(10_000_001), json!(1e13)]
        .into_iter()
        .enumerate()
    {
        let p = resign(
            &source.key,
            &path,
            &t.path().join(format!("big{n}.renv")),
            |m, facts| {
                let mut done = 0;
                for f in facts.iter_mut().filter(|f| f["kind"] == "revision").take(2) {
                    let v = &mut f["revision"]["data"]["values"];
                    v["manure_scattered_produced_t"] = big.clone();
                    v["manure_scattered_utilized_t"] = json!(0.0);
                    rehash(f);
                    done += 1;
                }
                assert_eq!(done, 2);
                drop_reviews(m, facts);
            },
        );
        let message = refused(&mut county, &p);
        assert!(
            message.contains("field manure_scattered_produced_t"),
            "{message}"
        );
        assert!(message.contains("out of range"), "{message}");
    }
    // A form whose indicator multiplies bounded values: the product is refused where it
    // would be stored, so no roll-up sums it.
    let p = resign(
        &source.key,
        &path,
        &t.path().join("product.renv"),
        |m, facts| {
            let f = &mut facts.iter_mut().find(|f| f["kind"] == "form").unwrap()["form"];
            let cube = "manure_scattered_produced_t * manure_scattered_produced_t * manure_scattered_produced_t";
            let source = f["source"]
            .as_str()
            .unwrap()
            .replacen("version = 2", "version = 3", 1)
            .replacen(
                "denominator = \"coalesce(manure_scattered_produced_t, 0) + sum(farms, manure_produced_t)\"",
                &format!("denominator = \"{cube}\""),
                1,
            );
            assert!(source.contains(cube));
            f["source"] = json!(source);
            f["version"] = json!(3);
            m.forms = vec!["village@3".into()];
            for r in facts.iter_mut().filter(|f| f["kind"] == "revision") {
                r["revision"]["form_version"] = json!(3);
                r["revision"]["data"]["values"]["manure_scattered_produced_t"] = json!(9_000_000.0);
                r["revision"]["data"]["values"]["manure_scattered_utilized_t"] = json!(0.0);
                rehash(r);
            }
            drop_reviews(m, facts);
        },
    );
    let message = refused(&mut county, &p);
    assert!(
        message.contains("beyond the largest a record may contribute"),
        "{message}"
    );
    // The genuine bundle goes in, and every figure of the report is a finite number.
    county.import(&path).unwrap();
    let report = county.report(COUNTY).to_string();
    assert!(
        !report.contains("inf") && !report.contains("NaN"),
        "{report}"
    );
}

#[test]
fn unbounded_numbers_a_carried_form_without_max_is_bounded_by_the_largest_number() {
    let t = tempfile::tempdir().unwrap();
    let (source, path) = sample_bundle(21, t.path());
    let mut county = county_trusting(&source.key);
    let p = resign(
        &source.key,
        &path,
        &t.path().join("nomax.renv"),
        |m, facts| {
            let f = &mut facts.iter_mut().find(|f| f["kind"] == "form").unwrap()["form"];
            let source = f["source"]
                .as_str()
                .unwrap()
                .replacen("version = 2", "version = 3", 1)
                .replace("max = 10000000\n", "");
            f["source"] = json!(source);
            f["version"] = json!(3);
            m.forms = vec!["village@3".into()];
        },
    );
    // A form from before every number field declared `max` (an older ruralenv's) still
    // imports: its records must travel. Such a field holds at most the largest number.
    county.import(&p).unwrap();
    let form = county.store.form_version("village", 3).unwrap();
    let bounds: Vec<Option<f64>> = form
        .fields
        .iter()
        .chain(form.groups.iter().flat_map(|g| g.fields.iter()))
        .filter(|f| {
            matches!(
                f.ty,
                ruralenv::forms::FieldType::Integer | ruralenv::forms::FieldType::Decimal
            )
        })
        .map(|f| f.max)
        .collect();
    assert!(!bounds.is_empty());
    assert!(bounds.iter().all(Option::is_some), "{bounds:?}");
    assert!(bounds.contains(&Some(ruralenv::forms::schema::MAX_NUMBER)));
    // The county's own forms directory must still declare every max (`forms check`).
    let strict = ruralenv::forms::schema::load_form("x", &form.source, &form.tables);
    assert!(strict.is_err());
}

/// Found while attacking (beyond the issue): a carried form with 20,000 fields took more
/// than ten minutes to load (line numbers were found by rescanning the file for every
/// field), on every import that carried it. Now a form holds at most 1,000 fields and
/// 1 MiB, and a large one loads in linear time.
#[test]
fn attack_a_form_with_thousands_of_fields_is_refused_quickly() {
    use ruralenv::forms::schema::{MAX_FORM_FIELDS, load_form};
    let field = |i: usize| {
        format!(
            "[[field]]\nname = \"f{i}\"\ntype = \"integer\"\nmax = 10\n\
             label = {{ zh = \"x\", en = \"x\" }}\nconstraint = \". >= 0\"\n"
        )
    };
    let head = "[form]\nid = \"x\"\nversion = 1\ntitle = { zh = \"x\", en = \"x\" }\n";
    let many: String = std::iter::once(head.to_string())
        .chain((0..20_000).map(field))
        .collect();
    let errors = load_form("x", &many, &Default::default()).unwrap_err();
    assert!(
        errors[0].reason.en.contains("at most 1048576 bytes"),
        "{errors:?}"
    );
    let compact: String = std::iter::once(head.to_string())
        .chain((0..5_000).map(|i| {
            format!("[[field]]\nname=\"f{i}\"\ntype=\"text\"\nlabel={{zh=\"x\",en=\"x\"}}\n")
        }))
        .collect();
    assert!(compact.len() < 1024 * 1024);
    let errors = load_form("x", &compact, &Default::default()).unwrap_err();
    assert!(
        errors[0].reason.en.contains("at most 1000 fields"),
        "{errors:?}"
    );
    let at_limit: String = std::iter::once(head.to_string())
        .chain((0..MAX_FORM_FIELDS).map(field))
        .collect();
    let form = load_form("x", &at_limit, &Default::default()).unwrap();
    assert_eq!(form.fields.len(), MAX_FORM_FIELDS);
    // The name of the last field: four header lines, six per field.
    assert_eq!(
        form.fields[MAX_FORM_FIELDS - 1].line,
        6 + 6 * (MAX_FORM_FIELDS - 1)
    );
}
