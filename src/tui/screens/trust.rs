//! The trust screen: its state and its key handling: this installation's own public key
//! and fingerprint (read aloud to whoever will import from it), the keys bundles are
//! accepted from (each limited to a unit of the register), adding one (key, scope, name,
//! then a fingerprint check) and removing one. Pure: `effects::trust` reads and writes
//! the store and the key file.

use crate::bundle::keys::{fingerprint, parse_public_key};
use crate::forms::Lang;
use crate::i18n::key;
use crate::i18n::tui_exchange as words;
use crate::tui::keys::{Action, Ctx};
use crate::tui::shared::tree::Tree;
use crate::tui::shared::trust::{Prefill, TrustCmd, TrustData, TrustMsg, TrustedRow};
use crate::tui::shared::{Cmd, Notice, NoticeKind, Outcome, input_request};
use crate::tui::text::clean;
use ratatui::crossterm::event::KeyEvent;
use tui_input::{Input, InputRequest};

/// The three inputs of the add form, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddField {
    Key,
    Scope,
    Name,
}

impl AddField {
    const ALL: [AddField; 3] = [AddField::Key, AddField::Scope, AddField::Name];

    fn index(self) -> usize {
        AddField::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }
}

/// Why what was typed cannot be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddError {
    KeyMissing,
    /// 25 digits: the fingerprint was typed where the key belongs.
    KeyIsFingerprint,
    KeyLength(usize),
    KeyNotHex,
    /// 64 hex characters that are not a usable ed25519 key (a typo, usually).
    KeyInvalid,
    KeyOwn,
    ScopeMissing,
    ScopeFormat,
    ScopeUnknown,
}

impl AddError {
    pub fn field(&self) -> AddField {
        match self {
            AddError::ScopeMissing | AddError::ScopeFormat | AddError::ScopeUnknown => {
                AddField::Scope
            }
            _ => AddField::Key,
        }
    }

    pub fn text(&self, lang: Lang) -> String {
        let s = match self {
            AddError::KeyMissing => words::key_missing(lang),
            AddError::KeyIsFingerprint => words::key_is_fingerprint(lang),
            AddError::KeyLength(n) => return words::key_length(lang, *n),
            AddError::KeyNotHex => words::key_not_hex(lang),
            AddError::KeyInvalid => words::key_invalid(lang),
            AddError::KeyOwn => words::key_own(lang),
            AddError::ScopeMissing => words::scope_missing(lang),
            AddError::ScopeFormat => words::scope_format(lang),
            AddError::ScopeUnknown => words::scope_unknown(lang),
        };
        s.to_string()
    }
}

/// What was typed, checked and ready to save once the fingerprint matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub public_key: String,
    pub fingerprint: String,
    pub scope: String,
    pub scope_name: String,
    pub name: String,
    /// The key is already trusted under this name and scope: saving replaces them.
    pub replaces: Option<(String, String)>,
}

/// The add form.
#[derive(Debug, Clone, Default)]
pub struct AddKey {
    pub key: Input,
    pub scope: Input,
    pub name: Input,
    pub focus: usize,
    pub errors: Vec<AddError>,
    /// Refused by the store after the check (nothing saved).
    pub refused: Option<String>,
    /// Checked: the fingerprint is shown and the user compares it.
    pub check: Option<Checked>,
}

impl AddKey {
    pub fn focused(&self) -> AddField {
        AddField::ALL[self.focus.min(2)]
    }

    pub fn input(&self, f: AddField) -> &Input {
        match f {
            AddField::Key => &self.key,
            AddField::Scope => &self.scope,
            AddField::Name => &self.name,
        }
    }

    fn input_mut(&mut self, f: AddField) -> &mut Input {
        match f {
            AddField::Key => &mut self.key,
            AddField::Scope => &mut self.scope,
            AddField::Name => &mut self.name,
        }
    }

    pub fn error(&self, f: AddField) -> Option<&AddError> {
        self.errors.iter().find(|e| e.field() == f)
    }

    /// Editing a field drops what was said about it.
    fn edited(&mut self, f: AddField) {
        self.errors.retain(|e| e.field() != f);
        self.refused = None;
    }
}

/// The trust screen: the data, the cursor in the list, and the add form when open.
#[derive(Debug, Clone)]
pub struct TrustScreen {
    pub data: TrustData,
    pub cursor: usize,
    pub add: Option<AddKey>,
    /// The bundle refused for the key being added (from the import summary): importing
    /// it again is offered once the key is trusted.
    pub refused_bundle: Option<std::path::PathBuf>,
}

impl TrustScreen {
    pub fn ctx(&self) -> Ctx {
        match &self.add {
            Some(a) if a.check.is_some() => Ctx::TrustCheck,
            Some(_) => Ctx::TrustAdd,
            None => Ctx::Trust,
        }
    }

