//! The checked registry every command reads: plain data with the location of every
//! entry, so that any finding can point at the registry line that explains it.

use super::model::{Dialect, ExceptionAccess, SeverityLevel};
use super::tables::TableIndex;
use crate::model::finding::{LineIndex, Loc};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

/// A string from the registry and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub value: String,
    pub loc: Loc,
}

/// A table's identity: (database, schema, table), folded to lower case. Services that
/// declare no database share the `None` namespace.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableKey {
    /// Shared by all the tables of a service (`Arc`: the registry is read by every scan
    /// thread).
    pub database: Option<std::sync::Arc<str>>,
    pub schema: std::sync::Arc<str>,
    pub name: String,
}

/// The schema tables live in when neither the name nor the service names one.
pub const DEFAULT_SCHEMA: &str = "public";

/// A table a service owns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedTable {
    pub key: TableKey,
    /// The `owns` entry as written. Where it stands: [`Registry::owns_loc`].
    pub written: String,
}

/// One `reads_from_apis` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiRead {
    /// The service whose API is read.
    pub target: Item,
    /// The endpoints used, as written.
    pub endpoints: Vec<Item>,
}

/// One service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    /// Where the service's key stands.
    pub loc: Loc,
    pub owns: Vec<OwnedTable>,
    /// Where the `owns` list stands (the service's key when it has none).
    pub owns_at: Loc,
    /// The byte range of each `owns` entry (`None`: not followed), found at the
    /// first [`Registry::owns_loc`].
    pub owns_located: OnceLock<Vec<Option<(usize, usize)>>>,
    pub publishes: Vec<Item>,
    pub consumes: Vec<Item>,
    pub reads: Vec<ApiRead>,
    /// Directories or globs of the service's code: the declared `paths`, or the
    /// default directory that exists (see [`Registry::resolve_default_paths`]).
    pub paths: Vec<Item>,
    /// True when `paths` was written in the registry (not defaulted).
    pub paths_declared: bool,
    pub public: Vec<Item>,
    pub database: Option<Item>,
    pub schema: Option<Item>,
    pub dialect: Option<Dialect>,
    pub team: Option<String>,
    /// Host names or URL prefixes that identify the service (`hosts`; empty: the
    /// defaults of [`crate::drift::hosts`]).
    pub hosts: Vec<Item>,
    /// Event name → topic name, where they differ (`topics`).
    pub topics: Vec<(Item, Item)>,
}

impl Service {
    /// The database namespace key of the service (`None`: the shared namespace).
    pub fn database_key(&self) -> Option<String> {
        self.database.as_ref().map(|d| d.value.to_lowercase())
    }

    /// The schema its unqualified tables live in.
    pub fn schema_key(&self) -> String {
        self.schema
            .as_ref()
            .map_or_else(|| DEFAULT_SCHEMA.to_string(), |s| s.value.to_lowercase())
    }
}

/// A granted deviation from the ownership rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exception {
    pub service: Item,
    pub table: Option<Item>,
    pub import: Option<Item>,
    /// A database whose credentials the service may hold (`shared-database-credentials`).
    pub database: Option<Item>,
    /// A service whose API may be called undeclared.
    pub api: Option<Item>,
    /// An event or topic that may be published or consumed undeclared.
    pub event: Option<Item>,
    /// Granted access kinds; empty means all.
    pub access: Vec<ExceptionAccess>,
    pub reason: Item,
    pub expires: Option<Item>,
    /// Where the exception's entry starts.
    pub loc: Loc,
}

/// The loaded registry.
#[derive(Clone, Debug)]
pub struct Registry {
    /// The repository root: the directory holding the registry file.
    pub root: PathBuf,
    /// The registry file's path relative to the root (its file name).
    pub file: String,
    /// The registry's text, for diagnostics.
    pub source: String,
    pub services: Vec<Service>,
    pub exclude: Vec<Item>,
    pub exceptions: Vec<Exception>,
    /// Severity overrides, as written.
    pub rule_levels: Vec<(Item, SeverityLevel)>,
    pub(super) by_name: HashMap<String, usize>,
    /// Line starts of `source`, built at the first [`Registry::owns_loc`].
    pub(super) lines: OnceLock<LineIndex>,
    /// The `owns` entries by name, built at the first [`Registry::tables`].
    pub(super) tables: OnceLock<TableIndex>,
}

