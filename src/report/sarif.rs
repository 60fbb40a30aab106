//! `--format sarif`: a SARIF 2.1.0 log for code scanning (GitHub, GitLab, Azure
//! DevOps, IDE viewers).
//!
//! One run; `tool.driver` names ownlint and carries a `rules` entry for each rule that
//! occurs (in rule order, so `ruleIndex` is stable for a given set of findings). Every
//! result has its rule, level, message, the primary label as its location (relative
//! to `%SRCROOT%`, the repository root), the other labels (the owner's registry entry,
//! the other half of a conflict) as related locations, and the stable fingerprint as a
//! partial fingerprint, so that code scanning tracks an alert across commits. A
//! finding about code carries its confidence twice: as the `confidence` property, and
//! as the result's `rank` ([`rank`]), which viewers sort by.

use super::{Context, Printer, Summary};
use crate::model::finding::{Finding, Label, Loc};
use crate::model::rules::{Rule, Severity};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::io::{self, Write};

/// The `$schema` written into every log.
pub const SARIF_SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF version written into every log.
pub const SARIF_VERSION: &str = "2.1.0";

/// Where ownlint lives (`tool.driver.informationUri`).
pub const INFORMATION_URI: &str = "https://github.com/ownlint/ownlint";

/// The key of ownlint's fingerprint in `partialFingerprints`. Versioned, so that a
/// future change of the fingerprint recipe does not collide with recorded alerts.
pub const FINGERPRINT_KEY: &str = "ownlint/v1";

/// The `uriBaseId` every artifact location is relative to: the repository root.
pub const SRCROOT: &str = "%SRCROOT%";

pub struct Sarif;

impl Printer for Sarif {
    fn print(
        &self,
        out: &mut dyn Write,
        findings: &[Finding],
        _summary: &Summary,
        ctx: &Context,
    ) -> io::Result<()> {
        let doc = sarif_log(findings, ctx);
        // The controls serde_json leaves raw are escaped (see `escape::json`).
        let text = serde_json::to_vec_pretty(&doc)?;
        out.write_all(&super::escape::json(&text))?;
        writeln!(out)
    }
}

/// The whole SARIF log for `findings`.
pub fn sarif_log(findings: &[Finding], ctx: &Context) -> Value {
    let mut rules: Vec<Rule> = findings.iter().map(|f| f.rule).collect();
    rules.sort();
    rules.dedup();
    let index: HashMap<Rule, usize> = rules.iter().enumerate().map(|(i, r)| (*r, i)).collect();
    let mut sources = Sources::new(ctx);
    let results: Vec<Value> = findings
        .iter()
        .map(|f| result(f, index.get(&f.rule).copied().unwrap_or(0), &mut sources))
        .collect();
    json!({
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {
                "driver": {
                    "name": "ownlint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules.iter().map(|r| descriptor(*r)).collect::<Vec<_>>(),
                }
            },
            "invocations": [{
                // False when ownlint failed on some file (`internal-error`): the
                // results are incomplete.
                "executionSuccessful": !findings.iter().any(|f| f.rule == Rule::InternalError),
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// The SARIF level of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The SARIF `rank` (0 to 100, higher first) of a finding of this confidence: how
/// likely the finding is to be right, so that a viewer lists guesses last.
pub fn rank(c: crate::model::Confidence) -> f64 {
    match c {
        crate::model::Confidence::High => 90.0,
        crate::model::Confidence::Low => 30.0,
    }
}

/// A rule's `reportingDescriptor`.
pub fn descriptor(rule: Rule) -> Value {
    let docs = rule.docs();
    let url = rule.doc_url();
    let markdown = format!(
        "{}\n\n**How to suppress it**\n\n{}\n\nSee [`{}`]({url}) or run `ownlint explain {}`.",
        docs.fix,
        docs.suppress,
        rule.name(),
        rule.name()
    );
    let category = match rule.category() {
        crate::model::rules::Category::Registry => "registry",
        crate::model::rules::Category::Code => "code",
        crate::model::rules::Category::Run => "run",
    };
    json!({
        "id": rule.name(),
        "name": rule.name(),
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": docs.what, "markdown": docs.what},
        "help": {"text": docs.fix, "markdown": markdown},
        "helpUri": url,
        "defaultConfiguration": {"level": level(rule.default_severity())},
        "properties": {
            "category": category,
            "tags": ["data-ownership", category],
        },
    })
}

/// The message of a finding as SARIF and GitHub print it: the message, then the
/// finding's own help (a did-you-mean, what to do instead) on a second line.
pub fn message_text(f: &Finding) -> String {
    match &f.help {
        Some(h) if !h.trim().is_empty() => format!("{}\nhelp: {h}", f.message),
        _ => f.message.clone(),
    }
}

fn result(f: &Finding, rule_index: usize, sources: &mut Sources<'_>) -> Value {
    let mut r = Map::new();
    r.insert("ruleId".into(), f.rule.name().into());
    r.insert("ruleIndex".into(), rule_index.into());
    r.insert("level".into(), level(f.severity).into());
    if let Some(c) = f.confidence {
        r.insert("rank".into(), rank(c).into());
    }
    r.insert("message".into(), json!({ "text": message_text(f) }));
    if let Some(primary) = &f.primary {
        let mut loc = json!({ "physicalLocation": physical(primary, sources) });
        if !primary.message.is_empty() {
            loc["message"] = json!({ "text": primary.message });
        }
        r.insert("locations".into(), Value::Array(vec![loc]));
    }
    r.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: f.fingerprint() }),
    );
    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut v = json!({
                    "id": i,
                    "physicalLocation": physical(l, sources),
                });
                if !l.message.is_empty() {
                    v["message"] = json!({ "text": l.message });
                }
                v
            })
            .collect();
        r.insert("relatedLocations".into(), Value::Array(related));
    }
    let mut props = Map::new();
    for (k, v) in [
        ("service", f.service.as_deref()),
        ("table", f.table.as_deref()),
        ("import", f.import.as_deref()),
        ("owner", f.owner.as_deref()),
        ("access", f.access.map(|a| a.as_str())),
        (
            "confidence",
            f.confidence.map(|c| match c {
                crate::model::Confidence::High => "high",
                crate::model::Confidence::Low => "low",
            }),
        ),
    ] {
        if let Some(v) = v {
            props.insert(k.into(), v.into());
        }
    }
    if !props.is_empty() {
        r.insert("properties".into(), Value::Object(props));
    }
    Value::Object(r)
}

