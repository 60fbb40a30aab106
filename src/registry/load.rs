//! Finding and loading `data-ownership.yaml`: YAML with spans, under a budget that
//! refuses hostile input (alias bombs, deep nesting, huge files) quickly.

use super::model::{RawRegistry, RawService, S};
use super::types::{ApiRead, Exception, Item, OwnedTable, Registry, Service, TableKey};
use crate::finding::Loc;
use miette::{Diagnostic, NamedSource, SourceSpan};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Registry file names, in the order they are looked for.
pub const REGISTRY_NAMES: [&str; 2] = ["data-ownership.yaml", "data-ownership.yml"];

/// The largest registry ownlint reads. A real registry of 5,000 services is about
/// 2 MiB; anything past this is refused before parsing.
pub const MAX_REGISTRY_BYTES: u64 = 16 * 1024 * 1024;

/// Deepest YAML nesting accepted (the format itself needs 5 levels).
const MAX_DEPTH: usize = 64;

/// Why the registry could not be loaded. Rendered by miette with the source snippet
/// where there is one; always exit code 2.
#[derive(Debug)]
pub struct LoadError {
    pub message: String,
    pub help: Option<String>,
    /// The file and the place in it, when the error has one.
    pub src: Option<NamedSource<String>>,
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

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LoadError {}

impl Diagnostic for LoadError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("registry"))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.src.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some(self.label.clone()), span),
        )))
    }
}

/// Looks for the registry in `start` and its ancestors.
pub fn find_registry(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        REGISTRY_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Reads and loads the registry at `path`; its directory is the repository root.
pub fn load(path: &Path) -> Result<Registry, LoadError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| LoadError::plain(format!("cannot read registry {shown}: {e}")))?;
    if meta.len() > MAX_REGISTRY_BYTES {
        return Err(LoadError {
            help: Some(format!(
                "the registry may be at most {} MiB; is this the right file?",
                MAX_REGISTRY_BYTES / (1024 * 1024)
            )),
            ..LoadError::plain(format!(
                "registry {shown} is too large ({} bytes)",
                meta.len()
            ))
        });
    }
    let bytes = std::fs::read(path)
        .map_err(|e| LoadError::plain(format!("cannot read registry {shown}: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
        let loc = Loc::at(&valid, offset, 0);
        LoadError::plain(format!(
            "registry {shown} is not valid UTF-8 (line {}, column {})",
            loc.line, loc.column
        ))
    })?;
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
    let mut registry = load_str(&text, &file, root)?;
    registry.resolve_default_paths();
    Ok(registry)
}

/// Loads a registry from text. `file` names it in diagnostics; `root` is the
/// repository root. Default `paths` are not resolved (no file system access).
pub fn load_str(text: &str, file: &str, root: PathBuf) -> Result<Registry, LoadError> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_nodes: 2_000_000,
            max_total_scalar_bytes: MAX_REGISTRY_BYTES as usize,
        },
    };
    let raw: RawRegistry = serde_saphyr::from_str_with_options(text, options)
        .map_err(|e| yaml_error(&e, text, file))?;
    Ok(convert(raw, text, file, root))
}

fn yaml_error(e: &serde_saphyr::Error, text: &str, file: &str) -> LoadError {
    let bare = e.without_snippet();
    let mut message = bare.to_string();
    // The location is shown by the snippet; keep the message itself short.
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    let help = unknown_field_help(&message).or_else(|| {
        message
            .contains("expected sequence")
            .then(|| "a list is expected here: `[a, b]` or one `- item` per line".to_string())
    });
    let (span, label) = match e.location() {
        Some(loc) => {
            let offset = loc
                .span()
                .byte_offset()
                .map(|o| o as usize)
                .unwrap_or_else(|| line_col_offset(text, loc.line(), loc.column()));
            let len = loc.span().byte_len().map_or(1, |l| (l as usize).max(1));
            (
                Some(SourceSpan::from((offset.min(text.len()), len))),
                "here".to_string(),
            )
        }
        None => (None, String::new()),
    };
    LoadError {
        message: format!("invalid registry {file}: {message}"),
        help,
        src: span.map(|_| NamedSource::new(file, text.to_string())),
        span,
        label,
    }
}

/// For serde's "unknown field `x`, expected one of `a`, `b`", the nearest known key.
fn unknown_field_help(message: &str) -> Option<String> {
    let rest = message.split("unknown field `").nth(1)?;
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

fn item(s: &S<String>, text: &str) -> Item {
    Item {
        value: s.value.clone(),
        loc: loc_of(s, text),
    }
}

fn items(v: &[S<String>], text: &str) -> Vec<Item> {
    v.iter().map(|s| item(s, text)).collect()
}

fn convert(raw: RawRegistry, text: &str, file: &str, root: PathBuf) -> Registry {
    let mut services = Vec::with_capacity(raw.services.len());
    let mut by_name = HashMap::with_capacity(raw.services.len());
    for (name, svc) in &raw.services {
        by_name.entry(name.value.clone()).or_insert(services.len());
        services.push(convert_service(name, svc, text));
    }
    let exceptions = raw
        .exceptions
        .iter()
        .map(|e| Exception {
            loc: loc_of(&e.service, text),
            service: item(&e.service, text),
            table: e.table.as_ref().map(|t| item(t, text)),
            import: e.import.as_ref().map(|t| item(t, text)),
            access: e.access.iter().map(|a| a.value).collect(),
            reason: item(&e.reason, text),
            expires: e.expires.as_ref().map(|t| item(t, text)),
        })
        .collect();
    Registry {
        root,
        file: file.to_string(),
        source: text.to_string(),
        services,
        exclude: items(&raw.exclude, text),
        exceptions,
        rule_levels: raw
            .rules
            .iter()
            .map(|(k, v)| (item(k, text), v.value))
            .collect(),
        by_name,
    }
}

fn convert_service(name: &S<String>, svc: &RawService, text: &str) -> Service {
    let database = svc.database.as_ref().map(|d| item(d, text));
    let schema = svc.schema.as_ref().map(|s| item(s, text));
    let db_key = database.as_ref().map(|d| d.value.to_lowercase());
    let schema_key = schema.as_ref().map_or_else(
        || super::types::DEFAULT_SCHEMA.to_string(),
        |s| s.value.to_lowercase(),
    );
    let owns = svc
        .owns
        .iter()
        .map(|t| {
            let entry = item(t, text);
            let lower = entry.value.trim().to_lowercase();
            let (schema, name) = match lower.rsplit_once('.') {
                Some((s, n)) => (s.to_string(), n.to_string()),
                None => (schema_key.clone(), lower.clone()),
            };
            OwnedTable {
                key: TableKey {
                    database: db_key.clone(),
                    schema,
                    name,
                },
                entry,
            }
        })
        .collect();
    Service {
        name: name.value.clone(),
        loc: loc_of(name, text),
        owns,
        publishes: items(&svc.publishes_events, text),
        consumes: items(&svc.consumes_events, text),
        reads: svc
            .reads_from_apis
            .iter()
            .flat_map(|m| m.iter())
            .map(|(target, endpoints)| ApiRead {
                target: item(target, text),
                endpoints: items(endpoints, text),
            })
            .collect(),
        paths_declared: svc.paths.is_some(),
        paths: svc
            .paths
            .as_deref()
            .map(|p| items(p, text))
            .unwrap_or_default(),
        public: items(&svc.public, text),
        database,
        schema,
        dialect: svc.dialect.as_ref().map(|d| d.value),
        team: svc.team.as_ref().map(|t| t.value.clone()),
    }
}
