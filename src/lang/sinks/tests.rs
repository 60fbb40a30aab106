//! The sink tables, language by language: each row is a call as an extractor sees it
//! and what it does with its strings. The extractors' own tests check that the strings
//! of these calls are (or are not) read as SQL in real code.

use super::*;

const ERROR: Option<SinkKind> = Some(SinkKind::NonSql(NonSql::Error));
const LOG: Option<SinkKind> = Some(SinkKind::NonSql(NonSql::Log));
const I18N: Option<SinkKind> = Some(SinkKind::NonSql(NonSql::I18n));
const TEST: Option<SinkKind> = Some(SinkKind::NonSql(NonSql::TestName));
const ASSERT: Option<SinkKind> = Some(SinkKind::NonSql(NonSql::Assertion));
const SQL: Option<SinkKind> = Some(SinkKind::Sql);

/// A call with a receiver, a name and two flags (`new` and member/attribute), and what
/// it does.
type Row<'a> = (Option<&'a str>, &'a str, bool, bool, Option<SinkKind>);

#[test]
fn python_calls() {
    let cases: &[(&str, Option<SinkKind>)] = &[
        ("cursor.execute", SQL),
        ("session.execute", SQL),
        ("text", SQL),
        ("pd.read_sql", SQL),
        ("ValueError", ERROR),
        ("errors.PermissionDenied", None),
        ("HTTPException", ERROR),
        ("DeprecationWarning", ERROR),
        ("abort", ERROR),
        ("pytest.fail", ERROR),
        ("logger.warning", LOG),
        ("self.log.debug", LOG),
        ("logging.info", LOG),
        ("print", LOG),
        ("warnings.warn", LOG),
        ("flash", LOG),
        ("messages.error", LOG),
        ("_", I18N),
        ("gettext", I18N),
        ("gettext_lazy", I18N),
        ("self.assertEqual", ASSERT),
        ("mock.execute.assert_called_with", ASSERT),
        ("pytest.raises", ASSERT),
        ("format", None),
        ("str.join", None),
    ];
    for &(callee, want) in cases {
        assert_eq!(python(callee), want, "{callee}");
    }
}

#[test]
fn ruby_calls() {
    let cases: &[(&str, Option<SinkKind>)] = &[
        ("connection.execute", SQL),
        ("ActiveRecord::Base.connection.select_all", SQL),
        ("find_by_sql", SQL),
        ("raise", ERROR),
        ("fail", ERROR),
        ("ArgumentError.new", ERROR),
        ("Rails.logger.info", LOG),
        ("puts", LOG),
        ("$stderr.puts", LOG),
        ("I18n.t", I18N),
        ("t", I18N),
        ("_", I18N),
        ("describe", TEST),
        ("RSpec.describe", TEST),
        ("it", TEST),
        ("context", TEST),
        ("assert_equal", ASSERT),
        ("refute_match", ASSERT),
        ("record.t", None),
        ("user.it", None),
        ("where", None),
    ];
    for &(callee, want) in cases {
        assert_eq!(ruby(callee), want, "{callee}");
    }
}

#[test]
fn js_calls() {
    // (receiver, name, after a `.`)
    type JsRow<'a> = (Option<&'a str>, &'a str, bool, Option<SinkKind>);
    let cases: &[JsRow] = &[
        (Some("pool"), "query", true, SQL),
        (None, "query", false, SQL),
        (Some("prisma"), "$queryRaw", true, SQL),
        (Some("knex"), "raw", true, SQL),
        (None, "execute", false, None),
        (None, "TypeError", false, ERROR),
        (Some("errors"), "ConflictException", true, ERROR),
        (None, "Error", false, ERROR),
        (None, "Errors", false, None),
        (Some("console"), "log", true, LOG),
        (Some("logger"), "warn", true, LOG),
        (Some("this"), "warn", true, None),
        (Some("toast"), "error", true, LOG),
        (Some("message"), "warning", true, LOG),
        (Some("message"), "query", true, SQL),
        (None, "t", false, I18N),
        (Some("i18n"), "t", true, I18N),
        (Some("this"), "$t", true, I18N),
        (None, "$t", false, I18N),
        (Some("intl"), "translate", true, I18N),
        (Some("row"), "t", true, None),
        (None, "describe", false, TEST),
        (None, "it", false, TEST),
        (None, "test", false, TEST),
        (Some("it"), "only", true, TEST),
        (Some("describe"), "each", true, TEST),
        (Some("suite"), "test", true, None),
        (None, "assert", false, ASSERT),
        (Some("assert"), "strictEqual", true, ASSERT),
        (None, "toBe", true, ASSERT),
        (None, "toHaveBeenCalledWith", true, ASSERT),
        (None, "toBe", false, None),
    ];
    for &(recv, name, member, want) in cases {
        assert_eq!(js(recv, name, member), want, "{recv:?}.{name}");
    }
}

