//! Terragrunt units (tests/fixtures/terragrunt, shaped like Terragrunt's own examples:
//! a `root.hcl` every unit includes, `env.hcl` per environment, units sourcing local
//! modules with `//`) and the real Terragrunt trees in ../shared/corpus.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use xray_setup::source::terraform::{Target, Variables, scan};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terragrunt")
}

/// The roots of a rule's findings.
fn roots(report: &Value, rule: &str) -> BTreeSet<String> {
    findings(report)
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["root"].as_str().unwrap().to_string())
        .collect()
}

fn finding<'a>(report: &'a Value, rule: &str, root: &str) -> &'a Value {
    findings(report)
        .iter()
        .find(|f| f["rule"] == rule && f["root"] == root)
        .unwrap_or_else(|| panic!("no {rule} in {root}: {report:#}"))
}

/// The message of a rule's finding in a root.
fn message<'a>(report: &'a Value, rule: &str, root: &str) -> &'a str {
    finding(report, rule, root)["message"].as_str().unwrap()
}

/// Asserts that the message of a rule's finding in a root says `words`.
fn assert_says(report: &Value, rule: &str, root: &str, words: &str) {
    let m = message(report, rule, root);
    assert!(m.contains(words), "{rule} in {root}: {m}");
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn every_unit_is_a_root_and_the_modules_they_source_are_not() {
    let scanned = scan(&[Target::all(&fixture())], &Variables::default()).unwrap();
    let roots: BTreeSet<String> = scanned.roots.iter().map(|(r, _)| r.clone()).collect();
    assert_eq!(
        roots,
        set(&[
            "live/dev/api",
            "live/dev/pinned",
            "live/dev/varfile",
            "live/dev/worker",
            "live/merge/deep",
            "live/merge/deep-map-only",
            "live/merge/no-merge",
            "live/merge/shallow",
            "live/plain",
            "live/prod/api",
            "live/prod/apply-only",
            "live/prod/disabled",
            "live/prod/generated",
            "live/prod/jobs",
            "live/prod/legacy",
            "live/prod/queue",
        ])
    );
}

#[test]
fn exactly_the_units_that_run_passthrough_are_reported() {
    let (report, status) = audit_path(&fixture(), &[]);
    assert_eq!(status, 1, "{report:#}");
    assert_eq!(
        roots(&report, "XR001"),
        set(&[
            // Inherits tracing_mode = "PassThrough" from root.hcl's inputs (the module's
            // default is Active).
            "live/dev/api",
            // The module's terraform.tfvars wins over the unit's inputs.
            "live/dev/pinned",
            // A shallow merge replaces the parent's `settings`; no_merge takes nothing.
            "live/merge/no-merge",
            "live/merge/shallow",
            // The function is in the file a generate block writes.
            "live/prod/generated",
            "live/prod/legacy",
        ])
    );
    // A dependency's outputs without mock_outputs Terragrunt would use for plan.
    assert_eq!(
        roots(&report, "XR000"),
        set(&["live/prod/apply-only", "live/prod/jobs"])
    );
    let rules: BTreeSet<&str> = findings(&report)
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, BTreeSet::from(["XR000", "XR001"]), "{report:#}");
}

#[test]
fn a_finding_names_the_inputs_line_that_decides_it() {
    let (report, _) = audit_path(&fixture(), &[]);
    assert_eq!(
        finding(&report, "XR001", "live/dev/api")["file"],
        "modules/service/main.tf"
    );
    let api = "the Terragrunt input `tracing_mode` in root.hcl";
    assert_says(&report, "XR001", "live/dev/api", api);
    let legacy = "`tracing_mode` in live/prod/legacy/terragrunt.hcl";
    assert_says(&report, "XR001", "live/prod/legacy", legacy);
    let pinned = "modules/pinned/terraform.tfvars";
    assert_says(&report, "XR001", "live/dev/pinned", pinned);
    let generated = finding(&report, "XR001", "live/prod/generated");
    assert_eq!(generated["file"], "live/prod/generated/function.tf");
}

