//! Type conversion as cty's `convert` package defines it: which conversions exist
//! between two types (safe ones, and the "unsafe" ones Terraform applies everywhere,
//! such as string to number), and how a value is converted.
//!
//! A conversion is first planned from the two types ([`plan`]; no plan means the types
//! are incompatible), then applied to values. Unknown and null values convert to an
//! unknown or null of the target type at every level.

use super::number::{BigFloat, PARSE_PREC};
use super::types::Type;
use super::unify::unify;
use super::value::{Value, Why};
use std::collections::BTreeMap;
use std::fmt;

/// Why a value could not be converted, with the path to the part at fault.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvError {
    pub path: Vec<PathStep>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PathStep {
    Index(String),
    Attr(String),
}

impl fmt::Display for ConvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            return f.write_str(&self.message);
        }
        // As cty's path errors print: `.attr` and `[key]` steps, then the message.
        let mut first = true;
        for step in &self.path {
            match step {
                PathStep::Attr(a) if first => write!(f, "attribute {a:?}")?,
                PathStep::Attr(a) => write!(f, ".{a}")?,
                PathStep::Index(i) if first => write!(f, "element {i}")?,
                PathStep::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        write!(f, ": {}", self.message)
    }
}

fn err(path: &[PathStep], message: impl Into<String>) -> ConvError {
    ConvError {
        path: path.to_vec(),
        message: message.into(),
    }
}

/// A planned conversion, one node per level of the types (cty's conversion closures).
#[derive(Debug, Clone)]
pub enum Plan {
    /// To `Dynamic`: the value as it is.
    Passthrough,
    /// From `Dynamic` (unsafe only): decided once the value's type is known.
    DynamicFixup(Type),
    NumberToString,
    BoolToString,
    StringToNumber,
    StringToBool,
    /// Nothing to do (same type), but unknowns and nulls still take the target type.
    Identity,
    ObjectToObject {
        attrs: BTreeMap<String, Option<Box<Plan>>>,
        out: Type,
    },
    TupleToTuple(Vec<Option<Plan>>),
    CollectionToList {
        ety: Type,
        elem: Option<Box<Plan>>,
    },
    CollectionToSet {
        ety: Type,
        elem: Option<Box<Plan>>,
    },
    CollectionToMap {
        ety: Type,
        elem: Option<Box<Plan>>,
    },
    TupleToList {
        ety: Type,
        elems: Vec<Option<Plan>>,
        unsafe_: bool,
        empty: bool,
    },
    TupleToSet {
        ety: Type,
        elems: Vec<Option<Plan>>,
        empty: bool,
    },
    ObjectToMap {
        ety: Type,
        attrs: BTreeMap<String, Option<Plan>>,
        unsafe_: bool,
        empty: bool,
    },
    MapToObject {
        out: Type,
        elems: BTreeMap<String, Option<Plan>>,
    },
    /// A nested conversion, with the wrapper's unknown and null handling.
    Wrapped(Box<Conversion>),
    /// A map element that cannot become an optional attribute: an error only when the
    /// map has that element.
    Incompatible,
}

/// A conversion with cty's wrapper: unknown and null values short-circuit to the target
/// type (with dynamic parts filled from the input's type).
#[derive(Debug, Clone)]
pub struct Conversion {
    pub out: Type,
    pub plan: Plan,
}

/// The conversion from `in_ty` to `out`, if there is one (cty's `getConversion`).
pub fn conversion(in_ty: &Type, out: &Type, unsafe_: bool) -> Option<Conversion> {
    let plan = plan(in_ty, out, unsafe_)?;
    Some(Conversion {
        out: out.clone(),
        plan,
    })
}

fn wrapped(c: Conversion) -> Plan {
    Plan::Wrapped(Box::new(c))
}

