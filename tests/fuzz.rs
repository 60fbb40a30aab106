//! Fuzz targets on the stable toolchain: proptest feeds each extractor and the
//! registry loader generated input (token soup built from each language's own
//! syntax, deep nesting, arbitrary Unicode and bytes) and checks that nothing panics
//! and that what comes back is well-formed.
//!
//! The normal test run is bounded to seconds with a fixed seed, so CI is repeatable.
//! Longer runs, with fresh random input each time:
//!
//! ```sh
//! OWNLINT_FUZZ_CASES=20000 OWNLINT_FUZZ_SEED=random \
//!     cargo test --release --test fuzz -- --test-threads 2
//! ```
//!
//! A failing case is shrunk and printed; add it to the regression tests at the end
//! of this file. (Failure files are not written: a fixed regression test says what
//! the case exercises.)
//!
//! Cases run in a forked child process (proptest's `fork`), so a stack overflow or an
//! abort inside an extractor fails the case with its input instead of killing the
//! test binary, and a case that runs longer than its timeout is a failure (a hang).

use ownlint::lang::{self, Context, Language};
use ownlint::model::Target;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

#[path = "common/invariants.rs"]
mod invariants;
use invariants::{check_extract, check_registry, path_of};

/// Cases per target: `OWNLINT_FUZZ_CASES`, else a count that keeps the debug-build
/// run to a few seconds per target.
fn cases() -> u32 {
    std::env::var("OWNLINT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(96)
}

/// `OWNLINT_FUZZ_SEED`: a number, or `random`; fixed by default so that CI runs the
/// same cases every time.
fn seed() -> RngSeed {
    match std::env::var("OWNLINT_FUZZ_SEED").ok().as_deref() {
        Some("random") => RngSeed::Random,
        Some(n) => n.parse().map_or(RngSeed::Fixed(0x0e1a), RngSeed::Fixed),
        None => RngSeed::Fixed(0x0e1a),
    }
}

fn config() -> Config {
    Config {
        cases: cases(),
        rng_seed: seed(),
        failure_persistence: None,
        fork: true,
        // Per case, in milliseconds. Inputs reach a few hundred KiB, which debug
        // builds on a busy machine take seconds over (three extractions per case);
        // this catches hangs, not slowness.
        timeout: 60_000,
        max_shrink_iters: 2_000,
        ..Config::default()
    }
}

/// Fragments every language shares: quoting, comments, brackets, whitespace, SQL,
/// table names in all their spellings, and characters whose case folding changes
/// their length (`İ`, `K` KELVIN SIGN) or that are more than one byte.
const COMMON: &[&str] = &[
    "SELECT * FROM ",
    "select id from ",
    "INSERT INTO ",
    "UPDATE ",
    " SET x = 1",
    "DELETE FROM ",
    " JOIN ",
    " WHERE ",
    "CREATE TABLE ",
    "ALTER TABLE ",
    "DROP TABLE ",
    "TRUNCATE ",
    " REFERENCES ",
    "WITH t AS (",
    "MERGE INTO ",
    "COPY ",
    "users",
    "orders",
    "Users",
    "\"users\"",
    "`users`",
    "[users]",
    "billing.invoices",
    "db.s.t",
    "public.\"Orders\"",
    "$$",
    "$tag$",
    "--",
    "/*",
    "*/",
    "'",
    "\"",
    "`",
    ";",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "<",
    ">",
    ",",
    ".",
    ":",
    "=",
    "\n",
    "\r\n",
    "\t",
    " ",
    "  ",
    "\\",
    "\\\"",
    "#",
    "//",
    "%s",
    "?",
    "@",
    "$1",
    "ownlint: allow(cross-service-read) -- why",
    "ownlint: allow(",
    "é",
    "ß",
    "İ",
    "\u{212a}",
    "😀",
    "\u{0}",
    "\u{feff}",
    "\u{2028}",
];

const SQL: &[&str] = &[
    "USE db;\n",
    "\\c db\n",
    "DELIMITER //\n",
    "//\n",
    "DELIMITER ;\n",
    "-- +goose Up\n",
    "-- +migrate StatementBegin\n",
    "COPY users FROM stdin;\n",
    "\\.\n",
    "CREATE INDEX i ON ",
    "FOREIGN KEY (a) REFERENCES ",
    "INSERT INTO orders SELECT * FROM ",
    "CREATE FUNCTION f() RETURNS int AS $$ ",
    "E'\\''",
    "N'x'",
    "x'00'",
    "ALTER TABLE a RENAME TO ",
    "CREATE VIEW v AS ",
];

const RUST: &[&str] = &[
    "sqlx::query(",
    "sqlx::query!(",
    "query_as!(T, ",
    "sqlx::query_file!(\"",
    "r#\"",
    "\"#",
    "r\"",
    "b\"",
    "br#\"",
    "format!(",
    "concat!(",
    "const Q: &str = ",
    "static S: &str = ",
    "{Q}",
    "{}",
    "{{",
    "}}",
    "diesel::table! {",
    "table! {",
    "#[diesel(table_name = ",
    "#[table_name = \"",
    "#[sql_name = \"",
    "#[sea_orm(table_name = \"",
    "schema_name = \"",
    "joinable!(",
    "->",
    "allow_tables_to_appear_in_same_query!(",
    "use ",
    "extern crate ",
    "::",
    "'a",
    "'x'",
    "/// ",
    "//! ",
    "#[doc = \"",
    "mod ",
    "fn f() ",
    ".execute(",
    ".query(",
    ".fetch_all(",
    "QueryBuilder::new(",
    " + ",
    "&",
    "let ",
    "r#type",
];

const TYPESCRIPT: &[&str] = &[
    "${",
    "sql`",
    "knex(",
    "knex.raw(",
    ".from(",
    ".table(",
    ".into(",
    "prisma.",
    "prisma.$queryRaw`",
    "@Entity(",
    "@Entity({ name: ",
    "@Table(",
    "import ",
    " from ",
    "import(",
    "require(",
    "'../",
    "\"../../users/",
    "/re[/]g",
    " / ",
    "db.query(",
    "pgTable(",
    "sequelize.define(",
    "tableName: ",
    "createTable(",
    "schema.createTable(",
    "export ",
    "const ",
    "=>",
    "</div>",
    "<T>",
    "?.",
    "??",
    "#!",
];

const PYTHON: &[&str] = &[
    "\"\"\"",
    "'''",
    "f\"",
    "f'",
    "rf\"",
    "b'",
    "r'",
    "__tablename__ = ",
    "class X(Base):\n    ",
    "class Meta:\n        ",
    "db_table = ",
    "op.create_table(",
    "op.execute(",
    "cursor.execute(",
    "text(",
    "Table(",
    "ForeignKey(\"",
    "import ",
    "from ",
    " import ",
    "from . import ",
    "\\\n",
    "    ",
    "def downgrade():\n    ",
    "def f(",
    "session.execute(",
    "lambda: ",
    ":=",
    "async ",
    "@",
];

const RUBY: &[&str] = &[
    "<<~SQL\n",
    "<<-SQL\n",
    "\nSQL\n",
    "%q(",
    "%Q{",
    "%w[",
    "#{",
    "self.table_name = ",
    "create_table :",
    "create_table \"",
    "add_foreign_key :",
    "execute(",
    "execute <<~SQL\n",
    "find_by_sql(",
    "connection.select_all(",
    "=begin\n",
    "\n=end\n",
    "__END__\n",
    " do |t|\n",
    "\nend\n",
    "def down\n",
    "def up\n",
    ":users",
    "/re/",
    "class X < ApplicationRecord\n",
    "ActiveRecord::Schema.define do\n",
    "?a",
    "$1",
];

const CLIKE: &[&str] = &[
    "db.Query(",
    "db.Exec(",
    "fmt.Sprintf(",
    "func (X) TableName() string { return \"",
    "import (",
    "\"github.com/acme/",
    ".Table(\"",
    "func ",
    "\"\"\"",
    "@Table(name = \"",
    "@Entity",
    "jdbcTemplate.query(",
    "String.format(",
    ".formatted(",
    "createNativeQuery(",
    "@Query(value = \"",
    "nativeQuery = true",
    "package ",
    "import ",
    "${",
    "$",
    "object X : Table(\"",
    "DSL.table(\"",
    "@\"",
    "$\"",
    "$@\"",
    "[Table(\"",
    "ToTable(\"",
    "FromSqlRaw(",
    "ExecuteSqlRaw(",
    "connection.Query(",
    "migrationBuilder.CreateTable(",
    "name: \"",
    "using ",
    "log.Printf(",
    "logger.info(",
    "'\\''",
];

const PRISMA: &[&str] = &[
    "model ",
    "User",
    "Order",
    " {\n",
    "}\n",
    "@@map(\"",
    "@@schema(\"",
    "@map(\"",
    "@relation(fields: [",
    "], references: [",
    "])",
    "@relation(\"",
    "@id",
    "///",
    " String",
    " Int",
    "?",
    "[]",
    "enum ",
    "datasource db {\n",
];

const CARGO_TOML: &[&str] = &[
    "[package]\n",
    "name = \"",
    "[dependencies]\n",
    "[dev-dependencies]\n",
    "[workspace.dependencies]\n",
    "[target.'cfg(unix)'.dependencies]\n",
    "x = { path = \"",
    "workspace = true",
    "package = \"",
    "version = \"1\"",
    "[dependencies.x]\n",
    "path = \"../users\"\n",
    "\"\"\"",
    "'''",
    "[[bin]]\n",
];

const MSBUILD: &[&str] = &[
    "<ProjectReference",
    " Include=\"",
    "..\\",
    "$(MSBuildThisFileDirectory)",
    "<!--",
    "-->",
    "/>",
    "<ItemGroup>",
];

/// The fragments of a language: its own and the shared ones.
fn vocabulary(lang: Language) -> Vec<&'static str> {
    let own: &[&str] = match lang {
        Language::Sql => SQL,
        Language::Rust => RUST,
        Language::TypeScript => TYPESCRIPT,
        Language::Python => PYTHON,
        Language::Ruby => RUBY,
        Language::Go | Language::Java | Language::Kotlin | Language::CSharp => CLIKE,
        Language::Prisma => PRISMA,
        Language::CargoToml => CARGO_TOML,
        Language::MsBuild => MSBUILD,
    };
    own.iter().chain(COMMON).copied().collect()
}

