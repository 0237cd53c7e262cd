//! Equality, indexing and attribute access with cty's and HCL's semantics (cty
//! `Value.Equals`, `Value.Index`; HCL `hcl.Index`, `hcl.GetAttr`).

use super::number::BigFloat;
use super::types::Type;
use super::value::{Value, Why};

/// cty's `Equals`: a bool, or an unknown bool when unknowns leave it open.
pub fn equals(a: &Value, b: &Value) -> Value {
    let unknown = || unknown_bool(a, b);
    // Resource instances are equal when they are the same instance.
    if let (Value::Resource(x), Value::Resource(y)) = (a, b) {
        return Value::Bool(x.address == y.address);
    }
    match (a.is_known(), b.is_known()) {
        (false, false) => return unknown(),
        (true, false) => {
            return if a.is_null() || b.ty().has_dynamic() {
                unknown()
            } else if a.ty() != b.ty() {
                Value::Bool(false)
            } else {
                unknown()
            };
        }
        (false, true) => {
            return if b.is_null() || a.ty().has_dynamic() {
                unknown()
            } else if a.ty() != b.ty() {
                Value::Bool(false)
            } else {
                unknown()
            };
        }
        (true, true) => {}
    }
    match (a.is_null(), b.is_null()) {
        (true, true) => return Value::Bool(true),
        (true, false) | (false, true) => return Value::Bool(false),
        _ => {}
    }
    if !has_wholly_known_type(a) || !has_wholly_known_type(b) {
        let (ta, tb) = (a.ty(), b.ty());
        if !ta.conforms_to(&tb) && !tb.conforms_to(&ta) {
            return Value::Bool(false);
        }
        return unknown();
    }
    if a.ty() != b.ty() {
        return Value::Bool(false);
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Value::Bool(numbers_equal(x, y)),
        (Value::Bool(x), Value::Bool(y)) => Value::Bool(x == y),
        (Value::String(x), Value::String(y)) => Value::Bool(x == y),
        (Value::Object(x), Value::Object(y)) => all_equal(x.values().zip(y.values())),
        (Value::Tuple(x), Value::Tuple(y)) => all_equal(x.iter().zip(y.iter())),
        (Value::List(x), Value::List(y)) => {
            if x.items.len() != y.items.len() {
                return Value::Bool(false);
            }
            all_equal(x.items.iter().zip(y.items.iter()))
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.items.len() != y.items.len() || x.items.keys().ne(y.items.keys()) {
                return Value::Bool(false);
            }
            all_equal(x.items.values().zip(y.items.values()))
        }
        (Value::Set(x), Value::Set(y)) => {
            let mut equal = true;
            for (from, to) in [(&x.items, &y.items), (&y.items, &x.items)] {
                for v in from.iter() {
                    if !v.is_known() {
                        return unknown();
                    }
                    if !to.iter().any(|w| equals(v, w).as_bool() == Some(true)) {
                        equal = false;
                    }
                }
            }
            Value::Bool(equal)
        }
        _ => Value::Bool(false),
    }
}

/// Element by element; the first unequal pair decides, an unknown comparison first
/// makes the whole unknown.
fn all_equal<'a>(pairs: impl Iterator<Item = (&'a Value, &'a Value)>) -> Value {
    for (x, y) in pairs {
        let eq = equals(x, y);
        match eq.as_bool() {
            None => return eq,
            Some(false) => return Value::Bool(false),
            Some(true) => {}
        }
    }
    Value::Bool(true)
}

fn unknown_bool(a: &Value, b: &Value) -> Value {
    let why = a
        .first_unknown()
        .or(b.first_unknown())
        .and_then(Value::why)
        .map(Why::plain)
        .unwrap_or(Why::Function { name: "==".into() });
    Value::unknown(Type::Bool, why)
}

