//! `records import-csv | export-csv | show` through the real binary.

mod cli_support;

use cli_support::{HEADER, bin, bin_en, import_csv, show, stderr_of};
use serde_json::Value;
use std::path::Path;

fn import(dir: &Path, main: &Path, farms: Option<&Path>) -> assert_cmd::assert::Assert {
    import_csv(bin(dir), main, farms)
}

fn import_en(dir: &Path, main: &Path, farms: Option<&Path>) -> assert_cmd::assert::Assert {
    import_csv(bin_en(dir), main, farms)
}

const V1: &str = "411003003204";
const V2: &str = "411003003205";

fn rows() -> String {
    format!(
        "{HEADER}\n\
         {V1},2020-06-15,王建国,200,700,yes,yes,是,1,true,100,20,0,0,5,45,10,central,120,yes,100,60.5,大罗庄\n\
         {V2},2020-06-16,李秀英,150,520,yes,no,yes,yes,yes,60,0,0,0,0,0,30,none,,no,0,0,\n"
    )
}

const FARMS: &str = "village_code,farm_name,species,head_count,facilities_matched,manure_produced_t,manure_utilized_t\n\
411003003204,红旗养猪场,pig,500,yes,1000,900\n\
411003003204,小李猪场,pig,499,no,300,100\n\
411003003205,蛋鸡场,layer,5000,no,50,40\n";

#[test]
fn imports_utf8_with_bom_and_groups() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    std::fs::write(&main, format!("\u{feff}{}", rows())).unwrap();
    let farms = t.path().join("farms.csv");
    std::fs::write(&farms, FARMS).unwrap();
    let data = t.path().join("data");
    import(&data, &main, Some(&farms))
        .success()
        .stdout(predicates::str::contains("新增 2"));
    let doc = show(&data, V1);
    let rec = &doc["records"][0];
    assert_eq!(rec["status"], "finalized");
    assert_eq!(rec["values"]["households"], 200);
    assert_eq!(rec["values"]["toilet_harmless"], 170);
    assert_eq!(rec["values"]["garbage_effective"], true);
    assert_eq!(rec["values"]["manure_scattered_utilized_t"], 60.5);
    let farms = rec["values"]["farms"].as_array().unwrap();
    assert_eq!(farms.len(), 2);
    assert_eq!(
        farms[0]["scale"], true,
        "500 pigs is exactly at the threshold"
    );
    assert_eq!(farms[1]["scale"], false);
    // Sewage households are not relevant when nothing is treated.
    let v2 = show(&data, V2);
    assert_eq!(v2["records"][0]["values"]["sewage_households"], Value::Null);
    assert_eq!(v2["records"][0]["values"]["garbage_effective"], false);
}

#[test]
fn imports_gb18030_from_excel() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    let text = rows();
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must not be UTF-8"
    );
    std::fs::write(&main, &bytes).unwrap();
    let data = t.path().join("data");
    import(&data, &main, None).success();
    let doc = show(&data, V1);
    assert_eq!(doc["records"][0]["values"]["surveyor"], "王建国");
    assert_eq!(doc["records"][0]["values"]["notes"], "大罗庄");
}

#[test]
fn one_bad_row_rejects_the_whole_file_with_a_list() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    let bad = rows()
        .replace("200,700,yes", "200,700,maybe")
        .replace("150,520", "150,abc")
        .replace(",60,0,0,0,0,0,30,", ",160,0,0,0,0,0,30,");
    std::fs::write(&main, bad).unwrap();
    let data = t.path().join("data");
    let err = import(&data, &main, None)
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("没有导入任何数据"), "{err}");
    assert!(
        err.contains(&format!("2: {V1}: garbage_facilities: ")),
        "{err}"
    );
    assert!(err.contains(&format!("3: {V2}: population: ")), "{err}");
    assert!(
        err.contains(&format!("3: {V2}: toilet_three_compartment: ")),
        "{err}"
    );
    // Nothing stored, not even the good parts.
    assert_eq!(show(&data, V1)["records"].as_array().unwrap().len(), 0);
}

