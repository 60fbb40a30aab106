//! Rust string literals decoded (escapes, raw strings, line continuations) with a map
//! from the decoded text back to the file, so that an access found in a literal points
//! at the bytes it was written as.

use std::ops::Range;

use crate::lang::embedded::Embedded;

/// A string literal's decoded contents, with a map back to the file.
#[derive(Clone, Debug, Default)]
pub(super) struct Decoded {
    pub(super) text: String,
    /// Runs of the decoded text: (start in `text`, start in the file, verbatim).
    pub(super) runs: Vec<(usize, usize, bool)>,
    /// Byte range of the contents (inside the quotes) in the file.
    pub(super) content: Range<usize>,
}

impl Decoded {
    /// Appends `self.text[range]` to `emb`, keeping exact offsets for verbatim runs.
    pub(super) fn push_range(&self, emb: &mut Embedded, range: Range<usize>) {
        for (k, &(run_start, file_start, verbatim)) in self.runs.iter().enumerate() {
            let run_end = self.runs.get(k + 1).map_or(self.text.len(), |r| r.0);
            let (s, e) = (range.start.max(run_start), range.end.min(run_end));
            if s >= e {
                continue;
            }
            let Some(piece) = self.text.get(s..e) else {
                continue;
            };
            if verbatim {
                emb.push_verbatim(piece, file_start + (s - run_start));
            } else {
                emb.push_decoded(piece, file_start);
            }
        }
    }

    pub(super) fn push_all(&self, emb: &mut Embedded) {
        self.push_range(emb, 0..self.text.len());
    }

    /// File offset of byte `k` of the decoded text.
    pub(super) fn file_offset(&self, k: usize) -> usize {
        let idx = self.runs.partition_point(|r| r.0 <= k).saturating_sub(1);
        match self.runs.get(idx) {
            Some(&(text_start, file_start, true)) => file_start + k.saturating_sub(text_start),
            Some(&(_, file_start, false)) => file_start,
            None => self.content.start,
        }
    }
}

/// Decodes a string literal written as `repr` at file offset `start`; `None` for other
/// literals (numbers, chars, byte and C strings).
pub(super) fn decode(repr: &str, start: usize) -> Option<Decoded> {
    if let Some(rest) = repr.strip_prefix('r') {
        let hashes = rest.len() - rest.trim_start_matches('#').len();
        let open = 1 + hashes + 1;
        let body = repr.get(open..)?;
        let close = body.rfind('"')?;
        let content = &body[..close];
        let file = start + open;
        return Some(Decoded {
            text: content.to_string(),
            runs: vec![(0, file, true)],
            content: file..file + content.len(),
        });
    }
    let body = repr.strip_prefix('"')?;
    let close = body.rfind('"')?;
    let content = &body[..close];
    let file = start + 1;
    let mut d = Decoded {
        content: file..file + content.len(),
        ..Decoded::default()
    };
    let bytes = content.as_bytes();
    let mut i = 0;
    let mut run_open = false;
    while i < content.len() {
        if bytes[i] != b'\\' {
            if !run_open {
                d.runs.push((d.text.len(), file + i, true));
                run_open = true;
            }
            let ch_len = content[i..].chars().next().map_or(1, char::len_utf8);
            d.text.push_str(&content[i..i + ch_len]);
            i += ch_len;
            continue;
        }
        run_open = false;
        let esc_start = i;
        let next = bytes.get(i + 1).copied();
        i += 2;
        // An unknown escape (`"\q"`, `"\é"`, which the lexer lets through) is skipped
        // whole, up to the next character.
        while i < content.len() && !content.is_char_boundary(i) {
            i += 1;
        }
        let decoded: Option<char> = match next {
            Some(b'n') => Some('\n'),
            Some(b'r') => Some('\r'),
            Some(b't') => Some('\t'),
            Some(b'0') => Some('\0'),
            Some(b'\\') => Some('\\'),
            Some(b'\'') => Some('\''),
            Some(b'"') => Some('"'),
            Some(b'x') => {
                let hex = content.get(i..i + 2).unwrap_or("");
                i += hex.len();
                u8::from_str_radix(hex, 16).ok().map(char::from)
            }
            Some(b'u') => {
                let rest = &content[i.min(content.len())..];
                match rest.find('}') {
                    Some(end) if rest.starts_with('{') => {
                        i += end + 1;
                        u32::from_str_radix(&rest[1..end].replace('_', ""), 16)
                            .ok()
                            .and_then(char::from_u32)
                    }
                    _ => None,
                }
            }
            Some(b'\n' | b'\r') => {
                // Line continuation: the newline and the next line's indentation vanish.
                while let Some(c) = content[i.min(content.len())..].chars().next() {
                    if !c.is_whitespace() {
                        break;
                    }
                    i += c.len_utf8();
                }
                None
            }
            _ => None,
        };
        if let Some(c) = decoded {
            d.runs.push((d.text.len(), file + esc_start, false));
            d.text.push(c);
        }
        i = i.min(content.len());
    }
    Some(d)
}

pub(super) fn is_string_lit(repr: &str) -> bool {
    repr.starts_with('"') || repr.starts_with("r\"") || repr.starts_with("r#")
}

/// An identifier without its `r#` prefix.
pub(super) fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}
