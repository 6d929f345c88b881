//! What a bundle's payload means: each line is one fact, a JSON object whose `kind` says
//! which. Four kinds, specified in `docs/bundle-format.md` ("Facts"):
//!
//! - `form`: a form version the revisions were filled with (its TOML source and tables);
//! - `revision`: an immutable finalized revision, with the hash the exporter computed;
//! - `review`: an approval or a return, of one revision;
//! - `resolution`: a person's choice among forks or duplicates.
//!
//! Parsing is strict (unknown kinds and unknown fields are refused), and every string is
//! checked for control characters with a path that names the field, because text from a
//! bundle ends up on terminals.

use crate::forms::Tables;
use crate::forms::schema::Form;
use crate::store::{Resolution, Review, Revision};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A form version carried so that the importer can validate, render and recompute the
/// revisions filled with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormFact {
    pub form_id: String,
    pub version: u32,
    /// The form's TOML source, as stored with the records.
    pub source: String,
    /// Lookup tables the form's expressions use (`table(name, key)`).
    pub tables: Tables,
}

/// A revision and the hash its exporter computed: the lowercase hex SHA-256 of the
/// revision's canonical JSON ([`Revision::hash`]). The importer recomputes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionFact {
    pub hash: String,
    pub revision: Revision,
}

/// One line of a bundle's payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    Form(FormFact),
    Revision(RevisionFact),
    Review(Review),
    Resolution(Resolution),
}

/// The kinds, in the order an exporter writes them.
pub const KINDS: [&str; 4] = ["form", "revision", "review", "resolution"];

/// Plural names used in the manifest's `counts`.
pub fn count_key(kind: &str) -> &'static str {
    match kind {
        "form" => "forms",
        "revision" => "revisions",
        "review" => "reviews",
        _ => "resolutions",
    }
}

impl Fact {
    pub fn kind(&self) -> &'static str {
        match self {
            Fact::Form(_) => "form",
            Fact::Revision(_) => "revision",
            Fact::Review(_) => "review",
            Fact::Resolution(_) => "resolution",
        }
    }

    /// `{"kind": K, K: {…}}`, and for a revision `{"kind": "revision", "hash": …,
    /// "revision": {…}}`. The body sits under its own key because a resolution has a
    /// `kind` field of its own ("fork" or "duplicate").
    pub fn to_json(&self) -> Value {
        let kind = self.kind();
        let body = match self {
            Fact::Form(f) => serde_json::to_value(f),
            Fact::Revision(r) => return tagged(kind, serde_json::to_value(r).unwrap_or_default()),
            Fact::Review(r) => serde_json::to_value(r),
            Fact::Resolution(r) => serde_json::to_value(r),
        };
        let mut out = Map::new();
        out.insert(kind.into(), body.unwrap_or_default());
        tagged(kind, Value::Object(out))
    }

    /// Parses one fact strictly. The error is a sentence for the person importing.
    pub fn from_json(value: Value) -> Result<Fact, String> {
        let Value::Object(mut map) = value else {
            return Err("a fact must be a JSON object".into());
        };
        let kind = match map.remove("kind") {
            Some(Value::String(k)) => k,
            Some(_) => return Err("the fact's kind is not a string".into()),
            None => return Err("the fact has no kind".into()),
        };
        Ok(match kind.as_str() {
            "form" => Fact::Form(body(map, "form")?),
            "revision" => Fact::Revision(
                serde_json::from_value(Value::Object(map))
                    .map_err(|e| format!("invalid revision fact: {e}"))?,
            ),
            "review" => Fact::Review(body(map, "review")?),
            "resolution" => Fact::Resolution(body(map, "resolution")?),
            _ => {
                return Err(format!(
                    "unknown kind of fact '{kind}' (the bundle may come from a newer version \
                     of ruralenv; update it)"
                ));
            }
        })
    }
}

/// The body of a `{"kind": K, K: {…}}` fact (its kind already removed), refusing anything
/// else beside it.
fn body<T: serde::de::DeserializeOwned>(
    mut map: Map<String, Value>,
    key: &str,
) -> Result<T, String> {
    let value = map
        .remove(key)
        .ok_or_else(|| format!("the {key} fact has no \"{key}\" object"))?;
    if let Some(extra) = map.keys().next() {
        return Err(format!("invalid {key} fact: unknown field `{extra}`"));
    }
    serde_json::from_value(value).map_err(|e| format!("invalid {key} fact: {e}"))
}

/// Puts `"kind": kind` first in an object.
pub fn tagged(kind: &str, body: Value) -> Value {
    let mut out = Map::new();
    out.insert("kind".into(), Value::String(kind.into()));
    if let Value::Object(fields) = body {
        out.extend(fields);
    }
    Value::Object(out)
}

