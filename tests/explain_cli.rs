//! `ownlint explain`, `ownlint rules`, `ownlint completions`, `ownlint man`, and the
//! committed docs/rules.md being exactly what `explain --all --format markdown`
//! renders.

use ownlint::model::rules::Rule;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn ownlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ownlint"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("OWNLINT_REGISTRY")
        .env("COLUMNS", "100")
        .output()
        .expect("run ownlint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const SECTIONS: [&str; 5] = [
    "WHAT IT DOES",
    "WHY IT MATTERS",
    "EXAMPLE",
    "HOW TO FIX IT",
    "HOW TO SUPPRESS IT",
];

#[test]
fn explain_prints_every_section_of_every_rule() {
    for rule in Rule::ALL {
        let out = ownlint(&["explain", rule.name()]);
        assert_eq!(out.status.code(), Some(0), "{rule}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.starts_with(&format!("{}: {}", rule.name(), rule.summary())),
            "{rule}"
        );
        assert!(text.contains(&rule.doc_url()), "{rule}: docs URL");
        assert!(text.contains(rule.default_severity().as_str()), "{rule}");
        let mut last = 0;
        for section in SECTIONS {
            let at = text
                .find(section)
                .unwrap_or_else(|| panic!("{rule}: no {section}"));
            assert!(at >= last, "{rule}: {section} out of order");
            last = at;
        }
        // The example has a snippet and the finding it produces.
        assert!(
            text.contains(&format!("[{}]", rule.name())),
            "{rule}: example finding"
        );
        // Fences are rendered away in the terminal.
        assert!(!text.contains("```"), "{rule}: raw fence");
    }
}

#[test]
fn explain_docs_are_concrete() {
    // Suppression sections name the mechanisms that apply.
    let read = stdout(&ownlint(&["explain", "cross-service-read"]));
    for needle in [
        "ownlint: allow(cross-service-read) -- ",
        "exceptions:",
        "reason:",
        "expires:",
        "rules: {cross-service-read: off}",
        "`--` in SQL",
        "`#` in Python",
    ] {
        assert!(read.contains(needle), "cross-service-read lacks {needle:?}");
    }
    let cycle = stdout(&ownlint(&["explain", "dependency-cycle"]));
    assert!(cycle.contains("dependency-cycle: warning"), "{cycle}");
    let stale = stdout(&ownlint(&["explain", "stale-baseline"]));
    assert!(stale.contains("ownlint baseline --update"));
}

