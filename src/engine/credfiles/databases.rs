//! Database clients and dumps: `.pgpass`, MySQL option files, Rails
//! `database.yml` / `mongoid.yml`, Robo 3T, DBeaver, SQL dumps.

use super::CredentialField;
use super::parse::{assignments, field, json_strings, key_ends, lines, xml_elements};

/// `hostname:port:database:username:password`; `\\:` escapes a colon, the
/// password is the rest of the line.  A line of field names (the
/// documented `hostname:port:database:username:password`, `host:port:…`,
/// `localhost:5432:db_name:db_user:db_password`) is a template: its port
/// is no number, or its user and password are both names.
pub fn pgpass(text: &str) -> Vec<CredentialField> {
    let mut out = Vec::new();
    for (start, line) in lines(text) {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let bytes = line.as_bytes();
        let mut colons = Vec::new();
        let mut i = 0;
        while i < bytes.len() && colons.len() < 4 {
            match bytes[i] {
                b'\\' => i += 1,
                b':' => colons.push(i),
                _ => {}
            }
            i += 1;
        }
        if colons.len() == 4 && i < bytes.len() {
            let value = line[i..].trim_end();
            let port = &line[colons[0] + 1..colons[1]];
            let user = &line[colons[2] + 1..colons[3]];
            let names = ["username", "user", "user_name", "db_user", "dbuser", "role"];
            let value_names = ["password", "passwd", "db_password", "db_pass", "pass"];
            let port_ok = port == "*" || port.bytes().all(|b| b.is_ascii_digit());
            let named = names.contains(&user.to_ascii_lowercase().as_str())
                && value_names.contains(&value.to_ascii_lowercase().as_str());
            if port_ok && !named {
                out.push(field("pgpass-password", start + i..start + i + value.len()));
            }
        }
    }
    out
}

/// `[client]` `password = …` (also `my.ini`, a `.mylogin.cnf` kept in
/// clear), and `[client] user=x password=y` written on one line.
pub fn my_cnf(text: &str) -> Vec<CredentialField> {
    let is_password = |k: &str| {
        matches!(
            k.to_ascii_lowercase().as_str(),
            "password" | "pass" | "passwd"
        )
    };
    let mut out: Vec<CredentialField> = assignments(text, b"=")
        .into_iter()
        .filter(|a| is_password(a.key))
        .map(|a| field("mysql-option-file-password", a.value))
        .collect();
    for (start, line) in lines(text) {
        let trimmed = line.trim_start();
        let Some(close) = trimmed.find(']').filter(|_| trimmed.starts_with('[')) else {
            continue;
        };
        let offset = start + line.len() - trimmed.len() + close + 1;
        let rest = &trimmed[close + 1..];
        let mut at = 0;
        for word in rest.split(char::is_whitespace) {
            if let Some((key, value)) = word.split_once('=')
                && is_password(key)
                && !value.is_empty()
            {
                let s = offset + at + key.len() + 1;
                out.push(field("mysql-option-file-password", s..s + value.len()));
            }
            at += word.len() + 1;
        }
    }
    out
}

/// `password: …` in any environment of `database.yml` / `mongoid.yml`.
pub fn database_yml(text: &str) -> Vec<CredentialField> {
    let mut out: Vec<CredentialField> = assignments(text, b":")
        .into_iter()
        .filter(|a| key_ends(a.key, &["password"]))
        .map(|a| field("database-yml-password", a.value))
        .collect();
    out.extend(
        super::parse::url_passwords(text, 0)
            .into_iter()
            .map(|s| field("database-yml-password", s)),
    );
    out
}

/// Robo 3T / Studio 3T connection JSON: `userPassword`, `sshUserPassword`,
/// `sshPassphrase`.
pub fn robo3t(text: &str) -> Vec<CredentialField> {
    json_strings(text)
        .into_iter()
        .filter(|s| key_ends(&s.key, &["password", "passphrase"]))
        .map(|s| field("database-client-password", s.value))
        .collect()
}

/// DBeaver `data-sources.json` (`"password"` under `auth-model` /
/// `configuration`) and old `data-sources.xml` (`password="…"`).
pub fn dbeaver(text: &str) -> Vec<CredentialField> {
    if text.trim_start().starts_with('<') {
        return xml_elements(text)
            .into_iter()
            .filter_map(|e| e.attr_span("password"))
            .map(|s| field("database-client-password", s))
            .collect();
    }
    json_strings(text)
        .into_iter()
        .filter(|s| key_ends(&s.key, &["password"]))
        .map(|s| field("database-client-password", s.value))
        .collect()
}

/// `CREATE USER … IDENTIFIED BY 'x'`, `ALTER ROLE … PASSWORD 'x'`,
/// `SET PASSWORD … = PASSWORD('x')`, and password hashes in `INSERT INTO
/// users` rows (crypt / bcrypt / md5 hex of a `password` column).
pub fn sql_dump(text: &str) -> Vec<CredentialField> {
    let mut out = Vec::new();
    for (start, line) in lines(text) {
        let lower = line.to_ascii_lowercase();
        for key in [
            "identified by ",
            " password ",
            "password(",
            "with password ",
        ] {
            let mut from = 0;
            while let Some(p) = lower[from..].find(key) {
                let after = from + p + key.len();
                if let Some(span) = quoted_at(line, after) {
                    out.push(field(
                        "sql-dump-password",
                        start + span.start..start + span.end,
                    ));
                }
                from = after;
            }
        }
        if lower.contains("insert into") && lower.contains("user") {
            out.extend(hashes_in_row(line, start));
        }
    }
    out
}

/// The contents of a `'…'` / `"…"` literal starting at `at` (blanks before
/// it allowed).
fn quoted_at(line: &str, at: usize) -> Option<std::ops::Range<usize>> {
    let rest = line.get(at..)?;
    let skip = rest.len() - rest.trim_start().len();
    let rest = &rest[skip..];
    let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let close = rest[1..].find(quote)?;
    Some(at + skip + 1..at + skip + 1 + close)
}

/// Quoted password hashes in an INSERT row: crypt-style hashes, and 32/40/64
/// hex digits (md5 / sha1 / sha256 of a password).
fn hashes_in_row(line: &str, start: usize) -> Vec<CredentialField> {
    let mut out = Vec::new();
    let mut rest = line;
    let mut offset = 0;
    while let Some(open) = rest.find('\'') {
        let Some(close) = rest[open + 1..].find('\'') else {
            break;
        };
        let value = &rest[open + 1..open + 1 + close];
        let hex =
            matches!(value.len(), 32 | 40 | 64) && value.bytes().all(|b| b.is_ascii_hexdigit());
        if super::is_crypt_hash(value) || hex {
            let s = start + offset + open + 1;
            out.push(field("sql-dump-password-hash", s..s + value.len()));
        }
        offset += open + close + 2;
        rest = &rest[open + close + 2..];
    }
    out
}
