//! Ruby: ActiveRecord models, migrations and schema dumps, and SQL in strings and
//! heredocs.
//!
//! A hand-written lexer knows comments (`#`, `=begin`/`=end`, `__END__`), strings with
//! `#{}` interpolation, `%q`/`%Q`/`%w`-style literals, heredocs (`<<~SQL`, the usual home
//! of SQL in Rails code), regexps and symbols, so prose and comments never look like
//! code. Statements are then walked with a flat stack of open calls (explicit `(...)`
//! calls and paren-less command calls such as `create_table :orders do |t|`), and a
//! stack of `def`/`do`/`end` blocks tells which method a statement belongs to (to leave
//! out `def down`). Nothing recurses.
//!
//! Imports (`require`, `require_relative`) are not reported: Ruby loads by load path and
//! autoloading (Zeitwerk), so a `require` names neither a package the manifests know nor
//! a reliable file.

use super::embedded::Embedded;
use super::sinks::{self, SinkKind};
use super::{Context, Extracted, sql};
use crate::model::{Access, AccessKind, Origin, TableRef};

/// Strings whose presence means a Ruby file may name a table in an ActiveRecord model,
/// migration or schema dump, even when the table is not in the registry.
pub const MARKERS: &[&str] = &[
    "table_name =",
    "create_table",
    "rename_table",
    "add_foreign_key",
    "add_reference",
    "foreign_key:",
];

/// Placeholder pushed for an interpolation whose value is not a visible constant.
const HOLE: &str = sql::HOLE;

/// Migration methods whose first argument is the table they change.
const MIGRATION_OPS: &[&str] = &[
    "create_table",
    "change_table",
    "drop_table",
    "add_column",
    "remove_column",
    "remove_columns",
    "rename_column",
    "change_column",
    "change_column_default",
    "change_column_null",
    "change_column_comment",
    "change_table_comment",
    "add_index",
    "remove_index",
    "rename_index",
    "add_timestamps",
    "remove_timestamps",
    "add_check_constraint",
    "remove_check_constraint",
    "add_reference",
    "add_belongs_to",
    "remove_reference",
    "remove_belongs_to",
    "add_foreign_key",
    "remove_foreign_key",
    "rename_table",
];

/// Methods chained on a heredoc or string that keep its SQL as is.
const STRING_FILTERS: &[&str] = &[
    "squish",
    "strip",
    "strip_heredoc",
    "freeze",
    "chomp",
    "lstrip",
    "rstrip",
    "squeeze",
    "dedent",
];

// ---------------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// An identifier, constant, keyword, `@ivar` or `$global`.
    Name,
    /// A hash key or keyword argument `name:`; the range excludes the colon.
    Label,
    /// `:name`; the range excludes the colon.
    Sym,
    /// A string literal or heredoc; `Tok::lit` indexes [`Lexed::lits`].
    Str,
    /// A value never analysed: number, regexp, word list, shell command, character.
    Val,
    Op,
    /// The end of a statement line.
    Newline,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
    lit: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Esc {
    /// Heredocs with a single-quoted terminator: backslashes are literal.
    None,
    /// `'..'`, `%q`: only `\\` and an escaped delimiter.
    Single,
    /// `".."`, `%Q`, heredocs: full escapes.
    Double,
}

#[derive(Clone, Debug)]
struct Lit {
    /// Byte range of the contents.
    body: (usize, usize),
    esc: Esc,
    /// Byte ranges of `#{...}` expressions (inside the braces).
    holes: Vec<(usize, usize)>,
}

struct Lexed {
    toks: Vec<Tok>,
    lits: Vec<Lit>,
}

/// A heredoc whose body starts after the current line.
struct Pending {
    lit: usize,
    id: String,
    /// `<<~` or `<<-`: the terminator may be indented.
    indented: bool,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident_char(c: u8) -> bool {
    IDENT[usize::from(c)]
}

static IDENT: [bool; 256] = super::ident_bytes(b"");

const OPS3: &[&[u8; 3]] = &[
    b"<=>", b"===", b"**=", b"||=", b"&&=", b"...", b"<<=", b">>=",
];
const OPS2: &[&[u8; 2]] = &[
    b"::", b"==", b"!=", b"<=", b">=", b"&&", b"||", b"=>", b"->", b"+=", b"-=", b"*=", b"/=",
    b"%=", b"|=", b"&=", b"&.", b"..", b"**", b"<<", b">>", b"=~", b"!~",
];

/// Operators after which a line continues on the next one.
const CONTINUATION: &[&str] = &[
    ",", ".", "&.", "+", "-", "*", "/", "%", "=", "==", "||", "&&", "=>", "?", ":", "<<", "+=",
    "-=", "||=", "&&=", "::",
];

/// Keywords after which an expression (not an operator) comes.
fn expects_value(kw: &str) -> bool {
    matches!(
        kw,
        "if" | "unless"
            | "while"
            | "until"
            | "and"
            | "or"
            | "not"
            | "return"
            | "when"
            | "in"
            | "then"
            | "else"
            | "elsif"
            | "do"
            | "puts"
            | "print"
            | "p"
    )
}

struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
    toks: Vec<Tok>,
    lits: Vec<Lit>,
    pending: Vec<Pending>,
    /// Memo for the "next line starts with `.`" check: (checked up to, result).
    dot_memo: (usize, bool),
}

fn lex(src: &str) -> Lexed {
    let mut lx = Lexer {
        src,
        b: src.as_bytes(),
        i: 0,
        depth: 0,
        toks: Vec::new(),
        lits: Vec::new(),
        pending: Vec::new(),
        dot_memo: (0, false),
    };
    lx.run();
    Lexed {
        toks: lx.toks,
        lits: lx.lits,
    }
}

