//! Java and Kotlin: JPA/Jakarta mappings, Spring JDBC, JDBC, jOOQ, Exposed and
//! MyBatis, `String.format`-built SQL, and imports.
//!
//! The lexing and the SQL-in-strings walk are shared with Go and C# in
//! [`clike`](super::clike); this module only names the JVM's sinks, log calls and
//! shapes. JPQL/HQL (`@Query` without `nativeQuery`, `createQuery`) names entities, not
//! tables, so its strings are skipped rather than analysed.

use super::clike::{self, Call, Dialect, FormatStyle, Rules, Sink, Source};
use super::sinks::{self, SinkKind};
use super::{Context, Extracted, sql};
use crate::model::{Access, AccessKind, TableRef};

/// `@Entity` without a table name maps the class name onto a table the file never
/// spells; the others name tables in mapping shapes (Exposed's `: Table("t")`).
pub const MARKERS: &[&str] = &[
    "@Entity",
    "@Table(",
    "@JoinTable(",
    "@CollectionTable(",
    "@SecondaryTable(",
    ": Table(",
    "IdTable(",
];

/// JPQL/HQL entry points: their strings name entities.
const JPQL: &[&str] = &[
    "createQuery",
    "createSelectionQuery",
    "createMutationQuery",
    "createNamedQuery",
];

/// Annotations whose value is SQL: Spring Data `@NativeQuery`, Hibernate
/// `@NamedNativeQuery`/`@Subselect`, MyBatis statements.
const SQL_ANNOTATIONS: &[&str] = &[
    "NativeQuery",
    "NamedNativeQuery",
    "Subselect",
    "Select",
    "Insert",
    "Update",
    "Delete",
];

/// JPA annotations that map onto a table by `name`.
const TABLE_ANNOTATIONS: &[&str] = &["Table", "CollectionTable", "JoinTable", "SecondaryTable"];

/// Exposed table objects: `object Orders : Table("orders")`.
const EXPOSED_TABLES: &[&str] = &[
    "Table",
    "IdTable",
    "IntIdTable",
    "LongIdTable",
    "UUIDTable",
    "UIntIdTable",
    "ULongIdTable",
    "CompositeIdTable",
];

/// Imports of the platform and of frameworks, which no service owns.
const PLATFORM: &[&str] = &[
    "java.",
    "javax.",
    "jakarta.",
    "kotlin.",
    "kotlinx.",
    "org.springframework.",
    "org.junit.",
    "org.slf4j.",
    "lombok.",
    "android.",
    "androidx.",
];

/// Modifiers and keywords that may stand between annotations and `class`.
const MODIFIERS: &[&str] = &[
    "public",
    "protected",
    "private",
    "internal",
    "abstract",
    "final",
    "open",
    "data",
    "sealed",
    "static",
    "strictfp",
];

struct Jvm(Dialect);

impl Rules for Jvm {
    fn dialect(&self) -> Dialect {
        self.0
    }

    fn kind(&self, src: &Source, call: &Call) -> Option<SinkKind> {
        let name = src.ident(call.name)?;
        let recv = call.recv.and_then(|r| src.ident(r));
        sinks::jvm(
            self.0 == Dialect::Kotlin,
            recv,
            name,
            call.new,
            call.annotation,
        )
    }

    fn sink(&self, src: &Source, call: &Call) -> Sink {
        let Some(name) = src.ident(call.name) else {
            return Sink::None;
        };
        if call.annotation {
            return match name {
                "Query" if native_query(src, call) => Sink::Sql,
                "Query" | "NamedQuery" => Sink::Skip,
                "Select" | "Insert" | "Update" | "Delete" => {
                    Sink::SqlTemplate(FormatStyle::MyBatis)
                }
                _ if SQL_ANNOTATIONS.contains(&name) => Sink::Sql,
                _ => Sink::None,
            };
        }
        if JPQL.contains(&name) {
            Sink::Skip
        } else if self.kind(src, call) == Some(SinkKind::Sql) {
            Sink::Sql
        } else {
            Sink::None
        }
    }

    fn shapes(&self, src: &Source, out: &mut Vec<Access>) {
        for i in 0..src.toks.len() {
            if src.is_word(i, "import")
                && (i == 0 || src.toks[i].nl_before || src.punct(i - 1) == ";")
            {
                out.extend(import(src, i));
            } else if src.is_word(i, "class") && !matches!(src.punct(i.wrapping_sub(1)), "." | "::")
            {
                out.extend(entity(src, i));
            } else if let Some(call) = src.call_at(i) {
                out.extend(call_shape(src, &call));
            }
        }
    }
}

/// Analyses a Java file with the constants the other files of its package define.
pub fn analyze_file_with(
    text: &str,
    ctx: &Context,
    known: Option<&super::values::Known>,
) -> Extracted {
    clike::run(&Jvm(Dialect::Java), text, ctx, known)
}

/// Analyses a Kotlin file with the constants the other files of its package define.
pub fn analyze_kotlin_file_with(
    text: &str,
    ctx: &Context,
    known: Option<&super::values::Known>,
) -> Extracted {
    clike::run(&Jvm(Dialect::Kotlin), text, ctx, known)
}

/// `@Query(.., nativeQuery = true)`.
fn native_query(src: &Source, call: &Call) -> bool {
    let args = src.args(call);
    src.arg_named(&args, &["nativeQuery"], None)
        .is_some_and(|a| a.end == a.start + 1 && src.is_word(a.start, "true"))
}

