//! An account in memory for `enable`'s tests: functions with modes, roles with attached
//! policies, stages; updates that can be refused for a while or fail; every call logged.

use crate::account_write::{FunctionTracing, UpdateError, Writer};
use crate::aws_client::{ApiError, Identity, Result};
use crate::source::aws::aliases::{AliasInfo, Aliases};
use crate::source::aws::api::*;
use crate::source::aws::appsync::{AppSync, GraphqlApiInfo};
use crate::source::aws::http_apis::{HttpApiInfo, HttpApis};
use crate::source::aws::states::{StateMachineInfo, StepFunctions};
use crate::source::aws::xray::{EncryptionInfo, SamplingRuleInfo, Xray};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

#[derive(Default)]
pub struct Memory {
    pub state: Mutex<State>,
    pub log: Mutex<Vec<String>>,
}

#[derive(Default, Clone, PartialEq, Debug)]
pub struct State {
    /// name -> (role name, mode)
    pub functions: BTreeMap<String, (String, String)>,
    /// name -> attached policy ARNs
    pub roles: BTreeMap<String, Vec<String>>,
    /// (api, stage) -> tracing
    pub stages: BTreeMap<(String, String), bool>,
    /// function -> how many more updates are refused as "cannot write traces"
    pub refuse_write: HashMap<String, usize>,
    /// function -> how many more updates meet "another update in progress"
    pub conflicts: HashMap<String, usize>,
    /// functions whose updates fail
    pub failing: Vec<String>,
    pub failing_attach: Vec<String>,
    /// function -> a mode someone else sets just before our next update of it arrives
    /// (after the re-read): the change lands in the last window.
    pub set_before_update: HashMap<String, String>,
    /// function -> its revision, bumped by every change, as Lambda's `RevisionId`
    pub revisions: HashMap<String, u64>,
}

const REGION: &str = "r";
/// The account the fake holds.
pub const ACCOUNT: &str = "111111111111";

impl Memory {
    pub fn new(state: State) -> Memory {
        Memory {
            state: Mutex::new(state),
            log: Mutex::new(Vec::new()),
        }
    }

    fn call(&self, op: &str) {
        self.log.lock().unwrap().push(op.to_string());
    }

    pub fn calls(&self, op: &str) -> usize {
        self.log.lock().unwrap().iter().filter(|c| *c == op).count()
    }

    pub fn snapshot(&self) -> State {
        let s = self.state.lock().unwrap();
        State {
            functions: s.functions.clone(),
            roles: s.roles.clone(),
            stages: s.stages.clone(),
            ..State::default()
        }
    }
}

fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

/// A function's name from its name or ARN, as Lambda takes either; an ARN in another
/// account is refused, as Lambda does.
fn function_name<'a>(operation: &'static str, name_or_arn: &'a str) -> Result<&'a str> {
    match name_or_arn.strip_prefix("arn:") {
        None => Ok(name_or_arn),
        Some(_) => {
            let (head, name) = name_or_arn
                .split_once(":function:")
                .ok_or_else(|| failed(operation, "not a function ARN"))?;
            if !head.ends_with(&format!(":{ACCOUNT}")) {
                return Err(failed(operation, "the ARN is in another account"));
            }
            Ok(name)
        }
    }
}

fn failed(operation: &'static str, message: &str) -> ApiError {
    ApiError::Failed {
        operation,
        message: message.into(),
    }
}

