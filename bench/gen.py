#!/usr/bin/env python3
"""Generates a synthetic monorepo for ownlint's benchmark, deterministically.

The tree looks like a real multi-service repository: each service has one primary
language (Rust, TypeScript or Python) with its manifest, nested source modules, a few
SQL migrations and a README. About `--sql-ratio` of the files touch SQL naming
tables (mostly the service's own, ~3% of those another service's); the rest is
ordinary code of the same shape and size (imports of its own package, functions,
structs, comments) that names no table. A few files carry planted cross-service
imports so that resolution runs too.

Output, under OUT:
  repo/                   the tree, with data-ownership.yaml at its root
  tables.txt              every table name of the registry, one a line (for `rg -f`)
  files.txt               every generated file, repo-relative (for pre-commit runs)
  stats.json              files and bytes

Same arguments, same seed: byte-identical output.
"""

import argparse
import json
import os
import random
import shutil

DOMAINS = [
    "billing", "catalog", "orders", "inventory", "shipping", "payments", "users",
    "reviews", "search", "pricing", "loyalty", "fraud", "ledger", "returns",
    "warehouse", "notify", "identity", "tax", "promo", "cart", "checkout",
    "analytics", "support", "vendor", "content", "media", "routing", "fleet",
    "booking", "invoice", "audit", "consent", "profile", "session", "quota",
    "metering", "payout", "refund", "dispute", "kyc",
]
QUALIFIERS = [
    "core", "edge", "batch", "sync", "live", "ops", "hub", "lab", "desk", "flow",
]
NOUNS = [
    "accounts", "entries", "items", "events", "records", "snapshots", "links",
    "rules", "limits", "notes", "tokens", "batches", "schedules", "requests",
    "allocations", "adjustments", "settlements", "mappings", "versions", "jobs",
    "attempts", "holds", "claims", "grants", "slots", "quotes", "balances",
    "segments", "labels", "channels",
]
TABLE_SUFFIXES = [
    "archive", "history", "daily", "monthly", "staging", "audit", "v2", "v3",
    "shadow", "legacy", "rollup", "queue", "cache", "index", "log", "draft",
]
# Words for ordinary code: none of them is a table, service or marker word.
WORDS = [
    "value", "handler", "request", "response", "config", "client", "buffer", "retry",
    "timeout", "result", "context", "payload", "header", "metric", "counter",
    "span", "trace", "cursor", "window", "budget", "policy", "factory", "builder",
    "adapter", "parser", "writer", "reader", "worker", "pool", "lease", "signal",
    "state", "status", "error", "reason", "detail", "option", "flag", "width",
    "height", "offset", "length", "amount", "currency", "region", "zone", "locale",
]


def service_names(n):
    """n distinct (service name, directory, identifier) triples."""
    out = []
    for i in range(n):
        d = DOMAINS[i % len(DOMAINS)]
        q = i // len(DOMAINS)
        base = d if q == 0 else f"{d}-{QUALIFIERS[(q - 1) % len(QUALIFIERS)]}{'' if q <= len(QUALIFIERS) else q}"
        out.append((f"{base}-service", base, base.replace("-", "_")))
    return out


def tables_for(ident, count):
    """`count` table names for the service whose identifier is `ident`."""
    names = []
    for noun in NOUNS:
        names.append(f"{ident}_{noun}")
    for noun in NOUNS:
        for suffix in TABLE_SUFFIXES:
            names.append(f"{ident}_{noun}_{suffix}")
    k = 0
    while len(names) < count:
        names.append(f"{ident}_{NOUNS[k % len(NOUNS)]}_p{k}")
        k += 1
    return names[:count]