/// cty's `getConversionKnown`.
fn plan(in_ty: &Type, out: &Type, unsafe_: bool) -> Option<Plan> {
    if out.is_dynamic() {
        return Some(Plan::Passthrough);
    }
    if unsafe_ && in_ty.is_dynamic() {
        return Some(Plan::DynamicFixup(out.clone()));
    }
    if in_ty.is_primitive() && out.is_primitive() {
        return match (in_ty, out) {
            (a, b) if a == b => Some(Plan::Identity),
            (Type::Number, Type::String) => Some(Plan::NumberToString),
            (Type::Bool, Type::String) => Some(Plan::BoolToString),
            (Type::String, Type::Number) if unsafe_ => Some(Plan::StringToNumber),
            (Type::String, Type::Bool) if unsafe_ => Some(Plan::StringToBool),
            _ => None,
        };
    }
    match (in_ty, out) {
        (Type::Object(i), Type::Object(o)) => {
            let mut attrs = BTreeMap::new();
            for (name, oty) in &o.attrs {
                match i.attrs.get(name) {
                    None if o.optional.contains(name) => {}
                    None => return None,
                    Some(ity) if ity == oty => {
                        attrs.insert(name.clone(), None);
                    }
                    Some(ity) => {
                        let c = conversion(ity, oty, unsafe_)?;
                        attrs.insert(name.clone(), Some(Box::new(wrapped(c))));
                    }
                }
            }
            Some(Plan::ObjectToObject {
                attrs,
                out: out.clone(),
            })
        }
        (Type::Tuple(i), Type::Tuple(o)) => {
            if i.len() != o.len() {
                return None;
            }
            let mut elems = Vec::new();
            for (ity, oty) in i.iter().zip(o.iter()) {
                if ity == oty {
                    elems.push(None);
                } else {
                    elems.push(Some(wrapped(conversion(ity, oty, unsafe_)?)));
                }
            }
            Some(Plan::TupleToTuple(elems))
        }
        (Type::List(i) | Type::Set(i), Type::List(o)) => {
            let elem = if i == o {
                None
            } else {
                Some(Box::new(wrapped(conversion(i, o, unsafe_)?)))
            };
            Some(Plan::CollectionToList {
                ety: (**o).clone(),
                elem,
            })
        }
        (Type::List(i) | Type::Set(i), Type::Set(o)) => {
            if in_ty.is_list() && !unsafe_ {
                return None;
            }
            let conv = conversion(i, o, unsafe_);
            if i == o {
                return Some(Plan::CollectionToSet {
                    ety: (**o).clone(),
                    elem: None,
                });
            }
            Some(Plan::CollectionToSet {
                ety: (**o).clone(),
                elem: Some(Box::new(wrapped(conv?))),
            })
        }
        (Type::Map(i), Type::Map(o)) => {
            let conv = conversion(i, o, unsafe_)?;
            Some(Plan::CollectionToMap {
                ety: (**o).clone(),
                elem: Some(Box::new(wrapped(conv))),
            })
        }
        (Type::Tuple(etys), Type::List(o)) => tuple_to_seq(etys, o, unsafe_, true),
        (Type::Tuple(etys), Type::Set(o)) => tuple_to_seq(etys, o, unsafe_, false),
        (Type::Object(i), Type::Map(o)) => {
            if i.attrs.is_empty() {
                return Some(Plan::ObjectToMap {
                    ety: o.without_optional(),
                    attrs: BTreeMap::new(),
                    unsafe_,
                    empty: true,
                });
            }
            let mut ety = (**o).clone();
            if ety.is_dynamic() {
                let types: Vec<Type> = i.attrs.values().cloned().collect();
                ety = unify(&types, unsafe_)?.0;
            }
            let mut attrs = BTreeMap::new();
            for (name, aty) in &i.attrs {
                if *aty == ety {
                    attrs.insert(name.clone(), None);
                } else {
                    attrs.insert(name.clone(), Some(wrapped(conversion(aty, &ety, unsafe_)?)));
                }
            }
            Some(Plan::ObjectToMap {
                ety,
                attrs,
                unsafe_,
                empty: false,
            })
        }
        (Type::Map(i), Type::Object(o)) => {
            if !unsafe_ {
                return None;
            }
            let mut elems = BTreeMap::new();
            for (name, aty) in &o.attrs {
                if **i == *aty {
                    elems.insert(name.clone(), None);
                    continue;
                }
                match conversion(i, aty, unsafe_) {
                    Some(c) => {
                        elems.insert(name.clone(), Some(wrapped(c)));
                    }
                    None if o.optional.contains(name) => {
                        elems.insert(name.clone(), Some(Plan::Incompatible));
                    }
                    None => return None,
                }
            }
            Some(Plan::MapToObject {
                out: out.clone(),
                elems,
            })
        }
        _ => None,
    }
}

