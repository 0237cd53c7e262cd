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

/// What a case's working directory holds besides `tf/main.tf` (a traced function), made
/// before the run. `<ff>` in a name stands for the byte 0xFF (a path that is not UTF-8).
#[derive(Clone, Copy)]
enum Setup {
    Text(&'static str, &'static str),
    Bytes(&'static str, &'static [u8]),
    Dir(&'static str),
    Fifo(&'static str),
    Symlink(&'static str, &'static str),
    /// A file nothing may read: mode 000, or `/proc/self/mem` (which fails with EIO) when
    /// running as root, where permissions do not stop reads.
    Unreadable(&'static str),
    /// A directory nothing may be created in: mode 555, or a link to `/sys` (where even
    /// root cannot create files) when running as root.
    ReadOnlyDir(&'static str),
    /// The run has no such environment variable.
    Unset(&'static str),
}

/// One row: run `xray-setup ARGS` in a fresh directory made by `setup`, with `stdin`, and
/// expect `code` and one line on stderr containing `stderr`. A `pending` row is code
/// another change owns (the reason says which): how it fares is printed, and it fails
/// the test only once it passes, so that its mark is removed.
struct Case {
    name: &'static str,
    args: &'static [&'static str],
    setup: &'static [Setup],
    stdin: &'static [u8],
    code: i32,
    stderr: &'static str,
    pending: Option<&'static str>,
}

const fn case(
    name: &'static str,
    args: &'static [&'static str],
    setup: &'static [Setup],
    code: i32,
    stderr: &'static str,
) -> Case {
    Case {
        name,
        args,
        setup,
        stdin: b"",
        code,
        stderr,
        pending: None,
    }
}

/// The journal cases are about its structure (cut short, not JSON, binary, empty, no
/// header): their messages do not depend on what a header or an entry holds.
const JOURNAL_HEADER: &str =
    "{\"journal\":\"xray-setup enable\",\"version\":1,\"started\":\"2026-11-22T22:10:00Z\"}\n";
const JOURNAL_ENTRY: &str = "{\"seq\":1,\"time\":\"2026-11-22T22:13:16.01Z\",\"outcome\":\"pending\",\"what\":\"function-tracing\",\"region\":\"us-east-1\",\"function\":\"fn\",\"function_arn\":\"arn:aws:lambda:us-east-1:123456789012:function:fn\",\"before\":\"PassThrough\",\"after\":\"Active\"}\n";
const NOT_JSON_JOURNAL: &str = concat!(
    "{\"journal\":\"xray-setup enable\",\"version\":1,\"started\":\"2026-11-22T22:10:00Z\"}\n",
    "{\"seq\":1,\"time\":\"2026-11-22T22:13:16.01Z\",\"outcome\":\"pending\",\"what\":\"function-tracing\",\"region\":\"us-east-1\",\"function\":\"fn\",\"function_arn\":\"arn:aws:lambda:us-east-1:123456789012:function:fn\",\"before\":\"PassThrough\",\"after\":\"Active\"}\n",
    "not json\n",
);
const CUT_LAST_LINE: &str = concat!(
    "{\"journal\":\"xray-setup enable\",\"version\":1,\"started\":\"2026-11-22T22:10:00Z\"}\n",
    "{\"seq\":1,\"time\":\"2026-11-22T22:13:16.01Z\",\"outc",
);
const BINARY: &[u8] = b"\x7fELF\x02\x01\x01\x00\xff\xfe\x00\x00";

use Setup::*;

#[rustfmt::skip]
const CASES: &[Case] = &[
    // xray-setup itself
    case("xray-setup: unknown command", &["audti", "tf"], &[], 2, "unrecognized subcommand 'audti'"),
    case("xray-setup: unknown flag", &["--bogus"], &[], 2, "unexpected argument '--bogus'"),
    // audit: flags
    case("audit: unknown flag", &["audit", "--bogus", "tf"], &[], 2, "unexpected argument '--bogus'"),
    case("audit: misspelt flag", &["audit", "--formt", "json", "tf"], &[], 2, "unexpected argument '--formt' found (tip: a similar argument exists: '--format')"),
    case("audit: --fail-on not a severity", &["audit", "--fail-on", "sometimes", "tf"], &[], 2, "invalid value 'sometimes' for '--fail-on"),
    case("audit: --format unknown", &["audit", "--format", "yaml", "tf"], &[], 2, "invalid value 'yaml' for '--format"),
    case("audit: --format without a value", &["audit", "--format"], &[], 2, "a value is required for '--format <FORMAT>'"),
    case("audit: --requests-per-second not a number", &["audit", "--requests-per-second", "abc", "tf"], &[], 2, "for '--requests-per-second <N>'"),
    case("audit: --requests-per-second negative", &["audit", "--requests-per-second=-5", "tf"], &[], 2, "--requests-per-second must be a number ≥ 0, not -5"),
    case("audit: --requests-per-second NaN", &["audit", "--requests-per-second", "NaN", "tf"], &[], 2, "--requests-per-second must be a number ≥ 0, not NaN"),
    case("audit: --requests-per-second infinite", &["audit", "--requests-per-second", "inf", "tf"], &[], 2, "--requests-per-second must be a number ≥ 0, not inf"),
    case("audit: --requests-per-second past f64", &["audit", "--requests-per-second", "1e400", "tf"], &[], 2, "--requests-per-second must be a number ≥ 0, not inf"),
    case("audit: --var without =", &["audit", "--var", "novalue", "tf"], &[], 2, "--var \"novalue\": expected NAME=VALUE"),
    case("audit: --var without a name", &["audit", "--var", "=x", "tf"], &[], 2, "--var \"=x\": expected NAME=VALUE"),
    case("audit: --workspace not UTF-8", &["audit", "--workspace", "dev<ff>", "tf"], &[], 2, "--workspace dev\u{fffd}: not valid UTF-8"),
    // audit: PATH
    case("audit: missing PATH", &["audit", "missing"], &[], 2, "missing: no such file or directory"),
    case("audit: non-UTF-8 missing PATH", &["audit", "tf<ff>"], &[], 2, "tf\u{fffd}: no such file or directory"),
    case("audit: non-UTF-8 PATH without Terraform", &["audit", "d<ff>"], &[Text("d<ff>/notes.txt", "hello\n")], 2, "d\u{fffd}: no Terraform files"),
    case("audit: PATH not Terraform", &["audit", "notes.txt"], &[Text("notes.txt", "hello\n")], 2, "notes.txt: no Terraform files"),
    case("audit: PATH a FIFO", &["audit", "pipe"], &[Fifo("pipe")], 2, "pipe: no Terraform files"),
    // audit: --var-file
    case("audit: --var-file missing", &["audit", "--var-file", "missing.tfvars", "tf"], &[], 2, "--var-file missing.tfvars: cannot read file: not found"),
    case("audit: --var-file non-UTF-8 name", &["audit", "--var-file", "no<ff>.tfvars", "tf"], &[], 2, "--var-file no\u{fffd}.tfvars: cannot read file: not found"),
    case("audit: --var-file a directory", &["audit", "--var-file", "tf", "tf"], &[], 2, "--var-file tf: a directory, not a file"),
    case("audit: --var-file a directory named .tfvars", &["audit", "--var-file", "env.tfvars", "tf"], &[Dir("env.tfvars")], 2, "--var-file env.tfvars: a directory, not a file"),
    case("audit: --var-file a FIFO", &["audit", "--var-file", "pipe", "tf"], &[Fifo("pipe")], 2, "--var-file pipe: not a regular file (a FIFO, socket or device)"),
    case("audit: --var-file unreadable", &["audit", "--var-file", "secret.tfvars", "tf"], &[Unreadable("secret.tfvars")], 2, "--var-file secret.tfvars: cannot read file: "),
    case("audit: --var-file syntax error", &["audit", "--var-file", "bad.tfvars", "tf"], &[Text("bad.tfvars", "x = \n")], 2, "--var-file bad.tfvars:1:5: "),
    case("audit: --var-file block left open", &["audit", "--var-file", "open.tfvars", "tf"], &[Text("open.tfvars", "x = 1\ny = {\n")], 2, "--var-file open.tfvars:2:"),
    case("audit: --var-file not UTF-8", &["audit", "--var-file", "latin.tfvars", "tf"], &[Bytes("latin.tfvars", b"x = \"caf\xe9\"\n")], 2, "--var-file latin.tfvars: file is not valid UTF-8 (invalid byte at offset 8)"),
    case("audit: --var-file binary", &["audit", "--var-file", "tool.tfvars", "tf"], &[Bytes("tool.tfvars", BINARY)], 2, "--var-file tool.tfvars: binary file (NUL byte at offset 7)"),
    case("audit: --var-file .tfvars.json cut short", &["audit", "--var-file", "cut.tfvars.json", "tf"], &[Text("cut.tfvars.json", "{\"x\": ")], 2, "--var-file cut.tfvars.json:1:7: unexpected end of file"),
    case("audit: --var-file .tfvars.json not an object", &["audit", "--var-file", "list.tfvars.json", "tf"], &[Text("list.tfvars.json", "[1, 2]\n")], 2, "--var-file list.tfvars.json:1:1: the top-level value of a .tfvars.json file must be an object"),
    case("audit: --var-file .tfvars.json not UTF-8", &["audit", "--var-file", "latin.tfvars.json", "tf"], &[Bytes("latin.tfvars.json", b"{\"x\": \"caf\xe9\"}\n")], 2, "--var-file latin.tfvars.json: file is not valid UTF-8 (invalid byte at offset 10)"),
    // audit: --config and .xray-setup.toml
    case("audit: --config missing", &["audit", "--config", "missing.toml", "tf"], &[], 2, "cannot read missing.toml: no such file or directory"),
    case("audit: --config non-UTF-8 name", &["audit", "--config", "no<ff>.toml", "tf"], &[], 2, "cannot read no\u{fffd}.toml: no such file or directory"),
    case("audit: --config a directory", &["audit", "--config", "tf", "tf"], &[], 2, "cannot read tf: a directory, not a file"),
    case("audit: --config a directory named .toml", &["audit", "--config", "conf.toml", "tf"], &[Dir("conf.toml")], 2, "cannot read conf.toml: a directory, not a file"),
    case("audit: --config a FIFO", &["audit", "--config", "pipe", "tf"], &[Fifo("pipe")], 2, "cannot read pipe: not a regular file (a FIFO, socket or device)"),
    case("audit: --config unreadable", &["audit", "--config", "secret.toml", "tf"], &[Unreadable("secret.toml")], 2, "cannot read secret.toml: "),
    case("audit: --config syntax error", &["audit", "--config", "syntax.toml", "tf"], &[Text("syntax.toml", "lambda_mode = \"active\"\n[rules\n")], 2, "syntax.toml:2:7: "),
    case("audit: --config unknown key", &["audit", "--config", "unknown.toml", "tf"], &[Text("unknown.toml", "lamda_mode = \"active\"\n")], 2, "unknown.toml:1:1: unknown field `lamda_mode`"),
    case("audit: --config unknown key in [[ignore]]", &["audit", "--config", "unknown.toml", "tf"], &[Text("unknown.toml", "[[ignore]]\nrule = \"XR001\"\nwhy = \"x\"\n")], 2, "unknown.toml:3:1: unknown field `why`"),
    case("audit: --config lambda_mode a number", &["audit", "--config", "type.toml", "tf"], &[Text("type.toml", "lambda_mode = 5\n")], 2, "type.toml:1:15: invalid type: integer `5`, expected a string"),
    case("audit: --config exclude a string", &["audit", "--config", "type.toml", "tf"], &[Text("type.toml", "exclude = \"legacy/**\"\n")], 2, "type.toml:1:11: invalid type: string \"legacy/**\", expected a sequence"),
    case("audit: --config rules a number", &["audit", "--config", "type.toml", "tf"], &[Text("type.toml", "rules = 3\n")], 2, "type.toml:1:9: invalid type: integer `3`, expected a map"),
    case("audit: --config rule level a number", &["audit", "--config", "type.toml", "tf"], &[Text("type.toml", "[rules]\nXR001 = 1\n")], 2, "type.toml:2:9: invalid type: integer `1`, expected a string"),
    case("audit: --config bad rule level", &["audit", "--config", "level.toml", "tf"], &[Text("level.toml", "[rules]\nXR001 = \"fatal\"\n")], 2, "level.toml:2:9: rules.XR001: \"fatal\" is not a level"),
    case("audit: --config unknown rule", &["audit", "--config", "rule.toml", "tf"], &[Text("rule.toml", "[rules]\nXR042 = \"off\"\n")], 2, "rule.toml:2:9: rules.XR042: no rule has this code or name"),
    case("audit: --config [[ignore]] without rule", &["audit", "--config", "ignore.toml", "tf"], &[Text("ignore.toml", "[[ignore]]\nreason = \"x\"\n")], 2, "ignore.toml:1:1: missing field `rule`"),
    case("audit: --config [[ignore]] impossible date", &["audit", "--config", "ignore.toml", "tf"], &[Text("ignore.toml", "[[ignore]]\nrule = \"XR001\"\nexpires = 2027-13-45\n")], 2, "ignore.toml:3:11: "),
    case("audit: --config not UTF-8", &["audit", "--config", "latin.toml", "tf"], &[Bytes("latin.toml", b"\n# caf\xe9\n")], 2, "latin.toml:2:6: not valid UTF-8"),
    case("audit: --config binary", &["audit", "--config", "bin.toml", "tf"], &[Bytes("bin.toml", BINARY)], 2, "bin.toml:1:9: not valid UTF-8"),
    case("audit: .xray-setup.toml found in PATH is broken", &["audit", "tf"], &[Text("tf/.xray-setup.toml", "[rules\n")], 2, ".xray-setup.toml:1:7: "),
    case("audit: .xray-setup.toml found above PATH has a wrong type", &["audit", "tf"], &[Text(".xray-setup.toml", "exclude = 3\n")], 2, ".xray-setup.toml:1:11: invalid type: integer `3`, expected a sequence"),
    case("audit: .xray-setup.toml found in PATH is unreadable", &["audit", "tf"], &[Unreadable("tf/.xray-setup.toml")], 2, "tf/.xray-setup.toml: "),
    // audit: --baseline, --output, --write-baseline
    case("audit: --baseline missing", &["audit", "--baseline", "missing.json", "tf"], &[], 2, "cannot read the baseline missing.json: no such file or directory"),
    case("audit: --baseline a directory", &["audit", "--baseline", "tf", "tf"], &[], 2, "cannot read the baseline tf: a directory, not a file"),
    case("audit: --baseline a FIFO", &["audit", "--baseline", "pipe", "tf"], &[Fifo("pipe")], 2, "cannot read the baseline pipe: not a regular file (a FIFO, socket or device)"),
    case("audit: --baseline unreadable", &["audit", "--baseline", "secret.json", "tf"], &[Unreadable("secret.json")], 2, "cannot read the baseline secret.json: "),
    case("audit: --baseline cut short", &["audit", "--baseline", "cut.json", "tf"], &[Text("cut.json", "{\"version\": 1, \"findings\": [")], 2, "cut.json:1:28: not an xray-setup baseline: EOF while parsing a list"),
    case("audit: --baseline another format", &["audit", "--baseline", "other.json", "tf"], &[Text("other.json", "{\"format\": \"sarif\", \"version\": 1, \"findings\": []}\n")], 2, "other.json:1:1: not an xray-setup baseline: format \"sarif\" version 1"),
    case("audit: --baseline binary", &["audit", "--baseline", "bin.json", "tf"], &[Bytes("bin.json", BINARY)], 2, "bin.json:1:9: not an xray-setup baseline: not valid UTF-8"),
    case("audit: --output into a missing directory", &["audit", "--output", "nodir/report.json", "tf"], &[], 2, "cannot write nodir/report.json: the directory nodir does not exist"),
    case("audit: --output into a non-UTF-8 missing directory", &["audit", "--output", "no<ff>/report.json", "tf"], &[], 2, "cannot write no\u{fffd}/report.json: the directory no\u{fffd} does not exist"),
    case("audit: --output into a read-only directory", &["audit", "--output", "ro/report.json", "tf"], &[ReadOnlyDir("ro")], 2, "cannot write ro/report.json: cannot create a file in ro: permission denied"),
    case("audit: --output a directory", &["audit", "--output", "tf", "tf"], &[], 2, "cannot write tf: a directory, not a file"),
    case("audit: --output below a file", &["audit", "--output", "tf/main.tf/report.json", "tf"], &[], 2, "cannot write tf/main.tf/report.json: tf/main.tf is not a directory"),
    // A device is written, never replaced by a file (as root, a rename would replace
    // /dev/null itself).
    case("audit: --output a full device", &["audit", "--output", "full", "tf"], &[Symlink("full", "/dev/full")], 2, "cannot write full: No space left on device"),
    case("audit: --write-baseline into a missing directory", &["audit", "--write-baseline", "nodir/b.json", "tf"], &[], 2, "cannot write nodir/b.json: the directory nodir does not exist"),
    case("audit: --write-baseline a directory", &["audit", "--write-baseline", "tf", "tf"], &[], 2, "cannot write tf: a directory, not a file"),
    // audit --account: all fail before any call
    case("audit --account: with a PATH", &["audit", "--account", "tf"], &[], 2, "give either PATHs or an account (--account, --org, --accounts), not both"),
    case("audit --org: with a PATH", &["audit", "--org", "tf"], &[], 2, "give either PATHs or an account (--account, --org, --accounts), not both"),
    case("audit --accounts: an id too short", &["audit", "--accounts", "12345"], &[], 2, "--accounts \"12345\": an account id is 12 digits"),
    case("audit --accounts: an empty id", &["audit", "--accounts", "111122223333,,"], &[], 2, "--accounts \"\": an account id is 12 digits"),
    case("audit --accounts: letters", &["audit", "--accounts", "11112222333a"], &[], 2, "--accounts \"11112222333a\": an account id is 12 digits"),
    case("audit --org: --exclude-account malformed", &["audit", "--org", "--exclude-account", "x"], &[], 2, "--exclude-account \"x\": an account id is 12 digits"),
    case("audit --org: --ou malformed", &["audit", "--org", "--ou", "123"], &[], 2, "--ou \"123\": an OU id starts with ou-"),
    case("audit --ou without --org", &["audit", "--accounts", "111122223333", "--ou", "ou-1"], &[], 2, "--ou chooses accounts of the Organization: it needs --org"),
    case("audit: --org and --accounts", &["audit", "--org", "--accounts", "111122223333"], &[], 2, "cannot be used with"),
    case("audit --accounts: every one excluded", &["audit", "--accounts", "111122223333", "--exclude-account", "111122223333"], &[], 2, "every account --accounts names is excluded"),
    case("audit --org: --account-concurrency 0", &["audit", "--org", "--account-concurrency", "0"], &[], 2, "--account-concurrency must be at least 1"),
    case("audit --org: --regions all with another", &["audit", "--org", "--regions", "all,us-east-1"], &[], 2, "--regions all reads every enabled region: name no other region with it"),
    case("enable --org: --emit cli", &["enable", "--org", "--all", "--emit", "cli"], &[], 2, "--emit cli writes a script for one account"),
    case("audit --account: --concurrency 0", &["audit", "--account", "--concurrency", "0"], &[], 2, "--concurrency must be at least 1"),
    case("audit --account: --concurrency not a number", &["audit", "--account", "--concurrency", "many"], &[], 2, "for '--concurrency <CONCURRENCY>'"),
    case("audit --account: --concurrency too large", &["audit", "--account", "--concurrency", "99999999999999999999999"], &[], 2, "number too large"),
    case("audit --account: --iam-strategy unknown", &["audit", "--account", "--iam-strategy", "fast"], &[], 2, "invalid value 'fast' for '--iam-strategy"),
    case("audit --account: --tag without =", &["audit", "--account", "--tag", "team"], &[], 2, "--tag \"team\": expected KEY=VALUE"),
    case("audit --account: --region not UTF-8", &["audit", "--account", "--region", "us-east-<ff>"], &[], 2, "--region us-east-\u{fffd}: not valid UTF-8"),
    case("audit --account: no credentials", &["audit", "--account"], &[Unset("AWS_ACCESS_KEY_ID"), Unset("AWS_SECRET_ACCESS_KEY")], 2, "no AWS credentials"),
    case("audit --account: no region", &["audit", "--account"], &[Unset("AWS_REGION")], 2, "no AWS region"),
    Case { pending: Some("src/source/aws (SdkAccount::connect): a profile that does not exist is reported as no credentials, without naming it"),
        ..case("audit --account: --profile unknown", &["audit", "--account", "--profile", "nosuch"], &[Unset("AWS_ACCESS_KEY_ID"), Unset("AWS_SECRET_ACCESS_KEY")], 2, "--profile nosuch: ") },
    // fix
    case("fix: unknown flag", &["fix", "--bogus", "tf"], &[], 2, "unexpected argument '--bogus'"),
    case("fix: --color unknown", &["fix", "--color", "purple", "tf"], &[], 2, "invalid value 'purple' for '--color"),
    case("fix: --rule unknown", &["fix", "--rule", "XR042", "tf"], &[], 2, "--rule XR042: no rule has this code or name"),
    case("fix: --skip unknown", &["fix", "--skip", "nope", "tf"], &[], 2, "--skip nope: no rule has this code or name"),
    case("fix: --rule not UTF-8", &["fix", "--rule", "XR<ff>", "tf"], &[], 2, "--rule XR\u{fffd}: not valid UTF-8"),
    case("fix: --var without =", &["fix", "--var", "novalue", "tf"], &[], 2, "--var \"novalue\": expected NAME=VALUE"),
    case("fix: missing PATH", &["fix", "missing"], &[], 2, "missing: no such file or directory"),
    case("fix: non-UTF-8 missing PATH", &["fix", "tf<ff>"], &[], 2, "tf\u{fffd}: no such file or directory"),
    case("fix: PATH not Terraform", &["fix", "notes.txt"], &[Text("notes.txt", "hello\n")], 2, "notes.txt: no Terraform files"),
    case("fix: PATH a FIFO", &["fix", "pipe"], &[Fifo("pipe")], 2, "pipe: no Terraform files"),
    case("fix: --var-file missing", &["fix", "--var-file", "missing.tfvars", "tf"], &[], 2, "--var-file missing.tfvars: cannot read file: not found"),
    case("fix: --var-file a FIFO", &["fix", "--var-file", "pipe", "tf"], &[Fifo("pipe")], 2, "--var-file pipe: not a regular file (a FIFO, socket or device)"),
    case("fix: --var-file .tfvars.json cut short", &["fix", "--var-file", "cut.tfvars.json", "tf"], &[Text("cut.tfvars.json", "{\"x\": [1,")], 2, "--var-file cut.tfvars.json:1:"),
    case("fix: --config syntax error", &["fix", "--config", "syntax.toml", "tf"], &[Text("syntax.toml", "[rules\n")], 2, "syntax.toml:1:7: "),
    case("fix: --config wrong type", &["fix", "--config", "type.toml", "tf"], &[Text("type.toml", "lambda_mode = true\n")], 2, "type.toml:1:15: invalid type: boolean `true`, expected a string"),
    case("fix: --config not UTF-8", &["fix", "--config", "latin.toml", "tf"], &[Bytes("latin.toml", b"lambda_mode = \"caf\xe9\"\n")], 2, "latin.toml:1:19: not valid UTF-8"),
    case("fix: --config a FIFO", &["fix", "--config", "pipe", "tf"], &[Fifo("pipe")], 2, "cannot read pipe: not a regular file"),
    case("fix: .xray-setup.toml found in PATH has an unknown key", &["fix", "tf"], &[Text("tf/.xray-setup.toml", "[rulez]\n")], 2, ".xray-setup.toml:1:2: unknown field `rulez`"),
    // cost
    case("cost: unknown flag", &["cost", "--bogus", "tf"], &[], 2, "unexpected argument '--bogus'"),
    case("cost: --requests-per-second with --requests-per-day", &["cost", "--requests-per-second", "5", "--requests-per-day", "10", "tf"], &[], 2, "'--requests-per-second <N>' cannot be used with '--requests-per-day <N>'"),
    case("cost: --requests-per-second not a number", &["cost", "--requests-per-second", "abc", "tf"], &[], 2, "for '--requests-per-second <N>'"),
    case("cost: --requests-per-second negative", &["cost", "--requests-per-second=-1", "tf"], &[], 2, "--requests-per-second must be a number ≥ 0, not -1"),
    case("cost: --requests-per-day negative", &["cost", "--requests-per-day=-5", "tf"], &[], 2, "--requests-per-day must be a number ≥ 0, not -5"),
    case("cost: --requests-per-day infinite", &["cost", "--requests-per-day", "inf", "tf"], &[], 2, "--requests-per-day must be a number ≥ 0, not inf"),
    case("cost: --requests-per-day past f64", &["cost", "--requests-per-day", "1e400", "tf"], &[], 2, "--requests-per-day must be a number ≥ 0, not inf"),
    case("cost: --default-fixed-rate above 1", &["cost", "--default-fixed-rate", "2", "tf"], &[], 2, "--default-fixed-rate must be from 0 to 1, not 2"),
    case("cost: --default-fixed-rate NaN", &["cost", "--default-fixed-rate", "NaN", "tf"], &[], 2, "--default-fixed-rate must be from 0 to 1, not NaN"),
    case("cost: --scans-per-month infinite", &["cost", "--scans-per-month", "inf", "tf"], &[], 2, "--scans-per-month must be a number ≥ 0, not inf"),
    case("cost: --free-recorded negative", &["cost", "--free-recorded=-1", "tf"], &[], 2, "--free-recorded must be a number ≥ 0, not -1"),
    case("cost: --price-per-million-recorded NaN", &["cost", "--price-per-million-recorded", "NaN", "tf"], &[], 2, "--price-per-million-recorded must be a number ≥ 0, not NaN"),
    case("cost: --traffic without =", &["cost", "--traffic", "orders", "tf"], &[], 2, "--traffic \"orders\": expected SERVICE=RPS"),
    case("cost: --traffic negative", &["cost", "--traffic", "orders=-1", "tf"], &[], 2, "--traffic \"orders=-1\": RPS must be a number ≥ 0"),
    case("cost: --traffic infinite", &["cost", "--traffic", "orders=inf", "tf"], &[], 2, "--traffic \"orders=inf\": RPS must be a number ≥ 0"),
    case("cost: --traffic not a number", &["cost", "--traffic", "orders=lots", "tf"], &[], 2, "--traffic \"orders=lots\": RPS must be a number ≥ 0"),
    case("cost: --traffic above the total", &["cost", "--traffic", "orders=50", "--requests-per-second", "10", "tf"], &[], 2, "--traffic adds up to 50 requests/s, more than the total of 10"),
    case("cost: --format unknown", &["cost", "--format", "csv", "tf"], &[], 2, "invalid value 'csv' for '--format"),
    case("cost: missing PATH", &["cost", "missing"], &[], 2, "missing: no such file or directory"),
    case("cost: PATH not Terraform", &["cost", "notes.txt"], &[Text("notes.txt", "hello\n")], 2, "notes.txt: no Terraform files"),
    case("cost: --var-file syntax error", &["cost", "--var-file", "bad.tfvars", "tf"], &[Text("bad.tfvars", "x = [1,\n")], 2, "--var-file bad.tfvars:1:8: expected `]`"),
    case("cost: --config unknown key", &["cost", "--config", "unknown.toml", "tf"], &[Text("unknown.toml", "lamda_mode = \"active\"\n")], 2, "unknown.toml:1:1: unknown field `lamda_mode`"),
    case("cost: --config a directory", &["cost", "--config", "tf", "tf"], &[], 2, "cannot read tf: a directory, not a file"),
    case("cost: --output into a missing directory", &["cost", "--output", "nodir/cost.txt", "tf"], &[], 2, "cannot write nodir/cost.txt: the directory nodir does not exist"),
    case("cost: --output into a read-only directory", &["cost", "--output", "ro/cost.txt", "tf"], &[ReadOnlyDir("ro")], 2, "cannot write ro/cost.txt: cannot create a file in ro: permission denied"),
    case("cost: --output a directory", &["cost", "--output", "tf", "tf"], &[], 2, "cannot write tf: a directory, not a file"),
    case("cost: --output below a file", &["cost", "--output", "tf/main.tf/cost.txt", "tf"], &[], 2, "cannot write tf/main.tf/cost.txt: tf/main.tf is not a directory"),
    // generate
    case("generate: unknown KIND", &["generate", "nothing"], &[], 2, "invalid value 'nothing' for '<KIND>'"),
    case("generate: no KIND", &["generate"], &[], 2, "the following required arguments were not provided: <KIND>"),
    case("generate: unknown flag", &["generate", "lambda", "--bogus"], &[], 2, "unexpected argument '--bogus'"),
    case("generate: --priority 0", &["generate", "sampling-rule", "--priority", "0"], &[], 2, "--priority 0: must be an integer from 1 to 9999"),
    case("generate: --priority NaN", &["generate", "sampling-rule", "--priority", "NaN"], &[], 2, "--priority NaN: must be an integer from 1 to 9999"),
    case("generate: --priority not a number", &["generate", "sampling-rule", "--priority", "high"], &[], 2, "for '--priority <PRIORITY>'"),
    case("generate: --fixed-rate above 1", &["generate", "sampling-rule", "--fixed-rate", "1.5"], &[], 2, "--fixed-rate 1.5: must be a number from 0 to 1"),
    case("generate: --reservoir negative", &["generate", "sampling-rule", "--reservoir=-1"], &[], 2, "--reservoir -1: must be an integer ≥ 0"),
    case("generate: --reservoir infinite", &["generate", "sampling-rule", "--reservoir", "inf"], &[], 2, "--reservoir inf: must be an integer ≥ 0"),
    case("generate: --rule-name too long", &["generate", "sampling-rule", "--rule-name", "a-name-of-forty-characters-is-too-long-x"], &[], 2, "--rule-name a-name-of-forty-characters-is-too-long-x: must be 1 to 32 characters (it has 40)"),
    case("generate: --name not a Terraform name", &["generate", "lambda", "--name", "a b"], &[], 2, "--name a b: must be a Terraform name"),
    case("generate: --name not UTF-8", &["generate", "lambda", "--name", "app<ff>"], &[], 2, "--name app\u{fffd}: not valid UTF-8"),
    case("generate: --function-name empty", &["generate", "lambda", "--function-name", ""], &[], 2, "--function-name \"\": must be some text, not empty"),
    case("generate: --api-name empty", &["generate", "rest-stage", "--api-name", ""], &[], 2, "--api-name \"\": must be some text, not empty"),
    case("generate: --out a file", &["generate", "lambda", "--out", "tf/main.tf"], &[], 2, "--out tf/main.tf: not a directory"),
    case("generate: --out below a file", &["generate", "lambda", "--out", "tf/main.tf/gen"], &[], 2, "--out tf/main.tf/gen: cannot create the directory: "),
    case("generate: --out non-UTF-8, below a file", &["generate", "lambda", "--out", "tf/main.tf/gen<ff>"], &[], 2, "--out tf/main.tf/gen\u{fffd}: cannot create the directory: "),
    case("generate: --out a read-only directory", &["generate", "lambda", "--out", "ro/gen"], &[ReadOnlyDir("ro")], 2, "--out ro/gen: cannot create the directory: permission denied"),
    case("generate: --out where the files exist", &["generate", "lambda", "--out", "gen"], &[Text("gen/lambda.tf", "# mine\n")], 2, "gen/lambda.tf already exists; --force replaces it"),
    case("generate: --out --force where a directory has a file's name", &["generate", "lambda", "--out", "gen", "--force"], &[Dir("gen/lambda.tf")], 2, "cannot write gen/lambda.tf: a directory, not a file"),
    // enable: flags (all fail before any call). `--apply` without --yes and without a
    // terminal is refused only after the account is read, so the plan is shown first:
    // tests/enable.rs covers it against moto.
    case("enable: no functions chosen", &["enable"], &[], 2, "choose the functions: --function GLOB, --tag KEY=VALUE, or --all"),
    case("enable: unknown flag", &["enable", "--all", "--bogus"], &[], 2, "unexpected argument '--bogus'"),
    case("enable: --apply with --emit", &["enable", "--all", "--apply", "--emit", "cli"], &[], 2, "'--apply' cannot be used with '--emit <KIND>'"),
    case("enable: --emit unknown", &["enable", "--all", "--emit", "terraform"], &[], 2, "invalid value 'terraform' for '--emit"),
    case("enable: --concurrency 0", &["enable", "--all", "--concurrency", "0"], &[], 2, "--concurrency must be at least 1"),
    case("enable: --concurrency negative", &["enable", "--all", "--concurrency", "-1"], &[], 2, "unexpected argument '-1'"),
    case("enable: --tag without =", &["enable", "--tag", "team"], &[], 2, "--tag \"team\": expected KEY=VALUE"),
    case("enable: --function not UTF-8", &["enable", "--function", "fn<ff>"], &[], 2, "--function fn\u{fffd}: not valid UTF-8"),
    case("enable: no credentials", &["enable", "--all"], &[Unset("AWS_ACCESS_KEY_ID"), Unset("AWS_SECRET_ACCESS_KEY")], 2, "no AWS credentials"),
    case("enable: --journal into a missing directory", &["enable", "--all", "--apply", "--yes", "--journal", "nodir/j.jsonl"], &[], 2, "--journal nodir/j.jsonl: the directory nodir does not exist"),
    case("enable: --journal below a file", &["enable", "--all", "--apply", "--yes", "--journal", "tf/main.tf/j.jsonl"], &[], 2, "--journal tf/main.tf/j.jsonl: tf/main.tf is not a directory"),
    case("enable: --journal exists", &["enable", "--all", "--apply", "--yes", "--journal", "j.jsonl"], &[Text("j.jsonl", JOURNAL_HEADER)], 2, "--journal j.jsonl: the file exists, and a journal never replaces one"),
    case("enable: --journal a directory", &["enable", "--all", "--apply", "--yes", "--journal", "tf"], &[], 2, "--journal tf: a directory, not a file"),
    // enable --undo JOURNAL
    case("enable --undo: with --all", &["enable", "--undo", "j.jsonl", "--all"], &[], 2, "'--undo <JOURNAL>' cannot be used with '--all'"),
    case("enable --undo: with --function", &["enable", "--undo", "j.jsonl", "--function", "fn"], &[], 2, "'--undo <JOURNAL>' cannot be used with '--function <GLOB>'"),
    case("enable --undo: no JOURNAL", &["enable", "--undo"], &[], 2, "a value is required for '--undo <JOURNAL>'"),
    case("enable --undo: missing", &["enable", "--undo", "missing.jsonl"], &[], 2, "cannot read the journal missing.jsonl: "),
    case("enable --undo: non-UTF-8 name", &["enable", "--undo", "no<ff>.jsonl"], &[], 2, "cannot read the journal no\u{fffd}.jsonl: "),
    case("enable --undo: a directory", &["enable", "--undo", "tf"], &[], 2, "cannot read the journal tf: a directory, not a file"),
    case("enable --undo: a FIFO", &["enable", "--undo", "pipe"], &[Fifo("pipe")], 2, "cannot read the journal pipe: not a regular file (a FIFO, socket or device)"),
    case("enable --undo: unreadable", &["enable", "--undo", "secret.jsonl"], &[Unreadable("secret.jsonl")], 2, "cannot read the journal secret.jsonl: "),
    case("enable --undo: empty", &["enable", "--undo", "empty.jsonl"], &[Text("empty.jsonl", "")], 2, "empty.jsonl:1: empty: not an xray-setup enable journal"),
    Case { pending: Some("src/enable/journal.rs (read): a journal that is not UTF-8 is said without a line (\"stream did not contain valid UTF-8\")"),
        ..case("enable --undo: binary", &["enable", "--undo", "bin.jsonl"], &[Bytes("bin.jsonl", BINARY)], 2, "bin.jsonl:1: not an xray-setup enable journal") },
    case("enable --undo: no header line", &["enable", "--undo", "j.jsonl"], &[Text("j.jsonl", JOURNAL_ENTRY)], 2, "j.jsonl:1: not an xray-setup enable journal"),
    case("enable --undo: another tool's JSON lines", &["enable", "--undo", "j.jsonl"], &[Text("j.jsonl", "{\"journal\":\"something else\",\"version\":1}\n")], 2, "j.jsonl:1: not an xray-setup enable journal"),
    case("enable --undo: a line not JSON", &["enable", "--undo", "j.jsonl"], &[Text("j.jsonl", NOT_JSON_JOURNAL)], 2, "j.jsonl:3: not a journal entry"),
    case("enable --undo: its only line cut mid-JSON", &["enable", "--undo", "j.jsonl"], &[Text("j.jsonl", "{\"journal\":\"xray-setup enable\",\"vers")], 2, "j.jsonl:1: not an xray-setup enable journal"),
    // A crash leaves its last line cut off: that is the journal as true as it can be, so
    // the line is skipped with a warning and the rest undone (here: nothing was made).
    case("enable --undo: last line cut mid-JSON", &["enable", "--undo", "j.jsonl"], &[Text("j.jsonl", CUT_LAST_LINE)], 0, "j.jsonl:2: skipped a last line cut off mid-write"),
    case("enable --undo: --journal into a missing directory", &["enable", "--undo", "j.jsonl", "--yes", "--journal", "nodir/u.jsonl"], &[Text("j.jsonl", JOURNAL_HEADER)], 2, "--journal nodir/u.jsonl: the directory nodir does not exist"),
    case("enable --undo: --journal is the journal undone", &["enable", "--undo", "j.jsonl", "--yes", "--journal", "j.jsonl"], &[Text("j.jsonl", JOURNAL_HEADER)], 2, "--journal j.jsonl: the file exists, and a journal never replaces one"),
    // console
    case("console: unknown flag", &["console", "--bogus"], &[], 2, "unexpected argument '--bogus'"),
    case("console: --format unknown", &["console", "--format", "yaml", "tf"], &[], 2, "invalid value 'yaml' for '--format"),
    case("console: two DIRs", &["console", "tf", "tf"], &[], 2, "unexpected argument 'tf'"),
    case("console: missing DIR", &["console", "missing"], &[], 2, "missing: no such file or directory"),
    case("console: non-UTF-8 missing DIR", &["console", "d<ff>"], &[], 2, "d\u{fffd}: no such file or directory"),
    case("console: DIR a file", &["console", "tf/main.tf"], &[], 2, "tf/main.tf: not a directory"),
    case("console: DIR a FIFO", &["console", "pipe"], &[Fifo("pipe")], 2, "pipe: not a directory"),
    case("console: --var without =", &["console", "--var", "novalue", "tf"], &[], 2, "--var \"novalue\": expected NAME=VALUE"),
    case("console: --var-file missing", &["console", "--var-file", "missing.tfvars", "tf"], &[], 2, "--var-file missing.tfvars: cannot read file: not found"),
    case("console: --var-file a directory", &["console", "--var-file", "tf", "tf"], &[], 2, "--var-file tf: a directory, not a file"),
    case("console: --var-file .tfvars.json not an object", &["console", "--var-file", "v.tfvars.json", "tf"], &[Text("v.tfvars.json", "\"x\"\n")], 2, "--var-file v.tfvars.json:1:1: "),
    Case { stdin: b"1 + 1\n\"caf\xe9\"\n", ..case("console: standard input not UTF-8", &["console", "tf"], &[], 2, "standard input:2:5: not valid UTF-8") },
    // rules, completions, man
    case("rules: unknown rule", &["rules", "XR042"], &[], 2, "no rule \"XR042\""),
    case("rules: rule not UTF-8", &["rules", "XR<ff>"], &[], 2, "XR\u{fffd}: not valid UTF-8"),
    case("rules: two rules", &["rules", "XR001", "XR002"], &[], 2, "unexpected argument 'XR002'"),
    case("rules: unknown flag", &["rules", "--bogus"], &[], 2, "unexpected argument '--bogus'"),
    case("completions: no shell", &["completions"], &[], 2, "the following required arguments were not provided: <SHELL>"),
    case("completions: unknown shell", &["completions", "tcsh"], &[], 2, "invalid value 'tcsh' for '<SHELL>'"),
    case("completions: extra argument", &["completions", "bash", "extra"], &[], 2, "unexpected argument 'extra'"),
    case("man: unknown flag", &["man", "--bogus"], &[], 2, "unexpected argument '--bogus'"),
    case("man: DIR a file", &["man", "tf/main.tf"], &[], 2, "cannot write man pages into tf/main.tf: not a directory"),
    case("man: DIR below a file", &["man", "tf/main.tf/man"], &[], 2, "cannot write man pages into tf/main.tf/man: "),
    case("man: non-UTF-8 DIR below a file", &["man", "tf/main.tf/man<ff>"], &[], 2, "cannot write man pages into tf/main.tf/man\u{fffd}: "),
    case("man: DIR read-only", &["man", "ro/man"], &[ReadOnlyDir("ro")], 2, "cannot write man pages into ro/man: permission denied"),
];

/// `<ff>` in `s` as the byte 0xFF, which no UTF-8 text holds.
fn os(s: &str) -> std::ffi::OsString {
    use std::os::unix::ffi::OsStringExt;
    let parts: Vec<&[u8]> = s.split("<ff>").map(str::as_bytes).collect();
    std::ffi::OsString::from_vec(parts.join(&0xff))
}

/// Makes what a case needs in `dir`; returns the environment variables to remove.
fn set_up(dir: &std::path::Path, setup: &[Setup]) -> Vec<&'static str> {
    use std::os::unix::fs::PermissionsExt;
    let at = |name: &str| {
        let p = dir.join(os(name));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        p
    };
    let mut unset = Vec::new();
    for s in setup {
        match *s {
            Text(name, text) => std::fs::write(at(name), text).unwrap(),
            Bytes(name, bytes) => std::fs::write(at(name), bytes).unwrap(),
            Dir(name) => std::fs::create_dir_all(at(name)).unwrap(),
            Fifo(name) => {
                let made = std::process::Command::new("mkfifo")
                    .arg(at(name))
                    .status()
                    .expect("mkfifo runs");
                assert!(made.success());
            }
            Symlink(name, target) => symlink(target, at(name)).unwrap(),
            Unreadable(name) => {
                let p = at(name);
                std::fs::write(&p, "x = 1\n").unwrap();
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
                if std::fs::read(&p).is_ok() {
                    std::fs::remove_file(&p).unwrap();
                    symlink("/proc/self/mem", &p).unwrap();
                }
            }
            ReadOnlyDir(name) => {
                let p = at(name);
                std::fs::create_dir(&p).unwrap();
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o555)).unwrap();
                if std::fs::write(p.join("probe"), "").is_ok() {
                    std::fs::remove_file(p.join("probe")).unwrap();
                    std::fs::remove_dir(&p).unwrap();
                    symlink("/sys", &p).unwrap();
                }
            }
            Unset(var) => unset.push(var),
        }
    }
    unset
}

