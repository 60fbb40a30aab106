//! Keyword scanning: the low-confidence fallback for statements no dialect parses, and
//! the `looks_like_sql` test for string literals.
//!
//! Both run over a small lexer that skips comments, yields quoted identifiers as names
//! and string literals as opaque tokens, and never looks back more than a few tokens.
//! Everything here is a single pass, streaming, with no recursion: the only state that
//! grows with the input is a stack of one bit per open parenthesis.

use std::collections::HashSet;

use super::split::{Nesting, Options, dollar_tag_len, skip_comment, skip_quoted};
use super::{HOLE, NamePart, RawName};
use crate::lang::{ident_bytes, line_end};
use crate::model::AccessKind;

/// A lexical token. Offsets are absolute byte offsets in the scanned text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A bare word: keyword or identifier.
    Word {
        start: usize,
        end: usize,
    },
    /// `"x"`, `` `x` `` or `[x]`: `start..end` is the content without quotes.
    Quoted {
        start: usize,
        end: usize,
    },
    /// A string literal `'…'` (or a dollar-quote marker `$tag$`).
    Str,
    /// A bind parameter: `$1`, `?`, `:name`, `@name`.
    Param,
    /// A number.
    Number,
    Dot,
    Comma,
    LParen,
    RParen,
    Semi,
    /// A colon followed by whitespace or the end: prose, not SQL.
    ProseColon,
    Other,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_byte(b: u8) -> bool {
    IDENT[usize::from(b)]
}

static IDENT: [bool; 256] = ident_bytes(b"$");

/// A streaming lexer over `text[start..end]`.
pub(crate) struct Lexer<'a> {
    b: &'a [u8],
    i: usize,
    end: usize,
    backslash: bool,
    nesting: Nesting,
    hash_comments: bool,
}

impl<'a> Lexer<'a> {
    /// A lexer reading quotes and comments as the splitter does with `opts`.
    pub(crate) fn new(text: &'a str, start: usize, end: usize, opts: Options) -> Self {
        Lexer {
            b: text.as_bytes(),
            i: start,
            end: end.min(text.len()),
            backslash: opts.backslash_escapes,
            nesting: opts.nesting,
            hash_comments: opts.hash_comments,
        }
    }
}

impl Lexer<'_> {
    /// The offset after the last token read (where the next one's blanks start).
    pub(crate) fn pos(&self) -> usize {
        self.i
    }
}

