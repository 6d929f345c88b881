//! The bundle container, version 1: framing, compression, signature, atomic writing, and
//! reading with caps. It knows nothing about records: the payload is a sequence of JSON
//! values ("facts") that the caller produces and consumes. Byte layout and the reasons behind
//! it: `docs/bundle-format.md`.
//!
//! The security property lives in [`open_bundle`]: nothing in a file is parsed or
//! decompressed before its signature has been checked, and everything after that is capped,
//! so a hostile file costs at most `Limits` worth of memory and time.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use ed25519_dalek::{Signature, VerifyingKey};
use flate2::write::DeflateEncoder;
use flate2::{Compression, Decompress, FlushDecompress, Status};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::keys::{InstallationKey, sync_dir};

/// First 8 bytes of every bundle.
pub const MAGIC: [u8; 8] = *b"RENVBNDL";
/// The container version this code writes and the only one it reads.
pub const FORMAT_VERSION: u16 = 1;
/// magic (8) + version (2) + signer key (32) + body length (8).
pub const HEADER_LEN: usize = 50;
pub const SIGNATURE_LEN: usize = 64;
/// The smallest possible bundle: a header, the 4-byte manifest length, a signature.
pub const MIN_FILE_LEN: u64 = (HEADER_LEN + 4 + SIGNATURE_LEN) as u64;

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

/// Caps applied while reading a bundle (and, so that every bundle written can be read,
/// while writing one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Size of the whole file; it is read into memory whole.
    pub max_file_bytes: u64,
    /// Size of the manifest JSON.
    pub max_manifest_bytes: u64,
    /// Size of the payload after decompression (the NDJSON text).
    pub max_payload_bytes: u64,
    /// Length of one fact's line, newline excluded; one line is held in memory at a time.
    pub max_line_bytes: u64,
    /// Number of facts.
    pub max_facts: u64,
}

impl Default for Limits {
    /// Sized for a national bundle (about 620,000 villages, a few facts each, around 2 KB
    /// per fact) with room to spare, while a decompression bomb stops after 4 GiB of
    /// streaming that never sits in memory.
    fn default() -> Self {
        Limits {
            max_file_bytes: GIB,
            max_manifest_bytes: MIB,
            max_payload_bytes: 4 * GIB,
            max_line_bytes: 16 * MIB,
            max_facts: 100_000_000,
        }
    }
}

/// What a bundle says about itself. It is signed, so it is exactly what the signer wrote,
/// but it is a claim: origin and permissions come from the importer's trust list, never from
/// here. Unknown fields are ignored, so a later version may add some.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Container version; set by [`write_bundle`].
    pub format: u32,
    /// A UUID chosen by the exporter.
    pub bundle_id: String,
    pub created_at: String,
    pub exporter_name: String,
    /// 12-digit division code of the exporter's scope.
    pub exporter_scope: String,
    pub round: String,
    /// Facts per kind, as the exporter counted them (e.g. "revisions" → 120); not checked
    /// by this layer, which does not know kinds.
    pub counts: BTreeMap<String, u64>,
    /// Form definitions used, as `id@version`.
    pub forms: Vec<String>,
    /// Lowercase hex SHA-256 of the uncompressed payload; set by [`write_bundle`].
    pub payload_sha256: String,
    /// Number of facts in the payload; set by [`write_bundle`].
    pub payload_facts: u64,
    /// Exported from a data directory that holds synthetic demo data (`ruralenv demo`).
    /// An installation holding real data refuses such a bundle. Absent means false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
}

/// What [`write_bundle`] wrote (after reading it back and verifying it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleSummary {
    pub path: PathBuf,
    pub signer: [u8; 32],
    pub file_bytes: u64,
    pub payload_bytes: u64,
    pub payload_facts: u64,
    pub payload_sha256: String,
}

/// A bundle whose signature, manifest and whole payload have been checked. The facts can be
/// read again with [`VerifiedBundle::facts`], which decompresses lazily from memory.
pub struct VerifiedBundle {
    /// The public key that signed it. Who that is, is for the trust list to say.
    pub signer: [u8; 32],
    pub manifest: Manifest,
    path: PathBuf,
    file: Vec<u8>,
    payload_start: usize,
    payload_end: usize,
    limits: Limits,
    payload_bytes: u64,
}

impl std::fmt::Debug for VerifiedBundle {
    // Not derived: the file buffer may be a gigabyte.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedBundle")
            .field("path", &self.path)
            .field("signer", &hex::encode(self.signer))
            .field("manifest", &self.manifest)
            .field("file_bytes", &self.file.len())
            .field("payload_bytes", &self.payload_bytes)
            .finish_non_exhaustive()
    }
}

impl VerifiedBundle {
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn file_bytes(&self) -> u64 {
        self.file.len() as u64
    }

    /// Size of the uncompressed payload.
    pub fn payload_bytes(&self) -> u64 {
        self.payload_bytes
    }

    /// The facts in order, decoded. [`open_bundle`] checked that every one is well-formed
    /// JSON within the caps; a number beyond what JSON can hold here (`1e400`) is found
    /// only now, as an error, never a panic: read them inside the transaction that stores
    /// them, so such an error keeps the whole bundle out.
    pub fn facts(&self) -> Facts<'_> {
        Facts::new(
            &self.path,
            &self.file[self.payload_start..self.payload_end],
            self.limits,
            false,
        )
    }

    /// The payload's lines, undecoded, for a reader that decodes each fact itself (the
    /// importer parses revisions straight into their types). The same caps and line
    /// checks as [`VerifiedBundle::facts`]; the JSON syntax of every line was checked when
    /// the payload was verified.
    pub fn fact_lines(&self) -> FactLines<'_> {
        let mut facts = self.facts();
        facts.raw = true;
        FactLines(facts)
    }
}

/// See [`VerifiedBundle::fact_lines`].
pub struct FactLines<'a>(Facts<'a>);

impl FactLines<'_> {
    /// The next line, without its newline.
    pub fn next_line(&mut self) -> Option<Result<&[u8], BundleError>> {
        match self.0.next()? {
            Ok(_) => Some(Ok(&self.0.raw_line)),
            Err(e) => Some(Err(e)),
        }
    }
}

/// Something went wrong with a bundle file; `Display` names the file and says what, in
/// words meant for the person who handed over the file.
#[derive(Debug, thiserror::Error)]
#[error(
    "{}: {}",
    crate::termsafe::path(path),
    crate::termsafe::escape(&kind.to_string())
)]
pub struct BundleError {
    pub path: PathBuf,
    pub kind: BundleErrorKind,
}

impl BundleError {
    pub(crate) fn new(path: &Path, kind: BundleErrorKind) -> Self {
        BundleError {
            path: path.to_path_buf(),
            kind,
        }
    }
}

/// What went wrong. The UI may match on this to say it in the user's language
/// ([`BundleErrorKind::text`]); `Display` is the English text.
#[derive(Debug)]
#[non_exhaustive]
pub enum BundleErrorKind {
    Io {
        action: &'static str,
        source: io::Error,
    },
    NotAFile,
    FileTooLarge {
        size: u64,
        max: u64,
    },
    FileTooSmall {
        size: u64,
    },
    WrongMagic,
    NewerFormat {
        version: u16,
    },
    UnknownFormat {
        version: u16,
    },
    Truncated {
        expected: u64,
        found: u64,
    },
    TrailingBytes {
        expected: u64,
        found: u64,
    },
    ImpossibleLength,
    BadSignerKey,
    BadSignature,
    ManifestTooLarge {
        size: u64,
        max: u64,
    },
    BadManifest {
        reason: String,
    },
    PayloadTooLarge {
        max: u64,
    },
    FactTooLong {
        fact: u64,
        max: u64,
    },
    TooManyFacts {
        max: u64,
    },
    BadPayload {
        reason: String,
    },
    BadFact {
        fact: u64,
        reason: String,
    },
    PayloadHashMismatch,
    FactCountMismatch {
        declared: u64,
        found: u64,
    },
    CannotExport {
        reason: String,
    },
    ReadBackFailed {
        reason: String,
    },
}