#[test]
fn explain_unknown_rule_exits_2_with_a_suggestion() {
    let out = ownlint(&["explain", "cross-service-reed"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("unknown rule `cross-service-reed`"), "{err}");
    assert!(err.contains("did you mean `cross-service-read`?"), "{err}");
    assert!(stdout(&out).is_empty());

    let out = ownlint(&["explain", "zzz"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("ownlint rules"));

    // Neither a rule nor --all; both.
    assert_eq!(ownlint(&["explain"]).status.code(), Some(2));
    assert_eq!(
        ownlint(&["explain", "duplicate-owner", "--all"])
            .status
            .code(),
        Some(2)
    );
    // A format explain does not have.
    assert_eq!(
        ownlint(&["explain", "duplicate-owner", "--format", "sarif"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn explain_all_covers_every_rule() {
    let out = ownlint(&["explain", "--all"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for rule in Rule::ALL {
        assert!(
            text.contains(&format!("\n{}: ", rule.name())) || text.starts_with(rule.name()),
            "{rule}"
        );
    }
    assert_eq!(text.matches("HOW TO SUPPRESS IT").count(), Rule::ALL.len());
}

#[test]
fn explain_json_and_markdown() {
    let one: Value = serde_json::from_str(&stdout(&ownlint(&[
        "explain",
        "unowned-table",
        "--format",
        "json",
    ])))
    .expect("JSON");
    assert_eq!(one["name"], "unowned-table");
    for key in [
        "what", "why", "example", "fix", "suppress", "summary", "docs",
    ] {
        assert!(one[key].as_str().is_some_and(|s| !s.is_empty()), "{key}");
    }
    let all: Value =
        serde_json::from_str(&stdout(&ownlint(&["explain", "--all", "--format", "json"])))
            .expect("JSON");
    assert_eq!(all.as_array().map(Vec::len), Some(Rule::ALL.len()));

    let md = stdout(&ownlint(&[
        "explain",
        "unowned-table",
        "--format",
        "markdown",
    ]));
    assert!(md.starts_with("# unowned-table\n"));
    for section in [
        "## What it does",
        "## Why it matters",
        "## Example",
        "## How to fix it",
        "## How to suppress it",
    ] {
        assert!(md.contains(section), "{section}");
    }
}

#[test]
fn docs_rules_md_is_up_to_date() {
    let out = ownlint(&["explain", "--all", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(0));
    let rendered = stdout(&out);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    if std::env::var_os("OWNLINT_BLESS").is_some() {
        std::fs::write(&path, &rendered).expect("write docs/rules.md");
    }
    let committed = std::fs::read_to_string(&path).expect("docs/rules.md");
    assert!(
        committed == rendered,
        "docs/rules.md is stale: regenerate it with\n  cargo run -q -- explain --all --format markdown > docs/rules.md\n(or run this test with OWNLINT_BLESS=1)"
    );
    for rule in Rule::ALL {
        // Every rule has its anchor, which `Rule::doc_url` links to.
        assert!(
            committed.contains(&format!("\n### {}\n", rule.name())),
            "{rule}"
        );
        assert!(
            rule.doc_url()
                .ends_with(&format!("docs/rules.md#{}", rule.name()))
        );
    }
}

#[test]
fn rules_lists_every_rule() {
    let out = ownlint(&["rules"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("RULE"));
    for rule in Rule::ALL {
        let line = lines
            .iter()
            .find(|l| l.split_whitespace().next() == Some(rule.name()))
            .unwrap_or_else(|| panic!("{rule} not listed"));
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cols[2], rule.default_severity().as_str(), "{rule}");
        assert!(line.ends_with(rule.summary()), "{rule}");
    }
    // Aligned: the summaries all start in the same column.
    let starts: Vec<usize> = Rule::ALL
        .iter()
        .filter_map(|r| {
            lines
                .iter()
                .find(|l| l.starts_with(&format!("{} ", r.name())))
                .and_then(|l| l.find(r.summary()))
        })
        .collect();
    assert_eq!(starts.len(), Rule::ALL.len());
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "{starts:?}");
}

#[test]
fn rules_json_parses() {
    let out = ownlint(&["rules", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("JSON array");
    let arr = v.as_array().cloned().unwrap_or_default();
    assert_eq!(arr.len(), Rule::ALL.len());
    for (r, rule) in arr.iter().zip(Rule::ALL) {
        assert_eq!(r["name"], rule.name());
        assert_eq!(r["default_severity"], rule.default_severity().as_str());
        assert_eq!(r["summary"], rule.summary());
        assert!(["registry", "code", "run"].contains(&r["category"].as_str().unwrap_or_default()));
    }
    assert_eq!(
        ownlint(&["rules", "--format", "dot"]).status.code(),
        Some(2)
    );
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let out = ownlint(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = stdout(&out);
        assert!(!text.trim().is_empty(), "{shell}");
        assert!(text.contains("validate"), "{shell} completes subcommands");
        assert!(text.contains("explain"), "{shell}");
        assert!(
            text.contains("registry"),
            "{shell} completes global options"
        );
    }
    assert_eq!(ownlint(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn man_page_is_roff() {
    let out = ownlint(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains(".TH"), "{text}");
    assert!(text.contains("ownlint"));
    assert!(text.contains("validate"));
    assert!(text.contains("explain"));
}
