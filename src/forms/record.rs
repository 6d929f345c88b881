//! A record's values, and what a form does with them: parse typed input, compute
//! calculated fields, decide relevance, validate, and compute indicator contributions.
//! The TUI, CSV import and finalize all validate through `validate` here.

use super::expr::{self, Data, EvalCtx};
use super::schema::{
    Field, FieldType, Form, IndicatorKind, Lang, MAX_GROUP_ROWS, MAX_NUMBER, Text,
};
use super::value::{Value, has_control_chars, sanitize_for_terminal};
use crate::i18n;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One row of a repeat group. `id` is stable across edits and revisions. Unknown keys
/// are refused (a bundle's revision is parsed with this).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Row {
    pub id: String,
    pub values: BTreeMap<String, Value>,
}

/// All values of one record. Unanswered fields are absent. Unknown keys are refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RecordData {
    pub values: BTreeMap<String, Value>,
    #[serde(default)]
    pub groups: BTreeMap<String, Vec<Row>>,
}

impl RecordData {
    pub fn get(&self, name: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.values.get(name).unwrap_or(&NULL)
    }
    pub fn set(&mut self, name: &str, v: Value) {
        if v.is_null() {
            self.values.remove(name);
        } else {
            self.values.insert(name.to_string(), v);
        }
    }
    pub fn rows(&self, group: &str) -> &[Row] {
        self.groups.get(group).map(Vec::as_slice).unwrap_or(&[])
    }
}

struct View<'a> {
    data: &'a RecordData,
    form: &'a Form,
}

impl Data for View<'_> {
    fn top(&self, name: &str) -> Value {
        self.data.get(name).clone()
    }
    fn row_count(&self, group: &str) -> usize {
        self.data.rows(group).len()
    }
    fn row_field(&self, group: &str, row: usize, name: &str) -> Value {
        self.data
            .rows(group)
            .get(row)
            .and_then(|r| r.values.get(name))
            .cloned()
            .unwrap_or_default()
    }
    fn table(&self, table: &str, key: &str) -> Value {
        match self.form.tables.get(table).and_then(|t| t.get(key)) {
            Some(x) if x.fract() == 0.0 => Value::Int(*x as i64),
            Some(x) => Value::Dec(*x),
            None => Value::Null,
        }
    }
}

/// Where a problem is: a top-level field, or a field of a group row (0-based index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    pub group: Option<(String, usize)>,
    pub field: String,
}

impl FieldPath {
    pub fn top(name: &str) -> FieldPath {
        FieldPath {
            group: None,
            field: name.to_string(),
        }
    }
    /// `households`, or `farms[2].head_count` (1-based row number for people).
    pub fn display(&self) -> String {
        match &self.group {
            Some((g, i)) => format!("{g}[{}].{}", i + 1, self.field),
            None => self.field.clone(),
        }
    }
}

/// A validation problem with a bilingual message.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub path: FieldPath,
    pub message: Text,
}

