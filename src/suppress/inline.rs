//! Whether an inline allow marker applies to a finding's rule: the
//! marker's argument may limit it to some rules (`engine::markers` finds
//! the markers; this decides what they allow).

/// The rule ids a `keylint:allow` argument limits the marker to, or `None`
/// when it allows every rule (no argument, or a free-text word after the
/// marker).  A list that looks like rule ids (kebab-case with a `-`) stays a
/// limit even when an id is unknown: a typo must not widen an allow to
/// every rule.
pub fn limited_rules<'a>(argument: &'a str, known: &dyn Fn(&str) -> bool) -> Option<Vec<&'a str>> {
    let ids: Vec<&str> = argument.split(',').filter(|s| !s.is_empty()).collect();
    let id_syntax = |id: &&str| {
        id.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let looks_like_ids = !ids.is_empty()
        && ids.iter().all(id_syntax)
        && ids.iter().all(|id| known(id) || id.contains('-'));
    looks_like_ids.then_some(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_lists_only_when_every_id_is_known() {
        let known = |id: &str| id == "a-rule" || id == "b-rule";
        assert_eq!(
            limited_rules("a-rule,b-rule", &known),
            Some(vec!["a-rule", "b-rule"])
        );
        assert_eq!(limited_rules("because", &known), None);
        assert_eq!(
            limited_rules("a-rul", &known),
            Some(vec!["a-rul"]),
            "a typo stays a limit"
        );
        assert_eq!(limited_rules("", &known), None);
    }
}
