//! Prisma schema files (`schema.prisma`, any `*.prisma`).
//!
//! Each `model X { .. }` maps onto a table: the `@@map("t")` name when given, otherwise
//! the model name as written (Prisma quotes it, so `User` is the table `"User"`).
//! `@@schema("s")` sets the schema. A relation field that carries
//! `@relation(fields: [..], references: [..])` is the side that holds the foreign key,
//! so it is reported as a foreign key onto the related model's table, resolved through
//! the models of the same file. Comments (`//`, `///`) are dropped by the lexer, so model
//! and table names in them never count.

use std::collections::HashMap;

use super::{Context, Extracted, Problem};
use crate::model::{Access, AccessKind, TableRef};

/// Attributes that rename or relate tables: the files where a table may be named in a
/// form (model name, `@@map`) the registry's table names do not reveal.
pub const MARKERS: &[&str] = &["@@map", "@@schema", "@relation"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    /// A string; `closed` is false when the line ended first.
    Str {
        closed: bool,
    },
    Punct(u8),
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
    /// Line number (0-based); Prisma declarations are line-oriented.
    line: usize,
}

/// Splits a Prisma schema into tokens in one linear pass.
fn lex(text: &str) -> (Vec<Tok>, Vec<Problem>) {
    let b = text.as_bytes();
    let mut toks = Vec::new();
    let mut problems = Vec::new();
    let mut line = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let kind = match c {
            b'\n' => {
                line += 1;
                i += 1;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = b[i..]
                    .iter()
                    .position(|&x| x == b'\n')
                    .map_or(b.len(), |p| i + p);
                continue;
            }
            b'"' => {
                i += 1;
                let mut closed = false;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 2,
                        b'\n' => break,
                        b'"' => {
                            i += 1;
                            closed = true;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                i = i.min(b.len());
                if !closed {
                    problems.push(Problem {
                        offset: start,
                        message: "unterminated string".into(),
                    });
                }
                Kind::Str { closed }
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80)
                {
                    i += 1;
                }
                Kind::Ident
            }
            b'{' | b'}' | b'(' | b')' | b'[' | b']' | b'@' | b':' | b',' | b'.' | b'?' => {
                i += 1;
                Kind::Punct(c)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        toks.push(Tok {
            kind,
            start,
            end: i,
            line,
        });
    }
    (toks, problems)
}

/// A model block: where its name and table name stand.
struct Model {
    /// Table name and its byte range (the `@@map` string contents or the model name).
    table: TableRef,
    offset: usize,
    len: usize,
    /// Token range of the block body (between the braces).
    body: (usize, usize),
}

/// Extracts the models and relations of a Prisma schema.
pub fn extract(_path: &str, text: &str, _ctx: &Context) -> Extracted {
    let (toks, mut problems) = lex(text);
    let ident = |i: usize| -> Option<&str> {
        let t = toks.get(i)?;
        (t.kind == Kind::Ident).then(|| &text[t.start..t.end])
    };
    let punct = |i: usize, c: u8| toks.get(i).is_some_and(|t| t.kind == Kind::Punct(c));
    let string = |i: usize| -> Option<(&str, usize)> {
        let t = toks.get(i)?;
        (t.kind == Kind::Str { closed: true }).then(|| (&text[t.start + 1..t.end - 1], t.start + 1))
    };
    // `@@name("value")` starting at `i`.
    let block_attr = |i: usize, name: &str| -> Option<(&str, usize)> {
        if punct(i, b'@') && punct(i + 1, b'@') && ident(i + 2) == Some(name) && punct(i + 3, b'(')
        {
            string(i + 4)
        } else {
            None
        }
    };

    let mut models: Vec<Model> = Vec::new();
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    let mut i = 0;
    while i < toks.len() {
        let top_level_model = ident(i) == Some("model")
            && (i == 0 || toks[i - 1].line != toks[i].line)
            && ident(i + 1).is_some()
            && punct(i + 2, b'{');
        if !top_level_model {
            i += 1;
            continue;
        }
        let name_tok = toks[i + 1];
        let name = &text[name_tok.start..name_tok.end];
        let body_start = i + 3;
        let body_end = (body_start..toks.len())
            .find(|&k| punct(k, b'}'))
            .unwrap_or(toks.len());
        let mut table = TableRef::bare(name);
        let (mut offset, mut len) = (name_tok.start, name.len());
        for k in body_start..body_end {
            let attr = ["map", "schema"]
                .into_iter()
                .find_map(|attr| block_attr(k, attr).map(|(value, at)| (attr, value, at)));
            match attr {
                // An empty name is no table or schema (Prisma rejects it): the model's
                // name stays the table and the warning says why, instead of an access
                // with an empty name and range.
                Some(("map", "", at)) => problems.push(Problem {
                    offset: at,
                    message: format!(
                        "`@@map(\"\")` names no table; the model name `{name}` is used"
                    ),
                }),
                Some((_, "", at)) => problems.push(Problem {
                    offset: at,
                    message: "`@@schema(\"\")` names no schema; it is ignored".to_string(),
                }),
                Some(("map", mapped, at)) => {
                    table.name = mapped.to_string();
                    (offset, len) = (at, mapped.len());
                }
                Some((_, schema, _)) => table.schema = Some(schema.to_string()),
                None => {}
            }
        }
        by_name.insert(name, models.len());
        models.push(Model {
            table,
            offset,
            len,
            body: (body_start, body_end),
        });
        i = body_end + 1;
    }

    let mut accesses = Vec::new();
    for m in &models {
        let table = m.table.clone();
        accesses.push(Access::table(AccessKind::Model, table, m.offset, m.len));
        let (start, end) = m.body;
        let mut k = start;
        while k < end {
            // A field line: `name Type[?|[]] @attr(..) ..`.
            let line = toks[k].line;
            let line_end = (k..end).find(|&x| toks[x].line != line).unwrap_or(end);
            if let (Some(_), Some(ty)) = (ident(k), ident(k + 1))
                && is_owning_relation(&toks, text, k + 2, line_end)
            {
                let t = toks[k + 1];
                let access = match by_name.get(ty).and_then(|&idx| models.get(idx)) {
                    Some(target) => Access::table(
                        AccessKind::ForeignKey,
                        target.table.clone(),
                        t.start,
                        ty.len(),
                    ),
                    // Another file of a multi-file schema: the model name is the best guess.
                    None => Access::table(
                        AccessKind::ForeignKey,
                        TableRef::bare(ty),
                        t.start,
                        ty.len(),
                    )
                    .low(),
                };
                accesses.push(access);
            }
            k = line_end;
        }
    }
    Extracted {
        accesses,
        problems,
        ..Extracted::default()
    }
}

/// True when tokens `from..to` hold `@relation(.. fields: ..)`: the side of a relation
/// whose columns reference the other model.
fn is_owning_relation(toks: &[Tok], text: &str, from: usize, to: usize) -> bool {
    let word = |i: usize| {
        toks.get(i)
            .filter(|t| t.kind == Kind::Ident)
            .map(|t| &text[t.start..t.end])
    };
    let punct = |i: usize, c: u8| toks.get(i).is_some_and(|t| t.kind == Kind::Punct(c));
    let Some(at) = (from..to)
        .find(|&k| punct(k, b'@') && word(k + 1) == Some("relation") && punct(k + 2, b'('))
    else {
        return false;
    };
    (at + 3..to).any(|x| word(x) == Some("fields") && punct(x + 1, b':'))
}

/// Whether Prisma loads the file as a schema: `schema.prisma` (Prisma's default name,
/// at the root or in `prisma/`), or any `.prisma` file in a `prisma/` directory (a
/// schema split into several files). Other `.prisma` files are data to Prisma — sample
/// schemas an application imports, test inputs — and map no table (a schema placed
/// elsewhere through `package.json`'s `prisma.schema` is not followed: docs/languages.md).
pub fn is_schema(path: &str) -> bool {
    let mut parts = path.rsplit('/');
    let name = parts.next().unwrap_or(path);
    name == "schema.prisma" || parts.any(|dir| dir == "prisma")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_schemas_prisma_loads_are_read() {
        for path in [
            "schema.prisma",
            "prisma/schema.prisma",
            "services/a/prisma/schema.prisma",
            "services/a/prisma/schema/models.prisma",
            "db/schema.prisma",
        ] {
            assert!(is_schema(path), "{path}");
        }
        for path in [
            "src/core/dbSchemaImport/predefinedSchemes/abby/abby.prisma",
            "test/fixtures/sample.prisma",
            "prisma.prisma",
        ] {
            assert!(!is_schema(path), "{path}");
        }
    }
    use crate::model::{Confidence, Target};
    use AccessKind::{ForeignKey, Model};

    /// (kind, schema.table, text at the access's range, confidence) for every access.
    fn found(src: &str) -> Vec<(AccessKind, String, String, Confidence)> {
        let mut got: Vec<_> = extract("db/schema.prisma", src, &Context::default())
            .accesses
            .iter()
            .filter_map(|a| {
                let Target::Table(t) = &a.target else {
                    return None;
                };
                let name = match &t.schema {
                    Some(s) => format!("{s}.{}", t.name),
                    None => t.name.clone(),
                };
                let at = src.get(a.offset..a.offset + a.len).unwrap_or("<bad range>");
                Some((a.kind, name, at.to_string(), a.confidence))
            })
            .collect();
        got.sort();
        got
    }

    fn high(kind: AccessKind, name: &str, at: &str) -> (AccessKind, String, String, Confidence) {
        (kind, name.into(), at.into(), Confidence::High)
    }

    const SCHEMA: &str = r#"
// model Ghost { id Int @id }   <- a comment, never a model
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
  schemas  = ["sales", "auth"]
}

/// A customer. @@map("not_this")
model User {
  id     Int     @id @default(autoincrement())
  email  String  @unique @map("email_address")
  orders Order[]

  @@map("users")
  @@schema("auth")
}

model Order {
  id       Int   @id
  userId   Int   @map("user_id")
  user     User  @relation(fields: [userId], references: [id], onDelete: Cascade)
  coupon   Coupon? @relation("OrderCoupon", fields: [couponId], references: [id])
  couponId Int?
  note     String @default("{ model X { } }")

  @@schema("sales")
}

model Coupon {
  id     Int     @id
  orders Order[] @relation("OrderCoupon")
}

enum Role {
  ADMIN
  @@map("roles")
}
"#;

    #[test]
    fn models_and_relations() {
        assert_eq!(
            found(SCHEMA),
            vec![
                high(Model, "Coupon", "Coupon"),
                high(Model, "auth.users", "users"),
                high(Model, "sales.Order", "Order"),
                high(ForeignKey, "Coupon", "Coupon"),
                high(ForeignKey, "auth.users", "User"),
            ]
        );
    }

    #[test]
    fn relation_to_a_model_in_another_file_is_a_guess() {
        let src = "model Invoice {\n  id Int @id\n  orderId Int\n  order Order @relation(fields: [orderId], references: [id])\n}\n";
        assert_eq!(
            found(src),
            vec![
                high(Model, "Invoice", "Invoice"),
                (ForeignKey, "Order".into(), "Order".into(), Confidence::Low),
            ]
        );
    }

    #[test]
    fn comments_views_and_enums_yield_nothing() {
        let src = "// model A { @@map(\"a\") }\n/// model B {}\nview V {\n  id Int\n  @@map(\"v\")\n}\nenum E {\n  X\n}\ntype T {\n  a String\n}\n";
        assert_eq!(found(src), vec![]);
    }

    #[test]
    fn empty_map_and_schema_names_are_warned_about_and_ignored() {
        let src = "model A {\n  id Int @id\n  @@map(\"\")\n  @@schema(\"\")\n}\n";
        assert_eq!(found(src), vec![high(Model, "A", "A")]);
        let e = extract("s.prisma", src, &Context::default());
        let messages: Vec<&str> = e.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`@@map(\"\")` names no table; the model name `A` is used",
                "`@@schema(\"\")` names no schema; it is ignored",
            ]
        );
        assert_eq!(&src[e.problems[0].offset - 1..][..2], "\"\"");
    }

    #[test]
    fn robust_on_broken_input() {
        let e = extract(
            "s.prisma",
            "model A {\n  @@map(\"unterminated\n}",
            &Context::default(),
        );
        assert_eq!(e.problems.len(), 1);
        assert_eq!(
            found("model A {\n  id Int\n  @@map(\"a\")\n"),
            vec![high(Model, "a", "a")]
        );
        // NUL bytes separate tokens like blanks.
        assert_eq!(found("model\0A {\0}\0"), vec![high(Model, "A", "A")]);
        let deep = format!("model A {{\n  x Int @default({})\n}}\n", "(".repeat(50_000));
        assert_eq!(found(&deep), vec![high(Model, "A", "A")]);
        let braces = "{".repeat(50_000) + &"}".repeat(50_000);
        assert_eq!(found(&braces), vec![]);
        let tricky = "model Ü {\n  a B @relation(fields: [x], references: [y])\n  @@map(\"ü\")\n}";
        for (at, _) in tricky.char_indices() {
            let _ = extract("s.prisma", &tricky[..at], &Context::default());
        }
    }
}
