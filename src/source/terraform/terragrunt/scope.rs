//! Evaluating the expressions of one Terragrunt file for one unit: the names it may use
//! (`local`, `include`, `dependency`, `feature`, `values`) and the files its functions
//! may read.
//!
//! Where relative paths resolve differs by function, as in Terragrunt: Terraform's
//! file functions (`file()`, `fileset()`...) resolve against the directory of the file
//! the expression is written in, while `find_in_parent_folders()`,
//! `read_terragrunt_config()` and `get_terragrunt_dir()` work from the unit being run
//! (an included parent is evaluated "in the context of the child",
//! terragrunt.gruntwork.io/docs/reference/hcl/blocks/#include), or, in a file read with
//! `read_terragrunt_config()`, from that file's own directory.

use super::super::cty::value::Attrs;
use super::super::cty::{Type, Value, Why};
use super::super::eval::engine::{Bindings, Engine, Env};
use super::super::eval::error::{EvalError, R};
use super::super::eval::functions::{self, FnError, Host};
use super::super::ir::{Expr, Traverse};
use super::files::{Files, Loaded};
use crate::model::{FileId, Span};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One unit's evaluation: what every file evaluated for it shares.
pub(super) struct Run<'f, 'd> {
    pub files: &'f RefCell<Files<'d>>,
    /// The unit's directory (canonical): Terragrunt's original working directory.
    pub unit_dir: PathBuf,
    /// As reports show it.
    pub unit_display: String,
    /// Directories `file()` and the like may read from: the scanned tree, and the
    /// directories of the Terragrunt files the unit reads.
    pub readable: Vec<PathBuf>,
    /// What Terragrunt would refuse: file, place, summary, detail.
    pub invalid: RefCell<Vec<(FileId, Span, String, String)>>,
    /// Dependencies whose `mock_outputs` stand for their outputs, as `"name" (path)`.
    pub notes: RefCell<Vec<String>>,
    /// Every Terragrunt file the unit reads.
    pub read: RefCell<HashSet<FileId>>,
    /// `read_terragrunt_config()` results, by canonical path; `None` while being read.
    pub configs: RefCell<HashMap<PathBuf, Option<Value>>>,
    /// The unit's includes: name and the included file's directory.
    pub includes: RefCell<Vec<(String, PathBuf)>>,
    /// Files read with `file()` and the like (a `.tf` file copied by `generate`).
    pub file_reads: RefCell<Vec<PathBuf>>,
    /// `values`, for a unit a stack generates.
    pub values: Option<Value>,
}

impl<'f, 'd> Run<'f, 'd> {
    pub fn new(
        files: &'f RefCell<Files<'d>>,
        unit_dir: PathBuf,
        readable: Vec<PathBuf>,
        values: Option<Value>,
    ) -> Self {
        Run {
            files,
            unit_display: files.borrow().show(&unit_dir),
            unit_dir,
            readable,
            invalid: RefCell::default(),
            notes: RefCell::default(),
            read: RefCell::default(),
            configs: RefCell::default(),
            includes: RefCell::default(),
            file_reads: RefCell::default(),
            values,
        }
    }

    pub fn refuse(&self, file: FileId, span: Span, summary: &str, detail: String) {
        let mut invalid = self.invalid.borrow_mut();
        if !invalid
            .iter()
            .any(|(f, s, _, d)| *f == file && *s == span && *d == detail)
        {
            invalid.push((file, span, summary.to_string(), detail));
        }
    }
}

/// State of a local while locals are evaluated on demand.
enum Local {
    Busy,
    Done(Value),
}

/// One file evaluated for a unit.
pub(super) struct Scope<'r, 'f, 'd> {
    pub run: &'r Run<'f, 'd>,
    pub loaded: Loaded,
    /// Where `find_in_parent_folders()`, `read_terragrunt_config()` and
    /// `get_terragrunt_dir()` work from.
    pub dir: PathBuf,
    /// When this file is included by the unit: the include's name.
    pub include: Option<String>,
    locals: RefCell<HashMap<String, Local>>,
    /// `include.NAME` for includes with `expose = true` (the unit's file only).
    pub exposed: RefCell<Vec<(String, Value)>>,
    /// `dependency.NAME`.
    pub dependencies: RefCell<Attrs>,
}

