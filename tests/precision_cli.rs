//! CLI test over `fixtures/precision`: prose that names another service's table
//! (exception, log and assertion messages, translations, test names) is never a
//! finding, in any language, and the real queries beside it, some right after nested
//! interpolation or raw strings, all are.

use serde_json::Value;
#[path = "common/cli.rs"]
mod cli;
use cli::ownlint;

#[test]
fn only_real_queries_are_findings() {
    let out = ownlint()
        .current_dir("fixtures/precision")
        .args(["check", "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "invalid JSON: {e}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut got: Vec<(String, String, u64, String, String)> = v["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array"))
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
            (
                s("rule"),
                s("path")
                    .trim_start_matches("services/app/src/")
                    .to_string(),
                f["line"].as_u64().unwrap_or(0),
                s("table"),
                s("confidence"),
            )
        })
        .collect();
    got.sort();
    let row = |rule: &str, path: &str, line: u64, confidence: &str| {
        (
            rule.to_string(),
            path.to_string(),
            line,
            "invoices".to_string(),
            confidence.to_string(),
        )
    };
    let read = "cross-service-read";
    let write = "cross-service-write";
    let mut want = vec![
        row(read, "Prose.cs", 9, "high"),
        row(read, "Prose.java", 10, "high"),
        row(read, "Prose.kt", 7, "high"),
        row(read, "prose.go", 18, "high"),
        row(read, "prose.py", 20, "high"),
        row(read, "prose.rb", 7, "high"),
        row(write, "prose.rb", 16, "high"),
        row(read, "prose.rs", 15, "high"),
        row(read, "prose.ts", 8, "high"),
        row(write, "prose.ts", 14, "high"),
        // At a database call, a statement no dialect parses is still scanned.
        row(write, "prose_test.go", 13, "low"),
    ];
    want.sort();
    assert_eq!(got, want);
    assert_eq!(out.status.code(), Some(1));
}
