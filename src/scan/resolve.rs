//! Turning a file's [`Access`]es into findings: which service owns each table, which
//! service each import lands in, and whether that crosses a boundary.

use super::imports::ImportIndex;
use super::packages::PackageIndex;
use super::{Access, AccessKind, ImportRef, Target};
use crate::lang::Language;
use crate::model::TableRef;
use crate::model::finding::Finding;
use crate::model::rules::Rule;
use crate::registry::{OwnedTable, PathMap, Registry};

/// Everything resolution needs, built once and shared read-only by all threads.
pub struct Resolver<'a> {
    pub reg: &'a Registry,
    pub paths: &'a PathMap,
    pub packages: &'a PackageIndex,
    pub imports: &'a ImportIndex,
}

/// The file being resolved.
pub struct FileCtx<'t> {
    pub rel: &'t str,
    pub text: &'t str,
    /// Line starts of `text`, built once per file.
    pub index: &'t crate::model::finding::LineIndex,
    pub service: Option<usize>,
    pub lang: Language,
}

impl<'a> Resolver<'a> {
    pub fn new(
        reg: &'a Registry,
        paths: &'a PathMap,
        packages: &'a PackageIndex,
        imports: &'a ImportIndex,
    ) -> Self {
        Resolver {
            reg,
            paths,
            packages,
            imports,
        }
    }

    /// The finding an access amounts to, if any.
    pub fn resolve(&self, file: &FileCtx<'_>, access: &Access) -> Option<Finding> {
        match &access.target {
            Target::Table(t) => self.table(file, access, t),
            Target::Import(i) => self.import(file, access, i),
        }
    }

