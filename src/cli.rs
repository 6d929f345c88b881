//! The command line (a contract: DESIGN.md "Command line"). Definitions only.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "ruralenv",
    version,
    about = "Offline county-level rural living-environment surveys (农村人居环境整治调查)",
    long_about = "Offline county-level rural living-environment surveys.\n\
                  Run with no command to open the terminal UI (Chinese by default, --lang en for English)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone)]
pub struct Global {
    /// Where the database and keys live [default: the platform data directory]
    #[arg(long, global = true, env = "RURALENV_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// A customized forms directory (forms, targets, thresholds, divisions)
    #[arg(long, global = true, value_name = "DIR")]
    pub forms: Option<PathBuf>,
    /// Language of the UI and of human-readable output
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    /// The surveyor's name (skips the first-run question)
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
    /// Open the TUI on a village's form for a round (at a field)
    Edit {
        village_code: String,
        #[arg(long)]
        round: String,
        #[arg(long)]
        field: Option<String>,
    },
    /// Check form and target files; list the installed form versions
    Forms {
        #[command(subcommand)]
        command: FormsCommand,
    },
    /// Print `code<TAB>name` lines of the division register
    Divisions {
        #[arg(long, value_name = "CODE")]
        under: Option<String>,
        #[arg(long, value_enum)]
        level: Option<LevelArg>,
        #[arg(long)]
        in_scope: bool,
    },
    /// Bulk-load, export and show records
    Records {
        #[command(subcommand)]
        command: RecordsCommand,
    },
    /// This installation's signing key
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Keys whose bundles this installation accepts
    Trust {
        #[command(subcommand)]
        command: TrustCommand,
    },
    /// Write a signed bundle of the records under a unit
    Export {
        #[arg(long, value_name = "CODE")]
        under: String,
        #[arg(long)]
        round: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Verify and merge bundles; print what changed
    Import {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Forks and duplicates awaiting a person
    Conflicts {
        #[arg(long)]
        round: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
    /// Roll the round up against the targets
    Report {
        #[arg(long)]
        round: String,
        #[arg(long, value_name = "CODE")]
        under: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// List units down to this level (villages too with `village`)
        #[arg(long, value_enum)]
        level: Option<LevelArg>,
    },
    /// Approve or return a village's counted record (bound to the revision judged)
    Review {
        #[command(subcommand)]
        command: ReviewCommand,
    },
    /// Fill the data dir with realistic synthetic records
    Demo {
        #[arg(long, value_name = "CODE")]
        under: String,
        #[arg(long)]
        round: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Another register CSV (e.g. henan-divisions.csv)
        #[arg(long, value_name = "FILE")]
        register: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum FormsCommand {
    /// Validate form and target files; exit 1 with file, line and field on error
    Check { dir: Option<PathBuf> },
    /// Installed form versions and the one in use (`--forms DIR` installs them)
    List,
}

#[derive(Debug, Subcommand)]
pub enum RecordsCommand {
    /// Bulk-load finalized records from CSV (UTF-8 or GB18030)
    ImportCsv {
        file: PathBuf,
        #[arg(long)]
        round: String,
        /// A repeat group's rows from their own file, e.g. farms=farms.csv
        #[arg(long = "group", value_name = "NAME=FILE")]
        groups: Vec<String>,
    },
    /// Write the current records as CSV (UTF-8 with BOM); groups go beside --out
    ExportCsv {
        #[arg(long)]
        round: String,
        #[arg(long, value_name = "CODE")]
        under: Option<String>,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Headers and choices: field names and codes (the default, what scripts read) or
        /// the form's Chinese labels with village and township names
        #[arg(long, value_enum, default_value = "names")]
        labels: CsvLabels,
    },
    /// A workbook to fill: sheet 村 (labels, field names, one row per village in scope),
    /// a sheet per repeat group (养殖场), and 说明
    Template {
        #[arg(long, value_name = "CODE")]
        under: String,
        #[arg(long)]
        round: String,
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
    },
    /// Bulk-load finalized records from a workbook in the template's layout
    ImportXlsx {
        file: PathBuf,
        #[arg(long)]
        round: String,
    },
    /// The template's layout filled with the current records
    ExportXlsx {
        #[arg(long)]
        round: String,
        #[arg(long, value_name = "CODE")]
        under: Option<String>,
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
    },
    /// The current record(s) of a village, drafts included
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
    /// Approve the counted revision of a village's record
    Approve {
        village_code: String,
        #[arg(long)]
        round: String,
    },
    /// Return it to the surveyor with a comment; it stops counting until finalized again
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
    /// Public key on the first line, then its fingerprint
    Show,
}

#[derive(Debug, Subcommand)]
pub enum TrustCommand {
    /// Accept bundles signed by KEY for villages under CODE
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
    /// Field names, choice codes, yes/no
    Names,
    /// The form's Chinese labels, 是/否, plus village and township names
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
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
