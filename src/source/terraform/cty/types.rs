//! Types as cty (Terraform's value system) defines them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub enum Type {
    /// cty's `DynamicPseudoType`: the type is not decided (`any` in a constraint).
    #[default]
    Dynamic,
    String,
    Number,
    Bool,
    List(Arc<Type>),
    Set(Arc<Type>),
    Map(Arc<Type>),
    Tuple(Arc<Vec<Type>>),
    Object(Arc<ObjectType>),
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct ObjectType {
    pub attrs: BTreeMap<String, Type>,
    /// Attributes a type constraint marks `optional(...)`: a value may omit them.
    pub optional: BTreeSet<String>,
}

impl Type {
    pub fn list(t: Type) -> Type {
        Type::List(Arc::new(t))
    }

    pub fn set(t: Type) -> Type {
        Type::Set(Arc::new(t))
    }

    pub fn map(t: Type) -> Type {
        Type::Map(Arc::new(t))
    }

    pub fn tuple(ts: Vec<Type>) -> Type {
        Type::Tuple(Arc::new(ts))
    }

    pub fn object(attrs: BTreeMap<String, Type>) -> Type {
        Type::Object(Arc::new(ObjectType {
            attrs,
            optional: BTreeSet::new(),
        }))
    }

    pub fn empty_object() -> Type {
        Type::object(BTreeMap::new())
    }

    pub fn empty_tuple() -> Type {
        Type::tuple(Vec::new())
    }

    pub fn is_primitive(&self) -> bool {
        matches!(self, Type::String | Type::Number | Type::Bool)
    }

    pub fn is_collection(&self) -> bool {
        matches!(self, Type::List(_) | Type::Set(_) | Type::Map(_))
    }

    pub fn is_list(&self) -> bool {
        matches!(self, Type::List(_))
    }

    pub fn is_set(&self) -> bool {
        matches!(self, Type::Set(_))
    }

    pub fn is_map(&self) -> bool {
        matches!(self, Type::Map(_))
    }

    pub fn is_tuple(&self) -> bool {
        matches!(self, Type::Tuple(_))
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Type::Object(_))
    }

    pub fn is_dynamic(&self) -> bool {
        matches!(self, Type::Dynamic)
    }

    /// The element type of a list, set or map.
    pub fn element(&self) -> Option<&Type> {
        match self {
            Type::List(t) | Type::Set(t) | Type::Map(t) => Some(t),
            _ => None,
        }
    }

    pub fn tuple_elements(&self) -> Option<&[Type]> {
        match self {
            Type::Tuple(ts) => Some(ts),
            _ => None,
        }
    }

    pub fn attributes(&self) -> Option<&BTreeMap<String, Type>> {
        match self {
            Type::Object(o) => Some(&o.attrs),
            _ => None,
        }
    }

    pub fn attribute_optional(&self, name: &str) -> bool {
        matches!(self, Type::Object(o) if o.optional.contains(name))
    }

    /// Whether the type still has `Dynamic` somewhere inside it.
    pub fn has_dynamic(&self) -> bool {
        match self {
            Type::Dynamic => true,
            Type::String | Type::Number | Type::Bool => false,
            Type::List(t) | Type::Set(t) | Type::Map(t) => t.has_dynamic(),
            Type::Tuple(ts) => ts.iter().any(Type::has_dynamic),
            Type::Object(o) => o.attrs.values().any(Type::has_dynamic),
        }
    }

    /// The type with every object's optional-attribute marks removed (cty's
    /// `WithoutOptionalAttributesDeep`): the type of a value that conformed to it.
    pub fn without_optional(&self) -> Type {
        match self {
            Type::List(t) => Type::list(t.without_optional()),
            Type::Set(t) => Type::set(t.without_optional()),
            Type::Map(t) => Type::map(t.without_optional()),
            Type::Tuple(ts) => Type::tuple(ts.iter().map(Type::without_optional).collect()),
            Type::Object(o) => Type::object(
                o.attrs
                    .iter()
                    .map(|(k, t)| (k.clone(), t.without_optional()))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// cty's `TestConformance`: whether a value of this type may be used where `want` is
    /// required without conversion (`Dynamic` in `want` accepts anything).
    pub fn conforms_to(&self, want: &Type) -> bool {
        match (self, want) {
            (_, Type::Dynamic) => true,
            (Type::List(a), Type::List(b))
            | (Type::Set(a), Type::Set(b))
            | (Type::Map(a), Type::Map(b)) => a.conforms_to(b),
            (Type::Tuple(a), Type::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.conforms_to(y))
            }
            (Type::Object(a), Type::Object(b)) => {
                a.attrs.len() == b.attrs.len()
                    && b.attrs
                        .iter()
                        .all(|(k, t)| a.attrs.get(k).is_some_and(|x| x.conforms_to(t)))
            }
            (a, b) => a == b,
        }
    }

    /// cty's `FriendlyName`, for messages.
    pub fn friendly_name(&self) -> String {
        match self {
            Type::Dynamic => "dynamic".into(),
            Type::String => "string".into(),
            Type::Number => "number".into(),
            Type::Bool => "bool".into(),
            Type::List(t) => format!("list of {}", t.friendly_name()),
            Type::Set(t) => format!("set of {}", t.friendly_name()),
            Type::Map(t) => format!("map of {}", t.friendly_name()),
            Type::Tuple(_) => "tuple".into(),
            Type::Object(_) => "object".into(),
        }
    }
}

impl fmt::Display for Type {
    /// The type as a type constraint on one line, as HCL's `typeexpr.TypeString` writes
    /// it: `list(string)`, `tuple([string,number])`, `object({a=number})`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Dynamic => f.write_str("any"),
            Type::String => f.write_str("string"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("bool"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Set(t) => write!(f, "set({t})"),
            Type::Map(t) => write!(f, "map({t})"),
            Type::Tuple(ts) => {
                f.write_str("tuple([")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
            Type::Object(o) => {
                f.write_str("object({")?;
                for (i, (k, t)) in o.attrs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    if is_identifier(k) {
                        write!(f, "{k}={t}")?;
                    } else {
                        write!(f, "{k:?}={t}")?;
                    }
                }
                f.write_str("})")
            }
        }
    }
}

/// Whether `s` is a valid HCL identifier.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_strings() {
        let t = Type::object(BTreeMap::from([
            ("b".into(), Type::list(Type::String)),
            ("a".into(), Type::tuple(vec![Type::Number, Type::Bool])),
        ]));
        assert_eq!(
            t.to_string(),
            "object({a=tuple([number,bool]),b=list(string)})"
        );
    }

    #[test]
    fn conformance() {
        assert!(Type::list(Type::String).conforms_to(&Type::list(Type::Dynamic)));
        assert!(!Type::list(Type::String).conforms_to(&Type::set(Type::Dynamic)));
    }
}
