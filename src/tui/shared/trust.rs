//! What the trust screen and its effects say to each other: this installation's key, the
//! keys bundles are accepted from, and trusting or untrusting one.

/// This installation's key, as `ruralenv key show` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnKey {
    /// 64 lowercase hex characters.
    pub public_hex: String,
    pub fingerprint: String,
}

/// A key bundles are accepted from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedRow {
    pub public_key: String,
    /// Empty when the stored key does not parse (it could not verify anything anyway).
    pub fingerprint: String,
    pub name: String,
    /// 12-digit code of the unit the key may deliver villages of.
    pub scope: String,
    pub added_at: String,
}

/// Everything the trust screen shows, loaded in one go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustData {
    /// The key, or why it could not be read (in the UI language).
    pub own: Result<OwnKey, String>,
    pub keys: Vec<TrustedRow>,
}

/// Answers of `effects::trust`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustMsg {
    Loaded(Box<TrustData>),
    /// The key is trusted (after the `Loaded` that lists it).
    Saved {
        name: String,
        fingerprint: String,
    },
    /// The key is no longer trusted (after the `Loaded` without it).
    Removed {
        name: String,
    },
    /// The store refused the key (nothing was saved); already in the UI language.
    Refused(String),
}

/// Work for `effects::trust`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustCmd {
    Load,
    /// Trust a key (checked by `check` first; checked again before it is written).
    Add {
        public_key: String,
        scope: String,
        name: String,
    },
    Remove {
        public_key: String,
        name: String,
    },
}

/// What the add form starts with when the key comes from a refused bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefill {
    pub key: String,
    /// What the bundle claims: the clerk checks it before saving.
    pub scope: String,
    pub name: String,
    /// The bundle that was refused: once the key is trusted, importing it again is offered.
    pub bundle: Option<std::path::PathBuf>,
}