class Gen:
    def __init__(self, rng):
        self.rng = rng

    def word(self):
        return self.rng.choice(WORDS)

    def ident(self):
        return f"{self.word()}_{self.word()}"

    def camel(self):
        a, b = self.word(), self.word()
        return a.capitalize() + b.capitalize()

    def comment_line(self, prefix):
        return f"{prefix} {' '.join(self.word() for _ in range(self.rng.randint(5, 12)))}\n"

    def target_size(self):
        # Source files of real repos: mostly 1-6 KB, a long tail up to ~24 KB.
        r = self.rng.random()
        if r < 0.15:
            return self.rng.randint(300, 1200)
        if r < 0.85:
            return self.rng.randint(1200, 6000)
        return self.rng.randint(6000, 24000)

    # ---- SQL ---------------------------------------------------------------------
    def select(self, table, other=None):
        cols = ", ".join(f"t.{self.word()}" for _ in range(self.rng.randint(1, 4)))
        q = f"SELECT {cols} FROM {table} t"
        if other:
            q += f" JOIN {other} o ON o.id = t.{self.word()}_id"
        return q + f" WHERE t.{self.word()} = $1"

    def write(self, table):
        kind = self.rng.randint(0, 2)
        if kind == 0:
            return f"INSERT INTO {table} ({self.word()}, {self.word()}) VALUES ($1, $2)"
        if kind == 1:
            return f"UPDATE {table} SET {self.word()} = $1 WHERE id = $2"
        return f"DELETE FROM {table} WHERE id = $1"

    def query(self, own, foreign, foreign_ratio):
        table = self.rng.choice(own)
        other = None
        if foreign and self.rng.random() < foreign_ratio:
            other = self.rng.choice(foreign)
        elif self.rng.random() < 0.3:
            other = self.rng.choice(own)
        if self.rng.random() < 0.6:
            return self.select(table, other)
        return self.write(other or table)

    def migration(self, own, n):
        out = []
        for t in own[:2] if n == 1 else [own[(n - 1) % len(own)]]:
            out.append(
                f"CREATE TABLE IF NOT EXISTS {t} (\n    id BIGSERIAL PRIMARY KEY,\n"
                f"    {self.word()}_id BIGINT NOT NULL,\n    {self.word()} TEXT,\n"
                f"    created_at TIMESTAMPTZ NOT NULL DEFAULT now()\n);\n"
                f"CREATE INDEX IF NOT EXISTS {t}_{self.word()}_idx ON {t} ({self.word()}_id);\n"
            )
        if n > 1:
            out.append(f"ALTER TABLE {own[0]} ADD COLUMN {self.word()}_{n} TEXT;\n")
        return "-- migration %d\n" % n + "\n".join(out)

    # ---- Rust --------------------------------------------------------------------
    def rust_fn(self, sql):
        name = self.ident()
        body = []
        for _ in range(self.rng.randint(2, 8)):
            v = self.ident()
            body.append(f"    let {v} = {self.word()}.{self.word()}({self.rng.randint(0, 999)})?;\n")
            if self.rng.random() < 0.3:
                body.append(f"    if {v}.is_empty() {{\n        return Err(Error::{self.camel()});\n    }}\n")
        if sql:
            body.append(
                f"    let rows = sqlx::query(\"{sql}\")\n        .bind({self.word()})\n"
                f"        .fetch_all(&self.pool)\n        .await?;\n"
            )
        return (
            self.comment_line("///")
            + f"pub async fn {name}(&self, {self.word()}: &{self.camel()}) -> Result<{self.camel()}, Error> {{\n"
            + "".join(body)
            + f"    Ok({self.camel()}::default())\n}}\n\n"
        )

    def rust_file(self, svc, sqls, cross_import):
        out = [f"//! {self.comment_line('').strip()}\n\n"]
        out.append("use std::collections::HashMap;\nuse serde::{Deserialize, Serialize};\n")
        out.append(f"use crate::{self.word()}::{self.camel()};\n")
        if cross_import:
            out.append(f"use {cross_import}::{self.word()}::{self.camel()};\n")
        out.append("\n")
        out.append(
            f"#[derive(Debug, Clone, Default, Serialize, Deserialize)]\npub struct {self.camel()} {{\n"
            + "".join(f"    pub {self.ident()}: String,\n" for _ in range(self.rng.randint(2, 6)))
            + "}\n\n"
        )
        out.append(f"impl {self.camel()} {{\n")
        size = sum(map(len, out))
        target = self.target_size()
        sqls = list(sqls)
        while size < target or sqls:
            f = self.rust_fn(sqls.pop() if sqls else None)
            out.append(f)
            size += len(f)
        out.append("}\n")
        return "".join(out)

    # ---- TypeScript --------------------------------------------------------------
    def ts_fn(self, sql):
        name = self.camel()
        name = name[0].lower() + name[1:]
        body = []
        for _ in range(self.rng.randint(2, 8)):
            body.append(f"  const {self.word()}{self.rng.randint(0, 99)} = await this.{self.word()}.{self.word()}({self.rng.randint(0, 999)});\n")
            if self.rng.random() < 0.3:
                body.append(f"  if (!{self.word()}) {{\n    throw new Error('{self.word()} {self.word()}');\n  }}\n")
        if sql:
            body.append(f"  const rows = await this.pool.query(`{sql}`, [{self.word()}]);\n")
        return (
            f"  // {self.comment_line('').strip()}\n"
            + f"  async {name}({self.word()}: {self.camel()}): Promise<{self.camel()}> {{\n"
            + "".join(body)
            + f"    return new {self.camel()}();\n  }}\n\n"
        )

    def ts_file(self, svc, sqls, cross_import):
        out = [f"// {self.comment_line('').strip()}\n"]
        out.append(f"import {{ {self.camel()} }} from './{self.word()}';\n")
        out.append(f"import {{ {self.camel()}, {self.camel()} }} from '../{self.word()}/{self.word()}';\n")
        if cross_import:
            out.append(f"import {{ {self.camel()} }} from '{cross_import}';\n")
        out.append(f"\nexport interface {self.camel()} {{\n")
        out.append("".join(f"  {self.word()}{i}: string;\n" for i in range(self.rng.randint(2, 6))))
        out.append(f"}}\n\nexport class {self.camel()} {{\n")
        size = sum(map(len, out))
        target = self.target_size()
        sqls = list(sqls)
        while size < target or sqls:
            f = self.ts_fn(sqls.pop() if sqls else None)
            out.append(f)
            size += len(f)
        out.append("}\n")
        return "".join(out)

    # ---- Python ------------------------------------------------------------------
    def py_fn(self, sql):
        name = self.ident()
        body = []
        for _ in range(self.rng.randint(2, 8)):
            body.append(f"        {self.ident()} = self.{self.word()}.{self.word()}({self.rng.randint(0, 999)})\n")
            if self.rng.random() < 0.3:
                body.append(f"        if not {self.word()}:\n            raise ValueError(\"{self.word()} {self.word()}\")\n")
        if sql:
            body.append(f"        cursor.execute(\"{sql}\", ({self.word()},))\n")
        return (
            f"    def {name}(self, {self.word()}, cursor):\n"
            + f"        \"\"\"{self.comment_line('').strip()}\"\"\"\n"
            + "".join(body)
            + f"        return {self.camel()}()\n\n"
        )

    def py_file(self, pkg, sqls, cross_import):
        out = [f"\"\"\"{self.comment_line('').strip()}\"\"\"\n\n"]
        out.append("import logging\nfrom dataclasses import dataclass\n")
        if self.rng.random() < 0.5:
            out.append(f"from .{self.word()} import {self.camel()}\n")
        if self.rng.random() < 0.3:
            out.append(f"from {pkg}.{self.word()} import {self.camel()}\n")
        if cross_import:
            out.append(f"from {cross_import}.{self.word()} import {self.camel()}\n")
        out.append(f"\n\nclass {self.camel()}:\n")
        size = sum(map(len, out))
        target = self.target_size()
        sqls = list(sqls)
        while size < target or sqls:
            f = self.py_fn(sqls.pop() if sqls else None)
            out.append(f)
            size += len(f)
        return "".join(out)


