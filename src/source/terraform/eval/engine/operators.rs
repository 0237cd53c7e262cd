//! Conditionals and operators (HCL's ConditionalExpr, UnaryOpExpr, BinaryOpExpr).

use super::{Bindings, Engine};
use crate::model::Span;
use crate::source::terraform::cty::convert::{conversion, convert};
use crate::source::terraform::cty::unify::{Step, unify};
use crate::source::terraform::cty::{Type, Value, Why};
use crate::source::terraform::eval::error::{EvalError, R};
use crate::source::terraform::eval::functions::{Function, operators as op};
use crate::source::terraform::ir::{BinaryOperator, Expr, UnaryOperator};
use std::sync::LazyLock;

struct Operators {
    add: Function,
    subtract: Function,
    multiply: Function,
    divide: Function,
    modulo: Function,
    negate: Function,
    less: Function,
    less_eq: Function,
    greater: Function,
    greater_eq: Function,
    and: Function,
    or: Function,
    not: Function,
    equal: Function,
    not_equal: Function,
}

static OPS: LazyLock<Operators> = LazyLock::new(|| Operators {
    add: op::add(),
    subtract: op::subtract(),
    multiply: op::multiply(),
    divide: op::divide(),
    modulo: op::modulo(),
    negate: op::negate(),
    less: op::less_than(),
    less_eq: op::less_than_or_equal(),
    greater: op::greater_than(),
    greater_eq: op::greater_than_or_equal(),
    and: op::and(),
    or: op::or(),
    not: op::not(),
    equal: op::equal(),
    not_equal: op::not_equal(),
});

/// An unknown of `ty` standing in for an operation that failed.
fn failed(ty: Type) -> Value {
    Value::unknown(
        ty,
        Why::Function {
            name: "(error)".into(),
        },
    )
}

