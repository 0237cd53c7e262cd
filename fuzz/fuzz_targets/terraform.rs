//! A small Terraform tree (`.tf`, `.tfvars`, `.tf.json`, modules in subdirectories; see
//! `split_files` for how one input holds several files), loaded, evaluated and audited
//! as `xray-setup audit` and `xray-setup fix` do.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| xray_setup_fuzz::audit_input(data, "main.tf"));
