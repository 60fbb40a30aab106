//! A lexed file as the extractors see it: tokens, decoded literals, matched
//! brackets, and the call shapes read from them (`recv.name<T>(args)`, keyed and
//! positional arguments, ORM-style table arguments).
//!
//! Bracket matching is done once with a stack and kept as two arrays (partner,
//! innermost enclosing bracket), so every later question about structure is a
//! lookup; recovery from unbalanced brackets stays linear.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use super::lex::{Dialect, Kind, Token, lex};
use super::strings::{Part, StrLit};
use crate::lang::Problem;
use crate::lang::brackets::{self, NONE, Recovery};
use crate::lang::sql;
use crate::lang::values::Known;
use crate::model::{Access, AccessKind, ImportRef, Target};

/// A lexed file with bracket structure and the string constants it declares.
pub struct Source<'a> {
    pub text: &'a str,
    pub dialect: Dialect,
    pub toks: Vec<Token>,
    pub strs: Vec<StrLit>,
    /// For an opening bracket, the index of its closing bracket (`toks.len()` when
    /// unclosed); for a closing bracket, its opening one; [`NONE`] otherwise.
    partner: Vec<usize>,
    /// The innermost open bracket around each token, or [`NONE`].
    enclosing: Vec<usize>,
    /// String constants: name → index of the literal token (ambiguous names removed).
    /// A class or object member is also known as `Owner.NAME`.
    pub(super) constants: HashMap<String, usize>,
    /// The constants other files of the package may use: name and literal token.
    pub(super) package_level: Vec<(String, usize)>,
    /// Names assigned after their declaration (Go).
    pub(super) assigned: Vec<String>,
    /// Go `var`s among the constants: another file's assignment undoes them.
    pub(super) vars: HashSet<String>,
    /// The constants other files of the package define.
    pub(super) known: Option<&'a Known>,
    /// Names used where SQL text was needed that have no value here.
    pub(super) open: RefCell<Vec<String>>,
    pub(super) problem: Option<Problem>,
}

/// A call (or annotation/attribute application) `recv.name<T>(args)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// The method name token.
    pub name: usize,
    /// The last identifier of the receiver expression (`jdbc` in `this.jdbc.query(`,
    /// `getJdbc` in `getJdbc().query(`).
    pub recv: Option<usize>,
    /// The `(` token and its partner.
    pub open: usize,
    pub close: usize,
    /// Preceded by `@`: a Java/Kotlin annotation.
    pub annotation: bool,
    /// Preceded by `new`: a constructor call.
    pub new: bool,
}

pub use crate::lang::args::Arg;

impl<'a> Source<'a> {
    /// Lexes `text` and computes its bracket structure and constants.
    pub fn new(text: &'a str, dialect: Dialect) -> Self {
        Self::with_known(text, dialect, None)
    }

    /// Like [`Self::new`], with the constants other files of the package define (a
    /// constant of this file wins over one of the same name there).
    pub fn with_known(text: &'a str, dialect: Dialect, known: Option<&'a Known>) -> Self {
        let lexed = lex(text, dialect);
        let n = lexed.toks.len();
        let mut src = Source {
            text,
            dialect,
            toks: lexed.toks,
            strs: lexed.strs,
            partner: vec![NONE; n],
            enclosing: Vec::new(),
            constants: HashMap::new(),
            package_level: Vec::new(),
            assigned: Vec::new(),
            vars: HashSet::new(),
            known,
            open: RefCell::new(Vec::new()),
            problem: lexed.problem,
        };
        src.match_brackets();
        src.collect_constants();
        src
    }

    /// Pairs brackets ([`brackets::pair`]): a closer that does not match the innermost
    /// opener closes a nearby enclosing one of its kind (looking a few levels down, so
    /// that recovery stays linear); otherwise it is ignored. An opener never closed
    /// ends at the end of the tokens.
    fn match_brackets(&mut self) {
        let n = self.toks.len();
        let partner = std::mem::take(&mut self.partner);
        let byte = |i: usize| match self.punct(i).as_bytes() {
            [c] => *c,
            _ => 0,
        };
        let pairs = brackets::pair(partner, byte, Recovery::Enclosing(8), true);
        self.partner = pairs.partner;
        self.enclosing = pairs.parent;
        for o in pairs.unclosed {
            self.partner[o] = n;
        }
    }

