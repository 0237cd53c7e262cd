//! Expression evaluation with HCL's semantics (`hclsyntax` expression nodes over cty
//! values), independent of where names come from: an [`Env`] resolves references
//! (`var.x`, `aws_iam_role.r.arn`, `count.index`), the engine does the rest.

mod call;
pub use call::{visit_calls, visit_references};
mod for_expr;
mod operators;
pub mod template;
mod traverse;

use super::error::{EvalError, R, dynamic};
use super::functions::Host;
use crate::model::Span;
use crate::source::terraform::cty::{Type, Value};
use crate::source::terraform::ir::{Expr, ExprKind, ObjectKey, Traverse};
use std::collections::BTreeMap;

/// Where names that expressions do not bind themselves come from.
pub trait Env {
    /// Resolves a reference rooted at `root` (not bound by a `for` or template), reading
    /// as many of `ops` as it needs (`var.NAME` reads one; a module output two). Returns
    /// the value and how many operators it consumed.
    fn resolve(
        &self,
        root: &str,
        ops: &[Traverse],
        span: Span,
        b: Bindings<'_>,
    ) -> Result<(Value, usize), Box<EvalError>>;
    fn host(&self) -> &dyn Host;
    /// Functions only this context offers (`type()` in the console), by name.
    fn extra_function(&self, _name: &str) -> Option<&super::functions::Function> {
        None
    }
    /// Whether this is the scope of a template being rendered by `templatefile` or
    /// `templatestring`, where Terraform refuses both.
    fn in_template(&self) -> bool {
        false
    }
}

/// A name bound by a `for` expression, a `dynamic` block's iterator or a template's
/// variables, and the bindings around it.
pub struct Binding<'s> {
    pub name: &'s str,
    pub value: Value,
    pub next: Bindings<'s>,
}

pub type Bindings<'s> = Option<&'s Binding<'s>>;

pub fn lookup<'a>(mut b: Bindings<'a>, name: &str) -> Option<&'a Value> {
    while let Some(binding) = b {
        if binding.name == name {
            return Some(&binding.value);
        }
        b = binding.next;
    }
    None
}

/// Runs `f` with one more binding.
pub fn with_binding<T>(
    b: Bindings<'_>,
    name: &str,
    value: Value,
    f: impl FnOnce(Bindings<'_>) -> T,
) -> T {
    let binding = Binding {
        name,
        value,
        next: b,
    };
    f(Some(&binding))
}

pub struct Engine<'a> {
    pub env: &'a dyn Env,
}

/// Keeps the first error while a compound expression goes on evaluating its parts, so
/// the error's placeholder can be the whole value HCL would have built.
#[derive(Default)]
struct FirstError(Option<Box<EvalError>>);

impl FirstError {
    fn take(&mut self, r: R) -> Value {
        match r {
            Ok(v) => v,
            Err(e) => {
                let v = e.placeholder.clone();
                self.0.get_or_insert(e);
                v
            }
        }
    }

    fn finish(self, v: Value) -> R {
        match self.0 {
            None => Ok(v),
            Some(e) => Err(e.with_placeholder(v)),
        }
    }
}

impl Engine<'_> {
    /// The value of `e`, or the error Terraform would report. A value heavier than the
    /// run's limit is not kept: it becomes unknown, and the limit is noted at `e`.
    pub fn eval(&self, e: &Expr, b: Bindings<'_>) -> R {
        let v = self.eval_node(e, b)?;
        Ok(self.bounded(v, e.span))
    }

    /// `v`, or the unknown that stands for it when it passes a limit.
    fn bounded(&self, v: Value, span: Span) -> Value {
        let host = self.env.host();
        match host.limits().exceeded_by(&v) {
            None => v,
            Some(what) => {
                host.limit_reached(span, &what);
                super::budget::unknown(Type::Dynamic, what)
            }
        }
    }

    fn eval_node(&self, e: &Expr, b: Bindings<'_>) -> R {
        match &e.kind {
            ExprKind::Null => Ok(Value::null()),
            ExprKind::Bool(v) => Ok(Value::Bool(*v)),
            ExprKind::Number(n) => Ok(Value::Number(n.clone())),
            ExprKind::String(s) => Ok(Value::string(&**s)),
            ExprKind::Template(parts) => self.template(parts, e.span, b),
            ExprKind::Tuple(items) => {
                let mut first = FirstError::default();
                let values = items.iter().map(|i| first.take(self.eval(i, b))).collect();
                first.finish(Value::tuple(values))
            }
            ExprKind::Object(items) => self.object(items, b),
            ExprKind::Variable(name) => self.reference(name, &[], e.span, b),
            ExprKind::Traversal(t) => match &t.base.kind {
                ExprKind::Variable(name) => self.reference(name, &t.ops, e.span, b),
                _ => match self.eval(&t.base, b) {
                    Ok(v) => self.traverse(v, &t.ops, e.span, b),
                    Err(err) => {
                        // The rest of the expression still applies to the placeholder.
                        let after = self.traverse(err.placeholder.clone(), &t.ops, e.span, b);
                        Err(err.with_placeholder(after.unwrap_or_else(|e| e.placeholder)))
                    }
                },
            },
            ExprKind::Call(c) => self.call(c, e.span, b),
            ExprKind::Conditional(c) => self.conditional(&c[0], &c[1], &c[2], e.span, b),
            ExprKind::Unary(op, x) => self.unary(*op, x, e.span, b),
            ExprKind::Binary(op, xs) => self.binary(*op, &xs[0], &xs[1], e.span, b),
            ExprKind::For(f) => self.for_expr(f, e.span, b),
        }
    }

    /// `{ k = v, ... }` (HCL's ObjectConsExpr): keys are converted to strings; a null or
    /// unconvertible key is an error; an unknown key makes the whole object unknown.
    fn object(&self, items: &[(ObjectKey, Expr)], b: Bindings<'_>) -> R {
        let mut first = FirstError::default();
        let mut attrs = BTreeMap::new();
        let mut unknown_key: Option<Value> = None;
        for (k, v) in items {
            let (key, key_span) = match k {
                ObjectKey::Name(n) => (Ok(Value::string(&**n)), v.span),
                ObjectKey::Expr(ke) => (self.eval(ke, b), ke.span),
            };
            let value = first.take(self.eval(v, b));
            let key = match key {
                Ok(k) => k,
                Err(e) => {
                    first.take(Err(e));
                    unknown_key.get_or_insert(dynamic());
                    continue;
                }
            };
            if key.is_null() {
                first.take(Err(EvalError::invalid(
                    "Null value as key",
                    "Can't use a null value as a key.",
                    key_span,
                )));
                unknown_key.get_or_insert(dynamic());
                continue;
            }
            let key = match crate::source::terraform::cty::convert::convert(&key, &Type::String) {
                Ok(k) => k,
                Err(err) => {
                    first.take(Err(EvalError::invalid(
                        "Incorrect key type",
                        format!("Can't use this value as a key: {err}."),
                        key_span,
                    )));
                    unknown_key.get_or_insert(dynamic());
                    continue;
                }
            };
            match key.as_str() {
                Some(name) => {
                    attrs.insert(name.to_string(), value);
                }
                None => {
                    unknown_key.get_or_insert(key.unknown_like(Type::Dynamic));
                }
            }
        }
        match unknown_key {
            Some(u) => first.finish(u),
            None => first.finish(Value::object(attrs)),
        }
    }
}
