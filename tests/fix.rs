//! `xray-setup fix`: every remedy kind as a snapshot (input, diff, fixed file), formatting
//! kept outside the edited lines, convergence and HashiCorp's parser and formatter on a
//! synthetic tree, and bad input.

mod common;
use common::*;
use std::path::Path;

/// Runs `fix` (dry run, then --write) on a tree and renders input, diff and result for a
/// snapshot.
fn case(files: &[(&str, &str)], show: &[&str], args: &[&str]) -> String {
    let dir = tree(files);
    let run = |extra: &[&str]| {
        let out = xray_setup()
            .arg("fix")
            .arg(dir.path())
            .args(args)
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let dry = run(&[]);
    for (path, text) in files {
        assert_eq!(
            std::fs::read_to_string(dir.path().join(path)).unwrap(),
            *text,
            "a dry run writes nothing"
        );
    }
    run(&["--write"]);
    let mut snapshot = String::new();
    for name in show {
        let before = files
            .iter()
            .find(|(p, _)| p == name)
            .map(|(_, t)| *t)
            .unwrap();
        snapshot.push_str(&format!("=== input {name}\n{before}"));
    }
    snapshot.push_str(&format!("=== fix (dry run)\n{dry}"));
    for name in show {
        let after = std::fs::read_to_string(dir.path().join(name)).unwrap();
        snapshot.push_str(&format!("=== fixed {name}\n{after}"));
    }
    // The inputs are terraform fmt-clean, so the results must be too, and valid HCL.
    let hcl = hcl_tools();
    let fixed: Vec<_> = files.iter().map(|(p, _)| dir.path().join(p)).collect();
    for v in hcl.parse(&fixed).into_iter().chain(hcl.fmt_clean(&fixed)) {
        assert!(v.ok, "{}: {}", v.file, v.detail);
    }
    snapshot
}

const LAMBDA_PASSTHROUGH: &str = r#"resource "aws_lambda_function" "worker" {
  function_name = "worker"
  handler       = "index.handler"

  tracing_config {
    mode = "PassThrough"
  }
}
"#;

#[test]
fn replace_a_literal() {
    insta::assert_snapshot!(case(&[("main.tf", LAMBDA_PASSTHROUGH)], &["main.tf"], &[]));
}

#[test]
fn insert_a_missing_block_and_attribute() {
    let main = r#"resource "aws_lambda_function" "worker" {
  function_name = "worker"
  handler       = "index.handler"
}

resource "aws_api_gateway_stage" "live" {
  stage_name    = "live"
  rest_api_id   = "a"
  deployment_id = "d"
}
"#;
    insta::assert_snapshot!(case(&[("main.tf", main)], &["main.tf"], &[]));
}

#[test]
fn change_a_variable_default_a_tfvars_entry_and_a_module_argument() {
    let lambda = "variable \"mode\" {\n  type    = string\n  default = \"PassThrough\"\n}\n\nresource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n\n  tracing_config {\n    mode = var.mode\n  }\n}\n";
    // The default: nothing else sets it.
    insta::assert_snapshot!(
        "variable_default",
        case(&[("main.tf", lambda)], &["main.tf"], &[])
    );
    // The tfvars entry that sets it wins over the default.
    insta::assert_snapshot!(
        "tfvars_entry",
        case(
            &[
                ("main.tf", lambda),
                ("terraform.tfvars", "mode = \"PassThrough\"\n")
            ],
            &["terraform.tfvars"],
            &[]
        )
    );
    // A module argument in the calling module.
    let caller = "module \"fn\" {\n  source = \"./fn\"\n  mode   = \"PassThrough\"\n}\n";
    insta::assert_snapshot!(
        "module_argument",
        case(
            &[("main.tf", caller), ("fn/main.tf", lambda)],
            &["main.tf"],
            &[]
        )
    );
}