#[test]
fn unknown_village_column_and_wrong_calculation_are_named() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    let text = rows()
        .replace(HEADER, &format!("{HEADER},toilet_harmless"))
        .replace(",大罗庄\n", ",大罗庄,171\n")
        .replace(",0,0,\n", ",0,0,,\n")
        .replace(V2, "411003003999");
    std::fs::write(&main, text).unwrap();
    let err = import(&t.path().join("d"), &main, None)
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.contains(&format!(
            "2: {V1}: toilet_harmless: the column says 171 but the form calculates 170"
        )) || err.contains("计算结果"),
        "{err}"
    );
    assert!(
        err.contains("3: 411003003999: village_code: not in the register")
            || err.contains("3: 411003003999: village_code: 区划名录中没有这个代码"),
        "{err}"
    );
}

#[test]
fn group_rows_are_validated_with_their_file_and_line() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    std::fs::write(&main, rows()).unwrap();
    let farms = t.path().join("farms.csv");
    std::fs::write(&farms, FARMS.replace("300,100", "300,301")).unwrap();
    let err = import(&t.path().join("d"), &main, Some(&farms))
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.contains(&format!("farms.csv:3: {V1}: farms.manure_utilized_t: ")),
        "{err}"
    );
}

#[test]
fn export_then_import_reproduces_the_records() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    std::fs::write(&main, rows()).unwrap();
    let farms = t.path().join("farms.csv");
    std::fs::write(&farms, FARMS).unwrap();
    let a = t.path().join("a");
    import(&a, &main, Some(&farms)).success();
    let out = t.path().join("export.csv");
    bin(&a)
        .args([
            "records",
            "export-csv",
            "--round",
            "2020",
            "--under",
            "411003000000",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let bytes = std::fs::read(&out).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 with BOM for Excel"
    );
    let group = t.path().join("export.farms.csv");
    assert!(group.exists());
    let b = t.path().join("b");
    import(&b, &out, Some(&group)).success();
    for v in [V1, V2] {
        let (x, y) = (show(&a, v), show(&b, v));
        assert_eq!(x["records"][0]["values"], y["records"][0]["values"], "{v}");
    }
    // Importing the same file again changes nothing.
    import(&b, &out, Some(&group))
        .success()
        .stdout(predicates::str::contains("未变 2"));
}

#[test]
fn a_changed_value_makes_an_audited_revision() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    std::fs::write(&main, rows()).unwrap();
    let d = t.path().join("d");
    import(&d, &main, None).success();
    std::fs::write(&main, rows().replace(",200,700,", ",210,700,")).unwrap();
    bin(&d)
        .args(["--surveyor", "县统计员", "records", "import-csv"])
        .arg(&main)
        .args(["--round", "2020"])
        .assert()
        .success()
        .stdout(predicates::str::contains("更新 1，未变 1"));
    let doc = show(&d, V1);
    assert_eq!(doc["records"].as_array().unwrap().len(), 1);
    assert_eq!(doc["records"][0]["revision"], 2);
    assert_eq!(doc["records"][0]["values"]["households"], 210);
    assert_eq!(doc["records"][0]["finalized_by"], "县统计员");
}

#[test]
fn show_of_unknown_village_fails_clearly() {
    let t = tempfile::tempdir().unwrap();
    bin(t.path())
        .args(["records", "show", "411003003999", "--round", "2020"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "411003003999：区划名录里没有这个单位",
        ));
    bin(t.path())
        .args([
            "--lang",
            "en",
            "records",
            "show",
            "411003003999",
            "--round",
            "2020",
        ])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "411003003999: no such unit in the register",
        ));
}

