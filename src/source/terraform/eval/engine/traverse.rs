//! References and traversals: `a.b`, `a[k]`, `a[*].b` and `a.*.b` (HCL's traversals,
//! `IndexExpr`, `RelativeTraversalExpr` and `SplatExpr`).

use super::{Bindings, Engine, FirstError, lookup};
use crate::model::Span;
use crate::source::terraform::cty::ops::{self, OpError};
use crate::source::terraform::cty::{Type, Value};
use crate::source::terraform::eval::error::{EvalError, R, dynamic};
use crate::source::terraform::ir::Traverse;

/// The representative instance of a resource or module call whose instances are not
/// known (see `Why::Instances`).
fn representative(v: &Value) -> Option<Value> {
    match v {
        Value::Unknown(u) => match &u.why {
            crate::source::terraform::cty::Why::Instances { element, .. } => {
                Some((**element).clone())
            }
            _ => None,
        },
        _ => None,
    }
}

fn op_error(e: OpError, span: Span) -> Box<EvalError> {
    EvalError::invalid(e.summary, e.detail, span)
}

impl Engine<'_> {
    /// A reference rooted at `root`: a binding in scope, else whatever the environment
    /// resolves, then the rest of the traversal.
    pub(super) fn reference(&self, root: &str, ops: &[Traverse], span: Span, b: Bindings<'_>) -> R {
        if let Some(v) = lookup(b, root) {
            return self.traverse(v.clone(), ops, span, b);
        }
        let (v, used) = self.env.resolve(root, ops, span, b)?;
        self.traverse(v, &ops[used..], span, b)
    }

    /// Applies attribute accesses, indexes and splats to a value. As HCL, a step that
    /// fails yields an unknown of unknown type and the rest still apply to it, so the
    /// error's placeholder is what HCL would have returned beside it.
    pub fn traverse(&self, mut v: Value, ops: &[Traverse], span: Span, b: Bindings<'_>) -> R {
        let mut first = FirstError::default();
        let mut i = 0;
        while i < ops.len() {
            match &ops[i] {
                Traverse::Attr(name) => {
                    v = first.take(ops::get_attr(&v, name).map_err(|e| op_error(e, span)));
                }
                Traverse::Index(k) => {
                    // HCL evaluates both the collection and the key.
                    let key = first.take(self.eval(k, b));
                    v = match representative(&v) {
                        // Whatever instance is meant, it looks like the representative.
                        Some(element) => element,
                        None => first.take(ops::index(&v, &key).map_err(|e| op_error(e, k.span))),
                    };
                }
                Traverse::FullSplat => {
                    v = first.take(self.splat(v, &ops[i + 1..], span, b));
                    return first.finish(v);
                }
                Traverse::AttrSplat => {
                    // `.*` applies only the attribute accesses that follow it.
                    let end = ops[i + 1..]
                        .iter()
                        .position(|o| !matches!(o, Traverse::Attr(_)))
                        .map_or(ops.len(), |p| i + 1 + p);
                    v = first.take(self.splat(v, &ops[i + 1..end], span, b));
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        first.finish(v)
    }

    /// HCL's `SplatExpr`: `each` applied to every element of `source`.
    fn splat(&self, source: Value, each: &[Traverse], span: Span, b: Bindings<'_>) -> R {
        let ty = source.ty();
        let sequence = matches!(ty, Type::List(_) | Type::Set(_) | Type::Tuple(_));
        if source.is_null() {
            if !sequence {
                return Ok(Value::tuple(Vec::new()));
            }
            return Err(EvalError::invalid(
                "Splat of null value",
                "Splat expressions (with the * symbol) cannot be applied to null sequences.",
                span,
            ));
        }
        if ty.is_dynamic() {
            return Ok(source.unknown_like(Type::Dynamic));
        }
        let (source, upgraded_unknown) = if sequence {
            (source, false)
        } else {
            let unknown = !source.is_known();
            (Value::tuple(vec![source]), unknown)
        };
        let ty = source.ty();
        if !source.is_known() {
            let (rt, err) = self.splat_type(&ty, each, span, b);
            return match err {
                Some(e) => Err(e.with_placeholder(source.unknown_like(rt))),
                None => Ok(source.unknown_like(rt)),
            };
        }
        let mut results = Vec::new();
        let mut first: Option<Box<EvalError>> = None;
        for item in source.items().unwrap_or_default() {
            match self.traverse(item.clone(), each, span, b) {
                Ok(v) => results.push(v),
                Err(e) => {
                    results.push(e.placeholder.clone());
                    first.get_or_insert(e);
                }
            }
        }
        if upgraded_unknown {
            let v = dynamic();
            return match first {
                Some(e) => Err(e.with_placeholder(v)),
                None => Ok(v),
            };
        }
        if let Some(e) = first {
            let (rt, _) = self.splat_type(&ty, each, span, b);
            return Err(e.with_placeholder(Value::unknown(
                rt,
                crate::source::terraform::cty::Why::Function {
                    name: "(error)".into(),
                },
            )));
        }
        match ty {
            Type::List(_) | Type::Set(_) => {
                if results.is_empty() {
                    let (rt, err) = self.splat_type(&ty, each, span, b);
                    let v = Value::list(rt.element().cloned().unwrap_or(Type::Dynamic), Vec::new());
                    return match err {
                        Some(e) => Err(e.with_placeholder(v)),
                        None => Ok(v),
                    };
                }
                let ety = crate::source::terraform::cty::convert::common_type(&results)
                    .unwrap_or(Type::Dynamic);
                Ok(Value::list(ety, results))
            }
            _ => Ok(Value::tuple(results)),
        }
    }

    /// The type a splat yields, found by applying `each` to an unknown element of each
    /// element type (as HCL does).
    /// An element whose probe fails contributes its placeholder's type, and the first
    /// such error is returned beside the type.
    fn splat_type(
        &self,
        ty: &Type,
        each: &[Traverse],
        span: Span,
        b: Bindings<'_>,
    ) -> (Type, Option<Box<EvalError>>) {
        let mut first = None;
        let mut item_type = |ety: &Type| {
            let probe = Value::unknown(
                ety.clone(),
                crate::source::terraform::cty::Why::Function {
                    name: "(type)".into(),
                },
            );
            match self.traverse(probe, each, span, b) {
                Ok(v) => v.ty(),
                Err(e) => {
                    let t = e.placeholder.ty();
                    first.get_or_insert(e);
                    t
                }
            }
        };
        let t = match ty {
            Type::List(e) | Type::Set(e) => Type::list(item_type(e)),
            Type::Tuple(ts) => Type::tuple(ts.iter().map(&mut item_type).collect()),
            _ => Type::Dynamic,
        };
        (t, first)
    }
}