impl Account for Memory {
    async fn list_functions(
        &self,
        _: &str,
        _: bool,
        _: Option<String>,
    ) -> Result<Page<FunctionInfo>> {
        self.call("ListFunctions");
        let s = self.state.lock().unwrap();
        Ok(Page {
            items: s
                .functions
                .iter()
                .map(|(name, (role, mode))| FunctionInfo {
                    name: name.clone(),
                    arn: format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"),
                    version: "$LATEST".into(),
                    role: role_arn(role),
                    mode: Some(mode.clone()),
                })
                .collect(),
            next: None,
        })
    }
    // No function has tags here.
    async fn tagged_functions(
        &self,
        _: &str,
        _: &[(String, String)],
        _: Option<String>,
    ) -> Result<Page<String>> {
        Ok(Page::empty())
    }
    async fn function_tags(&self, _: &str, _: &str) -> Result<Vec<(String, String)>> {
        Ok(Vec::new())
    }
    async fn authorization_details(&self, _: Option<String>) -> Result<AuthorizationPage> {
        Err(ApiError::Denied {
            operation: "iam:GetAccountAuthorizationDetails",
            message: "not in this fake".into(),
        })
    }
    async fn role(&self, name: &str) -> Result<RoleInfo> {
        self.call("GetRole");
        let s = self.state.lock().unwrap();
        let attached = s
            .roles
            .get(name)
            .ok_or_else(|| failed("iam:GetRole", "no such role"))?;
        Ok(RoleInfo {
            name: name.into(),
            arn: role_arn(name),
            inline: Vec::new(),
            attached: attached.clone(),
            boundary: None,
        })
    }
    async fn policy(&self, arn: &str) -> Result<PolicyInfo> {
        Err(failed("iam:GetPolicy", arn))
    }
    async fn rest_apis(&self, _: &str, _: Option<String>) -> Result<Page<RestApiInfo>> {
        let s = self.state.lock().unwrap();
        let mut ids: Vec<&String> = s.stages.keys().map(|(api, _)| api).collect();
        ids.dedup();
        Ok(Page {
            items: ids
                .into_iter()
                .map(|id| RestApiInfo {
                    id: id.clone(),
                    name: id.clone(),
                })
                .collect(),
            next: None,
        })
    }
    async fn stages(&self, _: &str, api: &str) -> Result<Vec<StageInfo>> {
        self.call("GetStages");
        let s = self.state.lock().unwrap();
        Ok(s.stages
            .iter()
            .filter(|((a, _), _)| a == api)
            .map(|((_, name), on)| StageInfo {
                name: name.clone(),
                tracing_enabled: *on,
            })
            .collect())
    }
}

impl Xray for Memory {
    async fn sampling_rules(&self, _: &str, _: Option<String>) -> Result<Page<SamplingRuleInfo>> {
        Ok(Page::empty())
    }
    async fn encryption_config(&self, _: &str) -> Result<EncryptionInfo> {
        Ok(EncryptionInfo {
            encryption_type: "NONE".into(),
            key_id: None,
            status: Some("ACTIVE".into()),
        })
    }
}

// No function here has published versions; `enable` reads no HTTP APIs, AppSync APIs or
// state machines.
impl Aliases for Memory {
    async fn aliases(&self, _: &str, _: &str, _: Option<String>) -> Result<Page<AliasInfo>> {
        Ok(Page::empty())
    }
}

impl HttpApis for Memory {
    async fn http_apis(&self, _: &str, _: Option<String>) -> Result<Page<HttpApiInfo>> {
        Ok(Page::empty())
    }
    async fn http_stages(&self, _: &str, _: &str, _: Option<String>) -> Result<Page<String>> {
        Ok(Page::empty())
    }
}

impl AppSync for Memory {
    async fn graphql_apis(&self, _: &str, _: Option<String>) -> Result<Page<GraphqlApiInfo>> {
        Ok(Page::empty())
    }
}

impl StepFunctions for Memory {
    async fn state_machines(&self, _: &str, _: Option<String>) -> Result<Page<StateMachineInfo>> {
        Ok(Page::empty())
    }
    async fn state_machine_tracing(&self, _: &str, _: &str) -> Result<bool> {
        Ok(false)
    }
}

