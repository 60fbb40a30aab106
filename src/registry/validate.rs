//! Validation of a loaded registry: every problem in one run, each pointing at the
//! registry entry that causes it (and at the other half of a conflict).

use super::paths::{escapes_root, is_glob, normalize, within};
use super::types::{Item, Registry};
use crate::model::finding::{Finding, Loc};
use crate::model::rules::Rule;
use std::collections::{BTreeMap, HashMap};

/// Checks the registry; findings carry default severities.
///
/// `today` is the date expired exceptions are compared with, as `YYYY-MM-DD`.
pub fn validate(reg: &Registry, today: &str) -> Vec<Finding> {
    let mut v = Validator {
        reg,
        index: std::cell::OnceCell::new(),
        out: Vec::new(),
    };
    // First: it builds the registry's index of tables, which `check` runs the scan's
    // setup beside, and whose prefilter waits for it.
    v.owners();
    v.names();
    v.drift_names();
    v.api_reads();
    v.events();
    v.cycles();
    v.paths();
    v.public_and_exclude();
    v.exceptions(today);
    v.rule_levels();
    v.out
}

struct Validator<'a> {
    reg: &'a Registry,
    /// Line starts of the registry: thousands of findings must not each rescan it. Built
    /// at the first finding: a clean 50,000-table registry should not pay for it.
    index: std::cell::OnceCell<crate::model::finding::LineIndex>,
    out: Vec<Finding>,
}

