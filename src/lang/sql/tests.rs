use super::*;
use crate::model::{Confidence, Target};
use AccessKind::{Ddl, ForeignKey as Fk, Read, Write};

fn ctx() -> Context {
    Context::default()
}

fn table(a: &Access) -> &TableRef {
    match &a.target {
        Target::Table(t) => t,
        Target::Import(_) => panic!("import access from SQL"),
    }
}

/// `db.schema.name` with the parts present.
fn qualified(t: &TableRef) -> String {
    [
        t.database.as_deref(),
        t.schema.as_deref(),
        Some(t.name.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(".")
}

/// Asserts that every access points exactly at its table name in `text`.
fn assert_offsets(text: &str, accesses: &[Access]) {
    for a in accesses {
        let t = table(a);
        let slice = text.get(a.offset..a.offset + a.len).unwrap_or_else(|| {
            panic!("access {a:?} out of range / not on a char boundary in {text:?}")
        });
        let unescaped = slice.replace("\"\"", "\"").replace("``", "`");
        assert!(
            slice == t.name || (t.quoted && unescaped == t.name),
            "access {a:?} points at {slice:?}, not {:?}, in {text:?}",
            t.name
        );
    }
}

fn file(path: &str, text: &str, ctx: &Context) -> Extracted {
    let ex = analyze_file(path, text, ctx);
    assert_offsets(text, &ex.accesses);
    let mut sorted = ex.accesses.clone();
    sorted.sort_by_key(|a| a.offset);
    assert_eq!(sorted, ex.accesses, "output not ordered by offset");
    ex
}

/// Asserts that [`analyze_file`] gives the same with the memo (whatever the file's
/// size) and without it (every statement parsed afresh). Returns the result and how
/// many lookups the memo answered.
fn with_and_without_memo(path: &str, text: &str, ctx: &Context) -> (Extracted, usize) {
    let analyse = |memo: bool| {
        let mut run = Run::new(text, ctx, false);
        run.drop_ddl = is_down_migration(path);
        run.memo = memo.then(memo::Memo::default);
        let problems = run.range(0, text.len(), 0);
        let hits = run.memo.as_ref().map_or(0, memo::Memo::hits);
        let accesses = run.finish();
        (
            Extracted {
                accesses,
                problems,
                ..Extracted::default()
            },
            hits,
        )
    };
    let (with, hits) = analyse(true);
    let (without, _) = analyse(false);
    assert_eq!(with, without, "the memo changed the result of {text:?}");
    assert_eq!(with, file(path, text, ctx));
    (with, hits)
}

/// (kind, qualified name) of each access in a `.sql` file.
fn kinds(text: &str) -> Vec<(AccessKind, String)> {
    file("db/query.sql", text, &ctx())
        .accesses
        .iter()
        .map(|a| (a.kind, qualified(table(a))))
        .collect()
}

fn k(list: &[(AccessKind, &str)]) -> Vec<(AccessKind, String)> {
    list.iter().map(|(k, n)| (*k, n.to_string())).collect()
}

#[test]
fn must_flag() {
    let cases: &[(&str, &[(AccessKind, &str)])] = &[
        ("SELECT id FROM users", &[(Read, "users")]),
        ("SELECT users FROM accounts", &[(Read, "accounts")]),
        (
            "SELECT * FROM orders o JOIN users u ON u.id = o.user_id",
            &[(Read, "orders"), (Read, "users")],
        ),
        (
            "SELECT order_items.qty FROM order_items JOIN orders ON orders.id = order_items.order_id",
            &[(Read, "order_items"), (Read, "orders")],
        ),
        (
            "SELECT * FROM a WHERE id IN (SELECT a_id FROM b)",
            &[(Read, "a"), (Read, "b")],
        ),
        (
            "SELECT (SELECT count(*) FROM orders WHERE uid = u.id) FROM users u",
            &[(Read, "orders"), (Read, "users")],
        ),
        (
            "SELECT * FROM users UNION ALL SELECT * FROM admins",
            &[(Read, "users"), (Read, "admins")],
        ),
        (
            "SELECT * FROM users CROSS JOIN LATERAL (SELECT * FROM orders WHERE orders.uid = users.id) x",
            &[(Read, "users"), (Read, "orders")],
        ),
        (
            "WITH recent AS (SELECT * FROM orders WHERE ts > now()) SELECT * FROM recent JOIN users ON true",
            &[(Read, "orders"), (Read, "users")],
        ),
        // A CTE named like the table it reads: the body's `users` is the table.
        (
            "WITH users AS (SELECT * FROM users WHERE active) SELECT * FROM users",
            &[(Read, "users")],
        ),
        // Later CTEs see earlier ones; a recursive CTE sees itself.
        (
            "WITH a AS (SELECT * FROM t1), b AS (SELECT * FROM a JOIN t2 ON true) SELECT * FROM b",
            &[(Read, "t1"), (Read, "t2")],
        ),
        (
            "WITH RECURSIVE tree AS (SELECT * FROM nodes UNION ALL SELECT n.* FROM nodes n JOIN tree ON n.parent = tree.id) SELECT * FROM tree",
            &[(Read, "nodes"), (Read, "nodes")],
        ),
        ("INSERT INTO audit (a) VALUES (1)", &[(Write, "audit")]),
        (
            "INSERT INTO archive SELECT * FROM orders",
            &[(Write, "archive"), (Read, "orders")],
        ),
        (
            "INSERT INTO t SELECT * FROM src ON CONFLICT (id) DO UPDATE SET x = excluded.x",
            &[(Write, "t"), (Read, "src")],
        ),
        (
            "REPLACE INTO settings (k, v) VALUES ('a', 'b')",
            &[(Write, "settings")],
        ),
        (
            "UPDATE users SET name = 'x' WHERE id = 1",
            &[(Write, "users")],
        ),
        (
            "UPDATE orders SET total = p.total FROM payments p WHERE p.id = orders.id",
            &[(Write, "orders"), (Read, "payments")],
        ),
        (
            "UPDATE users u JOIN orders o ON o.user_id = u.id SET u.total = o.total",
            &[(Write, "users"), (Read, "orders")],
        ),
        ("DELETE FROM sessions WHERE expired", &[(Write, "sessions")]),
        (
            "DELETE FROM sessions USING users WHERE users.id = sessions.user_id",
            &[(Write, "sessions"), (Read, "users")],
        ),
        (
            "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users)",
            &[(Write, "sessions"), (Read, "users")],
        ),
        (
            "DELETE s FROM sessions s JOIN users u ON u.id = s.user_id",
            &[(Write, "sessions"), (Read, "users")],
        ),
        (
            "MERGE INTO stock s USING deliveries d ON s.id = d.id WHEN MATCHED THEN UPDATE SET qty = s.qty + d.qty",
            &[(Write, "stock"), (Read, "deliveries")],
        ),
        (
            "TRUNCATE TABLE events, logs",
            &[(Write, "events"), (Write, "logs")],
        ),
        ("COPY users TO STDOUT", &[(Read, "users")]),
        ("COPY users FROM '/tmp/users.csv'", &[(Write, "users")]),
        (
            "CREATE TABLE invoices (id INT PRIMARY KEY, user_id INT REFERENCES users(id))",
            &[(Ddl, "invoices"), (Fk, "users")],
        ),
        (
            "CREATE TABLE items (id int, order_id int, CONSTRAINT fk FOREIGN KEY (order_id) REFERENCES orders (id))",
            &[(Ddl, "items"), (Fk, "orders")],
        ),
        (
            "ALTER TABLE items ADD CONSTRAINT fk FOREIGN KEY (order_id) REFERENCES orders(id)",
            &[(Ddl, "items"), (Fk, "orders")],
        ),
        (
            "ALTER TABLE items ADD COLUMN user_id int REFERENCES accounts.users(id)",
            &[(Ddl, "items"), (Fk, "accounts.users")],
        ),
        (
            "DROP TABLE IF EXISTS legacy, older",
            &[(Ddl, "legacy"), (Ddl, "older")],
        ),
        (
            "CREATE INDEX idx_users_email ON users (email)",
            &[(Ddl, "users")],
        ),
        (
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON billing.invoices (n)",
            &[(Ddl, "billing.invoices")],
        ),
        (
            "ALTER TABLE users RENAME TO customers",
            &[(Ddl, "users"), (Ddl, "customers")],
        ),
        (
            "RENAME TABLE old_users TO users",
            &[(Ddl, "old_users"), (Ddl, "users")],
        ),
        (
            "CREATE VIEW active_users AS SELECT * FROM users WHERE active",
            &[(Ddl, "active_users"), (Read, "users")],
        ),
        (
            "CREATE TABLE snapshot AS SELECT * FROM users",
            &[(Ddl, "snapshot"), (Read, "users")],
        ),
        (
            "CREATE TRIGGER trg AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION f()",
            &[(Ddl, "orders")],
        ),
        (
            "SELECT * FROM billing.invoices",
            &[(Read, "billing.invoices")],
        ),
        (
            "SELECT * FROM shop.billing.invoices",
            &[(Read, "shop.billing.invoices")],
        ),
        ("SELECT * FROM \"Users\"", &[(Read, "Users")]),
        ("SELECT * FROM \"odd\"\"name\"", &[(Read, "odd\"name")]),
        (
            "SELECT * FROM `orders` JOIN `shop`.`users` ON 1",
            &[(Read, "orders"), (Read, "shop.users")],
        ),
        (
            "CREATE TABLE t (id INT(4) UNSIGNED NOT NULL AUTO_INCREMENT, PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
            &[(Ddl, "t")],
        ),
        ("SELECT * FROM users WHERE id = $1", &[(Read, "users")]),
        (
            "SELECT * FROM users WHERE id = ? AND b = ?",
            &[(Read, "users")],
        ),
        (
            "SELECT * FROM users WHERE id = :id AND x = :other_name",
            &[(Read, "users")],
        ),
        (
            "INSERT INTO users (a, b) VALUES (:a, :b)",
            &[(Write, "users")],
        ),
        ("EXPLAIN SELECT * FROM users", &[(Read, "users")]),
        (
            "CREATE TEMP TABLE x AS SELECT * FROM users",
            &[(Read, "users")],
        ),
        (
            "ALTER TABLE ONLY public.items ADD CONSTRAINT items_fk FOREIGN KEY (order_id) REFERENCES public.orders(id) ON DELETE CASCADE",
            &[(Ddl, "public.items"), (Fk, "public.orders")],
        ),
        (
            "CREATE TABLE IF NOT EXISTS \"public\".\"Users\" (id int)",
            &[(Ddl, "public.Users")],
        ),
        (
            "INSERT INTO counters (k, n) VALUES ('a', 1) ON DUPLICATE KEY UPDATE n = n + 1",
            &[(Write, "counters")],
        ),
        (
            "SELECT * FROM a JOIN (b JOIN c ON b.id = c.id) ON a.id = b.id",
            &[(Read, "a"), (Read, "b"), (Read, "c")],
        ),
        // `${schema}.users`: the hole qualifier is dropped, the table kept.
        ("SELECT * FROM __ownlint_hole__.users", &[(Read, "users")]),
    ];
    for (sql, want) in cases {
        assert_eq!(kinds(sql), k(want), "for {sql:?}");
        let ex = file("q.sql", sql, &ctx());
        assert!(
            ex.accesses.iter().all(|a| a.confidence == Confidence::High),
            "parsed statement gave low confidence: {sql:?} {:?}",
            ex.accesses
        );
        assert!(ex.problems.is_empty(), "{sql:?}: {:?}", ex.problems);
    }
}

#[test]
fn must_not_flag() {
    let cases: &[&str] = &[
        // CTE named like a table.
        "WITH orders AS (SELECT 1 AS id) SELECT * FROM orders",
        // Alias and column named like tables.
        "SELECT users.id, orders FROM (SELECT 1 AS id, 2 AS orders) users",
        // Table functions.
        "SELECT * FROM generate_series(1, 10)",
        "SELECT * FROM unnest(ARRAY[1, 2]) AS users",
        // Temporary tables, including later statements using them.
        "CREATE TEMP TABLE scratch (id int); INSERT INTO scratch VALUES (1); SELECT * FROM scratch; DROP TABLE scratch;",
        "CREATE TEMPORARY TABLE tmp_x (id int); UPDATE tmp_x SET id = 2;",
        // Commented-out SQL.
        "-- CREATE TABLE users (id int);\n/* DROP TABLE orders; SELECT * FROM x; */\n# DELETE FROM mysql_comment;\n",
        "/* nested /* still comment */ SELECT * FROM users */",
        // The hole.
        "SELECT * FROM __ownlint_hole__",
        "INSERT INTO orders___ownlint_hole__ VALUES (1)",
        // No tables.
        "SELECT 1",
        "SELECT 1 FROM dual",
        "SET search_path TO billing",
        "BEGIN; COMMIT;",
        // Strings mentioning tables.
        "SELECT 'DELETE FROM users' AS s",
        "",
        "   \n\n  ",
    ];
    for sql in cases {
        // Nested comments are a PostgreSQL feature.
        let pg = Context {
            dialect: Some("postgres".into()),
        };
        let ex = file("x.sql", sql, &pg);
        assert_eq!(ex.accesses, vec![], "for {sql:?}");
        assert!(ex.problems.is_empty(), "{sql:?}: {:?}", ex.problems);
    }
}

#[test]
fn unparsable_statement_falls_back_and_next_still_parses() {
    let text = "DROP TABLE x IF EXISTS;\nSELECT * FROM y WHERE a = ((;\nSELECT * FROM z;";
    let ex = file("m.sql", text, &ctx());
    let got: Vec<_> = ex
        .accesses
        .iter()
        .map(|a| (a.kind, table(a).name.as_str(), a.confidence))
        .collect();
    assert_eq!(
        got,
        vec![
            (Ddl, "x", Confidence::Low),
            (Read, "y", Confidence::Low),
            (Read, "z", Confidence::High),
        ]
    );
    assert!(ex.problems.is_empty());
}

#[test]
fn fallback_keyword_scan() {
    // Each is made unparsable by a trailing `((`.
    let cases: &[(&str, &[(AccessKind, &str)])] = &[
        (
            "SELECT EXTRACT(YEAR FROM created_at), x IS DISTINCT FROM y FROM orders o, users u JOIN s.items i ON 1 ((",
            &[(Read, "orders"), (Read, "users"), (Read, "s.items")],
        ),
        ("INSERT IGNORE INTO logs VALUES ((", &[(Write, "logs")]),
        ("UPDATE users SET a = ((", &[(Write, "users")]),
        ("DELETE FROM sessions WHERE ((", &[(Write, "sessions")]),
        (
            "MERGE INTO stock USING deliveries d ON ((",
            &[(Write, "stock"), (Read, "deliveries")],
        ),
        ("TRUNCATE TABLE a, b ((", &[(Write, "a"), (Write, "b")]),
        (
            "CREATE TABLE IF NOT EXISTS t (u int REFERENCES \"Users\"(id) ((",
            &[(Ddl, "t"), (Fk, "Users")],
        ),
        ("ALTER TABLE ONLY t ((", &[(Ddl, "t")]),
        ("CREATE TEMP TABLE tmp (a int ((; SELECT * FROM tmp ((", &[]),
        ("SELECT * FROM generate_series(1, 2) ((", &[]),
        (
            "SELECT * FROM __ownlint_hole__ JOIN x ON ((",
            &[(Read, "x")],
        ),
        (
            "SELECT 'FROM users' FROM t -- JOIN c\n WHERE ((",
            &[(Read, "t")],
        ),
        ("SELECT * FROM t FOR UPDATE ((", &[(Read, "t")]),
        ("update users", &[]),
    ];
    for (sql, want) in cases {
        let ex = file("f.sql", sql, &ctx());
        let got: Vec<_> = ex
            .accesses
            .iter()
            .map(|a| (a.kind, qualified(table(a))))
            .collect();
        assert_eq!(got, k(want), "for {sql:?}");
        assert!(
            ex.accesses.iter().all(|a| a.confidence == Confidence::Low),
            "{sql:?}"
        );
    }
}

#[test]
fn use_and_connect_set_database() {
    let text = "SELECT * FROM a;\nUSE shop;\nSELECT * FROM orders;\n\\c billing\nSELECT * FROM invoices;\nSELECT * FROM other.public.x;\n";
    let ex = file("x.sql", text, &ctx());
    let got: Vec<_> = ex
        .accesses
        .iter()
        .map(|a| (table(a).database.clone(), table(a).name.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (None, "a".to_string()),
            (Some("shop".to_string()), "orders".to_string()),
            (Some("billing".to_string()), "invoices".to_string()),
            (Some("other".to_string()), "x".to_string()),
        ]
    );
    let ex = file("y.sql", "USE `Shop`;\nINSERT INTO t VALUES (1);", &ctx());
    assert_eq!(table(&ex.accesses[0]).database.as_deref(), Some("Shop"));
}

#[test]
fn mysql_dump_style() {
    let text = "/*!40101 SET NAMES utf8 */;\nDROP TABLE IF EXISTS `users`;\nCREATE TABLE `users` (\n  `id` int(11) unsigned NOT NULL AUTO_INCREMENT,\n  `team_id` int(11) DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  CONSTRAINT `fk_team` FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\nLOCK TABLES `users` WRITE;\nINSERT INTO `users` VALUES (1,'it\\'s; fine',NULL);\nUNLOCK TABLES;\n";
    let ex = file(
        "dump.sql",
        text,
        &Context {
            dialect: Some("MySQL".into()),
        },
    );
    let got: Vec<_> = ex
        .accesses
        .iter()
        .map(|a| {
            (
                a.kind,
                table(a).name.as_str(),
                table(a).quoted,
                a.confidence,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (Ddl, "users", true, Confidence::High),
            (Ddl, "users", true, Confidence::High),
            (Fk, "teams", true, Confidence::High),
            (Write, "users", true, Confidence::High),
        ]
    );
}

#[test]
fn dollar_quoted_bodies_do_not_split_statements() {
    let text = "CREATE FUNCTION f() RETURNS trigger AS $body$\nBEGIN\n  INSERT INTO audit VALUES (1); -- ; ;\n  UPDATE counters SET n = n + 1;\n  RETURN NEW;\nEND;\n$body$ LANGUAGE plpgsql;\nSELECT * FROM users;\nDO $$ BEGIN DELETE FROM queue; END $$;\n";
    let ex = file("f.sql", text, &ctx());
    let got: Vec<_> = ex
        .accesses
        .iter()
        .map(|a| (a.kind, table(a).name.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Write, "audit"),
            (Write, "counters"),
            (Read, "users"),
            (Write, "queue"),
        ]
    );
    let users = ex
        .accesses
        .iter()
        .find(|a| table(a).name == "users")
        .unwrap();
    assert_eq!(users.confidence, Confidence::High);
}

#[test]
fn mysql_delimiter_and_hash_comments() {
    let text = "# header comment with 'quote\nDELIMITER //\nCREATE PROCEDURE p()\nBEGIN\n  INSERT INTO audit VALUES (1);\n  SELECT * FROM users;\nEND //\nDELIMITER ;\nSELECT * FROM z; # it's a trailing comment\nSELECT * FROM w;\n";
    let ex = file("p.sql", text, &ctx());
    let got: Vec<_> = ex
        .accesses
        .iter()
        .map(|a| (a.kind, table(a).name.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![(Write, "audit"), (Read, "users"), (Read, "z"), (Read, "w")]
    );
    assert!(ex.problems.is_empty(), "{:?}", ex.problems);
}

#[test]
fn goose_sections() {
    let text = "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION g() RETURNS int AS 'SELECT 1; SELECT 2' LANGUAGE sql;\nCREATE TABLE a (id int);\n-- +goose StatementEnd\nINSERT INTO b VALUES (1);\n\n-- +goose Down\nDROP TABLE a;\nDELETE FROM b;\n";
    let got: Vec<_> = kinds(text);
    assert_eq!(got, k(&[(Ddl, "a"), (Write, "b")]));
    // Without annotations, everything counts.
    assert_eq!(
        kinds("CREATE TABLE a (id int);\nDROP TABLE a;"),
        k(&[(Ddl, "a"), (Ddl, "a")])
    );
    // dbmate.
    assert_eq!(
        kinds("-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE c;"),
        k(&[(Ddl, "a")])
    );
}

#[test]
fn down_migrations_drop_ddl() {
    let text =
        "DROP TABLE a;\nCREATE TABLE b (x int REFERENCES c(id));\nDELETE FROM d;\nSELECT * FROM e;";
    for path in [
        "migrations/down.sql",
        "m/0002_init.down.sql",
        "db/U3__undo.sql",
    ] {
        let ex = file(path, text, &ctx());
        let got: Vec<_> = ex
            .accesses
            .iter()
            .map(|a| (a.kind, table(a).name.clone()))
            .collect();
        assert_eq!(got, vec![(Write, "d".into()), (Read, "e".into())], "{path}");
    }
    for path in ["m/0002_init.up.sql", "db/V1__init.sql", "Users.sql"] {
        assert_eq!(file(path, text, &ctx()).accesses.len(), 5, "{path}");
    }
}

#[test]
fn liquibase_and_flyway_are_plain_sql() {
    let text = "--liquibase formatted sql\n--changeset alice:1\nCREATE TABLE a (id int);\n--rollback DROP TABLE a;\n";
    assert_eq!(kinds(text), k(&[(Ddl, "a")]));
}

#[test]
fn copy_from_stdin_data_is_skipped() {
    let text = "COPY public.users (id, name) FROM stdin;\n1\tO'Brien; DROP TABLE x\n2\tit's\n\\.\nSELECT * FROM orders;\n";
    assert_eq!(kinds(text), k(&[(Write, "public.users"), (Read, "orders")]));
}

#[test]
fn offsets_with_unicode_and_crlf() {
    let text = "-- é comment\r\nSELECT 'héllo', \"ñ\" FROM \"Ünïcode\" u\r\n  JOIN straße s ON s.id = u.id;\r\nINSERT INTO 表 VALUES ('😀');\r\n";
    let ex = file("u.sql", text, &ctx());
    let names: Vec<_> = ex.accesses.iter().map(|a| table(a).name.as_str()).collect();
    assert_eq!(names, vec!["Ünïcode", "straße", "表"]);
}

#[test]
fn problems_are_rare() {
    let ex = analyze_file("bin.sql", "SELECT\0garbage", &ctx());
    assert_eq!(ex.problems.len(), 1);
    assert_eq!(ex.problems[0].offset, 6);
    assert!(ex.accesses.is_empty());

    let ex = file("q.sql", "SELECT * FROM a;\nSELECT 'oops FROM b;\n", &ctx());
    assert_eq!(ex.problems.len(), 1);
    assert_eq!(ex.problems[0].offset, 24);
    assert_eq!(ex.accesses.len(), 1);

    // Garbage that no dialect parses and that names nothing: silence.
    let ex = file("q.sql", "this is not ) sql at all (;\nfoo bar;", &ctx());
    assert!(ex.problems.is_empty() && ex.accesses.is_empty());
}

#[test]
fn dialect_hint_is_accepted() {
    for hint in [
        "postgres",
        "PostgreSQL",
        "mysql",
        "sqlite",
        "generic",
        "unknown",
    ] {
        let c = Context {
            dialect: Some(hint.into()),
        };
        let ex = file("h.sql", "SELECT * FROM t JOIN u ON t.id = u.id", &c);
        assert_eq!(ex.accesses.len(), 2, "{hint}");
    }
}

#[test]
fn embedded_maps_offsets_back() {
    // `"SELECT * FROM users " + "JOIN orders ON true"` with pieces at 10 and 60.
    let mut e = Embedded::new();
    e.push_verbatim("SELECT * FROM users ", 10);
    e.push_verbatim("JOIN orders ON true", 60);
    let got = analyze_embedded(&e, &ctx());
    let spans: Vec<_> = got
        .iter()
        .map(|a| (table(a).name.as_str(), a.offset, a.len, a.kind))
        .collect();
    assert_eq!(spans, vec![("users", 24, 5, Read), ("orders", 65, 6, Read)]);

    // A hole for the table is never reported; the rest still is.
    let mut e = Embedded::new();
    e.push_verbatim("INSERT INTO ", 0);
    e.push_hole(HOLE, 12);
    e.push_verbatim(" SELECT * FROM src", 16);
    let got = analyze_embedded(&e, &ctx());
    assert_eq!(got.len(), 1);
    assert_eq!((table(&got[0]).name.as_str(), got[0].offset), ("src", 31));

    // Unparsable embedded SQL falls back only when it looks like SQL.
    let e = Embedded::verbatim("UPDATE users SET a = ((", 100);
    let got = analyze_embedded(&e, &ctx());
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].offset, got[0].confidence), (107, Confidence::Low));
}

