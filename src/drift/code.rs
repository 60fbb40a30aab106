//! Evidence in code: what a file of Go, Java, Kotlin or C# says about the services it
//! calls and the events it publishes and consumes.
//!
//! The file is read through the C-family lexer of `src/lang/clike.rs` (tokens without
//! comments, string literals with their escapes decoded, calls and their arguments,
//! string constants), so comments never count and a constant stands for its literal.
//! What never counts either: literals passed to logging and printing calls or to
//! exception constructors (messages, not calls), test code (see [`is_test_path`]),
//! and a service's own hosts (the caller drops those).

use super::hosts::Hosts;
use crate::lang::Language;
use crate::lang::clike::{Dialect, Source};

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

/// The lexer dialect of a language this module reads.
pub fn dialect(lang: Language) -> Option<Dialect> {
    match lang {
        Language::Go => Some(Dialect::Go),
        Language::Java => Some(Dialect::Java),
        Language::Kotlin => Some(Dialect::Kotlin),
        Language::CSharp => Some(Dialect::CSharp),
        _ => None,
    }
}

/// True for test code: its URLs and events are test doubles, not the service's calls.
pub fn is_test_path(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let dirs = lower.rsplit_once('/').map_or("", |(d, _)| d);
    dirs.split('/').any(|d| {
        matches!(
            d,
            "test" | "tests" | "testing" | "testdata" | "it" | "e2e" | "mocks" | "mock" | "fakes"
        ) || d.ends_with("tests")
            || d.ends_with(".test")
    }) || name.ends_with("_test.go")
        || name.ends_with("test.java")
        || name.ends_with("tests.java")
        || name.ends_with("test.kt")
        || name.ends_with("tests.kt")
        || name.ends_with("tests.cs")
        || name.ends_with("test.cs")
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
    let Some(d) = dialect(lang) else {
        return Vec::new();
    };
    let src = Source::new(text, d);
    let mut out = Vec::new();
    for i in 0..src.toks.len() {
        if src.lit(i).is_some() {
            literal(&src, i, hosts, &mut out);
        } else if let Some(word) = src.ident(i) {
            ident(&src, i, word, hosts, &mut out);
        }
    }
    super::brokers::sightings(&src, &mut out);
    out
}

/// The byte range of token `i`.
fn range(src: &Source, i: usize) -> (usize, usize) {
    let t = src.toks[i];
    (t.start, t.end - t.start)
}

/// True when token `i` stands in the arguments of a message call or an exception's
/// constructor.
pub(super) fn in_message(src: &Source, i: usize) -> bool {
    let mut k = i;
    for _ in 0..4 {
        let Some(open) = src.enclosing(k) else {
            return false;
        };
        if src.punct(open) == "(" && open > 0 {
            let name = src.ident(open - 1).unwrap_or("");
            if MESSAGE_CALLS.contains(&name)
                || name.ends_with("Exception")
                || name.ends_with("Error")
            {
                return true;
            }
        }
        k = open;
    }
    false
}

fn literal(src: &Source, i: usize, hosts: &Hosts, out: &mut Vec<Sighting>) {
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

/// The receiver of `call` in lower case (empty when it has none).
pub(super) fn receiver(src: &Source, call: &crate::lang::clike::Call) -> String {
    call.recv
        .and_then(|r| src.ident(r))
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// A sighting of the event or topic `name`, at token `k`.
pub(super) fn named_event(
    src: &Source,
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
pub(super) fn strings_in(src: &Source, start: usize, end: usize) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for k in start..end.min(src.toks.len()) {
        if src.lit(k).is_some() {
            out.push((src.lit_text(k), k));
        } else if let Some(name) = src.ident(k)
            && let Some(l) = src.constant(name)
        {
            out.push((src.lit_text(l), k));
        }
    }
    out
}

/// True for the usual names of type parameters: `T`, `TEvent`, `TNotification`.
fn is_type_parameter(name: &str) -> bool {
    let b = name.as_bytes();
    b == b"T" || (b.len() > 1 && b[0] == b'T' && b[1].is_ascii_uppercase())
}

/// The first type named in the generic arguments at `lt` (`<A.B, C>` → `B`).
fn first_type_arg(src: &Source, lt: usize) -> Option<usize> {
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

fn ident(src: &Source, i: usize, word: &str, hosts: &Hosts, out: &mut Vec<Sighting>) {
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
        "KafkaListener" | "RabbitListener" | "StreamListener" | "SqsListener" | "JmsListener" => {
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
        "send" | "convertAndSend" => {
            let Some(call) = src.call_at(i) else { return };
            let recv = receiver(src, &call);
            let producer = PRODUCERS.iter().any(|p| recv.contains(p));
            if !producer {
                return;
            }
            let args = src.args(&call);
            if let Some(a) = args.first()
                && let Some((name, k)) = strings_in(src, a.start, a.end).into_iter().next()
                && a.end - a.start == 1
            {
                out.push(named_event(src, k, name, Publish, "producer call"));
            }
        }
        // Spring Cloud service discovery: `discoveryClient.getInstances("customers-service")`,
        // `loadBalancerClient.choose("customers-service")`.
        "getInstances" | "choose" => {
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
        "FeignClient" | "AddHttpClient" | "AddGrpcClient" => {
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
            // `CartServiceGrpc.newBlockingStub(channel)`.
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
                });
            if let Some(stem) = stem.filter(|s| !s.is_empty())
                && let Some(t) = hosts.by_name(stem)
            {
                out.push(api(i, t, "generated gRPC client"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::Role::Publish;

    fn hosts() -> Hosts {
        let reg = crate::registry::load_str(
            "services:\n  order-service: {}\n  cart: {}\n",
            "data-ownership.yaml",
            ".".into(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        Hosts::new(&reg)
    }

    /// What the sightings of `text` name: `api:N` or `pub:NAME`/`sub:NAME` (`~` for a
    /// name that counts only when the registry knows it).
    fn seen(lang: Language, text: &str) -> Vec<String> {
        sightings(lang, text, &hosts())
            .into_iter()
            .map(|s| match s.seen {
                Seen::Api(t) => format!("api:{t}"),
                Seen::Event { name, role, strong } => {
                    let r = if role == Publish { "pub" } else { "sub" };
                    format!("{r}:{}{name}", if strong { "" } else { "~" })
                }
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

    #[test]
    fn test_paths_are_not_evidence() {
        for p in [
            "svc/main_test.go",
            "svc/src/test/java/a/OrderTest.java",
            "tests/Basket.UnitTests/X.cs",
            "src/Ordering.FunctionalTests/Y.cs",
            "svc/testdata/z.go",
        ] {
            assert!(is_test_path(p), "{p}");
        }
        for p in [
            "svc/main.go",
            "src/main/java/a/Order.java",
            "src/Basket.API/Testimonials.cs",
        ] {
            assert!(!is_test_path(p), "{p}");
        }
    }
}
