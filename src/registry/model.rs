//! The registry's data: the serde types that `data-ownership.yaml` deserializes into
//! (with source spans), and the checked, span-carrying [`Registry`] the rest of the
//! program reads.
//!
//! Two layers, as in cargo-deny: the raw layer mirrors the file (so unknown keys and
//! type errors are caught by serde at the right place) and doubles as the source of the
//! JSON Schema; the second layer is what commands use, with every entry's location.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// A value and where it stands in the registry file.
pub type S<T> = Spanned<T>;

/// `data-ownership.yaml`: who owns which tables, who publishes and consumes which
/// events, and whose APIs each service reads.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "ownlint data-ownership registry")]
pub struct RawRegistry {
    /// Format version of this file. Only `1` exists; omit it or set it to 1.
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub version: Option<S<u32>>,
    /// Every service of the monorepo, by name (kebab-case recommended).
    #[schemars(with = "IndexMap<String, RawService>")]
    pub services: IndexMap<S<String>, RawService>,
    /// Paths (directories or globs, relative to the repo root) that belong to no
    /// service and are never scanned, e.g. infrastructure scripts.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub exclude: Vec<S<String>>,
    /// Granted deviations from the ownership rules. Each needs a reason; an expired
    /// one is itself an error.
    #[serde(default)]
    pub exceptions: Vec<RawException>,
    /// Severity overrides by rule name: `error`, `warning` or `off`. The key
    /// `low-confidence` sets the most a low-confidence finding weighs (default
    /// `warning`, so a guess never fails CI; `error` lets it).
    #[serde(default)]
    #[schemars(with = "IndexMap<String, SeverityLevel>")]
    pub rules: IndexMap<S<String>, S<SeverityLevel>>,
}

/// One service's declaration.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    /// Tables this service owns exclusively. `schema.table` names a table in another
    /// schema than the service's `schema`.
    // The list is spanned, its entries are not: see `src/registry/locate.rs`.
    #[serde(default = "no_tables")]
    #[schemars(with = "Vec<String>")]
    pub owns: S<Vec<String>>,
    /// Events this service publishes (dotted names such as `order.placed`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub publishes_events: Vec<S<String>>,
    /// Events this service consumes; each must be published by some service.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub consumes_events: Vec<S<String>>,
    /// Other services whose APIs this service calls: a list of one-key maps from the
    /// service name to the endpoints used, e.g. `- order-service: [GET /orders]`.
    #[serde(default)]
    #[schemars(with = "Vec<IndexMap<String, Vec<String>>>")]
    pub reads_from_apis: Vec<IndexMap<S<String>, Vec<S<String>>>>,
    /// Directories or globs holding the service's code. Default: the first existing of
    /// `services/<name>`, `apps/<name>`, `<name>`.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub paths: Option<Vec<S<String>>>,
    /// Paths inside the service that other services may import (API clients, event
    /// and message types), e.g. `services/orders/orders-api`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub public: Vec<S<String>>,
    /// The logical database the service's tables live in. Services that declare no
    /// database share one namespace.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub database: Option<S<String>>,
    /// The database schema the service's tables live in (default `public`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub schema: Option<S<String>>,
    /// SQL dialect tried first when parsing this service's SQL: `postgres`, `mysql`,
    /// `sqlite` or `generic`.
    #[serde(default)]
    #[schemars(with = "Option<Dialect>")]
    pub dialect: Option<S<Dialect>>,
    /// The team that owns the service, named in findings so people know whom to ask.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub team: Option<S<String>>,
    /// Free text describing the service.
    #[serde(default)]
    pub description: Option<String>,
    /// Host names or URL prefixes that identify this service when other services call
    /// it (`order-service`, `orders.internal`, `http://orders.example.com/api`). Default:
    /// the service's name and its spellings with `-`, `_` or nothing between words.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub hosts: Vec<S<String>>,
    /// The topic, queue or channel name of an event where it differs from the event's
    /// name, e.g. `{order.placed: orders.v1}`.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, String>")]
    pub topics: IndexMap<S<String>, S<String>>,
}

/// An absent `owns`: no tables, and no place in the file.
fn no_tables() -> S<Vec<String>> {
    Spanned::new(
        Vec::new(),
        serde_saphyr::Location::UNKNOWN,
        serde_saphyr::Location::UNKNOWN,
    )
}

/// SQL dialects a service may hint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    #[serde(alias = "postgresql")]
    Postgres,
    Mysql,
    Sqlite,
    Generic,
}

impl Dialect {
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
            Dialect::Sqlite => "sqlite",
            Dialect::Generic => "generic",
        }
    }
}

/// A severity a rule can be set to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SeverityLevel {
    Error,
    Warning,
    Off,
}

/// A kind of access an exception may grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ExceptionAccess {
    Read,
    Write,
    Ddl,
    Model,
    ForeignKey,
    Import,
}

/// A granted deviation: `service` may do `access` to `table` (or import `import`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawException {
    /// The service granted the deviation.
    #[schemars(with = "String")]
    pub service: S<String>,
    /// The table it may touch (owned by another service).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub table: Option<S<String>>,
    /// The crate, package or path it may import from another service.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub import: Option<S<String>>,
    /// The database (as a `shared-database-credentials` finding names it: a database
    /// or a database host) the service may hold credentials of.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub database: Option<S<String>>,
    /// The service whose API it may call without listing it in `reads_from_apis`
    /// (covers `undeclared-api-dependency`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub api: Option<S<String>>,
    /// The event or topic it may publish or consume without declaring it (covers
    /// `undeclared-event`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub event: Option<S<String>>,
    /// Which accesses are granted; all of them when absent.
    #[serde(default)]
    #[schemars(with = "Vec<ExceptionAccess>")]
    pub access: Vec<S<ExceptionAccess>>,
    /// Why the deviation is acceptable (required).
    #[schemars(with = "String")]
    pub reason: S<String>,
    /// The date (YYYY-MM-DD) after which the exception no longer applies.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub expires: Option<S<String>>,
}