/// One piece of generated input.
fn piece(vocab: Vec<&'static str>) -> impl Strategy<Value = String> {
    let openers = vec![
        "(",
        "[",
        "{",
        "${",
        "(SELECT * FROM ",
        "`${",
        "\"",
        "/*",
        "<<~A\n",
    ];
    prop_oneof![
        12 => proptest::sample::select(vocab).prop_map(str::to_string),
        2 => "[a-z_][a-z0-9_]{0,12}",
        1 => any::<String>().prop_map(|s| s.chars().take(24).collect()),
        // Deep nesting, closed or not.
        1 => (proptest::sample::select(openers), 1usize..2000, any::<bool>()).prop_map(
            |(open, n, close)| {
                let closer = match open {
                    "(" | "(SELECT * FROM " => ")",
                    "[" => "]",
                    "\"" => "\"",
                    "/*" => "*/",
                    "<<~A\n" => "\nA\n",
                    "`${" => "}`",
                    _ => "}",
                };
                let mut s = open.repeat(n);
                if close {
                    s.push_str(&closer.repeat(n));
                }
                s
            }
        ),
    ]
}

/// Token soup for `lang`: mostly unbalanced, it exercises the lexers' error paths.
fn soup(lang: Language) -> impl Strategy<Value = String> {
    prop::collection::vec(piece(vocabulary(lang)), 0..80).prop_map(|v| v.concat())
}