#[test]
fn divisions_lists_code_tab_name() {
    let t = tempfile::tempdir().unwrap();
    let out = bin(t.path())
        .args([
            "divisions",
            "--under",
            "411003003000",
            "--level",
            "village",
            "--in-scope",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let first = out.lines().next().unwrap();
    assert_eq!(first, "411003003204\t大罗庄村委会");
    assert!(out.lines().all(|l| {
        let code = l.split('\t').next().unwrap();
        code.starts_with("411003003") && (200..400).contains(&code[9..].parse::<u32>().unwrap())
    }));
    let counties = bin(t.path())
        .args(["divisions", "--level", "county"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(String::from_utf8(counties).unwrap().lines().count(), 7);
}

#[test]
fn no_command_without_a_terminal_points_at_headless_commands() {
    let t = tempfile::tempdir().unwrap();
    bin(t.path())
        .assert()
        .code(1)
        .stderr(predicates::str::contains("records import-csv"));
}

#[test]
fn bad_usage_exits_2() {
    assert_cmd::Command::cargo_bin("ruralenv")
        .unwrap()
        .args(["report"])
        .assert()
        .code(2);
}

// ---- Excel-proof CSV (issue 12) and hostile CSV (issue 11): each test is named after the
// finding it pins down.

#[test]
fn silent_wrong_data_utf8_file_with_one_gb18030_cell_is_refused_naming_the_first_bad_line() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    let text = rows();
    let (before, after) = text.split_at(text.find("李秀英").unwrap());
    let mut bytes = before.as_bytes().to_vec();
    bytes.extend_from_slice(&encoding_rs::GB18030.encode("李秀英").0);
    bytes.extend_from_slice(&after.as_bytes()["李秀英".len()..]);
    std::fs::write(&main, bytes).unwrap();
    let d = t.path().join("d");
    let err = stderr_of(import_en(&d, &main, None));
    assert!(err.contains("3: -: -: line 3 is not UTF-8"), "{err}");
    assert!(err.contains("mixes encodings"), "{err}");
    assert_eq!(show(&d, V1)["records"].as_array().unwrap().len(), 0);
}

#[test]
fn silent_wrong_data_duplicated_column_header_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    let text = rows()
        .replace(",notes\n", ",notes,households\n")
        .replace(",大罗庄\n", ",大罗庄,999\n")
        .replace(",0,0,\n", ",0,0,,999\n");
    std::fs::write(&main, text).unwrap();
    let err = stderr_of(import_en(&t.path().join("d"), &main, None));
    assert!(
        err.contains("1: -: households: column 24 repeats column 4"),
        "{err}"
    );
}

#[test]
fn silent_wrong_data_farms_calculated_scale_is_checked_not_recomputed() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    std::fs::write(&main, rows()).unwrap();
    let farms = t.path().join("farms.csv");
    // 499 pigs is below the 500 threshold: a file that says "yes" is wrong.
    let text = FARMS
        .replace("manure_utilized_t\n", "manure_utilized_t,scale\n")
        .replace(",1000,900\n", ",1000,900,yes\n")
        .replace(",300,100\n", ",300,100,yes\n")
        .replace(",50,40\n", ",50,40,是\n");
    std::fs::write(&farms, text).unwrap();
    let err = stderr_of(import_en(&t.path().join("d"), &main, Some(&farms)));
    assert!(
        err.contains(&format!(
            "farms.csv:3: {V1}: farms.scale: the column says yes but the form calculates no"
        )),
        "{err}"
    );
    assert_eq!(err.matches("farms.scale").count(), 1, "{err}");
}

#[test]
fn silent_wrong_data_dev_zero_and_a_fifo_are_refused_not_read() {
    let t = tempfile::tempdir().unwrap();
    let err = stderr_of(import_en(&t.path().join("d"), Path::new("/dev/zero"), None));
    assert!(err.contains("not a regular file"), "{err}");
    let fifo = t.path().join("fifo.csv");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    // Would hang forever if the FIFO were opened.
    let err = stderr_of(import_en(&t.path().join("d"), &fifo, None));
    assert!(err.contains("not a regular file"), "{err}");
}

#[test]
fn messages_unterminated_quote_is_reported_as_such() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    std::fs::write(&main, rows().replace(",大罗庄\n", ",\"大罗庄\n")).unwrap();
    let err = stderr_of(import_en(&t.path().join("d"), &main, None));
    assert!(err.contains("closing quote"), "{err}");
    assert!(err.contains(&format!("2: {V1}: ")), "{err}");
    assert!(!err.contains("control characters"), "{err}");
}

#[test]
fn a_cell_with_a_parse_error_is_reported_once() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    std::fs::write(&main, rows().replace(",200,700,", ",abc,700,")).unwrap();
    let err = stderr_of(import_en(&t.path().join("d"), &main, None));
    assert_eq!(err.matches(": households: ").count(), 1, "{err}");
    assert!(!err.contains("required"), "{err}");
}

