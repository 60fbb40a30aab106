//! The bundled example checks itself: every finding of `ownlint check fixtures/shop`
//! sits on or just below a `PLANTED <rule>` comment of its rule, every such comment has
//! its finding, and nothing is reported where a `TRAP` comment says it must not be.
//!
//! The README promises a newcomer exactly this, so they can check the report against
//! the fixture by eye; this test keeps the promise when either side changes.
//!
//! The documented distance: a finding belongs to the nearest unused `PLANTED` marker
//! of its rule in the same file on its own line or up to [`DISTANCE`] lines above it.
//! A `TRAP` comment after code covers that line; a `TRAP` comment on a line of its own
//! covers the lines below it up to the next blank line or `PLANTED` marker, at most
//! [`DISTANCE`].

use assert_cmd::Command;
use std::path::Path;

/// How far above its finding a marker may sit (README: "on or just above").
const DISTANCE: u32 = 4;

#[derive(Debug)]
struct Finding {
    path: String,
    line: u32,
    rule: String,
}

#[derive(Debug)]
struct Planted {
    path: String,
    line: u32,
    rule: String,
    used: bool,
}

#[derive(Debug)]
struct Trap {
    path: String,
    /// The lines the trap covers, inclusive.
    lines: (u32, u32),
}

fn shop() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/shop"))
}

fn findings() -> Vec<Finding> {
    let out = Command::cargo_bin("ownlint")
        .unwrap()
        .args(["check", "--format", "json"])
        .arg(shop())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the shop has planted errors");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| Finding {
            path: f["path"].as_str().unwrap().to_owned(),
            line: f["line"].as_u64().unwrap() as u32,
            rule: f["rule"].as_str().unwrap().to_owned(),
        })
        .collect()
}

/// Every file of the fixture but its README (which describes the markers).
fn files(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            let rel = path.strip_prefix(shop()).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel != "README.md" {
                out.push((rel, text));
            }
        }
    }
}

/// The rule named right after `PLANTED ` in a line, if any.
fn planted_rule(line: &str) -> Option<&str> {
    let rest = &line[line.find("PLANTED ")? + "PLANTED ".len()..];
    let end = rest
        .find(|c: char| !(c.is_ascii_lowercase() || c == '-'))
        .unwrap_or(rest.len());
    Some(rest[..end].trim_end_matches('-')).filter(|r| !r.is_empty())
}

/// Whether the text before a marker is only comment leaders (a comment of its own).
fn comment_only(before: &str) -> bool {
    before
        .trim()
        .trim_start_matches(['/', '*', '#', '-', '!', '<', ' '])
        .is_empty()
}

fn markers() -> (Vec<Planted>, Vec<Trap>) {
    let mut all = Vec::new();
    files(shop(), &mut all);
    let (mut planted, mut traps) = (Vec::new(), Vec::new());
    for (path, text) in &all {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let no = i as u32 + 1;
            if let Some(rule) = planted_rule(line) {
                planted.push(Planted {
                    path: path.clone(),
                    line: no,
                    rule: rule.to_owned(),
                    used: false,
                });
            }
            if let Some(at) = line.find("TRAP") {
                let end = if comment_only(&line[..at]) {
                    let below = lines[i + 1..]
                        .iter()
                        .take(DISTANCE as usize)
                        .take_while(|l| !l.trim().is_empty() && !l.contains("PLANTED "))
                        .count();
                    no + below as u32
                } else {
                    no
                };
                traps.push(Trap {
                    path: path.clone(),
                    lines: (no, end),
                });
            }
        }
    }
    (planted, traps)
}

#[test]
fn every_finding_of_the_shop_has_its_planted_marker_and_every_marker_its_finding() {
    let findings = findings();
    let (mut planted, _) = markers();
    let mut problems = Vec::new();
    for f in &findings {
        let nearest = planted
            .iter_mut()
            .filter(|m| {
                !m.used
                    && m.path == f.path
                    && m.rule == f.rule
                    && m.line <= f.line
                    && f.line - m.line <= DISTANCE
            })
            .max_by_key(|m| m.line);
        match nearest {
            Some(m) => m.used = true,
            None => problems.push(format!(
                "{}:{} {}: no `PLANTED {}` marker on or up to {DISTANCE} lines above",
                f.path, f.line, f.rule, f.rule
            )),
        }
    }
    for m in planted.iter().filter(|m| !m.used) {
        problems.push(format!(
            "{}:{} `PLANTED {}` has no finding within {DISTANCE} lines below",
            m.path, m.line, m.rule
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        findings.len() >= 40,
        "the shop plants one finding per shape"
    );
}

#[test]
fn nothing_is_reported_where_the_shop_sets_a_trap() {
    let findings = findings();
    let (_, traps) = markers();
    assert!(traps.len() >= 15, "the shop's traps are marked: {traps:?}");
    let sprung: Vec<String> = traps
        .iter()
        .flat_map(|t| {
            findings
                .iter()
                .filter(move |f| f.path == t.path && (t.lines.0..=t.lines.1).contains(&f.line))
                .map(move |f| {
                    format!(
                        "{}:{} {} inside the TRAP of line {}",
                        f.path, f.line, f.rule, t.lines.0
                    )
                })
        })
        .collect();
    assert!(sprung.is_empty(), "{}", sprung.join("\n"));
}

#[test]
fn markers_are_read_as_documented() {
    assert_eq!(
        planted_rule("// PLANTED cross-service-read: x"),
        Some("cross-service-read")
    );
    assert_eq!(
        planted_rule("-- PLANTED unowned-table."),
        Some("unowned-table")
    );
    assert_eq!(planted_rule("no marker"), None);
    assert!(comment_only("    // "));
    assert!(comment_only(" * "));
    assert!(!comment_only("use a::b; // "));
}
