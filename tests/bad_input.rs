//! Bad input gets a clear message naming the file, line or value, and never a panic or a
//! hang; the rest of the tree is still audited.

mod common;
use common::*;
use std::os::unix::fs::symlink;
use std::time::{Duration, Instant};

const TRACED: &str = "resource \"aws_lambda_function\" \"ok\" {\n  function_name = \"ok\"\n  role          = \"arn:aws:iam::123456789012:role/r\"\n  tracing_config {\n    mode = \"PassThrough\"\n  }\n}\n";

/// The XR999 finding for a file, asserting the rest of the tree was still audited.
fn parse_error_for(dir: &std::path::Path, file: &str) -> serde_json::Value {
    let (report, status) = audit_path(dir, &[]);
    assert_eq!(status, 1);
    let error = findings(&report)
        .iter()
        .find(|f| f["rule"] == "XR999" && f["file"] == file)
        .unwrap_or_else(|| panic!("no parse-error for {file}: {report:#}"))
        .clone();
    assert_eq!(error["severity"], "error");
    assert_eq!(error["name"], "parse-error");
    assert_eq!(
        resources(&report, "XR001"),
        vec!["aws_lambda_function.ok"],
        "the rest of the tree is audited"
    );
    error
}

#[test]
fn syntax_error_is_a_finding_with_line_and_column() {
    let dir = tree(&[
        ("ok.tf", TRACED),
        (
            "broken.tf",
            "resource \"aws_lambda_function\" \"b\" {\n  function_name = \n}\n",
        ),
    ]);
    let e = parse_error_for(dir.path(), "broken.tf");
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(2), Some(19))
    );
    assert!(e["message"].as_str().unwrap().contains("expected"), "{e}");
}

#[test]
fn empty_file_is_fine() {
    let dir = tree(&[("ok.tf", TRACED), ("empty.tf", ""), ("empty.tf.json", "{}")]);
    let (report, status) = audit_path(dir.path(), &[]);
    assert_eq!(status, 1);
    assert!(resources(&report, "XR999").is_empty(), "{report:#}");
    assert_eq!(report["summary"]["files"], 3);
}

#[test]
fn non_utf8_file_names_the_offset() {
    let dir = tree(&[("ok.tf", TRACED)]);
    std::fs::write(dir.path().join("latin1.tf"), b"# caf\xe9\nlocals {}\n").unwrap();
    let e = parse_error_for(dir.path(), "latin1.tf");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("not valid UTF-8 (invalid byte at offset 5)"),
        "{e}"
    );
}

#[test]
fn binary_file_named_tf() {
    let dir = tree(&[("ok.tf", TRACED)]);
    let mut bytes = b"\x7fELF\x02\x01\x01\x00".to_vec();
    bytes.extend((0..4096u32).map(|i| (i * 7 % 256) as u8));
    std::fs::write(dir.path().join("tool.tf"), bytes).unwrap();
    let e = parse_error_for(dir.path(), "tool.tf");
    assert!(
        e["message"].as_str().unwrap().starts_with("binary file"),
        "{e}"
    );
}

#[test]
fn unreadable_file() {
    let dir = tree(&[("ok.tf", TRACED), ("secret.tf", "locals {}\n")]);
    let path = dir.path().join("secret.tf");
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        // Running as root, where permissions do not stop reads: a file the kernel refuses
        // to read instead (reading /proc/self/mem at offset 0 fails with EIO).
        std::fs::remove_file(&path).unwrap();
        symlink("/proc/self/mem", &path).unwrap();
    }
    let e = parse_error_for(dir.path(), "secret.tf");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .starts_with("cannot read file: "),
        "{e}"
    );
}

#[test]
fn fifo_named_tf_does_not_hang() {
    let dir = tree(&[("ok.tf", TRACED)]);
    let fifo = dir.path().join("pipe.tf");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let e = parse_error_for(dir.path(), "pipe.tf");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("not a regular file"),
        "{e}"
    );
}

#[test]
fn symlink_loop_is_survived_and_said() {
    let dir = tree(&[("stack/ok.tf", TRACED)]);
    symlink(dir.path(), dir.path().join("stack/loop")).unwrap();
    let out = xray_setup()
        .args(["audit", "--format", "json"])
        .arg(dir.path())
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("symlink loop"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(resources(&report, "XR001"), vec!["aws_lambda_function.ok"]);
}

#[test]
fn missing_path_is_a_run_failure() {
    let out = xray_setup()
        .args(["audit", "/nonexistent/terraform"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/nonexistent/terraform: no such file or directory"),
        "{stderr}"
    );
}

#[test]
fn fifty_megabyte_file_is_audited() {
    let block = |i: usize| {
        format!(
            "resource \"aws_lambda_function\" \"f{i}\" {{\n  function_name = \"fn-{i}\"\n  role          = \"arn:aws:iam::123456789012:role/r\"\n  handler       = \"index.handler\"\n  runtime       = \"nodejs20.x\"\n  memory_size   = 128\n\n  environment {{\n    variables = {{\n      STAGE = \"prod\"\n    }}\n  }}\n\n  tracing_config {{\n    mode = \"{}\"\n  }}\n}}\n\n",
            if i.is_multiple_of(2) {
                "Active"
            } else {
                "PassThrough"
            }
        )
    };
    let mut text = String::with_capacity(51 << 20);
    let mut n = 0;
    while text.len() < 50 << 20 {
        text.push_str(&block(n));
        n += 1;
    }
    let dir = tree(&[("big.tf", &text)]);
    let started = Instant::now();
    let (report, status) = audit_path(dir.path(), &[]);
    assert_eq!(status, 1);
    assert_eq!(
        resources(&report, "XR001").len(),
        n / 2,
        "every odd function uses PassThrough"
    );
    // Not a speed target (benches/ measures those): only proof it does not hang.
    assert!(started.elapsed() < Duration::from_secs(300));
}

#[test]
fn expressions_nested_ten_thousand_deep() {
    let deep = |open: &str, close: &str| {
        format!(
            "locals {{\n  x = {}1{}\n}}\n",
            open.repeat(10_000),
            close.repeat(10_000)
        )
    };
    let dir = tree(&[
        ("ok.tf", TRACED),
        ("parens.tf", &deep("(", ")")),
        ("lists.tf", &deep("[", "]")),
        (
            "chain.tf",
            &format!("locals {{\n  y = {}\n}}\n", vec!["1"; 10_000].join(" + ")),
        ),
    ]);
    let out = xray_setup()
        .args(["audit", "--format", "json"])
        .arg(dir.path())
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for file in ["parens.tf", "lists.tf", "chain.tf"] {
        let e = findings(&report)
            .iter()
            .find(|f| f["rule"] == "XR999" && f["file"] == file)
            .unwrap_or_else(|| panic!("{file}: {report:#}"));
        let message = e["message"].as_str().unwrap();
        assert!(
            message.contains("at most") && message.contains("xray-setup's HCL parser"),
            "{e}"
        );
    }
    assert_eq!(resources(&report, "XR001"), vec!["aws_lambda_function.ok"]);
}
