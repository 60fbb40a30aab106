//! TypeScript and JavaScript (`.ts .tsx .js .jsx .mjs .cjs .mts .cts`).
//!
//! A hand-written lexer turns the file into tokens (comments dropped, strings and
//! template literals kept with their exact byte ranges, `${..}` holes nested through an
//! explicit stack, regex literals skipped) and a flat pass over the tokens recognises the
//! ORM, query-builder, raw-SQL and import shapes below. Nothing recurses, so deeply nested
//! input costs no stack; every walk over a chain or an argument list skips nested
//! brackets through a precomputed pair table, which keeps the whole pass linear.
//!
//! Declaration files (`.d.ts`) are read like any other file: they hold types, not
//! queries, so they yield imports only, and treating them normally avoids a special case.
//!
//! # Where things are
//!
//! This file holds the entry points and the one pass ([`Extractor`]'s `run`) that hands
//! each token to the concern it starts; each concern is a module of its own, all of them
//! methods of the same [`Extractor`] over the same tokens:
//!
//! * [`lex`]: the lexer, the bracket pairs and the escapes of string literals;
//! * [`tokens`]: how the pass reads the tokens (brackets, argument lists, object
//!   properties, literals, member paths);
//! * [`constants`]: value tracking, the names bound to a literal in this file or
//!   imported from another module, and how a table is written (`schema.table as t`);
//! * [`builders`]: calls of query builders (Knex, Kysely, Supabase), Sequelize
//!   migrations, Drizzle tables and SQL sinks (`query`, `raw`, `$queryRaw`);
//! * [`strings`]: SQL text in string literals, `+`-joins and template holes, assembled
//!   into one mapped text for the SQL analysis;
//! * [`orm`]: table mappings of TypeORM, MikroORM, Sequelize, Objection and Drizzle;
//! * [`imports`]: `import`, `export .. from` and `require`, as imports of packages and
//!   paths and as bindings of other modules' constants.

mod builders;
mod constants;
mod imports;
mod lex;
mod orm;
mod strings;
#[cfg(test)]
mod tests;
mod tokens;

use std::collections::HashSet;

use self::constants::Name;
use self::imports::strip_extension;
use self::lex::{Kind, Part, Tok, lex};
use self::strings::SQL_TAGS;
use super::values::Known;
use super::{Context, Extracted};
use crate::model::{Access, AccessKind};

/// Strings whose presence means a file may name a table in a shape the registry's table
/// names alone would not reveal (TypeORM derives names from class names).
pub const MARKERS: &[&str] = &[
    "@Entity",
    "EntitySchema",
    "@JoinTable",
    "tableName",
    "pgTable",
    "mysqlTable",
    "sqliteTable",
    "pgSchema",
    "mysqlSchema",
];

/// How far a walk along a method chain goes before giving up (bounds adversarial input).
const CHAIN_STEPS: usize = 64;

/// Extracts accesses from a TypeScript or JavaScript file.
pub fn extract(path: &str, text: &str, ctx: &Context) -> Extracted {
    extract_with(path, text, ctx, None)
}

/// Like [`extract`], with the exported constants of the repository's other modules
/// (keys as in [`module_key`]), for the names this file imports.
pub fn extract_with(path: &str, text: &str, ctx: &Context, known: Option<&Known>) -> Extracted {
    let lexed = lex(text);
    let mut x = Extractor {
        path,
        text,
        ctx,
        toks: &lexed.toks,
        pair: &lexed.pair,
        parents: std::cell::OnceCell::new(),
        consts: foldhash::HashMap::default(),
        choices: foldhash::HashMap::default(),
        schemas: foldhash::HashMap::default(),
        handled: vec![false; lexed.toks.len()],
        table_objects: HashSet::new(),
        out: Vec::new(),
        known,
        imports: foldhash::HashMap::default(),
        exported: Vec::new(),
        open: std::cell::RefCell::new(Vec::new()),
    };
    x.collect_constants();
    x.run();
    let values = x.values();
    let mut accesses = x.out;
    accesses.sort_by(|a, b| {
        (a.offset, a.len, a.kind)
            .cmp(&(b.offset, b.len, b.kind))
            .then_with(|| format!("{:?}", a.target).cmp(&format!("{:?}", b.target)))
    });
    accesses.dedup();
    Extracted {
        accesses,
        problems: lexed.problems,
        values,
        ..Extracted::default()
    }
}

/// The key of an exported constant: the module's path without its extension, `#`, and
/// the name (`src/backend/db#EVENTS_TABLE_NAME`), as the importing module resolves it.
pub fn module_key(path: &str, name: &str) -> String {
    format!("{}#{name}", strip_extension(path))
}

