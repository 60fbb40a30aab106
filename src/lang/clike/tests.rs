//! Tests of the shared C-family lexer and SQL walk: decoding per dialect, comments,
//! constants, format verbs, names, and robustness on odd or hostile input.

use super::format::{Verb, parse_dotnet, parse_printf};
use super::names::qualified_name;
use super::*;
use crate::lang::sinks::{NonSql, SinkKind};
use crate::model::{Access, AccessKind, TableRef};

/// Rules with one SQL sink, `sink(..)`, and one log call, `log(..)`.
struct Probe(Dialect);

impl Rules for Probe {
    fn dialect(&self) -> Dialect {
        self.0
    }
    fn kind(&self, src: &Source, call: &Call) -> Option<SinkKind> {
        src.is_word(call.name, "log")
            .then_some(SinkKind::NonSql(NonSql::Log))
    }
    fn sink(&self, src: &Source, call: &Call) -> Sink {
        if src.is_word(call.name, "sink") {
            Sink::Sql
        } else {
            Sink::None
        }
    }
    fn shapes(&self, _src: &Source, _out: &mut Vec<Access>) {}
}

/// The texts of the SQL candidates in `text`.
fn texts(d: Dialect, text: &str) -> Vec<String> {
    let src = Source::new(text, d);
    candidates(&Probe(d), &src)
        .iter()
        .map(|c| c.emb.text().to_string())
        .collect()
}

/// The single sink candidate, and the file text at the mapped offset of `word`.
fn mapped(d: Dialect, text: &str, word: &str) -> (String, String) {
    let src = Source::new(text, d);
    let cands = candidates(&Probe(d), &src);
    let c = cands.iter().find(|c| c.sink).map(|c| &c.emb);
    let Some(emb) = c else {
        return (String::new(), String::new());
    };
    let at = emb.text().find(word).unwrap_or(0);
    let a = emb.relocate(Access::table(
        AccessKind::Read,
        TableRef::bare(word),
        at,
        word.len(),
    ));
    (
        emb.text().to_string(),
        text[a.offset..a.offset + a.len].to_string(),
    )
}

fn hole(s: &str) -> String {
    s.replace("HOLE", sql::HOLE)
}

#[test]
fn strings_decode_per_dialect() {
    use Dialect::*;
    let cases: &[(Dialect, &str, &str)] = &[
        (Go, "sink(\"a\\tb\\\"c\\x41\\101\\u00e9\")", "a\tb\"cAAé"),
        (Go, "sink(`raw \\n ${x}`)", "raw \\n ${x}"),
        (Java, "sink(\"\"\"\n  a \\\n  b\\s\"\"\")", "\n  a   b "),
        (Java, "sink('\"' + \"x\")", "HOLEx"),
        (Kotlin, "sink(\"a \\$x \\${y}\")", "a $x ${y}"),
        (Kotlin, "sink(\"a $x ${f(\"}\")} b\")", "a HOLE HOLE b"),
        (Kotlin, "sink(\"\"\"a $x \\n\"\"\"\")", "a HOLE \\n\""),
        (CSharp, "sink(@\"a \"\"q\"\" \\n\")", "a \"q\" \\n"),
        (CSharp, "sink($\"a {{b}} {c:N2} \\t\")", "a {b} HOLE \t"),
        (CSharp, "sink($@\"a {x}\")", "a HOLE"),
        (
            CSharp,
            "sink(\"\"\"\n  \"quoted\" {x}\n  \"\"\")",
            "\n  \"quoted\" {x}\n  ",
        ),
        (CSharp, "sink($$\"\"\"{x} {{y}}\"\"\")", "{x} HOLE"),
        (CSharp, "sink(@class + \"x\")", "HOLEx"),
    ];
    for (d, src, want) in cases {
        assert_eq!(texts(*d, src), vec![hole(want)], "{d:?} {src:?}");
    }
}

#[test]
fn comments_are_skipped() {
    use Dialect::*;
    assert!(texts(Go, "// sink(\"a\")\n/* sink(\"b\") */").is_empty());
    assert!(texts(Kotlin, "/* a /* nested */ sink(\"b\") */").is_empty());
    // Java block comments do not nest: the first `*/` ends it.
    assert_eq!(texts(Java, "/* a /* b */ sink(\"c\") /* */"), vec!["c"]);
    // Comment markers inside strings are text.
    assert_eq!(
        texts(Go, "sink(\"// not /* a comment\")"),
        vec!["// not /* a comment"]
    );
}

