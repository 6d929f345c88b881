//! The records workbook: `records template` (empty rows for the villages in scope),
//! `records export-xlsx` (the same layout, filled) and reading such a workbook back for
//! `records import-xlsx` (also after Excel or WPS re-saved it).
//!
//! Sheet `村`: row 1 the fields' Chinese labels (required ones marked `*`), row 2 the field
//! names (the machine-readable header), then one row per village: code (text), village and
//! township names (information, ignored on import), then the form's fields. One sheet per
//! repeat group (`养殖场` for farms), a sheet `说明` with instructions, and a hidden sheet
//! `选项` holding the drop-down lists.

use super::cells::{Cell, INFO_COLUMNS, VILLAGE_CODE_LABEL};
use super::import::Importer;
use crate::forms::record::RecordData;
use crate::forms::schema::{Field, FieldType, Form, Group, SectionItem};
use crate::forms::value::Value;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, ExcelDateTime, Format, FormatAlign, FormatBorder,
    Formula, Workbook, Worksheet, XlsxError,
};
use std::path::Path;
use unicode_width::UnicodeWidthStr as _;

/// The largest workbook imported (docs/limits.md): its shared strings are held in memory.
pub const MAX_XLSX_BYTES: u64 = 64 << 20;
/// The village sheet.
pub const VILLAGE_SHEET: &str = "村";
pub const HELP_SHEET: &str = "说明";
pub const LISTS_SHEET: &str = "选项";
/// Rows offered for each repeat group's sheet in a template.
const GROUP_TEMPLATE_ROWS: u32 = 2000;
/// First data row (0-based): below the labels and the names.
const FIRST_ROW: u32 = 2;

/// A village row of the workbook.
pub struct VillageRow {
    pub code: String,
    pub name: String,
    pub township_code: String,
    pub township_name: String,
    /// The village's current record, for an export.
    pub data: Option<RecordData>,
}

/// The sheet of a repeat group: `养殖场` for the farms, else the group's Chinese label.
pub fn group_sheet_name(group: &Group) -> String {
    if group.name == "farms" {
        "养殖场".into()
    } else {
        group.label.zh.chars().take(31).collect()
    }
}

/// Fields of the village sheet in form order (sections, top-level fields only).
pub fn top_fields(form: &Form) -> Vec<&Field> {
    form.sections
        .iter()
        .flat_map(|s| s.items.iter())
        .filter_map(|i| match i {
            SectionItem::Field(n) => form.field(n),
            SectionItem::Group(_) => None,
        })
        .collect()
}

struct Styles {
    label: Format,
    label_required: Format,
    label_calc: Format,
    name: Format,
    text: Format,
    info: Format,
    date: Format,
    calc: Format,
    formula_text: Format,
}

impl Styles {
    fn new() -> Styles {
        let label = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin)
            .set_background_color(Color::RGB(0xDDEBF7));
        Styles {
            label_required: label.clone().set_font_color(Color::RGB(0xC00000)),
            label_calc: label.clone().set_background_color(Color::RGB(0xEDEDED)),
            label,
            name: Format::new()
                .set_font_size(8)
                .set_font_color(Color::RGB(0x808080))
                .set_num_format("@")
                .set_border_bottom(FormatBorder::Thin),
            text: Format::new().set_num_format("@"),
            info: Format::new()
                .set_num_format("@")
                .set_background_color(Color::RGB(0xF2F2F2)),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            calc: Format::new().set_background_color(Color::RGB(0xEDEDED)),
            formula_text: Format::new().set_num_format("@").set_quote_prefix(),
        }
    }
}

fn col(i: usize) -> Result<u16, XlsxError> {
    u16::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)
}

fn row(i: usize) -> Result<u32, XlsxError> {
    u32::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)
}

fn width_of(s: &str) -> f64 {
    s.width() as f64 + 2.0
}

/// Does the form refuse a negative number here? Then the sheet refuses it too.
fn refuses_negative(form: &Form, f: &Field) -> bool {
    form.check_field(&RecordData::default(), f, None, &Value::Int(-1))
        .is_some()
}