impl Iterator for Lexer<'_> {
    type Item = Tok;

    fn next(&mut self) -> Option<Tok> {
        let b = &self.b[..self.end];
        loop {
            let i = self.i;
            let c = *b.get(i)?;
            match c {
                c if c.is_ascii_whitespace() => self.i += 1,
                b'-' if b.get(i + 1) == Some(&b'-') => self.i = line_end(b, i),
                b'#' if self.hash_comments || i == 0 || b[i - 1] == b'\n' => {
                    self.i = line_end(b, i)
                }
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    self.i = skip_comment(b, i, &mut self.nesting).unwrap_or(b.len());
                }
                b'\'' => {
                    self.i = skip_quoted(b, i, self.backslash).unwrap_or(b.len());
                    return Some(Tok::Str);
                }
                b'"' | b'`' => {
                    // Unterminated: the content runs to the end.
                    let (end, inner_end) = match skip_quoted(b, i, false) {
                        Some(e) => (e, e - 1),
                        None => (b.len(), b.len()),
                    };
                    self.i = end;
                    return Some(Tok::Quoted {
                        start: i + 1,
                        end: inner_end,
                    });
                }
                b'[' => {
                    // SQL Server bracket identifier, only when it closes on the same line.
                    let close = b[i..]
                        .iter()
                        .take_while(|&&c| c != b'\n')
                        .position(|&c| c == b']');
                    match close {
                        Some(p) if p > 1 => {
                            self.i = i + p + 1;
                            return Some(Tok::Quoted {
                                start: i + 1,
                                end: i + p,
                            });
                        }
                        _ => {
                            self.i += 1;
                            return Some(Tok::Other);
                        }
                    }
                }
                b'$' => {
                    if let Some(n) = dollar_tag_len(b, i) {
                        self.i = i + n;
                        return Some(Tok::Str);
                    }
                    let mut j = i + 1;
                    while j < b.len() && is_ident_byte(b[j]) {
                        j += 1;
                    }
                    self.i = j;
                    return Some(if j > i + 1 { Tok::Param } else { Tok::Other });
                }
                b'?' => {
                    self.i += 1;
                    return Some(Tok::Param);
                }
                b':' | b'@' => {
                    let next = b.get(i + 1).copied();
                    if c == b':' && next == Some(b':') {
                        self.i += 2;
                        return Some(Tok::Other);
                    }
                    if next.is_some_and(is_ident_start) {
                        let mut j = i + 1;
                        while j < b.len() && is_ident_byte(b[j]) {
                            j += 1;
                        }
                        self.i = j;
                        return Some(Tok::Param);
                    }
                    self.i += 1;
                    if c == b':' && next.is_none_or(|n| n.is_ascii_whitespace()) {
                        return Some(Tok::ProseColon);
                    }
                    return Some(Tok::Other);
                }
                b'.' => {
                    self.i += 1;
                    return Some(Tok::Dot);
                }
                b',' => {
                    self.i += 1;
                    return Some(Tok::Comma);
                }
                b'(' => {
                    self.i += 1;
                    return Some(Tok::LParen);
                }
                b')' => {
                    self.i += 1;
                    return Some(Tok::RParen);
                }
                b';' => {
                    self.i += 1;
                    return Some(Tok::Semi);
                }
                c if c.is_ascii_digit() => {
                    let mut j = i + 1;
                    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                        j += 1;
                    }
                    self.i = j;
                    return Some(Tok::Number);
                }
                c if is_ident_start(c) => {
                    let mut j = i + 1;
                    while j < b.len() && is_ident_byte(b[j]) {
                        j += 1;
                    }
                    self.i = j;
                    return Some(Tok::Word { start: i, end: j });
                }
                _ => {
                    self.i += 1;
                    return Some(Tok::Other);
                }
            }
        }
    }
}

/// Words that are never table names in the positions the scanner looks at.
const RESERVED: &[&str] = &[
    "all",
    "and",
    "as",
    "by",
    "case",
    "cascade",
    "cross",
    "default",
    "distinct",
    "dual",
    "else",
    "end",
    "except",
    "exists",
    "fetch",
    "for",
    "from",
    "full",
    "group",
    "having",
    "if",
    "in",
    "inner",
    "intersect",
    "into",
    "is",
    "join",
    "lateral",
    "left",
    "limit",
    "natural",
    "not",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "restrict",
    "returning",
    "right",
    "select",
    "set",
    "stdin",
    "stdout",
    "table",
    "then",
    "to",
    "union",
    "unnest",
    "using",
    "values",
    "value",
    "when",
    "where",
    "window",
    "with",
];

/// English words that follow "from", "into", "update"… in prose, never in SQL.
const DETERMINERS: &[&str] = &[
    "the", "an", "this", "that", "these", "those", "my", "your", "our", "their", "his", "her",
    "its", "every", "each", "some", "any",
];

fn word(text: &str, t: Tok) -> Option<&str> {
    match t {
        Tok::Word { start, end } => Some(&text[start..end]),
        _ => None,
    }
}

fn is_kw(text: &str, t: Tok, kw: &str) -> bool {
    word(text, t).is_some_and(|w| w.eq_ignore_ascii_case(kw))
}

fn in_list(w: &str, list: &[&str]) -> bool {
    list.iter().any(|k| w.eq_ignore_ascii_case(k))
}

