//! `audit --plan FILE` and `audit --state FILE`: every plan and state of the corpus
//! (real files Terraform wrote), hand-written plans of trees that must audit as the trees
//! do, and files that cannot be used.

mod common;

use common::{corpus, files_under, findings, tree, xray_setup};
use serde_json::{Value, json};
use std::path::Path;

/// Runs `audit ARGS --format json`; the report (when stdout is one), the exit status and
/// stderr. Fails on a panic.
fn run(args: &[&str]) -> (Option<Value>, i32, String) {
    let out = xray_setup()
        .arg("audit")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let code = out.status.code().expect("exited normally, not by a signal");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_ne!(code, 101, "panicked: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    (serde_json::from_slice(&out.stdout).ok(), code, stderr)
}

/// (rule, resource) of every finding, sorted.
fn rules(report: &Value) -> Vec<(String, String)> {
    let mut out: Vec<_> = findings(report)
        .iter()
        .map(|f| (s(&f["rule"]), s(&f["resource"])))
        .collect();
    out.sort();
    out
}

/// (rule, resource, file:line) of every finding, sorted.
fn located(report: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = findings(report)
        .iter()
        .map(|f| {
            (
                s(&f["rule"]),
                s(&f["resource"]),
                format!("{}:{}", s(&f["file"]), f["line"]),
            )
        })
        .collect();
    out.sort();
    out
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

fn is_state(path: &Path) -> bool {
    path.to_string_lossy().contains("state")
}

#[test]
fn every_corpus_file_is_audited_or_refused_by_name() {
    let dir = corpus("terraform-json");
    let files = files_under(&dir, &[".json", ".tfstate"]);
    assert!(
        files.len() >= 15,
        "{} files under {}",
        files.len(),
        dir.display()
    );
    let mut audited = 0;
    for file in &files {
        let flag = if is_state(file) { "--state" } else { "--plan" };
        let path = file.to_str().unwrap();
        let (report, code, stderr) = run(&[flag, path]);
        match code {
            0 | 1 => {
                let report = report.unwrap_or_else(|| panic!("{path}: no report; {stderr}"));
                assert!(report["findings"].is_array(), "{path}");
                audited += 1;
            }
            2 => assert!(stderr.contains(path), "{path}: {stderr}"),
            other => panic!("{path}: exit {other}: {stderr}"),
        }
    }
    // Every file of the corpus is one Terraform wrote, wrapper and UTF-16 included.
    assert_eq!(audited, files.len());
}

#[test]
fn corpus_functions_and_stages_have_their_findings() {
    // The flag, the file, and the findings it must have.
    type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);
    let cases: &[Case] = &[
        (
            "--plan",
            "infracost__infracost/examples/terraform/plan.json",
            &[("XR001", "aws_lambda_function.hello_world")],
        ),
        (
            "--plan",
            "infracost__infracost/cmd/infracost/testdata/plan_with_terraform_wrapper.json",
            &[("XR001", "aws_lambda_function.hello_world")],
        ),
        (
            "--plan",
            "bridgecrewio__checkov/tests/terraform/runner/resources/plan/tfplan.json",
            &[
                ("XR001", "aws_lambda_function.analysis_lambda"),
                ("XR101", "aws_iam_role.iam_for_lambda"),
            ],
        ),
        (
            "--plan",
            "terraform-compliance__cli/tests/functional/test_issue_522/plan.out.json",
            &[("XR001", "aws_lambda_function.lambda")],
        ),
        (
            "--plan",
            "snyk__cli/test/fixtures/iac/terraform-plan/tf-plan-no-op.json",
            &[("XR005", "aws_sfn_state_machine.terra_ci_runner")],
        ),
        (
            "--state",
            "snyk__driftctl/pkg/iac/terraform/state/test/aws_lambda_function/terraform.tfstate",
            &[
                ("XR001", "aws_lambda_function.bar"),
                ("XR001", "aws_lambda_function.foo"),
            ],
        ),
        (
            "--state",
            "snyk__driftctl/pkg/iac/terraform/state/test/aws_api_gateway_stage/terraform.tfstate",
            &[
                ("XR003", "aws_api_gateway_stage.bar"),
                ("XR003", "aws_api_gateway_stage.foo"),
            ],
        ),
    ];
    for (flag, file, expected) in cases {
        let path = corpus("terraform-json").join(file);
        let (report, code, stderr) = run(&[flag, path.to_str().unwrap()]);
        assert_eq!(code, 1, "{file}: {stderr}");
        let got = rules(&report.unwrap());
        for (rule, resource) in *expected {
            assert!(
                got.contains(&(rule.to_string(), resource.to_string())),
                "{file}: no {rule} on {resource}: {got:?}"
            );
        }
        // The plans and states hold nothing else that fails these rules.
        assert!(
            got.iter()
                .all(|(r, _)| r == "XR000" || expected.iter().any(|(e, _)| e == r)),
            "{file}: {got:?}"
        );
    }
}

#[test]
fn a_destroy_plan_audits_to_nothing_and_says_so() {
    let path = corpus("terraform-json")
        .join("snyk__cli/test/fixtures/iac/terraform-plan/tf-plan-destroy.json");
    let (report, code, stderr) = run(&["--plan", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(findings(&report.unwrap()).is_empty());
    assert!(
        stderr.contains("destroys every resource") && stderr.contains("8 deletions"),
        "{stderr}"
    );
}

#[test]
fn a_plan_is_not_a_state_nor_the_other_way() {
    let dir = corpus("terraform-json");
    let plan = dir.join("infracost__infracost/examples/terraform/plan.json");
    let (_, code, stderr) = run(&["--state", plan.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("is a plan") && stderr.contains("--plan"),
        "{stderr}"
    );
    let state = dir.join("infracost__infracost/cmd/infracost/testdata/terraform_v0.14_state.json");
    let (_, code, stderr) = run(&["--plan", state.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("is a state") && stderr.contains("--state"),
        "{stderr}"
    );
    let (_, code, stderr) = run(&["--plan", plan.to_str().unwrap(), "--account"]);
    assert_eq!(code, 2, "{stderr}");
    let (_, code, stderr) = run(&[
        "--plan",
        plan.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
}

/// Writes `text` as `name` in a new directory; the directory and the file's path.
fn file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, String) {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let p = path.to_str().unwrap().to_string();
    (dir, p)
}

#[test]
fn files_that_cannot_be_used_are_refused_with_what_is_wrong() {
    let minimal = |version: &str| {
        format!(r#"{{"format_version":"{version}","planned_values":{{"root_module":{{}}}}}}"#)
    };
    for (name, bytes, flag, says) in [
        (
            "v2.json",
            minimal("2.0").into_bytes(),
            "--plan",
            vec!["format_version 2.0", "0.x and 1.x"],
        ),
        (
            "v3.tfstate",
            br#"{"version": 3, "resources": []}"#.to_vec(),
            "--state",
            vec!["version 3", "version 4"],
        ),
        (
            "truncated.json",
            b"{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {\"root".to_vec(),
            "--plan",
            vec![":3:", "not valid JSON"],
        ),
        (
            "junk.json",
            format!("Refreshing state...\n{}", minimal("1.2")).into_bytes(),
            "--plan",
            vec![":1:", "Refreshing state..."],
        ),
        (
            "after.json",
            format!("{}\nPlan: 1 to add\n", minimal("1.2")).into_bytes(),
            "--plan",
            vec![":2:", "not valid JSON"],
        ),
        (
            "list.json",
            b"[1, 2]".to_vec(),
            "--plan",
            vec![":1:", "a line starting with `{`"],
        ),
        (
            "other.json",
            b"{\"hello\": 1}".to_vec(),
            "--plan",
            vec!["not a Terraform plan or state"],
        ),
        ("empty.json", Vec::new(), "--plan", vec!["empty"]),
        (
            "bad.json",
            b"{\"format_version\": \"1.0\", \"planned_values\": []}".to_vec(),
            "--plan",
            vec!["`planned_values` is a list"],
        ),
    ] {
        let (_dir, path) = file(name, &bytes);
        let (_, code, stderr) = run(&[flag, &path]);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stderr.contains(&path), "{name}: {stderr}");
        for s in says {
            assert!(stderr.contains(s), "{name}: no `{s}` in {stderr}");
        }
    }
    let (_, code, stderr) = run(&["--plan", "/nonexistent/plan.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("/nonexistent/plan.json"), "{stderr}");
}

#[test]
fn utf16_and_the_wrapper_are_read() {
    let plan = corpus("terraform-json").join("infracost__infracost/examples/terraform/plan.json");
    let text = std::fs::read_to_string(&plan).unwrap();
    let (want, _, _) = run(&["--plan", plan.to_str().unwrap()]);
    let want = rules(&want.unwrap());
    assert!(want.contains(&("XR001".into(), "aws_lambda_function.hello_world".into())));
    let mut be = vec![0xFE, 0xFF];
    let mut le = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        be.extend(u.to_be_bytes());
        le.extend(u.to_le_bytes());
    }
    let wrapped = format!(
        "[command]/home/runner/work/_temp/x/terraform-bin show -json tfplan\n{}\n::debug::Terraform exited with code 0.\n::set-output name=exitcode::0\n",
        text.trim()
    );
    for (name, bytes) in [
        ("be.json", be),
        ("le.json", le),
        (
            "bom.json",
            [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        ),
        ("wrapped.json", wrapped.clone().into_bytes()),
    ] {
        let (_dir, path) = file(name, &bytes);
        let (report, code, stderr) = run(&["--plan", &path]);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert_eq!(rules(&report.unwrap()), want, "{name}");
    }
    // The wrapper's lines, then something that is not.
    let (_dir, path) = file("tail.json", format!("{wrapped}Error: oops\n").as_bytes());
    let (_, code, stderr) = run(&["--plan", &path]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("{path}:5:")) && stderr.contains("Error: oops"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------
// Hand-written plans of trees: what `terraform show -json` prints for them (format
// documented at developer.hashicorp.com/terraform/internals/json-format).

/// One resource instance of a hand-written plan: what `planned_values`,
/// `resource_changes` and `configuration` say of it.
struct Res {
    address: &'static str,
    rtype: &'static str,
    name: &'static str,
    /// Known values after apply.
    values: Value,
    /// `after_unknown`.
    unknown: Value,
}

fn res(address: &'static str, values: Value, unknown: Value) -> Res {
    let last = address.rsplit_once("].").map_or(address, |x| x.1);
    let parts: Vec<&str> = last.split('.').collect();
    let rtype = parts[parts.len() - 2];
    let name = parts[parts.len() - 1].split('[').next().unwrap();
    Res {
        address,
        rtype,
        name,
        values,
        unknown,
    }
}

fn planned(r: &Res) -> Value {
    json!({
        "address": r.address, "mode": "managed", "type": r.rtype, "name": r.name,
        "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
        "values": r.values, "sensitive_values": {}
    })
}

/// A plan that creates `root`'s resources and `children`'s (module address and its
/// resources), with `configuration` as given.
fn plan(root: &[Res], children: &[(&str, &[Res])], configuration: Value) -> Value {
    let child_modules: Vec<Value> = children
        .iter()
        .map(|(m, rs)| json!({"address": m, "resources": rs.iter().map(planned).collect::<Vec<_>>()}))
        .collect();
    let changes: Vec<Value> = root
        .iter()
        .chain(children.iter().flat_map(|(_, rs)| rs.iter()))
        .map(|r| {
            let mut c = json!({
                "address": r.address, "mode": "managed", "type": r.rtype, "name": r.name,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {"actions": ["create"], "before": null, "after": r.values,
                           "after_unknown": r.unknown, "before_sensitive": false, "after_sensitive": {}}
            });
            if let Some((m, _)) = r.address.rsplit_once(".aws_") {
                c["module_address"] = json!(m);
            }
            c
        })
        .collect();
    json!({
        "format_version": "1.2",
        "terraform_version": "1.5.7",
        "planned_values": {"root_module": {
            "resources": root.iter().map(planned).collect::<Vec<_>>(),
            "child_modules": child_modules
        }},
        "resource_changes": changes,
        "configuration": configuration,
        "timestamp": "2024-01-01T00:00:00Z",
        "errored": false
    })
}

fn role_unknowns() -> Value {
    json!({"arn": true, "id": true, "unique_id": true, "create_date": true,
           "inline_policy": true, "managed_policy_arns": true, "tags_all": true})
}

fn function_unknowns(tracing_written: bool) -> Value {
    let mut u = json!({"arn": true, "id": true, "invoke_arn": true, "qualified_arn": true,
                       "version": true, "last_modified": true, "role": true, "tags_all": true});
    u["tracing_config"] = if tracing_written {
        json!([{}])
    } else {
        json!(true)
    };
    u
}

fn constant(v: Value) -> Value {
    json!({"constant_value": v})
}

fn refs(r: &[&str]) -> Value {
    json!({"references": r})
}

fn config_resource(address: &str, expressions: Value) -> Value {
    let (rtype, name) = address.split_once('.').unwrap();
    json!({"address": address, "mode": "managed", "type": rtype, "name": name,
           "provider_config_key": "aws", "expressions": expressions, "schema_version": 0})
}

const ROOT_TF: &str = r#"resource "aws_iam_role" "traced" {
  name               = "traced"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy_attachment" "xray" {
  role       = aws_iam_role.traced.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

resource "aws_iam_role" "bare" {
  name               = "bare"
  assume_role_policy = "{}"
}

resource "aws_lambda_function" "active" {
  function_name = "active"
  role          = aws_iam_role.bare.arn
  tracing_config {
    mode = "Active"
  }
}

resource "aws_lambda_function" "unset" {
  function_name = "unset"
  role          = aws_iam_role.traced.arn
}

# xray-setup:ignore XR001 -- a test of inline suppressions
resource "aws_lambda_function" "quiet" {
  function_name = "quiet"
  role          = aws_iam_role.traced.arn
}

resource "aws_api_gateway_stage" "off" {
  stage_name           = "prod"
  rest_api_id          = "abc123"
  deployment_id        = "d1"
  xray_tracing_enabled = false
}
"#;

fn root_plan() -> Value {
    let role = |n: &'static str, a: &'static str| {
        res(
            a,
            json!({"name": n, "assume_role_policy": "{}"}),
            role_unknowns(),
        )
    };
    let function = |a: &'static str, n: &str, tracing: Option<&str>| {
        let mut v = json!({"function_name": n});
        if let Some(m) = tracing {
            v["tracing_config"] = json!([{"mode": m}]);
        }
        (v, function_unknowns(tracing.is_some()), a)
    };
    let fs: Vec<Res> = [
        function("aws_lambda_function.active", "active", Some("Active")),
        function("aws_lambda_function.unset", "unset", None),
        function("aws_lambda_function.quiet", "quiet", None),
    ]
    .into_iter()
    .map(|(v, u, a)| res(a, v, u))
    .collect();
    let mut resources = vec![
        role("traced", "aws_iam_role.traced"),
        role("bare", "aws_iam_role.bare"),
        res(
            "aws_iam_role_policy_attachment.xray",
            json!({"role": "traced", "policy_arn": "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"}),
            json!({"id": true}),
        ),
        res(
            "aws_api_gateway_stage.off",
            json!({"stage_name": "prod", "rest_api_id": "abc123", "deployment_id": "d1", "xray_tracing_enabled": false}),
            json!({"arn": true, "id": true, "invoke_url": true}),
        ),
    ];
    resources.extend(fs);
    let config = json!({"provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}},
        "root_module": {"resources": [
        config_resource("aws_iam_role.traced", json!({"name": constant(json!("traced")), "assume_role_policy": constant(json!("{}"))})),
        config_resource("aws_iam_role_policy_attachment.xray", json!({"role": refs(&["aws_iam_role.traced.name", "aws_iam_role.traced"]), "policy_arn": constant(json!("arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"))})),
        config_resource("aws_iam_role.bare", json!({"name": constant(json!("bare")), "assume_role_policy": constant(json!("{}"))})),
        config_resource("aws_lambda_function.active", json!({"function_name": constant(json!("active")), "role": refs(&["aws_iam_role.bare.arn", "aws_iam_role.bare"]), "tracing_config": [{"mode": constant(json!("Active"))}]})),
        config_resource("aws_lambda_function.unset", json!({"function_name": constant(json!("unset")), "role": refs(&["aws_iam_role.traced.arn", "aws_iam_role.traced"])})),
        config_resource("aws_lambda_function.quiet", json!({"function_name": constant(json!("quiet")), "role": refs(&["aws_iam_role.traced.arn", "aws_iam_role.traced"])})),
        config_resource("aws_api_gateway_stage.off", json!({"stage_name": constant(json!("prod")), "rest_api_id": constant(json!("abc123")), "deployment_id": constant(json!("d1")), "xray_tracing_enabled": constant(json!(false))})),
    ]}});
    plan(&resources, &[], config)
}

const MODULE_ROOT_TF: &str = r#"variable "mode" {
  type = string
}

resource "aws_iam_role" "r" {
  name               = "shared"
  assume_role_policy = "{}"
}

module "fns" {
  source   = "./fns"
  for_each = toset(["a", "b"])
  name     = each.key
  role_arn = aws_iam_role.r.arn
  mode     = var.mode
}
"#;

const MODULE_CHILD_TF: &str = r#"variable "name" {}
variable "role_arn" {}
variable "mode" {}

resource "aws_lambda_function" "f" {
  function_name = var.name
  role          = var.role_arn
  tracing_config {
    mode = var.mode
  }
}
"#;

fn module_plan(mode: &str) -> Value {
    let f = |a: &'static str, n: &str| {
        res(
            a,
            json!({"function_name": n, "tracing_config": [{"mode": mode}]}),
            function_unknowns(true),
        )
    };
    let child = || -> Value {
        json!({"source": "./fns", "for_each_expression": {"references": []},
        "expressions": {"name": refs(&["each.key"]), "role_arn": refs(&["aws_iam_role.r.arn", "aws_iam_role.r"]), "mode": refs(&["var.mode"])},
        "module": {
            "resources": [config_resource("aws_lambda_function.f", json!({
                "function_name": refs(&["var.name"]), "role": refs(&["var.role_arn"]),
                "tracing_config": [{"mode": refs(&["var.mode"])}]}))],
            "variables": {"name": {}, "role_arn": {}, "mode": {}}
        }})
    };
    let config = json!({"root_module": {
        "resources": [config_resource("aws_iam_role.r", json!({"name": constant(json!("shared")), "assume_role_policy": constant(json!("{}"))}))],
        "module_calls": {"fns": child()},
        "variables": {"mode": {}}
    }});
    let mut p = plan(
        &[res(
            "aws_iam_role.r",
            json!({"name": "shared", "assume_role_policy": "{}"}),
            role_unknowns(),
        )],
        &[
            (
                r#"module.fns["a"]"#,
                &[f(r#"module.fns["a"].aws_lambda_function.f"#, "a")],
            ),
            (
                r#"module.fns["b"]"#,
                &[f(r#"module.fns["b"].aws_lambda_function.f"#, "b")],
            ),
        ],
        config,
    );
    p["variables"] = json!({"mode": {"value": mode}});
    p
}

/// The three audits agree: `--plan P`, `--plan P PATH` and `PATH` (with `tree_args`).
fn assert_equivalent(
    files: &[(&str, &str)],
    plan: &Value,
    tree_args: &[&str],
) -> Vec<(String, String, String)> {
    let dir = tree(files);
    let (_pd, p) = file(
        "plan.json",
        serde_json::to_string_pretty(plan).unwrap().as_bytes(),
    );
    let root = dir.path().to_str().unwrap();
    let (alone, c1, e1) = run(&["--plan", &p]);
    let (with_tree, c2, e2) = run(&["--plan", &p, root]);
    let mut args = vec![root];
    args.extend_from_slice(tree_args);
    let (tree_only, c3, e3) = run(&args);
    let (alone, with_tree, tree_only) = (alone.unwrap(), with_tree.unwrap(), tree_only.unwrap());
    assert!(c1 < 2 && c2 < 2 && c3 < 2, "{e1}\n{e2}\n{e3}");
    assert_eq!(
        located(&with_tree),
        located(&tree_only),
        "--plan P PATH vs PATH"
    );
    // Without the tree, the same findings by address, inline suppressions aside.
    let suppressed: Vec<(String, String)> = findings(&tree_only)
        .iter()
        .map(|f| (s(&f["rule"]), s(&f["resource"])))
        .collect();
    let alone = rules(&alone);
    for f in &suppressed {
        assert!(alone.contains(f), "{f:?} missing from --plan P: {alone:?}");
    }
    assert!(
        located(&with_tree).iter().all(|(_, _, at)| at != ":null"),
        "every finding points at a file: {:?}",
        located(&with_tree)
    );
    located(&with_tree)
}

#[test]
fn a_plan_audits_as_its_tree_does() {
    let got = assert_equivalent(&[("main.tf", ROOT_TF)], &root_plan(), &[]);
    let rules_found: Vec<(&str, &str)> = got
        .iter()
        .map(|(r, a, _)| (r.as_str(), a.as_str()))
        .collect();
    for want in [
        ("XR001", "aws_lambda_function.unset"),
        ("XR003", "aws_api_gateway_stage.off"),
    ] {
        assert!(rules_found.contains(&want), "{want:?} not in {got:?}");
    }
    // Active on a role that cannot write traces; the role with the X-Ray policy is fine.
    assert!(
        got.iter()
            .any(|(_, a, _)| a == "aws_iam_role.bare" || a == "aws_lambda_function.active"),
        "{got:?}"
    );
    assert!(
        !got.iter().any(|(_, a, _)| a == "aws_iam_role.traced"),
        "{got:?}"
    );
    // The inline suppression applies with the tree; without it, the finding shows.
    assert!(
        !rules_found.contains(&("XR001", "aws_lambda_function.quiet")),
        "{got:?}"
    );
    let (_d, p) = file("plan.json", root_plan().to_string().as_bytes());
    let (alone, _, _) = run(&["--plan", &p]);
    let alone = alone.unwrap();
    assert!(rules(&alone).contains(&("XR001".into(), "aws_lambda_function.quiet".into())));
    assert!(findings(&alone).iter().all(|f| f["root"] == "."));
}

#[test]
fn a_plan_of_module_instances_audits_as_its_tree_does() {
    let files = [
        ("main.tf", MODULE_ROOT_TF),
        ("fns/main.tf", MODULE_CHILD_TF),
    ];
    let got = assert_equivalent(
        &files,
        &module_plan("PassThrough"),
        &["--var", "mode=PassThrough"],
    );
    let xr001: Vec<&str> = got
        .iter()
        .filter(|f| f.0 == "XR001")
        .map(|f| f.1.as_str())
        .collect();
    assert_eq!(
        xr001,
        [
            r#"module.fns["a"].aws_lambda_function.f"#,
            r#"module.fns["b"].aws_lambda_function.f"#
        ],
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|f| f.0 == "XR001" && f.2.starts_with("fns/main.tf:")),
        "{got:?}"
    );
    // The role the functions get through the module's variable is the root's.
    assert!(got.iter().any(|f| f.1 == "aws_iam_role.r"), "{got:?}");
}

#[test]
fn a_plan_knows_what_the_tree_alone_does_not() {
    let dir = tree(&[
        ("main.tf", MODULE_ROOT_TF),
        ("fns/main.tf", MODULE_CHILD_TF),
    ]);
    let root = dir.path().to_str().unwrap();
    let (tree_only, _, stderr) = run(&[root]);
    let tree_only = tree_only.unwrap_or_else(|| panic!("{stderr}"));
    let unknown: Vec<String> = findings(&tree_only)
        .iter()
        .filter(|f| f["rule"] == "XR000" && s(&f["message"]).contains("mode"))
        .map(|f| s(&f["resource"]))
        .collect();
    assert!(
        !unknown.is_empty(),
        "the tree alone does not know the mode: {}",
        tree_only
    );
    assert!(!rules(&tree_only).iter().any(|(r, _)| r == "XR001"));
    for (mode, xr001) in [("Active", 0), ("PassThrough", 2)] {
        let (_d, p) = file("plan.json", module_plan(mode).to_string().as_bytes());
        let (report, _, stderr) = run(&["--plan", &p, root]);
        let report = report.unwrap_or_else(|| panic!("{stderr}"));
        let got = rules(&report);
        assert!(
            !findings(&report)
                .iter()
                .any(|f| f["rule"] == "XR000" && s(&f["message"]).contains("mode")),
            "{mode}: {got:?}"
        );
        assert_eq!(
            got.iter().filter(|(r, _)| r == "XR001").count(),
            xr001,
            "{mode}: {got:?}"
        );
    }
}

#[test]
fn a_tree_with_several_roots_is_matched_by_addresses_or_refused() {
    let dir = tree(&[
        ("app/main.tf", ROOT_TF),
        (
            "other/main.tf",
            "resource \"aws_iam_role\" \"x\" {\n  name = \"x\"\n  assume_role_policy = \"{}\"\n}\n",
        ),
    ]);
    let (_d, p) = file("plan.json", root_plan().to_string().as_bytes());
    let (report, code, stderr) = run(&["--plan", &p, dir.path().to_str().unwrap()]);
    assert!(code < 2, "{stderr}");
    let report = report.unwrap();
    assert!(
        findings(&report).iter().all(|f| f["root"] == "app"),
        "{report}"
    );
    assert!(
        findings(&report)
            .iter()
            .all(|f| s(&f["file"]).starts_with("app/")),
        "{report}"
    );
    // A plan that names nothing either root has.
    let empty = plan(&[], &[], json!({"root_module": {}}));
    let (_e, p) = file("empty.json", empty.to_string().as_bytes());
    let (_, code, stderr) = run(&["--plan", &p, dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&p) && stderr.contains("2 root modules"),
        "{stderr}"
    );
}

/// Every prefix-cut and byte-flipped version of every corpus file is read, or refused
/// with an error naming the file: never a panic.
#[test]
fn damaged_corpus_files_are_refused_not_panicked_on() {
    use xray_setup::source::plan;
    let dir = corpus("terraform-json");
    let mut refused = 0;
    for file in files_under(&dir, &[".json", ".tfstate"]) {
        let bytes = std::fs::read(&file).unwrap();
        let n = bytes.len();
        let mut variants: Vec<Vec<u8>> = (1..40).map(|i| bytes[..n * i / 40].to_vec()).collect();
        for i in 1..40 {
            let mut b = bytes.clone();
            let at = n * i / 40;
            b[at] = match b[at] {
                b'{' => b'[',
                b'"' => b'}',
                b':' => b',',
                _ => b'"',
            };
            variants.push(b);
        }
        for v in variants {
            match plan::parse(&file, &v) {
                Ok(d) => {
                    let inv = d.inventory(".", &Default::default());
                    let _ = (
                        inv.resource_count(),
                        d.state(),
                        d.addresses(),
                        d.deletions(),
                    );
                }
                Err(e) => {
                    assert!(e.to_string().contains(file.to_str().unwrap()), "{e}");
                    refused += 1;
                }
            }
        }
    }
    assert!(refused > 300, "only {refused} damaged files refused");
}

/// `scan_locating` keeps, per instance, where each argument the kinds read is written:
/// what a plan's items point at.
#[test]
fn a_scan_keeps_where_each_argument_is_written() {
    use xray_setup::model::Origin;
    use xray_setup::source::terraform::{Target, Variables, scan, scan_locating};
    let dir = tree(&[("main.tf", ROOT_TF)]);
    let targets = [Target::all(dir.path())];
    let plain = scan(&targets, &Variables::default()).unwrap();
    assert!(plain.located.is_empty(), "only when asked");
    let s = scan_locating(&targets, &Variables::default()).unwrap();
    assert_eq!(s.located.len(), s.inventory.resource_count());
    let active = s
        .located
        .iter()
        .find(|l| l.meta.as_ref().unwrap().address == "aws_lambda_function.active")
        .unwrap();
    assert_eq!(active.resource_type, "aws_lambda_function");
    let line = |o: &Option<Origin>| match o {
        Some(Origin::File { file, span }) => {
            let f = &s.inventory.files[file.0 as usize];
            f.line_col(span.start as usize).0
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(line(&active.meta.as_ref().unwrap().origin), 16);
    assert_eq!(line(&active.place("tracing_config.mode").unwrap().at), 20);
    assert_eq!(line(&active.place("function_name").unwrap().at), 17);
    assert_eq!(line(&active.written["role"]), 18);
}

/// A state with the tree it was applied from: findings at the tree's lines, inline
/// suppressions applied; every value is the state's.
#[test]
fn a_state_with_its_tree_points_at_the_tree() {
    let dir = tree(&[("main.tf", ROOT_TF)]);
    let function = |name: &str, mode: &str| {
        json!({"mode": "managed", "type": "aws_lambda_function", "name": name, "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
               "instances": [{"schema_version": 0, "attributes": {
                   "function_name": name, "arn": format!("arn:aws:lambda:eu-west-1:123456789012:function:{name}"),
                   "role": "arn:aws:iam::123456789012:role/traced", "tracing_config": [{"mode": mode}]}}]})
    };
    let state = json!({"version": 4, "terraform_version": "1.5.7", "serial": 3, "lineage": "l", "outputs": {},
    "resources": [
        function("active", "Active"), function("unset", "PassThrough"), function("quiet", "PassThrough"),
        {"mode": "managed", "type": "aws_api_gateway_stage", "name": "off", "instances": [{"attributes": {
            "stage_name": "prod", "rest_api_id": "abc123", "xray_tracing_enabled": false}}]}
    ]});
    let (_d, p) = file("terraform.tfstate", state.to_string().as_bytes());
    let (report, code, stderr) = run(&["--state", &p, dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    let got = located(&report.unwrap());
    for want in [
        ("XR001", "aws_lambda_function.unset", "main.tf:24"),
        ("XR003", "aws_api_gateway_stage.off", "main.tf:39"),
    ] {
        assert!(
            got.iter()
                .any(|(r, a, at)| (r.as_str(), a.as_str(), at.as_str()) == want),
            "{want:?} not in {got:?}"
        );
    }
    // Active is fine; quiet's XR001 is suppressed in the tree. (Their roles are not in
    // this state: XR000 says so.)
    let xr001: Vec<&str> = got
        .iter()
        .filter(|f| f.0 == "XR001")
        .map(|f| f.1.as_str())
        .collect();
    assert_eq!(xr001, ["aws_lambda_function.unset"], "{got:?}");
}
