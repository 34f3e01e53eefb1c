//! The project-binding analysis: configs whose project or organization does
//! not match the key beside them (the `OpenAI-Project header should match
//! project for API key` outage, caught before it ships).
//!
//! 1. Per blob (`analyze_blob`): OpenAI keys come from the engine's
//!    findings; project / organization IDs from the identifier rules and
//!    from project / organization *settings* (which also yields malformed
//!    values like `proj_abc`).  Each key binds to the IDs of the smallest
//!    scope around it that holds any (`scope`): a call, a mapping, a
//!    section, an `.env` file, else a window of code lines.
//! 2. After the scan (`check`): bindings are checked against an inventory
//!    (`--inventory`), or against each other (the same key bound to two
//!    projects anywhere, history included), and provider evidence (GCP,
//!    Supabase, Firebase: `providers`) is compared within a file and a
//!    directory.

pub mod inventory;
pub mod providers;
pub mod scope;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::{Arc, LazyLock};

use regex::bytes::Regex;

use crate::engine::noise::looks_like_placeholder;
use crate::engine::position::LineCol;
use crate::finding::{Finding, Related};
use crate::report::redact::redact;
use crate::rules::{RuleKind, RuleMeta, RuleSet, Severity};
use crate::sources::{CommitInfo, Origin};
use inventory::{Inventory, KeyOwner};
use scope::{FileKind, Scope, ScopeKind};

/// Lines around a key searched when no call or object ties it to an ID.
const WINDOW_LINES: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdKind {
    Project,
    Organization,
}

impl IdKind {
    fn noun(self) -> &'static str {
        match self {
            IdKind::Project => "project",
            IdKind::Organization => "organization",
        }
    }
}

/// A project or organization ID named in a blob.
#[derive(Debug, Clone)]
pub struct IdFact {
    pub kind: IdKind,
    pub value: String,
    /// `proj_` / `org-` + 24 alphanumerics, and not a placeholder.
    pub valid: bool,
    pub span: Range<usize>,
    pub at: Related,
}

/// A key tied to an ID by a scope.
#[derive(Debug, Clone)]
pub struct Binding {
    pub key: Finding,
    pub id: IdFact,
    pub scope: ScopeKind,
}

/// What one blob contributes to the analysis.
#[derive(Debug, Default)]
pub struct BlobFacts {
    pub bindings: Vec<Binding>,
    /// Keys in `.env` files with no project in the file: candidates for a
    /// directory binding to a sibling config's project.
    pub loose_keys: Vec<Finding>,
    /// Valid IDs in config files (YAML / JSON / TOML / INI).
    pub config_ids: Vec<IdFact>,
    pub evidence: Vec<providers::Evidence>,
}

impl BlobFacts {
    /// History: the blob's facts belong to the commit that introduced it.
    /// Directory scope doesn't apply (siblings come from other commits).
    pub fn attach_commit(&mut self, commit: &Arc<CommitInfo>) {
        self.loose_keys.clear();
        self.config_ids.clear();
        for binding in &mut self.bindings {
            binding.key.origin.commit = Some(commit.clone());
            binding.id.at.origin.commit = Some(commit.clone());
        }
        for item in &mut self.evidence {
            item.at.origin.commit = Some(commit.clone());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.bindings.is_empty()
            && self.loose_keys.is_empty()
            && self.config_ids.is_empty()
            && self.evidence.is_empty()
    }
}

/// A project or organization setting: its name, then the value.  Catches
/// env vars (`OPENAI_PROJECT_ID=`), headers (`OpenAI-Project:`), keyword
/// arguments (`project=`), builder calls (`.project(`, `WithProject(`),
/// .NET (`ProjectId =`), YAML / JSON keys.
static SETTING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)(?:project|org|organi[sz]ation)(?:[_-]?id)?["']?\s*(?:=>|[:=(,])\s*["']?(?P<value>(?:proj|org)[_-][A-Za-z0-9_-]*)"#,
    )
    .expect("setting regex compiles")
});

static VALID_PROJECT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^proj_[A-Za-z0-9]{24}$").expect("valid project regex"));
static VALID_ORG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^org-[A-Za-z0-9]{24}$").expect("valid org regex"));
/// AWS Bedrock's OpenAI-compatible API sends these in `OpenAI-Project`: not OpenAI's.
static BEDROCK_PROJECT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^proj_[a-z0-9]{20}$").expect("bedrock regex"));

