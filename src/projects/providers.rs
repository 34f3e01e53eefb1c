//! Other providers whose files carry their own project evidence:
//!
//! * GCP service-account JSON: `client_email` = `…@<project>.iam.gserviceaccount.com`
//!   (the account's project, fixed) vs `project_id` in the file, and vs
//!   `GOOGLE_CLOUD_PROJECT` / `GCLOUD_PROJECT`, Terraform `project =` and
//!   `.firebaserc` in the same directory;
//! * Supabase: a legacy anon / service_role JWT's `ref` claim vs the
//!   `https://<ref>.supabase.co` URL beside it;
//! * Firebase web config: `projectId` vs `authDomain`, `storageBucket` and
//!   `.firebaserc` in the same directory.
//!
//! Each file yields `Evidence`: the credential's own project (`primary`) and
//! the projects settings name.  `check` compares them within a file
//! (full severity) and within a directory (one step lower).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use base64::Engine as _;
use regex::bytes::Regex;

use crate::engine::findings;
use crate::model::Finding;

use crate::model::Origin;
use crate::rules::RuleSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    Gcp,
    Supabase,
    Firebase,
}

impl Provider {
    fn rule_id(self) -> &'static str {
        match self {
            Provider::Gcp => "gcp-project-mismatch",
            Provider::Supabase => "supabase-project-mismatch",
            Provider::Firebase => "firebase-project-mismatch",
        }
    }
}

/// One statement of which project something belongs to.
#[derive(Debug, Clone)]
pub struct Evidence {
    pub provider: Provider,
    /// The credential's own project (what can't be changed by config).
    pub primary: bool,
    /// What it is, e.g. "client_email domain", "SUPABASE_URL".
    pub label: String,
    pub value: String,
    /// Where: a finding of the provider's analysis rule at the value.
    pub at: Finding,
}

static GCP_SETTING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b(?P<label>GOOGLE_CLOUD_PROJECT|GCLOUD_PROJECT|CLOUDSDK_CORE_PROJECT)["']?\s*[:=]\s*["']?(?P<value>[a-z][a-z0-9-]{4,28}[a-z0-9])"#)
        .expect("gcp setting regex")
});
static TERRAFORM_PROJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^\s*(?P<label>project)\s*=\s*"(?P<value>[a-z][a-z0-9-]{4,28}[a-z0-9])""#)
        .expect("tf regex")
});
static FIREBASERC_DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""(?P<label>default)"\s*:\s*"(?P<value>[a-z][a-z0-9-]{4,28}[a-z0-9])""#)
        .expect("firebaserc regex")
});
static JWT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\beyJ[A-Za-z0-9_-]{8,}\.(?P<payload>eyJ[A-Za-z0-9_-]{8,})\.[A-Za-z0-9_-]{8,}")
        .expect("jwt regex")
});
static SUPABASE_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"https://(?P<value>[a-z0-9]{20})\.supabase\.co\b").expect("supabase url regex")
});
static FIREBASE_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\b(?P<label>projectId|authDomain|storageBucket)["']?\s*:\s*["'](?P<value>[a-z0-9-]+)(?P<suffix>\.firebaseapp\.com|\.appspot\.com|\.firebasestorage\.app)?["']"#,
    )
    .expect("firebase regex")
});

