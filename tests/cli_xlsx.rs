//! `records template | import-xlsx | export-xlsx` through the real binary; workbooks read
//! back with calamine (and their XML, for the drop-down lists calamine does not read).

mod cli_support;

use calamine::{Data, Reader, Xlsx, open_workbook};
use cli_support::{HEADER, bin, show};
use predicates::prelude::*;
use serde_json::Value;
use std::io::Read as _;
use std::path::Path;

const TOWNSHIP: &str = "411003003000";
const V1: &str = "411003003204";
const V2: &str = "411003003205";

fn in_scope_villages(dir: &Path) -> Vec<(String, String)> {
    let out = bin(dir)
        .args([
            "divisions",
            "--under",
            TOWNSHIP,
            "--level",
            "village",
            "--in-scope",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| {
            let (c, n) = l.split_once('\t').unwrap();
            (c.to_string(), n.to_string())
        })
        .collect()
}

fn template(dir: &Path, out: &Path) {
    bin(dir)
        .args([
            "records", "template", "--under", TOWNSHIP, "--round", "2020", "--out",
        ])
        .arg(out)
        .assert()
        .success()
        // A blank template says so, not "0 with records" (read as a wrong count).
        .stderr(predicates::str::contains("空白模板"))
        .stderr(predicates::str::contains("有记录").not());
}

fn sheet_xml(path: &Path, sheet_no: usize) -> String {
    let f = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(f).unwrap();
    let mut s = String::new();
    zip.by_name(&format!("xl/worksheets/sheet{sheet_no}.xml"))
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

fn text(range: &calamine::Range<Data>, r: u32, c: u32) -> String {
    match range.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("({r},{c}) is not text: {other:?}"),
    }
}

#[test]
fn template_reads_back_with_labels_names_drop_downs_and_codes_as_text() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("d");
    let path = t.path().join("t.xlsx");
    template(&d, &path);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["村", "养殖场", "说明", "选项"]);
    let v = book.worksheet_range("村").unwrap();
    // Row 1 labels (required marked), row 2 field names.
    assert_eq!(text(&v, 0, 0), "村代码 *");
    assert_eq!(text(&v, 1, 0), "village_code");
    assert_eq!(text(&v, 1, 1), "village_name");
    assert_eq!(text(&v, 1, 2), "township_name");
    let names: Vec<String> = (0..v.width() as u32).map(|c| text(&v, 1, c)).collect();
    let h = names.iter().position(|n| n == "households").unwrap() as u32;
    assert_eq!(text(&v, 0, h), "常住户数 *");
    let notes = names.iter().position(|n| n == "notes").unwrap() as u32;
    assert_eq!(text(&v, 0, notes), "备注", "optional fields are not marked");
    // One row per village in scope, codes as text, names filled, values empty.
    let villages = in_scope_villages(&d);
    assert!(villages.len() > 5);
    assert_eq!(v.height(), 2 + villages.len());
    for (i, (code, name)) in villages.iter().enumerate() {
        let r = 2 + i as u32;
        assert_eq!(&text(&v, r, 0), code);
        assert_eq!(&text(&v, r, 1), name);
        assert_eq!(text(&v, r, 2), "邓庄街道");
        assert!(matches!(v.get_value((r, h)), Some(Data::Empty) | None));
    }
    assert!(villages.iter().all(|(_, n)| !n.contains("居委会")));
    // Farms: village code plus the group's fields.
    let f = book.worksheet_range("养殖场").unwrap();
    assert_eq!(text(&f, 1, 0), "village_code");
    let fnames: Vec<String> = (0..f.width() as u32).map(|c| text(&f, 1, c)).collect();
    assert!(fnames.contains(&"species".to_string()), "{fnames:?}");
    assert!(fnames.contains(&"head_count".to_string()));
    // The drop-down lists hold the Chinese labels.
    let lists = book.worksheet_range("选项").unwrap();
    let columns: Vec<Vec<String>> = (0..lists.width() as u32)
        .map(|c| {
            (0..lists.height() as u32)
                .filter_map(|r| match lists.get_value((r, c)) {
                    Some(Data::String(s)) => Some(s.clone()),
                    _ => None,
                })
                .collect()
        })
        .collect();
    assert!(columns.contains(&vec!["garbage_facilities".into(), "是".into(), "否".into()]));
    assert!(
        columns
            .iter()
            .any(|c| c[0] == "sewage_mode" && c.contains(&"村集中处理设施".into()))
    );
    assert!(
        columns
            .iter()
            .any(|c| c[0] == "species" && c.contains(&"生猪".into()))
    );
    let help = book.worksheet_range("说明").unwrap();
    assert!(format!("{help:?}").contains("import-xlsx"));
    // And they are attached to the cells: list validations for choices, whole numbers
    // from 0 for counts, on the rows of the villages.
    let xml = sheet_xml(&path, 1);
    let last = 2 + villages.len();
    let col = |c: u32| calamine_col(c);
    let sewage = names.iter().position(|n| n == "sewage_mode").unwrap() as u32;
    assert!(xml.contains("type=\"list\""), "{xml}");
    assert!(
        xml.contains(&format!("sqref=\"{}3:{}{last}\"", col(sewage), col(sewage))),
        "{xml}"
    );
    assert!(xml.contains("'选项'!$"), "{xml}");
    assert!(
        xml.contains("type=\"whole\" operator=\"greaterThanOrEqual\""),
        "{xml}"
    );
    assert!(
        xml.contains(&format!("sqref=\"{}3:{}{last}\"", col(h), col(h))),
        "{xml}"
    );
    assert!(
        xml.contains("<pane xSplit=\"2\" ySplit=\"2\""),
        "frozen headers: {xml}"
    );
    let farms_xml = sheet_xml(&path, 2);
    assert!(
        farms_xml.contains("'村'!$A$3:$A$"),
        "farm rows pick a village code: {farms_xml}"
    );
}

