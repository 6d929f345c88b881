//! `key show`, `trust`, `export`, `import` and `conflicts` through the real binary, and
//! three installations end to end: two surveyors, a township, a county.

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

const HEADER: &str = "village_code,survey_date,surveyor,households,population,garbage_facilities,garbage_technology,garbage_cleaners,garbage_funding,garbage_supervision,toilet_three_compartment,toilet_double_urn,toilet_biogas,toilet_urine_diverting,toilet_double_pit,toilet_sewered_flush,toilet_other_sanitary,sewage_mode,sewage_households,sewage_controlled,manure_scattered_produced_t,manure_scattered_utilized_t,notes";
const TOWNSHIP: &str = "411003003000";
const COUNTY: &str = "411003000000";

/// Surveyor 1's villages (with farms) and surveyor 2's.
fn csv_one() -> String {
    format!(
        "{HEADER}\n\
         411003003204,2020-06-15,王建国,200,700,yes,yes,yes,yes,yes,100,20,0,0,5,45,10,central,120,yes,100,60.5,大罗庄\n\
         411003003205,2020-06-16,王建国,150,520,yes,no,yes,yes,yes,60,0,0,0,0,0,30,none,,no,0,0,\n"
    )
}

const FARMS_ONE: &str = "village_code,farm_name,species,head_count,facilities_matched,manure_produced_t,manure_utilized_t\n\
411003003204,红旗养猪场,pig,500,yes,1000,900\n\
411003003205,蛋鸡场,layer,5000,no,50,40\n";

fn csv_two() -> String {
    format!(
        "{HEADER}\n\
         411003003206,2020-06-18,李秀英,320,1100,yes,yes,yes,yes,no,200,0,10,0,0,0,40,decentral,200,yes,300,250,\n\
         411003003207,2020-06-19,李秀英,90,300,no,no,yes,yes,yes,10,0,0,0,0,0,5,none,,no,12.5,12.5,山区村\n"
    )
}

/// In English (`--lang en`): most tests here assert the English messages.
fn bin(dir: &Path) -> Command {
    let mut c = bin_default(dir);
    c.args(["--lang", "en"]);
    c
}

/// Without `--lang`: the command line speaks Chinese.
fn bin_default(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("ruralenv").unwrap();
    c.arg("--data-dir")
        .arg(dir)
        .env_remove("RURALENV_SURVEYOR")
        .env_remove("RURALENV_DATA_DIR");
    c
}

fn stderr_fails(c: &mut Command) -> String {
    let out = c.assert().code(1).get_output().stderr.clone();
    String::from_utf8(out).unwrap()
}

fn stderr_ok(c: &mut Command) -> String {
    let out = c.assert().success().get_output().stderr.clone();
    String::from_utf8(out).unwrap()
}

