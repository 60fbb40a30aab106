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
//! Java, Kotlin, C#, Python, TypeScript/JavaScript, Ruby, Rust), is not test code,
//! and holds one of the needles of [`Drift::needle_set`]: the registry's hosts in
//! URLs and client names, the calls that name a service, the shapes of event code.
//! The prefilter searches them in the pass that searches the extractors' markers,
//! over the same lowercased copy of the file, through a few anchors ([`ANCHORS`],
//! `crate::scan::markers`): with four needles per service, a separate automaton over
//! hundreds of needles walked every byte and doubled the instructions of a scan of
//! the benchmark's realistic tree (docs/performance.md).

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
#[cfg(test)]
use crate::scan::markers::Markers;
use crate::scan::markers::Set;
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

/// The markers of the event shapes [`code`] and [`brokers`] read (compared ignoring
/// case), by the languages that have them, as docs/rules.md (`undeclared-event`)
/// lists them: a file of a language is lexed for events only when one of its
/// language's markers is in it. Each is as specific as it can be, since each file it
/// matches is lexed, and each language's are few, since every marker costs a little
/// on every byte of every file of that language (docs/performance.md).
///
/// Every language: Kafka-like producers and consumers (`producer.send`,
/// `kafkaTemplate.send`, `consumer.subscribe(..)`, `KafkaConsumer(..)`), raw Redis
/// stream commands (`XADD`, `XREADGROUP`), transactional outbox rows.
const EVENTS_EVERYWHERE: &[&str] = &[
    "kafka",
    "producer",
    "rabbit",
    "consumer.subscribe(",
    "xadd",
    "xread",
    "outbox",
];

/// Go, Java, Kotlin and C#: integration events created (`new
/// OrderStartedIntegrationEvent(..)`), Eventuate handlers (`.onEvent(..)`).
const EVENTS_TYPED: &[&str] = &["integrationevent(", "onevent("];

/// The event markers of `lang` beyond [`EVENTS_EVERYWHERE`].
fn event_needles(lang: Language) -> &'static [&'static str] {
    match lang {
        Language::Go => &["nats-io/nats.go"],
        // Spring's listeners and templates, Spring Data Redis streams, NATS.
        Language::Java | Language::Kotlin => &[
            "listener(",
            "jmstemplate",
            "sqstemplate",
            "snstemplate",
            "streambridge",
            "opsforstream",
            "streamoffset",
            "withstreamkey",
            "streamrecords",
            "nats.client",
        ],
        // Typed subscriptions and publishing (eShop's `AddSubscription<T, H>`,
        // MassTransit's `IConsumer<T>`, `Publish<T>`), StackExchange.Redis streams,
        // NATS.
        Language::CSharp => &[
            "subscription<",
            "subscribe<",
            "subscribeasync<",
            "iconsumer<",
            "publish<",
            "publishasync<",
            "streamadd",
            "streamread",
            "streamcreateconsumergroup",
            "nats.client",
            "nats.net",
        ],
        // pika, bunny.
        Language::Python | Language::Ruby => &["basic_publish(", "basic_consume("],
        // rdkafka's records, lapin's RabbitMQ channel.
        Language::Rust => &["record::to(", "basic_publish(", "basic_consume("],
        // amqplib, NestJS handlers and microservice clients.
        Language::TypeScript => &[
            "sendtoqueue(",
            "eventpattern(",
            "messagepattern(",
            "nestjs/microservices",
        ],

        _ => &[],
    }
}

/// The marker of `new XxxEvent(...)`, which counts only for events the registry
/// knows: looked for only when it declares some.
const KNOWN_EVENT_NEEDLE: &str = "event(";

/// The words the needles are found through: each needle is looked for where the
/// first of these it contains stands (see `crate::scan::markers`). `://` stands for
/// every service's URL, `.new` and `grpc` for its generated clients', the suffixes
/// for its address variables'; the rest gather the event shapes. A needle with none
/// of them is its own anchor, so the choice changes the cost, never the answer. Each
/// place an anchor stands costs a restart of the search: `client`, the obvious anchor
/// of `pb.NewCartClient`, stood 163,000 times in the realistic benchmark tree (120 M
/// instructions), `.new` nowhere.
const ANCHORS: &[&str] = &[
    "://",
    ".new",
    "grpc",
    "_url",
    "_uri",
    "_host",
    "_addr",
    "_endpoint",
    "subscri",
    "publish",
    "consume",
    "event(",
    "pattern(",
    "template",
    "stream",
    "nats",
];

/// Everything the scan needs to read evidence: built once per run.
#[derive(Debug)]
pub struct Drift {
    pub hosts: hosts::Hosts,
    pub events: Events,
}

impl Drift {
    pub fn new(reg: &Registry) -> Drift {
        Drift {
            hosts: hosts::Hosts::new(reg),
            events: Events::new(reg),
        }
    }