#[test]
fn candidates_from_sinks_are_always_analysed_others_only_when_sql() {
    // (text, from a known sink, tables found)
    let cases: [(&str, bool, &[&str]); 6] = [
        ("SELECT * FROM orders", false, &["orders"]),
        ("SELECT * FROM orders", true, &["orders"]),
        // Starts with a statement ownlint does not take for SQL by itself.
        (
            "SET search_path = app; SELECT * FROM orders",
            true,
            &["orders"],
        ),
        ("SET search_path = app; SELECT * FROM orders", false, &[]),
        ("select a user from the list", true, &[]),
        ("   ", true, &[]),
    ];
    for (text, sink, tables) in cases {
        let got = analyze_candidate(&Embedded::verbatim(text, 0), sink, &ctx());
        let names: Vec<&str> = got.iter().map(|a| table(a).name.as_str()).collect();
        assert_eq!(names, tables, "{text:?}, sink: {sink}");
    }
}

#[test]
fn embedded_prose_is_ignored() {
    for s in [
        "failed to update users",
        "select a user from the list",
        "Select the user from the list.",
        "delete from the cache",
        "Update your settings",
        "insert into cache failed: %s",
        "truncate long strings",
        "copy files to disk",
        "create table for users",
    ] {
        let e = Embedded::verbatim(s, 0);
        assert_eq!(analyze_embedded(&e, &ctx()), vec![], "{s:?}");
    }
}

