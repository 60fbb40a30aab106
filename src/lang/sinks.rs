//! Where a string goes decides whether it may be SQL: the one table of the calls every
//! extractor knows, per language.
//!
//! A string literal is read as SQL when it reaches a database call (a [`SinkKind::Sql`]
//! sink: `cursor.execute(..)`, `db.Query(..)`, `sqlx::query(..)`); there even a
//! statement no dialect parses is scanned for table names (with low confidence).
//! Anywhere else it counts only when it looks like a statement *and* parses as one.
//! Text that reaches a call known to take prose ([`SinkKind::NonSql`]: an error or
//! exception constructor, a logger, a translation function, a test's name, an
//! assertion) is never SQL, whatever it says: "DELETE FROM orders refused" in an
//! exception message parses as a statement, yet touches no table.
//!
//! The extractors keep what only they can see (argument positions, receivers that
//! must be present, ORM shapes); the names live here, so that a logger or a sink added
//! for one language is added once and tested once (`sinks/tests.rs`). Each lookup compares the
//! callee's own identifiers (no allocation): extractors ask for every call they meet.

#[cfg(test)]
mod tests;

/// What a call does with its string arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SinkKind {
    /// A database call: its SQL argument is analysed whatever it looks like.
    Sql,
    /// A call that takes prose: its strings are never SQL.
    NonSql(NonSql),
}

/// The kinds of prose a call takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonSql {
    /// Error and exception constructors, `raise`, `panic!`, `bail!`, `errors.New`.
    Error,
    /// Loggers, printers and messages shown to a user: `logger.info`,
    /// `console.log`, `println!`, Flask's `flash`, `toast.error`.
    Log,
    /// Translation lookups: `_()`, `gettext`, `t()`, `I18n.t`, `$t`.
    I18n,
    /// A test's name or description: `it("..")`, `describe`, `@DisplayName`.
    TestName,
    /// An assertion's message or expected text: `assertEquals(.., "..")`.
    Assertion,
}

impl NonSql {
    /// True when every string inside the call is prose, arguments of nested calls
    /// included (a message built with `format!` or `String.format`); false when only
    /// the call's own string arguments are: a test's body and an assertion's actual
    /// value are code, which may run real queries.
    pub fn covers_nested(self) -> bool {
        matches!(self, NonSql::Error | NonSql::Log | NonSql::I18n)
    }
}

/// `name` ends in a word that names an error type (`ValueError`, `IllegalStateException`,
/// `ArgumentError`): a type whose constructor takes a message.
fn is_error_type(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && (name.ends_with("Error") || name.ends_with("Exception"))
}

/// True when `recv` names a logger: `log`, `logger`, `LOGGER`, `_log`, `auditLog`.
fn is_logger(recv: &str) -> bool {
    recv.len() >= 3
        && recv
            .as_bytes()
            .windows(3)
            .any(|w| w.eq_ignore_ascii_case(b"log"))
}

// ----- Python ------------------------------------------------------------------------

/// Python calls whose first argument is a SQL statement.
const PYTHON_SQL: &[&str] = &[
    "text",
    "execute",
    "executemany",
    "executescript",
    "exec_driver_sql",
    "read_sql",
    "read_sql_query",
    "raw",
    "RawSQL",
    "RunSQL",
    "fetch",
    "fetchrow",
    "fetchval",
];

/// Python names that, as a non-final part of a callee (`logger.info`,
/// `self.log.debug`), make the call a log call.
const PYTHON_LOGGERS: &[&str] = &["logger", "logging", "log", "_logger", "_log", "structlog"];

/// Python callees that print or warn.
const PYTHON_PRINTERS: &[&str] = &[
    "print",
    "pprint",
    "console.print",
    "console.log",
    "click.echo",
    "click.secho",
    "typer.echo",
    "warnings.warn",
    "sys.stdout.write",
    "sys.stderr.write",
];

/// Python callees that show a message to the user: Flask's `flash`, Django's
/// `messages` framework.
const PYTHON_MESSAGES: &[&str] = &[
    "flash",
    "messages.error",
    "messages.info",
    "messages.warning",
    "messages.success",
    "messages.debug",
    "messages.add_message",
];

/// gettext and its Django/Flask/Babel spellings.
const PYTHON_I18N: &[&str] = &[
    "_",
    "_l",
    "N_",
    "gettext",
    "ngettext",
    "pgettext",
    "npgettext",
    "gettext_lazy",
    "ngettext_lazy",
    "pgettext_lazy",
    "ugettext",
    "ugettext_lazy",
    "lazy_gettext",
    "gettext_noop",
];