    /// Everything a file of `lang` must contain (lowercase) for [`code`] to see
    /// something in it.
    fn needle_list(&self, lang: Language) -> Vec<String> {
        let mut needles = self.hosts.needles(lang);
        needles.extend(
            code::naming_calls(lang)
                .iter()
                .map(|s| s.to_ascii_lowercase()),
        );
        let typed = matches!(
            lang,
            Language::Go | Language::Java | Language::Kotlin | Language::CSharp
        );
        let events = EVENTS_EVERYWHERE
            .iter()
            .chain(if typed { EVENTS_TYPED } else { &[] })
            .chain(event_needles(lang));
        needles.extend(events.map(|s| s.to_string()));
        if !self.events.known.is_empty() {
            needles.push(KNOWN_EVENT_NEEDLE.to_string());
        }
        needles
    }

    /// The needles of files of `lang` as the prefilter searches them, in the same
    /// pass as the extractors' markers (`crate::scan::prefilter`): a file of a
    /// language [`code`] reads, not test code ([`code::is_test_path`]), is lexed for
    /// the rules only when one of these is in it. `None` for a language the rules do
    /// not read.
    pub fn needle_set(&self, lang: Language) -> Option<Set<'static>> {
        code::reads(lang).then(|| Set {
            // The prefilter gives the set a class of its own.
            class: 1,
            markers: self.needle_list(lang),
            anchors: ANCHORS,
        })
    }

    /// What the scan decides for a file of `lang` at `rel` whose bytes
    /// ASCII-lowercased are `lower`.
    #[cfg(test)]
    pub fn wants(&self, lang: Language, rel: &str, lower: &[u8]) -> bool {
        !code::is_test_path(rel)
            && self
                .needle_set(lang)
                .and_then(|set| Markers::new(&[set]).ok().flatten())
                .is_some_and(|m| m.is_match(lower))
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A registry of `n` services named as real ones are, one with a URL prefix.
    fn registry(n: usize) -> Registry {
        let mut yaml = String::from("services:\n");
        for i in 0..n {
            yaml.push_str(&format!("  svc-{i}-orders: {{}}\n"));
        }
        yaml.push_str("  gateway: {hosts: [gateway, \"https://api.example.com/v2\"]}\n");
        crate::registry::load_str(&yaml, "data-ownership.yaml", ".".into())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The plain search the anchored one stands for: any needle anywhere.
    fn plain(needles: &[String], lower: &[u8]) -> bool {
        needles
            .iter()
            .any(|n| lower.windows(n.len()).any(|w| w == n.as_bytes()))
    }

    #[test]
    fn a_hundred_services_add_few_patterns() {
        let drift = Drift::new(&registry(100));
        for lang in Language::ALL {
            let Some(set) = drift.needle_set(lang) else {
                assert!(!code::reads(lang), "{lang:?}");
                continue;
            };
            let needles = set.markers.len();
            assert!(needles > 100, "{lang:?}: {needles} needles");
            let Ok(Some(m)) = Markers::new(&[set]) else {
                panic!("the needles build")
            };
            // Together with the extractors' markers, the patterns of one language's
            // search must stay few (`crate::scan::tests::searches_stay_small`).
            assert!(m.patterns() <= 22, "{lang:?}: {} patterns", m.patterns());
        }
    }

    #[test]
    fn every_needle_is_found_wherever_it_stands() {
        let drift = Drift::new(&registry(3));
        for lang in Language::ALL.into_iter().filter(|l| code::reads(*l)) {
            for n in drift.needle_list(lang) {
                for text in [
                    n.clone(),
                    format!("x{n}"),
                    format!("{n}x"),
                    format!(":/{n}//"),
                ] {
                    assert!(
                        drift.wants(lang, "svc/a", text.as_bytes()),
                        "{lang:?}: {text:?}"
                    );
                }
            }
        }
        for text in [
            "",
            "://",
            "client",
            "grpc",
            "\"svc-0-orders\"",
            "_url",
            "new",
            // A Go client's constructor is read as a member of its package.
            "newsvc0ordersclient(conn)",
            // Shapes of other languages.
            "svc0ordersgrpc.newblockingstub(ch)",
            "services.addhttpclient<c>()",
            "process.env.x",
        ] {
            assert!(
                !drift.wants(Language::Go, "svc/a.go", text.as_bytes()),
                "{text:?}"
            );
        }
    }

    proptest! {
        /// The oracle: on texts made of pieces of needles, anchors and noise, the
        /// anchored search answers as a plain search for every needle does.
        #[test]
        fn answers_as_the_plain_search(
            pieces in proptest::collection::vec(0usize..80, 0..12),
            cuts in proptest::collection::vec(0usize..24, 12),
        ) {
            let drift = Drift::new(&registry(3));
            let needles = drift.needle_list(Language::Python);
            let text = crate::scan::markers::near_misses(&pieces, &cuts, |p| match needles.get(p) {
                Some(n) => n.as_bytes(),
                None => ANCHORS.get(p % 20).map_or(&b"x"[..], |a| a.as_bytes()),
            });
            prop_assert_eq!(
                drift.wants(Language::Python, "svc/a.py", &text),
                plain(&needles, &text)
            );
        }
    }
}
