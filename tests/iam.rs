//! Following every function to its role: each policy spelling Terraform uses, each IAM
//! evaluation rule, terraform-aws-modules/lambda's inputs, the seed's own tree, and the
//! ground truth of synthetic trees.

mod common;
use common::*;
use serde_json::Value;

const FUNCTION: &str = r#"
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = aws_iam_role.r.arn
  tracing_config {
    mode = "Active"
  }
}
resource "aws_iam_role" "r" {
  name               = "app-role"
  assume_role_policy = "{}"
}
"#;

/// The XR101 message for role `aws_iam_role.r` (None when it is not reported), and every
/// finding, for a tree of FUNCTION plus `iam`.
fn xr101(iam: &str, extra: &[(&str, &str)]) -> (Option<String>, Value) {
    let main = format!("{FUNCTION}{iam}");
    let mut files = vec![("main.tf", main.as_str())];
    files.extend_from_slice(extra);
    let dir = tree(&files);
    let (report, _) = audit_path(dir.path(), &[]);
    let message = findings(&report)
        .iter()
        .find(|f| f["rule"] == "XR101")
        .map(|f| f["message"].as_str().unwrap().to_string());
    (message, report)
}

fn granted(iam: &str) {
    let (message, report) = xr101(iam, &[]);
    assert!(message.is_none(), "{iam}\n=> {message:?}");
    assert!(
        resources(&report, "XR000").is_empty(),
        "{iam}\n=> {report:#}"
    );
}

fn refused(iam: &str, reason: &str) {
    let (message, _) = xr101(iam, &[]);
    let message = message.unwrap_or_else(|| panic!("no XR101 for\n{iam}"));
    assert!(
        message.contains(reason),
        "{iam}\n=> {message}\n(wanted: {reason})"
    );
}

const WRITE_JSON: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["xray:PutTraceSegments","xray:PutTelemetryRecords"],"Resource":"*"}]}"#;