fn truncate_chars(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// Drop-down lists, one column per choice field, on the hidden sheet.
struct Lists {
    sheet: Worksheet,
    next_col: u16,
}

impl Lists {
    fn new() -> Result<Lists, XlsxError> {
        let mut sheet = Worksheet::new();
        sheet.set_name(LISTS_SHEET)?;
        sheet.set_hidden(true);
        Ok(Lists { sheet, next_col: 0 })
    }

    /// Write the labels of a list and return the formula naming them.
    fn add(&mut self, title: &str, labels: &[String]) -> Result<Formula, XlsxError> {
        let c = self.next_col;
        self.next_col += 1;
        self.sheet.write_string(0, c, title)?;
        for (i, l) in labels.iter().enumerate() {
            self.sheet.write_string(row(i + 1)?, c, l)?;
        }
        let letter = rust_xlsxwriter::utility::column_number_to_name(c);
        Ok(Formula::new(format!(
            "='{LISTS_SHEET}'!${letter}$2:${letter}${}",
            labels.len() + 1
        )))
    }
}

fn choice_labels(f: &Field) -> Vec<String> {
    match f.ty {
        FieldType::YesNo => vec!["是".into(), "否".into()],
        _ => f.choices.iter().map(|c| c.label.zh.clone()).collect(),
    }
}

/// The validation for a field's cells: drop-downs for yes/no and choices, numbers
/// without negatives where the form refuses them.
fn validation(
    form: &Form,
    f: &Field,
    lists: &mut Lists,
) -> Result<Option<DataValidation>, XlsxError> {
    let v = match f.ty {
        FieldType::YesNo | FieldType::SelectOne => {
            let labels = choice_labels(f);
            let formula = lists.add(&f.name, &labels)?;
            DataValidation::new()
                .allow_list_formula(formula)
                .set_error_title("请从下拉列表中选择")?
                .set_error_message(
                    format!("可选：{}", labels.join("、"))
                        .chars()
                        .take(250)
                        .collect::<String>(),
                )?
        }
        FieldType::Integer => {
            let rule = if refuses_negative(form, f) {
                DataValidationRule::GreaterThanOrEqualTo(0)
            } else {
                DataValidationRule::GreaterThanOrEqualTo(i32::MIN)
            };
            DataValidation::new()
                .allow_whole_number(rule)
                .set_error_title("请输入整数")?
                .set_error_message("这里填不小于 0 的整数，如 120")?
        }
        FieldType::Decimal => {
            let rule = if refuses_negative(form, f) {
                DataValidationRule::GreaterThanOrEqualTo(0.0)
            } else {
                DataValidationRule::GreaterThanOrEqualTo(-1e300)
            };
            DataValidation::new()
                .allow_decimal_number(rule)
                .set_error_title("请输入数字")?
                .set_error_message("这里填不小于 0 的数字，小数用点号，如 12.5")?
        }
        _ => return Ok(None),
    };
    let v = match &f.hint {
        Some(h) => v
            .set_input_title(truncate_chars(&f.label.zh, 32))?
            .set_input_message(truncate_chars(&h.zh, 250))?,
        None => v,
    };
    Ok(Some(v))
}

/// Header rows, widths, formats and validations of a data sheet.
#[allow(clippy::too_many_arguments)]
fn write_headers(
    ws: &mut Worksheet,
    form: &Form,
    lead: &[(&str, &str)],
    fields: &[&Field],
    last_row: u32,
    lists: &mut Lists,
    st: &Styles,
) -> Result<(), XlsxError> {
    for (i, (name, label)) in lead.iter().enumerate() {
        let c = col(i)?;
        let fmt = if *name == "village_code" {
            &st.label_required
        } else {
            &st.label
        };
        let label = if *name == "village_code" {
            format!("{label} *")
        } else {
            label.to_string()
        };
        ws.write_string_with_format(0, c, &label, fmt)?;
        ws.write_string_with_format(1, c, *name, &st.name)?;
        let w = if *name == "village_code" { 15.0 } else { 16.0 };
        ws.set_column_width(c, w)?;
        ws.set_column_format(
            c,
            if *name == "village_code" {
                &st.text
            } else {
                &st.info
            },
        )?;
    }
    let mut tallest: f64 = 1.0;
    for (k, f) in fields.iter().enumerate() {
        let c = col(lead.len() + k)?;
        let (label, fmt) = if f.is_calculated() {
            (f.label.zh.clone(), &st.label_calc)
        } else if f.required {
            (format!("{} *", f.label.zh), &st.label_required)
        } else {
            (f.label.zh.clone(), &st.label)
        };
        ws.write_string_with_format(0, c, &label, fmt)?;
        ws.write_string_with_format(1, c, &f.name, &st.name)?;
        let w = (width_of(&f.label.zh) / 2.0).clamp(10.0, 24.0);
        tallest = tallest.max((width_of(&label) / w).ceil());
        ws.set_column_width(c, w)?;
        match f.ty {
            FieldType::Date => {
                ws.set_column_format(c, &st.date)?;
            }
            FieldType::Text => {
                ws.set_column_format(c, &st.text)?;
            }
            _ if f.is_calculated() => {
                ws.set_column_format(c, &st.calc)?;
            }
            _ => {}
        }
        if !f.is_calculated()
            && let Some(v) = validation(form, f, lists)?
        {
            ws.add_data_validation(FIRST_ROW, c, last_row.max(FIRST_ROW), c, &v)?;
        }
    }
    ws.set_row_height(0, 15.0 * tallest.min(5.0) + 4.0)?;
    ws.set_freeze_panes(FIRST_ROW, col(lead.len().min(2))?)?;
    ws.set_repeat_rows(0, 1)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    Ok(())
}

fn write_value(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    f: &Field,
    v: &Value,
    st: &Styles,
) -> Result<(), XlsxError> {
    let fmt_for_calc = |base: Option<&Format>| -> Option<Format> {
        if f.is_calculated() {
            Some(st.calc.clone())
        } else {
            base.cloned()
        }
    };
    match v {
        Value::Null => {}
        Value::Int(i) => {
            match fmt_for_calc(None) {
                Some(fm) => ws.write_number_with_format(r, c, *i as f64, &fm)?,
                None => ws.write_number(r, c, *i as f64)?,
            };
        }
        Value::Dec(d) => {
            match fmt_for_calc(None) {
                Some(fm) => ws.write_number_with_format(r, c, *d, &fm)?,
                None => ws.write_number(r, c, *d)?,
            };
        }
        Value::Bool(b) => {
            let s = if *b { "是" } else { "否" };
            match fmt_for_calc(None) {
                Some(fm) => ws.write_string_with_format(r, c, s, &fm)?,
                None => ws.write_string(r, c, s)?,
            };
        }
        Value::Text(t) => match f.ty {
            FieldType::Date => match t.parse::<jiff::civil::Date>() {
                Ok(d) => {
                    let dt = ExcelDateTime::from_ymd(
                        u16::try_from(d.year()).unwrap_or(1900),
                        d.month() as u8,
                        d.day() as u8,
                    )?;
                    ws.write_datetime_with_format(r, c, dt, &st.date)?;
                }
                Err(_) => {
                    ws.write_string_with_format(r, c, t, &st.text)?;
                }
            },
            FieldType::SelectOne => {
                let label = f.choice_label(t, crate::forms::Lang::Zh).unwrap_or(t);
                ws.write_string(r, c, label)?;
            }
            _ => {
                let starts_formula = t.starts_with(['=', '+', '-', '@']);
                let fmt = if starts_formula {
                    &st.formula_text
                } else {
                    &st.text
                };
                ws.write_string_with_format(r, c, t, fmt)?;
            }
        },
        Value::Choices(list) => {
            let labels: Vec<&str> = list
                .iter()
                .map(|n| f.choice_label(n, crate::forms::Lang::Zh).unwrap_or(n))
                .collect();
            ws.write_string(r, c, labels.join("、"))?;
        }
    }
    Ok(())
}

fn help_sheet(form: &Form, round: &str, villages: usize) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(HELP_SHEET)?;
    let title = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    ws.write_string_with_format(
        0,
        0,
        format!("{}（{round} 年度）填表说明", form.title.zh),
        &title,
    )?;
    let groups: Vec<String> = form.groups.iter().map(group_sheet_name).collect();
    let lines = [
        format!("1. 工作表“{VILLAGE_SHEET}”每行一个村，共 {villages} 个村。村代码、村名称、乡镇名称已经填好，请不要修改村代码。"),
        "2. 第 1 行是中文名称（标 * 的为必填项），第 2 行是字段名，导入时按第 2 行识别各列，请不要删除或改动这两行。".into(),
        "3. 是/否 和选择题请用下拉列表选择；数字只填阿拉伯数字（全角数字也可识别），小数用点号；日期按 2020-06-15 或 2020/6/15 填写。".into(),
        "4. 灰色列（自动）由系统计算，可以不填；如果填了，必须与计算结果一致。".into(),
        format!("5. 规模养殖场填在工作表“{}”中，每个养殖场一行，第一列填所在村的村代码（可从下拉列表选择）。", groups.join("、")),
        "6. 没有填写任何数据的村在导入时跳过；只要有一个单元格有错，整个文件都不会导入，并列出每个错误的位置，如 村!R12: 411081103204: households: 原因。".into(),
        format!("7. 填好后保存为 .xlsx，在县（乡镇）电脑上运行：ruralenv records import-xlsx 文件名.xlsx --round {round}"),
        "8. 不在调查范围内的单位（如社区居委会）不在表中，也不接受数据；调整范围请修改 forms/divisions/ 下的区划文件。".into(),
    ];
    for (i, l) in lines.iter().enumerate() {
        ws.write_string_with_format(row(i + 2)?, 0, l, &wrap)?;
        ws.set_row_height(row(i + 2)?, 36)?;
    }
    ws.set_column_width(0, 110)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(ws)
}

