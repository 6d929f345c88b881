//! Forms installed into a data directory (`--forms DIR`), and the forms in force.
//!
//! `--forms DIR` checks DIR like `forms check` and, when it is valid, copies its files to
//! `<data dir>/forms/NNNN/` with a manifest (`install.json`: where it came from, when, the
//! form versions in it). Nothing is installed from an invalid directory. Installs are
//! never removed: a record keeps its own form version in the database anyway, and the
//! list is what `forms list` shows.
//!
//! The forms in force, with or without the flag: for each form id the newest version among
//! the built-in forms and every installed copy (at the same version the latest install
//! wins); targets, rounds and the division register come from the latest install (or the
//! built-in files when nothing is installed). An installed copy that no longer loads is
//! refused loudly: falling back to other forms could change a figure silently.

use super::{FormErrors, FormSet, dir_files};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The folder of installed forms inside a data directory.
pub const INSTALL_DIR: &str = "forms";
const MANIFEST: &str = "install.json";

/// One installed copy of a forms directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Installed {
    /// 1, 2, …: the order of installation (the folder's name).
    #[serde(skip)]
    pub number: u32,
    #[serde(skip)]
    pub dir: PathBuf,
    /// The directory it was installed from, as given.
    pub source: String,
    /// RFC 3339 time of installation.
    pub installed_at: String,
    /// Hash of the files' names and contents: the same directory installed twice in a row
    /// is installed once.
    pub hash: String,
    /// (form id, version) of the forms in it.
    pub forms: Vec<FormVersion>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FormVersion {
    pub id: String,
    pub version: u32,
}

/// Why installing or loading installed forms failed.
#[derive(Debug)]
pub enum InstallError {
    /// The directory to install has mistakes (nothing installed).
    Invalid { dir: PathBuf, errors: FormErrors },
    /// An installed copy no longer loads.
    Broken { dir: PathBuf, errors: FormErrors },
    /// Its manifest is unreadable.
    Manifest { path: PathBuf, reason: String },
    /// Writing the copy failed (nothing installed).
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl std::fmt::Display for InstallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::i18n::install_error(crate::forms::Lang::En, self))
    }
}

impl std::error::Error for InstallError {}

/// What `install` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new copy, with its number.
    Installed(Installed),
    /// The same files are already the latest install.
    AlreadyInstalled(Installed),
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> InstallError + '_ {
    move |error| InstallError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Every installed copy, oldest first.
pub fn list(data_dir: &Path) -> Result<Vec<Installed>, InstallError> {
    let root = data_dir.join(INSTALL_DIR);
    let entries = match std::fs::read_dir(&root) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(&root)(e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io(&root))?;
        let name = entry.file_name();
        let Some(number) = name.to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue; // a temporary folder of an interrupted install, or anything else
        };
        let dir = entry.path();
        let path = dir.join(MANIFEST);
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        let mut item: Installed =
            serde_json::from_str(&text).map_err(|e| InstallError::Manifest {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        item.number = number;
        item.dir = dir;
        out.push(item);
    }
    out.sort_by_key(|i| i.number);
    Ok(out)
}

fn files_hash(files: &[(String, String)], base: &Path) -> String {
    let mut h = Sha256::new();
    for (path, text) in files {
        let rel = relative(path, base);
        h.update((rel.len() as u64).to_le_bytes());
        h.update(rel.as_bytes());
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    hex::encode(h.finalize())
}

/// `dir/divisions/x.csv` → `divisions/x.csv`.
fn relative(path: &str, base: &Path) -> String {
    Path::new(path)
        .strip_prefix(base)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| path.to_string())
}

/// Check `src` like `forms check` and install it into `data_dir`, unless the same files are
/// already the latest install. On any error nothing is installed.
pub fn install(data_dir: &Path, src: &Path) -> Result<Outcome, InstallError> {
    let set = FormSet::load_dir(src).map_err(|errors| InstallError::Invalid {
        dir: src.to_path_buf(),
        errors,
    })?;
    let files = dir_files(src, true).map_err(|errors| InstallError::Invalid {
        dir: src.to_path_buf(),
        errors,
    })?;
    let hash = files_hash(&files, src);
    let installed = list(data_dir)?;
    if let Some(last) = installed.last()
        && last.hash == hash
    {
        return Ok(Outcome::AlreadyInstalled(last.clone()));
    }
    let number = installed.last().map_or(1, |l| l.number + 1);
    let root = data_dir.join(INSTALL_DIR);
    std::fs::create_dir_all(&root).map_err(io(&root))?;
    // Written in a temporary folder and renamed: an interrupted install leaves no copy.
    let tmp = tempfile::Builder::new()
        .prefix(".installing-")
        .tempdir_in(&root)
        .map_err(io(&root))?;
    for (path, text) in &files {
        let rel = relative(path, src);
        let to = tmp.path().join(&rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&to, text).map_err(io(&to))?;
    }
    let source = std::fs::canonicalize(src).unwrap_or_else(|_| src.to_path_buf());
    let mut item = Installed {
        number,
        dir: root.join(format!("{number:04}")),
        source: source.display().to_string(),
        installed_at: jiff::Zoned::now()
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        hash,
        forms: set
            .forms
            .iter()
            .map(|f| FormVersion {
                id: f.id.clone(),
                version: f.version,
            })
            .collect(),
    };
    let manifest = tmp.path().join(MANIFEST);
    let json = serde_json::to_string_pretty(&item).map_err(|e| InstallError::Manifest {
        path: manifest.clone(),
        reason: e.to_string(),
    })?;
    std::fs::write(&manifest, json).map_err(io(&manifest))?;
    let tmp = tmp.keep();
    if let Err(e) = std::fs::rename(&tmp, &item.dir) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(io(&item.dir)(e));
    }
    item.number = number;
    Ok(Outcome::Installed(item))
}

