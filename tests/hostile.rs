//! Hostile input: files, names, links, registries and pipes that a CI gate meets in
//! the wild, generated at test time (nothing large is committed).
//!
//! Every run is checked the same way (see [`Run::sane`]): the process ended by itself
//! within its time limit with one of ownlint's exit codes (no panic, no stack overflow,
//! no signal), printed no panic message, and its JSON report validates against
//! `schemas/report.schema.json` (SARIF against the vendored SARIF 2.1.0 schema).
//! Tests marked `#[ignore = "bug: .."]` describe a defect found by this suite; they
//! fail today and pass once it is fixed (`cargo test --test hostile -- --ignored`).

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Time limit of a run on small input. Debug builds on a shared CI machine are slow,
/// so the limits are generous: they catch hangs and quadratic blow-ups, not slowness.
const QUICK: Duration = Duration::from_secs(60);

/// Two services, each owning one table; every generated file goes under one of them.
const REGISTRY: &str = "\
services:
  order-service:
    paths: [services/orders]
    owns: [orders]
  user-service:
    paths: [services/users]
    owns: [users]
";

/// A SQL statement in `order-service` that reads `user-service`'s table.
const CROSS_READ: &str = "SELECT id, email FROM users WHERE id = 1;\n";

/// A statement on the service's own table: no finding.
const OWN_READ: &str = "SELECT id, total FROM orders WHERE id = 1;\n";

/// A generated repository in a temporary directory.
struct Repo {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Repo {
    fn new() -> Repo {
        Repo::with_registry(REGISTRY)
    }

    fn with_registry(registry: &str) -> Repo {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("repo");
        fs::create_dir_all(root.join("services/orders")).expect("mkdir");
        fs::create_dir_all(root.join("services/users")).expect("mkdir");
        fs::write(root.join("data-ownership.yaml"), registry).expect("write registry");
        Repo { _tmp: tmp, root }
    }

    /// Writes `bytes` at `rel` (creating directories) and returns the absolute path.
    fn write(&self, rel: impl AsRef<Path>, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.root.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).expect("mkdir");
        }
        fs::write(&path, bytes).expect("write");
        path
    }

    /// Runs `ownlint ARGS` in the repository, killed after `limit`.
    fn run(&self, args: &[&str], limit: Duration) -> Run {
        run_in(&self.root, args, limit)
    }

    /// `check --format json ARGS`, checked for sanity; also renders SARIF, human and
    /// GitHub output of the same run and checks those.
    fn check(&self, args: &[&str], limit: Duration) -> Run {
        let mut json_args = vec!["check", "--format", "json"];
        json_args.extend_from_slice(args);
        let run = self.run(&json_args, limit);
        run.sane();
        for format in [
            "sarif",
            "human",
            "github",
            "concise",
            "json-lines",
            "gitlab",
            "junit",
        ] {
            let mut other = vec!["check", "--format", format];
            other.extend_from_slice(args);
            let r = self.run(&other, limit);
            r.sane();
            assert_eq!(
                r.code, run.code,
                "--format {format} exits differently from --format json"
            );
        }
        run
    }
}

fn ownlint() -> Command {
    let mut cmd = Command::cargo_bin("ownlint").expect("binary");
    cmd.env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("OWNLINT_REGISTRY")
        .env_remove("RUST_BACKTRACE");
    cmd
}

fn run_in(dir: &Path, args: &[&str], limit: Duration) -> Run {
    let started = Instant::now();
    let out = ownlint()
        .current_dir(dir)
        .args(args)
        .timeout(limit)
        .output()
        .expect("ownlint runs");
    let elapsed = started.elapsed();
    Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed,
        limit,
    }
}

/// The outcome of one process run.
struct Run {
    args: Vec<String>,
    /// `None` when a signal ended it (a stack overflow aborts; a timeout kills).
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
    elapsed: Duration,
    limit: Duration,
}

impl Run {
    /// Ended by itself in time, with an ownlint exit code and no panic; and if the
    /// output is JSON or SARIF, it is valid.
    fn sane(&self) {
        assert!(
            self.elapsed < self.limit,
            "`ownlint {}` did not finish within {:?} (hang?)",
            self.args.join(" "),
            self.limit
        );
        assert!(
            matches!(self.code, Some(0..=3)),
            "`ownlint {}` ended with {:?} (crash? stack overflow?)\nstderr: {}",
            self.args.join(" "),
            self.code,
            tail(&self.stderr)
        );
        for bad in ["panicked", "stack overflow", "RUST_BACKTRACE"] {
            assert!(
                !self.stderr.contains(bad),
                "`ownlint {}` printed `{bad}`:\n{}",
                self.args.join(" "),
                tail(&self.stderr)
            );
        }
        let format = self
            .args
            .iter()
            .position(|a| a == "--format")
            .and_then(|i| self.args.get(i + 1))
            .map(String::as_str);
        if self.code == Some(2) {
            // A refused registry or command line: a message on stderr, no report.
            assert!(!self.stderr.trim().is_empty(), "exit 2 without a message");
            if !self.stdout.is_empty() && matches!(format, Some("json" | "sarif")) {
                serde_json::from_slice::<Value>(&self.stdout).expect("stdout is JSON");
            }
            return;
        }
        match format {
            Some("json") => assert_schema(report_schema(), &self.json(), "JSON report"),
            Some("sarif") => assert_schema(sarif_schema(), &self.json(), "SARIF"),
            Some(other) => self.readable_as(other),
            None => {}
        }
    }

