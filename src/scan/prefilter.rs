//! The prefilter: a pass over a file's bytes for the registry's table names, the names
//! of packages that live inside services, and the markers of shapes that can name a
//! table the registry does not know. Files with no relevant hit are never decoded or
//! parsed, which is what keeps a whole-repo run near the speed of reading.
//!
//! Names (tables, packages, directories) only count as whole words: `orders` inside
//! `orders_archive` or `preorders` is not a mention of the table `orders` (the
//! extractors read whole identifiers too). Markers count anywhere. Both are matched
//! ignoring ASCII case.
//!
//! A hit is irrelevant when it can only lead to the file's own service: a table only
//! that service owns resolves to its own table (never a finding; a table it does not
//! know can only be reported through a marker such as `CREATE TABLE`, which is always
//! relevant), and an import of a package only that service holds is an import of its
//! own code. In a healthy repository most SQL touches the service's own tables and
//! most imports are internal, so skipping those files is what makes the dense part of a
//! repository cheap.
//!
//! How the search stays independent of the registry's size: because a name counts
//! only as a whole word, each of its occurrences is a whole identifier of the text
//! (a maximal run of `[A-Za-z0-9_]`), or for a name such as `@acme/cart` or
//! `orders-db`, contains one. So the text is cut into identifiers, and each identifier
//! is looked up among the tables in the registry's index of them
//! (`src/registry/tables.rs`) and in a hash map of the other names' identifiers: one
//! hash per identifier, whether the registry has 500 names or 50,000. (An Aho-Corasick automaton over every
//! name was the previous design: its DFA outgrows memory past a few thousand names,
//! and the NFA that replaced it doubled the scan's CPU on a 50,000-table registry.)
//! Only the markers, which count inside identifiers too, and names without any
//! identifier byte go through Aho-Corasick; the markers are searched through a few
//! anchors (`super::markers`), so the automaton can use its SIMD prefilter (Teddy), which
//! needs a case-sensitive search: the file is lowercased into a buffer first. (Past
//! 64 anchors, or on a CPU without SSSE3, Teddy is off and the marker search walks the
//! automaton over every byte: the same answers, more slowly.)

use super::markers::{Markers, Set};
use crate::lang::Language;
use crate::registry::TableIndex;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, BuildError, MatchKind};
use hashbrown::HashTable;
use std::ops::Range;

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

    /// True when a hit of this scope, standing where it has to, is worth parsing a file
    /// of `service` for.
    fn concerns(self, service: Option<usize>) -> bool {
        match self {
            Scope::Always | Scope::Word => true,
            Scope::OutsideOf(home) => service != Some(home),
        }
    }

    /// True when a hit of this scope at `start..end` of `bytes` is worth parsing a
    /// file of `service` for.
    fn counts(self, bytes: &[u8], start: usize, end: usize, service: Option<usize>) -> bool {
        match self {
            Scope::Always => true,
            Scope::Word | Scope::OutsideOf(_) => {
                self.concerns(service) && whole_word(bytes, start, end)
            }
        }
    }
}

/// True for the bytes identifiers are made of. Bytes outside ASCII count as
/// separators, so that a name next to one is kept.
fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// True when `start..end` is not glued to identifier bytes on either side.
fn whole_word(bytes: &[u8], start: usize, end: usize) -> bool {
    let before = start.checked_sub(1).and_then(|i| bytes.get(i));
    !before.is_some_and(|b| is_ident(*b)) && !bytes.get(end).is_some_and(|b| is_ident(*b))
}