/// What the Python call `callee` (dotted, as written: `self.logger.info`) does with
/// its strings. `raise` and `assert` statements are the extractor's: they are not
/// calls.
pub fn python(callee: &str) -> Option<SinkKind> {
    let (receiver, last) = match callee.rsplit_once('.') {
        Some((r, l)) => (Some(r), l),
        None => (None, callee),
    };
    let non_sql = if PYTHON_PRINTERS.contains(&callee)
        || PYTHON_MESSAGES.contains(&callee)
        || receiver.is_some_and(|r| {
            r.split('.')
                .any(|p| PYTHON_LOGGERS.iter().any(|l| p.eq_ignore_ascii_case(l)))
        }) {
        Some(NonSql::Log)
    } else if PYTHON_I18N.contains(&last) {
        Some(NonSql::I18n)
    } else if is_error_type(last)
        || last.ends_with("Warning") && last.starts_with(|c: char| c.is_ascii_uppercase())
        || matches!(callee, "abort" | "sys.exit" | "pytest.fail" | "pytest.skip")
    {
        Some(NonSql::Error)
    } else if last.starts_with("assert") || callee == "pytest.raises" {
        Some(NonSql::Assertion)
    } else {
        None
    };
    match non_sql {
        Some(k) => Some(SinkKind::NonSql(k)),
        None => PYTHON_SQL.contains(&last).then_some(SinkKind::Sql),
    }
}

// ----- Ruby --------------------------------------------------------------------------

/// Ruby calls whose first argument is a SQL statement.
pub const RUBY_SQL: &[&str] = &[
    "execute",
    "find_by_sql",
    "count_by_sql",
    "exec_query",
    "exec_update",
    "exec_delete",
    "exec_insert",
    "select_all",
    "select_one",
    "select_value",
    "select_values",
    "select_rows",
];

/// Ruby callees that print (with no receiver, or an output stream as receiver).
const RUBY_PRINTERS: &[&str] = &[
    "puts",
    "print",
    "p",
    "pp",
    "printf",
    "warn",
    "say",
    "say_with_time",
];

/// Ruby names that, as a non-final part of a callee (`Rails.logger.info`), make it a
/// log call.
const RUBY_LOGGERS: &[&str] = &["logger", "log", "$stdout", "$stderr", "stdout", "stderr"];

/// RSpec, minitest-spec and shoulda blocks whose first argument names a test.
const RUBY_TESTS: &[&str] = &[
    "describe",
    "context",
    "it",
    "specify",
    "example",
    "scenario",
    "feature",
    "shared_examples",
    "shared_examples_for",
    "shared_context",
    "it_behaves_like",
    "include_examples",
    "test",
    "should",
    "xit",
    "xdescribe",
    "fit",
    "fdescribe",
];

/// What the Ruby call `callee` (dotted, as written: `Rails.logger.info`) does with its
/// strings.
pub fn ruby(callee: &str) -> Option<SinkKind> {
    let (receiver, last) = match callee.rsplit_once('.') {
        Some((r, l)) => (Some(r), l),
        None => (None, callee),
    };
    let receivers = || receiver.into_iter().flat_map(|r| r.split('.'));
    let non_sql = if RUBY_PRINTERS.contains(&last)
        && receivers().all(|r| matches!(r, "Kernel" | "$stdout" | "$stderr" | "STDOUT" | "STDERR"))
        || receivers().any(|r| RUBY_LOGGERS.iter().any(|l| r.eq_ignore_ascii_case(l)))
    {
        Some(NonSql::Log)
    } else if matches!(last, "raise" | "fail" | "abort") && receiver.is_none()
        || is_error_type(last)
        || last == "new"
            && receiver.is_some_and(|r| is_error_type(r.rsplit('.').next().unwrap_or(r)))
    {
        Some(NonSql::Error)
    } else if matches!(last, "t" | "translate" | "_" | "n_" | "s_")
        && receiver.is_none_or(|r| matches!(r, "I18n" | "FastGettext"))
    {
        Some(NonSql::I18n)
    } else if RUBY_TESTS.contains(&last) && receiver.is_none_or(|r| r == "RSpec") {
        Some(NonSql::TestName)
    } else if last.starts_with("assert") || last.starts_with("refute") || last == "flunk" {
        Some(NonSql::Assertion)
    } else {
        None
    };
    match non_sql {
        Some(k) => Some(SinkKind::NonSql(k)),
        None => RUBY_SQL.contains(&last).then_some(SinkKind::Sql),
    }
}

