//! SQL sinks: the one forward walk that finds every string expression that may be
//! SQL (arguments of sink calls, `CommandText`-like properties, format calls and
//! other literal chains), skipping prose (log and error messages, test names,
//! exceptions) and strings a language never uses for SQL (JPQL).
//!
//! The per-language answers come from [`Rules`]; the walk itself is shared, so a
//! fix to what counts as prose or as a sink argument lands once.

use super::assemble::{Built, FormatStyle};
use super::lex::{Dialect, Kind};
use super::source::{Call, Source};
use crate::lang::embedded::Embedded;
use crate::lang::sinks::{NonSql, SinkKind};
use crate::model::Access;

/// What a call does with its string arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sink {
    /// Nothing known: its literals are analysed only when they look like SQL.
    None,
    /// Its SQL argument is always analysed.
    Sql,
    /// Like [`Sink::Sql`], with parameter placeholders in this syntax in a literal
    /// argument (`FromSqlRaw("… {0}", id)`, MyBatis `#{id}`).
    SqlTemplate(FormatStyle),
    /// Its string arguments are never SQL over tables (JPQL, HQL names entities).
    Skip,
}

/// The questions whose answers differ between languages.
pub trait Rules {
    fn dialect(&self) -> Dialect;
    /// The language's entry in the shared table of SQL sinks and prose calls
    /// ([`sinks`](crate::lang::sinks)) for `call`.
    fn kind(&self, src: &Source, call: &Call) -> Option<SinkKind>;
    /// The prose a call takes (log and error messages, test names, assertion
    /// messages), whose strings are never SQL: by default, what [`Self::kind`] says.
    fn prose(&self, src: &Source, call: &Call) -> Option<NonSql> {
        match self.kind(src, call)? {
            SinkKind::NonSql(k) => Some(k),
            SinkKind::Sql => None,
        }
    }
    /// How `call` treats its string arguments: by default, a SQL sink when
    /// [`Self::kind`] says so.
    fn sink(&self, src: &Source, call: &Call) -> Sink {
        match self.kind(src, call) {
            Some(SinkKind::Sql) => Sink::Sql,
            _ => Sink::None,
        }
    }
    /// True for a property whose assigned string is SQL (`CommandText = ".."`).
    fn sql_property(&self, _name: &str) -> bool {
        false
    }
    /// Language shapes outside SQL strings: ORM mappings, imports.
    fn shapes(&self, src: &Source, out: &mut Vec<Access>);
}

/// Argument names under which SQL is passed by name.
const SQL_KEYS: &[&str] = &["value", "sql", "query", "command", "commandText", "cmdText"];

/// A piece of SQL text found in the file.
pub struct Candidate {
    pub emb: Embedded,
    /// From a known SQL sink: analysed even when it does not look like SQL.
    pub sink: bool,
}

