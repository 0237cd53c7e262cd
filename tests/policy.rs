//! `.xray-setup.toml`, inline suppressions, baselines and `lambda_mode = "upstream-traced"`.

mod common;
use common::*;
use serde_json::Value;

const PASSTHROUGH_FN: &str = r#"
resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy_attachment" "xray" {
  role       = aws_iam_role.fn.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "fn.zip"
}
"#;

/// A REST API that proxies to `aws_lambda_function.api`, its stage tracing as given.
fn behind_rest_api(tracing: bool) -> String {
    format!(
        r#"
resource "aws_api_gateway_rest_api" "api" {{
  name = "api"
}}

resource "aws_api_gateway_integration" "proxy" {{
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_rest_api.api.root_resource_id
  http_method             = "ANY"
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.api.invoke_arn
}}

resource "aws_lambda_permission" "apigw" {{
  statement_id  = "AllowAPIGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${{aws_api_gateway_rest_api.api.execution_arn}}/*/*"
}}

resource "aws_api_gateway_stage" "prod" {{
  rest_api_id          = aws_api_gateway_rest_api.api.id
  deployment_id        = "d"
  stage_name           = "prod"
  xray_tracing_enabled = {tracing}
}}
"#
    )
}

const SQS_MAPPING: &str = r#"
resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}

resource "aws_lambda_event_source_mapping" "jobs" {
  event_source_arn = aws_sqs_queue.jobs.arn
  function_name    = aws_lambda_function.api.arn
}
"#;

const UPSTREAM: &str = "lambda_mode = \"upstream-traced\"\n";

fn xr001_messages(report: &Value) -> Vec<String> {
    findings(report)
        .iter()
        .filter(|f| f["rule"] == "XR001")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn upstream_traced_accepts_a_function_only_a_traced_stage_invokes() {
    let api = behind_rest_api(true);
    let dir = tree(&[("main.tf", PASSTHROUGH_FN), ("api.tf", &api)]);
    let (active, _) = audit_path(dir.path(), &[]);
    assert_eq!(
        xr001_messages(&active).len(),
        1,
        "the default mode wants Active"
    );

    std::fs::write(dir.path().join(".xray-setup.toml"), UPSTREAM).unwrap();
    let (upstream, status) = audit_path(dir.path(), &[]);
    assert_eq!(xr001_messages(&upstream), Vec::<String>::new());
    assert_eq!(status, 0, "{upstream}");
}

#[test]
fn upstream_traced_keeps_the_finding_when_a_queue_also_invokes_it() {
    let api = behind_rest_api(true);
    let dir = tree(&[
        ("main.tf", PASSTHROUGH_FN),
        ("api.tf", &api),
        ("queue.tf", SQS_MAPPING),
        (".xray-setup.toml", UPSTREAM),
    ]);
    let (report, status) = audit_path(dir.path(), &[]);
    let messages = xr001_messages(&report);
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0]
            .contains("event source mapping `aws_lambda_event_source_mapping.jobs` invokes it"),
        "{}",
        messages[0]
    );
    assert_eq!(status, 1);
}

#[test]
fn upstream_traced_keeps_the_finding_behind_an_untraced_stage() {
    let api = behind_rest_api(false);
    let dir = tree(&[
        ("main.tf", PASSTHROUGH_FN),
        ("api.tf", &api),
        (".xray-setup.toml", UPSTREAM),
    ]);
    let (report, _) = audit_path(dir.path(), &[]);
    let messages = xr001_messages(&report);
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].contains("stage `aws_api_gateway_stage.prod` of `aws_api_gateway_rest_api.api` invokes it without tracing"),
        "{}",
        messages[0]
    );
    // Nothing invokes a lone function: upstream-traced cannot vouch for it.
    let lone = tree(&[("main.tf", PASSTHROUGH_FN), (".xray-setup.toml", UPSTREAM)]);
    let (report, _) = audit_path(lone.path(), &[]);
    assert!(
        xr001_messages(&report)[0]
            .contains("nothing in this root shows a REST API stage invoking it")
    );
}