fn tuple_to_seq(etys: &[Type], o: &Type, unsafe_: bool, list: bool) -> Option<Plan> {
    if etys.is_empty() {
        let ety = o.without_optional();
        return Some(if list {
            Plan::TupleToList {
                ety,
                elems: Vec::new(),
                unsafe_,
                empty: true,
            }
        } else {
            Plan::TupleToSet {
                ety,
                elems: Vec::new(),
                empty: true,
            }
        });
    }
    let mut ety = o.clone();
    if ety.is_dynamic() {
        ety = unify(etys, unsafe_)?.0;
        if ety.is_dynamic() && etys.iter().any(|t| !t.is_dynamic()) {
            return None;
        }
    }
    let mut elems = Vec::new();
    for t in etys {
        if *t == ety {
            elems.push(None);
        } else {
            elems.push(Some(wrapped(conversion(t, &ety, unsafe_)?)));
        }
    }
    Some(if list {
        Plan::TupleToList {
            ety,
            elems,
            unsafe_,
            empty: false,
        }
    } else {
        Plan::TupleToSet {
            ety,
            elems,
            empty: false,
        }
    })
}

/// cty's `convert.Convert`: the value converted to `want` (unsafe conversions allowed),
/// or why it cannot be.
pub fn convert(v: &Value, want: &Type) -> Result<Value, ConvError> {
    let ty = v.ty();
    if ty == want.without_optional() {
        return Ok(v.clone());
    }
    match conversion(&ty, want, true) {
        Some(c) => c.apply(v, &mut Vec::new()),
        None => Err(err(&[], mismatch_message(&ty, want))),
    }
}

impl Conversion {
    /// Applies the conversion with cty's wrapper rules for unknown and null values.
    pub fn apply(&self, v: &Value, path: &mut Vec<PathStep>) -> Result<Value, ConvError> {
        if self.out.is_dynamic() {
            return Ok(v.clone());
        }
        // A resource instance converted to an object type: attributes it does not set
        // are computed after apply.
        if let (Value::Resource(r), Type::Object(o)) = (v, &self.out) {
            let mut attrs = r.attrs.clone();
            for name in o.attrs.keys() {
                if !attrs.contains_key(name) {
                    attrs.insert(
                        name.clone(),
                        super::ops::get_attr(v, name)
                            .unwrap_or_else(|_| v.unknown_like(Type::Dynamic)),
                    );
                }
            }
            return convert_at(&Value::object(attrs), &self.out, path);
        }
        if !v.is_known() {
            let out = self.out.without_optional();
            return Ok(v.unknown_like(dynamic_replace(&v.ty(), &out)));
        }
        if let Value::Null(t) = v {
            let out = self.out.without_optional();
            return Ok(Value::Null(dynamic_replace(t, &out)));
        }
        self.plan.apply(v, path)
    }
}

fn convert_at(v: &Value, want: &Type, path: &[PathStep]) -> Result<Value, ConvError> {
    convert(v, want).map_err(|mut e| {
        let mut full = path.to_vec();
        full.append(&mut e.path);
        e.path = full;
        e
    })
}

