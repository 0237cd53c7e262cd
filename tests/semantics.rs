//! Terraform semantics: values are what `terraform plan` would see. Each case is a small
//! tree written here and the verdict the effective value implies.

mod common;
use common::*;

/// What the audit concluded about one function's tracing mode.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// No finding: the effective mode is Active.
    Active,
    /// XR001: PassThrough or unset.
    NotActive,
    /// XR000: not knowable offline.
    Unknown,
    /// XR002: not a valid mode.
    Invalid,
    /// XR998: Terraform would refuse the configuration.
    Refused,
}

fn verdict(report: &serde_json::Value, resource: &str) -> Verdict {
    let rules: Vec<&str> = findings(report)
        .iter()
        .filter(|f| f["resource"] == resource)
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    match rules.as_slice() {
        [] if findings(report).iter().any(|f| f["rule"] == "XR998") => Verdict::Refused,
        [] => Verdict::Active,
        ["XR001"] => Verdict::NotActive,
        ["XR000"] => Verdict::Unknown,
        ["XR002"] => Verdict::Invalid,
        other => panic!("{resource}: unexpected findings {other:?} in {report:#}"),
    }
}

fn lambda(mode_expr: &str) -> String {
    format!(
        "resource \"aws_lambda_function\" \"f\" {{\n  function_name = \"f\"\n  tracing_config {{\n    mode = {mode_expr}\n  }}\n}}\n"
    )
}

/// The verdict for `mode = EXPR` in a root with `extra` files beside it.
fn mode(expr: &str, extra: &[(&str, &str)], args: &[&str]) -> Verdict {
    let main = lambda(expr);
    let mut files = vec![("main.tf", main.as_str())];
    files.extend_from_slice(extra);
    let dir = tree(&files);
    let (report, _) = audit_path(dir.path(), args);
    verdict(&report, "aws_lambda_function.f")
}

const VARS: &str = r#"
variable "mode" {
  type    = string
  default = "PassThrough"
}
variable "modes" {
  type = map(string)
  default = {
    api    = "Active"
    worker = "PassThrough"
  }
}
variable "on" {
  type    = bool
  default = true
}
variable "env" {
  default = "prod"
}
variable "nothing" {
  type = string
}
variable "settings" {
  type = object({
    tracing = optional(object({
      mode = optional(string, "Active")
    }), {})
  })
  default = {}
}
"#;