fn config_error(config: &str) -> String {
    let dir = tree(&[("main.tf", PASSTHROUGH_FN), (".xray-setup.toml", config)]);
    let out = xray_setup()
        .args(["audit", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let at = stderr.find(".xray-setup.toml:").expect("names the file");
    stderr[at..].trim().to_string()
}

#[test]
fn each_config_mistake_is_an_error_at_its_line_and_key() {
    let cases = [
        (
            "lambda_mode = \"sometimes\"\n",
            ".xray-setup.toml:1:15: lambda_mode: \"sometimes\" is not a mode",
        ),
        (
            "\n[rules]\nXR042 = \"off\"\n",
            ".xray-setup.toml:3:9: rules.XR042: no rule has this code or name",
        ),
        (
            "[rules]\nXR001 = \"fatal\"\n",
            ".xray-setup.toml:2:9: rules.XR001: \"fatal\" is not a level",
        ),
        (
            "exclude = [\"a/[b\"]\n",
            ".xray-setup.toml:1:12: exclude: \"a/[b\" is not a glob",
        ),
        (
            "[[ignore]]\nrule = \"XR001\"\nexpires = \"soon\"\n",
            ".xray-setup.toml:3:11: ignore.expires: \"soon\" is not a date",
        ),
        (
            "[[ignore]]\nrule = \"XR9\"\n",
            ".xray-setup.toml:2:8: ignore.rule: \"XR9\" is no rule's code or name",
        ),
        (
            "lamda_mode = \"active\"\n",
            ".xray-setup.toml:1:1: unknown field `lamda_mode`",
        ),
        (
            "[[ignore]]\nreason = \"x\"\n",
            ".xray-setup.toml:1:1: missing field `rule`",
        ),
        ("[rules\n", ".xray-setup.toml:1:"),
    ];
    for (config, expected) in cases {
        let message = config_error(config);
        assert!(message.starts_with(expected), "{config:?}: {message}");
    }
    // --config names a file that is not there.
    let dir = tree(&[("main.tf", PASSTHROUGH_FN)]);
    let out = xray_setup()
        .args([
            "audit",
            dir.path().to_str().unwrap(),
            "--config",
            "nope.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read nope.toml"));
}

#[test]
fn the_config_is_found_upward_and_sets_levels() {
    let dir = tree(&[
        ("infra/app/main.tf", PASSTHROUGH_FN),
        (".xray-setup.toml", "[rules]\nXR001 = \"error\"\n"),
    ]);
    let (report, _) = audit_path(&dir.path().join("infra/app"), &[]);
    let xr001: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "XR001")
        .collect();
    assert_eq!(xr001.len(), 1);
    assert_eq!(xr001[0]["severity"], "error");
    std::fs::write(
        dir.path().join(".xray-setup.toml"),
        "[rules]\nlambda-tracing-not-active = \"off\"\n",
    )
    .unwrap();
    let (report, status) = audit_path(&dir.path().join("infra/app"), &[]);
    assert_eq!(findings(&report).len(), 0, "{report}");
    assert_eq!(status, 0);
}

#[test]
fn exclude_globs_drop_findings_in_matching_files() {
    let dir = tree(&[
        ("app/main.tf", PASSTHROUGH_FN),
        ("legacy/old/main.tf", PASSTHROUGH_FN),
        (".xray-setup.toml", "exclude = [\"legacy/**\"]\n"),
    ]);
    let (report, _) = audit_path(dir.path(), &[]);
    let files: Vec<&str> = findings(&report)
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["app/main.tf"]);
}

const SUPPRESSED: &str = r#"
resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy_attachment" "xray" {
  role       = aws_iam_role.fn.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

# xray-setup:ignore XR001 traced by the Step Functions caller
resource "aws_lambda_function" "with_reason" {
  function_name = "with_reason"
  role          = aws_iam_role.fn.arn
}

resource "aws_lambda_function" "attribute" {
  function_name = "attribute"
  role          = aws_iam_role.fn.arn
  tracing_config {
    # xray-setup:ignore XR001 expires=2099-12-31 until the collector lands
    mode = "PassThrough"
  }
}