fn calamine_col(c: u32) -> String {
    let mut n = c + 1;
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

fn rows() -> String {
    format!(
        "{HEADER}\n\
         {V1},2020-06-15,王建国,200,700,yes,yes,是,1,true,100,20,0,0,5,45,10,central,120,yes,100,60.5,=1+1\n\
         {V2},2020-06-16,李秀英,150,520,yes,no,yes,yes,yes,60,0,0,0,0,0,30,none,,no,0,0,\n"
    )
}

const FARMS: &str = "village_code,farm_name,species,head_count,facilities_matched,manure_produced_t,manure_utilized_t\n\
411003003204,红旗养猪场,pig,500,yes,1000,900\n\
411003003204,小李猪场,pig,499,no,300,100\n\
411003003205,蛋鸡场,layer,5000,no,50,40\n";

fn report_json(dir: &Path) -> Value {
    cli_support::report(dir, "411003000000")
}

fn import_xlsx(dir: &Path, file: &Path) -> assert_cmd::assert::Assert {
    bin(dir)
        .args(["--lang", "en", "records", "import-xlsx"])
        .arg(file)
        .args(["--round", "2020"])
        .assert()
}

fn seeded(t: &Path) -> std::path::PathBuf {
    let main = t.join("v.csv");
    std::fs::write(&main, rows()).unwrap();
    let farms = t.join("farms.csv");
    std::fs::write(&farms, FARMS).unwrap();
    let a = t.join("a");
    bin(&a)
        .args(["records", "import-csv"])
        .arg(&main)
        .args(["--round", "2020", "--group"])
        .arg(format!("farms={}", farms.display()))
        .assert()
        .success();
    a
}

#[test]
fn export_xlsx_then_import_xlsx_gives_an_identical_report() {
    let t = tempfile::tempdir().unwrap();
    let a = seeded(t.path());
    let out = t.path().join("e.xlsx");
    bin(&a)
        .args([
            "records",
            "export-xlsx",
            "--round",
            "2020",
            "--under",
            TOWNSHIP,
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let v = book.worksheet_range("村").unwrap();
    let r = (0..v.height() as u32)
        .find(|&r| matches!(v.get_value((r, 0)), Some(Data::String(s)) if s == V1))
        .unwrap();
    let names: Vec<String> = (0..v.width() as u32).map(|c| text(&v, 1, c)).collect();
    let at = |n: &str| names.iter().position(|x| x == n).unwrap() as u32;
    assert_eq!(
        v.get_value((r, at("households"))),
        Some(&Data::Float(200.0))
    );
    assert!(
        matches!(v.get_value((r, at("survey_date"))), Some(Data::DateTime(_))),
        "a date cell"
    );
    assert_eq!(text(&v, r, at("sewage_mode")), "村集中处理设施");
    assert_eq!(text(&v, r, at("garbage_facilities")), "是");
    assert_eq!(
        text(&v, r, at("notes")),
        "=1+1",
        "a text cell, not a formula"
    );
    let f = book.worksheet_range("养殖场").unwrap();
    assert_eq!(f.height(), 2 + 3);

    let b = t.path().join("b");
    import_xlsx(&b, &out)
        .success()
        .stdout(predicates::str::contains("2 new"));
    assert_eq!(report_json(&a), report_json(&b));
    for v in [V1, V2] {
        assert_eq!(
            show(&a, v)["records"][0]["values"],
            show(&b, v)["records"][0]["values"]
        );
    }
    // Again: nothing changes.
    import_xlsx(&b, &out)
        .success()
        .stdout(predicates::str::contains("2 unchanged"));
}

/// A workbook as a person (or another program) fills it: numbers typed as numbers,
/// dates as dates, a code typed as a number, choices by their labels.
fn hand_filled(path: &Path, rows: &[(&str, u32, &str)]) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("村").unwrap();
    let names: Vec<&str> = HEADER.split(',').collect();
    for (c, n) in names.iter().enumerate() {
        ws.write_string(0, c as u16, *n).unwrap();
    }
    let date = Format::new().set_num_format("yyyy/m/d");
    for (i, (code, households, mode)) in rows.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_number(r, 0, code.parse::<f64>().unwrap()).unwrap();
        ws.write_datetime_with_format(r, 1, ExcelDateTime::from_ymd(2020, 7, 1).unwrap(), &date)
            .unwrap();
        ws.write_string(r, 2, "赵六").unwrap();
        ws.write_number(r, 3, *households as f64).unwrap();
        ws.write_number(r, 4, 400.0).unwrap();
        for c in 5..10 {
            ws.write_string(r, c, "是").unwrap();
        }
        for c in 10..17 {
            ws.write_number(r, c, 1.0).unwrap();
        }
        ws.write_string(r, 17, *mode).unwrap();
        ws.write_number(r, 18, 10.0).unwrap();
        ws.write_boolean(r, 19, true).unwrap();
        ws.write_number(r, 20, 12.5).unwrap();
        ws.write_number(r, 21, 10.0).unwrap();
    }
    wb.save(path).unwrap();
}

#[test]
fn cells_typed_as_numbers_and_dates_are_read_as_the_form_means_them() {
    let t = tempfile::tempdir().unwrap();
    let path = t.path().join("h.xlsx");
    hand_filled(&path, &[(V1, 120, "分户或联户分散处理")]);
    let d = t.path().join("d");
    import_xlsx(&d, &path).success();
    let v = &show(&d, V1)["records"][0]["values"];
    assert_eq!(v["households"], 120);
    assert_eq!(v["survey_date"], "2020-07-01");
    assert_eq!(v["sewage_mode"], "decentral");
    assert_eq!(v["sewage_controlled"], true);
    assert_eq!(v["manure_scattered_produced_t"], 12.5);
}

#[test]
fn xlsx_errors_name_sheet_row_village_and_field_and_nothing_is_stored() {
    let t = tempfile::tempdir().unwrap();
    let path = t.path().join("h.xlsx");
    hand_filled(
        &path,
        &[
            (V1, 120, "村集中处理设施"),
            (V2, 0, "河里"),
            ("411003003001", 5, "村集中处理设施"),
        ],
    );
    let d = t.path().join("d");
    let err =
        String::from_utf8(import_xlsx(&d, &path).code(1).get_output().stderr.clone()).unwrap();
    assert!(
        err.contains(&format!("村!R3: {V2}: sewage_mode: '河里' is not a choice")),
        "{err}"
    );
    assert!(
        err.contains("村!R4: 411003003001: village_code: 邓庄居委会 (411003003001) is out of the survey scope"),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(show(&d, V1)["records"].as_array().unwrap().len(), 0);
}

#[test]
fn an_unfilled_template_imports_nothing_and_says_so() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("d");
    let path = t.path().join("t.xlsx");
    template(&d, &path);
    let villages = in_scope_villages(&d);
    import_xlsx(&d, &path)
        .success()
        .stdout(predicates::str::contains("0 villages"))
        .stdout(predicates::str::contains(format!(
            "{} row(s) without any values were skipped",
            villages.len()
        )));
}

#[test]
fn not_a_workbook_is_refused_clearly() {
    let t = tempfile::tempdir().unwrap();
    let path = t.path().join("x.xlsx");
    std::fs::write(&path, "village_code\n").unwrap();
    let err = String::from_utf8(
        import_xlsx(&t.path().join("d"), &path)
            .code(1)
            .get_output()
            .stderr
            .clone(),
    )
    .unwrap();
    assert!(err.contains("not a readable .xlsx workbook"), "{err}");
    let err = String::from_utf8(
        import_xlsx(&t.path().join("d"), Path::new("/dev/zero"))
            .code(1)
            .get_output()
            .stderr
            .clone(),
    )
    .unwrap();
    assert!(err.contains("not a regular file"), "{err}");
}

#[test]
fn a_bad_round_is_bad_usage_for_the_workbook_commands() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("t.xlsx");
    for args in [
        vec![
            "records", "template", "--under", TOWNSHIP, "--round", "2020年", "--out",
        ],
        vec!["records", "export-xlsx", "--round", "abc", "--out"],
    ] {
        bin(&t.path().join("d"))
            .args(&args)
            .arg(&out)
            .assert()
            .code(2);
    }
    bin(&t.path().join("d"))
        .args(["records", "import-xlsx"])
        .arg(&out)
        .args(["--round", "1999"])
        .assert()
        .code(2);
    assert!(!out.exists());
}