/// Eight bytes at a time, the identifier bytes of a lowercase text: the bit `k` of the
/// result is set when byte `k` of `lane` (little-endian) is in `[0-9a-z_]`. Finding
/// identifiers byte by byte instead costs a test and a branch per byte and a
/// mispredicted branch at most identifier boundaries: on the realistic benchmark tree
/// the whole prefilter then ran 1.6 times the instructions and 1.4 times the time.
/// (On x86-64, [`block_bits`] classifies sixteen bytes at a time instead.)
#[cfg(any(test, not(target_arch = "x86_64")))]
#[inline]
fn ident_bits(lane: [u8; 8]) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    let x = u64::from_le_bytes(lane);
    let low7 = x & !HIGH;
    // The high bit of each byte of the sum is set when that byte of `low7` is at
    // least `n` (no carry crosses bytes: each is at most 0x7f + 0x80).
    let at_least = |n: u8| low7.wrapping_add(ONES * u64::from(0x80 - n)) & HIGH;
    let within = |lo: u8, hi: u8| at_least(lo) & !at_least(hi + 1);
    // `& !x`: a byte with its high bit set is not ASCII, hence not an identifier byte.
    let flags = (within(b'0', b'9') | within(b'a', b'z') | within(b'_', b'_')) & !x & HIGH;
    // Gathers the eight flags (bits 7, 15, ..., 63) into the top byte.
    (flags >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// The identifier bytes of a 64-byte block of lowercase text, one bit per byte,
/// eight bytes at a time in general registers ([`ident_bits`]).
#[cfg(any(test, not(target_arch = "x86_64")))]
#[inline]
fn block_bits_swar(block: &[u8; 64]) -> u64 {
    let (lanes, _) = block.as_chunks::<8>();
    lanes
        .iter()
        .enumerate()
        .fold(0, |bits, (k, lane)| bits | ident_bits(*lane) << (8 * k))
}

/// The identifier bytes of a 64-byte block of lowercase text, one bit per byte.
/// Sixteen bytes at a time in SSE2 registers (every x86-64 CPU has them; `wide`
/// gives them without `unsafe`): a byte is in `[a-z]` when `b - 'a'`, wrapping, is at
/// most 25 (an unsigned minimum and a comparison), likewise for `[0-9]`, and the
/// sixteen answers leave as one mask. The eight-bytes-at-a-time form
/// ([`block_bits_swar`], kept for other CPUs) spends about 180 instructions per
/// block; this one about 70.
#[cfg(target_arch = "x86_64")]
#[inline]
fn block_bits(block: &[u8; 64]) -> u64 {
    use wide::u8x16;
    let (sixteens, _) = block.as_chunks::<16>();
    let (a, letters) = (u8x16::splat(b'a'), u8x16::splat(25));
    let (zero, digits) = (u8x16::splat(b'0'), u8x16::splat(9));
    let underscore = u8x16::splat(b'_');
    sixteens.iter().enumerate().fold(0, |bits, (k, bytes)| {
        let x = u8x16::new(*bytes);
        let within = |lo: u8x16, span: u8x16| {
            let t = x - lo;
            t.min(span).cmp_eq(t)
        };
        let ident = within(a, letters) | within(zero, digits) | x.cmp_eq(underscore);
        // One bit per byte (each byte's high bit): sixteen bits.
        let mask = u64::from(ident.move_mask() as u16);
        bits | mask << (16 * k)
    })
}

/// The identifier bytes of a 64-byte block of lowercase text, one bit per byte.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn block_bits(block: &[u8; 64]) -> u64 {
    block_bits_swar(block)
}

/// The maximal runs of identifier bytes of a lowercase text, in order.
struct Identifiers<'a> {
    blocks: std::slice::Iter<'a, [u8; 64]>,
    /// The last bytes (fewer than 64), still to be read as a padded block.
    tail: Option<&'a [u8]>,
    len: usize,
    /// The current block: its identifier bytes, its offset in the text, and the
    /// position within it where the search resumes (64: exhausted).
    bits: u64,
    base: usize,
    at: u32,
    /// The offset of the next block.
    next: usize,
    /// The start of a run that has not ended yet.
    open: Option<usize>,
}

impl<'a> Identifiers<'a> {
    fn new(text: &'a [u8]) -> Identifiers<'a> {
        let (blocks, tail) = text.as_chunks::<64>();
        Identifiers {
            blocks: blocks.iter(),
            tail: (!tail.is_empty()).then_some(tail),
            len: text.len(),
            bits: 0,
            base: 0,
            at: 64,
            next: 0,
            open: None,
        }
    }

    /// Moves to the next block; false at the end of the text.
    fn advance(&mut self) -> bool {
        let bits = if let Some(block) = self.blocks.next() {
            block_bits(block)
        } else if let Some(tail) = self.tail.take() {
            // Zero padding is not an identifier byte: a run reaching the end of the
            // text ends at the padding.
            let mut block = [0; 64];
            block[..tail.len()].copy_from_slice(tail);
            block_bits(&block)
        } else {
            // The end: nothing is left to find in the last block either.
            self.at = 64;
            return false;
        };
        self.base = self.next;
        self.next += 64;
        self.bits = bits;
        self.at = 0;
        true
    }
}

impl Iterator for Identifiers<'_> {
    type Item = Range<usize>;

    #[inline]
    fn next(&mut self) -> Option<Range<usize>> {
        loop {
            if self.at < 64 {
                let ahead = u64::MAX << self.at;
                match self.open {
                    None => {
                        let starts = self.bits & ahead;
                        if starts != 0 {
                            self.at = starts.trailing_zeros();
                            self.open = Some(self.base + self.at as usize);
                            continue;
                        }
                    }
                    Some(start) => {
                        let ends = !self.bits & ahead;
                        if ends != 0 {
                            self.at = ends.trailing_zeros();
                            self.open = None;
                            return Some(start..self.base + self.at as usize);
                        }
                    }
                }
            }
            if !self.advance() {
                return self.open.take().map(|start| start..self.len);
            }
        }
    }
}

