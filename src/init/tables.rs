//! Which service owns which table: the second half of `ownlint init`.
//!
//! The evidence is what `check` calls *defining* a table (the accesses that make
//! `unowned-table` fire): high-confidence DDL and ORM model mappings. A table's
//! owner is proposed in this order (documented in docs/init.md):
//!
//! 1. the one service whose migrations *create* the table;
//! 2. failing that, the one service that maps or changes it at all.
//!
//! Any other service that also defines the table is named in a comment next to the
//! owner's entry. When two services create it (or, with no creator, two map it), no
//! owner is proposed: the table is written as a commented-out entry under each
//! candidate, for a person to decide, so that the output still validates.

use crate::model::TableRef;
use crate::model::{Access, AccessKind, Confidence, Target};
use std::collections::{BTreeMap, BTreeSet};

/// How a file defines a table; the order is the strength of the evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Evidence {
    /// `CREATE TABLE`, `create_table`, `CreateTable(…)`: the table is born here.
    Creates,
    /// An ORM model or schema mapping.
    Maps,
    /// Other DDL: `ALTER TABLE`, `CREATE INDEX … ON`, a migration DSL's `add_column`.
    Changes,
}

impl Evidence {
    pub fn verb(self) -> &'static str {
        match self {
            Evidence::Creates => "created",
            Evidence::Maps => "mapped",
            Evidence::Changes => "changed",
        }
    }
}

/// Where a table is defined first in one service (or outside every service).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    pub evidence: Evidence,
    pub path: String,
    pub line: u32,
}

/// One table definition found in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    /// The registry spelling ([`registry_spelling`]).
    pub table: String,
    pub evidence: Evidence,
    pub line: u32,
    /// True when it is a view or materialized view (owned like a table).
    pub view: bool,
    /// The database the code names for it (psql's `\c db`, a three-part name).
    pub database: Option<String>,
}

/// The table definitions among one file's accesses. Names that are not plain
/// identifiers (which the registry could not list) are returned in the second vector.
pub fn definitions(text: &str, accesses: &[Access]) -> (Vec<Definition>, Vec<String>) {
    let mut defs = Vec::new();
    let mut odd = Vec::new();
    let not_tables = created_non_tables(text);
    for a in accesses {
        let Target::Table(t) = &a.target else {
            continue;
        };
        if a.confidence == Confidence::Low {
            continue;
        }
        let view = a.kind == AccessKind::Ddl && is_view_creation(text, a.offset);
        let evidence = match a.kind {
            AccessKind::Model => Evidence::Maps,
            AccessKind::Ddl if view || is_creation(text, a.offset) => Evidence::Creates,
            AccessKind::Ddl => Evidence::Changes,
            _ => continue,
        };
        if not_tables.contains(&t.name.to_lowercase()) {
            continue;
        }
        let table = registry_spelling(t);
        if !plain_table_name(&table) {
            odd.push(table);
            continue;
        }
        let line = crate::model::finding::Loc::at(text, a.offset, a.len).line;
        defs.push(Definition {
            table,
            evidence,
            line,
            view,
            database: t.database.clone(),
        });
    }
    (defs, odd)
}

/// How the registry lists a table so that `check` matches it: `schema.name` unless
/// the schema is `public`; an unquoted name in lower case (SQL folds it), a quoted one
/// as the code spells it (`"OrderItems"` is case-sensitive).
pub fn registry_spelling(t: &TableRef) -> String {
    let fold = |s: &str| {
        if t.quoted {
            s.to_string()
        } else {
            s.to_lowercase()
        }
    };
    let name = fold(&t.name);
    match t.schema.as_deref() {
        Some(s) if !s.eq_ignore_ascii_case(crate::registry::DEFAULT_SCHEMA) => {
            format!("{}.{name}", fold(s))
        }
        _ => name,
    }
}

