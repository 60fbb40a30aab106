//! `shared-database-credentials`: a service's deployment configuration connects to
//! another service's database, or two services connect with the same database user
//! (or, when it names no user, the same connection string).
//!
//! What counts, precisely:
//! - A connection is a setting whose value is a connection string (URL, ADO.NET or
//!   libpq form: [`super::connection::parse`]), completed by the same unit's separate
//!   user, database and host settings (`SPRING_DATASOURCE_USERNAME`, `DB_USER`,
//!   `PGDATABASE`, `DB_HOST`, ...); without a connection string, those settings alone
//!   are one. Placeholders (`${DB_USER}`) name nothing.
//! - Only units that map to a registry service connect: a database container
//!   (compose `postgres` with `POSTGRES_USER`, a StatefulSet of the database) is shared
//!   infrastructure, not a service, and its settings are never a client's.
//! - Another service's database: the connection's database name (or its last dotted
//!   part: `Shop.Services.CatalogDb`), or its host, is the `database:` another service
//!   declares, and not the service's own.
//! - The same user: two services connect as the same user to the same server (hosts
//!   equal), or, when a host is unknown, to the same database. A loopback host
//!   (`localhost`, `127.0.0.1`, `host.docker.internal`) is unknown: it is a different
//!   machine in every deployment. The same user name on
//!   two different servers (each service's own `postgres` container) is not shared.
//! - The same connection string: identical values in two services, when they name
//!   no user (a user is compared as above).
//! - Every deployment file counts, local-development compose files included (the
//!   superuser every service shares in `docker-compose.yml` is the habit this rule
//!   is for); files of tests do not ([`super::is_test`]).
//!
//! A secret's value never reaches a finding: messages name keys, hosts and databases,
//! never a user or a password, and the text labels and fingerprints are computed from
//! is masked ([`super::mask`]).

use super::connection::{self, Conn};
use super::{Deployment, Setting};
use crate::model::finding::{Finding, LineIndex, Loc};
use crate::model::rules::Rule;
use crate::registry::{PathMap, Registry};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One service's connection: what it names and the settings that say so.
#[derive(Clone, Debug)]
struct Connection<'a> {
    service: usize,
    conn: Conn,
    /// The setting holding the connection string, or the first loose setting.
    at: &'a Setting,
    /// The setting naming the user (the connection string when it does).
    user_at: &'a Setting,
    /// The whole connection string, when there is one.
    string: Option<&'a str>,
}

