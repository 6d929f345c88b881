//! `key show` and `trust add|list|remove`.

use super::{Env, division_arg, pick};
use crate::bundle::keys::{InstallationKey, fingerprint, parse_public_key};
use crate::forms::Lang;
use crate::forms::value::{has_control_chars, sanitize_for_terminal};
use anyhow::bail;

pub fn installation_key(env: &Env) -> anyhow::Result<InstallationKey> {
    Ok(InstallationKey::load_or_create(&env.data_dir)?)
}

pub fn key_show(env: &Env) -> anyhow::Result<()> {
    let key = installation_key(env)?;
    println!("{}", key.public_hex());
    println!("{}", key.fingerprint());
    Ok(())
}

/// Find a trusted key by its hex or by its fingerprint (spaces optional).
fn resolve_key(env: &Env, text: &str, lang: Lang) -> anyhow::Result<String> {
    if let Ok(bytes) = parse_public_key(text) {
        return Ok(hex::encode(bytes));
    }
    let digits: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.len() == 25 && digits.bytes().all(|b| b.is_ascii_digit()) {
        let store = env.open_store()?;
        for k in store.trusted_keys()? {
            if let Ok(b) = parse_public_key(&k.public_key)
                && fingerprint(&b).replace(' ', "") == digits
            {
                return Ok(k.public_key);
            }
        }
        let text = sanitize_for_terminal(text);
        bail!(pick(
            lang,
            format!(
                "没有哪个已信任的密钥的指纹是 {text}。新密钥要用完整的公钥添加（发送人机器上 \
                 `ruralenv key show` 的第一行）"
            ),
            format!(
                "no trusted key has the fingerprint {text}. A new key must be added by its full \
                 public key (the first line of `ruralenv key show` on the sender's machine)"
            ),
        ));
    }
    let text = sanitize_for_terminal(text);
    bail!(pick(
        lang,
        format!("'{text}' 既不是公钥（64 个十六进制字符），也不是指纹（25 位数字）"),
        format!(
            "'{text}' is neither a public key (64 hex characters) nor a fingerprint (25 digits)"
        ),
    ))
}

pub fn add(env: &Env, key: &str, scope: &str, name: Option<&str>) -> anyhow::Result<()> {
    let mut store = env.open_store()?;
    let lang = crate::context::resolve_lang(&store, env.lang_flag)?;
    let public = resolve_key(env, key, lang)?;
    let unit = division_arg(&store, scope)?;
    let name = name.unwrap_or(&unit.name);
    if has_control_chars(name) {
        bail!(pick(
            lang,
            "--name 含有控制字符或看不见的格式字符（例如从右到左的覆盖符）；请不带这些字符重新输入名称",
            "--name contains control or invisible formatting characters (such as a \
             right-to-left override); type the name again without them",
        ));
    }
    store.trust_key(&public, name, &unit.code)?;
    let bytes = parse_public_key(&public)?;
    let fp = fingerprint(&bytes);
    let name = sanitize_for_terminal(name);
    let code = &unit.code;
    let unit_name = sanitize_for_terminal(&unit.name);
    println!(
        "{}",
        pick(
            lang,
            format!("已信任 {fp}（{name}），范围 {code} {unit_name}"),
            format!("trusted {fp} ({name}) for {code} {unit_name}"),
        )
    );
    Ok(())
}

pub fn list(env: &Env) -> anyhow::Result<()> {
    let store = env.open_store()?;
    let lang = crate::context::resolve_lang(&store, env.lang_flag)?;
    let keys = store.trusted_keys()?;
    if keys.is_empty() {
        // On stderr: the list itself (stdout) stays one key per line, tab-separated.
        eprintln!(
            "{}",
            pick(
                lang,
                "还没有信任任何密钥（用 `ruralenv trust add` 添加）",
                "no key is trusted yet (add one with `ruralenv trust add`)",
            )
        );
    }
    for k in keys {
        let fp = parse_public_key(&k.public_key)
            .map(|b| fingerprint(&b))
            .unwrap_or_default();
        println!(
            "{}\t{}\t{}\t{}",
            sanitize_for_terminal(&k.public_key),
            fp,
            sanitize_for_terminal(&k.scope),
            sanitize_for_terminal(&k.name)
        );
    }
    Ok(())
}

pub fn remove(env: &Env, key: &str) -> anyhow::Result<()> {
    let mut store = env.open_store()?;
    let lang = crate::context::resolve_lang(&store, env.lang_flag)?;
    let public = resolve_key(env, key, lang)?;
    if !store.untrust_key(&public)? {
        bail!(pick(
            lang,
            "本机没有信任这个密钥（见 `ruralenv trust list`）",
            "that key is not trusted here (see `ruralenv trust list`)",
        ));
    }
    println!(
        "{}",
        pick(
            lang,
            format!("已移除 {public}"),
            format!("removed {public}")
        )
    );
    Ok(())
}
