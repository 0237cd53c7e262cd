//! Where a resource instance's arguments are written, as a source that reads files saw
//! them: what a source without files (a Terraform plan) borrows to point its findings at
//! file and line. `Recorder` wraps any `Reader` and keeps, while a kind reads an
//! instance, where each answer is written and how its value got there; `Located` is what
//! it kept.

use std::cell::RefCell;
use std::collections::HashMap;

use super::{Meta, Origin, Reader, Reference, Setting, Step};

/// Where one argument is written and the hops from it to the literal that decides it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Place {
    pub at: Option<Origin>,
    pub source: Vec<Step>,
}

/// What a `Recorder` kept of one instance.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Located {
    pub resource_type: String,
    /// The instance's `Meta` as the recorded reader gave it (address, root, origin,
    /// block, region).
    pub meta: Option<Meta>,
    /// By key: the argument name (`function_name`), `block.name` for a nested argument
    /// (`tracing_config.mode`), `block.name#i` for the i-th of `each_nested_string`.
    pub settings: HashMap<String, Place>,
    /// `written_at`, by argument name.
    pub written: HashMap<String, Option<Origin>>,
    /// `block_at`, by block type.
    pub blocks: HashMap<String, Option<Origin>>,
}

impl Located {
    /// The place of a setting, by the key `settings` documents.
    pub fn place(&self, key: &str) -> Option<&Place> {
        self.settings.get(key)
    }
}

/// A `Reader` that answers as the one it wraps, and keeps where each answer is written.
pub struct Recorder<'a> {
    inner: &'a dyn Reader,
    kept: RefCell<Located>,
}

impl<'a> Recorder<'a> {
    pub fn new(inner: &'a dyn Reader) -> Recorder<'a> {
        Recorder {
            inner,
            kept: RefCell::new(Located {
                resource_type: inner.resource_type().to_string(),
                ..Located::default()
            }),
        }
    }

    /// What was kept, once the kind has read the instance.
    pub fn into_located(self) -> Located {
        self.kept.into_inner()
    }

    fn keep<T>(&self, key: String, s: Setting<T>) -> Setting<T> {
        self.kept.borrow_mut().settings.insert(
            key,
            Place {
                at: s.at.clone(),
                source: s.source.clone(),
            },
        );
        s
    }
}

impl Reader for Recorder<'_> {
    fn resource_type(&self) -> &str {
        self.inner.resource_type()
    }

    fn meta(&self) -> Meta {
        let meta = self.inner.meta();
        self.kept.borrow_mut().meta = Some(meta.clone());
        meta
    }

    fn string(&self, name: &str) -> Setting<String> {
        self.keep(name.to_string(), self.inner.string(name))
    }

    fn boolean(&self, name: &str) -> Setting<bool> {
        self.keep(name.to_string(), self.inner.boolean(name))
    }

    fn number(&self, name: &str) -> Setting<f64> {
        self.keep(name.to_string(), self.inner.number(name))
    }

    fn strings(&self, name: &str) -> Setting<Vec<String>> {
        self.keep(name.to_string(), self.inner.strings(name))
    }

    fn string_map(&self, name: &str) -> Setting<Vec<(String, String)>> {
        self.keep(name.to_string(), self.inner.string_map(name))
    }

    fn nested_string(&self, block: &str, name: &str) -> Setting<String> {
        self.keep(
            format!("{block}.{name}"),
            self.inner.nested_string(block, name),
        )
    }

    fn nested_boolean(&self, block: &str, name: &str) -> Setting<bool> {
        self.keep(
            format!("{block}.{name}"),
            self.inner.nested_boolean(block, name),
        )
    }

    fn each_nested_string(&self, block: &str, name: &str) -> Vec<Setting<String>> {
        self.inner
            .each_nested_string(block, name)
            .into_iter()
            .enumerate()
            .map(|(i, s)| self.keep(format!("{block}.{name}#{i}"), s))
            .collect()
    }

    fn block_count(&self, block: &str) -> usize {
        self.inner.block_count(block)
    }

    fn block_at(&self, block: &str) -> Option<Origin> {
        let at = self.inner.block_at(block);
        self.kept
            .borrow_mut()
            .blocks
            .insert(block.to_string(), at.clone());
        at
    }

    fn is_set(&self, name: &str) -> bool {
        self.inner.is_set(name)
    }

    fn written_at(&self, name: &str) -> Option<Origin> {
        let at = self.inner.written_at(name);
        self.kept
            .borrow_mut()
            .written
            .insert(name.to_string(), at.clone());
        at
    }

    fn reference(&self, name: &str) -> Reference {
        self.inner.reference(name)
    }

    fn references(&self, name: &str) -> Vec<Reference> {
        self.inner.references(name)
    }

    fn built_from(&self, name: &str) -> Reference {
        self.inner.built_from(name)
    }
}
