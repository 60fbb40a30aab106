//! A small document tree with byte spans, built from YAML events (serde-saphyr's
//! parser, granit) or from JSON: what the readers of compose files, Kubernetes
//! manifests and Spring/.NET configuration walk.
//!
//! Why not serde: a finding labels the exact key in a deployment file (and masks its
//! value), so every scalar keeps its byte range, which no serde value type carries.
//! Why bounded: these files arrive in pull requests. Nesting is refused past
//! [`MAX_DEPTH`], a file past [`MAX_NODES`] nodes is refused, and aliases are resolved
//! only where a reader asks for a mapping's entries (`<<` merge keys, one level), never
//! expanded, so an alias bomb costs what its text costs.

use serde_saphyr::granit_parser::{Event, Parser, ScanError, Span};

/// Deepest nesting read; deeper files are refused (as the registry's loader does).
pub const MAX_DEPTH: usize = 64;
/// Most nodes in one file.
pub const MAX_NODES: usize = 1_000_000;

/// A node's index in its [`Tree`].
pub type Id = usize;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// Entries in order: key node, value node.
    Map(Vec<(Id, Id)>),
    Seq(Vec<Id>),
    /// A scalar's value and the byte range of its text in the file (quotes included).
    Scalar(String, usize, usize),
    /// An alias of an anchored node (resolved when read through [`Tree::get`]).
    Alias(Id),
    Null,
}

impl Node {
    /// An empty mapping, or an empty sequence.
    fn empty(map: bool) -> Node {
        if map {
            Node::Map(Vec::new())
        } else {
            Node::Seq(Vec::new())
        }
    }
}

/// One file's documents.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    pub nodes: Vec<Node>,
    /// The root node of each document.
    pub docs: Vec<Id>,
}

impl Tree {
    /// The node `id`, aliases followed (one step: an anchor is never an alias).
    pub fn get(&self, id: Id) -> &Node {
        match self.nodes.get(id) {
            Some(Node::Alias(to)) => self.nodes.get(*to).unwrap_or(&Node::Null),
            Some(n) => n,
            None => &Node::Null,
        }
    }

    /// The entries of mapping `id` with string keys, the entries of its `<<` merge
    /// keys after its own (one level: a merged mapping's own merges are not read).
    pub fn entries(&self, id: Id) -> Vec<(&str, Id, Id)> {
        let Node::Map(entries) = self.get(id) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut merged = Vec::new();
        for &(k, v) in entries {
            if let Node::Scalar(key, ..) = self.get(k) {
                if key == "<<" {
                    merged.push(v);
                } else {
                    out.push((key.as_str(), k, v));
                }
            }
        }
        for m in merged {
            let targets: Vec<Id> = match self.get(m) {
                Node::Seq(items) => items.clone(),
                _ => vec![m],
            };
            for t in targets {
                if let Node::Map(inner) = self.get(t) {
                    for &(k, v) in inner {
                        if let Node::Scalar(key, ..) = self.get(k)
                            && key != "<<"
                            && !out.iter().any(|(have, ..)| *have == key.as_str())
                        {
                            out.push((key.as_str(), k, v));
                        }
                    }
                }
            }
        }
        out
    }

    /// The value of `key` in mapping `id`.
    pub fn field(&self, id: Id, key: &str) -> Option<Id> {
        self.entries(id)
            .into_iter()
            .find(|(k, ..)| *k == key)
            .map(|(_, _, v)| v)
    }

    /// The scalar `id` as text.
    pub fn str(&self, id: Id) -> Option<&str> {
        match self.get(id) {
            Node::Scalar(s, ..) => Some(s),
            _ => None,
        }
    }

    /// The byte range of scalar `id`.
    pub fn span(&self, id: Id) -> Option<(usize, usize)> {
        match self.get(id) {
            Node::Scalar(_, start, end) => Some((*start, *end)),
            _ => None,
        }
    }

    /// The items of sequence `id` (none for anything else).
    pub fn items(&self, id: Id) -> &[Id] {
        match self.get(id) {
            Node::Seq(items) => items,
            _ => &[],
        }
    }

    fn push(&mut self, node: Node) -> Result<Id, ()> {
        if self.nodes.len() >= MAX_NODES {
            return Err(());
        }
        self.nodes.push(node);
        Ok(self.nodes.len() - 1)
    }
}

/// The byte offset of a span's start (the parser reads from a `&str`, so it has one).
fn start(span: &Span) -> usize {
    span.start.byte_offset().unwrap_or(0)
}

fn end(span: &Span) -> usize {
    span.end.byte_offset().unwrap_or(0)
}