    /// Output of the other machine-read formats parses as its format, one finding
    /// per line where the format is line-based, nothing from input leaks a control
    /// character into a line.
    fn readable_as(&self, format: &str) {
        let text = String::from_utf8_lossy(&self.stdout);
        let what = format!("`ownlint {}`", self.args.join(" "));
        match format {
            "json-lines" => {
                for line in text.lines() {
                    let f: Value = serde_json::from_str(line)
                        .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {line}"));
                    assert!(f["rule"].is_string(), "{what}: {line}");
                }
            }
            "gitlab" => {
                let mut seen = std::collections::HashSet::new();
                for e in self.json().as_array().expect("a JSON array") {
                    assert!(e["check_name"].is_string() && e["description"].is_string());
                    assert!(e["location"]["path"].is_string(), "{what}: {e}");
                    assert!(e["location"]["lines"]["begin"].as_u64() >= Some(1));
                    assert!(seen.insert(e["fingerprint"].to_string()), "{what}: {e}");
                }
            }
            "junit" => {
                roxmltree::Document::parse(&text)
                    .unwrap_or_else(|e| panic!("{what}: not well-formed XML ({e})"));
            }
            "concise" => {
                for line in text.lines() {
                    assert!(
                        !line.chars().any(char::is_control),
                        "{what}: a control character in {line:?}"
                    );
                }
            }
            _ => {}
        }
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "`ownlint {}` printed invalid JSON ({e}):\n{}",
                self.args.join(" "),
                tail(&String::from_utf8_lossy(&self.stdout))
            )
        })
    }

    fn findings(&self) -> Vec<Value> {
        self.json()["findings"]
            .as_array()
            .cloned()
            .expect("findings array")
    }

    /// The findings of `rule` on `path`.
    fn on(&self, rule: &str, path: &str) -> Vec<Value> {
        self.findings()
            .into_iter()
            .filter(|f| f["rule"] == rule && f["path"] == path)
            .collect()
    }

    fn summary(&self, key: &str) -> u64 {
        self.json()["summary"][key]
            .as_u64()
            .unwrap_or_else(|| panic!("summary has no `{key}`"))
    }

    /// Asserts a `skipped-file` error (the default: a file that was not analysed fails
    /// the run) for `path` whose message contains `reason`.
    fn skipped(&self, path: &str, reason: &str) {
        let found = self.on("skipped-file", path);
        assert!(
            found.iter().any(|f| f["severity"] == "error"
                && f["message"].as_str().is_some_and(|m| m.contains(reason))),
            "no skipped-file error for {path} mentioning `{reason}`; findings:\n{:#}",
            Value::Array(self.findings())
        );
    }
}

fn tail(s: &str) -> &str {
    let start = s.len().saturating_sub(2000);
    let start = (start..=s.len())
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(s.len());
    &s[start..]
}

fn load_schema(rel: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let text = fs::read_to_string(path).expect("schema file");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn report_schema() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| load_schema("schemas/report.schema.json"))
}

fn sarif_schema() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| load_schema("tests/data/sarif-2.1.0.schema.json"))
}

fn assert_schema(v: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .take(10)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid {what}:\n{}", errors.join("\n"));
}

/// True when this process can read a file whose mode is 000 (root, or a capability
/// that bypasses permissions): permission tests then prove nothing and are skipped.
fn permissions_are_ignored() -> bool {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("temp dir");
    let probe = tmp.path().join("probe");
    fs::write(&probe, "x").expect("write");
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o000)).expect("chmod");
    fs::File::open(&probe).is_ok()
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo failed");
}

// ---------------------------------------------------------------------------------
// Binary content, NUL bytes, invalid UTF-8

#[test]
fn binary_files_naming_a_table_are_skipped_with_an_error() {
    let repo = Repo::new();
    let mut bin = b"\x7fELF\x02\x01\x01\0\0\0".to_vec();
    bin.extend_from_slice(b"SELECT * FROM users\0\xff\xfe");
    bin.extend((0..=255u8).cycle().take(100_000));
    repo.write("services/orders/blob.sql", &bin);
    repo.write("services/orders/lib.rs", &bin);
    repo.write("services/orders/app.ts", &bin);
    // Binary noise that names nothing is dropped by the prefilter: nothing to report.
    repo.write(
        "services/orders/noise.py",
        b"\0\x01\x02\x03\xff".repeat(1000),
    );
    let run = repo.check(&[], QUICK);
    for path in ["blob.sql", "lib.rs", "app.ts"] {
        run.skipped(&format!("services/orders/{path}"), "NUL");
    }
    assert!(
        run.on("skipped-file", "services/orders/noise.py")
            .is_empty()
    );
    assert_eq!(run.summary("files_skipped"), 3);
    assert_eq!(
        run.code,
        Some(1),
        "a file that was not analysed fails the run"
    );
    // The registry may make it a warning; `--deny-warnings` then fails again.
    repo.write(
        "data-ownership.yaml",
        format!("{REGISTRY}rules: {{skipped-file: warning}}\n"),
    );
    let run = repo.check(&[], QUICK);
    assert_eq!(
        run.on("skipped-file", "services/orders/blob.sql")[0]["severity"],
        "warning"
    );
    assert_eq!(run.code, Some(0), "warnings only");
    assert_eq!(
        repo.run(&["check", "--deny-warnings"], QUICK).code,
        Some(1),
        "--deny-warnings fails the run on a skipped file"
    );
}

#[test]
fn nul_bytes_after_the_first_block_are_reported() {
    let repo = Repo::new();
    let mut text = CROSS_READ.repeat(400).into_bytes();
    text.extend_from_slice(b"\0\0\0");
    text.extend_from_slice(CROSS_READ.as_bytes());
    repo.write("services/orders/late.sql", &text);
    let run = repo.check(&[], QUICK);
    run.skipped("services/orders/late.sql", "NUL");
    assert_eq!(
        run.code,
        Some(1),
        "a NUL byte late in a SQL file hides its reads"
    );
}

/// A file an extractor refuses as a whole was not analysed: it is a `skipped-file`
/// error at the place the extractor gave up, and counted as skipped, not parsed.
#[test]
fn files_refused_by_an_extractor_count_as_skipped() {
    let repo = Repo::new();
    let mut text = CROSS_READ.repeat(400).into_bytes();
    text.push(0);
    repo.write("services/orders/late.sql", &text);
    let n = 50_000;
    repo.write(
        "services/orders/deep.rs",
        format!(
            "// ownlint: allow(cross-service-read) -- reviewed\n\
             fn f() {{ sqlx::query(\"{}\"); let x = {}1{}; }}\n",
            CROSS_READ.trim(),
            "(".repeat(n),
            ")".repeat(n)
        ),
    );
    let run = repo.check(&[], QUICK);
    run.skipped("services/orders/late.sql", "NUL bytes");
    run.skipped("services/orders/deep.rs", "nesting deeper than");
    assert_eq!(
        run.summary("files_skipped"),
        2,
        "both files were not analysed, yet the summary does not count them"
    );
    assert_eq!(run.summary("files_parsed"), 0);
    let late = run.on("skipped-file", "services/orders/late.sql");
    assert_eq!(
        late[0]["line"], 401,
        "labelled where the extractor gave up: {late:?}"
    );
    assert!(
        run.on("unused-suppression", "services/orders/deep.rs")
            .is_empty(),
        "the suppression of a file that was not read is not unused"
    );
    assert!(run.on("parse-error", "services/orders/late.sql").is_empty());
}

