//! The trust screen's effects (part of `effects`, the only code of the TUI that touches
//! the store): read this installation's key and the trusted keys, trust and untrust.
//! A key is checked again here before it is written: nothing unparsable or outside the
//! register is ever saved.

use crate::bundle::keys::{InstallationKey, fingerprint, parse_public_key};
use crate::forms::Lang;
use crate::forms::value::has_control_chars;
use crate::tui::effects::Effects;
use crate::tui::shared::Msg;
use crate::tui::shared::trust::{OwnKey, TrustCmd, TrustData, TrustMsg, TrustedRow};
use crate::tui::text::tr;

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
                let refused = |zh: &'static str, en: &'static str| {
                    vec![Msg::Trust(TrustMsg::Refused(tr(lang, zh, en).to_string()))]
                };
                let Ok(bytes) = parse_public_key(&public_key) else {
                    return Ok(refused(
                        "这不是有效的公钥",
                        "That is not a valid public key",
                    ));
                };
                if self.store.division(&scope)?.is_none() {
                    return Ok(refused(
                        "名册中没有这个范围代码",
                        "The scope code is not in the register",
                    ));
                }
                if name.trim().is_empty() || has_control_chars(&name) {
                    return Ok(refused(
                        "名称为空或含控制字符",
                        "The name is empty or has control characters",
                    ));
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
                        tr(
                            lang,
                            "这个密钥本来就不在信任列表中",
                            "That key was not trusted here",
                        )
                        .to_string(),
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
                    format!(
                        "{}{e}",
                        tr(
                            lang,
                            "无法读取本机密钥：",
                            "Cannot read this installation's key: "
                        )
                    )
                }),
            None => Err(tr(lang, "找不到数据目录", "No data directory").to_string()),
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
