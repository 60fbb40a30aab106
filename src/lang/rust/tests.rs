//! Table-driven tests of the Rust extractor: SQL candidates and their offsets, end
//! to end with the SQL analyser (must flag and must not flag), followed files, ORM
//! mappings, imports, the syntax check and robustness.

use super::*;
use crate::lang::embedded::Embedded;
use crate::model::Place;
use crate::model::{Access, AccessKind, ImportRef, TableRef};
use crate::model::{Confidence, Target};
use lex::{Kind, Word};
use proc_macro2::TokenStream;
use std::ops::Range;
use std::str::FromStr;
use syntax::Split;

fn run(text: &str) -> Extracted {
    extract("svc/src/lib.rs", text, &Context::default())
}

/// (kind, table or crate name, schema, slice of the file, low confidence)
type Row = (AccessKind, String, Option<String>, String, bool);

fn rows(text: &str) -> Vec<Row> {
    let out = run(text);
    out.accesses
        .iter()
        .map(|a| {
            let (name, schema) = match &a.target {
                Target::Table(t) => (t.name.clone(), t.schema.clone()),
                Target::Import(ImportRef::Package(p)) => (p.clone(), None),
                Target::Import(ImportRef::Path(p)) => (p.clone(), None),
            };
            (
                a.kind,
                name,
                schema,
                text[a.offset..a.offset + a.len].to_string(),
                a.confidence == Confidence::Low,
            )
        })
        .collect()
}

fn row(kind: AccessKind, name: &str, slice: &str) -> Row {
    (kind, name.into(), None, slice.into(), false)
}

fn tables(text: &str) -> Vec<Row> {
    rows(text)
        .into_iter()
        .filter(|r| r.0 != AccessKind::Import)
        .collect()
}

fn imports(text: &str) -> Vec<(String, String)> {
    rows(text)
        .into_iter()
        .filter(|r| r.0 == AccessKind::Import)
        .map(|r| (r.1, r.3))
        .collect()
}

/// The SQL candidates of a file: (assembled text, from a known sink, map).
fn candidates(text: &str) -> Vec<(String, bool, Embedded)> {
    prepare(
        text,
        &Crate::default(),
        MAX_CHAIN,
        &mut Extracted::default(),
    )
    .map(|(w, _)| {
        w.candidates
            .iter()
            .map(|(e, sink)| (e.text().to_string(), *sink, e.clone()))
            .collect()
    })
    .unwrap_or_default()
}

/// The file slice that `needle` (found in the assembled text) maps back to.
fn mapped<'t>(text: &'t str, emb: &Embedded, needle: &str) -> &'t str {
    let Some(at) = emb.text().find(needle) else {
        panic!("{needle:?} not in {:?}", emb.text());
    };
    let a = emb.relocate(Access::table(
        AccessKind::Read,
        TableRef::bare(needle),
        at,
        needle.len(),
    ));
    &text[a.offset..a.offset + a.len]
}

fn single_candidate(text: &str) -> (String, bool, Embedded) {
    let mut c = candidates(text);
    assert_eq!(
        c.len(),
        1,
        "{text}\n{:?}",
        c.iter().map(|c| &c.0).collect::<Vec<_>>()
    );
    c.remove(0)
}

// ----- SQL candidates (independent of the SQL analyser) ---------------------------

#[test]
fn sink_shapes_are_candidates_with_exact_offsets() {
    let cases: &[(&str, &str)] = &[
        (
            r#"fn f() { sqlx::query!("SELECT id FROM orders WHERE id = $1", id); }"#,
            "SELECT id FROM orders WHERE id = $1",
        ),
        (
            r#"fn f() { sqlx::query_as!(Order, "SELECT * FROM orders"); }"#,
            "SELECT * FROM orders",
        ),
        (
            r#"fn f() { query_scalar_unchecked!("SELECT count(*) FROM orders"); }"#,
            "SELECT count(*) FROM orders",
        ),
        (
            r##"fn f() { sqlx::query_as_unchecked!(Order, r#"SELECT * FROM "orders""#); }"##,
            r#"SELECT * FROM "orders""#,
        ),
        (
            r#"fn f() { sqlx::query("DELETE FROM orders").execute(&pool); }"#,
            "DELETE FROM orders",
        ),
        (
            r#"fn f() { sqlx::query_as::<_, Order>("SELECT * FROM orders").fetch_all(&pool); }"#,
            "SELECT * FROM orders",
        ),
        (
            r#"fn f() { let b = QueryBuilder::new("INSERT INTO orders (id) "); }"#,
            "INSERT INTO orders (id) ",
        ),
        (
            r#"fn f() { let b = QueryBuilder::<Postgres>::new("UPDATE orders SET "); }"#,
            "UPDATE orders SET ",
        ),
        (
            r#"fn f() { diesel::sql_query("SELECT * FROM orders").load(c); }"#,
            "SELECT * FROM orders",
        ),
        (
            r#"async fn f() { client.query("SELECT * FROM orders", &[]).await; }"#,
            "SELECT * FROM orders",
        ),
        (
            r#"async fn f() { client.batch_execute("TRUNCATE orders").await; }"#,
            "TRUNCATE orders",
        ),
        (
            r#"fn f() { let s = client.prepare("SELECT 1 FROM orders").unwrap(); }"#,
            "SELECT 1 FROM orders",
        ),
        (
            r#"fn f() { conn.execute("INSERT INTO orders (id) VALUES (?1)", params![1]); }"#,
            "INSERT INTO orders (id) VALUES (?1)",
        ),
        (
            r#"fn f() { pool.fetch_all(&*"SELECT * FROM orders".to_string()); }"#,
            "SELECT * FROM orders",
        ),
    ];
    for (src, sql) in cases {
        let (got, sink, emb) = single_candidate(src);
        assert_eq!(&got, sql, "{src}");
        assert!(sink, "not a sink: {src}");
        assert_eq!(mapped(src, &emb, "orders"), "orders", "{src}");
    }
}

#[test]
fn other_literals_are_candidates_but_not_sinks() {
    let cases: &[&str] = &[
        r#"const Q: &str = "SELECT * FROM orders";"#,
        r#"static Q: &str = "SELECT * FROM orders";"#,
        r#"fn f() { let q = "SELECT * FROM orders"; }"#,
        r#"lazy_static! { static ref Q: String = String::from("SELECT * FROM orders"); }"#,
        r#"fn f() { my_macro!(x => "SELECT * FROM orders"); }"#,
    ];
    for src in cases {
        let (_, sink, emb) = single_candidate(src);
        assert!(!sink, "{src}");
        assert_eq!(mapped(src, &emb, "orders"), "orders", "{src}");
    }
}

#[test]
fn comments_doc_comments_and_attributes_are_never_candidates() {
    let cases: &[&str] = &[
        "/// SELECT * FROM orders\nfn f() {}",
        "//! SELECT * FROM orders\nfn f() {}",
        "/** SELECT * FROM orders */\nfn f() {}",
        "/*! SELECT * FROM orders */\nfn f() {}",
        "#[doc = \"SELECT * FROM orders\"]\nfn f() {}",
        "#![doc = \"SELECT * FROM orders\"]\nfn f() {}",
        "// SELECT * FROM orders\nfn f() {}",
        "/* DELETE FROM orders */ fn f() {}",
        "fn f() { x(); } // ownlint: allow(cross-service-read) \"SELECT * FROM orders\"",
        "#[cfg(feature = \"orders\")]\nfn f() {}",
        "#[cfg_attr(test, doc = \"SELECT * FROM orders\")]\nfn f() {}",
        "#[serde(rename = \"orders\")]\nstruct S;",
        "macro_rules! m { () => { /// SELECT * FROM orders\n fn f() {} } }",
        "table! { /// SELECT * FROM orders\n users (id) { id -> Int4, } }",
    ];
    for src in cases {
        assert!(candidates(src).is_empty(), "{src}");
    }
}

/// Messages of logs, panics, errors and assertions are prose (see
/// [`sinks`]): never candidates, however much they look like SQL.
#[test]
fn messages_are_never_candidates() {
    let cases: &[&str] = &[
        r#"fn f() { info!("failed to update orders"); }"#,
        r#"fn f() { tracing::warn!("DELETE FROM orders WHERE id = {id} refused"); }"#,
        r#"fn f() { println!("SELECT * FROM orders"); }"#,
        r#"fn f() { panic!("DELETE FROM orders refused"); }"#,
        r#"fn f() { bail!("UPDATE orders SET paid = true refused"); }"#,
        r#"fn f() -> R { Err(anyhow!("DELETE FROM orders refused")) }"#,
        r#"fn f() -> R { Err(format!("DELETE FROM orders WHERE id = {}", 1)) }"#,
        r#"fn f() -> R { Err(format!("{}", concat!("DELETE FROM ", "orders"))) }"#,
        r#"fn f() { x.expect("SELECT * FROM orders failed"); }"#,
        r#"fn f() { x.context(format!("DELETE FROM orders refused")); }"#,
        r#"fn f() { assert_eq!(n, 1, "DELETE FROM orders must not run"); }"#,
        r#"fn f() { unreachable!("INSERT INTO orders (id) VALUES (1)"); }"#,
    ];
    for src in cases {
        assert!(
            candidates(src).is_empty(),
            "{src}: {:?}",
            candidates(src)
                .iter()
                .map(|c| c.0.clone())
                .collect::<Vec<_>>()
        );
    }
}

/// An assertion's message is prose, but the query it checks is code.
#[test]
fn queries_inside_assertions_and_after_messages_are_still_sinks() {
    let cases: &[&str] = &[
        r#"fn f() { assert!(sqlx::query("SELECT * FROM orders").execute(&p).is_ok(), "DELETE FROM x"); }"#,
        r#"fn f() { panic!("DELETE FROM x"); sqlx::query("SELECT * FROM orders"); }"#,
        r#"fn f() { bail!("{}", format!("DELETE FROM x")); let q = "SELECT * FROM orders"; }"#,
    ];
    for src in cases {
        let c = candidates(src);
        assert_eq!(
            c.len(),
            1,
            "{src}: {:?}",
            c.iter().map(|c| c.0.clone()).collect::<Vec<_>>()
        );
        assert_eq!(mapped(src, &c[0].2, "orders"), "orders", "{src}");
    }
}

