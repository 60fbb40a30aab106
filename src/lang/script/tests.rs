//! The toolkit on its own: literals read through [`Literals::read_lit`] with each kind of
//! [`Step`], constants, the statement splitter, the callee chain, string items and the
//! frame stack. The languages' tables (`python/tests.rs`, `ruby/tests.rs`) test it
//! through real code.

use super::assemble::{plain_name, string_items, table_access};
use super::*;
use crate::lang::embedded::Embedded;
use crate::lang::sinks::{NonSql, SinkKind};
use crate::lang::sql::HOLE;
use crate::model::{AccessKind, Origin, TableRef, Target};

/// `T = "orders"` and a second literal, `SELECT * FROM {T}\n` with an escape.
const SRC: &str = r#"T = "orders"; q = "SELECT * FROM {T}\n""#;

struct Fixture<'a> {
    code: Tokens<'a>,
    consts: Constants<'a>,
}

impl<'a> Literals<'a> for Fixture<'a> {
    fn parts(&self) -> (&Tokens<'a>, &Constants<'a>) {
        (&self.code, &self.consts)
    }

    fn push_plain(&self, e: &mut Embedded, lit: usize) {
        self.read_lit(e, lit, |_| None);
    }
}

/// The offset of `needle` in [`SRC`].
fn at(needle: &str) -> usize {
    SRC.find(needle).unwrap()
}

fn fixture() -> Fixture<'static> {
    let mut lx = Lexed::default();
    lx.push(Kind::Name, 0, 1);
    lx.push(Kind::Op, 2, 3);
    let orders = lx.push_lit(Lit {
        body: (at("orders"), at("orders") + 6),
        esc: Esc::Double,
        fmt: false,
        holes: Vec::new(),
    });
    lx.toks.push(Tok {
        kind: Kind::Str,
        start: at("orders") - 1,
        end: at("orders") + 7,
        lit: orders,
    });
    lx.push(Kind::Op, at(";"), at(";") + 1);
    let query = lx.push_lit(Lit {
        body: (at("SELECT"), SRC.len() - 1),
        esc: Esc::Double,
        fmt: true,
        holes: vec![(at("{T}") + 1, at("{T}") + 2)],
    });
    lx.toks.push(Tok {
        kind: Kind::Str,
        start: at("SELECT") - 1,
        end: SRC.len(),
        lit: query,
    });
    let code = Tokens::new(SRC, lx);
    let mut consts = Constants::default();
    consts.bind(&code, "T", Some(orders));
    consts.seal();
    Fixture { code, consts }
}

/// The query literal read with its hole filled (or left open) and `\n` decoded.
fn read_query(f: &Fixture<'_>, fill: bool) -> Embedded {
    let mut e = Embedded::new();
    let hole = at("{T}");
    let newline = at("\\n");
    f.read_lit(&mut e, 1, |j| {
        let piece = if j == hole && fill {
            Piece::Const {
                lit: 0,
                at: hole + 1,
                len: 1,
            }
        } else if j == hole {
            Piece::Hole(hole)
        } else if j == newline {
            Piece::Decoded("\n".to_string())
        } else {
            return None;
        };
        let resume = if j == hole { hole + 3 } else { newline + 2 };
        Some(Step {
            keep: j,
            piece,
            resume,
        })
    });
    e
}

#[test]
fn a_filled_hole_reports_at_the_use_with_the_constant_as_origin() {
    let f = fixture();
    let e = read_query(&f, true);
    assert_eq!(e.text(), "SELECT * FROM orders\n");
    // Text before the hole maps one to one.
    assert_eq!(e.file_offset(0), at("SELECT"));
    let a = table_access(&e, AccessKind::Read, None, "orders", 14);
    assert_eq!(a.offset, at("{T}") + 1, "the label sits on the use");
    assert_eq!(
        a.origin.as_deref(),
        Some(&Origin::here("T", at("orders"), 6)),
        "with a related label on the constant"
    );
    assert_eq!(a.target, Target::Table(TableRef::bare("orders")));
}

