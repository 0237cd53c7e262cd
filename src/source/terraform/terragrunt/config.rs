//! One Terragrunt file evaluated as a configuration: its locals, dependencies, inputs,
//! module source and generate blocks. This is what a unit's own file yields, what an
//! `include` merges, and what `read_terragrunt_config()` returns.

use super::super::cty::value::Attrs;
use super::super::cty::{Type, Value, Why};
use super::super::eval::functions::Result as FnResult;
use super::super::ir::{Block, ExprKind, ObjectKey};
use super::Input;
use super::scope::{Scope, refused};
use crate::model::{FileId, Span};

/// Attributes that are part of the configuration language, not values to return.
const NOT_ATTRIBUTES: &[&str] = &["inputs"];

pub(super) struct Config {
    pub locals: Value,
    pub inputs: Option<Inputs>,
    /// `terraform { source = ... }`.
    pub source: Option<Placed>,
    pub generates: Vec<Generate>,
    /// `terraform { extra_arguments "NAME" { ... } }` that apply to `plan`.
    pub extra_arguments: Vec<ExtraArguments>,
    /// `dependency.NAME` objects, by name.
    pub dependencies: Attrs,
    /// Other top-level attributes, evaluated (what `read_terragrunt_config()` returns).
    pub attributes: Attrs,
}

#[derive(Clone)]
pub(super) enum Inputs {
    Known(Vec<Input>),
    /// The whole map is not known offline.
    Unknown(Why),
}

/// A value and where it is written.
#[derive(Clone)]
pub(super) struct Placed {
    pub value: Value,
    pub file: FileId,
    pub span: Span,
}

/// What an `extra_arguments` block adds to `terraform plan`: variable files (in
/// order: `-var-file` arguments, `required_var_files`, then the `optional_var_files`
/// that exist) and `-var` values.
#[derive(Clone)]
pub(super) struct ExtraArguments {
    pub name: String,
    pub var_files: Vec<String>,
    pub vars: Vec<(String, String)>,
    pub file: FileId,
    pub span: Span,
}

/// A `generate` block: a file Terragrunt writes into the working directory.
#[derive(Clone)]
pub(super) struct Generate {
    pub name: String,
    pub path: Option<String>,
    pub if_exists: String,
    pub contents: Option<String>,
    pub disabled: bool,
    /// The block's header.
    pub file: FileId,
    pub span: Span,
    /// Why `path` or `contents` is not known, when it is not.
    pub unknown: Option<Why>,
}

impl Config {
    /// The configuration as an object, as `read_terragrunt_config()` and an exposed
    /// include give it.
    pub fn to_value(&self) -> Value {
        let mut attrs = self.attributes.clone();
        attrs.insert("locals".into(), self.locals.clone());
        attrs.insert(
            "dependency".into(),
            Value::object(self.dependencies.clone()),
        );
        match &self.inputs {
            Some(Inputs::Known(list)) => {
                let inputs = list
                    .iter()
                    .map(|i| (i.name.to_string(), i.value.clone()))
                    .collect();
                attrs.insert("inputs".into(), Value::object(inputs));
            }
            Some(Inputs::Unknown(why)) => {
                attrs.insert("inputs".into(), Value::unknown(Type::Dynamic, why.clone()));
            }
            None => {}
        }
        if let Some(source) = &self.source {
            let mut terraform = Attrs::new();
            terraform.insert("source".into(), source.value.clone());
            attrs.insert("terraform".into(), Value::object(terraform));
        }
        let generates = self
            .generates
            .iter()
            .map(|g| {
                let mut a = Attrs::new();
                a.insert(
                    "path".into(),
                    g.path.as_deref().map_or_else(Value::null, Value::string),
                );
                a.insert(
                    "contents".into(),
                    g.contents
                        .as_deref()
                        .map_or_else(Value::null, Value::string),
                );
                a.insert("if_exists".into(), Value::string(&g.if_exists));
                (g.name.clone(), Value::object(a))
            })
            .collect();
        attrs.insert("generate".into(), Value::object(generates));
        Value::object(attrs)
    }
}