/// The names found through one identifier.
#[derive(Default)]
struct Entry {
    /// The scope of the name that is exactly this identifier, if there is one.
    whole: Option<Scope>,
    /// Names that contain it with more around it (`@acme/cart` under `cart`).
    affixed: Vec<Name>,
}

impl Entry {
    fn found(&self, text: &[u8], start: usize, end: usize, service: Option<usize>) -> bool {
        self.whole.is_some_and(|s| s.concerns(service))
            || self
                .affixed
                .iter()
                .any(|n| n.found(text, start, end, service))
    }
}

/// The names with an identifier byte other than the tables, by the identifier they are
/// looked up through (lowercase). Hashed with the tables' index's hasher (foldhash,
/// seeded per run), so that one hash of an identifier serves both lookups: hashing
/// it twice cost 1.6% more instructions on the realistic benchmark tree. (With the std
/// hasher, SipHash, hashing was a tenth of the search's instructions.)
#[derive(Default)]
struct Names {
    table: HashTable<Keyed>,
}

/// An identifier and its names.
struct Keyed {
    key: Box<[u8]>,
    entry: Entry,
}

impl Names {
    /// The names of identifier `word`, empty at first.
    fn entry(&mut self, tables: &TableIndex, word: &[u8]) -> &mut Entry {
        let found = self.table.entry(
            tables.hash(word),
            |k| *k.key == *word,
            |k| tables.hash(&k.key),
        );
        let keyed = found.or_insert_with(|| Keyed {
            key: word.into(),
            entry: Entry::default(),
        });
        &mut keyed.into_mut().entry
    }

    /// The names of identifier `word`, whose hash is `hash`.
    fn get(&self, hash: u64, word: &[u8]) -> Option<&Entry> {
        self.table.find(hash, |k| *k.key == *word).map(|k| &k.entry)
    }

    fn keys(&self) -> impl Iterator<Item = &[u8]> {
        self.table.iter().map(|k| &*k.key)
    }
}

/// A name found through one of its identifiers: what must stand right before and
/// right after that identifier (lowercase), and the name's scope.
struct Name {
    before: Box<[u8]>,
    after: Box<[u8]>,
    scope: Scope,
}

impl Name {
    /// True when the identifier at `start..end` of lowercase `text` is this name's, in
    /// a whole-word occurrence of it, relevant to `service`.
    fn found(&self, text: &[u8], start: usize, end: usize, service: Option<usize>) -> bool {
        let Some(from) = start.checked_sub(self.before.len()) else {
            return false;
        };
        let to = end + self.after.len();
        self.scope.concerns(service)
            && text.get(from..start) == Some(&*self.before)
            && text.get(end..to) == Some(&*self.after)
            && whole_word(text, from, to)
    }
}

/// A one-bit-per-feature filter in front of the tables' index and the names' map.
/// Nearly all identifiers of a file are no name (on the benchmark, about 2% of them
/// pass this filter); hashing each into the map cost as much as the rest of the search,
/// while this costs a multiply and a load. Features: first, second and last byte and
/// length, which separate names far better than a prefix (names of one service share
/// theirs).
struct Sketch {
    bits: Vec<u64>,
    shift: u32,
}

impl Sketch {
    /// About 16 bits per key for `keys` keys: one identifier in 16 that is no name
    /// passes by chance.
    fn new(keys: usize) -> Sketch {
        let size = (keys * 16).next_power_of_two().clamp(1 << 12, 1 << 26);
        Sketch {
            bits: vec![0; size / 64],
            shift: 32 - size.trailing_zeros(),
        }
    }

    fn add(&mut self, key: &[u8]) {
        let i = self.index(key);
        if let Some(word) = self.bits.get_mut(i / 64) {
            *word |= 1 << (i % 64);
        }
    }

    fn index(&self, word: &[u8]) -> usize {
        let byte = |i: Option<&u8>| u32::from(i.copied().unwrap_or(0));
        let features = byte(word.first())
            | byte(word.get(1)) << 8
            | byte(word.last()) << 16
            | (word.len() as u32) << 24;
        // Fibonacci hashing: the top bits of the product mix every feature.
        (features.wrapping_mul(0x9E37_79B9) >> self.shift) as usize
    }

