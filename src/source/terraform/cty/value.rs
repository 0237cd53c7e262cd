//! Values as cty (Terraform's value system) defines them: typed, possibly null, possibly
//! unknown, plus what xray-setup adds: why a value is unknown, and resource instances.

use super::number::BigFloat;
use super::set;
use super::types::Type;
use std::collections::BTreeMap;
use std::sync::Arc;

pub type Attrs = BTreeMap<String, Value>;

#[derive(Clone, Debug)]
pub enum Value {
    /// A null of a type (`null` itself is a null of `Dynamic`).
    Null(Type),
    Bool(bool),
    Number(Arc<BigFloat>),
    /// NFC-normalized, as cty keeps strings.
    String(Arc<str>),
    List(Arc<Seq>),
    /// Elements in cty's set order, without duplicates.
    Set(Arc<Seq>),
    Map(Arc<MapValue>),
    Tuple(Arc<Weighed<Vec<Value>>>),
    /// Attributes in name order, as cty iterates them.
    Object(Arc<Weighed<Attrs>>),
    Unknown(Arc<Unknown>),
    /// One instance of a resource or data source: its configured arguments; every other
    /// attribute is known only after apply. Behaves as an unknown of dynamic type except
    /// for attribute access, equality (by address) and conversion to an object type.
    Resource(Arc<ResourceValue>),
}

/// The elements of a list or set, with their element type (needed when empty).
#[derive(Debug)]
pub struct Seq {
    pub ety: Type,
    pub items: Vec<Value>,
    /// See [`Value::weight`].
    pub weight: usize,
}

#[derive(Debug)]
pub struct MapValue {
    pub ety: Type,
    pub items: BTreeMap<String, Value>,
    /// See [`Value::weight`].
    pub weight: usize,
}

/// A tuple's elements or an object's attributes, with their weight (see
/// [`Value::weight`]), kept so a value's flattened size is known without walking it.
#[derive(Debug, PartialEq)]
pub struct Weighed<T> {
    pub weight: usize,
    items: T,
}

impl<T> std::ops::Deref for Weighed<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.items
    }
}

/// Bytes a value is counted for, besides its contents.
const SLOT: usize = 16;

fn weigh<'a>(values: impl Iterator<Item = &'a Value>) -> usize {
    values.fold(SLOT, |w, v| w.saturating_add(v.weight()))
}

fn weigh_named<'a>(values: impl Iterator<Item = (&'a String, &'a Value)>) -> usize {
    values.fold(SLOT, |w, (k, v)| {
        w.saturating_add(k.len()).saturating_add(v.weight())
    })
}

/// A value only an apply (or a missing input) can tell: its type, and why.
#[derive(Debug)]
pub struct Unknown {
    pub ty: Type,
    pub why: Why,
}

/// Why a value cannot be known offline, and so what would make it known.
#[derive(Debug, Clone, PartialEq)]
pub enum Why {
    /// A root variable with no default and no value given.
    Variable { name: String },
    /// An attribute the provider computes (an ARN, an id).
    AfterApply { address: String, attr: String },
    /// A data source attribute read from the account at plan time.
    DataSource { address: String, attr: String },
    /// A module whose source is not on disk.
    ModuleNotOnDisk { call: String, source: String },
    /// A function xray-setup does not evaluate offline (hashes, timestamps, ...).
    Function { name: String },
    /// A file outside the scanned tree, missing, or unreadable.
    File { path: String, why: String },
    /// A string only partly unknown: its text with marks in place of the unknown parts,
    /// so policies can still be read. Unknown to every operation.
    Partial { text: String, cause: Box<Why> },
    /// `count.index`, `each.key` or `each.value` of a representative instance: the
    /// instances of a resource or module call are not known (what their `count` or
    /// `for_each` depends on is said by `cause`).
    Instance { address: String, cause: Box<Why> },
    /// The instances of a resource or module call, whose `count` or `for_each` is not
    /// known; `element` is what every instance looks like (the representative).
    Instances {
        address: String,
        cause: Box<Why>,
        element: Box<Value>,
    },
    /// Not computed: computing it would pass one of the run's limits (`what` says which
    /// and by how much; see `eval::budget`).
    Limit { what: String },
    /// Known only when Terragrunt runs: a dependency's outputs, the environment, the
    /// caller's AWS account, a stack's `values`. `what` says which; `hint` how to know it.
    Terragrunt { what: String, hint: String },
}

impl PartialEq for Value {
    /// Identity of the representation (cty's RawEquals), for tests and memo checks.
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (Null(a), Null(b)) => a == b,
            (Bool(a), Bool(b)) => a == b,
            (Number(a), Number(b)) => a.cmp(b).is_eq() && a.to_text() == b.to_text(),
            (String(a), String(b)) => a == b,
            (List(a), List(b)) | (Set(a), Set(b)) => a.ety == b.ety && a.items == b.items,
            (Map(a), Map(b)) => a.ety == b.ety && a.items == b.items,
            (Tuple(a), Tuple(b)) => a == b,
            (Object(a), Object(b)) => a == b,
            (Unknown(a), Unknown(b)) => a.ty == b.ty,
            (Resource(a), Resource(b)) => a.address == b.address,
            _ => false,
        }
    }
}

