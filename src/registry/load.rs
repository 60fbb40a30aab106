//! Finding and loading `data-ownership.yaml`: YAML with spans, under a budget that
//! refuses hostile input (alias bombs, deep nesting, huge files) quickly.

use super::model::{RawRegistry, RawService, S};
use super::types::{ApiRead, Exception, Item, OwnedTable, Registry, Service, TableKey};
use crate::model::finding::Loc;
use crate::report::escape;
use miette::{Diagnostic, NamedSource, SourceSpan};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Registry file names, in the order they are looked for.
pub const REGISTRY_NAMES: [&str; 2] = ["data-ownership.yaml", "data-ownership.yml"];

/// The largest registry ownlint reads. A real registry of 5,000 services is about
/// 2 MiB; anything past this is refused before parsing.
pub const MAX_REGISTRY_BYTES: u64 = 16 * 1024 * 1024;

/// The registry format version this ownlint reads (`version:` in the file).
pub const FORMAT_VERSION: u32 = 1;

/// Deepest YAML nesting accepted (the format itself needs 5 levels).
const MAX_DEPTH: usize = 64;

/// Why the registry could not be loaded. Rendered by miette with the source snippet
/// where there is one; always exit code 2.
#[derive(Debug)]
pub struct LoadError {
    pub message: String,
    pub help: Option<String>,
    /// The file and the place in it, when the error has one (boxed: it holds the
    /// whole text, and keeps `Result<_, LoadError>` small).
    pub src: Option<Box<NamedSource<String>>>,
    pub span: Option<SourceSpan>,
    pub label: String,
}

impl LoadError {
    fn plain(message: impl Into<String>) -> Self {
        LoadError {
            message: message.into(),
            help: None,
            src: None,
            span: None,
            label: String::new(),
        }
    }
}

/// What a load error shows from the registry (names, quoted keys and values, the
/// file's name) is escaped as every printer escapes input (see
/// [`crate::report::escape`]); its snippet is [`snippet_source`].
impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape::text(&self.message))
    }
}

/// The registry's text under its name, for a load error's snippet, with control
/// characters hidden byte for byte (see [`escape::snippet`]).
fn snippet_source(file: &str, text: &str) -> Box<NamedSource<String>> {
    Box::new(NamedSource::new(
        escape::text(file),
        escape::snippet(text).into_owned(),
    ))
}

impl std::error::Error for LoadError {}

impl Diagnostic for LoadError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("registry"))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(escape::text(h)) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.src.as_deref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some(escape::text(&self.label).into_owned()), span),
        )))
    }
}

/// Looks for the registry in `start` and its ancestors. A link with a registry's name
/// is found too, so that [`load`] refuses it, rather than passed over for a registry
/// further up.
pub fn find_registry(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        REGISTRY_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|p| p.is_file() || crate::links::is_link(p))
    })
}

