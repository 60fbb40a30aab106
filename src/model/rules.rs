//! The rule table: every rule's stable name, default severity, and the docs that
//! `ownlint explain` prints. Rules only build messages; severity, suppression and
//! presentation are applied centrally (see `super::finding` and `crate::report`).

use serde::Serialize;
use std::fmt;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Which part of ownlint a rule belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Problems in `data-ownership.yaml` itself.
    Registry,
    /// Code that breaks the ownership the registry declares.
    Code,
    /// The run itself: files that could not be read, stale baselines, suppressions.
    Run,
}

macro_rules! rules {
    ($( $variant:ident => $name:literal, $cat:ident, $sev:ident, $summary:literal; )*) => {
        /// Every rule ownlint knows, by stable name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $( $variant, )* }

        impl Rule {
            /// All rules, in documentation order.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The stable kebab-case name used in output, suppressions and config.
            pub fn name(self) -> &'static str {
                match self { $( Rule::$variant => $name, )* }
            }

            pub fn category(self) -> Category {
                match self { $( Rule::$variant => Category::$cat, )* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $( Rule::$variant => Severity::$sev, )* }
            }

            /// One line saying what the rule finds.
            pub fn summary(self) -> &'static str {
                match self { $( Rule::$variant => $summary, )* }
            }
        }
    };
}

rules! {
    DuplicateOwner => "duplicate-owner", Registry, Error, "A table is owned by more than one service in the same database namespace.";
    UnknownService => "unknown-service", Registry, Error, "The registry refers to a service that is not declared.";
    SelfDependency => "self-dependency", Registry, Error, "A service lists itself in `reads_from_apis`.";
    DuplicateEventPublisher => "duplicate-event-publisher", Registry, Error, "An event is published by more than one service.";
    UnpublishedEvent => "unpublished-event", Registry, Error, "A service consumes an event that no service publishes.";
    DependencyCycle => "dependency-cycle", Registry, Warning, "Services read each other's APIs in a cycle.";
    OverlappingPaths => "overlapping-paths", Registry, Error, "Two services claim the same directory.";
    MissingPaths => "missing-paths", Registry, Error, "A `paths` entry matches nothing in the repository.";
    InvalidPath => "invalid-path", Registry, Error, "A `paths`, `public` or `exclude` entry is empty, an invalid glob, or outside the repository.";
    BroadExclude => "broad-exclude", Registry, Error, "An `exclude` entry covers the whole repository or all of a service's code.";
    InvalidName => "invalid-name", Registry, Error, "A service, table or event name is empty or malformed.";
    ExpiredException => "expired-exception", Registry, Error, "An exception's `expires` date has passed.";
    InvalidException => "invalid-exception", Registry, Error, "An exception is incomplete: no table or import, an empty reason, or a malformed date.";
    UnknownRule => "unknown-rule", Registry, Error, "The registry's `rules` section names a rule that does not exist.";
    CrossServiceRead => "cross-service-read", Code, Error, "A service reads a table owned by another service.";
    CrossServiceWrite => "cross-service-write", Code, Error, "A service writes a table owned by another service.";
    CrossServiceDdl => "cross-service-ddl", Code, Error, "A service creates, alters or drops a table owned by another service.";
    CrossServiceModel => "cross-service-model", Code, Error, "A service maps an ORM model onto a table owned by another service.";
    CrossServiceForeignKey => "cross-service-foreign-key", Code, Error, "A service's schema points a foreign key at a table owned by another service.";
    CrossServiceImport => "cross-service-import", Code, Error, "A service imports code that lives inside another service, outside its public paths.";
    UnownedTable => "unowned-table", Code, Error, "Code creates or maps a table that no service owns.";
    SharedDatabaseCredentials => "shared-database-credentials", Code, Error, "A service's deployment configuration connects to another service's database, or two services share a database user or connection string.";
    UndeclaredApiDependency => "undeclared-api-dependency", Code, Error, "A service calls another service's API that its `reads_from_apis` does not list.";
    UnusedApiDependency => "unused-api-dependency", Code, Warning, "A `reads_from_apis` entry that the code never uses (reported only where the evidence is complete enough).";
    UndeclaredEvent => "undeclared-event", Code, Error, "A service publishes or consumes an event its `publishes_events`/`consumes_events` does not list.";
    UnassignedAccess => "unassigned-access", Code, Warning, "Code outside every service touches a service-owned table.";
    UnusedSuppression => "unused-suppression", Run, Warning, "An `ownlint: allow(...)` comment suppresses nothing.";
    InvalidSuppression => "invalid-suppression", Run, Warning, "An `ownlint: allow(...)` comment has no reason or names no known rule.";
    SkippedFile => "skipped-file", Run, Error, "A file was not analysed: too large, unreadable, binary, or refused by its parser.";
    ParseError => "parse-error", Run, Warning, "A file could not be parsed completely; what could be read was still checked.";
    InternalError => "internal-error", Run, Error, "ownlint failed while analysing a file; the run is incomplete.";
    TooManyFindings => "too-many-findings", Run, Warning, "A file has more findings than a report lists; the rest are counted in one finding.";
    StaleBaseline => "stale-baseline", Run, Error, "A baseline entry no longer matches any finding.";
}

