//! The demo generator and where its data goes, apart from `effects::first_run` (which
//! extends `Effects`) so that the effects' startup can read them without an import circle.

use crate::forms::FormSet;
use crate::store::Store;
use std::path::{Path, PathBuf};

/// Fills a data directory with demo records under a unit for a round; returns how many.
pub type DemoHook = fn(&mut Store, &FormSet, &str, &str) -> anyhow::Result<usize>;

/// The demo generator, when this build has one. The first-run screen offers demo data
/// only when this is set; `Cmd::LoadDemo` answers "not available" otherwise.
pub const DEMO_HOOK: Option<DemoHook> = Some(load_demo);

/// Where the first run offers demo data for the data directory `data_dir`: a sibling
/// named after it (`…/ruralenv` → `…/ruralenv-demo`), opened with `--data-dir`.
pub fn demo_dir(data_dir: &Path) -> PathBuf {
    match data_dir.file_name() {
        Some(name) => {
            let mut n = name.to_os_string();
            n.push("-demo");
            data_dir.with_file_name(n)
        }
        None => data_dir.join("ruralenv-demo"),
    }
}

/// Demo records for every in-scope village under `under` (seed 1: the same data each time,
/// so loading twice adds nothing).
fn load_demo(
    store: &mut Store,
    forms: &FormSet,
    under: &str,
    round: &str,
) -> anyhow::Result<usize> {
    let Some(unit) = store.division(under)? else {
        anyhow::bail!("{under}: no such unit in the register");
    };
    let form = forms.village_form().clone();
    let summary = crate::demo::generate(store, &form, &unit, round, 1, &mut |_, _| {})?;
    Ok(summary.records as usize)
}
