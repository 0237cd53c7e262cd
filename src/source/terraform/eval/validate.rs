//! What `terraform validate` refuses without evaluating anything, checked in every
//! expression of a module, evaluated or not (a resource with `count = 0`, a branch not
//! taken): references to undeclared variables, locals, resources, data sources, module
//! calls and module outputs; `count`, `each` and `self` outside the blocks that define
//! them; functions that do not exist or get the wrong number of arguments; names declared
//! twice; `count` and `for_each` on one block.

use super::super::ir::{Attribute, Block, Body, Expr, Traverse};
use super::super::module::{Module, ResourceKey};
use super::engine::{visit_calls, visit_references};
use super::error::{ErrorKind, EvalError};
use super::functions;
use super::{Evaluator, references};
use crate::model::{FileId, Span};

/// Which of `count`, `each` and `self` an expression may use.
#[derive(Clone, Copy, Default)]
struct Context {
    count: bool,
    each: bool,
    self_: bool,
}

impl Evaluator<'_> {
    /// Checks module `index` once (per evaluation of a root), recording its errors.
    pub fn validate_module(&self, index: usize) {
        if !self.validated.borrow_mut().insert(index) {
            return;
        }
        let m = &self.tree.modules[index];
        for e in &m.invalid {
            let err = EvalError::invalid(e.summary.clone(), e.detail.clone(), e.span);
            self.record(err, e.file);
        }
        let v = Validator { ev: self, m, index };
        for r in m.resources.values() {
            let body = &r.block.body;
            if let (Some(_), Some(f)) = (body.attribute("count"), body.attribute("for_each")) {
                self.record(
                    EvalError::invalid(
                        "Invalid combination of \"count\" and \"for_each\"",
                        "The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of resources to be created.",
                        f.span,
                    ),
                    r.file_of(f),
                );
            }
            let cx = Context {
                count: body.attribute("count").is_some(),
                each: body.attribute("for_each").is_some(),
                self_: false,
            };
            v.body(body, cx, &mut Vec::new(), &|a| r.file_of(a), r.file);
        }
        for c in m.calls.values() {
            let body = &c.block.body;
            let cx = Context {
                count: body.attribute("count").is_some(),
                each: body.attribute("for_each").is_some(),
                self_: false,
            };
            for a in &body.attributes {
                if matches!(&*a.name, "source" | "version" | "providers") {
                    continue;
                }
                v.expr(&a.expr, cx, &mut Vec::new(), c.file_of(a));
            }
        }
        for l in m.locals.values() {
            v.expr(&l.expr, Context::default(), &mut Vec::new(), l.file);
        }
        for o in m.outputs.values() {
            v.expr(&o.expr, Context::default(), &mut Vec::new(), o.file);
        }
        for var in m.variables.values() {
            if let Some(d) = var.default() {
                let file = var.default_file();
                visit_references(d, &mut Vec::new(), &mut |_, _, span| {
                    self.record(
                        EvalError::new(
                            ErrorKind::Undeclared,
                            "Variables not allowed",
                            "Variables may not be used here: a variable's default must be a literal value.",
                            span,
                        ),
                        file,
                    );
                });
            }
        }
        for p in m.providers.values() {
            v.body(
                &p.block.body,
                Context::default(),
                &mut Vec::new(),
                &|a| p.file_of(a),
                p.file,
            );
        }
    }
}

struct Validator<'e, 't> {
    ev: &'e Evaluator<'t>,
    m: &'t Module,
    index: usize,
}

impl Validator<'_, '_> {
    /// A block body: its arguments and nested blocks, `dynamic` iterators bound in their
    /// content.
    fn body(
        &self,
        body: &Body,
        cx: Context,
        bound: &mut Vec<String>,
        file_of: &dyn Fn(&Attribute) -> FileId,
        file: FileId,
    ) {
        for a in &body.attributes {
            match &*a.name {
                // References in these are checked by Terraform as they are evaluated.
                "depends_on" | "provider" => {}
                _ => self.expr(&a.expr, cx, bound, file_of(a)),
            }
        }
        for b in &body.blocks {
            self.block(b, cx, bound, file_of, file);
        }
    }