#[test]
fn a_variable_used_elsewhere_needs_review() {
    let main = "variable \"tracing\" {\n  default = false\n}\n\nresource \"aws_api_gateway_stage\" \"a\" {\n  stage_name           = \"a\"\n  xray_tracing_enabled = var.tracing\n}\n\nresource \"aws_api_gateway_stage\" \"b\" {\n  stage_name           = \"b\"\n  xray_tracing_enabled = var.tracing\n}\n";
    let safe_only = case(&[("main.tf", main)], &["main.tf"], &[]);
    assert!(
        safe_only.contains("needs review: `var.tracing` is used 2 times"),
        "{safe_only}"
    );
    assert!(safe_only.contains("Would fix 0 findings"), "{safe_only}");
    insta::assert_snapshot!(case(&[("main.tf", main)], &["main.tf"], &["--unsafe"]));
}

#[test]
fn terraform_aws_modules_lambda_call() {
    let main = "module \"api\" {\n  source        = \"terraform-aws-modules/lambda/aws\"\n  function_name = \"api\"\n  handler       = \"index.handler\"\n}\n";
    insta::assert_snapshot!(case(&[("main.tf", main)], &["main.tf"], &[]));
}

#[test]
fn roles_get_the_write_policy_after_them() {
    let plain = r#"resource "aws_iam_role" "app" {
  name = "app"
}

resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = aws_iam_role.app.arn

  tracing_config {
    mode = "Active"
  }
}
"#;
    insta::assert_snapshot!("role_plain", case(&[("main.tf", plain)], &["main.tf"], &[]));
    let counted = r#"data "aws_partition" "current" {}

resource "aws_iam_role" "app" {
  count = 2
  name  = "app-${count.index}"
}

resource "aws_lambda_function" "f" {
  count         = 2
  function_name = "f-${count.index}"
  role          = aws_iam_role.app[count.index].arn

  tracing_config {
    mode = "Active"
  }
}

resource "aws_iam_role" "keyed" {
  for_each = toset(["a"])
  name     = each.key
}

resource "aws_lambda_function" "g" {
  for_each      = toset(["a"])
  function_name = each.key
  role          = aws_iam_role.keyed[each.key].arn

  tracing_config {
    mode = "Active"
  }
}
"#;
    insta::assert_snapshot!(
        "role_count_for_each_partition",
        case(&[("main.tf", counted)], &["main.tf"], &[])
    );
}

#[test]
fn a_denied_role_is_left_with_what_to_change() {
    let main = r#"resource "aws_iam_role" "app" {
  name = "app"
}

resource "aws_iam_role_policy" "deny" {
  role = aws_iam_role.app.id
  policy = jsonencode({
    Statement = [{ Sid = "NoXray", Effect = "Deny", Action = "xray:*", Resource = "*" }]
  })
}

resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = aws_iam_role.app.arn

  tracing_config {
    mode = "Active"
  }
}
"#;
    let out = case(&[("main.tf", main)], &["main.tf"], &[]);
    assert!(out.contains("Would fix 0 findings"), "{out}");
    assert!(
        out.contains("XR101 aws_iam_role.app (.): change or narrow that statement"),
        "{out}"
    );
}

