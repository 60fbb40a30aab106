//! `--format sarif` and `--format github`: real CLI output on registry fixtures, and
//! the printers driven directly with hand-built findings in code files.
//!
//! SARIF is validated against the official SARIF 2.1.0 schema (vendored in
//! tests/data); GitHub workflow commands are parsed back, unescaped, and compared with
//! the JSON output of the same run.

use ownlint::model::finding::{Finding, Loc};
use ownlint::model::rules::{Rule, Severity};
use ownlint::report::{self, Context, Printer, Summary};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "common/formats.rs"]
mod formats;
use formats::{assert_valid_sarif, parse_command, sarif_schema};

const FINDINGS: &str = "fixtures/registry/ci-findings/data-ownership.yaml";
const CLEAN: &str = "fixtures/registry/ci-clean/data-ownership.yaml";
const CANONICAL: &str = "fixtures/registry/canonical/data-ownership.yaml";

fn ownlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ownlint"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("OWNLINT_REGISTRY")
        .env("OWNLINT_TODAY", "2026-01-15")
        .output()
        .expect("run ownlint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn validate(registry: &str, format: &str, extra: &[&str]) -> Output {
    let mut args = vec!["--registry", registry, "validate", "--format", format];
    args.extend_from_slice(extra);
    ownlint(&args)
}

fn json_findings(registry: &str) -> Vec<Value> {
    let out = validate(registry, "json", &[]);
    let v: Value = serde_json::from_str(&stdout(&out)).expect("json report");
    v["findings"].as_array().cloned().unwrap_or_default()
}

fn message_with_help(f: &Value) -> String {
    let msg = f["message"].as_str().unwrap_or_default().to_string();
    match f["help"].as_str() {
        Some(h) if !h.is_empty() => format!("{msg}\nhelp: {h}"),
        _ => msg,
    }
}

#[test]
fn vendored_schema_is_the_oasis_draft07_schema() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-2.1.0.schema.json"),
    )
    .expect("vendored schema");
    let schema: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert!(
        schema["$comment"]
            .as_str()
            .unwrap_or_default()
            .contains("OASIS")
    );
    for def in [
        "run",
        "result",
        "location",
        "physicalLocation",
        "artifactLocation",
        "region",
        "reportingDescriptor",
        "toolComponent",
        "message",
        "multiformatMessageString",
        "propertyBag",
    ] {
        assert!(schema["definitions"][def].is_object(), "missing {def}");
    }
    // The schema rejects what it should: a result without a message, a bad level.
    let validator = sarif_schema();
    let bad = serde_json::json!({
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "r", "level": "fatal"}]}]
    });
    assert!(!validator.is_valid(&bad));
}