/// Where a form in force came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    BuiltIn,
    /// The install's number.
    Installed(u32),
}

/// The forms in force for a data directory (see the module's comment), and for each form
/// in it where it came from.
pub fn in_force(data_dir: &Path) -> Result<(FormSet, Vec<(FormVersion, Source)>), InstallError> {
    let builtin = FormSet::builtin();
    let installed = list(data_dir)?;
    let Some(latest) = installed.last() else {
        let used = builtin
            .forms
            .iter()
            .map(|f| {
                let v = FormVersion {
                    id: f.id.clone(),
                    version: f.version,
                };
                (v, Source::BuiltIn)
            })
            .collect();
        return Ok((builtin, used));
    };
    let broken = |dir: &Path| {
        let dir = dir.to_path_buf();
        move |errors| InstallError::Broken { dir, errors }
    };
    let mut set = FormSet::load_dir(&latest.dir).map_err(broken(&latest.dir))?;
    let mut candidates: Vec<(super::Form, Source)> = builtin
        .forms
        .into_iter()
        .map(|f| (f, Source::BuiltIn))
        .collect();
    for item in &installed[..installed.len() - 1] {
        let older = FormSet::load_dir_forms_only(&item.dir).map_err(broken(&item.dir))?;
        candidates.extend(
            older
                .forms
                .into_iter()
                .map(|f| (f, Source::Installed(item.number))),
        );
    }
    candidates.extend(
        std::mem::take(&mut set.forms)
            .into_iter()
            .map(|f| (f, Source::Installed(latest.number))),
    );
    // Later candidates win ties: built-in, then installs in order.
    let mut chosen: Vec<(super::Form, Source)> = Vec::new();
    for (form, source) in candidates {
        match chosen.iter_mut().find(|(f, _)| f.id == form.id) {
            Some(slot) if form.version >= slot.0.version => *slot = (form, source),
            Some(_) => {}
            None => chosen.push((form, source)),
        }
    }
    let used = chosen
        .iter()
        .map(|(f, s)| {
            let v = FormVersion {
                id: f.id.clone(),
                version: f.version,
            };
            (v, s.clone())
        })
        .collect();
    set.forms = chosen.into_iter().map(|(f, _)| f).collect();
    set.origin = latest.dir.display().to_string();
    Ok((set, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms_copy(root: &Path, version: u32) -> PathBuf {
        let dir = root.join(format!("forms-v{version}"));
        std::fs::create_dir_all(dir.join("divisions")).unwrap();
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
        for name in ["thresholds.toml", "targets.toml", "divisions/xuchang.csv"] {
            std::fs::copy(base.join(name), dir.join(name)).unwrap();
        }
        let village = std::fs::read_to_string(base.join("village.toml")).unwrap();
        let village = village.replacen("version = 2", &format!("version = {version}"), 1);
        assert!(village.contains(&format!("version = {version}")));
        std::fs::write(dir.join("village.toml"), village).unwrap();
        dir
    }

    #[test]
    fn nothing_installed_means_the_built_in_forms() {
        let t = tempfile::tempdir().unwrap();
        let (set, used) = in_force(t.path()).unwrap();
        assert_eq!(
            set.village_form().version,
            FormSet::builtin().village_form().version
        );
        assert_eq!(used[0].1, Source::BuiltIn);
        assert!(list(t.path()).unwrap().is_empty());
    }

    #[test]
    fn the_newest_version_of_each_form_is_in_force() {
        let t = tempfile::tempdir().unwrap();
        let data = t.path().join("data");
        let v3 = forms_copy(t.path(), 3);
        let v1 = forms_copy(t.path(), 1);
        assert!(matches!(install(&data, &v3).unwrap(), Outcome::Installed(i) if i.number == 1));
        // The same files again: nothing new.
        assert!(matches!(
            install(&data, &v3).unwrap(),
            Outcome::AlreadyInstalled(_)
        ));
        assert!(matches!(install(&data, &v1).unwrap(), Outcome::Installed(i) if i.number == 2));
        let (set, used) = in_force(&data).unwrap();
        assert_eq!(set.village_form().version, 3);
        assert_eq!(used[0].1, Source::Installed(1));
        let all = list(&data).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[0].forms,
            vec![FormVersion {
                id: "village".into(),
                version: 3
            }]
        );
    }

    #[test]
    fn an_invalid_directory_installs_nothing() {
        let t = tempfile::tempdir().unwrap();
        let data = t.path().join("data");
        let bad = forms_copy(t.path(), 3);
        std::fs::write(bad.join("village.toml"), "[form\n").unwrap();
        assert!(matches!(
            install(&data, &bad),
            Err(InstallError::Invalid { .. })
        ));
        assert!(list(&data).unwrap().is_empty());
        assert!(!data.join(INSTALL_DIR).exists());
    }

    #[test]
    fn a_broken_installed_copy_is_refused_not_skipped() {
        let t = tempfile::tempdir().unwrap();
        let data = t.path().join("data");
        let v3 = forms_copy(t.path(), 3);
        let Outcome::Installed(i) = install(&data, &v3).unwrap() else {
            panic!("installed")
        };
        std::fs::write(i.dir.join("village.toml"), "[form\n").unwrap();
        assert!(matches!(in_force(&data), Err(InstallError::Broken { .. })));
    }
}
