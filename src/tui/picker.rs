//! The file picker of the export and import screens: the starting places (removable media
//! first, then the home directory and the current one), a folder's listing (folders and
//! `*.renv` bundles by default) and what the user marked. Pure state and a pure key
//! handler; `effects` reads the disk (`places`, `list_dir`) and answers with messages.

use super::keys::Action;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The extension of bundle files.
pub const BUNDLE_EXT: &str = "renv";

/// Where the starting places come from. Injectable: tests use temporary folders instead
/// of the real `/media` and drive letters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PickerRoots {
    /// Folders whose sub-folders are removable media, in this order (`/media`,
    /// `/media/$USER`, `/run/media/$USER`). One of them inside another (`/media/$USER`)
    /// is a folder of media, not a medium.
    pub removable: Vec<PathBuf>,
    /// Removable media themselves: on Windows the removable drives (`E:\`).
    pub media: Vec<PathBuf>,
    /// The user's Desktop and Documents folders.
    pub folders: Vec<PathBuf>,
    pub home: Option<PathBuf>,
    pub cwd: Option<PathBuf>,
    /// The other drives (Windows: fixed and network drives, `C:\`, `D:\`).
    pub drives: Vec<PathBuf>,
}

impl PickerRoots {
    /// The real places of this machine.
    pub fn from_env() -> PickerRoots {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .ok()
            .filter(|u| !u.is_empty() && !u.contains('/'));
        let mut removable = Vec::new();
        if cfg!(unix) {
            removable.push(PathBuf::from("/media"));
            if let Some(u) = &user {
                removable.push(Path::new("/media").join(u));
                removable.push(Path::new("/run/media").join(u));
            }
        }
        let user_dirs = directories::UserDirs::new();
        let folders = user_dirs
            .iter()
            .flat_map(|d| [d.desktop_dir(), d.document_dir()])
            .flatten()
            .map(Path::to_path_buf)
            .collect();
        let home = user_dirs
            .as_ref()
            .map(|d| d.home_dir().to_path_buf())
            .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
            .filter(|p| p.is_absolute());
        let (media, drives) = drive_letters();
        PickerRoots {
            removable,
            media,
            folders,
            home,
            cwd: std::env::current_dir().ok(),
            drives,
        }
    }
}

/// The drive letters of this machine: removable drives, then the others.
#[cfg(windows)]
fn drive_letters() -> (Vec<PathBuf>, Vec<PathBuf>) {
    use windows_sys::Win32::Storage::FileSystem::{GetDriveTypeW, GetLogicalDrives};
    // SAFETY: no arguments; returns a bit mask of the drive letters in use.
    let mask = unsafe { GetLogicalDrives() };
    split_drives(mask, |root| {
        let wide: Vec<u16> = root.encode_utf16().chain(std::iter::once(0)).collect();
        // SAFETY: a NUL-terminated UTF-16 root path such as `C:\`.
        unsafe { GetDriveTypeW(wide.as_ptr()) }
    })
}

#[cfg(not(windows))]
fn drive_letters() -> (Vec<PathBuf>, Vec<PathBuf>) {
    (Vec::new(), Vec::new())
}

/// Windows drive types (`GetDriveTypeW`).
const DRIVE_REMOVABLE: u32 = 2;
const DRIVE_FIXED: u32 = 3;
const DRIVE_REMOTE: u32 = 4;

/// The drive roots in `mask` (bit 0 is `A:`), split into removable drives and fixed or
/// network drives, each in letter order; CD drives, RAM disks and unknown kinds are left
/// out. `kind` is `GetDriveTypeW` of a root such as `E:\`.
pub fn split_drives(mask: u32, kind: impl Fn(&str) -> u32) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut removable = Vec::new();
    let mut other = Vec::new();
    for (bit, letter) in ('A'..='Z').enumerate() {
        if mask & (1 << bit) == 0 {
            continue;
        }
        let root = format!("{letter}:\\");
        match kind(&root) {
            DRIVE_REMOVABLE => removable.push(PathBuf::from(root)),
            DRIVE_FIXED | DRIVE_REMOTE => other.push(PathBuf::from(root)),
            _ => {}
        }
    }
    (removable, other)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    /// A USB stick or another removable medium.
    Removable,
    /// The user's Desktop or Documents folder.
    Folder,
    Home,
    Current,
    /// A drive letter that is not removable (`C:\`).
    Drive,
}

/// A starting place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub kind: PlaceKind,
    pub path: PathBuf,
}