/// Parses YAML `text` (every document); `None` when it is not YAML or breaks a limit.
pub fn yaml(text: &str) -> Option<Tree> {
    let mut options = serde_saphyr::granit_parser::Options::default();
    options.flow_nesting_limit = MAX_DEPTH;
    options.block_nesting_limit = MAX_DEPTH;
    let parser = Parser::new_from_str_with_options(text, options);
    let mut tree = Tree::default();
    // Open collections: the node and, for a mapping, a key waiting for its value.
    let mut open: Vec<(Id, Option<Id>)> = Vec::new();
    let mut anchors: std::collections::HashMap<usize, Id> = std::collections::HashMap::new();
    let mut pending_anchors: Vec<(usize, Id)> = Vec::new();
    for next in parser {
        let (event, span): (Event, Span) = next.map_err(|_: ScanError| ()).ok()?;
        let node = match event {
            Event::Scalar(value, _, anchor, _) => {
                let id = tree
                    .push(Node::Scalar(value.into_owned(), start(&span), end(&span)))
                    .ok()?;
                if anchor != 0 {
                    anchors.insert(anchor, id);
                }
                Some(id)
            }
            Event::Alias(anchor) => {
                let id = match anchors.get(&anchor) {
                    Some(&to) => tree.push(Node::Alias(to)).ok()?,
                    None => tree.push(Node::Null).ok()?,
                };
                Some(id)
            }
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                if open.len() >= MAX_DEPTH {
                    return None;
                }
                let is_map = matches!(event, Event::MappingStart(..));
                let id = tree.push(Node::empty(is_map)).ok()?;
                attach(&mut tree, &mut open, id);
                if anchor != 0 {
                    pending_anchors.push((anchor, id));
                }
                open.push((id, None));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (closed, _) = open.pop()?;
                if let Some(at) = pending_anchors.iter().position(|&(_, id)| id == closed) {
                    let (anchor, id) = pending_anchors.swap_remove(at);
                    anchors.insert(anchor, id);
                }
                if open.is_empty() {
                    tree.docs.push(closed);
                }
                None
            }
            Event::DocumentStart(..) => {
                anchors.clear();
                None
            }
            _ => None,
        };
        if let Some(id) = node {
            if open.is_empty() {
                tree.docs.push(id);
            } else {
                attach(&mut tree, &mut open, id);
            }
        }
    }
    Some(tree)
}

/// Adds `id` to the innermost open collection: a sequence's item, a mapping's key or
/// the value of its waiting key.
fn attach(tree: &mut Tree, open: &mut [(Id, Option<Id>)], id: Id) {
    let Some((parent, key)) = open.last_mut() else {
        return;
    };
    match tree.nodes.get_mut(*parent) {
        Some(Node::Seq(items)) => items.push(id),
        Some(Node::Map(entries)) => match key.take() {
            Some(k) => entries.push((k, id)),
            None => *key = Some(id),
        },
        _ => {}
    }
}

/// Parses JSON `text` (comments `//` and `/* */` and trailing commas allowed, as .NET's
/// configuration reader allows them); `None` when it is not JSON or breaks a limit.
pub fn json(text: &str) -> Option<Tree> {
    let mut tree = Tree::default();
    // A byte-order mark is what Visual Studio writes first in `appsettings.json`: it is
    // passed over, and offsets stay those of the file.
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut p = Json {
        b: text.as_bytes(),
        text,
        i: bom,
    };
    let root = p.value(&mut tree, 0)?;
    p.skip();
    (p.i == p.b.len()).then_some(())?;
    tree.docs.push(root);
    Some(tree)
}

