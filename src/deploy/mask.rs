//! Masking secrets in deployment configuration before any of it is shown: the
//! values of secret-named keys (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*_KEY`, ...) and
//! the passwords inside connection strings and URLs become `*`, byte for byte, so
//! that every offset stays where it was. Printers show source lines through
//! [`secrets`]; fingerprints hash the masked line.

use super::{connection, kind_of, read};

/// True for a key whose value is a secret.
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "PWD",
        "SECRET",
        "TOKEN",
        "CREDENTIAL",
        "PRIVATE",
        "APIKEY",
        "API_KEY",
        "ACCESS_KEY",
    ]
    .iter()
    .any(|w| k.contains(w))
}

/// `text` (the file at `rel`) with its secrets masked; unchanged when `rel` is not
/// deployment configuration.
pub fn secrets(rel: &str, text: &str) -> String {
    let Some(kind) = kind_of(rel) else {
        return text.to_string();
    };
    let mut bytes = text.as_bytes().to_vec();
    let mut hide = |(s, e): (usize, usize)| {
        if s <= e && e <= bytes.len() && text.is_char_boundary(s) && text.is_char_boundary(e) {
            bytes[s..e].fill(b'*');
        }
    };
    let c = read(kind, rel, text);
    let settings = c
        .units
        .iter()
        .flat_map(|u| &u.settings)
        .chain(c.config_maps.iter().flat_map(|m| &m.settings))
        .chain(&c.env);
    for s in settings {
        if is_secret_key(&s.key) {
            hide(s.value_at);
            continue;
        }
        if let Some((ps, pe)) = connection::parse(&s.value).and_then(|c| c.password) {
            let exact = text.get(s.value_at.0..s.value_at.1) == Some(s.value.as_str());
            hide(if exact {
                (s.value_at.0 + ps, s.value_at.0 + pe)
            } else {
                s.value_at
            });
        }
    }
    // Whatever the structure could not say (a file that does not parse): URL
    // passwords (`scheme://user:password@`) anywhere, and the rest of a line after a
    // secret-named key.
    for (at, _) in text.match_indices("://") {
        let rest = &text[at + 3..];
        let end = rest
            .find(|c: char| c.is_whitespace() || "/\"'".contains(c))
            .unwrap_or(rest.len());
        let authority = &rest[..end];
        if let Some(a) = authority.rfind('@')
            && let Some(c) = authority[..a].find(':')
        {
            hide((at + 3 + c + 1, at + 3 + a));
        }
    }
    // `Password=...;` and `password=...` inside any value.
    let lower = text.to_ascii_lowercase();
    for key in ["password=", "pwd="] {
        for (at, _) in lower.match_indices(key) {
            let from = at + key.len();
            let rest = &text[from..];
            let end = rest
                .find(|c: char| c == ';' || c == '"' || c == '\'' || c == '}' || c.is_whitespace())
                .unwrap_or(rest.len());
            hide((from, from + end));
        }
    }
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if let Some(sep) = body.find(['=', ':'])
            && is_secret_key(&body[..sep])
        {
            let value = &body[sep + 1..];
            let lead = value.len() - value.trim_start().len();
            hide((line_start + sep + 1 + lead, line_start + body.len()));
        }
        line_start += line.len();
    }
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_in_place() {
        let text = "services:\n  a:\n    environment:\n      DB_PASSWORD: hunter2\n      DB_URL: postgres://u:s3cr3t@db/x\n      CONN: \"Server=s;Database=d;User Id=u;Password=pässword;\"\n      PLAIN: visible\n";
        let m = secrets("docker-compose.yml", text);
        assert_eq!(m.len(), text.len());
        for secret in ["hunter2", "s3cr3t", "pässword"] {
            assert!(!m.contains(secret), "{secret} in {m}");
        }
        assert!(m.contains("visible") && m.contains("DB_PASSWORD: *******"));
        let m = secrets(".env", "C=${X:-Server=s;User Id=u;Password=topsecret}\n");
        assert!(!m.contains("topsecret"), "{m}");
        let broken = "password = x\nurl=http://a:b@c/\n: [";
        let m = secrets("x.env", broken);
        assert!(!m.contains("= x") && !m.contains(":b@"), "{m}");
        assert_eq!(secrets("a.rs", "password = x"), "password = x");
    }
}
