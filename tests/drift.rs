//! `xray-setup drift` against moto (tests/moto/harness.py): a tree and an account built to
//! match it (tests/moto/drift.py), then changed by hand; drift reports exactly those
//! changes, `--adopt --write` writes them into the code, `--emit cli` (run with the AWS
//! CLI) puts the account back.

mod common;
use common::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;

const XRAY_WRITE: &str = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess";

/// (Terraform name, function name, mode: None for no tracing_config)
const FUNCTIONS: &[(&str, &str, Option<&str>)] = &[
    ("fn_a", "fn-a", Some("Active")),
    ("fn_b", "fn-b", Some("Active")),
    ("fn_c", "fn-c", Some("PassThrough")),
    ("fn_d", "fn-d", Some("PassThrough")),
    ("fn_e", "fn-e", None),
];

/// (Terraform name, stage name, xray_tracing_enabled: None for not written)
const STAGES: &[(&str, &str, Option<bool>)] =
    &[("live", "live", Some(true)), ("test", "test", None)];

fn tree_text() -> String {
    let mut s = String::from(
        r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_iam_role" "app" {
  name = "drift-app"

  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "xray" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}
"#,
    );
    for (tf, name, mode) in FUNCTIONS {
        s.push_str(&format!(
            "\nresource \"aws_lambda_function\" \"{tf}\" {{\n  function_name = \"{name}\"\n  role          = aws_iam_role.app.arn\n  handler       = \"app.handler\"\n  runtime       = \"python3.12\"\n  filename      = \"app.zip\"\n"
        ));
        if let Some(mode) = mode {
            s.push_str(&format!(
                "\n  tracing_config {{\n    mode = \"{mode}\"\n  }}\n"
            ));
        }
        s.push_str("}\n");
    }
    s.push_str(
        r#"
resource "aws_api_gateway_rest_api" "orders" {
  name = "orders"
}

resource "aws_api_gateway_deployment" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
}
"#,
    );
    for (tf, name, tracing) in STAGES {
        s.push_str(&format!(
            "\nresource \"aws_api_gateway_stage\" \"{tf}\" {{\n  rest_api_id   = aws_api_gateway_rest_api.orders.id\n  deployment_id = aws_api_gateway_deployment.orders.id\n  stage_name    = \"{name}\"\n"
        ));
        if let Some(on) = tracing {
            s.push_str(&format!("\n  xray_tracing_enabled = {on}\n"));
        }
        s.push_str("}\n");
    }
    s.push_str(
        r#"
resource "aws_sfn_state_machine" "flow" {
  name       = "orders-flow"
  role_arn   = aws_iam_role.app.arn
  definition = jsonencode({ StartAt = "Done", States = { Done = { Type = "Pass", End = true } } })

  tracing_configuration {
    enabled = true
  }
}

resource "aws_xray_sampling_rule" "orders" {
  rule_name      = "orders"
  priority       = 100
  fixed_rate     = 0.1
  reservoir_size = 1
  service_name   = "*"
  service_type   = "*"
  host           = "*"
  http_method    = "*"
  url_path       = "*"
  resource_arn   = "*"
  version        = 1
}
"#,
    );
    s
}

/// The account the tree describes.
fn matching_account() -> Value {
    json!({
        "roles": [{"name": "drift-app", "policies": [XRAY_WRITE]}],
        "functions": FUNCTIONS.iter().map(|(_, name, mode)| json!({"name": name, "role": "drift-app", "mode": mode})).collect::<Vec<_>>(),
        "apis": [{"name": "orders", "stages": STAGES.iter().map(|(_, name, on)| json!({"name": name, "tracing": on})).collect::<Vec<_>>()}],
        "rules": [{"name": "orders", "priority": 100, "fixed_rate": 0.1, "reservoir": 1}],
        "machines": [{"name": "orders-flow", "role": "drift-app", "tracing": true}],
    })
}

