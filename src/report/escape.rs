//! The one way ownlint prints text that comes from its input (file names, registry
//! names, messages quoting either, code shown in snippets) to a terminal or a CI log.
//!
//! Why: in CI, a pull request's author chooses every file name and every registry
//! string. A newline in a name would start a new line of output, and a line that
//! begins (after any leading whitespace, which the runner strips) with `::` is a
//! GitHub Actions workflow command (`::add-mask::`, `::error::`, `::stop-commands::`);
//! ESC and BEL drive the terminal (clear the screen, retitle the window, hide text);
//! U+2028 and U+2029 end lines for some viewers; bidirectional overrides make text
//! read differently from what it is. So every printer passes input through [`text`]
//! (or, for code shown with its line structure, [`snippet`]), and the human printer
//! and the error report pass their rendered output through [`lines`] as a last guard
//! (miette wraps long messages, so a line could begin with `::` where input held a
//! space).

use std::borrow::Cow;

/// True for a character that is never printed as it is: the C0 and C1 control
/// characters (newline, carriage return, tab, ESC, BEL, NEL ...) and DEL, the line
/// and paragraph separators U+2028 and U+2029, and the bidirectional embeddings,
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the invisible direction
/// marks (U+061C, U+200E, U+200F).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every [`is_unsafe`] character written as Rust writes it in a string
/// (`\n`, `\r`, `\t`, `\u{1b}`, `\u{2028}`), so that it stays on one line and cannot
/// command the terminal or the CI runner. Text without one is returned as it is.
pub fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A file's text for a snippet: every [`is_unsafe`] character but the line ends
/// (`\n`, `\r`) and tab becomes `?` repeated to its length in bytes, so byte offsets
/// into the text (the labels') stay valid while nothing unsafe reaches the output.
/// The line ends stay: the snippet shows lines, each behind a gutter.
pub fn snippet(s: &str) -> Cow<'_, str> {
    let hidden = |c: char| is_unsafe(c) && !matches!(c, '\n' | '\r' | '\t');
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if hidden(c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text laid out by a renderer from input (the `graph` and `waves` text, Markdown,
/// Mermaid and DOT outputs), whose newlines and tabs are its own layout: every other
/// [`is_unsafe`] character is escaped as [`text`] escapes it, then [`lines`] guards
/// the line starts (a newline inside a name can split a line, never start a command).
pub fn layout(s: &str) -> Cow<'_, str> {
    let hidden = |c: char| is_unsafe(c) && !matches!(c, '\n' | '\t');
    if !s.chars().any(hidden) {
        return lines(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(lines(&out).into_owned())
}

/// The length of a line's leading whitespace, as a runner may strip it: Unicode
/// white space and the invisible U+200B and U+FEFF.
fn indent(line: &str) -> usize {
    line.len()
        - line
            .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '\u{200b}' | '\u{feff}'))
            .len()
}

/// Rendered output with no line that begins, after leading whitespace, with `::`:
/// such a line gets its first `:` written as `\u{3a}`. ownlint's human output never
/// means a workflow command; this catches one assembled by wrapping or layout from
/// escaped pieces.
pub fn lines(s: &str) -> Cow<'_, str> {
    let starts_command = |line: &str| line[indent(line)..].starts_with("::");
    if !s.split(['\n', '\r']).any(starts_command) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s;
    loop {
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let line = &rest[..end];
        if starts_command(line) {
            let indent = indent(line);
            out.push_str(&line[..indent]);
            out.push_str("\\u{3a}");
            out.push_str(&line[indent + 1..]);
        } else {
            out.push_str(line);
        }
        let Some(ending) = rest[end..].chars().next() else {
            break;
        };
        out.push(ending);
        rest = &rest[end + ending.len_utf8()..];
    }
    Cow::Owned(out)
}

