//! Bracket pairing, shared by the lexers that keep bracket structure as tables
//! (TypeScript, and the C-like toolkit of Go, Java, Kotlin and C#).
//!
//! Pairing is done once with an explicit stack and kept as arrays indexed by token, so
//! every later question about structure (where does this call's argument list end,
//! which group holds this token) is a lookup. Languages differ only in how they
//! recover from a closer that does not match the innermost opener, which is
//! [`Recovery`]; the look-down is bounded, so recovery stays linear in the tokens.

/// No index: the table entry of a token without a partner or an enclosing bracket.
pub const NONE: usize = usize::MAX;

/// What a closing bracket does when the innermost open bracket is of another kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recovery {
    /// It stays unpaired and closes nothing (TypeScript: a stray closer inside a
    /// regex-like or type-level construct must not end the group around it).
    Unpaired,
    /// It closes an enclosing opener of its kind found at most this many levels
    /// down; the openers above that one end there, unpaired on their side (C-like: a
    /// missing `)` in one statement does not swallow the rest of the file).
    Enclosing(usize),
}

/// The tables one pairing pass yields.
#[derive(Debug)]
pub struct Pairs {
    /// For a paired bracket, its partner; for an opener closed by recovery, the closer
    /// that ended it; the caller's entry otherwise.
    pub partner: Vec<usize>,
    /// The innermost open bracket around each token as the pass reaches it (for a
    /// closer, still the group it closes), or [`NONE`]; empty unless asked for.
    pub parent: Vec<usize>,
    /// The openers still open at the end of the tokens, outermost first.
    pub unclosed: Vec<usize>,
}

/// Pairs the brackets among `partner.len()` tokens. `bracket(i)` is the byte of token
/// `i` when it is one of `( ) [ ] { }` (any other byte for other tokens). `partner`
/// comes filled by the caller ([`NONE`], or links of its own between tokens that are
/// no brackets, which are kept). `parents` asks for the parent table, which not every
/// file needs.
pub fn pair(
    mut partner: Vec<usize>,
    bracket: impl Fn(usize) -> u8,
    recovery: Recovery,
    parents: bool,
) -> Pairs {
    let n = partner.len();
    let depth = match recovery {
        Recovery::Unpaired => 1,
        Recovery::Enclosing(depth) => depth.max(1),
    };
    let mut parent = if parents { vec![NONE; n] } else { Vec::new() };
    let mut stack: Vec<usize> = Vec::new();
    for i in 0..n {
        if parents {
            parent[i] = stack.last().copied().unwrap_or(NONE);
        }
        let b = bracket(i);
        let want = match b {
            b'(' | b'[' | b'{' => {
                stack.push(i);
                continue;
            }
            b')' => b'(',
            b']' => b'[',
            b'}' => b'{',
            _ => continue,
        };
        let open = stack.len();
        let Some(k) = (1..=open.min(depth)).find(|&k| bracket(stack[open - k]) == want) else {
            continue;
        };
        for _ in 1..k {
            if let Some(o) = stack.pop() {
                partner[o] = i;
            }
        }
        if let Some(o) = stack.pop() {
            partner[o] = i;
            partner[i] = o;
        }
    }
    Pairs {
        partner,
        parent,
        unclosed: stack,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs the characters of `s`, one token per byte.
    fn pairs(s: &str, recovery: Recovery) -> Pairs {
        let b = s.as_bytes();
        pair(vec![NONE; b.len()], |i| b[i], recovery, true)
    }

    #[test]
    fn balanced_brackets_pair_and_nest() {
        for recovery in [Recovery::Unpaired, Recovery::Enclosing(8)] {
            let p = pairs("(a[b]{c})", recovery);
            assert_eq!(p.partner[0], 8);
            assert_eq!(p.partner[8], 0);
            assert_eq!(p.partner[2], 4);
            assert_eq!(p.partner[5], 7);
            assert_eq!(p.partner[1], NONE);
            assert_eq!(p.parent[0], NONE);
            assert_eq!(p.parent[3], 2);
            assert_eq!(p.parent[4], 2, "a closer's parent is the group it closes");
            assert_eq!(p.parent[8], 0);
            assert!(p.unclosed.is_empty());
        }
    }

    #[test]
    fn unpaired_recovery_leaves_a_mismatched_closer_alone() {
        // `(` `[` `)` `]`: the `)` meets `[` and pairs nothing; `]` then pairs `[`.
        let p = pairs("([)]", Recovery::Unpaired);
        assert_eq!(p.partner[2], NONE);
        assert_eq!(p.partner[1], 3);
        assert_eq!(p.partner[0], NONE);
        assert_eq!(p.unclosed, vec![0]);
    }

    #[test]
    fn enclosing_recovery_closes_an_opener_further_down() {
        // `(` `[` `)`: the `)` closes `(`, and `[` ends there unpaired on its side.
        let p = pairs("([)]", Recovery::Enclosing(8));
        assert_eq!(p.partner[0], 2);
        assert_eq!(p.partner[2], 0);
        assert_eq!(p.partner[1], 2, "the opener above ends at the closer");
        assert_eq!(p.partner[3], NONE, "the later `]` finds nothing open");
        assert!(p.unclosed.is_empty());
    }

    #[test]
    fn enclosing_recovery_looks_only_so_far_down() {
        let deep = format!("({}", "[".repeat(8));
        let p = pairs(&format!("{deep})"), Recovery::Enclosing(8));
        assert_eq!(p.partner[9], NONE, "the `(` is nine levels down");
        assert_eq!(p.unclosed.len(), 9);
        let shallow = format!("({})", "[".repeat(7));
        let p = pairs(&shallow, Recovery::Enclosing(8));
        assert_eq!(p.partner[8], 0);
    }

    #[test]
    fn the_callers_links_between_other_tokens_are_kept() {
        let b = b"`x`(y)";
        let mut partner = vec![NONE; b.len()];
        partner[0] = 2;
        let p = pair(partner, |i| b[i], Recovery::Unpaired, false);
        assert_eq!(p.partner[0], 2);
        assert_eq!(p.partner[3], 5);
        assert!(p.parent.is_empty(), "no parent table unless asked");
    }
}
