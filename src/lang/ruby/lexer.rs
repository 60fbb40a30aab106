//! Ruby's lexer. It knows comments (`#`, `=begin`/`=end`, `__END__`), strings with
//! `#{}` interpolation, `%q`/`%Q`/`%w`-style literals, heredocs (`<<~SQL`, the usual
//! home of SQL in Rails code; the token stands where the heredoc opens, its body is read
//! when the line ends), regexps, symbols, labels and character literals, so prose and
//! comments never look like code. A line that ends in an operator, or whose next line
//! starts with `.`, continues; other line ends end a statement.

use super::holes::{Opener, closing, hole_at, holes_in, opener};
use crate::lang::line_end;
use crate::lang::script::{Esc, Kind, Lexed, Lit, Tok, is_ident_char, is_ident_start};

/// A heredoc whose body starts after the current line.
struct Pending {
    lit: usize,
    id: String,
    /// `<<~` or `<<-`: the terminator may be indented.
    indented: bool,
}

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
pub(super) fn expects_value(kw: &str) -> bool {
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

/// Lexes a Ruby file.
pub(super) fn lex(src: &str) -> Lexed {
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
                let eol = line_end(self.b, line);
                let text = self.src[line..eol].trim_end_matches('\r');
                let text = if p.indented { text.trim_start() } else { text };
                if text == p.id {
                    break (line, (eol + 1).min(self.b.len()));
                }
                line = eol + 1;
            };
            let holes = if self.lits[p.lit].esc == Esc::Raw {
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
            Esc::Raw
        } else {
            Esc::Double
        };
        self.lits.push(Lit {
            body: (k, k),
            esc,
            fmt: false,
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
                        fmt: false,
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
            fmt: false,
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
        let close = closing(open);
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
