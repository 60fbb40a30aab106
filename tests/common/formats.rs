//! Checks of the CI formats shared by the tests of SARIF and GitHub output: validation
//! against the vendored SARIF 2.1.0 schema, and parsing GitHub workflow commands back.
//!
//! Included with `#[path]` by the test crates that use it, so crates that do not are
//! not compiled with helpers they never call.

use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

/// The official SARIF 2.1.0 schema (`tests/data`), compiled once per test binary.
pub fn sarif_schema() -> &'static jsonschema::Validator {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-2.1.0.schema.json");
        let text = std::fs::read_to_string(path).expect("vendored schema");
        let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("schema compiles")
    })
}

/// Fails with every schema error of `doc`, each with where it is.
pub fn assert_valid_sarif(doc: &Value) {
    let errors: Vec<String> = sarif_schema()
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

/// One parsed workflow command: `::COMMAND key=value,...::message`, unescaped.
#[derive(Debug)]
pub struct Annotation {
    pub command: String,
    pub props: HashMap<String, String>,
    pub message: String,
}

impl Annotation {
    /// The property `key`, if the command has it.
    pub fn prop(&self, key: &str) -> Option<&str> {
        self.props.get(key).map(String::as_str)
    }
}

/// Parses one line of `--format github` output; `None` for a line that is not a
/// workflow command (the summary).
pub fn parse_command(line: &str) -> Option<Annotation> {
    let rest = line.strip_prefix("::")?;
    let (head, data) = rest.split_once("::")?;
    let (command, props) = head.split_once(' ').unwrap_or((head, ""));
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), ownlint::report::unescape_github(v)))
        .collect();
    Some(Annotation {
        command: command.to_string(),
        props,
        message: ownlint::report::unescape_github(data),
    })
}
