//! Form definitions as loaded from TOML: fields, sections, repeat groups, choices,
//! indicators. Loading checks every expression against the schema, orders calculations and
//! rejects cycles, reporting `file:line: field: reason`.

use super::FormError;
use super::expr::{self, CheckCtx, Expr, Resolved, Ty};
use super::value::Value;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use toml::Spanned;

use crate::i18n::both;
use crate::i18n::form_checks as fc;

/// A bilingual text: Chinese first, English second.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: &str, en: &str) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// The user-interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" | "zh-CN" | "cn" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Integer,
    Decimal,
    Text,
    Date,
    YesNo,
    SelectOne,
    SelectMany,
}

impl FieldType {
    fn parse(s: &str) -> Option<FieldType> {
        Some(match s {
            "integer" => FieldType::Integer,
            "decimal" => FieldType::Decimal,
            "text" => FieldType::Text,
            "date" => FieldType::Date,
            "yes_no" => FieldType::YesNo,
            "select_one" => FieldType::SelectOne,
            "select_many" => FieldType::SelectMany,
            _ => return None,
        })
    }
    pub fn ty(self) -> Ty {
        match self {
            FieldType::Integer | FieldType::Decimal => Ty::Number,
            FieldType::Text | FieldType::SelectOne => Ty::Text,
            FieldType::Date => Ty::Date,
            FieldType::YesNo => Ty::Bool,
            FieldType::SelectMany => Ty::Choices,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            FieldType::Integer => "integer",
            FieldType::Decimal => "decimal",
            FieldType::Text => "text",
            FieldType::Date => "date",
            FieldType::YesNo => "yes_no",
            FieldType::SelectOne => "select_one",
            FieldType::SelectMany => "select_many",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub name: String,
    pub label: Text,
}

/// One question of a form (top level or inside a repeat group).
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub ty: FieldType,
    pub label: Text,
    pub hint: Option<Text>,
    pub section: String,
    pub required: bool,
    pub constraint: Option<Expr>,
    pub constraint_message: Option<Text>,
    pub relevant: Option<Expr>,
    pub calculate: Option<Expr>,
    pub default: Option<Value>,
    pub choices: Vec<Choice>,
    /// For integer and decimal fields (where it is required): the largest magnitude a value
    /// may have. A value must be finite and between `-max` and `max`; a constraint narrows
    /// that further (`. >= 0`). Bounds every sum a report makes (docs/limits.md).
    pub max: Option<f64>,
    /// Line in the form file, for messages.
    pub line: usize,
}

impl Field {
    pub fn is_calculated(&self) -> bool {
        self.calculate.is_some()
    }
    pub fn choice_label(&self, name: &str, lang: Lang) -> Option<&str> {
        self.choices
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.label.get(lang))
    }
}

#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    pub label: Text,
    pub hint: Option<Text>,
    pub section: String,
    pub fields: Vec<Field>,
    pub relevant: Option<Expr>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub label: Text,
    /// Names of the fields and groups in this section, in order.
    pub items: Vec<SectionItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionItem {
    Field(String),
    Group(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndicatorKind {
    /// numerator and denominator summed from records.
    Ratio,
    /// villages with a record ÷ villages in scope, from the register.
    Coverage,
}

#[derive(Debug, Clone)]
pub struct Indicator {
    pub id: String,
    pub label: Text,
    pub unit: Text,
    pub kind: IndicatorKind,
    pub numerator: Option<Expr>,
    pub denominator: Option<Expr>,
    pub line: usize,
}

/// The largest `max` a number field may declare. A village's values are at most this,
/// so a national roll-up (620,000 villages, each with at most [`MAX_GROUP_ROWS`] rows per
/// repeat group) sums to at most about 10^21, far inside what a double holds, and a
/// report can never show infinity or NaN.
pub const MAX_NUMBER: f64 = 1e12;

/// Most rows a repeat group may have in one record.
pub const MAX_GROUP_ROWS: usize = 1000;

/// Lookup tables for `table(name, key)`, e.g. the farm scale thresholds.
pub type Tables = BTreeMap<String, BTreeMap<String, f64>>;

/// A loaded, checked form definition.
#[derive(Debug, Clone)]
pub struct Form {
    pub id: String,
    pub version: u32,
    pub title: Text,
    pub sections: Vec<Section>,
    pub fields: Vec<Field>,
    pub groups: Vec<Group>,
    pub indicators: Vec<Indicator>,
    pub tables: Tables,
    /// Calculated fields in evaluation order: (group, field).
    pub calc_order: Vec<(Option<String>, String)>,
    /// The TOML text this form was loaded from (stored with records).
    pub source: String,
}

impl Form {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }
    pub fn group_field(&self, group: &str, name: &str) -> Option<&Field> {
        self.group(group)?.fields.iter().find(|f| f.name == name)
    }
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }
    /// `id@version`, the form's identity in bundles and messages.
    pub fn key(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }
}