impl Plan {
    fn apply(&self, v: &Value, path: &mut Vec<PathStep>) -> Result<Value, ConvError> {
        match self {
            Plan::Passthrough | Plan::Identity => Ok(v.clone()),
            Plan::Wrapped(c) => c.apply(v, path),
            Plan::Incompatible => Err(err(path, "incompatible element")),
            Plan::DynamicFixup(want) => convert_at(v, want, path),
            Plan::NumberToString => match v {
                Value::Number(n) => Ok(Value::string(n.to_text())),
                _ => Ok(v.clone()),
            },
            Plan::BoolToString => match v {
                Value::Bool(b) => Ok(Value::string(if *b { "true" } else { "false" })),
                _ => Ok(v.clone()),
            },
            Plan::StringToNumber => {
                let s = v.as_str().unwrap_or_default();
                BigFloat::parse(s, PARSE_PREC)
                    .map(Value::number)
                    .ok_or_else(|| err(path, "a number is required"))
            }
            Plan::StringToBool => match v.as_str().unwrap_or_default() {
                "true" | "1" => Ok(Value::Bool(true)),
                "false" | "0" => Ok(Value::Bool(false)),
                s => Err(err(
                    path,
                    match s.to_lowercase().as_str() {
                        "true" => {
                            "a bool is required; to convert from string, use lowercase \"true\""
                        }
                        "false" => {
                            "a bool is required; to convert from string, use lowercase \"false\""
                        }
                        _ => "a bool is required",
                    },
                )),
            },
            Plan::ObjectToObject { attrs, out } => {
                let mut result = BTreeMap::new();
                for (name, e) in v.entries().into_iter().flatten() {
                    let Some(conv) = attrs.get(name) else {
                        continue;
                    };
                    path.push(PathStep::Attr(name.clone()));
                    let mut e = match conv {
                        Some(p) => p.apply(e, path)?,
                        None => e.clone(),
                    };
                    path.pop();
                    if let Value::Null(t) = &e {
                        e = Value::Null(t.without_optional());
                    }
                    result.insert(name.clone(), e);
                }
                if let Type::Object(o) = out {
                    for name in &o.optional {
                        if !result.contains_key(name) {
                            result.insert(
                                name.clone(),
                                Value::Null(o.attrs[name].without_optional()),
                            );
                        }
                    }
                }
                Ok(Value::object(result))
            }
            Plan::TupleToTuple(elems) => {
                let items = v.items().unwrap_or_default();
                let mut out = Vec::with_capacity(items.len());
                for (i, (e, conv)) in items.iter().zip(elems).enumerate() {
                    path.push(PathStep::Index(i.to_string()));
                    out.push(match conv {
                        Some(p) => p.apply(e, path)?,
                        None => e.clone(),
                    });
                    path.pop();
                }
                Ok(Value::tuple(out))
            }
            Plan::CollectionToList { ety, elem } => {
                if super::ops::length(v).as_number().is_none() {
                    return Ok(v.unknown_like(Type::list(
                        v.ty().element().cloned().unwrap_or(Type::Dynamic),
                    )));
                }
                let items = convert_items(v.items().unwrap_or_default(), elem, path)?;
                if items.is_empty() {
                    let ety = if ety.is_dynamic() {
                        v.ty().element().cloned().unwrap_or(Type::Dynamic)
                    } else {
                        ety.without_optional()
                    };
                    return Ok(Value::list(ety, Vec::new()));
                }
                let ety = common_type(&items).ok_or_else(|| {
                    err(path, "element types must all match for conversion to list")
                })?;
                Ok(Value::list(ety, items))
            }
            Plan::CollectionToSet { ety, elem } => {
                let items = convert_items(v.items().unwrap_or_default(), elem, path)?;
                if items.is_empty() {
                    let ety = if ety.is_dynamic() {
                        v.ty().element().cloned().unwrap_or(Type::Dynamic)
                    } else {
                        ety.without_optional()
                    };
                    return Ok(Value::set(ety, Vec::new()));
                }
                let ety = common_type(&items).ok_or_else(|| {
                    err(path, "element types must all match for conversion to set")
                })?;
                Ok(Value::set(ety, items))
            }
            Plan::CollectionToMap { ety, elem } => {
                let mut items = BTreeMap::new();
                for (k, e) in v.entries().into_iter().flatten() {
                    path.push(PathStep::Index(format!("{k:?}")));
                    let e = match elem {
                        Some(p) => p.apply(e, path)?,
                        None => e.clone(),
                    };
                    path.pop();
                    items.insert(k.clone(), e);
                }
                finish_map(v, ety, items, path, false)
            }
            Plan::TupleToList {
                ety,
                elems,
                unsafe_,
                empty,
            } => {
                if *empty {
                    return Ok(Value::list(ety.clone(), Vec::new()));
                }
                let items = v.items().unwrap_or_default();
                let mut out = Vec::with_capacity(items.len());
                for (i, (e, conv)) in items.iter().zip(elems).enumerate() {
                    path.push(PathStep::Index(i.to_string()));
                    out.push(match conv {
                        Some(p) => p.apply(e, path)?,
                        None => e.clone(),
                    });
                    path.pop();
                }
                let out = unify_list_elements(out, path, *unsafe_)?;
                let ety = common_type(&out).ok_or_else(|| {
                    err(path, "element types must all match for conversion to list")
                })?;
                Ok(Value::list(ety, out))
            }
            Plan::TupleToSet { ety, elems, empty } => {
                if *empty {
                    return Ok(Value::set(ety.clone(), Vec::new()));
                }
                let items = v.items().unwrap_or_default();
                let mut out = Vec::with_capacity(items.len());
                for (i, (e, conv)) in items.iter().zip(elems).enumerate() {
                    path.push(PathStep::Index(i.to_string()));
                    let mut e = match conv {
                        Some(p) => p.apply(e, path)?,
                        None => e.clone(),
                    };
                    path.pop();
                    if let Value::Null(t) = &e {
                        e = Value::Null(t.without_optional());
                    }
                    out.push(e);
                }
                let ety = common_type(&out).ok_or_else(|| {
                    err(path, "element types must all match for conversion to set")
                })?;
                Ok(Value::set(ety, out))
            }
            Plan::ObjectToMap {
                ety,
                attrs,
                unsafe_,
                empty,
            } => {
                if *empty {
                    return Ok(Value::map(ety.clone(), BTreeMap::new()));
                }
                let mut items = BTreeMap::new();
                for (k, e) in v.entries().into_iter().flatten() {
                    path.push(PathStep::Index(format!("{k:?}")));
                    let e = match attrs.get(k).and_then(Option::as_ref) {
                        Some(p) => p.apply(e, path)?,
                        None => e.clone(),
                    };
                    path.pop();
                    items.insert(k.clone(), e);
                }
                finish_map(v, ety, items, path, *unsafe_)
            }
            Plan::MapToObject { out, elems } => {
                let Type::Object(o) = out else {
                    unreachable!("map to object targets an object")
                };
                let mut result = BTreeMap::new();
                for (k, e) in v.entries().into_iter().flatten() {
                    let Some(conv) = elems.get(k) else { continue };
                    path.push(PathStep::Index(format!("{k:?}")));
                    let mut e = match conv {
                        Some(Plan::Incompatible) => {
                            return Err(err(
                                path,
                                format!(
                                    "map element type is incompatible with attribute {k:?}: {}",
                                    mismatch_message(&e.ty(), &o.attrs[k])
                                ),
                            ));
                        }
                        Some(p) => p.apply(e, path)?,
                        None => e.clone(),
                    };
                    path.pop();
                    if let Value::Null(t) = &e {
                        e = Value::Null(t.without_optional());
                    }
                    result.insert(k.clone(), e);
                }
                for (name, aty) in &o.attrs {
                    if !result.contains_key(name) {
                        if o.optional.contains(name) {
                            result.insert(name.clone(), Value::Null(aty.clone()));
                        } else {
                            return Err(err(
                                path,
                                format!("map has no element for required attribute {name:?}"),
                            ));
                        }
                    }
                }
                Ok(Value::object(result))
            }
        }
    }
}