/// SQL statements; `{T}` stands for a generated table name.
const SQL_SHAPES: &[&str] = &[
    "SELECT a FROM {T} WHERE b = 1",
    "select * from {T} t1, {T} as t2",
    "INSERT INTO {T} (a) VALUES (1)",
    "INSERT INTO {T} SELECT * FROM {T}",
    "UPDATE {T} SET a = 1 FROM {T}",
    "DELETE FROM {T} USING {T}",
    "CREATE TABLE {T} (id int REFERENCES {T}(id))",
    "CREATE TABLE IF NOT EXISTS {T} (id int, FOREIGN KEY (id) REFERENCES {T} (id))",
    "ALTER TABLE {T} ADD COLUMN x int",
    "ALTER TABLE {T} RENAME TO {T}",
    "DROP TABLE IF EXISTS {T}, {T}",
    "WITH c AS (SELECT * FROM {T}) SELECT * FROM c JOIN {T} ON true",
    "TRUNCATE {T}",
    "CREATE INDEX i ON {T} (a)",
    "MERGE INTO {T} USING {T} s ON true WHEN MATCHED THEN DELETE",
    "SELECT (SELECT x FROM {T}) FROM {T} WHERE a IN (SELECT a FROM {T})",
    "SELECT * FROM {T} LEFT JOIN {T} USING (id) ORDER BY 1 LIMIT 2",
    "SELECT * FROM {T} -- {T}",
    "SELECT /* {T} */ 1 FROM {T}",
    "SELECT {T}.a FROM {T}",
    "CREATE VIEW v AS SELECT * FROM {T}",
    "COPY {T} FROM stdin",
    "SELECT * FROM {T} WHERE x = 'FROM {T}'",
    "SELECT * FROM",
];