/// The one pass over a file's tokens, and what it has found so far.
struct Extractor<'a> {
    path: &'a str,
    text: &'a str,
    ctx: &'a Context,
    toks: &'a [Tok],
    pair: &'a [usize],
    /// See [`lex::parents`]; built at the first question.
    parents: std::cell::OnceCell<Vec<usize>>,
    /// Names bound once to a string literal (`const T = "t"`, `X.k` for object and enum
    /// members, Drizzle table variables): token index of the literal, or `None` when the
    /// name is bound to different literals.
    consts: foldhash::HashMap<String, Option<usize>>,
    /// Names a `const` binds to a conditional whose every outcome is a literal
    /// (`const where = lite ? "where a" : "where b"`): the literal tokens, or `None`
    /// when the name is declared more than once. A template hole naming one is each
    /// outcome in turn, not an unknown.
    choices: foldhash::HashMap<String, Option<Vec<usize>>>,
    /// Drizzle schema variables (`const s = pgSchema("billing")`) → schema literal token.
    schemas: foldhash::HashMap<String, usize>,
    /// String and template tokens already analysed as part of a larger expression.
    handled: Vec<bool>,
    /// Objects whose `tableName` property was already seen.
    table_objects: HashSet<usize>,
    out: Vec<Access>,
    /// The exported constants of other modules (see [`module_key`]).
    known: Option<&'a Known>,
    /// Names imported from relative modules: local name → key prefix (`path#name`,
    /// or `path#` for `import * as ns`).
    imports: foldhash::HashMap<String, String>,
    /// `export const` names bound to a literal: name and literal token.
    exported: Vec<(String, usize)>,
    /// Imported names used where a value was needed, without one.
    open: std::cell::RefCell<Vec<String>>,
}

impl<'a> Extractor<'a> {
    fn emit(&mut self, kind: AccessKind, name: Name, high: bool) {
        let mut access = Access::table(kind, name.table, name.offset, name.len);
        access.origin = name.origin;
        self.out.push(if high { access } else { access.low() });
    }

    fn run(&mut self) {
        let mut suppress_until = 0;
        let mut i = 0;
        while i < self.toks.len() {
            if i < suppress_until {
                i += 1;
                continue;
            }
            match self.toks[i].kind {
                Kind::Ident => {
                    if let Some(end) = self.ident_at(i) {
                        suppress_until = suppress_until.max(end);
                    }
                }
                Kind::Str { closed: true }
                | Kind::Tpl {
                    part: Part::Full | Part::Head,
                    closed: true,
                } if !self.handled[i] => self.loose_literal(i),
                Kind::Punct(b'@') => self.bare_decorator(i),
                _ => {}
            }
            i += 1;
        }
    }

    /// Handles the shapes that start at an identifier. Returns the end of a range whose
    /// contents must be ignored (the arguments of a log call).
    fn ident_at(&mut self, i: usize) -> Option<usize> {
        let word = self.ident(i)?;
        if word == "throw" && self.is_ident(i + 1, "new") && self.is_punct(i + 3, b'(') {
            // Whatever a `throw` builds is an exception and its message, whatever the
            // type's name.
            return self.partner(i + 3);
        }
        if !self.after_dot(i) {
            match word {
                "import" => self.import_stmt(i),
                "export" => self.export_from(i),
                "require" => self.require_call(i),
                _ => {}
            }
        }
        if word == "tableName" {
            self.static_table_name(i);
        }
        if self.is_punct(i + 1, b':') {
            self.property(i);
        }
        if matches!(
            self.kind(i + 1),
            Some(Kind::Tpl {
                part: Part::Full | Part::Head,
                ..
            })
        ) && SQL_TAGS.contains(&word)
        {
            self.analyse_sql(i + 1, true);
        }
        if let Some(open) = self.call_open(i) {
            return self.call(i, open);
        }
        None
    }
}

/// The file as the language-neutral [`View`](super::view::View) the drift rules read:
/// a quoted string or a whole template as its contents as written, a template's
/// first chunk (`` `http://orders/${id}` ``'s `http://orders/`) as a string and its
/// later chunks as opaque tokens; the holes' code is code.
pub fn view(text: &str) -> super::view::View<'_> {
    let lexed = lex(text);
    let mut b = super::view::Builder::new(text);
    for t in &lexed.toks {
        let contents = || text.get(t.cs..t.ce).unwrap_or_default().to_string();
        match t.kind {
            Kind::Ident => b.ident(t.start, t.end),
            Kind::Str { .. }
            | Kind::Tpl {
                part: Part::Full | Part::Head,
                ..
            } => b.string(t.start, t.end, contents()),
            Kind::Punct(_) | Kind::Op => b.punct(t.start, t.end),
            Kind::Tpl { .. } | Kind::Num | Kind::Regex => b.punct(t.start, t.start),
        }
    }
    b.finish(super::Language::TypeScript, true)
}