/// A name-like token: an identifier that is not reserved, or a quoted identifier.
fn name_like(text: &str, t: Tok) -> bool {
    match t {
        Tok::Quoted { .. } => true,
        Tok::Word { start, end } => {
            let w = &text[start..end];
            !in_list(w, RESERVED) && !in_list(w, DETERMINERS)
        }
        _ => false,
    }
}

/// Why the scanner wants a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// FROM / JOIN / USING: a list of sources (`FROM a x, b y`).
    From,
    /// INSERT INTO / MERGE INTO.
    Into,
    /// UPDATE: confirmed only by a later SET (or a MySQL multi-table join).
    Update,
    /// TRUNCATE [TABLE] a, b.
    Truncate,
    /// CREATE/ALTER/DROP TABLE, CREATE VIEW, CREATE INDEX … ON.
    Ddl { temp: bool, list: bool },
    /// REFERENCES.
    References,
    /// COPY name.
    Copy,
}

enum Mode {
    Idle,
    Want(AccessKind, Origin),
    /// Reading a dotted name; `dot` is true right after a `.`.
    Name {
        kind: AccessKind,
        origin: Origin,
        parts: Vec<NamePart>,
        dot: bool,
    },
    /// A complete name, waiting for the next tokens to confirm it.
    After {
        kind: AccessKind,
        origin: Origin,
        name: RawName,
        /// Words seen since the name (alias, AS).
        words: u8,
    },
    /// After a committed name in a list: an alias, then `,` continues the list.
    List {
        kind: AccessKind,
        origin: Origin,
        words: u8,
    },
}

/// The FROM-syntax functions: `EXTRACT(x FROM y)`, `SUBSTRING(x FROM 2)`, …
const FROM_FUNCS: &[&str] = &[
    "extract",
    "substring",
    "substr",
    "trim",
    "overlay",
    "position",
];