#[test]
fn looks_like_sql_cases() {
    let yes = [
        "SELECT id FROM users WHERE id = $1",
        "  (SELECT 1 FROM t)",
        "-- name: GetUser :one\nSELECT * FROM users",
        "select name from users",
        "INSERT INTO users (a) VALUES (?)",
        "insert into __ownlint_hole__ values (%s)",
        "UPDATE users SET a = 1",
        "update only users u set a = 1",
        "DELETE FROM sessions",
        "WITH x AS (SELECT 1) SELECT * FROM x",
        "CREATE TABLE a (id int)",
        "CREATE UNIQUE INDEX i ON t (c)",
        "ALTER TABLE a ADD COLUMN b int",
        "DROP TABLE IF EXISTS a",
        "TRUNCATE TABLE a, b CASCADE",
        "truncate a",
        "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE",
        "COPY users FROM STDIN",
        "COPY (SELECT 1 FROM t) TO STDOUT",
        "REPLACE INTO t (a) VALUES (1)",
        "SELECT * FROM t WHERE a = :a",
    ];
    for s in yes {
        assert!(looks_like_sql(s), "should look like SQL: {s:?}");
    }
    let no = [
        "",
        "users",
        "failed to update users",
        "select a user from the list",
        "Select a user from the list.",
        "Delete this item?",
        "Deleted 3 rows from users",
        "update failed: connection reset",
        "Insert coin to continue",
        "Drop it like it's hot",
        "Error: SELECT failed",
        "SELECT 1",
        "with a friend",
        "Create a new account",
        "Truncate the log",
        "Copy link",
        "update the user set",
        "ERROR in select from users",
    ];
    for s in no {
        assert!(!looks_like_sql(s), "should not look like SQL: {s:?}");
    }
}

