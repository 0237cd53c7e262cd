//! `enable` against moto (tests/moto/harness.py stores TracingConfig on update, logs every
//! call and fails chosen updates on request).

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

const NO_BOUNDED: &str = "managed,inline,inline_write_only,customer,scoped,basic_only";

/// The harness, or a failure saying why not: a test that cannot reach moto has tested
/// nothing.
/// `xray-setup enable` run in `dir`, its journals' state directory `dir/state`
/// (`$XDG_STATE_HOME`), so that no test writes into the home directory.
fn enable_command(moto: &Moto, dir: &Path) -> assert_cmd::Command {
    let mut cmd = moto.xray_setup();
    cmd.current_dir(dir)
        .env("XDG_STATE_HOME", dir.join("state"))
        .arg("enable");
    cmd
}

fn enable(moto: &Moto, dir: &Path, args: &[&str]) -> Output {
    enable_command(moto, dir).args(args).output().unwrap()
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

/// The one journal in `dir` whose name starts with `prefix`.
fn only_journal(dir: &Path, prefix: &str) -> std::path::PathBuf {
    let found: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            name.starts_with(prefix) && name.ends_with(".jsonl")
        })
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found.into_iter().next().unwrap()
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
    let journal_path = only_journal(&dir.path().join("state/xray-setup"), "xray-setup-enable-");
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
    for run in 1..=2 {
        let ran = moto.bash(&script);
        assert!(
            ran.status.success(),
            "run {run}: {}",
            String::from_utf8_lossy(&ran.stderr)
        );
        assert_eq!(moto.state(), by_enable, "run {run}");
    }
    // With credentials for another account (holding the same names), it stops first.
    moto.reset();
    moto.seed(&seed);
    let mut other_seed = seed.to_vec();
    other_seed.extend(["--role-arn", OTHER_ROLE]);
    moto.seed(&other_seed);
    let (here_seeded, other_seeded) = (moto.state(), moto.state_in(OTHER_ROLE));
    let other = assume(&moto, OTHER_ROLE);
    moto.take_log();
    let ran = moto.bash_with(
        &script,
        &[
            ("AWS_ACCESS_KEY_ID", &other[0]),
            ("AWS_SECRET_ACCESS_KEY", &other[1]),
            ("AWS_SESSION_TOKEN", &other[2]),
        ],
    );
    assert_eq!(ran.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&ran.stderr).to_string();
    assert!(
        stderr.starts_with(&format!(
            "these credentials reach account {OTHER} (partition aws)"
        )) && stderr.ends_with(&format!(
            "but this script was written for account {HERE} (partition aws): nothing was changed\n"
        )),
        "{stderr}"
    );
    let log = moto.take_log();
    let calls: Vec<&str> = log
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(calls, ["GetCallerIdentity"]);
    assert_eq!(moto.state(), here_seeded);
    assert_eq!(moto.state_in(OTHER_ROLE), other_seeded);
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

/// A role in another account than moto's default 123456789012: moto lets any role be
/// assumed, and the credentials it gives reach that role's account.
const OTHER: &str = "111111111111";
const OTHER_ROLE: &str = "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole";
const HERE: &str = "123456789012";

/// Credentials for `role_arn` from moto's STS (`aws sts assume-role`), as
/// (key id, secret, session token).
fn assume(moto: &Moto, role_arn: &str) -> [String; 3] {
    let out = std::process::Command::new(Moto::venv_bin().join("aws"))
        .args(["sts", "assume-role", "--role-arn", role_arn])
        .args(["--role-session-name", "tests", "--output", "json"])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", &moto.url)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap();
    assert_success(&out);
    let c: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &c["Credentials"];
    ["AccessKeyId", "SecretAccessKey", "SessionToken"].map(|k| c[k].as_str().unwrap().to_string())
}

/// `enable ARGS` with the credentials `creds`.
fn enable_as(moto: &Moto, dir: &Path, creds: &[String; 3], args: &[&str]) -> Output {
    enable_command(moto, dir)
        .env("AWS_ACCESS_KEY_ID", &creds[0])
        .env("AWS_SECRET_ACCESS_KEY", &creds[1])
        .env("AWS_SESSION_TOKEN", &creds[2])
        .args(args)
        .output()
        .unwrap()
}