    fn block(
        &self,
        b: &Block,
        cx: Context,
        bound: &mut Vec<String>,
        file_of: &dyn Fn(&Attribute) -> FileId,
        file: FileId,
    ) {
        match &*b.kind {
            "lifecycle" => {
                // ignore_changes and replace_triggered_by are attribute paths, not values;
                // pre- and postconditions are expressions (`self` in postconditions).
                for c in &b.body.blocks {
                    let cx = Context {
                        self_: &*c.kind == "postcondition",
                        ..cx
                    };
                    self.body(&c.body, cx, bound, file_of, file);
                }
            }
            "provisioner" | "connection" => {
                let cx = Context { self_: true, ..cx };
                self.body(&b.body, cx, bound, file_of, file);
            }
            "dynamic" => {
                let label = b.labels.first().map(|l| l.to_string()).unwrap_or_default();
                let iterator = b
                    .body
                    .attribute("iterator")
                    .and_then(|a| a.expr.reference_path())
                    .and_then(|p| p.first().map(|s| s.to_string()))
                    .unwrap_or(label);
                for a in &b.body.attributes {
                    if &*a.name != "iterator" {
                        self.expr(&a.expr, cx, bound, file_of(a));
                    }
                }
                bound.push(iterator);
                for c in b.body.blocks_of("content") {
                    self.body(&c.body, cx, bound, file_of, file);
                }
                bound.pop();
            }
            _ => self.body(&b.body, cx, bound, file_of, file),
        }
    }

    fn expr(&self, e: &Expr, cx: Context, bound: &mut Vec<String>, file: FileId) {
        visit_references(e, bound, &mut |root, ops, span| {
            if let Some(err) = self.reference(root, ops, span, cx) {
                self.ev.record(err, file);
            }
        });
        visit_calls(e, &mut |c, span| {
            if let Some(err) = call(c, span) {
                self.ev.record(err, file);
            }
        });
    }

    /// What is wrong with a reference, if anything.
    fn reference(
        &self,
        root: &str,
        ops: &[Traverse],
        span: Span,
        cx: Context,
    ) -> Option<Box<EvalError>> {
        let attr = |i: usize| match ops.get(i) {
            Some(Traverse::Attr(a)) => Some(&**a),
            _ => None,
        };
        let m = self.m;
        match root {
            "var" => {
                let name = attr(0)?;
                (!m.variables.contains_key(name)).then(|| references::undeclared_variable(name, span))
            }
            "local" => {
                let name = attr(0)?;
                (!m.locals.contains_key(name)).then(|| references::undeclared_local(name, span))
            }
            "module" => {
                let name = attr(0)?;
                let Some(call) = m.calls.get(name) else {
                    return Some(super::instances::undeclared_module(name, span));
                };
                // The output read: `module.x.out`, or `module.x[k].out`.
                let output = match ops.get(1) {
                    Some(Traverse::Attr(o)) => Some(&**o),
                    Some(Traverse::Index(_)) => attr(2),
                    _ => None,
                }?;
                let target = self.ev.tree.local_module(self.index, call.source.as_deref()?)?;
                let callee = &self.ev.tree.modules[target];
                (!callee.outputs.contains_key(output)).then(|| references::no_output(&format!("module.{name}"), output, span))
            }
            "data" => {
                let (rtype, name) = (attr(0)?, attr(1)?);
                let key = ResourceKey {
                    data: true,
                    rtype: rtype.into(),
                    name: name.into(),
                };
                (!m.resources.contains_key(&key)).then(|| references::undeclared_resource(true, rtype, name, span))
            }
            "count" => (!cx.count).then(|| {
                EvalError::new(
                    ErrorKind::Undeclared,
                    "Reference to \"count\" in non-counted context",
                    "The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.",
                    span,
                )
            }),
            "each" => (!cx.each).then(|| {
                EvalError::new(
                    ErrorKind::Undeclared,
                    "Reference to \"each\" in context without for_each",
                    "The \"each\" object can be used only in \"module\" or \"resource\" blocks, and only when the \"for_each\" argument is set.",
                    span,
                )
            }),
            "self" => (!cx.self_).then(|| {
                EvalError::new(
                    ErrorKind::Undeclared,
                    "Invalid \"self\" reference",
                    "The \"self\" object is not available in this context. This object can be used only in resource provisioner and connection blocks.",
                    span,
                )
            }),
            "path" | "terraform" => None,
            rtype => {
                let name = attr(0)?;
                let key = ResourceKey {
                    data: false,
                    rtype: rtype.into(),
                    name: name.into(),
                };
                (!m.resources.contains_key(&key)).then(|| references::undeclared_resource(false, rtype, name, span))
            }
        }
    }
}

