//! An account in memory for `enable`'s tests: functions with modes, roles with attached
//! policies, stages; updates that can be refused for a while or fail; every call logged.

use crate::source::aws::api::*;
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
}

const REGION: &str = "r";

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
    format!("arn:aws:iam::1:role/{name}")
}

fn failed(operation: &'static str, message: &str) -> ApiError {
    ApiError::Failed {
        operation,
        message: message.into(),
    }
}

impl Account for Memory {
    async fn list_functions(&self, _: &str, _: Option<String>) -> Result<Page<FunctionInfo>> {
        self.call("ListFunctions");
        let s = self.state.lock().unwrap();
        Ok(Page {
            items: s
                .functions
                .iter()
                .map(|(name, (role, mode))| FunctionInfo {
                    name: name.clone(),
                    arn: format!("arn:aws:lambda:{REGION}:1:function:{name}"),
                    role: role_arn(role),
                    mode: Some(mode.clone()),
                })
                .collect(),
            next: None,
        })
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
    async fn sampling_rules(&self, _: &str, _: Option<String>) -> Result<Page<SamplingRuleInfo>> {
        Ok(Page {
            items: Vec::new(),
            next: None,
        })
    }
}

impl Writer for Memory {
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
    ) -> std::result::Result<(), UpdateError> {
        self.call("UpdateFunctionConfiguration");
        let mut guard = self.state.lock().unwrap();
        let s = &mut *guard;
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
    async fn tracing_mode(&self, _: &str, function: &str) -> Result<String> {
        self.call("GetFunctionConfiguration");
        let s = self.state.lock().unwrap();
        s.functions
            .get(function)
            .map(|(_, m)| m.clone())
            .ok_or_else(|| failed("lambda:GetFunctionConfiguration", "no such function"))
    }
    async fn set_stage_tracing(&self, _: &str, api: &str, stage: &str, on: bool) -> Result<()> {
        self.call("UpdateStage");
        let mut s = self.state.lock().unwrap();
        s.stages.insert((api.into(), stage.into()), on);
        Ok(())
    }
}
