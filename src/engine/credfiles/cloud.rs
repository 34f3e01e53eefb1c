//! Cloud and package tools: AWS, s3cmd, boto, Docker, npm, Yarn, PyPI,
//! RubyGems, Cargo, Terraform, Vault, kubeconfig, Maven, NuGet.

use base64::Engine as _;

use super::parse::{assignments, field, json_strings, key_ends, lines, value_span, xml_elements};
use super::{CredentialField, ENCRYPTED_RULE};

/// Keys of `rule` in an INI-style file, any section.
fn ini_keys(text: &str, keys: &[&str], rule: &'static str) -> Vec<CredentialField> {
    assignments(text, b"=")
        .into_iter()
        .filter(|a| keys.contains(&a.key.to_ascii_lowercase().as_str()))
        .map(|a| field(rule, a.value))
        .collect()
}

pub fn aws_credentials(text: &str) -> Vec<CredentialField> {
    let keys = [
        "aws_secret_access_key",
        "aws_session_token",
        "aws_security_token",
    ];
    ini_keys(text, &keys, "aws-credentials-file-secret")
}

pub fn s3cfg(text: &str) -> Vec<CredentialField> {
    let keys = [
        "secret_key",
        "access_token",
        "gpg_passphrase",
        "proxy_password",
    ];
    ini_keys(text, &keys, "s3cfg-secret")
}

pub fn boto(text: &str) -> Vec<CredentialField> {
    let keys = [
        "aws_secret_access_key",
        "gs_secret_access_key",
        "gs_oauth2_refresh_token",
    ];
    ini_keys(text, &keys, "boto-secret")
}

/// `.docker/config.json` / `.dockercfg`: `auth` is base64 `user:password`
/// (reported when it decodes to one), `identitytoken`, `password`.
pub fn docker_config(text: &str) -> Vec<CredentialField> {
    let mut out = Vec::new();
    for s in json_strings(text) {
        let value = &text[s.value.clone()];
        match s.key.as_str() {
            "auth" => {
                let decoded = base64::engine::general_purpose::STANDARD.decode(value.trim());
                let password = decoded
                    .ok()
                    .and_then(|d| String::from_utf8(d).ok())
                    .and_then(|d| d.split_once(':').map(|(_, p)| p.to_string()));
                if let Some(password) = password.filter(|p| !p.is_empty()) {
                    let weak = super::verdict(&password) == super::Verdict::Weak;
                    out.push(super::CredentialField {
                        rule: if weak {
                            "docker-config-password-weak"
                        } else {
                            "docker-config-password"
                        },
                        span: s.value,
                        note: Some("base64-decoded"),
                    });
                }
            }
            "identitytoken" | "registrytoken" | "password" => {
                out.push(field("docker-config-password", s.value))
            }
            _ => {}
        }
    }
    out
}

/// `.npmrc`: `_authToken`, `_auth`, `_password` (also scoped to a registry,
/// `//registry.npmjs.org/:_authToken=…`).
pub fn npmrc(text: &str) -> Vec<CredentialField> {
    assignments(text, b"=")
        .into_iter()
        .filter(|a| key_ends(a.key, &["_authtoken", "_auth", "_password"]))
        .map(|a| field("npmrc-credential", a.value))
        .collect()
}

/// `.yarnrc.yml` `npmAuthToken` / `npmAuthIdent` / `npmPassword`; Yarn 1
/// `.yarnrc` (`key value` or `key "value"`).
pub fn yarnrc(text: &str) -> Vec<CredentialField> {
    let keys = [
        "npmauthtoken",
        "npmauthident",
        "npmpassword",
        "_authtoken",
        "_auth",
        "_password",
    ];
    let mut out: Vec<CredentialField> = assignments(text, b":")
        .into_iter()
        .chain(assignments(text, b" "))
        .filter(|a| key_ends(a.key, &keys))
        .map(|a| field("npmrc-credential", a.value))
        .collect();
    out.dedup_by(|a, b| a.span == b.span);
    out
}

/// `password` in any index section of `.pypirc`.
pub fn pypirc(text: &str) -> Vec<CredentialField> {
    let mut out: Vec<CredentialField> = assignments(text, b"=:")
        .into_iter()
        .filter(|a| a.key.eq_ignore_ascii_case("password"))
        .map(|a| field("pypirc-field-password", a.value))
        .collect();
    out.dedup_by(|a, b| a.span == b.span);
    out
}

/// `~/.gem/credentials`: `:rubygems_api_key: …` (and per-host keys).
pub fn gem_credentials(text: &str) -> Vec<CredentialField> {
    let mut out = Vec::new();
    for (start, line) in lines(text) {
        let trimmed = line.trim_start().trim_start_matches(':');
        let Some(colon) = trimmed.find(": ") else {
            continue;
        };
        let key = &trimmed[..colon];
        if key.contains("api_key") || key.starts_with("http") {
            let from = line.len() - trimmed.len() + colon + 2;
            if let Some(span) = value_span(line, from) {
                out.push(field(
                    "gem-credentials-api-key",
                    start + span.start..start + span.end,
                ));
            }
        }
    }
    out
}

/// `token = "…"` in `.cargo/credentials.toml`.
pub fn cargo_credentials(text: &str) -> Vec<CredentialField> {
    ini_keys(text, &["token", "secret-key"], "cargo-credentials-token")
}

