//! What the README promises a newcomer, run as written: its commands on the bundled
//! example succeed and print what the README shows, every document gives the one run
//! command, and the registry lookup is described in the same words everywhere.

use assert_cmd::Command;
use std::path::Path;

const RUN: &str = "cargo run --release -- check fixtures/shop";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `ownlint ARGS` from the repository root, color off, fixed width and date.
fn ownlint(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("ownlint")
        .unwrap()
        .current_dir(root())
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env("OWNLINT_TODAY", "2026-01-15")
        .env_remove("OWNLINT_REGISTRY")
        .args(args)
        .output()
        .unwrap()
}

/// The fenced code blocks of a Markdown text: (info string, body).
fn blocks(markdown: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in markdown.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => open = Some((info.trim().to_owned(), String::new())),
            (Some(_), Some(_)) => out.extend(open.take()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

/// Words of a shell line (the README's commands need no quoting).
fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

#[test]
fn the_readme_run_command_reports_what_the_shop_readme_says() {
    let readme = read("README.md");
    let sh: Vec<String> = blocks(&readme)
        .into_iter()
        .filter(|(info, _)| info == "sh")
        .flat_map(|(_, body)| body.lines().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    assert_eq!(
        sh.first().map(String::as_str),
        Some(RUN),
        "the README opens with the run command"
    );
    let args = words(RUN);
    let out = ownlint(&args[4..]);
    assert_eq!(out.status.code(), Some(1), "the README: it exits 1");

    // "It reports 39 errors and 2 warnings" in fixtures/shop/README.md.
    let shop = read("fixtures/shop/README.md");
    let claim = shop
        .split("It reports ")
        .nth(1)
        .and_then(|rest| rest.split(" warnings").next())
        .unwrap_or_else(|| panic!("fixtures/shop/README.md states the counts"));
    let (errors, warnings) = claim
        .split_once(" errors and ")
        .unwrap_or_else(|| panic!("`{claim}`"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with(&format!("{errors} errors, {warnings} warnings;")),
        "the shop README promises {errors} errors and {warnings} warnings; the run says: {summary}"
    );
}

#[test]
fn every_document_gives_the_same_run_command() {
    let mut docs = vec!["README.md".to_owned(), "fixtures/shop/README.md".to_owned()];
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") {
            docs.push(format!("docs/{name}"));
        }
    }
    for doc in docs {
        for line in read(&doc).lines() {
            if line.contains("check fixtures/shop") && line.contains("cargo run") {
                assert!(line.contains(RUN), "{doc}: `{line}` is not `{RUN}`");
            }
        }
    }
}

#[test]
fn the_readme_transcripts_are_what_ownlint_prints() {
    let readme = read("README.md");
    let mut checked = 0;
    let mut last_waves: Option<Vec<String>> = None;
    for (info, body) in blocks(&readme) {
        if info == "text"
            && let Some(first) = body.lines().next()
            && let Some(cmd) = first.strip_prefix("$ ownlint ")
        {
            let args = words(cmd);
            let out = ownlint(&args);
            let expected: String = body.lines().skip(1).map(|l| format!("{l}\n")).collect();
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                expected,
                "$ ownlint {cmd}"
            );
            if args.first() == Some(&"waves") {
                last_waves = Some(args.iter().map(|s| s.to_string()).collect());
            }
            checked += 1;
        } else if info == "mermaid" {
            // The Mermaid example renders the waves command shown just before it.
            let mut args = last_waves
                .clone()
                .expect("a waves transcript before the Mermaid example");
            args.extend(["--format".to_owned(), "mermaid".to_owned()]);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = ownlint(&args);
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                body,
                "the README's Mermaid example"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 2,
        "the waves transcript and the Mermaid example are checked"
    );
}

#[test]
fn the_registry_lookup_is_described_in_the_same_words_everywhere() {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let sentence = norm(ownlint::cli::REGISTRY_LOOKUP);
    for doc in ["README.md", "docs/registry.md"] {
        assert!(
            norm(&read(doc)).contains(&sentence),
            "{doc} says: {sentence}"
        );
    }
    for cmd in ["check", "validate", "baseline", "graph", "waves"] {
        let help = String::from_utf8_lossy(&ownlint(&[cmd, "--help"]).stdout).into_owned();
        assert!(
            norm(&help).contains(&sentence),
            "`ownlint {cmd} --help` says: {sentence}"
        );
    }
}

#[test]
fn each_command_help_lists_only_the_options_it_takes() {
    let takes: &[(&str, &[&str])] = &[
        (
            "check",
            &[
                "--registry",
                "--format",
                "--color",
                "--quiet",
                "--deny-warnings",
            ],
        ),
        (
            "validate",
            &[
                "--registry",
                "--format",
                "--color",
                "--quiet",
                "--deny-warnings",
            ],
        ),
        ("baseline", &["--registry", "--color", "--quiet"]),
        ("graph", &["--registry", "--format", "--color", "--quiet"]),
        (
            "waves",
            &[
                "--registry",
                "--format",
                "--color",
                "--quiet",
                "--deny-warnings",
            ],
        ),
        ("init", &["--format", "--color", "--quiet"]),
        ("explain", &["--format"]),
        ("rules", &["--format"]),
        ("schema", &[]),
        ("completions", &[]),
        ("man", &[]),
    ];
    let common = [
        "--registry",
        "--format",
        "--color",
        "--quiet",
        "--deny-warnings",
    ];
    for (cmd, own) in takes {
        let help = String::from_utf8_lossy(&ownlint(&[cmd, "--help"]).stdout).into_owned();
        for opt in common {
            let listed = help.lines().any(|l| {
                l.trim_start()
                    .trim_start_matches("-q, ")
                    .starts_with(&format!("{opt} "))
                    || l.trim_end().ends_with(opt)
            });
            assert_eq!(
                listed,
                own.contains(&opt),
                "`ownlint {cmd} --help` and {opt}:\n{help}"
            );
        }
    }
    // Before the command, as older scripts write it: accepted where the command takes
    // it, a usage error where it does not.
    assert_eq!(
        ownlint(&["--format", "json", "rules"]).status.code(),
        Some(0)
    );
    let wrong = ownlint(&["--registry", "x.yaml", "completions", "bash"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&wrong.stderr).contains("does not apply to `ownlint completions`")
    );
    let after = ownlint(&["man", "--format", "json"]);
    assert_eq!(after.status.code(), Some(2));
}

#[test]
fn no_rendered_line_ends_in_whitespace() {
    let runs: &[&[&str]] = &[
        &["check", "fixtures/shop"],
        &["check", "--color", "always", "fixtures/shop"],
        &[
            "validate",
            "--registry",
            "fixtures/registry/many-problems/data-ownership.yaml",
        ],
        &[
            "waves",
            "--registry",
            "fixtures/registry/shop/data-ownership.yaml",
        ],
        &[
            "waves",
            "--format",
            "markdown",
            "--registry",
            "fixtures/registry/shop/data-ownership.yaml",
        ],
        &[
            "graph",
            "--registry",
            "fixtures/registry/shop/data-ownership.yaml",
        ],
        &["explain", "--all"],
        &["rules"],
        &["check", "--help"],
        &["init", "--help"],
        &["--help"],
    ];
    for args in runs {
        let out = ownlint(args);
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            for (i, line) in text.lines().enumerate() {
                assert_eq!(
                    line.trim_end(),
                    line,
                    "ownlint {}: line {} ends in whitespace",
                    args.join(" "),
                    i + 1
                );
            }
        }
    }
}
