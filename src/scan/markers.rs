//! Whether a lowercase text contains one of a set of markers, searched through a few
//! anchors. Two searches read every byte of the files they are given: the
//! prefilter's search for the extractors' markers (every file the names leave
//! undecided) and the drift rules' search for the shapes of API and event code
//! (`crate::drift`, every file of a language those rules read), so their speed is
//! most of the scan's cost on a repository where little is kept.
//!
//! Aho-Corasick's SIMD prefilter (Teddy) is fast with few patterns: past 32 it
//! switches to a variant that reads half as many bytes per step, past 64 it is off
//! and the automaton walks every byte. The extractors have 45 markers; the drift
//! rules have four per service of the registry. Most markers share a word (`table`
//! is in 18 of the extractors': `create table`, `pgtable`, `db_table`, `table(`...;
//! `://` in every service's URL), so the automaton looks for the anchors instead,
//! and each marker containing none of them stands for itself: 15 patterns for the
//! extractors' [`ANCHORS`]. Each anchor found is then checked against the markers it stands for,
//! at their place around it. The answer is the plain search's (the oracle test below
//! holds the two equal); only its cost differs. On the benchmark's realistic tree
//! (callgrind, one thread) the marker search took 282 M instructions of the run's
//! 1.96 G, and takes 126 M through the anchors; on the corpus of real repositories,
//! where the anchors occur more often, reading and searching every source file took
//! 235 M instructions against 260 M.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, BuildError, Input, MatchKind};
use memchr::memmem::Finder;

/// Words most of the extractors' markers contain, and that code without markers
/// seldom does: each marker is found through the first of them it contains. A marker
/// with none of them is its own anchor; a new marker is always found, at worst more
/// slowly.
pub const ANCHORS: &[&str] = &["table", "create", "schema", "foreign", "reference"];

/// Teddy fingerprints each pattern by its first bytes, as many as the shortest
/// pattern has (at most four): one pattern of three bytes among thirty made the search
/// of the realistic tree's files three times as slow. Anchors shorter than this are
/// each searched on their own (`memchr::memmem`), after the automaton.
const SHORT: usize = 4;

/// The markers of one search, found through its anchors: `class` is the bit
/// [`Markers::find`] answers with when one of them is in the text.
pub struct Set<'a> {
    pub class: u8,
    /// Lowercase, none empty.
    pub markers: Vec<String>,
    /// Lowercase, none empty, the most specific first: a marker goes to the first it
    /// contains.
    pub anchors: &'a [&'a str],
}

