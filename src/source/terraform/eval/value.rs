//! Values as `terraform plan` would see them, including values it could not know.

use crate::model::marks;
use indexmap::IndexMap;
use std::fmt;
use std::sync::Arc;

pub type Map = IndexMap<String, Value>;

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(Arc<str>),
    /// Lists, tuples and sets.
    List(Arc<Vec<Value>>),
    /// Maps and objects.
    Object(Arc<Map>),
    /// One instance of a resource or data source: its configured arguments; any other
    /// attribute is known only after apply.
    Resource(Arc<ResourceValue>),
    Unknown(Arc<Unknown>),
}

#[derive(Debug)]
pub struct ResourceValue {
    /// Full address, module path included: `module.a.aws_iam_role.r["k"]`.
    pub address: String,
    /// A data source: its other attributes are read at plan time, not after apply.
    pub data: bool,
    pub attrs: Map,
}

/// Why a value cannot be known without applying, and what would make it known.
#[derive(Debug, Clone, PartialEq)]
pub enum Unknown {
    /// A root variable with no default and no value given.
    Variable { name: String },
    /// An attribute the provider computes (an ARN, an id).
    AfterApply { address: String, attr: String },
    /// A data source attribute read from the account at plan time.
    DataSource { address: String, attr: String },
    /// A module whose source is not on disk.
    ModuleNotOnDisk { call: String, source: String },
    /// A function xray-setup does not evaluate (hashes, timestamps, ...).
    Function { name: String },
    /// A file outside the scanned tree, missing, or unreadable.
    File { path: String, why: String },
    /// The configuration itself is wrong here (Terraform would refuse it).
    Error { message: String },
    /// A string only partly unknown: its text with `model::marks` in place of the
    /// unknown parts, so policies can still be read. Unknown to everything else.
    Partial { text: String, cause: Box<Unknown> },
}

impl Unknown {
    /// What the value depends on, in a few words.
    pub fn describe(&self) -> String {
        match self {
            Unknown::Variable { name } => format!("variable `{name}` has no default and no value"),
            Unknown::AfterApply { address, attr } => {
                format!("`{address}.{attr}` is known only after apply")
            }
            Unknown::DataSource { address, attr } => {
                format!("`{address}.{attr}` is read from AWS at plan time")
            }
            Unknown::ModuleNotOnDisk { call, source } => {
                format!("module `{call}` (source `{source}`) is not on disk")
            }
            Unknown::Function { name } => format!("function `{name}()` is not evaluated offline"),
            Unknown::File { path, why } => format!("file `{path}` could not be read: {why}"),
            Unknown::Error { message } => message.clone(),
            Unknown::Partial { cause, .. } => cause.describe(),
        }
    }

    /// Without the partly known text: what a computation on the string would yield.
    pub fn plain(&self) -> Unknown {
        match self {
            Unknown::Partial { cause, .. } => cause.plain(),
            other => other.clone(),
        }
    }

    /// The stand-in for this unknown inside a partly known string.
    pub fn mark(&self) -> &str {
        match self {
            Unknown::AfterApply { .. } => marks::AFTER_APPLY,
            Unknown::Partial { text, .. } => text,
            _ => marks::UNKNOWN,
        }
    }

    /// What the user could do so the value becomes known.
    pub fn hint(&self) -> Option<String> {
        match self {
            Unknown::Variable { name } => Some(format!(
                "set it with `--var {name}=VALUE`, `--var-file FILE` or `TF_VAR_{name}`"
            )),
            Unknown::Partial { cause, .. } => cause.hint(),
            Unknown::ModuleNotOnDisk { .. } => Some(
                "run `terraform init` so `.terraform/modules/modules.json` records where it was downloaded"
                    .into(),
            ),
            _ => None,
        }
    }
}