/// The lower-case names a file creates as sequences, indexes, types or domains: pg_dump
/// writes `ALTER TABLE public.orders_id_seq OWNER TO …` for a sequence, which the DDL
/// extractors read as a table.
pub fn created_non_tables(text: &str) -> BTreeSet<String> {
    let tokens: Vec<String> = text
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ';' | ','))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    let mut out = BTreeSet::new();
    for (i, w) in tokens.iter().enumerate() {
        if w != "create" {
            continue;
        }
        let mut j = i + 1;
        while tokens.get(j).is_some_and(|t| {
            matches!(
                t.as_str(),
                "or" | "replace" | "unique" | "temporary" | "temp"
            )
        }) {
            j += 1;
        }
        let Some(kind) = tokens.get(j) else { continue };
        if !matches!(kind.as_str(), "sequence" | "index" | "type" | "domain") {
            continue;
        }
        j += 1;
        if tokens.get(j).is_some_and(|t| t == "if") {
            j += 3; // if not exists
        }
        if let Some(name) = tokens.get(j) {
            let last = name.rsplit('.').next().unwrap_or(name);
            out.insert(last.trim_matches(['"', '`', '[', ']']).to_string());
        }
    }
    out
}

/// Words that may stand between `create` and a view's name.
const VIEW_WORDS: &[&str] = &[
    "or",
    "replace",
    "materialized",
    "recursive",
    "temp",
    "temporary",
    "view",
    "if",
    "not",
    "exists",
];

/// True when the DDL access at `offset` creates a view or materialized view (a
/// relation its service owns like a table).
pub fn is_view_creation(text: &str, offset: usize) -> bool {
    let Some(stmt) = statement_before(text, offset) else {
        return false;
    };
    let words = words(stmt);
    let Some(c) = words.iter().rposition(|w| w == "create") else {
        return false;
    };
    // `Index::create()`, `ForeignKey::create()`: the creation of an index or a key,
    // whatever table the chain names after it.
    if c > 0 && matches!(words[c - 1].as_str(), "index" | "key") {
        return false;
    }
    let between = &words[c + 1..];
    // At most one other word: the view's schema (`CREATE VIEW reporting.v`).
    between.iter().any(|w| w == "view")
        && between
            .iter()
            .filter(|w| !VIEW_WORDS.contains(&w.as_str()))
            .count()
            <= 1
}

/// The text of the statement before `offset` (up to 200 bytes back).
fn statement_before(text: &str, offset: usize) -> Option<&str> {
    let mut start = offset.min(text.len()).saturating_sub(200);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let before = text.get(start..offset.min(text.len()))?;
    Some(before.rsplit(';').next().unwrap_or(before))
}

/// `name` or `schema.name` of letters, digits, `_` and `$`: what the registry's
/// `owns` accepts.
fn plain_table_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() <= 2
        && parts.iter().all(|p| {
            let mut chars = p.chars();
            chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
}

/// Words that, between `create` and the name, show that something other than the
/// table is created (`CREATE INDEX i ON t`) or that the name is not the new table.
const NOT_CREATION: &[&str] = &[
    "index",
    "view",
    "trigger",
    "on",
    "references",
    "from",
    "join",
    "into",
    "alter",
    "drop",
    "rename",
    "add",
    "column",
    "policy",
    "sequence",
];

/// How many words may stand between `create` and the table name (`CREATE UNLOGGED
/// TABLE IF NOT EXISTS public.` has six).
const MAX_WORDS_BETWEEN: usize = 8;

/// True when the DDL access at `offset` creates its table: the words just before
/// it (in the same statement) are `create … table` in any spelling: `CREATE TABLE`,
/// `create_table :orders`, `createTable('orders'`, `CreateTable(name: "orders"`.
/// The DDL extractors report creations, changes and drops alike; init needs to tell
/// the service that creates a table from those that alter it.
pub fn is_creation(text: &str, offset: usize) -> bool {
    let mut start = offset.min(text.len()).saturating_sub(200);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let end = offset.min(text.len());
    let Some(before) = text.get(start..end) else {
        return false;
    };
    let stmt = before.rsplit(';').next().unwrap_or(before);
    let words = words(stmt);
    let Some(c) = words.iter().rposition(|w| w == "create") else {
        return false;
    };
    // `Index::create()`, `ForeignKey::create()`: the creation of an index or a key,
    // whatever table the chain names after it.
    if c > 0 && matches!(words[c - 1].as_str(), "index" | "key") {
        return false;
    }
    let between = &words[c + 1..];
    between.len() <= MAX_WORDS_BETWEEN
        && between.iter().any(|w| w == "table")
        && !between.iter().any(|w| NOT_CREATION.contains(&w.as_str()))
}

/// Lower-case words, split at non-alphanumerics and camel-case humps.
fn words(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if prev_lower && c.is_uppercase() && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = c.is_lowercase() || c.is_numeric();
            cur.extend(c.to_lowercase());
        } else {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The proposal for one table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// `owner` owns it; `others` also define it (named in a comment).
    Owned { owner: usize, others: Vec<usize> },
    /// Several services create it, each in its own database: each owns its copy (a
    /// per-service outbox table).
    Each { owners: Vec<usize> },
    /// Created only outside every service (an infrastructure script), and one service
    /// is proposed for it, for the reason given.
    Adopted { owner: usize, reason: Adoption },
    /// Several services have equally strong claims: a person decides.
    Undecided { candidates: Vec<usize> },
    /// Defined only outside every service, and used by none or several.
    Outside,
}

/// Why a table created only outside every service is proposed for one service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Adoption {
    /// Only that service's code reads or writes it.
    OnlyUser,
    /// Its schema, or the path of the file that creates it, carries the service's name
    /// (`delivery.couriers`, `internal/core/data/…/01-tables.sql` for `core-data`).
    Named,
}

