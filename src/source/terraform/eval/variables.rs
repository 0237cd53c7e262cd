//! Variables, locals and outputs of a module instance, each evaluated once.

use super::super::cty::convert::convert;
use super::super::cty::{Type, Value, Why};
use super::super::lambda_module;
use super::error::{EvalError, R};
use super::instances::InstKind;
use super::memo::MemoKey;
use super::typeexpr::{self, Constraint};
use super::{EMPTY, Evaluator, InstId};
use crate::model::Span;

impl Evaluator<'_> {
    /// `var.NAME` in an instance.
    pub fn var(&self, id: InstId, name: &str, span: Span) -> R {
        let inst = self.inst(id);
        match inst.kind {
            InstKind::Module(m, _) => {
                let Some(idx) = m.variables.get_index_of(name) else {
                    return Err(super::references::undeclared_variable(name, span));
                };
                let decl = &m.variables[idx];
                self.memo(id, MemoKey::Var(idx), &format!("var.{name}"), (decl.file, decl.block.header), || {
                    let constraint = self.constraint(id, decl)?;
                    let given = match &inst.parent {
                        None => {
                            // Terraform takes values from the command line and the
                            // environment literally for a variable without a type or of a
                            // primitive type, and as HCL otherwise (`VariableParseLiteral`).
                            let literal = decl.block.body.attribute("type").is_none() || constraint.ty.is_primitive();
                            self.root_var(name, decl.default().is_some(), &constraint.ty, literal)?
                        }
                        Some(p) => match p.call.block.body.attribute(name) {
                            Some(arg) => Some(self.eval_in(&arg.expr, p.call.file, p.inst, &p.iteration)?),
                            None => None,
                        },
                    };
                    let nullable = match decl.block.body.attribute("nullable") {
                        Some(a) => self.eval_in(&a.expr, decl.file, id, &EMPTY)?.as_bool().unwrap_or(true),
                        None => true,
                    };
                    let value = match given {
                        Some(v) if !v.is_null() || nullable => v,
                        _ => match decl.default() {
                            Some(d) => self.eval_in(d, decl.file, id, &EMPTY)?,
                            None if inst.parent.is_none() => Value::null(),
                            None => {
                                let (_, call) = self.call_site(id).expect("a child has a caller");
                                return Err(self.record(
                                    EvalError::invalid(
                                        "Missing required argument",
                                        format!("The argument {name:?} is required, but no definition was found."),
                                        call.block.header,
                                    ),
                                    call.file,
                                ));
                            }
                        },
                    };
                    let value = match &constraint.defaults {
                        Some(d) => d.apply(value),
                        None => value,
                    };
                    convert(&value, &constraint.ty).map_err(|e| {
                        let (file, span) = match &inst.parent {
                            Some(p) => (
                                p.call.file,
                                p.call.block.body.attribute(name).map_or(p.call.block.header, |a| a.expr.span),
                            ),
                            None => (decl.file, decl.block.header),
                        };
                        self.record(
                            EvalError::invalid(
                                "Invalid value for input variable",
                                format!("The given value is not suitable for var.{name}: {e}."),
                                span,
                            ),
                            file,
                        )
                    })
                })
            }
            InstKind::LambdaModule => {
                let p = inst
                    .parent
                    .as_ref()
                    .expect("a module instance has a caller");
                match p
                    .call
                    .block
                    .body
                    .attributes
                    .iter()
                    .position(|a| &*a.name == name)
                {
                    Some(idx) => {
                        let arg = &p.call.block.body.attributes[idx];
                        self.memo(
                            id,
                            MemoKey::Arg(idx),
                            &format!("var.{name}"),
                            (p.call.file, arg.span),
                            || self.eval_in(&arg.expr, p.call.file, p.inst, &p.iteration),
                        )
                    }
                    None => Ok(lambda_module::default_input(name)),
                }
            }
            InstKind::NotOnDisk => Ok(self.not_on_disk(id)),
        }
    }

    /// A variable's type constraint (`any` when it has none).
    fn constraint(
        &self,
        id: InstId,
        decl: &super::super::module::Variable,
    ) -> Result<Constraint, Box<EvalError>> {
        let Some(t) = decl.block.body.attribute("type") else {
            return Ok(Constraint {
                ty: Type::Dynamic,
                defaults: None,
            });
        };
        let failed = std::cell::RefCell::new(None);
        let c =
            typeexpr::variable_type(&t.expr, &|e| match self.eval_in(e, decl.file, id, &EMPTY) {
                Ok(v) => Some(v),
                Err(err) => {
                    failed.borrow_mut().get_or_insert(err);
                    None
                }
            });
        if let Some(err) = failed.into_inner() {
            return Err(err);
        }
        c.map_err(|e| {
            self.record(
                EvalError::invalid("Invalid type specification", e.message, e.span),
                decl.file,
            )
        })
    }

    /// `local.NAME`.
    pub fn local(&self, id: InstId, name: &str, span: Span) -> R {
        let inst = self.inst(id);
        let InstKind::Module(m, _) = inst.kind else {
            return Ok(self.not_on_disk(id));
        };
        let Some(idx) = m.locals.get_index_of(name) else {
            return Err(super::references::undeclared_local(name, span));
        };
        let local = &m.locals[idx];
        self.memo(
            id,
            MemoKey::Local(idx),
            &format!("local.{name}"),
            (local.file, local.span),
            || self.eval_in(&local.expr, local.file, id, &EMPTY),
        )
    }

    /// `module.CALL.NAME` read from one instance of the call.
    pub fn output(&self, id: InstId, name: &str, span: Span) -> R {
        let inst = self.inst(id);
        match inst.kind {
            InstKind::Module(m, _) => {
                let Some(idx) = m.outputs.get_index_of(name) else {
                    return Err(super::references::no_output(&inst.address, name, span));
                };
                let out = &m.outputs[idx];
                self.memo(
                    id,
                    MemoKey::Output(idx),
                    &format!("{}.{name}", inst.address),
                    (out.file, out.span),
                    || self.eval_in(&out.expr, out.file, id, &EMPTY),
                )
            }
            InstKind::LambdaModule => lambda_module::output(self, id, &inst.address, name),
            InstKind::NotOnDisk => Ok(self.not_on_disk(id)),
        }
    }

    pub(super) fn not_on_disk(&self, id: InstId) -> Value {
        let inst = self.inst(id);
        Value::unknown(
            Type::Dynamic,
            Why::ModuleNotOnDisk {
                call: inst.address.clone(),
                source: inst.source.clone(),
            },
        )
    }

    /// Every output of one instance, as an object.
    pub(super) fn module_object(&self, id: InstId) -> R {
        let inst = self.inst(id);
        match inst.kind {
            InstKind::Module(m, _) => {
                let mut map = std::collections::BTreeMap::new();
                for name in m.outputs.keys() {
                    map.insert(name.to_string(), self.output(id, name, Span::default())?);
                }
                Ok(Value::object(map))
            }
            _ => Ok(self.not_on_disk(id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{eval, json, tree};
    use super::super::Inputs;
    use super::*;

    #[test]
    fn locals_read_locals() {
        let t = tree(&[(
            "main.tf",
            r#"
locals {
  c = upper(local.b)
  b = "${local.a}-y"
  a = "x"
}
"#,
        )]);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        let c = ev.local(Evaluator::ROOT, "c", Span::default()).unwrap();
        assert_eq!(json(&c), r#""X-Y""#);
    }

    #[test]
    fn module_arguments_defaults_and_types_make_a_modules_outputs() {
        let t = tree(&[
            (
                "main.tf",
                r#"
module "m" {
  source = "./m"
  n      = "3"
  s      = null
}
"#,
            ),
            (
                "m/main.tf",
                r#"
variable "n" { type = number }
variable "s" {
  default  = "fallback"
  nullable = false
}
variable "d" { default = "default" }
output "sum" { value = var.n + 1 }
output "s" { value = var.s }
output "d" { value = var.d }
"#,
            ),
        ]);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        assert_eq!(
            json(&eval(&ev, Evaluator::ROOT, "module.m").unwrap()),
            r#"{"d":"default","s":"fallback","sum":4}"#
        );
    }

    #[test]
    fn a_missing_argument_and_an_undeclared_variable_are_errors() {
        let t = tree(&[
            (
                "main.tf",
                "module \"m\" {\n  source = \"./m\"\n}\noutput \"x\" { value = var.nope }\n",
            ),
            (
                "m/main.tf",
                "variable \"r\" {}\noutput \"o\" { value = var.r }\n",
            ),
        ]);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        let err = eval(&ev, Evaluator::ROOT, "module.m.o").unwrap_err();
        assert_eq!(
            err,
            "The argument \"r\" is required, but no definition was found."
        );
        let err = ev
            .output(Evaluator::ROOT, "x", Span::default())
            .unwrap_err();
        assert_eq!(err.summary, "Reference to undeclared input variable");
    }
}