impl Lexer<'_> {
    fn push(&mut self, kind: Kind, start: usize, end: usize) {
        self.toks.push(Tok {
            kind,
            start,
            end,
            lit: 0,
        });
    }

    fn at_line_start(&self) -> bool {
        self.i == 0 || self.b[self.i - 1] == b'\n'
    }

    /// True when the previous token ends a value, so `/`, `%`, `?`, `<<` and `[` are
    /// operators rather than the start of a literal.
    fn prev_is_value(&self) -> bool {
        match self.toks.last() {
            None => false,
            Some(t) => match t.kind {
                Kind::Newline | Kind::Label => false,
                Kind::Op => matches!(&self.src[t.start..t.end], ")" | "]" | "}"),
                Kind::Name => !expects_value(&self.src[t.start..t.end]),
                _ => true,
            },
        }
    }

    /// `foo /x/`, `execute %Q(..)`, `foo <<ID`: a command call's first argument, told
    /// from division by a space before the operator and none after.
    fn command_arg_start(&self) -> bool {
        let spaced_before = self.i > 0 && matches!(self.b[self.i - 1], b' ' | b'\t');
        let tight_after = self
            .b
            .get(self.i + 1)
            .is_some_and(|c| !c.is_ascii_whitespace());
        !self.prev_is_value()
            || (spaced_before
                && tight_after
                && self.toks.last().is_some_and(|t| t.kind == Kind::Name))
    }

    fn run(&mut self) {
        let n = self.b.len();
        while self.i < n {
            let c = self.b[self.i];
            match c {
                b'\n' => self.newline(),
                b' ' | b'\t' | b'\r' | 0x0c => self.i += 1,
                b'\\' if matches!(self.b.get(self.i + 1), Some(b'\n' | b'\r')) => {
                    self.i += 2;
                    if self.b.get(self.i - 1) == Some(&b'\r') && self.b.get(self.i) == Some(&b'\n')
                    {
                        self.i += 1;
                    }
                }
                b'#' => self.skip_line(),
                b'=' if self.at_line_start() && self.b[self.i..].starts_with(b"=begin") => {
                    self.skip_block_comment();
                }
                b'_' if self.at_line_start()
                    && self.b[self.i..].starts_with(b"__END__")
                    && matches!(self.b.get(self.i + 7), None | Some(b'\n' | b'\r')) =>
                {
                    break;
                }
                b'"' | b'`' => {
                    let s = self.i;
                    let lit = self.string(s + 1, c, c, Esc::Double, true);
                    self.finish_lit(lit, s, c == b'`');
                }
                b'\'' => {
                    let s = self.i;
                    let lit = self.string(s + 1, c, c, Esc::Single, false);
                    self.finish_lit(lit, s, false);
                }
                b':' if self.b.get(self.i + 1).is_some_and(|&c| is_ident_start(c)) => {
                    let s = self.i + 1;
                    self.i = s;
                    self.ident_end();
                    if matches!(self.b.get(self.i), Some(b'?' | b'!' | b'='))
                        && !matches!(self.b.get(self.i + 1), Some(b'=' | b'>' | b'~'))
                    {
                        self.i += 1;
                    }
                    self.push(Kind::Sym, s, self.i);
                }
                b'%' if self.command_arg_start() && self.percent_literal() => {}
                b'/' if self.command_arg_start() => self.regexp(),
                b'?' if !self.prev_is_value()
                    && self
                        .b
                        .get(self.i + 1)
                        .is_some_and(|c| !c.is_ascii_whitespace()) =>
                {
                    // A character literal `?a` / `?\n`.
                    let s = self.i;
                    self.i += if self.b.get(self.i + 1) == Some(&b'\\') {
                        3
                    } else {
                        2
                    };
                    self.i = self.i.min(n);
                    while !self.src.is_char_boundary(self.i) {
                        self.i += 1;
                    }
                    self.push(Kind::Val, s, self.i);
                }
                b'<' if self.b.get(self.i + 1) == Some(&b'<') && self.heredoc() => {}
                b'@' | b'$' => {
                    let s = self.i;
                    self.i += 1;
                    if self.b.get(self.i) == Some(&b'@') {
                        self.i += 1;
                    }
                    if self.b.get(self.i).is_some_and(|&c| is_ident_start(c)) {
                        self.ident_end();
                    } else if c == b'$' && self.b.get(self.i).is_some_and(u8::is_ascii_punctuation)
                    {
                        self.i += 1;
                    }
                    self.push(Kind::Name, s, self.i);
                }
                c if is_ident_start(c) => self.name(),
                c if c.is_ascii_digit() => {
                    let s = self.i;
                    while self.i < n
                        && (is_ident_char(self.b[self.i])
                            || (self.b[self.i] == b'.'
                                && self.b.get(self.i + 1).is_some_and(u8::is_ascii_digit)))
                    {
                        self.i += 1;
                    }
                    self.push(Kind::Val, s, self.i);
                }
                _ => self.op(),
            }
        }
        // Heredocs started on the last line with no newline after them.
        self.heredoc_bodies();
    }

    fn ident_end(&mut self) {
        while self.i < self.b.len() && is_ident_char(self.b[self.i]) {
            self.i += 1;
        }
    }

    fn name(&mut self) {
        let s = self.i;
        self.ident_end();
        let next = self.b.get(self.i).copied();
        let after = self.b.get(self.i + 1).copied();
        if matches!(next, Some(b'?' | b'!')) && !matches!(after, Some(b'=')) {
            self.i += 1;
        } else if next == Some(b':') && after != Some(b':') {
            // `key: value`; but `cond ? a :b` and `a ?b :c` are too rare to matter.
            self.push(Kind::Label, s, self.i);
            self.i += 1;
            return;
        }
        self.push(Kind::Name, s, self.i);
    }

    fn op(&mut self) {
        let s = self.i;
        let rest = &self.b[s..];
        let len = if rest.len() >= 3 && OPS3.iter().any(|o| o[..] == rest[..3]) {
            3
        } else if rest.len() >= 2 && OPS2.iter().any(|o| o[..] == rest[..2]) {
            2
        } else {
            self.src[s..].chars().next().map_or(1, char::len_utf8)
        };
        match rest[0] {
            b'(' | b'[' | b'{' => self.depth += 1,
            b')' | b']' | b'}' => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        self.i += len;
        self.push(Kind::Op, s, self.i);
    }

    fn skip_line(&mut self) {
        while self.i < self.b.len() && self.b[self.i] != b'\n' {
            self.i += 1;
        }
    }

    fn skip_block_comment(&mut self) {
        loop {
            self.skip_line();
            if self.i >= self.b.len() {
                return;
            }
            self.i += 1;
            if self.b[self.i..].starts_with(b"=end") {
                self.skip_line();
                return;
            }
        }
    }

    fn newline(&mut self) {
        let at = self.i;
        self.i += 1;
        self.heredoc_bodies();
        let Some(last) = self.toks.last() else { return };
        if self.depth > 0 || last.kind == Kind::Newline {
            return;
        }
        let text = &self.src[last.start..last.end];
        let continues = (last.kind == Kind::Op && CONTINUATION.contains(&text))
            || (last.kind == Kind::Name && matches!(text, "and" | "or" | "not"))
            || self.next_line_starts_with_dot();
        if !continues {
            self.push(Kind::Newline, at, at);
        }
    }

    /// `foo\n  .bar`: a leading dot continues the previous line.
    fn next_line_starts_with_dot(&mut self) -> bool {
        if self.i < self.dot_memo.0 {
            return self.dot_memo.1;
        }
        let mut k = self.i;
        while k < self.b.len() && self.b[k].is_ascii_whitespace() {
            k += 1;
        }
        let dot = self.b.get(k) == Some(&b'.') && self.b.get(k + 1) != Some(&b'.')
            || self.b[k.min(self.b.len())..].starts_with(b"&.");
        self.dot_memo = (k, dot);
        dot
    }

    /// Consumes the bodies of heredocs started on the line that just ended.
    fn heredoc_bodies(&mut self) {
        for p in std::mem::take(&mut self.pending) {
            let start = self.i;
            let mut line = self.i;
            let (end, next) = loop {
                if line >= self.b.len() {
                    break (self.b.len(), self.b.len());
                }
                let eol = super::line_end(self.b, line);
                let text = self.src[line..eol].trim_end_matches('\r');
                let text = if p.indented { text.trim_start() } else { text };
                if text == p.id {
                    break (line, (eol + 1).min(self.b.len()));
                }
                line = eol + 1;
            };
            let holes = if self.lits[p.lit].esc == Esc::None {
                Vec::new()
            } else {
                holes_in(self.b, start, end)
            };
            let lit = &mut self.lits[p.lit];
            lit.body = (start, end.max(start));
            lit.holes = holes;
            self.i = next.max(self.i);
        }
    }

    /// `<<~ID`, `<<-ID`, `<<ID`, with optional quotes around ID. The token stands where
    /// the heredoc starts; its body is read when the line ends.
    fn heredoc(&mut self) -> bool {
        let s = self.i;
        let Some(Opener {
            indented,
            quote,
            id: (id_start, id_end),
            end: k,
        }) = opener(self.b, s)
        else {
            return false;
        };
        let bare_ok = indented
            || quote.is_some()
            || (self.b[id_start].is_ascii_uppercase() && self.command_arg_start());
        if !bare_ok || (!indented && self.prev_is_value() && !self.command_arg_start()) {
            return false;
        }
        let id = self.src[id_start..id_end].to_string();
        let esc = if quote == Some(b'\'') {
            Esc::None
        } else {
            Esc::Double
        };
        self.lits.push(Lit {
            body: (k, k),
            esc,
            holes: Vec::new(),
        });
        let lit = self.lits.len() - 1;
        self.pending.push(Pending { lit, id, indented });
        self.toks.push(Tok {
            kind: if quote == Some(b'`') {
                Kind::Val
            } else {
                Kind::Str
            },
            start: s,
            end: k,
            lit,
        });
        self.i = k;
        true
    }

    /// Scans a delimited literal body from `from`; returns its literal index. Nesting
    /// delimiters (`(`..`)`) count; an unterminated literal runs to the end of the file.
    fn string(&mut self, from: usize, open: u8, close: u8, esc: Esc, interp: bool) -> usize {
        let n = self.b.len();
        let mut depth = 0usize;
        let mut holes = Vec::new();
        let mut j = from;
        let end = loop {
            if j >= n {
                break n;
            }
            let c = self.b[j];
            if c == b'\\' {
                j += 2;
                continue;
            }
            if c == close && depth == 0 {
                break j;
            }
            if open != close && c == open {
                depth += 1;
            } else if open != close && c == close {
                depth -= 1;
            } else if interp && c == b'#' && self.b.get(j + 1) == Some(&b'{') {
                let mut opened = Vec::new();
                let (hole, after) = hole_at(self.b, j + 2, &mut opened);
                if let Some(h) = hole {
                    holes.push(h);
                }
                for (id, indented) in opened {
                    // A heredoc opened in the hole: its body follows this line, and is
                    // read as text (never as code) like any other heredoc's.
                    self.lits.push(Lit {
                        body: (after, after),
                        esc: Esc::Double,
                        holes: Vec::new(),
                    });
                    let lit = self.lits.len() - 1;
                    self.pending.push(Pending {
                        lit,
                        id: self.src[id.0..id.1].to_string(),
                        indented,
                    });
                }
                j = after;
                continue;
            }
            j += 1;
        };
        let end = end.min(n);
        self.lits.push(Lit {
            body: (from.min(end), end),
            esc,
            holes,
        });
        self.i = (end + 1).min(n);
        self.lits.len() - 1
    }

    fn finish_lit(&mut self, lit: usize, start: usize, opaque: bool) {
        self.toks.push(Tok {
            kind: if opaque { Kind::Val } else { Kind::Str },
            start,
            end: self.i,
            lit,
        });
    }

    /// `%q(..)`, `%Q[..]`, `%(..)`, `%w[..]`, `%i[..]`, `%r{..}`, `%x(..)`, `%s(..)`.
    fn percent_literal(&mut self) -> bool {
        let s = self.i;
        let mut k = s + 1;
        let kind = self.b.get(k).copied().filter(u8::is_ascii_alphabetic);
        if kind.is_some() {
            k += 1;
        }
        let Some(open) = self.b.get(k).copied() else {
            return false;
        };
        if !matches!(
            kind,
            None | Some(b'q' | b'Q' | b'w' | b'W' | b'i' | b'I' | b'r' | b's' | b'x')
        ) || open.is_ascii_alphanumeric()
            || open.is_ascii_whitespace()
            || !open.is_ascii()
            || (kind.is_none() && open == b'=')
        {
            return false;
        }
        let close = match open {
            b'(' => b')',
            b'[' => b']',
            b'{' => b'}',
            b'<' => b'>',
            c => c,
        };
        let (esc, interp, text) = match kind {
            None | Some(b'Q') => (Esc::Double, true, true),
            Some(b'q') => (Esc::Single, false, true),
            // Word and symbol lists, regexps and commands are not SQL text, but the
            // capital forms interpolate: a hole may hold the closing bracket.
            Some(b'W' | b'I' | b'r' | b'x') => (Esc::Double, true, false),
            _ => (Esc::Single, false, false),
        };
        let lit = self.string(k + 1, open, close, esc, interp);
        self.finish_lit(lit, s, !text);
        true
    }

    fn regexp(&mut self) {
        let s = self.i;
        let lit = self.string(s + 1, b'/', b'/', Esc::Single, false);
        while self.i < self.b.len() && self.b[self.i].is_ascii_alphabetic() {
            self.i += 1;
        }
        self.finish_lit(lit, s, true);
    }
}

