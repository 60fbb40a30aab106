//! Events that pass through brokers by a name in a string: NATS subjects, Redis
//! streams, and the event types of rows written to a transactional outbox.
//!
//! Read from the file [`super::code`] lexed (one more pass over its tokens), so
//! comments never count, a string constant of the file stands for its literal, and
//! literals of logging and error calls are messages. Only shapes that say by
//! themselves that a string names a subject, a stream or an event type count:
//!
//! - **NATS**, in a file that imports the NATS client (Go `github.com/nats-io/nats.go`,
//!   Java `io.nats.client`, C# `NATS.*`): `nc.Publish("orders.created", ..)`,
//!   `js.Publish`, `Subscribe`, `QueueSubscribe`, `ChanSubscribe`, `PullSubscribe`,
//!   Java `connection.publish(..)` / `dispatcher.subscribe(..)`, C# `PublishAsync` /
//!   `SubscribeAsync`, with the subject as the first argument. Wildcard subjects
//!   (`orders.*`, `orders.>`) name no one event and are passed over.
//! - **Redis streams**: go-redis `XAdd(ctx, &redis.XAddArgs{Stream: "orders"})` and
//!   `XReadGroup`/`XRead` with `Streams: []string{"orders", ">"}`; raw commands
//!   (`Do(ctx, "XADD", "orders", ..)`, `"XREADGROUP", .., "STREAMS", "orders", ">"`);
//!   Jedis/Lettuce `xadd("orders", ..)`; Spring `opsForStream().add("orders", ..)`,
//!   `StreamRecords.newRecord().in("orders")`, `withStreamKey("orders")` and
//!   `StreamOffset.create("orders", ..)` (what a `StreamMessageListenerContainer` or
//!   `opsForStream().read` reads); StackExchange.Redis `StreamAdd(Async)("orders", ..)`,
//!   `StreamRead(Group)(Async)` and `StreamCreateConsumerGroup(Async)`. Reading a
//!   stream is consuming it, adding to it is publishing. Other Redis commands (a cache's
//!   `GET`/`SET`) are not events.
//! - **NestJS microservice clients**, in a TypeScript/JavaScript file that imports
//!   `@nestjs/microservices`: `this.client.emit("order_created", payload)` publishes
//!   the event (the counterpart of the `@EventPattern` handlers [`super::code`]
//!   reads). The receiver must be such a client: its name says so (`client`,
//!   `kafka`, `rmq`, `nats`, `broker`) or the file declares it with a `Client*` type
//!   (`private readonly orders: ClientProxy`); an `EventEmitter`'s or a socket's
//!   `emit` is not an event of a broker. `send` asks for a reply: a request, not an
//!   event.
//! - **Transactional outbox**: the service whose code writes an outbox row publishes
//!   the event the row names (the relay that later sends it, often shared code, only
//!   forwards it). A row is an SQL `INSERT INTO <table named *outbox*> (cols) VALUES
//!   (..)` in a string literal, or the construction of a type named `*Outbox*` with
//!   keyed fields (Go composite literal, C# object initializer or named arguments,
//!   Kotlin named arguments, a Java builder chain). The event is the value of an
//!   `event_type` / `eventType` / `event_name` column or field; or, following
//!   Debezium's outbox convention (`aggregatetype`, `aggregateid`, `type`, `payload`),
//!   of `type` when the row also has `aggregatetype` (a bare `type` is too often
//!   something else, such as the saga a row belongs to). Debezium routes by
//!   `aggregatetype` to a topic; the registry's `topics` map an event to such a topic.
//!   The value must be a literal or constant, in the row or, for an SQL placeholder
//!   (`$2`, `?`), in the same call's arguments after the SQL. Reading the outbox (the
//!   relay's `SELECT .. FROM outbox`) is no event.

use super::Role::{self, Consume, Publish};
use super::code::{Sighting, in_message, named_event, receiver, strings_in};
use crate::lang::view::{Arg, Call, View};

/// How far inside a call the keyed fields of go-redis's arguments are looked for.
const CALL_REACH: usize = 256;

