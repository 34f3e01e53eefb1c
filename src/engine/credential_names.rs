//! Context for the catch-all assignment rules (`validate = "secret-assignment"`):
//! is the *name* a value is assigned to a credential name, and does the
//! *value* look like a credential for that name?
//!
//! A regex sees `ChangeToken` end in `Token` and calls it a secret; here
//! the name is split into words (`change`, `token`) and judged from them:
//! an allowlist of credential words (`token`, `password`, `api key`…) and a
//! denylist of the modifiers that make a credential word mean something
//! else (`next token` is a pagination cursor, `client token` an idempotency
//! UUID, `lock token` an optimistic-concurrency stamp).  Measured on real
//! SDK trees (bench/precision): these names were 421 of 426 false alarms.

/// What kind of credential a name announces: passwords may be shorter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Password,
    Other,
}

/// Values shorter than this need a password name (the regexes allow 10).
pub const MIN_NON_PASSWORD_LEN: usize = 16;

/// Words that, right before `token`, make it something other than a
/// credential: pagination cursors, idempotency keys, concurrency stamps,
/// anti-forgery tokens, import/export handles.
const NON_CREDENTIAL_TOKEN_MODIFIERS: &[&str] = &[
    "next",
    "page",
    "pagination",
    "change",
    "continuation",
    "continue",
    "client",
    "idempotency",
    "idempotent",
    "csrf",
    "xsrf",
    "forgery",
    "antiforgery",
    "lock",
    "request",
    "sync",
    "resume",
    "cancellation",
    "cancel",
    "lifecycle",
    "action",
    "update",
    "export",
    "import",
    "copy",
    "product",
    "grant",
    "task",
    "wait",
    "callback",
    "notification",
    "state",
    "form",
    "upload",
    "verification",
    "confirmation",
    "invite",
    "invitation",
    "retry",
    "poll",
    "polling",
    "query",
    "cursor",
    "marker",
    "start",
    "end",
    "last",
    "prev",
    "previous",
    "first",
    "scroll",
    "batch",
    "job",
    "execution",
    "event",
    "sequence",
    "version",
    "cache",
    "dedup",
    "deduplication",
    "nonce",
    "challenge",
    "lease",
    "fencing",
    "transaction",
    "operation",
    "max",
    "num",
    "total",
    "prompt",
    "completion",
    "output",
    "input",
    "special",
    "eos",
    "bos",
    "pad",
    "unk",
    "sep",
    "mask",
    "stop",
    // Commerce objects' tokens (Shopify cart / checkout / order ids), push
    // addresses (browser, device, FCM, APNs) and Postman's request id: not
    // credentials (bench/precision, rudder-transformer).
    "cart",
    "checkout",
    "order",
    "browser",
    "device",
    "push",
    "fcm",
    "apns",
    "postman",
];

/// Words that anywhere in a name make it describe a credential rather than
/// hold one (`token_url`, `password_length`, `SubjectFromWebIdentityToken`),
/// or label a hash (`checksum`, `sha256`).
const DESCRIPTIVE_WORDS: &[&str] = &[
    "subject",
    "from",
    "type",
    "types",
    "name",
    "url",
    "uri",
    "endpoint",
    "path",
    "file",
    "filename",
    "dir",
    "length",
    "len",
    "count",
    "size",
    "min",
    "limit",
    "expiry",
    "expires",
    "expiration",
    "ttl",
    "format",
    "header",
    "prefix",
    "field",
    "param",
    "schema",
    "hash",
    "hashes",
    "checksum",
    "checksums",
    "digest",
    "integrity",
    "etag",
    "fingerprint",
    "sha",
    "sha1",
    "sha256",
    "sha512",
    "md5",
    "regex",
    "pattern",
    "label",
    "placeholder",
    "description",
    "hint",
    "tokens",
    "tokenizer",
];

/// Whether `name` (the identifier a value is assigned to, as written)
/// names a credential, and which kind.  `None`: not a credential name.
pub fn judge_name(name: &[u8]) -> Option<NameKind> {
    judge_words(name, &split_words(name))
}

