//! Whether a lowercase text contains one of the extractors' markers, searched through
//! a few anchors. Every file the names leave undecided pays this search over all of
//! its bytes, so its speed is most of the prefilter's cost on a repository where
//! little is kept.
//!
//! Aho-Corasick's SIMD prefilter (Teddy) is fast with few patterns: past 32 it
//! switches to a variant that reads half as many bytes per step, and the extractors
//! have 45 markers. Most markers share a word (`table` is in 18 of them: `create
//! table`, `pgtable`, `db_table`, `table(`...), so the automaton looks for the
//! [`ANCHORS`] instead, and each marker containing none of them stands for itself:
//! 15 patterns. Each anchor found is then checked against the markers it stands for,
//! at their place around it. The answer is the plain search's (the oracle test below
//! holds the two equal); only its cost differs. On the benchmark's realistic tree
//! (callgrind, one thread) the marker search took 282 M instructions of the run's
//! 1.96 G, and takes 126 M through the anchors; on the corpus of real repositories,
//! where the anchors occur more often, reading and searching every source file took
//! 235 M instructions against 260 M.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, BuildError, Input, MatchKind};

/// Words most markers contain, and that code without markers seldom does: each marker
/// is found through the first of them it contains. A marker with none of them is its
/// own anchor; a new marker is always found, at worst more slowly.
const ANCHORS: &[&str] = &["table", "create", "schema", "foreign", "reference"];

/// The markers, grouped by the anchor they are found through.
pub struct Markers {
    /// The anchors, by pattern id; leftmost-first, which is what lets the automaton
    /// use its SIMD prefilter.
    automaton: AhoCorasick,
    /// For each anchor (same order), the markers found through it.
    groups: Vec<Group>,
}

/// An anchor and the markers that contain it, each with the offset of the anchor in
/// it.
struct Group {
    anchor: Vec<u8>,
    markers: Vec<(usize, Vec<u8>)>,
}

