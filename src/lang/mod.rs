//! Language extractors: one module per language family, each a pure function from a
//! file's path and text to the [`Access`]es it contains.
//!
//! Extractors never see the registry. Adding a language is one new module and one line
//! in [`Language::of`] and [`extract`].

pub mod args;
pub mod brackets;
pub mod cargo_toml;
pub mod clike;
pub mod csharp;
pub mod embedded;
pub mod go;
pub mod java;
pub mod msbuild;
pub mod naming;

/// `rel` joined onto `dir` with `.` and `..` applied (`\` read as `/`); `None` when
/// it climbs out of the repository or is absolute.
pub fn join_path(dir: &str, rel: &str) -> Option<String> {
    let rel = rel.replace('\\', "/");
    if rel.starts_with('/') || rel.contains(':') {
        return None;
    }
    join_relative(dir, &rel)
}

/// `rel`, a relative path with `/` separators taken as written, joined onto `dir` with
/// `.` and `..` applied; `None` when it climbs out of the repository.
pub fn join_relative(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod precision_tests;
pub mod prisma;
pub mod python;
pub mod ruby;
pub mod rust;
pub mod script;
pub mod sinks;
pub mod sql;
pub mod typescript;
pub mod values;
pub mod view;

use crate::model::Access;

/// Hints from the registry about the file's service.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// The service's SQL dialect hint (`postgres`, `mysql`, `sqlite`, `generic`), tried
    /// first when parsing SQL.
    pub dialect: Option<String>,
}

/// Something an extractor could not make sense of: reported as a warning for the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Byte offset in the file where the problem was found.
    pub offset: usize,
    pub message: String,
}

/// A file that another file pulls in (`sqlx::query_file!("queries/x.sql")`): the
/// scanner reads it and reports its accesses at the including call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Follow {
    /// The path as written in the source.
    pub path: String,
    /// Byte range of the path literal in the including file.
    pub offset: usize,
    pub len: usize,
}

/// What an extractor found in one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extracted {
    pub accesses: Vec<Access>,
    pub problems: Vec<Problem>,
    pub follow: Vec<Follow>,
    /// The constants the file defines for its package and the names it could not
    /// fill (see [`values`]).
    pub values: values::Values,
    /// The extractor refused the whole file (NUL bytes, nesting too deep to parse
    /// safely, a manifest that does not parse): nothing in it was checked, so the
    /// scan counts it as skipped rather than parsed. Set through [`Extracted::refuse`].
    pub refused: bool,
}

impl Extracted {
    /// Records why the whole file is not analysed. A problem alone means "read with
    /// gaps"; a refusal means nothing was read, and the summary must not count the
    /// file as parsed.
    pub fn refuse(&mut self, problem: Problem) {
        self.refused = true;
        self.problems.push(problem);
    }
}

/// The languages ownlint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    Sql,
    Rust,
    CargoToml,
    /// TypeScript and JavaScript, including JSX/TSX and the module variants.
    TypeScript,
    Prisma,
    /// `.py` (not `.pyi`: stubs declare types and never run SQL).
    Python,
    /// `.rb`, `.rake` and `Rakefile` (rake tasks run SQL too; `Gemfile` names no tables).
    Ruby,
    Go,
    Java,
    Kotlin,
    CSharp,
    /// MSBuild project files (`.csproj`, `Directory.Build.props`): project references.
    MsBuild,
}

impl Language {
    /// Every language, in declaration order: `ALL[lang as usize] == lang`.
    pub const ALL: [Language; 12] = [
        Language::Sql,
        Language::Rust,
        Language::CargoToml,
        Language::TypeScript,
        Language::Prisma,
        Language::Python,
        Language::Ruby,
        Language::Go,
        Language::Java,
        Language::Kotlin,
        Language::CSharp,
        Language::MsBuild,
    ];