    /// The owners `table` may mean for code in `service`: empty when the accessing
    /// service owns it itself (its own `outbox` or local projection) or nobody does.
    /// Names compare case-insensitively, but a quoted name only within the rule of
    /// [`spelled_alike`].
    fn owners(&self, table: &TableRef, service: Option<usize>) -> Owners<'a> {
        let reg = self.reg;
        // The index is by folded name.
        let folded = if table.name.chars().any(char::is_uppercase) {
            std::borrow::Cow::Owned(table.name.to_lowercase())
        } else {
            std::borrow::Cow::Borrowed(table.name.as_str())
        };
        // In registry order: the first owner is the one a finding names.
        let mut all: Vec<(usize, usize)> = reg.tables().owners(folded.as_bytes()).collect();
        all.sort_unstable();
        let mut candidates: Vec<Owner<'a>> = all
            .into_iter()
            .map(|(service, entry)| Owner {
                service,
                entry,
                table: &reg.services[service].owns[entry],
            })
            .filter(|o| {
                table
                    .schema
                    .as_ref()
                    .is_none_or(|s| *o.table.key.schema == *s.to_lowercase())
            })
            .filter(|o| {
                table.database.as_ref().is_none_or(|d| {
                    o.table
                        .key
                        .database
                        .as_ref()
                        .is_none_or(|td| **td == *d.to_lowercase())
                })
            })
            .collect();
        if table.quoted {
            candidates = spelled_alike(candidates, &table.name);
        }
        if candidates.is_empty() {
            return Owners::Nobody;
        }
        if let Some(own) = service {
            if candidates.iter().any(|o| o.service == own) {
                return Owners::Own;
            }
            // Prefer owners in the accessing service's own database namespace.
            let db = reg.services[own].database_key();
            let same_db: Vec<_> = candidates
                .iter()
                .copied()
                .filter(|o| o.table.key.database.as_deref() == db.as_deref())
                .collect();
            if !same_db.is_empty() {
                return Owners::Others(same_db);
            }
        }
        Owners::Others(candidates)
    }

    fn table(&self, file: &FileCtx<'_>, access: &Access, table: &TableRef) -> Option<Finding> {
        if table.name == crate::lang::sql::HOLE || table.name.is_empty() {
            return None;
        }
        let kind = access.kind;
        match self.owners(table, file.service) {
            Owners::Own => None,
            Owners::Nobody => {
                let creates = matches!(kind, AccessKind::Ddl | AccessKind::Model);
                if !creates || access.confidence == super::Confidence::Low {
                    return None;
                }
                let svc_name = file.service.map(|s| self.reg.services[s].name.as_str());
                let whose = svc_name.map_or_else(
                    || "code outside every service".to_string(),
                    |s| format!("`{s}`"),
                );
                let what = if kind == AccessKind::Ddl {
                    "defines"
                } else {
                    "maps a model onto"
                };
                let mut f = Finding::new(Rule::UnownedTable, format!("{whose} {what} table `{}`, which no service owns", table.name))
                    .at_indexed(file.rel, file.text, file.index, access.offset, access.len, "no owner in data-ownership.yaml")
                    .help(match svc_name {
                        Some(s) => format!("add `{}` to the `owns` list of `{s}` (or of the service that really owns it)", table.name.to_lowercase()),
                        None => format!("add `{}` to the `owns` list of the service that owns it", table.name.to_lowercase()),
                    })
                    .subject(table.name.to_lowercase());
                f.table = Some(table.name.to_lowercase());
                f.access = Some(kind);
                f.confidence = Some(access.confidence);
                if let Some(s) = svc_name {
                    f = f.service(s);
                }
                Some(f)
            }
            Owners::Others(owners) => {
                let first = owners[0];
                let owner = &self.reg.services[first.service];
                let table_name = first.table.key.name.clone();
                let (rule, message, help) = match file.service {
                    Some(s) => {
                        let me = &self.reg.services[s].name;
                        (
                            Rule::for_access(kind),
                            format!(
                                "`{me}` {} table `{}`, owned by `{}`",
                                verb(kind),
                                table.name,
                                owner.name
                            ),
                            help_for(kind, &owner.name),
                        )
                    }
                    None => (
                        Rule::UnassignedAccess,
                        format!(
                            "code outside every service {} table `{}`, owned by `{}`",
                            verb(kind),
                            table.name,
                            owner.name
                        ),
                        format!(
                            "move this file into a service's `paths` (or `exclude` it in the registry), or go through `{}`'s API",
                            owner.name
                        ),
                    ),
                };
                let label = match kind {
                    AccessKind::ForeignKey => "foreign key to another service's table",
                    AccessKind::Model => "mapped here",
                    _ => "accessed here",
                };
                let mut owned_by = format!("owned by `{}` here", owner.name);
                if let Some(team) = &owner.team {
                    owned_by.push_str(&format!(" (team {team})"));
                }
                let mut f = Finding::new(rule, message)
                    .at_indexed(
                        file.rel,
                        file.text,
                        file.index,
                        access.offset,
                        access.len,
                        label,
                    )
                    .related(
                        &self.reg.file,
                        self.reg.owns_loc(first.service, first.entry),
                        owned_by,
                    )
                    .help(help)
                    .subject(&table_name);
                for other in &owners[1..] {
                    f = f.related(
                        &self.reg.file,
                        self.reg.owns_loc(other.service, other.entry),
                        "also owned here (another database)",
                    );
                }
                f.table = Some(table_name);
                f.owner = Some(owner.name.clone());
                f.access = Some(kind);
                f.confidence = Some(access.confidence);
                if let Some(s) = file.service {
                    f = f.service(&self.reg.services[s].name);
                }
                Some(f)
            }
        }
    }

    /// The one place where an import's ownership is decided: the import is resolved
    /// to the paths it may mean (`scan::imports`), and it crosses a boundary only
    /// when every one of them is private code of another service. A path in the
    /// importing service, in a service's `public` paths or outside every service
    /// (shared libraries, contract modules) means no finding, and so does an import
    /// that resolves to nothing in the repository (an external package).
    /// The service whose private code the resolved `path` is: `None` for code outside
    /// every service, a service's `public` paths and installed third-party code
    /// (`node_modules`).
    fn private_owner(&self, path: &str) -> Option<usize> {
        if super::imports::is_installed(path) {
            return None;
        }
        self.paths
            .service_of(path)
            .filter(|&s| !self.paths.is_public(s, path))
    }

    /// The imports of services' private code by `file`, which is outside every
    /// service: (service, what `public` would list for it, the importing file), for
    /// `init` (`super::Scan::library_imports`).
    pub fn library_imports(
        &self,
        file: &FileCtx<'_>,
        accesses: &[Access],
    ) -> Vec<(usize, String, String)> {
        let mut out = Vec::new();
        for a in accesses {
            let Target::Import(import) = &a.target else {
                continue;
            };
            for path in self
                .imports
                .resolve(self.packages, file.rel, file.lang, None, import)
            {
                if let Some(s) = self.private_owner(&path) {
                    let entry = self.imports.public_entry(&path).to_string();
                    out.push((s, entry, file.rel.to_string()));
                }
            }
        }
        out
    }

    fn import(&self, file: &FileCtx<'_>, access: &Access, import: &ImportRef) -> Option<Finding> {
        let me = file.service?;
        let resolved = self
            .imports
            .resolve(self.packages, file.rel, file.lang, Some(me), import);
        let mut crossing: Option<(usize, &str)> = None;
        for path in &resolved {
            match self.private_owner(path) {
                Some(s) if s != me => {
                    crossing.get_or_insert((s, path));
                }
                _ => return None,
            }
        }
        let (target, path) = crossing?;
        // The import as written in the file (`../../users/sdk`), for the message.
        let shown = file
            .text
            .get(access.offset..access.offset + access.len)
            .map(|w| w.trim_matches(['"', '\'', '`']))
            .filter(|w| !w.is_empty())
            .map_or_else(
                || match import {
                    ImportRef::Package(p) | ImportRef::Path(p) => p.clone(),
                },
                str::to_string,
            );
        let owner = &self.reg.services[target];
        let mine = &self.reg.services[me].name;
        let shared = self.imports.public_entry(path);
        let message = format!(
            "`{mine}` imports `{shown}`, which resolves to `{path}` inside `{}`",
            owner.name
        );
        let mut f = Finding::new(Rule::CrossServiceImport, message)
        .at_indexed(file.rel, file.text, file.index, access.offset, access.len, "imported here")
        .related(&self.reg.file, owner.loc, format!("`{}` declared here", owner.name))
        .help(format!(
            "depend on `{}`'s published API or event types instead; if this code is meant to be shared, list `{shared}` under `{}`'s `public`",
            owner.name, owner.name
        ))
        .service(mine)
        .subject(&shown);
        f.import = Some(shown);
        f.owner = Some(owner.name.clone());
        f.access = Some(AccessKind::Import);
        f.confidence = Some(access.confidence);
        Some(f)
    }
}