/// Bytes that are not UTF-8 are read as spaces and the rest of the file is checked:
/// one stray byte cannot hide a cross-service access, and what is found is labelled
/// at its own line and column.
#[test]
fn invalid_utf8_content_is_analysed_around_the_bad_bytes() {
    let repo = Repo::new();
    repo.write(
        "services/orders/latin1.sql",
        b"-- caf\xe9\nSELECT * FROM users;\n",
    );
    repo.write(
        "services/orders/half.rs",
        b"fn f() { sqlx::query(\"SELECT * FROM users \xc3\"); }",
    );
    repo.write(
        "services/orders/hidden.sql",
        b"-- \xff\xfe\x00\nUPDATE users SET email = NULL;\n",
    );
    let run = repo.check(&[], QUICK);
    let at = |rule: &str, path: &str| -> Vec<(Value, Value)> {
        run.on(rule, path)
            .into_iter()
            .map(|f| (f["line"].clone(), f["column"].clone()))
            .collect()
    };
    assert_eq!(
        at("cross-service-read", "services/orders/latin1.sql"),
        [(2.into(), 15.into())]
    );
    assert_eq!(
        at("cross-service-read", "services/orders/half.rs"),
        [(1.into(), 37.into())]
    );
    assert_eq!(
        run.summary("files_skipped"),
        1,
        "{:#}",
        Value::Array(run.findings())
    );
    run.skipped("services/orders/hidden.sql", "NUL");
    assert_eq!(run.code, Some(1));
}

#[test]
fn file_names_that_are_not_utf8_are_checked_and_reported_validly() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let repo = Repo::new();
    let name = OsStr::from_bytes(b"bad\xffname.sql");
    repo.write(Path::new("services/orders").join(name), CROSS_READ);
    let dir = OsStr::from_bytes(b"d\xe9j\xe0");
    repo.write(
        Path::new("services/orders").join(dir).join("q.sql"),
        CROSS_READ,
    );
    let run = repo.check(&[], QUICK);
    let reads: Vec<Value> = run
        .findings()
        .into_iter()
        .filter(|f| f["rule"] == "cross-service-read")
        .collect();
    assert_eq!(reads.len(), 2, "both files are checked: {reads:#?}");
    for f in &reads {
        let path = f["path"].as_str().expect("path");
        assert!(path.starts_with("services/orders/"), "{path}");
        assert!(path.contains('\u{fffd}'), "the lossy name is shown: {path}");
    }
}

#[test]
fn file_names_cannot_inject_github_workflow_commands() {
    let repo = Repo::new();
    repo.write(
        "services/orders/evil\n::error file=x.sql,line=1::injected\n.sql",
        CROSS_READ,
    );
    repo.write("services/orders/pct%0A,::.sql", CROSS_READ);
    let run = repo.run(&["check", "--format", "github"], QUICK);
    run.sane();
    let out = String::from_utf8_lossy(&run.stdout);
    let commands: Vec<&str> = out.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(commands.len(), 2, "{out}");
    for line in commands {
        assert!(line.starts_with("::error file=services/orders/"), "{line}");
    }
}

#[test]
fn human_output_escapes_control_characters_in_file_names() {
    let repo = Repo::new();
    repo.write("services/orders/a\x1b]0;owned\x07\x1b[2J.sql", CROSS_READ);
    let run = repo.run(&["check", "--color", "never"], QUICK);
    run.sane();
    assert!(
        !run.stdout.contains(&0x1b),
        "an escape sequence from a file name reaches the terminal"
    );
}

// ---------------------------------------------------------------------------------
// Size

/// Writes `bytes` bytes of SQL: `own` statements with a `cross` one every `every`.
fn write_sql(path: &Path, bytes: usize, every: usize) -> usize {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(fs::File::create(path).expect("create"));
    let (mut written, mut crosses, mut i) = (0, 0, 0);
    while written < bytes {
        let line = if i % every == every - 1 {
            crosses += 1;
            CROSS_READ
        } else {
            OWN_READ
        };
        out.write_all(line.as_bytes()).expect("write");
        written += line.len();
        i += 1;
    }
    out.flush().expect("flush");
    crosses
}

const FIFTY_MB: usize = 50 * 1024 * 1024;

#[test]
fn a_50_mb_sql_file_is_skipped_by_the_size_limit() {
    let repo = Repo::new();
    write_sql(&repo.root.join("services/orders/dump.sql"), FIFTY_MB, 1000);
    repo.write("services/orders/small.sql", CROSS_READ);
    let run = repo.check(&[], QUICK);
    run.skipped("services/orders/dump.sql", "--max-file-size");
    assert_eq!(run.summary("files_skipped"), 1);
    assert_eq!(
        run.on("cross-service-read", "services/orders/small.sql")
            .len(),
        1
    );
    assert!(
        run.on("cross-service-read", "services/orders/dump.sql")
            .is_empty()
    );
}

#[test]
fn a_50_mb_sql_file_is_processed_in_bounded_time_when_the_limit_is_raised() {
    let repo = Repo::new();
    let crosses = write_sql(&repo.root.join("services/orders/dump.sql"), FIFTY_MB, 1000);
    let run = repo.run(
        &[
            "check",
            "--format",
            "json",
            "--max-file-size",
            "100000000",
            "--max-findings-per-file",
            "0",
        ],
        Duration::from_secs(300),
    );
    run.sane();
    assert_eq!(
        run.on("cross-service-read", "services/orders/dump.sql")
            .len(),
        crosses
    );
    assert_eq!(run.summary("files_skipped"), 0);
}

#[test]
fn a_file_under_the_default_limit_with_a_finding_per_line_ends_in_bounded_time() {
    // 2 MiB, under the 4 MiB default: a generated seed or data migration. Every line
    // is a finding. Measured before the fix: 100 KiB took 10 s (debug), 1 MiB did
    // not finish in 5 minutes.
    let repo = Repo::new();
    let crosses = write_sql(
        &repo.root.join("services/orders/seed.sql"),
        2 * 1024 * 1024,
        1,
    );
    let run = repo.run(
        &["check", "--format", "json", "--max-findings-per-file", "0"],
        Duration::from_secs(120),
    );
    run.sane();
    assert_eq!(
        run.on("cross-service-read", "services/orders/seed.sql")
            .len(),
        crosses
    );
}