/// A constant's value is read where the query uses it: the label sits on the
/// constant's name (or template hole, or format argument) in the query.
#[test]
fn joins_and_constants_map_back_to_the_file() {
    use Dialect::*;
    let src = "const T = \"orders\"\nsink(\"SELECT * \" +\n  \"FROM \" + T + \" o\")";
    assert_eq!(
        mapped(Go, src, "orders"),
        ("SELECT * FROM orders o".into(), "T".into())
    );
    let src = "static final String T = \"orders\";\nvoid f() { sink(String.format(\"SELECT %1$s.id FROM %s\", T)); }";
    assert_eq!(
        mapped(Java, src, "orders"),
        ("SELECT orders.id FROM orders".into(), "T".into())
    );
    let src =
        "const val T: String = \"orders\"\nfun f() = sink(\"SELECT * FROM ${T} WHERE n = $n\")";
    let (text, at) = mapped(Kotlin, src, "orders");
    assert_eq!(
        (text, at),
        (hole("SELECT * FROM orders WHERE n = HOLE"), "T".into())
    );
    let src = "const string T = \"orders\"; void M() { sink($\"SELECT * FROM {T}\"); }";
    assert_eq!(mapped(CSharp, src, "orders").1, "T");
    let src = "class Tables { static final String ORDERS = \"orders\"; }\nvoid f() { sink(\"FROM \" + Tables.ORDERS); }";
    assert_eq!(mapped(Java, src, "orders").1, "Tables.ORDERS");
    let src = "object Tables { const val ORDERS = \"orders\" }\nfun f() = sink(\"FROM ${Tables.ORDERS}\")";
    assert_eq!(mapped(Kotlin, src, "orders").1, "Tables.ORDERS");
    // A constant holding a whole query is read where it is written.
    let src = "const Q = \"SELECT * FROM orders\"\nsink(Q)";
    assert_eq!(mapped(Go, src, "orders").1, "orders");
    let src = "sink(fmt.Sprintf(\"SELECT %d, '%%' FROM %[1]s\", \"orders\"))";
    assert_eq!(
        mapped(Go, src, "orders"),
        ("SELECT 0, '%' FROM orders".into(), "orders".into())
    );
    // An escape before the name does not shift it.
    let src = "sink(\"SELECT \\\"a\\\" FROM orders\")";
    assert_eq!(mapped(Java, src, "orders").1, "orders");
}

#[test]
fn only_immutable_unambiguous_constants_resolve() {
    use Dialect::*;
    let cases: &[(Dialect, &str)] = &[
        // A package-level `var` assigned again, in any way.
        (
            Go,
            "var t = \"orders\"\nfunc f() { t = \"carts\" }\nsink(\"FROM \" + t)",
        ),
        (
            Go,
            "var t = \"orders\"\nfunc f() { t += \"_old\" }\nsink(\"FROM \" + t)",
        ),
        (
            Go,
            "var t = \"orders\"\nfunc f() { a, t = g() }\nsink(\"FROM \" + t)",
        ),
        (
            Go,
            "var t = \"orders\"\nfunc f() { p := &t }\nsink(\"FROM \" + t)",
        ),
        (
            Go,
            "var t = \"orders\"\nfunc f() { t++ }\nsink(\"FROM \" + t)",
        ),
        // An exported one: another package may assign it.
        (Go, "var T = \"orders\"\nsink(\"FROM \" + T)"),
        // A variable of a function is not followed.
        (Go, "func f() { var T = \"orders\"\nsink(\"FROM \" + T) }"),
        (Go, "T := \"orders\"\nsink(\"FROM \" + T)"),
        (Java, "String T = \"orders\"; sink(\"FROM \" + T);"),
        (Kotlin, "var T = \"orders\"\nsink(\"FROM $T\")"),
        (CSharp, "static string T = \"orders\"; sink($\"FROM {T}\");"),
        // Declared twice with different values: ambiguous.
        (
            Go,
            "const T = \"orders\"\nconst T = \"carts\"\nsink(\"FROM \" + T)",
        ),
        // Not a whole value.
        (
            Java,
            "final String T = \"ord\" + \"ers\"; sink(\"FROM \" + T);",
        ),
        // A hole expression that is not a name.
        (Kotlin, "const val T = \"orders\"\nsink(\"FROM ${T + 1}\")"),
    ];
    for (d, src) in cases {
        assert!(
            !texts(*d, src).iter().any(|t| t == "FROM orders"),
            "{d:?} {src:?}: {:?}",
            texts(*d, src)
        );
    }
    let block = "const (\n\tA = \"x\"\n\tT string = \"orders\"\n)\nsink(\"FROM \" + T)";
    assert!(texts(Go, block).contains(&"FROM orders".to_string()));
    // A package-level `var` nothing assigns again is a constant.
    for single in [
        "var t = \"orders\"\nsink(\"FROM \" + t)",
        "var (\n\tt = \"orders\"\n)\nfunc f() { x := t; sink(\"FROM \" + t) }",
        "var t string = \"orders\"\nfunc f() { if t == \"\" { return }; sink(\"FROM \" + t) }",
    ] {
        assert!(
            texts(Go, single).contains(&"FROM orders".to_string()),
            "{single:?}: {:?}",
            texts(Go, single)
        );
    }
}