#[test]
fn deeply_nested_parens_return_quickly() {
    let depth = 50_000;
    let text = format!(
        "SELECT * FROM t WHERE x = {}1{};\nSELECT * FROM u;",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let start = std::time::Instant::now();
    let ex = file("deep.sql", &text, &ctx());
    let names: Vec<_> = ex
        .accesses
        .iter()
        .map(|a| (table(a).name.as_str(), a.confidence))
        .collect();
    assert_eq!(names, vec![("t", Confidence::Low), ("u", Confidence::High)]);
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());

    // Nested subqueries and unary operators, within and beyond the limit.
    for n in [10, 40, 1000] {
        let q = format!(
            "SELECT * FROM a WHERE x IN {}SELECT y FROM b{}",
            "(SELECT * FROM c WHERE z IN ".repeat(n) + "(",
            ")".repeat(n + 1)
        );
        let ex = file("n.sql", &q, &ctx());
        assert!(ex.accesses.len() >= 3, "{n}: {}", ex.accesses.len());
        let neg = format!("SELECT {}1 FROM t", "- ".repeat(n * 10));
        assert_eq!(file("n.sql", &neg, &ctx()).accesses.len(), 1);
        let nots = format!("SELECT * FROM t WHERE {} true", "NOT ".repeat(n * 10));
        assert_eq!(file("n.sql", &nots, &ctx()).accesses.len(), 1);
    }
    // Embedded too.
    let e = Embedded::verbatim(&text, 0);
    assert_eq!(analyze_embedded(&e, &ctx()).len(), 2);
}

#[test]
fn large_generated_file() {
    let mut text = String::new();
    let mut n = 0;
    while text.len() < 4_000_000 {
        text.push_str(&format!(
            "-- statement {n}\nINSERT INTO events_{m} (id, payload) VALUES ({n}, 'it''s; {n}');\nSELECT e.id FROM events_{m} e JOIN users u ON u.id = e.user_id WHERE e.id = $1;\n",
            m = n % 7
        ));
        n += 1;
    }
    let start = std::time::Instant::now();
    let ex = file("big.sql", &text, &ctx());
    assert_eq!(ex.accesses.len(), n * 3);
    assert!(ex.problems.is_empty());
    assert!(
        start.elapsed().as_secs() < 120,
        "took {:?}",
        start.elapsed()
    );

    // One huge unterminated statement goes through the linear fallback.
    let blob = format!("SELECT * FROM a WHERE b IN ({}", "1, ".repeat(1_000_000));
    let ex = file("blob.sql", &blob, &ctx());
    assert_eq!(ex.accesses.len(), 1);
}

/// `Run::statement` skips the depth count for statements shorter than
/// [`DEPTH_LIMIT`] bytes: one level per byte is the most the count can reach.
#[test]
fn depth_count_is_bounded_by_length() {
    let within = "(".repeat(DEPTH_LIMIT - 1);
    assert!(
        scan::depth_within(
            &within,
            0,
            within.len(),
            split::Options::default(),
            DEPTH_LIMIT
        )
        .is_some()
    );
    let beyond = "(".repeat(DEPTH_LIMIT);
    assert!(
        scan::depth_within(
            &beyond,
            0,
            beyond.len(),
            split::Options::default(),
            DEPTH_LIMIT
        )
        .is_none()
    );
}

#[test]
fn long_operator_chains_do_not_overflow() {
    for (n, conf) in [(100usize, Confidence::High), (1_000_000, Confidence::Low)] {
        for q in [
            format!("SELECT {}1 FROM t", "1 + ".repeat(n)),
            format!("SELECT * FROM t WHERE {}true", "a = 1 OR ".repeat(n)),
            format!("SELECT x{} FROM t", "::text".repeat(n)),
            format!("SELECT 1 FROM t{}", " UNION SELECT 1 FROM t".repeat(n)),
        ] {
            let ex = file("n.sql", &q, &ctx());
            assert!(!ex.accesses.is_empty(), "{n}");
            assert!(ex.accesses.iter().all(|a| a.confidence == conf), "{n}");
        }
    }
    // Long flat lists are fine and still parsed.
    let q = format!(
        "INSERT INTO t VALUES {}(1)",
        "(1, 'a' || 'b'), ".repeat(20_000)
    );
    let ex = file("n.sql", &q, &ctx());
    assert_eq!(ex.accesses.len(), 1);
    assert_eq!(ex.accesses[0].confidence, Confidence::High);
}

