//! Evidence in code: what a file says about the services it calls and the events it
//! publishes and consumes, in every language whose lexer gives a
//! [`View`](crate::lang::view::View): Go, Java, Kotlin, C#, Python, TypeScript and
//! JavaScript, Ruby, Rust.
//!
//! The rules here are written once, against that language-neutral view (tokens
//! without comments, string literals decoded, calls and their arguments, the file's
//! string constants), so comments never count and a constant stands for its literal;
//! each language only lexes. What never counts either: literals passed to logging,
//! printing or translation calls or to exception constructors (messages, not calls:
//! [`MESSAGE_CALLS`] and the per-language table of [`crate::lang::sinks`]), test code
//! (see [`is_test_path`]; Rust's `#[cfg(test)]` items are left out of its view), and
//! a service's own hosts (the caller drops those).

use super::hosts::Hosts;
use crate::lang::Language;
use crate::lang::clike::Dialect;
use crate::lang::sinks::{self, SinkKind};
use crate::lang::view::{Arg, Call, View};

/// What a sighting is of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    /// A call to the API of this service (index into the registry's services).
    Api(usize),
    /// An event or topic, published or consumed. `strong`: the shape alone says it is
    /// an event (a subscription, a listener annotation, a producer call); otherwise
    /// only a name the registry knows counts (`new OrderCreatedEvent(...)`).
    Event {
        name: String,
        role: super::Role,
        strong: bool,
    },
    /// An address whose service this module cannot tell: an address variable named
    /// like a service's (`TRANSACTIONS_API_ADDR`, `PAYMENT_SERVICE_URL`) that names
    /// no service of the registry, or a loopback URL (`http://localhost:8080`, a
    /// default that deployment replaces). Never a finding: it says the service's calls
    /// are not all visible, so `unused-api-dependency` does not judge it.
    Unresolved,
}

/// One piece of evidence in a file: what, where, and how it was recognised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sighting {
    pub seen: Seen,
    /// Byte range in the file.
    pub offset: usize,
    pub len: usize,
    /// The shape that was recognised, for the finding's label (`URL`, `Feign client`).
    pub how: &'static str,
}

/// True for the languages this module reads.
pub fn reads(lang: Language) -> bool {
    matches!(
        lang,
        Language::Go
            | Language::Java
            | Language::Kotlin
            | Language::CSharp
            | Language::Python
            | Language::TypeScript
            | Language::Ruby
            | Language::Rust
    )
}

/// The file as its language's lexer gives it to the rules.
fn view(lang: Language, text: &str) -> Option<View<'_>> {
    let clike = |d| Some(crate::lang::clike::view(text, d, lang));
    match lang {
        Language::Go => clike(Dialect::Go),
        Language::Java => clike(Dialect::Java),
        Language::Kotlin => clike(Dialect::Kotlin),
        Language::CSharp => clike(Dialect::CSharp),
        Language::Python => Some(crate::lang::python::view(text)),
        Language::TypeScript => Some(crate::lang::typescript::view(text)),
        Language::Ruby => Some(crate::lang::ruby::view(text)),
        Language::Rust => Some(crate::lang::rust::view(text)),
        _ => None,
    }
}

/// True for test code: its URLs and events are test doubles, not the service's calls.
pub fn is_test_path(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let dirs = lower.rsplit_once('/').map_or("", |(d, _)| d);
    let stem = name.split('.').next().unwrap_or(name);
    dirs.split('/').any(|d| {
        matches!(
            d,
            "test"
                | "tests"
                | "testing"
                | "testdata"
                | "it"
                | "e2e"
                | "mocks"
                | "mock"
                | "fakes"
                | "__tests__"
                | "__mocks__"
        ) || d.ends_with("tests")
            || d.ends_with(".test")
    }) || name.ends_with("_test.go")
        || name.ends_with("test.java")
        || name.ends_with("tests.java")
        || name.ends_with("test.kt")
        || name.ends_with("tests.kt")
        || name.ends_with("tests.cs")
        || name.ends_with("test.cs")
        // Python `test_orders.py`, `orders_test.py`, `conftest.py`; Ruby `_spec.rb`,
        // `_test.rb`; TypeScript and JavaScript `.test.ts`, `.spec.js`; Rust `_test.rs`.
        || (name.ends_with(".py") && (stem.starts_with("test_") || stem.ends_with("_test") || stem == "conftest"))
        || (name.ends_with(".rb") && dirs.split('/').any(|d| d == "spec"))
        || name.ends_with("_spec.rb")
        || name.ends_with("_test.rb")
        || name.ends_with("_test.rs")
        || name.contains(".test.")
        || name.contains(".spec.")
}

/// Calls whose string arguments are messages: logging, printing, errors.
const MESSAGE_CALLS: &[&str] = &[
    "Print",
    "Printf",
    "Println",
    "Errorf",
    "Fatal",
    "Fatalf",
    "Panic",
    "Panicf",
    "Info",
    "Infof",
    "Debug",
    "Debugf",
    "Warn",
    "Warnf",
    "Warning",
    "Error",
    "Trace",
    "info",
    "debug",
    "warn",
    "error",
    "trace",
    "println",
    "print",
    "printf",
    "WriteLine",
    "Write",
    "LogInformation",
    "LogWarning",
    "LogError",
    "LogDebug",
    "LogTrace",
    "LogCritical",
    "Log",
    "log",
    "New",
    "Wrap",
    "Wrapf",
    "format",
    "Sprintf",
];

