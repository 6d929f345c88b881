//! Form and target definitions: schema, loading, validation, expression language.
//!
//! A forms directory holds one TOML file per form, `targets.toml`, `thresholds.toml` and
//! the division register under `divisions/`. The shipped directory is embedded in the
//! binary; `--forms DIR` points at a customized copy. See `docs/forms.md`.

pub mod expr;
pub mod install;
pub mod record;
pub mod schema;
pub mod value;

pub use schema::{Field, FieldType, Form, Lang, Tables, Text};

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use toml::Spanned;

use crate::i18n::both;
use crate::i18n::form_checks as fc;

/// A mistake in a forms directory: `file:line: field: reason`, the reason in both
/// languages (words from `i18n::form_checks`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    pub file: String,
    pub line: usize,
    pub field: String,
    pub reason: Text,
}

impl FormError {
    /// `file:line: field: reason`, the reason in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        format!(
            "{}:{}: {}: {}",
            self.file,
            self.line,
            self.field,
            self.reason.get(lang)
        )
    }
}

/// In English; [`FormError::message`] says it in the run's language.
impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// All errors found in a forms directory, one per line.
#[derive(Debug, Clone)]
pub struct FormErrors(pub Vec<FormError>);

impl FormErrors {
    /// One error a line, the reasons in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        self.0
            .iter()
            .map(|e| e.message(lang))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// In English; [`FormErrors::message`] says it in the run's language.
impl fmt::Display for FormErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for FormErrors {}

/// Whether `round` is one of the `declared` rounds, or (none declared) a four-digit year
/// from 2000 to 2099.
pub fn check_round(round: &str, declared: Option<&[String]>) -> Result<(), RoundError> {
    let ok = match declared {
        Some(list) => list.iter().any(|r| r == round),
        None => {
            round.len() == 4
                && round.bytes().all(|b| b.is_ascii_digit())
                && ("2000"..="2099").contains(&round)
        }
    };
    if ok {
        Ok(())
    } else {
        Err(RoundError {
            round: round.to_string(),
            declared: declared.map(<[String]>::to_vec),
        })
    }
}

/// A round that is not a round of this survey (see `FormSet::check_round`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundError {
    pub round: String,
    pub declared: Option<Vec<String>>,
}

impl RoundError {
    /// The message in the UI language; the round is shown escaped.
    pub fn message(&self, lang: Lang) -> String {
        let round = value::sanitize_for_terminal(&self.round);
        match &self.declared {
            None => crate::i18n::round_not_year(lang, &round),
            Some(list) => {
                let list = list.join(crate::i18n::list_separator(lang));
                let list = value::sanitize_for_terminal(&list);
                crate::i18n::round_not_declared(lang, &round, &list)
            }
        }
    }
}

impl fmt::Display for RoundError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for RoundError {}

/// A target for an indicator: the value must be at least `min` (a fraction).
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub indicator: String,
    pub min: f64,
}

/// Everything a county configures.
#[derive(Debug, Clone)]
pub struct FormSet {
    pub forms: Vec<Form>,
    pub targets: Vec<Target>,
    /// The division register files: (file name, CSV text).
    pub registers: Vec<(String, String)>,
    /// Where it came from, for messages ("built-in" or a directory).
    pub origin: String,
    /// The rounds a county declared (`rounds = [...]` in targets.toml); `None`: a round is a
    /// year from 2000 to 2099.
    pub rounds: Option<Vec<String>>,
}

impl FormSet {
    /// The main survey form (the village form).
    pub fn village_form(&self) -> &Form {
        self.forms
            .iter()
            .find(|f| f.id == "village")
            .unwrap_or(&self.forms[0])
    }

    pub fn form(&self, id: &str) -> Option<&Form> {
        self.forms.iter().find(|f| f.id == id)
    }

    pub fn target(&self, indicator: &str) -> Option<f64> {
        self.targets
            .iter()
            .find(|t| t.indicator == indicator)
            .map(|t| t.min)
    }

    /// Whether `round` is a round of this survey: one of the declared rounds, or else a
    /// four-digit year from 2000 to 2099. The error states the rule.
    pub fn check_round(&self, round: &str) -> Result<(), RoundError> {
        check_round(round, self.rounds.as_deref())
    }

