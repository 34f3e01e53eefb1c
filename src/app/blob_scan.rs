//! One blob's way through the matching stages, for every blob a source
//! hands over: the engine's matches (filtered by file kind and keylint's
//! own outputs), credential-file fields, findings, known test values, then
//! the blob's project facts.  Whole-scan work (project checks across
//! files, suppression, reports) comes after, in `pipeline`.

use crate::engine::credfiles;
use crate::engine::known_values::KnownValue;
use crate::engine::{Engine, RawMatch, file_kinds, findings, markers};
use crate::model::finding::sort_findings;
use crate::model::marker::MarkerKind;
use crate::model::own_output;
use crate::model::{Finding, Origin};
use crate::projects::{self, BlobFacts};
use crate::rules::{Confidence, RuleKind};
use crate::sources::{Batch, BlobContext, BlobSink};

/// The sink every source feeds: the engine and what runs per blob.
pub struct BlobScanner<'e> {
    pub engine: &'e Engine,
    /// Record every allow marker (for `--report-unused`).
    pub collect_markers: bool,
}

/// What the blobs produced, before the whole-scan stages.
#[derive(Debug, Default)]
pub struct Collected {
    /// Secrets and analysis findings.
    pub findings: Vec<Finding>,
    /// Identifier matches (project / organization IDs): evidence for the
    /// project-binding analysis, never reported on their own.
    pub identifiers: Vec<Finding>,
    /// Every allow marker seen, as (path, line, kind), when collected.
    pub markers: Vec<(String, usize, MarkerKind)>,
    /// Per-blob evidence for the project-binding analysis (`projects`).
    pub project_facts: Vec<BlobFacts>,
    /// keylint's own reports and baselines among the blobs.
    pub keylint_outputs: u64,
}

impl Batch for Collected {
    fn merge(&mut self, other: Collected) {
        self.findings.extend(other.findings);
        self.identifiers.extend(other.identifiers);
        self.markers.extend(other.markers);
        self.project_facts.extend(other.project_facts);
        self.keylint_outputs += other.keylint_outputs;
    }

    fn findings_mut(&mut self) -> &mut Vec<Finding> {
        &mut self.findings
    }
}

impl Collected {
    /// Deterministic order whatever the thread interleaving was.
    pub fn sort(&mut self) {
        sort_findings(&mut self.findings);
        sort_findings(&mut self.identifiers);
        self.markers.sort();
    }
}

impl BlobSink for BlobScanner<'_> {
    type Batch = Collected;

    fn blob(
        &self,
        batch: &mut Collected,
        origin: &Origin,
        bytes: &[u8],
        context: &dyn BlobContext,
    ) -> usize {
        let before = Marks::of(batch);
        if self.collect_markers {
            let found = markers::all_markers(bytes);
            batch.markers.extend(
                found
                    .into_iter()
                    .map(|(line, kind)| (origin.path.clone(), line, kind)),
            );
        }
        self.find(batch, origin, bytes);
        before.restrict_to_changed_lines(batch, context);
        before.attach_commit(batch, context);
        batch.findings.len() - before.findings
    }
}