# xray-setup:ignore XR001
resource "aws_lambda_function" "no_reason" {
  function_name = "no_reason"
  role          = aws_iam_role.fn.arn
}

# xray-setup:ignore XR001 expires=2020-01-31 it was temporary
resource "aws_lambda_function" "expired" {
  function_name = "expired"
  role          = aws_iam_role.fn.arn
}

# xray-setup:ignore XR003 nothing here is a stage
resource "aws_lambda_function" "wrong_rule" {
  function_name = "wrong_rule"
  role          = aws_iam_role.fn.arn
  tracing_config {
    mode = "Active"
  }
}

resource "aws_lambda_function" "by_config" {
  function_name = "by_config"
  role          = aws_iam_role.fn.arn
}

resource "aws_lambda_function" "by_expired_config" {
  function_name = "by_expired_config"
  role          = aws_iam_role.fn.arn
}

# xray-setup:ignore legacy code
resource "aws_lambda_function" "unknown_rule" {
  function_name = "unknown_rule"
  role          = aws_iam_role.fn.arn
}

# xray-setup:ignore XR001 expires=someday waiting on the vendor
resource "aws_lambda_function" "bad_expiry" {
  function_name = "bad_expiry"
  role          = aws_iam_role.fn.arn
}
"#;

const IGNORES: &str = r#"
[[ignore]]
rule = "XR001"
resource = "aws_lambda_function.by_conf*"
reason = "owned by the data team"

[[ignore]]
rule = "XR001"
resource = "aws_lambda_function.by_expired_config"
reason = "was temporary"
expires = 2021-06-30

[[ignore]]
rule = "XR101"
resource = "aws_iam_role.gone"
reason = "the role was deleted"
"#;