/// A file with more findings than a report lists: the first 1,000 are listed, the
/// rest are one `too-many-findings` finding with their number, and the summary and
/// the exit code count them all; `--max-findings-per-file 0` lists every one.
#[test]
fn findings_past_the_cap_of_a_file_are_counted_in_one_finding() {
    let repo = Repo::new();
    let n = 2_500;
    repo.write("services/orders/seed.sql", CROSS_READ.repeat(n));
    repo.write("services/orders/one.sql", CROSS_READ);
    let run = repo.check(&[], QUICK);
    assert_eq!(
        run.on("cross-service-read", "services/orders/seed.sql")
            .len(),
        1_000
    );
    assert_eq!(
        run.on("cross-service-read", "services/orders/one.sql")
            .len(),
        1
    );
    let rest = run.on("too-many-findings", "services/orders/seed.sql");
    assert_eq!(rest.len(), 1, "{rest:#?}");
    assert_eq!(rest[0]["severity"], "error");
    assert_eq!(rest[0]["line"], 1_001);
    assert_eq!(
        rest[0]["message"],
        "1,500 more findings in `services/orders/seed.sql` are not listed, 1,000 per file at most: 1,500 cross-service-read"
    );
    assert_eq!(run.summary("errors"), 2_501);
    assert_eq!(run.code, Some(1));
    let human = repo.run(&["check"], QUICK);
    let out = String::from_utf8_lossy(&human.stdout);
    assert!(out.contains("1,500 more findings"), "{}", tail(&out));
    let all = repo.run(
        &["check", "--format", "json", "--max-findings-per-file", "0"],
        QUICK,
    );
    assert_eq!(
        all.on("cross-service-read", "services/orders/seed.sql")
            .len(),
        n
    );
    assert!(
        all.on("too-many-findings", "services/orders/seed.sql")
            .is_empty()
    );
    // The baseline sees every finding: all of them recorded, none listed, none stale.
    let b = repo.run(&["baseline"], QUICK);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    let base = repo.check(&[], QUICK);
    assert_eq!(base.findings(), Vec::<Value>::new());
    assert_eq!(base.code, Some(0));
}

#[test]
fn a_finding_on_a_very_long_line_is_rendered() {
    // A minified bundle or a one-line dump: the table stands at column 70,011.
    let repo = Repo::new();
    repo.write(
        "services/orders/dump.sql",
        format!("SELECT 1 {} FROM users;\n", "x".repeat(70_000)),
    );
    let run = repo.check(&[], QUICK);
    assert_eq!(
        run.on("cross-service-read", "services/orders/dump.sql")
            .len(),
        1
    );
}

#[test]
fn many_findings_on_one_long_line_end_in_bounded_time() {
    // A minified bundle or a one-line dump with a finding every 42 bytes. Each finding's
    // column and fingerprint used to read its whole line: 30,000 findings on a 1.2 MB
    // line did not finish in minutes.
    let repo = Repo::new();
    let n = 30_000;
    let line = CROSS_READ.trim_end().repeat(n);
    repo.write("services/orders/dump.sql", format!("{line}\n"));
    let run = repo.run(
        &["check", "--format", "json", "--max-findings-per-file", "0"],
        Duration::from_secs(120),
    );
    run.sane();
    let found = run.on("cross-service-read", "services/orders/dump.sql");
    assert_eq!(found.len(), n);
    // Columns stay exact: `users` of the last statement.
    let last = CROSS_READ.trim_end().len() * (n - 1) + CROSS_READ.find("users").unwrap_or(0) + 1;
    assert!(
        found.iter().any(|f| f["line"] == 1 && f["column"] == last),
        "no finding at column {last}"
    );
}

#[test]
fn a_line_full_of_suppression_markers_ends_in_bounded_time() {
    // Every unclosed marker is reported; none reads the rest of the line again.
    let repo = Repo::new();
    let n = 50_000;
    repo.write(
        "services/orders/notes.sql",
        format!("-- {}\n{CROSS_READ}", "ownlint: allow(".repeat(n)),
    );
    let run = repo.run(
        &["check", "--format", "json", "--max-findings-per-file", "0"],
        Duration::from_secs(120),
    );
    run.sane();
    assert_eq!(
        run.on("invalid-suppression", "services/orders/notes.sql")
            .len(),
        n
    );
}

// ---------------------------------------------------------------------------------
// Deep nesting

const DEEP: usize = 50_000;

/// Runs a check over one deeply nested file that also holds a cross-service read;
/// the read is found, or the file has a finding saying why it was not analysed (a
/// `parse-error` warning, or a `skipped-file` error).
fn deep(rel: &str, text: String) {
    let repo = Repo::new();
    repo.write(rel, text);
    let run = repo.check(&[], QUICK);
    let about_file: Vec<Value> = run
        .findings()
        .into_iter()
        .filter(|f| f["path"] == rel)
        .collect();
    let found = about_file.iter().any(|f| f["rule"] == "cross-service-read");
    let warned = about_file
        .iter()
        .any(|f| f["severity"] == "warning" || f["rule"] == "skipped-file");
    assert!(
        found || warned,
        "{rel}: neither the read nor a warning: {about_file:#?}"
    );
}

#[test]
fn rust_nested_50000_deep() {
    let (o, c) = ("(".repeat(DEEP), ")".repeat(DEEP));
    deep(
        "services/orders/src/deep.rs",
        format!(
            "fn f() {{ sqlx::query(\"{}\"); let x = {o}1{c}; }}\n",
            CROSS_READ.trim()
        ),
    );
    let (o, c) = ("{".repeat(DEEP), "}".repeat(DEEP));
    deep(
        "services/orders/src/blocks.rs",
        format!(
            "fn f() {{ sqlx::query(\"{}\"); {o}{c} }}\n",
            CROSS_READ.trim()
        ),
    );
}

/// Operator chains make `syn` recurse without any bracket: just under the extractor's
/// limit (2,048) the file is still parsed, on the scan worker's stack of this debug build.
#[test]
fn rust_operator_chains() {
    for n in [2_000, DEEP] {
        for chain in [
            format!("let x = {}true;", "!".repeat(n)),
            format!("let x = {}a;", "|| ".repeat(n / 2)),
            format!(
                "let x: {}u8{} = 1;",
                "Vec<".repeat(n / 2),
                ">".repeat(n / 2)
            ),
        ] {
            deep(
                "services/orders/src/chain.rs",
                format!(
                    "fn f() {{ sqlx::query(\"{}\"); {chain} }}\n",
                    CROSS_READ.trim()
                ),
            );
        }
    }
}

#[test]
fn sql_nested_50000_deep() {
    let (o, c) = ("(".repeat(DEEP), ")".repeat(DEEP));
    deep(
        "services/orders/deep.sql",
        format!("{CROSS_READ}SELECT * FROM orders WHERE x = {o}1{c};\n"),
    );
    deep(
        "services/orders/sub.sql",
        format!(
            "SELECT * FROM {}users{};\n",
            "(SELECT * FROM\n".repeat(DEEP),
            ") t\n".repeat(DEEP)
        ),
    );
}