// ------------------------------------------------------------------ raw TOML

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForm {
    form: RawHeader,
    #[serde(default)]
    section: Vec<RawSection>,
    #[serde(default)]
    field: Vec<RawField>,
    #[serde(default)]
    group: Vec<RawGroup>,
    #[serde(default)]
    choices: BTreeMap<String, Vec<RawChoice>>,
    #[serde(default)]
    indicator: Vec<RawIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: String,
    version: u32,
    title: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: String,
    label: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    name: Spanned<String>,
    #[serde(rename = "type")]
    ty: Spanned<String>,
    label: Text,
    hint: Option<Text>,
    section: Option<String>,
    #[serde(default)]
    required: bool,
    constraint: Option<Spanned<String>>,
    constraint_message: Option<Text>,
    relevant: Option<Spanned<String>>,
    calculate: Option<Spanned<String>>,
    default: Option<toml::Value>,
    choices: Option<Spanned<String>>,
    max: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    name: Spanned<String>,
    label: Text,
    hint: Option<Text>,
    section: Option<String>,
    relevant: Option<Spanned<String>>,
    #[serde(default)]
    field: Vec<RawField>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    name: String,
    label: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: Spanned<String>,
    label: Text,
    unit: Text,
    #[serde(default)]
    kind: Option<String>,
    numerator: Option<Spanned<String>>,
    denominator: Option<Spanned<String>>,
}

/// Byte offset → 1-based line number.
pub fn line_of(src: &str, offset: usize) -> usize {
    src.as_bytes()[..offset.min(src.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Largest form file accepted, in bytes (the shipped village form is about 30 KB).
pub const MAX_FORM_BYTES: usize = 1024 * 1024;
/// Most fields a form may have, repeat groups' fields included (the village form has 40).
/// Loading, validating and showing a form look fields up by name, so a form from a bundle
/// with tens of thousands of fields would take minutes each time.
pub const MAX_FORM_FIELDS: usize = 1000;

struct Ctx<'a> {
    file: &'a str,
    errors: Vec<FormError>,
    /// A form written before `max` was required (stored with old records, or carried by a
    /// bundle from an older ruralenv): a number field without one holds at most
    /// [`MAX_NUMBER`], instead of the form being refused.
    legacy_max: bool,
    /// Byte offset of the start of each line, for line numbers in linear time overall.
    line_starts: Vec<usize>,
}

impl Ctx<'_> {
    /// An error at `offset`: `reason` gives its text in each language.
    fn error(&mut self, offset: usize, field: &str, reason: impl Fn(Lang) -> String) {
        let line = self.line(offset);
        self.errors.push(FormError {
            file: self.file.to_string(),
            line,
            field: field.to_string(),
            reason: both(reason),
        });
    }

    /// [`line_of`] by binary search (a form with many fields asks for thousands of lines).
    fn line(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset).max(1)
    }
}

/// Schema view for the expression checker.
struct FormSchema<'a> {
    top: &'a HashMap<String, Ty>,
    groups: &'a HashMap<String, HashMap<String, Ty>>,
    tables: &'a Tables,
}

impl expr::Schema for FormSchema<'_> {
    fn resolve(&self, group: Option<&str>, name: &str) -> Option<Resolved> {
        if let Some(g) = group
            && let Some(t) = self.groups.get(g).and_then(|fields| fields.get(name))
        {
            return Some(Resolved::Row(*t));
        }
        if let Some(t) = self.top.get(name) {
            return Some(Resolved::Top(*t));
        }
        if self.groups.contains_key(name) {
            return Some(Resolved::Group);
        }
        None
    }
    fn has_table(&self, name: &str) -> bool {
        self.tables.contains_key(name)
    }
}

fn toml_error_line(src: &str, e: &toml::de::Error) -> usize {
    e.span().map(|s| line_of(src, s.start)).unwrap_or(1)
}

