//! Rust sources: SQL in string literals, Diesel and SeaORM table mappings, and imports
//! of other crates.
//!
//! # Design
//!
//! The file is lexed once (see [`lex`]: rustc's own lexer, as rust-analyzer
//! publishes it) into one vector of tokens in which each opening delimiter knows the
//! index of its closing one; comments and doc comments are dropped, attributes are
//! skipped by the walk. Every rule below is a pattern over that flat vector, so code
//! inside macro invocations (`info!(..)`, `lazy_static! {..}`, `diesel::table! {..}`,
//! `tokio::select! {..}`) is read exactly like ordinary code, and nothing here recurses
//! on the depth of the input. Afterwards the file is parsed with `syn` (lexed for it
//! by `proc_macro2`); a syntax error becomes a [`Problem`], and a file `syn` rejects
//! loses nothing but the warning (the token patterns do not depend on it). Only what
//! holds something that was found is parsed: the text handed to `proc_macro2` leaves
//! out comments and what [`Walker::unchecked`] lists (attributes, the signatures and
//! bodies of functions, and in a function with a finding the statements without one).
//! A syntax error there could hide nothing, and statements, signatures and attributes
//! are most of `syn`'s work (on the benchmark's dense tree, where every file has SQL,
//! `syn` went from 40% of all instructions to 22% when bodies were first emptied, and
//! from 28% to 11% when the rest was left out too).
//!
//! Robustness: a file the lexer rejects (unterminated string, unbalanced brackets) is a
//! [`Problem`] and nothing else. Brackets nested deeper than [`MAX_DEPTH`] are a
//! [`Problem`] and the file is not analysed. `syn` recurses once per operator of a chain
//! (`!!!x`, `a + a + ..`, `Vec<Vec<..>>`), which bracket depth does not bound: files
//! whose estimated recursion exceeds [`MAX_CHAIN`] skip the syntax check (only). The
//! analysis needs a large stack ([`STACK_SIZE`]): the scan's worker threads are spawned
//! with it ([`spawn_worker`]) and analyse each file in place; any other thread gets a
//! thread per file, and where none can be spawned the syntax check is limited to short
//! chains. After each file the copy of the checked text that `proc_macro2` keeps in a
//! thread-local source map is dropped. An error's offset in that text is mapped back
//! to the file piece by piece ([`Walker::splice`]). The check remembers the shapes of
//! the pieces that parsed, per thread, and does not parse one again ([`shape`]).
//!
//! What is recognised:
//!
//! * SQL sinks whose argument is always analysed as SQL: the `sqlx` macros `query!`,
//!   `query_as!`, `query_scalar!` (and `_unchecked`; the SQL is the first or second
//!   argument), calls of `query`, `query_as`, `query_scalar`, `query_with`, `sql_query`,
//!   `QueryBuilder::new`, and the methods of `tokio-postgres`, `postgres`, `rusqlite`
//!   and `sqlx` executors that take SQL text (`.query(..)`, `.execute(..)`,
//!   `.prepare(..)`, `.batch_execute(..)`, `.fetch_all(..)`, ..). The argument may be a
//!   literal, a `const`/`static` of the same file, `format!`/`concat!`, or a `+` join.
//! * Any other string literal is analysed when [`sql::looks_like_sql`] says so.
//! * `format!`-style macros: holes filled by a `const`/`static` string of the same file
//!   are substituted (the access then points into that constant's literal); other holes
//!   become [`sql::HOLE`]. `concat!` joins its literals.
//! * `sqlx::query_file!` and friends, and `include_str!("...sql")`: a [`Follow`] of the
//!   path literal.
//! * Diesel `table!` (schema-qualified names, `#[sql_name]`, several tables per block),
//!   `#[diesel(table_name = ..)]` (last path segment), `#[table_name = ".."]`, SeaORM
//!   `#[sea_orm(table_name = "..", schema_name = "..")]` and a hand-written
//!   `fn table_name(&self) -> &str { ".." }`, ormx `#[ormx(table = "..")]`, also inside
//!   `#[cfg_attr(.., ..)]`: model accesses. Names are reported unquoted (`quoted:
//!   false`) even though Diesel and SeaORM quote them in the SQL they generate.
//!   `joinable!(a -> b (fk))` reads both tables (high confidence: the macro states a
//!   relation the code joins over); `allow_tables_to_appear_in_same_query!(a, b, ..)`
//!   reads each table with low confidence (it is boilerplate listing every table of a
//!   schema, and each of them also has a `table!` reported as a model).
//! * Imports: every `use` tree and `extern crate`, and qualified paths `krate::x` whose
//!   first segment is lowercase and not `crate`/`self`/`super`/`std`/`core`/`alloc`/a
//!   primitive type/a local `mod`/a name brought in by `use`. One access per crate and
//!   line.
//!
//! Never read: comments, doc comments and every attribute's strings (`#[doc]`, `#[cfg]`,
//! `#[serde(..)]`) apart from the ORM attributes above.

mod lex;
mod shape;

use foldhash::{HashMap, HashSet};
use std::ops::Range;
use std::str::FromStr;

use proc_macro2::TokenStream;

use lex::{Kind, Lexed, Tok, Word};

use super::embedded::Embedded;
use super::sinks::{self, SinkKind};
use super::{Context, Extracted, Follow, Problem, sql};
use crate::model::finding::LineIndex;
use crate::model::{Access, AccessKind, ImportRef, Origin, Place, TableRef};

/// Byte strings whose presence means a Rust file may map a table the registry does not
/// know (Diesel and SeaORM mappings), or pull in a SQL file. SQL text in string literals
/// is covered by [`sql::MARKERS`], which a prefilter should also apply to Rust files.
pub const MARKERS: &[&str] = &[
    "table!",
    "table_name",
    "sql_name",
    "joinable!",
    "query_file",
    ".sql\"",
];

/// Deepest nesting of brackets analysed; deeper files are reported and skipped.
pub const MAX_DEPTH: usize = 256;

/// Longest operator chain (see [`longest_chain`]) that is handed to `syn`. `syn` and the
/// `Drop` of its syntax tree recurse once per operator of a chain (`!!!!x`,
/// `a + a + ..`, `a.b.c..`, `Vec<Vec<..>>`), which bracket depth does not bound; a
/// longer chain skips the syntax check (the token analysis does not recurse and still
/// runs).
const MAX_CHAIN: usize = 2048;

/// Stack of a thread that analyses Rust files: enough for [`MAX_DEPTH`] brackets and
/// [`MAX_CHAIN`] operators in a debug build, with a wide margin. The scan's worker
/// threads get it through [`spawn_worker`]; it is address space, touched only as deep
/// as a file makes `syn` recurse.
pub const STACK_SIZE: usize = 64 * 1024 * 1024;

/// Longest operator chain handed to `syn` on a thread without [`STACK_SIZE`] of stack
/// (no thread could be spawned): safe on the 2 MiB of a default spawned thread in a
/// debug build (`analysis_without_a_big_stack_does_not_overflow` checks it).
const SMALL_STACK_CHAIN: usize = 128;

thread_local! {
    /// Whether this thread was started by [`spawn_worker`], with [`STACK_SIZE`] of stack.
    static BIG_STACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Spawns a scoped thread with [`STACK_SIZE`] of stack, on which [`extract`] analyses
/// each file directly instead of on a new thread per file (a `clone3`, a 64 MiB mapping
/// and a cold allocator cache each time).
pub fn spawn_worker<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    name: &str,
    work: impl FnOnce() -> T + Send + 'scope,
) -> std::io::Result<std::thread::ScopedJoinHandle<'scope, T>> {
    std::thread::Builder::new()
        .name(name.into())
        .stack_size(STACK_SIZE)
        .spawn_scoped(scope, move || {
            BIG_STACK.set(true);
            work()
        })
}

/// Placeholder for a template hole whose value is unknown.
use sql::HOLE;

/// Extracts the accesses of one Rust file.
pub fn extract(_path: &str, text: &str, ctx: &Context) -> Extracted {
    if BIG_STACK.get() {
        return analyse(text, ctx, MAX_CHAIN);
    }
    // Elsewhere (`ownlint init`'s workers, tests), a thread with the large stack per file.
    let run = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("ownlint-rust".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || analyse(text, ctx, MAX_CHAIN))
            .map(|handle| handle.join())
    });
    match run {
        Ok(Ok(out)) => out,
        // A bug: the caller's `catch_unwind` makes it an `internal-error` (exit code 3).
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        // No thread available: analyse on the caller's stack (at least the 2 MiB of a
        // default thread), with the syntax check limited to short chains.
        Err(_) => analyse(text, ctx, SMALL_STACK_CHAIN),
    }
}

/// The analysis proper, on the current thread; files whose operator chains exceed
/// `chain_limit` skip the syntax check. Afterwards (also when unwinding from a panic)
/// the copy of the file that `proc_macro2` keeps in this thread's source map is
/// dropped, so a long-lived thread does not accumulate every file it analysed.
fn analyse(text: &str, ctx: &Context, chain_limit: usize) -> Extracted {
    struct ForgetSpans;
    impl Drop for ForgetSpans {
        fn drop(&mut self) {
            proc_macro2::extra::invalidate_current_thread_spans();
        }
    }
    let _forget = ForgetSpans;
    let mut out = Extracted::default();
    if let Some((mut walker, checked)) = prepare(text, chain_limit, &mut out) {
        walker.finish(ctx, &mut out);
        if checked {
            walker.check_syntax(&mut out);
        }
    }
    out
}