/// Reads the sightings of one file.
pub fn sightings(lang: Language, text: &str, hosts: &Hosts) -> Vec<Sighting> {
    let Some(src) = view(lang, text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for i in 0..src.toks.len() {
        if src.lit(i).is_some() {
            literal(&src, i, hosts, &mut out);
        } else if let Some(word) = src.ident(i) {
            ident(&src, i, word, hosts, &mut out);
        }
    }
    super::brokers::sightings(&src, &mut out);
    out.retain(|s| !matches!(&s.seen, Seen::Event { name, .. } if is_probe_event(name)));
    out
}

/// Words of an event or topic name that make it a health probe (a liveness message a
/// service sends to check its broker connection, `health.internal.storage-service.0`),
/// never a dependency between services, as a URL's `/healthz` is not.
const PROBE_WORDS: &[&str] = &[
    "health",
    "healthcheck",
    "heartbeat",
    "liveness",
    "readiness",
];

/// True when one of the words of `name` (split at `.`, `-`, `_`, `/`, `:`) is a
/// [`PROBE_WORDS`] word, ignoring case.
fn is_probe_event(name: &str) -> bool {
    name.split(['.', '-', '_', '/', ':'])
        .any(|w| PROBE_WORDS.iter().any(|p| w.eq_ignore_ascii_case(p)))
}

/// The byte range of token `i`.
fn range(src: &View, i: usize) -> (usize, usize) {
    let t = src.toks[i];
    (t.start, t.end - t.start)
}

/// The callee written before the `(` at `open`, dotted as written (`self.logger.info`,
/// `console.log`, `Rails.logger.warn`), and its last name's token.
fn callee(src: &View, name: usize) -> String {
    let mut parts = vec![src.ident(name).unwrap_or("")];
    let mut k = name;
    while parts.len() < 8
        && k >= 2
        && matches!(src.punct(k - 1), "." | "?." | "::" | "&.")
        && let Some(w) = src.ident(k - 2)
    {
        parts.push(w);
        k -= 2;
    }
    parts.reverse();
    parts.join(".")
}

/// True when the call whose name is token `name` (a Rust macro when `bang`) takes
/// prose in its language: a logger, a printer, an exception, a translation.
fn is_message_call(src: &View, name: usize, bang: bool) -> bool {
    let word = src.ident(name).unwrap_or("");
    let prose = |k: Option<SinkKind>| matches!(k, Some(SinkKind::NonSql(n)) if n.covers_nested());
    if bang {
        return prose(sinks::rust_macro(word));
    }
    if MESSAGE_CALLS.contains(&word) || word.ends_with("Exception") || word.ends_with("Error") {
        return true;
    }
    let member = name >= 1 && matches!(src.punct(name - 1), "." | "?." | "::");
    let recv = (member && name >= 2).then(|| src.ident(name - 2)).flatten();
    match src.lang {
        Language::Python => prose(sinks::python(&callee(src, name))),
        Language::Ruby => prose(sinks::ruby(&callee(src, name))),
        Language::TypeScript => prose(sinks::js(recv, word, member)),
        Language::Rust => prose(sinks::rust_call(recv, word, member)),
        _ => false,
    }
}

/// True when token `i` stands in the arguments of a message call or an exception's
/// constructor, or (Python, Ruby) in a statement led by one without parentheses
/// (`raise ArgumentError, ".."`, `logger.info ".."`).
pub(super) fn in_message(src: &View, i: usize) -> bool {
    let mut k = i;
    for _ in 0..4 {
        let Some(open) = src.enclosing(k) else {
            break;
        };
        if src.punct(open) == "(" && open > 0 {
            let bang = src.punct(open - 1) == "!" && open > 1 && src.lang == Language::Rust;
            let name = if bang { open - 2 } else { open - 1 };
            if src.ident(name).is_some() && is_message_call(src, name, bang) {
                return true;
            }
        }
        k = open;
    }
    if !matches!(src.lang, Language::Ruby | Language::Python) {
        return false;
    }
    // The statement's head: back to its start, then a dotted name not called with `(`.
    let mut s = i;
    while s > 0 && i - s < 256 && !matches!(src.punct(s - 1), ";" | "{" | "}") {
        s -= 1;
    }
    let mut last = s;
    while src.ident(last).is_some() && src.punct(last + 1) == "." && src.ident(last + 2).is_some() {
        last += 2;
    }
    last < i
        && src.ident(last).is_some()
        && src.punct(last + 1) != "("
        && (src.is_word(s, "raise") || is_message_call(src, last, false))
}

fn literal(src: &View, i: usize, hosts: &Hosts, out: &mut Vec<Sighting>) {
    let text = src.lit_text(i);
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.len() > 2048 || in_message(src, i) {
        return;
    }
    let (offset, len) = range(src, i);
    let mut push = |target: usize, how| {
        out.push(Sighting {
            seen: Seen::Api(target),
            offset,
            len,
            how,
        });
    };
    if let Some(t) = hosts.by_url(trimmed) {
        push(t, "URL of the service");
        return;
    }
    if let Some(t) = hosts.by_env(trimmed) {
        push(t, "environment variable holding its address");
        return;
    }
    if is_unresolved_address(trimmed) {
        out.push(Sighting {
            seen: Seen::Unresolved,
            offset,
            len,
            how: "address of no known service",
        });
        return;
    }
    // `@Value("${ORDER_SERVICE_URL}")`, `"${ORDER_SERVICE_URL:http://localhost}"`.
    let mut rest = trimmed;
    while let Some(at) = rest.find("${") {
        let inner = &rest[at + 2..];
        let end = inner.find(['}', ':']).unwrap_or(inner.len());
        if let Some(t) = hosts.by_env(&inner[..end]) {
            push(t, "environment variable holding its address");
            return;
        }
        rest = &inner[end..];
    }
}

/// Words of address variables that name infrastructure, not a service of the
/// registry: telemetry collectors, brokers, stores, the cluster itself
/// (`COLLECTOR_SERVICE_ADDR`, `REDIS_SERVICE_HOST`, `KUBERNETES_SERVICE_HOST`).
const INFRASTRUCTURE: &[&str] = &[
    "COLLECTOR",
    "OTEL",
    "OTLP",
    "JAEGER",
    "ZIPKIN",
    "TRACING",
    "METRICS",
    "PROMETHEUS",
    "KUBERNETES",
    "REDIS",
    "KAFKA",
    "RABBIT",
    "AMQP",
    "NATS",
    "DATABASE",
    "POSTGRES",
    "MYSQL",
    "MONGO",
    "ELASTIC",
    "CACHE",
    "SMTP",
    "VAULT",
    "CONSUL",
];

/// True for an address that names no service of the registry but stands for one
/// (the caller asked [`Hosts`] first): a loopback URL (`http://localhost:8080`,
/// `http://127.0.0.1:8008`), or an address variable whose name says it holds a
/// service's address (`TRANSACTIONS_API_ADDR`, `PAYMENT_SERVICE_URL`,
/// `AUTH_SVC_HOST`; not `DATABASE_URL`, `REDIS_HOST` or a telemetry collector's
/// `COLLECTOR_SERVICE_ADDR`).
fn is_unresolved_address(text: &str) -> bool {
    if let Some((scheme, rest)) = text.split_once("://") {
        let host = rest.split(['/', ':', '?', '#']).next().unwrap_or("");
        return matches!(scheme, "http" | "https")
            && (host.eq_ignore_ascii_case("localhost") || host == "127.0.0.1");
    }
    let upper = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    upper
        && ["_ADDR", "_ADDRESS", "_URL", "_URI", "_HOST", "_ENDPOINT"]
            .iter()
            .any(|s| text.ends_with(s))
        && ["_API_", "SERVICE_", "_SVC_"]
            .iter()
            .any(|w| text.contains(w))
        && !INFRASTRUCTURE.iter().any(|w| text.contains(w))
}

/// Receivers whose `send`/`convertAndSend` publishes a message: Kafka and Spring
/// producers (`kafkaTemplate`, `kafkaProducer`, `streamBridge`, `rabbitTemplate`,
/// `jmsTemplate`, `sqsTemplate`, `snsTemplate`).
pub const PRODUCERS: &[&str] = &[
    "kafka",
    "producer",
    "streambridge",
    "rabbit",
    "jmstemplate",
    "sqstemplate",
    "snstemplate",
];

/// Spring Cloud service discovery's lookups of a service by name
/// (`discoveryClient.getInstances("customers-service")`).
const DISCOVERY_CALLS: &[&str] = &["getInstances", "choose"];

/// Annotations and registrations that give a client the name of the service it calls
/// (`@FeignClient(name = "order-service")`, `AddHttpClient("order-service")`).
const CLIENT_CALLS: &[&str] = &["FeignClient", "AddHttpClient", "AddGrpcClient"];

/// The calls through which code of `lang` names a service by a bare name: the needle
/// search (`Drift::needle_set`) looks for these, not for the names. Spring's in Java
/// and Kotlin, .NET's in C#.
pub fn naming_calls(lang: Language) -> &'static [&'static str] {
    match lang {
        Language::Java | Language::Kotlin => &["getInstances", "choose", "FeignClient"],
        Language::CSharp => &["AddHttpClient", "AddGrpcClient"],
        _ => &[],
    }
}

