//! `export`, `import` and `conflicts`: the command-line side of bundles.

use super::Env;
use crate::cli::ListFormat;
use std::path::{Path, PathBuf};

pub fn export(_env: &Env, _under: &str, _round: &str, _out: &Path) -> anyhow::Result<()> {
    anyhow::bail!("bundle export is not available in this build yet")
}

pub fn import(_env: &Env, _files: &[PathBuf]) -> anyhow::Result<()> {
    anyhow::bail!("bundle import is not available in this build yet")
}

pub fn conflicts(_env: &Env, _round: Option<&str>, _format: ListFormat) -> anyhow::Result<()> {
    anyhow::bail!("conflict listing is not available in this build yet")
}
