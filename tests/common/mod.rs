//! Helpers shared by the CLI tests of `graph` and `waves`: run ownlint on a fixture
//! registry with stable output (no color, fixed width).

use assert_cmd::cargo::cargo_bin_cmd;

/// The path of the fixture registry `name`.
pub fn registry(name: &str) -> String {
    format!("fixtures/registry/{name}/data-ownership.yaml")
}

/// Runs `ownlint --registry <fixture> <args>` and returns (exit code, stdout, stderr).
pub fn run(fixture: &str, args: &[&str]) -> (i32, String, String) {
    let out = cargo_bin_cmd!("ownlint")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("OWNLINT_REGISTRY")
        .arg("--registry")
        .arg(registry(fixture))
        .args(args)
        .output()
        .expect("ownlint runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn ok(fixture: &str, args: &[&str]) -> String {
    let (code, out, err) = run(fixture, args);
    assert_eq!(code, 0, "ownlint {args:?} failed: {err}");
    out
}
