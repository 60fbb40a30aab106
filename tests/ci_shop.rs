//! The CI outputs of `check` on the bundled example (fixtures/shop): SARIF validated
//! against the official 2.1.0 schema and matched with the JSON report of the same
//! run, GitHub workflow commands parsed back and matched likewise, and the exit-code
//! and summary options CI scripts rely on. Assertions compare formats with each other
//! (plus a few planted findings), so they hold as the example grows.
//!
//! Also the example GitHub Actions workflow users copy: valid YAML, never triggered in
//! this repository, doing what docs/ci.md (which quotes it whole) says.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

#[path = "common/formats.rs"]
mod formats;
use formats::{assert_valid_sarif, parse_command};

const SHOP: &str = "fixtures/shop";

fn ownlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ownlint"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("OWNLINT_REGISTRY")
        .env_remove("NO_COLOR")
        // Human output wraps at COLUMNS; wide enough that no message is broken.
        .env("COLUMNS", "400")
        .env("OWNLINT_TODAY", "2026-01-15")
        .output()
        .expect("run ownlint")
}

fn check(target: &str, format: &str, extra: &[&str]) -> Output {
    let mut args = vec!["check", target, "--format", format];
    args.extend_from_slice(extra);
    ownlint(&args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn json_findings(target: &str) -> Vec<Value> {
    let out = check(target, "json", &[]);
    let v: Value = serde_json::from_str(&stdout(&out)).expect("json report");
    v["findings"].as_array().cloned().unwrap_or_default()
}

/// Undoes the percent-encoding of a SARIF `uri` (the shop's paths are plain, but a
/// path the example gains later might not be).
fn uri_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("utf-8 uri")
}

/// The location of a JSON finding: (path, line, column), `None` for run-level ones.
fn json_loc(f: &Value) -> Option<(String, u64, u64)> {
    Some((
        f["path"].as_str()?.to_string(),
        f["line"].as_u64()?,
        f["column"].as_u64()?,
    ))
}

#[test]
fn sarif_on_the_shop_validates_and_matches_the_json_report() {
    let out = check(SHOP, "sarif", &[]);
    assert_eq!(out.status.code(), Some(1), "the shop has planted errors");
    let doc: Value = serde_json::from_str(&stdout(&out)).expect("SARIF is JSON");
    assert_valid_sarif(&doc);
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "ownlint");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);

    let json = json_findings(SHOP);
    let results = run["results"].as_array().cloned().unwrap_or_default();
    assert!(!json.is_empty());
    assert_eq!(results.len(), json.len());
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut occurring: Vec<&str> = json.iter().filter_map(|f| f["rule"].as_str()).collect();
    occurring.sort_unstable();
    occurring.dedup();
    let mut described: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    described.sort_unstable();
    assert_eq!(described, occurring, "one descriptor per rule that occurs");

    for (r, f) in results.iter().zip(&json) {
        assert_eq!(r["ruleId"], f["rule"]);
        assert_eq!(r["level"], f["severity"]);
        let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], f["rule"]);
        assert!(rules[idx]["helpUri"].as_str().is_some());
        assert_eq!(r["partialFingerprints"]["ownlint/v1"], f["fingerprint"]);
        let phys = &r["locations"][0]["physicalLocation"];
        let loc = json_loc(f).expect("every shop finding is in a file");
        assert_eq!(
            (
                uri_decode(phys["artifactLocation"]["uri"].as_str().expect("uri")),
                phys["region"]["startLine"].as_u64().expect("line"),
                phys["region"]["startColumn"].as_u64().expect("column"),
            ),
            loc
        );
        // Paths are relative to the repository root (the registry's directory).
        assert!(!loc.0.starts_with('/') && !loc.0.starts_with("fixtures/"));
        // Cross-service findings point at the owner's registry entry.
        if f["owner"].is_string() && f["rule"] != "cross-service-import" {
            let rel = &r["relatedLocations"][0]["physicalLocation"];
            assert_eq!(rel["artifactLocation"]["uri"], "data-ownership.yaml");
        }
    }
    // A planted violation, exactly where it is.
    let model = results
        .iter()
        .find(|r| {
            r["ruleId"] == "cross-service-model"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "services/orders/src/schema.rs"
        })
        .expect("the planted cross-service-model");
    let phys = &model["locations"][0]["physicalLocation"];
    assert_eq!(
        phys["artifactLocation"]["uri"],
        "services/orders/src/schema.rs"
    );
    assert_eq!(phys["region"]["startLine"], 10);
    assert_eq!(phys["region"]["startColumn"], 5);
}