/// JSON text (a report, a SARIF log) with every [`is_unsafe`] character that
/// serde_json leaves raw (DEL, the C1 controls, U+2028, U+2029 and the bidirectional
/// controls; it escapes the C0 controls itself) written as a `\uXXXX` escape. Such a
/// character can only stand inside a string of valid JSON, where the escape means the
/// same, so the document is unchanged for any reader while the log shows no raw
/// control. Bytes that are not UTF-8 are returned as they are.
///
/// A report is megabytes of ASCII, and decoding it character by character was most
/// of the time spent writing it, so bytes none of which can begin such a character
/// are returned first, after one memchr pass; [`json_escaped`] reads the rest.
pub fn json(bytes: &[u8]) -> Cow<'_, [u8]> {
    if !may_hold_raw(bytes) {
        return Cow::Borrowed(bytes);
    }
    json_escaped(bytes)
}

/// False when no byte of `bytes` can begin a character [`json`] escapes: DEL is
/// 0x7f, the C1 controls are encoded as 0xc2 0x80–0x9f, U+061C as 0xd8 0x9c, and
/// U+200E–U+200F, U+2028–U+202E and U+2066–U+2069 begin with 0xe2.
fn may_hold_raw(bytes: &[u8]) -> bool {
    memchr::memchr3(0x7f, 0xc2, 0xe2, bytes).is_some() || memchr::memchr(0xd8, bytes).is_some()
}

