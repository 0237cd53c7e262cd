//! Real public Terraform (../shared/corpus): every directory audits without a crash, and
//! no file HashiCorp's parser accepts gets a parse error.

mod common;
use common::*;
use std::collections::{BTreeMap, HashSet};

#[test]
fn every_corpus_directory_audits_without_a_crash_or_a_false_parse_error() {
    let shared = shared();
    let corpus = shared.join("corpus");
    let mut dirs: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 10);
    let mut parse_errors: HashSet<std::path::PathBuf> = HashSet::new();
    for dir in &dirs {
        // A directory with no Terraform, OpenTofu or Terragrunt file (plan JSON) is
        // refused, saying so.
        let config = [
            "terragrunt.hcl",
            ".tf",
            ".tf.json",
            ".tofu",
            ".tofu.json",
            ".tfvars",
            ".tfvars.json",
        ];
        if files_under(dir, &config).is_empty() {
            let out = xray_setup().args(["audit"]).arg(dir).output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{}", dir.display());
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("no Terraform files"), "{stderr}");
            continue;
        }
        let (report, status) = audit_path(dir, &[]);
        assert!(
            status == 0 || status == 1,
            "{} exited {status}",
            dir.display()
        );
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for f in findings(&report) {
            *counts
                .entry(f["rule"].as_str().unwrap().to_string())
                .or_default() += 1;
            if f["rule"] == "XR999" {
                parse_errors.insert(dir.join(f["file"].as_str().unwrap()));
            }
        }
        // The per-directory counts, for the record (cargo test -- --nocapture).
        eprintln!("{}: {counts:?}", dir.file_name().unwrap().to_string_lossy());
    }
    let hcl = hcl_tools();
    let files: Vec<_> = files_under(&corpus, &[".tf", ".tfvars"]);
    for verdict in hcl.parse(&files) {
        let ours = parse_errors.contains(std::path::Path::new(&verdict.file));
        assert!(
            !(verdict.ok && ours),
            "{} parses with HashiCorp's parser, but xray-setup reports a parse error",
            verdict.file
        );
        assert!(
            verdict.ok || ours,
            "HashiCorp's parser rejects {} ({}), but xray-setup reports no parse error",
            verdict.file,
            verdict.detail
        );
    }
}
