//! plan → apply → undo over an account in memory.

use super::fake::{ACCOUNT, Memory, State as Account};
use super::journal::{self, AccountId, Journal};
use super::plan::{Selection, plan};
use super::*;
use crate::source::aws::{self, IamStrategy, Options};
use std::time::Duration;

const WRITE: &str = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess";
const BASIC: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

/// f1-f3 share role `plain` (no X-Ray grant); f4 (Active) and f5 use `writer`.
fn account() -> Account {
    let mut a = Account::default();
    for (f, role, mode) in [
        ("f1", "plain", "PassThrough"),
        ("f2", "plain", "PassThrough"),
        ("f3", "plain", "Active"),
        ("f4", "writer", "Active"),
        ("f5", "writer", "PassThrough"),
    ] {
        a.functions.insert(f.into(), (role.into(), mode.into()));
    }
    a.roles.insert("plain".into(), vec![BASIC.into()]);
    a.roles
        .insert("writer".into(), vec![BASIC.into(), WRITE.into()]);
    a.stages.insert(("api".into(), "prod".into()), false);
    a.stages.insert(("api".into(), "dev".into()), true);
    a
}

fn here() -> AccountId {
    AccountId {
        account: ACCOUNT.into(),
        partition: "aws".into(),
    }
}

fn arn(kind: &str, name: &str) -> String {
    match kind {
        "role" => format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
        _ => format!("arn:aws:lambda:r:{ACCOUNT}:function:{name}"),
    }
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(f)
}

fn quick() -> Settings {
    Settings {
        concurrency: 3,
        patience: Duration::from_millis(200),
        first_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
    }
}

fn plan_of(m: &Memory, grant: bool) -> Plan {
    let options = Options {
        regions: vec!["r".into()],
        account: None,
        names: Vec::new(),
        tags: Vec::new(),
        stages: true,
        xray_settings: false,
        state_machines: false,
        http_stages: false,
        appsync: false,
        aliases: false,
        concurrency: 4,
        iam: IamStrategy::PerRole,
    };
    let inventory = block_on(aws::scan(m, &options, &aws::Quiet));
    plan(
        &inventory,
        &Selection {
            stages: true,
            grant,
        },
    )
}

fn run(m: &Memory, plan: &Plan, dir: &std::path::Path) -> (Vec<Outcome>, std::path::PathBuf) {
    let path = dir.join("j.jsonl");
    let j = Journal::create(&path, &here()).unwrap();
    (block_on(apply(m, plan, &j, &quick(), &Quiet)), path)
}

fn function_names(steps: &[Step]) -> Vec<&str> {
    steps
        .iter()
        .map(|s| match &s.target {
            Target::FunctionTracing { function, .. } => function.as_str(),
            other => other.arn(),
        })
        .collect()
}

#[test]
fn each_role_is_granted_once_and_its_functions_wait_for_it() {
    let m = Memory::new(account());
    let p = plan_of(&m, true);
    assert_eq!(p.grants.len(), 1);
    assert_eq!(p.grants[0].target.arn(), arn("role", "plain"));
    assert_eq!(function_names(&p.functions), ["f1", "f2", "f5"]);
    let plain = Some(arn("role", "plain"));
    assert_eq!(
        p.functions
            .iter()
            .map(|s| s.needs_grant.clone())
            .collect::<Vec<_>>(),
        [plain.clone(), plain, None]
    );
    assert_eq!(p.stages.len(), 1);
    assert_eq!(p.fine.len(), 3, "f3, f4 and the traced stage");
    assert!(p.blocked.is_empty());

    let dir = tempfile::tempdir().unwrap();
    let (outcomes, path) = run(&m, &p, dir.path());
    assert!(
        outcomes.iter().all(|o| o.status == Status::Changed),
        "{outcomes:?}"
    );
    let after = m.snapshot();
    assert!(after.functions.values().all(|(_, mode)| mode == "Active"));
    assert_eq!(after.roles["plain"], [BASIC, WRITE]);
    assert!(after.stages.values().all(|on| *on));
    assert_eq!(m.calls("AttachRolePolicy"), 1);
    assert_eq!(m.calls("Wait"), 3, "every update waited on");
    let entries = journal::read(&path).unwrap().entries;
    assert_eq!(entries.len(), 10, "5 changes, pending and done");
}