    /// Keys go into an input (letters are text).
    pub fn typing(&self) -> bool {
        self.ctx() == Ctx::TrustAdd
    }

    pub fn selected(&self) -> Option<&TrustedRow> {
        self.data.keys.get(self.cursor)
    }
}

/// The key as typed or pasted: blanks and line breaks (messaging apps wrap long lines)
/// left out.
pub fn key_text(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The unit a scope code names, when the register has it.
pub fn scope_unit<'a>(tree: &'a Tree, code: &str) -> Option<&'a crate::store::DivisionRow> {
    tree.by_code.get(code.trim()).map(|&i| &tree.units[i])
}

/// Check the add form against the register and the keys known here. Pure.
pub fn check(add: &AddKey, tree: &Tree, data: &TrustData) -> Result<Checked, Vec<AddError>> {
    let mut errors = Vec::new();
    let key = key_text(add.key.value());
    let parsed = if key.is_empty() {
        errors.push(AddError::KeyMissing);
        None
    } else {
        let digits: String = key.chars().filter(|c| *c != '-').collect();
        if digits.len() == 25 && digits.bytes().all(|b| b.is_ascii_digit()) {
            errors.push(AddError::KeyIsFingerprint);
            None
        } else if key.chars().count() != 64 {
            errors.push(AddError::KeyLength(key.chars().count()));
            None
        } else if !key.chars().all(|c| c.is_ascii_hexdigit()) {
            errors.push(AddError::KeyNotHex);
            None
        } else {
            match parse_public_key(&key) {
                Ok(bytes) => Some(bytes),
                Err(_) => {
                    errors.push(AddError::KeyInvalid);
                    None
                }
            }
        }
    };
    let public_key = parsed.map(hex::encode);
    if let (Some(pk), Ok(own)) = (&public_key, &data.own)
        && *pk == own.public_hex
    {
        errors.push(AddError::KeyOwn);
    }
    let code = add.scope.value().trim();
    let unit = if code.is_empty() {
        errors.push(AddError::ScopeMissing);
        None
    } else if !crate::register::is_code(code) {
        errors.push(AddError::ScopeFormat);
        None
    } else {
        let u = scope_unit(tree, code);
        if u.is_none() {
            errors.push(AddError::ScopeUnknown);
        }
        u
    };
    match (parsed, public_key, unit) {
        (Some(bytes), Some(public_key), Some(unit)) if errors.is_empty() => {
            let typed = add.name.value().trim();
            let name = if typed.is_empty() {
                unit.name.clone()
            } else {
                typed.to_string()
            };
            let replaces = data
                .keys
                .iter()
                .find(|k| k.public_key == public_key)
                .map(|k| (k.name.clone(), k.scope.clone()));
            Ok(Checked {
                fingerprint: fingerprint(&bytes),
                public_key,
                scope: unit.code.clone(),
                scope_name: unit.name.clone(),
                name,
                replaces,
            })
        }
        _ => Err(errors),
    }
}

impl TrustScreen {
    pub fn new(data: TrustData) -> TrustScreen {
        TrustScreen {
            data,
            cursor: 0,
            add: None,
            refused_bundle: None,
        }
    }

    /// The list was read again.
    pub fn reload(&mut self, data: TrustData) {
        self.data = data;
        self.cursor = self.cursor.min(self.data.keys.len().saturating_sub(1));
    }

    /// Open the add form filled in (from a bundle refused for an unknown key).
    pub fn prefill(&mut self, p: Prefill) {
        self.refused_bundle = p.bundle;
        self.add = Some(AddKey {
            key: Input::new(clean(&p.key)),
            scope: Input::new(clean(&p.scope)),
            name: Input::new(clean(&p.name)),
            ..AddKey::default()
        });
    }

