//! A real query survives whatever valid code surrounds it: in every language, an
//! access to `orders` at a database call is found, at its offset, between random
//! sequences of valid tricky constructs (comments holding quotes, strings nested in
//! interpolation, raw strings, regex literals, heredocs, char literals) and prose
//! that names `invoices` (exception and log messages, translations, test names),
//! which is never reported. The code is valid, so it reads without a problem.
//!
//! `OWNLINT_FUZZ_CASES` and `OWNLINT_FUZZ_SEED` (see `tests/fuzz.rs`) scale these too.

use ownlint::lang::{Context, Language, extract};
use ownlint::model::Target;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

fn config(default_cases: u32) -> Config {
    Config {
        cases: std::env::var("OWNLINT_FUZZ_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default_cases),
        rng_seed: match std::env::var("OWNLINT_FUZZ_SEED").ok().as_deref() {
            Some("random") => RngSeed::Random,
            Some(n) => n.parse().map_or(RngSeed::Fixed(0x9e05), RngSeed::Fixed),
            None => RngSeed::Fixed(0x9e05),
        },
        failure_persistence: None,
        ..Config::default()
    }
}

/// A language: its file name, the text around the body, the query line, and the
/// constructs (each whole lines of valid code) that may surround it.
struct Lang {
    lang: Language,
    path: &'static str,
    head: &'static str,
    tail: &'static str,
    query: &'static str,
    tricky: &'static [&'static str],
}

