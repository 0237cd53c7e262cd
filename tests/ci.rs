//! What CI consumes: SARIF (validated against the official schema), JUnit (read back with
//! an XML parser), Markdown and GitHub annotations (snapshots), completions, man pages and
//! the published rule docs.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/serverless-api")
}

/// The report in a format, run from the example's directory so paths are as in CI.
fn report(dir: &Path, format: &str, extra: &[&str]) -> String {
    let out = xray_setup()
        .current_dir(dir)
        .args(["audit", ".", "--format", format])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json_report(dir: &Path, extra: &[&str]) -> Value {
    serde_json::from_str(&report(dir, "json", extra)).unwrap()
}

/// A tree with a suppressed finding, a note and an untraced function.
fn suppressions_tree() -> tempfile::TempDir {
    tree(&[(
        "main.tf",
        "# xray-setup:ignore XR001 batch job, traced by its caller\nresource \"aws_lambda_function\" \"batch\" {\n  function_name = \"batch\"\n  role          = \"arn:aws:iam::123456789012:role/batch\"\n}\n\nresource \"aws_lambda_function\" \"api\" {\n  function_name = \"api & <co>\"\n  role          = \"arn:aws:iam::123456789012:role/api\"\n  tracing_config {\n    mode = \"PassThrough\"\n  }\n}\n\n# xray-setup:ignore XR003\nlocals {}\n",
    )])
}

#[test]
fn sarif_validates_against_the_official_schema_and_carries_rules_and_fixes() {
    let sarif = report(&example(), "sarif", &[]);
    validate_sarif(&sarif);
    let doc: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), xray_setup::rules::RULES.len());
    for r in rules {
        let id = r["id"].as_str().unwrap();
        assert!(
            r["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("docs/rules/{id}.md"))
        );
        assert!(
            r["help"]["markdown"]
                .as_str()
                .unwrap()
                .starts_with(&format!("# {id}"))
        );
    }
    let json = json_report(&example(), &[]);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), findings(&json).len());
    for (r, f) in results.iter().zip(findings(&json)) {
        assert_eq!(r["ruleId"], f["rule"]);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], f["line"]);
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            f["file"]
        );
        let replacement = &r["fixes"][0]["artifactChanges"][0]["replacements"][0];
        assert_eq!(
            replacement["insertedContent"]["text"],
            f["fix"]["edits"][0]["text"]
        );
        assert_eq!(
            replacement["deletedRegion"]["startLine"],
            f["fix"]["edits"][0]["line"]
        );
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }

    // Suppressed results carry their suppression; the report still validates.
    let dir = suppressions_tree();
    let sarif = report(dir.path(), "sarif", &["--show-suppressed"]);
    validate_sarif(&sarif);
    let doc: Value = serde_json::from_str(&sarif).unwrap();
    let suppressed: Vec<&Value> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        suppressed[0]["suppressions"][0]["justification"],
        "batch job, traced by its caller"
    );
}

#[test]
fn sarif_of_an_unresolved_value_validates() {
    let dir = tree(&[(
        "main.tf",
        "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n  role = var.role\n}\nvariable \"role\" {}\n",
    )]);
    let sarif = report(dir.path(), "sarif", &[]);
    validate_sarif(&sarif);
}

