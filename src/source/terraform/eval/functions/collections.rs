//! Functions: collections.
//!
//! Most come straight from cty's stdlib (go-cty 1.12, `function/stdlib/collection.go`,
//! `sequence.go` and `string.go`), exactly as Terraform registers them; `length`,
//! `index`, `lookup`, `one`, `alltrue`, `anytrue`, `matchkeys`, `transpose` and
//! `coalesce` are Terraform's own (`internal/lang/funcs/collection.go`).
//!
//! Each function keeps cty's parameter flags and return-type function, since those
//! decide which calls are errors, which results are unknown, and the result's type.

use super::registry::Registry;
use super::{FnError, Function, Host, Param, Result, Returns, TypeFn, unknown_result};
use crate::source::terraform::cty::convert::{common_type, convert};
use crate::source::terraform::cty::ops::{equals, length as cty_length};
use crate::source::terraform::cty::unify::unify;
use crate::source::terraform::cty::{BigFloat, Type, Value};
use std::collections::{BTreeMap, BTreeSet};

pub fn register(m: &mut Registry) {
    m.insert("chunklist", chunklist());
    m.insert("coalescelist", coalescelist());
    m.insert("compact", compact());
    m.insert("concat", concat());
    m.insert("contains", contains());
    m.insert("distinct", distinct());
    m.insert("element", element());
    m.insert("flatten", flatten());
    m.insert("keys", keys());
    m.insert("values", values());
    m.insert("merge", merge());
    m.insert("range", range());
    m.insert("reverse", reverse());
    m.insert("slice", slice());
    m.insert("sort", sort());
    m.insert("zipmap", zipmap());
    m.insert("length", length());
    m.insert("index", index());
    m.insert("lookup", lookup());
    m.insert("one", one());
    m.insert("alltrue", alltrue());
    m.insert("anytrue", anytrue());
    m.insert("matchkeys", matchkeys());
    m.insert("transpose", transpose());
    m.insert("coalesce", coalesce());
}

fn fixed(params: Vec<Param>, returns: Returns, imp: super::ImplFn) -> Function {
    Function {
        params,
        var_param: None,
        returns,
        imp,
    }
}

fn variadic(params: Vec<Param>, var: Param, returns: Returns, imp: super::ImplFn) -> Function {
    Function {
        params,
        var_param: Some(var),
        returns,
        imp,
    }
}

fn computed(f: TypeFn) -> Returns {
    Returns::Computed(f)
}

/// A number as a Go `int` (gocty's `FromCtyValue`): whole and within 64 bits.
pub(super) fn to_int(v: &Value) -> std::result::Result<i64, String> {
    match v.as_number().and_then(BigFloat::to_i64) {
        Some((i, true)) => Ok(i),
        _ => Err(format!(
            "value must be a whole number, between {} and {}",
            i64::MIN,
            i64::MAX
        )),
    }
}

/// cty's `ListVal`: the element type is the first element's that is not `Dynamic`;
/// nulls and unknowns of `Dynamic` take that type. `None` when the elements' types are
/// inconsistent (cty panics, which a call reports as an error). `items` is not empty.
pub(super) fn list_val(items: Vec<Value>) -> Option<Value> {
    let ety = common_type(&items)?;
    let items = items.into_iter().map(|v| retype(v, &ety)).collect();
    Some(Value::list(ety, items))
}

/// A null or unknown of `Dynamic` as one of `ty` (as a collection stores it).
pub(super) fn retype(v: Value, ty: &Type) -> Value {
    match &v {
        Value::Null(t) if t.is_dynamic() => Value::Null(ty.clone()),
        Value::Unknown(u) if u.ty.is_dynamic() && !ty.is_dynamic() => v.unknown_like(ty.clone()),
        _ => v,
    }
}

fn list_or_empty(ety: &Type, items: Vec<Value>) -> Result<Value> {
    if items.is_empty() {
        return Ok(Value::list(ety.clone(), Vec::new()));
    }
    list_val(items).ok_or_else(|| FnError::new("inconsistent list element types"))
}

/// The elements of a known list, set or tuple.
fn seq(v: &Value) -> &[Value] {
    v.items().unwrap_or_default()
}

/// cty's `DynamicVal` test: an unknown whose type is not decided.
fn is_dynamic_unknown(v: &Value) -> bool {
    !v.is_known() && v.ty().is_dynamic()
}

/// `chunklist(list, size)`: the list split into lists of at most `size` elements (cty
/// stdlib `ChunklistFunc`, collection.go). Size 0 gives one chunk of everything.
fn chunklist() -> Function {
    fixed(
        vec![
            Param::new("list", Type::list(Type::Dynamic)),
            Param::new("size", Type::Number),
        ],
        computed(|a| Ok(Type::list(a[0].ty()))),
        |_: &dyn Host, a, _| {
            let size = to_int(&a[1]).map_err(|e| FnError::new(format!("invalid size: {e}")))?;
            if size < 0 {
                return Err(FnError::new("the size argument must be positive"));
            }
            let items = seq(&a[0]);
            let lty = a[0].ty();
            if items.is_empty() {
                return Ok(Value::list(lty, Vec::new()));
            }
            if size == 0 {
                return Ok(Value::list(lty, vec![a[0].clone()]));
            }
            let mut chunks = Vec::new();
            for chunk in items.chunks(usize::try_from(size).unwrap_or(usize::MAX)) {
                chunks.push(list_or_empty(&Type::Dynamic, chunk.to_vec())?);
            }
            list_or_empty(&lty, chunks)
        },
    )
}

/// `coalescelist(lists...)`: the first list or tuple that is not null and not empty
/// (cty stdlib `CoalesceListFunc`, collection.go).
fn coalescelist() -> Function {
    variadic(
        vec![],
        Param::new("vals", Type::Dynamic).unknown().dynamic().null(),
        computed(|a| {
            if a.is_empty() {
                return Err(FnError::new("at least one argument is required"));
            }
            let mut types = Vec::with_capacity(a.len());
            for v in a {
                if !v.is_known() {
                    return Ok(Type::Dynamic);
                }
                let ty = v.ty();
                if !ty.is_list() && !ty.is_tuple() {
                    return Err(FnError::new(
                        "coalescelist arguments must be lists or tuples",
                    ));
                }
                types.push(ty);
            }
            if types[1..].iter().any(|t| *t != types[0]) {
                return Ok(Type::Dynamic);
            }
            Ok(types[0].clone())
        }),
        |_: &dyn Host, a, ret| {
            for v in a {
                if !v.is_known() {
                    return Ok(v.unknown_like(ret.clone()));
                }
                if v.is_null() {
                    continue;
                }
                if v.length().unwrap_or(0) > 0 {
                    return Ok(v.clone());
                }
            }
            Err(FnError::new("no non-null arguments"))
        },
    )
}

/// `compact(list)`: the list of strings without its empty (and null) elements (cty
/// stdlib `CompactFunc`, collection.go). Unknown while any element is.
fn compact() -> Function {
    fixed(
        vec![Param::new("list", Type::list(Type::String))],
        Returns::Static(Type::list(Type::String)),
        |_: &dyn Host, a, ret| {
            if !a[0].is_wholly_known() {
                return Ok(unknown_result(a, ret.clone()));
            }
            let kept: Vec<Value> = seq(&a[0])
                .iter()
                .filter(|v| !v.is_null() && v.as_str() != Some(""))
                .cloned()
                .collect();
            list_or_empty(&Type::String, kept)
        },
    )
}