fn norm(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// True for a key naming a database thing (`DB_USER`, `spring.datasource.username`,
/// `PGUSER`), by one of its `_`-separated words starting with a database word.
pub fn database_key(k: &str) -> bool {
    const WORDS: &[&str] = &[
        "DB",
        "DATABASE",
        "DATASOURCE",
        "POSTGRES",
        "PG",
        "MYSQL",
        "MARIADB",
        "MSSQL",
        "SQL",
        "R2DBC",
        "MONGO",
        "JDBC",
    ];
    k.split('_')
        .any(|part| WORDS.iter().any(|w| part.starts_with(w)))
}

fn is_user_key(k: &str) -> bool {
    let last = k.rsplit('_').next().unwrap_or(k);
    database_key(k)
        && (matches!(last, "USER" | "USERNAME" | "USERID" | "UID" | "LOGIN")
            || k.ends_with("USER_ID")
            || ["PGUSER", "DBUSER", "DBUSERNAME", "DATASOURCEUSERNAME"]
                .iter()
                .any(|s| last.ends_with(s)))
}

fn is_name_key(k: &str) -> bool {
    matches!(
        k,
        "POSTGRES_DB"
            | "POSTGRESQL_DATABASE"
            | "MYSQL_DATABASE"
            | "MARIADB_DATABASE"
            | "DB_NAME"
            | "DATABASE_NAME"
            | "PGDATABASE"
            | "SPRING_DATASOURCE_DATABASE"
    ) || k.ends_with("_DB_NAME")
        || k.ends_with("_DATABASE_NAME")
}

fn is_host_key(k: &str) -> bool {
    database_key(k)
        && ["HOST", "HOSTNAME", "SERVER", "ADDR"]
            .iter()
            .any(|s| k == format!("PG{s}") || k.ends_with(&format!("_{s}")))
}

/// The connections each unit mapped to a service is configured with.
fn connections<'a>(d: &'a Deployment, reg: &Registry, paths: &PathMap) -> Vec<Connection<'a>> {
    let mut out = Vec::new();
    for u in &d.units {
        let Some(service) = d.service_of(reg, paths, u) else {
            continue;
        };
        let settings = d.settings_of(u);
        let mut full: Vec<Connection> = Vec::new();
        let (mut users, mut names, mut hosts) = (Vec::new(), Vec::new(), Vec::new());
        for s in &settings {
            if let Some(conn) = connection::parse(&s.value)
                && (conn.host.is_some() || conn.database.is_some())
            {
                full.push(Connection {
                    service,
                    conn,
                    at: s,
                    user_at: s,
                    string: Some(&s.value),
                });
                continue;
            }
            let k = norm(&s.key);
            let Some(v) = connection::literal(&s.value) else {
                continue;
            };
            if is_user_key(&k) {
                users.push((v, *s));
            } else if is_name_key(&k) {
                names.push((v, *s));
            } else if is_host_key(&k) {
                hosts.push((v, *s));
            }
        }
        let one = |v: &Vec<(String, &'a Setting)>| -> Option<(String, &'a Setting)> {
            let first = v.first()?;
            v.iter().all(|(x, _)| *x == first.0).then(|| first.clone())
        };
        let (user, name, host) = (one(&users), one(&names), one(&hosts));
        // Without a connection string, the separate settings are one connection: the
        // user's, else the database name's.
        let loose = user
            .as_ref()
            .map(|(u, at)| (Some(u.clone()), name.as_ref().map(|n| n.0.clone()), *at))
            .or_else(|| name.as_ref().map(|(n, at)| (None, Some(n.clone()), *at)));
        if full.is_empty()
            && let Some((user, database, at)) = loose
        {
            let conn = Conn {
                host: host.as_ref().map(|h| h.0.clone()).filter(|h| !loopback(h)),
                database,
                user,
                password: None,
            };
            out.push(Connection {
                service,
                conn,
                at,
                user_at: at,
                string: None,
            });
        }
        for mut c in full {
            if c.conn.host.as_deref().is_some_and(loopback) {
                c.conn.host = None;
            }
            if c.conn.user.is_none()
                && let Some((u, at)) = &user
            {
                c.conn.user = Some(u.clone());
                c.user_at = at;
            }
            out.push(c);
        }
    }
    // A file read both as a unit of its own and through a compose `env_file` (or
    // one ConfigMap of several workloads of one service) is one connection.
    let mut seen = BTreeSet::new();
    out.retain(|c| {
        seen.insert((
            c.service,
            &c.at.path,
            c.at.key_at,
            &c.user_at.path,
            c.user_at.key_at,
        ))
    });
    out
}

/// True for a loopback host: it names a different machine in every deployment (a
/// developer's laptop, a proxy beside each pod), so it does not say which server.
fn loopback(host: &str) -> bool {
    let h = host.trim_matches(['[', ']']).to_ascii_lowercase();
    h == "localhost"
        || h.starts_with("127.")
        || h == "::1"
        || h == "0.0.0.0"
        || h == "host.docker.internal"
}