/// Receivers whose `subscribe` consumes topics: Kafka consumers (`consumer`,
/// `kafkaConsumer`), not an observable's `subscribe`.
pub const CONSUMERS: &[&str] = &["consumer", "kafka"];

/// Calls that publish to or consume from a queue or topic named by an argument, with
/// the keys (or else the position) of that argument: RabbitMQ (pika, bunny, lapin, amqplib),
/// Kafka clients by constructor (kafka-python, aiokafka), rdkafka's record.
pub const QUEUE_CALLS: &[(&str, super::Role, &[&str], usize)] = &[
    ("basic_publish", super::Role::Publish, &["routing_key"], 1),
    ("sendToQueue", super::Role::Publish, &["queue"], 0),
    ("basic_consume", super::Role::Consume, &["queue"], 0),
    ("KafkaConsumer", super::Role::Consume, &["topics"], 0),
    ("AIOKafkaConsumer", super::Role::Consume, &["topics"], 0),
];

/// Decorators and annotations whose string arguments name the topic or queue the
/// method consumes: Spring's listeners, NestJS microservice handlers.
pub const LISTENERS: &[&str] = &[
    "KafkaListener",
    "RabbitListener",
    "StreamListener",
    "SqsListener",
    "JmsListener",
    "EventPattern",
    "MessagePattern",
];

