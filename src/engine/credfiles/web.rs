//! Web apps and frameworks: WordPress, PHP config arrays, `.env`, Django,
//! Rails, Spring, ASP.NET, `.htpasswd`.

use std::sync::LazyLock;

use regex::Regex;

use super::CredentialField;
use super::parse::{
    assignments, connection_string_password, field, json_strings, key_ends, lines, xml_elements,
};

/// The eight keys and salts of `wp-config.php`.
const WP_SALTS: &[&str] = &[
    "AUTH_KEY",
    "SECURE_AUTH_KEY",
    "LOGGED_IN_KEY",
    "NONCE_KEY",
    "AUTH_SALT",
    "SECURE_AUTH_SALT",
    "LOGGED_IN_SALT",
    "NONCE_SALT",
];

/// PHP string assignments: `define('NAME', 'v')`, `'key' => 'v'`,
/// `$name = 'v'`, `$cfg['key'] = 'v'`.  Group `k` is the name, `v` or `w`
/// the value (single- or double-quoted).
static PHP_STRING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:define\(\s*['"](?P<k>\w+)['"]\s*,\s*|['"](?P<k2>[\w.-]+)['"]\s*=>\s*|\$(?P<k3>\w+)(?:\[['"](?P<k4>\w+)['"]\])?\s*=\s*)(?:'(?P<v>[^'\n]*)'|"(?P<w>[^"\n]*)")"#,
    )
    .expect("a valid regex")
});

/// `(name, value span)` of every PHP string assignment in `text`.
fn php_strings(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    PHP_STRING
        .captures_iter(text)
        .filter_map(|c| {
            let key = c
                .name("k")
                .or(c.name("k4"))
                .or(c.name("k2"))
                .or(c.name("k3"))?;
            let value = c.name("v").or(c.name("w"))?;
            Some((key.as_str().to_string(), value.range()))
        })
        .collect()
}

pub fn wp_config(text: &str) -> Vec<CredentialField> {
    php_strings(text)
        .into_iter()
        .filter_map(|(key, span)| {
            if key == "DB_PASSWORD" {
                Some(field("wp-config-db-password", span))
            } else if WP_SALTS.contains(&key.as_str()) {
                Some(field("wp-config-salt", span))
            } else {
                None
            }
        })
        .collect()
}

/// `'password' => '…'`, `$db_pass = '…'`, `$cfg['Servers'][$i]['password']`.
pub fn php_config(text: &str) -> Vec<CredentialField> {
    php_strings(text)
        .into_iter()
        .filter(|(key, _)| is_password_name(key))
        .map(|(_, span)| field("php-config-password", span))
        .collect()
}

/// A name that says password: `password`, `passwd`, `db_pass`, `pwd`.
pub fn is_password_name(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("password")
        || k.contains("passwd")
        || k.ends_with("pass")
        || k.ends_with("pwd")
        || k.ends_with("_pw")
}

/// An environment name that ends in a password word (`DB_PASSWORD`,
/// `REDIS_PASS`, `MYSQL_PWD`), not `PASSWORD_HINT` / `PASSWORD_MIN_LENGTH`.
fn is_password_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["password", "passwd", "_pass", "_pwd", "_pw"]
        .iter()
        .any(|s| k.ends_with(s))
        || k == "pass"
}

/// A name that says secret: a password name, or `secret`, `token`, `key`
/// (not `key_id`, `_path`, `_file`, `_url` of a key).
pub fn is_secret_name(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    let not_secret = [
        "_id", "_path", "_file", "_url", "_name", "_dir", "_type", "_length", "_size",
    ];
    if not_secret.iter().any(|s| k.ends_with(s)) || k.contains("public") {
        return false;
    }
    is_password_name(&k)
        || k.contains("secret")
        || k.contains("token")
        || k.ends_with("key")
        || k.ends_with("_key_base")
        || k.contains("api_key")
        || k.contains("apikey")
        || k.contains("private_key")
        || k.contains("credential")
}

/// `.env`: `DB_PASSWORD=…`, `REDIS_PASSWORD`, `MAIL_PASSWORD`, whatever
/// the value.  Tokens and keys (`APP_KEY`, `*_SECRET`) are the regex
/// rules' (`laravel-app-key`, `generic-env-secret`), whose shape and
/// placeholder checks suit values that are not chosen by people.
pub fn dotenv(text: &str) -> Vec<CredentialField> {
    env_like(text, "dotenv-password", None, false)
}

/// Shared by `.env` and shell startup files (`export` required there).
pub fn env_like(
    text: &str,
    password_rule: &'static str,
    secret_rule: Option<&'static str>,
    export_only: bool,
) -> Vec<CredentialField> {
    let mut out = Vec::new();
    for a in assignments(text, b"=") {
        let line = &text[a.line_start..];
        if export_only && !line.trim_start().starts_with("export ") {
            continue;
        }
        // URLs with passwords are the URL rules' (their placeholder filter
        // knows `postgres:postgres@localhost` in a dev .env).
        if is_password_key(a.key) {
            out.push(field(password_rule, a.value));
        } else if let Some(rule) = secret_rule
            && is_secret_name(a.key)
        {
            out.push(field(rule, a.value));
        }
    }
    out
}