#[test]
fn escapes_raw_strings_and_non_ascii_map_exactly() {
    let src = "fn f() { let é = \"ünïcode\"; sqlx::query(\"SELECT \\\"id\\\", '\\u{e9}' \\\n      FROM orders\\tWHERE x = 1\"); }";
    let c = candidates(src);
    let (text, sink, emb) = c.iter().find(|c| c.1).cloned().unwrap_or_default();
    assert!(sink);
    assert_eq!(text, "SELECT \"id\", 'é' FROM orders\tWHERE x = 1");
    assert_eq!(mapped(src, &emb, "orders"), "orders");
    assert_eq!(mapped(src, &emb, "WHERE"), "WHERE");

    let src = "// ünïcödé ✓\nfn f() { sqlx::query!(r##\"SELECT \"a#\" FROM orders\"##); }";
    let (text, _, emb) = single_candidate(src);
    assert_eq!(text, "SELECT \"a#\" FROM orders");
    assert_eq!(mapped(src, &emb, "orders"), "orders");
}

#[test]
fn format_holes_take_constants_of_the_file() {
    let src = r#"
const TABLE: &str = "orders";
pub static SCHEMA: &'static str = "billing";
fn f(table: &str) {
    let a = format!("SELECT * FROM {}.{} WHERE id = $1", SCHEMA, TABLE);
    let b = format!("SELECT * FROM {TABLE}");
    let c = format!("SELECT * FROM {t} WHERE x = '{{y}}'", t = TABLE);
    let d = format!("SELECT * FROM {}", table);
    let e = format!("SELECT * FROM {:?}", TABLE);
    let f = format!("SELECT * FROM {0} JOIN {0}", crate::consts::TABLE);
}
"#;
    let c = candidates(src);
    let texts: Vec<&str> = c.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        texts,
        [
            "orders",
            "billing",
            "SELECT * FROM billing.orders WHERE id = $1",
            "SELECT * FROM orders",
            "SELECT * FROM orders WHERE x = '{y}'",
            "SELECT * FROM __ownlint_hole__",
            "SELECT * FROM __ownlint_hole__",
            "SELECT * FROM orders JOIN orders",
        ]
    );
    // Each name is reported where the format uses the constant.
    let uses = ["TABLE", "{TABLE}", "TABLE"];
    for ((_, _, emb), used) in c[2..5].iter().zip(uses) {
        assert_eq!(mapped(src, emb, "orders"), used);
    }
    assert_eq!(mapped(src, &c[2].2, "billing"), "SCHEMA");
    assert_eq!(mapped(src, &c[2].2, "WHERE"), "WHERE");
    assert_eq!(mapped(src, &c[4].2, "WHERE"), "WHERE");
}

#[test]
fn concat_and_plus_joins() {
    let src = r#"fn f() { let q = concat!("SELECT id ", "FROM orders ", 42); }"#;
    let (text, sink, emb) = single_candidate(src);
    assert_eq!(text, "SELECT id FROM orders 42");
    assert!(!sink);
    assert_eq!(mapped(src, &emb, "orders"), "orders");

    let src = r#"const T: &str = "orders"; fn f() { sqlx::query(&("SELECT * FROM ".to_owned() + T + " WHERE id = 1")); }"#;
    let c = candidates(src);
    let (text, sink, emb) = c.iter().find(|c| c.1).cloned().unwrap_or_default();
    assert!(sink);
    assert_eq!(text, "SELECT * FROM orders WHERE id = 1");
    assert_eq!(mapped(src, &emb, "orders"), "T");
    assert_eq!(mapped(src, &emb, "WHERE"), "WHERE");

    let src = r#"fn f() { sqlx::query(&format!("SELECT * FROM {}", concat!("ord", "ers"))); }"#;
    let (text, sink, _) = single_candidate(src);
    assert_eq!((text.as_str(), sink), ("SELECT * FROM orders", true));
}

#[test]
fn sink_through_a_constant_analyses_the_constant() {
    let src = r#"
fn f() { sqlx::query(GET).fetch_one(&pool); client.query(Self::LIST, &[]); }
const GET: &str = "SELECT * FROM orders WHERE id = $1";
impl X { const LIST: &'static str = r"SELECT * FROM orders"; }
"#;
    let c = candidates(src);
    let sinks: Vec<_> = c.iter().filter(|c| c.1).collect();
    assert_eq!(sinks.len(), 2);
    assert_eq!(sinks[0].0, "SELECT * FROM orders WHERE id = $1");
    assert_eq!(sinks[1].0, "SELECT * FROM orders");
    let first = src.find("orders").unwrap_or(0);
    let second = src.rfind("orders").unwrap_or(0);
    assert_eq!(sinks[0].2.file_offset(14), first);
    assert_eq!(sinks[1].2.file_offset(14), second);
}

#[test]
fn non_sql_args_of_sink_methods_are_ignored() {
    let src = "fn f() { q.execute(&pool); q.fetch_all(&mut *tx); c.query(stmt, &[]); }";
    assert!(candidates(src).is_empty());
}

// ----- end to end, with the SQL analyser -----------------------------------------

#[test]
fn sql_in_strings_must_flag() {
    use AccessKind::*;
    let cases: &[(&str, AccessKind, &str, &str)] = &[
        (
            r#"fn f() { sqlx::query!("SELECT id FROM orders WHERE id = $1", id); }"#,
            Read,
            "orders",
            "orders",
        ),
        (
            r#"fn f() { sqlx::query_as!(Order, "SELECT * FROM orders"); }"#,
            Read,
            "orders",
            "orders",
        ),
        (
            r#"fn f() { sqlx::query_scalar!("SELECT count(*) FROM orders"); }"#,
            Read,
            "orders",
            "orders",
        ),
        (
            r##"fn f() { sqlx::query_as_unchecked!(Order, r#"UPDATE orders SET x = 1"#); }"##,
            Write,
            "orders",
            "orders",
        ),
        (
            r#"fn f() { sqlx::query("DELETE FROM orders WHERE id = $1").execute(&pool); }"#,
            Write,
            "orders",
            "orders",
        ),
        (
            r#"fn f() { sqlx::query_as::<_, Order>("SELECT * FROM orders").fetch_all(&pool); }"#,
            Read,
            "orders",
            "orders",
        ),
        (
            r#"fn f() { diesel::sql_query("SELECT * FROM orders").load(c); }"#,
            Read,
            "orders",
            "orders",
        ),
        (
            r#"async fn f() { client.query("SELECT * FROM orders", &[]).await; }"#,
            Read,
            "orders",
            "orders",
        ),
        (
            r#"async fn f() { client.execute("INSERT INTO orders (id) VALUES ($1)", &[&1]).await; }"#,
            Write,
            "orders",
            "orders",
        ),
        (
            r#"async fn f() { client.batch_execute("CREATE TABLE orders (id int)").await; }"#,
            Ddl,
            "orders",
            "orders",
        ),
        (
            r#"fn f() { conn.execute("INSERT INTO orders (id) VALUES (?1)", params![1]); }"#,
            Write,
            "orders",
            "orders",
        ),
        (
            r#"fn f() { conn.prepare("SELECT id FROM orders").unwrap(); }"#,
            Read,
            "orders",
            "orders",
        ),
        (
            r#"const Q: &str = "SELECT * FROM orders";"#,
            Read,
            "orders",
            "orders",
        ),
        (
            r#"static Q: &str = "UPDATE orders SET paid = true WHERE id = $1";"#,
            Write,
            "orders",
            "orders",
        ),
        (
            r#"fn f() { let q = "SELECT id, total FROM orders WHERE id = $1"; }"#,
            Read,
            "orders",
            "orders",
        ),
        (
            r#"fn f() { let q = "SELECT \"id\" FROM orders\nWHERE id = 1"; }"#,
            Read,
            "orders",
            "orders",
        ),
        (
            r#"fn f() { let q = concat!("SELECT id ", "FROM orders"); }"#,
            Read,
            "orders",
            "orders",
        ),
        (
            r#"const T: &str = "orders"; fn f() { let q = format!("SELECT * FROM {} WHERE id = $1", T); }"#,
            Read,
            "orders",
            "T",
        ),
        (
            r#"const T: &str = "orders"; fn f() { let q = format!("SELECT * FROM {T} WHERE id = $1"); }"#,
            Read,
            "orders",
            "{T}",
        ),
        (
            r#"fn f() { sqlx::query(GET); } const GET: &str = "SELECT * FROM orders WHERE id = $1";"#,
            Read,
            "orders",
            "orders",
        ),
        (
            r#"fn f() { my_macro!(x => "SELECT * FROM orders WHERE id = 1"); }"#,
            Read,
            "orders",
            "orders",
        ),
        (
            r#"lazy_static! { static ref Q: String = String::from("SELECT id FROM orders"); }"#,
            Read,
            "orders",
            "orders",
        ),
        (
            "// ünï ✓\nfn f() { let é = \"ü\"; sqlx::query(\"SELECT \\\"id\\\" FROM orders\"); }",
            Read,
            "orders",
            "orders",
        ),
        (
            r#"fn f() { sqlx::query!("SELECT * FROM billing.invoices"); }"#,
            Read,
            "invoices",
            "invoices",
        ),
        (
            r#"fn f() { sqlx::query!("INSERT INTO orders (user_id) SELECT id FROM users"); }"#,
            Read,
            "users",
            "users",
        ),
    ];
    for (src, kind, name, slice) in cases {
        let got = tables(src);
        assert!(
            got.iter()
                .any(|r| r.0 == *kind && r.1 == *name && r.3 == *slice),
            "{src}\n  want {kind:?} {name} at {slice:?}\n  got {got:?}"
        );
    }
}

#[test]
fn sql_in_strings_must_not_flag() {
    let cases: &[&str] = &[
        "/// SELECT * FROM orders\nfn f() {}",
        "//! DELETE FROM orders\nfn f() {}",
        "/** SELECT * FROM orders */\nfn f() {}",
        "#[doc = \"SELECT * FROM orders\"]\nfn f() {}",
        "// SELECT * FROM orders\nfn f() {}",
        "/* DELETE FROM orders */ fn f() {}",
        "fn f() {} // ownlint: allow(cross-service-read) SELECT * FROM orders",
        r#"fn f() { info!("failed to update users"); }"#,
        r#"fn f() { println!("select a user from the list"); }"#,
        r#"fn f() { let s = "users and orders are shown here"; }"#,
        r#"fn f() { let msg = "Delete from the list"; }"#,
        r#"fn f() { let users = load_users(); let orders = users.len(); }"#,
        r#"#[cfg(feature = "orders")] fn f() {}"#,
        r#"fn f(t: &str) { let q = format!("SELECT * FROM {}", t); }"#,
        r#"fn f() { sqlx::query(&format!("SELECT * FROM {table}")); }"#,
    ];
    for src in cases {
        assert!(tables(src).is_empty(), "{src}\n  got {:?}", tables(src));
    }
}

// ----- follow ----------------------------------------------------------------------

#[test]
fn query_file_macros_are_followed() {
    let src = r#"fn f() {
    sqlx::query_file!("queries/get.sql", id);
    sqlx::query_file_as!(Order, "queries/list.sql");
    query_file_scalar_unchecked!("queries/count.sql");
    sqlx::query(include_str!("../sql/list.SQL"));
    let page = include_str!("page.html");
}"#;
    let out = run(src);
    let got: Vec<(&str, &str)> = out
        .follow
        .iter()
        .map(|f| (f.path.as_str(), &src[f.offset..f.offset + f.len]))
        .collect();
    assert_eq!(
        got,
        [
            ("queries/get.sql", "queries/get.sql"),
            ("queries/list.sql", "queries/list.sql"),
            ("queries/count.sql", "queries/count.sql"),
            ("../sql/list.SQL", "../sql/list.SQL"),
        ]
    );
    assert_eq!(candidates(src).len(), 1); // page.html, a plain literal
}

