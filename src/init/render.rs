//! The proposal as a registry: YAML, with a comment for every decision a person may
//! want to revisit (why a directory is a service, where a database name came from,
//! who else defines a table, what was left out and why).

use super::tables::{Adoption, Decision};
use super::{DatabaseChoice, Proposal};

/// The registry's JSON Schema, as the README's example registry names it.
const SCHEMA_URL: &str =
    "https://raw.githubusercontent.com/ownlint/ownlint/main/schemas/data-ownership.schema.json";

impl Proposal {
    /// The registry text.
    pub fn render(&self) -> String {
        let decisions = self.decisions();
        let n = self.services.len();
        let mut owned: Vec<Vec<String>> = vec![Vec::new(); n];
        let mut undecided: Vec<Vec<String>> = vec![Vec::new(); n];
        let mut header: Vec<String> = Vec::new();
        let mut outside: Vec<String> = Vec::new();
        for (table, d) in &decisions {
            let sites = &self.tables[*table];
            let view = if self.views.contains(*table) {
                "a view; "
            } else {
                ""
            };
            let entry = |note: String| {
                let note = format!("{view}{note}");
                if note.is_empty() {
                    format!("- {}", scalar(table))
                } else {
                    format!("- {}  # {}", scalar(table), note.trim_end_matches("; "))
                }
            };
            match d {
                Decision::Owned { owner, others } => {
                    let note = if others.is_empty() {
                        String::new()
                    } else {
                        let who: Vec<String> = others
                            .iter()
                            .map(|&s| self.claim(s, &sites[&Some(s)]))
                            .collect();
                        format!(
                            "also {}: check that `{}` owns it",
                            who.join("; "),
                            self.services[*owner].name
                        )
                    };
                    owned[*owner].push(entry(note));
                }
                Decision::Each { owners } => {
                    for &s in owners {
                        let others: Vec<&str> = owners
                            .iter()
                            .filter(|&&o| o != s)
                            .map(|&o| self.services[o].name.as_str())
                            .collect();
                        owned[s].push(entry(format!(
                            "also created by {}, each in its own database",
                            others.join(", ")
                        )));
                    }
                }
                Decision::Adopted { owner, reason } => {
                    let site = &sites[&None];
                    let name = &self.services[*owner].name;
                    let why = match reason {
                        Adoption::OnlyUser => format!("only `{name}` uses it"),
                        Adoption::Named => format!("its schema or path names `{name}`"),
                    };
                    owned[*owner].push(entry(format!(
                        "{} outside every service ({}:{}); {why}",
                        site.evidence.verb(),
                        site.path,
                        site.line,
                    )));
                }
                Decision::Undecided { candidates } => {
                    let names: Vec<&str> = candidates
                        .iter()
                        .map(|&s| self.services[s].name.as_str())
                        .collect();
                    header.push(format!(
                        "#   {table}: {}",
                        candidates
                            .iter()
                            .map(|&s| self.claim(s, &sites[&Some(s)]))
                            .collect::<Vec<_>>()
                            .join("; ")
                    ));
                    for &s in candidates {
                        let rivals: Vec<&str> = names
                            .iter()
                            .copied()
                            .filter(|n| *n != self.services[s].name)
                            .collect();
                        undecided[s].push(format!(
                            "# - {}  # undecided: also claimed by {}; uncomment it under one service",
                            scalar(table),
                            rivals.join(", ")
                        ));
                    }
                }
                Decision::Outside => {
                    let site = &sites[&None];
                    let users = self.users_of(table);
                    outside.push(format!(
                        "#   {table}: {} in {}:{}{}",
                        site.evidence.verb(),
                        site.path,
                        site.line,
                        if users.is_empty() {
                            "; no service uses it".to_string()
                        } else {
                            format!("; used by {}", users.join(", "))
                        }
                    ));
                }
            }
        }

        let mut y = String::new();
        // Editors with the YAML language server complete and check the file.
        y.push_str("# yaml-language-server: $schema=");
        y.push_str(SCHEMA_URL);
        y.push('\n');
        y.push_str(
            "# data-ownership.yaml, proposed by `ownlint init`: which service owns which tables.\n\
             # A service is a directory that is deployed or runs (a Dockerfile, a compose build,\n\
             # an entry point, migrations); each table is owned by the service whose migrations\n\
             # create it (or, failing that, whose models map it). API reads and events are\n\
             # the ones `check` sees in the code and deployment configuration, each with where\n\
             # it was first seen: add the endpoints and what it cannot see, then run\n\
             # `ownlint validate` and `ownlint check`.\n",
        );
        if !self.left.is_empty() {
            y.push_str(
                "#\n# Left outside every service (shared code has no tables of its own to own):\n",
            );
            for l in &self.left {
                y.push_str(&comment(&format!("#   {}: {}", l.path, l.why)));
            }
        }
        if !header.is_empty() {
            y.push_str("#\n# To decide (claimed by several services, so owned by none yet):\n");
            for h in &header {
                y.push_str(&comment(h));
            }
        }
        if !outside.is_empty() {
            y.push_str("#\n# To decide: created only outside every service (add each to its owner's `owns`):\n");
            for o in &outside {
                y.push_str(&comment(o));
            }
        }
        y.push_str("version: 1\n\nservices:\n");
        for (i, s) in self.services.iter().enumerate() {
            y.push_str(&format!("  # {}\n", comment_text(&s.why)));
            y.push_str(&format!("  {}:\n", scalar(&s.name)));
            let paths: Vec<String> = s.paths.iter().map(|p| scalar(p)).collect();
            y.push_str(&format!("    paths: [{}]\n", paths.join(", ")));
            if !s.runs {
                let public: Vec<String> = s
                    .paths
                    .iter()
                    .filter(|p| !s.migrators.contains(p))
                    .map(|p| scalar(p))
                    .collect();
                y.push_str(&format!(
                    "    public: [{}]  # nothing in it runs: the programs that use its schema compile against its code\n",
                    public.join(", ")
                ));
            } else if !s.api.is_empty() {
                for (target, why) in &s.shown {
                    y.push_str(&format!(
                        "    # {}: {}\n",
                        comment_text(target),
                        comment_text(why)
                    ));
                }
                let api: Vec<String> = s.api.iter().map(|p| scalar(p)).collect();
                y.push_str(&format!(
                    "    public: [{}]  # its published API: other services compile against it\n",
                    api.join(", ")
                ));
            }
            match self.databases.get(i) {
                Some(DatabaseChoice::One(name, at)) => y.push_str(&format!(
                    "    database: {}  # {}\n",
                    scalar(name),
                    comment_text(&format!("named in {at}"))
                )),
                Some(DatabaseChoice::Several(names)) => {
                    let list: Vec<String> =
                        names.iter().map(|(n, at)| format!("{n} ({at})")).collect();
                    y.push_str(&format!(
                        "    # database: one of {}: its configuration names several\n",
                        comment_text(&list.join(", "))
                    ));
                }
                _ => {}
            }
            for (name, at, others) in self.shared_databases.get(i).into_iter().flatten() {
                let others: Vec<String> = others
                    .iter()
                    .filter_map(|&o| self.services.get(o))
                    .map(|o| format!("`{}`", o.name))
                    .collect();
                y.push_str(&format!(
                    "    # not proposed: database {} ({}), which {} connect to as well: a database several services share is no one service's own\n",
                    comment_text(name),
                    comment_text(&at.to_string()),
                    comment_text(&others.join(", "))
                ));
            }
            if let Some(Some((schema, at))) = self.schemas.get(i) {
                y.push_str(&format!(
                    "    schema: {}  # {}\n",
                    scalar(schema),
                    comment_text(&format!(
                        "every table its code creates is in this schema ({at})"
                    ))
                ));
            }
            if owned[i].is_empty() {
                y.push_str("    owns: []\n");
            } else {
                y.push_str("    owns:\n");
                for line in &owned[i] {
                    y.push_str(&format!("      {}", comment(line)));
                }
            }
            for line in &undecided[i] {
                y.push_str(&format!("      {}", comment(line)));
            }
            self.render_observed(i, &mut y);
        }
        if !header.is_empty() || !outside.is_empty() {
            y.push_str(PENDING_AS_WARNINGS);
        }
        y
    }