#[test]
fn functions_and_expressions_evaluate_as_terraform_does() {
    use Verdict::*;
    let cases: &[(&str, Verdict)] = &[
        ("\"Active\"", Active),
        ("\"PassThrough\"", NotActive),
        ("\"Passthrough\"", Invalid),
        ("var.mode", NotActive),
        ("var.modes[\"api\"]", Active),
        ("var.modes.worker", NotActive),
        ("lookup(var.modes, \"api\", \"PassThrough\")", Active),
        ("lookup(var.modes, \"nope\", \"PassThrough\")", NotActive),
        ("var.on ? \"Active\" : \"PassThrough\"", Active),
        ("var.env == \"prod\" ? \"Active\" : \"PassThrough\"", Active),
        (
            "var.env != \"prod\" ? \"Active\" : \"PassThrough\"",
            NotActive,
        ),
        ("merge(var.modes, { api = \"PassThrough\" }).api", NotActive),
        ("try(var.modes.missing, \"Active\")", Active),
        (
            "can(var.modes.missing) ? \"PassThrough\" : \"Active\"",
            Active,
        ),
        ("coalesce(\"\", null, \"Active\")", Active),
        ("concat([\"Active\"], [\"x\"])[0]", Active),
        ("format(\"%s%s\", \"Act\", \"ive\")", Active),
        ("title(lower(\"ACTIVE\"))", Active),
        (
            "upper(\"a\") == \"A\" ? \"Active\" : \"PassThrough\"",
            Active,
        ),
        ("tostring(\"Active\")", Active),
        ("tobool(\"true\") ? \"Active\" : \"PassThrough\"", Active),
        (
            "contains(tolist(toset([\"a\", \"b\"])), \"b\") ? \"Active\" : \"PassThrough\"",
            Active,
        ),
        (
            "length(keys(var.modes)) == 2 ? \"Active\" : \"PassThrough\"",
            Active,
        ),
        ("one(values({ a = \"Active\" }))", Active),
        ("replace(\"Pass-Through\", \"-\", \"\")", NotActive),
        ("replace(\"Activ3\", \"/[0-9]/\", \"e\")", Active),
        ("join(\"\", split(\",\", \"Act,ive\"))", Active),
        ("jsondecode(jsonencode({ m = \"Active\" })).m", Active),
        (
            "\"${var.env == \"prod\" ? \"Act\" : \"Pass\"}${var.env == \"prod\" ? \"ive\" : \"Through\"}\"",
            Active,
        ),
        (
            "\"%{ if var.on }Active%{ else }PassThrough%{ endif }\"",
            Active,
        ),
        (
            "[for m in [\"PassThrough\", \"Active\"] : m if m != \"PassThrough\"][0]",
            Active,
        ),
        (
            "{ for k, v in var.modes : v => k }[\"Active\"] == \"api\" ? \"Active\" : \"x\"",
            Active,
        ),
        ("var.settings.tracing.mode", Active),
        ("var.nothing", Unknown),
        ("aws_iam_role.r.arn", Unknown),
        ("timestamp()", Unknown),
        // As HCL: an unknown condition makes the result unknown, even when both
        // results agree.
        ("var.nothing == \"x\" ? \"Active\" : \"Active\"", Unknown),
        ("local.m", Active),
        // What Terraform refuses is an error, never an unknown.
        ("var.tracng_mode", Refused),
        ("local.nope", Refused),
        ("aws_iam_role.nope.arn", Refused),
        ("nosuchfunction(\"Active\")", Refused),
        ("upper(\"a\", \"b\")", Refused),
        ("\"Active\" + 1", Refused),
        ("var.modes[\"nope\"]", Refused),
        ("[\"Active\"][5]", Refused),
        ("try(var.modes[\"nope\"], \"Active\")", Active),
    ];
    for (expr, want) in cases {
        let got = mode(
            expr,
            &[
                ("variables.tf", VARS),
                (
                    "locals.tf",
                    "locals {\n  m = \"Act${\"ive\"}\"\n}\nresource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n}\n",
                ),
            ],
            &[],
        );
        assert_eq!(&got, want, "mode = {expr}");
    }
}

#[test]
fn unknown_values_say_what_would_resolve_them() {
    let dir = tree(&[
        ("main.tf", &lambda("var.mode")),
        ("variables.tf", "variable \"mode\" {}\n"),
    ]);
    let (report, status) = audit_path(dir.path(), &[]);
    assert_eq!(status, 0, "a note is below the default --fail-on warning");
    let note = &findings(&report)[0];
    assert_eq!(note["rule"], "XR000");
    assert_eq!(note["severity"], "note");
    let message = note["message"].as_str().unwrap();
    assert!(message.contains("`var.mode`"), "{message}");
    assert!(message.contains("--var mode=VALUE"), "{message}");
    assert_eq!(note["line"], 4, "points at the mode attribute");
}

#[test]
fn variable_sources_follow_terraform_precedence() {
    use Verdict::*;
    let vars = "variable \"mode\" {\n  default = \"PassThrough\"\n}\n";
    let root = |extra: &[(&str, &str)]| {
        let mut files = vec![("variables.tf", vars)];
        files.extend_from_slice(extra);
        files
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    };
    let run = |files: Vec<(String, String)>, args: &[&str], env: Option<&str>| {
        let main = lambda("var.mode");
        let mut all: Vec<(&str, &str)> = vec![("main.tf", main.as_str())];
        all.extend(files.iter().map(|(a, b)| (a.as_str(), b.as_str())));
        let dir = tree(&all);
        let mut cmd = xray_setup();
        cmd.args(["audit", "--format", "json"]).arg(dir.path());
        for a in args {
            cmd.arg(a.replace("DIR", dir.path().to_str().unwrap()));
        }
        if let Some(v) = env {
            cmd.env("TF_VAR_mode", v);
        }
        let out = cmd.output().unwrap();
        verdict(
            &serde_json::from_slice(&out.stdout).unwrap(),
            "aws_lambda_function.f",
        )
    };
    assert_eq!(run(root(&[]), &[], None), NotActive, "the default");
    assert_eq!(
        run(root(&[]), &[], Some("Active")),
        Active,
        "TF_VAR_ beats the default"
    );
    let tfvars = root(&[("terraform.tfvars", "mode = \"Active\"\n")]);
    assert_eq!(
        run(tfvars.clone(), &[], Some("PassThrough")),
        Active,
        "terraform.tfvars beats TF_VAR_"
    );
    let auto = root(&[
        ("terraform.tfvars", "mode = \"Active\"\n"),
        ("b.auto.tfvars", "mode = \"PassThrough\"\n"),
    ]);
    assert_eq!(
        run(auto, &[], None),
        NotActive,
        "*.auto.tfvars beats terraform.tfvars"
    );
    let json = root(&[("x.auto.tfvars.json", "{\"mode\": \"Active\"}")]);
    assert_eq!(run(json, &[], None), Active, ".auto.tfvars.json is loaded");
    let named = root(&[("prod.tfvars", "mode = \"Active\"\n")]);
    assert_eq!(
        run(named.clone(), &[], None),
        NotActive,
        "prod.tfvars is not loaded on its own"
    );
    assert_eq!(
        run(named.clone(), &["--var-file", "DIR/prod.tfvars"], None),
        Active
    );
    assert_eq!(
        run(
            named.clone(),
            &["--var-file", "DIR/prod.tfvars", "--var", "mode=PassThrough"],
            None
        ),
        NotActive,
        "later command-line values win"
    );
    assert_eq!(
        run(
            named,
            &["--var", "mode=PassThrough", "--var-file", "DIR/prod.tfvars"],
            None
        ),
        Active,
        "in the order given"
    );
}