// ----- ORM mappings ----------------------------------------------------------------

#[test]
fn diesel_tables() {
    use AccessKind::*;
    let src = r#"
// @generated automatically by Diesel CLI.
diesel::table! {
    use diesel::sql_types::*;
    use crate::types::Status;

    /// The users table.
    users (id) {
        id -> Int4,
        #[sql_name = "type"]
        kind -> Text,
    }

    #[sql_name = "app_accounts"]
    accounts (id) {
        id -> Int4,
    }

    billing.invoices (id, year) {
        id -> Int4,
    }

    legacy {
        id -> Integer,
    }
}

table! {
    r#order (id) { id -> Int4, }
}

diesel::joinable!(posts -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(posts, users,);
"#;
    assert_eq!(
        tables(src),
        [
            row(Model, "users", "users"),
            row(Model, "app_accounts", "app_accounts"),
            (
                Model,
                "invoices".into(),
                Some("billing".into()),
                "invoices".into(),
                false
            ),
            row(Model, "legacy", "legacy"),
            row(Model, "order", "order"),
            row(Read, "posts", "posts"),
            row(Read, "users", "users"),
            (Read, "posts".into(), None, "posts".into(), true),
            (Read, "users".into(), None, "users".into(), true),
        ]
    );
}

#[test]
fn orm_attributes() {
    use AccessKind::*;
    let src = r#"
#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct User { id: i32 }

#[derive(Insertable)]
#[diesel(primary_key(id), table_name = crate::schema::posts)]
struct NewPost;

#[derive(Insertable)]
#[table_name = "comments"]
struct OldStyle;

#[cfg_attr(feature = "db", derive(Queryable), diesel(table_name = tags))]
#[cfg_attr(test, doc = "users")]
struct Tag;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cake")]
pub struct Model { #[sea_orm(primary_key)] pub id: i32 }

#[derive(DeriveEntityModel)]
#[sea_orm(schema_name = "billing", table_name = "invoices")]
pub struct Invoice;

impl EntityName for Entity {
    fn table_name(&self) -> &str { "fruit" }
}
trait T { fn table_name(&self) -> &str; fn other() -> &str { "x" } }
"#;
    assert_eq!(
        tables(src),
        [
            row(Model, "users", "users"),
            row(Model, "posts", "posts"),
            row(Model, "comments", "comments"),
            row(Model, "tags", "tags"),
            row(Model, "cake", "cake"),
            (
                Model,
                "invoices".into(),
                Some("billing".into()),
                "invoices".into(),
                false
            ),
            row(Model, "fruit", "fruit"),
        ]
    );
}

#[test]
fn prettytable_style_table_macro_is_not_diesel() {
    let src = r#"fn f() { let t = table!(["users", "orders"], [1, 2]); }"#;
    assert!(tables(src).is_empty());
}

// ----- imports ---------------------------------------------------------------------

fn imp(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn use_trees_and_extern_crates() {
    let src = r#"
use orders_db::models::{Order, OrderLine};
use {billing_api::Client, ::users_core::User};
pub(crate) use r#async::x;
use std::collections::HashMap;
use crate::a;
use self::b;
use super::c;
use core::fmt;
extern crate alloc;
extern crate payments_sdk;
extern crate serde as s;
use inventory as inv;
use local_mod::Thing;
mod local_mod;
"#;
    assert_eq!(
        imports(src),
        imp(&[
            ("orders_db", "orders_db"),
            ("billing_api", "billing_api"),
            ("users_core", "users_core"),
            ("async", "async"),
            ("payments_sdk", "payments_sdk"),
            ("serde", "serde"),
            ("inventory", "inventory"),
        ])
    );
}

#[test]
fn qualified_paths_in_code() {
    let src = r#"
mod helpers;
use orders_db::models;
use users_core::repo as user_repo;

#[derive(payments_sdk::Model)]
struct S { x: Vec<shipping::Parcel> }

fn f() -> Result<(), std::io::Error> {
    let o = orders_db::models::Order::find(); let p = orders_db::x();
    let m = models::Order::all();
    let u = user_repo::get();
    let h = helpers::run();
    let n = i32::MAX + u64::from(1u8) as i32;
    let v = Vec::<u8>::new(); String::from("x"); Self::g(); self::g(); super::g(); crate::g();
    let t = x.method::<inventory::Item>();
    let l = ::notifications::send();
    let q = <T as reporting::Trait>::f();
    let users = get_users();
    macro_call!(analytics::track());
    $crate::inner::f();
    let _ = a::b::c::d();
}
"#;
    assert_eq!(
        imports(src),
        imp(&[
            ("orders_db", "orders_db"),
            ("users_core", "users_core"),
            ("payments_sdk", "payments_sdk"),
            ("shipping", "shipping"),
            ("orders_db", "orders_db"),
            ("inventory", "inventory"),
            ("notifications", "notifications"),
            ("reporting", "reporting"),
            ("analytics", "analytics"),
            ("a", "a"),
        ])
    );
}

#[test]
fn identifiers_named_like_tables_are_not_accesses() {
    let src = r#"
fn f(orders: &[Order]) {
    let users = load();
    let count = users.len() + orders.len();
    println!("select a user from the list");
    info!("failed to update users");
    let s = "users and orders are listed here";
}
"#;
    assert!(tables(src).is_empty());
    assert!(imports(src).is_empty());
}

// ----- robustness ------------------------------------------------------------------

#[test]
fn unparsable_file_still_yields_literals_and_a_problem() {
    let src =
        "use orders_db::X;\nfn f() {\n  let x = 1;\n  let = sqlx::query_file!(\"q.sql\");\n}\n";
    let out = run(src);
    assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
    assert!(
        out.problems[0].message.contains("did not parse (line 4)"),
        "{:?}",
        out.problems
    );
    assert_eq!(&src[out.problems[0].offset..][..1], "=");
    assert_eq!(out.follow.len(), 1);
    assert_eq!(
        imports(src),
        imp(&[("orders_db", "orders_db"), ("sqlx", "sqlx")])
    );
}

#[test]
fn syntax_is_checked_where_something_was_found() {
    // (source, whether the syntax error is reported)
    let cases = [
        // A statement with an access, a followed file or an import.
        (
            "fn f() { let = sqlx::query(\"SELECT * FROM orders\"); }",
            true,
        ),
        ("fn f() { let = sqlx::query_file!(\"q.sql\"); }", true),
        ("fn f() { let = orders_db::x(); }", true),
        ("fn f() { orders_db::x(1 +); }", true),
        (
            "impl X { fn f(&self) { let q = \"DELETE FROM orders\" let; } }",
            true,
        ),
        // The closing expression of a body, and every statement up to the `;`.
        ("fn f() -> u8 { let a = 1; orders_db::x( ,) }", true),
        (
            "fn f() { if a { b } else { c } let = orders_db::x(); }",
            true,
        ),
        // A nested function with an access keeps the statement around it.
        ("fn f() { fn g() { orders_db::x(); } let = ; }", true),
        // Signatures, fields, variants, `use` items and attributes that hold one.
        ("fn f(a: orders_db::X, b: ) { }", true),
        ("struct S { a: orders_db::X, b: }", true),
        ("pub(crate) enum E { A(orders_db::X), B(,) }", true),
        ("struct T(orders_db::X, +);", true),
        ("use orders_db::{x,, y};", true),
        ("#[table_name = \"orders\" +] struct S;", true),
        // The rest of an item outside functions is always checked.
        ("fn f() { } let = ;", true),
        ("struct S<T: +> { a: orders_db::X }", true),
        ("struct S { a: }\nfn f() { let = orders_db::x(); }", true),
        // A const generic argument is part of the signature, not the body.
        ("fn f(a: orders_db::X) -> A<{ let = ; }> { }", true),
        ("fn f() -> A<{ 1 }> { let = ; }", false),
        ("fn f() -> impl Fn() -> A<{ 1 }> { let = ; }", false),
        // So is a macro in braces.
        ("fn f() -> ty!{} { let = orders_db::x(); }", true),
        ("fn f() -> ty!{} { let = ; }", false),
        ("trait T { fn f() -> ty!{}; }", false),
        // Bodies nested in a signature are found too.
        (
            "fn a(x: [u8; { fn b() { let y = 2; } 1 }]) { let = ; }",
            false,
        ),
        // Where something was found is compared in characters, after a byte-order
        // mark and multi-byte characters on the same line.
        (
            "/* éééééééééééééééééééééééé */ fn f() { let = orders_db::x(); }",
            true,
        ),
        (
            "\u{feff}/* éééééééééééééééééééééééé */ fn f() { let = orders_db::x(); }",
            true,
        ),
        (
            "/* éééééééééééééééééééééééé */ fn f() { let = ; } fn g() { orders_db::x(); }",
            false,
        ),
        (
            "/* éééééééééééééééééééééééé */ fn f() { let = 1; orders_db::x(); }",
            false,
        ),
        // Statements, bodies, signatures and attributes in which nothing was found
        // are not parsed.
        ("fn f() { let = ; }", false),
        ("fn f() { info!(\"no sql\"); let = ; }", false),
        ("fn f() { let = ; orders_db::x(); }", false),
        ("fn f() { orders_db::x(); let = ; }", false),
        ("fn f() { sqlx::query_file!(\"q.sql\"); let = ; }", false),
        (
            "impl X { fn f(&self) { let = ; let q = \"DELETE FROM orders\"; } }",
            false,
        ),
        ("fn f() -> u8 { orders_db::x(); let a = 1; a + }", false),
        (
            "impl X { fn f(&self) { let = ; } fn g(&self) { orders_db::x(); } }",
            false,
        ),
        ("trait T { fn f() { let = ; } fn g(); }", false),
        ("fn f(a: ) { }", false),
        ("fn f(a: ) -> u8 + { orders_db::x(); }", false),
        (
            "impl X { pub async fn f<T: +>(&self) where { let q = orders_db::x(); } }",
            false,
        ),
        ("struct S { a: }", false),
        (
            "#[derive(Debug)]\npub struct S<T> where T: Copy { a: T, b: }",
            false,
        ),
        ("enum E { A(,), B { x: } }", false),
        ("struct T(u8 +);", false),
        (
            "use crate::a::{b,, c};\npub(crate) use self::d::;\nfn f() { orders_db::x(); }",
            false,
        ),
        ("fn f() { use super::a::{,,}; orders_db::x(); }", false),
        ("fn f<T: +>(a: u8 +) -> [u8; ] { }", false),
        ("#[cfg(any(a, ))] /// doc\n#[x = ] fn f() { }", false),
    ];
    for (src, reported) in cases {
        let out = run(src);
        assert_eq!(
            out.problems
                .iter()
                .any(|p| p.message.contains("did not parse")),
            reported,
            "{src}: {:?}",
            out.problems
        );
        if reported {
            assert_eq!(out.problems.len(), 1, "{src}: {:?}", out.problems);
            let at = &src[out.problems[0].offset..];
            assert!(
                ["=", "}", ")", "]", ",", "+", "let"]
                    .iter()
                    .any(|p| at.starts_with(p)),
                "{src}: {at}"
            );
        }
    }
    // What was found does not depend on the check.
    let src = "impl X { fn f(&self) { let = ; } fn g(&self) { orders_db::x(); } }";
    assert_eq!(imports(src), imp(&[("orders_db", "orders_db")]));
}

#[test]
fn bodiless_fn_items_are_read_once() {
    // Each `fn` without a body used to be followed to the end of its group (to look
    // for the body, and for a `table_name` function's literal): a 1 MB file of them
    // took minutes. Now each token is read once.
    for item in ["fn a ", "fn table_name(&self) -> &str "] {
        let src = format!(
            "const Q: &str = \"SELECT * FROM orders\";\n{}",
            item.repeat(1_000_000 / item.len())
        );
        let (w, _) = prepare(
            &src,
            &Crate::default(),
            MAX_CHAIN,
            &mut Extracted::default(),
        )
        .unwrap_or_else(|| panic!("refused"));
        assert!(w.functions().is_empty());
        // (The second file's `->` and `&` make one operator chain too long for the
        // syntax check, which it then skips.)
        let out = run(&src);
        let reported = out
            .problems
            .iter()
            .any(|p| p.message.contains("did not parse"));
        assert_eq!(reported, item == "fn a ", "{item}");
        assert_eq!(tables(&src).len(), 1, "{item}");
    }
}

/// The pieces never pass what the whole fails: files of [`VALID`] with a token
/// deleted, doubled or swapped with the next, or with `;`, `}`, `let` or `#![a]`
/// put in, checked in pieces for every variant of [`left_out_variants`].
#[test]
fn pieces_pass_only_what_parses_whole() {
    let mut random = crate::lang::xorshift(0x0c4e_c4ed_91ec_e5a7);
    let (mut passed, mut failed) = (0, 0);
    for src in VALID {
        let Ok(lexed) = lex::lex(src, 0, MAX_DEPTH) else {
            panic!("{src}: refused");
        };
        let toks = lexed.toks;
        for _ in 0..60 {
            let i = (random() % toks.len() as u64) as usize;
            let at = toks[i].at.clone();
            let next = toks.get(i + 1).map_or(at.clone(), |t| t.at.clone());
            let (before, token, after) = (&src[..at.start], &src[at.clone()], &src[at.end..]);
            let mutated = match random() % 7 {
                0 => format!("{before}{after}"),
                1 => format!("{before}{token} {token}{after}"),
                2 => format!(
                    "{before}{} {token}{}",
                    &src[next.clone()],
                    &src[next.end.max(at.end)..]
                ),
                3 => format!("{before}; {token}{after}"),
                4 => format!("{before}}} {token}{after}"),
                5 => format!("{before}let {token}{after}"),
                _ => format!("{before}#![a] {token}{after}"),
            };
            let Some((w, _)) = prepare(
                &mutated,
                &Crate::default(),
                MAX_CHAIN,
                &mut Extracted::default(),
            ) else {
                continue;
            };
            for split in left_out_variants(&w) {
                let whole = parses(&kept(&w, &split.cuts));
                if w.known_valid(&w.skipped(&split.cuts), &split.runs) {
                    assert!(whole, "{mutated}: the pieces pass, the whole fails");
                    passed += 1;
                } else if !whole {
                    failed += 1;
                }
            }
        }
    }
    // Both outcomes are exercised.
    assert!(
        passed > 1000 && failed > 1000,
        "{passed} passed, {failed} failed"
    );
}

/// What the syntax check would leave out of `w`'s file for several answers to
/// "was something found here": nowhere (everything that may be left out is), and
/// eight pseudo-random ones, which mix kept and left-out ranges at every level.
fn left_out_variants(w: &Walker) -> Vec<Split> {
    let mut variants = vec![w.unchecked(|_, _| false)];
    for seed in 1..=8usize {
        variants.push(w.unchecked(|first, last| {
            (first.wrapping_mul(31) ^ last.wrapping_mul(17) ^ seed).wrapping_mul(2654435761) >> 7
                & 1
                == 1
        }));
    }
    variants
}

/// The text the syntax check parses when it leaves `cuts` out of `w`'s file.
fn kept(w: &Walker, cuts: &[Range<usize>]) -> String {
    w.splice(w.base..w.len, &w.skipped(cuts)).0
}

/// Whether `text` lexes with `proc_macro2` and parses as a file with `syn`.
fn parses(text: &str) -> bool {
    shape::parses(shape::Grammar::File, text)
}

/// The tokens `proc_macro2` lexes `text[base..]` into, as the extractor's lexer
/// gives them (kind and byte range in `text`), doc comments left out; `None` if
/// it refuses the text.
fn proc_macro2_tokens(text: &str, base: usize) -> Option<Vec<(Kind, Range<usize>)>> {
    use proc_macro2::{Delimiter, Spacing, TokenTree};
    fn walk(stream: TokenStream, text: &str, base: usize, out: &mut Vec<(Kind, Range<usize>)>) {
        let mut doc = false;
        for tree in stream {
            let r = tree.span().byte_range();
            let at = base + r.start..base + r.end;
            // A doc comment is `#`, `!` for an inner one, and `[doc = ".."]`, all
            // spanning the comment.
            let comment = text[at.clone()].starts_with("//") || text[at.clone()].starts_with("/*");
            if comment || doc {
                doc = comment && !matches!(tree, TokenTree::Group(_));
                continue;
            }
            match tree {
                TokenTree::Group(g) => {
                    let c = match g.delimiter() {
                        Delimiter::Parenthesis => '(',
                        Delimiter::Bracket => '[',
                        Delimiter::Brace => '{',
                        Delimiter::None => ' ',
                    };
                    let (o, cl) = (g.span_open().byte_range(), g.span_close().byte_range());
                    out.push((Kind::Open(c), base + o.start..base + o.end));
                    walk(g.stream(), text, base, out);
                    out.push((Kind::Close, base + cl.start..base + cl.end));
                }
                TokenTree::Ident(_) => {
                    let word = Word::of(text.as_bytes().get(at.clone()).unwrap_or_default());
                    out.push((Kind::Ident(word), at));
                }
                TokenTree::Literal(_) => out.push((Kind::Lit, at)),
                TokenTree::Punct(p) => {
                    out.push((Kind::Punct(p.as_char(), p.spacing() == Spacing::Joint), at));
                }
            }
        }
    }
    let stream = TokenStream::from_str(&text[base..]).ok()?;
    let mut out = Vec::new();
    walk(stream, text, base, &mut out);
    Some(out)
}

#[test]
fn lexed_like_proc_macro2() {
    let same = [
        "fn f<'a>(x: &'a str, y: &'static u8) -> impl Fn() + 'a { 'outer: loop { break 'outer; } }",
        "let r#type = r#\"raw \"quoted\" text\"#; let b = br##\"x\"##; let c = c\"c\"; let d = b'x';",
        "a::b::<C>(); x -> y => z; a <<= 1; x.0.1; 1..2; 1..=2; 1.0e5f32; 0x1F_u8; 1.;",
        "/// outer doc\n//! inner doc\n/** block doc */ /*! inner block */ fn f() {}",
        "/* nested /* comment */ still */ x = // line\n y; a =/* c */= b; c =// d\n= e;",
        "m!($x:expr, $($y:tt)*); #[attr(a = \"b\")] #![inner] @ ~ ? % ^ | & ! -",
        "let s = \"multi\nline \\\" string\"; let c = '\\''; let e = '\\u{1F600}'; 'r#loop: {}",
        "fn é() { let ü = \"ö\"; }",
        "let y = 1e; let z = 1e+x; let w = 1E-; let v = 1.5e-3;",
        "\u{feff}fn main() {}",
        "#!/usr/bin/env run-cargo-script\nfn main() {}",
        "#![allow(x)]\nfn main() {}",
    ];
    for src in same {
        let base = prelude_len(src);
        let ours = lex::lex(src, base, MAX_DEPTH)
            .unwrap_or_else(|e| panic!("{src}: {e:?}"))
            .toks
            .into_iter()
            .map(|t| (t.kind, t.at))
            .collect::<Vec<_>>();
        assert_eq!(Some(ours), proc_macro2_tokens(src, base), "{src}");
    }
    // Refused by both, with what is wrong and where.
    let refused = [
        ("let s = \"open;", "unterminated string literal", 8),
        ("let c = '\\n", "unterminated character literal", 8),
        ("let r = r#\"open\";", "invalid raw string literal", 8),
        ("x /* open /* nested */", "unterminated block comment", 2),
        ("fn f() { ( }", "unbalanced brackets", 11),
        ("fn f() { [ )", "unbalanced brackets", 11),
        ("fn f() {", "unclosed bracket", 7),
        ("}", "unbalanced brackets", 0),
        ("let € = 1;", "unexpected character `€`", 4),
        ("let x = 0x;", "number without digits", 8),
        ("fn f<'1a>() {}", "invalid lifetime", 5),
    ];
    for (src, message, offset) in refused {
        assert!(proc_macro2_tokens(src, 0).is_none(), "{src}");
        let err = lex::lex(src, 0, MAX_DEPTH).map(|l| l.toks.len());
        assert_eq!(
            err,
            Err(lex::Refused {
                offset,
                message: message.into(),
                too_deep: false
            }),
            "{src}"
        );
    }
    // Accepted here, refused by proc_macro2 (it checks escapes and character
    // literals): the syntax check reads the literal if something was found in its
    // statement, and says so.
    for src in ["let s = \"\\q\";", "let c = 'ab';", "let w = 0b2;"] {
        assert!(proc_macro2_tokens(src, 0).is_none(), "{src}");
        assert!(lex::lex(src, 0, MAX_DEPTH).is_ok(), "{src}");
    }
    let out = run("fn f() { let q = \"\\q\"; orders_db::x(\"\\q\"); }");
    assert_eq!(
        imports("fn f() { let q = \"\\q\"; orders_db::x(); }").len(),
        1
    );
    assert!(
        out.problems.len() == 1 && out.problems[0].message.contains("did not parse (line 1)"),
        "{:?}",
        out.problems
    );
    assert_eq!(out.problems[0].offset, 36);
}

/// Valid files with what the syntax check may leave out at every level: generics,
/// const blocks, signatures, attributes, macros, nested functions, inner
/// attributes and doc comments.
const VALID: &[&str] = &[
    "fn f() -> A<{ N + 1 }> { x }",
    "fn f<const N: usize>() -> [u8; { N }] where [u8; N]: Sized { [0; N] }",
    "pub(crate) const unsafe extern \"C\" fn f(a: u8) -> u8 { a }",
    "async fn f() { let g = || { 1 }; async { g() }.await; }",
    "trait T { fn f(&self) -> u8 { 1 } fn g(); }",
    "extern \"C\" { fn f(x: i32) -> i32; }",
    "impl<T> S<T> where T: Fn(u8) -> u8 { fn f(&self) { match 1 { _ => {} } } }",
    "macro_rules! m { ($n:ident) => { fn $n() { let x = 1; } }; } m!(a);",
    "fn f() { fn g() { struct S { a: u8 } } let s = S { a: 1 }; }",
    "type F = fn(u8) -> u8; static G: fn() = { fn h() {} h };",
    "fn f() -> impl Fn() -> u8 { || 1 }",
    "#[cfg(test)] mod t { #[test] fn f() { assert!(true); } }",
    "fn f<F: Fn(u8) -> u8, const N: usize>(f: F, #[cfg(a)] x: [u8; N]) -> u8 { f(1) }",
    "fn f() { #![allow(unused)] #[cfg(x)] let a = 1; if a { } else { } let b = [0u8; 4]; \
         struct S; m! { x } m!(y); loop { break } }",
    "fn f() -> u8 { let Some(x) = g() else { return 0; }; match x { #[cfg(a)] 1 => 2, _ => 3 } }",
    "/// A struct.\n#[derive(Debug)]\npub struct S<#[cfg(a)] T> { #[serde(rename = \"x\")] a: T }",
    "#![doc = \"inner\"]\n//! More.\nfn f(#[cfg(a)] x: u8) {}",
    "fn f() { let c = |x| x + 1; c(1); unsafe { g() }; 'a: loop { break 'a; } }",
    "enum E { #[default] A, B = 2 } union U { a: u8 }",
    "fn f() { { let x = 1; } ; ; let v = vec![1; 3]; for i in v { let _ = #[cfg(a)] i; } }",
    "impl X { const A: u8 = { 1 }; fn f(self: Box<Self>) -> Self { *self } }",
    // A macro in braces in a signature is not the body; the never type is not
    // a macro.
    "macro_rules! ty { () => { u8 } } fn f() -> ty!{} { 0 } fn g() where ty!{}: Sized {}",
    "trait T { fn f() -> ty!{}; } extern \"C\" { fn g() -> ty!{}; } fn h() -> ! { loop {} }",
];

#[test]
fn leaving_out_what_the_check_may_keeps_valid_files_valid() {
    for src in VALID {
        let (w, _) = prepare(src, &Crate::default(), MAX_CHAIN, &mut Extracted::default())
            .unwrap_or_else(|| panic!("{src}: refused"));
        assert!(parses(src), "{src}: not valid");
        // Without its comments (doc comments among them), still valid.
        let bare = kept(&w, &[]);
        assert!(parses(&bare) && !bare.contains("//"), "{src}: {bare}");
        // The `extern` block's declaration has no body; in the macro, `fn $n` is
        // not taken for a function (`syn` does not parse a macro's body anyway).
        let none =
            !src.contains("fn ") || src.starts_with("extern") || src.starts_with("macro_rules! m");
        assert_eq!(w.functions().is_empty(), none, "{src}");
        // Left out wherever allowed, no attribute is left.
        let least = kept(&w, &w.unchecked(|_, _| false).cuts);
        assert!(!least.contains('#'), "{src}: {least}");
        for split in left_out_variants(&w) {
            let text = kept(&w, &split.cuts);
            assert!(
                parses(&text),
                "{src}: not valid once {:?} are left out: {text}",
                split.cuts
            );
            // Checked in pieces, it is valid too (so the memo can answer), but
            // for an inner attribute at the start of a kept body, which a run
            // of statements cannot hold: the whole is then parsed.
            assert!(
                w.known_valid(&w.skipped(&split.cuts), &split.runs) || text.contains("#!["),
                "{src}: pieces of {text} do not parse"
            );
        }
    }
}

#[test]
fn unlexable_file_is_a_problem_without_accesses() {
    for src in [
        "use orders_db::X;\nfn f() { let s = \"unterminated; }\n",
        "fn f() { ( }",
        "}",
    ] {
        let out = run(src);
        assert!(out.accesses.is_empty() && out.follow.is_empty());
        assert_eq!(out.problems.len(), 1, "{src}");
        assert!(
            out.problems[0].message.contains("could not tokenize"),
            "{:?}",
            out.problems
        );
    }
}

#[test]
fn deep_nesting_is_refused_without_overflow() {
    let n = 50_000;
    for (open, close) in [("(", ")"), ("{", "}"), ("[", "]")] {
        let src = format!(
            "fn f() {{ let x = {}1{}; }}",
            open.repeat(n),
            close.repeat(n)
        );
        let out = run(&src);
        assert!(out.accesses.is_empty());
        assert_eq!(out.problems.len(), 1);
        assert!(out.problems[0].message.contains("nesting deeper than 256"));
    }
    // Unbalanced deep nesting is a lexing problem, also without overflow.
    let out = run(&format!("fn f() {{ {}", "(".repeat(n)));
    assert_eq!(out.problems.len(), 1);
    // Just under the limit is analysed.
    let src = format!(
        "fn f() {{ let x = {}orders_db::x(){}; }}",
        "(".repeat(200),
        ")".repeat(200)
    );
    assert_eq!(imports(&src), imp(&[("orders_db", "orders_db")]));
}

/// Files whose operator chains (see [`longest_chain`]) are about `n` long, one per
/// shape of recursion in `syn`. Each body has an access, so that the syntax check
/// parses it.
fn chains(n: usize) -> Vec<String> {
    vec![
        format!(
            "fn f() {{ orders_db::x(); let x = {}true; }}",
            "!".repeat(n)
        ),
        format!(
            "fn f() {{ orders_db::x(); let x = {}true; }}",
            "- ".repeat(n)
        ),
        format!(
            "fn f() {{ orders_db::x(); let x = 1{}; }}",
            " + 1".repeat(n)
        ),
        format!("fn f() {{ orders_db::x(); let x = a{}; }}", ".b".repeat(n)),
        format!("fn f() {{ orders_db::x(); let x = a{}; }}", "()".repeat(n)),
        format!(
            "fn f() {{ orders_db::x(); let x = a{}; }}",
            " = a".repeat(n)
        ),
        format!(
            "fn f() {{ orders_db::x(); let x = {}a; }}",
            "|| ".repeat(n / 2)
        ),
        format!(
            "fn f() {{ orders_db::x(); let x = {}a; }}",
            "return ".repeat(n)
        ),
        format!(
            "fn f() {{ orders_db::x(); let x = {}a; }}",
            "&mut ".repeat(n / 2)
        ),
        format!("type T = {}u8{};", "Vec<".repeat(n / 2), ">".repeat(n / 2)),
        format!(
            "fn f() {{ orders_db::x(); let x = {}a; }}",
            "{a} + ".repeat(n / 2)
        ),
        // Chains inside each of many nested levels add up.
        format!(
            "fn f() {{ orders_db::x(); {}1{} }}",
            "(!!!!!!!!!!".repeat(n / 11),
            ")".repeat(n / 11)
        ),
        format!(
            "fn f() {{ orders_db::x(); let x = \"SELECT 1\"{}; }}",
            " + \"x\"".repeat(n)
        ),
    ]
}

/// [`extract`] on a scan worker: each file analysed in place, on the worker's stack.
fn on_worker(src: &str) -> Extracted {
    std::thread::scope(|s| {
        spawn_worker(s, "test-worker", || run(src))
            .expect("a worker thread")
            .join()
            .expect("no panic")
    })
}

#[test]
fn long_operator_chains_do_not_overflow() {
    // Just under the limit, where syn still checks the file, and far beyond it; on a
    // thread of its own per file and on a worker (both with the large stack).
    for n in [MAX_CHAIN - 8, 50_000] {
        for src in chains(n) {
            let toks = lex::lex(&src, 0, MAX_DEPTH)
                .map(|l| l.toks)
                .unwrap_or_default();
            assert!(n > MAX_CHAIN || longest_chain(&toks) <= MAX_CHAIN);
            for out in [run(&src), on_worker(&src)] {
                assert!(out.problems.iter().all(|p| !p.message.contains("internal")));
            }
        }
    }
}

#[test]
fn analysis_without_a_big_stack_does_not_overflow() {
    // When no thread can be spawned, a file is analysed on the caller's stack: at
    // least the 2 MiB of a default spawned thread.
    let small = std::thread::Builder::new().stack_size(2 * 1024 * 1024);
    let checked = small
        .spawn(|| {
            let ctx = Context::default();
            for n in [SMALL_STACK_CHAIN - 8, MAX_CHAIN - 8, 50_000] {
                for src in chains(n) {
                    let out = analyse(&src, &Crate::default(), &ctx, SMALL_STACK_CHAIN);
                    assert!(out.problems.iter().all(|p| !p.message.contains("internal")));
                }
            }
            // Under the limit the syntax is still checked; over it, it is not.
            let broken = |n: usize| {
                format!(
                    "fn f() {{ orders_db::x(); let x = {}true }} fn",
                    "!".repeat(n)
                )
            };
            let short = analyse(
                &broken(SMALL_STACK_CHAIN - 8),
                &Crate::default(),
                &ctx,
                SMALL_STACK_CHAIN,
            );
            let long = analyse(
                &broken(SMALL_STACK_CHAIN + 8),
                &Crate::default(),
                &ctx,
                SMALL_STACK_CHAIN,
            );
            (short.problems, long.problems)
        })
        .expect("a thread")
        .join();
    let Ok((short, long)) = checked else {
        panic!("the analysis panicked");
    };
    assert!(
        short.len() == 1 && short[0].message.contains("did not parse"),
        "{short:?}"
    );
    assert!(long.is_empty(), "{long:?}");
}

#[test]
fn ordinary_code_is_far_below_the_chain_limit() {
    let src = r#"
mod a { impl X { pub async fn f(&mut self) -> Result<Vec<Row>, Error> {
    let rows = sqlx::query_as!(Row, "SELECT 1").fetch_all(&self.pool).await?;
    if rows.is_empty() && !self.flag || self.n > 3 { return Err(Error::X(format!("{}", 1))); }
    let t: i64 = rows.iter().map(|r| r.total * 2 + 1).filter(|x| *x > 0).sum();
    Ok(rows)
} } }
fn g() {} fn h() -> Option<&'static str> { None } struct S { a: u8, b: Vec<u8> }
"#;
    let toks = lex::lex(src, 0, MAX_DEPTH)
        .map(|l| l.toks)
        .unwrap_or_default();
    let n = longest_chain(&toks);
    assert!(n > 0 && n < 64, "{n}");
}

#[test]
fn offsets_stay_exact_across_parses_on_one_thread() {
    let ctx = Context::default();
    for prefix in ["", "// ééé\n", "/* ✓✓ */ const A: u8 = 1;\n", ""] {
        let src = format!("{prefix}use orders_db::X;");
        let out = analyse(&src, &Crate::default(), &ctx, MAX_CHAIN);
        let a = &out.accesses[0];
        assert_eq!(&src[a.offset..a.offset + a.len], "orders_db");
        // A syntax error's offset, from `proc_macro2`'s span in the checked text.
        let src = format!("{prefix}fn f() {{ let a = 1; /* é */ let = orders_db::x(); }}");
        let out = analyse(&src, &Crate::default(), &ctx, MAX_CHAIN);
        assert_eq!(out.problems.len(), 1, "{src}");
        assert!(
            src[out.problems[0].offset..].starts_with("= orders_db"),
            "{src}"
        );
    }
}

#[test]
fn bom_and_shebang() {
    let src = "\u{feff}#!/usr/bin/env rust-script\nuse orders_db::X;\nfn main() {}\n";
    let out = run(src);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(imports(src), imp(&[("orders_db", "orders_db")]));
    let src = "#![allow(unused)]\nuse orders_db::X;\n";
    assert_eq!(imports(src), imp(&[("orders_db", "orders_db")]));
}

#[test]
fn imports_are_deduplicated_per_line() {
    let src = "fn f() { orders_db::a(); orders_db::b(); }\nfn g() { orders_db::c(); }\n";
    assert_eq!(
        imports(src),
        imp(&[("orders_db", "orders_db"), ("orders_db", "orders_db")])
    );
}

#[test]
fn garbage_never_panics() {
    let inputs = [
        "",
        "r",
        "\"",
        "r#\"",
        "'",
        "b\"\\x\"",
        "\"\\u{110000}\"",
        "\"\\x\"",
        "\"\\u{\"",
        "format!(\"{\")",
        "format!(\"{}\")",
        "format!(\"{0}\", )",
        "format!(\"}\")",
        "query!()",
        "query!(",
        "table!{ . }",
        "table!{ a. }",
        "table!{ #[sql_name] a {} }",
        "joinable!(a ->)",
        "use",
        "use ::",
        "use {",
        "use a::{self",
        "use a as",
        "extern crate",
        "const",
        "const X",
        "const X:",
        "const X: &str =",
        "static ref",
        "#",
        "#!",
        "#[",
        "QueryBuilder::<",
        "x.query(",
        "sqlx::query::<",
        "#[diesel(table_name =)]",
        "#[sea_orm(table_name)]",
        "concat!(\"a\" + )",
        "c\"x\"",
        "cr#\"x\"#",
        // Unknown escapes before a multi-byte character, which the lexer lets
        // through (proc_macro2 refused them).
        "sqlx::query(\"SELECT * FROM orders \\\u{a0}x\")",
        "sqlx::query(\"SELECT * FROM orders WHERE a = '\\é'\")",
        "let q = \"DELETE FROM orders \\\u{11101}\";",
    ];
    for src in inputs {
        let _ = run(src);
        let _ = run(&format!("fn f() {{ {src} }}"));
    }
}

/// A 5,000-line file of typical service code. Run with
/// `cargo test --release --lib lang::rust::tests::timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing_5000_lines() {
    let block = r#"
use orders_db::models::{Order, OrderLine};
use crate::error::Error;

/// Loads an order and its lines.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Row { pub id: i64, pub total: i64, pub note: String }

const TABLE: &str = "orders";

pub async fn load(pool: &PgPool, id: i64) -> Result<Vec<Row>, Error> {
    // Fetch the rows for the order.
    let rows = sqlx::query_as!(Row, "SELECT id, total, note FROM orders WHERE id = $1", id)
        .fetch_all(pool)
        .await?;
    let q = format!("SELECT count(*) FROM {} WHERE id = $1", TABLE);
    tracing::info!(id, "loaded {} rows", rows.len());
    if rows.is_empty() {
        return Err(Error::NotFound(format!("order {id} not found")));
    }
    let total: i64 = rows.iter().map(|r| r.total).sum();
    client.execute("UPDATE orders SET total = $1 WHERE id = $2", &[&total, &id]).await?;
    Ok(rows)
}
"#;
    let n = block.lines().count();
    let text = match std::env::var("OWNLINT_TIMING_FILE") {
        Ok(path) => std::fs::read_to_string(path).unwrap_or_default(),
        Err(_) => block.repeat(5000 / n + 1),
    };
    let lines = text.lines().count();
    let ctx = Context::default();
    let mut runs = Vec::new();
    let mut out = Extracted::default();
    for _ in 0..5 {
        let t = std::time::Instant::now();
        out = extract("x.rs", &text, &ctx);
        runs.push(t.elapsed());
    }
    runs.sort();
    let elapsed = runs[runs.len() / 2];
    eprintln!(
        "{lines} lines, {} bytes: median of 5 extracts {elapsed:?}, {} accesses, {} problems",
        text.len(),
        out.accesses.len(),
        out.problems.len()
    );
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let w = prepare(
            &text,
            &Crate::default(),
            MAX_CHAIN,
            &mut Extracted::default(),
        );
        eprintln!("  lex + walk without SQL analysis: {:?}", t.elapsed());
        drop(w);
    }
    let t = std::time::Instant::now();
    let lexed = lex::lex(&text, 0, MAX_DEPTH).unwrap_or_default();
    eprintln!("  lex ({} tokens): {:?}", lexed.toks.len(), t.elapsed());
    let t = std::time::Instant::now();
    let ok = parses(&text);
    eprintln!(
        "  proc_macro2 and syn on the whole file ({ok}): {:?}",
        t.elapsed()
    );
    let mut w = Walker::new(lexed, &text, 0);
    let t = std::time::Instant::now();
    w.prepass();
    w.walk();
    eprintln!("  walk: {:?}", t.elapsed());
}

/// Extracts every `.rs` file under `$OWNLINT_SCAN_DIR` (robustness and speed on real
/// code): `OWNLINT_SCAN_DIR=~/.cargo/registry/src cargo test --release --lib
/// lang::rust::tests::scan_dir -- --ignored --nocapture`.
#[test]
#[ignore]
fn scan_dir() {
    let Ok(root) = std::env::var("OWNLINT_SCAN_DIR") else {
        return;
    };
    let mut stack = vec![std::path::PathBuf::from(root)];
    let (mut files, mut bytes, mut problems, mut accesses) = (0, 0, 0, 0);
    let mut pieces_fail = 0;
    let mut slowest = (std::time::Duration::ZERO, String::new());
    let ctx = Context::default();
    let start = std::time::Instant::now();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let t = std::time::Instant::now();
                let out = extract(&path.to_string_lossy(), &text, &ctx);
                let el = t.elapsed();
                if el > slowest.0 {
                    slowest = (el, path.to_string_lossy().into_owned());
                }
                for a in &out.accesses {
                    assert!(text.get(a.offset..a.offset + a.len).is_some());
                }
                for p in &out.problems {
                    eprintln!("{}: {}", path.display(), p.message);
                }
                // Lexed alike by both lexers, wherever both accept the file.
                let base = prelude_len(&text);
                match (
                    proc_macro2_tokens(&text, base),
                    lex::lex(&text, base, MAX_DEPTH),
                ) {
                    (Some(theirs), Ok(ours)) => {
                        let ours: Vec<_> = ours.toks.into_iter().map(|t| (t.kind, t.at)).collect();
                        assert_eq!(ours, theirs, "{}", path.display());
                    }
                    (None, Ok(_)) => eprintln!("{}: only proc_macro2 refuses", path.display()),
                    (Some(_), Err(e)) => panic!("{}: only ours refuses: {e:?}", path.display()),
                    (None, Err(_)) => {}
                }
                // Leaving out what the syntax check may never makes an error:
                // a file whose whole parse succeeds still parses.
                if let Some((w, _)) = prepare(
                    &text,
                    &Crate::default(),
                    MAX_CHAIN,
                    &mut Extracted::default(),
                ) && parses(&text[base..])
                {
                    for split in left_out_variants(&w) {
                        assert!(
                            parses(&kept(&w, &split.cuts)),
                            "{}: not valid once {:?} are left out",
                            path.display(),
                            split.cuts
                        );
                        // In pieces, valid too unless a piece cannot stand alone
                        // (an inner attribute in a body): then the whole is parsed.
                        if !w.known_valid(&w.skipped(&split.cuts), &split.runs) {
                            pieces_fail += 1;
                        }
                    }
                }
                // The pieces pass only what parses whole, on the file as it is.
                if let Some((w, _)) = prepare(
                    &text,
                    &Crate::default(),
                    MAX_CHAIN,
                    &mut Extracted::default(),
                ) {
                    for split in left_out_variants(&w) {
                        if w.known_valid(&w.skipped(&split.cuts), &split.runs) {
                            assert!(
                                parses(&kept(&w, &split.cuts)),
                                "{}: the pieces of {:?} pass, the whole fails",
                                path.display(),
                                split.cuts
                            );
                        }
                    }
                }
                files += 1;
                bytes += text.len();
                problems += out.problems.len();
                accesses += out.accesses.len();
            }
        }
    }
    eprintln!(
        "{files} files, {bytes} bytes in {:?}: {accesses} accesses, {problems} problems, \
             {pieces_fail} checks whose pieces fail; slowest {:?} {}",
        start.elapsed(),
        slowest.0,
        slowest.1
    );
}