/// The owners a quoted name means among `candidates` (the entries of its name in any
/// case): those spelled exactly like it; failing those, all of them when they share
/// one spelling, since the registry then names no other table it could mean
/// (`"singleTypes_components"` in code and `singletypes_components`, as `ownlint
/// init` writes it); none when they differ among themselves only by case, since
/// which one a quoted name means would be a guess.
fn spelled_alike<'a>(candidates: Vec<Owner<'a>>, name: &str) -> Vec<Owner<'a>> {
    fn spelling<'a>(o: &Owner<'a>) -> &'a str {
        let written = o.table.written.trim();
        written.rsplit_once('.').map_or(written, |(_, n)| n)
    }
    if candidates.iter().any(|o| spelling(o) == name) {
        return candidates
            .into_iter()
            .filter(|o| spelling(o) == name)
            .collect();
    }
    let first = candidates.first().map(spelling);
    if candidates.iter().all(|o| Some(spelling(o)) == first) {
        candidates
    } else {
        Vec::new()
    }
}

enum Owners<'a> {
    /// The accessing service owns the table.
    Own,
    /// No service owns it.
    Nobody,
    /// Other services own it, the most likely first.
    Others(Vec<Owner<'a>>),
}

/// A service that owns a table: its index, the index of the entry in its `owns`, and
/// the entry.
#[derive(Clone, Copy)]
struct Owner<'a> {
    service: usize,
    entry: usize,
    table: &'a OwnedTable,
}

fn verb(kind: AccessKind) -> &'static str {
    match kind {
        AccessKind::Read => "reads",
        AccessKind::Write => "writes",
        AccessKind::Ddl => "changes the schema of",
        AccessKind::Model => "maps a model onto",
        AccessKind::ForeignKey => "points a foreign key at",
        AccessKind::Import => "imports",
    }
}

fn help_for(kind: AccessKind, owner: &str) -> String {
    match kind {
        AccessKind::Read => format!(
            "read through `{owner}`'s API (and list it under `reads_from_apis`), or keep a local projection fed by its events; a deliberate exception goes in the registry's `exceptions`"
        ),
        AccessKind::Write => format!(
            "ask `{owner}` to make the change through its API or a command event; only the owner writes its tables"
        ),
        AccessKind::Ddl => {
            format!("move this migration to `{owner}`: only the owner changes its schema")
        }
        AccessKind::Model => format!(
            "map a model onto your own table (a projection fed by `{owner}`'s events) or use `{owner}`'s API client"
        ),
        AccessKind::ForeignKey => format!(
            "keep the id as a plain column: a foreign key across services couples their deployments; `{owner}` publishes events when rows change"
        ),
        AccessKind::Import => format!("depend on `{owner}`'s public API instead"),
    }
}
