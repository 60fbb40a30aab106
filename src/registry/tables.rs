//! The registry's tables by name: one index, built at its first use and shared by the
//! validation (which tables are owned twice), the scan's prefilter (does this
//! identifier name a table another service owns) and the resolver (who owns the table
//! a file reads).
//!
//! Why one index, and why of positions: each of the three used to build its own map of
//! every table (the validation keyed by table, the resolver with a list per name, the
//! prefilter with a copy of each name), and on the benchmark's 50,000-table registry
//! those three builds took more CPU than anything else the registry's size adds to a
//! `check` but parsing it. The index copies the names once, into one buffer, and hashes
//! small slots that point into it: no allocation per table, and a lookup reads one
//! slot and then the name's bytes, as a map of boxed names did.

use super::Service;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// One `owns` entry: where its folded name stands in [`TableIndex::names`], and whose
/// entry it is. `u32`: a registry is at most 16 MiB (`MAX_REGISTRY_BYTES`), and
/// folding a name to lower case at most triples its bytes.
#[derive(Clone, Copy, Debug)]
struct Slot {
    start: u32,
    len: u32,
    service: u32,
    entry: u32,
    /// Another service owns a table of this name too.
    shared: bool,
}

/// The `owns` entries of every service, by their folded name ([`super::TableKey`]'s
/// `name`). Empty names are left out.
#[derive(Clone, Debug, Default)]
pub struct TableIndex {
    /// Every name, one after the other, in registry order.
    names: String,
    /// Where each name of `names` ends, and its service: for reading them all in
    /// order, which is faster than through the hash table's slots.
    ends: Vec<(u32, u32)>,
    slots: HashTable<Slot>,
    hasher: foldhash::fast::RandomState,
    /// `(service, entry)` of each entry whose name an earlier entry (in registry
    /// order) has too, in registry order: the only entries that can repeat a table.
    repeated: Vec<(usize, usize)>,
}

impl TableIndex {
    /// The index of the services' `owns` entries.
    pub fn new(services: &[Service]) -> TableIndex {
        let count = services.iter().map(|s| s.owns.len()).sum();
        let entries = services.iter().enumerate().flat_map(|(si, svc)| {
            svc.owns
                .iter()
                .enumerate()
                .map(move |(ti, t)| (si, ti, t.key.name.as_str()))
        });
        TableIndex::build(count, entries)
    }

    /// The index of `(service, entry, folded name)` triples, given in registry order.
    #[cfg(test)]
    pub fn of<'a>(entries: impl IntoIterator<Item = (usize, usize, &'a str)>) -> TableIndex {
        TableIndex::build(0, entries)
    }

    /// The index of `entries`, of which there are about `count`: sized once, since
    /// growing a table of 50,000 entries moves them a dozen times.
    fn build<'a>(
        count: usize,
        entries: impl IntoIterator<Item = (usize, usize, &'a str)>,
    ) -> TableIndex {
        let mut index = TableIndex {
            slots: HashTable::with_capacity(count),
            ends: Vec::with_capacity(count),
            ..TableIndex::default()
        };
        for (si, ti, name) in entries {
            let (Ok(start), Ok(len), Ok(service), Ok(entry)) = (
                u32::try_from(index.names.len()),
                u32::try_from(name.len()),
                u32::try_from(si),
                u32::try_from(ti),
            ) else {
                // Past the registry's size limit: not reachable from a loaded registry.
                continue;
            };
            if name.is_empty() {
                continue;
            }
            index.names.push_str(name);
            index.ends.push((start + len, service));
            let hash = index.hasher.hash_one(name.as_bytes());
            let mut slot = Slot {
                start,
                len,
                service,
                entry,
                shared: false,
            };
            let (names, hasher) = (&index.names, &index.hasher);
            let rehash = |s: &Slot| hasher.hash_one(text_of(names, s));
            let same = |s: &Slot| text_of(names, s) == name.as_bytes();
            if index.slots.find(hash, same).is_some() {
                index.repeated.push((si, ti));
                // Rare (a name several entries share): every entry of the name learns
                // whether another service has it.
                slot.shared = (index.slots.iter_hash(hash))
                    .filter(|s| same(s))
                    .any(|s| s.shared || s.service != service);
                if slot.shared {
                    for s in index.slots.iter_hash_mut(hash).filter(|s| same(s)) {
                        s.shared = true;
                    }
                }
            }
            index.slots.insert_unique(hash, slot, rehash);
        }
        index
    }

    /// `(service, entry)` of every entry whose folded name is `name`, in no particular
    /// order.
    pub fn owners<'a>(&'a self, name: &'a [u8]) -> impl Iterator<Item = (usize, usize)> + 'a {
        self.slots
            .iter_hash(self.hash(name))
            .filter(move |s| text_of(&self.names, s) == name)
            .map(|s| (s.service as usize, s.entry as usize))
    }

    /// Who owns the table called `name`, whose [`TableIndex::hash`] is `hash`: `None`
    /// when nobody does, `Some(Some(service))` when that service alone does (in one
    /// entry or several), `Some(None)` when several services do. One probe: the
    /// question the scan's prefilter asks of nearly every name it meets.
    #[inline]
    pub fn owner_hashed(&self, hash: u64, name: &[u8]) -> Option<Option<usize>> {
        self.slots
            .find(hash, |s| text_of(&self.names, s) == name)
            .map(|s| (!s.shared).then_some(s.service as usize))
    }

    /// The hash the index files `name` under, for a caller that looks the same bytes
    /// up in a table of its own as well, hashed the same way.
    #[inline]
    pub fn hash(&self, name: &[u8]) -> u64 {
        self.hasher.hash_one(name)
    }

    /// `(service, entry)` of each entry whose name an earlier entry has too, in
    /// registry order.
    pub fn repeated(&self) -> &[(usize, usize)] {
        &self.repeated
    }

    /// Every entry's folded name and service, in registry order.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (&str, usize)> {
        let mut start = 0;
        self.ends.iter().map(move |&(end, service)| {
            let name = self.names.get(start..end as usize).unwrap_or_default();
            start = end as usize;
            (name, service as usize)
        })
    }
}