// ----- TypeScript and JavaScript -----------------------------------------------------

/// Calls whose string argument is SQL (always analysed, whatever it looks like): as a
/// method (`pool.query(..)`, `prisma.$queryRaw(..)`), or `query(..)` alone.
const JS_SQL: &[&str] = &[
    "raw",
    "query",
    "execute",
    "unsafe",
    "$queryRaw",
    "$executeRaw",
    "$queryRawUnsafe",
    "$executeRawUnsafe",
    "whereRaw",
    "havingRaw",
    "joinRaw",
    "fromRaw",
];

/// Methods of a logger or console: their arguments are messages, never queries.
const JS_LOG_METHODS: &[&str] = &[
    "log", "info", "warn", "warning", "error", "debug", "trace", "fatal", "verbose", "silly",
    "notice", "table", "dir",
];

/// Jest, Mocha, Vitest, Jasmine and node:test functions whose first argument names a
/// test (also as `it.only`, `describe.each(..)`, `test.skip`).
const JS_TESTS: &[&str] = &[
    "describe",
    "context",
    "suite",
    "it",
    "test",
    "specify",
    "xit",
    "xdescribe",
    "fit",
    "fdescribe",
    "xtest",
    "bench",
];

/// Jest/Vitest matchers and mock expectations: their string arguments are expected
/// values (the SQL a query builder should produce), not queries this code runs.
const JS_MATCHERS: &[&str] = &[
    "toBe",
    "toEqual",
    "toStrictEqual",
    "toMatch",
    "toContain",
    "toThrow",
    "toThrowError",
    "toHaveBeenCalledWith",
    "toHaveBeenLastCalledWith",
    "toHaveBeenNthCalledWith",
    "toMatchInlineSnapshot",
];

/// The modifiers of a test function: `it.only("..")`, `describe.skip("..")`.
const JS_TEST_MODIFIERS: &[&str] = &[
    "only",
    "skip",
    "todo",
    "concurrent",
    "failing",
    "each",
    "serial",
    "fails",
];

/// What a TypeScript or JavaScript call does with its strings: `name` is the called
/// identifier, `recv` the identifier before its `.` (`console` in `console.log`),
/// `member` whether it follows a `.` at all.
pub fn js(recv: Option<&str>, name: &str, member: bool) -> Option<SinkKind> {
    // The method name first: most calls are no log call, and it is the cheaper test.
    let logger = || {
        recv.is_some_and(|r| {
            is_logger(r)
                || ["console", "pino", "winston"]
                    .iter()
                    .any(|l| r.eq_ignore_ascii_case(l))
        })
    };
    // Notification libraries: `toast.error("..")`, `message.warning("..")`.
    let notifier = || {
        matches!(
            name,
            "error" | "success" | "info" | "warn" | "warning" | "loading"
        ) && recv.is_some_and(|r| matches!(r, "toast" | "notification" | "notify" | "message"))
    };
    let non_sql = if JS_LOG_METHODS.contains(&name) && logger()
        || notifier()
        || !member && matches!(name, "log" | "debug" | "print" | "alert")
    {
        Some(NonSql::Log)
    } else if is_error_type(name) {
        // `new Error("..")`, and `Error("..")`, which constructs one too.
        Some(NonSql::Error)
    } else if matches!(name, "t" | "$t" | "__" | "_t" | "tc" | "$tc")
        && recv.is_none_or(|r| matches!(r, "i18n" | "i18next" | "I18n" | "this" | "intl" | "$i18n"))
        || name == "translate" && member
    {
        Some(NonSql::I18n)
    } else if JS_TESTS.contains(&name) && !member
        || JS_TEST_MODIFIERS.contains(&name) && recv.is_some_and(|r| JS_TESTS.contains(&r))
    {
        Some(NonSql::TestName)
    } else if !member && name == "assert"
        || recv == Some("assert")
        || name == "fail"
        || member && JS_MATCHERS.contains(&name)
    {
        Some(NonSql::Assertion)
    } else {
        None
    };
    match non_sql {
        Some(k) => Some(SinkKind::NonSql(k)),
        None => (JS_SQL.contains(&name) && (member || name == "query")).then_some(SinkKind::Sql),
    }
}

