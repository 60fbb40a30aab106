//! Scanning the repository: the walk, the prefilter, per-file extraction and
//! resolution, and the merge into one sorted list of findings.
//!
//! Work per file is independent: worker threads pull files from a shared atomic
//! cursor, each with its own read buffer and its own findings, merged once at the end.

pub mod imports;
pub mod markers;
pub mod packages;
pub mod prefilter;
pub mod resolve;
mod values;
pub mod walk;

use crate::model::{Access, AccessKind, Confidence, ImportRef, Target};

use crate::lang::{self, Language};
use crate::model::finding::Finding;
use crate::model::rules::Rule;
use crate::registry::{PathMap, Registry};
use imports::ImportIndex;
use packages::PackageIndex;
use prefilter::{Prefilter, Scope};
use resolve::{FileCtx, Resolver};
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use walk::FileEntry;

/// Files larger than this are not analysed, a `skipped-file` error (`--max-file-size`).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// Options of one scan.
#[derive(Clone, Debug)]
pub struct Options {
    /// Absolute paths to scan (the root for a whole-repo run).
    pub targets: Vec<PathBuf>,
    pub max_file_size: u64,
    pub threads: usize,
    /// Also gather what `init` proposes published APIs from: the tsconfig aliases'
    /// targets ([`Scan::aliases`]) and the imports of files outside every service
    /// ([`Scan::library_imports`]: code no service owns that imports a service's
    /// package shows that package is shared). `check` leaves it off.
    pub for_init: bool,
}

/// Counts for the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub files_scanned: usize,
    pub files_parsed: usize,
    pub files_skipped: usize,
    pub suppressed: usize,
}

/// The raw result of a scan: findings before exceptions, severities and baseline.
#[derive(Debug, Default)]
pub struct Scan {
    pub findings: Vec<Finding>,
    pub stats: Stats,
    /// The API calls and events the code shows (`crate::drift`), for the rules that
    /// need every file and for the observed graph.
    pub observations: Vec<crate::drift::Observation>,
    /// The API calls deployment configuration shows (`crate::drift::config`), in the
    /// given paths when the run has paths.
    pub config_edges: Vec<crate::drift::ObservedEdge>,
    /// With [`Options::for_init`]: the tsconfig `paths` aliases' targets
    /// ([`ImportIndex::alias_targets`]).
    pub aliases: Vec<(String, String)>,
    /// With [`Options::for_init`]: (service, file or directory of it, importing
    /// file) for each import, in a file outside every service and outside tests, of
    /// a service's code that is not `public`.
    pub library_imports: Vec<(usize, String, String)>,
}

/// Per-thread state: a reused read buffer, findings and counts, and what kept files
/// say about their package's constants.
#[derive(Default)]
struct Worker {
    buf: Vec<u8>,
    /// `buf` ASCII-lowercased, which the prefilter and the drift rules' search read.
    lower: Vec<u8>,
    out: Scan,
    kept: Vec<values::FileValues>,
}

/// Scans the files under `opts.targets`.
pub fn scan(reg: &Registry, opts: &Options) -> Scan {
    let root = reg.root.canonicalize().unwrap_or_else(|_| reg.root.clone());
    scan_listed(reg, opts, walk::walk(&root, &opts.targets, opts.threads))
}