#[test]
fn sampling_rule_version() {
    let main = r#"resource "aws_xray_sampling_rule" "r" {
  rule_name      = "r"
  priority       = 0
  version        = 2
  reservoir_size = 1
  fixed_rate     = 0.05
  url_path       = "*"
  host           = "*"
  http_method    = "*"
  service_type   = "*"
  service_name   = "*"
  resource_arn   = "*"
}
"#;
    let out = case(&[("main.tf", main)], &["main.tf"], &[]);
    assert!(out.contains("XR201 aws_xray_sampling_rule.r (.): choose a priority that is an integer from 1 to 9999"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn comments_blank_lines_and_alignment_outside_the_edit_are_kept() {
    let main = r#"# Orders service
# (owned by the payments team)

/* A block comment
   spanning lines */
resource "aws_lambda_function" "worker" { # trailing comment
  function_name    = "worker"          # aligned, oddly
  handler          = "index.handler"


  // two blank lines above, kept
  tracing_config {
    mode = "PassThrough" # why PassThrough? nobody knows
  }
  tags = {
    Team   = "payments"
    Spacey = "  x  "
  }
}

# the end
"#;
    let dir = tree(&[("main.tf", main)]);
    xray_setup()
        .arg("fix")
        .arg(dir.path())
        .arg("--write")
        .assert()
        .success();
    let after = std::fs::read_to_string(dir.path().join("main.tf")).unwrap();
    let expected = main.replace(
        "mode = \"PassThrough\" # why PassThrough?",
        "mode = \"Active\" # why PassThrough?",
    );
    assert_eq!(after, expected, "only the literal changed");
}

#[test]
fn synthetic_tree_converges_and_stays_valid_and_formatted() {
    let (dir, expected) = gen_tree(300, 3, 25);
    let hcl = hcl_tools();
    let files = || files_under(dir.path(), &[".tf", ".tfvars"]);
    let unformatted: Vec<_> = hcl
        .fmt_clean(&files())
        .into_iter()
        .filter(|v| !v.ok)
        .map(|v| v.file)
        .collect();
    assert!(
        unformatted.is_empty(),
        "gen_tree output is fmt-clean to begin with: {unformatted:?}"
    );
    xray_setup()
        .arg("fix")
        .arg(dir.path())
        .args(["--write", "--unsafe"])
        .assert()
        .success();
    let (report, _) = audit_path(dir.path(), &[]);
    assert!(
        addresses(&report, "XR001").is_empty(),
        "{:?}",
        addresses(&report, "XR001")
    );
    assert!(addresses(&report, "XR003").is_empty());
    assert_eq!(
        addresses(&report, "XR101"),
        strings(&expected["role_write_denied"])
    );
    for f in findings(&report).iter().filter(|f| f["rule"] == "XR101") {
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("change or narrow that statement"),
            "{f}"
        );
    }
    for v in hcl.parse(&files()) {
        assert!(
            v.ok,
            "{} does not parse with HashiCorp's parser: {}",
            v.file, v.detail
        );
    }
    for v in hcl.fmt_clean(&files()) {
        assert!(v.ok, "{} is not terraform fmt-clean after fix", v.file);
    }
    let snapshot = read_all(dir.path());
    xray_setup()
        .arg("fix")
        .arg(dir.path())
        .args(["--write", "--unsafe"])
        .assert()
        .success();
    assert!(
        snapshot == read_all(dir.path()),
        "a second fix --write --unsafe changes no byte"
    );
}

fn read_all(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    files_under(dir, &[".tf", ".tfvars"])
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

#[test]
fn an_unparsable_file_is_reported_and_left_untouched() {
    let broken = "resource \"aws_lambda_function\" \"b\" {\n  function_name = \n}\n";
    let dir = tree(&[("ok.tf", LAMBDA_PASSTHROUGH), ("broken.tf", broken)]);
    let out = fix_write(dir.path());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("Not audited, left untouched: broken.tf"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("broken.tf")).unwrap(),
        broken
    );
    assert!(
        std::fs::read_to_string(dir.path().join("ok.tf"))
            .unwrap()
            .contains("\"Active\"")
    );
}

#[test]
fn a_read_only_file_is_reported_and_the_rest_fixed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(&[
        ("a.tf", LAMBDA_PASSTHROUGH),
        ("b.tf", &LAMBDA_PASSTHROUGH.replace("worker", "other")),
    ]);
    std::fs::set_permissions(
        dir.path().join("a.tf"),
        std::fs::Permissions::from_mode(0o444),
    )
    .unwrap();
    let out = fix_write(dir.path());
    assert_eq!(out.status.code(), Some(1), "a file could not be written");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("Not written: a.tf: it is read-only"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.tf")).unwrap(),
        LAMBDA_PASSTHROUGH
    );
    assert!(
        std::fs::read_to_string(dir.path().join("b.tf"))
            .unwrap()
            .contains("\"Active\"")
    );
    let mode = std::fs::metadata(dir.path().join("b.tf"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o644, "permissions kept");
    assert_eq!(
        temporary_files(dir.path()),
        Vec::<std::path::PathBuf>::new()
    );
}

#[test]
fn nothing_outside_the_path_and_no_symlink_is_written() {
    let outside = tree(&[("shared.tf", LAMBDA_PASSTHROUGH)]);
    let dir = tree(&[("local.tf", &LAMBDA_PASSTHROUGH.replace("worker", "local"))]);
    std::os::unix::fs::symlink(
        outside.path().join("shared.tf"),
        dir.path().join("linked.tf"),
    )
    .unwrap();
    let out = fix_write(dir.path());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("Not written: linked.tf: it is a symlink"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(outside.path().join("shared.tf")).unwrap(),
        LAMBDA_PASSTHROUGH
    );
}

/// A 1,000-function synthetic tree, and its files (by relative path) before and after
/// `fix --write --unsafe`: what an interrupted fix is compared against.
fn fixed_tree() -> (tempfile::TempDir, Files, Files) {
    let (original, _) = gen_tree(1000, 9, 25);
    let fixed = tempfile::TempDir::new().unwrap();
    copy_dir(original.path(), fixed.path());
    xray_setup()
        .arg("fix")
        .arg(fixed.path())
        .args(["--write", "--unsafe"])
        .assert()
        .success();
    let (before, after) = (read_rel(original.path()), read_rel(fixed.path()));
    (original, before, after)
}

#[test]
fn a_crash_between_writes_never_leaves_a_half_written_file() {
    let (original, before, after) = fixed_tree();
    let binary = assert_cmd::cargo::cargo_bin("xray-setup");
    let mut interrupted = 0;
    for delay_ms in [5u64, 20, 40, 60, 80, 100, 130, 160, 200, 260] {
        let work = tempfile::TempDir::new().unwrap();
        copy_dir(original.path(), work.path());
        let mut child = std::process::Command::new(&binary)
            .arg("fix")
            .arg(work.path())
            .args(["--write", "--unsafe"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if !status.success() {
            interrupted += 1;
        }
        for (rel, bytes) in read_rel(work.path()) {
            assert!(
                Some(&bytes) == before.get(&rel) || Some(&bytes) == after.get(&rel),
                "{rel:?} is neither the original nor the fixed file after a kill at {delay_ms} ms"
            );
        }
    }
    assert!(interrupted > 0, "at least one run was killed mid-way");
}

fn copy_dir(from: &Path, to: &Path) {
    for p in files_under(from, &[""]) {
        let rel = p.strip_prefix(from).unwrap();
        std::fs::create_dir_all(to.join(rel).parent().unwrap()).unwrap();
        std::fs::copy(&p, to.join(rel)).unwrap();
    }
}

/// Files' contents by path relative to their tree.
type Files = std::collections::HashMap<std::path::PathBuf, Vec<u8>>;

fn read_rel(dir: &Path) -> Files {
    files_under(dir, &[".tf", ".tfvars"])
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// `xray-setup fix DIR --write`.
fn fix_write(dir: &std::path::Path) -> std::process::Output {
    xray_setup()
        .arg("fix")
        .arg(dir)
        .arg("--write")
        .output()
        .unwrap()
}

/// Runs `fix --write` again on a fixed tree: nothing changes, and XR101 is gone.
fn converged(files: &[(&str, &str)], args: &[&str]) -> tempfile::TempDir {
    let dir = tree(files);
    let run = || {
        xray_setup()
            .arg("fix")
            .arg(dir.path())
            .arg("--write")
            .args(args)
            .assert()
            .success();
        read_all(dir.path())
    };
    let first = run();
    assert!(first == run(), "a second fix --write changes nothing");
    let (report, _) = audit_path(dir.path(), &[]);
    assert!(resources(&report, "XR101").is_empty(), "{report:#}");
    dir
}

/// With an exclusive list of managed policies, the grant goes into the list, in its own
/// style; an attachment beside it would be detached on the next apply (XR104).
#[test]
fn exclusive_managed_policy_lists_get_the_write_policy() {
    let function = |name: &str| {
        format!(
            "resource \"aws_lambda_function\" \"{name}\" {{\n  function_name = \"{name}\"\n  role          = aws_iam_role.{name}.arn\n\n  tracing_config {{\n    mode = \"Active\"\n  }}\n}}\n"
        )
    };
    let roles = r#"data "aws_partition" "current" {}

resource "aws_iam_role" "multi" {
  name = "multi"
  managed_policy_arns = [
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
  ]
}

resource "aws_iam_role" "one_line" {
  name                = "one_line"
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
}

resource "aws_iam_role" "no_comma" {
  name = "no_comma"
  managed_policy_arns = [
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" # logs
  ]
}

resource "aws_iam_role" "empty" {
  name                = "empty"
  managed_policy_arns = []
}

resource "aws_iam_role" "partition" {
  name = "partition"
  managed_policy_arns = [
    "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
  ]
}

resource "aws_iam_role_policy_attachment" "multi_xray" {
  role       = aws_iam_role.multi.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}
"#;
    let main = format!(
        "{roles}\n{}\n{}\n{}\n{}\n{}",
        function("multi"),
        function("one_line"),
        function("no_comma"),
        function("empty"),
        function("partition")
    );
    let out = case(&[("main.tf", &main)], &["main.tf"], &[]);
    assert!(out.contains("Would fix 5 findings"), "{out}");
    assert!(
        out.contains("XR104 aws_iam_role_policy_attachment.multi_xray (.): add its ARN to `managed_policy_arns` of `aws_iam_role.multi`"),
        "{out}"
    );
    assert!(
        !out.contains("aws_iam_role_policy_attachment\" \"multi_xray_write"),
        "{out}"
    );
    insta::assert_snapshot!(out);
    let dir = converged(&[("main.tf", &main)], &[]);
    let (report, _) = audit_path(dir.path(), &[]);
    assert!(resources(&report, "XR104").is_empty(), "{report:#}");
}

#[test]
fn the_exclusive_attachments_resource_gets_the_write_policy() {
    let main = r#"resource "aws_iam_role" "app" {
  name = "app"
}

resource "aws_iam_role_policy_attachments_exclusive" "app" {
  role_name = aws_iam_role.app.name
  policy_arns = [
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
  ]
}

resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = aws_iam_role.app.arn

  tracing_config {
    mode = "Active"
  }
}
"#;
    insta::assert_snapshot!(case(&[("main.tf", main)], &["main.tf"], &[]));
    converged(&[("main.tf", main)], &[]);
}

/// A list built by an expression is left to a person, told what to change; nothing is
/// attached beside it.
#[test]
fn an_exclusive_list_not_written_out_needs_review() {
    for (list, shown) in [
        (
            "concat(var.base, [\"arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole\"])",
            "is `concat(var.base, [\"arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole\"])`, not a list written out",
        ),
        ("var.base", "is `var.base`, not a list written out"),
    ] {
        let main = format!(
            "variable \"base\" {{\n  default = [\"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole\"]\n}}\n\nresource \"aws_iam_role\" \"app\" {{\n  name                = \"app\"\n  managed_policy_arns = {list}\n}}\n\nresource \"aws_lambda_function\" \"f\" {{\n  function_name = \"f\"\n  role          = aws_iam_role.app.arn\n\n  tracing_config {{\n    mode = \"Active\"\n  }}\n}}\n"
        );
        let out = case(&[("main.tf", &main)], &["main.tf"], &["--unsafe"]);
        assert!(out.contains("Would fix 0 findings"), "{out}");
        assert!(
            out.contains(&format!(
                "XR101 aws_iam_role.app (.): needs review: `managed_policy_arns` of `aws_iam_role.app` {shown}; add \"arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess\" to the list it makes (not as a separate attachment"
            )),
            "{out}"
        );
        assert!(
            out.ends_with(&format!("=== fixed main.tf\n{main}")),
            "unchanged: {out}"
        );
    }
}

/// Exclusive inline policies leave attachments alone: the usual attachment is right.
#[test]
fn exclusive_inline_policies_keep_the_attachment_fix() {
    let main = r#"resource "aws_iam_role" "app" {
  name = "app"

  inline_policy {}
}

resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = aws_iam_role.app.arn

  tracing_config {
    mode = "Active"
  }
}
"#;
    let out = case(&[("main.tf", main)], &["main.tf"], &[]);
    assert!(
        out.contains("+resource \"aws_iam_role_policy_attachment\" \"app_xray_write\" {"),
        "{out}"
    );
    let dir = converged(&[("main.tf", main)], &[]);
    let (report, _) = audit_path(dir.path(), &[]);
    assert!(resources(&report, "XR104").is_empty(), "{report:#}");
}