/// Runs tests/moto/drift.py with `spec`; returns the account's ARNs by name.
fn account(moto: &Moto, spec: Value) -> Value {
    use std::io::Write;
    let mut child = std::process::Command::new(Moto::venv_bin().join("python"))
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/moto/drift.py"))
        .args(["--endpoint", &moto.url])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(spec.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_success(&out);
    serde_json::from_slice(&out.stdout).unwrap()
}

fn drift(moto: &Moto, dir: &Path, extra: &[&str]) -> (Value, i32) {
    let mut args = vec![dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    drift_with(moto, &args)
}

/// `drift --format json ARGS`: the report and the exit status.
fn drift_with(moto: &Moto, args: &[&str]) -> (Value, i32) {
    let out = moto
        .xray_setup()
        .args(["drift", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (report, out.status.code().unwrap())
}

/// `drift --adopt --write DIR`: the account's values written into the code.
fn adopt(moto: &Moto, dir: &Path) {
    let out = moto
        .xray_setup()
        .args(["drift", "--adopt", "--write"])
        .arg(dir)
        .output()
        .unwrap();
    assert_success(&out);
}

/// Every finding as (rule, resource).
fn found(report: &Value) -> BTreeSet<(String, String)> {
    findings(report)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// A raw `terraform.tfstate` (version 4), as `terraform apply` of the tree would write it
/// for the account `created` describes (tests/moto/drift.py's output).
fn state_of(created: &Value) -> Value {
    let provider = r#"provider["registry.terraform.io/hashicorp/aws"]"#;
    let resource = |rtype: &str, name: &str, attributes: Value| {
        json!({"mode": "managed", "type": rtype, "name": name, "provider": provider,
               "instances": [{"schema_version": 0, "attributes": attributes, "sensitive_attributes": []}]})
    };
    let mut resources = vec![resource(
        "aws_iam_role",
        "app",
        json!({"arn": created["roles"]["drift-app"], "id": "drift-app", "name": "drift-app"}),
    )];
    for (tf, name, mode) in FUNCTIONS {
        let arn = &created["functions"][name];
        resources.push(resource(
            "aws_lambda_function",
            tf,
            json!({"arn": arn, "id": name, "function_name": name,
                   "tracing_config": [{"mode": mode.unwrap_or("PassThrough")}]}),
        ));
    }
    for (tf, name, on) in STAGES {
        let arn = created["stages"][format!("orders/{name}")]
            .as_str()
            .unwrap();
        let api = arn.split('/').nth(2).unwrap();
        resources.push(resource(
            "aws_api_gateway_stage",
            tf,
            json!({"arn": arn, "id": format!("ags-{api}-{name}"), "rest_api_id": api,
                   "stage_name": name, "xray_tracing_enabled": on.unwrap_or(false)}),
        ));
    }
    resources.push(resource(
        "aws_sfn_state_machine",
        "flow",
        json!({"arn": created["machines"]["orders-flow"], "id": created["machines"]["orders-flow"],
               "name": "orders-flow", "tracing_configuration": [{"enabled": true}]}),
    ));
    resources.push(resource(
        "aws_xray_sampling_rule",
        "orders",
        json!({"arn": "arn:aws:xray:us-east-1:123456789012:sampling-rule/orders", "id": "orders",
               "rule_name": "orders", "priority": 100, "fixed_rate": 0.1, "reservoir_size": 1}),
    ));
    json!({"version": 4, "terraform_version": "1.9.8", "serial": 3, "lineage": "drift-test",
           "outputs": {}, "resources": resources, "check_results": null})
}

/// The changes someone makes by hand, and what drift must report for them.
fn changes() -> Value {
    json!({
        "modes": {"fn-a": "PassThrough", "fn-c": "Active", "fn-e": "Active"},
        "stages": {"orders/live": false, "orders/test": true},
        "rules": {"orders": {"FixedRate": 0.5}, "Default": {"FixedRate": 0.2}},
        "machines": {"orders-flow": false},
    })
}

fn expected_for_changes() -> Vec<(&'static str, &'static str)> {
    vec![
        ("XR301", "aws_lambda_function.fn_a"),
        ("XR304", "aws_lambda_function.fn_c"),
        ("XR304", "aws_lambda_function.fn_e"),
        ("XR301", "aws_api_gateway_stage.live"),
        ("XR304", "aws_api_gateway_stage.test"),
        ("XR301", "aws_xray_sampling_rule.orders"),
        ("XR301", "aws_sfn_state_machine.flow"),
        (
            "XR302",
            "arn:aws:xray:us-east-1:123456789012:sampling-rule/Default",
        ),
    ]
}

#[test]
fn drift_reports_exactly_what_changed_by_hand_and_adopt_writes_it_into_the_code() {
    let moto = Moto::start();
    let dir = tree(&[("main.tf", &tree_text())]);
    let files = vec![dir.path().join("main.tf")];
    for v in hcl_tools().fmt_clean(&files) {
        assert!(v.ok, "the fixture is as terraform fmt writes it: {v:?}");
    }
    let created = account(&moto, json!({"create": matching_account()}));
    // What `terraform apply` would have recorded; kept outside the tree.
    let kept = tempfile::tempdir().unwrap();
    let state = kept.path().join("terraform.tfstate");
    std::fs::write(&state, state_of(&created).to_string()).unwrap();
    let with_state = ["--state", state.to_str().unwrap()];

    let (report, status) = drift(&moto, dir.path(), &[]);
    assert_eq!(
        found(&report),
        BTreeSet::new(),
        "code and account agree: {report:#}"
    );
    assert_eq!(status, 0);
    let (report, _) = drift(&moto, dir.path(), &with_state);
    assert_eq!(
        found(&report),
        BTreeSet::new(),
        "joined through the state: {report:#}"
    );

    let mut change = changes();
    change["delete"] = json!(["fn-d"]);
    change["add"] = json!([{"name": "fn-hand", "role": "drift-app", "mode": null}]);
    let arns = account(&moto, json!({"change": change}));
    let (report, status) = drift(&moto, dir.path(), &[]);
    let hand = arns["functions"]["fn-hand"].as_str().unwrap();
    let mut expected = expected_for_changes();
    expected.push(("XR303", "aws_lambda_function.fn_d"));
    expected.push(("XR302", hand));
    assert_eq!(found(&report), set(&expected), "{report:#}");
    assert_eq!(status, 1, "drift at warning fails the run");
    let (by_state, _) = drift(&moto, dir.path(), &with_state);
    assert_eq!(
        found(&by_state),
        set(&expected),
        "joined through the state: {by_state:#}"
    );
    let fn_d = findings(&by_state)
        .iter()
        .find(|f| f["resource"] == "aws_lambda_function.fn_d")
        .unwrap();
    assert!(
        fn_d["message"]
            .as_str()
            .unwrap()
            .contains(created["functions"]["fn-d"].as_str().unwrap()),
        "names the ARN the state records: {fn_d}"
    );

    // Each side's value, in the message and in JSON.
    let fn_c = findings(&report)
        .iter()
        .find(|f| f["resource"] == "aws_lambda_function.fn_c")
        .unwrap();
    assert_eq!(fn_c["declared"], "PassThrough");
    assert_eq!(fn_c["actual"], "Active");
    assert!(
        fn_c["message"]
            .as_str()
            .unwrap()
            .contains("turns Active tracing off"),
        "{fn_c}"
    );
    assert_eq!(fn_c["file"], "main.tf");
    assert_eq!(fn_c["account"], "123456789012");
    assert_eq!(fn_c["region"], "us-east-1");

    // Adopt: a diff first, changing nothing; then the edits.
    let before = std::fs::read_to_string(dir.path().join("main.tf")).unwrap();
    let out = moto
        .xray_setup()
        .args(["drift", "--adopt"])
        .arg(dir.path())
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("+    mode = \"Active\""), "{shown}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("main.tf")).unwrap(),
        before
    );
    adopt(&moto, dir.path());
    let (report, _) = drift(&moto, dir.path(), &[]);
    let left: BTreeSet<_> = found(&report)
        .into_iter()
        .filter(|(rule, _)| rule == "XR301" || rule == "XR304")
        .collect();
    assert_eq!(left, BTreeSet::new(), "adopted: {report:#}");
    // What adopting cannot change stays: the function deleted, the one added, the
    // Default rule.
    assert_eq!(
        found(&report),
        set(&[
            ("XR303", "aws_lambda_function.fn_d"),
            ("XR302", hand),
            (
                "XR302",
                "arn:aws:xray:us-east-1:123456789012:sampling-rule/Default"
            ),
        ])
    );
    // The edits are what HashiCorp's parser accepts and its formatter leaves alone.
    for v in hcl_tools()
        .parse(&files)
        .into_iter()
        .chain(hcl_tools().fmt_clean(&files))
    {
        assert!(v.ok, "{v:?}");
    }
}

#[test]
fn emit_cli_run_with_the_aws_cli_puts_the_account_back_to_the_code() {
    let moto = Moto::start();
    let dir = tree(&[("main.tf", &tree_text())]);
    account(
        &moto,
        json!({"create": matching_account(), "change": changes()}),
    );
    let (report, _) = drift(&moto, dir.path(), &[]);
    assert_eq!(found(&report), set(&expected_for_changes()));

    let out = moto
        .xray_setup()
        .args(["drift", "--emit", "cli"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_success(&out);
    let kept = tempfile::tempdir().unwrap();
    let script = kept.path().join("revert.sh");
    std::fs::write(&script, &out.stdout).unwrap();
    let ran = moto.bash(&script);
    assert_success(&ran);
    let (report, status) = drift(&moto, dir.path(), &[]);
    // The Default rule is no resource of the code: the script leaves it.
    assert_eq!(
        found(&report),
        set(&[(
            "XR302",
            "arn:aws:xray:us-east-1:123456789012:sampling-rule/Default"
        )]),
        "{}\n{report:#}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(status, 0, "a note does not fail the run");
}

#[test]
fn drift_makes_no_call_per_function() {
    let moto = Moto::start();
    let n: usize = 1000;
    let functions: Vec<(String, String)> = (0..n)
        .map(|i| (format!("f{i:04}"), format!("fn-{i:04}")))
        .collect();
    let mut text = String::from(
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_iam_role\" \"app\" {\n  name               = \"drift-app\"\n  assume_role_policy = \"{}\"\n}\n\nresource \"aws_iam_role_policy_attachment\" \"xray\" {\n  role       = aws_iam_role.app.name\n  policy_arn = \"arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess\"\n}\n",
    );
    for (tf, name) in &functions {
        text.push_str(&format!(
            "\nresource \"aws_lambda_function\" \"{tf}\" {{\n  function_name = \"{name}\"\n  role          = aws_iam_role.app.arn\n\n  tracing_config {{\n    mode = \"Active\"\n  }}\n}}\n"
        ));
    }
    let dir = tree(&[("main.tf", &text)]);
    account(
        &moto,
        json!({"create": {
            "roles": [{"name": "drift-app", "policies": [XRAY_WRITE]}],
            "functions": functions.iter().map(|(_, name)| json!({"name": name, "role": "drift-app", "mode": "Active"})).collect::<Vec<_>>(),
        }}),
    );
    moto.take_log();
    let out = moto
        .xray_setup()
        .arg("drift")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_success(&out);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.starts_with("0 findings"), "{report}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("compared 1000 functions, 1 IAM role"),
        "{stderr}"
    );
    let log = moto.take_log();
    let lambda: Vec<&str> = log
        .iter()
        .filter(|e| e["service"] == "lambda")
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert!(lambda.iter().all(|op| *op == "ListFunctions"), "{lambda:?}");
    // Lambda lists 50 functions a page.
    assert_eq!(lambda.len(), n.div_ceil(50), "{lambda:?}");
    assert!(log.len() < 40, "{} calls: {log:?}", log.len());
}

/// A role whose code lists its managed policies exclusively (`managed_policy_arns`) and
/// whose account has the X-Ray write policy attached by hand (as `enable` attaches it):
/// the next apply detaches it.
#[test]
fn an_exclusive_list_that_would_detach_the_xray_policy_is_reported() {
    let moto = Moto::start();
    let text = r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_iam_role" "exclusive" {
  name                = "drift-exclusive"
  assume_role_policy  = "{}"
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
}

resource "aws_lambda_function" "app" {
  function_name = "exclusive-app"
  role          = aws_iam_role.exclusive.arn

  tracing_config {
    mode = "Active"
  }
}
"#;
    let dir = tree(&[("main.tf", text)]);
    account(
        &moto,
        json!({"create": {
            "roles": [{"name": "drift-exclusive", "policies": [
                "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", XRAY_WRITE]}],
            "functions": [{"name": "exclusive-app", "role": "drift-exclusive", "mode": "Active"}],
        }}),
    );
    let (report, status) = drift(&moto, dir.path(), &[]);
    assert_eq!(
        found(&report),
        set(&[("XR304", "aws_iam_role.exclusive")]),
        "{report:#}"
    );
    let f = &findings(&report)[0];
    assert_eq!(f["declared"], "cannot write traces");
    assert_eq!(f["actual"], "can write traces");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("`managed_policy_arns` of `aws_iam_role.exclusive`"),
        "{f}"
    );
    assert_eq!(f["line"], 8, "points at the list: {f}");
    assert_eq!(status, 1);
}

/// `enable --apply --terraform PATH` names the changes the next apply of PATH undoes, and
/// the `drift --adopt` command that keeps them.
#[test]
fn enable_says_which_of_its_changes_the_next_apply_would_undo() {
    let moto = Moto::start();
    let dir = tree(&[("main.tf", &tree_text())]);
    account(&moto, json!({"create": matching_account()}));
    let journal = tempfile::tempdir().unwrap();
    let out = moto
        .xray_setup()
        .args([
            "enable",
            "--function",
            "fn-c",
            "--function",
            "fn-e",
            "--apply",
            "--yes",
        ])
        .arg("--journal")
        .arg(journal.path().join("j.jsonl"))
        .arg("--terraform")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_success(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("would undo 2 of these changes"), "{text}");
    assert!(text.contains("aws_lambda_function.fn_c"), "{text}");
    assert!(text.contains("aws_lambda_function.fn_e"), "{text}");
    assert!(text.contains("xray-setup drift --adopt"), "{text}");
    // Once adopted, the next apply keeps them.
    adopt(&moto, dir.path());
    let (report, status) = drift(&moto, dir.path(), &[]);
    assert_eq!(found(&report), BTreeSet::new(), "{report:#}");
    assert_eq!(status, 0);
}

/// A plan of the code that makes no change (`terraform plan` before anyone noticed), as
/// `terraform show -json` writes it: planned values, and the prior state with the ARNs
/// that join each function with the account's.
fn no_op_plan(created: &Value) -> Value {
    let provider = "registry.terraform.io/hashicorp/aws";
    let role_arn = &created["roles"]["drift-app"];
    let role = json!({"name": "drift-app", "arn": role_arn, "id": "drift-app", "assume_role_policy": "{}",
                      "managed_policy_arns": [XRAY_WRITE], "inline_policy": []});
    let attachment = json!({"role": "drift-app", "policy_arn": XRAY_WRITE, "id": "drift-app-xray"});
    let mut resources = vec![
        ("aws_iam_role", "app", role),
        ("aws_iam_role_policy_attachment", "xray", attachment),
    ];
    for (tf, name, mode) in FUNCTIONS {
        let tracing = json!([{"mode": mode.unwrap_or("PassThrough")}]);
        resources.push((
            "aws_lambda_function",
            tf,
            json!({"function_name": name, "role": role_arn, "arn": created["functions"][name],
                   "tracing_config": tracing, "handler": "app.handler", "runtime": "python3.12"}),
        ));
    }
    let values = |(rtype, name, values): &(&str, &str, Value)| {
        json!({"address": format!("{rtype}.{name}"), "mode": "managed", "type": rtype, "name": name,
               "provider_name": provider, "schema_version": 0, "values": values, "sensitive_values": {}})
    };
    let changes: Vec<Value> = resources
        .iter()
        .map(|(rtype, name, v)| {
            json!({"address": format!("{rtype}.{name}"), "mode": "managed", "type": rtype, "name": name,
                   "provider_name": provider,
                   "change": {"actions": ["no-op"], "before": v, "after": v, "after_unknown": {},
                              "before_sensitive": {}, "after_sensitive": {}}})
        })
        .collect();
    // What the tree writes, as Terraform's `configuration` shows it: literals as
    // `constant_value`, references as `references`, a block as a list of its arguments.
    let constant = |v: &str| json!({"constant_value": v});
    let role_refs = |attr: &str| json!({"references": [format!("aws_iam_role.app.{attr}"), "aws_iam_role.app"]});
    let configured: Vec<Value> = resources
        .iter()
        .map(|(rtype, name, values)| {
            let expressions = match *rtype {
                "aws_iam_role" => json!({"name": constant("drift-app"), "assume_role_policy": {}}),
                "aws_iam_role_policy_attachment" => {
                    json!({"role": role_refs("name"), "policy_arn": constant(XRAY_WRITE)})
                }
                _ => {
                    let mut e = json!({
                        "function_name": constant(values["function_name"].as_str().unwrap()),
                        "role": role_refs("arn"),
                        "handler": constant("app.handler"),
                        "runtime": constant("python3.12"),
                        "filename": constant("app.zip"),
                    });
                    let written = FUNCTIONS.iter().find(|f| f.0 == *name).and_then(|f| f.2);
                    if let Some(mode) = written {
                        e["tracing_config"] = json!([{"mode": constant(mode)}]);
                    }
                    e
                }
            };
            json!({"address": format!("{rtype}.{name}"), "mode": "managed", "type": rtype, "name": name,
                   "provider_config_key": "aws", "expressions": expressions, "schema_version": 0})
        })
        .collect();
    let listed: Vec<Value> = resources.iter().map(values).collect();
    json!({
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": {"resources": listed}},
        "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "terraform_version": "1.9.8",
                        "values": {"root_module": {"resources": listed}}},
        "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": provider}},
                          "root_module": {"resources": configured}},
        "timestamp": "2026-11-29T00:00:00Z",
        "errored": false
    })
}