/// Lexes and walks the file. `None` when the file is refused (recorded in `out`);
/// otherwise the walker (holding the SQL candidates not yet analysed) and whether the
/// file's operator chains allow the syntax check.
fn prepare<'a>(
    text: &'a str,
    chain_limit: usize,
    out: &mut Extracted,
) -> Option<(Walker<'a>, bool)> {
    let base = prelude_len(text);
    let lexed = match lex::lex(text, base, MAX_DEPTH) {
        Ok(lexed) => lexed,
        Err(refused) => {
            let offset = refused.offset.min(text.len());
            let message = if refused.too_deep {
                format!("nesting deeper than {MAX_DEPTH} levels; file not analysed")
            } else {
                format!(
                    "could not tokenize this Rust file (line {}): {}; file not analysed",
                    line_of(text, offset),
                    refused.message
                )
            };
            out.refuse(Problem { offset, message });
            return None;
        }
    };
    let checked = longest_chain(&lexed.toks) <= chain_limit;
    let mut walker = Walker::new(lexed, text, base);
    walker.prepass();
    walker.walk();
    Some((walker, checked))
}

/// Whether the tokens parse as a Rust file. The grammar of `syn::File` (inner
/// attributes, then items), with each item dropped as soon as it is parsed: only the
/// error is wanted, and freeing each item's tree at once lets the allocator reuse the
/// same memory for the next one instead of freeing the whole file's tree at the end.
fn parse_as_file(stream: TokenStream) -> syn::Result<()> {
    let items = |input: syn::parse::ParseStream| {
        input.call(syn::Attribute::parse_inner)?;
        while !input.is_empty() {
            input.parse::<syn::Item>()?;
        }
        Ok(())
    };
    syn::parse::Parser::parse2(items, stream)
}

/// Length of a byte-order mark and `#!` shebang line, which the lexer does not accept.
fn prelude_len(text: &str) -> usize {
    let mut base = 0;
    if text.starts_with('\u{feff}') {
        base = '\u{feff}'.len_utf8();
    }
    let rest = &text[base..];
    if let Some(after) = rest.strip_prefix("#!")
        && !after.trim_start().starts_with('[')
    {
        base += rest.find('\n').unwrap_or(rest.len());
    }
    base
}

/// The 1-based line of a byte offset, for the message of a [`Problem`].
fn line_of(text: &str, offset: usize) -> u32 {
    crate::model::finding::Loc::at(text, offset, 0).line
}

/// What the syntax check leaves out of a file and the statement runs it keeps, as
/// token ranges (see `Walker::unchecked`).
struct Split {
    cuts: Vec<Range<usize>>,
    runs: Vec<Range<usize>>,
}

/// Orders `ranges` by start, a range before those inside it (as [`outermost`] and
/// `Walker::splice` read them).
fn outer_first(ranges: &mut [Range<usize>]) {
    ranges.sort_unstable_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
}

/// The ranges of `sorted` (ordered by start, a range before those inside it) that are
/// inside no other, in order.
fn outermost(sorted: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut outer: Vec<Range<usize>> = Vec::new();
    for r in sorted {
        if outer.last().is_none_or(|o| r.start >= o.end) {
            outer.push(r.clone());
        }
    }
    outer
}

/// A function with a body, by the index of its tokens: its name, the `(` of its
/// parameters (if it has them before the body) and the `{` of its body.
#[derive(Clone, Copy, Debug)]
struct Function {
    name: usize,
    params: Option<usize>,
    body: usize,
}

/// An upper bound, roughly, on how deep `syn` recurses on a file: at each token, the
/// operators (punctuation, bracket groups, prefix keywords) in the current run of every
/// enclosing nesting level, summed. `;`, `,` and the end of a `{..}` block followed by
/// a new statement or item end a run.
fn longest_chain(toks: &[Tok]) -> usize {
    // Per open level: operators in its current run, and whether it is a `{..}` block.
    let mut stack: Vec<(usize, bool)> = vec![(0, false)];
    let mut sum = 0usize;
    let mut longest = 0usize;
    for (i, t) in toks.iter().enumerate() {
        let operator = match &t.kind {
            Kind::Punct(';' | ',', _) => {
                if let Some(top) = stack.last_mut() {
                    sum -= top.0;
                    top.0 = 0;
                }
                false
            }
            Kind::Punct(..) => true,
            Kind::Ident(word) => matches!(word, Word::Prefix | Word::Const | Word::Static),
            Kind::Lit => false,
            Kind::Open(d) => {
                if let Some(top) = stack.last_mut() {
                    top.0 += 1;
                    sum += 1;
                }
                longest = longest.max(sum);
                stack.push((0, *d == '{'));
                false
            }
            Kind::Close => {
                let (count, brace) = stack.pop().unwrap_or_default();
                sum -= count;
                // A block followed by a new statement or item ends the enclosing run.
                let ends_run = brace
                    && !matches!(
                        toks.get(i + 1).map(|n| &n.kind),
                        Some(Kind::Punct(c, _)) if *c != '#'
                    );
                if ends_run && let Some(top) = stack.last_mut() {
                    sum -= top.0;
                    top.0 = 0;
                }
                false
            }
        };
        if operator && let Some(top) = stack.last_mut() {
            top.0 += 1;
            sum += 1;
            longest = longest.max(sum);
        }
    }
    longest
}

/// A string literal's decoded contents, with a map back to the file.
#[derive(Clone, Debug, Default)]
struct Decoded {
    text: String,
    /// Runs of the decoded text: (start in `text`, start in the file, verbatim).
    runs: Vec<(usize, usize, bool)>,
    /// Byte range of the contents (inside the quotes) in the file.
    content: Range<usize>,
}

impl Decoded {
    /// Appends `self.text[range]` to `emb`, keeping exact offsets for verbatim runs.
    fn push_range(&self, emb: &mut Embedded, range: Range<usize>) {
        for (k, &(run_start, file_start, verbatim)) in self.runs.iter().enumerate() {
            let run_end = self.runs.get(k + 1).map_or(self.text.len(), |r| r.0);
            let (s, e) = (range.start.max(run_start), range.end.min(run_end));
            if s >= e {
                continue;
            }
            let Some(piece) = self.text.get(s..e) else {
                continue;
            };
            if verbatim {
                emb.push_verbatim(piece, file_start + (s - run_start));
            } else {
                emb.push_decoded(piece, file_start);
            }
        }
    }

    fn push_all(&self, emb: &mut Embedded) {
        self.push_range(emb, 0..self.text.len());
    }

    /// File offset of byte `k` of the decoded text.
    fn file_offset(&self, k: usize) -> usize {
        let idx = self.runs.partition_point(|r| r.0 <= k).saturating_sub(1);
        match self.runs.get(idx) {
            Some(&(text_start, file_start, true)) => file_start + k.saturating_sub(text_start),
            Some(&(_, file_start, false)) => file_start,
            None => self.content.start,
        }
    }
}

/// Decodes a string literal written as `repr` at file offset `start`; `None` for other
/// literals (numbers, chars, byte and C strings).
fn decode(repr: &str, start: usize) -> Option<Decoded> {
    if let Some(rest) = repr.strip_prefix('r') {
        let hashes = rest.len() - rest.trim_start_matches('#').len();
        let open = 1 + hashes + 1;
        let body = repr.get(open..)?;
        let close = body.rfind('"')?;
        let content = &body[..close];
        let file = start + open;
        return Some(Decoded {
            text: content.to_string(),
            runs: vec![(0, file, true)],
            content: file..file + content.len(),
        });
    }
    let body = repr.strip_prefix('"')?;
    let close = body.rfind('"')?;
    let content = &body[..close];
    let file = start + 1;
    let mut d = Decoded {
        content: file..file + content.len(),
        ..Decoded::default()
    };
    let bytes = content.as_bytes();
    let mut i = 0;
    let mut run_open = false;
    while i < content.len() {
        if bytes[i] != b'\\' {
            if !run_open {
                d.runs.push((d.text.len(), file + i, true));
                run_open = true;
            }
            let ch_len = content[i..].chars().next().map_or(1, char::len_utf8);
            d.text.push_str(&content[i..i + ch_len]);
            i += ch_len;
            continue;
        }
        run_open = false;
        let esc_start = i;
        let next = bytes.get(i + 1).copied();
        i += 2;
        // An unknown escape (`"\q"`, `"\é"`, which the lexer lets through) is skipped
        // whole, up to the next character.
        while i < content.len() && !content.is_char_boundary(i) {
            i += 1;
        }
        let decoded: Option<char> = match next {
            Some(b'n') => Some('\n'),
            Some(b'r') => Some('\r'),
            Some(b't') => Some('\t'),
            Some(b'0') => Some('\0'),
            Some(b'\\') => Some('\\'),
            Some(b'\'') => Some('\''),
            Some(b'"') => Some('"'),
            Some(b'x') => {
                let hex = content.get(i..i + 2).unwrap_or("");
                i += hex.len();
                u8::from_str_radix(hex, 16).ok().map(char::from)
            }
            Some(b'u') => {
                let rest = &content[i.min(content.len())..];
                match rest.find('}') {
                    Some(end) if rest.starts_with('{') => {
                        i += end + 1;
                        u32::from_str_radix(&rest[1..end].replace('_', ""), 16)
                            .ok()
                            .and_then(char::from_u32)
                    }
                    _ => None,
                }
            }
            Some(b'\n' | b'\r') => {
                // Line continuation: the newline and the next line's indentation vanish.
                while let Some(c) = content[i.min(content.len())..].chars().next() {
                    if !c.is_whitespace() {
                        break;
                    }
                    i += c.len_utf8();
                }
                None
            }
            _ => None,
        };
        if let Some(c) = decoded {
            d.runs.push((d.text.len(), file + esc_start, false));
            d.text.push(c);
        }
        i = i.min(content.len());
    }
    Some(d)
}