/// The `.xray-setup-*.tmp` files under `dir`, sorted.
fn temporary_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<std::path::PathBuf> = files_under(dir, &[".tmp"])
        .into_iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".xray-setup-")
        })
        .collect();
    found.sort();
    found
}

#[test]
fn temporary_files_a_killed_run_left_are_swept_by_the_next_write() {
    let dir = tree(&[
        ("main.tf", LAMBDA_PASSTHROUGH),
        (
            "modules/app/main.tf",
            &LAMBDA_PASSTHROUGH.replace("worker", "app"),
        ),
    ]);
    let hour = std::time::Duration::from_secs(3600);
    let now = std::time::SystemTime::now();
    let make = |rel: &str, modified: std::time::SystemTime| {
        let path = dir.path().join(rel);
        std::fs::write(&path, "resource \"aws_lambda_function\" \"half").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        path
    };
    // Left by a run killed an hour ago, at the root and beside a module's file.
    let left = [
        make(".xray-setup-Ab12Cd.tmp", now - hour),
        make("modules/app/.xray-setup-9z8Y7x.tmp", now - hour),
    ];
    // Newer than the run (another run's, being written) and a name that is not ours.
    let fresh = make(".xray-setup-Fresh1.tmp", now + hour);
    let notes = make(".xray-setup-notes.txt", now - hour);

    // A dry run names them and removes nothing.
    let out = xray_setup().arg("fix").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    for p in &left {
        assert!(
            stdout.contains(&format!(
                "Found a temporary file an interrupted run left (--write removes it): {}\n",
                p.display()
            )),
            "{stdout}"
        );
        assert!(p.exists());
    }

    // --write removes them and says so; it leaves the newer one and the other name, and
    // none of its own.
    let out = fix_write(dir.path());
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    for p in &left {
        assert!(
            stdout.contains(&format!(
                "Removed a temporary file an interrupted run left: {}\n",
                p.display()
            )),
            "{stdout}"
        );
    }
    assert!(stdout.contains("Fixed 2 findings in 2 files."), "{stdout}");
    assert_eq!(temporary_files(dir.path()), [fresh]);
    assert!(notes.exists());
    assert!(
        !stdout.contains("Fresh1") && !stdout.contains("notes"),
        "{stdout}"
    );
}