    fn may_contain(&self, word: &[u8]) -> bool {
        let i = self.index(word);
        self.bits
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

/// The class of the extractors' markers in the marker search.
pub const EXTRACTORS: u8 = 1;
/// The class of the drift rules' needles.
pub const DRIFT: u8 = 2;

/// What the prefilter found in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kept {
    /// The file may access a table or import another service's code: it is parsed.
    pub full: bool,
    /// The file holds a needle of the drift rules: it is lexed for their evidence.
    pub drift: bool,
}

/// The sets one language's files are searched for, and their search once built.
struct Search {
    sets: Vec<Set<'static>>,
    built: std::sync::OnceLock<Result<Option<Markers>, BuildError>>,
}

impl Search {
    fn get(&self) -> &Result<Option<Markers>, BuildError> {
        self.built.get_or_init(|| Markers::new(&self.sets))
    }
}

/// A compiled prefilter.
pub struct Prefilter<'t> {
    /// Patterns that count anywhere (markers), lowercase; a pattern containing
    /// another is left out (the shorter one is found wherever it is), with what is
    /// searched in files of one language, by `Language as usize` (one for every
    /// language when no language has more). Each search is built by the first worker
    /// that meets a file of its language: a dozen built one after the other before the
    /// scan took 11 M instructions, on the path every run waits on, for languages
    /// most repositories do not have. `Err`: aho-corasick refused it (only past its
    /// size limits), and every file of the language is kept rather than a finding
    /// missed.
    markers: Vec<Search>,
    /// Names without any identifier byte, lowercase, with their scopes by pattern id:
    /// found by Aho-Corasick, then held to whole words.
    symbols: Option<(AhoCorasick, Vec<Scope>)>,
    /// The registry's tables: those named by one identifier are looked up here, each
    /// relevant outside the service that owns it; the others are patterns.
    tables: &'t TableIndex,
    /// Every other name.
    names: Names,
    /// The keys of `names` alone.
    others: Sketch,
    /// The length of the shortest and of the longest identifier of `names` and of the
    /// tables looked up in `tables`.
    lengths: (usize, usize),
    sketch: Sketch,
    /// An automaton could not be built (aho-corasick refuses only past its size
    /// limits): every file is kept rather than a finding missed.
    keep_all: bool,
}

