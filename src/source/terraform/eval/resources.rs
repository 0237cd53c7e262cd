//! Resources and data sources as values: each instance's configured arguments and
//! nested blocks (`dynamic` blocks expanded), as `terraform show -json` lays them out.

use super::super::cty::value::{Attrs, ResourceValue};
use super::super::cty::{Type, Value, Why};
use super::super::ir::{Block, Body};
use super::super::module::{META_ARGUMENTS, ResourceKey};
use super::engine::{Bindings, Engine, with_binding};
use super::error::{EvalError, R};
use super::instances::{Expansion, InstKind, InstanceKey, representative_iteration};
use super::memo::MemoKey;
use super::{Ctx, Evaluator, InstId, Iteration, data_sources};
use crate::model::{FileId, Span};
use std::collections::BTreeMap;
use std::sync::Arc;

impl Evaluator<'_> {
    /// A resource or data source as a reference sees it: one instance value, a tuple
    /// (`count`) or object (`for_each`) of them, or, when how many is not known, an
    /// unknown whose representative instance references still reach.
    pub fn resource(&self, id: InstId, data: bool, rtype: &str, name: &str, span: Span) -> R {
        let inst = self.inst(id);
        let InstKind::Module(m, _) = inst.kind else {
            return Ok(self.not_on_disk(id));
        };
        let key = ResourceKey {
            data,
            rtype: rtype.into(),
            name: name.into(),
        };
        let Some(idx) = m.resources.get_index_of(&key) else {
            return Err(super::references::undeclared_resource(
                data, rtype, name, span,
            ));
        };
        let decl = &m.resources[idx];
        let address = self.resource_address(&inst.address, &key);
        self.memo(
            id,
            MemoKey::Resource(idx),
            &address,
            (decl.file, decl.block.header),
            || {
                let instance = |k: &InstanceKey, iteration: &Iteration| {
                    let (mut attrs, mut failed) =
                        self.eval_body(&decl.block.body, decl.file, id, iteration);
                    if data {
                        for (attr, message) in
                            data_sources::compute(self, id, iteration, rtype, &mut attrs)
                        {
                            let err = EvalError::invalid(
                                "Invalid data source arguments",
                                format!("{address}.{attr}: {message}."),
                                decl.block.header,
                            );
                            failed.insert(attr, self.record(err, decl.file).summary.clone());
                        }
                    }
                    Value::Resource(Arc::new(ResourceValue {
                        address: format!("{address}{}", k.suffix()),
                        data,
                        attrs,
                        failed,
                    }))
                };
                let body = &decl.block.body;
                match self.expand(body, id, decl.file)? {
                    Expansion::Unknown { why, keyed } => {
                        let iteration = representative_iteration(&address, &why, keyed);
                        Ok(Value::unknown(
                            Type::Dynamic,
                            Why::Instances {
                                address: format!("{address}[*]"),
                                cause: Box::new(why),
                                element: Box::new(instance(&InstanceKey::Any, &iteration)),
                            },
                        ))
                    }
                    Expansion::Keys(keys) => {
                        let values: Vec<(InstanceKey, Value)> = keys
                            .iter()
                            .map(|(k, it)| (k.clone(), instance(k, it)))
                            .collect();
                        Ok(if body.attribute("for_each").is_some() {
                            Value::object(
                                values
                                    .into_iter()
                                    .filter_map(|(k, v)| match k {
                                        InstanceKey::Key(k) => Some((k, v)),
                                        _ => None,
                                    })
                                    .collect(),
                            )
                        } else if body.attribute("count").is_some() {
                            Value::tuple(values.into_iter().map(|(_, v)| v).collect())
                        } else {
                            values.into_iter().next().map_or(Value::null(), |(_, v)| v)
                        })
                    }
                }
            },
        )
    }

    pub fn resource_address(&self, module: &str, key: &ResourceKey) -> String {
        let data = if key.data { "data." } else { "" };
        if module.is_empty() {
            format!("{data}{}.{}", key.rtype, key.name)
        } else {
            format!("{module}.{data}{}.{}", key.rtype, key.name)
        }
    }

    /// A block's arguments and nested blocks as an object: nested blocks become lists of
    /// objects under their type (as in `terraform show -json`), `dynamic` blocks expand.
    /// Arguments Terraform would refuse are left out and named in the second map.
    pub fn eval_body(
        &self,
        body: &Body,
        file: FileId,
        id: InstId,
        iteration: &Iteration,
    ) -> (Attrs, BTreeMap<String, String>) {
        self.eval_body_with(body, file, id, iteration, None)
    }

    /// `eval_body` inside `dynamic` blocks, whose iterators `b` binds.
    fn eval_body_with(
        &self,
        body: &Body,
        file: FileId,
        id: InstId,
        iteration: &Iteration,
        b: Bindings<'_>,
    ) -> (Attrs, BTreeMap<String, String>) {
        let mut attrs = Attrs::new();
        let mut failed = BTreeMap::new();
        let eval = |e: &super::super::ir::Expr| -> R { self.eval_bound(e, file, id, iteration, b) };
        for a in &body.attributes {
            if META_ARGUMENTS.contains(&&*a.name) {
                continue;
            }
            match eval(&a.expr) {
                Ok(v) => {
                    attrs.insert(a.name.to_string(), v);
                }
                Err(e) => {
                    failed.insert(a.name.to_string(), e.summary.clone());
                }
            }
        }
        let mut blocks: BTreeMap<String, Result<Vec<Value>, Value>> = BTreeMap::new();
        for blk in &body.blocks {
            match &*blk.kind {
                "lifecycle" | "provisioner" | "connection" => {}
                "dynamic" => {
                    let label = blk
                        .labels
                        .first()
                        .map(|l| l.to_string())
                        .unwrap_or_default();
                    let generated = self.dynamic(blk, file, id, iteration, b);
                    let entry = blocks
                        .entry(label.clone())
                        .or_insert_with(|| Ok(Vec::new()));
                    match (generated, entry.as_mut()) {
                        (Ok(items), Ok(list)) => list.extend(items),
                        (Err(Ok(unknown)), _) => *entry = Err(unknown),
                        (Err(Err(e)), _) => {
                            failed.insert(label, e.summary.clone());
                        }
                        (Ok(_), Err(_)) => {}
                    }
                }
                kind => {
                    let (inner, inner_failed) =
                        self.eval_body_with(&blk.body, file, id, iteration, b);
                    for (k, msg) in inner_failed {
                        failed.insert(format!("{kind}.{k}"), msg);
                    }
                    if let Ok(list) = blocks
                        .entry(kind.to_string())
                        .or_insert_with(|| Ok(Vec::new()))
                    {
                        list.push(Value::object(inner));
                    }
                }
            }
        }
        for (k, v) in blocks {
            // Nested blocks as a tuple of objects (their type is only known from a
            // schema), or the unknown that hides them.
            attrs.insert(k, v.map_or_else(|u| u, Value::tuple));
        }
        (attrs, failed)
    }

    /// The blocks a `dynamic` block generates (`Err(Ok(unknown))` when its `for_each` is
    /// not known; `Err(Err(e))` when Terraform would refuse it).
    #[allow(clippy::type_complexity)]
    fn dynamic(
        &self,
        b: &Block,
        file: FileId,
        id: InstId,
        iteration: &Iteration,
        outer: Bindings<'_>,
    ) -> Result<Vec<Value>, Result<Value, Box<EvalError>>> {
        let label = b.labels.first().map(|l| &**l).unwrap_or("");
        let iterator = b
            .body
            .attribute("iterator")
            .and_then(|a| a.expr.reference_path())
            .and_then(|p| p.first().map(|s| s.to_string()))
            .unwrap_or_else(|| label.to_string());
        let Some(content) = b.body.blocks_of("content").next() else {
            return Ok(Vec::new());
        };
        let Some(for_each) = b.body.attribute("for_each") else {
            return Err(Err(self.record(
                EvalError::invalid(
                    "Missing required argument",
                    format!("The dynamic \"{label}\" block has no for_each argument."),
                    b.header,
                ),
                file,
            )));
        };
        let coll = self
            .eval_bound(&for_each.expr, file, id, iteration, outer)
            .map_err(Err)?;
        if coll.is_null() {
            return Err(Err(self.record(
                EvalError::invalid(
                    "Invalid dynamic for_each value",
                    "Cannot use a null value in for_each.",
                    for_each.expr.span,
                ),
                file,
            )));
        }
        if !coll.is_known() {
            return Err(Ok(coll));
        }
        if !coll.can_iterate() {
            return Err(Err(self.record(
                EvalError::invalid(
                    "Invalid dynamic for_each value",
                    format!(
                        "Cannot use a {} value in for_each. An iterable collection is required.",
                        coll.ty().friendly_name()
                    ),
                    for_each.expr.span,
                ),
                file,
            )));
        }
        Ok(coll
            .elements()
            .into_iter()
            .map(|(key, value)| {
                let it = Value::object(Attrs::from([("key".into(), key), ("value".into(), value)]));
                let (inner, _) = with_binding(outer, &iterator, it, |b| {
                    self.eval_body_with(&content.body, file, id, iteration, b)
                });
                Value::object(inner)
            })
            .collect())
    }
}