/// The workbook for a round, as bytes: empty field cells for a template, the records for
/// an export.
pub fn records_workbook(
    form: &Form,
    round: &str,
    villages: &[VillageRow],
) -> Result<Vec<u8>, XlsxError> {
    let st = Styles::new();
    let mut lists = Lists::new()?;
    let mut book = Workbook::new();

    // The village sheet.
    let mut ws = Worksheet::new();
    ws.set_name(VILLAGE_SHEET)?;
    let lead: Vec<(&str, &str)> = vec![
        ("village_code", VILLAGE_CODE_LABEL),
        INFO_COLUMNS[0],
        INFO_COLUMNS[2],
    ];
    let fields = top_fields(form);
    let last = FIRST_ROW + row(villages.len())?.saturating_sub(1);
    write_headers(&mut ws, form, &lead, &fields, last, &mut lists, &st)?;
    ws.set_print_fit_to_pages(1, 0);
    for (i, v) in villages.iter().enumerate() {
        let r = FIRST_ROW + row(i)?;
        ws.write_string_with_format(r, 0, &v.code, &st.text)?;
        ws.write_string_with_format(r, 1, &v.name, &st.info)?;
        ws.write_string_with_format(r, 2, &v.township_name, &st.info)?;
        if let Some(d) = &v.data {
            for (k, f) in fields.iter().enumerate() {
                write_value(&mut ws, r, col(lead.len() + k)?, f, d.get(&f.name), &st)?;
            }
        }
    }
    let code_list = Formula::new(format!(
        "='{VILLAGE_SHEET}'!$A${}:$A${}",
        FIRST_ROW + 1,
        last + 1
    ));
    book.push_worksheet(ws);

    // One sheet per repeat group.
    for g in &form.groups {
        let mut gs = Worksheet::new();
        gs.set_name(group_sheet_name(g))?;
        let lead: Vec<(&str, &str)> = vec![("village_code", VILLAGE_CODE_LABEL), INFO_COLUMNS[0]];
        let gfields: Vec<&Field> = g.fields.iter().collect();
        let filled: Vec<(&VillageRow, &crate::forms::record::Row)> = villages
            .iter()
            .flat_map(|v| {
                v.data
                    .iter()
                    .flat_map(move |d| d.rows(&g.name).iter().map(move |r| (v, r)))
            })
            .collect();
        let last = FIRST_ROW + row(filled.len())?.max(GROUP_TEMPLATE_ROWS) - 1;
        write_headers(&mut gs, form, &lead, &gfields, last, &mut lists, &st)?;
        gs.set_print_fit_to_pages(1, 0);
        if !villages.is_empty() {
            let v = DataValidation::new()
                .allow_list_formula(code_list.clone())
                .set_error_title("请选择村代码")?
                .set_error_message("村代码应是工作表“村”中的一个代码")?;
            gs.add_data_validation(FIRST_ROW, 0, last, 0, &v)?;
        }
        for (i, (v, r)) in filled.iter().enumerate() {
            let rr = FIRST_ROW + row(i)?;
            gs.write_string_with_format(rr, 0, &v.code, &st.text)?;
            gs.write_string_with_format(rr, 1, &v.name, &st.info)?;
            for (k, f) in gfields.iter().enumerate() {
                let value = r.values.get(&f.name).cloned().unwrap_or_default();
                write_value(&mut gs, rr, col(lead.len() + k)?, f, &value, &st)?;
            }
        }
        book.push_worksheet(gs);
    }
    book.push_worksheet(help_sheet(form, round, villages.len())?);
    book.push_worksheet(lists.sheet);
    book.save_to_buffer()
}