#[test]
fn python_nested_50000_deep() {
    let (o, c) = ("[".repeat(DEEP), "]".repeat(DEEP));
    deep(
        "services/orders/deep.py",
        format!(
            "q = \"{}\"\nx = {o}{c}\ny = {}1{}\n",
            CROSS_READ.trim(),
            "(".repeat(DEEP),
            ")".repeat(DEEP)
        ),
    );
}

#[test]
fn typescript_nested_50000_deep() {
    let (o, c) = ("[".repeat(DEEP), "]".repeat(DEEP));
    deep(
        "services/orders/deep.ts",
        format!(
            "const q = sql`{}`;\nconst x = {o}{c};\nconst t = `${{`${{`{}`}}`}}`;\n",
            CROSS_READ.trim(),
            "${`".repeat(DEEP),
        ),
    );
}

#[test]
fn json_nested_50000_deep_in_package_json_does_not_crash() {
    let repo = Repo::new();
    let (o, c) = ("[".repeat(DEEP), "]".repeat(DEEP));
    repo.write(
        "services/users/package.json",
        format!("{{\"name\": \"@acme/users\", \"x\": {o}{c}}}"),
    );
    repo.write("services/users/index.ts", "export const x = 1;\n");
    repo.write(
        "services/orders/app.ts",
        "import { x } from \"@acme/users\";\n",
    );
    let run = repo.check(&[], QUICK);
    assert!(matches!(run.code, Some(0 | 1)));
}

/// A manifest that cannot be read hides which service a package lives in, so imports
/// of it go unchecked: each is one `skipped-file` error that names the manifest, the
/// reason and what is not checked, counted in `files_skipped`, in whole-repository
/// and in partial runs alike.
#[test]
fn an_unparsable_manifest_is_reported() {
    let (o, c) = ("[".repeat(DEEP), "]".repeat(DEEP));
    let deep = format!("{{\"name\": \"@acme/users\", \"x\": {o}{c}}}");
    let huge = format!(
        "{{\"name\": \"@acme/users\", \"x\": \"{}\"}}",
        "a".repeat(1_100_000)
    );
    let cases: [(&str, &str, &str, &str, &str); 5] = [
        (
            "services/users/package.json",
            &deep,
            "it is not valid JSON (recursion limit exceeded",
            "services/orders/app.ts",
            "import { x } from \"@acme/users\";\n",
        ),
        (
            "services/users/package.json",
            "{\"name\": \"@acme/users\",\n",
            "it is not valid JSON (EOF while parsing a value at line 2",
            "services/orders/app.ts",
            "import { x } from \"@acme/users\";\n",
        ),
        (
            "services/users/package.json",
            &huge,
            "over the 1048576 byte limit for manifests",
            "services/orders/app.ts",
            "import { x } from \"@acme/users\";\n",
        ),
        (
            "services/users/Cargo.toml",
            "[package]\nname = \"users\"\n[dependencies\n",
            "it is not valid TOML (line 3",
            "services/orders/src/lib.rs",
            "use users::db;\n",
        ),
        (
            "services/users/go.mod",
            "go 1.22\n",
            "it has no `module` directive",
            "services/orders/main.go",
            "package main\nimport \"github.com/acme/users\"\n",
        ),
    ];
    for (manifest, text, reason, importer, import) in cases {
        let repo = Repo::new();
        repo.write(manifest, text);
        repo.write(importer, import);
        for args in [&[][..], &["services/orders"][..]] {
            let run = repo.check(args, QUICK);
            let about: Vec<Value> = run
                .findings()
                .into_iter()
                .filter(|f| f["path"] == manifest)
                .collect();
            assert_eq!(about.len(), 1, "{manifest} {args:?}: {about:#?}");
            run.skipped(manifest, reason);
            run.skipped(manifest, "are not checked");
            assert_eq!(run.summary("files_skipped"), 1, "{manifest} {args:?}");
            assert_eq!(run.code, Some(1), "{manifest} {args:?}: an error");
        }
    }
}

#[test]
fn an_unparsable_manifest_in_an_excluded_path_is_not_reported() {
    let repo = Repo::with_registry(&format!("{REGISTRY}exclude: [services/users/vendor]\n"));
    repo.write("services/users/vendor/package.json", "{\"name\":");
    repo.write("services/users/vendor/go.mod", "go 1.22\n");
    repo.write("services/users/vendor/Cargo.toml", "[package\n");
    repo.write(
        "services/orders/app.ts",
        "import { x } from \"@acme/users\";\n",
    );
    for args in [&[][..], &["services/orders"][..]] {
        let run = repo.check(args, QUICK);
        assert_eq!(run.findings(), Vec::<Value>::new(), "{args:?}");
        assert_eq!(run.summary("files_skipped"), 0, "{args:?}");
    }
}

// ---------------------------------------------------------------------------------
// Links, pipes, permissions

#[test]
fn symlink_loops_and_links_out_of_the_repository_are_not_followed() {
    use std::os::unix::fs::symlink;
    let repo = Repo::new();
    let outside = tempfile::tempdir().expect("temp dir");
    fs::write(outside.path().join("q.sql"), CROSS_READ).expect("write");
    let orders = repo.root.join("services/orders");
    symlink(outside.path().join("q.sql"), orders.join("outside.sql")).expect("link");
    symlink(outside.path(), orders.join("outdir")).expect("link");
    symlink("/", orders.join("root")).expect("link");
    symlink(".", orders.join("loop")).expect("link");
    symlink("../orders", orders.join("parent")).expect("link");
    symlink("self.sql", orders.join("self.sql")).expect("link");
    symlink("b.sql", orders.join("a.sql")).expect("link");
    symlink("a.sql", orders.join("b.sql")).expect("link");
    symlink("missing.sql", orders.join("dangling.sql")).expect("link");
    repo.write("services/orders/real.sql", CROSS_READ);
    let run = repo.check(&[], QUICK);
    let reads: Vec<Value> = run
        .findings()
        .into_iter()
        .filter(|f| f["rule"] == "cross-service-read")
        .collect();
    assert_eq!(reads.len(), 1, "only the real file: {reads:#?}");
    assert_eq!(reads[0]["path"], "services/orders/real.sql");
    // A path argument through a link that leaves the repository is refused.
    let r = repo.run(&["check", "services/orders/outdir/q.sql"], QUICK);
    r.sane();
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("outside the repository"), "{}", r.stderr);
}

