//! Terraform's JSON syntax: the input is `main.tf.json` (further files after `--- NAME`
//! lines, as in the `terraform` target), loaded, evaluated and audited.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| xray_setup_fuzz::audit_input(data, "main.tf.json"));
