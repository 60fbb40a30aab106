//! Table names held in constants of another file of the same package.
//!
//! The first pass analyses each file the prefilter keeps, as usual; the extractors of
//! the languages that track values (Go, Java, Kotlin, C#, TypeScript, Rust) also
//! report the constants the file defines at package level and the names it used
//! without a value
//! ([`lang::values::Values`]). A file that defines another service's table name in a
//! constant holds that name as a string, so the prefilter keeps it: the definitions
//! that can matter are all seen in the first pass, without reading any file twice.
//!
//! This second step then gathers the definitions per package (same directory, same
//! language family, same declared package) and extracts again, with the package's
//! constants, only the files that can use them: kept files that left a hole one of
//! them names, and the package's other files (which the prefilter skipped, having no
//! table name of their own) that mention a defined name. A TypeScript module's
//! exports are named by the module's path (see [`lang::typescript::module_key`]), so
//! all of them form one package; the files that may import them are those in the
//! exporting module's directory and below it. A Rust module's constants are named by
//! their path in the crate (`crate::tables::ORDERS`) and a crate (the files below one
//! `src/`) is one package. Only the accesses whose table
//! name came from another file's constant are new; a file kept in the first pass had
//! its suppressions judged after them. A name defined twice with different values, or
//! a package-level variable assigned anywhere in the package, is no constant: a hole
//! whose value is unknown stays a hole.

use std::collections::{HashMap, HashSet};

use super::resolve::FileCtx;
use super::walk::FileEntry;
use super::{Engine, Scan, internal_error};
use crate::lang::values::{Define, Known, Values};
use crate::lang::{self, Language};
use crate::model::finding::{Finding, LineIndex, Loc};
use crate::model::{Access, Place};

/// The languages whose files share constants with each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Family {
    Go,
    Jvm,
    CSharp,
    TypeScript,
    Rust,
}

fn family(lang: Language) -> Option<Family> {
    match lang {
        Language::Go => Some(Family::Go),
        Language::Java | Language::Kotlin => Some(Family::Jvm),
        Language::CSharp => Some(Family::CSharp),
        Language::TypeScript => Some(Family::TypeScript),
        Language::Rust => Some(Family::Rust),
        _ => None,
    }
}

/// The package of a file: its directory and family; every TypeScript module is in
/// one, its constants being named by module path; a Rust module is in its crate's
/// (see [`lang::rust::crate_root`]), its constants being named by crate path.
fn package(rel: &str, fam: Family) -> (String, Family) {
    match fam {
        Family::TypeScript => (String::new(), fam),
        Family::Rust => (
            lang::rust::crate_root(rel).unwrap_or(dir(rel)).to_string(),
            fam,
        ),
        _ => (dir(rel).to_string(), fam),
    }
}

/// The directory of a repository-relative path.
fn dir(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// A kept file whose report waits for the second step: it used names without a
/// value, which another file of its package may define, or a package variable,
/// which another file may assign.
pub(super) struct Waiting {
    pub text: String,
    pub lang: Language,
    pub service: Option<usize>,
    /// Its findings so far, before suppressions.
    pub findings: Vec<Finding>,
    /// Findings whose table name came from a variable of this file, by its name:
    /// dropped when any file of the package assigns it.
    pub from_vars: Vec<(String, Finding)>,
}

/// What the first pass learnt from one kept file.
pub(super) struct FileValues {
    pub rel: String,
    pub lang: Language,
    pub values: Values,
    /// Where each of `values.defines` stands (line and column in the file).
    pub locs: Vec<Loc>,
    pub waiting: Option<Waiting>,
}

impl FileValues {
    /// What `extracted` says about the file's package, and the findings held back
    /// when it left holes.
    pub fn new(
        file: &FileCtx<'_>,
        values: Values,
        findings: &mut Vec<Finding>,
        from_vars: Vec<(String, Finding)>,
    ) -> Option<FileValues> {
        family(file.lang)?;
        let locs = values
            .defines
            .iter()
            .map(|d| file.index.loc(file.text, d.offset, d.len))
            .collect();
        let wait = !values.open.is_empty() || !from_vars.is_empty();
        let waiting = wait.then(|| Waiting {
            text: file.text.to_string(),
            lang: file.lang,
            service: file.service,
            findings: std::mem::take(findings),
            from_vars,
        });
        Some(FileValues {
            rel: file.rel.to_string(),
            lang: file.lang,
            values,
            locs,
            waiting,
        })
    }
}

/// A constant another file may use, as the scan knows it.
pub(super) struct Def {
    path: String,
    loc: Loc,
    define: Define,
    unit: Option<String>,
}

/// The name of the package variable of this file `access`'s table name came from, if
/// any (`vars`: the file's variables among its constants).
pub(super) fn from_var<'a>(access: &'a Access, vars: &Values) -> Option<&'a str> {
    let origin = access.origin.as_ref()?;
    let local = matches!(origin.place, Place::Here { .. });
    let var = vars.defines.iter().any(|d| d.var && d.name == origin.name);
    (local && var).then_some(origin.name.as_str())
}

