//! Sampling rules AWS accepts (XR201), rules that trace everything (XR202) or never
//! apply (XR203), and `xray-setup cost`.

mod common;
use common::*;
use serde_json::Value;

/// A valid rule with `overrides` replacing (or, with `None`, removing) arguments.
fn rule(name: &str, overrides: &[(&str, Option<&str>)]) -> String {
    let mut args: Vec<(String, String)> = [
        ("rule_name", format!("{name:?}")),
        ("priority", "100".into()),
        ("version", "1".into()),
        ("reservoir_size", "1".into()),
        ("fixed_rate", "0.05".into()),
        ("url_path", "\"*\"".into()),
        ("host", "\"*\"".into()),
        ("http_method", "\"*\"".into()),
        ("service_type", "\"*\"".into()),
        ("service_name", "\"*\"".into()),
        ("resource_arn", "\"*\"".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (k, v) in overrides {
        args.retain(|(a, _)| a != k);
        if let Some(v) = v {
            args.push((k.to_string(), v.to_string()));
        }
    }
    let body: String = args.iter().map(|(k, v)| format!("  {k} = {v}\n")).collect();
    format!("resource \"aws_xray_sampling_rule\" {name:?} {{\n{body}}}\n")
}

fn audit_rules(rules: &[String], extra: &[&str]) -> Value {
    let dir = tree(&[("main.tf", &rules.concat())]);
    audit_path(dir.path(), extra).0
}

fn messages(report: &Value, code: &str) -> Vec<String> {
    findings(report)
        .iter()
        .filter(|f| f["rule"] == code)
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_constraint_at_both_sides_of_its_limit() {
    let s = |n: usize| format!("{:?}", "a".repeat(n));
    // (argument, a value at the limit, a value just past it, the allowed range in words)
    let cases: Vec<(&str, String, String, &str)> = vec![
        ("rule_name", s(32), s(33), "1 to 32 characters"),
        ("rule_name", s(1), s(0), "1 to 32 characters"),
        (
            "priority",
            "1".into(),
            "0".into(),
            "an integer from 1 to 9999",
        ),
        (
            "priority",
            "9999".into(),
            "10000".into(),
            "an integer from 1 to 9999",
        ),
        (
            "priority",
            "7".into(),
            "7.5".into(),
            "an integer from 1 to 9999",
        ),
        (
            "fixed_rate",
            "0".into(),
            "-0.01".into(),
            "a number from 0 to 1",
        ),
        (
            "fixed_rate",
            "1".into(),
            "1.01".into(),
            "a number from 0 to 1",
        ),
        ("reservoir_size", "0".into(), "-1".into(), "an integer ≥ 0"),
        ("reservoir_size", "3".into(), "2.5".into(), "an integer ≥ 0"),
        ("version", "1".into(), "2".into(), "exactly 1"),
        ("service_name", s(64), s(65), "1 to 64 characters"),
        ("service_type", s(64), s(65), "1 to 64 characters"),
        ("host", s(64), s(65), "1 to 64 characters"),
        ("http_method", s(10), s(11), "1 to 10 characters"),
        ("url_path", s(128), s(129), "1 to 128 characters"),
        ("resource_arn", s(500), s(501), "1 to 500 characters"),
    ];
    for (field, ok, bad, allowed) in cases {
        let r = audit_rules(&[rule("r", &[(field, Some(&ok))])], &[]);
        assert!(
            messages(&r, "XR201").is_empty(),
            "{field} = {ok} is allowed: {r:#}"
        );
        let r = audit_rules(&[rule("r", &[(field, Some(&bad))])], &[]);
        let m = messages(&r, "XR201");
        assert_eq!(m.len(), 1, "{field} = {bad}: {m:?}");
        assert!(
            m[0].contains(&format!("{field} = ")) && m[0].contains(allowed),
            "{m:?}"
        );
        assert!(m[0].contains("SamplingRule"), "names the source: {m:?}");
    }
    // Attributes: at most 5, keys and values of 1 to 32 characters.
    let attrs = |n: usize, key_len: usize| {
        let items: Vec<String> = (0..n)
            .map(|i| format!("{}{i} = \"v\"", "k".repeat(key_len)))
            .collect();
        format!("{{ {} }}", items.join(", "))
    };
    assert!(
        messages(
            &audit_rules(&[rule("r", &[("attributes", Some(&attrs(5, 31)))])], &[]),
            "XR201"
        )
        .is_empty()
    );
    let m = messages(
        &audit_rules(&[rule("r", &[("attributes", Some(&attrs(6, 1)))])], &[]),
        "XR201",
    );
    assert!(m.len() == 1 && m[0].contains("at most 5 entries"), "{m:?}");
    let m = messages(
        &audit_rules(&[rule("r", &[("attributes", Some(&attrs(1, 33)))])], &[]),
        "XR201",
    );
    assert!(
        m.len() == 1 && m[0].contains("keys and values of 1 to 32 characters"),
        "{m:?}"
    );
}

#[test]
fn one_finding_per_broken_constraint_and_missing_arguments() {
    let text = rule(
        "r",
        &[
            ("priority", Some("0")),
            ("version", Some("2")),
            ("host", None),
        ],
    );
    let priority_line = text
        .lines()
        .position(|l| l.trim() == "priority = 0")
        .unwrap() as u64
        + 1;
    let r = audit_rules(&[text], &[]);
    let m = messages(&r, "XR201");
    assert_eq!(m.len(), 3, "{m:?}");
    assert!(m.iter().any(|m| m.contains("does not set host")), "{m:?}");
    let lines: Vec<u64> = findings(&r)
        .iter()
        .filter(|f| f["rule"] == "XR201")
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert!(
        lines.contains(&priority_line),
        "priority's own line: {lines:?}"
    );
    assert!(
        lines.contains(&1),
        "a missing argument points at the resource: {lines:?}"
    );
}

#[test]
fn duplicate_rule_names_in_a_root() {
    let r = audit_rules(
        &[
            rule("a", &[("rule_name", Some("\"same\""))]),
            rule(
                "b",
                &[("rule_name", Some("\"same\"")), ("priority", Some("50"))],
            ),
        ],
        &[],
    );
    let m = messages(&r, "XR201");
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].contains("`same` is also used by `aws_xray_sampling_rule.a`"),
        "{m:?}"
    );
}

#[test]
fn unreachable_rules_with_different_and_equal_priorities() {
    // A general rule at priority 10 shadows a specific one at 20.
    let r = audit_rules(
        &[
            rule("general", &[("priority", Some("10"))]),
            rule(
                "orders",
                &[
                    ("priority", Some("20")),
                    ("url_path", Some("\"/orders/*\"")),
                ],
            ),
        ],
        &[],
    );
    let m = messages(&r, "XR203");
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].contains("`orders` never applies: `general` (priority 10 is applied before 20)"),
        "{m:?}"
    );
    // The other way round, the specific rule applies first: nothing to report.
    let r = audit_rules(
        &[
            rule("general", &[("priority", Some("20"))]),
            rule(
                "orders",
                &[
                    ("priority", Some("10")),
                    ("url_path", Some("\"/orders/*\"")),
                ],
            ),
        ],
        &[],
    );
    assert!(messages(&r, "XR203").is_empty());
    // Equal priorities: the earlier name wins.
    let r = audit_rules(
        &[
            rule(
                "b-specific",
                &[
                    ("priority", Some("10")),
                    ("service_name", Some("\"orders\"")),
                ],
            ),
            rule("a-general", &[("priority", Some("10"))]),
        ],
        &[],
    );
    let m = messages(&r, "XR203");
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(m[0].contains("`b-specific` never applies: `a-general` (both have priority 10 and `a-general` comes first by name)"), "{m:?}");
    // A narrower earlier rule shadows nothing.
    let r = audit_rules(
        &[
            rule(
                "get-only",
                &[("priority", Some("10")), ("http_method", Some("\"GET\""))],
            ),
            rule("all", &[("priority", Some("20"))]),
        ],
        &[],
    );
    assert!(messages(&r, "XR203").is_empty());
}