#[test]
fn junit_parses_and_its_counts_match_the_findings() {
    let dir = suppressions_tree();
    let xml = report(dir.path(), "junit", &["--show-suppressed"]);
    let json = json_report(dir.path(), &[]);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let failures = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, findings(&json).len());
    assert_eq!(root.attribute("failures").unwrap(), failures.to_string());
    let skipped = doc
        .descendants()
        .filter(|n| n.has_tag_name("skipped"))
        .count();
    assert_eq!(skipped, 1);
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(root.attribute("tests").unwrap(), cases.to_string());
    // Markup in messages survives the round trip.
    assert!(
        doc.descendants()
            .filter_map(|n| n.attribute("message"))
            .any(|m| m.contains("`aws_lambda_function.api` has tracing mode \"PassThrough\""))
    );

    // The example: a suite per root, each suite's counts its own.
    let xml = report(&example(), "junit", &[]);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let json = json_report(&example(), &[]);
    let suites: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let mut roots: Vec<&str> = findings(&json)
        .iter()
        .map(|f| f["root"].as_str().unwrap())
        .collect();
    roots.dedup();
    for suite in &suites {
        let failing = suite
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count();
        assert_eq!(suite.attribute("failures").unwrap(), failing.to_string());
    }
    let total: usize = suites
        .iter()
        .map(|s| s.attribute("failures").unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(total, findings(&json).len());
}

#[test]
fn github_annotations_snapshot() {
    insta::assert_snapshot!(report(&example(), "github", &[]));
}

#[test]
fn github_annotations_escape_what_the_runner_parses() {
    let dir = suppressions_tree();
    let out = report(dir.path(), "github", &[]);
    for line in out.lines() {
        assert!(line.starts_with("::"), "{line}");
        let (head, _) = line[2..].split_once("::").unwrap();
        // Properties: no raw ':' or ',' inside a value.
        for prop in head.split_once(' ').unwrap().1.split(',') {
            let (_, value) = prop.split_once('=').unwrap();
            assert!(!value.contains(':'), "{prop}");
        }
    }
    assert!(out.contains("title=XR001 lambda-tracing-not-active"));
    assert!(out.contains("::notice file=main.tf,line=15"), "{out}");
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(report(&example(), "markdown", &[]));
    let dir = suppressions_tree();
    insta::assert_snapshot!(
        "markdown_with_suppressions",
        report(dir.path(), "markdown", &["--show-suppressed"])
    );
}

#[test]
fn completions_for_every_shell_and_man_pages() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = xray_setup().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("xray-setup"), "{shell}");
        assert!(
            script.contains("enable") && script.contains("show-suppressed"),
            "{shell}"
        );
    }
    let bash = xray_setup().args(["completions", "bash"]).output().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("xray-setup.bash");
    std::fs::write(&path, bash.stdout).unwrap();
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
        .unwrap();
    assert!(syntax.success(), "the bash completion script parses");

    let man = dir.path().join("man");
    let out = xray_setup()
        .args(["man", man.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let page = std::fs::read_to_string(man.join("xray-setup.1")).unwrap();
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH xray-setup"),
        "{page}"
    );
    assert!(page.contains(".TH xray-setup 1"));
    for sub in ["audit", "enable", "fix", "generate", "cost", "rules"] {
        let sub_page = std::fs::read_to_string(man.join(format!("xray-setup-{sub}.1"))).unwrap();
        assert!(sub_page.contains(&format!(".TH xray-setup-{sub}")), "{sub}");
    }
    let audit = std::fs::read_to_string(man.join("xray-setup-audit.1")).unwrap();
    assert!(audit.contains("baseline"));
}

/// `docs/rules/CODE.md` is each rule's documentation, as `xray-setup rules CODE` prints
/// it; SARIF's helpUri points there. `XRAY_SETUP_WRITE_DOCS=1` rewrites them.
#[test]
fn rule_docs_are_published() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let write = std::env::var("XRAY_SETUP_WRITE_DOCS").is_ok_and(|v| v == "1");
    if write {
        std::fs::create_dir_all(&dir).unwrap();
    }
    for rule in xray_setup::rules::RULES {
        let path = dir.join(format!("{}.md", rule.code));
        if write {
            std::fs::write(&path, rule.doc).unwrap();
        }
        let published = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "{} is missing: run with XRAY_SETUP_WRITE_DOCS=1",
                path.display()
            )
        });
        assert_eq!(
            published,
            rule.doc,
            "{} is stale: run with XRAY_SETUP_WRITE_DOCS=1",
            path.display()
        );
    }
}
