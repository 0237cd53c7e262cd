//! `.xray-setup.toml`: parsed; a config that parses then judges the audit of a small tree
//! (its `exclude` globs, rule levels, `[[ignore]]` globs and dates, `lambda_mode`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use xray_setup::policy::config;
use xray_setup::source::terraform::Variables;
use xray_setup_fuzz::{audit, workdir};

const TREE: &[(&str, &str)] = &[
    (
        "main.tf",
        r#"# xray-setup:ignore XR003 the stage is traced elsewhere
resource "aws_api_gateway_stage" "this" {
  stage_name    = "dev"
  rest_api_id   = "a"
  deployment_id = "b"
}

resource "aws_lambda_function" "batch_a" {
  function_name = "batch-a"
  role          = "arn:aws:iam::123456789012:role/r"
}

module "fn" {
  source = "./modules/fn"
}
"#,
    ),
    (
        "modules/fn/main.tf",
        r#"resource "aws_lambda_function" "this" {
  function_name = "fn"
  role          = "arn:aws:iam::123456789012:role/r"
  tracing_config {
    mode = "PassThrough"
  }
}
"#,
    ),
    (
        "legacy/main.tf",
        r#"resource "aws_lambda_function" "old" {
  function_name = "old"
  role          = "arn:aws:iam::123456789012:role/r"
}
"#,
    ),
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(config) = config::parse(text, Path::new(".xray-setup.toml")) else {
        return;
    };
    let dir = workdir().lock().unwrap();
    let files: Vec<(String, Vec<u8>)> = TREE
        .iter()
        .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
        .collect();
    dir.write(&files);
    audit(&dir.root, config, &Variables::default());
});
