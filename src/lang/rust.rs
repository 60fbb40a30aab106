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

//! # Layout
//!
//! This file is the entry point: the limits, the worker threads with a large stack,
//! and [`extract`], which lexes the file, walks it and checks its syntax. The rules
//! live beside it, one file per concern, all as methods of the one [`Walker`] that
//! holds a file's tokens and what was found:
//!
//! * [`lex`]: the tokens, and [`strings`]: string literals decoded with a map back to
//!   the file.
//! * [`walker`]: the walk itself (names first, then everything else) and the token
//!   helpers every rule uses.
//! * [`queries`]: SQL sinks and query macros, `query_file!`/`include_str!`, and the
//!   calls whose text is prose (never SQL).
//! * [`values`]: the string value of an expression (literals, joins, `format!`,
//!   `concat!`, constants), which the sinks analyse.
//! * [`orm`]: Diesel, SeaORM and ormx table mappings.
//! * [`migrations`]: SeaORM migrations and SeaQuery schema statements
//!   (`Table::create().table(Orders::Table)`).
//! * [`imports`]: `use` trees, `extern crate` and qualified paths.
//! * [`modules`]: table names held in constants of another module of the crate.
//! * [`syntax`] and [`shape`]: the syntax check with `syn` and its memo of shapes.

mod imports;
mod lex;
mod migrations;
mod modules;
mod orm;
mod queries;
mod shape;
mod strings;
mod syntax;
mod values;
mod walker;

#[cfg(test)]
mod tests;

use super::values::Known;
use super::{Context, Extracted, Problem};
use modules::{Crate, module_of};

pub use modules::crate_root;
use syntax::longest_chain;
use walker::Walker;

/// Byte strings whose presence means a Rust file may map a table the registry does not
/// know (Diesel and SeaORM mappings, SeaORM migrations), or pull in a SQL file. SQL text in string literals
/// is covered by [`sql::MARKERS`], which a prefilter should also apply to Rust files.
pub const MARKERS: &[&str] = &[
    "Table::create",
    "Table::alter",
    "Table::drop",
    "Table::rename",
    "Table::truncate",
    "Index::create",
    "Index::drop",
    "ForeignKey::create",
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

/// Extracts the accesses of one Rust file.
pub fn extract(path: &str, text: &str, ctx: &Context) -> Extracted {
    extract_with(path, text, ctx, None)
}

/// Like [`extract`], with the constants the other modules of the file's crate define
/// (keyed by crate path, see [`modules`]), for the paths this file names them by.
pub fn extract_with(path: &str, text: &str, ctx: &Context, known: Option<&Known>) -> Extracted {
    let krate = Crate {
        module: module_of(path),
        known,
    };
    if BIG_STACK.get() {
        return analyse(text, &krate, ctx, MAX_CHAIN);
    }
    // Elsewhere (`ownlint init`'s workers, tests), a thread with the large stack per file.
    let run = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("ownlint-rust".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || analyse(text, &krate, ctx, MAX_CHAIN))
            .map(|handle| handle.join())
    });
    match run {
        Ok(Ok(out)) => out,
        // A bug: the caller's `catch_unwind` makes it an `internal-error` (exit code 3).
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        // No thread available: analyse on the caller's stack (at least the 2 MiB of a
        // default thread), with the syntax check limited to short chains.
        Err(_) => analyse(text, &krate, ctx, SMALL_STACK_CHAIN),
    }
}

/// The analysis proper, on the current thread; files whose operator chains exceed
/// `chain_limit` skip the syntax check. Afterwards (also when unwinding from a panic)
/// the copy of the file that `proc_macro2` keeps in this thread's source map is
/// dropped, so a long-lived thread does not accumulate every file it analysed.
fn analyse(text: &str, krate: &Crate<'_>, ctx: &Context, chain_limit: usize) -> Extracted {
    struct ForgetSpans;
    impl Drop for ForgetSpans {
        fn drop(&mut self) {
            proc_macro2::extra::invalidate_current_thread_spans();
        }
    }
    let _forget = ForgetSpans;
    let mut out = Extracted::default();
    if let Some((mut walker, checked)) = prepare(text, krate, chain_limit, &mut out) {
        walker.finish(ctx, &mut out);
        if checked {
            walker.check_syntax(&mut out);
        }
    }
    out
}

