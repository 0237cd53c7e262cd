//! Variable values: the input is a tfvars file (`terraform.tfvars`, or
//! `terraform.tfvars.json` when it starts with `{`) for a fixed module whose variables
//! have type constraints, `optional()` attributes and validations and decide tracing
//! modes, roles and stages; and each of its first lines is also given as `--var mode=LINE`
//! in a second run, as the command line would.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xray_setup::policy::Config;
use xray_setup::source::terraform::{VariableArg, Variables};
use xray_setup_fuzz::{audit, workdir};

const MODULE: &str = include_str!("tfvars_module.tf");

fuzz_target!(|data: &[u8]| {
    let json = data.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let name = if json {
        "terraform.tfvars.json"
    } else {
        "terraform.tfvars"
    };
    let dir = workdir().lock().unwrap();
    dir.write(&[
        ("main.tf".into(), MODULE.as_bytes().to_vec()),
        (name.into(), data.to_vec()),
    ]);
    let mut variables = Variables {
        workspace: Some("default".into()),
        ..Variables::default()
    };
    audit(&dir.root, Config::default(), &variables);
    // The same text as command-line values: `-var NAME=VALUE` parses VALUE as an
    // expression for a variable with a complex type, as a string otherwise.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let names = ["settings", "functions", "mode", "stages", "count_of"];
    variables.command_line = text
        .lines()
        .zip(names)
        .map(|(line, name)| VariableArg::Var {
            name: name.into(),
            value: line.into(),
        })
        .collect();
    dir.write(&[("main.tf".into(), MODULE.as_bytes().to_vec())]);
    audit(&dir.root, Config::default(), &variables);
});
