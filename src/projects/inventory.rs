//! `--inventory FILE`: what OpenAI's Administration API says about an
//! organization's projects and their keys.
//!
//! Shape (documented in README.md):
//! `{"organization_id": "org-…"?, "projects": [{"id": "proj_…", "name": …,
//!   "organization_id": "org-…"?, "api_keys": [ProjectApiKey…] | {"object":
//!   "list", "data": [ProjectApiKey…], …}}]}` — extra fields of the API's
//! objects are accepted so pasted API responses work.  A ProjectApiKey's
//! `redacted_value` shows the key's first 8 and last 4 characters with `*`
//! between at full length (`sk-proj-abcd****…wxyz`), or the docs' short form
//! `sk-abc...def`; a found key matches by visible prefix, suffix and, when
//! known, length.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryKey {
    pub id: String,
    pub name: String,
    pub redacted_value: String,
    prefix: String,
    suffix: String,
    /// Full length, when the redacted form keeps it.
    length: Option<usize>,
}

impl InventoryKey {
    fn matches(&self, key: &str) -> bool {
        key.starts_with(&self.prefix)
            && key.ends_with(&self.suffix)
            && self.length.is_none_or(|n| n == key.chars().count())
            && key.len() >= self.prefix.len() + self.suffix.len()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryProject {
    pub id: String,
    pub name: String,
    pub organization_id: Option<String>,
    pub keys: Vec<InventoryKey>,
}

#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub path: String,
    pub projects: Vec<InventoryProject>,
    /// Problems that don't stop the run (duplicate redacted values).
    pub warnings: Vec<String>,
}

/// What the inventory says about a found key.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyOwner<'a> {
    Owned {
        project: &'a InventoryProject,
        key: &'a InventoryKey,
    },
    Unknown,
    /// More than one inventory key shows the same prefix and suffix.
    Ambiguous(Vec<&'a InventoryKey>),
}

impl Inventory {
    pub fn load(path: &Path) -> Result<Inventory> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read inventory {}", path.display()))?;
        Inventory::parse(&path.display().to_string(), &text)
    }

    pub fn parse(name: &str, text: &str) -> Result<Inventory> {
        let root: Value = serde_json::from_str(text)
            .map_err(|e| anyhow!("inventory {name}: invalid JSON: {e}"))?;
        let fail = |at: &str, what: &str| anyhow!("inventory {name}: {at}: {what}");
        let top_org =
            optional_string(&root, "organization_id").map_err(|e| fail("organization_id", &e))?;
        let projects = root
            .get("projects")
            .and_then(Value::as_array)
            .ok_or_else(|| fail("projects", "missing, or not an array of projects"))?;
        let mut inventory = Inventory {
            path: name.to_string(),
            ..Inventory::default()
        };
        for (index, project) in projects.iter().enumerate() {
            let at = format!("projects[{index}]");
            let id = required_string(project, "id").map_err(|e| fail(&at, &e))?;
            if !id.starts_with("proj_") {
                bail!(fail(
                    &format!("{at}.id"),
                    &format!("`{id}` is not a project ID (proj_…)")
                ));
            }
            let org = optional_string(project, "organization_id").map_err(|e| fail(&at, &e))?;
            let keys_value = project.get("api_keys").unwrap_or(&Value::Null);
            let keys = match keys_value {
                Value::Array(items) => items.as_slice(),
                Value::Object(envelope) => envelope
                    .get("data")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .ok_or_else(|| {
                        fail(
                            &format!("{at}.api_keys"),
                            "a list envelope needs a `data` array",
                        )
                    })?,
                Value::Null => &[],
                _ => bail!(fail(
                    &format!("{at}.api_keys"),
                    "must be an array or a list envelope"
                )),
            };
            let mut parsed = Vec::new();
            for (key_index, key) in keys.iter().enumerate() {
                let key_at = format!("{at}.api_keys[{key_index}]");
                parsed.push(parse_key(key).map_err(|e| fail(&key_at, &e))?);
            }
            inventory.projects.push(InventoryProject {
                name: optional_string(project, "name")
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
                id,
                organization_id: org.or_else(|| top_org.clone()),
                keys: parsed,
            });
        }
        inventory.warn_about_duplicates();
        Ok(inventory)
    }

