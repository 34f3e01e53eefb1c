//! System files: `/etc/shadow`-style hashes, Firefox `logins.json`.

use super::CredentialField;
use super::parse::{field, json_strings, lines};

/// `user:$6$…:…`: only real crypt hashes (`$1$`, `$5$`, `$6$`, `$y$`,
/// `$2y$`…), not `*`, `!`, `!!` or empty (locked / no password).
pub fn shadow(text: &str) -> Vec<CredentialField> {
    crypt_second_field(text, "shadow-file-hash")
}

/// The second `:` field of each line, where it is a crypt hash.
pub fn crypt_second_field(text: &str, rule: &'static str) -> Vec<CredentialField> {
    let mut out = Vec::new();
    for (start, line) in lines(text) {
        let Some(colon) = line.find(':') else {
            continue;
        };
        let rest = &line[colon + 1..];
        let hash = rest.split(':').next().unwrap_or_default();
        let hash = hash.trim_start_matches('!');
        if super::is_crypt_hash(hash) {
            let from = start + colon + 1 + (rest.len() - rest.trim_start_matches('!').len());
            out.push(field(rule, from..from + hash.len()));
        }
    }
    out
}

/// Firefox `logins.json`: `encryptedUsername` / `encryptedPassword` are
/// recoverable with the profile's `key4.db` (no master password by
/// default).
pub fn firefox_logins(text: &str) -> Vec<CredentialField> {
    json_strings(text)
        .into_iter()
        .filter(|s| s.key == "encryptedPassword" || s.key == "encryptedUsername")
        .map(|s| CredentialField {
            note: Some("recoverable with the profile's key4.db"),
            ..field("firefox-saved-login", s.value)
        })
        .collect()
}