/// First line of a TOML error message, without the source excerpt (the parser's own
/// words, in English, after a label in each language).
pub fn toml_error_reason(e: &toml::de::Error) -> Text {
    let msg = e.message().trim().to_string();
    both(|l| fc::toml_syntax(l, &msg))
}

/// Load and check a form. `file` names it in messages; `tables` come from thresholds.
pub fn load_form(file: &str, src: &str, tables: &Tables) -> Result<Form, Vec<FormError>> {
    load_form_with(file, src, tables, false)
}

/// [`load_form`] for a form already in use: one stored with records, or carried by a
/// bundle. Forms made before every number field had to declare `max` still load (their
/// records must always render and recompute), with [`MAX_NUMBER`] as the bound of such a
/// field; a county's forms directory (`forms check`, `--forms`) must declare every `max`.
pub fn load_used_form(file: &str, src: &str, tables: &Tables) -> Result<Form, Vec<FormError>> {
    load_form_with(file, src, tables, true)
}

fn load_form_with(
    file: &str,
    src: &str,
    tables: &Tables,
    legacy_max: bool,
) -> Result<Form, Vec<FormError>> {
    if src.len() > MAX_FORM_BYTES {
        return Err(vec![FormError {
            file: file.to_string(),
            line: 1,
            field: "-".into(),
            reason: both(|l| fc::form_too_long(l, src.len(), MAX_FORM_BYTES)),
        }]);
    }
    let raw: RawForm = match toml::from_str(src) {
        Ok(r) => r,
        Err(e) => {
            return Err(vec![FormError {
                file: file.to_string(),
                line: toml_error_line(src, &e),
                field: "-".into(),
                reason: toml_error_reason(&e),
            }]);
        }
    };
    let mut cx = Ctx {
        file,
        errors: Vec::new(),
        legacy_max,
        line_starts: std::iter::once(0)
            .chain(src.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
    };
    let fields = raw.field.len() + raw.group.iter().map(|g| g.field.len()).sum::<usize>();
    if fields > MAX_FORM_FIELDS {
        return Err(vec![FormError {
            file: file.to_string(),
            line: 1,
            field: "-".into(),
            reason: both(|l| {
                fc::form_too_many_fields(l, fields, src.len(), MAX_FORM_FIELDS, MAX_FORM_BYTES)
            }),
        }]);
    }
    let default_section = raw
        .section
        .first()
        .map(|s| s.id.clone())
        .unwrap_or_else(|| "main".into());

    // Names and types first, so expressions can be checked against the whole form.
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut top_types: HashMap<String, Ty> = HashMap::new();
    let mut group_types: HashMap<String, HashMap<String, Ty>> = HashMap::new();
    for f in &raw.field {
        register_name(&mut cx, &mut seen, &f.name, None);
        if let Some(t) = FieldType::parse(f.ty.get_ref()) {
            top_types.insert(f.name.get_ref().clone(), t.ty());
        }
    }
    for g in &raw.group {
        register_name(&mut cx, &mut seen, &g.name, None);
        let mut inner_seen = BTreeSet::new();
        let mut types = HashMap::new();
        for f in &g.field {
            register_name(&mut cx, &mut inner_seen, &f.name, Some(g.name.get_ref()));
            if let Some(t) = FieldType::parse(f.ty.get_ref()) {
                types.insert(f.name.get_ref().clone(), t.ty());
            }
        }
        group_types.insert(g.name.get_ref().clone(), types);
    }
    let schema = FormSchema {
        top: &top_types,
        groups: &group_types,
        tables,
    };

    let fields: Vec<Field> = raw
        .field
        .iter()
        .filter_map(|f| build_field(&mut cx, f, None, &schema, &raw.choices, &default_section))
        .collect();
    let mut groups = Vec::new();
    for g in &raw.group {
        let gname = g.name.get_ref().clone();
        let gfields = g
            .field
            .iter()
            .filter_map(|f| {
                build_field(
                    &mut cx,
                    f,
                    Some(&gname),
                    &schema,
                    &raw.choices,
                    &default_section,
                )
            })
            .collect();
        let relevant = g.relevant.as_ref().and_then(|r| {
            compile(
                &mut cx,
                r,
                &gname,
                "relevance",
                &schema,
                None,
                None,
                Some(Ty::Bool),
            )
        });
        groups.push(Group {
            name: gname,
            label: g.label.clone(),
            hint: g.hint.clone(),
            section: g.section.clone().unwrap_or_else(|| default_section.clone()),
            fields: gfields,
            relevant,
            line: cx.line(g.name.span().start),
        });
    }

    // Sections: declared order; fields then groups of each.
    let mut sections: Vec<Section> = raw
        .section
        .iter()
        .map(|s| Section {
            id: s.id.clone(),
            label: s.label.clone(),
            items: Vec::new(),
        })
        .collect();
    if sections.is_empty() {
        sections.push(Section {
            id: default_section.clone(),
            label: crate::i18n::both(crate::i18n::default_section),
            items: Vec::new(),
        });
    }
    for f in &fields {
        match sections.iter_mut().find(|s| s.id == f.section) {
            Some(s) => s.items.push(SectionItem::Field(f.name.clone())),
            None => cx.errors.push(FormError {
                file: file.into(),
                line: f.line,
                field: f.name.clone(),
                reason: both(|l| fc::unknown_section(l, &f.section)),
            }),
        }
    }
    for g in &groups {
        match sections.iter_mut().find(|s| s.id == g.section) {
            Some(s) => s.items.push(SectionItem::Group(g.name.clone())),
            None => cx.errors.push(FormError {
                file: file.into(),
                line: g.line,
                field: g.name.clone(),
                reason: both(|l| fc::unknown_section(l, &g.section)),
            }),
        }
    }

    let mut indicators = Vec::new();
    let mut ind_seen = BTreeSet::new();
    for i in &raw.indicator {
        let id = i.id.get_ref().clone();
        if !ind_seen.insert(id.clone()) {
            cx.error(i.id.span().start, &id, fc::duplicate_indicator);
        }
        let kind = match i.kind.as_deref() {
            None | Some("ratio") => IndicatorKind::Ratio,
            Some("coverage") => IndicatorKind::Coverage,
            Some(other) => {
                cx.error(i.id.span().start, &id, |l| {
                    fc::unknown_indicator_kind(l, other)
                });
                IndicatorKind::Ratio
            }
        };
        let mut side = |e: &Option<Spanned<String>>, what: &'static str| match e {
            Some(s) => compile(&mut cx, s, &id, what, &schema, None, None, Some(Ty::Number)),
            None => {
                if kind == IndicatorKind::Ratio {
                    cx.error(i.id.span().start, &id, |l| {
                        fc::missing_part(l, fc::part(l, what))
                    });
                }
                None
            }
        };
        let numerator = side(&i.numerator, "numerator");
        let denominator = side(&i.denominator, "denominator");
        indicators.push(Indicator {
            id,
            label: i.label.clone(),
            unit: i.unit.clone(),
            kind,
            numerator,
            denominator,
            line: cx.line(i.id.span().start),
        });
    }

    let calc_order = order_calculations(&mut cx, &fields, &groups);

    if !cx.errors.is_empty() {
        cx.errors.sort_by_key(|e| e.line);
        return Err(cx.errors);
    }
    Ok(Form {
        id: raw.form.id,
        version: raw.form.version,
        title: raw.form.title,
        sections,
        fields,
        groups,
        indicators,
        tables: tables.clone(),
        calc_order,
        source: src.to_string(),
    })
}