/// The receiver of `call` in lower case (empty when it has none).
pub(super) fn receiver(src: &View, call: &Call) -> String {
    call.recv
        .and_then(|r| src.ident(r))
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// A sighting of the event or topic `name`, at token `k`.
pub(super) fn named_event(
    src: &View,
    k: usize,
    name: String,
    role: super::Role,
    how: &'static str,
) -> Sighting {
    let (offset, len) = range(src, k);
    Sighting {
        seen: Seen::Event {
            name,
            role,
            strong: true,
        },
        offset,
        len,
        how,
    }
}

/// The string values of tokens `start..end`: literals, and names of this file's
/// string constants.
pub(super) fn strings_in(src: &View, start: usize, end: usize) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for k in start..end.min(src.toks.len()) {
        if let Some(l) = src.lit(k) {
            out.push((l.to_string(), k));
        } else if let Some(name) = src.ident(k)
            && (k == 0 || !matches!(src.punct(k - 1), "." | "::"))
            && let Some(l) = src.constant(name)
        {
            out.push((l.to_string(), k));
        }
    }
    out
}

/// The topic names argument `a` holds: its strings (a literal, a constant, a list), or
/// in an object (`{ topic: "orders" }`, `{ topics: [..] }`) the strings of the keys
/// `topic`, `topics`.
fn topics_in(src: &View, a: &Arg) -> Vec<(String, usize)> {
    if src.punct(a.start) == "{" {
        return src
            .items(a.start)
            .iter()
            .filter(|e| {
                e.key
                    .and_then(|k| src.ident(k))
                    .is_some_and(|k| k == "topic" || k == "topics")
            })
            .flat_map(|e| strings_in(src, e.start, e.end))
            .collect();
    }
    strings_in(src, a.start, a.end)
}

/// True for the usual names of type parameters: `T`, `TEvent`, `TNotification`.
fn is_type_parameter(name: &str) -> bool {
    let b = name.as_bytes();
    b == b"T" || (b.len() > 1 && b[0] == b'T' && b[1].is_ascii_uppercase())
}

/// The first type named in the generic arguments at `lt` (`<A.B, C>` → `B`).
fn first_type_arg(src: &View, lt: usize) -> Option<usize> {
    if src.punct(lt) != "<" {
        return None;
    }
    let mut last = None;
    for k in lt + 1..(lt + 16).min(src.toks.len()) {
        match src.punct(k) {
            "." => {}
            "," | ">" => return last,
            _ if src.ident(k).is_some() => last = Some(k),
            _ => return None,
        }
    }
    None
}