fn physical(l: &Label, sources: &mut Sources<'_>) -> Value {
    let mut region = Map::new();
    region.insert("startLine".into(), l.loc.line.max(1).into());
    region.insert("startColumn".into(), l.loc.column.max(1).into());
    if let Some(end) = sources.end_of(l) {
        region.insert("endLine".into(), end.line.into());
        region.insert("endColumn".into(), end.column.into());
    }
    json!({
        "artifactLocation": {"uri": uri_of(&l.path), "uriBaseId": SRCROOT},
        "region": Value::Object(region),
    })
}

/// A relative path as a URI reference: `/`-separated, with every byte outside the
/// unreserved set (and `/`) percent-encoded.
pub fn uri_of(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// The labelled files' texts (read once each by [`Context::source`]), to compute
/// where labels end.
pub(super) struct Sources<'a> {
    ctx: &'a Context,
}

impl<'a> Sources<'a> {
    pub(super) fn new(ctx: &'a Context) -> Self {
        Sources { ctx }
    }

    /// Where the label's text ends (SARIF's exclusive end: the line and column just
    /// after the last character), when its length is known and the file still holds
    /// the text the label was made from.
    pub(super) fn end_of(&mut self, l: &Label) -> Option<Loc> {
        if l.loc.len == 0 {
            return None;
        }
        let text = self.ctx.source(&l.path)?;
        end_loc(&text, &l.loc)
    }
}

/// The exclusive end of `loc` in `text`, if `loc` still describes `text`. Counts only
/// within the label and its line, never from the start of the file: a file with
/// thousands of findings stays linear.
pub fn end_loc(text: &str, loc: &Loc) -> Option<Loc> {
    if loc.len == 0
        || loc.offset.checked_add(loc.len)? > text.len()
        || !text.is_char_boundary(loc.offset)
    {
        return None;
    }
    // The label still starts where it did: same column on its line.
    let line_start = text[..loc.offset].rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..loc.offset].chars().count() + 1;
    if u32::try_from(column).ok()? != loc.column {
        return None;
    }
    let mut end = loc.offset + loc.len;
    // A label ending in a newline ends on its line, not at column 1 of the next.
    while end > loc.offset + 1 && text.as_bytes()[end - 1] == b'\n' {
        end -= 1;
    }
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let inside = &text[loc.offset..end];
    let newlines = inside.bytes().filter(|&b| b == b'\n').count();
    let (line, column) = match inside.rfind('\n') {
        Some(i) => (
            loc.line as usize + newlines,
            inside[i + 1..].chars().count() + 1,
        ),
        None => (loc.line as usize, column + inside.chars().count()),
    };
    Some(Loc {
        line: u32::try_from(line).ok()?,
        column: u32::try_from(column).ok()?,
        offset: end,
        len: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_and_slashed() {
        assert_eq!(uri_of("services/a b/ç.sql"), "services/a%20b/%C3%A7.sql");
        assert_eq!(uri_of("a\\b#c%"), "a/b%23c%25");
        assert_eq!(uri_of("data-ownership.yaml"), "data-ownership.yaml");
    }

    #[test]
    fn end_is_exclusive_and_counts_characters() {
        let text = "ab\nçd orders x\n";
        let off = text.find("orders").unwrap_or(0);
        let loc = Loc::at(text, off, 6);
        let end = end_loc(text, &loc).map(|l| (l.line, l.column));
        assert_eq!(end, Some((2, 10)));
        // The file changed since the label was made: no end.
        let moved = Loc { column: 9, ..loc };
        assert!(end_loc(text, &moved).is_none());
        // Out of range or empty: no end.
        assert!(end_loc("short", &loc).is_none());
        assert!(end_loc(text, &Loc { len: 0, ..loc }).is_none());
    }

    #[test]
    fn multi_line_labels_end_on_their_last_line() {
        let text = "a: [\n  x,\n]\nb: 1\n";
        let loc = Loc::at(text, 3, 8);
        let end = end_loc(text, &loc).map(|l| (l.line, l.column));
        assert_eq!(end, Some((3, 2)));
    }
}