#[test]
fn inputs_sit_at_the_environments_precedence() {
    // The environment's own TF_VAR_ wins over inputs (Terragrunt leaves it alone), and
    // the module's tfvars win over both.
    let out = xray_setup()
        .args(["audit", "--format", "json"])
        .arg(fixture())
        .env("TF_VAR_tracing_mode", "Active")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        roots(&report, "XR001"),
        set(&[
            "live/dev/pinned",
            "live/merge/no-merge",
            "live/merge/shallow",
            "live/prod/generated",
        ])
    );
    // --var wins over everything, tfvars included.
    let (report, _) = audit_path(&fixture(), &["--var", "tracing_mode=Active"]);
    assert!(!roots(&report, "XR001").contains("live/dev/pinned"));
    assert!(!roots(&report, "XR001").contains("live/prod/legacy"));
}

#[test]
fn dependencies_use_mock_outputs_only_where_terragrunt_would() {
    let out = xray_setup()
        .args(["audit", "--format", "json"])
        .arg(fixture())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    for root in ["live/prod/jobs", "live/prod/apply-only"] {
        let words = "dependency.api.outputs come from the state of ../api";
        assert_says(&report, "XR000", root, words);
    }
    // Mocks allowed for plan, and a disabled dependency's mocks whatever the command:
    // Active, so nothing to report, and the audit says which mocks it used.
    let reported = roots(&report, "XR001");
    assert!(!reported.contains("live/prod/queue") && !reported.contains("live/prod/disabled"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("live/prod/queue: dependency outputs taken from mock_outputs, as `terragrunt plan` takes them before the dependency is applied: \"api\" (../api)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("live/prod/disabled: dependency outputs taken from mock_outputs, as `terragrunt plan` takes them before the dependency is applied: \"api\" (disabled, so whatever the command)"),
        "{stderr}"
    );
    assert!(!stderr.contains("live/prod/jobs"), "{stderr}");
}

#[test]
fn paths_in_an_included_parent_resolve_as_terragrunt_resolves_them() {
    // root.hcl reads `read_terragrunt_config("../env.hcl")`, which exists only from the
    // unit's folder, and `file("common/mode.txt")`, which exists only from root.hcl's:
    // prod/api takes its mode from that file (Active), and nothing is refused.
    let (report, _) = audit_path(&fixture(), &[]);
    assert!(!roots(&report, "XR001").contains("live/prod/api"));
    assert!(roots(&report, "XR998").is_empty(), "{report:#}");
    // Auditing one unit reads the parents above it, and the files they read.
    let (report, status) = audit_path(&fixture().join("live/prod/api"), &[]);
    assert_eq!((findings(&report).len(), status), (0, 0), "{report:#}");
    let (report, _) = audit_path(&fixture().join("live/prod/legacy"), &[]);
    assert_eq!(roots(&report, "XR001"), set(&["."]));
    // The other way round, each is refused, naming the file.
    let t = tree(&[
        (
            "root.hcl",
            "locals {\n  env = read_terragrunt_config(\"env.hcl\")\n}\n",
        ),
        ("env.hcl", "locals {}\n"),
        (
            "app/terragrunt.hcl",
            "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n",
        ),
        ("app/main.tf", "variable \"x\" {\n  default = 1\n}\n"),
    ]);
    let (report, _) = audit_path(t.path(), &[]);
    let refused = finding(&report, "XR998", "app");
    assert_eq!(refused["file"], "root.hcl");
    let message = refused["message"].as_str().unwrap();
    assert!(message.contains("app/env.hcl: no such file"), "{message}");
}

#[test]
fn fix_edits_the_units_inputs_and_leaves_a_shared_parent_for_review() {
    let dir = tempfile::TempDir::new().unwrap();
    copy_dir(&fixture(), dir.path());
    let out = xray_setup()
        .args(["fix", "--write"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let legacy =
        std::fs::read_to_string(dir.path().join("live/prod/legacy/terragrunt.hcl")).unwrap();
    assert!(
        legacy.contains("tracing_mode = \"Active\""),
        "{legacy}\n{stdout}"
    );
    let root = std::fs::read_to_string(dir.path().join("root.hcl")).unwrap();
    assert!(root.contains("tracing_mode = \"PassThrough\""), "{root}");
    assert!(
        stdout.contains("`tracing_mode` is set in root.hcl, which 11 Terragrunt units read"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "written by Terragrunt's generate \"function\" in live/prod/generated/terragrunt.hcl"
        ),
        "{stdout}"
    );
    let (report, _) = audit_path(dir.path(), &[]);
    assert!(!roots(&report, "XR001").contains("live/prod/legacy"));
    assert!(roots(&report, "XR001").contains("live/dev/api"));
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The real Terragrunt trees: every unit a root, the modules they source never roots of
/// their own, remote sources not on disk said to be so.
#[test]
fn corpus_units_are_roots_and_remote_sources_are_unknown() {
    let corpus = shared().join("corpus");
    let live = corpus.join("gruntwork-io__terragrunt-infrastructure-live-example");
    let (report, status) = audit_path(&live, &[]);
    assert_eq!(status, 0, "{report:#}");
    let units = set(&[
        "non-prod/us-east-1/qa/mysql",
        "non-prod/us-east-1/qa/webserver-cluster",
        "non-prod/us-east-1/stage/mysql",
        "non-prod/us-east-1/stage/webserver-cluster",
        "prod/us-east-1/prod/mysql",
        "prod/us-east-1/prod/webserver-cluster",
    ]);
    assert_eq!(roots(&report, "XR000"), units);
    for f in findings(&report) {
        let message = f["message"].as_str().unwrap();
        assert!(
            message.contains("is not on disk") && message.contains("terragrunt init"),
            "{message}"
        );
    }

    let cds = corpus.join("cds-snc__gc-feedback-collection-api");
    let scanned = scan(&[Target::all(&cds)], &Variables::default()).unwrap();
    let roots_found: BTreeSet<String> = scanned.roots.iter().map(|(r, _)| r.clone()).collect();
    let cds_units: BTreeSet<String> = [
        "api_gateway",
        "hosted_zone",
        "iam",
        "lambda",
        "ses",
        "sns",
        "sqs",
    ]
    .iter()
    .map(|u| format!("terragrunt/env/staging/{u}"))
    .collect();
    assert_eq!(roots_found, cds_units);
    let (report, _) = audit_path(&cds, &[]);
    // Six functions without tracing_config in aws/lambda, seen through the unit.
    let passthrough: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "XR001")
        .collect();
    assert_eq!(passthrough.len(), 6, "{report:#}");
    assert!(
        passthrough
            .iter()
            .all(|f| f["root"] == "terragrunt/env/staging/lambda"
                && f["file"] == "terragrunt/aws/lambda/lambda.tf")
    );
    assert!(roots(&report, "XR998").is_empty(), "{report:#}");

    // Terragrunt's own fixture: step 6 has units under live/; step 7 generates them from
    // catalog/units templates with a terragrunt.stack.hcl per environment, so the
    // templates are not units themselves and each generated unit gets its `values`.
    let walkthrough = corpus
        .join("gruntwork-io__terragrunt/docs/src/fixtures/terralith-to-terragrunt/walkthrough");
    let scanned = scan(&[Target::all(&walkthrough)], &Variables::default()).unwrap();
    let roots_found: BTreeSet<String> = scanned.roots.iter().map(|(r, _)| r.clone()).collect();
    let mut expected = BTreeSet::new();
    for step in [
        "step-6-breaking-the-terralith-further",
        "step-7-taking-advantage-of-terragrunt-stacks",
    ] {
        // A plain root module in the catalog, calling the others.
        expected.insert(format!("{step}/catalog/modules/best_cat"));
        for env in ["dev", "prod"] {
            for unit in ["ddb", "iam", "lambda", "s3"] {
                expected.insert(format!("{step}/live/{env}/{unit}"));
            }
        }
    }
    assert_eq!(roots_found, expected);
    let (report, _) = audit_path(&walkthrough, &[]);
    assert!(roots(&report, "XR998").is_empty(), "{report:#}");
    let lambda_units: BTreeSet<String> = roots(&report, "XR001")
        .into_iter()
        .filter(|r| r.contains("/live/"))
        .collect();
    assert_eq!(lambda_units.len(), 4, "{lambda_units:?}");
}

/// A remote source is read from the unit's `.terragrunt-cache` when `terragrunt init`
/// downloaded it, and the download is never a root of its own.
#[test]
fn a_remote_source_is_read_from_the_terragrunt_cache() {
    let function = "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n  role = \"arn:aws:iam::123456789012:role/r\"\n  tracing_config {\n    mode = var.mode\n  }\n}\nvariable \"mode\" {\n  default = \"Active\"\n}\n";
    let unit = "terraform {\n  source = \"git::https://example.com/modules.git//fn?ref=v1\"\n}\ninputs = {\n  mode = \"PassThrough\"\n}\n";
    let t = tree(&[
        ("app/terragrunt.hcl", unit),
        ("app/.terragrunt-cache/Ab1/Cd2/fn/main.tf", function),
        ("other/terragrunt.hcl", unit),
    ]);
    let (report, _) = audit_path(t.path(), &[]);
    assert_eq!(roots(&report, "XR001"), set(&["app"]), "{report:#}");
    let cached = finding(&report, "XR001", "app");
    assert_eq!(cached["file"], "app/.terragrunt-cache/Ab1/Cd2/fn/main.tf");
    let words = "source `git::https://example.com/modules.git//fn?ref=v1`) is not on disk";
    assert_says(&report, "XR000", "other", words);
}

/// OpenTofu 1.8 evaluates variables and locals in a module's `source` early: the module
/// they name is read and called, not reported missing or audited as a root of its own.
#[test]
fn opentofu_evaluates_variables_and_locals_in_module_sources_early() {
    let function = "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n  role = \"arn:aws:iam::123456789012:role/r\"\n}\n";
    let root = "variable \"flavour\" {\n  default = \"fn\"\n}\nlocals {\n  path = \"./modules/${var.flavour}\"\n}\nmodule \"f\" {\n  source = local.path\n}\n";
    let t = tree(&[("main.tofu", root), ("modules/fn/main.tf", function)]);
    let (report, _) = audit_path(t.path(), &[]);
    assert_eq!(
        addresses(&report, "XR001"),
        vec!["module.f.aws_lambda_function.f"]
    );
    // The root's tfvars count, as for any root variable.
    std::fs::write(t.path().join("terraform.tfvars"), "flavour = \"other\"\n").unwrap();
    let (report, _) = audit_path(t.path(), &[]);
    assert_says(
        &report,
        "XR000",
        ".",
        "(source `./modules/other`) is not on disk",
    );
}

/// Terragrunt configuration it would refuse is XR998 at the place, and a syntax error
/// XR999 with line and column; the rest is audited.
#[test]
fn bad_terragrunt_configuration_is_refused_at_its_place() {
    let t = tree(&[
        ("broken/terragrunt.hcl", "inputs = {\n  a = \n"),
        (
            "unit/terragrunt.hcl",
            "include \"x\" {\n  path = \"nope.hcl\"\n}\ninclude \"y\" {\n  path = \"../other.hcl\"\n  merge_strategy = \"weird\"\n}\nlocals {\n  a = local.b\n  b = local.a\n}\ninputs = { x = local.a }\n",
        ),
        ("other.hcl", "inputs = {}\n"),
    ]);
    let (report, status) = audit_path(t.path(), &[]);
    assert_eq!(status, 1);
    let syntax = finding(&report, "XR999", "broken");
    assert_eq!(
        (syntax["file"].as_str(), syntax["line"].as_u64()),
        (Some("broken/terragrunt.hcl"), Some(2))
    );
    let refused: Vec<(u64, String)> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "XR998")
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let lines: Vec<u64> = refused.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, vec![2, 6, 9, 10], "{refused:?}");
    assert!(
        refused[0].1.contains("unit/nope.hcl: no such file"),
        "{refused:?}"
    );
    assert!(
        refused[1].1.contains("merge_strategy must be one of"),
        "{refused:?}"
    );
    assert!(refused[2].1.contains("Cycle in locals"), "{refused:?}");
}

/// A module's default is every unit's that runs the module: editing it needs review,
/// and the fix says a unit can set the value in its own inputs instead.
#[test]
fn a_module_default_several_units_run_is_left_for_review() {
    let module = "variable \"mode\" {\n  default = \"PassThrough\"\n}\nresource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n  role = \"arn:aws:iam::123456789012:role/r\"\n  tracing_config {\n    mode = var.mode\n  }\n}\n";
    let unit = "terraform {\n  source = \"../modules//fn\"\n}\n";
    let t = tree(&[
        ("modules/fn/main.tf", module),
        ("a/terragrunt.hcl", unit),
        ("b/terragrunt.hcl", unit),
    ]);
    let out = xray_setup().arg("fix").arg(t.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .contains("the default of `var.mode` in modules/fn/main.tf is used by 2 roots (a, b)"),
        "{stdout}"
    );
    assert!(stdout.contains("Would fix 0 findings"), "{stdout}");
}

/// Terragrunt's functions, as its documentation defines them: paths between the unit
/// and what it includes, the command (`plan`), and what only a run knows as unknown.
#[test]
fn terragrunt_functions_answer_as_terragrunt_does() {
    // The function's role can write traces, so XR000 can only be about the mode.
    let module = format!(
        "variable \"mode\" {{}}\nresource \"aws_lambda_function\" \"f\" {{\n  function_name = \"f\"\n  role = aws_iam_role.r.arn\n  tracing_config {{\n    mode = var.mode\n  }}\n}}\n{}",
        std::fs::read_to_string(fixture().join("modules/bare/main.tf"))
            .unwrap()
            .replace(
                "variable \"name\" {}\n",
                "variable \"name\" {\n  default = \"f\"\n}\n"
            )
            .replace(
                "variable \"environment\" {}\n",
                "variable \"environment\" {\n  default = \"test\"\n}\n"
            )
    );
    let checks = "alltrue([\n    path_relative_to_include() == \"live/app\",\n    path_relative_from_include() == \"../..\",\n    get_terragrunt_dir() == get_original_terragrunt_dir(),\n    dirname(dirname(get_terragrunt_dir())) == get_parent_terragrunt_dir(),\n    get_terraform_command() == \"plan\",\n    contains(get_terraform_commands_that_need_vars(), \"plan\"),\n    endswith(find_in_parent_folders(\"root.hcl\"), \"/root.hcl\"),\n    find_in_parent_folders(\"absent.hcl\", \"fallback\") == \"fallback\",\n  ])";
    let unit = format!(
        "include \"root\" {{\n  path = find_in_parent_folders(\"root.hcl\")\n}}\nterraform {{\n  source = \"../../modules//fn\"\n}}\ninputs = {{\n  mode = {checks} ? \"Active\" : \"PassThrough\"\n}}\n"
    );
    let env = "terraform {\n  source = \"../../modules//fn\"\n}\ninputs = {\n  mode = get_env(\"TRACING_MODE\", \"Active\")\n}\n";
    let account = "terraform {\n  source = \"../../modules//fn\"\n}\ninputs = {\n  mode = get_aws_account_id() == \"1\" ? \"Active\" : \"PassThrough\"\n}\n";
    let t = tree(&[
        ("root.hcl", "inputs = {}\n"),
        ("modules/fn/main.tf", &module),
        ("live/app/terragrunt.hcl", &unit),
        ("live/env/terragrunt.hcl", env),
        ("live/account/terragrunt.hcl", account),
    ]);
    let (report, _) = audit_path(t.path(), &[]);
    assert!(roots(&report, "XR001").is_empty(), "{report:#}");
    assert!(roots(&report, "XR998").is_empty(), "{report:#}");
    assert_eq!(roots(&report, "XR000"), set(&["live/account", "live/env"]));
    let env = "get_env(\"TRACING_MODE\"): the environment Terragrunt runs in";
    assert_says(&report, "XR000", "live/env", env);
    let caller = "get_aws_account_id(): the AWS caller Terragrunt runs as";
    assert_says(&report, "XR000", "live/account", caller);
}
