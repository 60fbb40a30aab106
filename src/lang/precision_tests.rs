//! Only SQL is SQL, in every language: table-driven cases of prose that names a table
//! (messages of exceptions and logs, translations, test names, assertion messages)
//! beside real queries, some right after or inside a tricky construct (nested
//! interpolation, raw strings, heredocs).
//!
//! In every case the table `orders` stands only in real queries and `invoices` only
//! in prose: the accesses found must be exactly one per `orders` in the source (at
//! its offset), none to `invoices`, and the code (all valid) must read without a
//! problem.

use super::{Context, Language, extract};
use crate::model::{Confidence, Target};

/// The offsets of the table accesses found in `src`, with their names, checked
/// against the rule above; returns the confidences of the `orders` accesses.
fn check(lang: Language, path: &str, src: &str) -> Vec<Confidence> {
    let got = extract(lang, path, src, &Context::default());
    if lang == Language::Python {
        // Python passes over statements with no string literal and no constant: the
        // shortcut must find what reading every statement finds.
        let every = super::python::extract_every_statement(path, src, &Context::default(), None);
        assert_eq!(
            got, every,
            "{path}: the shortcut changed what was found:\n{src}"
        );
    }
    assert!(
        got.problems.is_empty(),
        "{path}: valid code reported as broken: {:?}\n{src}",
        got.problems
    );
    let mut found: Vec<(usize, String, Confidence)> = got
        .accesses
        .iter()
        .filter_map(|a| match &a.target {
            Target::Table(t) => Some((a.offset, t.name.clone(), a.confidence)),
            Target::Import(_) => None,
        })
        .collect();
    found.sort_by_key(|f| f.0);
    found.dedup_by_key(|f| f.0);
    let want: Vec<usize> = src.match_indices("orders").map(|(at, _)| at).collect();
    let line = |at: usize| src[..at].lines().count().max(1);
    for (at, name, _) in &found {
        assert_eq!(
            name,
            "orders",
            "{path}: prose at line {} read as access to `{name}`:\n{src}",
            line(*at)
        );
    }
    let at: Vec<usize> = found.iter().map(|f| f.0).collect();
    let missed: Vec<usize> = want
        .iter()
        .filter(|w| !at.contains(w))
        .map(|&w| line(w))
        .collect();
    assert!(
        missed.is_empty(),
        "{path}: queries missed at lines {missed:?}:\n{src}"
    );
    found.into_iter().map(|f| f.2).collect()
}

fn check_all(lang: Language, path: &str, cases: &[&str]) {
    for src in cases {
        check(lang, path, src);
    }
}

#[test]
fn python() {
    check_all(
        Language::Python,
        "app/a.py",
        &[
            "raise ValueError(\"DELETE FROM invoices refused\")\n",
            "raise Refused(f\"DELETE FROM invoices WHERE id = {id} refused\")\n",
            "raise Refused(\"DELETE FROM invoices \" + reason)\ncursor.execute(\"SELECT id FROM orders\")\n",
            "logger.warning(\"UPDATE invoices SET paid = true skipped\")\n",
            "log.info(\"DELETE FROM invoices WHERE id = %s\", id)\n",
            "msg = _(\"SELECT * FROM invoices is not allowed\")\n",
            "msg = gettext_lazy(\"DELETE FROM invoices\")\n",
            "assert n > 0, \"DELETE FROM invoices WHERE id = 1 must not run\"\n",
            "assert n > 0, f\"DELETE FROM invoices WHERE id = {n}\"\ncursor.execute(\"SELECT * FROM orders\")\n",
            "self.assertEqual(n, 1, \"DELETE FROM invoices must not run\")\n",
            "self.assertEqual(conn.execute(\"SELECT count(*) FROM orders\").scalar(), 1, \"DELETE FROM invoices\")\n",
            "mock.execute.assert_called_once_with(\"DELETE FROM invoices WHERE id = 1\")\n",
            "pytest.fail(\"DELETE FROM invoices ran\")\n",
            "warnings.warn(\"DELETE FROM invoices is deprecated\")\n",
            "flash(\"DELETE FROM invoices refused\")\nmessages.error(request, \"DELETE FROM invoices refused\")\n",
            "def purge(cursor):\n    \"\"\"DELETE FROM invoices WHERE paid = false; runs nightly.\"\"\"\n    cursor.execute(\"DELETE FROM orders WHERE paid = false\")\n",
            // Looks like a statement, parses as none, reaches no database call.
            "status = \"UPDATE invoices SET paid\"\n",
            // At a sink the keyword scan still reads it.
            "cursor.execute(\"UPDATE orders SET paid\")\n",
            // Nested f-strings (PEP 701 reuses the quote).
            "s = f\"a {f'b {c + \"}\"}'} d\"\ncursor.execute(\"SELECT id FROM orders\")\n",
            "t = f\"a {f\"b {f\"c {x}\"}\"} d\"\ncursor.execute(\"SELECT id FROM orders\")\n",
            "u = f\"\"\"x {'\"\"\"'} y\"\"\"\ncursor.execute(\"SELECT id FROM orders\")\n",
            "v = rf\"\\{x!r:>{width}}\" + f'{\"\\'\"}'\ncursor.execute(\"SELECT id FROM orders\")\n",
            "w = f\"{f\"{'\"'}\"}\" + f\"{x:#x} {y:{'>'}{w}}\"\ncursor.execute(\"SELECT id FROM orders\")\n",
            "z = f\"{f'''{\"'\"}'''}\" + f\"{ {'a': '}'}['a'] }\"\ncursor.execute(\"SELECT id FROM orders\")\n",
        ],
    );
}