    /// Service `i`'s `reads_from_apis`, `publishes_events` and `consumes_events` as
    /// `check`'s scan observed them, each with where it was first seen, then the
    /// events left out and why.
    fn render_observed(&self, i: usize, y: &mut String) {
        let o = &self.observed;
        let seen = |e: &super::observed::Entry| comment_text(&format!("{} ({})", e.at, e.how));
        if let Some(reads) = o.reads.get(i).filter(|r| !r.is_empty()) {
            y.push_str("    reads_from_apis:\n");
            for e in reads {
                y.push_str(&format!(
                    "      - {}: []  # called at {}\n",
                    scalar(&e.name),
                    seen(e)
                ));
            }
        }
        for (key, list) in [
            ("publishes_events", &o.publishes),
            ("consumes_events", &o.consumes),
        ] {
            if let Some(list) = list.get(i).filter(|l| !l.is_empty()) {
                y.push_str(&format!("    {key}:\n"));
                for e in list {
                    y.push_str(&format!(
                        "      - {}  # seen at {}\n",
                        scalar(&e.name),
                        seen(e)
                    ));
                }
            }
        }
        for (e, why) in o.left.get(i).into_iter().flatten() {
            y.push_str(&format!(
                "    # event {}: {why} ({})\n",
                comment_text(&scalar(&e.name)),
                seen(e)
            ));
        }
    }