/// `concat(seqs...)`: the lists or tuples joined in order (cty stdlib `ConcatFunc`,
/// sequence.go). All lists that unify give a list of the unified type; anything else a
/// tuple, whose type needs every list known.
fn concat() -> Function {
    variadic(
        vec![],
        Param::new("seqs", Type::Dynamic),
        computed(|a| {
            if a.is_empty() {
                return Err(FnError::new("at least one argument is required"));
            }
            let types: Vec<Type> = a.iter().map(Value::ty).collect();
            if types.iter().all(Type::is_list)
                && let Some((common, _)) = unify(&types, true)
            {
                return Ok(common);
            }
            let mut etys = Vec::new();
            for (i, v) in a.iter().enumerate() {
                match v.ty() {
                    Type::Tuple(ts) => etys.extend(ts.iter().cloned()),
                    Type::List(ety) => {
                        if !v.is_known() {
                            return Ok(Type::Dynamic);
                        }
                        for _ in 0..v.length().unwrap_or(0) {
                            etys.push((*ety).clone());
                        }
                    }
                    other => {
                        return Err(FnError::arg(
                            i,
                            format!(
                                "all arguments must be lists or tuples; got {}",
                                other.friendly_name()
                            ),
                        ));
                    }
                }
            }
            Ok(Type::tuple(etys))
        }),
        |_: &dyn Host, a, ret| {
            let mut out = Vec::new();
            if let Type::List(ety) = ret {
                for (i, v) in a.iter().enumerate() {
                    let v = convert(v, ret).map_err(|e| FnError::arg(i, e.to_string()))?;
                    out.extend(seq(&v).iter().cloned());
                }
                return list_or_empty(ety, out);
            }
            for v in a {
                out.extend(seq(v).iter().cloned());
            }
            Ok(Value::tuple(out))
        },
    )
}

/// `contains(list, value)`: whether the list, tuple or set has an element equal to the
/// value (cty stdlib `ContainsFunc`, collection.go); unknown when an unknown element
/// might be it.
fn contains() -> Function {
    fixed(
        vec![
            Param::new("list", Type::Dynamic),
            Param::new("value", Type::Dynamic),
        ],
        Returns::Static(Type::Bool),
        |_: &dyn Host, a, _| {
            let ty = a[0].ty();
            if !ty.is_list() && !ty.is_tuple() && !ty.is_set() {
                return Err(FnError::new("argument must be list, tuple, or set"));
            }
            let items = seq(&a[0]);
            if items.is_empty() {
                return Ok(Value::Bool(false));
            }
            let mut unknown = None;
            for v in items {
                let eq = equals(&a[1], v);
                match eq.as_bool() {
                    Some(true) => return Ok(Value::Bool(true)),
                    Some(false) => {}
                    None => unknown = unknown.or(Some(eq)),
                }
            }
            Ok(unknown.unwrap_or(Value::Bool(false)))
        },
    )
}

/// `distinct(list)`: the list without repeated elements, first occurrences kept (cty
/// stdlib `DistinctFunc`, collection.go). Unknown while any element is.
fn distinct() -> Function {
    fixed(
        vec![Param::new("list", Type::list(Type::Dynamic))],
        computed(|a| Ok(a[0].ty())),
        |_: &dyn Host, a, ret| {
            if !a[0].is_wholly_known() {
                return Ok(unknown_result(a, ret.clone()));
            }
            let mut out: Vec<Value> = Vec::new();
            for v in seq(&a[0]) {
                if !out.iter().any(|o| equals(o, v).as_bool() == Some(true)) {
                    out.push(v.clone());
                }
            }
            list_or_empty(ret.element().unwrap_or(&Type::Dynamic), out)
        },
    )
}

/// `element(list, index)`: the element at `index` modulo the length (cty stdlib
/// `ElementFunc`, collection.go).
fn element() -> Function {
    fixed(
        vec![
            Param::new("list", Type::Dynamic),
            Param::new("index", Type::Number),
        ],
        computed(|a| {
            let (list, index) = (&a[0], &a[1]);
            if let Some(n) = index.as_number()
                && n.sign() < 0
            {
                return Err(FnError::new(
                    "cannot use element function with a negative index",
                ));
            }
            match list.ty() {
                Type::List(ety) => Ok((*ety).clone()),
                Type::Tuple(ts) => {
                    if !index.is_known() {
                        return Ok(Type::Dynamic);
                    }
                    let i =
                        to_int(index).map_err(|e| FnError::new(format!("invalid index: {e}")))?;
                    if ts.is_empty() {
                        return Err(FnError::new(
                            "cannot use element function with an empty list",
                        ));
                    }
                    Ok(ts[(i as usize) % ts.len()].clone())
                }
                other => Err(FnError::new(format!(
                    "cannot read elements from {}",
                    other.friendly_name()
                ))),
            }
        }),
        |_: &dyn Host, a, _| {
            let i = to_int(&a[1]).map_err(|e| FnError::new(format!("invalid index: {e}")))?;
            if i < 0 {
                return Err(FnError::new(
                    "cannot use element function with a negative index",
                ));
            }
            let items = seq(&a[0]);
            if items.is_empty() {
                return Err(FnError::new(
                    "cannot use element function with an empty list",
                ));
            }
            Ok(items[(i as usize) % items.len()].clone())
        },
    )
}

/// cty's `flattener`: the elements with nested lists, sets and tuples spliced in, and
/// whether all of that is known (an unknown sequence, or an unknown of undecided type,
/// inside makes the result unknown).
fn flattener(v: &Value) -> (Vec<Value>, bool) {
    if !cty_length(v).is_known() {
        return (Vec::new(), false);
    }
    let mut out = Vec::new();
    let mut known = true;
    for (_, e) in v.elements() {
        if is_dynamic_unknown(&e) {
            known = false;
        }
        let ty = e.ty();
        if !e.is_null() && (ty.is_list() || ty.is_set() || ty.is_tuple()) {
            if !e.is_known() {
                known = false;
                continue;
            }
            let (inner, inner_known) = flattener(&e);
            if inner_known {
                out.extend(inner);
            } else {
                known = false;
            }
        } else {
            out.push(e);
        }
    }
    (out, known)
}

/// `flatten(list)`: a tuple of the elements of a list, set or tuple, with nested
/// sequences spliced in (cty stdlib `FlattenFunc`, collection.go).
fn flatten() -> Function {
    fixed(
        vec![Param::new("list", Type::Dynamic)],
        computed(|a| {
            if !a[0].is_wholly_known() {
                return Ok(Type::Dynamic);
            }
            let ty = a[0].ty();
            if !ty.is_list() && !ty.is_set() && !ty.is_tuple() {
                return Err(FnError::new("can only flatten lists, sets and tuples"));
            }
            let (out, known) = flattener(&a[0]);
            if !known {
                return Ok(Type::Dynamic);
            }
            Ok(Type::tuple(out.iter().map(Value::ty).collect()))
        }),
        |_: &dyn Host, a, ret| {
            if a[0].length().unwrap_or(0) == 0 {
                return Ok(Value::tuple(Vec::new()));
            }
            let (out, known) = flattener(&a[0]);
            if !known {
                return Ok(unknown_result(a, ret.clone()));
            }
            Ok(Value::tuple(out))
        },
    )
}

/// `keys(map)`: a map's keys as a sorted list, or an object's attribute names as a
/// tuple, known from the type even when the object is not (cty stdlib `KeysFunc`,
/// collection.go).
fn keys() -> Function {
    fixed(
        vec![Param::new("inputMap", Type::Dynamic).unknown()],
        computed(|a| match a[0].ty() {
            Type::Map(_) => Ok(Type::list(Type::String)),
            Type::Object(o) => Ok(Type::tuple(vec![Type::String; o.attrs.len()])),
            _ => Err(FnError::arg(0, "must have map or object type")),
        }),
        |_: &dyn Host, a, ret| {
            if let Type::Object(o) = a[0].ty() {
                return Ok(Value::tuple(o.attrs.keys().map(Value::string).collect()));
            }
            if !a[0].is_known() {
                return Ok(a[0].unknown_like(ret.clone()));
            }
            let names: Vec<Value> = a[0]
                .entries()
                .map(|m| m.keys().map(Value::string).collect())
                .unwrap_or_default();
            list_or_empty(&Type::String, names)
        },
    )
}