#[test]
fn ruby() {
    check_all(
        Language::Ruby,
        "app/a.rb",
        &[
            "raise ArgumentError, \"DELETE FROM invoices refused\" if id.nil?\n",
            "raise \"DELETE FROM invoices refused\"\nconn.execute(\"SELECT * FROM orders\")\n",
            "fail \"UPDATE invoices SET paid = 1 refused\"\n",
            "raise ArgumentError.new(\"DELETE FROM invoices refused\")\n",
            "Rails.logger.info(\"UPDATE invoices SET paid = 1 skipped\")\n",
            "label = I18n.t(\"SELECT * FROM invoices is not allowed\")\n",
            "label = t(\"DELETE FROM invoices\")\n",
            "describe \"DELETE FROM invoices\" do\n  it \"UPDATE invoices SET paid = 1 is refused\" do\n    conn.execute(\"SELECT * FROM orders\")\n  end\nend\n",
            "RSpec.describe \"DELETE FROM invoices\" do\nend\n",
            "assert_equal 1, n, \"DELETE FROM invoices must not run\"\n",
            "status = \"UPDATE invoices SET paid\"\n",
            // Interpolation inside a string inside an interpolation.
            "s = \"a #{\"b #{c + '\"'}\"} d\"\nconn.execute(\"SELECT id FROM orders\")\n",
            "t = \"a #{ {x: \"}\"}[:x] } b\"\nconn.execute(\"SELECT id FROM orders\")\n",
            "u = <<~SQL\n  a #{\"b #{\"}\"}\"}\nSQL\nconn.execute(\"SELECT id FROM orders\")\n",
            "w = \"#{`ls #{\"}\"}`}\"\nconn.execute(\"SELECT id FROM orders\")\n",
            "v = \"#{%q(#{)}\"\nconn.execute(\"SELECT id FROM orders\")\n",
            "v = \"#{%Q(#{\"(\"})}\"\nconn.execute(\"SELECT id FROM orders\")\n",
            "t = %W[a#{\"]\"} b]\nconn.execute(\"SELECT id FROM orders\")\n",
            "u = \"#{x.map { |y| \"#{y}}\" }}\"\nconn.execute(\"SELECT id FROM orders\")\n",
            "v = <<-A + <<-B\n  #{\"x\"}\n  A\n  #{'\"'}\n  B\nconn.execute(\"SELECT id FROM orders\")\n",
            "w = \"#{ x # a comment with \" a quote\n}\"\nconn.execute(\"SELECT id FROM orders\")\n",
            "x = \"#{<<~Y}\" + 'z'\n  y \" #{'\"'}\nY\nconn.execute(\"SELECT id FROM orders\")\n",
            "x = \"a #{[<<-A, <<~'B'].join} b\"\n  \"\n  A\n  '\nB\nconn.execute(\"SELECT id FROM orders\")\n",
            "x = \"#{a <<B} #{[] <<C}\"\nconn.execute(\"SELECT id FROM orders\")\nB\n",
            "s = \"#{\"#{\"#{\"#{'}'}\"}\"}\"}\"\nconn.execute(\"SELECT id FROM orders\")\n",
        ],
    );
}

