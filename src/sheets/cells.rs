//! Cells as spreadsheets hand them over, turned into the text a form field parses.
//!
//! Excel and WPS change what people typed: codes become `4.11003E+11`, dates become
//! `2020/6/15`, a Chinese input method types `１２０` and `　`, a note `=1+1` becomes a
//! formula. Everything here undoes or refuses that, so that CSV and XLSX rows reach the
//! one validation path (`forms::record::parse_input`, then the form's `validate`) as the
//! TUI's would.

use crate::forms::schema::{Field, FieldType, Text};
use crate::forms::value::format_decimal;
use unicode_normalization::UnicodeNormalization as _;

/// One cell as a CSV file or a workbook gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    Date(jiff::civil::Date),
    /// An Excel error value such as `#VALUE!`.
    Error(String),
    /// A formula with no computed value (the file was never calculated).
    Formula(String),
}

impl Cell {
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

/// NFKC: full-width digits, letters and spaces (what a Chinese input method types) become
/// their ASCII forms.
pub fn nfkc(s: &str) -> String {
    s.nfkc().collect()
}

/// The characters that make a spreadsheet treat a cell as a formula.
const FORMULA_START: [char; 4] = ['=', '+', '-', '@'];

/// Text as written to a CSV cell: a text that Excel would run as a formula (or that
/// already starts with the guard) gets a leading `'`.
pub fn guard_formula(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if FORMULA_START.contains(&c) => format!("'{s}"),
        Some('\'')
            if chars
                .next()
                .is_some_and(|c| FORMULA_START.contains(&c) || c == '\'') =>
        {
            format!("'{s}")
        }
        _ => s.to_string(),
    }
}

/// The inverse of `guard_formula`: one leading `'` before a formula character (or before
/// another `'`) is removed.
pub fn unguard_formula(s: &str) -> &str {
    let mut chars = s.chars();
    if chars.next() == Some('\'')
        && chars
            .next()
            .is_some_and(|c| FORMULA_START.contains(&c) || c == '\'')
    {
        &s[1..]
    } else {
        s
    }
}

/// `4.11003E+11`, `4.11081E11`: what Excel shows for a long number in a General cell.
fn is_scientific(s: &str) -> bool {
    let Some((mantissa, exp)) = s.split_once(['e', 'E']) else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mantissa.chars().next().is_some_and(|c| c.is_ascii_digit())
        && !exp.is_empty()
        && exp.chars().all(|c| c.is_ascii_digit())
}

/// A village code from a cell: 12 digits as text, or a whole number (a workbook cell
/// typed as a number keeps every digit). Scientific notation is refused: Excel has
/// already thrown digits away.
pub fn village_code(cell: &Cell) -> Result<String, Text> {
    match cell {
        Cell::Empty => Ok(String::new()),
        Cell::Number(x) if x.fract() == 0.0 && *x >= 0.0 && *x < 1e15 => {
            Ok(format!("{}", *x as u64))
        }
        Cell::Text(t) => {
            let s = nfkc(t);
            let s = s.trim();
            let s = s.strip_prefix('\'').unwrap_or(s).trim();
            if is_scientific(s) {
                return Err(scientific_code(s));
            }
            Ok(s.to_string())
        }
        other => Err(crate::i18n::both(|l| {
            crate::i18n::code_cell_not_code(l, &describe(other))
        })),
    }
}

fn scientific_code(s: &str) -> Text {
    crate::i18n::both(|l| crate::i18n::code_scientific(l, s))
}

fn describe(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.clone(),
        Cell::Number(x) => format_decimal(*x),
        Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Cell::Date(d) => d.to_string(),
        Cell::Error(e) => e.clone(),
        Cell::Formula(f) => format!("={f}"),
    }
}

/// Excel's serial day number (1900 date system, with its 1900-02-29) as a date.
pub fn excel_serial_date(serial: f64) -> Option<jiff::civil::Date> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    // Serial 60 is the 1900-02-29 Excel invents; from 61 on, count from 1899-12-30.
    let epoch = if days >= 61 {
        jiff::civil::date(1899, 12, 30)
    } else {
        jiff::civil::date(1899, 12, 31)
    };
    epoch.checked_add(jiff::Span::new().days(days)).ok()
}

