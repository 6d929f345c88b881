//! Refusals from the data layers speak one language a run: a tampered, untrusted,
//! truncated or foreign file, a demo bundle into real data (and back), a broken register
//! or forms directory. Without `--lang` every line is Chinese; with `--lang en` every line
//! is English. What is the same in both (paths, codes, the command to copy, names from the
//! data) is taken out before a line is judged.

mod cli_support;

use assert_cmd::Command;
use cli_support::{HEADER, bin, bin_en as en};
use std::fs;
use std::path::Path;

const TOWN: &str = "411003003000";

/// A sender with demo data for the township in 2020, exported by 王五 to `out`; the
/// sender's public key.
fn demo_bundle(sender: &Path, out: &Path) -> String {
    ok(bin(sender).args(["demo", "--under", TOWN, "--round", "2020"]));
    ok(bin(sender)
        .args([
            "--surveyor",
            "王五",
            "export",
            "--under",
            TOWN,
            "--round",
            "2020",
        ])
        .arg("--out")
        .arg(out));
    let key = ok(bin(sender).args(["key", "show"]));
    key.lines().next().unwrap().to_string()
}

fn ok(c: &mut Command) -> String {
    let a = c.assert().success();
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

fn fails(c: &mut Command) -> String {
    let a = c.assert().code(1);
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

fn chinese(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
        || ('\u{3000}'..='\u{303f}').contains(&c)
        || ('\u{ff00}'..='\u{ffef}').contains(&c)
}

/// A line with what both languages share taken out: the data's own words (`same`), the
/// program's name.
fn judged(line: &str, same: &[&str]) -> String {
    let mut l = line.to_string();
    for s in same {
        l = l.replace(s, " ");
    }
    l.replace("ruralenv", " ")
}

/// Two English words in a row (what an English sentence has and a Chinese one does not).
fn english_phrase(line: &str) -> bool {
    let word = |t: &str| {
        let t = t.replace("(s)", "");
        let t = t.trim_matches(|c: char| ",.;:()'\"".contains(c));
        t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic())
    };
    // Chinese text between two words parts them like a word of its own.
    let line: String = line
        .chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_string()
            } else {
                " | ".into()
            }
        })
        .collect();
    let tokens: Vec<&str> = line.split_whitespace().collect();
    tokens.windows(2).any(|w| word(w[0]) && word(w[1]))
}

/// Every line is Chinese: it holds Chinese and no English phrase. A command to copy (a
/// line starting with two spaces) is the same in both languages.
fn all_chinese(text: &str, same: &[&str]) {
    assert!(!text.trim().is_empty(), "nothing was said");
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if line.starts_with("  ") {
            continue;
        }
        let l = judged(line, same);
        assert!(
            l.chars().any(chinese) && !english_phrase(&l),
            "not Chinese only: {line}\nin:\n{text}"
        );
    }
}

/// Every line is English: no Chinese outside the data's own words.
fn all_english(text: &str, same: &[&str]) {
    assert!(!text.trim().is_empty(), "nothing was said");
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let l = judged(line, same);
        assert!(
            !l.chars().any(chinese) && english_phrase(&l),
            "not English only: {line}\nin:\n{text}"
        );
    }
}

/// The same refusal in both languages: Chinese lines without `--lang`, English with it,
/// and the next plain run Chinese again.
fn both_ways(dir: &Path, args: &[&str], same: &[&str]) -> (String, String) {
    let zh = fails(bin(dir).args(args));
    all_chinese(&zh, same);
    let english = fails(en(dir).args(args));
    all_english(&english, same);
    let again = fails(bin(dir).args(args));
    assert_eq!(again, zh, "--lang en is for its run only");
    (zh, english)
}