/// Scans the files of `listing`, the walk of `opts.targets` from the registry's root
/// (made while the registry was being read: see `commands::check`).
pub fn scan_listed(reg: &Registry, opts: &Options, listing: walk::Listing) -> Scan {
    let paths = PathMap::new(reg);
    let root = reg.root.canonicalize().unwrap_or_else(|_| reg.root.clone());
    let mut files: Vec<FileEntry> = listing
        .files
        .into_iter()
        .filter(|f| !paths.is_excluded(&f.rel) && f.rel != reg.file)
        .collect();
    // Imports resolve against the whole repository: a run over a few paths lists it
    // too (without reading it), so that an import means the same in every run.
    // A manifest there that is a link is reported as the whole walk would: imports of
    // its package go unchecked.
    let whole: Vec<FileEntry>;
    let mut unusable: Vec<walk::WalkProblem> = Vec::new();
    let all = if opts.targets.iter().all(|t| *t == root) {
        &files
    } else {
        let listing = walk::walk(&root, std::slice::from_ref(&root), opts.threads);
        unusable = listing
            .problems
            .into_iter()
            .filter(|p| {
                packages::is_manifest(&p.rel)
                    && paths.service_of(&p.rel).is_some()
                    && !paths.is_excluded(&p.rel)
            })
            .collect();
        whole = listing
            .files
            .into_iter()
            .filter(|f| !paths.is_excluded(&f.rel) && f.rel != reg.file)
            .collect();
        &whole
    };
    // A run over some paths reports the deployment findings in them.
    let in_paths: Option<std::collections::HashSet<String>> =
        (!opts.targets.iter().all(|t| *t == root))
            .then(|| files.iter().map(|f| f.rel.clone()).collect());
    let config_files: Vec<FileEntry> = all
        .iter()
        .filter(|f| {
            crate::deploy::kind_of(&f.rel).is_some()
                || crate::deploy::specs::read_with_deployment(&f.rel)
        })
        .cloned()
        .collect();
    let packages = PackageIndex::build(all, &paths);
    let imports = ImportIndex::build(all, reg, &paths, &packages);
    let aliases = if opts.for_init {
        imports.alias_targets()
    } else {
        Vec::new()
    };
    // A manifest the index could not use is reported once, by the index, which says
    // what that leaves unchecked; its extractor would only refuse it a second time.
    // (Files of no language stay listed: the workers pass over them, in parallel,
    // where this serial step took 16 M instructions on the realistic tree to find
    // their names' language a first time.)
    if !packages.problems.is_empty() {
        files.retain(|f| !packages.refused(&f.rel));
    }
    let drift = crate::drift::Drift::new(reg);
    let prefilter = Prefilter::new(
        reg.tables(),
        prefilter_patterns(reg, &paths, &packages, &imports),
        searches(&drift),
    );
    let resolver = Resolver::new(reg, &paths, &packages, &imports);
    let cursor = AtomicUsize::new(0);
    let threads = opts.threads.max(1);
    let engine = Engine {
        reg,
        paths: &paths,
        resolver: &resolver,
        prefilter: &prefilter,
        drift: &drift,
        max_file_size: opts.max_file_size,
        for_init: opts.for_init,
    };
    let work = || {
        let mut w = Worker::default();
        loop {
            let i = cursor.fetch_add(1, Ordering::Relaxed);
            let Some(f) = files.get(i) else { break };
            engine.file(&mut w, f);
        }
        (w.out, w.kept)
    };
    // Deployment configuration (a few small files, read whatever the paths: its rule
    // compares services across the repository) is read beside the workers, once for
    // its own rule and for the API calls it shows.
    let read_deployment = || {
        let d = crate::deploy::Deployment::read(&config_files);
        let mut edges = crate::drift::config::edges(&d, reg, &paths, &drift.hosts);
        edges.extend(crate::drift::config::spec_edges(
            &d,
            reg,
            &paths,
            &drift.hosts,
        ));
        let api = edges
            .iter()
            .filter_map(|e| crate::drift::config_finding(reg, e))
            .collect();
        let mut scan = crate::deploy::check(&d, reg, &paths, api);
        for (rel, why) in &d.skipped {
            scan.findings.push(skipped(rel, why));
            scan.stats.files_skipped += 1;
        }
        scan.config_edges = edges;
        scan
    };
    let mut deployed: Option<Scan> = None;
    let mut results: Vec<(Scan, Vec<values::FileValues>)> = std::thread::scope(|s| {
        let deploy = std::thread::Builder::new()
            .name("ownlint-deploy".into())
            .spawn_scoped(s, read_deployment)
            .ok();
        // Workers get the stack the Rust extractor needs, so it analyses each file in
        // place. A worker the system refuses is one fewer; with none, this thread does
        // the work (the extractor then falls back to a thread per file).
        let handles: Vec<_> = (0..threads)
            .filter_map(|_| lang::rust::spawn_worker(s, "ownlint-scan", work).ok())
            .collect();
        deployed = Some(match deploy.map(std::thread::ScopedJoinHandle::join) {
            Some(Ok(scan)) => scan,
            Some(Err(_)) => Scan {
                findings: vec![internal_error("")],
                ..Scan::default()
            },
            None => read_deployment(),
        });
        if handles.is_empty() {
            return vec![work()];
        }
        // Panics are caught per file, so a worker only dies of something outside any
        // file's analysis; its findings are then lost, and the run says so.
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    let lost = Scan {
                        findings: vec![internal_error("")],
                        ..Scan::default()
                    };
                    (lost, Vec::new())
                })
            })
            .collect()
    });
    let mut total = Scan::default();
    let mut problems: Vec<walk::WalkProblem> = listing
        .problems
        .into_iter()
        .filter(|p| !paths.is_excluded(&p.rel))
        .chain(unusable)
        .chain(packages.problems.iter().cloned())
        .collect();
    // A manifest that is a link is found by the walk of the paths and by the whole
    // walk when a partial run's paths hold it: one warning, counted once.
    problems.sort_by(|a, b| (&a.rel, &a.reason).cmp(&(&b.rel, &b.reason)));
    problems.dedup();
    for p in problems {
        total.stats.files_skipped += 1;
        total.findings.push(skipped(&p.rel, &p.reason));
    }
    let mut kept = Vec::new();
    for (r, k) in &mut results {
        crate::model::finding::join(&mut total.findings, std::mem::take(&mut r.findings));
        total.stats.files_scanned += r.stats.files_scanned;
        total.stats.files_parsed += r.stats.files_parsed;
        total.stats.files_skipped += r.stats.files_skipped;
        total.stats.suppressed += r.stats.suppressed;
        total.observations.append(&mut r.observations);
        kept.append(k);
    }
    values::finish(&engine, &files, kept, &mut total);
    if let Some(mut d) = deployed {
        if let Some(listed) = &in_paths {
            d.findings
                .retain(|f| f.path().is_none_or(|p| listed.contains(p)));
        }
        if let Some(listed) = &in_paths {
            d.config_edges.retain(|e| listed.contains(&e.evidence.path));
        }
        total.stats.suppressed += d.stats.suppressed;
        crate::model::finding::join(&mut total.findings, d.findings);
        total.config_edges = d.config_edges;
    }
    total.aliases = aliases;
    for (r, _) in &mut results {
        total.library_imports.append(&mut r.library_imports);
    }
    total.library_imports.sort();
    total.library_imports.dedup();
    // The resolver and the prefilter borrow the registry's tables (theirs are cheap to
    // free).
    drop((resolver, prefilter));
    // What the scan built and no longer needs: the file list, two strings per file,
    // the package index and the path map.
    crate::memory::aside((packages, imports, paths, files));
    total
}

