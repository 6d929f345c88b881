//! What every command needs: where the data lives, the forms in force, the UI language,
//! and the store opened with the forms and register recorded in it.

use crate::forms::{FormSet, Lang, install};
use crate::i18n;
use crate::register::Register;
use crate::store::Store;
use anyhow::Context as _;
use std::path::{Path, PathBuf};

/// The platform data directory (e.g. `~/.local/share/ruralenv`), unless overridden.
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("cn", "ruralenv", "ruralenv")
        .map(|p| p.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("ruralenv-data"))
}

/// The forms in force for a data directory: `--forms DIR` is first checked and installed
/// into it ([`install_forms`]); then, with or without the flag, the newest version of each
/// form among the built-in and installed ones (`forms::install`).
pub fn load_forms(data_dir: &Path, install: Option<&Path>, lang: Lang) -> anyhow::Result<FormSet> {
    install_forms(data_dir, install, lang)?;
    install::in_force(data_dir)
        .map(|(set, _)| set)
        .map_err(|e| anyhow::anyhow!(i18n::form_checks::install_error(lang, &e)))
}

/// `--forms DIR`: check DIR and install it into the data directory, saying so on stderr
/// when something new was installed. Invalid forms are refused with every mistake listed,
/// and nothing is installed.
pub fn install_forms(data_dir: &Path, install: Option<&Path>, lang: Lang) -> anyhow::Result<()> {
    let Some(dir) = install else {
        return Ok(());
    };
    let outcome = install::install(data_dir, dir)
        .map_err(|e| anyhow::anyhow!(i18n::form_checks::install_error(lang, &e)))?;
    if let install::Outcome::Installed(item) = outcome {
        let forms: Vec<String> = item
            .forms
            .iter()
            .map(|f| format!("{}@{}", f.id, f.version))
            .collect();
        eprintln!(
            "{}",
            i18n::forms_installed(
                lang,
                item.number,
                &crate::termsafe::path(dir),
                &crate::termsafe::escape(&forms.join(", "))
            )
        );
    }
    Ok(())
}

/// Open the store, record the form versions in force, and load the register on first
/// run (or again when the register files changed, e.g. a county edited the scope).
///
/// A database that cannot be written (a read-only data directory) is used as it is: the
/// forms and register already recorded in it stand, and only commands that read work.
pub fn open_store(data_dir: &Path, forms: &FormSet) -> anyhow::Result<Store> {
    open_store_in(data_dir, forms, Lang::default())
}

/// [`open_store`] with its own messages in `lang`.
pub fn open_store_in(data_dir: &Path, forms: &FormSet, lang: Lang) -> anyhow::Result<Store> {
    // A new data directory gets its signing key before its database: a key missing later
    // is then a lost key, refused rather than silently replaced (`bundle::keys`).
    if !data_dir.join(crate::store::DB_FILE).exists() {
        crate::bundle::keys::InstallationKey::load_or_create(data_dir)?;
    }
    let mut store = Store::open(data_dir)?;
    if store.is_read_only() {
        return Ok(store);
    }
    for f in &forms.forms {
        store
            .ensure_form(f)
            .with_context(|| i18n::forms_from(lang, &crate::termsafe::escape(&forms.origin)))?;
    }
    // The rounds in force travel with the store, for imports to check bundles against.
    let rounds = serde_json::to_string(&forms.rounds)?;
    if store.setting("rounds")?.as_deref() != Some(rounds.as_str()) {
        store.set_setting("rounds", &rounds)?;
    }
    let mut text = String::new();
    for (name, body) in &forms.registers {
        text.push_str(name);
        text.push_str(body);
    }
    let hash = crate::store::sha256_hex(text.as_bytes());
    if store.setting("register_hash")?.as_deref() != Some(hash.as_str()) {
        for (name, body) in &forms.registers {
            let reg = Register::parse(name, body).map_err(|e| {
                let message = e.message(lang);
                anyhow::anyhow!(crate::forms::value::sanitize_for_terminal(&message))
            })?;
            store.load_register(&reg)?;
        }
        store.set_setting("register_hash", &hash)?;
    }
    Ok(store)
}