/// `drift --plan` joins through the plan's prior state: alone (findings name addresses)
/// and with the tree it was made from (findings point at its lines).
#[test]
fn drift_of_a_plan_joins_through_its_prior_state() {
    let moto = Moto::start();
    let dir = tree(&[("main.tf", &tree_text())]);
    let created = account(&moto, json!({"create": matching_account()}));
    let kept = tempfile::tempdir().unwrap();
    let plan = kept.path().join("plan.json");
    std::fs::write(&plan, no_op_plan(&created).to_string()).unwrap();
    account(
        &moto,
        json!({"change": {"modes": {"fn-a": "PassThrough", "fn-c": "Active"}}}),
    );
    let expected = set(&[
        ("XR301", "aws_lambda_function.fn_a"),
        ("XR304", "aws_lambda_function.fn_c"),
    ]);
    let plan = plan.to_str().unwrap();
    let (alone, status) = drift_with(&moto, &["--plan", plan]);
    let functions_and_roles: BTreeSet<_> = found(&alone)
        .into_iter()
        .filter(|(rule, _)| rule != "XR302")
        .collect();
    assert_eq!(functions_and_roles, expected, "{alone:#}");
    assert_eq!(status, 1);
    assert!(findings(&alone).iter().all(|f| f["file"].is_null()));
    let (located, _) = drift_with(&moto, &["--plan", plan, dir.path().to_str().unwrap()]);
    let fn_a = findings(&located)
        .iter()
        .find(|f| f["resource"] == "aws_lambda_function.fn_a")
        .unwrap();
    assert_eq!(fn_a["file"], "main.tf", "{fn_a}");
    assert!(fn_a["line"].as_u64().unwrap() > 1);
}