#[test]
fn typescript() {
    check_all(
        Language::TypeScript,
        "app/a.ts",
        &[
            "if (!id) throw new Error(\"DELETE FROM invoices refused\");\n",
            "if (!id) throw Error(\"DELETE FROM invoices refused\");\n",
            "if (!id) throw new Refusal(`DELETE FROM invoices WHERE id = ${id} refused`);\ndb.query(\"SELECT * FROM orders\");\n",
            "throw new HttpException(`DELETE FROM invoices WHERE id = ${id} refused`);\n",
            "console.log(\"UPDATE invoices SET paid = true skipped\");\n",
            "this.logger.warn(\"DELETE FROM invoices skipped\");\n",
            "toast.error(\"DELETE FROM invoices refused\");\n",
            "/** SELECT * FROM invoices */\nfunction f() { return db.query(\"SELECT * FROM orders\"); }\n",
            "const label = i18n.t(\"SELECT * FROM invoices is not allowed\");\n",
            "const label = t(\"DELETE FROM invoices\");\n",
            "const label = this.$t(\"DELETE FROM invoices\");\n",
            "describe(\"DELETE FROM invoices\", () => {\n  it(\"UPDATE invoices SET paid = true is refused\", async () => {\n    await db.query(\"SELECT * FROM orders\");\n  });\n  test.each([1])(\"INSERT INTO invoices (id) VALUES (%i)\", () => {});\n});\n",
            "it.only(`DELETE FROM invoices`, () => {});\n",
            "assert(ok, \"DELETE FROM invoices must not run\");\n",
            "assert.strictEqual(n, 1, \"DELETE FROM invoices must not run\");\n",
            "expect(builder.toString()).toBe(\"DELETE FROM invoices WHERE id = 1\");\nexpect(pool.query).toHaveBeenCalledWith(\"SELECT * FROM invoices\");\n",
            "const status = \"UPDATE invoices SET paid\";\n",
            "db.query(\"UPDATE orders SET paid\");\n",
            // Templates inside templates' holes.
            "const s = `a ${`b ${x + \"`\"} c ${`d ${`e ${y}`}`}`} f`;\ndb.query(\"SELECT id FROM orders\");\n",
            "const r = /[\"'`]/g; const u = `${'}'}`;\ndb.query(\"SELECT id FROM orders\");\n",
            "const v = `${ {a: `}`}.a }`;\ndb.query(\"SELECT id FROM orders\");\n",
            "const s = `${`${`${`${\"`\"}`}`}`}`;\ndb.query(\"SELECT id FROM orders\");\n",
            "const t = `${ '`' + \"${\" }`;\ndb.query(\"SELECT id FROM orders\");\n",
            "const u = `${ /`/.test(x) } and ${x} ${ /}/.source }`;\ndb.query(\"SELECT id FROM orders\");\n",
            "const v = `${ x /* ` */ }`;\ndb.query(\"SELECT id FROM orders\");\n",
        ],
    );
}

#[test]
fn go() {
    check_all(
        Language::Go,
        "app/a.go",
        &[
            "package app\nfunc f() error { return errors.New(\"DELETE FROM invoices refused\") }\n",
            "package app\nfunc f() error { return fmt.Errorf(\"DELETE FROM invoices WHERE id = %d refused\", id) }\n",
            "package app\nfunc f() { log.Printf(\"UPDATE invoices SET paid = true skipped\") }\n",
            "package app\nfunc f() { panic(\"DELETE FROM invoices WHERE id = 1\") }\n",
            "package app\nfunc f() error { return pkgerrors.Wrap(err, \"DELETE FROM invoices failed\") }\n",
            "package app\nfunc TestX(t *testing.T) {\n\tt.Run(\"DELETE FROM invoices is refused\", func(t *testing.T) {\n\t\tdb.Query(\"SELECT id FROM orders\")\n\t})\n\tassert.Equal(t, 1, n, \"DELETE FROM invoices must not run\")\n}\n",
            "package app\nvar status = \"UPDATE invoices SET paid\"\n",
            "package app\nvar _ = Describe(\"DELETE FROM invoices\", func() {\n\tIt(\"UPDATE invoices SET paid = true is refused\", func() {\n\t\tdb.Query(\"SELECT id FROM orders\")\n\t})\n})\n",
            "package app\nfunc f() {\n\ts := `a \"b` + \"c`d\" + string('`')\n\tdb.Query(\"SELECT id FROM orders\")\n}\n",
        ],
    );
}

