//! SQL analysis: `.sql` files and SQL found in string literals.
//!
//! # Pipeline
//!
//! 1. [`split`] cuts the text into statements without parsing it (quotes, comments
//!    nested or not by dialect, dollar quoting, psql meta-commands, `DELIMITER`, `/`
//!    and `GO` batch separators, migration annotations).
//! 2. Each statement is parsed on its own with `sqlparser`, trying the dialect hint
//!    first, then PostgreSQL, MySQL, SQLite and Generic, so one statement no dialect
//!    understands does not hide the rest of the file. A statement shaped like an
//!    earlier one of any file the thread has read (other literal values, other plain
//!    names) reuses its outcome ([`memo`]).
//! 3. A parsed statement's table names are classified by [`ast`]; a statement no
//!    dialect parses goes through the keyword scan in [`scan`], whose findings are
//!    [`Confidence::Low`](crate::model::Confidence::Low), except for the `BEGIN …
//!    END` body of a routine, which is analysed as statements. A statement over
//!    [`elide::MAX_PARSE_BYTES`] is parsed without its lists of literals ([`elide`]).
//!
//! Offsets always point at the table identifier itself (inside the quotes for a quoted
//! name), never at its schema qualifier.
//!
//! # Problems
//!
//! Problems are kept for what the user can act on:
//! - the file contains NUL bytes (it is not SQL text; nothing is analysed);
//! - a quote, dollar quote or block comment is never closed: the problem names it and
//!   its line, the statement it is in is read up to the next line that ends with the
//!   delimiter (or a batch separator) and goes to the keyword scan, and reading goes
//!   on after it ([`split`] explains the bound on how often).
//!
//! A statement that no dialect parses is *not* a problem: it goes to the keyword scan,
//! and if that finds nothing the statement is silently ignored.
//!
//! # Robustness
//!
//! Splitting and scanning are single passes without recursion. The parser runs with a
//! recursion limit ([`RECURSION_LIMIT`]), which also bounds the depth of the ASTs
//! the recursive visitor walks; input nested deeper fails to parse and is scanned.

mod ast;
mod elide;
mod memo;
mod plain;
mod scan;
mod split;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use sqlparser::ast::{Ident, Statement};
use sqlparser::dialect::{Dialect, GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{TokenWithSpan, Tokenizer};

use super::embedded::Embedded;
use super::{Context, Extracted, Problem};
use crate::model::{Access, AccessKind, TableRef};

/// The identifier other extractors substitute for a template hole (`${x}`, `{}`,
/// `%s`). A table whose name contains it is never reported; a qualifier containing it
/// is dropped (`${schema}.users` reports `users`).
pub const HOLE: &str = "__ownlint_hole__";

/// Upper-case byte strings whose presence in a file means it may name a table the
/// registry does not know (it defines or references tables by itself). Matched
/// case-insensitively by the caller.
pub const MARKERS: &[&str] = &[
    "CREATE TABLE",
    "CREATE UNLOGGED TABLE",
    "ALTER TABLE",
    "DROP TABLE",
    "RENAME TABLE",
    "CREATE INDEX",
    "CREATE UNIQUE INDEX",
    "CREATE VIEW",
    "CREATE OR REPLACE VIEW",
    "CREATE MATERIALIZED VIEW",
    "REFERENCES",
];

/// The parser's recursion limit (sqlparser's default): nesting deeper than this fails
/// to parse and falls back to the keyword scan.
pub const RECURSION_LIMIT: usize = 50;

/// Statements whose AST could be deeper than this (long chains of infix operators or
/// set operations, which sqlparser builds without recursion) are not parsed but
/// scanned, so that visiting and dropping the AST cannot overflow the stack.
pub const DEPTH_LIMIT: usize = 2_000;

/// How deep `CREATE FUNCTION … AS $$ body $$` bodies are analysed as SQL.
const MAX_BODY_DEPTH: u8 = 2;

/// One part of a (possibly qualified) table name, located in the analysed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NamePart {
    /// The identifier without quotes.
    pub value: String,
    pub quoted: bool,
    /// Byte range of the identifier as written (inside the quotes when quoted).
    pub offset: usize,
    pub len: usize,
}

