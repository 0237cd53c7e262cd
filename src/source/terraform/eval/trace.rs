//! Where a value comes from: the hops from the expression that uses it, through
//! variables, module arguments and locals, to the literal that decides it. Messages name
//! that place, and `fix` edits it.

use super::inputs::RootSource;
use super::{Evaluator, Inst, InstId, InstKind};
use crate::model::{FileId, Origin, Step, StepKind};
use crate::source::terraform::ir::{Expr, ExprKind, TemplatePart};

/// Hops followed at most; real trees need a handful.
const MAX_HOPS: usize = 16;

impl Evaluator<'_> {
    /// The hops from `e` (written in `file`, evaluated in instance `id`) to the literal
    /// that decides it. Empty when `e` is computed (a conditional, a function call, ...);
    /// a single `Literal` step when `e` is itself a literal.
    pub fn trace(&self, e: &Expr, file: FileId, id: InstId) -> Vec<Step> {
        let mut steps = Vec::new();
        if is_literal(e) {
            steps.push(Step {
                kind: StepKind::Literal,
                name: String::new(),
                origin: Some(Origin::file(file, e.span)),
                literal: true,
                unloaded_tfvars: Vec::new(),
            });
        } else {
            self.follow(e, id, &mut steps);
        }
        steps
    }

    fn follow(&self, e: &Expr, id: InstId, steps: &mut Vec<Step>) {
        if steps.len() >= MAX_HOPS {
            return;
        }
        let e = unwrap_interpolation(e);
        let Some(path) = e.reference_path() else {
            return;
        };
        let ExprKind::Traversal(t) = &e.kind else {
            return;
        };
        if path.len() != 2 || t.ops.len() != 1 {
            return;
        }
        let inst = self.inst(id);
        let InstKind::Module(m, _) = inst.kind else {
            return;
        };
        match path[0] {
            "var" => self.follow_var(&inst, id, m, path[1], steps),
            "local" => {
                if let Some(local) = m.locals.get(path[1]) {
                    self.hop(StepKind::Local, path[1], &local.expr, local.file, id, steps);
                }
            }
            _ => {}
        }
    }

    fn follow_var(
        &self,
        inst: &Inst,
        id: InstId,
        m: &crate::source::terraform::module::Module,
        name: &str,
        steps: &mut Vec<Step>,
    ) {
        let Some(decl) = m.variables.get(name) else {
            return;
        };
        let from_default = |steps: &mut Vec<Step>| {
            if let Some(d) = decl.default() {
                self.hop(
                    StepKind::VariableDefault,
                    name,
                    d,
                    decl.default_file(),
                    id,
                    steps,
                );
                if inst.parent.is_none()
                    && let Some(step) = steps.last_mut()
                {
                    step.unloaded_tfvars = m
                        .other_tfvars
                        .iter()
                        .filter(|t| t.body.attribute(name).is_some())
                        .map(|t| t.file)
                        .collect();
                }
            }
        };
        match &inst.parent {
            None => match self.root_sources.get(name) {
                Some(RootSource::Tfvars(file, attr)) => {
                    self.hop(StepKind::Tfvars, name, &attr.expr, *file, id, steps)
                }
                Some(RootSource::Terragrunt(input)) => steps.push(Step {
                    kind: StepKind::TerragruntInput {
                        shared_by: self
                            .tree
                            .units
                            .readers
                            .get(&input.file)
                            .copied()
                            .unwrap_or(1),
                    },
                    name: name.into(),
                    origin: Some(Origin::file(input.file, input.span)),
                    literal: input.literal,
                    unloaded_tfvars: Vec::new(),
                }),
                Some(RootSource::Raw(_, kind)) => steps.push(Step {
                    kind: *kind,
                    name: name.into(),
                    origin: None,
                    literal: true,
                    unloaded_tfvars: Vec::new(),
                }),
                None => from_default(steps),
            },
            Some(p) => match p.call.block.body.attribute(name) {
                Some(arg) => self.hop(
                    StepKind::ModuleArgument,
                    name,
                    &arg.expr,
                    p.call.file_of(arg),
                    p.inst,
                    steps,
                ),
                None => from_default(steps),
            },
        }
    }

    /// Records one hop and, when its expression is not a literal, follows it further
    /// (in the instance `at` where that expression is evaluated).
    fn hop(
        &self,
        kind: StepKind,
        name: &str,
        e: &Expr,
        file: FileId,
        at: InstId,
        steps: &mut Vec<Step>,
    ) {
        let literal = is_literal(e);
        steps.push(Step {
            kind,
            name: name.into(),
            origin: Some(Origin::file(file, e.span)),
            literal,
            unloaded_tfvars: Vec::new(),
        });
        if !literal {
            self.follow(e, at, steps);
        }
    }
}

fn unwrap_interpolation(e: &Expr) -> &Expr {
    match &e.kind {
        ExprKind::Template(parts) => match parts.as_slice() {
            [TemplatePart::Interpolation(inner)] => inner,
            _ => e,
        },
        _ => e,
    }
}

fn is_literal(e: &Expr) -> bool {
    e.is_literal()
}

#[cfg(test)]
mod tests {
    use super::super::super::parse::parse_expr;
    use super::super::super::testing::tree;
    use super::super::{CallInstances, Inputs};
    use super::*;

    /// The hops from `var.mode` in module.m: kind, name, and whether a literal.
    fn hops(files: &[(&str, &str)], inputs: &Inputs) -> Vec<(StepKind, String, bool)> {
        let mut all = vec![
            (
                "main.tf",
                r#"
variable "mode" { default = "PassThrough" }
locals { mode = var.mode }
module "m" {
  source = "./m"
  mode   = local.mode
}
"#,
            ),
            ("m/main.tf", "variable \"mode\" {}\n"),
        ];
        all.extend_from_slice(files);
        let t = tree(&all);
        let ev = Evaluator::new(&t.tree, t.module("."), inputs);
        let CallInstances::Known(list) = &*ev.call(Evaluator::ROOT, "m").unwrap().1 else {
            panic!("module.m is not known");
        };
        let e = parse_expr("var.mode").unwrap();
        ev.trace(&e, FileId(0), list[0].1)
            .into_iter()
            .map(|s| (s.kind, s.name, s.literal))
            .collect()
    }

    #[test]
    fn a_value_is_followed_through_arguments_and_locals_to_its_literal() {
        let through = [
            (StepKind::ModuleArgument, "mode".to_string(), false),
            (StepKind::Local, "mode".into(), false),
        ];
        let inputs = Inputs::default();
        let from_default = hops(&[], &inputs);
        assert_eq!(from_default[..2], through);
        assert_eq!(
            from_default[2..],
            [(StepKind::VariableDefault, "mode".into(), true)]
        );
        let from_tfvars = hops(&[("terraform.tfvars", "mode = \"Active\"\n")], &inputs);
        assert_eq!(from_tfvars[2..], [(StepKind::Tfvars, "mode".into(), true)]);
        let inputs = Inputs {
            environment: vec![("mode".into(), "Active".into())],
            ..Inputs::default()
        };
        assert_eq!(
            hops(&[], &inputs)[2..],
            [(StepKind::Environment, "mode".into(), true)]
        );
    }
}