/// Finds every string expression that may be SQL, in one forward pass: arguments of
/// sinks, `CommandText`-like properties, format calls and other literal chains.
pub fn candidates(rules: &impl Rules, src: &Source) -> Vec<Candidate> {
    let n = src.toks.len();
    let mut consumed = vec![false; n];
    // Tokens before this index are inside a log call's or skipped call's arguments.
    let mut excluded_until = 0usize;
    let mut out = Vec::new();
    let mut take = |b: Built, sink: bool, consumed: &mut Vec<bool>| {
        for &u in &b.used {
            consumed[u] = true;
        }
        if b.has_text {
            out.push(Candidate { emb: b.emb, sink });
        }
    };
    for i in 0..n {
        let excluded = i < excluded_until;
        match src.toks[i].kind {
            Kind::Ident if src.is_word(i, "throw") && src.dialect != Dialect::Go => {
                // Whatever a `throw` builds is an exception and its message, whatever
                // the type's name.
                excluded_until = excluded_until.max(statement_end(src, i + 1));
            }
            Kind::Ident => {
                if let Some(call) = src.call_at(i) {
                    match rules.prose(src, &call) {
                        Some(k) if k.covers_nested() => {
                            // Kotlin passes a message as a trailing lambda too:
                            // `require(ok) { ".." }`.
                            let end = match src.partner(call.close + 1) {
                                Some(e)
                                    if src.dialect == Dialect::Kotlin
                                        && src.punct(call.close + 1) == "{" =>
                                {
                                    e
                                }
                                _ => call.close,
                            };
                            excluded_until = excluded_until.max(end.saturating_add(1));
                            continue;
                        }
                        Some(_) => {
                            // A test's name, an assertion's message: its own string
                            // arguments; the code among its arguments is still read.
                            for a in src.args(&call) {
                                if (a.start..a.end).all(|k| {
                                    matches!(src.toks[k].kind, Kind::Str(_)) || src.punct(k) == "+"
                                }) {
                                    consumed[a.start..a.end].fill(true);
                                }
                            }
                            continue;
                        }
                        None => {}
                    }
                    if excluded {
                        continue;
                    }
                    match rules.sink(src, &call) {
                        Sink::Skip => {
                            excluded_until = excluded_until.max(call.close.saturating_add(1));
                        }
                        Sink::Sql => {
                            if let Some(b) = sql_arg(src, &call, None) {
                                take(b, true, &mut consumed);
                            }
                        }
                        Sink::SqlTemplate(style) => {
                            if let Some(b) = sql_arg(src, &call, Some(style)) {
                                take(b, true, &mut consumed);
                            }
                        }
                        Sink::None => {
                            if src.format_style(&call).is_some() {
                                let recv = call.recv.unwrap_or(i);
                                let (b, _) = src.build(recv, call.close + 1);
                                if b.used.first().is_some_and(|&u| !consumed[u]) {
                                    take(b, false, &mut consumed);
                                }
                            }
                        }
                    }
                } else if src.dialect == Dialect::Kotlin
                    && src.punct(i + 1) == "{"
                    && is_trailing_lambda_log(rules, src, i)
                {
                    let end = src.partner(i + 1).unwrap_or(n);
                    excluded_until = excluded_until.max(end.saturating_add(1));
                } else if !excluded
                    && src.punct(i + 1) == "="
                    && src.ident(i).is_some_and(|name| rules.sql_property(name))
                {
                    let end = statement_end(src, i + 2);
                    let (b, _) = src.build(i + 2, end);
                    take(b, true, &mut consumed);
                }
            }
            Kind::Str(_) if !excluded && !consumed[i] => {
                let end = src.enclosing(i).and_then(|o| src.partner(o)).unwrap_or(n);
                let (b, _) = src.build(i, end.min(n));
                take(b, false, &mut consumed);
            }
            _ => {}
        }
    }
    out
}

/// Kotlin `logger.info { ".." }`: a log call whose message is a trailing lambda.
fn is_trailing_lambda_log(rules: &impl Rules, src: &Source, i: usize) -> bool {
    let recv = (i >= 2 && src.punct(i - 1) == "." && src.ident(i - 2).is_some()).then(|| i - 2);
    let call = Call {
        name: i,
        recv,
        open: i + 1,
        close: src.partner(i + 1).unwrap_or(src.toks.len()),
        annotation: false,
        new: false,
    };
    rules.prose(src, &call).is_some_and(NonSql::covers_nested)
}

/// The end of the expression starting at `from`: the first top-level `;` `,` or
/// closing bracket, or a line break in the languages without semicolons.
fn statement_end(src: &Source, from: usize) -> usize {
    let mut k = from;
    while k < src.toks.len() {
        if k > from && src.toks[k].nl_before && src.dialect != Dialect::CSharp {
            return k;
        }
        match src.punct(k) {
            ";" | "," | ")" | "]" | "}" => return k,
            "(" | "[" | "{" => k = src.partner(k).map_or(src.toks.len(), |p| p + 1),
            _ => k += 1,
        }
    }
    k
}

/// The SQL argument of a sink call: the first of its first four arguments that is a
/// string expression (so `ctx`, `&dest` or a named `nativeQuery = true` are skipped).
fn sql_arg(src: &Source, call: &Call, style: Option<FormatStyle>) -> Option<Built> {
    for a in src.args(call).iter().take(4) {
        if let Some(k) = a.key
            && !src.ident(k).is_some_and(|k| SQL_KEYS.contains(&k))
        {
            continue;
        }
        if let Some(style) = style
            && let Some(l) = src.const_at(a.start, a.end)
        {
            // Placeholders are parameters: no argument fills them as text.
            let mut b = Built::new();
            src.push_format(l, &[], style, &mut b);
            return Some(b);
        }
        let b = src.build_arg(a);
        if b.has_text {
            return Some(b);
        }
    }
    None
}