#[test]
fn unloaded_tfvars_are_named_in_the_message() {
    let dir = tree(&[
        ("main.tf", &lambda("var.mode")),
        (
            "variables.tf",
            "variable \"mode\" {\n  default = \"PassThrough\"\n}\n",
        ),
        ("prod.tfvars", "mode = \"Active\"\n"),
    ]);
    let (report, _) = audit_path(dir.path(), &[]);
    let message = findings(&report)[0]["message"].as_str().unwrap();
    assert!(message.contains("prod.tfvars sets it"), "{message}");
    assert_eq!(findings(&report)[0]["related"][0]["file"], "variables.tf");
}

#[test]
fn count_and_for_each_address_each_instance() {
    let dir = tree(&[(
        "main.tf",
        r#"
resource "aws_lambda_function" "none" {
  count         = 0
  function_name = "none"
}
resource "aws_lambda_function" "counted" {
  count         = 2
  function_name = "c${count.index}"
  tracing_config {
    mode = count.index == 0 ? "Active" : "PassThrough"
  }
}
resource "aws_lambda_function" "keyed" {
  for_each      = { api = "Active", worker = "PassThrough" }
  function_name = each.key
  tracing_config {
    mode = each.value
  }
}
resource "aws_lambda_function" "set" {
  for_each      = toset(["a", "b"])
  function_name = each.value
}
resource "aws_lambda_function" "unknown" {
  count         = length(var.names)
  function_name = "u"
}
variable "names" {
  type = list(string)
}
"#,
    )]);
    let (report, _) = audit_path(dir.path(), &[]);
    // A count not known offline: one representative instance stands for all, and what
    // holds for each instance is reported with the count's reason.
    assert_eq!(
        resources(&report, "XR001"),
        vec![
            "aws_lambda_function.counted[1]",
            "aws_lambda_function.keyed[\"worker\"]",
            "aws_lambda_function.set[\"a\"]",
            "aws_lambda_function.set[\"b\"]",
            "aws_lambda_function.unknown[*]",
        ]
    );
    let unknown = findings(&report)
        .iter()
        .find(|f| f["resource"] == "aws_lambda_function.unknown[*]")
        .unwrap();
    let message = unknown["message"].as_str().unwrap();
    assert!(
        message.contains("for each instance") && message.contains("variable `names`"),
        "{message}"
    );
    assert!(resources(&report, "XR000").is_empty());
}

#[test]
fn dynamic_blocks_expand() {
    use Verdict::*;
    let dynamic = |for_each: &str| {
        format!(
            "resource \"aws_lambda_function\" \"f\" {{\n  function_name = \"f\"\n  dynamic \"tracing_config\" {{\n    for_each = {for_each}\n    content {{\n      mode = tracing_config.value\n    }}\n  }}\n}}\n"
        )
    };
    for (for_each, want) in [
        ("[\"Active\"]", Active),
        ("[]", NotActive),
        ("var.on ? [\"Active\"] : []", Active),
        ("var.nothing == null ? [] : [var.nothing]", Unknown),
    ] {
        let main = dynamic(for_each);
        let dir = tree(&[("main.tf", main.as_str()), ("variables.tf", VARS)]);
        let (report, _) = audit_path(dir.path(), &[]);
        assert_eq!(
            verdict(&report, "aws_lambda_function.f"),
            want,
            "for_each = {for_each}"
        );
    }
}