/// `2020/6/15`, `2020-6-15`, `2020.6.15`, `2020年6月15日` → `2020-06-15`; anything else is
/// left for the date parser to refuse.
fn normalize_date(s: &str) -> String {
    let t = s
        .trim_end_matches('日')
        .replace(['年', '月', '/', '.'], "-");
    let parts: Vec<&str> = t.split('-').collect();
    if let [y, m, d] = parts[..]
        && y.len() == 4
        && (1..=2).contains(&m.len())
        && (1..=2).contains(&d.len())
        && [y, m, d]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return format!("{y}-{m:0>2}-{d:0>2}");
    }
    s.to_string()
}

/// Map choice labels (any language, full- or half-width) to choice names; names pass.
fn choice_name(field: &Field, s: &str) -> Option<String> {
    let n = nfkc(s);
    field
        .choices
        .iter()
        .find(|c| {
            c.name == s
                || c.name == n
                || c.label.zh == s
                || nfkc(&c.label.zh) == n
                || c.label.en.eq_ignore_ascii_case(s)
        })
        .map(|c| c.name.clone())
}

/// The text `parse_input` gets for a field from a cell. Errors are for what the cell
/// itself says (an Excel error value), in both languages.
pub fn field_input(field: &Field, cell: &Cell) -> Result<String, Text> {
    Ok(match cell {
        Cell::Empty => String::new(),
        Cell::Error(e) => {
            return Err(crate::i18n::both(|l| crate::i18n::cell_excel_error(l, e)));
        }
        Cell::Formula(f) => {
            return Err(crate::i18n::both(|l| {
                crate::i18n::cell_formula_without_value(l, f)
            }));
        }
        Cell::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Cell::Number(x) => match field.ty {
            FieldType::Date => match excel_serial_date(*x) {
                Some(d) => d.to_string(),
                None => format_decimal(*x),
            },
            FieldType::Integer if x.fract() == 0.0 && x.abs() < 9e15 => {
                format!("{}", *x as i64)
            }
            _ => format_decimal(*x),
        },
        Cell::Date(d) => d.to_string(),
        Cell::Text(t) => text_input(field, t),
    })
}

fn text_input(field: &Field, raw: &str) -> String {
    match field.ty {
        // Text is stored as typed; only the formula guard is undone.
        FieldType::Text => unguard_formula(raw.trim()).to_string(),
        FieldType::Date => normalize_date(nfkc(raw).trim()),
        FieldType::SelectOne => {
            let s = raw.trim();
            choice_name(field, s).unwrap_or_else(|| s.to_string())
        }
        FieldType::SelectMany => nfkc(raw)
            .split([' ', ',', ';', '，', '、', '；'])
            .filter(|p| !p.is_empty())
            .map(|p| choice_name(field, p).unwrap_or_else(|| p.to_string()))
            .collect::<Vec<_>>()
            .join(" "),
        FieldType::Integer | FieldType::Decimal | FieldType::YesNo => nfkc(raw).trim().to_string(),
    }
}

/// What a header cell names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Column {
    VillageCode,
    Field(String),
    /// A column for people (village or township name); ignored on import.
    Info,
    /// No header: ignored while its cells are empty.
    Blank,
    Unknown(String),
}

/// The header of the village code column in either language.
pub const VILLAGE_CODE_LABEL: &str = "村代码";

/// Information columns the template and `export-csv --labels zh` add: (name, zh label).
pub const INFO_COLUMNS: [(&str, &str); 4] = [
    ("village_name", "村名称"),
    ("township_code", "乡镇代码"),
    ("township_name", "乡镇名称"),
    ("county_name", "县名称"),
];

/// Header text without what people add around it: full-width forms, spaces and the
/// required-field mark `*`.
pub fn header_key(raw: &str) -> String {
    let n = nfkc(raw);
    n.trim()
        .trim_start_matches('\u{feff}')
        .trim_end_matches('*')
        .trim_start_matches('*')
        .trim()
        .to_string()
}

