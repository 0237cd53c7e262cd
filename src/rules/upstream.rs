//! Who invokes a function, for `lambda_mode = "upstream-traced"`: a PassThrough function
//! records a trace when its caller sampled the request and passed the trace header, so
//! PassThrough is enough when every invoker is a REST API stage with tracing on. Invokers
//! come from `aws_lambda_permission` (principal and `source_arn`), REST integrations whose
//! `uri` is the function's `invoke_arn`, and event source mappings (queues and streams
//! start traces of their own only for SQS through Active functions, so any mapping keeps
//! the finding). (AWS X-Ray developer guide, `xray-services-lambda` and
//! `xray-services-apigateway`.)

use crate::model::{Field, Function, Inventory, Meta, Reference};
use std::collections::{BTreeSet, HashMap};

/// Whether a function's invokers all trace.
#[derive(Debug, Clone, PartialEq)]
pub enum Upstream {
    Traced,
    /// Why not, as a clause: "event source mapping `x` invokes it".
    NotTraced(String),
}

/// A function as references name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Address(String),
    Name(String),
}

/// Who refers to which function, per root, built once per audit.
pub struct Invokers<'a> {
    inventory: &'a Inventory,
    permissions: HashMap<(&'a str, Key), Vec<usize>>,
    mappings: HashMap<(&'a str, Key), Vec<usize>>,
    integrations: HashMap<(&'a str, Key), Vec<usize>>,
}

fn key(r: &Reference) -> Option<Key> {
    match r {
        Reference::Address(a) => Some(Key::Address(a.clone())),
        Reference::Literal(text) => Some(Key::Name(function_name(text)?.to_string())),
        _ => None,
    }
}

/// The function a name, an ARN (`...:function:NAME[:QUALIFIER]`) or an integration URI
/// (`.../functions/arn:...:function:NAME/invocations`) names.
fn function_name(text: &str) -> Option<&str> {
    match text.split_once(":function:") {
        Some((_, rest)) => rest.split([':', '/']).next(),
        None if text.contains([':', '/']) => None,
        None => Some(text),
    }
}

fn index<'a, T>(
    items: &'a [T],
    parts: impl Fn(&'a T) -> (&'a Meta, &'a Reference),
) -> HashMap<(&'a str, Key), Vec<usize>> {
    let mut map: HashMap<(&str, Key), Vec<usize>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let (meta, function) = parts(item);
        if let Some(k) = key(function) {
            map.entry((meta.root.as_str(), k)).or_default().push(i);
        }
    }
    map
}

impl<'a> Invokers<'a> {
    pub fn new(inventory: &'a Inventory) -> Invokers<'a> {
        Invokers {
            inventory,
            permissions: index(&inventory.permissions, |p| (&p.meta, &p.function)),
            mappings: index(&inventory.event_source_mappings, |m| (&m.meta, &m.function)),
            integrations: index(&inventory.rest_integrations, |i| (&i.meta, &i.uri)),
        }
    }

    fn of(&self, map: &HashMap<(&'a str, Key), Vec<usize>>, f: &Function) -> BTreeSet<usize> {
        let root = f.meta.root.as_str();
        let mut keys = vec![Key::Address(f.meta.address.clone())];
        if let Field::Known(name) = &f.name.value {
            keys.push(Key::Name(name.clone()));
        }
        keys.into_iter()
            .filter_map(|k| map.get(&(root, k)))
            .flatten()
            .copied()
            .collect()
    }

    pub fn upstream(&self, f: &Function) -> Upstream {
        let inv = self.inventory;
        if let Some(m) = self.of(&self.mappings, f).first() {
            return Upstream::NotTraced(format!(
                "event source mapping `{}` invokes it",
                inv.event_source_mappings[*m].meta.address
            ));
        }
        // REST APIs that invoke it, by reference (an address or an id).
        let mut apis: BTreeSet<String> = BTreeSet::new();
        for p in self.of(&self.permissions, f) {
            let p = &inv.permissions[p];
            let address = &p.meta.address;
            match &p.principal.value {
                Field::Known(principal) if principal == "apigateway.amazonaws.com" => {}
                Field::Known(principal) => {
                    return Upstream::NotTraced(format!("`{address}` lets {principal} invoke it"));
                }
                _ => {
                    return Upstream::NotTraced(format!(
                        "whom `{address}` lets invoke it is not known"
                    ));
                }
            }
            match &p.source {
                Reference::Address(api) => {
                    apis.insert(api.clone());
                }
                Reference::Literal(arn) => match execute_api_id(arn) {
                    Some(id) => {
                        apis.insert(id.to_string());
                    }
                    None => {
                        return Upstream::NotTraced(format!(
                            "`{address}` lets `{arn}` invoke it, which is not a REST API"
                        ));
                    }
                },
                Reference::Unset => {
                    return Upstream::NotTraced(format!(
                        "`{address}` has no `source_arn`, so any API Gateway API may invoke it"
                    ));
                }
                Reference::Unknown(_) => {
                    return Upstream::NotTraced(format!(
                        "which API `{address}` lets invoke it is not known"
                    ));
                }
            }
        }
        for i in self.of(&self.integrations, f) {
            match &inv.rest_integrations[i].rest_api {
                Reference::Address(a) | Reference::Literal(a) => {
                    apis.insert(a.clone());
                }
                _ => {
                    return Upstream::NotTraced(format!(
                        "which REST API `{}` belongs to is not known",
                        inv.rest_integrations[i].meta.address
                    ));
                }
            }
        }
        if apis.is_empty() {
            return Upstream::NotTraced(
                "nothing in this root shows a REST API stage invoking it".into(),
            );
        }
        for api in &apis {
            let stages: Vec<_> = inv
                .rest_stages
                .iter()
                .filter(|s| s.meta.root == f.meta.root)
                .filter(|s| matches!(&s.rest_api, Reference::Address(a) | Reference::Literal(a) if a == api))
                .collect();
            if stages.is_empty() {
                return Upstream::NotTraced(format!(
                    "`{api}` invokes it and has no REST stage with tracing on in this root (HTTP APIs do not support X-Ray tracing)"
                ));
            }
            if let Some(s) = stages
                .iter()
                .find(|s| s.tracing_enabled.value != Field::Known(true))
            {
                return Upstream::NotTraced(format!(
                    "stage `{}` of `{api}` invokes it without tracing",
                    s.meta.address
                ));
            }
        }
        Upstream::Traced
    }
}

/// The API id of an execute-api ARN: `arn:aws:execute-api:REGION:ACCOUNT:ID/STAGE/...`.
fn execute_api_id(arn: &str) -> Option<&str> {
    let rest = arn.split(":execute-api:").nth(1)?;
    rest.split(':').nth(2)?.split('/').next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_arns_and_uris_name_functions() {
        assert_eq!(function_name("orders"), Some("orders"));
        assert_eq!(
            function_name("arn:aws:lambda:eu-west-1:1:function:orders:live"),
            Some("orders")
        );
        assert_eq!(
            function_name(
                "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:1:function:orders/invocations"
            ),
            Some("orders")
        );
        assert_eq!(function_name("arn:aws:sqs:eu-west-1:1:q"), None);
        assert_eq!(
            execute_api_id("arn:aws:execute-api:eu-west-1:1:a1b2c3/*/GET/orders"),
            Some("a1b2c3")
        );
    }
}
