//! Text assembled from pieces of a source file: string literals (possibly joined with
//! `+` or by adjacency) whose decoded contents are analysed as SQL.
//!
//! A decoded literal does not line up byte for byte with the file (escapes, joins,
//! template holes), so every piece remembers where it came from. Offsets found in the
//! assembled text map back to the file, so a finding's label sits on the table name
//! in the source, not at the start of the literal.

/// A piece of assembled text and where it starts in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Piece {
    /// Offset of the piece in [`Embedded::text`].
    text_start: usize,
    /// Offset in the file of the piece's first byte.
    file_start: usize,
    /// True when the piece is a verbatim copy of the file (offsets inside it map 1:1).
    verbatim: bool,
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
        self.push(text, file_start, true);
    }

    /// Appends decoded text (escapes resolved) of a literal whose contents start at
    /// `file_start`; offsets inside it map to `file_start`.
    pub fn push_decoded(&mut self, text: &str, file_start: usize) {
        self.push(text, file_start, false);
    }

    /// Appends a placeholder for a template hole (`${x}`, `{x}`, `%s`) at `file_start`.
    /// The placeholder is an identifier-like token so the SQL still parses.
    pub fn push_hole(&mut self, placeholder: &str, file_start: usize) {
        self.push(placeholder, file_start, false);
    }

    fn push(&mut self, text: &str, file_start: usize, verbatim: bool) {
        self.pieces.push(Piece {
            text_start: self.text.len(),
            file_start,
            verbatim,
        });
        self.text.push_str(text);
    }

    /// The assembled text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Maps an offset in [`Self::text`] to an offset in the file.
    pub fn file_offset(&self, text_offset: usize) -> usize {
        let idx = self
            .pieces
            .partition_point(|p| p.text_start <= text_offset)
            .saturating_sub(1);
        match self.pieces.get(idx) {
            Some(p) if p.verbatim => p.file_start + (text_offset - p.text_start),
            Some(p) => p.file_start,
            None => 0,
        }
    }

    /// Maps an access found in [`Self::text`] back onto the file.
    pub fn relocate(&self, mut access: crate::model::Access) -> crate::model::Access {
        let verbatim_end = self.file_offset(access.offset);
        let start = verbatim_end;
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
    use crate::model::{Access, AccessKind, TableRef};

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
}