const LANGS: &[Lang] = &[
    Lang {
        lang: Language::Python,
        path: "app/a.py",
        head: "",
        tail: "",
        query: "cursor.execute(\"SELECT id FROM orders WHERE id = %s\", (1,))\n",
        tricky: &[
            "# a comment with \"quotes' and SELECT * FROM invoices\n",
            "\"\"\"A docstring: ' \" DELETE FROM invoices \"\"\"\n",
            "s = f\"a {f'b {c + \"}\"}'} d\"\n",
            "t = f\"a {f\"b {f\"c {x}\"}\"} d\"\n",
            "u = f\"\"\"x {'\"\"\"'} y\"\"\"\n",
            "v = rf\"\\{x!r:>{width}}\" + r'\\'\n",
            "w = re.compile(r\"['\\\"]+\")\n",
            "x = f\"{f\"{'\"'}\"}\" + f\"{n:#x} {m:{'>'}{w}}\"\n",
            "b = b'\\x00\"' + '{'\n",
            "raise ValueError(\"DELETE FROM invoices refused\")\n",
            "logger.warning(f\"UPDATE invoices SET paid = {paid} skipped\")\n",
            "msg = _(\"SELECT * FROM invoices is not allowed\")\n",
            "assert n, \"DELETE FROM invoices WHERE id = 1 must not run\"\n",
            "def test_delete_from_invoices():\n    pass\n",
        ],
    },
    Lang {
        lang: Language::Ruby,
        path: "app/a.rb",
        head: "",
        tail: "",
        query: "conn.execute(\"SELECT id FROM orders WHERE id = 1\")\n",
        tricky: &[
            "# a comment with \"quotes' and SELECT * FROM invoices\n",
            "s = \"a #{\"b #{c + '\"'}\"} d\"\n",
            "t = \"a #{ {x: \"}\"}[:x] } b\"\n",
            "w = \"#{`ls #{\"}\"}`}\"\n",
            "v = \"#{%q(#{)}\" + %Q[a #{\"]\"} b]\n",
            "l = %W[a#{\"]\"} b] + %i[c]\n",
            "w = \"#{ x # a comment with \" a quote\n}\"\n",
            "x = \"#{<<~Y}\" + 'z'\n  y \" #{'\"'}\nY\n",
            "h = <<~TEXT\n  a \" #{\"b #{\"}\"}\"} '\nTEXT\n",
            "r = /[\"'#]+/ =~ x\n",
            "c = ?\" + :\"sym\".to_s\n",
            "=begin\n\" unclosed ' DELETE FROM invoices\n=end\n",
            "raise ArgumentError, \"DELETE FROM invoices refused\" if x.nil?\n",
            "Rails.logger.info(\"UPDATE invoices SET paid = 1 skipped\")\n",
            "label = I18n.t(\"SELECT * FROM invoices is not allowed\")\n",
            "it \"DELETE FROM invoices is refused\" do\nend\n",
        ],
    },
    Lang {
        lang: Language::TypeScript,
        path: "app/a.ts",
        head: "",
        tail: "",
        query: "db.query(\"SELECT id FROM orders WHERE id = 1\");\n",
        tricky: &[
            "// a comment with \"quotes' and ` SELECT * FROM invoices\n",
            "/* a block ` \" ' comment */\n",
            "const s = `a ${`b ${x + \"`\"} c ${`d ${`e ${y}`}`}`} f`;\n",
            "const r = /[\"'`]/g; const u = `${'}'}`;\n",
            "const v = `${ {a: `}`}.a }`;\n",
            "const w = `${ /`/.test(x) } ${ x /* ` */ }`;\n",
            "const q = a / b / c + '\\'';\n",
            "const re = x.replace(/\\/\\*/g, \"*/\");\n",
            "if (!id) throw new Error(\"DELETE FROM invoices refused\");\n",
            "console.log(`UPDATE invoices SET paid = ${paid} skipped`);\n",
            "const label = i18n.t(\"SELECT * FROM invoices is not allowed\");\n",
            "it(\"DELETE FROM invoices is refused\", () => {});\n",
        ],
    },
    Lang {
        lang: Language::Go,
        path: "app/a.go",
        head: "package app\n\nfunc f() error {\n",
        tail: "\treturn nil\n}\n",
        query: "\tdb.Query(\"SELECT id FROM orders WHERE id = 1\")\n",
        tricky: &[
            "\t// a comment with \"quotes' and ` SELECT * FROM invoices\n",
            "\t/* a block ` \" ' comment */\n",
            "\ts := `a \"b` + \"c`d\" + string('`') + string('\"')\n",
            "\tr := regexp.MustCompile(`[\"'\\x60]`)\n",
            "\tif x { return errors.New(\"DELETE FROM invoices refused\") }\n",
            "\tif x { return fmt.Errorf(\"DELETE FROM invoices WHERE id = %d\", id) }\n",
            "\tlog.Printf(\"UPDATE invoices SET paid = true skipped\")\n",
        ],
    },
    Lang {
        lang: Language::Java,
        path: "app/A.java",
        head: "class A {\n  void f() throws Exception {\n",
        tail: "  }\n}\n",
        query: "    st.executeQuery(\"SELECT id FROM orders WHERE id = 1\");\n",
        tricky: &[
            "    // a comment with \"quotes' and SELECT * FROM invoices\n",
            "    /* a block \" ' comment */\n",
            "    String b = \"\"\"\n      a \" \\\"\"\" b ' \n      \"\"\";\n",
            "    char c = '\"'; char d = '\\'';\n",
            "    if (x) throw new IllegalStateException(\"DELETE FROM invoices refused\");\n",
            "    LOGGER.warn(\"UPDATE invoices SET paid = true skipped\");\n",
            "    assertEquals(1, n, \"DELETE FROM invoices must not run\");\n",
        ],
    },
    Lang {
        lang: Language::Kotlin,
        path: "app/A.kt",
        head: "fun f() {\n",
        tail: "}\n",
        query: "    st.executeQuery(\"SELECT id FROM orders WHERE id = 1\")\n",
        tricky: &[
            "    // a comment with \"quotes' and SELECT * FROM invoices\n",
            "    /* a /* nested */ \" comment */\n",
            "    val s = \"${ \"${x}\" }\"\n",
            "    val t = \"a ${ \"b ${ \"}\" } c\" } d\"\n",
            "    val u = \"\"\"x ${ \"\"\"y ${z}\"\"\" } \" \"\"\"\n",
            "    val w = \"${ if (a) \"}\" else \"{\" }\" + '\"'\n",
            "    val y = \"${ \"${ '\"' }\" }\" + \"${ \"\"\"${ \"}\" }\"\"\" }\"\n",
            "    if (x) throw IllegalStateException(\"DELETE FROM invoices refused\")\n",
            "    error(\"UPDATE invoices SET paid = true refused\")\n",
        ],
    },
    Lang {
        lang: Language::CSharp,
        path: "app/A.cs",
        head: "class A {\n  void F() {\n",
        tail: "  }\n}\n",
        query: "    conn.Execute(\"SELECT id FROM orders WHERE id = 1\");\n",
        tricky: &[
            "    // a comment with \"quotes' and SELECT * FROM invoices\n",
            "    var s = $\"{ $\"{x}\" }\";\n",
            "    var t = $\"a { $\"b { \"}\" } c\" } d\";\n",
            "    var u = $$\"\"\"x {{ $\"{y}\" }} {z} \" \"\"\";\n",
            "    var v = @\"a \"\" b \\\" + '\"';\n",
            "    var w = $@\"a {(x ? \"}\" : \"{\")} b\";\n",
            "    var y = $\"{ '\"' }\" + $\"{ @\"a \"\" }\" }\";\n",
            "    if (x) throw new InvalidOperationException(\"DELETE FROM invoices refused\");\n",
            "    _logger.LogWarning(\"UPDATE invoices SET paid = 1 skipped\");\n",
        ],
    },
    Lang {
        lang: Language::Rust,
        path: "app/a.rs",
        head: "fn f() -> anyhow::Result<()> {\n",
        tail: "    Ok(())\n}\n",
        query: "    let q = sqlx::query(\"SELECT id FROM orders WHERE id = $1\");\n",
        tricky: &[
            "    // a comment with \"quotes' and SELECT * FROM invoices\n",
            "    /* a /* nested \" */ comment */\n",
            "    let s = r##\"a \"# b\"##;\n",
            "    let c = '\"'; let d = b'\\''; let l: &'static str = \"x\";\n",
            "    let e = format!(\"{{ {} }}\", format!(\"{}\", \"}\"));\n",
            "    if x { bail!(\"DELETE FROM invoices refused\"); }\n",
            "    tracing::info!(\"UPDATE invoices SET paid = true skipped\");\n",
            "    let m = o.expect(\"SELECT * FROM invoices failed\");\n",
        ],
    },
];

