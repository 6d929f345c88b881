//! The report writers: the JSON of the `report --format json` contract, CSV for
//! spreadsheets, an aligned text table for an 80-column terminal, and an XLSX workbook.
//!
//! Every writer reads a finished [`Report`]; none of them computes anything beyond
//! presentation. Text that came from outside (unit names, labels) is stripped of control
//! characters before it reaches a terminal.

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

use rust_xlsxwriter::{
    ColNum, Color, Format, FormatAlign, FormatBorder, RowNum, Workbook, Worksheet, XlsxError,
};
use serde_json::{Value, json};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::model::{IndicatorValue, Level, Report, UnitReport};
use crate::i18n::data as m;

/// Language of labels in the human-facing outputs (table, CSV labels, XLSX).
pub use crate::forms::Lang;

/// Name of a level in `lang`; also the XLSX sheet name for that level.
pub fn level_label(level: Level, lang: Lang) -> &'static str {
    m::report_level(lang, level)
}

const LEVELS: [Level; 5] = [
    Level::Province,
    Level::City,
    Level::County,
    Level::Township,
    Level::Village,
];

fn indicator_label<'r>(report: &'r Report, id: &'r str, lang: Lang) -> &'r str {
    report.indicator_info(id).map_or(id, |info| {
        crate::i18n::pick(lang, &info.label_zh, &info.label_en)
    })
}

fn indicator_unit<'r>(report: &'r Report, id: &str, lang: Lang) -> &'r str {
    report.indicator_info(id).map_or("", |info| {
        crate::i18n::pick(lang, &info.unit_zh, &info.unit_en)
    })
}

// ---------------------------------------------------------------------------------------
// Numbers

/// 2^53: above it not every integer is an f64, so it is no longer safe to call one integral.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_992.0;

fn integral(x: f64) -> Option<i64> {
    (x.fract() == 0.0 && x.abs() < MAX_SAFE_INTEGER).then_some(x as i64)
}

/// Counts as JSON integers (301234), measured amounts as floats (1234.5); NaN and
/// infinities, which no roll-up should produce, as null rather than invalid JSON.
fn json_number(x: f64) -> Value {
    match integral(x) {
        Some(i) => Value::from(i),
        None => serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number),
    }
}

fn json_opt(x: Option<f64>) -> Value {
    x.map_or(Value::Null, json_number)
}

/// Machine text of a number: the same digits as the JSON.
fn number_text(x: f64) -> String {
    match integral(x) {
        Some(i) => i.to_string(),
        None => x.to_string(),
    }
}

/// Human text of an amount: whole numbers as they are, tonnes to at most two decimals.
fn quantity_text(x: f64) -> String {
    match integral(x) {
        Some(i) => i.to_string(),
        None => {
            let text = format!("{x:.2}");
            text.trim_end_matches('0').trim_end_matches('.').to_owned()
        }
    }
}

fn percent_text(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Targets are round numbers (85%, 90%); show a decimal only when one is configured.
fn target_text(x: f64) -> String {
    let p = x * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

// ---------------------------------------------------------------------------------------
// JSON

/// The `report --format json` document of DESIGN.md, keys in the documented order.
pub fn to_json(report: &Report) -> Value {
    let units: Vec<Value> = report.units.iter().map(unit_json).collect();
    let mut doc = json!({
        "round": report.round,
        "generated_at": report.generated_at,
    });
    if report.demo {
        doc["demo"] = Value::Bool(true);
    }
    doc["units"] = Value::Array(units);
    doc
}

fn unit_json(unit: &UnitReport) -> Value {
    let indicators: Vec<Value> = unit.indicators.iter().map(indicator_json).collect();
    json!({
        "code": unit.code,
        "name": unit.name,
        "level": unit.level.as_str(),
        "villages_in_scope": unit.villages_in_scope,
        "villages_reported": unit.villages_reported,
        "indicators": indicators,
    })
}

fn indicator_json(v: &IndicatorValue) -> Value {
    json!({
        "id": v.id,
        "numerator": json_number(v.numerator),
        "denominator": json_number(v.denominator),
        "value": json_opt(v.value),
        "target": json_opt(v.target),
        "met": v.met,
        "shortfall": json_opt(v.shortfall),
    })
}

/// The same document as `to_json`, pretty-printed straight to `out` without building a
/// `serde_json::Value` first: at provincial and national scale that tree costs more than
/// the roll-up itself. Byte for byte what `serde_json::to_writer_pretty(out, &to_json(r))`
/// writes (tested).
pub fn write_json(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(out, &JsonReport(report)).map_err(io::Error::from)
}

struct JsonReport<'r>(&'r Report);
struct JsonUnits<'r>(&'r [UnitReport]);
struct JsonUnit<'r>(&'r UnitReport);
struct JsonIndicators<'r>(&'r [IndicatorValue]);
struct JsonIndicator<'r>(&'r IndicatorValue);
struct JsonNumber(Option<f64>);

impl serde::Serialize for JsonReport<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(3 + usize::from(self.0.demo)))?;
        m.serialize_entry("round", &self.0.round)?;
        m.serialize_entry("generated_at", &self.0.generated_at)?;
        if self.0.demo {
            m.serialize_entry("demo", &true)?;
        }
        m.serialize_entry("units", &JsonUnits(&self.0.units))?;
        m.end()
    }
}

impl serde::Serialize for JsonUnits<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(JsonUnit))
    }
}

impl serde::Serialize for JsonUnit<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let u = self.0;
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("code", &u.code)?;
        m.serialize_entry("name", &u.name)?;
        m.serialize_entry("level", u.level.as_str())?;
        m.serialize_entry("villages_in_scope", &u.villages_in_scope)?;
        m.serialize_entry("villages_reported", &u.villages_reported)?;
        m.serialize_entry("indicators", &JsonIndicators(&u.indicators))?;
        m.end()
    }
}

impl serde::Serialize for JsonIndicators<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(JsonIndicator))
    }
}

impl serde::Serialize for JsonIndicator<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let v = self.0;
        let mut m = s.serialize_map(Some(7))?;
        m.serialize_entry("id", &v.id)?;
        m.serialize_entry("numerator", &JsonNumber(Some(v.numerator)))?;
        m.serialize_entry("denominator", &JsonNumber(Some(v.denominator)))?;
        m.serialize_entry("value", &JsonNumber(v.value))?;
        m.serialize_entry("target", &JsonNumber(v.target))?;
        m.serialize_entry("met", &v.met)?;
        m.serialize_entry("shortfall", &JsonNumber(v.shortfall))?;
        m.end()
    }
}

impl serde::Serialize for JsonNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            None => s.serialize_unit(),
            Some(x) => match integral(x) {
                Some(i) => s.serialize_i64(i),
                None if x.is_finite() => s.serialize_f64(x),
                None => s.serialize_unit(),
            },
        }
    }
}

