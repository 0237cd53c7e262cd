//! Where names come from in a module instance: `var`, `local`, `module`, `data`,
//! resources, `count`, `each`, `path` and `terraform`; and the files functions may read.

use super::super::cty::{Value, Why};
use super::super::ir::{Expr, Traverse};
use super::engine::{Bindings, Engine, Env};
use super::error::{ErrorKind, EvalError};
use super::functions::Host;
use super::instances::{CallInstances, InstanceKey, undeclared_module};
use super::{Evaluator, InstId, Iteration};
use crate::model::Span;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Evaluation in one module instance, with one instance's `count` or `each`.
pub struct Ctx<'e, 't> {
    pub ev: &'e Evaluator<'t>,
    pub inst: InstId,
    pub iteration: &'e Iteration,
}

pub(super) fn undeclared_variable(name: &str, span: Span) -> Box<EvalError> {
    EvalError::new(
        ErrorKind::Undeclared,
        "Reference to undeclared input variable",
        format!(
            "An input variable with the name {name:?} has not been declared. This variable can be declared with a variable \"{name}\" {{}} block."
        ),
        span,
    )
}

pub(super) fn undeclared_local(name: &str, span: Span) -> Box<EvalError> {
    EvalError::new(
        ErrorKind::Undeclared,
        "Reference to undeclared local value",
        format!("A local value with the name {name:?} has not been declared."),
        span,
    )
}

pub(super) fn undeclared_resource(
    data: bool,
    rtype: &str,
    name: &str,
    span: Span,
) -> Box<EvalError> {
    let what = if data {
        "data resource"
    } else {
        "managed resource"
    };
    EvalError::new(
        ErrorKind::Undeclared,
        "Reference to undeclared resource",
        format!("A {what} \"{rtype}\" {name:?} has not been declared in this module."),
        span,
    )
}

/// `module.x.out` where the module has no output `out`.
pub(super) fn no_output(module: &str, output: &str, span: Span) -> Box<EvalError> {
    EvalError::new(
        ErrorKind::Undeclared,
        "Unsupported attribute",
        format!(
            "This object does not have an attribute named {output:?}: {module} has no output {output:?}."
        ),
        span,
    )
}

fn invalid_reference(detail: impl Into<String>, span: Span) -> Box<EvalError> {
    EvalError::new(ErrorKind::Undeclared, "Invalid reference", detail, span)
}

impl Env for Ctx<'_, '_> {
    fn resolve(
        &self,
        root: &str,
        ops: &[Traverse],
        span: Span,
        b: Bindings<'_>,
    ) -> Result<(Value, usize), Box<EvalError>> {
        let attr = |i: usize| {
            match ops.get(i) {
            Some(Traverse::Attr(a)) => Ok(&**a),
            _ => Err(invalid_reference(
                match root {
                    "var" => "The \"var\" object does not support this operation: a variable name is required, as in var.name.".to_string(),
                    "local" => "The \"local\" object does not support this operation: a local value name is required, as in local.name.".to_string(),
                    "module" => "The \"module\" object does not support this operation: a module call name is required, as in module.name.".to_string(),
                    "data" => "A reference to a data source must be followed by at least one attribute access, specifying the resource name.".to_string(),
                    other => format!("A reference to a resource type must be followed by at least one attribute access, specifying the resource name: {other}."),
                },
                span,
            )),
        }
        };
        let ev = self.ev;
        match root {
            "var" => Ok((ev.var(self.inst, attr(0)?, span)?, 1)),
            "local" => Ok((ev.local(self.inst, attr(0)?, span)?, 1)),
            "module" => self
                .module_reference(attr(0)?, &ops[1..], span, b)
                .map(|(v, n)| (v, n + 1)),
            "data" => Ok((ev.resource(self.inst, true, attr(0)?, attr(1)?, span)?, 2)),
            "path" => {
                let v = match attr(0)? {
                    "module" => Value::string(ev.inst(self.inst).path_module.clone()),
                    "root" => Value::string("."),
                    "cwd" => Value::string(ev.root_module().dir.to_string_lossy()),
                    other => {
                        return Err(invalid_reference(
                            format!(
                                "The \"path\" object does not have an attribute named {other:?}. The supported attributes are path.cwd, path.module, and path.root."
                            ),
                            span,
                        ));
                    }
                };
                Ok((v, 1))
            }
            "terraform" => match attr(0)? {
                "workspace" => Ok((Value::string(&ev.workspace), 1)),
                other => Err(invalid_reference(
                    format!(
                        "The \"terraform\" object does not have an attribute named {other:?}. The only supported attribute is terraform.workspace, the name of the currently-selected workspace."
                    ),
                    span,
                )),
            },
            "count" => match (attr(0)?, &self.iteration.count_index) {
                ("index", Some(i)) => Ok((i.clone(), 1)),
                ("index", None) => Err(invalid_reference(
                    "The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.",
                    span,
                )),
                (other, _) => Err(invalid_reference(
                    format!(
                        "The \"count\" object does not have an attribute named {other:?}. The only supported attribute is count.index, which is the index of each instance of a resource block that has the \"count\" argument set."
                    ),
                    span,
                )),
            },
            "each" => match (attr(0)?, &self.iteration.each) {
                ("key", Some((k, _))) => Ok((k.clone(), 1)),
                ("value", Some((_, v))) => Ok((v.clone(), 1)),
                ("key" | "value", None) => Err(invalid_reference(
                    "The \"each\" object can be used only in \"module\" or \"resource\" blocks, and only when the \"for_each\" argument is set.",
                    span,
                )),
                (other, _) => Err(invalid_reference(
                    format!(
                        "The \"each\" object does not have an attribute named {other:?}. The supported attributes are each.key and each.value, the current key and value pair of the \"for_each\" attribute set."
                    ),
                    span,
                )),
            },
            "self" => Err(invalid_reference(
                "The \"self\" object is not available in this context. This object can be used only in resource provisioner and connection blocks.",
                span,
            )),
            rtype => Ok((ev.resource(self.inst, false, rtype, attr(0)?, span)?, 1)),
        }
    }