/// The `shared-database-credentials` findings of the deployment `d`.
pub fn check(d: &Deployment, reg: &Registry, paths: &PathMap) -> Vec<Finding> {
    let conns = connections(d, reg, paths);
    let mut out = Findings {
        d,
        indexes: HashMap::new(),
        masked: HashMap::new(),
        seen: BTreeSet::new(),
        list: Vec::new(),
    };
    // Another service's database.
    let mut owners: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, s) in reg.services.iter().enumerate() {
        if let Some(db) = s.database_key() {
            owners.entry(db).or_default().push(i);
        }
    }
    for c in &conns {
        let own = reg.services[c.service].database_key();
        // The database's name or its last dotted part (`Shop.Services.CatalogDb` is
        // `CatalogDb`), then the host's name.
        let database = c.conn.database.as_deref().map(str::to_lowercase);
        let last = database
            .as_deref()
            .and_then(|d| d.rsplit_once('.'))
            .map(|(_, l)| l.to_string());
        let host = c.conn.host.as_deref().map(str::to_lowercase);
        let candidates = [database, last, host].into_iter().flatten();
        for target in candidates {
            if own.as_deref() == Some(target.as_str()) {
                break;
            }
            let Some(others) = owners.get(&target) else {
                continue;
            };
            let svc = &reg.services[c.service].name;
            let names: Vec<&str> = others
                .iter()
                .map(|&o| reg.services[o].name.as_str())
                .collect();
            let db = reg.services[others[0]]
                .database
                .as_ref()
                .map_or(target.as_str(), |d| d.value.as_str());
            let mut f = Finding::new(
                Rule::SharedDatabaseCredentials,
                format!("{svc} is configured to connect to database `{db}`, the database of {}", names.join(", ")),
            )
            .help(format!(
                "a service reaches another service's data through its API or events, never with its database credentials: remove `{}` from {svc}'s configuration, or declare `database: {db}` for {svc} if the registry is wrong",
                c.at.key
            ))
            .service(svc.clone())
            .subject(format!("database:{target}"));
            for &o in others {
                if let Some(d) = &reg.services[o].database {
                    f = f.related(
                        &reg.file,
                        d.loc,
                        format!("the database of {}", reg.services[o].name),
                    );
                }
            }
            out.push(f, c.at, format!("`{}` connects to `{db}`", c.at.key));
            break;
        }
    }
    // The same user on the same server (or database), or the same connection string.
    for (i, a) in conns.iter().enumerate() {
        let mut shared_with: Vec<&Connection> = Vec::new();
        let mut by_string = false;
        for (j, b) in conns.iter().enumerate() {
            if i == j || a.service == b.service {
                continue;
            }
            if same_user(&a.conn, &b.conn) {
                shared_with.push(b);
            } else if a.conn.user.is_none()
                && b.conn.user.is_none()
                && a.string.is_some()
                && a.string == b.string
            {
                by_string = true;
                shared_with.push(b);
            }
        }
        if shared_with.is_empty() {
            continue;
        }
        let svc = &reg.services[a.service].name;
        let mut others: Vec<&str> = shared_with
            .iter()
            .map(|b| reg.services[b.service].name.as_str())
            .collect();
        others.sort_unstable();
        others.dedup();
        let place = match (&a.conn.host, &a.conn.database) {
            (Some(h), _) => format!("server `{h}`"),
            (None, Some(db)) => format!("database `{db}`"),
            (None, None) => "the same server".to_string(),
        };
        let (what, at, subject) = if by_string {
            (
                "the same connection string",
                a.at,
                format!(
                    "string:{}/{}",
                    a.conn.host.as_deref().unwrap_or(""),
                    a.conn.database.as_deref().unwrap_or("")
                ),
            )
        } else {
            (
                "the same database user",
                a.user_at,
                format!(
                    "user:{}@{}",
                    a.conn.user.as_deref().unwrap_or(""),
                    a.conn
                        .host
                        .as_deref()
                        .or(a.conn.database.as_deref())
                        .unwrap_or("")
                ),
            )
        };
        let mut f = Finding::new(
            Rule::SharedDatabaseCredentials,
            format!("{svc} connects to {place} with {what} as {}", others.join(", ")),
        )
        .help("give each service its own database user (and database), so that one service's credentials cannot read or change another's data; a service reaches another's data through its API or events")
        .service(svc.clone())
        .subject(subject);
        shared_with.sort_by_key(|b| (b.service, &b.user_at.path, b.user_at.key_at));
        shared_with.dedup_by(|x, y| {
            (x.service, &x.user_at.path, x.user_at.key_at)
                == (y.service, &y.user_at.path, y.user_at.key_at)
        });
        for b in shared_with {
            let loc = out.loc(b.user_at);
            f = f.related(
                &b.user_at.path,
                loc,
                format!("`{}` of {}", b.user_at.key, reg.services[b.service].name),
            );
        }
        let label = if by_string {
            format!("`{}`, the same connection string", at.key)
        } else {
            format!("`{}` names the user", at.key)
        };
        out.push(f, at, label);
    }
    out.list
}

