//! Terraform's functions, called as cty calls them (`function.Function.Call`): each
//! declares its parameters (type, and whether null, unknown and dynamic values are
//! accepted), a return type computed from the arguments, and an implementation.
//!
//! The framework gives every function cty's rules for free: a null argument where none is
//! allowed is an error; an unknown argument where none is allowed makes the result an
//! unknown of the return type; arguments are converted to the parameter's type first (by
//! the caller, as HCL does).

mod collections;
mod conversion;
mod datetime;
mod encoding;
mod filesystem;
mod numbers;
pub mod operators;
pub mod registry;
mod sets;
mod strings;

use super::budget::Limits;
use crate::source::terraform::cty::{Type, Value, Why};
use std::path::Path;
use std::sync::Arc;

pub use registry::lookup;

/// One parameter of a function.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: &'static str,
    pub ty: Type,
    pub allow_null: bool,
    pub allow_unknown: bool,
    pub allow_dynamic: bool,
}

impl Param {
    pub const fn new(name: &'static str, ty: Type) -> Param {
        Param {
            name,
            ty,
            allow_null: false,
            allow_unknown: false,
            allow_dynamic: false,
        }
    }

    pub const fn null(mut self) -> Param {
        self.allow_null = true;
        self
    }

    pub const fn unknown(mut self) -> Param {
        self.allow_unknown = true;
        self
    }

    pub const fn dynamic(mut self) -> Param {
        self.allow_dynamic = true;
        self
    }
}

/// What a function may ask of its surroundings.
pub trait Host {
    /// Reads a file, given as Terraform would resolve it (relative to the root module's
    /// directory), only inside the scanned tree.
    fn read_file(&self, path: &str) -> std::result::Result<Arc<str>, Why>;
    fn file_exists(&self, path: &str) -> std::result::Result<bool, Why>;
    /// Files under `path` matching `pattern`, as `fileset` returns them.
    fn fileset(&self, path: &str, pattern: &str) -> std::result::Result<Vec<String>, Why>;
    /// The directory relative paths resolve against (the root module's).
    fn base_dir(&self) -> &Path;
    /// The run's limits (see `eval::budget`).
    fn limits(&self) -> Limits {
        Limits::default()
    }
    /// Notes that the expression at `span` was not computed because of a limit.
    fn limit_reached(&self, _span: crate::model::Span, _what: &str) {}
    /// Calls a function that needs to know where it is evaluated (Terragrunt's
    /// `find_in_parent_folders` and the like), for hosts that offer them.
    fn context_call(&self, name: &str, _args: &[Value]) -> Result<Value> {
        Err(FnError::new(format!("{name}() is not available here")))
    }
}

/// A function's refusal: the argument at fault (if one is), and why.
#[derive(Debug, Clone, PartialEq)]
pub struct FnError {
    pub arg: Option<usize>,
    pub message: String,
    /// Not a refusal: the result would pass one of the run's limits (`message` says
    /// which), so it is not computed.
    pub limit: bool,
}

impl FnError {
    pub fn new(message: impl Into<String>) -> FnError {
        FnError {
            arg: None,
            message: message.into(),
            limit: false,
        }
    }

    /// The result would pass a limit: `what` says which (from `eval::budget`).
    pub fn limit(what: String) -> FnError {
        FnError {
            arg: None,
            message: what,
            limit: true,
        }
    }

    /// Refuses to build a result of `weight` beyond the limit (for functions that can
    /// build much more than their arguments weigh).
    pub fn check_weight(host: &dyn Host, weight: usize) -> Result<()> {
        match host.limits().too_heavy(weight) {
            Some(what) => Err(FnError::limit(what)),
            None => Ok(()),
        }
    }

    pub fn arg(i: usize, message: impl Into<String>) -> FnError {
        FnError {
            arg: Some(i),
            message: message.into(),
            limit: false,
        }
    }
}

pub type Result<T> = std::result::Result<T, FnError>;
pub type TypeFn = fn(&[Value]) -> Result<Type>;
pub type ImplFn = fn(&dyn Host, &[Value], &Type) -> Result<Value>;

pub enum Returns {
    Static(Type),
    Computed(TypeFn),
}

pub struct Function {
    pub params: Vec<Param>,
    pub var_param: Option<Param>,
    pub returns: Returns,
    pub imp: ImplFn,
}

impl Function {
    /// cty's `ReturnTypeForValues`: the result type for these arguments, or why the
    /// arguments are not acceptable.
    pub fn return_type(&self, args: &[Value]) -> Result<Type> {
        let positional = self.params.len();
        if self.var_param.is_none() && args.len() != positional {
            return Err(FnError::new(format!(
                "wrong number of arguments ({positional} required; {} given)",
                args.len()
            )));
        }
        if args.len() < positional {
            return Err(FnError::new(format!(
                "wrong number of arguments (at least {positional} required; {} given)",
                args.len()
            )));
        }
        for (i, v) in args.iter().enumerate() {
            let (spec, err_index) = match self.params.get(i) {
                Some(p) => (p, i),
                // cty reports variadic argument errors by their index among the
                // variadic arguments.
                None => (
                    self.var_param.as_ref().expect("checked above"),
                    i - positional,
                ),
            };
            if v.is_null() && !spec.allow_null {
                return Err(FnError::arg(i, "argument must not be null"));
            }
            let ty = v.ty();
            if ty.is_dynamic() {
                if !spec.allow_dynamic {
                    return Ok(Type::Dynamic);
                }
            } else if !ty.conforms_to(&spec.ty) {
                return Err(FnError::arg(
                    err_index,
                    crate::source::terraform::cty::convert::mismatch_message(&ty, &spec.ty),
                ));
            }
        }
        match &self.returns {
            Returns::Static(t) => Ok(t.clone()),
            Returns::Computed(f) => f(args),
        }
    }

    /// cty's `Call`.
    pub fn call(&self, host: &dyn Host, args: &[Value]) -> Result<Value> {
        let ret = self.return_type(args)?;
        for (i, v) in args.iter().enumerate() {
            let spec = self
                .params
                .get(i)
                .or(self.var_param.as_ref())
                .expect("arity checked");
            if !v.is_known() && !spec.allow_unknown {
                return Ok(v.unknown_like(ret));
            }
        }
        // A result is mostly built from its arguments: arguments that weigh more than
        // a value may together are not combined (each is within the limit already).
        let weight = args
            .iter()
            .fold(0usize, |w, a| w.saturating_add(a.weight()));
        FnError::check_weight(host, weight)?;
        (self.imp)(host, args, &ret)
    }
}

/// The first unknown among the arguments, as the reason a result is unknown.
pub fn unknown_result(args: &[Value], ty: Type) -> Value {
    args.iter()
        .find_map(Value::first_unknown)
        .map(|u| u.unknown_like(ty.clone()))
        .unwrap_or_else(|| {
            Value::unknown(
                ty,
                Why::Function {
                    name: "(result)".into(),
                },
            )
        })
}
