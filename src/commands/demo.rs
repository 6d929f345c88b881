//! `demo`: fill a data dir with realistic synthetic records.

use super::Env;
use std::path::Path;

pub fn demo(
    _env: &Env,
    _under: &str,
    _round: &str,
    _seed: u64,
    _register: Option<&Path>,
) -> anyhow::Result<()> {
    anyhow::bail!("the demo generator is not available in this build yet")
}
