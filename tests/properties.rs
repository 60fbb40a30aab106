//! Properties that must hold for all input, not just the fixtures:
//!
//! - the registry loader round-trips: a registry model written out as YAML (in
//!   block or flow style, names plain or quoted, with any Unicode) loads back to the
//!   same model, and so does every example registry of the repository;
//! - every entry's location points at the entry in the file;
//! - `check` reports the same findings whatever the thread count, run after run.
//! - a valid SQL access among random valid constructs that are hard to lex (nested
//!   comments, dollar quotes, psql meta-commands, `#` comments, `DELIMITER` blocks)
//!   is still found, at high confidence and at its exact place.
//!
//! `OWNLINT_FUZZ_CASES` and `OWNLINT_FUZZ_SEED` (see `tests/fuzz.rs`) scale these too.

use assert_cmd::Command;
use ownlint::registry::{self, Registry};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn cases(default: u32) -> u32 {
    std::env::var("OWNLINT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn config(default_cases: u32) -> Config {
    Config {
        cases: cases(default_cases),
        rng_seed: match std::env::var("OWNLINT_FUZZ_SEED").ok().as_deref() {
            Some("random") => RngSeed::Random,
            Some(n) => n.parse().map_or(RngSeed::Fixed(0x0e1a), RngSeed::Fixed),
            None => RngSeed::Fixed(0x0e1a),
        },
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------
// The registry model, independent of locations

#[derive(Clone, Debug, PartialEq, Eq)]
struct Model {
    services: Vec<Svc>,
    exclude: Vec<String>,
    exceptions: Vec<Exc>,
    rules: Vec<(String, &'static str)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Svc {
    name: String,
    owns: Vec<String>,
    publishes: Vec<String>,
    consumes: Vec<String>,
    reads: Vec<(String, Vec<String>)>,
    paths: Option<Vec<String>>,
    public: Vec<String>,
    database: Option<String>,
    schema: Option<String>,
    dialect: Option<&'static str>,
    team: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Exc {
    service: String,
    table: Option<String>,
    import: Option<String>,
    access: Vec<&'static str>,
    reason: String,
    expires: Option<String>,
}

fn level_name(l: registry::SeverityLevel) -> &'static str {
    match l {
        registry::SeverityLevel::Error => "error",
        registry::SeverityLevel::Warning => "warning",
        registry::SeverityLevel::Off => "off",
    }
}

fn access_name(a: registry::ExceptionAccess) -> &'static str {
    match a {
        registry::ExceptionAccess::Read => "read",
        registry::ExceptionAccess::Write => "write",
        registry::ExceptionAccess::Ddl => "ddl",
        registry::ExceptionAccess::Model => "model",
        registry::ExceptionAccess::ForeignKey => "foreign-key",
        registry::ExceptionAccess::Import => "import",
    }
}

/// The model of a loaded registry.
fn model_of(reg: &Registry) -> Model {
    let values = |items: &[registry::Item]| items.iter().map(|i| i.value.clone()).collect();
    Model {
        services: reg
            .services
            .iter()
            .map(|s| Svc {
                name: s.name.clone(),
                owns: s.owns.iter().map(|t| t.written.clone()).collect(),
                publishes: values(&s.publishes),
                consumes: values(&s.consumes),
                reads: s
                    .reads
                    .iter()
                    .map(|r| (r.target.value.clone(), values(&r.endpoints)))
                    .collect(),
                paths: s.paths_declared.then(|| values(&s.paths)),
                public: values(&s.public),
                database: s.database.as_ref().map(|d| d.value.clone()),
                schema: s.schema.as_ref().map(|d| d.value.clone()),
                dialect: s.dialect.map(|d| d.as_str()),
                team: s.team.clone(),
            })
            .collect(),
        exclude: values(&reg.exclude),
        exceptions: reg
            .exceptions
            .iter()
            .map(|e| Exc {
                service: e.service.value.clone(),
                table: e.table.as_ref().map(|t| t.value.clone()),
                import: e.import.as_ref().map(|t| t.value.clone()),
                access: e.access.iter().map(|a| access_name(*a)).collect(),
                reason: e.reason.value.clone(),
                expires: e.expires.as_ref().map(|t| t.value.clone()),
            })
            .collect(),
        rules: reg
            .rule_levels
            .iter()
            .map(|(k, v)| (k.value.clone(), level_name(*v)))
            .collect(),
    }
}

// ---------------------------------------------------------------------------------
// Writing a model as YAML

/// How to write scalars and lists.
#[derive(Clone, Copy, Debug)]
struct Style {
    /// `[a, b]` instead of one `- a` line per item.
    flow: bool,
    /// Plain scalars where YAML allows them, instead of always double-quoting.
    plain: bool,
}

/// A double-quoted YAML scalar: only `"` and `\` are escaped among printable
/// characters; everything YAML does not allow raw is a `\u`/`\U` escape.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fefe}' => out.push(c),
            '\u{ff00}'..='\u{fffd}' | '\u{10000}'.. => out.push(c),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Words YAML 1.1 or 1.2 reads as something other than a string.
const NOT_STRINGS: &[&str] = &[
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "nan", "inf",
];

fn scalar(s: &str, style: Style) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c))
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && !NOT_STRINGS.contains(&s.to_ascii_lowercase().as_str());
    if style.plain && safe {
        s.to_string()
    } else {
        quoted(s)
    }
}