#[test]
fn an_interrupted_write_leaves_no_temporary_file() {
    use std::os::unix::process::ExitStatusExt;
    let (original, before, fixed) = fixed_tree();
    let binary = assert_cmd::cargo::cargo_bin("xray-setup");
    let mut caught = 0;
    for signal in ["TERM", "INT", "HUP"] {
        let work = tempfile::TempDir::new().unwrap();
        copy_dir(original.path(), work.path());
        let mut child = std::process::Command::new(&binary)
            .arg("fix")
            .arg(work.path())
            .args(["--write", "--unsafe"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Signalled as soon as a file is being written, that is while a temporary file
        // exists: no sleeping, no timing.
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if !temporary_files(work.path()).is_empty() {
                let sent = std::process::Command::new("kill")
                    .arg(format!("-{signal}"))
                    .arg(child.id().to_string())
                    .status()
                    .unwrap();
                assert!(sent.success());
                break child.wait().unwrap();
            }
        };
        if status.signal().is_some() {
            caught += 1;
            assert!(
                matches!(
                    (signal, status.signal()),
                    ("TERM", Some(15)) | ("INT", Some(2)) | ("HUP", Some(1))
                ),
                "SIG{signal}: ended as {status:?}, not by the signal"
            );
        }
        assert_eq!(
            temporary_files(work.path()),
            Vec::<std::path::PathBuf>::new(),
            "SIG{signal}"
        );
        // Every file is whole: as it was, or fixed.
        let after = read_rel(work.path());
        assert_eq!(after.len(), before.len());
        for (rel, bytes) in &after {
            assert!(bytes == &before[rel] || bytes == &fixed[rel], "{rel:?}");
        }
    }
    assert!(caught > 0, "no run was caught while writing");
}
