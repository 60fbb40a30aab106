//! The human report of a finding in each language ownlint reads, on single files of
//! the bundled shop fixture: a snapshot of what a user sees, and a check that the
//! label sits on the table name (or import) itself, at the line and column the JSON
//! report gives.

use serde_json::Value;
#[path = "common/cli.rs"]
mod cli;
use cli::ownlint;

const SHOP: &str = "fixtures/shop";

/// miette renders a tab as this many spaces.
const TAB_WIDTH: usize = 4;

/// A finding as the JSON report gives it: (rule, line, column, table or import), and
/// the text the label underlines (the subject itself, but for a relative import, which
/// the report names by the path it resolves to).
type Expected = (&'static str, u64, u64, &'static str, &'static str);

/// Runs `ownlint check` on one fixture file from the repository root, checks its JSON
/// findings against `expected` and that each position holds the named subject, then
/// snapshots the human report and checks that each label underlines the subject.
fn case(snapshot: &str, file: &str, expected: &[Expected]) {
    let path = format!("{SHOP}/{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));

    let out = ownlint()
        .args(["check", "--format", "json", &path])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1), "{path}: findings are errors");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let found: Vec<(String, u64, u64, String)> = doc["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array"))
        .iter()
        .map(|f| {
            assert_eq!(f["path"], file, "paths are relative to the repository root");
            let subject = f["table"].as_str().or(f["import"].as_str()).unwrap_or("");
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
                subject.to_string(),
            )
        })
        .collect();
    let want: Vec<(String, u64, u64, String)> = expected
        .iter()
        .map(|&(r, l, c, s, _)| (r.to_string(), l, c, s.to_string()))
        .collect();
    assert_eq!(found, want, "{path}");
    for &(_, line, column, _, written) in expected {
        let at = source_line(&text, line)
            .chars()
            .skip(to_index(column) - 1)
            .collect::<String>();
        assert!(
            at.starts_with(written),
            "{path}:{line}:{column} is `{at}`, not `{written}`"
        );
    }

    let out = ownlint()
        .args(["check", "--quiet", "--color", "never", &path])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    let human = String::from_utf8_lossy(&out.stdout).into_owned();
    for &(_, line, column, _, written) in expected {
        assert_label_on(&human, &text, file, line, column, written);
    }
    insta::assert_snapshot!(snapshot, human);
}

fn to_index(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn source_line(text: &str, line: u64) -> &str {
    text.lines()
        .nth(to_index(line) - 1)
        .unwrap_or_else(|| panic!("no line {line}"))
}

/// In the report block headed `[file:line:column]`, the underline below the code line
/// `line` starts under the subject's first character and is as wide as the subject.
fn assert_label_on(human: &str, text: &str, file: &str, line: u64, column: u64, subject: &str) {
    let header = format!("[{file}:{line}:{column}]");
    let lines: Vec<&str> = human.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.contains(&header))
        .unwrap_or_else(|| panic!("no report headed {header} in\n{human}"));
    let code = (start + 1..lines.len())
        .find(|&i| {
            lines[i]
                .split_once('│')
                .is_some_and(|(n, _)| n.trim() == line.to_string())
        })
        .unwrap_or_else(|| panic!("{header}: code line {line} not shown"));
    let underline = lines[code + 1];
    let gutter = lines[code].chars().position(|c| c == '│');
    assert_eq!(
        gutter,
        underline.chars().position(|c| c == '·'),
        "{header}: the underline follows the code line"
    );
    let gutter = gutter.unwrap_or(0);
    // The subject's position in the rendered code line (tabs expanded).
    let prefix: String = source_line(text, line)
        .chars()
        .take(to_index(column) - 1)
        .collect();
    let rendered = prefix.replace('\t', &" ".repeat(TAB_WIDTH)).chars().count();
    let marks: Vec<usize> = underline
        .chars()
        .enumerate()
        .filter(|&(_, c)| matches!(c, '─' | '┬'))
        .map(|(i, _)| i)
        .collect();
    let first = marks.first().copied().unwrap_or(0);
    assert_eq!(
        first,
        gutter + 2 + rendered,
        "{header}: the label starts under `{subject}`:\n{}\n{underline}",
        lines[code]
    );
    assert_eq!(
        marks.len(),
        subject.chars().count(),
        "{header}: the label is as wide as `{subject}`"
    );
}

#[test]
fn sql_migration() {
    case(
        "sql",
        "services/orders/migrations/001_orders.sql",
        &[
            ("cross-service-foreign-key", 7, 40, "users", "users"),
            ("unowned-table", 20, 14, "shipments", "shipments"),
            ("cross-service-ddl", 23, 13, "products", "products"),
        ],
    );
}

#[test]
fn rust_diesel_table() {
    case(
        "rust",
        "services/orders/src/schema.rs",
        &[("cross-service-model", 10, 5, "products", "products")],
    );
}

#[test]
fn typescript_typeorm_entity() {
    case(
        "typescript",
        "services/notifications/src/entities.ts",
        &[("cross-service-model", 14, 18, "users", "users")],
    );
}

#[test]
fn typescript_imports() {
    case(
        "typescript_imports",
        "services/notifications/src/index.ts",
        &[
            (
                "cross-service-import",
                3,
                26,
                "@shop/users-sdk",
                "@shop/users-sdk",
            ),
            (
                "cross-service-import",
                4,
                30,
                "../../users/users-sdk/src/format",
                "../../users/users-sdk/src/format",
            ),
        ],
    );
}

#[test]
fn prisma_map() {
    case(
        "prisma",
        "services/notifications/prisma/schema.prisma",
        &[(
            "cross-service-model",
            24,
            10,
            "user_profiles",
            "user_profiles",
        )],
    );
}

#[test]
fn python_alembic_migration() {
    case(
        "python",
        "services/payments/migrations/versions/001_init.py",
        &[("cross-service-ddl", 18, 22, "carriers", "carriers")],
    );
}

#[test]
fn go_gorm_table_name() {
    // Indented with a tab: the label still sits on the name.
    case(
        "go",
        "services/shipping/internal/store/models.go",
        &[("cross-service-model", 22, 10, "orders", "orders")],
    );
}

#[test]
fn java_jpa_table() {
    case(
        "java",
        "services/reviews/src/main/java/com/shop/reviews/ProductSnapshot.java",
        &[("cross-service-model", 9, 16, "products", "products")],
    );
}

#[test]
fn ruby_table_name() {
    case(
        "ruby",
        "services/loyalty/app/models/loyalty_account.rb",
        &[("cross-service-model", 16, 22, "users", "users")],
    );
}

#[test]
fn csharp_ef_core() {
    case(
        "csharp",
        "services/invoicing/src/Data/InvoicingContext.cs",
        &[
            ("cross-service-model", 15, 9, "payments", "payments"),
            ("cross-service-model", 42, 40, "refunds", "refunds"),
            ("cross-service-write", 48, 45, "sessions", "sessions"),
        ],
    );
}