/// Generous: only to turn a hang into a failure, never a timing assertion.
const HANG: Duration = Duration::from_secs(60);

/// Runs one case; what is wrong with how it went, if anything.
fn run(c: &Case) -> Option<String> {
    let dir = tree(&[("tf/main.tf", TRACED)]);
    let unset = set_up(dir.path(), c.setup);
    let mut cmd = xray_setup();
    cmd.current_dir(dir.path())
        .args(c.args.iter().map(|a| os(a)))
        .env("HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("AWS_CONFIG_FILE", dir.path().join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.path().join("no-aws-credentials"),
        )
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        // Nothing listens there: a case that reached the network would fail, not change
        // an account.
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_RETRY_MODE", "standard")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("TF_WORKSPACE")
        // Unset, so that a panic says "run with `RUST_BACKTRACE=1`" as well.
        .env_remove("RUST_BACKTRACE")
        .write_stdin(c.stdin)
        .timeout(HANG);
    for var in unset {
        cmd.env_remove(var);
    }
    let started = Instant::now();
    let out = cmd.output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let problem = match out.status.code() {
        None if started.elapsed() >= HANG => format!("hangs: killed after {} s", HANG.as_secs()),
        None => "killed by a signal".to_string(),
        _ if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") => {
            "panics".to_string()
        }
        Some(code) if code != c.code => format!("exit {code}, not {}", c.code),
        Some(_) if lines.len() != 1 => format!("{} lines on stderr, not 1", lines.len()),
        Some(_) if !stderr.contains(c.stderr) => {
            format!("stderr does not contain {:?}", c.stderr)
        }
        Some(2) if !lines[0].starts_with("error: ") => {
            "stderr does not start with `error: `".to_string()
        }
        Some(_) => return None,
    };
    Some(format!("{problem}; stderr:\n{stderr}"))
}

