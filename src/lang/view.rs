//! A small language-neutral view of a file: identifiers, punctuation and string
//! literals (decoded) with their byte ranges, statement ends, matched brackets, the
//! call shapes read from them (`recv.name(args)`, `@Name(args)`, keyed and positional
//! arguments) and the file's string constants.
//!
//! Why it exists: the rules that read a service's calls and events in code
//! (`crate::drift::code`) are the same in every language (a URL naming another
//! service, a producer call with a topic, a message argument that never counts); each
//! language only knows how to lex. So each language turns the tokens of its own lexer
//! (comments already gone) into this view ([`Builder`]), and the rules are written
//! once, against it. Built only for files the drift search picked, so it may allocate
//! a decoded string per literal.

use std::collections::HashMap;

use super::Language;
use super::brackets::{self, NONE, Recovery};

/// What a token of the view is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ident,
    Punct,
    /// A string literal; the index of its decoded text.
    Str(usize),
    /// The end of a statement that the language marks by a line end (Python, Ruby);
    /// reads as `;`.
    End,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tok {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// A call (or annotation, decorator) `recv.name(args)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// The name token.
    pub name: usize,
    /// The last identifier of the receiver expression (`jdbc` in `this.jdbc.query(`,
    /// `getJdbc` in `getJdbc().query(`, `reqwest` in `reqwest::get(`).
    pub recv: Option<usize>,
    /// The `(` token and its partner.
    pub open: usize,
    pub close: usize,
    /// Preceded by `@`: an annotation or decorator.
    pub annotation: bool,
}

pub use super::args::Arg;

/// Collects a language's tokens, then [`Builder::finish`]es the view.
pub struct Builder<'a> {
    text: &'a str,
    toks: Vec<Tok>,
    strs: Vec<String>,
    /// Constants given by the language (its own rules of what is immutable).
    constants: HashMap<String, Option<String>>,
}

impl<'a> Builder<'a> {
    pub fn new(text: &'a str) -> Self {
        Builder {
            text,
            toks: Vec::with_capacity(text.len() / 6),
            strs: Vec::new(),
            constants: HashMap::new(),
        }
    }

    fn push(&mut self, kind: Kind, start: usize, end: usize) {
        let end = end.min(self.text.len());
        self.toks.push(Tok {
            kind,
            start: start.min(end),
            end,
        });
    }

    pub fn ident(&mut self, start: usize, end: usize) {
        self.push(Kind::Ident, start, end);
    }

    pub fn punct(&mut self, start: usize, end: usize) {
        self.push(Kind::Punct, start, end);
    }

    pub fn end(&mut self, at: usize) {
        if self.toks.last().is_some_and(|t| t.kind != Kind::End) {
            self.push(Kind::End, at, at);
        }
    }

    /// A string literal at `start..end` whose decoded text is `value`.
    pub fn string(&mut self, start: usize, end: usize, value: String) {
        self.strs.push(value);
        self.push(Kind::Str(self.strs.len() - 1), start, end);
    }

    /// A string constant the language's own rules found: `name` stands for `value`.
    /// A name bound twice to different text is dropped: not guessing.
    pub fn constant(&mut self, name: &str, value: String) {
        let e = self
            .constants
            .entry(name.to_string())
            .or_insert_with(|| Some(value.clone()));
        if e.as_ref().is_some_and(|v| *v != value) {
            *e = None;
        }
    }

