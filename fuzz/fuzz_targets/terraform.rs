//! A small Terraform tree (`.tf`, `.tfvars`, `.tf.json`, modules in subdirectories; see
//! `split_files` for how one input holds several files), loaded, evaluated and audited
//! as `xray-setup audit` and `xray-setup fix` do.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xray_setup::policy::Config;
use xray_setup::source::terraform::Variables;
use xray_setup_fuzz::{audit, split_files, workdir};

fuzz_target!(|data: &[u8]| {
    let files = split_files(data, "main.tf");
    let dir = workdir().lock().unwrap();
    dir.write(&files);
    let variables = Variables {
        workspace: Some("default".into()),
        ..Variables::default()
    };
    audit(&dir.root, Config::default(), &variables);
});