impl<'r, 'f, 'd> Scope<'r, 'f, 'd> {
    pub fn new(
        run: &'r Run<'f, 'd>,
        loaded: Loaded,
        dir: PathBuf,
        include: Option<String>,
    ) -> Self {
        run.read.borrow_mut().insert(loaded.file);
        Scope {
            run,
            loaded,
            dir,
            include,
            locals: RefCell::default(),
            exposed: RefCell::default(),
            dependencies: RefCell::default(),
        }
    }

    pub fn file(&self) -> FileId {
        self.loaded.file
    }

    /// The value of `e`, or `None` after recording Terragrunt's refusal.
    pub fn eval(&self, e: &Expr) -> Option<Value> {
        let result = Engine { env: self }.eval(e, None);
        match result {
            Ok(v) => Some(v),
            Err(err) => {
                if !err.consequential {
                    self.run
                        .refuse(self.file(), err.span, &err.summary, err.detail.clone());
                }
                None
            }
        }
    }

    /// Every local of the file, as an object.
    pub fn locals(&self) -> Value {
        let body = self.loaded.body.clone();
        let mut attrs = Attrs::new();
        for block in body.blocks_of("locals") {
            for a in &block.body.attributes {
                if let Ok(v) = self.local(&a.name, a.span) {
                    attrs.insert(a.name.to_string(), v);
                }
            }
        }
        Value::object(attrs)
    }

    fn local(&self, name: &str, span: Span) -> R {
        match self.locals.borrow().get(name) {
            Some(Local::Done(v)) => return Ok(v.clone()),
            Some(Local::Busy) => {
                return Err(EvalError::invalid(
                    "Cycle in locals",
                    format!("local.{name} refers to itself, through other locals."),
                    span,
                ));
            }
            None => {}
        }
        let body = self.loaded.body.clone();
        let Some(attr) = body
            .blocks_of("locals")
            .flat_map(|b| b.body.attributes.iter())
            .find(|a| &*a.name == name)
        else {
            return Err(EvalError::invalid(
                "Unsupported attribute",
                format!("There is no local named {name:?} in this file."),
                span,
            ));
        };
        self.locals
            .borrow_mut()
            .insert(name.to_string(), Local::Busy);
        let v = Engine { env: self }.eval(&attr.expr, None);
        let v = match v {
            Ok(v) => v,
            Err(err) => {
                self.locals.borrow_mut().remove(name);
                if !err.consequential {
                    self.run
                        .refuse(self.file(), err.span, &err.summary, err.detail.clone());
                }
                let mut err = err;
                err.consequential = true;
                return Err(err);
            }
        };
        self.locals
            .borrow_mut()
            .insert(name.to_string(), Local::Done(v.clone()));
        Ok(v)
    }

    /// `feature.NAME.value`: a feature flag's `default`, as Terragrunt uses it when no
    /// `--feature` flag is given (docs: hcl/blocks/#feature).
    fn features(&self) -> Value {
        let body = self.loaded.body.clone();
        let mut attrs = Attrs::new();
        for block in body.blocks_of("feature") {
            let Some(name) = block.labels.first() else {
                continue;
            };
            let value = block
                .body
                .attribute("default")
                .and_then(|a| self.eval(&a.expr))
                .unwrap_or_else(Value::null);
            let mut feature = Attrs::new();
            feature.insert("value".into(), value);
            attrs.insert(name.to_string(), Value::object(feature));
        }
        Value::object(attrs)
    }

    /// A path as Terraform's file functions resolve it here: against this file's
    /// directory, and only inside what the unit may read.
    fn resolve_readable(&self, path: &str) -> Result<PathBuf, Why> {
        let unknown = |why: &str| Why::File {
            path: path.to_string(),
            why: why.to_string(),
        };
        let real =
            std::fs::canonicalize(self.loaded.dir.join(path)).map_err(|_| unknown("not found"))?;
        // The scanned tree, and the folder of the file being evaluated (a parent above
        // the PATH given, with the files it copies).
        if !self
            .run
            .readable
            .iter()
            .chain([&self.loaded.dir])
            .any(|d| real.starts_with(d))
        {
            return Err(unknown("it is outside the scanned tree"));
        }
        Ok(real)
    }
}

