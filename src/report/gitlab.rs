//! `--format gitlab`: a GitLab Code Quality report, the JSON array a job publishes as
//! `artifacts:reports:codequality` so that merge requests show the findings.
//!
//! Each finding is an object with the fields GitLab requires: `description`,
//! `check_name` (the rule), `fingerprint`, `severity` and `location.path` with
//! `location.lines.begin`. GitLab keys findings by fingerprint, which must be unique
//! in a report and stable across runs (it compares the merge request's report with the
//! target branch's). The finding's own fingerprint (rule, service, subject, path and
//! code line, never the line number) is stable; two findings can share it (the same
//! line of code twice in a file), so the second and later ones get `-2`, `-3`, … in
//! report order (path, line, column), which is as stable as the code they point at.
//!
//! Severity: `error` → `major`, `warning` → `minor`; `info`, `critical` and `blocker`
//! are not used. A finding that concerns no file is placed on line 1 of the registry
//! file, since GitLab requires a path.

use super::{Context, Printer, Summary};
use crate::model::finding::Finding;
use crate::model::rules::Severity;
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};

/// The printer; `registry` is the registry file's path, the location of findings that
/// concern no file.
pub struct Gitlab {
    pub registry: String,
}

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

impl Printer for Gitlab {
    fn print(
        &self,
        out: &mut dyn Write,
        findings: &[Finding],
        _summary: &Summary,
        _ctx: &Context,
    ) -> io::Result<()> {
        let mut text = serde_json::to_vec_pretty(&issues(findings, &self.registry))?;
        text.push(b'\n');
        out.write_all(&text)
    }
}

/// GitLab's name for a severity.
pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
    }
}

fn issues<'a>(findings: &'a [Finding], registry: &'a str) -> Vec<Issue<'a>> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let base = f.fingerprint();
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let fingerprint = if *n == 1 { base } else { format!("{base}-{n}") };
            let (path, begin) = match &f.primary {
                Some(p) => (p.path.as_str(), p.loc.line.max(1)),
                None => (registry, 1),
            };
            Issue {
                description: f.message.clone(),
                check_name: f.rule.name(),
                fingerprint,
                severity: severity(f.severity),
                location: Location {
                    path,
                    lines: Lines { begin },
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rules::Rule;

    /// The same code line twice in a file gives two findings with one fingerprint;
    /// the report keeps them apart, the first unchanged.
    #[test]
    fn repeated_fingerprints_are_made_unique() {
        let text = "SELECT * FROM orders;\nSELECT * FROM orders;\n";
        let a = Finding::new(Rule::CrossServiceRead, "reads").at("a.sql", text, 14, 6, "");
        let b = Finding::new(Rule::CrossServiceRead, "reads").at("a.sql", text, 36, 6, "");
        assert_eq!(a.fingerprint(), b.fingerprint());
        let none = Finding::new(Rule::ParseError, "registry-wide");
        let findings = [a.clone(), b, none];
        let got = issues(&findings, "data-ownership.yaml");
        assert_eq!(got[0].fingerprint, a.fingerprint());
        assert_eq!(got[1].fingerprint, format!("{}-2", a.fingerprint()));
        assert_eq!(
            (got[1].location.path, got[1].location.lines.begin),
            ("a.sql", 2)
        );
        assert_eq!(
            (got[2].location.path, got[2].location.lines.begin),
            ("data-ownership.yaml", 1)
        );
    }
}