static DJANGO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)(?:^\s*(?P<k>SECRET_KEY)\s*=\s*|['"](?P<k2>PASSWORD)['"]\s*:\s*)(?:'(?P<v>[^'\n]*)'|"(?P<w>[^"\n]*)")"#,
    )
    .expect("a valid regex")
});

/// `SECRET_KEY = '…'` and `'PASSWORD': '…'` in `DATABASES`.
pub fn django_settings(text: &str) -> Vec<CredentialField> {
    DJANGO
        .captures_iter(text)
        .filter_map(|c| {
            let value = c.name("v").or(c.name("w"))?;
            let rule = if c.name("k").is_some() {
                "django-settings-secret-key"
            } else {
                "django-database-password"
            };
            Some(field(rule, value.range()))
        })
        .collect()
}

/// `config/master.key` (or `config/credentials/<env>.key`): 32 hex digits,
/// the key of `credentials.yml.enc`; the note names the pair when the
/// encrypted file is beside it.
pub fn rails_master_key(text: &str, paired: bool) -> Vec<CredentialField> {
    let key = text.trim();
    let start = text.len() - text.trim_start().len();
    let hex = key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit());
    if !hex {
        return Vec::new();
    }
    vec![CredentialField {
        note: paired.then_some("decrypts the credentials.yml.enc beside it"),
        ..field("rails-master-key", start..start + key.len())
    }]
}

/// `config/credentials.yml.enc`: reported (low, encrypted) only where its
/// key is committed beside it; alone it is what Rails means to be
/// committed.  The span is the ciphertext before its `--` IV separator.
pub fn rails_credentials_enc(text: &str, paired: bool) -> Vec<CredentialField> {
    let body = text.trim();
    let start = text.len() - text.trim_start().len();
    let shaped = body.contains("--")
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=-".contains(&b));
    if !paired || !shaped {
        return Vec::new();
    }
    let end = body.find("--").unwrap_or(body.len());
    vec![CredentialField {
        rule: super::ENCRYPTED_RULE,
        span: start..start + end,
        note: Some("encrypted; its key (master.key) is committed beside it"),
    }]
}

/// `secret_key_base: …` (and other `secret`/`token` keys) in `secrets.yml`.
pub fn rails_secrets_yml(text: &str) -> Vec<CredentialField> {
    assignments(text, b":")
        .into_iter()
        .filter(|a| is_secret_name(a.key))
        .map(|a| field("rails-secrets-yml-secret", a.value))
        .collect()
}

/// `spring.datasource.password=…`, `*.secret=…` in `application.properties`.
pub fn spring_properties(text: &str) -> Vec<CredentialField> {
    spring(assignments(text, b"=:"))
}

/// `password: …` leaves of `application.yml`.
pub fn spring_yml(text: &str) -> Vec<CredentialField> {
    spring(assignments(text, b":"))
}

fn spring(items: Vec<super::parse::Assignment>) -> Vec<CredentialField> {
    items
        .into_iter()
        .filter(|a| {
            key_ends(
                a.key,
                &["password", "secret", "client-secret", "secret-key"],
            )
        })
        .map(|a| field("spring-config-password", a.value))
        .collect()
}

/// ASP.NET `web.config`: `connectionString="…Password=x"` and
/// `<add key="…Password" value="…"/>`.
pub fn web_config(text: &str) -> Vec<CredentialField> {
    let mut out = Vec::new();
    for element in xml_elements(text) {
        if let Some(span) = element.attr_span("connectionstring")
            && let Some(p) = connection_string_password(&text[span.clone()], span.start)
        {
            out.push(field("connection-string-field-password", p));
        }
        let key = element.attr(text, "key").unwrap_or_default();
        if is_password_name(key)
            && let Some(span) = element.attr_span("value")
        {
            out.push(field("connection-string-field-password", span));
        }
    }
    out
}

/// `appsettings.json`: connection strings with `Password=` and members
/// named password.
pub fn appsettings(text: &str) -> Vec<CredentialField> {
    let mut out = Vec::new();
    for s in json_strings(text) {
        let value = &text[s.value.clone()];
        if let Some(p) = connection_string_password(value, s.value.start) {
            out.push(field("connection-string-field-password", p));
        } else if is_password_name(&s.key) {
            out.push(field("connection-string-field-password", s.value));
        }
    }
    out
}

/// `user:hash` lines of `.htpasswd` (crypt, `$apr1$`, bcrypt, `{SHA}`, or
/// plain text, which Apache accepts on some platforms).
pub fn htpasswd(text: &str) -> Vec<CredentialField> {
    let mut out = Vec::new();
    for (start, line) in lines(text) {
        if line.starts_with('#') {
            continue;
        }
        if let Some(colon) = line.find(':') {
            let value = line[colon + 1..].trim_end();
            let value = value.split(':').next().unwrap_or_default();
            if !value.is_empty() {
                out.push(field(
                    "htpasswd-entry",
                    start + colon + 1..start + colon + 1 + value.len(),
                ));
            }
        }
    }
    out
}