use BundleErrorKind as Kind;

impl std::fmt::Display for BundleErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text_unescaped(crate::forms::Lang::En))
    }
}

impl std::error::Error for BundleErrorKind {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Kind::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl BundleErrorKind {
    /// What went wrong in `lang` (words from the catalogue, `i18n::data`). Details that only
    /// a developer can act on (a decoder's own words) stay as they are, escaped by the
    /// terminal-safety rule (they may quote the file).
    pub fn text(&self, lang: crate::forms::Lang) -> String {
        crate::termsafe::escape(&self.text_unescaped(lang)).into_owned()
    }

    /// [`BundleErrorKind::text`] in Chinese, for the TUI.
    pub fn zh(&self) -> String {
        self.text(crate::forms::Lang::Zh)
    }

    fn text_unescaped(&self, lang: crate::forms::Lang) -> String {
        use crate::i18n::data as m;
        match self {
            Kind::Io { action, source } => m::bundle_io(
                lang,
                m::io_action(lang, action),
                &crate::i18n::io_error(lang, source),
            ),
            Kind::NotAFile => m::bundle_not_a_file(lang),
            Kind::FileTooLarge { size, max } => m::bundle_file_too_large(lang, size, max),
            Kind::FileTooSmall { size } => m::bundle_file_too_small(lang, size),
            Kind::WrongMagic => m::bundle_wrong_magic(lang),
            Kind::NewerFormat { version } => m::bundle_newer_format(lang, version),
            Kind::UnknownFormat { version } => m::bundle_unknown_format(lang, version),
            Kind::Truncated { expected, found } => m::bundle_truncated(lang, expected, found),
            Kind::TrailingBytes { expected, found } => {
                m::bundle_trailing_bytes(lang, expected, found)
            }
            Kind::ImpossibleLength => m::bundle_impossible_length(lang),
            Kind::BadSignerKey => m::bundle_bad_signer_key(lang),
            Kind::BadSignature => m::bundle_bad_signature(lang),
            Kind::ManifestTooLarge { size, max } => m::bundle_manifest_too_large(lang, size, max),
            Kind::BadManifest { reason } => m::bundle_bad_manifest(lang, reason),
            Kind::PayloadTooLarge { max } => m::bundle_payload_too_large(lang, max),
            Kind::FactTooLong { fact, max } => m::bundle_fact_too_long(lang, fact, max),
            Kind::TooManyFacts { max } => m::bundle_too_many_facts(lang, max),
            Kind::BadPayload { reason } => m::bundle_bad_payload(lang, reason),
            Kind::BadFact { fact, reason } => m::bundle_bad_fact(lang, fact, reason),
            Kind::PayloadHashMismatch => m::bundle_payload_hash_mismatch(lang),
            Kind::FactCountMismatch { declared, found } => {
                m::bundle_fact_count_mismatch(lang, declared, found)
            }
            Kind::CannotExport { reason } => m::bundle_cannot_export(lang, reason),
            Kind::ReadBackFailed { reason } => m::bundle_read_back_failed(lang, reason),
        }
    }
}

/// Writes a signed bundle to `path` atomically: the facts are streamed through the
/// compressor (the uncompressed payload is never held in memory), the file is assembled and
/// signed in memory, written to a temporary file in the same directory, fsynced, renamed
/// over `path`, and the directory is fsynced. Then the file is read back from `path` and
/// fully verified, because removable disks sometimes acknowledge writes they did not make.
///
/// `manifest.format`, `payload_sha256` and `payload_facts` are filled in here. On error,
/// nothing is left at `path` (an older file there survives unless the failure was in the
/// read-back, in which case the new, bad file is removed).
pub fn write_bundle(
    path: &Path,
    key: &InstallationKey,
    manifest: Manifest,
    facts: impl IntoIterator<Item = serde_json::Value>,
) -> Result<BundleSummary, BundleError> {
    let facts = facts.into_iter().map(Ok::<_, std::convert::Infallible>);
    write_bundle_with_limits(path, key, manifest, facts, &Limits::default())
}

/// [`write_bundle`] for facts read from somewhere that can fail (the database): the first
/// error stops the export before anything is written, and becomes a `CannotExport` naming
/// it, so an older file at `path` survives.
pub fn try_write_bundle<E: std::fmt::Display>(
    path: &Path,
    key: &InstallationKey,
    manifest: Manifest,
    facts: impl IntoIterator<Item = Result<serde_json::Value, E>>,
) -> Result<BundleSummary, BundleError> {
    write_bundle_with_limits(path, key, manifest, facts, &Limits::default())
}

fn write_bundle_with_limits<E: std::fmt::Display>(
    path: &Path,
    key: &InstallationKey,
    mut manifest: Manifest,
    facts: impl IntoIterator<Item = Result<serde_json::Value, E>>,
    limits: &Limits,
) -> Result<BundleSummary, BundleError> {
    let err = |kind| BundleError::new(path, kind);
    let cannot = |reason: String| err(Kind::CannotExport { reason });

    manifest.format = u32::from(FORMAT_VERSION);
    manifest.payload_sha256 = String::new();
    manifest.payload_facts = 0;
    validate_manifest(&manifest, false).map_err(err)?;

    let payload = compress_facts(facts, limits).map_err(err)?;
    manifest.payload_sha256 = payload.sha256.clone();
    manifest.payload_facts = payload.facts;

    let manifest_json = serde_json::to_vec(&manifest)
        .map_err(|e| cannot(format!("the manifest cannot be encoded: {e}")))?;
    if manifest_json.len() as u64 > limits.max_manifest_bytes {
        return Err(err(Kind::ManifestTooLarge {
            size: manifest_json.len() as u64,
            max: limits.max_manifest_bytes,
        }));
    }
    let file = assemble(key, &manifest_json, payload.compressed)
        .ok_or_else(|| cannot("the bundle is too large".into()))?;
    if file.len() as u64 > limits.max_file_bytes {
        return Err(err(Kind::FileTooLarge {
            size: file.len() as u64,
            max: limits.max_file_bytes,
        }));
    }
    let file_bytes = file.len() as u64;
    write_atomically(path, &file)?;
    drop(file);

    let read_back = match open_bundle(path, limits) {
        Err(e) => Err(e.kind.to_string()),
        Ok(bundle) if bundle.signer != key.public_bytes() => {
            Err("it is signed by another key".to_string())
        }
        Ok(bundle) if bundle.manifest != manifest => Err("its manifest differs".to_string()),
        Ok(_) => Ok(()),
    };
    if let Err(reason) = read_back {
        let _ = fs::remove_file(path);
        return Err(err(Kind::ReadBackFailed { reason }));
    }
    Ok(BundleSummary {
        path: path.to_path_buf(),
        signer: key.public_bytes(),
        file_bytes,
        payload_bytes: payload.bytes,
        payload_facts: payload.facts,
        payload_sha256: payload.sha256,
    })
}

struct CompressedPayload {
    compressed: Vec<u8>,
    sha256: String,
    bytes: u64,
    facts: u64,
}

fn compress_facts<E: std::fmt::Display>(
    facts: impl IntoIterator<Item = Result<serde_json::Value, E>>,
    limits: &Limits,
) -> Result<CompressedPayload, BundleErrorKind> {
    let internal = |e: io::Error| Kind::CannotExport {
        reason: format!("compression failed: {e}"),
    };
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
    let mut hasher = Sha256::new();
    let mut line = Vec::new();
    let mut bytes = 0u64;
    let mut count = 0u64;
    for fact in facts {
        let fact = fact.map_err(|e| Kind::CannotExport {
            reason: e.to_string(),
        })?;
        count += 1;
        if count > limits.max_facts {
            return Err(Kind::TooManyFacts {
                max: limits.max_facts,
            });
        }
        line.clear();
        // Compact JSON never contains a raw newline: inside strings it is escaped.
        serde_json::to_writer(&mut line, &fact).map_err(|e| Kind::CannotExport {
            reason: format!("fact {count} cannot be encoded as JSON: {e}"),
        })?;
        if line.len() as u64 > limits.max_line_bytes {
            return Err(Kind::FactTooLong {
                fact: count,
                max: limits.max_line_bytes,
            });
        }
        line.push(b'\n');
        bytes += line.len() as u64;
        if bytes > limits.max_payload_bytes {
            return Err(Kind::PayloadTooLarge {
                max: limits.max_payload_bytes,
            });
        }
        hasher.update(&line);
        encoder.write_all(&line).map_err(internal)?;
        let so_far = encoder.get_ref().len() as u64 + MIN_FILE_LEN;
        if so_far > limits.max_file_bytes {
            return Err(Kind::FileTooLarge {
                size: so_far,
                max: limits.max_file_bytes,
            });
        }
    }
    let compressed = encoder.finish().map_err(internal)?;
    Ok(CompressedPayload {
        compressed,
        sha256: hex::encode(hasher.finalize()),
        bytes,
        facts: count,
    })
}

/// Lays out header, manifest and compressed payload, and appends the signature. Returns
/// `None` if the lengths do not fit their fields. The compressed payload buffer becomes the
/// file buffer (rotated into place) so a large bundle is not held in memory twice.
fn assemble(key: &InstallationKey, manifest_json: &[u8], compressed: Vec<u8>) -> Option<Vec<u8>> {
    let manifest_len = u32::try_from(manifest_json.len()).ok()?;
    let body_len = 4 + manifest_json.len() + compressed.len();
    let mut prefix = Vec::with_capacity(HEADER_LEN + 4 + manifest_json.len());
    prefix.extend_from_slice(&MAGIC);
    prefix.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    prefix.extend_from_slice(&key.public_bytes());
    prefix.extend_from_slice(&u64::try_from(body_len).ok()?.to_le_bytes());
    prefix.extend_from_slice(&manifest_len.to_le_bytes());
    prefix.extend_from_slice(manifest_json);

    let mut file = compressed;
    file.reserve_exact(prefix.len() + SIGNATURE_LEN);
    file.extend_from_slice(&prefix);
    file.rotate_right(prefix.len());
    let signature = key.sign(&file);
    file.extend_from_slice(&signature);
    Some(file)
}

fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), BundleError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let err = |action, source| BundleError::new(path, Kind::Io { action, source });
    let name = path.file_name().ok_or_else(|| {
        BundleError::new(
            path,
            Kind::CannotExport {
                reason: "this is not a file name".into(),
            },
        )
    })?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let tmp = dir.join(format!(
        ".{}.{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(|e| err("create a temporary file next to it", e))
        .and_then(|mut f| {
            f.write_all(contents)
                .and_then(|()| f.sync_all())
                .map_err(|e| err("write it", e))
        })
        .and_then(|()| fs::rename(&tmp, path).map_err(|e| err("move it into place", e)));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(dir).map_err(|e| err("flush its folder to disk", e))
}

/// Reads and fully verifies a bundle. In this order, which is the point: the file's size is
/// checked before reading it; magic, version and exact length before anything else; the
/// signature (by the key embedded in the file) before any JSON is parsed or any byte
/// decompressed; then the manifest, and one complete streaming pass over the payload that
/// checks its checksum, its fact count and that every fact is JSON, under `limits`.
/// When this returns `Ok`, [`VerifiedBundle::facts`] will not fail.
pub fn open_bundle(path: &Path, limits: &Limits) -> Result<VerifiedBundle, BundleError> {
    open_signed(path, limits)?.verify_payload()
}

/// A bundle whose framing, signature and manifest have been checked, and nothing else:
/// not one byte of its payload has been decompressed. An importer checks the signer
/// against its trust list here, so that a stranger's file costs a signature check, never
/// a decompression (a signed decompression bomb from an unknown key is refused unopened).
pub struct SignedBundle {
    /// The public key that signed it.
    pub signer: [u8; 32],
    pub manifest: Manifest,
    path: PathBuf,
    file: Vec<u8>,
    payload_start: usize,
    payload_end: usize,
    limits: Limits,
}

impl std::fmt::Debug for SignedBundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedBundle")
            .field("path", &self.path)
            .field("signer", &hex::encode(self.signer))
            .field("manifest", &self.manifest)
            .finish_non_exhaustive()
    }
}

