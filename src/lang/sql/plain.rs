//! The tokens of a plain statement, read without `sqlparser`'s tokenizer.
//!
//! Most SQL in code is plain: words, numbers, `$1` placeholders, simple quoted strings
//! and identifiers, `=`, `<>`, commas and brackets. `sqlparser`'s tokenizer reads it a
//! character at a time through a peekable iterator, tracks a line and column per
//! character, and tries a dialect hook for most of them: on the benchmark's dense tree,
//! where every file holds SQL, it was a third of the SQL analysis (about 24,000
//! instructions for a statement of a hundred bytes). [`tokens`] reads a statement made
//! only of the tokens below, byte by byte, into exactly the tokens and spans
//! `Tokenizer::new(dialect, sql).with_unescape(true).tokenize_with_location()` gives,
//! and gives up (`None`) at the first byte it is not sure of, so that the tokenizer
//! reads the whole statement instead:
//!
//! - a space, tab or line feed (not a carriage return);
//! - a word: an ASCII letter or `_` the dialect starts identifiers with, then every
//!   ASCII character it continues them with, not followed by a quote, `&` or a
//!   non-ASCII character (which may make it a prefixed string, `N'..'`, `U&'..'`);
//! - a number of ASCII digits followed by a blank, `,`, `)`, `;`, an operator below or
//!   the end (not `1.5`, `1e3`, `0x1F`, `1_000` or MySQL's `1abc`);
//! - `$` and digits, in a dialect where `$` does not start identifiers;
//! - a single-quoted string with no quote or backslash inside, where the dialect has
//!   no triple-quoted strings; a double-quoted identifier with no double quote inside,
//!   where `"` quotes identifiers;
//! - `(`, `)`, `,`, `;`, `*`, `+`, `=` (not `=>`, `==`), `:`, `::`, `:=`, `.` before a
//!   letter, `*` or `"`, and `<`, `>`, `<=`, `>=`, `<>`, `!=` followed by a blank, a
//!   letter, a digit, `_`, `$`, a quote or `(` (so never the start of a longer
//!   operator).
//!
//! Tests compare both on every line of the SQL tests, on 50,000 random statements
//! built from these tokens and from ones that make it give up (in every dialect), and
//! the keyword lookup on every keyword, so an upgrade of `sqlparser` that tokenizes
//! differently fails them.

use std::sync::OnceLock;

use sqlparser::dialect::Dialect;
use sqlparser::keywords::{ALL_KEYWORDS, ALL_KEYWORDS_INDEX, Keyword};
use sqlparser::tokenizer::{Location, Span, Token, TokenWithSpan, Whitespace, Word};

use super::DialectId;

/// The tokens of `sql`, as the tokenizer reads them in `dialect`, if every token is one
/// this module reads.
pub(super) fn tokens(dialect: DialectId, sql: &str) -> Option<Vec<TokenWithSpan>> {
    let b = sql.as_bytes();
    // A token every 3 to 4 bytes, blanks included.
    let mut out = Vec::with_capacity(b.len() / 3 + 1);
    let mut reader = Reader {
        text: sql,
        dialect: classes(dialect),
        line: 1,
        line_start: 0,
    };
    // Most statements in code are one line: no token's bytes need reading for line
    // feeds then.
    let one_line = memchr::memchr(b'\n', b).is_none();
    let mut i = 0;
    while i < b.len() {
        let start = reader.location(i);
        let (token, end) = reader.token(i)?;
        // Only a line feed starts a line: inside a string or after a blank.
        if !one_line {
            for (k, &c) in b.get(i..end)?.iter().enumerate() {
                if c == b'\n' {
                    reader.line += 1;
                    reader.line_start = i + k + 1;
                }
            }
        }
        out.push(TokenWithSpan::new(
            token,
            Span::new(start, reader.location(end)),
        ));
        i = end;
    }
    Some(out)
}

/// What a dialect's tokenizer does with ASCII characters, asked of it once: its
/// hooks are virtual calls, too many to make per byte.
struct Classes {
    starts_identifier: [bool; 128],
    continues_identifier: [bool; 128],
    continues_operator: [bool; 128],
    /// `"` quotes identifiers (not strings).
    double_quotes_identifiers: bool,
    triple_quoted_strings: bool,
}

/// Every dialect, in the order of [`classes`]' table.
const DIALECTS: [DialectId; 4] = [
    DialectId::Postgres,
    DialectId::MySql,
    DialectId::Sqlite,
    DialectId::Generic,
];

