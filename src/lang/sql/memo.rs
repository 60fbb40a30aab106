//! A memo of parse outcomes by statement shape, kept per worker thread across files.
//!
//! Statements repeat their shape far more than their text: migrations, seeds and dumps
//! repeat one `INSERT INTO t (a, b) VALUES (1, 'x')` with other values thousands of
//! times, and code repeats `SELECT a, b FROM t WHERE c = $1` with other tables and
//! columns in file after file. sqlparser's parse, AST walk and drop are most of the
//! cost of SQL. A statement whose tokens (in one dialect) equal an earlier statement's,
//! except for the values of string and small number literals and the names of plain
//! identifiers, is not parsed again: the earlier outcome is reused, with every name
//! moved to the corresponding token of the new statement and read from it.
//!
//! A plain identifier is an unquoted word that is no keyword, or a keyword used as a
//! field name (right after a `.` and not before a `(`: `t.status`, `o.window`), of at
//! least three characters, all lowercase ASCII letters, digits and `_`, starting with
//! a letter (`orders`, `user_id`, `t2_x`), and none of the few words sqlparser compares
//! names with ([`COMPARED`]). The key replaces each by the order of its first occurrence in
//! the statement (`a.x = b.x` keeps that both `x` are one name), so every equality
//! between names, which decides CTE references and DELETE targets, is the same in
//! both statements. A statement in which a plain identifier equals, ignoring case,
//! a word the key keeps verbatim (`orders` and `"orders"`, or `ORDERS`), or occurs in
//! the text of another verbatim token that could become a name (MySQL reads
//! `FROM "Orders"` as a table), is not looked up: that equality would not be in the
//! key.
//!
//! # Why a reused outcome equals a fresh parse
//!
//! - **Same control flow.** The parser branches on token kinds, keywords and
//!   punctuation, which the key keeps verbatim (whitespace and comments too). It reads
//!   a literal's value only to copy it into the AST, to parse a number as `u64`/`i64`
//!   (every integer of at most 9 digits succeeds, every decimal fails) and to test
//!   `ends_with('.')` (never true of the numbers blanked). It reads the value of a
//!   word that is no keyword, in sqlparser 0.63 with the four dialects ownlint uses,
//!   only to copy it into the AST and at these places, none of which a plain
//!   identifier can tell apart: a leading `_` (MySQL string introducers) or `@`
//!   (MS SQL variables), a `.` inside (BigQuery), a `-` after it (BigQuery), the
//!   words `N`, `t`, `d` and `ts`, and the words of [`COMPARED`]. A keyword right
//!   after a `.` and not before a `(` is read without its keyword in every place the
//!   parser takes a word after a `.` (see [`field`]), so there it is a name like any
//!   other. So both statements succeed or fail alike and build the same tree, node
//!   for node, with other names and values in it.
//! - **Literal values reach only literal nodes.** sqlparser can also turn a string
//!   into an identifier (`AS 'x'`, `'a'.b`), which the name classification reads (a
//!   multi-table DELETE target, a CTE). An outcome is only remembered when every
//!   blanked literal of the statement ends up as a literal node spanning exactly that
//!   token, so no identifier holds a blanked value.
//! - **Names come from identifier tokens.** An outcome is only remembered when every
//!   name part spans exactly one word token and has its value, so the reused name is
//!   the new statement's token at that position. The classification compares names
//!   only with each other, which the key's numbering keeps; the temporary tables a
//!   statement creates are remembered by value, so an outcome whose temporary table is
//!   a plain identifier is not remembered.
//!
//! A rejection is remembered too (the same control flow fails alike), so a dump in
//! MySQL syntax does not pay for PostgreSQL's failed parse on every statement.
//!
//! # Bounds
//!
//! A thread's memo holds at most [`MAX_TOKENS`] tokens (it starts over when full) and
//! [`MAX_BUCKET`] statements per hash value (so crafted collisions cannot make
//! lookups quadratic), leaves out statements of more than [`MAX_STATEMENT_TOKENS`]
//! tokens or [`MAX_NAMES`] distinct plain identifiers, and turns itself off for the
//! rest of a file whose statements rarely repeat, so a file of distinct statements
//! pays for at most [`PROBATION`] copies of their tokens.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use sqlparser::ast::{Ident, Statement};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Span, Token, TokenWithSpan, Word};

use super::DialectId;
use super::ast::{self, Class, Found};

/// Tokens kept in a thread's keys together before the memo starts over (a few MiB).
const MAX_TOKENS: usize = 1 << 17;

/// Entries kept per hash value: a lookup compares the tokens of at most this many.
const MAX_BUCKET: usize = 4;

/// Longer statements are parsed without the memo.
const MAX_STATEMENT_TOKENS: usize = MAX_TOKENS / 4;