/// A table name as written: one to four parts, the table last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawName {
    pub parts: Vec<NamePart>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum DialectId {
    Postgres,
    MySql,
    Sqlite,
    Generic,
}

impl DialectId {
    fn from_hint(hint: &str) -> Option<Self> {
        match hint.trim().to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Some(DialectId::Postgres),
            "mysql" | "mariadb" => Some(DialectId::MySql),
            "sqlite" | "sqlite3" => Some(DialectId::Sqlite),
            "generic" => Some(DialectId::Generic),
            _ => None,
        }
    }

    fn with<R>(self, f: impl FnOnce(&dyn Dialect) -> R) -> R {
        match self {
            DialectId::Postgres => f(&PostgreSqlDialect {}),
            DialectId::MySql => f(&MySqlDialect {}),
            DialectId::Sqlite => f(&SQLiteDialect {}),
            DialectId::Generic => f(&GenericDialect {}),
        }
    }

    /// The tokens `Parser::try_with_sql` would parse (with its default unescaping),
    /// or `None` when this dialect's tokenizer rejects the text. Tokenizing apart
    /// from parsing lets [`memo`] look the tokens up before the parse.
    fn tokenize(self, sql: &str) -> Option<Vec<TokenWithSpan>> {
        if let Some(tokens) = plain::tokens(self, sql) {
            return Some(tokens);
        }
        self.with(|d| {
            Tokenizer::new(d, sql)
                .with_unescape(true)
                .tokenize_with_location()
                .ok()
        })
    }

    fn parse(self, tokens: Vec<TokenWithSpan>) -> Option<Vec<Statement>> {
        self.with(|d| {
            Parser::new(d)
                .with_recursion_limit(RECURSION_LIMIT)
                .with_tokens_with_locations(tokens)
                .parse_statements()
                .ok()
        })
    }
}

/// The dialects to try, in order: the hint, then PostgreSQL, MySQL, SQLite, Generic.
/// Every dialect is in the list exactly once; an array, so that reordering it per
/// statement costs no allocation.
fn dialect_order(ctx: &Context) -> [DialectId; 4] {
    let mut order = [
        DialectId::Postgres,
        DialectId::MySql,
        DialectId::Sqlite,
        DialectId::Generic,
    ];
    if let Some(d) = ctx.dialect.as_deref().and_then(DialectId::from_hint)
        && let Some(i) = order.iter().position(|&o| o == d)
    {
        order[..=i].rotate_right(1);
    }
    order
}

/// True for down-migration files, whose DDL undoes the up migration: `down.sql`,
/// `*.down.sql` (golang-migrate), Flyway undo migrations `U<version>__*.sql`.
fn is_down_migration(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if lower == "down.sql" || lower.ends_with(".down.sql") {
        return true;
    }
    // Flyway undo: U1__x.sql, U1.2__x.sql, U1_2__x.sql.
    let Some(rest) = name.strip_prefix('U') else {
        return false;
    };
    let Some((version, _)) = rest.split_once("__") else {
        return false;
    };
    !version.is_empty()
        && version.starts_with(|c: char| c.is_ascii_digit())
        && version
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '_')
        && lower.ends_with(".sql")
}

/// `USE db` (any quoting): the database later statements run in.
fn use_database(stmt: &str) -> Option<String> {
    let mut words = stmt.split_whitespace();
    let first = words.next()?;
    if !first.eq_ignore_ascii_case("use") {
        return None;
    }
    let db = words.next()?;
    if words.next().is_some() {
        return None;
    }
    let db = db.trim_end_matches(';');
    let unquoted = [('`', '`'), ('"', '"'), ('[', ']')]
        .iter()
        .find_map(|&(o, c)| db.strip_prefix(o).and_then(|d| d.strip_suffix(c)))
        .unwrap_or(db);
    (!unquoted.is_empty()).then(|| unquoted.to_string())
}

