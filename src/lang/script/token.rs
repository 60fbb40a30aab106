//! Tokens and string literals: what a scripting-language lexer hands to its extractor.
//!
//! Comments and blanks make no token, so nothing inside them can look like code. A
//! string literal (or heredoc) is one [`Kind::Str`] token whose [`Lit`] keeps the byte
//! range of its body and of each interpolation hole, so that the string-assembly path
//! ([`super::assemble`]) can decode it and fill its holes without lexing it again.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or keyword (in Ruby also `@ivar` and `$global`).
    Name,
    /// Ruby: a hash key or keyword argument `name:`; the range excludes the colon.
    Label,
    /// Ruby: `:name`; the range excludes the colon.
    Sym,
    /// A string literal or heredoc; [`Tok::lit`] indexes [`Lexed::lits`].
    Str,
    /// A value never analysed: a number, and in Ruby a regexp, word list, shell command
    /// or character.
    Val,
    Op,
    /// The end of a statement line (a newline outside brackets that does not continue
    /// the line).
    Newline,
}

#[derive(Clone, Copy, Debug)]
pub struct Tok {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// For [`Kind::Str`] (and Ruby's opaque literals): the literal's index.
    pub lit: usize,
}

/// How backslashes read inside a literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Esc {
    /// Backslashes are literal: Python's `r".."`, a Ruby heredoc with a single-quoted
    /// terminator.
    Raw,
    /// Ruby's `'..'` and `%q`: only `\\` and an escaped delimiter.
    Single,
    /// The language's full escape table.
    Double,
}

/// One string literal or heredoc.
#[derive(Clone, Debug)]
pub struct Lit {
    /// Byte range of the contents between the delimiters.
    pub body: (usize, usize),
    pub esc: Esc,
    /// Python's f-string (`f`, `t` prefix): braces delimit holes and `{{`/`}}` escape
    /// them.
    pub fmt: bool,
    /// Byte ranges of the hole expressions (inside their braces), in order.
    pub holes: Vec<(usize, usize)>,
}

/// A lexer's output.
#[derive(Default)]
pub struct Lexed {
    pub toks: Vec<Tok>,
    pub lits: Vec<Lit>,
}

impl Lexed {
    /// Appends a token that is not a literal.
    pub fn push(&mut self, kind: Kind, start: usize, end: usize) {
        self.toks.push(Tok {
            kind,
            start,
            end,
            lit: 0,
        });
    }

    /// Appends a literal; returns its index.
    pub fn push_lit(&mut self, lit: Lit) -> usize {
        self.lits.push(lit);
        self.lits.len() - 1
    }
}

/// A statement's tokens `s..e`, and the first token of its logical line.
#[derive(Clone, Copy, Debug)]
pub struct Stmt {
    pub line: usize,
    pub s: usize,
    pub e: usize,
}

/// A file's tokens with its text: what an extractor reads.
pub struct Tokens<'a> {
    pub src: &'a str,
    pub toks: Vec<Tok>,
    pub lits: Vec<Lit>,
}

impl<'a> Tokens<'a> {
    pub fn new(src: &'a str, lexed: Lexed) -> Self {
        Tokens {
            src,
            toks: lexed.toks,
            lits: lexed.lits,
        }
    }

    pub fn tok(&self, i: usize) -> Option<&Tok> {
        self.toks.get(i)
    }

    pub fn kind(&self, i: usize) -> Option<Kind> {
        self.tok(i).map(|t| t.kind)
    }

    /// The text of token `i`; empty past the end.
    pub fn text(&self, i: usize) -> &'a str {
        self.toks.get(i).map_or("", |t| &self.src[t.start..t.end])
    }

    pub fn is_op(&self, i: usize, op: &str) -> bool {
        self.kind(i) == Some(Kind::Op) && self.text(i) == op
    }

    pub fn is_name(&self, i: usize, name: &str) -> bool {
        self.kind(i) == Some(Kind::Name) && self.text(i) == name
    }

    /// The file offset of token `i` (0 past the end).
    pub fn start(&self, i: usize) -> usize {
        self.tok(i).map_or(0, |t| t.start)
    }

    /// A literal's body as written.
    pub fn body(&self, lit: usize) -> &'a str {
        let (s, e) = self.lits[lit].body;
        &self.src[s..e]
    }

    /// Statements as token ranges, split at statement ends and top-level `;`, each with
    /// the first token of its line. Found once, walked twice (constants, then the run).
    pub fn statements(&self) -> Vec<Stmt> {
        let mut out = Vec::with_capacity(self.toks.len() / 8);
        let mut line = 0;
        let mut start = 0;
        let mut depth = 0usize;
        for (i, t) in self.toks.iter().enumerate() {
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
                    out.push(Stmt {
                        line,
                        s: start,
                        e: i,
                    });
                }
                start = i + 1;
                if t.kind == Kind::Newline {
                    line = i + 1;
                }
            }
        }
        if start < self.toks.len() {
            out.push(Stmt {
                line,
                s: start,
                e: self.toks.len(),
            });
        }
        out
    }

    /// The dotted callee ending at name token `i` (the name before a call's arguments),
    /// not reaching before token `s`: names joined by the operators in `seps`
    /// (`op.create_table`, `ActiveRecord::Base.connection.execute`). `None` when `i`
    /// is no name or a keyword.
    pub fn callee_before(
        &self,
        i: usize,
        s: usize,
        seps: &[&str],
        keyword: fn(&str) -> bool,
    ) -> Option<String> {
        if self.kind(i) != Some(Kind::Name) || keyword(self.text(i)) {
            return None;
        }
        let mut k = i;
        while k >= s + 2
            && self.kind(k - 1) == Some(Kind::Op)
            && seps.contains(&self.text(k - 1))
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
}