impl Place {
    /// The medium's or folder's own name (raw: `clean` it before showing it).
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.to_string_lossy().into_owned())
    }
}

/// One entry of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: PathBuf,
    /// The name as read from disk (lossy UTF-8, raw: `clean` it before showing it).
    pub name: String,
    pub is_dir: bool,
    pub size: u64,
    /// Last modified, local time `YYYY-MM-DD HH:MM` (empty when unknown).
    pub modified: String,
}

impl Entry {
    pub fn hidden(&self) -> bool {
        self.name.starts_with('.')
    }

    pub fn is_bundle(&self) -> bool {
        !self.is_dir && is_bundle_name(&self.name)
    }
}

pub fn is_bundle_name(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(BUNDLE_EXT))
}

/// Folders first, then files; each by name, ignoring case.
pub fn sort_entries(entries: &mut [Entry]) {
    entries.sort_by(|a, b| {
        b.is_dir
            .cmp(&a.is_dir)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.name.cmp(&b.name))
    });
}

/// Pick files (import: several) or a folder (export).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickMode {
    Files,
    Folder,
}

/// What a key asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerOutcome {
    Nothing,
    /// Read the starting places again.
    Places,
    /// Read this folder; put the cursor on `came_from` (going up) when it is listed.
    List {
        dir: PathBuf,
        came_from: Option<PathBuf>,
    },
    /// Import these files.
    Chosen(Vec<PathBuf>),
    /// Leave the screen.
    Close,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Picker {
    pub mode: PickMode,
    pub places: Vec<Place>,
    /// The folder shown; `None` for the starting places.
    pub dir: Option<PathBuf>,
    /// Everything in the folder, sorted (the filter picks what is shown).
    pub entries: Vec<Entry>,
    /// Indices into `entries` of the rows shown.
    pub shown: Vec<usize>,
    /// Row under the cursor (of `places` or of `shown`).
    pub cursor: usize,
    /// Files marked for import, in path order.
    pub marked: BTreeSet<PathBuf>,
    /// Show every file and hidden entries, not only folders and bundles.
    pub show_all: bool,
    /// The last folder that could not be read, and why (from the system).
    pub error: Option<(PathBuf, String)>,
}

impl Picker {
    pub fn new(mode: PickMode) -> Picker {
        Picker {
            mode,
            places: Vec::new(),
            dir: None,
            entries: Vec::new(),
            shown: Vec::new(),
            cursor: 0,
            marked: BTreeSet::new(),
            show_all: false,
            error: None,
        }
    }