fn is_string_lit(repr: &str) -> bool {
    repr.starts_with('"') || repr.starts_with("r\"") || repr.starts_with("r#")
}

/// An identifier without its `r#` prefix.
fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// `sqlx` macros whose first or second argument is the path of a SQL file.
const SQLX_FILE_MACROS: &[&str] = &[
    "query_file",
    "query_file_as",
    "query_file_scalar",
    "query_file_unchecked",
    "query_file_as_unchecked",
    "query_file_scalar_unchecked",
];

/// Macros whose first plain string literal argument is a `format!` template.
const FORMAT_MACROS: &[&str] = &[
    "format",
    "format_args",
    "print",
    "println",
    "eprint",
    "eprintln",
    "write",
    "writeln",
    "panic",
    "trace",
    "debug",
    "info",
    "warn",
    "error",
    "anyhow",
    "bail",
];

/// First path segments that never name another crate.
const NOT_CRATES: &[&str] = &[
    "crate", "self", "super", "Self", "std", "core", "alloc", "bool", "char", "str", "u8", "u16",
    "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32", "f64",
];

struct Walker<'a> {
    toks: Vec<Tok>,
    /// See [`Lexed::comments`].
    comments: Vec<Range<usize>>,
    /// The file.
    text: &'a str,
    /// Its lines, indexed at the first import (see [`Walker::import`]).
    lines: std::cell::OnceCell<LineIndex>,
    /// Offset of the lexed text in the file (after a BOM or shebang).
    base: usize,
    /// Length of the file.
    len: usize,
    /// `const`/`static` name → token ranges of its value expressions.
    consts: HashMap<String, Vec<Range<usize>>>,
    /// Names declared by `mod x` or brought in by `use`, which are not crates.
    locals: HashSet<String>,
    /// `use` statements, in order: start index and the index just past the statement.
    uses: Vec<(usize, usize)>,
    /// Per token, whether it is already part of assembled SQL (template literals,
    /// `concat!` pieces, macros consumed by a sink).
    consumed: Vec<bool>,
    /// Assembled SQL candidates and whether they come from a known sink.
    candidates: Vec<(Embedded, bool)>,
    accesses: Vec<Access>,
    follows: Vec<Follow>,
    /// (crate, line) pairs already reported.
    imported: HashSet<(String, usize)>,
}

impl<'a> Walker<'a> {
    fn new(lexed: Lexed, text: &'a str, base: usize) -> Self {
        let Lexed { toks, comments } = lexed;
        Walker {
            consumed: vec![false; toks.len()],
            toks,
            comments,
            text,
            lines: std::cell::OnceCell::new(),
            base,
            len: text.len(),
            consts: HashMap::default(),
            locals: HashSet::default(),
            uses: Vec::new(),
            candidates: Vec::new(),
            accesses: Vec::new(),
            follows: Vec::new(),
            imported: HashSet::default(),
        }
    }

    // ----- token helpers -------------------------------------------------------------