#[test]
fn java() {
    check_all(
        Language::Java,
        "app/A.java",
        &[
            "class A { void f() { if (id == null) throw new IllegalStateException(\"DELETE FROM invoices refused\"); } }\n",
            "class A { void f() { if (x) throw new Refusal(\"DELETE FROM invoices refused\"); st.executeQuery(\"SELECT id FROM orders\"); } }\n",
            "class A { void f() { LOGGER.warn(\"UPDATE invoices SET paid = true skipped\"); } }\n",
            "class A { @DisplayName(\"DELETE FROM invoices is refused\") void t() { assertEquals(1, n, \"DELETE FROM invoices must not run\"); } }\n",
            "class A { void t() { assertThat(n).as(\"DELETE FROM invoices\").isZero(); } }\n",
            "class A { void t() { assertEquals(1, jdbc.queryForObject(\"SELECT count(*) FROM orders\", Integer.class), \"DELETE FROM invoices\"); } }\n",
            "class A { String s = \"UPDATE invoices SET paid\"; }\n",
            "class A { String s = \"\"\"\n  a \" \\\"\"\" b\n  \"\"\"; void f() { st.executeQuery(\"SELECT id FROM orders\"); } }\n",
        ],
    );
}

#[test]
fn kotlin() {
    check_all(
        Language::Kotlin,
        "app/A.kt",
        &[
            "fun f() { if (id == null) throw IllegalStateException(\"DELETE FROM invoices refused\") }\n",
            "fun f() { error(\"DELETE FROM invoices refused\") }\n",
            "fun f(ok: Boolean) {\n    require(ok) { \"DELETE FROM invoices WHERE id = 1 refused\" }\n    check(ok) { \"UPDATE invoices SET paid = true refused\" }\n    st.executeQuery(\"SELECT id FROM orders\")\n}\n",
            "class T {\n    @Test\n    fun `DELETE FROM invoices is refused`() {\n        st.executeQuery(\"SELECT id FROM orders\")\n    }\n}\n",
            "fun f() { logger.info { \"DELETE FROM invoices skipped\" } }\n",
            "fun f() {\n    val s = \"${ \"${x}\" }\"\n    st.executeQuery(\"SELECT id FROM orders\")\n}\n",
            "fun f() {\n    val t = \"a ${ \"b ${ \"}\" } c\" } d\"\n    st.executeQuery(\"SELECT id FROM orders\")\n}\n",
            "fun f() {\n    val u = \"\"\"x ${ \"\"\"y ${z}\"\"\" } \"\"\"\n    st.executeQuery(\"SELECT id FROM orders\")\n}\n",
            "fun f() {\n    val w = \"${ if (a) \"}\" else \"{\" }\"\n    st.executeQuery(\"SELECT id FROM orders\")\n}\n",
            "fun f() {\n    val s = \"${ \"${ \"${ \"}\" }\" }\" }\"\n    st.executeQuery(\"SELECT id FROM orders\")\n}\n",
            "fun f() {\n    val t = \"${ \"\"\"${ \"\\\"\" }\"\"\" }\"\n    st.executeQuery(\"SELECT id FROM orders\")\n}\n",
            "fun f() {\n    val u = \"${ \"${ '\"' }\" }\" // }\n    st.executeQuery(\"SELECT id FROM orders\")\n}\n",
            "fun f() {\n    val v = \"$x ${ list.map { \"${it}}\" } }\"\n    st.executeQuery(\"SELECT id FROM orders\")\n}\n",
        ],
    );
}

