//! The managed resource instances of each form: a plan's `planned_values` and
//! `prior_state`, `terraform show -json`'s `values`, a raw state's `resources`.

use serde_json::Value;

/// One managed resource instance: address, type and attribute values.
pub(super) struct Instance<'a> {
    pub address: String,
    pub rtype: &'a str,
    pub values: &'a Value,
}

/// The managed instances of a `root_module` and its `child_modules`, at any depth.
pub(super) fn module<'a>(m: &'a Value, out: &mut Vec<Instance<'a>>) {
    for r in m
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if r.get("mode").and_then(Value::as_str) != Some("managed") {
            continue;
        }
        let (Some(address), Some(rtype)) = (
            r.get("address").and_then(Value::as_str),
            r.get("type").and_then(Value::as_str),
        ) else {
            continue;
        };
        out.push(Instance {
            address: address.to_string(),
            rtype,
            values: r.get("values").unwrap_or(&Value::Null),
        });
    }
    for child in m
        .get("child_modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        module(child, out);
    }
}

/// The managed instances of a raw `terraform.tfstate` (version 4): each resource's
/// `instances`, addressed with the resource's `module` and each instance's `index_key`.
pub(super) fn raw_state(state: &Value) -> Vec<Instance<'_>> {
    let mut out = Vec::new();
    for r in state
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if r.get("mode").and_then(Value::as_str) != Some("managed") {
            continue;
        }
        let (Some(rtype), Some(name)) = (
            r.get("type").and_then(Value::as_str),
            r.get("name").and_then(Value::as_str),
        ) else {
            continue;
        };
        let module = r
            .get("module")
            .and_then(Value::as_str)
            .map(|m| format!("{m}."))
            .unwrap_or_default();
        for i in r
            .get("instances")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = match i.get("index_key") {
                Some(Value::Number(n)) => format!("[{n}]"),
                Some(Value::String(s)) => format!("[{}]", Value::String(s.clone())),
                _ => String::new(),
            };
            // A deposed object is on its way out: the current one is what runs.
            if i.get("deposed").is_some() {
                continue;
            }
            out.push(Instance {
                address: format!("{module}{rtype}.{name}{key}"),
                rtype,
                values: i.get("attributes").unwrap_or(&Value::Null),
            });
        }
    }
    out
}