#[test]
fn sarif_of_a_clean_service_is_valid_and_empty() {
    let out = check("fixtures/shop/services/catalog", "sarif", &[]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_str(&stdout(&out)).expect("SARIF is JSON");
    assert_valid_sarif(&doc);
    assert_eq!(doc["runs"][0]["results"], Value::Array(vec![]));
}

#[test]
fn github_annotations_on_the_shop_parse_back_to_the_json_report() {
    let out = check(SHOP, "github", &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let json = json_findings(SHOP);
    assert_eq!(
        lines.len(),
        json.len() + 1,
        "one line per finding, then the summary"
    );
    let summary = lines.last().copied().unwrap_or_default();
    assert!(summary.starts_with("ownlint: "), "{summary}");
    assert!(!summary.starts_with("::"));

    let mut seen_rules: Vec<&str> = Vec::new();
    for (line, f) in lines.iter().zip(&json) {
        let a = parse_command(line).unwrap_or_else(|| panic!("not a command: {line}"));
        assert_eq!(a.command, f["severity"].as_str().unwrap_or_default());
        assert_eq!(a.prop("title"), f["rule"].as_str());
        let (path, l, c) = json_loc(f).expect("every shop finding is in a file");
        assert_eq!(a.prop("file"), Some(path.as_str()));
        assert_eq!(a.prop("line"), Some(l.to_string().as_str()));
        assert_eq!(a.prop("col"), Some(c.to_string().as_str()));
        assert!(
            a.message
                .starts_with(f["message"].as_str().unwrap_or_default()),
            "{line}"
        );
        seen_rules.push(f["rule"].as_str().unwrap_or_default());
    }
    // Both levels occur on the shop, so both commands were exercised.
    assert!(lines.iter().any(|l| l.starts_with("::error ")));
    assert!(lines.iter().any(|l| l.starts_with("::warning ")));
    assert!(seen_rules.contains(&"cross-service-read"));
}

#[test]
fn deny_warnings_fails_a_run_with_only_warnings() {
    // The script outside every service only reads: one `unassigned-access` warning.
    let script = "fixtures/shop/scripts";
    let json = json_findings(script);
    assert!(!json.is_empty());
    assert!(json.iter().all(|f| f["severity"] == "warning"), "{json:?}");
    for format in ["human", "json", "sarif", "github"] {
        assert_eq!(
            check(script, format, &[]).status.code(),
            Some(0),
            "{format}"
        );
        assert_eq!(
            check(script, format, &["--deny-warnings"]).status.code(),
            Some(1),
            "{format}"
        );
    }
    // A clean run stays clean with --deny-warnings.
    let clean = check(
        "fixtures/shop/services/catalog",
        "github",
        &["--deny-warnings"],
    );
    assert_eq!(clean.status.code(), Some(0));
}

#[test]
fn quiet_prints_findings_and_no_summary_line() {
    let json = json_findings(SHOP);
    let github = stdout(&check(SHOP, "github", &["--quiet"]));
    assert_eq!(github.lines().count(), json.len());
    assert!(github.lines().all(|l| l.starts_with("::")), "{github}");

    let loud = stdout(&check(SHOP, "human", &["--color", "never"]));
    let quiet = stdout(&check(SHOP, "human", &["--color", "never", "-q"]));
    let summary = loud.lines().last().unwrap_or_default().to_string();
    assert!(
        summary.contains("errors") && summary.contains("files scanned"),
        "{summary}"
    );
    assert!(!quiet.contains("files scanned"), "{quiet}");
    // The findings themselves are all still there.
    for f in &json {
        assert!(quiet.contains(f["message"].as_str().unwrap_or_default()));
    }
    // Quiet and clean: nothing at all.
    let clean = check("fixtures/shop/services/catalog", "human", &["-q"]);
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(stdout(&clean), "");
}

// ---- The example workflow (.github/workflows/ownlint-example.yml). ----

const WORKFLOW: &str = ".github/workflows/ownlint-example.yml";

fn workflow_text() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(WORKFLOW))
        .expect("example workflow")
}

fn workflow() -> Value {
    serde_saphyr::from_str(&workflow_text()).expect("the workflow is valid YAML")
}

