//! TypeScript and JavaScript (`.ts .tsx .js .jsx .mjs .cjs .mts .cts`).
//!
//! A hand-written lexer turns the file into tokens (comments dropped, strings and
//! template literals kept with their exact byte ranges, `${..}` holes nested through an
//! explicit stack, regex literals skipped) and a flat pass over the tokens recognises the
//! ORM, query-builder, raw-SQL and import shapes below. Nothing recurses, so deeply nested
//! input costs no stack; every walk over a chain or an argument list skips nested
//! brackets through a precomputed pair table, which keeps the whole pass linear.
//!
//! Declaration files (`.d.ts`) are read like any other file: they hold types, not
//! queries, so they yield imports only, and treating them normally avoids a special case.

use std::collections::HashSet;

use super::embedded::Embedded;
use super::sinks::{self, SinkKind};
use super::sql::{self, HOLE};
use super::values::{Define, Known, Values};
use super::{Context, Extracted, Problem};
use crate::model::{Access, AccessKind, ImportRef, Origin, Place, TableRef};

/// Strings whose presence means a file may name a table in a shape the registry's table
/// names alone would not reveal (TypeORM derives names from class names).
pub const MARKERS: &[&str] = &[
    "@Entity",
    "EntitySchema",
    "@JoinTable",
    "tableName",
    "pgTable",
    "mysqlTable",
    "sqliteTable",
    "pgSchema",
    "mysqlSchema",
];

/// No index: used in the pair table for tokens without a partner.
const NONE: usize = usize::MAX;

/// How far a walk along a method chain goes before giving up (bounds adversarial input).
const CHAIN_STEPS: usize = 64;

/// Which piece of a template literal a chunk token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    /// `` `..` `` with no holes.
    Full,
    /// `` `..${ ``
    Head,
    /// `}..${`
    Middle,
    /// `` }..` ``
    Tail,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    /// A quoted string; `closed` is false when the line or file ended first.
    Str {
        closed: bool,
    },
    /// A template chunk; `closed` is false when the file ended inside it.
    Tpl {
        part: Part,
        closed: bool,
    },
    /// A single-character punctuator that matters to the shapes: `( ) [ ] { } , . ; : = + * @ < >`.
    Punct(u8),
    /// Any other operator (`=>`, `===`, `+=`, ...): kept so `+` joins and `=` stay exact.
    Op,
    Num,
    Regex,
}

/// One token: `start..end` is its full range; `cs..ce` is the contents of a string or
/// template chunk (between the delimiters), otherwise equal to the full range.
#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
    cs: usize,
    ce: usize,
}

/// Words after which a `/` starts a regex rather than a division.
const REGEX_AFTER_WORDS: &[&str] = &[
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80
}

fn is_ident_byte(c: u8) -> bool {
    IDENT[usize::from(c)]
}

static IDENT: [bool; 256] = super::ident_bytes(b"$");

/// Blanks between tokens (NUL too, which some generated files are padded with).
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0)
}

/// The token stream with the tables the shape pass navigates by.
struct Lexed {
    toks: Vec<Tok>,
    /// For brackets: the matching bracket. For template chunks: the next chunk of the
    /// same literal (`Head`/`Middle` → next `Middle`/`Tail`).
    pair: Vec<usize>,
    problems: Vec<Problem>,
}

