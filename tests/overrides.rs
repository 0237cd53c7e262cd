//! Override files merged as Terraform merges them (Terraform docs, "Override Files"):
//! after every primary file of the module, in lexical order of file name, each block
//! into the primary block of the same header; findings point at the file each value is
//! written in. Fixtures are in tests/fixtures/overrides/.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/overrides")
        .join(name)
}

fn audit(name: &str) -> (Value, i32) {
    audit_path(&fixture(name), &[])
}

/// The one finding of `rule` about `resource`.
fn finding<'a>(report: &'a Value, rule: &str, resource: &str) -> &'a Value {
    let found: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| f["rule"] == rule && f["resource"] == resource)
        .collect();
    assert_eq!(found.len(), 1, "{rule} for {resource} in {report:#}");
    found[0]
}

/// `(file, line, column)` of a finding or a related entry.
fn place(v: &Value) -> (&str, u64, u64) {
    (
        v["file"].as_str().unwrap(),
        v["line"].as_u64().unwrap(),
        v["column"].as_u64().unwrap(),
    )
}

fn rules(report: &Value) -> Vec<&str> {
    let mut out: Vec<&str> = findings(report)
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    out.sort();
    out
}

#[test]
fn an_override_sorting_before_main_tf_merges_into_the_block_in_main_tf() {
    // a_override.tf is found before main.tf; it must not become the primary block.
    let (report, status) = audit("order");
    assert_eq!(status, 1);
    assert_eq!(rules(&report), ["XR001", "XR101"], "{report:#}");
    // The mode comes from the override: the finding is on its line there.
    let xr001 = finding(&report, "XR001", "aws_lambda_function.f");
    assert_eq!(place(xr001), ("a_override.tf", 5, 5));
    assert_eq!(xr001["fix"]["edits"][0]["file"], "a_override.tf");
    // The role, written only in main.tf, stays: its role is found, and the function is
    // where main.tf declares it.
    let xr101 = finding(&report, "XR101", "aws_iam_role.r");
    assert_eq!(place(xr101), ("main.tf", 15, 1));
    let related = &xr101["related"][0];
    assert_eq!(related["message"], "used by `aws_lambda_function.f`");
    assert_eq!(place(related), ("main.tf", 2, 1));
}

#[test]
fn an_override_setting_active_tracing_removes_xr001() {
    let (report, status) = audit("active");
    assert_eq!(status, 0, "{report:#}");
    assert!(findings(&report).is_empty(), "{report:#}");
}

#[test]
fn a_static_override_replaces_a_dynamic_block_and_the_reverse() {
    let (report, _) = audit("dynamic");
    // dynamic "tracing_config" (PassThrough) replaced by a static Active block.
    assert_eq!(resources(&report, "XR001"), ["aws_lambda_function.emptied"]);
    // A static Active block replaced by a dynamic block that generates none.
    let xr001 = finding(&report, "XR001", "aws_lambda_function.emptied");
    assert!(
        xr001["message"]
            .as_str()
            .unwrap()
            .contains("has no `tracing_config`"),
        "{xr001:#}"
    );
    assert_eq!(xr001["file"], "tracing_override.tf");
}

#[test]
fn an_override_tf_json_merges_into_native_syntax() {
    let (report, _) = audit("json");
    assert_eq!(rules(&report), ["XR001"], "{report:#}");
    let xr001 = finding(&report, "XR001", "aws_lambda_function.to_passthrough");
    assert_eq!(place(xr001), ("override.tf.json", 11, 11));
}

#[test]
fn a_variable_default_override_is_where_the_value_comes_from() {
    let (report, _) = audit("variable");
    assert_eq!(rules(&report), ["XR001"], "{report:#}");
    let xr001 = finding(&report, "XR001", "aws_lambda_function.f");
    assert_eq!(place(xr001), ("main.tf", 9, 5));
    assert!(
        xr001["message"]
            .as_str()
            .unwrap()
            .contains("set by the default of variable `mode` in variables_override.tf"),
        "{xr001:#}"
    );
    assert_eq!(
        place(&xr001["related"][0]),
        ("variables_override.tf", 3, 13)
    );
    let edit = &xr001["fix"]["edits"][0];
    assert_eq!(place(edit), ("variables_override.tf", 3, 13));
    assert_eq!(edit["text"], "\"Active\"");
}