/// Scans `text[start..end]` for table names by keyword. Calls `emit` for each name
/// found, in order; `temps` collects temporary tables created by the text (their
/// names, lowercased), and names already in `temps` are not reported.
pub(crate) fn fallback(
    text: &str,
    start: usize,
    end: usize,
    opts: Options,
    temps: &mut HashSet<String>,
    emit: &mut dyn FnMut(AccessKind, RawName),
) {
    let mut mode = Mode::Idle;
    // Index of the current token, and of the last INSERT-like / DDL verb tokens.
    let mut n: usize = 0;
    let mut insert_at: Option<usize> = None;
    let mut ddl_at: Option<(usize, AccessKind)> = None;
    let mut temp_at: Option<usize> = None;
    let mut index_pending = false;
    let mut first_word: Option<String> = None;
    let mut prev: Option<Tok> = None;
    // One entry per open parenthesis: true for FROM-syntax functions.
    let mut parens: Vec<bool> = Vec::new();

    let mut commit =
        |kind: AccessKind, origin: Origin, name: RawName, temps: &mut HashSet<String>| {
            let Some(last) = name.parts.last() else {
                return;
            };
            if last.value.contains(HOLE) || last.value.is_empty() {
                return;
            }
            let folded = if last.quoted {
                last.value.clone()
            } else {
                last.value.to_lowercase()
            };
            if let Origin::Ddl { temp: true, .. } = origin {
                temps.insert(folded);
                return;
            }
            if name.parts.len() == 1 && temps.contains(&folded) {
                return;
            }
            emit(kind, name);
        };

    for tok in Lexer::new(text, start, end, opts) {
        n += 1;
        // Continue a pending name first; a token that does not fit falls through to
        // the keyword rules below.
        let mut reprocess = true;
        mode = match std::mem::replace(&mut mode, Mode::Idle) {
            Mode::Idle => Mode::Idle,
            Mode::Want(kind, origin) => {
                let filler = word(text, tok).is_some_and(|w| {
                    in_list(w, &["if", "not", "exists", "only", "table"])
                        || (origin == Origin::Update && in_list(w, &["low_priority", "ignore"]))
                });
                if filler {
                    reprocess = false;
                    Mode::Want(kind, origin)
                } else if name_like(text, tok) {
                    reprocess = false;
                    Mode::Name {
                        kind,
                        origin,
                        parts: vec![part(text, tok)],
                        dot: false,
                    }
                } else {
                    Mode::Idle
                }
            }
            Mode::Name {
                kind,
                origin,
                mut parts,
                dot,
            } => {
                if dot && matches!(tok, Tok::Word { .. } | Tok::Quoted { .. }) {
                    reprocess = false;
                    if parts.len() < 4 {
                        parts.push(part(text, tok));
                    }
                    Mode::Name {
                        kind,
                        origin,
                        parts,
                        dot: false,
                    }
                } else if !dot && tok == Tok::Dot {
                    reprocess = false;
                    Mode::Name {
                        kind,
                        origin,
                        parts,
                        dot: true,
                    }
                } else if dot {
                    Mode::Idle
                } else {
                    Mode::After {
                        kind,
                        origin,
                        name: RawName { parts },
                        words: 0,
                    }
                }
            }
            other => other,
        };
        // A complete name: decide with this token whether it is a table.
        if matches!(mode, Mode::After { .. })
            && let Mode::After {
                kind,
                origin,
                name,
                words,
            } = std::mem::replace(&mut mode, Mode::Idle)
        {
            mode = match origin {
                // `FROM f(x)`: a function, not a table.
                Origin::From if tok == Tok::LParen && words == 0 => Mode::Idle,
                Origin::Update => {
                    if is_kw(text, tok, "set")
                        || tok == Tok::Comma
                        || word(text, tok).is_some_and(|w| {
                            in_list(
                                w,
                                &["join", "inner", "left", "right", "cross", "straight_join"],
                            )
                        })
                    {
                        commit(kind, origin, name, temps);
                        Mode::Idle
                    } else if words < 2 && (is_kw(text, tok, "as") || name_like(text, tok)) {
                        reprocess = false;
                        Mode::After {
                            kind,
                            origin,
                            name,
                            words: words + 1,
                        }
                    } else {
                        Mode::Idle
                    }
                }
                _ => {
                    let list = matches!(
                        origin,
                        Origin::From | Origin::Truncate | Origin::Ddl { list: true, .. }
                    );
                    commit(kind, origin, name, temps);
                    if list {
                        Mode::List {
                            kind,
                            origin,
                            words: 0,
                        }
                    } else {
                        Mode::Idle
                    }
                }
            };
        }
        if matches!(mode, Mode::List { .. })
            && let Mode::List {
                kind,
                origin,
                words,
            } = std::mem::replace(&mut mode, Mode::Idle)
        {
            mode = if tok == Tok::Comma {
                reprocess = false;
                Mode::Want(kind, origin)
            } else if origin == Origin::From
                && words < 2
                && (is_kw(text, tok, "as") || name_like(text, tok))
            {
                reprocess = false;
                Mode::List {
                    kind,
                    origin,
                    words: words + 1,
                }
            } else {
                Mode::Idle
            };
        }

        if reprocess {
            match tok {
                Tok::LParen => {
                    let is_func = prev
                        .and_then(|p| word(text, p))
                        .is_some_and(|w| in_list(w, FROM_FUNCS));
                    parens.push(is_func);
                }
                Tok::RParen => {
                    parens.pop();
                }
                Tok::Semi => {
                    mode = Mode::Idle;
                    insert_at = None;
                    ddl_at = None;
                    temp_at = None;
                    index_pending = false;
                    first_word = None;
                    parens.clear();
                }
                Tok::Word { start: ws, end: we } => {
                    // Keywords are short; longer words only matter as the first word.
                    let w = if we - ws <= 16 {
                        text[ws..we].to_ascii_lowercase()
                    } else {
                        String::new()
                    };
                    if first_word.is_none() {
                        first_word = Some(w.clone());
                    }
                    let first = first_word.as_deref().unwrap_or("");
                    match w.as_str() {
                        "from" => {
                            let distinct = prev.is_some_and(|p| is_kw(text, p, "distinct"));
                            let in_func = parens.last().copied().unwrap_or(false);
                            let delete = prev.is_some_and(|p| is_kw(text, p, "delete"));
                            if delete {
                                mode = Mode::Want(AccessKind::Write, Origin::Into);
                            } else if !(distinct
                                || in_func
                                || (first == "copy" && parens.is_empty()))
                            {
                                mode = Mode::Want(AccessKind::Read, Origin::From);
                            }
                        }
                        "join" => mode = Mode::Want(AccessKind::Read, Origin::From),
                        "using" if first == "delete" || first == "merge" => {
                            mode = Mode::Want(AccessKind::Read, Origin::From)
                        }
                        "insert" | "replace" | "upsert" | "merge" => insert_at = Some(n),
                        "into" if insert_at.is_some_and(|at| n - at <= 4) => {
                            mode = Mode::Want(AccessKind::Write, Origin::Into);
                        }
                        "update" => {
                            // Not `ON UPDATE CASCADE`, `FOR UPDATE`, `DO UPDATE SET`.
                            let after = prev
                                .and_then(|p| word(text, p))
                                .is_some_and(|p| in_list(p, &["on", "for", "do", "key", "no"]));
                            if !after {
                                mode = Mode::Want(AccessKind::Write, Origin::Update);
                            }
                        }
                        "truncate" => mode = Mode::Want(AccessKind::Write, Origin::Truncate),
                        "copy" if n == 1 => mode = Mode::Want(AccessKind::Write, Origin::Copy),
                        "create" | "alter" | "drop" | "rename" => {
                            ddl_at = Some((n, AccessKind::Ddl));
                            temp_at = None;
                        }
                        "temp" | "temporary" => temp_at = Some(n),
                        "index" if first == "create" => index_pending = true,
                        "on" if index_pending => {
                            index_pending = false;
                            mode = Mode::Want(
                                AccessKind::Ddl,
                                Origin::Ddl {
                                    temp: false,
                                    list: false,
                                },
                            );
                        }
                        "table" | "view" => {
                            if let Some((at, kind)) = ddl_at
                                && n - at <= 5
                            {
                                let temp = temp_at.is_some_and(|t| t > at);
                                let list = first == "drop" || first == "rename";
                                mode = Mode::Want(kind, Origin::Ddl { temp, list });
                                ddl_at = None;
                            }
                        }
                        "to" if first == "rename" => {
                            mode = Mode::Want(
                                AccessKind::Ddl,
                                Origin::Ddl {
                                    temp: false,
                                    list: true,
                                },
                            );
                        }
                        "references" => {
                            mode = Mode::Want(AccessKind::ForeignKey, Origin::References)
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        prev = Some(tok);
    }
    // A name at the very end of the text.
    match mode {
        Mode::Name {
            kind,
            origin,
            parts,
            dot: false,
        } if origin != Origin::Update => commit(kind, origin, RawName { parts }, temps),
        Mode::After {
            kind, origin, name, ..
        } if origin != Origin::Update => commit(kind, origin, name, temps),
        _ => {}
    }
}

fn part(text: &str, t: Tok) -> NamePart {
    match t {
        Tok::Quoted { start, end } => NamePart {
            value: text[start..end].to_string(),
            quoted: true,
            offset: start,
            len: end - start,
        },
        Tok::Word { start, end } => NamePart {
            value: text[start..end].to_string(),
            quoted: false,
            offset: start,
            len: end - start,
        },
        _ => NamePart {
            value: String::new(),
            quoted: false,
            offset: 0,
            len: 0,
        },
    }
}

/// How many leading tokens `looks_like_sql` inspects.
const LOOK_TOKENS: usize = 4096;

/// The statement keywords a SQL string literal starts with.
const STARTS: &[&str] = &[
    "select", "insert", "update", "delete", "with", "create", "alter", "drop", "truncate", "merge",
    "copy", "replace", "upsert",
];

/// See [`super::looks_like_sql`].
pub(crate) fn looks_like_sql(s: &str) -> bool {
    let trimmed = s.trim_end();
    if trimmed.ends_with('.') || trimmed.ends_with('!') {
        return false;
    }
    // Most string literals are not SQL: decide on the first word before lexing the
    // rest (the answer is false without a statement keyword, whatever follows).
    let lead = Lexer::new(s, 0, s.len(), Options::default())
        .take(LOOK_TOKENS)
        .find(|t| *t != Tok::LParen);
    if !lead
        .and_then(|t| word(s, t))
        .is_some_and(|w| in_list(w, STARTS))
    {
        return false;
    }
    let toks: Vec<Tok> = Lexer::new(s, 0, s.len(), Options::default())
        .take(LOOK_TOKENS)
        .collect();
    if toks.contains(&Tok::ProseColon) {
        return false;
    }
    let Some(first) = toks.iter().position(|t| *t != Tok::LParen) else {
        return false;
    };
    let t = &toks[first..];
    let Some(kw) = word(s, t[0]).map(str::to_ascii_lowercase) else {
        return false;
    };
    if !STARTS.contains(&kw.as_str()) {
        return false;
    }
    let kw_at = |i: usize, k: &str| t.get(i).is_some_and(|&x| is_kw(s, x, k));
    let name_at = |i: usize| t.get(i).is_some_and(|&x| name_like(s, x));
    // Index of the first token after a (possibly dotted) name starting at `i`.
    let after_name = |mut i: usize| {
        i += 1;
        while t.get(i) == Some(&Tok::Dot) && t.get(i + 1).is_some() {
            i += 2;
        }
        i
    };
    let skip = |mut i: usize, words: &[&str]| {
        while t
            .get(i)
            .and_then(|&x| word(s, x))
            .is_some_and(|w| in_list(w, words))
        {
            i += 1;
        }
        i
    };
    match kw.as_str() {
        "select" => (1..t.len())
            .any(|i| kw_at(i, "from") && (name_at(i + 1) || t.get(i + 1) == Some(&Tok::LParen))),
        "with" => {
            let as_paren =
                (1..t.len()).any(|i| kw_at(i, "as") && t.get(i + 1) == Some(&Tok::LParen));
            let body = (1..t.len()).any(|i| {
                ["select", "insert", "update", "delete"]
                    .iter()
                    .any(|k| kw_at(i, k))
            });
            as_paren && body
        }
        "insert" | "replace" | "upsert" => {
            let Some(into) = (1..t.len().min(6)).find(|&i| kw_at(i, "into")) else {
                return false;
            };
            if !name_at(into + 1) {
                return false;
            }
            let rest = after_name(into + 1);
            t.get(rest..).is_some_and(|r| {
                r.iter().any(|&x| {
                    x == Tok::LParen
                        || [
                            "values", "value", "select", "set", "default", "with", "table",
                        ]
                        .iter()
                        .any(|k| is_kw(s, x, k))
                })
            })
        }
        "update" => {
            let i = skip(1, &["only", "low_priority", "ignore"]);
            name_at(i) && (i + 1..t.len()).any(|j| kw_at(j, "set"))
        }
        "delete" => (1..t.len().min(5)).any(|i| kw_at(i, "from") && name_at(i + 1)),
        "create" | "alter" | "drop" => {
            const OBJECTS: &[&str] = &[
                "table",
                "index",
                "view",
                "schema",
                "sequence",
                "function",
                "procedure",
                "trigger",
                "type",
                "extension",
                "database",
                "policy",
                "domain",
            ];
            let Some(obj) = (1..t.len().min(8)).find(|&i| OBJECTS.iter().any(|k| kw_at(i, k)))
            else {
                return false;
            };
            let i = skip(obj + 1, &["if", "not", "exists", "concurrently", "only"]);
            name_at(i) || kw_at(i, "on")
        }
        "truncate" => {
            let mut i = skip(1, &["table", "only"]);
            loop {
                if !name_at(i) {
                    return false;
                }
                i = after_name(i);
                match t.get(i) {
                    Some(Tok::Comma) => i += 1,
                    None | Some(Tok::Semi) => return true,
                    Some(&x) => {
                        return ["restart", "continue", "cascade", "restrict"]
                            .iter()
                            .any(|k| is_kw(s, x, k));
                    }
                }
            }
        }
        "merge" => kw_at(1, "into") && name_at(2) && (3..t.len()).any(|i| kw_at(i, "using")),
        "copy" => {
            if t.get(1) == Some(&Tok::LParen) {
                return (2..t.len()).any(|i| kw_at(i, "select"));
            }
            if !name_at(1) {
                return false;
            }
            (after_name(1)..t.len()).any(|i| {
                (kw_at(i, "from") || kw_at(i, "to"))
                    && t.get(i + 1).is_some_and(|&x| {
                        x == Tok::Str
                            || ["stdin", "stdout", "program"]
                                .iter()
                                .any(|k| is_kw(s, x, k))
                            || word(s, x).is_some_and(|w| w.contains(HOLE))
                    })
            })
        }
        _ => false,
    }
}

/// Words that join operands into left-deep expression chains.
const INFIX_WORDS: &[&str] = &[
    "and", "or", "is", "like", "ilike", "in", "between", "collate", "xor", "div", "mod", "regexp",
    "rlike", "similar", "overlaps", "not", "at",
];

/// Words that start a new clause (and so a new expression tree).
const CLAUSE_WORDS: &[&str] = &[
    "select",
    "from",
    "where",
    "group",
    "having",
    "order",
    "limit",
    "offset",
    "values",
    "set",
    "on",
    "join",
    "returning",
    "using",
    "window",
    "qualify",
];

/// An upper bound on how deep sqlparser's AST for `text[start..end]` may get, or
/// `None` once it exceeds `limit`.
///
/// sqlparser bounds recursion while parsing, but builds left-deep trees iteratively
/// for chains of infix operators (`1 + 1 + … + 1`, `a OR b OR …`, `x::a::b…`) and set
/// operations (`SELECT 1 UNION SELECT 2 UNION …`), and visiting or dropping such a tree
/// recurses once per link. This counts, per parenthesis level, the operators since
/// the last comma or clause keyword (set operations separately, as they span clauses)
/// and sums them over the open levels.
pub(crate) fn depth_within(
    text: &str,
    start: usize,
    end: usize,
    opts: Options,
    limit: usize,
) -> Option<usize> {
    // Per open level: (operator chain, set-operation chain).
    let mut levels: Vec<(usize, usize)> = vec![(0, 0)];
    let mut total = 0usize;
    let mut max = 0usize;
    for tok in Lexer::new(text, start, end, opts) {
        match tok {
            Tok::LParen => levels.push((0, 0)),
            Tok::RParen => {
                if levels.len() > 1
                    && let Some((a, b)) = levels.pop()
                {
                    total -= a + b;
                }
            }
            Tok::Comma | Tok::Semi => {
                if let Some(top) = levels.last_mut() {
                    total -= top.0;
                    top.0 = 0;
                }
            }
            Tok::Other | Tok::Dot => {
                if let Some(top) = levels.last_mut() {
                    top.0 += 1;
                    total += 1;
                }
            }
            Tok::Word { start: ws, end: we } => {
                let w = &text[ws..we];
                if let Some(top) = levels.last_mut() {
                    if in_list(w, &["union", "intersect", "except", "minus"]) {
                        top.1 += 1;
                        total += 1;
                    } else if in_list(w, INFIX_WORDS) {
                        top.0 += 1;
                        total += 1;
                    } else if in_list(w, CLAUSE_WORDS) {
                        total -= top.0;
                        top.0 = 0;
                    }
                }
            }
            _ => {}
        }
        max = max.max(total + levels.len());
        if max > limit {
            return None;
        }
    }
    Some(max)
}
