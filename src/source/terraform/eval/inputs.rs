//! Root variable values from outside the configuration: `terraform.tfvars`,
//! `*.auto.tfvars`, `-var` and `-var-file`, and `TF_VAR_` variables, in Terraform's
//! precedence; and `terraform.workspace`.

use super::super::cty::{Type, Value, Why};
use super::super::ir::Attribute;
use super::super::load::Tree;
use super::super::module::Tfvars;
use super::super::parse::parse_expr;
use super::super::terragrunt::Input;
use super::engine::Engine;
use super::error::EvalError;
use super::{Ctx, EMPTY, Evaluator};
use crate::model::{FileId, Span, StepKind};
use std::collections::HashMap;

/// Values given on the command line and in the environment, in Terraform's order.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// `--var` and `--var-file` in the order given; later ones win.
    pub command_line: Vec<CommandLineValue>,
    /// `TF_VAR_name` values.
    pub environment: Vec<(String, String)>,
    /// `terraform.workspace` as given (`--workspace`, `TF_WORKSPACE`); `None`: what
    /// the root's `.terraform/environment` records, else `default`.
    pub workspace: Option<String>,
    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`: the region of an AWS provider
    /// configuration that sets none.
    pub aws_region: Option<String>,
    /// How far evaluation may go (see `budget`).
    pub limits: super::budget::Limits,
}

/// The workspace of a root: as given, else the one `terraform workspace select` recorded
/// in `.terraform/environment` (Terraform's `DataDir/environment` file), else `default`.
pub fn workspace(given: Option<&str>, root_dir: &std::path::Path) -> String {
    if let Some(w) = given {
        return w.to_string();
    }
    std::fs::read_to_string(root_dir.join(".terraform").join("environment"))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "default".into())
}

#[derive(Debug, Clone)]
pub enum CommandLineValue {
    Var {
        name: String,
        raw: String,
    },
    /// Index into `Tree::var_files`.
    File(usize),
}

/// Where a root variable's value comes from.
#[derive(Clone, Copy)]
pub enum RootSource<'t> {
    Tfvars(FileId, &'t Attribute),
    Raw(&'t str, StepKind),
    /// A Terragrunt unit's `inputs` entry, passed as `TF_VAR_` (so at the
    /// environment's precedence, below the environment's own `TF_VAR_`, which Terragrunt
    /// leaves alone: terragrunt.gruntwork.io/docs/features/inputs).
    Terragrunt(&'t Input),
}

/// The source of each root variable that has one, by Terraform's precedence (lowest
/// first, later ones replace): environment, terraform.tfvars(.json), *.auto.tfvars(.json)
/// in lexical order, then -var and -var-file in command-line order.
pub fn root_sources<'t>(
    tree: &'t Tree,
    root: usize,
    inputs: &'t Inputs,
) -> HashMap<&'t str, RootSource<'t>> {
    let module = &tree.modules[root];
    let mut sources = HashMap::new();
    if let Some(unit) = tree.units.by_module.get(&root) {
        for input in &unit.inputs {
            sources.insert(&*input.name, RootSource::Terragrunt(input));
        }
    }
    for (name, raw) in &inputs.environment {
        sources.insert(name.as_str(), RootSource::Raw(raw, StepKind::Environment));
    }
    fn add_file<'t>(sources: &mut HashMap<&'t str, RootSource<'t>>, t: &'t Tfvars) {
        for a in &t.body.attributes {
            sources.insert(&*a.name, RootSource::Tfvars(t.file, a));
        }
    }
    for t in &module.auto_tfvars {
        add_file(&mut sources, t);
    }
    // A Terragrunt unit's extra_arguments come before the command line's own.
    if let Some(unit) = tree.units.by_module.get(&root) {
        for t in &unit.var_files {
            add_file(&mut sources, t);
        }
        for (name, raw) in &unit.vars {
            sources.insert(name.as_str(), RootSource::Raw(raw, StepKind::CommandLine));
        }
    }
    for c in &inputs.command_line {
        match c {
            CommandLineValue::Var { name, raw } => {
                sources.insert(name.as_str(), RootSource::Raw(raw, StepKind::CommandLine));
            }
            CommandLineValue::File(i) => add_file(&mut sources, &tree.var_files[*i]),
        }
    }
    sources
}

impl Evaluator<'_> {
    /// A root variable's value from tfvars, the command line or the environment; `None`
    /// when nothing sets it. No default and no value is unknown (what `plan` would ask
    /// for).
    pub(super) fn root_var(
        &self,
        name: &str,
        has_default: bool,
        ty: &Type,
        literal: bool,
    ) -> Result<Option<Value>, Box<EvalError>> {
        match self.root_sources.get(name) {
            Some(RootSource::Tfvars(file, attr)) => {
                Ok(Some(self.eval_in(&attr.expr, *file, Self::ROOT, &EMPTY)?))
            }
            Some(RootSource::Raw(raw, _)) => self.raw_var(name, raw, literal).map(Some),
            Some(RootSource::Terragrunt(input)) => {
                if !input.value.is_wholly_known() {
                    let why = input.value.first_unknown().and_then(Value::why);
                    return Ok(Some(Value::unknown(
                        ty.without_optional(),
                        why.unwrap_or(Why::Variable { name: name.into() }),
                    )));
                }
                // Terragrunt passes a string as it is and anything else as JSON, which
                // Terraform reads as it reads any `TF_VAR_` value.
                let raw = match input.value.as_str() {
                    Some(s) => s.to_string(),
                    None => super::json_out::to_json(&input.value),
                };
                self.raw_var(name, &raw, literal).map(Some)
            }
            None if has_default => match self.unit_inputs_unknown() {
                Some(why) => Ok(Some(Value::unknown(ty.without_optional(), why))),
                None => Ok(None),
            },
            None => Ok(Some(Value::unknown(
                ty.without_optional(),
                self.unit_inputs_unknown()
                    .unwrap_or(Why::Variable { name: name.into() }),
            ))),
        }
    }

    /// Why the root's Terragrunt `inputs` are not known as a whole, if they are not.
    fn unit_inputs_unknown(&self) -> Option<Why> {
        self.tree
            .units
            .by_module
            .get(&self.root)
            .and_then(|u| u.inputs_unknown.clone())
    }

    /// A value given as text (`--var`, `TF_VAR_`): taken literally for a variable of
    /// primitive type, else parsed as an HCL expression.
    fn raw_var(&self, name: &str, raw: &str, literal: bool) -> Result<Value, Box<EvalError>> {
        if literal {
            return Ok(Value::string(raw));
        }
        let e = parse_expr(raw.trim()).map_err(|e| {
            EvalError::invalid(
                "Invalid value for input variable",
                format!(
                    "The value given for var.{name} is not valid HCL: {}.",
                    e.message
                ),
                Span::default(),
            )
        })?;
        let ctx = Ctx {
            ev: self,
            inst: Self::ROOT,
            iteration: &EMPTY,
        };
        Engine { env: &ctx }.eval(&e, None)
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{eval, json, tree};
    use super::*;

    const VARIABLES: &str = r#"
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { default = "default" }
variable "f" { default = "default" }
variable "g" { default = "default" }
"#;

    /// The value of `var.NAME` in the root.
    fn var(ev: &Evaluator, name: &str) -> String {
        json(&eval(ev, Evaluator::ROOT, &format!("var.{name}")).unwrap())
    }

    #[test]
    fn later_sources_replace_earlier_ones_in_terraforms_order() {
        let mut t = tree(&[
            ("main.tf", VARIABLES),
            // Sorts before terraform.tfvars, but is read after it.
            ("a.auto.tfvars", "c = \"a.auto\"\nd = \"a.auto\"\n"),
            ("b.auto.tfvars", "d = \"b.auto\"\n"),
            (
                "terraform.tfvars",
                "b = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\n",
            ),
            // Not auto-loaded: only as a --var-file.
            ("cli.tfvars", "e = \"file\"\nf = \"file\"\ng = \"file\"\n"),
            ("other.tfvars", "a = \"other\"\n"),
        ]);
        let file = t.var_file("cli.tfvars");
        let given = |name: &str, raw: &str| CommandLineValue::Var {
            name: name.into(),
            raw: raw.into(),
        };
        let inputs = Inputs {
            command_line: vec![
                given("f", "cli"),
                CommandLineValue::File(file),
                given("e", "cli"),
            ],
            ..Inputs::default()
        };
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        assert_eq!(var(&ev, "a"), r#""default""#);
        assert_eq!(var(&ev, "b"), r#""tfvars""#);
        assert_eq!(var(&ev, "c"), r#""a.auto""#);
        assert_eq!(var(&ev, "d"), r#""b.auto""#);
        // --var and --var-file in the order given: the later wins.
        assert_eq!(var(&ev, "e"), r#""cli""#);
        assert_eq!(var(&ev, "f"), r#""file""#);
        assert_eq!(var(&ev, "g"), r#""file""#);
    }

    #[test]
    fn environment_values_are_below_every_file() {
        let t = tree(&[
            ("main.tf", VARIABLES),
            ("terraform.tfvars", "b = \"tfvars\"\n"),
        ]);
        let inputs = Inputs {
            environment: vec![("a".into(), "env".into()), ("b".into(), "env".into())],
            ..Inputs::default()
        };
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        assert_eq!(var(&ev, "a"), r#""env""#);
        assert_eq!(var(&ev, "b"), r#""tfvars""#);
    }

    #[test]
    fn raw_values_are_literal_unless_the_type_is_complex() {
        let t = tree(&[(
            "main.tf",
            r#"
variable "untyped" {}
variable "count" { type = number }
variable "names" { type = list(string) }
"#,
        )]);
        let inputs = Inputs {
            environment: vec![
                ("untyped".into(), "[1]".into()),
                ("count".into(), "3".into()),
                ("names".into(), r#"["x", "y"]"#.into()),
            ],
            ..Inputs::default()
        };
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        assert_eq!(var(&ev, "untyped"), r#""[1]""#);
        assert_eq!(var(&ev, "count"), "3");
        assert_eq!(var(&ev, "names"), r#"["x","y"]"#);
    }

    #[test]
    fn a_variable_without_default_or_value_is_unknown() {
        let t = tree(&[("main.tf", "variable \"v\" {}\n")]);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        let v = eval(&ev, Evaluator::ROOT, "var.v").unwrap();
        assert_eq!(v.why(), Some(Why::Variable { name: "v".into() }));
    }

    #[test]
    fn the_workspace_is_given_else_recorded_else_default() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(workspace(None, dir.path()), "default");
        assert_eq!(workspace(Some("prod"), dir.path()), "prod");
        std::fs::create_dir(dir.path().join(".terraform")).unwrap();
        std::fs::write(dir.path().join(".terraform/environment"), "staging\n").unwrap();
        assert_eq!(workspace(None, dir.path()), "staging");
        assert_eq!(workspace(Some("prod"), dir.path()), "prod");
    }
}
