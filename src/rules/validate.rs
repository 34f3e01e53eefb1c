//! Structural checks that a regex cannot express (checksums), named by a
//! rule's `validate` field.

use anyhow::{Result, bail};

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    /// GitHub (and npm) tokens: `xxx_` + random part + 6 base62 digits of the
    /// CRC32 of the random part.
    GithubCrc32,
}

impl Validator {
    pub fn from_name(name: &str) -> Result<Validator> {
        match name {
            "github-crc32" => Ok(Validator::GithubCrc32),
            other => bail!("unknown validator `{other}` (known: github-crc32)"),
        }
    }

    pub fn accepts(self, secret: &[u8]) -> bool {
        match self {
            Validator::GithubCrc32 => github_crc32_ok(secret),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_checksum_accepts_valid_and_rejects_one_changed_digit() {
        assert!(Validator::GithubCrc32.accepts(b"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"));
        assert!(!Validator::GithubCrc32.accepts(b"ghp_FAKEA9B0V7E043Vx5PQzZKmvGZPl8M1qD8mY"));
        assert!(!Validator::GithubCrc32.accepts(b"ghp_short"));
    }
}