// ---------------------------------------------------------------------------------------
// Reading

fn to_cell(d: &calamine::DataRef<'_>) -> Cell {
    use calamine::DataRef as D;
    match d {
        D::Empty => Cell::Empty,
        D::String(s) => Cell::Text(s.clone()),
        D::SharedString(s) => Cell::Text((*s).to_string()),
        D::Float(x) => Cell::Number(*x),
        D::Int(i) => Cell::Number(*i as f64),
        D::Bool(b) => Cell::Bool(*b),
        D::DateTime(dt) => {
            let (y, m, day, ..) = dt.to_ymd_hms_milli();
            match jiff::civil::Date::new(y as i16, m as i8, day as i8) {
                Ok(d) if dt.is_datetime() => Cell::Date(d),
                _ => Cell::Number(dt.as_f64()),
            }
        }
        D::DateTimeIso(s) => match s
            .get(..10)
            .and_then(|p| p.parse::<jiff::civil::Date>().ok())
        {
            Some(d) => Cell::Date(d),
            None => Cell::Text(s.clone()),
        },
        D::DurationIso(s) => Cell::Text(s.clone()),
        D::Error(e) => Cell::Error(e.to_string()),
    }
}

/// Feed one sheet's rows to the importer (`group` None for the village sheet).
fn feed_sheet<RS: std::io::Read + std::io::Seek>(
    book: &mut calamine::Xlsx<RS>,
    sheet: &str,
    group: Option<&str>,
    imp: &mut Importer<'_>,
) {
    // Formulas without a computed value (a file written by a program, never opened in
    // Excel) read as empty cells: find them so that they are refused, not lost.
    let formulas: std::collections::HashMap<(u32, u32), String> =
        match calamine::Reader::worksheet_formula(book, sheet) {
            Ok(range) => range
                .used_cells()
                .filter(|(_, _, f)| !f.is_empty())
                .map(|(r, c, f)| {
                    let (r0, c0) = range.start().unwrap_or((0, 0));
                    ((r0 + r as u32, c0 + c as u32), f.clone())
                })
                .collect(),
            Err(_) => Default::default(),
        };
    let mut reader = match book.worksheet_cells_reader(sheet) {
        Ok(r) => r,
        Err(e) => {
            let reason = crate::i18n::sheet_unreadable(imp.lang(), e);
            imp.file_error(sheet, reason);
            return;
        }
    };
    let mut rows = SheetRows {
        current: None,
        cells: Vec::new(),
    };
    let mut finished = false;
    let mut next = || -> Result<Option<(u32, Vec<Cell>)>, String> {
        while !finished {
            match reader.next_cell() {
                Ok(Some(c)) => {
                    let (r, cidx) = c.get_position();
                    let mut cell = to_cell(c.get_value());
                    if cell.is_blank()
                        && let Some(f) = formulas.get(&(r, cidx))
                    {
                        cell = Cell::Formula(f.clone());
                    }
                    if let Some(done) = rows.push(r, cidx as usize, cell) {
                        return Ok(Some(done));
                    }
                }
                Ok(None) => finished = true,
                Err(e) => {
                    finished = true;
                    return Err(e.to_string());
                }
            }
        }
        Ok(rows.flush())
    };
    super::feed_rows(imp, group, VILLAGE_SHEET, &mut || {
        next()
            .map(|o| o.map(|(r, cells)| (format!("{sheet}!R{}", r + 1), cells)))
            .map_err(|e| (sheet.to_string(), e))
    });
}