#[test]
fn line_numbers_are_right_for_crlf_files() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    let text = rows()
        .replace("150,520", "150,abc")
        .replace('\n', "\r\n")
        .replacen("\r\n", "\r\n\r\n", 2);
    std::fs::write(&main, text).unwrap();
    let err = stderr_of(import_en(&t.path().join("d"), &main, None));
    // Lines: header (1), blank (2), V1 (3), blank (4), V2 (5).
    assert!(err.contains(&format!("5: {V2}: population: ")), "{err}");
}

#[test]
fn disk_failed_import_does_not_write_its_error_list_to_the_log() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    let mut text = format!("{HEADER}\n");
    for i in 0..500 {
        text.push_str(&format!(
            "{V1},bad-date-{i},x,1,1,yes,yes,yes,yes,yes,0,0,0,0,0,0,0,none,,no,0,0,\n"
        ));
    }
    std::fs::write(&main, text).unwrap();
    let d = t.path().join("d");
    let err = stderr_of(import_en(&d, &main, None));
    let listed = err
        .lines()
        .filter(|l| l.contains(&format!(": {V1}: ")))
        .count();
    assert_eq!(listed, 200, "the list stops at 200");
    assert!(err.contains("… and 300 more"), "{err}");
    assert!(
        err.contains("500 problem(s); nothing was imported"),
        "{err}"
    );
    let mut log = String::new();
    for e in std::fs::read_dir(d.join("logs")).unwrap() {
        log.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap_or_default());
    }
    assert!(
        log.contains("nothing was imported"),
        "the failure is logged: {log}"
    );
    assert!(!log.contains("bad-date-"), "but not its error list: {log}");
}

#[test]
fn chinese_headers_full_width_digits_and_excel_dates_import() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    let text = rows()
        .replace("households,population", "常住户数 *,常住人口")
        .replace("village_code,survey_date", "村代码,调查日期")
        .replace(",sewage_mode,", ",生活污水治理方式,")
        .replace("2020-06-15,王建国,200,", "2020/6/15,王建国,２００,")
        .replace("2020-06-16", "2020-6-16")
        .replace(",central,", ",村集中处理设施,")
        .replace('\n', ",,\n");
    std::fs::write(&main, text).unwrap();
    let d = t.path().join("d");
    import_en(&d, &main, None).success();
    let v = &show(&d, V1)["records"][0]["values"];
    assert_eq!(v["households"], 200);
    assert_eq!(v["survey_date"], "2020-06-15");
    assert_eq!(v["sewage_mode"], "central");
    assert_eq!(
        show(&d, V2)["records"][0]["values"]["survey_date"],
        "2020-06-16"
    );
}

#[test]
fn codes_in_scientific_notation_are_refused_saying_excel_changed_them() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    std::fs::write(&main, rows().replace(V1, "4.11003E+11")).unwrap();
    let err = stderr_of(import_en(&t.path().join("d"), &main, None));
    assert!(
        err.contains("2: 4.11003E+11: village_code: '4.11003E+11' is a code Excel changed into scientific notation"),
        "{err}"
    );
    assert!(err.contains("format the column as Text"), "{err}");
}

#[test]
fn utf16_tab_separated_unicode_text_imports() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.txt");
    let tsv = rows().replace(',', "\t").replace('\n', "\r\n");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(tsv.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&main, bytes).unwrap();
    let d = t.path().join("d");
    import_en(&d, &main, None)
        .success()
        .stdout(predicates::str::contains("2 new"));
    assert_eq!(show(&d, V1)["records"][0]["values"]["surveyor"], "王建国");
}

#[test]
fn out_of_scope_village_rows_are_refused_naming_it() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    std::fs::write(&main, rows().replace(V2, "411003003001")).unwrap();
    let err = stderr_of(import_en(&t.path().join("d"), &main, None));
    assert!(
        err.contains(
            "3: 411003003001: village_code: 邓庄居委会 (411003003001) is out of the survey scope"
        ),
        "{err}"
    );
    assert!(err.contains("forms/divisions/"), "{err}");
    assert!(err.contains("Configuring a county"), "{err}");
    // In Chinese by default.
    let err = stderr_of(import(&t.path().join("zh"), &main, None));
    assert!(err.contains("不在调查范围内"), "{err}");
}

