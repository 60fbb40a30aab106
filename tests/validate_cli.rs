//! `ownlint validate` end to end: the canonical example, one failing and one passing
//! fixture per registry rule, load errors, hostile input, registry lookup, exit codes,
//! and the JSON report contract.
//!
//! Every run pins `OWNLINT_TODAY` (so exception expiry is reproducible), `COLUMNS=100`
//! and `--color never` (so rendered reports are stable snapshots).

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The date every run is pinned to.
const TODAY: &str = "2026-03-01";

/// Hostile input must be refused well within this (a debug build on a slow CI box).
const QUICK: Duration = Duration::from_secs(20);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/registry")
        .join(name)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `ownlint --color never <args>` in `dir`, with a pinned date and width.
fn ownlint_in(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = cargo_bin_cmd!("ownlint");
    cmd.current_dir(dir)
        .env("COLUMNS", "100")
        .env("OWNLINT_TODAY", TODAY)
        .env_remove("OWNLINT_REGISTRY")
        .env_remove("NO_COLOR")
        .arg("--color")
        .arg("never")
        .args(args)
        .timeout(QUICK);
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run ownlint: {e}"));
    Run {
        code: out
            .status
            .code()
            .unwrap_or_else(|| panic!("ownlint was killed (timeout or signal): {out:?}")),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn validate(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["validate"];
    args.extend_from_slice(extra);
    ownlint_in(dir, &args)
}

fn json_of(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", run.stdout, run.stderr))
}

/// (rule, line, column) of every finding of a JSON report.
fn places(report: &Value) -> Vec<(String, u64, u64)> {
    report["findings"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .map(|f| {
                    (
                        f["rule"].as_str().unwrap_or_default().to_string(),
                        f["line"].as_u64().unwrap_or(0),
                        f["column"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn report_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report.schema.json"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let schema: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("invalid report schema: {e}"))
}

fn assert_valid_report(report: &Value) {
    let v = report_validator();
    let errors: Vec<String> = v.iter_errors(report).map(|e| e.to_string()).collect();
    assert!(
        errors.is_empty(),
        "report does not match schemas/report.schema.json: {errors:#?}\n{report:#}"
    );
}

// ---------------------------------------------------------------------------------
// The canonical example

#[test]
fn canonical_example_has_exactly_the_cycle_warning() {
    let dir = fixture("canonical");
    let human = validate(&dir, &[]);
    assert_eq!(human.code, 0, "{}{}", human.stdout, human.stderr);
    assert!(human.stderr.is_empty(), "{}", human.stderr);
    assert!(human.stdout.ends_with("0 errors, 1 warning\n"));
    insta::assert_snapshot!("canonical_human", human.stdout);

    let run = validate(&dir, &["--format", "json"]);
    assert_eq!(run.code, 0);
    let report = json_of(&run);
    assert_valid_report(&report);
    assert_eq!(report["version"], 1);
    assert_eq!(report["summary"]["errors"], 0);
    assert_eq!(report["summary"]["warnings"], 1);
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(findings.len(), 1, "{report:#}");
    let f = &findings[0];
    assert_eq!(f["rule"], "dependency-cycle");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["path"], "data-ownership.yaml");
    // user-service reads order-service (line 18), order-service reads user-service (32).
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(18), Some(9))
    );
    assert_eq!(f["service"], "user-service");
    assert_eq!(f["related"][0]["line"], 32);
    let message = f["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("user-service") && message.contains("order-service"),
        "{message}"
    );
}

#[test]
fn deny_warnings_turns_the_cycle_into_exit_1() {
    let run = validate(&fixture("canonical"), &["--deny-warnings"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.ends_with("0 errors, 1 warning\n"));
}

/// A copy of the canonical example with `extra` prepended.
fn canonical_with(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(fixture("canonical/data-ownership.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("data-ownership.yaml"),
        format!("{extra}{text}"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    dir
}

#[test]
fn rules_section_sets_severity() {
    let off = canonical_with("rules:\n  dependency-cycle: off\n");
    let run = validate(off.path(), &["--deny-warnings", "--format", "json"]);
    assert_eq!(run.code, 0);
    assert_eq!(places(&json_of(&run)), []);

    let error = canonical_with("rules: {dependency-cycle: error}\n");
    let run = validate(error.path(), &["--format", "json"]);
    assert_eq!(run.code, 1);
    let report = json_of(&run);
    assert_eq!(report["findings"][0]["severity"], "error");
    assert_eq!(report["summary"]["errors"], 1);
}

#[test]
fn fingerprints_are_stable_across_runs_and_line_moves() {
    let a = json_of(&validate(&fixture("many-problems"), &["--format", "json"]));
    let b = json_of(&validate(&fixture("many-problems"), &["--format", "json"]));
    assert_eq!(a, b);
    let prints = |r: &Value| -> Vec<String> {
        r["findings"]
            .as_array()
            .map(|fs| {
                fs.iter()
                    .map(|f| f["fingerprint"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let unique: std::collections::BTreeSet<_> = prints(&a).into_iter().collect();
    assert_eq!(unique.len(), prints(&a).len(), "fingerprints collide");
    // Blank lines and comments above the entries change lines, not fingerprints.
    let moved = canonical_with("# moved down\n\n\n");
    let base = json_of(&validate(&fixture("canonical"), &["--format", "json"]));
    let shifted = json_of(&validate(moved.path(), &["--format", "json"]));
    assert_eq!(prints(&base), prints(&shifted));
    assert_eq!(shifted["findings"][0]["line"], 21);
}

// ---------------------------------------------------------------------------------
// One fixture that triggers each rule, one that must not

/// Validates `fixtures/registry/<rule>` and `<rule>-ok`: the first reports `rule` at
/// exactly `places` (and nothing else) with exit code `code`; the second is clean.
fn check_rule(rule: &str, code: i32, expected: &[(u64, u64)]) {
    let dir = fixture(rule);
    let run = validate(&dir, &["--format", "json"]);
    assert_eq!(run.code, code, "{}{}", run.stdout, run.stderr);
    let report = json_of(&run);
    assert_valid_report(&report);
    let want: Vec<(String, u64, u64)> = expected
        .iter()
        .map(|&(l, c)| (rule.to_string(), l, c))
        .collect();
    assert_eq!(places(&report), want, "{report:#}");

    let human = validate(&dir, &[]);
    assert_eq!(human.code, code);
    insta::assert_snapshot!(format!("rule_{rule}"), human.stdout);

    let ok = validate(&fixture(&format!("{rule}-ok")), &["--format", "json"]);
    let ok_report = json_of(&ok);
    assert_eq!(places(&ok_report), [], "{ok_report:#}");
    assert_eq!(ok.code, 0);
    assert_valid_report(&ok_report);
}

#[test]
fn rule_duplicate_owner() {
    check_rule("duplicate-owner", 1, &[(11, 9)]);
    let report = json_of(&validate(
        &fixture("duplicate-owner"),
        &["--format", "json"],
    ));
    // Both entries are labelled: the second claim, and the first owner.
    assert_eq!(report["findings"][0]["service"], "billing-service");
    assert_eq!(report["findings"][0]["related"][0]["line"], 6);
}

#[test]
fn rule_unknown_service() {
    check_rule("unknown-service", 1, &[(6, 9)]);
    let run = validate(&fixture("unknown-service"), &[]);
    assert!(run.stdout.contains("did you mean `catalog-service`?"));
}

#[test]
fn rule_self_dependency() {
    check_rule("self-dependency", 1, &[(7, 9)]);
}

#[test]
fn rule_duplicate_event_publisher() {
    check_rule("duplicate-event-publisher", 1, &[(10, 9)]);
}

#[test]
fn rule_unpublished_event() {
    check_rule("unpublished-event", 1, &[(10, 9)]);
}

#[test]
fn rule_dependency_cycle() {
    // A warning by default: exit 0.
    check_rule("dependency-cycle", 0, &[(7, 9)]);
    let report = json_of(&validate(
        &fixture("dependency-cycle"),
        &["--format", "json"],
    ));
    let f = &report["findings"][0];
    assert_eq!(f["severity"], "warning");
    // Every member is named, in reading order; catalog-service is not a member.
    let message = f["message"].as_str().unwrap_or_default();
    assert!(
        message.ends_with("order-service → payment-service → fraud-service → order-service"),
        "{message}"
    );
    assert!(!message.contains("catalog-service"));
    assert_eq!(f["related"].as_array().map(Vec::len), Some(2));
}

#[test]
fn rule_overlapping_paths() {
    check_rule("overlapping-paths", 1, &[(9, 9)]);
}

#[test]
fn rule_missing_paths() {
    check_rule("missing-paths", 1, &[(7, 9), (10, 13), (10, 31)]);
}

/// Entries that would match nothing or everything: empty, invalid globs, outside the
/// repository; the `-ok` fixture writes `./`, trailing `/` and `//`, which are
/// normalized and match.
#[test]
fn rule_invalid_path() {
    check_rule(
        "invalid-path",
        1,
        &[
            (5, 30),
            (6, 14),
            (6, 38),
            (7, 11),
            (7, 15),
            (7, 31),
            (7, 37),
        ],
    );
}

/// `.`, `**`, a parent of two services, one service's directory, the literal
/// directory of a glob `paths` entry.
#[test]
fn rule_broad_exclude() {
    check_rule(
        "broad-exclude",
        1,
        &[(14, 5), (15, 5), (16, 5), (17, 5), (18, 5)],
    );
    let report = json_of(&validate(&fixture("broad-exclude"), &["--format", "json"]));
    let services: Vec<&Value> = report["findings"]
        .as_array()
        .map(|f| f.iter().map(|f| &f["service"]).collect())
        .unwrap_or_default();
    assert_eq!(
        services,
        [
            &Value::Null,
            &Value::Null,
            &Value::from("order-service"),
            &Value::from("user-service"),
            &Value::from("billing-service"),
        ]
    );
}

#[test]
fn rule_invalid_name() {
    check_rule("invalid-name", 1, &[(3, 3), (7, 9), (8, 9), (10, 9)]);
}

#[test]
fn rule_expired_exception() {
    check_rule("expired-exception", 1, &[(12, 14)]);
    // Without the pinned date far in the past, the same file is clean.
    let mut cmd = cargo_bin_cmd!("ownlint");
    let out = cmd
        .current_dir(fixture("expired-exception"))
        .env("OWNLINT_TODAY", "2026-01-31")
        .args(["validate", "--format", "json"])
        .timeout(QUICK)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0), "expiring today is still valid");
}

#[test]
fn rule_invalid_exception() {
    check_rule(
        "invalid-exception",
        1,
        &[(9, 14), (13, 13), (17, 14), (19, 12)],
    );
}

#[test]
fn rule_unknown_rule() {
    check_rule("unknown-rule", 1, &[(3, 3)]);
    let run = validate(&fixture("unknown-rule"), &[]);
    assert!(run.stdout.contains("did you mean `dependency-cycle`?"));
}

#[test]
fn every_registry_rule_has_both_fixtures() {
    for rule in ownlint::model::rules::Rule::ALL {
        if rule.category() != ownlint::model::rules::Category::Registry {
            continue;
        }
        for dir in [rule.name().to_string(), format!("{}-ok", rule.name())] {
            assert!(
                fixture(&dir).join("data-ownership.yaml").is_file(),
                "fixtures/registry/{dir}/data-ownership.yaml is missing"
            );
        }
    }
}

#[test]
fn validation_collects_every_problem_in_one_run() {
    let run = validate(&fixture("many-problems"), &["--format", "json"]);
    assert_eq!(run.code, 1);
    let report = json_of(&run);
    assert_valid_report(&report);
    let rules: Vec<String> = places(&report).into_iter().map(|(r, _, _)| r).collect();
    assert_eq!(
        rules,
        [
            "unknown-rule",
            "unpublished-event",
            "self-dependency",
            "unknown-service",
            "missing-paths",
            "duplicate-owner",
            "duplicate-event-publisher",
            "expired-exception",
        ]
    );
    assert_eq!(report["summary"]["errors"], 8);
    let human = validate(&fixture("many-problems"), &[]);
    insta::assert_snapshot!("many_problems_human", human.stdout);
}

// ---------------------------------------------------------------------------------
// Registries that cannot be loaded: exit 2, a miette report on stderr

/// Writes `text` as `data-ownership.yaml` in a fresh directory.
fn registry_dir(text: impl AsRef<[u8]>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("data-ownership.yaml"), text).unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// Runs validate on `text` and checks it is refused with exit 2, nothing on stdout,
/// and a report on stderr containing `needle`. Returns stderr.
fn refused(text: impl AsRef<[u8]>, needle: &str) -> String {
    let dir = registry_dir(text);
    let start = Instant::now();
    let run = validate(dir.path(), &[]);
    let took = start.elapsed();
    assert_eq!(
        run.code, 2,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains(needle),
        "stderr lacks {needle:?}:\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(took < QUICK, "took {took:?}");
    // The JSON format does not change how load errors are reported.
    let json = validate(dir.path(), &["--format", "json"]);
    assert_eq!(json.code, 2);
    assert!(json.stdout.is_empty());
    run.stderr
}

#[test]
fn unknown_key_suggests_the_nearest() {
    let stderr = refused(
        "services:\n  order-service:\n    own: [orders]\n",
        "unknown field `own`",
    );
    assert!(stderr.contains("did you mean `owns`?"), "{stderr}");
    assert!(stderr.contains("[data-ownership.yaml:3:5]"), "{stderr}");
    insta::assert_snapshot!("load_unknown_key", stderr);

    let stderr = refused(
        "service:\n  order-service:\n    owns: [orders]\n",
        "unknown field `service`",
    );
    assert!(stderr.contains("did you mean `services`?"), "{stderr}");
    let stderr = refused(
        "rules: {dependency-cycle: warn}\nservices: {a: {}}\n",
        "unknown variant `warn`",
    );
    assert!(stderr.contains("did you mean `warning`?"), "{stderr}");
}

#[test]
fn yaml_syntax_error_points_at_the_place() {
    let stderr = refused(
        "services:\n  order-service:\n    owns: [orders, order_items\n  billing-service: {}\n",
        "invalid registry data-ownership.yaml",
    );
    assert!(stderr.contains("[data-ownership.yaml:4:"), "{stderr}");
    insta::assert_snapshot!("load_syntax_error", stderr);
}

#[test]
fn type_error_points_at_the_value() {
    let stderr = refused(
        "services:\n  order-service:\n    owns: orders\n",
        "expected a list",
    );
    assert!(stderr.contains("[data-ownership.yaml:3:11]"), "{stderr}");
    insta::assert_snapshot!("load_type_error", stderr);
}

#[test]
fn missing_reason_and_duplicate_service_are_load_errors() {
    refused(
        "services: {a: {owns: [t]}, b: {}}\nexceptions:\n  - {service: b, table: t}\n",
        "missing field `reason`",
    );
    refused(
        "services:\n  a: {owns: [t]}\n  a: {owns: [u]}\n",
        "duplicate key `a`",
    );
}

#[test]
fn empty_and_near_empty_files() {
    refused("", "is empty");
    refused("\n# only a comment\n---\n", "is empty");
    let stderr = refused("services:\n", "expected a mapping");
    assert!(stderr.contains("[data-ownership.yaml:1:"), "{stderr}");
}

#[test]
fn hostile_alias_bomb() {
    // Billion laughs: nine levels of nine aliases each.
    let mut classic = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = "a".to_string();
    for i in 1..10 {
        let name = format!("l{i}");
        classic.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 9].join(",")
        ));
        prev = name;
    }
    classic.push_str("services: {}\n");
    refused(&classic, "invalid registry");

    // The same inside keys the format knows, where serde reaches the aliases.
    let mut nested =
        String::from("services:\n  s0:\n    owns: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
    for i in 1..10 {
        nested.push_str(&format!(
            "  s{i}:\n    owns: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 9].join(",")
        ));
    }
    refused(&nested, "invalid registry");

    // Thousands of aliases of a scalar: refused by the alias budget.
    let wide = format!(
        "exclude: [&s infra]\nservices:\n  a:\n    owns: [{}]\n",
        vec!["*s"; 5_000].join(",")
    );
    let stderr = refused(&wide, "refusing hostile YAML: too many YAML aliases");
    // The offending line is 20 KB long: it is not echoed.
    assert!(stderr.len() < 2_000, "{stderr}");
}

#[test]
fn hostile_deep_nesting() {
    let depth = 10_000;
    let flow = format!(
        "services: {{a: {{owns: {}{}}}}}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let stderr = refused(&flow, "refusing hostile YAML: nesting deeper than");
    assert!(
        stderr.len() < 2_000,
        "the 20 KB line must not be echoed:\n{stderr}"
    );

    let bare_flow = format!("{}{}\n", "[".repeat(depth), "]".repeat(depth));
    refused(&bare_flow, "nesting deeper than");

    // Block sequences, one level per `- `.
    let block = format!(
        "services:\n  a:\n    owns:\n      {}x\n",
        "- ".repeat(depth)
    );
    refused(&block, "invalid registry");
    let bare_block = format!("{}x\n", "- ".repeat(depth));
    refused(&bare_block, "invalid registry");

    // Block mappings, one level per indented key. Indentation grows with depth, so
    // 10,000 levels would be 50 MB (refused by size, tested below): 2,000 levels
    // (2 MB). Serde refuses the first key the format does not know before the depth
    // budget is reached; either way the file is refused at once.
    let mut mappings = String::from("services:\n");
    let depth = 2_000;
    for i in 0..depth {
        mappings.push_str(&" ".repeat(i + 1));
        mappings.push_str(&format!("k{i}:\n"));
    }
    mappings.push_str(&" ".repeat(depth + 1));
    mappings.push_str("x\n");
    refused(&mappings, "invalid registry");
}

#[test]
fn hostile_huge_file_is_refused_by_size() {
    // 50 MB of otherwise valid YAML: refused before parsing.
    let mut text = String::with_capacity(50 * 1024 * 1024 + 64);
    text.push_str("services:\n");
    let mut i = 0;
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&format!("  s{i}: {{owns: [t{i}]}}\n"));
        i += 1;
    }
    let stderr = refused(&text, "is too large");
    assert!(stderr.contains("at most 16 MiB"), "{stderr}");
}

#[test]
fn hostile_bytes() {
    let stderr = refused(
        b"services:\n  a: {owns: [ord\xffers]}\n".as_slice(),
        "is not valid UTF-8 (line 2, column 17)",
    );
    assert!(stderr.contains("save the registry as UTF-8"));
    refused(
        b"services:\n  a: {owns: [ord\x00ers]}\n".as_slice(),
        "invalid registry",
    );
    refused(b"\x00\x00\x00\x00".as_slice(), "invalid registry");
}

#[test]
fn registry_flag_pointing_nowhere() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let run = ownlint_in(
        dir.path(),
        &["--registry", "nope/data-ownership.yaml", "validate"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot read registry nope/data-ownership.yaml"),
        "{}",
        run.stderr
    );
    let run = ownlint_in(dir.path(), &["--registry", ".", "validate"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is a directory"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn registry_that_never_ends_is_refused() {
    // A device reports size 0 but reads forever: only regular files are read.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let run = ownlint_in(dir.path(), &["--registry", "/dev/zero", "validate"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
}

#[test]
fn no_registry_found_mentions_init() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    if ownlint::registry::find_registry(dir.path()).is_some() {
        // A data-ownership.yaml above the temp dir: nothing to test here.
        return;
    }
    let run = validate(dir.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no data-ownership.yaml found"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("ownlint init"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------
// Registry lookup and default paths

#[test]
fn registry_is_found_from_a_subdirectory() {
    let root = fixture("missing-paths-ok");
    let run = validate(&root.join("services/orders/src"), &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json_of(&run);
    assert_eq!(places(&report), []);
    // The registry's directory is the root: a subdirectory finds the fixture's own.
    let found = ownlint::registry::find_registry(&root.join("services/orders/src"));
    assert_eq!(found, Some(root.join("data-ownership.yaml")));
}

#[test]
fn yaml_is_preferred_to_yml() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sub = dir.path().join("a/b");
    std::fs::create_dir_all(&sub).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("data-ownership.yml"),
        "services: {a: {owns: [t, t]}}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let run = validate(&sub, &["--format", "json"]);
    assert_eq!(
        run.code, 1,
        "the .yml registry is found and has a duplicate"
    );
    assert_eq!(json_of(&run)["findings"][0]["path"], "data-ownership.yml");

    std::fs::write(
        dir.path().join("data-ownership.yaml"),
        "services: {a: {owns: [t]}}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let run = validate(&sub, &["--format", "json"]);
    assert_eq!(run.code, 0, ".yaml wins over .yml: {}", run.stdout);
    assert_eq!(
        ownlint::registry::find_registry(&sub),
        Some(dir.path().join("data-ownership.yaml"))
    );
}

#[test]
fn registry_flag_and_env() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let target = fixture("duplicate-owner/data-ownership.yaml");
    let target = target.to_string_lossy();
    let run = ownlint_in(
        dir.path(),
        &["--registry", &target, "validate", "--format", "json"],
    );
    assert_eq!(run.code, 1);
    // Paths stay relative to the registry's directory.
    assert_eq!(json_of(&run)["findings"][0]["path"], "data-ownership.yaml");

    let mut cmd = cargo_bin_cmd!("ownlint");
    let out = cmd
        .current_dir(dir.path())
        .env("OWNLINT_REGISTRY", target.as_ref())
        .args(["validate", "--format", "json"])
        .timeout(QUICK)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn default_paths_are_used_when_paths_is_absent() {
    let root = fixture("missing-paths-ok");
    let reg = ownlint::registry::load(&root.join("data-ownership.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let paths = |name: &str| -> (bool, Vec<String>) {
        let svc = reg
            .service(name)
            .unwrap_or_else(|| panic!("no service {name}"));
        (
            svc.paths_declared,
            svc.paths.iter().map(|p| p.value.clone()).collect(),
        )
    };
    assert_eq!(
        paths("orders"),
        (false, vec!["services/orders".to_string()])
    );
    assert_eq!(paths("web"), (false, vec!["apps/web".to_string()]));
    assert_eq!(paths("catalog"), (false, vec!["catalog".to_string()]));
    assert_eq!(paths("search-service"), (false, vec![]));
    assert_eq!(
        paths("billing-service"),
        (true, vec!["libs/*/contracts".to_string()])
    );
    let map = ownlint::registry::PathMap::new(&reg);
    let owner = |p: &str| map.service_of(p).map(|i| reg.services[i].name.clone());
    assert_eq!(
        owner("services/orders/src/main.rs").as_deref(),
        Some("orders")
    );
    assert_eq!(owner("apps/web/index.ts").as_deref(), Some("web"));
    assert_eq!(owner("catalog/x.py").as_deref(), Some("catalog"));
    assert_eq!(
        owner("libs/billing/contracts/invoice.proto").as_deref(),
        Some("billing-service")
    );
}

// ---------------------------------------------------------------------------------
// Schemas

#[test]
fn committed_registry_schema_matches_ownlint_schema() {
    let committed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/data-ownership.schema.json"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let run = ownlint_in(Path::new(env!("CARGO_MANIFEST_DIR")), &["schema"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        committed, run.stdout,
        "schemas/data-ownership.schema.json is stale: regenerate it with `ownlint schema > schemas/data-ownership.schema.json`"
    );
    let run = ownlint_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["schema", "--report"],
    );
    assert_eq!(run.code, 0);
    let printed: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(printed["title"], "ownlint JSON report");
}

#[test]
fn fixtures_that_load_match_the_registry_schema() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/data-ownership.schema.json"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let schema: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let validator =
        jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("invalid schema: {e}"));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/registry");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry
            .unwrap_or_else(|e| panic!("{e}"))
            .path()
            .join("data-ownership.yaml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        // YAML 1.2 booleans, as editors read them: `off` is a string.
        let options = serde_saphyr::options! { strict_booleans: true };
        let value: Value = serde_saphyr::from_str_with_options(&text, options)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        checked += 1;
    }
    assert!(checked >= 25, "only {checked} fixtures found");
    // And the schema rejects what the loader rejects.
    let bad: Value = serde_json::json!({"services": {"a": {"own": ["t"]}}});
    assert!(!validator.is_valid(&bad));
    let bad: Value = serde_json::json!({"services": {"a": {"owns": "t"}}});
    assert!(!validator.is_valid(&bad));
}

// ---------------------------------------------------------------------------------
// docs/registry.md stays true

fn registry_doc() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/registry.md"))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The first ```yaml block after `marker` in docs/registry.md.
fn doc_yaml_after(marker: &str) -> String {
    let doc = registry_doc();
    let start = doc
        .find(marker)
        .unwrap_or_else(|| panic!("docs/registry.md lacks {marker:?}"));
    let rest = &doc[start..];
    let open = rest
        .find("```yaml\n")
        .unwrap_or_else(|| panic!("no yaml block"));
    let body = &rest[open + "```yaml\n".len()..];
    let close = body
        .find("```")
        .unwrap_or_else(|| panic!("unclosed yaml block"));
    body[..close].to_string()
}

#[test]
fn docs_show_the_canonical_example_verbatim() {
    let canonical = std::fs::read_to_string(fixture("canonical/data-ownership.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        doc_yaml_after("## The canonical example").trim_end(),
        canonical.trim_end()
    );
}

#[test]
fn docs_complete_example_is_clean() {
    let dir = registry_dir(doc_yaml_after("A complete file using every key:"));
    std::fs::create_dir_all(dir.path().join("services/order-service/order-api"))
        .unwrap_or_else(|e| panic!("{e}"));
    let run = validate(dir.path(), &["--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(places(&json_of(&run)), []);
}