/// Whether a `shared-database-credentials` finding concerns `database` (a database
/// or host name, as a registry exception names it).
pub fn concerns(f: &Finding, database: &str) -> bool {
    let db = database.to_lowercase();
    let names: Vec<String> = match f.subject.split_once(':') {
        Some(("database", d)) => vec![d.to_string()],
        Some(("user", rest)) => rest
            .rsplit_once('@')
            .map(|(_, h)| h.to_lowercase())
            .into_iter()
            .collect(),
        Some(("string", rest)) => rest.split('/').map(str::to_lowercase).collect(),
        _ => Vec::new(),
    };
    names.contains(&db)
}

/// Whether two connections use the same user: same user name, and the same host
/// (when both are known) or else the same database (when both are known).
fn same_user(a: &Conn, b: &Conn) -> bool {
    let (Some(ua), Some(ub)) = (&a.user, &b.user) else {
        return false;
    };
    if ua != ub {
        return false;
    }
    match (&a.host, &b.host) {
        (Some(ha), Some(hb)) => ha.eq_ignore_ascii_case(hb),
        _ => {
            matches!((&a.database, &b.database), (Some(da), Some(db)) if da.eq_ignore_ascii_case(db))
        }
    }
}

/// Findings being built, with each file's masked text and line index made once.
struct Findings<'a> {
    d: &'a Deployment,
    indexes: HashMap<&'a str, LineIndex>,
    masked: HashMap<&'a str, String>,
    seen: BTreeSet<(String, String, usize, String)>,
    list: Vec<Finding>,
}

impl<'a> Findings<'a> {
    fn text(&mut self, path: &'a str) -> &str {
        let d = self.d;
        self.masked.entry(path).or_insert_with(|| {
            d.texts
                .get(path)
                .map_or_else(String::new, |t| super::mask::secrets(path, t))
        })
    }

    fn loc(&mut self, s: &'a Setting) -> Loc {
        let text = self.text(&s.path).to_string();
        let index = self
            .indexes
            .entry(&s.path)
            .or_insert_with(|| LineIndex::new(&text));
        index.loc(&text, s.key_at.0, s.key_at.1 - s.key_at.0)
    }

