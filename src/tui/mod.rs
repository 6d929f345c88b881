//! The terminal UI: model → update(msg) → effects; view(&model) is pure.

use crate::forms::{FormSet, Lang};
use std::path::PathBuf;

/// How the TUI was asked to start.
#[derive(Debug, Clone)]
pub struct TuiOptions {
    pub data_dir: PathBuf,
    pub forms: FormSet,
    /// `--lang`, when given (remembered for next time).
    pub lang: Option<Lang>,
    /// `--surveyor` or `RURALENV_SURVEYOR`: skips the first-run question.
    pub surveyor: Option<String>,
    /// `edit VILLAGE --round R [--field NAME]`.
    pub edit: Option<EditTarget>,
}

#[derive(Debug, Clone)]
pub struct EditTarget {
    pub village: String,
    pub round: String,
    pub field: Option<String>,
}

/// Run the TUI until the user quits.
pub fn run(opts: TuiOptions) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "ruralenv needs a terminal for its screens. Without one, use the headless commands: \
             `ruralenv records import-csv`, `records show`, `report`, `export`, `import` (see `ruralenv --help`)."
        );
    }
    let _ = opts;
    anyhow::bail!(
        "the terminal UI is not built yet; use the headless commands (see `ruralenv --help`)"
    )
}