#[derive(Debug)]
pub struct ResourceValue {
    /// Full address, module path included: `module.a.aws_iam_role.r["k"]`.
    pub address: String,
    /// A data source: its other attributes are read at plan time, not after apply.
    pub data: bool,
    pub attrs: Attrs,
    /// Arguments whose expression Terraform would refuse, with the error's summary: a
    /// reference to one is an error too, never an unknown.
    pub failed: BTreeMap<String, String>,
}

impl Value {
    pub fn string(s: impl AsRef<str>) -> Value {
        let s = s.as_ref();
        if s.is_ascii() || unicode_normalization::is_nfc(s) {
            Value::String(Arc::from(s))
        } else {
            use unicode_normalization::UnicodeNormalization;
            Value::String(Arc::from(s.nfc().collect::<std::string::String>()))
        }
    }

    pub fn number(n: BigFloat) -> Value {
        Value::Number(Arc::new(n))
    }

    pub fn int(i: i64) -> Value {
        Value::number(BigFloat::from_i64(i))
    }

    pub fn null() -> Value {
        Value::Null(Type::Dynamic)
    }

    pub fn unknown(ty: Type, why: Why) -> Value {
        Value::Unknown(Arc::new(Unknown { ty, why }))
    }

    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Arc::new(Weighed {
            weight: weigh(items.iter()),
            items,
        }))
    }

    pub fn object(attrs: Attrs) -> Value {
        Value::Object(Arc::new(Weighed {
            weight: weigh_named(attrs.iter()),
            items: attrs,
        }))
    }

    /// A list; the caller guarantees every element has type `ety` (or is null or
    /// unknown of it).
    pub fn list(ety: Type, items: Vec<Value>) -> Value {
        Value::List(Arc::new(Seq {
            weight: weigh(items.iter()),
            ety,
            items,
        }))
    }

    /// A set of the given elements, ordered and deduplicated as cty does.
    pub fn set(ety: Type, items: Vec<Value>) -> Value {
        let items = set::normalize(&ety, items);
        Value::Set(Arc::new(Seq {
            weight: weigh(items.iter()),
            items,
            ety,
        }))
    }

    pub fn map(ety: Type, items: BTreeMap<String, Value>) -> Value {
        Value::Map(Arc::new(MapValue {
            weight: weigh_named(items.iter()),
            ety,
            items,
        }))
    }

    /// How many bytes the value flattens to, roughly: what serializing or walking it
    /// costs. An element shared by reference counts each time it appears, so a value
    /// built by doubling a list twenty times weighs what its million elements would.
    /// `eval::budget` keeps every value's weight under a limit.
    pub fn weight(&self) -> usize {
        match self {
            Value::Null(_) | Value::Bool(_) => SLOT,
            Value::Number(n) => SLOT.saturating_add(n.digits()),
            Value::String(s) => SLOT.saturating_add(s.len()),
            Value::List(s) | Value::Set(s) => s.weight,
            Value::Map(m) => m.weight,
            Value::Tuple(t) => t.weight,
            Value::Object(o) => o.weight,
            Value::Unknown(u) => match &u.why {
                Why::Instances { element, .. } => SLOT.saturating_add(element.weight()),
                Why::Partial { text, .. } => SLOT.saturating_add(text.len()),
                _ => SLOT,
            },
            Value::Resource(r) => weigh_named(r.attrs.iter()),
        }
    }

    /// The value's type. A resource instance's is `Dynamic`.
    pub fn ty(&self) -> Type {
        match self {
            Value::Null(t) => t.clone(),
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::List(s) => Type::list(s.ety.clone()),
            Value::Set(s) => Type::set(s.ety.clone()),
            Value::Map(m) => Type::map(m.ety.clone()),
            Value::Tuple(items) => Type::tuple(items.iter().map(Value::ty).collect()),
            Value::Object(attrs) => {
                Type::object(attrs.iter().map(|(k, v)| (k.clone(), v.ty())).collect())
            }
            Value::Unknown(u) => u.ty.clone(),
            Value::Resource(_) => Type::Dynamic,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null(_))
    }

    /// Whether the value itself is known (its elements may still be unknown).
    pub fn is_known(&self) -> bool {
        !matches!(self, Value::Unknown(_) | Value::Resource(_))
    }

    /// Whether the value and everything inside it is known.
    pub fn is_wholly_known(&self) -> bool {
        self.first_unknown().is_none()
    }

    /// The first unknown anywhere inside (depth first), or a resource instance.
    pub fn first_unknown(&self) -> Option<&Value> {
        match self {
            Value::Unknown(_) | Value::Resource(_) => Some(self),
            Value::List(s) | Value::Set(s) => s.items.iter().find_map(Value::first_unknown),
            Value::Map(m) => m.items.values().find_map(Value::first_unknown),
            Value::Tuple(items) => items.iter().find_map(Value::first_unknown),
            Value::Object(attrs) => attrs.values().find_map(Value::first_unknown),
            _ => None,
        }
    }

    /// Why this value is unknown (for a resource instance: its attributes are known after
    /// apply).
    pub fn why(&self) -> Option<Why> {
        match self {
            Value::Unknown(u) => Some(u.why.clone()),
            Value::Resource(r) => Some(if r.data {
                Why::DataSource {
                    address: r.address.clone(),
                    attr: "*".into(),
                }
            } else {
                Why::AfterApply {
                    address: r.address.clone(),
                    attr: "*".into(),
                }
            }),
            _ => None,
        }
    }

    /// An unknown of type `ty` for the same reason as `self` (which must be unknown).
    pub fn unknown_like(&self, ty: Type) -> Value {
        Value::unknown(
            ty,
            self.why().map(Why::plain).unwrap_or(Why::Function {
                name: "(internal)".into(),
            }),
        )
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&BigFloat> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Whether iterating elements makes sense (cty's `CanIterateElements`, by type).
    pub fn can_iterate(&self) -> bool {
        matches!(
            self.ty(),
            Type::List(_) | Type::Set(_) | Type::Map(_) | Type::Tuple(_) | Type::Object(_)
        )
    }

    /// Key and element pairs of a known collection or structure, in cty's order: index
    /// numbers for lists and tuples, the element itself for sets, keys for maps and
    /// objects. Empty for anything else.
    pub fn elements(&self) -> Vec<(Value, Value)> {
        match self {
            Value::List(s) => s
                .items
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::int(i as i64), v.clone()))
                .collect(),
            Value::Tuple(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::int(i as i64), v.clone()))
                .collect(),
            Value::Set(s) => s.items.iter().map(|v| (v.clone(), v.clone())).collect(),
            Value::Map(m) => m
                .items
                .iter()
                .map(|(k, v)| (Value::string(k), v.clone()))
                .collect(),
            Value::Object(attrs) => attrs
                .iter()
                .map(|(k, v)| (Value::string(k), v.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The elements of a known list, set or tuple.
    pub fn items(&self) -> Option<&[Value]> {
        match self {
            Value::List(s) | Value::Set(s) => Some(&s.items),
            Value::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// The entries of a known map or object.
    pub fn entries(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(m) => Some(&m.items),
            Value::Object(attrs) => Some(attrs),
            _ => None,
        }
    }

    /// The number of elements of a known collection or structure (cty `LengthInt`).
    pub fn length(&self) -> Option<usize> {
        match self {
            Value::List(s) | Value::Set(s) => Some(s.items.len()),
            Value::Tuple(items) => Some(items.len()),
            Value::Map(m) => Some(m.items.len()),
            Value::Object(attrs) => Some(attrs.len()),
            _ => None,
        }
    }
}

impl Why {
    /// What the value depends on, in a few words.
    pub fn describe(&self) -> String {
        match self {
            Why::Variable { name } => format!("variable `{name}` has no default and no value"),
            Why::AfterApply { address, attr } => {
                format!("`{address}.{attr}` is known only after apply")
            }
            Why::DataSource { address, attr } => {
                format!("`{address}.{attr}` is read from AWS at plan time")
            }
            Why::ModuleNotOnDisk { call, source } => {
                format!("module `{call}` (source `{source}`) is not on disk")
            }
            Why::Function { name } => format!("function `{name}()` is not evaluated offline"),
            Why::File { path, why } => format!("file `{path}` could not be read: {why}"),
            Why::Partial { cause, .. } => cause.describe(),
            Why::Instance { address, cause } => {
                format!(
                    "which instance of `{address}` this is depends on how many there are: {}",
                    cause.describe()
                )
            }
            Why::Instances { address, cause, .. } => {
                format!(
                    "how many instances `{address}` has is not known: {}",
                    cause.describe()
                )
            }
            Why::Limit { what } => format!("not computed: {what}"),
            Why::Terragrunt { what, .. } => what.clone(),
        }
    }

    /// What the user could do so the value becomes known.
    pub fn hint(&self) -> Option<String> {
        match self {
            Why::Variable { name } => Some(format!(
                "set it with `--var {name}=VALUE`, `--var-file FILE` or `TF_VAR_{name}`"
            )),
            Why::Partial { cause, .. } | Why::Instance { cause, .. } | Why::Instances { cause, .. } => cause.hint(),
            Why::ModuleNotOnDisk { .. } => Some(
                "run `terraform init` so `.terraform/modules/modules.json` records where it was downloaded".into(),
            ),
            Why::Limit { .. } => Some(
                "raise the limit in `.xray-setup.toml` (`[limits]`) if the tree really needs it".into(),
            ),
            Why::Terragrunt { hint, .. } => Some(hint.clone()),
            _ => None,
        }
    }

    /// Without the partly known text: what a computation on the string would yield.
    /// What a value computed from this one is unknown for: without the partly known
    /// text, and without the representative instance (which only the instances
    /// themselves stand for, not what is computed from them).
    pub fn plain(self) -> Why {
        match self {
            Why::Partial { cause, .. } | Why::Instances { cause, .. } => cause.plain(),
            other => other,
        }
    }
}
