//! `--format concise`, `gitlab`, `junit` and `json-lines`: the real CLI on the bundled
//! example (`fixtures/shop`), each output read back by a parser of its format and
//! compared with the JSON report of the same run; then the printers driven directly
//! with findings whose names hold markup and control characters.

use ownlint::model::finding::Finding;
use ownlint::model::rules::Rule;
use ownlint::report::{self, Context, Printer, Summary};
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Output};

const SHOP: &str = "fixtures/shop";
const CLEAN: &str = "fixtures/registry/ci-clean/data-ownership.yaml";

fn ownlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ownlint"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("OWNLINT_REGISTRY")
        .env("NO_COLOR", "1")
        .output()
        .expect("run ownlint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

/// `check fixtures/shop` in `format`: its stdout, after checking the exit code is the
/// JSON run's (1: the shop has errors).
fn shop(format: &str) -> String {
    let out = ownlint(&["check", SHOP, "--format", format]);
    assert_eq!(out.status.code(), Some(1), "{format}: {out:?}");
    stdout(&out)
}

/// The findings of the JSON report of the same run.
fn shop_json() -> Vec<Value> {
    let v: Value = serde_json::from_str(&shop("json")).expect("json report");
    let findings = v["findings"].as_array().cloned().unwrap_or_default();
    assert!(findings.len() > 10, "the shop has findings");
    findings
}

#[test]
fn concise_is_one_parseable_line_per_finding_then_the_summary() {
    let text = shop("concise");
    let lines: Vec<&str> = text.lines().collect();
    let json = shop_json();
    assert_eq!(lines.len(), json.len() + 1, "{text}");
    assert!(lines[json.len()].starts_with("ownlint: "), "{text}");
    for (line, f) in lines.iter().zip(&json) {
        // path:line:col: severity[rule] message
        let (location, rest) = line.split_once(": ").expect("location");
        let mut parts = location.rsplitn(3, ':');
        let column = parts.next().expect("column");
        let row = parts.next().expect("line");
        let path = parts.next().expect("path");
        let (severity, rest) = rest.split_once('[').expect("severity");
        let (rule, message) = rest.split_once("] ").expect("rule");
        assert_eq!(path, f["path"], "{line}");
        assert_eq!(row, f["line"].to_string(), "{line}");
        assert_eq!(column, f["column"].to_string(), "{line}");
        assert_eq!(severity, f["severity"], "{line}");
        assert_eq!(rule, f["rule"], "{line}");
        assert_eq!(message, f["message"], "{line}");
    }
    let quiet = ownlint(&["check", SHOP, "--format", "concise", "--quiet"]);
    assert_eq!(stdout(&quiet).lines().count(), json.len());
}

/// The fields GitLab's Code Quality report requires of every entry (its documented
/// schema, `ci/codequality` in GitLab's docs and the Code Climate spec it follows):
/// `description`, `check_name`, `fingerprint`, `severity` (one of five) and
/// `location.path` with `location.lines.begin` (or `location.positions`, not used).
const GITLAB_SEVERITIES: [&str; 5] = ["info", "minor", "major", "critical", "blocker"];

fn assert_code_quality_entry(e: &Value) {
    for key in ["description", "check_name", "fingerprint", "severity"] {
        assert!(e[key].as_str().is_some_and(|s| !s.is_empty()), "{key}: {e}");
    }
    assert!(
        GITLAB_SEVERITIES.contains(&e["severity"].as_str().unwrap_or_default()),
        "{e}"
    );
    assert!(
        e["location"]["path"]
            .as_str()
            .is_some_and(|p| !p.is_empty()),
        "{e}"
    );
    assert!(
        e["location"]["lines"]["begin"]
            .as_u64()
            .is_some_and(|l| l >= 1),
        "{e}"
    );
}

#[test]
fn gitlab_is_a_code_quality_report_of_the_same_findings() {
    let report: Value = serde_json::from_str(&shop("gitlab")).expect("gitlab JSON");
    let entries = report.as_array().expect("a JSON array");
    let json = shop_json();
    assert_eq!(entries.len(), json.len());
    let mut fingerprints = HashSet::new();
    for (e, f) in entries.iter().zip(&json) {
        assert_code_quality_entry(e);
        assert!(
            fingerprints.insert(e["fingerprint"].clone()),
            "duplicate: {e}"
        );
        assert_eq!(e["check_name"], f["rule"]);
        assert_eq!(e["description"], f["message"]);
        assert_eq!(e["location"]["path"], f["path"]);
        assert_eq!(e["location"]["lines"]["begin"], f["line"]);
        let expected = if f["severity"] == "error" {
            "major"
        } else {
            "minor"
        };
        assert_eq!(e["severity"], expected);
        assert!(
            Path::new(SHOP)
                .join(e["location"]["path"].as_str().unwrap_or_default())
                .is_file(),
            "{e}"
        );
    }
    // Stable: a second run gives the same fingerprints.
    let again: Value = serde_json::from_str(&shop("gitlab")).expect("gitlab JSON");
    let again: HashSet<Value> = (again.as_array().into_iter().flatten())
        .map(|e| e["fingerprint"].clone())
        .collect();
    assert_eq!(again, fingerprints);
}

#[test]
fn gitlab_clean_run_is_an_empty_array() {
    let out = ownlint(&["--registry", CLEAN, "validate", "--format", "gitlab"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&out)).ok(),
        Some(Value::Array(vec![]))
    );
}

/// Test cases of a JUnit document: (suite name, case name, classname, failure message
/// and type when failing).
type Case = (String, String, String, Option<(String, String)>);