/// What is wrong with a function call, if anything: an unknown name, or a number of
/// arguments its parameters do not allow (when `...` does not hide it).
fn call(c: &super::super::ir::FuncCall, span: Span) -> Option<Box<EvalError>> {
    let name = &*c.name;
    if name.starts_with("provider::")
        || matches!(name, "try" | "can" | "templatefile" | "templatestring")
    {
        return None;
    }
    let Some(f) = functions::lookup(name) else {
        return Some(EvalError::new(
            ErrorKind::UnknownFunction,
            "Call to unknown function",
            format!("There is no function named {name:?}."),
            span,
        ));
    };
    let n = c.args.len();
    if c.expand_final {
        return None;
    }
    if n < f.params.len() {
        let qual = if f.var_param.is_some() {
            " at least"
        } else {
            ""
        };
        return Some(EvalError::new(
            ErrorKind::FunctionCall,
            "Not enough function arguments",
            format!(
                "Function {name:?} expects{qual} {} argument(s). Missing value for {:?}.",
                f.params.len(),
                f.params[n].name
            ),
            span,
        ));
    }
    if f.var_param.is_none() && n > f.params.len() {
        return Some(EvalError::new(
            ErrorKind::FunctionCall,
            "Too many function arguments",
            format!(
                "Function {name:?} expects only {} argument(s).",
                f.params.len()
            ),
            span,
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::tree;
    use super::super::Inputs;
    use super::*;

    /// The summaries of what validating the top module records.
    fn refused(files: &[(&str, &str)]) -> Vec<String> {
        let t = tree(files);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        ev.validate_module(t.module("."));
        let mut summaries: Vec<String> = ev.errors().into_iter().map(|e| e.summary).collect();
        summaries.sort();
        summaries
    }

    #[test]
    fn expressions_never_evaluated_are_checked() {
        let found = refused(&[(
            "main.tf",
            r#"
resource "aws_s3_bucket" "b" {
  count  = 0
  bucket = var.nope
}
output "o" {
  value = nosuch(1)
}
locals {
  a = each.key
}
"#,
        )]);
        assert_eq!(
            found,
            [
                "Call to unknown function",
                "Reference to \"each\" in context without for_each",
                "Reference to undeclared input variable",
            ]
        );
    }

    #[test]
    fn blocks_terraform_refuses_are_errors() {
        let found = refused(&[(
            "main.tf",
            r#"
resource "aws_s3_bucket" "b" {
  count    = 1
  for_each = {}
}
locals {
  x = upper("a", "b")
  y = local.undeclared
}
variable "v" {}
variable "v" {}
"#,
        )]);
        assert_eq!(
            found,
            [
                "Duplicate variable declaration",
                "Invalid combination of \"count\" and \"for_each\"",
                "Reference to undeclared local value",
                "Too many function arguments",
            ]
        );
    }

    #[test]
    fn a_module_is_checked_once() {
        let t = tree(&[("main.tf", "output \"o\" { value = var.nope }\n")]);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        ev.validate_module(t.module("."));
        ev.validate_module(t.module("."));
        assert_eq!(ev.errors().len(), 1);
    }
}
