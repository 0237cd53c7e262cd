//! What checkov's and trivy's own tests expect of the tracing fixtures in
//! ../shared/corpus (see its EXPECTED.md), and where xray-setup is stricter on purpose.

mod common;
use common::*;

const CHECKOV: &str = "bridgecrewio__checkov";
const TRIVY: &str = "aquasecurity__trivy-checks";

/// The report on a fixture, keeping only the findings of the tracing rules these peers'
/// checks correspond to (the fixtures' roles are outside them, which XR000 notes).
fn audit_fixture(repo: &str, dir: &str) -> serde_json::Value {
    let path = corpus(repo).join(dir);
    let (mut report, _) = audit_path(&path, &[]);
    let tracing = ["XR001", "XR002", "XR003", "XR005"];
    report["findings"]
        .as_array_mut()
        .unwrap()
        .retain(|f| tracing.contains(&f["rule"].as_str().unwrap()));
    report
}

#[test]
fn checkov_lambda_xray_enabled_and_passthrough_is_stricter_on_purpose() {
    let r = audit_fixture(
        CHECKOV,
        "tests/terraform/checks/resource/aws/example_LambdaXrayEnabled",
    );
    let flagged = resources(&r, "XR001");
    // checkov fails `default` (no tracing_config): so do we.
    assert!(flagged.contains(&"aws_lambda_function.default".to_string()));
    // checkov passes `active`: so do we.
    assert!(!flagged.contains(&"aws_lambda_function.active".to_string()));
    // checkov passes PassThrough (CKV_AWS_50 expects ["PassThrough", "Active"]). We do not:
    // PassThrough traces only requests an upstream already sampled (XR001, as trivy's
    // AVD-AWS-0066 does).
    assert!(flagged.contains(&"aws_lambda_function.pass_through".to_string()));
    assert_eq!(flagged.len(), 2);
    let message = findings(&r)
        .iter()
        .find(|f| f["resource"] == "aws_lambda_function.pass_through")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("upstream"), "{message}");
}

#[test]
fn checkov_state_machine_xray() {
    let r = audit_fixture(
        CHECKOV,
        "tests/terraform/checks/resource/aws/example_StateMachineXray",
    );
    assert_eq!(
        resources(&r, "XR005"),
        vec![
            "aws_sfn_state_machine.XrayDefault",
            "aws_sfn_state_machine.XrayDisabled"
        ]
    );
}

#[test]
fn checkov_stage_fixtures_without_xray_fail() {
    for (dir, count) in [
        (
            "tests/terraform/checks/resource/aws/example_APIGatewayCacheEnable",
            2,
        ),
        (
            "tests/terraform/graph/checks/resources/APIProtectedByWAF",
            6,
        ),
        (
            "tests/terraform/graph/checks/resources/APIGWLoggingLevelsDefinedProperly",
            2,
        ),
    ] {
        let r = audit_fixture(CHECKOV, dir);
        assert_eq!(resources(&r, "XR003").len(), count, "{dir}");
    }
}

#[test]
fn checkov_passthrough_functions_are_flagged_as_stricter() {
    let r = audit_fixture(
        CHECKOV,
        "tests/terraform/checks/resource/aws/example_LambdaEnvironmentEncryptionSettings",
    );
    // All five use PassThrough, which CKV_AWS_50 passes and XR001 does not.
    assert_eq!(resources(&r, "XR001").len(), 5);
}

#[test]
fn checkov_dynamic_lambda_without_tracing_fails() {
    let r = audit_fixture(
        CHECKOV,
        "tests/terraform/graph/resources/dynamic_lambda_function",
    );
    assert_eq!(resources(&r, "XR001"), vec!["aws_lambda_function.lambda"]);
}

#[test]
fn checkov_count_zero_lambda_reports_nothing() {
    let r = audit_fixture(
        CHECKOV,
        "tests/terraform/graph/resources/modules/linked_modules/external_modules/terraform-aws-modules/lambda",
    );
    assert!(findings(&r).is_empty(), "{r:#}");
}

#[test]
fn trivy_lambda_examples() {
    let base = "checks/cloud/aws/lambda/enable_tracing.examples";
    let good = audit_fixture(TRIVY, &format!("{base}/AWS-0066_good_1.tf"));
    assert!(findings(&good).is_empty());
    let bad = audit_fixture(TRIVY, &format!("{base}/AWS-0066_bad_1.tf"));
    // "Passthrough" (lower-case t) is not a mode Lambda accepts: an error, with the fix.
    assert_eq!(
        resources(&bad, "XR002"),
        vec!["aws_lambda_function.bad_example"]
    );
    let message = findings(&bad)[0]["message"].as_str().unwrap();
    assert!(
        message.contains("did you mean \"PassThrough\""),
        "{message}"
    );
}

#[test]
fn trivy_apigateway_examples() {
    let base = "checks/cloud/aws/apigateway/enable_tracing.examples";
    let good = audit_fixture(TRIVY, &format!("{base}/AWS-0003_good_1.tf"));
    assert!(findings(&good).is_empty());
    let bad = audit_fixture(TRIVY, &format!("{base}/AWS-0003_bad_1.tf"));
    assert_eq!(
        resources(&bad, "XR003"),
        vec!["aws_api_gateway_stage.bad_example"]
    );
}
