//! One repository written by a hostile pull request, with every attack at once: what
//! a CI job running `ownlint check` on untrusted code meets (see the `security`
//! promises of docs/reliability.md).
//!
//! The attacks in this repository:
//! - links out of the repository: a source file, a directory and a package manifest
//!   linking to a directory outside it that holds a marked secret (which itself names
//!   tables and starts lines with `::`);
//! - registry entries pointing outside the repository (`public`, `exclude`, `paths`)
//!   or switching the check off (an empty `exclude`);
//! - registry names (a service, a table, published and consumed events) carrying
//!   newlines, `::error::`, `::add-mask::`, ESC and BEL;
//! - file names with an injected newline followed by `::error::` and `::add-mask::`,
//!   carriage returns, ESC and BEL;
//! - bytes that are not UTF-8 in the comment of a file that writes another service's
//!   table (the violation the pull request wants to hide);
//! - a NUL byte in a file that reads another service's table;
//! - a one-line SQL statement of 4.7 MB, over the default size limit, and a one-line
//!   file under it with a finding every 42 bytes;
//! - a stale baseline of 100,000 entries (listed up to the per-file cap of 1,000, the
//!   rest counted in one `too-many-findings` finding).
//!
//! The test runs `check` on it in every output format, and besides:
//! - `--max-file-size` raised over the 4.7 MB statement (it is analysed and its read
//!   reported; memory is not asserted);
//! - `--changed-since` with option-shaped revisions (`--output=FILE`, `-R`,
//!   `--no-index`) in the repository made a git repository: exit 2, and the FILE is
//!   never created;
//! - in a second repository, a registry and a baseline that are links out of the
//!   repository, at their default places and given with `--registry` and
//!   `--baseline`, in every format: exit 2.
//!
//! It asserts, on every output: nothing from outside the repository is printed, nor a
//! raw ESC or BEL; no line begins (after white space) with `::` unless ownlint meant
//! it (GitHub output's one command per finding listed); and the run on the
//! repository exits 1, with the hidden write reported at its place. Time and memory
//! are not asserted; the test's own time in a debug build is in docs/performance.md.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Generous for a debug build on a shared machine: catches hangs, not slowness.
const LIMIT: Duration = Duration::from_secs(240);

/// Printed nowhere if nothing outside the repository is read.
const SECRET: &str = "OUTSIDE-SECRET-4f1c9e";

/// Stale baseline entries.
const STALE: usize = 100_000;

/// The output formats of `check`.
const FORMATS: [&str; 4] = ["json", "human", "sarif", "github"];

const REGISTRY: &str = r#"services:
  order-service:
    paths: [services/orders]
    owns: [orders]
    public: [../outside, services/orders/api]
  user-service:
    paths: [services/users, ../outside]
    owns: [users]
  "evil\n::error::injected-service\n":
    paths: [services/evil]
    owns: ["t\n::add-mask::injected-table\r"]
    publishes_events: ["e\n::error::injected-event\e]0;title\a"]
    consumes_events: ["ghost\n::warning::injected-consumed\n"]
exclude: ['', ../outside, /etc, services/orders/generated]
"#;

/// A registry that loads, for the second repository.
const PLAIN_REGISTRY: &str =
    "services:\n  order-service:\n    paths: [services/orders]\n    owns: [orders]\n";

struct Hostile {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    outside: PathBuf,
    /// A second repository whose registry and baseline are links out of it.
    linked: PathBuf,
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).expect("mkdir");
    }
    fs::write(path, bytes).expect("write");
}

impl Hostile {
    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        write(&self.root.join(rel), bytes);
    }
}

#[cfg(unix)]
fn link(target: &Path, path: &Path) {
    std::os::unix::fs::symlink(target, path).expect("link");
}

