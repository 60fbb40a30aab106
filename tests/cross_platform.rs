//! What differs between Linux, macOS and Windows checkouts of one repository, and must
//! not change what ownlint reports: line endings (Git for Windows checks text out with
//! CRLF by default), path separators in the registry and from the walk, and drive
//! letters. Tests of Windows paths themselves run on the Windows CI runner.

use ownlint::model::finding::{Finding, Loc};
use ownlint::model::rules::Rule;
use ownlint::registry::paths::normalize;
use ownlint::scan::walk::relative;
use std::path::Path;

#[path = "common/tree.rs"]
mod tree;
use tree::{check_json, copy_tree};

/// A file's bytes as a Windows checkout with `core.autocrlf=true` has them: every
/// text file (UTF-8 without NUL) with CRLF line endings.
fn with_crlf(_name: &str, bytes: Vec<u8>) -> Vec<u8> {
    match std::str::from_utf8(&bytes) {
        Ok(text) if !text.contains('\0') => text
            .replace("\r\n", "\n")
            .replace('\n', "\r\n")
            .into_bytes(),
        _ => bytes,
    }
}

/// The bundled example checked out with LF and with CRLF line endings: the same
/// findings, at the same lines and columns, with the same fingerprints (a baseline
/// written on Linux keeps matching on Windows).
#[test]
fn a_crlf_checkout_has_the_same_findings_as_an_lf_one() {
    let shop = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shop");
    let tmp = tempfile::tempdir().expect("tempdir");
    let (lf, crlf) = (tmp.path().join("lf"), tmp.path().join("crlf"));
    copy_tree(&shop, &lf, &|_, bytes| bytes);
    copy_tree(&shop, &crlf, &with_crlf);
    let registry = std::fs::read(crlf.join("data-ownership.yaml")).expect("registry");
    assert!(
        registry.windows(2).any(|w| w == b"\r\n"),
        "the copy has CRLF"
    );
    let (a, b) = (check_json(&lf), check_json(&crlf));
    assert!(a["findings"].as_array().is_some_and(|f| f.len() > 10));
    assert_eq!(a["findings"], b["findings"]);
    for key in [
        "errors",
        "warnings",
        "files_scanned",
        "files_parsed",
        "suppressed",
    ] {
        assert_eq!(a["summary"][key], b["summary"][key], "{key}");
    }
}

/// A location and fingerprint on a CRLF line: the carriage return belongs to no
/// column and no fingerprint.
#[test]
fn crlf_does_not_move_columns_or_change_fingerprints() {
    let lf = "-- orders\nSELECT id\n  FROM orders;\n";
    let crlf = lf.replace('\n', "\r\n");
    let at = |text: &str| {
        let offset = text.find("orders;").expect("table");
        (
            Loc::at(text, offset, 6),
            Finding::new(Rule::CrossServiceRead, "reads")
                .at("a.sql", text, offset, 6, "")
                .fingerprint(),
        )
    };
    let ((l1, f1), (l2, f2)) = (at(lf), at(&crlf));
    assert_eq!((l1.line, l1.column), (3, 8));
    assert_eq!((l2.line, l2.column), (3, 8));
    assert_eq!(f1, f2);
}

/// Registry paths written Windows-style mean the same as `/`-separated ones.
#[test]
fn registry_paths_with_backslashes_are_normalized() {
    let cases = [
        ("services/orders", "services/orders"),
        ("services\\orders", "services/orders"),
        ("services\\orders\\", "services/orders"),
        (".\\services\\orders", "services/orders"),
        ("./services/orders/", "services/orders"),
        (" services\\orders\\*.sql ", "services/orders/*.sql"),
        (".", ""),
    ];
    for (written, expected) in cases {
        assert_eq!(normalize(written), expected, "{written:?}");
    }
}

/// Paths from the walk are relative to the root and `/`-separated, whatever the
/// platform wrote.
#[test]
fn walked_paths_are_relative_and_slash_separated() {
    let cases = [
        ("/r", "/r/services/a.rs", "services/a.rs"),
        ("/r/", "/r/services/a.rs", "services/a.rs"),
        ("/r", "/r/services\\orders\\a.rs", "services/orders/a.rs"),
        ("/r", "/r/./services/a.rs", "services/a.rs"),
        (".", "./services/a.rs", "services/a.rs"),
    ];
    for (root, path, expected) in cases {
        assert_eq!(
            relative(Path::new(root), Path::new(path)),
            expected,
            "{root} {path}"
        );
    }
}

/// Windows: drive letters and `\` separators, as the walk gives them there.
#[cfg(windows)]
#[test]
fn windows_paths_with_drive_letters_are_relative_and_slash_separated() {
    let cases = [
        (r"C:\repo", r"C:\repo\services\a.rs", "services/a.rs"),
        (
            r"C:\repo\",
            r"C:\repo\services\orders\a.rs",
            "services/orders/a.rs",
        ),
        (r"D:\a\b", r"D:\a\b\x.sql", "x.sql"),
    ];
    for (root, path, expected) in cases {
        assert_eq!(
            relative(Path::new(root), Path::new(path)),
            expected,
            "{root} {path}"
        );
    }
}