/// Reads the sightings of the shapes above in a lexed file.
pub fn sightings(src: &View, out: &mut Vec<Sighting>) {
    let mut nats: Option<bool> = None;
    // Whether the file imports `@nestjs/microservices`, and the names it declares
    // with a `Client*` type: found once, on the first `emit`.
    let mut nest: Option<Option<Vec<&str>>> = None;
    for i in 0..src.toks.len() {
        if src.lit(i).is_some() {
            raw_command(src, i, out);
            outbox_sql(src, i, out);
            continue;
        }
        let Some(word) = src.ident(i) else { continue };
        if let Some(role) = nats_role(word) {
            if *nats.get_or_insert_with(|| imports_nats(src))
                && let Some(call) = src.call_at(i).filter(|c| c.recv.is_some())
            {
                let how = match role {
                    Publish => "NATS publish",
                    Consume => "NATS subscription",
                };
                first_string(src, &call, role, how, out);
            }
            continue;
        }
        if word == "emit" {
            if let Some(call) = src.call_at(i).filter(|c| c.recv.is_some())
                && let Some(clients) = nest.get_or_insert_with(|| {
                    imports_nest_microservices(src).then(|| declared_clients(src))
                })
                && is_nest_client(src, &call, clients)
            {
                first_string(src, &call, Publish, "NestJS client emit", out);
            }
            continue;
        }
        if !STREAM_CALLS.contains(&word) {
            outbox_row(src, i, word, out);
            continue;
        }
        let Some(call) = src.call_at(i) else { continue };
        const ADDED: &str = "Redis stream entry added";
        const READ: &str = "Redis stream read";
        match word {
            "XAdd" => keyed_stream(src, &call, out),
            "XReadGroup" | "XRead" => streams_list(src, &call, out),
            "xadd" | "StreamAdd" | "StreamAddAsync" | "withStreamKey" => {
                first_string(src, &call, Publish, ADDED, out)
            }
            "add" if receiver(src, &call) == "opsforstream" => {
                first_string(src, &call, Publish, ADDED, out)
            }
            "in" if matches!(
                receiver(src, &call).as_str(),
                "newrecord" | "ofobject" | "ofmap" | "ofstrings" | "ofbytes"
            ) =>
            {
                first_string(src, &call, Publish, ADDED, out)
            }
            "create" | "fromStart" | "latest" | "lastConsumed" | "from"
                if receiver(src, &call) == "streamoffset" =>
            {
                first_string(src, &call, Consume, READ, out)
            }
            // `StreamRead(Group)(Async)`, `StreamCreateConsumerGroup(Async)`.
            w if w.starts_with("Stream") => first_string(src, &call, Consume, READ, out),
            _ => {}
        }
    }
}

/// The methods of the Redis stream shapes above.
const STREAM_CALLS: &[&str] = &[
    "XAdd",
    "XReadGroup",
    "XRead",
    "xadd",
    "StreamAdd",
    "StreamAddAsync",
    "withStreamKey",
    "add",
    "in",
    "create",
    "fromStart",
    "latest",
    "lastConsumed",
    "from",
    "StreamRead",
    "StreamReadAsync",
    "StreamReadGroup",
    "StreamReadGroupAsync",
    "StreamCreateConsumerGroup",
    "StreamCreateConsumerGroupAsync",
];

/// Whether `word` is a NATS client's publishing or subscribing method.
fn nats_role(word: &str) -> Option<Role> {
    match word {
        "Publish" | "PublishAsync" | "publish" | "publishAsync" => Some(Publish),
        "Subscribe" | "SubscribeSync" | "SubscribeAsync" | "QueueSubscribe"
        | "QueueSubscribeSync" | "ChanSubscribe" | "ChanQueueSubscribe" | "PullSubscribe"
        | "subscribe" => Some(Consume),
        _ => None,
    }
}

/// True when the file imports a NATS client: Go's import path, or a Java/Kotlin
/// `import io.nats.client..` or C# `using NATS..`.
fn imports_nats(src: &View) -> bool {
    (0..src.toks.len()).any(|i| {
        if src.lit(i).is_some() {
            return src.lit_text(i).starts_with("github.com/nats-io/nats.go");
        }
        (src.is_word(i, "import") || src.is_word(i, "using"))
            && src.dotted_name(i + 1).is_some_and(|(n, _)| {
                n.starts_with("io.nats.client") || n == "NATS" || n.starts_with("NATS.")
            })
    })
}

/// True when the file imports `@nestjs/microservices` (an `import .. from` or a
/// `require` of it).
fn imports_nest_microservices(src: &View) -> bool {
    (0..src.toks.len()).any(|i| {
        src.lit(i).is_some()
            && i > 0
            && (src.is_word(i - 1, "from") || src.punct(i - 1) == "(")
            && src.lit_text(i) == "@nestjs/microservices"
    })
}

