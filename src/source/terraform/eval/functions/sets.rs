//! Functions: sets.
//!
//! `setunion`, `setintersection` and `setsubtract` come from cty's stdlib (go-cty 1.12,
//! `function/stdlib/set.go`), `setproduct` from its `collection.go`, exactly as
//! Terraform registers them. The set operations convert every argument to the set type
//! their element types unify to, and compare elements by cty's equality.

use super::registry::Registry;
use super::{FnError, Function, Host, Param, Result, Returns, unknown_result};
use crate::source::terraform::cty::convert::{common_type, convert};
use crate::source::terraform::cty::ops::{equals, length as cty_length};
use crate::source::terraform::cty::unify::unify;
use crate::source::terraform::cty::{Type, Value};

pub fn register(m: &mut Registry) {
    m.insert("setunion", setunion());
    m.insert("setintersection", setintersection());
    m.insert("setsubtract", setsubtract());
    m.insert("setproduct", setproduct());
}

/// The elements of a known set, list or tuple.
fn seq(v: &Value) -> &[Value] {
    v.items().unwrap_or_default()
}

/// Whether `set` has an element equal to `v` (an unknown is equal to nothing).
fn has(set: &[Value], v: &Value) -> bool {
    set.iter().any(|e| equals(e, v).as_bool() == Some(true))
}

/// cty's `setOperationReturnType`: a set of the type all the arguments' element types
/// unify to, ignoring empty sets of undecided element type.
fn set_operation_type(args: &[Value]) -> Result<Type> {
    let mut etys = Vec::with_capacity(args.len());
    for v in args {
        let ty = v.ty();
        // cty asks the element type of whatever it is given (a panic, so an error, for
        // a value of undecided type).
        let Some(ety) = ty.element() else {
            return Err(FnError::new(
                "given sets must all have compatible element types",
            ));
        };
        if v.is_known() && v.length() == Some(0) && ety.is_dynamic() {
            continue;
        }
        etys.push(ety.clone());
    }
    if etys.is_empty() {
        return Ok(Type::set(Type::Dynamic));
    }
    unify(&etys, true)
        .map(|(t, _)| Type::set(t))
        .ok_or_else(|| FnError::new("given sets must all have compatible element types"))
}

/// cty's `setOperationImpl`: every argument converted to the result type, then folded
/// with `op`. Operations that cannot allow unknown elements give an unknown set.
fn set_operation(
    args: &[Value],
    ret: &Type,
    op: fn(Vec<Value>, &[Value]) -> Vec<Value>,
    allow_unknowns: bool,
) -> Result<Value> {
    // The result keeps the first set's element type (which a conversion to a set of
    // undecided element type leaves as it was).
    let mut ety = Type::Dynamic;
    let mut items: Vec<Value> = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        let v = convert(arg, ret).map_err(|e| FnError::arg(i, e.to_string()))?;
        if !allow_unknowns && !v.is_wholly_known() {
            return Ok(unknown_result(args, ret.clone()));
        }
        let vty = v.ty().element().cloned().unwrap_or(Type::Dynamic);
        if i == 0 {
            ety = vty;
            items = seq(&v).to_vec();
        } else {
            // cty refuses (panics) to combine sets of different element types.
            if vty != ety {
                return Err(FnError::new(format!(
                    "incompatible set rules: set of {} and set of {}",
                    ety.friendly_name(),
                    vty.friendly_name()
                )));
            }
            items = op(items, seq(&v));
        }
    }
    Ok(Value::set(ety, items))
}

fn set_function(var_name: &'static str, imp: super::ImplFn) -> Function {
    Function {
        params: vec![Param::new("first_set", Type::set(Type::Dynamic)).dynamic()],
        var_param: Some(Param::new(var_name, Type::set(Type::Dynamic)).dynamic()),
        returns: Returns::Computed(set_operation_type),
        imp,
    }
}

/// `setunion(sets...)`: every element of any of the sets (cty stdlib `SetUnionFunc`,
/// set.go). Unknown elements are kept.
fn setunion() -> Function {
    set_function("other_sets", |_: &dyn Host, a, ret| {
        set_operation(
            a,
            ret,
            |mut acc, other| {
                acc.extend(other.iter().cloned());
                acc
            },
            true,
        )
    })
}

/// `setintersection(sets...)`: the elements in all of the sets (cty stdlib
/// `SetIntersectionFunc`, set.go). Unknown while any element is.
fn setintersection() -> Function {
    set_function("other_sets", |_: &dyn Host, a, ret| {
        set_operation(
            a,
            ret,
            |acc, other| acc.into_iter().filter(|v| has(other, v)).collect(),
            false,
        )
    })
}

