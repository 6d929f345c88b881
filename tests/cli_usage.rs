//! Usage errors and `--help` speak the run's language: in the Chinese default, clap's
//! English (`error:`, `[possible values: …]`, `tip:`, `For more information`) is replaced
//! by the catalogue's words with the same facts; `--lang en` keeps clap's English. Exit
//! status 2 either way.

mod cli_support;

use cli_support::{bin, run};

/// clap's English words, none of which may reach a Chinese run.
const CLAP_ENGLISH: &[&str] = &[
    "error:",
    "possible values",
    "tip:",
    "For more information",
    "Usage:",
    "[default:",
    "[env:",
    "unexpected argument",
];

fn usage_error(args: &[&str]) -> String {
    let t = tempfile::tempdir().unwrap();
    let (out, err, code) = run(bin(t.path()).args(args));
    assert_eq!(code, 2, "{args:?} exits 2\n{err}");
    assert!(out.is_empty(), "{args:?}: nothing on stdout: {out}");
    for w in CLAP_ENGLISH {
        assert!(
            !err.contains(w),
            "{args:?}: English '{w}' in a Chinese run:\n{err}"
        );
    }
    err
}

#[test]
fn a_wrong_value_names_the_option_the_value_the_choices_and_the_likely_one() {
    let e = usage_error(&["report", "--round", "2020", "--format", "xml"]);
    assert!(e.starts_with("ruralenv：命令行有误："), "{e}");
    assert!(e.contains("--format") && e.contains("“xml”无效"), "{e}");
    assert!(e.contains("可选的值：table、json、csv、xlsx"), "{e}");
    assert!(e.contains("是不是想用：xlsx"), "{e}");
}

#[test]
fn an_unknown_option_a_missing_one_and_a_repeated_one_are_said_in_chinese() {
    let e = usage_error(&["report", "--rond", "2020"]);
    assert!(e.contains("不认识“--rond”"), "{e}");
    assert!(e.contains("是不是想用：--round"), "{e}");
    assert!(e.contains("用法：ruralenv report"), "{e}");

    let e = usage_error(&["report"]);
    assert!(e.contains("缺少必须给出的：--round <ROUND>"), "{e}");

    let e = usage_error(&["report", "--round", "2020", "--round", "2021"]);
    assert!(e.contains("--round <ROUND> 只能给一次"), "{e}");

    let e = usage_error(&["frobnicate"]);
    assert!(e.contains("没有“frobnicate”这个命令"), "{e}");
}

#[test]
fn a_command_without_its_subcommand_says_so_before_the_chinese_help() {
    let e = usage_error(&["records"]);
    assert!(e.starts_with("ruralenv：命令行有误：少了命令"), "{e}");
    assert!(e.contains("import-csv"), "the help follows: {e}");
    assert!(!e.contains("英文说明"), "{e}");
}

#[test]
fn english_runs_keep_clap_s_own_text() {
    let t = tempfile::tempdir().unwrap();
    let (_, err, code) = run(bin(t.path()).args([
        "--lang", "en", "report", "--round", "2020", "--format", "xml",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'xml'"), "{err}");
    assert!(
        err.contains("[possible values: table, json, csv, xlsx]"),
        "{err}"
    );
    assert!(
        !err.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{err}"
    );
}

#[test]
fn a_value_with_a_terminal_escape_is_shown_escaped() {
    let e = usage_error(&[
        "report",
        "--round",
        "2020",
        "--format",
        "x\u{1b}]52;c;AAAA\u{7}",
    ]);
    assert!(!e.contains('\u{1b}') && !e.contains('\u{7}'), "{e:?}");
    assert!(e.contains("无效"), "{e}");
}

#[test]
fn every_command_s_chinese_help_says_choices_defaults_and_environment_in_chinese() {
    let t = tempfile::tempdir().unwrap();
    let commands: &[&[&str]] = &[
        &[],
        &["report"],
        &["demo"],
        &["records"],
        &["records", "import-csv"],
        &["records", "export-xlsx"],
        &["export"],
        &["import"],
        &["divisions"],
    ];
    for c in commands {
        let (out, err, code) = run(bin(t.path()).args(*c).arg("--help"));
        assert_eq!(code, 0, "{c:?} --help\n{err}");
        for w in CLAP_ENGLISH {
            assert!(!out.contains(w), "{c:?} --help holds '{w}':\n{out}");
        }
        assert!(out.contains("用法："), "{c:?}: {out}");
    }
    let (out, _, _) = run(bin(t.path()).args(["report", "--help"]));
    assert!(
        out.contains("［可选：table、json、csv、xlsx；默认：table］"),
        "{out}"
    );
    assert!(out.contains("环境变量 RURALENV_DATA_DIR"), "{out}");
    let (out, _, _) = run(bin(t.path()).args(["--lang", "en", "report", "--help"]));
    assert!(
        out.contains("[possible values: table, json, csv, xlsx]"),
        "{out}"
    );
}