fn stdout(c: &mut Command) -> String {
    let out = c.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

/// Loads a surveyor's CSV (and farms) into `dir`.
fn survey(t: &Path, dir: &Path, name: &str, csv: &str, farms: Option<&str>) {
    let main = t.join(format!("{name}.csv"));
    fs::write(&main, csv).unwrap();
    let mut c = bin(dir);
    c.args(["--surveyor", name, "records", "import-csv"])
        .arg(&main)
        .args(["--round", "2020"]);
    if let Some(f) = farms {
        let p = t.join(format!("{name}.farms.csv"));
        fs::write(&p, f).unwrap();
        c.arg("--group").arg(format!("farms={}", p.display()));
    }
    c.assert().success();
}

fn export(dir: &Path, name: &str, under: &str, out: &Path) -> String {
    stdout(
        bin(dir)
            .args(["--surveyor", name, "export", "--under", under])
            .args(["--round", "2020", "--out"])
            .arg(out),
    )
}

/// (public key, fingerprint) from `key show`.
fn key_show(dir: &Path) -> (String, String) {
    let out = stdout(bin(dir).args(["key", "show"]));
    let mut lines = out.lines();
    let key = lines.next().unwrap().to_string();
    let fp = lines.next().unwrap().to_string();
    assert_eq!(key.len(), 64, "{out}");
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(fp.len(), 29, "{out}");
    (key, fp)
}

fn trust(dir: &Path, key: &str, scope: &str, name: &str) {
    bin(dir)
        .args(["trust", "add", key, "--scope", scope, "--name", name])
        .assert()
        .success();
}

fn report(dir: &Path) -> Value {
    let out = stdout(bin(dir).args(["report", "--round", "2020", "--format", "json"]));
    let mut v: Value = serde_json::from_str(&out).unwrap();
    v.as_object_mut().unwrap().remove("generated_at");
    v
}

fn records_csv(dir: &Path) -> String {
    stdout(bin(dir).args(["records", "export-csv", "--round", "2020"]))
}

#[test]
fn export_trust_import_again_and_tamper() {
    let t = tempfile::tempdir().unwrap();
    let surveyor = t.path().join("surveyor");
    let county = t.path().join("county");
    survey(t.path(), &surveyor, "王建国", &csv_one(), Some(FARMS_ONE));
    let bundle = t.path().join("王建国.renv");
    let out = export(&surveyor, "王建国", TOWNSHIP, &bundle);
    assert!(out.contains("2 revision(s) of 2 village(s)"), "{out}");
    assert!(out.contains("verified"), "{out}");
    let (key, fp) = key_show(&surveyor);
    assert!(
        out.contains(&fp),
        "the exporter is told its fingerprint: {out}"
    );

    // Unknown key: refused with the fingerprint and the command to run.
    let before = report(&county);
    bin(&county)
        .arg("import")
        .arg(&bundle)
        .assert()
        .code(1)
        .stderr(contains(fp.as_str()))
        .stderr(contains(format!(
            "ruralenv trust add {key} --scope {TOWNSHIP} --name 王建国"
        )))
        .stderr(contains("王建国.renv"));
    assert_eq!(report(&county), before);

    trust(&county, &key, TOWNSHIP, "邓庄 王建国");
    let list = stdout(bin(&county).args(["trust", "list"]));
    assert!(
        list.contains(&fp),
        "trust list shows the fingerprint: {list}"
    );
    let out = stdout(bin(&county).arg("import").arg(&bundle));
    assert!(out.contains("2 new, 0 updated, 0 unchanged"), "{out}");
    assert!(out.contains("from \"邓庄 王建国\""), "{out}");
    let imported = (report(&county), records_csv(&county));
    assert_eq!(records_csv(&county), records_csv(&surveyor));

    // Again: already imported, nothing changes.
    let out = stdout(bin(&county).arg("import").arg(&bundle));
    assert!(out.contains("already imported"), "{out}");

    // One byte changed: refused, naming the file and the reason; nothing changes.
    let bytes = fs::read(&bundle).unwrap();
    for at in [60, bytes.len() / 2, bytes.len() - 1] {
        let mut tampered = bytes.clone();
        tampered[at] ^= 0x01;
        let p = t.path().join("tampered.renv");
        fs::write(&p, &tampered).unwrap();
        bin(&county)
            .arg("import")
            .arg(&p)
            .assert()
            .code(1)
            .stderr(contains("tampered.renv"))
            .stderr(contains("signature does not match"))
            .stderr(contains("nothing was imported"));
    }
    let cut = t.path().join("cut.renv");
    fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
    bin(&county)
        .arg("import")
        .arg(&cut)
        .assert()
        .code(1)
        .stderr(contains("cut.renv: the file is truncated"));
    assert_eq!((report(&county), records_csv(&county)), imported);

    // Several files: the good one goes in, the bad one is named, exit status 1.
    let second = t.path().join("second.renv");
    export(&surveyor, "王建国", TOWNSHIP, &second);
    bin(&county)
        .arg("import")
        .arg(&second)
        .arg(&cut)
        .assert()
        .code(1)
        .stdout(contains("0 new, 0 updated, 2 unchanged"))
        .stderr(contains("cut.renv"))
        .stderr(contains("1 of 2 files were refused"));

    // A removed key is unknown again.
    bin(&county)
        .args(["trust", "remove", &key])
        .assert()
        .success();
    let third = t.path().join("third.renv");
    export(&surveyor, "王建国", TOWNSHIP, &third);
    bin(&county)
        .arg("import")
        .arg(&third)
        .assert()
        .code(1)
        .stderr(contains("does not trust"));

    let conflicts = stdout(bin(&county).arg("conflicts"));
    assert!(conflicts.contains("no forks or duplicates"), "{conflicts}");
}

#[test]
fn a_key_outside_its_scope_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let surveyor = t.path().join("surveyor");
    let county = t.path().join("county");
    survey(t.path(), &surveyor, "王建国", &csv_one(), None);
    let bundle = t.path().join("b.renv");
    export(&surveyor, "王建国", TOWNSHIP, &bundle);
    let (key, _) = key_show(&surveyor);
    // Trusted for another township only.
    trust(&county, &key, "411003101000", "五女店 surveyor");
    bin(&county)
        .arg("import")
        .arg(&bundle)
        .assert()
        .code(1)
        .stderr(contains("outside 411003101000"))
        .stderr(contains("411003003204"));
    assert_eq!(records_csv(&county).lines().count(), 1, "header only");
}