/// Runs `first` on a thread of its own while `second` runs on this one, and returns
/// both results; one after the other when the system refuses a thread. A panic of
/// `first` is raised again here with its message once `second` is done (which may
/// have silenced the panic hook meanwhile, as `check` does for the scan).
pub fn beside<A: Send, B>(first: impl Fn() -> A + Sync, second: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|s| {
        let handle = std::thread::Builder::new().spawn_scoped(s, &first).ok();
        let b = second();
        let a = match handle.map(std::thread::ScopedJoinHandle::join) {
            Some(Ok(a)) => a,
            Some(Err(payload)) => {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|m| m.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                panic!("{message}")
            }
            None => first(),
        };
        (a, b)
    })
}

/// What the prefilter looks for besides the registry's tables (which it finds in the
/// registry's index of them), with the service each hit can only lead back to: package
/// names, Java/Kotlin packages, Python modules, tsconfig aliases (the service holding
/// them; any service when several do), the last component of each service's
/// directory (relative imports name it: `../../orders/db`), and the markers of shapes
/// that may name a table the registry does not know.
fn prefilter_patterns(
    reg: &Registry,
    paths: &PathMap,
    packages: &PackageIndex,
    imports: &ImportIndex,
) -> Vec<(String, Scope)> {
    let mut out: Vec<(String, Scope)> = Vec::new();
    for (si, svc) in reg.services.iter().enumerate() {
        for dir in svc
            .paths
            .iter()
            .filter_map(|p| crate::registry::paths::usable(&p.value))
        {
            let last = dir.rsplit('/').next().unwrap_or(&dir);
            if !last.is_empty() && !crate::registry::paths::is_glob(last) {
                out.push((last.to_string(), Scope::OutsideOf(si)));
            }
        }
    }
    out.extend(
        packages
            .homes()
            .map(|(name, si)| (name, Scope::OutsideOf(si))),
    );
    out.extend(
        imports
            .homes(paths)
            .into_iter()
            .map(|(name, home)| (name, home.map_or(Scope::Word, Scope::OutsideOf))),
    );
    // Markers of every file's language; each extractor's own are searched only in
    // files of its language (`searches`).
    out.extend(
        lang::sql::MARKERS
            .iter()
            .chain(&["ownlint:"])
            .map(|m| (m.to_string(), Scope::Always)),
    );
    out
}

/// What the prefilter searches in a file of each language besides the markers of
/// every language: its extractor's markers, and the needles of the drift rules when
/// they read that language.
fn searches(drift: &crate::drift::Drift) -> Vec<Vec<markers::Set<'static>>> {
    Language::ALL
        .iter()
        .map(|&lang| {
            let own = lang::markers(lang);
            let mut sets = vec![markers::Set {
                class: prefilter::EXTRACTORS,
                markers: own.iter().map(|m| m.to_ascii_lowercase()).collect(),
                anchors: markers::ANCHORS,
            }];
            sets.extend(drift.needle_set(lang).map(|d| markers::Set {
                class: prefilter::DRIFT,
                ..d
            }));
            sets
        })
        .collect()
}

/// A finding about a whole file, labelled at its start (no label for run-level ones).
fn whole_file(rule: Rule, rel: &str, message: String, help: &str) -> Finding {
    let mut f = Finding::new(rule, message).help(help).subject(rel);
    if !rel.is_empty() {
        f.primary = Some(crate::model::finding::Label {
            path: rel.to_string(),
            loc: crate::model::finding::Loc {
                line: 1,
                column: 1,
                offset: 0,
                len: 0,
            },
            message: String::new(),
        });
    }
    f
}

/// The finding for a file whose analysis failed: the run is incomplete (exit code 3).
fn internal_error(rel: &str) -> Finding {
    whole_file(
        Rule::InternalError,
        rel,
        format!("ownlint failed while analysing `{rel}`; its findings are missing"),
        "please report this with the file (or a reduced copy) attached",
    )
}

/// The shared, read-only state of a scan.
struct Engine<'a> {
    reg: &'a Registry,
    paths: &'a PathMap,
    resolver: &'a Resolver<'a>,
    prefilter: &'a Prefilter<'a>,
    drift: &'a crate::drift::Drift,
    max_file_size: u64,
    for_init: bool,
}

/// The text of `buf`, with each byte that is not part of valid UTF-8 replaced by a
/// space in place. One byte for one byte: offsets, lines and columns of everything
/// else stay those of the file. A space is no part of any name, string delimiter or
/// comment marker in any language ownlint reads, so a bad byte can split a word but
/// never join two, open a string or close a comment: it cannot hide a table name
/// that the same file without it would show. Linear: each byte is looked at twice.
pub fn decode_lossy(buf: &mut [u8]) -> &str {
    let mut at = 0;
    while let Err(e) = std::str::from_utf8(&buf[at..]) {
        let bad = at + e.valid_up_to();
        let end = e.error_len().map_or(buf.len(), |n| bad + n);
        buf[bad..end].fill(b' ');
        at = end;
    }
    // Valid now; the fallback is never taken.
    std::str::from_utf8(buf).unwrap_or_default()
}

/// True for a build file read as code that may generate API clients
/// (`crate::deploy::specs`): a `*.csproj` or `build.gradle.kts` outside tests.
fn generates_clients(rel: &str) -> bool {
    crate::deploy::specs::is_generator(rel)
        && !crate::deploy::specs::read_with_deployment(rel)
        && !crate::deploy::is_test(rel)
}

/// A finding for a file that was not analysed: an error by default, since nothing in
/// the file was checked (`rules: {skipped-file: warning}` makes it a warning).
fn skipped(rel: &str, reason: &str) -> Finding {
    whole_file(
        Rule::SkippedFile,
        rel,
        format!("`{rel}` was not analysed: {reason}"),
        "nothing in this file was checked; fix the cause or exclude the path in the registry",
    )
}