/// Lexes and walks the file, a module of `krate`. `None` when the file is refused (recorded in `out`);
/// otherwise the walker (holding the SQL candidates not yet analysed) and whether the
/// file's operator chains allow the syntax check.
fn prepare<'a>(
    text: &'a str,
    krate: &Crate<'a>,
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
    walker.krate = krate.clone();
    walker.prepass();
    walker.crate_names();
    walker.walk();
    Some((walker, checked))
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

/// The file as the language-neutral [`View`](super::view::View) the drift rules read:
/// `::` as one token, string literals decoded (other literals opaque), and nothing of
/// test code: an item under `#[cfg(test)]` or `#[test]` is left out whole. A file
/// the lexer refuses is an empty view (its extraction reports it).
pub fn view(text: &str) -> super::view::View<'_> {
    let mut b = super::view::Builder::new(text);
    let base = prelude_len(text);
    let Ok(lexed) = lex::lex(text, base, MAX_DEPTH) else {
        return b.finish(super::Language::Rust, false);
    };
    let toks = &lexed.toks;
    let word = |k: usize| match toks.get(k) {
        Some(t) if matches!(t.kind, lex::Kind::Ident(_)) => text.get(t.at.clone()),
        _ => None,
    };
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        match &t.kind {
            lex::Kind::Punct('#', _) if is_test_attribute(toks, i, word) => {
                // Skip the attribute and the item it marks, up to its body's end.
                let body = (i..(i + 64).min(toks.len()))
                    .find(|&k| matches!(toks[k].kind, lex::Kind::Open('{')));
                match body {
                    Some(k) if toks[k].close > k => {
                        i = toks[k].close + 1;
                        continue;
                    }
                    _ => {}
                }
            }
            lex::Kind::Punct(':', true)
                if matches!(
                    toks.get(i + 1).map(|n| &n.kind),
                    Some(lex::Kind::Punct(':', _))
                ) =>
            {
                b.punct(t.at.start, t.at.start + 2);
                i += 2;
                continue;
            }
            _ => {}
        }
        match &t.kind {
            lex::Kind::Ident(_) => b.ident(t.at.start, t.at.end),
            lex::Kind::Punct(..) | lex::Kind::Open(_) | lex::Kind::Close => {
                b.punct(t.at.start, t.at.end);
            }
            lex::Kind::Lit => {
                let repr = text.get(t.at.clone()).unwrap_or_default();
                match strings::decode(repr, t.at.start) {
                    Some(d) if strings::is_string_lit(repr) => {
                        b.string(t.at.start, t.at.end, d.text)
                    }
                    _ => b.punct(t.at.start, t.at.start),
                }
            }
        }
        i += 1;
    }
    b.finish(super::Language::Rust, true)
}

/// True when tokens from `i` are `#[cfg(test)]` or `#[test]`.
fn is_test_attribute<'t>(
    toks: &[lex::Tok],
    i: usize,
    word: impl Fn(usize) -> Option<&'t str>,
) -> bool {
    if !matches!(toks.get(i + 1).map(|t| &t.kind), Some(lex::Kind::Open('['))) {
        return false;
    }
    match word(i + 2) {
        Some("test") => true,
        Some("cfg") => {
            matches!(toks.get(i + 3).map(|t| &t.kind), Some(lex::Kind::Open('(')))
                && word(i + 4) == Some("test")
                && matches!(toks.get(i + 5).map(|t| &t.kind), Some(lex::Kind::Close))
        }
        _ => false,
    }
}
