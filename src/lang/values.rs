//! Constants that hold table names, across the files of a package.
//!
//! Code often keeps a table's name in a package-level constant and fills it into its
//! queries in another file (`const OrdersTable = "orders"` in `tables.go`,
//! `fmt.Sprintf("SELECT * FROM %s", OrdersTable)` in `repo.go`). Extraction stays
//! pure per file: an extractor reports the constants its file defines at package
//! level ([`Define`]) and the names it could not find a value for ([`Values::open`]);
//! the scan gathers the definitions of each package and hands a file the ones of its
//! package ([`Known`]) when it extracts it again. A name nobody defines stays a hole:
//! no value is ever guessed.

use std::collections::HashMap;

/// A constant a file defines at package level, which other files of its package may
/// use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Define {
    /// The name other files use: `ORDERS`, or `Tables.ORDERS` for a class member.
    pub name: String,
    /// The decoded value.
    pub value: String,
    /// Byte range of the value's literal in the defining file.
    pub offset: usize,
    pub len: usize,
    /// A variable (Go `var`): an assignment in any file of the package undoes it.
    pub var: bool,
}

/// What a file tells about its package's constants.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Values {
    /// The package the file declares (Go `package orders`, Java `package a.b;`):
    /// files of one directory share constants only within one declared package.
    pub unit: Option<String>,
    /// Package-level constants whose value may be a table name.
    pub defines: Vec<Define>,
    /// Names assigned after a declaration (a Go `var` set in a function): a
    /// package-level variable of that name is no constant, in any file of the package.
    pub assigned: Vec<String>,
    /// Names the file uses where SQL text was needed, without a value in the file:
    /// the holes another file of its package may fill.
    pub open: Vec<String>,
}

impl Define {
    /// A constant (never a variable) named `name` whose literal spans `at`.
    pub fn constant(name: String, value: String, at: std::ops::Range<usize>) -> Define {
        Define {
            name,
            value,
            offset: at.start,
            len: at.len(),
            var: false,
        }
    }
}

impl Values {
    /// What a file tells about its constants: `defines`, and the names it used without
    /// a value, each once and sorted, however often and in what order it used them.
    pub fn new(defines: Vec<Define>, mut open: Vec<String>) -> Values {
        open.sort();
        open.dedup();
        Values {
            defines,
            open,
            ..Values::default()
        }
    }
}

/// The constants of a file's package defined in its other files, by name: the value
/// and the index the scan knows the definition by.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Known {
    map: HashMap<String, (String, usize)>,
}

impl Known {
    /// Adds a definition under `name` with the scan's index `id`.
    pub fn insert(&mut self, name: &str, value: &str, id: usize) {
        self.map.insert(name.to_string(), (value.to_string(), id));
    }

    /// The value of `name` and its definition's index.
    pub fn get(&self, name: &str) -> Option<(&str, usize)> {
        self.map.get(name).map(|(v, id)| (v.as_str(), *id))
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// True when `value` may stand for a table: a possibly qualified name (`orders`,
/// `billing.invoices`, `"Orders"`), nothing more. Only such values are handed to other
/// files: a constant holding prose, a whole query or a fragment is used where it is
/// defined.
pub fn is_name(value: &str) -> bool {
    let parts: Vec<&str> = value.split('.').collect();
    !value.is_empty()
        && parts.len() <= 3
        && parts.iter().all(|p| {
            let p = p
                .strip_prefix(['"', '`'])
                .and_then(|q| q.strip_suffix(['"', '`']))
                .unwrap_or(p);
            let mut bytes = p.bytes();
            bytes
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_' || c >= 0x80)
                && bytes.all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_not_names() {
        for yes in [
            "orders",
            "billing.invoices",
            "\"Orders\"",
            "db.s.t",
            "order_items2",
        ] {
            assert!(is_name(yes), "{yes}");
        }
        for no in [
            "",
            "the orders you want",
            "SELECT * FROM orders",
            "orders o",
            "a.b.c.d",
            "1orders",
            "orders;",
            ".orders",
        ] {
            assert!(!is_name(no), "{no}");
        }
    }

    #[test]
    fn open_names_are_sorted_once() {
        let open = ["b", "a", "b"].map(String::from).to_vec();
        let v = Values::new(Vec::new(), open);
        assert_eq!(v.open, ["a", "b"]);
        assert_eq!(v.unit, None);
        assert!(v.assigned.is_empty());
    }

    #[test]
    fn known_values() {
        let mut k = Known::default();
        assert!(k.is_empty());
        k.insert("ORDERS", "orders", 3);
        assert_eq!(k.get("ORDERS"), Some(("orders", 3)));
        assert_eq!(k.get("orders"), None);
    }
}
