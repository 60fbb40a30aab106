//! Python: SQLAlchemy and Django models, Alembic migrations, SQL in string literals, and
//! imports, on the scripting-language toolkit ([`crate::lang::script`]).
//!
//! [`lexer`] turns the file into tokens so that comments, docstrings and the insides of
//! strings never look like code. This module walks the logical lines once, tracking
//! indentation blocks (to know the enclosing `class`/`def`) and handing each statement
//! to the concern that reads it: [`imports`], the ORM and migration shapes of [`orm`],
//! and the calls and SQL sinks of [`calls`], whose string arguments are assembled,
//! with `%`, `.format` and f-string templates filled from the file's constants, by
//! [`templates`]. Nothing recurses, so deeply nested input costs memory proportional
//! to its size and no stack.

mod calls;
mod imports;
mod lexer;
mod orm;
mod templates;
#[cfg(test)]
mod tests;
pub mod values;

use super::script::{self, Constants, Kind, Stmt, Tokens};
use super::values::Known;
use super::{Context, Extracted};
use crate::model::Access;
use templates::Subst;

/// Strings whose presence means a Python file may name a table in an ORM or migration
/// shape, even when the table is not in the registry.
pub const MARKERS: &[&str] = &[
    "__tablename__",
    "__table_args__",
    "db_table",
    "Table(",
    "ForeignKey(",
    "ForeignKeyConstraint(",
    "op.create_table",
    "op.rename_table",
    "create_foreign_key",
    "CreateModel",
    "AlterModelTable",
    "DeleteModel",
];

/// A Python string expression: literals and names, with `%`/`.format` values.
type Group = script::Group<Subst>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BlockKind {
    Class,
    Def,
    Other,
}

#[derive(Debug)]
struct Block {
    indent: usize,
    kind: BlockKind,
    name: String,
    id: usize,
}

struct Extractor<'a> {
    code: Tokens<'a>,
    path: &'a str,
    ctx: &'a Context,
    /// Names bound exactly once to a plain string literal.
    consts: Constants<'a>,
    django: bool,
    migration: bool,
    /// For a file in a Django app's `migrations/` directory, the app's label: the
    /// name of the directory holding `migrations/`.
    app_label: Option<&'a str>,
    /// The `db_table` of the `CreateModel` whose `options` dict just closed.
    db_table: Option<Access>,
    /// Models this file's Django migrations created or renamed (name lowercased) and
    /// their tables, for a later `DeleteModel`.
    django_models: Vec<(String, String)>,
    out: Vec<Access>,
    blocks: Vec<Block>,
    next_block: usize,
    /// `__tablename__` accesses by class block id (index into `out`).
    tablenames: Vec<(usize, usize)>,
    /// `__table_args__` schemas by class block id.
    schemas: Vec<(usize, String)>,
    /// Constants bound at module level: name and literal (see [`values`]).
    module_consts: Vec<(&'a str, usize)>,
    /// Local names bound by imports; `None` when bound by two different imports.
    imports: foldhash::HashMap<&'a str, Option<values::Bound>>,
    /// Other modules' constants, by the keys this file asks for ([`values::key`]).
    known: Option<&'a Known>,
    /// Imported names used where a value was needed, without one.
    open: std::cell::RefCell<Vec<String>>,
    /// Names bound by parameters and loop or `as` targets, which may hide an import.
    shadowed: foldhash::HashSet<&'a str>,
    /// Whether statements with no string literal and no constant are passed over
    /// unread (see [`Extractor::simple`]); `false` only in the test that proves the
    /// shortcut changes nothing.
    skip_valueless: bool,
}

/// Extracts table accesses and imports from one Python file.
pub fn extract(path: &str, text: &str, ctx: &Context) -> Extracted {
    extract_with(path, text, ctx, None)
}

/// Like [`extract`], with other modules' constants by the keys the file asks for
/// ([`values::key`]), for the names it imports.
pub fn extract_with(path: &str, text: &str, ctx: &Context, known: Option<&Known>) -> Extracted {
    extract_from(path, text, ctx, known, true)
}

/// Like [`extract_with`], reading every statement: the plain path the shortcut of
/// [`Extractor::simple`] must agree with.
#[cfg(test)]
pub(crate) fn extract_every_statement(
    path: &str,
    text: &str,
    ctx: &Context,
    known: Option<&Known>,
) -> Extracted {
    extract_from(path, text, ctx, known, false)
}

fn extract_from(
    path: &str,
    text: &str,
    ctx: &Context,
    known: Option<&Known>,
    skip_valueless: bool,
) -> Extracted {
    let mut ex = Extractor {
        code: Tokens::new(text, lexer::lex(text)),
        path,
        ctx,
        consts: Constants::default(),
        django: text.contains("from django") || text.contains("import django"),
        migration: path.starts_with("versions/") || path.contains("/versions/"),
        app_label: django_app_label(path),
        db_table: None,
        django_models: Vec::new(),
        out: Vec::new(),
        blocks: Vec::new(),
        next_block: 0,
        tablenames: Vec::new(),
        schemas: Vec::new(),
        module_consts: Vec::new(),
        imports: foldhash::HashMap::default(),
        known,
        open: std::cell::RefCell::new(Vec::new()),
        shadowed: foldhash::HashSet::default(),
        skip_valueless,
    };
    let stmts = ex.code.statements();
    ex.collect_consts(&stmts);
    for st in &stmts {
        ex.bind_shadows(st.s, st.e);
    }
    ex.run(&stmts);
    for (block, schema) in std::mem::take(&mut ex.schemas) {
        for &(b, idx) in &ex.tablenames {
            if b == block
                && let Some(crate::model::Target::Table(t)) =
                    ex.out.get_mut(idx).map(|a| &mut a.target)
            {
                t.schema = Some(schema.clone());
            }
        }
    }
    let values = ex.values();
    Extracted {
        values,
        ..script::finish(ex.out)
    }
}