/// A function whose name only an apply can tell is not guessed at: an XR000 note says to
/// pass --state, and the live function it may be is reported as unmanaged with that said.
#[test]
fn a_name_not_known_offline_asks_for_the_state() {
    let moto = Moto::start();
    let text = r#"provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_lambda_function" "app" {
  function_name = var.name
  role          = "arn:aws:iam::123456789012:role/drift-app"
}
"#;
    let dir = tree(&[("main.tf", text)]);
    account(
        &moto,
        json!({"create": {
            "roles": [{"name": "drift-app", "policies": [XRAY_WRITE]}],
            "functions": [{"name": "named-at-apply", "role": "drift-app", "mode": "Active"}],
        }}),
    );
    let (report, status) = drift(&moto, dir.path(), &[]);
    let all = findings(&report);
    let note = all
        .iter()
        .find(|f| f["rule"] == "XR000")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(note["resource"], "aws_lambda_function.app");
    assert!(
        note["message"].as_str().unwrap().contains("--state"),
        "{note}"
    );
    let unmanaged = all
        .iter()
        .find(|f| f["rule"] == "XR302")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert!(
        unmanaged["message"]
            .as_str()
            .unwrap()
            .contains("one of the 1 declared functions drift could not join"),
        "{unmanaged}"
    );
    assert!(
        !all.iter()
            .any(|f| f["rule"] == "XR301" || f["rule"] == "XR303"),
        "{report:#}"
    );
    assert_eq!(status, 0, "notes only");
}