impl<'t> Prefilter<'t> {
    /// Builds the prefilter over the tables of `tables`, each relevant outside the
    /// service that owns it, and `patterns` (ASCII case-insensitive; empty ones
    /// dropped; a pattern given twice, or also a table, is relevant wherever either is).
    /// Tables named by one identifier, nearly all of them, are not copied: the search
    /// looks them up in the index the registry already has.
    ///
    /// `searches[lang as usize]`: what is searched, besides the markers among
    /// `patterns`, in files of `lang` only (its extractor's markers, class
    /// [`EXTRACTORS`]; the needles of the drift rules, class [`DRIFT`]), in the same
    /// pass as the markers: one automaton per language reads each byte once for all of
    /// them, and each holds only what its files can contain, which keeps it under the
    /// pattern count where Teddy slows down (`super::markers`). Without `searches`,
    /// every file gets the markers of `patterns` alone.
    pub fn new<S: Into<String>>(
        tables: &'t TableIndex,
        patterns: impl IntoIterator<Item = (S, Scope)>,
        searches: Vec<Vec<Set<'static>>>,
    ) -> Prefilter<'t> {
        let mut markers = Vec::new();
        let mut symbols = Vec::new();
        let mut affixed = Vec::new();
        let patterns = patterns.into_iter();
        let mut sketch = Sketch::new(tables.entries().len() + patterns.size_hint().0);
        let mut lengths = (usize::MAX, 0);
        let mut key = |word: &[u8], sketch: &mut Sketch| {
            sketch.add(word);
            lengths = (lengths.0.min(word.len()), lengths.1.max(word.len()));
        };
        let mut names = Names::default();
        let other_tables = tables
            .entries()
            .filter_map(|(name, si)| {
                if name.bytes().all(is_ident) {
                    key(name.as_bytes(), &mut sketch);
                    None
                } else {
                    Some((name.to_string(), Scope::OutsideOf(si)))
                }
            })
            .collect::<Vec<_>>();
        // A pattern both a marker and a name is kept in both places: wherever the name
        // is found, the marker is too, so the file is kept as a marker's would be.
        let patterns = patterns.map(|(p, scope)| (p.into(), scope));
        for (mut p, scope) in other_tables.into_iter().chain(patterns) {
            p.make_ascii_lowercase();
            if p.is_empty() {
                continue;
            }
            if scope == Scope::Always {
                markers.push(p);
            } else if p.bytes().all(is_ident) {
                let entry = names.entry(tables, p.as_bytes());
                entry.whole = Some(entry.whole.map_or(scope, |s| s.merge(scope)));
            } else if p.bytes().any(is_ident) {
                affixed.push((p, scope));
            } else {
                symbols.push((p, scope));
            }
        }
        file_affixed(&mut names, tables, &affixed);
        // Sorted, so that pattern ids (hence the automata) do not depend on the input's
        // order.
        markers.sort_unstable();
        markers.dedup();
        symbols.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // Only whether some marker occurs matters: one containing another adds
        // nothing, and fewer patterns keep the automaton's SIMD prefilter fast.
        let markers: Vec<&String> = markers
            .iter()
            .filter(|m| !markers.iter().any(|o| o != *m && m.contains(o.as_str())))
            .collect();
        let automaton = |patterns: &[&String], kind: MatchKind| {
            if patterns.is_empty() {
                return Ok(None);
            }
            AhoCorasickBuilder::new()
                .match_kind(kind)
                .build(patterns)
                .map(Some)
        };
        // Whether a marker occurs is all that is asked (`super::markers` searches a few
        // anchors with the SIMD prefilter). Symbols need every overlapping hit
        // (standard semantics); one given twice is relevant wherever either is, as
        // `any` over both hits does.
        let every: Vec<String> = markers.into_iter().cloned().collect();
        let mut searches = searches;
        if searches.is_empty() {
            searches.push(Vec::new());
        }
        let marker_searches: Vec<Search> = searches
            .into_iter()
            .map(|extra| {
                let mut sets = vec![Set {
                    class: EXTRACTORS,
                    markers: every.clone(),
                    anchors: super::markers::ANCHORS,
                }];
                sets.extend(extra);
                Search {
                    sets,
                    built: std::sync::OnceLock::new(),
                }
            })
            .collect();
        let symbol_patterns: Vec<&String> = symbols.iter().map(|(p, _)| p).collect();
        let symbol_ac = automaton(&symbol_patterns, MatchKind::Standard);
        let keep_all = symbol_ac.is_err();
        let mut others = Sketch::new(names.table.len());
        for word in names.keys() {
            key(word, &mut sketch);
            others.add(word);
        }
        Prefilter {
            markers: marker_searches,
            symbols: symbol_ac
                .ok()
                .flatten()
                .map(|ac| (ac, symbols.iter().map(|(_, s)| *s).collect())),
            tables,
            names,
            others,
            lengths,
            sketch,
            keep_all,
        }
    }

    /// Whether the file whose bytes, ASCII-lowercased, are `lower`, of `service`
    /// (`None`: outside every service), may contain something worth parsing (`full`),
    /// and, when `drift` asks it, whether it contains a needle of the drift rules. The
    /// scan lowercases each file once for both: they search case-insensitively, and a
    /// case-sensitive search is what lets the automaton use its SIMD prefilter.
    ///
    /// The names first: a file kept because it names another service's table mostly
    /// does so early, and is then kept without the markers' search of the whole file
    /// (on the benchmark's dense tree, where most files are kept, that search was
    /// two thirds of the prefilter's time); a file kept for neither pays both searches
    /// in either order.
    pub fn keeps(&self, lower: &[u8], service: Option<usize>, lang: Language, drift: bool) -> Kept {
        if self.keep_all {
            return Kept { full: true, drift };
        }
        let named = self.names_another(lower, service);
        let wanted = if named { 0 } else { EXTRACTORS } | if drift { DRIFT } else { 0 };
        let search = self
            .markers
            .get(lang as usize)
            .or_else(|| self.markers.first())
            .map(Search::get);
        let found = match search {
            Some(Ok(Some(m))) if wanted != 0 => m.find(lower, wanted),
            Some(Err(_)) => return Kept { full: true, drift },
            _ => 0,
        };
        let full = named
            || found & EXTRACTORS != 0
            || self.symbols.as_ref().is_some_and(|(ac, scopes)| {
                ac.find_overlapping_iter(lower).any(|m| {
                    scopes
                        .get(m.pattern().as_usize())
                        .is_none_or(|s| s.counts(lower, m.start(), m.end(), service))
                })
            });
        Kept {
            full,
            drift: found & DRIFT != 0,
        }
    }

    /// Whether an identifier of `text` is a name (a table, package or directory) that
    /// concerns a file of `service`.
    fn names_another(&self, text: &[u8], service: Option<usize>) -> bool {
        let (shortest, longest) = self.lengths;
        Identifiers::new(text).any(|Range { start, end }| {
            let len = end - start;
            if len < shortest || len > longest {
                return false;
            }
            let Some(word) = text.get(start..end) else {
                return false;
            };
            if !self.sketch.may_contain(word) {
                return false;
            }
            // One hash for both lookups: they share the index's hasher. Most names met
            // are tables, most of them the file's own service's: `others` spares
            // those a second probe.
            let hash = self.tables.hash(word);
            let table = match self.tables.owner_hashed(hash, word) {
                Some(Some(home)) => Scope::OutsideOf(home).concerns(service),
                Some(None) => true,
                None => false,
            };
            table
                || (self.others.may_contain(word)
                    && self
                        .names
                        .get(hash, word)
                        .is_some_and(|e| e.found(text, start, end, service)))
        })
    }
}