/// How deep strings and `#{}` holes may nest inside one hole (`"a #{"b #{c}"}"` is two
/// deep): deeper input is read as an unclosed hole, so the scan stays a loop over a
/// fixed-size stack.
const MAX_NEST: usize = 32;

/// What the hole scanner is inside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Nest {
    /// Code, with this many unclosed `{` of its own.
    Code(usize),
    /// A string closed by this quote; `"` and backtick strings interpolate.
    Str(u8),
    /// A `%q(..)`-style literal: its brackets, how many of its opening bracket are
    /// unclosed inside it, and whether it interpolates (`%Q`, `%W`, `%I`, `%x`, `%r`).
    Pct {
        open: u8,
        close: u8,
        depth: usize,
        interp: bool,
    },
}

/// The `#{...}` expression starting at `from` (just after the brace): its range and the
/// offset after the closing brace. Strings inside are skipped so their braces and
/// quotes don't count, and so are the holes inside those strings, to any depth up to
/// [`MAX_NEST`]: `"a #{"b #{c + '"'}"} d"` is one literal.
fn hole_at(
    b: &[u8],
    from: usize,
    heredocs: &mut Vec<((usize, usize), bool)>,
) -> (Option<(usize, usize)>, usize) {
    let mut stack = [Nest::Code(0); MAX_NEST];
    let mut top = 0usize;
    let mut k = from;
    while k < b.len() {
        let c = b[k];
        match &mut stack[top] {
            Nest::Code(d) => match c {
                b'{' => *d += 1,
                b'}' if *d > 0 => *d -= 1,
                b'}' if top == 0 => return (Some((from, k)), k + 1),
                b'}' => top -= 1,
                b'"' | b'\'' | b'`' if top + 1 < MAX_NEST => {
                    top += 1;
                    stack[top] = Nest::Str(c);
                }
                b'"' | b'\'' | b'`' => break,
                b'<' if b.get(k + 1) == Some(&b'<') => {
                    if let Some((id, indented, after)) = heredoc_open(b, k) {
                        heredocs.push((id, indented));
                        k = after - 1;
                    }
                }
                // A comment runs to the line's end, quotes and braces included.
                b'#' => k = super::line_end(b, k).saturating_sub(1),
                b'%' if top + 1 < MAX_NEST => {
                    if let Some((nest, skip)) = percent_open(b, k) {
                        top += 1;
                        stack[top] = nest;
                        k += skip;
                    }
                }
                _ => {}
            },
            Nest::Str(q) => match c {
                b'\\' => k += 1,
                _ if c == *q => top -= 1,
                b'#' if *q != b'\'' && b.get(k + 1) == Some(&b'{') => {
                    if top + 1 == MAX_NEST {
                        break;
                    }
                    top += 1;
                    stack[top] = Nest::Code(0);
                    k += 1;
                }
                _ => {}
            },
            Nest::Pct {
                open,
                close,
                depth,
                interp,
            } => match c {
                b'\\' => k += 1,
                _ if c == *close && *depth == 0 => top -= 1,
                _ if c == *close => *depth -= 1,
                _ if c == *open && open != close => *depth += 1,
                b'#' if *interp && b.get(k + 1) == Some(&b'{') => {
                    if top + 1 == MAX_NEST {
                        break;
                    }
                    top += 1;
                    stack[top] = Nest::Code(0);
                    k += 1;
                }
                _ => {}
            },
        }
        k += 1;
    }
    (None, b.len())
}

/// A heredoc opening at `k` (the first `<`) inside a hole: its terminator's range,
/// whether it may be indented, and the offset after the opener. Only the forms a
/// shift (`a << b`) cannot take: `<<~ID`, `<<-ID`, quoted IDs, and `<<ID` with a
/// capital where no value stands before it.
fn heredoc_open(b: &[u8], k: usize) -> Option<((usize, usize), bool, usize)> {
    let o = opener(b, k)?;
    // A bare `<<ID` after a value is a shift: `a <<B`.
    let mut p = k;
    while p > 0 && b[p - 1] == b' ' {
        p -= 1;
    }
    let after_value = p > 0 && (is_ident_char(b[p - 1]) || matches!(b[p - 1], b')' | b']'));
    let bare = b[o.id.0].is_ascii_uppercase() && !after_value;
    if !(o.indented || o.quote.is_some() || bare) {
        return None;
    }
    Some((o.id, o.indented, o.end))
}

/// The parts of a heredoc opener at `k` (the first `<`): `<<~ID`, `<<-ID`, `<<ID`,
/// with the ID optionally in quotes. Whether `<<` opens a heredoc there at all (and
/// not a shift) is the caller's judgement; this only reads the syntax, shared by the
/// lexer and the reading of holes.
struct Opener {
    /// `~` or `-`: the terminator may be indented.
    indented: bool,
    /// The quote around the ID, if any: `'` reads the body raw, `` ` `` runs it.
    quote: Option<u8>,
    /// The ID's byte range.
    id: (usize, usize),
    /// The offset after the opener.
    end: usize,
}

fn opener(b: &[u8], k: usize) -> Option<Opener> {
    let mut j = k + 2;
    let indented = matches!(b.get(j), Some(b'~' | b'-'));
    if indented {
        j += 1;
    }
    let quote = b
        .get(j)
        .copied()
        .filter(|c| matches!(c, b'\'' | b'"' | b'`'));
    if quote.is_some() {
        j += 1;
    }
    let id_start = j;
    while j < b.len() && is_ident_char(b[j]) {
        j += 1;
    }
    if j == id_start {
        return None;
    }
    let id = (id_start, j);
    if let Some(q) = quote {
        if b.get(j) != Some(&q) {
            return None;
        }
        j += 1;
    }
    Some(Opener {
        indented,
        quote,
        id,
        end: j,
    })
}