    /// The language of a file, from its name; `None` for files ownlint does not read.
    pub fn of(path: &str) -> Option<Language> {
        let name = crate::registry::paths::file_name(path);
        if name == "Cargo.toml" {
            return Some(Language::CargoToml);
        }
        if msbuild::is_project_file(name) {
            return Some(Language::MsBuild);
        }
        // The extension, lowercased in a buffer on the stack: this runs once per listed
        // file, and the longest extension that names a language ("prisma") has six
        // bytes, so a longer one names none.
        let mut buf = [0u8; 6];
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.as_bytes())
            .filter(|e| e.len() <= buf.len())
            .map(|e| {
                let lower = &mut buf[..e.len()];
                lower.copy_from_slice(e);
                lower.make_ascii_lowercase();
                &*lower
            });
        match ext {
            Some(b"sql") => Some(Language::Sql),
            Some(b"rs") => Some(Language::Rust),
            Some(b"ts" | b"tsx" | b"js" | b"jsx" | b"mjs" | b"cjs" | b"mts" | b"cts") => {
                Some(Language::TypeScript)
            }
            Some(b"prisma") if prisma::is_schema(path) => Some(Language::Prisma),
            Some(b"py") => Some(Language::Python),
            Some(b"rb" | b"rake") => Some(Language::Ruby),
            _ if name == "Rakefile" => Some(Language::Ruby),
            Some(b"go") => Some(Language::Go),
            Some(b"java") => Some(Language::Java),
            Some(b"kt" | b"kts") => Some(Language::Kotlin),
            Some(b"cs") => Some(Language::CSharp),
            _ => None,
        }
    }
}

/// The offset of the first `\n` in `b` at or after `from`, or `b.len()`: where a line
/// comment that starts at `from` ends.
pub(crate) fn line_end(b: &[u8], from: usize) -> usize {
    (b.get(from..))
        .and_then(|rest| memchr::memchr(b'\n', rest))
        .map_or(b.len(), |p| from + p)
}

/// Which bytes continue an identifier: ASCII letters and digits, `_`, every byte of a
/// non-ASCII character, and `extra`. A table, because lexers ask it of nearly every
/// byte of a name.
pub(crate) const fn ident_bytes(extra: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
        c += 1;
    }
    let mut k = 0;
    while k < extra.len() {
        t[extra[k] as usize] = true;
        k += 1;
    }
    t
}

/// The prefilter markers of the extractor of `lang`: strings whose presence means a
/// file may name a table in a shape the registry does not know. SQL's
/// ([`sql::MARKERS`]) count in files of every language, which embed SQL in strings;
/// these only in files of `lang`, whose extractor is the one that reads them (a Go
/// `TableName()` in a Python file keeps nothing for the Python extractor to find).
pub fn markers(lang: Language) -> &'static [&'static str] {
    match lang {
        Language::Sql | Language::CargoToml => &[],
        Language::Rust => rust::MARKERS,
        Language::TypeScript => typescript::MARKERS,
        Language::Prisma => prisma::MARKERS,
        Language::Python => python::MARKERS,
        Language::Ruby => ruby::MARKERS,
        Language::Go => go::MARKERS,
        Language::Java | Language::Kotlin => java::MARKERS,
        Language::CSharp => csharp::MARKERS,
        Language::MsBuild => msbuild::MARKERS,
    }
}

use crate::model::Ecosystem;

/// The package ecosystem a language's imports resolve in.
pub fn ecosystem(lang: Language) -> Option<Ecosystem> {
    match lang {
        Language::Sql => None,
        Language::Rust | Language::CargoToml => Some(Ecosystem::Cargo),
        Language::TypeScript => Some(Ecosystem::Npm),
        Language::Python => Some(Ecosystem::Python),
        Language::Go => Some(Ecosystem::Go),
        Language::Java | Language::Kotlin => Some(Ecosystem::Jvm),
        Language::Prisma | Language::Ruby | Language::CSharp | Language::MsBuild => None,
    }
}

/// Runs the extractor for `lang` over one file.
pub fn extract(lang: Language, path: &str, text: &str, ctx: &Context) -> Extracted {
    extract_with(lang, path, text, ctx, None)
}

/// Runs the extractor for `lang` over one file, with the constants other files of its
/// package define (see [`values`]; Go, Java, Kotlin, C#, TypeScript, Rust and Python
/// use them).
pub fn extract_with(
    lang: Language,
    path: &str,
    text: &str,
    ctx: &Context,
    known: Option<&values::Known>,
) -> Extracted {
    match lang {
        Language::Sql => sql::analyze_file(path, text, ctx),
        Language::Rust => rust::extract_with(path, text, ctx, known),
        Language::CargoToml => cargo_toml::extract(path, text),
        Language::TypeScript => typescript::extract_with(path, text, ctx, known),
        Language::Prisma => prisma::extract(path, text, ctx),
        Language::Python => python::extract_with(path, text, ctx, known),
        Language::Ruby => ruby::extract(path, text, ctx),
        Language::Go => go::analyze_file_with(text, ctx, known),
        Language::Java => java::analyze_file_with(text, ctx, known),
        Language::Kotlin => java::analyze_kotlin_file_with(text, ctx, known),
        Language::CSharp => csharp::analyze_file_with(text, ctx, known),
        Language::MsBuild => msbuild::extract(path, text),
    }
}

