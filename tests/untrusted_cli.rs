//! ownlint on an untrusted pull request: its author controls every file, the
//! registry, the baseline, file names and link targets. Each test is one attack of
//! issue 27, run through the real binary in every output format where output is
//! produced: links out of the repository (never followed, never quoted), options
//! smuggled into git, names that would write workflow commands or terminal escapes
//! into the CI log, a baseline of 100,000 stale entries.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::Duration;

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

/// Text that must never reach any output: it stands for a file outside the
/// repository (a credential, `/etc/passwd`). It is not valid YAML or JSON, so a
/// loader that read it would quote it in its error.
const SECRET: &str = "root:x:0:0:SECRET-CONTENT-7731:/root:/bin/bash\n\tSECRET-LINE-TWO: [\n";

const FORMATS: [&str; 4] = ["human", "json", "sarif", "github"];

struct Repo {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    /// A directory beside the repository, standing for the rest of the machine.
    outside: PathBuf,
}

impl Repo {
    fn new() -> Repo {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("repo");
        let outside = tmp.path().join("outside");
        fs::create_dir_all(root.join("services/orders")).expect("mkdir");
        fs::create_dir_all(root.join("services/users")).expect("mkdir");
        fs::create_dir_all(&outside).expect("mkdir");
        fs::write(outside.join("secret"), SECRET).expect("write");
        fs::write(root.join("data-ownership.yaml"), REGISTRY).expect("write");
        Repo {
            _tmp: tmp,
            root,
            outside,
        }
    }

    fn write(&self, rel: impl AsRef<Path>, text: impl AsRef<[u8]>) {
        let path = self.root.join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }

    fn link(&self, target: impl AsRef<Path>, rel: &str) {
        let path = self.root.join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let _ = fs::remove_file(&path);
        symlink(target, path).expect("link");
    }

    fn run(&self, args: &[&str]) -> Out {
        let out = Command::cargo_bin("ownlint")
            .expect("binary")
            .current_dir(&self.root)
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100")
            .env("OWNLINT_TODAY", "2026-01-01")
            .env_remove("OWNLINT_REGISTRY")
            .args(args)
            .timeout(Duration::from_secs(120))
            .output()
            .expect("ownlint runs");
        Out {
            args: args.join(" "),
            code: out.status.code(),
            stdout: out.stdout,
            stderr: out.stderr,
        }
    }

    /// `check --format F ARGS` in every format.
    fn check_all(&self, args: &[&str]) -> Vec<(&'static str, Out)> {
        FORMATS
            .iter()
            .map(|format| {
                let mut all = vec!["check", "--format", format];
                all.extend_from_slice(args);
                (*format, self.run(&all))
            })
            .collect()
    }
}

struct Out {
    args: String,
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Out {
    fn both(&self) -> String {
        format!(
            "{}{}",
            String::from_utf8_lossy(&self.stdout),
            String::from_utf8_lossy(&self.stderr)
        )
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout)
            .unwrap_or_else(|e| panic!("`ownlint {}`: not JSON ({e}): {}", self.args, self.both()))
    }

    fn findings(&self, rule: &str, path: &str) -> Vec<Value> {
        self.json()["findings"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|f| f["rule"] == rule && f["path"] == path)
            .collect()
    }

    /// Nothing from outside the repository, in any stream.
    fn leaks_nothing(&self) {
        let both = self.both();
        assert!(
            !both.contains("SECRET"),
            "`ownlint {}` printed the content of a file outside the repository:\n{both}",
            self.args
        );
    }
}

// ---------------------------------------------------------------------------------
// Links

#[test]
fn a_registry_that_is_a_link_is_refused_without_quoting_its_target() {
    let repo = Repo::new();
    let secret = repo.outside.join("secret");
    repo.link(&secret, "data-ownership.yaml");
    repo.link(&secret, "linked.yaml");
    let mut runs = repo.check_all(&[]);
    runs.push(("validate", repo.run(&["validate"])));
    runs.push((
        "explicit",
        repo.run(&["--registry", "linked.yaml", "check"]),
    ));
    runs.push(("graph", repo.run(&["graph"])));
    for (what, out) in runs {
        out.leaks_nothing();
        assert_eq!(out.code, Some(2), "{what}: {}", out.both());
        let err = out.stderr();
        assert!(
            err.contains("is a symbolic link") && err.contains(".yaml"),
            "{what}: the error names the file and says it is a link: {err}"
        );
    }
}