#[test]
fn go_calls() {
    let cases: &[(Option<&str>, &str, Option<SinkKind>)] = &[
        (Some("db"), "Query", SQL),
        (Some("tx"), "ExecContext", SQL),
        (None, "Query", None),
        (Some("errors"), "New", ERROR),
        (Some("fmt"), "Errorf", ERROR),
        (Some("fmt"), "Sprintf", None),
        (Some("fmt"), "Printf", LOG),
        (Some("pkgerrors"), "Wrap", ERROR),
        (Some("err"), "Wrapf", ERROR),
        (None, "panic", ERROR),
        (Some("log"), "Printf", LOG),
        (Some("logger"), "Infow", LOG),
        (Some("t"), "Errorf", LOG),
        (Some("t"), "Run", TEST),
        (Some("assert"), "Equal", ASSERT),
        (Some("require"), "NoError", ASSERT),
        (None, "Describe", TEST),
        (None, "It", TEST),
        (Some("db"), "It", None),
    ];
    for &(recv, name, want) in cases {
        assert_eq!(go(recv, name), want, "{recv:?}.{name}");
    }
}

#[test]
fn jvm_calls() {
    // (Kotlin, receiver, name, after `new`, after `@`)
    type JvmRow<'a> = (bool, Option<&'a str>, &'a str, bool, bool, Option<SinkKind>);
    let cases: &[JvmRow] = &[
        (false, Some("jdbc"), "queryForObject", false, false, SQL),
        (false, Some("stmt"), "executeQuery", false, false, SQL),
        (false, None, "executeQuery", false, false, None),
        (false, None, "IllegalStateException", true, false, ERROR),
        (false, None, "RuntimeException", true, false, ERROR),
        (false, None, "IllegalStateException", false, false, None),
        (true, None, "IllegalStateException", false, false, ERROR),
        (true, None, "error", false, false, ERROR),
        (true, None, "require", false, false, ERROR),
        (false, Some("LOGGER"), "warn", false, false, LOG),
        (false, Some("log"), "atInfo", false, false, LOG),
        (false, Some("out"), "println", false, false, LOG),
        (false, None, "DisplayName", false, true, TEST),
        (false, None, "Table", false, true, None),
        (false, None, "assertEquals", false, false, ASSERT),
        (
            false,
            Some("Assertions"),
            "assertThat",
            false,
            false,
            ASSERT,
        ),
        (false, Some("assertThat"), "as", false, false, ASSERT),
        (false, None, "fail", false, false, ASSERT),
    ];
    for &(kotlin, recv, name, new, annotation, want) in cases {
        assert_eq!(
            jvm(kotlin, recv, name, new, annotation),
            want,
            "{recv:?}.{name}"
        );
    }
}

#[test]
fn csharp_calls() {
    // (receiver, name, after `new`, inside `[..]`)
    let cases: &[Row] = &[
        (Some("conn"), "QueryAsync", false, false, SQL),
        (Some("db"), "Execute", false, false, SQL),
        (None, "InvalidOperationException", true, false, ERROR),
        (None, "ArgumentException", true, false, ERROR),
        (Some("Console"), "WriteLine", false, false, LOG),
        (Some("_logger"), "LogWarning", false, false, LOG),
        (Some("Log"), "Information", false, false, LOG),
        (Some("Assert"), "AreEqual", false, false, ASSERT),
        (Some("Assert"), "Equal", false, false, ASSERT),
        (None, "Fact", false, true, TEST),
        (None, "TestCase", false, true, TEST),
        (None, "Table", false, true, None),
    ];
    for &(recv, name, new, attribute, want) in cases {
        assert_eq!(csharp(recv, name, new, attribute), want, "{recv:?}.{name}");
    }
}

#[test]
fn rust_calls() {
    for name in ["panic", "bail", "anyhow", "unreachable", "todo", "ensure"] {
        assert_eq!(rust_macro(name), ERROR, "{name}!");
    }
    for name in [
        "println", "eprintln", "info", "warn", "error", "debug", "trace",
    ] {
        assert_eq!(rust_macro(name), LOG, "{name}!");
    }
    for name in ["assert", "assert_eq", "debug_assert_ne"] {
        assert_eq!(rust_macro(name), ASSERT, "{name}!");
    }
    for name in ["query", "query_as", "query_scalar_unchecked"] {
        assert_eq!(rust_macro(name), SQL, "{name}!");
    }
    for name in ["format", "concat", "query_file", "vec", "write"] {
        assert_eq!(rust_macro(name), None, "{name}!");
    }
    assert_eq!(rust_macro("t"), I18N);
    assert_eq!(rust_call(None, "Err", false), ERROR);
    assert_eq!(rust_call(None, "expect", true), ERROR);
    assert_eq!(rust_call(None, "context", true), ERROR);
    assert_eq!(rust_call(None, "expect", false), None);
    assert_eq!(rust_call(Some("Error"), "new", false), ERROR);
    assert_eq!(rust_call(Some("ParseError"), "custom", false), ERROR);
    assert_eq!(rust_call(Some("Vec"), "new", false), None);
    assert_eq!(rust_call(Some("QueryBuilder"), "new", false), None);
    assert_eq!(rust_call(None, "query", false), SQL);
    assert_eq!(rust_call(Some("sqlx"), "query", false), SQL);
    assert_eq!(rust_call(None, "sql_query", false), SQL);
    assert_eq!(rust_call(None, "fetch_all", true), SQL);
    assert_eq!(rust_call(None, "fetch_all", false), None);
}

/// Only messages, translations and test names take every string of the call: an
/// assertion's other arguments and a test's body are code.
#[test]
fn nested_calls_are_prose_only_inside_messages() {
    assert!(NonSql::Error.covers_nested());
    assert!(NonSql::Log.covers_nested());
    assert!(NonSql::I18n.covers_nested());
    assert!(!NonSql::TestName.covers_nested());
    assert!(!NonSql::Assertion.covers_nested());
}