/// Shapes of each language that touch data; `{T}` is a table (or model, crate,
/// package) name, `{S}` a SQL statement from [`SQL_SHAPES`].
fn shapes(lang: Language) -> &'static [&'static str] {
    match lang {
        Language::Sql => &[
            "{S};\n",
            "{S};\n{S};\n",
            "USE {T};\n{S};\n",
            "CREATE FUNCTION f() RETURNS void AS $$ BEGIN {S}; END $$ LANGUAGE plpgsql;\n",
            "DELIMITER //\nCREATE PROCEDURE p() BEGIN {S}; END//\nDELIMITER ;\n",
            "-- +goose Up\n{S};\n-- +goose Down\n{S};\n",
            "COPY {T} FROM stdin;\n1\tx\n\\.\n",
        ],
        Language::Rust => &[
            "fn f() { sqlx::query(r#\"{S}\"#).execute(&p); }\n",
            "fn f() { sqlx::query!(\"{S}\", id); }\n",
            "const Q: &str = \"{T}\";\nfn g() { sqlx::query(&format!(\"SELECT * FROM {Q} WHERE a = {}\", x)); }\n",
            "static S: &str = \"{S}\";\nfn h() { client.query(S, &[]); }\n",
            "diesel::table! { {T} (id) { id -> Int4, } }\n",
            "#[derive(Queryable)]\n#[diesel(table_name = {T})]\nstruct X;\n",
            "#[sea_orm(table_name = \"{T}\", schema_name = \"{T}\")]\npub struct Model;\n",
            "joinable!({T} -> {T} (x));\nallow_tables_to_appear_in_same_query!({T}, {T});\n",
            "use {T}::x;\nfn f() { {T}::y(); }\n",
            "let q = \"{S}\";\n",
            "let q = concat!(\"SELECT * \", \"FROM {T}\");\n",
            "sqlx::query_file!(\"queries/{T}.sql\");\n",
            "log::info!(\"{S}\");\n",
            "/// {S}\nfn doc() {}\n",
        ],
        Language::TypeScript => &[
            "await db.query(`{S}`);\n",
            "await db.query('{S}');\n",
            "const q = sql`{S} AND id = ${id}`;\n",
            "knex('{T}').where({ a: 1 });\n",
            "await knex.from('{T}').join('{T}', 'a', 'b');\n",
            "await knex.schema.createTable('{T}', (t) => {});\n",
            "@Entity({ name: '{T}' })\nexport class X {}\n",
            "@Entity('{T}')\nclass Y {}\n",
            "export const t = pgTable('{T}', { id: serial('id') });\n",
            "sequelize.define('X', {}, { tableName: '{T}' });\n",
            "await prisma.$queryRaw`{S}`;\n",
            "import { x } from '../../{T}/src/db';\n",
            "import x from '@acme/{T}';\nconst y = require('{T}');\n",
            "console.log('{S}');\n",
        ],
        Language::Python => &[
            "cursor.execute(\"{S}\")\n",
            "session.execute(text(\"\"\"{S}\"\"\"))\n",
            "q = f\"{S} WHERE id = {id}\"\ncursor.execute(q)\n",
            "class X(Base):\n    __tablename__ = \"{T}\"\n",
            "class X(models.Model):\n    class Meta:\n        db_table = \"{T}\"\n",
            "def upgrade():\n    op.create_table(\"{T}\", sa.Column(\"id\", sa.Integer))\n    op.execute(\"{S}\")\n",
            "t = Table(\"{T}\", metadata, Column(\"x\", ForeignKey(\"{T}.id\")))\n",
            "from {T}.models import User\nimport {T}\n",
            "logger.info(\"{S}\")\n",
        ],
        Language::Ruby => &[
            "class X < ApplicationRecord\n  self.table_name = \"{T}\"\nend\n",
            "create_table :{T} do |t|\n  t.references :{T}, foreign_key: true\nend\n",
            "execute <<~SQL\n  {S}\nSQL\n",
            "X.find_by_sql(\"{S}\")\n",
            "connection.execute(%q({S}))\n",
            "add_foreign_key :{T}, :{T}\n",
            "def down\n  drop_table :{T}\nend\n",
            "Rails.logger.info(\"{S}\")\n",
        ],
        Language::Go | Language::Java | Language::Kotlin | Language::CSharp => &[
            "rows, err := db.Query(\"{S}\")\n",
            "db.Exec(`{S}`)\n",
            "q := fmt.Sprintf(\"SELECT * FROM %s\", \"{T}\")\n",
            "func (X) TableName() string { return \"{T}\" }\n",
            "db.Table(\"{T}\").Find(&x)\n",
            "import \"github.com/acme/{T}/model\"\n",
            "@Entity\n@Table(name = \"{T}\")\nclass X {}\n",
            "jdbcTemplate.query(\"{S}\", m);\n",
            "em.createNativeQuery(\"\"\"\n{S}\n\"\"\");\n",
            "@Query(value = \"{S}\", nativeQuery = true)\n",
            "String q = String.format(\"SELECT * FROM %s\", \"{T}\");\n",
            "import com.acme.{T}.model.User;\n",
            "dsl.selectFrom(DSL.table(\"{T}\"));\n",
            "object X : Table(\"{T}\")\n",
            "val q = \"\"\"{S}\"\"\"\njdbc.query(q)\n",
            "[Table(\"{T}\")]\npublic class X {}\n",
            "modelBuilder.Entity<X>().ToTable(\"{T}\");\n",
            "ctx.Database.ExecuteSqlRaw(\"{S}\");\n",
            "conn.Query<X>(@\"{S}\");\n",
            "migrationBuilder.CreateTable(name: \"{T}\", columns: t => new {});\n",
            "var q = $\"{S} {id}\";\n",
            "log.Printf(\"{S}\")\n",
        ],
        Language::Prisma => &[
            "model {T} {\n  id Int @id\n  @@map(\"{T}\")\n}\n",
            "model {T} {\n  id Int @id\n  o {T}? @relation(fields: [oid], references: [id])\n  oid Int\n}\n",
            "model {T} {\n  id Int @id\n  @@schema(\"{T}\")\n}\n",
            "/// model {T} {}\n",
        ],
        // Entries of the `[dependencies]` table that [`header`] opens.
        Language::CargoToml => &[
            "{T} = { path = \"../{T}\" }\n",
            "{T} = { workspace = true }\n",
            "{T} = \"1\"\n",
            "x{T} = { package = \"{T}\", path = \"../x\" }\n",
            "{T}.path = \"../{T}\"\n",
        ],
        Language::MsBuild => &[
            "<ProjectReference Include=\"..\\{T}\\{T}.csproj\" />\n",
            "<ProjectReference Include='$(MSBuildThisFileDirectory){T}.csproj'/>\n",
            "<!-- <ProjectReference Include=\"{T}.csproj\" /> -->\n",
        ],
    }
}