/// Statements of one shape with other literal values reuse the first one's parse, and
/// the result is what parsing each gives: names moved to the new positions (strings
/// with line breaks shift them), rejections remembered per dialect, and literals that
/// sqlparser turns into identifiers (aliases, which decide a multi-table DELETE's
/// target) never blanked.
#[test]
fn memo_gives_what_parsing_gives() {
    let mut random = crate::lang::xorshift(0x9E37_79B9_7F4A_7C15);
    let mut next = move |n: u64| random() % n;
    let strs = [
        "",
        "a",
        "it''s; done",
        "two\nlines",
        "x\n\ny",
        "é表",
        "-- no",
        "$$",
    ];
    let nums = [
        "0",
        "7",
        "007",
        "123456789",
        "1234567890",
        "99999999999999999999",
        "1.5",
        "12.375",
        "5.",
        ".5",
        "1e5",
    ];
    let mut text = String::new();
    for _ in 0..400 {
        let st = strs[next(strs.len() as u64) as usize];
        let n = nums[next(nums.len() as u64) as usize];
        let alias = ["x", "y"][next(2) as usize];
        let stmt = match next(11) {
            0 => format!("INSERT INTO orders (id, note, total) VALUES ({n}, '{st}', {n});"),
            1 => format!(
                "SELECT * FROM \"Orders\" o JOIN users u ON u.id = o.user_id\n  WHERE o.note = '{st}' AND o.total > {n};"
            ),
            2 => format!("DELETE x FROM orders AS '{alias}' JOIN users ON users.id = {n};"),
            3 => format!("CREATE TABLE logs (c VARCHAR({n}), d TEXT DEFAULT '{st}');"),
            4 => format!("UPDATE `orders` SET note = '{st}' WHERE id = {n} LIMIT 1;"),
            5 => format!("CREATE TEMP TABLE tmp AS SELECT * FROM orders WHERE id = {n};"),
            6 => format!("SELECT * FROM tmp JOIN sessions s ON s.k = '{st}' LIMIT {n};"),
            7 => format!("SELECT '{st}' 'b' FROM orders o, '{alias}'.users;"),
            8 => format!(
                "SELECT * FROM orders WHERE note = E'{st}' OR id = ${};",
                next(3) + 1
            ),
            9 => {
                format!("WITH c AS (SELECT {n} AS v) SELECT * FROM c JOIN payments p ON p.v = c.v;")
            }
            _ => format!("SELECT * FROM orders x WHERE x.id IN ({n}, {n}) -- {st}\n;"),
        };
        text.push_str(&stmt);
        text.push('\n');
    }
    for hint in [
        None,
        Some("postgres"),
        Some("mysql"),
        Some("sqlite"),
        Some("generic"),
    ] {
        let c = Context {
            dialect: hint.map(str::to_string),
        };
        let (ex, hits) = with_and_without_memo("m.sql", &text, &c);
        assert!(hits > 200, "{hint:?}: {hits} hits");
        assert!(ex.accesses.len() > 400, "{hint:?}");
    }

    // The DELETE target depends on the alias string: orders is written only through
    // the alias named in the target list.
    let delete = |alias: &str| {
        kinds(&format!(
            "DELETE x FROM orders AS '{alias}' JOIN users ON users.id = 1;"
        ))
    };
    assert_eq!(delete("x"), k(&[(Write, "orders"), (Read, "users")]));
    assert_eq!(delete("y"), k(&[(Read, "orders"), (Read, "users")]));

    // Statements that never repeat turn the memo off; the result stays the same.
    // (Quoted names are kept in the key: each statement has a shape of its own.)
    let distinct: String = (0..600)
        .map(|i| format!("CREATE TABLE \"T{i}\" (u BIGINT REFERENCES users(id));\n"))
        .chain((0..100).map(|i| format!("INSERT INTO orders VALUES ({i});\n")))
        .collect();
    let (_, hits) = with_and_without_memo("d.sql", &distinct, &ctx());
    assert_eq!(hits, 0);
}

/// Statements that differ in their names reuse one parse, and the result is what
/// parsing each gives: the names that decide a statement's meaning by being equal (a
/// CTE and its reference, a DELETE target and its alias, a temporary table and its
/// later use) drawn from a small pool, so that they coincide in some statements and
/// not in others, and the pool holds every kind of word the memo must keep verbatim
/// (keywords, short, upper-case, quoted, `_`-led names, a word sqlparser compares).
#[test]
fn memo_blanks_names_only_where_parsing_agrees() {
    let mut random = crate::lang::xorshift(0x51_7CC1_B727_220A);
    let mut next = move |n: usize| (random() % n as u64) as usize;
    let plain = ["orders", "users", "line_items", "acct2"];
    let verbatim = [
        "status",
        "user",
        "t",
        "Orders",
        "\"orders\"",
        "\"Users\"",
        "_tmp",
        "disk",
        "xmlparse",
        "ORDERS",
        "`users`",
        "@users",
    ];
    // Keywords as field names (blanked after a `.`, not before a `(`), and other words
    // there.
    let fields = [
        "status",
        "window",
        "value",
        "user",
        "select",
        "from",
        "interval",
        "count",
        "order",
        "table",
        "t",
        "orders",
        "\"status\"",
        "Status",
    ];
    let mut text = String::new();
    for _ in 0..2000 {
        let [a, b, c, d] = [0; 4].map(|_| match next(5) {
            0 => verbatim[next(verbatim.len())],
            _ => plain[next(plain.len())],
        });
        let [k, l] = [0; 2].map(|_| fields[next(fields.len())]);
        let stmt = match next(21) {
            14 => format!("SELECT {a}.{k}, {b}.{l} FROM {a} JOIN {b} ON {a}.{k} = {b}.{l};"),
            15 => format!("SELECT {a}.{k}(1), {a}. {l} FROM {b} {a} WHERE {a} .{k} = 1;"),
            16 => format!("INSERT INTO {a}.{k} SELECT * FROM {b}.{l} JOIN {c}.{k}.{l} ON true;"),
            17 => format!("SELECT {a}.{k}.*, {b}.* FROM {a}, {b} WHERE {k} = {b}.{l};"),
            18 => format!("UPDATE {a} SET {k} = 1 FROM {b} WHERE {a}.{k} = {b}.{l};"),
            19 => format!("WITH {k} AS (SELECT 1) SELECT {a}.{l} FROM {a} JOIN {k} ON true;"),
            20 => format!("DELETE FROM {a}.{k} WHERE {l} IN (SELECT {b}.{k} FROM {b});"),
            7 => format!("DELETE {a}, {b} FROM {c} AS {a} JOIN {d} AS {b} ON {a}.id = {b}.id;"),
            8 => format!("CREATE TABLE {a} (x INT REFERENCES {b}(id), y INT REFERENCES {c});"),
            9 => format!("ALTER TABLE {a} RENAME TO {b};\nDROP TABLE {c};\nTRUNCATE {d};"),
            10 => format!(
                "MERGE INTO {a} USING {b} AS {c} ON {a}.id = {c}.id WHEN MATCHED THEN DELETE;"
            ),
            11 => format!("SELECT * FROM {a}({b}) JOIN {c}.{d} ON true JOIN dual ON true;"),
            12 => format!("INSERT INTO {a}.{b} SELECT * FROM {c} ON CONFLICT DO NOTHING;"),
            0 => format!(
                "WITH {a} AS (SELECT * FROM {b}) SELECT * FROM {c} JOIN {a} ON {a}.id = {c}.id;"
            ),
            1 => format!("DELETE {a} FROM {b} AS {a} JOIN {c} ON {c}.id = 1;"),
            2 => format!("DELETE FROM {a} USING {b} AS {c} WHERE {c}.id = {a}.id;"),
            3 => format!("SELECT {a}.x FROM {b} {a} WHERE {a}.y IN (SELECT z FROM {c});"),
            4 => format!("INSERT INTO {a} ({b}, {c}) SELECT {b}, {c} FROM {d};"),
            5 => format!("UPDATE {a} SET {b} = 1 FROM {c} WHERE {c}.id = {a}.id;"),
            _ => format!("SELECT * FROM {a} WHERE x IN (SELECT {b} FROM {c} WHERE {c}.{d} = $1);"),
        };
        text.push_str(&stmt);
        text.push('\n');
    }
    // Temporary tables hide their name for the rest of the file: other names.
    let scratch = ["scratch", "scratch_2", "Scratch", "\"scratch\"", "tmp"];
    let mut temps = String::new();
    for _ in 0..300 {
        let [t, u] = [0; 2].map(|_| scratch[next(scratch.len())]);
        let [b, c] = [0; 2].map(|_| plain[next(plain.len())]);
        temps.push_str(&format!(
            "CREATE TEMP TABLE {t} AS SELECT * FROM {b};\nSELECT * FROM {u} JOIN {c} ON true;\n"
        ));
    }
    for hint in [None, Some("postgres"), Some("mysql"), Some("sqlite")] {
        let c = Context {
            dialect: hint.map(str::to_string),
        };
        let (ex, hits) = with_and_without_memo("names.sql", &text, &c);
        assert!(hits > 500, "{hint:?}: {hits} hits");
        assert!(
            ex.accesses.len() > 2500,
            "{hint:?}: {} accesses",
            ex.accesses.len()
        );
        let (ex, hits) = with_and_without_memo("temps.sql", &temps, &c);
        assert!(hits > 100, "{hint:?}: {hits} hits");
        assert!(
            ex.accesses.len() > 300,
            "{hint:?}: {} accesses",
            ex.accesses.len()
        );
    }
}

