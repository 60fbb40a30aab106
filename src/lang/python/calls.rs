//! Calls and their SQL sinks: each statement's tokens are walked with the toolkit's
//! stack of open brackets ([`Frames`]), so that every string expression knows the call
//! and argument it belongs to. A closed call is an ORM shape ([`super::orm`]), a
//! database call whose SQL argument is analysed whatever it looks like
//! (`cursor.execute(..)`, `text(..)`, `RunSQL(..)`), or a call that takes prose (a
//! logger, an exception, `raise`, an assertion's message), where no string is SQL.
//! Other strings are read as SQL only when they parse as a statement.

use super::{Extractor, Group};
use crate::lang::script::{Arg, Calls, Frame, Frames, Item, Kind};
use crate::lang::sinks::{self, SinkKind};
use crate::lang::sql;

/// Keywords naming the SQL argument of a sink.
const SQL_KEYWORDS: &[&str] = &["sql", "statement", "sqltext", "query", "text"];

impl Calls for Extractor<'_> {
    type Val = Group;
    type Text = Group;

    /// A constant passed by name was already checked where it is defined.
    fn text_of(group: &Group) -> Option<&Group> {
        group
            .items
            .iter()
            .any(|it| matches!(it, Item::Lit(_)))
            .then_some(group)
    }

    fn handle(&mut self, f: &Frame<Group>) -> Vec<usize> {
        let Some(callee) = &f.callee else {
            return self.bracket(f);
        };
        if let Some(used) = self.orm_call(callee, f) {
            return used;
        }
        let mut used = Vec::new();
        if f.sink == Some(SinkKind::Sql) {
            let sql_arg = f.args.iter().position(|a| {
                a.pos == Some(0) || a.kw.as_deref().is_some_and(|k| SQL_KEYWORDS.contains(&k))
            });
            if let Some(a) = sql_arg {
                self.analyse(&f.args[a].val, true);
                used.push(a);
            }
            if callee.rsplit('.').next() == Some("RunSQL") {
                // The reverse SQL is the down migration.
                used.extend(f.args.iter().enumerate().filter_map(|(i, a)| {
                    (a.pos == Some(1) || a.kw.as_deref() == Some("reverse_sql")).then_some(i)
                }));
            }
        }
        used
    }

    fn analyse(&mut self, group: &Group, sink: bool) {
        let emb = self.embed(group);
        self.out
            .extend(sql::analyze_candidate(&emb, sink, self.ctx));
    }
}

impl Extractor<'_> {
    /// Walks a statement's tokens, attributing each string expression to the call or
    /// bracket it is an argument of; each call is handled when its bracket closes.
    pub(super) fn walk(&mut self, s: usize, e: usize) {
        let mut frames: Frames<Group> = Frames::default();
        let mut loose: Vec<Group> = Vec::new();
        // `raise X(..)` throws whatever it builds; `assert cond, ".."` has a message
        // after its comma. Strings there are prose.
        let raise = self.code.text(s) == "raise";
        let assert = self.code.text(s) == "assert";
        let mut prose = raise;
        let mut i = s;
        while i < e {
            let kind = self.code.kind(i);
            let t = self.code.text(i);
            if assert && frames.is_empty() && kind == Some(Kind::Op) && t == "," {
                prose = true;
            }
            let is_kw = kind == Some(Kind::Name) && self.code.is_op(i + 1, "=");
            if let Some(f) = frames.top_mut()
                && f.start == i
                && f.kw.is_none()
                && !is_kw
                && !matches!(t, ")" | "]" | "}" | ",")
            {
                f.npos = f.npos.max(f.pos + 1);
            }
            // Whether token `k` starts the current argument's value (after `kw=`).
            let at_value =
                |f: &Frame<Group>, k: usize| f.start == k || (f.kw.is_some() && f.start + 2 == k);
            if kind == Some(Kind::Str) {
                let (group, j) = self.group_at(i, e);
                let closes = |k: usize| {
                    k >= e
                        || matches!(self.code.text(k), "," | ")" | "]" | "}" | ":")
                            && self.code.kind(k) == Some(Kind::Op)
                };
                // A dict entry's value, `'k': v`, is recorded under the key `k`.
                let entry_key = (i >= s + 2
                    && self.code.is_op(i - 1, ":")
                    && self.code.kind(i - 2) == Some(Kind::Str))
                .then(|| self.code.tok(i - 2).and_then(|t| self.plain(t.lit)))
                .flatten()
                .map(str::to_string);
                match frames.top_mut() {
                    Some(f) if at_value(f, i) && closes(j) => f.push(group),
                    Some(f) if f.callee.is_none() && entry_key.is_some() && closes(j) => {
                        f.args.push(Arg {
                            pos: None,
                            kw: entry_key,
                            val: group,
                        })
                    }
                    Some(f) if f.log => {}
                    None if prose => {}
                    _ => loose.push(group),
                }
                i = j;
                continue;
            }
            if kind == Some(Kind::Name)
                && self.consts.get(t).is_some()
                && let Some(f) = frames.top_mut()
                && at_value(f, i)
                && (self.code.is_op(i + 1, ",") || self.code.is_op(i + 1, ")"))
            {
                // A constant passed by name: `op.create_table(TABLE, ...)`,
                // `cursor.execute(QUERY)`.
                f.push(Group::of(vec![self.name_item(i, t)]));
            } else if kind == Some(Kind::Op) {
                match t {
                    "(" | "[" | "{" => {
                        let callee = if t == "(" && i > s {
                            self.code.callee_before(i - 1, s, &["."], is_keyword)
                        } else {
                            None
                        };
                        let sink = callee.as_deref().and_then(sinks::python);
                        frames.open(callee, sink, false, i + 1, raise);
                    }
                    ")" | "]" | "}" => {
                        if let Some(f) = frames.pop() {
                            self.close(f, &mut loose);
                        }
                    }
                    "," => frames.comma(i),
                    "=" => {
                        if let Some(f) = frames.top_mut()
                            && f.start + 1 == i
                            && self.code.kind(i - 1) == Some(Kind::Name)
                        {
                            f.kw = Some(self.code.text(i - 1).to_string());
                        }
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        self.finish(frames, loose);
    }
}

fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "if" | "elif"
            | "while"
            | "for"
            | "in"
            | "not"
            | "and"
            | "or"
            | "return"
            | "yield"
            | "await"
            | "assert"
            | "del"
            | "is"
            | "lambda"
            | "else"
            | "with"
            | "as"
            | "raise"
            | "from"
            | "import"
    )
}