fn register_name(
    cx: &mut Ctx<'_>,
    seen: &mut BTreeSet<String>,
    name: &Spanned<String>,
    group: Option<&str>,
) {
    let n = name.get_ref();
    let shown = match group {
        Some(g) => format!("{g}.{n}"),
        None => n.clone(),
    };
    if n.is_empty() || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        cx.error(name.span().start, &shown, fc::bad_field_name);
    }
    if !seen.insert(n.clone()) {
        cx.error(name.span().start, &shown, fc::duplicate_field);
    }
}

#[allow(clippy::too_many_arguments)]
fn compile(
    cx: &mut Ctx<'_>,
    src: &Spanned<String>,
    field: &str,
    what: &'static str,
    schema: &FormSchema<'_>,
    group: Option<&str>,
    current: Option<Ty>,
    want: Option<Ty>,
) -> Option<Expr> {
    let at = src.span().start;
    let mut e = match expr::parse(src.get_ref()) {
        Ok(e) => e,
        Err(err) => {
            cx.error(at, field, |l| {
                fc::in_part(l, fc::part(l, what), err.message.get(l))
            });
            return None;
        }
    };
    match expr::check(&mut e, schema, CheckCtx { group, current }) {
        Ok(t) => {
            if let Some(w) = want
                && t != w
                && t != Ty::Any
            {
                cx.error(at, field, |l| {
                    fc::part_gives(l, fc::part(l, what), fc::ty(l, t), fc::ty(l, w))
                });
                return None;
            }
            Some(e)
        }
        Err(err) => {
            let mismatch = err.kind == expr::ExprErrorKind::TypeMismatch;
            cx.error(at, field, |l| {
                let (what, err) = (fc::part(l, what), err.message.get(l));
                match mismatch {
                    true => fc::part_type_mismatch(l, what, err),
                    false => fc::in_part(l, what, err),
                }
            });
            None
        }
    }
}