/// Evaluates the file of `scope` as a configuration. Dependencies already in the scope
/// (from included parents) stay visible unless the file redefines them.
pub(super) fn evaluate(scope: &Scope) -> Config {
    let body = scope.loaded.body.clone();
    let mut dependencies = Attrs::new();
    for block in body.blocks_of("dependency") {
        if let Some((name, value)) = dependency(scope, block) {
            scope
                .dependencies
                .borrow_mut()
                .insert(name.clone(), value.clone());
            dependencies.insert(name, value);
        }
    }
    let locals = scope.locals();
    let inputs = body.attribute("inputs").map(|a| inputs(scope, &a.expr));
    let source = body
        .blocks_of("terraform")
        .filter_map(|b| b.body.attribute("source"))
        .last()
        .and_then(|a| {
            Some(Placed {
                value: scope.eval(&a.expr)?,
                file: scope.file(),
                span: a.expr.span,
            })
        });
    let generates = body
        .blocks_of("generate")
        .map(|b| generate(scope, b))
        .collect();
    let extra_arguments = body
        .blocks_of("terraform")
        .flat_map(|t| t.body.blocks_of("extra_arguments"))
        .filter_map(|b| extra_arguments(scope, b))
        .collect();
    let attributes = body
        .attributes
        .iter()
        .filter(|a| !NOT_ATTRIBUTES.contains(&&*a.name))
        .filter_map(|a| Some((a.name.to_string(), scope.eval(&a.expr)?)))
        .collect();
    Config {
        locals,
        inputs,
        source,
        generates,
        extra_arguments,
        dependencies,
        attributes,
    }
}

/// `inputs`, entry by entry when written as an object, so each entry knows its line.
fn inputs(scope: &Scope, e: &super::super::ir::Expr) -> Inputs {
    if let ExprKind::Object(items) = &e.kind {
        let mut out = Vec::new();
        for (key, value) in items {
            let name = match key {
                ObjectKey::Name(n) => n.to_string(),
                ObjectKey::Expr(k) => match scope.eval(k).as_ref().and_then(|v| v.as_str()) {
                    Some(s) => s.to_string(),
                    None => continue,
                },
            };
            let Some(v) = scope.eval(value) else { continue };
            out.retain(|i: &Input| *i.name != *name);
            out.push(Input {
                name: name.into(),
                value: v,
                file: scope.file(),
                span: value.span,
                literal: value.is_literal(),
            });
        }
        return Inputs::Known(out);
    }
    let Some(v) = scope.eval(e) else {
        return Inputs::Known(Vec::new());
    };
    match v.entries() {
        Some(entries) => Inputs::Known(
            entries
                .iter()
                .map(|(k, v)| Input {
                    name: k.as_str().into(),
                    value: v.clone(),
                    file: scope.file(),
                    span: e.span,
                    literal: false,
                })
                .collect(),
        ),
        None => Inputs::Unknown(v.why().unwrap_or(Why::Function {
            name: "inputs".into(),
        })),
    }
}

/// A `dependency` block as `dependency.NAME`: its `outputs` are the dependency's state
/// outputs, known only once it is applied, or its `mock_outputs` where Terragrunt uses
/// them: for a command in `mock_outputs_allowed_terraform_commands` (any command when
/// unset) while the dependency has no outputs, always with `skip_outputs = true`, and
/// whatever the command when the dependency is disabled (`enabled = false`)
/// (docs: hcl/blocks/#dependency). The audit reads the configuration as `plan` does.
fn dependency(scope: &Scope, block: &Block) -> Option<(String, Value)> {
    let name = block.labels.first()?.to_string();
    let attr = |n: &str| block.body.attribute(n).and_then(|a| scope.eval(&a.expr));
    let config_path = attr("config_path");
    let shown = config_path
        .as_ref()
        .and_then(|v| v.as_str())
        .unwrap_or("?")
        .to_string();
    let enabled = attr("enabled").and_then(|v| v.as_bool()).unwrap_or(true);
    let skip = attr("skip_outputs")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let mocks = attr("mock_outputs");
    let allowed = attr("mock_outputs_allowed_terraform_commands");
    let for_plan = match &allowed {
        None => true,
        Some(list) => list
            .items()
            .is_some_and(|items| items.iter().any(|c| c.as_str() == Some("plan"))),
    };
    let outputs = match mocks {
        Some(m) if !enabled => {
            scope
                .run
                .notes
                .borrow_mut()
                .push(format!("\"{name}\" (disabled, so whatever the command)"));
            m
        }
        Some(m) if skip || for_plan => {
            scope
                .run
                .notes
                .borrow_mut()
                .push(format!("\"{name}\" ({shown})"));
            m
        }
        _ if !enabled => Value::object(Attrs::new()),
        _ => Value::unknown(
            Type::Dynamic,
            Why::Terragrunt {
                what: format!(
                    "dependency.{name}.outputs come from the state of {shown}, known only once it is applied"
                ),
                hint: format!(
                    "give dependency \"{name}\" mock_outputs that Terragrunt may use for plan, or audit {shown}'s outputs where they are set"
                ),
            },
        ),
    };
    let mut attrs = Attrs::new();
    attrs.insert("outputs".into(), outputs);
    if let Some(p) = config_path {
        attrs.insert("config_path".into(), p);
    }
    Some((name, Value::object(attrs)))
}

