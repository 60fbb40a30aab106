//! Where the entries of a service's `owns` list stand, found in the registry's text on
//! demand, from where the list starts.
//!
//! Why not from the parser: most entries of a large registry are `owns` entries, and
//! a spanned string costs more than a plain one to deserialize (on the benchmark's
//! 50,000-table registry, the spans were 0.07 G instructions, a sixth of all that
//! the 50,000 tables add to a `check`), while only the few entries a finding points at
//! are ever shown. So the loader keeps the span of
//! each list and the entries as plain strings, and this module walks the list's text
//! when a finding needs an entry: block (`- orders`) and flow (`[orders, "items"]`)
//! lists, plain and simply quoted names, comments and blank lines. Anything else
//! (anchors, aliases, tags, escapes, names folded over several lines) gives `None`,
//! and so does text that does not read exactly the entries the parser returned; the
//! caller then points at the list itself. Every location returned is checked against
//! the text, so a wrong one is never shown.

/// The byte range of each entry of the sequence whose node starts at `start` in
/// `text`, in order: `None` for an entry written in a way this does not follow, and
/// for every entry after one it cannot step over (an anchor, a tag, a plain name
/// that does not read the entry).
pub fn sequence_entries<S: AsRef<str>>(
    text: &str,
    start: usize,
    entries: &[S],
) -> Vec<Option<(usize, usize)>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(entries.len());
    let flow = bytes.get(start) == Some(&b'[');
    let mut at = start + usize::from(flow);
    // A block sequence not indented under its key (`owns:\n- orders`) starts, for
    // the parser, at its first entry rather than at the dash before it.
    if !flow && bytes.get(at) != Some(&b'-') {
        let before = text.get(..at).unwrap_or("").trim_end_matches([' ', '\t']);
        if before.ends_with('-') {
            at = before.len() - 1;
        }
    }
    for (i, entry) in entries.iter().enumerate() {
        at = skip_blank(bytes, at);
        if !flow {
            if bytes.get(at) != Some(&b'-') || !bytes.get(at + 1).is_some_and(|b| is_space(*b)) {
                break;
            }
            at = skip_spaces(bytes, at + 1);
        }
        let Some((range, end)) = scalar(text, at, entry.as_ref(), if flow { b",]" } else { b"" })
        else {
            break;
        };
        out.push(range);
        at = skip_spaces(bytes, end);
        let next = bytes.get(at).copied();
        let fits = if flow {
            // A trailing comma before `]` is allowed.
            next == Some(b',') || (i + 1 == entries.len() && next == Some(b']'))
        } else {
            matches!(next, None | Some(b'\n' | b'\r' | b'#'))
        };
        if !fits {
            out.pop();
            break;
        }
        at += usize::from(flow);
    }
    out.resize(entries.len(), None);
    out
}

/// The scalar at `at` and where it ends: its range (quotes included, as the parser
/// gives it) if it reads `entry`, `None` inside for a quoted scalar that does not
/// (its escapes are not decoded here). A plain scalar ends at a line end, at ` #`,
/// or in a flow sequence at one of `stops`; one that does not read `entry`, and any
/// other node, is not stepped over.
fn scalar(
    text: &str,
    at: usize,
    entry: &str,
    stops: &[u8],
) -> Option<(Option<(usize, usize)>, usize)> {
    let bytes = text.as_bytes();
    match *bytes.get(at)? {
        quote @ (b'"' | b'\'') => {
            let mut end = at + 1;
            // The closing quote: in double quotes one that is not escaped, in single
            // quotes one that is not doubled.
            loop {
                match *bytes.get(end)? {
                    b'\\' if quote == b'"' => end += 2,
                    b'\'' if quote == b'\'' && bytes.get(end + 1) == Some(&b'\'') => end += 2,
                    b if b == quote => break,
                    _ => end += 1,
                }
            }
            let inner = text.get(at + 1..end)?;
            let plain = !inner.contains(['\\', '\'', '\n', '\r']);
            let range = (plain && inner == entry).then_some((at, end + 1 - at));
            Some((range, end + 1))
        }
        b'&' | b'*' | b'!' | b'|' | b'>' | b'[' | b'{' | b'?' | b'#' => None,
        _ => {
            let mut end = at;
            while let Some(&b) = bytes.get(end) {
                let comment = b == b'#' && end > at && is_space(bytes[end - 1]);
                if b == b'\n' || b == b'\r' || comment || stops.contains(&b) {
                    break;
                }
                end += 1;
            }
            let value = text.get(at..end)?.trim_end_matches([' ', '\t']);
            (value == entry).then_some((Some((at, value.len())), at + value.len()))
        }
    }
}

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn skip_spaces(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|b| is_space(*b)) {
        at += 1;
    }
    at
}