/// `values(map)`: a map's values in key order as a list, or an object's attribute
/// values in name order as a tuple (cty stdlib `ValuesFunc`, collection.go).
fn values() -> Function {
    fixed(
        vec![Param::new("mapping", Type::Dynamic)],
        computed(|a| match a[0].ty() {
            Type::Map(ety) => Ok(Type::list((*ety).clone())),
            Type::Object(o) => Ok(Type::tuple(o.attrs.values().cloned().collect())),
            _ => Err(FnError::new(
                "values() requires a map as the first argument",
            )),
        }),
        |_: &dyn Host, a, ret| {
            let vals: Vec<Value> = a[0]
                .entries()
                .map(|m| m.values().cloned().collect())
                .unwrap_or_default();
            match ret {
                Type::Tuple(_) => Ok(Value::tuple(vals)),
                _ => list_or_empty(ret.element().unwrap_or(&Type::Dynamic), vals),
            }
        },
    )
}

/// `merge(maps...)`: the maps' or objects' elements merged, later arguments winning
/// (cty stdlib `MergeFunc`, collection.go). Arguments all of one type give that type;
/// otherwise an object whose attributes need every map known.
fn merge() -> Function {
    variadic(
        vec![],
        Param::new("maps", Type::Dynamic).dynamic().null(),
        computed(|a| {
            if a.is_empty() {
                return Ok(Type::empty_object());
            }
            let mut attrs = BTreeMap::new();
            let mut matching = true;
            let mut attrs_known = true;
            let first = a[0].ty();
            for v in a {
                let ty = v.ty();
                if ty.is_dynamic() {
                    return Ok(Type::Dynamic);
                }
                match &ty {
                    Type::Object(o) => {
                        if !v.is_null() {
                            for (k, t) in &o.attrs {
                                attrs.insert(k.clone(), t.clone());
                            }
                        }
                    }
                    Type::Map(ety) => {
                        if v.is_null() {
                        } else if v.is_known() {
                            for k in v.entries().map(|m| m.keys()).into_iter().flatten() {
                                attrs.insert(k.clone(), (**ety).clone());
                            }
                        } else {
                            attrs_known = false;
                        }
                    }
                    other => {
                        return Err(FnError::new(format!(
                            "arguments must be maps or objects, got {:?}",
                            other.friendly_name()
                        )));
                    }
                }
                if ty != first {
                    matching = false;
                }
            }
            if matching {
                return Ok(first);
            }
            if !attrs_known {
                return Ok(Type::Dynamic);
            }
            Ok(Type::object(attrs))
        }),
        |_: &dyn Host, a, ret| {
            let mut out = BTreeMap::new();
            for v in a.iter().filter(|v| !v.is_null()) {
                // Only a null first argument (of undecided type) lets anything else
                // through the type check: cty then iterates it as it would a map, and
                // fails (panics) on a key that is not a string.
                if !v.can_iterate() {
                    return Err(FnError::new(
                        "attempt to iterate on non-collection, non-tuple type",
                    ));
                }
                for (k, e) in v.elements() {
                    let Some(k) = k.as_str() else {
                        return Err(FnError::new("not a string"));
                    };
                    out.insert(k.to_string(), e);
                }
            }
            match ret {
                Type::Map(ety) => {
                    if out.is_empty() {
                        return Ok(Value::map((**ety).clone(), out));
                    }
                    let vals: Vec<Value> = out.values().cloned().collect();
                    let ety = common_type(&vals)
                        .ok_or_else(|| FnError::new("inconsistent map element types"))?;
                    let out = out.into_iter().map(|(k, v)| (k, retype(v, &ety))).collect();
                    Ok(Value::map(ety, out))
                }
                _ => conform(Value::object(out), ret),
            }
        },
    )
}

/// cty's final check on a function's result: its type must conform to the type the
/// return-type function promised (a panic in cty, so an error). Null arguments leave
/// `merge` short of attributes its type has.
fn conform(v: Value, ret: &Type) -> Result<Value> {
    if v.ty().conforms_to(ret) {
        return Ok(v);
    }
    Err(FnError::new(format!(
        "returned value of type {} does not conform to expected return type {}",
        v.ty(),
        ret
    )))
}

/// `range(end)`, `range(start, end)`, `range(start, end, step)`: the numbers from
/// `start` towards `end` (excluded) by `step`, at most 1024 of them (cty stdlib
/// `RangeFunc`, sequence.go).
fn range() -> Function {
    variadic(
        vec![],
        Param::new("params", Type::Number),
        Returns::Static(Type::list(Type::Number)),
        |_: &dyn Host, a, _| {
            let num = |v: &Value| {
                v.as_number()
                    .cloned()
                    .unwrap_or_else(|| BigFloat::from_i64(0))
            };
            let zero = BigFloat::from_i64(0);
            let (one, minus_one) = (BigFloat::from_i64(1), BigFloat::from_i64(-1));
            let (start, end, step) = match a {
                [end] => {
                    let end = num(end);
                    let step = if end.cmp(&zero).is_lt() {
                        minus_one
                    } else {
                        one
                    };
                    (zero.clone(), end, step)
                }
                [start, end] => {
                    let (start, end) = (num(start), num(end));
                    let step = if end.cmp(&start).is_lt() {
                        minus_one
                    } else {
                        one
                    };
                    (start, end, step)
                }
                [start, end, step] => (num(start), num(end), num(step)),
                _ => return Err(FnError::new("must have one, two, or three arguments")),
            };
            // cty's zero-step test compares value identity, which a given step never
            // has: a zero step runs into the 1024-element limit, or yields nothing.
            let down = step.cmp(&zero).is_lt();
            if down {
                if end.cmp(&start).is_gt() {
                    return Err(FnError::arg(
                        1,
                        "end must be less than start when step is negative",
                    ));
                }
            } else if end.cmp(&start).is_lt() {
                return Err(FnError::arg(
                    1,
                    "end must be greater than start when step is positive",
                ));
            }
            let mut vals = Vec::new();
            let mut n = start;
            loop {
                let done = if down {
                    n.cmp(&end).is_le()
                } else {
                    n.cmp(&end).is_ge()
                };
                if done {
                    break;
                }
                if vals.len() >= 1024 {
                    return Err(FnError::new(
                        "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step",
                    ));
                }
                vals.push(Value::number(n.clone()));
                n = n
                    .add(&step)
                    .map_err(|_| FnError::new("can't compute sum of opposing infinities"))?;
            }
            Ok(Value::list(Type::Number, vals))
        },
    )
}

/// `reverse(list)`: the sequence in reverse order (cty stdlib `ReverseListFunc`,
/// collection.go); a set gives a list of its elements in reverse set order.
fn reverse() -> Function {
    fixed(
        vec![Param::new("list", Type::Dynamic)],
        computed(|a| match a[0].ty() {
            Type::Tuple(ts) => Ok(Type::tuple(ts.iter().rev().cloned().collect())),
            Type::List(ety) | Type::Set(ety) => Ok(Type::list((*ety).clone())),
            other => Err(FnError::arg(
                0,
                format!(
                    "can only reverse list or tuple values, not {}",
                    other.friendly_name()
                ),
            )),
        }),
        |_: &dyn Host, a, ret| {
            let out: Vec<Value> = seq(&a[0]).iter().rev().cloned().collect();
            match ret {
                Type::Tuple(_) => Ok(Value::tuple(out)),
                _ => list_or_empty(ret.element().unwrap_or(&Type::Dynamic), out),
            }
        },
    )
}