fn classes(dialect: DialectId) -> &'static Classes {
    static ALL: OnceLock<[Classes; 4]> = OnceLock::new();
    let all = ALL.get_or_init(|| DIALECTS.map(|id| id.with(Classes::of)));
    let at = match dialect {
        DialectId::Postgres => 0,
        DialectId::MySql => 1,
        DialectId::Sqlite => 2,
        DialectId::Generic => 3,
    };
    &all[at]
}

impl Classes {
    fn of(d: &dyn Dialect) -> Self {
        let table = |f: &dyn Fn(char) -> bool| std::array::from_fn(|c| f(char::from(c as u8)));
        Classes {
            starts_identifier: table(&|c| d.is_identifier_start(c)),
            continues_identifier: table(&|c| d.is_identifier_part(c)),
            continues_operator: table(&|c| d.is_custom_operator_part(c)),
            double_quotes_identifiers: d.is_delimited_identifier_start('"')
                && !d.is_identifier_start('"'),
            triple_quoted_strings: d.supports_triple_quoted_string(),
        }
    }
}

/// The keyword an unquoted word is, as `Token::make_word` finds it (a binary search
/// of every keyword, comparing in upper case, was half of this module's time).
fn keyword(word: &str) -> Keyword {
    static BY_NAME: OnceLock<foldhash::HashMap<&'static [u8], Keyword>> = OnceLock::new();
    const LONGEST: usize = 64;
    let by_name = BY_NAME.get_or_init(|| {
        (ALL_KEYWORDS.iter().map(|k| k.as_bytes()))
            .zip(ALL_KEYWORDS_INDEX.iter().copied())
            .collect()
    });
    let mut upper = [0u8; LONGEST];
    let Some(buf) = upper.get_mut(..word.len()) else {
        return Keyword::NoKeyword;
    };
    buf.copy_from_slice(word.as_bytes());
    buf.make_ascii_uppercase();
    by_name.get(&*buf).copied().unwrap_or(Keyword::NoKeyword)
}

fn word(value: &str, quote_style: Option<char>) -> Token {
    Token::Word(Word {
        value: value.to_string(),
        quote_style,
        keyword: match quote_style {
            None => keyword(value),
            Some(_) => Keyword::NoKeyword,
        },
    })
}

struct Reader<'a> {
    text: &'a str,
    dialect: &'static Classes,
    /// The line of the byte being read, from 1, and the offset its line starts at.
    line: u64,
    line_start: usize,
}