impl Markers {
    /// The search for `markers` (lowercase, none empty); `None` when there is none.
    /// Fails only where a plain automaton over the markers would: past
    /// aho-corasick's size limits.
    pub fn new(markers: &[&str]) -> Result<Option<Markers>, BuildError> {
        if markers.is_empty() {
            return Ok(None);
        }
        let mut groups: Vec<Group> = Vec::new();
        for m in markers {
            let anchor = ANCHORS.iter().copied().find(|a| m.contains(a)).unwrap_or(m);
            let at = m.find(anchor).unwrap_or(0);
            let entry = (at, m.as_bytes().to_vec());
            match groups.iter_mut().find(|g| g.anchor == anchor.as_bytes()) {
                Some(g) => g.markers.push(entry),
                None => groups.push(Group {
                    anchor: anchor.as_bytes().to_vec(),
                    markers: vec![entry],
                }),
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(groups.iter().map(|g| &g.anchor))?;
        Ok(Some(Markers { automaton, groups }))
    }

    /// True when `text` (lowercase) contains a marker. Each place where an anchor
    /// starts is visited (the search resumes one byte after the last hit, so one
    /// anchor never hides another that overlaps it), and there every group whose
    /// anchor starts there is checked: a marker is found at the place of its anchor.
    pub fn is_match(&self, text: &[u8]) -> bool {
        let mut from = 0;
        while let Some(hit) = self.automaton.find(Input::new(text).span(from..text.len())) {
            let at = hit.start();
            let rest = &text[at..];
            let found = self.groups.iter().any(|g| {
                rest.starts_with(&g.anchor)
                    && g.markers.iter().any(|(offset, m)| {
                        at.checked_sub(*offset)
                            .and_then(|start| text.get(start..))
                            .is_some_and(|t| t.starts_with(m))
                    })
            });
            if found {
                return true;
            }
            from = at + 1;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The extractors' markers as the prefilter gives them: lowercase, none containing
    /// another.
    fn all() -> Vec<String> {
        let lower: Vec<String> = crate::lang::MARKERS
            .iter()
            .flat_map(|m| m.iter())
            .chain(&["ownlint:"])
            .map(|m| m.to_ascii_lowercase())
            .collect();
        let mut out: Vec<String> = lower
            .iter()
            .filter(|m| !lower.iter().any(|o| o != *m && m.contains(o.as_str())))
            .cloned()
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The plain search: one automaton over every marker.
    fn plain(markers: &[String], text: &[u8]) -> bool {
        AhoCorasick::new(markers).is_ok_and(|ac| ac.is_match(text))
    }

    fn anchored(markers: &[String], text: &[u8]) -> bool {
        let refs: Vec<&str> = markers.iter().map(String::as_str).collect();
        Markers::new(&refs)
            .ok()
            .flatten()
            .is_some_and(|m| m.is_match(text))
    }

    #[test]
    fn the_anchors_make_few_patterns() {
        let markers = all();
        let refs: Vec<&str> = markers.iter().map(String::as_str).collect();
        let Ok(Some(m)) = Markers::new(&refs) else {
            panic!("the markers build")
        };
        // Teddy's fast variant takes up to 32 patterns.
        assert!(m.groups.len() <= 32, "{} anchors", m.groups.len());
        assert!(m.groups.len() < markers.len());
    }

    #[test]
    fn every_marker_is_found_wherever_it_stands() {
        let markers = all();
        for m in &markers {
            for text in [
                m.clone(),
                format!("x{m}"),
                format!("{m}x"),
                format!("tabl{m}table"),
                format!("createtable {m}"),
            ] {
                assert!(anchored(&markers, text.as_bytes()), "{text:?}");
            }
        }
        for text in [
            "",
            "table",
            "tabl",
            "create",
            "createtable",
            "a foreign reference",
        ] {
            assert!(!anchored(&markers, text.as_bytes()), "{text:?}");
            assert!(!plain(&markers, text.as_bytes()), "{text:?}");
        }
    }

    #[test]
    fn an_anchor_that_is_also_a_marker_or_in_none() {
        // A marker equal to an anchor, one holding two anchors, one holding none, and
        // one that is a prefix of an anchor: found exactly where the plain search
        // finds them.
        let markers: Vec<String> = ["table", "create_foreign", "refer", "@@map"]
            .map(String::from)
            .to_vec();
        for text in [
            "table",
            "create_foreign",
            "foreign",
            "refer",
            "reference",
            "referenc",
            "@@ma",
            "x@@map",
            "createforeign",
        ] {
            assert_eq!(
                anchored(&markers, text.as_bytes()),
                plain(&markers, text.as_bytes()),
                "{text:?}"
            );
        }
    }

    proptest! {
        /// The oracle: on texts made of pieces of markers, anchors and noise, the
        /// anchored search answers as the plain automaton over the markers does.
        #[test]
        fn answers_as_the_plain_search(
            pieces in proptest::collection::vec(0usize..64, 0..12),
            cuts in proptest::collection::vec(0usize..24, 12),
        ) {
            let markers = all();
            let mut text = Vec::new();
            for (i, p) in pieces.iter().enumerate() {
                let piece: &[u8] = match markers.get(*p) {
                    Some(m) => m.as_bytes(),
                    None => [
                        &b"table"[..], b"create ", b"schema", b"foreign", b"reference",
                        b" ", b"_", b"(", b"@", b"x", b"sql", b"pg", b"tabl", b"e",
                    ][p % 14],
                };
                // Cut a piece short, at its start or end, to make near misses.
                let cut = cuts[i % cuts.len()].min(piece.len());
                let piece = if i % 2 == 0 { &piece[cut / 2..] } else { &piece[..piece.len() - cut / 3] };
                text.extend_from_slice(piece);
            }
            prop_assert_eq!(anchored(&markers, &text), plain(&markers, &text));
        }
    }
}
