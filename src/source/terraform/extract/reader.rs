//! One evaluated resource instance as the kinds read it (`model::Reader`): each argument
//! as a setting that knows where it is written and where its value comes from.

use super::super::cty::Value;
use super::{Extractor, Item, boolean, number, text};
use crate::model::{Meta, Origin, Reader, Reference, Setting};

pub(super) struct ItemReader<'a, 'e, 't> {
    pub(super) x: &'a Extractor<'e, 't>,
    pub(super) item: &'a Item<'a>,
}

impl Reader for ItemReader<'_, '_, '_> {
    fn resource_type(&self) -> &str {
        &self.item.decl.key.rtype
    }

    fn meta(&self) -> Meta {
        self.x.meta(self.item)
    }

    fn string(&self, name: &str) -> Setting<String> {
        self.x.scalar(self.item, name, text)
    }

    fn boolean(&self, name: &str) -> Setting<bool> {
        self.x.scalar(self.item, name, boolean)
    }

    fn number(&self, name: &str) -> Setting<f64> {
        self.x.scalar(self.item, name, number)
    }

    fn strings(&self, name: &str) -> Setting<Vec<String>> {
        self.x
            .scalar(self.item, name, |v| v.items()?.iter().map(text).collect())
    }

    fn string_map(&self, name: &str) -> Setting<Vec<(String, String)>> {
        self.x.scalar(self.item, name, |v| {
            v.entries()?
                .iter()
                .map(|(k, v)| Some((k.clone(), text(v)?)))
                .collect()
        })
    }

    fn nested_string(&self, block: &str, name: &str) -> Setting<String> {
        self.x.nested(self.item, block, name, text)
    }

    fn nested_boolean(&self, block: &str, name: &str) -> Setting<bool> {
        self.x.nested(self.item, block, name, boolean)
    }

    fn each_nested_string(&self, block: &str, name: &str) -> Vec<Setting<String>> {
        let item = self.item;
        let Some(blocks) = item.value.attrs.get(block).and_then(Value::items) else {
            return Vec::new();
        };
        // The static blocks as written, in order: the first blocks of the value (a
        // `dynamic` block's are not written one by one).
        let written: Vec<_> = item
            .decl
            .block
            .body
            .blocks_of(block)
            .filter_map(|b| b.body.attribute(name))
            .collect();
        let failed = item.value.failed.get(&format!("{block}.{name}"));
        blocks
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let value = b.entries().and_then(|m| m.get(name)).cloned();
                let attr = written.get(i).copied();
                self.x.setting(
                    value.as_ref(),
                    failed,
                    attr.map(|a| (&a.expr, a.span)),
                    item.decl.file_for(attr),
                    item.inst,
                    text,
                )
            })
            .collect()
    }

    fn block_count(&self, block: &str) -> usize {
        self.item
            .value
            .attrs
            .get(block)
            .and_then(Value::items)
            .map_or(0, |b| b.len())
    }

    fn block_at(&self, block: &str) -> Option<Origin> {
        let body = &self.item.decl.block.body;
        body.blocks_of(block)
            .next()
            .or_else(|| body.dynamic_blocks_of(block).next())
            .map(|b| Origin::file(self.item.decl.file, b.header))
    }

    fn is_set(&self, name: &str) -> bool {
        !matches!(self.item.value.attrs.get(name), None | Some(Value::Null(_)))
    }

    fn written_at(&self, name: &str) -> Option<Origin> {
        let decl = self.item.decl;
        decl.block
            .body
            .attribute(name)
            .map(|a| Origin::file(decl.file_of(a), a.span))
    }

    fn reference(&self, name: &str) -> Reference {
        self.x.reference(self.item, name)
    }

    fn references(&self, name: &str) -> Vec<Reference> {
        self.x.references(self.item, name)
    }

    fn built_from(&self, name: &str) -> Reference {
        self.x.built_from(self.item, name)
    }
}
