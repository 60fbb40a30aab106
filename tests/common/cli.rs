//! The `ownlint` command as the CLI tests run it: no color and a fixed width, so that
//! rendered diagnostics are stable, and no registry path inherited from the environment
//! of whoever runs the tests.

use assert_cmd::Command;

pub fn ownlint() -> Command {
    let mut cmd = Command::cargo_bin("ownlint").unwrap_or_else(|e| panic!("{e}"));
    cmd.env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("OWNLINT_REGISTRY");
    cmd
}
