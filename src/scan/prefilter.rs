//! The prefilter: one Aho-Corasick pass over a file's bytes for the registry's table
//! names, the names of packages that live inside services, and the markers of shapes
//! that can name a table the registry does not know. Files with no hit are never
//! decoded or parsed, which is what keeps a whole-repo run near the speed of reading.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// A compiled prefilter.
pub struct Prefilter {
    ac: Option<AhoCorasick>,
}

impl Prefilter {
    /// Builds the automaton over `patterns` (ASCII case-insensitive; empty ones
    /// dropped).
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Prefilter {
        let mut pats: Vec<&str> = patterns.into_iter().filter(|p| !p.is_empty()).collect();
        pats.sort_unstable();
        pats.dedup();
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&pats)
            .ok();
        Prefilter { ac }
    }

    /// True when the file may contain something worth parsing.
    pub fn keeps(&self, bytes: &[u8]) -> bool {
        self.ac.as_ref().is_none_or(|ac| ac.is_match(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_files_with_a_hit_only() {
        let p = Prefilter::new(["orders", "CREATE TABLE", ""]);
        assert!(p.keeps(b"select * from ORDERS"));
        assert!(p.keeps(b"create table x (id int)"));
        assert!(!p.keeps(b"fn main() { println!(\"hello\"); }"));
    }
}