/// `judge_name`, for a name already split (`split_words(name)`).
pub fn judge_words(name: &[u8], words: &[String]) -> Option<NameKind> {
    // `AWS::IAM::AccessKey`: a CloudFormation type, keys of schema checksums.
    if memchr::memmem::find(name, b"::").is_some() {
        return None;
    }
    if words
        .iter()
        .any(|w| DESCRIPTIVE_WORDS.contains(&w.as_str()))
    {
        return None;
    }
    // The last credential word decides (`client_secret`: `secret`).
    let last = words.iter().rposition(|w| is_credential_word(w))?;
    let word = words[last].as_str();
    if word == "token" || word == "tokenvalue" {
        let modifier = last.checked_sub(1).map(|i| words[i].as_str());
        if modifier.is_some_and(|m| NON_CREDENTIAL_TOKEN_MODIFIERS.contains(&m)) {
            return None;
        }
    }
    Some(match word {
        "password" | "passwd" | "pwd" | "pass" | "passphrase" => NameKind::Password,
        _ => NameKind::Other,
    })
}

fn is_credential_word(word: &str) -> bool {
    matches!(
        word,
        "password"
            | "passwd"
            | "pwd"
            | "pass"
            | "passphrase"
            | "secret"
            | "token"
            | "key"
            | "apikey"
            | "credential"
            | "credentials"
            | "auth"
    )
}

/// `RawSecretAccessKey` -> raw, secret, access, key; `DB_PASSWORD` -> db,
/// password; `x-api-key` -> x, api, key.  Lowercased; digits stay with the
/// word before them (`ec2`).
pub fn split_words(name: &[u8]) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let bytes = name;
    for (i, &b) in bytes.iter().enumerate() {
        if !b.is_ascii_alphanumeric() {
            flush(&mut words, &mut current);
            continue;
        }
        let prev = i.checked_sub(1).map(|j| bytes[j]);
        let next = bytes.get(i + 1).copied();
        let boundary = b.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if boundary {
            flush(&mut words, &mut current);
        }
        current.push(b.to_ascii_lowercase() as char);
    }
    flush(&mut words, &mut current);
    words
}

fn flush(words: &mut Vec<String>, current: &mut String) {
    if !current.is_empty() {
        words.push(std::mem::take(current));
    }
}