fn ident(src: &View, i: usize, word: &str, hosts: &Hosts, out: &mut Vec<Sighting>) {
    use super::Role::{Consume, Publish};
    let event = |k: usize, role, strong, how| {
        let (offset, len) = range(src, k);
        Sighting {
            seen: Seen::Event {
                name: src.ident(k).unwrap_or_default().to_string(),
                role,
                strong,
            },
            offset,
            len,
            how,
        }
    };
    let api = |k: usize, target, how| {
        let (offset, len) = range(src, k);
        Sighting {
            seen: Seen::Api(target),
            offset,
            len,
            how,
        }
    };
    match word {
        // eShop's event bus, MassTransit consumers: `AddSubscription<OrderStarted, Handler>()`.
        "AddSubscription" | "Subscribe" | "SubscribeAsync" | "IConsumer" => {
            if let Some(k) = first_type_arg(src, i + 1)
                .filter(|&k| !is_type_parameter(src.ident(k).unwrap_or("")))
            {
                out.push(event(k, Consume, true, "subscription"));
            }
        }
        // MassTransit and similar: `Publish<OrderSubmitted>(...)`. Not MediatR's
        // in-process notifications (`mediator.Publish<T>`), nor a type parameter.
        "Publish" | "PublishAsync" => {
            let recv = src
                .call_at(i)
                .and_then(|c| c.recv)
                .and_then(|r| src.ident(r));
            if recv.is_some_and(|r| r.to_ascii_lowercase().contains("mediator")) {
                return;
            }
            if let Some(k) = first_type_arg(src, i + 1)
                .filter(|&k| !is_type_parameter(src.ident(k).unwrap_or("")))
            {
                out.push(event(k, Publish, true, "publish call"));
            }
        }
        // Eventuate: `.onEvent(OrderCreatedEvent.class, ...)`.
        "onEvent" if i > 0 && src.punct(i - 1) == "." && src.punct(i + 1) == "(" => {
            if src.ident(i + 2).is_some() && src.punct(i + 3) == "." && src.is_word(i + 4, "class")
            {
                out.push(event(i + 2, Consume, true, "event handler"));
            }
        }
        "new" => {
            let Some(k) = (i + 1..(i + 8).min(src.toks.len()))
                .take_while(|&k| src.ident(k).is_some() || src.punct(k) == ".")
                .filter(|&k| src.ident(k).is_some())
                .last()
            else {
                return;
            };
            let name = src.ident(k).unwrap_or_default();
            if src.punct(k + 1) != "(" {
                return;
            }
            if name.ends_with("IntegrationEvent") {
                out.push(event(k, Publish, true, "integration event created"));
            } else if name.ends_with("Event") {
                out.push(event(k, Publish, false, "event created"));
            }
        }
        _ if LISTENERS.contains(&word) => {
            let Some(call) = src.call_at(i).filter(|c| c.annotation) else {
                return;
            };
            let args = src.args(&call);
            let keys = ["topics", "queues", "value", "destination", "queueNames"];
            for a in &args {
                let keyed = a.key.and_then(|k| src.ident(k));
                if keyed.is_none_or(|k| keys.contains(&k)) {
                    for (name, k) in strings_in(src, a.start, a.end) {
                        if !name.contains("${") && !name.contains("#{") {
                            out.push(named_event(src, k, name, Consume, "listener"));
                        }
                    }
                }
            }
        }
        // Kafka and Spring producers: `kafkaTemplate.send("orders", ...)`,
        // `rabbitTemplate.convertAndSend("orders", ...)`, `streamBridge.send("orders-out", ...)`.
        // kafkajs: `producer.send({ topic: "orders", messages })`; confluent-kafka and
        // ruby-kafka: `producer.produce("orders", ..)`, `producer.produce(m, topic: "orders")`.
        "send" | "convertAndSend" | "produce" | "produce_sync" | "produce_async" => {
            let Some(call) = src.call_at(i) else { return };
            let recv = receiver(src, &call);
            let producer = PRODUCERS.iter().any(|p| recv.contains(p));
            if !producer {
                return;
            }
            let args = src.args(&call);
            let Some(a) = src.arg_named(&args, &["topic"], Some(0)) else {
                return;
            };
            if src.punct(a.start) == "{" {
                for (name, k) in topics_in(src, &a) {
                    out.push(named_event(src, k, name, Publish, "producer call"));
                }
            } else if let Some((name, k)) = strings_in(src, a.start, a.end).into_iter().next()
                && a.end - a.start == 1
            {
                out.push(named_event(src, k, name, Publish, "producer call"));
            }
        }
        // Kafka consumers: `consumer.subscribe(["orders"])` (kafka-python,
        // confluent-kafka, rdkafka's `&["orders"]`), kafkajs's
        // `consumer.subscribe({ topics: ["orders"] })`.
        "subscribe" => {
            let Some(call) = src.call_at(i) else { return };
            let recv = receiver(src, &call);
            if !CONSUMERS.iter().any(|p| recv.contains(p)) {
                return;
            }
            if let Some(a) = src.args(&call).first() {
                for (name, k) in topics_in(src, a) {
                    out.push(named_event(src, k, name, Consume, "subscription"));
                }
            }
        }
        // rdkafka: `FutureRecord::to("orders")`, `BaseRecord::to("orders")`.
        "to" if i >= 2
            && src.punct(i - 1) == "::"
            && src.ident(i - 2).is_some_and(|r| r.ends_with("Record")) =>
        {
            let Some(call) = src.call_at(i) else { return };
            if let Some(a) = src.args(&call).first()
                && a.end - a.start == 1
                && let Some((name, k)) = strings_in(src, a.start, a.end).into_iter().next()
            {
                out.push(named_event(src, k, name, Publish, "producer call"));
            }
        }
        _ if QUEUE_CALLS.iter().any(|q| q.0 == word) => {
            let Some(&(_, role, keys, pos)) = QUEUE_CALLS.iter().find(|q| q.0 == word) else {
                return;
            };
            let Some(call) = src.call_at(i) else { return };
            let args = src.args(&call);
            if let Some(a) = src.arg_named(&args, keys, Some(pos))
                && a.end - a.start == 1
                && let Some((name, k)) = strings_in(src, a.start, a.end).into_iter().next()
                && !name.trim().is_empty()
            {
                let how = if role == Publish {
                    "publish call"
                } else {
                    "subscription"
                };
                out.push(named_event(src, k, name, role, how));
            }
        }
        // `process.env.ORDER_SERVICE_URL` (an environment variable read by name, not
        // by a string).
        _ if i >= 2 && src.punct(i - 1) == "." && src.is_word(i - 2, "env") => {
            if let Some(t) = hosts.by_env(word) {
                out.push(api(i, t, "environment variable holding its address"));
            } else if is_unresolved_address(word) {
                let (offset, len) = range(src, i);
                out.push(Sighting {
                    seen: Seen::Unresolved,
                    offset,
                    len,
                    how: "address of no known service",
                });
            }
        }
        // Spring Cloud service discovery: `discoveryClient.getInstances("customers-service")`,
        // `loadBalancerClient.choose("customers-service")`.
        _ if DISCOVERY_CALLS.contains(&word) => {
            let Some(call) = src.call_at(i) else { return };
            let recv = receiver(src, &call);
            if !(recv.contains("discovery") || recv.contains("loadbalancer")) {
                return;
            }
            let args = src.args(&call);
            if let Some(a) = args.first()
                && let Some((v, k)) = strings_in(src, a.start, a.end).into_iter().next()
                && let Some(t) = hosts.by_name(v.trim())
            {
                out.push(api(k, t, "service discovery of the service"));
            }
        }
        _ if CLIENT_CALLS.contains(&word) => {
            let Some(call) = src.call_at(i) else { return };
            let args = src.args(&call);
            let Some(a) = src.arg_named(&args, &["name", "value", "url"], Some(0)) else {
                return;
            };
            if let Some((v, k)) = strings_in(src, a.start, a.end).into_iter().next()
                && let Some(t) = hosts.by_name(v.trim())
            {
                out.push(api(k, t, "client of the service"));
            }
        }
        _ => {
            // Generated gRPC clients: Go `pb.NewCartServiceClient(conn)`, Java
            // `CartServiceGrpc.newBlockingStub(channel)`, Python
            // `cart_pb2_grpc.CartServiceStub(channel)`.
            let stem = word
                .strip_prefix("New")
                .and_then(|w| w.strip_suffix("Client"))
                .filter(|_| src.punct(i + 1) == "(" && i > 0 && src.punct(i - 1) == ".")
                .or_else(|| {
                    word.strip_suffix("Grpc").filter(|_| {
                        src.punct(i + 1) == "."
                            && src
                                .ident(i + 2)
                                .is_some_and(|m| m.starts_with("new") && m.ends_with("Stub"))
                    })
                })
                .or_else(|| {
                    word.strip_suffix("Stub").filter(|_| {
                        src.punct(i + 1) == "("
                            && i >= 2
                            && src.punct(i - 1) == "."
                            && src.ident(i - 2).is_some_and(|m| m.ends_with("_pb2_grpc"))
                    })
                });
            let stem = stem
                .or_else(|| grpc_js_client(src, i, word))
                .or_else(|| ruby_stub(src, i, word));
            if let Some(stem) = stem.filter(|s| !s.is_empty())
                && let Some(t) = hosts.by_name(stem)
            {
                out.push(api(i, t, "generated gRPC client"));
            }
        }
    }
}

