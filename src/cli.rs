//! The command line (a contract: DESIGN.md "Command line"): definitions, and the command
//! with its `--help` words from the catalogue in the run's language (`command`). Comments
//! on the definitions are for developers; what `--help` says is in `i18n::cli_help`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "ruralenv", version)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone)]
pub struct Global {
    // Where the database and keys live [default: the platform data directory]
    #[arg(long, global = true, env = "RURALENV_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    // A customized forms directory (forms, targets, thresholds, divisions)
    #[arg(long, global = true, value_name = "DIR")]
    pub forms: Option<PathBuf>,
    // Language of the UI and of human-readable output
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    // The surveyor's name (skips the first-run question)
    #[arg(long, global = true, env = "RURALENV_SURVEYOR", value_name = "NAME")]
    pub surveyor: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LangArg {
    Zh,
    En,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    // Open the TUI on a village's form for a round (at a field)
    Edit {
        village_code: String,
        #[arg(long)]
        round: String,
        #[arg(long)]
        field: Option<String>,
    },
    // Check form and target files; list the installed form versions
    Forms {
        #[command(subcommand)]
        command: FormsCommand,
    },
    // Print `code<TAB>name` lines of the division register
    Divisions {
        #[arg(long, value_name = "CODE")]
        under: Option<String>,
        #[arg(long, value_enum)]
        level: Option<LevelArg>,
        #[arg(long)]
        in_scope: bool,
    },
    // Bulk-load, export and show records
    Records {
        #[command(subcommand)]
        command: RecordsCommand,
    },
    // This installation's signing key
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    // Keys whose bundles this installation accepts
    Trust {
        #[command(subcommand)]
        command: TrustCommand,
    },
    // Write a signed bundle of the records under a unit
    Export {
        #[arg(long, value_name = "CODE")]
        under: String,
        #[arg(long)]
        round: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    // Verify and merge bundles; print what changed
    Import {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    // Forks and duplicates awaiting a person
    Conflicts {
        #[arg(long)]
        round: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
    // Roll the round up against the targets
    Report {
        #[arg(long)]
        round: String,
        #[arg(long, value_name = "CODE")]
        under: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        // List units down to this level (villages too with `village`)
        #[arg(long, value_enum)]
        level: Option<LevelArg>,
    },
    // Approve or return a village's counted record (bound to the revision judged)
    Review {
        #[command(subcommand)]
        command: ReviewCommand,
    },
    // Fill the data dir with realistic synthetic records
    Demo {
        #[arg(long, value_name = "CODE")]
        under: String,
        #[arg(long)]
        round: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        // Another register CSV (e.g. henan-divisions.csv)
        #[arg(long, value_name = "FILE")]
        register: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum FormsCommand {
    // Validate form and target files; exit 1 with file, line and field on error
    Check { dir: Option<PathBuf> },
    // Installed form versions and the one in use (`--forms DIR` installs them)
    List,
}

#[derive(Debug, Subcommand)]
pub enum RecordsCommand {
    // Bulk-load finalized records from CSV (UTF-8 or GB18030)
    ImportCsv {
        file: PathBuf,
        #[arg(long)]
        round: String,
        // A repeat group's rows from their own file, e.g. farms=farms.csv
        #[arg(long = "group", value_name = "NAME=FILE")]
        groups: Vec<String>,
    },
    // Write the current records as CSV (UTF-8 with BOM); groups go beside --out
    ExportCsv {
        #[arg(long)]
        round: String,
        #[arg(long, value_name = "CODE")]
        under: Option<String>,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        // Headers and choices: field names and codes (the default, what scripts read) or
        // the form's Chinese labels with village and township names
        #[arg(long, value_enum, default_value = "names")]
        labels: CsvLabels,
    },
    // A workbook to fill: sheet 村 (labels, field names, one row per village in scope),
    // a sheet per repeat group (养殖场), and 说明
    Template {
        #[arg(long, value_name = "CODE")]
        under: String,
        #[arg(long)]
        round: String,
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
    },
    // Bulk-load finalized records from a workbook in the template's layout
    ImportXlsx {
        file: PathBuf,
        #[arg(long)]
        round: String,
    },
    // The template's layout filled with the current records
    ExportXlsx {
        #[arg(long)]
        round: String,
        #[arg(long, value_name = "CODE")]
        under: Option<String>,
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
    },
    // The current record(s) of a village, drafts included
    Show {
        village_code: String,
        #[arg(long)]
        round: String,
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    // Approve the counted revision of a village's record
    Approve {
        village_code: String,
        #[arg(long)]
        round: String,
    },
    // Return it to the surveyor with a comment; it stops counting until finalized again
    Return {
        village_code: String,
        #[arg(long)]
        round: String,
        #[arg(long, value_name = "TEXT")]
        comment: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    // Public key on the first line, then its fingerprint
    Show,
}

#[derive(Debug, Subcommand)]
pub enum TrustCommand {
    // Accept bundles signed by KEY for villages under CODE
    Add {
        key: String,
        #[arg(long, value_name = "CODE")]
        scope: String,
        #[arg(long, value_name = "TEXT")]
        name: Option<String>,
    },
    List,
    Remove {
        key: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LevelArg {
    Province,
    City,
    County,
    Township,
    Village,
}

/// What `records export-csv` writes in headers and choice cells.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum CsvLabels {
    // Field names, choice codes, yes/no
    Names,
    // The form's Chinese labels, 是/否, plus village and township names
    Zh,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Table,
    Json,
    Csv,
    Xlsx,
}

impl LevelArg {
    pub fn level(self) -> crate::register::Level {
        use crate::register::Level;
        match self {
            LevelArg::Province => Level::Province,
            LevelArg::City => Level::City,
            LevelArg::County => Level::County,
            LevelArg::Township => Level::Township,
            LevelArg::Village => Level::Village,
        }
    }
}

impl LangArg {
    pub fn lang(self) -> crate::forms::Lang {
        match self {
            LangArg::Zh => crate::forms::Lang::Zh,
            LangArg::En => crate::forms::Lang::En,
        }
    }
}

/// The language asked for on this command line (`--lang en`, `--lang=en`; the last one
/// wins), read before parsing so that `--help` and usage errors speak it too.
pub fn lang_in_args<I, T>(args: I) -> crate::forms::Lang
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString>,
{
    let mut lang = crate::forms::Lang::default();
    let mut next_is_lang = false;
    for a in args.into_iter().map(Into::into) {
        let a = a.to_string_lossy().into_owned();
        if a == "--" {
            break;
        }
        let value = if next_is_lang {
            next_is_lang = false;
            Some(a.as_str())
        } else if a == "--lang" {
            next_is_lang = true;
            None
        } else {
            a.strip_prefix("--lang=")
        };
        if let Some(l) = value.and_then(crate::forms::Lang::parse) {
            lang = l;
        }
    }
    lang
}

/// The command line with its help in `lang`: every command's and option's text from the
/// catalogue, and clap's headings ("Usage", "Options", "Commands", "Arguments") too.
/// clap's own usage errors are said in the catalogue's words by `usage_error_text`.
pub fn command(lang: crate::forms::Lang) -> clap::Command {
    use clap::CommandFactory;
    let mut cmd = localize(Cli::command(), "", lang);
    cmd.build();
    localize_built(cmd, lang)
}

fn localize(mut cmd: clap::Command, path: &str, lang: crate::forms::Lang) -> clap::Command {
    use crate::i18n;
    if let Some(about) = i18n::cli_help(lang, path) {
        cmd = cmd.about(about);
    }
    if path.is_empty() {
        cmd = cmd.long_about(i18n::cli_long_about(lang));
    }
    cmd = cmd
        .help_template(i18n::cli_help_template(lang))
        .subcommand_help_heading(i18n::cli_heading_commands(lang))
        .subcommand_value_name(i18n::cli_value_command(lang));
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let key = format!("{path}/{id}");
        let help = i18n::cli_help(lang, &key);
        cmd = cmd.mut_arg(id, |a| {
            let heading = if a.is_positional() {
                i18n::cli_heading_arguments(lang)
            } else {
                i18n::cli_heading_options(lang)
            };
            let a = a.help_heading(heading);
            let a = match help {
                Some(h) => a.help(h),
                None => a,
            };
            if lang == crate::forms::Lang::Zh {
                arg_facts_in_words(a, lang)
            } else {
                a
            }
        });
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in subs {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(name, |c| localize(c, &sub_path, lang));
    }
    cmd
}

/// An option's possible values, default and environment variable, which clap writes in
/// English (`[possible values: …]`), said in the catalogue's words at the end of its help.
fn arg_facts_in_words(a: clap::Arg, lang: crate::forms::Lang) -> clap::Arg {
    use crate::i18n;
    let mut facts = Vec::new();
    if !a.is_hide_possible_values_set() {
        let values: Vec<String> = a
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !values.is_empty() && a.get_action().takes_values() {
            facts.push(i18n::cli_arg_values(
                lang,
                &values.join(i18n::list_separator(lang)),
            ));
        }
    }
    if !a.is_hide_default_value_set() && a.get_action().takes_values() {
        let defaults: Vec<String> = a
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        if !defaults.is_empty() {
            facts.push(i18n::cli_arg_default(lang, &defaults.join(" ")));
        }
    }
    if !a.is_hide_env_set()
        && let Some(env) = a.get_env()
    {
        facts.push(i18n::cli_arg_env(lang, &env.to_string_lossy()));
    }
    if facts.is_empty() {
        return a;
    }
    let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
    let text =
        i18n::cli_arg_help_with_facts(lang, &help, &facts.join(i18n::clause_separator(lang)));
    a.hide_possible_values(true)
        .hide_default_value(true)
        .hide_env(true)
        .help(text)
}

/// A usage error in the run's language: what was wrong, the suggestion, the usage line.
/// The same facts as clap's own text (`ErrorKind` and its context), in the catalogue's
/// words; `None` for a kind this has no words for (then clap's text is shown). Every value
/// from the command line is made safe for the terminal.
pub fn usage_error_text<F: clap::error::ErrorFormatter>(
    lang: crate::forms::Lang,
    e: &clap::error::Error<F>,
) -> Option<String> {
    use crate::forms::value::sanitize_for_terminal as safe;
    use crate::i18n;
    use clap::error::{ContextKind as K, ContextValue as V, ErrorKind};
    let string = |k: K| match e.get(k) {
        Some(V::String(s)) => Some(safe(s)),
        _ => None,
    };
    let strings = |k: K| match e.get(k) {
        Some(V::Strings(v)) => Some(
            v.iter()
                .map(|s| safe(s))
                .collect::<Vec<_>>()
                .join(i18n::list_separator(lang)),
        ),
        Some(V::String(s)) => Some(safe(s)),
        _ => None,
    };
    let number = |k: K| match e.get(k) {
        Some(V::Number(n)) => Some(*n),
        _ => None,
    };
    let arg = string(K::InvalidArg);
    let value = string(K::InvalidValue);
    let mut lines = Vec::new();
    let what = match e.kind() {
        ErrorKind::InvalidValue => {
            let (arg, value) = (arg?, value?);
            if let Some(values) = strings(K::ValidValue).filter(|v| !v.is_empty()) {
                lines.push(i18n::cli_err_possible_values(lang, &values));
            }
            if value.is_empty() {
                i18n::cli_err_value_missing(lang, &arg)
            } else {
                i18n::cli_err_invalid_value(lang, &arg, &value)
            }
        }
        ErrorKind::ValueValidation => {
            let (arg, value) = (arg?, value?);
            match std::error::Error::source(e) {
                Some(reason) => i18n::cli_err_invalid_value_because(
                    lang,
                    &arg,
                    &value,
                    &safe(&reason.to_string()),
                ),
                None => i18n::cli_err_invalid_value(lang, &arg, &value),
            }
        }
        ErrorKind::UnknownArgument => i18n::cli_err_unknown_argument(lang, &arg?),
        ErrorKind::InvalidSubcommand => {
            i18n::cli_err_unknown_command(lang, &string(K::InvalidSubcommand)?)
        }
        ErrorKind::MissingRequiredArgument => i18n::cli_err_missing(lang, &strings(K::InvalidArg)?),
        ErrorKind::MissingSubcommand => {
            if let Some(names) = strings(K::ValidSubcommand) {
                lines.push(i18n::cli_err_commands(lang, &names));
            }
            i18n::cli_err_missing_command(lang, &string(K::InvalidSubcommand)?)
        }
        ErrorKind::ArgumentConflict => {
            let arg = arg?;
            match e.get(K::PriorArg) {
                Some(V::String(p)) if safe(p) == arg => i18n::cli_err_given_twice(lang, &arg),
                _ => i18n::cli_err_conflict(lang, &arg, &strings(K::PriorArg)?),
            }
        }
        ErrorKind::TooManyValues => i18n::cli_err_extra_value(lang, &arg?, &value?),
        ErrorKind::WrongNumberOfValues => i18n::cli_err_value_count(
            lang,
            &arg?,
            number(K::ExpectedNumValues)?,
            number(K::ActualNumValues)?,
        ),
        ErrorKind::TooFewValues => i18n::cli_err_value_count(
            lang,
            &arg?,
            number(K::MinValues)?,
            number(K::ActualNumValues)?,
        ),
        ErrorKind::NoEquals => i18n::cli_err_no_equals(lang, &arg?),
        _ => return None,
    };
    for k in [K::SuggestedSubcommand, K::SuggestedArg, K::SuggestedValue] {
        if let Some(s) = strings(k) {
            lines.push(i18n::cli_err_did_you_mean(lang, &s));
        }
    }
    if let Some(V::StyledStr(usage)) = e.get(K::Usage) {
        // clap's usage line starts with its English heading.
        let usage = usage.to_string();
        let usage = usage.trim().trim_start_matches("Usage:").trim();
        lines.push(i18n::cli_err_usage(lang, &safe(usage)));
    }
    lines.push(i18n::cli_err_more(lang));
    Some(format!(
        "{}\n{}\n",
        i18n::cli_err_head(lang, &what),
        lines
            .iter()
            .map(|l| format!("  {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    ))
}

/// After clap built the command: the `--help` / `--version` flags and the `help`
/// subcommand it adds, in every command.
fn localize_built(mut cmd: clap::Command, lang: crate::forms::Lang) -> clap::Command {
    use crate::i18n;
    let options = i18n::cli_heading_options(lang);
    if cmd.get_arguments().any(|a| a.get_id() == "help") {
        let text = i18n::cli_flag_help(lang);
        cmd = cmd.mut_arg("help", |a| {
            a.help(text).long_help(text).help_heading(options)
        });
    }
    if cmd.get_arguments().any(|a| a.get_id() == "version") {
        cmd = cmd.mut_arg("version", |a| {
            a.help(i18n::cli_flag_version(lang)).help_heading(options)
        });
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in subs {
        cmd = cmd.mut_subcommand(&name, |c| {
            let c = if name == "help" {
                c.about(i18n::cli_help_subcommand(lang))
            } else {
                c
            };
            localize_built(c, lang)
        });
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
        command(crate::forms::Lang::Zh).debug_assert();
        command(crate::forms::Lang::En).debug_assert();
    }

    /// Every command and option has its help in the catalogue, in both languages.
    #[test]
    fn every_command_and_option_has_catalogue_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for lang in [crate::forms::Lang::Zh, crate::forms::Lang::En] {
                if crate::i18n::cli_help(lang, path).is_none() {
                    missing.push(format!("{lang:?} '{path}'"));
                }
                for a in cmd.get_arguments() {
                    let key = format!("{path}/{}", a.get_id());
                    if crate::i18n::cli_help(lang, &key).is_none() {
                        missing.push(format!("{lang:?} '{key}'"));
                    }
                }
            }
            for sub in cmd.get_subcommands() {
                let p = if path.is_empty() {
                    sub.get_name().to_string()
                } else {
                    format!("{path} {}", sub.get_name())
                };
                walk(sub, &p, missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "", &mut missing);
        assert!(missing.is_empty(), "no help text for: {missing:?}");
    }

    #[test]
    fn help_speaks_the_language_asked_for_on_the_command_line() {
        use crate::forms::Lang;
        assert_eq!(lang_in_args(["ruralenv", "report"]), Lang::Zh);
        assert_eq!(
            lang_in_args(["ruralenv", "--lang", "en", "report"]),
            Lang::En
        );
        assert_eq!(lang_in_args(["ruralenv", "report", "--lang=en"]), Lang::En);
        assert_eq!(lang_in_args(["ruralenv", "--", "--lang", "en"]), Lang::Zh);
        let zh = command(Lang::Zh).render_long_help().to_string();
        assert!(
            zh.contains("用法") && zh.contains("选项") && zh.contains("命令"),
            "{zh}"
        );
        assert!(zh.contains("显示帮助"), "{zh}");
        let mut en = command(Lang::En);
        let report = en
            .find_subcommand_mut("report")
            .unwrap()
            .render_help()
            .to_string();
        assert!(
            report.contains("Usage:") && report.contains("--round"),
            "{report}"
        );
        assert!(!report.contains("用法"), "{report}");
    }

    #[test]
    fn global_options_go_anywhere() {
        let c = Cli::try_parse_from([
            "ruralenv",
            "report",
            "--round",
            "2020",
            "--data-dir",
            "/tmp/x",
        ])
        .unwrap();
        assert_eq!(
            c.global.data_dir.as_deref(),
            Some(std::path::Path::new("/tmp/x"))
        );
    }
}
