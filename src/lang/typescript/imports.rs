//! Imports: `import`, `export .. from`, `import()` and `require()` as imports of
//! packages and paths (Node's built-in modules left out), and `import { A } from "./x"`
//! as a binding of another module's constant (see [`super::constants`]).

use super::lex::Kind;
use super::{CHAIN_STEPS, Extractor, module_key};
use crate::model::{Access, ImportRef};

/// Node's built-in modules: imports of these never cross a service boundary.
const NODE_BUILTINS: &[&str] = &[
    "assert",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "diagnostics_channel",
    "dns",
    "domain",
    "events",
    "fs",
    "http",
    "http2",
    "https",
    "inspector",
    "module",
    "net",
    "os",
    "path",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "repl",
    "stream",
    "string_decoder",
    "timers",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
];

/// A module path without a JavaScript or TypeScript extension (`./db.js` is `./db`).
pub(super) fn strip_extension(path: &str) -> &str {
    const EXTENSIONS: &[&str] = &[
        ".d.ts", ".tsx", ".ts", ".jsx", ".js", ".mjs", ".cjs", ".mts", ".cts",
    ];
    EXTENSIONS
        .iter()
        .find_map(|e| path.strip_suffix(e))
        .unwrap_or(path)
}

/// Resolves a relative import against the importing file's directory; `None` when it
/// climbs out of the repository.
pub(super) fn resolve_relative(path: &str, spec: &str) -> Option<String> {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    crate::lang::join_relative(dir, spec)
}

impl<'a> Extractor<'a> {
    /// `import { A, B as C } from './x'` and `import * as ns from './x'`: the local
    /// names bound to another module's exports, by key (see [`module_key`]).
    pub(super) fn imported_names(&mut self, i: usize) {
        let mut names: Vec<(String, String)> = Vec::new();
        let mut k = i + 1;
        if self.is_ident(k, "type") {
            return;
        }
        // A default import before the named ones: `import Db, { T } from './db'`.
        if self.ident(k).is_some() && self.is_punct(k + 1, b',') {
            k += 2;
        }
        if self.is_punct(k, b'*') && self.is_ident(k + 1, "as") {
            let Some(local) = self.ident(k + 2) else {
                return;
            };
            names.push((local.to_string(), String::new()));
            k += 3;
        } else if self.is_punct(k, b'{') {
            let close = self.skip(k);
            let mut j = k + 1;
            while j + 1 < close {
                let Some(name) = self.ident(j) else {
                    j += 1;
                    continue;
                };
                if self.is_ident(j + 1, "as")
                    && let Some(local) = self.ident(j + 2)
                {
                    names.push((local.to_string(), name.to_string()));
                    j += 3;
                } else {
                    names.push((name.to_string(), name.to_string()));
                    j += 1;
                }
            }
            k = close;
        } else {
            return;
        }
        if !self.is_ident(k, "from") {
            return;
        }
        let Some((s, e)) = self.plain_literal(k + 1) else {
            return;
        };
        let spec = &self.text[s..e];
        if !(spec.starts_with("./") || spec.starts_with("../")) {
            return;
        }
        let Some(module) = resolve_relative(self.path, strip_extension(spec)) else {
            return;
        };
        for (local, name) in names {
            self.imports.insert(local, module_key(&module, &name));
        }
    }

    /// `import .. from "x"`, `import "x"`, `import("x")`.
    pub(super) fn import_stmt(&mut self, i: usize) {
        if self.is_punct(i + 1, b'(') {
            if let Some(lit) = self.plain_literal(i + 2) {
                self.emit_import(lit);
            }
            return;
        }
        if self.plain_literal(i + 1).is_some() {
            if let Some(lit) = self.plain_literal(i + 1) {
                self.emit_import(lit);
            }
            return;
        }
        if self.is_punct(i + 1, b'.') {
            return; // import.meta
        }
        let mut k = i + 1;
        for _ in 0..CHAIN_STEPS {
            match self.kind(k) {
                Some(Kind::Ident) if self.is_ident(k, "from") => {
                    if let Some(lit) = self.plain_literal(k + 1) {
                        self.emit_import(lit);
                        return;
                    }
                    k += 1;
                }
                Some(Kind::Ident | Kind::Punct(b'*' | b',')) => k += 1,
                Some(Kind::Punct(b'{')) => k = self.skip(k),
                _ => return,
            }
        }
    }

    /// `export * from "x"`, `export { a } from "x"`, `export type { T } from "x"`.
    pub(super) fn export_from(&mut self, i: usize) {
        let mut k = i + 1;
        if self.is_ident(k, "type") {
            k += 1;
        }
        if self.is_punct(k, b'*') {
            k += 1;
            if self.is_ident(k, "as") {
                k += 2;
            }
        } else if self.is_punct(k, b'{') {
            k = self.skip(k);
        } else {
            return;
        }
        if self.is_ident(k, "from")
            && let Some(lit) = self.plain_literal(k + 1)
        {
            self.emit_import(lit);
        }
    }

    /// `require("x")`.
    pub(super) fn require_call(&mut self, i: usize) {
        if self.is_punct(i + 1, b'(')
            && self.is_punct(i + 3, b')')
            && let Some(lit) = self.plain_literal(i + 2)
        {
            self.emit_import(lit);
        }
    }

    fn emit_import(&mut self, (s, e): (usize, usize)) {
        let spec = &self.text[s..e];
        let target =
            if spec == "." || spec == ".." || spec.starts_with("./") || spec.starts_with("../") {
                match resolve_relative(self.path, spec) {
                    Some(p) => ImportRef::Path(p),
                    None => return,
                }
            } else if spec.is_empty()
                || spec.starts_with('/')
                || spec.starts_with("node:")
                || spec.contains("://")
                || NODE_BUILTINS.contains(&spec.split('/').next().unwrap_or(spec))
            {
                return;
            } else {
                ImportRef::Package(spec.to_string())
            };
        self.out.push(Access::import(target, s, e - s));
    }
}
