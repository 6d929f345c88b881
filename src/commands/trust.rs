//! `key show` and `trust add|list|remove`.

use super::{Env, division_arg};
use crate::bundle::keys::{InstallationKey, fingerprint, parse_public_key};
use crate::forms::Lang;
use crate::forms::value::{has_control_chars, sanitize_for_terminal};
use crate::i18n;
use anyhow::bail;

pub fn installation_key(env: &Env) -> anyhow::Result<InstallationKey> {
    Ok(InstallationKey::load_or_create(&env.data_dir)?)
}

pub fn key_show(env: &Env) -> anyhow::Result<()> {
    let key = installation_key(env)?;
    println!("{}", key.public_hex());
    println!("{}", key.fingerprint());
    // What the two lines are, for a person; scripts read stdout alone.
    eprintln!("{}", i18n::key_show_legend(env.lang()));
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
        bail!(i18n::unknown_fingerprint(lang, &text));
    }
    let text = sanitize_for_terminal(text);
    bail!(i18n::not_a_key(lang, &text))
}

pub fn add(env: &Env, key: &str, scope: &str, name: Option<&str>) -> anyhow::Result<()> {
    let mut store = env.open_store()?;
    let lang = env.lang();
    let public = resolve_key(env, key, lang)?;
    let unit = division_arg(&store, scope, env.lang())?;
    let name = name.unwrap_or(&unit.name);
    if has_control_chars(name) {
        bail!(i18n::trust_name_control_chars(lang));
    }
    store.trust_key(&public, name, &unit.code)?;
    let bytes = parse_public_key(&public)?;
    let fp = fingerprint(&bytes);
    let name = sanitize_for_terminal(name);
    let code = &unit.code;
    let unit_name = sanitize_for_terminal(&unit.name);
    println!("{}", i18n::trusted(lang, &fp, &name, code, &unit_name));
    Ok(())
}

pub fn list(env: &Env) -> anyhow::Result<()> {
    let store = env.open_store()?;
    let lang = env.lang();
    let keys = store.trusted_keys()?;
    if keys.is_empty() {
        // On stderr: the list itself (stdout) stays one key per line, tab-separated.
        eprintln!("{}", i18n::no_trusted_keys(lang));
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
    let lang = env.lang();
    let public = resolve_key(env, key, lang)?;
    if !store.untrust_key(&public)? {
        bail!(i18n::key_not_trusted(lang));
    }
    println!("{}", i18n::key_removed(lang, &public));
    Ok(())
}
