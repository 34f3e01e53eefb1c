//! Placeholders that have a secret's shape but not its substance: `xxxx`,
//! `your-api-key`, `<API_KEY>`, `${TOKEN}`, AWS's documented `...EXAMPLE`
//! key, long runs of one character or of a sequence (`abcdefgh`, `12345678`).
//! Shared by every rule that keeps `placeholder_filter` on.

/// Words that mark documentation or templates, matched case-insensitively.
const STOPWORDS: &[&str] = &[
    "example",
    "xxxx",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "placeholder",
    "redacted",
    "changeme",
    "change-me",
    "change_me",
    "changeit",
    "_here",
    "-here",
    "insert_",
    "replace_me",
    "replaceme",
    "dummy",
    "sample",
    "<",
    ">",
    "${",
    "{{",
    "...",
    "*****",
    "os.environ",
    "process.env",
    "%s",
    "%(",
    "{0}",
];

/// Whole values that are defaults or template words, never secrets: the
/// `postgres://postgres:postgres@localhost` of every tutorial.
const PLACEHOLDER_VALUES: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "admin",
    "root",
    "guest",
    "user",
    "username",
    "test",
    "postgres",
    "mysql",
    "none",
    "null",
    "nil",
    "true",
    "false",
    "mypassword",
    "mysecret",
    "secretpassword",
    "supersecret",
    "foobar",
    "hunter2",
    "letmein",
    "qwerty",
    "token",
    "apikey",
    "api_key",
];

pub fn looks_like_placeholder(secret: &[u8]) -> bool {
    let lower = secret.to_ascii_lowercase();
    if STOPWORDS
        .iter()
        .any(|word| memchr::memmem::find(&lower, word.as_bytes()).is_some())
    {
        return true;
    }
    if PLACEHOLDER_VALUES.iter().any(|v| lower == v.as_bytes())
        || is_variable_reference(secret)
        || is_format_field(secret)
    {
        return true;
    }
    dominated_by_one_byte(secret) || has_sequential_run(secret, 8) || has_repeat_run(secret, 8)
}

/// `$DB_PASSWORD`, `$(cat file)`: a shell / env reference, not a value.
/// (Lower-case after `$` stays: `$apr1$…` and `$2y$…` are real hashes.)
fn is_variable_reference(secret: &[u8]) -> bool {
    secret.first() == Some(&b'$')
        && secret
            .get(1)
            .is_some_and(|&b| b.is_ascii_uppercase() || b == b'_' || b == b'(')
}

/// `{auth_token}`, `{0}`: a `str.format` / f-string field, filled in at run
/// time (a rule that takes the value to the end of the line may hold the
/// string's closing quotes: `password: {auth_token}'''`).
fn is_format_field(secret: &[u8]) -> bool {
    let end = secret
        .iter()
        .rposition(|b| !matches!(b, b'\'' | b'"'))
        .map_or(0, |i| i + 1);
    secret[..end]
        .strip_prefix(b"{")
        .and_then(|rest| rest.strip_suffix(b"}"))
        .is_some_and(|name| {
            !name.is_empty()
                && name
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
        })
}

/// More than half of the string is one byte (e.g. `sk-aaaaaaaaa…`).
fn dominated_by_one_byte(secret: &[u8]) -> bool {
    let mut counts = [0usize; 256];
    for &b in secret {
        counts[b as usize] += 1;
    }
    counts.iter().any(|&c| c * 2 > secret.len()) && secret.len() >= 8
}

/// `len` or more consecutive bytes each one above (or below) the previous:
/// `abcdefgh`, `12345678`, `98765432`.
fn has_sequential_run(secret: &[u8], len: usize) -> bool {
    let (mut up, mut down) = (1, 1);
    for pair in secret.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let alnum = a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric();
        up = if alnum && b == a.wrapping_add(1) {
            up + 1
        } else {
            1
        };
        down = if alnum && a == b.wrapping_add(1) {
            down + 1
        } else {
            1
        };
        if up >= len || down >= len {
            return true;
        }
    }
    false
}

/// `len` or more of the same alphanumeric byte in a row (`00000000`).
fn has_repeat_run(secret: &[u8], len: usize) -> bool {
    let mut run = 1;
    for pair in secret.windows(2) {
        run = if pair[0] == pair[1] && pair[0].is_ascii_alphanumeric() {
            run + 1
        } else {
            1
        };
        if run >= len {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::looks_like_placeholder;

    #[test]
    fn placeholders_are_recognised() {
        for p in [
            "AKIAIOSFODNN7EXAMPLE",
            "sk-xxxxxxxxxxxxxxxxxxxxxxxx",
            "<API_KEY>",
            "${OPENAI_API_KEY}",
            "your-api-key-here",
            "abcdefghijklmnop",
            "sk-00000000000000000000",
            "postgres",
            "Password",
            "$DB_PASSWORD",
            "$(cat /run/secrets/token)",
            "%s",
            "{0}",
            "{auth_token}",
            "{auth_token}'''",
        ] {
            assert!(looks_like_placeholder(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn random_keys_are_not_placeholders() {
        for k in [
            "sk-irHiKqeCLTEFAKE8C5ttT3BlbkFJc6L9g8zbKR48lZ9STRTK",
            "AKIAQ4N2OFAKEI7CESOL",
            "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",
            "$apr1$flzQnjuL$35WHJvZdFAKE646dpdQv3K",
            "$2y$10$aBhHCd3SR4zNt1/DFzP0fFAKEY7Fb8dzUpQileycBlvKYa9IfI3/M",
            "Tr0ub4dor-FAKE-3",
        ] {
            assert!(!looks_like_placeholder(k.as_bytes()), "{k}");
        }
    }
}