#[test]
fn without_grants_the_roles_functions_are_reported() {
    let m = Memory::new(account());
    let p = plan_of(&m, false);
    assert!(p.grants.is_empty());
    assert_eq!(function_names(&p.functions), ["f5"]);
    assert_eq!(p.blocked.len(), 1);
    assert!(
        p.blocked[0].reason.contains("--no-iam"),
        "{}",
        p.blocked[0].reason
    );
    assert_eq!(
        p.blocked[0].functions.len(),
        2,
        "f1 and f2; f3 is Active already"
    );
}

#[test]
fn updates_are_retried_while_iam_propagates_or_another_update_runs() {
    let mut a = account();
    a.refuse_write.insert("f1".into(), 3);
    a.conflicts.insert("f2".into(), 2);
    let m = Memory::new(a);
    let p = plan_of(&m, true);
    let dir = tempfile::tempdir().unwrap();
    let (outcomes, _) = run(&m, &p, dir.path());
    assert!(
        outcomes.iter().all(|o| o.status == Status::Changed),
        "{outcomes:?}"
    );
    assert_eq!(m.calls("UpdateFunctionConfiguration"), 4 + 3 + 1);
}

#[test]
fn patience_runs_out_with_the_reason() {
    let mut a = account();
    a.refuse_write.insert("f1".into(), usize::MAX);
    let m = Memory::new(a);
    let p = plan_of(&m, true);
    let dir = tempfile::tempdir().unwrap();
    let (outcomes, path) = run(&m, &p, dir.path());
    let failed: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::Failed(_)))
        .collect();
    assert_eq!(failed.len(), 1);
    let Status::Failed(why) = &failed[0].status else {
        unreachable!()
    };
    assert!(
        why.starts_with("Lambda still says the role cannot write traces after"),
        "{why}"
    );
    let entries = journal::read(&path).unwrap().entries;
    let f1: Vec<_> = entries
        .iter()
        .filter(|e| e.target.arn().ends_with(":f1"))
        .map(|e| e.outcome)
        .collect();
    assert_eq!(f1, [journal::Outcome::Pending, journal::Outcome::Failed]);
}

#[test]
fn a_failed_grant_holds_back_its_functions_only() {
    let mut a = account();
    a.failing_attach.push("plain".into());
    let m = Memory::new(a);
    let p = plan_of(&m, true);
    let dir = tempfile::tempdir().unwrap();
    let (outcomes, _) = run(&m, &p, dir.path());
    let status = |name: &str| {
        outcomes
            .iter()
            .find(|o| o.target.arn().ends_with(name))
            .unwrap()
            .status
            .clone()
    };
    assert!(matches!(status(":f1"), Status::Failed(w) if w.starts_with("not attempted")));
    assert_eq!(status(":f5"), Status::Changed);
    assert_eq!(m.calls("UpdateFunctionConfiguration"), 1, "only f5");
}

#[test]
fn undo_puts_back_what_is_still_as_left_and_detaches_only_what_it_attached() {
    let initial = account();
    let m = Memory::new(initial.clone());
    let p = plan_of(&m, true);
    let dir = tempfile::tempdir().unwrap();
    let (_, path) = run(&m, &p, dir.path());
    // Someone sets f1 back by hand in between.
    m.state.lock().unwrap().functions.get_mut("f1").unwrap().1 = "PassThrough".into();
    let steps = undo::reversals(&journal::read(&path).unwrap().entries);
    assert!(
        matches!(steps.last().unwrap().target, Target::RolePolicy { .. }),
        "the policy goes last, after the functions that need it"
    );
    let j = Journal::create(&dir.path().join("undo.jsonl"), &here()).unwrap();
    let outcomes = block_on(undo::undo(&m, &steps, &j, &quick(), &Quiet));
    let already: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.status == Status::AlreadyFine)
        .map(|o| o.target.arn())
        .collect();
    assert_eq!(already, [arn("function", "f1")]);
    assert_eq!(m.snapshot(), initial);
    assert_eq!(
        m.snapshot().roles["writer"],
        [BASIC, WRITE],
        "never attached by us"
    );
}

