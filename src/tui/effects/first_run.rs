//! The first-run screen's effect: demo data, made in a data directory of its own (never
//! the one the user works in), marked as demo data before the first record goes in.

use crate::forms::Lang;
use crate::i18n::tui_county as words;
use crate::tui::effects::Effects;
use std::path::{Path, PathBuf};

use crate::tui::effects::demo::DemoHook;

impl Effects {
    /// Demo data into `dir`, which must be empty or hold demo data alone; this
    /// installation's own directory is refused.
    pub(crate) fn load_demo(
        &mut self,
        hook: DemoHook,
        dir: &str,
        under: &str,
        round: &str,
        lang: Lang,
    ) -> Result<usize, String> {
        let here = self.store.path().parent().map(Path::to_path_buf);
        let there = PathBuf::from(dir);
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => a == b,
        };
        if here.as_deref().is_some_and(|h| same(h, &there)) {
            return Err(words::demo_into_own_dir(lang));
        }
        let run = || -> anyhow::Result<Result<usize, String>> {
            let mut store = crate::context::open_store(&there, &self.forms)?;
            if !store.is_demo()? && store.holds_data()? {
                return Ok(Err(words::demo_dir_holds_real_data(
                    lang,
                    &crate::tui::text::clean(dir),
                )));
            }
            // Marked before the first record goes in: no demo record is ever unmarked.
            store.mark_demo()?;
            Ok(Ok(hook(&mut store, &self.forms, under, round)?))
        };
        match run() {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!("demo data into {dir}: {e:#}");
                Err(words::demo_error(lang, &format!("{e:#}")))
            }
        }
    }
}