/// The journal at `from` as a version 1 journal would have been written: no account in
/// the header or on any line.
fn as_version_1(from: &Path, to: &Path) {
    let text = std::fs::read_to_string(from).unwrap();
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut v: Value = serde_json::from_str(line).unwrap();
        let o = v.as_object_mut().unwrap();
        o.remove("account");
        o.remove("partition");
        if i == 0 {
            o.insert("version".into(), 1.into());
        }
        lines.push(format!("{v}\n"));
    }
    std::fs::write(to, lines.concat()).unwrap();
}

#[test]
fn an_undo_with_credentials_for_another_account_is_refused_and_changes_nothing() {
    let moto = Moto::start();
    let seed = [
        "--functions",
        "12",
        "--roles",
        "4",
        "--apis",
        "1",
        "--kinds",
        NO_BOUNDED,
    ];
    moto.seed(&seed);
    // The other account holds the same names: the case an undo by name would get wrong.
    let mut other_seed = seed.to_vec();
    other_seed.extend(["--role-arn", OTHER_ROLE]);
    moto.seed(&other_seed);
    let seeded = moto.state();
    let other_seeded = moto.state_in(OTHER_ROLE);
    assert_eq!(
        seeded["functions"], other_seeded["functions"],
        "the same functions in both accounts"
    );
    let dir = tempfile::tempdir().unwrap();
    let journal_path = dir.path().join("run.jsonl");
    let journal_arg = journal_path.to_str().unwrap();
    let out = enable(
        &moto,
        dir.path(),
        &[
            "--all",
            "--stages",
            "--apply",
            "--yes",
            "--journal",
            journal_arg,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let enabled = moto.state();
    assert_ne!(enabled, seeded);
    assert_eq!(moto.state_in(OTHER_ROLE), other_seeded);

    // The journal names the account and partition, in its header and on every line, and
    // each target by its full ARN.
    let header: Value = serde_json::from_str(
        std::fs::read_to_string(&journal_path)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        (&header["version"], &header["account"], &header["partition"]),
        (&Value::from(2), &Value::from(HERE), &Value::from("aws"))
    );
    let entries = journal(&journal_path);
    assert!(entries.len() >= 10, "{entries:?}");
    for e in &entries {
        assert_eq!(
            (&e["account"], &e["partition"]),
            (&HERE.into(), &"aws".into())
        );
        let arn = match e["what"].as_str().unwrap() {
            "function-tracing" => e["function_arn"].as_str().unwrap(),
            "role-policy" => e["role_arn"].as_str().unwrap(),
            _ => e["stage_arn"].as_str().unwrap(),
        };
        assert!(
            arn.starts_with(&format!("arn:aws:lambda:us-east-1:{HERE}:function:fn-"))
                || arn.starts_with(&format!("arn:aws:iam::{HERE}:role/role-"))
                || arn.starts_with("arn:aws:apigateway:us-east-1::/restapis/"),
            "{e}"
        );
    }

    // Credentials that reach the other account: refused before anything is read or
    // changed, in one line naming both accounts.
    let other = assume(&moto, OTHER_ROLE);
    moto.take_log();
    let refused = enable_as(&moto, dir.path(), &other, &["--undo", journal_arg, "--yes"]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    let stderr = String::from_utf8_lossy(&refused.stderr).to_string();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: {journal_arg} was written in account {HERE} (partition aws), but these credentials reach account {OTHER} (partition aws) as arn:aws:sts::{OTHER}:assumed-role/"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    let log = moto.take_log();
    let calls: Vec<&str> = log
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        calls,
        ["GetCallerIdentity"],
        "only who the caller is was asked"
    );
    assert_eq!(moto.state(), enabled);
    assert_eq!(moto.state_in(OTHER_ROLE), other_seeded);

    // A journal from before journals recorded their account: not undone on its word
    // alone; --journal-account names the account, which the ARNs and the credentials
    // must agree with.
    let old = dir.path().join("old.jsonl");
    as_version_1(&journal_path, &old);
    let old_arg = old.to_str().unwrap();
    moto.take_log();
    let cases: [(&[String; 3], Option<&str>, String); 3] = [
        (
            &other,
            None,
            format!("{old_arg} predates account recording"),
        ),
        (
            &other,
            Some(OTHER),
            format!("which is not in account {OTHER} (partition aws): nothing was changed"),
        ),
        (
            &other,
            Some(HERE),
            format!("but these credentials reach account {OTHER}"),
        ),
    ];
    for (creds, vouched, expected) in cases {
        let mut args = vec!["--undo", old_arg, "--yes"];
        args.extend(vouched.map(|a| ["--journal-account", a]).iter().flatten());
        let out = enable_as(&moto, dir.path(), creds, &args);
        assert_eq!(out.status.code(), Some(2), "{vouched:?}: {}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(&expected), "{vouched:?}: {stderr}");
    }
    assert_eq!(writes(&moto.take_log()), Vec::<String>::new());
    assert_eq!(moto.state(), enabled);
    assert_eq!(moto.state_in(OTHER_ROLE), other_seeded);

    // The right account: undone, each function addressed by its ARN, the other account
    // untouched.
    let undone = enable(&moto, dir.path(), &["--undo", journal_arg, "--yes"]);
    assert_eq!(undone.status.code(), Some(0), "{}", text(&undone));
    assert!(
        String::from_utf8_lossy(&undone.stdout)
            .contains(&format!("recorded in account {HERE} (partition aws)")),
        "{}",
        text(&undone)
    );
    assert_eq!(moto.state(), seeded);
    assert_eq!(moto.state_in(OTHER_ROLE), other_seeded);
    let log = moto.take_log();
    let updates: Vec<&str> = log
        .iter()
        .filter(|e| e["operation"] == "UpdateFunctionConfiguration")
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(!updates.is_empty());
    for path in updates {
        assert!(
            path.starts_with(&format!(
                "/2015-03-31/functions/arn:aws:lambda:us-east-1:{HERE}:function:fn-"
            )),
            "{path}"
        );
    }

    // The old journal, vouched for with the right account and undone with its
    // credentials, works too (after the same changes are made again).
    let again = enable(
        &moto,
        dir.path(),
        &["--all", "--stages", "--apply", "--yes"],
    );
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    let rerun = only_journal(&dir.path().join("state/xray-setup"), "xray-setup-enable-");
    as_version_1(&rerun, &old);
    let undone = enable(
        &moto,
        dir.path(),
        &["--undo", old_arg, "--yes", "--journal-account", HERE],
    );
    assert_eq!(undone.status.code(), Some(0), "{}", text(&undone));
    assert_eq!(moto.state(), seeded);
    assert_eq!(moto.state_in(OTHER_ROLE), other_seeded);
}

#[test]
fn targets_changed_since_the_plan_are_left_alone_and_reported() {
    let moto = Moto::start();
    let expected = moto.seed(&[
        "--functions",
        "12",
        "--roles",
        "4",
        "--apis",
        "0",
        "--kinds",
        NO_BOUNDED,
    ]);
    let seeded = moto.state();
    let planned: Vec<String> = strings(&expected["lambda_not_active"])
        .iter()
        .map(|arn| arn.rsplit(':').next().unwrap().to_string())
        .collect();
    let [read, updated, deployed] = [&planned[0], &planned[1], &planned[2]];
    // Someone turns `read` on before enable reads it again, and `updated` on when
    // enable's update arrives; `deployed` gets a new revision (a deploy) at that moment,
    // its mode as it was.
    moto.config(
        &serde_json::json!({
            "change_on_read": { read: "Active" },
            "change_on_update": { updated: "Active", deployed: "PassThrough" },
        })
        .to_string(),
    );
    let dir = tempfile::tempdir().unwrap();
    let journal_path = dir.path().join("run.jsonl");
    moto.take_log();
    let out = enable(
        &moto,
        dir.path(),
        &[
            "--all",
            "--apply",
            "--yes",
            "--journal",
            journal_path.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        shown.contains("Changed by someone else since the plan was read, so left alone (2):"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "function:{read}: left alone: it is Active now, not PassThrough as planned"
        )),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "function:{updated}: left alone: it is Active now; someone changed it while it was being updated"
        )),
        "{shown}"
    );
    // `deployed` was updated once with the stale revision, refused, read again and
    // updated with the new one.
    let log = moto.take_log();
    let updates_of = |name: &str| {
        log.iter()
            .filter(|e| {
                e["operation"] == "UpdateFunctionConfiguration"
                    && e["path"].as_str().unwrap().contains(&format!(":{name}/"))
            })
            .count()
    };
    assert_eq!(
        (updates_of(read), updates_of(updated), updates_of(deployed)),
        (0, 1, 2)
    );

    // The journal: nothing for `read`; `updated` pending then left alone; every other
    // function's before is the value read just before its change.
    let entries = journal(&journal_path);
    let lines_of =
        |name: &str| -> Vec<&Value> { entries.iter().filter(|e| e["function"] == name).collect() };
    assert!(lines_of(read).is_empty());
    let outcomes: Vec<&Value> = lines_of(updated).iter().map(|e| &e["outcome"]).collect();
    assert_eq!(outcomes, ["pending", "left-alone"]);
    for name in &planned[2..] {
        let lines = lines_of(name);
        let outcomes: Vec<&Value> = lines.iter().map(|e| &e["outcome"]).collect();
        assert_eq!(outcomes, ["pending", "done"], "{name}");
        assert!(lines.iter().all(|e| e["before"] == "PassThrough"), "{name}");
    }
    let now = moto.state();
    for name in &planned {
        assert_eq!(now["functions"][name.as_str()], "Active", "{name}");
    }

    // The undo puts back only what enable changed: `read` and `updated` stay on, as
    // whoever turned them on left them.
    undo_succeeds(&moto, dir.path(), &journal_path);
    let mut expected_state = seeded.clone();
    expected_state["functions"][read.as_str()] = "Active".into();
    expected_state["functions"][updated.as_str()] = "Active".into();
    assert_eq!(moto.state(), expected_state);
}

#[test]
fn journals_go_to_the_state_directory_unless_journal_says() {
    let moto = Moto::start();
    moto.seed(&[
        "--functions",
        "6",
        "--roles",
        "2",
        "--apis",
        "0",
        "--kinds",
        NO_BOUNDED,
    ]);
    let seeded = moto.state();
    let dir = tempfile::tempdir().unwrap();
    let last_line = |out: &Output| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .rev()
            .find(|l| !l.is_empty())
            .unwrap()
            .to_string()
    };

    // $XDG_STATE_HOME/xray-setup, made (for its owner only) when missing; the path is
    // printed at the end.
    let out = enable(&moto, dir.path(), &["--all", "--apply", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let states = dir.path().join("state/xray-setup");
    let path = only_journal(&states, "xray-setup-enable-");
    assert_eq!(
        last_line(&out),
        format!(
            "To put everything back: xray-setup enable --undo {}",
            path.display()
        )
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("\nJournal: {}\n", path.display()))
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&states).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only state/"
    );

    // --journal chooses: the undo's journal goes where it says, and none to the state
    // directory.
    let chosen = dir.path().join("undo.jsonl");
    let out = enable(
        &moto,
        dir.path(),
        &[
            "--undo",
            path.to_str().unwrap(),
            "--yes",
            "--journal",
            chosen.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        last_line(&out),
        format!("Journal of the undo: {}", chosen.display())
    );
    assert!(!journal(&chosen).is_empty());
    assert_eq!(std::fs::read_dir(&states).unwrap().count(), 1);
    assert_eq!(moto.state(), seeded);

    // Without $XDG_STATE_HOME (or with a relative one, which the XDG spec says to
    // ignore), ~/.local/state/xray-setup.
    let home = tempfile::tempdir().unwrap();
    for xdg in [None, Some("relative/state")] {
        let mut cmd = enable_command(&moto, dir.path());
        cmd.env("HOME", home.path());
        match xdg {
            Some(v) => cmd.env("XDG_STATE_HOME", v),
            None => cmd.env_remove("XDG_STATE_HOME"),
        };
        let out = cmd
            .args(["--undo", path.to_str().unwrap(), "--yes"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let undo_journal = last_line(&out);
        let undo_journal = undo_journal.strip_prefix("Journal of the undo: ").unwrap();
        assert!(
            undo_journal.starts_with(&format!(
                "{}/.local/state/xray-setup/xray-setup-undo-",
                home.path().display()
            )),
            "{undo_journal}"
        );
        assert!(Path::new(undo_journal).is_file());
        std::fs::remove_file(undo_journal).unwrap();
    }
    assert!(!dir.path().join("relative").exists());
}