/// The whole identifier around a regex's `name` group: the group holds
/// the credential word (`Token`), the identifier may go on either side
/// (`ChangeToken`, `AWS::IAM::AccessKey`, `--secret-access-key`).
pub fn name_around(haystack: &[u8], name: std::ops::Range<usize>) -> &[u8] {
    let word = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
    let mut from = name.start.min(haystack.len());
    while from > 0 && name.start - from < 128 {
        let b = haystack[from - 1];
        let double_colon = b == b':' && from >= 2 && haystack[from - 2] == b':';
        if double_colon {
            from -= 2;
        } else if word(b) {
            from -= 1;
        } else {
            break;
        }
    }
    let mut to = name.end.clamp(from, haystack.len());
    while to < haystack.len() && to - name.end < 64 && haystack[to].is_ascii_alphanumeric() {
        to += 1;
    }
    let name = &haystack[from..to];
    // Leading `-`/`.` belong to a CLI flag or a property path, not the name.
    let trim = name
        .iter()
        .position(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .unwrap_or(name.len());
    &name[trim..]
}

/// Whether `value` can be a credential assigned to a name of `kind` with
/// `words`: long enough, and not a UUID under a request-id name, a type
/// name or identifier, a property path, a header name, an integrity hash,
/// or (for a short password) a dictionary word.
pub fn value_fits(kind: NameKind, words: &[String], value: &[u8]) -> bool {
    let min = match kind {
        NameKind::Password => 10,
        NameKind::Other => MIN_NON_PASSWORD_LEN,
    };
    if value.len() < min {
        return false;
    }
    if is_uuid(value)
        && words.iter().any(|w| {
            matches!(
                w.as_str(),
                "request" | "client" | "idempotency" | "correlation" | "trace"
            )
        })
    {
        return false;
    }
    if looks_like_identifier(value) || looks_like_property_path(value) || is_word_list(value) {
        return false;
    }
    // An AWS resource name, an Ethereum address or public key under a
    // `private…` name, an FCM registration token: none is a credential.
    if value.starts_with(b"arn:aws")
        || (words.iter().any(|w| w == "private") && is_ethereum_public(value))
        || is_fcm_registration(value)
    {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    if [
        b"sha256:" as &[u8],
        b"sha512-",
        b"sha384-",
        b"sha1-",
        b"sha256-",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
    {
        return false;
    }
    if kind == NameKind::Password && value.len() < MIN_NON_PASSWORD_LEN {
        return short_password_ok(&lower, value);
    }
    true
}

/// A short password must mix three of lowercase, uppercase, digits and
/// symbols, and hold no common password word (`Welcome2024!`).
fn short_password_ok(lower: &[u8], value: &[u8]) -> bool {
    let classes = [
        value.iter().any(u8::is_ascii_lowercase),
        value.iter().any(u8::is_ascii_uppercase),
        value.iter().any(u8::is_ascii_digit),
        value.iter().any(|b| b.is_ascii_punctuation()),
    ];
    let common = [
        "pass", "word", "admin", "secret", "qwerty", "letmein", "welcome", "change", "default",
        "test", "demo", "example", "sample", "login", "user",
    ];
    classes.iter().filter(|c| **c).count() >= 3
        && !common
            .iter()
            .any(|w| memchr::memmem::find(lower, w.as_bytes()).is_some())
}

/// `0x` + 40 hex (an address) or a SEC1 public key (`0x02`/`0x03` + 64
/// hex, `0x04` + 128 hex); a private key (`0x` + 64 hex) is neither.
fn is_ethereum_public(value: &[u8]) -> bool {
    let Some(hex) = value.strip_prefix(b"0x") else {
        return false;
    };
    hex.iter().all(u8::is_ascii_hexdigit)
        && (hex.len() == 40
            || (hex.len() == 66 && (hex.starts_with(b"02") || hex.starts_with(b"03")))
            || (hex.len() == 130 && hex.starts_with(b"04")))
}

/// A Firebase Cloud Messaging registration token (`<instance id>:APA91b…`):
/// a device's address.
fn is_fcm_registration(value: &[u8]) -> bool {
    memchr::memchr(b':', value).is_some_and(|i| {
        i >= 8
            && value[..i]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
            && value[i + 1..].starts_with(b"AP")
            && value.len() - i > 40
    })
}

fn is_uuid(value: &[u8]) -> bool {
    value.len() == 36
        && value.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// A word of code: lowercase letters with at most a leading capital, two
/// or more of them and a vowel (`Sensitive`, `to`, `config`).
fn is_code_word(word: &[u8]) -> bool {
    let (first, rest) = match word.split_first() {
        Some(split) => split,
        None => return false,
    };
    word.len() >= 2
        && first.is_ascii_alphabetic()
        && rest.iter().all(u8::is_ascii_lowercase)
        && word.iter().any(|b| {
            matches!(
                b.to_ascii_lowercase(),
                b'a' | b'e' | b'i' | b'o' | b'u' | b'y'
            )
        })
}

/// `SensitiveString2048`, `defaultToConfig2`, `my_api_token`: an
/// identifier made of two or more code words, digits only at its end.
fn looks_like_identifier(value: &[u8]) -> bool {
    let body = value
        .strip_suffix(b",")
        .or_else(|| value.strip_suffix(b";"))
        .unwrap_or(value);
    let digits = body.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    let stem = &body[..body.len() - digits];
    if stem.is_empty()
        || !stem
            .iter()
            .all(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'$')
    {
        return false;
    }
    let parts = camel_parts(stem);
    parts.len() >= 2 && parts.iter().all(|p| is_code_word(p))
}

/// `self.x`, `this.props.apiKey`, `app$1.settings.appCheckToken`: dotted
/// names, each a short identifier, the first a lowercase word.
fn looks_like_property_path(value: &[u8]) -> bool {
    let body = value
        .strip_suffix(b",")
        .or_else(|| value.strip_suffix(b";"))
        .unwrap_or(value);
    let parts: Vec<&[u8]> = body.split(|&b| b == b'.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 32
                && p.iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$')
                && p[0].is_ascii_alphabetic()
        })
        && parts.iter().all(|p| {
            let letters: Vec<u8> = p.iter().copied().filter(u8::is_ascii_alphabetic).collect();
            camel_parts(&letters)
                .iter()
                .all(|w| is_code_word(w) || w.len() == 1)
        })
}

/// `x-aws-ec2-metadata-token`, `export_token_file`: lowercase words joined
/// by `-` or `_` (a header or setting name), each at most 12 characters.
fn is_word_list(value: &[u8]) -> bool {
    let parts: Vec<&[u8]> = value.split(|&b| b == b'-' || b == b'_').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 12
                && p.iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                && p.iter().filter(|b| b.is_ascii_digit()).count() <= 2
                && (p.len() == 1
                    || is_code_word(&p[..p.iter().take_while(|b| b.is_ascii_lowercase()).count()])
                    || p.len() <= 3)
        })
}

/// Split letters on camelCase and `_`/`$` boundaries.
fn camel_parts(stem: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut start = 0;
    for i in 0..stem.len() {
        let b = stem[i];
        if b == b'_' || b == b'$' {
            if start < i {
                parts.push(&stem[start..i]);
            }
            start = i + 1;
            continue;
        }
        if i > start && b.is_ascii_uppercase() {
            parts.push(&stem[start..i]);
            start = i;
        }
    }
    if start < stem.len() {
        parts.push(&stem[start..]);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_words() {
        assert_eq!(
            split_words(b"RawSecretAccessKey"),
            ["raw", "secret", "access", "key"]
        );
        assert_eq!(split_words(b"DB_PASSWORD"), ["db", "password"]);
        assert_eq!(split_words(b"x-api-key"), ["x", "api", "key"]);
        assert_eq!(split_words(b"APIToken"), ["api", "token"]);
    }

    #[test]
    fn modifiers_make_tokens_non_credentials() {
        for name in [
            "ChangeToken",
            "NextToken",
            "PageToken",
            "ContinuationToken",
            "ClientToken",
            "IdempotencyToken",
            "CsrfToken",
            "LockToken",
            "RequestToken",
            "SyncToken",
            "ResumeToken",
            "CancellationToken",
            "ClientRequestToken",
            "NextContinuationToken",
            "max_tokens",
            "token_url",
            "AWS::IAM::AccessKey",
            "SubjectFromWebIdentityToken",
            "cart_token",
            "checkoutToken",
            "browserToken",
            "Postman-Token",
        ] {
            assert_eq!(judge_name(name.as_bytes()), None, "{name}");
        }
        for (name, kind) in [
            ("DB_PASSWORD", NameKind::Password),
            ("api_token", NameKind::Other),
            ("client_secret", NameKind::Other),
            ("authorizationToken", NameKind::Other),
            ("AppKey", NameKind::Other),
            ("RawSecretAccessKey", NameKind::Other),
            ("TokenValue", NameKind::Other),
        ] {
            assert_eq!(judge_name(name.as_bytes()), Some(kind), "{name}");
        }
    }

    #[test]
    fn code_values_do_not_fit() {
        let other = |v: &str| value_fits(NameKind::Other, &[], v.as_bytes());
        for code in [
            "SensitiveString2048",
            "defaultToConfig2",
            "app$1.settings.appCheckToken;",
            "x-aws-ec2-metadata-token",
            "sha256-Zq8v1LmN0pFAKEtU2wXy3",
        ] {
            assert!(!other(code), "{code}");
        }
        for secret in [
            "Q5FAKELESaY1Hjl2ufaI",
            "qk#EFAKEj!#UJV-WjW8V",
            "q8w3.K5z1v7FAKEmP2xY",
        ] {
            assert!(other(secret), "{secret}");
        }
        let words = vec!["client".to_string(), "token".to_string()];
        assert!(!value_fits(
            NameKind::Other,
            &words,
            b"1234abcd-1234-abcd-1234-abcd1234abcd"
        ));
    }

    #[test]
    fn resource_names_public_keys_and_push_addresses_do_not_fit() {
        let other = |v: &str| value_fits(NameKind::Other, &[], v.as_bytes());
        assert!(!other(
            "arn:aws:lambda:us-east-1:123456789012:function:reset"
        ));
        assert!(!other(
            "cFAKE0dQ3kq:APA91bHFAKEm2xQ9vL7pR4kZ8wN3tY6uJ1oI5eA0sD2fG7hK9lM"
        ));
        let private = vec!["private".to_string(), "key".to_string()];
        let address = format!("0x{}", "ab12".repeat(10));
        assert!(!value_fits(NameKind::Other, &private, address.as_bytes()));
        let key = format!("0x{}", "9f3e".repeat(16));
        assert!(value_fits(NameKind::Other, &private, key.as_bytes()));
    }

    #[test]
    fn short_passwords_need_a_password_name_and_no_dictionary_word() {
        assert!(value_fits(NameKind::Password, &[], b"Xk9#mQ2$vL7pR4"));
        assert!(!value_fits(NameKind::Other, &[], b"Xk9#mQ2$vL7pR4"));
        assert!(!value_fits(NameKind::Password, &[], b"Welcome2024!"));
        assert!(!value_fits(NameKind::Password, &[], b"changeme"));
    }
}