impl Engine<'_> {
    pub(super) fn conditional(
        &self,
        cond: &Expr,
        yes: &Expr,
        no: &Expr,
        span: Span,
        b: Bindings<'_>,
    ) -> R {
        // Both results are evaluated for their types; only the taken one's errors count.
        let t = self.eval(yes, b);
        let f = self.eval(no, b);
        let tv = t
            .as_ref()
            .map_or_else(|e| e.placeholder.clone(), Value::clone);
        let fv = f
            .as_ref()
            .map_or_else(|e| e.placeholder.clone(), Value::clone);
        let literal_null = |v: &Value| matches!(v, Value::Null(Type::Dynamic));
        let (result_type, steps): (Option<Type>, [Option<Step>; 2]) = if literal_null(&tv) {
            let rt = fv.ty();
            let step = conversion(&Type::Dynamic, &rt, true).map(Step::Convert);
            (Some(rt), [step, None])
        } else if literal_null(&fv) {
            let rt = tv.ty();
            let step = conversion(&Type::Dynamic, &rt, true).map(Step::Convert);
            (Some(rt), [None, step])
        } else if tv.ty().is_dynamic() || fv.ty().is_dynamic() {
            (Some(Type::Dynamic), [None, None])
        } else {
            match unify(&[tv.ty(), fv.ty()], true) {
                Some((rt, mut s)) => {
                    let second = s.pop().flatten();
                    let first = s.pop().flatten();
                    (Some(rt), [first, second])
                }
                None => (None, [None, None]),
            }
        };
        let Some(result_type) = result_type else {
            return Err(EvalError::invalid(
                "Inconsistent conditional result types",
                format!(
                    "The true and false result expressions must have consistent types. The 'true' value is {}, but the 'false' value is {}.",
                    tv.ty().friendly_name(),
                    fv.ty().friendly_name()
                ),
                span,
            ));
        };
        let c = self
            .eval(cond, b)
            .map_err(|e| e.with_placeholder(failed(result_type.clone())))?;
        if c.is_null() {
            return Err(EvalError::invalid(
                "Null condition",
                "The condition value is null. Conditions must either be true or false.",
                cond.span,
            )
            .with_placeholder(failed(result_type)));
        }
        if !c.is_known() {
            return Ok(c.unknown_like(result_type));
        }
        let Some(c) = convert(&c, &Type::Bool).ok().and_then(|c| c.as_bool()) else {
            return Err(EvalError::invalid(
                "Incorrect condition type",
                "The condition expression must be of type bool.",
                cond.span,
            )
            .with_placeholder(failed(result_type)));
        };
        let (taken, step, which) = if c {
            (t, &steps[0], "true")
        } else {
            (f, &steps[1], "false")
        };
        let v = taken?;
        match step {
            None => Ok(v),
            Some(step) => step.apply(&v).map_err(|e| {
                EvalError::invalid(
                    "Inconsistent conditional result types",
                    format!("The {which} result value has the wrong type: {e}."),
                    span,
                )
                .with_placeholder(failed(result_type.clone()))
            }),
        }
    }

    pub(super) fn unary(&self, op: UnaryOperator, x: &Expr, span: Span, b: Bindings<'_>) -> R {
        let (f, ty) = match op {
            UnaryOperator::Neg => (&OPS.negate, Type::Number),
            UnaryOperator::Not => (&OPS.not, Type::Bool),
        };
        let given = self
            .eval(x, b)
            .map_err(|e| e.with_placeholder(failed(ty.clone())))?;
        let v = convert(&given, &f.params[0].ty).map_err(|e| {
            EvalError::invalid(
                "Invalid operand",
                format!("Unsuitable value for unary operand: {e}."),
                x.span,
            )
            .with_placeholder(failed(ty.clone()))
        })?;
        f.call(self.env.host(), &[v]).map_err(|e| {
            EvalError::invalid(
                "Operation failed",
                format!("Error during operation: {}.", e.message),
                span,
            )
            .with_placeholder(failed(ty))
        })
    }

    pub(super) fn binary(
        &self,
        op: BinaryOperator,
        l: &Expr,
        r: &Expr,
        span: Span,
        b: Bindings<'_>,
    ) -> R {
        use BinaryOperator::*;
        let (f, ty) = match op {
            Plus => (&OPS.add, Type::Number),
            Minus => (&OPS.subtract, Type::Number),
            Mul => (&OPS.multiply, Type::Number),
            Div => (&OPS.divide, Type::Number),
            Mod => (&OPS.modulo, Type::Number),
            Less => (&OPS.less, Type::Bool),
            LessEq => (&OPS.less_eq, Type::Bool),
            Greater => (&OPS.greater, Type::Bool),
            GreaterEq => (&OPS.greater_eq, Type::Bool),
            And => (&OPS.and, Type::Bool),
            Or => (&OPS.or, Type::Bool),
            Eq => (&OPS.equal, Type::Bool),
            NotEq => (&OPS.not_equal, Type::Bool),
        };
        let placeholder = || failed(ty.clone());
        let lv = self.eval(l, b);
        let rv = self.eval(r, b);
        let lv = lv.map_err(|e| e.with_placeholder(placeholder()))?;
        let rv = rv.map_err(|e| e.with_placeholder(placeholder()))?;
        let operand = |v: &Value, side: &str, at: Span, param: &Type| {
            convert(v, param).map_err(|e| {
                EvalError::invalid(
                    "Invalid operand",
                    format!("Unsuitable value for {side} operand: {e}."),
                    at,
                )
                .with_placeholder(placeholder())
            })
        };
        let lv = operand(&lv, "left", l.span, &f.params[0].ty)?;
        let rv = operand(&rv, "right", r.span, &f.params[1].ty)?;
        f.call(self.env.host(), &[lv, rv]).map_err(|e| {
            EvalError::invalid(
                "Operation failed",
                format!("Error during operation: {}.", e.message),
                span,
            )
            .with_placeholder(placeholder())
        })
    }
}