/// A `skipped-file` finding for a file its extractor refused as a whole, at the place
/// the extractor gave up. It is `skipped-file`, not `parse-error`, because nothing in
/// the file was checked and the summary counts it in `files_skipped`: every skipped
/// file has a `skipped-file` finding, and `parse-error` keeps meaning "read with gaps".
fn refused(
    rel: &str,
    text: &str,
    index: &crate::model::finding::LineIndex,
    problem: &lang::Problem,
) -> Finding {
    Finding::new(
        Rule::SkippedFile,
        format!("`{rel}` was not analysed: {}", problem.message),
    )
    .at_indexed(rel, text, index, problem.offset, 0, "here")
    .help("nothing in this file was checked; if the file is valid, please report it, or exclude the path in the registry")
    .subject(rel)
}

/// Runs one file's `analysis` and adds its findings and counts to `out`. A panic in
/// it becomes an `internal-error` for that file (exit code 3), and `out` keeps the
/// findings of every other file: one bad file never costs a worker its results.
/// The engine runs every file's analysis through here, and tests inject the panic.
/// Returns what the file says about its package's constants.
fn contained(
    out: &mut Scan,
    rel: &str,
    analysis: impl FnOnce() -> Analysis + std::panic::UnwindSafe,
) -> Option<values::FileValues> {
    match std::panic::catch_unwind(analysis) {
        Ok(a) => {
            if a.refused {
                out.stats.files_skipped += 1;
            } else {
                out.stats.files_parsed += 1;
            }
            out.stats.suppressed += a.outcome.suppressed;
            out.findings.extend(a.outcome.findings);
            out.observations.extend(a.observations);
            out.library_imports.extend(a.library_imports);
            a.values
        }
        Err(_) => {
            out.stats.files_parsed += 1;
            out.findings.push(internal_error(rel));
            None
        }
    }
}

/// The analysis of one decoded file, as the worker counts it.
struct Analysis {
    outcome: crate::suppress::Outcome,
    /// The extractor refused the whole file: counted as skipped, not parsed.
    refused: bool,
    /// What the file says about its package's constants; its findings wait there
    /// when another file may fill its holes.
    values: Option<values::FileValues>,
    /// The API calls and events the file shows (`crate::drift`).
    observations: Vec<crate::drift::Observation>,
    /// Its imports of services' code, when it is outside every service
    /// ([`Scan::library_imports`]).
    library_imports: Vec<(usize, String, String)>,
}