impl BlobScanner<'_> {
    /// Record one blob's findings, identifiers and project facts.
    fn find(&self, batch: &mut Collected, origin: &Origin, bytes: &[u8]) {
        let engine = self.engine;
        let found = engine.find_counted(bytes);
        let (mut matches, mut test_values) = (found.matches, found.test_values);
        // Rules limited to some kinds of file (`file_kinds`): the engine
        // never knows paths, so they are filtered here, and the path is
        // judged only when something matched (most blobs match nothing).
        if !matches.is_empty() || !test_values.is_empty() {
            let kind = file_kinds::classify(&origin.path);
            let runs_here = |m: &RawMatch| engine.rules()[m.rule].runs_in(kind);
            matches.retain(runs_here);
            test_values.retain(|(m, _)| runs_here(m));
        }
        if own_output::sniff(bytes).is_some() {
            batch.keylint_outputs += 1;
            matches.retain(|m| !own_output::in_redacted_value(bytes, &m.secret));
            test_values.retain(|(m, _)| !own_output::in_redacted_value(bytes, &m.secret));
        }
        let notes = credfiles::add_fields(engine, &origin.path, bytes, &mut matches);
        let (secrets_before, identifiers_before) = (batch.findings.len(), batch.identifiers.len());
        for mut finding in findings::from_matches(engine.metas(), bytes, origin, &matches) {
            finding.message = credfiles::note_of(&notes, &finding);
            match finding.rule.kind {
                RuleKind::Secret | RuleKind::Analysis => batch.findings.push(finding),
                RuleKind::Identifier => batch.identifiers.push(finding),
            }
        }
        self.add_test_values(batch, origin, bytes, &test_values);
        let facts = projects::analyze_blob(
            engine.rule_set(),
            origin,
            bytes,
            &batch.findings[secrets_before..],
            &batch.identifiers[identifiers_before..],
        );
        if !facts.is_empty() {
            batch.project_facts.push(facts);
        }
    }

    /// Known test values become low-confidence findings flagged
    /// `test_value`, which the suppress stage sets aside.
    fn add_test_values(
        &self,
        batch: &mut Collected,
        origin: &Origin,
        bytes: &[u8],
        test_values: &[(RawMatch, &'static KnownValue)],
    ) {
        let matches: Vec<RawMatch> = test_values.iter().map(|(m, _)| m.clone()).collect();
        let found = findings::from_matches(self.engine.metas(), bytes, origin, &matches);
        for (mut finding, (_, known)) in found.into_iter().zip(test_values) {
            if finding.rule.kind == RuleKind::Secret {
                finding.confidence = Confidence::Low;
                finding.test_value = Some(known.what.clone());
                batch.findings.push(finding);
            }
        }
    }
}

/// Where one blob's products begin in a batch.
struct Marks {
    findings: usize,
    identifiers: usize,
    markers: usize,
    facts: usize,
}

impl Marks {
    fn of(batch: &Collected) -> Marks {
        Marks {
            findings: batch.findings.len(),
            identifiers: batch.identifiers.len(),
            markers: batch.markers.len(),
            facts: batch.project_facts.len(),
        }
    }

    /// A staged change: only findings on the lines it adds or alters are
    /// its own, and a marker on an untouched line guards none of them
    /// (`--report-unused` must not call it unused).  Asked only when the
    /// blob produced a finding or a marker: the diff costs.
    fn restrict_to_changed_lines(&self, batch: &mut Collected, context: &dyn BlobContext) {
        let anything = batch.findings.len() > self.findings || batch.markers.len() > self.markers;
        if !anything {
            return;
        }
        let Some(added) = context.changed_lines() else {
            return;
        };
        let is_added = |line: usize| added.binary_search(&line).is_ok();
        retain_from(&mut batch.findings, self.findings, |f| {
            (f.start.line..=f.end.line).any(is_added)
        });
        retain_from(&mut batch.markers, self.markers, |(_, line, _)| {
            is_added(*line) || is_added(line + 1)
        });
    }

    /// History: the commit is read once the blob produced anything.
    fn attach_commit(&self, batch: &mut Collected, context: &dyn BlobContext) {
        let produced = batch.findings.len() - self.findings
            + (batch.identifiers.len() - self.identifiers)
            + (batch.project_facts.len() - self.facts);
        if produced == 0 {
            return;
        }
        let Some(info) = context.commit() else {
            return;
        };
        let fresh = batch.findings[self.findings..]
            .iter_mut()
            .chain(batch.identifiers[self.identifiers..].iter_mut());
        for finding in fresh {
            finding.origin.commit = Some(info.clone());
        }
        for facts in &mut batch.project_facts[self.facts..] {
            facts.attach_commit(&info);
        }
    }
}

/// `Vec::retain` on the items from `start` on.
fn retain_from<T>(items: &mut Vec<T>, start: usize, keep: impl FnMut(&T) -> bool) {
    let mut tail = items.split_off(start);
    tail.retain(keep);
    items.append(&mut tail);
}