impl Value {
    pub fn string(s: impl Into<Arc<str>>) -> Value {
        Value::String(s.into())
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(items))
    }

    pub fn object(map: Map) -> Value {
        Value::Object(Arc::new(map))
    }

    pub fn unknown(u: Unknown) -> Value {
        Value::Unknown(Arc::new(u))
    }

    pub fn error(message: impl Into<String>) -> Value {
        Value::unknown(Unknown::Error {
            message: message.into(),
        })
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_unknown(&self) -> Option<&Arc<Unknown>> {
        match self {
            Value::Unknown(u) => Some(u),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The first unknown anywhere inside this value, depth first.
    pub fn first_unknown(&self) -> Option<&Arc<Unknown>> {
        match self {
            Value::Unknown(u) => Some(u),
            Value::List(items) => items.iter().find_map(Value::first_unknown),
            Value::Object(map) => map.values().find_map(Value::first_unknown),
            Value::Resource(r) => r.attrs.values().find_map(Value::first_unknown),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Object(_) => "object",
            Value::Resource(_) => "resource",
            Value::Unknown(_) => "unknown",
        }
    }

    /// Terraform's automatic conversion to string, for templates and string functions.
    pub fn to_text(&self) -> Result<String, String> {
        match self {
            Value::String(s) => Ok(s.to_string()),
            Value::Number(n) => Ok(format_number(*n)),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Null => Err("a null value cannot be used as a string".into()),
            other => Err(format!(
                "a {} cannot be used as a string",
                other.type_name()
            )),
        }
    }

    /// Terraform's automatic conversion to bool (`"true"` and `"false"` convert).
    pub fn to_bool(&self) -> Result<bool, String> {
        match self {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if &**s == "true" => Ok(true),
            Value::String(s) if &**s == "false" => Ok(false),
            other => Err(format!("a {} cannot be used as a bool", other.type_name())),
        }
    }

    /// Terraform's automatic conversion to number (numeric strings convert).
    pub fn to_number(&self) -> Result<f64, String> {
        match self {
            Value::Number(n) => Ok(*n),
            Value::String(s) => s
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("\"{s}\" is not a number")),
            other => Err(format!(
                "a {} cannot be used as a number",
                other.type_name()
            )),
        }
    }

    /// Elements of a list, or values of a map, in order.
    pub fn elements(&self) -> Option<Vec<Value>> {
        match self {
            Value::List(items) => Some(items.to_vec()),
            Value::Object(map) => Some(map.values().cloned().collect()),
            _ => None,
        }
    }

    /// Structural equality as Terraform's `==` sees it (numbers and strings never equal).
    pub fn equals(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(a), Value::List(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.equals(y))
            }
            (Value::Object(a), Value::Object(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| v.equals(w)))
            }
            (Value::Resource(a), Value::Resource(b)) => a.address == b.address,
            _ => false,
        }
    }

    /// The value as JSON, or the first unknown inside it.
    pub fn to_json(&self) -> Result<serde_json::Value, Arc<Unknown>> {
        Ok(match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::List(items) => serde_json::Value::Array(
                items.iter().map(Value::to_json).collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => serde_json::Value::Object(
                map.iter()
                    .map(|(k, v)| Ok::<_, Arc<Unknown>>((k.clone(), v.to_json()?)))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Resource(r) => {
                return Err(Arc::new(Unknown::AfterApply {
                    address: r.address.clone(),
                    attr: "*".into(),
                }));
            }
            Value::Unknown(u) => return Err(u.clone()),
        })
    }

    /// The value as JSON with marks in place of its unknown parts, and the first unknown.
    pub fn to_json_marked(&self) -> (serde_json::Value, Option<Arc<Unknown>>) {
        let mut first = None;
        let json = self.marked(&mut first);
        (json, first)
    }

    fn marked(&self, first: &mut Option<Arc<Unknown>>) -> serde_json::Value {
        match self {
            Value::Unknown(u) => {
                first.get_or_insert_with(|| u.clone());
                serde_json::Value::String(u.mark().to_string())
            }
            Value::Resource(r) => {
                first.get_or_insert_with(|| {
                    Arc::new(Unknown::AfterApply {
                        address: r.address.clone(),
                        attr: "*".into(),
                    })
                });
                serde_json::Value::String(marks::AFTER_APPLY.into())
            }
            Value::List(items) => {
                serde_json::Value::Array(items.iter().map(|i| i.marked(first)).collect())
            }
            Value::Object(map) => serde_json::Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), v.marked(first)))
                    .collect(),
            ),
            known => known.to_json().unwrap_or(serde_json::Value::Null),
        }
    }

    pub fn from_json(j: &serde_json::Value) -> Value {
        match j {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::string(s.as_str()),
            serde_json::Value::Array(a) => Value::list(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => Value::object(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        self.equals(other)
    }
}

fn number_to_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    }
}

/// Numbers print as Terraform prints them: integers without a fraction.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl fmt::Display for Value {
    /// A short, HCL-like rendering for messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => f.write_str(&format_number(*n)),
            Value::String(s) => write!(f, "{:?}", &**s),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Object(map) => {
                f.write_str("{")?;
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k} = {v}")?;
                }
                f.write_str("}")
            }
            Value::Resource(r) => f.write_str(&r.address),
            Value::Unknown(_) => f.write_str("(unknown)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_like_terraform() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(0.05), "0.05");
        assert_eq!(Value::Number(1.0).to_text().unwrap(), "1");
    }

    #[test]
    fn string_bools_convert() {
        assert!(Value::string("true").to_bool().unwrap());
        assert!(Value::string("yes").to_bool().is_err());
    }

    #[test]
    fn marked_json_keeps_what_is_known() {
        let v = Value::object(Map::from([
            ("Action".into(), Value::string("xray:*")),
            (
                "Resource".into(),
                Value::unknown(Unknown::AfterApply {
                    address: "aws_sqs_queue.q".into(),
                    attr: "arn".into(),
                }),
            ),
        ]));
        let (json, first) = v.to_json_marked();
        assert_eq!(json["Action"], "xray:*");
        assert_eq!(json["Resource"], marks::AFTER_APPLY);
        assert!(first.is_some());
    }

    #[test]
    fn first_unknown_is_found_deep() {
        let v = Value::list(vec![
            Value::Null,
            Value::object(Map::from([("a".into(), Value::error("boom"))])),
        ]);
        assert!(v.first_unknown().is_some());
        assert!(v.to_json().is_err());
    }
}
