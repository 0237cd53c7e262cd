//! Data sources whose results are known offline: `aws_iam_policy_document` (its JSON is
//! a pure function of its arguments), `template_file` (a template rendered with its
//! `vars`), `aws_partition`, and the parts of `aws_iam_policy` and `aws_iam_role` that
//! their arguments decide. Every other data source attribute stays unknown (read from AWS
//! at plan time).

use super::value::{Map, Unknown, Value};
use super::{Evaluator, Scope};
use crate::iam::managed;
use serde_json::json;

pub fn compute(ev: &Evaluator, s: Scope<'_>, rtype: &str, attrs: &mut Map) {
    match rtype {
        "aws_iam_policy_document" => {
            let json = policy_document(attrs);
            attrs.insert("minified_json".into(), json.clone());
            attrs.insert("json".into(), json);
        }
        // ARNs built from the partition only matter to xray-setup when they name an
        // AWS managed policy, which exists under the same name in every partition.
        "aws_partition" => {
            attrs.insert("partition".into(), Value::string("aws"));
            attrs.insert("id".into(), Value::string("aws"));
            attrs.insert("dns_suffix".into(), Value::string("amazonaws.com"));
        }
        "template_file" => {
            let template = attrs.get("template").cloned().unwrap_or(Value::Null);
            let vars = attrs
                .get("vars")
                .cloned()
                .unwrap_or(Value::object(Map::new()));
            let rendered = match template {
                Value::String(text) => ev
                    .render_template_text(&text, vars, s)
                    .unwrap_or_else(Value::error),
                Value::Unknown(u) => Value::Unknown(u),
                other => Value::error(format!(
                    "template_file: template must be a string, not a {}",
                    other.type_name()
                )),
            };
            attrs.insert("rendered".into(), rendered);
        }
        "aws_iam_policy" => {
            let arn = match (attrs.get("arn"), attrs.get("name")) {
                (Some(Value::String(arn)), _) => Some(arn.to_string()),
                (_, Some(Value::String(name))) => managed::arn_by_name(name),
                _ => None,
            };
            if let Some(arn) = arn {
                if let Some(doc) = managed::document(&arn) {
                    attrs.insert("policy".into(), Value::string(doc));
                }
                attrs.insert("arn".into(), Value::string(arn));
            }
        }
        "aws_iam_role" => {
            if let Some(Value::String(name)) = attrs.get("name") {
                // The account is unknown, the role name is not: enough to find the role.
                let arn = Value::unknown(Unknown::Partial {
                    text: format!(
                        "arn:aws:iam::{}:role/{name}",
                        crate::model::marks::AFTER_APPLY
                    ),
                    cause: Box::new(Unknown::DataSource {
                        address: format!("data.aws_iam_role (name {name})"),
                        attr: "arn".into(),
                    }),
                });
                attrs.insert("arn".into(), arn);
            }
        }
        _ => {}
    }
}

/// The policy terraform-aws-modules/lambda builds from its `policy_statements` input (a
/// map of statements by name, in the module's `iam.tf`): `sid` defaults to the key with
/// everything but letters and digits removed.
pub fn module_policy_statements(statements: &Value) -> Value {
    let entries: Vec<(String, Value)> = match statements {
        Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Value::List(l) => l
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v.clone()))
            .collect(),
        Value::Null => Vec::new(),
        other => return other.clone(),
    };
    let statements = entries
        .into_iter()
        .map(|(key, st)| match st {
            Value::Object(m) => {
                let mut st = (*m).clone();
                if !st.contains_key("sid") {
                    let sid: String = key.chars().filter(char::is_ascii_alphanumeric).collect();
                    st.insert("sid".into(), Value::string(sid));
                }
                Value::object(st)
            }
            other => other,
        })
        .collect();
    policy_document(&Map::from([("statement".into(), Value::list(statements))]))
}

