//! Interpolation holes: where a `#{...}` expression ends, however deeply strings,
//! `%`-literals and holes nest inside it (`"a #{"b #{c + '"'}"} d"` is one literal), and
//! the heredoc openers the lexer and the hole scanner both read. A loop over a
//! fixed-size stack, bounded by [`MAX_NEST`].

use crate::lang::line_end;
use crate::lang::script::{MAX_NEST, is_ident_char};

/// What the hole scanner is inside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Nest {
    /// Code, with this many unclosed `{` of its own.
    Code(usize),
    /// A string closed by this quote; `"` and backtick strings interpolate.
    Str(u8),
    /// A `%q(..)`-style literal: its brackets, how many of its opening bracket are
    /// unclosed inside it, and whether it interpolates (`%Q`, `%W`, `%I`, `%x`, `%r`).
    Pct {
        open: u8,
        close: u8,
        depth: usize,
        interp: bool,
    },
}

/// The `#{...}` expression starting at `from` (just after the brace): its range and the
/// offset after the closing brace. Strings inside are skipped so their braces and
/// quotes don't count, and so are the holes inside those strings, to any depth up to
/// [`MAX_NEST`]: `"a #{"b #{c + '"'}"} d"` is one literal.
pub(super) fn hole_at(
    b: &[u8],
    from: usize,
    heredocs: &mut Vec<((usize, usize), bool)>,
) -> (Option<(usize, usize)>, usize) {
    let mut stack = [Nest::Code(0); MAX_NEST];
    let mut top = 0usize;
    let mut k = from;
    while k < b.len() {
        let c = b[k];
        let mut opens_hole = false;
        match &mut stack[top] {
            Nest::Code(d) => match c {
                b'{' => *d += 1,
                b'}' if *d > 0 => *d -= 1,
                b'}' if top == 0 => return (Some((from, k)), k + 1),
                b'}' => top -= 1,
                b'"' | b'\'' | b'`' if top + 1 < MAX_NEST => {
                    top += 1;
                    stack[top] = Nest::Str(c);
                }
                b'"' | b'\'' | b'`' => break,
                b'<' if b.get(k + 1) == Some(&b'<') => {
                    if let Some((id, indented, after)) = heredoc_open(b, k) {
                        heredocs.push((id, indented));
                        k = after - 1;
                    }
                }
                // A comment runs to the line's end, quotes and braces included.
                b'#' => k = line_end(b, k).saturating_sub(1),
                b'%' if top + 1 < MAX_NEST => {
                    if let Some((nest, skip)) = percent_open(b, k) {
                        top += 1;
                        stack[top] = nest;
                        k += skip;
                    }
                }
                _ => {}
            },
            Nest::Str(q) => match c {
                b'\\' => k += 1,
                _ if c == *q => top -= 1,
                b'#' => opens_hole = *q != b'\'' && b.get(k + 1) == Some(&b'{'),
                _ => {}
            },
            Nest::Pct {
                open,
                close,
                depth,
                interp,
            } => match c {
                b'\\' => k += 1,
                _ if c == *close && *depth == 0 => top -= 1,
                _ if c == *close => *depth -= 1,
                _ if c == *open && open != close => *depth += 1,
                b'#' => opens_hole = *interp && b.get(k + 1) == Some(&b'{'),
                _ => {}
            },
        }
        if opens_hole {
            // `#{` inside an interpolating string: a hole of its own.
            if top + 1 == MAX_NEST {
                break;
            }
            top += 1;
            stack[top] = Nest::Code(0);
            k += 1;
        }
        k += 1;
    }
    (None, b.len())
}

/// A heredoc opening at `k` (the first `<`) inside a hole: its terminator's range,
/// whether it may be indented, and the offset after the opener. Only the forms a
/// shift (`a << b`) cannot take: `<<~ID`, `<<-ID`, quoted IDs, and `<<ID` with a
/// capital where no value stands before it.
fn heredoc_open(b: &[u8], k: usize) -> Option<((usize, usize), bool, usize)> {
    let o = opener(b, k)?;
    // A bare `<<ID` after a value is a shift: `a <<B`.
    let mut p = k;
    while p > 0 && b[p - 1] == b' ' {
        p -= 1;
    }
    let after_value = p > 0 && (is_ident_char(b[p - 1]) || matches!(b[p - 1], b')' | b']'));
    let bare = b[o.id.0].is_ascii_uppercase() && !after_value;
    if !(o.indented || o.quote.is_some() || bare) {
        return None;
    }
    Some((o.id, o.indented, o.end))
}

/// The parts of a heredoc opener at `k` (the first `<`): `<<~ID`, `<<-ID`, `<<ID`,
/// with the ID optionally in quotes. Whether `<<` opens a heredoc there at all (and
/// not a shift) is the caller's judgement; this only reads the syntax, shared by the
/// lexer and the reading of holes.
pub(super) struct Opener {
    /// `~` or `-`: the terminator may be indented.
    pub indented: bool,
    /// The quote around the ID, if any: `'` reads the body raw, `` ` `` runs it.
    pub quote: Option<u8>,
    /// The ID's byte range.
    pub id: (usize, usize),
    /// The offset after the opener.
    pub end: usize,
}

pub(super) fn opener(b: &[u8], k: usize) -> Option<Opener> {
    let mut j = k + 2;
    let indented = matches!(b.get(j), Some(b'~' | b'-'));
    if indented {
        j += 1;
    }
    let quote = b
        .get(j)
        .copied()
        .filter(|c| matches!(c, b'\'' | b'"' | b'`'));
    if quote.is_some() {
        j += 1;
    }
    let id_start = j;
    while j < b.len() && is_ident_char(b[j]) {
        j += 1;
    }
    if j == id_start {
        return None;
    }
    let id = (id_start, j);
    if let Some(q) = quote {
        if b.get(j) != Some(&q) {
            return None;
        }
        j += 1;
    }
    Some(Opener {
        indented,
        quote,
        id,
        end: j,
    })
}

/// A `%q(`-style literal opening at `k` (the `%`), inside a hole: its state and how
/// many bytes after `k` its opening delimiter is. Only the lettered forms: a bare `%(`
/// in code may as well be the modulo operator.
fn percent_open(b: &[u8], k: usize) -> Option<(Nest, usize)> {
    let kind = *b.get(k + 1)?;
    let open = *b.get(k + 2)?;
    if !matches!(
        kind,
        b'q' | b'Q' | b'w' | b'W' | b'i' | b'I' | b'r' | b's' | b'x'
    ) || open.is_ascii_alphanumeric()
        || open.is_ascii_whitespace()
        || !open.is_ascii()
    {
        return None;
    }
    let close = closing(open);
    let interp = matches!(kind, b'Q' | b'W' | b'I' | b'r' | b'x');
    Some((
        Nest::Pct {
            open,
            close,
            depth: 0,
            interp,
        },
        2,
    ))
}

/// The `#{}` holes of a heredoc body.
pub(super) fn holes_in(b: &[u8], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut j = start;
    while j + 1 < end {
        if b[j] == b'\\' {
            j += 2;
            continue;
        }
        if b[j] == b'#' && b[j + 1] == b'{' {
            // (A heredoc opened in a heredoc's hole is not followed.)
            let (hole, after) = hole_at(&b[..end], j + 2, &mut Vec::new());
            if let Some(h) = hole {
                out.push(h);
            }
            j = after;
            continue;
        }
        j += 1;
    }
    out
}

/// The delimiter that closes a `%`-literal opened with `open`: the matching bracket, or
/// the same character.
pub(super) fn closing(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        b'{' => b'}',
        b'<' => b'>',
        c => c,
    }
}