/// Terragrunt's error for a reference it does not know.
fn unknown_variable(root: &str, span: Span) -> Box<EvalError> {
    EvalError::invalid(
        "Unknown variable",
        format!("There is no variable named {root:?}."),
        span,
    )
}

impl Env for Scope<'_, '_, '_> {
    fn resolve(
        &self,
        root: &str,
        ops: &[Traverse],
        span: Span,
        _b: Bindings<'_>,
    ) -> Result<(Value, usize), Box<EvalError>> {
        match root {
            "local" => match ops.first() {
                Some(Traverse::Attr(name)) => Ok((self.local(name, span)?, 1)),
                _ => Err(EvalError::invalid(
                    "Invalid reference",
                    "The \"local\" object cannot be accessed directly: name a local, as in local.NAME.",
                    span,
                )),
            },
            "include" => {
                let exposed = self.exposed.borrow();
                if let Some(Traverse::Attr(name)) = ops.first()
                    && let Some((_, v)) = exposed.iter().find(|(n, _)| n == &**name)
                {
                    return Ok((v.clone(), 1));
                }
                // The older unnamed `include`, exposed: `include.locals.x`.
                if let Some((_, v)) = exposed.iter().find(|(n, _)| n.is_empty()) {
                    return Ok((v.clone(), 0));
                }
                Err(EvalError::invalid(
                    "Unsupported attribute",
                    "No include block with `expose = true` has this name: Terragrunt makes an included configuration's values available only when its include block sets `expose = true`.",
                    span,
                ))
            }
            "dependency" => Ok((Value::object(self.dependencies.borrow().clone()), 0)),
            "feature" => Ok((self.features(), 0)),
            // A unit generated by a stack gets `values` from its terragrunt.stack.hcl.
            "values" => Ok((
                self.run.values.clone().unwrap_or_else(|| Value::unknown(
                    Type::Dynamic,
                    Why::Terragrunt {
                        what: "`values` are set by the terragrunt.stack.hcl that generates this unit".into(),
                        hint: "run `terragrunt stack generate` and audit the generated units".into(),
                    },
                )),
                0,
            )),
            _ => Err(unknown_variable(root, span)),
        }
    }

    fn host(&self) -> &dyn Host {
        self
    }

    fn extra_function(&self, name: &str) -> Option<&functions::Function> {
        super::functions::lookup(name)
    }
}

impl Host for Scope<'_, '_, '_> {
    fn read_file(&self, path: &str) -> Result<Arc<str>, Why> {
        let real = self.resolve_readable(path)?;
        self.run.file_reads.borrow_mut().push(real.clone());
        std::fs::read_to_string(&real)
            .map(Arc::from)
            .map_err(|e| Why::File {
                path: path.to_string(),
                why: e.to_string(),
            })
    }

    fn file_exists(&self, path: &str) -> Result<bool, Why> {
        match self.resolve_readable(path) {
            Ok(p) => Ok(p.is_file()),
            Err(Why::File { why, .. }) if why == "not found" => Ok(false),
            Err(u) => Err(u),
        }
    }

    fn fileset(&self, path: &str, _pattern: &str) -> Result<Vec<String>, Why> {
        Err(Why::File {
            path: path.to_string(),
            why: "fileset() is not evaluated in Terragrunt configuration".into(),
        })
    }

    fn base_dir(&self) -> &Path {
        &self.loaded.dir
    }

    fn context_call(&self, name: &str, args: &[Value]) -> functions::Result<Value> {
        super::functions::call(self, name, args)
    }
}

/// A refusal in a function's words, for `context_call`.
pub(super) fn refused(message: impl Into<String>) -> FnError {
    FnError::new(message)
}