/// Maps sqlparser locations (1-based line and column, columns in chars, lines split
/// on `\n` only) in `text[start..end]` to absolute byte offsets, in one pass: lines
/// are skipped with `memchr` and characters counted only on lines with a wanted
/// location, a run of ASCII at a time. A location one past a line's last character is
/// its `\n` (or `end` on the last line); one further, or in column 0, is none.
fn locate(
    text: &str,
    start: usize,
    end: usize,
    mut locs: Vec<(u64, u64)>,
) -> HashMap<(u64, u64), usize> {
    locs.sort_unstable();
    locs.dedup();
    let mut out = HashMap::with_capacity(locs.len());
    let Some(body) = text.get(start..end) else {
        return out;
    };
    let bytes = body.as_bytes();
    let line_end_from =
        |from: usize| memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |i| from + i);
    // The line being read (its number and end in `body`), and on it `chars`
    // characters read, up to byte `pos`.
    let mut line = 1u64;
    let mut line_end = line_end_from(0);
    let (mut chars, mut pos) = (0usize, 0usize);
    for (l, col) in locs {
        while line < l && line_end < bytes.len() {
            line += 1;
            pos = line_end + 1;
            chars = 0;
            line_end = line_end_from(pos);
        }
        if line < l {
            // Past the last line, as are all that follow.
            break;
        }
        // Line 0 (before the first line; the locations are sorted) and column 0.
        if line > l || col == 0 {
            continue;
        }
        let Ok(k) = usize::try_from(col - 1) else {
            continue;
        };
        while chars < k && pos < line_end {
            let want = (k - chars).min(line_end - pos);
            let ascii = bytes[pos..pos + want]
                .iter()
                .take_while(|b| b.is_ascii())
                .count();
            let (read, width) = if ascii > 0 {
                (ascii, ascii)
            } else {
                (1, utf8_width(bytes[pos]))
            };
            chars += read;
            pos += width;
        }
        if chars == k {
            out.insert((l, col), start + pos);
        }
    }
    out
}

/// The length in bytes of the UTF-8 character whose first byte is `lead`.
fn utf8_width(lead: u8) -> usize {
    match lead {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
    }
}

/// How the dialect hint lexes: PostgreSQL nests comments and escapes with a backslash
/// only in `E'…'`; MySQL escapes with a backslash, does not nest comments and starts
/// one with `#` anywhere; SQLite does not nest comments. Without a hint, comments nest
/// unless the text shows they do not (see [`split::Nesting`]).
fn lexing(hint: Option<DialectId>) -> split::Options {
    let default = split::Options::default();
    match hint {
        Some(DialectId::Postgres) => split::Options {
            backslash_escapes: false,
            nesting: split::Nesting::Nested,
            ..default
        },
        Some(DialectId::MySql) => split::Options {
            nesting: split::Nesting::Flat,
            hash_comments: true,
            ..default
        },
        Some(DialectId::Sqlite) => split::Options {
            nesting: split::Nesting::Flat,
            ..default
        },
        Some(DialectId::Generic) | None => default,
    }
}

/// The problem an unterminated quote or comment at `offset` makes, reading having
/// resumed at `resumed` (the text's end when it gave up).
fn unterminated(text: &str, offset: usize, what: &str, resumed: usize) -> Problem {
    let line_of = |at: usize| memchr::memchr_iter(b'\n', &text.as_bytes()[..at]).count() + 1;
    let line = line_of(offset);
    let message = if resumed >= text.len() {
        format!(
            "unterminated {what} opened on line {line}: the rest of the file is read as \
             one statement, so table accesses after this point may be missed"
        )
    } else {
        format!(
            "unterminated {what} opened on line {line}: its statement is read only up to \
             line {}, so table accesses in it may be missed; reading resumes after it",
            line_of(resumed.saturating_sub(1))
        )
    };
    Problem { offset, message }
}