/// Skips spaces, line breaks and comments.
fn skip_blank(bytes: &[u8], mut at: usize) -> usize {
    loop {
        match bytes.get(at) {
            Some(b' ' | b'\t' | b'\n' | b'\r') => at += 1,
            Some(b'#') => {
                while bytes.get(at).is_some_and(|b| *b != b'\n') {
                    at += 1;
                }
            }
            _ => return at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_saphyr::Spanned;

    /// The same list read twice by serde-saphyr: with a span per entry (what the
    /// loader used to keep), and as the plain strings plus the list's own span.
    #[derive(Deserialize)]
    struct Spans {
        owns: Vec<Spanned<String>>,
    }
    #[derive(Deserialize)]
    struct Plain {
        owns: Spanned<Vec<String>>,
    }

    fn parser_ranges(yaml: &str) -> Vec<(usize, usize)> {
        let spans: Spans = serde_saphyr::from_str(yaml).expect("valid YAML");
        spans
            .owns
            .iter()
            .map(|s| {
                let span = s.referenced.span();
                let offset = span.byte_offset().expect("byte offset") as usize;
                (offset, span.byte_len().expect("byte length") as usize)
            })
            .collect()
    }

    fn located(yaml: &str) -> Vec<Option<(usize, usize)>> {
        let plain: Plain = serde_saphyr::from_str(yaml).expect("valid YAML");
        let start = plain.owns.referenced.span().byte_offset().expect("offset") as usize;
        sequence_entries(yaml, start, &plain.owns.value)
    }

    #[test]
    fn agrees_with_the_parser_on_the_shapes_it_follows() {
        let cases = [
            "owns:\n  - orders\n  - order_items\n",
            "owns:\n- orders\n- order_items\n",
            "owns:\n  - orders   # the main table\n\n  # moved here in 2024\n  - billing.invoices\n",
            "owns:\n  - \"orders\"\n  - 'order_items'\n",
            "owns: [orders, order_items]\n",
            "owns: [ orders , 'items' ,\"x\" ]\n",
            "owns:\n  [orders,\n   # legacy\n   order_items,]\n",
            "owns: []\n",
            "owns:\n  - orders\nteam: x\n",
            "owns:\n  -\torders\n",
            "owns:\n  - order#1\n",
            "owns:\r\n  - orders\r\n  - items\r\n",
        ];
        for yaml in cases {
            let want: Vec<_> = parser_ranges(yaml).into_iter().map(Some).collect();
            assert_eq!(located(yaml), want, "{yaml:?}");
        }
    }

    #[test]
    fn gives_up_on_shapes_it_does_not_follow() {
        // (YAML, which entries are located)
        let cases: [(&str, &[bool]); 7] = [
            // An anchor, an alias and a tag: nothing after them either.
            ("owns:\n  - &t orders\n  - *t\n", &[false, false]),
            (
                "owns:\n  - a\n  - !!str orders\n  - c\n",
                &[true, false, false],
            ),
            // Escapes and doubled quotes change the value: stepped over.
            ("owns:\n  - \"ord\\u0065rs\"\n  - b\n", &[false, true]),
            ("owns: ['it''s', b]\n", &[false, true]),
            ("owns: [\"a\\\"b\", c]\n", &[false, true]),
            // A plain name folded over two lines, and a block scalar.
            ("owns:\n  - orders\n    archive\n  - b\n", &[false, false]),
            ("owns:\n  - >\n    orders\n", &[false]),
        ];
        for (yaml, want) in cases {
            let got: Vec<bool> = located(yaml).iter().map(Option::is_some).collect();
            assert_eq!(got, want, "{yaml:?}");
            let parser = parser_ranges(yaml);
            for (range, parsed) in located(yaml).iter().zip(&parser) {
                if let Some(range) = range {
                    assert_eq!(range, parsed, "{yaml:?}");
                }
            }
        }
    }

    #[test]
    fn text_that_does_not_read_the_entries_gives_none() {
        let yaml = "owns:\n  - orders\n  - items\n";
        let entries = ["orders".to_string(), "payments".to_string()];
        assert_eq!(sequence_entries(yaml, 8, &entries), [Some((10, 6)), None]);
        // Past the end of the text, or at a node that is no sequence.
        assert_eq!(
            sequence_entries(yaml, yaml.len() + 5, &entries),
            [None, None]
        );
        assert_eq!(sequence_entries(yaml, 0, &entries), [None, None]);
    }
}