    /// The forms shipped inside the binary.
    pub fn builtin() -> FormSet {
        let files = builtin_files();
        match load_files(&files, "built-in") {
            Ok(set) => set,
            // The shipped forms are checked by tests; reaching this is a build defect.
            Err(e) => panic!("the built-in forms are invalid:\n{e}"),
        }
    }

    /// Load a forms directory from disk.
    pub fn load_dir(dir: &Path) -> Result<FormSet, FormErrors> {
        let files = dir_files(dir, true)?;
        load_files(&files, &dir.display().to_string())
    }

    /// Load a forms directory without its division register (an older installed copy
    /// whose forms are kept for their versions only).
    pub fn load_dir_forms_only(dir: &Path) -> Result<FormSet, FormErrors> {
        let files = dir_files(dir, false)?;
        load_files(&files, &dir.display().to_string())
    }
}

/// The files of a forms directory: `*.toml`, then `divisions/*.csv` when asked for, each as
/// (path, text), in name order.
pub fn dir_files(dir: &Path, registers: bool) -> Result<Vec<(String, String)>, FormErrors> {
    let unreadable = |p: &Path, e: std::io::Error| {
        FormErrors(vec![FormError {
            file: p.display().to_string(),
            line: 0,
            field: "-".into(),
            reason: both(|l| fc::cannot_read_file(l, &crate::i18n::io_error(l, &e))),
        }])
    };
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| unreadable(p, e));
    let list = |d: &Path, ext: &str| -> Result<Vec<std::path::PathBuf>, FormErrors> {
        let mut paths: Vec<_> = std::fs::read_dir(d)
            .map_err(|e| unreadable(d, e))?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == ext))
            .collect();
        paths.sort();
        Ok(paths)
    };
    if let Err(e) = std::fs::read_dir(dir) {
        return Err(FormErrors(vec![FormError {
            file: dir.display().to_string(),
            line: 0,
            field: "-".into(),
            reason: both(|l| fc::cannot_read_dir(l, &crate::i18n::io_error(l, &e))),
        }]));
    }
    let mut files = Vec::new();
    for p in list(dir, "toml")? {
        files.push((p.display().to_string(), read(&p)?));
    }
    let div = dir.join("divisions");
    if registers && div.is_dir() {
        for p in list(&div, "csv")? {
            files.push((p.display().to_string(), read(&p)?));
        }
    }
    Ok(files)
}