impl SignedBundle {
    /// Step 6 of the reading order: one complete streaming pass over the payload that
    /// checks every fact's JSON (strictly: no duplicate keys, no CRLF), the caps, the
    /// count and the checksum.
    pub fn verify_payload(self) -> Result<VerifiedBundle, BundleError> {
        let path = self.path.as_path();
        let err = |kind| BundleError::new(path, kind);
        let mut facts = Facts::new(
            path,
            &self.file[self.payload_start..self.payload_end],
            self.limits,
            true,
        );
        facts.syntax_only = true;
        let mut found_facts = 0u64;
        for fact in &mut facts {
            fact?;
            found_facts += 1;
        }
        let (payload_bytes, sha256) = facts.checksum();
        if found_facts != self.manifest.payload_facts {
            return Err(err(Kind::FactCountMismatch {
                declared: self.manifest.payload_facts,
                found: found_facts,
            }));
        }
        if sha256.as_deref() != Some(self.manifest.payload_sha256.as_str()) {
            return Err(err(Kind::PayloadHashMismatch));
        }
        Ok(VerifiedBundle {
            signer: self.signer,
            manifest: self.manifest,
            path: self.path,
            file: self.file,
            payload_start: self.payload_start,
            payload_end: self.payload_end,
            limits: self.limits,
            payload_bytes,
        })
    }
}

/// Steps 1 to 5 of [`open_bundle`]: size, framing, signature, manifest; the payload is
/// left compressed. See [`SignedBundle`].
pub fn open_signed(path: &Path, limits: &Limits) -> Result<SignedBundle, BundleError> {
    let err = |kind| BundleError::new(path, kind);
    let io = |action| move |source| err(Kind::Io { action, source });
    let file = File::open(path).map_err(io("open it"))?;
    let meta = file.metadata().map_err(io("read its size"))?;
    if !meta.is_file() {
        return Err(err(Kind::NotAFile));
    }
    let size = meta.len();
    if size > limits.max_file_bytes {
        return Err(err(Kind::FileTooLarge {
            size,
            max: limits.max_file_bytes,
        }));
    }
    if size < MIN_FILE_LEN {
        return Err(err(Kind::FileTooSmall { size }));
    }
    // The file may grow between the size check and the read; never read past the cap.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io("read it"))?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(err(Kind::FileTooLarge {
            size: bytes.len() as u64,
            max: limits.max_file_bytes,
        }));
    }
    verify_signed(path, bytes, limits)
}