fn is_openai_key(finding: &Finding) -> bool {
    finding.rule.provider == "openai" && finding.rule.kind == RuleKind::Secret
}

fn is_admin_key(finding: &Finding) -> bool {
    finding.rule.id == "openai-admin-key"
}

/// Step 1 for one blob: facts and in-file bindings.
pub fn analyze_blob(
    rules: &RuleSet,
    origin: &Origin,
    bytes: &[u8],
    secrets: &[Finding],
    identifiers: &[Finding],
) -> BlobFacts {
    let kind = FileKind::of(&origin.root_relative);
    let keys: Vec<&Finding> = secrets.iter().filter(|f| is_openai_key(f)).collect();
    let mut facts = BlobFacts {
        evidence: providers::evidence(rules, origin, bytes),
        ..BlobFacts::default()
    };
    if keys.is_empty() {
        if kind.is_config() {
            facts.config_ids = id_facts(bytes, origin, identifiers, false);
        }
        return facts;
    }
    let ids = id_facts(bytes, origin, identifiers, true);
    let scopes = scope::scopes(kind, bytes);
    for key in keys {
        let mut project_bound = false;
        for id_kind in [IdKind::Project, IdKind::Organization] {
            if id_kind == IdKind::Project && is_admin_key(key) {
                continue; // Admin keys belong to the organization, not a project.
            }
            if let Some((index, scope)) = bind(key, kind, bytes, &scopes, &ids, id_kind) {
                project_bound |= id_kind == IdKind::Project;
                facts.bindings.push(Binding {
                    key: key.clone(),
                    id: ids[index].clone(),
                    scope,
                });
            }
        }
        if !project_bound && kind == FileKind::Env {
            facts.loose_keys.push(key.clone());
        }
    }
    facts
}

/// Project and organization IDs in a blob: the identifier rules' matches,
/// plus every value of a project / organization setting (valid or not).
fn id_facts(
    bytes: &[u8],
    origin: &Origin,
    identifiers: &[Finding],
    with_settings: bool,
) -> Vec<IdFact> {
    let mut facts: Vec<IdFact> = identifiers
        .iter()
        .filter_map(|f| {
            let kind = match f.rule.id.as_str() {
                "openai-project-id" => IdKind::Project,
                "openai-organization-id" => IdKind::Organization,
                _ => return None,
            };
            Some(IdFact {
                kind,
                value: f.secret.clone(),
                valid: true,
                span: f.span.clone(),
                at: f.as_related(String::new()),
            })
        })
        .collect();
    if with_settings {
        for caps in SETTING.captures_iter(bytes) {
            let value = caps.name("value").expect("value group");
            if facts.iter().any(|f| f.span == value.range()) {
                continue;
            }
            let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let (kind, valid) = if text.starts_with("proj") {
                if BEDROCK_PROJECT.is_match(value.as_bytes()) {
                    continue;
                }
                (IdKind::Project, VALID_PROJECT.is_match(value.as_bytes()))
            } else {
                (IdKind::Organization, VALID_ORG.is_match(value.as_bytes()))
            };
            facts.push(IdFact {
                kind,
                valid: valid && !looks_like_placeholder(value.as_bytes()),
                value: text,
                span: value.range(),
                at: Related::at(bytes, origin, value.range(), String::new()),
            });
        }
    }
    facts
}

