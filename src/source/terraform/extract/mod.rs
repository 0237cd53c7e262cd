//! Turns the evaluated instances of one root into Inventory items: every module instance,
//! every instance of every resource type the audit reads.

mod reader;

use super::cty::value::ResourceValue;
use super::cty::{Type, Value, Why};
use super::eval::{CallInstances, Evaluator, InstId, InstKind, known_modules};
use super::ir::{Block, Expr};
use super::module::Resource;
use crate::model::{
    EvaluationLimit, Field, FileId, InvalidConfig, Inventory, KINDS, Located, Meta, Origin,
    Recorder, Reference, Setting, Unaudited, Unresolved,
};
use reader::ItemReader;
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

/// Whether the audit reads resources of this type: those of every kind (`model::KINDS`).
fn audited(rtype: &str) -> bool {
    static TYPES: OnceLock<HashSet<&str>> = OnceLock::new();
    TYPES
        .get_or_init(|| {
            KINDS
                .iter()
                .flat_map(|k| k.info.terraform.iter().copied())
                .collect()
        })
        .contains(rtype)
}

pub struct Extractor<'e, 't> {
    pub(super) ev: &'e Evaluator<'t>,
    pub(super) root: String,
    pub out: Inventory,
    /// Arguments of a type their resource does not accept, found while reading.
    wrong_types: std::cell::RefCell<Vec<InvalidConfig>>,
    /// Where each instance's arguments are written, when asked (`run` with `record`).
    located: Option<Vec<Located>>,
}

/// One resource instance being read: its value, its declaration and where it lives.
struct Item<'a> {
    value: &'a ResourceValue,
    decl: &'a Resource,
    inst: InstId,
    /// Set for a representative instance: what the instance count depends on.
    repeated: Option<String>,
}

impl<'e, 't> Extractor<'e, 't> {
    /// The root's items; with `record`, also where each instance's arguments are
    /// written (`model::Located`), for a plan of the same root to point at.
    pub fn run(ev: &'e Evaluator<'t>, root: String, record: bool) -> (Inventory, Vec<Located>) {
        let mut x = Extractor {
            ev,
            root,
            out: Inventory::default(),
            wrong_types: Default::default(),
            located: record.then(Vec::new),
        };
        x.walk(Evaluator::ROOT);
        x.out.invalid.append(&mut x.wrong_types.borrow_mut());
        for e in ev.errors() {
            let file = FileId(e.file.unwrap_or(0));
            x.out.invalid.push(InvalidConfig {
                origin: Origin::file(file, e.span),
                root: x.root.clone(),
                summary: e.summary.clone(),
                detail: e.detail.clone(),
            });
        }
        for l in ev.limits_reached() {
            x.out.limited.push(EvaluationLimit {
                origin: Origin::file(l.file, l.span),
                root: x.root.clone(),
                what: l.what,
            });
        }
        (x.out, x.located.unwrap_or_default())
    }

    fn walk(&mut self, id: InstId) {
        let inst = self.ev.inst(id);
        match inst.kind {
            InstKind::Module(m, index) => {
                self.ev.validate_module(index);
                // Terraform evaluates every local and output of every instance: their
                // errors (a type error, a cycle) are errors even where no rule reads them.
                for name in m.locals.keys() {
                    let _ = self.ev.local(id, name, crate::model::Span::default());
                }
                for name in m.outputs.keys() {
                    let _ = self.ev.output(id, name, crate::model::Span::default());
                }
                for decl in m.resources.values() {
                    if !decl.key.data && audited(&decl.key.rtype) {
                        self.resource(id, decl);
                    }
                }
                for name in m.calls.keys() {
                    let Some((_, instances)) = self.ev.call(id, name) else {
                        continue;
                    };
                    match &*instances {
                        CallInstances::Known(list) => {
                            for (_, child) in list {
                                self.walk(*child);
                            }
                        }
                        CallInstances::Representative { inst, .. } => self.walk(*inst),
                        // Refused by Terraform (an XR998 finding says why), or past
                        // a limit (XR997).
                        CallInstances::Failed(_) | CallInstances::Limited(_) => {}
                    }
                }
            }
            InstKind::LambdaModule => self.lambda_module(id),
            InstKind::NotOnDisk => {
                if known_modules::creates_nothing_audited(&inst.source) {
                    return;
                }
                let Some((_, call)) = self.ev.call_site(id) else {
                    return;
                };
                let why = Why::ModuleNotOnDisk {
                    call: inst.address.clone(),
                    source: inst.source.clone(),
                };
                let subject = format!("Resources inside `{}` were not audited", inst.address);
                self.unaudited(inst.address.clone(), call.file, &call.block, &why, &subject);
            }
        }
    }

    pub(super) fn unaudited(
        &mut self,
        address: String,
        file: FileId,
        block: &Block,
        why: &Why,
        subject: &str,
    ) {
        self.out.unaudited.push(Unaudited {
            meta: Meta {
                address,
                root: self.root.clone(),
                account: None,
                origin: Some(Origin::file(file, block.header)),
                block: Some(Origin::file(file, block.span)),
                repeated: None,
                region: None,
            },
            subject: subject.into(),
            what: Unresolved {
                why: why.describe(),
                hint: why.hint(),
                ..Unresolved::default()
            },
        });
    }