fn build_field(
    cx: &mut Ctx<'_>,
    f: &RawField,
    group: Option<&str>,
    schema: &FormSchema<'_>,
    choice_lists: &BTreeMap<String, Vec<RawChoice>>,
    default_section: &str,
) -> Option<Field> {
    let name = f.name.get_ref().clone();
    let shown = match group {
        Some(g) => format!("{g}.{name}"),
        None => name.clone(),
    };
    let Some(ty) = FieldType::parse(f.ty.get_ref()) else {
        cx.error(f.ty.span().start, &shown, |l| {
            fc::unknown_type(l, f.ty.get_ref())
        });
        return None;
    };
    let mut choices = Vec::new();
    if matches!(ty, FieldType::SelectOne | FieldType::SelectMany) {
        match &f.choices {
            None => cx.error(f.name.span().start, &shown, fc::select_needs_choices),
            Some(list) => match choice_lists.get(list.get_ref()) {
                Some(items) if !items.is_empty() => {
                    choices = items
                        .iter()
                        .map(|c| Choice {
                            name: c.name.clone(),
                            label: c.label.clone(),
                        })
                        .collect();
                }
                Some(_) => cx.error(list.span().start, &shown, |l| {
                    fc::empty_choice_list(l, list.get_ref())
                }),
                None => cx.error(list.span().start, &shown, |l| {
                    fc::no_choice_list(l, list.get_ref())
                }),
            },
        }
    }
    let fty = ty.ty();
    let constraint = f.constraint.as_ref().and_then(|c| {
        compile(
            cx,
            c,
            &shown,
            "constraint",
            schema,
            group,
            Some(fty),
            Some(Ty::Bool),
        )
    });
    let relevant = f.relevant.as_ref().and_then(|c| {
        compile(
            cx,
            c,
            &shown,
            "relevance",
            schema,
            group,
            None,
            Some(Ty::Bool),
        )
    });
    let calculate = f
        .calculate
        .as_ref()
        .and_then(|c| compile(cx, c, &shown, "calculation", schema, group, None, Some(fty)));
    let max = number_max(cx, f, ty, &shown);
    let default = match &f.default {
        None => None,
        Some(v) => match toml_default(v, ty) {
            Some(v) => Some(v),
            None => {
                cx.error(f.name.span().start, &shown, |l| {
                    fc::default_does_not_fit(l, ty.name())
                });
                None
            }
        },
    };
    Some(Field {
        name,
        ty,
        label: f.label.clone(),
        hint: f.hint.clone(),
        section: f
            .section
            .clone()
            .unwrap_or_else(|| default_section.to_string()),
        required: f.required,
        constraint,
        constraint_message: f.constraint_message.clone(),
        relevant,
        calculate,
        default,
        choices,
        max,
        line: cx.line(f.name.span().start),
    })
}

/// A number field's `max`: required, a number above 0 and at most [`MAX_NUMBER`], whole
/// for an integer field. Other fields have none.
fn number_max(cx: &mut Ctx<'_>, f: &RawField, ty: FieldType, shown: &str) -> Option<f64> {
    let number = matches!(ty, FieldType::Integer | FieldType::Decimal);
    let Some(raw) = &f.max else {
        if number && cx.legacy_max {
            return Some(MAX_NUMBER);
        }
        if number {
            cx.error(f.name.span().start, shown, |l| {
                fc::number_needs_max(l, &format!("{MAX_NUMBER:e}"))
            });
        }
        return None;
    };
    if !number {
        cx.error(raw.span().start, shown, fc::max_only_for_numbers);
        return None;
    }
    let value = match raw.get_ref() {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(x) if ty == FieldType::Decimal => Some(*x),
        _ => None,
    };
    match value {
        Some(m) if m.is_finite() && m > 0.0 && m <= MAX_NUMBER => Some(m),
        _ => {
            cx.error(raw.span().start, shown, |l| {
                let max = format!("{MAX_NUMBER:e}");
                match ty {
                    FieldType::Integer => fc::bad_max_integer(l, &max),
                    _ => fc::bad_max_decimal(l, &max),
                }
            });
            None
        }
    }
}