/// The markers of every set, grouped by the anchor they are found through.
#[derive(Debug)]
pub struct Markers {
    /// The anchors of [`SHORT`] bytes or more, by pattern id (groups in the same
    /// order); leftmost-first, which is what lets the automaton use its SIMD
    /// prefilter. `None` when every anchor is short.
    automaton: Option<AhoCorasick>,
    /// The shorter anchors, each with its group.
    short: Vec<(Finder<'static>, usize)>,
    groups: Vec<Group>,
}

/// An anchor and the markers that contain it, by the offset of the anchor in them, each
/// with its class; `classes`: the classes of all of them.
#[derive(Debug)]
struct Group {
    anchor: Vec<u8>,
    classes: u8,
    by_offset: Vec<Offset>,
    /// The other long groups whose anchor starts where this one's does when both are
    /// in the text (one anchor is a prefix of the other): the automaton reports one
    /// pattern per place, these are checked with it.
    related: Vec<usize>,
}

/// The markers of a group that hold its anchor `offset` bytes in, and the set of
/// their first bytes (256 bits), which rules out most places at one look.
#[derive(Debug)]
struct Offset {
    offset: usize,
    firsts: [u64; 4],
    markers: Vec<(Vec<u8>, u8)>,
}

impl Group {
    /// The classes of the markers of this group found with their anchor at `at`, of
    /// those in `wanted`.
    fn found(&self, text: &[u8], at: usize, wanted: u8) -> u8 {
        let mut found = 0;
        for o in &self.by_offset {
            let Some(t) = at.checked_sub(o.offset).and_then(|start| text.get(start..)) else {
                continue;
            };
            let Some(&first) = t.first() else { continue };
            if o.firsts[usize::from(first >> 6)] & (1 << (first & 63)) == 0 {
                continue;
            }
            for (m, class) in &o.markers {
                if wanted & class & !found != 0 && t.starts_with(m) {
                    found |= class;
                }
            }
        }
        found & wanted
    }
}

impl Markers {
    /// The search for the markers of `sets`; `None` when there is none. Fails only
    /// where a plain automaton over the markers would: past aho-corasick's size
    /// limits.
    pub fn new(sets: &[Set]) -> Result<Option<Markers>, BuildError> {
        let mut groups: Vec<Group> = Vec::new();
        for set in sets {
            for m in &set.markers {
                let anchor = set.anchors.iter().copied().find(|a| m.contains(a));
                let anchor = anchor.unwrap_or(m);
                let at = m.find(anchor).unwrap_or(0);
                let anchor = anchor.as_bytes();
                let g = match groups.iter().position(|g| g.anchor == anchor) {
                    Some(i) => &mut groups[i],
                    None => {
                        groups.push(Group {
                            anchor: anchor.to_vec(),
                            classes: 0,
                            by_offset: Vec::new(),
                            related: Vec::new(),
                        });
                        let last = groups.len() - 1;
                        &mut groups[last]
                    }
                };
                g.classes |= set.class;
                let o = match g.by_offset.iter().position(|o| o.offset == at) {
                    Some(i) => &mut g.by_offset[i],
                    None => {
                        g.by_offset.push(Offset {
                            offset: at,
                            firsts: [0; 4],
                            markers: Vec::new(),
                        });
                        let last = g.by_offset.len() - 1;
                        &mut g.by_offset[last]
                    }
                };
                // Markers are not empty, so each has a first byte.
                let first = m.as_bytes().first().copied().unwrap_or(0);
                o.firsts[usize::from(first >> 6)] |= 1 << (first & 63);
                o.markers.push((m.as_bytes().to_vec(), set.class));
            }
        }
        if groups.is_empty() {
            return Ok(None);
        }
        // The long anchors first, in the automaton's pattern order.
        groups.sort_by_key(|g| g.anchor.len() < SHORT);
        let long = groups
            .iter()
            .take_while(|g| g.anchor.len() >= SHORT)
            .count();
        for i in 0..long {
            groups[i].related = (0..long)
                .filter(|&j| {
                    let (a, b) = (&groups[i].anchor, &groups[j].anchor);
                    j != i && (a.starts_with(b) || b.starts_with(a))
                })
                .collect();
        }
        let automaton = if long > 0 {
            let ac = AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostFirst)
                .build(groups[..long].iter().map(|g| &g.anchor))?;
            Some(ac)
        } else {
            None
        };
        let short = (long..groups.len())
            .map(|i| (Finder::new(&groups[i].anchor).into_owned(), i))
            .collect();
        Ok(Some(Markers {
            automaton,
            short,
            groups,
        }))
    }

    /// How many patterns the automaton searches: the long anchors, and the long
    /// markers that contain none.
    pub fn patterns(&self) -> usize {
        self.automaton.as_ref().map_or(0, |ac| ac.patterns_len())
    }

    /// True when `text` (lowercase) contains a marker of any class.
    pub fn is_match(&self, text: &[u8]) -> bool {
        self.find(text, u8::MAX) != 0
    }

    /// The classes among `wanted` of the markers in `text` (lowercase). Each place
    /// where a long anchor starts is visited (the search resumes one byte after the
    /// last hit, so one anchor never hides another that overlaps it), and there every
    /// group whose anchor starts there is checked: a marker is found at the place of
    /// its anchor. Then each short anchor whose groups could still add a class is
    /// searched the same way. The search ends as soon as every wanted class is found.
    pub fn find(&self, text: &[u8], wanted: u8) -> u8 {
        let mut found = 0;
        if let Some(ac) = &self.automaton {
            let mut from = 0;
            while found != wanted
                && let Some(hit) = ac.find(Input::new(text).span(from..text.len()))
            {
                let at = hit.start();
                let rest = &text[at..];
                let p = hit.pattern().as_usize();
                let Some(reported) = self.groups.get(p) else {
                    break;
                };
                for g in std::iter::once(reported)
                    .chain(reported.related.iter().filter_map(|&j| self.groups.get(j)))
                {
                    if g.classes & wanted & !found != 0 && rest.starts_with(&g.anchor) {
                        found |= g.found(text, at, wanted & !found);
                    }
                }
                from = at + 1;
            }
        }
        for (finder, i) in &self.short {
            let g = &self.groups[*i];
            if g.classes & wanted & !found == 0 {
                continue;
            }
            for at in finder.find_iter(text) {
                found |= g.found(text, at, wanted & !found);
                if g.classes & wanted & !found == 0 {
                    break;
                }
            }
        }
        found
    }
}