fn list(items: &[String], indent: usize, style: Style) -> String {
    if style.flow || items.is_empty() {
        let inner: Vec<String> = items.iter().map(|i| scalar(i, style)).collect();
        format!(" [{}]\n", inner.join(", "))
    } else {
        let pad = " ".repeat(indent);
        let mut out = String::from("\n");
        for i in items {
            out.push_str(&format!("{pad}- {}\n", scalar(i, style)));
        }
        out
    }
}

fn emit(m: &Model, style: Style) -> String {
    let mut y = String::from("# generated\nservices:");
    y.push_str(if m.services.is_empty() { " {}\n" } else { "\n" });
    for s in &m.services {
        y.push_str(&format!("  {}:\n", scalar(&s.name, style)));
        y.push_str(&format!("    owns:{}", list(&s.owns, 6, style)));
        y.push_str(&format!(
            "    publishes_events:{}",
            list(&s.publishes, 6, style)
        ));
        y.push_str(&format!(
            "    consumes_events:{}",
            list(&s.consumes, 6, style)
        ));
        y.push_str("    reads_from_apis:");
        if s.reads.is_empty() {
            y.push_str(" []\n");
        } else {
            y.push('\n');
            for (target, endpoints) in &s.reads {
                y.push_str(&format!(
                    "      - {}:{}",
                    scalar(target, style),
                    list(endpoints, 10, style)
                ));
            }
        }
        if let Some(p) = &s.paths {
            y.push_str(&format!("    paths:{}", list(p, 6, style)));
        }
        y.push_str(&format!("    public:{}", list(&s.public, 6, style)));
        for (key, v) in [
            ("database", &s.database),
            ("schema", &s.schema),
            ("team", &s.team),
        ] {
            if let Some(v) = v {
                y.push_str(&format!("    {key}: {}\n", scalar(v, style)));
            }
        }
        if let Some(d) = s.dialect {
            y.push_str(&format!("    dialect: {d}\n"));
        }
    }
    y.push_str(&format!("exclude:{}", list(&m.exclude, 2, style)));
    y.push_str("exceptions:");
    if m.exceptions.is_empty() {
        y.push_str(" []\n");
    } else {
        y.push('\n');
        for e in &m.exceptions {
            y.push_str(&format!("  - service: {}\n", scalar(&e.service, style)));
            for (key, v) in [
                ("table", &e.table),
                ("import", &e.import),
                ("expires", &e.expires),
            ] {
                if let Some(v) = v {
                    y.push_str(&format!("    {key}: {}\n", scalar(v, style)));
                }
            }
            let access: Vec<String> = e.access.iter().map(|a| a.to_string()).collect();
            y.push_str(&format!("    access:{}", list(&access, 6, style)));
            y.push_str(&format!("    reason: {}\n", scalar(&e.reason, style)));
        }
    }
    y.push_str("rules:");
    if m.rules.is_empty() {
        y.push_str(" {}\n");
    } else {
        y.push('\n');
        for (k, v) in &m.rules {
            y.push_str(&format!("  {}: {v}\n", scalar(k, style)));
        }
    }
    y
}