    /// `mapped by `orders` (services/orders/src/schema.rs:9)`.
    fn claim(&self, service: usize, site: &super::tables::Site) -> String {
        format!(
            "{} by `{}` ({}:{})",
            site.evidence.verb(),
            self.services[service].name,
            site.path,
            site.line
        )
    }

    /// The names of the services whose code reads or writes `table`.
    fn users_of(&self, table: &str) -> Vec<String> {
        let bare = table.rsplit('.').next().unwrap_or(table).to_lowercase();
        self.used_by
            .get(&bare)
            .map(|u| {
                u.iter()
                    .map(|&s| format!("`{}`", self.services[s].name))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Appended when tables are left to decide: `check` reports each of them as
/// `unowned-table` until a person gives it an owner, which is the proposal's known,
/// listed work rather than a violation, so it is a warning (still reported, never
/// hidden) until then; the team deletes the override once every table has an owner.
const PENDING_AS_WARNINGS: &str = "\n\
# The tables listed above as to decide have no owner yet: `check` reports each as
# `unowned-table`, a warning until this is deleted. Delete it once every table has an
# owner, so that a new table without one fails the check again.
rules:
  unowned-table: warning
";

/// Text that stays on one comment line and prints as it reads: control characters,
/// line separators and bidirectional controls (from file names) become `?`.
fn comment_text(s: &str) -> String {
    s.chars()
        .map(|c| {
            if crate::report::escape::is_unsafe(c) {
                '?'
            } else {
                c
            }
        })
        .collect()
}

/// A comment line, ended.
fn comment(line: &str) -> String {
    let mut s = comment_text(line);
    s.push('\n');
    s
}

/// A YAML scalar for a name or path: plain when that reads back as the same string,
/// else double-quoted (JSON string syntax is valid YAML).
pub fn scalar(s: &str) -> String {
    let plain = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '$'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        // JSON escapes control characters; `escape::json` also the line separators
        // and bidirectional controls serde_json leaves raw (`\u202e` is a YAML escape
        // too), so a name from a file path cannot reorder the printed proposal.
        let quoted = serde_json::Value::String(s.to_string()).to_string();
        String::from_utf8_lossy(&crate::report::escape::json(quoted.as_bytes())).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_comments_from_paths_print_as_they_read() {
        let name = "orders\u{202e}lqs.\u{2028}x";
        let quoted = scalar(name);
        assert!(quoted.is_ascii(), "{quoted}");
        let back: String = serde_saphyr::from_str(&quoted).expect("a YAML scalar");
        assert_eq!(back, name);
        assert_eq!(comment_text("a\u{202e}b\nc\u{2066}"), "a?b?c?");
    }
}