/// A `%q(`-style literal opening at `k` (the `%`), inside a hole: its state and how
/// many bytes after `k` its opening delimiter is. Only the lettered forms: a bare `%(`
/// in code may as well be the modulo operator.
fn percent_open(b: &[u8], k: usize) -> Option<(Nest, usize)> {
    let kind = *b.get(k + 1)?;
    let open = *b.get(k + 2)?;
    if !matches!(
        kind,
        b'q' | b'Q' | b'w' | b'W' | b'i' | b'I' | b'r' | b's' | b'x'
    ) || open.is_ascii_alphanumeric()
        || open.is_ascii_whitespace()
        || !open.is_ascii()
    {
        return None;
    }
    let close = match open {
        b'(' => b')',
        b'[' => b']',
        b'{' => b'}',
        b'<' => b'>',
        c => c,
    };
    let interp = matches!(kind, b'Q' | b'W' | b'I' | b'r' | b'x');
    Some((
        Nest::Pct {
            open,
            close,
            depth: 0,
            interp,
        },
        2,
    ))
}

/// The `#{}` holes of a heredoc body.
fn holes_in(b: &[u8], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut j = start;
    while j + 1 < end {
        if b[j] == b'\\' {
            j += 2;
            continue;
        }
        if b[j] == b'#' && b[j + 1] == b'{' {
            // (A heredoc opened in a heredoc's hole is not followed.)
            let (hole, after) = hole_at(&b[..end], j + 2, &mut Vec::new());
            if let Some(h) = hole {
                out.push(h);
            }
            j = after;
            continue;
        }
        j += 1;
    }
    out
}

/// Decodes the escape at `j` (a backslash) in a double-quoted literal.
fn decode_escape(src: &str, j: usize, end: usize) -> (String, usize) {
    let b = src.as_bytes();
    let Some(&c) = b.get(j + 1).filter(|_| j + 1 < end) else {
        return ("\\".to_string(), j + 1);
    };
    let simple = |s: &str| (s.to_string(), j + 2);
    match c {
        b'\n' => (String::new(), j + 2),
        b'n' => simple("\n"),
        b't' => simple("\t"),
        b'r' => simple("\r"),
        b's' | b'a' | b'b' | b'e' | b'f' | b'v' | b'0' => simple(" "),
        b'u' if b.get(j + 2) == Some(&b'{') => {
            let close = src[j..end].find('}').map_or(end, |p| j + p + 1);
            ("?".to_string(), close)
        }
        b'u' | b'x' => {
            let want = if c == b'u' { 4 } else { 2 };
            let digits = src.get(j + 2..(j + 2 + want).min(end)).unwrap_or("");
            match u32::from_str_radix(digits, 16)
                .ok()
                .and_then(char::from_u32)
            {
                Some(ch) if digits.len() == want => (ch.to_string(), j + 2 + want),
                _ => simple("?"),
            }
        }
        _ => {
            // Any other escaped character stands for itself.
            let len = src[j + 1..].chars().next().map_or(1, char::len_utf8);
            (src[j + 1..j + 1 + len].to_string(), j + 1 + len)
        }
    }
}

// ---------------------------------------------------------------------------------
// Extraction
// ---------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Item {
    Lit(usize),
    /// A constant joined with `+`: its token index and name.
    Name(usize, String),
}

/// Literals joined by adjacency or `+`: one string value.
#[derive(Clone, Debug)]
struct Group {
    items: Vec<Item>,
}

#[derive(Clone, Debug)]
enum Val {
    Str(Group),
    /// A symbol, or a bare name (`true`, a constant) by token index.
    Sym(usize),
    Name(usize),
}

#[derive(Clone, Debug)]
struct Arg {
    /// Positional index; `None` for a keyword argument's value.
    pos: Option<usize>,
    val: Val,
}

#[derive(Debug)]
struct Frame {
    callee: Option<String>,
    /// Inside a call that takes prose, such as a log call or `raise` (here or further
    /// out): no string in it is SQL.
    log: bool,
    /// A call whose own string arguments are prose (a test's name, an assertion's
    /// message), though its block and the calls among its arguments are read.
    quiet: bool,
    /// A paren-less command call, closed by `do`, a modifier `if` or the line's end.
    implicit: bool,
    pos: usize,
    kw: Option<String>,
    /// Token index where the current argument's value starts.
    value_start: usize,
    args: Vec<Arg>,
    /// Keyword arguments and the token index of each value.
    kwvals: Vec<(String, usize)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    /// `def down`, `def self.down`, `dir.down do`.
    Down,
    Other,
}

/// Which Rails file the extractor is reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FileRole {
    Migration,
    Schema,
    Code,
}

struct Extractor<'a> {
    src: &'a str,
    ctx: &'a Context,
    lx: Lexed,
    role: FileRole,
    consts: foldhash::HashMap<&'a str, Option<usize>>,
    blocks: Vec<Block>,
    out: Vec<Access>,
}

fn role_of(path: &str) -> FileRole {
    let p = format!("/{path}");
    let name = p.rsplit('/').next().unwrap_or("");
    let dir = p.rsplit_once('/').map_or("", |(d, _)| d);
    let db_dir = |suffix: &str| {
        dir.rsplit_once('/')
            .is_some_and(|(d, last)| d.ends_with("/db") && last.ends_with(suffix))
    };
    if dir.ends_with("/db/migrate") || db_dir("_migrate") {
        FileRole::Migration
    } else if dir.ends_with("/db") && (name == "schema.rb" || name.ends_with("_schema.rb")) {
        FileRole::Schema
    } else {
        FileRole::Code
    }
}