#[test]
fn an_unknown_hole_stays_a_hole() {
    let f = fixture();
    let e = read_query(&f, false);
    assert_eq!(e.text(), format!("SELECT * FROM {HOLE}\n"));
    assert_eq!(plain_name(&Embedded::verbatim(HOLE, 0)), None);
}

#[test]
fn skipped_bytes_and_empty_escapes_push_nothing() {
    let f = fixture();
    let mut e = Embedded::new();
    let start = at("SELECT");
    let from = at("FROM");
    f.read_lit(&mut e, 1, |j| {
        let (piece, resume) = if j == start + 1 {
            (Piece::Skip, start + 6)
        } else if j == from {
            (Piece::Decoded(String::new()), from + 4)
        } else {
            return None;
        };
        Some(Step {
            keep: j,
            piece,
            resume,
        })
    });
    assert_eq!(e.text(), "S *  {T}\\n");
}

#[test]
fn names_join_with_their_constants_value_or_a_hole() {
    let f = fixture();
    let items = [
        Item::Lit(0),
        Item::Name {
            tok: 0,
            name: "T".into(),
            len: 1,
        },
        Item::Name {
            tok: 0,
            name: "U".into(),
            len: 1,
        },
    ];
    let e = f.embed_items(&items, |e, l| f.push_plain(e, l));
    assert_eq!(e.text(), format!("ordersorders{HOLE}"));
}

#[test]
fn constants_bound_twice_to_other_text_are_ambiguous() {
    let f = fixture();
    let mut c = Constants::default();
    c.bind(&f.code, "A", Some(0));
    c.bind(&f.code, "A", Some(0));
    c.bind(&f.code, "B", Some(0));
    c.bind(&f.code, "B", Some(1));
    c.bind(&f.code, "C", None);
    c.seal();
    assert_eq!(c.get("A"), Some(0));
    assert_eq!(c.get("B"), None);
    assert_eq!(c.get("C"), None);
    assert_eq!(c.name_of(0), Some("A"));
    assert_eq!(c.name_of(1), None);
}

proptest::proptest! {
    /// [`Constants::get`]'s sieve says no only to names bound to no literal: any names
    /// bound (first bytes ASCII, not, or none; lengths past 64; to a literal or not,
    /// once or twice) are answered as a plain lookup answers.
    #[test]
    fn the_sieve_answers_as_the_map_does(
        bound in proptest::collection::vec("[A-Za-z_é]{0,3}|[a-c]{62,66}", 0..6),
        asked in proptest::collection::vec("[A-Za-z_é]{0,3}|[a-c]{62,66}", 0..12),
    ) {
        let f = fixture();
        let mut c = Constants::default();
        let mut plain = std::collections::HashMap::new();
        for (n, name) in bound.iter().enumerate() {
            // Every third binding is to something other than a literal.
            let value = (n % 3 != 2).then_some(0);
            c.bind(&f.code, name, value);
            let entry = plain.entry(name.as_str()).or_insert(value);
            if *entry != value {
                *entry = None;
            }
        }
        c.seal();
        for name in bound.iter().chain(&asked) {
            proptest::prop_assert_eq!(c.get(name), plain.get(name.as_str()).copied().flatten(), "{:?}", name);
        }
    }
}

#[test]
fn statements_split_at_line_ends_and_top_level_semicolons() {
    // a ( ; ) ; b \n c
    let src = "a(;);b\nc";
    let mut lx = Lexed::default();
    for (k, s) in [(Kind::Name, 0), (Kind::Op, 1), (Kind::Op, 2), (Kind::Op, 3)] {
        lx.push(k, s, s + 1);
    }
    lx.push(Kind::Op, 4, 5);
    lx.push(Kind::Name, 5, 6);
    lx.push(Kind::Newline, 6, 6);
    lx.push(Kind::Name, 7, 8);
    let code = Tokens::new(src, lx);
    let got: Vec<(usize, usize, usize)> = code
        .statements()
        .iter()
        .map(|s| (s.line, s.s, s.e))
        .collect();
    assert_eq!(got, vec![(0, 0, 4), (0, 5, 6), (7, 7, 8)]);
}