// ----- constants of other modules of the crate -----------------------------------

/// The crate's constants as the scan hands them to a file: path, value, index.
const CRATE_KNOWN: &[(&str, &str, usize)] = &[
    ("crate::tables::ORDERS", "orders", 1),
    ("crate::db::ITEMS", "order_items", 2),
    ("crate::db::repo::names::CARTS", "carts", 3),
    ("crate::db::ORDERS", "archived_orders", 4),
];

/// A table access: kind, table, slice of the file, where the name came from.
type CrateRow = (AccessKind, String, String, Option<Place>);

/// The table accesses of `text` at `path` with the crate's constants.
fn crate_rows(path: &str, text: &str) -> (Vec<CrateRow>, Extracted) {
    let known = modules::known(CRATE_KNOWN);
    let out = extract_with(path, text, &Context::default(), Some(&known));
    let rows = crate::lang::table_rows(&out.accesses, text)
        .into_iter()
        .map(|(kind, name, slice, place)| (kind, name, slice.to_string(), place))
        .collect();
    (rows, out)
}

#[test]
fn constants_of_other_modules_must_flag() {
    use AccessKind::*;
    let repo = "svc/src/db/repo.rs";
    let cases: &[(&str, AccessKind, &str, &str, usize)] = &[
        (
            r#"use crate::tables::ORDERS;
fn f() { sqlx::query(&format!("SELECT * FROM {}", ORDERS)).fetch_all(&p); }"#,
            Read,
            "orders",
            "ORDERS",
            1,
        ),
        (
            r#"use crate::tables::ORDERS;
fn f() { let q = format!("SELECT * FROM {ORDERS} WHERE id = 1"); }"#,
            Read,
            "orders",
            "{ORDERS}",
            1,
        ),
        (
            r#"fn f() { sqlx::query(&format!("DELETE FROM {}", crate::tables::ORDERS)); }"#,
            Write,
            "orders",
            "crate::tables::ORDERS",
            1,
        ),
        (
            r#"use crate::tables;
fn f() { sqlx::query(&format!("SELECT * FROM {}", tables::ORDERS)); }"#,
            Read,
            "orders",
            "tables::ORDERS",
            1,
        ),
        (
            r#"use super::ITEMS;
fn f() { sqlx::query(&format!("INSERT INTO {} (id) VALUES ($1)", ITEMS)); }"#,
            Write,
            "order_items",
            "ITEMS",
            2,
        ),
        (
            r#"use super::super::tables::ORDERS as T;
fn f() { sqlx::query(&format!("SELECT * FROM {T}")); }"#,
            Read,
            "orders",
            "{T}",
            1,
        ),
        (
            r#"mod names;
async fn f() { client.query(&format!("SELECT * FROM {}", names::CARTS), &[]).await; }"#,
            Read,
            "carts",
            "names::CARTS",
            3,
        ),
        (
            r#"use self::names::CARTS;
mod names;
fn f() { sqlx::query(&format!("SELECT id FROM {CARTS}")); }"#,
            Read,
            "carts",
            "{CARTS}",
            3,
        ),
        (
            r#"use crate::tables::{self, ORDERS as O};
fn f() { sqlx::query(&(String::from("SELECT * FROM ") + tables::ORDERS)); let q = concat!("SELECT 1 FROM ", O); }"#,
            Read,
            "orders",
            "tables::ORDERS",
            1,
        ),
        (
            r#"fn f() { use crate::tables::ORDERS; sqlx::query(&format!("UPDATE {ORDERS} SET x = 1")); }"#,
            Write,
            "orders",
            "{ORDERS}",
            1,
        ),
        (
            r#"use crate::tables::*;
fn f() { sqlx::query(&format!("SELECT * FROM {}", ORDERS)); }"#,
            Read,
            "orders",
            "ORDERS",
            1,
        ),
        (
            r#"use super::*;
fn f() { sqlx::query(&format!("DELETE FROM {ITEMS}")); }"#,
            Write,
            "order_items",
            "{ITEMS}",
            2,
        ),
        (
            r#"mod tests {
    fn f() { sqlx::query(&format!("SELECT * FROM {}", crate::tables::ORDERS)); }
}"#,
            Read,
            "orders",
            "crate::tables::ORDERS",
            1,
        ),
        (
            r#"use {crate::tables::ORDERS, std::fmt};
fn f() { sqlx::query(&format!("SELECT * FROM {ORDERS}")); }"#,
            Read,
            "orders",
            "{ORDERS}",
            1,
        ),
    ];
    for (src, kind, table, slice, id) in cases {
        let (got, _) = crate_rows(repo, src);
        let want = (
            *kind,
            table.to_string(),
            slice.to_string(),
            Some(Place::Elsewhere(*id)),
        );
        assert!(got.contains(&want), "{src}\nwant {want:?}\ngot {got:?}");
    }
}