    /// A key on the trust screen; `tree` is the register the scope is checked against.
    pub fn key(
        &mut self,
        action: Option<Action>,
        ev: &KeyEvent,
        tree: &Tree,
        lang: Lang,
    ) -> Outcome {
        let t = self;
        if let Some(a) = &mut t.add {
            if let Some(c) = &a.check {
                // Comparing the fingerprint: only an explicit "y" saves.
                return match action {
                    Some(Action::Confirm) => Outcome::cmd(Cmd::Trust(TrustCmd::Add {
                        public_key: c.public_key.clone(),
                        scope: c.scope.clone(),
                        name: c.name.clone(),
                    })),
                    Some(Action::Cancel) => {
                        a.check = None;
                        Outcome::say(Notice::warn(words::check_key_again(lang)))
                    }
                    Some(Action::Quit) => Outcome::quit(),
                    _ => Outcome::none(),
                };
            }
            return match action {
                Some(Action::Next) => {
                    a.focus = (a.focus + 1) % 3;
                    Outcome::none()
                }
                Some(Action::Prev) => {
                    a.focus = (a.focus + 2) % 3;
                    Outcome::none()
                }
                Some(Action::Cancel) => {
                    t.add = None;
                    Outcome::say(Notice::info(words::cancelled_nothing_saved(lang)))
                }
                Some(Action::Confirm) => match check(a, tree, &t.data) {
                    Ok(c) => {
                        a.errors.clear();
                        a.refused = None;
                        a.check = Some(c);
                        Outcome::clear()
                    }
                    Err(errors) => {
                        let first = errors.first().map(|e| e.field().index()).unwrap_or(0);
                        let n = errors.len();
                        a.errors = errors;
                        a.focus = first;
                        Outcome::say(Notice::error(words::to_correct(lang, n)))
                    }
                },
                _ => {
                    if let Some(req) = input_request(ev) {
                        let f = a.focused();
                        if a.input_mut(f).handle(req).is_some_and(|c| c.value) {
                            a.edited(f);
                        }
                    }
                    Outcome::none()
                }
            };
        }
        match action {
            Some(Action::Up) => t.cursor = t.cursor.saturating_sub(1),
            Some(Action::Down) => {
                t.cursor = (t.cursor + 1).min(t.data.keys.len().saturating_sub(1))
            }
            Some(Action::AddKey) => {
                t.add = Some(AddKey::default());
                return Outcome::say(Notice::info(words::add_key_notice(
                    lang,
                    key(Ctx::TrustAdd, Action::Confirm),
                )));
            }
            Some(Action::RemoveKey) => {
                let Some(k) = t.selected() else {
                    return Outcome::say(Notice::info(words::nothing_to_remove(lang)));
                };
                let name = clean(&k.name);
                let (yes, no) = words::yes_no_keys();
                let question = words::remove_key_question(lang, &name, &k.fingerprint, yes, no);
                return Outcome::ask(
                    question,
                    Cmd::Trust(TrustCmd::Remove {
                        public_key: k.public_key.clone(),
                        name: k.name.clone(),
                    }),
                );
            }
            Some(Action::Back) => return Outcome::close(),
            Some(Action::Quit) => return Outcome::quit(),
            _ => {}
        }
        Outcome::none()
    }

    /// A paste goes into the focused input of the add form. Line breaks become nothing
    /// in the key (it is often wrapped) and a blank elsewhere; control characters never
    /// enter.
    pub fn paste(&mut self, text: &str) {
        let Some(a) = self.add.as_mut() else {
            return;
        };
        if a.check.is_some() {
            return;
        }
        let f = a.focused();
        let input = a.input_mut(f);
        for c in text.chars() {
            let c = match c {
                '\n' | '\r' | '\t' if f == AddField::Key => continue,
                '\n' | '\r' | '\t' => ' ',
                c if crate::termsafe::is_unsafe(c) => continue,
                c => c,
            };
            input.handle(InputRequest::InsertChar(c));
        }
        a.edited(f);
    }
}

/// What effects said after trusting or untrusting a key, or refusing one (the reloaded
/// list comes first, as `TrustMsg::Loaded`, which the router handles). The screen may
/// be gone by then; the notice is shown anyway.
pub fn answer(screen: Option<&mut TrustScreen>, msg: TrustMsg, lang: Lang) -> Outcome {
    match msg {
        TrustMsg::Loaded(_) => Outcome::none(),
        TrustMsg::Saved { name, fingerprint } => {
            let mut again = None;
            if let Some(t) = screen {
                t.add = None;
                again = t.refused_bundle.take();
                if let Some(i) = t
                    .data
                    .keys
                    .iter()
                    .position(|k| k.fingerprint == fingerprint)
                {
                    t.cursor = i;
                }
            }
            let text = words::trusted_notice(lang, &clean(&name), &fingerprint);
            let mut o = Outcome::say(Notice {
                kind: NoticeKind::Saved,
                text,
            });
            // The file refused for this key can come in now, without finding it again.
            if let Some(path) = again {
                let file = clean(
                    &path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                );
                let (yes, no) = words::yes_no_keys();
                o.ask = Some(crate::tui::shared::Confirm {
                    question: words::import_again_question(lang, &clean(&name), &file, yes, no),
                    cmd: crate::tui::shared::Cmd::Exchange(
                        crate::tui::shared::exchange::ExchangeCmd::Import { paths: vec![path] },
                    ),
                });
            }
            o
        }
        TrustMsg::Removed { name } => {
            let text = words::untrusted_notice(lang, &clean(&name));
            Outcome::say(Notice {
                kind: NoticeKind::Saved,
                text,
            })
        }
        TrustMsg::Refused(error) => {
            if let Some(a) = screen.and_then(|t| t.add.as_mut()) {
                a.check = None;
                a.refused = Some(error.clone());
            }
            Outcome::say(Notice::error(format!(
                "{}{}",
                words::not_saved_prefix(lang),
                clean(&error)
            )))
        }
    }
}
