//! The escape sequences Python and Ruby spell alike. Each language's decoder matches
//! the byte after the backslash and answers most arms with these; the decoded text is
//! what the SQL analysis reads, mapped back to the escape's offset.

/// A decoded escape: its text and the offset after the sequence.
pub type Decoded = (String, usize);

/// The byte after the backslash at `j`, when it is inside the literal (before `end`).
pub fn escaped(b: &[u8], j: usize, end: usize) -> Option<u8> {
    b.get(j + 1).copied().filter(|_| j + 1 < end)
}

/// A backslash that ends the literal stands for itself.
pub fn lone(j: usize) -> Decoded {
    ("\\".to_string(), j + 1)
}

/// A two-byte escape (`\n`) standing for `text`.
pub fn simple(text: &str, j: usize) -> Decoded {
    (text.to_string(), j + 2)
}

/// `\xHH`, `\uHHHH`, `\UHHHHHHHH` at `j`: `want` hex digits after the letter; a short
/// or invalid run reads as `?`.
pub fn hex(src: &str, j: usize, want: usize, end: usize) -> Decoded {
    let digits = src.get(j + 2..(j + 2 + want).min(end)).unwrap_or("");
    match u32::from_str_radix(digits, 16)
        .ok()
        .and_then(char::from_u32)
    {
        Some(ch) if digits.len() == want => (ch.to_string(), j + 2 + want),
        _ => simple("?", j),
    }
}

/// `\N{NAME}`, `\u{HHHH}`: one character, read as `?`, up to the closing brace.
pub fn braced(src: &str, j: usize, end: usize) -> Decoded {
    let close = src[j..end].find('}').map_or(end, |p| j + p + 1);
    ("?".to_string(), close)
}