    /// The view, with brackets matched and, for languages whose lexer knows no
    /// constants, `NAME = "literal"` statements read as constants (see
    /// [`View::collect_constants`]).
    pub fn finish(self, lang: Language, find_constants: bool) -> View<'a> {
        let n = self.toks.len();
        let mut view = View {
            lang,
            text: self.text,
            toks: self.toks,
            strs: self.strs,
            partner: Vec::new(),
            enclosing: Vec::new(),
            constants: HashMap::new(),
        };
        let pairs = {
            let byte = |i: usize| match view.punct(i).as_bytes() {
                [c] => *c,
                _ => 0,
            };
            brackets::pair(vec![NONE; n], byte, Recovery::Enclosing(8), true)
        };
        view.partner = pairs.partner;
        view.enclosing = pairs.parent;
        for o in pairs.unclosed {
            view.partner[o] = n;
        }
        let mut constants = self.constants;
        if find_constants {
            view.collect_constants(&mut constants);
        }
        view.constants = constants
            .into_iter()
            .filter_map(|(k, v)| Some((k, v?)))
            .collect();
        view
    }
}

/// A file seen through [`Builder`].
pub struct View<'a> {
    pub lang: Language,
    text: &'a str,
    pub toks: Vec<Tok>,
    strs: Vec<String>,
    partner: Vec<usize>,
    enclosing: Vec<usize>,
    constants: HashMap<String, String>,
}

/// Words that may precede a constant's name: `const X = ".."`, `final X = ".."`.
const DECLARERS: &[&str] = &["const", "let", "var", "val", "final", "static", "readonly"];