/// The names the file declares with a `Client*` type (`orders: ClientProxy`).
fn declared_clients<'a>(src: &View<'a>) -> Vec<&'a str> {
    let mut names: Vec<&str> = (0..src.toks.len().saturating_sub(2))
        .filter(|&k| {
            src.punct(k + 1) == ":" && src.ident(k + 2).is_some_and(|t| t.starts_with("Client"))
        })
        .filter_map(|k| src.ident(k))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// True when the receiver of `call` is a NestJS microservice client: named like one,
/// or among the names the file declares with a `Client*` type (`clients`).
fn is_nest_client(src: &View, call: &Call, clients: &[&str]) -> bool {
    let Some(recv) = call.recv.and_then(|r| src.ident(r)) else {
        return false;
    };
    let lower = recv.to_ascii_lowercase();
    ["client", "kafka", "rmq", "nats", "broker"]
        .iter()
        .any(|w| lower.contains(w))
        || clients.binary_search(&recv).is_ok()
}

/// The string value of argument `a` when it is one literal or constant.
fn single_string(src: &View, a: &Arg) -> Option<(String, usize)> {
    if a.end != a.start + 1 {
        return None;
    }
    strings_in(src, a.start, a.end).into_iter().next()
}

/// True for a subject, stream or event name: no wildcard, hole or space.
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '/'))
}

