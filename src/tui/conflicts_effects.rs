//! The conflicts screen's effects (part of `effects`, the only code of the TUI that
//! touches the store): list the round's open conflicts, load every candidate of one with
//! the form it was filled with, and record the version a person keeps.

use super::app::Msg;
use super::conflicts::{Choice, ConflictsCmd, ConflictsMsg, OpenedConflict, Version};
use super::effects::Effects;
use super::text::tr;
use crate::forms::Lang;

impl Effects {
    pub(super) fn run_conflicts(
        &mut self,
        cmd: ConflictsCmd,
        lang: Lang,
    ) -> anyhow::Result<Vec<Msg>> {
        let mut out = Vec::new();
        match cmd {
            ConflictsCmd::Load { round } => {
                let list = self.store.conflict_details(Some(&round))?;
                out.push(Msg::Conflicts(ConflictsMsg::Loaded { round, list }));
            }
            ConflictsCmd::Open {
                form_id,
                village,
                round,
            } => match self.open_conflict(&form_id, &village, &round)? {
                Some(o) => out.push(Msg::Conflicts(ConflictsMsg::Opened(Box::new(o)))),
                None => {
                    out.push(Msg::Notice(super::app::Notice::info(tr(
                        lang,
                        "这个冲突已经解决了",
                        "This conflict has been resolved already",
                    ))));
                    let list = self.store.conflict_details(Some(&round))?;
                    out.push(Msg::Conflicts(ConflictsMsg::Loaded { round, list }));
                }
            },
            ConflictsCmd::Resolve(choice) => out.push(self.resolve_conflict(choice)?),
        }
        Ok(out)
    }

    /// One open conflict with the content of each candidate; `None` when it is no
    /// longer open.
    pub fn open_conflict(
        &mut self,
        form_id: &str,
        village: &str,
        round: &str,
    ) -> anyhow::Result<Option<OpenedConflict>> {
        let Some(detail) = self
            .store
            .conflict_details(Some(round))?
            .into_iter()
            .find(|c| c.form_id == form_id && c.village_code == village)
        else {
            return Ok(None);
        };
        let mut versions = Vec::with_capacity(detail.candidates.len());
        for c in &detail.candidates {
            let rev = self
                .store
                .revision(&c.record_id, c.rev, &c.hash)?
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "revision {} {} of record {} is missing",
                        c.rev,
                        c.hash,
                        c.record_id
                    )
                })?;
            let form = self.store.form_version(form_id, c.form_version)?;
            versions.push(Version {
                candidate: c.clone(),
                form,
                data: rev.data,
            });
        }
        Ok(Some(OpenedConflict { detail, versions }))
    }

    /// Record the choice (a fork resolution and/or a duplicate resolution, under the
    /// surveyor's name) and say whether the village still awaits a decision.
    pub fn resolve_conflict(&mut self, c: Choice) -> anyhow::Result<Msg> {
        for kind in &c.kinds {
            self.store
                .resolve(kind, &c.record_id, c.rev, &c.hash, &self.who)?;
            tracing::info!(
                "resolved {kind} of {} round {}: record {} rev {} hash {}",
                c.village,
                c.round,
                c.record_id,
                c.rev,
                c.hash
            );
        }
        let still_open = self
            .store
            .open_conflicts(Some(&c.round))?
            .iter()
            .any(|x| x.form_id == c.form_id && x.village_code == c.village);
        Ok(Msg::Conflicts(ConflictsMsg::Resolved {
            form_id: c.form_id,
            village: c.village,
            round: c.round,
            still_open,
        }))
    }
}