#[test]
fn trace_everything_is_priced_at_the_given_traffic() {
    let everything = rule(
        "all",
        &[("fixed_rate", Some("1")), ("reservoir_size", Some("0"))],
    );
    let m = messages(
        &audit_rules(std::slice::from_ref(&everything), &[]),
        "XR202",
    );
    assert_eq!(m.len(), 1);
    assert!(
        m[0].contains("at 100 requests/s that is 259,200,000 traces and about $1,295.50 a month"),
        "{m:?}"
    );
    let m = messages(
        &audit_rules(&[everything], &["--requests-per-second", "2000"]),
        "XR202",
    );
    assert!(
        m[0].contains(
            "at 2,000 requests/s that is 5,184,000,000 traces and about $25,919.50 a month"
        ),
        "{m:?}"
    );
    let narrow = rule(
        "one",
        &[("fixed_rate", Some("1")), ("url_path", Some("\"/debug\""))],
    );
    assert!(messages(&audit_rules(&[narrow], &[]), "XR202").is_empty());
}

#[test]
fn gen_tree_invalid_rules_equal_the_ground_truth() {
    for (n, seed, per_dir) in [(100, 4, 25), (1000, 17, 25), (300, 23, 10)] {
        let (dir, expected) = gen_tree(n, seed, per_dir);
        let (report, _) = audit_path(dir.path(), &[]);
        let mut got = addresses(&report, "XR201");
        got.dedup();
        assert_eq!(
            got,
            strings(&expected["sampling_rule_invalid"]),
            "gen_tree {n} {seed} {per_dir}"
        );
    }
}