impl<'a> View<'a> {
    /// The text of punctuation token `i` (`;` for a statement end; empty for other
    /// tokens and out of range).
    pub fn punct(&self, i: usize) -> &'a str {
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Punct => self.text.get(t.start..t.end).unwrap_or(""),
            Some(t) if t.kind == Kind::End => ";",
            _ => "",
        }
    }

    /// The text of identifier token `i`.
    pub fn ident(&self, i: usize) -> Option<&'a str> {
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Ident => self.text.get(t.start..t.end),
            _ => None,
        }
    }

    /// True when token `i` is the identifier `word`.
    pub fn is_word(&self, i: usize, word: &str) -> bool {
        self.ident(i) == Some(word)
    }

    /// The decoded text of string token `i`.
    pub fn lit(&self, i: usize) -> Option<&str> {
        match self.toks.get(i)?.kind {
            Kind::Str(s) => self.strs.get(s).map(String::as_str),
            _ => None,
        }
    }

    /// The decoded text of string token `i` (empty for other tokens): the spelling
    /// of `clike::Source::lit_text`, so rules written against either read alike.
    pub fn lit_text(&self, i: usize) -> String {
        self.lit(i).unwrap_or_default().to_string()
    }

    /// The source text of token `i` as written (quotes and escapes of a literal
    /// included; empty out of range).
    pub fn raw(&self, i: usize) -> &'a str {
        self.toks
            .get(i)
            .and_then(|t| self.text.get(t.start..t.end))
            .unwrap_or("")
    }

    /// The dotted name starting at identifier token `first` (`io.nats.client`), and
    /// its last token.
    pub fn dotted_name(&self, first: usize) -> Option<(String, usize)> {
        let mut name = self.ident(first)?.to_string();
        let mut last = first;
        while self.punct(last + 1) == "." && self.ident(last + 2).is_some() {
            last += 2;
            name.push('.');
            name.push_str(self.ident(last)?);
        }
        Some((name, last))
    }

    /// The matching bracket of token `i`, if it is a bracket.
    pub fn partner(&self, i: usize) -> Option<usize> {
        self.partner.get(i).copied().filter(|&p| p != NONE)
    }

    /// The innermost open bracket around token `i`.
    pub fn enclosing(&self, i: usize) -> Option<usize> {
        self.enclosing.get(i).copied().filter(|&p| p != NONE)
    }

    /// The value of this file's string constant `name`.
    pub fn constant(&self, name: &str) -> Option<&str> {
        self.constants.get(name).map(String::as_str)
    }

    /// True when token `i` starts a statement.
    fn at_statement_start(&self, i: usize) -> bool {
        i == 0 || matches!(self.punct(i - 1), ";" | "{" | "}")
    }

    /// `NAME = "literal"` as a whole statement (`;`, a statement end, a line break
    /// before a word, or the file's end after it), at a statement's start or after a declaring word (`const`, `let`),
    /// with a type between (`const NAME: &str = ".."`) when a declaring word leads.
    fn collect_constants(&self, into: &mut HashMap<String, Option<String>>) {
        for (k, t) in self.toks.iter().enumerate() {
            let Kind::Str(s) = t.kind else { continue };
            if k < 2 || self.punct(k - 1) != "=" {
                continue;
            }
            // A statement ends at `;`, `}`, the file's end, or (TypeScript without
            // semicolons) a line break before the next statement's first word.
            let next_line = self.toks.get(k + 1).is_some_and(|n| {
                n.kind == Kind::Ident
                    && self
                        .text
                        .get(t.end..n.start)
                        .is_some_and(|g| g.contains('\n'))
            });
            let ends =
                k + 1 >= self.toks.len() || matches!(self.punct(k + 1), ";" | "}") || next_line;
            if !ends {
                continue;
            }
            // The name: right before `=`, or before a `:` type within a few tokens.
            let mut name = k - 2;
            if self.ident(name).is_none() || self.punct(name.saturating_sub(1)) == "." {
                continue;
            }
            let declared =
                |n: usize| n > 0 && self.ident(n - 1).is_some_and(|w| DECLARERS.contains(&w));
            if !declared(name) && !self.at_statement_start(name) {
                // `NAME: &str = ".."`: walk back over the type to `:`.
                let colon = (k.saturating_sub(8)..k - 1)
                    .rev()
                    .find(|&c| self.punct(c) == ":");
                match colon {
                    Some(c) if c > 0 && self.ident(c - 1).is_some() && declared(c - 1) => {
                        name = c - 1;
                    }
                    _ => continue,
                }
            }
            let (Some(n), Some(v)) = (self.ident(name), self.strs.get(s)) else {
                continue;
            };
            let e = into.entry(n.to_string()).or_insert_with(|| Some(v.clone()));
            if e.as_ref().is_some_and(|old| old != v) {
                *e = None;
            }
        }
    }

    /// The call whose name is token `i`: an identifier followed by `(` (or by
    /// `!(` for a Rust macro).
    pub fn call_at(&self, i: usize) -> Option<Call> {
        self.ident(i)?;
        let mut open = i + 1;
        if self.punct(open) == "!" && self.lang == Language::Rust {
            open += 1;
        }
        if self.punct(open) == "<" {
            open = self.skip_generics(open)?;
        }
        if self.punct(open) != "(" {
            return None;
        }
        let close = self.partner(open).unwrap_or(self.toks.len());
        let mut recv = None;
        if i >= 2 && matches!(self.punct(i - 1), "." | "?." | "::" | "&.") {
            if self.ident(i - 2).is_some() {
                recv = Some(i - 2);
            } else if self.punct(i - 2) == ")"
                && let Some(o) = self.partner(i - 2)
                && o > 0
            {
                recv = self.ident(o - 1).map(|_| o - 1);
            }
        }
        // Walk back over a qualifier (`javax.persistence.Table`) to what precedes it.
        let mut k = i;
        for _ in 0..16 {
            if k >= 2 && matches!(self.punct(k - 1), "." | "::") && self.ident(k - 2).is_some() {
                k -= 2;
            } else {
                break;
            }
        }
        // A Kotlin use-site target: `@field:JoinTable`.
        if k >= 3
            && self.punct(k - 1) == ":"
            && self.ident(k - 2).is_some()
            && self.punct(k - 3) == "@"
        {
            k -= 2;
        }
        let annotation = k >= 1 && self.punct(k - 1) == "@";
        Some(Call {
            name: i,
            recv,
            open,
            close,
            annotation,
        })
    }

    /// Skips `<..>` generic arguments starting at `lt`; returns the token after them.
    fn skip_generics(&self, lt: usize) -> Option<usize> {
        let mut depth = 0usize;
        for k in lt..(lt + 64).min(self.toks.len()) {
            match self.punct(k) {
                "<" => depth += 1,
                ">" => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(k + 1);
                    }
                }
                "," | "." | "?" | "[" | "]" | "::" => {}
                _ if self.ident(k).is_some() => {}
                _ => return None,
            }
        }
        None
    }

    /// The top-level items between bracket `open` and its partner: a call's
    /// arguments, an object's or a list's entries.
    pub fn items(&self, open: usize) -> Vec<Arg> {
        let close = self.partner(open).unwrap_or(self.toks.len());
        super::args::items(self, open, close)
    }

    /// The top-level arguments of a call.
    pub fn args(&self, call: &Call) -> Vec<Arg> {
        self.items(call.open)
    }

    /// The argument with one of `keys`, or else the `pos`-th positional argument.
    pub fn arg_named(&self, args: &[Arg], keys: &[&str], pos: Option<usize>) -> Option<Arg> {
        super::args::named(self, args, keys, pos)
    }
}