#[test]
fn csharp() {
    check_all(
        Language::CSharp,
        "app/A.cs",
        &[
            "class A { void F() { if (id == null) throw new InvalidOperationException(\"DELETE FROM invoices refused\"); } }\n",
            "class A { void F() { if (x) throw new Refusal(\"DELETE FROM invoices refused\"); conn.Execute(\"SELECT id FROM orders\"); } }\n",
            "class A { void F() { _logger.LogWarning(\"UPDATE invoices SET paid = 1 skipped\"); } }\n",
            "class A { [Fact(DisplayName = \"DELETE FROM invoices is refused\")] void T() { Assert.AreEqual(1, n, \"DELETE FROM invoices must not run\"); } }\n",
            "class A { string S = \"UPDATE invoices SET paid\"; }\n",
            "class A { void F() {\n  var s = $\"{ $\"{x}\" }\";\n  conn.Execute(\"SELECT id FROM orders\");\n} }\n",
            "class A { void F() {\n  var t = $\"a { $\"b { \"}\" } c\" } d\";\n  conn.Execute(\"SELECT id FROM orders\");\n} }\n",
            "class A { void F() {\n  var u = $$\"\"\"x {{ $\"{y}\" }} {z}\"\"\";\n  conn.Execute(\"SELECT id FROM orders\");\n} }\n",
            "class A { void F() {\n  var w = $@\"a {(x ? \"}\" : \"{\")} b\";\n  conn.Execute(\"SELECT id FROM orders\");\n} }\n",
            "class A { void F() {\n  var s = $\"{ $\"{ $\"{ \"}\" }\" }\" }\";\n  conn.Execute(\"SELECT id FROM orders\");\n} }\n",
            "class A { void F() {\n  var t = $\"{ '\"' }\" + $\"{ @\"a \"\" }\" }\";\n  conn.Execute(\"SELECT id FROM orders\");\n} }\n",
            "class A { void F() {\n  var v = $\"\"\"{ $\"{ \"\\\"\" }\" }\"\"\" + $\"{{ {x /* } */} }}\";\n  conn.Execute(\"SELECT id FROM orders\");\n} }\n",
        ],
    );
}

#[test]
fn rust() {
    check_all(
        Language::Rust,
        "app/a.rs",
        &[
            "fn f() -> R { bail!(\"DELETE FROM invoices refused\"); }\n",
            "fn f() -> R { Err(anyhow!(\"UPDATE invoices SET paid = true refused for {id}\")) }\n",
            "fn f() -> R<(), String> { Err(format!(\"DELETE FROM invoices WHERE id = {}\", 1)) }\n",
            "fn f() { panic!(\"DELETE FROM invoices WHERE id = 1 must not run\"); }\n",
            "fn f() { tracing::info!(\"SELECT * FROM invoices skipped\"); }\n",
            "fn f() { println!(\"INSERT INTO invoices (id) VALUES (1) skipped\"); }\n",
            "fn f() { x.expect(\"SELECT * FROM invoices failed\"); }\n",
            "fn g() { let e = io::Error::new(io::ErrorKind::Other, \"DELETE FROM invoices refused\"); }\n",
            "#[derive(thiserror::Error, Debug)]\nenum E {\n    #[error(\"DELETE FROM invoices refused\")]\n    Refused,\n}\n",
            "fn f() { assert_eq!(n, 1, \"DELETE FROM invoices must not run\"); }\n",
            "#[test]\nfn t() { assert!(sqlx::query(\"SELECT * FROM orders\").is_ok(), \"DELETE FROM invoices\"); }\n",
            "const STATUS: &str = \"UPDATE invoices SET paid\";\n",
            // A field named like a message method is not a call.
            "fn f(s: S) {\n    if s.context { sqlx::query(\"SELECT * FROM orders\"); }\n    let q = \"SELECT * FROM orders\";\n}\n",
            "fn f() {\n    let s = r##\"a \"# b\"##;\n    sqlx::query(\"SELECT id FROM orders\");\n}\n",
            "fn f() {\n    let c = '\"'; let l: &'static str = \"x\";\n    sqlx::query(\"SELECT id FROM orders\");\n}\n",
            "fn f() {\n    let e = format!(\"{{ {} }}\", format!(\"{}\", \"}\"));\n    sqlx::query(\"SELECT id FROM orders\");\n}\n",
        ],
    );
}

/// A statement no dialect parses is scanned for names (low confidence) only where it
/// reaches a database call.
#[test]
fn keyword_scan_only_at_sinks() {
    let sink = check(
        Language::Python,
        "app/a.py",
        "cursor.execute(\"UPDATE orders SET paid\")\n",
    );
    assert_eq!(sink, vec![Confidence::Low]);
    let parsed = check(
        Language::Python,
        "app/a.py",
        "q = \"UPDATE orders SET paid = true\"\n",
    );
    assert_eq!(parsed, vec![Confidence::High]);
    check(
        Language::Go,
        "app/a.go",
        "package app\nvar q = \"UPDATE invoices SET paid\"\nfunc f() { db.Exec(\"UPDATE orders SET paid\") }\n",
    );
}