/// cty's `sliceIndexes`: the start and end, checked against each other and against the
/// length when it is known, and whether both are known.
fn slice_indexes(a: &[Value]) -> Result<(usize, usize, bool)> {
    let list = &a[0];
    let len = if list.ty().is_tuple() {
        list.ty().tuple_elements().map(<[Type]>::len)
    } else {
        cty_length(list)
            .as_number()
            .and_then(BigFloat::to_i64)
            .map(|(n, _)| n as usize)
    };
    let mut start = None;
    let mut end = None;
    if a[1].is_known() {
        let s = to_int(&a[1]).map_err(|e| FnError::arg(1, format!("invalid start index: {e}")))?;
        if s < 0 {
            return Err(FnError::arg(1, "start index must not be less than zero"));
        }
        if len.is_some_and(|l| s as u64 > l as u64) {
            return Err(FnError::arg(
                1,
                "start index must not be greater than the length of the list",
            ));
        }
        start = Some(s as usize);
    }
    if a[2].is_known() {
        let e = to_int(&a[2]).map_err(|e| FnError::arg(2, format!("invalid end index: {e}")))?;
        if e < 0 {
            return Err(FnError::arg(2, "end index must not be less than zero"));
        }
        if len.is_some_and(|l| e as u64 > l as u64) {
            return Err(FnError::arg(
                2,
                "end index must not be greater than the length of the list",
            ));
        }
        end = Some(e as usize);
    }
    if let (Some(s), Some(e)) = (start, end)
        && s > e
    {
        return Err(FnError::arg(
            1,
            "start index must not be greater than end index",
        ));
    }
    Ok((
        start.unwrap_or(0),
        end.unwrap_or(0),
        start.is_some() && end.is_some(),
    ))
}

/// `slice(list, start, end)`: the elements from `start` up to `end` (excluded) of a
/// list or tuple (cty stdlib `SliceFunc`, collection.go).
fn slice() -> Function {
    fixed(
        vec![
            Param::new("list", Type::Dynamic),
            Param::new("start_index", Type::Number),
            Param::new("end_index", Type::Number),
        ],
        computed(|a| {
            let ty = a[0].ty();
            if ty.is_set() {
                return Err(FnError::arg(
                    0,
                    "cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important",
                ));
            }
            if !ty.is_list() && !ty.is_tuple() {
                return Err(FnError::arg(0, "must be a list or tuple value"));
            }
            let (start, end, known) = slice_indexes(a)?;
            if ty.is_list() {
                return Ok(ty);
            }
            if !known {
                return Ok(Type::Dynamic);
            }
            Ok(Type::tuple(
                ty.tuple_elements().unwrap_or_default()[start..end].to_vec(),
            ))
        }),
        |_: &dyn Host, a, ret| {
            if ret.is_dynamic() {
                return Ok(unknown_result(a, Type::Dynamic));
            }
            let (start, end, _) = slice_indexes(a)?;
            let out = seq(&a[0])[start..end].to_vec();
            match ret {
                Type::Tuple(_) => Ok(Value::tuple(out)),
                _ => list_or_empty(ret.element().unwrap_or(&Type::Dynamic), out),
            }
        },
    )
}

/// `sort(list)`: the strings in lexical (byte) order (cty stdlib `SortFunc`,
/// string.go). Unknown while any element is; a null element is an error.
fn sort() -> Function {
    fixed(
        vec![Param::new("list", Type::list(Type::String))],
        Returns::Static(Type::list(Type::String)),
        |_: &dyn Host, a, ret| {
            if !a[0].is_wholly_known() {
                return Ok(unknown_result(a, ret.clone()));
            }
            let mut strings = Vec::new();
            for (i, v) in seq(&a[0]).iter().enumerate() {
                let Some(s) = v.as_str() else {
                    return Err(FnError::new(format!(
                        "given list element {i} is null; a null string cannot be sorted"
                    )));
                };
                strings.push(s.to_string());
            }
            strings.sort();
            Ok(Value::list(
                Type::String,
                strings.into_iter().map(Value::string).collect(),
            ))
        },
    )
}

/// `zipmap(keys, values)`: a map (values a list) or an object (values a tuple) from
/// corresponding keys and values; a repeated key takes the last value (cty stdlib
/// `ZipmapFunc`, collection.go).
fn zipmap() -> Function {
    fixed(
        vec![
            Param::new("keys", Type::list(Type::String)),
            Param::new("values", Type::Dynamic),
        ],
        computed(|a| {
            let (keys, values) = (&a[0], &a[1]);
            match values.ty() {
                Type::List(ety) => Ok(Type::map((*ety).clone())),
                Type::Tuple(ts) => {
                    if !keys.is_wholly_known() {
                        return Ok(Type::Dynamic);
                    }
                    let ks = seq(keys);
                    if ks.len() != ts.len() {
                        return Err(FnError::new(format!(
                            "number of keys ({}) does not match number of values ({})",
                            ks.len(),
                            ts.len()
                        )));
                    }
                    let mut attrs = BTreeMap::new();
                    for (i, (k, t)) in ks.iter().zip(ts.iter()).enumerate() {
                        let Some(k) = k.as_str() else {
                            return Err(FnError::new(format!(
                                "keys list has null value at index {i}"
                            )));
                        };
                        attrs.insert(k.to_string(), t.clone());
                    }
                    Ok(Type::object(attrs))
                }
                _ => Err(FnError::new(
                    "values argument must be a list or tuple value",
                )),
            }
        }),
        |_: &dyn Host, a, ret| {
            let (keys, values) = (&a[0], &a[1]);
            if !keys.is_wholly_known() {
                return Ok(unknown_result(a, ret.clone()));
            }
            let (ks, vs) = (seq(keys), seq(values));
            if ks.len() != vs.len() {
                return Err(FnError::new(format!(
                    "number of keys ({}) does not match number of values ({})",
                    ks.len(),
                    vs.len()
                )));
            }
            let mut out = BTreeMap::new();
            for (k, v) in ks.iter().zip(vs.iter()) {
                // cty panics on a null key: the call fails.
                let k = k.as_str().ok_or_else(|| FnError::new("value is null"))?;
                out.insert(k.to_string(), v.clone());
            }
            match ret {
                Type::Map(ety) => {
                    if out.is_empty() {
                        return Ok(Value::map((**ety).clone(), out));
                    }
                    let vals: Vec<Value> = out.values().cloned().collect();
                    let ety = common_type(&vals)
                        .ok_or_else(|| FnError::new("inconsistent map element types"))?;
                    let out = out.into_iter().map(|(k, v)| (k, retype(v, &ety))).collect();
                    Ok(Value::map(ety, out))
                }
                _ => Ok(Value::object(out)),
            }
        },
    )
}

/// `length(value)`: the number of elements of a collection or structure, or of
/// characters (grapheme clusters) of a string (Terraform's `LengthFunc`,
/// developer.hashicorp.com/terraform/language/functions/length). A tuple's or object's
/// length is known from its type.
fn length() -> Function {
    fixed(
        vec![Param::new("value", Type::Dynamic).dynamic().unknown()],
        computed(|a| match a[0].ty() {
            Type::String
            | Type::Tuple(_)
            | Type::Object(_)
            | Type::List(_)
            | Type::Map(_)
            | Type::Set(_)
            | Type::Dynamic => Ok(Type::Number),
            _ => Err(FnError::new(
                "argument must be a string, a collection type, or a structural type",
            )),
        }),
        |_: &dyn Host, a, _| {
            let v = &a[0];
            Ok(match v.ty() {
                Type::Dynamic => v.unknown_like(Type::Number),
                Type::Tuple(ts) => Value::int(ts.len() as i64),
                Type::Object(o) => Value::int(o.attrs.len() as i64),
                Type::String => match v.as_str() {
                    Some(s) => Value::int(grapheme_count(s) as i64),
                    None => v.unknown_like(Type::Number),
                },
                _ => cty_length(v),
            })
        },
    )
}