// ---------------------------------------------------------------------------------------
// CSV

/// Column names of the CSV; machine names in every language.
pub const CSV_HEADER: [&str; 13] = [
    "code",
    "name",
    "level",
    "villages_in_scope",
    "villages_reported",
    "indicator",
    "indicator_label",
    "numerator",
    "denominator",
    "value",
    "target",
    "met",
    "shortfall",
];

/// One row per (unit, indicator), UTF-8 with a BOM so that Excel reads the Chinese right.
/// Empty cell where the JSON has null; `met` as `yes`/`no`.
pub fn write_csv(report: &Report, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    out.write_all("\u{FEFF}".as_bytes())?;
    if report.demo {
        writeln!(out, "{}", super::model::demo_notice(lang))?;
    }
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(CSV_HEADER)?;
    let opt = |x: Option<f64>| x.map(number_text).unwrap_or_default();
    for unit in &report.units {
        for v in &unit.indicators {
            let met = match v.met {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            };
            csv.write_record([
                unit.code.as_str(),
                unit.name.as_str(),
                unit.level.as_str(),
                &unit.villages_in_scope.to_string(),
                &unit.villages_reported.to_string(),
                v.id.as_str(),
                indicator_label(report, &v.id, lang),
                &number_text(v.numerator),
                &number_text(v.denominator),
                &opt(v.value),
                &opt(v.target),
                met,
                &opt(v.shortfall),
            ])?;
        }
    }
    csv.flush()
}

// ---------------------------------------------------------------------------------------
// Text table

/// Every line of the table fits a terminal this wide.
pub const TABLE_WIDTH: usize = 80;
/// The unit column never shrinks below this, however wide the numbers are.
const MIN_NAME_WIDTH: usize = 10;
const GAP: &str = "  ";

/// `s` with every character that could drive the terminal or reorder what is shown
/// escaped: the one rule of `crate::termsafe`.
pub fn printable(s: &str) -> Cow<'_, str> {
    crate::termsafe::escape(s)
}

/// `s` cut to at most `width` terminal columns, ending in `…` when cut.
fn truncate(s: &str, width: usize) -> Cow<'_, str> {
    if s.width() <= width {
        return Cow::Borrowed(s);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    Cow::Owned(out)
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Right,
}

fn pad(s: &str, width: usize, align: Align) -> String {
    let fill = " ".repeat(width.saturating_sub(s.width()));
    match align {
        Align::Left => format!("{s}{fill}"),
        Align::Right => format!("{fill}{s}"),
    }
}

fn write_line(out: &mut dyn Write, line: &str) -> io::Result<()> {
    writeln!(out, "{}", truncate(line.trim_end(), TABLE_WIDTH))
}

/// Column widths that fit [`TABLE_WIDTH`] for `rows` (which may span several sections, so
/// that they line up): the first column (unit names) gives way first, then the last
/// (numerator/denominator). Cells still too wide are cut with `…`.
fn fit_widths<'a>(headers: &[&str], rows: impl Iterator<Item = &'a Vec<String>>) -> Vec<usize> {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let total = |w: &[usize]| w.iter().sum::<usize>() + GAP.len() * w.len().saturating_sub(1);
    let last = widths.len() - 1;
    for (col, floor) in [(0, MIN_NAME_WIDTH), (last, headers[last].width())] {
        let excess = total(&widths).saturating_sub(TABLE_WIDTH);
        let room = widths[col].saturating_sub(floor);
        widths[col] -= excess.min(room);
    }
    widths
}

struct TextTable<'h> {
    headers: &'h [&'h str],
    aligns: &'h [Align],
    widths: Vec<usize>,
}

impl TextTable<'_> {
    fn line<'c>(&self, cells: impl Iterator<Item = &'c str>) -> String {
        cells
            .zip(self.widths.iter().zip(self.aligns))
            .map(|(cell, (&w, &align))| pad(&truncate(cell, w), w, align))
            .collect::<Vec<_>>()
            .join(GAP)
    }

    fn write(&self, out: &mut dyn Write, rows: &[Vec<String>]) -> io::Result<()> {
        write_line(out, &self.line(self.headers.iter().copied()))?;
        let rule: Vec<String> = self.widths.iter().map(|&w| "-".repeat(w)).collect();
        write_line(out, &rule.join(GAP))?;
        for row in rows {
            write_line(out, &self.line(row.iter().map(String::as_str)))?;
        }
        Ok(())
    }
}

/// Units indented by their depth below the top of the report, so that townships sit
/// under their county.
fn unit_cell(unit: &UnitReport, top: Level) -> String {
    let depth = (unit.level as usize).saturating_sub(top as usize);
    format!("{}{}", "  ".repeat(depth), printable(&unit.name))
}

fn indicator_row(unit: &UnitReport, v: &IndicatorValue, top: Level) -> Vec<String> {
    let met = match v.met {
        Some(true) => "✓",
        Some(false) => "✗",
        None => "-",
    };
    vec![
        unit_cell(unit, top),
        v.value.map_or_else(|| "-".to_owned(), percent_text),
        v.target.map_or_else(|| "-".to_owned(), target_text),
        met.to_owned(),
        v.shortfall.map_or_else(|| "-".to_owned(), quantity_text),
        format!(
            "{}/{}",
            quantity_text(v.numerator),
            quantity_text(v.denominator)
        ),
    ]
}