/// Splits `text` into tokens in one linear pass.
fn lex(text: &str) -> Lexed {
    let b = text.as_bytes();
    let n = b.len();
    // Sized once: code has a token about every 5 bytes.
    let mut toks: Vec<Tok> = Vec::with_capacity(n / 4);
    let mut pair: Vec<usize> = Vec::with_capacity(n / 4);
    let mut problems = Vec::new();
    // Open `{` of code (None) or of a template hole (Some(index of the chunk before it)).
    let mut braces: Vec<Option<usize>> = Vec::new();
    let mut i = 0;
    if text.starts_with("#!") {
        i = super::line_end(b, 0);
    }
    let simple = |kind, start, end| Tok {
        kind,
        start,
        end,
        cs: start,
        ce: end,
    };
    while i < n {
        let c = b[i];
        if is_space(c) {
            // A run of blanks (indentation, most of all) in one tight loop.
            i += 1;
            while i < n && is_space(b[i]) {
                i += 1;
            }
            continue;
        }
        let next = b.get(i + 1).copied().unwrap_or(0);
        if c == b'/' && next == b'/' {
            i = super::line_end(b, i);
            continue;
        }
        if c == b'/' && next == b'*' {
            match text[i + 2..].find("*/") {
                Some(p) => i = i + 2 + p + 2,
                None => {
                    problems.push(Problem {
                        offset: i,
                        message: "unterminated block comment".into(),
                    });
                    i = n;
                }
            }
            continue;
        }
        let start = i;
        let tok = match c {
            b'/' => {
                if regex_allowed(text, toks.last()) {
                    i = lex_regex(b, i);
                    simple(Kind::Regex, start, i)
                } else {
                    i += if next == b'=' { 2 } else { 1 };
                    simple(Kind::Op, start, i)
                }
            }
            b'\'' | b'"' => {
                let (end, closed) = lex_string(b, i);
                i = end;
                Tok {
                    kind: Kind::Str { closed },
                    start,
                    end,
                    cs: start + 1,
                    ce: if closed { end - 1 } else { end },
                }
            }
            b'`' => {
                let (tok, hole) = lex_chunk(b, i, true);
                i = tok.end;
                if hole {
                    braces.push(Some(toks.len()));
                } else if !matches!(tok.kind, Kind::Tpl { closed: true, .. }) {
                    problems.push(Problem {
                        offset: start,
                        message: "unterminated template literal".into(),
                    });
                }
                tok
            }
            b'{' => {
                braces.push(None);
                i += 1;
                simple(Kind::Punct(b'{'), start, i)
            }
            b'}' => match braces.pop() {
                Some(Some(prev)) => {
                    let (tok, hole) = lex_chunk(b, i, false);
                    i = tok.end;
                    if let Some(p) = pair.get_mut(prev) {
                        *p = toks.len();
                    }
                    if hole {
                        braces.push(Some(toks.len()));
                    } else if !matches!(tok.kind, Kind::Tpl { closed: true, .. }) {
                        problems.push(Problem {
                            offset: start,
                            message: "unterminated template literal".into(),
                        });
                    }
                    tok
                }
                _ => {
                    i += 1;
                    simple(Kind::Punct(b'}'), start, i)
                }
            },
            b'.' if next.is_ascii_digit() => {
                i = lex_number(b, i);
                simple(Kind::Num, start, i)
            }
            b'.' if next == b'.' => {
                i += if b.get(i + 2) == Some(&b'.') { 3 } else { 2 };
                simple(Kind::Op, start, i)
            }
            b'(' | b')' | b'[' | b']' | b',' | b';' | b':' | b'@' | b'.' | b'#' => {
                i += 1;
                simple(Kind::Punct(c), start, i)
            }
            b'?' if next == b'.' && !b.get(i + 2).is_some_and(|d| d.is_ascii_digit()) => {
                // Optional chaining reads as a plain member access.
                i += 2;
                simple(Kind::Punct(b'.'), start, i)
            }
            b'=' | b'+' | b'-' | b'*' | b'%' | b'&' | b'|' | b'^' | b'<' | b'>' | b'!' | b'?'
            | b'~' => {
                i += 1;
                while i < n && b"=+-*%&|^<>!?~".contains(&b[i]) {
                    i += 1;
                }
                if i - start == 1 {
                    simple(Kind::Punct(c), start, i)
                } else {
                    simple(Kind::Op, start, i)
                }
            }
            c if c.is_ascii_digit() => {
                i = lex_number(b, i);
                simple(Kind::Num, start, i)
            }
            c if is_ident_start(c) => {
                while i < n && is_ident_byte(b[i]) {
                    i += 1;
                }
                simple(Kind::Ident, start, i)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        toks.push(tok);
        pair.push(NONE);
    }
    // A hole still open at the end of the file: report its literal once.
    if let Some(&Some(chunk)) = braces.iter().find(|b| b.is_some()) {
        problems.push(Problem {
            offset: toks[chunk].start,
            message: "unterminated template literal".into(),
        });
    }
    match_brackets(&toks, &mut pair);
    Lexed {
        toks,
        pair,
        problems,
    }
}

fn lex_number(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
        i += 1;
    }
    i
}

/// Whether a `/` after `last` starts a regex literal (it does after operators, opening
/// brackets and keywords like `return`; after a value it is a division).
fn regex_allowed(text: &str, last: Option<&Tok>) -> bool {
    match last {
        None => true,
        Some(t) => match t.kind {
            Kind::Ident => REGEX_AFTER_WORDS.contains(&&text[t.start..t.end]),
            Kind::Punct(p) => !matches!(p, b')' | b']' | b'}'),
            Kind::Op => true,
            // `${` opens an expression, which may start with a regex: `${/`/.test(x)}`.
            Kind::Tpl {
                part: Part::Head | Part::Middle,
                ..
            } => true,
            Kind::Str { .. } | Kind::Tpl { .. } | Kind::Num | Kind::Regex => false,
        },
    }
}

/// Skips a regex literal starting at the `/` at `i`; stops at the end of the line when
/// unterminated so a misread division cannot swallow the rest of the file.
fn lex_regex(b: &[u8], mut i: usize) -> usize {
    i += 1;
    let mut class = false;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'\n' => return i,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => {
                i += 1;
                while i < b.len() && is_ident_byte(b[i]) {
                    i += 1;
                }
                return i;
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// Lexes a quoted string starting at the quote at `i`. Returns the end (after the closing
/// quote) and whether it was closed; an unescaped newline ends it unclosed.
fn lex_string(b: &[u8], i: usize) -> (usize, bool) {
    let quote = b[i];
    let mut k = i + 1;
    while k < b.len() {
        match b[k] {
            b'\\' => k += 2,
            b'\n' => return (k, false),
            c if c == quote => return (k + 1, true),
            _ => k += 1,
        }
    }
    (b.len(), false)
}

/// Lexes one template chunk whose opening delimiter (a backtick, or the `}` closing a
/// hole) is at `i`. Returns the token and whether it ends in a `${` hole.
fn lex_chunk(b: &[u8], i: usize, first: bool) -> (Tok, bool) {
    let mut k = i + 1;
    while k < b.len() {
        match b[k] {
            b'\\' => k += 2,
            b'`' => {
                let part = if first { Part::Full } else { Part::Tail };
                let tok = Tok {
                    kind: Kind::Tpl { part, closed: true },
                    start: i,
                    end: k + 1,
                    cs: i + 1,
                    ce: k,
                };
                return (tok, false);
            }
            b'$' if b.get(k + 1) == Some(&b'{') => {
                let part = if first { Part::Head } else { Part::Middle };
                let tok = Tok {
                    kind: Kind::Tpl { part, closed: true },
                    start: i,
                    end: k + 2,
                    cs: i + 1,
                    ce: k,
                };
                return (tok, true);
            }
            _ => k += 1,
        }
    }
    let part = if first { Part::Full } else { Part::Tail };
    let tok = Tok {
        kind: Kind::Tpl {
            part,
            closed: false,
        },
        start: i,
        end: b.len(),
        cs: (i + 1).min(b.len()),
        ce: b.len(),
    };
    (tok, false)
}

/// Pairs brackets through an explicit stack.
/// A closing bracket that does not match the innermost open one is left unpaired.
fn match_brackets(toks: &[Tok], pair: &mut [usize]) {
    let mut stack: Vec<usize> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let Kind::Punct(c) = t.kind else { continue };
        match c {
            b'(' | b'[' | b'{' => stack.push(i),
            b')' | b']' | b'}' => {
                let open = match c {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                if let Some(&o) = stack.last()
                    && toks[o].kind == Kind::Punct(open)
                {
                    stack.pop();
                    pair[o] = i;
                    pair[i] = o;
                }
            }
            _ => {}
        }
    }
}

/// The innermost open bracket enclosing each token, or [`NONE`], from the pairs
/// [`match_brackets`] found: a bracket stays open until its partner (one without
/// a partner, to the end), and a closer without one is no bracket. Only an object
/// key `tableName` or `references` asks, so it is built for the few files that have
/// one (for every file, it was a tenth of the lexer's time).
fn parents(toks: &[Tok], pair: &[usize]) -> Vec<usize> {
    let mut parent = vec![NONE; toks.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        parent[i] = stack.last().copied().unwrap_or(NONE);
        match t.kind {
            Kind::Punct(b'(' | b'[' | b'{') => stack.push(i),
            Kind::Punct(b')' | b']' | b'}') if pair.get(i).is_some_and(|&p| p != NONE) => {
                stack.pop();
                parent[i] = stack.last().copied().unwrap_or(NONE);
            }
            _ => {}
        }
    }
    parent
}

/// Decodes the escape sequence at `k` (a backslash) inside a literal ending at `end`.
/// Returns the decoded text and the offset after the escape.
fn decode_escape(text: &str, k: usize, end: usize) -> (String, usize) {
    let rest = &text[k + 1..end];
    let Some(c) = rest.chars().next() else {
        return (String::new(), end);
    };
    let after = k + 1 + c.len_utf8();
    let hex = |s: &str| u32::from_str_radix(s, 16).ok().and_then(char::from_u32);
    let decoded = match c {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'v' => '\u{b}',
        '0' => '\0',
        '\n' => return (String::new(), after),
        '\r' => {
            let skip = usize::from(text.as_bytes().get(after) == Some(&b'\n'));
            return (String::new(), after + skip);
        }
        'x' => {
            if let Some(ch) = rest.get(1..3).and_then(hex) {
                return (ch.to_string(), k + 4);
            }
            'x'
        }
        'u' => {
            if rest[1..].starts_with('{') {
                if let Some(close) = rest.find('}')
                    && let Some(ch) = rest.get(2..close).and_then(hex)
                {
                    return (ch.to_string(), k + 1 + close + 1);
                }
            } else if let Some(ch) = rest.get(1..5).and_then(hex) {
                return (ch.to_string(), k + 6);
            }
            'u'
        }
        other => other,
    };
    (decoded.to_string(), after)
}

/// Node's built-in modules: imports of these never cross a service boundary.
const NODE_BUILTINS: &[&str] = &[
    "assert",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "diagnostics_channel",
    "dns",
    "domain",
    "events",
    "fs",
    "http",
    "http2",
    "https",
    "inspector",
    "module",
    "net",
    "os",
    "path",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "repl",
    "stream",
    "string_decoder",
    "timers",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
];

/// Tags of template literals that hold SQL.
const SQL_TAGS: &[&str] = &[
    "sql",
    "SQL",
    "raw",
    "$queryRaw",
    "$executeRaw",
    "$queryRawUnsafe",
    "$executeRawUnsafe",
];

/// Identifiers that start a Knex/Kysely chain; they make `.from("t")` a sure thing.
const BUILDER_ROOTS: &[&str] = &[
    "knex",
    "db",
    "trx",
    "tx",
    "database",
    "qb",
    "queryBuilder",
    "builder",
    "connection",
    "conn",
    "kysely",
    "supabase",
];

/// Knex chain methods that make the chain's table a write target.
const WRITE_METHODS: &[&str] = &[
    "insert",
    "update",
    "del",
    "delete",
    "truncate",
    "upsert",
    "increment",
    "decrement",
    "merge",
];

const JOIN_METHODS: &[&str] = &[
    "join",
    "innerJoin",
    "leftJoin",
    "leftOuterJoin",
    "rightJoin",
    "rightOuterJoin",
    "fullOuterJoin",
    "outerJoin",
    "crossJoin",
    "fullJoin",
];

/// Schema-builder methods of Knex and Kysely whose first argument is a table (DDL).
const DDL_METHODS: &[&str] = &[
    "createTable",
    "createTableIfNotExists",
    "createTableLike",
    "alterTable",
    "dropTable",
    "dropTableIfExists",
    "renameTable",
];

/// Sequelize `queryInterface` migration methods whose first argument is a table.
const QI_DDL: &[&str] = &[
    "createTable",
    "dropTable",
    "renameTable",
    "addColumn",
    "removeColumn",
    "changeColumn",
    "renameColumn",
    "addIndex",
    "removeIndex",
    "addConstraint",
    "removeConstraint",
];
const QI_WRITE: &[&str] = &["bulkInsert", "bulkUpdate", "bulkDelete"];

/// Calls whose options object names the model's table through `tableName`.
const MODEL_CALLS: &[&str] = &["define", "init", "EntitySchema", "Table", "Entity", "model"];

const DRIZZLE_TABLES: &[&str] = &["pgTable", "mysqlTable", "sqliteTable", "singlestoreTable"];
const DRIZZLE_SCHEMAS: &[&str] = &["pgSchema", "mysqlSchema"];

/// One operand of a `+`-joined string expression.
enum Operand {
    /// A closed quoted string (token index).
    Lit(usize),
    /// A template literal: the indices of its chunks in order.
    Tpl(Vec<usize>),
    /// An identifier or member path that may name a constant, and its token.
    Ref(String, usize),
    /// Anything else (a call, a number, a parenthesised expression) at this token.
    Other(usize),
}

/// A table name found in a literal: the name, schema and database, and where the name
/// itself stands in the file.
struct Name {
    table: TableRef,
    offset: usize,
    len: usize,
    /// The constant the name came from, when the code used one.
    origin: Option<Box<Origin>>,
}

/// What a backward walk along a method chain found.
#[derive(Default)]
struct Chain {
    write: bool,
    schema_builder: bool,
    with_schema: Option<String>,
    root: Option<String>,
    typeorm: bool,
}

/// Extracts accesses from a TypeScript or JavaScript file.
pub fn extract(path: &str, text: &str, ctx: &Context) -> Extracted {
    extract_with(path, text, ctx, None)
}

/// Like [`extract`], with the exported constants of the repository's other modules
/// (keys as in [`module_key`]), for the names this file imports.
pub fn extract_with(path: &str, text: &str, ctx: &Context, known: Option<&Known>) -> Extracted {
    let lexed = lex(text);
    let mut x = Extractor {
        path,
        text,
        ctx,
        toks: &lexed.toks,
        pair: &lexed.pair,
        parents: std::cell::OnceCell::new(),
        consts: foldhash::HashMap::default(),
        schemas: foldhash::HashMap::default(),
        handled: vec![false; lexed.toks.len()],
        table_objects: HashSet::new(),
        out: Vec::new(),
        known,
        imports: foldhash::HashMap::default(),
        exported: Vec::new(),
        open: std::cell::RefCell::new(Vec::new()),
    };
    x.collect_constants();
    x.run();
    let values = x.values();
    let mut accesses = x.out;
    accesses.sort_by(|a, b| {
        (a.offset, a.len, a.kind)
            .cmp(&(b.offset, b.len, b.kind))
            .then_with(|| format!("{:?}", a.target).cmp(&format!("{:?}", b.target)))
    });
    accesses.dedup();
    Extracted {
        accesses,
        problems: lexed.problems,
        values,
        ..Extracted::default()
    }
}

/// The key of an exported constant: the module's path without its extension, `#`, and
/// the name (`src/backend/db#EVENTS_TABLE_NAME`), as the importing module resolves it.
pub fn module_key(path: &str, name: &str) -> String {
    format!("{}#{name}", strip_extension(path))
}

/// A module path without a JavaScript or TypeScript extension (`./db.js` is `./db`).
fn strip_extension(path: &str) -> &str {
    const EXTENSIONS: &[&str] = &[
        ".d.ts", ".tsx", ".ts", ".jsx", ".js", ".mjs", ".cjs", ".mts", ".cts",
    ];
    EXTENSIONS
        .iter()
        .find_map(|e| path.strip_suffix(e))
        .unwrap_or(path)
}

struct Extractor<'a> {
    path: &'a str,
    text: &'a str,
    ctx: &'a Context,
    toks: &'a [Tok],
    pair: &'a [usize],
    /// See [`parents`]; built at the first question.
    parents: std::cell::OnceCell<Vec<usize>>,
    /// Names bound once to a string literal (`const T = "t"`, `X.k` for object and enum
    /// members, Drizzle table variables): token index of the literal, or `None` when the
    /// name is bound to different literals.
    consts: foldhash::HashMap<String, Option<usize>>,
    /// Drizzle schema variables (`const s = pgSchema("billing")`) → schema literal token.
    schemas: foldhash::HashMap<String, usize>,
    /// String and template tokens already analysed as part of a larger expression.
    handled: Vec<bool>,
    /// Objects whose `tableName` property was already seen.
    table_objects: HashSet<usize>,
    out: Vec<Access>,
    /// The exported constants of other modules (see [`module_key`]).
    known: Option<&'a Known>,
    /// Names imported from relative modules: local name → key prefix (`path#name`,
    /// or `path#` for `import * as ns`).
    imports: foldhash::HashMap<String, String>,
    /// `export const` names bound to a literal: name and literal token.
    exported: Vec<(String, usize)>,
    /// Imported names used where a value was needed, without one.
    open: std::cell::RefCell<Vec<String>>,
}

impl<'a> Extractor<'a> {
    fn kind(&self, i: usize) -> Option<Kind> {
        self.toks.get(i).map(|t| t.kind)
    }

    fn is_punct(&self, i: usize, c: u8) -> bool {
        self.kind(i) == Some(Kind::Punct(c))
    }

    fn ident(&self, i: usize) -> Option<&'a str> {
        let t = self.toks.get(i)?;
        (t.kind == Kind::Ident).then(|| &self.text[t.start..t.end])
    }

    fn is_ident(&self, i: usize, name: &str) -> bool {
        self.ident(i) == Some(name)
    }

    /// The innermost open bracket enclosing token `i` ([`NONE`] when there is none).
    fn parent(&self, i: usize) -> Option<usize> {
        let parents = self.parents.get_or_init(|| parents(self.toks, self.pair));
        parents.get(i).copied()
    }

    fn partner(&self, i: usize) -> Option<usize> {
        self.pair.get(i).copied().filter(|&p| p != NONE)
    }

    /// True when the token at `i` is preceded by a `.` (a member name, not a binding).
    fn after_dot(&self, i: usize) -> bool {
        i > 0 && self.is_punct(i - 1, b'.')
    }

    /// The index just past the expression atom starting at `i`: a bracketed group, a
    /// whole template literal, or one token.
    fn skip(&self, i: usize) -> usize {
        match self.kind(i) {
            Some(Kind::Punct(b'(' | b'[' | b'{')) => self.partner(i).map_or(i + 1, |p| p + 1),
            Some(Kind::Tpl {
                part: Part::Head, ..
            }) => self.template_chunks(i).last().map_or(i + 1, |&l| l + 1),
            _ => i + 1,
        }
    }

    /// The chunk tokens of the template literal whose first chunk is at `i`.
    fn template_chunks(&self, i: usize) -> Vec<usize> {
        let mut chunks = vec![i];
        let mut k = i;
        while let Some(next) = self.partner(k) {
            if next <= k {
                break;
            }
            chunks.push(next);
            k = next;
        }
        chunks
    }

    /// Top-level comma-separated ranges between the bracket at `open` and its partner.
    fn items(&self, open: usize) -> Vec<(usize, usize)> {
        self.item_ranges(open).collect()
    }

    /// The first of [`Self::items`], without splitting the rest (most calls match no
    /// shape and need no more).
    fn first_item(&self, open: usize) -> Option<(usize, usize)> {
        self.item_ranges(open).next()
    }

    /// [`Self::items`], one at a time: an empty range before each comma with nothing
    /// before it, none after a trailing comma.
    fn item_ranges(&self, open: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let close = self.partner(open).unwrap_or(open);
        let mut start = open + 1;
        std::iter::from_fn(move || {
            let mut k = start;
            while k < close {
                if self.is_punct(k, b',') {
                    let item = (start, k);
                    start = k + 1;
                    return Some(item);
                }
                k = self.skip(k).min(close);
            }
            let last = (start < close).then_some((start, close));
            start = close;
            last
        })
    }

    /// Properties `key: value` of the object literal at `open`, by key name.
    fn props(&self, open: usize) -> Vec<(&'a str, usize, usize)> {
        let mut props = Vec::new();
        for (s, e) in self.items(open) {
            if e > s + 2 && self.is_punct(s + 1, b':') {
                let t = &self.toks[s];
                let key = match t.kind {
                    Kind::Ident => &self.text[t.start..t.end],
                    Kind::Str { closed: true } => &self.text[t.cs..t.ce],
                    _ => continue,
                };
                props.push((key, s + 2, e));
            }
        }
        props
    }

    fn prop(&self, open: usize, key: &str) -> Option<(usize, usize)> {
        self.props(open)
            .into_iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, s, e)| (s, e))
    }

    /// The literal contents `(start, end)` of a single closed string or hole-free
    /// template at `i`, when they hold no escapes (so they map 1:1 onto the file).
    fn plain_literal(&self, i: usize) -> Option<(usize, usize)> {
        let t = self.toks.get(i)?;
        match t.kind {
            Kind::Str { closed: true }
            | Kind::Tpl {
                part: Part::Full,
                closed: true,
            } if !self.text[t.cs..t.ce].contains('\\') => Some((t.cs, t.ce)),
            _ => None,
        }
    }

    /// A closed quoted string or a closed template literal without holes.
    fn is_simple_literal(&self, i: usize) -> bool {
        matches!(
            self.kind(i),
            Some(
                Kind::Str { closed: true }
                    | Kind::Tpl {
                        part: Part::Full,
                        closed: true
                    }
            )
        )
    }

    /// The raw contents of the string or template chunk at `i`.
    fn contents(&self, i: usize) -> &'a str {
        let t = &self.toks[i];
        &self.text[t.cs..t.ce]
    }

    /// The member path (`a`, `a.b.c`) starting at `i`, with the index after it.
    fn path_at(&self, i: usize) -> Option<(String, usize)> {
        let mut name = self.ident(i)?.to_string();
        let mut k = i + 1;
        while self.is_punct(k, b'.') {
            let Some(part) = self.ident(k + 1) else { break };
            name.push('.');
            name.push_str(part);
            k += 2;
        }
        Some((name, k))
    }

    /// The literal token a constant name is bound to (`this.X` also finds a field `X`).
    fn constant(&self, name: &str) -> Option<usize> {
        if let Some(found) = self.consts.get(name) {
            return *found;
        }
        let short = name.strip_prefix("this.")?;
        self.consts.get(short).copied().flatten()
    }

    /// A string value in `s..e` as plain text and its file offset: a literal, or a
    /// constant whose literal is in this file.
    fn string_value(&self, s: usize, e: usize) -> Option<(&'a str, usize)> {
        let lit = if e == s + 1 {
            match self.plain_literal(s) {
                Some(found) => Some(found),
                None => self
                    .ident(s)
                    .and_then(|n| self.constant(n))
                    .and_then(|t| self.plain_literal(t)),
            }
        } else {
            let (name, end) = self.path_at(s)?;
            if end != e {
                return None;
            }
            self.constant(&name).and_then(|t| self.plain_literal(t))
        }?;
        Some((&self.text[lit.0..lit.1], lit.0))
    }

    /// A table named by the value in `s..e`: a literal or constant, or an options object
    /// `{ tableName, schema }` (Sequelize migrations).
    fn table_value(&self, s: usize, e: usize) -> Option<Name> {
        if self.is_punct(s, b'{') && self.partner(s) == Some(e.saturating_sub(1)) {
            let (ts, te) = self.prop(s, "tableName")?;
            let mut name = self.named_value(ts, te)?;
            if let Some((ss, se)) = self.prop(s, "schema")
                && let Some((schema, _)) = self.string_value(ss, se)
            {
                name.table.schema = Some(schema.to_string());
            }
            return Some(name);
        }
        self.named_value(s, e)
    }

    /// The table named by the literal or constant in `s..e`. A name from a constant is
    /// reported where the code uses the constant, with the constant as its origin.
    fn named_value(&self, s: usize, e: usize) -> Option<Name> {
        let Some(origin) = self.origin_at(s, e) else {
            return self.string_value(s, e).and_then(|(v, o)| parse_name(v, o));
        };
        let (value, _) = match origin.place {
            Place::Here { .. } => self.string_value(s, e)?,
            Place::Elsewhere(_) => (self.outer_value(s, e)?, 0),
        };
        let mut name = parse_name(value, 0)?;
        let (start, end) = (self.toks.get(s)?.start, self.toks.get(e - 1)?.end);
        name.offset = start;
        name.len = end - start;
        name.origin = Some(Box::new(origin));
        Some(name)
    }

    /// The constant written by tokens `s..e` (`T`, `Tables.orders`, an imported name),
    /// when they are a name with a value; a name without one is noted as open.
    fn origin_at(&self, s: usize, e: usize) -> Option<Origin> {
        let (name, end) = self.path_at(s)?;
        if end != e {
            return None;
        }
        if let Some(lit) = self.constant(&name) {
            let t = &self.toks[lit];
            return Some(Origin {
                name,
                place: Place::Here {
                    offset: t.start,
                    len: t.end - t.start,
                },
            });
        }
        let (_, id) = self.imported_value(&name)?;
        Some(Origin {
            name,
            place: Place::Elsewhere(id),
        })
    }

    /// The value of the imported constant written by tokens `s..e`.
    fn outer_value(&self, s: usize, e: usize) -> Option<&'a str> {
        let (name, end) = self.path_at(s)?;
        (end == e).then_some(())?;
        self.imported_value(&name).map(|(v, _)| v)
    }

    /// The value of `name` (or `name.member`) imported from another module of the
    /// repository, from the constants the scan handed over; a miss is noted as open.
    fn imported_value(&self, name: &str) -> Option<(&'a str, usize)> {
        let (head, member) = match name.split_once('.') {
            Some((h, m)) => (h, Some(m)),
            None => (name, None),
        };
        let key = self.imports.get(head)?;
        let full = match member {
            Some(m) if key.ends_with('#') => format!("{key}{m}"),
            Some(m) => format!("{key}.{m}"),
            None if key.ends_with('#') => return None,
            None => key.clone(),
        };
        let index_key = full.replacen('#', "/index#", 1);
        let found = self
            .known
            .and_then(|k| k.get(&full).or_else(|| k.get(&index_key)));
        if found.is_none() {
            self.open.borrow_mut().push(full);
        }
        found
    }

    fn emit(&mut self, kind: AccessKind, name: Name, high: bool) {
        let mut access = Access::table(kind, name.table, name.offset, name.len);
        access.origin = name.origin;
        self.out.push(if high { access } else { access.low() });
    }

    /// Records `const T = "t"`, object and enum members, Drizzle table and schema
    /// variables: the values a template hole or a call argument may refer to.
    fn collect_constants(&mut self) {
        let mut found: Vec<(String, usize)> = Vec::new();
        for i in 0..self.toks.len() {
            let Some(word) = self.ident(i) else { continue };
            // The words first: nearly every identifier is none of them.
            if !matches!(
                word,
                "const" | "let" | "var" | "readonly" | "static" | "enum" | "import"
            ) || self.after_dot(i)
            {
                continue;
            }
            if word == "import" {
                self.imported_names(i);
                continue;
            }
            let exported = word == "const" && i > 0 && self.is_ident(i - 1, "export");
            match word {
                "const" | "let" | "var" | "readonly" | "static" => {
                    let Some(name) = self.ident(i + 1) else {
                        continue;
                    };
                    let mut k = i + 2;
                    if self.is_punct(k, b':') && self.ident(k + 1).is_some() {
                        k += 2;
                    }
                    if !self.is_punct(k, b'=') {
                        continue;
                    }
                    let v = k + 1;
                    if self.is_simple_literal(v) && self.ends_value(v + 1) {
                        found.push((name.to_string(), v));
                        if exported {
                            self.exported.push((name.to_string(), v));
                        }
                    } else if self.is_punct(v, b'{') {
                        for (key, s, e) in self.props(v) {
                            if e == s + 1 && self.is_simple_literal(s) {
                                found.push((format!("{name}.{key}"), s));
                                if exported {
                                    self.exported.push((format!("{name}.{key}"), s));
                                }
                            }
                        }
                    } else if let Some(callee) = self.ident(v)
                        && self.is_punct(v + 1, b'(')
                        && self.plain_literal(v + 2).is_some()
                    {
                        if DRIZZLE_TABLES.contains(&callee) {
                            found.push((name.to_string(), v + 2));
                        } else if DRIZZLE_SCHEMAS.contains(&callee) {
                            self.schemas.insert(name.to_string(), v + 2);
                        }
                    }
                }
                "enum" => {
                    let Some(name) = self.ident(i + 1) else {
                        continue;
                    };
                    if !self.is_punct(i + 2, b'{') {
                        continue;
                    }
                    for (s, e) in self.items(i + 2) {
                        if e == s + 3
                            && self.is_punct(s + 1, b'=')
                            && let Some(key) = self.ident(s)
                            && self.is_simple_literal(s + 2)
                        {
                            found.push((format!("{name}.{key}"), s + 2));
                        }
                    }
                }
                _ => {}
            }
        }
        for (name, tok) in found {
            let text = self.contents(tok);
            let value = match self.consts.get(&name) {
                Some(Some(prev)) if self.contents(*prev) != text => None,
                Some(prev) => *prev,
                None => Some(tok),
            };
            self.consts.insert(name, value);
        }
    }

    /// `import { A, B as C } from './x'` and `import * as ns from './x'`: the local
    /// names bound to another module's exports, by key (see [`module_key`]).
    fn imported_names(&mut self, i: usize) {
        let mut names: Vec<(String, String)> = Vec::new();
        let mut k = i + 1;
        if self.is_ident(k, "type") {
            return;
        }
        // A default import before the named ones: `import Db, { T } from './db'`.
        if self.ident(k).is_some() && self.is_punct(k + 1, b',') {
            k += 2;
        }
        if self.is_punct(k, b'*') && self.is_ident(k + 1, "as") {
            let Some(local) = self.ident(k + 2) else {
                return;
            };
            names.push((local.to_string(), String::new()));
            k += 3;
        } else if self.is_punct(k, b'{') {
            let close = self.skip(k);
            let mut j = k + 1;
            while j + 1 < close {
                let Some(name) = self.ident(j) else {
                    j += 1;
                    continue;
                };
                if self.is_ident(j + 1, "as")
                    && let Some(local) = self.ident(j + 2)
                {
                    names.push((local.to_string(), name.to_string()));
                    j += 3;
                } else {
                    names.push((name.to_string(), name.to_string()));
                    j += 1;
                }
            }
            k = close;
        } else {
            return;
        }
        if !self.is_ident(k, "from") {
            return;
        }
        let Some((s, e)) = self.plain_literal(k + 1) else {
            return;
        };
        let spec = &self.text[s..e];
        if !(spec.starts_with("./") || spec.starts_with("../")) {
            return;
        }
        let Some(module) = resolve_relative(self.path, strip_extension(spec)) else {
            return;
        };
        for (local, name) in names {
            self.imports.insert(local, module_key(&module, &name));
        }
    }

    /// What this module offers the others: its exported constants whose value is a
    /// table name, by key (see [`module_key`]), and the imported names it could not
    /// fill.
    fn values(&self) -> Values {
        let defines = self
            .exported
            .iter()
            .filter(|(name, tok)| self.consts.get(name) == Some(&Some(*tok)))
            .filter_map(|(name, tok)| {
                let value = self.contents(*tok);
                let t = &self.toks[*tok];
                super::values::is_name(value).then(|| Define {
                    name: module_key(self.path, name),
                    value: value.to_string(),
                    offset: t.start,
                    len: t.end - t.start,
                    var: false,
                })
            })
            .collect();
        let mut open = self.open.take();
        open.sort();
        open.dedup();
        Values {
            defines,
            open,
            ..Values::default()
        }
    }

    /// True when the token at `k` ends a value (so `const T = "a" + b` is not a constant).
    fn ends_value(&self, k: usize) -> bool {
        match self.kind(k) {
            None => true,
            Some(Kind::Punct(c)) => matches!(c, b';' | b',' | b'}' | b')' | b']'),
            // `as const`, or the next statement after a missing semicolon.
            Some(Kind::Ident) => true,
            _ => false,
        }
    }

    fn run(&mut self) {
        let mut suppress_until = 0;
        let mut i = 0;
        while i < self.toks.len() {
            if i < suppress_until {
                i += 1;
                continue;
            }
            match self.toks[i].kind {
                Kind::Ident => {
                    if let Some(end) = self.ident_at(i) {
                        suppress_until = suppress_until.max(end);
                    }
                }
                Kind::Str { closed: true }
                | Kind::Tpl {
                    part: Part::Full | Part::Head,
                    closed: true,
                } if !self.handled[i] => self.loose_literal(i),
                Kind::Punct(b'@') => self.bare_decorator(i),
                _ => {}
            }
            i += 1;
        }
    }

    /// Handles the shapes that start at an identifier. Returns the end of a range whose
    /// contents must be ignored (the arguments of a log call).
    fn ident_at(&mut self, i: usize) -> Option<usize> {
        let word = self.ident(i)?;
        if word == "throw" && self.is_ident(i + 1, "new") && self.is_punct(i + 3, b'(') {
            // Whatever a `throw` builds is an exception and its message, whatever the
            // type's name.
            return self.partner(i + 3);
        }
        if !self.after_dot(i) {
            match word {
                "import" => self.import_stmt(i),
                "export" => self.export_from(i),
                "require" => self.require_call(i),
                _ => {}
            }
        }
        if word == "tableName" {
            self.static_table_name(i);
        }
        if self.is_punct(i + 1, b':') {
            self.property(i);
        }
        if matches!(
            self.kind(i + 1),
            Some(Kind::Tpl {
                part: Part::Full | Part::Head,
                ..
            })
        ) && SQL_TAGS.contains(&word)
        {
            self.analyse_sql(i + 1, true);
        }
        if self.is_punct(i + 1, b'(') {
            return self.call(i);
        }
        None
    }

    /// The receiver identifier of a member call (`recv.method(`), if it is a plain name.
    fn receiver(&self, callee: usize) -> Option<&'a str> {
        if self.after_dot(callee) && callee >= 2 {
            self.ident(callee - 2)
        } else {
            None
        }
    }

    /// What the call `name(` at `callee` does with its strings (see [`sinks::js`]).
    fn sink_kind(&self, callee: usize, name: &str) -> Option<SinkKind> {
        sinks::js(self.receiver(callee), name, self.after_dot(callee))
    }

    /// Handles a call `name(`; returns the end of its arguments when they must be ignored.
    fn call(&mut self, i: usize) -> Option<usize> {
        let name = self.ident(i)?;
        let open = i + 1;
        let close = self.partner(open)?;
        let kind = self.sink_kind(i, name);
        match kind {
            Some(SinkKind::NonSql(k)) if k.covers_nested() => return Some(close),
            Some(SinkKind::NonSql(_)) => {
                // A test's name, an assertion's message: the literals among its
                // arguments are prose; its callback is code, read as usual.
                let items: Vec<_> = self.item_ranges(open).collect();
                for (s, _) in items {
                    if self.is_literal_start(s) {
                        self.operands(s);
                    }
                }
                return None;
            }
            _ => {}
        }
        if i > 0 && self.is_punct(i - 1, b'@') {
            self.decorator(i, name);
            return None;
        }
        self.call_shapes(i, name, close, kind == Some(SinkKind::Sql));
        None
    }

    /// Recognises the ORM, query-builder and raw-SQL shapes of the call `name(` at `i`
    /// whose argument list closes at `close`; `sql` when it is a SQL sink.
    fn call_shapes(&mut self, i: usize, name: &'a str, close: usize, sql: bool) -> Option<()> {
        let open = i + 1;
        // Most calls match no shape: the argument list is only split where one needs
        // more than its first argument.
        let first = self.first_item(open);
        let recv = self.receiver(i);
        let member = self.after_dot(i);
        if name == "EntitySchema" && i > 0 && self.is_ident(i - 1, "new") {
            self.entity_schema(open);
        } else if sql {
            if let Some((s, e)) = first {
                self.sink_argument(s, e);
            }
        } else if DRIZZLE_TABLES.contains(&name) {
            if let Some((s, e)) = first
                && let Some(n) = self.table_value(s, e)
            {
                self.emit(AccessKind::Model, n, true);
            }
        } else if name == "table" && member && self.drizzle_schema(i).is_some() {
            if let Some((s, e)) = first
                && let Some(mut n) = self.table_value(s, e)
            {
                n.table.schema = self.drizzle_schema(i);
                self.emit(AccessKind::Model, n, true);
            }
        } else if (QI_DDL.contains(&name) || QI_WRITE.contains(&name))
            && recv.is_some_and(|r| contains_ignoring_case(r, "queryinterface") || r == "qi")
        {
            let kind = if QI_WRITE.contains(&name) {
                AccessKind::Write
            } else {
                AccessKind::Ddl
            };
            let count = if name == "renameTable" { 2 } else { 1 };
            for (s, e) in self.items(open).into_iter().take(count) {
                if let Some(n) = self.table_value(s, e) {
                    self.emit(kind, n, true);
                }
            }
        } else if DDL_METHODS.contains(&name) && member {
            let chain = self.chain_back(i);
            let count = if name == "renameTable" { 2 } else { 1 };
            for (s, e) in self.items(open).into_iter().take(count) {
                if let Some(mut n) = self.table_value(s, e) {
                    if n.table.schema.is_none() {
                        n.table.schema.clone_from(&chain.with_schema);
                    }
                    self.emit(AccessKind::Ddl, n, chain.schema_builder);
                }
            }
        } else if (matches!(name, "knex" | "db" | "trx" | "tx")
            && (!member || recv == Some("this")))
            || (member && name == "knex")
            || (member && name == "database" && recv == Some("bp"))
        {
            // A Knex instance called with a table: `knex('t')`, `db('t')`, a
            // transaction, `this.db('t')`, any object's `knex` member
            // (`database.knex('t')`), and the Botpress SDK's `bp.database('t')`.
            if let Some((s, e)) = first
                && let Some(mut n) = self.table_value(s, e)
            {
                let chain = self.chain_back(i);
                if n.table.schema.is_none() {
                    n.table.schema = chain.with_schema;
                }
                let write = self.chain_forward_writes(close);
                let kind = if write {
                    AccessKind::Write
                } else {
                    AccessKind::Read
                };
                self.emit(kind, n, true);
            }
        } else if member && matches!(name, "from" | "into" | "table") {
            if recv.is_some_and(|r| r.starts_with(|c: char| c.is_ascii_uppercase())) {
                return Some(());
            }
            let (s, e) = first?;
            let mut n = self.table_value(s, e)?;
            let chain = self.chain_back(i);
            if n.table.schema.is_none() {
                n.table.schema.clone_from(&chain.with_schema);
            }
            let high = chain
                .root
                .as_deref()
                .is_some_and(|r| BUILDER_ROOTS.contains(&r));
            let kind = if name == "table" && chain.schema_builder {
                AccessKind::Ddl
            } else if name == "into" || chain.write || self.chain_forward_writes(close) {
                AccessKind::Write
            } else {
                AccessKind::Read
            };
            self.emit(kind, n, high && !chain.typeorm);
        } else if member && JOIN_METHODS.contains(&name) && self.items(open).len() >= 2 {
            if matches!(recv, Some("path" | "posix" | "win32" | "url")) {
                return Some(());
            }
            let (s, e) = first?;
            let chain = self.chain_back(i);
            if let Some(n) = self.table_value(s, e) {
                if chain.typeorm && n.table.schema.is_some() {
                    // `leftJoin("user.profile", "p")` joins a relation, not a table.
                    return Some(());
                }
                let high = chain
                    .root
                    .as_deref()
                    .is_some_and(|r| BUILDER_ROOTS.contains(&r));
                self.emit(AccessKind::Read, n, high && !chain.typeorm);
            }
        } else if name == "selectFrom"
            || matches!(
                name,
                "insertInto" | "updateTable" | "deleteFrom" | "replaceInto" | "mergeInto"
            )
        {
            let kind = if name == "selectFrom" {
                AccessKind::Read
            } else {
                AccessKind::Write
            };
            let (s, e) = first?;
            if self.is_punct(s, b'[') {
                for (is, ie) in self.items(s) {
                    if let Some(n) = self.table_value(is, ie) {
                        self.emit(kind, n, true);
                    }
                }
            } else if let Some(n) = self.table_value(s, e) {
                self.emit(kind, n, true);
            }
        } else if member && (name == "inTable" || name == "references") {
            let (s, e) = first?;
            let (value, offset) = self.string_value(s, e)?;
            let target = if name == "references" {
                // `.references("users.id")`; a bare column waits for `.inTable`.
                match value.rsplit_once('.') {
                    Some((table, _)) => parse_name(table, offset),
                    None => None,
                }
            } else {
                parse_name(value, offset)
            };
            if let Some(n) = target {
                self.emit(AccessKind::ForeignKey, n, true);
            }
        }
        Some(())
    }

    /// The schema a Drizzle `x.table(` call is in: `x` bound to `pgSchema("s")`, or the
    /// call written inline as `pgSchema("s").table(`.
    fn drizzle_schema(&self, callee: usize) -> Option<String> {
        if callee < 2 {
            return None;
        }
        let lit = if let Some(var) = self.ident(callee - 2) {
            *self.schemas.get(var)?
        } else if self.is_punct(callee - 2, b')') {
            let open = self.partner(callee - 2)?;
            let name = self.ident(open.checked_sub(1)?)?;
            if !DRIZZLE_SCHEMAS.contains(&name) {
                return None;
            }
            open + 1
        } else {
            return None;
        };
        let (s, e) = self.plain_literal(lit)?;
        Some(self.text[s..e].to_string())
    }

    /// Walks back from a method name along `a.b(..).c(..)` to the chain's root.
    fn chain_back(&self, callee: usize) -> Chain {
        let mut chain = Chain::default();
        let mut k = callee;
        let mut last_name: Option<&str> = None;
        for _ in 0..CHAIN_STEPS {
            if !(k >= 2 && self.is_punct(k - 1, b'.')) {
                break;
            }
            let p = k - 2;
            let name = if self.is_punct(p, b')') {
                let Some(open) = self.partner(p) else { break };
                let Some(name) = open.checked_sub(1).and_then(|c| self.ident(c)) else {
                    break;
                };
                if name == "withSchema"
                    && let Some((s, e)) = self.plain_literal(open + 1)
                {
                    chain.with_schema = Some(self.text[s..e].to_string());
                }
                k = open - 1;
                name
            } else if let Some(name) = self.ident(p) {
                k = p;
                name
            } else {
                break;
            };
            if WRITE_METHODS.contains(&name) {
                chain.write = true;
            }
            if name == "schema" {
                chain.schema_builder = true;
            }
            if matches!(
                name,
                "createQueryBuilder" | "getRepository" | "getManager" | "manager"
            ) {
                chain.typeorm = true;
            }
            if name != "this" {
                last_name = Some(name);
            }
        }
        chain.root = last_name.map(str::to_string);
        chain
    }

    /// True when the chain continuing after the `)` at `close` calls a write method.
    fn chain_forward_writes(&self, close: usize) -> bool {
        let mut k = close + 1;
        for _ in 0..CHAIN_STEPS {
            if !self.is_punct(k, b'.') {
                return false;
            }
            let Some(name) = self.ident(k + 1) else {
                return false;
            };
            if WRITE_METHODS.contains(&name) {
                return true;
            }
            if self.is_punct(k + 2, b'(') {
                let Some(c) = self.partner(k + 2) else {
                    return false;
                };
                k = c + 1;
            } else {
                k += 2;
            }
        }
        false
    }

    /// `@Entity(..)`, `@JoinTable({ name })`: the decorator call at `callee`.
    fn decorator(&mut self, callee: usize, name: &str) {
        let open = callee + 1;
        let args = self.items(open);
        match name {
            "Entity" => {
                let mut named = false;
                let mut schema = None;
                let mut database = None;
                let mut table = None;
                for &(s, e) in &args {
                    if self.is_punct(s, b'{') {
                        for (key, vs, ve) in self.props(s) {
                            match key {
                                "name" => table = self.table_value(vs, ve),
                                "tableName" => named = true,
                                "schema" => schema = self.string_value(vs, ve),
                                "database" => database = self.string_value(vs, ve),
                                _ => {}
                            }
                        }
                    } else if let Some(n) = self.table_value(s, e) {
                        table = Some(n);
                    }
                }
                if let Some(mut n) = table {
                    if let Some((s, _)) = schema {
                        n.table.schema = Some(s.to_string());
                    }
                    if let Some((d, _)) = database {
                        n.table.database = Some(d.to_string());
                    }
                    self.emit(AccessKind::Model, n, true);
                } else if !named {
                    let after = self.partner(open).map_or(open, |c| c + 1);
                    self.class_name_model(after, schema.map(|(s, _)| s.to_string()));
                }
            }
            "JoinTable" => {
                if let Some(&(s, _)) = args.first()
                    && self.is_punct(s, b'{')
                    && let Some((vs, ve)) = self.prop(s, "name")
                    && let Some(n) = self.table_value(vs, ve)
                {
                    self.emit(AccessKind::Model, n, true);
                }
            }
            _ => {}
        }
    }

    /// `@Entity` written without parentheses.
    fn bare_decorator(&mut self, at: usize) {
        if self.is_ident(at + 1, "Entity") && !self.is_punct(at + 2, b'(') {
            self.class_name_model(at + 2, None);
        }
    }

    /// TypeORM's default table name for the class declared after `from`: the class name
    /// in snake_case. A naming strategy may change it, hence low confidence.
    fn class_name_model(&mut self, from: usize, schema: Option<String>) {
        let mut k = from;
        for _ in 0..CHAIN_STEPS {
            match self.kind(k) {
                Some(Kind::Punct(b'@')) => {
                    k += 2;
                    if self.is_punct(k, b'(') {
                        k = self.skip(k);
                    }
                }
                Some(Kind::Ident) => {
                    if self.is_ident(k, "class") {
                        if let Some(class) = self.ident(k + 1) {
                            let t = &self.toks[k + 1];
                            let mut table = TableRef::bare(snake_case(class));
                            table.schema = schema;
                            self.emit(
                                AccessKind::Model,
                                Name {
                                    table,
                                    offset: t.start,
                                    len: t.end - t.start,
                                    origin: None,
                                },
                                false,
                            );
                        }
                        return;
                    }
                    k += 1;
                }
                _ => return,
            }
        }
    }

    /// `new EntitySchema({ name, tableName })`: `tableName` is handled as a property; a
    /// schema without it takes TypeORM's default, the snake_cased entity name.
    fn entity_schema(&mut self, open: usize) {
        let Some(&(s, _)) = self.items(open).first() else {
            return;
        };
        if !self.is_punct(s, b'{') || self.prop(s, "tableName").is_some() {
            return;
        }
        if let Some((ns, ne)) = self.prop(s, "name")
            && let Some((name, offset)) = self.string_value(ns, ne)
            && is_identifier(name)
        {
            let mut table = TableRef::bare(snake_case(name));
            if let Some((ss, se)) = self.prop(s, "schema") {
                table.schema = self.string_value(ss, se).map(|(v, _)| v.to_string());
            }
            let n = Name {
                table,
                offset,
                len: name.len(),
                origin: None,
            };
            self.emit(AccessKind::Model, n, false);
        }
    }

    /// A property `tableName: ..` or `references: { model }` at the key token `i`.
    fn property(&mut self, i: usize) {
        let Some(key) = self.ident(i) else { return };
        if key != "tableName" && key != "references" {
            return;
        }
        let Some(brace) = self.parent(i) else {
            return;
        };
        if brace == NONE
            || !self.is_punct(brace, b'{')
            || !(self.is_punct(i - 1, b'{') || self.is_punct(i - 1, b','))
        {
            return;
        }
        let Some(close) = self.partner(brace) else {
            return;
        };
        let vs = i + 2;
        let mut ve = vs;
        while ve < close && !self.is_punct(ve, b',') {
            ve = self.skip(ve).min(close);
        }
        if key == "references" {
            if self.is_punct(vs, b'{')
                && let Some((ms, me)) = self.prop(vs, "model")
                && let Some(n) = self.table_value(ms, me)
            {
                self.emit(AccessKind::ForeignKey, n, true);
            }
            return;
        }
        // Only the first `tableName` of an object counts, which keeps the sibling
        // lookup below linear even for objects that repeat the key.
        if !self.table_objects.insert(brace) {
            return;
        }
        let high = match self.enclosing_call(brace) {
            Some(name) if MODEL_CALLS.contains(&name) => true,
            // Migration calls handle their `{ tableName, schema }` argument themselves.
            Some(name) if QI_DDL.contains(&name) || QI_WRITE.contains(&name) => return,
            _ => false,
        };
        if let Some(mut n) = self.table_value(vs, ve) {
            if let Some((ss, se)) = self.prop(brace, "schema") {
                n.table.schema = self.string_value(ss, se).map(|(v, _)| v.to_string());
            }
            self.emit(AccessKind::Model, n, high);
        }
    }

    /// The name of the call (or decorator, or `new X(`) whose argument list holds the
    /// object at `brace`.
    fn enclosing_call(&self, brace: usize) -> Option<&'a str> {
        let paren = self.parent(brace)?;
        if paren == NONE || !self.is_punct(paren, b'(') {
            return None;
        }
        self.ident(paren.checked_sub(1)?)
    }

    /// Objection's `static tableName = "t"` and `static get tableName() { return "t" }`.
    fn static_table_name(&mut self, i: usize) {
        if i == 0 {
            return;
        }
        let value = if self.is_ident(i - 1, "static") && self.is_punct(i + 1, b'=') {
            i + 2
        } else if self.is_ident(i - 1, "get")
            && self.is_punct(i + 1, b'(')
            && self.is_punct(i + 2, b')')
            && self.is_punct(i + 3, b'{')
            && self.is_ident(i + 4, "return")
        {
            i + 5
        } else {
            return;
        };
        if let Some(n) = self.table_value(value, value + 1) {
            self.emit(AccessKind::Model, n, true);
        }
    }

    /// The first argument of a SQL sink: a string expression, a constant holding SQL, or
    /// a `{ text }` / `{ sql }` query config object.
    fn sink_argument(&mut self, s: usize, e: usize) {
        if self.is_punct(s, b'{') {
            for key in ["text", "sql"] {
                if let Some((vs, _)) = self.prop(s, key) {
                    self.analyse_sql(vs, true);
                }
            }
            return;
        }
        if self.is_literal_start(s) {
            self.analyse_sql(s, true);
        } else if let Some((name, end)) = self.path_at(s)
            && end == e
            && let Some(lit) = self.constant(&name)
        {
            self.analyse_sql(lit, true);
        }
    }

    fn is_literal_start(&self, i: usize) -> bool {
        matches!(
            self.kind(i),
            Some(
                Kind::Str { closed: true }
                    | Kind::Tpl {
                        part: Part::Full | Part::Head,
                        closed: true
                    }
            )
        )
    }

    /// A literal that is not the argument of a known call: analysed only when it (with
    /// whatever it is joined to) looks like SQL.
    fn loose_literal(&mut self, i: usize) {
        self.analyse_sql(i, false);
    }

    /// Joins the `+`-chain of operands starting at the literal `i` into one text and
    /// analyses it as SQL (when `always`, or when it looks like SQL).
    fn analyse_sql(&mut self, i: usize, always: bool) {
        if !self.is_literal_start(i) {
            return;
        }
        let operands = self.operands(i);
        let embedded = self.assemble(&operands);
        self.out
            .extend(sql::analyze_candidate(&embedded, always, self.ctx));
    }

    /// Reads `a + b + c` from `i`, marking its literal tokens as handled.
    fn operands(&mut self, i: usize) -> Vec<Operand> {
        let mut ops = Vec::new();
        let mut k = i;
        loop {
            let (op, next) = match self.kind(k) {
                Some(Kind::Str { closed: true }) => (Operand::Lit(k), k + 1),
                Some(Kind::Tpl {
                    part: Part::Full | Part::Head,
                    closed: true,
                }) => {
                    let chunks = self.template_chunks(k);
                    let next = chunks.last().map_or(k + 1, |&l| l + 1);
                    (Operand::Tpl(chunks), next)
                }
                Some(Kind::Ident) => {
                    let Some((name, mut end)) = self.path_at(k) else {
                        break;
                    };
                    let mut plain = true;
                    while self.is_punct(end, b'(') || self.is_punct(end, b'[') {
                        plain = false;
                        end = self.skip(end);
                        if let Some((_, e)) = self
                            .is_punct(end, b'.')
                            .then(|| self.path_at(end + 1))
                            .flatten()
                        {
                            end = e;
                        }
                    }
                    if plain {
                        (Operand::Ref(name, k), end)
                    } else {
                        (Operand::Other(k), end)
                    }
                }
                Some(Kind::Punct(b'(')) | Some(Kind::Num) => (Operand::Other(k), self.skip(k)),
                _ => break,
            };
            match &op {
                Operand::Lit(t) => self.handled[*t] = true,
                Operand::Tpl(chunks) => {
                    for &c in chunks {
                        self.handled[c] = true;
                    }
                }
                _ => {}
            }
            ops.push(op);
            if self.is_punct(next, b'+') {
                k = next + 1;
            } else {
                break;
            }
        }
        ops
    }

    /// Builds the text of a string expression with each piece mapped to the file.
    fn assemble(&self, operands: &[Operand]) -> Embedded {
        let mut e = Embedded::new();
        for op in operands {
            match op {
                Operand::Lit(t) => {
                    let tok = self.toks[*t];
                    self.push_contents(&mut e, tok.cs, tok.ce);
                }
                Operand::Tpl(chunks) => {
                    for (n, &c) in chunks.iter().enumerate() {
                        let tok = self.toks[c];
                        self.push_contents(&mut e, tok.cs, tok.ce);
                        if let Some(&next) = chunks.get(n + 1) {
                            self.push_hole_value(&mut e, c + 1, next, tok.ce);
                        } else if matches!(
                            tok.kind,
                            Kind::Tpl {
                                part: Part::Head | Part::Middle,
                                ..
                            }
                        ) {
                            // The literal ends inside a hole (unterminated).
                            e.push_hole(HOLE, tok.ce);
                        }
                    }
                }
                Operand::Ref(name, t) => {
                    let end = self.path_at(*t).map_or(*t + 1, |(_, end)| end);
                    if !self.push_value(&mut e, name, *t, end) {
                        e.push_hole(HOLE, self.toks[*t].start);
                    }
                }
                Operand::Other(t) => e.push_hole(HOLE, self.toks[*t].start),
            }
        }
        e
    }

    /// A template hole spanning tokens `s..e`: a constant's literal when the hole names
    /// one, otherwise the placeholder at the `${`.
    fn push_hole_value(&self, e: &mut Embedded, s: usize, end: usize, at: usize) {
        if let Some((name, after)) = self.path_at(s)
            && after == end
            && self.push_value(e, &name, s, end)
        {
            return;
        }
        e.push_hole(HOLE, at);
    }

    /// Appends the value of constant `name`, written by tokens `s..end`: the names in
    /// it are reported there, with the constant as their origin. False when `name`
    /// has no value.
    fn push_value(&self, e: &mut Embedded, name: &str, s: usize, end: usize) -> bool {
        let Some(origin) = self.origin_at(s, end) else {
            return false;
        };
        let value = match origin.place {
            Place::Here { .. } => match self.constant(name) {
                Some(lit) => self.contents(lit),
                None => return false,
            },
            Place::Elsewhere(_) => match self.outer_value(s, end) {
                Some(v) => v,
                None => return false,
            },
        };
        let (Some(a), Some(z)) = (
            self.toks.get(s),
            end.checked_sub(1).and_then(|k| self.toks.get(k)),
        ) else {
            return false;
        };
        e.push_value(value, a.start, z.end - a.start, origin);
        true
    }

    /// Appends a literal's contents: verbatim runs map 1:1, each escape maps to itself.
    fn push_contents(&self, e: &mut Embedded, cs: usize, ce: usize) {
        let b = self.text.as_bytes();
        let mut run = cs;
        let mut k = cs;
        while k < ce {
            if b[k] == b'\\' {
                if run < k {
                    e.push_verbatim(&self.text[run..k], run);
                }
                let (decoded, next) = decode_escape(self.text, k, ce);
                if !decoded.is_empty() {
                    e.push_decoded(&decoded, k);
                }
                k = next.min(ce);
                run = k;
            } else {
                k += 1;
            }
        }
        if run < ce {
            e.push_verbatim(&self.text[run..ce], run);
        }
    }

    /// `import .. from "x"`, `import "x"`, `import("x")`.
    fn import_stmt(&mut self, i: usize) {
        if self.is_punct(i + 1, b'(') {
            if let Some(lit) = self.plain_literal(i + 2) {
                self.emit_import(lit);
            }
            return;
        }
        if self.plain_literal(i + 1).is_some() {
            if let Some(lit) = self.plain_literal(i + 1) {
                self.emit_import(lit);
            }
            return;
        }
        if self.is_punct(i + 1, b'.') {
            return; // import.meta
        }
        let mut k = i + 1;
        for _ in 0..CHAIN_STEPS {
            match self.kind(k) {
                Some(Kind::Ident) if self.is_ident(k, "from") => {
                    if let Some(lit) = self.plain_literal(k + 1) {
                        self.emit_import(lit);
                        return;
                    }
                    k += 1;
                }
                Some(Kind::Ident | Kind::Punct(b'*' | b',')) => k += 1,
                Some(Kind::Punct(b'{')) => k = self.skip(k),
                _ => return,
            }
        }
    }

    /// `export * from "x"`, `export { a } from "x"`, `export type { T } from "x"`.
    fn export_from(&mut self, i: usize) {
        let mut k = i + 1;
        if self.is_ident(k, "type") {
            k += 1;
        }
        if self.is_punct(k, b'*') {
            k += 1;
            if self.is_ident(k, "as") {
                k += 2;
            }
        } else if self.is_punct(k, b'{') {
            k = self.skip(k);
        } else {
            return;
        }
        if self.is_ident(k, "from")
            && let Some(lit) = self.plain_literal(k + 1)
        {
            self.emit_import(lit);
        }
    }

    /// `require("x")`.
    fn require_call(&mut self, i: usize) {
        if self.is_punct(i + 1, b'(')
            && self.is_punct(i + 3, b')')
            && let Some(lit) = self.plain_literal(i + 2)
        {
            self.emit_import(lit);
        }
    }

    fn emit_import(&mut self, (s, e): (usize, usize)) {
        let spec = &self.text[s..e];
        let target =
            if spec == "." || spec == ".." || spec.starts_with("./") || spec.starts_with("../") {
                match resolve_relative(self.path, spec) {
                    Some(p) => ImportRef::Path(p),
                    None => return,
                }
            } else if spec.is_empty()
                || spec.starts_with('/')
                || spec.starts_with("node:")
                || spec.contains("://")
                || NODE_BUILTINS.contains(&spec.split('/').next().unwrap_or(spec))
            {
                return;
            } else {
                ImportRef::Package(spec.to_string())
            };
        self.out.push(Access::import(target, s, e - s));
    }
}