/// A table name as code may spell it: plain, mixed case, quoted, qualified, or with
/// characters whose case folding changes their length.
fn table_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z_][a-z0-9_]{0,10}",
        1 => "[A-Z][A-Za-z0-9]{0,8}",
        1 => "[a-z]{1,5}\\.[a-z]{1,6}",
        1 => "\"[A-Za-z é]{1,8}\"",
        1 => "`[a-z]{1,6}`",
        1 => "[a-zéİ\u{212a}ß_]{1,6}",
        1 => proptest::sample::select(vec!["users", "orders", "Users", "public.users", "\"Users\"", "db.s.t"])
            .prop_map(str::to_string),
    ]
}

/// Replaces each `{key}` in `template` with the next of `values` (cycling).
fn fill(template: &str, key: &str, values: &[String]) -> String {
    let mut out = String::new();
    let mut rest = template;
    let mut i = 0;
    while let Some(at) = rest.find(key) {
        out.push_str(&rest[..at]);
        out.push_str(
            values
                .get(i % values.len().max(1))
                .map_or("", String::as_str),
        );
        i += 1;
        rest = &rest[at + key.len()..];
    }
    out.push_str(rest);
    out
}

fn sql_statement() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(SQL_SHAPES),
        prop::collection::vec(table_name(), 1..4),
    )
        .prop_map(|(shape, names)| fill(shape, "{T}", &names))
}