    fn host(&self) -> &dyn Host {
        self.ev
    }

    fn extra_function(&self, name: &str) -> Option<&super::functions::Function> {
        (self.ev.console && name == "type").then(|| &*super::super::console::TYPE_FUNCTION)
    }
}

impl Ctx<'_, '_> {
    /// `module.NAME...`: reads only the output asked for when the reference names one, so
    /// modules that feed each other do not form false cycles. Returns the value and how
    /// many of `ops` it read.
    fn module_reference(
        &self,
        name: &str,
        ops: &[Traverse],
        span: Span,
        b: Bindings<'_>,
    ) -> Result<(Value, usize), Box<EvalError>> {
        let ev = self.ev;
        let Some((call, instances)) = ev.call(self.inst, name) else {
            return Err(undeclared_module(name, span));
        };
        let multi = call.block.body.attribute("count").is_some()
            || call.block.body.attribute("for_each").is_some();
        let instance = match (&*instances, multi, ops) {
            (CallInstances::Failed(e), _, _) => {
                let mut e = e.clone();
                e.consequential = true;
                return Err(e);
            }
            (CallInstances::Limited(why), _, _) => {
                return Ok((
                    Value::unknown(super::super::cty::Type::Dynamic, why.clone()),
                    0,
                ));
            }
            (CallInstances::Known(list), false, [Traverse::Attr(_), ..]) => {
                list.first().map(|(_, i)| (*i, 0))
            }
            (CallInstances::Representative { inst, .. }, false, [Traverse::Attr(_), ..]) => {
                Some((*inst, 0))
            }
            (
                CallInstances::Representative { inst, .. },
                true,
                [Traverse::Index(k), Traverse::Attr(_), ..],
            ) => {
                // Whichever instance is meant, it looks like the representative; the key
                // is still evaluated for its errors.
                Engine { env: self }.eval(k, b)?;
                Some((*inst, 1))
            }
            (CallInstances::Known(list), true, [Traverse::Index(k), Traverse::Attr(_), ..]) => {
                let key = Engine { env: self }.eval(k, b)?;
                if !key.is_known() {
                    return Ok((key.unknown_like(super::super::cty::Type::Dynamic), 2));
                }
                let found = list.iter().find(|(ik, _)| match ik {
                    InstanceKey::Index(i) => key
                        .as_number()
                        .and_then(|n| n.to_i64())
                        .is_some_and(|(n, exact)| exact && n == *i as i64),
                    InstanceKey::Key(s) => key.as_str() == Some(s),
                    _ => false,
                });
                match found {
                    Some((_, i)) => Some((*i, 1)),
                    None => {
                        return Err(EvalError::invalid(
                            "Invalid index",
                            format!(
                                "The given key does not identify an instance of module.{name}."
                            ),
                            k.span,
                        ));
                    }
                }
            }
            _ => None,
        };
        let Some((instance, skip)) = instance else {
            return Ok((ev.module_value(self.inst, name, span)?, 0));
        };
        let Traverse::Attr(output) = &ops[skip] else {
            unreachable!("matched above")
        };
        Ok((ev.output(instance, output, span)?, skip + 1))
    }

    /// Evaluates `e` here.
    pub fn eval(&self, e: &Expr) -> super::R {
        Engine { env: self }.eval(e, None)
    }
}