// ---------------------------------------------------------------------------------
// Generating models

/// Names as people write them, and names that stress YAML: Unicode, quotes, YAML
/// keywords and indicators, leading and trailing spaces.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-z][a-z0-9_-]{0,15}",
        2 => "[a-z]{1,6}\\.[a-z_]{1,10}",
        1 => "[A-Za-z0-9 ._/:-]{0,12}",
        1 => "\\PC{0,10}",
        1 => any::<String>().prop_map(|s| s.chars().take(10).collect()),
        1 => proptest::sample::select(vec![
            "yes", "No", "null", "~", "true", "1", "0x1f", "1e3", "-", "- a", "a: b", "#x",
            "&a", "*a", "!t", "|", ">", "%x", "@x", "`x", "'", "\"", "\\", "[x]", "{x}",
            " lead", "trail ", "", "\u{feff}bom", "tab\there", "line\nbreak",
        ])
        .prop_map(str::to_string),
    ]
}

fn names(max: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(name(), 0..max)
}

fn optional(s: impl Strategy<Value = String>) -> impl Strategy<Value = Option<String>> {
    prop::option::of(s)
}

fn service() -> impl Strategy<Value = Svc> {
    (
        name(),
        names(5),
        names(3),
        names(3),
        prop::collection::vec((name(), names(3)), 0..3),
        prop::option::of(names(3)),
        names(2),
        (optional(name()), optional(name()), optional(name())),
        prop::option::of(proptest::sample::select(vec![
            "postgres", "mysql", "sqlite", "generic",
        ])),
    )
        .prop_map(
            |(
                name,
                owns,
                publishes,
                consumes,
                reads,
                paths,
                public,
                (database, schema, team),
                dialect,
            )| {
                Svc {
                    name,
                    owns,
                    publishes,
                    consumes,
                    reads,
                    paths,
                    public,
                    database,
                    schema,
                    dialect,
                    team,
                }
            },
        )
}

fn exception() -> impl Strategy<Value = Exc> {
    let access = proptest::sample::select(vec![
        "read",
        "write",
        "ddl",
        "model",
        "foreign-key",
        "import",
    ]);
    (
        name(),
        optional(name()),
        optional(name()),
        prop::collection::vec(access, 0..3),
        name(),
        optional(name()),
    )
        .prop_map(|(service, table, import, access, reason, expires)| Exc {
            service,
            table,
            import,
            access,
            reason,
            expires,
        })
}

fn dedup_by_key<T>(items: Vec<T>, key: impl Fn(&T) -> String) -> Vec<T> {
    let mut seen = BTreeSet::new();
    items.into_iter().filter(|i| seen.insert(key(i))).collect()
}

fn model() -> impl Strategy<Value = Model> {
    let level = proptest::sample::select(vec!["error", "warning", "off"]);
    (
        prop::collection::vec(service(), 0..6),
        names(3),
        prop::collection::vec(exception(), 0..3),
        prop::collection::vec((name(), level), 0..3),
    )
        .prop_map(|(services, exclude, exceptions, rules)| Model {
            // Mapping keys are unique.
            services: dedup_by_key(services, |s| s.name.clone()),
            exclude,
            exceptions,
            rules: dedup_by_key(rules, |r| r.0.clone()),
        })
}

fn load(text: &str) -> Result<Registry, String> {
    registry::load_str(text, "data-ownership.yaml", PathBuf::from("."))
        .map_err(|e| format!("{e}: {:?}", e.help))
}

