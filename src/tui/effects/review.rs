//! The review screen's effect: a township's finalized records for a round.

use crate::register::Level;
use crate::store::{RecordStatus, ReviewAction};
use crate::tui::effects::Effects;
use crate::tui::shared::{Msg, ReviewRow};

impl Effects {
    /// Finalized records of a township's villages, for review.
    pub(crate) fn review_rows(&mut self, township: &str, round: &str) -> anyhow::Result<Msg> {
        let form_id = self.forms.village_form().id.clone();
        let t = self
            .store
            .division(township)?
            .ok_or_else(|| anyhow::anyhow!("{township}: not in the register"))?;
        let statuses = self.store.village_statuses(&form_id, round)?;
        let villages = self
            .store
            .divisions_under(Some(&t), Some(Level::Village), false)?;
        let mut rows = Vec::new();
        for v in villages {
            let st = statuses
                .get(&v.code)
                .copied()
                .unwrap_or(RecordStatus::NotStarted);
            if st == RecordStatus::NotStarted {
                continue;
            }
            let recs = self.store.records_of(&form_id, &v.code, round)?;
            let Some(r) = recs
                .iter()
                .find(|r| r.counts)
                .or_else(|| recs.iter().find(|r| r.latest.is_some()))
            else {
                continue;
            };
            let Some((rev, hash, _, at, by)) = r.latest.clone() else {
                continue;
            };
            // A village being revised (a draft over its finalized revision) is reviewed as
            // that revision stands: approved, returned or finalized.
            let st = match st {
                RecordStatus::Draft => match self.store.last_review(&r.record_id, rev, &hash)? {
                    Some(x) if x.action == ReviewAction::Approve => RecordStatus::Approved,
                    Some(_) => RecordStatus::Returned,
                    None => RecordStatus::Finalized,
                },
                st => st,
            };
            rows.push(ReviewRow {
                village: v,
                record_id: r.record_id.clone(),
                rev,
                status: st,
                finalized_at: at,
                finalized_by: by,
                comment: r.return_comment.clone(),
            });
        }
        Ok(Msg::ReviewLoaded { township: t, rows })
    }
}