/// Statements with more distinct plain identifiers are parsed without the memo (it
/// keeps the search for a name's number, and for a verbatim word equal to one, short).
const MAX_NAMES: usize = 64;

/// Lookups after which a memo with a low hit rate turns itself off.
const PROBATION: usize = 256;

/// Words sqlparser compares a name that is no keyword with, ignoring case (`xmlparse`
/// calls, `PERMUTE` in MATCH_RECOGNIZE, `STORAGE DISK|MEMORY`): never blanked.
const COMPARED: &[&str] = &["xmlparse", "permute", "disk", "memory"];

/// A literal whose value the key leaves out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Lit {
    /// `'…'`.
    Str,
    /// 1 to 9 digits: parses as any integer type sqlparser asks for.
    Int,
    /// 1 to 9 digits, `.`, 1 to 9 digits: parses as no integer type.
    Dec,
}

fn digits(s: &str) -> bool {
    (1..=9).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

fn lit(t: &Token) -> Option<Lit> {
    match t {
        Token::SingleQuotedString(_) => Some(Lit::Str),
        Token::Number(n, false) if digits(n) => Some(Lit::Int),
        Token::Number(n, false) => n
            .split_once('.')
            .filter(|(a, b)| digits(a) && digits(b))
            .map(|_| Lit::Dec),
        _ => None,
    }
}

/// True for a plain identifier (see the module documentation): a word of the plain
/// form that is no keyword, or a keyword read as a field name, token `i` of `tokens`.
fn plain(w: &Word, tokens: &[TokenWithSpan], i: usize) -> bool {
    let v = w.value.as_bytes();
    w.quote_style.is_none()
        && v.len() >= 3
        && v[0].is_ascii_lowercase()
        && v.iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !COMPARED.contains(&w.value.as_str())
        && (w.keyword == Keyword::NoKeyword || field(tokens, i))
}

/// Whether the word at `i` is a field name: right after a `.` and not before a `(`
/// (whitespace between them aside), as in `t.status` or `o.window`. There sqlparser
/// 0.63 takes any word as an identifier without reading its keyword: a compound
/// expression takes a word not followed by `(` with `parse_identifier`, and so do
/// object names (`a.b`, and BigQuery's `a-b.c`), qualified wildcards (`t.x.*`),
/// period-separated lists and `parse_identifiers`; a JSON path and an operator name
/// copy its text. Before a `(` it may be a function (`parse_prefix`), so it stays.
fn field(tokens: &[TokenWithSpan], i: usize) -> bool {
    let solid = |t: &&TokenWithSpan| !matches!(t.token, Token::Whitespace(_));
    let before = tokens.get(..i).and_then(|b| b.iter().rev().find(solid));
    let after = tokens.get(i + 1..).and_then(|a| a.iter().find(solid));
    before.is_some_and(|t| t.token == Token::Period)
        && after.is_none_or(|t| t.token != Token::LParen)
}

/// How the key holds one token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Slot {
    /// The token itself.
    Verbatim,
    /// A literal of this class, its value left out.
    Lit(Lit),
    /// A plain identifier, its name left out: the `n`th distinct one of the statement.
    Name(u8),
}

/// The slots of a statement's tokens and its plain identifiers by number, or `None`
/// when the memo cannot hold it (too many names, or a name equal to a verbatim word).
fn slots(tokens: &[TokenWithSpan]) -> Option<(Vec<Slot>, Vec<&str>)> {
    let mut names: Vec<&str> = Vec::new();
    let mut slots = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        let slot = match &t.token {
            Token::Word(w) if plain(w, tokens, i) => {
                let n = match names.iter().position(|n| *n == w.value) {
                    Some(n) => n,
                    None if names.len() < MAX_NAMES => {
                        names.push(&w.value);
                        names.len() - 1
                    }
                    None => return None,
                };
                Slot::Name(u8::try_from(n).ok()?)
            }
            token => lit(token).map_or(Slot::Verbatim, Slot::Lit),
        };
        slots.push(slot);
    }
    let clash = tokens
        .iter()
        .zip(&slots)
        .any(|(t, slot)| *slot == Slot::Verbatim && may_name(&t.token, &names));
    (!clash).then_some((slots, names))
}

/// Whether a verbatim token may become a name equal, ignoring case, to one of
/// `names`: a word with such a value, or any token with text that is not known to be
/// inert and whose text contains one (a MySQL `"string"` can be a table name).
fn may_name(t: &Token, names: &[&str]) -> bool {
    match t {
        Token::Word(w) => names.iter().any(|n| n.eq_ignore_ascii_case(&w.value)),
        Token::Whitespace(_)
        | Token::Number(..)
        | Token::Comma
        | Token::Period
        | Token::LParen
        | Token::RParen
        | Token::SemiColon
        | Token::Eq
        | Token::Neq
        | Token::Lt
        | Token::Gt
        | Token::LtEq
        | Token::GtEq
        | Token::Plus
        | Token::Minus
        | Token::Mul
        | Token::Div
        | Token::Colon
        | Token::DoubleColon
        | Token::LBracket
        | Token::RBracket
        | Token::EOF => false,
        Token::Placeholder(p)
            if p == "?"
                || p.strip_prefix('$')
                    .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit())) =>
        {
            false
        }
        other => {
            let text = other.to_string().to_ascii_lowercase();
            names.iter().any(|n| text.contains(n))
        }
    }
}

