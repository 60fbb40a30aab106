//! Format verbs: printf (`%s`, `%[2]s`, `%1$s`), .NET composite formats (`{0}`,
//! `{{`) and MyBatis parameters (`#{id}`, `${name}`), parsed one at a time from a
//! byte slice so [`super::assemble`] can splice arguments into a format string.

/// What a format verb stands for.
pub(super) enum Verb {
    /// Literal text (`%%`, `%n`, `{{`).
    Literal(&'static str),
    /// An argument: explicit index (0-based) or the next one; `text` for `%s`/`%v`/
    /// `{0}`, false for numeric verbs.
    Arg { index: Option<usize>, text: bool },
}

pub(super) struct ParsedVerb {
    pub(super) what: Verb,
    pub(super) len: usize,
}

/// Parses a printf verb at `b[0] == b'%'`: Go `%[2]s`, Java `%2$s`, flags, width and
/// precision.
pub(super) fn parse_printf(b: &[u8]) -> Option<ParsedVerb> {
    match b.get(1)? {
        b'%' => {
            return Some(ParsedVerb {
                what: Verb::Literal("%"),
                len: 2,
            });
        }
        b'n' => {
            return Some(ParsedVerb {
                what: Verb::Literal("\n"),
                len: 2,
            });
        }
        _ => {}
    }
    let mut k = 1;
    let mut index = None;
    let digits = |k: &mut usize| -> Option<usize> {
        let s = *k;
        while b.get(*k).is_some_and(u8::is_ascii_digit) {
            *k += 1;
        }
        std::str::from_utf8(&b[s..*k]).ok()?.parse().ok()
    };
    if b.get(k) == Some(&b'[') {
        k += 1;
        index = digits(&mut k).and_then(|n: usize| n.checked_sub(1));
        if b.get(k) != Some(&b']') {
            return None;
        }
        k += 1;
    } else {
        let save = k;
        if let Some(n) = digits(&mut k)
            && b.get(k) == Some(&b'$')
        {
            index = n.checked_sub(1);
            k += 1;
        } else {
            k = save;
        }
    }
    while b
        .get(k)
        .is_some_and(|c| b"-+# 0,(".contains(c) || c.is_ascii_digit() || *c == b'.')
    {
        k += 1;
    }
    let verb = *b.get(k)?;
    if !verb.is_ascii_alphabetic() {
        return None;
    }
    Some(ParsedVerb {
        what: Verb::Arg {
            index,
            text: matches!(verb, b's' | b'v' | b'S'),
        },
        len: k + 1,
    })
}

/// Parses a MyBatis parameter at `b[0]` (`#` or `$`).
pub(super) fn parse_mybatis(b: &[u8]) -> Option<ParsedVerb> {
    if b.get(1) != Some(&b'{') {
        return None;
    }
    let close = b.iter().position(|&x| x == b'}')?;
    Some(ParsedVerb {
        what: Verb::Arg {
            index: None,
            text: b[0] == b'$',
        },
        len: close + 1,
    })
}

/// Parses a .NET composite-format item at `b[0]` (`{` or `}`).
pub(super) fn parse_dotnet(b: &[u8]) -> Option<ParsedVerb> {
    let c = b[0];
    if b.get(1) == Some(&c) {
        return Some(ParsedVerb {
            what: Verb::Literal(if c == b'{' { "{" } else { "}" }),
            len: 2,
        });
    }
    if c == b'}' {
        return None;
    }
    let close = b.iter().position(|&x| x == b'}')?;
    let inner = std::str::from_utf8(&b[1..close]).ok()?;
    let num = inner.split([',', ':']).next()?.trim();
    let index = num.parse().ok()?;
    Some(ParsedVerb {
        what: Verb::Arg {
            index: Some(index),
            text: true,
        },
        len: close + 1,
    })
}