/// Every command, given bad flags, missing, unreadable or malformed files, a directory for
/// a file or the reverse, or paths and text that are not UTF-8, exits 2 (or as the row
/// says) with one line on stderr naming the argument or the file (and where in it), never
/// a panic and never a hang. Account cases fail before any call, and would reach only a
/// closed port on this machine if they did not. Every case runs (four at a time); the
/// failures are reported together, each by its case's name.
#[test]
fn every_command_refuses_bad_input_in_one_line() {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<(usize, Option<String>)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(c) = CASES.get(i) else { break };
                    let problem = run(c);
                    outcomes.lock().unwrap().push((i, problem));
                }
            });
        }
    });
    let mut outcomes = outcomes.into_inner().unwrap();
    outcomes.sort_by_key(|(i, _)| *i);
    let mut failures = Vec::new();
    for (i, problem) in outcomes {
        let c = &CASES[i];
        match (c.pending, problem) {
            (None, None) => {}
            (None, Some(problem)) => failures.push(format!("{}: {problem}", c.name)),
            (Some(owner), Some(problem)) => {
                eprintln!("pending, for {owner}: {}: {problem}", c.name)
            }
            (Some(_), None) => {
                failures.push(format!("{}: passes now: remove its `pending` mark", c.name))
            }
        }
    }
    let pending = CASES.iter().filter(|c| c.pending.is_some()).count();
    eprintln!("{} cases, {pending} of them pending", CASES.len());
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}
