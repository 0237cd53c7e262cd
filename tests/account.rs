//! `audit --account` against moto (through tests/moto/harness.py, which fills moto's
//! gaps: paging, sampling rules, throttling, denied calls).

mod common;
use common::*;
use serde_json::Value;

fn audit(moto: &Moto, extra: &[&str]) -> (Value, i32) {
    let out = moto
        .xray_setup()
        .args(["audit", "--account", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let status = out.status.code().unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (report, status)
}

fn resources_of(report: &Value, rule: &str) -> Vec<String> {
    resources(report, rule)
}

/// Everything the seed says an audit must find, and nothing else.
fn assert_matches_seed(report: &Value, expected: &Value) {
    // $LATEST not Active, and published versions behind aliases that are not, even where
    // $LATEST is.
    let mut not_active = strings(&expected["lambda_not_active"]);
    if let Some(versions) = expected.get("versions_not_active") {
        not_active.extend(strings(versions));
    }
    not_active.sort();
    assert_eq!(resources_of(report, "XR001"), not_active, "XR001");
    assert_eq!(
        resources_of(report, "XR005"),
        strings(&expected["state_machines_not_traced"]),
        "XR005"
    );
    assert_eq!(
        resources_of(report, "XR101"),
        strings(&expected["role_missing_xray_write"]),
        "XR101"
    );
    assert_eq!(
        resources_of(report, "XR102"),
        strings(&expected["role_cannot_read_sampling"]),
        "XR102"
    );
    assert_eq!(
        resources_of(report, "XR003"),
        strings(&expected["stage_not_traced"]),
        "XR003"
    );
    // HTTP and WebSocket API stages, and AppSync APIs without X-Ray, as from Terraform.
    assert_eq!(
        resources_of(report, "XR004"),
        strings(&expected["http_stages"]),
        "XR004"
    );
    assert_eq!(
        resources_of(report, "XR006"),
        strings(&expected["graphql_not_traced"]),
        "XR006"
    );
    let names = |rule: &str| -> Vec<String> {
        let mut v: Vec<String> = resources_of(report, rule)
            .into_iter()
            .map(|arn| arn.rsplit('/').next().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names("XR202"),
        strings(&expected["sampling_traces_everything"]),
        "XR202"
    );
    assert_eq!(
        names("XR203"),
        strings(&expected["sampling_unreachable"]),
        "XR203"
    );
    let rules: std::collections::BTreeSet<&str> = findings(report)
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.iter().all(|r| {
            [
                "XR001", "XR101", "XR102", "XR003", "XR004", "XR005", "XR006", "XR202", "XR203",
                "XR007",
            ]
            .contains(r)
        }),
        "{rules:?}"
    );
    // The region's encryption, as a note naming the key.
    let encryption: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| f["rule"] == "XR007")
        .collect();
    assert_eq!(encryption.len(), 1, "{encryption:?}");
    let key = expected["encryption_key"].as_str().unwrap();
    let message = encryption[0]["message"].as_str().unwrap();
    assert_eq!(encryption[0]["severity"], "note");
    assert!(
        message.contains(&format!("in us-east-1 with KMS key `{key}`")),
        "{message}"
    );
    assert_eq!(report["summary"]["files"], 0);
    for f in findings(report) {
        assert!(f["file"].is_null() && f["region"].is_string(), "{f}");
    }
}

#[test]
fn the_report_equals_what_was_seeded_across_pages_with_read_only_calls() {
    let moto = Moto::start();
    let expected = moto.seed(&[
        "--functions",
        "300",
        "--roles",
        "40",
        "--apis",
        "6",
        "--aliases",
        "8",
        "--state-machines",
        "3",
    ]);
    // Small pages everywhere, so every paged call takes several.
    moto.config(r#"{"page_size": 4}"#);
    moto.take_log();
    let (report, status) = audit(&moto, &[]);
    assert_eq!(status, 1);
    assert_matches_seed(&report, &expected);
    let log = moto.take_log();
    let count = |op: &str| log.iter().filter(|e| e["operation"] == op).count();
    let listed = 300 + expected["published_versions"].as_u64().unwrap() as usize;
    assert_eq!(
        count("ListFunctions"),
        listed.div_ceil(4),
        "300 functions and their published versions, 4 a page"
    );
    // Aliases only of the functions with published versions, not one call per function.
    assert_eq!(count("ListAliases"), 8);
    assert_eq!(count("GetRestApis"), 2, "6 APIs, 4 a page");
    assert_eq!(
        count("GetSamplingRules"),
        1,
        "4 rules (Default included), 4 a page"
    );
    let rest_stages = log
        .iter()
        .filter(|e| {
            e["operation"] == "GetStages" && e["path"].as_str().unwrap().starts_with("/restapis/")
        })
        .count();
    assert_eq!(rest_stages, 6);
    // moto answers these in one page.
    assert_eq!(count("GetApis"), 1);
    assert_eq!(count("ListGraphqlApis"), 1);
    // Each kind an account has is read: a kind that names its call and is never read by
    // the account source fails here.
    for entry in xray_setup::model::KINDS {
        if let Some(call) = entry.info.account {
            let op = call.split(':').nth(1).unwrap();
            assert!(count(op) >= 1, "{} ({call}) not read", entry.field);
        }
    }
    // Read-only: every operation the audit called is a List, a Get or a Describe.
    for e in &log {
        let op = e["operation"].as_str().unwrap();
        assert!(
            ["List", "Get", "Describe"]
                .iter()
                .any(|p| op.starts_with(p)),
            "a write or other call: {op}"
        );
    }
}

#[test]
fn account_findings_make_valid_sarif() {
    let moto = Moto::start();
    moto.seed(&["--functions", "12", "--roles", "8", "--apis", "1"]);
    let out = moto
        .xray_setup()
        .args(["audit", "--account", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let sarif = String::from_utf8(out.stdout).unwrap();
    validate_sarif(&sarif);
    let doc: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let first = &doc["runs"][0]["results"][0]["locations"][0];
    assert!(first.get("physicalLocation").is_none());
    assert!(
        first["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:")
    );
}

#[test]
fn throttling_is_survived() {
    let moto = Moto::start();
    let expected = moto.seed(&[
        "--functions",
        "120",
        "--roles",
        "14",
        "--apis",
        "3",
        "--seed",
        "5",
    ]);
    // As AWS throttles: a rate limit per service, plus a share of isolated throttles.
    moto.config(r#"{"throttle": 0.05, "rate_limit": 8, "page_size": 10}"#);
    moto.take_log();
    let (report, status) = audit(&moto, &["--iam-strategy", "per-role"]);
    assert_eq!(status, 1);
    assert_matches_seed(&report, &expected);
    let throttled = moto
        .take_log()
        .iter()
        .filter(|e| e["throttled"] == true)
        .count();
    assert!(throttled >= 3, "the harness throttled {throttled} calls");
}

#[test]
fn a_denied_service_is_reported_and_the_rest_audited() {
    let moto = Moto::start();
    let expected = moto.seed(&[
        "--functions",
        "40",
        "--roles",
        "7",
        "--apis",
        "2",
        "--seed",
        "3",
    ]);
    moto.config(r#"{"deny": ["xray", "apigateway"]}"#);
    let (report, status) = audit(&moto, &[]);
    assert_eq!(status, 3, "the audit is incomplete");
    assert_eq!(
        resources(&report, "XR001"),
        strings(&expected["lambda_not_active"])
    );
    assert_eq!(
        resources(&report, "XR101"),
        strings(&expected["role_missing_xray_write"])
    );
    let unread: Vec<&str> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "XR010")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    // REST APIs, HTTP and WebSocket APIs (both apigateway), sampling rules, encryption;
    // AppSync, not denied, is read.
    assert_eq!(unread.len(), 4, "{unread:?}");
    assert_eq!(
        resources(&report, "XR006"),
        strings(&expected["graphql_not_traced"])
    );
    for (call, grant) in [
        ("xray:GetSamplingRules", "xray:GetSamplingRules"),
        ("xray:GetEncryptionConfig", "xray:GetEncryptionConfig"),
        ("apigateway:GetRestApis", "apigateway:GET"),
        ("apigateway:GetApis", "apigateway:GET"),
    ] {
        assert!(
            unread
                .iter()
                .any(|m| m.contains(&format!("{call} was denied"))
                    && m.contains(&format!("grant {grant}"))),
            "{call}: {unread:?}"
        );
    }
}

#[test]
fn authorization_details_denied_falls_back_to_reading_roles_one_by_one() {
    let moto = Moto::start();
    let expected = moto.seed(&[
        "--functions",
        "30",
        "--roles",
        "7",
        "--apis",
        "1",
        "--seed",
        "9",
    ]);
    moto.take_log();
    let (report, _) = audit(&moto, &["--iam-strategy", "per-role"]);
    assert_eq!(
        resources(&report, "XR101"),
        strings(&expected["role_missing_xray_write"])
    );
    let log = moto.take_log();
    assert!(
        log.iter()
            .all(|e| e["operation"] != "GetAccountAuthorizationDetails")
    );
    assert_eq!(
        log.iter().filter(|e| e["operation"] == "GetRole").count(),
        7,
        "each distinct role once"
    );
    let (auto, _) = audit(&moto, &[]);
    assert_eq!(
        resources(&auto, "XR101"),
        strings(&expected["role_missing_xray_write"])
    );
    let log = moto.take_log();
    assert_eq!(
        log.iter()
            .filter(|e| e["operation"] == "GetAccountAuthorizationDetails")
            .count(),
        1
    );
    assert!(
        log.iter().all(|e| e["operation"] != "GetRole"),
        "one call instead of 21"
    );
}

#[test]
fn tag_filters_limit_the_functions() {
    let moto = Moto::start();
    moto.seed(&[
        "--functions",
        "20",
        "--roles",
        "7",
        "--apis",
        "0",
        "--seed",
        "4",
    ]);
    let (all, _) = audit(&moto, &[]);
    moto.take_log();
    let (orders, _) = audit(&moto, &["--tag", "team=orders"]);
    // One GetResources for the region, not a ListTags per function.
    let log = moto.take_log();
    let count = |op: &str| log.iter().filter(|e| e["operation"] == op).count();
    assert_eq!((count("GetResources"), count("ListTags")), (1, 0));
    let (none, _) = audit(&moto, &["--tag", "team=nobody"]);
    let n = |r: &Value| resources(r, "XR001").len();
    assert!(
        n(&orders) > 0 && n(&orders) < n(&all),
        "{} of {}",
        n(&orders),
        n(&all)
    );
    assert_eq!(n(&none), 0);
    // Where the tagging API is denied, each function's ListTags tells the same.
    moto.config(r#"{"deny": ["tagging"]}"#);
    moto.take_log();
    let (fallback, status) = audit(&moto, &["--tag", "team=orders"]);
    let log = moto.take_log();
    let count = |op: &str| log.iter().filter(|e| e["operation"] == op).count();
    assert_eq!(count("ListTags"), 20);
    assert_eq!(resources(&fallback, "XR001"), resources(&orders, "XR001"));
    assert_eq!(
        status, 1,
        "a denied call with a fallback is not an incomplete audit"
    );
}

#[test]
fn without_credentials_one_sentence() {
    let out = xray_setup()
        .args(["audit", "--account", "--region", "us-east-1"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: no AWS credentials:"), "{stderr}");
}