// ----- Go ----------------------------------------------------------------------------

/// Methods of `*sql.DB`/`Tx`/`Conn`, sqlx, pgx and GORM whose first string argument
/// (after an optional context and destination) is SQL.
const GO_SQL: &[&str] = &[
    "Exec",
    "ExecContext",
    "Query",
    "QueryContext",
    "QueryRow",
    "QueryRowContext",
    "Prepare",
    "PrepareContext",
    "Get",
    "GetContext",
    "Select",
    "SelectContext",
    "NamedExec",
    "NamedExecContext",
    "NamedQuery",
    "NamedQueryContext",
    "MustExec",
    "MustExecContext",
    "Queryx",
    "QueryxContext",
    "QueryRowx",
    "QueryRowxContext",
    "Preparex",
    "PreparexContext",
    "PrepareNamed",
    "PrepareNamedContext",
    "Rebind",
    "Raw",
    "Queue",
];

/// Method-name prefixes of the standard, zap, logrus, zerolog, slog and testing
/// loggers: `logger.Infow`, `t.Errorf`, `log.Info().Msg`.
const GO_LOG_PREFIXES: &[&str] = &[
    "Info", "Debug", "Warn", "Error", "Fatal", "Panic", "Trace", "Print", "Log", "Msg", "Skip",
];

/// What a Go call does with its strings: `name` the called identifier, `recv` the
/// identifier before its `.` (the package or the receiver variable).
pub fn go(recv: Option<&str>, name: &str) -> Option<SinkKind> {
    let non_sql = match recv {
        Some("log" | "slog" | "klog" | "glog") => Some(NonSql::Log),
        Some("errors" | "xerrors" | "pkgerrors") => Some(NonSql::Error),
        // `fmt.Sprintf` builds SQL; the printing and error functions do not.
        Some("fmt") if name == "Errorf" => Some(NonSql::Error),
        Some("fmt") => {
            (name.starts_with("Print") || name.starts_with("Fprint")).then_some(NonSql::Log)
        }
        // testify: `assert.Equal(t, want, got, "message")`.
        Some("assert" | "require") => Some(NonSql::Assertion),
        // A subtest's name: `t.Run("deletes from orders", func(t *testing.T) {..})`.
        Some("t" | "b" | "s" | "suite") if name == "Run" => Some(NonSql::TestName),
        Some(_) if name == "Wrap" || name == "Wrapf" || name == "WithMessage" => {
            Some(NonSql::Error)
        }
        Some(_) => GO_LOG_PREFIXES
            .iter()
            .any(|p| name.starts_with(p))
            .then_some(NonSql::Log),
        None => match name {
            "panic" => Some(NonSql::Error),
            "print" | "println" => Some(NonSql::Log),
            // Ginkgo's specs: `Describe("..", func() {..})`, `It("..", ..)`.
            "Describe" | "Context" | "When" | "It" | "Specify" | "By" | "DescribeTable"
            | "Entry" | "FDescribe" | "FIt" | "PDescribe" | "PIt" | "XDescribe" | "XIt" => {
                Some(NonSql::TestName)
            }
            _ => None,
        },
    };
    match non_sql {
        Some(k) => Some(SinkKind::NonSql(k)),
        None => (recv.is_some() && GO_SQL.contains(&name)).then_some(SinkKind::Sql),
    }
}

// ----- Java and Kotlin ---------------------------------------------------------------

/// Spring `JdbcTemplate`/`NamedParameterJdbcTemplate`/`JdbcClient`, JDBC
/// `Connection`/`Statement`, JPA `createNativeQuery`, R2DBC `sql`, Exposed `exec`:
/// methods whose first string argument is SQL.
const JVM_SQL: &[&str] = &[
    "query",
    "queryForObject",
    "queryForList",
    "queryForMap",
    "queryForRowSet",
    "queryForStream",
    "queryForLong",
    "queryForInt",
    "update",
    "execute",
    "batchUpdate",
    "prepareStatement",
    "prepareCall",
    "executeQuery",
    "executeUpdate",
    "executeLargeUpdate",
    "addBatch",
    "createNativeQuery",
    "sql",
    "exec",
];

/// Logger methods (SLF4J, Log4j, java.util.logging, kotlin-logging).
const JVM_LOG_METHODS: &[&str] = &[
    "info", "warn", "error", "debug", "trace", "fatal", "severe", "warning", "fine", "finer",
    "finest", "config",
];

