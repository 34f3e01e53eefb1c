//! Mail and voice-chat clients and servers: esmtp, msmtp, fetchmail,
//! mutt, Ventrilo, TeamSpeak.

use super::CredentialField;
use super::parse::{assignments, field, lines, tokens_with};

/// `.esmtprc` (`password = x`), `.msmtprc` (`password x`), `.fetchmailrc`
/// (`password "x"` / `pass x` tokens).
pub fn mail_rc(text: &str) -> Vec<CredentialField> {
    // fetchmail treats `,` `;` `:` as noise (`with password secret1, is …`).
    let fetchmail = lines(text).any(|(_, l)| {
        let l = l.trim_start();
        l.starts_with("poll ") || l.starts_with("skip ") || l.starts_with("defaults")
    });
    let mut out: Vec<CredentialField> = Vec::new();
    let tokens = tokens_with(text, true);
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i].0;
        i += 1;
        if matches!(token, "password" | "pass" | "passwd") && i < tokens.len() {
            // The value is never a keyword itself (`password 'passwd'`).
            let (value, mut span) = tokens[i].clone();
            i += 1;
            if value == "=" && i < tokens.len() {
                span = tokens[i].1.clone();
                i += 1;
            }
            if fetchmail {
                let v = &text[span.clone()];
                let quoted =
                    span.start > 0 && matches!(text.as_bytes()[span.start - 1], b'"' | b'\'');
                if !quoted {
                    span.end -= v.len() - v.trim_end_matches([',', ';', ':']).len();
                }
            }
            out.push(field("mail-client-password", span));
        }
    }
    out
}

/// `.muttrc`: `set imap_pass = "x"`, `smtp_pass`, `pop_pass`, and
/// passwords inside `smtp_url` / `imap_url`.
pub fn muttrc(text: &str) -> Vec<CredentialField> {
    let mut out = Vec::new();
    for (start, line) in lines(text) {
        let trimmed = line.trim_start();
        let Some(rest) = trimmed.strip_prefix("set ") else {
            continue;
        };
        let offset = start + line.len() - rest.len();
        for a in assignments(rest, b"=") {
            let span = offset + a.value.start..offset + a.value.end;
            if a.key.ends_with("_pass") || a.key.ends_with("_password") {
                out.push(field("mail-client-password", span));
            } else if a.key.ends_with("_url") {
                let value = &text[span.clone()];
                out.extend(
                    super::parse::url_passwords(value, span.start)
                        .into_iter()
                        .map(|s| field("mail-client-password", s)),
                );
            }
        }
    }
    out
}

/// Ventrilo `ventrilo_srv.ini` (`Password=`, `AdminPassword=`), TeamSpeak
/// `server.ini` / `ts3server.ini` (`serveradmin_password=`, `dbpassword=`).
pub fn voip_ini(text: &str) -> Vec<CredentialField> {
    assignments(text, b"=")
        .into_iter()
        .filter(|a| a.key.to_ascii_lowercase().contains("password"))
        .map(|a| field("voice-server-password", a.value))
        .collect()
}