    fn push(&mut self, f: Finding, at: &'a Setting, label: String) {
        let key = (
            f.service.clone().unwrap_or_default(),
            at.path.clone(),
            at.key_at.0,
            f.subject.clone(),
        );
        if !self.seen.insert(key) {
            return;
        }
        let text = self.text(&at.path).to_string();
        let index = self
            .indexes
            .entry(&at.path)
            .or_insert_with(|| LineIndex::new(&text));
        let f = f.at_indexed(
            &at.path,
            &text,
            index,
            at.key_at.0,
            at.key_at.1 - at.key_at.0,
            label,
        );
        self.list.push(f);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::deploy::{kind_of, read};

    /// A registry of `orders`, `payments` and `reporting` (each under
    /// `services/<name>`, with its own database) and the deployment of `files`.
    pub(crate) fn setup(files: &[(&str, &str)]) -> (Registry, Deployment) {
        let yaml = "services:\n  orders: {paths: [services/orders], database: orders}\n  payments: {paths: [services/payments], database: payments}\n  reporting: {paths: [services/reporting], database: reporting}\n";
        let reg = crate::registry::load_str(yaml, "data-ownership.yaml", ".".into())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut d = Deployment::default();
        for (rel, text) in files {
            let kind = kind_of(rel).unwrap_or_else(|| panic!("{rel}"));
            d.add(rel, read(kind, rel, text), text);
        }
        (reg, d)
    }

    /// Files of a repository: (path, text).
    type Files<'a> = &'a [(&'a str, &'a str)];

    fn flagged(files: &[(&str, &str)]) -> Vec<(String, String)> {
        let (reg, d) = setup(files);
        let paths = PathMap::new(&reg);
        check(&d, &reg, &paths)
            .into_iter()
            .map(|f| (f.service.unwrap_or_default(), f.message))
            .collect()
    }

    #[test]
    fn must_flag() {
        let cases: &[(&str, Files, &str, &str)] = &[
            (
                "another service's database by name",
                &[(
                    "services/reporting/application.properties",
                    "spring.datasource.url=jdbc:postgresql://pg/payments\n",
                )],
                "reporting",
                "database `payments`",
            ),
            (
                "another service's database by host",
                &[(
                    "services/reporting/.env",
                    "DATABASE_URL=postgres://r@payments/x\n",
                )],
                "reporting",
                "database `payments`",
            ),
            (
                "the same user on one server, URL and separate keys",
                &[
                    (
                        "services/orders/application.yml",
                        "spring:\n  datasource:\n    url: jdbc:mysql://mysql/orders\n    username: app\n",
                    ),
                    (
                        "services/payments/appsettings.json",
                        "{\"ConnectionStrings\": {\"Db\": \"Server=mysql;Database=payments;User Id=app;Password=x\"}}",
                    ),
                ],
                "orders",
                "same database user as payments",
            ),
            (
                "the same connection string without a user",
                &[
                    (
                        "services/orders/a.env",
                        "MONGO=mongodb://mongo:27017/shop\n",
                    ),
                    (
                        "services/payments/a.env",
                        "MONGO=mongodb://mongo:27017/shop\n",
                    ),
                ],
                "payments",
                "same connection string as orders",
            ),
            (
                "compose services by name, libpq form",
                &[(
                    "docker-compose.yml",
                    "services:\n  orders:\n    image: o\n    environment: {PG_CONN: host=pg dbname=o user=shared}\n  payments:\n    image: p\n    environment: [\"PG_CONN=host=pg dbname=p user=shared\"]\n",
                )],
                "payments",
                "same database user as orders",
            ),
        ];
        for (what, files, service, message) in cases {
            let got = flagged(files);
            assert!(
                got.iter().any(|(s, m)| s == service && m.contains(message)),
                "{what}: {got:?}"
            );
        }
    }

    #[test]
    fn must_not_flag() {
        let cases: &[(&str, Files)] = &[
            (
                "own database, own user",
                &[
                    (
                        "services/orders/a.env",
                        "DATABASE_URL=postgres://orders:x@pg/orders\n",
                    ),
                    (
                        "services/payments/a.env",
                        "DATABASE_URL=postgres://payments:x@pg/payments\n",
                    ),
                ],
            ),
            (
                "the same user name on different servers",
                &[
                    (
                        "services/orders/a.env",
                        "DATABASE_URL=postgres://postgres:x@orders-db/orders\n",
                    ),
                    (
                        "services/payments/a.env",
                        "DATABASE_URL=postgres://postgres:x@payments-db/payments\n",
                    ),
                ],
            ),
            (
                "loopback hosts with different databases",
                &[
                    (
                        "services/orders/a.env",
                        "DATABASE_URL=postgres://postgres:x@localhost/orders\n",
                    ),
                    (
                        "services/payments/a.env",
                        "DATABASE_URL=postgres://postgres:x@127.0.0.1/payments\n",
                    ),
                ],
            ),
            (
                "a database container is infrastructure",
                &[(
                    "docker-compose.yml",
                    "services:\n  db:\n    image: postgres\n    environment: {POSTGRES_USER: app, POSTGRES_DB: payments}\n  orders:\n    image: o\n    environment: {DB_URL: \"postgres://orders@db/orders\"}\n",
                )],
            ),
            (
                "placeholders name nothing",
                &[
                    ("services/orders/a.env", "DB_USER=${DB_USER}\nDB_HOST=pg\n"),
                    (
                        "services/payments/a.env",
                        "DB_USER=${DB_USER}\nDB_HOST=pg\n",
                    ),
                ],
            ),
            (
                "outside every service",
                &[("tools/a.env", "DATABASE_URL=postgres://x@pg/payments\n")],
            ),
        ];
        for (what, files) in cases {
            let got = flagged(files);
            assert!(got.is_empty(), "{what}: {got:?}");
        }
    }
}