/// A seeded xorshift generator: the randomized tests are the same on every run.
#[cfg(test)]
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

/// The table accesses among `accesses` as rows a test compares whole: kind, table,
/// the slice of `text` they cover, and where a filled-in name came from.
#[cfg(test)]
pub(crate) fn table_rows<'t>(
    accesses: &[Access],
    text: &'t str,
) -> Vec<(
    crate::model::AccessKind,
    String,
    &'t str,
    Option<crate::model::Place>,
)> {
    accesses
        .iter()
        .filter_map(|a| match &a.target {
            crate::model::Target::Table(t) => Some((
                a.kind,
                t.name.clone(),
                &text[a.offset..a.offset + a.len],
                a.origin.as_ref().map(|o| o.place),
            )),
            crate::model::Target::Import(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_in_declaration_order() {
        for (i, lang) in Language::ALL.iter().enumerate() {
            assert_eq!(*lang as usize, i, "{lang:?}");
        }
    }

    /// The extension is compared without regard to case, and one longer than any
    /// language's (read in a fixed buffer) names no language.
    #[test]
    fn language_of_extensions_in_any_case() {
        let cases = [
            ("db/001_init.SQL", Some(Language::Sql)),
            ("src/Main.Rs", Some(Language::Rust)),
            ("web/App.TSX", Some(Language::TypeScript)),
            ("svc/Handler.Go", Some(Language::Go)),
            ("svc/Order.JAVA", Some(Language::Java)),
            ("svc/build.gradle.KTS", Some(Language::Kotlin)),
            ("svc/Program.CS", Some(Language::CSharp)),
            ("db/schema.prisma", Some(Language::Prisma)),
            ("db/dump.sqlite3", None),
            ("notes.typescript", None),
            ("README", None),
            ("dir.sql/README", None),
            (".sql", Some(Language::Sql)),
        ];
        for (path, want) in cases {
            assert_eq!(Language::of(path), want, "{path}");
        }
    }

    /// Every path on which an extractor gives up on the whole file says so, and a
    /// file read with gaps does not: the scan counts the first kind as skipped.
    #[test]
    fn whole_file_refusals_are_marked_as_refused() {
        let deep = format!(
            "fn f() {{ let x = {}1{}; }}\n",
            "(".repeat(300),
            ")".repeat(300)
        );
        let refused = [
            (Language::Sql, "q.sql", "SELECT 1;\n\0\0".to_string()),
            (Language::Rust, "a.rs", deep),
            (
                Language::Rust,
                "b.rs",
                "fn f() { \"unterminated }\n".to_string(),
            ),
            (Language::CargoToml, "Cargo.toml", "[package\n".to_string()),
        ];
        for (lang, path, text) in &refused {
            let got = extract(*lang, path, text, &Context::default());
            assert!(got.refused, "{path}: {got:?}");
            assert!(
                !got.problems.is_empty(),
                "{path}: a refusal without a reason"
            );
        }
        let with_gaps = [
            (
                Language::Sql,
                "q.sql",
                "SELECT * FROM t;\nSELECT 'never closed\n",
            ),
            (Language::Rust, "a.rs", "struct S<T: +> { a: T }\n"),
            (Language::TypeScript, "a.ts", "const q = `never closed"),
            (
                Language::Prisma,
                "s.prisma",
                "model A { x String @default(\"open\n}\n",
            ),
            (Language::Go, "a.go", "package m\nconst x = `never closed"),
        ];
        for (lang, path, text) in with_gaps {
            let got = extract(lang, path, text, &Context::default());
            assert!(
                !got.problems.is_empty(),
                "{path}: no problem for broken input"
            );
            assert!(!got.refused, "{path}: read with gaps, yet refused: {got:?}");
        }
    }

    #[test]
    fn identifier_bytes() {
        let table = ident_bytes(b"$");
        for b in 0..=255u8 {
            let expected = b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
            assert_eq!(table[usize::from(b)], expected, "byte {b:#04x}");
        }
        assert!(!ident_bytes(b"")[usize::from(b'$')]);
    }
}
