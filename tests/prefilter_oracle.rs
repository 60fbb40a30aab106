//! The oracle of the prefilter (`src/scan/prefilter.rs`): skipping the files it drops
//! loses no finding. The plain path is to parse every file; the test gets it from the
//! product itself by appending a comment with a marker every file is kept for
//! (`CREATE TABLE`, which counts anywhere) to each source file of a copy of the bundled
//! example, so that every file is parsed, and compares the findings with those of the
//! untouched example. A comment is never table access, and the comment is appended
//! after the last line, so every finding keeps its line and column; the fingerprints
//! (which hash the text around a finding) and the summary's counts are left out.

use serde_json::Value;
use std::path::Path;

#[path = "common/tree.rs"]
mod tree;
use tree::{check_json, copy_tree};

/// The comment syntax of each kind of source file of the example; other files (the
/// registry, JSON manifests, ignore files, docs) are copied unchanged.
fn comment(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.').map(|(_, e)| e)?;
    match ext {
        "go" | "java" | "kt" | "cs" | "js" | "ts" | "rs" | "prisma" | "mod" => Some("//"),
        "py" | "rb" | "toml" => Some("#"),
        "sql" => Some("--"),
        _ => None,
    }
}

/// A source file's bytes with a marker comment appended.
fn mark(name: &str, mut bytes: Vec<u8>) -> Vec<u8> {
    if let Some(c) = comment(name) {
        if !bytes.ends_with(b"\n") {
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(format!("{c} CREATE TABLE\n").as_bytes());
    }
    bytes
}

/// The findings without their fingerprints.
fn findings(report: &Value) -> Vec<Value> {
    let mut list = report["findings"].as_array().expect("findings").clone();
    for f in &mut list {
        f.as_object_mut().expect("finding").remove("fingerprint");
    }
    list
}

#[test]
fn every_file_parsed_gives_the_findings_of_the_prefiltered_run() {
    let shop = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shop");
    let tmp = tempfile::tempdir().expect("tempdir");
    let (plain, all) = (tmp.path().join("plain"), tmp.path().join("all"));
    copy_tree(&shop, &plain, &|_, bytes| bytes);
    copy_tree(&shop, &all, &mark);
    let (filtered, parsed) = (check_json(&plain), check_json(&all));
    // The marker did its work: every file the walk lists (ignored and vendored files
    // are not listed) was parsed, more than the prefilter keeps of the untouched copy.
    let count = |r: &Value, what: &str| r["summary"][what].as_u64().expect("count");
    assert_eq!(
        count(&parsed, "files_parsed"),
        count(&parsed, "files_scanned")
    );
    assert!(count(&parsed, "files_parsed") > count(&filtered, "files_parsed"));
    assert_eq!(findings(&parsed), findings(&filtered));
}