    /// The identifier or literal `t` as written; empty for other tokens.
    fn text(&self, t: &Tok) -> &'a str {
        match t.kind {
            Kind::Ident(_) | Kind::Lit => self.text.get(t.at.clone()).unwrap_or_default(),
            _ => "",
        }
    }

    fn is_consumed(&self, i: usize) -> bool {
        self.consumed.get(i).copied().unwrap_or(false)
    }

    fn consume(&mut self, i: usize) {
        if let Some(c) = self.consumed.get_mut(i) {
            *c = true;
        }
    }

    /// Byte range of token `i` in the file (empty at the end for a bad index).
    fn range(&self, i: usize) -> Range<usize> {
        match self.toks.get(i) {
            Some(t) => t.at.clone(),
            None => self.len..self.len,
        }
    }

    fn ident(&self, i: usize) -> Option<&str> {
        match self.toks.get(i) {
            Some(t) if matches!(t.kind, Kind::Ident(_)) => Some(self.text(t)),
            _ => None,
        }
    }

    /// Whether token `i` is the identifier `name` (compared as bytes: `name` is whole
    /// characters, so equal bytes are equal text).
    fn is_ident(&self, i: usize, name: &str) -> bool {
        matches!(self.toks.get(i), Some(t) if matches!(t.kind, Kind::Ident(_))
            && self.text.as_bytes().get(t.at.clone()) == Some(name.as_bytes()))
    }

    /// Whether token `i` is the keyword `word` (see [`Word`]).
    fn is_word(&self, i: usize, word: Word) -> bool {
        matches!(self.toks.get(i), Some(Tok { kind: Kind::Ident(w), .. }) if *w == word)
    }

    fn is_punct(&self, i: usize, c: char) -> bool {
        matches!(self.toks.get(i), Some(Tok { kind: Kind::Punct(p, _), .. }) if *p == c)
    }

    fn is_joint(&self, i: usize, c: char) -> bool {
        matches!(self.toks.get(i), Some(Tok { kind: Kind::Punct(p, true), .. }) if *p == c)
    }

    /// `::` at `i`.
    fn is_path_sep(&self, i: usize) -> bool {
        self.is_joint(i, ':') && self.is_punct(i + 1, ':')
    }

    fn open(&self, i: usize) -> Option<char> {
        match self.toks.get(i) {
            Some(Tok {
                kind: Kind::Open(d),
                ..
            }) => Some(*d),
            _ => None,
        }
    }

    fn is_close(&self, i: usize) -> bool {
        matches!(
            self.toks.get(i),
            Some(Tok {
                kind: Kind::Close,
                ..
            })
        )
    }

    /// The index after the token (or whole group) at `i`.
    fn skip(&self, i: usize) -> usize {
        match self.toks.get(i) {
            Some(t) if matches!(t.kind, Kind::Open(_)) => t.close.max(i) + 1,
            _ => i + 1,
        }
    }

    fn string_lit(&self, i: usize) -> Option<&str> {
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Lit && is_string_lit(self.text(t)) => Some(self.text(t)),
            _ => None,
        }
    }

    fn decode_at(&self, i: usize) -> Option<Decoded> {
        let t = self.toks.get(i)?;
        if t.kind != Kind::Lit {
            return None;
        }
        decode(self.text(t), self.range(i).start)
    }

    /// The top-level comma-separated arguments of the group opened at `open`.
    fn args(&self, open: usize) -> Vec<Range<usize>> {
        let Some(t) = self.toks.get(open) else {
            return Vec::new();
        };
        let end = t.close;
        let mut out = Vec::new();
        let mut start = open + 1;
        let mut i = start;
        while i < end {
            if self.is_punct(i, ',') {
                out.push(start..i);
                start = i + 1;
            }
            i = self.skip(i);
        }
        if start < end {
            out.push(start..end);
        }
        out
    }

    /// If an attribute starts at `i` (`#[..]` or `#![..]`), the index of its `[`.
    fn attribute_open(&self, i: usize) -> Option<usize> {
        if !self.is_punct(i, '#') {
            return None;
        }
        let j = if self.is_punct(i + 1, '!') {
            i + 2
        } else {
            i + 1
        };
        (self.open(j) == Some('[')).then_some(j)
    }

    /// End of the statement starting at `i`: index just past the `;` at the same level,
    /// or the enclosing group's closer.
    fn statement_end(&self, mut i: usize) -> usize {
        while i < self.toks.len() {
            if self.is_close(i) {
                return i;
            }
            if self.is_punct(i, ';') {
                return i + 1;
            }
            i = self.skip(i);
        }
        i
    }

    // ----- reporting -----------------------------------------------------------------

    fn import(&mut self, i: usize) {
        let Some(t) = self.toks.get(i) else { return };
        let text = self.text(t);
        let name = bare(text).to_string();
        let prefix = text.len() - name.len();
        let range = self.range(i);
        let (start, end) = (range.start + prefix, range.end);
        let lines = self.lines.get_or_init(|| LineIndex::new(self.text));
        let line = lines.loc(self.text, start, 0).line as usize;
        if self.imported.insert((name.clone(), line)) {
            self.accesses.push(Access::import(
                ImportRef::Package(name),
                start,
                end.saturating_sub(start).max(1),
            ));
        }
    }

    /// A table access on the identifier at `i`.
    fn table_ident(&mut self, kind: AccessKind, i: usize, schema: Option<String>, low: bool) {
        let Some(t) = self.toks.get(i) else { return };
        let text = self.text(t);
        let name = bare(text).to_string();
        let range = self.range(i);
        let start = range.start + (text.len() - name.len());
        let len = range.end.saturating_sub(start).max(1);
        let mut table = TableRef::bare(name);
        table.schema = schema;
        let access = Access::table(kind, table, start, len);
        self.accesses.push(if low { access.low() } else { access });
    }

    /// A table access on the contents of the string literal at `i`.
    fn table_lit(&mut self, kind: AccessKind, i: usize, schema: Option<String>) {
        let Some(d) = self.decode_at(i) else { return };
        let name = d.text.trim();
        if name.is_empty() {
            return;
        }
        let (name, table_schema) = match name.split_once('.') {
            Some((s, n)) if schema.is_none() && !s.is_empty() && !n.is_empty() => {
                (n.to_string(), Some(s.to_string()))
            }
            _ => (name.to_string(), schema),
        };
        let mut table = TableRef::bare(name);
        table.schema = table_schema;
        let len = d.content.len().max(1);
        self.accesses
            .push(Access::table(kind, table, d.content.start, len));
    }

    // ----- first pass: names -----------------------------------------------------------

    /// Collects `mod` names, `use` statements (reporting their imports), `extern crate`,
    /// and the values of `const`/`static` items.
    fn prepass(&mut self) {
        for i in 0..self.toks.len() {
            if self.is_word(i, Word::Mod)
                && let Some(name) = self.ident(i + 1)
            {
                self.locals.insert(bare(name).to_string());
            }
        }
        let mut i = 0;
        while i < self.toks.len() {
            let Kind::Ident(word) = self.toks[i].kind else {
                i += 1;
                continue;
            };
            match word {
                Word::Use if self.use_follows(i + 1) => {
                    let end = self.statement_end(i + 1);
                    self.use_stmt(i + 1, end);
                    self.uses.push((i, end));
                    i = end.max(i + 1);
                    continue;
                }
                Word::Extern if self.is_ident(i + 1, "crate") && self.ident(i + 2).is_some() => {
                    let name = self.ident(i + 2).map(bare).unwrap_or_default();
                    if !NOT_CRATES.contains(&name) {
                        self.import(i + 2);
                    }
                    if self.is_ident(i + 3, "as")
                        && let Some(alias) = self.ident(i + 4)
                    {
                        self.locals.insert(bare(alias).to_string());
                    }
                }
                Word::Const | Word::Static => self.const_item(i),
                _ => {}
            }
            i += 1;
        }
    }

    fn use_follows(&self, i: usize) -> bool {
        self.ident(i).is_some() || self.is_path_sep(i) || self.open(i) == Some('{')
    }

    /// Records a `const NAME: T = value;` (or `static [mut|ref] NAME ..`) starting at `i`.
    fn const_item(&mut self, i: usize) {
        let mut j = i + 1;
        while matches!(self.ident(j), Some("mut" | "ref")) {
            j += 1;
        }
        let Some(name) = self.ident(j).map(|n| bare(n).to_string()) else {
            return;
        };
        if name == "_" || !self.is_punct(j + 1, ':') || self.is_punct(j + 2, ':') {
            return;
        }
        // Find the `=` of the item (not `==`, `=>`, `<=`, ...) at angle depth 0.
        let mut k = j + 2;
        let mut angle: i32 = 0;
        loop {
            let Some(t) = self.toks.get(k) else { return };
            match t.kind {
                Kind::Close => return,
                Kind::Punct(';' | ',', _) if angle == 0 => return,
                Kind::Punct('<', _) => angle += 1,
                Kind::Punct('>', _) if !self.is_joint(k.wrapping_sub(1), '-') => {
                    angle -= 1;
                    if angle < 0 {
                        return;
                    }
                }
                Kind::Punct('=', joint) => {
                    let prev_op = k > 0
                        && matches!(self.toks.get(k - 1),
                            Some(Tok { kind: Kind::Punct(c, true), .. }) if "<>=!".contains(*c));
                    if !joint && !prev_op && angle == 0 {
                        break;
                    }
                }
                _ => {}
            }
            k = self.skip(k);
        }
        let value_start = k + 1;
        let value_end = self.statement_end(value_start);
        let value_end = if self.is_punct(value_end.wrapping_sub(1), ';') {
            value_end - 1
        } else {
            value_end
        };
        if value_start < value_end {
            self.consts
                .entry(name)
                .or_default()
                .push(value_start..value_end);
        }
    }

    /// Reports the crates of a `use` tree spanning `start..end` (without `use`/`;`).
    fn use_stmt(&mut self, start: usize, end: usize) {
        let end = if self.is_punct(end.wrapping_sub(1), ';') {
            end - 1
        } else {
            end
        };
        self.use_tree(start, end, None, None);
    }

    /// One use tree in `start..end`. `root` is the tree's first segment when it is nested
    /// in `a::{..}` (only a root segment can be a crate) and `parent` the segment just
    /// before that `{`. Records the names the tree brings into scope as locals.
    fn use_tree(&mut self, start: usize, end: usize, root: Option<usize>, parent: Option<String>) {
        let mut i = start;
        if root.is_none() && self.is_path_sep(i) {
            i += 2;
        }
        let mut first = root;
        let mut segments = 0usize;
        let mut leaf: Option<String> = None;
        while i < end {
            if self.open(i) == Some('{') {
                let close = self.toks[i].close.min(end);
                let parent = leaf.clone().or(parent);
                let mut s = i + 1;
                let mut k = s;
                while k < close {
                    if self.is_punct(k, ',') {
                        self.use_tree(s, k, first, parent.clone());
                        s = k + 1;
                    }
                    k = self.skip(k);
                }
                if s < close {
                    self.use_tree(s, close, first, parent);
                }
                return;
            }
            if self.is_punct(i, '*') {
                return;
            }
            if let Some(name) = self.ident(i) {
                let name = bare(name).to_string();
                if name == "as" {
                    if let Some(alias) = self.ident(i + 1).map(bare)
                        && alias != "_"
                    {
                        self.locals.insert(alias.to_string());
                    }
                    return;
                }
                if first.is_none() {
                    first = Some(i);
                    if !NOT_CRATES.contains(&name.as_str()) && !self.locals.contains(&name) {
                        self.import(i);
                    }
                }
                segments += 1;
                leaf = Some(name);
            }
            i += 1;
        }
        let introduced = match leaf {
            Some(l) if l == "self" => parent,
            // `use orders_db;` names the crate itself.
            Some(_) if root.is_none() && segments == 1 => None,
            other => other,
        };
        if let Some(name) = introduced
            && !NOT_CRATES.contains(&name.as_str())
        {
            self.locals.insert(name);
        }
    }

    // ----- second pass: everything else ----------------------------------------------

    fn walk(&mut self) {
        let mut i = 0;
        // The next `use` statement at or after `i` (`uses` is in token order).
        let mut next_use = 0;
        while i < self.toks.len() {
            while self.uses.get(next_use).is_some_and(|&(start, _)| start < i) {
                next_use += 1;
            }
            if let Some(&(start, end)) = self.uses.get(next_use)
                && start == i
            {
                i = end.max(i + 1);
                continue;
            }
            if let Some(open) = self.attribute_open(i) {
                self.attribute(open);
                i = self.skip(open);
                continue;
            }
            match self.toks[i].kind {
                Kind::Ident(word) => {
                    self.prose_call(i);
                    if word == Word::Fn && self.is_ident(i + 1, "table_name") {
                        self.table_name_fn(i + 1);
                    }
                    if self.is_punct(i + 1, '!') && self.open(i + 2).is_some() {
                        self.macro_call(i, i + 2);
                    } else {
                        self.call_sink(i);
                    }
                    self.path(i);
                }
                Kind::Lit => self.literal(i),
                _ => {}
            }
            i += 1;
        }
    }

    /// A call or macro at `i` that takes prose (see [`sinks`]): `panic!(..)`,
    /// `Err(format!(..))`, `.expect(..)`, `assert_eq!(.., "..")`. Its strings are
    /// consumed, so they are never read as SQL: every token of the call for messages
    /// (a `format!` inside a `bail!` builds the message too), only the literal
    /// arguments for assertions, whose other arguments are code.
    fn prose_call(&mut self, i: usize) {
        if self.is_consumed(i) {
            // Inside an outer message, already consumed as a whole.
            return;
        }
        let Some(name) = self.ident(i) else { return };
        // Only a name followed by its arguments can be a call: the cheap test first,
        // as this runs for every identifier of the file.
        let bang = self.is_punct(i + 1, '!');
        let open = if bang { i + 2 } else { i + 1 };
        match self.open(open) {
            Some('(') => {}
            // `vec![..]`, `info! { .. }`: a macro takes any delimiter.
            Some(_) if bang => {}
            _ => return,
        }
        let kind = if bang {
            sinks::rust_macro(name)
        } else {
            let method = i > 0 && self.is_punct(i - 1, '.');
            let owner = (i >= 3 && self.is_path_sep(i - 2))
                .then(|| self.ident(i - 3))
                .flatten();
            sinks::rust_call(owner, name, method)
        };
        let Some(SinkKind::NonSql(kind)) = kind else {
            return;
        };
        if kind.covers_nested() {
            let close = self.toks[open].close.min(self.toks.len().saturating_sub(1));
            self.consumed[i..=close].fill(true);
        } else {
            for arg in self.args(open) {
                if arg.len() == 1 && self.string_lit(arg.start).is_some() {
                    self.consume(arg.start);
                }
            }
        }
    }

    /// A string literal outside any known construct.
    fn literal(&mut self, i: usize) {
        if self.is_consumed(i) || self.string_lit(i).is_none() {
            return;
        }
        if let Some(d) = self.decode_at(i) {
            let mut emb = Embedded::new();
            d.push_all(&mut emb);
            self.candidates.push((emb, false));
        }
    }

    /// `krate::...` in code.
    fn path(&mut self, i: usize) {
        if !self.is_path_sep(i + 1) || self.ident(i + 3).is_none() {
            return;
        }
        if let Some(prev) = i.checked_sub(1) {
            if self.is_punct(prev, '$') || self.is_punct(prev, '.') || self.is_punct(prev, '\'') {
                return;
            }
            if prev >= 1 && self.is_path_sep(prev - 1) {
                // `x::krate::..` continues a path; a leading `::krate` starts one.
                let before = prev.checked_sub(2);
                let continues = before.is_some_and(|b| {
                    self.ident(b).is_some() || self.is_punct(b, '>') || self.is_close(b)
                });
                if continues {
                    return;
                }
            }
        }
        let Some(name) = self.ident(i).map(bare) else {
            return;
        };
        if !name.starts_with(|c: char| c.is_ascii_lowercase())
            || NOT_CRATES.contains(&name)
            || self.locals.contains(name)
        {
            return;
        }
        self.import(i);
    }

    /// `name!(..)` with its group opened at `open`.
    fn macro_call(&mut self, i: usize, open: usize) {
        let Some(name) = self.ident(i).map(str::to_string) else {
            return;
        };
        let name = name.as_str();
        if sinks::rust_macro(name) == Some(SinkKind::Sql) {
            let args = self.args(open);
            for arg in args.iter().take(2) {
                if self.string_lit(arg.start).is_some() || self.is_ident(arg.start, "concat") {
                    self.sink(arg.clone());
                    break;
                }
            }
        } else if SQLX_FILE_MACROS.contains(&name) || name == "include_str" {
            let args = self.args(open);
            let take = if name == "include_str" { 1 } else { 2 };
            for arg in args.iter().take(take) {
                if arg.len() == 1 && self.string_lit(arg.start).is_some() {
                    if let Some(d) = self.decode_at(arg.start) {
                        let sql_file = d.text.to_ascii_lowercase().ends_with(".sql");
                        if name == "include_str" && !sql_file {
                            break;
                        }
                        self.consume(arg.start);
                        self.follows.push(Follow {
                            path: d.text.clone(),
                            offset: d.content.start,
                            len: d.content.len(),
                        });
                    }
                    break;
                }
            }
        } else if (FORMAT_MACROS.contains(&name) || name == "concat") && !self.is_consumed(i) {
            let mut emb = Embedded::new();
            if self.assemble_macro(i, &mut emb, true, 0) {
                self.candidates.push((emb, false));
            }
        } else if name == "table" {
            self.diesel_table(open);
        } else if name == "joinable" {
            let end = self.toks[open].close;
            let mut k = open + 1;
            while k < end {
                if self.ident(k).is_some()
                    && (self.is_joint(k + 1, '-') && self.is_punct(k + 2, '>'))
                {
                    self.table_ident(AccessKind::Read, k, None, false);
                    if self.ident(k + 3).is_some() {
                        self.table_ident(AccessKind::Read, k + 3, None, false);
                    }
                    break;
                }
                k = self.skip(k);
            }
        } else if name == "allow_tables_to_appear_in_same_query" {
            for arg in self.args(open) {
                if arg.len() == 1 && self.ident(arg.start).is_some() {
                    self.table_ident(AccessKind::Read, arg.start, None, true);
                }
            }
        }
    }

    /// Calls of SQL-taking functions and methods.
    fn call_sink(&mut self, i: usize) {
        let Some(name) = self.ident(i) else { return };
        let after_dot = i > 0 && self.is_punct(i - 1, '.');
        let mut j = i + 1;
        let is_sink = if after_dot {
            sinks::rust_call(None, name, true) == Some(SinkKind::Sql)
        } else if name == "QueryBuilder" {
            j = self.skip_turbofish(j);
            if self.is_path_sep(j) && self.is_ident(j + 2, "new") {
                j += 3;
                true
            } else {
                false
            }
        } else {
            sinks::rust_call(None, name, false) == Some(SinkKind::Sql)
        };
        if !is_sink {
            return;
        }
        j = self.skip_turbofish(j);
        if self.open(j) != Some('(') {
            return;
        }
        if let Some(first) = self.args(j).into_iter().next() {
            self.sink(first);
        }
    }

    /// After `name` at `j`: skips `::<...>` if present.
    fn skip_turbofish(&self, j: usize) -> usize {
        if !(self.is_path_sep(j) && self.is_punct(j + 2, '<')) {
            return j;
        }
        let mut depth = 0usize;
        let mut k = j + 2;
        while k < self.toks.len() {
            if self.is_close(k) {
                return j;
            }
            if self.is_punct(k, '<') {
                depth += 1;
            } else if self.is_punct(k, '>') && !self.is_joint(k.wrapping_sub(1), '-') {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k + 1;
                }
            }
            k = self.skip(k);
        }
        j
    }

    /// The argument `range` of a known SQL sink: always analysed.
    fn sink(&mut self, range: Range<usize>) {
        let mut emb = Embedded::new();
        if self.append_expr(range, &mut emb, true, 0) {
            self.candidates.push((emb, true));
        }
    }

    /// Appends the string value of the expression `range` to `emb`: literals, `+` joins,
    /// `format!`/`concat!`, `String::from(..)`, `.to_string()` and friends, and
    /// `const`/`static` names of this file; anything else becomes a hole. Returns true
    /// when some real text was appended. `mark` consumes the literals used.
    fn append_expr(
        &mut self,
        range: Range<usize>,
        emb: &mut Embedded,
        mark: bool,
        depth: usize,
    ) -> bool {
        let mut any = false;
        let mut parts = Vec::new();
        let mut s = range.start;
        let mut k = s;
        while k < range.end {
            if self.is_punct(k, '+') && !self.is_joint(k, '+') {
                parts.push(s..k);
                s = k + 1;
            }
            k = self.skip(k);
        }
        parts.push(s..range.end);
        for part in parts {
            any |= self.append_part(part, emb, mark, depth);
        }
        any
    }

    fn append_part(
        &mut self,
        part: Range<usize>,
        emb: &mut Embedded,
        mark: bool,
        depth: usize,
    ) -> bool {
        let (mut s, mut e) = (part.start, part.end);
        while s < e && (self.is_punct(s, '&') || self.is_punct(s, '*') || self.is_ident(s, "mut")) {
            s += 1;
        }
        // Trailing `.as_str()`, `.to_string()`, ...
        while e >= s + 4
            && self.is_punct(e - 4, '.')
            && matches!(
                self.ident(e - 3),
                Some(
                    "as_str"
                        | "to_string"
                        | "to_owned"
                        | "into"
                        | "as_ref"
                        | "clone"
                        | "borrow"
                        | "deref"
                )
            )
            && self.open(e - 2) == Some('(')
            && self.toks[e - 2].close == e - 1
        {
            e -= 4;
        }
        let hole_at = self.range(s).start;
        // `( .. )`
        if s < e && self.open(s) == Some('(') && self.toks[s].close + 1 == e && depth < 8 {
            return self.append_expr(s + 1..e - 1, emb, mark, depth + 1);
        }
        if s >= e {
            emb.push_hole(HOLE, hole_at);
            return false;
        }
        // A literal.
        if e == s + 1 && self.toks[s].kind == Kind::Lit {
            if let Some(d) = self.decode_at(s) {
                if mark {
                    self.consume(s);
                }
                d.push_all(emb);
                return true;
            }
            let repr = self.text(&self.toks[s]).to_string();
            emb.push_decoded(&repr, self.range(s).start);
            return true;
        }
        // `[path::]format!(..)` / `concat!(..)`.
        let mut m = s;
        while self.ident(m).is_some() && self.is_path_sep(m + 1) {
            m += 3;
        }
        if matches!(self.ident(m), Some("format" | "concat"))
            && self.is_punct(m + 1, '!')
            && self.open(m + 2).is_some()
            && self.toks[m + 2].close + 1 == e
            && depth < 8
        {
            self.consume(m);
            return self.assemble_macro(m, emb, mark, depth + 1);
        }
        // `String::from(x)`, `Cow::Borrowed(x)`, `str::to_string(x)`.
        if e >= s + 5
            && self.ident(s).is_some()
            && self.is_path_sep(s + 1)
            && matches!(
                self.ident(s + 3),
                Some("from" | "Borrowed" | "Owned" | "to_string" | "to_owned")
            )
            && self.open(s + 4) == Some('(')
            && self.toks[s + 4].close + 1 == e
            && depth < 8
        {
            return self.append_expr(s + 5..e - 1, emb, mark, depth + 1);
        }
        // A path naming a constant of this file.
        let mut p = s;
        if self.is_path_sep(p) {
            p += 2;
        }
        let mut last = None;
        while p < e && self.ident(p).is_some() {
            last = Some(p);
            if self.is_path_sep(p + 1) {
                p += 3;
            } else {
                p += 1;
            }
        }
        if p == e
            && depth < 8
            && let Some(last) = last
        {
            let name = self.ident(last).map(bare).unwrap_or_default();
            if let Some([value]) = self.consts.get(name).map(Vec::as_slice) {
                let value = value.clone();
                let at = self.toks[s].at.start;
                let used = at..self.toks[e - 1].at.end;
                return self.append_value(name.to_string(), value, used, emb, depth);
            }
        }
        emb.push_hole(HOLE, hole_at);
        false
    }

    /// Appends the value of constant `name` (the expression `value`), used at `used`:
    /// when the value is a table name, it is reported there, with the constant as its
    /// origin; any other value is read where it is written.
    fn append_value(
        &mut self,
        name: String,
        value: Range<usize>,
        used: Range<usize>,
        emb: &mut Embedded,
        depth: usize,
    ) -> bool {
        let defined = match (
            self.toks.get(value.start),
            value.end.checked_sub(1).and_then(|k| self.toks.get(k)),
        ) {
            (Some(a), Some(z)) => a.at.start..z.at.end,
            _ => return false,
        };
        let mut sub = Embedded::new();
        let any = self.append_expr(value.clone(), &mut sub, false, depth + 1);
        if !super::values::is_name(sub.text()) {
            // A fragment or a whole query is read where it is written.
            return self.append_expr(value, emb, false, depth + 1);
        }
        let origin = Origin {
            name,
            place: Place::Here {
                offset: defined.start,
                len: defined.len(),
            },
        };
        emb.push_value(sub.text(), used.start, used.len().max(1), origin);
        any
    }

    /// `format!`-family or `concat!` macro named at `i`: appends its text to `emb`.
    fn assemble_macro(&mut self, i: usize, emb: &mut Embedded, mark: bool, depth: usize) -> bool {
        let open = i + 2;
        if self.open(open).is_none() {
            return false;
        }
        let args = self.args(open);
        if self.is_ident(i, "concat") {
            let mut any = false;
            for arg in args {
                any |= self.append_expr(arg, emb, mark, depth);
            }
            return any;
        }
        let Some(t) = args
            .iter()
            .position(|a| a.len() == 1 && self.string_lit(a.start).is_some())
        else {
            return false;
        };
        let template_idx = args[t].start;
        let Some(template) = self.decode_at(template_idx) else {
            return false;
        };
        if mark {
            self.consume(template_idx);
        }
        let rest = &args[t + 1..];
        let mut positional = Vec::new();
        let mut named: HashMap<String, Range<usize>> = HashMap::default();
        for arg in rest {
            if arg.len() >= 3
                && self.ident(arg.start).is_some()
                && self.is_punct(arg.start + 1, '=')
                && !self.is_joint(arg.start + 1, '=')
            {
                let name = self.ident(arg.start).map(bare).unwrap_or_default();
                named.insert(name.to_string(), arg.start + 2..arg.end);
            } else {
                positional.push(arg.clone());
            }
        }
        self.template(&template, &positional, &named, emb, mark, depth)
    }

    /// Fills a `format!` template: `{{`/`}}` are braces, `{..}` holes take their argument
    /// when it is a literal or a known constant, else a [`HOLE`].
    fn template(
        &mut self,
        d: &Decoded,
        positional: &[Range<usize>],
        named: &HashMap<String, Range<usize>>,
        emb: &mut Embedded,
        mark: bool,
        depth: usize,
    ) -> bool {
        let text = d.text.clone();
        let bytes = text.as_bytes();
        let mut next_pos = 0usize;
        let mut lit_start = 0usize;
        let mut i = 0usize;
        while i < bytes.len() {
            let c = bytes[i];
            if (c == b'{' || c == b'}') && bytes.get(i + 1) == Some(&c) {
                d.push_range(emb, lit_start..i + 1);
                i += 2;
                lit_start = i;
                continue;
            }
            if c != b'{' {
                i += 1;
                continue;
            }
            let Some(close) = text[i..].find('}').map(|k| i + k) else {
                break;
            };
            d.push_range(emb, lit_start..i);
            let spec = &text[i + 1..close];
            let (arg, fmt) = spec.split_once(':').unwrap_or((spec, ""));
            let arg = arg.trim();
            let source: Option<Range<usize>> = if arg.is_empty() {
                next_pos += 1;
                positional.get(next_pos - 1).cloned()
            } else if let Ok(n) = arg.parse::<usize>() {
                positional.get(n).cloned()
            } else {
                named.get(arg).cloned()
            };
            let hole_at = d.file_offset(i);
            match source {
                Some(range) if fmt.is_empty() => {
                    self.append_expr(range, emb, mark, depth + 1);
                }
                None if fmt.is_empty() && !arg.is_empty() => {
                    self.append_const(arg, hole_at, emb, depth + 1);
                }
                _ => emb.push_hole(HOLE, hole_at),
            }
            i = close + 1;
            lit_start = i;
        }
        d.push_range(emb, lit_start..bytes.len());
        true
    }

    /// An implicit `{NAME}` capture: the constant `NAME` of this file, else a hole.
    fn append_const(&mut self, name: &str, hole_at: usize, emb: &mut Embedded, depth: usize) {
        if depth < 8
            && let Some([value]) = self.consts.get(name).map(Vec::as_slice)
        {
            let value = value.clone();
            // The capture as written: `{NAME}`.
            let used = hole_at..hole_at + name.len() + 2;
            self.append_value(name.to_string(), value, used, emb, depth);
            return;
        }
        emb.push_hole(HOLE, hole_at);
    }

    // ----- ORM mappings ----------------------------------------------------------------

    /// An attribute whose `[` is at `open`.
    fn attribute(&mut self, open: usize) {
        let end = self.toks[open].close;
        self.attribute_body(open + 1, 0);
        // Paths in attributes (`#[derive(orders_db::Model)]`) are imports too.
        for k in open + 1..end {
            if self.ident(k).is_some() {
                self.path(k);
            }
        }
    }

    /// The meta item starting at `head`: `diesel(..)`, `table_name = ".."`,
    /// `sea_orm(..)`, or `cfg_attr(pred, meta, ..)` around any of them.
    fn attribute_body(&mut self, head: usize, depth: usize) {
        match self.ident(head) {
            Some("cfg_attr") if self.open(head + 1) == Some('(') && depth < 8 => {
                for arg in self.args(head + 1).into_iter().skip(1) {
                    self.attribute_body(arg.start, depth + 1);
                }
            }
            Some("diesel") if self.open(head + 1) == Some('(') => {
                for arg in self.args(head + 1) {
                    if self.is_ident(arg.start, "table_name") && self.is_punct(arg.start + 1, '=') {
                        let value = arg.start + 2..arg.end;
                        if value.len() == 1 && self.string_lit(value.start).is_some() {
                            self.table_lit(AccessKind::Model, value.start, None);
                        } else if let Some(last) = (value.start..value.end)
                            .rev()
                            .find(|&k| self.ident(k).is_some())
                        {
                            self.table_ident(AccessKind::Model, last, None, false);
                        }
                    }
                }
            }
            Some("table_name")
                if self.is_punct(head + 1, '=') && self.string_lit(head + 2).is_some() =>
            {
                self.table_lit(AccessKind::Model, head + 2, None);
            }
            Some(orm @ ("sea_orm" | "ormx")) if self.open(head + 1) == Some('(') => {
                let key = if orm == "sea_orm" {
                    "table_name"
                } else {
                    "table"
                };
                let args = self.args(head + 1);
                let value_of = |w: &Self, k: &str| {
                    args.iter().find_map(|a| {
                        (a.len() == 3
                            && w.is_ident(a.start, k)
                            && w.is_punct(a.start + 1, '=')
                            && w.string_lit(a.start + 2).is_some())
                        .then_some(a.start + 2)
                    })
                };
                let table = value_of(self, key);
                let schema = value_of(self, "schema_name")
                    .and_then(|k| self.decode_at(k))
                    .map(|d| d.text)
                    .filter(|s| !s.is_empty());
                if let Some(t) = table {
                    self.table_lit(AccessKind::Model, t, schema);
                }
            }
            _ => {}
        }
    }

    /// `fn table_name(&self) -> &str { "cake" }` (SeaORM's `EntityName` written by hand):
    /// `name` is the function's name.
    fn table_name_fn(&mut self, name: usize) {
        if let Some(open) = self.signature(name).map(|f| f.body)
            && self.toks[open].close == open + 2
            && self.string_lit(open + 1).is_some()
        {
            self.table_lit(AccessKind::Model, open + 1, None);
        }
    }

    /// The body of a Diesel `table!` macro opened at `open`.
    fn diesel_table(&mut self, open: usize) {
        let end = self.toks[open].close;
        let mut sql_name: Option<usize> = None;
        let mut i = open + 1;
        while i < end {
            if let Some(attr) = self.attribute_open(i) {
                if self.is_ident(attr + 1, "sql_name")
                    && self.is_punct(attr + 2, '=')
                    && self.string_lit(attr + 3).is_some()
                {
                    sql_name = Some(attr + 3);
                }
                i = self.skip(attr);
                continue;
            }
            if self.is_ident(i, "use") {
                i = self.statement_end(i + 1).max(i + 1);
                continue;
            }
            if self.ident(i).is_some() {
                // `name`, or `schema.name`, then `(pk)`, then `{ columns }`.
                let (schema, name, mut k) =
                    if self.is_punct(i + 1, '.') && self.ident(i + 2).is_some() {
                        (Some(i), i + 2, i + 3)
                    } else {
                        (None, i, i + 1)
                    };
                if self.open(k) == Some('(') {
                    k = self.skip(k);
                }
                if self.open(k) == Some('{') {
                    let schema = schema
                        .and_then(|s| self.ident(s))
                        .map(|s| bare(s).to_string());
                    match sql_name.take() {
                        Some(lit) => self.table_lit(AccessKind::Model, lit, schema),
                        None => self.table_ident(AccessKind::Model, name, schema, false),
                    }
                    i = self.skip(k);
                    continue;
                }
            }
            i = self.skip(i);
        }
    }

    // ----- results ---------------------------------------------------------------------

    fn finish(&mut self, ctx: &Context, out: &mut Extracted) {
        let mut accesses = std::mem::take(&mut self.accesses);
        for (emb, sink) in std::mem::take(&mut self.candidates) {
            accesses.extend(sql::analyze_candidate(&emb, sink, ctx));
        }
        let mut seen = HashSet::default();
        accesses.retain(|a| seen.insert(a.clone()));
        accesses.sort_by(|a, b| a.offset.cmp(&b.offset).then(a.kind.cmp(&b.kind)));
        out.accesses = accesses;
        out.follow = std::mem::take(&mut self.follows);
    }

    // ----- syntax check ----------------------------------------------------------------

    /// Checks the file's syntax with `syn` once its accesses are in `out`, and records
    /// an error as a problem. Only the code around what was found is checked, with the
    /// items that hold it: what [`Self::unchecked`] lists is left out of the text that
    /// is lexed with `proc_macro2` and parsed. A syntax error elsewhere can hide nothing
    /// (the token patterns do not depend on the parse, and the compiler reports it),
    /// and statements, signatures and attributes are most of `syn`'s work. The kept
    /// text is first checked piece by piece against the thread's memo of shapes
    /// ([`Self::known_valid`]); only when a piece fails is it parsed whole, for the
    /// error's message and position.
    fn check_syntax(&self, out: &mut Extracted) {
        let mut found: Vec<usize> = (out.accesses.iter().map(|a| a.offset))
            .chain(out.follow.iter().map(|f| f.offset))
            .collect();
        found.sort_unstable();
        let holds = |first: usize, last: usize| {
            let (Some(first), Some(last)) = (self.toks.get(first), self.toks.get(last)) else {
                return false;
            };
            let at = found.partition_point(|&o| o < first.at.start);
            found.get(at).is_some_and(|&o| o < last.at.end)
        };
        let split = self.unchecked(holds);
        let skip = self.skipped(&split.cuts);
        if self.known_valid(&skip, &split.runs) {
            return;
        }
        let (kept, pieces) = self.splice(self.base..self.len, &skip);
        // Where an offset of the kept text is in the file.
        let in_file = |k: usize| {
            let piece = pieces
                .partition_point(|&(start, _)| start <= k)
                .saturating_sub(1);
            pieces
                .get(piece)
                .map_or(self.len, |&(start, at)| (at + k - start).min(self.len))
        };
        let err = match TokenStream::from_str(&kept) {
            Ok(stream) => match parse_as_file(stream) {
                Ok(()) => return,
                Err(err) => {
                    let range = err.span().byte_range();
                    let at = if range.end == 0 {
                        self.len
                    } else {
                        in_file(range.start)
                    };
                    (at, err.to_string())
                }
            },
            Err(err) => (in_file(err.span().byte_range().start), err.to_string()),
        };
        let (offset, err) = err;
        out.problems.push(Problem {
            offset,
            message: format!(
                "this Rust file did not parse (line {}): {err}; \
                 string literals and paths were still analysed",
                line_of(self.text, offset)
            ),
        });
    }

    /// Whether the text the check parses (the file without `skip`) is valid Rust,
    /// decided in pieces, each from the memo when its shape parsed before: the items
    /// with the kept statement runs (`runs`, token ranges) left out of their bodies,
    /// parsed as a file, and each run, parsed as statements. A `;` at the top level of
    /// a body ends every statement before it and a run ends at one (or at the body's
    /// end), so a body parses exactly when each of its runs does; `false` says only
    /// that some piece did not parse.
    fn known_valid(&self, skip: &[Range<usize>], runs: &[Range<usize>]) -> bool {
        let mut runs: Vec<Range<usize>> = runs.iter().filter_map(|r| self.bytes_of(r)).collect();
        outer_first(&mut runs);
        // The runs the text holds: inside no other run (a function in a kept statement)
        // and inside no left-out range (a function in a body that is left out).
        let outer = outermost(skip);
        let mut runs = outermost(&runs);
        runs.retain(|r| {
            let at = outer.partition_point(|o| o.start <= r.start);
            !(at > 0 && outer.get(at - 1).is_some_and(|o| r.end <= o.end))
        });
        let mut items = skip.to_vec();
        items.extend(runs.iter().cloned());
        outer_first(&mut items);
        let (items, _) = self.splice(self.base..self.len, &items);
        shape::valid(shape::Grammar::File, &items)
            && runs.iter().all(|run| {
                let (statements, _) = self.splice(run.clone(), skip);
                shape::valid(shape::Grammar::Statements, &statements)
            })
    }

    /// The byte ranges the check leaves out of the file: the token ranges `cut` (in any
    /// order) and the comments, ordered by start, a range before those inside it.
    fn skipped(&self, cut: &[Range<usize>]) -> Vec<Range<usize>> {
        let mut skip: Vec<Range<usize>> = (cut.iter().filter_map(|c| self.bytes_of(c)))
            .chain(self.comments.iter().cloned())
            .collect();
        outer_first(&mut skip);
        skip
    }

    /// The bytes of the file that the tokens `toks` span; `None` for no tokens.
    fn bytes_of(&self, toks: &Range<usize>) -> Option<Range<usize>> {
        let first = self.toks.get(toks.start)?;
        let last = self.toks.get(toks.end.checked_sub(1)?)?;
        Some(first.at.start..last.at.end)
    }

    /// The bytes `span` of the file without the ranges `skip` (ordered as
    /// [`Self::skipped`] orders them; a range inside another goes with it), each
    /// replaced by a space; and where each piece of it starts, in it and in the file.
    fn splice(&self, span: Range<usize>, skip: &[Range<usize>]) -> (String, Vec<(usize, usize)>) {
        let mut kept = String::with_capacity(span.len());
        let mut pieces = Vec::new();
        let mut at = span.start;
        let first = skip.partition_point(|r| r.start < span.start);
        for r in skip.get(first..).unwrap_or_default() {
            if r.start >= span.end {
                break;
            }
            if r.start < at {
                continue;
            }
            pieces.push((kept.len(), at));
            kept.push_str(self.text.get(at..r.start).unwrap_or_default());
            kept.push(' ');
            at = r.end;
        }
        pieces.push((kept.len(), at));
        kept.push_str(self.text.get(at..span.end).unwrap_or_default());
        (kept, pieces)
    }

    /// What the syntax check leaves out, as token ranges, each a run of whole trees at
    /// one level, so that what is left is valid Rust whenever the file is. Unless
    /// `holds(first, last)` says that something was found in the tokens `first..=last`:
    /// every attribute; every `use` item; the fields of every `struct` and the variants
    /// of every `enum` (`struct S {}`, `struct T();`); every function, as the whole
    /// item where [`Self::item_start`] finds where it starts, else its signature down
    /// to `fn name()` and its body down to `{}`, each apart; and in a body each
    /// statement (with its `;`) and the closing expression. A `;` at the top level of a
    /// block always ends a statement, so the tokens between two of them are whole
    /// statements (`if .. {} let x = 1;` is two), and leaving them out leaves a valid
    /// block. A body that is left is still valid Rust without its signature (`self`
    /// and `.await` are only names and operators to the parser). Ranges may nest;
    /// [`Self::splice`] skips the inner ones.
    ///
    /// Also the runs of statements it keeps in the bodies it does not leave out whole
    /// (token ranges, each one or more statements up to a `;`, or the closing
    /// expression), which [`Self::known_valid`] checks one by one.
    fn unchecked(&self, holds: impl Fn(usize, usize) -> bool) -> Split {
        let mut cuts = Vec::new();
        let mut runs = Vec::new();
        let mut cut = |from: usize, to: usize| {
            if from < to {
                cuts.push(from..to);
            }
        };
        let close = |open: usize| self.toks.get(open).map_or(open, |t| t.close.max(open));
        for i in 0..self.toks.len() {
            if self.is_punct(i, '#') {
                let open = if self.is_punct(i + 1, '!') {
                    i + 2
                } else {
                    i + 1
                };
                if self.open(open) == Some('[') && !holds(i, close(open)) {
                    cut(i, close(open) + 1);
                }
                continue;
            }
            match self.ident(i) {
                Some("use") => {
                    if let Some(start) = self.item_start(i)
                        && let Some(end) = self.item_end(i)
                        && !holds(start, end)
                    {
                        cut(start, end + 1);
                    }
                }
                Some("struct" | "enum") => {
                    if self.ident(i + 1).is_some()
                        && let Some(open) = self.data_body(i + 1)
                        && !holds(open, close(open))
                    {
                        cut(open + 1, close(open));
                    }
                }
                _ => {}
            }
        }
        for f in self.functions() {
            let end = close(f.body);
            if let Some(start) = self.item_start(f.name - 1)
                && !holds(start, end)
            {
                cut(start, end + 1);
                continue;
            }
            if !holds(f.name, f.body - 1)
                && let Some(params) = f.params
            {
                cut(f.name + 1, params);
                cut(params + 1, close(params));
                cut(close(params) + 1, f.body);
            }
            if !holds(f.body, end) {
                cut(f.body + 1, end);
                continue;
            }
            let (mut from, mut j) = (f.body + 1, f.body + 1);
            while j < end {
                if self.is_punct(j, ';') {
                    if holds(from, j) {
                        runs.push(from..j + 1);
                    } else {
                        cut(from, j + 1);
                    }
                    from = j + 1;
                }
                j = self.skip(j);
            }
            if from < end {
                if holds(from, end - 1) {
                    runs.push(from..end);
                } else {
                    cut(from, end);
                }
            }
        }
        Split { cuts, runs }
    }

    /// Where the item whose keyword (`fn`, `use`) is token `kw` starts, with its
    /// attributes and qualifiers (`#[..]`, `pub(crate)`, `const`, `async`, `unsafe`,
    /// `extern "C"`, `default`), if it stands where an item or statement may start
    /// (the start of the file or of a group, after a `;` or a `}`): then leaving the
    /// whole item out leaves valid Rust. `None` otherwise (`impl Sized + use<'a>`).
    fn item_start(&self, kw: usize) -> Option<usize> {
        const QUALIFIERS: &[&str] = &["pub", "const", "async", "unsafe", "extern", "default"];
        let mut start = kw;
        while let Some(p) = start.checked_sub(1) {
            let t = &self.toks[p];
            start = match t.kind {
                Kind::Ident(_) if QUALIFIERS.contains(&self.text(t)) => p,
                Kind::Lit if p > 0 && self.is_ident(p - 1, "extern") => p - 1,
                Kind::Close => {
                    let open = t.close;
                    match self.open(open) {
                        Some('(') if open > 0 && self.is_ident(open - 1, "pub") => open - 1,
                        Some('[') if open > 0 && self.is_punct(open - 1, '#') => open - 1,
                        Some('[')
                            if open > 1
                                && self.is_punct(open - 1, '!')
                                && self.is_punct(open - 2, '#') =>
                        {
                            open - 2
                        }
                        _ => break,
                    }
                }
                _ => break,
            };
        }
        let Some(before) = start.checked_sub(1) else {
            return Some(start);
        };
        match self.toks[before].kind {
            Kind::Open(_) | Kind::Punct(';', _) => Some(start),
            Kind::Close if self.open(self.toks[before].close) == Some('{') => Some(start),
            _ => None,
        }
    }

    /// The `;` that ends the item whose keyword is token `kw` (`use a::{b, c};`), at
    /// the same level; `None` if the group or file ends first.
    fn item_end(&self, kw: usize) -> Option<usize> {
        let mut j = kw + 1;
        while let Some(t) = self.toks.get(j) {
            match t.kind {
                Kind::Punct(';', _) => return Some(j),
                Kind::Close => return None,
                _ => j = self.skip(j),
            }
        }
        None
    }

    /// The `{..}` or `(..)` holding the fields or variants of the `struct` or `enum`
    /// named at token `name`: the first such group at the same level and outside
    /// `<..>` (`struct S<F = fn(u8)>`), before a `;`. Leaving its contents out leaves
    /// `struct S {}` or `struct S();`; a `(..)` found in a `where` clause instead
    /// (`where F: Fn(u8)`) is left as `Fn()`, which is valid too.
    fn data_body(&self, name: usize) -> Option<usize> {
        let mut angles = 0usize;
        let mut j = name + 1;
        while let Some(t) = self.toks.get(j) {
            match t.kind {
                Kind::Open('{' | '(') if angles == 0 => return Some(j),
                Kind::Punct(';', _) | Kind::Close => return None,
                _ => self.count_angles(j, &mut angles),
            }
            j = self.skip(j);
        }
        None
    }

    /// Every function with a body (`fn name`, then [`Self::signature`]).
    fn functions(&self) -> Vec<Function> {
        (0..self.toks.len())
            .filter(|&i| self.is_word(i, Word::Fn) && self.ident(i + 1).is_some())
            .filter_map(|i| self.signature(i + 1))
            .collect()
    }

    /// The function named at token `name`: its parameter list and the `{` of its body,
    /// at the same level, skipping `(..)` and `[..]`, and outside `<..>` (`F: Fn(u8)`
    /// is not the parameter list; a const generic argument `-> A<{ N }>` is not the
    /// body): the first `(..)` and the first `{..}` before a `;`, the next `fn` or the
    /// end of the enclosing group. `None` without a body. Searches from successive
    /// functions never overlap: a file of bodiless `fn` items is read once.
    fn signature(&self, name: usize) -> Option<Function> {
        // Open `<` of generics; the `>` of `->` closes none.
        let mut angles = 0usize;
        let mut params = None;
        let mut j = name + 1;
        while let Some(t) = self.toks.get(j) {
            // A `{..}` right after `name!` is a macro in the signature (`-> ty!{}`),
            // not the body; after `-> !` it is the body.
            let macro_braces = j >= 2 && self.is_punct(j - 1, '!') && self.ident(j - 2).is_some();
            match t.kind {
                Kind::Open('{') if angles == 0 && !macro_braces => {
                    return Some(Function {
                        name,
                        params,
                        body: j,
                    });
                }
                Kind::Open('(') if angles == 0 && params.is_none() => params = Some(j),
                Kind::Punct(';', _) | Kind::Close => return None,
                Kind::Ident(Word::Fn) => return None,
                _ => self.count_angles(j, &mut angles),
            }
            j = self.skip(j);
        }
        None
    }

    /// Counts the `<..>` open at token `j`: a `<` opens one, a `>` closes one unless
    /// it ends `->`.
    fn count_angles(&self, j: usize, angles: &mut usize) {
        match self.toks.get(j).map(|t| &t.kind) {
            Some(Kind::Punct('<', _)) => *angles += 1,
            Some(Kind::Punct('>', _)) if !(j > 0 && self.is_joint(j - 1, '-')) => {
                *angles = angles.saturating_sub(1);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Confidence, Target};

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
        prepare(text, MAX_CHAIN, &mut Extracted::default())
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
            let (w, _) = prepare(&src, MAX_CHAIN, &mut Extracted::default())
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
                let Some((w, _)) = prepare(&mutated, MAX_CHAIN, &mut Extracted::default()) else {
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
                (first.wrapping_mul(31) ^ last.wrapping_mul(17) ^ seed).wrapping_mul(2654435761)
                    >> 7
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
                let comment =
                    text[at.clone()].starts_with("//") || text[at.clone()].starts_with("/*");
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
            let (w, _) = prepare(src, MAX_CHAIN, &mut Extracted::default())
                .unwrap_or_else(|| panic!("{src}: refused"));
            assert!(parses(src), "{src}: not valid");
            // Without its comments (doc comments among them), still valid.
            let bare = kept(&w, &[]);
            assert!(parses(&bare) && !bare.contains("//"), "{src}: {bare}");
            // The `extern` block's declaration has no body; in the macro, `fn $n` is
            // not taken for a function (`syn` does not parse a macro's body anyway).
            let none = !src.contains("fn ")
                || src.starts_with("extern")
                || src.starts_with("macro_rules! m");
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
                        let out = analyse(&src, &ctx, SMALL_STACK_CHAIN);
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
                let short = analyse(&broken(SMALL_STACK_CHAIN - 8), &ctx, SMALL_STACK_CHAIN);
                let long = analyse(&broken(SMALL_STACK_CHAIN + 8), &ctx, SMALL_STACK_CHAIN);
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
            let out = analyse(&src, &ctx, MAX_CHAIN);
            let a = &out.accesses[0];
            assert_eq!(&src[a.offset..a.offset + a.len], "orders_db");
            // A syntax error's offset, from `proc_macro2`'s span in the checked text.
            let src = format!("{prefix}fn f() {{ let a = 1; /* é */ let = orders_db::x(); }}");
            let out = analyse(&src, &ctx, MAX_CHAIN);
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
            let w = prepare(&text, MAX_CHAIN, &mut Extracted::default());
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
                            let ours: Vec<_> =
                                ours.toks.into_iter().map(|t| (t.kind, t.at)).collect();
                            assert_eq!(ours, theirs, "{}", path.display());
                        }
                        (None, Ok(_)) => eprintln!("{}: only proc_macro2 refuses", path.display()),
                        (Some(_), Err(e)) => panic!("{}: only ours refuses: {e:?}", path.display()),
                        (None, Err(_)) => {}
                    }
                    // Leaving out what the syntax check may never makes an error:
                    // a file whose whole parse succeeds still parses.
                    if let Some((w, _)) = prepare(&text, MAX_CHAIN, &mut Extracted::default())
                        && parses(&text[base..])
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
                    if let Some((w, _)) = prepare(&text, MAX_CHAIN, &mut Extracted::default()) {
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
}