impl Reader<'_> {
    /// The tokenizer's location of byte `i` of the current line (columns count
    /// characters from 1; every character here is one byte).
    fn location(&self, i: usize) -> Location {
        Location::new(self.line, (i - self.line_start) as u64 + 1)
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.text.as_bytes().get(i).copied()
    }

    /// Whether the byte at `i` may follow a number or an operator: it cannot continue
    /// either.
    fn ends_number(&self, i: usize) -> bool {
        match self.at(i) {
            None => true,
            Some(
                c @ (b' ' | b'\t' | b'\n' | b',' | b')' | b';' | b'=' | b'<' | b'>' | b'+' | b'*'),
            ) => !self.dialect.continues_identifier[usize::from(c)],
            Some(_) => false,
        }
    }

    /// The end of the run of ASCII digits at `from`, if what follows ends a number.
    fn digits_end(&self, from: usize) -> Option<usize> {
        let mut end = from;
        while self.at(end).is_some_and(|p| p.is_ascii_digit()) {
            end += 1;
        }
        self.ends_number(end).then_some(end)
    }

    /// Whether the byte at `i` may follow a comparison operator without making it a
    /// longer or custom one.
    fn ends_operator(&self, i: usize) -> bool {
        match self.at(i) {
            Some(c @ (b' ' | b'\t' | b'\n' | b'_' | b'$' | b'\'' | b'"' | b'(')) => {
                !self.dialect.continues_operator[usize::from(c)]
            }
            Some(c) => c.is_ascii_alphanumeric(),
            None => false,
        }
    }

    /// The token at `i` and the offset after it; `None` to give up.
    fn token(&self, i: usize) -> Option<(Token, usize)> {
        let d = self.dialect;
        let c = self.at(i)?;
        let next = self.at(i + 1);
        let one = |t: Token| Some((t, i + 1));
        match c {
            b' ' => one(Token::Whitespace(Whitespace::Space)),
            b'\t' => one(Token::Whitespace(Whitespace::Tab)),
            b'\n' => one(Token::Whitespace(Whitespace::Newline)),
            b'a'..=b'z' | b'A'..=b'Z' | b'_' if d.starts_identifier[usize::from(c)] => {
                let mut end = i + 1;
                while let Some(p) = self.at(end) {
                    if !d
                        .continues_identifier
                        .get(usize::from(p))
                        .copied()
                        .unwrap_or(false)
                    {
                        break;
                    }
                    end += 1;
                }
                if matches!(self.at(end), Some(b'\'' | b'"' | b'&' | b'`' | 0x80..)) {
                    return None;
                }
                let text = self.text.get(i..end)?;
                Some((word(text, None), end))
            }
            b'0'..=b'9' => {
                let end = self.digits_end(i)?;
                Some((
                    Token::Number(self.text.get(i..end)?.to_string(), false),
                    end,
                ))
            }
            b'$' if !d.starts_identifier[usize::from(b'$')]
                && next.is_some_and(|p| p.is_ascii_digit()) =>
            {
                let end = self.digits_end(i + 1)?;
                Some((Token::Placeholder(self.text.get(i..end)?.to_string()), end))
            }
            b'\'' if !d.triple_quoted_strings => {
                let (body, end) = self.quoted(i, b'\'')?;
                Some((Token::SingleQuotedString(body.to_string()), end))
            }
            b'"' if d.double_quotes_identifiers => {
                let (body, end) = self.quoted(i, b'"')?;
                if body.is_empty() {
                    return None;
                }
                Some((word(body, Some('"')), end))
            }
            b'(' => one(Token::LParen),
            b')' => one(Token::RParen),
            b',' => one(Token::Comma),
            b';' => one(Token::SemiColon),
            b'*' => one(Token::Mul),
            b'+' => one(Token::Plus),
            b'=' if !matches!(next, Some(b'>' | b'=')) => one(Token::Eq),
            b':' => match next {
                Some(b':') => Some((Token::DoubleColon, i + 2)),
                Some(b'=') => Some((Token::Assignment, i + 2)),
                _ => one(Token::Colon),
            },
            b'.' if next.is_some_and(|p| p.is_ascii_alphabetic() || p == b'*' || p == b'"') => {
                one(Token::Period)
            }
            b'<' | b'>' | b'!' => {
                let (token, end) = match (c, next) {
                    (b'<', Some(b'=')) => (Token::LtEq, i + 2),
                    (b'<', Some(b'>')) => (Token::Neq, i + 2),
                    (b'>', Some(b'=')) => (Token::GtEq, i + 2),
                    (b'!', Some(b'=')) => (Token::Neq, i + 2),
                    (b'<', _) => (Token::Lt, i + 1),
                    (b'>', _) => (Token::Gt, i + 1),
                    _ => return None,
                };
                self.ends_operator(end).then_some((token, end))
            }
            _ => None,
        }
    }

    /// The body of the string or identifier quoted with `q` at `i`, and the offset
    /// after it, if nothing inside needs unescaping: no quote (a doubled one is an
    /// escaped quote), no backslash, no carriage return, only ASCII.
    fn quoted(&self, i: usize, q: u8) -> Option<(&str, usize)> {
        let rest = self.text.as_bytes().get(i + 1..)?;
        let len = rest.iter().position(|&p| p == q)?;
        let body = rest.get(..len)?;
        if body
            .iter()
            .any(|&p| p == b'\\' || p == b'\r' || !p.is_ascii())
        {
            return None;
        }
        let end = i + 1 + len + 1;
        if self.at(end) == Some(q) {
            return None;
        }
        Some((self.text.get(i + 1..i + 1 + len)?, end))
    }
}

#[cfg(test)]
mod tests {
    use sqlparser::tokenizer::Tokenizer;

    use super::*;

    /// Tokens this module reads, and tokens and characters that make it give up, all
    /// in one list: random statements are made of them.
    const PIECES: &[&str] = &[
        "SELECT",
        "select",
        "FROM",
        "where",
        "t",
        "t2",
        "_a",
        "a_b",
        "a$b",
        "x1",
        "N",
        "b",
        "X",
        "E",
        "U",
        "nq",
        "r",
        "N'x'",
        "U&'a'",
        "E'\\n'",
        "b'1'",
        "X'1F'",
        "'str'",
        "''",
        "'it''s'",
        "'a\\'b'",
        "'multi\nline'",
        "'\r'",
        "'é'",
        "\"Col\"",
        "\"\"",
        "\"a\"\"b\"",
        "`x`",
        "[x]",
        "1",
        "12",
        "007",
        "1.5",
        "1.",
        "1e3",
        "1E+3",
        "0x1F",
        "1_000",
        "1abc",
        "1L",
        "$1",
        "$12",
        "$",
        "$a",
        "$$x$$",
        "$tag$x$tag$",
        "?",
        "?1",
        " ",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "(",
        ")",
        ",",
        ";",
        "*",
        "+",
        "-",
        "--c\n",
        "/*c*/",
        "/* a /* b */ c */",
        "/* it's */",
        "#c\n",
        "\\gset\n",
        "\\c db;\n",
        "GO\n",
        "\n/\n",
        "/",
        "=",
        "==",
        "=>",
        "<",
        ">",
        "<=",
        ">=",
        "<>",
        "!=",
        "!",
        "<=>",
        "<@",
        "@>",
        "->",
        "->>",
        "<<",
        ">>",
        "::",
        ":=",
        ":",
        ".",
        "..",
        "._",
        ".5",
        ".*",
        "é",
        "ü",
        "#",
        "@",
        "&",
        "|",
        "||",
        "~",
        "^",
        "%",
        "{",
        "}",
        "\u{a0}",
    ];

