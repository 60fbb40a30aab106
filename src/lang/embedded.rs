//! Text assembled from pieces of a source file: string literals (possibly joined with
//! `+` or by adjacency) whose decoded contents are analysed as SQL.
//!
//! A decoded literal does not line up byte for byte with the file (escapes, joins,
//! template holes), so every piece remembers where it came from. Offsets found in the
//! assembled text map back to the file, so a finding's label sits on the table name
//! in the source, not at the start of the literal.
//!
//! A constant's value filled into the text (`"FROM " + ORDERS_TABLE`,
//! `fmt.Sprintf("FROM %s", ordersTable)`) is a piece of its own: a name found in it
//! maps to where the query uses the constant, and carries the constant's
//! [`Origin`], so the finding points at the query and a related label at the
//! definition.

use crate::model::{Access, Origin};

/// How offsets inside a piece map to the file.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// A verbatim copy of the file: offsets inside it map 1:1.
    Verbatim,
    /// Decoded text or a placeholder: every offset maps to the piece's start.
    Decoded,
    /// A constant's value used at `file_start..file_start + len` (the name, the
    /// template hole or the format argument).
    Value { len: usize, origin: Box<Origin> },
}

/// A piece of assembled text and where it starts in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Piece {
    /// Offset of the piece in [`Embedded::text`].
    text_start: usize,
    /// Offset in the file of the piece's first byte.
    file_start: usize,
    kind: Kind,
}

/// Text built from one or more literals, with a map back to file offsets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Embedded {
    text: String,
    pieces: Vec<Piece>,
}

impl Embedded {
    /// An empty text.
    pub fn new() -> Self {
        Self::default()
    }

    /// A single literal whose decoded contents equal the file's bytes at `file_start`.
    pub fn verbatim(text: &str, file_start: usize) -> Self {
        let mut e = Self::new();
        e.push_verbatim(text, file_start);
        e
    }

    /// Appends text copied unchanged from the file at `file_start`.
    pub fn push_verbatim(&mut self, text: &str, file_start: usize) {
        self.push(text, file_start, Kind::Verbatim);
    }

    /// Appends decoded text (escapes resolved) of a literal whose contents start at
    /// `file_start`; offsets inside it map to `file_start`.
    pub fn push_decoded(&mut self, text: &str, file_start: usize) {
        self.push(text, file_start, Kind::Decoded);
    }

    /// Appends a placeholder for a template hole (`${x}`, `{x}`, `%s`) at `file_start`.
    /// The placeholder is an identifier-like token so the SQL still parses.
    pub fn push_hole(&mut self, placeholder: &str, file_start: usize) {
        self.push(placeholder, file_start, Kind::Decoded);
    }

    /// Appends the value of a constant the code uses at `file_start..file_start +
    /// len`; a name found in it is reported there, with `origin`.
    pub fn push_value(&mut self, value: &str, file_start: usize, len: usize, origin: Origin) {
        let origin = Box::new(origin);
        self.push(value, file_start, Kind::Value { len, origin });
    }

    fn push(&mut self, text: &str, file_start: usize, kind: Kind) {
        self.pieces.push(Piece {
            text_start: self.text.len(),
            file_start,
            kind,
        });
        self.text.push_str(text);
    }

    /// The assembled text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The piece holding offset `text_offset` of [`Self::text`].
    fn piece(&self, text_offset: usize) -> Option<&Piece> {
        let idx = self
            .pieces
            .partition_point(|p| p.text_start <= text_offset)
            .saturating_sub(1);
        self.pieces.get(idx)
    }

    /// Maps an offset in [`Self::text`] to an offset in the file.
    pub fn file_offset(&self, text_offset: usize) -> usize {
        match self.piece(text_offset) {
            Some(p) if p.kind == Kind::Verbatim => p.file_start + (text_offset - p.text_start),
            Some(p) => p.file_start,
            None => 0,
        }
    }

    /// Maps an access found in [`Self::text`] back onto the file. A name that starts
    /// in a constant's value is reported where the code uses the constant, with the
    /// constant as its origin.
    pub fn relocate(&self, mut access: Access) -> Access {
        if let Some(Piece {
            file_start,
            kind: Kind::Value { len, origin },
            ..
        }) = self.piece(access.offset)
        {
            access.offset = *file_start;
            access.len = (*len).max(1);
            access.origin = Some(origin.clone());
            return access;
        }
        let start = self.file_offset(access.offset);
        let end_text = access.offset + access.len;
        let end = self.file_offset(end_text.saturating_sub(1)) + 1;
        access.offset = start;
        access.len = if end > start { end - start } else { 1 };
        access
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AccessKind, Place, TableRef};

    #[test]
    fn maps_offsets_across_joined_pieces() {
        // "SELECT * " at 10, "FROM orders" at 40 (as if joined with `+`).
        let mut e = Embedded::new();
        e.push_verbatim("SELECT * ", 10);
        e.push_verbatim("FROM orders", 40);
        let at = e.text().find("orders").unwrap_or(0);
        let a = e.relocate(Access::table(
            AccessKind::Read,
            TableRef::bare("orders"),
            at,
            6,
        ));
        assert_eq!((a.offset, a.len), (45, 6));
    }

    #[test]
    fn decoded_pieces_map_to_their_start() {
        let mut e = Embedded::new();
        e.push_decoded("SELECT \"x\" FROM users", 100);
        assert_eq!(e.file_offset(17), 100);
    }

    #[test]
    fn names_in_a_value_map_to_its_use_with_the_origin() {
        // `"SELECT * FROM " + T` with the constant `T` used at 30 and defined at 5.
        let mut e = Embedded::new();
        e.push_verbatim("SELECT * FROM ", 10);
        let origin = Origin {
            name: "T".into(),
            place: Place::Here { offset: 5, len: 8 },
        };
        e.push_value("orders", 30, 1, origin.clone());
        let at = e.text().find("orders").unwrap_or(0);
        let a = e.relocate(Access::table(
            AccessKind::Read,
            TableRef::bare("orders"),
            at,
            6,
        ));
        assert_eq!((a.offset, a.len), (30, 1));
        assert_eq!(a.origin.as_deref(), Some(&origin));
        // Text around the value keeps its own offsets and no origin.
        let a = e.relocate(Access::table(AccessKind::Read, TableRef::bare("x"), 0, 6));
        assert_eq!((a.offset, a.origin), (10, None));
    }
}