/// The ID of `id_kind` that the smallest scope around `key` holding any
/// names; `None` when that scope names two different ones (ambiguous).
fn bind(
    key: &Finding,
    kind: FileKind,
    bytes: &[u8],
    scopes: &[Scope],
    ids: &[IdFact],
    id_kind: IdKind,
) -> Option<(usize, ScopeKind)> {
    let mut around: Vec<&Scope> = scopes
        .iter()
        .filter(|s| s.range.contains(&key.span.start))
        .collect();
    around.sort_by_key(|s| s.range.len());
    let mut candidates: Vec<(&Range<usize>, ScopeKind)> =
        around.iter().map(|s| (&s.range, s.kind)).collect();
    let window = scope::window(bytes, key.span.start, WINDOW_LINES);
    if kind == FileKind::Code {
        candidates.push((&window, ScopeKind::Window));
    }
    for (range, scope_kind) in candidates {
        let inside: Vec<usize> = (0..ids.len())
            .filter(|&i| {
                ids[i].kind == id_kind
                    && range.start <= ids[i].span.start
                    && ids[i].span.end <= range.end
            })
            .collect();
        if inside.is_empty() {
            continue;
        }
        let distinct: BTreeSet<&str> = inside.iter().map(|&i| ids[i].value.as_str()).collect();
        if distinct.len() > 1 {
            return None;
        }
        let nearest = inside
            .into_iter()
            .min_by_key(|&i| ids[i].span.start.abs_diff(key.span.start))
            .expect("non-empty");
        return Some((nearest, scope_kind));
    }
    None
}

/// Step 2: checks over every blob's facts.  Returns findings (made with
/// the analysis rules that are enabled) and warnings.
pub fn check(rules: &RuleSet, facts: &[BlobFacts], inventory: Option<&Inventory>) -> Vec<Finding> {
    let mut bindings: Vec<Binding> = facts
        .iter()
        .flat_map(|f| f.bindings.iter().cloned())
        .collect();
    bindings.extend(directory_bindings(facts));
    let mut out = Findings {
        rules,
        found: Vec::new(),
    };
    check_invalid(&bindings, &mut out);
    let valid: Vec<&Binding> = bindings.iter().filter(|b| b.id.valid).collect();
    match inventory {
        Some(inventory) => check_inventory(&valid, inventory, &mut out),
        None => check_conflicts(&valid, &mut out),
    }
    let evidence: Vec<&providers::Evidence> =
        facts.iter().flat_map(|f| f.evidence.iter()).collect();
    out.found.extend(providers::check(rules, &evidence));
    out.found
}

/// A `.env` key with no project of its own, and exactly one project (or
/// organization) ID across the config files of its directory.
fn directory_bindings(facts: &[BlobFacts]) -> Vec<Binding> {
    let mut ids_by_dir: BTreeMap<(String, IdKind), Vec<&IdFact>> = BTreeMap::new();
    for id in facts.iter().flat_map(|f| f.config_ids.iter()) {
        ids_by_dir
            .entry((directory_of(&id.at.origin.root_relative), id.kind))
            .or_default()
            .push(id);
    }
    let mut bindings = Vec::new();
    for key in facts.iter().flat_map(|f| f.loose_keys.iter()) {
        let dir = directory_of(&key.origin.root_relative);
        for id_kind in [IdKind::Project, IdKind::Organization] {
            let Some(ids) = ids_by_dir.get(&(dir.clone(), id_kind)) else {
                continue;
            };
            let distinct: BTreeSet<&str> = ids.iter().map(|i| i.value.as_str()).collect();
            if distinct.len() == 1 && !(id_kind == IdKind::Project && is_admin_key(key)) {
                bindings.push(Binding {
                    key: key.clone(),
                    id: ids[0].clone(),
                    scope: ScopeKind::Directory,
                });
            }
        }
    }
    bindings
}

pub(crate) fn directory_of(path: &str) -> String {
    path.rsplit_once('/').map_or("", |(dir, _)| dir).to_string()
}

/// Collects analysis findings, skipping rules the user disabled.
struct Findings<'a> {
    rules: &'a RuleSet,
    found: Vec<Finding>,
}

impl Findings<'_> {
    /// An analysis finding at the binding's key, pointing at `related`.
    /// `discriminator` joins the secret in the fingerprint, so a key bound
    /// to two wrong projects is two findings to a baseline.
    fn push(
        &mut self,
        rule_id: &str,
        binding: &Binding,
        related: Vec<Related>,
        message: String,
        discriminator: &str,
    ) {
        let Some(meta) = self.rules.analysis_rule(rule_id) else {
            return;
        };
        let meta = if binding.scope == ScopeKind::Directory {
            weaker(&meta)
        } else {
            meta
        };
        let mut finding = binding.key.clone();
        let identity = format!("{}\u{0}{discriminator}", finding.secret);
        finding.reidentify(meta, identity.as_bytes());
        finding.message = Some(message);
        finding.related = related;
        if !self.found.iter().any(|f| same_finding(f, &finding)) {
            self.found.push(finding);
        }
    }
}