/// The policy JSON the AWS provider renders (terraform-provider-aws
/// `data_source_iam_policy_document.go`): statements of `source_policy_documents` first,
/// replaced by this document's statements with the same `sid`, then
/// `override_policy_documents` replacing by `sid` or appending. Unknown parts become
/// marks, and the whole is then partly unknown.
fn policy_document(attrs: &Map) -> Value {
    let mut first = None;
    match render(attrs, &mut first) {
        Ok(doc) => match first {
            None => Value::string(doc.to_string()),
            Some(cause) => Value::unknown(Unknown::Partial {
                text: doc.to_string(),
                cause: Box::new(cause.plain()),
            }),
        },
        Err(v) => v,
    }
}

fn render(
    attrs: &Map,
    first: &mut Option<std::sync::Arc<Unknown>>,
) -> Result<serde_json::Value, Value> {
    let mut statements: Vec<serde_json::Value> = Vec::new();
    for doc in list(attrs.get("source_policy_documents"))? {
        statements.extend(statements_of(&doc)?);
    }
    for st in list(attrs.get("statement"))? {
        merge_by_sid(&mut statements, statement(&st, first)?);
    }
    for doc in list(attrs.get("override_policy_documents"))? {
        for st in statements_of(&doc)? {
            merge_by_sid(&mut statements, st);
        }
    }
    let mut doc = serde_json::Map::new();
    let version = match attrs.get("version") {
        Some(Value::String(v)) => v.to_string(),
        _ => "2012-10-17".into(),
    };
    doc.insert("Version".into(), json!(version));
    if let Some(Value::String(id)) = attrs.get("policy_id") {
        doc.insert("Id".into(), json!(&**id));
    }
    doc.insert("Statement".into(), serde_json::Value::Array(statements));
    Ok(serde_json::Value::Object(doc))
}

fn merge_by_sid(statements: &mut Vec<serde_json::Value>, st: serde_json::Value) {
    let sid = st
        .get("Sid")
        .and_then(|s| s.as_str())
        .filter(|s| !s.is_empty());
    if let Some(sid) = sid
        && let Some(existing) = statements
            .iter_mut()
            .find(|e| e.get("Sid").and_then(|s| s.as_str()) == Some(sid))
    {
        *existing = st;
        return;
    }
    statements.push(st);
}

fn list(v: Option<&Value>) -> Result<Vec<Value>, Value> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::List(items)) => Ok(items.to_vec()),
        Some(u @ Value::Unknown(_)) => Err(u.clone()),
        Some(other) => Ok(vec![other.clone()]),
    }
}

fn statements_of(doc: &Value) -> Result<Vec<serde_json::Value>, Value> {
    let text = match doc {
        Value::String(s) => s,
        Value::Null => return Ok(Vec::new()),
        Value::Unknown(_) => return Err(doc.clone()),
        other => {
            return Err(Value::error(format!(
                "a policy document must be a JSON string, not a {}",
                other.type_name()
            )));
        }
    };
    let parsed: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        Value::error(format!(
            "a source or override policy document is not JSON: {e}"
        ))
    })?;
    Ok(match parsed.get("Statement") {
        Some(serde_json::Value::Array(items)) => items.clone(),
        Some(one @ serde_json::Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    })
}

