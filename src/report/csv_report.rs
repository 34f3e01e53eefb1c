//! `--format csv`: one row per finding under a header row, quoted as RFC
//! 4180 asks (by the `csv` crate), for spreadsheets and triage scripts.
//! History findings fill the commit columns; others leave them empty.
//! Every cell goes through `escape::csv_cell`: control characters visible,
//! formula-like cells (`=`, `+`, `-`, `@`) prefixed with `'` (OWASP).

use std::io::{self, Write};

use super::escape;
use super::shown::Report;
use crate::model::Finding;
use crate::model::own_output::CSV_HEADER;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    writer.write_record(CSV_HEADER)?;
    for finding in &report.result.findings {
        writer.write_record(
            row(report, finding)
                .iter()
                .map(|cell| escape::csv_cell(cell)),
        )?;
    }
    writer.flush()
}

fn row(report: &Report, finding: &Finding) -> Vec<String> {
    let commit = finding.origin.commit.as_deref();
    let field = |f: fn(&crate::model::CommitInfo) -> &str| commit.map(f).unwrap_or("").to_string();
    vec![
        finding.rule.id.clone(),
        finding.rule.name.clone(),
        finding.rule.severity.to_string(),
        finding.rule.provider.clone(),
        finding.origin.path.clone(),
        finding.start.line.to_string(),
        finding.start.column.to_string(),
        finding.end.line.to_string(),
        finding.end.column.to_string(),
        report.shown_secret(finding),
        (!report.options.show_secrets).to_string(),
        finding.fingerprint.clone(),
        field(|c| &c.id),
        report.shown_text(&field(|c| &c.author_name)).into_owned(),
        report.shown_text(&field(|c| &c.author_email)).into_owned(),
        field(|c| &c.date),
        finding.confidence.to_string(),
    ]
}