/// The repository root (the registry's directory) and the registry's file name, as
/// [`load`] sets them: known before the file is read.
pub fn root_and_file(path: &Path) -> (PathBuf, String) {
    let root = path
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let file = path.file_name().map_or_else(
        || REGISTRY_NAMES[0].to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    (root, file)
}

/// Reads and loads the registry at `path`; its directory is the repository root.
///
/// A link is refused, not followed (see [`crate::links`]): the registry's errors quote
/// its text, which must never be another file's. The file is read through a size cap, so that a device or a pipe (`/dev/zero`) is
/// refused like any other oversized file instead of being read forever.
// A load error ends the run and carries the source snippet for its report; its size
// does not matter on that path.
#[allow(clippy::result_large_err)]
pub fn load(path: &Path) -> Result<Registry, LoadError> {
    use std::io::Read;
    let shown = path.display().to_string();
    let cannot_read = |e: std::io::Error| {
        let help = match e.kind() {
            std::io::ErrorKind::NotFound => Some(
                "check the path given to --registry (or OWNLINT_REGISTRY); without it, ownlint looks for data-ownership.yaml in the current directory and its parents".to_string(),
            ),
            _ => None,
        };
        LoadError {
            help,
            ..LoadError::plain(format!("cannot read registry {shown}: {e}"))
        }
    };
    let too_large = |len: u64| LoadError {
        help: Some(format!(
            "the registry may be at most {} MiB; is this the right file?",
            MAX_REGISTRY_BYTES / (1024 * 1024)
        )),
        ..LoadError::plain(format!("registry {shown} is too large ({len} bytes)"))
    };
    let (file, len) = crate::links::open_file(path).map_err(|refusal| match refusal {
        crate::links::Refusal::Io(e) => cannot_read(e),
        crate::links::Refusal::Link => LoadError {
            help: Some(
                "commit the registry itself rather than a link to it: ownlint never follows a link to the registry or the baseline, which could lead out of the repository (or pass the real file with --registry)"
                    .to_string(),
            ),
            ..LoadError::plain(format!(
                "registry {shown} is a symbolic link, and links are never followed"
            ))
        },
        crate::links::Refusal::Directory => LoadError {
            help: Some(format!(
                "pass the registry file itself, e.g. --registry {}",
                path.join(REGISTRY_NAMES[0]).display()
            )),
            ..LoadError::plain(format!("registry {shown} is a directory, not a file"))
        },
        // A named pipe or device would block or stream forever: only regular files.
        crate::links::Refusal::Special => {
            LoadError::plain(format!("registry {shown} is not a regular file"))
        }
    })?;
    if len > MAX_REGISTRY_BYTES {
        return Err(too_large(len));
    }
    let mut bytes = Vec::new();
    file.take(MAX_REGISTRY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() as u64 > MAX_REGISTRY_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
        let loc = Loc::at(&valid, offset, 0);
        LoadError {
            help: Some("save the registry as UTF-8".to_string()),
            ..LoadError::plain(format!(
                "registry {shown} is not valid UTF-8 (line {}, column {})",
                loc.line, loc.column
            ))
        }
    })?;
    let (root, file) = root_and_file(path);
    let mut registry = load_str(&text, &file, root)?;
    registry.resolve_default_paths();
    Ok(registry)
}

/// Longest line shown in a diagnostic's snippet. A longer line (generated or hostile
/// input, e.g. 10,000 `[` in a row) is described by line and column only, so that a
/// multi-megabyte line is never echoed to the terminal.
const MAX_SNIPPET_LINE: usize = 400;

/// Loads a registry from text. `file` names it in diagnostics; `root` is the
/// repository root. Default `paths` are not resolved (no file system access).
#[allow(clippy::result_large_err)]
pub fn load_str(text: &str, file: &str, root: PathBuf) -> Result<Registry, LoadError> {
    if is_blank(text) {
        return Err(LoadError {
            help: Some(
                "a registry declares at least `services:`, one indented entry per service; `ownlint init` writes a starter registry"
                    .to_string(),
            ),
            ..LoadError::plain(format!("registry {file} is empty"))
        });
    }
    let raw: RawRegistry = serde_saphyr::from_str_with_options(text, options())
        .map_err(|e| yaml_error(&e, text, file))?;
    if let Some(v) = raw.version.as_ref().filter(|v| v.value != FORMAT_VERSION) {
        let loc = loc_of(v, text);
        return Err(LoadError {
            help: Some(format!(
                "this ownlint reads format version {FORMAT_VERSION}; upgrade ownlint, or remove `version`"
            )),
            src: Some(snippet_source(file, text)),
            span: Some(SourceSpan::from((loc.offset, loc.len.max(1)))),
            label: "unsupported".to_string(),
            ..LoadError::plain(format!(
                "invalid registry {file}: unsupported format version {}",
                v.value
            ))
        });
    }
    Ok(convert(raw, text, file, root))
}

/// The parser's settings: budgets against hostile input (see the module's docs).
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            flow_nesting_limit: MAX_DEPTH,
            max_aliases: 1_000,
            max_anchors: 1_000,
            // A 16 MiB registry of short names has a few million nodes; the caps
            // only need to bound work, which the size limit already does.
            max_events: 16_000_000,
            max_nodes: 8_000_000,
            max_total_scalar_bytes: MAX_REGISTRY_BYTES as usize,
        },
        // The registry is plain data: an application tag (`!custom`,
        // `!!python/object/apply`) means nothing to ownlint and is refused rather
        // than dropped silently, on values and on keys alike. The YAML core
        // schema's own tags (`!!str`, `!!int`, `!!seq`...) keep their meaning.
        reject_unsupported_tags: true,
        reject_tagged_field_names: true,
    }
}

