//! What a state says each managed instance is, for joining code with an account: its
//! address, type, ARN, id and names.

use serde_json::Value;

/// The managed resource instances of a state (or of a plan's `prior_state`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    pub resources: Vec<StateResource>,
}

/// One managed resource instance as the state records it.
#[derive(Debug, Clone, PartialEq)]
pub struct StateResource {
    /// Terraform's address: `module.a["x"].aws_lambda_function.f[0]`.
    pub address: String,
    pub resource_type: String,
    pub arn: Option<String>,
    pub id: Option<String>,
    /// The name-like attributes it has: `function_name`, `name`, `rule_name`,
    /// `stage_name`, `rest_api_id`, in that order.
    pub names: Vec<(String, String)>,
    /// Every attribute, as the state has it.
    pub attributes: Value,
}

/// The attributes that name an instance, in the order `StateResource::names` keeps.
const NAMES: &[&str] = &[
    "function_name",
    "name",
    "rule_name",
    "stage_name",
    "rest_api_id",
];

impl StateResource {
    pub(super) fn new(address: &str, rtype: &str, attributes: &Value) -> StateResource {
        let text = |k: &str| {
            attributes
                .get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        StateResource {
            address: address.to_string(),
            resource_type: rtype.to_string(),
            arn: text("arn"),
            id: text("id"),
            names: NAMES
                .iter()
                .filter_map(|k| Some((k.to_string(), text(k)?)))
                .collect(),
            attributes: attributes.clone(),
        }
    }

    /// A name-like attribute's value.
    pub fn name(&self, attribute: &str) -> Option<&str> {
        self.names
            .iter()
            .find(|(k, _)| k == attribute)
            .map(|(_, v)| v.as_str())
    }
}
