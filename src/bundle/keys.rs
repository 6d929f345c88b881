//! The installation's ed25519 signing key, its on-disk file, and the forms in which people
//! exchange public keys: 64 hex characters, and a fingerprint to read aloud over the phone.
//!
//! The key file is `installation.key` in the data directory: the 32-byte secret seed as 64
//! lowercase hex characters and a newline. It is created once, atomically (temporary file,
//! fsync, link into place), readable only by its owner on unix (on Windows the data
//! directory under the user's profile is, by the profile's access list). It is created
//! only together with a new data directory, before its database: a key that is missing
//! later, damaged, or readable by other users is refused, never replaced silently, because
//! a new key is a new identity that every importer must trust again.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// File name of the key inside the data directory.
pub const KEY_FILE_NAME: &str = "installation.key";

/// Beside the key: its public half, written when the key is made or first read. A data
/// directory that has this file but lost its key had an identity that others trust; one
/// without it never had a key (a new directory, or one of an older release that never
/// exported), and gets one.
pub const KEY_ID_FILE_NAME: &str = "installation.key.id";

/// A key file larger than this cannot be ours; it is refused without reading it all.
const MAX_KEY_FILE_BYTES: u64 = 1024;

/// Set to `1` to create a new key on purpose where the data directory lost its key.
pub const NEW_KEY_ENV: &str = "RURALENV_NEW_KEY";

/// Problems with the installation key or with a public key someone typed in.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{}: cannot {action}: {source}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        source: io::Error,
    },
    #[error(
        "{}: the installation key file is damaged ({reason}). ruralenv will not replace it \
         by itself, because a new key is a new identity that every importer must trust again. \
         Restore the file from a backup, or move it aside to create a new key",
        path.display()
    )]
    Malformed { path: PathBuf, reason: String },
    #[error(
        "{}: the installation key is missing, but this data directory had one (see \
         installation.key.id beside it). ruralenv will not make a new key by itself: bundles signed with a new key \
         are refused by everyone who trusted the old one. Restore installation.key from your \
         backup of the data directory (copy it back to {}). Only if no backup exists: set \
         {NEW_KEY_ENV}=1 and run `ruralenv key show` to create a new key, then give its \
         fingerprint to everyone who imports your bundles",
        path.display(),
        path.display()
    )]
    Missing { path: PathBuf },
    #[error(
        "{}: the installation key can be read by other users of this computer (mode {mode:o}); \
         anyone who copies it can sign bundles in this installation's name. Make it private \
         with `chmod 600 {}` and try again",
        path.display(),
        path.display()
    )]
    Exposed { path: PathBuf, mode: u32 },
    #[error("cannot get random bytes from the operating system to create a key: {0}")]
    Random(getrandom::Error),
    #[error("not a public key: {0}")]
    BadPublicKey(&'static str),
}

/// The signing key of this installation. Bundles it exports are signed with it; importers
/// know it by its public half.
pub struct InstallationKey {
    signing: SigningKey,
}

impl std::fmt::Debug for InstallationKey {
    // Never print the secret half, not even in a debug log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstallationKey")
            .field("public", &self.public_hex())
            .finish_non_exhaustive()
    }
}

impl InstallationKey {
    /// Loads `dir/installation.key`, or creates it (and `dir`) in a new data directory,
    /// one without a database yet. A key file that is missing where a database exists
    /// (unless [`NEW_KEY_ENV`] is `1`), that is not a key, or (unix) that other users can
    /// read is refused, never overwritten.
    pub fn load_or_create(dir: &Path) -> Result<Self, KeyError> {
        let on_purpose = std::env::var_os(NEW_KEY_ENV).is_some_and(|v| v == "1");
        Self::load_or_create_with(dir, on_purpose)
    }

