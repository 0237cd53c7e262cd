//! Terraform's JSON configuration syntax, read as Terraform reads it: files as editors and
//! `jq` write them (a final newline), every JSON escape, `"//"` comments, arrays of
//! blocks, tfvars values taken literally. Each case is a tree under
//! `tests/fixtures/json-syntax/`.

mod common;
use common::*;
use predicates::prelude::*;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/json-syntax")
        .join(name)
}

fn fixture_arg(path: &str) -> String {
    fixture(path).to_str().expect("utf-8 path").to_string()
}

/// The fixture files are meant to end in a newline, as `jq` and editors write them.
fn assert_ends_in_newline(path: &str) {
    let text = std::fs::read_to_string(fixture(path)).unwrap();
    assert!(text.ends_with("}\n"), "{path} must end in a newline");
}

fn rules(report: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = findings(report)
        .iter()
        .map(|f| format!("{} {}", f["rule"].as_str().unwrap(), f["resource"]))
        .collect();
    out.sort();
    out
}

fn message_of<'a>(report: &'a serde_json::Value, rule: &str, resource: &str) -> &'a str {
    findings(report)
        .iter()
        .find(|f| f["rule"] == rule && f["resource"] == resource)
        .unwrap_or_else(|| panic!("no {rule} for {resource}: {report:#}"))["message"]
        .as_str()
        .unwrap()
}

#[test]
fn a_file_ending_in_a_newline_with_active_tracing_has_no_findings() {
    assert_ends_in_newline("newline/main.tf.json");
    let (report, status) = audit_path(&fixture("newline"), &[]);
    assert!(findings(&report).is_empty(), "{report:#}");
    assert_eq!(status, 0);
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["summary"]["resources"], 1, "{report:#}");
}

#[test]
fn json_escapes_are_decoded_before_templates_are_read() {
    let (report, _) = audit_path(&fixture("escapes"), &[]);
    assert_eq!(
        rules(&report),
        [
            "XR001 \"aws_lambda_function.café\"",
            "XR002 \"aws_lambda_function.slash\"",
            "XR002 \"aws_lambda_function.unicode\"",
        ],
        "\"Act\\u0069ve\" is Active: {report:#}"
    );
    // `\/` is `/`.
    assert!(message_of(&report, "XR002", "aws_lambda_function.slash").contains("\"Pass/Through\""));
    // `\u00e9`, a surrogate pair and upper-case hex digits.
    assert!(
        message_of(&report, "XR002", "aws_lambda_function.unicode").contains("café 😀 é"),
        "{report:#}"
    );
    // `"${\"Pass\\u0054hrough\"}"`: JSON unescapes to `${"Pass\u0054hrough"}`, a template
    // whose quoted HCL string has its own escape.
    assert!(message_of(&report, "XR001", "aws_lambda_function.café").contains("\"PassThrough\""));
    let f = findings(&report)
        .iter()
        .find(|f| f["resource"] == "aws_lambda_function.slash")
        .unwrap();
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(10), Some(28))
    );
}

#[test]
fn arrays_of_blocks_and_nested_blocks_as_objects() {
    let (report, status) = audit_path(&fixture("arrays"), &[]);
    assert_eq!(
        rules(&report),
        [
            "XR001 \"aws_lambda_function.untraced\"",
            "XR005 \"aws_sfn_state_machine.untraced\"",
            "XR101 \"aws_iam_role.silent\"",
        ],
        "{report:#}"
    );
    assert_eq!(status, 1);
    assert_eq!(report["summary"]["resources"], 6, "{report:#}");
    // The role's single `inline_policy` object grants the writes: no XR101 for `writer`,
    // and its escaped policy JSON was read.
    let xr101 = findings(&report)
        .iter()
        .find(|f| f["rule"] == "XR101")
        .unwrap();
    assert_eq!(xr101["line"], 33, "{xr101}");
}

#[test]
fn tfvars_json_ending_in_a_newline_decides_the_mode() {
    assert_ends_in_newline("tfvars/terraform.tfvars.json");
    let (report, status) = audit_path(&fixture("tfvars"), &[]);
    assert!(findings(&report).is_empty(), "{report:#}");
    assert_eq!(status, 0);
    assert_eq!(report["summary"]["files"], 2);
}

#[test]
fn var_file_json_ending_in_a_newline() {
    assert_ends_in_newline("var-file/prod.json");
    let (report, _) = audit_path(&fixture("var-file"), &[]);
    assert_eq!(
        resources(&report, "XR001"),
        ["aws_lambda_function.f"],
        "without --var-file the default applies"
    );
    let (report, status) = audit_path(
        &fixture("var-file"),
        &["--var-file", &fixture_arg("var-file/prod.json")],
    );
    assert!(findings(&report).is_empty(), "{report:#}");
    assert_eq!(status, 0);
}

#[test]
fn a_malformed_var_file_names_line_and_column() {
    xray_setup()
        .args(["audit", &fixture_arg("var-file"), "--var-file"])
        .arg(fixture("var-file/broken.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "broken.json:3:3: expected `,` or `}`",
        ));
}

#[test]
fn tfvars_json_and_variable_defaults_are_literal_not_templates() {
    let (report, _) = audit_path(&fixture("literal"), &[]);
    assert_eq!(
        rules(&report),
        [
            "XR002 \"aws_lambda_function.default\"",
            "XR002 \"aws_lambda_function.tfvars\"",
        ],
        "{report:#}"
    );
    assert!(message_of(&report, "XR002", "aws_lambda_function.tfvars").contains("\"${foo}\""));
    assert!(message_of(&report, "XR002", "aws_lambda_function.default").contains("\"${bar}\""));
}

#[test]
fn malformed_json_is_a_parse_error_at_its_line_and_column() {
    let (report, status) = audit_path(&fixture("malformed"), &[]);
    assert_eq!(status, 1);
    let e = findings(&report)
        .iter()
        .find(|f| f["rule"] == "XR999")
        .unwrap_or_else(|| panic!("no XR999: {report:#}"));
    assert_eq!(e["file"], "bad.tf.json");
    assert_eq!(e["severity"], "error");
    // The comma after the last property.
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(6), Some(45)),
        "{e}"
    );
    assert!(e["message"].as_str().unwrap().contains("comma"), "{e}");
    assert_eq!(
        resources(&report, "XR001"),
        ["aws_lambda_function.untraced"],
        "the rest of the tree is audited"
    );
}