/// Two numbers are equal when they print the same (so 0.1 at 53 bits and 0.1 at 512
/// differ), except that -0 equals 0: cty's `rawNumberEqual`.
pub fn numbers_equal(x: &BigFloat, y: &BigFloat) -> bool {
    if x.sign() != y.sign() {
        return false;
    }
    if x.prec() == y.prec() {
        return x.cmp(y).is_eq();
    }
    x.to_text() == y.to_text()
}

/// cty's `HasWhollyKnownType`: no unknown of a dynamic type anywhere.
fn has_wholly_known_type(v: &Value) -> bool {
    if v.is_null() {
        return true;
    }
    match v {
        Value::Unknown(u) => !u.ty.has_dynamic(),
        Value::Resource(_) => false,
        _ => v.elements().iter().all(|(_, e)| has_wholly_known_type(e)),
    }
}

/// An operation HCL refuses: a summary and a detail, as its diagnostics have.
#[derive(Debug, Clone, PartialEq)]
pub struct OpError {
    pub summary: &'static str,
    pub detail: String,
}

fn invalid_index(detail: impl Into<String>) -> OpError {
    OpError {
        summary: "Invalid index",
        detail: detail.into(),
    }
}

/// HCL's `hcl.Index`: `collection[key]`.
pub fn index(collection: &Value, key: &Value) -> Result<Value, OpError> {
    if collection.is_null() {
        return Err(OpError {
            summary: "Attempt to index null value",
            detail: "This value is null, so it does not have any indices.".into(),
        });
    }
    if key.is_null() {
        return Err(invalid_index("Can't use a null value as an indexing key."));
    }
    // A resource instance indexed by name reads its attribute.
    if let Value::Resource(_) = collection {
        if let Value::String(name) = key {
            return Ok(get_attr(collection, name)
                .unwrap_or_else(|_| collection.unknown_like(Type::Dynamic)));
        }
        return Ok(collection.unknown_like(Type::Dynamic));
    }
    let ty = collection.ty();
    let kty = key.ty();
    if kty.is_dynamic() || ty.is_dynamic() {
        return Ok(unknown_from(collection, key, Type::Dynamic));
    }
    match &ty {
        Type::List(_) | Type::Tuple(_) | Type::Map(_) => {
            let want = if ty.is_map() {
                Type::String
            } else {
                Type::Number
            };
            let key = super::convert::convert(key, &want).map_err(|e| {
                invalid_index(format!(
                    "The given key does not identify an element in this collection value: {e}."
                ))
            })?;
            let has = has_index(collection, &key);
            let Some(has) = has.as_bool() else {
                return Ok(match &ty {
                    Type::Tuple(_) => unknown_from(collection, &key, Type::Dynamic),
                    _ => unknown_from(
                        collection,
                        &key,
                        ty.element().cloned().unwrap_or(Type::Dynamic),
                    ),
                });
            };
            if !has {
                if let (false, Value::Number(n)) = (ty.is_map(), &key) {
                    if !n.is_int() {
                        return Err(invalid_index(
                            "The given key does not identify an element in this collection value: indexing a sequence requires a whole number, but the given index has a fractional part.",
                        ));
                    }
                    if n.sign() < 0 {
                        return Err(invalid_index(
                            "The given key does not identify an element in this collection value: a negative number is not a valid index for a sequence.",
                        ));
                    }
                    if let Some(len) = collection.length() {
                        return Err(invalid_index(if len == 0 {
                            "The given key does not identify an element in this collection value: the collection has no elements."
                        } else {
                            "The given key does not identify an element in this collection value: the given index is greater than or equal to the length of the collection."
                        }));
                    }
                }
                return Err(invalid_index(
                    "The given key does not identify an element in this collection value.",
                ));
            }
            Ok(value_index(collection, &key))
        }
        Type::Object(o) => {
            let was_number = kty == Type::Number;
            let key = super::convert::convert(key, &Type::String).map_err(|e| {
                invalid_index(format!(
                    "The given key does not identify an element in this collection value: {e}."
                ))
            })?;
            if !collection.is_known() || !key.is_known() {
                return Ok(unknown_from(collection, &key, Type::Dynamic));
            }
            let name = key.as_str().unwrap_or_default();
            if !o.attrs.contains_key(name) {
                let suggestion = if was_number {
                    " An object only supports looking up attributes by name, not by numeric index."
                } else {
                    ""
                };
                return Err(invalid_index(format!(
                    "The given key does not identify an element in this collection value.{suggestion}"
                )));
            }
            Ok(collection
                .entries()
                .and_then(|m| m.get(name))
                .cloned()
                .unwrap_or_else(|| collection.unknown_like(o.attrs[name].clone())))
        }
        Type::Set(_) => Err(invalid_index(
            "Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.",
        )),
        _ => Err(invalid_index("This value does not have any indices.")),
    }
}