#[test]
fn constants_of_other_modules_must_not_flag() {
    let repo = "svc/src/db/repo.rs";
    let cases: &[(&str, &str)] = &[
        // Prose: a log message and an error message.
        (
            repo,
            r#"use crate::tables::ORDERS; fn f() { info!("SELECT * FROM {}", ORDERS); }"#,
        ),
        (
            repo,
            r#"use crate::tables::ORDERS; fn f() -> R { Err(format!("DELETE FROM {ORDERS} refused")) }"#,
        ),
        // A name never imported, another crate's path, a module the file does not
        // declare: not followed.
        (
            repo,
            r#"fn f() { sqlx::query(&format!("SELECT * FROM {}", ORDERS)); }"#,
        ),
        (
            repo,
            r#"use orders_db::tables::ORDERS; fn f() { sqlx::query(&format!("SELECT * FROM {ORDERS}")); }"#,
        ),
        (
            repo,
            r#"fn f() { sqlx::query(&format!("SELECT * FROM {}", tables::ORDERS)); }"#,
        ),
        // A name bound to two paths in two scopes.
        (
            repo,
            r#"fn a() { use crate::tables::ORDERS; }
fn b() { use crate::archive::ORDERS; sqlx::query(&format!("SELECT * FROM {ORDERS}")); }"#,
        ),
        // A name two glob imports define (Rust refuses it).
        (
            repo,
            r#"use crate::tables::*; use super::*; fn f() { sqlx::query(&format!("SELECT * FROM {ORDERS}")); }"#,
        ),
        // Inside an inline module, `super`, `use` and globs mean another module.
        (
            repo,
            r#"mod tests { use super::ITEMS; fn f() { sqlx::query(&format!("SELECT * FROM {ITEMS}")); } }"#,
        ),
        (
            repo,
            r#"use crate::tables::ORDERS; mod t { use super::*; fn f() { sqlx::query(&format!("SELECT * FROM {ORDERS}")); } }"#,
        ),
        (
            repo,
            r#"mod t { fn f() { sqlx::query(&format!("SELECT * FROM {}", super::ITEMS)); } }"#,
        ),
        // `super` above the crate's root.
        (
            repo,
            r#"use super::super::super::tables::ORDERS; fn f() { sqlx::query(&format!("SELECT * FROM {ORDERS}")); }"#,
        ),
        // Files that are no module of the crate: tests, binaries.
        (
            "svc/tests/it.rs",
            r#"use crate::tables::ORDERS; fn f() { sqlx::query(&format!("SELECT * FROM {ORDERS}")); }"#,
        ),
        (
            "svc/src/bin/tool.rs",
            r#"use crate::tables::ORDERS; fn f() { sqlx::query(&format!("SELECT * FROM {ORDERS}")); }"#,
        ),
        // A constant of the file comes first.
        (
            repo,
            r#"use crate::tables; const ORDERS: &str = "invoices"; fn f() { sqlx::query(&format!("SELECT * FROM {ORDERS}")); }"#,
        ),
    ];
    for (path, src) in cases {
        let (got, _) = crate_rows(path, src);
        let from_crate: Vec<_> = got
            .iter()
            .filter(|r| matches!(r.3, Some(Place::Elsewhere(_))) || r.1 != "invoices")
            .collect();
        assert!(from_crate.is_empty(), "{path}: {src}\ngot {got:?}");
    }
}

