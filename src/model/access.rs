//! What a piece of code does with data: the output of every language extractor.
//!
//! Extractors know nothing about the registry. They report each table or module a file
//! touches as an [`Access`] with a byte range into the file's text; the resolver later
//! decides whether that access crosses a service boundary. Keeping extractors pure
//! (path + text in, accesses out) is what makes each language testable on its own.

use serde::Serialize;

/// The kind of access, which selects the rule a cross-service access breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessKind {
    /// SELECT, JOIN, subquery source, ORM query builder reads.
    Read,
    /// INSERT, UPDATE, DELETE, MERGE, TRUNCATE, COPY targets.
    Write,
    /// CREATE/ALTER/DROP TABLE, CREATE INDEX ON, RENAME, migration DSLs.
    Ddl,
    /// An ORM model or schema mapping onto the table.
    Model,
    /// `REFERENCES t` in a foreign key.
    ForeignKey,
    /// An import of another module, crate or package.
    Import,
}

impl AccessKind {
    /// The name used in JSON output and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessKind::Read => "read",
            AccessKind::Write => "write",
            AccessKind::Ddl => "ddl",
            AccessKind::Model => "model",
            AccessKind::ForeignKey => "foreign-key",
            AccessKind::Import => "import",
        }
    }
}

/// How sure the extractor is that the access is real.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Parsed from a real statement or a well-known ORM shape.
    High,
    /// Found by a keyword scan of SQL that did not parse, or inferred from a naming convention.
    Low,
}

/// A table as the code names it. Names are kept as written; comparison rules
/// (case folding unless quoted, default schema) live in the resolver.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableRef {
    /// Database named by `USE db;`, `\c db`, or a three-part name.
    pub database: Option<String>,
    /// Schema from a qualified name (`billing.invoices`) or an ORM's schema option.
    pub schema: Option<String>,
    /// The table name, without quotes.
    pub name: String,
    /// True when the name was quoted (`"Users"`), which makes it case-sensitive.
    pub quoted: bool,
}

impl TableRef {
    /// An unqualified, unquoted table name.
    pub fn bare(name: impl Into<String>) -> Self {
        TableRef {
            database: None,
            schema: None,
            name: name.into(),
            quoted: false,
        }
    }
}

/// What an import names, in the form the resolver can look up.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ImportRef {
    /// A crate, package or module by name: `orders_db` (Rust), `@acme/orders` (npm),
    /// `github.com/acme/orders/model` (Go), `orders.models` (Python),
    /// `com.acme.orders.model.Order` or `com.acme.orders.model.*` (Java), `Acme.Orders`
    /// (a C# `using`). The resolver (`scan::imports`) turns it into the files or
    /// directories it means with the language's own rules.
    Package(String),
    /// A file or directory path, relative to the repository root and `/`-separated,
    /// already resolved against the importing file (TypeScript `../../orders/src/db`).
    Path(String),
}

/// What the access is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Table(TableRef),
    Import(ImportRef),
}

/// Where a constant whose value the code filled into a query is defined: the access's
/// label stays on the query, and a related label points here.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The constant as the code names it (`ORDERS_TABLE`, `Tables.ORDERS`).
    pub name: String,
    pub place: Place,
}

impl Origin {
    /// A constant defined in the same file, its value at `offset..offset + len`.
    pub fn here(name: &str, offset: usize, len: usize) -> Origin {
        Origin {
            name: name.to_string(),
            place: Place::Here { offset, len },
        }
    }
}

/// Where a constant is defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Place {
    /// In the same file: the byte range of the value (its literal).
    Here { offset: usize, len: usize },
    /// In another file of the same package: the index the scan gave the definition
    /// when it handed the file's extractor the package's constants.
    Elsewhere(usize),
}

/// One access found in a file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Access {
    pub kind: AccessKind,
    pub target: Target,
    /// Byte offset into the file's text where the name stands (the primary label).
    pub offset: usize,
    /// Length in bytes of the name as written (at least 1 when the file is non-empty).
    pub len: usize,
    pub confidence: Confidence,
    /// The constant the table name came from, when the code did not write it at the
    /// access itself.
    pub origin: Option<Box<Origin>>,
}

impl Access {
    /// A high-confidence table access.
    pub fn table(kind: AccessKind, table: TableRef, offset: usize, len: usize) -> Self {
        Access {
            kind,
            target: Target::Table(table),
            offset,
            len,
            confidence: Confidence::High,
            origin: None,
        }
    }

    /// A high-confidence import access.
    pub fn import(import: ImportRef, offset: usize, len: usize) -> Self {
        Access {
            kind: AccessKind::Import,
            target: Target::Import(import),
            offset,
            len,
            confidence: Confidence::High,
            origin: None,
        }
    }

    /// The same access marked as lower confidence.
    pub fn low(mut self) -> Self {
        self.confidence = Confidence::Low;
        self
    }
}

/// The package ecosystems imports are resolved in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ecosystem {
    Cargo,
    Npm,
    Go,
    Python,
    Jvm,
}