    fn resource(&mut self, id: InstId, decl: &Resource) {
        let Ok(value) = self.ev.resource(
            id,
            false,
            &decl.key.rtype,
            &decl.key.name,
            decl.block.header,
        ) else {
            // Refused by Terraform (its count or for_each): an XR998 finding says why.
            return;
        };
        // A representative instance stands for instances whose number is not known.
        let (value, repeated) = match &value {
            Value::Unknown(u) => match &u.why {
                Why::Instances { cause, element, .. } => {
                    ((**element).clone(), Some(cause.describe()))
                }
                why => {
                    let address = self
                        .ev
                        .resource_address(&self.ev.inst(id).address, &decl.key);
                    let subject = format!("The instances of `{address}` are not known");
                    let why = why.clone();
                    self.unaudited(address, decl.file, &decl.block, &why, &subject);
                    return;
                }
            },
            _ => (value, None),
        };
        let instances: Vec<Arc<ResourceValue>> = match &value {
            Value::Resource(r) => vec![r.clone()],
            v => v
                .items()
                .map(|items| items.iter().filter_map(as_resource).collect())
                .or_else(|| {
                    v.entries()
                        .map(|m| m.values().filter_map(as_resource).collect())
                })
                .unwrap_or_default(),
        };
        // The kinds read their items through `self` while they go into `self.out`.
        let mut out = std::mem::take(&mut self.out);
        let mut located = Vec::new();
        for r in instances {
            let item = Item {
                value: &r,
                decl,
                inst: id,
                repeated: repeated.clone(),
            };
            let reader = ItemReader {
                x: self,
                item: &item,
            };
            if self.located.is_some() {
                let recorder = Recorder::new(&reader);
                if out.add_from_terraform(&recorder) {
                    located.push(recorder.into_located());
                }
            } else {
                out.add_from_terraform(&reader);
            }
        }
        self.out = out;
        if let Some(all) = &mut self.located {
            all.append(&mut located);
        }
    }

    fn meta(&self, item: &Item) -> Meta {
        Meta {
            address: item.value.address.clone(),
            root: self.root.clone(),
            account: None,
            origin: Some(Origin::file(item.decl.file, item.decl.block.header)),
            block: Some(Origin::file(item.decl.file, item.decl.block.span)),
            repeated: item.repeated.clone(),
            region: Some(self.ev.resource_region(
                item.inst,
                &item.decl.block.body,
                item.value.attrs.get("region").filter(|v| !v.is_null()),
            )),
        }
    }

    /// A top-level argument.
    fn scalar<T>(&self, item: &Item, name: &str, conv: impl Fn(&Value) -> Option<T>) -> Setting<T> {
        let attr = item.decl.block.body.attribute(name);
        let written = attr.map(|a| (&a.expr, a.span));
        self.setting(
            item.value.attrs.get(name),
            item.value.failed.get(name),
            written,
            item.decl.file_for(attr),
            item.inst,
            conv,
        )
    }

    /// An argument of the first nested block of a type (`tracing_config.mode`), written
    /// either as a block or in a `dynamic` block's content.
    fn nested<T>(
        &self,
        item: &Item,
        block: &str,
        name: &str,
        conv: impl Fn(&Value) -> Option<T>,
    ) -> Setting<T> {
        let body = &item.decl.block.body;
        let written = body
            .blocks_of(block)
            .next()
            .and_then(|b| b.body.attribute(name))
            .or_else(|| {
                body.dynamic_blocks_of(block)
                    .next()
                    .and_then(|d| d.body.blocks_of("content").next())
                    .and_then(|c| c.body.attribute(name))
            });
        let value = match item.value.attrs.get(block) {
            Some(u) if !u.is_known() => Some(u.clone()),
            Some(v) => match v.items() {
                Some(blocks) => blocks
                    .first()
                    .and_then(|b| b.entries())
                    .and_then(|m| m.get(name))
                    .cloned(),
                // JSON syntax may write a single nested block as an object.
                None => v.entries().and_then(|m| m.get(name)).cloned(),
            },
            None => None,
        };
        let failed = item
            .value
            .failed
            .get(&format!("{block}.{name}"))
            .or_else(|| item.value.failed.get(block));
        let written_at = written.map(|a| (&a.expr, a.span));
        let file = item.decl.file_for(written);
        let mut setting = self.setting(value.as_ref(), failed, written_at, file, item.inst, conv);
        if value.is_none() {
            // The block is absent (or a dynamic block made none): nothing sets the value.
            setting.source.clear();
        }
        setting
    }