/// Annotations whose string names a test (JUnit 5, Kotest-style, TestNG).
const JVM_TEST_ANNOTATIONS: &[&str] = &["DisplayName", "Test", "ParameterizedTest", "Description"];

/// Kotlin standard functions whose message argument is prose: `error("..")` throws,
/// `check(..) { ".." }` and `require(..) { ".." }` throw with it, `TODO("..")` too.
const KOTLIN_ERRORS: &[&str] = &[
    "error",
    "TODO",
    "check",
    "require",
    "checkNotNull",
    "requireNotNull",
];

/// What a Java or Kotlin call does with its strings: `name` the called identifier,
/// `recv` the identifier before its `.`, `new` whether `new` precedes it,
/// `annotation` whether `@` does.
pub fn jvm(
    kotlin: bool,
    recv: Option<&str>,
    name: &str,
    new: bool,
    annotation: bool,
) -> Option<SinkKind> {
    let non_sql = if annotation {
        JVM_TEST_ANNOTATIONS
            .contains(&name)
            .then_some(NonSql::TestName)
    } else if matches!(name, "println" | "print" | "printf" | "log")
        || recv.is_some_and(is_logger)
            && (JVM_LOG_METHODS.contains(&name) || name.starts_with("at"))
    {
        Some(NonSql::Log)
    } else if is_error_type(name) && (new || kotlin)
        || kotlin && recv.is_none() && KOTLIN_ERRORS.contains(&name)
    {
        Some(NonSql::Error)
    } else if name.starts_with("assert")
        || name == "fail"
        // AssertJ descriptions: `assertThat(x).as("..")`.
        || recv.is_some()
            && matches!(name, "as" | "describedAs" | "withFailMessage" | "overridingErrorMessage")
    {
        Some(NonSql::Assertion)
    } else {
        None
    };
    match non_sql {
        Some(k) => Some(SinkKind::NonSql(k)),
        None => (!annotation && recv.is_some() && JVM_SQL.contains(&name)).then_some(SinkKind::Sql),
    }
}

// ----- C# ----------------------------------------------------------------------------

/// EF Core raw SQL whose `{0}` placeholders are parameters.
pub const CSHARP_RAW_SQL: &[&str] = &[
    "FromSqlRaw",
    "ExecuteSqlRaw",
    "ExecuteSqlRawAsync",
    "SqlQueryRaw",
];

/// EF Core interpolated SQL and Dapper: the SQL is the first string argument.
const CSHARP_SQL: &[&str] = &[
    "FromSqlInterpolated",
    "FromSql",
    "ExecuteSqlInterpolated",
    "ExecuteSqlInterpolatedAsync",
    "ExecuteSql",
    "ExecuteSqlAsync",
    "SqlQuery",
    "Query",
    "QueryAsync",
    "QueryFirst",
    "QueryFirstAsync",
    "QueryFirstOrDefault",
    "QueryFirstOrDefaultAsync",
    "QuerySingle",
    "QuerySingleAsync",
    "QuerySingleOrDefault",
    "QuerySingleOrDefaultAsync",
    "QueryMultiple",
    "QueryMultipleAsync",
    "QueryUnbufferedAsync",
    "Execute",
    "ExecuteAsync",
    "ExecuteScalar",
    "ExecuteScalarAsync",
    "ExecuteReader",
    "ExecuteReaderAsync",
];

/// Serilog/NLog method names (`Log.Information`) besides `ILogger`'s `Log*`.
const CSHARP_LOG_METHODS: &[&str] = &[
    "Information",
    "Info",
    "Warning",
    "Warn",
    "Error",
    "Debug",
    "Verbose",
    "Fatal",
    "Trace",
    "Critical",
];

/// Test-framework receivers whose methods assert (NUnit, MSTest, xUnit).
const CSHARP_ASSERTS: &[&str] = &[
    "Assert",
    "CollectionAssert",
    "StringAssert",
    "ClassicAssert",
];