/// A readable table for an 80-column terminal: a section with villages reported per unit,
/// then one section per indicator with a row per unit. Columns line up across sections.
pub fn write_table(report: &Report, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let round = printable(&report.round);
    let generated_at = printable(&report.generated_at);
    let title = m::report_title(lang, &round, &generated_at);
    if report.demo {
        write_line(out, super::model::demo_notice(lang))?;
    }
    write_line(out, &title)?;
    let Some(top) = report.units.iter().map(|u| u.level).min() else {
        writeln!(out)?;
        return write_line(out, m::report_no_units(lang));
    };

    use Align::{Left, Right};
    let village_headers = m::report_village_headers(lang);
    let village_rows: Vec<Vec<String>> = report
        .units
        .iter()
        .map(|u| {
            vec![
                unit_cell(u, top),
                printable(&u.code).into_owned(),
                level_label(u.level, lang).to_owned(),
                u.villages_reported.to_string(),
                u.villages_in_scope.to_string(),
            ]
        })
        .collect();

    let indicator_headers = m::report_indicator_headers(lang);
    let sections: Vec<(String, Vec<Vec<String>>)> = report
        .indicator_ids()
        .into_iter()
        .map(|id| {
            let label = printable(indicator_label(report, id, lang));
            let counted_in = printable(indicator_unit(report, id, lang));
            let id_text = printable(id);
            let heading = if counted_in.is_empty() {
                format!("{label} ({id_text})")
            } else {
                format!("{label} ({id_text}, {counted_in})")
            };
            let rows = report
                .units
                .iter()
                .filter_map(|u| u.indicator(id).map(|v| indicator_row(u, v, top)))
                .collect();
            (heading, rows)
        })
        .collect();

    let mut villages = TextTable {
        headers: &village_headers,
        aligns: &[Left, Left, Left, Right, Right],
        widths: fit_widths(&village_headers, village_rows.iter()),
    };
    let mut indicators = TextTable {
        headers: &indicator_headers,
        aligns: &[Left, Right, Right, Left, Right, Right],
        widths: fit_widths(
            &indicator_headers,
            sections.iter().flat_map(|(_, rows)| rows),
        ),
    };
    // One name column for the whole page, as wide as the narrowest budget allows.
    let name_width = villages.widths[0].min(indicators.widths[0]);
    villages.widths[0] = name_width;
    indicators.widths[0] = name_width;

    writeln!(out)?;
    write_line(out, m::report_villages_heading(lang))?;
    villages.write(out, &village_rows)?;
    for (heading, rows) in &sections {
        writeln!(out)?;
        write_line(out, heading)?;
        indicators.write(out, rows)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// XLSX

struct Styles {
    title: Format,
    header: Format,
    label: Format,
    text: Format,
    count: Format,
    amount: Format,
    value: Format,
    value_met: Format,
    value_unmet: Format,
    target: Format,
    datetime: Format,
    mark: Format,
    mark_met: Format,
    mark_unmet: Format,
}

impl Styles {
    fn new() -> Styles {
        let value = Format::new().set_num_format("0.0%");
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border_bottom(FormatBorder::Thin),
            label: Format::new().set_bold(),
            // "@": stays text when someone edits the cell, so codes keep their 12 digits.
            text: Format::new().set_num_format("@"),
            count: Format::new().set_num_format("#,##0"),
            amount: Format::new().set_num_format("#,##0.0#"),
            // Excel's own "Good" and "Bad" cell styles.
            value_met: value
                .clone()
                .set_background_color(Color::RGB(0xC6EFCE))
                .set_font_color(Color::RGB(0x006100)),
            value_unmet: value
                .clone()
                .set_background_color(Color::RGB(0xFFC7CE))
                .set_font_color(Color::RGB(0x9C0006)),
            value,
            target: Format::new().set_num_format("0%"),
            datetime: Format::new()
                .set_num_format("yyyy-mm-dd hh:mm")
                .set_align(FormatAlign::Left),
            mark: Format::new().set_align(FormatAlign::Center),
            mark_met: Format::new()
                .set_align(FormatAlign::Center)
                .set_font_color(Color::RGB(0x006100)),
            mark_unmet: Format::new()
                .set_align(FormatAlign::Center)
                .set_bold()
                .set_font_color(Color::RGB(0x9C0006)),
        }
    }

    fn mark_for(&self, met: Option<bool>) -> &Format {
        match met {
            Some(true) => &self.mark_met,
            Some(false) => &self.mark_unmet,
            None => &self.mark,
        }
    }

    fn value_for(&self, met: Option<bool>) -> &Format {
        match met {
            Some(true) => &self.value_met,
            Some(false) => &self.value_unmet,
            None => &self.value,
        }
    }
}

fn col(i: usize) -> Result<ColNum, XlsxError> {
    ColNum::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)
}

fn row(i: usize) -> Result<RowNum, XlsxError> {
    RowNum::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)
}

fn write_amount(
    ws: &mut Worksheet,
    r: RowNum,
    c: ColNum,
    x: f64,
    st: &Styles,
) -> Result<(), XlsxError> {
    let format = if integral(x).is_some() {
        &st.count
    } else {
        &st.amount
    };
    ws.write_number_with_format(r, c, x, format)?;
    Ok(())
}

/// Excel column width (in widths of "0") for text: CJK characters take two.
fn excel_width(s: &str) -> f64 {
    s.width() as f64 + 2.0
}

/// Per indicator: value, met (✓/✗), target, numerator, denominator, shortfall.
const INDICATOR_COLUMNS: usize = 6;
const FIRST_INDICATOR_COLUMN: usize = 4;
/// The village sheet carries the township's code and name after the village's name.
const TOWNSHIP_COLUMNS: usize = 2;

/// Met or not as text beside the colour (a black-and-white printout keeps it).
fn met_mark(met: Option<bool>, lang: Lang) -> &'static str {
    match met {
        Some(met) => m::report_met_mark(lang, met),
        None => "",
    }
}

/// Landscape A4, one page wide, the header rows on every page, page numbers below.
fn print_setup(ws: &mut Worksheet, header_rows: RowNum, lang: Lang) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    if header_rows > 0 {
        ws.set_repeat_rows(0, header_rows - 1)?;
    }
    ws.set_footer(m::report_page_footer(lang));
    Ok(())
}

/// The report's generation time as an Excel date-time (local time as written), if it
/// parses.
fn generated_at_cell(s: &str) -> Option<rust_xlsxwriter::ExcelDateTime> {
    let ts: jiff::Timestamp = s.parse().ok()?;
    let offset = s
        .parse::<jiff::Zoned>()
        .ok()
        .map(|z| z.offset())
        .or_else(|| {
            // RFC 3339 with a numeric offset: read the offset from the text.
            let tail = s.get(s.len().checked_sub(6)?..)?;
            let sign = match tail.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let h: i32 = tail.get(1..3)?.parse().ok()?;
            let m: i32 = tail.get(4..6)?.parse().ok()?;
            jiff::tz::Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
        })
        .unwrap_or(jiff::tz::Offset::UTC);
    let dt = offset.to_datetime(ts);
    rust_xlsxwriter::ExcelDateTime::from_ymd(
        u16::try_from(dt.year()).ok()?,
        dt.month() as u8,
        dt.day() as u8,
    )
    .ok()?
    .and_hms(dt.hour() as u16, dt.minute() as u8, dt.second() as f64)
    .ok()
}
const INDICATOR_COLUMN_WIDTH: f64 = 12.0;

/// A workbook with a summary sheet for the top unit, then one sheet per level present
/// (rows = units of that level). The file appears whole or not at all.
pub fn write_xlsx(report: &Report, lang: Lang, path: &Path) -> Result<(), XlsxError> {
    let st = Styles::new();
    let ids = report.indicator_ids();
    let mut workbook = Workbook::new();
    write_summary_sheet(workbook.add_worksheet(), report, &ids, lang, &st)?;
    for level in LEVELS {
        let units: Vec<&UnitReport> = report.units.iter().filter(|u| u.level == level).collect();
        if !units.is_empty() {
            let ws = workbook.add_worksheet();
            write_level_sheet(ws, report, &ids, level, &units, lang, &st)?;
        }
    }
    let bytes = workbook.save_to_buffer()?;
    write_whole(path, &bytes, lang)?;
    Ok(())
}

