//! The inline policy the module builds from its `policy_statements` input (`iam.tf`).

use super::super::cty::value::Attrs;
use super::super::cty::{Type, Value, Why};
use super::super::eval::data_sources::policy_document;

/// The policy terraform-aws-modules/lambda builds from its `policy_statements` input (a
/// map of statements by name, in the module's `iam.tf`): `sid` defaults to the key with
/// everything but letters and digits removed.
pub fn policy_statements(statements: &Value) -> Value {
    let entries: Vec<(String, Value)> = match statements {
        Value::Object(_) | Value::Map(_) => statements
            .entries()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        Value::List(_) | Value::Tuple(_) | Value::Set(_) => statements
            .items()
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v.clone()))
            .collect(),
        Value::Null(_) => Vec::new(),
        other => return other.clone(),
    };
    let statements = entries
        .into_iter()
        .map(|(key, st)| match st.entries() {
            Some(m) => {
                let mut st = m.clone();
                if !st.contains_key("sid") {
                    let sid: String = key.chars().filter(char::is_ascii_alphanumeric).collect();
                    st.insert("sid".into(), Value::string(sid));
                }
                Value::object(st)
            }
            None => st,
        })
        .collect();
    policy_document(&Attrs::from([(
        "statement".into(),
        Value::tuple(statements),
    )]))
    .unwrap_or_else(|message| {
        Value::unknown(
            Type::String,
            Why::Function {
                name: format!("policy_statements: {message}"),
            },
        )
    })
}
