//! The open calls and brackets of one statement: a flat stack, so that each string
//! knows the call and argument it belongs to without recursion.
//!
//! A language's walk opens a [`Frame`] at each call or bracket (and Ruby at each
//! paren-less command call), records the string, symbol and name arguments in it, and
//! closes it at its closing bracket. A closed call goes to the language's
//! [`Calls::handle`] (its SQL sinks and ORM shapes); the string arguments it leaves are
//! read by the generic SQL check at the statement's end, unless the call takes prose
//! (a log call, an exception, a test's name), where no string is SQL.

use crate::lang::sinks::SinkKind;

/// An argument of a call or an element of a bracket.
#[derive(Clone, Debug)]
pub struct Arg<V> {
    /// Positional index; `None` for a keyword argument.
    pub pos: Option<usize>,
    /// The keyword of a keyword argument.
    pub kw: Option<String>,
    pub val: V,
}

/// An open call or bracket.
#[derive(Debug)]
pub struct Frame<V> {
    /// The dotted callee of a call, e.g. `op.create_table`; `None` for a bracket.
    pub callee: Option<String>,
    /// Inside a call that takes prose, such as a log call or an exception (here or
    /// further out): no string in it is SQL.
    pub log: bool,
    /// A call whose own string arguments are prose (a test's name, an assertion's
    /// message), though its block and the calls among its arguments are read.
    pub quiet: bool,
    /// What the callee does with its strings (looked up once, when the call opens).
    pub sink: Option<SinkKind>,
    /// Ruby: a paren-less command call, closed by `do`, a modifier `if` or the end of
    /// the statement.
    pub implicit: bool,
    /// Positional index of the current argument.
    pub pos: usize,
    /// Keyword of the current argument.
    pub kw: Option<String>,
    /// Token index where the current argument's value starts.
    pub start: usize,
    pub args: Vec<Arg<V>>,
    /// Python: number of positional arguments seen, counting the current one if
    /// non-empty.
    pub npos: usize,
    /// For a bracket opened as an argument of a call: that call, and the argument's
    /// position and keyword.
    pub parent: Option<(String, usize, Option<String>)>,
    /// Ruby: keyword arguments and the token index of each value.
    pub kwvals: Vec<(String, usize)>,
}

impl<V> Frame<V> {
    /// Records `val` as the current argument.
    pub fn push(&mut self, val: V) {
        self.args.push(Arg {
            pos: self.kw.is_none().then_some(self.pos),
            kw: self.kw.clone(),
            val,
        });
    }
}

/// The stack of open frames.
pub struct Frames<V> {
    stack: Vec<Frame<V>>,
}

impl<V> Default for Frames<V> {
    fn default() -> Self {
        Frames { stack: Vec::new() }
    }
}

impl<V> Frames<V> {
    /// Opens a call to `callee` (or a bracket) whose arguments start at token `start`.
    /// `prose`: the statement throws what it builds (`raise`).
    pub fn open(
        &mut self,
        callee: Option<String>,
        sink: Option<SinkKind>,
        implicit: bool,
        start: usize,
        prose: bool,
    ) {
        let outer = self.stack.last();
        let log = prose
            || outer.is_some_and(|f| f.log)
            || matches!(sink, Some(SinkKind::NonSql(k)) if k.covers_nested());
        let parent = outer.and_then(|f| Some((f.callee.clone()?, f.pos, f.kw.clone())));
        self.stack.push(Frame {
            callee,
            log,
            quiet: matches!(sink, Some(SinkKind::NonSql(_))),
            sink,
            implicit,
            pos: 0,
            kw: None,
            start,
            args: Vec::new(),
            npos: 0,
            parent,
            kwvals: Vec::new(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.stack.is_empty()
    }

    pub fn top(&self) -> Option<&Frame<V>> {
        self.stack.last()
    }

    pub fn top_mut(&mut self) -> Option<&mut Frame<V>> {
        self.stack.last_mut()
    }

    pub fn pop(&mut self) -> Option<Frame<V>> {
        self.stack.pop()
    }

    /// Whether token `i` starts the current argument's value.
    pub fn at_value(&self, i: usize) -> bool {
        self.top().is_some_and(|f| f.start == i)
    }

    /// A `,` at token `i`: the next argument starts after it.
    pub fn comma(&mut self, i: usize) {
        if let Some(f) = self.top_mut() {
            if f.kw.is_none() && f.start < i {
                f.pos += 1;
            }
            f.kw = None;
            f.start = i + 1;
        }
    }

    /// Ruby: keyword `kw` (`kw:` or `:kw =>`) whose value starts at token `value`.
    pub fn keyword(&mut self, kw: &str, value: usize) {
        if let Some(f) = self.top_mut() {
            f.kw = Some(kw.to_string());
            f.kwvals.push((kw.to_string(), value));
            f.start = value;
        }
    }
}

/// A language's handling of closed calls.
pub trait Calls {
    /// What an argument holds.
    type Val;
    /// A string expression.
    type Text: Clone;

    /// The string expression an argument holds, when the generic check may read it.
    fn text_of(val: &Self::Val) -> Option<&Self::Text>;

    /// Handles a closed call or bracket (its sinks and ORM shapes); returns the indexes
    /// of the arguments it consumed.
    fn handle(&mut self, f: &Frame<Self::Val>) -> Vec<usize>;

    /// Analyses a string expression as SQL: `sink` when it reaches a database call.
    fn analyse(&mut self, text: &Self::Text, sink: bool);

    /// Handles a closed frame: the string arguments its call leaves go to `loose`.
    fn close(&mut self, f: Frame<Self::Val>, loose: &mut Vec<Self::Text>) {
        if f.log || f.quiet {
            return;
        }
        let used = self.handle(&f);
        for (i, a) in f.args.iter().enumerate() {
            if !used.contains(&i)
                && let Some(t) = Self::text_of(&a.val)
            {
                loose.push(t.clone());
            }
        }
    }

    /// Ends a statement: closes what is still open, then reads every loose string.
    fn finish(&mut self, mut frames: Frames<Self::Val>, mut loose: Vec<Self::Text>) {
        while let Some(f) = frames.pop() {
            self.close(f, &mut loose);
        }
        for t in loose {
            self.analyse(&t, false);
        }
    }
}
