//! Where SQL text enters the database: the `sqlx` query macros, the functions and
//! executor methods that take SQL (`sqlx::query`, `.execute(..)`, `.prepare(..)`, ..),
//! whose first argument is always analysed; `query_file!` and `include_str!("..sql")`,
//! followed as files; other string literals and `format!`/`concat!` results, analysed
//! when they look like SQL; and the calls whose text is prose (errors, panics,
//! assertion messages), which is never SQL. The names of sinks and prose calls are in
//! [`crate::lang::sinks`].

use std::ops::Range;

use super::walker::Walker;
use crate::lang::Follow;
use crate::lang::embedded::Embedded;
use crate::lang::sinks::{self, SinkKind};

/// `sqlx` macros whose first or second argument is the path of a SQL file.
pub(super) const SQLX_FILE_MACROS: &[&str] = &[
    "query_file",
    "query_file_as",
    "query_file_scalar",
    "query_file_unchecked",
    "query_file_as_unchecked",
    "query_file_scalar_unchecked",
];

/// Macros whose first plain string literal argument is a `format!` template.
pub(super) const FORMAT_MACROS: &[&str] = &[
    "format",
    "format_args",
    "print",
    "println",
    "eprint",
    "eprintln",
    "write",
    "writeln",
    "panic",
    "trace",
    "debug",
    "info",
    "warn",
    "error",
    "anyhow",
    "bail",
];

impl<'a> Walker<'a> {
    /// A call or macro at `i` that takes prose (see [`sinks`]): `panic!(..)`,
    /// `Err(format!(..))`, `.expect(..)`, `assert_eq!(.., "..")`. Its strings are
    /// consumed, so they are never read as SQL: every token of the call for messages
    /// (a `format!` inside a `bail!` builds the message too), only the literal
    /// arguments for assertions, whose other arguments are code.
    pub(super) fn prose_call(&mut self, i: usize) {
        if self.is_consumed(i) {
            // Inside an outer message, already consumed as a whole.
            return;
        }
        let Some(name) = self.ident(i) else { return };
        // Only a name followed by its arguments can be a call: the cheap test first,
        // as this runs for every identifier of the file.
        let bang = self.is_punct(i + 1, '!');
        let open = if bang { i + 2 } else { i + 1 };
        match self.open(open) {
            Some('(') => {}
            // `vec![..]`, `info! { .. }`: a macro takes any delimiter.
            Some(_) if bang => {}
            _ => return,
        }
        let kind = if bang {
            sinks::rust_macro(name)
        } else {
            let method = i > 0 && self.is_punct(i - 1, '.');
            let owner = (i >= 3 && self.is_path_sep(i - 2))
                .then(|| self.ident(i - 3))
                .flatten();
            sinks::rust_call(owner, name, method)
        };
        let Some(SinkKind::NonSql(kind)) = kind else {
            return;
        };
        if kind.covers_nested() {
            let close = self.toks[open].close.min(self.toks.len().saturating_sub(1));
            self.consumed[i..=close].fill(true);
        } else {
            for arg in self.args(open) {
                if arg.len() == 1 && self.string_lit(arg.start).is_some() {
                    self.consume(arg.start);
                }
            }
        }
    }

    /// A string literal outside any known construct.
    pub(super) fn literal(&mut self, i: usize) {
        if self.is_consumed(i) || self.string_lit(i).is_none() {
            return;
        }
        if let Some(d) = self.decode_at(i) {
            let mut emb = Embedded::new();
            d.push_all(&mut emb);
            self.candidates.push((emb, false));
        }
    }

    /// `name!(..)` with its group opened at `open`.
    pub(super) fn macro_call(&mut self, i: usize, open: usize) {
        let Some(name) = self.ident(i).map(str::to_string) else {
            return;
        };
        let name = name.as_str();
        if sinks::rust_macro(name) == Some(SinkKind::Sql) {
            let args = self.args(open);
            for arg in args.iter().take(2) {
                if self.string_lit(arg.start).is_some() || self.is_ident(arg.start, "concat") {
                    self.sink(arg.clone());
                    break;
                }
            }
        } else if SQLX_FILE_MACROS.contains(&name) || name == "include_str" {
            let args = self.args(open);
            let take = if name == "include_str" { 1 } else { 2 };
            for arg in args.iter().take(take) {
                if arg.len() == 1 && self.string_lit(arg.start).is_some() {
                    if let Some(d) = self.decode_at(arg.start) {
                        let sql_file = d.text.to_ascii_lowercase().ends_with(".sql");
                        if name == "include_str" && !sql_file {
                            break;
                        }
                        self.consume(arg.start);
                        self.follows.push(Follow {
                            path: d.text.clone(),
                            offset: d.content.start,
                            len: d.content.len(),
                        });
                    }
                    break;
                }
            }
        } else if (FORMAT_MACROS.contains(&name) || name == "concat") && !self.is_consumed(i) {
            let mut emb = Embedded::new();
            if self.assemble_macro(i, &mut emb, true, 0) {
                self.candidates.push((emb, false));
            }
        } else {
            self.orm_macro(name, open);
        }
    }

    /// Calls of SQL-taking functions and methods.
    pub(super) fn call_sink(&mut self, i: usize) {
        let Some(name) = self.ident(i) else { return };
        let after_dot = i > 0 && self.is_punct(i - 1, '.');
        let mut j = i + 1;
        let is_sink = if after_dot {
            sinks::rust_call(None, name, true) == Some(SinkKind::Sql)
        } else if name == "QueryBuilder" {
            j = self.skip_turbofish(j);
            if self.is_path_sep(j) && self.is_ident(j + 2, "new") {
                j += 3;
                true
            } else {
                false
            }
        } else {
            sinks::rust_call(None, name, false) == Some(SinkKind::Sql)
        };
        if !is_sink {
            return;
        }
        j = self.skip_turbofish(j);
        if self.open(j) != Some('(') {
            return;
        }
        if let Some(first) = self.args(j).into_iter().next() {
            self.sink(first);
        }
    }

    /// After `name` at `j`: skips `::<...>` if present.
    pub(super) fn skip_turbofish(&self, j: usize) -> usize {
        if !(self.is_path_sep(j) && self.is_punct(j + 2, '<')) {
            return j;
        }
        let mut depth = 0usize;
        let mut k = j + 2;
        while k < self.toks.len() {
            if self.is_close(k) {
                return j;
            }
            if self.is_punct(k, '<') {
                depth += 1;
            } else if self.is_punct(k, '>') && !self.is_joint(k.wrapping_sub(1), '-') {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k + 1;
                }
            }
            k = self.skip(k);
        }
        j
    }

    /// The argument `range` of a known SQL sink: always analysed.
    pub(super) fn sink(&mut self, range: Range<usize>) {
        let mut emb = Embedded::new();
        if self.append_expr(range, &mut emb, true, 0) {
            self.candidates.push((emb, true));
        }
    }
}