#[test]
fn every_policy_spelling_is_read() {
    // jsonencode in aws_iam_role_policy, with Action as a string list and a queue ARN
    // known only after apply in another statement.
    granted(
        r#"
resource "aws_sqs_queue" "q" {
  name = "q"
}
resource "aws_iam_role_policy" "p" {
  role = aws_iam_role.r.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "sqs:*", Resource = aws_sqs_queue.q.arn },
      { Effect = "Allow", Action = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource = "*" },
    ]
  })
}"#,
    );
    // A heredoc.
    granted(&format!(
        "resource \"aws_iam_role_policy\" \"p\" {{\n  role   = aws_iam_role.r.name\n  policy = <<EOF\n{WRITE_JSON}\nEOF\n}}"
    ));
    // file() and templatefile(), with an unknown template variable elsewhere in it.
    let (message, report) = xr101(
        "resource \"aws_iam_role_policy\" \"a\" {\n  role   = aws_iam_role.r.id\n  policy = templatefile(\"${path.module}/p.json.tpl\", { bucket = var.bucket })\n}\nvariable \"bucket\" {}\n",
        &[(
            "p.json.tpl",
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::${bucket}/*"},{"Effect":"Allow","Action":"xray:Put*","Resource":"*"}]}"#,
        )],
    );
    assert!(message.is_none(), "{report:#}");
    let (message, _) = xr101(
        "resource \"aws_iam_role_policy\" \"a\" {\n  role   = aws_iam_role.r.id\n  policy = file(\"${path.module}/p.json\")\n}\n",
        &[("p.json", WRITE_JSON)],
    );
    assert!(message.is_none());
    // data "aws_iam_policy_document", effect defaulting to Allow.
    granted(
        r#"
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.r.id
  policy = data.aws_iam_policy_document.d.json
}"#,
    );
    // An override_policy_documents statement replacing the grant (same sid) with a Deny.
    refused(
        r#"
data "aws_iam_policy_document" "deny" {
  statement {
    sid       = "Xray"
    effect    = "Deny"
    actions   = ["xray:*"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "d" {
  source_policy_documents   = [jsonencode({ Statement = [{ Sid = "Logs", Effect = "Allow", Action = "logs:*", Resource = "*" }] })]
  override_policy_documents = [data.aws_iam_policy_document.deny.json]
  statement {
    sid       = "Xray"
    actions   = ["xray:*"]
    resources = ["*"]
  }
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.r.id
  policy = data.aws_iam_policy_document.d.json
}"#,
        "statement `Xray` of `aws_iam_role_policy.p` denies",
    );
    // inline_policy blocks on the role itself.
    let (message, _) = xr101(
        "",
        &[(
            "role.tf",
            &format!(
                "resource \"aws_iam_role\" \"other\" {{\n  name = \"other\"\n  inline_policy {{\n    name   = \"xray\"\n    policy = {WRITE_JSON:?}\n  }}\n}}\n"
            ),
        )],
    );
    assert!(message.is_some(), "other role is not the function's");
    let (message, report) = xr101(
        "",
        &[(
            "main.tf",
            &format!(
                "resource \"aws_lambda_function\" \"f\" {{\n  function_name = \"f\"\n  role = aws_iam_role.r.arn\n}}\nresource \"aws_iam_role\" \"r\" {{\n  name = \"r\"\n  inline_policy {{\n    name   = \"xray\"\n    policy = {WRITE_JSON:?}\n  }}\n}}\n"
            ),
        )],
    );
    assert!(message.is_none(), "{report:#}");
}

#[test]
fn every_way_a_policy_reaches_a_role() {
    // aws_iam_role_policy_attachment of an AWS managed policy, partition-interpolated.
    granted(
        r#"
data "aws_partition" "current" {}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"
}"#,
    );
    // data "aws_iam_policy" by name.
    granted(
        r#"
data "aws_iam_policy" "x" {
  name = "AWSXrayWriteOnlyAccess"
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.r.name
  policy_arn = data.aws_iam_policy.x.arn
}"#,
    );
    // A customer aws_iam_policy through aws_iam_policy_attachment's roles list.
    granted(&format!(
        "resource \"aws_iam_policy\" \"p\" {{\n  name   = \"xray\"\n  policy = {WRITE_JSON:?}\n}}\nresource \"aws_iam_policy_attachment\" \"a\" {{\n  name       = \"a\"\n  roles      = [aws_iam_role.r.name]\n  policy_arn = aws_iam_policy.p.arn\n}}\n"
    ));
    // aws_iam_role_policy_attachments_exclusive.
    granted(
        "resource \"aws_iam_role_policy_attachments_exclusive\" \"a\" {\n  role_name   = aws_iam_role.r.name\n  policy_arns = [\"arn:aws:iam::aws:policy/AWSXrayFullAccess\"]\n}\n",
    );
    // aws_iam_role_policies_exclusive keeping only another inline policy.
    refused(
        &format!(
            "resource \"aws_iam_role_policy\" \"x\" {{\n  name   = \"xray\"\n  role   = aws_iam_role.r.id\n  policy = {WRITE_JSON:?}\n}}\nresource \"aws_iam_role_policies_exclusive\" \"e\" {{\n  role_name    = aws_iam_role.r.name\n  policy_names = [\"logs\"]\n}}\n"
        ),
        "no policy that reaches it allows",
    );
    // Only the basic execution policy: no X-Ray action.
    refused(
        "resource \"aws_iam_role_policy_attachment\" \"a\" {\n  role       = aws_iam_role.r.name\n  policy_arn = \"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole\"\n}\n",
        "no policy that reaches it allows xray:PutTraceSegments and xray:PutTelemetryRecords",
    );
}

#[test]
fn evaluation_rules_and_their_reasons() {
    let inline = |statements: &str| {
        format!(
            "resource \"aws_iam_role_policy\" \"p\" {{\n  role   = aws_iam_role.r.id\n  policy = jsonencode({{ Statement = [{statements}] }})\n}}\n"
        )
    };
    granted(&inline(
        "{ Effect = \"Allow\", Action = \"XRay:Put*\", Resource = \"*\" }",
    ));
    granted(&inline(
        "{ Effect = \"Allow\", NotAction = [\"iam:*\"], Resource = \"*\" }",
    ));
    refused(
        &inline(
            "{ Sid = \"Scoped\", Effect = \"Allow\", Action = \"xray:*\", Resource = \"arn:aws:xray:eu-west-1:123456789012:group/default\" }",
        ),
        "only on named resources (statement `Scoped` of `aws_iam_role_policy.p`), but X-Ray's write actions take no resource-level permissions",
    );
    refused(
        &inline(
            "{ Effect = \"Allow\", Action = \"xray:*\", Resource = \"*\" }, { Sid = \"NoXray\", Effect = \"Deny\", Action = \"xray:Put*\", Resource = \"*\" }",
        ),
        "statement `NoXray` of `aws_iam_role_policy.p` denies xray:PutTraceSegments and xray:PutTelemetryRecords, and an explicit Deny beats any Allow",
    );
    refused(
        &inline(
            "{ Sid = \"Secure\", Effect = \"Allow\", Action = \"xray:*\", Resource = \"*\", Condition = { Bool = { \"aws:SecureTransport\" = \"true\" } } }",
        ),
        "only under a Condition (statement `Secure` of `aws_iam_role_policy.p`)",
    );
    refused(
        &inline("{ Effect = \"Allow\", NotAction = [\"xray:*\"], Resource = \"*\" }"),
        "no policy that reaches it allows",
    );
    // A permissions boundary that does not include X-Ray.
    let bounded = format!(
        "{}\nresource \"aws_iam_policy\" \"boundary\" {{\n  name   = \"boundary\"\n  policy = jsonencode({{ Statement = [{{ Effect = \"Allow\", Action = \"logs:*\", Resource = \"*\" }}] }})\n}}\n",
        inline("{ Effect = \"Allow\", Action = \"xray:*\", Resource = \"*\" }")
    );
    let (message, _) = xr101(&bounded, &[]);
    assert!(message.is_none(), "no boundary on the role yet");
    let (message, _) = xr101(
        "",
        &[(
            "main.tf",
            &format!(
                "{}{}",
                FUNCTION.replace("assume_role_policy = \"{}\"", "assume_role_policy   = \"{}\"\n  permissions_boundary = aws_iam_policy.boundary.arn"),
                bounded
            ),
        )],
    );
    let message = message.expect("bounded");
    assert!(
        message.contains("permissions boundary `aws_iam_policy.boundary` does not allow"),
        "{message}"
    );
}

#[test]
fn functions_reach_roles_through_modules_data_sources_and_literals() {
    // Through a module output.
    let dir = tree(&[
        (
            "main.tf",
            "module \"iam\" {\n  source = \"./iam\"\n}\nresource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n  role = module.iam.arn\n}\n",
        ),
        (
            "iam/main.tf",
            "resource \"aws_iam_role\" \"this\" {\n  name = \"mod-role\"\n}\noutput \"arn\" {\n  value = aws_iam_role.this.arn\n}\n",
        ),
    ]);
    let (report, _) = audit_path(dir.path(), &[]);
    assert_eq!(
        resources(&report, "XR101"),
        vec!["module.iam.aws_iam_role.this"]
    );
    // By name, through data "aws_iam_role", and through a literal ARN.
    for role in [
        "data.aws_iam_role.r.arn",
        "\"arn:aws:iam::123456789012:role/service/app-role\"",
    ] {
        let dir = tree(&[(
            "main.tf",
            &format!(
                "data \"aws_iam_role\" \"r\" {{\n  name = \"app-role\"\n}}\nresource \"aws_iam_role\" \"app\" {{\n  name = \"app-role\"\n}}\nresource \"aws_lambda_function\" \"f\" {{\n  function_name = \"f\"\n  role = {role}\n}}\n"
            ),
        )]);
        let (report, _) = audit_path(dir.path(), &[]);
        assert_eq!(
            resources(&report, "XR101"),
            vec!["aws_iam_role.app"],
            "role = {role}"
        );
    }
    // A role outside the tree is unknown: XR000, neither a pass nor a fail.
    let dir = tree(&[(
        "main.tf",
        "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n  role = \"arn:aws:iam::123456789012:role/elsewhere\"\n}\n",
    )]);
    let (report, _) = audit_path(dir.path(), &[]);
    assert!(resources(&report, "XR101").is_empty());
    let note = findings(&report)
        .iter()
        .find(|f| f["rule"] == "XR000")
        .unwrap();
    assert!(
        note["message"].as_str().unwrap().contains(
            "role `arn:aws:iam::123456789012:role/elsewhere` is not defined in this root"
        ),
        "{note}"
    );
}

#[test]
fn one_finding_per_role_listing_its_functions() {
    let dir = tree(&[(
        "main.tf",
        "resource \"aws_iam_role\" \"shared\" {\n  name = \"shared\"\n}\nresource \"aws_lambda_function\" \"a\" {\n  function_name = \"a\"\n  role = aws_iam_role.shared.arn\n}\nresource \"aws_lambda_function\" \"b\" {\n  function_name = \"b\"\n  role = aws_iam_role.shared.arn\n}\nresource \"aws_iam_role\" \"unused\" {\n  name = \"unused\"\n}\n",
    )]);
    let (report, _) = audit_path(dir.path(), &[]);
    assert_eq!(
        resources(&report, "XR101"),
        vec!["aws_iam_role.shared"],
        "unused roles are not reported"
    );
    let f = findings(&report)
        .iter()
        .find(|f| f["rule"] == "XR101")
        .unwrap();
    let related: Vec<&str> = f["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        related,
        vec![
            "used by `aws_lambda_function.a`",
            "used by `aws_lambda_function.b`"
        ]
    );
    assert_eq!(
        (f["file"].as_str(), f["line"].as_u64()),
        (Some("main.tf"), Some(1)),
        "points at the role"
    );
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("2 functions use it")
    );
}

#[test]
fn sampling_reads_and_lenient_json_are_notes() {
    // Writes but cannot read sampling rules: XR102.
    let (message, report) = xr101(
        "resource \"aws_iam_role_policy\" \"p\" {\n  role   = aws_iam_role.r.id\n  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = [\"xray:PutTraceSegments\", \"xray:PutTelemetryRecords\"], Resource = \"*\" }] })\n}\n",
        &[],
    );
    assert!(message.is_none());
    let note = findings(&report)
        .iter()
        .find(|f| f["rule"] == "XR102")
        .expect("XR102");
    assert_eq!(note["severity"], "note");
    assert!(
        note["message"]
            .as_str()
            .unwrap()
            .contains("fall back to local sampling")
    );
    // A heredoc policy with a trailing comma: read leniently, noted (XR103).
    let (message, report) = xr101(
        "resource \"aws_iam_role_policy\" \"p\" {\n  role   = aws_iam_role.r.id\n  policy = <<EOF\n{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"xray:*\",], \"Resource\": \"*\"}]}\nEOF\n}\n",
        &[],
    );
    assert!(message.is_none(), "the grant is still read");
    let note = findings(&report)
        .iter()
        .find(|f| f["rule"] == "XR103")
        .expect("XR103");
    assert!(
        note["message"]
            .as_str()
            .unwrap()
            .contains("trailing comma (`{\"Statement\""),
        "{note}"
    );
}

#[test]
fn checkov_iam_write_access_fixture_with_trailing_commas_parses() {
    let dir = corpus("bridgecrewio__checkov");
    let (report, status) = audit_path(
        &dir.join("tests/terraform/checks/resource/aws/example_IAMWriteAccess"),
        &[],
    );
    assert!(status == 0 || status == 1);
    assert!(resources(&report, "XR999").is_empty());
}

#[test]
fn terraform_aws_modules_lambda_roles_follow_their_inputs() {
    let call = |extra: &str| {
        format!(
            "module \"fn\" {{\n  source        = \"terraform-aws-modules/lambda/aws\"\n  function_name = \"fn\"\n  tracing_mode  = \"Active\"\n{extra}}}\n"
        )
    };
    let run = |extra: &str| {
        let dir = tree(&[("main.tf", &call(extra))]);
        audit_path(dir.path(), &[]).0
    };
    // Active tracing without attach_tracing_policy: the module's role cannot write.
    let r = run("");
    assert_eq!(resources(&r, "XR101"), vec!["module.fn"]);
    assert_eq!(findings(&r)[0]["line"], 1, "points at the module call");
    // With attach_tracing_policy, or a policy_statements entry granting xray:*, or an
    // attached managed policy: none.
    for extra in [
        "  attach_tracing_policy = true\n",
        "  attach_policy_statements = true\n  policy_statements = {\n    xray = {\n      effect    = \"Allow\"\n      actions   = [\"xray:*\"]\n      resources = [\"*\"]\n    }\n  }\n",
        "  attach_policy_json = true\n  policy_json = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"xray:*\", Resource = \"*\" }] })\n",
        "  attach_policies = true\n  number_of_policies = 1\n  policies = [\"arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess\"]\n",
    ] {
        let r = run(extra);
        assert!(resources(&r, "XR101").is_empty(), "{extra}: {r:#}");
        assert!(resources(&r, "XR000").is_empty(), "{extra}: {r:#}");
    }
    // A statement granting only other actions still fails.
    let r = run(
        "  attach_policy_statements = true\n  policy_statements = {\n    s3 = {\n      actions   = [\"s3:GetObject\"]\n      resources = [\"*\"]\n    }\n  }\n",
    );
    assert_eq!(resources(&r, "XR101"), vec!["module.fn"]);
    // An existing role passed in: that role is judged instead.
    let dir = tree(&[(
        "main.tf",
        &format!(
            "{}resource \"aws_iam_role\" \"mine\" {{\n  name = \"mine\"\n}}\n",
            call("  create_role = false\n  lambda_role = aws_iam_role.mine.arn\n")
        ),
    )]);
    let (r, _) = audit_path(dir.path(), &[]);
    assert_eq!(resources(&r, "XR101"), vec!["aws_iam_role.mine"]);
}

#[test]
fn the_seeds_tree_with_its_modules_installed() {
    let corpus = shared().join("corpus");
    let work = tempfile::TempDir::new().unwrap();
    for dir in [
        "rpstreef__openapi-tf-example",
        "rpstreef__tf-lambda",
        "rpstreef__tf-apigateway",
        "rpstreef__tf-iam",
    ] {
        copy_tree(&corpus.join(dir), &work.path().join(dir));
    }
    // What `terraform init` would record for the pinned sources, pointed at the copies.
    let root = work.path().join("rpstreef__openapi-tf-example/env/dev");
    std::fs::create_dir_all(root.join(".terraform/modules")).unwrap();
    let entry = |key: &str, source: &str, dir: &str| {
        format!(r#"{{"Key":"{key}","Source":"{source}","Dir":"../../../{dir}"}}"#)
    };
    let modules = [
        entry(
            "apigateway",
            "git::https://github.com/rpstreef/tf-apigateway.git?ref=v1.3.1",
            "rpstreef__tf-apigateway",
        ),
        entry(
            "identity.iam",
            "git::https://github.com/rpstreef/tf-iam.git?ref=v1.0",
            "rpstreef__tf-iam",
        ),
        entry(
            "identity.lambda",
            "git::https://github.com/rpstreef/tf-lambda.git?ref=v1.3.3",
            "rpstreef__tf-lambda",
        ),
        entry(
            "user.iam",
            "git::https://github.com/rpstreef/tf-iam.git?ref=v1.0",
            "rpstreef__tf-iam",
        ),
        entry(
            "user.lambda",
            "git::https://github.com/rpstreef/tf-lambda.git?ref=v1.3.3",
            "rpstreef__tf-lambda",
        ),
        entry(
            "user.lambda_receiver",
            "git::https://github.com/rpstreef/tf-lambda.git?ref=v1.3.3",
            "rpstreef__tf-lambda",
        ),
    ];
    std::fs::write(
        root.join(".terraform/modules/modules.json"),
        format!(
            r#"{{"Modules":[{{"Key":"","Source":"","Dir":"."}},{}]}}"#,
            modules.join(",")
        ),
    )
    .unwrap();
    let (report, _) = audit_path(&work.path().join("rpstreef__openapi-tf-example"), &[]);
    let roles = resources(&report, "XR101");
    assert!(
        roles.contains(&"module.identity.module.iam.aws_iam_role._[0]".to_string()),
        "{report:#}"
    );
    assert!(
        !roles.iter().any(|r| r.starts_with("module.user.")),
        "{roles:?}"
    );
    let identity = findings(&report)
        .iter()
        .find(|f| {
            f["rule"] == "XR101" && f["resource"] == "module.identity.module.iam.aws_iam_role._[0]"
        })
        .unwrap();
    assert!(
        identity["message"]
            .as_str()
            .unwrap()
            .contains("no policy that reaches it allows"),
        "{identity}"
    );
    // Everything else it reports, for the record (cargo test -- --nocapture).
    for f in findings(&report) {
        eprintln!(
            "{} {} {}",
            f["rule"],
            f["resource"],
            f["message"]
                .as_str()
                .unwrap()
                .chars()
                .take(140)
                .collect::<String>()
        );
    }
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// (functions, seed, functions per directory)
const TREES: &[(usize, u64, usize)] = &[(60, 2, 25), (400, 11, 25), (1000, 5, 40), (200, 8, 7)];

#[test]
fn xr101_equals_the_ground_truth() {
    for &(n, seed, per_dir) in TREES {
        let (dir, expected) = gen_tree(n, seed, per_dir);
        let (report, _) = audit_path(dir.path(), &[]);
        assert_eq!(
            addresses(&report, "XR101"),
            strings(&expected["role_missing_xray_write"]),
            "gen_tree --functions {n} --seed {seed} --per-dir {per_dir}"
        );
        // The explicitly denied ones say so.
        for f in findings(&report).iter().filter(|f| f["rule"] == "XR101") {
            let address = format!(
                "{}/{}",
                f["root"].as_str().unwrap(),
                f["resource"].as_str().unwrap()
            );
            let denied = strings(&expected["role_write_denied"]).contains(&address);
            assert_eq!(
                denied,
                f["message"].as_str().unwrap().contains("explicit Deny"),
                "{address}"
            );
        }
    }
}

/// A function whose role `aws_iam_role.r` has `role` in its body, beside `rest`.
fn with_role(role: &str, rest: &str) -> Value {
    let main = format!(
        "resource \"aws_lambda_function\" \"f\" {{\n  function_name = \"f\"\n  role          = aws_iam_role.r.arn\n  tracing_config {{\n    mode = \"Active\"\n  }}\n}}\nresource \"aws_iam_role\" \"r\" {{\n  name = \"app-role\"\n{role}}}\n{rest}"
    );
    let dir = tree(&[("main.tf", &main)]);
    audit_path(dir.path(), &[]).0
}

const XRAY_ARN: &str = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess";
const BASIC_ARN: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

fn attachment(name: &str, arn: &str) -> String {
    format!(
        "resource \"aws_iam_role_policy_attachment\" \"{name}\" {{\n  role       = aws_iam_role.r.name\n  policy_arn = \"{arn}\"\n}}\n"
    )
}

fn role_policy(label: &str, name: &str, actions: &str) -> String {
    format!(
        "resource \"aws_iam_role_policy\" \"{label}\" {{\n  name   = \"{name}\"\n  role   = aws_iam_role.r.id\n  policy = jsonencode({{ Statement = [{{ Effect = \"Allow\", Action = {actions}, Resource = \"*\" }}] }})\n}}\n"
    )
}

/// One case: the role's own arguments, what is beside it, whether XR101 reports the role
/// (with these words), and the XR104 findings (resource, words).
struct Exclusive {
    name: &'static str,
    role: String,
    rest: String,
    xr101: Option<&'static str>,
    xr104: Vec<(&'static str, &'static str)>,
}

#[test]
fn exclusive_lists_leave_the_role_exactly_what_they_name() {
    let logs_block = "  inline_policy {\n    name   = \"logs\"\n    policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"logs:*\", Resource = \"*\" }] })\n  }\n";
    let cases = vec![
        Exclusive {
            name: "managed_policy_arns without X-Ray, the X-Ray attachment beside it",
            role: format!("  managed_policy_arns = [\"{BASIC_ARN}\"]\n"),
            rest: attachment("xray", XRAY_ARN),
            xr101: Some(
                "`aws_iam_role_policy_attachment.xray` attaches `AWSXRayDaemonWriteAccess`, but it is not in `managed_policy_arns` of `aws_iam_role.r`, an exclusive list, so Terraform removes it on the next apply (XR104)",
            ),
            xr104: vec![(
                "aws_iam_role_policy_attachment.xray",
                "but it is not in `managed_policy_arns` of `aws_iam_role.r` (main.tf:10), an exclusive list: the next apply detaches it, and the one after attaches it again, and so on (flapping); it is what would let the role write traces, so after apply the role loses trace permissions (XR101)",
            )],
        },
        Exclusive {
            name: "managed_policy_arns = [] removes every attachment",
            role: "  managed_policy_arns = []\n".into(),
            rest: attachment("xray", XRAY_ARN),
            xr101: Some("no policy that reaches it allows"),
            xr104: vec![("aws_iam_role_policy_attachment.xray", "loses trace permissions")],
        },
        Exclusive {
            name: "managed_policy_arns with X-Ray",
            role: format!("  managed_policy_arns = [\"{BASIC_ARN}\", \"{XRAY_ARN}\"]\n"),
            rest: String::new(),
            xr101: None,
            xr104: vec![],
        },
        Exclusive {
            name: "managed_policy_arns with X-Ray (partition-aware), the same attachment beside it",
            role: "  managed_policy_arns = [\"arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSXRayDaemonWriteAccess\"]\n".into(),
            rest: format!("data \"aws_partition\" \"current\" {{}}\n{}", attachment("xray", XRAY_ARN)),
            xr101: None,
            xr104: vec![],
        },
        Exclusive {
            name: "managed_policy_arns with a customer grant, the basic policy beside it",
            role: "  managed_policy_arns = [aws_iam_policy.xray.arn]\n".into(),
            rest: format!(
                "resource \"aws_iam_policy\" \"xray\" {{\n  name   = \"xray\"\n  policy = {WRITE_JSON:?}\n}}\n{}",
                attachment("basic", BASIC_ARN)
            ),
            xr101: None,
            xr104: vec![(
                "aws_iam_role_policy_attachment.basic",
                "attaches `AWSLambdaBasicExecutionRole` to role `aws_iam_role.r`",
            )],
        },
        Exclusive {
            name: "managed_policy_arns and an aws_iam_policy_attachment",
            role: format!("  managed_policy_arns = [\"{BASIC_ARN}\"]\n"),
            rest: format!(
                "resource \"aws_iam_policy_attachment\" \"xray\" {{\n  name       = \"xray\"\n  roles      = [aws_iam_role.r.name]\n  policy_arn = \"{XRAY_ARN}\"\n}}\n"
            ),
            xr101: Some("but it is not in `managed_policy_arns` of `aws_iam_role.r`"),
            xr104: vec![("aws_iam_policy_attachment.xray", "loses trace permissions")],
        },
        Exclusive {
            name: "managed_policy_arns known only from a variable",
            role: "  managed_policy_arns = var.policies\n".into(),
            rest: format!("variable \"policies\" {{}}\n{}", attachment("xray", XRAY_ARN)),
            // Neither a pass nor a fail: XR000 (checked below); nothing to say is left out.
            xr101: None,
            xr104: vec![],
        },
        Exclusive {
            name: "managed_policy_arns leaves inline policies alone",
            role: format!("  managed_policy_arns = [\"{BASIC_ARN}\"]\n"),
            rest: role_policy("xray", "xray", "\"xray:*\""),
            xr101: None,
            xr104: vec![],
        },
        Exclusive {
            name: "inline_policy blocks, an aws_iam_role_policy granting X-Ray beside them",
            role: logs_block.into(),
            rest: role_policy("xray", "xray", "\"xray:*\""),
            xr101: Some(
                "`aws_iam_role_policy.xray` adds the inline policy `xray`, but it is not in the `inline_policy` blocks of `aws_iam_role.r`, an exclusive list",
            ),
            xr104: vec![(
                "aws_iam_role_policy.xray",
                "(main.tf:10), an exclusive list: the next apply deletes it, and the one after creates it again",
            )],
        },
        Exclusive {
            name: "one empty inline_policy block: no inline policy stays",
            role: "  inline_policy {}\n".into(),
            rest: role_policy("xray", "xray", "\"xray:*\""),
            xr101: Some("no policy that reaches it allows"),
            xr104: vec![(
                "aws_iam_role_policy.xray",
                "add its policy, as one more `inline_policy` block, to the `inline_policy` blocks of `aws_iam_role.r`, or remove `aws_iam_role_policy.xray`",
            )],
        },
        Exclusive {
            name: "inline_policy blocks leave attachments alone",
            role: logs_block.into(),
            rest: attachment("xray", XRAY_ARN),
            xr101: None,
            xr104: vec![],
        },
        Exclusive {
            name: "aws_iam_role_policy_attachments_exclusive omitting the X-Ray attachment",
            role: String::new(),
            rest: format!(
                "resource \"aws_iam_role_policy_attachments_exclusive\" \"e\" {{\n  role_name   = aws_iam_role.r.name\n  policy_arns = [\"{BASIC_ARN}\"]\n}}\n{}",
                attachment("xray", XRAY_ARN)
            ),
            xr101: Some(
                "but it is not in `policy_arns` of `aws_iam_role_policy_attachments_exclusive.e`, an exclusive list",
            ),
            xr104: vec![(
                "aws_iam_role_policy_attachment.xray",
                "`policy_arns` of `aws_iam_role_policy_attachments_exclusive.e` (main.tf:",
            )],
        },
        Exclusive {
            name: "aws_iam_role_policy_attachments_exclusive naming the X-Ray attachment",
            role: String::new(),
            rest: format!(
                "resource \"aws_iam_role_policy_attachments_exclusive\" \"e\" {{\n  role_name   = aws_iam_role.r.name\n  policy_arns = [aws_iam_role_policy_attachment.basic.policy_arn, \"{XRAY_ARN}\"]\n}}\n{}{}",
                attachment("xray", XRAY_ARN),
                attachment("basic", BASIC_ARN)
            ),
            xr101: None,
            xr104: vec![],
        },
        Exclusive {
            name: "aws_iam_role_policies_exclusive naming the role policy",
            role: String::new(),
            rest: format!(
                "resource \"aws_iam_role_policies_exclusive\" \"e\" {{\n  role_name    = aws_iam_role.r.name\n  policy_names = [aws_iam_role_policy.xray.name]\n}}\n{}",
                role_policy("xray", "xray-write", "\"xray:*\"")
            ),
            xr101: None,
            xr104: vec![],
        },
        Exclusive {
            name: "aws_iam_role_policies_exclusive omitting the role policy",
            role: String::new(),
            rest: format!(
                "resource \"aws_iam_role_policies_exclusive\" \"e\" {{\n  role_name    = aws_iam_role.r.name\n  policy_names = [aws_iam_role_policy.logs.name]\n}}\n{}{}",
                role_policy("xray", "xray-write", "\"xray:*\""),
                role_policy("logs", "logs", "\"logs:*\"")
            ),
            xr101: Some(
                "`aws_iam_role_policy.xray` adds the inline policy `xray-write`, but it is not in `policy_names` of `aws_iam_role_policies_exclusive.e`, an exclusive list",
            ),
            xr104: vec![(
                "aws_iam_role_policy.xray",
                "add its name to `policy_names` of `aws_iam_role_policies_exclusive.e`, or remove `aws_iam_role_policy.xray`",
            )],
        },
        Exclusive {
            name: "two exclusive lists that disagree",
            role: format!("  managed_policy_arns = [\"{XRAY_ARN}\"]\n"),
            rest: format!(
                "resource \"aws_iam_role_policy_attachments_exclusive\" \"e\" {{\n  role_name   = aws_iam_role.r.name\n  policy_arns = [\"{BASIC_ARN}\"]\n}}\n"
            ),
            xr101: None,
            xr104: vec![
                (
                    "aws_iam_role.r",
                    "`aws_iam_role.r` attaches `AWSXRayDaemonWriteAccess` to role `aws_iam_role.r`, but it is not in `policy_arns` of `aws_iam_role_policy_attachments_exclusive.e`",
                ),
                (
                    "aws_iam_role_policy_attachments_exclusive.e",
                    "attaches `AWSLambdaBasicExecutionRole` to role `aws_iam_role.r`, but it is not in `managed_policy_arns` of `aws_iam_role.r`",
                ),
            ],
        },
    ];
    for case in cases {
        let report = with_role(&case.role, &case.rest);
        let all = findings(&report);
        let xr101 = all
            .iter()
            .find(|f| f["rule"] == "XR101")
            .map(|f| f["message"].as_str().unwrap());
        match (case.xr101, xr101) {
            (None, None) => {}
            (Some(words), Some(message)) => {
                assert!(message.contains(words), "{}:\n{message}", case.name)
            }
            _ => panic!("{}: XR101 {xr101:?}\n{report:#}", case.name),
        }
        let mut xr104: Vec<(&str, &str)> = all
            .iter()
            .filter(|f| f["rule"] == "XR104")
            .map(|f| {
                assert_eq!(f["severity"], "warning");
                (
                    f["resource"].as_str().unwrap(),
                    f["message"].as_str().unwrap(),
                )
            })
            .collect();
        xr104.sort();
        assert_eq!(xr104.len(), case.xr104.len(), "{}: {xr104:#?}", case.name);
        for ((resource, message), (want_resource, words)) in xr104.iter().zip(&case.xr104) {
            assert_eq!(resource, want_resource, "{}", case.name);
            assert!(
                message.contains(words),
                "{}:\n{message}\n(wanted: {words})",
                case.name
            );
        }
        let unknown = resources(&report, "XR000");
        assert_eq!(
            unknown.contains(&"aws_iam_role.r".to_string()),
            case.role.contains("var.policies"),
            "{}: XR000 {unknown:?}",
            case.name
        );
    }
}

/// A role no function uses still flaps: XR104 is about the configuration, not tracing.
#[test]
fn a_left_out_policy_is_reported_on_any_role() {
    let dir = tree(&[(
        "main.tf",
        &format!(
            "resource \"aws_iam_role\" \"unused\" {{\n  name                = \"unused\"\n  managed_policy_arns = []\n}}\nresource \"aws_iam_role_policy_attachment\" \"a\" {{\n  role       = aws_iam_role.unused.name\n  policy_arn = \"{BASIC_ARN}\"\n}}\n"
        ),
    )]);
    let (report, _) = audit_path(dir.path(), &[]);
    assert_eq!(
        resources(&report, "XR104"),
        vec!["aws_iam_role_policy_attachment.a"]
    );
    let message = findings(&report)[0]["message"].as_str().unwrap();
    assert!(!message.contains("trace permissions"), "{message}");
    assert!(resources(&report, "XR101").is_empty());
}