    fn load_or_create_with(dir: &Path, new_key_on_purpose: bool) -> Result<Self, KeyError> {
        let path = dir.join(KEY_FILE_NAME);
        let id_path = dir.join(KEY_ID_FILE_NAME);
        match File::open(&path) {
            Ok(file) => {
                let key = Self::read_key_file(&path, file)?;
                // Best effort (a read-only data directory still signs): remember that this
                // directory has an identity, so that losing the key is noticed.
                if !id_path.exists() {
                    let _ = fs::write(&id_path, format!("{}\n", key.public_hex()));
                }
                return Ok(key);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(KeyError::Io {
                    path,
                    action: "open the installation key",
                    source,
                });
            }
        }
        if id_path.exists() && !new_key_on_purpose {
            return Err(KeyError::Missing { path });
        }
        fs::create_dir_all(dir).map_err(|source| KeyError::Io {
            path: dir.to_path_buf(),
            action: "create the data directory",
            source,
        })?;
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(KeyError::Random)?;
        let created = Self::from_seed(seed);
        match create_key_file(dir, &path, &seed)? {
            // Another process created the key between our open and our link: use theirs,
            // so that both processes sign with the same identity.
            Created::LostRace => {
                let file = File::open(&path).map_err(|source| KeyError::Io {
                    path: path.clone(),
                    action: "open the installation key",
                    source,
                })?;
                Self::read_key_file(&path, file)
            }
            Created::Yes => {
                let _ = fs::write(&id_path, format!("{}\n", created.public_hex()));
                Ok(created)
            }
        }
    }

    /// A key from a known seed: for deterministic demos and tests. Real installations use
    /// [`InstallationKey::load_or_create`].
    pub fn from_seed(seed: [u8; 32]) -> Self {
        InstallationKey {
            signing: SigningKey::from_bytes(&seed),
        }
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    pub fn public_bytes(&self) -> [u8; 32] {
        self.signing.verifying_key().to_bytes()
    }

    /// The public key as 64 lowercase hex characters (what `ruralenv key show` prints).
    pub fn public_hex(&self) -> String {
        hex::encode(self.public_bytes())
    }

    /// The public key's fingerprint, see [`fingerprint`].
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.public_bytes())
    }

    /// Pure Ed25519 (RFC 8032) signature of `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }

    fn read_key_file(path: &Path, file: File) -> Result<Self, KeyError> {
        let io_err = |source| KeyError::Io {
            path: path.to_path_buf(),
            action: "read the installation key",
            source,
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = file.metadata().map_err(io_err)?.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(KeyError::Exposed {
                    path: path.to_path_buf(),
                    mode,
                });
            }
        }
        let mut text = Vec::new();
        file.take(MAX_KEY_FILE_BYTES + 1)
            .read_to_end(&mut text)
            .map_err(io_err)?;
        let malformed = |reason: String| KeyError::Malformed {
            path: path.to_path_buf(),
            reason,
        };
        if text.len() as u64 > MAX_KEY_FILE_BYTES {
            return Err(malformed("the file is far too large to be a key".into()));
        }
        let trimmed = text.trim_ascii();
        if trimmed.len() != 64 {
            return Err(malformed(format!(
                "expected 64 hexadecimal characters, found {}",
                trimmed.len()
            )));
        }
        let mut seed = [0u8; 32];
        hex::decode_to_slice(trimmed, &mut seed)
            .map_err(|_| malformed("it contains characters that are not hexadecimal".into()))?;
        Ok(Self::from_seed(seed))
    }
}

enum Created {
    Yes,
    LostRace,
}