impl Validator<'_> {
    fn finding(&self, rule: Rule, message: String, at: &Loc, label: &str) -> Finding {
        Finding::new(rule, message).at_indexed(
            &self.reg.file,
            &self.reg.source,
            self.index
                .get_or_init(|| crate::model::finding::LineIndex::new(&self.reg.source)),
            at.offset,
            at.len,
            label,
        )
    }

    fn related(&self, f: Finding, at: &Loc, label: &str) -> Finding {
        f.related(&self.reg.file, *at, label)
    }

    fn push(&mut self, f: Finding) {
        self.out.push(f);
    }

    fn names(&mut self) {
        for (si, svc) in self.reg.services.iter().enumerate() {
            if !valid_service_name(&svc.name) {
                let f = self
                    .finding(Rule::InvalidName, format!("invalid service name `{}`", svc.name), &svc.loc, "this name")
                    .help("service names start with a letter or digit and use letters, digits, `-`, `_` and `.`")
                    .service(&svc.name)
                    .subject(&svc.name);
                self.push(f);
            }
            for (ti, t) in svc.owns.iter().enumerate() {
                if !valid_table_name(&t.written) {
                    let f = self
                        .finding(Rule::InvalidName, format!("invalid table name `{}`", t.written), &self.reg.owns_loc(si, ti), "this table")
                        .help("a table is `name` or `schema.name`, made of letters, digits, `_` and `$`")
                        .service(&svc.name)
                        .subject(&t.written);
                    self.push(f);
                }
            }
            for e in svc.publishes.iter().chain(&svc.consumes) {
                if !valid_event_name(&e.value) {
                    let f = self
                        .finding(
                            Rule::InvalidName,
                            format!("invalid event name `{}`", e.value),
                            &e.loc,
                            "this event",
                        )
                        .help(
                            "event names are non-empty and contain no spaces, e.g. `order.placed`",
                        )
                        .service(&svc.name)
                        .subject(&e.value);
                    self.push(f);
                }
            }
        }
    }

    /// `hosts` entries and `topics` mappings (see `crate::drift`): a malformed entry
    /// would silently identify nothing, and a mapping for an event the service does
    /// not declare would never apply.
    fn drift_names(&mut self) {
        for svc in &self.reg.services {
            let topics = svc.topics.iter().flat_map(|(k, v)| [k, v]);
            for h in svc.hosts.iter().chain(topics) {
                if !valid_event_name(&h.value) {
                    let f = self
                        .finding(Rule::InvalidName, format!("invalid host or topic `{}`", h.value), &h.loc, "this entry")
                        .help("hosts and topics are non-empty and contain no spaces, e.g. `order-service` or `orders.v1`")
                        .service(&svc.name)
                        .subject(&h.value);
                    self.push(f);
                }
            }
            for (event, _) in &svc.topics {
                let declared = svc
                    .publishes
                    .iter()
                    .chain(&svc.consumes)
                    .any(|e| e.value == event.value);
                if !declared {
                    let f = self
                        .finding(Rule::InvalidName, format!("`topics` maps `{}`, which `{}` neither publishes nor consumes", event.value, svc.name), &event.loc, "not declared by this service")
                        .help("map the events listed in the service's `publishes_events` or `consumes_events`")
                        .service(&svc.name)
                        .subject(&event.value);
                    self.push(f);
                }
            }
        }
    }

    fn owners(&mut self) {
        // Two entries of one table have the same name: only the entries whose name an
        // earlier one has are candidates, each repeating the first entry of its table.
        let reg = self.reg;
        let index = reg.tables();
        for &(si, ti) in index.repeated() {
            let (svc, t) = (&reg.services[si], &reg.services[si].owns[ti]);
            let first = index
                .owners(t.key.name.as_bytes())
                .filter(|&(osi, oti)| {
                    (osi, oti) < (si, ti) && reg.services[osi].owns[oti].key == t.key
                })
                .min();
            if let Some((other_si, other_ti)) = first {
                let other = reg.services[other_si].name.as_str();
                let msg = listed_again("table", &t.written, "owned", other, &svc.name);
                let f = self.finding(
                    Rule::DuplicateOwner,
                    msg,
                    &reg.owns_loc(si, ti),
                    "claimed again here",
                );
                let f = self
                    .related(f, &reg.owns_loc(other_si, other_ti), &format!("first owned by `{other}` here"))
                    .help("every table has exactly one owner: remove one entry, or give the services separate `database`s if each really keeps its own copy")
                    .service(&svc.name)
                    .subject(&t.written);
                self.push(f);
            }
        }
    }

    fn unknown_service(&mut self, name: &Item, owner: Option<&str>, what: &str) {
        let mut f = self
            .finding(
                Rule::UnknownService,
                format!("{what} names unknown service `{}`", name.value),
                &name.loc,
                "not declared under `services`",
            )
            .subject(&name.value);
        if let Some(s) = suggest(
            &name.value,
            self.reg.services.iter().map(|s| s.name.as_str()),
        ) {
            f = f.help(format!("did you mean `{s}`?"));
        } else {
            f = f.help("declare the service under `services`, or fix the name");
        }
        if let Some(o) = owner {
            f = f.service(o);
        }
        self.push(f);
    }

    fn api_reads(&mut self) {
        for svc in &self.reg.services {
            for r in &svc.reads {
                if r.target.value == svc.name {
                    let f = self
                        .finding(
                            Rule::SelfDependency,
                            format!("`{}` lists itself in `reads_from_apis`", svc.name),
                            &r.target.loc,
                            "itself",
                        )
                        .help("a service calls its own code directly: remove this entry")
                        .service(&svc.name)
                        .subject(&svc.name);
                    self.push(f);
                } else if self.reg.service(&r.target.value).is_none() {
                    self.unknown_service(&r.target, Some(&svc.name), "`reads_from_apis`");
                }
            }
        }
    }

    fn events(&mut self) {
        let mut publishers: BTreeMap<&str, (&str, &Item)> = BTreeMap::new();
        for svc in &self.reg.services {
            for e in &svc.publishes {
                match publishers.get(e.value.as_str()) {
                    None => {
                        publishers.insert(&e.value, (&svc.name, e));
                    }
                    Some(&(other, other_item)) => {
                        let msg = listed_again("event", &e.value, "published", other, &svc.name);
                        let f = self.finding(
                            Rule::DuplicateEventPublisher,
                            msg,
                            &e.loc,
                            "published again here",
                        );
                        let f = self
                            .related(f, &other_item.loc, &format!("first published by `{other}` here"))
                            .help("an event has one publisher, the owner of the data it describes: rename one of them or remove it")
                            .service(&svc.name)
                            .subject(&e.value);
                        self.push(f);
                    }
                }
            }
        }
        for svc in &self.reg.services {
            for e in &svc.consumes {
                if !publishers.contains_key(e.value.as_str()) {
                    let mut f = self
                        .finding(
                            Rule::UnpublishedEvent,
                            format!(
                                "`{}` consumes `{}`, which no service publishes",
                                svc.name, e.value
                            ),
                            &e.loc,
                            "no publisher",
                        )
                        .service(&svc.name)
                        .subject(&e.value);
                    f = match suggest(&e.value, publishers.keys().copied()) {
                        Some(s) => f.help(format!("did you mean `{s}`?")),
                        None => f.help("add the event to its publisher's `publishes_events`, or remove it here"),
                    };
                    self.push(f);
                }
            }
        }
    }

    fn cycles(&mut self) {
        for cycle in crate::graph::api_cycles(self.reg) {
            let names: Vec<&str> = cycle
                .members
                .iter()
                .map(|&i| self.reg.services[i].name.as_str())
                .collect();
            let Some((first, rest)) = cycle.edges.split_first() else {
                continue;
            };
            // The service whose `reads_from_apis` entry carries the primary label.
            let at_fault = cycle.members.iter().copied().find(|&i| {
                self.reg.services[i]
                    .reads
                    .iter()
                    .any(|r| r.target.loc == *first)
            });
            // A real path around the cycle, from that service (name order is not one
            // once three or more services are involved), then any other member.
            let mut order = cycle.members.clone();
            if let Some(i) = at_fault {
                order.retain(|&j| j != i);
                order.insert(0, i);
            }
            let walk = cycle_walk(self.reg, &order);
            let walk_names: Vec<&str> = walk
                .iter()
                .map(|&i| self.reg.services[i].name.as_str())
                .collect();
            let mut message = format!(
                "services read each other's APIs in a cycle: {}",
                cycle_path(&walk_names)
            );
            let others: Vec<&str> = names
                .iter()
                .copied()
                .filter(|n| !walk_names.contains(n))
                .collect();
            if !others.is_empty() {
                message.push_str(&format!(
                    "; also in the cycle: {}",
                    others
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let mut f = self.finding(
                Rule::DependencyCycle,
                message,
                first,
                "this read closes the cycle",
            );
            for e in rest {
                f = self.related(f, e, "and this one");
            }
            let at_fault = at_fault.map_or(names[0], |i| self.reg.services[i].name.as_str());
            let f = f
                .help("release order is undefined inside a cycle: break it by replacing one read with an event, or accept it (`rules: {dependency-cycle: off}`)")
                .service(at_fault)
                .subject(names.join(","));
            self.push(f);
        }
    }

    fn paths(&mut self) {
        let mut claimed: HashMap<String, (&str, &Item)> = HashMap::new();
        for svc in &self.reg.services {
            if !svc.paths_declared {
                continue;
            }
            for p in &svc.paths {
                if let Some(f) = self.malformed(p, Entry::Paths) {
                    let f = f.service(&svc.name);
                    self.push(f);
                    continue;
                }
                let norm = normalize(&p.value);
                if let Some(&(other, other_item)) = claimed.get(&norm) {
                    if other != svc.name {
                        let f = self.finding(
                            Rule::OverlappingPaths,
                            format!("`{}` and `{other}` both claim `{}`", svc.name, p.value),
                            &p.loc,
                            "claimed again here",
                        );
                        let f = self
                            .related(f, &other_item.loc, &format!("claimed by `{other}` here"))
                            .help("a directory belongs to one service; a service inside another's directory names its own subdirectory")
                            .service(&svc.name)
                            .subject(&norm);
                        self.push(f);
                    }
                } else {
                    claimed.insert(norm.clone(), (&svc.name, p));
                }
                if escapes_root(&norm) {
                    let f = self
                        .finding(Rule::MissingPaths, format!("`{}` points outside the repository", p.value), &p.loc, "outside the repository")
                        .help("paths are relative to the directory holding data-ownership.yaml and stay inside it: no leading `/`, no `..`")
                        .service(&svc.name)
                        .subject(&norm);
                    self.push(f);
                } else if !pattern_matches_something(&self.reg.root, &norm) {
                    let f = self
                        .finding(Rule::MissingPaths, format!("`{}` matches nothing in the repository", p.value), &p.loc, "no such path")
                        .help("fix the path (relative to the directory holding data-ownership.yaml) or remove it")
                        .service(&svc.name)
                        .subject(&norm);
                    self.push(f);
                }
            }
        }
    }

    /// An `invalid-path` finding for an entry that is empty as written, a glob that
    /// does not compile, or (for `public` and `exclude`; `paths` outside the
    /// repository are `missing-paths`) outside the repository. Such an entry matches
    /// nothing (see [`super::paths::usable`]).
    fn malformed(&self, item: &Item, kind: Entry) -> Option<Finding> {
        let name = kind.key();
        let written = &item.value;
        if written.trim().is_empty() {
            let help = match kind {
                Entry::Paths => {
                    "write the directory relative to the repository root; the root itself is `.`"
                }
                Entry::Public => {
                    "name the directory other services may import; an empty entry would open the whole repository, so it is ignored"
                }
                Entry::Exclude => {
                    "remove the entry; an empty entry would exclude the whole repository, so it is ignored"
                }
            };
            let f = self
                .finding(
                    Rule::InvalidPath,
                    format!("empty `{name}` entry"),
                    &item.loc,
                    "empty",
                )
                .help(help)
                .subject("");
            return Some(f);
        }
        let norm = normalize(written);
        if is_glob(&norm)
            && let Err(e) = globset::Glob::new(&norm)
        {
            let why = e.kind().to_string();
            let f = self
                .finding(
                    Rule::InvalidPath,
                    format!("`{name}` entry `{written}` is not a valid glob: {why}"),
                    &item.loc,
                    "invalid glob",
                )
                .help("fix the glob (`*` within a component, `**` as a whole component, `[...]` and `{a,b}` closed), or write a plain directory; until then it matches nothing")
                .subject(&norm);
            return Some(f);
        }
        if kind != Entry::Paths && escapes_root(&norm) {
            let f = self
                .finding(
                    Rule::InvalidPath,
                    format!("`{name}` entry `{written}` points outside the repository"),
                    &item.loc,
                    "outside the repository",
                )
                .help("entries are relative to the directory holding data-ownership.yaml and stay inside it: no leading `/`, no `..`; this one matches nothing")
                .subject(&norm);
            return Some(f);
        }
        None
    }

    fn public_and_exclude(&mut self) {
        for svc in &self.reg.services {
            for p in &svc.public {
                if let Some(f) = self.malformed(p, Entry::Public) {
                    let f = f.service(&svc.name);
                    self.push(f);
                }
            }
        }
        for e in &self.reg.exclude {
            if let Some(f) = self.malformed(e, Entry::Exclude) {
                self.push(f);
            } else if let Some(f) = self.broad_exclude(e) {
                self.push(f);
            }
        }
    }

    /// A `broad-exclude` finding for an `exclude` entry that covers the repository
    /// root (`.`, `*`, `**`) or the whole directory of a service.
    fn broad_exclude(&self, e: &Item) -> Option<Finding> {
        let norm = normalize(&e.value);
        let glob = if is_glob(&norm) {
            let Ok(glob) = globset::Glob::new(&norm) else {
                return None;
            };
            Some(glob.compile_matcher())
        } else {
            None
        };
        // An entry covers a directory when it names it or one of its ancestors, or
        // its glob matches it (a glob that names a directory covers what is below).
        let covers = |dir: &str| match &glob {
            Some(g) => g.is_match(dir),
            None => within(dir, &norm),
        };
        // Two unrelated top-level names: an entry covering both covers every one.
        let root = match &glob {
            Some(_) => covers("0") && covers("ownlint-probe"),
            None => norm.is_empty(),
        };
        if root {
            let f = self
                .finding(
                    Rule::BroadExclude,
                    format!(
                        "`exclude` entry `{}` covers the whole repository: nothing would be checked",
                        e.value
                    ),
                    &e.loc,
                    "excludes everything",
                )
                .help("exclude only the directories that hold no service's code (`infra`, `vendor`, `scripts/*.sh`); this entry turns the whole check off")
                .subject(&norm);
            return Some(f);
        }
        let mut covered = self.reg.services.iter().filter_map(|svc| {
            let p = svc.paths.iter().find_map(|p| {
                let dir = super::paths::usable(&p.value)?;
                // A glob entry's literal directory (`libs` of `libs/*/billing`):
                // excluding it excludes all the glob can match.
                let literal: Vec<&str> = dir.split('/').take_while(|c| !is_glob(c)).collect();
                let literal = literal.join("/");
                (!literal.is_empty() && covers(&literal)).then_some(p)
            })?;
            Some((svc, p))
        });
        let (svc, p) = covered.next()?;
        let more = covered.count();
        let others = match more {
            0 => String::new(),
            1 => " and of 1 more service".to_string(),
            n => format!(" and of {n} more services"),
        };
        let f = self.finding(
            Rule::BroadExclude,
            format!(
                "`exclude` entry `{}` covers all the code of `{}` (`{}`){others}: none of it would be checked",
                e.value, svc.name, p.value
            ),
            &e.loc,
            "excludes a whole service",
        );
        let f = self
            .related(f, &p.loc, &format!("`{}`'s code", svc.name))
            .help("exclude only what holds no service's code (generated files, fixtures: `services/orders/fixtures`); a service whose code should not be checked is removed from the registry, not excluded")
            .service(&svc.name)
            .subject(&norm);
        Some(f)
    }

    fn exceptions(&mut self, today: &str) {
        for ex in &self.reg.exceptions {
            if self.reg.service(&ex.service.value).is_none() {
                self.unknown_service(&ex.service, None, "an exception");
            }
            let svc = ex.service.value.as_str();
            if ex.table.is_none()
                && ex.import.is_none()
                && ex.database.is_none()
                && ex.api.is_none()
                && ex.event.is_none()
            {
                let f = self
                    .finding(Rule::InvalidException, "exception names no `table`, `import`, `database`, `api` or `event`".into(), &ex.loc, "this exception")
                    .help("say what the deviation is about: `table: <name>`, `import: <crate or path>`, `database: <name>`, `api: <service>` or `event: <name>`")
                    .service(svc)
                    .subject(svc);
                self.push(f);
            }
            if let Some(api) = &ex.api
                && self.reg.service(&api.value).is_none()
            {
                self.unknown_service(api, None, "an exception's `api`");
            }
            if let Some(t) = &ex.table {
                let lower = t.value.to_lowercase();
                let name = lower.rsplit('.').next().unwrap_or(&lower);
                let owned = self
                    .reg
                    .services
                    .iter()
                    .any(|s| s.owns.iter().any(|o| o.key.name == name));
                if !owned {
                    let f = self
                        .finding(
                            Rule::InvalidException,
                            format!("exception for table `{}`, which no service owns", t.value),
                            &t.loc,
                            "unknown table",
                        )
                        .help(
                            "an exception grants access to another service's table: check the name",
                        )
                        .service(svc)
                        .subject(&t.value);
                    self.push(f);
                }
            }
            if ex.reason.value.trim().is_empty() {
                let f = self
                    .finding(Rule::InvalidException, "exception has an empty `reason`".into(), &ex.reason.loc, "empty")
                    .help("write down why the deviation is acceptable, so the next reader can judge it")
                    .service(svc)
                    .subject(svc);
                self.push(f);
            }
            if let Some(exp) = &ex.expires {
                if !is_date(&exp.value) {
                    let f = self
                        .finding(
                            Rule::InvalidException,
                            format!("`expires: {}` is not a date", exp.value),
                            &exp.loc,
                            "expected YYYY-MM-DD",
                        )
                        .help("write the date as YYYY-MM-DD, e.g. 2027-03-31")
                        .service(svc)
                        .subject(&exp.value);
                    self.push(f);
                } else if exp.value.as_str() < today {
                    let subject = ex
                        .table
                        .as_ref()
                        .or(ex.import.as_ref())
                        .map_or(svc, |i| i.value.as_str());
                    let f = self
                        .finding(Rule::ExpiredException, format!("exception for `{svc}` on `{subject}` expired on {}", exp.value), &exp.loc, "expired")
                        .help("fix the code the exception covered and remove the exception, or extend `expires` with a new reason")
                        .service(svc)
                        .subject(subject);
                    self.push(f);
                }
            }
        }
    }

    fn rule_levels(&mut self) {
        for (name, _) in &self.reg.rule_levels {
            if !crate::model::rules::is_level_key(&name.value) {
                let mut f = self
                    .finding(
                        Rule::UnknownRule,
                        format!("unknown rule `{}`", name.value),
                        &name.loc,
                        "no such rule",
                    )
                    .subject(&name.value);
                let keys = Rule::ALL.iter().map(|r| r.name());
                let keys = keys.chain([crate::model::rules::LOW_CONFIDENCE]);
                f = match suggest(&name.value, keys) {
                    Some(s) => f.help(format!(
                        "did you mean `{s}`? (`ownlint rules` lists them all)"
                    )),
                    None => f.help("`ownlint rules` lists every rule"),
                };
                self.push(f);
            }
        }
    }
}

/// Which list a path entry stands in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Entry {
    Paths,
    Public,
    Exclude,
}

impl Entry {
    fn key(self) -> &'static str {
        match self {
            Entry::Paths => "paths",
            Entry::Public => "public",
            Entry::Exclude => "exclude",
        }
    }
}

