//! Terraform's JSON syntax: the input is `main.tf.json` (further files after `--- NAME`
//! lines, as in the `terraform` target), loaded, evaluated and audited.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xray_setup::policy::Config;
use xray_setup::source::terraform::Variables;
use xray_setup_fuzz::{audit, split_files, workdir};

fuzz_target!(|data: &[u8]| {
    let files = split_files(data, "main.tf.json");
    let dir = workdir().lock().unwrap();
    dir.write(&files);
    let variables = Variables {
        workspace: Some("default".into()),
        ..Variables::default()
    };
    audit(&dir.root, Config::default(), &variables);
});