/// A routine whose body is a `BEGIN … END` block: `CREATE [OR REPLACE] [DEFINER=…]
/// PROCEDURE|FUNCTION|TRIGGER … BEGIN body END`. Returns where the header ends (the
/// `BEGIN`) and the body's range, between the first `BEGIN` and the last `END`.
fn routine_body(
    text: &str,
    start: usize,
    end: usize,
    opts: split::Options,
) -> Option<(usize, usize, usize)> {
    let mut words = scan::Lexer::new(text, start, end, opts).filter_map(|t| match t {
        scan::Tok::Word { start, end } => Some((start, end)),
        _ => None,
    });
    let is = |(s, e): (usize, usize), kw: &str| text[s..e].eq_ignore_ascii_case(kw);
    if !words.next().is_some_and(|w| is(w, "create")) {
        return None;
    }
    let routine = ["procedure", "function", "trigger"];
    let mut header = words.by_ref().take(8);
    if !header.any(|w| routine.iter().any(|k| is(w, k))) {
        return None;
    }
    let (begin_start, body_start) = words.by_ref().find(|&w| is(w, "begin"))?;
    let body_end = words.filter(|&w| is(w, "end")).last()?.0;
    (body_start < body_end).then_some((begin_start, body_start, body_end))
}

/// The state of one analysis: a file, or one embedded string.
struct Run<'a> {
    text: &'a str,
    dialects: [DialectId; 4],
    opts: split::Options,
    database: Option<String>,
    /// Temporary tables created so far (folded names).
    temps: HashSet<String>,
    out: Vec<Access>,
    /// SQL from string literals: statements must pass [`looks_like_sql`].
    embedded: bool,
    /// A statement no dialect parses goes through the keyword scan (false for text
    /// that reaches no SQL sink: there only a statement that parses is SQL).
    fallback: bool,
    /// Down migration: drop DDL and foreign keys.
    drop_ddl: bool,
    /// Sequences the text creates (`CREATE SEQUENCE`), folded `(schema, name)`: DDL
    /// on one of them (pg_dump's `ALTER TABLE public.orders_id_seq OWNER TO …`) is not
    /// table access.
    sequences: HashSet<(Option<String>, String)>,
    /// Parse outcomes by statement shape (`None` in tests that parse every statement).
    memo: Option<memo::Memo>,
}

impl<'a> Run<'a> {
    fn new(text: &'a str, ctx: &Context, embedded: bool) -> Self {
        let dialects = dialect_order(ctx);
        let hint = ctx.dialect.as_deref().and_then(DialectId::from_hint);
        Run {
            text,
            dialects,
            opts: lexing(hint),
            database: None,
            temps: HashSet::new(),
            sequences: HashSet::new(),
            out: Vec::new(),
            embedded,
            fallback: true,
            drop_ddl: false,
            memo: Some(memo::Memo::default()),
        }
    }

    /// Analyses `text[start..end]` as a sequence of statements; returns problems
    /// (absolute offsets).
    fn range(&mut self, start: usize, end: usize, depth: u8) -> Vec<Problem> {
        let mut problems = Vec::new();
        let items = split::split(&self.text[start..end], &mut self.opts);
        let has_up = items.contains(&split::Item::Up);
        let mut active = !has_up;
        for item in items {
            match item {
                split::Item::Up => active = true,
                split::Item::Down => active = false,
                split::Item::Connect { db } => self.database = Some(db),
                split::Item::Stmt { start: s, end: e } => {
                    if active {
                        self.statement(start + s, start + e, depth);
                    }
                }
                split::Item::Unterminated {
                    offset,
                    what,
                    resumed,
                } => problems.push(unterminated(
                    self.text,
                    start + offset,
                    what,
                    start + resumed,
                )),
            }
        }
        problems
    }