#[test]
fn bundle_refusals_speak_one_language_a_run() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    let (sender, county, real) = (p.join("sender"), p.join("county"), p.join("real"));
    let bundle = p.join("b.renv");
    let key = demo_bundle(&sender, &bundle);
    let b = bundle.to_str().unwrap();
    // The claimed name is the sender's own words; the rest of the line is the message.
    let same = [p.to_str().unwrap(), "王五"];

    // Untrusted: the refusal, the command to trust (its own line), the summary.
    let (zh, english) = both_ways(&county, &["import", b], &same);
    assert!(
        zh.contains("签名密钥未被信任") && zh.contains("数据包被拒绝"),
        "{zh}"
    );
    assert!(zh.contains("\n  ruralenv trust add "), "{zh}");
    assert!(english.contains("does not trust"), "{english}");

    ok(bin(&county).args(["trust", "add", &key, "--scope", TOWN]));
    let data = fs::read(&bundle).unwrap();

    // Tampered: one bit of the payload flipped.
    let mut bad = data.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 1;
    let tampered = p.join("tampered.renv");
    fs::write(&tampered, &bad).unwrap();
    let (zh, english) = both_ways(&county, &["import", tampered.to_str().unwrap()], &same);
    assert!(zh.contains("签名不符"), "{zh}");
    assert!(english.contains("signature does not match"), "{english}");

    // Truncated: half a copy.
    let cut = p.join("cut.renv");
    fs::write(&cut, &data[..data.len() / 2]).unwrap();
    let (zh, english) = both_ways(&county, &["import", cut.to_str().unwrap()], &same);
    assert!(zh.contains("文件不完整"), "{zh}");
    assert!(english.contains("the file is truncated"), "{english}");

    // Not a bundle, and no file at all.
    let text = p.join("notes.renv");
    fs::write(&text, "hello").unwrap();
    let (zh, _) = both_ways(&county, &["import", text.to_str().unwrap()], &same);
    assert!(zh.contains("不是 ruralenv 数据包"), "{zh}");
    let missing = p.join("missing.renv");
    let (zh, _) = both_ways(&county, &["import", missing.to_str().unwrap()], &same);
    assert!(zh.contains("无法打开文件：文件或文件夹不存在"), "{zh}");

    // A demo bundle into real survey data.
    let csv = p.join("one.csv");
    fs::write(
        &csv,
        format!(
            "{HEADER}\n411003003204,2020-06-15,王建国,200,700,yes,yes,yes,yes,yes,100,20,0,0,5,45,10,central,120,yes,100,60.5,\n"
        ),
    )
    .unwrap();
    ok(bin(&real)
        .args(["--surveyor", "王建国", "records", "import-csv"])
        .arg(&csv)
        .args(["--round", "2020"]));
    ok(bin(&real).args(["trust", "add", &key, "--scope", TOWN]));
    let (zh, english) = both_ways(&real, &["import", b], &same);
    assert!(zh.contains("数据包里是演示数据"), "{zh}");
    assert!(english.contains("holds demo data"), "{english}");
    // Demo data generated into it.
    let (zh, _) = both_ways(&real, &["demo", "--under", TOWN, "--round", "2020"], &same);
    assert!(zh.contains("真实调查数据"), "{zh}");

    // A real bundle into the demo directory.
    let real_bundle = p.join("real.renv");
    ok(bin(&real)
        .args([
            "--surveyor",
            "王建国",
            "export",
            "--under",
            TOWN,
            "--round",
            "2020",
        ])
        .arg("--out")
        .arg(&real_bundle));
    let real_key = ok(bin(&real).args(["key", "show"]));
    let real_key = real_key.lines().next().unwrap().to_string();
    ok(bin(&sender).args(["trust", "add", &real_key, "--scope", TOWN]));
    let (zh, english) = both_ways(&sender, &["import", real_bundle.to_str().unwrap()], &same);
    assert!(zh.contains("本机存有演示数据"), "{zh}");
    assert!(english.contains("holds demo data"), "{english}");

    // An export into a folder that does not exist.
    let nowhere = p.join("no/such/folder/x.renv");
    let args = [
        "export",
        "--under",
        TOWN,
        "--round",
        "2020",
        "--out",
        nowhere.to_str().unwrap(),
    ];
    let (zh, english) = both_ways(&real, &args, &same);
    assert!(zh.contains("无法在目标文件夹中创建临时文件"), "{zh}");
    assert!(
        english.contains("cannot create a temporary file"),
        "{english}"
    );
}