/// FxHash's mixing (rustc's hasher): SipHash took two thirds of a lookup, and a
/// key's quality matters little here: every hash match is compared token by token
/// and a bucket holds at most [`MAX_BUCKET`] entries, so collisions cost time, never
/// a wrong result.
#[derive(Default)]
struct Fx(u64);

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(word) ^ rest.len() as u64);
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

fn hash(dialect: DialectId, tokens: &[TokenWithSpan], slots: &[Slot]) -> u64 {
    let mut h = Fx::default();
    dialect.hash(&mut h);
    tokens.len().hash(&mut h);
    for (t, slot) in tokens.iter().zip(slots) {
        slot.hash(&mut h);
        if *slot == Slot::Verbatim {
            t.token.hash(&mut h);
        }
    }
    h.finish()
}

/// What a parse gives the analysis of one statement.
pub(crate) struct Parsed {
    pub found: Vec<Found>,
    pub temps: Vec<String>,
    /// A function or procedure: its `$$` bodies are analysed too.
    pub has_body: bool,
}

impl Parsed {
    pub(crate) fn of(stmts: &[Statement]) -> Parsed {
        let collected = ast::collect(stmts);
        Parsed {
            found: collected.found,
            temps: collected.temps,
            has_body: stmts.iter().any(|s| {
                matches!(
                    s,
                    Statement::CreateFunction(_) | Statement::CreateProcedure { .. }
                )
            }),
        }
    }
}

/// One name part of a remembered outcome: the index of its word token.
struct Part {
    token: usize,
    quote_style: Option<char>,
}

/// A remembered parse: the names by token index.
struct Shape {
    found: Vec<(Class, Vec<Part>)>,
    temps: Vec<String>,
    has_body: bool,
}

enum Outcome {
    Rejected,
    Parsed(Shape),
}

struct Entry {
    dialect: DialectId,
    slots: Vec<Slot>,
    /// The tokens of the [`Slot::Verbatim`] slots, in order.
    verbatim: Vec<Token>,
    outcome: Outcome,
}

impl Entry {
    fn matches(&self, dialect: DialectId, tokens: &[TokenWithSpan], slots: &[Slot]) -> bool {
        let mut verbatim = self.verbatim.iter();
        self.dialect == dialect
            && self.slots == slots
            && tokens
                .iter()
                .zip(slots)
                .filter(|(_, slot)| **slot == Slot::Verbatim)
                .all(|(t, _)| verbatim.next() == Some(&t.token))
    }
}

/// A statement's tokens as the key holds them, taken before the parser consumes them.
pub(crate) struct Key {
    dialect: DialectId,
    hash: u64,
    slots: Vec<Slot>,
    verbatim: Vec<Token>,
    spans: Vec<Span>,
    /// The plain identifiers, by number.
    names: Vec<String>,
}

impl Key {
    /// The value of each token that is a word.
    fn words(&self) -> Vec<Option<&str>> {
        let mut verbatim = self.verbatim.iter();
        self.slots
            .iter()
            .map(|slot| match slot {
                Slot::Name(n) => self.names.get(usize::from(*n)).map(String::as_str),
                Slot::Lit(_) => None,
                Slot::Verbatim => match verbatim.next()? {
                    Token::Word(w) => Some(w.value.as_str()),
                    _ => None,
                },
            })
            .collect()
    }
}

/// The memos of one thread: statements repeat across files.
#[derive(Default)]
struct Store {
    entries: HashMap<u64, Vec<Entry>>,
    held: usize,
}

thread_local! {
    static STORE: RefCell<Store> = RefCell::new(Store::default());
}

/// The memo as one file (or one string) uses it: the thread's entries, and this
/// file's lookups, which turn it off when they rarely hit.
#[derive(Default)]
pub(crate) struct Memo {
    lookups: usize,
    hits: usize,
}

/// What the memo knows of a statement.
pub(crate) enum Known {
    /// The dialect rejects it.
    Rejected,
    Parsed(Parsed),
    /// Not seen: parse it and [`Memo::record`] the outcome with this key.
    New(Key),
    /// The memo cannot hold it: parse it.
    Unfit,
}