fn steps(wf: &Value) -> Vec<Value> {
    wf["jobs"]["ownlint"]["steps"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The step whose `run` script contains `needle`, or whose `uses` starts with it.
fn step<'a>(steps: &'a [Value], needle: &str) -> &'a Value {
    steps
        .iter()
        .find(|s| {
            s["run"].as_str().is_some_and(|r| r.contains(needle))
                || s["uses"].as_str().is_some_and(|u| u.starts_with(needle))
        })
        .unwrap_or_else(|| panic!("no step with `{needle}`"))
}

#[test]
fn example_workflow_is_never_triggered_in_this_repository() {
    let wf = workflow();
    // `on` is a string key (YAML 1.2), holding only the manual trigger.
    let on = wf["on"].as_object().expect("`on:` map");
    assert_eq!(on.keys().collect::<Vec<_>>(), ["workflow_dispatch"]);
    // The comment tells users what to put there instead.
    assert!(workflow_text().contains("#   on:\n#     pull_request:\n"));
    // Every workflow of this repository is valid YAML too.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows");
    for entry in std::fs::read_dir(dir).expect("workflows") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let v: Value =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(v["jobs"].is_object(), "{}", path.display());
    }
}

#[test]
fn example_workflow_runs_the_action_at_this_release() {
    let wf = workflow();
    assert_eq!(wf["permissions"]["security-events"], "write");
    let steps = steps(&wf);
    let checkout = step(&steps, "actions/checkout@");
    assert_eq!(
        checkout["with"]["fetch-depth"], 0,
        "history for --changed-since"
    );
    let version = env!("CARGO_PKG_VERSION");
    let action = step(&steps, "ownlint/ownlint@");
    assert_eq!(
        action["uses"],
        format!("ownlint/ownlint@v{version}").as_str()
    );
    assert_eq!(action["with"]["version"], version);
    let order: Vec<usize> = [checkout, action]
        .iter()
        .map(|s| steps.iter().position(|x| x == *s).expect("step"))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

fn action() -> Value {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"))
        .expect("action.yml");
    serde_saphyr::from_str(&text).expect("action.yml is valid YAML")
}

/// The action installs a verified, cached binary, runs the check, uploads SARIF
/// unless nothing was reported, and ends with ownlint's exit code.
#[test]
fn action_verifies_caches_checks_uploads_and_exits_with_ownlints_code() {
    let action = action();
    assert_eq!(action["runs"]["using"], "composite");
    // (Keys in alphabetical order, as the parsed map holds them.)
    let inputs: Vec<&String> = action["inputs"]
        .as_object()
        .expect("inputs")
        .keys()
        .collect();
    assert_eq!(
        inputs,
        [
            "args",
            "baseline",
            "changed-since",
            "format",
            "paths",
            "sarif",
            "token",
            "version"
        ]
    );
    assert_eq!(action["inputs"]["sarif"]["default"], "auto");
    let steps = action["runs"]["steps"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let cache = step(&steps, "actions/cache@");
    let key = cache["with"]["key"].as_str().unwrap_or_default();
    assert!(
        key.contains("steps.release.outputs.version")
            && key.contains("steps.release.outputs.target"),
        "{key}"
    );
    let download = step(&steps, "gh release download");
    assert_eq!(download["if"], "steps.cache.outputs.cache-hit != 'true'");
    let script = download["run"].as_str().unwrap_or_default();
    assert!(script.contains("sha256.sum") && script.contains("checksum mismatch"));
    let run = step(&steps, "--format sarif");
    assert_eq!(run["id"], "run");
    let upload = step(&steps, "github/codeql-action/upload-sarif@");
    assert_eq!(
        upload["if"],
        "steps.run.outputs.upload == 'true' && steps.run.outputs.exit-code != '2'"
    );
    let last = steps.last().expect("steps");
    assert_eq!(last["env"]["CODE"], "${{ steps.run.outputs.exit-code }}");
    assert_eq!(last["run"], "exit \"$CODE\"");
    let order: Vec<usize> = [download, run, upload, last]
        .iter()
        .map(|s| steps.iter().position(|x| x == *s).expect("step"))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    // Inputs and event values reach the scripts through the environment only, never
    // spliced into the script text (where a branch name could inject commands).
    for s in &steps {
        let script = s["run"].as_str().unwrap_or_default();
        assert!(
            !script.contains("${{"),
            "an expression inside a script: {script}"
        );
    }
}

#[test]
fn ci_docs_quote_the_example_workflow_whole() {
    let docs = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md"))
        .expect("docs/ci.md");
    let block = format!("```yaml\n{}```\n", workflow_text());
    assert!(
        docs.contains(&block),
        "docs/ci.md must quote {WORKFLOW} unchanged in a ```yaml block"
    );
}
