//! Type constraints as written in `variable` blocks (HCL's `ext/typeexpr`):
//! `string`, `list(number)`, `object({ a = string, b = optional(bool, true) })`.

use crate::source::terraform::cty::types::ObjectType;
use crate::source::terraform::cty::{Type, Value};
use crate::source::terraform::ir::{Expr, ExprKind, ObjectKey};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A type constraint and the defaults its `optional(T, default)` attributes give.
#[derive(Debug, Clone)]
pub struct Constraint {
    pub ty: Type,
    pub defaults: Option<Defaults>,
}

/// Defaults for optional attributes, at this level and below (typeexpr.Defaults).
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    pub ty: Type,
    pub values: BTreeMap<String, Value>,
    pub children: BTreeMap<String, Defaults>,
}

/// Why a type expression is not one.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeError {
    pub message: String,
    pub span: crate::model::Span,
}

fn err(e: &Expr, message: impl Into<String>) -> TypeError {
    TypeError {
        message: message.into(),
        span: e.span,
    }
}

/// A `variable` block's `type`, as Terraform decodes it (`internal/configs/named_values.go`
/// `decodeVariableType`): the bare keywords `list` and `map` mean `list(any)` and
/// `map(any)` (pre-0.12 shorthands), quoted types (`"string"`) are refused with
/// Terraform's message, anything else is a type constraint.
pub fn variable_type(
    e: &Expr,
    default: &dyn Fn(&Expr) -> Option<Value>,
) -> Result<Constraint, TypeError> {
    if let Some(quoted) = e.as_str() {
        let advice = match quoted {
            "string" => "Remove the quotes around \"string\".".to_string(),
            "list" | "map" => format!(
                "Remove the quotes around \"{quoted}\" and write {quoted}(string) instead to explicitly indicate that the {quoted} elements are strings."
            ),
            _ => {
                return Err(err(
                    e,
                    "Invalid legacy variable type hint: to provide a full type expression, remove the surrounding quotes and give the type expression directly.",
                ));
            }
        };
        return Err(err(
            e,
            format!(
                "Invalid quoted type constraints: Terraform 0.11 and earlier required type constraints to be given in quotes, but that form is now deprecated and will be removed in a future version of Terraform. {advice}"
            ),
        ));
    }
    match keyword(e) {
        Some("list") => Ok(Constraint {
            ty: Type::list(Type::Dynamic),
            defaults: None,
        }),
        Some("map") => Ok(Constraint {
            ty: Type::map(Type::Dynamic),
            defaults: None,
        }),
        _ => parse(e, default),
    }
}

/// Parses a type constraint; `default` evaluates an `optional()` default.
pub fn parse(e: &Expr, default: &dyn Fn(&Expr) -> Option<Value>) -> Result<Constraint, TypeError> {
    let mut defaults = None;
    let ty = parse_type(e, default, &mut defaults, false)?;
    Ok(Constraint { ty, defaults })
}

fn keyword(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Variable(name) => Some(name),
        _ => None,
    }
}

