//! `enable` against moto (tests/moto/harness.py stores TracingConfig on update, logs every
//! call and fails chosen updates on request).

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

const NO_BOUNDED: &str = "managed,inline,inline_write_only,customer,scoped,basic_only";

fn enable(moto: &Moto, dir: &Path, args: &[&str]) -> Output {
    moto.xray_setup()
        .current_dir(dir)
        .arg("enable")
        .args(args)
        .output()
        .unwrap()
}

/// `enable --undo JOURNAL --yes`, which must exit 0.
fn undo_succeeds(moto: &Moto, dir: &Path, journal: &Path) {
    let out = enable(moto, dir, &["--undo", journal.to_str().unwrap(), "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn audit(moto: &Moto) -> Value {
    let out = moto
        .xray_setup()
        .args(["audit", "--account", "--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Journal lines after the header.
fn journal(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(header["journal"], "xray-setup enable");
    lines.map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn writes(log: &[Value]) -> Vec<String> {
    log.iter()
        .map(|e| e["operation"].as_str().unwrap().to_string())
        .filter(|op| !(op.starts_with("List") || op.starts_with("Get")))
        .collect()
}

fn names_where(state: &Value, section: &str, pred: impl Fn(&Value) -> bool) -> BTreeSet<String> {
    state[section]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| pred(v))
        .map(|(k, _)| k.clone())
        .collect()
}

const WRITE_POLICY: &str = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess";

#[test]
fn enable_all_on_300_functions_then_undo_restores_the_seed() {
    let moto = Moto::start();
    let expected = moto.seed(&[
        "--functions",
        "300",
        "--roles",
        "40",
        "--apis",
        "6",
        "--kinds",
        NO_BOUNDED,
    ]);
    let seeded = moto.state();
    let dir = tempfile::tempdir().unwrap();
    moto.take_log();
    let out = enable(
        &moto,
        dir.path(),
        &["--all", "--stages", "--apply", "--yes"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // The re-audit: every function Active, every role able to write, every stage traced.
    let report = audit(&moto);
    for rule in ["XR001", "XR101", "XR003"] {
        assert_eq!(resources(&report, rule), Vec::<String>::new(), "{rule}");
    }
    // One attachment per role that needed it, however many functions share it.
    let missing = strings(&expected["role_missing_xray_write"]);
    let log = moto.take_log();
    let count = |op: &str| log.iter().filter(|e| e["operation"] == op).count();
    assert_eq!(count("AttachRolePolicy"), missing.len());
    assert!(missing.len() >= 5, "{missing:?}");
    let after = moto.state();
    for arn in &missing {
        let role = arn.rsplit('/').next().unwrap();
        let attached = after["roles"][role].as_array().unwrap();
        assert_eq!(
            attached.iter().filter(|p| *p == WRITE_POLICY).count(),
            1,
            "{role}"
        );
    }
    let not_active = strings(&expected["lambda_not_active"]).len();
    assert_eq!(count("UpdateFunctionConfiguration"), not_active);
    assert_eq!(count("UpdateStage"), 12, "6 APIs, 2 untraced stages each");

    // The journal: each change pending then done, with its before and after.
    let journal_path = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            name.starts_with("xray-setup-enable-") && name.ends_with(".jsonl")
        })
        .expect("the default journal in the current directory");
    let entries = journal(&journal_path);
    assert_eq!(entries.len(), 2 * (missing.len() + not_active + 12));
    let done: Vec<&Value> = entries.iter().filter(|e| e["outcome"] == "done").collect();
    assert_eq!(done.len(), missing.len() + not_active + 12);
    assert!(
        done.iter()
            .all(|e| e["time"].is_string() && e["what"].is_string())
    );
    let first_function = entries
        .iter()
        .position(|e| e["what"] == "function-tracing")
        .unwrap();
    assert!(
        entries[..first_function]
            .iter()
            .all(|e| e["what"] == "role-policy"),
        "grants first"
    );

    // Undo: the seeded state exactly.
    undo_succeeds(&moto, dir.path(), &journal_path);
    assert_eq!(moto.state(), seeded);
    // Undoing again finds everything already back, and changes nothing.
    moto.take_log();
    undo_succeeds(&moto, dir.path(), &journal_path);
    assert_eq!(writes(&moto.take_log()), Vec::<String>::new());
}

#[test]
fn without_apply_nothing_is_written() {
    let moto = Moto::start();
    moto.seed(&["--functions", "40", "--roles", "8", "--apis", "2"]);
    let seeded = moto.state();
    let dir = tempfile::tempdir().unwrap();
    moto.take_log();
    let plan = enable(&moto, dir.path(), &["--all", "--stages"]);
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
    let shown = String::from_utf8_lossy(&plan.stdout).to_string();
    assert!(
        shown.contains("This is a plan: nothing was changed."),
        "{shown}"
    );
    assert!(shown.contains("Attach arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess to"));
    assert!(shown.contains("PassThrough → Active"));
    assert!(shown.contains("role-006-bounded: it cannot write traces: its permissions boundary"));
    assert!(shown.contains("role-007-denied: it cannot write traces: statement"));
    let script = enable(&moto, dir.path(), &["--all", "--stages", "--emit", "cli"]);
    assert_eq!(script.status.code(), Some(0), "{}", text(&script));
    // Without --yes and without a terminal to ask on, --apply refuses.
    let refused = enable(&moto, dir.path(), &["--all", "--apply"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused).contains("pass --yes"), "{}", text(&refused));
    let log = moto.take_log();
    assert!(log.len() > 10, "the account was read");
    assert_eq!(writes(&log), Vec::<String>::new());
    assert_eq!(moto.state(), seeded);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no journal without changes"
    );
}

#[test]
fn the_cli_script_reaches_the_same_end_state_and_runs_twice() {
    let moto = Moto::start();
    let seed = [
        "--functions",
        "24",
        "--roles",
        "6",
        "--apis",
        "2",
        "--kinds",
        NO_BOUNDED,
    ];
    let dir = tempfile::tempdir().unwrap();
    moto.seed(&seed);
    let out = enable(
        &moto,
        dir.path(),
        &["--all", "--stages", "--apply", "--yes"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let by_enable = moto.state();

    moto.reset();
    moto.seed(&seed);
    let seeded = moto.state();
    assert_ne!(seeded, by_enable);
    let out = enable(&moto, dir.path(), &["--all", "--stages", "--emit", "cli"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let script = dir.path().join("enable.sh");
    std::fs::write(&script, &out.stdout).unwrap();
    let body = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(body.contains("set -euo pipefail"));
    assert!(body.contains("aws lambda wait function-updated-v2"));
    for line in body.lines().filter(|l| l.starts_with("aws ")) {
        assert!(line.contains("--region '"), "{line}");
    }
    let path = format!(
        "{}:{}",
        Moto::venv_bin().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for run in 1..=2 {
        let ran = std::process::Command::new("bash")
            .arg(&script)
            .env("PATH", &path)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", &moto.url)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .output()
            .unwrap();
        assert!(
            ran.status.success(),
            "run {run}: {}",
            String::from_utf8_lossy(&ran.stderr)
        );
        assert_eq!(moto.state(), by_enable, "run {run}");
    }
}

#[test]
fn injected_failures_exit_nonzero_with_a_true_journal_and_undo_still_works() {
    let moto = Moto::start();
    let expected = moto.seed(&[
        "--functions",
        "60",
        "--roles",
        "6",
        "--apis",
        "1",
        "--kinds",
        NO_BOUNDED,
        "--seed",
        "2",
    ]);
    let seeded = moto.state();
    let not_active: Vec<String> = strings(&expected["lambda_not_active"])
        .iter()
        .map(|arn| arn.rsplit(':').next().unwrap().to_string())
        .collect();
    // Fail a few updates in the middle of the run.
    let failing: Vec<&str> = not_active[5..8].iter().map(String::as_str).collect();
    moto.config(&serde_json::json!({ "fail_updates": failing }).to_string());
    let dir = tempfile::tempdir().unwrap();
    let journal_path = dir.path().join("run.jsonl");
    let out = enable(
        &moto,
        dir.path(),
        &[
            "--all",
            "--stages",
            "--apply",
            "--yes",
            "--journal",
            journal_path.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(shown.contains("Failed (3):"), "{shown}");
    for name in &failing {
        assert!(
            shown.contains(&format!(
                "function:{name}: lambda:UpdateFunctionConfiguration"
            )),
            "{name}: {shown}"
        );
    }

    // The journal matches what really changed.
    let now = moto.state();
    let entries = journal(&journal_path);
    let ended = |outcome: &str| -> BTreeSet<String> {
        entries
            .iter()
            .filter(|e| e["what"] == "function-tracing" && e["outcome"] == outcome)
            .map(|e| e["function"].as_str().unwrap().to_string())
            .collect()
    };
    let changed: BTreeSet<String> = names_where(&now, "functions", |m| m == "Active")
        .difference(&names_where(&seeded, "functions", |m| m == "Active"))
        .cloned()
        .collect();
    assert_eq!(ended("done"), changed);
    assert_eq!(
        ended("failed"),
        failing.iter().map(|s| s.to_string()).collect()
    );
    assert_eq!(changed.len(), not_active.len() - 3);
    for e in entries.iter().filter(|e| e["outcome"] == "failed") {
        assert!(
            e["error"].as_str().unwrap().contains("injected failure"),
            "{e}"
        );
    }

    // Undo with the failures still injected: nothing it needs is an update that fails,
    // since the failed functions never changed.
    undo_succeeds(&moto, dir.path(), &journal_path);
    assert_eq!(moto.state(), seeded);
}

#[test]
fn roles_a_grant_cannot_fix_are_left_to_a_person() {
    let moto = Moto::start();
    let expected = moto.seed(&[
        "--functions",
        "24",
        "--roles",
        "4",
        "--apis",
        "0",
        "--kinds",
        "managed,bounded,denied,basic_only",
        "--seed",
        "6",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let out = enable(&moto, dir.path(), &["--all", "--apply", "--yes"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(shown.contains("role-001-bounded: it cannot write traces: its permissions boundary"));
    assert!(shown.contains("role-002-denied: it cannot write traces: statement"));
    let report = audit(&moto);
    let left: Vec<String> = strings(&expected["role_missing_xray_write"])
        .into_iter()
        .filter(|r| !r.ends_with("basic_only"))
        .collect();
    assert_eq!(
        resources(&report, "XR101"),
        left,
        "only the roles a person must fix"
    );
    let state = moto.state();
    for f in resources(&report, "XR001") {
        let name = f.rsplit(':').next().unwrap();
        let i: usize = name.trim_start_matches("fn-").parse().unwrap();
        assert!(
            matches!(i % 4, 1 | 2),
            "{name} uses a role enable could fix, yet is {}",
            state["functions"][name]
        );
    }
}

#[test]
fn selection_and_bad_journals_are_explained() {
    let moto = Moto::start();
    moto.seed(&[
        "--functions",
        "12",
        "--roles",
        "6",
        "--apis",
        "0",
        "--kinds",
        NO_BOUNDED,
    ]);
    let dir = tempfile::tempdir().unwrap();
    let none = enable(&moto, dir.path(), &[]);
    assert_eq!(none.status.code(), Some(2));
    assert!(text(&none).contains("choose the functions: --function GLOB"));

    let some = enable(
        &moto,
        dir.path(),
        &["--function", "fn-000?", "--function", "fn-0011"],
    );
    assert_eq!(some.status.code(), Some(0), "{}", text(&some));
    let shown = String::from_utf8_lossy(&some.stdout).to_string();
    let named: BTreeSet<&str> = shown
        .split("function:")
        .skip(1)
        .map(|rest| &rest[..7])
        .collect();
    assert!(!named.is_empty(), "{shown}");
    assert!(
        named
            .iter()
            .all(|n| n.starts_with("fn-000") || *n == "fn-0011"),
        "{named:?}"
    );

    let bad = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"journal\":\"xray-setup enable\",\"version\":1,\"started\":\"x\"}\nnot json\n",
    )
    .unwrap();
    let out = enable(
        &moto,
        dir.path(),
        &["--undo", bad.to_str().unwrap(), "--yes"],
    );
    assert_eq!(out.status.code(), Some(2));
    let message = text(&out);
    assert!(
        message.contains("bad.jsonl:2: not a journal entry"),
        "{message}"
    );
    let missing = enable(&moto, dir.path(), &["--undo", "nope.jsonl", "--yes"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing).contains("cannot read the journal nope.jsonl"));
}