/// An `extra_arguments` block, if its `commands` include `plan` (docs: hcl/blocks/
/// #terraform). Paths are as written; Terragrunt runs in the working directory, where
/// the unit's files are.
fn extra_arguments(scope: &Scope, block: &Block) -> Option<ExtraArguments> {
    let attr = |n: &str| block.body.attribute(n).and_then(|a| scope.eval(&a.expr));
    let strings = |v: Option<Value>| -> Vec<String> {
        v.and_then(|v| {
            v.items().map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect()
            })
        })
        .unwrap_or_default()
    };
    if !strings(attr("commands")).iter().any(|c| c == "plan") {
        return None;
    }
    let mut var_files = Vec::new();
    let mut vars = Vec::new();
    let arguments = strings(attr("arguments"));
    let mut args = arguments.iter();
    while let Some(a) = args.next() {
        let (flag, value) = match a.split_once('=') {
            Some((f, v)) if f == "-var-file" || f == "-var" => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let value = match (flag, value) {
            ("-var-file" | "-var", Some(v)) => v,
            ("-var-file" | "-var", None) => match args.next() {
                Some(v) => v.clone(),
                None => continue,
            },
            _ => continue,
        };
        if flag == "-var-file" {
            var_files.push(value);
        } else if let Some((name, raw)) = value.split_once('=') {
            vars.push((name.to_string(), raw.to_string()));
        }
    }
    var_files.extend(strings(attr("required_var_files")));
    var_files.extend(
        strings(attr("optional_var_files"))
            .into_iter()
            .filter(|f| scope.run.unit_dir.join(f).is_file()),
    );
    Some(ExtraArguments {
        name: block
            .labels
            .first()
            .map(|l| l.to_string())
            .unwrap_or_default(),
        var_files,
        vars,
        file: scope.file(),
        span: block.header,
    })
}

fn generate(scope: &Scope, block: &Block) -> Generate {
    let attr = |n: &str| block.body.attribute(n).and_then(|a| scope.eval(&a.expr));
    let path = attr("path");
    let contents = attr("contents");
    let unknown = [&path, &contents]
        .into_iter()
        .flatten()
        .find(|v| !v.is_wholly_known())
        .and_then(Value::why);
    Generate {
        name: block
            .labels
            .first()
            .map(|l| l.to_string())
            .unwrap_or_default(),
        path: path.as_ref().and_then(|v| v.as_str()).map(str::to_string),
        if_exists: attr("if_exists")
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "overwrite_terragrunt".into()),
        contents: contents
            .as_ref()
            .and_then(|v| v.as_str())
            .map(str::to_string),
        disabled: attr("disable").and_then(|v| v.as_bool()).unwrap_or(false),
        file: scope.file(),
        span: block.header,
        unknown,
    }
}

/// `read_terragrunt_config(path, default)`: the file at `path` (relative to the
/// directory Terragrunt works from here) evaluated as a configuration, in its own
/// directory; `default` when it does not exist, if given.
pub(super) fn read(scope: &Scope, path: &str, default: Option<&Value>) -> FnResult<Value> {
    let run = scope.run;
    let wanted = scope.dir.join(path);
    let loaded = run.files.borrow_mut().load(&wanted);
    let loaded = match loaded {
        Ok(l) => l,
        Err(why) => {
            return match default {
                Some(d) => Ok(d.clone()),
                None => Err(refused(format!(
                    "read_terragrunt_config(): {}: {why}",
                    run.files.borrow().show(&wanted)
                ))),
            };
        }
    };
    match run.configs.borrow().get(&loaded.path) {
        Some(Some(v)) => return Ok(v.clone()),
        Some(None) => {
            return Err(refused(format!(
                "read_terragrunt_config(): {} reads itself, through other files",
                run.files.borrow().show(&loaded.path)
            )));
        }
        None => {}
    }
    run.configs.borrow_mut().insert(loaded.path.clone(), None);
    let dir = loaded.dir.clone();
    let key = loaded.path.clone();
    let inner = Scope::new(run, loaded, dir, None);
    let value = evaluate(&inner).to_value();
    run.configs.borrow_mut().insert(key, Some(value.clone()));
    Ok(value)
}