struct Json<'a> {
    b: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Json<'_> {
    fn skip(&mut self) {
        loop {
            while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
            if self.b[self.i..].starts_with(b"//") {
                self.i =
                    memchr::memchr(b'\n', &self.b[self.i..]).map_or(self.b.len(), |n| self.i + n);
            } else if self.b[self.i..].starts_with(b"/*") {
                self.i = memchr::memmem::find(&self.b[self.i + 2..], b"*/")
                    .map_or(self.b.len(), |n| self.i + 2 + n + 2);
            } else {
                return;
            }
        }
    }

    fn value(&mut self, tree: &mut Tree, depth: usize) -> Option<Id> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip();
        match *self.b.get(self.i)? {
            b'{' | b'[' => {
                let is_map = self.b[self.i] == b'{';
                let close = if is_map { b'}' } else { b']' };
                self.i += 1;
                let id = tree.push(Node::empty(is_map)).ok()?;
                loop {
                    self.skip();
                    if *self.b.get(self.i)? == close {
                        self.i += 1;
                        return Some(id);
                    }
                    let first = self.value(tree, depth + 1)?;
                    if is_map {
                        self.skip();
                        (*self.b.get(self.i)? == b':').then_some(())?;
                        self.i += 1;
                        let v = self.value(tree, depth + 1)?;
                        if let Some(Node::Map(e)) = tree.nodes.get_mut(id) {
                            e.push((first, v));
                        }
                    } else if let Some(Node::Seq(items)) = tree.nodes.get_mut(id) {
                        items.push(first);
                    }
                    self.skip();
                    match *self.b.get(self.i)? {
                        b',' => self.i += 1,
                        c if c == close => {}
                        _ => return None,
                    }
                }
            }
            b'"' => {
                let from = self.i;
                self.i += 1;
                let mut s = String::new();
                loop {
                    let at = memchr::memchr2(b'"', b'\\', &self.b[self.i..])? + self.i;
                    s.push_str(self.text.get(self.i..at)?);
                    self.i = at + 1;
                    if self.b[at] == b'"' {
                        break;
                    }
                    let c = *self.b.get(self.i)?;
                    self.i += 1;
                    match c {
                        b'n' => s.push('\n'),
                        b't' => s.push('\t'),
                        b'r' => s.push('\r'),
                        b'u' => {
                            let hex = self.text.get(self.i..self.i + 4)?;
                            self.i += 4;
                            s.push(
                                char::from_u32(u32::from_str_radix(hex, 16).ok()?)
                                    .unwrap_or('\u{fffd}'),
                            );
                        }
                        other => s.push(char::from(other)),
                    }
                }
                tree.push(Node::Scalar(s, from, self.i)).ok()
            }
            _ => {
                let from = self.i;
                while self.i < self.b.len()
                    && (self.b[self.i].is_ascii_alphanumeric()
                        || matches!(self.b[self.i], b'-' | b'+' | b'.'))
                {
                    self.i += 1;
                }
                (self.i > from).then_some(())?;
                let word = self.text.get(from..self.i)?;
                if word == "null" {
                    return tree.push(Node::Null).ok();
                }
                tree.push(Node::Scalar(word.to_string(), from, self.i)).ok()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_spans_documents_and_merges() {
        let text = "a: &x\n  k: v\nb:\n  <<: *x\n  j: 'w'\n---\n- 1\n";
        let t = yaml(text).expect("yaml");
        assert_eq!(t.docs.len(), 2);
        let b = t.field(t.docs[0], "b").expect("b");
        let keys: Vec<&str> = t.entries(b).iter().map(|e| e.0).collect();
        assert_eq!(keys, ["j", "k"]);
        let j = t.field(b, "j").expect("j");
        let (s, e) = t.span(j).expect("span");
        assert_eq!(&text[s..e], "'w'");
        assert_eq!(t.items(t.docs[1]).len(), 1);
    }

    #[test]
    fn hostile_yaml_and_json_are_refused_not_expanded() {
        assert!(yaml(&"[".repeat(10_000)).is_none());
        assert!(yaml(": : :\n\t- x").is_none());
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..40 {
            bomb.push_str(&format!(
                "b{i}: &b{i} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
                p = if i == 0 {
                    "a".to_string()
                } else {
                    format!("b{}", i - 1)
                }
            ));
        }
        let t = yaml(&bomb).expect("parses without expanding");
        assert!(t.nodes.len() < 1000);
        assert!(json(&"[".repeat(10_000)).is_none());
        assert!(json("{\"a\": }").is_none());
        assert!(json("{\"a\": \"\\u12").is_none());
    }

    #[test]
    fn json_with_comments_and_spans() {
        let text =
            "{\n  // c\n  \"ConnectionStrings\": { \"Db\": \"Host=x\", },\n  /* x */ \"n\": 1 }";
        let t = json(text).expect("json");
        let cs = t.field(t.docs[0], "ConnectionStrings").expect("cs");
        let db = t.field(cs, "Db").expect("db");
        assert_eq!(t.str(db), Some("Host=x"));
        let (s, e) = t.span(db).expect("span");
        assert_eq!(&text[s..e], "\"Host=x\"");
        assert_eq!(t.str(t.field(t.docs[0], "n").expect("n")), Some("1"));
    }

    /// Visual Studio starts `appsettings.json` with a byte-order mark: the file is read,
    /// with spans that are offsets of the file as it is, and so is YAML with one.
    #[test]
    fn a_byte_order_mark_is_passed_over() {
        let text = "\u{feff}{ \"ConnectionStrings\": { \"Db\": \"Host=x\" } }";
        let t = json(text).expect("json with a byte-order mark");
        let cs = t.field(t.docs[0], "ConnectionStrings").expect("cs");
        let db = t.field(cs, "Db").expect("db");
        let (s, e) = t.span(db).expect("span");
        assert_eq!(&text[s..e], "\"Host=x\"");
        let yaml_text = "\u{feff}services:\n  api:\n    image: x\n";
        let y = yaml(yaml_text).expect("yaml with a byte-order mark");
        assert!(y.field(y.docs[0], "services").is_some());
        assert!(json("{").is_none());
    }
}
