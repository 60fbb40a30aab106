//! Calls and their SQL sinks: each statement is walked with the toolkit's stack of open
//! calls ([`Frames`]): explicit `(...)` calls and paren-less command calls such as
//! `create_table :orders do |t|`, closed by a block, a modifier or the line's end.
//! Every string, symbol and name argument is recorded with its call and position or
//! keyword; a closed call is an ActiveRecord shape ([`super::active_record`]), a
//! database call whose SQL argument is analysed whatever it looks like
//! (`connection.execute`, `find_by_sql`), or a call that takes prose (a logger,
//! `raise`, a test's name), where no string is SQL.

use super::{Extractor, Group};
use crate::lang::script::{Calls, Frame, Frames, Kind};
use crate::lang::sinks;
use crate::lang::sql;

/// What an argument holds.
#[derive(Clone, Debug)]
pub(super) enum Val {
    Str(Group),
    /// A symbol, or a bare name (`true`, a constant) by token index.
    Sym(usize),
    Name(usize),
}

/// Keywords that end the command calls before them: a block or a modifier.
fn ends_command(t: &str) -> bool {
    matches!(t, "do" | "if" | "unless" | "while" | "until" | "rescue")
}

impl Calls for Extractor<'_> {
    type Val = Val;
    type Text = Group;

    fn text_of(val: &Val) -> Option<&Group> {
        match val {
            Val::Str(g) => Some(g),
            _ => None,
        }
    }

    fn handle(&mut self, f: &Frame<Val>) -> Vec<usize> {
        match &f.callee {
            Some(callee) => self.call(callee, f),
            None => Vec::new(),
        }
    }

    fn analyse(&mut self, group: &Group, sink: bool) {
        let emb = self.embed(group);
        self.out
            .extend(sql::analyze_candidate(&emb, sink, self.ctx));
    }
}

impl Extractor<'_> {
    /// The callee chain ending at name token `i`: `ActiveRecord::Base.connection.execute`.
    fn callee_before(&self, i: usize, s: usize) -> Option<String> {
        self.code
            .callee_before(i, s, &[".", "&.", "::"], is_keyword)
    }

    /// A paren-less command call starting at name token `i` (`create_table :t, ...`):
    /// the callee and the token where its arguments start.
    fn command_at(&self, i: usize, s: usize, e: usize) -> Option<(String, usize)> {
        let code = &self.code;
        let after_value = i > s
            && !matches!(
                code.text(i - 1),
                "=" | "||=" | "|" | "{" | "(" | "," | "return" | "then" | "else"
            );
        if after_value || code.kind(i) != Some(Kind::Name) {
            return None;
        }
        let mut c = i;
        while matches!(code.text(c + 1), "." | "&." | "::") && code.kind(c + 2) == Some(Kind::Name)
        {
            c += 2;
        }
        let next = code.tok(c + 1)?;
        let spaced = next.start > code.toks[c].end;
        let starts_arg = match next.kind {
            Kind::Str | Kind::Sym | Kind::Label | Kind::Val => true,
            Kind::Name => !is_keyword(code.text(c + 1)),
            _ => false,
        };
        if c + 1 >= e || !spaced || !starts_arg || is_keyword(code.text(c)) {
            return None;
        }
        Some((self.callee_before(c, s)?, c + 1))
    }

    /// Walks a statement, attributing string, symbol and name arguments to their calls;
    /// each call is handled when it closes.
    pub(super) fn walk(&mut self, s: usize, e: usize) {
        let mut frames: Frames<Val> = Frames::default();
        let mut loose: Vec<Group> = Vec::new();
        let open = |frames: &mut Frames<Val>, callee: Option<String>, implicit, start| {
            let sink = callee.as_deref().and_then(sinks::ruby);
            frames.open(callee, sink, implicit, start, false);
        };
        let mut i = s;
        while i < e {
            if let Some((callee, start)) = self.command_at(i, s, e) {
                open(&mut frames, Some(callee), true, start);
                i = start;
                continue;
            }
            let code = &self.code;
            let kind = code.kind(i);
            let t = code.text(i);
            let at_value = frames.at_value(i);
            let ends = |k: usize| {
                k >= e
                    || (code.kind(k) == Some(Kind::Op)
                        && matches!(code.text(k), "," | ")" | "]" | "}"))
                    || (code.kind(k) == Some(Kind::Name) && ends_command(code.text(k)))
            };
            match kind {
                Some(Kind::Label) if at_value => {
                    frames.keyword(t, i + 1);
                    i += 1;
                    continue;
                }
                Some(Kind::Sym) if at_value && code.is_op(i + 1, "=>") => {
                    frames.keyword(t, i + 2);
                    i += 2;
                    continue;
                }
                Some(Kind::Str) => {
                    let (group, j) = self.group_at(i, e);
                    match frames.top_mut() {
                        Some(f) if at_value && ends(j) => f.push(Val::Str(group)),
                        Some(f) if f.log => {}
                        _ => loose.push(group),
                    }
                    i = j;
                    continue;
                }
                Some(Kind::Sym | Kind::Name) if at_value && ends(i + 1) => {
                    if let Some(f) = frames.top_mut() {
                        f.push(if kind == Some(Kind::Sym) {
                            Val::Sym(i)
                        } else {
                            Val::Name(i)
                        });
                    }
                }
                Some(Kind::Name) if ends_command(t) => {
                    while frames.top().is_some_and(|f| f.implicit) {
                        if let Some(f) = frames.pop() {
                            self.close(f, &mut loose);
                        }
                    }
                }
                Some(Kind::Op) => match t {
                    "(" | "[" | "{" => {
                        let tight = i > s && code.toks[i - 1].end == code.toks[i].start;
                        let callee = if t == "(" && tight && i > s {
                            self.callee_before(i - 1, s)
                        } else {
                            None
                        };
                        open(&mut frames, callee, false, i + 1);
                    }
                    ")" | "]" | "}" => {
                        while let Some(f) = frames.pop() {
                            let implicit = f.implicit;
                            self.close(f, &mut loose);
                            if !implicit {
                                break;
                            }
                        }
                    }
                    "," => frames.comma(i),
                    _ => {}
                },
                _ => {}
            }
            i += 1;
        }
        self.finish(frames, loose);
    }
}

fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "if" | "unless"
            | "while"
            | "until"
            | "do"
            | "end"
            | "and"
            | "or"
            | "not"
            | "then"
            | "else"
            | "elsif"
            | "rescue"
            | "ensure"
            | "return"
            | "def"
            | "class"
            | "module"
            | "begin"
            | "case"
            | "when"
            | "in"
            | "yield"
            | "super"
    )
}