/// `index(list, value)`: the position of the first element equal to the value
/// (Terraform's `IndexFunc`,
/// developer.hashicorp.com/terraform/language/functions/index). Unknown when an
/// unknown element comes first.
fn index() -> Function {
    fixed(
        vec![
            Param::new("list", Type::Dynamic),
            Param::new("value", Type::Dynamic),
        ],
        Returns::Static(Type::Number),
        |_: &dyn Host, a, _| {
            let ty = a[0].ty();
            if !ty.is_list() && !ty.is_tuple() {
                return Err(FnError::new("argument must be a list or tuple"));
            }
            let items = seq(&a[0]);
            if items.is_empty() {
                return Err(FnError::new("cannot search an empty list"));
            }
            for (i, v) in items.iter().enumerate() {
                let eq = equals(v, &a[1]);
                match eq.as_bool() {
                    None => return Ok(eq.unknown_like(Type::Number)),
                    Some(true) => return Ok(Value::int(i as i64)),
                    Some(false) => {}
                }
            }
            Err(FnError::new("item not found"))
        },
    )
}

/// `lookup(map, key[, default])`: the map's element or object's attribute named `key`,
/// else the default (Terraform's `LookupFunc`,
/// developer.hashicorp.com/terraform/language/functions/lookup). Without a default, a
/// missing key is an error.
fn lookup() -> Function {
    variadic(
        vec![
            Param::new("inputMap", Type::Dynamic).unknown(),
            Param::new("key", Type::String).unknown(),
        ],
        Param::new("default", Type::Dynamic)
            .unknown()
            .dynamic()
            .null(),
        computed(|a| {
            if a.len() > 3 {
                return Err(FnError::new(format!(
                    "lookup() takes two or three arguments, got {}",
                    a.len()
                )));
            }
            match a[0].ty() {
                Type::Object(o) => {
                    let Some(key) = a[1].as_str() else {
                        return Ok(Type::Dynamic);
                    };
                    if let Some(t) = o.attrs.get(key) {
                        return Ok(t.clone());
                    }
                    if let Some(d) = a.get(2) {
                        return Ok(d.ty());
                    }
                    Err(FnError::arg(
                        0,
                        format!("the given object has no attribute {key:?}"),
                    ))
                }
                Type::Map(ety) => {
                    if let Some(d) = a.get(2)
                        && convert(d, &ety).is_err()
                    {
                        return Err(FnError::arg(
                            2,
                            "the default value must have the same type as the map elements",
                        ));
                    }
                    Ok((*ety).clone())
                }
                _ => Err(FnError::arg(
                    0,
                    "lookup() requires a map as the first argument",
                )),
            }
        }),
        |_: &dyn Host, a, ret| {
            let (map, key) = (&a[0], &a[1]);
            if !map.is_known() || !key.is_known() {
                let source = if map.is_known() { key } else { map };
                return Ok(source.unknown_like(ret.clone()));
            }
            let k = key.as_str().unwrap_or_default();
            match map {
                Value::Object(attrs) => {
                    if let Some(v) = attrs.get(k) {
                        return Ok(v.clone());
                    }
                }
                Value::Map(m) => {
                    if let Some(v) = m.items.get(k) {
                        return Ok(v.clone());
                    }
                }
                _ => {}
            }
            match a.get(2) {
                Some(d) => convert(d, ret).map_err(|e| FnError::new(e.to_string())),
                None => Err(FnError::new(format!("lookup failed to find key {k:?}"))),
            }
        },
    )
}

/// `one(list)`: the only element of a list, set or tuple of one element, or null for
/// none (Terraform's `OneFunc`,
/// developer.hashicorp.com/terraform/language/functions/one).
fn one() -> Function {
    const MSG: &str = "must be a list, set, or tuple value with either zero or one elements";
    fixed(
        vec![Param::new("list", Type::Dynamic)],
        computed(|a| match a[0].ty() {
            Type::List(ety) | Type::Set(ety) => Ok((*ety).clone()),
            Type::Tuple(ts) if ts.is_empty() => Ok(Type::Dynamic),
            Type::Tuple(ts) if ts.len() == 1 => Ok(ts[0].clone()),
            _ => Err(FnError::arg(0, MSG)),
        }),
        |_: &dyn Host, a, ret| {
            let v = &a[0];
            let n = cty_length(v);
            let Some(n) = n.as_number().and_then(BigFloat::to_i64) else {
                return Ok(unknown_result(a, ret.clone()));
            };
            match n.0 {
                0 => Ok(Value::Null(ret.clone())),
                1 => Ok(seq(v)[0].clone()),
                _ => Err(FnError::arg(0, MSG)),
            }
        },
    )
}

/// `alltrue(list)`: whether every element is true (true for none; a null counts as
/// false) (Terraform's `AllTrueFunc`,
/// developer.hashicorp.com/terraform/language/functions/alltrue).
fn alltrue() -> Function {
    fixed(
        vec![Param::new("list", Type::list(Type::Bool))],
        Returns::Static(Type::Bool),
        |_: &dyn Host, a, _| {
            for v in seq(&a[0]) {
                if !v.is_known() {
                    return Ok(v.unknown_like(Type::Bool));
                }
                if v.as_bool() != Some(true) {
                    return Ok(Value::Bool(false));
                }
            }
            Ok(Value::Bool(true))
        },
    )
}