/// Everything [`open_bundle`] checks after reading the file. `path` is only for messages.
#[cfg(test)]
fn verify_bytes(
    path: &Path,
    bytes: Vec<u8>,
    limits: &Limits,
) -> Result<VerifiedBundle, BundleError> {
    verify_signed(path, bytes, limits)?.verify_payload()
}

/// Steps 3 to 5 on the file's bytes: framing, signature, manifest.
fn verify_signed(
    path: &Path,
    bytes: Vec<u8>,
    limits: &Limits,
) -> Result<SignedBundle, BundleError> {
    let err = |kind| BundleError::new(path, kind);
    let found = bytes.len() as u64;
    if found < MIN_FILE_LEN {
        return Err(err(Kind::FileTooSmall { size: found }));
    }
    // (3) Framing. Fixed offsets within the first MIN_FILE_LEN bytes: cannot go out of range.
    if bytes[0..8] != MAGIC {
        return Err(err(Kind::WrongMagic));
    }
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    if version > FORMAT_VERSION {
        return Err(err(Kind::NewerFormat { version }));
    }
    if version != FORMAT_VERSION {
        return Err(err(Kind::UnknownFormat { version }));
    }
    let mut signer = [0u8; 32];
    signer.copy_from_slice(&bytes[10..42]);
    let mut body_len = [0u8; 8];
    body_len.copy_from_slice(&bytes[42..50]);
    let body_len = u64::from_le_bytes(body_len);
    let expected = body_len
        .checked_add((HEADER_LEN + SIGNATURE_LEN) as u64)
        .filter(|&e| e <= limits.max_file_bytes)
        .ok_or_else(|| err(Kind::ImpossibleLength))?;
    if found < expected {
        return Err(err(Kind::Truncated { expected, found }));
    }
    if found > expected {
        return Err(err(Kind::TrailingBytes { expected, found }));
    }
    // `expected == bytes.len()`, so it fits in usize.
    let signed_end = bytes.len() - SIGNATURE_LEN;

    // (4) Signature, before anything else is interpreted.
    let key = VerifyingKey::from_bytes(&signer).map_err(|_| err(Kind::BadSignerKey))?;
    let mut signature = [0u8; SIGNATURE_LEN];
    signature.copy_from_slice(&bytes[signed_end..]);
    key.verify_strict(&bytes[..signed_end], &Signature::from_bytes(&signature))
        .map_err(|_| err(Kind::BadSignature))?;

    // (5) Manifest. The body is at least 4 bytes long because the file is at least
    // MIN_FILE_LEN long.
    let body = &bytes[HEADER_LEN..signed_end];
    let manifest_len = u64::from(u32::from_le_bytes([body[0], body[1], body[2], body[3]]));
    if manifest_len > limits.max_manifest_bytes {
        return Err(err(Kind::ManifestTooLarge {
            size: manifest_len,
            max: limits.max_manifest_bytes,
        }));
    }
    let manifest_end = usize::try_from(manifest_len)
        .ok()
        .and_then(|m| m.checked_add(4))
        .filter(|&end| end <= body.len())
        .ok_or_else(|| {
            err(Kind::BadManifest {
                reason: "its length runs past the end of the file".into(),
            })
        })?;
    serde_json::from_slice::<StrictJson>(&body[4..manifest_end]).map_err(|e| {
        err(Kind::BadManifest {
            reason: e.to_string(),
        })
    })?;
    let manifest: Manifest = serde_json::from_slice(&body[4..manifest_end]).map_err(|e| {
        err(Kind::BadManifest {
            reason: e.to_string(),
        })
    })?;
    validate_manifest(&manifest, true).map_err(err)?;

    let payload_start = HEADER_LEN + manifest_end;
    Ok(SignedBundle {
        signer,
        manifest,
        path: path.to_path_buf(),
        file: bytes,
        payload_start,
        payload_end: signed_end,
        limits: *limits,
    })
}

/// Checks the manifest fields this layer is responsible for. Text from a bundle may be shown
/// in a terminal, so control characters are refused here, at the boundary.
fn validate_manifest(manifest: &Manifest, reading: bool) -> Result<(), BundleErrorKind> {
    let bad = |reason: String| {
        if reading {
            Kind::BadManifest { reason }
        } else {
            Kind::CannotExport { reason }
        }
    };
    if manifest.format > u32::from(FORMAT_VERSION) {
        return Err(Kind::NewerFormat {
            version: u16::try_from(manifest.format).unwrap_or(u16::MAX),
        });
    }
    if manifest.format != u32::from(FORMAT_VERSION) {
        return Err(bad(format!("unknown format {}", manifest.format)));
    }
    if uuid::Uuid::try_parse(&manifest.bundle_id).is_err() {
        return Err(bad("bundle_id is not a UUID".into()));
    }
    if manifest.exporter_scope.len() != 12
        || !manifest.exporter_scope.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad("exporter_scope is not a 12-digit division code".into()));
    }
    let texts = [
        ("created_at", &manifest.created_at),
        ("exporter_name", &manifest.exporter_name),
        ("round", &manifest.round),
    ];
    let texts = texts
        .into_iter()
        .chain(manifest.counts.keys().map(|k| ("counts", k)))
        .chain(manifest.forms.iter().map(|f| ("forms", f)));
    for (field, text) in texts {
        if crate::termsafe::has_unsafe(text) {
            return Err(bad(format!("{field} contains control characters")));
        }
    }
    if reading
        && (manifest.payload_sha256.len() != 64
            || !manifest
                .payload_sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    {
        return Err(bad("payload_sha256 is not 64 lowercase hex digits".into()));
    }
    Ok(())
}

/// Streams facts out of a compressed payload held in memory: raw DEFLATE, then one JSON
/// value per newline-terminated line. Memory stays at one output buffer plus one line,
/// whatever the payload expands to; the caps in `Limits` end the stream with an error.
pub struct Facts<'a> {
    path: &'a Path,
    input: &'a [u8],
    inflater: Decompress,
    out: Vec<u8>,
    out_pos: usize,
    out_len: usize,
    line: Vec<u8>,
    limits: Limits,
    facts: u64,
    total_out: u64,
    hasher: Option<Sha256>,
    /// Check each line's JSON syntax without building it (yields `Value::Null`).
    syntax_only: bool,
    /// Keep each line's bytes in `raw_line` instead of parsing it (yields `Value::Null`):
    /// for [`FactLines`], whose caller decodes the line itself.
    raw: bool,
    raw_line: Vec<u8>,
    stream_ended: bool,
    done: bool,
}

const INFLATE_CHUNK: usize = 64 * 1024;

impl<'a> Facts<'a> {
    fn new(path: &'a Path, input: &'a [u8], limits: Limits, hash: bool) -> Self {
        Facts {
            path,
            input,
            inflater: Decompress::new(false),
            out: vec![0; INFLATE_CHUNK],
            out_pos: 0,
            out_len: 0,
            line: Vec::new(),
            limits,
            facts: 0,
            total_out: 0,
            hasher: hash.then(Sha256::new),
            syntax_only: false,
            raw: false,
            raw_line: Vec::new(),
            stream_ended: false,
            done: false,
        }
    }

    /// Uncompressed size and SHA-256 (if hashing) of what has been streamed so far.
    fn checksum(self) -> (u64, Option<String>) {
        (
            self.total_out,
            self.hasher.map(|h| hex::encode(h.finalize())),
        )
    }

