//! `key show` and `trust add|list|remove`.

use super::{Env, division_arg};
use crate::bundle::keys::{InstallationKey, fingerprint, parse_public_key};
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
fn resolve_key(env: &Env, text: &str) -> anyhow::Result<String> {
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
        bail!(
            "no trusted key has the fingerprint {text}. A new key must be added by its full public key (the first line of `ruralenv key show` on the sender's machine)"
        );
    }
    bail!(
        "'{}' is neither a public key (64 hex characters) nor a fingerprint (25 digits)",
        sanitize_for_terminal(text)
    )
}

pub fn add(env: &Env, key: &str, scope: &str, name: Option<&str>) -> anyhow::Result<()> {
    let mut store = env.open_store()?;
    let public = resolve_key(env, key)?;
    let unit = division_arg(&store, scope)?;
    let name = name.unwrap_or(&unit.name);
    if has_control_chars(name) {
        bail!(
            "--name contains control or invisible formatting characters (such as a \
             right-to-left override); type the name again without them"
        );
    }
    store.trust_key(&public, name, &unit.code)?;
    let bytes = parse_public_key(&public)?;
    println!(
        "trusted {} ({}) for {} {}",
        fingerprint(&bytes),
        sanitize_for_terminal(name),
        unit.code,
        sanitize_for_terminal(&unit.name)
    );
    Ok(())
}

pub fn list(env: &Env) -> anyhow::Result<()> {
    let store = env.open_store()?;
    for k in store.trusted_keys()? {
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
    let public = resolve_key(env, key)?;
    let mut store = env.open_store()?;
    if !store.untrust_key(&public)? {
        bail!("that key is not trusted here (see `ruralenv trust list`)");
    }
    println!("removed {public}");
    Ok(())
}