/// Every entry's location is where the entry stands: its line and column agree with
/// its byte offset, and the text there is the entry (possibly behind a quote).
fn locations_point_at_entries(reg: &Registry, text: &str) -> Result<(), String> {
    // `owns` entries are located on demand (`Registry::owns_loc`).
    let owned: Vec<registry::Item> = reg
        .services
        .iter()
        .enumerate()
        .flat_map(|(si, s)| {
            s.owns
                .iter()
                .enumerate()
                .map(move |(ti, t)| registry::Item {
                    value: t.written.clone(),
                    loc: reg.owns_loc(si, ti),
                })
        })
        .collect();
    let mut items: Vec<&registry::Item> = owned.iter().collect();
    for s in &reg.services {
        items.extend(&s.publishes);
        items.extend(&s.consumes);
        items.extend(&s.paths);
        items.extend(&s.public);
        for r in &s.reads {
            items.push(&r.target);
            items.extend(&r.endpoints);
        }
    }
    items.extend(&reg.exclude);
    for i in items {
        let at = text
            .get(i.loc.offset..)
            .ok_or_else(|| format!("{i:?}: offset outside the text or inside a character"))?;
        let line = text[..i.loc.offset].matches('\n').count() + 1;
        if line != i.loc.line as usize {
            return Err(format!("{i:?}: offset is on line {line}"));
        }
        let plain = !i.value.is_empty()
            && i.value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c));
        if plain && !(at.starts_with(&i.value) || at[1..].starts_with(&i.value)) {
            return Err(format!(
                "{i:?}: the text there is {:?}",
                at.chars().take(20).collect::<String>()
            ));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn registries_round_trip_through_yaml(m in model(), flow in any::<bool>(), plain in any::<bool>()) {
        let text = emit(&m, Style { flow, plain });
        let reg = load(&text).map_err(|e| TestCaseError::fail(format!("{e}\n--- yaml ---\n{text}")))?;
        prop_assert_eq!(model_of(&reg), m, "yaml:\n{}", text);
        locations_point_at_entries(&reg, &text).map_err(TestCaseError::fail)?;
    }
}

/// Every registry of the repository that loads: the canonical example, the shop,
/// and each rule's fixtures.
fn example_registries() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![root.join("fixtures/shop/data-ownership.yaml")];
    let dir = root.join("fixtures/registry");
    let mut fixtures: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("fixtures/registry")
        .filter_map(Result::ok)
        .map(|e| e.path().join("data-ownership.yaml"))
        .filter(|p| p.is_file())
        .collect();
    fixtures.sort();
    out.extend(fixtures);
    out
}

#[test]
fn the_example_registries_round_trip() {
    let mut loaded = 0;
    for path in example_registries() {
        let text = fs::read_to_string(&path).expect("read");
        let Ok(reg) = load(&text) else {
            continue; // fixtures of load errors
        };
        loaded += 1;
        let m = model_of(&reg);
        locations_point_at_entries(&reg, &text)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for style in [
            Style {
                flow: false,
                plain: true,
            },
            Style {
                flow: true,
                plain: false,
            },
        ] {
            let again = emit(&m, style);
            let back = load(&again).unwrap_or_else(|e| panic!("{}: {e}\n{again}", path.display()));
            assert_eq!(model_of(&back), m, "{}", path.display());
        }
    }
    assert!(loaded >= 20, "only {loaded} example registries loaded");
}

#[test]
fn the_readme_example_round_trips() {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let start = readme
        .find("```yaml\n# yaml-language-server")
        .expect("example")
        + "```yaml\n".len();
    let end = start + readme[start..].find("```").expect("end of example");
    let text = &readme[start..end];
    let reg = load(text).expect("the README's example loads");
    let m = model_of(&reg);
    assert_eq!(m.services.len(), 1);
    assert_eq!(m.services[0].owns, ["orders", "order_items", "outbox"]);
    let back = load(&emit(
        &m,
        Style {
            flow: true,
            plain: true,
        },
    ))
    .expect("loads again");
    assert_eq!(model_of(&back), m);
}

// ---------------------------------------------------------------------------------
// Findings do not depend on thread count or run

fn ownlint() -> Command {
    let mut cmd = Command::cargo_bin("ownlint").expect("binary");
    cmd.env("NO_COLOR", "1").env_remove("OWNLINT_REGISTRY");
    cmd
}

/// The findings and summary of `check --format json -j N`, without the timing.
fn check(dir: &Path, threads: usize) -> Value {
    let out = ownlint()
        .current_dir(dir)
        .args(["check", "--format", "json", "-j", &threads.to_string()])
        .output()
        .expect("ownlint runs");
    let mut v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "invalid JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    if let Some(s) = v["summary"].as_object_mut() {
        s.remove("duration_ms");
    }
    v["exit"] = out.status.code().into();
    v
}