fn parse_type(
    e: &Expr,
    default: &dyn Fn(&Expr) -> Option<Value>,
    defaults: &mut Option<Defaults>,
    in_object: bool,
) -> Result<Type, TypeError> {
    if let Some(k) = keyword(e) {
        return match k {
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "any" => Ok(Type::Dynamic),
            "list" | "set" | "map" => Err(err(
                e,
                format!(
                    "The {k} type constructor requires one argument specifying the element type."
                ),
            )),
            "object" => Err(err(
                e,
                "The object type constructor requires one argument specifying the attribute types as a map.",
            )),
            "tuple" => Err(err(
                e,
                "The tuple type constructor requires one argument specifying the element types as a list.",
            )),
            other => Err(err(
                e,
                format!("The keyword {other:?} is not a valid type specification."),
            )),
        };
    }
    let ExprKind::Call(c) = &e.kind else {
        return Err(err(
            e,
            "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).",
        ));
    };
    let one = |what: &str| -> Result<&Expr, TypeError> {
        match &c.args[..] {
            [a] => Ok(a),
            _ => Err(err(
                e,
                format!(
                    "The {} type constructor requires one argument specifying {what}.",
                    c.name
                ),
            )),
        }
    };
    match &*c.name {
        "list" | "set" | "map" => {
            let mut child = None;
            let ety = parse_type(one("the element type")?, default, &mut child, false)?;
            let ty = match &*c.name {
                "list" => Type::list(ety),
                "set" => Type::set(ety),
                _ => Type::map(ety),
            };
            if let Some(child) = child {
                // Defaults inside collections apply to each element.
                *defaults = Some(Defaults {
                    ty: ty.clone(),
                    values: BTreeMap::new(),
                    children: BTreeMap::from([("".into(), child)]),
                });
            }
            Ok(ty)
        }
        "tuple" => {
            let a = one("the element types as a list")?;
            let ExprKind::Tuple(items) = &a.kind else {
                return Err(err(
                    a,
                    "The tuple type constructor requires a list of element types.",
                ));
            };
            let mut tys = Vec::new();
            let mut children = BTreeMap::new();
            for (i, item) in items.iter().enumerate() {
                let mut child = None;
                tys.push(parse_type(item, default, &mut child, false)?);
                if let Some(child) = child {
                    children.insert(i.to_string(), child);
                }
            }
            let ty = Type::tuple(tys);
            if !children.is_empty() {
                *defaults = Some(Defaults {
                    ty: ty.clone(),
                    values: BTreeMap::new(),
                    children,
                });
            }
            Ok(ty)
        }
        "object" => {
            let a = one("the attribute types as a map")?;
            let ExprKind::Object(items) = &a.kind else {
                return Err(err(
                    a,
                    "The object type constructor requires a map whose keys are attribute names and whose values are the corresponding attribute types.",
                ));
            };
            let mut attrs = BTreeMap::new();
            let mut optional = std::collections::BTreeSet::new();
            let mut values = BTreeMap::new();
            let mut children = BTreeMap::new();
            for (k, v) in items {
                let name = match k {
                    ObjectKey::Name(n) => n.to_string(),
                    ObjectKey::Expr(ke) => match ke.as_str() {
                        Some(s) => s.to_string(),
                        None => {
                            return Err(err(
                                ke,
                                "Object constructor map keys must be attribute names.",
                            ));
                        }
                    },
                };
                let mut child = None;
                let aty = match &v.kind {
                    ExprKind::Call(oc) if &*oc.name == "optional" => {
                        optional.insert(name.clone());
                        match &oc.args[..] {
                            [t] => parse_type(t, default, &mut child, true)?,
                            [t, d] => {
                                let t = parse_type(t, default, &mut child, true)?;
                                if let Some(dv) = default(d) {
                                    let dv = crate::source::terraform::cty::convert::convert(
                                        &dv, &t,
                                    )
                                    .map_err(|e| {
                                        err(
                                            d,
                                            format!(
                                                "Invalid default value for optional attribute: {e}."
                                            ),
                                        )
                                    })?;
                                    values.insert(name.clone(), dv);
                                }
                                t
                            }
                            _ => {
                                return Err(err(
                                    v,
                                    "Optional attribute modifier expects at most two arguments: the attribute type, and a default value.",
                                ));
                            }
                        }
                    }
                    _ => parse_type(v, default, &mut child, true)?,
                };
                if let Some(child) = child {
                    children.insert(name.clone(), child);
                }
                attrs.insert(name, aty);
            }
            let ty = Type::Object(Arc::new(ObjectType { attrs, optional }));
            if !values.is_empty() || !children.is_empty() {
                *defaults = Some(Defaults {
                    ty: ty.clone(),
                    values,
                    children,
                });
            }
            Ok(ty)
        }
        "optional" => Err(err(
            e,
            if in_object {
                "Optional attribute modifier is only for attribute types."
            } else {
                "Keyword \"optional\" is valid only as a modifier for object type attributes."
            },
        )),
        other => Err(err(
            e,
            format!("Keyword {other:?} is not a valid type constructor."),
        )),
    }
}