/// `credentials "app.terraform.io" { token = "…" }`.
pub fn terraformrc(text: &str) -> Vec<CredentialField> {
    ini_keys(text, &["token"], "terraform-credentials-token")
}

/// `credentials.tfrc.json`: `{"credentials": {"host": {"token": "…"}}}`.
pub fn terraform_json(text: &str) -> Vec<CredentialField> {
    json_strings(text)
        .into_iter()
        .filter(|s| s.key == "token")
        .map(|s| field("terraform-credentials-token", s.value))
        .collect()
}

/// `~/.vault-token`: the whole file is the token.
pub fn vault_token(text: &str) -> Vec<CredentialField> {
    let token = text.trim();
    let start = text.len() - text.trim_start().len();
    if token.is_empty() || token.contains(char::is_whitespace) {
        return Vec::new();
    }
    vec![field("vault-token-file", start..start + token.len())]
}

/// kubeconfig `users[].user`: `token`, `client-key-data`, `password`,
/// auth-provider `id-token` / `refresh-token` / `client-secret`.
pub fn kubeconfig(text: &str) -> Vec<CredentialField> {
    let mut out = Vec::new();
    for a in assignments(text, b":") {
        let rule = match a.key {
            "password" => "kubeconfig-password",
            "token" | "client-key-data" | "id-token" | "refresh-token" | "client-secret"
            | "access-token" => "kubeconfig-credential",
            _ => continue,
        };
        out.push(field(rule, a.value));
    }
    out
}

/// Maven `settings.xml`: `<server>` `<password>` / `<passphrase>`
/// (`{…}` values are master-password encrypted).
pub fn maven_settings(text: &str) -> Vec<CredentialField> {
    xml_elements(text)
        .into_iter()
        .filter(|e| matches!(e.name.as_str(), "password" | "passphrase" | "master"))
        .filter_map(|e| e.text)
        .map(|span| field("maven-settings-password", span))
        .collect()
}

/// `NuGet.Config`: `<add key="ClearTextPassword" value="…"/>` in
/// `packageSourceCredentials`, `Password` (DPAPI-encrypted), API keys.
pub fn nuget_config(text: &str) -> Vec<CredentialField> {
    let mut out = Vec::new();
    for e in xml_elements(text) {
        let key = e.attr(text, "key").unwrap_or_default();
        let Some(value) = e.attr_span("value") else {
            continue;
        };
        if key.eq_ignore_ascii_case("ClearTextPassword") {
            out.push(field("nuget-config-password", value));
        } else if key.eq_ignore_ascii_case("Password") {
            out.push(super::CredentialField {
                rule: ENCRYPTED_RULE,
                span: value,
                note: Some("encrypted"),
            });
        } else if e.parents.iter().any(|p| p == "apikeys") {
            out.push(field("nuget-config-api-key", value));
        }
    }
    out
}

/// DigitalOcean `tugboat`'s `~/.tugboat` (YAML): `authentication:`
/// `client_key` / `api_key` (API v1), `access_token` (v2).
pub fn tugboat(text: &str) -> Vec<CredentialField> {
    assignments(text, b":")
        .into_iter()
        .filter(|a| matches!(a.key, "api_key" | "client_key" | "access_token"))
        .map(|a| field("tugboat-api-key", a.value))
        .collect()
}

/// The Heroku gem's `~/.heroku/credentials`: the account's e-mail on the
/// first line, its API key on the second.
pub fn heroku_credentials(text: &str) -> Vec<CredentialField> {
    let mut rows = lines(text).filter(|(_, l)| !l.trim().is_empty());
    let (Some((_, email)), Some((start, key))) = (rows.next(), rows.next()) else {
        return Vec::new();
    };
    let key_start = start + key.len() - key.trim_start().len();
    let key = key.trim();
    if !email.contains('@') || key.contains(char::is_whitespace) {
        return Vec::new();
    }
    vec![field(
        "heroku-credentials-api-key",
        key_start..key_start + key.len(),
    )]
}

/// `heroku.json` / `.heroku.json` (`"api_key"`, `"token"`, `"password"`) and
/// heroku-accounts' `~/.heroku/accounts/NAME` YAML (`:password:`).
pub fn heroku_json(text: &str) -> Vec<CredentialField> {
    let keys = [
        "api_key",
        "apikey",
        "api-key",
        "token",
        "oauth_token",
        "password",
    ];
    let is_key = |k: &str| keys.contains(&k.trim_matches(':').to_ascii_lowercase().as_str());
    if text.trim_start().starts_with('{') {
        return json_strings(text)
            .into_iter()
            .filter(|s| is_key(&s.key))
            .map(|s| field("heroku-credentials-api-key", s.value))
            .collect();
    }
    let mut out = Vec::new();
    for (start, line) in lines(text) {
        let trimmed = line.trim_start();
        let body = trimmed.strip_prefix(':').unwrap_or(trimmed);
        let Some(colon) = body.find(": ") else {
            continue;
        };
        if is_key(&body[..colon]) {
            let from = line.len() - body.len() + colon + 2;
            if let Some(span) = value_span(line, from) {
                out.push(field(
                    "heroku-credentials-api-key",
                    start + span.start..start + span.end,
                ));
            }
        }
    }
    out
}