fn same_finding(a: &Finding, b: &Finding) -> bool {
    a.rule.id == b.rule.id
        && a.origin == b.origin
        && a.start == b.start
        && a.fingerprint == b.fingerprint
}

/// Directory-scope evidence is weaker: one severity step lower.
pub(crate) fn weaker(meta: &Arc<RuleMeta>) -> Arc<RuleMeta> {
    let mut lowered = (**meta).clone();
    lowered.severity = match meta.severity {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        _ => Severity::Low,
    };
    Arc::new(lowered)
}

fn id_related(binding: &Binding, what: &str) -> Related {
    let mut related = binding.id.at.clone();
    related.message = format!("{what} {} ({})", binding.id.value, binding.scope.describe());
    related
}

fn check_invalid(bindings: &[Binding], out: &mut Findings) {
    for binding in bindings.iter().filter(|b| !b.id.valid) {
        let (rule, shape) = match binding.id.kind {
            IdKind::Project => ("openai-invalid-project-id", "proj_ + 24 letters and digits"),
            IdKind::Organization => ("openai-invalid-org-id", "org- + 24 letters and digits"),
        };
        let noun = binding.id.kind.noun();
        let message = format!(
            "OpenAI key {} is configured with {noun} `{}` ({}), which is not a valid {noun} ID ({shape}): the API will reject every request.",
            redact(&binding.key.secret),
            binding.id.value,
            binding.scope.describe()
        );
        let related = vec![id_related(binding, &format!("malformed {noun}"))];
        out.push(rule, binding, related, message, &binding.id.value);
    }
}