#[test]
fn a_journal_cut_off_mid_change_is_still_undone() {
    let initial = account();
    let m = Memory::new(initial.clone());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.jsonl");
    let j = Journal::create(&path, &here()).unwrap();
    let target = Target::FunctionTracing {
        region: "r".into(),
        function: "f1".into(),
        function_arn: arn("function", "f1"),
    };
    // The run recorded the change as pending, made it, and died before recording its end.
    j.pending(&target, &State::text("PassThrough"), &State::text("Active"))
        .unwrap();
    drop(j);
    m.state.lock().unwrap().functions.get_mut("f1").unwrap().1 = "Active".into();
    let steps = undo::reversals(&journal::read(&path).unwrap().entries);
    assert_eq!(steps.len(), 1);
    let j = Journal::create(&dir.path().join("undo.jsonl"), &here()).unwrap();
    let outcomes = block_on(undo::undo(&m, &steps, &j, &quick(), &Quiet));
    assert_eq!(outcomes[0].status, Status::Changed);
    assert_eq!(m.snapshot(), initial);
}

fn status_of(outcomes: &[Outcome], arn: &str) -> Status {
    outcomes
        .iter()
        .find(|o| o.target.arn() == arn)
        .unwrap_or_else(|| panic!("no outcome for {arn}: {outcomes:?}"))
        .status
        .clone()
}

#[test]
fn targets_changed_since_the_plan_are_left_alone_and_not_journaled() {
    let m = Memory::new(account());
    let p = plan_of(&m, true);
    // Between the plan and the apply, someone turns f1 on, attaches the policy to
    // `plain` themselves and turns the prod stage on.
    {
        let mut s = m.state.lock().unwrap();
        s.functions.get_mut("f1").unwrap().1 = "Active".into();
        s.roles.get_mut("plain").unwrap().push(WRITE.into());
        s.stages.insert(("api".into(), "prod".into()), true);
    }
    let dir = tempfile::tempdir().unwrap();
    let (outcomes, path) = run(&m, &p, dir.path());
    for target in [arn("function", "f1"), arn("role", "plain")] {
        let Status::LeftAlone(why) = status_of(&outcomes, &target) else {
            panic!("{target}: {outcomes:?}")
        };
        assert!(
            why.starts_with("left alone: it is ") && why.ends_with(" as planned"),
            "{why}"
        );
    }
    assert!(matches!(
        outcomes
            .iter()
            .find(|o| matches!(o.target, Target::StageTracing { .. }))
            .unwrap()
            .status,
        Status::LeftAlone(_)
    ));
    // Someone else's grant is as good as ours: f2, whose role it is, still goes ahead.
    assert_eq!(
        status_of(&outcomes, &arn("function", "f2")),
        Status::Changed
    );
    assert_eq!(
        status_of(&outcomes, &arn("function", "f5")),
        Status::Changed
    );
    assert_eq!(
        m.calls("GetFunctionConfiguration"),
        3,
        "f1, f2 and f5 each read again just before its change"
    );
    assert_eq!(m.calls("AttachRolePolicy"), 0);
    assert_eq!(m.calls("UpdateFunctionConfiguration"), 2, "f2 and f5 only");
    assert_eq!(m.calls("UpdateStage"), 0);
    // The journal holds only what was changed, each `before` as read just before.
    let entries = journal::read(&path).unwrap().entries;
    let journaled: Vec<&str> = entries.iter().map(|e| e.target.arn()).collect();
    assert_eq!(journaled.len(), 4, "{journaled:?}");
    assert!(
        journaled
            .iter()
            .all(|a| a.ends_with(":f2") || a.ends_with(":f5"))
    );
    assert!(
        entries
            .iter()
            .all(|e| e.before == State::text("PassThrough"))
    );
    // So the undo turns off only what enable turned on, and the grant stays.
    let steps = undo::reversals(&entries);
    let j = Journal::create(&dir.path().join("undo.jsonl"), &here()).unwrap();
    block_on(undo::undo(&m, &steps, &j, &quick(), &Quiet));
    let after = m.snapshot();
    assert_eq!(after.functions["f1"].1, "Active");
    assert_eq!(after.functions["f2"].1, "PassThrough");
    assert_eq!(after.roles["plain"], [BASIC, WRITE]);
}