/// What the services' code says about one table, beyond its definitions.
#[derive(Clone, Copy, Debug, Default)]
pub struct Code<'a> {
    /// Each service's database (lower case), by service index.
    pub dbs: &'a [Option<String>],
    /// The services whose code reads or writes the table.
    pub users: &'a [usize],
    /// The services whose code writes it.
    pub writers: &'a [usize],
}

/// Decides a table's owner from the strongest evidence of each service (`None`: code
/// outside every service), what the services' code does with it, and the one service
/// its schema or file path names (`named`).
pub fn decide(
    sites: &BTreeMap<Option<usize>, Site>,
    code: &Code<'_>,
    named: Option<usize>,
) -> Decision {
    let Code {
        dbs,
        users,
        writers,
    } = *code;
    let created_outside = sites
        .get(&None)
        .is_some_and(|s| s.evidence == Evidence::Creates);
    let by_service: Vec<(usize, Evidence)> = sites
        .iter()
        .filter_map(|(s, site)| s.map(|s| (s, site.evidence)))
        .collect();
    let Some(best) = by_service.iter().map(|&(_, e)| e).min() else {
        return match (users, named) {
            ([owner], _) => Decision::Adopted {
                owner: *owner,
                reason: Adoption::OnlyUser,
            },
            (_, Some(owner)) => Decision::Adopted {
                owner,
                reason: Adoption::Named,
            },
            _ => Decision::Outside,
        };
    };
    // Creation outranks everything; a mapping and a change rank together, so that
    // one service mapping a table another alters is for a person to decide.
    let rank = |e: Evidence| e == Evidence::Creates;
    let top: Vec<usize> = by_service
        .iter()
        .filter(|&&(_, e)| rank(e) == rank(best))
        .map(|&(s, _)| s)
        .collect();
    match top.as_slice() {
        [owner] => Decision::Owned {
            owner: *owner,
            others: by_service
                .iter()
                .map(|&(s, _)| s)
                .filter(|s| s != owner)
                .collect(),
        },
        _ => {
            let named: BTreeSet<&str> = top
                .iter()
                .filter_map(|&s| dbs.get(s).and_then(Option::as_deref))
                .collect();
            let writing: Vec<usize> = top
                .iter()
                .copied()
                .filter(|s| writers.contains(s))
                .collect();
            if named.len() == top.len() {
                Decision::Each { owners: top }
            } else if let ([owner], false, true) = (writing.as_slice(), rank(best), created_outside)
            {
                // An infrastructure script creates it, several services map it, one
                // writes it: the writer.
                Decision::Owned {
                    owner: *owner,
                    others: by_service
                        .iter()
                        .map(|&(s, _)| s)
                        .filter(|s| s != owner)
                        .collect(),
                }
            } else {
                Decision::Undecided { candidates: top }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TableRef;

    fn creation(text: &str, name: &str) -> bool {
        let at = text.rfind(name).expect("name in text");
        is_creation(text, at)
    }

    #[test]
    fn creations_in_every_spelling() {
        assert!(creation("CREATE TABLE orders (id int);", "orders"));
        assert!(creation(
            "create unlogged table if not exists public.orders (",
            "orders"
        ));
        assert!(creation("CREATE TABLE \"Orders\" (", "Orders"));
        assert!(creation("  create_table :orders do |t|", "orders"));
        assert!(creation(
            "knex.schema.createTable('orders', (t) => {",
            "orders"
        ));
        assert!(creation(
            "migrationBuilder.CreateTable(\n    name: \"orders\",",
            "orders"
        ));
        assert!(creation("op.create_table(\n    'orders',", "orders"));
        assert!(creation(
            "manager.create_table(Table::create().table(Orders::Table)",
            "Orders"
        ));
    }

    #[test]
    fn changes_are_not_creations() {
        assert!(!creation(
            "ALTER TABLE products ADD COLUMN q int;",
            "products"
        ));
        assert!(!creation(
            "CREATE INDEX idx ON products (name);",
            "products"
        ));
        assert!(!creation("DROP TABLE products;", "products"));
        assert!(!creation(
            "manager.create_index(Index::create().name(\"idx-products\").table(Products::Table)",
            "Products"
        ));
        assert!(!creation(
            "ForeignKey::create().name(\"fk\").from(Items::Table, Items::P).to(Products::Table",
            "Products"
        ));
        assert!(!creation(
            "CREATE TABLE a (id int);\nALTER TABLE products ADD x int;",
            "products"
        ));
        assert!(!creation(
            "create_table :a do |t|\n  t.string :x\n  t.string :y\n  t.string :z\nend\nadd_column :products, :q",
            "products"
        ));
        assert!(!creation(
            "CREATE TABLE b AS SELECT * FROM products",
            "products"
        ));
        assert!(!is_creation("", 0));
        assert!(!is_creation("ünï create table", 1), "inside a character");
    }

    #[test]
    fn definitions_keep_high_confidence_ddl_and_models_in_registry_spelling() {
        let text = "CREATE TABLE Billing.Invoices (id int);\nALTER TABLE public.orders ADD x int;\nSELECT * FROM users;";
        let t = |schema: Option<&str>, name: &str| TableRef {
            database: None,
            schema: schema.map(str::to_string),
            name: name.to_string(),
            quoted: false,
        };
        let at = |s: &str| text.find(s).expect("in text");
        let accesses = vec![
            Access::table(
                AccessKind::Ddl,
                t(Some("Billing"), "Invoices"),
                at("Invoices"),
                8,
            ),
            Access::table(
                AccessKind::Ddl,
                t(Some("public"), "orders"),
                at("orders"),
                6,
            ),
            Access::table(AccessKind::Read, t(None, "users"), at("users"), 5),
            Access::table(AccessKind::Model, t(None, "weird name"), 0, 1),
            Access::table(AccessKind::Model, t(None, "guessed"), 0, 1).low(),
        ];
        let (defs, odd) = definitions(text, &accesses);
        assert_eq!(
            defs,
            vec![
                Definition {
                    table: "billing.invoices".into(),
                    evidence: Evidence::Creates,
                    line: 1,
                    view: false,
                    database: None,
                },
                Definition {
                    table: "orders".into(),
                    evidence: Evidence::Changes,
                    line: 2,
                    view: false,
                    database: None,
                },
            ]
        );
        assert_eq!(odd, vec!["weird name".to_string()]);
    }

    fn sites(list: &[(Option<usize>, Evidence)]) -> BTreeMap<Option<usize>, Site> {
        list.iter()
            .map(|&(s, evidence)| {
                (
                    s,
                    Site {
                        evidence,
                        path: String::new(),
                        line: 1,
                    },
                )
            })
            .collect()
    }

    fn decide_plain(sites: &BTreeMap<Option<usize>, Site>) -> Decision {
        decide(sites, &Code::default(), None)
    }

    #[test]
    fn separate_databases_writers_users_and_names_settle_what_definitions_do_not() {
        use Evidence::*;
        let two_creators = sites(&[(Some(0), Creates), (Some(1), Creates)]);
        let dbs = [
            Some("catalogdb".to_string()),
            Some("orderingdb".to_string()),
        ];
        let code = Code {
            dbs: &dbs,
            ..Code::default()
        };
        assert_eq!(
            decide(&two_creators, &code, None),
            Decision::Each { owners: vec![0, 1] }
        );
        let shared = [Some("db".to_string()), Some("db".to_string())];
        let code = Code {
            dbs: &shared,
            ..Code::default()
        };
        assert_eq!(
            decide(&two_creators, &code, None),
            Decision::Undecided {
                candidates: vec![0, 1]
            },
            "one database: still a person's call"
        );
        let code = Code {
            writers: &[1],
            ..Code::default()
        };
        let mappers = sites(&[(Some(0), Maps), (Some(1), Maps), (Some(2), Maps)]);
        assert!(
            matches!(decide(&mappers, &code, None), Decision::Undecided { .. }),
            "without a creator outside services, mappers are a person's call"
        );
        let mappers = sites(&[
            (Some(0), Maps),
            (Some(1), Maps),
            (Some(2), Maps),
            (None, Creates),
        ]);
        assert_eq!(
            decide(&mappers, &code, None),
            Decision::Owned {
                owner: 1,
                others: vec![0, 2]
            }
        );
        let code = Code {
            writers: &[1],
            ..Code::default()
        };
        assert!(
            matches!(
                decide(&two_creators, &code, None),
                Decision::Undecided { .. }
            ),
            "writing does not outrank creating"
        );
        let outside = sites(&[(None, Creates)]);
        let code = Code {
            users: &[2],
            ..Code::default()
        };
        assert_eq!(
            decide(&outside, &code, Some(1)),
            Decision::Adopted {
                owner: 2,
                reason: Adoption::OnlyUser
            }
        );
        let code = Code {
            users: &[0, 2],
            ..Code::default()
        };
        assert_eq!(
            decide(&outside, &code, Some(1)),
            Decision::Adopted {
                owner: 1,
                reason: Adoption::Named
            }
        );
        assert_eq!(decide(&outside, &code, None), Decision::Outside);
    }

    #[test]
    fn views_sequences_and_spellings() {
        let text = "CREATE OR REPLACE MATERIALIZED VIEW reporting.totals AS SELECT 1;\nCREATE VIEW v AS SELECT 1;\nCREATE TABLE t (id int);\nCREATE SEQUENCE public.t_id_seq;\nCREATE INDEX IF NOT EXISTS t_idx ON t (id);\nCREATE TYPE mood AS ENUM ('a');";
        assert!(is_view_creation(
            text,
            text.find("totals").expect("in text")
        ));
        assert!(is_view_creation(
            text,
            text.find(" v ").expect("in text") + 1
        ));
        assert!(!is_view_creation(
            text,
            text.find("t (id").expect("in text")
        ));
        let not_tables: Vec<String> = created_non_tables(text).into_iter().collect();
        assert_eq!(not_tables, ["mood", "t_id_seq", "t_idx"]);
        let t = |schema: Option<&str>, name: &str, quoted: bool| TableRef {
            database: None,
            schema: schema.map(str::to_string),
            name: name.to_string(),
            quoted,
        };
        assert_eq!(
            registry_spelling(&t(Some("Ordering"), "Orders", false)),
            "ordering.orders"
        );
        assert_eq!(
            registry_spelling(&t(Some("public"), "OrderItems", true)),
            "OrderItems"
        );
        assert_eq!(
            registry_spelling(&t(None, "AspNetUsers", true)),
            "AspNetUsers"
        );
    }

    #[test]
    fn the_one_creator_owns_and_others_are_named() {
        use Evidence::*;
        assert_eq!(
            decide_plain(&sites(&[
                (Some(0), Creates),
                (Some(1), Maps),
                (None, Changes)
            ])),
            Decision::Owned {
                owner: 0,
                others: vec![1]
            }
        );
        assert_eq!(
            decide_plain(&sites(&[(Some(2), Maps)])),
            Decision::Owned {
                owner: 2,
                others: vec![]
            }
        );
        assert_eq!(
            decide_plain(&sites(&[(Some(0), Creates), (Some(1), Creates)])),
            Decision::Undecided {
                candidates: vec![0, 1]
            }
        );
        assert_eq!(
            decide_plain(&sites(&[(Some(0), Maps), (Some(1), Changes)])),
            Decision::Undecided {
                candidates: vec![0, 1]
            }
        );
        assert_eq!(decide_plain(&sites(&[(None, Creates)])), Decision::Outside);
    }
}