/// An unknown result for an index whose collection or key is unknown.
fn unknown_from(collection: &Value, key: &Value, ty: Type) -> Value {
    let source = if collection.is_wholly_known() {
        key
    } else {
        collection
    };
    source
        .first_unknown()
        .map(|u| u.unknown_like(ty.clone()))
        .unwrap_or_else(|| {
            Value::unknown(
                ty,
                Why::Function {
                    name: "index".into(),
                },
            )
        })
}

/// cty's `HasIndex` for lists, maps and tuples (the key already converted).
fn has_index(collection: &Value, key: &Value) -> Value {
    let unknown = || unknown_from(collection, key, Type::Bool);
    match collection.ty() {
        Type::List(_) | Type::Tuple(_) => {
            let Value::Number(n) = key else {
                return if key.is_known() {
                    Value::Bool(false)
                } else {
                    unknown()
                };
            };
            if !collection.is_known() && !collection.ty().is_tuple() {
                return unknown();
            }
            let len = match collection.ty() {
                Type::Tuple(ts) => ts.len(),
                _ => collection.length().unwrap_or(0),
            };
            match n.to_i64() {
                Some((i, true)) if i >= 0 => Value::Bool((i as usize) < len),
                _ => Value::Bool(false),
            }
        }
        Type::Map(_) => {
            let Value::String(k) = key else {
                return if key.is_known() {
                    Value::Bool(false)
                } else {
                    unknown()
                };
            };
            match collection {
                Value::Map(m) => Value::Bool(m.items.contains_key(&**k)),
                _ => unknown(),
            }
        }
        _ => Value::Bool(false),
    }
}

/// cty's `Index` once `has_index` said yes.
fn value_index(collection: &Value, key: &Value) -> Value {
    match (collection, key) {
        (Value::List(s), Value::Number(n)) => {
            let i = n.to_i64().map_or(0, |(i, _)| i as usize);
            s.items[i].clone()
        }
        (Value::Tuple(items), Value::Number(n)) => {
            let i = n.to_i64().map_or(0, |(i, _)| i as usize);
            items[i].clone()
        }
        (Value::Map(m), Value::String(k)) => m.items[&**k].clone(),
        (Value::Unknown(_), _) => match collection.ty() {
            Type::Tuple(ts) => {
                let i = key
                    .as_number()
                    .and_then(|n| n.to_i64())
                    .map_or(0, |(i, _)| i as usize);
                collection.unknown_like(ts.get(i).cloned().unwrap_or(Type::Dynamic))
            }
            t => collection.unknown_like(t.element().cloned().unwrap_or(Type::Dynamic)),
        },
        _ => collection.unknown_like(Type::Dynamic),
    }
}

fn unsupported(detail: impl Into<String>) -> OpError {
    OpError {
        summary: "Unsupported attribute",
        detail: detail.into(),
    }
}

