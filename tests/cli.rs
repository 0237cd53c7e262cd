//! The command line: exit statuses, formats, output files, colour, the rules command,
//! and the JSON contract on the example tree.

mod common;
use common::*;
use predicates::prelude::*;

fn example(name: &str) -> String {
    format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn exit_status_follows_fail_on() {
    // serverless-api has an error (XR101) and warnings (XR001, XR003); with its var file,
    // only the error and a warning remain.
    let api = example("serverless-api");
    for (fail_on, status) in [("error", 1), ("warning", 1), ("note", 1), ("never", 0)] {
        xray_setup()
            .args(["audit", &api, "--fail-on", fail_on])
            .assert()
            .code(status);
    }
    xray_setup()
        .args(["audit", &example("traced-service")])
        .assert()
        .code(0);
}

#[test]
fn a_note_fails_only_with_fail_on_note() {
    let dir = tree(&[(
        "main.tf",
        "variable \"m\" {}\nresource \"aws_lambda_function\" \"f\" {\n  tracing_config {\n    mode = var.m\n  }\n}\n",
    )]);
    xray_setup().arg("audit").arg(dir.path()).assert().code(0);
    xray_setup()
        .arg("audit")
        .arg(dir.path())
        .args(["--fail-on", "note"])
        .assert()
        .code(1);
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    xray_setup()
        .args(["audit", "--format", "yaml"])
        .assert()
        .code(2);
    xray_setup()
        .args([
            "audit",
            &example("traced-service"),
            "--var",
            "no-equals-sign",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected NAME=VALUE"));
    xray_setup()
        .args([
            "audit",
            &example("traced-service"),
            "--var-file",
            "/nonexistent.tfvars",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent.tfvars"));
}

#[test]
fn var_file_with_a_syntax_error_names_line_and_column() {
    let dir = tree(&[("bad.tfvars", "mode = \n")]);
    xray_setup()
        .args(["audit", &example("traced-service"), "--var-file"])
        .arg(dir.path().join("bad.tfvars"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.tfvars:1:8"));
}

#[test]
fn output_file_receives_the_report() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("report.json");
    xray_setup()
        .args([
            "audit",
            &example("serverless-api"),
            "--format",
            "json",
            "--output",
        ])
        .arg(&out)
        .assert()
        .code(1)
        .stdout("");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(report["version"], 1);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
}

#[test]
fn output_files_get_the_usual_mode_and_keep_an_existing_one() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::TempDir::new().unwrap();
    let mode = |name: &str| {
        std::fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    let bin = assert_cmd::cargo::cargo_bin("xray-setup");
    let audit_to = |name: &str| {
        // Under a known umask, as a shell would run it.
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask 022; exec '{}' audit '{}' --format json --output '{}'",
                bin.display(),
                example("serverless-api"),
                dir.path().join(name).display()
            ))
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1));
    };
    audit_to("new.json");
    assert_eq!(mode("new.json"), 0o644, "0666 less the umask, not 0600");
    std::fs::write(dir.path().join("kept.json"), "").unwrap();
    std::fs::set_permissions(
        dir.path().join("kept.json"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    audit_to("kept.json");
    assert_eq!(mode("kept.json"), 0o640);
    assert!(
        std::fs::read_to_string(dir.path().join("kept.json"))
            .unwrap()
            .contains("\"version\"")
    );
}

#[test]
fn files_that_cannot_be_written_or_read_are_named_once() {
    let out = xray_setup()
        .args(["audit", &example("serverless-api"), "--output"])
        .arg("/nonexistent-dir/report.json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr.trim_end(),
        "error: cannot write /nonexistent-dir/report.json: the directory /nonexistent-dir does not exist"
    );
    let out = xray_setup()
        .args(["audit", &example("serverless-api"), "--baseline"])
        .arg("/nonexistent-baseline.json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr.matches("no such file or directory").count(),
        1,
        "the cause once, not repeated by the error chain: {stderr}"
    );
    assert!(
        stderr.contains("cannot read the baseline /nonexistent-baseline.json"),
        "{stderr}"
    );
}

#[test]
fn text_output_has_location_code_frame_and_summary() {
    let out = xray_setup()
        .args(["audit", &example("serverless-api")])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("warning[XR001]"), "{text}");
    assert!(text.contains("--> modules/lambda/main.tf:11:5"), "{text}");
    assert!(
        text.contains("mode = var.tracing_config_mode"),
        "the code frame: {text}"
    );
    assert!(
        text.contains("3 findings (1 error, 2 warnings, 0 notes)"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour when not a terminal");
    let coloured = xray_setup()
        .args(["audit", &example("serverless-api"), "--color", "always"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(coloured.stdout)
            .unwrap()
            .contains('\u{1b}')
    );
}

#[test]
fn rules_are_listed_and_documented() {
    let list = xray_setup().arg("rules").output().unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    for code in [
        "XR000", "XR001", "XR002", "XR003", "XR004", "XR005", "XR006", "XR999",
    ] {
        assert!(list.contains(code), "{code} missing from\n{list}");
    }
    xray_setup()
        .args(["rules", "XR001"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("## Why it matters")
                .and(predicate::str::contains("PassThrough")),
        );
    xray_setup()
        .args(["rules", "lambda-tracing-invalid-mode"])
        .assert()
        .success()
        .stdout(predicate::str::contains("XR002"));
    xray_setup().args(["rules", "XR404"]).assert().code(2);
}

#[test]
fn several_paths_are_audited_together() {
    let (report, _) = audit_json(&[&example("serverless-api"), &example("traced-service")]);
    let roots: Vec<&str> = findings(&report)
        .iter()
        .map(|f| f["root"].as_str().unwrap())
        .collect();
    assert!(
        roots
            .iter()
            .all(|r| r.ends_with("examples/serverless-api/env/dev")),
        "{roots:?}"
    );
}

#[test]
fn json_contract_on_the_example() {
    let (report, _) = audit_path(std::path::Path::new(&example("serverless-api")), &[]);
    insta::assert_json_snapshot!(report);
}

/// A report that cannot be put in place (a directory stands there) fails with exit 2 and
/// leaves no temporary file beside it. (A rename failing after the temporary file was
/// written is tested in `atomic`'s unit tests: here the directory is refused first.)
#[test]
fn a_report_onto_a_directory_fails_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let blocked = dir.path().join("report.json");
    std::fs::create_dir(&blocked).unwrap();
    std::fs::write(blocked.join("inside"), "x").unwrap();
    let out = xray_setup()
        .args([
            "audit",
            &example("serverless-api"),
            "--format",
            "json",
            "--output",
        ])
        .arg(&blocked)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!(
            "error: cannot write {}: a directory, not a file",
            blocked.display()
        )),
        "{stderr}"
    );
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["report.json"]);
}