/// The constants a file offers its package, by language: (dialect, source, the
/// names defined with their values, the file's package).
#[test]
fn package_level_constants_per_language() {
    use Dialect::*;
    type Case<'a> = (Dialect, &'a str, &'a [(&'a str, &'a str)], Option<&'a str>);
    let cases: &[Case] = &[
        (
            Java,
            "package com.acme.billing;\npublic final class Tables {\n  public static final String ORDERS = \"orders\";\n  static final String HINT = \"pick the orders\";\n  private final String own = \"carts\";\n  void f() { final String local = \"x\"; }\n}",
            &[("ORDERS", "orders"), ("Tables.ORDERS", "orders")],
            Some("com.acme.billing"),
        ),
        (
            Kotlin,
            "package com.acme.billing\nconst val TOP = \"orders\"\nobject CartTables { const val CARTS = \"carts\" }\nclass Repo { companion object { const val ITEMS = \"order_items\" }\n  val own = \"x\"\n  fun f() { val local = \"y\" } }",
            &[
                ("TOP", "orders"),
                ("CARTS", "carts"),
                ("CartTables.CARTS", "carts"),
                ("ITEMS", "order_items"),
                ("Repo.ITEMS", "order_items"),
            ],
            Some("com.acme.billing"),
        ),
        (
            CSharp,
            "namespace Acme.Billing;\npublic static class Tables {\n  public const string Orders = \"orders\";\n  public static readonly string Carts = \"carts\";\n  public readonly string Own = \"x\";\n}",
            &[
                ("Orders", "orders"),
                ("Tables.Orders", "orders"),
                ("Carts", "carts"),
                ("Tables.Carts", "carts"),
            ],
            Some("Acme.Billing"),
        ),
        (
            Go,
            "package store\nconst (\n\tOrders = \"orders\"\n\tprose = \"the orders you want\"\n)\nvar carts = \"carts\"\nfunc f() { const local = \"x\" }",
            &[("Orders", "orders"), ("carts", "carts")],
            Some("store"),
        ),
    ];
    for (d, text, want, unit) in cases {
        let v = Source::new(text, *d).values();
        let got: Vec<(&str, &str)> = v
            .defines
            .iter()
            .map(|x| (x.name.as_str(), x.value.as_str()))
            .collect();
        assert_eq!(got, *want, "{d:?} {text:?}");
        for x in &v.defines {
            assert_eq!(
                text.get(x.offset + 1..x.offset + x.len - 1),
                Some(x.value.as_str()),
                "{d:?}: the span is the literal"
            );
        }
        assert_eq!(v.unit.as_deref(), *unit, "{d:?}");
    }
}

/// Many constants, variables and assignments cost linear time: with a look-up per
/// pair, 50,000 of each would take minutes.
#[test]
fn many_constants_stay_linear() {
    let n = 50_000;
    let mut text = String::from("package m\n");
    for k in 0..n {
        text.push_str(&format!("const c{k} = \"t{k}\"\nvar v{k} = \"u{k}\"\n"));
    }
    text.push_str("func f() {\n");
    for k in 0..n {
        text.push_str(&format!("\tv{k} = \"x\"\n"));
    }
    text.push_str("}\n");
    let v = Source::new(&text, Dialect::Go).values();
    assert_eq!(
        v.defines.len(),
        n,
        "the constants, not the assigned variables"
    );
    assert_eq!(v.assigned.len(), n);
}

/// Names without a value in the file are the holes another file may fill; the
/// constants other files define fill them, and this file's own win.
#[test]
fn open_names_and_known_constants() {
    use Dialect::*;
    let mut known = Known::default();
    known.insert("Tables.ORDERS", "orders", 0);
    known.insert("CARTS", "carts", 1);
    let text = "final String CARTS = \"own_carts\";\nsink(\"SELECT * FROM \" + Tables.ORDERS + \" JOIN \" + CARTS + \" JOIN \" + other)";
    let src = Source::with_known(text, Java, Some(&known));
    let cands = candidates(&Probe(Java), &src);
    let texts: Vec<&str> = cands.iter().map(|c| c.emb.text()).collect();
    assert!(
        texts.contains(&hole("SELECT * FROM orders JOIN own_carts JOIN HOLE").as_str()),
        "{texts:?}"
    );
    assert_eq!(src.values().open, ["other"]);
    let alone = Source::new(text, Java);
    let _ = candidates(&Probe(Java), &alone);
    assert_eq!(alone.values().open, ["Tables.ORDERS", "other"]);
}

