//! The prefilter: one Aho-Corasick pass over a file's bytes for the registry's table
//! names, the names of packages that live inside services, and the markers of shapes
//! that can name a table the registry does not know. Files with no relevant hit are
//! never decoded or parsed, which is what keeps a whole-repo run near the speed of
//! reading.
//!
//! Names (tables, packages, directories) only count as whole words: `orders` inside
//! `orders_archive` or `preorders` is not a mention of the table `orders` (the
//! extractors read whole identifiers too). Markers count anywhere.
//!
//! A hit is irrelevant when it can only lead to the file's own service: a table only
//! that service owns resolves to its own table (never a finding; a table it does not
//! know can only be reported through a marker such as `CREATE TABLE`, which is always
//! relevant), and an import of a package only that service holds is an import of its
//! own code. In a healthy repository most SQL touches the service's own tables and
//! most imports are internal, so skipping those files is what makes the dense part of a
//! repository cheap.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::collections::HashMap;

/// For whom a pattern's hit is worth parsing the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// For every file, wherever the pattern stands (markers: `CREATE TABLE`,
    /// `table!`, `ownlint:`).
    Always,
    /// For every file, as a whole word (a name several services share).
    Word,
    /// For every file but those of this service (an index into the registry's
    /// services), for which the hit can only mean the service's own data or code.
    OutsideOf(usize),
}

impl Scope {
    /// The scope of a pattern that plays both roles: relevant wherever either is.
    fn merge(self, other: Scope) -> Scope {
        match (self, other) {
            (a, b) if a == b => a,
            (Scope::Always, _) | (_, Scope::Always) => Scope::Always,
            _ => Scope::Word,
        }
    }

    /// True when a hit of this scope at `start..end` of `bytes` is worth parsing a
    /// file of `service` for.
    fn counts(self, bytes: &[u8], start: usize, end: usize, service: Option<usize>) -> bool {
        match self {
            Scope::Always => true,
            Scope::Word => whole_word(bytes, start, end),
            Scope::OutsideOf(home) => service != Some(home) && whole_word(bytes, start, end),
        }
    }
}

/// True when `start..end` is not glued to identifier characters on either side.
/// Bytes outside ASCII count as separators, so that a name next to one is kept.
fn whole_word(bytes: &[u8], start: usize, end: usize) -> bool {
    let ident = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let before = start.checked_sub(1).and_then(|i| bytes.get(i));
    !before.is_some_and(ident) && !bytes.get(end).is_some_and(ident)
}

/// Up to this many bytes of patterns, the automaton is a full DFA (the fastest
/// search, about 1 KiB of memory per pattern byte at most); beyond, a contiguous NFA
/// keeps a 50,000-table registry within memory.
const DFA_MAX_PATTERN_BYTES: usize = 32 * 1024;

/// Below this many files the DFA's construction (~4 ms for a 500-table registry)
/// costs more than its faster search saves: a pre-commit run uses the NFA.
const DFA_MIN_FILES: usize = 256;

/// A compiled prefilter.
pub struct Prefilter {
    ac: Option<AhoCorasick>,
    /// The scope of each pattern of `ac`, by pattern id.
    scopes: Vec<Scope>,
}