    fn warn_about_duplicates(&mut self) {
        let all: Vec<(&InventoryProject, &InventoryKey)> = self
            .projects
            .iter()
            .flat_map(|p| p.keys.iter().map(move |k| (p, k)))
            .collect();
        let mut warnings = Vec::new();
        for (i, (project_a, key_a)) in all.iter().enumerate() {
            for (project_b, key_b) in &all[i + 1..] {
                if key_a.redacted_value == key_b.redacted_value && key_a.id != key_b.id {
                    warnings.push(format!(
                        "inventory {}: keys {} ({}) and {} ({}) share the redacted value `{}`: a key showing it can't be matched to one of them",
                        self.path, key_a.id, project_a.id, key_b.id, project_b.id, key_a.redacted_value
                    ));
                }
            }
        }
        self.warnings = warnings;
    }

    pub fn owner_of(&self, key: &str) -> KeyOwner<'_> {
        let candidates: Vec<(&InventoryProject, &InventoryKey)> = self
            .projects
            .iter()
            .flat_map(|p| p.keys.iter().map(move |k| (p, k)))
            .filter(|(_, k)| k.matches(key))
            .collect();
        match candidates.as_slice() {
            [] => KeyOwner::Unknown,
            [(project, key)] => KeyOwner::Owned { project, key },
            many => KeyOwner::Ambiguous(many.iter().map(|(_, k)| *k).collect()),
        }
    }

    pub fn project(&self, id: &str) -> Option<&InventoryProject> {
        self.projects.iter().find(|p| p.id == id)
    }

    /// Every organization the inventory names.
    pub fn knows_org(&self, org: &str) -> bool {
        self.projects
            .iter()
            .any(|p| p.organization_id.as_deref() == Some(org))
    }
}

fn parse_key(key: &Value) -> std::result::Result<InventoryKey, String> {
    let redacted = required_string(key, "redacted_value")?;
    let (prefix, suffix, length) = if let Some((prefix, suffix)) = redacted.split_once("...") {
        (prefix.to_string(), suffix.to_string(), None)
    } else if let (Some(first), Some(last)) = (redacted.find('*'), redacted.rfind('*')) {
        (
            redacted[..first].to_string(),
            redacted[last + 1..].to_string(),
            Some(redacted.chars().count()),
        )
    } else {
        return Err(format!(
            "redacted_value `{redacted}` shows no redaction (`*` run or `...`)"
        ));
    };
    if prefix.len() < 3 || suffix.is_empty() {
        return Err(format!(
            "redacted_value `{redacted}` shows too little to match a key"
        ));
    }
    Ok(InventoryKey {
        id: optional_string(key, "id")?.unwrap_or_default(),
        name: optional_string(key, "name")?.unwrap_or_default(),
        redacted_value: redacted,
        prefix,
        suffix,
        length,
    })
}

fn required_string(value: &Value, field: &str) -> std::result::Result<String, String> {
    optional_string(value, field)?.ok_or_else(|| format!("missing `{field}`"))
}

fn optional_string(value: &Value, field: &str) -> std::result::Result<Option<String>, String> {
    match value.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!("`{field}` must be a string, not {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-proj-RUSXSjt3lXrFAKErY6ugT3BlbkFJAKPdWC1LSfLdCuT3bNJv";

    #[test]
    fn both_redaction_forms_match_and_duplicates_are_ambiguous() {
        let long = format!(
            "{}{}{}",
            &KEY[..8],
            "*".repeat(KEY.len() - 12),
            &KEY[KEY.len() - 4..]
        );
        let text = format!(
            r#"{{"organization_id": "org-A", "projects": [
              {{"id": "proj_1", "api_keys": {{"object": "list", "data": [{{"id": "key_1", "redacted_value": "{long}"}}]}}}},
              {{"id": "proj_2", "organization_id": "org-B", "api_keys": [{{"id": "key_2", "redacted_value": "sk-proj-RUS...bNJv"}}]}}
            ]}}"#
        );
        let inventory = Inventory::parse("inv.json", &text).unwrap();
        assert_eq!(
            inventory.projects[1].organization_id.as_deref(),
            Some("org-B")
        );
        assert!(matches!(inventory.owner_of(KEY), KeyOwner::Ambiguous(ref c) if c.len() == 2));
        assert_eq!(inventory.owner_of("sk-proj-other"), KeyOwner::Unknown);
    }

    #[test]
    fn malformed_inventories_name_the_place() {
        let error = Inventory::parse(
            "inv.json",
            r#"{"projects": [{"id": "proj_1", "api_keys": [{"id": "k"}]}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            error,
            "inventory inv.json: projects[0].api_keys[0]: missing `redacted_value`"
        );
        let error = Inventory::parse("inv.json", "{").unwrap_err().to_string();
        assert!(
            error.starts_with("inventory inv.json: invalid JSON"),
            "{error}"
        );
    }
}
