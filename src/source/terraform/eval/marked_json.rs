//! Values as JSON text with marks in place of their unknown parts, so a policy document
//! that mentions an ARN known only after apply can still be read (`Why::Partial`).

use super::engine::template::mark;
use crate::source::terraform::cty::{Value, Why};

/// The value as JSON, with unknown parts replaced by their marks, and the first unknown.
pub fn to_json_marked(v: &Value) -> (serde_json::Value, Option<Why>) {
    let mut first = None;
    let json = marked(v, &mut first);
    (json, first)
}

fn marked(v: &Value, first: &mut Option<Why>) -> serde_json::Value {
    if !v.is_known() {
        let why = v.why().unwrap_or(Why::Function {
            name: "(unknown)".into(),
        });
        let text = mark(&why).to_string();
        first.get_or_insert(why);
        return serde_json::Value::String(text);
    }
    match v {
        Value::Null(_) => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => {
            let text = n.to_text();
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
        }
        Value::String(s) => serde_json::Value::String(s.to_string()),
        Value::List(_) | Value::Set(_) | Value::Tuple(_) => serde_json::Value::Array(
            v.items()
                .unwrap_or_default()
                .iter()
                .map(|e| marked(e, first))
                .collect(),
        ),
        Value::Map(_) | Value::Object(_) => serde_json::Value::Object(
            v.entries()
                .into_iter()
                .flatten()
                .map(|(k, e)| (k.clone(), marked(e, first)))
                .collect(),
        ),
        Value::Unknown(_) | Value::Resource(_) => serde_json::Value::Null,
    }
}
