//! Data sources whose results are known offline: `aws_iam_policy_document` (its JSON is
//! a pure function of its arguments), `template_file` (a template rendered with its
//! `vars`), `aws_partition`, and the parts of `aws_iam_policy` and `aws_iam_role` that
//! their arguments decide. Every other data source attribute stays unknown (read from AWS
//! at plan time).

use super::super::cty::value::Attrs;
use super::super::cty::{Type, Value, Why};
use super::engine::template::mark;
use super::marked_json::to_json_marked;
use super::{Ctx, Evaluator, InstId, Iteration};
use crate::iam::managed;
use serde_json::json;

type Map = Attrs;

/// Why a computed value could not be produced: an input is not known yet, or the
/// provider would refuse the arguments (which `terraform plan` reports when it reads the
/// data source).
enum Stop {
    Unknown(Value),
    Error(String),
}

fn failed(message: impl Into<String>) -> Stop {
    Stop::Error(message.into())
}

/// Fills in the attributes a data source computes from its arguments. Returns the
/// attributes that could not be computed because the arguments are wrong, with why.
pub fn compute(
    ev: &Evaluator,
    id: InstId,
    iteration: &Iteration,
    rtype: &str,
    attrs: &mut Map,
) -> Vec<(String, String)> {
    let mut errors = Vec::new();
    match rtype {
        "aws_iam_policy_document" => match policy_document(attrs) {
            Ok(json) => {
                attrs.insert("minified_json".into(), json.clone());
                attrs.insert("json".into(), json);
            }
            Err(message) => {
                errors.push(("json".into(), message.clone()));
                errors.push(("minified_json".into(), message));
            }
        },
        // ARNs built from the partition only matter to xray-setup when they name an
        // AWS managed policy, which exists under the same name in every partition.
        "aws_partition" => {
            attrs.insert("partition".into(), Value::string("aws"));
            attrs.insert("id".into(), Value::string("aws"));
            attrs.insert("dns_suffix".into(), Value::string("amazonaws.com"));
        }
        "template_file" => {
            let template = attrs.get("template").cloned().unwrap_or(Value::null());
            let vars = attrs
                .get("vars")
                .cloned()
                .unwrap_or(Value::object(Map::new()));
            let ctx = Ctx {
                ev,
                inst: id,
                iteration,
            };
            let rendered = match template {
                Value::String(text) => super::engine::Engine { env: &ctx }
                    .render_template_text(&text, vars, crate::model::Span::default())
                    .map_err(|e| e.message()),
                t if !t.is_known() => Ok(t),
                other => Err(format!(
                    "template must be a string, not {}",
                    other.ty().friendly_name()
                )),
            };
            match rendered {
                Ok(v) => {
                    attrs.insert("rendered".into(), v);
                }
                Err(message) => errors.push(("rendered".into(), message)),
            }
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
                let arn = Value::unknown(
                    Type::String,
                    Why::Partial {
                        text: format!(
                            "arn:aws:iam::{}:role/{name}",
                            crate::model::marks::AFTER_APPLY
                        ),
                        cause: Box::new(Why::DataSource {
                            address: format!("data.aws_iam_role (name {name})"),
                            attr: "arn".into(),
                        }),
                    },
                );
                attrs.insert("arn".into(), arn);
            }
        }
        _ => {}
    }
    errors
}

/// The policy JSON the AWS provider renders (terraform-provider-aws
/// `data_source_iam_policy_document.go`): statements of `source_policy_documents` first,
/// replaced by this document's statements with the same `sid`, then
/// `override_policy_documents` replacing by `sid` or appending. Unknown parts become
/// marks, and the whole is then partly unknown.
pub fn policy_document(attrs: &Map) -> Result<Value, String> {
    let mut first = None;
    Ok(match render(attrs, &mut first) {
        Ok(doc) => match first {
            None => Value::string(doc.to_string()),
            Some(cause) => Value::unknown(
                Type::String,
                Why::Partial {
                    text: doc.to_string(),
                    cause: Box::new(cause.plain()),
                },
            ),
        },
        Err(Stop::Unknown(v)) => v,
        Err(Stop::Error(message)) => return Err(message),
    })
}