    /// Asserts that wherever [`tokens`] reads `sql`, the tokenizer reads it alike;
    /// returns how many dialects it read it in.
    fn same(sql: &str) -> usize {
        let mut read = 0;
        for d in DIALECTS {
            let Some(ours) = tokens(d, sql) else {
                continue;
            };
            let theirs = d.with(|d| {
                Tokenizer::new(d, sql)
                    .with_unescape(true)
                    .tokenize_with_location()
            });
            assert_eq!(
                Ok(ours),
                theirs.map_err(|e| e.to_string()),
                "{d:?}: {sql:?}"
            );
            read += 1;
        }
        read
    }

    #[test]
    fn plain_statements_are_tokenized_as_sqlparser_tokenizes_them() {
        let plain = [
            "SELECT t.id, t.name FROM orders t JOIN users u ON u.id = t.user_id WHERE t.x = $1",
            "INSERT INTO orders (a, b) VALUES ($1, 'x'), (2, 'y');",
            "UPDATE \"Orders\" SET a = 1 WHERE b <> 2 AND c != 3 AND d >= 4 AND e <= 5",
            "DELETE FROM s.orders\nWHERE id < 10 AND n > 0",
            "SELECT count(*) FROM orders WHERE created::date = $2",
            "SELECT t.* FROM orders t",
        ];
        for sql in plain {
            // `$1` is left to the tokenizer where `$` starts identifiers (SQLite), and
            // `"Orders"` where it is a string (MySQL).
            assert!(same(sql) >= 3, "{sql:?}");
        }
        // Given up, for the tokenizer to read.
        for sql in [
            "SELECT 'it''s'",
            "SELECT N'x'",
            "SELECT 1.5",
            "x -- c",
            "SELECT é",
        ] {
            assert!(
                DIALECTS.iter().all(|&d| tokens(d, sql).is_none()),
                "{sql:?}"
            );
        }
    }

    #[test]
    fn keywords_are_found_as_sqlparser_finds_them() {
        let mut words: Vec<String> = ALL_KEYWORDS
            .iter()
            .flat_map(|k| {
                [
                    k.to_string(),
                    k.to_lowercase(),
                    format!("{k}x"),
                    k[1..].to_string(),
                ]
            })
            .collect();
        words.extend(["", "a", "orders", "SeLeCt", "_", "x".repeat(70).as_str()].map(String::from));
        for w in &words {
            let Token::Word(theirs) = Token::make_word(w, None) else {
                panic!("{w}: not a word");
            };
            assert_eq!(keyword(w), theirs.keyword, "{w}");
        }
    }

    #[test]
    fn random_statements_are_tokenized_as_sqlparser_tokenizes_them() {
        let mut random = crate::lang::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut next = move |n: usize| (random() % n as u64) as usize;
        let (mut statements, mut read) = (0, 0);
        for _ in 0..50_000 {
            let mut sql = String::new();
            for _ in 0..1 + next(12) {
                sql.push_str(PIECES[next(PIECES.len())]);
                // Mostly blanks between the pieces, so that many statements are plain.
                if next(3) > 0 {
                    sql.push(' ');
                }
            }
            read += same(&sql);
            statements += 1;
        }
        // Both readers are exercised: plain statements and the ones given up.
        assert!(read > statements / 8, "only {read} read of {statements}");
        assert!(
            read < statements * 3,
            "{read} read of {statements}: too few given up"
        );
    }

    #[test]
    fn the_sql_tests_lines_are_tokenized_as_sqlparser_tokenizes_them() {
        let text = include_str!("tests.rs");
        let read: usize = text.lines().map(same).sum();
        assert!(read > 500, "only {read} lines read");
    }
}