    fn statement(&mut self, start: usize, end: usize, depth: u8) {
        let sql = &self.text[start..end];
        if let Some(db) = use_database(sql) {
            self.database = Some(db);
            return;
        }
        if let Some(seq) = created_sequence(sql) {
            self.sequences.insert(seq);
        }
        if self.embedded && !looks_like_sql(sql) {
            return;
        }
        if end - start > elide::MAX_PARSE_BYTES {
            self.large(start, end, depth);
            return;
        }
        let mut order = self.dialects;
        if sql.contains('`')
            && let Some(i) = order.iter().position(|&d| d == DialectId::MySql)
            && i > 1
        {
            // Backticks: MySQL (or SQLite) syntax; try MySQL right after the hint.
            order[1..=i].rotate_right(1);
        }
        // Deep left-leaning chains would make a deep AST (see `scan::depth_within`).
        // The depth it counts grows by at most one per token and every token is at
        // least a byte, so a statement shorter than the limit is within it: the
        // lexing pass is only needed for long statements (most are short).
        let shallow = end - start < DEPTH_LIMIT
            || scan::depth_within(self.text, start, end, self.opts, DEPTH_LIMIT).is_some();
        let parsed = if shallow {
            self.parse(sql, &order)
        } else {
            None
        };
        match parsed {
            Some(parsed) => {
                self.emit_parsed(start, end, parsed.found);
                self.temps.extend(parsed.temps);
                if parsed.has_body && depth < MAX_BODY_DEPTH {
                    for (bs, be) in split::dollar_bodies(self.text.as_bytes(), start, end) {
                        self.range(bs, be, depth + 1);
                    }
                }
            }
            None => match routine_body(self.text, start, end, self.opts) {
                // `CREATE PROCEDURE … BEGIN …; …; END` (MySQL, SQL Server, PL/SQL),
                // which sqlparser does not parse: its header is scanned, its body
                // analysed as statements.
                Some((header_end, bs, be)) if depth < MAX_BODY_DEPTH => {
                    self.scan(start, header_end);
                    self.range(bs, be, depth + 1);
                }
                _ => self.scan(start, end),
            },
        }
    }

    /// A statement no dialect parses (or too large to parse): the keyword scan, whose
    /// findings are low confidence.
    fn scan(&mut self, start: usize, end: usize) {
        // Text that reaches no SQL sink is SQL only when it parses: no keyword scan.
        if !self.fallback {
            return;
        }
        let mut found = Vec::new();
        scan::fallback(
            self.text,
            start,
            end,
            self.opts,
            &mut self.temps,
            &mut |kind, name| found.push((kind, name)),
        );
        for (kind, name) in found {
            self.push(kind, &name, true);
        }
    }

    /// A statement over [`elide::MAX_PARSE_BYTES`]: parsed without its lists of
    /// literals when that brings it within the limit (the names mapped back to the
    /// text), else scanned by keyword, so that memory stays a small multiple of the
    /// input whatever one statement's size.
    fn large(&mut self, start: usize, end: usize, depth: u8) {
        let cut = elide::elided(self.text, start, end, self.opts);
        let left_out: usize = cut.iter().map(|(s, e)| e - s).sum();
        if end - start - left_out > elide::MAX_PARSE_BYTES {
            self.scan(start, end);
            return;
        }
        let mut reduced = Embedded::new();
        let mut at = start;
        for &(s, e) in &cut {
            reduced.push_verbatim(&self.text[at..s], at);
            at = e;
        }
        reduced.push_verbatim(&self.text[at..end], at);
        let mut sub = Run {
            text: reduced.text(),
            dialects: self.dialects,
            opts: self.opts,
            database: self.database.take(),
            temps: std::mem::take(&mut self.temps),
            sequences: HashSet::new(),
            out: Vec::new(),
            embedded: false,
            fallback: self.fallback,
            drop_ddl: self.drop_ddl,
            memo: None,
        };
        sub.statement(0, reduced.text().len(), depth);
        let Run {
            database,
            temps,
            sequences,
            out,
            ..
        } = sub;
        self.database = database;
        self.temps = temps;
        self.sequences.extend(sequences);
        self.out
            .extend(out.into_iter().map(|a| reduced.relocate(a)));
    }