impl Evaluator<'_> {
    /// Evaluates `e` with extra bindings (a `dynamic` block's iterators).
    fn eval_bound(
        &self,
        e: &super::super::ir::Expr,
        file: FileId,
        id: InstId,
        iteration: &Iteration,
        b: Bindings<'_>,
    ) -> R {
        let ctx = Ctx {
            ev: self,
            inst: id,
            iteration,
        };
        self.placed(file, || {
            Engine { env: &ctx }
                .eval(e, b)
                .map_err(|err| self.record(err, file))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{eval, json, tree};
    use super::super::Inputs;
    use super::*;

    const MAIN: &str = r#"
variable "env" { default = "dev" }
variable "unknown" {}

resource "aws_iam_role" "r" {
  name = "role-${var.env}"
  tags = { team = "a" }
}

resource "aws_sqs_queue" "q" {
  count = 3
  name  = "q-${count.index}"
}

resource "aws_sqs_queue" "k" {
  for_each = { a = "x" }
  name     = "${each.key}-${each.value}"
}

resource "aws_thing" "blocks" {
  statement { sid = "static" }
  dynamic "statement" {
    for_each = ["a", "b"]
    content { sid = statement.value }
  }
  dynamic "rule" {
    for_each = { k = "v" }
    iterator = it
    content { name = "${it.key}:${it.value}" }
  }
  dynamic "later" {
    for_each = var.unknown
    content { x = 1 }
  }
  lifecycle { ignore_changes = [tags] }
}
"#;

    /// The configured arguments and blocks of a single-instance resource, as JSON.
    fn attrs(ev: &Evaluator, rtype: &str, name: &str) -> String {
        match ev.resource(Evaluator::ROOT, false, rtype, name, Span::default()) {
            Ok(Value::Resource(r)) => json(&Value::object(r.attrs.clone())),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_resources_arguments_are_its_value() {
        let t = tree(&[("main.tf", MAIN)]);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        assert_eq!(
            attrs(&ev, "aws_iam_role", "r"),
            r#"{"name":"role-dev","tags":{"team":"a"}}"#
        );
        // What the provider computes is known only after apply.
        let arn = eval(&ev, Evaluator::ROOT, "aws_iam_role.r.arn").unwrap();
        assert_eq!(
            arn.why(),
            Some(Why::AfterApply {
                address: "aws_iam_role.r".into(),
                attr: "arn".into()
            })
        );
    }

    #[test]
    fn count_and_for_each_give_one_value_per_instance() {
        let t = tree(&[("main.tf", MAIN)]);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        assert_eq!(
            json(&eval(&ev, Evaluator::ROOT, "aws_sqs_queue.q[*].name").unwrap()),
            r#"["q-0","q-1","q-2"]"#
        );
        match eval(&ev, Evaluator::ROOT, "aws_sqs_queue.q[2]").unwrap() {
            Value::Resource(r) => assert_eq!(r.address, "aws_sqs_queue.q[2]"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            json(&eval(&ev, Evaluator::ROOT, "aws_sqs_queue.k[\"a\"].name").unwrap()),
            r#""a-x""#
        );
    }

    #[test]
    fn dynamic_blocks_expand_into_nested_blocks() {
        let t = tree(&[("main.tf", MAIN)]);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        // Static and generated blocks of one type in order; an unknown for_each hides
        // how many blocks there are; meta-arguments and lifecycle are not arguments.
        assert_eq!(
            attrs(&ev, "aws_thing", "blocks"),
            r#"{"later":"(known after apply)","rule":[{"name":"k:v"}],"statement":[{"sid":"static"},{"sid":"a"},{"sid":"b"}]}"#
        );
    }

    #[test]
    fn a_resource_in_a_module_has_the_modules_address() {
        let t = tree(&[
            ("main.tf", "module \"m\" {\n  source = \"./m\"\n}\n"),
            ("m/main.tf", "resource \"aws_sqs_queue\" \"q\" {}\n"),
        ]);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        let (_, list) = ev.call(Evaluator::ROOT, "m").unwrap();
        let super::super::CallInstances::Known(list) = &*list else {
            panic!("module.m is not known");
        };
        match ev.resource(list[0].1, false, "aws_sqs_queue", "q", Span::default()) {
            Ok(Value::Resource(r)) => assert_eq!(r.address, "module.m.aws_sqs_queue.q"),
            other => panic!("{other:?}"),
        }
    }
}
