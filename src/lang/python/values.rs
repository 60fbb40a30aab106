//! Module constants across files: a module's `ORDERS = "orders"` filled into another
//! module's query (`from .tables import ORDERS`, `from app.db import tables` then
//! `tables.ORDERS`, `import app.db.tables as t` then `t.ORDERS`).
//!
//! The file reports the constants it binds at module level whose value is a table
//! name, named by its path (`services/billing/app/tables.py#ORDERS`), and the imported
//! names it used without a value, named by the module as written ([`key`]): only the
//! scan can tell which file an absolute import means (the service's own import roots
//! first), so it resolves those keys and hands the file their values
//! ([`Known`](crate::lang::values::Known), by the same keys). A local name bound both
//! by an import and otherwise (an assignment, a parameter, a loop or `as` target), or
//! imported twice from different places, is never filled: an unknown hole is never
//! guessed.

use super::Extractor;
use super::templates::Fill;
use crate::lang::embedded::Embedded;
use crate::lang::script::{Kind, Literals, is_ident_char};
use crate::lang::sql::HOLE;
use crate::lang::values::{Define, Values, is_name};
use crate::model::{Origin, Place};

/// The module an imported name comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Module {
    /// An absolute import, by its dotted name (`app.db.tables`).
    Dotted(String),
    /// A relative import, by its path in the repository without `.py`, joined onto the
    /// importing package (`services/billing/app/tables`; `""` is the root).
    Path(String),
}

impl Module {
    /// The submodule `part` of this module (`app.db` → `app.db.tables`).
    fn child(&self, part: &str) -> Module {
        match self {
            Module::Dotted(d) => Module::Dotted(format!("{d}.{part}")),
            Module::Path(p) if p.is_empty() => Module::Path(part.to_string()),
            Module::Path(p) => Module::Path(format!("{p}/{part}")),
        }
    }
}

/// The key of constant `name` of `module`, as a file asks for it: `app.db.tables#NAME`
/// for an absolute import, `/services/billing/app/tables#NAME` for a relative one.
pub fn key(module: &Module, name: &str) -> String {
    match module {
        Module::Dotted(d) => format!("{d}#{name}"),
        Module::Path(p) => format!("/{p}#{name}"),
    }
}

/// The module and constant name of a [`key`].
pub fn parse_key(key: &str) -> Option<(Module, &str)> {
    let (module, name) = key.rsplit_once('#')?;
    let module = match module.strip_prefix('/') {
        Some(path) => Module::Path(path.to_string()),
        None => Module::Dotted(module.to_string()),
    };
    Some((module, name))
}

/// The name by which a module's constant is defined: `path/of/module.py#NAME`.
pub fn define_name(path: &str, name: &str) -> String {
    format!("{path}#{name}")
}

/// What an import binds a local name to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Bound {
    /// `import app.db.tables as t` (`t`), `import app.db` (`app`): a module.
    Module(Module),
    /// `from m import N`: name `N` of module `m`, which may also be a submodule.
    Name(Module, String),
}

fn is_ident(p: &str) -> bool {
    p.bytes().next().is_some_and(|c| !c.is_ascii_digit()) && p.bytes().all(is_ident_char)
}

