//! The arguments of a call, read from a token list whose brackets are matched: one
//! reading shared by the C-family extractors' `clike::Source` and the drift rules'
//! `view::View`, so that a keyed argument (`key = v`, `key: v`) or a nested bracket
//! means the same in both.

/// One argument of a call: `key = value`, `key: value` or a positional value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arg {
    pub key: Option<usize>,
    /// Token range of the value.
    pub start: usize,
    pub end: usize,
}

/// What the reading needs of a token list.
pub trait Tokens {
    /// The text of identifier token `i`.
    fn ident(&self, i: usize) -> Option<&str>;
    /// The text of punctuation token `i` (empty for other tokens).
    fn punct(&self, i: usize) -> &str;
    /// The matching bracket of token `i`.
    fn partner(&self, i: usize) -> Option<usize>;
    /// How many tokens there are.
    fn count(&self) -> usize;
}

/// The top-level items between bracket `open` and `close`: a call's arguments, an
/// object's or a list's entries.
pub fn items(t: &impl Tokens, open: usize, close: usize) -> Vec<Arg> {
    let mut out = Vec::new();
    let end = close.min(t.count());
    let mut start = open + 1;
    let mut k = start;
    while k <= end {
        if k == end || t.punct(k) == "," {
            if k > start {
                out.push(arg(t, start, k));
            }
            start = k + 1;
            k += 1;
            continue;
        }
        k = match t.punct(k) {
            "(" | "[" | "{" => t.partner(k).map_or(end, |p| p.min(end - 1) + 1),
            _ => k + 1,
        }
        .max(k + 1);
    }
    out
}

fn arg(t: &impl Tokens, start: usize, end: usize) -> Arg {
    let keyed = t.ident(start).is_some()
        && start + 2 < end
        && (t.punct(start + 1) == "=" || t.punct(start + 1) == ":");
    if keyed {
        Arg {
            key: Some(start),
            start: start + 2,
            end,
        }
    } else {
        Arg {
            key: None,
            start,
            end,
        }
    }
}

/// The argument with one of `keys`, or else the `pos`-th positional argument.
pub fn named(t: &impl Tokens, args: &[Arg], keys: &[&str], pos: Option<usize>) -> Option<Arg> {
    let keyed = args.iter().find(|a| {
        a.key
            .and_then(|k| t.ident(k))
            .is_some_and(|k| keys.contains(&k))
    });
    if let Some(a) = keyed {
        return Some(*a);
    }
    pos.and_then(|p| args.iter().filter(|a| a.key.is_none()).nth(p).copied())
}