fn cost_json(dir: &std::path::Path, args: &[&str]) -> Value {
    let out = xray_setup()
        .arg("cost")
        .arg(dir)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_success(&out);
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_seeds_figures() {
    // 250,000,000 requests a day, every request traced: 7.5 billion traces, ~$37,500.
    let everything = rule(
        "everything",
        &[
            ("fixed_rate", Some("1")),
            ("reservoir_size", Some("0")),
            ("priority", Some("1")),
        ],
    );
    let dir = tree(&[("main.tf", &everything)]);
    let e = cost_json(dir.path(), &["--requests-per-day", "250000000"]);
    assert!(
        (e["traces_per_month"].as_f64().unwrap() - 7.5e9).abs() < 1e6,
        "{e:#}"
    );
    assert!(
        (e["total_monthly_usd"].as_f64().unwrap() - 37_500.0).abs() < 1.0,
        "{e:#}"
    );
    // The same traffic with only the Default rule: ~377.6 million traces, ~$1,887.
    let empty = tree(&[("main.tf", "")]);
    let e = cost_json(empty.path(), &["--requests-per-day", "250000000"]);
    assert!(
        (e["traces_per_month"].as_f64().unwrap() / 1e6 - 377.6).abs() < 0.2,
        "{e:#}"
    );
    assert!(
        (e["total_monthly_usd"].as_f64().unwrap() - 1_887.0).abs() < 1.0,
        "{e:#}"
    );
    assert_eq!(e["rules"][0]["name"], "Default");
}

#[test]
fn traffic_by_service_reservoirs_scans_and_left_out_rules() {
    let rules = [
        rule(
            "orders",
            &[
                ("service_name", Some("\"orders-*\"")),
                ("fixed_rate", Some("0.5")),
                ("reservoir_size", Some("10")),
                ("priority", Some("10")),
            ],
        ),
        rule(
            "by-path",
            &[("url_path", Some("\"/health\"")), ("priority", Some("5"))],
        ),
        rule("broken", &[("version", Some("2"))]),
    ]
    .concat();
    let dir = tree(&[("main.tf", &rules)]);
    let e = cost_json(
        dir.path(),
        &[
            "--traffic",
            "orders-api=110",
            "--requests-per-second",
            "210",
            "--scans-per-month",
            "2000000",
        ],
    );
    let orders = e["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "orders")
        .unwrap();
    // 110 req/s: a reservoir of 10, then half of the other 100.
    assert_eq!(orders["matched_requests_per_second"], 110.0);
    assert_eq!(orders["traces_per_second"], 60.0);
    let default = e["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Default")
        .unwrap();
    assert_eq!(
        default["matched_requests_per_second"], 100.0,
        "the other services' traffic"
    );
    assert_eq!(e["scanned_usd"], 0.5, "(2M - 1M free) x $0.50 per million");
    let left: Vec<&str> = e["left_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(left, vec!["by-path", "broken"]);
    assert!(
        e["assumptions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a.as_str().unwrap().contains("30-day month"))
    );
}

#[test]
fn cost_explains_its_model_and_validates_input() {
    xray_setup()
        .args(["cost", "--help"])
        .assert()
        .success()
        .stdout(predicates::str::contains("reservoir").and(predicates::str::contains("30-day")));
    xray_setup()
        .args(["cost", "--traffic", "orders"])
        .assert()
        .code(2);
    xray_setup()
        .args(["cost", "--requests-per-second", "-5"])
        .assert()
        .code(2);
    xray_setup()
        .args(["cost", "--traffic", "a=10", "--requests-per-second", "5"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("more than the total"));
    let text = xray_setup()
        .args(["cost", "--requests-per-second", "1000"])
        .arg(tree(&[("main.tf", "")]).path())
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("Total: $") && text.contains("Assumptions:"),
        "{text}"
    );
}

use predicates::prelude::PredicateBooleanExt;
