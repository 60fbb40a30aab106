//! Names bound exactly once to a plain string literal in a file: the values that fill
//! holes and `+` joins (`f"FROM {ORDERS}"`, `"FROM #{ORDERS}"`, `"FROM " + ORDERS`).
//! A name bound twice to different text is ambiguous and never substituted: an
//! unknown hole is never guessed.

use super::Tokens;

#[derive(Default)]
pub struct Constants<'a> {
    /// Name → its literal, `None` once ambiguous.
    by_name: foldhash::HashMap<&'a str, Option<usize>>,
    /// Each constant's literal → its name (filled by [`Constants::seal`]).
    names: foldhash::HashMap<usize, &'a str>,
    /// The first bytes and lengths of the bound names (see [`Sieve`]).
    sieve: Sieve,
}

/// A quick no to [`Constants::get`]: every name of the code is asked about (whether a
/// statement holds a value), few are bound to a literal, and hashing the name was most
/// of the cost. A name whose first byte or length (modulo 64) no name bound to a
/// literal has holds no literal; any other is looked up
/// (`tests::the_sieve_answers_as_the_map_does` compares).
#[derive(Default)]
struct Sieve {
    firsts: u128,
    lengths: u64,
}

impl Sieve {
    /// The bits of `name`: its first byte (non-ASCII bytes share one bit) and length.
    fn bits(name: &str) -> (u128, u64) {
        let first = name.as_bytes().first().map_or(0, |&b| b.min(127));
        (1 << first, 1 << (name.len() % 64))
    }

    fn add(&mut self, name: &str) {
        let (first, length) = Self::bits(name);
        self.firsts |= first;
        self.lengths |= length;
    }

    fn may_hold(&self, name: &str) -> bool {
        let (first, length) = Self::bits(name);
        self.firsts & first != 0 && self.lengths & length != 0
    }
}

impl<'a> Constants<'a> {
    /// Records one binding of `name`, to literal `value` or to something else (`None`).
    pub fn bind(&mut self, code: &Tokens<'a>, name: &'a str, value: Option<usize>) {
        let entry = match (self.by_name.get(name), value) {
            (None, v) => v,
            (Some(Some(old)), Some(v)) if code.body(*old) == code.body(v) => Some(*old),
            _ => None,
        };
        self.by_name.insert(name, entry);
        if value.is_some() {
            self.sieve.add(name);
        }
    }

    /// Ends the bindings: indexes each constant by its literal.
    pub fn seal(&mut self) {
        self.names = self
            .by_name
            .iter()
            .filter_map(|(name, lit)| lit.map(|l| (l, *name)))
            .collect();
    }

    /// The literal bound to `name`, if it is unambiguous.
    pub fn get(&self, name: &str) -> Option<usize> {
        if !self.sieve.may_hold(name) {
            return None;
        }
        self.by_name.get(name).copied().flatten()
    }

    /// True when the file binds `name` at all (to a literal or to anything else).
    pub fn is_bound(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// The name of the constant whose literal is `lit`.
    pub fn name_of(&self, lit: usize) -> Option<&'a str> {
        self.names.get(&lit).copied()
    }
}