#[test]
fn every_suppression_case() {
    let dir = tree(&[("main.tf", SUPPRESSED), (".xray-setup.toml", IGNORES)]);
    let (report, status) = audit_path(dir.path(), &[]);
    assert_eq!(
        resources(&report, "XR001"),
        [
            "aws_lambda_function.by_expired_config",
            "aws_lambda_function.expired",
            "aws_lambda_function.unknown_rule"
        ],
        "expired suppressions and ones naming no rule do not hide"
    );
    let notes: Vec<(String, i64, String)> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "XR900")
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_i64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = [
        (".xray-setup.toml", 8, "expired on 2021-06-30"),
        (".xray-setup.toml", 14, "matches no finding"),
        ("main.tf", 27, "gives no reason"),
        ("main.tf", 33, "expired on 2020-01-31"),
        ("main.tf", 39, "matches no finding"),
        ("main.tf", 58, "names no rule by `legacy`"),
        ("main.tf", 64, "`expires=someday`, which is not a date"),
    ];
    assert_eq!(notes.len(), expect.len(), "{notes:#?}");
    for ((file, line, message), (want_file, want_line, want)) in notes.iter().zip(expect) {
        assert!(
            file.ends_with(want_file) && *line == want_line && message.contains(want),
            "{file}:{line}: {message} (wanted {want_file}:{want_line} {want})"
        );
    }
    assert!(notes.iter().all(|(_, _, m)| !m.is_empty()));
    assert_eq!(
        report["summary"]["suppressed"], 5,
        "with_reason, attribute, no_reason, by_config, bad_expiry (it does not expire)"
    );
    assert_eq!(report["summary"]["note"], 7);
    assert_eq!(
        report["summary"]["files"], 1,
        "the config is not an audited file"
    );
    assert_eq!(status, 1);
    assert!(report.get("suppressed").is_none(), "listed only on request");

    let (shown, _) = audit_path(dir.path(), &["--show-suppressed"]);
    let listed: Vec<(&str, &str, Option<&str>)> = shown["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["resource"].as_str().unwrap(),
                s["suppressed_by"].as_str().unwrap(),
                s["reason"].as_str(),
            )
        })
        .collect();
    assert_eq!(listed.len(), 5);
    assert!(listed.contains(&(
        "aws_lambda_function.with_reason",
        "main.tf:12",
        Some("traced by the Step Functions caller")
    )));
    assert!(listed.contains(&(
        "aws_lambda_function.attribute",
        "main.tf:22",
        Some("until the collector lands")
    )));
    assert!(listed.contains(&("aws_lambda_function.no_reason", "main.tf:27", None)));
    assert!(
        listed
            .iter()
            .any(|(r, by, _)| *r == "aws_lambda_function.by_config"
                && by.ends_with(".xray-setup.toml:3"))
    );
    let text = xray_setup()
        .args(["audit", dir.path().to_str().unwrap(), "--show-suppressed"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Suppressed (5):"), "{text}");
    assert!(text.contains("5 suppressed"), "{text}");
}

#[test]
fn a_baseline_round_trips_on_a_generated_tree() {
    let (dir, _) = gen_tree(60, 3, 6);
    let baseline = dir.path().join("baseline.json");
    let tf = dir.path().to_str().unwrap();
    let (before, status) = audit_json(&[tf, "--write-baseline", baseline.to_str().unwrap()]);
    assert_eq!(status, 1);
    let total = findings(&before).len();
    assert!(total > 20, "{total}");

    let (after, status) = audit_json(&[tf, "--baseline", baseline.to_str().unwrap()]);
    assert_eq!(findings(&after).len(), 0);
    assert_eq!(after["summary"]["baselined"], total);
    assert_eq!(status, 0);

    // Lines move: the baseline still holds every finding.
    let file = files_under(dir.path(), &[".tf"])
        .into_iter()
        .find(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .contains("aws_lambda_function")
        })
        .unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("\n\n\n# moved\n{text}")).unwrap();
    let (moved, _) = audit_json(&[tf, "--baseline", baseline.to_str().unwrap()]);
    assert_eq!(findings(&moved).len(), 0, "{moved}");

    // A new function without tracing is new.
    std::fs::write(
        file.with_file_name("new.tf"),
        "resource \"aws_lambda_function\" \"brand_new\" {\n  function_name = \"brand_new\"\n  role = \"arn:aws:iam::123456789012:role/x\"\n}\n",
    )
    .unwrap();
    let (new, status) = audit_json(&[tf, "--baseline", baseline.to_str().unwrap()]);
    let new_resources: Vec<&str> = findings(&new)
        .iter()
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    assert!(
        new_resources.iter().all(|r| r.ends_with("brand_new")),
        "{new_resources:?}"
    );
    assert!(new_resources.contains(&"aws_lambda_function.brand_new"));
    assert_eq!(status, 1);

    // A broken baseline is named.
    std::fs::write(&baseline, "{\"format\": 1}").unwrap();
    let out = xray_setup()
        .args(["audit", tf, "--baseline", baseline.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("baseline.json:1:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn fix_leaves_suppressed_findings_and_rules_turned_off() {
    let dir = tree(&[
        (
            "main.tf",
            "# xray-setup:ignore XR001 traced by its caller\nresource \"aws_lambda_function\" \"kept\" {\n  function_name = \"kept\"\n  role          = \"arn:aws:iam::123456789012:role/r\"\n}\n\nresource \"aws_lambda_function\" \"fixed\" {\n  function_name = \"fixed\"\n  role          = \"arn:aws:iam::123456789012:role/r\"\n}\n\nresource \"aws_api_gateway_stage\" \"off\" {\n  rest_api_id   = \"a\"\n  deployment_id = \"d\"\n  stage_name    = \"off\"\n}\n",
        ),
        (".xray-setup.toml", "[rules]\nXR003 = \"off\"\n"),
    ]);
    let out = xray_setup()
        .args(["fix", dir.path().to_str().unwrap(), "--write"])
        .output()
        .unwrap();
    assert_success(&out);
    let text = std::fs::read_to_string(dir.path().join("main.tf")).unwrap();
    assert_eq!(text.matches("tracing_config").count(), 1, "{text}");
    let fixed_at = text.find("\"fixed\" {").unwrap();
    assert!(text[fixed_at..].contains("tracing_config"), "{text}");
    assert!(!text.contains("xray_tracing_enabled"), "{text}");
}
