//! Python: SQLAlchemy and Django models, Alembic migrations, SQL in string literals, and
//! imports.
//!
//! A hand-written lexer turns the file into tokens (names, string literals with their
//! f-string holes, operators, logical-line ends) so that comments, docstrings and the
//! insides of strings never look like code. A single pass over logical lines then tracks
//! indentation blocks (to know the enclosing `class`/`def`) and, inside each statement,
//! a flat stack of open brackets (to know which call a literal is an argument of).
//! Nothing recurses, so deeply nested input costs memory proportional to its size and
//! no stack.

use super::embedded::Embedded;
use super::sinks::{self, SinkKind};
use super::{Context, Extracted, sql};
use crate::model::{Access, AccessKind, ImportRef, Origin, TableRef};

/// Strings whose presence means a Python file may name a table in an ORM or migration
/// shape, even when the table is not in the registry.
pub const MARKERS: &[&str] = &[
    "__tablename__",
    "__table_args__",
    "db_table",
    "Table(",
    "ForeignKey(",
    "ForeignKeyConstraint(",
    "op.create_table",
    "op.rename_table",
    "create_foreign_key",
];

/// Placeholder pushed for a template hole whose value is not a visible constant.
const HOLE: &str = sql::HOLE;

/// Top-level modules of the standard library that never name a service package.
const STDLIB: &[&str] = &[
    "__future__",
    "abc",
    "argparse",
    "array",
    "ast",
    "asyncio",
    "atexit",
    "base64",
    "bisect",
    "builtins",
    "calendar",
    "codecs",
    "collections",
    "concurrent",
    "configparser",
    "contextlib",
    "contextvars",
    "copy",
    "csv",
    "ctypes",
    "dataclasses",
    "datetime",
    "decimal",
    "difflib",
    "email",
    "enum",
    "errno",
    "fnmatch",
    "fractions",
    "functools",
    "gc",
    "getpass",
    "glob",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "locale",
    "logging",
    "math",
    "mimetypes",
    "multiprocessing",
    "numbers",
    "operator",
    "os",
    "pathlib",
    "pickle",
    "pkgutil",
    "platform",
    "pprint",
    "queue",
    "random",
    "re",
    "secrets",
    "select",
    "shlex",
    "shutil",
    "signal",
    "socket",
    "sqlite3",
    "ssl",
    "statistics",
    "string",
    "struct",
    "subprocess",
    "sys",
    "tarfile",
    "tempfile",
    "textwrap",
    "threading",
    "time",
    "timeit",
    "tomllib",
    "traceback",
    "types",
    "typing",
    "unicodedata",
    "unittest",
    "urllib",
    "uuid",
    "warnings",
    "weakref",
    "xml",
    "zipfile",
    "zlib",
    "zoneinfo",
];

/// Keywords naming the SQL argument of a sink.
const SQL_KEYWORDS: &[&str] = &["sql", "statement", "sqltext", "query", "text"];

/// A table argument of an Alembic operation: positional index, keyword, kind, and the
/// keyword carrying its schema.
type TableArg = (usize, &'static str, AccessKind, &'static str);