/// Extracts table accesses from one Ruby file.
pub fn extract(path: &str, text: &str, ctx: &Context) -> Extracted {
    let mut ex = Extractor {
        src: text,
        ctx,
        lx: lex(text),
        role: role_of(path),
        consts: foldhash::HashMap::default(),
        blocks: Vec::new(),
        out: Vec::new(),
    };
    let stmts = ex.statements();
    ex.collect_consts(&stmts);
    for &(s, e) in &stmts {
        ex.statement(s, e);
        ex.track_blocks(s, e);
    }
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

    fn kind(&self, i: usize) -> Option<Kind> {
        self.tok(i).map(|t| t.kind)
    }

    fn text(&self, i: usize) -> &'a str {
        self.lx
            .toks
            .get(i)
            .map_or("", |t| &self.src[t.start..t.end])
    }

    fn is_op(&self, i: usize, op: &str) -> bool {
        self.kind(i) == Some(Kind::Op) && self.text(i) == op
    }

    fn is_name(&self, i: usize, name: &str) -> bool {
        self.kind(i) == Some(Kind::Name) && self.text(i) == name
    }

    /// Statements: token ranges between line ends and top-level `;`.
    fn statements(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut depth = 0usize;
        for (i, t) in self.lx.toks.iter().enumerate() {
            let boundary = match t.kind {
                Kind::Newline => true,
                Kind::Op => match &self.src[t.start..t.end] {
                    "(" | "[" | "{" => {
                        depth += 1;
                        false
                    }
                    ")" | "]" | "}" => {
                        depth = depth.saturating_sub(1);
                        false
                    }
                    ";" => depth == 0,
                    _ => false,
                },
                _ => false,
            };
            if boundary {
                if i > start {
                    out.push((start, i));
                }
                start = i + 1;
            }
        }
        if start < self.lx.toks.len() {
            out.push((start, self.lx.toks.len()));
        }
        out
    }

    /// `NAME = "literal"` (optionally `.freeze`): constants substituted into `#{NAME}`.
    fn collect_consts(&mut self, stmts: &[(usize, usize)]) {
        for &(s, e) in stmts {
            let upper = self
                .text(s)
                .as_bytes()
                .first()
                .is_some_and(u8::is_ascii_uppercase);
            if self.kind(s) != Some(Kind::Name) || !upper || !self.is_op(s + 1, "=") {
                continue;
            }
            let frozen = e == s + 5 && self.is_op(s + 3, ".") && self.text(s + 4) == "freeze";
            let value = (e == s + 3 || frozen)
                .then(|| self.tok(s + 2))
                .flatten()
                .filter(|t| t.kind == Kind::Str && self.lx.lits[t.lit].holes.is_empty())
                .map(|t| t.lit);
            let name = self.text(s);
            let entry = match (self.consts.get(name), value) {
                (None, v) => v,
                (Some(Some(old)), Some(v)) if self.body(*old) == self.body(v) => Some(*old),
                _ => None,
            };
            self.consts.insert(name, entry);
        }
    }

    fn body(&self, lit: usize) -> &'a str {
        let (s, e) = self.lx.lits[lit].body;
        &self.src[s..e]
    }

    fn constant(&self, name: &str) -> Option<usize> {
        self.consts.get(name).copied().flatten()
    }

    /// Updates the `def`/`do`/`end` stack with a statement's keywords.
    fn track_blocks(&mut self, s: usize, e: usize) {
        let loop_stmt = matches!(self.text(s), "while" | "until" | "for");
        for i in s..e {
            if self.kind(i) != Some(Kind::Name) {
                continue;
            }
            let after_dot = i > s && matches!(self.text(i - 1), "." | "&." | "::");
            if after_dot {
                continue;
            }
            let opens_expr = i == s
                || match self.tok(i - 1) {
                    Some(t) if t.kind == Kind::Op => {
                        !matches!(&self.src[t.start..t.end], ")" | "]" | "}")
                    }
                    Some(t) if t.kind == Kind::Name => expects_value(&self.src[t.start..t.end]),
                    _ => false,
                };
            match self.text(i) {
                "def" if !self.endless_def(i, e) => {
                    let down = self.def_name(i) == "down";
                    self.blocks
                        .push(if down { Block::Down } else { Block::Other });
                }
                "class" | "module" | "begin" | "case" => self.blocks.push(Block::Other),
                "if" | "unless" | "while" | "until" if opens_expr => self.blocks.push(Block::Other),
                "for" if i == s => self.blocks.push(Block::Other),
                "do" if !loop_stmt => {
                    // `dir.down do` in `reversible`.
                    let down = e > s + 2 && self.is_op(s + 1, ".") && self.text(s + 2) == "down";
                    self.blocks
                        .push(if down { Block::Down } else { Block::Other });
                }
                "end" => {
                    self.blocks.pop();
                }
                _ => {}
            }
        }
    }

    fn def_name(&self, i: usize) -> &'a str {
        if self.is_op(i + 2, ".") {
            self.text(i + 3)
        } else {
            self.text(i + 1)
        }
    }

    /// `def name(args) = expr` has no `end`.
    fn endless_def(&self, i: usize, e: usize) -> bool {
        let mut k = if self.is_op(i + 2, ".") { i + 4 } else { i + 2 };
        if self.is_op(k, "(") {
            let mut depth = 0usize;
            while k < e {
                match self.text(k) {
                    "(" => depth += 1,
                    ")" => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                k += 1;
            }
            k += 1;
        }
        self.is_op(k, "=")
    }

    fn in_down(&self) -> bool {
        self.role == FileRole::Migration && self.blocks.contains(&Block::Down)
    }

    fn statement(&mut self, s: usize, e: usize) {
        let before = self.out.len();
        // `self.table_name = "t"`
        if self.is_name(s, "self")
            && self.is_op(s + 1, ".")
            && self.is_name(s + 2, "table_name")
            && self.is_op(s + 3, "=")
            && e == s + 5
        {
            let val = match self.kind(s + 4) {
                Some(Kind::Str) => Some(Val::Str(self.group_at(s + 4, e).0)),
                Some(Kind::Sym) => Some(Val::Sym(s + 4)),
                _ => None,
            };
            if let Some(val) = val {
                self.qualified(&val, AccessKind::Model);
            }
            return;
        }
        self.walk(s, e);
        if self.in_down() {
            // Down migrations undo schema changes; they do not count as owning them.
            let tail = self.out.split_off(before);
            self.out.extend(
                tail.into_iter()
                    .filter(|a| !matches!(a.kind, AccessKind::Ddl | AccessKind::ForeignKey)),
            );
        }
    }

    /// A string group from token `i`: adjacent literals, `+` literals or constants, and
    /// harmless filters (`.squish`). Returns the group and the token after it.
    fn group_at(&self, i: usize, e: usize) -> (Group, usize) {
        let mut items = Vec::new();
        let mut j = i;
        while j < e {
            if self.kind(j) == Some(Kind::Str) {
                items.push(Item::Lit(self.lx.toks[j].lit));
                j += 1;
            } else if self.is_op(j, "+") && j > i && self.kind(j + 1) == Some(Kind::Str) {
                j += 1;
            } else if self.is_op(j, "+")
                && j > i
                && self.kind(j + 1) == Some(Kind::Name)
                && !matches!(self.text(j + 2), "." | "(" | "[" | "::")
            {
                items.push(Item::Name(j + 1, self.text(j + 1).to_string()));
                j += 2;
            } else if self.is_op(j, ".") && j > i && STRING_FILTERS.contains(&self.text(j + 1)) {
                j += 2;
            } else {
                break;
            }
        }
        (Group { items }, j.max(i + 1))
    }

    fn embed(&self, group: &Group) -> Embedded {
        let mut e = Embedded::new();
        for item in &group.items {
            match item {
                Item::Lit(l) => self.push_lit(&mut e, *l, true),
                Item::Name(tok, name) => {
                    let at = self.tok(*tok).map_or(0, |t| t.start);
                    match self.constant(name) {
                        Some(l) => self.push_const(&mut e, name, l, at, name.len()),
                        None => e.push_hole(HOLE, at),
                    }
                }
            }
        }
        e
    }

    /// Appends a literal's decoded text; `#{CONST}` becomes the constant's literal (mapped
    /// to it) and other interpolations [`HOLE`]. `resolve` is false for a constant's own
    /// literal, which has no holes.
    fn push_lit(&self, e: &mut Embedded, lit: usize, resolve: bool) {
        let l = &self.lx.lits[lit];
        let b = self.src.as_bytes();
        let (s, end) = l.body;
        let mut run = s;
        let mut j = s;
        let mut holes = l.holes.iter().peekable();
        let flush = |e: &mut Embedded, run: usize, j: usize| {
            if run < j {
                e.push_verbatim(&self.src[run..j], run);
            }
        };
        while j < end {
            let c = b[j];
            if c == b'\\' && l.esc != Esc::None {
                flush(e, run, j);
                let (decoded, next) = match l.esc {
                    Esc::Double => decode_escape(self.src, j, end),
                    // Single-quoted: `\\` and an escaped delimiter lose the backslash.
                    _ => match b.get(j + 1) {
                        Some(&q) if j + 1 < end && (q == b'\\' || q.is_ascii_punctuation()) => {
                            ((q as char).to_string(), j + 2)
                        }
                        _ => ("\\".to_string(), j + 1),
                    },
                };
                if !decoded.is_empty() {
                    e.push_decoded(&decoded, j);
                }
                j = next.min(end);
                run = j;
                continue;
            }
            if c == b'#' && b.get(j + 1) == Some(&b'{') {
                while holes.peek().is_some_and(|h| h.0 < j + 2) {
                    holes.next();
                }
                if let Some(&&(hs, he)) = holes.peek().filter(|h| h.0 == j + 2) {
                    flush(e, run, j);
                    let expr = &self.src[hs..he];
                    let name = expr.trim();
                    match self.constant(name).filter(|_| resolve) {
                        Some(k) => {
                            let at = hs + (expr.len() - expr.trim_start().len());
                            self.push_const(e, name, k, at, name.len());
                        }
                        None => e.push_hole(HOLE, j),
                    }
                    j = (he + 1).min(end);
                    run = j;
                    continue;
                }
            }
            j += 1;
        }
        flush(e, run, end);
    }

    /// Appends the value of constant `name` (literal `lit`) used at `at..at + len`: a
    /// name found in it is reported there, with the constant as its origin.
    fn push_const(&self, e: &mut Embedded, name: &str, lit: usize, at: usize, len: usize) {
        let mut value = Embedded::new();
        self.push_lit(&mut value, lit, false);
        let (a, b) = self.lx.lits[lit].body;
        let origin = Origin::here(name, a, b - a);
        e.push_value(value.text(), at, len.max(1), origin);
    }

    /// A value's plain text and where it maps: symbols directly, strings via their map.
    fn plain_name(&self, val: &Val) -> Option<(String, Embedded)> {
        let emb = match val {
            Val::Sym(t) | Val::Name(t) => {
                let tok = self.tok(*t)?;
                Embedded::verbatim(&self.src[tok.start..tok.end], tok.start)
            }
            Val::Str(g) => self.embed(g),
        };
        let text = emb.text();
        if text.is_empty() || text.contains(HOLE) || text.contains(char::is_whitespace) {
            return None;
        }
        Some((text.to_string(), emb))
    }

    /// Pushes a table access for a value; `schema.table` is split.
    fn qualified(&mut self, val: &Val, kind: AccessKind) {
        let Some((text, emb)) = self.plain_name(val) else {
            return;
        };
        let (schema, name, at) = match text.rsplit_once('.') {
            Some((s, n)) if !s.is_empty() && !n.is_empty() => (Some(s.to_string()), n, s.len() + 1),
            _ => (None, text.as_str(), 0),
        };
        let table = TableRef {
            database: None,
            schema,
            name: name.to_string(),
            quoted: false,
        };
        self.out
            .push(emb.relocate(Access::table(kind, table, at, name.len())));
    }

    fn analyse(&mut self, group: &Group, always: bool) {
        let emb = self.embed(group);
        self.out
            .extend(sql::analyze_candidate(&emb, always, self.ctx));
    }

    /// The callee chain ending at name token `i`: `ActiveRecord::Base.connection.execute`.
    fn callee_before(&self, i: usize, s: usize) -> Option<String> {
        if self.kind(i) != Some(Kind::Name) || is_keyword(self.text(i)) {
            return None;
        }
        let mut k = i;
        while k >= s + 2
            && matches!(self.text(k - 1), "." | "&." | "::")
            && self.kind(k - 1) == Some(Kind::Op)
            && self.kind(k - 2) == Some(Kind::Name)
        {
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

    /// A paren-less command call starting at name token `i` (`create_table :t, ...`):
    /// the callee and the token where its arguments start.
    fn command_at(&self, i: usize, s: usize, e: usize) -> Option<(String, usize)> {
        let after_value = i > s
            && !matches!(
                self.text(i - 1),
                "=" | "||=" | "|" | "{" | "(" | "," | "return" | "then" | "else"
            );
        if after_value || self.kind(i) != Some(Kind::Name) {
            return None;
        }
        let mut c = i;
        while matches!(self.text(c + 1), "." | "&." | "::") && self.kind(c + 2) == Some(Kind::Name)
        {
            c += 2;
        }
        let next = self.tok(c + 1)?;
        let spaced = next.start > self.lx.toks[c].end;
        let starts_arg = match next.kind {
            Kind::Str | Kind::Sym | Kind::Label | Kind::Val => true,
            Kind::Name => !is_keyword(self.text(c + 1)),
            _ => false,
        };
        if c + 1 >= e || !spaced || !starts_arg || is_keyword(self.text(c)) {
            return None;
        }
        Some((self.callee_before(c, s)?, c + 1))
    }

    fn new_frame(frames: &[Frame], callee: Option<String>, implicit: bool, start: usize) -> Frame {
        let sink = callee.as_deref().and_then(sinks::ruby);
        let log = frames.last().is_some_and(|f| f.log)
            || matches!(sink, Some(SinkKind::NonSql(k)) if k.covers_nested());
        Frame {
            callee,
            log,
            quiet: matches!(sink, Some(SinkKind::NonSql(_))),
            implicit,
            pos: 0,
            kw: None,
            value_start: start,
            args: Vec::new(),
            kwvals: Vec::new(),
        }
    }

    /// Walks a statement, attributing string, symbol and name arguments to their calls;
    /// each call is handled when it closes.
    fn walk(&mut self, s: usize, e: usize) {
        let mut frames: Vec<Frame> = Vec::new();
        let mut loose: Vec<Group> = Vec::new();
        let mut i = s;
        while i < e {
            if let Some((callee, start)) = self.command_at(i, s, e) {
                frames.push(Self::new_frame(&frames, Some(callee), true, start));
                i = start;
                continue;
            }
            let kind = self.kind(i);
            let t = self.text(i);
            let at_value = frames.last().is_some_and(|f| f.value_start == i);
            let ends = |k: usize| {
                k >= e
                    || (self.kind(k) == Some(Kind::Op)
                        && matches!(self.text(k), "," | ")" | "]" | "}"))
                    || (self.kind(k) == Some(Kind::Name)
                        && matches!(
                            self.text(k),
                            "do" | "if" | "unless" | "while" | "until" | "rescue"
                        ))
            };
            match kind {
                Some(Kind::Label) if at_value => {
                    if let Some(f) = frames.last_mut() {
                        f.kw = Some(t.to_string());
                        f.kwvals.push((t.to_string(), i + 1));
                        f.value_start = i + 1;
                    }
                    i += 1;
                    continue;
                }
                Some(Kind::Sym) if at_value && self.is_op(i + 1, "=>") => {
                    if let Some(f) = frames.last_mut() {
                        f.kw = Some(t.to_string());
                        f.kwvals.push((t.to_string(), i + 2));
                        f.value_start = i + 2;
                    }
                    i += 2;
                    continue;
                }
                Some(Kind::Str) => {
                    let (group, j) = self.group_at(i, e);
                    match frames.last_mut() {
                        Some(f) if at_value && ends(j) => f.args.push(Arg {
                            pos: f.kw.is_none().then_some(f.pos),
                            val: Val::Str(group),
                        }),
                        Some(f) if f.log => {}
                        _ => loose.push(group),
                    }
                    i = j;
                    continue;
                }
                Some(Kind::Sym | Kind::Name) if at_value && ends(i + 1) => {
                    if let Some(f) = frames.last_mut() {
                        let val = if kind == Some(Kind::Sym) {
                            Val::Sym(i)
                        } else {
                            Val::Name(i)
                        };
                        f.args.push(Arg {
                            pos: f.kw.is_none().then_some(f.pos),
                            val,
                        });
                    }
                }
                Some(Kind::Name)
                    if matches!(t, "do" | "if" | "unless" | "while" | "until" | "rescue") =>
                {
                    // A block or modifier ends the command calls it follows.
                    while frames.last().is_some_and(|f| f.implicit) {
                        if let Some(f) = frames.pop() {
                            self.close(f, &mut loose);
                        }
                    }
                }
                Some(Kind::Op) => match t {
                    "(" | "[" | "{" => {
                        let tight = i > s && self.lx.toks[i - 1].end == self.lx.toks[i].start;
                        let callee = if t == "(" && tight && i > s {
                            self.callee_before(i - 1, s)
                        } else {
                            None
                        };
                        frames.push(Self::new_frame(&frames, callee, false, i + 1));
                    }
                    ")" | "]" | "}" => {
                        while let Some(f) = frames.pop() {
                            let implicit = f.implicit;
                            self.close(f, &mut loose);
                            if !implicit {
                                break;
                            }
                        }
                    }
                    "," => {
                        if let Some(f) = frames.last_mut() {
                            if f.kw.is_none() {
                                f.pos += 1;
                            }
                            f.kw = None;
                            f.value_start = i + 1;
                        }
                    }
                    _ => {}
                },
                _ => {}
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

    fn close(&mut self, f: Frame, loose: &mut Vec<Group>) {
        if f.log || f.quiet {
            return;
        }
        let used = match &f.callee {
            Some(callee) => self.call(callee, &f),
            None => Vec::new(),
        };
        for (i, a) in f.args.iter().enumerate() {
            if let Val::Str(g) = &a.val
                && !used.contains(&i)
            {
                loose.push(g.clone());
            }
        }
    }

    /// Handles one call; returns the indexes of the arguments it consumed.
    fn call(&mut self, callee: &str, f: &Frame) -> Vec<usize> {
        let (receiver, last) = callee.rsplit_once('.').unwrap_or(("", callee));
        let pos = |p: usize| f.args.iter().position(|a| a.pos == Some(p));
        let mut used = Vec::new();
        let mut emit = |this: &mut Self, p: usize, kind: AccessKind| {
            if let Some(a) = pos(p) {
                this.qualified(&f.args[a].val, kind);
                used.push(a);
            }
        };
        match (self.role, last) {
            (FileRole::Schema, "create_table") if receiver.is_empty() => {
                emit(self, 0, AccessKind::Model);
            }
            (FileRole::Schema, "add_foreign_key") if receiver.is_empty() => {
                emit(self, 1, AccessKind::ForeignKey);
            }
            (FileRole::Migration, op) if receiver.is_empty() && MIGRATION_OPS.contains(&op) => {
                emit(self, 0, AccessKind::Ddl);
                match op {
                    "rename_table" => emit(self, 1, AccessKind::Ddl),
                    "add_foreign_key" => emit(self, 1, AccessKind::ForeignKey),
                    "add_reference" | "add_belongs_to" => self.reference(f, 1),
                    _ => {}
                }
            }
            (FileRole::Migration, "references" | "belongs_to") if !receiver.is_empty() => {
                self.reference(f, 0);
            }
            (FileRole::Migration, "foreign_key") if !receiver.is_empty() => {
                emit(self, 0, AccessKind::ForeignKey);
            }
            (_, sink) if sinks::RUBY_SQL.contains(&sink) => {
                if let Some(a) = pos(0)
                    && let Val::Str(g) = &f.args[a].val
                {
                    self.analyse(g, true);
                    used.push(a);
                }
            }
            _ => {}
        }
        used
    }

    /// `add_reference :t, :customer, foreign_key: true` / `t.references :customer,
    /// foreign_key: { to_table: :clients }`: a foreign key only when asked for. The
    /// pluralized name is a convention, so it is low confidence; `to_table` is exact.
    fn reference(&mut self, f: &Frame, p: usize) {
        let Some(&(_, v)) = f.kwvals.iter().find(|(k, _)| k == "foreign_key") else {
            return;
        };
        if self.is_name(v, "true") {
            let Some(Arg {
                val: Val::Sym(t), ..
            }) = f.args.iter().find(|a| a.pos == Some(p))
            else {
                return;
            };
            let Some(tok) = self.tok(*t).copied() else {
                return;
            };
            let table = TableRef::bare(pluralize(&self.src[tok.start..tok.end]));
            let a = Access::table(
                AccessKind::ForeignKey,
                table,
                tok.start,
                tok.end - tok.start,
            );
            self.out.push(a.low());
        } else if self.is_op(v, "{") {
            let mut k = v + 1;
            while k < self.lx.toks.len() && !self.is_op(k, "}") {
                if self.kind(k) == Some(Kind::Label) && self.text(k) == "to_table" {
                    let val = match self.kind(k + 1) {
                        Some(Kind::Sym) => Val::Sym(k + 1),
                        Some(Kind::Str) => Val::Str(Group {
                            items: vec![Item::Lit(self.lx.toks[k + 1].lit)],
                        }),
                        _ => break,
                    };
                    self.qualified(&val, AccessKind::ForeignKey);
                    break;
                }
                k += 1;
            }
        }
    }
}

/// Rails' default table name for a reference: `customer` → `customers`.
fn pluralize(s: &str) -> String {
    let consonant_y = s.len() > 1
        && s.ends_with('y')
        && !matches!(s.as_bytes()[s.len() - 2], b'a' | b'e' | b'i' | b'o' | b'u');
    if consonant_y {
        format!("{}ies", &s[..s.len() - 1])
    } else if s.ends_with(['s', 'x', 'z']) || s.ends_with("ch") || s.ends_with("sh") {
        format!("{s}es")
    } else {
        format!("{s}s")
    }
}

fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "if" | "unless"
            | "while"
            | "until"
            | "do"
            | "end"
            | "and"
            | "or"
            | "not"
            | "then"
            | "else"
            | "elsif"
            | "rescue"
            | "ensure"
            | "return"
            | "def"
            | "class"
            | "module"
            | "begin"
            | "case"
            | "when"
            | "in"
            | "yield"
            | "super"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Confidence, Target};

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
                    Target::Import(i) => format!("{i:?}"),
                };
                (a.kind, name, src[a.offset..a.offset + a.len].to_string())
            })
            .collect()
    }

    /// (kind, table or import, text at the offset).
    type Expect<'a> = (AccessKind, &'a str, &'a str);

    fn check(path: &str, cases: &[(&str, &[Expect<'_>])]) {
        for (src, want) in cases {
            let want: Vec<(AccessKind, String, String)> = want
                .iter()
                .map(|(k, n, t)| (*k, n.to_string(), t.to_string()))
                .collect();
            assert_eq!(run(path, src), want, "source:\n{src}");
        }
    }

    use AccessKind::{Ddl, ForeignKey as Fk, Model, Read, Write};

    const MIGRATION: &str = "db/migrate/20240101000000_create_orders.rb";

    #[test]
    fn models() {
        check(
            "app/models/order.rb",
            &[
                (
                    "class Order < ApplicationRecord\n  self.table_name = \"orders\"\nend\n",
                    &[(Model, "orders", "orders")],
                ),
                (
                    "class Invoice < ApplicationRecord\n  self.table_name = 'billing.invoices'\nend\n",
                    &[(Model, "billing.invoices", "invoices")],
                ),
                (
                    "class A\n  self.table_name = :legacy_orders\nend\n",
                    &[(Model, "legacy_orders", "legacy_orders")],
                ),
                // Traps: comments, =begin blocks, strings, reading the name.
                ("# self.table_name = \"orders\"\nx = 1\n", &[]),
                ("=begin\nself.table_name = 'orders'\n=end\nx = 1\n", &[]),
                ("puts \"self.table_name = 'orders'\"\n", &[]),
                ("name = self.table_name\n", &[]),
                // Migration DSL outside db/migrate means nothing.
                ("create_table :orders do |t|\nend\n", &[]),
            ],
        );
    }

    #[test]
    fn migrations() {
        check(
            MIGRATION,
            &[
                (
                    "class CreateOrders < ActiveRecord::Migration[7.1]\n  def change\n    create_table :orders do |t|\n      t.string :name\n      t.timestamps\n    end\n  end\nend\n",
                    &[(Ddl, "orders", "orders")],
                ),
                (
                    "create_table \"orders\", id: :uuid do |t|\nend\n",
                    &[(Ddl, "orders", "orders")],
                ),
                (
                    "create_table(:orders) { |t| t.string :x }\n",
                    &[(Ddl, "orders", "orders")],
                ),
                (
                    "change_table :orders do |t|\n  t.remove :x\nend\n",
                    &[(Ddl, "orders", "orders")],
                ),
                (
                    "drop_table :orders, if_exists: true\n",
                    &[(Ddl, "orders", "orders")],
                ),
                (
                    "rename_table :orders, :purchases\n",
                    &[(Ddl, "orders", "orders"), (Ddl, "purchases", "purchases")],
                ),
                (
                    "add_column :orders, :total, :integer\n",
                    &[(Ddl, "orders", "orders")],
                ),
                (
                    "remove_column :orders, :total\n",
                    &[(Ddl, "orders", "orders")],
                ),
                (
                    "add_index :orders, [:a, :b], unique: true\n",
                    &[(Ddl, "orders", "orders")],
                ),
                (
                    "add_foreign_key :orders, :customers, column: :cid\n",
                    &[(Ddl, "orders", "orders"), (Fk, "customers", "customers")],
                ),
                (
                    "add_reference :orders, :customer, index: true\n",
                    &[(Ddl, "orders", "orders")],
                ),
                (
                    "add_reference :orders, :customer, foreign_key: { to_table: :clients }\n",
                    &[(Ddl, "orders", "orders"), (Fk, "clients", "clients")],
                ),
                (
                    "create_table :orders do |t|\n  t.references :customer, foreign_key: true\n  t.references :item, polymorphic: true\nend\n",
                    &[(Ddl, "orders", "orders"), (Fk, "customers", "customer")],
                ),
            ],
        );
        // A pluralized reference is a convention, not a name as written.
        let got = extract(
            MIGRATION,
            "add_reference :orders, :category, foreign_key: true\n",
            &Context::default(),
        );
        let fk: Vec<_> = got.accesses.iter().filter(|a| a.kind == Fk).collect();
        assert_eq!(fk.len(), 1);
        assert_eq!(fk[0].confidence, Confidence::Low);
        assert_eq!(fk[0].target, Target::Table(TableRef::bare("categories")));
    }

    #[test]
    fn down_bodies_do_not_count() {
        let src = "class X < ActiveRecord::Migration[7.0]\n  def up\n    add_column :orders, :x, :int\n  end\n\n  def down\n    if true\n      remove_column :orders, :x\n    end\n    drop_table :customers\n  end\n\n  def self.down\n    drop_table :legacy\n  end\n\n  def change\n    reversible do |dir|\n      dir.down do\n        drop_table :gone\n      end\n      dir.up { x }\n    end\n    create_table :invoices\n  end\nend\n";
        let names: Vec<String> = run(MIGRATION, src).into_iter().map(|g| g.1).collect();
        assert_eq!(names, ["orders", "invoices"]);
    }

    #[test]
    fn schema_dump() {
        check(
            "db/schema.rb",
            &[(
                "ActiveRecord::Schema[7.1].define(version: 2024_01_01) do\n  create_table \"orders\", force: :cascade do |t|\n    t.bigint \"customer_id\"\n    t.index [\"customer_id\"], name: \"index_orders_on_customer_id\"\n  end\n\n  add_foreign_key \"orders\", \"customers\"\nend\n",
                &[(Model, "orders", "orders"), (Fk, "customers", "customers")],
            )],
        );
    }

    #[test]
    fn sql_in_strings() {
        check(
            "app/models/report.rb",
            &[
                (
                    "class X < ActiveRecord::Migration[7.0]\n  def up\n    execute <<~SQL\n      UPDATE orders SET total = 0\n    SQL\n  end\nend\n",
                    &[(Write, "orders", "orders")],
                ),
                (
                    "rows = Order.find_by_sql(<<~SQL.squish)\n  SELECT o.* FROM orders o\n  JOIN customers c ON c.id = o.customer_id\nSQL\n",
                    &[(Read, "orders", "orders"), (Read, "customers", "customers")],
                ),
                (
                    "ActiveRecord::Base.connection.execute(\"DELETE FROM orders WHERE id = 1\")\n",
                    &[(Write, "orders", "orders")],
                ),
                (
                    "conn.exec_query('SELECT * FROM orders')\n",
                    &[(Read, "orders", "orders")],
                ),
                (
                    "ActiveRecord::Base.connection.select_all(%Q{SELECT id FROM orders})\n",
                    &[(Read, "orders", "orders")],
                ),
                (
                    "sql = \"SELECT id \" \\\n  \"FROM orders\"\n",
                    &[(Read, "orders", "orders")],
                ),
                (
                    "sql = \"SELECT id \" +\n  \"FROM orders\"\n",
                    &[(Read, "orders", "orders")],
                ),
                // An escape before the name keeps the offset exact.
                (
                    "q = \"SELECT *\\n\\tFROM orders\"\n",
                    &[(Read, "orders", "orders")],
                ),
            ],
        );
    }

    #[test]
    fn interpolated_sql_resolves_visible_constants() {
        let src = "TABLE = \"orders\".freeze\n\ndef purge(t)\n  execute(\"DELETE FROM #{TABLE}\")\n  execute(<<~SQL)\n    SELECT * FROM #{TABLE}\n  SQL\n  execute(\"SELECT * FROM #{t}\")\nend\n";
        let got = extract("lib/purge.rb", src, &Context::default()).accesses;
        let at = src.find("orders").unwrap_or(0);
        assert_eq!(got.len(), 2, "{got:?}");
        // Each is labelled at its interpolation; the constant's literal is the origin.
        let uses: Vec<usize> = src.match_indices("#{TABLE}").map(|(p, _)| p + 2).collect();
        for (a, used) in got.iter().zip(uses) {
            assert_eq!(
                (a.offset, &src[a.offset..a.offset + a.len]),
                (used, "TABLE")
            );
            let origin = a.origin.as_ref().map(|o| (o.name.as_str(), o.place));
            assert_eq!(
                origin,
                Some(("TABLE", crate::model::Place::Here { offset: at, len: 6 }))
            );
        }
    }

    #[test]
    fn sql_traps() {
        check(
            "app/services/x.rb",
            &[
                ("# SELECT * FROM orders\nx = 1\n", &[]),
                ("=begin\nDELETE FROM orders\n=end\n", &[]),
                ("puts \"DELETE FROM orders\"\n", &[]),
                ("Rails.logger.info(\"SELECT * FROM orders\")\n", &[]),
                ("logger.warn <<~MSG\n  UPDATE orders SET x = 1\nMSG\n", &[]),
                ("msg = 'please select the orders from the list'\n", &[]),
                ("words = %w[select from orders]\n", &[]),
                ("re = /DELETE FROM orders/\n", &[]),
                ("execute(\"SELECT * FROM #{table}\")\n", &[]),
                ("x = <<~'TXT'\n  just prose about orders\nTXT\n", &[]),
                // `x / y` division is not a regexp swallowing the code after it.
                (
                    "a = b / c\nconn.execute('DELETE FROM orders') # /\n",
                    &[(Write, "orders", "orders")],
                ),
                // A heredoc body is skipped as code: its lines are not statements.
                ("x = <<~TXT\n  self.table_name = 'orders'\nTXT\n", &[]),
            ],
        );
    }

    #[test]
    fn file_roles() {
        assert_eq!(role_of("db/migrate/1_x.rb"), FileRole::Migration);
        assert_eq!(
            role_of("services/orders/db/migrate/1_x.rb"),
            FileRole::Migration
        );
        assert_eq!(role_of("db/animals_migrate/1_x.rb"), FileRole::Migration);
        assert_eq!(role_of("db/schema.rb"), FileRole::Schema);
        assert_eq!(role_of("svc/db/animals_schema.rb"), FileRole::Schema);
        assert_eq!(role_of("app/models/schema.rb"), FileRole::Code);
        assert_eq!(pluralize("category"), "categories");
        assert_eq!(pluralize("day"), "days");
        assert_eq!(pluralize("address"), "addresses");
        assert_eq!(pluralize("customer"), "customers");
    }

    #[test]
    fn robust_on_hostile_input() {
        let ctx = Context::default();
        let deep = format!("x = {}\n", "(".repeat(50_000));
        let _ = extract(MIGRATION, &deep, &ctx);
        let balanced = format!(
            "x = {}{}\ncreate_table :orders\n",
            "[".repeat(50_000),
            "]".repeat(50_000)
        );
        assert_eq!(
            run(MIGRATION, &balanced),
            [(Ddl, "orders".to_string(), "orders".to_string())]
        );
        let blank_dots = format!("x = 1{}.y\n", "\n".repeat(50_000));
        let _ = extract(MIGRATION, &blank_dots, &ctx);
        for src in [
            "x = \"SELECT * FROM orders",
            "x = 'abc",
            "execute <<~SQL\n SELECT * FROM orders",
            "execute <<~",
            "x = \"#{",
            "x = %Q(",
            "x = %",
            "x = ?",
            "=begin\nnever ends",
            ":",
            "$",
            "@@",
            "def",
            "def self.",
            "end end end",
            "\0\0create_table\0:orders\0",
            "self.table_name = 'é\u{301}'\n",
            "x = \"\\u{1F600\"",
            "add_reference :a, :b, foreign_key: {",
        ] {
            let out = extract(MIGRATION, src, &ctx);
            for a in &out.accesses {
                assert!(
                    a.offset + a.len <= src.len() && src.is_char_boundary(a.offset),
                    "{src}"
                );
            }
        }
        // Text after __END__ is data.
        assert!(run(MIGRATION, "x = 1\n__END__\ncreate_table :orders\n").is_empty());
    }

    #[test]
    fn language_of_ruby_files() {
        use crate::lang::Language;
        for path in [
            "app/models/order.rb",
            "lib/tasks/db.rake",
            "Rakefile",
            "svc/Rakefile",
        ] {
            assert_eq!(Language::of(path), Some(Language::Ruby), "{path}");
        }
        assert_eq!(Language::of("Gemfile"), None);
    }

    #[test]
    fn markers_are_specific() {
        assert!(MARKERS.iter().all(|m| m.len() >= 10));
    }
}
