//! The long documentation of every rule, printed by `ownlint explain` and rendered
//! into `docs/rules.md` (`ownlint explain --all --format markdown`).
//!
//! Every section is Markdown: paragraphs, `code`, fenced code blocks and `- ` lists.
//! Terminal output strips the fences and indents the code.

use crate::model::rules::{Rule, RuleDocs};

/// How to silence a registry rule: registry findings have no code line to annotate.
macro_rules! registry_suppress {
    ($rule:literal) => {
        concat!(
            "Registry findings point at `data-ownership.yaml` itself, so inline `ownlint: allow(...)` comments and `exceptions` do not apply: the way out is to fix the entry. ",
            "To accept the situation for the whole repository, change the rule's level in the registry:\n\n",
            "```yaml\nrules:\n  ",
            $rule,
            ": warning   # or `off`\n```\n\n",
            "`warning` keeps the finding visible without failing the run (unless `--deny-warnings`); `off` drops it."
        )
    };
}

/// How to silence a cross-service rule: inline, by exception, or repository-wide.
macro_rules! code_suppress {
    ($rule:literal, $inline:literal, $exception:literal) => {
        concat!(
            "From narrowest to broadest; each way needs a reason the next reader can judge.\n\n",
            "Inline, on the line of the finding or the line above it, in the file's comment syntax (`//` in Rust, `--` in SQL, `#` in Python and Ruby). The reason after ` -- ` is required: without it the comment is an `invalid-suppression`, and a comment that suppresses nothing is an `unused-suppression`.\n\n",
            $inline,
            "\n\nWith a registry exception, when the deviation is a decision rather than one line: it covers every matching access of that service, needs a `reason`, and may carry an `expires` date (YYYY-MM-DD); once that date has passed, the exception is itself reported as `expired-exception`, so the decision comes back for review.\n\n",
            "```yaml\nexceptions:\n",
            $exception,
            "```\n\n",
            "For the whole repository, in `data-ownership.yaml`: `rules: {",
            $rule,
            ": off}` (or `warning` to report without failing the run)."
        )
    };
}

/// How to silence a code rule that has no owner or no accessing service, so that an
/// exception cannot name it.
macro_rules! inline_suppress {
    ($rule:literal, $inline:literal) => {
        concat!(
            "Inline, on the line of the finding or the line above it, in the file's comment syntax (`//` in Rust, `--` in SQL, `#` in Python and Ruby); the reason after ` -- ` is required:\n\n",
            $inline,
            "\n\nRegistry `exceptions` grant one service access to another service's table, so they do not apply here. For the whole repository, in `data-ownership.yaml`: `rules: {",
            $rule,
            ": off}` (or `warning`/`error` to change its level)."
        )
    };
}