/// Write to a temporary file beside `path`, then rename over it, so that a failure never
/// leaves half a workbook where the user expects one ([`crate::output`]).
fn write_whole(path: &Path, bytes: &[u8], lang: Lang) -> io::Result<()> {
    crate::output::replace_file(path, bytes, lang)
}

fn write_summary_sheet(
    ws: &mut Worksheet,
    report: &Report,
    ids: &[&str],
    lang: Lang,
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(m::report_summary_sheet(lang))?;
    ws.write_string_with_format(0, 0, m::report_workbook_title(lang), &st.title)?;
    if report.demo {
        ws.write_string_with_format(1, 0, super::model::demo_notice(lang), &st.title)?;
    }
    ws.write_string_with_format(2, 0, m::report_round_label(lang), &st.label)?;
    ws.write_string_with_format(2, 1, &report.round, &st.text)?;
    ws.write_string_with_format(3, 0, m::report_generated_at_label(lang), &st.label)?;
    match generated_at_cell(&report.generated_at) {
        Some(dt) => ws.write_datetime_with_format(3, 1, dt, &st.datetime)?,
        None => ws.write_string_with_format(3, 1, &report.generated_at, &st.text)?,
    };

    let mut label_width = excel_width(m::report_reported_label(lang));
    if let Some(top) = report.units.first() {
        let facts = [
            (m::report_unit_label(lang), top.name.clone()),
            (m::report_code_label(lang), top.code.clone()),
            (
                m::report_level_label(lang),
                level_label(top.level, lang).to_owned(),
            ),
        ];
        for (i, (label, text)) in facts.into_iter().enumerate() {
            let r = row(4 + i)?;
            ws.write_string_with_format(r, 0, label, &st.label)?;
            ws.write_string_with_format(r, 1, text, &st.text)?;
        }
        let counts = [
            (m::report_in_scope_label(lang), top.villages_in_scope),
            (m::report_reported_label(lang), top.villages_reported),
        ];
        for (i, (label, n)) in counts.into_iter().enumerate() {
            let r = row(7 + i)?;
            ws.write_string_with_format(r, 0, label, &st.label)?;
            ws.write_number_with_format(r, 1, n as f64, &st.count)?;
        }

        let headers = m::report_summary_headers(lang);
        let header_row = 10;
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(header_row, col(c)?, *h, &st.header)?;
        }
        let mut r = header_row;
        for id in ids {
            let Some(v) = top.indicator(id) else {
                continue;
            };
            r += 1;
            let label = indicator_label(report, id, lang);
            label_width = label_width.max(excel_width(label));
            ws.write_string(r, 0, label)?;
            if let Some(x) = v.value {
                ws.write_number_with_format(r, 1, x, st.value_for(v.met))?;
            }
            if let Some(t) = v.target {
                ws.write_number_with_format(r, 2, t, &st.target)?;
            }
            ws.write_string_with_format(r, 3, met_mark(v.met, lang), st.mark_for(v.met))?;
            write_amount(ws, r, 4, v.numerator, st)?;
            write_amount(ws, r, 5, v.denominator, st)?;
            if let Some(s) = v.shortfall {
                write_amount(ws, r, 6, s, st)?;
            }
            ws.write_string(r, 7, indicator_unit(report, id, lang))?;
        }
    }
    ws.set_column_width(0, label_width.min(50.0))?;
    ws.set_column_width(1, 16)?;
    for c in 2..8 {
        ws.set_column_width(c, 12)?;
    }
    print_setup(ws, 0, lang)?;
    Ok(())
}