/// HCL's `hcl.GetAttr`: `obj.name`.
pub fn get_attr(obj: &Value, name: &str) -> Result<Value, OpError> {
    if obj.is_null() {
        return Err(OpError {
            summary: "Attempt to get attribute from null value",
            detail: "This value is null, so it does not have any attributes.".into(),
        });
    }
    if let Value::Resource(r) = obj {
        let computed = || {
            let (address, attr) = (r.address.clone(), name.to_string());
            Value::unknown(
                computed_type(name),
                if r.data {
                    Why::DataSource { address, attr }
                } else {
                    Why::AfterApply { address, attr }
                },
            )
        };
        return Ok(match r.attrs.get(name) {
            // As in a plan: an attribute of a resource whose configured value is unknown
            // is "known after apply", and still an attribute of that resource, so
            // references through it keep pointing at the resource. (A data source's
            // computed JSON keeps its partly known text.)
            Some(Value::Unknown(_)) if !r.data => computed(),
            Some(v) => v.clone(),
            None => computed(),
        });
    }
    let ty = obj.ty();
    match &ty {
        Type::Object(o) => {
            let Some(aty) = o.attrs.get(name) else {
                return Err(unsupported(format!(
                    "This object does not have an attribute named {name:?}."
                )));
            };
            if !obj.is_known() {
                return Ok(obj.unknown_like(aty.clone()));
            }
            Ok(obj
                .entries()
                .and_then(|m| m.get(name))
                .cloned()
                .unwrap_or_else(|| Value::Null(aty.clone())))
        }
        Type::Map(ety) => {
            let Value::Map(m) = obj else {
                return Ok(obj.unknown_like((**ety).clone()));
            };
            m.items.get(name).cloned().ok_or_else(|| OpError {
                summary: "Missing map element",
                detail: format!("This map does not have an element with the key {name:?}."),
            })
        }
        Type::Dynamic => Ok(obj.unknown_like(Type::Dynamic)),
        Type::List(ety) if ety.is_object() => Err(unsupported(
            if ety.attributes().is_some_and(|a| a.contains_key(name)) {
                format!(
                    "Can't access attributes on a list of objects. Did you mean to access attribute {name:?} for a specific element of the list, or across all elements of the list?"
                )
            } else {
                "Can't access attributes on a list of objects. Did you mean to access an attribute for a specific element of the list, or across all elements of the list?".into()
            },
        )),
        Type::Set(ety) if ety.is_object() => Err(unsupported(
            "Can't access attributes on a set of objects. Did you mean to access an attribute across all elements of the set?",
        )),
        t if t.is_primitive() => Err(unsupported(format!(
            "Can't access attributes on a primitive-typed value ({}).",
            t.friendly_name()
        ))),
        _ => Err(unsupported("This value does not have any attributes.")),
    }
}

/// The type of an attribute a provider computes, known without its schema where the
/// name says it: identifiers, ARNs, names, URLs and rendered documents are strings in
/// every AWS provider schema (`id`, `arn`, `*_arn`, `*_id`, `*_name`, `*_url`, `json`,
/// `rendered`...). Anything else is of unknown type, as it would be without a schema.
fn computed_type(name: &str) -> Type {
    const STRINGS: &[&str] = &[
        "id",
        "arn",
        "name",
        "url",
        "json",
        "minified_json",
        "rendered",
        "partition",
        "account_id",
        "dns_suffix",
        "region",
        "version",
        "endpoint",
        "invoke_arn",
        "execution_arn",
        "qualified_arn",
        "qualified_invoke_arn",
        "unique_id",
        "owner_id",
        "key_id",
        "user_id",
        "policy",
        "etag",
    ];
    const SUFFIXES: &[&str] = &["_arn", "_id", "_name", "_url", "_endpoint", "_json"];
    if STRINGS.contains(&name) || SUFFIXES.iter().any(|s| name.ends_with(s)) {
        Type::String
    } else {
        Type::Dynamic
    }
}

/// cty's `Length`: a number, or unknown when the count is not known.
pub fn length(v: &Value) -> Value {
    if let Type::Tuple(ts) = v.ty() {
        return Value::int(ts.len() as i64);
    }
    if !v.is_known() {
        return v.unknown_like(Type::Number);
    }
    if let Value::Set(s) = v
        && s.items.len() != 1
        && !v.is_wholly_known()
    {
        // Unknown elements may turn out equal to others.
        return v.unknown_like(Type::Number);
    }
    Value::int(v.length().unwrap_or(0) as i64)
}