#[test]
fn a_source_file_linking_out_of_the_repository_is_reported() {
    use std::os::unix::fs::symlink;
    let repo = Repo::new();
    let outside = tempfile::tempdir().expect("temp dir");
    fs::write(outside.path().join("q.sql"), CROSS_READ).expect("write");
    symlink(
        outside.path().join("q.sql"),
        repo.root.join("services/orders/queries.sql"),
    )
    .expect("link");
    let run = repo.check(&[], QUICK);
    run.skipped("services/orders/queries.sql", "link");
    assert_eq!(run.summary("files_skipped"), 1);
}

#[test]
fn a_manifest_that_is_a_link_is_reported() {
    use std::os::unix::fs::symlink;
    for (manifest, text) in [
        ("package.json", "{\"name\": \"@acme/users\"}"),
        ("go.mod", "module example.com/users\n"),
        ("Cargo.toml", "[package]\nname = \"users\"\n"),
    ] {
        let repo = Repo::new();
        let outside = tempfile::tempdir().expect("temp dir");
        fs::write(outside.path().join(manifest), text).expect("write");
        symlink(
            outside.path().join(manifest),
            repo.root.join("services/users").join(manifest),
        )
        .expect("link");
        repo.write(
            "services/orders/app.ts",
            "import { x } from \"@acme/users\";\n",
        );
        // Whole repository; a partial run without the link (found by the package
        // search); one with it (found by the walk and the search, reported once).
        for args in [&[][..], &["services/orders"][..], &["services/users"][..]] {
            let run = repo.check(args, QUICK);
            run.skipped(&format!("services/users/{manifest}"), "link");
            assert_eq!(run.summary("files_skipped"), 1, "{manifest} {args:?}");
        }
    }
}

#[test]
fn a_query_file_that_cannot_be_read_is_reported_in_partial_runs() {
    let repo = Repo::new();
    repo.write("services/orders/queries/big.sql", CROSS_READ.repeat(10));
    repo.write(
        "services/orders/src/db.rs",
        "fn f() { sqlx::query_file!(\"queries/big.sql\"); }\n",
    );
    for (args, skipped) in [
        (
            &["--max-file-size", "100", "services/orders/src/db.rs"][..],
            0,
        ),
        // The whole repository also walks big.sql: skipped and counted once, by itself.
        (&["--max-file-size", "100"][..], 1),
    ] {
        let run = repo.check(args, QUICK);
        let warned = run.on("parse-error", "services/orders/src/db.rs");
        assert!(
            warned.iter().any(|f| f["severity"] == "warning"
                && f["message"].as_str().is_some_and(|m| {
                    m.contains("services/orders/queries/big.sql") && m.contains("--max-file-size")
                })),
            "the query in big.sql goes unchecked and nothing says why: {:#}",
            Value::Array(run.findings())
        );
        assert_eq!(run.summary("files_skipped"), skipped, "{args:?}");
    }
}

#[test]
fn a_named_pipe_does_not_hang_the_scan() {
    let repo = Repo::new();
    mkfifo(&repo.root.join("services/orders/pipe.sql"));
    mkfifo(&repo.root.join("services/users/package.json"));
    mkfifo(&repo.root.join("services/orders/Cargo.toml"));
    repo.write("services/orders/real.sql", CROSS_READ);
    let run = repo.check(&[], QUICK);
    assert_eq!(
        run.on("cross-service-read", "services/orders/real.sql")
            .len(),
        1
    );
    let r = repo.run(
        &["check", "--format", "json", "services/orders/pipe.sql"],
        QUICK,
    );
    r.sane();
}

#[test]
fn a_named_pipe_is_reported_as_skipped() {
    let repo = Repo::new();
    mkfifo(&repo.root.join("services/orders/pipe.sql"));
    let run = repo.check(&[], QUICK);
    run.skipped("services/orders/pipe.sql", "");
    assert_eq!(run.summary("files_skipped"), 1);
}

#[test]
fn a_registry_that_is_a_named_pipe_is_refused() {
    let repo = Repo::new();
    mkfifo(&repo.root.join("pipe.yaml"));
    let r = repo.run(
        &["--registry", "pipe.yaml", "validate"],
        Duration::from_secs(20),
    );
    r.sane();
    assert_eq!(r.code, Some(2));
}

#[test]
fn a_baseline_that_is_a_named_pipe_is_refused() {
    let repo = Repo::new();
    mkfifo(&repo.root.join("base.json"));
    let r = repo.run(
        &["check", "--baseline", "base.json"],
        Duration::from_secs(20),
    );
    r.sane();
    assert_eq!(r.code, Some(2));
}

#[test]
fn unreadable_files_and_directories_are_skipped_with_an_error() {
    use std::os::unix::fs::PermissionsExt;
    if permissions_are_ignored() {
        eprintln!(
            "skipped: this process reads files of mode 000 (running as root?), so permission-denied cannot be produced; the FIFO test covers an unreadable file"
        );
        return;
    }
    let repo = Repo::new();
    let file = repo.write("services/orders/secret.sql", CROSS_READ);
    let dir = repo.root.join("services/orders/locked");
    repo.write("services/orders/locked/q.sql", CROSS_READ);
    fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).expect("chmod");
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o000)).expect("chmod");
    let run = repo.check(&[], QUICK);
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).expect("chmod back");
    run.skipped("services/orders/secret.sql", "cannot be read");
    let dir_warned = run.findings().iter().any(|f| {
        f["rule"] == "skipped-file" && f["message"].as_str().is_some_and(|m| m.contains("locked"))
    });
    assert!(dir_warned, "the unreadable directory is reported");
    assert_eq!(run.summary("files_skipped"), 2);
}

// ---------------------------------------------------------------------------------
// Files that change during the scan

/// One change to the repository, chosen by `step`: files written, deleted, rewritten
/// with binary or non-UTF-8 content, replaced by a named pipe or by a link (out of the
/// repository too), and whole directories deleted and made again.
fn churn(root: &Path, step: u64) {
    use std::os::unix::fs::symlink;
    let dir = root.join(format!("services/orders/churn{}", step % 3));
    let path = dir.join(format!("q{}.sql", step % 7));
    // Errors are expected: the other steps race with this one.
    let _ = fs::create_dir_all(&dir);
    match step % 8 {
        0 | 1 => {
            let _ = fs::write(&path, CROSS_READ.repeat(20));
        }
        2 => {
            let _ = fs::remove_file(&path);
        }
        3 => {
            let _ = fs::write(&path, b"SELECT * FROM users\0\xff\xfe".repeat(10));
        }
        4 => {
            let _ = fs::remove_file(&path);
            let _ = std::process::Command::new("mkfifo").arg(&path).status();
        }
        5 => {
            let _ = fs::remove_file(&path);
            let _ = symlink("/etc/hostname", &path);
        }
        6 => {
            let _ = fs::remove_dir_all(&dir);
        }
        _ => {
            let _ = fs::write(
                dir.join("Cargo.toml"),
                if step % 16 < 8 {
                    "[package\n"
                } else {
                    "[package]\nname = \"c\"\n"
                },
            );
            let _ = fs::write(dir.join("package.json"), "{\"name\": ");
        }
    }
}