/// Parse what a person typed (or a CSV cell) for a field. Empty text is unanswered.
pub fn parse_input(field: &Field, raw: &str) -> Result<Value, Text> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(Value::Null);
    }
    if has_control_chars(s) {
        return Err(i18n::both(i18n::value_control_chars));
    }
    match field.ty {
        FieldType::Integer => s.parse::<i64>().map(Value::Int).map_err(|_| {
            let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
            let shown = sanitize_for_terminal(s);
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                // A whole number too large to hold: say so, not "not a whole number".
                let max = super::value::format_decimal(field.max.unwrap_or(MAX_NUMBER));
                i18n::both(|l| i18n::value_out_of_range(l, &shown, &max))
            } else {
                i18n::both(|l| i18n::value_not_whole_number(l, &shown))
            }
        }),
        FieldType::Decimal => match s.parse::<f64>() {
            Ok(d) if d.is_finite() && !s.contains(['e', 'E']) && !s.starts_with(['+']) => {
                Ok(Value::Dec(d))
            }
            _ => Err(i18n::both(|l| {
                i18n::value_not_number(l, &sanitize_for_terminal(s))
            })),
        },
        FieldType::YesNo => match s.to_lowercase().as_str() {
            // The Chinese answers are input words, not messages: the catalogue's yes/no.
            "yes" | "y" | "1" | "true" => Ok(Value::Bool(true)),
            "no" | "n" | "0" | "false" => Ok(Value::Bool(false)),
            t if t == i18n::yes_no(Lang::Zh, true) => Ok(Value::Bool(true)),
            t if t == i18n::yes_no(Lang::Zh, false) => Ok(Value::Bool(false)),
            _ => Err(i18n::both(|l| {
                i18n::value_not_yes_no(l, &sanitize_for_terminal(s))
            })),
        },
        FieldType::Date => match s.parse::<jiff::civil::Date>() {
            Ok(d) if s.len() == 10 => Ok(Value::Text(d.to_string())),
            _ => Err(i18n::both(|l| {
                i18n::value_not_date(l, &sanitize_for_terminal(s))
            })),
        },
        FieldType::Text => Ok(Value::Text(s.to_string())),
        FieldType::SelectOne => {
            if field.choices.iter().any(|c| c.name == s) {
                Ok(Value::Text(s.to_string()))
            } else if let Some(c) = field
                .choices
                .iter()
                .find(|c| c.label.zh == s || c.label.en == s)
            {
                Ok(Value::Text(c.name.clone()))
            } else {
                Err(unknown_choice(field, s))
            }
        }
        FieldType::SelectMany => {
            let mut out = Vec::new();
            for part in s.split([' ', ',', ';', '，']).filter(|p| !p.is_empty()) {
                match field.choices.iter().find(|c| c.name == part) {
                    Some(c) if !out.contains(&c.name) => out.push(c.name.clone()),
                    Some(_) => {}
                    None => return Err(unknown_choice(field, part)),
                }
            }
            Ok(if out.is_empty() {
                Value::Null
            } else {
                Value::Choices(out)
            })
        }
    }
}

fn unknown_choice(field: &Field, s: &str) -> Text {
    let names: Vec<&str> = field.choices.iter().map(|c| c.name.as_str()).collect();
    let s = sanitize_for_terminal(s);
    i18n::both(|l| i18n::value_not_a_choice(l, &s, &names.join(i18n::list_separator(l))))
}

/// Does a stored value fit a field's type? (Bundles and the store are checked with this.)
pub fn value_fits(field: &Field, v: &Value) -> bool {
    match (field.ty, v) {
        (_, Value::Null) => true,
        (FieldType::Integer, Value::Int(i)) => within_max(field, *i as f64),
        (FieldType::Decimal, Value::Dec(d)) => within_max(field, *d),
        (FieldType::Decimal, Value::Int(i)) => within_max(field, *i as f64),
        (FieldType::YesNo, Value::Bool(_)) => true,
        (FieldType::Text, Value::Text(t)) => !has_control_chars(t),
        (FieldType::Date, Value::Text(t)) => {
            t.len() == 10 && t.parse::<jiff::civil::Date>().is_ok()
        }
        (FieldType::SelectOne, Value::Text(t)) => field.choices.iter().any(|c| &c.name == t),
        (FieldType::SelectMany, Value::Choices(list)) => list
            .iter()
            .all(|x| field.choices.iter().any(|c| &c.name == x)),
        _ => false,
    }
}

/// Why a stored or incoming value does not fit its field (type, or a number out of its
/// field's range), or None when it fits. Unanswered values fit.
pub fn value_problem(field: &Field, value: &Value) -> Option<Text> {
    if let (Some(x), Some(max)) = (value.as_f64(), field.max)
        && matches!(field.ty, FieldType::Integer | FieldType::Decimal)
        && !within_max(field, x)
    {
        let max = super::value::format_decimal(max);
        let value = sanitize_for_terminal(&value.to_string());
        return Some(i18n::both(|l| i18n::value_out_of_range(l, &value, &max)));
    }
    if !value_fits(field, value) {
        let value = sanitize_for_terminal(&value.to_string());
        return Some(i18n::both(|l| {
            i18n::value_wrong_type(l, &value, field.ty.name())
        }));
    }
    None
}

/// A number is finite and no larger in magnitude than its field's `max` (every number
/// field of a loaded form has one; [`MAX_NUMBER`] otherwise).
fn within_max(field: &Field, x: f64) -> bool {
    x.is_finite() && x.abs() <= field.max.unwrap_or(MAX_NUMBER)
}

