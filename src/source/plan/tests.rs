//! The Reader over plans and states: each of the four states of a value, references,
//! what is left out, and the three forms told apart.

use super::*;
use crate::model::{Field, Reference};
use serde_json::json;

fn doc(v: Value) -> Document {
    parse(Path::new("p.json"), v.to_string().as_bytes()).expect("a document")
}

fn inventory(v: Value) -> Inventory {
    doc(v).inventory(".", &HashMap::new())
}

fn function(address: &str, values: Value) -> Value {
    json!({"address": address, "mode": "managed", "type": "aws_lambda_function", "name": "f", "values": values})
}

fn change(address: &str, actions: &[&str], unknown: Value) -> Value {
    json!({"address": address, "mode": "managed", "type": "aws_lambda_function", "name": "f",
           "change": {"actions": actions, "after_unknown": unknown}})
}

fn config(resources: Value, module_calls: Value) -> Value {
    json!({"root_module": {"resources": resources, "module_calls": module_calls}})
}

#[test]
fn tracing_is_known_unset_or_unknown_as_the_plan_and_configuration_say() {
    let plan = json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
            function("aws_lambda_function.known", json!({"function_name": "k", "tracing_config": [{"mode": "Active"}]})),
            function("aws_lambda_function.computed", json!({"function_name": "c"})),
            function("aws_lambda_function.later", json!({"function_name": "l"})),
            {"address": "data.aws_lambda_function.d", "mode": "data", "type": "aws_lambda_function", "name": "d", "values": {}}
        ]}},
        "resource_changes": [
            change("aws_lambda_function.known", &["create"], json!({"tracing_config": [{}]})),
            change("aws_lambda_function.computed", &["create"], json!({"tracing_config": true})),
            change("aws_lambda_function.later", &["create"], json!({"tracing_config": [{"mode": true}], "role": true})),
        ],
        "configuration": config(json!([
            {"address": "aws_lambda_function.known", "mode": "managed", "expressions": {"tracing_config": [{"mode": {"constant_value": "Active"}}]}},
            {"address": "aws_lambda_function.computed", "mode": "managed", "expressions": {"function_name": {"constant_value": "c"}}},
            {"address": "aws_lambda_function.later", "mode": "managed", "expressions": {
                "tracing_config": [{"mode": {"references": ["aws_ssm_parameter.p.value", "aws_ssm_parameter.p"]}}],
                "role": {"references": ["aws_iam_role.r.arn", "aws_iam_role.r"]}}}
        ]), json!({}))
    });
    let inv = inventory(plan);
    assert_eq!(inv.functions.len(), 3, "data sources are left out");
    let by = |a: &str| inv.functions.iter().find(|f| f.meta.address == a).unwrap();
    assert_eq!(
        by("aws_lambda_function.known").tracing_mode.value,
        Field::Known("Active".into())
    );
    // Absent from the plan and from the configuration: the provider's default.
    assert_eq!(
        by("aws_lambda_function.computed").tracing_mode.value,
        Field::Unset
    );
    let later = by("aws_lambda_function.later");
    match &later.tracing_mode.value {
        Field::Unknown(u) => {
            assert!(u.why.contains("known only after apply"), "{u:?}");
            assert!(
                u.why.contains("aws_lambda_function.later")
                    && u.why.contains("tracing_config.mode"),
                "{u:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(later.role, Reference::Address("aws_iam_role.r".into()));
    assert_eq!(by("aws_lambda_function.computed").role, Reference::Unset);
    assert_eq!(later.meta.root, ".");
    assert!(later.meta.origin.is_none() && later.meta.block.is_none());
}

#[test]
fn module_references_are_qualified_and_prior_state_fills_in() {
    let plan = json!({
        "format_version": "0.1",
        "planned_values": {"root_module": {"child_modules": [{"address": "module.a[\"x\"]", "resources": [
            function("module.a[\"x\"].aws_lambda_function.f[0]", json!({"function_name": "f"}))
        ]}]}},
        "resource_changes": [
            change("module.a[\"x\"].aws_lambda_function.f[0]", &["create"], json!({"role": true, "tracing_config": true})),
            {"address": "aws_iam_role.gone", "change": {"actions": ["delete"]}}
        ],
        "prior_state": {"values": {"root_module": {"resources": [
            {"address": "aws_iam_role.kept", "mode": "managed", "type": "aws_iam_role", "name": "kept", "values": {"name": "kept", "arn": "arn:aws:iam::1:role/kept"}},
            {"address": "aws_iam_role.gone", "mode": "managed", "type": "aws_iam_role", "name": "gone", "values": {"name": "gone"}},
            {"address": "aws_lambda_function.old", "mode": "managed", "type": "aws_lambda_function", "name": "old", "values": {"function_name": "old"}}
        ]}}},
        "configuration": config(json!([]), json!({"a": {"for_each_expression": {}, "module": {"resources": [
            {"address": "aws_lambda_function.f", "mode": "managed", "expressions": {"role": {"references": ["aws_iam_role.r[0].arn", "aws_iam_role.r[0]", "aws_iam_role.r"]}}}
        ]}}}))
    });
    let d = doc(plan);
    let inv = d.inventory(".", &HashMap::new());
    assert_eq!(
        inv.functions.len(),
        1,
        "a function only in the prior state is not kept"
    );
    assert_eq!(
        inv.functions[0].role,
        Reference::Address("module.a[\"x\"].aws_iam_role.r[0]".into())
    );
    assert_eq!(inv.functions[0].tracing_mode.value, Field::Unset);
    let roles: Vec<&str> = inv.roles.iter().map(|r| r.meta.address.as_str()).collect();
    assert_eq!(roles, ["aws_iam_role.kept"], "the deleted role is left out");
    assert_eq!(d.deletions(), 1);
    let state = d.state();
    assert_eq!(state.resources.len(), 3);
    assert_eq!(
        state.resources[0].arn.as_deref(),
        Some("arn:aws:iam::1:role/kept")
    );
    assert_eq!(state.resources[0].name("name"), Some("kept"));
}

#[test]
fn raw_state_instances_are_addressed_by_module_and_index_key() {
    let raw = json!({"version": 4, "terraform_version": "1.5.7", "serial": 1, "lineage": "x", "outputs": {},
    "resources": [
        {"mode": "managed", "type": "aws_lambda_function", "name": "f", "each": "list", "provider": "provider.aws",
         "instances": [
            {"index_key": 0, "attributes": {"function_name": "f0", "arn": "arn:f0", "tracing_config": [{"mode": "Active"}]}},
            {"index_key": 1, "attributes": {"function_name": "f1", "tracing_config": []}}]},
        {"module": "module.m[\"k\"]", "mode": "managed", "type": "aws_api_gateway_stage", "name": "s", "each": "map",
         "instances": [{"index_key": "a", "attributes": {"stage_name": "prod", "rest_api_id": "abc", "xray_tracing_enabled": true}}]},
        {"mode": "data", "type": "aws_iam_policy_document", "name": "d", "instances": [{"attributes": {}}]}
    ]});
    let d = doc(raw);
    assert_eq!(d.form(), Form::RawState);
    let inv = d.inventory(".", &HashMap::new());
    let f: Vec<(&str, &Field<String>)> = inv
        .functions
        .iter()
        .map(|f| (f.meta.address.as_str(), &f.tracing_mode.value))
        .collect();
    assert_eq!(
        f,
        [
            ("aws_lambda_function.f[0]", &Field::Known("Active".into())),
            ("aws_lambda_function.f[1]", &Field::Unset)
        ]
    );
    assert_eq!(
        inv.rest_stages[0].meta.address,
        "module.m[\"k\"].aws_api_gateway_stage.s[\"a\"]"
    );
    assert_eq!(inv.rest_stages[0].tracing_enabled.value, Field::Known(true));
    assert_eq!(
        inv.rest_stages[0].rest_api,
        Reference::Literal("abc".into())
    );
    let s = d.state();
    assert_eq!(s.resources.len(), 3);
    assert_eq!(s.resources[2].name("stage_name"), Some("prod"));
    assert_eq!(s.resources[2].name("rest_api_id"), Some("abc"));
}

#[test]
fn the_forms_are_told_apart_and_versions_checked() {
    let p = Path::new("f.json");
    let form = |v: Value| parse(p, v.to_string().as_bytes()).map(|d| d.form());
    assert_eq!(
        form(json!({"format_version": "1.0", "values": {"root_module": {}}})).unwrap(),
        Form::State
    );
    assert_eq!(form(json!({"format_version": "1.0"})).unwrap(), Form::State);
    assert_eq!(
        form(json!({"format_version": "0.2", "resource_changes": []})).unwrap(),
        Form::Plan
    );
    let e = form(json!({"format_version": "2.1", "planned_values": {}}))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("f.json") && e.contains("2.1") && e.contains("0.x and 1.x"),
        "{e}"
    );
    let e = form(json!({"version": 3, "resources": []}))
        .unwrap_err()
        .to_string();
    assert!(e.contains("version 3") && e.contains("version 4"), "{e}");
    let e = form(json!({"planned_values": {}})).unwrap_err().to_string();
    assert!(e.contains("format_version"), "{e}");
    let e = parse(p, b"{\n\"a\": 1,\n}").unwrap_err().to_string();
    assert!(e.starts_with("f.json:3:1: not valid JSON"), "{e}");
    let wrapped = b"[command]terraform-bin show -json x\n{\"format_version\": \"1.0\",\n";
    let e = parse(p, wrapped).unwrap_err().to_string();
    assert!(e.starts_with("f.json:2:"), "{e}");
}