impl Registry {
    /// Where entry `entry` of service `service`'s `owns` list stands: found in the text
    /// once per service, when a finding first points into its list
    /// (`src/registry/locate.rs`); the list itself where its text is written in a way
    /// that is not followed.
    pub fn owns_loc(&self, service: usize, entry: usize) -> Loc {
        let Some(svc) = self.services.get(service) else {
            return Loc::default();
        };
        let ranges = svc.owns_located.get_or_init(|| {
            let written: Vec<&str> = svc.owns.iter().map(|t| t.written.as_str()).collect();
            super::locate::sequence_entries(&self.source, svc.owns_at.offset, &written)
        });
        // Only the entry asked for is turned into a line and column: a finding names
        // one entry of a list that may hold thousands.
        match ranges.get(entry).copied().flatten() {
            Some((offset, len)) => self.lines.get_or_init(|| LineIndex::new(&self.source)).loc(
                &self.source,
                offset,
                len,
            ),
            None => svc.owns_at,
        }
    }

    /// The `owns` entries of every service by name (`src/registry/tables.rs`).
    pub fn tables(&self) -> &TableIndex {
        self.tables.get_or_init(|| TableIndex::new(&self.services))
    }

    /// The service called `name`.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.by_name.get(name).map(|&i| &self.services[i])
    }

    /// The index of the service called `name` in [`Registry::services`].
    pub fn service_index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The severity configured for `rule`: `None` when the rule is off.
    pub fn severity(
        &self,
        rule: crate::model::rules::Rule,
    ) -> Option<crate::model::rules::Severity> {
        self.level(rule.name(), rule.default_severity())
    }

    /// The most a low-confidence finding weighs (`rules: {low-confidence: …}`,
    /// [`crate::model::rules::LOW_CONFIDENCE`]): `None` when such findings are off.
    pub fn low_confidence_severity(&self) -> Option<crate::model::rules::Severity> {
        use crate::model::rules::{LOW_CONFIDENCE, LOW_CONFIDENCE_DEFAULT};
        self.level(LOW_CONFIDENCE, LOW_CONFIDENCE_DEFAULT)
    }

    /// The severity the `rules` section gives `key` (the last entry wins), else
    /// `default`; `None` for `off`.
    fn level(
        &self,
        key: &str,
        default: crate::model::rules::Severity,
    ) -> Option<crate::model::rules::Severity> {
        use crate::model::rules::Severity;
        let level = self
            .rule_levels
            .iter()
            .rev()
            .find(|(name, _)| name.value == key)
            .map(|(_, level)| *level);
        match level {
            None => Some(default),
            Some(SeverityLevel::Error) => Some(Severity::Error),
            Some(SeverityLevel::Warning) => Some(Severity::Warning),
            Some(SeverityLevel::Off) => None,
        }
    }

    /// Fills in the default `paths` of services that declare none: the first existing
    /// directory of `services/<name>`, `apps/<name>`, `<name>`. A service with none of
    /// them simply has no code yet. A malformed name (reported as `invalid-name`, and
    /// possibly holding `/` or `..`) gets no default, so it cannot reach outside the
    /// repository.
    pub fn resolve_default_paths(&mut self) {
        let root = self.root.clone();
        for svc in &mut self.services {
            if svc.paths_declared || !super::validate::valid_service_name(&svc.name) {
                continue;
            }
            let candidates = [
                format!("services/{}", svc.name),
                format!("apps/{}", svc.name),
                svc.name.clone(),
            ];
            svc.paths = candidates
                .into_iter()
                .find(|c| root.join(c).is_dir())
                .map(|c| Item {
                    value: c,
                    loc: svc.loc,
                })
                .into_iter()
                .collect();
        }
    }
}
