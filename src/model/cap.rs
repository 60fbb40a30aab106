//! A bound on what one file can put into a report: at most [`MAX_PER_FILE`] findings
//! of a file are listed, and the rest of that file are counted in one
//! `too-many-findings` finding.
//!
//! A generated dump or a hostile file can hold a finding every few bytes: hundreds of
//! thousands of snippets would flood a CI log (and GitHub's annotations) and bury the
//! findings that matter. The cap is applied to what is printed, after exceptions,
//! severities and the baseline have seen every finding, so a baseline matches as
//! before and the exit code and the summary's counts include what is not listed.

use super::finding::{Finding, Label};
use super::rules::{Rule, Severity};
use std::collections::BTreeMap;

/// Findings listed per file at most.
pub const MAX_PER_FILE: usize = 1_000;

/// Keeps the first `max` findings of each file of `findings` (sorted, as
/// [`super::finding::sort`] leaves them, so a file's findings are contiguous) and
/// replaces the rest of each file by one `too-many-findings` finding, at the first one
/// left out, whose severity is that of the most severe one it stands for. Findings
/// about no file are kept whatever their number. Linear; nothing is moved when no
/// file is over the cap.
pub fn per_file(findings: &mut Vec<Finding>, max: usize) {
    let over = findings
        .chunk_by(|a, b| a.path() == b.path())
        .any(|run| run[0].path().is_some() && run.len() > max);
    if !over {
        return;
    }
    let all = std::mem::take(findings);
    let mut run: Vec<Finding> = Vec::new();
    for f in all {
        if run.last().is_some_and(|last| last.path() != f.path()) {
            close(findings, std::mem::take(&mut run), max);
        }
        run.push(f);
    }
    close(findings, run, max);
}

/// Appends one file's findings to `out`, capped.
fn close(out: &mut Vec<Finding>, mut run: Vec<Finding>, max: usize) {
    let Some(path) = run.first().and_then(Finding::path).map(str::to_string) else {
        out.append(&mut run);
        return;
    };
    if run.len() <= max {
        out.append(&mut run);
        return;
    }
    let dropped = run.split_off(max);
    out.append(&mut run);
    out.push(summary(&path, &dropped, max));
}

/// The finding that stands for `dropped`, the findings of `path` past the first `max`.
fn summary(path: &str, dropped: &[Finding], max: usize) -> Finding {
    let mut by_rule: BTreeMap<Rule, usize> = BTreeMap::new();
    for f in dropped {
        *by_rule.entry(f.rule).or_default() += 1;
    }
    let rules: Vec<String> = by_rule
        .iter()
        .map(|(rule, n)| format!("{} {rule}", thousands(*n)))
        .collect();
    let mut f = Finding::new(
        Rule::TooManyFindings,
        format!(
            "{} more findings in `{path}` are not listed, {} per file at most: {}",
            thousands(dropped.len()),
            thousands(max),
            rules.join(", ")
        ),
    )
    .help("they count in the summary and in the exit code like the findings listed; fix the file, or exclude it in the registry if it is generated")
    .subject(path);
    f.severity = dropped
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::Warning);
    if let Some(first) = dropped.first() {
        f.primary = first.primary.as_ref().map(|l| Label {
            path: l.path.clone(),
            loc: l.loc,
            message: "the first not listed".to_string(),
        });
        f.snippet.clone_from(&first.snippet);
    }
    f
}

/// `n` with `,` between groups of three digits: 12,345.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::finding::Loc;

    fn at(rule: Rule, path: &str, line: u32) -> Finding {
        let mut f = Finding::new(rule, format!("{rule} at {line}"));
        f.primary = Some(Label {
            path: path.to_string(),
            loc: Loc {
                line,
                column: 1,
                offset: 0,
                len: 0,
            },
            message: String::new(),
        });
        f
    }

    #[test]
    fn each_file_keeps_its_first_findings_and_one_summary() {
        let mut findings = vec![Finding::new(Rule::StaleBaseline, "run-level")];
        findings.extend((1..=3).map(|l| at(Rule::CrossServiceRead, "a.sql", l)));
        findings.push(at(Rule::CrossServiceWrite, "a.sql", 4));
        findings.push(at(Rule::CrossServiceRead, "a.sql", 5));
        findings.extend((1..=2).map(|l| at(Rule::ParseError, "b.sql", l)));
        findings.extend((1..=3).map(|l| at(Rule::UnusedSuppression, "c.rs", l)));
        let mut warnings = findings[8..].to_vec();
        for f in &mut warnings {
            f.severity = Severity::Warning;
        }
        findings.truncate(8);
        findings.extend(warnings);
        per_file(&mut findings, 2);
        let listed: Vec<(Rule, Option<&str>, u32, Severity)> = findings
            .iter()
            .map(|f| {
                let line = f.primary.as_ref().map_or(0, |l| l.loc.line);
                (f.rule, f.path(), line, f.severity)
            })
            .collect();
        let e = Severity::Error;
        let w = Severity::Warning;
        assert_eq!(
            listed,
            [
                (Rule::StaleBaseline, None, 0, e),
                (Rule::CrossServiceRead, Some("a.sql"), 1, e),
                (Rule::CrossServiceRead, Some("a.sql"), 2, e),
                (Rule::TooManyFindings, Some("a.sql"), 3, e),
                (Rule::ParseError, Some("b.sql"), 1, w),
                (Rule::ParseError, Some("b.sql"), 2, w),
                (Rule::UnusedSuppression, Some("c.rs"), 1, w),
                (Rule::UnusedSuppression, Some("c.rs"), 2, w),
                (Rule::TooManyFindings, Some("c.rs"), 3, w),
            ]
        );
        assert_eq!(
            findings[3].message,
            "3 more findings in `a.sql` are not listed, 2 per file at most: 2 cross-service-read, 1 cross-service-write"
        );
        assert_eq!(findings[3].subject, "a.sql");
    }

    /// An error past the cap among warnings keeps the file's summary an error, so
    /// the exit code cannot change by what is listed.
    #[test]
    fn the_summary_has_the_severity_of_the_worst_finding_left_out() {
        let mut findings: Vec<Finding> = (1..=5)
            .map(|l| {
                let mut f = at(Rule::UnassignedAccess, "x.py", l);
                f.severity = Severity::Warning;
                f
            })
            .collect();
        findings[4].severity = Severity::Error;
        per_file(&mut findings, 3);
        assert_eq!(findings.len(), 4);
        assert_eq!(findings[3].rule, Rule::TooManyFindings);
        assert_eq!(findings[3].severity, Severity::Error);
    }

    #[test]
    fn nothing_changes_at_or_under_the_cap() {
        let mut findings: Vec<Finding> = (1..=3)
            .map(|l| at(Rule::CrossServiceRead, "a.sql", l))
            .collect();
        let before = findings.clone();
        per_file(&mut findings, 3);
        assert_eq!(findings, before);
        let mut run_level: Vec<Finding> = (0..5)
            .map(|i| Finding::new(Rule::StaleBaseline, format!("{i}")))
            .collect();
        per_file(&mut run_level, 2);
        assert_eq!(run_level.len(), 5);
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        for (n, s) in [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (1_234_567, "1,234,567"),
        ] {
            assert_eq!(thousands(n), s);
        }
    }
}