/// The person logged in to the computer (Linux `USER`/`LOGNAME`, Windows `USERNAME`), for
/// the "who" of a change when no name was given.
pub fn os_user() -> Option<String> {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.trim().is_empty())
}

/// Who acts when no name was typed: `given` (`--surveyor`, the stored name), else the OS
/// user, else the installation's own name ([`installation_name`]). Never "unknown": a
/// township clerk or the county is asked no name at the first run, and their reviews
/// and merges must still say which installation made them.
pub fn acting_name(given: Option<String>, os: Option<String>, store: &Store) -> String {
    given
        .filter(|w| !w.trim().is_empty())
        .or(os.filter(|w| !w.trim().is_empty()))
        .unwrap_or_else(|| installation_name(store))
}

/// This installation's name for the "who" of what it records when nobody gave a name:
/// its role as chosen at the first run (`surveyor`, `township`, `county`; `ruralenv`
/// before one is chosen) and the first two groups of its signing key's fingerprint, as
/// `ruralenv key show` and an importer's `trust list` print it: "township 04711 52233".
pub fn installation_name(store: &Store) -> String {
    let role = store
        .setting("role")
        .ok()
        .flatten()
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "ruralenv".to_string());
    // The key's public half, written beside the key when it was made (read only: this
    // never makes a key).
    let fingerprint = store
        .path()
        .parent()
        .and_then(|dir| {
            std::fs::read_to_string(dir.join(crate::bundle::keys::KEY_ID_FILE_NAME)).ok()
        })
        .and_then(|hex| crate::bundle::keys::parse_public_key(&hex).ok())
        .map(|public| crate::bundle::keys::fingerprint(&public));
    match fingerprint {
        Some(fp) => {
            let short: Vec<&str> = fp.split(' ').take(2).collect();
            format!("{role} {}", short.join(" "))
        }
        None => role,
    }
}

/// The UI language: `--lang` if given (for this run only), else the one chosen in the TUI
/// (its language key saves it), else zh.
pub fn resolve_lang(store: &Store, flag: Option<Lang>) -> anyhow::Result<Lang> {
    if let Some(l) = flag {
        return Ok(l);
    }
    Ok(store
        .setting("lang")?
        .and_then(|s| Lang::parse(&s))
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_key(role: Option<&str>) -> (tempfile::TempDir, Store, String) {
        let dir = tempfile::tempdir().unwrap();
        let key = crate::bundle::keys::InstallationKey::load_or_create(dir.path()).unwrap();
        let store = Store::open(dir.path()).unwrap();
        if let Some(r) = role {
            store.set_setting("role", r).unwrap();
        }
        (dir, store, key.fingerprint())
    }

    #[test]
    fn a_clerk_without_a_name_acts_under_the_installations_role_and_key() {
        for role in ["township", "county"] {
            let (_dir, store, fp) = store_with_key(Some(role));
            let groups: Vec<&str> = fp.split(' ').collect();
            let want = format!("{role} {} {}", groups[0], groups[1]);
            assert_eq!(installation_name(&store), want);
            // No name given and no OS user (or a blank one): the installation's name.
            assert_eq!(acting_name(None, None, &store), want);
            assert_eq!(acting_name(Some(" ".into()), Some("".into()), &store), want);
            assert_ne!(acting_name(None, None, &store), "unknown");
        }
    }

    #[test]
    fn a_given_name_or_the_os_user_comes_first() {
        let (_dir, store, _) = store_with_key(Some("township"));
        assert_eq!(
            acting_name(Some("李四".into()), Some("li".into()), &store),
            "李四"
        );
        assert_eq!(acting_name(None, Some("li".into()), &store), "li");
    }

    #[test]
    fn without_a_role_or_a_key_file_the_name_says_ruralenv() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(installation_name(&store), "ruralenv");
        let (_dir, store, fp) = store_with_key(None);
        assert!(installation_name(&store).starts_with("ruralenv "), "{fp}");
    }
}