/// What a C# call does with its strings: `name` the called identifier, `recv` the
/// identifier before its `.`, `new` whether `new` precedes it, `attribute` whether it
/// stands in `[..]` (`[Fact(DisplayName = "..")]`).
pub fn csharp(recv: Option<&str>, name: &str, new: bool, attribute: bool) -> Option<SinkKind> {
    let r = recv.unwrap_or_default();
    let non_sql = if attribute {
        matches!(
            name,
            "Fact" | "Theory" | "Test" | "TestCase" | "Description" | "TestMethod" | "DisplayName"
        )
        .then_some(NonSql::TestName)
    } else if matches!(r, "Console" | "Debug" | "Trace") && name.starts_with("Write")
        || (name.starts_with("Log") || CSHARP_LOG_METHODS.contains(&name)) && is_logger(r)
    {
        Some(NonSql::Log)
    } else if new && is_error_type(name) {
        Some(NonSql::Error)
    } else if CSHARP_ASSERTS.contains(&r) || name == "Should" {
        Some(NonSql::Assertion)
    } else {
        None
    };
    match non_sql {
        Some(k) => Some(SinkKind::NonSql(k)),
        None => (recv.is_some() && CSHARP_SQL.contains(&name)).then_some(SinkKind::Sql),
    }
}

// ----- Rust --------------------------------------------------------------------------

/// Functions whose first argument is SQL (`sqlx::query(..)`, `diesel::sql_query(..)`).
const RUST_SQL_CALLS: &[&str] = &[
    "query",
    "query_as",
    "query_scalar",
    "query_with",
    "query_as_with",
    "query_scalar_with",
    "sql_query",
];

/// Methods whose first argument is SQL text: `tokio-postgres`/`postgres` clients,
/// `rusqlite` connections, `sqlx` executors.
const RUST_SQL_METHODS: &[&str] = &[
    "query",
    "query_one",
    "query_opt",
    "query_raw",
    "query_typed",
    "query_typed_raw",
    "execute",
    "execute_raw",
    "execute_batch",
    "batch_execute",
    "simple_query",
    "prepare",
    "prepare_cached",
    "prepare_typed",
    "prepare_typed_cached",
    "query_row",
    "query_map",
    "query_and_then",
    "fetch",
    "fetch_all",
    "fetch_one",
    "fetch_optional",
    "fetch_many",
    "execute_many",
];

/// What the Rust macro `name!` does with its strings: the `sqlx` query macros take
/// SQL as their first or second argument (the extractor picks it by position).
pub fn rust_macro(name: &str) -> Option<SinkKind> {
    let non_sql = match name {
        "query"
        | "query_as"
        | "query_scalar"
        | "query_unchecked"
        | "query_as_unchecked"
        | "query_scalar_unchecked" => return Some(SinkKind::Sql),
        "print" | "println" | "eprint" | "eprintln" | "trace" | "debug" | "info" | "warn"
        | "error" | "event" | "span" | "info_span" | "debug_span" | "trace_span" | "warn_span"
        | "error_span" | "dbg" => NonSql::Log,
        "panic" | "unreachable" | "todo" | "unimplemented" | "bail" | "anyhow" | "ensure"
        | "eyre" | "format_err" | "compile_error" => NonSql::Error,
        "assert" | "assert_eq" | "assert_ne" | "debug_assert" | "debug_assert_eq"
        | "debug_assert_ne" | "assert_matches" => NonSql::Assertion,
        "t" | "tr" | "fl" | "gettext" => NonSql::I18n,
        _ => return None,
    };
    Some(SinkKind::NonSql(non_sql))
}

/// What the Rust call `name(..)` (a method when `method`) does with its strings:
/// `Err(format!(..))`, `.expect("..")`, `.context("..")` and an error type's
/// constructor (`io::Error::new(kind, "..")`, `Error::msg("..")`: `owner` is the
/// path segment before `name`) take error messages.
pub fn rust_call(owner: Option<&str>, name: &str, method: bool) -> Option<SinkKind> {
    if owner.is_some_and(|o| o == "Error" || is_error_type(o))
        && matches!(name, "new" | "msg" | "other" | "custom")
    {
        return Some(SinkKind::NonSql(NonSql::Error));
    }
    if method {
        match name {
            "expect" | "expect_err" | "context" | "with_context" | "wrap_err" | "wrap_err_with"
            | "ok_or" | "ok_or_else" | "map_err" => Some(SinkKind::NonSql(NonSql::Error)),
            _ => RUST_SQL_METHODS.contains(&name).then_some(SinkKind::Sql),
        }
    } else {
        match name {
            "Err" => Some(SinkKind::NonSql(NonSql::Error)),
            _ => RUST_SQL_CALLS.contains(&name).then_some(SinkKind::Sql),
        }
    }
}