/// The documentation of `rule`.
pub fn docs(rule: Rule) -> RuleDocs {
    match rule {
        Rule::DuplicateOwner => RuleDocs {
            what: "Reports a table listed under `owns` by two services in the same database namespace, or twice by the same service. A table's identity is (database, schema, table): services that declare different `database`s each own their own copy of a common name (a per-service `outbox`, a local read-model projection), and that is not a duplicate. Services that declare no `database` share one namespace, and `schema.table` entries are compared with the service's `schema` (default `public`) applied. The finding is labelled at the second entry, with the first one as a related location.",
            why: "The registry's whole promise is that every table has exactly one owner. With two owners, ownlint cannot tell which service's code is allowed to write the table, every access by either service looks legitimate, and nobody is accountable for its schema, migrations or data quality. Cross-service checks for that table are meaningless until it is resolved.",
            example: "```yaml\nservices:\n  order-service:\n    owns: [orders, order_items]\n  billing-service:\n    owns: [invoices, orders]   # billing keeps reading orders directly\n```\n\n```text\nerror[duplicate-owner]: table `orders` is owned by both `order-service` and `billing-service`\n  --> data-ownership.yaml:5:22  claimed again here\n  --> data-ownership.yaml:3:12  first owned by `order-service` here\n```",
            fix: "Decide which service really owns the table and remove it from the other's `owns`. The other service then reads through the owner's API (add a `reads_from_apis` entry) or keeps its own projection fed by the owner's events. If each service genuinely keeps its own copy in its own database, say so: give the services separate `database` values.",
            suppress: registry_suppress!("duplicate-owner"),
        },
        Rule::UnknownService => RuleDocs {
            what: "Reports a service name that is used but never declared under `services`: a `reads_from_apis` entry naming a service that does not exist, or an exception whose `service` does not exist. When a declared name is close enough, the help suggests it.",
            why: "A dangling reference is almost always a typo or a service that was renamed or removed. The dependency graph, the release waves and the exceptions built on it would silently ignore the edge, so a real dependency would go unchecked.",
            example: "```yaml\nservices:\n  order-service:\n    reads_from_apis:\n      - catalog-svc: [GET /products/:id]\n  catalog-service:\n    owns: [products]\n```\n\n```text\nerror[unknown-service]: `reads_from_apis` names unknown service `catalog-svc`\n  --> data-ownership.yaml:4:9  not declared under `services`\n  help: did you mean `catalog-service`?\n```",
            fix: "Correct the name to the declared service (the help names the closest one), or declare the missing service under `services`, or remove the stale entry.",
            suppress: registry_suppress!("unknown-service"),
        },
        Rule::SelfDependency => RuleDocs {
            what: "Reports a service that lists itself in its own `reads_from_apis`.",
            why: "`reads_from_apis` records dependencies between services; a service calls its own code directly. A self-edge adds noise to the dependency graph and turns every such service into a one-member cycle for release planning.",
            example: "```yaml\nservices:\n  order-service:\n    reads_from_apis:\n      - order-service: [GET /orders/:id]\n```\n\n```text\nerror[self-dependency]: `order-service` lists itself in `reads_from_apis`\n  --> data-ownership.yaml:4:9  itself\n```",
            fix: "Remove the entry. If a different service was meant, name that one instead.",
            suppress: registry_suppress!("self-dependency"),
        },
        Rule::DuplicateEventPublisher => RuleDocs {
            what: "Reports an event listed under `publishes_events` by more than one service. The finding is labelled at the second publisher, with the first one as a related location.",
            why: "An event describes a change to data, and only the owner of that data can state that it changed. With two publishers, consumers cannot know which one is authoritative, event schemas drift apart, and the release order between publisher and consumers is undefined.",
            example: "```yaml\nservices:\n  order-service:\n    publishes_events: [order.placed]\n  checkout-service:\n    publishes_events: [order.placed]\n```\n\n```text\nerror[duplicate-event-publisher]: event `order.placed` is published by both `order-service` and `checkout-service`\n  --> data-ownership.yaml:5:25  published again here\n  --> data-ownership.yaml:3:25  first published by `order-service` here\n```",
            fix: "Keep the event with the service that owns the data it describes. If the other service emits a genuinely different fact, give it its own name (`checkout.completed`); if it only relays the event, make it a consumer (`consumes_events`).",
            suppress: registry_suppress!("duplicate-event-publisher"),
        },
        Rule::UnpublishedEvent => RuleDocs {
            what: "Reports an event listed under a service's `consumes_events` that no service lists under `publishes_events`. When a published event has a close name, the help suggests it.",
            why: "A consumer waiting for an event nobody publishes is dead code or a typo; either way the dependency between the two services is invisible to the dependency graph and to release planning.",
            example: "```yaml\nservices:\n  order-service:\n    publishes_events: [order.placed]\n  inventory-service:\n    consumes_events: [order.place]\n```\n\n```text\nerror[unpublished-event]: `inventory-service` consumes `order.place`, which no service publishes\n  --> data-ownership.yaml:5:24  no publisher\n  help: did you mean `order.placed`?\n```",
            fix: "Correct the event name, add the event to its publisher's `publishes_events`, or remove the stale `consumes_events` entry.",
            suppress: registry_suppress!("unpublished-event"),
        },
        Rule::DependencyCycle => RuleDocs {
            what: "Reports services whose `reads_from_apis` entries form a cycle (A reads B's API, B reads A's). Every service in the cycle is named, the read that closes the cycle is the primary label and the other reads in it are related locations. Warning by default.",
            why: "Services in a cycle cannot be deployed, versioned or reasoned about independently: a breaking API change on either side needs both released together, and `ownlint waves` cannot order them. Cycles are common in real systems (the canonical example has one), which is why this is a warning rather than an error.",
            example: "```yaml\nservices:\n  user-service:\n    reads_from_apis:\n      - order-service: [GET /orders?userId=]\n  order-service:\n    reads_from_apis:\n      - user-service: [GET /users/:id]\n```\n\n```text\nwarning[dependency-cycle]: services read each other's APIs in a cycle: user-service → order-service → user-service\n  --> data-ownership.yaml:4:9  this read closes the cycle\n  --> data-ownership.yaml:7:9  and this one\n```",
            fix: "Break the cycle by replacing one of the reads with events: the reading service subscribes to the other's events (`consumes_events`) and keeps the data it needs locally. Or accept the cycle and release the services together.",
            suppress: registry_suppress!("dependency-cycle"),
        },
        Rule::OverlappingPaths => RuleDocs {
            what: "Reports a directory or glob claimed in `paths` by two services (after normalization: `./services/x/` and `services/x` are the same entry). Only declared `paths` are compared; the default directory (`services/<name>`, `apps/<name>`, `<name>`) never overlaps.",
            why: "ownlint assigns each file to exactly one service by its `paths`; the most specific match wins. Two services claiming the same directory make the owner of its files ambiguous, so their accesses would be judged against the wrong service.",
            example: "```yaml\nservices:\n  order-service:\n    paths: [services/orders]\n  billing-service:\n    paths: [services/orders]\n```\n\n```text\nerror[overlapping-paths]: `billing-service` and `order-service` both claim `services/orders`\n  --> data-ownership.yaml:5:13  claimed again here\n  --> data-ownership.yaml:3:13  claimed by `order-service` here\n```",
            fix: "Give each service its own directory. A service that lives inside another's directory names its own subdirectory (`services/orders/billing`): the more specific path wins for its files.",
            suppress: registry_suppress!("overlapping-paths"),
        },
        Rule::MissingPaths => RuleDocs {
            what: "Reports a `paths` entry (a directory, file or glob, relative to the directory holding `data-ownership.yaml`) that matches nothing in the repository, or points outside it (absolute, or climbing out with `..`). Entries are normalized first: `./`, a trailing `/` and an empty component (`services//orders`) are dropped, so the entry is checked as it is matched. An empty entry or a glob that does not compile is `invalid-path`. A service with no `paths` and no default directory simply has no code yet, which is not a finding.",
            why: "A path that matches nothing usually means the service was moved or renamed. Its files then belong to no service, so their cross-service accesses are reported as `unassigned-access` at best and missed at worst.",
            example: "```yaml\nservices:\n  order-service:\n    paths: [services/order]   # the directory is services/orders\n```\n\n```text\nerror[missing-paths]: `services/order` matches nothing in the repository\n  --> data-ownership.yaml:3:13  no such path\n```",
            fix: "Point the entry at the service's real directory (relative to the registry's directory), or remove it.",
            suppress: registry_suppress!("missing-paths"),
        },
        Rule::InvalidPath => RuleDocs {
            what: "Reports a `paths`, `public` or `exclude` entry that cannot mean what it says: an empty string (the repository root is written `.`), a glob that does not compile (an unclosed `[` or `{`, `**` inside a component), or, in `public` and `exclude`, a path outside the repository (absolute, or climbing out with `..`; in `paths` that is `missing-paths`). Such an entry matches nothing: an empty `exclude` does not exclude the repository and an empty `public` does not open it. Entries are normalized before they are matched or checked, so `./services/orders`, `services/orders/` and `services//orders` all mean `services/orders` and are not findings.",
            why: "A registry entry that silently matches nothing, or everything, switches checks off without anyone noticing: a broken `exclude` glob lets generated code fail the build in confusing ways, and an empty `paths` entry used to claim the whole repository for one service. In a pull request, such an entry is an easy way to disable the check; refusing it makes the change visible.",
            example: "```yaml\nexclude: ['', 'scripts/[gen']\n```\n\n```text\nerror[invalid-path]: empty `exclude` entry\n  --> data-ownership.yaml:1:11  empty\nerror[invalid-path]: `exclude` entry `scripts/[gen` is not a valid glob: unclosed character class; missing ']'\n  --> data-ownership.yaml:1:15  invalid glob\n```",
            fix: "Write the entry relative to the directory holding `data-ownership.yaml`, inside it, with a glob that compiles; remove entries that are not needed.",
            suppress: registry_suppress!("invalid-path"),
        },
        Rule::BroadExclude => RuleDocs {
            what: "Reports a top-level `exclude` entry that covers the whole repository (`.`, `*`, `**`, or any glob that matches every top-level name) or the whole directory of a service (the directory itself or one of its parents, e.g. `services` when services live in `services/<name>`, or `services/*`). A glob `paths` entry is covered when its literal directory is (`libs` covers `libs/*/billing`). Excluding part of a service (`services/orders/fixtures`) is fine. One finding per entry, naming the first service it covers and how many more.",
            why: "An excluded file is never read, so an entry that covers a whole service turns every check on that service's code off while the run stays green. It is the one-line change a pull request needs to hide a violation; refusing it keeps that change from passing unnoticed.",
            example: "```yaml\nexclude: [services]\nservices:\n  order-service:\n    paths: [services/orders]\n```\n\n```text\nerror[broad-exclude]: `exclude` entry `services` covers all the code of `order-service` (`services/orders`): none of it would be checked\n  --> data-ownership.yaml:1:11  excludes a whole service\n```",
            fix: "Exclude only what holds no service's code: generated files, fixtures, vendored code (`services/orders/fixtures`, `vendor`). A service whose code should not be checked at all is removed from the registry rather than excluded.",
            suppress: registry_suppress!("broad-exclude"),
        },
        Rule::InvalidName => RuleDocs {
            what: "Reports a malformed name in the registry: a service name that does not start with a letter or digit or uses characters other than letters, digits, `-`, `_` and `.`; a table that is not `name` or `schema.name` made of letters, digits, `_` and `$`; an event name that is empty or contains whitespace.",
            why: "Names are matched against code: table names against SQL and ORM mappings, service names in suppressions, exceptions and output. A name no code can contain never matches anything, so the ownership it declares is silently unenforced.",
            example: "```yaml\nservices:\n  order-service:\n    owns: [order items]\n    publishes_events: [order placed]\n```\n\n```text\nerror[invalid-name]: invalid table name `order items`\n  --> data-ownership.yaml:3:12  this table\nerror[invalid-name]: invalid event name `order placed`\n  --> data-ownership.yaml:4:24  this event\n```",
            fix: "Write the name as the code spells it: `order_items`, `billing.invoices`, `order.placed`, `order-service`.",
            suppress: registry_suppress!("invalid-name"),
        },
        Rule::ExpiredException => RuleDocs {
            what: "Reports an entry under `exceptions` whose `expires` date (YYYY-MM-DD) is before today (UTC; the environment variable `OWNLINT_TODAY=YYYY-MM-DD` pins the date for reproducible runs).",
            why: "Exceptions are meant to be temporary: a date forces the deviation to be revisited instead of becoming permanent by neglect. Failing the run on the day it lapses puts the decision back in front of the team that took it.",
            example: "```yaml\nexceptions:\n  - service: billing-service\n    table: orders\n    access: [read]\n    reason: invoice backfill, until the orders API exposes totals\n    expires: 2025-03-31\n```\n\n```text\nerror[expired-exception]: exception for `billing-service` on `orders` expired on 2025-03-31\n  --> data-ownership.yaml:6:14  expired\n```",
            fix: "Fix the code the exception covered (go through the owner's API or events) and delete the exception. If the deviation must stay longer, extend `expires` and update the `reason` so that it says why.",
            suppress: registry_suppress!("expired-exception"),
        },
        Rule::InvalidException => RuleDocs {
            what: "Reports an entry under `exceptions` that cannot be applied: it names neither a `table` nor an `import`, its `table` is owned by no service, its `reason` is empty, or its `expires` is not a YYYY-MM-DD date.",
            why: "An exception is a recorded decision. Without a subject it grants nothing (or, worse, is read as granting everything); without a reason nobody can judge later whether it still holds; with an unreadable date it never expires.",
            example: "```yaml\nexceptions:\n  - service: billing-service\n    table: order\n    reason: \"\"\n    expires: next quarter\n```\n\n```text\nerror[invalid-exception]: exception for table `order`, which no service owns\nerror[invalid-exception]: exception has an empty `reason`\nerror[invalid-exception]: `expires: next quarter` is not a date\n```",
            fix: "Give every exception a `service`, a `table` owned by another service (or an `import`), an optional `access` list (`read`, `write`, `ddl`, `model`, `foreign-key`, `import`; all when absent), a non-empty `reason`, and, if it is temporary, `expires: YYYY-MM-DD`.",
            suppress: registry_suppress!("invalid-exception"),
        },
        Rule::UnknownRule => RuleDocs {
            what: "Reports a key of the registry's `rules` section that matches no rule (labelled at the key); an unknown name inside an `ownlint: allow(...)` comment is reported as `invalid-suppression`. The help suggests the closest existing name; `ownlint rules` lists them all.",
            why: "A misspelled rule name does nothing: the severity override you meant to apply is silently left as it was. Names from a newer ownlint are caught the same way.",
            example: "```yaml\nrules:\n  dependency-cycles: off\n```\n\n```text\nerror[unknown-rule]: unknown rule `dependency-cycles`\n  --> data-ownership.yaml:2:3  no such rule\n  help: did you mean `dependency-cycle`? (`ownlint rules` lists them all)\n```",
            fix: "Use the exact rule name (`ownlint rules` lists every one), or remove the entry.",
            suppress: "Fix the name: an unknown name has no effect anyway. To silence this check for the whole repository (for example while several ownlint versions with different rule sets run on the same repository), set `rules: {unknown-rule: off}` in `data-ownership.yaml`.",
        },
        Rule::CrossServiceRead => RuleDocs {
            what: "Reports code of one service that reads a table owned by another service: a SELECT source, a JOIN or subquery source, or an ORM query that reads, found in `.sql` files and in SQL inside string literals (`sqlx::query!`, `query_as`, `client.query`, ...). The owner's `owns` entry in `data-ownership.yaml` is a related location. A name resolves to the accessing service's own table first, so a service's own `outbox` or projection with a common name is never reported. SQL that does not parse is scanned for `FROM`/`JOIN` followed by a known table, and such findings are marked low confidence.",
            why: "Reading another service's table couples your service to its private schema: the owner can no longer rename a column, split the table or change its database without breaking you, and it does not even know you depend on it. The data is also read without the owner's invariants (soft deletes, visibility rules, caching).",
            example: "```rust\n// services/user-service/src/dashboard.rs\nlet orders = sqlx::query!(\"SELECT id, total FROM orders WHERE user_id = $1\", user_id)\n    .fetch_all(&pool)\n    .await?;\n```\n\n```text\nerror[cross-service-read]: `user-service` reads table `orders`, owned by `order-service`\n  --> services/user-service/src/dashboard.rs:2:45\n  --> data-ownership.yaml:23:9  owned by `order-service` here\n```",
            fix: "Ask the owner instead of its database: call its API (and record it in `reads_from_apis`, e.g. `- order-service: [GET /orders?userId=]`), or consume its events and keep a local projection in a table your service owns. If the read is a deliberate, temporary shortcut, record it as an exception with a reason and an expiry date.",
            suppress: code_suppress!(
                "cross-service-read",
                "```rust\n// ownlint: allow(cross-service-read) -- dashboard reads orders until GET /orders?userId= ships\nlet orders = sqlx::query!(\"SELECT id, total FROM orders WHERE user_id = $1\", user_id)\n```",
                "  - service: user-service\n    table: orders\n    access: [read]\n    reason: dashboard reads orders until GET /orders?userId= ships\n    expires: 2026-06-30\n"
            ),
        },
        Rule::CrossServiceWrite => RuleDocs {
            what: "Reports code of one service that writes a table owned by another service: the target of INSERT, UPDATE, DELETE, MERGE, TRUNCATE or COPY, in `.sql` files or SQL inside string literals. The owner's `owns` entry is a related location; the accessing service's own tables are never reported.",
            why: "A write from outside bypasses the owner's validation, invariants, events and audit trail: the owner's cached state goes stale, its `order.*` events are never emitted, and two services now have to agree on every column forever. It is the most damaging kind of coupling.",
            example: "```sql\n-- services/inventory-service/sql/release.sql\nUPDATE orders SET status = 'backordered' WHERE id = $1;\n```\n\n```text\nerror[cross-service-write]: `inventory-service` writes table `orders`, owned by `order-service`\n  --> services/inventory-service/sql/release.sql:2:8\n  --> data-ownership.yaml:23:9  owned by `order-service` here\n```",
            fix: "Send the change to the owner: call a command endpoint of its API, or publish an event of your own (`inventory.out_of_stock`) that the owner consumes and acts on. The owner then validates the change and publishes its own events.",
            suppress: code_suppress!(
                "cross-service-write",
                "```sql\n-- ownlint: allow(cross-service-write) -- one-off repair script, owner signed off\nUPDATE orders SET status = 'backordered' WHERE id = $1;\n```",
                "  - service: inventory-service\n    table: orders\n    access: [write]\n    reason: backorder flag until order-service consumes inventory.out_of_stock\n    expires: 2026-06-30\n"
            ),
        },
        Rule::CrossServiceDdl => RuleDocs {
            what: "Reports code of one service that changes the schema of a table owned by another service: CREATE, ALTER, DROP or RENAME of the table, or CREATE INDEX on it, typically in a migration. Down-migrations (`down.sql`, `*.down.sql`) are not checked for DDL.",
            why: "The schema is the owner's to change. A migration in another service means two migration histories for one table, ordering problems between deployments, and an owner that can be broken by a change it never reviewed.",
            example: "```sql\n-- services/billing-service/migrations/0007_order_invoice.sql\nALTER TABLE orders ADD COLUMN invoice_id BIGINT;\n```\n\n```text\nerror[cross-service-ddl]: `billing-service` alters table `orders`, owned by `order-service`\n  --> services/billing-service/migrations/0007_order_invoice.sql:2:13\n  --> data-ownership.yaml:23:9  owned by `order-service` here\n```",
            fix: "Keep the new data in a table your service owns (`invoices` with an `order_id` column), or ask the owner to add the column through its own migration and expose it through its API. If the table really belongs to your service, move it in the registry's `owns`.",
            suppress: code_suppress!(
                "cross-service-ddl",
                "```sql\n-- ownlint: allow(cross-service-ddl) -- index agreed with order-service, see ADR-12\nCREATE INDEX orders_invoice_idx ON orders (invoice_id);\n```",
                "  - service: billing-service\n    table: orders\n    access: [ddl]\n    reason: migration moves to order-service with the invoices split\n    expires: 2026-06-30\n"
            ),
        },
        Rule::CrossServiceModel => RuleDocs {
            what: "Reports an ORM model or schema mapping in one service onto a table owned by another service: Diesel `table!` (honouring `#[sql_name]`), `#[diesel(table_name = ...)]`, SeaORM `#[sea_orm(table_name = \"...\")]`, and the equivalent model declarations of other languages.",
            why: "A model mapping is a standing promise that the table's columns look the way your code thinks they do. It breaks at the owner's next migration, and it makes every read and write through the model a cross-service access that is easy to miss in review.",
            example: "```rust\n// services/user-service/src/schema.rs\ndiesel::table! {\n    orders (id) {\n        id -> Int8,\n        user_id -> Int8,\n    }\n}\n```\n\n```text\nerror[cross-service-model]: `user-service` maps a model onto table `orders`, owned by `order-service`\n  --> services/user-service/src/schema.rs:3:5\n  --> data-ownership.yaml:23:9  owned by `order-service` here\n```",
            fix: "Delete the mapping and use the owner's API client or event types instead (ideally from the owner's `public` paths). If your service needs the data at hand, keep a projection in a table it owns and map that.",
            suppress: code_suppress!(
                "cross-service-model",
                "```rust\n// ownlint: allow(cross-service-model) -- read-only mapping for the reporting job, until the export API exists\ndiesel::table! {\n```",
                "  - service: user-service\n    table: orders\n    access: [model]\n    reason: read-only mapping for the reporting job, until the export API exists\n    expires: 2026-06-30\n"
            ),
        },
        Rule::CrossServiceForeignKey => RuleDocs {
            what: "Reports a foreign key in one service's schema that references a table owned by another service: `REFERENCES t` in a column definition, or `FOREIGN KEY (...) REFERENCES t` in CREATE or ALTER TABLE.",
            why: "A foreign key across a service boundary ties the two services to one database forever, blocks the owner from deleting or moving rows, and turns the owner's routine migrations into cross-team outages. It also cannot survive the services moving to separate databases.",
            example: "```sql\n-- services/billing-service/migrations/0003_invoices.sql\nCREATE TABLE invoices (\n    id BIGSERIAL PRIMARY KEY,\n    order_id BIGINT NOT NULL REFERENCES orders (id)\n);\n```\n\n```text\nerror[cross-service-foreign-key]: `billing-service` references table `orders`, owned by `order-service`, in a foreign key\n  --> services/billing-service/migrations/0003_invoices.sql:4:41\n  --> data-ownership.yaml:23:9  owned by `order-service` here\n```",
            fix: "Keep the identifier (`order_id BIGINT NOT NULL`) without the constraint, and enforce the relationship in the application: validate the id through the owner's API when it is written, and react to the owner's events (`order.cancelled`) instead of relying on cascades.",
            suppress: code_suppress!(
                "cross-service-foreign-key",
                "```sql\n    -- ownlint: allow(cross-service-foreign-key) -- shared database until the billing split\n    order_id BIGINT NOT NULL REFERENCES orders (id)\n```",
                "  - service: billing-service\n    table: orders\n    access: [foreign-key]\n    reason: shared database until the billing split\n    expires: 2026-06-30\n"
            ),
        },
        Rule::CrossServiceImport => RuleDocs {
            what: "Reports code of one service that imports code living inside another service's `paths` but outside that service's `public` paths. Each import is resolved the way its language resolves it, to the files or directories of the repository it means: a Rust crate or `Cargo.toml` path dependency (by `[package]` name; `-` and `_` are the same), the file declaring a Java/Kotlin class in a module the importer's build depends on, a Go package directory (`replace` and `go.work` honoured), a Python module on the importer's own import roots first, a TypeScript/JavaScript path, tsconfig `paths` alias or npm package, a .NET `ProjectReference`, or a C# `using` of a namespace declared only in another service. An import of the importer's own code, of a `public` path, of code outside every service (shared libraries, contract modules) or of nothing in the repository (third-party code) is never reported. The rules per language are in docs/imports.md.",
            why: "Importing another service's internals shares its private types, database models and assumptions: the owner can no longer refactor, and your service may end up touching the owner's tables through its code. A service's `public` paths (its API client, event and message types) exist precisely for others to import.",
            example: "```rust\n// services/user-service/src/orders.rs\nuse order_service_db::models::Order;\n```\n\n```text\nerror[cross-service-import]: `user-service` imports `order_service_db`, which resolves to `services/order-service/db` inside `order-service`\n  --> services/user-service/src/orders.rs:2:5\n```",
            fix: "Import the owner's published contract instead (its `*-api` or `contracts` crate). If the code you need should be shared, ask the owner to move it into a path listed in its `public`, or into a library outside every service.",
            suppress: code_suppress!(
                "cross-service-import",
                "```rust\n// ownlint: allow(cross-service-import) -- shared money type, moving to order-api\nuse order_service_db::money::Money;\n```",
                "  - service: user-service\n    import: order-service-db\n    access: [import]\n    reason: shared money type, moving to order-api\n    expires: 2026-06-30\n"
            ),
        },
        Rule::UnownedTable => RuleDocs {
            what: "Reports a table that code creates (CREATE TABLE in a migration) or maps (an ORM model or Diesel `table!`) and that no service lists under `owns`. Temporary tables, CTE names and aliases are never tables.",
            why: "Every table must have exactly one owner, or the registry stops being the source of truth: a table nobody owns can be read and written by everyone without a finding, and nobody is responsible for its schema. New tables are the moment to decide.",
            example: "```sql\n-- services/order-service/migrations/0012_refunds.sql\nCREATE TABLE refunds (id BIGSERIAL PRIMARY KEY, order_id BIGINT NOT NULL);\n```\n\n```text\nerror[unowned-table]: table `refunds` is created but no service owns it\n  --> services/order-service/migrations/0012_refunds.sql:2:14\n```",
            fix: "Add the table to the `owns` list of the service that creates it (usually the service whose migration or model defines it). `ownlint init` proposes owners for an existing repository.",
            suppress: inline_suppress!(
                "unowned-table",
                "```sql\n-- ownlint: allow(unowned-table) -- scratch table of the nightly import, dropped at the end\nCREATE TABLE import_batch (id BIGINT);\n```"
            ),
        },
        Rule::SharedDatabaseCredentials => RuleDocs {
            what: "Reads the deployment configuration (compose files and their `env_file`s, `.env` files, Kubernetes workloads with their `env` and ConfigMaps, Helm `values*.yaml`, Spring `application*.yml`/`.properties`, .NET `appsettings*.json`), maps each compose service, workload and file to a registry service (a compose service by its build directory, then by its name or `container_name`; a workload by its name, its containers' names or its `app` label; either, failing that, by the name of a directory in one service's `paths`; a file by its directory), and reports:\n\n- a service configured to connect to another service's database: a connection string's database name or host is the `database:` another service declares, and not its own;\n- two services connecting with the same database user to the same server (the same host; when a host is unknown, the same database). The same user name on two different servers (each service's own database container) is not shared;\n- two services with the same connection string, when it names no user.\n\nOnly services connect: a database container (compose `postgres` with `POSTGRES_USER`) is shared infrastructure, and its settings are the server's, not a client's. Local-development compose files count; files of tests (under `test`, `tests`, `e2e` or `testdata`, or named for tests such as `application-test.yml`) do not. Placeholders (`${DB_USER}`) name nothing. A secret's value is never printed: messages name keys, hosts and databases, and passwords are masked (`****`) in every source line a report shows.",
            why: "A database per service is only a boundary while no other service holds its credentials. Shared credentials are the violation the shared-nothing guidance names as most often enforced by convention alone: whoever holds the user can read and change the data behind the owner's back, no code review of the owner sees it, and the owner cannot rotate the password or change the schema without breaking someone else.",
            example: "```yaml\n# docker-compose.yml\nservices:\n  orders:\n    build: services/orders\n    environment:\n      SPRING_DATASOURCE_URL: jdbc:postgresql://payments-db/payments\n```\n\n```text\nerror[shared-database-credentials]: orders is configured to connect to database `payments`, the database of payment-service\n  --> docker-compose.yml:6:7\n```",
            fix: "Give each service its own database (or schema) and its own user, and let services reach each other's data through APIs or events. If the registry is what is wrong (the two services really share one database by design), declare the same `database:` for both; shared users still need their own credentials.",
            suppress: "From narrowest to broadest; each way needs a reason the next reader can judge.\n\nInline, in a YAML, `.properties` or `.env` file, on the line of the finding or the line above it (JSON has no comments):\n\n```yaml\n# ownlint: allow(shared-database-credentials) -- local development only, one postgres for all\nPOSTGRES_USER: postgres\n```\n\nWith a registry exception for one service and one database (the database name, or the host, that the finding names):\n\n```yaml\nexceptions:\n  - service: reporting-service\n    database: orders\n    reason: read replica for the nightly report until the export API ships\n    expires: 2026-09-30\n```\n\nFor the whole repository, in `data-ownership.yaml`: `rules: {shared-database-credentials: off}` (or `warning`).",
        },
        Rule::UndeclaredApiDependency => RuleDocs {
            what: "Reports code of one service that calls another service's API when the caller's `reads_from_apis` does not list the callee. The evidence, in Go, Java, Kotlin, C#, Python, TypeScript/JavaScript, Ruby and Rust (one set of rules over each language's own lexer): a string literal (or constant) that is the callee's URL (`http://order-service:8080/orders`, `http+https://basket-api`, a Kubernetes name `order-service.shop.svc.cluster.local`; in an f-string or a template literal, the part before the first hole: `f\"http://orders/{id}\"`, `` `http://orders/${id}` ``), whatever call it reaches (`requests.get`, `httpx`, `aiohttp`, `fetch`, axios, `Net::HTTP`, `Faraday.new(url:)`, `reqwest::get`), an environment variable or placeholder holding its address (`ORDER_SERVICE_URL`, `PRODUCT_CATALOG_SERVICE_ADDR`, `${ORDER_SERVICE_URL}`, `os.environ[\"ORDER_SERVICE_URL\"]`, `process.env.ORDER_SERVICE_URL`, `ENV['ORDER_SERVICE_URL']`, `std::env::var(\"ORDER_SERVICE_URL\")`), a client named after it (`@FeignClient(name = \"order-service\")`, `AddHttpClient(\"order-service\")`), or a generated gRPC client of it (`pb.NewOrderServiceClient`, `OrderServiceGrpc.newBlockingStub`, `order_service_pb2_grpc.OrderServiceStub`, grpc-js's `new OrderServiceClient(addr, credentials.createInsecure())` or `new proto.OrderService(addr, grpc.credentials..)`, Ruby's `Shop::OrderService::Stub.new(addr, ..)`; Rust's tonic clients by the URL or address variable they connect to). Deployment configuration is evidence too: the host of another service in a service's own settings (compose `environment`, a container's `env`, Helm values, Spring `application*.yml`/`.properties`, `appsettings*.json`, and an `env_file` or ConfigMap only that service loads), reported at the host in the setting with the setting's key. So is a client generated from the callee's OpenAPI spec: the `inputSpec` of `openapitools.json`, Maven's `<inputSpec>`, Gradle's `inputSpec`, a `*.csproj`'s `<OpenApiReference Include>`, NSwag's `nswag.json` (`documentGenerator.fromDocument.url`, when it generates a client), or a Go `//go:generate oapi-codegen` line that generates a client (`-generate` lists `client`, or its `-config`, `-package` or `-o` is named for a client), when the spec's path lies in the callee's `paths` (or its URL names the callee); reported at the spec's path. A service is recognised by its `hosts` in the registry, by default its name spelled with `-`, `_` or nothing between words, also behind a Kubernetes DNS suffix. Never evidence: comments, log and error messages, test code and test configuration, health and metrics probes (`/health`, `/hc`, `/ready`, `/metrics`), the service's own hosts, hosts of no service, database connections, loopback hosts and placeholders, and settings from an `env_file` or a ConfigMap (`envFrom`) that more than one service loads: such a file is the address book of the whole deployment (every service's address, loaded by every workload) and says nothing about which service calls which.",
            why: "`reads_from_apis` drives the release waves: a service is released after the services it reads. A call the registry does not list puts the caller in a wave before its dependency, and the plan breaks the release the day the callee changes its API.",
            example: "```go\n// services/checkout/main.go\nconn, _ := grpc.Dial(os.Getenv(\"PAYMENT_SERVICE_ADDR\"))\n```\n\n```text\nerror[undeclared-api-dependency]: `checkout` calls the API of `payment-service`, which its `reads_from_apis` does not list\n  --> services/checkout/main.go:2:28  environment variable holding its address `payment-service`\n```",
            fix: "Add the callee to the caller's `reads_from_apis` (`- payment-service: [POST /payments]`), or remove the call. When the URL names a host that is not the service's name, list it in the callee's `hosts`.",
            suppress: code_suppress!(
                "undeclared-api-dependency",
                "```go\n// ownlint: allow(undeclared-api-dependency) -- migration shim, removed in CHK-12\nconn, _ := grpc.Dial(os.Getenv(\"PAYMENT_SERVICE_ADDR\"))\n```",
                "  - service: checkout\n    api: payment-service\n    reason: migration shim until CHK-12\n    expires: 2026-09-30\n"
            ),
        },
        Rule::UnusedApiDependency => RuleDocs {
            what: "Reports a `reads_from_apis` entry whose service the caller's code never calls. Only in a run over the whole repository, and only where the evidence is complete enough: ownlint saw at least one API call of that service (so its calls take shapes ownlint reads: URLs and address variables in Go, Java, Kotlin, C#, Python, TypeScript/JavaScript, Ruby or Rust code, Feign, `AddHttpClient` or generated gRPC clients), or the registry sets the rule's level explicitly (`rules: {unused-api-dependency: warning}`), which asks for it everywhere. A host of the declared service in the caller's own deployment configuration counts as a call (see `undeclared-api-dependency`). A service none of whose calls ownlint sees (calls built from configuration it does not read, a service discovery or client library it does not know, a language it does not read) is not reported by default. Evidence counts as complete for services that call each other by URL or address variable in any of those languages, through Spring Feign or service discovery, .NET `AddHttpClient`/`AddGrpcClient`, or generated gRPC clients in Go, Java, Python, TypeScript/JavaScript and Ruby; a client generated from an OpenAPI spec or a service's published client package is not read yet, so a service calling only through one is reported only when the rule is asked for. Warning by default.",
            why: "A dependency that no longer exists still holds the caller back in the release waves and still shows in the dependency graph, so the plan is slower and the map is wrong.",
            example: "```yaml\nservices:\n  checkout:\n    reads_from_apis:\n      - payment-service: [POST /payments]\n      - legacy-pricing: [GET /prices]   # no code calls it any more\n```\n\n```text\nwarning[unused-api-dependency]: `checkout` lists `legacy-pricing` in `reads_from_apis`, but no call to it was found\n  --> data-ownership.yaml:5:9  never called\n```",
            fix: "Remove the entry when the dependency is gone. When the call is real but made in a way ownlint does not read (a host from configuration, a client library), list the host in the callee's `hosts`, or lower the rule for the repository.",
            suppress: registry_suppress!("unused-api-dependency"),
        },
        Rule::UndeclaredEvent => RuleDocs {
            what: "Reports code of a service that publishes an event its `publishes_events` does not list, or consumes one its `consumes_events` does not list. Evidence, read in each language for the shapes its libraries have. In every language: Kafka producers and consumers (`producer.send(\"orders\", ..)`, `kafkaTemplate.send(\"orders\", ...)`, kafkajs `producer.send({ topic: \"orders\" })` and `consumer.subscribe({ topics: [..] })`, `consumer.subscribe([\"orders\"])`, `KafkaConsumer(\"orders\")`, confluent-kafka and ruby-kafka `produce`), Redis streams (go-redis `XAdd` with `Stream: \"orders\"`, `XReadGroup` with `Streams: []string{\"orders\", \">\"}`, raw `XADD`/`XREADGROUP` commands, Jedis and Lettuce `xadd`), rows written to a transactional outbox (an SQL `INSERT INTO outbox (..., event_type, ...) VALUES (..., 'OrderCreated', ...)` or a constructed `*Outbox*` row with an `eventType` field, or Debezium's `type` beside `aggregatetype`: the service that writes the row publishes the event), and `new XxxEvent(...)` of an event the registry knows. In Go, Java, Kotlin and C#: integration events created (`new OrderStartedIntegrationEvent(...)`) and Eventuate handlers (`.onEvent(OrderCreatedEvent.class, ...)`). In C#: subscriptions (`eventBus.AddSubscription<OrderStartedIntegrationEvent, ...>()`, MassTransit `IConsumer<T>`), typed publishing (`Publish<T>(...)`), StackExchange.Redis streams (`StreamAddAsync(\"orders\", ...)`/`StreamReadGroupAsync`). In Java and Kotlin: listener annotations (`@KafkaListener(topics = \"orders\")`, `@RabbitListener`, `@StreamListener`, `@SqsListener`, `@JmsListener`), Spring's templates (`rabbitTemplate.convertAndSend`, `jmsTemplate`, `streamBridge.send`), Spring Data Redis streams (`opsForStream().add(\"orders\", ...)`, `StreamOffset.create(\"orders\", ...)`). NATS subjects in Go, Java, Kotlin and C#, in a file that imports the NATS client (`nc.Publish(\"orders.created\", ...)`, `Subscribe`, `QueueSubscribe`, Java `connection.publish`/`dispatcher.subscribe`). In Python and Ruby: RabbitMQ's `basic_publish(routing_key=..)` and `basic_consume(queue=..)`; in Rust, rdkafka `FutureRecord::to(\"orders\")` and lapin's `basic_publish(exchange, \"orders\", ..)` and `basic_consume(\"orders\", ..)`; in TypeScript/JavaScript, amqplib `sendToQueue`, NestJS handlers (`@EventPattern('orders')`, `@MessagePattern`) and, in a file importing `@nestjs/microservices`, a microservice client's `emit('orders', ..)` (a receiver named like a client or declared with a `Client*` type; an `EventEmitter`'s or a socket's `emit` is not a broker's). A health probe's topic (a name with the word `health`, `healthcheck`, `heartbeat`, `liveness` or `readiness` between its `.`, `-`, `_`, `/` or `:`, such as `health.internal.storage-service.0`) is no event. Names are compared loosely: case, `.`, `-`, `_`, `/` and a trailing `Event`, `IntegrationEvent` or `Message` do not matter (`order.placed` is `OrderPlacedEvent`), and a service's `topics` map an event to the topic the code names. Test code never counts.",
            why: "`publishes_events` and `consumes_events` say who depends on whom through messages: `unpublished-event` and the observed graph are built on them. An event the registry does not list is a dependency nobody reviews when its publisher changes the payload.",
            example: "```csharp\n// src/Basket.API/Extensions/Extensions.cs\neventBus.AddSubscription<OrderStartedIntegrationEvent, OrderStartedIntegrationEventHandler>();\n```\n\n```text\nerror[undeclared-event]: `basket-service` consumes `OrderStartedIntegrationEvent`, which its `consumes_events` does not list\n  --> src/Basket.API/Extensions/Extensions.cs:2:27  subscription of `OrderStartedIntegrationEvent`\n```",
            fix: "Declare the event in the service's `publishes_events` or `consumes_events` (and, for a consumer, make sure a service publishes it). When the code names a topic rather than the event, map it: `topics: {order.started: orders.started.v1}`.",
            suppress: code_suppress!(
                "undeclared-event",
                "```csharp\n// ownlint: allow(undeclared-event) -- replay tool, subscribes to everything\neventBus.AddSubscription<OrderStartedIntegrationEvent, OrderStartedIntegrationEventHandler>();\n```",
                "  - service: basket-service\n    event: OrderStartedIntegrationEvent\n    reason: replay tool until BSK-7\n"
            ),
        },
        Rule::UnassignedAccess => RuleDocs {
            what: "Reports code that belongs to no service (its path matches no service's `paths` and is not under `exclude`) and touches a table owned by a service. Warning by default.",
            why: "Scripts, shared libraries and tools outside every service often read and write production tables directly. They are not necessarily wrong, but they are invisible to the owners, and they break at the owner's next migration just the same.",
            example: "```sql\n-- scripts/cleanup.sql\nDELETE FROM sessions WHERE expires_at < now();\n```\n\n```text\nwarning[unassigned-access]: `scripts/cleanup.sql` belongs to no service and writes table `sessions`, owned by `user-service`\n  --> scripts/cleanup.sql:2:13\n```",
            fix: "Assign the code to the service it works for by adding its directory to that service's `paths` (then the ordinary cross-service rules apply), move it into the owning service, or, for infrastructure code that is not to be checked, add its path to the registry's top-level `exclude`.",
            suppress: inline_suppress!(
                "unassigned-access",
                "```sql\n-- ownlint: allow(unassigned-access) -- ops runbook, owned by the platform team\nDELETE FROM sessions WHERE expires_at < now();\n```"
            ),
        },
        Rule::UnusedSuppression => RuleDocs {
            what: "Reports an `ownlint: allow(RULE) -- reason` comment that suppressed no finding: nothing of the named rule is reported on its line or the line below.",
            why: "Suppressions outlive the code they were written for. A stale one hides the next real violation that lands on that line, and it tells readers that a boundary is crossed where it no longer is.",
            example: "```rust\n// services/user-service/src/dashboard.rs\n// ownlint: allow(cross-service-read) -- until GET /orders?userId= ships\nlet orders = order_api.orders_of(user_id).await?;\n```\n\n```text\nwarning[unused-suppression]: `allow(cross-service-read)` suppresses nothing\n  --> services/user-service/src/dashboard.rs:2:4\n```",
            fix: "Delete the comment. If it was meant for a nearby line, move it onto that line or the line directly above it.",
            suppress: "An unused suppression cannot be suppressed inline. To stop reporting them for the whole repository, set `rules: {unused-suppression: off}` in `data-ownership.yaml`.",
        },
        Rule::InvalidSuppression => RuleDocs {
            what: "Reports an `ownlint: allow(...)` comment that cannot take effect: it has no reason (` -- why` after the closing parenthesis), its rule list is empty or malformed, or it names no known rule (see also `unknown-rule`). The syntax is `ownlint: allow(RULE[, RULE...]) -- reason`, in the file's comment syntax (`//` in Rust, `--` in SQL, `#` in Python and Ruby).",
            why: "A suppression is a decision to cross a boundary; the reason is what lets the next reader judge whether it still holds. A comment that silently does nothing is worse than none: its author believes the finding is handled.",
            example: "```rust\n// ownlint: allow(cross-service-read)\nlet orders = sqlx::query!(\"SELECT id FROM orders\");\n```\n\n```text\nwarning[invalid-suppression]: `ownlint: allow(...)` without a reason\n  --> services/user-service/src/dashboard.rs:1:4\n  help: write the reason after ` -- `\n```",
            fix: "Write the comment as `ownlint: allow(RULE) -- reason`, with the exact rule name (`ownlint rules` lists them) and a reason someone else can evaluate.",
            suppress: "Fix the comment rather than silencing this. To stop reporting malformed suppressions for the whole repository, set `rules: {invalid-suppression: off}` in `data-ownership.yaml`; the malformed comments still suppress nothing.",
        },
        Rule::SkippedFile => RuleDocs {
            what: "Reports a file that `ownlint check` did not analyse: it is over the size limit, it could not be read (permissions, a broken path), it is a symbolic link or a special file with a source file's name, it is binary (NUL bytes) although it names a table or marker, or its parser refused it as a whole (NUL bytes in a SQL file, a Rust file that does not tokenize or is nested deeper than 256 levels, a `Cargo.toml` that is not TOML), or it is a package manifest inside a service (`package.json`, `Cargo.toml`, `go.mod`) that cannot be read or parsed, so that imports of its package cannot be resolved and are not checked. The message says which and why; for a refused file the label points where the parser gave up. It is an error by default: the run fails closed. Binary files that match nothing are skipped silently, and a file that is merely not valid UTF-8 is not skipped: each invalid byte is read as a space and the rest of the file is checked. Every file counted in the summary's `files_skipped` has one of these findings.",
            why: "A skipped file is a hole in the check: a violation inside it is not reported, so a clean run does not mean what it says. If skipping were only a warning, a pull request could hide a cross-service write by making its file unreadable to ownlint (too large, or a stray NUL byte) and the check would pass.",
            example: "```text\nservices/catalog-service/seed/products.sql   (12 MiB of generated INSERTs)\n```\n\n```text\nerror[skipped-file]: `services/catalog-service/seed/products.sql` was not analysed: it is 12582912 bytes, over the 4194304 byte limit (--max-file-size)\n```",
            fix: "Make the file readable, raise the size limit (`--max-file-size`) if the file is real source code, or, for generated data, dumps and vendored files that should never be checked, add the path to the registry's `exclude` (or `.gitignore`/`.ignore`, which ownlint respects); a change to the registry is reviewed like any other.",
            suppress: "Skipped files cannot carry an inline comment that ownlint would read. Exclude the file (top-level `exclude` in `data-ownership.yaml`, `.gitignore` or `.ignore`). To report skipped files without failing the run, as before ownlint failed closed, set `rules: {skipped-file: warning}` in `data-ownership.yaml` (then `--deny-warnings` fails on them again); `rules: {skipped-file: off}` stops reporting them.",
        },
        Rule::ParseError => RuleDocs {
            what: "Reports a file that could not be parsed completely: a Rust file `syn` rejects where ownlint found something (the statements, function signatures, attributes, `use` items, struct fields and enum variants that hold a finding, and the rest of the items outside functions, such as a struct's name and generics; a syntax error in a statement, signature, attribute, `use` item, field or variant list with nothing in it is not looked for, since it could hide nothing: the Rust analysis reads tokens, not the syntax tree, and the compiler reports the error), a SQL statement no dialect accepts or that is nested too deeply to parse safely, an unterminated string or comment; also a file whose `sqlx::query_file!` target cannot be checked (over `--max-file-size`, unreadable, not UTF-8, refused by the SQL parser), at the macro call, so a run over that file alone still says so. What could be read was still checked (SQL is parsed statement by statement, and SQL that does not parse falls back to a keyword scan), so this is a warning about completeness, not a failure. A file its parser refuses as a whole, so that nothing in it was checked, is a `skipped-file` instead.",
            why: "Accesses in the unparsed part of the file may be missed. Most parse errors come from syntax ownlint does not know yet (a new dialect feature, templated SQL); knowing where they are tells you where the check is weaker.",
            example: "```sql\n-- services/order-service/migrations/0009_partition.sql\nCREATE TABLE order_events PARTITION OF events FOR VALUES IN ('order') WITH ???;\n```\n\n```text\nwarning[parse-error]: services/order-service/migrations/0009_partition.sql could not be parsed completely: expected end of statement, found ???\n  --> services/order-service/migrations/0009_partition.sql:2:72\n```",
            fix: "If the file is invalid, fix it. If it is valid, set the service's `dialect` (`postgres`, `mysql`, `sqlite`, `generic`) so the right SQL dialect is tried first, and report the construct to ownlint. Generated or templated files that are not real source can go under `exclude`.",
            suppress: "Inline, on the line of the finding or the line above it (`// ownlint: allow(parse-error) -- reason`, `--` in SQL, `#` in Python and Ruby), when the file is otherwise fine. Or exclude the file (`exclude` in `data-ownership.yaml`), or set `rules: {parse-error: off}` for the whole repository.",
        },
        Rule::TooManyFindings => RuleDocs {
            what: "Stands for the findings of one file that `ownlint check` does not list: at most 1,000 findings per file are listed (`--max-findings-per-file N` changes it, 0 lists all), and the rest of the file are counted in this one finding, at the first one not listed, with their number by rule. Its severity is that of the most severe finding it stands for (so the `rules` level of `too-many-findings` itself does not change it). The summary's error and warning counts and the exit code include every finding, listed or not; exceptions, inline suppressions and the baseline see every finding before the list is cut.",
            why: "A generated dump or a hostile file can hold a finding every few bytes. Hundreds of thousands of snippets flood a CI log (and exceed GitHub's limits on annotations) and bury the findings that matter, while the first thousand already say what is wrong with the file.",
            example: "```text\nerror[too-many-findings]: 48,211 more findings in `services/order-service/seed/users.sql` are not listed, 1,000 per file at most: 48,211 cross-service-read\n  --> services/order-service/seed/users.sql:1001:15\n```",
            fix: "Fix the findings of the file, or, for a generated file that should not be checked, exclude it in the registry. To see every finding, run with `--max-findings-per-file 0` (with `--format json`, for a tool to read).",
            suppress: "It cannot be suppressed: it stands for findings that each can be. Suppress or fix those, or raise the limit with `--max-findings-per-file`.",
        },
        Rule::InternalError => RuleDocs {
            what: "Reports that ownlint itself failed while analysing a file (a bug: a panic in an extractor, an unexpected state). The file's results are missing, and the run exits with code 3 (incomplete) whatever else was found.",
            why: "A run that silently skipped a file because of a bug would look clean while it is not. Exit code 3 keeps CI from treating an incomplete run as a pass.",
            example: "```text\nerror[internal-error]: ownlint failed on services/order-service/src/repo.rs: index out of bounds; the run is incomplete\n  --> services/order-service/src/repo.rs\n```",
            fix: "Report it to the ownlint maintainers with the file (or a reduced copy) and the message. As a stopgap, add the file to `exclude` in `data-ownership.yaml` so the rest of the repository is checked.",
            suppress: "Do not suppress internal errors: they mean results are missing. Excluding the file (`exclude` in `data-ownership.yaml`) is the only honest stopgap; `rules: {internal-error: off}` hides the finding, and with it the fact that the run is incomplete.",
        },
        Rule::StaleBaseline => RuleDocs {
            what: "Reports an entry of the baseline (`ownlint-baseline.json`, or the file given with `--baseline`) that no longer matches any finding: the violation it recorded was fixed or removed. Entries are keyed by a stable fingerprint (rule, service, subject, path and the normalized source line, never the line number), so moving code up or down a file does not make entries stale. When `check` is given file arguments, only entries for those files can be stale.",
            why: "The baseline lets a repository adopt ownlint without fixing every existing violation first; it must only ever shrink. A fixed violation left in the baseline would allow the same violation to come back unnoticed.",
            example: "```text\n# the read of `orders` in services/user-service/src/dashboard.rs was replaced by an API call,\n# but ownlint-baseline.json still records it\n```\n\n```text\nerror[stale-baseline]: baseline entry for cross-service-read in services/user-service/src/dashboard.rs no longer matches any finding\n  help: run `ownlint baseline --update`\n```",
            fix: "Run `ownlint baseline --update` and commit the smaller `ownlint-baseline.json`.",
            suppress: "Update the baseline instead (`ownlint baseline --update`). To report stale entries without failing the run, set `rules: {stale-baseline: warning}` in `data-ownership.yaml` (or `off`).",
        },
    }
}
