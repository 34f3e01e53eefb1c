//! FTP, SFTP and deploy tools: FileZilla, WinSCP, editor SFTP plugins,
//! JetBrains deployment, ProFTPD `ftpd.passwd`.

use super::CredentialField;
use super::parse::{assignments, field, json_strings, key_ends, xml_elements};

/// FileZilla `<Pass encoding="base64">…</Pass>` (or plain), FileZilla
/// Server `<Option Name="Pass">` hashes, and a site's `<Comments>` that
/// hold its password in clear (people note it there).
pub fn filezilla(text: &str) -> Vec<CredentialField> {
    use base64::Engine as _;
    let mut out = Vec::new();
    let mut password: Option<String> = None;
    for e in xml_elements(text) {
        if e.name == "server" {
            password = None;
        }
        let Some(span) = e.text.clone() else {
            continue;
        };
        let base64 = e.attr(text, "encoding") == Some("base64");
        let is_pass = e.name == "pass"
            || e.name == "option"
                && e.attr(text, "name")
                    .is_some_and(|n| n.eq_ignore_ascii_case("pass"));
        if is_pass {
            let raw = &text[span.clone()];
            password = if base64 {
                base64::engine::general_purpose::STANDARD
                    .decode(raw.trim())
                    .ok()
                    .and_then(|d| String::from_utf8(d).ok())
            } else {
                Some(raw.to_string())
            };
            out.push(CredentialField {
                rule: "ftp-client-password",
                span,
                note: base64.then_some("base64-decoded"),
            });
        } else if e.name == "comments"
            && password
                .as_deref()
                .is_some_and(|p| !p.is_empty() && text[span.clone()].trim() == p)
        {
            out.push(CredentialField {
                rule: "ftp-client-password",
                span,
                note: Some("the site's password, in clear in its comments"),
            });
        }
    }
    out
}

/// `WinSCP.ini` sessions: `Password=` (obfuscated, reversible),
/// `ProxyPassword=`, `TunnelPassword=`.
pub fn winscp(text: &str) -> Vec<CredentialField> {
    assignments(text, b"=")
        .into_iter()
        .filter(|a| key_ends(a.key, &["password", "passphrase"]))
        .map(|a| CredentialField {
            rule: "ftp-client-password",
            span: a.value,
            note: Some("obfuscated, reversible"),
        })
        .collect()
}

/// Sublime `sftp-config.json`, VS Code `.vscode/sftp.json`, Atom
/// `.ftpconfig` / `.remote-sync.json`, `deployment-config.json`.
pub fn sftp_json(text: &str) -> Vec<CredentialField> {
    json_strings(text)
        .into_iter()
        .filter(|s| key_ends(&s.key, &["password", "passphrase", "pass"]))
        .map(|s| field("ftp-client-password", s.value))
        .collect()
}

/// JetBrains `.idea/WebServers.xml` / `deployment.xml`: `password="…"`
/// attributes and `<option name="password" value="…"/>`.
pub fn jetbrains(text: &str) -> Vec<CredentialField> {
    let mut out = Vec::new();
    for e in xml_elements(text) {
        if let Some(span) = e.attr_span("password") {
            out.push(field("ftp-client-password", span));
        }
        let named_password = e
            .attr(text, "name")
            .is_some_and(|n| key_ends(n, &["password"]));
        if named_password && let Some(span) = e.attr_span("value") {
            out.push(field("ftp-client-password", span));
        }
    }
    out
}

/// ProFTPD `ftpd.passwd`: `user:hash:uid:gid:…` (crypt hashes).
pub fn ftpd_passwd(text: &str) -> Vec<CredentialField> {
    super::system::crypt_second_field(text, "ftpd-passwd-hash")
}