fn render(attrs: &Map, first: &mut Option<Why>) -> Result<serde_json::Value, Stop> {
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

fn list(v: Option<&Value>) -> Result<Vec<Value>, Stop> {
    match v {
        None | Some(Value::Null(_)) => Ok(Vec::new()),
        Some(u) if !u.is_known() => Err(Stop::Unknown(u.clone())),
        Some(v) => match v.items() {
            Some(items) => Ok(items.to_vec()),
            None => Ok(vec![v.clone()]),
        },
    }
}

/// A string value's text, or why it is not one.
fn text(v: &Value) -> Result<String, Stop> {
    match super::super::cty::convert::convert(v, &Type::String) {
        Ok(Value::String(s)) => Ok(s.to_string()),
        Ok(other) => Err(Stop::Unknown(other)),
        Err(e) => Err(failed(format!("a string is required: {e}"))),
    }
}

fn statements_of(doc: &Value) -> Result<Vec<serde_json::Value>, Stop> {
    let text = match doc {
        Value::String(s) => s,
        Value::Null(_) => return Ok(Vec::new()),
        d if !d.is_known() => return Err(Stop::Unknown(d.clone())),
        other => {
            return Err(failed(format!(
                "a policy document must be a JSON string, not {}",
                other.ty().friendly_name()
            )));
        }
    };
    let parsed: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        failed(format!(
            "a source or override policy document is not JSON: {e}"
        ))
    })?;
    Ok(match parsed.get("Statement") {
        Some(serde_json::Value::Array(items)) => items.clone(),
        Some(one @ serde_json::Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    })
}

fn statement(st: &Value, first: &mut Option<Why>) -> Result<serde_json::Value, Stop> {
    if !st.is_known() {
        return Err(Stop::Unknown(st.clone()));
    }
    let Some(st) = st.entries() else {
        return Err(failed("a statement block is not an object"));
    };
    let mut out = serde_json::Map::new();
    if let Some(Value::String(sid)) = st.get("sid") {
        out.insert("Sid".into(), json!(&**sid));
    }
    let effect = match st.get("effect") {
        None | Some(Value::Null(_)) => "Allow".to_string(),
        Some(u) if !u.is_known() => return Err(Stop::Unknown(u.clone())),
        Some(v) => text(v)?,
    };
    out.insert("Effect".into(), json!(effect));
    for (key, name) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        // A list not known as a whole (a `flatten` over unknowns) still leaves the rest
        // of the statement readable: it stands as one mark, any value.
        let items = match list(st.get(key)) {
            Err(Stop::Unknown(u)) => vec![u],
            other => other?,
        };
        if items.is_empty() {
            continue;
        }
        let strings = items
            .iter()
            .map(|v| {
                if v.is_known() {
                    return text(v);
                }
                let why = v.why().unwrap_or(Why::Function {
                    name: "(unknown)".into(),
                });
                let m = mark(&why).to_string();
                first.get_or_insert(why);
                Ok(m)
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
            let (json, unknown) = to_json_marked(&p);
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
        let (json, unknown) = to_json_marked(&c);
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
                Value::tuple(actions.iter().map(|a| Value::string(*a)).collect()),
            ),
            ("resources".into(), Value::tuple(vec![Value::string("*")])),
        ]))
    }

    fn json_of(attrs: &Map) -> serde_json::Value {
        let doc = policy_document(attrs).unwrap();
        serde_json::from_str(doc.as_str().unwrap()).unwrap()
    }

    #[test]
    fn renders_statements_with_default_effect() {
        let attrs = Map::from([(
            "statement".into(),
            Value::tuple(vec![st(&["xray:PutTraceSegments"], "")]),
        )]);
        let json = json_of(&attrs);
        assert_eq!(json["Statement"][0]["Effect"], "Allow");
        assert_eq!(json["Statement"][0]["Action"][0], "xray:PutTraceSegments");
    }

    #[test]
    fn unknown_resources_become_marks() {
        let arn = Value::unknown(
            Type::String,
            Why::AfterApply {
                address: "aws_sqs_queue.q".into(),
                attr: "arn".into(),
            },
        );
        let statement = Value::object(Map::from([
            ("actions".into(), Value::tuple(vec![Value::string("sqs:*")])),
            ("resources".into(), Value::tuple(vec![arn])),
        ]));
        let attrs = Map::from([("statement".into(), Value::tuple(vec![statement]))]);
        match policy_document(&attrs).unwrap().why() {
            Some(Why::Partial { text, .. }) => {
                assert!(text.contains(crate::model::marks::AFTER_APPLY), "{text}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn override_documents_replace_by_sid() {
        let source =
            r#"{"Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        let over = r#"{"Statement":[{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#;
        let attrs = Map::from([
            (
                "source_policy_documents".into(),
                Value::tuple(vec![Value::string(source)]),
            ),
            (
                "override_policy_documents".into(),
                Value::tuple(vec![Value::string(over)]),
            ),
            ("statement".into(), Value::tuple(vec![st(&["xray:*"], "B")])),
        ]);
        let json = json_of(&attrs);
        assert_eq!(json["Statement"].as_array().unwrap().len(), 2);
        assert_eq!(json["Statement"][0]["Effect"], "Deny");
    }

    #[test]
    fn a_malformed_source_document_is_an_error() {
        let attrs = Map::from([(
            "source_policy_documents".into(),
            Value::tuple(vec![Value::string("{not json")]),
        )]);
        assert!(policy_document(&attrs).unwrap_err().contains("not JSON"));
    }
}