/// One shape of `lang`, filled in.
fn snippet(lang: Language) -> impl Strategy<Value = String> {
    (
        proptest::sample::select(shapes(lang)),
        prop::collection::vec(table_name(), 1..4),
        prop::collection::vec(sql_statement(), 1..3),
    )
        .prop_map(|(shape, names, sql)| fill(&fill(shape, "{S}", &sql), "{T}", &names))
}

/// What a file of `lang` starts with, so that the shapes stand where they mean
/// something (a manifest's dependencies are entries of one table).
fn header(lang: Language) -> &'static str {
    match lang {
        Language::CargoToml => "[package]\nname = \"orders\"\n\n[dependencies]\n",
        _ => "",
    }
}

/// A generated file for `lang`: shapes that touch data with noise between them, or
/// token soup.
fn source(lang: Language) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(
            prop_oneof![6 => snippet(lang), 1 => piece(vocabulary(lang))],
            0..16
        )
        .prop_map(move |v| format!("{}{}", header(lang), v.concat())),
        2 => soup(lang),
    ]
}

/// A file of arbitrary bytes that happen to be UTF-8 (ownlint never hands an
/// extractor anything else).
fn lossy_bytes() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), 0..512)
        .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn fuzz(lang: Language, text: &str) -> Result<(), TestCaseError> {
    check_extract(lang, text)
        .map(|_| ())
        .map_err(|e| TestCaseError::fail(format!("{lang:?}: {e}")))
}

macro_rules! extractor_targets {
    ($($name:ident => $lang:expr),* $(,)?) => {
        proptest! {
            #![proptest_config(config())]
            $(
                #[test]
                fn $name(text in prop_oneof![4 => source($lang), 1 => lossy_bytes()]) {
                    fuzz($lang, &text)?;
                }
            )*
        }
    };
}

extractor_targets! {
    fuzz_sql => Language::Sql,
    fuzz_rust => Language::Rust,
    fuzz_cargo_toml => Language::CargoToml,
    fuzz_typescript => Language::TypeScript,
    fuzz_prisma => Language::Prisma,
    fuzz_python => Language::Python,
    fuzz_ruby => Language::Ruby,
    fuzz_go => Language::Go,
    fuzz_java => Language::Java,
    fuzz_kotlin => Language::Kotlin,
    fuzz_csharp => Language::CSharp,
    fuzz_msbuild => Language::MsBuild,
}

/// Fragments of registries: every key, YAML's anchors, aliases, merge keys, tags,
/// flow and block collections, and indentation.
const YAML: &[&str] = &[
    "services:",
    "\n  order-service:",
    "\n  user-service:",
    "\n    owns: ",
    "\n    paths: ",
    "\n    public: ",
    "\n    publishes_events: ",
    "\n    consumes_events: ",
    "\n    reads_from_apis:",
    "\n      - user-service: ",
    "\n    database: ",
    "\n    schema: ",
    "\n    dialect: ",
    "\n    team: ",
    "\nexclude: ",
    "\nexceptions:",
    "\n  - service: ",
    "\n    table: ",
    "\n    reason: ",
    "\n    expires: ",
    "\n    access: ",
    "\nrules:",
    "\n  dependency-cycle: ",
    "\nversion: ",
    "[users, orders]",
    "[GET /users/:id]",
    "[services/orders]",
    "[\"**/x\"]",
    "../..",
    "/abs",
    "order.placed",
    "2020-02-30",
    "off",
    "postgres",
    "1",
    "~",
    "null",
    "&a ",
    "*a",
    "<<: *a",
    "!!str ",
    "!!map ",
    "!custom ",
    "? ",
    ": ",
    "- ",
    "|\n",
    ">-\n",
    "{",
    "}",
    "[",
    "]",
    ",",
    "'",
    "\"",
    "#",
    "\n",
    "  ",
    "\t",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "é",
    "\u{feff}",
    "\u{0}",
];