#[test]
fn child_modules_are_evaluated_per_call_with_full_addresses() {
    let dir = tree(&[
        (
            "live/main.tf",
            r#"
module "svc" {
  source   = "../modules/service"
  for_each = { api = "Active", jobs = "PassThrough" }
  mode     = each.value
}
module "plain" {
  source = "../modules/service"
}
"#,
        ),
        (
            "modules/service/main.tf",
            "variable \"mode\" {\n  default = \"PassThrough\"\n}\nmodule \"fn\" {\n  source = \"../fn\"\n  mode   = var.mode\n}\n",
        ),
        (
            "modules/fn/main.tf",
            &format!("variable \"mode\" {{}}\n{}", lambda("var.mode")),
        ),
    ]);
    let (report, _) = audit_path(dir.path(), &[]);
    assert_eq!(
        addresses(&report, "XR001"),
        vec![
            "live/module.plain.module.fn.aws_lambda_function.f",
            "live/module.svc[\"jobs\"].module.fn.aws_lambda_function.f",
        ],
        "called modules are not roots; each call is its own instance"
    );
    let f = &findings(&report)[0];
    assert_eq!(f["root"], "live");
    assert_eq!(f["file"], "modules/fn/main.tf");
}

#[test]
fn module_outputs_flow_between_sibling_modules_both_ways() {
    // a's input uses b's output and b's input uses a's output, as in the seed's tree.
    let dir = tree(&[
        (
            "main.tf",
            "module \"a\" {\n  source = \"./a\"\n  peer   = module.b.name\n}\nmodule \"b\" {\n  source = \"./b\"\n  peer   = module.a.name\n}\n",
        ),
        (
            "a/main.tf",
            &format!(
                "variable \"peer\" {{}}\noutput \"name\" {{\n  value = \"a\"\n}}\noutput \"mode\" {{\n  value = \"Active\"\n}}\n{}",
                lambda("\"Active\"")
            ),
        ),
        (
            "b/main.tf",
            &format!(
                "variable \"peer\" {{}}\noutput \"name\" {{\n  value = \"b-${{var.peer}}\"\n}}\n{}",
                lambda("var.peer == \"a\" ? \"PassThrough\" : \"Active\"")
            ),
        ),
    ]);
    let (report, _) = audit_path(dir.path(), &[]);
    assert_eq!(
        resources(&report, "XR001"),
        vec!["module.b.aws_lambda_function.f"]
    );
    assert!(resources(&report, "XR000").is_empty(), "{report:#}");
}

#[test]
fn file_reads_stay_inside_the_scanned_tree() {
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), "Active").unwrap();
    let inside = "mode.txt";
    let dir = tree(&[
        (inside, "Active"),
        (
            "main.tf",
            &format!(
                "{}{}",
                lambda("trimspace(file(\"${path.module}/mode.txt\"))")
                    .replace("\"f\" {", "\"inside\" {"),
                lambda(&format!("file(\"{}\")", outside.path().display()))
                    .replace("\"f\" {", "\"outside\" {"),
            ),
        ),
    ]);
    let (report, _) = audit_path(dir.path(), &[]);
    assert_eq!(
        verdict(&report, "aws_lambda_function.inside"),
        Verdict::Active
    );
    assert_eq!(
        verdict(&report, "aws_lambda_function.outside"),
        Verdict::Unknown
    );
    let note = findings(&report)
        .iter()
        .find(|f| f["rule"] == "XR000")
        .unwrap();
    assert!(
        note["message"]
            .as_str()
            .unwrap()
            .contains("outside the scanned tree"),
        "{note}"
    );
}

#[test]
fn modules_installed_by_terraform_init_are_followed() {
    let dir = tree(&[
        (
            "root/main.tf",
            "module \"fn\" {\n  source  = \"example/fn/aws\"\n  version = \"1.0.0\"\n}\n",
        ),
        (
            "root/.terraform/modules/modules.json",
            r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"fn","Source":"registry.terraform.io/example/fn/aws","Version":"1.0.0","Dir":".terraform/modules/fn"}]}"#,
        ),
        (
            "root/.terraform/modules/fn/main.tf",
            &lambda("\"PassThrough\""),
        ),
    ]);
    let (report, _) = audit_path(dir.path(), &[]);
    assert_eq!(
        addresses(&report, "XR001"),
        vec!["root/module.fn.aws_lambda_function.f"]
    );
    assert_eq!(
        findings(&report)[0]["file"],
        "root/.terraform/modules/fn/main.tf"
    );
}

