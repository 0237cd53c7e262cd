//! Terraform read as Terraform reads it: what it refuses is an error (XR998), a count
//! not known offline still leaves one representative instance to audit, workspaces come
//! from where Terraform takes them, and `xray-setup console` shows the values.

mod common;
use common::*;

/// The XR998 messages of a tree, with their `file:line`.
fn refusals(files: &[(&str, &str)]) -> Vec<String> {
    let dir = tree(files);
    let (report, _) = audit_path(dir.path(), &[]);
    findings(&report)
        .iter()
        .filter(|f| f["rule"] == "XR998")
        .map(|f| {
            format!(
                "{}:{} {}",
                f["file"].as_str().unwrap(),
                f["line"],
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

fn one_refusal(files: &[(&str, &str)], at: &str, words: &str) {
    let found = refusals(files);
    assert!(
        found.iter().any(|r| r.starts_with(at) && r.contains(words)),
        "want {at} {words:?}, got {found:#?}"
    );
}

#[test]
fn what_terraform_refuses_is_an_error_not_an_unknown() {
    one_refusal(
        &[(
            "main.tf",
            "resource \"aws_lambda_function\" \"f\" {\n  for_each      = [\"a\", \"b\"]\n  function_name = each.value\n}\n",
        )],
        "main.tf:2",
        "must be a map, or set of strings, and you have provided a value of type tuple",
    );
    one_refusal(
        &[(
            "main.tf",
            "resource \"aws_lambda_function\" \"f\" {\n  count         = -1\n  function_name = \"f\"\n}\n",
        )],
        "main.tf:2",
        "greater than or equal to zero",
    );
    one_refusal(
        &[(
            "main.tf",
            "resource \"aws_lambda_function\" \"f\" {\n  count         = 1.5\n  function_name = \"f\"\n}\n",
        )],
        "main.tf:2",
        "not a whole number",
    );
    one_refusal(
        &[(
            "main.tf",
            "resource \"aws_lambda_function\" \"f\" {\n  count         = 1\n  for_each      = {}\n  function_name = \"f\"\n}\n",
        )],
        "main.tf:3",
        "mutually-exclusive",
    );
    one_refusal(
        &[
            (
                "a.tf",
                "resource \"aws_iam_role\" \"r\" {\n  name = \"a\"\n}\n",
            ),
            (
                "b.tf",
                "resource \"aws_iam_role\" \"r\" {\n  name = \"b\"\n}\n",
            ),
        ],
        "b.tf:1",
        "Duplicate resource \"aws_iam_role\" configuration",
    );
    one_refusal(
        &[(
            "main.tf",
            "locals {\n  a = local.b\n  b = local.a\n}\noutput \"o\" {\n  value = local.a\n}\n",
        )],
        "main.tf:",
        "depends on itself",
    );
    one_refusal(
        &[("main.tf", "module \"me\" {\n  source = \"./\"\n}\n")],
        "main.tf:1",
        "Module cycle",
    );
    one_refusal(
        &[
            (
                "main.tf",
                "module \"m\" {\n  source = \"./m\"\n}\noutput \"o\" {\n  value = module.m.nope\n}\n",
            ),
            ("m/main.tf", "output \"arn\" {\n  value = \"x\"\n}\n"),
        ],
        "main.tf:5",
        "no output \"nope\"",
    );
    // Checked where nothing evaluates it: a resource with count = 0, a branch not taken.
    one_refusal(
        &[(
            "main.tf",
            "resource \"aws_lambda_function\" \"f\" {\n  count         = 0\n  function_name = uper(\"f\")\n}\n",
        )],
        "main.tf:3",
        "There is no function named \"uper\"",
    );
    one_refusal(
        &[(
            "main.tf",
            "resource \"aws_lambda_function\" \"f\" {\n  function_name = true ? \"f\" : var.nme\n}\n",
        )],
        "main.tf:2",
        "undeclared input variable",
    );
    one_refusal(
        &[(
            "main.tf",
            "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"f-${count.index}\"\n}\n",
        )],
        "main.tf:2",
        "non-counted context",
    );
    one_refusal(
        &[(
            "variables.tf",
            "variable \"a\" {\n  default = \"x\"\n}\nvariable \"b\" {\n  default = var.a\n}\n",
        )],
        "variables.tf:5",
        "Variables not allowed",
    );
    // A valid tree has none.
    assert!(
        refusals(&[(
            "main.tf",
            "variable \"names\" {\n  type = set(string)\n}\nresource \"aws_lambda_function\" \"f\" {\n  for_each      = var.names\n  function_name = each.key\n  tracing_config {\n    mode = \"Active\"\n  }\n}\n",
        )])
        .is_empty()
    );
}

#[test]
fn an_instance_count_not_known_offline_leaves_a_representative() {
    // cloudposse's pattern: everything gated on a label module that is not on disk.
    let dir = tree(&[(
        "main.tf",
        r#"
module "this" {
  source  = "cloudposse/label/null"
  version = "0.25.0"
}
locals {
  enabled = module.this.enabled
}
resource "aws_api_gateway_stage" "this" {
  count                = local.enabled ? 1 : 0
  stage_name           = "live"
  rest_api_id          = "abc"
  deployment_id        = "d"
  xray_tracing_enabled = false
}
resource "aws_iam_role" "fn" {
  count              = local.enabled ? 1 : 0
  name               = "fn"
  assume_role_policy = "{}"
}
resource "aws_lambda_function" "f" {
  count         = local.enabled ? 1 : 0
  function_name = "f"
  role          = aws_iam_role.fn[0].arn
  tracing_config {
    mode = "Active"
  }
}
"#,
    )]);
    let (report, _) = audit_path(dir.path(), &[]);
    let stage = findings(&report)
        .iter()
        .find(|f| f["rule"] == "XR003")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(stage["severity"], "warning");
    assert_eq!(stage["resource"], "aws_api_gateway_stage.this[*]");
    let message = stage["message"].as_str().unwrap();
    assert!(
        message.contains("for each instance") && message.contains("module.this"),
        "{message}"
    );
    // The function's role, referenced as aws_iam_role.fn[0], is the representative role:
    // it cannot write traces.
    let role = findings(&report)
        .iter()
        .find(|f| f["rule"] == "XR101")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(role["resource"], "aws_iam_role.fn[*]");
}

#[test]
fn cloudposse_api_gateway_stage_is_a_warning() {
    let dir = corpus("cloudposse__terraform-aws-api-gateway");
    let (report, _) = audit_path(&dir, &[]);
    let stages: Vec<_> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "XR003")
        .collect();
    assert!(!stages.is_empty(), "{report:#}");
    assert!(stages.iter().all(|f| f["severity"] == "warning"));
}

#[test]
fn the_workspace_comes_from_the_flag_the_environment_or_terraform_environment() {
    let files = [(
        "main.tf",
        "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n  tracing_config {\n    mode = terraform.workspace == \"prod\" ? \"Active\" : \"PassThrough\"\n  }\n}\n",
    )];
    let xr001 = |dir: &std::path::Path, args: &[&str], env: Option<&str>| -> bool {
        let mut cmd = xray_setup();
        cmd.args(["audit", "--format", "json"]).arg(dir).args(args);
        cmd.env_remove("TF_WORKSPACE");
        if let Some(w) = env {
            cmd.env("TF_WORKSPACE", w);
        }
        let out = cmd.output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        findings(&report).iter().any(|f| f["rule"] == "XR001")
    };
    let dir = tree(&files);
    assert!(xr001(dir.path(), &[], None), "default");
    assert!(
        !xr001(dir.path(), &["--workspace", "prod"], None),
        "--workspace"
    );
    assert!(!xr001(dir.path(), &[], Some("prod")), "TF_WORKSPACE");
    assert!(
        xr001(dir.path(), &["--workspace", "dev"], Some("prod")),
        "the flag wins"
    );
    let selected = tree(&[files[0], (".terraform/environment", "prod\n")]);
    assert!(!xr001(selected.path(), &[], None), ".terraform/environment");
    assert!(
        xr001(selected.path(), &[], Some("dev")),
        "TF_WORKSPACE beats it"
    );
}

fn console(dir: &std::path::Path, format: &str, input: &str) -> Vec<String> {
    let out = xray_setup()
        .args(["console", "--format", format])
        .arg(dir)
        .write_stdin(input)
        .output()
        .unwrap();
    assert_success(&out);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn console_evaluates_in_the_root_module() {
    let dir = tree(&[
        (
            "main.tf",
            "variable \"mode\" {\n  default = \"PassThrough\"\n}\nvariable \"arn\" {\n  type = string\n}\nlocals {\n  m = upper(var.mode)\n}\n",
        ),
        ("terraform.tfvars", "mode = \"Active\"\n"),
    ]);
    let lines = console(
        dir.path(),
        "json",
        "local.m\nvar.arn\nnull\n{ b = 1, a = [1, \"x\"] }\nvar.mod\n0.1 + 0.2\ntype(tolist([\"a\"]))\n",
    );
    assert_eq!(
        lines,
        vec![
            "\"ACTIVE\"",
            "\"(known after apply)\"",
            "null",
            "{\"a\":[1,\"x\"],\"b\":1}",
            "error: Reference to undeclared input variable: An input variable with the name \"mod\" has not been declared. This variable can be declared with a variable \"mod\" {} block.",
            "0.3",
            "\"list(string)\"",
        ]
    );
    let text = console(dir.path(), "text", "tolist([\"a\"])\nvar.arn\n");
    assert_eq!(
        text,
        vec!["tolist([", "  \"a\",", "])", "(known after apply)"]
    );
    // An empty directory is an empty module.
    let empty = tempfile::TempDir::new().unwrap();
    assert_eq!(console(empty.path(), "json", "1 + 1\n"), vec!["2"]);
}

fn rule(name: &str, extra: &str, priority: u32) -> String {
    format!(
        "resource \"aws_xray_sampling_rule\" \"{name}\" {{\n{extra}  rule_name      = \"api\"\n  priority       = {priority}\n  version        = 1\n  reservoir_size = 1\n  fixed_rate     = 0.05\n  url_path       = \"/{name}\"\n  host           = \"*\"\n  http_method    = \"*\"\n  service_type   = \"*\"\n  service_name   = \"*\"\n  resource_arn   = \"*\"\n}}\n"
    )
}

/// The XR201 duplicate-name findings of a tree, by resource.
fn duplicates(files: &[(&str, &str)], env_region: Option<&str>) -> Vec<String> {
    let dir = tree(files);
    let mut cmd = xray_setup();
    cmd.args(["audit", "--format", "json"]).arg(dir.path());
    cmd.env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION");
    if let Some(r) = env_region {
        cmd.env("AWS_REGION", r);
    }
    let report: serde_json::Value = serde_json::from_slice(&cmd.output().unwrap().stdout).unwrap();
    let mut out: Vec<String> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "XR201" && f["message"].as_str().unwrap().contains("also used"))
        .map(|f| f["resource"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn sampling_rule_names_are_unique_per_region() {
    let providers = "provider \"aws\" {\n  region = \"us-east-1\"\n}\nprovider \"aws\" {\n  alias  = \"west\"\n  region = \"eu-west-1\"\n}\n";
    // Two regions: the same name twice is fine; a third rule in the first region clashes.
    let main = format!(
        "{providers}{}{}{}",
        rule("east", "", 100),
        rule("west", "  provider = aws.west\n", 100),
        rule("again", "", 200)
    );
    assert_eq!(
        duplicates(&[("main.tf", &main)], None),
        vec!["aws_xray_sampling_rule.again"]
    );
    // AWS provider 6: a resource's own region argument.
    let own = format!(
        "{providers}{}{}",
        rule("east", "", 100),
        rule("eu", "  region = \"eu-central-1\"\n", 100)
    );
    assert!(duplicates(&[("main.tf", &own)], None).is_empty());
    // Passed to a module: `providers = { aws = aws.west }`.
    let root = format!(
        "{providers}{}module \"west\" {{\n  source    = \"./m\"\n  providers = {{ aws = aws.west }}\n}}\nmodule \"inherits\" {{\n  source = \"./m\"\n}}\n",
        rule("east", "", 100)
    );
    let module = rule("in_module", "", 100);
    assert_eq!(
        duplicates(&[("main.tf", &root), ("m/main.tf", &module)], None),
        vec!["module.inherits.aws_xray_sampling_rule.in_module"],
        "the default configuration is inherited, the aliased one passed"
    );
    // A provider without a region: AWS_REGION decides; unknown without it, but the same
    // configuration is still the same region.
    let bare = format!(
        "provider \"aws\" {{}}\n{}{}",
        rule("a", "", 100),
        rule("b", "", 200)
    );
    assert_eq!(
        duplicates(&[("main.tf", &bare)], None),
        vec!["aws_xray_sampling_rule.b"]
    );
    let two = format!(
        "provider \"aws\" {{}}\nprovider \"aws\" {{\n  alias  = \"x\"\n  region = \"eu-west-1\"\n}}\n{}{}",
        rule("a", "", 100),
        rule("b", "  provider = aws.x\n", 200)
    );
    assert!(duplicates(&[("main.tf", &two)], Some("us-east-1")).is_empty());
    assert_eq!(
        duplicates(&[("main.tf", &two)], Some("eu-west-1")),
        vec!["aws_xray_sampling_rule.b"],
        "AWS_REGION names the same region"
    );
}

/// Terraform's own functions, with the examples on their documentation pages
/// (developer.hashicorp.com/terraform/language/functions/NAME), through the console.
#[test]
fn terraform_functions_give_their_documented_results() {
    let dir = tree(&[
        (
            "main.tf",
            "locals {\n  greeting = \"Hello, $${name}!\"\n}\n",
        ),
        ("hello.tpl", "Hello, ${name}!\n"),
        ("files/a.txt", "a"),
        ("files/b.txt", "b"),
    ]);
    let cases: &[(&str, &str)] = &[
        // templatestring
        (
            "templatestring(local.greeting, { name = \"Jane\" })",
            "\"Hello, Jane!\"",
        ),
        // templatefile
        (
            "templatefile(\"hello.tpl\", { name = \"Jane\" })",
            "\"Hello, Jane!\\n\"",
        ),
        // fileset
        (
            "fileset(path.module, \"files/*.txt\")",
            "[\"files/a.txt\",\"files/b.txt\"]",
        ),
        // yamldecode, yamlencode
        ("yamldecode(\"hello: world\")", "{\"hello\":\"world\"}"),
        (
            "yamlencode({ a = \"b\", c = \"d\" })",
            "\"\\\"a\\\": \\\"b\\\"\\n\\\"c\\\": \\\"d\\\"\\n\"",
        ),
        // csvdecode
        (
            "csvdecode(\"a,b,c\\n1,2,3\\n4,5,6\")",
            "[{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"},{\"a\":\"4\",\"b\":\"5\",\"c\":\"6\"}]",
        ),
        // setproduct
        (
            "setproduct([\"development\", \"staging\"], [\"app1\", \"app2\"])",
            "[[\"development\",\"app1\"],[\"development\",\"app2\"],[\"staging\",\"app1\"],[\"staging\",\"app2\"]]",
        ),
        // transpose
        (
            "transpose({ \"a\" = [\"1\", \"2\"], \"b\" = [\"2\", \"3\"] })",
            "{\"1\":[\"a\"],\"2\":[\"a\",\"b\"],\"3\":[\"b\"]}",
        ),
        // matchkeys
        (
            "matchkeys([\"i-123\", \"i-abc\", \"i-def\"], [\"us-west\", \"us-east\", \"us-east\"], [\"us-east\"])",
            "[\"i-abc\",\"i-def\"]",
        ),
        // log
        ("log(16, 2)", "4"),
        // to* conversions
        ("tonumber(\"1\")", "1"),
        ("tostring(true)", "\"true\""),
        ("tobool(\"false\")", "false"),
        ("tolist([\"a\", \"b\", 3])", "[\"a\",\"b\",\"3\"]"),
        ("toset([\"b\", \"a\", \"b\"])", "[\"a\",\"b\"]"),
        (
            "tomap({ \"a\" = \"foo\", \"b\" = true })",
            "{\"a\":\"foo\",\"b\":\"true\"}",
        ),
        ("can(tomap({ \"a\" = 1, \"b\" = true }))", "false"),
        // pathexpand leaves paths without ~ alone
        ("pathexpand(\"/etc/resolv.conf\")", "\"/etc/resolv.conf\""),
        // cidrsubnet
        ("cidrsubnet(\"172.16.0.0/12\", 4, 2)", "\"172.18.0.0/16\""),
        // Only an apply knows these.
        ("timestamp()", "\"(known after apply)\""),
        ("uuid()", "\"(known after apply)\""),
    ];
    let input: String = cases.iter().map(|(e, _)| format!("{e}\n")).collect();
    let lines = console(dir.path(), "json", &input);
    for ((e, want), got) in cases.iter().zip(&lines) {
        assert_eq!(got, want, "{e}");
    }
    // abspath gives an absolute path with forward slashes.
    let abs = console(dir.path(), "json", "abspath(path.root)\n");
    assert!(abs[0].starts_with("\"/"), "{abs:?}");
}
