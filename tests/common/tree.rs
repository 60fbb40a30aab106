//! Copies of a fixture tree with each file edited, and the JSON report of `check` over
//! one: for tests that compare what ownlint reports on two variants of a repository.
//!
//! Included with `#[path]` by the test crates that use it, so crates that do not are
//! not compiled with helpers they never call.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Copies `from` into `to`, every file's bytes passed through `edit` with its name.
pub fn copy_tree(from: &Path, to: &Path, edit: &dyn Fn(&str, Vec<u8>) -> Vec<u8>) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target, edit);
            continue;
        }
        let bytes = std::fs::read(entry.path()).expect("read");
        let name = entry.file_name().to_string_lossy().into_owned();
        std::fs::write(&target, edit(&name, bytes)).expect("write");
    }
}

/// The JSON report of `ownlint check` over `dir`, which must have findings (exit 1).
pub fn check_json(dir: &Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_ownlint"))
        .args(["check", "--format", "json"])
        .arg(dir)
        .env_remove("OWNLINT_REGISTRY")
        .output()
        .expect("run ownlint");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    serde_json::from_slice(&out.stdout).expect("json report")
}