    /// Parses `sql` with the first dialect of `order` that accepts it.
    fn parse(&mut self, sql: &str, order: &[DialectId]) -> Option<memo::Parsed> {
        for &d in order {
            let Some(tokens) = d.tokenize(sql) else {
                continue;
            };
            let mut key = None;
            if let Some(memo) = self.memo.as_mut().filter(|m| m.wants(&tokens)) {
                match memo.lookup(d, &tokens) {
                    memo::Known::Rejected => continue,
                    memo::Known::Parsed(parsed) => return Some(parsed),
                    memo::Known::New(new) => key = Some(new),
                    memo::Known::Unfit => {}
                }
            }
            let stmts = d.parse(tokens);
            let parsed = stmts.as_deref().map(memo::Parsed::of);
            if let (Some(key), Some(memo)) = (key, self.memo.as_mut()) {
                memo.record(key, stmts.as_deref().zip(parsed.as_ref()));
            }
            if parsed.is_some() {
                return parsed;
            }
        }
        None
    }

    /// Converts parsed names to accesses.
    fn emit_parsed(&mut self, start: usize, end: usize, found: Vec<ast::Found>) {
        let mut locs = Vec::new();
        for f in &found {
            if let Some(last) = f.name.last() {
                locs.push((last.span.start.line, last.span.start.column));
                locs.push((last.span.end.line, last.span.end.column));
            }
            for id in f.name.iter().rev().skip(1).take(2) {
                locs.push((id.span.start.line, id.span.start.column));
                locs.push((id.span.end.line, id.span.end.column));
            }
        }
        let at = locate(self.text, start, end, locs);
        let mut cursors: HashMap<String, usize> = HashMap::new();
        for f in found {
            let ast::Class::Kind(kind) = f.class else {
                continue;
            };
            let n = f.name.len();
            let parts: Vec<NamePart> = f.name[n.saturating_sub(3)..]
                .iter()
                .map(|id| self.part(id, start, end, &at, &mut cursors))
                .collect();
            self.push(kind, &RawName { parts }, false);
        }
    }

    /// Locates one identifier of a parsed name.
    fn part(
        &self,
        id: &Ident,
        start: usize,
        end: usize,
        at: &HashMap<(u64, u64), usize>,
        cursors: &mut HashMap<String, usize>,
    ) -> NamePart {
        let quoted = id.quote_style.is_some();
        let s = at.get(&(id.span.start.line, id.span.start.column));
        let e = at.get(&(id.span.end.line, id.span.end.column));
        let bytes = self.text.as_bytes();
        let range = match (s, e) {
            (Some(&s), Some(&e)) if e > s && id.span.start.line > 0 => match id.quote_style {
                // The span covers the quotes.
                Some(q) if e - s >= 2 && bytes[s] == q as u8 => Some((s + 1, e - 1)),
                None if self.text[s..e] == id.value => Some((s, e)),
                _ => None,
            },
            _ => None,
        };
        // A name that cannot be located gets length 0 and is dropped by `push`.
        let (offset, len) = range
            .map(|(s, e)| (s, e - s))
            .or_else(|| self.search(id, start, end, cursors))
            .unwrap_or((start, 0));
        NamePart {
            value: id.value.clone(),
            quoted,
            offset,
            len,
        }
    }

    /// Finds an identifier sqlparser left without a position (a quoted name a dialect
    /// read from a string token): the next occurrence of it as written.
    fn search(
        &self,
        id: &Ident,
        start: usize,
        end: usize,
        cursors: &mut HashMap<String, usize>,
    ) -> Option<(usize, usize)> {
        let written = match id.quote_style {
            Some(q) => {
                let close = if q == '[' { ']' } else { q };
                let inner = id.value.replace(close, &format!("{close}{close}"));
                format!("{q}{inner}{close}")
            }
            None => id.value.clone(),
        };
        let from = cursors.get(&written).copied().unwrap_or(start);
        let hay = &self.text[from.min(end)..end];
        match hay.find(&written) {
            Some(p) => {
                let s = from + p;
                cursors.insert(written.clone(), s + written.len());
                if id.quote_style.is_some() && written.len() >= 2 {
                    Some((s + 1, written.len() - 2))
                } else {
                    Some((s, written.len()))
                }
            }
            None => None,
        }
    }