    pub(super) fn setting<T>(
        &self,
        value: Option<&Value>,
        failed: Option<&String>,
        written: Option<(&Expr, crate::model::Span)>,
        file: FileId,
        inst: InstId,
        conv: impl Fn(&Value) -> Option<T>,
    ) -> Setting<T> {
        let at = written.map(|(_, span)| Origin::file(file, span));
        let source = written
            .map(|(e, _)| self.ev.trace(e, file, inst))
            .unwrap_or_default();
        let value = match value {
            _ if failed.is_some() => Field::Invalid(failed.cloned().unwrap_or_default()),
            None | Some(Value::Null(_)) => Field::Unset,
            Some(v) if !v.is_known() => {
                let why = v.why().unwrap_or(Why::Function {
                    name: "(unknown)".into(),
                });
                Field::Unknown(self.unresolved(&why, written.map(|(e, _)| e), file))
            }
            Some(v) => match conv(v) {
                Some(x) => Field::Known(x),
                None => {
                    // The provider's schema would refuse it at plan time.
                    let detail = format!(
                        "`{}` is {}, which this argument does not accept.",
                        self.text(written.map(|(e, _)| e), file),
                        v.ty().friendly_name()
                    );
                    if let Some(at) = &at {
                        self.wrong_types.borrow_mut().push(InvalidConfig {
                            origin: at.clone(),
                            root: self.root.clone(),
                            summary: "Incorrect attribute value type".into(),
                            detail: detail.clone(),
                        });
                    }
                    Field::Invalid(detail)
                }
            },
        };
        Setting { value, at, source }
    }

    fn unresolved(&self, u: &Why, e: Option<&Expr>, file: FileId) -> Unresolved {
        Unresolved {
            expression: self.text(e, file),
            why: u.describe(),
            hint: u.hint(),
            partial: match u {
                Why::Partial { text, .. } => Some(text.clone()),
                _ => None,
            },
        }
    }

    /// The expression as written, on one line and shortened.
    fn text(&self, e: Option<&Expr>, file: FileId) -> String {
        let Some(e) = e else { return String::new() };
        let src = &self.ev.tree.files[file.0 as usize].text;
        let raw = src.get(e.span.range()).unwrap_or("");
        let one_line: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if one_line.chars().count() > 80 {
            format!("{}…", one_line.chars().take(79).collect::<String>())
        } else {
            one_line
        }
    }

    fn reference(&self, item: &Item, name: &str) -> Reference {
        let attr = item.decl.block.body.attribute(name);
        if item.value.failed.contains_key(name) {
            return Reference::Unset;
        }
        match item.value.attrs.get(name) {
            None | Some(Value::Null(_)) => Reference::Unset,
            Some(v) => self.to_reference(v, attr.map(|a| &a.expr), item.decl.file_for(attr)),
        }
    }

    /// Like `reference`, but a string only partly known names the resource whose
    /// attribute it starts from: `"${aws_api_gateway_rest_api.api.execution_arn}/*/*"`
    /// names the API.
    fn built_from(&self, item: &Item, name: &str) -> Reference {
        match item.value.attrs.get(name) {
            Some(Value::Unknown(u)) => match &u.why {
                Why::Partial { cause, .. } => match &**cause {
                    Why::AfterApply { address, .. } => Reference::Address(address.clone()),
                    _ => self.reference(item, name),
                },
                _ => self.reference(item, name),
            },
            _ => self.reference(item, name),
        }
    }

    fn references(&self, item: &Item, name: &str) -> Vec<Reference> {
        let attr = item.decl.block.body.attribute(name);
        match item.value.attrs.get(name) {
            Some(u) if !u.is_known() => {
                vec![self.to_reference(u, attr.map(|a| &a.expr), item.decl.file_for(attr))]
            }
            Some(v) => v
                .items()
                .unwrap_or_default()
                .iter()
                .map(|v| self.to_reference(v, attr.map(|a| &a.expr), item.decl.file_for(attr)))
                .collect(),
            None => Vec::new(),
        }
    }

    pub(super) fn to_reference(&self, v: &Value, e: Option<&Expr>, file: FileId) -> Reference {
        match v {
            Value::String(s) if s.is_empty() => Reference::Unset,
            Value::String(s) => Reference::Literal(s.to_string()),
            v if !v.is_known() => match v.why() {
                Some(Why::AfterApply { address, .. }) => Reference::Address(address),
                why => Reference::Unknown(self.unresolved(
                    &why.unwrap_or(Why::Function {
                        name: "(unknown)".into(),
                    }),
                    e,
                    file,
                )),
            },
            other => Reference::Unknown(Unresolved {
                expression: self.text(e, file),
                why: format!("{} is not a reference", other.ty().friendly_name()),
                ..Unresolved::default()
            }),
        }
    }
}

fn as_resource(v: &Value) -> Option<Arc<ResourceValue>> {
    match v {
        Value::Resource(r) => Some(r.clone()),
        _ => None,
    }
}

/// A known value as a string, as Terraform converts it for a string argument.
pub(super) fn text(v: &Value) -> Option<String> {
    match super::cty::convert::convert(v, &Type::String) {
        Ok(Value::String(s)) => Some(s.to_string()),
        _ => None,
    }
}

pub(super) fn boolean(v: &Value) -> Option<bool> {
    super::cty::convert::convert(v, &Type::Bool).ok()?.as_bool()
}

fn number(v: &Value) -> Option<f64> {
    Some(
        super::cty::convert::convert(v, &Type::Number)
            .ok()?
            .as_number()?
            .to_f64(),
    )
}