fn case() -> impl Strategy<Value = (usize, Vec<usize>, Vec<usize>)> {
    (0..LANGS.len()).prop_flat_map(|l| {
        let n = LANGS[l].tricky.len();
        (
            Just(l),
            prop::collection::vec(0..n, 0..6),
            prop::collection::vec(0..n, 0..6),
        )
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn a_query_is_found_whatever_surrounds_it((l, before, after) in case()) {
        let lang = &LANGS[l];
        let mut src = lang.head.to_string();
        for &k in &before {
            src.push_str(lang.tricky[k]);
        }
        let at = src.len() + lang.query.find("orders").unwrap_or_default();
        src.push_str(lang.query);
        for &k in &after {
            src.push_str(lang.tricky[k]);
        }
        src.push_str(lang.tail);
        let got = extract(lang.lang, lang.path, &src, &Context::default());
        prop_assert!(got.problems.is_empty(), "{:?}\n{}", got.problems, src);
        let tables: Vec<(usize, String)> = got
            .accesses
            .iter()
            .filter_map(|a| match &a.target {
                Target::Table(t) => Some((a.offset, t.name.clone())),
                Target::Import(_) => None,
            })
            .collect();
        prop_assert_eq!(tables, vec![(at, "orders".to_string())], "\n{}", src);
    }
}