#[test]
fn a_registry_link_inside_the_repository_is_refused_too() {
    let repo = Repo::new();
    repo.write("config/registry.yaml", REGISTRY);
    repo.link("config/registry.yaml", "data-ownership.yaml");
    let out = repo.run(&["check"]);
    assert_eq!(out.code, Some(2), "{}", out.both());
    assert!(
        out.stderr()
            .contains("data-ownership.yaml is a symbolic link")
    );
}

#[test]
fn a_baseline_that_is_a_link_is_refused_without_quoting_its_target() {
    let repo = Repo::new();
    repo.write("services/orders/q.sql", CROSS_READ);
    let secret = repo.outside.join("secret");
    // At the default place, found without being asked for; given explicitly; and a
    // dangling link, which must not pass for "no baseline".
    repo.link(&secret, "ownlint-baseline.json");
    repo.link(&secret, "base.json");
    // And a baseline path through a linked directory of the repository.
    repo.link(&repo.outside, "config");
    let mut runs = repo.check_all(&[]);
    runs.extend(repo.check_all(&["--baseline", "base.json"]));
    runs.extend(repo.check_all(&["--baseline", "config/secret"]));
    repo.link(repo.outside.join("missing"), "ownlint-baseline.json");
    runs.extend(repo.check_all(&[]));
    for (format, out) in runs {
        out.leaks_nothing();
        assert_eq!(out.code, Some(2), "{format}: {}", out.both());
        let err = out.stderr();
        assert!(
            err.contains("baseline") && err.contains("symbolic link"),
            "{format}: {err}"
        );
    }
}

#[test]
fn writing_a_baseline_never_writes_through_a_link() {
    use std::os::unix::fs::PermissionsExt;
    let repo = Repo::new();
    repo.write("services/orders/q.sql", CROSS_READ);
    let target = repo.outside.join("secret");
    // A link, dangling or not, counts as an existing baseline.
    for to in [target.clone(), repo.outside.join("missing")] {
        repo.link(&to, "ownlint-baseline.json");
        let out = repo.run(&["baseline"]);
        assert_eq!(out.code, Some(2), "{to:?}: {}", out.both());
        assert!(out.stderr().contains("already exists"), "{}", out.stderr());
    }
    // Replacing a link to a private file replaces the link, and the new baseline
    // gets the usual mode, not the target's.
    fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).expect("chmod");
    repo.link(&target, "ownlint-baseline.json");
    let out = repo.run(&["baseline", "--update"]);
    assert_eq!(out.code, Some(0), "{}", out.both());
    let meta = fs::symlink_metadata(repo.root.join("ownlint-baseline.json")).expect("written");
    assert!(
        meta.file_type().is_file(),
        "the link is replaced by the file"
    );
    assert_eq!(meta.permissions().mode() & 0o777, 0o644);
    assert_eq!(fs::read_to_string(&target).expect("secret"), SECRET);
}

#[test]
fn a_path_argument_naming_a_link_is_skipped_as_in_the_whole_run() {
    let repo = Repo::new();
    // The link's target has no finding of its own: followed, the run would be clean.
    repo.write(
        "services/users/q.sql",
        "SELECT id FROM users WHERE id = 1;\n",
    );
    repo.link("../users/q.sql", "services/orders/alias.sql");
    let whole = repo.run(&["check", "--format", "json"]);
    let partial = repo.run(&["check", "--format", "json", "services/orders/alias.sql"]);
    for out in [&whole, &partial] {
        let skipped = out.findings("skipped-file", "services/orders/alias.sql");
        assert_eq!(skipped.len(), 1, "`{}`: {}", out.args, out.both());
        assert!(
            skipped[0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("symbolic link")),
            "{skipped:?}"
        );
        assert!(
            out.findings("skipped-file", "services/users/q.sql")
                .is_empty()
        );
    }
    assert_eq!(partial.json()["summary"]["files_scanned"], 0);
    assert_eq!(whole.code, partial.code);
}