    fn fail(&mut self, kind: BundleErrorKind) -> Option<Result<serde_json::Value, BundleError>> {
        self.done = true;
        self.line = Vec::new();
        Some(Err(BundleError::new(self.path, kind)))
    }

    /// Decompresses the next chunk into `out`, which must be fully consumed.
    fn refill(&mut self) -> Result<(), BundleErrorKind> {
        let damaged = |reason: &str| Kind::BadPayload {
            reason: reason.into(),
        };
        let in_before = self.inflater.total_in();
        let out_before = self.inflater.total_out();
        let rest = self.input.get(self.consumed_input()..).unwrap_or(&[]);
        let status = self
            .inflater
            .decompress(rest, &mut self.out, FlushDecompress::None)
            .map_err(|_| damaged("not a valid DEFLATE stream"))?;
        let consumed = self.inflater.total_in() - in_before;
        let produced = usize::try_from(self.inflater.total_out() - out_before)
            .map_err(|_| damaged("inconsistent decompressor state"))?;
        self.out_pos = 0;
        self.out_len = produced.min(self.out.len());
        self.total_out += produced as u64;
        if self.total_out > self.limits.max_payload_bytes {
            return Err(Kind::PayloadTooLarge {
                max: self.limits.max_payload_bytes,
            });
        }
        if let Some(hasher) = &mut self.hasher {
            hasher.update(&self.out[..self.out_len]);
        }
        match status {
            Status::StreamEnd => {
                self.stream_ended = true;
                if self.consumed_input() != self.input.len() {
                    return Err(damaged(
                        "there are bytes after the end of the compressed data",
                    ));
                }
            }
            Status::Ok | Status::BufError if consumed == 0 && produced == 0 => {
                return Err(if self.consumed_input() >= self.input.len() {
                    damaged("the compressed data ends too early")
                } else {
                    damaged("the decompressor made no progress")
                });
            }
            Status::Ok | Status::BufError => {}
        }
        Ok(())
    }

    fn consumed_input(&self) -> usize {
        usize::try_from(self.inflater.total_in()).unwrap_or(usize::MAX)
    }
}

fn parse_fact(
    fact: u64,
    line: &[u8],
    syntax_only: bool,
) -> Result<serde_json::Value, BundleErrorKind> {
    check_line(fact, line)?;
    let bad = |e: serde_json::Error| Kind::BadFact {
        fact,
        reason: e.to_string(),
    };
    if syntax_only {
        serde_json::from_slice::<StrictJson>(line).map_err(bad)?;
        return Ok(serde_json::Value::Null);
    }
    serde_json::from_slice(line).map_err(bad)
}

/// What every line must be before it is parsed: not empty, no carriage return.
fn check_line(fact: u64, line: &[u8]) -> Result<(), BundleErrorKind> {
    if line.is_empty() {
        return Err(Kind::BadFact {
            fact,
            reason: "empty line".into(),
        });
    }
    // JSON cannot hold a raw carriage return inside a string, so one here is a CRLF line
    // ending or stray whitespace: a writer that is not ours. Refused, as the format says.
    if line.contains(&b'\r') {
        return Err(Kind::BadFact {
            fact,
            reason: "the line holds a carriage return (a CRLF line ending); lines end with \
                     a single newline"
                .into(),
        });
    }
    Ok(())
}

/// Walks a JSON value without building it, and refuses an object that holds the same key
/// twice (`{"households": 1, "households": 900}`): a reader that keeps the first and one
/// that keeps the last would see different facts, and `serde_json` keeps the last
/// silently. Used for the first, syntax-only pass over every fact and for the manifest.
struct StrictJson;

impl<'de> Deserialize<'de> for StrictJson {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictJsonVisitor)
    }
}

struct StrictJsonVisitor;

impl<'de> serde::de::Visitor<'de> for StrictJsonVisitor {
    type Value = StrictJson;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<StrictJson, E> {
        Ok(StrictJson)
    }
    fn visit_i64<E>(self, _: i64) -> Result<StrictJson, E> {
        Ok(StrictJson)
    }
    fn visit_u64<E>(self, _: u64) -> Result<StrictJson, E> {
        Ok(StrictJson)
    }
    fn visit_f64<E>(self, _: f64) -> Result<StrictJson, E> {
        Ok(StrictJson)
    }
    fn visit_str<E>(self, _: &str) -> Result<StrictJson, E> {
        Ok(StrictJson)
    }
    fn visit_unit<E>(self) -> Result<StrictJson, E> {
        Ok(StrictJson)
    }
    fn visit_none<E>(self) -> Result<StrictJson, E> {
        Ok(StrictJson)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<StrictJson, A::Error> {
        while seq.next_element::<StrictJson>()?.is_some() {}
        Ok(StrictJson)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<StrictJson, A::Error> {
        // Facts' objects have a few dozen keys: a list is cheapest. Past that, a set, so
        // that a hostile object with a million keys costs linear time.
        let mut few: Vec<String> = Vec::new();
        let mut many: std::collections::HashSet<String> = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let repeated = if many.is_empty() && few.len() < 32 {
                few.contains(&key)
            } else {
                many.extend(few.drain(..));
                many.contains(&key)
            };
            if repeated {
                return Err(serde::de::Error::custom(format_args!(
                    "the key \"{}\" appears twice in one object",
                    crate::termsafe::escape(&key)
                )));
            }
            if many.is_empty() {
                few.push(key);
            } else {
                many.insert(key);
            }
            map.next_value::<StrictJson>()?;
        }
        Ok(StrictJson)
    }
}

impl Iterator for Facts<'_> {
    type Item = Result<serde_json::Value, BundleError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let max_line = self.limits.max_line_bytes;
        loop {
            let available = &self.out[self.out_pos..self.out_len];
            let newline = available.iter().position(|&b| b == b'\n');
            let segment_len = newline.unwrap_or(available.len());
            if (self.line.len() + segment_len) as u64 > max_line {
                let fact = self.facts + 1;
                return self.fail(Kind::FactTooLong {
                    fact,
                    max: max_line,
                });
            }
            if let Some(at) = newline {
                let fact = self.facts + 1;
                if fact > self.limits.max_facts {
                    let max = self.limits.max_facts;
                    return self.fail(Kind::TooManyFacts { max });
                }
                let start = self.out_pos;
                self.out_pos += at + 1;
                let parsed = if self.raw {
                    self.raw_line.clear();
                    self.raw_line.extend_from_slice(&self.line);
                    self.raw_line
                        .extend_from_slice(&self.out[start..start + at]);
                    self.line.clear();
                    check_line(fact, &self.raw_line).map(|()| serde_json::Value::Null)
                } else if self.line.is_empty() {
                    parse_fact(fact, &self.out[start..start + at], self.syntax_only)
                } else {
                    self.line.extend_from_slice(&self.out[start..start + at]);
                    let parsed = parse_fact(fact, &self.line, self.syntax_only);
                    self.line.clear();
                    parsed
                };
                return match parsed {
                    Ok(value) => {
                        self.facts = fact;
                        Some(Ok(value))
                    }
                    Err(kind) => self.fail(kind),
                };
            }
            self.line
                .extend_from_slice(&self.out[self.out_pos..self.out_len]);
            self.out_pos = 0;
            self.out_len = 0;
            if self.stream_ended {
                self.done = true;
                if !self.line.is_empty() {
                    let fact = self.facts + 1;
                    return self.fail(Kind::BadFact {
                        fact,
                        reason: "the last line does not end with a newline".into(),
                    });
                }
                return None;
            }
            if let Err(kind) = self.refill() {
                return self.fail(kind);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};
    use serde_json::{Value, json};

    fn key(n: u8) -> InstallationKey {
        InstallationKey::from_seed([n; 32])
    }

    fn manifest() -> Manifest {
        Manifest {
            bundle_id: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".into(),
            created_at: "2026-11-28T10:00:00+08:00".into(),
            exporter_name: "城关镇 township".into(),
            exporter_scope: "411002001000".into(),
            round: "2020".into(),
            counts: BTreeMap::from([("revisions".into(), 2), ("approvals".into(), 1)]),
            forms: vec!["village@1".into()],
            ..Manifest::default()
        }
    }

    fn sample_facts() -> Vec<Value> {
        vec![
            json!({"kind": "revision", "record": "r1", "rev": 1,
                   "fields": {"village_code": "411002001201", "households": 312,
                              "notes": "line one\nline two, 村委会 \u{1F600}"}}),
            json!({"kind": "revision", "record": "r2", "rev": 3, "fields": {"z": 1.5, "a": null}}),
            json!({"kind": "approval", "record": "r1", "by": "王"}),
            json!(42),
            json!("a bare string"),
        ]
    }

    fn ndjson(facts: &[Value]) -> Vec<u8> {
        let mut out = Vec::new();
        for fact in facts {
            out.extend(serde_json::to_vec(fact).unwrap());
            out.push(b'\n');
        }
        out
    }

    fn sample_bytes() -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sample.renv");
        write_bundle(&path, &key(1), manifest(), sample_facts()).unwrap();
        fs::read(&path).unwrap()
    }

