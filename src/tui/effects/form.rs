//! The form screen's effects: open a village's record for a round (draft, counted
//! revision, or a new unsaved one), and find the record a commit goes to.

use crate::forms::Lang;
use crate::forms::record::RecordData;
use crate::forms::value::Value;
use crate::store::RecordStatus;
use crate::tui::effects::Effects;
use crate::tui::shared::Msg;
use crate::tui::shared::record::{Opened, OutOfScope, RecordRef};
use crate::tui::text::out_of_scope;

impl Effects {
    pub(crate) fn resolve(&mut self, rec: RecordRef, out: &mut Vec<Msg>) -> anyhow::Result<String> {
        match rec {
            RecordRef::Id(id) => Ok(id),
            RecordRef::New {
                village,
                round,
                initial,
            } => {
                if let Some(id) = self.created.get(&(village.clone(), round.clone())) {
                    return Ok(id.clone());
                }
                let form = self.forms.village_form().clone();
                let id = self
                    .store
                    .create_record(&form, &village, &round, &self.who, &initial)?;
                self.created
                    .insert((village.clone(), round.clone()), id.clone());
                out.push(Msg::RecordCreated {
                    village,
                    round,
                    record_id: id.clone(),
                });
                Ok(id)
            }
        }
    }

    pub(crate) fn record_key(&self, record_id: &str) -> anyhow::Result<(String, String)> {
        for ((v, r), id) in &self.created {
            if id == record_id {
                return Ok((v.clone(), r.clone()));
            }
        }
        let rev = self
            .store
            .current_revision(record_id)?
            .ok_or_else(|| anyhow::anyhow!("record {record_id} not found"))?;
        Ok((rev.village_code, rev.round))
    }

    /// Values a new record starts with: the surveyor's name, and today's date when the
    /// round is this year's (an older round's survey was not made today: it starts empty).
    fn initial(&self, round: &str) -> RecordData {
        let form = self.forms.village_form();
        let mut d = RecordData::default();
        if form.field("surveyor").is_some() && !self.who.is_empty() {
            d.set("surveyor", Value::Text(self.who.clone()));
        }
        if form.field("survey_date").is_some() && round.get(..4) == self.today.get(..4) {
            d.set("survey_date", Value::Text(self.today.clone()));
        }
        d
    }

    /// The record of a village and round to show: the draft if there is one, else the
    /// one that counts, else a new (unsaved) one.
    pub fn open(
        &mut self,
        village: &str,
        round: &str,
        field: Option<String>,
        lang: Lang,
    ) -> anyhow::Result<Opened> {
        let form_id = self.forms.village_form().id.clone();
        let d = self
            .store
            .division(village)?
            .ok_or_else(|| anyhow::anyhow!("{village}: no such village in the register"))?;
        let recs = self.store.records_of(&form_id, village, round)?;
        let pick = recs
            .iter()
            .find(|r| r.has_draft)
            .or_else(|| recs.iter().find(|r| r.counts))
            .or_else(|| recs.first());
        let Some(r) = pick else {
            if !d.in_scope {
                // `edit` or a stale screen: no new record for a unit that never counts.
                return Err(OutOfScope(out_of_scope(lang, &d.name, &d.code)).into());
            }
            return Ok(Opened {
                village: d,
                round: round.to_string(),
                record_id: None,
                form: self.forms.village_form().clone(),
                data: self.initial(round),
                read_only: false,
                status: RecordStatus::NotStarted,
                rev: None,
                return_comment: None,
                field,
            });
        };
        if r.has_draft {
            let version = r
                .draft_form_version
                .unwrap_or(self.forms.village_form().version);
            let form = self.store.form_version(&form_id, version)?;
            let data = self.store.draft_data(&r.record_id)?;
            return Ok(Opened {
                village: d,
                round: round.to_string(),
                record_id: Some(r.record_id.clone()),
                form,
                data,
                read_only: false,
                status: r.status,
                rev: r.latest.as_ref().map(|l| l.0),
                return_comment: r.return_comment.clone(),
                field,
            });
        }
        let rev = self
            .store
            .current_revision(&r.record_id)?
            .ok_or_else(|| anyhow::anyhow!("record {} has no revision", r.record_id))?;
        let form = self.store.form_version(&form_id, rev.form_version)?;
        Ok(Opened {
            village: d,
            round: round.to_string(),
            record_id: Some(r.record_id.clone()),
            form,
            data: rev.data,
            read_only: true,
            status: r.status,
            rev: Some(rev.rev),
            return_comment: r.return_comment.clone(),
            field,
        })
    }
}
