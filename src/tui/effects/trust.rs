//! The trust screen's effects (part of `effects`, the only code of the TUI that touches
//! the store): read this installation's key and the trusted keys, trust and untrust.
//! A key is checked again here before it is written: nothing unparsable or outside the
//! register is ever saved.

use crate::bundle::keys::{InstallationKey, fingerprint, parse_public_key};
use crate::forms::Lang;
use crate::forms::value::has_control_chars;
use crate::i18n::tui_exchange as words;
use crate::tui::effects::Effects;
use crate::tui::shared::Msg;
use crate::tui::shared::trust::{OwnKey, TrustCmd, TrustData, TrustMsg, TrustedRow};

impl Effects {
    /// Answers with the reloaded list first, then what happened (so the cursor can go to
    /// the key just added).
    pub(crate) fn run_trust(&mut self, cmd: TrustCmd, lang: Lang) -> anyhow::Result<Vec<Msg>> {
        let mut out = Vec::new();
        match cmd {
            TrustCmd::Load => {}
            TrustCmd::Add {
                public_key,
                scope,
                name,
            } => {
                let refused = |why: fn(Lang) -> &'static str| {
                    vec![Msg::Trust(TrustMsg::Refused(why(lang).to_string()))]
                };
                let Ok(bytes) = parse_public_key(&public_key) else {
                    return Ok(refused(words::refused_invalid_key));
                };
                if self.store.division(&scope)?.is_none() {
                    return Ok(refused(words::refused_scope_unknown));
                }
                if name.trim().is_empty() || has_control_chars(&name) {
                    return Ok(refused(words::refused_bad_name));
                }
                let public = hex::encode(bytes);
                self.store.trust_key(&public, name.trim(), &scope)?;
                tracing::info!("trusted key {public} for {scope}");
                out.push(Msg::Trust(TrustMsg::Saved {
                    name: name.trim().to_string(),
                    fingerprint: fingerprint(&bytes),
                }));
            }
            TrustCmd::Remove { public_key, name } => {
                if self.store.untrust_key(&public_key)? {
                    tracing::info!("untrusted key {public_key}");
                    out.push(Msg::Trust(TrustMsg::Removed { name }));
                } else {
                    out.push(Msg::Trust(TrustMsg::Refused(
                        words::key_was_not_trusted(lang).to_string(),
                    )));
                }
            }
        }
        let data = self.trust_data(lang)?;
        out.insert(0, Msg::Trust(TrustMsg::Loaded(Box::new(data))));
        Ok(out)
    }

    /// This installation's key (created on first use, as `key show` does) and the keys
    /// trusted here.
    pub fn trust_data(&self, lang: Lang) -> anyhow::Result<TrustData> {
        // The store lives in the data directory, next to the key file.
        let own = match self.store.path().parent() {
            Some(dir) => InstallationKey::load_or_create(dir)
                .map(|k| OwnKey {
                    public_hex: k.public_hex(),
                    fingerprint: k.fingerprint(),
                })
                .map_err(|e| {
                    tracing::warn!("installation key: {e}");
                    format!("{}{e}", words::own_key_unreadable(lang))
                }),
            None => Err(words::no_data_directory(lang).to_string()),
        };
        let keys = self
            .store
            .trusted_keys()?
            .into_iter()
            .map(|k| TrustedRow {
                fingerprint: parse_public_key(&k.public_key)
                    .map(|b| fingerprint(&b))
                    .unwrap_or_default(),
                public_key: k.public_key,
                name: k.name,
                scope: k.scope,
                added_at: k.added_at,
            })
            .collect();
        Ok(TrustData { own, keys })
    }
}