/// Evidence in one blob.
pub fn evidence(rules: &RuleSet, origin: &Origin, bytes: &[u8]) -> Vec<Evidence> {
    let mut found = Vec::new();
    let mut add = |provider: Provider,
                   primary: bool,
                   label: &str,
                   value: &str,
                   span: std::ops::Range<usize>| {
        if let Some(meta) = rules.analysis_rule(provider.rule_id()) {
            found.push(Evidence {
                provider,
                primary,
                label: label.to_string(),
                value: value.to_string(),
                at: findings::locate(meta, bytes, origin, span),
            });
        }
    };
    let name = origin.root_relative.rsplit('/').next().unwrap_or("");
    // Five SIMD memmem passes measured faster than one overlapping
    // Aho-Corasick pass over the same needles (registry tree: 1.12 s vs
    // 1.41 s user CPU), so each kind of evidence checks its own needle.
    let has = |needle: &[u8]| memchr::memmem::find(bytes, needle).is_some();
    if has(b"service_account") {
        gcp_service_account(bytes, &mut add);
    }
    for caps in GCP_SETTING.captures_iter(if has(b"_PROJECT") { bytes } else { b"" }) {
        let value = caps.name("value").unwrap();
        add(
            Provider::Gcp,
            false,
            &text(caps.name("label").unwrap().as_bytes()),
            &text(value.as_bytes()),
            value.range(),
        );
    }
    if name.ends_with(".tf") {
        for caps in TERRAFORM_PROJECT.captures_iter(bytes) {
            let value = caps.name("value").unwrap();
            add(
                Provider::Gcp,
                false,
                "Terraform project",
                &text(value.as_bytes()),
                value.range(),
            );
        }
    }
    if name == ".firebaserc" {
        for caps in FIREBASERC_DEFAULT.captures_iter(bytes) {
            let value = caps.name("value").unwrap();
            let project = text(value.as_bytes());
            add(
                Provider::Gcp,
                false,
                ".firebaserc default project",
                &project,
                value.range(),
            );
            add(
                Provider::Firebase,
                false,
                ".firebaserc default project",
                &project,
                value.range(),
            );
        }
    }
    if has(b"eyJ") {
        for caps in JWT.captures_iter(bytes) {
            let payload = caps.name("payload").unwrap();
            if let Some(reference) = supabase_ref(payload.as_bytes()) {
                add(
                    Provider::Supabase,
                    true,
                    "JWT `ref` claim",
                    &reference,
                    caps.get(0).unwrap().range(),
                );
            }
        }
    }
    for caps in SUPABASE_URL.captures_iter(if has(b".supabase.co") { bytes } else { b"" }) {
        let value = caps.name("value").unwrap();
        add(
            Provider::Supabase,
            false,
            "Supabase URL",
            &text(value.as_bytes()),
            value.range(),
        );
    }
    if has(b"projectId") {
        for caps in FIREBASE_FIELD.captures_iter(bytes) {
            let label = text(caps.name("label").unwrap().as_bytes());
            let value = caps.name("value").unwrap();
            let primary = label == "projectId";
            add(
                Provider::Firebase,
                primary,
                &label,
                &text(value.as_bytes()),
                value.range(),
            );
        }
    }
    found
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A service-account file: the `client_email` domain names the account's
/// project; `project_id` is a setting that must agree.
fn gcp_service_account(
    bytes: &[u8],
    add: &mut impl FnMut(Provider, bool, &str, &str, std::ops::Range<usize>),
) {
    let Ok(document) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return;
    };
    if document.get("type").and_then(|t| t.as_str()) != Some("service_account") {
        return;
    }
    let field = |name: &str| {
        document
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    if let Some(email) = field("client_email")
        && let Some(project) = email
            .split_once('@')
            .and_then(|(_, domain)| domain.strip_suffix(".iam.gserviceaccount.com"))
        && let Some(span) = value_span(bytes, "client_email", &email)
    {
        add(Provider::Gcp, true, "client_email domain", project, span);
    }
    if let Some(project_id) = field("project_id")
        && let Some(span) = value_span(bytes, "project_id", &project_id)
    {
        add(Provider::Gcp, false, "project_id", &project_id, span);
    }
}

/// The byte span of a JSON string value `value` of key `key`.
fn value_span(bytes: &[u8], key: &str, value: &str) -> Option<std::ops::Range<usize>> {
    let key_at = memchr::memmem::find(bytes, format!("\"{key}\"").as_bytes())?;
    let value_at = key_at + memchr::memmem::find(&bytes[key_at..], value.as_bytes())?;
    Some(value_at..value_at + value.len())
}

/// The `ref` of a Supabase JWT payload (`iss: "supabase"`).
fn supabase_ref(payload: &[u8]) -> Option<String> {
    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.strip_suffix(b"=").unwrap_or(payload))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&decoded).ok()?;
    (claims.get("iss")?.as_str()? == "supabase").then_some(())?;
    Some(claims.get("ref")?.as_str()?.to_string())
}

/// Compare each primary with the settings of its file, then of its
/// directory (working trees only: history blobs come from many commits).
pub fn check(rules: &RuleSet, evidence: &[&Evidence]) -> Vec<Finding> {
    let mut found = Vec::new();
    let mut by_file: BTreeMap<(Provider, &Origin), Vec<&Evidence>> = BTreeMap::new();
    let mut by_dir: BTreeMap<(Provider, String), Vec<&Evidence>> = BTreeMap::new();
    for item in evidence {
        by_file
            .entry((item.provider, &item.at.origin))
            .or_default()
            .push(item);
        if item.at.origin.commit.is_none() {
            let dir = super::directory_of(&item.at.origin.root_relative);
            by_dir.entry((item.provider, dir)).or_default().push(item);
        }
    }
    for group in by_file.values() {
        compare(rules, group, false, &mut found);
    }
    for group in by_dir.values() {
        // Same-file pairs were compared above at full severity.
        compare(rules, group, true, &mut found);
    }
    found
}

fn compare(rules: &RuleSet, group: &[&Evidence], across_files: bool, found: &mut Vec<Finding>) {
    for primary in group.iter().filter(|e| e.primary) {
        for setting in group.iter().filter(|e| !e.primary) {
            let same_file = setting.at.origin == primary.at.origin;
            if same_file == across_files || setting.value == primary.value {
                continue;
            }
            let Some(meta) = rules.analysis_rule(primary.provider.rule_id()) else {
                continue;
            };
            let meta = if across_files {
                super::weaker(&meta)
            } else {
                meta
            };
            let where_ = if same_file {
                "in the same file"
            } else {
                "in the same directory"
            };
            let mut finding = primary.at.clone();
            let identity = format!("{}\u{0}{}", primary.value, setting.value);
            finding.message = Some(format!(
                "The {} says project `{}`, but {} {where_} ({}:{}) says `{}`: the credential and the config belong to different projects.",
                primary.label,
                primary.value,
                setting.label,
                setting.at.origin.path,
                setting.at.start.line,
                setting.value
            ));
            finding.related = vec![
                setting
                    .at
                    .as_related(format!("{} `{}`", setting.label, setting.value)),
            ];
            finding.reidentify(meta, identity.as_bytes());
            if !found
                .iter()
                .any(|f| f.fingerprint == finding.fingerprint && f.origin == finding.origin)
            {
                found.push(finding);
            }
        }
    }
}
