//! Every user-facing word lives in the one catalogue (`src/i18n.rs`): outside it, the
//! migrated code holds no `Lang::Zh =>` arm and no Chinese string literal. Test modules
//! (`#[cfg(test)]` to the end of a file) are not scanned: they hold Chinese data.

use std::path::{Path, PathBuf};

/// Every Rust file under `src` is scanned except the catalogue itself (`src/i18n.rs` and
/// `src/i18n/`) and test-only modules (files named `*tests.rs`).
const CATALOGUE: &[&str] = &["src/i18n.rs", "src/i18n/"];

/// Files whose words are still to move into the catalogue, one per line; remove a file's
/// line when its words are in the catalogue.
const TO_MIGRATE: &[&str] = &[];

/// Lines allowed outside the catalogue, each with its reason: (file, top-level function or
/// item, why). Keep this short.
const ALLOWED: &[(&str, &str, &str)] = &[
    // `Lang` and `Text` are the language mechanism itself: a form file's labels in both
    // languages, and the code of a language.
    (
        "src/forms/schema.rs",
        "impl Text",
        "a form file's bilingual label",
    ),
    ("src/forms/schema.rs", "impl Lang", "the language's code"),
    // A spreadsheet's layout is its format, not a message: the header names and sheet
    // names an import recognises, and the template workbook, written in Chinese for the
    // village staff who fill it (DESIGN: sheet 村, row 1 labels) whatever the run's
    // language.
    (
        "src/sheets/cells.rs",
        "pub const VILLAGE_CODE_LABEL",
        "a header the import reads",
    ),
    (
        "src/sheets/cells.rs",
        "pub const INFO_COLUMNS",
        "headers the import reads",
    ),
    (
        "src/sheets/cells.rs",
        "pub fn resolve_header",
        "a header the import reads",
    ),
    (
        "src/sheets/workbook.rs",
        "pub const VILLAGE_SHEET",
        "a sheet name the import reads",
    ),
    (
        "src/sheets/workbook.rs",
        "pub const HELP_SHEET",
        "the template's sheet name",
    ),
    (
        "src/sheets/workbook.rs",
        "pub const LISTS_SHEET",
        "the template's sheet name",
    ),
    (
        "src/sheets/workbook.rs",
        "pub fn group_sheet_name",
        "a sheet name the import reads",
    ),
    (
        "src/sheets/workbook.rs",
        "fn choice_labels",
        "the template's drop-down lists",
    ),
    (
        "src/sheets/workbook.rs",
        "fn validation",
        "the template's cell checks, in Excel",
    ),
    (
        "src/sheets/workbook.rs",
        "fn write_value",
        "a yes/no or choice cell's value",
    ),
    (
        "src/sheets/workbook.rs",
        "fn help_sheet",
        "the template's instructions sheet",
    ),
    (
        "src/sheets/workbook.rs",
        "pub fn records_workbook",
        "the template's cell checks",
    ),
];

fn rust_files(root: &Path, rel: &str, out: &mut Vec<PathBuf>) {
    let p = root.join(rel);
    if p.is_file() {
        out.push(p);
    } else if let Ok(entries) = std::fs::read_dir(&p) {
        let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.sort();
        for e in entries {
            let rel = e.strip_prefix(root).unwrap().to_string_lossy().to_string();
            if e.is_dir() || e.extension().is_some_and(|x| x == "rs") {
                rust_files(root, &rel, out);
            }
        }
    }
}

fn is_chinese(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
        || ('\u{3000}'..='\u{303f}').contains(&c)
        || ('\u{ff00}'..='\u{ffef}').contains(&c)
}

/// String literals of a line that hold Chinese (comments skipped; raw strings are not used
/// for messages here).
fn chinese_literal(line: &str) -> bool {
    let code = match line.find("//") {
        // A `//` inside a string literal is rare in this code; good enough for a guard.
        Some(i) if !line[..i].contains('"') => &line[..i],
        _ => line,
    };
    let mut in_str = false;
    let mut escaped = false;
    for c in code.chars() {
        if in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            } else if is_chinese(c) {
                return true;
            }
        } else if c == '"' {
            in_str = true;
        }
    }
    false
}

/// Offending lines of a file: (line number, text).
fn offences(root: &Path, file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let rel = file
        .strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    let mut item = String::new();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("#[cfg(test)]") {
            break;
        }
        if !line.starts_with([' ', '}', ')', ']']) && !line.trim().is_empty() {
            let head = line.split(['(', '<', '{']).next().unwrap_or(line).trim();
            if !head.starts_with("//") && !head.starts_with('#') {
                item = head.to_string();
            }
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        if !(line.contains("Lang::Zh =>") || chinese_literal(line)) {
            continue;
        }
        if ALLOWED
            .iter()
            .any(|(f, it, _)| *f == rel && item.starts_with(it))
        {
            continue;
        }
        out.push(format!("{rel}:{}: [{item}] {}", i + 1, line.trim()));
    }
    out
}

#[test]
fn no_language_arms_or_chinese_literals_outside_the_catalogue() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    rust_files(root, "src", &mut all);
    let rel = |f: &PathBuf| {
        f.strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/")
    };
    let files: Vec<PathBuf> = all
        .into_iter()
        .filter(|f| {
            let r = rel(f);
            !CATALOGUE.iter().any(|c| r.starts_with(c))
                && !r.ends_with("tests.rs")
                && !TO_MIGRATE.contains(&r.as_str())
        })
        .collect();
    assert!(files.len() > 50, "the scan found the source files");
    let found: Vec<String> = files.iter().flat_map(|f| offences(root, f)).collect();
    assert!(
        found.is_empty(),
        "move these messages into the catalogue, src/i18n.rs or src/i18n/ (a `catalogue!` entry with zh and en):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scan_catches_what_it_looks_for() {
    assert!(chinese_literal(r#"    bail!("没有这个村");"#));
    assert!(chinese_literal(r#"    let s = format!("{x}：{y}");"#));
    assert!(!chinese_literal(r#"    let s = "plain"; // 注释"#));
    assert!(!chinese_literal(r#"    /// 说明"#));
    let t = tempfile::tempdir().unwrap();
    let f = t.path().join("x.rs");
    std::fs::write(
        &f,
        "fn a(lang: Lang) -> &str {\n    match lang {\n        Lang::Zh => \"x\",\n    }\n}\n#[cfg(test)]\nmod tests { const S: &str = \"村\"; }\n",
    )
    .unwrap();
    let found = offences(t.path(), &f);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("x.rs:3: [fn a]"), "{found:?}");
}

#[test]
fn every_file_still_to_migrate_exists_and_still_has_words_to_move() {
    // A stale entry would hide a file from the scan: once its words are moved, the line goes.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for rel in TO_MIGRATE {
        let f = root.join(rel);
        assert!(
            f.is_file(),
            "{rel} is listed in TO_MIGRATE but does not exist"
        );
        assert!(
            !offences(root, &f).is_empty(),
            "{rel} has no words left outside the catalogue: remove it from TO_MIGRATE"
        );
    }
}