/// Builds the repositories.
fn hostile() -> Hostile {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("repo");
    let outside = tmp.path().join("outside");
    let linked = tmp.path().join("linked");
    fs::create_dir_all(root.join("services/orders")).expect("mkdir");
    fs::create_dir_all(root.join("services/users")).expect("mkdir");
    fs::create_dir_all(&outside).expect("mkdir");
    let secret = format!("-- {SECRET}\n::error::{SECRET}\nUPDATE users SET secret = '{SECRET}';\n");
    fs::write(outside.join("secret.sql"), &secret).expect("write");
    // Quoted by a loader that read it: a YAML and JSON error on its second line.
    fs::write(
        outside.join("secret.yaml"),
        format!("{SECRET}: [\n::error::{SECRET}\n"),
    )
    .expect("write");
    fs::write(
        outside.join("package.json"),
        format!("{{\"name\": \"{SECRET}\"}}"),
    )
    .expect("write");
    let repo = Hostile {
        _tmp: tmp,
        root,
        outside,
        linked,
    };
    repo.write("data-ownership.yaml", REGISTRY);
    repo.write("services/users/db.sql", "SELECT id FROM users;\n");
    repo.write("services/evil/db.sql", "SELECT 1;\n");

    // Links out of the repository: a source file, a directory, a manifest.
    #[cfg(unix)]
    {
        let out = &repo.outside;
        link(
            &out.join("secret.sql"),
            &repo.root.join("services/orders/leak.sql"),
        );
        link(out, &repo.root.join("services/orders/outside"));
        link(
            &out.join("package.json"),
            &repo.root.join("services/orders/package.json"),
        );
        // The second repository: its registry and baseline are links out of it, and
        // so are the ones its command line names.
        write(&repo.linked.join("registry.yaml"), PLAIN_REGISTRY);
        write(&repo.linked.join("services/orders/q.sql"), "SELECT 1;\n");
        for name in [
            "data-ownership.yaml",
            "ownlint-baseline.json",
            "linked.yaml",
            "linked.json",
        ] {
            link(&out.join("secret.yaml"), &repo.linked.join(name));
        }
    }
    // `query_file!` climbing out of the repository.
    repo.write(
        "services/orders/src/db.rs",
        "fn f() { sqlx::query_file!(\"../../../../outside/secret.sql\"); }\n",
    );

    // The violation the pull request hides: bytes that are not UTF-8 in a comment.
    repo.write(
        "services/orders/hidden.sql",
        b"-- r\xe9sum\xe9 \xff\xfe\xc3\n-- \x80\nUPDATE users SET email = NULL;\n",
    );
    // A NUL byte in a file that reads another service's table.
    repo.write("services/orders/nul.sql", b"SELECT email FROM users;\n\0\n");

    // Names that inject workflow commands and terminal sequences.
    for name in [
        "services/orders/x\n::error::injected\n.sql",
        "services/orders/y\r\n::add-mask::secret\r\n.sql",
        "services/orders/  \n  ::warning file=z::indented\n.sql",
        "services/orders/esc\x1b]0;title\x07\x1b[2J.sql",
        "services/orders/pct%0A::error::x.sql",
    ] {
        repo.write(name, "SELECT id FROM users;\n");
    }

    // A one-line statement of 4.7 MB (600,000 numbers), over the default size limit
    // of 4 MiB, and a file under it with a finding every 42 bytes (24,000 findings
    // on one line).
    let numbers: Vec<String> = (0..600_000).map(|i| i.to_string()).collect();
    repo.write(
        "services/orders/huge.sql",
        format!("SELECT * FROM users WHERE id IN ({});", numbers.join(", ")),
    );
    repo.write(
        "services/orders/dense.sql",
        "SELECT id, email FROM users WHERE id = 1;".repeat(24_000),
    );

    // A stale baseline: entries for files that do not exist.
    let entries: Vec<Value> = (0..STALE)
        .map(|i| {
            serde_json::json!({
                "path": format!("services/orders/gone{i}.sql"),
                "rule": "cross-service-read",
                "subject": "users",
                "service": "order-service",
                "fingerprint": format!("{i:016x}"),
                "message": format!("stale {i}"),
            })
        })
        .collect();
    repo.write(
        "ownlint-baseline.json",
        serde_json::to_vec(&serde_json::json!({"version": 1, "entries": entries}))
            .expect("baseline JSON"),
    );
    repo
}

struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(root: &Path, args: &[&str]) -> Out {
    let out = Command::cargo_bin("ownlint")
        .expect("binary")
        .current_dir(root)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("OWNLINT_REGISTRY")
        .env_remove("RUST_BACKTRACE")
        .args(args)
        .timeout(LIMIT)
        .output()
        .expect("ownlint runs");
    Out {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn check(root: &Path, format: &str) -> Out {
    run(root, &["check", "--format", format])
}

/// Lines of `text` that GitHub reads as workflow commands: `::` after leading
/// whitespace, lines split at `\n`, `\r` and the Unicode separators.
fn commands(text: &str) -> Vec<&str> {
    text.split(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}'])
        .map(str::trim_start)
        .filter(|l| l.starts_with("::"))
        .collect()
}

/// A workflow command GitHub output means: an annotation of a finding.
fn intended(line: &str) -> bool {
    ["::error ", "::warning ", "::notice "]
        .iter()
        .any(|p| line.starts_with(p))
}

/// Asserts that `out` (of `what`) prints nothing from outside the repository, no raw
/// ESC or BEL, and no workflow command but GitHub output's annotations on stdout.
fn assert_inert(what: &str, github: bool, out: &Out) {
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(
            !text.contains(SECRET),
            "{what} prints content from outside the repository on {stream}"
        );
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{what} prints a raw ESC or BEL on {stream}"
        );
        let injected: Vec<&str> = commands(text)
            .into_iter()
            .filter(|l| !(github && stream == "stdout" && intended(l)))
            .collect();
        assert!(
            injected.is_empty(),
            "{what} prints workflow commands ownlint did not mean on {stream}: {injected:#?}"
        );
    }
}