    /// Records an access to `name` unless it is a hole, a temporary table, a
    /// pseudo-table or DDL in a down migration.
    fn push(&mut self, kind: AccessKind, name: &RawName, low: bool) {
        let Some(table) = name.parts.last() else {
            return;
        };
        if table.value.is_empty() || table.len == 0 || table.value.contains(HOLE) {
            return;
        }
        if self.drop_ddl && matches!(kind, AccessKind::Ddl | AccessKind::ForeignKey) {
            return;
        }
        if name.parts.len() == 1 {
            let folded = if table.quoted {
                table.value.clone()
            } else {
                table.value.to_lowercase()
            };
            if self.temps.contains(&folded) || (!table.quoted && folded == "dual") {
                return;
            }
        }
        let n = name.parts.len();
        let qualifier = |i: usize| {
            name.parts
                .get(i)
                .filter(|p| !p.value.contains(HOLE) && !p.value.is_empty())
                .map(|p| p.value.clone())
        };
        let (database, schema) = match n {
            1 => (None, None),
            2 => (None, qualifier(0)),
            _ => (qualifier(n - 3), qualifier(n - 2)),
        };
        let table_ref = TableRef {
            database: database.or_else(|| self.database.clone()),
            schema,
            name: table.value.clone(),
            quoted: table.quoted,
        };
        let access = Access::table(kind, table_ref, table.offset, table.len);
        self.out.push(if low { access.low() } else { access });
    }

    /// The accesses, ordered by offset, without duplicates.
    fn finish(mut self) -> Vec<Access> {
        if !self.sequences.is_empty() {
            let sequences = &self.sequences;
            self.out.retain(|a| {
                let crate::model::Target::Table(t) = &a.target else {
                    return true;
                };
                let name = t.name.to_lowercase();
                let schema = t.schema.as_ref().map(|s| s.to_lowercase());
                a.kind != AccessKind::Ddl
                    || !sequences.iter().any(|(ss, sn)| {
                        *sn == name && (ss.is_none() || schema.is_none() || *ss == schema)
                    })
            });
        }
        self.out.sort_by(|a, b| {
            (a.offset, a.len, a.kind, a.confidence).cmp(&(b.offset, b.len, b.kind, b.confidence))
        });
        self.out.dedup();
        self.out
    }
}

/// The folded `(schema, name)` of the sequence `sql` creates, when it is
/// `CREATE [TEMP] SEQUENCE [IF NOT EXISTS] [schema.]name …` (after leading comments).
fn created_sequence(sql: &str) -> Option<(Option<String>, String)> {
    let mut rest = sql.trim_start();
    loop {
        if let Some(r) = rest.strip_prefix("--") {
            rest = r.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, r)| r).trim_start();
        } else {
            break;
        }
    }
    let mut words = rest.split(|c: char| c.is_whitespace() || c == ';' || c == '(');
    let mut words = std::iter::from_fn(|| words.by_ref().find(|w| !w.is_empty()));
    if !words.next()?.eq_ignore_ascii_case("create") {
        return None;
    }
    let mut w = words.next()?;
    while ["temp", "temporary", "unlogged"]
        .iter()
        .any(|k| w.eq_ignore_ascii_case(k))
    {
        w = words.next()?;
    }
    if !w.eq_ignore_ascii_case("sequence") {
        return None;
    }
    let mut name = words.next()?;
    if name.eq_ignore_ascii_case("if") {
        words.next()?; // not
        words.next()?; // exists
        name = words.next()?;
    }
    // Compared without case or quotes: a sequence's name is never a table's.
    let fold = |p: &str| p.trim_matches(|c| c == '"' || c == '`').to_lowercase();
    let parts: Vec<&str> = name.split('.').collect();
    match parts.as_slice() {
        [n] => Some((None, fold(n))),
        [.., sch, n] => Some((Some(fold(sch)), fold(n))),
        [] => None,
    }
}