fn paths(t: &Path) -> [PathBuf; 5] {
    ["s1", "s2", "township", "county", "union"].map(|n| t.join(n))
}

/// Two surveyors, a township and a county: the county's report equals the report of one
/// database that took both surveyors' spreadsheets directly.
#[test]
fn three_installations_end_to_end() {
    let t = tempfile::tempdir().unwrap();
    let [s1, s2, township, county, union] = paths(t.path());
    survey(t.path(), &s1, "王建国", &csv_one(), Some(FARMS_ONE));
    survey(t.path(), &s2, "李秀英", &csv_two(), None);
    let b1 = t.path().join("s1.renv");
    let b2 = t.path().join("s2.renv");
    export(&s1, "王建国", TOWNSHIP, &b1);
    export(&s2, "李秀英", TOWNSHIP, &b2);

    let (k1, _) = key_show(&s1);
    let (k2, _) = key_show(&s2);
    trust(&township, &k1, TOWNSHIP, "王建国");
    trust(&township, &k2, TOWNSHIP, "李秀英");
    // Messaging apps deliver twice and out of order.
    let out = stdout(bin(&township).arg("import").arg(&b2).arg(&b1).arg(&b2));
    assert_eq!(out.matches("2 new").count(), 2, "{out}");
    assert!(out.contains("already imported"), "{out}");

    let tb = t.path().join("township.renv");
    let out = export(&township, "邓庄街道", TOWNSHIP, &tb);
    assert!(out.contains("4 revision(s) of 4 village(s)"), "{out}");
    let (kt, fpt) = key_show(&township);
    trust(&county, &kt, COUNTY, "邓庄街道");
    let out = stdout(bin(&county).arg("import").arg(&tb));
    assert!(out.contains("4 new"), "{out}");
    assert!(out.contains(&fpt), "{out}");

    // The union: both spreadsheets straight into one database.
    let one = t.path().join("one.csv");
    fs::write(&one, csv_one()).unwrap();
    let farms = t.path().join("one.farms.csv");
    fs::write(&farms, FARMS_ONE).unwrap();
    bin(&union)
        .args(["records", "import-csv"])
        .arg(&one)
        .args(["--round", "2020", "--group"])
        .arg(format!("farms={}", farms.display()))
        .assert()
        .success();
    let two = t.path().join("two.csv");
    fs::write(&two, csv_two()).unwrap();
    bin(&union)
        .args(["records", "import-csv"])
        .arg(&two)
        .args(["--round", "2020"])
        .assert()
        .success();

    let county_report = report(&county);
    assert_eq!(county_report, report(&union));
    assert_eq!(county_report, report(&township));
    // Not trivially equal: the township reported four villages with real numbers.
    let units = county_report["units"].as_array().unwrap();
    let town = units.iter().find(|u| u["code"] == TOWNSHIP).unwrap();
    assert_eq!(town["villages_reported"], 4);
    assert_eq!(records_csv(&county), records_csv(&union));

    let conflicts = stdout(bin(&county).args(["conflicts", "--format", "json"]));
    let conflicts: Value = serde_json::from_str(&conflicts).unwrap();
    assert_eq!(conflicts["conflicts"], serde_json::json!([]));
}