#[test]
fn sarif_output_validates_and_matches_the_json_report() {
    for registry in [FINDINGS, CANONICAL, CLEAN] {
        let out = validate(registry, "sarif", &[]);
        let doc: Value = serde_json::from_str(&stdout(&out)).expect("SARIF is JSON");
        assert_valid_sarif(&doc);
        assert_eq!(doc["version"], "2.1.0");
        let run = &doc["runs"][0];
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "ownlint");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        assert!(driver["informationUri"].as_str().is_some());

        let json = json_findings(registry);
        let results = run["results"].as_array().cloned().unwrap_or_default();
        assert_eq!(results.len(), json.len(), "{registry}");
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        // One descriptor per rule that occurs, no more.
        let mut occurring: Vec<&str> = json.iter().filter_map(|f| f["rule"].as_str()).collect();
        occurring.sort_unstable();
        occurring.dedup();
        assert_eq!(rules.len(), occurring.len(), "{registry}");

        for (r, f) in results.iter().zip(&json) {
            assert_eq!(r["ruleId"], f["rule"]);
            let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(rules[idx]["id"], f["rule"], "ruleIndex points at its rule");
            assert_eq!(r["level"], f["severity"]);
            assert_eq!(r["message"]["text"], message_with_help(f).as_str());
            assert_eq!(r["partialFingerprints"]["ownlint/v1"], f["fingerprint"]);
            let phys = &r["locations"][0]["physicalLocation"];
            assert_eq!(phys["artifactLocation"]["uri"], f["path"]);
            assert_eq!(phys["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            assert_eq!(phys["region"]["startLine"], f["line"]);
            assert_eq!(phys["region"]["startColumn"], f["column"]);
            assert!(phys["region"]["endLine"].as_u64() >= phys["region"]["startLine"].as_u64());
            assert!(
                phys["region"]["endColumn"].is_u64(),
                "end known for registry labels"
            );
            let related = f["related"].as_array().cloned().unwrap_or_default();
            let rel = r["relatedLocations"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert_eq!(rel.len(), related.len());
            for (a, b) in rel.iter().zip(&related) {
                let p = &a["physicalLocation"];
                assert_eq!(p["artifactLocation"]["uri"], b["path"]);
                assert_eq!(p["region"]["startLine"], b["line"]);
                assert_eq!(p["region"]["startColumn"], b["column"]);
                assert_eq!(a["message"]["text"], b["message"]);
            }
        }
        for d in &rules {
            let rule = Rule::from_name(d["id"].as_str().unwrap_or_default()).expect("known rule");
            assert_eq!(d["shortDescription"]["text"], rule.summary());
            assert_eq!(d["fullDescription"]["text"], rule.docs().what);
            assert_eq!(d["help"]["text"], rule.docs().fix);
            assert!(d["help"]["markdown"].as_str().is_some());
            assert_eq!(d["helpUri"], rule.doc_url().as_str());
            assert_eq!(
                d["defaultConfiguration"]["level"],
                rule.default_severity().as_str()
            );
        }
    }
}

#[test]
fn sarif_duplicate_owner_points_at_both_entries() {
    let out = validate(FINDINGS, "sarif", &[]);
    let doc: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let results = doc["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let dup = results
        .iter()
        .find(|r| r["ruleId"] == "duplicate-owner")
        .expect("duplicate-owner result");
    let region = &dup["locations"][0]["physicalLocation"]["region"];
    // `orders` at line 9, column 22: six characters, so the exclusive end is column 28.
    assert_eq!(
        (
            &region["startLine"],
            &region["startColumn"],
            &region["endLine"],
            &region["endColumn"]
        ),
        (
            &Value::from(9),
            &Value::from(22),
            &Value::from(9),
            &Value::from(28)
        )
    );
    let rel = &dup["relatedLocations"][0];
    assert_eq!(rel["physicalLocation"]["region"]["startLine"], 6);
    assert_eq!(
        rel["message"]["text"],
        "first owned by `order-service` here"
    );
    // Columns count characters, as `columnKind` says.
    assert_eq!(doc["runs"][0]["columnKind"], "unicodeCodePoints");
    let uni = results
        .iter()
        .find(|r| {
            r["message"]["text"]
                .as_str()
                .unwrap_or_default()
                .contains("ünïcode")
        })
        .expect("unicode finding");
    let region = &uni["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (&region["startColumn"], &region["endColumn"]),
        (&Value::from(3), &Value::from(20))
    );
}

#[test]
fn sarif_with_no_findings_is_valid_and_exit_code_is_kept() {
    let out = validate(CLEAN, "sarif", &[]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_valid_sarif(&doc);
    assert_eq!(doc["runs"][0]["results"], Value::Array(vec![]));
    assert_eq!(
        doc["runs"][0]["tool"]["driver"]["rules"],
        Value::Array(vec![])
    );
    assert_eq!(validate(FINDINGS, "sarif", &[]).status.code(), Some(1));
    assert_eq!(validate(FINDINGS, "github", &[]).status.code(), Some(1));
}

#[test]
fn github_lines_parse_back_to_the_json_report() {
    for registry in [FINDINGS, CANONICAL] {
        let out = validate(registry, "github", &[]);
        let text = stdout(&out);
        let lines: Vec<&str> = text.lines().collect();
        let json = json_findings(registry);
        assert_eq!(
            lines.len(),
            json.len() + 1,
            "one line per finding, then the summary"
        );
        let summary = lines.last().copied().unwrap_or_default();
        assert!(
            !summary.starts_with("::"),
            "summary is a plain line: {summary}"
        );
        assert!(summary.contains("error"), "{summary}");
        for (line, f) in lines.iter().zip(&json) {
            let a = parse_command(line).unwrap_or_else(|| panic!("not a command: {line}"));
            assert_eq!(a.command, f["severity"].as_str().unwrap_or_default());
            assert_eq!(a.prop("file"), f["path"].as_str());
            assert_eq!(a.prop("line"), Some(f["line"].to_string().as_str()));
            assert_eq!(a.prop("col"), Some(f["column"].to_string().as_str()));
            assert_eq!(a.prop("title"), f["rule"].as_str());
            assert_eq!(a.message, message_with_help(f));
            // Nothing unescaped that would end the data or add a command.
            assert!(!line.contains('\n') && !line.contains('\r'));
        }
    }
}

#[test]
fn github_escapes_percent_comma_and_colon() {
    let text = stdout(&validate(FINDINGS, "github", &[]));
    let line = text
        .lines()
        .find(|l| l.contains("bad name"))
        .expect("the invalid table name");
    assert!(line.contains("`bad name, with: 100%25`"), "{line}");
    let a = parse_command(line).expect("command");
    assert!(
        a.message
            .starts_with("invalid table name `bad name, with: 100%`")
    );
}

#[test]
fn github_quiet_prints_commands_only() {
    let text = stdout(&validate(FINDINGS, "github", &["--quiet"]));
    assert!(
        text.lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning "))
    );
    assert_eq!(text.lines().count(), json_findings(FINDINGS).len());
    let clean = stdout(&validate(CLEAN, "github", &["-q"]));
    assert_eq!(clean, "");
    let clean = stdout(&validate(CLEAN, "github", &[]));
    assert_eq!(clean.lines().count(), 1);
}

// ---- The printers through the `Printer` trait, with findings in code files. ----

const REGISTRY: &str = "services:\n  order-service:\n    owns: [orders]\n";
const CODE_PATH: &str = "services/user,svc:a/src/dash 1.sql";
const CODE: &str = "-- dashboard\nSELECT id FROM orders\n  JOIN  ünï ON true;\n";

struct Fixture {
    _dir: tempfile::TempDir,
    ctx: Context,
    findings: Vec<Finding>,
}

fn fixture(quiet: bool) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let root: PathBuf = dir.path().to_path_buf();
    let file = root.join(CODE_PATH);
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    std::fs::write(&file, CODE).expect("write code");
    let owns = REGISTRY.find("orders").expect("orders in registry");
    let owner_loc = Loc::at(REGISTRY, owns, "orders".len());
    let at = CODE.find("orders").expect("orders in code");
    let read = Finding::new(
        Rule::CrossServiceRead,
        "`user-service` reads table `orders`, owned by `order-service`",
    )
    .at(CODE_PATH, CODE, at, "orders".len(), "read here")
    .related(
        "data-ownership.yaml",
        owner_loc,
        "owned by `order-service` here",
    )
    .help("call order-service's API: 50%, not 100%")
    .service("user-service")
    .subject("orders");
    // A label over two lines, ending after a non-ASCII name.
    let join = CODE.find("FROM").expect("FROM");
    let end = CODE.find(" ON").expect("ON");
    let mut multi = Finding::new(Rule::UnassignedAccess, "multi-line: label").at(
        CODE_PATH,
        CODE,
        join,
        end - join,
        "",
    );
    multi.severity = Severity::Warning;
    let run_level = Finding::new(Rule::InternalError, "ownlint failed: line one\nline two");
    let sources = [("data-ownership.yaml".to_string(), REGISTRY.to_string())]
        .into_iter()
        .collect();
    Fixture {
        _dir: dir,
        ctx: Context {
            root,
            sources,
            color: false,
            quiet,
            width: 100,
            cache: Default::default(),
        },
        findings: vec![read, multi, run_level],
    }
}

fn print(printer: &dyn Printer, fx: &Fixture) -> String {
    let mut out = Vec::new();
    printer
        .print(&mut out, &fx.findings, &Summary::of(&fx.findings), &fx.ctx)
        .expect("print");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn sarif_printer_handles_code_locations_related_labels_and_no_location() {
    let fx = fixture(false);
    let doc: Value = serde_json::from_str(&print(&report::Sarif, &fx)).expect("JSON");
    assert_valid_sarif(&doc);
    let results = doc["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(results.len(), 3);

    let read = &results[0];
    let phys = &read["locations"][0]["physicalLocation"];
    assert_eq!(
        phys["artifactLocation"]["uri"],
        "services/user%2Csvc%3Aa/src/dash%201.sql"
    );
    assert_eq!(phys["region"]["startLine"], 2);
    assert_eq!(phys["region"]["startColumn"], 16);
    assert_eq!(phys["region"]["endLine"], 2);
    assert_eq!(phys["region"]["endColumn"], 22);
    assert_eq!(read["locations"][0]["message"]["text"], "read here");
    let rel = &read["relatedLocations"][0];
    assert_eq!(
        rel["physicalLocation"]["artifactLocation"]["uri"],
        "data-ownership.yaml"
    );
    assert_eq!(rel["physicalLocation"]["region"]["startLine"], 3);
    assert_eq!(rel["physicalLocation"]["region"]["startColumn"], 12);
    assert_eq!(rel["physicalLocation"]["region"]["endColumn"], 18);
    assert_eq!(rel["message"]["text"], "owned by `order-service` here");
    assert_eq!(
        read["partialFingerprints"]["ownlint/v1"],
        fx.findings[0].fingerprint().as_str()
    );
    assert_eq!(read["properties"]["service"], "user-service");

    let multi = &results[1];
    assert_eq!(multi["level"], "warning");
    let region = &multi["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (&region["startLine"], &region["startColumn"]),
        (&Value::from(2), &Value::from(11))
    );
    // Ends on line 3 after `ünï`: two spaces, JOIN, two spaces, three characters.
    assert_eq!(
        (&region["endLine"], &region["endColumn"]),
        (&Value::from(3), &Value::from(12))
    );

    assert_eq!(
        doc["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
    let run_level = &results[2];
    assert!(
        run_level.get("locations").is_none(),
        "no location, no `locations`"
    );
    assert!(run_level.get("relatedLocations").is_none());
    assert_eq!(run_level["level"], "error");

    let rules: Vec<&str> = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        rules,
        ["cross-service-read", "unassigned-access", "internal-error"]
    );
    for r in &results {
        let idx = r["ruleIndex"].as_u64().unwrap_or(99) as usize;
        assert_eq!(rules[idx], r["ruleId"].as_str().unwrap_or_default());
    }
}

#[test]
fn github_printer_escapes_paths_and_messages_and_handles_no_location() {
    let fx = fixture(false);
    let text = print(&report::Github, &fx);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(
        lines[0],
        "::error file=services/user%2Csvc%3Aa/src/dash 1.sql,line=2,col=16,endLine=2,endColumn=21,title=cross-service-read::`user-service` reads table `orders`, owned by `order-service`%0Ahelp: call order-service's API: 50%25, not 100%25"
    );
    let a = parse_command(lines[0]).expect("command");
    assert_eq!(a.prop("file"), Some(CODE_PATH));
    assert_eq!(
        a.message,
        "`user-service` reads table `orders`, owned by `order-service`\nhelp: call order-service's API: 50%, not 100%"
    );
    // Multi-line label: no columns past the first line.
    assert_eq!(
        lines[1],
        "::warning file=services/user%2Csvc%3Aa/src/dash 1.sql,line=2,col=11,endLine=3,title=unassigned-access::multi-line: label"
    );
    assert_eq!(
        lines[2],
        "::error title=internal-error::ownlint failed: line one%0Aline two"
    );
    assert_eq!(lines[3], "ownlint: 2 errors, 1 warning");

    let quiet = print(&report::Github, &fixture(true));
    assert_eq!(quiet.lines().count(), 3);
}

#[test]
fn printers_survive_labels_the_file_no_longer_matches() {
    // The file changed since the findings were made: no end positions, still valid.
    let fx = fixture(false);
    std::fs::write(fx.ctx.root.join(CODE_PATH), "short\n").expect("rewrite");
    let doc: Value = serde_json::from_str(&print(&report::Sarif, &fx)).expect("JSON");
    assert_valid_sarif(&doc);
    let region = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 2);
    assert!(region.get("endColumn").is_none());
    let text = print(&report::Github, &fx);
    assert!(
        text.lines()
            .next()
            .unwrap_or_default()
            .contains(",line=2,col=16,title=")
    );
}