impl Engine<'_> {
    fn file(&self, w: &mut Worker, f: &FileEntry) {
        let Some(lang) = Language::of(&f.rel) else {
            return;
        };
        w.out.stats.files_scanned += 1;
        w.buf.clear();
        // One open and one read per file; the size limit is applied by the read
        // itself (no `stat` per file), and the size is asked only of files over it.
        let read = walk::open(&f.abs).and_then(|file| {
            (&file)
                .take(self.max_file_size + 1)
                .read_to_end(&mut w.buf)?;
            Ok(file)
        });
        let file = match read {
            Ok(file) => file,
            Err(e) => {
                w.out.stats.files_skipped += 1;
                w.out.findings.push(skipped(&f.rel, &walk::unreadable(&e)));
                return;
            }
        };
        if w.buf.len() as u64 > self.max_file_size {
            let size = file.metadata().map_or(w.buf.len() as u64, |m| m.len());
            w.out.stats.files_skipped += 1;
            w.out.findings.push(skipped(
                &f.rel,
                &format!(
                    "it is {size} bytes, over the {} byte limit (--max-file-size)",
                    self.max_file_size
                ),
            ));
            return;
        }
        drop(file);
        let service = self.paths.service_of(&f.rel);
        // A file is read for its tables and imports when the prefilter keeps it, and
        // for the services and events it names (`crate::drift`) when it belongs to a
        // service and the drift search finds something in it.
        w.lower.clear();
        w.lower.extend(w.buf.iter().map(u8::to_ascii_lowercase));
        // Test code is no evidence: its path is looked at only when a needle is found,
        // which most files lack.
        let reads_drift = service.is_some() && crate::drift::code::reads(lang);
        let kept = self.prefilter.keeps(&w.lower, service, lang, reads_drift);
        let full = kept.full;
        let drift = service.is_some()
            && ((kept.drift && !crate::drift::code::is_test_path(&f.rel))
                || generates_clients(&f.rel));
        if !full && !drift {
            return;
        }
        if memchr::memchr(0, &w.buf[..w.buf.len().min(8192)]).is_some() {
            w.out.stats.files_skipped += 1;
            w.out.findings.push(skipped(
                &f.rel,
                "it is binary (it contains NUL bytes) but names a table or marker",
            ));
            return;
        }
        // Bytes that are not UTF-8 (a Latin-1 comment, or one byte put there to make
        // the file unreadable) are analysed around, never a reason to skip the file.
        let text = decode_lossy(&mut w.buf);
        let ctx = self.context(service);
        let rel = f.rel.as_str();
        // Everything after the read runs under `catch_unwind`: a panic in any step of
        // one file's analysis becomes an `internal-error` for that file, never a lost
        // worker with all its findings.
        let values = contained(&mut w.out, rel, || {
            self.analyse(lang, rel, text, service, &ctx, (full, drift))
        });
        w.kept.extend(values);
    }

    /// The extractors' hints for a file of `service`.
    fn context(&self, service: Option<usize>) -> lang::Context {
        lang::Context {
            dialect: service
                .and_then(|s| self.reg.services[s].dialect)
                .map(|d| d.as_str().to_string()),
        }
    }

    /// The text of a file the second step of value tracking reads: `None`, without a
    /// finding, for one that cannot be read, is over the size limit, binary or not
    /// UTF-8 (the first pass has reported it, or the prefilter found nothing in it).
    fn read_quietly(&self, f: &FileEntry) -> Option<String> {
        let file = walk::open(&f.abs).ok()?;
        let mut buf = Vec::new();
        (&file)
            .take(self.max_file_size + 1)
            .read_to_end(&mut buf)
            .ok()?;
        if buf.len() as u64 > self.max_file_size || memchr::memchr(0, &buf).is_some() {
            return None;
        }
        String::from_utf8(buf).ok()
    }

    /// Extracts, resolves, follows and suppresses: the analysis of one decoded file.
    fn analyse(
        &self,
        lang: Language,
        rel: &str,
        text: &str,
        service: Option<usize>,
        ctx: &lang::Context,
        (full, drift): (bool, bool),
    ) -> Analysis {
        let extracted = if full {
            lang::extract(lang, rel, text, ctx)
        } else {
            lang::Extracted::default()
        };
        let index = crate::model::finding::LineIndex::new(text);
        if extracted.refused {
            // Nothing was read, so the file's suppressions cannot be judged either
            // (they would all look unused): only the reasons are reported.
            let findings = extracted
                .problems
                .iter()
                .map(|p| refused(rel, text, &index, p))
                .collect();
            return Analysis {
                outcome: crate::suppress::Outcome {
                    findings,
                    suppressed: 0,
                },
                refused: true,
                values: None,
                observations: Vec::new(),
                library_imports: Vec::new(),
            };
        }
        let file = FileCtx {
            rel,
            text,
            index: &index,
            service,
            lang,
        };
        let mut findings: Vec<Finding> = Vec::new();
        for p in &extracted.problems {
            findings.push(
                Finding::new(
                    Rule::ParseError,
                    format!("`{rel}` could not be parsed completely: {}", p.message),
                )
                .at_indexed(rel, text, &index, p.offset, 0, "here")
                .help(
                    "what could be read was still checked; if the file is valid, please report it",
                )
                .subject(rel),
            );
        }
        // Findings from a package variable of this file wait: another file may assign it.
        let mut from_vars = Vec::new();
        for a in &extracted.accesses {
            if let Some(mut finding) = self.resolver.resolve(&file, a) {
                values::explain(&mut finding, a, &file, &[]);
                match values::from_var(a, &extracted.values) {
                    Some(var) => from_vars.push((var.to_string(), finding)),
                    None => findings.push(finding),
                }
            }
        }
        for follow in &extracted.follow {
            self.follow(&file, follow, ctx, &mut findings);
        }
        // For `init` only: what code outside every service imports of services'
        // code (test code is no evidence).
        let library_imports =
            if service.is_none() && self.for_init && !crate::drift::code::is_test_path(rel) {
                self.resolver.library_imports(&file, &extracted.accesses)
            } else {
                Vec::new()
            };
        let observations = match service {
            Some(si) if drift => {
                let mut obs = self.drift.observe(lang, rel, text, si, &index);
                // A Go file's `//go:generate oapi-codegen` lines are read when its
                // drift marker kept it (test paths never are).
                if generates_clients(rel) || crate::deploy::specs::may_generate(rel, text) {
                    obs.extend(crate::drift::config::spec_observations(
                        rel,
                        text,
                        si,
                        self.reg,
                        self.paths,
                        &self.drift.hosts,
                        &index,
                    ));
                }
                findings.extend(crate::drift::file_findings(
                    self.reg, self.drift, &obs, text, &index,
                ));
                obs
            }
            _ => Vec::new(),
        };
        // A file with holes another file of its package may fill is reported once
        // they are filled (its suppressions are judged against every finding).
        let values = values::FileValues::new(&file, extracted.values, &mut findings, from_vars);
        let outcome = match &values {
            Some(v) if v.waiting.is_some() => crate::suppress::Outcome::default(),
            _ => crate::suppress::apply(rel, text, findings),
        };
        Analysis {
            outcome,
            refused: false,
            values,
            observations,
            library_imports,
        }
    }

    /// Analyses a SQL file pulled in by `query_file!` and reports its accesses at the
    /// macro's path literal.
    fn follow(
        &self,
        file: &FileCtx<'_>,
        follow: &lang::Follow,
        ctx: &lang::Context,
        findings: &mut Vec<Finding>,
    ) {
        // Only files inside the repository are followed: an absolute path names
        // nothing of this repository's, and a `..` path must not climb out of it.
        if follow.path.starts_with('/') {
            return;
        }
        let root = self
            .reg
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.reg.root.clone());
        let dir = file.rel.rsplit_once('/').map_or("", |(d, _)| d);
        // query_file! paths are relative to the crate root: try each ancestor directory.
        let mut base = Some(dir);
        while let Some(b) = base {
            let candidate = if b.is_empty() {
                follow.path.clone()
            } else {
                format!("{b}/{}", follow.path)
            };
            // Links are never followed (see `crate::links`): a link on the way is
            // reported at the call, in every run, as the walk reports a linked file.
            let found = match crate::links::follow(&root, &root.join(&candidate)) {
                Ok(crate::links::Followed::Plain(abs)) if !abs.starts_with(&root) => return,
                Ok(crate::links::Followed::Plain(abs)) => Some(Ok(abs)),
                Ok(crate::links::Followed::Link { link, last }) => Some(Err(if last {
                    walk::not_regular(true).to_string()
                } else {
                    format!(
                        "it goes through `{}`, a symbolic link, and links are never followed",
                        walk::relative(&root, &link)
                    )
                })),
                Err(_) => None,
            };
            if let Some(found) = found {
                let found = found
                    .and_then(|abs| read_followed(&abs, self.max_file_size))
                    .map(|sql| lang::sql::analyze_file(&candidate, &sql, ctx));
                match found {
                    Ok(found) if !found.refused => {
                        for mut a in found.accesses {
                            a.offset = follow.offset;
                            a.len = follow.len;
                            if let Some(f) = self.resolver.resolve(file, &a) {
                                findings.push(f);
                            }
                        }
                    }
                    Ok(found) => {
                        let why = found.problems.first().map_or("", |p| p.message.as_str());
                        findings.push(unfollowed(file, follow, &candidate, why));
                    }
                    Err(why) => findings.push(unfollowed(file, follow, &candidate, &why)),
                }
                return;
            }
            base = if b.is_empty() {
                None
            } else {
                Some(b.rsplit_once('/').map_or("", |(d, _)| d))
            };
        }
    }
}

