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