    /// The text of punctuation token `i` (empty for other tokens and out of range).
    pub fn punct(&self, i: usize) -> &'a str {
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Punct => &self.text[t.start..t.end],
            _ => "",
        }
    }

    /// The text of identifier token `i`.
    pub fn ident(&self, i: usize) -> Option<&'a str> {
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Ident => Some(&self.text[t.start..t.end]),
            _ => None,
        }
    }

    /// True when token `i` is the identifier `word`.
    pub fn is_word(&self, i: usize, word: &str) -> bool {
        self.ident(i) == Some(word)
    }

    /// The literal behind string token `i`.
    pub fn lit(&self, i: usize) -> Option<&StrLit> {
        match self.toks.get(i)?.kind {
            Kind::Str(s) => self.strs.get(s),
            _ => None,
        }
    }

    /// The matching bracket of token `i`, if it is a bracket.
    pub fn partner(&self, i: usize) -> Option<usize> {
        self.partner.get(i).copied().filter(|&p| p != NONE)
    }

    /// The innermost open bracket around token `i`.
    pub fn enclosing(&self, i: usize) -> Option<usize> {
        self.enclosing.get(i).copied().filter(|&p| p != NONE)
    }

    /// The decoded text of literal token `i`, holes as [`sql::HOLE`].
    pub fn lit_text(&self, i: usize) -> String {
        let mut s = String::new();
        for p in self.lit(i).map(|l| l.parts.as_slice()).unwrap_or_default() {
            match *p {
                Part::Verbatim { start, end } => s.push_str(&self.text[start..end]),
                Part::Decoded { ch, .. } => s.push(ch),
                Part::Hole { .. } => s.push_str(sql::HOLE),
            }
        }
        s
    }

    /// The dotted name `a.b.C` whose first identifier is token `first`, and the index
    /// of its last identifier: what an import or `using` directive names.
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

    /// An import of package `name`, labelled on tokens `first..=last`.
    pub fn import_of(&self, name: String, first: usize, last: usize) -> Access {
        let start = self.toks[first].start;
        Access::import(ImportRef::Package(name), start, self.toks[last].end - start)
    }

    /// The call whose name is token `i`, if `i` is an identifier followed by
    /// (optional generic arguments and) `(`.
    pub fn call_at(&self, i: usize) -> Option<Call> {
        self.ident(i)?;
        let mut open = i + 1;
        if self.punct(open) == "<" {
            open = self.skip_generics(open)?;
        }
        if self.punct(open) != "(" {
            return None;
        }
        let close = self.partner(open).unwrap_or(self.toks.len());
        let mut recv = None;
        if i >= 2 && matches!(self.punct(i - 1), "." | "?.") {
            if self.ident(i - 2).is_some() {
                recv = Some(i - 2);
            } else if self.punct(i - 2) == ")"
                && let Some(o) = self.partner(i - 2)
                && o > 0
            {
                recv = self.name_before(o - 1);
            }
        }
        // Walk back over a qualifier (`javax.persistence.Table`) and a Kotlin use-site
        // target (`@field:JoinTable`) to what precedes the name.
        let mut k = i;
        for _ in 0..16 {
            if k >= 2 && self.punct(k - 1) == "." && self.ident(k - 2).is_some() {
                k -= 2;
            } else {
                break;
            }
        }
        if self.dialect == Dialect::Kotlin
            && k >= 3
            && self.punct(k - 1) == ":"
            && self.ident(k - 2).is_some()
            && self.punct(k - 3) == "@"
        {
            k -= 2;
        }
        let annotation = k >= 1 && self.punct(k - 1) == "@";
        let new = k >= 1 && self.is_word(k - 1, "new");
        Some(Call {
            name: i,
            recv,
            open,
            close,
            annotation,
            new,
        })
    }

    /// The identifier ending at `k`, skipping generic arguments (`Entity<Order>`).
    fn name_before(&self, k: usize) -> Option<usize> {
        if self.ident(k).is_some() {
            return Some(k);
        }
        if self.punct(k) != ">" {
            return None;
        }
        let mut depth = 0usize;
        for j in (k.saturating_sub(64)..=k).rev() {
            match self.punct(j) {
                ">" => depth += 1,
                "<" => {
                    depth -= 1;
                    if depth == 0 {
                        return j.checked_sub(1).filter(|&n| self.ident(n).is_some());
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Skips `<..>` generic arguments starting at `lt`; returns the token after them.
    fn skip_generics(&self, lt: usize) -> Option<usize> {
        let mut depth = 0usize;
        for k in lt..(lt + 64).min(self.toks.len()) {
            match self.punct(k) {
                "<" => depth += 1,
                ">" => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(k + 1);
                    }
                }
                "," | "." | "?" | "[" | "]" => {}
                _ if self.ident(k).is_some() => {}
                _ => return None,
            }
        }
        None
    }

    /// The top-level arguments of a call.
    pub fn args(&self, call: &Call) -> Vec<Arg> {
        crate::lang::args::items(self, call.open, call.close)
    }

    /// The argument with one of `keys`, or else the `pos`-th positional argument.
    pub fn arg_named(&self, args: &[Arg], keys: &[&str], pos: Option<usize>) -> Option<Arg> {
        crate::lang::args::named(self, args, keys, pos)
    }

    /// The table named by an ORM call's arguments: the name from `names`/`pos`, a
    /// schema from `schema` (key, position) overriding one written in the name.
    pub fn table_arg(
        &self,
        args: &[Arg],
        names: &[&str],
        pos: Option<usize>,
        schema: (&[&str], Option<usize>),
        kind: AccessKind,
    ) -> Option<Access> {
        let a = self.arg_named(args, names, pos)?;
        let mut access = self.table_in(a.start, a.end, kind)?;
        let schema = self
            .arg_named(args, schema.0, schema.1)
            .and_then(|s| self.string_value(&s));
        if let (Some(s), Target::Table(t)) = (schema, &mut access.target) {
            t.schema = Some(s);
        }
        Some(access)
    }
}

impl crate::lang::args::Tokens for Source<'_> {
    fn ident(&self, i: usize) -> Option<&str> {
        Source::ident(self, i)
    }
    fn punct(&self, i: usize) -> &str {
        Source::punct(self, i)
    }
    fn partner(&self, i: usize) -> Option<usize> {
        Source::partner(self, i)
    }
    fn count(&self) -> usize {
        self.toks.len()
    }
}