#[test]
fn register_and_forms_refusals_speak_one_language_a_run() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    let same = [p.to_str().unwrap(), "许昌市", "建安区"];

    // A register whose township hangs under a county it does not hold.
    let register = "code,name,parent_code,level\n\
         411000000000,许昌市,,city\n\
         411003000000,建安区,411000000000,county\n\
         411003003000,x,411009000000,township\n";
    let bad = p.join("bad.csv");
    fs::write(&bad, register).unwrap();
    let args = [
        "demo",
        "--under",
        TOWN,
        "--round",
        "2020",
        "--register",
        bad.to_str().unwrap(),
    ];
    let (zh, english) = both_ways(&p.join("d1"), &args, &same);
    assert!(
        zh.contains("bad.csv:4: parent_code: 上级 411009000000 不在区划名录中"),
        "{zh}"
    );
    assert!(
        english.contains("bad.csv:4: parent_code: parent 411009000000 is not in the register"),
        "{english}"
    );

    // The same register inside a forms directory: `forms check` and `--forms`.
    let forms = p.join("forms");
    fs::create_dir_all(forms.join("divisions")).unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    for f in ["village.toml", "targets.toml", "thresholds.toml"] {
        fs::copy(shipped.join(f), forms.join(f)).unwrap();
    }
    fs::write(forms.join("divisions/x.csv"), register).unwrap();
    let dir = forms.to_str().unwrap();
    let (zh, _) = both_ways(&p.join("d2"), &["forms", "check", dir], &same);
    assert!(zh.contains("1 处错误"), "{zh}");
    let (zh, english) = both_ways(
        &p.join("d2"),
        &["--forms", dir, "report", "--round", "2020"],
        &same,
    );
    assert!(zh.contains("什么也没有安装"), "{zh}");
    assert!(english.contains("nothing was installed"), "{english}");

    // A form with an expression naming no field, and a forms directory that is not there.
    let case = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/invalid_forms/unknown_field_in_expression");
    let (zh, english) = both_ways(
        &p.join("d3"),
        &["forms", "check", case.to_str().unwrap()],
        &same,
    );
    assert!(
        zh.contains("toilets: 约束条件：没有字段“housholds”"),
        "{zh}"
    );
    assert!(
        english.contains("toilets: constraint: unknown field 'housholds'"),
        "{english}"
    );
    let nowhere = p.join("nowhere");
    let args = [
        "--forms",
        nowhere.to_str().unwrap(),
        "report",
        "--round",
        "2020",
    ];
    let (zh, _) = both_ways(&p.join("d4"), &args, &same);
    assert!(zh.contains("无法读取表单目录"), "{zh}");
}

#[test]
fn the_judge_tells_the_languages_apart() {
    // What the old mixed lines looked like: a Chinese line with an English reason.
    let mixed = "ruralenv: x.toml:3: households: 约束条件：unknown field 'y'";
    assert!(english_phrase(&judged(mixed, &[])));
    assert!(!english_phrase(&judged(
        "ruralenv: b.renv：数据包里是演示数据（由 ruralenv demo 生成）",
        &[]
    )));
    assert!(english_phrase(&judged(
        "ruralenv: 1 error(s) in /tmp/x",
        &["/tmp/x"]
    )));
    assert!(!judged("王五 said", &["王五"]).chars().any(chinese));
}

#[test]
fn a_busy_database_refuses_an_import_in_the_run_language() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    let (sender, county) = (p.join("sender"), p.join("county"));
    let bundle = p.join("b.renv");
    let key = demo_bundle(&sender, &bundle);
    ok(bin(&county).args(["trust", "add", &key, "--scope", TOWN]));
    // Another writer holds the database for the whole run.
    let lock = rusqlite::Connection::open(county.join(ruralenv::store::DB_FILE)).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let same = [p.to_str().unwrap()];
    let b = bundle.to_str().unwrap();
    let zh = fails(bin(&county).args(["import", b]));
    all_chinese(&zh, &same);
    assert!(zh.contains("数据库正忙"), "{zh}");
    let english = fails(en(&county).args(["import", b]));
    all_english(&english, &same);
    assert!(english.contains("the database is busy"), "{english}");
    drop(lock);
}

#[test]
fn store_refusals_speak_one_language_a_run() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    let same = [p.to_str().unwrap()];
    // Another program's SQLite file where the database would be.
    let foreign = p.join("foreign");
    fs::create_dir_all(&foreign).unwrap();
    let c = rusqlite::Connection::open(foreign.join(ruralenv::store::DB_FILE)).unwrap();
    c.execute_batch("CREATE TABLE customers(id INTEGER PRIMARY KEY);")
        .unwrap();
    drop(c);
    let (zh, english) = both_ways(&foreign, &["report", "--round", "2020"], &same);
    assert!(zh.contains("不是 ruralenv 的数据库"), "{zh}");
    assert!(english.contains("not a ruralenv database"), "{english}");
    // A data directory under a file.
    let file = p.join("file");
    fs::write(&file, "x").unwrap();
    let (zh, _) = both_ways(&file.join("data"), &["report", "--round", "2020"], &same);
    assert!(zh.contains("路径中有一部分不是文件夹"), "{zh}");
}
