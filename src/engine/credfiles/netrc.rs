//! `.netrc` / `_netrc` (curl, ftp, git, Heroku): `machine H login U
//! password P` tokens, on one line or several; `macdef` bodies skipped.

use super::CredentialField;
use super::parse::{field, tokens};

pub fn netrc(text: &str) -> Vec<CredentialField> {
    let tokens = tokens(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i].0 {
            "password" | "passwd" | "account" if i + 1 < tokens.len() => {
                out.push(field("netrc-password", tokens[i + 1].1.clone()));
                i += 2;
            }
            "macdef" => {
                // A macro body runs to the next empty line.
                let from = tokens[i].1.end;
                let end = text[from..].find("\n\n").map_or(text.len(), |p| from + p);
                while i < tokens.len() && tokens[i].1.start < end {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out
}