fn statement(
    st: &Value,
    first: &mut Option<std::sync::Arc<Unknown>>,
) -> Result<serde_json::Value, Value> {
    let Value::Object(st) = st else {
        return Err(Value::error("a statement block is not an object"));
    };
    let mut out = serde_json::Map::new();
    if let Some(Value::String(sid)) = st.get("sid") {
        out.insert("Sid".into(), json!(&**sid));
    }
    let effect = match st.get("effect") {
        None | Some(Value::Null) => "Allow".to_string(),
        Some(u @ Value::Unknown(_)) => return Err(u.clone()),
        Some(v) => v.to_text().map_err(Value::error)?,
    };
    out.insert("Effect".into(), json!(effect));
    for (key, name) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        let items = list(st.get(key))?;
        if items.is_empty() {
            continue;
        }
        let strings = items
            .iter()
            .map(|v| match v {
                Value::Unknown(u) => {
                    first.get_or_insert_with(|| u.clone());
                    Ok(u.mark().to_string())
                }
                v => v.to_text().map_err(Value::error),
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.insert(name.into(), json!(strings));
    }
    for (key, name) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        let mut principals = serde_json::Map::new();
        for p in list(st.get(key))? {
            let (json, unknown) = p.to_json_marked();
            if let Some(u) = unknown {
                first.get_or_insert(u);
            }
            let ty = json
                .get("type")
                .and_then(|t| t.as_str())
                .unwrap_or("AWS")
                .to_string();
            let ids = json.get("identifiers").cloned().unwrap_or(json!([]));
            principals.insert(ty, ids);
        }
        if !principals.is_empty() {
            out.insert(name.into(), serde_json::Value::Object(principals));
        }
    }
    let mut conditions = serde_json::Map::new();
    for c in list(st.get("condition"))? {
        let (json, unknown) = c.to_json_marked();
        if let Some(u) = unknown {
            first.get_or_insert(u);
        }
        let test = json
            .get("test")
            .and_then(|t| t.as_str())
            .unwrap_or("")
            .to_string();
        let variable = json
            .get("variable")
            .and_then(|t| t.as_str())
            .unwrap_or("")
            .to_string();
        let values = json.get("values").cloned().unwrap_or(json!([]));
        let entry = conditions
            .entry(test)
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        if let serde_json::Value::Object(m) = entry {
            m.insert(variable, values);
        }
    }
    if !conditions.is_empty() {
        out.insert("Condition".into(), serde_json::Value::Object(conditions));
    }
    Ok(serde_json::Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(actions: &[&str], sid: &str) -> Value {
        Value::object(Map::from([
            ("sid".into(), Value::string(sid)),
            (
                "actions".into(),
                Value::list(actions.iter().map(|a| Value::string(*a)).collect()),
            ),
            ("resources".into(), Value::list(vec![Value::string("*")])),
        ]))
    }

    #[test]
    fn renders_statements_with_default_effect() {
        let mut attrs = Map::from([(
            "statement".into(),
            Value::list(vec![st(&["xray:PutTraceSegments"], "")]),
        )]);
        let json = policy_document(&attrs);
        attrs.insert("json".into(), json);
        let json: serde_json::Value =
            serde_json::from_str(attrs["json"].as_str().unwrap()).unwrap();
        assert_eq!(json["Statement"][0]["Effect"], "Allow");
        assert_eq!(json["Statement"][0]["Action"][0], "xray:PutTraceSegments");
    }

    #[test]
    fn unknown_resources_become_marks() {
        let arn = Value::unknown(Unknown::AfterApply {
            address: "aws_sqs_queue.q".into(),
            attr: "arn".into(),
        });
        let statement = Value::object(Map::from([
            ("actions".into(), Value::list(vec![Value::string("sqs:*")])),
            ("resources".into(), Value::list(vec![arn])),
        ]));
        let attrs = Map::from([("statement".into(), Value::list(vec![statement]))]);
        match policy_document(&attrs) {
            Value::Unknown(u) => match &*u {
                Unknown::Partial { text, .. } => {
                    assert!(text.contains(crate::model::marks::AFTER_APPLY), "{text}")
                }
                other => panic!("{other:?}"),
            },
            other => panic!("{other}"),
        }
    }

    #[test]
    fn override_documents_replace_by_sid() {
        let source =
            r#"{"Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        let over = r#"{"Statement":[{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#;
        let mut attrs = Map::from([
            (
                "source_policy_documents".into(),
                Value::list(vec![Value::string(source)]),
            ),
            (
                "override_policy_documents".into(),
                Value::list(vec![Value::string(over)]),
            ),
            ("statement".into(), Value::list(vec![st(&["xray:*"], "B")])),
        ]);
        let json = policy_document(&attrs);
        attrs.insert("json".into(), json);
        let json: serde_json::Value =
            serde_json::from_str(attrs["json"].as_str().unwrap()).unwrap();
        assert_eq!(json["Statement"].as_array().unwrap().len(), 2);
        assert_eq!(json["Statement"][0]["Effect"], "Deny");
    }
}
