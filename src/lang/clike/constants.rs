//! Value tracking: the string constants a file declares (`const`, `final`, `val`,
//! `readonly`, Go package-level `var`s nothing assigns), the values other files of
//! the package contribute ([`Known`]), and what the file tells its package
//! ([`Values`]) so the scan can fill holes across files.
//!
//! Only immutable, unambiguous constants are followed: a name declared twice with
//! different text, or a Go `var` assigned anywhere, is dropped rather than guessed.

use std::collections::{HashMap, HashSet};

use super::lex::Dialect;
use super::source::Source;
use super::strings::StrLit;
use crate::lang::values::{self, Define, Values};

/// A constant's value: a literal of this file or a definition in another file.
#[derive(Clone, Copy)]
pub(super) enum Value<'a> {
    /// The literal token of a constant of this file.
    Local(usize),
    /// The value of another file's constant and the scan's index of it.
    Outer(&'a str, usize),
}

/// How a constant is declared, when it is one.
struct Decl<'a> {
    /// Other files of the package may use it.
    package_level: bool,
    /// The class or object it is a member of, for `Owner.NAME`.
    owner: Option<&'a str>,
    /// A Go `var`: a constant only while nothing assigns it.
    var: bool,
}

impl<'a> Source<'a> {
    /// The literal token of this file's string constant `name`.
    pub fn constant(&self, name: &str) -> Option<usize> {
        self.constants.get(name).copied()
    }