/// The related label of an access whose table name came from a constant: "table name
/// from `ORDERS_TABLE` defined here", at the constant's value.
pub(super) fn explain(finding: &mut Finding, access: &Access, file: &FileCtx<'_>, defs: &[Def]) {
    let Some(origin) = &access.origin else { return };
    let (path, loc) = match origin.place {
        Place::Here { offset, len } => (file.rel, file.index.loc(file.text, offset, len)),
        Place::Elsewhere(id) => match defs.get(id) {
            Some(d) => (d.path.as_str(), d.loc),
            None => return,
        },
    };
    finding.related.push(crate::model::finding::Label {
        path: path.to_string(),
        loc,
        message: format!("table name from `{}` defined here", origin.name),
    });
}

/// The constants of one package (directory and language family).
#[derive(Default)]
struct Package {
    /// Indexes into the definitions.
    defs: Vec<usize>,
    /// Names assigned in some file of the package.
    assigned: HashSet<String>,
}

/// A file the second step extracts again.
struct Again {
    rel: String,
    lang: Language,
    service: Option<usize>,
    text: String,
    /// Its first-pass findings, before suppressions (none for a file the prefilter
    /// skipped).
    findings: Vec<Finding>,
    /// See [`Waiting::from_vars`].
    from_vars: Vec<(String, Finding)>,
    /// Counted as parsed already.
    parsed: bool,
}

/// Finishes the scan: fills the holes of the first pass from the package constants
/// and reports the files held back.
pub(super) fn finish(
    engine: &Engine<'_>,
    files: &[FileEntry],
    mut kept: Vec<FileValues>,
    out: &mut Scan,
) {
    // In path order, whatever the order the threads finished in: a constant defined
    // alike in two files is always attributed to the same one.
    kept.sort_by(|a, b| a.rel.cmp(&b.rel));
    let mut defs: Vec<Def> = Vec::new();
    let mut packages: HashMap<(String, Family), Package> = HashMap::new();
    let mut analysed: HashSet<String> = HashSet::new();
    let mut waiting: Vec<(String, Vec<String>, Waiting)> = Vec::new();
    // Directories of TypeScript modules that export a constant.
    let mut exporting: HashSet<String> = HashSet::new();
    for f in kept {
        analysed.insert(f.rel.clone());
        let Some(fam) = family(f.lang) else { continue };
        if fam == Family::TypeScript && !f.values.defines.is_empty() {
            exporting.insert(dir(&f.rel).to_string());
        }
        let pkg = packages.entry(package(&f.rel, fam)).or_default();
        pkg.assigned.extend(f.values.assigned);
        for (d, loc) in f.values.defines.into_iter().zip(f.locs) {
            pkg.defs.push(defs.len());
            defs.push(Def {
                path: f.rel.clone(),
                loc,
                define: d,
                unit: f.values.unit.clone(),
            });
        }
        if let Some(w) = f.waiting {
            waiting.push((f.rel, f.values.open, w));
        }
    }
    packages.retain(|_, p| !p.defs.is_empty());
    // Each package's defined names, for the holes' look-up.
    let names: HashMap<(String, Family), HashSet<&str>> = packages
        .iter()
        .map(|(k, p)| {
            let n = p
                .defs
                .iter()
                .map(|&d| defs[d].define.name.as_str())
                .collect();
            (k.clone(), n)
        })
        .collect();
    // The files to extract again: kept ones with holes a constant of their package
    // names, and the package's files the prefilter skipped that mention one.
    let mut again: Vec<Again> = Vec::new();
    let mut held: Vec<(String, Waiting)> = Vec::new();
    for (rel, open, w) in waiting {
        // (A TypeScript import of a directory names its `index` module.)
        let fills = family(w.lang)
            .and_then(|fam| names.get(&package(&rel, fam)))
            .is_some_and(|n| {
                open.iter().any(|o| {
                    n.contains(o.as_str()) || n.contains(o.replacen('#', "/index#", 1).as_str())
                })
            });
        if fills {
            again.push(Again {
                rel,
                lang: w.lang,
                service: w.service,
                text: w.text,
                findings: w.findings,
                from_vars: w.from_vars,
                parsed: true,
            });
        } else {
            held.push((rel, w));
        }
    }
    // Each package's names as a file may write them (the last part of `Owner.NAME`,
    // of a module's `path#NAME` or of a crate path `crate::m::NAME`), searched in one
    // pass over a file.
    let searches: HashMap<(String, Family), aho_corasick::AhoCorasick> = names
        .iter()
        .filter_map(|(k, n)| {
            let words: HashSet<&str> = n
                .iter()
                .map(|name| {
                    let name = name.rsplit('#').next().unwrap_or(name);
                    let name = name.rsplit("::").next().unwrap_or(name);
                    name.rsplit('.').next().unwrap_or(name)
                })
                .collect();
            aho_corasick::AhoCorasick::new(words)
                .ok()
                .map(|a| (k.clone(), a))
        })
        .collect();
    drop(names);
    for e in files.iter().filter(|_| !searches.is_empty()) {
        let Some(lang) = Language::of(&e.rel) else {
            continue;
        };
        let Some(fam) = family(lang) else { continue };
        if analysed.contains(&e.rel) {
            continue;
        }
        if fam == Family::TypeScript && !under_any(dir(&e.rel), &exporting) {
            continue;
        }
        let Some(search) = searches.get(&package(&e.rel, fam)) else {
            continue;
        };
        let Some(text) = engine.read_quietly(e) else {
            continue;
        };
        if search.is_match(&text) {
            again.push(Again {
                rel: e.rel.clone(),
                lang,
                service: engine.paths.service_of(&e.rel),
                text,
                findings: Vec::new(),
                from_vars: Vec::new(),
                parsed: false,
            });
        }
    }
    let known: HashMap<(String, Family), Known> = packages
        .iter()
        .map(|(k, p)| (k.clone(), known(p, &defs)))
        .collect();
    // Extract each file again with its package's constants; an assignment found in
    // any of them undoes a variable.
    let mut found: Vec<Vec<Access>> = Vec::with_capacity(again.len());
    for a in &again {
        let key = family(a.lang).map(|fam| package(&a.rel, fam));
        let (Some(pkg), Some(known)) = (
            key.as_ref().and_then(|k| packages.get_mut(k)),
            key.as_ref().and_then(|k| known.get(k)),
        ) else {
            found.push(Vec::new());
            continue;
        };
        let ctx = engine.context(a.service);
        let run = std::panic::catch_unwind(|| {
            lang::extract_with(a.lang, &a.rel, &a.text, &ctx, Some(known))
        });
        let Ok(ex) = run else {
            out.findings.push(internal_error(&a.rel));
            found.push(Vec::new());
            continue;
        };
        pkg.assigned.extend(ex.values.assigned);
        let unit = ex.values.unit;
        found.push(
            ex.accesses
                .into_iter()
                .filter(|x| match x.origin.as_ref().map(|o| o.place) {
                    Some(Place::Elsewhere(id)) => defs.get(id).is_some_and(|d| d.unit == unit),
                    _ => false,
                })
                .collect(),
        );
    }
    let undone: HashSet<usize> = packages
        .values()
        .flat_map(|p| {
            p.defs
                .iter()
                .copied()
                .filter(|&d| defs[d].define.var && p.assigned.contains(&defs[d].define.name))
        })
        .collect();
    // Package variables assigned in some file of their package, by package.
    let assigned_in = |rel: &str, lang: Language, name: &str| {
        family(lang)
            .and_then(|fam| packages.get(&package(rel, fam)))
            .is_some_and(|p| p.assigned.contains(name))
    };
    for (rel, w) in held {
        let mut findings = w.findings;
        for (var, f) in w.from_vars {
            if !assigned_in(&rel, w.lang, &var) {
                findings.push(f);
            }
        }
        report(out, &rel, &w.text, findings);
    }
    for (a, new) in again.into_iter().zip(found) {
        let mut findings = a.findings;
        for (var, f) in a.from_vars {
            if !assigned_in(&a.rel, a.lang, &var) {
                findings.push(f);
            }
        }
        let index = LineIndex::new(&a.text);
        let file = FileCtx {
            rel: &a.rel,
            text: &a.text,
            index: &index,
            service: a.service,
            lang: a.lang,
        };
        let mut any = false;
        for x in &new {
            if let Some(Place::Elsewhere(id)) = x.origin.as_ref().map(|o| o.place)
                && undone.contains(&id)
            {
                continue;
            }
            if let Some(mut f) = engine.resolver.resolve(&file, x) {
                explain(&mut f, x, &file, &defs);
                findings.push(f);
                any = true;
            }
        }
        if !a.parsed && any {
            out.stats.files_parsed += 1;
        }
        report(out, &a.rel, &a.text, findings);
    }
}