#[test]
fn a_change_landing_between_the_read_and_the_update_is_caught_by_the_revision() {
    let mut a = account();
    // f1: someone turns it on after our read, before our update arrives.
    a.set_before_update.insert("f1".into(), "Active".into());
    // f5: someone deploys (its revision changes, its mode does not).
    a.set_before_update
        .insert("f5".into(), "PassThrough".into());
    let m = Memory::new(a);
    let p = plan_of(&m, true);
    let dir = tempfile::tempdir().unwrap();
    let (outcomes, path) = run(&m, &p, dir.path());
    let Status::LeftAlone(why) = status_of(&outcomes, &arn("function", "f1")) else {
        panic!("{outcomes:?}")
    };
    assert_eq!(
        why,
        "left alone: it is Active now; someone changed it while it was being updated"
    );
    assert_eq!(
        status_of(&outcomes, &arn("function", "f5")),
        Status::Changed
    );
    let entries = journal::read(&path).unwrap().entries;
    let f1: Vec<_> = entries
        .iter()
        .filter(|e| e.target.arn().ends_with(":f1"))
        .map(|e| (e.outcome, e.error.clone().unwrap_or_default()))
        .collect();
    assert_eq!(f1.len(), 2);
    assert_eq!(f1[1].0, journal::Outcome::LeftAlone);
    assert!(
        f1[1].1.starts_with("not changed: someone else changed it"),
        "{f1:?}"
    );
    // The undo has nothing of ours to put back on f1, and leaves it on.
    let steps = undo::reversals(&entries);
    assert!(
        steps.iter().all(|s| !s.target.arn().ends_with(":f1")),
        "{steps:?}"
    );
    let j = Journal::create(&dir.path().join("undo.jsonl"), &here()).unwrap();
    block_on(undo::undo(&m, &steps, &j, &quick(), &Quiet));
    assert_eq!(m.snapshot().functions["f1"].1, "Active");
    assert_eq!(m.snapshot().functions["f5"].1, "PassThrough");
}

#[test]
fn functions_are_addressed_by_arn_and_roles_by_the_name_their_arn_gives() {
    let m = Memory::new(account());
    let p = plan_of(&m, true);
    let dir = tempfile::tempdir().unwrap();
    // A role ARN with a path: IAM wants the last segment.
    let target = Target::RolePolicy {
        role: "stale-name".into(),
        role_arn: format!("arn:aws:iam::{ACCOUNT}:role/service/plain"),
        policy_arn: WRITE.into(),
    };
    assert_eq!(target.role_name(), Some("plain"));
    assert_eq!(target.account(), Some(ACCOUNT));
    // A function ARN in another account is refused by the fake, as by Lambda.
    let elsewhere = Step {
        target: Target::FunctionTracing {
            region: "r".into(),
            function: "f1".into(),
            function_arn: "arn:aws:lambda:r:222222222222:function:f1".into(),
        },
        before: State::text("PassThrough"),
        after: State::text("Active"),
        needs_grant: None,
        note: None,
    };
    let plan = Plan {
        functions: vec![elsewhere],
        ..p
    };
    let (outcomes, _) = run(
        &m,
        &Plan {
            grants: Vec::new(),
            stages: Vec::new(),
            ..plan
        },
        dir.path(),
    );
    assert!(
        matches!(&outcomes[0].status, Status::Failed(why) if why.contains("another account")),
        "{outcomes:?}"
    );
    assert_eq!(m.snapshot().functions["f1"].1, "PassThrough");
}