impl Memo {
    /// Whether to look these tokens up: not too many of them, and the memo still on
    /// (it turns off for the rest of the file when, after [`PROBATION`] lookups,
    /// fewer than one in eight hit).
    pub(crate) fn wants(&self, tokens: &[TokenWithSpan]) -> bool {
        tokens.len() <= MAX_STATEMENT_TOKENS
            && (self.lookups < PROBATION || self.hits * 8 >= self.lookups)
    }

    /// How many lookups were answered (for tests).
    #[cfg(test)]
    pub(crate) fn hits(&self) -> usize {
        self.hits
    }

    /// Looks a statement's tokens up.
    pub(crate) fn lookup(&mut self, dialect: DialectId, tokens: &[TokenWithSpan]) -> Known {
        self.lookups += 1;
        let Some((slots, names)) = slots(tokens) else {
            return Known::Unfit;
        };
        let hash = hash(dialect, tokens, &slots);
        let known = STORE.with_borrow(|store| {
            let entry = store
                .entries
                .get(&hash)
                .and_then(|list| list.iter().find(|e| e.matches(dialect, tokens, &slots)))?;
            Some(match &entry.outcome {
                Outcome::Rejected => Known::Rejected,
                Outcome::Parsed(shape) => Known::Parsed(reuse(shape, tokens)),
            })
        });
        if let Some(known) = known {
            self.hits += 1;
            return known;
        }
        Known::New(Key {
            dialect,
            hash,
            verbatim: tokens
                .iter()
                .zip(&slots)
                .filter(|(_, slot)| **slot == Slot::Verbatim)
                .map(|(t, _)| t.token.clone())
                .collect(),
            names: names.iter().map(|n| n.to_string()).collect(),
            slots,
            spans: tokens.iter().map(|t| t.span).collect(),
        })
    }

    /// Remembers the outcome of parsing the statement of `key`: `None` when the
    /// dialect rejected it, else its statements and what the analysis took from
    /// them. An outcome that might depend on a blanked value is not remembered.
    pub(crate) fn record(&mut self, key: Key, parsed: Option<(&[Statement], &Parsed)>) {
        let outcome = match parsed {
            None => Outcome::Rejected,
            Some((stmts, parsed)) => match shape(&key, stmts, parsed) {
                Some(s) => Outcome::Parsed(s),
                None => return,
            },
        };
        STORE.with_borrow_mut(|store| {
            let size = key.slots.len();
            if store.held + size > MAX_TOKENS {
                store.entries.clear();
                store.held = 0;
            }
            let bucket = store.entries.entry(key.hash).or_default();
            if bucket.len() < MAX_BUCKET {
                store.held += size;
                bucket.push(Entry {
                    dialect: key.dialect,
                    slots: key.slots,
                    verbatim: key.verbatim,
                    outcome,
                });
            }
        });
    }
}

/// A remembered outcome for a statement of the same key: its names read from its
/// own tokens.
fn reuse(shape: &Shape, tokens: &[TokenWithSpan]) -> Parsed {
    let ident = |p: &Part| {
        let t = &tokens[p.token];
        Ident {
            value: match &t.token {
                Token::Word(w) => w.value.clone(),
                _ => String::new(),
            },
            quote_style: p.quote_style,
            span: t.span,
        }
    };
    Parsed {
        found: shape
            .found
            .iter()
            .map(|(class, parts)| Found {
                class: *class,
                name: parts.iter().map(ident).collect(),
            })
            .collect(),
        temps: shape.temps.clone(),
        has_body: shape.has_body,
    }
}

/// The outcome by token index, if it depends on no blanked value (see the module
/// documentation).
fn shape(key: &Key, stmts: &[Statement], parsed: &Parsed) -> Option<Shape> {
    let mut blanked = key
        .slots
        .iter()
        .zip(&key.spans)
        .filter(|(slot, _)| matches!(slot, Slot::Lit(_)))
        .peekable();
    // Walking the tree for its literals only matters when some were blanked.
    if blanked.peek().is_some() {
        let mut literals = ast::literal_spans(stmts);
        literals.sort_unstable();
        for (_, span) in blanked {
            literals.binary_search(span).ok()?;
        }
    }
    if parsed.temps.iter().any(|t| key.names.contains(t)) {
        return None;
    }
    let words = key.words();
    // The tokenizer emits tokens in order, so their spans are sorted.
    let token_of = |id: &Ident| {
        let i = key.spans.binary_search(&id.span).ok()?;
        (words[i] == Some(id.value.as_str())).then_some(i)
    };
    let mut found = Vec::with_capacity(parsed.found.len());
    for f in &parsed.found {
        let parts = f
            .name
            .iter()
            .map(|id| {
                Some(Part {
                    token: token_of(id)?,
                    quote_style: id.quote_style,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        found.push((f.class, parts));
    }
    Some(Shape {
        found,
        temps: parsed.temps.clone(),
        has_body: parsed.has_body,
    })
}