#[test]
fn a_locals_override_replaces_the_value_by_name() {
    let (report, _) = audit("locals");
    assert_eq!(rules(&report), ["XR001"], "{report:#}");
    let xr001 = finding(&report, "XR001", "aws_lambda_function.f");
    assert_eq!(xr001["related"][0]["message"], "local `mode`");
    assert_eq!(place(&xr001["related"][0]), ("locals_override.tf", 2, 10));
}

#[test]
fn a_module_calls_overridden_source_is_the_module_called() {
    let (report, _) = audit("module_source");
    assert_eq!(rules(&report), ["XR001"], "{report:#}");
    // ./modules/new is called with the override's argument; ./modules/old, called by
    // no one now, is a root of its own (and traced).
    let xr001 = finding(&report, "XR001", "module.fn.aws_lambda_function.new");
    assert_eq!(xr001["root"], ".");
    assert_eq!(place(xr001), ("modules/new/main.tf", 13, 5));
    assert_eq!(xr001["related"][0]["message"], "module argument `mode`");
    assert_eq!(place(&xr001["related"][0]), ("main_override.tf", 3, 12));
    assert!(
        !findings(&report)
            .iter()
            .any(|f| f["resource"] == "module.fn.aws_lambda_function.old")
    );
}

#[test]
fn an_override_of_a_module_called_from_outside_the_path_merges_too() {
    // ../lib is read on its own (not walked): its override still merges after main.tf.
    let (report, _) = audit("outside/root");
    assert_eq!(rules(&report), ["XR001", "XR101"], "{report:#}");
    let xr001 = finding(&report, "XR001", "module.fn.aws_lambda_function.this");
    assert_eq!(place(xr001), ("../lib/a_override.tf", 3, 5));
    let xr101 = finding(&report, "XR101", "module.fn.aws_iam_role.r");
    assert_eq!(
        xr101["related"][0]["message"],
        "used by `module.fn.aws_lambda_function.this`"
    );
    assert_eq!(place(&xr101["related"][0]), ("../lib/main.tf", 1, 1));
}

#[test]
fn an_override_without_a_primary_block_is_xr999_in_terraforms_words() {
    let (report, status) = audit("missing");
    assert_eq!(status, 1);
    assert_eq!(rules(&report), ["XR999"], "{report:#}");
    let xr999 = &findings(&report)[0];
    assert_eq!(
        xr999["message"],
        "Missing resource to override: There is no aws_lambda_function resource named \"g\". \
         An override file can only override a resource block defined in a primary \
         configuration file."
    );
    // At the override block's header.
    assert_eq!(place(xr999), ("typo_override.tf", 2, 1));
    assert_eq!(xr999["end_line"], 2);
    assert_eq!(xr999["end_column"], 35);
    assert_eq!(xr999["severity"], "error");
}

#[test]
fn corpus_trees_with_real_override_files_still_audit() {
    // Toyeeb29: three override files that sort before main.tf merge into its blocks.
    let dir = corpus("Toyeeb29__cgep-app-starter");
    let (report, _) = audit_path(&dir, &[]);
    assert_eq!(
        rules(&report),
        ["XR001", "XR001", "XR004", "XR101", "XR101"],
        "{report:#}"
    );
    // The stage is declared in main.tf; apigw_override.tf only adds blocks to it.
    let xr004 = finding(&report, "XR004", "aws_apigatewayv2_stage.default");
    assert_eq!(xr004["file"], "terraform/main.tf");
    // No-op overrides, one of them of for_each'd resources: nothing to report.
    for name in [
        "Azure__terraform-azurerm-aks",
        "techservicesillinois__terraform-aws-cognito",
    ] {
        let dir = corpus(name);
        let (report, status) = audit_path(&dir, &[]);
        assert_eq!(status, 0, "{name}: {report:#}");
        assert!(findings(&report).is_empty(), "{name}: {report:#}");
    }
}