/// The key of the registry's `rules` section that sets the severity of low-confidence
/// findings (see [`LOW_CONFIDENCE_DEFAULT`]): not a rule of its own, a ceiling on the
/// severity of every rule's low-confidence findings.
pub const LOW_CONFIDENCE: &str = "low-confidence";

/// The severity low-confidence findings have at most unless the registry sets
/// [`LOW_CONFIDENCE`]: a guess never fails CI by default.
pub const LOW_CONFIDENCE_DEFAULT: Severity = Severity::Warning;

/// Whether `name` may be a key of the registry's `rules` section: a rule's name or
/// [`LOW_CONFIDENCE`].
pub fn is_level_key(name: &str) -> bool {
    name == LOW_CONFIDENCE || Rule::from_name(name).is_some()
}

impl Rule {
    /// Looks a rule up by its name.
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.name() == name)
    }

    /// The rule a cross-service access of this kind breaks.
    pub fn for_access(kind: crate::model::AccessKind) -> Rule {
        use crate::model::AccessKind as K;
        match kind {
            K::Read => Rule::CrossServiceRead,
            K::Write => Rule::CrossServiceWrite,
            K::Ddl => Rule::CrossServiceDdl,
            K::Model => Rule::CrossServiceModel,
            K::ForeignKey => Rule::CrossServiceForeignKey,
            K::Import => Rule::CrossServiceImport,
        }
    }

    /// Where the rule's documentation lives online (also printed by `ownlint explain`).
    pub fn doc_url(self) -> String {
        format!("{DOCS_BASE}#{}", self.name())
    }

    /// The rule's full documentation: what it does, why it matters, an example, how
    /// to fix it, how to suppress it.
    pub fn docs(self) -> RuleDocs {
        super::rule_docs::docs(self)
    }
}

/// Base of the rule documentation (docs/rules.md in the repository).
pub const DOCS_BASE: &str = "https://github.com/ownlint/ownlint/blob/main/docs/rules.md";

/// The sections of a rule's documentation, each Markdown (paragraphs, `code`, fenced
/// code blocks, `- ` lists), rendered by `ownlint explain` and into docs/rules.md.
#[derive(Clone, Copy, Debug)]
pub struct RuleDocs {
    /// What the rule finds, precisely.
    pub what: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// A bad snippet and the finding it produces.
    pub example: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// How to suppress it when fixing is not the right call (yet).
    pub suppress: &'static str,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for rule in Rule::ALL {
            let name = rule.name();
            assert!(seen.insert(name), "duplicate rule name {name}");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name} is not kebab-case"
            );
            assert_eq!(Rule::from_name(name), Some(*rule));
        }
    }

    #[test]
    fn every_rule_has_docs() {
        for rule in Rule::ALL {
            let d = rule.docs();
            for (section, text) in [
                ("what", d.what),
                ("why", d.why),
                ("example", d.example),
                ("fix", d.fix),
                ("suppress", d.suppress),
            ] {
                assert!(!text.trim().is_empty(), "{rule}: empty {section}");
            }
        }
    }
}