/// Random SQL-ish soup: no panics, every offset on the name, output ordered.
#[test]
fn random_inputs_do_not_panic() {
    const ATOMS: &[&str] = &[
        "SELECT ",
        "FROM ",
        "JOIN ",
        "INSERT INTO ",
        "UPDATE ",
        " SET ",
        "DELETE FROM ",
        "CREATE TABLE ",
        "CREATE TEMP TABLE ",
        "DROP TABLE ",
        "ALTER TABLE ",
        "REFERENCES ",
        "TRUNCATE ",
        "MERGE INTO ",
        "USING ",
        "WITH ",
        " AS ",
        "COPY ",
        "users",
        "orders",
        "é",
        "表",
        "😀",
        "\"",
        "'",
        "`",
        "$$",
        "$t$",
        "$1",
        "?",
        ":n",
        "--",
        "/*",
        "*/",
        "#",
        "\n",
        "\r\n",
        "\\c db\n",
        "USE x;",
        ";",
        "(",
        ")",
        ",",
        ".",
        " ",
        "  ",
        "\\",
        "__ownlint_hole__",
        "-- +goose Up\n",
        "-- +goose Down\n",
        "DELIMITER //\n",
        "//",
        "VALUES (1)",
        "E'",
        "[",
        "]",
        "::",
        "1 + ",
        " OR ",
    ];
    let mut next = crate::lang::xorshift(0x2545_F491_4F6C_DD1D);
    for round in 0..3000 {
        let len = (next() % 40) as usize;
        let text: String = (0..len)
            .map(|_| ATOMS[(next() % ATOMS.len() as u64) as usize])
            .collect();
        let hint = ["postgres", "mysql", "sqlite", "generic"][round % 4];
        let c = Context {
            dialect: Some(hint.to_string()),
        };
        with_and_without_memo("r.sql", &text, &c);
        with_and_without_memo("r.down.sql", &text, &c);
        let got = analyze_embedded(&Embedded::verbatim(&text, 7), &c);
        for a in &got {
            assert!(
                a.offset >= 7 && a.offset + a.len <= text.len() + 7,
                "{text:?}"
            );
        }
        looks_like_sql(&text);
    }
}

/// Timing on realistic files: `cargo test --release --lib lang::sql::tests::perf -- --ignored --nocapture`.
#[test]
#[ignore]
fn perf() {
    let mut pg = String::new();
    let mut i = 0;
    while pg.len() < 5_000_000 {
        pg.push_str(&format!(
            "CREATE TABLE t{i} (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id), note text DEFAULT 'x');\n\
             CREATE INDEX t{i}_user ON t{i} (user_id);\n\
             INSERT INTO t{i} (user_id, note) SELECT id, name FROM users WHERE created_at > now() - interval '1 day';\n\
             WITH r AS (SELECT * FROM orders o JOIN items it ON it.order_id = o.id WHERE o.total > $1) UPDATE t{i} SET note = r.x FROM r WHERE r.id = t{i}.id;\n"
        ));
        i += 1;
    }
    let mut my = String::new();
    while my.len() < 5_000_000 {
        my.push_str("INSERT INTO `users` VALUES ");
        for j in 0..1000 {
            my.push_str(&format!(
                "({j},'name {j}','it\\'s',NULL,'2020-01-01 00:00:00'),"
            ));
        }
        my.push_str("(0,'',NULL,NULL,NULL);\n");
    }
    let inserts = my.matches("INSERT INTO").count();
    let bad: String = "SELECT * FROM a WHERE x = (( JOIN b ON c;\n".repeat(120_000);
    for (name, text, want) in [
        ("pg 5MB", &pg, 8 * i),
        ("mysql dump 5MB", &my, inserts),
        ("unparsable 5MB", &bad, 240_000),
    ] {
        let t = std::time::Instant::now();
        let ex = analyze_file("perf.sql", text, &ctx());
        eprintln!(
            "{name}: {} bytes, {} accesses, {:?}",
            text.len(),
            ex.accesses.len(),
            t.elapsed()
        );
        assert_eq!(ex.accesses.len(), want, "{name}");
        assert!(t.elapsed().as_secs() < 60, "{name}");
    }
    let big = pg.repeat(10);
    let t = std::time::Instant::now();
    let ex = analyze_file("perf.sql", &big, &ctx());
    eprintln!("pg 50MB: {} accesses, {:?}", ex.accesses.len(), t.elapsed());
    assert_eq!(ex.accesses.len(), 80 * i);
}

/// `locate` gives what counting every character from the start gives (its first
/// form), for locations on every line, one past a line's end, beyond it, in column 0
/// and past the last line, in text with multi-byte characters and `\r\n`.
#[test]
fn locate_matches_counting_every_character() {
    fn counted(
        text: &str,
        start: usize,
        end: usize,
        locs: &[(u64, u64)],
    ) -> Vec<(u64, u64, usize)> {
        let mut at = Vec::new();
        let (mut line, mut col) = (1u64, 1u64);
        for (i, ch) in text[start..end].char_indices() {
            at.push((line, col, start + i));
            if ch == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
        }
        at.push((line, col, end));
        let mut want: Vec<_> = at
            .into_iter()
            .filter(|&(l, c, _)| locs.contains(&(l, c)))
            .collect();
        want.sort_unstable();
        want
    }
    let mut random = crate::lang::xorshift(0x10ca7e);
    let pieces = [
        "select", " ", "é", "\n", "\r\n", "数据", "t.x", "🦀", "", "  ",
    ];
    for round in 0..400 {
        let text: String = (0..random() % 40)
            .map(|_| pieces[(random() % pieces.len() as u64) as usize])
            .collect();
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let a = bounds[(random() % bounds.len() as u64) as usize];
        let b = bounds[(random() % bounds.len() as u64) as usize];
        let (start, end) = (a.min(b), a.max(b));
        let locs: Vec<(u64, u64)> = (0..random() % 12)
            .map(|_| (random() % 6, random() % 12))
            .collect();
        let mut got: Vec<_> = locate(&text, start, end, locs.clone())
            .into_iter()
            .map(|((l, c), at)| (l, c, at))
            .collect();
        got.sort_unstable();
        assert_eq!(
            got,
            counted(&text, start, end, &locs),
            "round {round}: {text:?}[{start}..{end}] {locs:?}"
        );
    }
}

// ---------------------------------------------------------------------------------
// Lexing per dialect: nested comments, client commands, batch separators, faults.

/// An expected access: kind, `db.schema.name`, confidence.
type Want = (AccessKind, &'static str, Confidence);

/// Dialect hints a case holds for.
type Hints = &'static [Option<&'static str>];

fn hinted(dialect: Option<&str>) -> Context {
    Context {
        dialect: dialect.map(String::from),
    }
}

/// (kind, `db.schema.name`, confidence) of each access, analysed with and without the
/// memo; and the problems' messages.
fn lexed(
    text: &str,
    dialect: Option<&str>,
) -> (Vec<(AccessKind, String, Confidence)>, Vec<String>) {
    let (ex, _) = with_and_without_memo("db/m.sql", text, &hinted(dialect));
    let got = ex
        .accesses
        .iter()
        .map(|a| (a.kind, qualified(table(a)), a.confidence))
        .collect();
    (got, ex.problems.into_iter().map(|p| p.message).collect())
}