#[test]
fn modules_not_on_disk_are_reported_not_guessed() {
    let dir = tree(&[(
        "main.tf",
        "module \"thing\" {\n  source = \"github.com/example/thing?ref=v1\"\n}\n",
    )]);
    let (report, status) = audit_path(dir.path(), &[]);
    assert_eq!(status, 0);
    let note = &findings(&report)[0];
    assert_eq!(note["rule"], "XR000");
    assert!(
        note["message"].as_str().unwrap().contains("terraform init"),
        "{note}"
    );
}

#[test]
fn terraform_aws_modules_lambda_is_understood_from_its_inputs() {
    let dir = tree(&[(
        "main.tf",
        r#"
module "plain" {
  source        = "terraform-aws-modules/lambda/aws"
  version       = "~> 7.0"
  function_name = "plain"
}
module "traced" {
  source                = "terraform-aws-modules/lambda/aws"
  function_name         = "traced"
  tracing_mode          = "Active"
  attach_tracing_policy = true
}
module "disabled" {
  source        = "terraform-aws-modules/lambda/aws"
  create        = false
  function_name = "disabled"
}
module "layer" {
  source       = "terraform-aws-modules/lambda/aws"
  create_layer = true
  layer_name   = "deps"
}
"#,
    )]);
    let (report, _) = audit_path(dir.path(), &[]);
    assert_eq!(
        resources(&report, "XR001"),
        vec!["module.plain.aws_lambda_function.this[0]"]
    );
    let f = &findings(&report)[0];
    assert!(
        f["message"].as_str().unwrap().contains("tracing_mode"),
        "{f}"
    );
    assert_eq!(f["line"], 2, "points at the module call");
}

#[test]
fn json_configuration_syntax() {
    let dir = tree(&[(
        "main.tf.json",
        r#"{
  "variable": {"mode": {"type": "string", "default": "PassThrough"}},
  "resource": {
    "aws_lambda_function": {
      "json_fn": {
        "function_name": "j",
        
        "tracing_config": {"mode": "${var.mode}"}
      },
      "json_active": {
        "function_name": "k",
        
        "tracing_config": [{"mode": "Active"}]
      }
    },
    "aws_api_gateway_stage": {"s": {"stage_name": "x", "rest_api_id": "a", "deployment_id": "d", "xray_tracing_enabled": true}}
  }
}"#,
    )]);
    let (report, _) = audit_path(dir.path(), &[]);
    assert_eq!(
        resources(&report, "XR001"),
        vec!["aws_lambda_function.json_fn"]
    );
    assert_eq!(findings(&report).len(), 1, "{report:#}");
}

#[test]
fn other_tracing_toggles() {
    let dir = tree(&[(
        "main.tf",
        r#"
resource "aws_sfn_state_machine" "off" {
  name       = "off"
  role_arn   = "r"
  definition = "{}"
}
resource "aws_sfn_state_machine" "on" {
  name       = "on"
  role_arn   = "r"
  definition = "{}"
  tracing_configuration {
    enabled = true
  }
}
resource "aws_appsync_graphql_api" "off" {
  name                = "off"
  authentication_type = "API_KEY"
}
resource "aws_appsync_graphql_api" "on" {
  name                = "on"
  authentication_type = "API_KEY"
  xray_enabled        = true
}
resource "aws_apigatewayv2_stage" "http" {
  api_id = "a"
  name   = "$default"
}
"#,
    )]);
    let (report, _) = audit_path(dir.path(), &[]);
    assert_eq!(
        resources(&report, "XR005"),
        vec!["aws_sfn_state_machine.off"]
    );
    assert_eq!(
        resources(&report, "XR006"),
        vec!["aws_appsync_graphql_api.off"]
    );
    assert_eq!(
        resources(&report, "XR004"),
        vec!["aws_apigatewayv2_stage.http"]
    );
    let xr004 = findings(&report)
        .iter()
        .find(|f| f["rule"] == "XR004")
        .unwrap();
    assert_eq!(xr004["severity"], "note", "unsupported, not a failed check");
}