fn entry(target: Target, account: Option<&str>) -> journal::Entry {
    journal::Entry {
        seq: 1,
        time: "t".into(),
        outcome: journal::Outcome::Done,
        account: account.map(str::to_string),
        partition: account.map(|_| "aws".to_string()),
        target,
        before: State::text("PassThrough"),
        after: State::text("Active"),
        error: None,
    }
}

#[test]
fn an_undo_needs_the_journals_account_and_credentials_that_reach_it() {
    let function = |account: &str| Target::FunctionTracing {
        region: "r".into(),
        function: "f1".into(),
        function_arn: format!("arn:aws:lambda:r:{account}:function:f1"),
    };
    let stage = Target::StageTracing {
        region: "r".into(),
        rest_api: "a1".into(),
        stage: "prod".into(),
        stage_arn: "arn:aws:apigateway:r::/restapis/a1/stages/prod".into(),
    };
    let recorded = journal::Read {
        entries: vec![
            entry(function(ACCOUNT), Some(ACCOUNT)),
            entry(stage.clone(), Some(ACCOUNT)),
        ],
        warnings: Vec::new(),
        account: Some(here()),
    };
    assert_eq!(undo::journal_account(&recorded, "j", None), Ok(here()));
    let e = undo::journal_account(&recorded, "j", Some("222222222222")).unwrap_err();
    assert!(
        e.contains("records its changes in account 111111111111, not 222222222222"),
        "{e}"
    );

    // A journal from before account recording: refused unless the account is named, and
    // then only if its ARNs agree.
    let old = journal::Read {
        entries: vec![entry(function(ACCOUNT), None), entry(stage, None)],
        warnings: Vec::new(),
        account: None,
    };
    let e = undo::journal_account(&old, "old.jsonl", None).unwrap_err();
    assert!(e.starts_with("old.jsonl predates account recording"), "{e}");
    assert!(e.contains("--journal-account ACCOUNT_ID"), "{e}");
    assert_eq!(
        undo::journal_account(&old, "old.jsonl", Some(ACCOUNT)),
        Ok(here())
    );
    let e = undo::journal_account(&old, "old.jsonl", Some("222222222222")).unwrap_err();
    assert!(
        e.contains(&format!(
            "names arn:aws:lambda:r:{ACCOUNT}:function:f1, which is not in account 222222222222"
        )),
        "{e}"
    );
    let e = undo::journal_account(&old, "old.jsonl", Some("prod")).unwrap_err();
    assert!(e.contains("an account id is 12 digits"), "{e}");

    // The caller: same account and partition, or a one-line refusal naming both.
    let me = crate::aws_client::Identity::new(
        ACCOUNT,
        &format!("arn:aws:sts::{ACCOUNT}:assumed-role/Admin/me"),
    );
    assert_eq!(undo::check_caller(&here(), &me, "j"), Ok(()));
    let prod = crate::aws_client::Identity::new(
        "222222222222",
        "arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/me",
    );
    let e = undo::check_caller(&here(), &prod, "j.jsonl").unwrap_err();
    assert!(
        e.starts_with("j.jsonl was written in account 111111111111 (partition aws), but these credentials reach account 222222222222 (partition aws)"),
        "{e}"
    );
    assert!(!e.contains('\n'));
    let china = crate::aws_client::Identity::new(
        ACCOUNT,
        &format!("arn:aws-cn:sts::{ACCOUNT}:assumed-role/Admin/me"),
    );
    assert!(undo::check_caller(&here(), &china, "j").is_err());
}