/// True when the text holds no YAML content: only blank lines, comments, a BOM or
/// document markers.
fn is_blank(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    })
}

/// The help given for any refusal by the YAML budget.
fn budget_help() -> String {
    format!(
        "ownlint refuses YAML past fixed limits (nesting deeper than {MAX_DEPTH} levels, more than 1,000 aliases or anchors, more than {} MiB) so that hostile input cannot exhaust time or memory; a real registry stays far below them",
        MAX_REGISTRY_BYTES / (1024 * 1024)
    )
}

/// The serde-saphyr error inside alias and snippet wrappers.
fn original_error(mut e: &serde_saphyr::Error) -> &serde_saphyr::Error {
    while let serde_saphyr::Error::AliasError { error, .. }
    | serde_saphyr::Error::WithSnippet { error, .. } = e
    {
        e = error;
    }
    e
}

/// Removes the trailing " at line N, column M" that serde-saphyr appends (the snippet
/// shows the place), and the "(defined at ...) (used at ...)" of alias errors.
fn strip_location(message: &str) -> &str {
    let mut m = message.trim_end();
    if let Some(i) = m.find(" (defined at line ") {
        m = &m[..i];
    }
    if let Some(i) = m.rfind(" at line ") {
        let tail = &m[i + " at line ".len()..];
        if tail
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == ' ' || "column".contains(c))
        {
            m = &m[..i];
        }
    }
    m
}

/// The message and help for a YAML error, in the registry's terms.
fn describe(e: &serde_saphyr::Error) -> (String, Option<String>) {
    use serde_saphyr::budget::BudgetBreach as B;
    let inner = original_error(e);
    if let serde_saphyr::Error::Budget { breach, .. } = inner {
        let what = match breach {
            B::Depth { .. } => format!("nesting deeper than {MAX_DEPTH} levels"),
            B::Aliases { .. }
            | B::Anchors { .. }
            | B::AliasAnchorRatio { .. }
            | B::RecordedAnchorEvents { .. }
            | B::RecordedAnchorBytes { .. } => {
                "too many YAML aliases or anchors (an alias bomb?)".to_string()
            }
            B::Documents { .. } => "too many YAML documents".to_string(),
            _ => "more YAML than a registry can hold".to_string(),
        };
        return (
            format!("refusing hostile YAML: {what}"),
            Some(budget_help()),
        );
    }
    if let serde_saphyr::Error::UnsupportedTag { tag, .. }
    | serde_saphyr::Error::TaggedStructFieldName { tag, .. } = inner
    {
        return (
            format!("YAML tag `{tag}` is not allowed"),
            Some(
                "the registry is plain data and ownlint refuses YAML tags such as `!custom` or `!!python/object`: remove the tag"
                    .to_string(),
            ),
        );
    }
    let raw = inner.to_string();
    let message = strip_location(&raw).to_string();
    if message.contains("recursion limit exceeded") {
        return (
            format!("refusing hostile YAML: nesting deeper than {MAX_DEPTH} levels"),
            Some(budget_help()),
        );
    }
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest);
        return (
            format!("duplicate key `{key}`"),
            Some("a key may appear once in a mapping: merge the two entries".to_string()),
        );
    }
    let plain = [
        (
            "expected sequence start",
            "expected a list",
            "a list is expected here: `[a, b]` or one `- item` per line",
        ),
        (
            "expected mapping start",
            "expected a mapping",
            "a mapping is expected here: `key: value` entries indented below their parent, or `{}`",
        ),
        (
            "expected string scalar",
            "expected a string",
            "a single name or text is expected here, not a list or a mapping",
        ),
    ];
    for (needle, text, help) in plain {
        if message.starts_with(needle) {
            return (text.to_string(), Some(help.to_string()));
        }
    }
    let help = nearest_name_help(&message).or_else(|| {
        let serde_error = ["field", "variant", "invalid type", "invalid value", "invalid length"]
            .iter()
            .any(|w| message.contains(w));
        (!serde_error).then(|| {
            "YAML syntax: the mistake may be just before this place, e.g. an unclosed `[` or `{`, a missing `:`, or a tab in the indentation"
                .to_string()
        })
    });
    (message, help)
}

