//! Stable, non-reversible identities for findings.
//!
//! `fingerprints` returns both:
//! * `fingerprint` = H(rule id, secret): the same secret keeps its identity
//!   when it moves to another line or file (baselines, dedup across history).
//! * `location_fingerprint` = H(rule id, path, secret): for SARIF
//!   `partialFingerprints`, so two files holding one key stay two alerts.
//!
//! Neither contains a line number.  The secret enters only through a SHA-256
//! digest stretched over many rounds with a domain-separating salt, so a
//! fingerprint published in a baseline or SARIF file is no shortcut to
//! guessing a short secret (each guess costs the full stretch).

use std::cell::RefCell;
use std::collections::HashMap;

use sha2::{Digest, Sha256};

const SALT: &[u8] = b"keylint/fingerprint/v1";
const STRETCH_ROUNDS: u32 = 2048;

/// Distinct secrets whose stretched digest a thread keeps: a history holds
/// the same test keys in thousands of blob versions, and stretching each
/// copy again was most of a keyword-dense history scan (gitleaks' own
/// repository: 44% of its time).  Caching our own results weakens nothing.
const DIGEST_CACHE_ENTRIES: usize = 16_384;

thread_local! {
    static DIGESTS: RefCell<HashMap<Vec<u8>, [u8; 32]>> = RefCell::new(HashMap::new());
}

fn stretched_secret_digest(secret: &[u8]) -> [u8; 32] {
    DIGESTS.with_borrow_mut(|cache| {
        if let Some(digest) = cache.get(secret) {
            return *digest;
        }
        if cache.len() >= DIGEST_CACHE_ENTRIES {
            cache.clear();
        }
        let digest = stretch(secret);
        cache.insert(secret.to_vec(), digest);
        digest
    })
}

fn stretch(secret: &[u8]) -> [u8; 32] {
    let mut digest: [u8; 32] = Sha256::new()
        .chain_update(SALT)
        .chain_update(secret)
        .finalize()
        .into();
    for _ in 0..STRETCH_ROUNDS {
        digest = Sha256::new()
            .chain_update(SALT)
            .chain_update(digest)
            .finalize()
            .into();
    }
    digest
}

fn hex128(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(SALT);
    for part in parts {
        // Length-prefix each part so ("ab","c") and ("a","bc") differ.
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Both fingerprints at once, stretching the secret a single time (the
/// stretch is the expensive part, by design).
pub fn fingerprints(rule_id: &str, path: &str, secret: &[u8]) -> (String, String) {
    let digest = stretched_secret_digest(secret);
    (
        hex128(&[rule_id.as_bytes(), &digest]),
        hex128(&[rule_id.as_bytes(), path.as_bytes(), &digest]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fingerprint(rule: &str, secret: &[u8]) -> String {
        fingerprints(rule, "any/path", secret).0
    }

    fn location_fingerprint(rule: &str, path: &str, secret: &[u8]) -> String {
        fingerprints(rule, path, secret).1
    }

    #[test]
    fn fingerprints_depend_on_rule_secret_and_path_only() {
        let a = fingerprint("r", b"secret-1");
        assert_eq!(a, fingerprint("r", b"secret-1"));
        assert_ne!(a, fingerprint("r", b"secret-2"));
        assert_ne!(a, fingerprint("q", b"secret-1"));
        assert_eq!(a.len(), 32);
        assert_eq!(
            a,
            fingerprints("r", "elsewhere.env", b"secret-1").0,
            "no path in it"
        );
        assert_ne!(
            location_fingerprint("r", "a.env", b"s"),
            location_fingerprint("r", "b.env", b"s")
        );
    }
}
