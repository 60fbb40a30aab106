//! Drift between the registry and the code: the API dependencies and events the code
//! shows, against what `reads_from_apis`, `publishes_events` and `consumes_events`
//! declare.
//!
//! Why a module of its own: the table rules ask "whose data is this?" of one access;
//! these rules ask "does the registry say what the code does?" of a service as a
//! whole, and their evidence comes from code (this module's [`code`]) and from
//! deployment configuration (fed in as [`ObservedEdge`]s through [`Extra`]). Both
//! end in one model, the observed edge, which the rules and `graph --observed` /
//! `waves --observed` read.
//!
//! Cost: a file is lexed for this only when it is in a language [`code`] reads (Go,
//! Java, Kotlin, C#, Python, TypeScript/JavaScript, Ruby, Rust) and
//! an Aho-Corasick search for the registry's hosts and the shapes of event code
//! ([`Drift::wants`]) finds something in it; every other file costs that one search,
//! and files in other languages nothing.

pub mod brokers;
pub mod code;
pub mod config;
pub mod hosts;
mod rules;

pub use rules::{after_scan, config_finding, file_findings};

use crate::lang::Language;
use crate::model::Confidence;
use crate::model::finding::Loc;
use crate::registry::Registry;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::collections::HashMap;

/// Whether code publishes or consumes an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Publish,
    Consume,
}

/// What an observed edge is: an API call, or an event flowing from its publisher to
/// a consumer.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EdgeKind {
    Api,
    Event { name: String },
}

/// Where the evidence for an edge stands.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Evidence {
    /// Repo-relative, `/`-separated path.
    pub path: String,
    pub line: u32,
    pub column: u32,
    /// Byte range in the file.
    pub offset: usize,
    pub len: usize,
    /// How it was recognised (`URL of the service`, `subscription`).
    pub how: String,
}

/// A dependency between two services that the code or the configuration shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObservedEdge {
    /// The calling (for events: publishing) service's name.
    pub from: String,
    /// The called (for events: consuming) service's name.
    pub to: String,
    pub kind: EdgeKind,
    pub evidence: Evidence,
    pub confidence: Confidence,
}

/// What one service's code does about one event or API, as the scan saw it in one
/// place: the material of the rules and of the observed graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    /// Index of the service whose code it is.
    pub service: usize,
    pub seen: code::Seen,
    pub evidence: Evidence,
}

/// Edges observed elsewhere than in code (deployment configuration), given to
/// [`after_scan`]: `&[]` when there are none.
pub type Extra<'a> = &'a [ObservedEdge];

/// The events of the registry by squashed name (see [`event_key`]), with the topics
/// mapped to them.
#[derive(Debug, Default)]
pub struct Events {
    known: HashMap<String, String>,
}