#[test]
fn a_path_argument_through_a_linked_directory_is_refused() {
    let repo = Repo::new();
    repo.write("services/users/q.sql", CROSS_READ);
    repo.link("../users", "services/orders/sub");
    repo.link(&repo.outside, "services/orders/out");
    for (arg, leads) in [
        ("services/orders/sub/q.sql", "inside the repository"),
        ("services/orders/out/secret", "outside the repository"),
    ] {
        let out = repo.run(&["check", arg]);
        out.leaks_nothing();
        assert_eq!(out.code, Some(2), "{arg}: {}", out.both());
        let err = out.stderr();
        assert!(
            err.contains("symbolic link") && err.contains(leads),
            "{arg}: {err}"
        );
    }
}

#[test]
fn the_registry_is_not_searched_for_through_a_linked_directory() {
    let repo = Repo::new();
    // A directory outside the repository with a registry of its own that does not
    // load: found through the link, its error would quote it.
    fs::write(repo.outside.join("data-ownership.yaml"), SECRET).expect("write");
    fs::write(repo.outside.join("q.sql"), CROSS_READ).expect("write");
    repo.link(&repo.outside, "services/orders/out");
    let out = repo.run(&["check", "services/orders/out/q.sql"]);
    out.leaks_nothing();
    assert_eq!(out.code, Some(2), "{}", out.both());
    assert!(out.stderr().contains("symbolic link"), "{}", out.stderr());
}