/// [`json`] for bytes that may hold a character to escape, by decoding them.
fn json_escaped(bytes: &[u8]) -> Cow<'_, [u8]> {
    let raw = |c: char| is_unsafe(c) && u32::from(c) >= 0x7f;
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Cow::Borrowed(bytes);
    };
    if !text.chars().any(raw) {
        return Cow::Borrowed(bytes);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if raw(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_every_unsafe_character_and_keeps_the_rest() {
        // (input, escaped)
        let cases = [
            ("services/orders/q.sql", "services/orders/q.sql"),
            ("a\nb", "a\\nb"),
            ("a\r\n::error::x", "a\\r\\n::error::x"),
            ("\x1b]0;owned\x07\x1b[2J", "\\u{1b}]0;owned\\u{7}\\u{1b}[2J"),
            ("tab\there", "tab\\there"),
            ("nul\0", "nul\\u{0}"),
            ("del\x7f", "del\\u{7f}"),
            ("nel\u{85}csi\u{9b}", "nel\\u{85}csi\\u{9b}"),
            ("ls\u{2028}ps\u{2029}", "ls\\u{2028}ps\\u{2029}"),
            ("rlo\u{202e}fdp.sql", "rlo\\u{202e}fdp.sql"),
            ("isolate\u{2066}x\u{2069}", "isolate\\u{2066}x\\u{2069}"),
            ("é ü 日本 ✓ `quoted` \\ 100%", "é ü 日本 ✓ `quoted` \\ 100%"),
            ("", ""),
        ];
        for (input, escaped) in cases {
            let got = text(input);
            assert_eq!(got, escaped, "{input:?}");
            assert!(!got.chars().any(is_unsafe), "{input:?}");
            assert_eq!(
                matches!(got, Cow::Borrowed(_)),
                input == escaped,
                "{input:?}"
            );
        }
    }

    #[test]
    fn snippets_keep_their_lines_and_their_byte_offsets() {
        // (input, shown)
        let cases = [
            ("SELECT 1;\n", "SELECT 1;\n"),
            ("a\x1b[2Jb\r\nc\td", "a?[2Jb\r\nc\td"),
            ("bel\x07\n", "bel?\n"),
            ("nel\u{85}x", "nel??x"),
            ("ls\u{2028}::error::x", "ls???::error::x"),
            ("日本\u{202e}", "日本???"),
        ];
        for (input, shown) in cases {
            let got = snippet(input);
            assert_eq!(got, shown, "{input:?}");
            assert_eq!(got.len(), input.len(), "{input:?}");
            for (i, _) in input.char_indices() {
                assert!(got.is_char_boundary(i), "{input:?} at {i}");
            }
        }
    }

    #[test]
    fn layout_keeps_its_line_breaks_and_escapes_the_rest() {
        // (rendered, shown)
        let cases = [
            ("a\n  b\tc\n", "a\n  b\tc\n"),
            ("svc\r::error::x\n", "svc\\r::error::x\n"),
            ("a \x1b[2J\u{2028}b\n", "a \\u{1b}[2J\\u{2028}b\n"),
            ("a\n::add-mask::x\n", "a\n\\u{3a}:add-mask::x\n"),
        ];
        for (rendered, shown) in cases {
            assert_eq!(layout(rendered), shown, "{rendered:?}");
        }
    }

    #[test]
    fn json_escapes_what_serde_json_leaves_raw_and_means_the_same() {
        for name in [
            "plain",
            "ls\u{2028}ps\u{2029}",
            "del\x7f nel\u{85} csi\u{9b}",
            "rlo\u{202e}x\u{2066}",
            "c0 \n\r\x1b\x07 é 日本",
        ] {
            let doc = serde_json::json!({ "name": name, "list": [name] });
            let bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
            let safe = json(&bytes);
            let text = String::from_utf8_lossy(&safe);
            assert!(!text.chars().any(is_unsafe_but_newline), "{name:?}: {text}");
            let back: serde_json::Value = serde_json::from_slice(&safe).unwrap_or_default();
            assert_eq!(back, doc, "{name:?}");
        }
        assert_eq!(json(b"\xff\xfe"), &b"\xff\xfe"[..]);
    }

    /// Every character [`json`] escapes begins with a byte [`may_hold_raw`] looks for.
    #[test]
    fn every_raw_character_is_seen_by_the_byte_check() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            if is_unsafe(c) && u32::from(c) >= 0x7f {
                let mut buf = [0; 4];
                assert!(may_hold_raw(c.encode_utf8(&mut buf).as_bytes()), "{c:?}");
            }
        }
    }

    proptest::proptest! {
        /// The byte check before decoding changes nothing: [`json`] gives what
        /// [`json_escaped`] gives, for any text and for bytes that are not UTF-8.
        #[test]
        fn the_byte_check_gives_what_decoding_gives(
            s in "[a-z \"\\{}:\u{7f}-\u{a0}\u{61c}\u{200b}-\u{2030}\u{2060}-\u{206a}é日]{0,40}",
            junk in proptest::collection::vec(proptest::num::u8::ANY, 0..16),
        ) {
            proptest::prop_assert_eq!(json(s.as_bytes()), json_escaped(s.as_bytes()));
            proptest::prop_assert_eq!(json(&junk), json_escaped(&junk));
        }
    }

    /// JSON keeps its own line breaks between values.
    fn is_unsafe_but_newline(c: char) -> bool {
        is_unsafe(c) && c != '\n'
    }

    #[test]
    fn no_line_begins_with_a_workflow_command() {
        // (rendered, guarded)
        let cases = [
            ("plain\n  help: x\n", "plain\n  help: x\n"),
            ("::error::x", "\\u{3a}:error::x"),
            (
                "a\n      ::add-mask::secret\nb",
                "a\n      \\u{3a}:add-mask::secret\nb",
            ),
            ("a\r\t::warning::x\r\n", "a\r\t\\u{3a}:warning::x\r\n"),
            (
                "\u{feff}\u{200b}\u{a0}::debug::x",
                "\u{feff}\u{200b}\u{a0}\\u{3a}:debug::x",
            ),
            ("x ::error::mid-line", "x ::error::mid-line"),
            (":single", ":single"),
        ];
        for (rendered, guarded) in cases {
            let got = lines(rendered);
            assert_eq!(got, guarded, "{rendered:?}");
            assert!(
                !got.split(['\n', '\r'])
                    .any(|l| l[indent(l)..].starts_with("::")),
                "{rendered:?}"
            );
        }
    }
}