fn convert_items(
    items: &[Value],
    elem: &Option<Box<Plan>>,
    path: &mut Vec<PathStep>,
) -> Result<Vec<Value>, ConvError> {
    let mut out = Vec::with_capacity(items.len());
    for (i, e) in items.iter().enumerate() {
        path.push(PathStep::Index(i.to_string()));
        let mut e = match elem {
            Some(p) => p.apply(e, path)?,
            None => e.clone(),
        };
        path.pop();
        if let Value::Null(t) = &e {
            e = Value::Null(t.without_optional());
        }
        out.push(e);
    }
    Ok(out)
}

/// The end of cty's map conversions: empty maps keep a type, collection or object
/// element types are unified, and every element must end up of one type.
fn finish_map(
    v: &Value,
    ety: &Type,
    items: BTreeMap<String, Value>,
    path: &[PathStep],
    unsafe_: bool,
) -> Result<Value, ConvError> {
    if items.is_empty() {
        let ety = if ety.is_dynamic() {
            v.ty().element().cloned().unwrap_or(Type::Dynamic)
        } else {
            ety.clone()
        };
        return Ok(Value::map(ety, BTreeMap::new()));
    }
    let mut items = items;
    if ety.is_collection() || ety.is_object() {
        let types: Vec<Type> = items.values().map(Value::ty).collect();
        let (unified, _) = unify(&types, unsafe_)
            .ok_or_else(|| err(path, "cannot find a common base type for all elements"))?;
        let mut out = BTreeMap::new();
        for (k, e) in items {
            if e.ty() == unified {
                out.insert(k, e);
                continue;
            }
            let mut p = path.to_vec();
            p.push(PathStep::Index(format!("{k:?}")));
            let c = conversion(&e.ty(), &unified, unsafe_)
                .ok_or_else(|| err(&p, "cannot find a common base type for all elements"))?;
            out.insert(k, c.apply(&e, &mut p)?);
        }
        items = out;
    }
    let values: Vec<Value> = items.values().cloned().collect();
    let ety = common_type(&values)
        .ok_or_else(|| err(path, "element types must all match for conversion to map"))?;
    Ok(Value::map(ety, items))
}

