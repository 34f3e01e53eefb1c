//! Structural checks that a regex cannot express (checksums, decoded
//! structure), named by a rule's `validate` field.

use anyhow::{Result, bail};

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    /// GitHub and npm tokens: `xxx_` + random part + 6 base62 digits of the
    /// CRC32 of the random part.
    GithubCrc32,
    /// A JWT whose header decodes to a JSON object with an `alg`, and which
    /// is not jwt.io's well-known sample token.
    Jwt,
    /// A JWT as above whose payload says `"role":"service_role"` (a Supabase
    /// key that bypasses row-level security; the `anon` key is public).
    SupabaseServiceRole,
    /// Base64 of `user:password` (Docker `auths`, npm `_auth`, HTTP Basic).
    BasicAuthBase64,
    /// The value of a generic `password = "..."` assignment: must mix
    /// letters and digits and must not look like code, a path or a URL.
    SecretAssignment,
}

const NAMES: &str =
    "github-crc32, npm-crc32, jwt, supabase-service-role, basic-auth-base64, secret-assignment";

impl Validator {
    pub fn from_name(name: &str) -> Result<Validator> {
        match name {
            "github-crc32" | "npm-crc32" => Ok(Validator::GithubCrc32),
            "jwt" => Ok(Validator::Jwt),
            "supabase-service-role" => Ok(Validator::SupabaseServiceRole),
            "basic-auth-base64" => Ok(Validator::BasicAuthBase64),
            "secret-assignment" => Ok(Validator::SecretAssignment),
            other => bail!("unknown validator `{other}` (known: {NAMES})"),
        }
    }

    /// A checksum failure proves a value is not a token of this format
    /// (the other validators only say it is not this rule's kind of it).
    pub fn is_checksum(self) -> bool {
        matches!(self, Validator::GithubCrc32)
    }

    pub fn accepts(self, secret: &[u8]) -> bool {
        match self {
            Validator::GithubCrc32 => github_crc32_ok(secret),
            Validator::Jwt => jwt_parts(secret).is_some(),
            Validator::SupabaseServiceRole => jwt_parts(secret).is_some_and(|(_, payload)| {
                let compact: Vec<u8> = payload
                    .into_iter()
                    .filter(|b| !b.is_ascii_whitespace())
                    .collect();
                contains(&compact, b"\"role\":\"service_role\"")
            }),
            Validator::BasicAuthBase64 => basic_auth_ok(secret),
            Validator::SecretAssignment => secret_assignment_ok(secret),
        }
    }
}

fn github_crc32_ok(token: &[u8]) -> bool {
    let Some(underscore) = token.iter().rposition(|&b| b == b'_') else {
        return false;
    };
    let tail = &token[underscore + 1..];
    if tail.len() < 7 {
        return false;
    }
    let (random, checksum) = tail.split_at(tail.len() - 6);
    base62_decode(checksum) == Some(u64::from(crc32fast::hash(random)))
}