#[test]
fn dialect_lexing_must_flag() {
    use Confidence::{High, Low};
    // (dialect hints it holds for, text, accesses), all without problems.
    let none_pg: Hints = &[None, Some("postgres")];
    let any: Hints = &[None, Some("postgres"), Some("mysql"), Some("sqlite")];
    let cases: &[(Hints, &str, &[Want])] = &[
        // PostgreSQL nests comments; a quote in the nested part is comment text.
        (
            none_pg,
            "/* a /* b */ it's c */\nSELECT * FROM users;\nINSERT INTO orders VALUES (1);\n",
            &[(Read, "users", High), (Write, "orders", High)],
        ),
        (
            none_pg,
            "SELECT * /* x /* y ' */ z */ FROM users;\nSELECT * FROM orders;",
            &[(Read, "users", High), (Read, "orders", High)],
        ),
        // MySQL and SQLite end a comment at the first `*/`; without a hint, a comment
        // that never closes nested is read flat.
        (
            &[None, Some("mysql"), Some("sqlite")],
            "/* a /* b */ SELECT * FROM users;\nSELECT * FROM orders;",
            &[(Read, "users", High), (Read, "orders", High)],
        ),
        // psql meta-commands, with or without `;`.
        (
            any,
            "\\c billing;\nSELECT * FROM invoices;",
            &[(Read, "billing.invoices", High)],
        ),
        (
            any,
            "\\connect \"billing\";\nSELECT * FROM invoices;",
            &[(Read, "billing.invoices", High)],
        ),
        (
            any,
            "\\set ON_ERROR_STOP on\n\\i other.sql\n\\echo it's done\nSELECT * FROM invoices;",
            &[(Read, "invoices", High)],
        ),
        (
            any,
            "SELECT max(id) AS top FROM invoices \\gset\nSELECT * FROM users \\gx\nSELECT * FROM orders\\G\n",
            &[
                (Read, "invoices", High),
                (Read, "users", High),
                (Read, "orders", High),
            ],
        ),
        // MySQL `#` comments: anywhere with the hint; at line start and between
        // statements always.
        (
            &[Some("mysql")],
            "CREATE TABLE t (\n  id int, # it's the id\n  n int\n);\nSELECT * FROM users; # it's over\n",
            &[(Ddl, "t", High), (Read, "users", High)],
        ),
        (
            any,
            "# it's a header\nSELECT * FROM users;\n  # indented, it's fine\nSELECT * FROM orders; # it's trailing\n",
            &[(Read, "users", High), (Read, "orders", High)],
        ),
        // The MySQL client's DELIMITER, with `$$` as the delimiter.
        (
            &[None, Some("mysql")],
            "DELIMITER $$\nCREATE PROCEDURE p()\nBEGIN\n  INSERT INTO audit VALUES (1);\n  SELECT * FROM users;\nEND $$\nDELIMITER ;\nSELECT * FROM orders;\n",
            &[
                (Write, "audit", High),
                (Read, "users", High),
                (Read, "orders", High),
            ],
        ),
        // A routine's BEGIN … END body is analysed statement by statement; its
        // header by keyword.
        (
            &[None, Some("mysql")],
            "DELIMITER //\nCREATE DEFINER=`root`@`%` TRIGGER tr AFTER INSERT ON orders FOR EACH ROW\nBEGIN\n  DECLARE n INT;\n  IF NEW.a > 0 THEN\n    UPDATE stock SET n = n - 1 WHERE id = NEW.item;\n  END IF;\n  DELETE FROM carts WHERE id = NEW.cart;\nEND //\nDELIMITER ;\n",
            &[(Write, "stock", Low), (Write, "carts", High)],
        ),
        // Oracle's `/` and SQL Server's `GO` end statements without `;`.
        (
            any,
            "SELECT * FROM users\n/\nDELETE FROM orders\n  /  \nSELECT a / b FROM items\n",
            &[
                (Read, "users", High),
                (Write, "orders", High),
                (Read, "items", High),
            ],
        ),
        (
            any,
            "SELECT * FROM users\nGO\nUPDATE orders SET a = 1\ngo 2\nINSERT INTO items VALUES (1)\nGo\n",
            &[
                (Read, "users", High),
                (Write, "orders", High),
                (Write, "items", High),
            ],
        ),
    ];
    for (dialects, text, want) in cases {
        for dialect in *dialects {
            let (got, problems) = lexed(text, *dialect);
            let want: Vec<_> = want
                .iter()
                .map(|(k, n, c)| (*k, n.to_string(), *c))
                .collect();
            assert_eq!(got, want, "{dialect:?}: {text:?}");
            assert!(problems.is_empty(), "{dialect:?}: {text:?}: {problems:?}");
        }
    }
}

#[test]
fn dialect_lexing_must_not_flag() {
    let cases: &[(Option<&str>, &str)] = &[
        // Nested comments hide what they hold, quotes included.
        (None, "/* a /* b */ SELECT * FROM hidden; ' */\n"),
        (
            Some("postgres"),
            "/* a /* b */ SELECT * FROM hidden; ' */\n",
        ),
        (Some("mysql"), "/* a /* SELECT * FROM hidden */\n"),
        // `#` comments with the MySQL hint, mid-statement.
        (Some("mysql"), "SELECT 1 # FROM hidden\n;"),
        // psql meta-commands are not statements, whatever they hold.
        (None, "\\echo SELECT * FROM hidden;\n\\c\n"),
        (None, "SELECT 1 \\g FROM hidden\n"),
        // Batch separators name nothing.
        (None, "GO\n/\ngo 5\n"),
        // A separator-like word inside a statement is not one.
        (None, "SELECT go FROM (SELECT 1 AS go) x\n"),
    ];
    for (dialect, text) in cases {
        let (got, problems) = lexed(text, *dialect);
        assert_eq!(got, vec![], "{dialect:?}: {text:?}");
        assert!(problems.is_empty(), "{dialect:?}: {text:?}: {problems:?}");
    }
}

#[test]
fn a_fault_loses_only_its_statement_and_names_its_cause() {
    use Confidence::{High, Low};
    // (text, accesses, the problem's words): one problem each.
    let cases: &[(&str, &[Want], &str)] = &[
        (
            "SELECT * FROM a;\nSELECT 'oops FROM b;\nSELECT * FROM c;\n",
            &[(Read, "a", High), (Read, "c", High)],
            "unterminated quoted text (') opened on line 2: its statement is read only up to line 2",
        ),
        (
            "INSERT INTO audit VALUES ('it's\nbroken');\nSELECT * FROM c;\n",
            &[(Write, "audit", Low), (Read, "c", High)],
            "unterminated quoted text (') opened on line 2",
        ),
        (
            "SELECT * FROM a;\nSELECT \"oops FROM b\nWHERE x = 1;\nSELECT * FROM c;\n",
            &[(Read, "a", High), (Read, "c", High)],
            "unterminated quoted name (\") opened on line 2: its statement is read only up to line 3",
        ),
        (
            "SELECT * FROM a /* never closed\n;\nSELECT * FROM c;\n",
            &[(Read, "a", Low), (Read, "c", High)],
            "unterminated block comment opened on line 1",
        ),
        (
            "/* never closed SELECT * FROM b;\nSELECT * FROM c;\n",
            &[(Read, "c", High)],
            "unterminated block comment opened on line 1",
        ),
        (
            "DO $body$ BEGIN DELETE FROM b;\nSELECT * FROM c;\n",
            &[(Write, "b", Low), (Read, "c", High)],
            "unterminated dollar-quoted text opened on line 1",
        ),
        // T-SQL without semicolons: the next `GO` ends the statement at fault.
        (
            "SELECT 'oops FROM b\nGO\nSELECT * FROM c\nGO\n",
            &[(Read, "c", High)],
            "unterminated quoted text (') opened on line 1: its statement is read only up to line 2",
        ),
        // Nothing to resume at: the rest of the file was the statement.
        (
            "SELECT * FROM a;\nSELECT 'oops FROM b\n",
            &[(Read, "a", High)],
            "the rest of the file is read as one statement",
        ),
    ];
    for (text, want, problem) in cases {
        let (got, problems) = lexed(text, None);
        let want: Vec<_> = want
            .iter()
            .map(|(k, n, c)| (*k, n.to_string(), *c))
            .collect();
        assert_eq!(got, want, "{text:?}");
        assert_eq!(problems.len(), 1, "{text:?}: {problems:?}");
        assert!(problems[0].contains(problem), "{text:?}: {problems:?}");
    }
}