/// Analyses a `.sql` file.
///
/// Offsets are byte offsets in `text`. `USE db;` and psql `\c db` set the database of
/// later statements. In down migrations (`down.sql`, `*.down.sql`, Flyway `U*__*.sql`)
/// DDL and foreign keys are dropped; with goose / sql-migrate / dbmate annotations only
/// the Up section counts.
pub fn analyze_file(path: &str, text: &str, ctx: &Context) -> Extracted {
    let mut extracted = Extracted::default();
    if let Some(nul) = text.find('\0') {
        extracted.refuse(Problem {
            offset: nul,
            message: "file contains NUL bytes; it is not SQL text and was not analysed".to_string(),
        });
        return extracted;
    }
    let mut run = Run::new(text, ctx, false);
    run.drop_ddl = is_down_migration(path);
    extracted.problems = run.range(0, text.len(), 0);
    extracted.accesses = run.finish();
    extracted
}

/// Analyses SQL assembled from string literals; offsets in the result are file offsets.
///
/// Each statement in the text must pass [`looks_like_sql`] to be analysed at all (so a
/// log message that happens to parse is ignored); statements no dialect parses go
/// through the low-confidence keyword scan.
pub fn analyze_embedded(sql: &Embedded, ctx: &Context) -> Vec<Access> {
    embedded_run(sql, ctx, true)
}

fn embedded_run(sql: &Embedded, ctx: &Context, fallback: bool) -> Vec<Access> {
    let text = sql.text();
    if text.contains('\0') {
        return Vec::new();
    }
    let mut run = Run::new(text, ctx, true);
    run.fallback = fallback;
    run.range(0, text.len(), 0);
    run.finish().into_iter().map(|a| sql.relocate(a)).collect()
}

/// Analyses SQL assembled from string literals found in code. The argument of a known
/// SQL sink (`cursor.execute(..)`, `sqlx::query(..)`, see [`super::sinks`]) is SQL:
/// a statement there that no dialect parses is still scanned for table names, with
/// low confidence. Any other text counts only where [`looks_like_sql`] says so and a
/// dialect parses it, so that prose and messages that happen to mention a table are
/// never read as access to it (text that reaches a known prose sink, such as an
/// exception message, never gets here). Offsets are file offsets.
pub fn analyze_candidate(sql: &Embedded, sink: bool, ctx: &Context) -> Vec<Access> {
    let text = sql.text();
    if text.trim().is_empty() || !(sink || looks_like_sql(text)) {
        return Vec::new();
    }
    embedded_run(sql, ctx, sink)
}

/// True when a string literal's contents look like a SQL statement worth analysing.
///
/// The text must start (after whitespace, comments and `(`) with a statement keyword
/// (SELECT, INSERT, UPDATE, DELETE, WITH, CREATE, ALTER, DROP, TRUNCATE, MERGE, COPY,
/// REPLACE, UPSERT) and have the matching structure: `SELECT … FROM name`,
/// `INSERT … INTO name (…|VALUES|SELECT…)`, `UPDATE name … SET`, `DELETE … FROM name`,
/// `CREATE|ALTER|DROP … TABLE|INDEX|VIEW|… name`, `TRUNCATE [TABLE] name[, …]`,
/// `MERGE INTO name … USING`, `COPY name … FROM|TO stdin|'file'`, `WITH … AS (… SELECT`.
/// Names that are English determiners ("the", "this", "your"…), a trailing `.` or `!`,
/// or a `: ` outside quotes mark prose: "select a user from the list" is not SQL.
pub fn looks_like_sql(s: &str) -> bool {
    scan::looks_like_sql(s)
}