fn base62_decode(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |acc, &d| {
        let value = BASE62.iter().position(|&c| c == d)? as u64;
        Some(acc * 62 + value)
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

/// Decode standard or URL-safe base64, padded or not.
fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    let text = text
        .strip_suffix(b"==")
        .or_else(|| text.strip_suffix(b"="))
        .unwrap_or(text);
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in text {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// Header and payload of a structurally valid JWT, or `None`.
fn jwt_parts(token: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut parts = token.split(|&b| b == b'.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || signature.is_empty() {
        return None;
    }
    let header = base64_decode(header)?;
    let payload = base64_decode(payload)?;
    let json_object = |bytes: &[u8]| bytes.first() == Some(&b'{') && bytes.last() == Some(&b'}');
    if !json_object(&header) || !json_object(&payload) || !contains(&header, b"\"alg\"") {
        return None;
    }
    // jwt.io's sample token ("John Doe", sub 1234567890) is in every tutorial.
    if contains(&payload, b"John Doe") || contains(&payload, b"\"1234567890\"") {
        return None;
    }
    Some((header, payload))
}

fn basic_auth_ok(encoded: &[u8]) -> bool {
    let Some(decoded) = base64_decode(encoded) else {
        return false;
    };
    let Some(colon) = decoded.iter().position(|&b| b == b':') else {
        return false;
    };
    colon > 0
        && colon + 1 < decoded.len()
        && decoded.iter().all(|b| b.is_ascii_graphic() || *b == b' ')
}

fn secret_assignment_ok(value: &[u8]) -> bool {
    let has_digit = value.iter().any(u8::is_ascii_digit);
    let has_letter = value.iter().any(u8::is_ascii_alphabetic);
    // `owner/repo#assets/name`: slashes between lowercase words are a path;
    // base64 with a `/` almost always has capitals, `+` or `=` as well.
    let lowercase_path = value.contains(&b'/')
        && !value
            .iter()
            .any(|b| b.is_ascii_uppercase() || matches!(b, b'+' | b'='));
    let looks_like_code_or_path = lowercase_path
        || code_reference(value)
        || value.starts_with(b"/")
        || value.starts_with(b"./")
        || value.starts_with(b"~/")
        || contains(value, b"://")
        || value
            .iter()
            .any(|b| matches!(b, b'(' | b')' | b'[' | b']' | b'{' | b'}'));
    has_digit && has_letter && !looks_like_code_or_path
}

/// `module.PrivateKey`, `pkg.hpke.MLKEM768X25519PrivateKey`, `KeyTypes,`: a
/// value that names code rather than holds a secret, as in the type
/// annotation `private_key: x25519.X25519PrivateKey`.  Either a dotted path
/// of identifiers from a lowercase one, or an identifier that a comma or
/// semicolon ends; and in both, the name ends in a capitalized word
/// (`…Key`, `…Types`), which a random token rarely does.  A dotted part
/// longer than 32 characters is no name (PASETO `k3.secret.<64 chars>`).
fn code_reference(value: &[u8]) -> bool {
    let identifier = |part: &[u8]| {
        (1..=32).contains(&part.len())
            && part.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
    };
    let ends_in_a_word = |name: &[u8]| {
        let Some(capital) = name.iter().rposition(u8::is_ascii_uppercase) else {
            return false;
        };
        let tail = &name[capital + 1..];
        tail.len() >= 2 && tail.iter().all(u8::is_ascii_lowercase)
    };
    if let Some(body) = value
        .strip_suffix(b",")
        .or_else(|| value.strip_suffix(b";"))
    {
        return identifier(body) && ends_in_a_word(body);
    }
    let dotted = value.contains(&b'.') && value.split(|&b| b == b'.').all(identifier);
    dotted && value[0].is_ascii_lowercase() && ends_in_a_word(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_reject_code_references() {
        let ok = |v: &str| Validator::SecretAssignment.accepts(v.as_bytes());
        assert!(!ok("x25519.X25519PrivateKey"));
        assert!(!ok("rust_openssl.hpke.MLKEM768X25519PrivateKey"));
        assert!(!ok("PKCS7PrivateKeyTypes,"));
        assert!(ok("SG.FAKE4k9q2w7Xy3.Zq8v1LmN0pR5tU2w"));
        assert!(ok("Q5FAKELESaY1Hjl2ufaI"));
        assert!(ok("q5FAKELESaY1Hjl2.ufaI+x"));
        assert!(ok(
            "k3.secret.fNYVuMvBgOlljt9TDohnaYLblghqaHoQquVZFAKE6X12cBFHZLFsaU3q7X3k1Zn36"
        ));
        // Tokens a shell line or a list ends with `;` or `,`, and dotted
        // passwords, are no code.
        assert!(ok("Zq8v1LmN0pFAKEtU2wXy3;"));
        assert!(ok("4f9c2a7e1b3d5f6a8c0efa4e6f8a1c3e,"));
        assert!(ok("q8w3.K5z1v7FAKEmP2"));
    }

    #[test]
    fn assignments_reject_paths_but_keep_base64_with_slashes() {
        let ok = |v: &str| Validator::SecretAssignment.accepts(v.as_bytes());
        assert!(!ok("yegor256/home#assets/crates-credentials"));
        assert!(!ok("./config/secrets2.yml"));
        assert!(ok("aB3/xY9+kL2mN8pQ"));
        assert!(ok("MbFAKE8s*k4+Jj%AMd5i"));
    }

    #[test]
    fn github_checksum_accepts_valid_and_rejects_one_changed_digit() {
        assert!(Validator::GithubCrc32.accepts(b"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"));
        assert!(!Validator::GithubCrc32.accepts(b"ghp_FAKEA9B0V7E043Vx5PQzZKmvGZPl8M1qD8mY"));
        assert!(!Validator::GithubCrc32.accepts(b"ghp_short"));
    }

    #[test]
    fn npm_tokens_use_the_same_checksum() {
        let npm = Validator::from_name("npm-crc32").unwrap();
        assert!(npm.accepts(b"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"));
        assert!(!npm.accepts(b"npm_RrMJ94fGiBFAKEFjU4PEnkvdZZ9jZV4Zzbss"));
    }

    #[test]
    fn base64_decodes_both_alphabets() {
        assert_eq!(base64_decode(b"Zm9vOmJhcg==").unwrap(), b"foo:bar");
        assert_eq!(base64_decode(b"Pz8_").unwrap(), b"??\x3f");
        assert!(base64_decode(b"not base64!").is_none());
    }

    const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJGQUtFLTA2NDI3MDUyIiwibmFtZSI6IkZha2UgVXNlciIsImlhdCI6MTcwMDAwMDAwMH0.Y6-2MuaQP_IyQxJmsO87IuuetECWZiKlhFAKE";
    const JWT_IO_SAMPLE: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    #[test]
    fn jwt_structure() {
        assert!(Validator::Jwt.accepts(JWT.as_bytes()));
        assert!(!Validator::Jwt.accepts(JWT_IO_SAMPLE.as_bytes()));
        assert!(!Validator::Jwt.accepts(b"eyJub3QiOiJqc29uIn0.eyJhIjoxfQ.c2ln"));
        assert!(!Validator::SupabaseServiceRole.accepts(JWT.as_bytes()));
    }

    #[test]
    fn basic_auth_and_assignment_values() {
        assert!(Validator::BasicAuthBase64.accepts(b"ZGVwbG95OmZha2VwYXNz"));
        assert!(!Validator::BasicAuthBase64.accepts(b"ZGVwbG95"));
        assert!(Validator::SecretAssignment.accepts(b"Q5FAKELESaY1Hjl+ufaI"));
        assert!(!Validator::SecretAssignment.accepts(b"correcthorsebattery"));
        assert!(!Validator::SecretAssignment.accepts(b"/run/secrets/db_password2"));
        assert!(!Validator::SecretAssignment.accepts(b"config.get_secret(2)"));
    }
}