fn check_inventory(bindings: &[&Binding], inventory: &Inventory, out: &mut Findings) {
    let mut reported_keys = BTreeSet::new();
    for binding in bindings {
        let key = &binding.key;
        let shown = redact(&key.secret);
        let owner = inventory.owner_of(&key.secret);
        if !matches!(owner, KeyOwner::Owned { .. })
            && reported_keys.insert((key.origin.clone(), key.start, key.secret.clone()))
        {
            let message = match &owner {
                KeyOwner::Ambiguous(candidates) => format!(
                    "OpenAI key {shown} matches {} inventory keys ({}) by visible prefix and suffix: cannot tell which project owns it, so its bindings are not checked.",
                    candidates.len(),
                    candidates
                        .iter()
                        .map(|k| k.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                _ => format!(
                    "OpenAI key {shown} is not in the inventory {}: revoked, or from another organization.",
                    inventory.path
                ),
            };
            out.push(
                "openai-key-not-in-inventory",
                binding,
                Vec::new(),
                message,
                "inventory",
            );
        }
        let bound = &binding.id.value;
        if binding.id.kind == IdKind::Project && inventory.project(bound).is_none() {
            let message = format!(
                "OpenAI key {shown} is configured with project {bound} ({}), which the inventory {} does not list (deleted, another organization's, or a typo).",
                binding.scope.describe(),
                inventory.path
            );
            out.push(
                "openai-unknown-project",
                binding,
                vec![id_related(binding, "unknown project")],
                message,
                bound,
            );
            continue;
        }
        let KeyOwner::Owned {
            project,
            key: owned,
        } = owner
        else {
            continue;
        };
        let named = |p: &inventory::InventoryProject| {
            if p.name.is_empty() {
                p.id.clone()
            } else {
                format!("{} ({})", p.id, p.name)
            }
        };
        match binding.id.kind {
            IdKind::Project if *bound != project.id => {
                let message = format!(
                    "OpenAI key {shown} belongs to project {} (inventory key {}), but this config names project {} ({}). Requests fail with `OpenAI-Project header should match project for API key`. Use {} here, or a key created in {bound}.",
                    named(project),
                    owned.id,
                    inventory
                        .project(bound)
                        .map_or_else(|| bound.clone(), named),
                    binding.scope.describe(),
                    project.id
                );
                out.push(
                    "openai-project-mismatch",
                    binding,
                    vec![id_related(binding, "configured project")],
                    message,
                    bound,
                );
            }
            IdKind::Organization => {
                if let Some(org) = &project.organization_id
                    && bound != org
                {
                    let message = format!(
                        "OpenAI key {shown} belongs to organization {org} (project {}), but this config names organization {bound} ({}). Requests fail with `OpenAI-Organization header should match organization for API key`. Use {org}, or drop the setting.",
                        project.id,
                        binding.scope.describe()
                    );
                    out.push(
                        "openai-org-mismatch",
                        binding,
                        vec![id_related(binding, "configured organization")],
                        message,
                        bound,
                    );
                }
            }
            _ => {}
        }
    }
}

/// Without an inventory: one key bound to two projects (or organizations),
/// or one project bound with two organizations, anywhere in the scan.
fn check_conflicts(bindings: &[&Binding], out: &mut Findings) {
    // Blobs' facts arrive in thread order: sort, so the related locations
    // of a conflict are listed the same way in every run.
    // Compared by reference: the origins and values are not copied.
    fn order(x: &Binding) -> (&Origin, usize, &Origin, LineCol, &str) {
        (
            &x.key.origin,
            x.key.span.start,
            &x.id.at.origin,
            x.id.at.start,
            &x.id.value,
        )
    }
    let mut bindings = bindings.to_vec();
    bindings.sort_by(|a, b| order(a).cmp(&order(b)));
    let bindings = bindings.as_slice();
    for id_kind in [IdKind::Project, IdKind::Organization] {
        let mut by_key: BTreeMap<&str, Vec<&Binding>> = BTreeMap::new();
        for binding in bindings.iter().filter(|b| b.id.kind == id_kind) {
            by_key
                .entry(binding.key.secret.as_str())
                .or_default()
                .push(binding);
        }
        let rule = match id_kind {
            IdKind::Project => "openai-project-conflict",
            IdKind::Organization => "openai-org-conflict",
        };
        for group in by_key.values() {
            report_conflict(group, rule, id_kind, out, |b| {
                format!("key {}", redact(&b.key.secret))
            });
        }
    }
    // One project named with two organizations (through the keys bound to both).
    let mut org_by_project: BTreeMap<String, Vec<&Binding>> = BTreeMap::new();
    for project in bindings.iter().filter(|b| b.id.kind == IdKind::Project) {
        for org in bindings.iter().filter(|b| {
            b.id.kind == IdKind::Organization
                && b.key.origin == project.key.origin
                && b.key.span == project.key.span
        }) {
            org_by_project
                .entry(project.id.value.clone())
                .or_default()
                .push(org);
        }
    }
    for (project, group) in &org_by_project {
        let distinct_keys: BTreeSet<&str> = group.iter().map(|b| b.key.secret.as_str()).collect();
        if distinct_keys.len() > 1 {
            report_conflict(
                group,
                "openai-org-conflict",
                IdKind::Organization,
                out,
                |_| format!("project {project}"),
            );
        }
    }
}

fn report_conflict(
    group: &[&Binding],
    rule: &str,
    id_kind: IdKind,
    out: &mut Findings,
    subject: impl Fn(&Binding) -> String,
) {
    let distinct: BTreeSet<&str> = group.iter().map(|b| b.id.value.as_str()).collect();
    if distinct.len() < 2 {
        return;
    }
    let noun = id_kind.noun();
    for binding in group {
        let others: Vec<&&Binding> = group
            .iter()
            .filter(|o| o.id.value != binding.id.value)
            .collect();
        let elsewhere: Vec<String> = others
            .iter()
            .map(|o| {
                let place = match &o.id.at.origin.commit {
                    Some(commit) => format!(
                        "{}:{} in commit {}",
                        o.id.at.origin.path,
                        o.id.at.start.line,
                        &commit.id[..commit.id.len().min(12)]
                    ),
                    None => format!("{}:{}", o.id.at.origin.path, o.id.at.start.line),
                };
                format!("{} at {place}", o.id.value)
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let message = format!(
            "The same {} is bound to {noun} {} here ({}) but to {noun} {} elsewhere: at most one can be right.",
            subject(binding),
            binding.id.value,
            binding.scope.describe(),
            elsewhere.join(", ")
        );
        let mut related = vec![id_related(binding, &format!("{noun} here"))];
        related.extend(
            others
                .iter()
                .map(|o| id_related(o, &format!("conflicting {noun}"))),
        );
        out.push(rule, binding, related, message, &binding.id.value);
    }
}