fn ctx<'a>(current: &'a Value, row: Option<(&'a str, usize)>) -> EvalCtx<'a> {
    EvalCtx { current, row }
}

/// Normalize a calculated result to its field's type (a whole-number decimal stays decimal).
fn coerce(field: &Field, v: Value) -> Value {
    match (field.ty, v) {
        (FieldType::Decimal, Value::Int(i)) => Value::Dec(i as f64),
        (FieldType::Integer, Value::Dec(d)) if d.fract() == 0.0 => Value::Int(d as i64),
        (_, v) => v,
    }
}

impl Form {
    /// Fill every calculated field, in dependency order.
    pub fn compute(&self, data: &mut RecordData) {
        for (group, name) in &self.calc_order {
            match group {
                None => {
                    let Some(f) = self.field(name) else { continue };
                    let Some(e) = &f.calculate else { continue };
                    let v = expr::eval(e, &View { data, form: self }, ctx(&Value::Null, None));
                    data.set(name, coerce(f, v));
                }
                Some(g) => {
                    let Some(f) = self.group_field(g, name) else {
                        continue;
                    };
                    let Some(e) = &f.calculate else { continue };
                    for i in 0..data.rows(g).len() {
                        let v = expr::eval(
                            e,
                            &View { data, form: self },
                            ctx(&Value::Null, Some((g, i))),
                        );
                        let v = coerce(f, v);
                        if let Some(row) = data.groups.get_mut(g).and_then(|r| r.get_mut(i)) {
                            if v.is_null() {
                                row.values.remove(name);
                            } else {
                                row.values.insert(name.clone(), v);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Is a top-level field (or a group field in row `row`) shown? Null relevance shows it.
    pub fn is_relevant(
        &self,
        data: &RecordData,
        field: &Field,
        row: Option<(&str, usize)>,
    ) -> bool {
        let view = View { data, form: self };
        if let Some((g, _)) = row
            && let Some(gr) = self.group(g)
            && let Some(e) = &gr.relevant
            && expr::eval(e, &view, ctx(&Value::Null, None)) == Value::Bool(false)
        {
            return false;
        }
        match &field.relevant {
            None => true,
            Some(e) => expr::eval(e, &view, ctx(&Value::Null, row)) != Value::Bool(false),
        }
    }

    pub fn group_relevant(&self, data: &RecordData, group: &str) -> bool {
        match self.group(group).and_then(|g| g.relevant.as_ref()) {
            None => true,
            Some(e) => {
                expr::eval(e, &View { data, form: self }, ctx(&Value::Null, None))
                    != Value::Bool(false)
            }
        }
    }

    /// Check one field's value: type, then constraint. Unanswered values pass.
    pub fn check_field(
        &self,
        data: &RecordData,
        field: &Field,
        row: Option<(&str, usize)>,
        value: &Value,
    ) -> Option<Text> {
        if value.is_null() {
            return None;
        }
        if let Some(problem) = value_problem(field, value) {
            return Some(problem);
        }
        let e = field.constraint.as_ref()?;
        let view = View { data, form: self };
        if expr::eval(e, &view, ctx(value, row)) == Value::Bool(false) {
            return Some(
                field
                    .constraint_message
                    .clone()
                    .unwrap_or_else(|| i18n::both(i18n::constraint_not_met)),
            );
        }
        None
    }

    /// Every problem that blocks finalizing: missing required answers, type and
    /// constraint failures, in form order. Expects calculations to be computed.
    pub fn validate(&self, data: &RecordData) -> Vec<Issue> {
        let mut issues = Vec::new();
        let required_msg = || i18n::both(i18n::required);
        for section in &self.sections {
            for item in &section.items {
                match item {
                    super::schema::SectionItem::Field(name) => {
                        let Some(f) = self.field(name) else { continue };
                        if !self.is_relevant(data, f, None) {
                            continue;
                        }
                        let v = data.get(name);
                        if v.is_null() && f.required && !f.is_calculated() {
                            issues.push(Issue {
                                path: FieldPath::top(name),
                                message: required_msg(),
                            });
                        } else if let Some(m) = self.check_field(data, f, None, v) {
                            issues.push(Issue {
                                path: FieldPath::top(name),
                                message: m,
                            });
                        }
                    }
                    super::schema::SectionItem::Group(g) => {
                        let Some(gr) = self.group(g) else { continue };
                        if !self.group_relevant(data, g) {
                            continue;
                        }
                        if data.rows(g).len() > MAX_GROUP_ROWS {
                            issues.push(Issue {
                                path: FieldPath::top(g),
                                message: i18n::both(|l| i18n::at_most_rows(l, MAX_GROUP_ROWS)),
                            });
                            continue;
                        }
                        for (i, row) in data.rows(g).iter().enumerate() {
                            for f in &gr.fields {
                                if !self.is_relevant(data, f, Some((g, i))) {
                                    continue;
                                }
                                let path = FieldPath {
                                    group: Some((g.clone(), i)),
                                    field: f.name.clone(),
                                };
                                let v = row.values.get(&f.name).unwrap_or(&Value::Null);
                                if v.is_null() && f.required && !f.is_calculated() {
                                    issues.push(Issue {
                                        path,
                                        message: required_msg(),
                                    });
                                } else if let Some(m) = self.check_field(data, f, Some((g, i)), v) {
                                    issues.push(Issue { path, message: m });
                                }
                            }
                        }
                    }
                }
            }
        }
        issues
    }

    /// [`Form::validate`] for input of which some cells did not parse (CSV, XLSX): those
    /// fields are left unanswered in `data` and already reported by the caller, so a
    /// second "required" (or any other) problem for the same field is not reported again.
    pub fn validate_except(&self, data: &RecordData, reported: &[FieldPath]) -> Vec<Issue> {
        let mut issues = self.validate(data);
        issues.retain(|i| !reported.contains(&i.path));
        issues
    }

    /// What is stored in a finalized revision: calculations done, values of fields that
    /// are not relevant dropped (a hidden answer must not count).
    pub fn finalized_data(&self, data: &RecordData) -> RecordData {
        let mut d = data.clone();
        self.compute(&mut d);
        let mut out = RecordData::default();
        for f in &self.fields {
            if self.is_relevant(&d, f, None) {
                out.set(&f.name, d.get(&f.name).clone());
            }
        }
        for g in &self.groups {
            if !self.group_relevant(&d, &g.name) {
                continue;
            }
            let rows: Vec<Row> = d
                .rows(&g.name)
                .iter()
                .enumerate()
                .map(|(i, r)| Row {
                    id: r.id.clone(),
                    values: g
                        .fields
                        .iter()
                        .filter(|f| self.is_relevant(&d, f, Some((&g.name, i))))
                        .filter_map(|f| r.values.get(&f.name).map(|v| (f.name.clone(), v.clone())))
                        .filter(|(_, v)| !v.is_null())
                        .collect(),
                })
                .collect();
            if !rows.is_empty() {
                out.groups.insert(g.name.clone(), rows);
            }
        }
        out
    }

    /// Numerator and denominator of every ratio indicator for one finalized record.
    /// A null term counts as 0.
    pub fn contributions(&self, data: &RecordData) -> Vec<(String, f64, f64)> {
        let view = View { data, form: self };
        self.indicators
            .iter()
            .filter(|i| i.kind == IndicatorKind::Ratio)
            .map(|i| {
                let side = |e: &Option<expr::Expr>| {
                    e.as_ref()
                        .and_then(|e| expr::eval(e, &view, ctx(&Value::Null, None)).as_f64())
                        .unwrap_or(0.0)
                };
                (i.id.clone(), side(&i.numerator), side(&i.denominator))
            })
            .collect()
    }

    /// Label of a field path in a language, e.g. "规模养殖场 第2行 · 存栏/出栏数".
    pub fn path_label(&self, path: &FieldPath, lang: Lang) -> String {
        match &path.group {
            None => self
                .field(&path.field)
                .map(|f| f.label.get(lang).to_string())
                .unwrap_or_else(|| path.field.clone()),
            Some((g, i)) => {
                let gl = self
                    .group(g)
                    .map(|x| x.label.get(lang).to_string())
                    .unwrap_or_else(|| g.clone());
                let fl = self
                    .group_field(g, &path.field)
                    .map(|f| f.label.get(lang).to_string())
                    .unwrap_or_else(|| path.field.clone());
                i18n::group_row_field(lang, &gl, i + 1, &fl)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::FormSet;

    fn row(id: &str, species: &str, head: i64, matched: bool, prod: f64, util: f64) -> Row {
        Row {
            id: id.into(),
            values: BTreeMap::from([
                ("farm_name".into(), Value::Text(format!("{id}养殖场"))),
                ("species".into(), Value::Text(species.into())),
                ("head_count".into(), Value::Int(head)),
                ("facilities_matched".into(), Value::Bool(matched)),
                ("manure_produced_t".into(), Value::Dec(prod)),
                ("manure_utilized_t".into(), Value::Dec(util)),
            ]),
        }
    }

    pub(crate) fn sample() -> RecordData {
        let mut d = RecordData::default();
        let form_set = FormSet::builtin();
        let form = form_set.village_form();
        for (k, v) in [
            ("survey_date", "2020-06-15"),
            ("surveyor", "张三"),
            ("households", "200"),
            ("population", "760"),
            ("garbage_facilities", "yes"),
            ("garbage_technology", "是"),
            ("garbage_cleaners", "1"),
            ("garbage_funding", "true"),
            ("garbage_supervision", "yes"),
            ("toilet_three_compartment", "100"),
            ("toilet_double_urn", "20"),
            ("toilet_biogas", "0"),
            ("toilet_urine_diverting", "0"),
            ("toilet_double_pit", "5"),
            ("toilet_sewered_flush", "45"),
            ("toilet_other_sanitary", "10"),
            ("sewage_mode", "central"),
            ("sewage_households", "120"),
            ("sewage_controlled", "yes"),
            ("manure_scattered_produced_t", "100"),
            ("manure_scattered_utilized_t", "60.5"),
        ] {
            let f = form.field(k).unwrap();
            d.set(k, parse_input(f, v).unwrap());
        }
        d.groups.insert(
            "farms".into(),
            vec![
                row("a", "pig", 500, true, 1000.0, 900.0),
                row("b", "pig", 499, false, 300.0, 100.0),
                row("c", "layer", 5000, false, 50.0, 40.0),
                row("d", "other", 90000, true, 10.0, 10.0),
            ],
        );
        d
    }

    #[test]
    fn a_whole_number_too_large_to_hold_is_out_of_range_not_a_non_number() {
        let set = crate::forms::FormSet::builtin();
        let f = set.village_form().field("households").unwrap();
        let e = parse_input(f, "99999999999999999999999").unwrap_err();
        assert!(e.en.contains("out of range"), "{}", e.en);
        assert!(e.zh.contains("超出范围"), "{}", e.zh);
        let e = parse_input(f, "12a").unwrap_err();
        assert!(e.en.contains("not a whole number"), "{}", e.en);
    }

    #[test]
    fn computes_calculations_and_indicators() {
        let set = FormSet::builtin();
        let form = set.village_form();
        let mut d = sample();
        form.compute(&mut d);
        assert_eq!(d.get("garbage_effective"), &Value::Bool(true));
        assert_eq!(d.get("toilet_harmless"), &Value::Int(170));
        assert_eq!(d.get("toilet_sanitary"), &Value::Int(180));
        let scale: Vec<_> = d
            .rows("farms")
            .iter()
            .map(|r| r.values["scale"].clone())
            .collect();
        assert_eq!(
            scale,
            vec![
                Value::Bool(true),
                Value::Bool(false),
                Value::Bool(true),
                Value::Bool(false)
            ],
            "exactly at the threshold counts; 'other' has no threshold"
        );
        assert!(form.validate(&d).is_empty(), "{:?}", form.validate(&d));
        let c: BTreeMap<_, _> = form
            .contributions(&d)
            .into_iter()
            .map(|(id, n, den)| (id, (n, den)))
            .collect();
        assert_eq!(c["garbage_effective"], (1.0, 1.0));
        assert_eq!(c["toilet_harmless"], (170.0, 200.0));
        assert_eq!(c["toilet_sanitary"], (180.0, 200.0));
        assert_eq!(c["manure_utilization"], (60.5 + 1050.0, 100.0 + 1360.0));
        assert_eq!(c["farm_facilities"], (1.0, 2.0));
        assert_eq!(c["sewage_controlled"], (1.0, 1.0));
        assert!(!c.contains_key("coverage"));
    }

    #[test]
    fn validation_lists_every_problem() {
        let set = FormSet::builtin();
        let form = set.village_form();
        let mut d = sample();
        d.set("toilet_three_compartment", Value::Int(190));
        d.values.remove("surveyor");
        if let Some(rows) = d.groups.get_mut("farms") {
            rows[1]
                .values
                .insert("manure_utilized_t".into(), Value::Dec(301.0));
        }
        form.compute(&mut d);
        let issues = form.validate(&d);
        let paths: Vec<String> = issues.iter().map(|i| i.path.display()).collect();
        assert_eq!(
            paths,
            vec![
                "surveyor",
                "toilet_harmless",
                "toilet_sanitary",
                "farms[2].manure_utilized_t"
            ]
        );
    }

    #[test]
    fn relevance_hides_and_finalize_drops_hidden_answers() {
        let set = FormSet::builtin();
        let form = set.village_form();
        let mut d = sample();
        d.set("sewage_mode", Value::Text("none".into()));
        let f = form.field("sewage_households").unwrap();
        assert!(!form.is_relevant(&d, f, None));
        let fin = form.finalized_data(&d);
        assert!(fin.get("sewage_households").is_null());
        assert!(form.validate(&fin).is_empty());
        // Unanswered mode: relevance is null, and a null relevance shows the field.
        d.values.remove("sewage_mode");
        assert!(form.is_relevant(&d, f, None));
    }

    /// Finding "every parse error is followed by a second 'required' line": a cell that
    /// does not parse is reported once.
    #[test]
    fn messages_a_parse_error_is_not_followed_by_required() {
        let set = FormSet::builtin();
        let form = set.village_form();
        let mut d = sample();
        let mut reported = Vec::new();
        for (name, cell) in [("households", "12x"), ("survey_date", "2020/06/01")] {
            let f = form.field(name).unwrap();
            assert!(parse_input(f, cell).is_err());
            d.values.remove(name);
            reported.push(FieldPath::top(name));
        }
        if let Some(rows) = d.groups.get_mut("farms") {
            rows[1].values.remove("head_count");
        }
        reported.push(FieldPath {
            group: Some(("farms".into(), 1)),
            field: "head_count".into(),
        });
        let fin = form.finalized_data(&d);
        let all: Vec<String> = form
            .validate(&fin)
            .iter()
            .map(|i| i.path.display())
            .collect();
        assert!(all.contains(&"households".to_string()), "{all:?}");
        let rest: Vec<String> = form
            .validate_except(&fin, &reported)
            .iter()
            .map(|i| i.path.display())
            .collect();
        assert!(
            !rest
                .iter()
                .any(|p| p == "households" || p == "survey_date" || p == "farms[2].head_count"),
            "{rest:?}"
        );
    }

    #[test]
    fn parses_inputs_by_type() {
        let set = FormSet::builtin();
        let form = set.village_form();
        let f = |n: &str| form.field(n).unwrap();
        assert_eq!(
            parse_input(f("households"), " 12 ").unwrap(),
            Value::Int(12)
        );
        assert!(parse_input(f("households"), "12.5").is_err());
        assert_eq!(
            parse_input(f("garbage_funding"), "否").unwrap(),
            Value::Bool(false)
        );
        assert!(parse_input(f("survey_date"), "2020-13-01").is_err());
        assert!(parse_input(f("survey_date"), "2020/06/01").is_err());
        assert_eq!(
            parse_input(f("sewage_mode"), "reuse").unwrap(),
            Value::Text("reuse".into())
        );
        assert!(parse_input(f("sewage_mode"), "river").is_err());
        assert!(parse_input(f("manure_scattered_produced_t"), "1,5").is_err());
        assert!(parse_input(f("notes"), "bad\x1b[31m").is_err());
        assert_eq!(parse_input(f("notes"), "").unwrap(), Value::Null);
    }
}