fn unify_list_elements(
    items: Vec<Value>,
    path: &[PathStep],
    unsafe_: bool,
) -> Result<Vec<Value>, ConvError> {
    let types: Vec<Type> = items.iter().map(Value::ty).collect();
    let (unified, _) = unify(&types, unsafe_)
        .ok_or_else(|| err(path, "cannot find a common base type for all elements"))?;
    let mut out = Vec::with_capacity(items.len());
    for (i, e) in items.into_iter().enumerate() {
        if e.ty() == unified {
            out.push(e);
            continue;
        }
        let mut p = path.to_vec();
        p.push(PathStep::Index(i.to_string()));
        let c = conversion(&e.ty(), &unified, unsafe_)
            .ok_or_else(|| err(&p, "cannot find a common base type for all elements"))?;
        out.push(c.apply(&e, &mut p)?);
    }
    Ok(out)
}

/// The one type all values share (cty's `CanListVal`): equal types, where an unknown or
/// null of `Dynamic` fits any. `None` when they differ.
pub fn common_type(items: &[Value]) -> Option<Type> {
    let mut found: Option<Type> = None;
    for v in items {
        let t = v.ty();
        match &found {
            None => found = Some(t),
            Some(f) if *f == t => {}
            Some(f) if f.is_dynamic() => found = Some(t),
            Some(_) if t.is_dynamic() => {}
            Some(_) => return None,
        }
    }
    found
}