/// `anytrue(list)`: whether some element is true (false for none; nulls are skipped;
/// unknown when only an unknown element could be) (Terraform's `AnyTrueFunc`,
/// developer.hashicorp.com/terraform/language/functions/anytrue).
fn anytrue() -> Function {
    fixed(
        vec![Param::new("list", Type::list(Type::Bool))],
        Returns::Static(Type::Bool),
        |_: &dyn Host, a, _| {
            let mut unknown = None;
            for v in seq(&a[0]) {
                if !v.is_known() {
                    unknown = unknown.or(Some(v));
                    continue;
                }
                if v.as_bool() == Some(true) {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(unknown.map_or(Value::Bool(false), |u| u.unknown_like(Type::Bool)))
        },
    )
}

/// `matchkeys(values, keys, searchset)`: the elements of `values` whose corresponding
/// element of `keys` is in `searchset` (Terraform's `MatchkeysFunc`,
/// developer.hashicorp.com/terraform/language/functions/matchkeys).
fn matchkeys() -> Function {
    fixed(
        vec![
            Param::new("values", Type::list(Type::Dynamic)),
            Param::new("keys", Type::list(Type::Dynamic)),
            Param::new("searchset", Type::list(Type::Dynamic)),
        ],
        computed(|a| {
            if unify(&[a[1].ty(), a[2].ty()], true).is_none() {
                return Err(FnError::new("keys and searchset must be of the same type"));
            }
            Ok(a[0].ty())
        }),
        |_: &dyn Host, a, ret| {
            let ety = ret.element().cloned().unwrap_or(Type::Dynamic);
            let (values, keys, search) = (&a[0], &a[1], &a[2]);
            if seq(values).len() != seq(keys).len() {
                return Err(FnError::new("length of keys and values should be equal"));
            }
            let Some((ty, _)) = unify(&[keys.ty(), search.ty()], true) else {
                return Err(FnError::new("keys and searchset must be of the same type"));
            };
            let keys = convert(keys, &ty).map_err(|e| FnError::new(e.to_string()))?;
            let search = convert(search, &ty).map_err(|e| FnError::new(e.to_string()))?;
            if seq(&search).is_empty() {
                return Ok(Value::list(ety, Vec::new()));
            }
            if !values.is_wholly_known() || !keys.is_wholly_known() {
                return Ok(unknown_result(&[values.clone(), keys.clone()], ret.clone()));
            }
            let mut out = Vec::new();
            for (i, k) in seq(&keys).iter().enumerate() {
                for s in seq(&search) {
                    match equals(k, s).as_bool() {
                        None => return Ok(Value::list(ety, Vec::new())),
                        Some(true) => {
                            out.push(seq(values)[i].clone());
                            break;
                        }
                        Some(false) => {}
                    }
                }
            }
            list_or_empty(&ety, out)
        },
    )
}

/// `transpose(map)`: a map of lists of strings with keys and values swapped, each list
/// sorted (Terraform's `TransposeFunc`,
/// developer.hashicorp.com/terraform/language/functions/transpose).
fn transpose() -> Function {
    let ty = Type::map(Type::list(Type::String));
    fixed(
        vec![Param::new("values", ty.clone())],
        Returns::Static(ty),
        |_: &dyn Host, a, ret| {
            if !a[0].is_wholly_known() {
                return Ok(unknown_result(a, ret.clone()));
            }
            let mut out: BTreeMap<String, BTreeSet<(String, usize)>> = BTreeMap::new();
            let mut n = 0;
            for (k, list) in a[0].entries().into_iter().flatten() {
                // cty panics iterating a null list or reading a null string.
                let items = list.items().ok_or_else(|| FnError::new("value is null"))?;
                for v in items {
                    let s = v.as_str().ok_or_else(|| FnError::new("value is null"))?;
                    n += 1;
                    out.entry(s.to_string()).or_default().insert((k.clone(), n));
                }
            }
            let items = out
                .into_iter()
                .map(|(k, ks)| {
                    let list = ks.into_iter().map(|(s, _)| Value::string(s)).collect();
                    (k, Value::list(Type::String, list))
                })
                .collect();
            Ok(Value::map(Type::list(Type::String), items))
        },
    )
}

/// `coalesce(vals...)`: the first argument that is neither null nor an empty string,
/// all converted to their common type (Terraform's `CoalesceFunc`,
/// developer.hashicorp.com/terraform/language/functions/coalesce).
fn coalesce() -> Function {
    variadic(
        vec![],
        Param::new("vals", Type::Dynamic).unknown().dynamic().null(),
        computed(|a| {
            let types: Vec<Type> = a.iter().map(Value::ty).collect();
            unify(&types, true)
                .map(|(t, _)| t)
                .ok_or_else(|| FnError::new("all arguments must have the same type"))
        }),
        |_: &dyn Host, a, ret| {
            for v in a {
                // Terraform ignores a failed conversion: its result counts as null.
                let Ok(v) = convert(v, ret) else {
                    continue;
                };
                if !v.is_known() {
                    return Ok(v.unknown_like(ret.clone()));
                }
                if v.is_null() {
                    continue;
                }
                if *ret == Type::String && v.as_str() == Some("") {
                    continue;
                }
                return Ok(v);
            }
            Err(FnError::new("no non-null, non-empty-string arguments"))
        },
    )
}

/// The number of characters (grapheme clusters) in `s`, as Terraform's `length`
/// counts them: the same segmentation as `substr` and `strrev`.
pub(super) fn grapheme_count(s: &str) -> usize {
    super::strings::clusters(s).count()
}

#[cfg(test)]
pub(super) mod test_support {
    use crate::model::Span;
    use crate::source::terraform::cty::{Type, Value, Why};
    use crate::source::terraform::eval::engine::{Bindings, Engine, Env};
    use crate::source::terraform::eval::error::EvalError;
    use crate::source::terraform::eval::functions::Host;
    use crate::source::terraform::ir::Traverse;
    use std::collections::BTreeMap;

    struct TestEnv;

    impl Host for TestEnv {
        fn read_file(&self, path: &str) -> Result<std::sync::Arc<str>, Why> {
            Err(Why::File {
                path: path.into(),
                why: "no files in tests".into(),
            })
        }
        fn file_exists(&self, _: &str) -> Result<bool, Why> {
            Ok(false)
        }
        fn fileset(&self, _: &str, _: &str) -> Result<Vec<String>, Why> {
            Ok(Vec::new())
        }
        fn base_dir(&self) -> &std::path::Path {
            std::path::Path::new(".")
        }
    }

    impl Env for TestEnv {
        fn resolve(
            &self,
            root: &str,
            _: &[Traverse],
            span: Span,
            _: Bindings<'_>,
        ) -> Result<(Value, usize), Box<EvalError>> {
            let ty = match root {
                "us" => Type::String,
                "un" => Type::Number,
                "ub" => Type::Bool,
                "ul" => Type::list(Type::String),
                "um" => Type::map(Type::String),
                "uo" => Type::object(BTreeMap::from([
                    ("name".to_string(), Type::String),
                    ("n".to_string(), Type::Number),
                ])),
                "ud" => Type::Dynamic,
                _ => {
                    return Err(EvalError::invalid(
                        "Unknown variable",
                        format!("There is no variable named {root:?}."),
                        span,
                    ));
                }
            };
            Ok((Value::unknown(ty, Why::Variable { name: root.into() }), 0))
        }
        fn host(&self) -> &dyn Host {
            self
        }
    }

    /// The expression's value, or its error message.
    pub fn eval(src: &str) -> Result<Value, String> {
        let expr = crate::source::terraform::parse::parse_expr(src).map_err(|e| e.message)?;
        Engine { env: &TestEnv }
            .eval(&expr, None)
            .map_err(|e| e.message())
    }

    /// The value as canonical JSON (unknowns as "(known after apply)"), or "error".
    pub fn show(src: &str) -> String {
        match eval(src) {
            Ok(v) => crate::source::terraform::eval::json_out::to_json(&v),
            Err(_) => "error".into(),
        }
    }

    /// The value's type, as a type constraint.
    pub fn type_of(src: &str) -> String {
        eval(src).map_or_else(|e| format!("error: {e}"), |v| v.ty().to_string())
    }

    /// Checks `(expression, expected JSON)` pairs.
    pub fn check(cases: &[(&str, &str)]) {
        for (src, want) in cases {
            assert_eq!(show(src), *want, "{src}");
        }
    }

    /// Checks `(expression, expected type)` pairs.
    pub fn check_types(cases: &[(&str, &str)]) {
        for (src, want) in cases {
            assert_eq!(type_of(src), *want, "{src}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::grapheme_count;
    use super::test_support::{check, check_types, eval};

    const U: &str = "\"(known after apply)\"";

    /// developer.hashicorp.com/terraform/language/functions/length
    #[test]
    fn length_doc_examples() {
        check(&[
            ("length([])", "0"),
            ("length([\"a\", \"b\"])", "2"),
            ("length({\"a\" = \"b\"})", "1"),
            ("length(\"hello\")", "5"),
            ("length(\"\u{1F47E}\u{1F579}\u{FE0F}\")", "2"),
        ]);
    }

    #[test]
    fn length_unknowns_and_errors() {
        check(&[
            ("length(us)", U),
            ("length(ul)", U),
            ("length(ud)", U),
            // A structure's length is in its type.
            ("length(uo)", "2"),
            ("length([us, ud])", "2"),
            ("length({a = us})", "1"),
            ("length(chunklist([us, \"a\"], 5)[0])", "2"),
            // A set's unknown elements may turn out equal to others.
            ("length(setunion([us, \"a\"]))", U),
            ("length(setunion([us]))", "1"),
            ("length(null)", "error"),
            ("length(1)", "error"),
            ("length(true)", "error"),
        ]);
        assert!(
            eval("length(\"hello\")")
                .unwrap()
                .as_number()
                .unwrap()
                .prec()
                == 64
        );
    }

    #[test]
    fn graphemes() {
        assert_eq!(grapheme_count(""), 0);
        assert_eq!(grapheme_count("abc"), 3);
        assert_eq!(grapheme_count("\r\n"), 1);
        assert_eq!(grapheme_count("\n\r"), 2);
        assert_eq!(grapheme_count("e\u{301}"), 1);
        // Flags pair regional indicators two by two.
        assert_eq!(grapheme_count("\u{1F1FA}\u{1F1F8}\u{1F1EB}"), 2);
        // An emoji ZWJ sequence is one character.
        assert_eq!(grapheme_count("\u{1F469}\u{200D}\u{1F4BB}"), 1);
        // Hangul jamo compose; a precomposed syllable takes trailing jamo.
        assert_eq!(grapheme_count("\u{1100}\u{1161}\u{11A8}"), 1);
        assert_eq!(grapheme_count("\u{AC00}\u{11A8}"), 1);
        assert_eq!(grapheme_count("\u{AC01}\u{1161}"), 2);
        // A prepended mark joins what follows; a spacing mark what precedes.
        assert_eq!(grapheme_count("\u{0600}a"), 1);
        assert_eq!(grapheme_count("\u{0915}\u{093F}"), 1);
    }

    /// developer.hashicorp.com/terraform/language/functions/index_function
    #[test]
    fn index_doc_examples() {
        check(&[
            ("index([\"a\", \"b\", \"c\"], \"b\")", "1"),
            ("index([\"one\", \"two\", \"two\"], \"two\")", "1"),
        ]);
    }

    #[test]
    fn index_edges() {
        check(&[
            ("index([\"a\"], \"z\")", "error"),
            ("index([], \"a\")", "error"),
            ("index(setunion([\"a\"]), \"a\")", "error"),
            ("index({a = 1}, 1)", "error"),
            ("index([1, \"1\"], \"1\")", "1"),
            ("index([1, 2], 2)", "1"),
            ("index(ul, \"a\")", U),
            ("index([\"a\"], us)", U),
            // An unknown element before the match leaves the position open.
            ("index([us, \"a\"], \"a\")", U),
            ("index([\"a\", us], \"a\")", "0"),
            ("index(null, \"a\")", "error"),
            ("index([\"a\"], null)", "error"),
        ]);
    }

    /// developer.hashicorp.com/terraform/language/functions/lookup
    #[test]
    fn lookup_doc_examples() {
        check(&[
            ("lookup({a=\"ay\", b=\"bee\"}, \"a\", \"what?\")", "\"ay\""),
            (
                "lookup({a=\"ay\", b=\"bee\"}, \"c\", \"what?\")",
                "\"what?\"",
            ),
        ]);
    }

    #[test]
    fn lookup_edges() {
        check(&[
            // Without a default: the element, or an error.
            ("lookup({a=\"ay\"}, \"a\")", "\"ay\""),
            ("lookup({a=\"ay\"}, \"b\")", "error"),
            ("lookup(setunion([\"a\"]), \"a\")", "error"),
            ("lookup(zipmap([\"a\"], distinct([1])), \"a\")", "1"),
            ("lookup(zipmap([\"a\"], distinct([1])), \"b\", \"2\")", "2"),
            (
                "lookup(zipmap([\"a\"], distinct([1])), \"b\", \"x\")",
                "error",
            ),
            ("lookup(zipmap([\"a\"], distinct([1])), \"b\")", "error"),
            ("lookup({a = 1}, \"b\", null)", "null"),
            ("lookup({a = 1}, \"a\", 1, 2)", "error"),
            ("lookup([1], \"0\")", "error"),
            ("lookup(null, \"a\")", "error"),
            ("lookup({a = 1}, null)", "error"),
            ("lookup(um, \"a\")", U),
            ("lookup(uo, \"name\")", U),
            ("lookup(uo, \"nope\")", "error"),
            ("lookup(uo, \"nope\", 1)", U),
            ("lookup({a = 1}, us)", U),
            ("lookup({a = 1}, us, 2)", U),
            ("lookup(ud, \"a\")", U),
            ("lookup({a = us}, \"a\")", U),
            ("lookup({a = us, b = 1}, \"b\")", "1"),
            ("lookup({a = 1}, \"b\", us)", U),
        ]);
        check_types(&[
            ("lookup({a = 1, b = \"x\"}, \"b\")", "string"),
            ("lookup({a = 1}, \"b\", true)", "bool"),
            ("lookup({a = 1}, us)", "any"),
            ("lookup(um, \"a\", 1)", "string"),
            ("lookup(uo, \"n\")", "number"),
            (
                "lookup(zipmap([\"a\"], distinct([1])), \"b\", \"2\")",
                "number",
            ),
        ]);
    }

    /// developer.hashicorp.com/terraform/language/functions/one
    #[test]
    fn one_doc_examples() {
        check(&[
            ("one([])", "null"),
            ("one([\"hello\"])", "\"hello\""),
            ("one([\"hello\", \"goodbye\"])", "error"),
            // "Using one with sets" (toset written as setunion here).
            ("one(setunion([]))", "null"),
            ("one(setunion([\"hello\"]))", "\"hello\""),
            ("one(setunion([\"hello\", \"goodbye\"]))", "error"),
        ]);
    }

    #[test]
    fn one_edges() {
        check(&[
            ("one(ul)", U),
            ("one([us])", U),
            ("one(chunklist([us], 5)[0])", U),
            ("one(setunion([us, \"a\"]))", U),
            ("one(setunion([\"a\", \"a\"]))", "\"a\""),
            ("one(slice(chunklist([\"a\"], 1)[0], 0, 0))", "null"),
            ("one(null)", "error"),
            ("one(\"a\")", "error"),
            ("one({a = 1})", "error"),
            ("one(ud)", U),
        ]);
        check_types(&[
            ("one([])", "any"),
            ("one([1])", "number"),
            ("one(ul)", "string"),
            ("one(slice(chunklist([\"a\"], 1)[0], 0, 0))", "string"),
        ]);
    }

    /// developer.hashicorp.com/terraform/language/functions/alltrue
    #[test]
    fn alltrue_doc_examples() {
        check(&[
            ("alltrue([\"true\", true])", "true"),
            ("alltrue([true, false])", "false"),
        ]);
    }

    #[test]
    fn alltrue_edges() {
        check(&[
            ("alltrue([])", "true"),
            ("alltrue([ub, true])", U),
            ("alltrue([false, ub])", "false"),
            ("alltrue([true, null])", "false"),
            ("alltrue(ul)", U),
            ("alltrue([\"yes\"])", "error"),
            ("alltrue(null)", "error"),
        ]);
    }

    /// developer.hashicorp.com/terraform/language/functions/anytrue
    #[test]
    fn anytrue_doc_examples() {
        check(&[
            ("anytrue([\"true\"])", "true"),
            ("anytrue([true])", "true"),
            ("anytrue([true, false])", "true"),
            ("anytrue([])", "false"),
        ]);
    }

    #[test]
    fn anytrue_edges() {
        check(&[
            ("anytrue([ub, false])", U),
            ("anytrue([ub, true])", "true"),
            ("anytrue([null, false])", "false"),
            ("anytrue([null, true])", "true"),
            ("anytrue(ul)", U),
        ]);
    }

    /// developer.hashicorp.com/terraform/language/functions/matchkeys
    #[test]
    fn matchkeys_doc_examples() {
        check(&[(
            "matchkeys([\"i-123\", \"i-abc\", \"i-def\"], [\"us-west\", \"us-east\", \"us-east\"], [\"us-east\"])",
            "[\"i-abc\",\"i-def\"]",
        )]);
    }

    #[test]
    fn matchkeys_edges() {
        check(&[
            ("matchkeys([\"a\", \"b\"], [1, 2], [\"2\"])", "[\"b\"]"),
            ("matchkeys([\"a\", \"b\"], [1, 2], [])", "[]"),
            ("matchkeys([\"a\", \"b\"], [1, 2], [3])", "[]"),
            ("matchkeys([\"a\"], [1, 2], [1])", "error"),
            ("matchkeys([\"a\"], [[1]], [1])", "error"),
            ("matchkeys([us, \"b\"], [1, 2], [2])", U),
            ("matchkeys([\"a\", \"b\"], [1, un], [2])", U),
            // An unknown in the search set gives nothing (as Terraform does).
            ("matchkeys([\"a\", \"b\"], [1, 2], [un])", "[]"),
            ("matchkeys(ul, [1], [1])", U),
        ]);
        check_types(&[
            ("matchkeys([\"a\", \"b\"], [1, 2], [2])", "list(string)"),
            ("matchkeys([1], [1], [])", "list(number)"),
        ]);
    }

    /// developer.hashicorp.com/terraform/language/functions/transpose
    #[test]
    fn transpose_doc_examples() {
        check(&[(
            "transpose({\"a\" = [\"1\", \"2\"], \"b\" = [\"2\", \"3\"]})",
            "{\"1\":[\"a\"],\"2\":[\"a\",\"b\"],\"3\":[\"b\"]}",
        )]);
    }

    #[test]
    fn transpose_edges() {
        check(&[
            ("transpose({})", "{}"),
            ("transpose({a = []})", "{}"),
            (
                "transpose({b = [\"x\"], a = [\"x\", \"x\"]})",
                "{\"x\":[\"a\",\"a\",\"b\"]}",
            ),
            ("transpose({a = [us]})", U),
            ("transpose({a = [null]})", "error"),
            ("transpose({a = \"x\"})", "error"),
            ("transpose(um)", "error"),
            ("transpose(zipmap([\"a\"], chunklist([us], 1)))", U),
        ]);
        check_types(&[("transpose({})", "map(list(string))")]);
    }

    /// developer.hashicorp.com/terraform/language/functions/coalesce
    #[test]
    fn coalesce_doc_examples() {
        check(&[
            ("coalesce(\"a\", \"b\")", "\"a\""),
            ("coalesce(\"\", \"b\")", "\"b\""),
            ("coalesce(1,2)", "1"),
            ("coalesce([\"\", \"b\"]...)", "\"b\""),
            ("coalesce(1, \"hello\")", "\"1\""),
            ("coalesce(true, \"hello\")", "\"true\""),
            ("coalesce({}, \"hello\")", "error"),
        ]);
        let e = eval("coalesce({}, \"hello\")").unwrap_err();
        assert!(
            e.ends_with(
                "Call to function \"coalesce\" failed: all arguments must have the same type."
            ),
            "{e}"
        );
    }

    #[test]
    fn coalesce_edges() {
        check(&[
            ("coalesce(null, \"b\")", "\"b\""),
            ("coalesce(null, null)", "error"),
            ("coalesce(\"\", \"\")", "error"),
            ("coalesce()", "error"),
            ("coalesce(us, \"b\")", U),
            ("coalesce(\"a\", us)", "\"a\""),
            ("coalesce(ud, \"b\")", U),
            ("coalesce(null, [], [1])", "[]"),
            ("coalesce(0, 1)", "0"),
            ("coalesce(false, true)", "false"),
        ]);
        check_types(&[
            ("coalesce(us, 1)", "string"),
            ("coalesce(null, 1)", "number"),
            ("coalesce(ud, 1)", "number"),
        ]);
    }

    /// cty's own cases (collection_test.go) for behavior with unknowns.
    #[test]
    fn cty_unknown_cases() {
        check(&[
            ("keys(uo)", "[\"n\",\"name\"]"),
            ("keys(um)", U),
            ("flatten([us, [\"a\"]])", "[\"(known after apply)\",\"a\"]"),
            ("flatten([ul, [\"a\"]])", U),
            ("merge(um, {a = 1})", U),
            ("concat([1], ul)", U),
            ("contains([us, \"a\"], \"a\")", "true"),
            ("contains([us, \"b\"], \"a\")", U),
            ("zipmap([us], [1])", U),
        ]);
        check_types(&[
            ("keys(uo)", "tuple([string,string])"),
            ("merge(um, {a = 1})", "any"),
            ("merge(um, um)", "map(string)"),
            ("concat(ul, [\"a\"])", "any"),
            ("concat(ul, ul)", "list(string)"),
            ("flatten([us, [\"a\"]])", "tuple([string,string])"),
            ("zipmap([us], [1])", "any"),
            ("zipmap([us], distinct([1]))", "map(number)"),
            ("slice([1, \"a\"], 0, un)", "any"),
            ("element([1, \"a\"], un)", "any"),
        ]);
    }

    #[test]
    fn cty_results() {
        check(&[
            ("chunklist([1, 2, 3], 2)", "[[1,2],[3]]"),
            ("coalescelist([], [1])", "[1]"),
            ("compact([\"a\", \"\", null])", "[\"a\"]"),
            ("concat([1], [\"a\"])", "[1,\"a\"]"),
            ("distinct([1, 1, 2])", "[1,2]"),
            ("element([\"a\", \"b\"], 3)", "\"b\""),
            ("element([\"a\", \"b\"], -1)", "error"),
            ("keys({b = 1, a = 2})", "[\"a\",\"b\"]"),
            ("values({b = 1, a = 2})", "[2,1]"),
            ("merge({a = 1}, {a = 2, b = 3})", "{\"a\":2,\"b\":3}"),
            ("range(3)", "[0,1,2]"),
            ("range(3, 0)", "[3,2,1]"),
            ("range(0, 1, 0.25)", "[0,0.25,0.5,0.75]"),
            ("range(1, 1, 0)", "[]"),
            ("range(0, 1, 0)", "error"),
            ("length(range(1024))", "1024"),
            ("range(1025)", "error"),
            ("reverse([1, 2, 3])", "[3,2,1]"),
            ("slice([1, 2, 3], 1, 3)", "[2,3]"),
            ("slice([1, 2, 3], 2, 1)", "error"),
            ("sort([\"b\", \"a\", \"B\"])", "[\"B\",\"a\",\"b\"]"),
            ("zipmap([\"a\", \"b\"], [1, 2])", "{\"a\":1,\"b\":2}"),
            // Both null: cty's result lacks the attribute its type promised.
            (
                "merge(true ? null : {a = 1}, true ? null : {a = 1})",
                "error",
            ),
            // A null first argument skips the type check: cty iterates whatever
            // follows as a map, taking a set of strings' elements as keys.
            (
                "merge(null, setunion([\"b\", \"a\"]))",
                "{\"a\":\"a\",\"b\":\"b\"}",
            ),
            ("merge(null, [])", "{}"),
            ("merge(null, [1])", "error"),
            ("merge(null, \"a\")", "error"),
        ]);
        check_types(&[
            ("concat([1], [\"a\"])", "tuple([number,string])"),
            ("concat(distinct([1]), distinct([\"a\"]))", "list(string)"),
            ("merge({a = 1}, {b = \"x\"})", "object({a=number,b=string})"),
            ("values(zipmap([\"a\"], distinct([1])))", "list(number)"),
            ("reverse([1, \"a\"])", "tuple([string,number])"),
            ("reverse(setunion([1]))", "list(number)"),
            ("chunklist([], 1)", "list(list(any))"),
        ]);
    }
}