#[test]
fn log_arguments_are_excluded() {
    use Dialect::*;
    assert!(texts(Go, "log(\"a\" + \"b\", sink(\"c\"))").is_empty());
    assert_eq!(texts(Go, "log(\"a\"); x(\"b\")"), vec!["b"]);
}

#[test]
fn call_arguments_and_receivers() {
    let src = Source::new(
        "a.b<T>().c(x, key = \"v\", f(1, 2), [3, 4])",
        Dialect::Kotlin,
    );
    let c = (0..src.toks.len()).find_map(|i| src.call_at(i).filter(|c| src.is_word(c.name, "c")));
    let Some(c) = c else {
        panic!("no call found");
    };
    assert_eq!(c.recv.and_then(|r| src.ident(r)), Some("b"));
    let args = src.args(&c);
    assert_eq!(args.len(), 4);
    assert_eq!(args[1].key.and_then(|k| src.ident(k)), Some("key"));
    assert_eq!(
        src.arg_named(&args, &["key"], None)
            .and_then(|a| src.string_value(&a)),
        Some("v".into())
    );
}

#[test]
fn qualified_names() {
    let parse = |s: &str| {
        qualified_name(s).map(|ps| {
            ps.iter()
                .map(|p| {
                    format!(
                        "{}{}@{}",
                        if p.quoted { "q:" } else { "" },
                        p.value,
                        p.offset
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(parse("orders"), Some(vec!["orders@0".to_string()]));
    assert_eq!(
        parse(" sales.orders o"),
        Some(vec!["sales@1".into(), "orders@7".into()])
    );
    assert_eq!(
        parse("[dbo].[Order Items]"),
        Some(vec!["q:dbo@1".into(), "q:Order Items@7".into()])
    );
    assert_eq!(parse("\"Users\""), Some(vec!["q:Users@1".into()]));
    assert_eq!(
        parse("`db`.`s`.`t`"),
        Some(vec!["q:db@1".into(), "q:s@6".into(), "q:t@10".into()])
    );
    for bad in [
        "", "  ", "orders(", "123", "(?) as u", "\"open", "a=b", "x.",
    ] {
        assert_eq!(parse(bad), None, "{bad:?}");
    }
}

#[test]
fn format_verbs() {
    let verb = |s: &str| {
        parse_printf(s.as_bytes()).map(|v| (v.len, matches!(v.what, Verb::Arg { text: true, .. })))
    };
    assert_eq!(verb("%s x"), Some((2, true)));
    assert_eq!(verb("%-10.3v"), Some((7, true)));
    assert_eq!(verb("%[2]s"), Some((5, true)));
    assert_eq!(verb("%2$s"), Some((4, true)));
    assert_eq!(verb("%05d"), Some((4, false)));
    assert_eq!(verb("%%"), Some((2, false)));
    assert!(verb("% ").is_none() && verb("%").is_none() && verb("%[x]s").is_none());
    let item = |s: &str| parse_dotnet(s.as_bytes()).map(|v| v.len);
    assert_eq!(item("{0}"), Some(3));
    assert_eq!(item("{1,-5:N2} x"), Some(9));
    assert_eq!(item("{{"), Some(2));
    assert_eq!(item("{x}"), None);
    assert_eq!(item("{0"), None);
}

#[test]
fn brackets_recover_and_stay_linear() {
    let src = Source::new("f(a, g(b]) c", Dialect::Java);
    // `]` matches nothing: `(` of g still closes at the first `)`.
    let g = src
        .toks
        .iter()
        .position(|t| &src.text[t.start..t.end] == "g")
        .unwrap_or(0);
    assert_eq!(src.punct(src.partner(g + 1).unwrap_or(0)), ")");
    let deep = format!("{}{}", "([{".repeat(30_000), "x");
    let src = Source::new(&deep, Dialect::CSharp);
    assert_eq!(src.partner(0), Some(src.toks.len()));
    let mixed = "(".repeat(50_000) + &"}".repeat(50_000);
    assert!(Source::new(&mixed, Dialect::Go).partner(0).is_some());
}

#[test]
fn never_panics_on_odd_input() {
    let inputs = [
        "\"",
        "'",
        "`",
        "@",
        "$",
        "$\"{",
        "$$\"\"\"{{",
        "\"\"\"",
        "\"\\",
        "\"\\u",
        "\"\\x",
        "'\\",
        "/*",
        "/",
        "\0\0\"\0",
        "é\"é\\é\"",
        "\"${\"",
        "\"$",
        "@\"\"",
        "1..2",
        "0x",
    ];
    for d in [Dialect::Go, Dialect::Java, Dialect::Kotlin, Dialect::CSharp] {
        for s in inputs {
            let src = Source::new(s, d);
            let _ = candidates(&Probe(d), &src);
            for t in &src.toks {
                assert!(t.start <= t.end && t.end <= s.len(), "{d:?} {s:?}");
                assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
            }
        }
    }
}