/// Collects cells (row-major, as the sheet stores them) into whole rows.
struct SheetRows {
    current: Option<u32>,
    cells: Vec<Cell>,
}

impl SheetRows {
    const MAX_COLUMNS: usize = 1024;

    fn push(&mut self, r: u32, c: usize, cell: Cell) -> Option<(u32, Vec<Cell>)> {
        let done = match self.current {
            Some(cur) if cur != r => self.flush(),
            _ => None,
        };
        self.current = Some(r);
        if c < Self::MAX_COLUMNS {
            if self.cells.len() <= c {
                self.cells.resize(c + 1, Cell::Empty);
            }
            self.cells[c] = cell;
        }
        done
    }

    fn flush(&mut self) -> Option<(u32, Vec<Cell>)> {
        let r = self.current.take()?;
        Some((r, std::mem::take(&mut self.cells)))
    }
}

/// Read a records workbook into the importer: the village sheet, then each group's sheet.
pub fn read_records_workbook(
    path: &Path,
    form: &Form,
    imp: &mut Importer<'_>,
) -> anyhow::Result<()> {
    let lang = imp.lang();
    let file = super::csv_in::open_regular(path, MAX_XLSX_BYTES)
        .map_err(|(zh, en)| anyhow::anyhow!(crate::i18n::pick(lang, zh, en)))?;
    let shown = crate::forms::value::sanitize_for_terminal(&path.display().to_string());
    let mut file = file;
    let inflated = super::zipguard::check(&mut file, &shown).and_then(|()| {
        std::io::Seek::rewind(&mut file).map_err(|e| {
            crate::i18n::pair(|l| {
                crate::i18n::xlsx_cannot_read(l, &shown, crate::i18n::io_error(l, &e))
            })
        })
    });
    if let Err((zh, en)) = inflated {
        anyhow::bail!(crate::i18n::pick(lang, zh, en));
    }
    let mut book: calamine::Xlsx<_> = calamine::Reader::new(std::io::BufReader::new(file))
        .map_err(|e| anyhow::anyhow!(crate::i18n::xlsx_unreadable(lang, &shown, &e)))?;
    let names = calamine::Reader::sheet_names(&book);
    let Some(main) = names
        .iter()
        .find(|n| n.trim() == VILLAGE_SHEET || n.trim() == "village")
        .cloned()
    else {
        let sheets: Vec<String> = names
            .iter()
            .map(|n| crate::forms::value::sanitize_for_terminal(n))
            .collect();
        anyhow::bail!(crate::i18n::xlsx_no_village_sheet(
            lang,
            &shown,
            VILLAGE_SHEET,
            &sheets.join(crate::i18n::list_separator(lang))
        ));
    };
    // A workbook stores only the cells that hold something: short rows are normal.
    imp.sparse_rows = true;
    // Group sheets first: their rows wait on disk until their village's row is read.
    for g in &form.groups {
        let wanted = [group_sheet_name(g), g.name.clone(), g.label.zh.clone()];
        if let Some(sheet) = names.iter().find(|n| wanted.iter().any(|w| w == n.trim())) {
            feed_sheet(&mut book, sheet, Some(&g.name), imp);
        }
    }
    feed_sheet(&mut book, &main, None, imp);
    Ok(())
}
