//! `keylint rules check`: every rule run over its own examples (which
//! must match) and counter-examples (which must not).

use anyhow::Result;

use super::matcher::Engine;
use crate::rules::RuleSet;

/// Result of running one rule over its own examples and counter-examples.
#[derive(Debug)]
pub struct ExampleFailure {
    pub rule_id: String,
    pub origin: String,
    pub example: String,
    /// true: an example that should match did not; false: a counter-example matched.
    pub missed: bool,
}

/// Check every rule's examples (must match) and counter-examples (must not),
/// running each rule alone through the real engine path, prefilter included.
pub fn check_examples(rules: RuleSet) -> Result<Vec<ExampleFailure>> {
    let engine = Engine::new(rules)?;
    let mut failures = Vec::new();
    for (index, rule) in engine.rules().iter().enumerate() {
        // A known test value (`sk_test_…`) still proves the regex: the
        // example matched, it is only reported as suppressed.  One search
        // per example answers both.
        let search = |text: &str| -> (bool, bool) {
            let found = engine.find_every_rule(text.as_bytes());
            let as_leak = found.matches.iter().any(|m| m.rule == index);
            let as_test_value = found.test_values.iter().any(|(m, _)| m.rule == index);
            (as_leak, as_test_value)
        };
        let mut record = |example: &str, missed: bool| {
            failures.push(ExampleFailure {
                rule_id: rule.meta.id.clone(),
                origin: rule.origin.to_string(),
                example: example.to_string(),
                missed,
            })
        };
        for example in rule.examples.iter() {
            if search(example) == (false, false) {
                record(example, true);
            }
        }
        for counter in rule.counter_examples.iter() {
            if search(counter).0 {
                record(counter, false);
            }
        }
    }
    Ok(failures)
}