/// The name a slot points at.
#[inline]
fn text_of<'a>(names: &'a str, slot: &Slot) -> &'a [u8] {
    let start = slot.start as usize;
    names
        .as_bytes()
        .get(start..start + slot.len as usize)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut v: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
        v.sort_unstable();
        v
    }

    #[test]
    fn finds_every_owner_of_a_name_and_only_its_own() {
        let index = TableIndex::of([
            (0, 0, "orders"),
            (0, 1, "order_items"),
            (1, 0, "users"),
            (1, 1, "orders"),
            (2, 0, ""),
            (2, 1, "orders"),
        ]);
        let owners = |name: &str| sorted(index.owners(name.as_bytes()).collect());
        assert_eq!(owners("orders"), [(0, 0), (1, 1), (2, 1)]);
        assert_eq!(owners("order_items"), [(0, 1)]);
        assert_eq!(owners("users"), [(1, 0)]);
        // Whole names only, and folded ones: the caller folds.
        assert_eq!(owners("order"), []);
        assert_eq!(owners("orders_x"), []);
        assert_eq!(owners("ORDERS"), []);
        assert_eq!(owners(""), []);
        // Later entries of a name already seen, in order; the empty name is not one.
        assert_eq!(index.repeated(), [(1, 1), (2, 1)]);
        // Every entry but the empty one, in registry order.
        let entries: Vec<(&str, usize)> = index.entries().collect();
        let want = [
            ("orders", 0),
            ("order_items", 0),
            ("users", 1),
            ("orders", 1),
            ("orders", 2),
        ];
        assert_eq!(entries, want);
    }

    #[test]
    fn a_name_is_shared_once_another_service_owns_it() {
        let index = TableIndex::of([(0, 0, "orders"), (0, 1, "orders"), (1, 0, "items")]);
        let owner = |n: &str| index.owner_hashed(index.hash(n.as_bytes()), n.as_bytes());
        // Listed twice by one service: still that service's alone.
        assert_eq!(owner("orders"), Some(Some(0)));
        assert_eq!(owner("items"), Some(Some(1)));
        assert_eq!(owner("item"), None);
        // Whichever entry of a name the lookup meets first, each knows it is shared:
        // the first of each pair too, though it was filed before the second.
        let names: Vec<String> = (0..1_000).map(|i| format!("t{i}")).collect();
        let pairs = names.iter().enumerate().flat_map(|(i, n)| {
            [
                (0, i, n.as_str()),
                (0, i + 1_000, n.as_str()),
                (1 + i % 3, i, n.as_str()),
            ]
        });
        let index = TableIndex::of(pairs);
        for n in &names {
            let owner = index.owner_hashed(index.hash(n.as_bytes()), n.as_bytes());
            assert_eq!(owner, Some(None), "{n}");
        }
    }

    #[test]
    fn many_names_each_found_once() {
        let names: Vec<String> = (0..5_000).map(|i| format!("t{i}")).collect();
        let index = TableIndex::of(
            names
                .iter()
                .enumerate()
                .map(|(i, n)| (i % 7, i, n.as_str())),
        );
        for (i, n) in names.iter().enumerate() {
            assert_eq!(index.owners(n.as_bytes()).collect::<Vec<_>>(), [(i % 7, i)]);
        }
        assert!(index.repeated().is_empty());
        assert_eq!(index.entries().len(), names.len());
    }
}
