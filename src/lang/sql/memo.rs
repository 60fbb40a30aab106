//! Per-file memo of parse outcomes by statement shape.
//!
//! Migrations, seeds and dumps repeat the same statement with other values
//! (`INSERT INTO t (a, b) VALUES (1, 'x')` thousands of times), and sqlparser's parse,
//! AST walk and drop are most of the cost of a large `.sql` file. A statement whose
//! tokens (in one dialect) equal an earlier statement's, except for the values of
//! string and small number literals, is not parsed again: the earlier outcome is
//! reused, with every name moved to the corresponding token of the new statement.
//!
//! # Why a reused outcome equals a fresh parse
//!
//! - **Same control flow.** The parser branches on token kinds, keywords and
//!   punctuation, which the key keeps verbatim (whitespace and comments too). It reads
//!   a literal's value only to copy it into the AST, to parse a number as `u64`/`i64`
//!   (every integer of at most 9 digits succeeds, every decimal fails) and to test
//!   `ends_with('.')` (never true of the numbers blanked). So both statements succeed
//!   or fail alike and build the same tree, token for token.
//! - **Literal values reach only literal nodes.** sqlparser can also turn a string
//!   into an identifier (`AS 'x'`, `'a'.b`), which the name classification reads (a
//!   multi-table DELETE target, a CTE). An outcome is only remembered when every
//!   blanked token of the statement ends up as a literal node spanning exactly that
//!   token, so no identifier holds a blanked value.
//! - **Names come from identifier tokens.** An outcome is only remembered when every
//!   name part spans exactly one identifier token, which the key keeps verbatim; the
//!   reused name takes the new statement's token position.
//!
//! A rejection is remembered too (the same control flow fails alike), so a dump in
//! MySQL syntax does not pay for PostgreSQL's failed parse on every statement.
//!
//! # Bounds
//!
//! The memo holds at most [`MAX_TOKENS`] tokens (it starts over when full) and
//! [`MAX_BUCKET`] statements per hash value (so crafted collisions cannot make
//! lookups quadratic), leaves out statements of more than [`MAX_STATEMENT_TOKENS`]
//! (a copy would double the parse's peak memory), and turns itself off for the rest
//! of a file whose statements rarely repeat, so a file of distinct statements pays
//! for at most [`PROBATION`] copies of their tokens.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use sqlparser::ast::{Ident, Statement};
use sqlparser::tokenizer::{Span, Token, TokenWithSpan};

use super::DialectId;
use super::ast::{self, Class, Found};

/// Tokens kept in all keys together before the memo starts over (a few MiB).
const MAX_TOKENS: usize = 1 << 17;

/// Entries kept per hash value: a lookup compares the tokens of at most this many.
const MAX_BUCKET: usize = 4;

/// Longer statements are parsed without the memo.
const MAX_STATEMENT_TOKENS: usize = MAX_TOKENS / 4;

/// Lookups after which a memo with a low hit rate turns itself off.
const PROBATION: usize = 256;

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

/// The token as the key holds it: a blanked literal of the same class.
fn blank(t: &Token) -> Token {
    match lit(t) {
        Some(Lit::Str) => Token::SingleQuotedString(String::new()),
        Some(Lit::Int) => Token::Number("0".into(), false),
        Some(Lit::Dec) => Token::Number("0.0".into(), false),
        None => t.clone(),
    }
}

/// `blank(t) == *held`, without building `blank(t)`: a key holds only blanked
/// literals, one per class.
fn matches(held: &Token, t: &Token) -> bool {
    match lit(t) {
        Some(l) => lit(held) == Some(l),
        None => held == t,
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

fn hash(dialect: DialectId, tokens: &[TokenWithSpan]) -> u64 {
    let mut h = Fx::default();
    dialect.hash(&mut h);
    tokens.len().hash(&mut h);
    for t in tokens {
        match lit(&t.token) {
            Some(l) => l.hash(&mut h),
            None => t.token.hash(&mut h),
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

/// One name part of a remembered outcome: the identifier and its token's index.
struct Part {
    value: String,
    quote_style: Option<char>,
    token: usize,
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
    key: Vec<Token>,
    outcome: Outcome,
}

/// A statement's tokens, copied before the parser consumes them.
pub(crate) struct Key {
    dialect: DialectId,
    hash: u64,
    tokens: Vec<Token>,
    spans: Vec<Span>,
}

/// The memo of one file.
#[derive(Default)]
pub(crate) struct Memo {
    entries: HashMap<u64, Vec<Entry>>,
    held: usize,
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
        let hash = hash(dialect, tokens);
        let entry = self.entries.get(&hash).and_then(|list| {
            list.iter().find(|e| {
                e.dialect == dialect
                    && e.key.len() == tokens.len()
                    && e.key.iter().zip(tokens).all(|(k, t)| matches(k, &t.token))
            })
        });
        match entry.map(|e| &e.outcome) {
            Some(Outcome::Rejected) => {
                self.hits += 1;
                Known::Rejected
            }
            Some(Outcome::Parsed(shape)) => {
                self.hits += 1;
                Known::Parsed(Parsed {
                    found: shape
                        .found
                        .iter()
                        .map(|(class, parts)| Found {
                            class: *class,
                            name: parts
                                .iter()
                                .map(|p| Ident {
                                    value: p.value.clone(),
                                    quote_style: p.quote_style,
                                    span: tokens[p.token].span,
                                })
                                .collect(),
                        })
                        .collect(),
                    temps: shape.temps.clone(),
                    has_body: shape.has_body,
                })
            }
            None => Known::New(Key {
                dialect,
                hash,
                tokens: tokens.iter().map(|t| blank(&t.token)).collect(),
                spans: tokens.iter().map(|t| t.span).collect(),
            }),
        }
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
        if self.held + key.tokens.len() > MAX_TOKENS {
            self.entries.clear();
            self.held = 0;
        }
        let bucket = self.entries.entry(key.hash).or_default();
        if bucket.len() < MAX_BUCKET {
            self.held += key.tokens.len();
            bucket.push(Entry {
                dialect: key.dialect,
                key: key.tokens,
                outcome,
            });
        }
    }
}

/// The outcome by token index, if it depends on no blanked value (see the module
/// documentation).
fn shape(key: &Key, stmts: &[Statement], parsed: &Parsed) -> Option<Shape> {
    let mut literals = ast::literal_spans(stmts);
    literals.sort_unstable();
    let blanked = key
        .tokens
        .iter()
        .zip(&key.spans)
        .filter(|(t, _)| lit(t).is_some());
    for (_, span) in blanked {
        literals.binary_search(span).ok()?;
    }
    // The tokenizer emits tokens in order, so their spans are sorted.
    let token_of = |id: &Ident| {
        let i = key.spans.binary_search(&id.span).ok()?;
        matches!(key.tokens[i], Token::Word(_)).then_some(i)
    };
    let mut found = Vec::with_capacity(parsed.found.len());
    for f in &parsed.found {
        let parts = f
            .name
            .iter()
            .map(|id| {
                Some(Part {
                    value: id.value.clone(),
                    quote_style: id.quote_style,
                    token: token_of(id)?,
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