#[test]
fn formulas_in_text_are_guarded_on_export_and_unguarded_on_import() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    std::fs::write(&main, rows().replace(",大罗庄\n", ",=1+1\n")).unwrap();
    let a = t.path().join("a");
    import(&a, &main, None).success();
    assert_eq!(show(&a, V1)["records"][0]["values"]["notes"], "=1+1");
    let out = t.path().join("e.csv");
    bin(&a)
        .args(["records", "export-csv", "--round", "2020", "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains(",'=1+1\n"), "{text}");
    let b = t.path().join("b");
    import(&b, &out, None).success();
    assert_eq!(show(&b, V1)["records"][0]["values"]["notes"], "=1+1");
}

#[test]
fn file_names_are_escaped_when_printed() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v\u{1b}]52;c;aGk=\u{7}.csv");
    std::fs::write(&main, rows()).unwrap();
    let out = import(&t.path().join("d"), &main, None)
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
        "{stdout:?}"
    );
    assert!(stdout.contains("\\u{1b}]52"), "{stdout:?}");
    let export = t.path().join("e\u{1b}[2J.csv");
    let out = bin(&t.path().join("d"))
        .args(["records", "export-csv", "--round", "2020", "--out"])
        .arg(&export)
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}

/// What a report says, without the time it was made.
fn report_json(dir: &Path) -> Value {
    let out = bin(dir)
        .args([
            "report",
            "--round",
            "2020",
            "--under",
            "411003000000",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let mut v: Value = serde_json::from_slice(&out).unwrap();
    v.as_object_mut().unwrap().remove("generated_at");
    v
}

#[test]
fn export_csv_rewritten_as_excel_saves_it_imports_to_the_same_report() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("v.csv");
    std::fs::write(&main, rows()).unwrap();
    let farms = t.path().join("farms.csv");
    std::fs::write(&farms, FARMS).unwrap();
    let a = t.path().join("a");
    import(&a, &main, Some(&farms)).success();
    let out = t.path().join("zh.csv");
    bin(&a)
        .args([
            "records",
            "export-csv",
            "--round",
            "2020",
            "--labels",
            "zh",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with("\u{feff}村代码,村名称,乡镇代码,乡镇名称,调查日期"),
        "{header}"
    );
    assert!(text.contains("大罗庄村委会"), "village names are there");
    assert!(text.contains(",村集中处理设施,"), "choices as labels");
    assert!(!text.contains(",central,"));
    // What Excel does on Chinese Windows: GB18030, CRLF, dates as yyyy/m/d, no BOM.
    let excel = |s: &str| -> Vec<u8> {
        let s = s
            .trim_start_matches('\u{feff}')
            .replace("2020-06-15", "2020/6/15")
            .replace("2020-06-16", "2020/6/16")
            .replace('\n', "\r\n");
        encoding_rs::GB18030.encode(&s).0.into_owned()
    };
    let farms_out = t.path().join("zh.farms.csv");
    let farms_text = std::fs::read_to_string(&farms_out).unwrap();
    assert!(farms_text.contains(",生猪,"), "{farms_text}");
    std::fs::write(&out, excel(&text)).unwrap();
    std::fs::write(&farms_out, excel(&farms_text)).unwrap();
    let b = t.path().join("b");
    import(&b, &out, Some(&farms_out)).success();
    assert_eq!(report_json(&a), report_json(&b));
    for v in [V1, V2] {
        assert_eq!(
            show(&a, v)["records"][0]["values"],
            show(&b, v)["records"][0]["values"]
        );
    }
}

/// The lines a run printed (stdout, then stderr), with the temporary folder's name (random
/// letters) taken out.
fn printed(a: &assert_cmd::assert::Assert, dir: &Path) -> Vec<String> {
    let out = a.get_output();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = dir.display().to_string();
    text.lines().map(|l| l.replace(&dir, "DIR")).collect()
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// English words of the import's messages: none may appear in a Chinese run's lines.
const ENGLISH: &[&str] = &[
    "nothing",
    "imported",
    "problem",
    " new",
    "updated",
    "unchanged",
    "village ",
    "round",
    " the ",
    " not ",
    " is ",
    "column",
];

#[test]
fn import_csv_speaks_the_runs_language_only_one_per_line() {
    let t = tempfile::tempdir().unwrap();
    let good = t.path().join("v.csv");
    std::fs::write(&good, rows()).unwrap();
    let bad = t.path().join("bad.csv");
    let text = rows()
        .replace("200,700,yes", "200,700,maybe")
        .replace(",60,0,0,0,0,0,30,", ",160,0,0,0,0,0,30,")
        .replace(HEADER, &format!("{HEADER},colour"));
    std::fs::write(&bad, text).unwrap();
    for lang in ["zh", "en"] {
        let data = t.path().join(format!("data-{lang}"));
        let run = |file: &Path| {
            let mut c = bin(&data);
            if lang == "en" {
                c.args(["--lang", "en"]);
            }
            c.args(["records", "import-csv"])
                .arg(file)
                .args(["--round", "2020"])
                .assert()
        };
        let refused = run(&bad).code(1);
        let refused = printed(&refused, t.path());
        let stored = run(&good).success();
        let stored = printed(&stored, t.path());
        assert!(refused.len() >= 2, "{refused:?}");
        assert_eq!(stored.len(), 1, "{stored:?}");
        for line in refused.iter().chain(&stored) {
            if lang == "zh" {
                assert!(has_chinese(line), "a line without Chinese: {line}");
                for w in ENGLISH {
                    assert!(!line.contains(w), "English '{w}' in a Chinese run: {line}");
                }
            } else {
                assert!(!has_chinese(line), "Chinese in an English run: {line}");
            }
        }
        let (summary, done) = (refused.last().unwrap(), &stored[0]);
        if lang == "zh" {
            assert!(summary.contains("没有导入任何数据"), "{summary}");
            assert!(done.contains("新增 2，更新 0，未变 0"), "{done}");
        } else {
            assert!(summary.contains("nothing was imported"), "{summary}");
            assert!(done.contains("2 new, 0 updated, 0 unchanged"), "{done}");
        }
    }
}

#[test]
fn an_output_that_cannot_be_written_is_explained_in_the_runs_language() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("d");
    // The target is a folder: it cannot be replaced by the file.
    let out = t.path().join("out.csv");
    std::fs::create_dir(&out).unwrap();
    let run = |lang: Option<&str>| {
        let mut c = bin(&d);
        if let Some(l) = lang {
            c.args(["--lang", l]);
        }
        let a = c
            .args(["records", "export-csv", "--round", "2020", "--out"])
            .arg(&out)
            .assert()
            .code(1);
        String::from_utf8(a.get_output().stderr.clone()).unwrap()
    };
    let zh = run(None);
    assert!(zh.contains("out.csv: 无法写入：这是一个文件夹"), "{zh}");
    assert!(!zh.contains("cannot") && !zh.contains("directory"), "{zh}");
    let en = run(Some("en"));
    assert!(en.contains("out.csv: cannot write: "), "{en}");
    assert!(!has_chinese(&en), "{en}");
    assert!(out.is_dir(), "the folder is left as it was");
}

#[test]
fn import_xlsx_refuses_a_file_that_is_no_workbook_in_the_runs_language() {
    let t = tempfile::tempdir().unwrap();
    let f = t.path().join("v.xlsx");
    std::fs::write(&f, rows()).unwrap();
    for lang in ["zh", "en"] {
        let mut c = bin(&t.path().join("d"));
        if lang == "en" {
            c.args(["--lang", "en"]);
        }
        let a = c
            .args(["records", "import-xlsx"])
            .arg(&f)
            .args(["--round", "2020"])
            .assert()
            .code(1);
        let lines = printed(&a, t.path());
        assert_eq!(lines.len(), 1, "{lines:?}");
        if lang == "zh" {
            assert!(lines[0].contains("不是可读的 .xlsx 工作簿"), "{lines:?}");
            assert!(!lines[0].contains("readable"), "{lines:?}");
        } else {
            assert!(
                lines[0].contains("not a readable .xlsx workbook"),
                "{lines:?}"
            );
            assert!(!has_chinese(&lines[0]), "{lines:?}");
        }
    }
}