/// Alembic operations that name tables, with their table arguments.
const ALEMBIC: &[(&str, &[TableArg])] = &[
    (
        "create_table",
        &[(0, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "drop_table",
        &[(0, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "add_column",
        &[(0, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "drop_column",
        &[(0, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "alter_column",
        &[(0, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "batch_alter_table",
        &[(0, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "create_table_comment",
        &[(0, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "drop_table_comment",
        &[(0, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "rename_table",
        &[
            (0, "old_table_name", AccessKind::Ddl, "schema"),
            (1, "new_table_name", AccessKind::Ddl, "schema"),
        ],
    ),
    (
        "create_index",
        &[(1, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "drop_index",
        &[(1, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "create_unique_constraint",
        &[(1, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "create_primary_key",
        &[(1, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "create_check_constraint",
        &[(1, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "create_exclude_constraint",
        &[(1, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "drop_constraint",
        &[(1, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "create_foreign_key",
        &[
            (1, "source_table", AccessKind::Ddl, "source_schema"),
            (
                2,
                "referent_table",
                AccessKind::ForeignKey,
                "referent_schema",
            ),
        ],
    ),
];

// ---------------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Name,
    /// A string literal; `Tok::lit` indexes [`Lexed::lits`].
    Str,
    Num,
    Op,
    /// The end of a logical line (a newline outside brackets).
    Newline,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
    lit: usize,
}

/// One string literal.
#[derive(Clone, Debug)]
struct Lit {
    /// Byte range of the contents between the quotes.
    body: (usize, usize),
    /// `r` prefix: backslashes are literal.
    raw: bool,
    /// `f` (or `t`) prefix: `{expr}` are holes and `{{`/`}}` escape braces.
    fmt: bool,
    /// Byte ranges of the hole expressions (inside the braces), in order.
    holes: Vec<(usize, usize)>,
}

struct Lexed {
    toks: Vec<Tok>,
    lits: Vec<Lit>,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident_char(c: u8) -> bool {
    IDENT[usize::from(c)]
}

static IDENT: [bool; 256] = super::ident_bytes(b"");

/// String prefixes, lowercased: returns (raw, fmt) when `p` is one.
fn string_prefix(p: &[u8]) -> Option<(bool, bool)> {
    if p.len() > 2 {
        return None;
    }
    let mut raw = false;
    let mut fmt = false;
    for &c in p {
        match c.to_ascii_lowercase() {
            b'r' => raw = true,
            b'f' | b't' => fmt = true,
            b'b' | b'u' => {}
            _ => return None,
        }
    }
    Some((raw, fmt))
}

/// Whether `op` is one of the two-character operators the extractor tells apart.
fn two_char_op(op: &[u8]) -> bool {
    matches!(
        op,
        b"=="
            | b"!="
            | b"<="
            | b">="
            | b"+="
            | b"-="
            | b"*="
            | b"/="
            | b"%="
            | b"->"
            | b":="
            | b"**"
            | b"//"
            | b"<<"
            | b">>"
            | b"|="
            | b"&="
    )
}

fn lex(src: &str) -> Lexed {
    let b = src.as_bytes();
    let n = b.len();
    // Sized once: code has a token about every 5 bytes.
    let mut toks: Vec<Tok> = Vec::with_capacity(n / 4);
    let mut lits: Vec<Lit> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < n {
        let c = b[i];
        match c {
            b'\n' => {
                if depth == 0 && toks.last().is_some_and(|t| t.kind != Kind::Newline) {
                    toks.push(Tok {
                        kind: Kind::Newline,
                        start: i,
                        end: i,
                        lit: 0,
                    });
                }
                i += 1;
            }
            b' ' | b'\t' | b'\r' | 0x0c => {
                // A run of blanks (indentation, most of all) in one tight loop.
                i += 1;
                while i < n && matches!(b[i], b' ' | b'\t' | b'\r' | 0x0c) {
                    i += 1;
                }
            }
            b'\\' => {
                // Explicit line joining: the backslash and the newline vanish.
                i += 1;
                if b.get(i) == Some(&b'\r') {
                    i += 1;
                }
                if b.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'#' => i = super::line_end(b, i),
            b'\'' | b'"' => i = lex_string(b, i, i, false, false, &mut toks, &mut lits),
            c if is_ident_start(c) => {
                let s = i;
                while i < n && is_ident_char(b[i]) {
                    i += 1;
                }
                let quote_next = i < n && (b[i] == b'\'' || b[i] == b'"');
                match string_prefix(&b[s..i]) {
                    Some((raw, fmt)) if quote_next => {
                        i = lex_string(b, s, i, raw, fmt, &mut toks, &mut lits);
                    }
                    _ => toks.push(Tok {
                        kind: Kind::Name,
                        start: s,
                        end: i,
                        lit: 0,
                    }),
                }
            }
            c if c.is_ascii_digit()
                || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                let s = i;
                while i < n && (is_ident_char(b[i]) || b[i] == b'.') {
                    i += 1;
                }
                toks.push(Tok {
                    kind: Kind::Num,
                    start: s,
                    end: i,
                    lit: 0,
                });
            }
            _ => {
                let s = i;
                match c {
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                let two = b.get(i..i + 2);
                i += if two.is_some_and(two_char_op) {
                    2
                } else if c.is_ascii() {
                    1
                } else {
                    // Unreachable for bytes >= 0x80 (they start names); stay on char
                    // boundaries regardless.
                    src[i..].chars().next().map_or(1, char::len_utf8)
                };
                toks.push(Tok {
                    kind: Kind::Op,
                    start: s,
                    end: i,
                    lit: 0,
                });
            }
        }
    }
    Lexed { toks, lits }
}

/// Lexes one string literal whose prefix starts at `start` and quote at `q`; returns the
/// offset after it. Unterminated literals end at the end of the line (single-quoted) or
/// of the file (triple-quoted).
fn lex_string(
    b: &[u8],
    start: usize,
    q: usize,
    raw: bool,
    fmt: bool,
    toks: &mut Vec<Tok>,
    lits: &mut Vec<Lit>,
) -> usize {
    let n = b.len();
    let quote = b[q];
    let triple = b.get(q + 1) == Some(&quote) && b.get(q + 2) == Some(&quote);
    let body_start = q + if triple { 3 } else { 1 };
    let mut holes = Vec::new();
    let mut j = body_start;
    let (body_end, end) = loop {
        if j >= n {
            break (n, n);
        }
        let c = b[j];
        if c == b'\\' {
            j += 2;
            continue;
        }
        if !triple && c == b'\n' {
            break (j, j);
        }
        if c == quote && (!triple || (b.get(j + 1) == Some(&quote) && b.get(j + 2) == Some(&quote)))
        {
            break (j, j + if triple { 3 } else { 1 });
        }
        if fmt && c == b'{' {
            if b.get(j + 1) == Some(&b'{') {
                j += 2;
                continue;
            }
            let hs = j + 1;
            let k = field_end(b, hs, triple);
            if k < n && b[k] == b'}' {
                holes.push((hs, k));
                j = k + 1;
            } else {
                j = k.min(n);
            }
            continue;
        }
        j += 1;
    };
    let body_end = body_end.min(n);
    lits.push(Lit {
        body: (body_start.min(body_end), body_end),
        raw,
        fmt,
        holes,
    });
    toks.push(Tok {
        kind: Kind::Str,
        start,
        end: end.min(n),
        lit: lits.len() - 1,
    });
    end.min(n)
}

/// How deep strings and replacement fields may nest inside one replacement field
/// (`f"{f'{x}'}"` is two deep): deeper input reads as an unclosed field.
const MAX_NEST: usize = 32;

/// What [`field_end`] is inside.
#[derive(Clone, Copy)]
enum Nest {
    /// Code, with this many unclosed brackets `{` of its own.
    Code(usize),
    /// A string literal: its quote, whether tripled, whether an f-string.
    Str { quote: u8, triple: bool, fmt: bool },
}

/// The offset of the `}` that closes the replacement field whose expression starts at
/// `hs`, in a literal that is `triple`-quoted or not; where the scan stopped when
/// none does (the line's end in a single-quoted literal, the end of the text).
/// Strings inside the field are skipped with their own fields, to any depth up to
/// [`MAX_NEST`], including PEP 701's reuse of the outer quote (`f"{f"{x}"}"`): a loop
/// over a fixed-size stack.
fn field_end(b: &[u8], hs: usize, triple: bool) -> usize {
    let mut stack = [Nest::Code(0); MAX_NEST];
    let mut top = 0usize;
    let mut k = hs;
    while k < b.len() {
        let c = b[k];
        match stack[top] {
            Nest::Code(d) => match c {
                b'{' => stack[top] = Nest::Code(d + 1),
                b'}' if d > 0 => stack[top] = Nest::Code(d - 1),
                b'}' if top == 0 => return k,
                b'}' => top -= 1,
                // (`#` is no comment here: it is a format spec's flag in `{x:#x}`.)
                b'\n' if top == 0 && !triple => return k,
                b'\'' | b'"' => {
                    if top + 1 == MAX_NEST {
                        return b.len();
                    }
                    let mut p = k;
                    while p > hs && k - p < 2 && is_ident_char(b[p - 1]) {
                        p -= 1;
                    }
                    let fmt = string_prefix(&b[p..k]).is_some_and(|(_, fmt)| fmt);
                    let tripled = b.get(k + 1) == Some(&c) && b.get(k + 2) == Some(&c);
                    top += 1;
                    stack[top] = Nest::Str {
                        quote: c,
                        triple: tripled,
                        fmt,
                    };
                    if tripled {
                        k += 2;
                    }
                }
                _ => {}
            },
            Nest::Str {
                quote,
                triple: t,
                fmt,
            } => match c {
                b'\\' => k += 1,
                _ if c == quote
                    && (!t || (b.get(k + 1) == Some(&quote) && b.get(k + 2) == Some(&quote))) =>
                {
                    top -= 1;
                    if t {
                        k += 2;
                    }
                }
                b'\n' if !t => {
                    // Unterminated: the line ends it.
                    top -= 1;
                    continue;
                }
                b'{' if fmt && b.get(k + 1) == Some(&b'{') => k += 1,
                b'{' if fmt => {
                    if top + 1 == MAX_NEST {
                        return b.len();
                    }
                    top += 1;
                    stack[top] = Nest::Code(0);
                }
                _ => {}
            },
        }
        k += 1;
    }
    b.len()
}

/// Decodes the escape sequence at `j` (a backslash); returns the decoded text and the
/// offset after the sequence.
fn decode_escape(src: &str, j: usize, end: usize) -> (String, usize) {
    let b = src.as_bytes();
    let Some(&c) = b.get(j + 1).filter(|_| j + 1 < end) else {
        return ("\\".to_string(), j + 1);
    };
    let simple = |s: &str| (s.to_string(), j + 2);
    match c {
        b'\n' => (String::new(), j + 2),
        b'\r' => (
            String::new(),
            if b.get(j + 2) == Some(&b'\n') {
                j + 3
            } else {
                j + 2
            },
        ),
        b'n' => simple("\n"),
        b't' => simple("\t"),
        b'r' => simple("\r"),
        b'\\' => simple("\\"),
        b'\'' => simple("'"),
        b'"' => simple("\""),
        b'a' | b'b' | b'f' | b'v' => simple(" "),
        b'0'..=b'7' => {
            let mut k = j + 1;
            let mut v = 0u32;
            while k < end && k < j + 4 && (b'0'..=b'7').contains(&b[k]) {
                v = v * 8 + u32::from(b[k] - b'0');
                k += 1;
            }
            (char::from_u32(v).unwrap_or('?').to_string(), k)
        }
        b'x' | b'u' | b'U' => {
            let want = match c {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let digits = src.get(j + 2..(j + 2 + want).min(end)).unwrap_or("");
            match u32::from_str_radix(digits, 16)
                .ok()
                .and_then(char::from_u32)
            {
                Some(ch) if digits.len() == want => (ch.to_string(), j + 2 + want),
                _ => simple("?"),
            }
        }
        b'N' if b.get(j + 2) == Some(&b'{') => {
            let close = src[j..end].find('}').map_or(end, |p| j + p + 1);
            ("?".to_string(), close)
        }
        _ => {
            let ch = src[j + 1..].chars().next().map_or(1, char::len_utf8);
            (src[j..j + 1 + ch].to_string(), j + 1 + ch)
        }
    }
}

// ---------------------------------------------------------------------------------
// Extraction
// ---------------------------------------------------------------------------------

/// A part of a string expression: a literal, or a name joined with `+`.
#[derive(Clone, Debug)]
enum Item {
    Lit(usize),
    /// A name (or `self.NAME`) joined with `+`; the token index of its first part and
    /// the last component.
    Name(usize, String),
}

/// Literals joined by adjacency or `+`: one string value.
#[derive(Clone, Debug)]
struct Group {
    items: Vec<Item>,
    /// Values applied with `%` or `.format(..)`.
    subst: Subst,
}

impl Group {
    fn of(items: Vec<Item>) -> Self {
        Group {
            items,
            subst: Subst::default(),
        }
    }
}

/// A value filling a `%s` or `{}` placeholder: the literal it resolves to, if visible.
type Value = Option<usize>;

/// Values for the group's `%`-style or `.format` placeholders. `%s` placeholders with
/// no value (DB-API parameters) still become [`HOLE`] so the SQL parses.
#[derive(Clone, Debug, Default)]
struct Subst {
    /// `.format(..)` applies, so `{}` fields are placeholders.
    format: bool,
    positional: Vec<Value>,
    named: Vec<(String, Value)>,
}

/// A string expression that is an argument of a call or an element of a bracket.
#[derive(Clone, Debug)]
struct Arg {
    pos: Option<usize>,
    kw: Option<String>,
    group: Group,
}

/// An open bracket inside a statement.
#[derive(Debug)]
struct Frame {
    /// The dotted callee for a call's `(`, e.g. `op.create_table`.
    callee: Option<String>,
    /// Inside a call that takes prose, such as a log call or an exception (here or
    /// further out): no string in it is SQL.
    log: bool,
    /// A call whose own string arguments are prose (an assertion's message), though
    /// the calls among its arguments are read.
    quiet: bool,
    /// What the callee does with its strings (looked up once, when the call opens).
    sink: Option<SinkKind>,
    /// Positional index of the current argument.
    pos: usize,
    /// Keyword of the current argument.
    kw: Option<String>,
    /// Token index where the current argument starts.
    arg_start: usize,
    /// String expressions that are whole arguments (or elements) of this bracket.
    args: Vec<Arg>,
    /// Number of positional arguments seen, counting the current one if non-empty.
    npos: usize,
    /// For a bracket opened as an argument of a call: that call and argument.
    parent: Option<(String, usize, Option<String>)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BlockKind {
    Class,
    Def,
    Other,
}

#[derive(Debug)]
struct Block {
    indent: usize,
    kind: BlockKind,
    name: String,
    id: usize,
}

struct Extractor<'a> {
    src: &'a str,
    path: &'a str,
    ctx: &'a Context,
    lx: Lexed,
    /// Names bound exactly once to a plain string literal: name → literal index.
    consts: foldhash::HashMap<&'a str, Option<usize>>,
    /// The name of each constant's literal (the inverse of `consts`).
    const_names: foldhash::HashMap<usize, &'a str>,
    django: bool,
    migration: bool,
    out: Vec<Access>,
    blocks: Vec<Block>,
    next_block: usize,
    /// `__tablename__` accesses by class block id (index into `out`).
    tablenames: Vec<(usize, usize)>,
    /// `__table_args__` schemas by class block id.
    schemas: Vec<(usize, String)>,
}

/// A statement's tokens `s..e`, and the first token of its logical line.
#[derive(Clone, Copy)]
struct Stmt {
    line: usize,
    s: usize,
    e: usize,
}

/// Extracts table accesses and imports from one Python file.
pub fn extract(path: &str, text: &str, ctx: &Context) -> Extracted {
    let lx = lex(text);
    let mut ex = Extractor {
        src: text,
        path,
        ctx,
        lx,
        consts: foldhash::HashMap::default(),
        const_names: foldhash::HashMap::default(),
        django: text.contains("from django") || text.contains("import django"),
        migration: path.starts_with("versions/") || path.contains("/versions/"),
        out: Vec::new(),
        blocks: Vec::new(),
        next_block: 0,
        tablenames: Vec::new(),
        schemas: Vec::new(),
    };
    let stmts = ex.statements();
    ex.collect_consts(&stmts);
    ex.run(&stmts);
    for (block, schema) in std::mem::take(&mut ex.schemas) {
        for &(b, idx) in &ex.tablenames {
            if b == block
                && let Some(crate::model::Target::Table(t)) =
                    ex.out.get_mut(idx).map(|a| &mut a.target)
            {
                t.schema = Some(schema.clone());
            }
        }
    }
    // A constant used at several sinks yields the same access more than once.
    ex.out.sort_by_key(|a| (a.offset, a.len, a.kind));
    ex.out.dedup();
    Extracted {
        accesses: ex.out,
        ..Extracted::default()
    }
}

impl<'a> Extractor<'a> {
    fn tok(&self, i: usize) -> Option<&Tok> {
        self.lx.toks.get(i)
    }

    fn text(&self, i: usize) -> &'a str {
        self.lx
            .toks
            .get(i)
            .map_or("", |t| &self.src[t.start..t.end])
    }

    fn is_op(&self, i: usize, op: &str) -> bool {
        self.tok(i).is_some_and(|t| t.kind == Kind::Op) && self.text(i) == op
    }

    fn kind(&self, i: usize) -> Option<Kind> {
        self.tok(i).map(|t| t.kind)
    }

    /// Statements as token ranges, each with the first token of its logical line: logical
    /// lines split at top-level `;`. Found once, walked twice (constants, then the run).
    fn statements(&self) -> Vec<Stmt> {
        let toks = &self.lx.toks;
        let mut out = Vec::with_capacity(toks.len() / 8);
        let mut line = 0;
        let mut start = 0;
        let mut depth = 0usize;
        for (i, t) in toks.iter().enumerate() {
            let newline = t.kind == Kind::Newline;
            match (t.kind, self.text(i)) {
                (Kind::Op, "(" | "[" | "{") => depth += 1,
                (Kind::Op, ")" | "]" | "}") => depth = depth.saturating_sub(1),
                (Kind::Newline, _) | (Kind::Op, ";") if newline || depth == 0 => {
                    if i > start {
                        out.push(Stmt {
                            line,
                            s: start,
                            e: i,
                        });
                    }
                    start = i + 1;
                    if newline {
                        line = i + 1;
                        depth = 0;
                    }
                }
                _ => {}
            }
        }
        if start < toks.len() {
            out.push(Stmt {
                line,
                s: start,
                e: toks.len(),
            });
        }
        out
    }

    /// Records `NAME = "literal"` (and `NAME: T = "literal"`) bindings; a name bound twice
    /// to different text is ambiguous and never substituted.
    fn collect_consts(&mut self, stmts: &[Stmt]) {
        for &Stmt { s, e, .. } in stmts {
            if self.kind(s) != Some(Kind::Name) || e - s < 3 {
                continue;
            }
            let eq = if self.is_op(s + 1, "=") {
                s + 1
            } else if self.is_op(s + 1, ":") {
                match (s + 2..e).find(|&i| self.is_op(i, "=")) {
                    Some(i) => i,
                    None => continue,
                }
            } else {
                continue;
            };
            let value = (e == eq + 2)
                .then(|| self.tok(eq + 1))
                .flatten()
                .filter(|t| t.kind == Kind::Str && !self.lx.lits[t.lit].fmt)
                .map(|t| t.lit);
            let name = self.text(s);
            let body = |l: usize| {
                let (a, b) = self.lx.lits[l].body;
                &self.src[a..b]
            };
            let entry = match (self.consts.get(name), value) {
                (None, v) => v,
                (Some(Some(old)), Some(v)) if body(*old) == body(v) => Some(*old),
                _ => None,
            };
            self.consts.insert(name, entry);
        }
        self.const_names = self
            .consts
            .iter()
            .filter_map(|(name, lit)| lit.map(|l| (l, *name)))
            .collect();
    }

    fn run(&mut self, stmts: &[Stmt]) {
        let mut line = usize::MAX;
        let mut indent = 0;
        for &Stmt { line: l, s, e } in stmts {
            if l != line {
                line = l;
                indent = self.indent_of(l);
                while self.blocks.last().is_some_and(|b| b.indent >= indent) {
                    self.blocks.pop();
                }
            }
            self.statement((s, e), indent);
        }
    }

    /// The column of the token at `i` (bytes since the start of its physical line).
    fn indent_of(&self, i: usize) -> usize {
        let start = self.tok(i).map_or(0, |t| t.start);
        start - memchr::memrchr(b'\n', &self.src.as_bytes()[..start]).map_or(0, |p| p + 1)
    }

    fn statement(&mut self, (s, e): (usize, usize), indent: usize) {
        let first = self.text(s);
        let compound = matches!(
            first,
            "class"
                | "def"
                | "async"
                | "if"
                | "elif"
                | "else"
                | "for"
                | "while"
                | "with"
                | "try"
                | "except"
                | "finally"
                | "match"
                | "case"
        ) && self.kind(s) == Some(Kind::Name);
        let colon = compound.then(|| self.top_level_colon(s, e)).flatten();
        let Some(colon) = colon else {
            self.simple(s, e);
            return;
        };
        let def_at = if first == "async" { s + 1 } else { s };
        let (kind, name) = match self.text(def_at) {
            "class" => (BlockKind::Class, self.text(def_at + 1).to_string()),
            "def" => (BlockKind::Def, self.text(def_at + 1).to_string()),
            _ => (BlockKind::Other, String::new()),
        };
        // The header (default values, `with` and `for` expressions) is code too.
        self.simple(s, colon);
        self.blocks.push(Block {
            indent,
            kind,
            name,
            id: self.next_block,
        });
        self.next_block += 1;
        if colon + 1 < e {
            // A one-line body: `class Meta: db_table = "t"`.
            self.simple(colon + 1, e);
        }
    }

    fn top_level_colon(&self, s: usize, e: usize) -> Option<usize> {
        let mut depth = 0usize;
        for i in s..e {
            if self.kind(i) != Some(Kind::Op) {
                continue;
            }
            match self.text(i) {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth = depth.saturating_sub(1),
                ":" if depth == 0 => return Some(i),
                _ => {}
            }
        }
        None
    }

    fn in_downgrade(&self) -> bool {
        self.migration
            && self
                .blocks
                .iter()
                .any(|b| b.kind == BlockKind::Def && b.name == "downgrade")
    }

    fn class_block(&self) -> Option<&Block> {
        self.blocks.last().filter(|b| b.kind == BlockKind::Class)
    }

    /// A simple statement (or a compound statement's header).
    fn simple(&mut self, s: usize, e: usize) {
        if s >= e {
            return;
        }
        let before = self.out.len();
        match self.text(s) {
            "import" | "from" if self.kind(s) == Some(Kind::Name) => {
                self.import(s, e);
                return;
            }
            _ => {}
        }
        // A statement made only of string literals does nothing: docstrings and string
        // "comments" are prose.
        if (s..e).all(|i| self.kind(i) == Some(Kind::Str)) {
            return;
        }
        // Every access comes from a string literal or a constant bound to one; most
        // statements hold neither, and walking their calls would find nothing.
        let holds_value = (s..e).any(|i| match self.kind(i) {
            Some(Kind::Str) => true,
            Some(Kind::Name) => self.constant(self.text(i)).is_some(),
            _ => false,
        });
        if !holds_value {
            return;
        }
        if self.kind(s) == Some(Kind::Name) && self.is_op(s + 1, "=") {
            let lhs = self.text(s);
            let whole_str = (s + 2..e).all(|i| self.kind(i) == Some(Kind::Str)) && s + 2 < e;
            match lhs {
                "__tablename__" if whole_str => {
                    let group = self.group_of(s + 2, e);
                    if let Some(a) = self.name_access(&group, AccessKind::Model, None) {
                        if let Some(b) = self.class_block() {
                            self.tablenames.push((b.id, self.out.len()));
                        }
                        self.out.push(a);
                    }
                    return;
                }
                "db_table" if whole_str && self.class_block().is_some_and(|b| b.name == "Meta") => {
                    let group = self.group_of(s + 2, e);
                    self.django_table(&group);
                    return;
                }
                "__table_args__" => {
                    if let Some(schema) = self.schema_in(s + 2, e)
                        && let Some(b) = self.class_block()
                    {
                        self.schemas.push((b.id, schema));
                    }
                }
                _ => {}
            }
        }
        self.walk(s, e);
        if self.in_downgrade() {
            // Down migrations undo schema changes; they do not count as owning them.
            let tail = self.out.split_off(before);
            self.out.extend(
                tail.into_iter()
                    .filter(|a| !matches!(a.kind, AccessKind::Ddl | AccessKind::ForeignKey)),
            );
        }
    }

    /// The value of a `"schema": "s"` entry among tokens `s..e`.
    fn schema_in(&self, s: usize, e: usize) -> Option<String> {
        (s..e).find_map(|i| {
            let t = self.tok(i)?;
            if t.kind != Kind::Str || self.plain(t.lit)? != "schema" || !self.is_op(i + 1, ":") {
                return None;
            }
            let v = self.tok(i + 2).filter(|t| t.kind == Kind::Str)?;
            self.plain(v.lit).map(str::to_string)
        })
    }

    /// A literal's text when it has no escapes or holes.
    fn plain(&self, lit: usize) -> Option<&'a str> {
        let l = &self.lx.lits[lit];
        let body = &self.src[l.body.0..l.body.1];
        (!(body.contains('\\') || l.fmt && body.contains(['{', '}']))).then_some(body)
    }

    /// `db_table = "t"`, or the schema trick `'"billing"."invoices"'`.
    fn django_table(&mut self, group: &Group) {
        let emb = self.embed(group);
        let text = emb.text();
        if text.is_empty() || text.contains(HOLE) {
            return;
        }
        let (schema, name, at) = match text.find("\".\"") {
            Some(p) => {
                let schema = text[..p].trim_start_matches('"');
                let name = text[p + 3..].trim_end_matches('"');
                (Some(schema.to_string()), name, p + 3)
            }
            None => (None, text, 0),
        };
        if name.is_empty() {
            return;
        }
        let table = TableRef {
            database: None,
            schema,
            name: name.to_string(),
            quoted: false,
        };
        let a = Access::table(AccessKind::Model, table, at, name.len());
        self.out.push(emb.relocate(a));
    }

    /// Builds the string group starting at token `i` (a literal): adjacent literals and
    /// `+`-joined literals or names. Returns the group and the token after it.
    fn group_at(&self, i: usize, e: usize) -> (Group, usize) {
        let mut items = Vec::new();
        let mut j = i;
        while j < e {
            match self.tok(j) {
                Some(t) if t.kind == Kind::Str => {
                    items.push(Item::Lit(t.lit));
                    j += 1;
                }
                _ if self.is_op(j, "+") && j > i => {
                    if self.kind(j + 1) == Some(Kind::Str) {
                        j += 1;
                        continue;
                    }
                    // `+ NAME` or `+ self.NAME`, not followed by a call or subscript.
                    let mut k = j + 1;
                    let mut last = None;
                    while self.kind(k) == Some(Kind::Name) {
                        last = Some(k);
                        if self.is_op(k + 1, ".") && self.kind(k + 2) == Some(Kind::Name) {
                            k += 2;
                        } else {
                            k += 1;
                            break;
                        }
                    }
                    let Some(last) = last else { break };
                    if self.is_op(k, "(") || self.is_op(k, "[") || self.is_op(k, ".") {
                        break;
                    }
                    items.push(Item::Name(j + 1, self.text(last).to_string()));
                    j = k;
                }
                _ => break,
            }
        }
        let mut subst = Subst::default();
        if self.is_op(j, "%") {
            j = self.percent_operand(j + 1, e, &mut subst);
        } else if self.is_op(j, ".") && self.text(j + 1) == "format" && self.is_op(j + 2, "(") {
            subst.format = true;
            j = self.format_args(j + 3, e, &mut subst);
        }
        (Group { items, subst }, j.max(i + 1))
    }

    /// A simple value: a constant's name or a plain literal, ending where `next` holds.
    fn value_at(&self, k: usize) -> Option<Value> {
        match self.tok(k) {
            Some(t) if t.kind == Kind::Name => Some(self.constant(self.text(k))),
            Some(t) if t.kind == Kind::Str && !self.lx.lits[t.lit].fmt => Some(Some(t.lit)),
            _ => None,
        }
    }

    /// Parses the right operand of `"..." % operand`: a name, a literal, or a flat tuple
    /// of them. Returns the token after the operand, or `k` when it is anything else
    /// (then every placeholder stays a hole).
    fn percent_operand(&self, k: usize, e: usize, subst: &mut Subst) -> usize {
        let ends = |x: usize| x >= e || matches!(self.text(x), "," | ")" | "]" | "}" | ":");
        if let Some(v) = self.value_at(k)
            && ends(k + 1)
        {
            subst.positional.push(v);
            return k + 1;
        }
        if !self.is_op(k, "(") {
            return k;
        }
        let mut x = k + 1;
        let mut values = Vec::new();
        while let Some(v) = self.value_at(x) {
            values.push(v);
            if self.is_op(x + 1, ",") {
                x += 2;
            } else {
                x += 1;
                break;
            }
        }
        if self.is_op(x, ")") {
            subst.positional = values;
            x + 1
        } else {
            k
        }
    }

    /// Parses `.format(` arguments from token `k`; an argument that is not a constant or
    /// literal fills its placeholder with a hole. Returns the token after the `)`.
    fn format_args(&self, k: usize, e: usize, subst: &mut Subst) -> usize {
        let mut x = k;
        while x < e && !self.is_op(x, ")") {
            let arg_end = |y: usize| self.is_op(y, ",") || self.is_op(y, ")");
            let keyword = self.kind(x) == Some(Kind::Name) && self.is_op(x + 1, "=");
            let at = if keyword { x + 2 } else { x };
            let simple = self.value_at(at).filter(|_| arg_end(at + 1));
            let value = simple.flatten();
            if keyword {
                subst.named.push((self.text(x).to_string(), value));
            } else {
                subst.positional.push(value);
            }
            // Skip to the comma or parenthesis closing this argument.
            let mut depth = 0usize;
            let mut y = at;
            while y < e {
                match self.text(y) {
                    "(" | "[" | "{" if self.kind(y) == Some(Kind::Op) => depth += 1,
                    ")" | "]" | "}" if self.kind(y) == Some(Kind::Op) => {
                        if depth == 0 {
                            break;
                        }
                        depth -= 1;
                    }
                    "," if depth == 0 && self.kind(y) == Some(Kind::Op) => break,
                    _ => {}
                }
                y += 1;
            }
            if !self.is_op(y, ",") {
                // At the closing `)`, a stray closer, or the statement's end.
                return if self.is_op(y, ")") { y + 1 } else { y.max(k) };
            }
            x = y + 1;
        }
        if self.is_op(x, ")") { x + 1 } else { x }
    }

    fn group_of(&self, s: usize, e: usize) -> Group {
        self.group_at(s, e).0
    }

    /// The literal bound to a constant name, if it is unambiguous.
    fn constant(&self, name: &str) -> Option<usize> {
        self.consts.get(name).copied().flatten()
    }

    /// The group's text with a map back to the file.
    fn embed(&self, group: &Group) -> Embedded {
        let mut e = Embedded::new();
        let mut next = 0usize;
        for item in &group.items {
            match item {
                Item::Lit(l) => self.push_lit(&mut e, *l, Some((&group.subst, &mut next))),
                Item::Name(tok, name) => {
                    let at = self.tok(*tok).map_or(0, |t| t.start);
                    match self.constant(name) {
                        Some(l) => {
                            // The name as written (`T`, `self.T`, `Config.T`).
                            let len = self.src[at..]
                                .bytes()
                                .position(|c| !is_ident_char(c) && c != b'.')
                                .unwrap_or(self.src.len() - at);
                            self.push_const(&mut e, l, at, len);
                        }
                        None => e.push_hole(HOLE, at),
                    }
                }
            }
        }
        e
    }

    /// Pushes a placeholder's value: the constant's literal, or a hole at `at`. The
    /// placeholder is `at..at + len`; a constant's value is reported there.
    fn push_value(&self, e: &mut Embedded, value: Value, at: usize, len: usize) {
        match value {
            Some(l) => self.push_const(e, l, at, len),
            None => e.push_hole(HOLE, at),
        }
    }

    /// Pushes the value of the constant whose literal is `lit`, used at `at..at +
    /// len`: a name found in it is reported there, with the constant as its origin.
    /// A literal passed in place (`"%s" % "orders"`) is read where it is written.
    fn push_const(&self, e: &mut Embedded, lit: usize, at: usize, len: usize) {
        let Some(name) = self.const_names.get(&lit).copied() else {
            return self.push_lit(e, lit, None);
        };
        let mut value = Embedded::new();
        self.push_lit(&mut value, lit, None);
        let (a, b) = self.lx.lits[lit].body;
        let origin = Origin::here(name, a, b - a);
        e.push_value(value.text(), at, len.max(1), origin);
    }

    /// Appends one literal's decoded text. f-string holes, `%s` and (with `.format`)
    /// `{}` placeholders become the constant that fills them (mapped to that constant's
    /// literal) or [`HOLE`]. `subst` (with the next positional index) is `None` when
    /// pushing a constant's own literal, which is never an f-string.
    fn push_lit(&self, e: &mut Embedded, lit: usize, mut subst: Option<(&Subst, &mut usize)>) {
        let l = &self.lx.lits[lit];
        let b = self.src.as_bytes();
        let (s, end) = l.body;
        let mut run = s;
        let mut j = s;
        let mut holes = l.holes.iter().peekable();
        while j < end {
            let c = b[j];
            if c == b'\\' && !l.raw {
                if run < j {
                    e.push_verbatim(&self.src[run..j], run);
                }
                let (decoded, next) = decode_escape(self.src, j, end);
                if !decoded.is_empty() {
                    e.push_decoded(&decoded, j);
                }
                j = next.min(end);
                run = j;
                continue;
            }
            if l.fmt && (c == b'{' || c == b'}') {
                if b.get(j + 1) == Some(&c) && j + 1 < end {
                    // `{{` is one brace: keep the first, drop the second.
                    e.push_verbatim(&self.src[run..j + 1], run);
                    j += 2;
                    run = j;
                    continue;
                }
                if c == b'{' {
                    while holes.peek().is_some_and(|h| h.0 < j + 1) {
                        holes.next();
                    }
                    if let Some(&&(hs, he)) = holes.peek().filter(|h| h.0 == j + 1) {
                        if run < j {
                            e.push_verbatim(&self.src[run..j], run);
                        }
                        let value = self.hole_constant(hs, he).filter(|_| subst.is_some());
                        let (lead, expr) = trimmed(&self.src[hs..he]);
                        self.push_value(e, value, hs + lead, expr.len());
                        j = (he + 1).min(end);
                        run = j;
                        continue;
                    }
                }
            }
            if c == b'%'
                && let Some((field_end, key)) = percent_field(b, j, end)
            {
                if run < j {
                    e.push_verbatim(&self.src[run..j], run);
                }
                let value = subst
                    .as_mut()
                    .and_then(|(sub, next)| lookup(sub, next, key));
                self.push_value(e, value, j, field_end - j);
                j = field_end;
                run = j;
                continue;
            }
            if !l.fmt
                && (c == b'{' || c == b'}')
                && let Some((sub, next)) = subst.as_mut().filter(|(sub, _)| sub.format)
            {
                if b.get(j + 1) == Some(&c) && j + 1 < end {
                    e.push_verbatim(&self.src[run..j + 1], run);
                    j += 2;
                    run = j;
                    continue;
                }
                if c == b'{'
                    && let Some(close) = self.src[j..end].find('}')
                {
                    if run < j {
                        e.push_verbatim(&self.src[run..j], run);
                    }
                    let field = &self.src[j + 1..j + close];
                    let key = field.split(['!', ':']).next().unwrap_or("");
                    let value = lookup(sub, next, FieldKey::from_format(key));
                    self.push_value(e, value, j, close + 1);
                    j += close + 1;
                    run = j;
                    continue;
                }
            }
            j += 1;
        }
        if run < end {
            e.push_verbatim(&self.src[run..end], run);
        }
    }

    /// The constant an f-string hole names: `{T}`, `{self.T}`, `{Config.T}`, `{T!s}`.
    /// (Its value is reported at the hole's expression.)
    fn hole_constant(&self, hs: usize, he: usize) -> Option<usize> {
        let expr = self.src[hs..he].trim();
        let expr = expr.strip_suffix("!s").unwrap_or(expr).trim_end();
        let parts: Vec<&str> = expr.split('.').collect();
        let ident = |p: &str| {
            let pb = p.as_bytes();
            !pb.is_empty() && !pb[0].is_ascii_digit() && pb.iter().all(|&c| is_ident_char(c))
        };
        if parts.len() > 2 || !parts.iter().all(|p| ident(p)) {
            return None;
        }
        self.constant(parts.last()?)
    }

    /// An access naming the group's whole text as a table, when it is a plain name.
    fn name_access(
        &self,
        group: &Group,
        kind: AccessKind,
        schema: Option<String>,
    ) -> Option<Access> {
        let emb = self.embed(group);
        let text = emb.text();
        if text.is_empty() || text.contains(HOLE) || text.contains(char::is_whitespace) {
            return None;
        }
        let table = TableRef {
            database: None,
            schema,
            name: text.to_string(),
            quoted: false,
        };
        Some(emb.relocate(Access::table(kind, table, 0, text.len())))
    }

    /// `ForeignKey("t.id")` / `"s.t.id"`: the second-to-last component is the table.
    fn fk_access(&self, group: &Group) -> Option<Access> {
        let emb = self.embed(group);
        let text = emb.text();
        if text.contains(HOLE) || text.contains(char::is_whitespace) {
            return None;
        }
        let parts: Vec<(usize, &str)> = text
            .split('.')
            .scan(0usize, |at, p| {
                let start = *at;
                *at += p.len() + 1;
                Some((start, p))
            })
            .collect();
        if parts.len() < 2 || parts.iter().any(|p| p.1.is_empty()) {
            return None;
        }
        let (at, name) = parts[parts.len() - 2];
        let schema = (parts.len() >= 3).then(|| parts[parts.len() - 3].1.to_string());
        let table = TableRef {
            database: None,
            schema,
            name: name.to_string(),
            quoted: false,
        };
        Some(emb.relocate(Access::table(AccessKind::ForeignKey, table, at, name.len())))
    }

    fn analyse(&mut self, group: &Group, always: bool) {
        let emb = self.embed(group);
        self.out
            .extend(sql::analyze_candidate(&emb, always, self.ctx));
    }

    /// The dotted callee ending at token `i` (the name before a `(`).
    fn callee_before(&self, i: usize, s: usize) -> Option<String> {
        if self.kind(i) != Some(Kind::Name) || is_keyword(self.text(i)) {
            return None;
        }
        let mut k = i;
        while k >= s + 2 && self.is_op(k - 1, ".") && self.kind(k - 2) == Some(Kind::Name) {
            k -= 2;
        }
        let mut out = String::new();
        for j in (k..=i).step_by(2) {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(self.text(j));
        }
        Some(out)
    }

    /// Walks a statement's tokens, attributing each string expression to the call or
    /// bracket it is an argument of; each call is handled when its bracket closes.
    fn walk(&mut self, s: usize, e: usize) {
        let mut frames: Vec<Frame> = Vec::new();
        let mut loose: Vec<Group> = Vec::new();
        // `raise X(..)` throws whatever it builds; `assert cond, ".."` has a message
        // after its comma. Strings there are prose.
        let raise = self.text(s) == "raise";
        let assert = self.text(s) == "assert";
        let mut prose = raise;
        let mut i = s;
        while i < e {
            let kind = self.kind(i);
            let t = self.text(i);
            if assert && frames.is_empty() && kind == Some(Kind::Op) && t == "," {
                prose = true;
            }
            let is_kw = kind == Some(Kind::Name) && self.is_op(i + 1, "=");
            if let Some(f) = frames.last_mut()
                && f.arg_start == i
                && f.kw.is_none()
                && !is_kw
                && !matches!(t, ")" | "]" | "}" | ",")
            {
                f.npos = f.npos.max(f.pos + 1);
            }
            if kind == Some(Kind::Str) {
                let (group, j) = self.group_at(i, e);
                let closes = |k: usize| {
                    k >= e
                        || matches!(self.text(k), "," | ")" | "]" | "}" | ":")
                            && self.kind(k) == Some(Kind::Op)
                };
                match frames.last_mut() {
                    Some(f)
                        if (f.arg_start == i || (f.kw.is_some() && f.arg_start + 2 == i))
                            && closes(j) =>
                    {
                        f.args.push(Arg {
                            pos: f.kw.is_none().then_some(f.pos),
                            kw: f.kw.clone(),
                            group,
                        });
                    }
                    Some(f) if f.log => {}
                    None if prose => {}
                    _ => loose.push(group),
                }
                i = j;
                continue;
            }
            if kind == Some(Kind::Name)
                && self.constant(t).is_some()
                && let Some(f) = frames.last_mut()
                && (f.arg_start == i || (f.kw.is_some() && f.arg_start + 2 == i))
                && (self.is_op(i + 1, ",") || self.is_op(i + 1, ")"))
            {
                // A constant passed by name: `op.create_table(TABLE, ...)`,
                // `cursor.execute(QUERY)`.
                f.args.push(Arg {
                    pos: f.kw.is_none().then_some(f.pos),
                    kw: f.kw.clone(),
                    group: Group::of(vec![Item::Name(i, t.to_string())]),
                });
            } else if kind == Some(Kind::Op) {
                match t {
                    "(" | "[" | "{" => {
                        let callee = if t == "(" && i > s {
                            self.callee_before(i - 1, s)
                        } else {
                            None
                        };
                        let sink = callee.as_deref().and_then(sinks::python);
                        let log = raise
                            || frames.last().is_some_and(|f| f.log)
                            || matches!(sink, Some(SinkKind::NonSql(k)) if k.covers_nested());
                        let quiet = matches!(sink, Some(SinkKind::NonSql(_)));
                        let parent = frames.last().and_then(|f| {
                            let c = f.callee.clone()?;
                            Some((c, f.pos, f.kw.clone()))
                        });
                        frames.push(Frame {
                            callee,
                            log,
                            quiet,
                            sink,
                            pos: 0,
                            kw: None,
                            arg_start: i + 1,
                            args: Vec::new(),
                            npos: 0,
                            parent,
                        });
                    }
                    ")" | "]" | "}" => {
                        if let Some(f) = frames.pop() {
                            self.close(f, &mut loose);
                        }
                    }
                    "," => {
                        if let Some(f) = frames.last_mut() {
                            if f.kw.is_none() && f.arg_start < i {
                                f.pos += 1;
                            }
                            f.kw = None;
                            f.arg_start = i + 1;
                        }
                    }
                    "=" => {
                        if let Some(f) = frames.last_mut()
                            && f.arg_start + 1 == i
                            && self.kind(i - 1) == Some(Kind::Name)
                        {
                            f.kw = Some(self.text(i - 1).to_string());
                        }
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        while let Some(f) = frames.pop() {
            self.close(f, &mut loose);
        }
        for g in loose {
            self.analyse(&g, false);
        }
    }

    /// Handles the string arguments of a closed bracket.
    fn close(&mut self, f: Frame, loose: &mut Vec<Group>) {
        if f.log || f.quiet {
            return;
        }
        let rest = match &f.callee {
            Some(callee) => self.call(callee, &f),
            None => self.bracket(&f),
        };
        for a in rest {
            // A constant passed by name was already checked where it is defined.
            let group = &f.args[a].group;
            if group.items.iter().any(|it| matches!(it, Item::Lit(_))) {
                loose.push(group.clone());
            }
        }
    }

    /// Handles a call; returns the indexes of the arguments left for the generic check.
    fn call(&mut self, callee: &str, f: &Frame) -> Vec<usize> {
        let last = callee.rsplit('.').next().unwrap_or(callee);
        let find = |pos: usize, kw: &str| {
            f.args
                .iter()
                .position(|a| a.pos == Some(pos) || a.kw.as_deref() == Some(kw))
        };
        let kw_text = |this: &Self, kw: &str| {
            f.args
                .iter()
                .find(|a| a.kw.as_deref() == Some(kw))
                .and_then(|a| match a.group.items.as_slice() {
                    [Item::Lit(l)] => this.plain(*l).map(str::to_string),
                    _ => None,
                })
        };
        let mut used: Vec<usize> = Vec::new();
        if last == "Table" && f.npos >= 2 && !f.args.iter().any(|a| a.pos == Some(1)) {
            if let Some(a) = find(0, "name") {
                let schema = kw_text(self, "schema");
                if let Some(acc) = self.name_access(&f.args[a].group, AccessKind::Model, schema) {
                    self.out.push(acc);
                }
                used.push(a);
            }
        } else if last == "ForeignKey" {
            let django = callee.starts_with("models.")
                || self.django
                || f.args.iter().any(|a| a.kw.as_deref() == Some("on_delete"));
            if let Some(a) = find(0, "column") {
                if !django && let Some(acc) = self.fk_access(&f.args[a].group) {
                    self.out.push(acc);
                }
                used.push(a);
            }
        } else if let Some(op) = callee.strip_prefix("op.")
            && let Some((_, spec)) = ALEMBIC.iter().find(|(name, _)| *name == op)
        {
            for &(pos, kw, kind, schema_kw) in spec.iter() {
                if let Some(a) = find(pos, kw) {
                    let schema = kw_text(self, schema_kw);
                    if let Some(acc) = self.name_access(&f.args[a].group, kind, schema) {
                        self.out.push(acc);
                    }
                    used.push(a);
                }
            }
        } else if f.sink == Some(SinkKind::Sql) {
            let sql_arg = f.args.iter().position(|a| {
                a.pos == Some(0) || a.kw.as_deref().is_some_and(|k| SQL_KEYWORDS.contains(&k))
            });
            if let Some(a) = sql_arg {
                let group = f.args[a].group.clone();
                self.analyse(&group, true);
                used.push(a);
            }
            if last == "RunSQL" {
                // The reverse SQL is the down migration.
                used.extend(f.args.iter().enumerate().filter_map(|(i, a)| {
                    (a.pos == Some(1) || a.kw.as_deref() == Some("reverse_sql")).then_some(i)
                }));
            }
        }
        (0..f.args.len()).filter(|i| !used.contains(i)).collect()
    }

    /// Handles a list or dict; returns the indexes of the elements left for the generic
    /// check. `ForeignKeyConstraint(cols, ["t.id"])` names referenced tables in a list.
    fn bracket(&mut self, f: &Frame) -> Vec<usize> {
        let fk_list = f.parent.as_ref().is_some_and(|(callee, pos, kw)| {
            callee.rsplit('.').next() == Some("ForeignKeyConstraint")
                && (kw.as_deref() == Some("refcolumns") || (kw.is_none() && *pos == 1))
        });
        if !fk_list {
            return (0..f.args.len()).collect();
        }
        for a in &f.args {
            if let Some(acc) = self.fk_access(&a.group) {
                self.out.push(acc);
            }
        }
        Vec::new()
    }

    fn import(&mut self, s: usize, e: usize) {
        if self.text(s) == "import" {
            let mut i = s + 1;
            while i < e {
                let (name, start, end, next) = self.dotted(i, e);
                if !name.is_empty() {
                    self.package(name, start, end);
                }
                // Skip `as alias` up to the next comma.
                i = next;
                while i < e && !self.is_op(i, ",") {
                    i += 1;
                }
                i += 1;
            }
            return;
        }
        // from [dots]module import names
        let mut i = s + 1;
        let mut dots = 0usize;
        let first = self.tok(i).map_or(0, |t| t.start);
        while i < e && self.kind(i) == Some(Kind::Op) && matches!(self.text(i), "." | "...") {
            dots += self.text(i).len();
            i += 1;
        }
        let (module, _, mod_end, next) = self.dotted(i, e);
        if dots == 0 {
            if !module.is_empty() {
                let start = self.tok(i).map_or(0, |t| t.start);
                self.package(module, start, mod_end);
            }
            return;
        }
        let Some(base) = self.package_dir(dots) else {
            return;
        };
        if !module.is_empty() {
            let path = join(&base, &module.replace('.', "/"));
            self.out.push(Access::import(
                ImportRef::Path(path),
                first,
                mod_end - first,
            ));
            return;
        }
        // `from . import a, b`: each name is a module of the package.
        for i in next + 1..e {
            if self.kind(i) == Some(Kind::Name) && self.text(i) != "as" && self.text(i - 1) != "as"
            {
                let t = self.lx.toks[i];
                let path = join(&base, self.text(i));
                self.out.push(Access::import(
                    ImportRef::Path(path),
                    t.start,
                    t.end - t.start,
                ));
            }
        }
    }

    /// A dotted name starting at token `i`: (text, start, end, token after).
    fn dotted(&self, i: usize, e: usize) -> (String, usize, usize, usize) {
        let mut name = String::new();
        let mut j = i;
        let start = self.tok(i).map_or(0, |t| t.start);
        let mut end = start;
        while j < e && self.kind(j) == Some(Kind::Name) && self.text(j) != "import" {
            name.push_str(self.text(j));
            end = self.lx.toks[j].end;
            if self.is_op(j + 1, ".") && j + 2 < e {
                name.push('.');
                j += 2;
            } else {
                j += 1;
                break;
            }
        }
        (name.trim_end_matches('.').to_string(), start, end, j)
    }

    fn package(&mut self, name: String, start: usize, end: usize) {
        let top = name.split('.').next().unwrap_or("");
        if STDLIB.contains(&top) {
            return;
        }
        self.out
            .push(Access::import(ImportRef::Package(name), start, end - start));
    }

    /// The directory `dots` levels up: one dot is the file's own package directory.
    fn package_dir(&self, dots: usize) -> Option<String> {
        let mut parts: Vec<&str> = self.path.split('/').collect();
        parts.pop();
        for _ in 1..dots {
            parts.pop()?;
        }
        Some(parts.join("/"))
    }
}

/// Which value a placeholder takes.
#[derive(Clone, Copy, Debug)]
enum FieldKey<'s> {
    /// `%s`, `{}`: the next positional value.
    Next,
    /// `{0}`.
    Index(usize),
    /// `%(name)s`, `{name}`.
    Name(&'s str),
    /// `{x.attr}`, `{x[0]}`: never resolved.
    Other,
}

impl<'s> FieldKey<'s> {
    fn from_format(key: &'s str) -> Self {
        if key.is_empty() {
            FieldKey::Next
        } else if let Ok(i) = key.parse() {
            FieldKey::Index(i)
        } else if key.bytes().all(is_ident_char) {
            FieldKey::Name(key)
        } else {
            FieldKey::Other
        }
    }
}

fn lookup(sub: &Subst, next: &mut usize, key: FieldKey<'_>) -> Value {
    match key {
        FieldKey::Next => {
            *next += 1;
            sub.positional.get(*next - 1).copied().flatten()
        }
        FieldKey::Index(i) => sub.positional.get(i).copied().flatten(),
        FieldKey::Name(n) => sub.named.iter().find(|(k, _)| k == n).and_then(|(_, v)| *v),
        FieldKey::Other => None,
    }
}

/// A `%` conversion at `j` (`%s`, `%d`, `%(name)s`, `%-10s`): its end and key. `%%` and
/// a lone `%` (SQL modulo, `LIKE 'a%'`) are not placeholders.
fn percent_field(b: &[u8], j: usize, end: usize) -> Option<(usize, FieldKey<'_>)> {
    let mut k = j + 1;
    let mut key = FieldKey::Next;
    if b.get(k) == Some(&b'(') {
        let close = (k..end).find(|&x| b[x] == b')')?;
        key = std::str::from_utf8(&b[k + 1..close]).map_or(FieldKey::Other, FieldKey::Name);
        k = close + 1;
    }
    while k < end && matches!(b[k], b'-' | b'+' | b' ' | b'#' | b'0'..=b'9' | b'.') {
        k += 1;
    }
    (k < end && matches!(b[k], b's' | b'd' | b'i' | b'r' | b'f' | b'u')).then_some((k + 1, key))
}

fn join(base: &str, rest: &str) -> String {
    if base.is_empty() {
        rest.to_string()
    } else {
        format!("{base}/{rest}")
    }
}

fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "if" | "elif"
            | "while"
            | "for"
            | "in"
            | "not"
            | "and"
            | "or"
            | "return"
            | "yield"
            | "await"
            | "assert"
            | "del"
            | "is"
            | "lambda"
            | "else"
            | "with"
            | "as"
            | "raise"
            | "from"
            | "import"
    )
}

/// `s` without surrounding whitespace, and the length of what was cut before it.
fn trimmed(s: &str) -> (usize, &str) {
    let t = s.trim_start();
    (s.len() - t.len(), t.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Place;
    use crate::model::Target;

    /// (kind, name, text at the access's offset) for every access.
    fn run(path: &str, src: &str) -> Vec<(AccessKind, String, String)> {
        extract(path, src, &Context::default())
            .accesses
            .into_iter()
            .map(|a| {
                let name = match &a.target {
                    Target::Table(t) => match &t.schema {
                        Some(s) => format!("{s}.{}", t.name),
                        None => t.name.clone(),
                    },
                    Target::Import(ImportRef::Package(p)) => format!("pkg:{p}"),
                    Target::Import(ImportRef::Path(p)) => format!("path:{p}"),
                };
                (a.kind, name, src[a.offset..a.offset + a.len].to_string())
            })
            .collect()
    }

    /// (kind, table or import, text at the offset).
    type Expect<'a> = (AccessKind, &'a str, &'a str);

    /// Asserts a file yields exactly the expected accesses, in offset order, each
    /// labelled on the table's last name component (or the import as written).
    fn check(path: &str, cases: &[(&str, &[Expect<'_>])]) {
        for (src, want) in cases {
            let got = run(path, src);
            let want: Vec<(AccessKind, String, String)> = want
                .iter()
                .map(|(k, n, t)| (*k, n.to_string(), t.to_string()))
                .collect();
            assert_eq!(got, want, "source:\n{src}");
        }
    }

    use AccessKind::{Ddl, ForeignKey as Fk, Import, Model, Read, Write};

    #[test]
    fn orm_shapes() {
        check(
            "orders/models.py",
            &[
                (
                    "class Order(Base):\n    __tablename__ = \"orders\"\n    id = Column(Integer)\n",
                    &[(Model, "orders", "orders")],
                ),
                (
                    "class Order(Base):\n    __table_args__ = {\"schema\": \"billing\"}\n    __tablename__ = 'invoices'\n",
                    &[(Model, "billing.invoices", "invoices")],
                ),
                (
                    "class Order(Base):\n    __tablename__ = 'invoices'\n    __table_args__ = (\n        UniqueConstraint('a', 'b'),\n        {'schema': 'billing'},\n    )\n",
                    &[(Model, "billing.invoices", "invoices")],
                ),
                (
                    "orders = Table(\"orders\", metadata, Column(\"id\", Integer))\n",
                    &[(Model, "orders", "orders")],
                ),
                (
                    "t = sa.Table('orders', meta, sa.Column('id'), schema='shop')\n",
                    &[(Model, "shop.orders", "orders")],
                ),
                (
                    "customer_id = Column(Integer, ForeignKey(\"customers.id\"))\n",
                    &[(Fk, "customers", "customers")],
                ),
                (
                    "cid = sa.Column(sa.ForeignKey('crm.customers.id', ondelete='CASCADE'))\n",
                    &[(Fk, "crm.customers", "customers")],
                ),
                (
                    "x = ForeignKeyConstraint(['cid'], ['customers.id'])\n",
                    &[(Fk, "customers", "customers")],
                ),
                (
                    "class Order(models.Model):\n    total = models.IntegerField()\n\n    class Meta:\n        db_table = \"orders\"\n",
                    &[(Model, "orders", "orders")],
                ),
                (
                    "class Invoice(models.Model):\n    class Meta:\n        db_table = '\"billing\".\"invoices\"'\n",
                    &[(Model, "billing.invoices", "invoices")],
                ),
                (
                    "class Meta: db_table = 'orders'\n",
                    &[(Model, "orders", "orders")],
                ),
            ],
        );
    }

    #[test]
    fn orm_traps() {
        check(
            "orders/models.py",
            &[
                // Comments and docstrings.
                ("# __tablename__ = \"orders\"\nx = 1\n", &[]),
                (
                    "class A:\n    \"\"\"__tablename__ = 'orders' and Table('orders', meta, x)\"\"\"\n",
                    &[],
                ),
                // Django model references are not tables.
                (
                    "from django.db import models\nclass A(models.Model):\n    o = models.ForeignKey(\"shop.Order\", on_delete=models.CASCADE)\n    c = ForeignKey('crm.Customer')\n",
                    &[(Import, "pkg:django.db", "django.db")],
                ),
                ("o = ForeignKey(Order, on_delete=CASCADE)\n", &[]),
                // A column named like a table, identifiers named like tables.
                (
                    "amount = Column(\"orders\", Integer)\norders = get_orders()\n",
                    &[],
                ),
                // `db_table` outside `class Meta`, rich tables.
                ("db_table = \"orders\"\n", &[]),
                (
                    "t = Table(\"Name\", \"Age\")\nu = Table(title=\"orders\")\n",
                    &[],
                ),
                ("t = Table(\"orders\")\n", &[]),
                // Log calls never count.
                (
                    "print(Table('orders', metadata))\nlogger.info(ForeignKey('orders.id'))\n",
                    &[],
                ),
            ],
        );
    }

    #[test]
    fn alembic_operations() {
        let up = |body: &str| format!("def upgrade():\n    {body}\n");
        let cases = [
            (up("op.create_table('orders', sa.Column('id', sa.Integer))"), vec![(Ddl, "orders", "orders")]),
            (up("op.create_table(\"orders\", schema=\"shop\")"), vec![(Ddl, "shop.orders", "orders")]),
            (up("op.drop_table('orders')"), vec![(Ddl, "orders", "orders")]),
            (up("op.add_column('orders', sa.Column('x', sa.Text))"), vec![(Ddl, "orders", "orders")]),
            (up("op.drop_column('orders', 'x')"), vec![(Ddl, "orders", "orders")]),
            (up("op.alter_column('orders', 'x', nullable=True)"), vec![(Ddl, "orders", "orders")]),
            (
                up("op.rename_table('orders', 'purchases')"),
                vec![(Ddl, "orders", "orders"), (Ddl, "purchases", "purchases")],
            ),
            (up("op.create_index('ix_orders_x', 'orders', ['x'])"), vec![(Ddl, "orders", "orders")]),
            (up("op.drop_index(op.f('ix_x'), table_name='orders')"), vec![(Ddl, "orders", "orders")]),
            (
                up("op.create_foreign_key('fk', 'orders', 'customers', ['cid'], ['id'])"),
                vec![(Ddl, "orders", "orders"), (Fk, "customers", "customers")],
            ),
            (up("with op.batch_alter_table('orders') as b:\n        b.add_column(c)"), vec![(Ddl, "orders", "orders")]),
            (
                "ORDERS = 'orders'\n\ndef upgrade():\n    op.create_table(ORDERS, sa.Column('id'))\n".to_string(),
                vec![(Ddl, "orders", "ORDERS")],
            ),
        ];
        for (src, want) in cases {
            let want: Vec<(AccessKind, String, String)> = want
                .into_iter()
                .map(|(k, n, t)| (k, n.into(), t.into()))
                .collect();
            assert_eq!(run("db/versions/0001_x.py", &src), want, "{src}");
        }
    }

    #[test]
    fn downgrade_bodies_do_not_count_in_versions() {
        let src = "def upgrade():\n    op.add_column('orders', c)\n\ndef downgrade():\n    op.drop_column('orders', 'x')\n    op.drop_table('customers')\n\ndef later():\n    op.drop_table('invoices')\n";
        let got = run("migrations/versions/0002.py", src);
        let names: Vec<&str> = got.iter().map(|g| g.1.as_str()).collect();
        assert_eq!(names, ["orders", "invoices"]);
        assert_eq!(
            &src[src.find("'orders'").map_or(0, |p| p + 1)..][..6],
            "orders"
        );
        // Outside a versions/ directory a function named downgrade is ordinary code.
        assert_eq!(run("app/ops.py", src).len(), 4);
    }

    #[test]
    fn imports() {
        check(
            "svc/orders/api/views.py",
            &[
                (
                    "import orders.models\n",
                    &[(Import, "pkg:orders.models", "orders.models")],
                ),
                (
                    "from billing.client import Client, make\n",
                    &[(Import, "pkg:billing.client", "billing.client")],
                ),
                (
                    "import a.b as c, d\n",
                    &[(Import, "pkg:a.b", "a.b"), (Import, "pkg:d", "d")],
                ),
                (
                    "from . import models, serializers as s\n",
                    &[
                        (Import, "path:svc/orders/api/models", "models"),
                        (Import, "path:svc/orders/api/serializers", "serializers"),
                    ],
                ),
                (
                    "from ..billing.api import x\n",
                    &[(Import, "path:svc/orders/billing/api", "..billing.api")],
                ),
                (
                    "from .helpers import (\n    a,\n    b,\n)\n",
                    &[(Import, "path:svc/orders/api/helpers", ".helpers")],
                ),
                (
                    "import os, sys\nfrom typing import List\nfrom __future__ import annotations\n",
                    &[],
                ),
                (
                    "def f():\n    import payments.sdk\n",
                    &[(Import, "pkg:payments.sdk", "payments.sdk")],
                ),
                // Imports in strings and comments are prose.
                ("# import payments\nx = 'from payments import sdk'\n", &[]),
                // Too many dots climbs out of the repository: ignored.
                ("from ...... import x\n", &[]),
            ],
        );
    }

    #[test]
    fn sql_in_strings() {
        check(
            "orders/repo.py",
            &[
                (
                    "cursor.execute(\"SELECT id FROM orders WHERE id = %s\", (1,))\n",
                    &[(Read, "orders", "orders")],
                ),
                (
                    "rows = session.execute(text('UPDATE customers SET x = 1'))\n",
                    &[(Write, "customers", "customers")],
                ),
                (
                    "q = (\"SELECT o.id \"\n     \"FROM orders o JOIN order_items i ON i.oid = o.id\")\n",
                    &[
                        (Read, "orders", "orders"),
                        (Read, "order_items", "order_items"),
                    ],
                ),
                (
                    "q = \"SELECT o.id \" + \"FROM orders o\"\n",
                    &[(Read, "orders", "orders")],
                ),
                (
                    "df = pd.read_sql(\"SELECT * FROM orders\", conn)\n",
                    &[(Read, "orders", "orders")],
                ),
                (
                    "Order.objects.raw('SELECT * FROM orders')\n",
                    &[(Read, "orders", "orders")],
                ),
                (
                    "Q = \"\"\"\n    DELETE FROM orders\n    WHERE id = :id\n\"\"\"\n",
                    &[(Write, "orders", "orders")],
                ),
                (
                    "def upgrade():\n    op.execute('DROP TABLE legacy_orders')\n",
                    &[(Ddl, "legacy_orders", "legacy_orders")],
                ),
                // An escape before the name keeps the offset exact.
                (
                    "q = \"SELECT *\\n\\tFROM orders\"\n",
                    &[(Read, "orders", "orders")],
                ),
                (
                    "conn.exec_driver_sql(r'SELECT * FROM orders')\n",
                    &[(Read, "orders", "orders")],
                ),
            ],
        );
    }

    #[test]
    fn templated_sql_resolves_visible_constants() {
        let src = "ORDERS_TABLE = \"orders\"\n\ndef f(c, t):\n    c.execute(f\"SELECT * FROM {ORDERS_TABLE} WHERE id = 1\")\n    c.execute(f\"SELECT * FROM {t}\")\n    c.execute(\"DELETE FROM \" + ORDERS_TABLE)\n";
        let got = extract("orders/repo.py", src, &Context::default()).accesses;
        let at = src.find("\"orders\"").map_or(0, |p| p + 1);
        assert_eq!(got.len(), 2, "{got:?}");
        for a in &got {
            // Both point where the query uses the constant; the origin is its literal.
            assert_eq!(&src[a.offset..a.offset + a.len], "ORDERS_TABLE");
            let origin = a.origin.as_ref().map(|o| (o.name.as_str(), o.place));
            assert_eq!(
                origin,
                Some(("ORDERS_TABLE", Place::Here { offset: at, len: 6 }))
            );
        }
        assert_eq!(
            got.iter().map(|a| a.kind).collect::<Vec<_>>(),
            [Read, Write]
        );
    }

    #[test]
    fn percent_and_format_templates() {
        let src = "T = 'orders'\nc.execute('SELECT * FROM %s WHERE id = %s' % (T, x))\nc.execute(\"DELETE FROM {t} WHERE a = {}\".format(1, t=T))\nc.execute('SELECT * FROM {}'.format(other))\nc.execute('SELECT * FROM %(t)s' % params)\n";
        let got = run("orders/repo.py", src);
        assert_eq!(
            got,
            [
                (Read, "orders".to_string(), "%s".to_string()),
                (Write, "orders".to_string(), "{t}".to_string()),
            ]
        );
        // The placeholders are labelled; the constant is the origin of both.
        let at = src.find("orders").unwrap_or(0);
        let origins: Vec<Option<Place>> = extract("orders/repo.py", src, &Context::default())
            .accesses
            .iter()
            .map(|a| a.origin.as_ref().map(|o| o.place))
            .collect();
        let here = Some(Place::Here { offset: at, len: 6 });
        assert_eq!(origins, [here, here]);
    }

    #[test]
    fn sql_traps() {
        check(
            "orders/repo.py",
            &[
                // Docstrings and bare string statements.
                (
                    "def f():\n    \"\"\"SELECT * FROM orders\"\"\"\n    return 1\n",
                    &[],
                ),
                ("'''DELETE FROM orders'''\n", &[]),
                // Comments.
                ("x = 1  # SELECT * FROM orders\n", &[]),
                // Log and print calls.
                ("logger.info(\"SELECT * FROM orders\")\n", &[]),
                ("print(f\"DELETE FROM orders {x}\")\n", &[]),
                ("logging.warning('UPDATE orders SET a = 1')\n", &[]),
                ("self.log.debug('q=%s', 'SELECT * FROM orders')\n", &[]),
                ("self.Logger.info(\"DELETE FROM orders\")\n", &[]),
                ("LOG.error('DELETE FROM orders')\n", &[]),
                // Prose that mentions a table.
                ("msg = \"select the orders from the list\"\n", &[]),
                // A template whose table is not a visible constant is not guessed.
                ("c.execute(f\"SELECT * FROM {table}\")\n", &[]),
                // `{{` is a literal brace, not a hole.
                ("s = f\"{{orders}}\"\n", &[]),
            ],
        );
    }

    #[test]
    fn robust_on_hostile_input() {
        let ctx = Context::default();
        let deep = format!("x = {}\n__tablename__ = 'a'", "(".repeat(50_000));
        let _ = extract("a.py", &deep, &ctx);
        let balanced = format!(
            "x = {}{}\nclass A:\n    __tablename__ = 'a'\n",
            "[".repeat(50_000),
            "]".repeat(50_000)
        );
        let got = run("a.py", &balanced);
        assert_eq!(got, [(Model, "a".to_string(), "a".to_string())]);
        for src in [
            "x = \"SELECT * FROM orders",
            "x = '''SELECT * FROM orders",
            "x = f\"{",
            "x = f'''{'",
            "x = '\\",
            "x = \"\\x4\"",
            "x = \"\\N{",
            "from",
            "import",
            "from . import",
            "op.create_table(",
            "\0\0__tablename__\0= '\0'",
            "class Meta:\n db_table = 'é\u{301}'\n",
            "ForeignKey('.')\nForeignKey('a..b')\n",
        ] {
            let out = extract("db/versions/a.py", src, &ctx);
            for a in &out.accesses {
                assert!(a.offset + a.len <= src.len() && src.is_char_boundary(a.offset));
            }
        }
        // An unterminated string stops at its line: the next line is still code.
        let got = run(
            "a.py",
            "x = 'oops\nclass A:\n    __tablename__ = 'orders'\n",
        );
        assert_eq!(got, [(Model, "orders".to_string(), "orders".to_string())]);
    }

    #[test]
    fn language_of_python_files() {
        use crate::lang::Language;
        assert_eq!(Language::of("svc/app/models.py"), Some(Language::Python));
        assert_eq!(Language::of("svc/app/MODELS.PY"), Some(Language::Python));
        assert_eq!(Language::of("svc/app/models.pyi"), None);
    }

    /// Regression: a stray `]` or `}` before the `)` of `"..".format(` made the argument
    /// scan loop forever (found by random fragments; tests/fuzz.rs now covers them).
    #[test]
    fn format_arguments_with_stray_closers_end() {
        for src in [
            "q = \"SELECT * FROM {}\".format(]T)\n",
            "q = \"SELECT * FROM {}\".format(}T, ])\n",
            "q = \"SELECT * FROM {}\".format(T]\n",
        ] {
            let out = extract("svc/q.py", src, &Context::default());
            assert!(
                out.accesses.iter().all(|a| a.offset + a.len <= src.len()),
                "{src}"
            );
        }
    }

    #[test]
    fn markers_are_specific() {
        assert!(MARKERS.iter().all(|m| m.len() >= 6));
        assert!(MARKERS.contains(&"__tablename__"));
    }
}