fn same_across_threads(dir: &Path) -> Result<(), String> {
    let reference = check(dir, 1);
    for threads in [2, 8, 8, 1] {
        let other = check(dir, threads);
        if other != reference {
            return Err(format!(
                "-j {threads} differs from -j 1:\n{other:#}\nvs\n{reference:#}"
            ));
        }
    }
    Ok(())
}

#[test]
fn the_shop_checks_the_same_with_any_thread_count() {
    let shop = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shop");
    same_across_threads(&shop).unwrap_or_else(|e| panic!("{e}"));
}

const SERVICES: &[&str] = &["orders", "users", "billing"];

/// Lines of code that touch tables (`{T}`), in files of several languages.
const FILE_SHAPES: &[(&str, &str)] = &[
    (
        "sql",
        "SELECT * FROM {T} JOIN {T} ON true;\nINSERT INTO {T} VALUES (1);\n",
    ),
    (
        "sql",
        "CREATE TABLE {T} (id int REFERENCES {T}(id));\n-- ownlint: allow(cross-service-ddl) -- migration\nDROP TABLE {T};\n",
    ),
    ("rs", "fn f() { sqlx::query(\"SELECT * FROM {T}\"); }\n"),
    (
        "ts",
        "await db.query(`UPDATE {T} SET a = 1`);\nknex('{T}');\n",
    ),
    (
        "py",
        "class X(Base):\n    __tablename__ = \"{T}\"\ncursor.execute(\"DELETE FROM {T}\")\n",
    ),
    (
        "rb",
        "class X < ApplicationRecord\n  self.table_name = \"{T}\"\nend\n",
    ),
    ("go", "db.Query(\"SELECT * FROM {T}\")\n"),
    ("java", "@Entity\n@Table(name = \"{T}\")\nclass X {}\n"),
    ("cs", "modelBuilder.Entity<X>().ToTable(\"{T}\");\n"),
    ("sql", "SELECT * FROM {T};\n\0binary\n"),
    ("sql", "SELECT * FROM {T} WHERE x = 'unclosed\n"),
];

/// A small repository: three services owning tables, files in every service and
/// outside them, touching own, foreign and unknown tables.
fn repo() -> impl Strategy<Value = Vec<(String, String)>> {
    let table = proptest::sample::select(vec![
        "orders_t",
        "users_t",
        "billing_t",
        "ghost_t",
        "orders_t",
    ]);
    let file = (
        proptest::sample::select(vec!["orders", "users", "billing", "shared"]),
        proptest::sample::select(FILE_SHAPES),
        prop::collection::vec(table, 3),
        0u32..1000,
    )
        .prop_map(|(dir, (ext, shape), tables, n)| {
            let mut text = String::new();
            let mut rest = shape;
            let mut i = 0;
            while let Some(at) = rest.find("{T}") {
                text.push_str(&rest[..at]);
                text.push_str(tables[i % tables.len()]);
                i += 1;
                rest = &rest[at + 3..];
            }
            text.push_str(rest);
            (format!("services/{dir}/f{n}.{ext}"), text)
        });
    prop::collection::vec(file, 1..40)
}

