//! The conflicts screen's effects (part of `effects`, the only code of the TUI that
//! touches the store): list the round's open conflicts, load every candidate of one with
//! the form it was filled with, and record the version a person keeps.

use crate::forms::Lang;
use crate::tui::effects::Effects;
use crate::tui::shared::Msg;
use crate::tui::shared::conflicts::{
    Choice, ConflictsCmd, ConflictsMsg, DUPLICATE, FORK, OpenedConflict, Question, Version,
};

impl Effects {
    pub(crate) fn run_conflicts(
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
                    out.push(Msg::Notice(crate::tui::shared::Notice::info(
                        crate::i18n::tui_exchange::already_resolved(lang),
                    )));
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
        let question = self.question(&detail)?;
        let mut versions = Vec::with_capacity(detail.candidates.len());
        for c in &detail.candidates {
            if let Question::Version { record_id } = &question
                && c.record_id != *record_id
            {
                continue;
            }
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
        Ok(Some(OpenedConflict {
            detail,
            question,
            versions,
        }))
    }

    /// What is still to be decided, from the resolutions already stored (the same rule
    /// as `Store::recompute_current`): which record counts, unless a person chose one of
    /// these records; else which version of a forked record no person has chosen among.
    fn question(&self, d: &crate::store::exchange::ConflictDetail) -> anyhow::Result<Question> {
        let done = self
            .store
            .exchange_resolutions(&d.form_id, &d.village_code, &d.round)?;
        let records: std::collections::BTreeSet<&str> =
            d.candidates.iter().map(|c| c.record_id.as_str()).collect();
        let record_chosen = done
            .iter()
            .any(|r| r.kind == DUPLICATE && records.contains(r.record_id.as_str()));
        if records.len() > 1 && !record_chosen {
            return Ok(Question::Record);
        }
        for id in &records {
            let versions: Vec<_> = d.candidates.iter().filter(|c| c.record_id == *id).collect();
            if versions.len() < 2 {
                continue;
            }
            let chosen = done
                .iter()
                .any(|r| r.kind == FORK && r.record_id == *id && r.rev == versions[0].rev);
            if !chosen {
                return Ok(Question::Version {
                    record_id: id.to_string(),
                });
            }
        }
        Ok(Question::Record)
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