    fn verify(bytes: Vec<u8>) -> Result<VerifiedBundle, BundleError> {
        verify_bytes(Path::new("t.renv"), bytes, &Limits::default())
    }

    fn collect(bundle: &VerifiedBundle) -> Vec<Value> {
        bundle.facts().map(|f| f.unwrap()).collect()
    }

    /// A correctly signed bundle with arbitrary manifest bytes and compressed payload, to
    /// show what happens when the signer itself is faulty or hostile.
    fn signed_raw(key: &InstallationKey, manifest_json: &[u8], compressed: Vec<u8>) -> Vec<u8> {
        assemble(key, manifest_json, compressed).unwrap()
    }

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    /// A signed bundle whose manifest tells the truth about `payload` (hash and count).
    fn signed_payload(payload: &[u8], facts: u64) -> Vec<u8> {
        let mut m = manifest();
        m.format = 1;
        m.payload_sha256 = hex::encode(Sha256::digest(payload));
        m.payload_facts = facts;
        signed_raw(&key(1), &serde_json::to_vec(&m).unwrap(), deflate(payload))
    }

    fn kind_of(result: Result<VerifiedBundle, BundleError>) -> BundleErrorKind {
        match result {
            Ok(_) => panic!("accepted"),
            Err(e) => e.kind,
        }
    }

    #[test]
    fn round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bundle.renv");
        let facts = sample_facts();
        let summary = write_bundle(&path, &key(1), manifest(), facts.clone()).unwrap();
        let bundle = open_bundle(&path, &Limits::default()).unwrap();

