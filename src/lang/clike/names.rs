//! Table names written in strings and code: a possibly qualified, possibly quoted
//! name at the start of assembled text (ORM mappings such as `@Table("s.t")`,
//! `ToTable("t")`).

use crate::lang::embedded::Embedded;
use crate::lang::sql;
use crate::model::{Access, AccessKind, TableRef};

/// One part of a qualified name found in text.
pub(super) struct NamePart {
    pub(super) value: String,
    pub(super) quoted: bool,
    pub(super) offset: usize,
    pub(super) len: usize,
}

/// Parses the first word of `s` as `[db.][schema.]name`, each part bare or quoted with
/// `"`, backquotes or `[]`. What follows must be nothing or whitespace (an alias).
pub(super) fn qualified_name(s: &str) -> Option<Vec<NamePart>> {
    let b = s.as_bytes();
    let mut k = b.iter().position(|c| !c.is_ascii_whitespace())?;
    let mut parts = Vec::new();
    loop {
        let close = match b.get(k) {
            Some(b'"') => Some(b'"'),
            Some(b'`') => Some(b'`'),
            Some(b'[') => Some(b']'),
            _ => None,
        };
        let part = if let Some(close) = close {
            let end = k + 1 + b.get(k + 1..)?.iter().position(|&c| c == close)?;
            let p = NamePart {
                value: s.get(k + 1..end)?.to_string(),
                quoted: true,
                offset: k + 1,
                len: end - k - 1,
            };
            k = end + 1;
            p
        } else {
            let start = k;
            while b
                .get(k)
                .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80)
            {
                k += 1;
            }
            let word = s.get(start..k)?;
            if word.is_empty() || word.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            NamePart {
                value: word.to_string(),
                quoted: false,
                offset: start,
                len: k - start,
            }
        };
        if part.value.is_empty() {
            return None;
        }
        parts.push(part);
        if b.get(k) == Some(&b'.') && parts.len() < 3 {
            k += 1;
            continue;
        }
        break;
    }
    match b.get(k) {
        None => Some(parts),
        Some(c) if c.is_ascii_whitespace() => Some(parts),
        Some(_) => None,
    }
}

/// The table named by assembled text, relocated onto the file.
pub(super) fn table_in_text(emb: &Embedded, kind: AccessKind) -> Option<Access> {
    let mut parts = qualified_name(emb.text())?;
    if parts.iter().any(|p| p.value.contains(sql::HOLE)) {
        return None;
    }
    let last = parts.pop()?;
    let schema = parts.pop().map(|p| p.value);
    let database = parts.pop().map(|p| p.value);
    let table = TableRef {
        database,
        schema,
        name: last.value,
        quoted: last.quoted,
    };
    Some(emb.relocate(Access::table(kind, table, last.offset, last.len)))
}
