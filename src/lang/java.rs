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
        name: clike::snake_case(&name),
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
mod tests {
    use super::*;
    use crate::model::Confidence;

    fn run_java(text: &str) -> Extracted {
        analyze_file_with(text, &Context::default(), None)
    }

    fn run_kt(text: &str) -> Extracted {
        analyze_kotlin_file_with(text, &Context::default(), None)
    }

    /// (kind, qualified name, text at the access's offset, confidence).
    fn found(r: &Extracted, text: &str) -> Vec<(AccessKind, String, String, Confidence)> {
        crate::lang::clike::described(r, text)
    }

    /// Java and Kotlin cases: (source, kotlin?, kind, name, text at offset).
    type Case<'a> = (&'a str, bool, AccessKind, &'a str, &'a str);

    fn check(cases: &[Case]) {
        for (src, kt, kind, name, at) in cases {
            let r = if *kt { run_kt(src) } else { run_java(src) };
            let f = found(&r, src);
            assert!(
                f.iter()
                    .any(|(k, n, a, _)| k == kind && n == name && a == at),
                "{src:?}: expected {kind:?} {name} at {at:?}, got {f:?}"
            );
        }
    }

    #[test]
    fn mappings_flag() {
        use AccessKind::*;
        check(&[
            (
                "@Entity\n@Table(name = \"orders\")\npublic class Order {}",
                false,
                Model,
                "orders",
                "orders",
            ),
            (
                "@Entity @Table(name = \"invoices\", schema = \"billing\") class Invoice {}",
                false,
                Model,
                "billing.invoices",
                "invoices",
            ),
            (
                "@javax.persistence.Table(name=\"orders\") class O {}",
                false,
                Model,
                "orders",
                "orders",
            ),
            (
                "@Table(\"orders\") class O {}",
                false,
                Model,
                "orders",
                "orders",
            ),
            (
                "@Table(name = \"\\\"Order\\\"\") class O {}",
                false,
                Model,
                "Order",
                "Order",
            ),
            (
                "class O { @ElementCollection @CollectionTable(name = \"order_tags\") Set<String> tags; }",
                false,
                Model,
                "order_tags",
                "order_tags",
            ),
            (
                "class O { @ManyToMany @JoinTable(name = \"order_coupons\", joinColumns = @JoinColumn(name = \"order_id\")) Set<Coupon> c; }",
                false,
                Model,
                "order_coupons",
                "order_coupons",
            ),
            (
                "@Entity @SecondaryTable(name=\"order_details\") class O {}",
                false,
                Model,
                "order_details",
                "order_details",
            ),
            (
                "@Entity\npublic class OrderItem {}",
                false,
                Model,
                "order_item",
                "OrderItem",
            ),
            (
                "@Entity(name = \"PurchaseOrder\")\npublic class Order {}",
                false,
                Model,
                "purchase_order",
                "PurchaseOrder",
            ),
            (
                "@Entity @Table(schema = \"sales\") public class Order {}",
                false,
                Model,
                "sales.order",
                "Order",
            ),
            (
                "class T { static final String T = \"orders\"; }\n@Table(name = T) class O {}",
                false,
                Model,
                "orders",
                "T",
            ),
            (
                "@Entity\n@Table(name = \"orders\")\ndata class Order(val id: Long)",
                true,
                Model,
                "orders",
                "orders",
            ),
            (
                "@Entity\nopen class OrderLine(val id: Long)",
                true,
                Model,
                "order_line",
                "OrderLine",
            ),
            (
                "class O { @field:JoinTable(name = \"order_coupons\") val c: Set<Coupon> = setOf() }",
                true,
                Model,
                "order_coupons",
                "order_coupons",
            ),
            (
                "object Orders : Table(\"orders\") { val id = integer(\"id\") }",
                true,
                Model,
                "orders",
                "orders",
            ),
            (
                "object Orders : LongIdTable(\"orders\")",
                true,
                Model,
                "orders",
                "orders",
            ),
            (
                "class R { Table<?> t = DSL.table(\"orders\"); }",
                false,
                Read,
                "orders",
                "orders",
            ),
            (
                "val t = table(\"billing.invoices\")",
                true,
                Read,
                "billing.invoices",
                "invoices",
            ),
            (
                "import com.acme.orders.model.Order;",
                false,
                Import,
                "com.acme.orders.model.Order",
                "com.acme.orders.model.Order",
            ),
            (
                "import com.acme.orders.model.*;",
                false,
                Import,
                "com.acme.orders.model.*",
                "com.acme.orders.model",
            ),
            (
                "import static com.acme.orders.Util.parse;",
                false,
                Import,
                "com.acme.orders.Util.parse",
                "com.acme.orders.Util.parse",
            ),
            (
                "package x\nimport com.acme.orders.model.Order as O\n",
                true,
                Import,
                "com.acme.orders.model.Order",
                "com.acme.orders.model.Order",
            ),
        ]);
    }

    #[test]
    fn entity_confidence_is_low_and_tables_high() {
        let r = run_java("@Entity class Order {}\n@Entity @Table(name = \"x\") class X {}");
        let c: Vec<Confidence> = r.accesses.iter().map(|a| a.confidence).collect();
        assert_eq!(c, vec![Confidence::Low, Confidence::High]);
    }

    #[test]
    fn mappings_that_do_not_flag() {
        let cases: &[(&str, bool)] = &[
            (
                "import java.util.List;\nimport jakarta.persistence.Entity;\nimport org.springframework.stereotype.Repository;",
                false,
            ),
            (
                "import kotlin.collections.List\nimport kotlinx.coroutines.flow.Flow",
                true,
            ),
            // Not an entity.
            ("@Service public class OrderService {}", false),
            ("@Embeddable class Address {}", false),
            ("val k = Order::class\nval j = Order::class.java", true),
            // `@Table` without a name and without `@Entity`.
            (
                "@Table(indexes = @Index(columnList = \"a\")) class X {}",
                false,
            ),
            // jOOQ names are not tables; a table built at run time is not guessed.
            (
                "class R { Name n = DSL.name(\"orders\"); Table<?> t = DSL.table(name); }",
                false,
            ),
            // Comments, Javadoc, prose.
            (
                "/** @Entity @Table(name = \"orders\") */ class X {}\n// @Table(name = \"orders\")",
                false,
            ),
            (
                "class X { String help = \"use @Table(name = orders)\"; }",
                false,
            ),
            // Identifiers named like tables.
            (
                "class X { List<Order> orders; int invoices = orders.size(); }",
                false,
            ),
        ];
        for (src, kt) in cases {
            let r = if *kt { run_kt(src) } else { run_java(src) };
            assert!(r.accesses.is_empty(), "{src:?}: {:?}", found(&r, src));
        }
    }

    #[test]
    fn sql_in_strings() {
        use AccessKind::*;
        check(&[
            (
                "class R { void f() { jdbcTemplate.query(\"SELECT id FROM orders WHERE id = ?\", mapper, id); } }",
                false,
                Read,
                "orders",
                "orders",
            ),
            (
                "class R { void f() { jdbc.update(\"UPDATE carts SET total = ?\", t); } }",
                false,
                Write,
                "carts",
                "carts",
            ),
            (
                "class R { void f() { namedParameterJdbcTemplate.queryForList(\"SELECT * FROM invoices\", params); } }",
                false,
                Read,
                "invoices",
                "invoices",
            ),
            (
                "class R { void f() { conn.prepareStatement(\"DELETE FROM sessions WHERE id = ?\"); } }",
                false,
                Write,
                "sessions",
                "sessions",
            ),
            (
                "class R { void f() { st.executeQuery(\"SELECT 1 FROM orders\"); } }",
                false,
                Read,
                "orders",
                "orders",
            ),
            (
                "class R { void f() { em.createNativeQuery(\"SELECT * FROM payments\"); } }",
                false,
                Read,
                "payments",
                "payments",
            ),
            (
                "class R { void f() { jdbcTemplate.query(\"SELECT o.id \" +\n \"FROM orders o JOIN order_items i ON i.order_id = o.id\", m); } }",
                false,
                Read,
                "order_items",
                "order_items",
            ),
            (
                "interface R { @Query(value = \"SELECT * FROM orders WHERE status = ?1\", nativeQuery = true) List<Order> f(String s); }",
                false,
                Read,
                "orders",
                "orders",
            ),
            (
                "class R { private static final String T = \"restaurants\";\n void f() { jdbc.query(String.format(\"SELECT * FROM %s WHERE id = ?\", T), m); } }",
                false,
                Read,
                "restaurants",
                "T",
            ),
            (
                "class R { String q = \"\"\"\n    SELECT id\n    FROM orders\n    \"\"\"; }",
                false,
                Read,
                "orders",
                "orders",
            ),
            (
                "const val T = \"restaurants\"\nfun f() { jdbc.query(\"SELECT * FROM ${T} WHERE id = ?\", m) }",
                true,
                Read,
                "restaurants",
                "T",
            ),
            (
                "const val T = \"restaurants\"\nfun f() { jdbc.update(\"DELETE FROM $T WHERE id = ?\", id) }",
                true,
                Write,
                "restaurants",
                "T",
            ),
            (
                "fun f() { jdbc.query(\"\"\"\n  SELECT *\n  FROM orders\n\"\"\".trimIndent(), m) }",
                true,
                Read,
                "orders",
                "orders",
            ),
            (
                "const val T = \"restaurants\"\nfun f() = jdbc.query(\"SELECT * FROM %s\".format(T), m)",
                true,
                Read,
                "restaurants",
                "T",
            ),
            (
                "class R { static final String T = \"restaurants\";\n void f() { jdbc.update(\"DELETE FROM %s\".formatted(T)); } }",
                false,
                Write,
                "restaurants",
                "T",
            ),
            (
                "class M { @Select(\"SELECT * FROM orders WHERE id = #{id}\") Order get(long id); }",
                false,
                Read,
                "orders",
                "orders",
            ),
        ]);
    }

    #[test]
    fn sql_traps_do_not_flag() {
        let cases: &[(&str, bool)] = &[
            // JPQL names entities.
            (
                "interface R { @Query(\"SELECT o FROM Order o WHERE o.status = ?1\") List<Order> f(String s); }",
                false,
            ),
            (
                "class R { void f() { em.createQuery(\"DELETE FROM orders o\").executeUpdate(); } }",
                false,
            ),
            // Logs and prints.
            (
                "class R { void f() { log.info(\"SELECT * FROM orders took {}\", ms); } }",
                false,
            ),
            (
                "class R { void f() { LOGGER.warn(\"DELETE FROM orders\"); } }",
                false,
            ),
            (
                "class R { void f() { System.out.println(\"SELECT * FROM orders\"); } }",
                false,
            ),
            ("fun f() { println(\"SELECT * FROM orders\") }", true),
            (
                "fun f() { logger.debug { \"SELECT * FROM orders\" } }",
                true,
            ),
            // Comments.
            (
                "class R { /* SELECT * FROM orders */ // DELETE FROM orders\n }",
                false,
            ),
            (
                "/* outer /* nested */ SELECT * FROM orders */ class K",
                true,
            ),
            // A column named like a table.
            (
                "class R { void f() { jdbc.query(\"SELECT orders FROM customer_stats\", m); } }",
                false,
            ),
            // Prose that starts like SQL.
            (
                "class R { void f() { throw new IllegalStateException(\"Select a user from the orders page.\"); } }",
                false,
            ),
            (
                "fun f() = require(ok) { \"delete from orders is not allowed: $id\" }",
                true,
            ),
            // Format hole without a visible constant.
            (
                "class R { void f(String t) { jdbc.query(String.format(\"SELECT * FROM %s\", t), m); } }",
                false,
            ),
            // Not a constant: mutable Kotlin var.
            (
                "var T = \"orders\"\nfun f() { jdbc.query(\"SELECT * FROM $T\", m) }",
                true,
            ),
        ];
        for (src, kt) in cases {
            let r = if *kt { run_kt(src) } else { run_java(src) };
            let f = found(&r, src);
            assert!(
                !f.iter().any(|(_, n, _, _)| n == "orders"),
                "{src:?}: {f:?}"
            );
        }
    }

    #[test]
    fn robustness() {
        let nested = format!("class A {{ int x = {}; }}", clike::parens(50_000, "1"));
        assert!(run_java(&nested).accesses.is_empty());
        let braces = format!("class A {}", "{".repeat(50_000));
        assert!(run_kt(&braces).accesses.is_empty());
        let annots = "@Entity ".repeat(50_000) + "class Order {}";
        assert_eq!(run_java(&annots).accesses.len(), 1);
        let templates = format!("val s = \"{}\"", "${".repeat(50_000));
        assert!(run_kt(&templates).accesses.is_empty());
        let r = run_java("@Table(name = \"orders");
        assert_eq!(r.problems.len(), 1);
        assert!(run_kt("val s = \"\"\"never closed").problems.len() == 1);
        assert!(
            run_java("class\0 A { String s = \"\0\"; }")
                .accesses
                .is_empty()
        );
        assert!(run_kt("/* /* */").problems.len() == 1);
        assert!(run_java("'").accesses.is_empty());
    }
}