/// A thread applying [`churn`] until dropped (also when an assertion fails, so it
/// never outlives the repository it changes).
struct Changer {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<u64>>,
}

impl Changer {
    fn start(root: &Path) -> Changer {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (root, flag) = (root.to_path_buf(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut step = 0;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                churn(&root, step);
                step += 1;
                // Hundreds of changes per run, without taking a core from the tests
                // that run beside this one.
                std::thread::sleep(Duration::from_millis(1));
            }
            step
        });
        Changer {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops the changes and returns how many were made.
    fn finish(mut self) -> u64 {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread
            .take()
            .map_or(0, |t| t.join().expect("the changing thread ends"))
    }
}

impl Drop for Changer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Every run over a repository that changes under it ends sanely, in every format,
/// and counts each skipped file with its warning. The races it exercises are each
/// pinned deterministically by unit tests (`src/scan/mod.rs`, `src/scan/walk.rs`);
/// this test is the end-to-end check that nothing else breaks.
#[test]
fn files_changing_during_the_scan_never_break_a_run() {
    let repo = noisy_repo();
    for step in 0..64 {
        churn(&repo.root, step);
    }
    let changer = Changer::start(&repo.root);
    let mut codes = Vec::new();
    for round in 0..6 {
        for format in ["json", "sarif", "human", "github"] {
            let threads = if round % 2 == 0 { "1" } else { "2" };
            let run = repo.run(&["check", "--format", format, "-j", threads], QUICK);
            run.sane();
            codes.push(run.code);
            if format == "json" {
                let skipped = run
                    .findings()
                    .iter()
                    .filter(|f| f["rule"] == "skipped-file")
                    .count();
                assert_eq!(
                    run.summary("files_skipped"),
                    skipped as u64,
                    "every skipped file has its warning"
                );
            }
        }
    }
    let steps = changer.finish();
    assert!(
        steps > 200,
        "the repository hardly changed: {steps} changes"
    );
    assert!(
        codes.iter().all(|c| matches!(c, Some(0 | 1))),
        "files that change are warnings at most, never an incomplete run: {codes:?}"
    );
}

// ---------------------------------------------------------------------------------
// Hostile registries

/// Loads `registry` with `validate --format json` and expects a quick, clean refusal
/// (exit 2 with a message) or a report.
fn registry_run(registry: &str, limit: Duration) -> Run {
    let repo = Repo::with_registry(registry);
    let run = repo.run(&["validate", "--format", "json"], limit);
    run.sane();
    run
}

#[test]
fn a_yaml_alias_bomb_is_refused_quickly() {
    // 10^9 strings once expanded, from a file of 2 KiB.
    let mut yaml = String::from("exclude: &a0 [x, x, x, x, x, x, x, x, x, x]\nexceptions:\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        yaml.push_str(&format!(
            "  - {{service: s, reason: &a{i} [{}]}}\n",
            vec![prev; 10].join(", ")
        ));
    }
    yaml.push_str("services:\n  s:\n    owns: *a9\n");
    let run = registry_run(&yaml, QUICK);
    assert_eq!(run.code, Some(2));
    // Billion laughs through merge keys, the other classic shape.
    let mut merge = String::from("x0: &x0 {a: 1, b: 2}\n");
    for i in 1..40 {
        merge.push_str(&format!("x{i}: &x{i} {{<<: [*x{p}, *x{p}]}}\n", p = i - 1));
    }
    let run = registry_run(&format!("services:\n  s: *x39\n{merge}"), QUICK);
    assert_eq!(run.code, Some(2));
}

#[test]
fn deeply_nested_yaml_is_refused_quickly() {
    let flow = format!("services: {}{}\n", "[".repeat(DEEP), "]".repeat(DEEP));
    assert_eq!(registry_run(&flow, QUICK).code, Some(2));
    let maps = format!("services: {}1{}\n", "{a: ".repeat(DEEP), "}".repeat(DEEP));
    assert_eq!(registry_run(&maps, QUICK).code, Some(2));
    let mut block = String::from("services:\n");
    for i in 0..5_000 {
        block.push_str(&" ".repeat(i + 1));
        block.push_str("- \n");
    }
    assert_eq!(registry_run(&block, QUICK).code, Some(2));
    let mut keys = String::from("services:\n");
    for i in 0..5_000 {
        keys.push_str(&format!("{}k{i}:\n", " ".repeat(i + 1)));
    }
    assert_eq!(registry_run(&keys, QUICK).code, Some(2));
}

#[test]
fn registries_that_are_not_text_are_refused() {
    for bytes in [
        &b"services:\n  s:\n    owns: [caf\xe9]\n"[..],
        &b"\0\0\0\0"[..],
        &b"\xef\xbb\xbf"[..],
        &b"services: !!binary aGVsbG8=\n"[..],
        &b"--- !<tag:yaml.org,2002:str>\n"[..],
    ] {
        let tmp = tempfile::tempdir().expect("temp dir");
        fs::write(tmp.path().join("data-ownership.yaml"), bytes).expect("write");
        let run = run_in(tmp.path(), &["validate", "--format", "json"], QUICK);
        run.sane();
        assert_eq!(run.code, Some(2), "{:?}", String::from_utf8_lossy(bytes));
    }
}

/// A registry of `n` services in a chain (each reads the next one's API), each with
/// its own directory, tables and events: valid, so every check runs on all of it.
fn big_registry(n: usize) -> String {
    let mut y = String::from("services:\n");
    for i in 0..n {
        y.push_str(&format!(
            "  svc-{i}:\n    paths: [services/svc-{i}]\n    owns: [t{i}_a, t{i}_b, t{i}_c]\n    publishes_events: [svc{i}.changed]\n"
        ));
        if i > 0 {
            y.push_str(&format!(
                "    consumes_events: [svc{}.changed]\n    reads_from_apis:\n      - svc-{}: [GET /x/:id]\n",
                i - 1,
                i - 1
            ));
        }
    }
    y
}

/// Builds the repository of [`big_registry`] with one SQL file per service.
fn big_repo(n: usize) -> Repo {
    let repo = Repo::with_registry(&big_registry(n));
    for i in 0..n {
        let next = (i + 1) % n;
        repo.write(
            format!("services/svc-{i}/q.sql"),
            format!("SELECT * FROM t{i}_a JOIN t{next}_b ON true;\n"),
        );
    }
    repo
}