/// Files each of `affixed` (lowercase names with identifier bytes and other bytes:
/// `@acme/cart`, `orders-db`) under one of its identifiers: the one fewest of them
/// share, the longest among those, so that a common one (`acme`) does not make every
/// occurrence of it try a long list.
fn file_affixed(names: &mut Names, tables: &TableIndex, affixed: &[(String, Scope)]) {
    let mut shared: foldhash::HashMap<&[u8], usize> = foldhash::HashMap::default();
    for (p, _) in affixed {
        for r in Identifiers::new(p.as_bytes()) {
            if let Some(word) = p.as_bytes().get(r) {
                *shared.entry(word).or_default() += 1;
            }
        }
    }
    for (p, scope) in affixed {
        let bytes = p.as_bytes();
        let key = Identifiers::new(bytes).min_by_key(|r| {
            let count = bytes.get(r.clone()).and_then(|w| shared.get(w));
            (count.copied().unwrap_or(0), std::cmp::Reverse(r.len()))
        });
        let Some(Range { start, end }) = key else {
            continue;
        };
        let (Some(before), Some(word), Some(after)) =
            (bytes.get(..start), bytes.get(start..end), bytes.get(end..))
        else {
            continue;
        };
        names.entry(tables, word).affixed.push(Name {
            before: before.into(),
            after: after.into(),
            scope: *scope,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// The rule the prefilter implements, searched the slow and obvious way: every
    /// occurrence of every pattern, ignoring ASCII case, weighed by its scope (the
    /// semantics of the previous, automaton-only prefilter).
    fn reference(patterns: &[(&str, Scope)], text: &[u8], service: Option<usize>) -> bool {
        let mut merged: HashMap<String, Scope> = HashMap::new();
        for (p, scope) in patterns.iter().filter(|(p, _)| !p.is_empty()) {
            merged
                .entry(p.to_ascii_lowercase())
                .and_modify(|s| *s = s.merge(*scope))
                .or_insert(*scope);
        }
        merged.iter().any(|(p, scope)| {
            let p = p.as_bytes();
            (0..text.len()).any(|start| {
                let end = start + p.len();
                text.get(start..end)
                    .is_some_and(|t| t.eq_ignore_ascii_case(p))
                    && scope.counts(text, start, end, service)
            })
        })
    }

    /// The prefilters of `patterns`: one given them all as patterns, and one given
    /// those relevant outside one service as tables of the registry's index (as
    /// `check` gives a registry's tables), the rest as patterns.
    fn prefilters<'t>(patterns: &[(&str, Scope)], index: &'t mut TableIndex) -> [Prefilter<'t>; 2] {
        let folded: Vec<(usize, String)> = patterns
            .iter()
            .filter_map(|(p, scope)| match scope {
                Scope::OutsideOf(home) => Some((*home, p.to_lowercase())),
                _ => None,
            })
            .collect();
        *index = TableIndex::of(
            folded
                .iter()
                .enumerate()
                .map(|(i, (home, p))| (*home, i, p.as_str())),
        );
        let rest = patterns
            .iter()
            .filter(|(_, scope)| !matches!(scope, Scope::OutsideOf(_)));
        [
            Prefilter::new(
                EMPTY.get_or_init(TableIndex::default),
                patterns.iter().copied(),
                Vec::new(),
            ),
            Prefilter::new(index, rest.copied(), Vec::new()),
        ]
    }

    static EMPTY: std::sync::OnceLock<TableIndex> = std::sync::OnceLock::new();

    /// Asserts each case's expectation against the reference and both prefilters.
    fn check(patterns: &[(&str, Scope)], cases: &[(&str, Option<usize>, bool)]) {
        let mut index = TableIndex::default();
        let both = prefilters(patterns, &mut index);
        for &(text, service, expected) in cases {
            assert_eq!(
                reference(patterns, text.as_bytes(), service),
                expected,
                "reference: {text:?} for {service:?}"
            );
            for (k, p) in both.iter().enumerate() {
                assert_eq!(
                    p.keeps(
                        &text.to_ascii_lowercase().into_bytes(),
                        service,
                        Language::Sql,
                        false
                    )
                    .full,
                    expected,
                    "prefilter {k}: {text:?} for {service:?}"
                );
            }
        }
    }

    /// A registry with every kind of pattern: tables of two services, a shared name,
    /// package names with separators, names without identifier bytes, markers.
    const PATTERNS: &[(&str, Scope)] = &[
        ("orders", Scope::OutsideOf(0)),
        ("order_items", Scope::OutsideOf(0)),
        ("users", Scope::OutsideOf(1)),
        ("outbox", Scope::Word),
        ("orders-db", Scope::OutsideOf(1)),
        ("@acme/users", Scope::OutsideOf(2)),
        ("@acme/orders", Scope::OutsideOf(0)),
        ("billing.invoices", Scope::OutsideOf(2)),
        ("café", Scope::OutsideOf(2)),
        ("заказы", Scope::OutsideOf(2)),
        ("CREATE TABLE", Scope::Always),
        ("create table if", Scope::Always),
        ("table!", Scope::Always),
        ("ownlint:", Scope::Always),
        ("", Scope::Always),
    ];

    #[test]
    fn keeps_what_the_rule_keeps() {
        check(
            PATTERNS,
            &[
                // Another service's table, in every position and case.
                ("select * from orders", Some(1), true),
                ("orders", Some(1), true),
                ("ORDERS JOIN x", Some(1), true),
                ("x = Orders;", None, true),
                // The file's own service: nothing to find.
                ("select * from orders", Some(0), false),
                ("select * from orders join order_items", Some(0), false),
                ("import x from '@acme/orders'", Some(0), false),
                // One relevant hit among irrelevant ones is enough.
                ("select * from orders join users", Some(0), true),
                // A name inside a longer identifier is not a mention of it.
                ("let preorders = orders_count + orders1;", Some(1), false),
                ("select * from orders_archive", Some(1), false),
                ("_orders", Some(1), false),
                // Quoted and schema-qualified names are whole words.
                ("\"orders\" `orders` [orders] 'orders'", Some(1), true),
                ("select * from public.orders", Some(1), true),
                ("select * from billing.invoices", None, true),
                ("select * from billing.invoices_v2", None, false),
                ("select * from xbilling.invoices", None, false),
                ("select * from billing-invoices", None, false),
                // Names with separators: whole words at both ends.
                ("use orders-db;", Some(0), true),
                ("use orders-dbx;", Some(0), false),
                ("use xorders-db;", Some(0), false),
                ("use orders-db;", Some(1), true),
                ("import x from '@acme/users';", Some(1), true),
                ("import x from 'y@acme/users';", Some(1), false),
                ("import x from '@acme/users2';", Some(1), false),
                ("import x from '@acme/Users/lib';", Some(1), true),
                // A name several services share is relevant everywhere.
                ("insert into outbox", Some(0), true),
                ("insert into outboxes", Some(0), false),
                // Bytes outside ASCII are separators; ASCII case only is ignored.
                ("é orders é", Some(1), true),
                ("ordersé", Some(1), true),
                ("SELECT * FROM CAFÉ", None, false),
                ("select * from café", None, true),
                ("select * from cafés", None, false),
                ("select * from caféx", None, false),
                ("select * from café.x", None, true),
                ("select * from CAFé", None, true),
                ("select * from заказы;", None, true),
                ("select * from заказы", Some(2), false),
                ("select * from aзаказы", None, false),
                // Markers count anywhere, glued or not, in any case.
                ("create table x (id int)", Some(0), true),
                ("xCREATE TABLEx", Some(0), true),
                ("diesel::table!", Some(0), true),
                ("mytable!", Some(0), true),
                ("// OWNLINT: allow", Some(0), true),
                ("create  table", Some(0), false),
                // Nothing at all.
                ("fn main() { println!(\"hello\"); }", None, false),
                ("", None, false),
            ],
        );
    }

    #[test]
    fn a_pattern_with_two_homes_is_relevant_everywhere() {
        // `outbox` owned by services 0 and 1; the same spelling case-folded. A marker
        // that is also a name stays a marker.
        check(
            &[
                ("outbox", Scope::OutsideOf(0)),
                ("OUTBOX", Scope::OutsideOf(1)),
                ("REFERENCES", Scope::Always),
                ("references", Scope::OutsideOf(2)),
            ],
            &[
                ("insert into outbox", Some(0), true),
                ("insert into outbox", Some(1), true),
                ("insert into outboxes", Some(1), false),
                ("x_references_y", Some(2), true),
            ],
        );
    }

    #[test]
    fn overlapping_names_are_all_seen() {
        // `orders` is service 0's own; `orders_archive` belongs to service 1 and
        // starts at the same byte; `orders-db` contains `orders`.
        check(
            &[
                ("orders", Scope::OutsideOf(0)),
                ("orders_archive", Scope::OutsideOf(1)),
                ("orders-db", Scope::OutsideOf(1)),
            ],
            &[
                ("SELECT * FROM orders_archive", Some(0), true),
                ("SELECT * FROM orders_archive", Some(1), false),
                ("SELECT * FROM orders", Some(0), false),
                ("use orders-db", Some(0), true),
                ("use orders-db", Some(1), true),
                ("use orders-dbs", Some(0), false),
            ],
        );
    }

    #[test]
    fn names_are_found_across_block_boundaries() {
        // The identifiers are read 64 bytes at a time: a name may start, end or
        // straddle a block's edge, or end the text.
        for pad in 0..130 {
            let mut text = " ".repeat(pad);
            text.push_str("orders");
            for (suffix, expected) in [("", true), (" ", true), ("s", false), ("_x ", false)] {
                let t = format!("{text}{suffix}");
                check(PATTERNS, &[(&t, Some(1), expected)]);
                let glued = format!("{}x{}", " ".repeat(pad.saturating_sub(1)), &t[pad..]);
                check(PATTERNS, &[(&glued, Some(1), false)]);
            }
        }
    }

    #[test]
    fn identifiers_are_maximal_runs_of_identifier_bytes() {
        type Case = (&'static [u8], &'static [(usize, usize)]);
        let cases: &[Case] = &[
            (b"", &[]),
            (b"   ", &[]),
            (b"a", &[(0, 1)]),
            (b"ab_9 c", &[(0, 4), (5, 6)]),
            (b"(x)\xc3\xa9y", &[(1, 2), (5, 6)]),
            (b"`a`@b[c]", &[(1, 2), (4, 5), (6, 7)]),
        ];
        for (text, runs) in cases {
            let found: Vec<_> = Identifiers::new(text).map(|r| (r.start, r.end)).collect();
            assert_eq!(found, *runs, "{text:?}");
        }
    }

    /// Every byte value at every position of a block, against `is_ident` (lowercase
    /// text: upper-case letters do not occur).
    #[test]
    fn block_bits_classify_every_byte() {
        for b in 0..=255u8 {
            let expected = is_ident(b) && !b.is_ascii_uppercase();
            for k in 0..64 {
                let mut block = [b' '; 64];
                block[k] = b;
                assert_eq!(
                    block_bits(&block),
                    u64::from(expected) << k,
                    "{b:#x} at {k}"
                );
                assert_eq!(
                    block_bits_swar(&block),
                    u64::from(expected) << k,
                    "{b:#x} at {k}, eight bytes at a time"
                );
            }
        }
    }

    fn scalar_identifiers(text: &[u8]) -> Vec<Range<usize>> {
        let mut runs = Vec::new();
        let mut start = None;
        for (i, b) in text.iter().enumerate() {
            match (start, is_ident(*b)) {
                (None, true) => start = Some(i),
                (Some(s), false) => {
                    runs.push(s..i);
                    start = None;
                }
                _ => {}
            }
        }
        runs.extend(start.map(|s| s..text.len()));
        runs
    }

    /// Fragments that make texts hit every rule: names, their neighbours, separators,
    /// bytes outside ASCII, markers split or whole.
    fn text() -> impl Strategy<Value = Vec<u8>> {
        let fragments: Vec<&[u8]> = vec![
            &b"orders"[..],
            &b"ORDERS"[..],
            &b"order_items"[..],
            &b"users"[..],
            &b"outbox"[..],
            &b"-db"[..],
            &b"@acme/"[..],
            &b"billing"[..],
            &b".invoices"[..],
            &b"caf\xc3\xa9"[..],
            "заказы".as_bytes(),
            &b"create"[..],
            &b" table"[..],
            &b"table!"[..],
            &b"ownlint:"[..],
            &b"_"[..],
            &b"x"[..],
            &b"9"[..],
            &b" "[..],
            &b"\n"[..],
            &b"."[..],
            &b"\""[..],
            &b"\xc3"[..],
            &b"\0"[..],
        ];
        prop::collection::vec(prop::sample::select(fragments), 0..40).prop_map(|f| f.concat())
    }

    proptest! {
        // A fixed seed and no persistence file, as the other property tests: runs are
        // repeatable, and a case worth keeping goes into the tables above.
        #![proptest_config(proptest::test_runner::Config {
            failure_persistence: None,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x0e1a),
            ..proptest::test_runner::Config::default()
        })]

        #[test]
        fn agrees_with_the_reference(
            text in text(),
            service in prop_oneof![Just(None), (0..4usize).prop_map(Some)],
        ) {
            let mut index = TableIndex::default();
            let want = reference(PATTERNS, &text, service);
            for p in prefilters(PATTERNS, &mut index) {
                prop_assert_eq!(p.keeps(&text.to_ascii_lowercase(), service, Language::Sql, false).full, want);
            }
        }

        #[test]
        fn identifiers_agree_with_a_byte_loop(text in prop::collection::vec(any::<u8>(), 0..300)) {
            let lower = text.to_ascii_lowercase();
            prop_assert_eq!(
                Identifiers::new(&lower).collect::<Vec<_>>(),
                scalar_identifiers(&lower)
            );
        }
    }
}