/// A text for the oracle tests of a search: the pieces `piece(p)` for each of
/// `pieces`, every other one cut short at its start or end (by `cuts`) to make near
/// misses.
#[cfg(test)]
pub(crate) fn near_misses<'a>(
    pieces: &[usize],
    cuts: &[usize],
    piece: impl Fn(usize) -> &'a [u8],
) -> Vec<u8> {
    let mut text = Vec::new();
    for (i, p) in pieces.iter().enumerate() {
        let piece = piece(*p);
        let cut = cuts
            .get(i % cuts.len().max(1))
            .copied()
            .unwrap_or(0)
            .min(piece.len());
        let piece = if i % 2 == 0 {
            &piece[cut / 2..]
        } else {
            &piece[..piece.len() - cut / 3]
        };
        text.extend_from_slice(piece);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The extractors' markers as the prefilter gives them: lowercase, none containing
    /// another.
    fn all() -> Vec<String> {
        let lower: Vec<String> = crate::lang::Language::ALL
            .iter()
            .flat_map(|l| crate::lang::markers(*l))
            .chain(crate::lang::sql::MARKERS)
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

    /// The extractors' set of `markers`, class 1.
    fn set(markers: &[String]) -> Set<'static> {
        Set {
            class: 1,
            markers: markers.to_vec(),
            anchors: ANCHORS,
        }
    }

    fn anchored(markers: &[String], text: &[u8]) -> bool {
        Markers::new(&[set(markers)])
            .ok()
            .flatten()
            .is_some_and(|m| m.is_match(text))
    }

    #[test]
    fn the_anchors_make_few_patterns() {
        let markers = all();
        let Ok(Some(m)) = Markers::new(&[set(&markers)]) else {
            panic!("the markers build")
        };
        // Teddy's fast variant takes up to 32 patterns.
        assert!(m.patterns() <= 32, "{} anchors", m.patterns());
        assert!(m.patterns() < markers.len());
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

    /// Two sets sharing an anchor (`stream`), one with a short anchor (`://`) and a
    /// marker of two bytes: the classes of each text, one wanted class at a time and
    /// both at once, as plain searches of each set give them.
    fn two_sets() -> (Vec<String>, Vec<String>, Markers) {
        let first: Vec<String> = ["create table", "streamtable", "@@map", "x("]
            .map(String::from)
            .to_vec();
        let second: Vec<String> = [
            "://cart",
            "://order-service",
            "xadd",
            "opsforstream",
            "newcartclient",
        ]
        .map(String::from)
        .to_vec();
        let sets = [
            set(&first),
            Set {
                class: 2,
                markers: second.clone(),
                anchors: &["://", "stream", "client"],
            },
        ];
        let Ok(Some(m)) = Markers::new(&sets) else {
            panic!("the sets build")
        };
        (first, second, m)
    }

    fn classes(first: &[String], second: &[String], text: &[u8]) -> u8 {
        u8::from(plain(first, text)) | (u8::from(plain(second, text)) << 1)
    }

    #[test]
    fn each_class_is_answered_for_itself() {
        let (first, second, m) = two_sets();
        for text in [
            "",
            "x(",
            "http://cart",
            "http://carts and create table",
            "opsforstreamtable",
            "streamtable opsforstrea",
            "://order-servic",
            "newcartclient(conn) x(",
            "xad",
        ] {
            let want = classes(&first, &second, text.as_bytes());
            for wanted in 1..=3 {
                assert_eq!(
                    m.find(text.as_bytes(), wanted),
                    want & wanted,
                    "{text:?} {wanted}"
                );
            }
        }
    }

    proptest! {
        /// The oracle of [`Markers::find`]: on texts made of pieces of both sets'
        /// markers, whatever classes are asked for.
        #[test]
        fn classes_answer_as_plain_searches(
            pieces in proptest::collection::vec(0usize..16, 0..10),
            cuts in proptest::collection::vec(0usize..8, 10),
            wanted in 1u8..=3,
        ) {
            let (first, second, m) = two_sets();
            let text = near_misses(&pieces, &cuts, |p| match first.iter().chain(&second).nth(p) {
                Some(m) => m.as_bytes(),
                None => [&b"://"[..], b"stream", b"client", b" ", b"table", b"x", b"new"][p % 7],
            });
            prop_assert_eq!(m.find(&text, wanted), classes(&first, &second, &text) & wanted);
        }

        /// The oracle: on texts made of pieces of markers, anchors and noise, the
        /// anchored search answers as the plain automaton over the markers does.
        #[test]
        fn answers_as_the_plain_search(
            pieces in proptest::collection::vec(0usize..64, 0..12),
            cuts in proptest::collection::vec(0usize..24, 12),
        ) {
            let markers = all();
            let text = near_misses(&pieces, &cuts, |p| match markers.get(p) {
                Some(m) => m.as_bytes(),
                None => [
                    &b"table"[..], b"create ", b"schema", b"foreign", b"reference",
                    b" ", b"_", b"(", b"@", b"x", b"sql", b"pg", b"tabl", b"e",
                ][p % 14],
            });
            prop_assert_eq!(anchored(&markers, &text), plain(&markers, &text));
        }
    }
}