impl Defaults {
    /// Fills in optional attributes' defaults where a value omits them or sets them to
    /// null, at every level the type constraint gives defaults for, as Terraform does
    /// before converting a variable's value to its type (HCL's `typeexpr.Defaults.Apply`).
    /// A null or unknown value is left as it is: defaults apply inside values, they do
    /// not create them.
    pub fn apply(&self, v: Value) -> Value {
        if !v.is_known() || v.is_null() {
            return v;
        }
        let v = match (&self.ty, &v) {
            (Type::Object(_) | Type::Map(_), Value::Object(_) | Value::Map(_))
                if !self.values.is_empty() =>
            {
                let mut attrs = v.entries().cloned().unwrap_or_default();
                for (name, default) in &self.values {
                    if attrs.get(name).is_none_or(Value::is_null) {
                        attrs.insert(name.clone(), default.clone());
                    }
                }
                Value::object(attrs)
            }
            _ => v,
        };
        if self.children.is_empty() {
            return v;
        }
        match &v {
            Value::Object(attrs) => Value::object(
                attrs
                    .iter()
                    .map(|(k, e)| {
                        let child = match &self.ty {
                            Type::Object(_) => self.children.get(k),
                            _ => self.children.get(""),
                        };
                        (
                            k.clone(),
                            child.map_or_else(|| e.clone(), |c| c.apply(e.clone())),
                        )
                    })
                    .collect(),
            ),
            Value::Map(m) => {
                let items: BTreeMap<String, Value> = m
                    .items
                    .iter()
                    .map(|(k, e)| {
                        (
                            k.clone(),
                            self.children
                                .get("")
                                .map_or_else(|| e.clone(), |c| c.apply(e.clone())),
                        )
                    })
                    .collect();
                let ety = crate::source::terraform::cty::convert::common_type(
                    &items.values().cloned().collect::<Vec<_>>(),
                )
                .unwrap_or(m.ety.clone());
                Value::map(ety, items)
            }
            Value::Tuple(items) => Value::tuple(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let key = if self.ty.is_tuple() {
                            i.to_string()
                        } else {
                            String::new()
                        };
                        self.children
                            .get(&key)
                            .map_or_else(|| e.clone(), |c| c.apply(e.clone()))
                    })
                    .collect(),
            ),
            Value::List(s) | Value::Set(s) => {
                let items: Vec<Value> = s
                    .items
                    .iter()
                    .map(|e| {
                        self.children
                            .get("")
                            .map_or_else(|| e.clone(), |c| c.apply(e.clone()))
                    })
                    .collect();
                let ety = crate::source::terraform::cty::convert::common_type(&items)
                    .unwrap_or(s.ety.clone());
                if v.ty().is_set() {
                    Value::set(ety, items)
                } else {
                    Value::list(ety, items)
                }
            }
            _ => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::terraform::parse::parse_expr;

    fn constraint(src: &str) -> Constraint {
        parse(&parse_expr(src).unwrap(), &|e| match &e.kind {
            ExprKind::String(s) => Some(Value::string(&**s)),
            ExprKind::Bool(b) => Some(Value::Bool(*b)),
            ExprKind::Object(_) => Some(Value::object(BTreeMap::new())),
            _ => None,
        })
        .unwrap()
    }

    #[test]
    fn optional_attributes_get_defaults() {
        let c =
            constraint("object({ mode = optional(string, \"Active\"), name = optional(string) })");
        let v = c.defaults.unwrap().apply(Value::object(BTreeMap::new()));
        let v = crate::source::terraform::cty::convert::convert(&v, &c.ty).unwrap();
        let attrs = v.entries().unwrap();
        assert_eq!(attrs["mode"].as_str(), Some("Active"));
        assert!(attrs["name"].is_null());
    }

    #[test]
    fn nested_optional_object_default_applies_inner_defaults() {
        let c = constraint(
            "object({ tracing_config = optional(object({ mode = optional(string, \"x\") }), {}) })",
        );
        let v = c.defaults.unwrap().apply(Value::object(BTreeMap::new()));
        let v = crate::source::terraform::cty::convert::convert(&v, &c.ty).unwrap();
        let tc = v.entries().unwrap()["tracing_config"].clone();
        assert_eq!(tc.entries().unwrap()["mode"].as_str(), Some("x"));
    }

    #[test]
    fn defaults_apply_to_each_element_of_a_collection() {
        let c = constraint(
            "map(object({ p = optional(object({ k = optional(string), r = optional(bool, false) }), {}) }))",
        );
        let v = Value::object(BTreeMap::from([(
            "a".into(),
            Value::object(BTreeMap::new()),
        )]));
        let v = c.defaults.unwrap().apply(v);
        let v = crate::source::terraform::cty::convert::convert(&v, &c.ty).unwrap();
        let p = v.entries().unwrap()["a"].entries().unwrap()["p"].clone();
        assert_eq!(p.entries().unwrap()["r"].as_bool(), Some(false));
        assert!(p.entries().unwrap()["k"].is_null());
    }

    #[test]
    fn variable_type_shorthands() {
        let t = |src: &str| variable_type(&parse_expr(src).unwrap(), &|_| None);
        assert_eq!(t("list").unwrap().ty, Type::list(Type::Dynamic));
        assert_eq!(t("map").unwrap().ty, Type::map(Type::Dynamic));
        assert!(
            t("\"string\"")
                .unwrap_err()
                .message
                .contains("Invalid quoted type constraints")
        );
        assert!(
            t("\"foo\"")
                .unwrap_err()
                .message
                .contains("legacy variable type hint")
        );
    }

    #[test]
    fn bad_types_are_errors() {
        assert!(parse(&parse_expr("list").unwrap(), &|_| None).is_err());
        assert!(parse(&parse_expr("strin").unwrap(), &|_| None).is_err());
        assert!(parse(&parse_expr("optional(string)").unwrap(), &|_| None).is_err());
    }
}