impl Host for Evaluator<'_> {
    fn read_file(&self, path: &str) -> Result<Arc<str>, Why> {
        if let Some(r) = self.files.borrow().get(path) {
            return r.clone();
        }
        let r = self.read_inside_tree(path);
        self.files.borrow_mut().insert(path.to_string(), r.clone());
        r
    }

    fn file_exists(&self, path: &str) -> Result<bool, Why> {
        match self.read_file(path) {
            Ok(_) => Ok(true),
            Err(Why::File { why, .. }) if why == "not found" => Ok(false),
            Err(u) => Err(u),
        }
    }

    fn fileset(&self, path: &str, pattern: &str) -> Result<Vec<String>, Why> {
        let base = self.resolve_inside_tree(path)?;
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| Why::File {
                path: pattern.into(),
                why: e.to_string(),
            })?
            .compile_matcher();
        let mut out = Vec::new();
        for entry in walkdir::WalkDir::new(&base)
            .follow_links(false)
            .into_iter()
            .flatten()
        {
            if !entry.file_type().is_file() {
                continue;
            }
            if let Ok(rel) = entry.path().strip_prefix(&base) {
                let rel = super::super::load::slash(rel);
                if glob.is_match(&rel) {
                    out.push(rel);
                }
            }
        }
        out.sort();
        Ok(out)
    }

    fn base_dir(&self) -> &Path {
        &self.root_module().dir
    }

    fn limits(&self) -> super::budget::Limits {
        self.limits
    }

    fn limit_reached(&self, span: crate::model::Span, what: &str) {
        self.pending_limits
            .borrow_mut()
            .push((span, what.to_string()));
    }
}

impl Evaluator<'_> {
    /// A path as Terraform resolves it (relative to the root module), only inside the
    /// scanned tree or a module it calls.
    fn resolve_inside_tree(&self, path: &str) -> Result<PathBuf, Why> {
        let unknown = |why: &str| Why::File {
            path: path.to_string(),
            why: why.to_string(),
        };
        let full = self.root_module().dir.join(Path::new(path));
        let real = std::fs::canonicalize(&full).map_err(|_| unknown("not found"))?;
        if !self.tree.readable.iter().any(|d| real.starts_with(d)) {
            return Err(unknown("it is outside the scanned tree"));
        }
        Ok(real)
    }

    fn read_inside_tree(&self, path: &str) -> Result<Arc<str>, Why> {
        let real = self.resolve_inside_tree(path)?;
        // Checked before reading: what a file flattens to is at least its size.
        if let Ok(meta) = std::fs::metadata(&real)
            && let Some(what) = self
                .limits
                .too_heavy(usize::try_from(meta.len()).unwrap_or(usize::MAX))
        {
            return Err(Why::Limit {
                what: format!("{path}: {what}"),
            });
        }
        std::fs::read_to_string(&real)
            .map(Arc::from)
            .map_err(|e| Why::File {
                path: path.to_string(),
                why: e.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{eval, json, tree};
    use super::super::{Evaluator, Inputs};

    const FILES: &[(&str, &str)] = &[
        (
            "main.tf",
            r#"
module "m" {
  source = "./m"
}
resource "aws_s3_bucket" "b" {
  bucket = "logs"
}
"#,
        ),
        (
            "m/main.tf",
            r#"
output "dir" {
  value = path.module
}
"#,
        ),
    ];

    /// What each expression names in the top module, as JSON, or its error.
    fn names(texts: &[&str]) -> Vec<String> {
        let t = tree(FILES);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        texts
            .iter()
            .map(|text| match eval(&ev, Evaluator::ROOT, text) {
                Ok(v) => json(&v),
                Err(e) => format!("error: {e}"),
            })
            .collect()
    }

    #[test]
    fn names_resolve_as_terraform_resolves_them() {
        let found = names(&[
            "path.module",
            "path.root",
            "terraform.workspace",
            "aws_s3_bucket.b.bucket",
            "aws_s3_bucket.b.arn",
            "module.m.dir",
            "module.m.nope",
            "aws_s3_bucket.nope.bucket",
        ]);
        assert_eq!(
            found,
            [
                r#"".""#,
                r#"".""#,
                r#""default""#,
                r#""logs""#,
                // Only an apply tells what AWS assigns.
                r#""(known after apply)""#,
                // A child module's path, relative to the root, as Terraform gives it.
                r#""m""#,
                r#"error: This object does not have an attribute named "nope": module.m has no output "nope"."#,
                r#"error: A managed resource "aws_s3_bucket" "nope" has not been declared in this module."#,
            ]
        );
    }
}