#[test]
fn a_hostile_pull_request_cannot_leak_inject_or_hide() {
    let repo = hostile();
    let json = check(&repo.root, "json");
    assert_eq!(json.code, Some(1), "{}", json.stderr);
    let report: Value = serde_json::from_str(&json.stdout).expect("JSON report");
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let on = |rule: &str, path: &str| -> Vec<&Value> {
        findings
            .iter()
            .filter(|f| f["rule"] == rule && f["path"] == path)
            .collect()
    };

    // The hidden write is found, at its own line and column, as an error.
    let hidden = on("cross-service-write", "services/orders/hidden.sql");
    assert_eq!(
        hidden.len(),
        1,
        "the hidden write is not reported: {findings:#?}"
    );
    assert_eq!(
        (&hidden[0]["line"], &hidden[0]["column"]),
        (&3.into(), &8.into())
    );
    assert_eq!(hidden[0]["severity"], "error");
    // What could not be read fails the run instead of passing silently.
    for path in [
        "services/orders/nul.sql",
        "services/orders/huge.sql",
        "services/orders/leak.sql",
        "services/orders/package.json",
    ] {
        let skipped = on("skipped-file", path);
        assert!(
            skipped.iter().any(|f| f["severity"] == "error"),
            "{path} is not a skipped-file error: {findings:#?}"
        );
    }
    // The registry entries that point outside or switch the check off are refused,
    // and so are the names that carry line breaks.
    let registry: Vec<&str> = findings
        .iter()
        .filter(|f| f["path"] == "data-ownership.yaml")
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert_eq!(
        registry,
        [
            "invalid-path",
            "missing-paths",
            "invalid-name",
            "invalid-name",
            "invalid-name",
            "unpublished-event",
            "invalid-name",
            "invalid-path",
            "invalid-path",
            "invalid-path"
        ],
        "{findings:#?}"
    );
    // The dense file is listed up to the cap and counted beyond it.
    assert_eq!(
        on("cross-service-read", "services/orders/dense.sql").len(),
        1_000
    );
    assert_eq!(
        on("too-many-findings", "services/orders/dense.sql").len(),
        1
    );
    // Every stale entry is reported: the first 1,000 listed, the rest counted.
    assert_eq!(on("stale-baseline", "ownlint-baseline.json").len(), 1_000);
    let rest = on("too-many-findings", "ownlint-baseline.json");
    assert_eq!(rest.len(), 1);
    let message = rest[0]["message"].as_str().unwrap_or_default();
    let more = message.split(' ').next().map(|n| n.replace(',', ""));
    assert_eq!(more, Some((STALE - 1_000).to_string()), "{message}");

    let mut outputs = vec![("json", json)];
    for format in &FORMATS[1..] {
        outputs.push((format, check(&repo.root, format)));
    }
    for (format, out) in &outputs {
        assert_eq!(out.code, Some(1), "--format {format}: {}", out.stderr);
        assert_inert(&format!("--format {format}"), *format == "github", out);
        if *format == "github" {
            // One command per finding listed, none more.
            let listed = commands(&out.stdout).len();
            assert_eq!(listed, findings.len(), "{}", out.stdout);
        }
    }

    // The 4.7 MB statement, analysed under a raised size limit: its read is reported.
    let raised = run(
        &repo.root,
        &[
            "check",
            "--format",
            "json",
            "--max-file-size",
            "10000000",
            "services/orders/huge.sql",
        ],
    );
    assert_eq!(raised.code, Some(1), "{}", raised.stderr);
    assert_inert("--max-file-size 10000000", false, &raised);
    let report: Value = serde_json::from_str(&raised.stdout).expect("JSON report");
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["path"] == "services/orders/huge.sql")
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert_eq!(rules, ["cross-service-read"], "{}", raised.stdout);

    // Option-shaped revisions never reach git, which would act on them here.
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(&repo.root)
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "data-ownership.yaml"]);
    git(&["commit", "-qm", "base"]);
    let written = repo.outside.join("written-by-git");
    let output = format!("--changed-since=--output={}", written.display());
    for rev in [
        output.as_str(),
        "--changed-since=-R",
        "--changed-since=--no-index",
    ] {
        for format in FORMATS {
            let out = run(&repo.root, &["check", "--format", format, rev]);
            assert_eq!(out.code, Some(2), "{rev} --format {format}: {}", out.stderr);
            assert!(
                out.stderr.contains("--changed-since needs a git revision"),
                "{rev}: {}",
                out.stderr
            );
            assert_inert(&format!("{rev} --format {format}"), false, &out);
            assert!(!written.exists(), "{rev}: git wrote a file");
        }
    }

    // A registry and a baseline that are links out of the repository are refused
    // without being read, at their default places and named on the command line.
    for (args, what) in [
        (&[][..], "data-ownership.yaml"),
        (&["--registry", "linked.yaml"][..], "linked.yaml"),
        (
            &["--registry", "registry.yaml"][..],
            "ownlint-baseline.json",
        ),
        (
            &[
                "--registry",
                "registry.yaml",
                "check",
                "--baseline",
                "linked.json",
            ][..],
            "linked.json",
        ),
    ] {
        for format in FORMATS {
            let mut all = args.to_vec();
            if !all.contains(&"check") {
                all.push("check");
            }
            all.extend(["--format", format]);
            let out = run(&repo.linked, &all);
            assert_eq!(out.code, Some(2), "{all:?}: {}", out.stderr);
            assert!(
                out.stderr.contains(what) && out.stderr.contains("symbolic link"),
                "{all:?}: the error names the link: {}",
                out.stderr
            );
            assert_inert(&format!("{all:?}"), false, &out);
        }
    }
}