fn yaml_error(e: &serde_saphyr::Error, text: &str, file: &str) -> LoadError {
    let (message, help) = describe(e);
    let mut message = format!("invalid registry {file}: {message}");
    let mut span = None;
    if let Some(loc) = e.location() {
        let offset = loc
            .span()
            .byte_offset()
            .map(|o| o as usize)
            .unwrap_or_else(|| line_col_offset(text, loc.line(), loc.column()))
            .min(text.len());
        let offset = floor_char_boundary(text, offset);
        let node_len = loc.span().byte_len().map_or(1, |l| (l as usize).max(1));
        // A refused tag: the parser points at the node after it; point at the tag.
        let (offset, node_len) = tag_before(original_error(e), text, offset)
            .map_or((offset, node_len), |at| (at.0, at.1));
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_len = text[line_start..]
            .find('\n')
            .unwrap_or(text.len() - line_start);
        if line_len > MAX_SNIPPET_LINE {
            message.push_str(&format!(" (line {}, column {})", loc.line(), loc.column()));
        } else {
            let line_end = line_start + line_len;
            let len = node_len.min(line_end.saturating_sub(offset).max(1));
            span = Some(SourceSpan::from((offset, len.min(text.len() - offset))));
        }
    }
    LoadError {
        message,
        help,
        src: span.map(|_| snippet_source(file, text)),
        span,
        label: "here".to_string(),
    }
}

