//! OpenTofu's early evaluation (opentofu.org/docs/language/modules/sources, "Variables
//! and locals in module sources", OpenTofu 1.8): a module call's `source` may use
//! variables and locals whose values are known before any resource is planned. The
//! source is needed while loading (which modules to read), before the evaluator runs, so
//! it is computed here from what a module knows on its own: variable defaults, its
//! `terraform.tfvars` and `*.auto.tfvars`, and locals built from those.

use super::cty::{Value, Why};
use super::eval::engine::{Bindings, Engine, Env};
use super::eval::error::EvalError;
use super::eval::functions::Host;
use super::ir::{Expr, Traverse};
use super::module::Module;
use crate::model::Span;
use std::cell::Cell;
use std::path::Path;
use std::sync::Arc;

/// References followed at most while computing one source.
const MAX_DEPTH: usize = 32;

/// Fills in each call's `source` written as an expression of variables and locals, when
/// its value is known early.
pub fn sources(module: &mut Module) {
    let computed: Vec<(Box<str>, String)> = module
        .calls
        .iter()
        .filter(|(_, c)| c.source.is_none())
        .filter_map(|(name, c)| {
            let expr = &c.block.body.attribute("source")?.expr;
            let env = Early {
                module,
                depth: Cell::new(0),
            };
            let value = Engine { env: &env }.eval(expr, None).ok()?;
            let s = value.as_str().filter(|_| value.is_known())?;
            Some((name.clone(), s.to_string()))
        })
        .collect();
    for (name, source) in computed {
        if let Some(call) = module.calls.get_mut(&name) {
            call.source = Some(source);
        }
    }
}

struct Early<'m> {
    module: &'m Module,
    depth: Cell<usize>,
}

impl Early<'_> {
    fn not_early(span: Span) -> Box<EvalError> {
        EvalError::invalid(
            "Variables not allowed",
            "Only variables and locals known before planning may be used here.",
            span,
        )
    }

    fn eval(&self, e: &Expr) -> Result<Value, Box<EvalError>> {
        if self.depth.get() >= MAX_DEPTH {
            return Err(Self::not_early(e.span));
        }
        self.depth.set(self.depth.get() + 1);
        let v = Engine { env: self }.eval(e, None);
        self.depth.set(self.depth.get() - 1);
        v
    }

    /// A variable's value as a root module gets it without a command line: the last
    /// tfvars file that sets it, else its default.
    fn variable(&self, name: &str, span: Span) -> Result<Value, Box<EvalError>> {
        let decl = self
            .module
            .variables
            .get(name)
            .ok_or_else(|| Self::not_early(span))?;
        let from_tfvars = self
            .module
            .auto_tfvars
            .iter()
            .rev()
            .find_map(|t| t.body.attribute(name));
        match from_tfvars.map(|a| &a.expr).or(decl.default()) {
            Some(e) => self.eval(e),
            None => Err(Self::not_early(span)),
        }
    }
}

impl Env for Early<'_> {
    fn resolve(
        &self,
        root: &str,
        ops: &[Traverse],
        span: Span,
        _b: Bindings<'_>,
    ) -> Result<(Value, usize), Box<EvalError>> {
        let Some(Traverse::Attr(name)) = ops.first() else {
            return Err(Self::not_early(span));
        };
        match root {
            "var" => Ok((self.variable(name, span)?, 1)),
            "local" => {
                let local = self
                    .module
                    .locals
                    .get(&**name)
                    .ok_or_else(|| Self::not_early(span))?;
                Ok((self.eval(&local.expr)?, 1))
            }
            _ => Err(Self::not_early(span)),
        }
    }

    fn host(&self) -> &dyn Host {
        self
    }
}

impl Host for Early<'_> {
    fn read_file(&self, path: &str) -> std::result::Result<Arc<str>, Why> {
        Err(Why::File {
            path: path.into(),
            why: "not read while loading modules".into(),
        })
    }

    fn file_exists(&self, path: &str) -> std::result::Result<bool, Why> {
        self.read_file(path).map(|_| true)
    }

    fn fileset(&self, path: &str, _pattern: &str) -> std::result::Result<Vec<String>, Why> {
        self.read_file(path).map(|_| Vec::new())
    }

    fn base_dir(&self) -> &Path {
        &self.module.dir
    }
}