        assert_eq!(bundle.signer, key(1).public_bytes());
        assert_eq!(summary.signer, bundle.signer);
        let mut expected = manifest();
        expected.format = 1;
        expected.payload_facts = facts.len() as u64;
        expected.payload_sha256 = hex::encode(Sha256::digest(ndjson(&facts)));
        assert_eq!(bundle.manifest, expected);
        assert_eq!(summary.payload_sha256, expected.payload_sha256);
        assert_eq!(summary.payload_facts, 5);
        assert_eq!(summary.payload_bytes, ndjson(&facts).len() as u64);
        assert_eq!(bundle.payload_bytes(), summary.payload_bytes);
        assert_eq!(summary.file_bytes, fs::metadata(&path).unwrap().len());
        assert_eq!(bundle.file_bytes(), summary.file_bytes);
        assert_eq!(collect(&bundle), facts);
        // Twice: facts() starts over each time.
        assert_eq!(collect(&bundle), facts);
        // Object key order survives (serde_json preserve_order).
        let keys: Vec<_> = collect(&bundle)[1]["fields"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, ["z", "a"]);
        // Only the bundle is left in the folder.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn header_is_laid_out_as_documented() {
        let bytes = sample_bytes();
        assert_eq!(&bytes[0..8], b"RENVBNDL");
        assert_eq!(&bytes[8..10], &[1, 0]);
        assert_eq!(&bytes[10..42], &key(1).public_bytes());
        let n = u64::from_le_bytes(bytes[42..50].try_into().unwrap());
        assert_eq!(bytes.len() as u64, 50 + n + 64);
        let m = u32::from_le_bytes(bytes[50..54].try_into().unwrap()) as usize;
        let manifest: Value = serde_json::from_slice(&bytes[54..54 + m]).unwrap();
        assert_eq!(manifest["format"], 1);
        let signed = &bytes[..bytes.len() - 64];
        let signature = Signature::from_bytes(bytes[bytes.len() - 64..].try_into().unwrap());
        key(1)
            .verifying_key()
            .verify_strict(signed, &signature)
            .unwrap();
    }

    #[test]
    fn empty_and_large_payloads_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.renv");
        write_bundle(&path, &key(1), manifest(), Vec::new()).unwrap();
        let bundle = open_bundle(&path, &Limits::default()).unwrap();
        assert_eq!(bundle.manifest.payload_facts, 0);
        assert_eq!(bundle.facts().count(), 0);

        // Many facts across many decompression chunks, and one fact longer than a chunk.
        let mut facts: Vec<Value> = (0..5000)
            .map(|i| json!({"i": i, "text": format!("村{i}").repeat(i % 40)}))
            .collect();
        facts.insert(2500, json!({"long": "x".repeat(300 * 1024)}));
        let path = dir.path().join("large.renv");
        write_bundle(&path, &key(2), manifest(), facts.clone()).unwrap();
        let bundle = open_bundle(&path, &Limits::default()).unwrap();
        assert_eq!(collect(&bundle), facts);
    }

    #[test]
    fn overwrites_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bundle.renv");
        fs::write(&path, b"old contents").unwrap();
        write_bundle(&path, &key(1), manifest(), sample_facts()).unwrap();
        assert!(open_bundle(&path, &Limits::default()).is_ok());
    }

    #[test]
    fn every_truncation_is_refused() {
        let bytes = sample_bytes();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.renv");
        for len in 0..bytes.len() {
            fs::write(&path, &bytes[..len]).unwrap();
            let err = match open_bundle(&path, &Limits::default()) {
                Ok(_) => panic!("a bundle cut to {len} bytes was accepted"),
                Err(e) => e,
            };
            if len as u64 >= MIN_FILE_LEN {
                assert!(
                    matches!(err.kind, Kind::Truncated { expected, found }
                        if expected == bytes.len() as u64 && found == len as u64),
                    "{len}: {err}"
                );
            } else {
                assert!(
                    matches!(err.kind, Kind::FileTooSmall { .. }),
                    "{len}: {err}"
                );
            }
        }
        fs::write(&path, &bytes[..200]).unwrap();
        let message = open_bundle(&path, &Limits::default())
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            format!(
                "{}: the file is truncated (expected {} bytes, found 200)",
                path.display(),
                bytes.len()
            )
        );
    }

    /// Checks the law "every mutation of a valid bundle is refused, or equal".
    fn check_mutation(original: &[u8], mutated: Vec<u8>) {
        let same = mutated == original;
        match verify(mutated) {
            Ok(bundle) => {
                assert!(same, "a changed bundle was accepted");
                assert_eq!(collect(&bundle), sample_facts());
            }
            Err(e) => assert!(!same, "the original was refused: {e}"),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 6000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn overwritten_bytes_are_refused(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)
        ) {
            let original = sample();
            let mut mutated = original.clone();
            for (at, byte) in edits {
                let i = at.index(mutated.len());
                mutated[i] = byte;
            }
            check_mutation(&original, mutated);
        }
    }

    fn sample() -> Vec<u8> {
        static SAMPLE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        SAMPLE.get_or_init(sample_bytes).clone()
    }

    #[test]
    fn structural_mutations_are_refused() {
        let original = sample();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20_200_101);
        for _ in 0..5000 {
            let mut m = original.clone();
            match rng.random_range(0..6) {
                0 => {
                    let i = rng.random_range(0..m.len());
                    m[i] ^= 1 << rng.random_range(0..8);
                }
                1 => {
                    let i = rng.random_range(0..=m.len());
                    m.insert(i, rng.random());
                }
                2 => {
                    let i = rng.random_range(0..m.len());
                    let n = rng.random_range(1..=(m.len() - i).min(16));
                    m.drain(i..i + n);
                }
                3 => {
                    // Swap two bytes.
                    let (i, j) = (rng.random_range(0..m.len()), rng.random_range(0..m.len()));
                    m.swap(i, j);
                }
                4 => {
                    // Overwrite a run.
                    let i = rng.random_range(0..m.len());
                    let n = rng.random_range(1..=(m.len() - i).min(32));
                    let byte = rng.random();
                    m[i..i + n].fill(byte);
                }
                _ => {
                    let n = rng.random_range(1..64);
                    m.extend((0..n).map(|_| rng.random::<u8>()));
                }
            }
            check_mutation(&original, m);
        }
    }

    #[test]
    fn tampering_is_detected() {
        let original = sample();
        let sig_at = original.len() - SIGNATURE_LEN;

        // Payload changed after signing.
        let mut changed = original.clone();
        changed[sig_at - 3] ^= 0x40;
        let err = verify(changed).unwrap_err();
        assert!(matches!(err.kind, Kind::BadSignature));
        assert_eq!(
            err.to_string(),
            "t.renv: signature does not match: the file was changed after it was signed or \
             is damaged"
        );

        // Signature moved from another bundle by the same key.
        let dir = tempfile::tempdir().unwrap();
        let other_path = dir.path().join("other.renv");
        let mut other_manifest = manifest();
        other_manifest.round = "2021".into();
        write_bundle(&other_path, &key(1), other_manifest, sample_facts()).unwrap();
        let other = fs::read(&other_path).unwrap();
        let mut moved = original.clone();
        moved[sig_at..].copy_from_slice(&other[other.len() - SIGNATURE_LEN..]);
        assert!(matches!(kind_of(verify(moved)), Kind::BadSignature));

        // Public key swapped for another valid key.
        let mut swapped = original.clone();
        swapped[10..42].copy_from_slice(&key(9).public_bytes());
        assert!(matches!(kind_of(verify(swapped)), Kind::BadSignature));

        // A key field that is not a point at all.
        let mut not_point = original.clone();
        not_point[10..42].copy_from_slice(&[2; 32]);
        not_point[10] = 2;
        not_point[11..42].fill(0);
        assert!(matches!(kind_of(verify(not_point)), Kind::BadSignerKey));

        // Re-signed by someone else: a valid bundle, but the signer says who, and the
        // trust list (not this layer) decides whether that key may deliver anything.
        let body_end = sig_at;
        let mut resigned = original[..body_end].to_vec();
        resigned[10..42].copy_from_slice(&key(9).public_bytes());
        let signature = key(9).sign(&resigned);
        resigned.extend_from_slice(&signature);
        let bundle = verify(resigned).unwrap();
        assert_eq!(bundle.signer, key(9).public_bytes());
    }

    #[test]
    fn framing_errors_are_named() {
        let original = sample();
        let mut magic = original.clone();
        magic[0] = b'X';
        assert!(matches!(kind_of(verify(magic)), Kind::WrongMagic));
        let mut newer = original.clone();
        newer[8] = 2;
        let err = verify(newer).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.renv: made by a newer version (format 2); update ruralenv to read it"
        );
        let mut zero = original.clone();
        zero[8] = 0;
        assert!(matches!(
            kind_of(verify(zero)),
            Kind::UnknownFormat { version: 0 }
        ));
        let mut longer = original.clone();
        longer.push(0);
        assert!(matches!(
            kind_of(verify(longer)),
            Kind::TrailingBytes { .. }
        ));
        let mut huge = original.clone();
        huge[42..50].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(kind_of(verify(huge)), Kind::ImpossibleLength));
        let mut not_bundle = b"PK\x03\x04 this is a zip file, not a bundle".to_vec();
        not_bundle.resize(500, b'.');
        assert!(
            verify(not_bundle)
                .unwrap_err()
                .to_string()
                .contains("not a ruralenv bundle")
        );
    }

    #[test]
    fn file_level_limits() {
        let dir = tempfile::tempdir().unwrap();
        let err = open_bundle(dir.path(), &Limits::default()).unwrap_err();
        assert!(matches!(err.kind, Kind::NotAFile), "{err}");
        let missing = dir.path().join("missing.renv");
        let err = open_bundle(&missing, &Limits::default()).unwrap_err();
        assert!(matches!(err.kind, Kind::Io { .. }), "{err}");
        assert!(err.to_string().starts_with(&missing.display().to_string()));

        let path = dir.path().join("b.renv");
        fs::write(&path, sample()).unwrap();
        let tiny = Limits {
            max_file_bytes: 100,
            ..Limits::default()
        };
        let err = open_bundle(&path, &tiny).unwrap_err();
        assert!(
            matches!(err.kind, Kind::FileTooLarge { max: 100, .. }),
            "{err}"
        );
    }

    #[test]
    fn decompression_bomb_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.renv");
        let facts = (0..64).map(|_| json!("a".repeat(64 * 1024)));
        write_bundle(&path, &key(1), manifest(), facts).unwrap();
        assert!(fs::metadata(&path).unwrap().len() < 64 * 1024);
        let tiny = Limits {
            max_payload_bytes: 1024 * 1024,
            ..Limits::default()
        };
        let err = open_bundle(&path, &tiny).unwrap_err();
        assert!(matches!(err.kind, Kind::PayloadTooLarge { .. }), "{err}");
        assert!(err.to_string().contains("refusing to unpack"), "{err}");

        // One endless line is stopped by the line cap, not by memory.
        let line = "b".repeat(4 * 1024 * 1024);
        let bomb = signed_payload(line.as_bytes(), 1);
        let limits = Limits {
            max_line_bytes: 64 * 1024,
            ..Limits::default()
        };
        let err = verify_bytes(Path::new("t.renv"), bomb, &limits).unwrap_err();
        assert!(
            matches!(err.kind, Kind::FactTooLong { fact: 1, .. }),
            "{err}"
        );

        let many = Limits {
            max_facts: 3,
            ..Limits::default()
        };
        let err = verify_bytes(Path::new("t.renv"), sample(), &many).unwrap_err();
        assert!(matches!(err.kind, Kind::TooManyFacts { max: 3 }), "{err}");
    }

    #[test]
    fn writing_respects_limits_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.renv");
        let small = Limits {
            max_payload_bytes: 1000,
            ..Limits::default()
        };
        let facts = (0..100).map(|i| Ok::<_, String>(json!({"i": i, "pad": "p".repeat(50)})));
        let err = write_bundle_with_limits(&path, &key(1), manifest(), facts, &small).unwrap_err();
        assert!(matches!(err.kind, Kind::PayloadTooLarge { .. }), "{err}");
        let few = Limits {
            max_facts: 2,
            ..Limits::default()
        };
        let facts = sample_facts().into_iter().map(Ok::<_, String>);
        let err = write_bundle_with_limits(&path, &key(1), manifest(), facts, &few).unwrap_err();
        assert!(matches!(err.kind, Kind::TooManyFacts { .. }), "{err}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);

        // A source that fails part-way writes nothing.
        let failing = sample_facts()
            .into_iter()
            .map(Ok)
            .chain([Err("the database is locked".to_string())]);
        let err = try_write_bundle(&path, &key(1), manifest(), failing).unwrap_err();
        assert!(matches!(err.kind, Kind::CannotExport { .. }), "{err}");
        assert!(err.to_string().contains("the database is locked"), "{err}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);

        // An invalid manifest leaves an older file untouched.
        fs::write(&path, b"older").unwrap();
        let mut bad = manifest();
        bad.exporter_scope = "4110".into();
        let err = write_bundle(&path, &key(1), bad, sample_facts()).unwrap_err();
        assert!(matches!(err.kind, Kind::CannotExport { .. }), "{err}");
        assert_eq!(fs::read(&path).unwrap(), b"older");
        let mut bad = manifest();
        bad.exporter_name = "evil\u{1b}[2J".into();
        assert!(write_bundle(&path, &key(1), bad, sample_facts()).is_err());
        let mut bad = manifest();
        bad.bundle_id = "not-a-uuid".into();
        assert!(write_bundle(&path, &key(1), bad, sample_facts()).is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);

        // A folder that does not exist.
        let nowhere = dir.path().join("no/such/folder/out.renv");
        let err = write_bundle(&nowhere, &key(1), manifest(), sample_facts()).unwrap_err();
        assert!(matches!(err.kind, Kind::Io { .. }), "{err}");
    }

    #[test]
    fn every_refusal_has_chinese_words() {
        let kinds = [
            Kind::WrongMagic,
            Kind::BadSignature,
            Kind::Truncated {
                expected: 100,
                found: 40,
            },
            Kind::Io {
                action: "open it",
                source: io::Error::from(io::ErrorKind::NotFound),
            },
            Kind::ReadBackFailed {
                reason: "short read".into(),
            },
        ];
        for k in &kinds {
            let zh = k.zh();
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{k}: {zh}"
            );
        }
        assert!(kinds[2].zh().contains("100") && kinds[2].zh().contains("40"));
        assert!(
            kinds[3].zh().starts_with("无法打开文件"),
            "{}",
            kinds[3].zh()
        );
    }

    #[test]
    fn faulty_signers_are_refused_after_the_signature() {
        let good = ndjson(&sample_facts());
        assert!(verify(signed_payload(&good, 5)).is_ok());

        // Count and checksum must agree with the payload.
        assert!(matches!(
            kind_of(verify(signed_payload(&good, 4))),
            Kind::FactCountMismatch {
                declared: 4,
                found: 5
            }
        ));
        let mut m = manifest();
        m.format = 1;
        m.payload_facts = 5;
        m.payload_sha256 = "0".repeat(64);
        let wrong_hash = signed_raw(&key(1), &serde_json::to_vec(&m).unwrap(), deflate(&good));
        assert!(matches!(
            kind_of(verify(wrong_hash)),
            Kind::PayloadHashMismatch
        ));

        // Lines.
        for (payload, facts) in [
            (&b"{\"a\":1}\n\n"[..], 2),
            (b"{\"a\":1}\n{\"b\":", 2),
            (b"{\"a\":1}\n{\"b\":2}", 2),
            (b"{\"a\":1} {\"b\":2}\n", 1),
            (b"\xff\xfe\n", 1),
        ] {
            let err = verify(signed_payload(payload, facts)).unwrap_err();
            assert!(
                matches!(err.kind, Kind::BadFact { .. }),
                "{payload:?}: {err}"
            );
        }
        // Well-formed JSON that cannot be held: the verifying pass reads every value (to
        // find duplicate keys), so the bundle is refused before it opens, naming the fact.
        let err = verify(signed_payload(b"{\"a\":1}\n[1e400]\n", 2)).unwrap_err();
        assert!(matches!(err.kind, Kind::BadFact { fact: 2, .. }), "{err}");
        let deep = format!("{}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        let err = verify(signed_payload(deep.as_bytes(), 1)).unwrap_err();
        assert!(matches!(err.kind, Kind::BadFact { fact: 1, .. }), "{err}");

        // The compressed stream itself.
        let mut m = manifest();
        m.format = 1;
        m.payload_facts = 5;
        m.payload_sha256 = hex::encode(Sha256::digest(&good));
        let json = serde_json::to_vec(&m).unwrap();
        let full = deflate(&good);
        let cut = full[..full.len() - 3].to_vec();
        let mut trailing = full.clone();
        trailing.extend_from_slice(b"extra");
        for compressed in [
            cut,
            trailing,
            b"\xff\xff\xff\xff not deflate".to_vec(),
            vec![],
        ] {
            let err = verify(signed_raw(&key(1), &json, compressed)).unwrap_err();
            assert!(matches!(err.kind, Kind::BadPayload { .. }), "{err}");
        }

        // The manifest.
        let compressed = deflate(&good);
        let err = verify(signed_raw(&key(1), b"{not json", compressed.clone())).unwrap_err();
        assert!(matches!(err.kind, Kind::BadManifest { .. }), "{err}");
        let mut newer = m.clone();
        newer.format = 2;
        let newer = signed_raw(
            &key(1),
            &serde_json::to_vec(&newer).unwrap(),
            compressed.clone(),
        );
        assert!(matches!(
            kind_of(verify(newer)),
            Kind::NewerFormat { version: 2 }
        ));
        let mut control = m.clone();
        control.round = "2020\r".into();
        let control = signed_raw(
            &key(1),
            &serde_json::to_vec(&control).unwrap(),
            compressed.clone(),
        );
        assert!(matches!(kind_of(verify(control)), Kind::BadManifest { .. }));
        let big = format!("{{\"pad\":\"{}\"}}", " ".repeat(2 * 1024 * 1024));
        let big = signed_raw(&key(1), big.as_bytes(), compressed.clone());
        assert!(matches!(
            kind_of(verify(big)),
            Kind::ManifestTooLarge { .. }
        ));

        // A manifest length pointing past the body, correctly signed.
        let mut past = signed_raw(&key(1), &json, compressed.clone());
        past.truncate(past.len() - SIGNATURE_LEN);
        past[50..54].copy_from_slice(&(u32::try_from(json.len()).unwrap() + 10_000).to_le_bytes());
        let signature = key(1).sign(&past);
        past.extend_from_slice(&signature);
        assert!(matches!(kind_of(verify(past)), Kind::BadManifest { .. }));

        // Fields a later version may add are tolerated.
        let mut extended: Value = serde_json::to_value(&m).unwrap();
        extended["added_later"] = json!({"x": 1});
        let extended = signed_raw(&key(1), &serde_json::to_vec(&extended).unwrap(), compressed);
        assert_eq!(verify(extended).unwrap().manifest, m);
    }
}
