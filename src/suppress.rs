//! Inline suppressions: `ownlint: allow(<rule>[, <rule>]) -- <reason>` in a comment on
//! the finding's line or the line above. A reason is required; an allow that
//! suppresses nothing is itself reported (`unused-suppression`), as in ruff.

use crate::model::finding::{Finding, LineIndex, floor_char_boundary};
use crate::model::rules::Rule;
use std::collections::HashMap;

const MARKER: &str = "ownlint: allow(";

/// Longest rule list looked at after [`MARKER`], in bytes: every rule's name, comma
/// separated, fits twice.
const MAX_LIST: usize = 1024;

/// One `ownlint: allow(...)` comment.
#[derive(Debug)]
struct Allow {
    /// 1-based line of the comment.
    line: u32,
    offset: usize,
    len: usize,
    rules: Vec<Rule>,
    used: bool,
}

/// What suppression did to one file's findings.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Findings that remain, plus `unused-suppression`/`invalid-suppression` findings.
    pub findings: Vec<Finding>,
    /// How many findings were suppressed.
    pub suppressed: usize,
}

/// Applies the file's inline suppressions to its findings.
pub fn apply(path: &str, text: &str, findings: Vec<Finding>) -> Outcome {
    let mut out = Outcome::default();
    let mut allows = Vec::new();
    if !text.contains(MARKER) {
        out.findings = findings;
        return out;
    }
    let index = LineIndex::new(text);
    // The end of the line of the last marker: markers on one line share it, so a long
    // line full of markers is read once, not once per marker.
    let mut line_end = 0;
    for (start, _) in text.match_indices(MARKER) {
        if start >= line_end {
            line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        }
        let rest = &text[start + MARKER.len()..line_end];
        // A list of rule names is short; a `)` further away does not close it (and a
        // line of unclosed markers is not read to its end once per marker).
        let near = floor_char_boundary(rest, rest.len().min(MAX_LIST));
        let Some(close) = rest[..near].find(')') else {
            out.findings.push(invalid(
                path,
                text,
                &index,
                start,
                line_end - start,
                "`ownlint: allow(` is not closed",
            ));
            continue;
        };
        let after = rest[close + 1..].trim_start();
        let reason = after
            .strip_prefix("--")
            .map(|r| r.trim().trim_end_matches("*/").trim());
        if reason.is_none_or(str::is_empty) {
            out.findings.push(invalid(
                path,
                text,
                &index,
                start,
                MARKER.len() + close + 1,
                "suppression without a reason: write `ownlint: allow(<rule>) -- <why this is acceptable>`",
            ));
            continue;
        }
        let mut rules = Vec::new();
        let mut bad = Vec::new();
        for name in rest[..close]
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            match Rule::from_name(name) {
                Some(r) => rules.push(r),
                None => bad.push(name),
            }
        }
        if !bad.is_empty() || rules.is_empty() {
            let names = if bad.is_empty() {
                "no rule".to_string()
            } else {
                bad.iter()
                    .map(|b| format!("`{b}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            out.findings.push(invalid(
                path,
                text,
                &index,
                start,
                MARKER.len() + close + 1,
                &format!(
                    "suppression names {names}, not a known rule (`ownlint rules` lists them)"
                ),
            ));
        }
        if rules.is_empty() {
            continue;
        }
        let loc = index.loc(text, start, 0);
        allows.push(Allow {
            line: loc.line,
            offset: start,
            len: MARKER.len() + close + 1,
            rules,
            used: false,
        });
    }
    // Allows by line, so each finding looks at two lines, not every allow.
    let mut by_line: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, a) in allows.iter().enumerate() {
        by_line.entry(a.line).or_default().push(i);
    }
    for f in findings {
        let line = f.primary.as_ref().map_or(0, |l| l.loc.line);
        let hit = [line, line.saturating_sub(1)]
            .iter()
            .filter_map(|l| by_line.get(l))
            .flatten()
            .copied()
            .find(|&i| allows[i].rules.contains(&f.rule))
            .map(|i| &mut allows[i]);
        match hit {
            Some(a) => {
                a.used = true;
                out.suppressed += 1;
            }
            None => out.findings.push(f),
        }
    }
    for a in allows.iter().filter(|a| !a.used) {
        let names: Vec<&str> = a.rules.iter().map(|r| r.name()).collect();
        let f = Finding::new(
            Rule::UnusedSuppression,
            format!("`allow({})` suppresses nothing", names.join(", ")),
        )
        .at_indexed(
            path,
            text,
            &index,
            a.offset,
            a.len,
            "nothing to suppress on this line or the next",
        )
        .help("remove the comment: the code it excused is gone or was never a finding")
        .subject(names.join(","));
        out.findings.push(f);
    }
    out
}

fn invalid(
    path: &str,
    text: &str,
    index: &LineIndex,
    offset: usize,
    len: usize,
    message: &str,
) -> Finding {
    Finding::new(Rule::InvalidSuppression, message)
        .at_indexed(path, text, index, offset, len, "this suppression")
        .help("the form is `ownlint: allow(<rule>[, <rule>]) -- <reason>`, on the line or the line above")
        .subject(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding_on(line_text_offset: usize, text: &str, rule: Rule) -> Finding {
        Finding::new(rule, "x").at("a.rs", text, line_text_offset, 1, "")
    }

    #[test]
    fn same_line_and_line_above() {
        let text = "// ownlint: allow(cross-service-read) -- migration in progress\nquery(\"SELECT * FROM orders\");\nx(); // ownlint: allow(cross-service-write) -- legacy\n";
        let f1 = finding_on(
            text.find("orders").unwrap_or(0),
            text,
            Rule::CrossServiceRead,
        );
        let f2 = finding_on(text.find("x()").unwrap_or(0), text, Rule::CrossServiceWrite);
        let out = apply("a.rs", text, vec![f1, f2]);
        assert_eq!(out.suppressed, 2);
        assert!(out.findings.is_empty(), "{:?}", out.findings);
    }

    #[test]
    fn reason_required_unknown_rule_and_unused() {
        let cases = [
            (
                "// ownlint: allow(cross-service-read)\nq();\n",
                Rule::InvalidSuppression,
            ),
            (
                "// ownlint: allow(cross-service-raed) -- typo\nq();\n",
                Rule::InvalidSuppression,
            ),
            (
                "// ownlint: allow(cross-service-read) -- nothing here\nq();\n",
                Rule::UnusedSuppression,
            ),
        ];
        for (text, want) in cases {
            let out = apply("a.rs", text, Vec::new());
            assert_eq!(
                out.findings.iter().map(|f| f.rule).collect::<Vec<_>>(),
                vec![want],
                "{text}"
            );
        }
    }

    #[test]
    fn wrong_rule_does_not_suppress() {
        let text = "// ownlint: allow(cross-service-write) -- not this one\nquery(\"SELECT * FROM orders\");\n";
        let f = finding_on(
            text.find("orders").unwrap_or(0),
            text,
            Rule::CrossServiceRead,
        );
        let out = apply("a.rs", text, vec![f]);
        let rules: Vec<Rule> = out.findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, vec![Rule::CrossServiceRead, Rule::UnusedSuppression]);
    }
}