/// Writes the seed to a private temporary file, fsyncs it, then links it into place without
/// replacing an existing key, so a crash never leaves half a key and two processes starting
/// at once never end up with two keys.
fn create_key_file(dir: &Path, path: &Path, seed: &[u8; 32]) -> Result<Created, KeyError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let tmp = dir.join(format!(
        ".{KEY_FILE_NAME}.{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = write_private_file(&tmp, format!("{}\n", hex::encode(seed)).as_bytes())
        .and_then(|()| match fs::hard_link(&tmp, path) {
            Ok(()) => Ok(Created::Yes),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(Created::LostRace),
            // Some file systems (FAT on a USB stick) have no hard links; a rename is still
            // atomic, only the race between two first starts is no longer covered.
            Err(_) => fs::rename(&tmp, path).map(|()| Created::Yes),
        })
        .map_err(|source| KeyError::Io {
            path: path.to_path_buf(),
            action: "create the installation key",
            source,
        });
    // After a link, or after a failure, the temporary name is no longer needed; after a
    // rename it is already gone and removing it fails harmlessly.
    let _ = fs::remove_file(&tmp);
    let created = result?;
    sync_dir(dir).map_err(|source| KeyError::Io {
        path: dir.to_path_buf(),
        action: "flush the data directory to disk",
        source,
    })?;
    Ok(created)
}

fn write_private_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Makes a rename or link inside `dir` durable. Only unix can (and needs to) fsync a
/// directory; file systems that cannot are tolerated, the data itself is already synced.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        match File::open(dir).and_then(|d| d.sync_all()) {
            Ok(()) => Ok(()),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
                ) =>
            {
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// A public key's fingerprint, short enough to read aloud over the phone and long enough
/// that nobody can make a key with the same one (80 bits).
///
/// The first 10 bytes of SHA-256 of the 32 key bytes, taken as five big-endian 16-bit
/// numbers, each written as 5 decimal digits with leading zeros (00000–65535), separated by
/// single spaces: `12345 06789 13579 24680 01122`, always 29 characters. Every bit of the
/// 10 bytes is kept, so the 25 digits carry exactly 80 bits.
pub fn fingerprint(public: &[u8; 32]) -> String {
    let digest = Sha256::digest(public);
    digest[..10]
        .chunks_exact(2)
        .map(|pair| format!("{:05}", u16::from_be_bytes([pair[0], pair[1]])))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses a public key as people pass it around: 64 hex characters (either case), blanks
/// around it ignored. It must be the canonical encoding of a point on the curve, and not one
/// of the few weak (small-order) points, for which a signature proves nothing.
pub fn parse_public_key(text: &str) -> Result<[u8; 32], KeyError> {
    let text = text.trim();
    if text.chars().count() != 64 {
        return Err(KeyError::BadPublicKey(
            "a public key is exactly 64 hexadecimal characters (0-9, a-f)",
        ));
    }
    let mut key = [0u8; 32];
    hex::decode_to_slice(text, &mut key).map_err(|_| {
        KeyError::BadPublicKey("a public key has only hexadecimal characters (0-9, a-f)")
    })?;
    let point = VerifyingKey::from_bytes(&key).map_err(|_| {
        KeyError::BadPublicKey("these 64 characters are not a valid ed25519 public key")
    })?;
    // Another spelling of a valid point would be another "key" for the same signer.
    if point.to_edwards().compress().to_bytes() != key {
        return Err(KeyError::BadPublicKey(
            "this is not the canonical spelling of an ed25519 public key",
        ));
    }
    if point.is_weak() {
        return Err(KeyError::BadPublicKey(
            "this is a weak ed25519 key that cannot prove who signed anything",
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_reloads_and_signs() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = InstallationKey::load_or_create(&data).unwrap();
        let again = InstallationKey::load_or_create(&data).unwrap();
        assert_eq!(first.public_hex(), again.public_hex());
        assert_eq!(first.public_hex().len(), 64);
        assert!(
            first
                .public_hex()
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        );
        let signature = ed25519_dalek::Signature::from_bytes(&first.sign(b"hello"));
        again
            .verifying_key()
            .verify_strict(b"hello", &signature)
            .unwrap();
        // Only the key file and its public half are left behind, no temporary files.
        let mut names: Vec<_> = fs::read_dir(&data)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(
            names,
            vec![
                std::ffi::OsString::from(KEY_FILE_NAME),
                std::ffi::OsString::from(KEY_ID_FILE_NAME)
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn key_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        InstallationKey::load_or_create(dir.path()).unwrap();
        let mode = fs::metadata(dir.path().join(KEY_FILE_NAME))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_data_directory_that_never_had_a_key_gets_one() {
        // An older release made the key at the first export only: a surveyor who never
        // exported has a database and no key, and must not be locked out.
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(crate::store::DB_FILE), b"").unwrap();
        let key = InstallationKey::load_or_create_with(dir.path(), false).unwrap();
        let id = fs::read_to_string(dir.path().join(KEY_ID_FILE_NAME)).unwrap();
        assert_eq!(id.trim(), key.public_hex());
        // An older directory with a key learns its identity when the key is read, so a
        // later loss is noticed.
        fs::remove_file(dir.path().join(KEY_ID_FILE_NAME)).unwrap();
        let again = InstallationKey::load_or_create_with(dir.path(), false).unwrap();
        assert_eq!(again.public_hex(), key.public_hex());
        assert!(dir.path().join(KEY_ID_FILE_NAME).exists());
        fs::remove_file(dir.path().join(KEY_FILE_NAME)).unwrap();
        let err = InstallationKey::load_or_create_with(dir.path(), false).unwrap_err();
        assert!(matches!(err, KeyError::Missing { .. }), "{err}");
    }

    #[test]
    fn keys_and_files_missing_installation_key_is_not_silently_regenerated_by_export() {
        let dir = tempfile::tempdir().unwrap();
        // A new data directory: the key is made before the database.
        let first = InstallationKey::load_or_create(dir.path()).unwrap();
        fs::write(dir.path().join(crate::store::DB_FILE), b"").unwrap();
        assert!(dir.path().join(KEY_ID_FILE_NAME).exists());
        let path = dir.path().join(KEY_FILE_NAME);
        let backup = fs::read(&path).unwrap();
        fs::remove_file(&path).unwrap();
        // Later the key is gone: refused, nothing created, the way back explained.
        let err = InstallationKey::load_or_create_with(dir.path(), false).unwrap_err();
        assert!(matches!(err, KeyError::Missing { .. }), "{err}");
        let text = err.to_string();
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(
            text.contains("Restore installation.key from your backup"),
            "{text}"
        );
        assert!(text.contains("RURALENV_NEW_KEY=1"), "{text}");
        assert!(!path.exists(), "no new key was written");
        // Restored from the backup: the same identity again.
        fs::write(&path, &backup).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        }
        let again = InstallationKey::load_or_create_with(dir.path(), false).unwrap();
        assert_eq!(again.public_hex(), first.public_hex());
        // Asked for on purpose: a new one.
        fs::remove_file(&path).unwrap();
        let new = InstallationKey::load_or_create_with(dir.path(), true).unwrap();
        assert_ne!(new.public_hex(), first.public_hex());
        assert!(path.exists());
    }

    #[cfg(unix)]
    #[test]
    fn keys_and_files_key_file_readable_by_others_is_refused_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let created = InstallationKey::load_or_create(dir.path()).unwrap();
        let path = dir.path().join(KEY_FILE_NAME);
        for mode in [0o644, 0o640, 0o604, 0o660, 0o606] {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            let err = InstallationKey::load_or_create(dir.path()).unwrap_err();
            assert!(matches!(err, KeyError::Exposed { .. }), "{mode:o}: {err}");
            let text = err.to_string();
            assert!(
                text.contains(&format!("chmod 600 {}", path.display())),
                "{text}"
            );
            assert!(text.contains(&format!("mode {mode:o}")), "{text}");
        }
        // The fix works; owner-only modes are accepted.
        for mode in [0o600, 0o400] {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            let key = InstallationKey::load_or_create(dir.path()).unwrap();
            assert_eq!(key.public_hex(), created.public_hex());
        }
    }

    #[test]
    fn damaged_key_file_is_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEY_FILE_NAME);
        for contents in [
            &b""[..],
            b"abcd\n",
            &[b'g'; 64],
            &[b'0'; 66],
            &[0xff; 64],
            &[b'a'; 4096],
        ] {
            fs::write(&path, contents).unwrap();
            make_private(&path);
            let err = InstallationKey::load_or_create(dir.path()).unwrap_err();
            assert!(matches!(err, KeyError::Malformed { .. }), "{err}");
            assert!(err.to_string().contains(&path.display().to_string()));
            assert_eq!(fs::read(&path).unwrap(), contents, "never overwritten");
        }
    }

    #[test]
    fn key_file_with_crlf_loads() {
        let dir = tempfile::tempdir().unwrap();
        let seed = [7u8; 32];
        fs::write(
            dir.path().join(KEY_FILE_NAME),
            format!("{}\r\n", hex::encode(seed)),
        )
        .unwrap();
        make_private(&dir.path().join(KEY_FILE_NAME));
        let key = InstallationKey::load_or_create(dir.path()).unwrap();
        assert_eq!(
            key.public_hex(),
            InstallationKey::from_seed(seed).public_hex()
        );
    }

    /// A key file written by a test is private, as ruralenv writes it.
    fn make_private(path: &Path) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(path, fs::Permissions::from_mode(0o600)).unwrap();
        }
        #[cfg(not(unix))]
        let _ = path;
    }

    #[test]
    fn debug_does_not_show_the_secret() {
        let seed = [0x5au8; 32];
        let shown = format!("{:?}", InstallationKey::from_seed(seed));
        assert!(!shown.contains(&hex::encode(seed)));
    }

    #[test]
    fn fingerprint_is_stable_and_readable() {
        let key = InstallationKey::from_seed([0u8; 32]).public_bytes();
        // The well-known ed25519 public key of the all-zero seed (also used in the docs'
        // by-hand check of the fingerprint).
        assert_eq!(
            hex::encode(key),
            "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
        );
        let print = fingerprint(&key);
        assert_eq!(print.len(), 29);
        let groups: Vec<&str> = print.split(' ').collect();
        assert_eq!(groups.len(), 5);
        assert!(
            groups
                .iter()
                .all(|g| g.len() == 5 && g.bytes().all(|b| b.is_ascii_digit()))
        );
        // Pinned: the scheme is a contract people compare across machines and versions.
        let digest = Sha256::digest(key);
        let first = u16::from_be_bytes([digest[0], digest[1]]);
        assert_eq!(groups[0], format!("{first:05}"));
        assert_eq!(print, FINGERPRINT_OF_ZERO_SEED);
        assert_ne!(
            fingerprint(&InstallationKey::from_seed([1u8; 32]).public_bytes()),
            print
        );
    }

    const FINGERPRINT_OF_ZERO_SEED: &str = "05022 14656 58955 21649 29216";

    #[test]
    fn parses_public_keys() {
        let key = InstallationKey::from_seed([3u8; 32]);
        let hex = key.public_hex();
        assert_eq!(parse_public_key(&hex).unwrap(), key.public_bytes());
        assert_eq!(
            parse_public_key(&format!("  {}\n", hex.to_uppercase())).unwrap(),
            key.public_bytes()
        );
        for wrong in [
            "",
            "abc",
            &hex[..63],
            &format!("{hex}0"),
            &hex.replace(' ', "")[1..],
        ] {
            assert!(parse_public_key(wrong).is_err(), "{wrong:?}");
        }
        let not_hex = format!("{}g", &hex[..63]);
        assert!(matches!(
            parse_public_key(&not_hex),
            Err(KeyError::BadPublicKey(_))
        ));
        // 64 chars but multi-byte: must not panic on a char boundary.
        let wide = "é".repeat(64);
        assert!(parse_public_key(&wide).is_err());
    }

    #[test]
    fn rejects_points_not_on_the_curve_and_weak_keys() {
        assert!(VerifyingKey::from_bytes(&NOT_A_POINT).is_err());
        let err = parse_public_key(&hex::encode(NOT_A_POINT)).unwrap_err();
        assert!(err.to_string().contains("not a valid ed25519"), "{err}");
        // The identity point (y = 1) decodes but is weak.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let err = parse_public_key(&hex::encode(identity)).unwrap_err();
        assert!(err.to_string().contains("weak"), "{err}");
        // All 0xff decodes (y = p + 18, accepted by ZIP-215) but is not the canonical
        // encoding of that point; only canonical keys are accepted.
        assert!(VerifyingKey::from_bytes(&[0xff; 32]).is_ok());
        let err = parse_public_key(&"ff".repeat(32)).unwrap_err();
        assert!(err.to_string().contains("canonical"), "{err}");
    }

    /// y = 2: (y² − 1)/(d·y² + 1) has no square root mod p, so no point has this y.
    const NOT_A_POINT: [u8; 32] = {
        let mut bytes = [0u8; 32];
        bytes[0] = 2;
        bytes
    };
}
