//! Imports: `import a.b`, `from a.b import c` (a package, unless the standard library
//! has it) and relative `from .x import y` / `from . import a, b` (a path in the
//! repository, resolved against the file's own package directory).

use super::Extractor;
use crate::lang::script::Kind;
use crate::model::{Access, ImportRef};

/// Top-level modules of the standard library that never name a service package.
const STDLIB: &[&str] = &[
    "__future__",
    "abc",
    "argparse",
    "array",
    "ast",
    "asyncio",
    "atexit",
    "base64",
    "bisect",
    "builtins",
    "calendar",
    "codecs",
    "collections",
    "concurrent",
    "configparser",
    "contextlib",
    "contextvars",
    "copy",
    "csv",
    "ctypes",
    "dataclasses",
    "datetime",
    "decimal",
    "difflib",
    "email",
    "enum",
    "errno",
    "fnmatch",
    "fractions",
    "functools",
    "gc",
    "getpass",
    "glob",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "locale",
    "logging",
    "math",
    "mimetypes",
    "multiprocessing",
    "numbers",
    "operator",
    "os",
    "pathlib",
    "pickle",
    "pkgutil",
    "platform",
    "pprint",
    "queue",
    "random",
    "re",
    "secrets",
    "select",
    "shlex",
    "shutil",
    "signal",
    "socket",
    "sqlite3",
    "ssl",
    "statistics",
    "string",
    "struct",
    "subprocess",
    "sys",
    "tarfile",
    "tempfile",
    "textwrap",
    "threading",
    "time",
    "timeit",
    "tomllib",
    "traceback",
    "types",
    "typing",
    "unicodedata",
    "unittest",
    "urllib",
    "uuid",
    "warnings",
    "weakref",
    "xml",
    "zipfile",
    "zlib",
    "zoneinfo",
];

impl Extractor<'_> {
    pub(super) fn import(&mut self, s: usize, e: usize) {
        if self.code.text(s) == "import" {
            let mut i = s + 1;
            while i < e {
                let (name, start, end, next) = self.dotted(i, e);
                if !name.is_empty() {
                    self.package(name, start, end);
                }
                // Skip `as alias` up to the next comma.
                i = next;
                while i < e && !self.code.is_op(i, ",") {
                    i += 1;
                }
                i += 1;
            }
            return;
        }
        // from [dots]module import names
        let mut i = s + 1;
        let mut dots = 0usize;
        let first = self.code.tok(i).map_or(0, |t| t.start);
        while i < e
            && self.code.kind(i) == Some(Kind::Op)
            && matches!(self.code.text(i), "." | "...")
        {
            dots += self.code.text(i).len();
            i += 1;
        }
        let (module, _, mod_end, next) = self.dotted(i, e);
        if dots == 0 {
            if !module.is_empty() {
                let start = self.code.tok(i).map_or(0, |t| t.start);
                self.package(module, start, mod_end);
            }
            return;
        }
        let Some(base) = self.package_dir(dots) else {
            return;
        };
        if !module.is_empty() {
            let path = join(&base, &module.replace('.', "/"));
            self.out.push(Access::import(
                ImportRef::Path(path),
                first,
                mod_end - first,
            ));
            return;
        }
        // `from . import a, b`: each name is a module of the package.
        for i in next + 1..e {
            if self.code.kind(i) == Some(Kind::Name)
                && self.code.text(i) != "as"
                && self.code.text(i - 1) != "as"
            {
                let t = self.code.toks[i];
                let path = join(&base, self.code.text(i));
                self.out.push(Access::import(
                    ImportRef::Path(path),
                    t.start,
                    t.end - t.start,
                ));
            }
        }
    }

    /// A dotted name starting at token `i`: (text, start, end, token after).
    fn dotted(&self, i: usize, e: usize) -> (String, usize, usize, usize) {
        let mut name = String::new();
        let mut j = i;
        let start = self.code.tok(i).map_or(0, |t| t.start);
        let mut end = start;
        while j < e && self.code.kind(j) == Some(Kind::Name) && self.code.text(j) != "import" {
            name.push_str(self.code.text(j));
            end = self.code.toks[j].end;
            if self.code.is_op(j + 1, ".") && j + 2 < e {
                name.push('.');
                j += 2;
            } else {
                j += 1;
                break;
            }
        }
        (name.trim_end_matches('.').to_string(), start, end, j)
    }

    fn package(&mut self, name: String, start: usize, end: usize) {
        let top = name.split('.').next().unwrap_or("");
        if STDLIB.contains(&top) {
            return;
        }
        self.out
            .push(Access::import(ImportRef::Package(name), start, end - start));
    }

    /// The directory `dots` levels up: one dot is the file's own package directory.
    pub(super) fn package_dir(&self, dots: usize) -> Option<String> {
        let mut parts: Vec<&str> = self.path.split('/').collect();
        parts.pop();
        for _ in 1..dots {
            parts.pop()?;
        }
        Some(parts.join("/"))
    }
}

fn join(base: &str, rest: &str) -> String {
    if base.is_empty() {
        rest.to_string()
    } else {
        format!("{base}/{rest}")
    }
}