/// cty's `dynamicReplace`: the target type with its `Dynamic` parts filled in from the
/// input's type, for the unknown or null a conversion yields.
pub fn dynamic_replace(in_ty: &Type, out: &Type) -> Type {
    if in_ty.is_dynamic() {
        return out.clone();
    }
    match out {
        Type::Dynamic => in_ty.clone(),
        Type::String | Type::Number | Type::Bool => out.clone(),
        Type::Map(oe) => {
            let ety = match in_ty {
                Type::Map(ie) => dynamic_replace(ie, oe),
                Type::Object(o) => {
                    let types: Vec<Type> = o.attrs.values().cloned().collect();
                    let unified = unify(&types, true).map_or(Type::Dynamic, |u| u.0);
                    dynamic_replace(&unified, oe)
                }
                _ => Type::Dynamic,
            };
            Type::map(ety)
        }
        Type::Object(o) => {
            let mut attrs = BTreeMap::new();
            match in_ty {
                Type::Map(ie) => {
                    for (k, t) in &o.attrs {
                        attrs.insert(k.clone(), dynamic_replace(ie, t));
                    }
                }
                Type::Object(i) => {
                    for (k, t) in &o.attrs {
                        attrs.insert(
                            k.clone(),
                            match i.attrs.get(k) {
                                Some(it) => dynamic_replace(it, t),
                                None => t.clone(),
                            },
                        );
                    }
                }
                _ => {}
            }
            Type::object(attrs)
        }
        Type::Set(oe) | Type::List(oe) => {
            let ety = match in_ty {
                Type::Set(ie) | Type::List(ie) => dynamic_replace(ie, oe),
                Type::Tuple(ts) => {
                    let unified = unify(ts, true).map_or(Type::Dynamic, |u| u.0);
                    dynamic_replace(&unified, oe)
                }
                _ => Type::Dynamic,
            };
            if out.is_set() {
                Type::set(ety)
            } else {
                Type::list(ety)
            }
        }
        Type::Tuple(ots) => {
            let its = in_ty.tuple_elements().unwrap_or_default();
            Type::tuple(
                ots.iter()
                    .enumerate()
                    .map(|(i, t)| dynamic_replace(its.get(i).unwrap_or(&Type::Dynamic), t))
                    .collect(),
            )
        }
    }
}

/// cty's `MismatchMessage`, simplified: what was required and what was given.
pub fn mismatch_message(got: &Type, want: &Type) -> String {
    match (got, want) {
        (Type::Object(g), Type::Object(w)) => {
            for name in w.attrs.keys() {
                if !g.attrs.contains_key(name) && !w.optional.contains(name) {
                    return format!("attribute {name:?} is required");
                }
            }
            for (name, t) in &w.attrs {
                if let Some(gt) = g.attrs.get(name)
                    && conversion(gt, t, true).is_none()
                {
                    return format!("attribute {name:?}: {}", mismatch_message(gt, t));
                }
            }
            "object required".into()
        }
        (_, Type::Object(_)) => "object required".into(),
        (_, Type::Tuple(_)) => "tuple required".into(),
        (_, Type::List(_)) => "list of any single type required".into(),
        (_, Type::Set(_)) => "set of any single type required".into(),
        (_, Type::Map(_)) => "map of any single type required".into(),
        (_, t) => format!("{} required", t.friendly_name()),
    }
}

/// An unknown of the target type for the same reason, used by callers that know the
/// value is unknown.
pub fn unknown_of(v: &Value, ty: Type) -> Value {
    v.why()
        .map(|w| Value::unknown(ty.clone(), w.plain()))
        .unwrap_or_else(|| {
            Value::unknown(
                ty,
                Why::Function {
                    name: "convert".into(),
                },
            )
        })
}