#[test]
fn a_formula_without_a_computed_value_is_refused_not_read_as_empty() {
    use std::io::Write as _;
    let t = tempfile::tempdir().unwrap();
    let path = t.path().join("h.xlsx");
    hand_filled(&path, &[(V1, 120, "村集中处理设施")]);
    // Add a notes formula with no cached value, exactly as openpyxl writes `=1+1`.
    let mut zin = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let out_path = t.path().join("f.xlsx");
    let mut zout = zip::ZipWriter::new(std::fs::File::create(&out_path).unwrap());
    for i in 0..zin.len() {
        let mut entry = zin.by_index(i).unwrap();
        let name = entry.name().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(bytes).unwrap();
            // The data row is the last row.
            let at = xml.rfind("</row>").unwrap();
            bytes = format!(
                "{}<c r=\"W2\"><f>1+1</f><v /></c>{}",
                &xml[..at],
                &xml[at..]
            )
            .into_bytes();
        }
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zout.start_file(name, opts).unwrap();
        zout.write_all(&bytes).unwrap();
    }
    zout.finish().unwrap();
    let d = t.path().join("d");
    let err = String::from_utf8(
        import_xlsx(&d, &out_path)
            .code(1)
            .get_output()
            .stderr
            .clone(),
    )
    .unwrap();
    assert!(
        err.contains(&format!(
            "村!R2: {V1}: notes: the cell holds the formula =1+1"
        )),
        "{err}"
    );
}
