//! `audit --org` and `--accounts` against an Organization in moto: a management account
//! and three members (tests/moto/organization.py), each seeded in two regions, reached
//! through `OrganizationAccountAccessRole`, which moto lets anyone assume. The harness
//! (tests/moto/harness.py) fills what moto lacks: it refuses chosen AssumeRoles (moto
//! never does), serves the Account service's `ListRegions` (moto has none), keeps X-Ray's
//! sampling rules per account and region, and pages `ListAliases`.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeSet;

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

fn audit(moto: &Moto, args: &[&str]) -> (Value, i32) {
    let out = moto
        .xray_setup()
        .args(["audit", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (report, out.status.code().unwrap())
}

/// The resources of `rule`'s findings in `account` (and `region`, unless `None`).
fn found(report: &Value, rule: &str, account: &str, region: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = findings(report)
        .iter()
        .filter(|f| {
            f["rule"] == rule && f["account"] == account && region.is_none_or(|r| f["region"] == r)
        })
        .map(|f| f["resource"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

fn sorted(lists: &[&Value]) -> Vec<String> {
    let mut all: Vec<String> = lists.iter().flat_map(|v| strings(v)).collect();
    all.sort();
    all.dedup();
    all
}

/// What the seed put in one account, region by region, found exactly, by ARN.
fn assert_account_matches(report: &Value, account: &str, seeded: &Value) {
    let mut roles_missing = Vec::new();
    let mut roles_without_sampling = Vec::new();
    for region in REGIONS {
        let expected = &seeded["regions"][region];
        let here = |rule| found(report, rule, account, Some(region));
        let context = format!("{account} {region}");
        // $LATEST not Active, and published versions behind aliases that are not, even
        // where $LATEST is.
        assert_eq!(
            here("XR001"),
            sorted(&[
                &expected["lambda_not_active"],
                &expected["versions_not_active"]
            ]),
            "XR001 {context}"
        );
        // Stages, state machines and GraphQL APIs, by ARN, as the seed made them.
        for (rule, key) in [
            ("XR003", "stage_not_traced"),
            ("XR004", "http_stages"),
            ("XR005", "state_machines_not_traced"),
            ("XR006", "graphql_not_traced"),
        ] {
            assert_eq!(here(rule), strings(&expected[key]), "{rule} {context}");
        }
        let rule_names = |rule| -> Vec<String> {
            here(rule)
                .iter()
                .map(|arn| {
                    assert!(
                        arn.starts_with(&format!("arn:aws:xray:{region}:{account}:")),
                        "{arn}"
                    );
                    arn.rsplit('/').next().unwrap().to_string()
                })
                .collect()
        };
        assert_eq!(
            rule_names("XR202"),
            strings(&expected["sampling_traces_everything"]),
            "XR202 {context}"
        );
        assert_eq!(
            rule_names("XR203"),
            strings(&expected["sampling_unreachable"]),
            "XR203 {context}"
        );
        assert_eq!(here("XR007").len(), 1, "the encryption note {context}");
        roles_missing.push(&expected["role_missing_xray_write"]);
        roles_without_sampling.push(&expected["role_cannot_read_sampling"]);
    }
    // Roles are global: the account's, whichever region's functions use them.
    assert_eq!(
        found(report, "XR101", account, None),
        sorted(&roles_missing),
        "XR101 {account}"
    );
    assert_eq!(
        found(report, "XR102", account, None),
        sorted(&roles_without_sampling),
        "XR102 {account}"
    );
    let rules: BTreeSet<&str> = findings(report)
        .iter()
        .filter(|f| f["account"] == account)
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    let known = [
        "XR001", "XR003", "XR004", "XR005", "XR006", "XR007", "XR101", "XR102", "XR202", "XR203",
    ];
    assert!(
        rules.iter().all(|r| known.contains(r)),
        "{account}: {rules:?}"
    );
}

fn member_ids(org: &Value) -> Vec<String> {
    let management = org["management"].as_str().unwrap();
    org["accounts"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|id| *id != management)
        .cloned()
        .collect()
}

#[test]
fn an_organization_is_audited_account_by_account_and_a_refused_role_is_xr010() {
    let moto = Moto::start();
    let org = moto.organization(&[]);
    let management = org["management"].as_str().unwrap().to_string();
    let members = member_ids(&org);
    assert_eq!(members.len(), 3);
    let refused = &members[1];
    moto.config(&format!(r#"{{"refuse_assume": ["{refused}"]}}"#));
    moto.take_log();

    let (report, status) = audit(&moto, &["--org", "--regions", "us-east-1,eu-west-1"]);
    assert_eq!(status, 3, "an account not read makes the audit incomplete");

    for (id, seeded) in org["accounts"].as_object().unwrap() {
        if id == refused {
            continue;
        }
        assert_account_matches(&report, id, seeded);
    }
    // The refused member: one XR010 naming the role, nothing else.
    let about_refused: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["account"] == refused.as_str())
        .collect();
    assert_eq!(about_refused.len(), 1, "{about_refused:?}");
    let xr010 = about_refused[0];
    assert_eq!(xr010["rule"], "XR010");
    let message = xr010["message"].as_str().unwrap();
    assert!(
        message.contains(&format!(
            "arn:aws:iam::{refused}:role/OrganizationAccountAccessRole"
        )) && message.contains("AccessDenied")
            && !message.contains("ProviderError"),
        "{message}"
    );
    // Every finding names its account, the account's name and its region.
    for f in findings(&report) {
        let id = f["account"].as_str().expect("account");
        assert!(f["region"].is_string(), "{f}");
        assert_eq!(f["account_name"], org["accounts"][id]["name"], "{f}");
    }
    // The summary: each account once, in id order, the refused one incomplete.
    let summary = report["accounts"].as_array().unwrap();
    let ids: Vec<&str> = summary
        .iter()
        .map(|a| a["account"].as_str().unwrap())
        .collect();
    let mut want: Vec<&str> = org["accounts"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    want.sort();
    assert_eq!(ids, want);
    for a in summary {
        let id = a["account"].as_str().unwrap();
        if id == refused {
            assert_eq!(
                (a["unread"].as_u64(), a["functions"].as_u64()),
                (Some(1), Some(0))
            );
        } else {
            assert_eq!(a["unread"], 0, "{a}");
            assert_eq!(a["functions"], 40, "20 functions in each of 2 regions: {a}");
            assert_eq!(a["regions"], serde_json::json!(["eu-west-1", "us-east-1"]));
        }
    }
    // The caller's own account is read as itself: no role is assumed into it.
    let log = moto.take_log();
    let assumed: Vec<&Value> = log
        .iter()
        .filter(|e| e["operation"] == "AssumeRole")
        .collect();
    assert_eq!(assumed.len(), 3, "one AssumeRole per member: {assumed:?}");
    assert!(
        log.iter()
            .filter(|e| e["account"] == management.as_str())
            .all(|e| e["service"] == "sts"
                || e["service"] == "organizations"
                || e["operation"] != "UpdateFunctionConfiguration"),
        "read-only"
    );
    // Reading is all the audit does, in every account.
    for e in &log {
        let op = e["operation"].as_str().unwrap();
        assert!(
            ["List", "Get", "Describe", "AssumeRole", "GetCallerIdentity"]
                .iter()
                .any(|p| op.starts_with(p)),
            "{op} is not a read"
        );
    }
}

#[test]
fn ous_exclusions_account_lists_and_enabled_regions_choose_what_is_read() {
    let moto = Moto::start();
    let org = moto.organization(&["--functions", "4", "--roles", "2"]);
    let members = member_ids(&org);
    let ou = org["ou"].as_str().unwrap();
    let audited = |args: &[&str]| -> Vec<(String, Vec<String>)> {
        let (report, status) = audit(&moto, args);
        assert_eq!(status, 1, "{args:?}: findings, nothing unread");
        report["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["account"].as_str().unwrap().to_string(),
                    strings(&a["regions"]),
                )
            })
            .collect()
    };
    let name_of = |id: &str| org["accounts"][id]["name"].as_str().unwrap().to_string();
    // The OU holds members 1 and 2; member 1 excluded leaves member 2.
    let member_1 = members.iter().find(|m| name_of(m) == "member-1").unwrap();
    let member_2 = members.iter().find(|m| name_of(m) == "member-2").unwrap();
    let member_3 = members.iter().find(|m| name_of(m) == "member-3").unwrap();
    assert_eq!(
        audited(&[
            "--org",
            "--ou",
            ou,
            "--exclude-account",
            member_1,
            "--regions",
            "us-east-1"
        ]),
        [(member_2.clone(), vec!["us-east-1".to_string()])]
    );
    // A list of accounts, in the order given, each once.
    let list = format!("{member_3},{member_1},{member_3}");
    let ids: Vec<String> = audited(&["--accounts", &list, "--region", "eu-west-1"])
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids, [member_3.clone(), member_1.clone()]);
    // `--regions all`: the regions each account has enabled (the harness's ListRegions).
    for (_, regions) in audited(&["--accounts", &list, "--regions", "all"]) {
        assert_eq!(regions, ["eu-west-1", "us-east-1"]);
    }
    // Where account:ListRegions is denied, EC2's DescribeRegions tells them (served by
    // the harness from the same regions: moto's lists every region of every partition).
    moto.config(r#"{"deny": ["account"]}"#);
    moto.take_log();
    let from_ec2 = audited(&["--accounts", member_3, "--regions", "all"]);
    let log = moto.take_log();
    assert_eq!(
        log.iter()
            .filter(|e| e["operation"] == "DescribeRegions")
            .count(),
        1
    );
    assert_eq!(from_ec2[0].1, ["eu-west-1", "us-east-1"]);
    moto.config(r#"{"deny": []}"#);
    // drift compares the code with one account, reached the same way.
    let code = tree(&[(
        "main.tf",
        "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"not-in-any-account\"\n}\n",
    )]);
    let drift = |accounts: &str| {
        moto.xray_setup()
            .arg("drift")
            .arg(code.path())
            .args([
                "--accounts",
                accounts,
                "--region",
                "us-east-1",
                "--format",
                "json",
            ])
            .output()
            .unwrap()
    };
    let two = drift(&format!("{member_1},{member_2}"));
    assert_eq!(two.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&two.stderr).contains("once per account"),
        "{}",
        String::from_utf8_lossy(&two.stderr)
    );
    let one = drift(member_3);
    let report: Value = serde_json::from_slice(&one.stdout).unwrap();
    let unmanaged: BTreeSet<&str> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "XR302")
        .map(|f| f["account"].as_str().unwrap())
        .collect();
    assert_eq!(unmanaged, BTreeSet::from([member_3.as_str()]), "{report}");
    // A malformed id is refused, naming it, before anything is read.
    let out = moto
        .xray_setup()
        .args(["audit", "--accounts", "12345,", "--region", "us-east-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("\"12345\"") && stderr.contains("12 digits"),
        "{stderr}"
    );
}

fn role_of(id: &str) -> String {
    format!("arn:aws:iam::{id}:role/OrganizationAccountAccessRole")
}

#[test]
fn enable_across_accounts_journals_each_and_undo_reaches_each_through_its_role() {
    let moto = Moto::start();
    // Three role kinds a grant can fix, so nothing is left to a person.
    let org = moto.organization(&[
        "--functions",
        "6",
        "--roles",
        "3",
        "--regions",
        "us-east-1",
        "--aliases",
        "2",
    ]);
    let members = member_ids(&org);
    let (a, b, untouched) = (&members[0], &members[1], &members[2]);
    let seeded_a = moto.state_in(&role_of(a));
    let seeded_untouched = moto.state_in(&role_of(untouched));
    let dir = tempfile::TempDir::new().unwrap();
    let journals = dir.path().join("journals");
    let out = moto
        .xray_setup()
        .args([
            "enable",
            "--accounts",
            &format!("{a},{b}"),
            "--regions",
            "us-east-1",
        ])
        .args(["--all", "--apply", "--yes", "--journal"])
        .arg(&journals)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for id in [a, b] {
        let state = moto.state_in(&role_of(id));
        let modes: BTreeSet<&str> = state["functions"]
            .as_object()
            .unwrap()
            .values()
            .map(|m| m.as_str().unwrap())
            .collect();
        assert_eq!(modes, BTreeSet::from(["Active"]), "{id}: {state}");
        assert!(
            stdout.contains(&format!("Plan for account {id}")),
            "{stdout}"
        );
    }
    assert_eq!(moto.state_in(&role_of(untouched)), seeded_untouched);
    // Versions behind aliases are not changed: the commands that move them are printed.
    assert!(
        stdout.contains("route traffic to published versions without Active tracing")
            && stdout
                .contains("aws lambda publish-version --function-name fn-0000 --region us-east-1")
            && stdout.contains("aws lambda update-alias --function-name fn-0000 --name live"),
        "{stdout}"
    );
    // One journal per account, named after it, recording it.
    let mut written: Vec<std::path::PathBuf> = std::fs::read_dir(&journals)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    written.sort();
    assert_eq!(written.len(), 2, "{written:?}");
    let journal_of = |id: &str| {
        written
            .iter()
            .find(|p| p.file_name().unwrap().to_string_lossy().contains(id))
            .unwrap_or_else(|| panic!("no journal names {id}: {written:?}"))
            .clone()
    };
    let first_line = std::fs::read_to_string(journal_of(a)).unwrap();
    assert!(
        first_line.lines().next().unwrap().contains(a.as_str()),
        "{first_line}"
    );
    // The undo reaches the journal's account through the same role, and only it.
    let after_b = moto.state_in(&role_of(b));
    let out = moto
        .xray_setup()
        .args(["enable", "--undo"])
        .arg(journal_of(a))
        .args(["--accounts", a, "--yes", "--journal"])
        .arg(dir.path().join("undo.jsonl"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(moto.state_in(&role_of(a)), seeded_a);
    assert_eq!(moto.state_in(&role_of(b)), after_b);
}