/// Resolve a header cell against a list of fields: field names, or labels in either
/// language (mixed headers are fine).
pub fn resolve_header<'f>(fields: impl Iterator<Item = &'f Field> + Clone, raw: &str) -> Column {
    let h = header_key(raw);
    if h.is_empty() {
        return Column::Blank;
    }
    if h == "village_code" || h == VILLAGE_CODE_LABEL || h == "行政村代码" {
        return Column::VillageCode;
    }
    if INFO_COLUMNS.iter().any(|(n, l)| h == *n || h == *l) {
        return Column::Info;
    }
    if let Some(f) = fields.clone().find(|f| f.name == h) {
        return Column::Field(f.name.clone());
    }
    if let Some(f) = fields
        .clone()
        .find(|f| nfkc(&f.label.zh).trim() == h || f.label.en.trim().eq_ignore_ascii_case(&h))
    {
        return Column::Field(f.name.clone());
    }
    Column::Unknown(h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::FormSet;

    #[test]
    fn formula_guard_round_trips() {
        for s in [
            "=1+1", "+86 123", "-5 户", "@sum", "'=x", "''", "plain", "'s", "",
        ] {
            assert_eq!(unguard_formula(&guard_formula(s)), s, "{s}");
        }
        assert_eq!(guard_formula("=1+1"), "'=1+1");
        assert_eq!(guard_formula("'s"), "'s");
    }

    #[test]
    fn codes_in_scientific_notation_are_refused_with_a_way_out() {
        let e = village_code(&Cell::Text("4.11003E+11".into())).unwrap_err();
        assert!(e.en.contains("scientific notation"), "{}", e.en);
        assert!(e.zh.contains("文本"), "{}", e.zh);
        assert_eq!(
            village_code(&Cell::Number(411081103204.0)).unwrap(),
            "411081103204"
        );
        assert_eq!(
            village_code(&Cell::Text("４１１０８１１０３２０４".into())).unwrap(),
            "411081103204"
        );
    }

    #[test]
    fn excel_dates_and_full_width_digits_become_what_the_form_parses() {
        let set = FormSet::builtin();
        let form = set.village_form();
        let f = |n: &str| form.field(n).unwrap();
        let t = |s: &str| Cell::Text(s.into());
        for s in [
            "2020/6/15",
            "2020-6-15",
            "2020/06/15",
            "2020年6月15日",
            "２０２０/６/１５",
        ] {
            assert_eq!(
                field_input(f("survey_date"), &t(s)).unwrap(),
                "2020-06-15",
                "{s}"
            );
        }
        assert_eq!(
            field_input(f("survey_date"), &Cell::Number(44000.0)).unwrap(),
            "2020-06-18"
        );
        assert_eq!(field_input(f("households"), &t("１２０")).unwrap(), "120");
        assert_eq!(
            field_input(f("households"), &t("\u{3000}120\u{3000}")).unwrap(),
            "120"
        );
        assert_eq!(
            field_input(f("households"), &Cell::Number(120.0)).unwrap(),
            "120"
        );
        assert_eq!(
            field_input(f("sewage_mode"), &t("资源化利用(如化粪池后还田)")).unwrap(),
            "reuse"
        );
        assert_eq!(
            field_input(f("sewage_mode"), &t("村集中处理设施")).unwrap(),
            "central"
        );
        assert_eq!(field_input(f("notes"), &t("'=1+1")).unwrap(), "=1+1");
        assert_eq!(
            field_input(f("notes"), &t("ＡＢ")).unwrap(),
            "ＡＢ",
            "text is kept"
        );
        assert!(field_input(f("households"), &Cell::Error("#VALUE!".into())).is_err());
    }

    #[test]
    fn headers_are_names_or_labels() {
        let set = FormSet::builtin();
        let form = set.village_form();
        let r = |h: &str| resolve_header(form.fields.iter(), h);
        assert_eq!(r("常住户数"), Column::Field("households".into()));
        assert_eq!(r(" households "), Column::Field("households".into()));
        assert_eq!(r("常住户数 *"), Column::Field("households".into()));
        assert_eq!(r("\u{feff}village_code"), Column::VillageCode);
        assert_eq!(r("村代码"), Column::VillageCode);
        assert_eq!(r("村名称"), Column::Info);
        assert_eq!(r(""), Column::Blank);
        assert_eq!(
            r("无害化卫生厕所户数(自动)"),
            Column::Field("toilet_harmless".into())
        );
        assert!(matches!(r("常驻户数"), Column::Unknown(_)));
    }
}
