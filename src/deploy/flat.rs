//! Settings as flat keys: `.env` and `.properties` lines (`KEY=value`), and the
//! scalar leaves of a YAML or JSON tree under their dotted (`spring.datasource.url`)
//! or colon-joined (`ConnectionStrings:OrderingDb`, as .NET names them) paths.

use super::Setting;
use super::tree::{Id, Node, Tree};

/// The `KEY=value` (or `.properties`' `key: value`) lines of `text`; `#` and `!`
/// start comments, `export ` is dropped, quotes around a value are not part of it.
pub fn env_lines(rel: &str, text: &str) -> Vec<Setting> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        if trimmed.is_empty() || trimmed.starts_with(['#', '!']) {
            continue;
        }
        let lead = body.len() - trimmed.len();
        let (trimmed, lead) = match trimmed.strip_prefix("export ") {
            Some(rest) => (
                rest.trim_start(),
                lead + (trimmed.len() - rest.trim_start().len()),
            ),
            None => (trimmed, lead),
        };
        let Some(sep) = trimmed.find(['=', ':']) else {
            continue;
        };
        let key = trimmed[..sep].trim_end();
        if key.is_empty() || key.contains(char::is_whitespace) {
            continue;
        }
        let raw = &trimmed[sep + 1..];
        let value = raw.trim();
        let vlead = raw.len() - raw.trim_start().len();
        let vstart = start + lead + sep + 1 + vlead;
        let (value, vstart) = match unquote(value) {
            Some(inner) => (inner, vstart + 1),
            None => (value, vstart),
        };
        out.push(Setting {
            key: key.to_string(),
            value: value.to_string(),
            path: rel.to_string(),
            key_at: (start + lead, start + lead + key.len()),
            value_at: (vstart, vstart + value.len()),
        });
    }
    out
}

/// The text between matching quotes around `v`, if any.
fn unquote(v: &str) -> Option<&str> {
    let b = v.as_bytes();
    (b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0])
        .then(|| &v[1..v.len() - 1])
}

/// The scalar leaves of every document of `t`, keyed by their path joined with `sep`
/// (sequence items as `key[0]`). Aliases are not followed.
pub fn tree(rel: &str, t: &Tree, sep: &str) -> Vec<Setting> {
    let mut out = Vec::new();
    for &doc in &t.docs {
        walk(rel, t, doc, "", (0, 0), sep, &mut out);
    }
    out
}

fn walk(
    rel: &str,
    t: &Tree,
    id: Id,
    prefix: &str,
    key_at: (usize, usize),
    sep: &str,
    out: &mut Vec<Setting>,
) {
    match t.nodes.get(id) {
        Some(Node::Map(entries)) => {
            for &(k, v) in entries {
                let Some(Node::Scalar(key, ks, ke)) = t.nodes.get(k) else {
                    continue;
                };
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}{sep}{key}")
                };
                walk(rel, t, v, &path, (*ks, *ke), sep, out);
            }
        }
        Some(Node::Seq(items)) => {
            for (i, &item) in items.iter().enumerate() {
                walk(rel, t, item, &format!("{prefix}[{i}]"), key_at, sep, out);
            }
        }
        Some(Node::Scalar(value, s, e)) if !prefix.is_empty() => {
            let value_at = strip_quotes_at(value, *s, *e);
            out.push(Setting {
                key: prefix.to_string(),
                value: value.clone(),
                path: rel.to_string(),
                key_at,
                value_at,
            });
        }
        _ => {}
    }
}

/// The byte range of a scalar's value without its quotes (when its text is longer
/// than its value by exactly two quotes).
pub fn strip_quotes_at(value: &str, s: usize, e: usize) -> (usize, usize) {
    if e >= s + 2 && e - s == value.len() + 2 {
        (s + 1, e - 1)
    } else {
        (s, e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_and_properties_lines() {
        let text =
            "# c\nexport A=1\nB = \"two\"\nspring.datasource.username: u\n! c\nnot a setting\n=x\n";
        let s = env_lines("f", text);
        let got: Vec<(&str, &str, &str)> = s
            .iter()
            .map(|s| {
                (
                    s.key.as_str(),
                    s.value.as_str(),
                    &text[s.value_at.0..s.value_at.1],
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("A", "1", "1"),
                ("B", "two", "two"),
                ("spring.datasource.username", "u", "u")
            ]
        );
        assert_eq!(&text[s[1].key_at.0..s[1].key_at.1], "B");
    }

    #[test]
    fn trees_flatten_with_their_separator() {
        let text = "spring:\n  datasource:\n    url: \"jdbc:x\"\n    hosts: [a, b]\n";
        let t = crate::deploy::tree::yaml(text).expect("yaml");
        let s = tree("f", &t, ".");
        let keys: Vec<&str> = s.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "spring.datasource.url",
                "spring.datasource.hosts[0]",
                "spring.datasource.hosts[1]"
            ]
        );
        assert_eq!(&text[s[0].value_at.0..s[0].value_at.1], "jdbc:x");
        let t =
            crate::deploy::tree::json("{\"ConnectionStrings\": {\"Db\": \"x\"}}").expect("json");
        assert_eq!(tree("f", &t, ":")[0].key, "ConnectionStrings:Db");
    }
}