#[test]
fn unknown_crate_paths_stay_holes_and_are_open() {
    let src = r#"use crate::tables::{MISSING, ORDERS};
use crate::archive::*;
mod names;
fn f() {
    sqlx::query(&format!("SELECT * FROM {MISSING}"));
    sqlx::query(&format!("SELECT * FROM {}", names::OTHER));
    sqlx::query(&format!("SELECT * FROM {}", local));
}"#;
    let out = extract("svc/src/db/repo.rs", src, &Context::default());
    assert!(
        out.accesses
            .iter()
            .all(|a| !matches!(a.target, Target::Table(_)))
    );
    assert_eq!(
        out.values.open,
        [
            "crate::archive::local",
            "crate::db::repo::names::OTHER",
            "crate::tables::MISSING"
        ]
    );
    // With the crate's constants, what they define is filled and nothing else is open.
    let (got, out) = crate_rows("svc/src/db/repo.rs", &src.replace("MISSING}", "ORDERS}"));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        out.values.open,
        ["crate::archive::local", "crate::db::repo::names::OTHER"]
    );
}

#[test]
fn constants_offered_to_other_modules() {
    let src = r#"pub const ORDERS: &str = "orders";
pub static ITEMS: &'static str = r"order_items";
static mut SCRATCH: &str = "carts";
pub const GREETING: &str = "the orders";
const QUERY: &str = "SELECT * FROM orders";
const JOINED: &str = concat!("ord", "ers");
pub const COUNT: usize = 3;
impl X { const INNER: &str = "carts"; }
mod inline { pub const NESTED: &str = "carts"; }
const TWICE: &str = "a";
fn f() { const TWICE: &str = "b"; const LOCAL: &str = "carts"; }
"#;
    let defines = |path: &str| {
        extract(path, src, &Context::default())
            .values
            .defines
            .iter()
            .map(|d| {
                (
                    d.name.clone(),
                    d.value.clone(),
                    &src[d.offset..d.offset + d.len],
                    d.var,
                )
            })
            .map(|(n, v, at, var)| (n, v, at.to_string(), var))
            .collect::<Vec<_>>()
    };
    let want = |module: &str| {
        vec![
            (
                format!("{module}::ORDERS"),
                "orders".to_string(),
                "\"orders\"".to_string(),
                false,
            ),
            (
                format!("{module}::ITEMS"),
                "order_items".to_string(),
                "r\"order_items\"".to_string(),
                false,
            ),
        ]
    };
    assert_eq!(defines("svc/src/tables.rs"), want("crate::tables"));
    assert_eq!(defines("svc/src/lib.rs"), want("crate"));
    assert_eq!(defines("src/main.rs"), want("crate"));
    assert_eq!(defines("svc/src/db/mod.rs"), want("crate::db"));
    assert_eq!(defines("a/b/src/db/tables.rs"), want("crate::db::tables"));
    for outside in [
        "svc/tests/it.rs",
        "svc/src/bin/tool.rs",
        "svc/build.rs",
        "tables.rs",
    ] {
        assert!(defines(outside).is_empty(), "{outside}");
    }
}