impl Prefilter {
    /// Builds the automaton over `patterns` (ASCII case-insensitive; empty ones
    /// dropped; a pattern given twice is relevant wherever either occurrence is), for
    /// a run over `files` files.
    pub fn new<'a>(
        patterns: impl IntoIterator<Item = (&'a str, Scope)>,
        files: usize,
    ) -> Prefilter {
        let mut merged: HashMap<String, Scope> = HashMap::new();
        for (p, scope) in patterns {
            if p.is_empty() {
                continue;
            }
            merged
                .entry(p.to_ascii_lowercase())
                .and_modify(|s| *s = s.merge(scope))
                .or_insert(scope);
        }
        let mut pats: Vec<(String, Scope)> = merged.into_iter().collect();
        pats.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let bytes: usize = pats.iter().map(|(p, _)| p.len()).sum();
        let kind = (bytes <= DFA_MAX_PATTERN_BYTES && files >= DFA_MIN_FILES)
            .then_some(AhoCorasickKind::DFA);
        let build = |kind| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .kind(kind)
                .build(pats.iter().map(|(p, _)| p))
                .ok()
        };
        // A DFA over-running its size limit falls back to the automatic choice.
        let ac = build(kind).or_else(|| build(None));
        Prefilter {
            ac,
            scopes: pats.into_iter().map(|(_, s)| s).collect(),
        }
    }

    /// True when the file, of `service` (`None`: outside every service), may contain
    /// something worth parsing.
    pub fn keeps(&self, bytes: &[u8], service: Option<usize>) -> bool {
        let Some(ac) = &self.ac else {
            return true;
        };
        // Most files have no hit at all: the plain search (which may use the
        // automaton's own prefilter and stops at the first hit) answers that; only
        // files with a hit pay for the overlapping search that weighs each hit.
        if !ac.is_match(bytes) {
            return false;
        }
        ac.find_overlapping_iter(bytes).any(|m| {
            self.scopes
                .get(m.pattern().as_usize())
                .is_none_or(|s| s.counts(bytes, m.start(), m.end(), service))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_files_with_a_hit_only() {
        // 1 file: the NFA; 1000 files: the DFA. Both answer the same.
        for files in [1, 1000] {
            let p = Prefilter::new(
                [
                    ("orders", Scope::Always),
                    ("CREATE TABLE", Scope::Always),
                    ("", Scope::Always),
                ],
                files,
            );
            for service in [None, Some(0)] {
                assert!(p.keeps(b"select * from ORDERS", service));
                assert!(p.keeps(b"create table x (id int)", service));
                assert!(!p.keeps(b"fn main() { println!(\"hello\"); }", service));
            }
        }
    }

    #[test]
    fn hits_on_the_files_own_service_only_are_skipped() {
        let p = Prefilter::new(
            [
                ("orders", Scope::OutsideOf(0)),
                ("users", Scope::OutsideOf(1)),
                ("CREATE TABLE", Scope::Always),
            ],
            1000,
        );
        // Service 0 reading its own table: nothing to find.
        assert!(!p.keeps(b"SELECT * FROM orders", Some(0)));
        // Another service, or code outside every service, reading it: parse.
        assert!(p.keeps(b"SELECT * FROM orders", Some(1)));
        assert!(p.keeps(b"SELECT * FROM orders", None));
        // One relevant hit among irrelevant ones is enough, wherever it stands.
        assert!(p.keeps(b"SELECT * FROM orders JOIN users", Some(0)));
        assert!(p.keeps(b"create table orders (id int)", Some(0)));
    }

    #[test]
    fn overlapping_hits_are_all_seen() {
        // `orders` is service 0's own; `orders_archive` belongs to service 1 and
        // starts at the same byte.
        let p = Prefilter::new(
            [
                ("orders", Scope::OutsideOf(0)),
                ("orders_archive", Scope::OutsideOf(1)),
            ],
            1000,
        );
        assert!(p.keeps(b"SELECT * FROM orders_archive", Some(0)));
        // For service 1 the name contains service 0's `orders`, but not as a word.
        assert!(!p.keeps(b"SELECT * FROM orders_archive", Some(1)));
        assert!(!p.keeps(b"SELECT * FROM orders", Some(0)));
    }

    #[test]
    fn names_count_as_whole_words_and_markers_anywhere() {
        let p = Prefilter::new(
            [("orders", Scope::OutsideOf(0)), ("table!", Scope::Always)],
            1000,
        );
        for service in [None, Some(1)] {
            assert!(!p.keeps(b"let preorders = orders_count;", service));
            assert!(!p.keeps(b"SELECT * FROM orders_archive", service));
            assert!(p.keeps(b"SELECT * FROM public.orders;", service));
            assert!(p.keeps(b"\"orders\"", service));
            assert!(p.keeps(b"orders", service));
            assert!(p.keeps(b"diesel::table!", service));
            assert!(p.keeps(b"mytable!", service));
        }
    }

    #[test]
    fn a_pattern_with_two_homes_is_relevant_everywhere() {
        // `outbox` owned by services 0 and 1; the same spelling case-folded.
        let p = Prefilter::new(
            [
                ("outbox", Scope::OutsideOf(0)),
                ("OUTBOX", Scope::OutsideOf(1)),
                ("REFERENCES", Scope::Always),
                ("references", Scope::OutsideOf(2)),
            ],
            1000,
        );
        assert!(p.keeps(b"insert into outbox", Some(0)));
        assert!(p.keeps(b"insert into outbox", Some(1)));
        assert!(!p.keeps(b"insert into outboxes", Some(1)));
        // A marker that is also a name stays a marker.
        assert!(p.keeps(b"x_references_y", Some(2)));
    }
}