/// Whether `hay` contains the lower-case ASCII `needle` in any case, without
/// allocating a lower-case copy (this runs for every member call).
fn contains_ignoring_case(hay: &str, needle: &str) -> bool {
    needle.is_empty()
        || hay
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Resolves a relative import against the importing file's directory; `None` when it
/// climbs out of the repository.
fn resolve_relative(path: &str, spec: &str) -> Option<String> {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let mut parts: Vec<&str> = dir
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for seg in spec.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// Parses a table as query builders write it: `table`, `schema.table`,
/// `db.schema.table`, optionally followed by an alias (`users as u`, `users u`).
/// `offset` is where `value` starts in the file; the result points at the table part.
fn parse_name(value: &str, offset: usize) -> Option<Name> {
    let lead = value.len() - value.trim_start().len();
    let rest = &value[lead..];
    let (name, alias) = match rest.split_once(char::is_whitespace) {
        Some((n, a)) => (n, a.trim()),
        None => (rest, ""),
    };
    if !alias.is_empty() {
        let alias = alias
            .strip_prefix("as ")
            .or_else(|| alias.strip_prefix("AS "))
            .unwrap_or(alias)
            .trim();
        if !is_identifier(alias) {
            return None;
        }
    }
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() > 3 || !parts.iter().all(|p| is_identifier(p)) {
        return None;
    }
    let table = parts[parts.len() - 1];
    let start = offset + lead + name.len() - table.len();
    let mut r = TableRef::bare(table);
    if parts.len() >= 2 {
        r.schema = Some(parts[parts.len() - 2].to_string());
    }
    if parts.len() == 3 {
        r.database = Some(parts[0].to_string());
    }
    Some(Name {
        table: r,
        offset: start,
        len: table.len(),
        origin: None,
    })
}

/// TypeORM's `snakeCase`: `UserProfile` → `user_profile`, `HTTPRequest` → `http_request`.
fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && c.is_ascii_uppercase() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Confidence, Target};
    use AccessKind::{Ddl, ForeignKey, Import, Model, Read, Write};

    const PATH: &str = "services/billing/src/repo.ts";

    /// (kind, target, text at the access's range, confidence) for every access.
    fn found(path: &str, src: &str) -> Vec<(AccessKind, String, String, Confidence)> {
        extract(path, src, &Context::default())
            .accesses
            .iter()
            .map(|a| {
                let target = match &a.target {
                    Target::Table(t) => [t.database.as_deref(), t.schema.as_deref()]
                        .into_iter()
                        .flatten()
                        .chain([t.name.as_str()])
                        .collect::<Vec<_>>()
                        .join("."),
                    Target::Import(ImportRef::Package(p)) => format!("pkg:{p}"),
                    Target::Import(ImportRef::Path(p)) => format!("path:{p}"),
                };
                let at = src.get(a.offset..a.offset + a.len).unwrap_or("<bad range>");
                (a.kind, target, at.to_string(), a.confidence)
            })
            .collect()
    }

    type Case = (
        &'static str,
        &'static [(AccessKind, &'static str, &'static str)],
    );

    /// Asserts each source yields exactly the expected (kind, target, text) accesses.
    fn check(cases: &[Case]) {
        for (src, expected) in cases {
            let mut got: Vec<_> = found(PATH, src)
                .into_iter()
                .map(|(k, t, at, _)| (k, t, at))
                .collect();
            got.sort();
            let mut want: Vec<_> = expected
                .iter()
                .map(|&(k, t, at)| (k, t.to_string(), at.to_string()))
                .collect();
            want.sort();
            assert_eq!(got, want, "source:\n{src}");
        }
    }

    fn confidence(src: &str, target: &str) -> Option<Confidence> {
        found(PATH, src)
            .into_iter()
            .find(|(_, t, _, _)| t == target)
            .map(|(_, _, _, c)| c)
    }

    #[test]
    fn typeorm_entities() {
        check(&[
            (
                "@Entity(\"orders\")\nexport class Order {}",
                &[(Model, "orders", "orders")],
            ),
            (
                "@Entity({ name: 'orders', schema: 'sales', database: 'shop' })\nclass Order {}",
                &[(Model, "shop.sales.orders", "orders")],
            ),
            (
                "@Entity()\n@Index(['a'])\nexport abstract class OrderItem {}",
                &[(Model, "order_item", "OrderItem")],
            ),
            (
                "@Entity\nclass HTTPRequestLog {}",
                &[(Model, "http_request_log", "HTTPRequestLog")],
            ),
            (
                "@Entity({ schema: 'sales' })\nexport default class LineItem2 {}",
                &[(Model, "sales.line_item2", "LineItem2")],
            ),
            (
                "export const S = new EntitySchema({ name: 'Order', tableName: 'orders', columns: {} });",
                &[(Model, "orders", "orders")],
            ),
            (
                "new EntitySchema({ name: 'OrderItem', columns: {} })",
                &[(Model, "order_item", "OrderItem")],
            ),
            (
                "@ManyToMany(() => Role)\n@JoinTable({ name: 'user_roles' })\nroles: Role[];",
                &[(Model, "user_roles", "user_roles")],
            ),
            // MikroORM spells it `tableName`; no class-name fallback then.
            (
                "@Entity({ tableName: 'books' })\nclass Book {}",
                &[(Model, "books", "books")],
            ),
        ]);
        assert_eq!(
            confidence("@Entity()\nclass OrderItem {}", "order_item"),
            Some(Confidence::Low)
        );
        assert_eq!(
            confidence("@Entity('orders')\nclass Order {}", "orders"),
            Some(Confidence::High)
        );
    }

    #[test]
    fn sequelize_models_and_migrations() {
        check(&[
            (
                "sequelize.define('Order', { id: DataTypes.INTEGER }, { tableName: 'orders' });",
                &[(Model, "orders", "orders")],
            ),
            (
                "Order.init({ id: { type: DataTypes.INTEGER } }, { tableName: 'orders', schema: 'sales', sequelize });",
                &[(Model, "sales.orders", "orders")],
            ),
            (
                "const attrs = { userId: { type: DataTypes.INTEGER, references: { model: 'users', key: 'id' } } };",
                &[(ForeignKey, "users", "users")],
            ),
            (
                "@Table({ tableName: 'invoices', timestamps: false })\nexport class Invoice extends Model {}",
                &[(Model, "invoices", "invoices")],
            ),
            (
                "await queryInterface.createTable('orders', { id: { type: Sequelize.INTEGER } });",
                &[(Ddl, "orders", "orders")],
            ),
            (
                "await queryInterface.addColumn({ tableName: 'orders', schema: 'sales' }, 'note', {});",
                &[(Ddl, "sales.orders", "orders")],
            ),
            (
                "await queryInterface.bulkInsert('orders', [{ id: 1 }]);",
                &[(Write, "orders", "orders")],
            ),
            (
                "queryInterface.renameTable('orders', 'purchases')",
                &[(Ddl, "orders", "orders"), (Ddl, "purchases", "purchases")],
            ),
            (
                "class Person extends Model {\n  static tableName = 'persons';\n}",
                &[(Model, "persons", "persons")],
            ),
            (
                "class Person extends Model {\n  static get tableName() { return 'persons'; }\n}",
                &[(Model, "persons", "persons")],
            ),
        ]);
        // `tableName` in an object of unknown purpose is only a hint.
        assert_eq!(
            confidence("const opts = { tableName: 'orders' };", "orders"),
            Some(Confidence::Low)
        );
        // The object and the call around it are found past closers that match no
        // open bracket (left unpaired, so no bracket), and past closed groups.
        let src = "sequelize.define('A', { a: f(]) }, { x: [1, 2)], tableName: 'orders' });";
        assert_eq!(confidence(src, "orders"), Some(Confidence::High));
        let src = "wrap(define)({ x: [1, 2)], tableName: 'orders' });";
        assert_eq!(confidence(src, "orders"), Some(Confidence::Low));
    }

    #[test]
    fn knex_queries() {
        check(&[
            (
                "knex('orders').where({ id })",
                &[(Read, "orders", "orders")],
            ),
            (
                "await db('orders').insert({ a: 1 })",
                &[(Write, "orders", "orders")],
            ),
            (
                "await trx('orders').where('id', id).update({ x })",
                &[(Write, "orders", "orders")],
            ),
            (
                "knex('orders').where('id', 1).del()",
                &[(Write, "orders", "orders")],
            ),
            ("this.knex('orders').first()", &[(Read, "orders", "orders")]),
            (
                "knex.select('*').from('orders')",
                &[(Read, "orders", "orders")],
            ),
            (
                "knex.insert(row).into('orders')",
                &[(Write, "orders", "orders")],
            ),
            (
                "knex.table('orders').insert(row)",
                &[(Write, "orders", "orders")],
            ),
            ("knex.del().from('orders')", &[(Write, "orders", "orders")]),
            (
                "knex('public.orders')",
                &[(Read, "public.orders", "orders")],
            ),
            (
                "await supabase.from('orders').select('*').eq('id', id)",
                &[(Read, "orders", "orders")],
            ),
            (
                "await supabase.from('orders').insert({ id })",
                &[(Write, "orders", "orders")],
            ),
            (
                "knex('orders as o').join('customers as c', 'c.id', 'o.customer_id')",
                &[(Read, "orders", "orders"), (Read, "customers", "customers")],
            ),
            (
                "knex.withSchema('sales').select('*').from('orders')",
                &[(Read, "sales.orders", "orders")],
            ),
            (
                "const TABLE = 'orders';\nexport const all = () => knex(TABLE).select();",
                &[(Read, "orders", "TABLE")],
            ),
        ]);
        assert_eq!(
            confidence("knex.select('*').from('orders')", "orders"),
            Some(Confidence::High)
        );
        // An unknown chain root: probably a builder, but not sure.
        assert_eq!(
            confidence("repo.select('*').from('orders')", "orders"),
            Some(Confidence::Low)
        );
    }

    #[test]
    fn knex_schema_builder() {
        check(&[
            (
                "knex.schema.createTable('orders', (t) => { t.increments('id'); })",
                &[(Ddl, "orders", "orders")],
            ),
            (
                "knex.schema.dropTableIfExists('orders')",
                &[(Ddl, "orders", "orders")],
            ),
            (
                "knex.schema.renameTable('orders', 'purchases')",
                &[(Ddl, "orders", "orders"), (Ddl, "purchases", "purchases")],
            ),
            (
                "knex.schema.table('orders', (t) => { t.string('note'); })",
                &[(Ddl, "orders", "orders")],
            ),
            (
                "knex.schema.withSchema('sales').alterTable('orders', t => {})",
                &[(Ddl, "sales.orders", "orders")],
            ),
            (
                "knex.schema.createTable('items', (t) => {\n  t.integer('order_id').references('id').inTable('orders');\n  t.integer('user_id').references('users.id');\n})",
                &[
                    (Ddl, "items", "items"),
                    (ForeignKey, "orders", "orders"),
                    (ForeignKey, "users", "users"),
                ],
            ),
        ]);
    }

    #[test]
    fn drizzle_tables() {
        check(&[
            (
                "export const users = pgTable('users', { id: serial('id').primaryKey() });",
                &[(Model, "users", "users")],
            ),
            (
                "export const o = mysqlTable('orders', {});",
                &[(Model, "orders", "orders")],
            ),
            (
                "export const o = sqliteTable('orders', {});",
                &[(Model, "orders", "orders")],
            ),
            (
                "const billing = pgSchema('billing');\nexport const invoices = billing.table('invoices', {});",
                &[(Model, "billing.invoices", "invoices")],
            ),
            (
                "export const invoices = pgSchema('billing').table('invoices', {});",
                &[(Model, "billing.invoices", "invoices")],
            ),
        ]);
    }

    #[test]
    fn kysely_queries() {
        check(&[
            (
                "await db.selectFrom('person').selectAll().execute()",
                &[(Read, "person", "person")],
            ),
            (
                "db.selectFrom('person as p').select('p.id')",
                &[(Read, "person", "person")],
            ),
            (
                "db.selectFrom(['person', 'pet'])",
                &[(Read, "person", "person"), (Read, "pet", "pet")],
            ),
            (
                "db.insertInto('person').values(v)",
                &[(Write, "person", "person")],
            ),
            (
                "db.updateTable('person').set(v)",
                &[(Write, "person", "person")],
            ),
            (
                "db.deleteFrom('person').where('id', '=', 1)",
                &[(Write, "person", "person")],
            ),
            (
                "db.replaceInto('person').values(v)",
                &[(Write, "person", "person")],
            ),
            (
                "db.selectFrom('person').innerJoin('pet', 'pet.owner_id', 'person.id')",
                &[(Read, "person", "person"), (Read, "pet", "pet")],
            ),
            (
                "await db.schema.createTable('pet').addColumn('owner_id', 'integer', (col) => col.references('person.id')).execute()",
                &[(Ddl, "pet", "pet"), (ForeignKey, "person", "person")],
            ),
            (
                "db.schema.dropTable('pet').ifExists()",
                &[(Ddl, "pet", "pet")],
            ),
        ]);
    }

    #[test]
    fn imports() {
        check(&[
            (
                "import { Order } from '@acme/orders/db';",
                &[(Import, "pkg:@acme/orders/db", "@acme/orders/db")],
            ),
            (
                "import x from '../../orders/src/db';",
                &[(Import, "path:services/orders/src/db", "../../orders/src/db")],
            ),
            (
                "import './side';",
                &[(Import, "path:services/billing/src/side", "./side")],
            ),
            (
                "export * from '../lib';\nexport * as ns from 'lodash';\nexport { a, b as c } from '@acme/x';\nexport type { T } from './t';",
                &[
                    (Import, "path:services/billing/lib", "../lib"),
                    (Import, "pkg:lodash", "lodash"),
                    (Import, "pkg:@acme/x", "@acme/x"),
                    (Import, "path:services/billing/src/t", "./t"),
                ],
            ),
            (
                "const o = require('@acme/orders');",
                &[(Import, "pkg:@acme/orders", "@acme/orders")],
            ),
            (
                "const m = await import('./lazy');",
                &[(Import, "path:services/billing/src/lazy", "./lazy")],
            ),
            (
                "import type { T } from '@acme/types';",
                &[(Import, "pkg:@acme/types", "@acme/types")],
            ),
            (
                "import x = require('@acme/x');",
                &[(Import, "pkg:@acme/x", "@acme/x")],
            ),
            (
                "import D, * as all from \"pg\";\nimport {\n  a,\n  b,\n} from \"@acme/multi\";",
                &[
                    (Import, "pkg:pg", "pg"),
                    (Import, "pkg:@acme/multi", "@acme/multi"),
                ],
            ),
            // Built-ins, node: specifiers, import.meta, escaping the repository.
            (
                "import fs from 'fs';\nimport p from 'node:path';\nimport { readFile } from 'fs/promises';\nconst u = import.meta.url;\nimport z from '../../../../../outside';",
                &[],
            ),
        ]);
    }

    #[test]
    fn raw_sql_sinks() {
        check(&[
            (
                "await db.raw('SELECT * FROM orders WHERE id = ?', [id])",
                &[(Read, "orders", "orders")],
            ),
            (
                "await pool.query('INSERT INTO orders (id) VALUES ($1)', [id])",
                &[(Write, "orders", "orders")],
            ),
            (
                "client.query({ text: 'DELETE FROM orders WHERE id = $1', values: [id] })",
                &[(Write, "orders", "orders")],
            ),
            (
                "const rows = await sql`SELECT * FROM orders WHERE id = ${id}`;",
                &[(Read, "orders", "orders")],
            ),
            (
                "await prisma.$queryRaw`SELECT * FROM invoices WHERE id = ${id}`",
                &[(Read, "invoices", "invoices")],
            ),
            (
                "await prisma.$executeRawUnsafe('UPDATE orders SET paid = true')",
                &[(Write, "orders", "orders")],
            ),
            (
                "await knex.raw(\"select *\\nfrom orders\")",
                &[(Read, "orders", "orders")],
            ),
        ]);
    }

    #[test]
    fn string_built_sql() {
        check(&[
            (
                "const q = 'SELECT o.id, i.sku ' +\n  'FROM orders o JOIN order_items i ON i.order_id = o.id';",
                &[
                    (Read, "orders", "orders"),
                    (Read, "order_items", "order_items"),
                ],
            ),
            (
                "const T = 'restaurants';\nconst q = `SELECT * FROM ${T} WHERE id = $1`;",
                &[(Read, "restaurants", "T")],
            ),
            (
                "const Tables = { orders: 'orders' } as const;\nconst q = `DELETE FROM ${Tables.orders} WHERE id = $1`;",
                &[(Write, "orders", "Tables.orders")],
            ),
            (
                "enum T { Orders = 'orders' }\nconst q = `SELECT * FROM ${T.Orders}`;",
                &[(Read, "orders", "T.Orders")],
            ),
            (
                "const T = 'restaurants';\nconst q = 'SELECT * FROM ' + T + ' WHERE id = 1';",
                &[(Read, "restaurants", "T")],
            ),
            (
                "class R { static readonly T = 'restaurants';\n  q() { return db.query(`SELECT * FROM ${this.T}`); } }",
                &[(Read, "restaurants", "this.T")],
            ),
            (
                "const q = \"SELECT id FROM orders\";",
                &[(Read, "orders", "orders")],
            ),
            // Escapes before the name keep the offset exact.
            (
                "const q = \"SELECT \\\"id\\\"\\n FROM orders\";",
                &[(Read, "orders", "orders")],
            ),
            // Drizzle table objects interpolated into `sql` resolve to their table.
            (
                "const users = pgTable('users', {});\nconst r = sql`select count(*) from ${users}`;",
                &[(Model, "users", "users"), (Read, "users", "users")],
            ),
        ]);
    }

    #[test]
    fn unknown_holes_are_not_guessed() {
        check(&[
            ("const q = `SELECT * FROM ${table} WHERE id = 1`;", &[]),
            (
                "const q = 'SELECT * FROM ' + tableFor(x) + ' WHERE id = 1';",
                &[],
            ),
            // Bound to two different values: ambiguous.
            (
                "let T = 'a';\nT = 'b';\nlet T = 'c';\nconst q = `SELECT * FROM ${T}`;",
                &[],
            ),
        ]);
    }

    #[test]
    fn traps_yield_nothing() {
        check(&[
            ("// knex('orders')\n/* SELECT * FROM orders */", &[]),
            ("/** @Entity('orders') */\nconst x = 1;", &[]),
            ("console.log('SELECT * FROM orders');", &[]),
            ("logger.info(`SELECT * FROM orders WHERE id = ${id}`);", &[]),
            ("AuditLog.info('DELETE FROM orders');", &[]),
            (
                "Console.error('DELETE FROM orders'); WINSTON.warn('DELETE FROM orders');",
                &[],
            ),
            (
                "this.logger.warn('DELETE FROM orders', { q: 'SELECT * FROM items' });",
                &[],
            ),
            ("throw new QueryError('SELECT * FROM orders failed');", &[]),
            ("const msg = 'Select the orders from the list.';", &[]),
            (
                "const a = Array.from('orders'); const b = Buffer.from('orders', 'utf8');",
                &[],
            ),
            (
                "const s = items.join(', '); const p = path.join('orders', 'x');",
                &[],
            ),
            (
                "const orders = await getOrders();\norders.map((o) => o.id);",
                &[],
            ),
            (
                "const users = { orders: 1 }; const t = { name: 'orders' };",
                &[],
            ),
            // TypeORM relation joins name relations, not tables.
            (
                "repo.createQueryBuilder('u').leftJoin('u.profile', 'p')",
                &[],
            ),
            ("t.integer('order_id').references('id')", &[]),
            ("const html = <p>Don't select from orders</p>;", &[]),
            ("query.from(source)", &[]),
        ]);
        // A column named like a table is not the table.
        check(&[(
            "knex('users').select('orders').where('orders', '>', 1)",
            &[(Read, "users", "users")],
        )]);
    }

    #[test]
    fn regex_and_division_do_not_derail_the_lexer() {
        check(&[
            (
                "const re = /[\"'`]/g;\nconst q = 'SELECT * FROM orders';",
                &[(Read, "orders", "orders")],
            ),
            (
                "const a = b / c; const q = 'SELECT * FROM orders'; const d = e / f;",
                &[(Read, "orders", "orders")],
            ),
            (
                "if (/^'/.test(s)) { x = `a${`b${'c'}`}`; }\nknex('orders')",
                &[(Read, "orders", "orders")],
            ),
        ]);
    }

    #[test]
    fn robust_on_broken_input() {
        let e = extract(
            PATH,
            "const q = \"SELECT * FROM orders",
            &Context::default(),
        );
        assert!(e.accesses.is_empty());
        // An unterminated string ends at its line; the next line still counts.
        assert_eq!(
            found(PATH, "const s = 'unterminated\nknex('orders')"),
            vec![(Read, "orders".into(), "orders".into(), Confidence::High)]
        );
        let e = extract(PATH, "const q = `SELECT ${", &Context::default());
        assert_eq!(e.problems.len(), 1);
        let e = extract(PATH, "/* never closed", &Context::default());
        assert_eq!(e.problems.len(), 1);
        let nul = "knex('orders')\0\0;\0pool.query('SELECT * FROM items\0')";
        let got = found(PATH, nul);
        assert!(got.iter().any(|(k, t, _, _)| *k == Read && t == "orders"));
        // Every prefix of a tricky file lexes without panicking.
        let tricky = "import x from './a';\nconst é = `SELECT ${'q\\'' + /re[/]/} FROM orders`; // c\n@Entity()\nclass Ü {}";
        for (at, _) in tricky.char_indices() {
            let _ = extract(PATH, &tricky[..at], &Context::default());
        }
    }

    #[test]
    fn deep_nesting_is_linear_and_stackless() {
        for (open, close) in [
            ("(", ")"),
            ("[", "]"),
            ("{", "}"),
            ("`${", "}`"),
            ("f(", ")"),
        ] {
            let src = format!(
                "{}knex('orders'){}",
                open.repeat(50_000),
                close.repeat(50_000)
            );
            let got = found(PATH, &src);
            assert!(
                got.iter().any(|(k, t, _, _)| *k == Read && t == "orders"),
                "nesting {open}"
            );
            // Unbalanced: openers only.
            let _ = extract(PATH, &open.repeat(50_000), &Context::default());
        }
    }

    #[test]
    fn language_of_script_files() {
        use super::super::Language;
        for path in [
            "a/b.ts", "a/b.tsx", "b.js", "b.JSX", "b.mjs", "b.cjs", "b.mts", "b.cts", "b.d.ts",
        ] {
            assert_eq!(Language::of(path), Some(Language::TypeScript), "{path}");
        }
        assert_eq!(Language::of("db/schema.prisma"), Some(Language::Prisma));
        assert_eq!(Language::of("b.json"), None);
    }

    #[test]
    fn language_helpers() {
        assert_eq!(snake_case("UserProfile"), "user_profile");
        assert_eq!(snake_case("HTTPRequest"), "http_request");
        assert_eq!(snake_case("Order2Item"), "order2_item");
        assert_eq!(
            resolve_relative("a/b/c.ts", "../d/./e").as_deref(),
            Some("a/d/e")
        );
        assert_eq!(resolve_relative("c.ts", "../x"), None);
        let n = parse_name("  shop.sales.orders AS o", 10);
        assert_eq!(
            n.map(|n| (n.table.database, n.table.schema, n.table.name, n.offset)),
            Some((
                Some("shop".to_string()),
                Some("sales".to_string()),
                "orders".to_string(),
                10 + 2 + 11
            ))
        );
        assert!(parse_name("a, b", 0).is_none());
        assert!(parse_name("", 0).is_none());
    }

    /// A module's exported constants are named by its path; the names it imports from
    /// relative modules and could not fill are open.
    #[test]
    fn exported_constants_and_open_imports() {
        let src = "import Db, { ORDERS as O, Missing } from './tables.js';\nimport * as T from '../shared/names';\nimport { Lib } from 'some-package';\nexport const CARTS = 'carts';\nexport const HINT = 'pick the orders';\nconst LOCAL = 'order_items';\nexport const Tables = { items: 'order_items' };\nconst a = knex(O).select();\nconst b = `SELECT * FROM ${T.INVOICES}`;\nconst c = knex(Missing).select();\nconst d = knex(Lib).select();";
        let v = extract(PATH, src, &Context::default()).values;
        let defined: Vec<(&str, &str)> = v
            .defines
            .iter()
            .map(|d| (d.name.as_str(), d.value.as_str()))
            .collect();
        assert_eq!(
            defined,
            [
                ("services/billing/src/repo#CARTS", "carts"),
                ("services/billing/src/repo#Tables.items", "order_items"),
            ]
        );
        assert_eq!(
            v.open,
            [
                "services/billing/shared/names#INVOICES",
                "services/billing/src/tables#Missing",
                "services/billing/src/tables#ORDERS",
            ]
        );
    }

    /// Constants other modules export fill the names imported from them: the access
    /// sits where the query uses the name, its origin the definition's index. A name
    /// imported from a package, or from a module that does not export it, stays a
    /// hole.
    #[test]
    fn imported_constants_fill_holes() {
        let mut known = Known::default();
        known.insert("services/billing/src/tables#ORDERS", "orders", 4);
        known.insert("services/billing/shared/index#INVOICES", "invoices", 5);
        known.insert("services/billing/src/tables#CARTS", "carts", 6);
        let src = "import { ORDERS as O } from './tables';\nimport * as S from '../shared';\nimport { CARTS } from 'tables';\nconst a = knex(O).select();\nconst b = `DELETE FROM ${S.INVOICES} WHERE id = $1`;\nconst c = knex(CARTS).select();";
        let r = extract_with(PATH, src, &Context::default(), Some(&known));
        let got: Vec<(AccessKind, String, &str, Option<Place>)> = r
            .accesses
            .iter()
            .filter_map(|a| match &a.target {
                Target::Table(t) => Some((
                    a.kind,
                    t.name.clone(),
                    &src[a.offset..a.offset + a.len],
                    a.origin.as_ref().map(|o| o.place),
                )),
                Target::Import(_) => None,
            })
            .collect();
        assert_eq!(
            got,
            [
                (Read, "orders".to_string(), "O", Some(Place::Elsewhere(4))),
                (
                    Write,
                    "invoices".to_string(),
                    "S.INVOICES",
                    Some(Place::Elsewhere(5))
                ),
            ]
        );
    }
}