fn toml_default(v: &toml::Value, ty: FieldType) -> Option<Value> {
    Some(match (v, ty) {
        (toml::Value::Integer(i), FieldType::Integer) => Value::Int(*i),
        (toml::Value::Integer(i), FieldType::Decimal) => Value::Dec(*i as f64),
        (toml::Value::Float(f), FieldType::Decimal) => Value::Dec(*f),
        (toml::Value::Boolean(b), FieldType::YesNo) => Value::Bool(*b),
        (toml::Value::String(s), FieldType::Text | FieldType::SelectOne | FieldType::Date) => {
            Value::Text(s.clone())
        }
        _ => return None,
    })
}

/// Order calculated fields so each comes after what it reads; report cycles.
fn order_calculations(
    cx: &mut Ctx<'_>,
    fields: &[Field],
    groups: &[Group],
) -> Vec<(Option<String>, String)> {
    type Node = (Option<String>, String);
    let mut calcs: BTreeMap<Node, (&Expr, usize)> = BTreeMap::new();
    for f in fields {
        if let Some(c) = &f.calculate {
            calcs.insert((None, f.name.clone()), (c, f.line));
        }
    }
    for g in groups {
        for f in &g.fields {
            if let Some(c) = &f.calculate {
                calcs.insert((Some(g.name.clone()), f.name.clone()), (c, f.line));
            }
        }
    }
    // Dependencies among calculated nodes. Reading a whole group depends on its calcs.
    let mut deps: BTreeMap<Node, Vec<Node>> = BTreeMap::new();
    for (node, (e, _)) in &calcs {
        let mut refs = Vec::new();
        expr::references(e, &mut refs);
        let mut d = Vec::new();
        for (g, n) in refs {
            let (g, n) = match (&node.0, g) {
                (Some(own), Some(gr)) if *own == gr => (Some(gr), n),
                (_, Some(gr)) => (Some(gr), n),
                (_, None) => (None, n),
            };
            let candidate = (g.clone(), n.clone());
            if calcs.contains_key(&candidate) {
                d.push(candidate);
            } else if g.is_none() && groups.iter().any(|gr| gr.name == n) {
                for (k, _) in calcs
                    .iter()
                    .filter(|(k, _)| k.0.as_deref() == Some(n.as_str()))
                {
                    d.push(k.clone());
                }
            }
        }
        deps.insert(node.clone(), d);
    }
    let mut order = Vec::new();
    let mut state: BTreeMap<Node, u8> = BTreeMap::new(); // 1 visiting, 2 done
    let mut reported = false;
    fn visit(
        n: &Node,
        deps: &BTreeMap<Node, Vec<Node>>,
        state: &mut BTreeMap<Node, u8>,
        order: &mut Vec<Node>,
        stack: &mut Vec<Node>,
    ) -> Option<Vec<Node>> {
        match state.get(n) {
            Some(2) => return None,
            Some(1) => {
                let pos = stack.iter().position(|s| s == n).unwrap_or(0);
                return Some(stack[pos..].to_vec());
            }
            _ => {}
        }
        state.insert(n.clone(), 1);
        stack.push(n.clone());
        for d in deps.get(n).into_iter().flatten() {
            if let Some(cycle) = visit(d, deps, state, order, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        state.insert(n.clone(), 2);
        order.push(n.clone());
        None
    }
    for node in calcs.keys() {
        let mut stack = Vec::new();
        if let Some(cycle) = visit(node, &deps, &mut state, &mut order, &mut stack)
            && !reported
        {
            reported = true;
            let names: Vec<String> = cycle
                .iter()
                .chain(cycle.first())
                .map(|(g, n)| match g {
                    Some(g) => format!("{g}.{n}"),
                    None => n.clone(),
                })
                .collect();
            let first = &cycle[0];
            let line = calcs.get(first).map(|(_, l)| *l).unwrap_or(1);
            cx.errors.push(FormError {
                file: cx.file.to_string(),
                line,
                field: names[0].clone(),
                reason: both(|l| fc::calculation_cycle(l, &names.join(" → "))),
            });
        }
    }
    order
}