fn registry_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        10 => proptest::sample::select(YAML).prop_map(str::to_string),
        2 => "[a-z][a-z0-9._-]{0,10}",
        1 => any::<String>().prop_map(|s| s.chars().take(16).collect()),
        1 => (proptest::sample::select(vec!["[", "{", "- ", "{a: "]), 1usize..3000)
            .prop_map(|(s, n)| s.repeat(n)),
    ];
    prop_oneof![
        5 => prop::collection::vec(piece, 0..100).prop_map(|v| v.concat()),
        1 => lossy_bytes(),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// The loader refuses or accepts any text without panicking; what it accepts,
    /// validation, the path map, the dependency graph and the release plan digest.
    #[test]
    fn fuzz_registry_loader(text in registry_text()) {
        let tmp = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        check_registry(&text, tmp.path()).map_err(TestCaseError::fail)?;
    }
}

// ---------------------------------------------------------------------------------
// Regressions: inputs the fuzzer found, kept as plain tests.

/// Found with the default seed: `@@map("")` gave a table with an empty name and range.
#[test]
fn prisma_empty_map_name_is_not_an_empty_access() {
    let text = "model A {\n  id Int @id\n  @@map(\"\")\n}\n";
    let got = lang::extract(
        Language::Prisma,
        path_of(Language::Prisma),
        text,
        &Context::default(),
    );
    assert_eq!(got.accesses.len(), 1, "the model is still a table: {got:?}");
    for a in &got.accesses {
        assert!(a.len > 0, "{a:?}");
        if let Target::Table(t) = &a.target {
            assert!(!t.name.is_empty(), "{a:?}");
        }
    }
    assert_eq!(got.problems.len(), 1, "the empty name is warned about");
    if let Err(e) = check_extract(Language::Prisma, text) {
        panic!("{e}");
    }
}

/// Found by the long run: invalid escapes (`\S`, `\é`) in unterminated literals.
/// The range is the source spelling of the decoded name.
#[test]
fn escaped_names_in_broken_literals_stay_in_bounds() {
    for (lang, text) in [
        (
            Language::CSharp,
            "\\\"\"\u{1d2e0}\"\"[Table(\"a\\SELECT * FROM ",
        ),
        (Language::Java, "@Table(name = \"\u{e9}\\SELECT * FROM "),
        (
            Language::Kotlin,
            "\"func (X) TableName() string { return \"object X : Table(\"object X : Table(\"object X : Table(\"\u{2000}\\\u{9d7}",
        ),
    ] {
        check_extract(lang, text).unwrap_or_else(|e| panic!("{lang:?}: {e}"));
    }
}

/// Every shape of every language with an empty table name (bare and quoted), the
/// case `@@map("")` showed the generators never produce: no extractor may report a
/// table without a name or an empty range.
#[test]
fn empty_table_names_are_never_accesses() {
    let mut failures = Vec::new();
    for lang in Language::ALL {
        for shape in shapes(lang) {
            for empty in ["", "\"\"", "``", "[]"] {
                // `{T}`s take these in turn: every position gets the empty name
                // once next to real ones (`model users { @@map("") }`).
                let (e, x) = (empty.to_string(), "users".to_string());
                for names in [vec![e.clone()], vec![x.clone(), e.clone()], vec![e, x]] {
                    for statement in SQL_SHAPES.iter().map(|s| fill(s, "{T}", &names)) {
                        let filled = fill(shape, "{S}", std::slice::from_ref(&statement));
                        let text = format!("{}{}", header(lang), fill(&filled, "{T}", &names));
                        if let Err(e) = check_extract(lang, &text) {
                            failures.push(format!("{lang:?} {text:?}: {e}"));
                        }
                    }
                }
            }
        }
    }
    failures.sort();
    failures.dedup();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