def write(root, rel, text, files, stats):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = text.encode()
    with open(path, "wb") as f:
        f.write(data)
    files.append(rel)
    stats["files"] += 1
    stats["bytes"] += len(data)


def registry(services, tables):
    out = ["# Generated by bench/gen.py: a synthetic registry for the benchmark.\n", "services:\n"]
    for (name, d, _), owned in zip(services, tables):
        out.append(f"  {name}:\n    paths: [services/{d}]\n    owns:\n")
        out.extend(f"      - {t}\n" for t in owned)
    out.append("exclude: [infra]\n")
    return "".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--services", type=int, default=100)
    ap.add_argument("--files-per-service", type=int, default=200)
    ap.add_argument("--sql-ratio", type=float, default=0.10, help="share of files that touch SQL")
    ap.add_argument(
        "--foreign-ratio",
        type=float,
        default=0.03,
        help="share of queries that also name another service's table",
    )
    ap.add_argument("--tables", type=int, default=500, help="tables in the registry")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--registry-only",
        action="store_true",
        help="rewrite only data-ownership.yaml and tables.txt of an existing OUT (the tree is unchanged)",
    )
    args = ap.parse_args()

    rng = random.Random(args.seed)
    services = service_names(args.services)
    per = max(1, args.tables // args.services)
    tables = [tables_for(ident, per) for _, _, ident in services]
    # Code only names the first few tables of each service; the rest only enlarge the
    # registry (so the tree is the same whatever --tables is).
    used = [t[:5] for t in tables]
    root = os.path.join(args.out, "repo")
    if args.registry_only:
        reg_path = os.path.join(root, "data-ownership.yaml")
        if os.path.exists(reg_path):
            os.unlink(reg_path)  # break a hard link to another tree's registry
        with open(reg_path, "w") as f:
            f.write(registry(services, tables))
        with open(os.path.join(args.out, "tables.txt"), "w") as f:
            f.write("".join(t + "\n" for ts in tables for t in ts))
        return

    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(root)
    g = Gen(rng)
    files = []
    stats = {"files": 0, "bytes": 0}
    langs = ["rust", "ts", "python"]
    for si, (name, d, ident) in enumerate(services):
        lang = langs[si % 3]
        own = used[si]
        foreign = [t for sj, ts in enumerate(used) if sj != si for t in ts[:1]]
        # Cross-service imports go to the next service of the same language.
        other = services[(si + 3) % len(services)]
        base = f"services/{d}"
        budget = args.files_per_service
        # Fixed files: manifest, README, migrations.
        if lang == "rust":
            write(root, f"{base}/Cargo.toml",
                  f"[package]\nname = \"{d}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n"
                  "[dependencies]\nserde = \"1\"\nsqlx = \"0.8\"\n", files, stats)
        elif lang == "ts":
            write(root, f"{base}/package.json",
                  json.dumps({"name": f"@acme/{d}", "version": "1.0.0", "private": True}, indent=2) + "\n",
                  files, stats)
        else:
            write(root, f"{base}/pyproject.toml",
                  f"[project]\nname = \"{d}\"\nversion = \"0.1.0\"\n", files, stats)
        write(root, f"{base}/README.md",
              f"# {name}\n\n" + "".join(g.comment_line("") for _ in range(8)), files, stats)
        budget -= 2
        n_sql_files = max(1, round(args.files_per_service * args.sql_ratio))
        n_migrations = min(5, max(1, n_sql_files // 3), budget)
        for m in range(1, n_migrations + 1):
            write(root, f"{base}/migrations/{m:03d}_{g.word()}.sql", g.migration(own, m), files, stats)
        budget -= n_migrations
        n_sql_code = max(0, n_sql_files - n_migrations)
        modules = [f"{g.word()}" for _ in range(6)]
        pkg = ident
        if lang == "python":
            write(root, f"{base}/{pkg}/__init__.py", "", files, stats)
            for mod in sorted(set(modules)):
                write(root, f"{base}/{pkg}/{mod}/__init__.py", "", files, stats)
                budget -= 1
            budget -= 1
        for k in range(max(0, budget)):
            sql_here = k < n_sql_code
            sqls = [g.query(own, foreign, args.foreign_ratio) for _ in range(rng.randint(1, 3))] if sql_here else []
            # About one file in 400 imports another service's code.
            cross = rng.random() < 0.0025
            mod = modules[k % len(modules)]
            stem = f"{g.word()}_{k}"
            if lang == "rust":
                text = g.rust_file(name, sqls, other[2] if cross else None)
                rel = f"{base}/src/{mod}/{stem}.rs"
            elif lang == "ts":
                text = g.ts_file(name, sqls, f"@acme/{other[1]}" if cross else None)
                rel = f"{base}/src/{mod}/{stem}.ts"
            else:
                text = g.py_file(pkg, sqls, other[2] if cross else None)
                rel = f"{base}/{pkg}/{mod}/{stem}.py"
            write(root, rel, text, files, stats)

    with open(os.path.join(root, "data-ownership.yaml"), "w") as f:
        f.write(registry(services, tables))
    with open(os.path.join(root, ".gitignore"), "w") as f:
        f.write("target/\nnode_modules/\n")
    with open(os.path.join(args.out, "tables.txt"), "w") as f:
        f.write("".join(t + "\n" for ts in tables for t in ts))
    with open(os.path.join(args.out, "files.txt"), "w") as f:
        f.write("".join(p + "\n" for p in files))
    with open(os.path.join(args.out, "stats.json"), "w") as f:
        json.dump(stats, f)


if __name__ == "__main__":
    main()