fn write_repo(files: &[(String, String)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut registry = String::from("services:\n");
    for s in SERVICES {
        registry.push_str(&format!(
            "  {s}-service:\n    paths: [services/{s}]\n    owns: [{s}_t]\n"
        ));
    }
    fs::write(tmp.path().join("data-ownership.yaml"), registry).expect("write");
    for (rel, text) in files {
        let path = tmp.path().join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }
    tmp
}

proptest! {
    #![proptest_config(config(6))]

    #[test]
    fn findings_do_not_depend_on_thread_count(files in repo()) {
        let tmp = write_repo(&files);
        same_across_threads(tmp.path()).map_err(TestCaseError::fail)?;
    }
}

// ---------------------------------------------------------------------------------
// SQL: a valid access among random valid tricky constructs is still found

/// Valid SQL-file chunks that are hard to lex, each complete (a statement with its
/// delimiter, a comment, a client command), with the dialect hints they are valid in
/// (`None`: without a hint). None of them names `orders`.
const TRICKY_SQL: &[(&str, &[Option<&str>])] = &[
    (
        "/* a /* nested, it's */ still comment */\n",
        &[None, Some("postgres")],
    ),
    (
        "/* flat, it's */\n",
        &[None, Some("postgres"), Some("mysql")],
    ),
    (
        "-- it's a comment; SELECT * FROM x\n",
        &[None, Some("postgres"), Some("mysql")],
    ),
    (
        "# it's a MySQL comment\n",
        &[None, Some("postgres"), Some("mysql")],
    ),
    ("SELECT 1; # it's trailing\n", &[None, Some("mysql")]),
    (
        "SELECT a FROM t # it's inside\n WHERE b = 1;\n",
        &[Some("mysql")],
    ),
    (
        "DO $body$ BEGIN PERFORM 1; /* it's */ END $body$;\n",
        &[None, Some("postgres")],
    ),
    (
        "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n",
        &[None, Some("postgres")],
    ),
    (
        "\\set ON_ERROR_STOP on\n",
        &[None, Some("postgres"), Some("mysql")],
    ),
    (
        "\\echo it's done; /* \n",
        &[None, Some("postgres"), Some("mysql")],
    ),
    ("SELECT 1 \\gset\n", &[None, Some("postgres")]),
    (
        "DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; SELECT 'it''s'; END $$\nDELIMITER ;\n",
        &[None, Some("mysql")],
    ),
    (
        "DELIMITER //\nCREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; END //\nDELIMITER ;\n",
        &[None, Some("mysql")],
    ),
    (
        "SELECT 'it''s; /* not a comment' AS s;\n",
        &[None, Some("postgres"), Some("mysql")],
    ),
    (
        "SELECT E'it\\'s; -- not a comment' AS s;\n",
        &[None, Some("postgres")],
    ),
    ("SELECT 'it\\'s; # not a comment' AS s;\n", &[Some("mysql")]),
    (
        "SELECT \"odd \"\"name;\" FROM t;\n",
        &[None, Some("postgres")],
    ),
    ("SELECT `odd ``name;` FROM t;\n", &[None, Some("mysql")]),
    (
        "COPY t (a) FROM stdin;\n1\tit's; DROP\n\\.\n",
        &[None, Some("postgres")],
    ),
    ("SELECT 1\nGO\n", &[None, Some("postgres"), Some("mysql")]),
    ("SELECT 1\n/\n", &[None, Some("postgres"), Some("mysql")]),
];

/// The access the property looks for, as its own statement.
const ACCESS: &str = "SELECT o.id FROM orders o WHERE o.id = $1;\n";

fn tricky_file() -> impl Strategy<Value = (Option<&'static str>, String)> {
    let dialect = proptest::sample::select(vec![None, Some("postgres"), Some("mysql")]);
    (
        dialect,
        prop::collection::vec(0..TRICKY_SQL.len(), 0..8),
        prop::collection::vec(0..TRICKY_SQL.len(), 0..8),
    )
        .prop_map(|(dialect, before, after)| {
            let valid = |i: &usize| TRICKY_SQL[*i].1.contains(&dialect);
            let mut text = String::new();
            for i in before.iter().filter(|i| valid(i)) {
                text.push_str(TRICKY_SQL[*i].0);
            }
            text.push_str(ACCESS);
            for i in after.iter().filter(|i| valid(i)) {
                text.push_str(TRICKY_SQL[*i].0);
            }
            (dialect, text)
        })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn a_valid_access_among_tricky_sql_is_still_found((dialect, text) in tricky_file()) {
        use ownlint::lang::{self, Context, Language};
        use ownlint::model::{AccessKind, Confidence, Target};
        let ctx = Context { dialect: dialect.map(String::from) };
        let ex = lang::extract(Language::Sql, "db/m.sql", &text, &ctx);
        let found = ex.accesses.iter().any(|a| {
            matches!(&a.target, Target::Table(t) if t.name == "orders")
                && a.kind == AccessKind::Read
                && a.confidence == Confidence::High
                && text.get(a.offset..a.offset + a.len) == Some("orders")
        });
        prop_assert!(found, "{dialect:?}: {text:?}: {:?}", ex.accesses);
        prop_assert!(ex.problems.is_empty(), "{dialect:?}: {text:?}: {:?}", ex.problems);
    }
}