    /// The value of constant `name`: this file's, or else another file's of the
    /// package.
    pub(super) fn value(&self, name: &str) -> Option<Value<'a>> {
        if let Some(l) = self.constant(name) {
            return Some(Value::Local(l));
        }
        let (v, id) = self.known?.get(name)?;
        Some(Value::Outer(v, id))
    }

    /// The name `T` or `Owner.T` written by tokens `first..end`, if it is one.
    fn name_at(&self, first: usize, end: usize) -> Option<String> {
        let head = self.ident(first)?;
        match end.checked_sub(first)? {
            1 => Some(head.to_string()),
            3 if self.punct(first + 1) == "." => Some(format!("{head}.{}", self.ident(first + 2)?)),
            _ => None,
        }
    }

    /// The value of the name written by tokens `first..end`; a name without one is
    /// noted as open (another file of the package may define it).
    pub(super) fn name_value(&self, first: usize, end: usize) -> Option<Value<'a>> {
        let name = self.name_at(first, end)?;
        let value = self.value(&name);
        if value.is_none() {
            self.open.borrow_mut().push(name);
        }
        value
    }

    /// Records `NAME = "literal"` declarations that are immutable by the language's
    /// rules (`const`, `final`, `val`, `readonly`, or inside a Go `const ( .. )`
    /// block), and Go package-level `var`s that nothing assigns again. A name declared
    /// twice with different text is dropped: not guessing.
    pub(super) fn collect_constants(&mut self) {
        let mut seen: HashMap<String, Option<usize>> = HashMap::new();
        let mut package_level = Vec::new();
        let mut decls: Vec<usize> = Vec::new();
        let mut vars: HashSet<&str> = HashSet::new();
        for j in 2..self.toks.len() {
            if self.punct(j - 1) != "=" || self.lit(j).is_none_or(StrLit::has_holes) {
                continue;
            }
            if matches!(self.punct(j + 1), "+" | "." | "(" | "[" | "?" | "?.") {
                continue;
            }
            let mut name = j - 2;
            if self.dialect == Dialect::Go
                && self.ident(j - 2) == Some("string")
                && self.ident(j.wrapping_sub(3)).is_some()
            {
                name = j - 3;
            } else if self.dialect == Dialect::Kotlin && self.punct(j.wrapping_sub(3)) == ":" {
                name = j.saturating_sub(4);
            }
            let Some(n) = self.ident(name) else { continue };
            let Some(decl) = self.declaration(name) else {
                continue;
            };
            decls.push(name);
            if decl.var {
                vars.insert(n);
            }
            let text = self.lit_text(j);
            let qualified = decl.owner.map(|o| format!("{o}.{n}"));
            for key in std::iter::once(n.to_string()).chain(qualified) {
                if decl.package_level {
                    package_level.push((key.clone(), j));
                }
                let entry = seen.entry(key).or_insert(Some(j));
                if let Some(prev) = *entry
                    && self.lit_text(prev) != text
                {
                    *entry = None;
                }
            }
        }
        self.assigned = self.assignments(&decls);
        for a in &self.assigned {
            if vars.contains(a.as_str()) {
                seen.remove(a);
            }
        }
        self.vars = vars.iter().map(|v| v.to_string()).collect();
        self.constants = seen
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect();
        package_level.retain(|(k, j)| self.constants.get(k) == Some(j));
        self.package_level = package_level;
    }

    /// Go: the names assigned anywhere but at a declaration (`x = ..`, `x += ..`,
    /// `a, x = ..`, `&x`): a package-level `var` assigned in any file of the package
    /// is no constant. Other languages' constants cannot be assigned.
    fn assignments(&self, declared: &[usize]) -> Vec<String> {
        if self.dialect != Dialect::Go {
            return Vec::new();
        }
        let mut out: Vec<String> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for k in 0..self.toks.len() {
            let Some(name) = self.ident(k) else { continue };
            // `declared` is in token order.
            if declared.binary_search(&k).is_ok() || (k > 0 && self.punct(k - 1) == ".") {
                continue;
            }
            let mut next = k + 1;
            // `a, b.c, x = ..`: the names of a multiple assignment.
            for _ in 0..16 {
                if self.punct(next) == "," || self.punct(next) == "." {
                    next += 2;
                } else {
                    break;
                }
            }
            let assigned = matches!(self.punct(next), "=" | "+=")
                || (k > 0 && self.punct(k - 1) == "&")
                || matches!(self.punct(k + 1), "++" | "--");
            if assigned && seen.insert(name) {
                out.push(name.to_string());
            }
        }
        out
    }

    /// How the name at token `name` is declared, if as a constant.
    fn declaration(&self, name: usize) -> Option<Decl<'a>> {
        let words = self.dialect.const_words();
        let mut modifiers: Vec<&str> = Vec::new();
        let mut k = name;
        for _ in 0..8 {
            if k == 0 {
                break;
            }
            k -= 1;
            match self.ident(k) {
                Some(w) => modifiers.push(w),
                None if self.punct(k) == "." => {}
                None => break,
            }
        }
        let has = |w: &str| modifiers.contains(&w);
        let enclosing = self.enclosing(name);
        if self.dialect == Dialect::Go {
            // `const X = ..`, `var X = ..`, or inside `const ( .. )`/`var ( .. )`.
            let group =
                enclosing.filter(|&o| self.punct(o) == "(" && o > 0 && self.enclosing(o).is_none());
            let group_word = group.and_then(|o| self.ident(o - 1));
            let top = enclosing.is_none() || group_word.is_some();
            let word = modifiers.first().copied().or(group_word);
            return match word {
                Some("const") => Some(Decl {
                    package_level: top,
                    owner: None,
                    var: false,
                }),
                // An exported variable may be assigned by any package that imports
                // it, which this package's files do not show: only unexported ones.
                Some("var")
                    if top
                        && !self.text[self.toks[name].start..].starts_with(char::is_uppercase) =>
                {
                    Some(Decl {
                        package_level: true,
                        owner: None,
                        var: true,
                    })
                }
                _ if enclosing.is_some_and(|o| {
                    self.punct(o) == "(" && o > 0 && self.is_word(o - 1, "const")
                }) =>
                {
                    Some(Decl {
                        package_level: false,
                        owner: None,
                        var: false,
                    })
                }
                _ => None,
            };
        }
        if !words.iter().any(|w| has(w)) {
            return None;
        }
        let owner = enclosing.and_then(|o| self.owner(o));
        let package_level = match self.dialect {
            Dialect::Java => has("static") && owner.is_some(),
            Dialect::Kotlin => enclosing.is_none() || owner.is_some_and(|(_, object)| object),
            Dialect::CSharp => (has("const") || has("static")) && owner.is_some(),
            Dialect::Go => false,
        };
        Some(Decl {
            package_level,
            owner: owner.map(|(o, _)| o),
            var: false,
        })
    }

    /// The class, interface or object whose body opens at `brace`, and whether it is
    /// a Kotlin `object` (whose members are static). A companion object's members
    /// belong to the class around it.
    fn owner(&self, brace: usize) -> Option<(&'a str, bool)> {
        if self.punct(brace) != "{" {
            return None;
        }
        let mut k = brace;
        for _ in 0..48 {
            k = k.checked_sub(1)?;
            match self.punct(k) {
                ";" | "{" | "}" | "=" => return None,
                // Skip a parameter list, supertype arguments or annotations' arguments.
                ")" => k = self.partner(k)?,
                _ => {}
            }
            match self.ident(k) {
                Some("class" | "interface" | "enum" | "record" | "struct") => {
                    return self.ident(k + 1).map(|n| (n, false));
                }
                Some("object") => {
                    if k > 0 && self.is_word(k - 1, "companion") {
                        let outer = self.enclosing(brace)?;
                        return self.owner(outer).map(|(n, _)| (n, true));
                    }
                    return self.ident(k + 1).map(|n| (n, true));
                }
                _ => {}
            }
        }
        None
    }

    /// The package the file declares: `package a.b` (Go, Java, Kotlin) or the first
    /// `namespace A.B` (C#).
    fn unit(&self) -> Option<String> {
        let word = if self.dialect == Dialect::CSharp {
            "namespace"
        } else {
            "package"
        };
        let at = (0..self.toks.len())
            .find(|&k| self.is_word(k, word) && (k == 0 || self.toks[k].nl_before))?;
        let mut name = String::new();
        let mut k = at + 1;
        while let Some(part) = self.ident(k) {
            name.push_str(part);
            if self.punct(k + 1) != "." {
                break;
            }
            name.push('.');
            k += 2;
        }
        (!name.is_empty()).then_some(name)
    }

    /// What this file tells its package about constants (see [`values`]).
    pub(super) fn values(&self) -> Values {
        let defines = self
            .package_level
            .iter()
            .filter_map(|(name, l)| {
                let value = self.lit_text(*l);
                let t = self.toks[*l];
                values::is_name(&value).then(|| Define {
                    var: self.vars.contains(name),
                    name: name.clone(),
                    value,
                    offset: t.start,
                    len: t.end - t.start,
                })
            })
            .collect();
        Values {
            unit: self.unit(),
            assigned: self.assigned.clone(),
            ..Values::new(defines, self.open.take())
        }
    }
}