/// An event or topic name compared loosely: lower case, without `.`, `-`, `_`, `/`,
/// `:`, and without a trailing `IntegrationEvent`, `Event` or `Message`, so that
/// `order.placed`, `OrderPlaced`, `OrderPlacedEvent` and `order_placed` are one event.
pub fn event_key(name: &str) -> String {
    let s: String = name
        .chars()
        .filter(|c| !matches!(c, '.' | '-' | '_' | '/' | ':'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    for tail in ["integrationevent", "event", "message"] {
        if let Some(stem) = s.strip_suffix(tail)
            && !stem.is_empty()
        {
            return stem.to_string();
        }
    }
    s
}

impl Events {
    pub fn new(reg: &Registry) -> Events {
        let mut known = HashMap::new();
        for svc in &reg.services {
            for e in svc.publishes.iter().chain(&svc.consumes) {
                known
                    .entry(event_key(&e.value))
                    .or_insert_with(|| e.value.clone());
            }
            for (event, topic) in &svc.topics {
                known
                    .entry(event_key(&topic.value))
                    .or_insert_with(|| event.value.clone());
            }
        }
        Events { known }
    }

    /// The registry's name of the event `name` (an event or a mapped topic).
    pub fn canonical(&self, name: &str) -> Option<&str> {
        self.known.get(&event_key(name)).map(String::as_str)
    }
}

/// True when `svc` lists an event matching `name` (or mapped to the topic `name`) in
/// its `publishes_events` (`Publish`) or `consumes_events` (`Consume`).
pub fn declares(reg: &Registry, svc: usize, role: Role, name: &str) -> bool {
    let Some(s) = reg.services.get(svc) else {
        return false;
    };
    let key = event_key(name);
    let list = match role {
        Role::Publish => &s.publishes,
        Role::Consume => &s.consumes,
    };
    list.iter().any(|e| {
        event_key(&e.value) == key
            || reg
                .services
                .iter()
                .flat_map(|o| &o.topics)
                .any(|(ev, topic)| ev.value == e.value && event_key(&topic.value) == key)
    })
}

/// The shapes of event code that make a file worth lexing, whatever hosts it names:
/// the markers of every shape [`code`] reads, as specific as they can be, since each
/// file they match is lexed.
const EVENT_NEEDLES: &[&str] = &[
    "subscription<",
    "subscribe<",
    "subscribeasync<",
    "iconsumer<",
    "publish<",
    "publishasync<",
    "integrationevent(",
    "onevent(",
    "listener(",
    "eventpattern(",
    "messagepattern(",
    "consumer.subscribe(",
    "basic_publish(",
    "basic_consume(",
    "sendtoqueue(",
    "record::to(",
    "_pb2_grpc.",
];

/// The marker of `new XxxEvent(...)`, which counts only for events the registry
/// knows: looked for only when it declares some.
const KNOWN_EVENT_NEEDLE: &str = "event(";

/// Everything the scan needs to read evidence: built once per run.
#[derive(Debug)]
pub struct Drift {
    pub hosts: hosts::Hosts,
    pub events: Events,
    /// The search that picks the files to lex, built at the first file in a language
    /// [`code`] reads: a repository without any costs nothing more.
    needles: std::sync::OnceLock<Option<AhoCorasick>>,
    /// The automaton the search uses: a DFA for a run over many files (see
    /// [`Drift::for_files`]), otherwise the library's choice.
    kind: Option<AhoCorasickKind>,
}

/// From how many files a run builds the needle search as a DFA. With a host's four
/// spellings per service the needles run to hundreds, past what the SIMD prefilter
/// takes, so every byte of every file of a language `code` reads goes through the
/// automaton: the DFA walks a byte in a few instructions where the NFA takes tens,
/// but costs about 75 M instructions (some 20 ms) to build for a hundred services.
/// A pre-commit run over ten files would pay that for nothing; a whole repository
/// earns it back (docs/performance.md).
const DFA_FROM_FILES: usize = 256;

impl Drift {
    pub fn new(reg: &Registry) -> Drift {
        Drift {
            hosts: hosts::Hosts::new(reg),
            events: Events::new(reg),
            needles: std::sync::OnceLock::new(),
            kind: None,
        }
    }

    /// The evidence reader for a scan that reads `files` files.
    pub fn for_files(reg: &Registry, files: usize) -> Drift {
        Drift {
            kind: (files >= DFA_FROM_FILES).then_some(AhoCorasickKind::DFA),
            ..Drift::new(reg)
        }
    }

    fn needles(&self) -> Option<&AhoCorasick> {
        self.needles
            .get_or_init(|| {
                let mut needles = self.hosts.needles();
                needles.extend(EVENT_NEEDLES.iter().map(|s| s.to_string()));
                needles.extend(code::PRODUCERS.iter().map(|s| s.to_string()));
                needles.extend(brokers::NEEDLES.iter().map(|s| s.to_string()));
                if !self.events.known.is_empty() {
                    needles.push(KNOWN_EVENT_NEEDLE.to_string());
                }
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostFirst)
                    .kind(self.kind)
                    .build(&needles)
                    .ok()
            })
            .as_ref()
    }

    /// True when a file of `lang` at `rel` may hold evidence: a language [`code`]
    /// reads, not test code, and one of the needles in its bytes.
    pub fn wants(&self, lang: Language, rel: &str, bytes: &[u8]) -> bool {
        code::reads(lang)
            && !code::is_test_path(rel)
            && self.needles().is_some_and(|ac| ac.is_match(bytes))
    }

    /// The observations of one decoded file of service `service`.
    pub fn observe(
        &self,
        lang: Language,
        rel: &str,
        text: &str,
        service: usize,
        index: &crate::model::finding::LineIndex,
    ) -> Vec<Observation> {
        code::sightings(lang, text, &self.hosts)
            .into_iter()
            .filter(|s| match &s.seen {
                code::Seen::Api(t) => *t != service,
                code::Seen::Event { name, strong, .. } => {
                    *strong || self.events.canonical(name).is_some()
                }
                code::Seen::Unresolved => true,
            })
            .map(|s| {
                let Loc { line, column, .. } = index.loc(text, s.offset, s.len);
                Observation {
                    service,
                    seen: s.seen,
                    evidence: Evidence {
                        path: rel.to_string(),
                        line,
                        column,
                        offset: s.offset,
                        len: s.len,
                        how: s.how.to_string(),
                    },
                }
            })
            .collect()
    }
}
