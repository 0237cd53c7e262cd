//! `xray-setup generate`: every output parses with HashiCorp's parser, is `terraform
//! fmt`-clean, and audits with no warning or error.

mod common;
use common::*;

const KINDS: &[&str] = &["lambda", "rest-stage", "iam", "sampling-rule", "all"];

#[test]
fn every_output_is_valid_formatted_and_audits_clean() {
    let hcl = hcl_tools();
    let variants: &[&[&str]] = &[
        &[],
        &[
            "--name",
            "orders_api",
            "--runtime",
            "nodejs20.x",
            "--stage-name",
            "prod",
        ],
        &[
            "--priority",
            "9999",
            "--fixed-rate",
            "1",
            "--reservoir",
            "0",
            "--url-path",
            "/orders/*",
            "--http-method",
            "GET",
        ],
        &[
            "--function-name",
            "has \"quotes\" and ${interpolation}",
            "--rule-name",
            "r",
        ],
    ];
    for kind in KINDS {
        for args in variants {
            let dir = tempfile::TempDir::new().unwrap();
            let out = dir.path().join("gen");
            xray_setup()
                .args(["generate", kind, "--out"])
                .arg(&out)
                .args(*args)
                .assert()
                .success();
            if *kind == "iam" {
                // The policy goes on a role the module already has: give it one, as
                // Terraform would refuse a reference to an undeclared role.
                let name = args
                    .iter()
                    .position(|a| *a == "--name")
                    .map_or("app", |i| args[i + 1]);
                std::fs::write(
                    out.join("role.tf"),
                    format!("resource \"aws_iam_role\" \"{name}\" {{\n  name               = \"{name}\"\n  assume_role_policy = \"{{}}\"\n}}\n"),
                )
                .unwrap();
            }
            let (report, status) = audit_path(&out, &["--fail-on", "warning"]);
            assert_eq!(status, 0, "generate {kind} {args:?}: {report:#}");
            let files = files_under(&out, &[".tf"]);
            assert!(!files.is_empty());
            for v in hcl.parse(&files).into_iter().chain(hcl.fmt_clean(&files)) {
                assert!(v.ok, "generate {kind} {args:?}: {} {}", v.file, v.detail);
            }
        }
    }
}

#[test]
fn stdout_is_the_same_terraform() {
    let printed = xray_setup().args(["generate", "lambda"]).output().unwrap();
    let printed = String::from_utf8(printed.stdout).unwrap();
    assert!(
        printed.contains("tracing_config {\n    mode = \"Active\"\n  }"),
        "{printed}"
    );
    assert!(printed.contains("AWSXRayDaemonWriteAccess"));
}

#[test]
fn out_of_range_parameters_are_rejected_with_the_allowed_range() {
    for (args, message) in [
        (
            &["--priority", "0"][..],
            "--priority 0: must be an integer from 1 to 9999",
        ),
        (
            &["--fixed-rate", "2"][..],
            "--fixed-rate 2: must be a number from 0 to 1",
        ),
        (
            &["--reservoir", "1.5"][..],
            "--reservoir 1.5: must be an integer ≥ 0",
        ),
        (
            &["--rule-name", &"x".repeat(33)][..],
            "must be 1 to 32 characters",
        ),
        (
            &["--name", "has space"][..],
            "--name has space: must be a Terraform name",
        ),
    ] {
        xray_setup()
            .args(["generate", "sampling-rule"])
            .args(args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(message));
    }
}

#[test]
fn existing_files_are_not_overwritten_without_force() {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(dir.path().join("lambda.tf"), "# mine\n").unwrap();
    xray_setup()
        .args(["generate", "lambda", "--out"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "lambda.tf already exists; --force replaces it",
        ));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("lambda.tf")).unwrap(),
        "# mine\n"
    );
    xray_setup()
        .args(["generate", "lambda", "--force", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(dir.path().join("lambda.tf"))
            .unwrap()
            .contains("aws_lambda_function")
    );
}