/// True when directory `d` is one of `dirs` or below one of them.
fn under_any(d: &str, dirs: &HashSet<String>) -> bool {
    let mut at = Some(d);
    while let Some(p) = at {
        if dirs.contains(p) {
            return true;
        }
        at = if p.is_empty() {
            None
        } else {
            Some(p.rsplit_once('/').map_or("", |(up, _)| up))
        };
    }
    false
}

/// Applies the file's suppressions to its findings and adds them to the scan.
fn report(out: &mut Scan, rel: &str, text: &str, findings: Vec<Finding>) {
    let outcome = crate::suppress::apply(rel, text, findings);
    out.stats.suppressed += outcome.suppressed;
    out.findings.extend(outcome.findings);
}

/// The constants of `pkg` a file may use: a name defined twice with different values
/// is left out.
fn known(pkg: &Package, defs: &[Def]) -> Known {
    let mut by_name: HashMap<&str, Option<usize>> = HashMap::new();
    for &d in &pkg.defs {
        let entry = by_name
            .entry(defs[d].define.name.as_str())
            .or_insert(Some(d));
        if let Some(prev) = *entry
            && defs[prev].define.value != defs[d].define.value
        {
            *entry = None;
        }
    }
    let mut known = Known::default();
    for (name, d) in by_name {
        if let Some(d) = d {
            known.insert(name, &defs[d].define.value, d);
        }
    }
    known
}
