//! Git and GitHub: `.git-credentials` URLs, credentials in `.git/config` /
//! `.gitconfig` URLs, `gh` / `hub` `hosts.yml` tokens, PuTTY `.ppk` keys.

use super::CredentialField;
use super::parse::{assignments, field, lines, url_passwords};

/// `https://user:password@host` per line (git credential store).
pub fn git_credentials(text: &str) -> Vec<CredentialField> {
    url_passwords(text, 0)
        .into_iter()
        .map(|span| field("git-credentials-password", span))
        .collect()
}

/// `url = https://user:password@host` and `[url "https://u:p@host"]`;
/// `token` / `oauthtoken` / `password` in a `[github]` or `[hub]` section
/// (the `github.token` hub and old GitHub tools read).
pub fn git_config(text: &str) -> Vec<CredentialField> {
    let mut out = Vec::new();
    let mut section = String::new();
    for (start, line) in lines(text) {
        let trimmed = line.trim_start();
        if trimmed.starts_with(['#', ';']) {
            continue;
        }
        if trimmed.starts_with('[') {
            section = trimmed
                .trim_start_matches('[')
                .split([']', ' ', '"'])
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
        } else if matches!(section.as_str(), "github" | "hub")
            && let Some(a) = assignments(line, b"=").into_iter().next()
            && matches!(
                a.key.to_ascii_lowercase().as_str(),
                "token" | "oauthtoken" | "password"
            )
        {
            out.push(field(
                "git-config-token",
                start + a.value.start..start + a.value.end,
            ));
        }
        out.extend(
            url_passwords(line, start)
                .into_iter()
                .map(|span| field("git-config-url-password", span)),
        );
    }
    out
}

/// `oauth_token: gho_…` (gh's and hub's `hosts.yml` / `hub`).
pub fn gh_hosts(text: &str) -> Vec<CredentialField> {
    assignments(text, b":")
        .into_iter()
        .filter(|a| a.key == "oauth_token" || a.key == "token")
        .map(|a| field("gh-hosts-oauth-token", a.value))
        .collect()
}

/// A PuTTY key: the `Private-Lines` block, noted as passphrase-protected
/// when `Encryption` is not `none`.
pub fn putty(text: &str) -> Vec<CredentialField> {
    let mut encrypted = false;
    let mut out = Vec::new();
    let mut rows = lines(text).peekable();
    while let Some((start, line)) = rows.next() {
        if let Some(value) = line.strip_prefix("Encryption:") {
            encrypted = value.trim() != "none";
        }
        if let Some(count) = line.strip_prefix("Private-Lines:") {
            let count: usize = count.trim().parse().unwrap_or(0);
            let body_start = start + line.len() + 1;
            let mut body_end = body_start;
            for _ in 0..count {
                match rows.next() {
                    Some((s, l)) => body_end = s + l.len(),
                    None => break,
                }
            }
            if body_end > body_start {
                out.push(CredentialField {
                    rule: if encrypted {
                        "putty-key-file-encrypted"
                    } else {
                        "putty-key-file"
                    },
                    span: body_start..body_end,
                    note: encrypted.then_some("passphrase-protected"),
                });
            }
        }
    }
    out
}