fn write_level_sheet(
    ws: &mut Worksheet,
    report: &Report,
    ids: &[&str],
    level: Level,
    units: &[&UnitReport],
    lang: Lang,
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(level_label(level, lang))?;
    if report.demo {
        ws.set_header(format!("&C{}", super::model::demo_notice(lang)));
    }

    // Villages carry their township (code and name) after their own name.
    let with_township = level == Level::Village;
    let lead = if with_township { TOWNSHIP_COLUMNS } else { 0 };
    let first_indicator = FIRST_INDICATOR_COLUMN + lead;
    let mut headers: Vec<String> = m::report_sheet_unit_headers(lang)
        .into_iter()
        .map(String::from)
        .collect();
    if with_township {
        headers.extend(m::report_sheet_township_headers(lang).map(String::from));
    }
    headers.extend(
        [
            m::report_in_scope_label(lang),
            m::report_reported_label(lang),
        ]
        .map(String::from),
    );
    let parts = m::report_indicator_parts(lang);
    for id in ids {
        let label = indicator_label(report, id, lang);
        headers.extend(parts.iter().map(|p| format!("{label} {p}")));
    }
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, col(c)?, h, &st.header)?;
    }
    let township_name = |code: &str| -> &str {
        let t = format!("{}000", &code[..code.len().min(9)]);
        report
            .units
            .iter()
            .find(|u| u.level == Level::Township && u.code == t)
            .map(|u| u.name.as_str())
            .unwrap_or("")
    };

    for (i, unit) in units.iter().enumerate() {
        let r = row(i + 1)?;
        ws.write_string_with_format(r, 0, &unit.code, &st.text)?;
        ws.write_string(r, 1, &unit.name)?;
        if with_township && unit.code.len() == 12 {
            let t_code = format!("{}000", &unit.code[..9]);
            ws.write_string_with_format(r, 2, &t_code, &st.text)?;
            ws.write_string(r, 3, township_name(&unit.code))?;
        }
        let c0 = col(2 + lead)?;
        ws.write_number_with_format(r, c0, unit.villages_in_scope as f64, &st.count)?;
        ws.write_number_with_format(r, c0 + 1, unit.villages_reported as f64, &st.count)?;
        for (k, id) in ids.iter().enumerate() {
            let Some(v) = unit.indicator(id) else {
                continue;
            };
            let c = col(first_indicator + INDICATOR_COLUMNS * k)?;
            if let Some(x) = v.value {
                ws.write_number_with_format(r, c, x, st.value_for(v.met))?;
            }
            ws.write_string_with_format(r, c + 1, met_mark(v.met, lang), st.mark_for(v.met))?;
            if let Some(t) = v.target {
                ws.write_number_with_format(r, c + 2, t, &st.target)?;
            }
            write_amount(ws, r, c + 3, v.numerator, st)?;
            write_amount(ws, r, c + 4, v.denominator, st)?;
            if let Some(s) = v.shortfall {
                write_amount(ws, r, c + 5, s, st)?;
            }
        }
    }

    let name_width = units
        .iter()
        .map(|u| excel_width(&u.name))
        .fold(10.0, f64::max)
        .min(40.0);
    let mut widths = vec![14.0, name_width];
    if with_township {
        widths.extend([14.0, 16.0]);
    }
    widths.extend([12.0, 12.0]);
    for (c, w) in widths.into_iter().enumerate() {
        ws.set_column_width(col(c)?, w)?;
    }
    for c in first_indicator..headers.len() {
        ws.set_column_width(col(c)?, INDICATOR_COLUMN_WIDTH)?;
    }
    // Wrapped headers: give the row enough lines for the longest one, up to six.
    let lines = headers
        .iter()
        .map(|h| (excel_width(h) / INDICATOR_COLUMN_WIDTH).ceil())
        .fold(1.0, f64::max)
        .min(6.0);
    ws.set_row_height(0, 15.0 * (lines + 0.5))?;
    ws.set_freeze_panes(1, 2)?;
    ws.autofilter(0, 0, row(units.len())?, col(headers.len() - 1)?)?;
    print_setup(ws, 1, lang)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::indicator::evaluate;
    use crate::report::model::IndicatorInfo;

    fn info(id: &str, zh: &str, en: &str, unit_zh: &str, unit_en: &str) -> IndicatorInfo {
        IndicatorInfo {
            id: id.into(),
            label_zh: zh.into(),
            label_en: en.into(),
            unit_zh: unit_zh.into(),
            unit_en: unit_en.into(),
        }
    }

    /// (garbage, toilet_harmless, toilet_sanitary, manure tonnes, farms) as (num, den).
    type Sums = [(f64, f64); 5];

    fn unit(
        code: &str,
        name: &str,
        level: Level,
        scope: u64,
        reported: u64,
        s: Sums,
    ) -> UnitReport {
        UnitReport {
            code: code.into(),
            name: name.into(),
            level,
            villages_in_scope: scope,
            villages_reported: reported,
            indicators: vec![
                evaluate("garbage_effective", s[0].0, s[0].1, Some(0.9)),
                evaluate("toilet_harmless", s[1].0, s[1].1, Some(0.85)),
                evaluate("toilet_sanitary", s[2].0, s[2].1, None),
                evaluate("manure_utilization", s[3].0, s[3].1, Some(0.75)),
                evaluate("farm_facilities", s[4].0, s[4].1, Some(0.95)),
            ],
        }
    }

    const LONG_NAME: &str =
        "Shenhou Town of the Yuzhou City Comprehensive Development Zone (Pilot)";

    fn fixture() -> Report {
        Report {
            round: "2020".into(),
            generated_at: "2026-11-28T10:00:00+08:00".into(),
            demo: false,
            indicators: vec![
                info(
                    "garbage_effective",
                    "生活垃圾有效治理",
                    "Household garbage effectively treated",
                    "村",
                    "villages",
                ),
                info(
                    "toilet_harmless",
                    "无害化卫生厕所普及率",
                    "Harmless sanitary toilet penetration",
                    "户",
                    "households",
                ),
                info(
                    "toilet_sanitary",
                    "卫生厕所普及率",
                    "Sanitary toilet penetration",
                    "户",
                    "households",
                ),
                info(
                    "manure_utilization",
                    "畜禽粪污综合利用率",
                    "Manure comprehensive utilization",
                    "吨",
                    "tonnes",
                ),
                info(
                    "farm_facilities",
                    "规模养殖场粪污处理设施装备配套率",
                    "Scale farms with matched manure facilities",
                    "个",
                    "farms",
                ),
            ],
            units: vec![
                unit(
                    "411000000000",
                    "许昌市",
                    Level::City,
                    1591,
                    1550,
                    [
                        (1400.0, 1550.0),
                        (301234.0, 352000.0),
                        (320000.0, 352000.0),
                        (1234.5, 1500.0),
                        (40.0, 42.0),
                    ],
                ),
                unit(
                    "411081000000",
                    "禹州市",
                    Level::County,
                    400,
                    390,
                    [
                        (350.0, 390.0),
                        (80000.0, 100000.0),
                        (90000.0, 100000.0),
                        (300.25, 500.0),
                        (0.0, 0.0),
                    ],
                ),
                unit(
                    "411081101000",
                    "鸿畅镇",
                    Level::Township,
                    20,
                    20,
                    [
                        (18.0, 20.0),
                        (4000.0, 5000.0),
                        (4500.0, 5000.0),
                        (10.0, 20.0),
                        (0.0, 0.0),
                    ],
                ),
                unit(
                    "411081102000",
                    LONG_NAME,
                    Level::Township,
                    25,
                    24,
                    [
                        (20.0, 24.0),
                        (5000.0, 5500.0),
                        (5100.0, 5500.0),
                        (30.5, 40.0),
                        (0.0, 0.0),
                    ],
                ),
            ],
        }
    }

    fn indicator_count(report: &Report) -> usize {
        report.units.iter().map(|u| u.indicators.len()).sum()
    }

    // ---- JSON

    #[test]
    fn write_json_is_to_json_pretty_byte_for_byte() {
        let mut report = fixture();
        // Integral and fractional amounts, nulls, a NaN that must become null.
        if let Some(u) = report.units.first_mut()
            && let Some(v) = u.indicators.first_mut()
        {
            v.numerator = 1234.5;
            v.shortfall = Some(f64::NAN);
        }
        let mut streamed = Vec::new();
        write_json(&report, &mut streamed).unwrap();
        let via_value = serde_json::to_vec_pretty(&to_json(&report)).unwrap();
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            String::from_utf8(via_value).unwrap()
        );
    }

    #[test]
    fn demo_reports_say_so_in_every_format() {
        let mut report = fixture();
        let plain = to_json(&report);
        assert!(plain.get("demo").is_none(), "real data carries no demo key");
        report.demo = true;
        let mut streamed = Vec::new();
        write_json(&report, &mut streamed).unwrap();
        let doc: Value = serde_json::from_slice(&streamed).unwrap();
        assert_eq!(doc["demo"], Value::Bool(true));
        assert_eq!(
            streamed,
            serde_json::to_vec_pretty(&to_json(&report)).unwrap()
        );
        for lang in [Lang::Zh, Lang::En] {
            let notice = super::super::model::demo_notice(lang);
            let mut table = Vec::new();
            write_table(&report, lang, &mut table).unwrap();
            let table = String::from_utf8(table).unwrap();
            assert_eq!(table.lines().next(), Some(notice), "{table}");
            let mut csv = Vec::new();
            write_csv(&report, lang, &mut csv).unwrap();
            let csv = String::from_utf8(csv).unwrap();
            assert_eq!(
                csv.trim_start_matches('\u{FEFF}').lines().next(),
                Some(notice)
            );
        }
    }

    #[test]
    fn json_has_the_documented_shape_and_key_order() {
        let doc = to_json(&fixture());
        let keys = |v: &Value| {
            v.as_object()
                .expect("object")
                .keys()
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(&doc), ["round", "generated_at", "units"]);
        assert_eq!(doc["round"], "2020");
        assert_eq!(doc["generated_at"], "2026-11-28T10:00:00+08:00");
        let units = doc["units"].as_array().expect("units");
        assert_eq!(units.len(), 4);
        assert_eq!(
            keys(&units[0]),
            [
                "code",
                "name",
                "level",
                "villages_in_scope",
                "villages_reported",
                "indicators"
            ]
        );
        assert_eq!(
            keys(&units[0]["indicators"][0]),
            [
                "id",
                "numerator",
                "denominator",
                "value",
                "target",
                "met",
                "shortfall"
            ]
        );
        let levels: Vec<&str> = units
            .iter()
            .map(|u| u["level"].as_str().unwrap_or("?"))
            .collect();
        assert_eq!(levels, ["city", "county", "township", "township"]);
    }

    #[test]
    fn json_counts_are_integers_and_tonnes_are_floats() {
        let doc = to_json(&fixture());
        let city = &doc["units"][0];
        assert_eq!(
            city["indicators"][1],
            json!({
                "id": "toilet_harmless", "numerator": 301234, "denominator": 352000,
                "value": 301234.0 / 352000.0, "target": 0.85, "met": true, "shortfall": 0
            })
        );
        let text = serde_json::to_string(city).expect("serializes");
        assert!(text.starts_with(
            r#"{"code":"411000000000","name":"许昌市","level":"city","villages_in_scope":1591,"villages_reported":1550,"indicators":[{"id":"garbage_effective","numerator":1400,"denominator":1550,"#
        ), "{text}");
        assert!(
            text.contains(r#""numerator":301234,"denominator":352000,"#),
            "{text}"
        );
        assert!(
            text.contains(r#""numerator":1234.5,"denominator":1500,"#),
            "{text}"
        );
        assert!(!text.contains("301234.0"), "{text}");
        // The county: 0.9 × 390 = 351 villages needed, 350 have it.
        let county_garbage = &doc["units"][1]["indicators"][0];
        assert_eq!(county_garbage["shortfall"], json!(1));
        assert_eq!(county_garbage["met"], json!(false));
        // 0.75 × 500 − 300.25 = 74.75 t → 75 t.
        assert_eq!(doc["units"][1]["indicators"][3]["shortfall"], json!(75));
        assert_eq!(doc["units"][1]["indicators"][3]["numerator"], json!(300.25));
    }

    #[test]
    fn json_nulls_follow_the_contract() {
        let doc = to_json(&fixture());
        let county = &doc["units"][1]["indicators"];
        // No target: target, met and shortfall are null, the value is still there.
        assert_eq!(
            county[2],
            json!({
                "id": "toilet_sanitary", "numerator": 90000, "denominator": 100000,
                "value": 0.9, "target": null, "met": null, "shortfall": null
            })
        );
        // Denominator 0: no value, so no verdict; nothing is missing.
        assert_eq!(
            county[4],
            json!({
                "id": "farm_facilities", "numerator": 0, "denominator": 0,
                "value": null, "target": 0.95, "met": null, "shortfall": 0
            })
        );
    }

    #[test]
    fn json_never_emits_invalid_numbers() {
        assert_eq!(json_number(f64::NAN), Value::Null);
        assert_eq!(json_number(f64::INFINITY), Value::Null);
        assert_eq!(json_number(1.0), json!(1));
        assert_eq!(json_number(-0.0), json!(0));
        // Beyond 2^53 an f64 is not a trustworthy integer: keep it a float.
        assert!(json_number(1e17).is_f64());
    }

    // ---- CSV

    fn csv_rows(report: &Report, lang: Lang) -> (Vec<u8>, Vec<csv::StringRecord>) {
        let mut out = Vec::new();
        write_csv(report, lang, &mut out).expect("writes to a Vec");
        let body = out
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .expect("starts with a BOM");
        let mut reader = csv::Reader::from_reader(body);
        let header = reader.headers().expect("header").clone();
        assert_eq!(header.iter().collect::<Vec<_>>(), CSV_HEADER);
        let rows = reader
            .records()
            .collect::<Result<Vec<_>, _>>()
            .expect("parses back");
        (out, rows)
    }

    #[test]
    fn csv_has_a_bom_and_one_row_per_unit_and_indicator() {
        let report = fixture();
        let (bytes, rows) = csv_rows(&report, Lang::Zh);
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
        assert_eq!(rows.len(), report.units.len() * report.indicators.len());
        assert_eq!(rows.len(), indicator_count(&report));

        let mut rows = rows.iter();
        for unit in &report.units {
            for v in &unit.indicators {
                let row = rows.next().expect("a row per indicator");
                let cell = |name: &str| {
                    let i = CSV_HEADER.iter().position(|h| *h == name).expect("column");
                    row.get(i).expect("cell").to_owned()
                };
                let number = |name: &str| cell(name).parse::<f64>().ok();
                assert_eq!(cell("code"), unit.code);
                assert_eq!(cell("name"), unit.name);
                assert_eq!(cell("level"), unit.level.as_str());
                assert_eq!(
                    cell("villages_in_scope"),
                    unit.villages_in_scope.to_string()
                );
                assert_eq!(
                    cell("villages_reported"),
                    unit.villages_reported.to_string()
                );
                assert_eq!(cell("indicator"), v.id);
                let info = report.indicator_info(&v.id).expect("described");
                assert_eq!(cell("indicator_label"), info.label_zh);
                assert_eq!(number("numerator"), Some(v.numerator));
                assert_eq!(number("denominator"), Some(v.denominator));
                assert_eq!(number("value"), v.value);
                assert_eq!(number("target"), v.target);
                assert_eq!(number("shortfall"), v.shortfall);
                let met = match v.met {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "",
                };
                assert_eq!(cell("met"), met);
            }
        }
    }

    #[test]
    fn csv_cells_render_like_the_json() {
        let report = fixture();
        let (_, rows) = csv_rows(&report, Lang::En);
        let county_sanitary = &rows[report.indicators.len() + 2];
        assert_eq!(
            county_sanitary.iter().collect::<Vec<_>>(),
            [
                "411081000000",
                "禹州市",
                "county",
                "400",
                "390",
                "toilet_sanitary",
                "Sanitary toilet penetration",
                "90000",
                "100000",
                "0.9",
                "",
                "",
                "",
            ]
        );
        let county_farms = &rows[report.indicators.len() + 4];
        assert_eq!(
            county_farms.iter().skip(7).collect::<Vec<_>>(),
            ["0", "0", "", "0.95", "", "0"]
        );
        let city_manure = &rows[3];
        assert_eq!((&city_manure[7], &city_manure[8]), ("1234.5", "1500"));
    }

    // ---- Table

    fn table(report: &Report, lang: Lang) -> String {
        let mut out = Vec::new();
        write_table(report, lang, &mut out).expect("writes to a Vec");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn table_fits_80_columns_in_both_languages() {
        let report = fixture();
        for lang in [Lang::Zh, Lang::En] {
            let text = table(&report, lang);
            for line in text.lines() {
                assert!(
                    line.width() <= TABLE_WIDTH,
                    "{} columns: {line}",
                    line.width()
                );
            }
            for name in ["许昌市", "禹州市", "鸿畅镇", "Shenhou Town"] {
                assert!(text.contains(name), "{name} missing from\n{text}");
            }
            assert!(!text.contains(LONG_NAME), "the long name is cut");
            assert!(text.contains('…'));
        }
    }

    #[test]
    fn table_fits_80_columns_with_national_numbers() {
        let mut report = fixture();
        for v in &mut report.units[0].indicators {
            *v = evaluate(&v.id, 123_456_789.5, 987_654_321.25, v.target);
        }
        report.units[0].name = "中华人民共和国".repeat(5);
        for lang in [Lang::Zh, Lang::En] {
            for line in table(&report, lang).lines() {
                assert!(
                    line.width() <= TABLE_WIDTH,
                    "{} columns: {line}",
                    line.width()
                );
            }
        }
    }

    #[test]
    fn table_shows_no_control_characters_from_names() {
        let mut report = fixture();
        report.units[2].name = "鸿畅镇\u{1b}[2J\u{7}\r\n\u{202E}\u{9b}31m".into();
        report.round = "2020\u{1b}]0;pwned\u{7}".into();
        let text = table(&report, Lang::Zh);
        assert!(
            !text
                .chars()
                .any(|c| c != '\n' && crate::termsafe::is_unsafe(c)),
            "{text:?}"
        );
        assert!(
            text.contains("鸿畅镇\\u{1b}[2J\\u{7}\\u{d}\\u{a}\\u{2…"),
            "{text}"
        );
        assert!(text.contains("2020\\u{1b}]0;pwned\\u{7}"), "{text}");
    }

    #[test]
    fn table_reads_well_in_chinese() {
        insta::assert_snapshot!(table(&fixture(), Lang::Zh), @r"
农村人居环境整治 2020 轮 (生成于 2026-11-28T10:00:00+08:00)

已报村庄 / 范围内村庄
单位                                     代码          级别  已报  范围内
---------------------------------------  ------------  ----  ----  ------
许昌市                                   411000000000  市    1550    1591
  禹州市                                 411081000000  县     390     400
    鸿畅镇                               411081101000  乡镇    20      20
    Shenhou Town of the Yuzhou City Co…  411081102000  乡镇    24      25

生活垃圾有效治理 (garbage_effective, 村)
单位                                     达成率  目标  达标  差额      分子/分母
---------------------------------------  ------  ----  ----  ----  -------------
许昌市                                    90.3%   90%  ✓        0      1400/1550
  禹州市                                  89.7%   90%  ✗        1        350/390
    鸿畅镇                                90.0%   90%  ✓        0          18/20
    Shenhou Town of the Yuzhou City Co…   83.3%   90%  ✗        2          20/24

无害化卫生厕所普及率 (toilet_harmless, 户)
单位                                     达成率  目标  达标  差额      分子/分母
---------------------------------------  ------  ----  ----  ----  -------------
许昌市                                    85.6%   85%  ✓        0  301234/352000
  禹州市                                  80.0%   85%  ✗     5000   80000/100000
    鸿畅镇                                80.0%   85%  ✗      250      4000/5000
    Shenhou Town of the Yuzhou City Co…   90.9%   85%  ✓        0      5000/5500

卫生厕所普及率 (toilet_sanitary, 户)
单位                                     达成率  目标  达标  差额      分子/分母
---------------------------------------  ------  ----  ----  ----  -------------
许昌市                                    90.9%     -  -        -  320000/352000
  禹州市                                  90.0%     -  -        -   90000/100000
    鸿畅镇                                90.0%     -  -        -      4500/5000
    Shenhou Town of the Yuzhou City Co…   92.7%     -  -        -      5100/5500

畜禽粪污综合利用率 (manure_utilization, 吨)
单位                                     达成率  目标  达标  差额      分子/分母
---------------------------------------  ------  ----  ----  ----  -------------
许昌市                                    82.3%   75%  ✓        0    1234.5/1500
  禹州市                                  60.1%   75%  ✗       75     300.25/500
    鸿畅镇                                50.0%   75%  ✗        5          10/20
    Shenhou Town of the Yuzhou City Co…   76.2%   75%  ✓        0        30.5/40

规模养殖场粪污处理设施装备配套率 (farm_facilities, 个)
单位                                     达成率  目标  达标  差额      分子/分母
---------------------------------------  ------  ----  ----  ----  -------------
许昌市                                    95.2%   95%  ✓        0          40/42
  禹州市                                      -   95%  -        0            0/0
    鸿畅镇                                    -   95%  -        0            0/0
    Shenhou Town of the Yuzhou City Co…       -   95%  -        0            0/0
");
    }

    #[test]
    fn table_without_units_says_so() {
        let mut report = fixture();
        report.units.clear();
        assert_eq!(
            table(&report, Lang::En),
            "Rural living environment, round 2020 (generated 2026-11-28T10:00:00+08:00)\n\n(no units)\n"
        );
    }

    #[test]
    fn truncation_counts_display_width() {
        assert_eq!(truncate("许昌市禹州市", 7), "许昌市…");
        assert_eq!(truncate("许昌市禹州市", 12), "许昌市禹州市");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(pad("许昌", 6, Align::Left), "许昌  ");
        assert_eq!(pad("85%", 6, Align::Right), "   85%");
    }

    // ---- XLSX

    use calamine::{Data, Reader, Xlsx, open_workbook};

    fn read_number(cell: Option<&Data>) -> Option<f64> {
        match cell {
            Some(Data::Float(x)) => Some(*x),
            Some(Data::Int(i)) => Some(*i as f64),
            Some(Data::Empty) | None => None,
            Some(other) => panic!("not a number: {other:?}"),
        }
    }

    #[test]
    fn xlsx_has_a_sheet_per_level_with_the_json_numbers() {
        let report = fixture();
        let doc = to_json(&report);
        let dir = tempfile::tempdir().expect("tempdir");
        for (lang, sheets) in [
            (Lang::Zh, ["摘要", "市", "县", "乡镇"]),
            (Lang::En, ["Summary", "City", "County", "Township"]),
        ] {
            let path = dir.path().join(format!("report-{}.xlsx", lang.code()));
            write_xlsx(&report, lang, &path).expect("writes");
            let mut book: Xlsx<_> = open_workbook(&path).expect("opens");
            assert_eq!(book.sheet_names(), sheets);

            let ids = report.indicator_ids();
            let mut seen = 0;
            for (sheet, level) in
                sheets[1..]
                    .iter()
                    .zip([Level::City, Level::County, Level::Township])
            {
                let range = book.worksheet_range(sheet).expect("sheet");
                let json_units: Vec<&Value> = doc["units"]
                    .as_array()
                    .expect("units")
                    .iter()
                    .filter(|u| u["level"] == level.as_str())
                    .collect();
                assert_eq!(range.height(), json_units.len() + 1, "{sheet}");
                assert_eq!(
                    range.width(),
                    FIRST_INDICATOR_COLUMN + INDICATOR_COLUMNS * ids.len()
                );
                for (i, ju) in json_units.iter().enumerate() {
                    let r = i as u32 + 1;
                    let code = range.get_value((r, 0));
                    match code {
                        Some(Data::String(s)) => {
                            assert_eq!(s.len(), 12);
                            assert!(s.bytes().all(|b| b.is_ascii_digit()));
                            assert_eq!(ju["code"], s.as_str());
                        }
                        other => panic!("code is not text: {other:?}"),
                    }
                    assert_eq!(
                        range.get_value((r, 1)),
                        Some(&Data::String(ju["name"].as_str().unwrap_or("").into()))
                    );
                    assert_eq!(
                        read_number(range.get_value((r, 2))),
                        ju["villages_in_scope"].as_f64()
                    );
                    assert_eq!(
                        read_number(range.get_value((r, 3))),
                        ju["villages_reported"].as_f64()
                    );
                    for (k, jv) in ju["indicators"]
                        .as_array()
                        .expect("indicators")
                        .iter()
                        .enumerate()
                    {
                        assert_eq!(ids[k], jv["id"]);
                        let c = (FIRST_INDICATOR_COLUMN + INDICATOR_COLUMNS * k) as u32;
                        let at = |d: u32| read_number(range.get_value((r, c + d)));
                        assert_eq!(at(0), jv["value"].as_f64(), "{sheet} {} value", jv["id"]);
                        let mark = match jv["met"].as_bool() {
                            Some(true) => "✓",
                            Some(false) => "✗",
                            None => "",
                        };
                        match range.get_value((r, c + 1)) {
                            Some(Data::String(s)) => assert!(s.starts_with(mark), "{s}"),
                            Some(Data::Empty) | None => assert_eq!(mark, ""),
                            other => panic!("met is not text: {other:?}"),
                        }
                        assert_eq!(at(2), jv["target"].as_f64());
                        assert_eq!(at(3), jv["numerator"].as_f64());
                        assert_eq!(at(4), jv["denominator"].as_f64());
                        assert_eq!(at(5), jv["shortfall"].as_f64());
                        seen += 1;
                    }
                }
            }
            assert_eq!(seen, indicator_count(&report));

            let summary = book.worksheet_range(sheets[0]).expect("summary");
            assert_eq!(
                summary.get_value((2, 1)),
                Some(&Data::String("2020".into()))
            );
            assert_eq!(
                summary.get_value((5, 1)),
                Some(&Data::String("411000000000".into()))
            );
            let harmless = read_number(summary.get_value((12, 1)));
            assert_eq!(harmless, doc["units"][0]["indicators"][1]["value"].as_f64());
        }
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("lists")
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .filter(|n| n.to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    fn zip_text(path: &Path, name: &str) -> String {
        use std::io::Read as _;
        let mut zip =
            zip::ZipArchive::new(std::fs::File::open(path).expect("opens")).expect("a zip");
        let mut s = String::new();
        zip.by_name(name)
            .expect("member")
            .read_to_string(&mut s)
            .expect("text");
        s
    }

    #[test]
    fn xlsx_prints_landscape_one_page_wide_with_headers_repeated_and_dated() {
        let mut report = fixture();
        // Two villages of the fixture's first township.
        let township = report
            .units
            .iter()
            .find(|u| u.level == Level::Township)
            .expect("a township")
            .clone();
        for (n, name) in [(201, "甲村委会"), (202, "乙村委会")] {
            let mut v = township.clone();
            v.code = format!("{}{n}", &township.code[..9]);
            v.name = name.into();
            v.level = Level::Village;
            report.units.push(v);
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("r.xlsx");
        write_xlsx(&report, Lang::Zh, &path).expect("writes");
        let mut book: Xlsx<_> = open_workbook(&path).expect("opens");
        let names = book.sheet_names();
        assert_eq!(names.last().map(String::as_str), Some("村"));
        let villages = book.worksheet_range("村").expect("village sheet");
        assert_eq!(
            villages.get_value((0, 2)),
            Some(&Data::String("乡镇代码".into()))
        );
        assert_eq!(
            villages.get_value((0, 3)),
            Some(&Data::String("乡镇名称".into()))
        );
        assert_eq!(
            villages.get_value((1, 2)),
            Some(&Data::String(township.code.clone()))
        );
        assert_eq!(
            villages.get_value((1, 3)),
            Some(&Data::String(township.name.clone()))
        );
        assert_eq!(
            villages.get_value((0, 7)),
            Some(&Data::String("生活垃圾有效治理 达标".into()))
        );
        let summary = book.worksheet_range("摘要").expect("summary");
        match summary.get_value((3, 1)) {
            Some(Data::DateTime(dt)) => {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                assert_eq!((y, m, d), (2026, 11, 28));
                let time = dt.as_f64().fract();
                assert!((time - 10.0 / 24.0).abs() < 1e-6, "10:00 local: {time}");
            }
            other => panic!("generated_at is not a date: {other:?}"),
        }
        for i in 1..=names.len() {
            let xml = zip_text(&path, &format!("xl/worksheets/sheet{i}.xml"));
            assert!(
                xml.contains("orientation=\"landscape\""),
                "sheet {i}: {xml}"
            );
            assert!(xml.contains("paperSize=\"9\""), "A4, sheet {i}");
            assert!(
                xml.contains("fitToHeight=\"0\""),
                "one page wide, sheet {i}"
            );
            assert!(xml.contains("<pageSetUpPr fitToPage=\"1\"/>"), "sheet {i}");
        }
        let workbook = zip_text(&path, "xl/workbook.xml");
        assert_eq!(
            workbook.matches("_xlnm.Print_Titles").count(),
            names.len() - 1,
            "every level sheet repeats its header row: {workbook}"
        );
    }

    #[test]
    fn xlsx_into_a_missing_directory_fails_without_leaving_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("no-such-dir").join("report.xlsx");
        assert!(write_xlsx(&fixture(), Lang::Zh, &path).is_err());
        assert!(!path.exists());
    }
}