#[test]
fn a_query_file_through_a_link_is_reported_in_partial_runs() {
    let repo = Repo::new();
    repo.write("services/users/q.sql", CROSS_READ);
    repo.write(
        "services/orders/src/db.rs",
        "fn f() { sqlx::query_file!(\"queries/q.sql\"); sqlx::query_file!(\"more/q.sql\"); }\n",
    );
    repo.link("../../users/q.sql", "services/orders/queries/q.sql");
    repo.link("../../users", "services/orders/more");
    for args in [&["services/orders/src/db.rs"][..], &[][..]] {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        let out = repo.run(&all);
        let warned = out.findings("parse-error", "services/orders/src/db.rs");
        for target in [
            "services/orders/queries/q.sql",
            "services/orders/more/q.sql",
        ] {
            assert!(
                warned.iter().any(|f| f["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(target) && m.contains("symbolic link"))),
                "{args:?}: nothing says {target} is a link: {warned:#?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------
// git

fn git(root: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(root)
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(ok, "git {args:?}");
}

#[test]
fn option_shaped_revisions_never_reach_git() {
    let repo = Repo::new();
    repo.write("services/orders/q.sql", CROSS_READ);
    git(&repo.root, &["init", "-q"]);
    git(&repo.root, &["add", "-A"]);
    git(&repo.root, &["commit", "-qm", "base"]);
    let target = repo.outside.join("written-by-git");
    let output = format!("--output={}", target.display());
    for rev in [
        output.as_str(),
        "--stat",
        "-R",
        "--no-index",
        "-p",
        "--ext-diff",
        "",
    ] {
        // As `--changed-since=VALUE` the value reaches ownlint whatever it is; as two
        // arguments, clap itself may refuse a value that looks like an option.
        let joined = format!("--changed-since={rev}");
        for (args, ours) in [
            (vec!["check", joined.as_str()], true),
            (vec!["check", "--changed-since", rev], false),
        ] {
            let out = repo.run(&args);
            assert_eq!(out.code, Some(2), "{args:?}: {}", out.both());
            assert!(
                !ours
                    || out
                        .stderr()
                        .contains("--changed-since needs a git revision"),
                "{args:?}: {}",
                out.stderr()
            );
            assert!(!target.exists(), "{args:?}: git wrote a file");
        }
    }
}

#[test]
fn changed_since_with_no_changed_file_checks_nothing() {
    let repo = Repo::new();
    // A violation already on the base branch is not this change's.
    repo.write("services/orders/q.sql", CROSS_READ);
    git(&repo.root, &["init", "-q"]);
    git(&repo.root, &["add", "-A"]);
    git(&repo.root, &["commit", "-qm", "base"]);
    let out = repo.run(&["check", "--format", "json", "--changed-since", "HEAD"]);
    assert_eq!(out.code, Some(0), "{}", out.both());
    let summary = &out.json()["summary"];
    assert_eq!(summary["files_scanned"], 0, "{summary}");
    assert_eq!(summary["errors"], 0, "{summary}");
    // A change to the registry still checks everything.
    repo.write("data-ownership.yaml", format!("{REGISTRY}# changed\n"));
    let out = repo.run(&["check", "--format", "json", "--changed-since", "HEAD"]);
    assert_eq!(out.code, Some(1), "{}", out.both());
    assert_eq!(
        out.findings("cross-service-read", "services/orders/q.sql")
            .len(),
        1
    );
}

// ---------------------------------------------------------------------------------
// Names and text that would command the terminal or the CI runner

/// The characters a pull request can put in a name: newline, carriage return, ESC,
/// BEL, U+2028; each followed by a workflow command.
const HOSTILE: [(&str, &str); 5] = [
    ("nl", "\n::error::injected-nl\n"),
    ("cr", "\r::add-mask::injected-cr\r"),
    ("esc", "\x1b]0;title\x07\x1b[2J::error::injected-esc"),
    ("bel", "\x07::warning::injected-bel"),
    ("ls", "\u{2028}::error::injected-ls\u{2029}"),
];

/// True when the output holds nothing that reaches the terminal or the runner as a
/// control: no ESC, BEL, raw U+2028 or U+2029, no C1 control, and no line (the
/// runner splits on `\n` and `\r`) that starts, after white space, with `::` unless it
/// is one of the github format's own annotations.
fn assert_inert(format: &str, out: &Out) {
    let text = out.both();
    for c in ['\x1b', '\x07', '\u{2028}', '\u{2029}', '\u{85}', '\u{9b}'] {
        assert!(
            !text.contains(c),
            "`ownlint {}` printed {c:?} raw:\n{text}",
            out.args
        );
    }
    for line in text.split(['\n', '\r']) {
        let start = line.trim_start();
        if !start.starts_with("::") {
            continue;
        }
        let ours = format == "github"
            && line == start
            && (line.starts_with("::error ") || line.starts_with("::warning "));
        assert!(
            ours,
            "`ownlint {}` printed a workflow command: {line:?}\n{text}",
            out.args
        );
    }
}

#[test]
fn file_names_cannot_write_controls_or_commands_in_any_format() {
    let repo = Repo::new();
    for (tag, hostile) in HOSTILE {
        repo.write(format!("services/orders/{tag}{hostile}.sql"), CROSS_READ);
    }
    for (format, out) in repo.check_all(&[]) {
        assert_eq!(out.code, Some(1), "{format}: {}", out.both());
        assert_inert(format, &out);
        if format == "github" {
            let ours = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter(|l| l.starts_with("::error "))
                .count();
            assert_eq!(ours, HOSTILE.len(), "one annotation per file");
        }
    }
}

#[test]
fn code_shown_in_snippets_cannot_write_controls_or_commands() {
    let repo = Repo::new();
    let mut sql = String::new();
    for (_, hostile) in HOSTILE {
        sql.push_str(&format!("SELECT id FROM users; -- {hostile}\n"));
    }
    repo.write("services/orders/q.sql", sql);
    for (format, out) in repo.check_all(&[]) {
        assert_eq!(out.code, Some(1), "{format}: {}", out.both());
        assert_inert(format, &out);
    }
}

#[test]
fn registry_names_cannot_write_controls_or_commands_in_any_format() {
    let repo = Repo::new();
    let yaml = |s: &str| serde_json::to_string(s).expect("a YAML double-quoted string");
    let mut registry = String::from("services:\n");
    for (i, (tag, hostile)) in HOSTILE.iter().enumerate() {
        // A service and a table with the hostile name; a misspelt reference to the
        // service (a did-you-mean line quoting it) and one to an unknown service.
        let service = format!("svc-{tag}{hostile}");
        registry.push_str(&format!(
            "  {}:\n    paths: [services/s{i}]\n    owns: [{}]\n    reads_from_apis:\n      - {}: [GET /x]\n      - {}: [GET /y]\n",
            yaml(&service),
            yaml(&format!("t_{tag}{hostile}")),
            yaml(&format!("svc-{tag}{hostile}x")),
            yaml(&format!("ghost{hostile}")),
        ));
        repo.write(format!("services/s{i}/q.sql"), "SELECT 1;\n");
    }
    repo.write("data-ownership.yaml", &registry);
    let mut runs = repo.check_all(&[]);
    runs.push(("human", repo.run(&["validate"])));
    for (format, out) in runs {
        assert_eq!(out.code, Some(1), "{format}: {}", out.both());
        assert_inert(format, &out);
    }
    // The release plan and the dependency graph print the names too, in every format.
    for args in [
        &["graph"][..],
        &["graph", "--format", "mermaid"],
        &["graph", "--format", "dot"],
        &["graph", "--format", "json"],
        &["waves"],
        &["waves", "--format", "markdown"],
        &["waves", "--format", "json"],
    ] {
        let out = repo.run(args);
        assert_eq!(out.code, Some(0), "{args:?}: {}", out.both());
        assert_inert("graph", &out);
        if args.contains(&"json") {
            out.json();
        }
    }
    // The names are still there, escaped, for a person to read.
    let human = repo.run(&["validate"]);
    let text = human.both();
    assert!(
        text.contains("did you mean `svc-nl\\n::error::injected-nl\\n`?"),
        "{text}"
    );
}

#[test]
fn registry_load_errors_cannot_write_controls_or_commands() {
    let repo = Repo::new();
    for (_, hostile) in HOSTILE {
        // An unknown key quoted by the error, and the line shown in its snippet.
        let key = serde_json::to_string(&format!("own{hostile}")).expect("string");
        repo.write(
            "data-ownership.yaml",
            format!(
                "services:\n  a:\n    {key}: [t] # {}\n",
                hostile.replace('\n', " ")
            ),
        );
        for (format, out) in repo.check_all(&[]) {
            assert_eq!(out.code, Some(2), "{format}: {}", out.both());
            assert_inert(format, &out);
        }
    }
}

// ---------------------------------------------------------------------------------
// Cost

#[test]
fn a_baseline_of_100000_stale_entries_is_applied_in_linear_time() {
    let repo = Repo::new();
    repo.write("services/orders/q.sql", CROSS_READ);
    let entries: Vec<Value> = (0..100_000)
        .map(|i| {
            serde_json::json!({
                "path": "services/orders/q.sql",
                "rule": "cross-service-read",
                "subject": "users",
                "service": "order-service",
                "fingerprint": format!("{i:016x}"),
                "message": "order-service reads `users`",
            })
        })
        .collect();
    let baseline = serde_json::json!({ "version": 1, "entries": entries });
    let text = serde_json::to_string_pretty(&baseline).expect("json");
    let first = text
        .lines()
        .position(|l| l.contains("\"fingerprint\""))
        .expect("a fingerprint") as u64
        + 1;
    repo.write("ownlint-baseline.json", &text);
    // Every stale entry listed (the per-file cap would list 1,000 of them).
    let out = repo.run(&["check", "--format", "json", "--max-findings-per-file", "0"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr());
    let stale = out.findings("stale-baseline", "ownlint-baseline.json");
    assert_eq!(stale.len(), 100_000);
    // Each points at its own entry, in order.
    let lines: Vec<u64> = stale
        .iter()
        .map(|f| f["line"].as_u64().unwrap_or(0))
        .collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "entries in order");
    assert_eq!(lines[0], first, "the first entry's fingerprint line");
    assert_eq!(
        out.findings("cross-service-read", "services/orders/q.sql")
            .len(),
        1
    );
}
