//! The engine: a rule set made ready to search, and the search of one
//! buffer from its plan (`plan`) through the regex runs (`search`) to the
//! verdicts on their candidates (`verdict`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Result;

use super::known_values::KnownValue;
use super::plan::{Planner, Reach};
use super::search::{self, RuleSearch, SCRATCH};
use super::verdict::{self, RawMatch, Verdicts};
use crate::rules::{Rule, RuleMeta, RuleSet};

pub struct Engine {
    rules: RuleSet,
    metas: Vec<Arc<RuleMeta>>,
    planner: Planner,
    /// Tells this engine's per-thread `Scratch` from another engine's.
    id: u64,
}

impl Engine {
    pub fn new(rules: RuleSet) -> Result<Engine> {
        let planner = Planner::new(&rules.rules)?;
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Ok(Engine {
            metas: rules.metas(),
            rules,
            planner,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules.rules
    }

    /// Report-facing metadata, indexed like `rules()` (and `RawMatch::rule`).
    pub fn metas(&self) -> &[Arc<RuleMeta>] {
        &self.metas
    }

    pub fn rule_set(&self) -> &RuleSet {
        &self.rules
    }

    /// Find every accepted match in `haystack`, sorted by position.
    pub fn find(&self, haystack: &[u8]) -> Vec<RawMatch> {
        self.find_counted(haystack).matches
    }

    /// `find`, with the work it took: what the linear-time tests measure.
    /// One secret is one match: of two rules on the same bytes, the surer
    /// (`verdict::one_rule_per_secret`).
    pub fn find_counted(&self, haystack: &[u8]) -> Found {
        let mut found = self.find_every_rule(haystack);
        verdict::one_rule_per_secret(
            &self.rules.rules,
            &mut found.matches,
            &mut found.test_values,
        );
        found
    }

    /// Every rule's own matches, a secret two rules match kept twice: what
    /// each rule's examples are checked against.
    pub(super) fn find_every_rule(&self, haystack: &[u8]) -> Found {
        self.find_planned(haystack, self.plan(haystack))
    }

    /// Which rules run on `haystack`, and where (`plan::Planner`).
    fn plan(&self, haystack: &[u8]) -> Vec<(usize, Reach)> {
        self.planner.plan(&self.rules.rules, haystack)
    }

    fn find_planned(&self, haystack: &[u8], plan: Vec<(usize, Reach)>) -> Found {
        let mut verdicts = Verdicts::default();
        let rules = &self.rules.rules;
        SCRATCH.with_borrow_mut(|scratch| {
            scratch.prepare(self.id, rules.len());
            for (rule_index, reach) in plan {
                let search = RuleSearch {
                    rule_index,
                    haystack,
                };
                search::run_rule(rules, search, &reach, scratch, &mut verdicts);
            }
        });
        let Verdicts {
            mut found,
            claimed,
            bytes_searched,
            mut test_values,
        } = verdicts;
        verdict::drop_shadowed_fallbacks(rules, &mut found, &mut test_values, claimed);
        found.sort_by_key(|m| (m.secret.start, m.rule));
        test_values.sort_by_key(|(m, _)| (m.secret.start, m.rule));
        Found {
            matches: found,
            bytes_searched,
            test_values,
        }
    }
}

/// What `Engine::find_counted` found, and the work it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub matches: Vec<RawMatch>,
    /// Bytes handed to regex searches, all rules together: an anchored
    /// search counts its whole span (the most it can read), an unanchored
    /// one up to its match's end, or its whole span if it found none.  Not
    /// counted: what an unanchored search reads past the end of a match it
    /// reports (the DFA looking for a longer one), which `regex-automata`
    /// bounds per search, not per buffer.
    pub bytes_searched: u64,
    /// Matches whose secret is a known public or test value
    /// (`known_values`), whatever the rule's filters say: not leaks, but
    /// shown as suppressed with `--show-suppressed`.
    pub test_values: Vec<(RawMatch, &'static KnownValue)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::search::RESCAN_LIMIT;
    use crate::rules::RuleSource;

    const RULES: &str = r#"
[[rule]]
id = "specific"
name = "specific"
provider = "t"
severity = "high"
keywords = ["tok_"]
regex = '''(?P<secret>tok_[A-Za-z0-9]{36})'''
validate = "github-crc32"
remediation = "r"

[[rule]]
id = "generic"
name = "generic"
provider = "t"
severity = "low"
fallback = true
keywords = ["token"]
regex = '''token = "(?P<secret>[A-Za-z0-9_]{8,})"'''
remediation = "r"
"#;

    const TOK: &str = "tok_FAKEA9B0V7E043Vx5PQzZKmvGZPl8M1qD8mX";

    fn engine() -> Engine {
        let source = RuleSource {
            origin: "test".into(),
            text: RULES.into(),
            eager: true,
        };
        Engine::new(RuleSet::from_sources(&[source]).unwrap()).unwrap()
    }

    fn ids(engine: &Engine, text: &str) -> Vec<String> {
        engine
            .find(text.as_bytes())
            .iter()
            .map(|m| engine.metas()[m.rule].id.clone())
            .collect()
    }

    #[test]
    fn a_fallback_match_yields_to_an_overlapping_specific_match() {
        let engine = engine();
        assert_eq!(ids(&engine, &format!(r#"token = "{TOK}""#)), ["specific"]);
        assert_eq!(ids(&engine, r#"token = "q8w3k5z1v7""#), ["generic"]);
        assert_eq!(
            ids(&engine, &format!("token = \"q8w3k5z1v7\"\nother {TOK}")),
            ["generic", "specific"]
        );
        // A value that fails the specific rule's checksum is no one's.
        let bad = TOK.replace("8mX", "8mY");
        assert!(ids(&engine, &format!(r#"token = "{bad}""#)).is_empty());
    }

    #[test]
    fn two_rules_on_the_same_secret_make_one_match_of_the_surer_or_first_rule() {
        let rules = r#"
[[rule]]
id = "first"
name = "n"
provider = "t"
severity = "high"
keywords = ["key="]
regex = '''key=(?P<secret>[a-z0-9]{12})'''
remediation = "r"

[[rule]]
id = "second"
name = "n"
provider = "t"
severity = "high"
keywords = ["key="]
regex = '''(?:api)?key=(?P<secret>[a-z0-9]{12})'''
remediation = "r"

[[rule]]
id = "longer"
name = "n"
provider = "t"
severity = "high"
keywords = ["key="]
regex = '''key=(?P<secret>[a-z0-9]{12}x)'''
remediation = "r"

[[rule]]
id = "vaguer"
name = "n"
provider = "t"
severity = "high"
confidence = "low"
keywords = ["tok="]
regex = '''tok=(?P<secret>[a-z0-9]{12})'''
remediation = "r"

[[rule]]
id = "surer"
name = "n"
provider = "t"
severity = "high"
confidence = "high"
keywords = ["tok="]
regex = '''tok=(?P<secret>[a-z0-9]{12})'''
remediation = "r"
"#;
        let engine = engine_with(rules);
        assert_eq!(ids(&engine, "apikey=q8w3k5z1v7m2"), ["first"]);
        // Equally sure (both medium, the default): the first rule; else the surer.
        assert_eq!(ids(&engine, "tok=q8w3k5z1v7m2"), ["surer"]);
        // Another span at the same place is another finding.
        assert_eq!(ids(&engine, "key=q8w3k5z1v7m2x"), ["first", "longer"]);
    }

    const WINDOW_RULES: &str = r#"
[[rule]]
id = "bounded"
name = "n"
provider = "t"
severity = "low"
keywords = ["key_"]
regex = '''(?:^|[^A-Za-z0-9])(?P<secret>key_[a-z0-9]{8})(?:[^A-Za-z0-9]|$)'''
remediation = "r"

[[rule]]
id = "env"
name = "n"
provider = "t"
severity = "low"
keywords = ["pass"]
regex = '''(?m)^[ \t]*[A-Z_]*PASS[A-Z_]*=(?P<secret>[a-z0-9]{8})[ \t]*$'''
remediation = "r"

[[rule]]
id = "context"
name = "n"
provider = "t"
severity = "low"
keywords = ["acme"]
keyword_scope = "file"
regex = '''\b(?P<secret>AC[0-9a-f]{8})\b'''
remediation = "r"

[[rule]]
id = "multiline"
name = "n"
provider = "t"
severity = "low"
keywords = ["BEGIN"]
regex = '''BEGIN\n(?P<secret>[a-z]{8})\nEND'''
remediation = "r"
"#;

    fn engine_with(rules: &str) -> Engine {
        let source = RuleSource {
            origin: "test".into(),
            text: rules.into(),
            eager: true,
        };
        Engine::new(RuleSet::from_sources(&[source]).unwrap()).unwrap()
    }

    fn window_engine() -> Engine {
        engine_with(WINDOW_RULES)
    }

    fn secrets(engine: &Engine, text: &str) -> Vec<(String, String)> {
        engine
            .find(text.as_bytes())
            .iter()
            .map(|m| {
                let id = engine.metas()[m.rule].id.clone();
                (id, text[m.secret.clone()].to_string())
            })
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(id, secret)| (id.to_string(), secret.to_string()))
            .collect()
    }

    #[test]
    fn only_single_line_rules_with_in_match_keywords_run_in_windows() {
        let engine = window_engine();
        let line_local: Vec<bool> = engine.rules().iter().map(|r| r.line_local()).collect();
        assert_eq!(line_local, [true, true, false, false]);
        let line_anchored: Vec<bool> = engine.rules().iter().map(|r| r.line_anchored()).collect();
        assert_eq!(line_anchored, [false, true, false, false]);
        // `bounded` starts with a boundary class, not with its keyword.
        assert!(engine.rules().iter().all(|r| !r.keyword_anchored()));
        let prefixed = engine_with(
            r#"
[[rule]]
id = "prefixed"
name = "n"
provider = "t"
severity = "low"
keywords = ["tok_", "tok-"]
regex = '''\b(?P<secret>tok[_-][a-z0-9]{8})\b'''
remediation = "r"
"#,
        );
        assert!(prefixed.rules()[0].keyword_anchored());
        let text = "x tok_q8w3k5z1 tok-m4k9q2w7\ntok_z7x5c3v1";
        let found: Vec<&str> = prefixed
            .find(text.as_bytes())
            .iter()
            .map(|m| &text[m.secret.clone()])
            .collect();
        assert_eq!(found, ["tok_q8w3k5z1", "tok-m4k9q2w7", "tok_z7x5c3v1"]);
    }

    #[test]
    fn windows_find_matches_at_line_edges_far_apart() {
        let engine = window_engine();
        // Filler lines put every match in a window of its own.
        let filler = "filler line without any keyword at all\n".repeat(20);
        let text = format!(
            "key_q8w3k5z1 first\n{filler}  DB_PASSWORD=m4k9q2w7\n{filler}tail key_z7x5c3v1"
        );
        assert_eq!(
            secrets(&engine, &text),
            pairs(&[
                ("bounded", "key_q8w3k5z1"),
                ("env", "m4k9q2w7"),
                ("bounded", "key_z7x5c3v1"),
            ])
        );
        // `(?m)^` is the start of a line, not of the window: a keyword-free
        // prefix on the same line still rules the match out.
        let prefixed = format!("{filler}x DB_PASSWORD=m4k9q2w7\n");
        assert!(secrets(&engine, &prefixed).is_empty());
    }

    #[test]
    fn file_scope_keywords_and_multiline_rules_see_the_whole_buffer() {
        let engine = window_engine();
        let filler = "filler line without any keyword at all\n".repeat(20);
        let text =
            format!("# acme client\n{filler}sid = AC0f4e9a7b\n{filler}BEGIN\nqwkzmxtr\nEND\n");
        assert_eq!(
            secrets(&engine, &text),
            pairs(&[("context", "AC0f4e9a7b"), ("multiline", "qwkzmxtr")])
        );
        assert!(secrets(&engine, "sid = AC0f4e9a7b").is_empty());
    }

    /// What a plain search would find: every triggered rule over the whole
    /// buffer, unanchored (how the engine searched before line windows and
    /// keyword anchors).
    fn find_unplanned(engine: &Engine, haystack: &[u8]) -> Vec<RawMatch> {
        let plan = engine.plan(haystack);
        let whole = plan
            .into_iter()
            .map(|(rule, _)| (rule, Reach::Whole))
            .collect();
        let mut found = engine.find_planned(haystack, whole);
        let rules = &engine.rules.rules;
        verdict::one_rule_per_secret(rules, &mut found.matches, &mut found.test_values);
        found.matches
    }

    #[test]
    fn planned_search_finds_what_a_whole_buffer_search_finds_in_the_fixtures() {
        let engine = Engine::new(RuleSet::builtin().unwrap()).unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut files = 0;
        let mut matches = 0;
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let bytes = std::fs::read(&path).unwrap();
                let planned = engine.find(&bytes);
                assert_eq!(
                    planned,
                    find_unplanned(&engine, &bytes),
                    "{}",
                    path.display()
                );
                files += 1;
                matches += planned.len();
            }
        }
        assert!(
            files > 100 && matches > 400,
            "{files} files, {matches} matches"
        );
    }

    #[test]
    fn a_keyword_inside_an_earlier_match_starts_no_new_one() {
        // A whole-buffer search resumes after each match, accepted or not:
        // so must the search at keyword hits.
        let engine = engine_with(
            r#"
[[rule]]
id = "rejected-outer"
name = "n"
provider = "t"
severity = "low"
keywords = ["tok_"]
regex = '''(?P<secret>tok_[A-Za-z0-9_]{12})'''
min_entropy = 3.5
remediation = "r"

[[rule]]
id = "short-secret"
name = "n"
provider = "t"
severity = "low"
keywords = ["k_"]
regex = '''k_(?P<secret>[a-z0-9]{4})[a-z0-9_]*'''
remediation = "r"
"#,
        );
        assert!(engine.rules().iter().all(|r| r.keyword_anchored()));
        for text in ["tok_tok_q8w3k5z1m4k9", "k_q8w3k_m4k9"] {
            let planned = engine.find(text.as_bytes());
            assert_eq!(planned, find_unplanned(&engine, text.as_bytes()), "{text}");
        }
        let of_rule =
            |text: &[u8], rule| engine.find(text).iter().filter(|m| m.rule == rule).count();
        assert_eq!(of_rule(b"tok_tok_q8w3k5z1m4k9", 0), 0);
        assert_eq!(of_rule(b"k_q8w3k_m4k9", 1), 1);
    }

    /// Rules whose searches at keyword hits or line starts could re-read a
    /// line once per hit: one of each kind of reach.
    const RESCAN_RULES: &str = r#"
[[rule]]
id = "keyword-anchored"
name = "n"
provider = "t"
severity = "low"
keywords = ["a"]
regex = '''(?P<secret>(a+)+$)'''
remediation = "r"

[[rule]]
id = "two-keywords"
name = "n"
provider = "t"
severity = "low"
keywords = ["b", "c"]
regex = '''(?P<secret>[bc][bc]*d)'''
remediation = "r"

[[rule]]
id = "line-anchored"
name = "n"
provider = "t"
severity = "low"
keywords = ["e"]
regex = '''(?m)^(?P<secret>e[ef]*g)'''
remediation = "r"
"#;

    #[test]
    fn many_hits_on_a_line_find_what_a_whole_buffer_search_finds() {
        let engine = engine_with(RESCAN_RULES);
        let kinds: Vec<(bool, bool)> = engine
            .rules()
            .iter()
            .map(|r| (r.keyword_anchored(), r.line_anchored()))
            .collect();
        assert_eq!(kinds, [(true, false), (true, false), (false, true)]);
        let texts = [
            format!("{}\nx", "a".repeat(500)),
            "a".repeat(500),
            format!(
                "{}d {}d x {}",
                "bc".repeat(100),
                "cb".repeat(50),
                "b".repeat(300)
            ),
            format!("{}\n{}g\n", "eeef\n".repeat(200), "e".repeat(300)),
            format!("x{}ad", "ab ".repeat(300)),
        ];
        for text in &texts {
            let planned = engine.find_counted(text.as_bytes());
            let unplanned = find_unplanned(&engine, text.as_bytes());
            assert_eq!(planned.matches, unplanned, "{text}");
            // Linear: a bounded number of passes over the text, not one per hit.
            let passes = planned.bytes_searched / text.len() as u64;
            assert!(passes < 3 * (RESCAN_LIMIT + 2), "{passes} passes: {text}");
        }
    }
}