    /// Rows in the list now.
    pub fn len(&self) -> usize {
        match self.dir {
            None => self.places.len(),
            Some(_) => self.shown.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entry under the cursor (inside a folder).
    pub fn current(&self) -> Option<&Entry> {
        self.dir.as_ref()?;
        self.shown.get(self.cursor).map(|&i| &self.entries[i])
    }

    /// The place under the cursor (on the starting places).
    pub fn current_place(&self) -> Option<&Place> {
        match self.dir {
            None => self.places.get(self.cursor),
            Some(_) => None,
        }
    }

    /// Where an export goes: the folder shown, or the place under the cursor.
    pub fn target_dir(&self) -> Option<&Path> {
        match &self.dir {
            Some(d) => Some(d),
            None => self.current_place().map(|p| p.path.as_path()),
        }
    }

    pub fn set_places(&mut self, places: Vec<Place>) {
        self.places = places;
        if self.dir.is_none() {
            self.cursor = self.cursor.min(self.places.len().saturating_sub(1));
        }
    }

    /// A folder was read: show it.
    pub fn set_listing(&mut self, dir: PathBuf, entries: Vec<Entry>, came_from: Option<&Path>) {
        let keep = if self.dir.as_ref() == Some(&dir) {
            self.current().map(|e| e.path.clone())
        } else {
            None
        };
        self.dir = Some(dir);
        self.entries = entries;
        sort_entries(&mut self.entries);
        self.error = None;
        self.cursor = 0;
        self.shown.clear();
        self.refilter();
        let want = came_from.map(Path::to_path_buf).or(keep);
        if let Some(want) = want
            && let Some(pos) = self
                .shown
                .iter()
                .position(|&i| self.entries[i].path == want)
        {
            self.cursor = pos;
        }
    }

    /// A folder could not be read: stay where we are and say why.
    pub fn set_error(&mut self, dir: PathBuf, reason: String) {
        self.error = Some((dir, reason));
    }

    fn refilter(&mut self) {
        let keep = self.current().map(|e| e.path.clone());
        let all = self.show_all;
        self.shown = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| all || (!e.hidden() && (e.is_dir || e.is_bundle())))
            .map(|(i, _)| i)
            .collect();
        self.cursor = keep
            .and_then(|k| self.shown.iter().position(|&i| self.entries[i].path == k))
            .unwrap_or(self.cursor)
            .min(self.shown.len().saturating_sub(1));
    }

    fn move_by(&mut self, delta: isize) {
        let n = self.len();
        if n == 0 {
            self.cursor = 0;
            return;
        }
        self.cursor = (self.cursor as isize + delta).clamp(0, n as isize - 1) as usize;
    }

    fn go_to_places(&mut self) -> PickerOutcome {
        let from = self.dir.take();
        self.entries.clear();
        self.shown.clear();
        self.error = None;
        self.cursor = from
            .and_then(|d| self.places.iter().position(|p| p.path == d))
            .unwrap_or(0);
        PickerOutcome::Places
    }

    fn open_current(&mut self, enter_files: bool) -> PickerOutcome {
        if let Some(p) = self.current_place() {
            return PickerOutcome::List {
                dir: p.path.clone(),
                came_from: None,
            };
        }
        let Some(e) = self.current() else {
            return PickerOutcome::Nothing;
        };
        if e.is_dir {
            return PickerOutcome::List {
                dir: e.path.clone(),
                came_from: None,
            };
        }
        if enter_files && self.mode == PickMode::Files {
            if self.marked.is_empty() {
                return PickerOutcome::Chosen(vec![e.path.clone()]);
            }
            return PickerOutcome::Chosen(self.marked.iter().cloned().collect());
        }
        PickerOutcome::Nothing
    }

    /// The pure key handler; `page` is the height of the list.
    pub fn key(&mut self, action: Option<Action>, page: isize) -> PickerOutcome {
        match action {
            Some(Action::Up) => self.move_by(-1),
            Some(Action::Down) => self.move_by(1),
            Some(Action::PageUp) => self.move_by(-page),
            Some(Action::PageDown) => self.move_by(page),
            Some(Action::Top) => self.cursor = 0,
            Some(Action::Bottom) => self.cursor = self.len().saturating_sub(1),
            Some(Action::Open) => return self.open_current(true),
            Some(Action::Expand) => return self.open_current(false),
            Some(Action::Parent) => {
                let Some(d) = self.dir.clone() else {
                    return PickerOutcome::Nothing;
                };
                // Above the root folder are the starting places.
                return match d.parent() {
                    Some(p) => PickerOutcome::List {
                        dir: p.to_path_buf(),
                        came_from: Some(d),
                    },
                    None => self.go_to_places(),
                };
            }
            Some(Action::Places) => {
                if self.dir.is_some() {
                    return self.go_to_places();
                }
                return PickerOutcome::Places;
            }
            Some(Action::Refresh) => {
                return match &self.dir {
                    Some(d) => PickerOutcome::List {
                        dir: d.clone(),
                        came_from: None,
                    },
                    None => PickerOutcome::Places,
                };
            }
            Some(Action::ShowAll) => {
                self.show_all = !self.show_all;
                self.refilter();
            }
            Some(Action::Mark) if self.mode == PickMode::Files => {
                if let Some(e) = self.current().filter(|e| !e.is_dir) {
                    let p = e.path.clone();
                    if !self.marked.remove(&p) {
                        self.marked.insert(p);
                    }
                }
                self.move_by(1);
            }
            Some(Action::MarkAll) if self.mode == PickMode::Files => {
                let here: Vec<PathBuf> = self
                    .shown
                    .iter()
                    .map(|&i| &self.entries[i])
                    .filter(|e| e.is_bundle())
                    .map(|e| e.path.clone())
                    .collect();
                // A second press clears them.
                if !here.is_empty() && here.iter().all(|p| self.marked.contains(p)) {
                    for p in &here {
                        self.marked.remove(p);
                    }
                } else {
                    self.marked.extend(here);
                }
            }
            Some(Action::Back) => return PickerOutcome::Close,
            _ => {}
        }
        PickerOutcome::Nothing
    }
}

/// Size in bytes as people read it.
pub fn human_size(bytes: u64) -> String {
    const K: f64 = 1024.0;
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} B")
    } else if b < K * K {
        format!("{:.1} KB", b / K)
    } else if b < K * K * K {
        format!("{:.1} MB", b / (K * K))
    } else {
        format!("{:.1} GB", b / (K * K * K))
    }
}