/// The text of a file `query_file!` names, or why it cannot be checked, in the words
/// the scan uses for a file it skips.
fn read_followed(abs: &std::path::Path, max_file_size: u64) -> Result<String, String> {
    use std::io::Read;
    let (file, len) = crate::links::open_file(abs).map_err(|refusal| refusal.reason())?;
    if len > max_file_size {
        return Err(format!(
            "it is {len} bytes, over the {max_file_size} byte limit (--max-file-size)"
        ));
    }
    let mut bytes = Vec::new();
    (&file)
        .take(max_file_size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| walk::unreadable(&e))?;
    Ok(decode_lossy(&mut bytes).to_string())
}

/// A `parse-error` at a `query_file!` whose file cannot be checked. It belongs to the
/// including file, which was read with a gap, in every run: a run over that file
/// alone would otherwise say nothing. It is not a `skipped-file` and not counted in
/// `files_skipped`: when the named file is among the checked paths, the scan reports
/// and counts it on its own, so it is never counted twice.
fn unfollowed(file: &FileCtx<'_>, follow: &lang::Follow, target: &str, why: &str) -> Finding {
    Finding::new(
        Rule::ParseError,
        format!(
            "`{target}`, named by `query_file!` in `{}`, is not checked: {why}",
            file.rel
        ),
    )
    .at_indexed(
        file.rel,
        file.text,
        file.index,
        follow.offset,
        follow.len,
        "not checked",
    )
    .help("the rest of the file was still checked; the queries in the named file were not")
    .subject(target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Each language's search holds the markers of every language, its extractor's and
    /// the drift needles of a hundred services in at most 24 patterns: measured on the
    /// realistic tree's files, slim Teddy with 24 costs a tenth more than with 16, with
    /// 26 two fifths more, with 32 four times as much (docs/performance.md).
    #[test]
    fn searches_stay_small() {
        let mut yaml = String::from("services:\n");
        for i in 0..100 {
            yaml.push_str(&format!("  svc-{i}-orders: {{}}\n"));
        }
        let reg = crate::registry::load_str(&yaml, "data-ownership.yaml", ".".into())
            .unwrap_or_else(|e| panic!("{e}"));
        let drift = crate::drift::Drift::new(&reg);
        let every: Vec<String> = lang::sql::MARKERS
            .iter()
            .chain(&["ownlint:"])
            .map(|m| m.to_ascii_lowercase())
            .collect();
        for (lang, extra) in Language::ALL.iter().zip(searches(&drift)) {
            let mut sets = vec![markers::Set {
                class: prefilter::EXTRACTORS,
                markers: every.clone(),
                anchors: markers::ANCHORS,
            }];
            sets.extend(extra);
            let Ok(Some(m)) = markers::Markers::new(&sets) else {
                panic!("{lang:?}: the search builds")
            };
            // Java and Kotlin have Spring's shapes besides the rest (listeners,
            // templates, discovery, Feign, Redis streams): 26, a third dearer per byte.
            let limit = if matches!(lang, Language::Java | Language::Kotlin) {
                26
            } else {
                24
            };
            assert!(m.patterns() <= limit, "{lang:?}: {} patterns", m.patterns());
        }
    }

    /// Both results come back, each from its own closure; a panic on the other thread
    /// reaches the caller with its message.
    #[test]
    fn beside_returns_both_and_forwards_a_panic() {
        let data = [1, 2, 3];
        let (sum, len) = beside(|| data.iter().sum::<i32>(), || data.len());
        assert_eq!((sum, len), (6, 3));
        let caught = std::panic::catch_unwind(|| beside(|| -> u8 { panic!("boom {}", 7) }, || 1));
        let payload = caught.err().unwrap_or_else(|| Box::new(()));
        assert_eq!(
            payload.downcast_ref::<String>().map(String::as_str),
            Some("boom 7")
        );
    }

    #[test]
    fn files_touching_only_their_own_service_are_not_parsed() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let files = [
            (
                "data-ownership.yaml",
                "services:\n  orders: {paths: [services/orders], owns: [orders]}\n  \
                 users: {paths: [services/users], owns: [users]}\n",
            ),
            (
                "services/orders/Cargo.toml",
                "[package]\nname = \"orders\"\n",
            ),
            ("services/users/Cargo.toml", "[package]\nname = \"users\"\n"),
            // Own table and own crate only: nothing to find, not parsed.
            (
                "services/orders/src/own.rs",
                "use orders::db;\nfn f() { sqlx::query(\"SELECT * FROM orders\"); }\n",
            ),
            // A name that merely contains another service's table: not parsed.
            (
                "services/orders/src/word.rs",
                "fn f() { let users_seen = 1; sqlx::query(\"SELECT * FROM orders\"); }\n",
            ),
            // Another service's table: parsed and reported.
            (
                "services/orders/src/cross.rs",
                "fn f() { sqlx::query(\"SELECT * FROM users\"); }\n",
            ),
        ];
        for (path, text) in files {
            let abs = tmp.path().join(path);
            if let Some(dir) = abs.parent() {
                std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
            }
            std::fs::write(abs, text).unwrap_or_else(|e| panic!("{e}"));
        }
        let root = tmp.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
        let reg = crate::registry::load(&root.join("data-ownership.yaml"))
            .unwrap_or_else(|e| panic!("{e:?}"));
        let opts = Options {
            targets: vec![root.clone()],
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            threads: 1,
            for_init: false,
        };
        let out = scan(&reg, &opts);
        assert_eq!(out.stats.files_scanned, 5);
        assert_eq!(out.stats.files_parsed, 1, "{:?}", out.findings);
        let paths: Vec<_> = out
            .findings
            .iter()
            .filter_map(|f| f.primary.as_ref().map(|l| l.path.as_str()))
            .collect();
        assert_eq!(paths, ["services/orders/src/cross.rs"]);
    }

    #[test]
    fn files_over_the_size_limit_are_skipped_with_their_size() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = tmp.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            root.join("data-ownership.yaml"),
            "services:\n  a: {paths: [a], owns: [orders]}\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir_all(root.join("a")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("a/big.sql"), "-- x\n".repeat(100))
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("a/small.sql"), "-- x\n").unwrap_or_else(|e| panic!("{e}"));
        let reg = crate::registry::load(&root.join("data-ownership.yaml"))
            .unwrap_or_else(|e| panic!("{e:?}"));
        let opts = Options {
            targets: vec![root.clone()],
            max_file_size: 100,
            threads: 1,
            for_init: false,
        };
        let out = scan(&reg, &opts);
        assert_eq!(out.stats.files_skipped, 1);
        let messages: Vec<&str> = out.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`a/big.sql` was not analysed: it is 500 bytes, over the 100 byte limit (--max-file-size)"
            ]
        );
    }

    /// Runs `Engine::file` over `rel` as a worker does, in a repository holding
    /// `files` where service `a` owns `orders` and `b` owns `users`, after `prepare`
    /// has changed the repository as if between the walk and the read.
    fn engine_file(files: &[(&str, &str)], rel: &str, prepare: impl FnOnce(&Path)) -> Scan {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = tmp.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            root.join("data-ownership.yaml"),
            "services:\n  a: {paths: [a], owns: [orders]}\n  b: {paths: [b], owns: [users]}\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir_all(root.join("a")).unwrap_or_else(|e| panic!("{e}"));
        for (path, text) in files {
            std::fs::write(root.join(path), text).unwrap_or_else(|e| panic!("{e}"));
        }
        let reg = crate::registry::load(&root.join("data-ownership.yaml"))
            .unwrap_or_else(|e| panic!("{e:?}"));
        let paths = PathMap::new(&reg);
        let packages = PackageIndex::default();
        let imports = ImportIndex::default();
        let resolver = Resolver::new(&reg, &paths, &packages, &imports);
        let patterns = prefilter_patterns(&reg, &paths, &packages, &imports);
        let drift = crate::drift::Drift::new(&reg);
        let prefilter = Prefilter::new(reg.tables(), patterns, searches(&drift));
        let engine = Engine {
            reg: &reg,
            paths: &paths,
            resolver: &resolver,
            prefilter: &prefilter,
            drift: &drift,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            for_init: false,
        };
        // The walk listed the file; then it changes.
        let entry = FileEntry {
            rel: rel.to_string(),
            abs: root.join(rel),
        };
        prepare(&root);
        let mut w = Worker::default();
        engine.file(&mut w, &entry);
        w.out
    }

    fn messages(out: &Scan) -> Vec<(Rule, &str)> {
        out.findings
            .iter()
            .map(|f| (f.rule, f.message.as_str()))
            .collect()
    }

    #[test]
    fn a_file_that_vanishes_after_the_walk_is_skipped_with_that_reason() {
        let cross = "SELECT * FROM users;\n";
        let out = engine_file(&[("a/q.sql", cross)], "a/q.sql", |root| {
            std::fs::remove_file(root.join("a/q.sql")).unwrap_or_else(|e| panic!("{e}"));
        });
        assert_eq!(
            messages(&out),
            [(
                Rule::SkippedFile,
                "`a/q.sql` was not analysed: it vanished during the scan (it was listed, then gone when read)"
            )]
        );
        assert_eq!((out.stats.files_scanned, out.stats.files_skipped), (1, 1));
        assert_eq!(out.stats.files_parsed, 0);
        // The same file, still there: the cross-service read is found.
        let out = engine_file(&[("a/q.sql", cross)], "a/q.sql", |_| {});
        assert_eq!(messages(&out).len(), 1);
        assert_eq!(out.findings[0].rule, Rule::CrossServiceRead);
    }

    #[test]
    fn bytes_that_are_not_utf8_become_spaces_one_for_one() {
        // (bytes, text)
        let cases: &[(&[u8], &str)] = &[
            (b"plain", "plain"),
            (b"a\xffb", "a b"),
            (b"\xff\xfe", "  "),
            // A truncated sequence at the end, a lone continuation byte, an overlong
            // encoding, a surrogate: one space per byte that is not valid UTF-8.
            (b"ab\xe2\x82", "ab  "),
            (b"\x80x", " x"),
            (b"\xc0\xafx", "  x"),
            (b"\xed\xa0\x80!", "   !"),
            // Valid multi-byte characters are kept as they are.
            (b"\xc3\xa9t\xc3\xa9\xff", "\u{e9}t\u{e9} "),
        ];
        for (bytes, want) in cases {
            let mut buf = bytes.to_vec();
            assert_eq!(decode_lossy(&mut buf), *want, "{bytes:?}");
            assert_eq!(buf.len(), bytes.len());
        }
    }

    /// One bad byte in a comment does not make the file unchecked: the
    /// cross-service write after it is found, at its own line and column.
    #[test]
    fn a_file_that_is_not_utf8_is_analysed_around_the_bad_bytes() {
        let file = b"-- caf\xe9 \xff\xfe\nUPDATE users SET x = 1;\n".as_slice();
        let text = String::from_utf8_lossy(file);
        let out = engine_file(&[], "a/q.sql", |root| {
            std::fs::write(root.join("a/q.sql"), file).unwrap_or_else(|e| panic!("{e}"));
        });
        assert!(text.contains('\u{fffd}'));
        assert_eq!(out.findings.len(), 1, "{:?}", messages(&out));
        let f = &out.findings[0];
        assert_eq!(f.rule, Rule::CrossServiceWrite);
        let at = f
            .primary
            .as_ref()
            .map(|l| (l.loc.line, l.loc.column, l.loc.offset));
        assert_eq!(at, Some((2, 8, 18)));
        assert_eq!(out.stats.files_skipped, 0);
        assert_eq!(out.stats.files_parsed, 1);
    }

    /// A file that cannot be analysed fails the run unless the registry says
    /// otherwise.
    #[test]
    fn a_file_that_is_not_analysed_is_an_error_by_default() {
        let out = engine_file(
            &[("a/q.sql", "UPDATE users SET x = 1;\0\n")],
            "a/q.sql",
            |_| {},
        );
        assert_eq!(out.findings.len(), 1, "{:?}", messages(&out));
        assert_eq!(out.findings[0].rule, Rule::SkippedFile);
        assert_eq!(
            out.findings[0].severity,
            crate::model::rules::Severity::Error
        );
        assert_eq!(
            crate::commands::exit_code(&out.findings, false),
            crate::commands::EXIT_FINDINGS
        );
        let reg = crate::registry::load_str(
            "services:\n  a: {}\nrules: {skipped-file: warning}\n",
            "data-ownership.yaml",
            ".".into(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            reg.severity(Rule::SkippedFile),
            Some(crate::model::rules::Severity::Warning)
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_file_replaced_by_a_link_after_the_walk_is_not_followed() {
        let out = engine_file(
            &[
                ("a/q.sql", "SELECT 1;\n"),
                ("b.sql", "SELECT * FROM users;\n"),
            ],
            "a/q.sql",
            |root| {
                std::fs::remove_file(root.join("a/q.sql")).unwrap_or_else(|e| panic!("{e}"));
                std::os::unix::fs::symlink(root.join("b.sql"), root.join("a/q.sql"))
                    .unwrap_or_else(|e| panic!("{e}"));
            },
        );
        assert_eq!(
            messages(&out),
            [(
                Rule::SkippedFile,
                "`a/q.sql` was not analysed: it was replaced by a symbolic link during the scan, and links are never followed"
            )]
        );
        assert_eq!(out.stats.files_skipped, 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_replaced_by_a_named_pipe_after_the_walk_does_not_block() {
        let (done, wait) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let out = engine_file(&[("a/q.sql", "SELECT 1;\n")], "a/q.sql", |root| {
                std::fs::remove_file(root.join("a/q.sql")).unwrap_or_else(|e| panic!("{e}"));
                let made = std::process::Command::new("mkfifo")
                    .arg(root.join("a/q.sql"))
                    .status()
                    .unwrap_or_else(|e| panic!("{e}"));
                assert!(made.success());
            });
            let _ = done.send(out);
        });
        let out = wait
            .recv_timeout(std::time::Duration::from_secs(30))
            .unwrap_or_else(|e| panic!("the read of a named pipe blocked: {e}"));
        // It reads as empty: nothing to report, nothing parsed.
        assert_eq!(messages(&out), []);
        assert_eq!(out.stats.files_parsed, 0);
    }

    /// The panic is injected into the same function the engine runs every file's
    /// analysis through.
    #[test]
    fn a_panic_in_one_files_analysis_is_an_internal_error_for_that_file() {
        let analysis = |message: &str, refused| Analysis {
            outcome: crate::suppress::Outcome {
                findings: vec![Finding::new(Rule::CrossServiceRead, message.to_string())],
                suppressed: 1,
            },
            refused,
            values: None,
            observations: Vec::new(),
            library_imports: Vec::new(),
        };
        let mut out = Scan::default();
        contained(&mut out, "a/before.sql", || analysis("before", false));
        contained(&mut out, "a/bad.rs", || -> Analysis { panic!("injected") });
        contained(&mut out, "a/after.sql", || analysis("after", true));
        assert_eq!(
            messages(&out),
            [
                (Rule::CrossServiceRead, "before"),
                (
                    Rule::InternalError,
                    "ownlint failed while analysing `a/bad.rs`; its findings are missing"
                ),
                (Rule::CrossServiceRead, "after"),
            ]
        );
        assert_eq!(out.findings[1].path(), Some("a/bad.rs"));
        assert_eq!(
            (
                out.stats.files_parsed,
                out.stats.files_skipped,
                out.stats.suppressed
            ),
            (2, 1, 2)
        );
        assert_eq!(
            crate::commands::exit_code(&out.findings, false),
            crate::commands::EXIT_INCOMPLETE,
            "an incomplete run says so"
        );
    }
}
