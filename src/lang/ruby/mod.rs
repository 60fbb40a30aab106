//! Ruby: ActiveRecord models, migrations and schema dumps, and SQL in strings and
//! heredocs, on the scripting-language toolkit ([`crate::lang::script`]).
//!
//! [`lexer`] turns the file into tokens (with [`holes`] finding where each `#{}` ends)
//! so prose and comments never look like code. This module walks the statements once,
//! keeping a stack of `def`/`do`/`end` blocks that tells which method a statement
//! belongs to (to leave out `def down`), and hands each statement to [`calls`], whose
//! closed calls are ActiveRecord shapes ([`active_record`]) or SQL sinks; string
//! arguments are assembled by [`strings`]. Nothing recurses.
//!
//! Imports (`require`, `require_relative`) are not reported: Ruby loads by load path and
//! autoloading (Zeitwerk), so a `require` names neither a package the manifests know nor
//! a reliable file.

mod active_record;
mod calls;
mod holes;
mod lexer;
mod strings;
#[cfg(test)]
mod tests;

use super::script::{self, Constants, Kind, Stmt, Tokens};
use super::{Context, Extracted};
use crate::model::{Access, AccessKind};
use calls::Val;
use lexer::expects_value;

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

/// A Ruby string expression: literals and constants joined by adjacency or `+`.
type Group = script::Group;

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
    code: Tokens<'a>,
    ctx: &'a Context,
    role: FileRole,
    /// Constants (`NAME = "literal"`) bound once to a plain literal.
    consts: Constants<'a>,
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
        code: Tokens::new(text, lexer::lex(text)),
        ctx,
        role: role_of(path),
        consts: Constants::default(),
        blocks: Vec::new(),
        out: Vec::new(),
    };
    let stmts = ex.code.statements();
    ex.collect_consts(&stmts);
    for &Stmt { s, e, .. } in &stmts {
        ex.statement(s, e);
        ex.track_blocks(s, e);
    }
    script::finish(ex.out)
}

impl<'a> Extractor<'a> {
    /// Updates the `def`/`do`/`end` stack with a statement's keywords.
    fn track_blocks(&mut self, s: usize, e: usize) {
        let loop_stmt = matches!(self.code.text(s), "while" | "until" | "for");
        for i in s..e {
            if self.code.kind(i) != Some(Kind::Name) {
                continue;
            }
            let after_dot = i > s && matches!(self.code.text(i - 1), "." | "&." | "::");
            if after_dot {
                continue;
            }
            let opens_expr = i == s
                || match self.code.tok(i - 1) {
                    Some(t) if t.kind == Kind::Op => {
                        !matches!(&self.code.src[t.start..t.end], ")" | "]" | "}")
                    }
                    Some(t) if t.kind == Kind::Name => {
                        expects_value(&self.code.src[t.start..t.end])
                    }
                    _ => false,
                };
            match self.code.text(i) {
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
                    let down =
                        e > s + 2 && self.code.is_op(s + 1, ".") && self.code.text(s + 2) == "down";
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
        if self.code.is_op(i + 2, ".") {
            self.code.text(i + 3)
        } else {
            self.code.text(i + 1)
        }
    }

    /// `def name(args) = expr` has no `end`.
    fn endless_def(&self, i: usize, e: usize) -> bool {
        let mut k = if self.code.is_op(i + 2, ".") {
            i + 4
        } else {
            i + 2
        };
        if self.code.is_op(k, "(") {
            let mut depth = 0usize;
            while k < e {
                match self.code.text(k) {
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
        self.code.is_op(k, "=")
    }

    fn in_down(&self) -> bool {
        self.role == FileRole::Migration && self.blocks.contains(&Block::Down)
    }

    fn statement(&mut self, s: usize, e: usize) {
        let before = self.out.len();
        // `self.table_name = "t"`
        if self.code.is_name(s, "self")
            && self.code.is_op(s + 1, ".")
            && self.code.is_name(s + 2, "table_name")
            && self.code.is_op(s + 3, "=")
            && e == s + 5
        {
            let val = match self.code.kind(s + 4) {
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
            script::drop_schema_changes(&mut self.out, before);
        }
    }
}

/// The file as the language-neutral view the drift rules read ([`script::view`]).
pub fn view(text: &str) -> super::view::View<'_> {
    script::view(&Tokens::new(text, lexer::lex(text)), super::Language::Ruby)
}
