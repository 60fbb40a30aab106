//! What a connection string says: which database, on which host, as which user, and
//! where its password is (so it can be masked). One reading for `init` (which database
//! each service uses: [`names_in`], over whole lines of configuration) and for
//! `check`'s `shared-database-credentials` ([`parse`], over one setting's value).
//! Forms read: URLs (`jdbc:postgresql://host:5432/db`, `postgres://user:pass@host/db`,
//! `mysql://`, `sqlserver://`, `mongodb://`, `r2dbc:`), ADO.NET
//! (`Server=s;Database=db;User Id=u;Password=p`) and libpq keyword/value
//! (`host=h dbname=db user=u password=p`). psql's `\c db` in SQL scripts is read by the
//! SQL extractor (it qualifies the tables that follow). Values with placeholders
//! (`${DB_NAME}`) name no database.

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
            // A connection string's key starts it or follows a separator; a property
            // path's last part (`spring.jpa.database=postgresql`, the vendor) is not it.
            let boundary = start == 0
                || matches!(
                    lower.as_bytes()[start - 1],
                    b';' | b' ' | b'\t' | b'"' | b'\'' | b'{' | b',' | b'='
                );
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

/// What one connection string names. `password` is the byte range of the password in
/// the parsed value, for masking; it is never kept as text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conn {
    pub host: Option<String>,
    pub database: Option<String>,
    pub user: Option<String>,
    pub password: Option<(usize, usize)>,
}

/// URL schemes of databases (after an optional `jdbc:` or `r2dbc:`).
const SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "sqlserver",
    "mongodb",
    "mongodb+srv",
    "oracle:thin",
    "h2",
    "pool:postgresql",
    "pool:mysql",
];

/// Parses a connection string; `None` when `value` is not one.
pub fn parse(value: &str) -> Option<Conn> {
    let lead = value.len() - value.trim_start().len();
    let v = value.trim();
    // Compose's `${VAR:-default}` (and `${VAR-default}`): the default is what runs
    // when nothing sets the variable.
    let (v, at) = match v.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        Some(inner) => match inner.find(['-', '?']) {
            Some(d)
                if inner[..d]
                    .trim_end_matches(':')
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    && inner.as_bytes()[d] == b'-' =>
            {
                let default = &inner[d + 1..];
                (default, lead + v.len() - 1 - default.len())
            }
            _ => return None,
        },
        None => (v, lead),
    };
    let mut conn = url(v).or_else(|| keywords(v))?;
    conn.password = conn.password.map(|(s, e)| (s + at, e + at));
    Some(conn)
}

/// `[jdbc:|r2dbc:]scheme://[user[:password]@]host[:port][,more]/database[?...]`.
fn url(v: &str) -> Option<Conn> {
    let lower = v.to_ascii_lowercase();
    let body_at = ["jdbc:", "r2dbc:", ""].iter().find_map(|prefix| {
        let rest = lower.strip_prefix(prefix)?;
        SCHEMES.iter().find_map(|s| {
            rest.strip_prefix(s)?
                .strip_prefix("://")
                .map(|_| prefix.len() + s.len() + 3)
        })
    })?;
    let body = &v[body_at..];
    let end = body.find(['/', '?', ';']).unwrap_or(body.len());
    let authority = &body[..end];
    let mut conn = Conn::default();
    let hostport = match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            let (user, password) = match userinfo.find(':') {
                Some(c) => (&userinfo[..c], Some(c + 1..userinfo.len())),
                None => (userinfo, None),
            };
            conn.user = literal(user);
            conn.password = password
                .filter(|r| !r.is_empty())
                .map(|r| (body_at + r.start, body_at + r.end));
            &authority[at + 1..]
        }
        None => authority,
    };
    let first = hostport.split(',').next().unwrap_or("");
    let host = if first.starts_with('[') {
        first
    } else {
        first.split(':').next().unwrap_or("")
    };
    conn.host = literal(host);
    if body[end..].starts_with('/') {
        let db = &body[end + 1..];
        let db_end = db.find(['?', ';', '/', '&']).unwrap_or(db.len());
        conn.database = literal(&db[..db_end]);
    }
    // SQL Server's JDBC form: `;databaseName=db;user=u;password=p`.
    if let Some(rest) = body[end..].strip_prefix(';') {
        let kw = keywords_in(rest, body_at + end + 1, ';');
        conn.database = conn.database.or(kw.database);
        conn.user = conn.user.or(kw.user);
        conn.password = conn.password.or(kw.password);
    }
    Some(conn)
}

/// ADO.NET (`;`-separated) or libpq (space-separated) `key=value` pairs; a connection
/// string only when it names a server and a database or user.
fn keywords(v: &str) -> Option<Conn> {
    let sep = if v.contains(';') { ';' } else { ' ' };
    let conn = keywords_in(v, 0, sep);
    (conn.host.is_some() && (conn.database.is_some() || conn.user.is_some())).then_some(conn)
}

