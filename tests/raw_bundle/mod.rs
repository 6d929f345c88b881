//! Signing a bundle from raw payload bytes, for tests that need what `write_bundle` never
//! writes (duplicate JSON keys, CRLF lines, bytes that are not JSON): the container is
//! assembled exactly as docs/bundle-format.md lays it out, and signed with a real key, so
//! that only the payload is hostile.
#![allow(dead_code)]

use ruralenv::bundle::format::{FORMAT_VERSION, MAGIC, Manifest};
use ruralenv::bundle::keys::InstallationKey;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

/// The facts of a bundle as NDJSON lines (each without its newline).
pub fn lines(bundle: &Path) -> (Manifest, Vec<String>) {
    let b =
        ruralenv::bundle::format::open_bundle(bundle, &ruralenv::bundle::format::Limits::default())
            .unwrap();
    let lines = b
        .facts()
        .map(|f| serde_json::to_string(&f.unwrap()).unwrap())
        .collect();
    (b.manifest.clone(), lines)
}

/// A signed bundle whose payload is exactly `payload`: the manifest's checksum and fact
/// count are set to agree with it (so that only what the payload says is tested).
pub fn sign_payload(key: &InstallationKey, manifest: &Manifest, payload: &[u8]) -> Vec<u8> {
    let mut m = manifest.clone();
    m.format = u32::from(FORMAT_VERSION);
    m.bundle_id = ruralenv::store::new_id();
    m.payload_sha256 = hex::encode(Sha256::digest(payload));
    m.payload_facts = payload.iter().filter(|&&b| b == b'\n').count() as u64;
    let manifest_json = serde_json::to_vec(&m).unwrap();
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(payload).unwrap();
    let compressed = enc.finish().unwrap();
    let body_len = 4 + manifest_json.len() + compressed.len();
    let mut file = Vec::new();
    file.extend_from_slice(&MAGIC);
    file.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    file.extend_from_slice(&key.public_bytes());
    file.extend_from_slice(&(body_len as u64).to_le_bytes());
    file.extend_from_slice(&(manifest_json.len() as u32).to_le_bytes());
    file.extend_from_slice(&manifest_json);
    file.extend_from_slice(&compressed);
    let signature = key.sign(&file);
    file.extend_from_slice(&signature);
    file
}

/// [`sign_payload`] of `lines`, each followed by a newline.
pub fn sign_lines(key: &InstallationKey, manifest: &Manifest, lines: &[String]) -> Vec<u8> {
    let mut payload = Vec::new();
    for l in lines {
        payload.extend_from_slice(l.as_bytes());
        payload.push(b'\n');
    }
    sign_payload(key, manifest, &payload)
}