/// A revision fact built from a stored revision's canonical JSON text, without
/// re-encoding it (so the exporter carries exactly the bytes it hashed).
pub fn revision_json(hash: &str, canonical: &str) -> Result<Value, serde_json::Error> {
    let revision: Value = serde_json::from_str(canonical)?;
    let mut out = Map::new();
    out.insert("kind".into(), Value::String("revision".into()));
    out.insert("hash".into(), Value::String(hash.into()));
    out.insert("revision".into(), revision);
    Ok(Value::Object(out))
}

/// One step of a path into a fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// The first string (object key or value) in `value` holding a character the terminal-safety
/// rule (`crate::termsafe`) refuses, as a
/// path. In a form's TOML `source` line breaks and tabs are allowed; nowhere else.
pub fn control_char_path(value: &Value) -> Option<Vec<Step>> {
    fn walk(v: &Value, path: &mut Vec<Step>) -> bool {
        match v {
            Value::String(s) => {
                let in_source = matches!(path.as_slice(),
                    [Step::Key(f), Step::Key(k)] if f == "form" && k == "source");
                if in_source {
                    s.chars()
                        .any(|c| crate::termsafe::is_unsafe(c) && !matches!(c, '\n' | '\r' | '\t'))
                } else {
                    crate::termsafe::has_unsafe(s)
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    if walk(item, path) {
                        return true;
                    }
                    path.pop();
                }
                false
            }
            Value::Object(map) => {
                for (k, item) in map {
                    path.push(Step::Key(k.clone()));
                    if crate::termsafe::has_unsafe(k) || walk(item, path) {
                        return true;
                    }
                    path.pop();
                }
                false
            }
            _ => false,
        }
    }
    let mut path = Vec::new();
    walk(value, &mut path).then_some(path)
}

/// A path as a person reads it, in the form's own terms: `notes`, `farms[2].farm_name`,
/// `changes[1].new`, `finalized_by`.
pub fn display_path(path: &[Step]) -> String {
    let mut steps: &[Step] = path;
    // The body's key (`revision`, `review`, …) says nothing the kind does not; a
    // revision's data is what people know as the record's fields.
    if let [Step::Key(r), rest @ ..] = steps
        && KINDS.contains(&r.as_str())
    {
        steps = rest;
    }
    if let [Step::Key(d), Step::Key(v), rest @ ..] = steps
        && d == "data"
        && v == "values"
    {
        steps = rest;
    }
    let group_row = match steps {
        [
            Step::Key(d),
            Step::Key(gs),
            Step::Key(g),
            Step::Index(i),
            rest @ ..,
        ] if d == "data" && gs == "groups" => {
            let mut out = format!("{g}[{}]", i + 1);
            let rest = match rest {
                [Step::Key(v), more @ ..] if v == "values" => more,
                other => other,
            };
            out.push_str(&join(rest));
            Some(out)
        }
        _ => None,
    };
    group_row.unwrap_or_else(|| join(steps).trim_start_matches('.').to_string())
}

fn join(steps: &[Step]) -> String {
    let mut out = String::new();
    for s in steps {
        match s {
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{}]", i + 1)),
        }
    }
    out
}

/// Every text of a loaded form that a screen may show, with where it is: a form carried
/// in a bundle can hide control characters in TOML escapes (`"\u001b"`), which the check
/// of its source text alone would miss.
pub fn form_texts(form: &Form) -> Vec<(String, &str)> {
    fn text<'f>(out: &mut Vec<(String, &'f str)>, place: String, t: &'f crate::forms::Text) {
        out.push((format!("{place} (zh)"), t.zh.as_str()));
        out.push((format!("{place} (en)"), t.en.as_str()));
    }
    let mut out: Vec<(String, &str)> = Vec::new();
    text(&mut out, "title".into(), &form.title);
    for s in &form.sections {
        text(&mut out, format!("section {}", s.id), &s.label);
    }
    let fields =
        form.fields
            .iter()
            .map(|f| (f.name.clone(), f))
            .chain(form.groups.iter().flat_map(|g| {
                g.fields
                    .iter()
                    .map(move |f| (format!("{}.{}", g.name, f.name), f))
            }));
    for (name, f) in fields {
        text(&mut out, format!("{name} label"), &f.label);
        if let Some(h) = &f.hint {
            text(&mut out, format!("{name} hint"), h);
        }
        if let Some(m) = &f.constraint_message {
            text(&mut out, format!("{name} constraint_message"), m);
        }
        for c in &f.choices {
            text(&mut out, format!("{name} choice {}", c.name), &c.label);
        }
    }
    for g in &form.groups {
        text(&mut out, format!("{} label", g.name), &g.label);
        if let Some(h) = &g.hint {
            text(&mut out, format!("{} hint", g.name), h);
        }
    }
    for i in &form.indicators {
        text(&mut out, format!("indicator {} label", i.id), &i.label);
        text(&mut out, format!("indicator {} unit", i.id), &i.unit);
    }
    out
}