/// True for a Redis stream entry ID or read position: `>`, `$`, `0`, `1526919030474-55`.
fn is_stream_id(s: &str) -> bool {
    matches!(s, ">" | "$" | "*" | "+" | "-")
        || (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
}

/// Pushes the event `name` at token `k` when it is a name.
fn push(
    src: &View,
    (name, k): (String, usize),
    role: Role,
    how: &'static str,
    out: &mut Vec<Sighting>,
) {
    if is_name(&name) {
        out.push(named_event(src, k, name, role, how));
    }
}

/// The first argument of `call`, when it is a string.
fn first_string(src: &View, call: &Call, role: Role, how: &'static str, out: &mut Vec<Sighting>) {
    if let Some(s) = src.args(call).first().and_then(|a| single_string(src, a)) {
        push(src, s, role, how, out);
    }
}

/// go-redis `XAdd(ctx, &redis.XAddArgs{Stream: "orders", ..})`.
fn keyed_stream(src: &View, call: &Call, out: &mut Vec<Sighting>) {
    let end = call.close.min(call.open + CALL_REACH).min(src.toks.len());
    for k in call.open + 1..end {
        if src.is_word(k, "Stream")
            && matches!(src.punct(k - 1), "{" | ",")
            && src.punct(k + 1) == ":"
            && matches!(src.punct(k + 3), "," | "}")
            && let Some(s) = strings_in(src, k + 2, k + 3).into_iter().next()
        {
            push(src, s, Publish, "Redis stream entry added", out);
        }
    }
}

/// go-redis `XReadGroup(ctx, &redis.XReadGroupArgs{Streams: []string{"orders", ">"}})`:
/// the names among the list, not the IDs.
fn streams_list(src: &View, call: &Call, out: &mut Vec<Sighting>) {
    let end = call.close.min(call.open + CALL_REACH).min(src.toks.len());
    for k in call.open + 1..end {
        if !(src.is_word(k, "Streams") && src.punct(k + 1) == ":") {
            continue;
        }
        let Some(open) = (k + 2..(k + 8).min(end)).find(|&j| src.punct(j) == "{") else {
            continue;
        };
        let close = src.partner(open).unwrap_or(end).min(end);
        for s in strings_in(src, open + 1, close)
            .into_iter()
            .filter(|(v, _)| !is_stream_id(v))
        {
            push(src, s, Consume, "Redis stream read", out);
        }
    }
}

/// The call whose argument list holds token `i`, with its arguments and the position
/// of the argument that is exactly token `i`.
fn call_around(src: &View, i: usize) -> Option<(Vec<Arg>, usize)> {
    let open = src.enclosing(i).filter(|&o| o > 0 && src.punct(o) == "(")?;
    let call = src.call_at(open - 1).filter(|c| c.open == open)?;
    let args = src.args(&call);
    let p = args.iter().position(|a| a.start == i && a.end == i + 1)?;
    Some((args, p))
}

/// A raw Redis command: `Do(ctx, "XADD", "orders", ..)`,
/// `Do(ctx, "XREADGROUP", "GROUP", g, c, "STREAMS", "orders", ">")`.
fn raw_command(src: &View, i: usize, out: &mut Vec<Sighting>) {
    let t = src.toks[i];
    if t.end - t.start > 16 {
        return;
    }
    let text = src.lit_text(i);
    let add = text.eq_ignore_ascii_case("xadd");
    if !(add || text.eq_ignore_ascii_case("xreadgroup") || text.eq_ignore_ascii_case("xread"))
        || in_message(src, i)
    {
        return;
    }
    let Some((args, p)) = call_around(src, i) else {
        return;
    };
    let strings = args[p + 1..].iter().map(|a| single_string(src, a));
    if add {
        if let Some(Some(s)) = strings.into_iter().next() {
            push(src, s, Publish, "Redis stream entry added", out);
        }
        return;
    }
    let mut after = strings.skip_while(|s| {
        !s.as_ref()
            .is_some_and(|(v, _)| v.eq_ignore_ascii_case("streams"))
    });
    after.next();
    for s in after.flatten().filter(|(v, _)| !is_stream_id(v)) {
        push(src, s, Consume, "Redis stream read", out);
    }
}

/// True when `hay` contains `needle` (lower case ASCII) ignoring case.
fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The position of the column or field that holds an outbox row's event, among
/// `names`: `event_type`/`eventType`/`event_name`, or Debezium's `type` beside
/// `aggregatetype`.
fn event_column<'a>(names: impl Iterator<Item = &'a str> + Clone) -> Option<usize> {
    let squashed = |n: &str| -> String {
        n.chars()
            .filter(|c| *c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let find = |want: &[&str]| {
        names
            .clone()
            .position(|n| want.contains(&squashed(n).as_str()))
    };
    find(&["eventtype", "eventname"]).or_else(|| {
        find(&["aggregatetype"])?;
        find(&["type"])
    })
}

/// A value in an outbox insert's `VALUES`: a string literal, or a placeholder for the
/// call's argument this many places after the SQL.
#[derive(Debug, PartialEq, Eq)]
enum Value {
    Literal(String),
    Param(usize),
}

/// The event-type values of an SQL `INSERT INTO <*outbox*> (cols) VALUES (..), ..`:
/// one per row whose value is a literal or a positional placeholder.
fn outbox_insert(sql: &str) -> Vec<Value> {
    let toks = sql_tokens(sql);
    let word =
        |k: usize, w: &str| matches!(toks.get(k), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w));
    let punct = |k: usize, c: char| matches!(toks.get(k), Some(Tok::Punct(x)) if *x == c);
    let mut out = Vec::new();
    let Some(at) = (0..toks.len()).find(|&k| word(k, "insert") && word(k + 1, "into")) else {
        return out;
    };
    // The table: a dotted name whose last part names an outbox.
    let mut k = at + 2;
    let mut table = "";
    while let Some(Tok::Word(w) | Tok::Quoted(w)) = toks.get(k) {
        table = w.as_str();
        k += 1;
        if !punct(k, '.') {
            break;
        }
        k += 1;
    }
    if !contains_ci(table, "outbox") || !punct(k, '(') {
        return out;
    }
    let mut cols = Vec::new();
    k += 1;
    while let Some(Tok::Word(w) | Tok::Quoted(w)) = toks.get(k) {
        cols.push(w.as_str());
        k += 1;
        if !punct(k, ',') {
            break;
        }
        k += 1;
    }
    if !punct(k, ')') || !word(k + 1, "values") {
        return out;
    }
    let Some(col) = event_column(cols.iter().copied()) else {
        return out;
    };
    // Each row: values separated by top-level commas; `?` placeholders counted over
    // the statement.
    let mut questions = toks[..k]
        .iter()
        .filter(|t| matches!(t, Tok::Param(None)))
        .count();
    k += 2;
    while punct(k, '(') {
        let (mut depth, mut pos, mut first) = (0usize, 0usize, true);
        k += 1;
        while let Some(t) = toks.get(k) {
            match t {
                Tok::Punct('(') => depth += 1,
                Tok::Punct(')') if depth == 0 => break,
                Tok::Punct(')') => depth -= 1,
                Tok::Punct(',') if depth == 0 => {
                    pos += 1;
                    first = true;
                    k += 1;
                    continue;
                }
                _ => {}
            }
            let alone =
                depth == 0 && first && matches!(toks.get(k + 1), Some(Tok::Punct(',' | ')')));
            if let Tok::Param(None) = t {
                questions += 1;
            }
            if pos == col && alone {
                match t {
                    Tok::Str(s) => out.push(Value::Literal(s.clone())),
                    Tok::Param(Some(n)) => out.push(Value::Param(n.saturating_sub(1))),
                    Tok::Param(None) => out.push(Value::Param(questions - 1)),
                    _ => {}
                }
            }
            first = false;
            k += 1;
        }
        k += 1;
        if !punct(k, ',') {
            break;
        }
        k += 1;
    }
    out
}

/// The few SQL tokens [`outbox_insert`] needs.
#[derive(Debug)]
enum Tok {
    Word(String),
    /// `"name"`, `` `name` ``, `[name]`.
    Quoted(String),
    /// `'text'`.
    Str(String),
    /// `$N` (its number) or `?` (`None`); named placeholders are `Other`.
    Param(Option<usize>),
    Punct(char),
    Other,
}

fn sql_tokens(sql: &str) -> Vec<Tok> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let until = |from: usize, end: u8| -> usize {
        b[from..]
            .iter()
            .position(|&c| c == end)
            .map_or(b.len(), |p| from + p)
    };
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let end = (i..b.len())
                .find(|&j| !(b[j].is_ascii_alphanumeric() || b[j] == b'_'))
                .unwrap_or(b.len());
            out.push(Tok::Word(sql[i..end].to_string()));
            i = end;
        } else if c == b'\'' {
            let mut s = String::new();
            let mut j = i + 1;
            loop {
                let end = until(j, b'\'');
                s.push_str(sql.get(j..end).unwrap_or(""));
                if b.get(end + 1) == Some(&b'\'') {
                    s.push('\'');
                    j = end + 2;
                } else {
                    i = end + 1;
                    break;
                }
            }
            out.push(Tok::Str(s));
        } else if matches!(c, b'"' | b'`' | b'[') {
            let close = if c == b'[' { b']' } else { c };
            let end = until(i + 1, close);
            out.push(Tok::Quoted(sql.get(i + 1..end).unwrap_or("").to_string()));
            i = end + 1;
        } else if c == b'$' && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            let end = (i + 1..b.len())
                .find(|&j| !b[j].is_ascii_digit())
                .unwrap_or(b.len());
            out.push(
                sql[i + 1..end]
                    .parse()
                    .map_or(Tok::Other, |n| Tok::Param(Some(n))),
            );
            i = end;
        } else if c == b'?' {
            out.push(Tok::Param(None));
            i += 1;
        } else if matches!(c, b'(' | b')' | b',' | b'.') {
            out.push(Tok::Punct(c as char));
            i += 1;
        } else {
            out.push(Tok::Other);
            i += sql[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

/// An SQL outbox insert in the string literal at token `i`.
fn outbox_sql(src: &View, i: usize, out: &mut Vec<Sighting>) {
    let raw = src.raw(i);
    if !contains_ci(raw, "outbox") || !contains_ci(raw, "insert") || in_message(src, i) {
        return;
    }
    let values = outbox_insert(&src.lit_text(i));
    if values.is_empty() {
        return;
    }
    let around = call_around(src, i);
    for v in values {
        let s = match v {
            Value::Literal(name) => Some((name, i)),
            Value::Param(n) => around.as_ref().and_then(|(args, p)| {
                args.get(p + 1..)
                    .and_then(|rest| rest.get(n))
                    .and_then(|a| single_string(src, a))
            }),
        };
        if let Some(s) = s {
            push(src, s, Publish, "outbox row", out);
        }
    }
}

/// The construction of an outbox row at token `i`, a type named `*Outbox*`: keyed
/// fields in `{..}` (Go, C#), named arguments in `(..)` (Kotlin, C#), or a builder
/// chain `Outbox.builder().type(..)..` (Java).
fn outbox_row(src: &View, i: usize, word: &str, out: &mut Vec<Sighting>) {
    if !(word.starts_with(|c: char| c.is_ascii_uppercase()) && word.contains("Outbox")) {
        return;
    }
    let mut fields: Vec<(String, Option<Arg>)> = Vec::new();
    let mut next = i + 1;
    // `new OutboxMessage() { .. }`.
    if src.punct(next) == "(" && src.punct(next + 1) == ")" && src.punct(next + 2) == "{" {
        next += 2;
    }
    match src.punct(next) {
        "{" | "(" => {
            let close = src.partner(next).unwrap_or(src.toks.len());
            let call = Call {
                name: i,
                recv: None,
                open: next,
                close,
                annotation: false,
            };
            for a in src.args(&call) {
                if let Some(k) = a.key.and_then(|k| src.ident(k)) {
                    fields.push((k.to_string(), Some(a)));
                }
            }
        }
        "." if src.is_word(next + 1, "builder") => {
            let Some(mut call) = src.call_at(next + 1) else {
                return;
            };
            for _ in 0..64 {
                let k = call.close + 1;
                if src.punct(k) != "." {
                    break;
                }
                let Some(c) = src.call_at(k + 1) else { break };
                let name = src.ident(k + 1).unwrap_or_default().to_string();
                let args = src.args(&c);
                fields.push((name, (args.len() == 1).then(|| args[0])));
                call = c;
            }
        }
        _ => return,
    }
    let Some(col) = event_column(fields.iter().map(|(k, _)| k.as_str())) else {
        return;
    };
    if let Some(s) = fields[col].1.and_then(|a| single_string(src, &a)) {
        push(src, s, Publish, "outbox row", out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;

    /// `pub:NAME` / `sub:NAME` for each sighting of `text`, with its label.
    fn seen(lang: Language, text: &str) -> Vec<String> {
        let reg =
            crate::registry::load_str("services:\n  a: {}\n", "data-ownership.yaml", ".".into())
                .unwrap_or_else(|e| panic!("{e}"));
        let found =
            super::super::code::sightings(lang, text, &super::super::hosts::Hosts::new(&reg));
        // Each case is also a test of the needle search: a file with a sighting is
        // one the scan lexes.
        let lower = text.to_ascii_lowercase();
        assert!(
            found.is_empty()
                || super::super::Drift::new(&reg).wants(lang, "src/a", lower.as_bytes()),
            "the needle search misses {lang:?}: {text}"
        );
        found
            .into_iter()
            .map(|s| match s.seen {
                super::super::code::Seen::Event { name, role, .. } => {
                    let r = if role == Publish { "pub" } else { "sub" };
                    format!("{r}:{name} ({})", s.how)
                }
                other => format!("{other:?}"),
            })
            .collect()
    }

    const GO_NATS: &str = "import (\n\t\"github.com/nats-io/nats.go\"\n)\n";

    #[test]
    fn must_flag() {
        use Language::*;
        let nats_go = |body: &str| format!("{GO_NATS}func f() {{ {body} }}");
        let cases: &[(Language, String, &[&str])] = &[
            (Go, nats_go(r#"nc.Publish("orders.created", data)"#), &["pub:orders.created (NATS publish)"]),
            (Go, nats_go(r#"js.Publish("ORDERS.created", data)"#), &["pub:ORDERS.created (NATS publish)"]),
            (Go, nats_go(r#"nc.Subscribe("orders.created", func(m *nats.Msg) {})"#), &["sub:orders.created (NATS subscription)"]),
            (Go, nats_go(r#"js.QueueSubscribe("orders.paid", "billing", h)"#), &["sub:orders.paid (NATS subscription)"]),
            (
                Go,
                format!("{GO_NATS}const subj = \"orders.shipped\"\nfunc f() {{ nc.Publish(subj, b) }}"),
                &["pub:orders.shipped (NATS publish)"],
            ),
            (
                Java,
                "import io.nats.client.Connection;\nclass A { void f() { connection.publish(\"orders.created\", b); dispatcher.subscribe(\"orders.paid\"); } }".into(),
                &["pub:orders.created (NATS publish)", "sub:orders.paid (NATS subscription)"],
            ),
            (
                CSharp,
                "using NATS.Client.Core;\nclass A { async Task F() { await nats.PublishAsync(\"orders.created\", o); } }".into(),
                &["pub:orders.created (NATS publish)"],
            ),
            (
                Go,
                r#"rdb.XAdd(ctx, &redis.XAddArgs{Stream: "orders", Values: map[string]any{"id": 1}})"#.into(),
                &["pub:orders (Redis stream entry added)"],
            ),
            (
                Go,
                r#"rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"orders", ">"}})"#.into(),
                &["sub:orders (Redis stream read)"],
            ),
            (Go, r#"rdb.Do(ctx, "XADD", "orders", "*", "id", id)"#.into(), &["pub:orders (Redis stream entry added)"]),
            (
                Go,
                r#"rdb.Do(ctx, "XREADGROUP", "GROUP", "g", "c", "STREAMS", "orders", ">")"#.into(),
                &["sub:orders (Redis stream read)"],
            ),
            (Java, r#"redisTemplate.opsForStream().add("orders", body);"#.into(), &["pub:orders (Redis stream entry added)"]),
            (
                Java,
                r#"var r = StreamRecords.newRecord().in("orders").ofObject(o);"#.into(),
                &["pub:orders (Redis stream entry added)"],
            ),
            (
                Java,
                r#"container.receive(Consumer.from("g", "c"), StreamOffset.create("orders", ReadOffset.lastConsumed()), listener);"#.into(),
                &["sub:orders (Redis stream read)"],
            ),
            (Java, r#"jedis.xadd("orders", StreamEntryID.NEW_ENTRY, fields);"#.into(), &["pub:orders (Redis stream entry added)"]),
            (CSharp, r#"await db.StreamAddAsync("orders", "id", id);"#.into(), &["pub:orders (Redis stream entry added)"]),
            (CSharp, r#"var e = await db.StreamReadGroupAsync("orders", "g", "c");"#.into(), &["sub:orders (Redis stream read)"]),
            (
                Go,
                r#"tx.Exec("INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload) VALUES ($1, 'Order', $2, 'OrderCreated', $3)", id, oid, p)"#.into(),
                &["pub:OrderCreated (outbox row)"],
            ),
            (
                Go,
                r#"tx.ExecContext(ctx, "insert into shop.order_outbox (id, event_type, payload) values ($1, $2, $3)", id, "OrderPaid", p)"#.into(),
                &["pub:OrderPaid (outbox row)"],
            ),
            (
                Java,
                r#"jdbc.update("INSERT INTO outbox_events (id, event_type, payload) VALUES (?, ?, ?)", id, "OrderShipped", p);"#.into(),
                &["pub:OrderShipped (outbox row)"],
            ),
            (
                Go,
                r#"db.Create(&OutboxMessage{ID: id, EventType: "OrderCreated", Payload: p})"#.into(),
                &["pub:OrderCreated (outbox row)"],
            ),
            (
                CSharp,
                r#"db.Add(new OutboxMessage { Id = id, EventType = "OrderCreated" });"#.into(),
                &["pub:OrderCreated (outbox row)"],
            ),
            (
                Kotlin,
                r#"repo.save(OutboxEvent(aggregateType = "Order", aggregateId = id, type = "OrderCreated"))"#.into(),
                &["pub:OrderCreated (outbox row)"],
            ),
            (
                Java,
                r#"repo.save(OutboxEvent.builder().aggregateType("Order").type("OrderCreated").payload(p).build());"#.into(),
                &["pub:OrderCreated (outbox row)"],
            ),
            (
                TypeScript,
                "import { ClientKafka } from '@nestjs/microservices';\nexport class S {\n  constructor(@Inject('KAFKA') private readonly kafkaClient: ClientKafka) {}\n  f(o) { this.kafkaClient.emit('order_created', o); }\n}".into(),
                &["pub:order_created (NestJS client emit)"],
            ),
            (
                TypeScript,
                "import { ClientProxy } from '@nestjs/microservices';\nconst TOPIC = 'order.paid';\nexport class S {\n  constructor(private readonly orders: ClientProxy) {}\n  f(o) { return this.orders.emit(TOPIC, o); }\n}".into(),
                &["pub:order.paid (NestJS client emit)"],
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
            // NATS calls without the NATS client imported; wildcards; a variable.
            (Go, r#"bus.Publish("orders.created", data)"#),
            (
                Go,
                "import \"github.com/nats-io/nats.go\"\nfunc f() { nc.Subscribe(\"orders.*\", h); nc.Subscribe(\"orders.>\", h); nc.Publish(subject, b) }",
            ),
            (
                Go,
                "import \"github.com/nats-io/nats.go\"\nfunc f() { log.Printf(\"publish %s\", nc.Publish) }",
            ),
            // Redis as a cache; XADD in a comment and in a log message.
            (
                Go,
                r#"rdb.Set(ctx, "orders", v, 0); rdb.Get(ctx, "orders")"#,
            ),
            (Go, "// rdb.Do(ctx, \"XADD\", \"orders\")\nx := 1"),
            (
                Go,
                r#"log.Printf("XADD orders failed: %v", err); log.Println("XADD", "orders")"#,
            ),
            (Java, r#"redisTemplate.opsForValue().set("orders", v);"#),
            // NestJS: a client's emit without the import; an EventEmitter's and a
            // socket's emit beside it; send asks for a reply; a health probe's topic.
            (
                TypeScript,
                "import { ClientKafka } from '@nestjs/microservices';\nclass S { f() { this.kafkaService.emit('health.internal.storage-service.0', {}); } }",
            ),
            (
                Go,
                "import \"github.com/nats-io/nats.go\"\nfunc f() { nc.Publish(\"orders.heartbeat\", b) }",
            ),
            (TypeScript, "this.client.emit('order_created', o);"),
            (
                TypeScript,
                "import { ClientProxy } from '@nestjs/microservices';\nclass S { f(o) { this.eventEmitter.emit('order.created', o); socket.emit('message', o); this.client.send('get_order', o); } }",
            ),
            (
                Go,
                r#"rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Streams: []string{stream, ">"}})"#,
            ),
            // The relay reading its own outbox; an outbox insert without an event column
            // or with the event in a variable; a bare `type` (the saga's name).
            (
                Go,
                r#"rows, _ := db.Query("SELECT id, event_type, payload FROM outbox WHERE sent = false")"#,
            ),
            (
                Go,
                r#"db.Exec("INSERT INTO outbox (id, payload) VALUES ($1, $2)", id, p)"#,
            ),
            (
                Go,
                r#"db.Exec("INSERT INTO outbox (id, event_type) VALUES ($1, $2)", id, evt.Name())"#,
            ),
            (
                Go,
                r#"db.Exec("INSERT INTO orders (id, event_type) VALUES ($1, 'OrderCreated')", id)"#,
            ),
            (
                Kotlin,
                r#"save(OrderApprovalOutboxMessage(id = id, type = SagaConstants.ORDER_SAGA_NAME))"#,
            ),
            (
                Kotlin,
                r#"save(OrderOutboxMessage(id = id, type = "OrderProcessingSaga"))"#,
            ),
            (
                Kotlin,
                r#"repository.findByTypeAndOutboxStatus(type = "x", outboxStatus = s)"#,
            ),
            (
                CSharp,
                "public class OutboxMessage { public string EventType { get; set; } = \"x\"; }",
            ),
            (
                Go,
                "type OutboxMessage struct {\n\tEventType string `json:\"event_type\"`\n}",
            ),
        ];
        for (lang, text) in cases {
            assert_eq!(seen(*lang, text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn outbox_inserts() {
        use Value::*;
        let cases: &[(&str, &[Value])] = &[
            (
                "INSERT INTO outbox (id, aggregatetype, type) VALUES (1, 'Order', 'A'), (2, 'Order', 'B')",
                &[Literal("A".into()), Literal("B".into())],
            ),
            (
                "insert into \"Outbox\" (\"EventType\", x) values ('it''s', now())",
                &[Literal("it's".into())],
            ),
            (
                "INSERT INTO [dbo].[OutboxMessages] ([Id], [EventName]) VALUES (@p0, @p1)",
                &[],
            ),
            (
                "INSERT INTO outbox (a, event_type) VALUES (?, ?)",
                &[Param(1)],
            ),
            (
                "INSERT INTO outbox (a, event_type) VALUES (lower(?), $3)",
                &[Param(2)],
            ),
            (
                "INSERT INTO outbox (a, event_type) VALUES (1, concat('a', 'b'))",
                &[],
            ),
            ("INSERT INTO outbox (a, event_type) SELECT 1, 'x'", &[]),
            // A cut statement: the value is not known to stand alone.
            ("INSERT INTO outbox (a, event_type) VALUES (1, 'x'", &[]),
            ("INSERT INTO", &[]),
            ("'", &[]),
        ];
        for (sql, want) in cases {
            assert_eq!(outbox_insert(sql), *want, "{sql}");
        }
    }
}
