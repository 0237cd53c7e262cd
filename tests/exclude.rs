//! `exclude` globs leave files unread (so an excluded caller decides nothing), each PATH is
//! judged by its own `.xray-setup.toml`, and a PATH without Terraform fails the run.
//! Fixtures: `tests/fixtures/exclude/` (its README says what each tree shows).

mod common;
use common::*;
use serde_json::Value;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/exclude")
        .join(name)
}

fn arg(name: &str) -> String {
    fixture(name).to_str().expect("utf-8 path").to_string()
}

/// `rule root resource severity file` of every finding.
fn summary(report: &Value) -> Vec<String> {
    findings(report)
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {} {}",
                f["rule"].as_str().unwrap(),
                f["root"].as_str().unwrap(),
                f["resource"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["file"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn a_module_only_an_excluded_example_calls_is_a_root_with_its_own_defaults() {
    let (report, status) = audit_json(&[&arg("module-root")]);
    assert_eq!(
        summary(&report),
        ["XR001 modules/fn aws_lambda_function.this warning modules/fn/main.tf"],
        "the example's tracing_mode = \"Active\" no longer decides the module"
    );
    let message = findings(&report)[0]["message"].as_str().unwrap();
    assert!(
        message.contains("default of variable `tracing_mode`"),
        "{message}"
    );
    assert_eq!(
        report["summary"]["files"], 1,
        "the example is not read at all"
    );
    assert_eq!(status, 1);

    // Without the exclusion, the example is the root and calls the module with Active.
    let (all, _) = audit_json(&[&arg("module-root"), "--config", &arg("no-exclude.toml")]);
    assert_eq!(addresses(&all, "XR001"), Vec::<String>::new());
    assert_eq!(
        addresses(&all, "XR202"),
        ["examples/complete/aws_xray_sampling_rule.everything"]
    );
    assert_eq!(all["summary"]["files"], 2);
}

#[test]
fn an_excluded_tfvars_file_no_longer_sets_a_value() {
    let (report, status) = audit_json(&[&arg("tfvars")]);
    assert_eq!(summary(&report), Vec::<String>::new(), "{report}");
    assert_eq!(
        report["summary"]["files"], 1,
        "neither local.auto.tfvars nor sandbox.tf is read"
    );
    assert_eq!(status, 0);

    let (all, status) = audit_json(&[&arg("tfvars"), "--config", &arg("no-exclude.toml")]);
    assert_eq!(
        addresses(&all, "XR001"),
        [
            "app/aws_lambda_function.api",
            "app/aws_lambda_function.sandbox"
        ]
    );
    let api = findings(&all)
        .iter()
        .find(|f| f["resource"] == "aws_lambda_function.api")
        .unwrap();
    assert!(
        api["message"]
            .as_str()
            .unwrap()
            .contains("app/local.auto.tfvars"),
        "{api}"
    );
    assert_eq!(status, 1);
}

#[test]
fn each_path_is_judged_by_its_own_config() {
    let a = arg("two-paths/team-a");
    let b = arg("two-paths/team-b");
    let (report, status) = audit_json(&[&a, &b]);
    let xr001: Vec<String> = summary(&report)
        .into_iter()
        .filter(|s| s.starts_with("XR001"))
        .map(|s| s.replace(&format!("{}/", fixture("two-paths").display()), ""))
        .collect();
    assert_eq!(
        xr001,
        [
            // Team A: every function Active (the default mode), XR001 an error,
            // legacy/ excluded.
            "XR001 team-a aws_lambda_function.api error team-a/main.tf",
            "XR001 team-a aws_lambda_function.worker error team-a/main.tf",
            // Team B: upstream-traced accepts `api` behind its traced stage, XR001 a
            // note, sandbox/ excluded but legacy/ audited.
            "XR001 team-b aws_lambda_function.worker note team-b/main.tf",
            "XR001 team-b/legacy aws_lambda_function.legacy note team-b/legacy/main.tf",
        ]
    );
    assert!(
        !summary(&report)
            .iter()
            .any(|s| s.contains("team-a/legacy") || s.contains("team-b/sandbox")),
        "{report}"
    );
    assert_eq!(status, 1);

    // One --config applies to both PATHs: team A's, whose `legacy/**` is matched
    // relative to team B's PATH (outside the config's directory).
    let (one, _) = audit_json(&[
        &a,
        &b,
        "--config",
        &arg("two-paths/team-a/.xray-setup.toml"),
    ]);
    let xr001: Vec<String> = summary(&one)
        .into_iter()
        .filter(|s| s.starts_with("XR001"))
        .map(|s| s.replace(&format!("{}/", fixture("two-paths").display()), ""))
        .collect();
    assert_eq!(
        xr001,
        [
            "XR001 team-a aws_lambda_function.api error team-a/main.tf",
            "XR001 team-a aws_lambda_function.worker error team-a/main.tf",
            "XR001 team-b aws_lambda_function.api error team-b/main.tf",
            "XR001 team-b aws_lambda_function.worker error team-b/main.tf",
            "XR001 team-b/sandbox aws_lambda_function.sandbox error team-b/sandbox/main.tf",
        ]
    );
}

#[test]
fn a_call_into_an_excluded_directory_is_followed_but_not_reported() {
    // env/prod's role comes from a module in the excluded modules/legacy/: it is read, so
    // the role is known to write traces (no XR101, no XR000), but its own function and
    // its stale suppression comment are not reported.
    let (report, status) = audit_json(&[&arg("called-excluded")]);
    assert_eq!(summary(&report), Vec::<String>::new(), "{report}");
    assert_eq!(status, 0);

    let (all, _) = audit_json(&[&arg("called-excluded"), "--config", &arg("no-exclude.toml")]);
    assert_eq!(
        summary(&all),
        [
            "XR900 .  note modules/legacy/role/main.tf",
            "XR001 env/prod module.role.aws_lambda_function.probe warning modules/legacy/role/main.tf",
        ]
    );

    // fix proposes nothing in the excluded module.
    let out = xray_setup()
        .args(["fix", &arg("called-excluded")])
        .output()
        .unwrap();
    assert_success(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout, "Would fix 0 findings in 0 files.\n");
}

#[test]
fn fix_and_cost_leave_excluded_files_unread() {
    let out = xray_setup()
        .args(["fix", &arg("module-root")])
        .output()
        .unwrap();
    assert_success(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("+++ b/modules/fn/main.tf") && stdout.contains("Would fix 1 finding"),
        "the module, now a root, is fixed where its default is: {stdout}"
    );
    assert!(!stdout.contains("examples/"), "{stdout}");

    let cost = |extra: &[&str]| -> Value {
        let out = xray_setup()
            .args(["cost", &arg("module-root"), "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        assert_success(&out);
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let names = |estimate: &Value| -> Vec<String> {
        estimate["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names(&cost(&[])),
        ["Default"],
        "the example's rule is excluded"
    );
    assert_eq!(
        names(&cost(&["--config", &arg("no-exclude.toml")])),
        ["example-everything", "Default"]
    );
}

fn run_failure(args: &[&str]) -> String {
    let out = xray_setup().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty(), "{args:?}: nothing is reported");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn a_path_without_terraform_fails_the_run() {
    let empty = tempfile::TempDir::new().unwrap();
    let empty = empty.path().to_str().unwrap();
    let readme = arg("readme-only");
    let readme_file = arg("readme-only/README.md");
    for command in ["audit", "fix", "cost"] {
        for path in [empty, readme.as_str(), readme_file.as_str()] {
            assert_eq!(
                run_failure(&[command, path]),
                format!(
                    "error: {path}: no Terraform files (.tf, .tf.json, .tofu, .tofu.json) found\n"
                ),
                "{command} {path}"
            );
        }
    }
    // Each PATH must hold some: a good one does not carry a mistyped one.
    let stderr = run_failure(&["audit", &arg("tfvars"), &readme]);
    assert_eq!(
        stderr,
        format!("error: {readme}: no Terraform files (.tf, .tf.json, .tofu, .tofu.json) found\n")
    );
    // --format json too: a CI gate reading the report gets none, and exit 2.
    run_failure(&["audit", empty, "--format", "json"]);
}

#[test]
fn a_path_whose_terraform_is_all_excluded_says_so() {
    let examples = arg("module-root/examples");
    assert_eq!(
        run_failure(&["audit", &examples]),
        format!(
            "error: {examples}: no Terraform files (.tf, .tf.json, .tofu, .tofu.json) found (1 file, excluded by the config's `exclude`)\n"
        )
    );
    // A tfvars file alone is Terraform enough: nothing to audit, but not a typo.
    let dir = tree(&[("terraform.tfvars", "region = \"eu-west-1\"\n")]);
    let (report, status) = audit_path(dir.path(), &[]);
    assert_eq!(findings(&report).len(), 0);
    assert_eq!(status, 0);
}

/// OpenTofu: `.tofu` files are read, and `NAME.tofu` replaces `NAME.tf` in its module
/// (opentofu.org/docs/language/files, "Extension Precedence"), in the PATH and in a
/// module it calls.
#[test]
fn a_tofu_file_replaces_the_tf_file_of_its_name() {
    let dir = tree(&[
        (
            "main.tf",
            "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n}\n\nmodule \"m\" {\n  source = \"./m\"\n}\n",
        ),
        (
            "main.tofu",
            "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n\n  tracing_config {\n    mode = \"Active\"\n  }\n}\n\nmodule \"m\" {\n  source = \"./m\"\n}\n",
        ),
        (
            "extra.tofu",
            "resource \"aws_lambda_function\" \"g\" {\n  function_name = \"g\"\n}\n",
        ),
        (
            "m/main.tf.json",
            r#"{"resource": {"aws_lambda_function": {"h": {"function_name": "h"}}}}"#,
        ),
        (
            "m/main.tofu.json",
            r#"{"resource": {"aws_lambda_function": {"h": {"function_name": "h", "tracing_config": {"mode": "Active"}}}}}"#,
        ),
    ]);
    let (report, _) = audit_path(dir.path(), &[]);
    assert_eq!(
        addresses(&report, "XR001"),
        ["aws_lambda_function.g"],
        "main.tf and m/main.tf.json are not read: {report:#}"
    );
    assert_eq!(report["summary"]["files"], 3, "{report:#}");
}