#[test]
fn the_callee_chain_stops_at_keywords_and_other_operators() {
    let src = "x = a.b::c(";
    let mut lx = Lexed::default();
    lx.push(Kind::Name, 0, 1);
    lx.push(Kind::Op, 2, 3);
    lx.push(Kind::Name, 4, 5);
    lx.push(Kind::Op, 5, 6);
    lx.push(Kind::Name, 6, 7);
    lx.push(Kind::Op, 7, 9);
    lx.push(Kind::Name, 9, 10);
    let code = Tokens::new(src, lx);
    let never = |_: &str| false;
    assert_eq!(
        code.callee_before(6, 0, &[".", "::"], never).as_deref(),
        Some("a.b.c")
    );
    assert_eq!(
        code.callee_before(6, 0, &["."], never).as_deref(),
        Some("c")
    );
    assert_eq!(code.callee_before(6, 0, &["."], |n| n == "c"), None);
    assert_eq!(code.callee_before(5, 0, &["."], never), None);
}

#[test]
fn string_items_take_adjacent_literals_and_what_the_language_joins() {
    let f = fixture();
    // Tokens: T = "orders" ; "SELECT…": the `;` joins here, `=` does not.
    let (items, next) = string_items(&f.code, 2, 5, |j| {
        f.code.is_op(j, ";").then_some((None, j + 1))
    });
    assert!(matches!(items.as_slice(), [Item::Lit(0), Item::Lit(1)]));
    assert_eq!(next, 5);
    let (items, next) = string_items(&f.code, 2, 5, |_| None);
    assert!(matches!(items.as_slice(), [Item::Lit(0)]));
    assert_eq!(next, 3);
}

#[test]
fn frames_count_positions_and_inherit_prose() {
    let mut frames: Frames<&str> = Frames::default();
    frames.open(Some("execute".into()), Some(SinkKind::Sql), false, 1, false);
    assert!(frames.at_value(1));
    frames.top_mut().unwrap().push("first");
    frames.comma(2);
    frames.keyword("name", 4);
    frames.top_mut().unwrap().push("named");
    frames.comma(5);
    // An empty argument (`,` right after `,`) takes no position.
    frames.comma(6);
    frames.top_mut().unwrap().push("second");
    let f = frames.top().unwrap();
    let args: Vec<(Option<usize>, Option<&str>, &str)> = f
        .args
        .iter()
        .map(|a| (a.pos, a.kw.as_deref(), a.val))
        .collect();
    assert_eq!(
        args,
        vec![
            (Some(0), None, "first"),
            (None, Some("name"), "named"),
            (Some(1), None, "second"),
        ]
    );
    assert_eq!(f.kwvals, vec![("name".to_string(), 4)]);
    // A log call's strings are prose, and so is everything opened inside it.
    frames.open(
        Some("log.info".into()),
        Some(SinkKind::NonSql(NonSql::Log)),
        false,
        8,
        false,
    );
    frames.open(None, None, false, 9, false);
    let inner = frames.pop().unwrap();
    assert!(inner.log && !inner.quiet);
    assert_eq!(inner.parent, Some(("log.info".to_string(), 0, None)));
    let log = frames.pop().unwrap();
    assert!(log.log && log.quiet);
    assert_eq!(log.parent, Some(("execute".to_string(), 1, None)));
    // `raise` makes a statement's calls prose; an assertion only its own strings.
    frames.open(None, None, false, 10, true);
    assert!(frames.pop().unwrap().log);
    frames.open(
        Some("assert_eq".into()),
        Some(SinkKind::NonSql(NonSql::Assertion)),
        false,
        11,
        false,
    );
    let assertion = frames.pop().unwrap();
    assert!(assertion.quiet && !assertion.log);
}

#[test]
fn schema_changes_are_dropped_from_a_point_on() {
    let t = |kind| crate::model::Access::table(kind, TableRef::bare("t"), 0, 1);
    let mut out = vec![t(AccessKind::Ddl), t(AccessKind::Read), t(AccessKind::Ddl)];
    out.push(t(AccessKind::ForeignKey));
    out.push(t(AccessKind::Write));
    drop_schema_changes(&mut out, 1);
    let kinds: Vec<AccessKind> = out.iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        vec![AccessKind::Ddl, AccessKind::Read, AccessKind::Write]
    );
}