/// The shortest cycle of API reads through the first of `members` (a strongly
/// connected component, so one exists), as service indices in reading order.
fn cycle_walk(reg: &Registry, members: &[usize]) -> Vec<usize> {
    let Some(&start) = members.first() else {
        return Vec::new();
    };
    let succ = |i: usize| {
        reg.services[i]
            .reads
            .iter()
            .filter_map(|r| reg.service_index(&r.target.value))
            .filter(|j| members.contains(j))
            .collect::<Vec<_>>()
    };
    let mut parent: HashMap<usize, usize> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(i) = queue.pop_front() {
        for j in succ(i) {
            if j == start {
                let mut walk = vec![i];
                let mut k = i;
                while let Some(&p) = parent.get(&k).filter(|_| k != start) {
                    k = p;
                    walk.push(k);
                }
                walk.reverse();
                return walk;
            }
            if j != i && !parent.contains_key(&j) {
                parent.insert(j, i);
                queue.push_back(j);
            }
        }
    }
    members.to_vec()
}

/// "a → b → a".
fn cycle_path(names: &[&str]) -> String {
    let mut s = names.join(" → ");
    if let Some(first) = names.first() {
        s.push_str(" → ");
        s.push_str(first);
    }
    s
}

/// The message for `what` (`table`, `event`) `name`, listed by `me` after `other`
/// listed it: twice by one service, or `done` by two.
fn listed_again(what: &str, name: &str, done: &str, other: &str, me: &str) -> String {
    if other == me {
        format!("{what} `{name}` is listed twice by `{me}`")
    } else {
        format!("{what} `{name}` is {done} by both `{other}` and `{me}`")
    }
}