fn junit_cases(text: &str) -> Vec<Case> {
    let doc = roxmltree::Document::parse(text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let mut cases = Vec::new();
    let mut failures = 0;
    for suite in root.children().filter(|n| n.has_tag_name("testsuite")) {
        let in_suite: Vec<_> = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(
            suite.attribute("tests"),
            Some(in_suite.len().to_string().as_str())
        );
        let mut suite_failures = 0;
        for case in in_suite {
            let failure = case
                .children()
                .find(|n| n.has_tag_name("failure"))
                .map(|f| {
                    suite_failures += 1;
                    (
                        f.attribute("message").unwrap_or_default().to_string(),
                        f.attribute("type").unwrap_or_default().to_string(),
                    )
                });
            cases.push((
                suite.attribute("name").unwrap_or_default().to_string(),
                case.attribute("name").unwrap_or_default().to_string(),
                case.attribute("classname").unwrap_or_default().to_string(),
                failure,
            ));
        }
        assert_eq!(
            suite.attribute("failures"),
            Some(suite_failures.to_string().as_str())
        );
        failures += suite_failures;
    }
    assert_eq!(
        root.attribute("tests"),
        Some(cases.len().to_string().as_str())
    );
    assert_eq!(
        root.attribute("failures"),
        Some(failures.to_string().as_str())
    );
    cases
}

#[test]
fn junit_has_a_suite_per_file_and_a_failing_case_per_finding() {
    let cases = junit_cases(&shop("junit"));
    let json = shop_json();
    assert_eq!(cases.len(), json.len());
    for ((suite, name, classname, failure), f) in cases.iter().zip(&json) {
        assert_eq!(suite, &f["path"]);
        assert_eq!(classname, &f["path"]);
        assert_eq!(
            name,
            &format!(
                "{} at {}:{}",
                f["rule"].as_str().unwrap_or_default(),
                f["line"],
                f["column"]
            )
        );
        let (message, kind) = failure.as_ref().expect("every finding fails its case");
        assert_eq!(message, &f["message"]);
        assert_eq!(kind, &f["rule"]);
    }
}

#[test]
fn junit_clean_run_is_one_passing_suite() {
    let out = ownlint(&["--registry", CLEAN, "validate", "--format", "junit"]);
    assert_eq!(out.status.code(), Some(0));
    let cases = junit_cases(&stdout(&out));
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].3, None, "passing");
}

#[test]
fn json_lines_are_the_json_reports_findings_one_per_line() {
    let text = shop("json-lines");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect();
    assert_eq!(
        lines,
        shop_json(),
        "same findings, same order, nothing else"
    );
    let out = ownlint(&["--registry", CLEAN, "validate", "--format", "json-lines"]);
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), String::new()));
}

/// A finding whose table name holds markup, quotes, an escape sequence, a NUL and a
/// line break, in a file whose name holds `&` and `<`.
fn hostile() -> (Vec<Finding>, Context) {
    let name = "o<r>&\"d'\u{1b}[31m\u{0}\nx";
    let code = format!("SELECT * FROM {name};\n");
    let path = "svc/a&<b>.sql";
    let f = Finding::new(Rule::CrossServiceRead, format!("reads table `{name}`"))
        .at(path, &code, 14, name.len(), "here")
        .help("ask\u{7}");
    let ctx = Context {
        root: std::env::temp_dir(),
        sources: [(path.to_string(), code)].into_iter().collect(),
        color: false,
        quiet: false,
        width: 100,
        cache: Default::default(),
    };
    let plain = Finding::new(Rule::ParseError, "no location");
    (vec![f, plain], ctx)
}

fn print(printer: &dyn Printer) -> String {
    let (findings, ctx) = hostile();
    let mut out = Vec::new();
    printer
        .print(&mut out, &findings, &Summary::of(&findings), &ctx)
        .expect("print");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn hostile_names_stay_inside_their_field_in_every_format() {
    let registry = || "data-ownership.yaml".to_string();
    // JUnit: well-formed (no NUL or ESC, which XML 1.0 forbids), markup intact.
    let cases = junit_cases(&print(&report::Junit {
        registry: registry(),
    }));
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0].0, "svc/a&<b>.sql");
    let (message, _) = cases[0].3.clone().expect("failing");
    assert_eq!(message, "reads table `o<r>&\"d'\\u{1b}[31m\\u{0}\nx`");
    assert_eq!(
        cases[1].0, "data-ownership.yaml",
        "no location: the registry's suite"
    );
    // GitLab: serde_json escapes; the message comes back as it was.
    let gitlab: Value = serde_json::from_str(&print(&report::Gitlab {
        registry: registry(),
    }))
    .expect("JSON");
    for e in gitlab.as_array().into_iter().flatten() {
        assert_code_quality_entry(e);
    }
    assert_eq!(
        gitlab[0]["description"],
        "reads table `o<r>&\"d'\u{1b}[31m\u{0}\nx`"
    );
    // json-lines: a line break in a name does not break the line.
    let lines = print(&report::JsonLines);
    assert_eq!(lines.lines().count(), 2);
    for l in lines.lines() {
        serde_json::from_str::<Value>(l).expect("one object per line");
    }
    // concise: one line per finding plus the summary, no raw escape or NUL.
    let concise = print(&report::Concise);
    assert_eq!(concise.lines().count(), 3, "{concise}");
    assert!(
        !concise.contains(['\u{1b}', '\u{0}', '\u{7}']),
        "{concise:?}"
    );
    assert!(concise.starts_with("svc/a&<b>.sql:1:15: error[cross-service-read] reads table `o<r>&\"d'\\u{1b}[31m\\u{0}\\nx`\n"), "{concise}");
}