/// The app label of a Django migration at `path`: the directory holding the
/// `migrations/` directory the file is in (`shop/orders/migrations/0001.py` →
/// `orders`).
fn django_app_label(path: &str) -> Option<&str> {
    let mut dirs = path.rsplit('/').skip(1);
    (dirs.next()? == "migrations")
        .then(|| dirs.next())
        .flatten()
}

impl<'a> Extractor<'a> {
    fn run(&mut self, stmts: &[Stmt]) {
        let mut line = usize::MAX;
        let mut indent = 0;
        for &Stmt { line: l, s, e } in stmts {
            if l != line {
                line = l;
                indent = self.indent_of(l);
                while self.blocks.last().is_some_and(|b| b.indent >= indent) {
                    self.blocks.pop();
                }
            }
            self.statement((s, e), indent);
        }
    }

    /// The column of the token at `i` (bytes since the start of its physical line).
    fn indent_of(&self, i: usize) -> usize {
        let start = self.code.start(i);
        start - memchr::memrchr(b'\n', &self.code.src.as_bytes()[..start]).map_or(0, |p| p + 1)
    }

    fn statement(&mut self, (s, e): (usize, usize), indent: usize) {
        let first = self.code.text(s);
        let compound = matches!(
            first,
            "class"
                | "def"
                | "async"
                | "if"
                | "elif"
                | "else"
                | "for"
                | "while"
                | "with"
                | "try"
                | "except"
                | "finally"
                | "match"
                | "case"
        ) && self.code.kind(s) == Some(Kind::Name);
        let colon = compound.then(|| self.top_level_colon(s, e)).flatten();
        let Some(colon) = colon else {
            self.simple(s, e);
            return;
        };
        let def_at = if first == "async" { s + 1 } else { s };
        let (kind, name) = match self.code.text(def_at) {
            "class" => (BlockKind::Class, self.code.text(def_at + 1).to_string()),
            "def" => (BlockKind::Def, self.code.text(def_at + 1).to_string()),
            _ => (BlockKind::Other, String::new()),
        };
        // The header (default values, `with` and `for` expressions) is code too.
        self.simple(s, colon);
        self.blocks.push(Block {
            indent,
            kind,
            name,
            id: self.next_block,
        });
        self.next_block += 1;
        if colon + 1 < e {
            // A one-line body: `class Meta: db_table = "t"`.
            self.simple(colon + 1, e);
        }
    }

    fn top_level_colon(&self, s: usize, e: usize) -> Option<usize> {
        let mut depth = 0usize;
        for i in s..e {
            if self.code.kind(i) != Some(Kind::Op) {
                continue;
            }
            match self.code.text(i) {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth = depth.saturating_sub(1),
                ":" if depth == 0 => return Some(i),
                _ => {}
            }
        }
        None
    }

    fn in_downgrade(&self) -> bool {
        self.migration
            && self
                .blocks
                .iter()
                .any(|b| b.kind == BlockKind::Def && b.name == "downgrade")
    }

    fn class_block(&self) -> Option<&Block> {
        self.blocks.last().filter(|b| b.kind == BlockKind::Class)
    }

    /// A simple statement (or a compound statement's header).
    fn simple(&mut self, s: usize, e: usize) {
        if s >= e {
            return;
        }
        let before = self.out.len();
        let code = &self.code;
        if matches!(code.text(s), "import" | "from") && code.kind(s) == Some(Kind::Name) {
            self.bind_imports(s, e);
            self.import(s, e);
            return;
        }
        // A statement made only of string literals does nothing: docstrings and string
        // "comments" are prose.
        if (s..e).all(|i| code.kind(i) == Some(Kind::Str)) {
            return;
        }
        // A shortcut: every access comes from a string literal or a constant bound to
        // one; most statements hold neither, and walking their calls would find
        // nothing (`tests::skipping_valueless_statements_changes_nothing` compares
        // with reading them).
        let holds_value = (s..e).any(|i| match code.kind(i) {
            Some(Kind::Str) => true,
            Some(Kind::Name) => self.consts.get(code.text(i)).is_some(),
            _ => false,
        });
        if !holds_value && self.skip_valueless {
            return;
        }
        if code.kind(s) == Some(Kind::Name) && code.is_op(s + 1, "=") && self.assignment(s, e) {
            return;
        }
        self.walk(s, e);
        if self.in_downgrade() {
            script::drop_schema_changes(&mut self.out, before);
        }
    }
}

/// The file as the language-neutral view the drift rules read ([`script::view`]).
pub fn view(text: &str) -> super::view::View<'_> {
    script::view(
        &Tokens::new(text, lexer::lex(text)),
        super::Language::Python,
    )
}
