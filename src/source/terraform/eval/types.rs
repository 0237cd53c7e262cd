//! Variable type constraints and the conversions Terraform applies to a variable's value,
//! notably `optional(T, default)` attributes of object types, which fill in defaults
//! (Terraform docs, "Type Constraints", optional object type attributes).

use super::value::{Map, Unknown, Value};
use crate::source::terraform::ir::{Expr, ExprKind};

#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Vec<Type>),
    Object(Vec<ObjectAttr>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectAttr {
    pub name: String,
    pub ty: Type,
    pub optional: bool,
    pub default: Option<Value>,
}

impl Type {
    /// Parses a type expression. `literal` evaluates the default of an `optional()`.
    pub fn parse(e: &Expr, literal: &dyn Fn(&Expr) -> Value) -> Type {
        match &e.kind {
            ExprKind::Variable(name) => primitive(name),
            // Terraform 0.11 spelled types as strings: "string", "list", "map".
            ExprKind::String(name) => primitive(name),
            ExprKind::Call(call) => {
                let (name, args) = (&call.name, &call.args);
                let inner =
                    |i: usize| Box::new(args.get(i).map_or(Type::Any, |a| Type::parse(a, literal)));
                match &**name {
                    "list" => Type::List(inner(0)),
                    "set" => Type::Set(inner(0)),
                    "map" => Type::Map(inner(0)),
                    "tuple" => match args.first().map(|a| &a.kind) {
                        Some(ExprKind::Tuple(items)) => {
                            Type::Tuple(items.iter().map(|i| Type::parse(i, literal)).collect())
                        }
                        _ => Type::Any,
                    },
                    "object" => match args.first().map(|a| &a.kind) {
                        Some(ExprKind::Object(items)) => Type::Object(
                            items
                                .iter()
                                .filter_map(|(k, v)| {
                                    let name = match k {
                                        crate::source::terraform::ir::ObjectKey::Name(n) => {
                                            n.to_string()
                                        }
                                        crate::source::terraform::ir::ObjectKey::Expr(e) => {
                                            e.as_str()?.to_string()
                                        }
                                    };
                                    Some(object_attr(name, v, literal))
                                })
                                .collect(),
                        ),
                        _ => Type::Any,
                    },
                    _ => Type::Any,
                }
            }
            _ => Type::Any,
        }
    }

    /// Converts a value to this type as Terraform does on assignment to a variable.
    /// Unknown values pass through; a value that cannot convert is an error.
    pub fn convert(&self, v: Value) -> Result<Value, String> {
        if matches!(v, Value::Unknown(_) | Value::Null) {
            return Ok(v);
        }
        // A resource passed as an object: its attributes the provider computes are
        // known only after apply.
        if let (Value::Resource(r), Type::Object(attrs)) = (&v, self) {
            let mut map = r.attrs.clone();
            for a in attrs {
                if !map.contains_key(&a.name) {
                    let address = r.address.clone();
                    let attr = a.name.clone();
                    map.insert(
                        a.name.clone(),
                        Value::unknown(if r.data {
                            Unknown::DataSource { address, attr }
                        } else {
                            Unknown::AfterApply { address, attr }
                        }),
                    );
                }
            }
            return self.convert(Value::object(map));
        }
        match self {
            Type::Any => Ok(v),
            Type::String => v.to_text().map(Value::string),
            Type::Number => v.to_number().map(Value::Number),
            Type::Bool => v.to_bool().map(Value::Bool),
            Type::List(t) | Type::Set(t) => match v {
                Value::List(items) => items
                    .iter()
                    .map(|i| t.convert(i.clone()))
                    .collect::<Result<_, _>>()
                    .map(Value::list),
                other => Err(format!("a list is required, not a {}", other.type_name())),
            },
            Type::Tuple(ts) => match v {
                Value::List(items) if items.len() == ts.len() => items
                    .iter()
                    .zip(ts)
                    .map(|(i, t)| t.convert(i.clone()))
                    .collect::<Result<_, _>>()
                    .map(Value::list),
                other => Err(format!(
                    "a tuple of {} elements is required, not {other}",
                    ts.len()
                )),
            },
            Type::Map(t) => match v {
                Value::Object(m) => m
                    .iter()
                    .map(|(k, x)| Ok((k.clone(), t.convert(x.clone())?)))
                    .collect::<Result<Map, String>>()
                    .map(Value::object),
                other => Err(format!("a map is required, not a {}", other.type_name())),
            },
            Type::Object(attrs) => match v {
                Value::Object(m) => {
                    let mut out = Map::new();
                    for a in attrs {
                        let given = m.get(&a.name).filter(|x| !x.is_null()).cloned();
                        let value = match (given, a.optional) {
                            (Some(x), _) => a.ty.convert(x)?,
                            (None, true) => match &a.default {
                                Some(d) => a.ty.convert(d.clone())?,
                                None => Value::Null,
                            },
                            (None, false) if m.contains_key(&a.name) => Value::Null,
                            (None, false) => {
                                return Err(format!("attribute \"{}\" is required", a.name));
                            }
                        };
                        out.insert(a.name.clone(), value);
                    }
                    Ok(Value::object(out))
                }
                other => Err(format!(
                    "an object is required, not a {}",
                    other.type_name()
                )),
            },
        }
    }

    /// Whether values from the command line or environment are parsed as HCL
    /// (complex types) rather than taken as literal strings.
    pub fn is_complex(&self) -> bool {
        !matches!(self, Type::Any | Type::String | Type::Number | Type::Bool)
    }
}

fn primitive(name: &str) -> Type {
    match name {
        "string" => Type::String,
        "number" => Type::Number,
        "bool" => Type::Bool,
        "list" => Type::List(Box::new(Type::Any)),
        "map" => Type::Map(Box::new(Type::Any)),
        _ => Type::Any,
    }
}

fn object_attr(name: String, e: &Expr, literal: &dyn Fn(&Expr) -> Value) -> ObjectAttr {
    if let ExprKind::Call(call) = &e.kind
        && &*call.name == "optional"
    {
        let args = &call.args;
        return ObjectAttr {
            name,
            ty: args.first().map_or(Type::Any, |a| Type::parse(a, literal)),
            optional: true,
            default: args.get(1).map(literal),
        };
    }
    ObjectAttr {
        name,
        ty: Type::parse(e, literal),
        optional: false,
        default: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::terraform::parse::parse_expr;

    fn ty(src: &str) -> Type {
        Type::parse(&parse_expr(src).unwrap(), &|e| match &e.kind {
            ExprKind::String(s) => Value::string(&**s),
            ExprKind::Object(_) => Value::object(Map::new()),
            _ => Value::Null,
        })
    }

    #[test]
    fn optional_attributes_get_defaults() {
        let t = ty("object({ mode = optional(string, \"Active\"), name = optional(string) })");
        let v = t.convert(Value::object(Map::new())).unwrap();
        assert_eq!(v.to_string(), "{mode = \"Active\", name = null}");
    }

    #[test]
    fn nested_optional_object_default_applies_inner_defaults() {
        let t = ty(
            "object({ tracing_config = optional(object({ mode = optional(string, null) }), {}) })",
        );
        let v = t.convert(Value::object(Map::new())).unwrap();
        assert_eq!(v.to_string(), "{tracing_config = {mode = null}}");
    }

    #[test]
    fn resources_convert_to_objects_with_computed_attributes_unknown() {
        use super::super::value::ResourceValue;
        use std::sync::Arc;
        let r = Value::Resource(Arc::new(ResourceValue {
            address: "aws_ssm_parameter.p".into(),
            data: false,
            attrs: Map::from([("name".into(), Value::string("n"))]),
        }));
        let v = ty("object({ name = string, arn = string })")
            .convert(r)
            .unwrap();
        let Value::Object(m) = v else { panic!() };
        assert_eq!(m["name"].as_str(), Some("n"));
        assert!(matches!(
            m["arn"].as_unknown().map(|u| &**u),
            Some(Unknown::AfterApply { .. })
        ));
    }

    #[test]
    fn primitives_convert_from_strings() {
        assert_eq!(
            ty("bool")
                .convert(Value::string("true"))
                .unwrap()
                .to_string(),
            "true"
        );
        assert!(ty("number").convert(Value::string("x")).is_err());
        assert!(
            ty("object({ a = string })")
                .convert(Value::object(Map::new()))
                .is_err()
        );
    }
}