/// Two surveyors filled the same village: the township sees a duplicate, with both
/// versions, and the village counts once.
#[test]
fn duplicates_are_listed_by_conflicts() {
    let t = tempfile::tempdir().unwrap();
    let [s1, s2, township, ..] = paths(t.path());
    survey(t.path(), &s1, "王建国", &csv_one(), None);
    let overlap = format!(
        "{HEADER}\n411003003204,2020-06-20,李秀英,210,700,yes,yes,yes,yes,yes,100,20,0,0,5,45,10,central,120,yes,100,60.5,\n"
    );
    survey(t.path(), &s2, "李秀英", &overlap, None);
    for (dir, name, file) in [(&s1, "王建国", "d1.renv"), (&s2, "李秀英", "d2.renv")] {
        let b = t.path().join(file);
        export(dir, name, TOWNSHIP, &b);
        let (k, _) = key_show(dir);
        trust(&township, &k, TOWNSHIP, name);
        bin(&township).arg("import").arg(&b).assert().success();
    }
    let out = stdout(bin(&township).args(["conflicts", "--round", "2020"]));
    assert!(out.contains("411003003204"), "{out}");
    assert!(out.contains("duplicate records"), "{out}");
    let json: Value = serde_json::from_str(&stdout(bin(&township).args([
        "conflicts",
        "--format",
        "json",
    ])))
    .unwrap();
    let list = json["conflicts"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["village_name"], "大罗庄村委会");
    assert_eq!(list[0]["duplicate"], true);
    let candidates = list[0]["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 2);
    assert_eq!(
        candidates.iter().filter(|c| c["counted"] == true).count(),
        1
    );
    let r = report(&township);
    let town = r["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == TOWNSHIP)
        .unwrap()
        .clone();
    assert_eq!(town["villages_reported"], 2);
}

#[test]
fn export_errors_are_user_facing() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("empty");
    let out = t.path().join("x.renv");
    bin(&dir)
        .args(["export", "--under", TOWNSHIP, "--round", "2020", "--out"])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(contains("nothing to export"));
    bin(&dir)
        .args(["export", "--under", "123", "--round", "2020", "--out"])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(contains("12-digit"));
    bin(&dir)
        .args(["export", "--under", TOWNSHIP, "--round", "20 20", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("--round"));
    assert!(!out.exists());
    bin(&dir)
        .args(["import"])
        .arg(t.path().join("missing.renv"))
        .assert()
        .code(1)
        .stderr(contains("missing.renv: cannot open it"));
}

/// `export`, `import` and `conflicts` speak Chinese without `--lang`, English with
/// `--lang en` for that run only: the next plain run is Chinese again.
#[test]
fn exchange_commands_speak_chinese_by_default_and_english_with_lang_en() {
    let t = tempfile::tempdir().unwrap();
    let [s1, s2, township, ..] = paths(t.path());
    survey(t.path(), &s1, "王建国", &csv_one(), None);
    let overlap = format!(
        "{HEADER}\n411003003204,2020-06-20,李秀英,210,700,yes,yes,yes,yes,yes,100,20,0,0,5,45,10,central,120,yes,100,60.5,\n"
    );
    survey(t.path(), &s2, "李秀英", &overlap, None);

    let b1 = t.path().join("d1.renv");
    let args = ["export", "--under", TOWNSHIP, "--round", "2020", "--out"];
    let en = stdout(bin(&s1).args(args).arg(&b1));
    assert!(en.contains("2 revision(s) of 2 village(s)"), "{en}");
    assert!(en.contains("signed by this installation's key"), "{en}");
    let zh = stdout(bin_default(&s1).args(args).arg(&b1));
    assert!(zh.contains("d1.renv：2 个村的 2 个版本"), "{zh}");
    assert!(zh.contains("已校验") && zh.contains("由本机密钥"), "{zh}");
    assert!(!zh.contains("revision(s)"), "{zh}");
    let b2 = t.path().join("d2.renv");
    export(&s2, "李秀英", TOWNSHIP, &b2);

    // A refusal: the file's name first, the reason in the run's language, and the command
    // that would trust the key.
    let (k1, fp1) = key_show(&s1);
    let zh = stderr_fails(bin_default(&township).arg("import").arg(&b1));
    assert!(zh.contains("d1.renv：签名密钥未被信任"), "{zh}");
    assert!(zh.contains(&fp1), "{zh}");
    assert!(
        zh.contains(&format!("ruralenv trust add {k1} --scope {TOWNSHIP}")),
        "{zh}"
    );
    assert!(zh.contains("数据包被拒绝"), "{zh}");
    assert!(!zh.contains("nothing was imported"), "{zh}");
    let en = stderr_fails(bin(&township).arg("import").arg(&b1));
    assert!(en.contains("does not trust"), "{en}");
    assert!(en.contains("the bundle was refused"), "{en}");

    // Nothing to decide yet.
    let zh = stdout(bin_default(&township).arg("conflicts"));
    assert_eq!(zh.trim(), "没有等待决定的分叉或重复");
    let en = stdout(bin(&township).arg("conflicts"));
    assert_eq!(en.trim(), "no forks or duplicates await a decision");

    trust(&township, &k1, TOWNSHIP, "王建国");
    let (k2, _) = key_show(&s2);
    trust(&township, &k2, TOWNSHIP, "李秀英");
    let zh = stdout(bin_default(&township).arg("import").arg(&b1));
    assert!(zh.contains("d1.renv：第 2020 轮，来自“王建国”"), "{zh}");
    assert!(zh.contains("版本新增 2 个"), "{zh}");
    let zh = stdout(bin_default(&township).arg("import").arg(&b1));
    assert!(zh.contains("已经导入过"), "{zh}");
    let en = stdout(bin(&township).arg("import").arg(&b1));
    assert!(en.contains("already imported"), "{en}");
    let zh = stdout(bin_default(&township).arg("import").arg(&b2));
    assert!(zh.contains("重复 1 处"), "{zh}");
    assert!(zh.contains("有分叉或重复等待决定"), "{zh}");

    let zh = stdout(bin_default(&township).args(["conflicts", "--round", "2020"]));
    assert!(zh.contains("411003003204 大罗庄村委会  轮次 2020"), "{zh}");
    assert!(zh.contains("重复记录") && zh.contains("暂时计入"), "{zh}");
    assert!(!zh.contains("duplicate records"), "{zh}");
    let en = stdout(bin(&township).args(["conflicts", "--round", "2020"]));
    assert!(
        en.contains("duplicate records") && en.contains("counted for now"),
        "{en}"
    );
    // `--lang en` was for that run only.
    let again = stdout(bin_default(&township).args(["conflicts", "--round", "2020"]));
    assert_eq!(again, zh);
}

/// `trust add|list|remove` in Chinese by default and in English with `--lang en`; the
/// list's tab-separated columns and `key show`'s two bare lines are the same in both.
#[test]
fn trust_commands_speak_chinese_by_default_and_english_with_lang_en() {
    let t = tempfile::tempdir().unwrap();
    let sender = t.path().join("sender");
    let county = t.path().join("county");
    let zh_key = stdout(bin_default(&sender).args(["key", "show"]));
    let en_key = stdout(bin(&sender).args(["key", "show"]));
    assert_eq!(zh_key, en_key, "key show has no words to translate");
    let (key, fp) = key_show(&sender);
    assert_eq!(zh_key, format!("{key}\n{fp}\n"));

    let zh = stderr_ok(bin_default(&county).args(["trust", "list"]));
    assert!(zh.contains("还没有信任任何密钥"), "{zh}");
    let en = stderr_ok(bin(&county).args(["trust", "list"]));
    assert!(en.contains("no key is trusted yet"), "{en}");

    let add = [
        "trust",
        "add",
        &key,
        "--scope",
        TOWNSHIP,
        "--name",
        "王建国",
    ];
    let zh = stdout(bin_default(&county).args(add));
    assert!(
        zh.contains(&format!("已信任 {fp}（王建国），范围 {TOWNSHIP}")),
        "{zh}"
    );
    let en = stdout(bin(&county).args(add));
    assert!(
        en.contains(&format!("trusted {fp} (王建国) for {TOWNSHIP}")),
        "{en}"
    );

    let zh = stdout(bin_default(&county).args(["trust", "list"]));
    let en = stdout(bin(&county).args(["trust", "list"]));
    assert_eq!(zh, en, "the list is data, the same in both languages");
    assert_eq!(
        zh.trim_end().split('\t').collect::<Vec<_>>(),
        [key.as_str(), fp.as_str(), TOWNSHIP, "王建国"]
    );

    let zh = stderr_fails(bin_default(&county).args(["trust", "remove", "xyz"]));
    assert!(zh.contains("既不是公钥"), "{zh}");
    let en = stderr_fails(bin(&county).args(["trust", "remove", "xyz"]));
    assert!(en.contains("neither a public key"), "{en}");

    let zh = stdout(bin_default(&county).args(["trust", "remove", &fp]));
    assert_eq!(zh.trim(), format!("已移除 {key}"));
    let zh = stderr_fails(bin_default(&county).args(["trust", "remove", &key]));
    assert!(zh.contains("本机没有信任这个密钥"), "{zh}");
    let en = stderr_fails(bin(&county).args(["trust", "remove", &key]));
    assert!(en.contains("that key is not trusted here"), "{en}");
    trust(&county, &key, TOWNSHIP, "王建国");
    let en = stdout(bin(&county).args(["trust", "remove", &key]));
    assert_eq!(en.trim(), format!("removed {key}"));
}

/// `report --out` says which file it wrote, in Chinese by default, in English with
/// `--lang en`; the report on stdout or in the file is unchanged.
#[test]
fn report_out_speaks_chinese_by_default_and_english_with_lang_en() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("d");
    survey(t.path(), &dir, "王建国", &csv_one(), None);
    let xlsx = t.path().join("r.xlsx");
    let args = ["report", "--round", "2020", "--format", "xlsx", "--out"];
    let zh = stderr_ok(bin_default(&dir).args(args).arg(&xlsx));
    assert!(zh.contains("已写入") && zh.contains("r.xlsx"), "{zh}");
    let en = stderr_ok(bin(&dir).args(args).arg(&xlsx));
    assert!(en.contains("wrote") && en.contains("r.xlsx"), "{en}");

    let json = t.path().join("r.json");
    let args = ["report", "--round", "2020", "--format", "json", "--out"];
    let zh = stderr_ok(bin_default(&dir).args(args).arg(&json));
    assert!(zh.contains("已写入") && zh.contains("r.json"), "{zh}");
    let written: Value = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(written["round"], "2020");

    let zh =
        stderr_fails(bin_default(&dir).args(["report", "--round", "2020", "--format", "xlsx"]));
    assert!(zh.contains("--format xlsx 需要 --out FILE"), "{zh}");
}