/// For a refused tag, where it is written: the last place it appears in the 1 KiB
/// before `offset` (the node it tags), and its length.
fn tag_before(e: &serde_saphyr::Error, text: &str, offset: usize) -> Option<(usize, usize)> {
    let (serde_saphyr::Error::UnsupportedTag { tag, .. }
    | serde_saphyr::Error::TaggedStructFieldName { tag, .. }) = e
    else {
        return None;
    };
    let from = floor_char_boundary(text, offset.saturating_sub(1024));
    let at = text.get(from..offset)?.rfind(tag.as_str())?;
    Some((from + at, tag.len()))
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" (or "unknown variant"),
/// the nearest known name.
fn nearest_name_help(message: &str) -> Option<String> {
    let rest = message
        .split("unknown field `")
        .nth(1)
        .or_else(|| message.split("unknown variant `").nth(1))?;
    let (unknown, expected) = rest.split_once('`')?;
    let expected = expected.split("expected one of").nth(1)?;
    let best = expected
        .split([',', '`', ' '])
        .filter(|k| !k.is_empty())
        .map(|k| (strsim::jaro_winkler(unknown, k), k))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    Some(format!("did you mean `{}`?", best.1))
}

fn line_col_offset(text: &str, line: u64, column: u64) -> usize {
    let start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum::<usize>();
    let line_text = text[start.min(text.len())..].lines().next().unwrap_or("");
    start
        + line_text
            .char_indices()
            .nth(column.saturating_sub(1) as usize)
            .map_or(line_text.len(), |(i, _)| i)
}

/// The location of a spanned value in `text`.
pub(super) fn loc_of<T>(s: &S<T>, text: &str) -> Loc {
    let l = &s.referenced;
    let offset = l
        .span()
        .byte_offset()
        .map(|o| o as usize)
        .unwrap_or_else(|| line_col_offset(text, l.line(), l.column()));
    let len = l.span().byte_len().map_or(1, |n| n as usize);
    Loc {
        line: u32::try_from(l.line()).unwrap_or(u32::MAX),
        column: u32::try_from(l.column()).unwrap_or(u32::MAX),
        offset,
        len,
    }
}

/// The entry and where it is; the value is moved, not copied: a 50,000-table registry
/// should not allocate every name twice.
fn item(s: S<String>, text: &str) -> Item {
    let loc = loc_of(&s, text);
    Item {
        value: s.value,
        loc,
    }
}

fn items(v: Vec<S<String>>, text: &str) -> Vec<Item> {
    v.into_iter().map(|s| item(s, text)).collect()
}

/// Lower case, without `str::to_lowercase`'s Unicode tables for the usual ASCII name.
fn fold(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

fn convert(raw: RawRegistry, text: &str, file: &str, root: PathBuf) -> Registry {
    let mut services = Vec::with_capacity(raw.services.len());
    let mut by_name = HashMap::with_capacity(raw.services.len());
    for (name, svc) in raw.services {
        by_name.entry(name.value.clone()).or_insert(services.len());
        services.push(convert_service(name, svc, text));
    }
    let exceptions = raw
        .exceptions
        .into_iter()
        .map(|e| Exception {
            loc: loc_of(&e.service, text),
            service: item(e.service, text),
            table: e.table.map(|t| item(t, text)),
            import: e.import.map(|t| item(t, text)),
            database: e.database.map(|t| item(t, text)),
            api: e.api.map(|t| item(t, text)),
            event: e.event.map(|t| item(t, text)),
            access: e.access.iter().map(|a| a.value).collect(),
            reason: item(e.reason, text),
            expires: e.expires.map(|t| item(t, text)),
        })
        .collect();
    Registry {
        root,
        file: file.to_string(),
        source: text.to_string(),
        services,
        exclude: items(raw.exclude, text),
        exceptions,
        lines: std::sync::OnceLock::new(),
        tables: std::sync::OnceLock::new(),
        rule_levels: raw
            .rules
            .into_iter()
            .map(|(k, v)| (item(k, text), v.value))
            .collect(),
        by_name,
    }
}

fn convert_service(name: S<String>, svc: RawService, text: &str) -> Service {
    let database = svc.database.map(|d| item(d, text));
    let schema = svc.schema.map(|s| item(s, text));
    // One shared string per service, not one per table.
    let db_key: Option<Arc<str>> = database.as_ref().map(|d| fold(&d.value).into());
    let schema_key: Arc<str> = schema.as_ref().map_or_else(
        || super::types::DEFAULT_SCHEMA.into(),
        |s| fold(&s.value).into(),
    );
    let owns_at = loc_of(&svc.owns, text);
    let owns = svc
        .owns
        .value
        .into_iter()
        .map(|written| {
            let lower = fold(written.trim());
            let (schema, name) = match lower.rsplit_once('.') {
                Some((s, n)) => (s.into(), n.to_string()),
                None => (schema_key.clone(), lower),
            };
            OwnedTable {
                key: TableKey {
                    database: db_key.clone(),
                    schema,
                    name,
                },
                written,
            }
        })
        .collect();
    Service {
        loc: loc_of(&name, text),
        name: name.value,
        owns,
        owns_at,
        owns_located: std::sync::OnceLock::new(),
        publishes: items(svc.publishes_events, text),
        consumes: items(svc.consumes_events, text),
        reads: svc
            .reads_from_apis
            .into_iter()
            .flatten()
            .map(|(target, endpoints)| ApiRead {
                target: item(target, text),
                endpoints: items(endpoints, text),
            })
            .collect(),
        paths_declared: svc.paths.is_some(),
        paths: svc.paths.map(|p| items(p, text)).unwrap_or_default(),
        public: items(svc.public, text),
        database,
        schema,
        dialect: svc.dialect.map(|d| d.value),
        team: svc.team.map(|t| t.value),
        hosts: items(svc.hosts, text),
        topics: svc
            .topics
            .into_iter()
            .map(|(k, v)| (item(k, text), item(v, text)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(yaml: &str) -> LoadError {
        match load_str(yaml, "data-ownership.yaml", ".".into()) {
            Ok(_) => panic!("loaded: {yaml}"),
            Err(e) => e,
        }
    }

    #[test]
    fn strips_only_a_trailing_location() {
        assert_eq!(
            strip_location("expected x at line 3, column 5"),
            "expected x"
        );
        assert_eq!(
            strip_location(
                "expected string scalar (defined at line 3, column 14) (used at line 5, column 16)"
            ),
            "expected string scalar"
        );
        assert_eq!(
            strip_location("a value at line breaks"),
            "a value at line breaks"
        );
    }

    #[test]
    fn messages_speak_the_registry_language() {
        let e = err("services:\n  a:\n    own: [t]\n");
        assert_eq!(e.help.as_deref(), Some("did you mean `owns`?"));
        let e = err("services:\n  a: {owns: t}\n");
        assert!(e.message.ends_with("expected a list"), "{}", e.message);
        let e = err("services:\n  a: {}\n  a: {}\n");
        assert!(e.message.ends_with("duplicate key `a`"), "{}", e.message);
        let e = err("  \n# nothing\n");
        assert_eq!(e.message, "registry data-ownership.yaml is empty");
        let e = err("version: 2\nservices: {}\n");
        assert!(
            e.message.ends_with("unsupported format version 2"),
            "{}",
            e.message
        );
        assert_eq!(e.span, Some(SourceSpan::from((9, 1))));
        assert!(load_str("version: 1\nservices: {}\n", "x", ".".into()).is_ok());
        let e = err("services: {a: {owns: [t}\n");
        assert!(e.help.is_some_and(|h| h.starts_with("YAML syntax")));
    }

    #[test]
    fn yaml_tags_are_refused_at_the_tag() {
        // (registry, where the error points)
        let cases = [
            ("services:\n  a:\n    owns: !custom [t]\n", "!custom"),
            (
                "services:\n  a: !!python/object:os.system {}\n",
                "!!python/object:os.system",
            ),
            (
                "services: !!python/object/apply:os.system [id]\n",
                "!!python/object/apply:os.system",
            ),
            ("services:\n  a:\n    !secret owns: [t]\n", "!secret"),
            (
                "services:\n  a:\n    team: !<tag:example.com,2024:x> x\n",
                "!<tag:example.com,2024:x>",
            ),
        ];
        for (yaml, tag) in cases {
            let e = err(yaml);
            assert!(
                e.message.contains("YAML tag `") && e.message.ends_with("is not allowed"),
                "{yaml}: {}",
                e.message
            );
            assert!(
                e.help
                    .as_deref()
                    .is_some_and(|h| h.contains("remove the tag"))
            );
            let at = e
                .span
                .map(|s| s.offset())
                .unwrap_or_else(|| panic!("{yaml}: no span"));
            assert_eq!(e.span.map(|s| s.len()), Some(tag.len()), "{yaml}");
            assert_eq!(&yaml[at..at + tag.len()], tag, "{yaml}");
        }
        // The core schema's own tags keep their meaning.
        assert!(load_str("services:\n  a:\n    owns: [!!str t]\n", "x", ".".into()).is_ok());
    }

    #[test]
    fn long_lines_are_not_echoed() {
        let yaml = format!("services: {{a: {{owns: {}}}}}\n", "[".repeat(5_000));
        let e = err(&yaml);
        assert!(e.src.is_none() && e.span.is_none());
        assert!(
            e.message
                .contains("nesting deeper than 64 levels (line 1, column"),
            "{}",
            e.message
        );
    }

    #[test]
    fn spans_point_at_the_entry() {
        let reg = load_str(
            "services:\n  é-svc:\n    owns: [\"ünï\", plain]\n",
            "data-ownership.yaml",
            ".".into(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let t = reg.owns_loc(0, 1);
        assert_eq!((t.line, t.column), (3, 19), "columns count characters");
        assert_eq!(&reg.source[t.offset..t.offset + t.len], "plain");
        let quoted = reg.owns_loc(0, 0);
        assert_eq!(
            &reg.source[quoted.offset..quoted.offset + quoted.len],
            "\"ünï\""
        );
        let s = &reg.services[0];
        assert_eq!((s.loc.line, s.loc.column), (2, 3));
    }

    #[test]
    fn an_owns_list_that_is_not_followed_points_at_the_list() {
        let reg = load_str(
            "services:\n  a:\n    owns:\n      - &t orders\n  b:\n    owns: [items]\n",
            "data-ownership.yaml",
            ".".into(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        // An anchor is not followed: the list's own place.
        assert_eq!(reg.owns_loc(0, 0), reg.services[0].owns_at);
        assert_eq!(reg.owns_loc(0, 0).line, 4);
        // Out of range: the list, or nothing for an unknown service.
        assert_eq!(reg.owns_loc(1, 7), reg.services[1].owns_at);
        assert_eq!(reg.owns_loc(9, 0), Loc::default());
        let items = reg.owns_loc(1, 0);
        assert_eq!(&reg.source[items.offset..items.offset + items.len], "items");
    }
}
