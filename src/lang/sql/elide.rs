//! Long lists of literals left out of very large statements before parsing.
//!
//! sqlparser holds a statement's tokens and then its tree in memory, over a hundred
//! bytes for each byte of SQL: one 4 MB `INSERT … VALUES (…), (…), …` of a dump, or a
//! generated `IN (1, 2, …)` list, took half a gigabyte. Table names never stand in a
//! list of literals, so for a statement over [`MAX_PARSE_BYTES`] this finds the list
//! items made only of literals (numbers, strings, bind parameters, `NULL`, `TRUE`,
//! `FALSE`, `DEFAULT`, operators, and parenthesised groups of these) that follow an item
//! ending in a literal, and leaves them out with their commas: `VALUES (1, 'a'),
//! (2, 'b')` is parsed as `VALUES (1)`, `IN (1, 2, 3)` as `IN (1)`. What remains is
//! parsed as any statement, its names mapped back to the file
//! ([`crate::lang::embedded::Embedded`]); a statement still over the limit goes to
//! the keyword scan, which holds nothing per token.
//!
//! One pass over the statement's tokens; the state is one small frame per open
//! parenthesis.

use super::scan::{Lexer, Tok};
use super::split::Options;

/// Statements longer than this are reduced before parsing (and scanned by keyword if
/// they stay longer): at about 150 bytes of memory per byte parsed, a few MiB at most.
pub(crate) const MAX_PARSE_BYTES: usize = 32 * 1024;

/// The list being read at one parenthesis level.
#[derive(Default)]
struct Frame {
    /// Every item of the list so far is a literal item.
    all_literal: bool,
    /// The current item: whether it has an element, whether all its elements are
    /// literals, whether its last element is.
    item_empty: bool,
    item_literal: bool,
    last_literal: bool,
    /// The list has an item before the current one, ending in a literal.
    prev_ends_literal: bool,
    /// Where the content kept so far ends (the end of the last kept item).
    kept_end: usize,
    /// A run of left-out items: from `kept_end` to here.
    elided_to: Option<usize>,
}

impl Frame {
    fn new(at: usize) -> Frame {
        Frame {
            all_literal: true,
            item_empty: true,
            item_literal: true,
            last_literal: false,
            prev_ends_literal: false,
            kept_end: at,
            elided_to: None,
        }
    }

    fn element(&mut self, literal: bool) {
        self.item_empty = false;
        self.item_literal &= literal;
        self.last_literal = literal;
    }

    /// Ends the current item at `end`; a left-out run that ends is pushed to `out`.
    fn end_item(&mut self, end: usize, out: &mut Vec<(usize, usize)>) {
        if self.item_empty {
            self.all_literal = false;
        } else if self.item_literal && self.prev_ends_literal {
            self.elided_to = Some(end);
        } else {
            self.flush(out);
            self.kept_end = end;
            self.prev_ends_literal = self.last_literal;
        }
        self.all_literal &= self.item_literal && !self.item_empty;
        self.item_empty = true;
        self.item_literal = true;
        self.last_literal = false;
    }

    fn flush(&mut self, out: &mut Vec<(usize, usize)>) {
        if let Some(to) = self.elided_to.take() {
            out.push((self.kept_end, to));
        }
    }
}

/// The byte ranges of `text[start..end]` to leave out, in order and disjoint.
pub(crate) fn elided(text: &str, start: usize, end: usize, opts: Options) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut frames = vec![Frame::new(start)];
    let mut lexer = Lexer::new(text, start, end, opts);
    let mut last_end = start;
    while let Some(tok) = lexer.next() {
        let tok_end = lexer.pos();
        match tok {
            Tok::LParen => frames.push(Frame::new(tok_end)),
            Tok::RParen if frames.len() > 1 => {
                if let Some(mut f) = frames.pop() {
                    f.end_item(last_end, &mut out);
                    f.flush(&mut out);
                    let literal = f.all_literal;
                    if let Some(parent) = frames.last_mut() {
                        parent.element(literal);
                    }
                }
            }
            Tok::Comma => {
                if let Some(f) = frames.last_mut() {
                    f.end_item(last_end, &mut out);
                }
            }
            _ => {
                let literal = match tok {
                    Tok::Str | Tok::Number | Tok::Param | Tok::Dot => true,
                    Tok::Word { start: ws, end: we } => ["null", "true", "false", "default"]
                        .iter()
                        .any(|k| text[ws..we].eq_ignore_ascii_case(k)),
                    // Operators: an expression of literals (`'a' || 'b'`, `-3`)
                    // names nothing.
                    Tok::Other => true,
                    _ => false,
                };
                if let Some(f) = frames.last_mut() {
                    f.element(literal);
                }
            }
        }
        last_end = tok_end;
    }
    // Unclosed parentheses and the statement's own list end with the statement.
    while let Some(mut f) = frames.pop() {
        f.end_item(last_end, &mut out);
        f.flush(&mut out);
    }
    // An item left out whole may hold runs left out inside it: keep the outer run.
    out.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(out.len());
    for (s, e) in out {
        match merged.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}