#[test]
fn modules_and_crates_of_paths() {
    let cases: &[(&str, Option<&str>, Option<&str>)] = &[
        ("src/lib.rs", Some("src"), Some("crate")),
        ("src/main.rs", Some("src"), Some("crate")),
        ("svc/src/lib.rs", Some("svc/src"), Some("crate")),
        ("svc/src/tables.rs", Some("svc/src"), Some("crate::tables")),
        ("svc/src/db/mod.rs", Some("svc/src"), Some("crate::db")),
        ("svc/src/db/lib.rs", Some("svc/src"), Some("crate::db::lib")),
        ("svc/src/r#type.rs", Some("svc/src"), None),
        ("svc/src/bin/tool.rs", Some("svc/src"), None),
        ("svc/src/notes.txt", Some("svc/src"), None),
        ("svc/tests/it.rs", None, None),
        ("build.rs", None, None),
    ];
    for (rel, root, module) in cases {
        assert_eq!(crate_root(rel), *root, "{rel}");
        assert_eq!(
            modules::module_of(rel).map(|m| m.join("::")).as_deref(),
            *module,
            "{rel}"
        );
    }
}

/// SeaORM migrations: the tables each statement builder names, with their kind; an
/// `Iden` enum of the file names its table in snake case or as its `Table` variant's
/// attribute says; one from another file is read with low confidence.
#[test]
fn sea_orm_migrations() {
    use AccessKind::{Ddl, ForeignKey, Write};
    let src = r#"use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum OrderItems { Table, Id, OrderId }

#[derive(Iden)]
enum Post {
    #[iden = "blog_posts"]
    Table,
    Id,
}

#[derive(DeriveIden)]
pub enum Users {
    #[sea_orm(iden = "app_users")]
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OrderItems::Table)
                    .if_not_exists()
                    .col(pk_auto(OrderItems::Id))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-items-user")
                            .from(OrderItems::Table, OrderItems::OrderId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager.alter_table(Table::alter().table(Post::Table).to_owned()).await?;
        manager
            .create_index(Index::create().name("idx-post").table(Post::Table).col(Post::Id).to_owned())
            .await?;
        manager.truncate_table(Table::truncate().table(Alias::new("audit_log")).to_owned()).await?;
        manager.rename_table(Table::rename().table(Post::Table, Alias::new("posts_old")).to_owned()).await?;
        manager.drop_table(Table::drop().table(Shared::Table).to_owned()).await
    }
}
"#;
    assert_eq!(
        tables(src),
        [
            row(Ddl, "order_items", "OrderItems"),
            row(Ddl, "order_items", "OrderItems"),
            row(ForeignKey, "app_users", "Users"),
            row(Ddl, "blog_posts", "Post"),
            row(Ddl, "blog_posts", "Post"),
            row(Write, "audit_log", "audit_log"),
            row(Ddl, "blog_posts", "Post"),
            row(Ddl, "posts_old", "posts_old"),
            (Ddl, "shared".into(), None, "Shared".into(), true),
        ]
    );
}

/// Must not flag: a `Table::create()` of a file that names neither SeaORM nor
/// SeaQuery (another library's), builder names in comments and strings, an enum that
/// is no `Iden`, and a chain whose `.table(..)` belongs to a nested builder.
#[test]
fn sea_orm_lookalikes_are_not_migrations() {
    for src in [
        "fn f() { let t = Table::create().table(Orders::Table); }",
        "use sea_query::*;\n// Table::create().table(Orders::Table)\nfn f() {}",
        "use sea_query::*;\nfn f() { log(\"Table::create().table(Orders::Table)\"); }",
        "use sea_query::*;\nfn f() { Table::create().col(Index::create().name(\"i\")); }",
    ] {
        assert_eq!(tables(src), [], "{src}");
    }
}

#[test]
fn snake_case_is_heck_s() {
    use super::migrations::snake_case;
    for (name, want) in [
        ("Orders", "orders"),
        ("OrderItems", "order_items"),
        ("HTTPLog", "http_log"),
        ("Post2Tag", "post2_tag"),
        ("users", "users"),
    ] {
        assert_eq!(snake_case(name), want, "{name}");
    }
}