impl super::args::Tokens for View<'_> {
    fn ident(&self, i: usize) -> Option<&str> {
        View::ident(self, i)
    }
    fn punct(&self, i: usize) -> &str {
        View::punct(self, i)
    }
    fn partner(&self, i: usize) -> Option<usize> {
        View::partner(self, i)
    }
    fn count(&self) -> usize {
        self.toks.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn py(text: &str) -> View<'_> {
        crate::lang::python::view(text)
    }

    #[test]
    fn constants_per_language() {
        let cases: &[(View, &str, Option<&str>)] = &[
            (py("TOPIC = 'orders'\nx = 1\n"), "TOPIC", Some("orders")),
            // Bound twice to different text: not guessed.
            (py("T = 'a'\nT = 'b'\n"), "T", None),
            // Not a whole statement.
            (py("T = 'a' + b\n"), "T", None),
            (
                crate::lang::typescript::view("const T = 'orders'\nconst U = 1"),
                "T",
                Some("orders"),
            ),
            (
                crate::lang::typescript::view("obj.T = 'orders';"),
                "T",
                None,
            ),
            (
                crate::lang::rust::view("const TOPIC: &str = \"orders\";"),
                "TOPIC",
                Some("orders"),
            ),
            (
                crate::lang::ruby::view("TOPIC = 'orders'\n"),
                "TOPIC",
                Some("orders"),
            ),
        ];
        for (view, name, want) in cases {
            assert_eq!(view.constant(name), *want, "{name}");
        }
    }

    #[test]
    fn calls_receivers_and_decorators() {
        let v = crate::lang::rust::view("fn f() { reqwest::get(u); println!(\"x\"); }");
        let get = (0..v.toks.len()).find(|&i| v.is_word(i, "get"));
        let call = get.and_then(|i| v.call_at(i));
        assert_eq!(
            call.and_then(|c| c.recv).and_then(|r| v.ident(r)),
            Some("reqwest")
        );
        let mac = (0..v.toks.len()).find(|&i| v.is_word(i, "println"));
        assert!(mac.and_then(|i| v.call_at(i)).is_some(), "a macro call");

        let v = crate::lang::typescript::view("class C { @EventPattern('x') on() {} }");
        let at = (0..v.toks.len()).find(|&i| v.is_word(i, "EventPattern"));
        assert!(at.and_then(|i| v.call_at(i)).is_some_and(|c| c.annotation));

        let v = py("ch.basic_publish(exchange='', routing_key='q')");
        let at = (0..v.toks.len()).find(|&i| v.is_word(i, "basic_publish"));
        let call = at.and_then(|i| v.call_at(i));
        let args = call.map(|c| v.args(&c)).unwrap_or_default();
        let keyed = v.arg_named(&args, &["routing_key"], None);
        assert_eq!(keyed.and_then(|a| v.lit(a.start)), Some("q"));
    }
}
