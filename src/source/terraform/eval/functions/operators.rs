//! The functions behind HCL's operators (cty stdlib `AddFunc`, `EqualFunc`, `AndFunc`,
//! ...): operands are converted to the parameter type by the caller, and an unknown
//! operand makes the result unknown.

use super::{FnError, Function, Host, Param, Result, Returns};
use crate::source::terraform::cty::ops::equals;
use crate::source::terraform::cty::{BigFloat, Type, Value};

fn number(v: &Value) -> &BigFloat {
    v.as_number().expect("converted to number")
}

fn boolean(v: &Value) -> bool {
    v.as_bool().expect("converted to bool")
}

fn binary(ty: Type, ret: Type, imp: super::ImplFn) -> Function {
    Function {
        params: vec![
            Param::new("a", ty.clone()).dynamic(),
            Param::new("b", ty).dynamic(),
        ],
        var_param: None,
        returns: Returns::Static(ret),
        imp,
    }
}

fn arithmetic(
    op: fn(
        &BigFloat,
        &BigFloat,
    ) -> std::result::Result<BigFloat, crate::source::terraform::cty::number::NotANumber>,
    nan: &'static str,
    args: &[Value],
) -> Result<Value> {
    op(number(&args[0]), number(&args[1]))
        .map(Value::number)
        .map_err(|_| FnError::new(nan))
}

pub fn add() -> Function {
    binary(Type::Number, Type::Number, |_: &dyn Host, a, _| {
        arithmetic(BigFloat::add, "can't compute sum of opposing infinities", a)
    })
}

pub fn subtract() -> Function {
    binary(Type::Number, Type::Number, |_: &dyn Host, a, _| {
        arithmetic(BigFloat::sub, "can't subtract infinity from itself", a)
    })
}

/// cty's `Multiply`: the product at 512 bits, then kept at the larger of the operands'
/// precisions or the bits the product needs, whichever is more.
pub fn multiply() -> Function {
    binary(Type::Number, Type::Number, |_: &dyn Host, a, _| {
        let (x, y) = (number(&a[0]), number(&a[1]));
        let product = x
            .mul_to(y, 512)
            .map_err(|_| FnError::new("can't multiply zero by infinity"))?;
        let prec = x.prec().max(y.prec()).max(product.min_prec());
        Ok(Value::number(product.with_prec(prec)))
    })
}

pub fn divide() -> Function {
    binary(Type::Number, Type::Number, |_: &dyn Host, a, _| {
        arithmetic(
            BigFloat::quo,
            "can't divide zero by zero or infinity by infinity",
            a,
        )
    })
}

/// cty's `Modulo`: `a - b * trunc(a / b)` computed at `a`'s precision; `a % 0` is `a`.
pub fn modulo_of(
    a: &BigFloat,
    b: &BigFloat,
) -> std::result::Result<BigFloat, crate::source::terraform::cty::number::NotANumber> {
    if b.is_zero() {
        return Ok(a.clone());
    }
    let ratio = a.quo(b)?;
    let Some((neg, int, _)) = ratio.trunc() else {
        // An infinite ratio: Go's Int of an infinity panics (ErrNaN is not raised; the
        // result is a huge integer). Treat as cty's infinity rule: a * b.
        return a.mul(b);
    };
    // Go: work := new(Float).Copy(a).SetInt(i); work.Mul(b, work); work.Sub(a, work):
    // every step rounded at a's precision.
    let work = BigFloat::from_bigint(neg, int).with_prec(a.prec());
    let product = b.mul_to(&work, a.prec())?;
    a.sub_to(&product, a.prec())
}

pub fn modulo() -> Function {
    binary(Type::Number, Type::Number, |_: &dyn Host, a, _| {
        let (x, y) = (number(&a[0]), number(&a[1]));
        if x.is_inf() || y.is_inf() {
            return arithmetic(BigFloat::mul, "can't use modulo with zero and infinity", a);
        }
        modulo_of(x, y)
            .map(Value::number)
            .map_err(|_| FnError::new("can't use modulo with zero and infinity"))
    })
}

pub fn negate() -> Function {
    Function {
        params: vec![Param::new("num", Type::Number).dynamic()],
        var_param: None,
        returns: Returns::Static(Type::Number),
        imp: |_, a, _| Ok(Value::number(number(&a[0]).neg())),
    }
}

pub fn less_than() -> Function {
    binary(Type::Number, Type::Bool, |_: &dyn Host, a, _| {
        Ok(Value::Bool(number(&a[0]).cmp(number(&a[1])).is_lt()))
    })
}

pub fn greater_than() -> Function {
    binary(Type::Number, Type::Bool, |_: &dyn Host, a, _| {
        Ok(Value::Bool(number(&a[0]).cmp(number(&a[1])).is_gt()))
    })
}

/// cty: `a <= b` is `a < b || a == b`, with cty's equality (numbers equal when they
/// print the same).
pub fn less_than_or_equal() -> Function {
    binary(Type::Number, Type::Bool, |_: &dyn Host, a, _| {
        let lt = number(&a[0]).cmp(number(&a[1])).is_lt();
        Ok(Value::Bool(
            lt || equals(&a[0], &a[1]).as_bool() == Some(true),
        ))
    })
}

pub fn greater_than_or_equal() -> Function {
    binary(Type::Number, Type::Bool, |_: &dyn Host, a, _| {
        let gt = number(&a[0]).cmp(number(&a[1])).is_gt();
        Ok(Value::Bool(
            gt || equals(&a[0], &a[1]).as_bool() == Some(true),
        ))
    })
}

pub fn and() -> Function {
    binary(Type::Bool, Type::Bool, |_: &dyn Host, a, _| {
        Ok(Value::Bool(boolean(&a[0]) && boolean(&a[1])))
    })
}

pub fn or() -> Function {
    binary(Type::Bool, Type::Bool, |_: &dyn Host, a, _| {
        Ok(Value::Bool(boolean(&a[0]) || boolean(&a[1])))
    })
}

pub fn not() -> Function {
    Function {
        params: vec![Param::new("val", Type::Bool).dynamic()],
        var_param: None,
        returns: Returns::Static(Type::Bool),
        imp: |_, a, _| Ok(Value::Bool(!boolean(&a[0]))),
    }
}

fn any_param(name: &'static str) -> Param {
    Param::new(name, Type::Dynamic).null().unknown().dynamic()
}

pub fn equal() -> Function {
    Function {
        params: vec![any_param("a"), any_param("b")],
        var_param: None,
        returns: Returns::Static(Type::Bool),
        imp: |_, a, _| Ok(equals(&a[0], &a[1])),
    }
}

pub fn not_equal() -> Function {
    Function {
        params: vec![any_param("a"), any_param("b")],
        var_param: None,
        returns: Returns::Static(Type::Bool),
        imp: |_, a, _| {
            let eq = equals(&a[0], &a[1]);
            Ok(match eq.as_bool() {
                Some(b) => Value::Bool(!b),
                None => eq,
            })
        },
    }
}