/// Table-naming calls: JPA annotations, jOOQ `table("t")`, Exposed `: Table("t")`.
fn call_shape(src: &Source, call: &Call) -> Option<Access> {
    let name = src.ident(call.name)?;
    if call.annotation && TABLE_ANNOTATIONS.contains(&name) {
        let args = src.args(call);
        // JPA uses `name`; Spring Data JDBC's `@Table("t")` uses `value`.
        let mut a = src.table_arg(
            &args,
            &["name", "value"],
            Some(0),
            (&["schema"], None),
            AccessKind::Model,
        )?;
        let catalog = src
            .arg_named(&args, &["catalog"], None)
            .and_then(|c| src.string_value(&c));
        if let (Some(c), crate::model::Target::Table(t)) = (catalog, &mut a.target) {
            t.database = Some(c);
        }
        return Some(a);
    }
    if call.annotation {
        return None;
    }
    if name == "table" && call.recv.is_none_or(|r| src.is_word(r, "DSL")) {
        // jOOQ: a plain-SQL `table("select ..")` is analysed as SQL elsewhere.
        let a = src.arg_named(&src.args(call), &[], Some(0))?;
        let b = src.build_arg(&a);
        if sql::looks_like_sql(b.emb.text()) {
            return None;
        }
        return src.table_in(a.start, a.end, AccessKind::Read);
    }
    if EXPOSED_TABLES.contains(&name)
        && call.name > 0
        && matches!(src.punct(call.name - 1), ":" | ",")
    {
        let args = src.args(call);
        return src.table_arg(&args, &["name"], Some(0), (&[], None), AccessKind::Model);
    }
    None
}

/// An annotation before a class: its name token and its arguments, if any.
struct Annotation {
    name: usize,
    call: Option<Call>,
}

/// The annotations in front of the `class` keyword at `c` (walking back over
/// modifiers, annotation arguments and qualified names; bounded).
fn annotations_before(src: &Source, c: usize) -> Vec<Annotation> {
    let mut out = Vec::new();
    let mut k = c;
    for _ in 0..128 {
        if k == 0 {
            break;
        }
        k -= 1;
        match src.punct(k) {
            ")" => match src.partner(k) {
                Some(o) if o < k => k = o,
                _ => break,
            },
            "@" => {
                // `@a.b.Name`, Kotlin `@field:Name`.
                let mut name = k + 1;
                for _ in 0..16 {
                    if matches!(src.punct(name + 1), "." | ":") && src.ident(name + 2).is_some() {
                        name += 2;
                    } else {
                        break;
                    }
                }
                if src.ident(name).is_some() {
                    out.push(Annotation {
                        name,
                        call: src.call_at(name),
                    });
                }
            }
            "." | ":" => {}
            // A modifier, or part of an annotation's (qualified) name; any other word
            // belongs to the previous declaration.
            _ => match src.ident(k) {
                Some(w) if MODIFIERS.contains(&w) => {}
                Some(_) if k > 0 && matches!(src.punct(k - 1), "@" | "." | ":") => {}
                _ => break,
            },
        }
    }
    out
}

/// `@Entity` without a table name: the class (or `@Entity(name = "X")`) name in
/// snake_case, the default of Spring Boot's naming strategy. Low confidence: a custom
/// naming strategy may map it differently.
fn entity(src: &Source, c: usize) -> Option<Access> {
    let class = c + 1;
    let class_name = src.ident(class)?;
    let annotations = annotations_before(src, c);
    let named = |n: &str| annotations.iter().find(|a| src.is_word(a.name, n));
    let entity = named("Entity")?;
    let table_args = named("Table")
        .and_then(|t| t.call)
        .map(|call| src.args(&call))
        .unwrap_or_default();
    if src
        .arg_named(&table_args, &["name", "value"], Some(0))
        .is_some()
    {
        // The `@Table` annotation names the table itself.
        return None;
    }
    let schema = src
        .arg_named(&table_args, &["schema"], None)
        .and_then(|s| src.string_value(&s));
    let entity_args = entity.call.map(|call| src.args(&call)).unwrap_or_default();
    let entity_name = src.arg_named(&entity_args, &["name"], Some(0));
    let (name, offset, len) = match entity_name.and_then(|a| Some((src.string_value(&a)?, a))) {
        Some((n, a)) => {
            let b = src.build_arg(&a);
            let probe = Access::table(AccessKind::Model, TableRef::bare(""), 0, b.emb.text().len());
            let at = b.emb.relocate(probe);
            (n, at.offset, at.len)
        }
        None => {
            let t = src.toks[class];
            (class_name.to_string(), t.start, t.end - t.start)
        }
    };
    let table = TableRef {
        database: None,
        schema,
        name: crate::lang::naming::snake_case(&name),
        quoted: false,
    };
    Some(Access::table(AccessKind::Model, table, offset, len).low())
}

/// `import a.b.C;`, `import static a.b.C.m;`, `import a.b.*;`, Kotlin `import a.b.C as
/// D`: the name as written, without `static` and the alias; a wildcard keeps its `.*`
/// (it means a whole package, a single name means one class), outside the label.
fn import(src: &Source, i: usize) -> Option<Access> {
    let mut k = i + 1;
    if src.is_word(k, "static") {
        k += 1;
    }
    let first = k;
    let (mut name, last) = src.dotted_name(first)?;
    let probe = format!("{name}.");
    if PLATFORM.iter().any(|p| probe.starts_with(p)) {
        return None;
    }
    if src.punct(last + 1) == "." && src.punct(last + 2) == "*" {
        name.push_str(".*");
    }
    Some(src.import_of(name, first, last))
}

#[cfg(test)]
mod tests;