/// `setsubtract(a, b)`: the elements of `a` not in `b` (cty stdlib `SetSubtractFunc`,
/// set.go). Unknown while any element is.
fn setsubtract() -> Function {
    Function {
        params: vec![
            Param::new("a", Type::set(Type::Dynamic)).dynamic(),
            Param::new("b", Type::set(Type::Dynamic)).dynamic(),
        ],
        var_param: None,
        returns: Returns::Computed(set_operation_type),
        imp: |_: &dyn Host, a, ret| {
            set_operation(
                a,
                ret,
                |acc, other| acc.into_iter().filter(|v| !has(other, v)).collect(),
                false,
            )
        },
    }
}

/// `setproduct(sets...)`: the Cartesian product of sets, lists or tuples, as tuples
/// (cty stdlib `SetProductFunc`, collection.go): a list, in order, when every argument
/// is a list or tuple; a set otherwise.
fn setproduct() -> Function {
    Function {
        params: vec![],
        var_param: Some(Param::new("sets", Type::Dynamic)),
        returns: Returns::Computed(|a| {
            if a.len() < 2 {
                return Err(FnError::new("at least two arguments are required"));
            }
            let mut lists = 0;
            let mut etys = Vec::with_capacity(a.len());
            for (i, v) in a.iter().enumerate() {
                match v.ty() {
                    Type::Set(ety) => etys.push((*ety).clone()),
                    Type::List(ety) => {
                        etys.push((*ety).clone());
                        lists += 1;
                    }
                    Type::Tuple(ts) => {
                        if ts.is_empty() {
                            etys.push(Type::Dynamic);
                        } else {
                            let Some((ety, _)) = unify(&ts, true) else {
                                return Err(FnError::arg(
                                    i,
                                    "all elements must be of the same type",
                                ));
                            };
                            etys.push(ety);
                        }
                        lists += 1;
                    }
                    _ => return Err(FnError::arg(i, "a set or a list is required")),
                }
            }
            let ety = Type::tuple(etys);
            Ok(if lists == a.len() {
                Type::list(ety)
            } else {
                Type::set(ety)
            })
        }),
        imp: |host: &dyn Host, a, ret| {
            let ety = ret.element().cloned().unwrap_or(Type::Dynamic);
            let sub = ety.tuple_elements().unwrap_or_default().to_vec();
            if a.iter().any(|v| !cty_length(v).is_known()) {
                return Ok(unknown_result(a, ret.clone()));
            }
            let empty = || {
                Ok(if ret.is_list() {
                    Value::list(ety.clone(), Vec::new())
                } else {
                    Value::set(ety.clone(), Vec::new())
                })
            };
            if a.iter().any(|v| seq(v).is_empty()) {
                return empty();
            }
            // The product has every combination: check what it would weigh first.
            let mut combinations = 1usize;
            let mut per_tuple = 16usize;
            for v in a {
                let n = seq(v).len();
                combinations = combinations.saturating_mul(n);
                per_tuple = per_tuple.saturating_add(v.weight() / n.max(1));
            }
            FnError::check_weight(host, combinations.saturating_mul(per_tuple))?;
            // Each argument's elements converted to their place's type.
            let mut columns: Vec<Vec<Value>> = Vec::with_capacity(a.len());
            for (j, v) in a.iter().enumerate() {
                let mut col = Vec::new();
                for e in seq(v) {
                    if e.ty() == sub[j] {
                        col.push(e.clone());
                    } else {
                        col.push(convert(e, &sub[j]).map_err(|_| {
                            FnError::new(format!(
                                "failed to convert an element of argument {j} to {}",
                                sub[j].friendly_name()
                            ))
                        })?);
                    }
                }
                columns.push(col);
            }
            let mut product: Vec<Value> = Vec::new();
            let mut at = vec![0usize; a.len()];
            'outer: loop {
                product.push(Value::tuple(
                    at.iter()
                        .enumerate()
                        .map(|(j, &n)| columns[j][n].clone())
                        .collect(),
                ));
                for j in (0..at.len()).rev() {
                    at[j] += 1;
                    if at[j] < columns[j].len() {
                        continue 'outer;
                    }
                    at[j] = 0;
                }
                break;
            }
            // cty builds the collection from the tuples' own types, which must agree.
            let Some(tty) = common_type(&product) else {
                return Err(FnError::new("inconsistent element types in the product"));
            };
            Ok(if ret.is_list() {
                Value::list(tty, product)
            } else {
                Value::set(tty, product)
            })
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::collections::test_support::{check, check_types};

    const U: &str = "\"(known after apply)\"";

    /// cty stdlib `SetUnionFunc` (set.go).
    #[test]
    fn setunion_cases() {
        check(&[
            (
                "setunion([\"a\", \"b\"], [\"b\", \"c\"], [\"d\"])",
                "[\"a\",\"b\",\"c\",\"d\"]",
            ),
            ("setunion([1], [\"a\"])", "[\"1\",\"a\"]"),
            ("setunion([])", "[]"),
            ("setunion([us], [\"a\"])", "[\"a\",\"(known after apply)\"]"),
            ("setunion([\"a\"], ul)", U),
            ("setunion([\"a\"], [[\"a\"]])", "error"),
            // Objects and an undecided type unify to a set of any, which leaves each
            // set's own element type: cty cannot combine them.
            ("setunion([{a = 1}], [null])", "error"),
            ("setunion([null], [null])", "[null]"),
            ("setunion(null)", "error"),
        ]);
        check_types(&[
            ("setunion([1], [\"a\"])", "set(string)"),
            ("setunion([], [])", "set(any)"),
            ("setunion([], [1])", "set(number)"),
            ("setunion([{a = 1}], [{b = 2}])", "set(map(number))"),
        ]);
    }

    /// cty stdlib `SetIntersectionFunc` (set.go).
    #[test]
    fn setintersection_cases() {
        check(&[
            (
                "setintersection([\"a\", \"b\"], [\"b\", \"c\"], [\"b\", \"d\"])",
                "[\"b\"]",
            ),
            ("setintersection([1, 2], [\"2\"])", "[\"2\"]"),
            ("setintersection([\"a\"], [])", "[]"),
            // An unknown element could be anything: the whole result is unknown.
            ("setintersection([us], [\"a\"])", U),
            ("setintersection([], [us])", U),
        ]);
        check_types(&[("setintersection([us], [\"a\"])", "set(string)")]);
    }

    /// cty stdlib `SetSubtractFunc` (set.go).
    #[test]
    fn setsubtract_cases() {
        check(&[
            (
                "setsubtract([\"a\", \"b\", \"c\"], [\"a\", \"c\"])",
                "[\"b\"]",
            ),
            ("setsubtract([\"a\", \"b\"], [])", "[\"a\",\"b\"]"),
            ("setsubtract([null, \"a\"], [null])", "[\"a\"]"),
            ("setsubtract([\"a\"], [us])", U),
            ("setsubtract([\"a\"])", "error"),
        ]);
    }

    /// cty stdlib `SetProductFunc` (collection.go).
    #[test]
    fn setproduct_cases() {
        check(&[
            (
                "setproduct([\"development\", \"staging\"], [\"app1\", \"app2\"])",
                "[[\"development\",\"app1\"],[\"development\",\"app2\"],[\"staging\",\"app1\"],[\"staging\",\"app2\"]]",
            ),
            ("setproduct([\"a\"], [])", "[]"),
            (
                "setproduct([\"a\", 1], [\"x\"])",
                "[[\"a\",\"x\"],[\"1\",\"x\"]]",
            ),
            ("setproduct([\"a\", [1]], [\"x\"])", "error"),
            ("setproduct([\"a\"])", "error"),
            ("setproduct([\"a\"], {a = 1})", "error"),
            ("setproduct([\"a\"], ul)", U),
            (
                "setproduct([\"a\"], [us])",
                "[[\"a\",\"(known after apply)\"]]",
            ),
            ("setproduct(setunion([us, \"b\"]), [\"a\"])", U),
            (
                "setproduct(setunion([\"b\", \"a\"]), [\"x\"])",
                "[[\"a\",\"x\"],[\"b\",\"x\"]]",
            ),
            (
                "setproduct([\"a\", \"a\"], setunion([\"x\"]))",
                "[[\"a\",\"x\"]]",
            ),
        ]);
        check_types(&[
            ("setproduct([\"a\"], [1])", "list(tuple([string,number]))"),
            (
                "setproduct(setunion([\"a\"]), [1])",
                "set(tuple([string,number]))",
            ),
            ("setproduct([], [1])", "list(tuple([any,number]))"),
            ("setproduct([\"a\"], ud)", "any"),
        ]);
    }
}