/// The candidate closest to `name`, if any is close enough to be a likely typo.
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

pub(super) fn valid_service_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn valid_table_name(s: &str) -> bool {
    let mut parts = 0;
    s.split('.').all(|p| {
        parts += 1;
        let mut chars = p.chars();
        parts <= 2
            && chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
    })
}

pub(crate) fn valid_event_name(s: &str) -> bool {
    !s.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `YYYY-MM-DD`, a real calendar date (`2027-02-30` is not one).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r)
            .filter(|x| x.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|x| x.parse::<u32>().ok())
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// Today's date as `YYYY-MM-DD` (UTC). `OWNLINT_TODAY` overrides it, so that tests
/// and reproducible CI runs can pin the date.
pub fn today() -> String {
    if let Ok(d) = std::env::var("OWNLINT_TODAY")
        && is_date(&d)
    {
        return d;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// True when a `paths` entry (normalized) names something that exists.
fn pattern_matches_something(root: &std::path::Path, pattern: &str) -> bool {
    if !is_glob(pattern) {
        return root.join(pattern).exists();
    }
    let Ok(glob) = globset::Glob::new(pattern) else {
        return false;
    };
    let matcher = glob.compile_matcher();
    // Walk from the literal prefix of the pattern, bounded in depth by the pattern.
    let literal: Vec<&str> = pattern.split('/').take_while(|c| !is_glob(c)).collect();
    let base = root.join(literal.join("/"));
    let depth = if pattern.contains("**") {
        usize::MAX
    } else {
        pattern.split('/').count() - literal.len()
    };
    walkdir_any(&base, root, depth, &matcher)
}

fn walkdir_any(
    base: &std::path::Path,
    root: &std::path::Path,
    depth: usize,
    m: &globset::GlobMatcher,
) -> bool {
    let walker = ignore::WalkBuilder::new(base)
        .max_depth(Some(depth))
        .hidden(false)
        .build();
    walker.filter_map(Result::ok).any(|e| {
        e.path()
            .strip_prefix(root)
            .is_ok_and(|rel| m.is_match(rel.to_string_lossy().replace('\\', "/")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(yaml: &str) -> Vec<Finding> {
        let reg = crate::registry::load_str(yaml, "data-ownership.yaml", ".".into())
            .unwrap_or_else(|e| panic!("{e}"));
        validate(&reg, "2026-03-01")
    }

    #[test]
    fn cycle_message_follows_real_reads() {
        // a → c → b → a: name order (a, b, c) is not a path of reads.
        let f = run(
            "services:\n  a: {reads_from_apis: [c: []]}\n  b: {reads_from_apis: [a: []]}\n  c: {reads_from_apis: [b: []]}\n",
        );
        assert_eq!(f.len(), 1);
        assert!(f[0].message.ends_with("a → c → b → a"), "{}", f[0].message);
        // Two cycles through `a` sharing it: one finding, every member named.
        let f = run(
            "services:\n  a: {reads_from_apis: [b: [], c: []]}\n  b: {reads_from_apis: [a: []]}\n  c: {reads_from_apis: [a: []]}\n",
        );
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("a → b → a; also in the cycle: `c`"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].related.len(), 3);
    }

    #[test]
    fn duplicates_within_one_service() {
        let f = run("services:\n  a: {owns: [t, T], publishes_events: [e, e]}\n");
        let msgs: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "table `T` is listed twice by `a`",
                "event `e` is listed twice by `a`"
            ]
        );
    }

    #[test]
    fn paths_outside_the_repository() {
        let f = run("services:\n  a: {paths: [/etc, ../x, 'services/../../y']}\n");
        assert_eq!(f.len(), 3);
        assert!(f.iter().all(|f| f.rule == Rule::MissingPaths
            && f.message.ends_with("points outside the repository")));
    }

    /// (rule, message) of each finding.
    fn said(f: &[Finding]) -> Vec<(Rule, &str)> {
        f.iter().map(|f| (f.rule, f.message.as_str())).collect()
    }

    #[test]
    fn path_entries_that_mean_nothing_or_everything_are_refused() {
        // (registry, expected findings)
        let cases: &[(&str, &[(Rule, &str)])] = &[
            (
                "services:\n  a: {paths: ['']}\n",
                &[(Rule::InvalidPath, "empty `paths` entry")],
            ),
            (
                "services:\n  a: {paths: ['  ']}\n",
                &[(Rule::InvalidPath, "empty `paths` entry")],
            ),
            (
                "services:\n  a: {public: ['']}\n",
                &[(Rule::InvalidPath, "empty `public` entry")],
            ),
            (
                "services:\n  a: {paths: ['[a']}\n",
                &[(
                    Rule::InvalidPath,
                    "`paths` entry `[a` is not a valid glob: unclosed character class; missing ']'",
                )],
            ),
            (
                "services:\n  a: {public: ['x/{a', /etc]}\n",
                &[
                    (
                        Rule::InvalidPath,
                        "`public` entry `x/{a` is not a valid glob: unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)",
                    ),
                    (
                        Rule::InvalidPath,
                        "`public` entry `/etc` points outside the repository",
                    ),
                ],
            ),
            (
                "exclude: ['', '../..', 'a/../../b', '/', 'x/[b']\nservices:\n  a: {}\n",
                &[
                    (Rule::InvalidPath, "empty `exclude` entry"),
                    (
                        Rule::InvalidPath,
                        "`exclude` entry `../..` points outside the repository",
                    ),
                    (
                        Rule::InvalidPath,
                        "`exclude` entry `a/../../b` points outside the repository",
                    ),
                    (
                        Rule::InvalidPath,
                        "`exclude` entry `/` points outside the repository",
                    ),
                    (
                        Rule::InvalidPath,
                        "`exclude` entry `x/[b` is not a valid glob: unclosed character class; missing ']'",
                    ),
                ],
            ),
            (
                "exclude: ['.', './', '*', '**', '**/*', '{x,*}']\nservices:\n  a: {}\n",
                &[
                    (
                        Rule::BroadExclude,
                        "`exclude` entry `.` covers the whole repository: nothing would be checked",
                    ),
                    (
                        Rule::BroadExclude,
                        "`exclude` entry `./` covers the whole repository: nothing would be checked",
                    ),
                    (
                        Rule::BroadExclude,
                        "`exclude` entry `*` covers the whole repository: nothing would be checked",
                    ),
                    (
                        Rule::BroadExclude,
                        "`exclude` entry `**` covers the whole repository: nothing would be checked",
                    ),
                    (
                        Rule::BroadExclude,
                        "`exclude` entry `**/*` covers the whole repository: nothing would be checked",
                    ),
                    (
                        Rule::BroadExclude,
                        "`exclude` entry `{x,*}` covers the whole repository: nothing would be checked",
                    ),
                ],
            ),
            (
                "exclude: [src, 'src//a/', 's*', 'lib/x']\nservices:\n  a: {paths: [src/a]}\n  b: {paths: [src/b]}\n  c: {paths: ['lib/*/c']}\n",
                &[
                    (
                        Rule::BroadExclude,
                        "`exclude` entry `src` covers all the code of `a` (`src/a`) and of 1 more service: none of it would be checked",
                    ),
                    (
                        Rule::BroadExclude,
                        "`exclude` entry `src//a/` covers all the code of `a` (`src/a`): none of it would be checked",
                    ),
                    (
                        Rule::BroadExclude,
                        "`exclude` entry `s*` covers all the code of `a` (`src/a`) and of 1 more service: none of it would be checked",
                    ),
                ],
            ),
            // Must not flag: parts of services, paths outside them, normalized forms.
            (
                "exclude: [src/a/fixtures, 'src/*/gen', '**/*.snap', srcs, lib/x/c/gen, ./infra/]\nservices:\n  a: {paths: [src/a, ./src/a/, 'src//a'], public: ['src/a/{api,types}']}\n  b: {paths: [src/b]}\n  c: {paths: ['lib/*/c']}\n",
                &[],
            ),
        ];
        for (yaml, want) in cases {
            let found: Vec<_> = run(yaml)
                .into_iter()
                .filter(|f| f.rule != Rule::MissingPaths)
                .collect();
            assert_eq!(said(&found), *want, "{yaml}");
        }
    }

    /// The finding points at the entry itself, and a broad exclude at the service's
    /// entry too.
    #[test]
    fn path_findings_point_at_the_entry() {
        let f = run("services:\n  a: {paths: [src/a]}\nexclude: [x, src, '']\n");
        let at: Vec<_> = f
            .iter()
            .filter(|f| f.rule != Rule::MissingPaths)
            .map(|f| {
                let p = f.primary.as_ref().map(|l| (l.loc.line, l.loc.column));
                let r: Vec<_> = f
                    .related
                    .iter()
                    .map(|l| (l.loc.line, l.loc.column))
                    .collect();
                (f.rule, p, r)
            })
            .collect();
        assert_eq!(
            at,
            [
                (Rule::BroadExclude, Some((3, 14)), vec![(2, 15)]),
                (Rule::InvalidPath, Some((3, 19)), vec![]),
            ]
        );
    }

    #[test]
    fn expiry_is_inclusive_and_pinned() {
        let yaml = |d: &str| {
            format!(
                "services:\n  a: {{owns: [t]}}\n  b: {{}}\nexceptions:\n  - {{service: b, table: t, reason: r, expires: {d}}}\n"
            )
        };
        assert!(run(&yaml("2026-03-01")).is_empty());
        assert!(run(&yaml("2026-12-31")).is_empty());
        let f = run(&yaml("2026-02-28"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, Rule::ExpiredException);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_414), (2025, 11, 22));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn date_syntax() {
        assert!(is_date("2027-03-31"));
        assert!(is_date("2028-02-29"));
        for bad in [
            "2027-3-31",
            "2027-13-01",
            "tomorrow",
            "2027-03-31T00",
            "2027-02-29",
            "2027-04-31",
            "2027-00-10",
            "+027-01-01",
            "2027-01-+1",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn name_syntax() {
        assert!(valid_table_name("billing.invoices"));
        assert!(!valid_table_name("a.b.c"));
        assert!(!valid_table_name(""));
        assert!(!valid_table_name("order items"));
        assert!(valid_service_name("order-service"));
        assert!(!valid_service_name("-x"));
        assert!(!valid_event_name("order placed"));
    }
}