impl<'a> Extractor<'a> {
    /// Records the local names an `import` or `from .. import` statement binds.
    pub(super) fn bind_imports(&mut self, s: usize, e: usize) {
        let code = &self.code;
        let mut bound: Vec<(&'a str, Bound)> = Vec::new();
        if code.text(s) == "import" {
            let mut i = s + 1;
            while i < e {
                let (parts, next) = self.dotted_parts(i, e);
                let Some(first) = parts.first().copied() else {
                    break;
                };
                i = next;
                if code.is_name(i, "as") && code.kind(i + 1) == Some(Kind::Name) {
                    bound.push((
                        code.text(i + 1),
                        Bound::Module(Module::Dotted(parts.join("."))),
                    ));
                    i += 2;
                } else {
                    bound.push((first, Bound::Module(Module::Dotted(first.to_string()))));
                }
                if !code.is_op(i, ",") {
                    break;
                }
                i += 1;
            }
        } else {
            let mut i = s + 1;
            let mut dots = 0usize;
            while i < e && code.kind(i) == Some(Kind::Op) && matches!(code.text(i), "." | "...") {
                dots += code.text(i).len();
                i += 1;
            }
            let (parts, next) = self.dotted_parts(i, e);
            let module = if dots == 0 {
                if parts.is_empty() {
                    return;
                }
                Module::Dotted(parts.join("."))
            } else {
                let Some(base) = self.package_dir(dots) else {
                    return;
                };
                parts.iter().fold(Module::Path(base), |m, p| m.child(p))
            };
            if !code.is_name(next, "import") {
                return;
            }
            let mut i = next + 1;
            while i < e {
                if code.kind(i) != Some(Kind::Name) {
                    i += 1;
                    continue;
                }
                let name = code.text(i);
                let local = if code.is_name(i + 1, "as") && code.kind(i + 2) == Some(Kind::Name) {
                    i += 2;
                    code.text(i)
                } else {
                    name
                };
                bound.push((local, Bound::Name(module.clone(), name.to_string())));
                i += 1;
            }
        }
        for (local, b) in bound {
            let entry = self.imports.entry(local).or_insert_with(|| Some(b.clone()));
            if entry.as_ref() != Some(&b) {
                *entry = None;
            }
        }
    }

    /// Records the names statement `s..e` binds other than by assignment: a `def`'s
    /// parameters, `for` targets (loops and comprehensions), `as` targets of `with`
    /// and `except`. Such a name may hide an imported one, which is then never filled.
    pub(super) fn bind_shadows(&mut self, s: usize, e: usize) {
        let code = &self.code;
        if matches!(code.text(s), "import" | "from") {
            return;
        }
        let def = (s..e.min(s + 2)).find(|&i| code.is_name(i, "def"));
        let mut in_for = false;
        for i in s..e {
            if code.kind(i) != Some(Kind::Name) {
                continue;
            }
            let t = code.text(i);
            match t {
                "for" => in_for = true,
                "in" => in_for = false,
                _ => {
                    let after_as = i > s && code.is_name(i - 1, "as");
                    let param = def.is_some_and(|d| i > d + 1)
                        && (code.is_op(i - 1, "(")
                            || code.is_op(i - 1, ",")
                            || code.is_op(i - 1, "*")
                            || code.is_op(i - 1, "**"))
                        && !code.is_op(i + 1, ".");
                    if in_for || after_as || param {
                        self.shadowed.insert(t);
                    }
                }
            }
        }
    }

    /// The names of a dotted module name starting at token `i`, and the token after.
    fn dotted_parts(&self, i: usize, e: usize) -> (Vec<&'a str>, usize) {
        let code = &self.code;
        let mut parts = Vec::new();
        let mut j = i;
        while j < e && code.kind(j) == Some(Kind::Name) && code.text(j) != "import" {
            parts.push(code.text(j));
            if code.is_op(j + 1, ".") && code.kind(j + 2) == Some(Kind::Name) {
                j += 2;
            } else {
                j += 1;
                break;
            }
        }
        (parts, j)
    }

    /// The value of a name imported from another module, as written here (`ORDERS`,
    /// `tables.ORDERS`, `app.db.tables.ORDERS`), from the values the scan handed over;
    /// a miss is noted as open. A name this file also binds itself is never filled.
    pub(super) fn imported_value(&self, written: &str) -> Option<(String, Origin)> {
        let parts: Vec<&str> = written.split('.').collect();
        if !parts.iter().all(|p| is_ident(p)) {
            return None;
        }
        let (&head, rest) = parts.split_first()?;
        if self.consts.is_bound(head) || self.shadowed.contains(head) {
            return None;
        }
        let bound = self.imports.get(head)?.as_ref()?;
        let (module, name) = match (bound, rest.split_last()) {
            (Bound::Name(m, n), None) => (m.clone(), n.as_str()),
            (Bound::Name(m, n), Some((last, mid))) => {
                (mid.iter().fold(m.child(n), |m, p| m.child(p)), *last)
            }
            (Bound::Module(_), None) => return None,
            (Bound::Module(m), Some((last, mid))) => {
                (mid.iter().fold(m.clone(), |m, p| m.child(p)), *last)
            }
        };
        let key = key(&module, name);
        match self.known.and_then(|k| k.get(&key)) {
            Some((value, id)) => Some((
                value.to_string(),
                Origin {
                    name: name.to_string(),
                    place: Place::Elsewhere(id),
                },
            )),
            None => {
                self.open.borrow_mut().push(key);
                None
            }
        }
    }

    pub(super) fn imported_fill(&self, written: &str) -> Option<Fill> {
        self.imported_value(written)
            .map(|(v, o)| Fill::Imported(v, o))
    }

    /// What this module offers the others: its module-level constants bound once to a
    /// table name, and the imported names it could not fill.
    pub(super) fn values(&self) -> Values {
        let mut defines: Vec<Define> = Vec::new();
        for &(name, lit) in &self.module_consts {
            if self.consts.get(name) != Some(lit)
                || defines
                    .iter()
                    .any(|d| d.name.ends_with(&format!("#{name}")))
            {
                continue;
            }
            let mut value = Embedded::new();
            self.push_plain(&mut value, lit);
            let value = value.text();
            if !is_name(value) || value.contains(HOLE) {
                continue;
            }
            let (a, b) = self.code.lits[lit].body;
            defines.push(Define::constant(
                define_name(self.path, name),
                value.to_string(),
                a..b,
            ));
        }
        Values::new(defines, self.open.take())
    }
}