/// TypeScript/JavaScript, grpc-js: `new CartServiceClient(addr, credentials.createInsecure())`
/// (ts-proto, grpc-tools) or `new hipstershop.CartService(addr, grpc.credentials..)`
/// (proto-loader): a constructor given gRPC channel credentials; the service's name
/// without `Client`.
fn grpc_js_client<'a>(src: &View<'a>, i: usize, word: &'a str) -> Option<&'a str> {
    if src.lang != Language::TypeScript || src.punct(i + 1) != "(" {
        return None;
    }
    // `new X(` or `new a.b.X(`.
    let mut k = i;
    while k >= 2 && src.punct(k - 1) == "." && src.ident(k - 2).is_some() {
        k -= 2;
    }
    if k == 0 || !src.is_word(k - 1, "new") {
        return None;
    }
    let call = src.call_at(i)?;
    // The credentials are among the first arguments: a bounded look keeps nested
    // constructors linear.
    let end = call.close.min(call.open + 64).min(src.toks.len());
    let credentials = (call.open + 1..end).any(|t| src.is_word(t, "credentials"));
    credentials.then(|| word.strip_suffix("Client").unwrap_or(word))
}

/// Ruby, grpc: `Hipstershop::CartService::Stub.new(addr, ..)`: the service's name.
fn ruby_stub<'a>(src: &View<'a>, i: usize, word: &'a str) -> Option<&'a str> {
    if src.lang != Language::Ruby
        || word != "Stub"
        || i < 2
        || src.punct(i - 1) != "::"
        || src.punct(i + 1) != "."
        || !src.is_word(i + 2, "new")
    {
        return None;
    }
    src.ident(i - 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::Role::Publish;

    fn registry() -> crate::registry::Registry {
        crate::registry::load_str(
            "services:\n  order-service: {}\n  cart: {}\n",
            "data-ownership.yaml",
            ".".into(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn hosts() -> Hosts {
        Hosts::new(&registry())
    }

    /// What the sightings of `text` name: `api:N` or `pub:NAME`/`sub:NAME` (`~` for a
    /// name that counts only when the registry knows it). Each case is also a test of
    /// the needle search: a file with a sighting that counts whatever the registry
    /// declares is one the scan lexes.
    fn seen(lang: Language, text: &str) -> Vec<String> {
        let found = sightings(lang, text, &hosts());
        let counts = found.iter().any(|s| match &s.seen {
            Seen::Event { strong, .. } => *strong,
            _ => true,
        });
        let lower = text.to_ascii_lowercase();
        assert!(
            !counts || super::super::Drift::new(&registry()).wants(lang, "src/a", lower.as_bytes()),
            "the needle search misses {lang:?}: {text}"
        );
        found
            .into_iter()
            .map(|s| match s.seen {
                Seen::Api(t) => format!("api:{t}"),
                Seen::Event { name, role, strong } => {
                    let r = if role == Publish { "pub" } else { "sub" };
                    format!("{r}:{}{name}", if strong { "" } else { "~" })
                }
                Seen::Unresolved => "unresolved".to_string(),
            })
            .collect()
    }

    #[test]
    fn must_flag() {
        use Language::*;
        let cases: &[(Language, &str, &[&str])] = &[
            (Go, r#"u := "http://order-service:8080/orders""#, &["api:0"]),
            (Go, r#"a := os.Getenv("ORDER_SERVICE_ADDR")"#, &["api:0"]),
            (Go, "c := pb.NewCartClient(conn)", &["api:1"]),
            (
                Java,
                r#"@FeignClient(name = "order-service") interface O {}"#,
                &["api:0"],
            ),
            (
                Java,
                r#"@Value("${ORDER_SERVICE_URL:http://localhost}") String u;"#,
                &["api:0"],
            ),
            (Java, "var s = CartGrpc.newBlockingStub(ch);", &["api:1"]),
            (
                Java,
                r#"var i = discoveryClient.getInstances("cart");"#,
                &["api:1"],
            ),
            (
                CSharp,
                r#"services.AddHttpClient<C>(o => o.BaseAddress = new("http+https://cart"));"#,
                &["api:1"],
            ),
            (
                Java,
                r#"@KafkaListener(topics = {"a.b", "c"}) void on() {}"#,
                &["sub:a.b", "sub:c"],
            ),
            (
                Java,
                "static final String T = \"orders\"; void f() { kafkaTemplate.send(T, x); }",
                &["pub:orders"],
            ),
            (
                Java,
                ".onEvent(OrderCreatedEvent.class, this::h)",
                &["sub:OrderCreatedEvent"],
            ),
            (
                CSharp,
                "bus.AddSubscription<OrderStarted, H>();",
                &["sub:OrderStarted"],
            ),
            (
                CSharp,
                "class C : IConsumer<Billing.OrderPaid> {}",
                &["sub:OrderPaid"],
            ),
            (
                CSharp,
                "await bus.Publish<OrderSubmitted>(new { Id = 1 });",
                &["pub:OrderSubmitted"],
            ),
            (
                CSharp,
                "var e = new OrderStartedIntegrationEvent(id);",
                &["pub:OrderStartedIntegrationEvent"],
            ),
            (
                Java,
                "return List.of(new OrderCreatedEvent(id));",
                &["pub:~OrderCreatedEvent"],
            ),
        ];
        for (lang, text, want) in cases {
            assert_eq!(seen(*lang, text), *want, "{text}");
        }
    }

    #[test]
    fn must_not_flag() {
        use Language::*;
        let cases: &[(Language, &str)] = &[
            (Go, "// see http://order-service:8080/orders\nx := 1"),
            (
                Go,
                r#"log.Printf("calling http://order-service/orders failed")"#,
            ),
            (Go, r#"return fmt.Errorf("http://order-service is down")"#),
            (
                Java,
                r#"throw new IllegalStateException("http://order-service down");"#,
            ),
            (CSharp, r#"_logger.LogWarning("http://cart/x failed");"#),
            (Go, r#"u := "https://api.stripe.com/v1/charges""#),
            (Go, r#"u := "http://order-service:8080/healthz""#),
            (Go, r#"u := "http://order-services/x""#),
            (Go, r#"a := os.Getenv("DATABASE_URL")"#),
            (Go, r#"name := "order-service""#),
            (CSharp, "await _mediator.Publish<OrderPlaced>(e);"),
            (
                CSharp,
                "public Task Publish<TEvent>(TEvent e) => bus.Publish<TEvent>(e);",
            ),
            (Java, "restTemplate.send(\"orders\", x);"),
            (Java, "var u = new User(name);"),
        ];
        for (lang, text) in cases {
            assert_eq!(seen(*lang, text), Vec::<String>::new(), "{text}");
        }
    }

    /// Python, TypeScript/JavaScript, Ruby and Rust: the same rules, read through each
    /// language's own lexer.
    #[test]
    fn must_flag_in_scripting_languages_and_rust() {
        use Language::*;
        let cases: &[(Language, &str, &[&str])] = &[
            (
                Python,
                "r = requests.get(f\"http://order-service:8080/orders/{oid}\")",
                &["api:0"],
            ),
            (Python, "u = os.environ[\"ORDER_SERVICE_URL\"]", &["api:0"]),
            (Python, "u = os.getenv('CART_ADDR', 'x')", &["api:1"]),
            (
                Python,
                "async with httpx.AsyncClient(base_url='http://cart/api') as c:\n  pass",
                &["api:1"],
            ),
            (Python, "s = cart_pb2_grpc.CartStub(channel)", &["api:1"]),
            // Generated gRPC clients: grpc-js (ts-proto and proto-loader), Ruby.
            (
                TypeScript,
                "const c = new CartClient(addr, credentials.createInsecure());",
                &["api:1"],
            ),
            (
                TypeScript,
                "const c = new proto.OrderService(addr, grpc.credentials.createInsecure());",
                &["api:0"],
            ),
            (
                Ruby,
                "stub = Hipstershop::Cart::Stub.new(addr, :this_channel_is_insecure)",
                &["api:1"],
            ),
            (
                Python,
                "TOPIC = 'orders.created'\nproducer.send(TOPIC, value=b)",
                &["pub:orders.created"],
            ),
            (
                Python,
                "ch.basic_publish(exchange='', routing_key='order_paid', body=b)",
                &["pub:order_paid"],
            ),
            (
                Python,
                "ch.basic_consume(queue='order_paid', on_message_callback=cb)",
                &["sub:order_paid"],
            ),
            (
                Python,
                "c = KafkaConsumer('payments', bootstrap_servers=s)",
                &["sub:payments"],
            ),
            (
                Python,
                "consumer.subscribe(['a', 'b'])",
                &["sub:a", "sub:b"],
            ),
            (
                TypeScript,
                "const r = await fetch(`http://order-service/orders/${id}`);",
                &["api:0"],
            ),
            (TypeScript, "axios.get('http://cart:7070/cart')", &["api:1"]),
            (
                TypeScript,
                "const base = process.env.ORDER_SERVICE_URL;",
                &["api:0"],
            ),
            (
                TypeScript,
                "await producer.send({ topic: 'order-created', messages: [m] });",
                &["pub:order-created"],
            ),
            (
                TypeScript,
                "const T = 'payments'\nawait consumer.subscribe({ topics: [T], fromBeginning: true });",
                &["sub:payments"],
            ),
            (
                TypeScript,
                "class C { @EventPattern('order_created') on(d) {} }",
                &["sub:order_created"],
            ),
            (
                TypeScript,
                "channel.sendToQueue('emails', Buffer.from(m));",
                &["pub:emails"],
            ),
            (Ruby, "uri = URI(\"http://cart:3000/items\")", &["api:1"]),
            (
                Ruby,
                "conn = Faraday.new(url: ENV['ORDER_SERVICE_URL'])",
                &["api:0"],
            ),
            (
                Ruby,
                "producer.produce(payload, topic: 'orders')",
                &["pub:orders"],
            ),
            (
                Rust,
                "let r = reqwest::get(\"http://order-service/orders\").await?;",
                &["api:0"],
            ),
            (Rust, "let u = std::env::var(\"CART_URL\")?;", &["api:1"]),
            (
                Rust,
                "const TOPIC: &str = \"orders\";\nfn f() { p.send(FutureRecord::to(TOPIC).payload(&b), t); }",
                &["pub:orders"],
            ),
            (
                Rust,
                "consumer.subscribe(&[\"payments\"]).expect(\"subscribe\");",
                &["sub:payments"],
            ),
            // lapin: the routing key, then the queue consumed.
            (
                Rust,
                "channel.basic_publish(\"\", \"order_paid\", BasicPublishOptions::default(), &body, BasicProperties::default()).await?;",
                &["pub:order_paid"],
            ),
            (
                Rust,
                "const QUEUE: &str = \"payments\";\nasync fn f(ch: &Channel) { ch.basic_consume(QUEUE, \"billing\", BasicConsumeOptions::default(), FieldTable::default()).await; }",
                &["sub:payments"],
            ),
        ];
        for (lang, text, want) in cases {
            assert_eq!(seen(*lang, text), *want, "{lang:?}: {text}");
        }
    }

    /// Addresses of no known service mark the file's service as not fully read.
    #[test]
    fn unresolved_addresses() {
        use Language::*;
        let cases: &[(Language, &str, &[&str])] = &[
            (
                Python,
                "u = os.environ['TRANSACTIONS_API_ADDR']",
                &["unresolved"],
            ),
            (
                TypeScript,
                "const u = process.env.PAYMENT_SERVICE_URL;",
                &["unresolved"],
            ),
            (
                Rust,
                "#[clap(default_value = \"http://127.0.0.1:8008\")] a: Uri,",
                &["unresolved"],
            ),
            (Go, r#"u := "http://localhost:8080/x""#, &["unresolved"]),
            (Python, "u = os.environ['DATABASE_URL']", &[]),
            (TypeScript, "const u = process.env.REDIS_HOST;", &[]),
            (
                TypeScript,
                "const u = process.env.COLLECTOR_SERVICE_ADDR;",
                &[],
            ),
            (Go, r#"u := "http://localhost.example.com/x""#, &[]),
        ];
        for (lang, text, want) in cases {
            assert_eq!(seen(*lang, text), *want, "{lang:?}: {text}");
        }
    }

    #[test]
    fn must_not_flag_in_scripting_languages_and_rust() {
        use Language::*;
        let cases: &[(Language, &str)] = &[
            // Comments.
            (Python, "# calls http://order-service/orders\nx = 1"),
            (
                TypeScript,
                "// fetch('http://order-service/orders')\nconst x = 1;",
            ),
            (TypeScript, "/* http://cart/x */ let y = 2;"),
            (Ruby, "# http://cart/items\nx = 1"),
            (Rust, "// http://cart/items\nfn f() {}"),
            // Log, print and error messages.
            (
                Python,
                "logger.warning(f\"http://order-service/orders failed: {e}\")",
            ),
            (Python, "raise RuntimeError('http://cart/x is down')"),
            (Python, "print('calling http://cart/x')"),
            (TypeScript, "console.error(`http://cart/x failed`);"),
            (TypeScript, "throw new Error('http://order-service down');"),
            (Ruby, "Rails.logger.info \"calling http://cart/items\""),
            (Ruby, "raise ArgumentError, \"http://cart/items down\""),
            (Rust, "println!(\"calling http://cart/x\");"),
            (Rust, "let c = r.expect(\"http://cart/x unreachable\");"),
            // Health checks, third-party hosts, names that only look alike.
            (Python, "requests.get('http://order-service:8080/healthz')"),
            (TypeScript, "fetch('https://api.stripe.com/v1/charges')"),
            (Python, "u = os.environ['DATABASE_URL']"),
            (TypeScript, "const name = process.env.REDIS_URL;"),
            // An observable's subscribe, an event emitter's send.
            (TypeScript, "orders$.subscribe({ next: (o) => o });"),
            (Python, "socket.send('orders')"),
            // Clients that are not generated gRPC clients: a constructor without
            // channel credentials, a stub's constant.
            (
                TypeScript,
                "const h = new CartClient(addr); const k = new HttpClient(credentials);",
            ),
            (Ruby, "x = Cart::Stub::DEFAULT"),
            // Test code inside a Rust file.
            (
                Rust,
                "#[cfg(test)]\nmod tests { fn f() { reqwest::get(\"http://cart/x\"); } }",
            ),
            // A routing key computed at run time names no event; an exchange alone is
            // no routing key.
            (
                Rust,
                "ch.basic_publish(\"orders\", &key, BasicPublishOptions::default(), &b, p).await;",
            ),
            (
                Rust,
                "ch.basic_publish(\"\", &format!(\"order.{}\", k), opts, &b, p).await;",
            ),
        ];
        for (lang, text) in cases {
            assert_eq!(seen(*lang, text), Vec::<String>::new(), "{lang:?}: {text}");
        }
    }

    #[test]
    fn test_paths_are_not_evidence() {
        for p in [
            "svc/main_test.go",
            "svc/src/test/java/a/OrderTest.java",
            "tests/Basket.UnitTests/X.cs",
            "src/Ordering.FunctionalTests/Y.cs",
            "svc/testdata/z.go",
            "orders/tests/test_api.py",
            "orders/app/test_client.py",
            "orders/conftest.py",
            "web/src/api.test.ts",
            "web/src/__tests__/api.ts",
            "web/src/api.spec.js",
            "shop/spec/models/order_spec.rb",
            "crates/x/src/client_test.rs",
        ] {
            assert!(is_test_path(p), "{p}");
        }
        for p in [
            "svc/main.go",
            "src/main/java/a/Order.java",
            "src/Basket.API/Testimonials.cs",
            "orders/app/client.py",
            "orders/app/contest.py",
            "web/src/api.ts",
            "shop/app/models/order.rb",
        ] {
            assert!(!is_test_path(p), "{p}");
        }
    }
}
