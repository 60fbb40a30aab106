//! Which database a service uses, from the evidence a team keeps next to its code:
//! connection strings in configuration (`appsettings*.json`, `application*.yml` and
//! `.properties`, `.env` files, compose `environment`). psql's `\c db` in SQL scripts
//! is read by the SQL extractor (it qualifies the tables that follow). Values with
//! placeholders (`${DB_NAME}`) name no database.

/// True for a configuration file whose connection strings name a database.
pub fn is_config(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.starts_with("appsettings") && lower.ends_with(".json"))
        || ((lower.starts_with("application") || lower.starts_with("bootstrap"))
            && (lower.ends_with(".yml")
                || lower.ends_with(".yaml")
                || lower.ends_with(".properties")))
        || lower == ".env"
        || lower.starts_with(".env.")
        || lower.ends_with(".env")
}

/// Keys whose value is a database's name.
const NAME_KEYS: &[&str] = &[
    "postgres_db",
    "postgresql_database",
    "mysql_database",
    "mariadb_database",
    "db_name",
    "database_name",
    "pgdatabase",
    "spring_datasource_database",
];

/// The database names in `text`, each with its line (1-based), in order.
pub fn names_in(text: &str) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for name in names_in_line(line) {
            out.push((name, line_no));
        }
    }
    out
}

fn names_in_line(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = line.to_ascii_lowercase();
    // ADO.NET: `Database=orders;` / `Initial Catalog=orders`.
    for key in ["database=", "initial catalog="] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(key) {
            let start = from + at;
            let boundary = start == 0
                || !lower.as_bytes()[start - 1].is_ascii_alphanumeric()
                    && lower.as_bytes()[start - 1] != b'_';
            let off = start + key.len();
            if boundary {
                push(&mut out, word(&line[off..]));
            }
            from = off;
        }
    }
    // URLs: `jdbc:postgresql://host:5432/orders?x`, `postgres://u:p@host/orders`.
    for scheme in [
        "postgres://",
        "postgresql://",
        "mysql://",
        "mariadb://",
        "sqlserver://",
    ] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(scheme) {
            let off = from + at + scheme.len();
            let rest = &line[off..];
            let authority_end = rest
                .find(|c: char| c == '/' || c.is_whitespace() || c == '"' || c == '\'')
                .unwrap_or(rest.len());
            if rest[authority_end..].starts_with('/') {
                push(&mut out, word(&rest[authority_end + 1..]));
            }
            from = off;
        }
    }
    // `POSTGRES_DB=orders`, `POSTGRES_DB: orders`, `"DB_NAME": "orders"`.
    for key in NAME_KEYS {
        if let Some(at) = lower.find(key) {
            let before_ok = at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphanumeric();
            let rest = line[at + key.len()..]
                .trim_start_matches(['"', '\''])
                .trim_start();
            if before_ok && let Some(value) = rest.strip_prefix(['=', ':']) {
                push(
                    &mut out,
                    word(value.trim_start().trim_start_matches(['"', '\''])),
                );
            }
        }
    }
    out
}

/// The identifier at the start of `s`, when the whole value is one (a placeholder
/// such as `${DB}` or `{{ .db }}` is not).
fn word(s: &str) -> Option<String> {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .unwrap_or(s.len());
    let w = s[..end].trim_end_matches('.');
    let next = s[end..].chars().next();
    let placeholder = matches!(next, Some('$' | '{' | '}' | '%' | '<'));
    (!w.is_empty() && !placeholder && w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .then(|| w.to_string())
}

fn push(out: &mut Vec<String>, w: Option<String>) {
    if let Some(w) = w
        && !out.contains(&w)
    {
        out.push(w);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        names_in(text).into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn connection_strings_name_databases() {
        let cases = [
            (
                r#""CatalogDb": "Host=db;Database=catalogdb;Username=x""#,
                "catalogdb",
            ),
            (
                "Server=s;Initial Catalog=OrderingDb;User Id=sa",
                "OrderingDb",
            ),
            (
                "url: jdbc:postgresql://localhost:5432/ftgo_orders?useSSL=false",
                "ftgo_orders",
            ),
            (
                "spring.datasource.url=jdbc:mysql://mysql/petclinic",
                "petclinic",
            ),
            ("DATABASE_URL=postgres://u:p@db:5432/deployer", "deployer"),
            ("      - POSTGRES_DB=accounts-db", "accounts-db"),
            ("POSTGRES_DB: ledger", "ledger"),
        ];
        for (text, want) in cases {
            assert_eq!(names(text), vec![want.to_string()], "{text}");
        }
    }

    #[test]
    fn placeholders_prose_and_other_keys_name_none() {
        for text in [
            "Database=${DB_NAME}",
            "POSTGRES_DB=${POSTGRES_DB}",
            "url: jdbc:postgresql://${HOST}/{{ .Values.db }}",
            "url: postgres://host",
            "mydatabase=orders",
            "The database is created at start.",
            "DB_NAME=",
        ] {
            assert!(names(text).is_empty(), "{text}: {:?}", names(text));
        }
        assert_eq!(names_in("a\nDatabase=x;\n"), vec![("x".to_string(), 2)]);
    }

    #[test]
    fn config_files() {
        for n in [
            "appsettings.Development.json",
            "application.yml",
            "application-prod.properties",
            ".env",
            ".env.local",
            "db.env",
            "bootstrap.yaml",
        ] {
            assert!(is_config(n), "{n}");
        }
        for n in ["app.json", "settings.py", "environment.ts"] {
            assert!(!is_config(n), "{n}");
        }
    }
}