fn keywords_in(v: &str, base: usize, sep: char) -> Conn {
    let mut conn = Conn::default();
    let mut at = 0;
    for part in v.split(sep) {
        let part_at = at;
        at += part.len() + sep.len_utf8();
        let Some(eq) = part.find('=') else { continue };
        let key = part[..eq].trim().to_ascii_lowercase();
        let raw = &part[eq + 1..];
        let value = raw.trim();
        let lead = raw.len() - raw.trim_start().len();
        match key.as_str() {
            "server" | "host" | "data source" | "address" | "addr" | "hostaddr" => {
                let host = value.trim_start_matches("tcp:");
                let host = host.split([',', ':']).next().unwrap_or("");
                conn.host = literal(host);
            }
            "database" | "initial catalog" | "dbname" | "databasename" => {
                conn.database = literal(value);
            }
            "user id" | "userid" | "user" | "username" | "uid" => conn.user = literal(value),
            "password" | "pwd" if !value.is_empty() => {
                let start = base + part_at + eq + 1 + lead;
                conn.password = Some((start, start + value.len()));
            }
            _ => {}
        }
    }
    conn
}

/// `s` when it is a literal value, not a placeholder (`${DB_USER}`, `{{ .Values.x }}`,
/// `%DB%`, `<user>`) nor empty.
pub fn literal(s: &str) -> Option<String> {
    let s = s.trim().trim_matches(['"', '\'']);
    let placeholder = s.is_empty() || s.contains(['$', '{', '}', '%', '<', '>', '(', ')', ' ']);
    (!placeholder).then(|| s.to_string())
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
            ("ConnectionStrings__Db=Host=db; Database=orders", "orders"),
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
            // Spring's database vendor, not a database's name.
            "spring.jpa.database=postgresql",
            "spring.jpa.database: MYSQL",
        ] {
            assert!(names(text).is_empty(), "{text}: {:?}", names(text));
        }
        assert_eq!(names_in("a\nDatabase=x;\n"), vec![("x".to_string(), 2)]);
    }

    #[test]
    fn connection_strings_parse() {
        let c = |host: &str, db: &str, user: Option<&str>| Conn {
            host: Some(host.into()),
            database: (!db.is_empty()).then(|| db.into()),
            user: user.map(Into::into),
            password: None,
        };
        let cases = [
            (
                "jdbc:mysql://mysql/ftgo_order_service",
                c("mysql", "ftgo_order_service", None),
            ),
            (
                "jdbc:postgresql://db:5432/orders?ssl=true",
                c("db", "orders", None),
            ),
            ("r2dbc:postgresql://pg/ledger", c("pg", "ledger", None)),
            ("mongodb://mongo:27017", c("mongo", "", None)),
            (
                "Server=sqldata;Database=Ordering;User Id=sa",
                c("sqldata", "Ordering", Some("sa")),
            ),
            (
                "Host=db;Port=5432;Username=cat;Database=catalog",
                c("db", "catalog", Some("cat")),
            ),
            (
                "host=postgres dbname=kitchen user=kitchen_user pool_max_conns=10",
                c("postgres", "kitchen", Some("kitchen_user")),
            ),
            (
                "jdbc:sqlserver://sql:1433;databaseName=ops;user=ops",
                c("sql", "ops", Some("ops")),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text), Some(want), "{text}");
        }
        let v = "postgresql://admin:s3cret@accounts-db:5432/accounts-db";
        let got = parse(v).expect("url");
        assert_eq!(
            (got.user.as_deref(), got.host.as_deref()),
            (Some("admin"), Some("accounts-db"))
        );
        let (s, e) = got.password.expect("password");
        assert_eq!(&v[s..e], "s3cret");
        let v = "Server=s;Database=d;User Id=u;Password= p@ss;";
        let (s, e) = parse(v).and_then(|c| c.password).expect("password");
        assert_eq!(&v[s..e], "p@ss");
        let v = "${CONN:-Server=sql;Database=d;User Id=sa;Password=pw}";
        let c = parse(v).expect("default");
        assert_eq!(
            (c.host.as_deref(), c.user.as_deref()),
            (Some("sql"), Some("sa"))
        );
        let (s, e) = c.password.expect("password");
        assert_eq!(&v[s..e], "pw");
        assert_eq!(parse("${CONN}"), None);
        let v = "host=h dbname=d user=u password=pw";
        let (s, e) = parse(v).and_then(|c| c.password).expect("password");
        assert_eq!(&v[s..e], "pw");
        for not in [
            "http://orders:8080/api",
            "hello world",
            "Server=x",
            "a=b;c=d",
            "jdbc:postgresql://${HOST}/x",
        ] {
            let p = parse(not);
            assert!(p.as_ref().is_none_or(|c| c.host.is_none()), "{not}: {p:?}");
        }
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