fn builtin_files() -> Vec<(String, String)> {
    vec![
        (
            "forms/thresholds.toml".into(),
            include_str!("../../forms/thresholds.toml").into(),
        ),
        (
            "forms/village.toml".into(),
            include_str!("../../forms/village.toml").into(),
        ),
        (
            "forms/targets.toml".into(),
            include_str!("../../forms/targets.toml").into(),
        ),
        (
            "forms/divisions/xuchang.csv".into(),
            include_str!("../../forms/divisions/xuchang.csv").into(),
        ),
    ]
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThresholds {
    active: Spanned<String>,
    #[serde(default)]
    basis: Vec<RawBasis>,
}

#[derive(Deserialize)]
struct RawBasis {
    id: String,
    #[allow(dead_code)]
    label: Option<Text>,
    #[allow(dead_code)]
    source: Option<String>,
    #[allow(dead_code)]
    valid_from: Option<String>,
    #[serde(flatten)]
    tables: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTargets {
    /// The rounds of this survey, when they are not plain years (e.g. "2020-h1").
    rounds: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    target: Vec<RawTarget>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    indicator: Spanned<String>,
    min: Spanned<f64>,
    #[allow(dead_code)]
    note: Option<String>,
}

fn syntax_error(file: &str, src: &str, e: &toml::de::Error) -> FormError {
    FormError {
        file: file.to_string(),
        line: e.span().map(|s| schema::line_of(src, s.start)).unwrap_or(1),
        field: "-".into(),
        reason: schema::toml_error_reason(e),
    }
}

/// Load a set of (path, text) files: thresholds first, then forms, then targets.
pub fn load_files(files: &[(String, String)], origin: &str) -> Result<FormSet, FormErrors> {
    let mut errors = Vec::new();
    let mut tables: Tables = BTreeMap::new();
    for (path, src) in files
        .iter()
        .filter(|(p, _)| file_name(p) == "thresholds.toml")
    {
        match toml::from_str::<RawThresholds>(src) {
            Err(e) => errors.push(syntax_error(path, src, &e)),
            Ok(raw) => {
                let active = raw.active.get_ref();
                match raw.basis.iter().find(|b| &b.id == active) {
                    None => errors.push(FormError {
                        file: path.clone(),
                        line: schema::line_of(src, raw.active.span().start),
                        field: "active".into(),
                        reason: both(|l| fc::no_basis(l, active)),
                    }),
                    Some(b) => {
                        for (name, v) in &b.tables {
                            let Some(t) = v.as_table() else { continue };
                            let mut map = BTreeMap::new();
                            for (k, v) in t {
                                match v.as_float().or_else(|| v.as_integer().map(|i| i as f64)) {
                                    Some(x) => {
                                        map.insert(k.clone(), x);
                                    }
                                    None => errors.push(FormError {
                                        file: path.clone(),
                                        line: 1,
                                        field: format!("{name}.{k}"),
                                        reason: both(fc::threshold_not_number),
                                    }),
                                }
                            }
                            tables.insert(name.clone(), map);
                        }
                    }
                }
            }
        }
    }
    let mut forms: Vec<Form> = Vec::new();
    for (path, src) in files.iter().filter(|(p, _)| {
        let n = file_name(p);
        n.ends_with(".toml") && n != "thresholds.toml" && n != "targets.toml"
    }) {
        match schema::load_form(path, src, &tables) {
            Ok(f) => {
                if forms.iter().any(|o| o.id == f.id) {
                    errors.push(FormError {
                        file: path.clone(),
                        line: 1,
                        field: "form.id".into(),
                        reason: both(|l| fc::second_form(l, &f.id)),
                    });
                }
                forms.push(f)
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    let mut targets = Vec::new();
    let mut rounds: Option<Vec<String>> = None;
    let forms_ok = errors.is_empty();
    for (path, src) in files.iter().filter(|(p, _)| file_name(p) == "targets.toml") {
        match toml::from_str::<RawTargets>(src) {
            Err(e) => errors.push(syntax_error(path, src, &e)),
            Ok(raw) => {
                if let Some(list) = raw.rounds {
                    let line = schema::line_of(src, list.span().start);
                    let list = list.into_inner();
                    let bad = list.iter().find(|r| {
                        r.is_empty()
                            || r.len() > 16
                            || !r
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                    });
                    if let Some(b) = bad {
                        errors.push(FormError {
                            file: path.clone(),
                            line,
                            field: "rounds".into(),
                            reason: both(|l| {
                                fc::bad_round_name(l, &value::sanitize_for_terminal(b))
                            }),
                        });
                    } else if list.is_empty() {
                        errors.push(FormError {
                            file: path.clone(),
                            line,
                            field: "rounds".into(),
                            reason: both(fc::empty_rounds),
                        });
                    } else {
                        rounds = Some(list);
                    }
                }
                for t in raw.target {
                    let id = t.indicator.get_ref();
                    let line = schema::line_of(src, t.indicator.span().start);
                    if forms_ok && !forms.iter().any(|f| f.indicator(id).is_some()) {
                        errors.push(FormError {
                            file: path.clone(),
                            line,
                            field: id.clone(),
                            reason: both(|l| fc::target_unknown_indicator(l, id)),
                        });
                    }
                    let min = *t.min.get_ref();
                    if !(0.0..=1.0).contains(&min) {
                        errors.push(FormError {
                            file: path.clone(),
                            line: schema::line_of(src, t.min.span().start),
                            field: id.clone(),
                            reason: both(|l| fc::target_not_fraction(l, min)),
                        });
                    }
                    targets.push(Target {
                        indicator: id.clone(),
                        min,
                    });
                }
            }
        }
    }
    if forms.is_empty() && errors.is_empty() {
        errors.push(FormError {
            file: origin.to_string(),
            line: 0,
            field: "-".into(),
            reason: both(fc::no_form_definition),
        });
    }
    let registers: Vec<(String, String)> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".csv"))
        .cloned()
        .collect();
    for (path, src) in &registers {
        if let Err(e) = crate::register::Register::parse(path, src) {
            errors.push(FormError {
                file: path.clone(),
                line: e.line,
                field: e.field.clone(),
                reason: both(|l| fc::register_problem(l, &e.problem)),
            });
        }
    }
    if !errors.is_empty() {
        return Err(FormErrors(errors));
    }
    Ok(FormSet {
        forms,
        targets,
        registers,
        origin: origin.to_string(),
        rounds,
    })
}