/// Lowercase hex SHA-256, as hashes are written in facts.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Checks a time carried in a fact (`finalized_at`, a review's or resolution's `at`):
/// RFC 3339 exactly as ruralenv writes it, `YYYY-MM-DDTHH:MM:SS` with optional fractional
/// seconds and an offset (`Z` or `±HH:MM`), a real instant, in the years 2000–2099.
/// Times decide which revision or resolution is the latest, so a text that is not a time
/// ("zzzz" sorts after every time) would win forever.
pub fn check_time(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let shape = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && {
            let mut rest = &b[19..];
            if let [b'.', frac @ ..] = rest {
                let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
                rest = if (1..=9).contains(&n) {
                    &frac[n..]
                } else {
                    b"!"
                };
            }
            matches!(rest, b"Z")
                || (rest.len() == 6
                    && matches!(rest[0], b'+' | b'-')
                    && rest[1..3].iter().all(u8::is_ascii_digit)
                    && rest[3] == b':'
                    && rest[4..6].iter().all(u8::is_ascii_digit))
        };
    let bad = || {
        format!(
            "'{}' is not a time like 2020-06-15T10:00:00+08:00 (RFC 3339, years 2000 to 2099)",
            crate::termsafe::escape(s)
        )
    };
    if !shape {
        return Err(bad());
    }
    let t: jiff::Timestamp = s.parse().map_err(|_| bad())?;
    let year = s[..4].parse::<u16>().map_err(|_| bad())?;
    if !(2000..=2099).contains(&year) || t.as_second() < 946_684_800 - 86_400 {
        return Err(bad());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times_are_checked_strictly() {
        for ok in [
            "2020-06-15T10:00:00+08:00",
            "2020-06-15T02:00:00Z",
            "2020-06-15T10:00:00.123456+08:00",
            "2099-12-31T23:59:59-05:00",
        ] {
            assert_eq!(check_time(ok), Ok(()), "{ok}");
        }
        for bad in [
            "zzzz",
            "",
            "2020-06-15",
            "2020-06-15 10:00:00+08:00",
            "2020-06-15T10:00:00",
            "2020-06-15T10:00:00+0800",
            "2020-13-15T10:00:00+08:00",
            "2020-02-30T10:00:00+08:00",
            "2020-06-15T25:00:00+08:00",
            "9999-06-15T10:00:00+08:00",
            "1999-06-15T10:00:00+08:00",
            "2020-06-15T10:00:00.+08:00",
            "2020-06-15T10:00:00+08:00zzzz",
            "２０２０-06-15T10:00:00+08:00",
        ] {
            assert!(check_time(bad).is_err(), "{bad}");
        }
    }

    fn revision() -> Revision {
        serde_json::from_value(json!({
            "record_id": "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
            "rev": 1,
            "parent_hash": null,
            "form_id": "village",
            "form_version": 1,
            "village_code": "411002001201",
            "round": "2020",
            "finalized_at": "2020-06-15T10:00:00+08:00",
            "finalized_by": "张三",
            "data": {"values": {"households": 200, "notes": "ok"},
                     "groups": {"farms": [{"id": "0001", "values": {"farm_name": "王家"}}]}},
            "changes": []
        }))
        .unwrap()
    }

    #[test]
    fn facts_round_trip_with_kind_first() {
        let r = revision();
        let fact = Fact::Revision(RevisionFact {
            hash: r.hash(),
            revision: r.clone(),
        });
        let json = fact.to_json();
        assert_eq!(json.as_object().unwrap().keys().next().unwrap(), "kind");
        assert_eq!(Fact::from_json(json.clone()).unwrap(), fact);
        // Built from the stored text, the same value.
        let from_text = revision_json(&r.hash(), &String::from_utf8(r.canonical()).unwrap());
        assert_eq!(from_text.unwrap(), json);

        let review = Fact::Review(Review {
            review_id: "r".into(),
            record_id: r.record_id.clone(),
            rev: 1,
            hash: r.hash(),
            action: crate::store::ReviewAction::Return,
            comment: "请核对户数".into(),
            who: "李四".into(),
            at: "2020-07-01T09:00:00+08:00".into(),
        });
        assert_eq!(Fact::from_json(review.to_json()).unwrap(), review);
        let form = Fact::Form(FormFact {
            form_id: "village".into(),
            version: 1,
            source: "[form]\nid = \"village\"\n".into(),
            tables: Tables::from([("t".into(), [("pig".into(), 500.0)].into())]),
        });
        assert_eq!(Fact::from_json(form.to_json()).unwrap(), form);

        // A resolution's own `kind` does not collide with the fact's.
        let resolution = Fact::Resolution(Resolution {
            resolution_id: "s".into(),
            kind: "fork".into(),
            form_id: "village".into(),
            village_code: r.village_code.clone(),
            round: "2020".into(),
            record_id: r.record_id.clone(),
            rev: 1,
            hash: r.hash(),
            who: "李四".into(),
            at: "2020-07-01T09:00:00+08:00".into(),
        });
        let json = resolution.to_json();
        assert_eq!(json["kind"], "resolution");
        assert_eq!(json["resolution"]["kind"], "fork");
        assert_eq!(Fact::from_json(json).unwrap(), resolution);
    }

    #[test]
    fn parsing_is_strict() {
        let mut extra = Fact::Review(Review {
            review_id: "r".into(),
            record_id: "x".into(),
            rev: 1,
            hash: "h".into(),
            action: crate::store::ReviewAction::Approve,
            comment: String::new(),
            who: "w".into(),
            at: "t".into(),
        })
        .to_json();
        let mut inner = extra.clone();
        extra["sneaky"] = json!(1);
        assert!(Fact::from_json(extra).unwrap_err().contains("sneaky"));
        inner["review"]["sneaky"] = json!(1);
        assert!(Fact::from_json(inner).unwrap_err().contains("sneaky"));
        let mut nested = Fact::Revision(RevisionFact {
            hash: "h".into(),
            revision: revision(),
        })
        .to_json();
        nested["revision"]["extra"] = json!(true);
        assert!(Fact::from_json(nested).unwrap_err().contains("extra"));
        assert!(
            Fact::from_json(json!({"kind": "vote"}))
                .unwrap_err()
                .contains("newer version")
        );
        assert!(Fact::from_json(json!({"record_id": "x"})).is_err());
        assert!(Fact::from_json(json!([1, 2])).is_err());
        assert!(Fact::from_json(json!({"kind": 3})).is_err());
    }

    #[test]
    fn control_characters_are_found_and_named() {
        let mut fact = Fact::Revision(RevisionFact {
            hash: "h".into(),
            revision: revision(),
        })
        .to_json();
        assert_eq!(control_char_path(&fact), None);
        fact["revision"]["data"]["values"]["notes"] = json!("a\u{1b}[2J");
        let path = control_char_path(&fact).unwrap();
        assert_eq!(display_path(&path), "notes");
        fact["revision"]["data"]["values"]["notes"] = json!("ok");
        fact["revision"]["data"]["groups"]["farms"][0]["values"]["farm_name"] = json!("x\u{9b}");
        assert_eq!(
            display_path(&control_char_path(&fact).unwrap()),
            "farms[1].farm_name"
        );
        fact["revision"]["data"]["groups"]["farms"][0]["values"]["farm_name"] = json!("x");
        fact["revision"]["finalized_by"] = json!("\r");
        assert_eq!(
            display_path(&control_char_path(&fact).unwrap()),
            "finalized_by"
        );
        // Keys too.
        let keyed = json!({"kind": "revision", "revision": {"data": {"values": {"a\u{7}": 1}}}});
        assert_eq!(display_path(&control_char_path(&keyed).unwrap()), "a\u{7}");

        // Line breaks are fine in a form's source, not in its id.
        let form = json!({"kind": "form", "form": {"form_id": "v", "source": "a\r\n\tb"}});
        assert_eq!(control_char_path(&form), None);
        let form = json!({"kind": "form", "form": {"form_id": "v\n", "source": "a"}});
        assert_eq!(display_path(&control_char_path(&form).unwrap()), "form_id");
        let form = json!({"kind": "form", "form": {"source": "a\u{1b}"}});
        assert!(control_char_path(&form).is_some());
        let review = json!({"kind": "review", "review": {"comment": "a\nb"}});
        assert_eq!(
            display_path(&control_char_path(&review).unwrap()),
            "comment"
        );
    }

    #[test]
    fn builtin_form_texts_are_clean() {
        let set = crate::forms::FormSet::builtin();
        let texts = form_texts(set.village_form());
        assert!(texts.len() > 50);
        assert!(texts.iter().all(|(_, t)| !t.chars().any(char::is_control)));
    }
}