/// Each unterminated opener reads to the end of the text once: after
/// [`split::MAX_RESYNCS`] of them the rest is one statement, so a file of broken
/// quotes costs a bounded number of passes.
#[test]
fn resynchronisation_is_bounded() {
    let mut text = String::new();
    for i in 0..split::MAX_RESYNCS + 10 {
        text.push_str(&format!("DO $t{i}$ broken;\nSELECT * FROM t{i};\n"));
    }
    let items = split::split(&text, &mut split::Options::default());
    let faults = items
        .iter()
        .filter(|i| matches!(i, split::Item::Unterminated { .. }))
        .count();
    assert_eq!(faults, split::MAX_RESYNCS + 1);
    let last = items.iter().rev().find_map(|i| match i {
        split::Item::Unterminated { resumed, .. } => Some(*resumed),
        _ => None,
    });
    assert_eq!(last, Some(text.len()));
    // The statements between the faults are found, and the keyword scan reads the
    // last statement at fault, the rest of the text.
    let (got, _) = lexed(&text, None);
    let high = got.iter().filter(|a| a.2 == Confidence::High).count();
    assert_eq!(
        (high, got.len()),
        (split::MAX_RESYNCS, split::MAX_RESYNCS + 10)
    );
}

/// Without a hint, a text whose first comment does not nest is read flat from there
/// on: one read to the end, not one per comment.
#[test]
fn comments_that_do_not_nest_are_read_flat_after_the_first() {
    let mut opts = split::Options::default();
    let text = "/* a /* b */ SELECT * FROM t; /* c */ /* d /* e */\n".repeat(1000);
    let items = split::split(&text, &mut opts);
    assert_eq!(opts.nesting, split::Nesting::Flat);
    let stmts = items
        .iter()
        .filter(|i| matches!(i, split::Item::Stmt { .. }))
        .count();
    assert_eq!(stmts, 1000);
    // A text whose comments nest keeps reading them nested.
    let mut opts = split::Options::default();
    split::split("/* a /* b */ c */ SELECT 1;", &mut opts);
    assert_eq!(opts.nesting, split::Nesting::NestedOrFlat);
}

/// The text `elide::elided` keeps of `text`.
fn kept_of(text: &str) -> String {
    let mut kept = String::new();
    let mut at = 0;
    for (s, e) in elide::elided(text, 0, text.len(), split::Options::default()) {
        kept.push_str(&text[at..s]);
        at = e;
    }
    kept.push_str(&text[at..]);
    kept
}

#[test]
fn lists_of_literals_are_left_out_of_large_statements() {
    let cases = [
        (
            "INSERT INTO users (id, name) VALUES (1, 'a'), (2, 'b'), (-3, NULL) ON CONFLICT DO NOTHING",
            // The last row is one item with the clause after it.
            "INSERT INTO users (id, name) VALUES (1), (-3) ON CONFLICT DO NOTHING",
        ),
        (
            "SELECT * FROM t WHERE id IN (1, 2, $3, ?, :x) AND y = 1",
            "SELECT * FROM t WHERE id IN (1) AND y = 1",
        ),
        // Items that are not literals stay, and so do the literals right after them.
        (
            "INSERT INTO t VALUES (1, (SELECT id FROM accounts)), (2, 3), (f(x), 4), (5, 6)",
            "INSERT INTO t VALUES (1, (SELECT id FROM accounts)), (2), (f(x), 4), (5)",
        ),
        (
            "SELECT a, b, 1, 2 FROM t GROUP BY 1, 2",
            // Items run from comma to comma: `2 FROM t GROUP BY 1` is not a literal.
            "SELECT a, b, 1, 2 FROM t GROUP BY 1",
        ),
        // Nothing to leave out.
        ("SELECT a, b FROM t", "SELECT a, b FROM t"),
    ];
    for (text, want) in cases {
        assert_eq!(kept_of(text), want, "{text:?}");
    }
}

/// A 4 MB statement used to be parsed whole (its tokens and tree took over 100 bytes
/// per byte of SQL). What is parsed now is its text without the lists of literals,
/// within `MAX_PARSE_BYTES`; the findings are the same, at high confidence, and point
/// into the original text. A statement that stays over the limit is scanned.
#[test]
fn large_statements_are_parsed_within_the_limit() {
    let mut dump = String::from("INSERT INTO users (id, name) VALUES ");
    let mut n = 0;
    while dump.len() < 4_000_000 {
        dump.push_str(&format!("({n}, 'name {n}; it''s'),"));
        n += 1;
    }
    dump.push_str("(0, (SELECT max(id) FROM accounts));\nSELECT * FROM orders WHERE id IN (");
    dump.push_str(
        &(0..600_000)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    );
    dump.push_str(");\n");
    let stmts: Vec<(usize, usize)> = split::split(&dump, &mut split::Options::default())
        .into_iter()
        .filter_map(|i| match i {
            split::Item::Stmt { start, end } => Some((start, end)),
            _ => None,
        })
        .collect();
    assert_eq!(stmts.len(), 2);
    for (start, end) in stmts {
        assert!(end - start > elide::MAX_PARSE_BYTES);
        let left_out: usize = elide::elided(&dump, start, end, split::Options::default())
            .iter()
            .map(|(s, e)| e - s)
            .sum();
        assert!(
            end - start - left_out < 200,
            "{} bytes kept",
            end - start - left_out
        );
    }
    let (got, problems) = lexed(&dump, None);
    assert_eq!(
        got,
        [
            (Write, "users".to_string(), Confidence::High),
            (Read, "accounts".to_string(), Confidence::High),
            (Read, "orders".to_string(), Confidence::High),
        ]
    );
    assert!(problems.is_empty());

    // Over the limit without lists of literals: the keyword scan.
    let columns: Vec<String> = (0..10_000).map(|i| format!("c{i}")).collect();
    let wide = format!("SELECT {} FROM orders", columns.join(", "));
    assert!(wide.len() > elide::MAX_PARSE_BYTES);
    let (got, _) = lexed(&wide, None);
    assert_eq!(got, [(Read, "orders".to_string(), Confidence::Low)]);
}

/// The oracle of `elide`: what a statement names is the same whether it is parsed
/// whole (the plain path) or without the lists of literals `elide` leaves out (the
/// path of statements over `MAX_PARSE_BYTES`). Checked on statements small enough to
/// parse whole, with lists in every place a list of literals can stand.
#[test]
fn elided_statements_name_what_whole_ones_name() {
    let cases = [
        "INSERT INTO users (id, name) VALUES (1, 'a'), (2, 'b'), (3, NULL)",
        "INSERT INTO users (id, name) VALUES (1, 'a'), (2, (SELECT name FROM accounts LIMIT 1)), (3, 'c') ON CONFLICT (id) DO UPDATE SET name = 'x'",
        "INSERT INTO t SELECT * FROM orders WHERE id IN (1, 2, 3) AND k NOT IN ('a', 'b')",
        "UPDATE orders SET paid = TRUE WHERE id IN (1, 2, 3, 4) AND customer_id IN (SELECT id FROM customers WHERE region IN ('eu', 'us'))",
        "DELETE FROM invoices WHERE id IN ($1, $2, $3) OR ref IN (SELECT ref FROM refunds)",
        "SELECT a, b, 1, 2 FROM t JOIN u ON u.id = t.id GROUP BY 1, 2 ORDER BY 1, 2",
        "SELECT coalesce(x, 0, 1, 2) FROM metrics WHERE y IN (1.5, -2, DEFAULT, FALSE)",
        "WITH v (a, b) AS (VALUES (1, 2), (3, 4)) SELECT * FROM v JOIN orders ON orders.id = v.a",
        "SELECT * FROM orders WHERE (a, b) IN ((1, 2), (3, 4), (5, 6)) AND c IN (SELECT c FROM carts)",
        "INSERT INTO audit (id, at) VALUES (1, now()), (2, now()), (3, now())",
        "SELECT * FROM orders WHERE id = ANY (ARRAY[1, 2, 3]) AND tag IN ('x', 'y')",
    ];
    let mut elided = 0;
    for text in cases {
        let kept = kept_of(text);
        if kept != text {
            elided += 1;
        }
        assert_eq!(kinds(&kept), kinds(text), "{text:?} kept as {kept:?}");
    }
    assert!(elided >= 8, "only {elided} cases had a list left out");
}