#[test]
fn a_registry_of_5000_services_is_checked_in_bounded_time() {
    let repo = big_repo(5_000);
    let run = repo.run(&["check", "--format", "json"], QUICK);
    run.sane();
    assert_eq!(
        run.findings()
            .iter()
            .filter(|f| f["rule"] == "cross-service-read")
            .count(),
        5_000
    );
    assert_eq!(run.summary("files_scanned"), 5_000);
    repo.run(&["check", "--format", "github"], QUICK).sane();
}

#[test]
fn a_registry_of_5000_services_is_reported_in_every_format_in_bounded_time() {
    // 5,000 findings whose related label points into a 1 MB registry. Measured
    // before the fixes (release): json 0.7 s, github 0.5 s, sarif 2.8 s, human 22 s;
    // debug builds took minutes. Human output then still took 13-24 s (release),
    // 91% in miette's `read_span` rescanning the registry per finding; with a line
    // index (`src/report/human.rs`) it takes 0.4-0.5 s.
    let repo = big_repo(5_000);
    let run = repo.check(&[], QUICK);
    assert_eq!(run.summary("files_scanned"), 5_000);
}

#[test]
fn a_registry_of_5000_services_with_a_problem_each_is_validated_in_bounded_time() {
    // Every service lacks its directory: 5,000 `missing-paths` findings in a 1 MB
    // registry. Measured before the fix: 1,000 services 7.9 s and 5,000 over 120 s
    // (debug); 5,000 services 2.5 s (release).
    let repo = Repo::with_registry(&big_registry(5_000));
    let run = repo.run(&["validate", "--format", "json"], QUICK);
    run.sane();
    assert_eq!(run.on("missing-paths", "data-ownership.yaml").len(), 5_000);
}

// ---------------------------------------------------------------------------------
// Output and writes

/// A repository whose report is far larger than a pipe's buffer.
fn noisy_repo() -> Repo {
    let repo = Repo::new();
    for i in 0..40 {
        repo.write(format!("services/orders/q{i}.sql"), CROSS_READ.repeat(50));
    }
    repo
}

#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    let repo = noisy_repo();
    for format in ["human", "json", "sarif", "github"] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("ownlint"))
            .current_dir(&repo.root)
            .env("NO_COLOR", "1")
            .args(["check", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut first = [0u8; 16];
        let mut stdout = child.stdout.take().expect("stdout");
        stdout.read_exact(&mut first).expect("some output");
        drop(stdout); // `| head -c 16`
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut stderr)
            .expect("read stderr");
        let status = child.wait().expect("wait");
        assert_eq!(
            status.code(),
            Some(1),
            "--format {format}: the exit code still reports the findings"
        );
        assert!(stderr.is_empty(), "--format {format} complained: {stderr}");
    }
}

#[test]
fn baseline_never_overwrites_without_update_and_replaces_atomically() {
    let repo = noisy_repo();
    let base = repo.root.join("ownlint-baseline.json");
    fs::write(&base, "precious\n").expect("write");
    let r = repo.run(&["baseline"], QUICK);
    r.sane();
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("--update"), "{}", r.stderr);
    assert_eq!(fs::read_to_string(&base).expect("read"), "precious\n");

    let r = repo.run(&["baseline", "--update"], QUICK);
    r.sane();
    assert_eq!(r.code, Some(0));
    let written: Value =
        serde_json::from_str(&fs::read_to_string(&base).expect("read")).expect("baseline is JSON");
    assert_eq!(written["entries"].as_array().map(Vec::len), Some(2000));
    let leftovers: Vec<String> = fs::read_dir(&repo.root)
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "services" && n != "data-ownership.yaml" && n != "ownlint-baseline.json")
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    let r = repo.run(&["check", "--format", "json"], QUICK);
    r.sane();
    assert_eq!(r.code, Some(0), "every finding is recorded");

    // A write that cannot complete leaves the target as it was.
    let out = repo.root.join("dir-baseline.json");
    fs::create_dir(&out).expect("mkdir");
    fs::write(out.join("keep"), "x").expect("write");
    let r = repo.run(
        &["baseline", "--update", "--output", "dir-baseline.json"],
        QUICK,
    );
    r.sane();
    assert_eq!(r.code, Some(2));
    assert_eq!(fs::read_to_string(out.join("keep")).expect("kept"), "x");
    let r = repo.run(&["baseline", "--output", "no/such/dir/b.json"], QUICK);
    r.sane();
    assert_eq!(r.code, Some(2));
    assert!(!repo.root.join("no").exists());
}

/// `baseline --update` killed (SIGKILL, no chance to clean up) at times spread over
/// a whole run: the baseline is always either the old file, byte for byte, or the
/// complete new one, never a torn mix.
#[test]
fn a_killed_baseline_update_leaves_the_old_or_the_new_file() {
    let repo = noisy_repo();
    let base = repo.root.join("ownlint-baseline.json");
    let old = b"{\n  \"version\": 1,\n  \"entries\": []\n}\n".to_vec();
    let spawn = || {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("ownlint"))
            .current_dir(&repo.root)
            .args(["baseline", "--update", "-j", "1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn")
    };
    fs::write(&base, &old).expect("write");
    let started = Instant::now();
    assert!(spawn().wait().expect("wait").success());
    let whole = started.elapsed();
    let new = fs::read(&base).expect("read");
    assert_ne!(new, old);
    let (mut kept, mut replaced) = (0, 0);
    for i in 0..24u32 {
        fs::write(&base, &old).expect("write");
        let mut child = spawn();
        std::thread::sleep(whole * i / 20);
        // Killing a process that already ended is fine: that round sees the new file.
        let _ = child.kill();
        let _ = child.wait();
        let now = fs::read(&base).expect("the baseline is still there");
        if now == old {
            kept += 1;
        } else {
            assert_eq!(now, new, "round {i}: a torn or different baseline");
            replaced += 1;
        }
    }
    assert!(
        kept > 0,
        "no kill landed before the rename: {replaced} replaced"
    );
}

#[test]
fn baseline_update_keeps_the_file_mode() {
    use std::os::unix::fs::PermissionsExt;
    let repo = noisy_repo();
    let base = repo.root.join("ownlint-baseline.json");
    let r = repo.run(&["baseline"], QUICK);
    r.sane();
    fs::set_permissions(&base, fs::Permissions::from_mode(0o644)).expect("chmod");
    let r = repo.run(&["baseline", "--update"], QUICK);
    r.sane();
    let mode = fs::metadata(&base).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o644, "teammates and CI users can no longer read it");
}