impl Writer for Memory {
    async fn caller_identity(&self) -> Result<Identity> {
        self.call("GetCallerIdentity");
        Ok(Identity::new(
            ACCOUNT,
            &format!("arn:aws:sts::{ACCOUNT}:assumed-role/Admin/test"),
        ))
    }
    async fn attached_policies(&self, role: &str) -> Result<Vec<String>> {
        self.call("ListAttachedRolePolicies");
        let s = self.state.lock().unwrap();
        s.roles
            .get(role)
            .cloned()
            .ok_or_else(|| failed("iam:ListAttachedRolePolicies", "no such role"))
    }
    async fn stage_tracing(&self, _: &str, api: &str, stage: &str) -> Result<bool> {
        self.call("GetStage");
        let s = self.state.lock().unwrap();
        s.stages
            .get(&(api.to_string(), stage.to_string()))
            .copied()
            .ok_or_else(|| failed("apigateway:GetStage", "no such stage"))
    }
    async fn attach_role_policy(&self, role: &str, policy_arn: &str) -> Result<()> {
        self.call("AttachRolePolicy");
        let mut s = self.state.lock().unwrap();
        if s.failing_attach.iter().any(|r| r == role) {
            return Err(failed("iam:AttachRolePolicy", "injected"));
        }
        let attached = s.roles.entry(role.into()).or_default();
        if !attached.iter().any(|p| p == policy_arn) {
            attached.push(policy_arn.into());
        }
        Ok(())
    }
    async fn detach_role_policy(&self, role: &str, policy_arn: &str) -> Result<()> {
        self.call("DetachRolePolicy");
        let mut s = self.state.lock().unwrap();
        s.roles
            .entry(role.into())
            .or_default()
            .retain(|p| p != policy_arn);
        Ok(())
    }
    async fn set_tracing_mode(
        &self,
        _: &str,
        function: &str,
        mode: &str,
        revision: Option<&str>,
    ) -> std::result::Result<(), UpdateError> {
        self.call("UpdateFunctionConfiguration");
        let function = function_name("lambda:UpdateFunctionConfiguration", function)
            .map_err(UpdateError::Other)?;
        let mut guard = self.state.lock().unwrap();
        let s = &mut *guard;
        if let Some(theirs) = s.set_before_update.remove(function)
            && let Some((_, m)) = s.functions.get_mut(function)
        {
            *m = theirs;
            *s.revisions.entry(function.into()).or_default() += 1;
        }
        let now = s.revisions.get(function).copied().unwrap_or_default();
        if revision.is_some_and(|r| r != now.to_string()) {
            return Err(UpdateError::Stale(
                "The Revision Id provided does not match the latest Revision Id".into(),
            ));
        }
        if s.failing.iter().any(|f| f == function) {
            return Err(UpdateError::Other(failed(
                "lambda:UpdateFunctionConfiguration",
                "injected",
            )));
        }
        for (kind, left) in [
            ("write", s.refuse_write.get_mut(function)),
            ("conflict", s.conflicts.get_mut(function)),
        ] {
            if let Some(left) = left.filter(|n| **n > 0) {
                *left -= 1;
                return Err(if kind == "write" {
                    UpdateError::RoleCannotWrite(
                        "The provided execution role does not have permissions to call PutTraceSegments on XRAY".into(),
                    )
                } else {
                    UpdateError::Conflict("An update is in progress".into())
                });
            }
        }
        match s.functions.get_mut(function) {
            Some((_, m)) => {
                *m = mode.into();
                *s.revisions.entry(function.into()).or_default() += 1;
                Ok(())
            }
            None => Err(UpdateError::Other(failed(
                "lambda:UpdateFunctionConfiguration",
                "no such function",
            ))),
        }
    }
    async fn wait_updated(&self, _: &str, _: &str) -> Result<()> {
        self.call("Wait");
        Ok(())
    }
    async fn function_tracing(&self, _: &str, function: &str) -> Result<FunctionTracing> {
        self.call("GetFunctionConfiguration");
        let function = function_name("lambda:GetFunctionConfiguration", function)?;
        let s = self.state.lock().unwrap();
        s.functions
            .get(function)
            .map(|(_, m)| FunctionTracing {
                mode: m.clone(),
                revision: Some(
                    s.revisions
                        .get(function)
                        .copied()
                        .unwrap_or_default()
                        .to_string(),
                ),
            })
            .ok_or_else(|| failed("lambda:GetFunctionConfiguration", "no such function"))
    }
    async fn set_stage_tracing(&self, _: &str, api: &str, stage: &str, on: bool) -> Result<()> {
        self.call("UpdateStage");
        let mut s = self.state.lock().unwrap();
        s.stages.insert((api.into(), stage.into()), on);
        Ok(())
    }
}
