//! Writing to an account: the changes `enable` makes, and the reads it needs to verify
//! and undo them. The account audit (`source::aws`) never uses this module: it only reads.

mod sdk;

use crate::aws_client::{Identity, Result};
use std::future::Future;

/// Why a tracing update failed.
#[derive(Debug, Clone, PartialEq)]
pub enum UpdateError {
    /// Lambda says the role cannot call PutTraceSegments (often IAM not propagated yet).
    RoleCannotWrite(String),
    /// Another update of the function is in progress.
    Conflict(String),
    /// The function changed since the revision the update named
    /// (`PreconditionFailedException`).
    Stale(String),
    Other(crate::aws_client::ApiError),
}

/// A function's tracing mode and revision (`GetFunctionConfiguration`).
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionTracing {
    /// `TracingConfig.Mode`; `PassThrough` when AWS omits it.
    pub mode: String,
    /// `RevisionId`: an update naming it is refused once the function has changed.
    pub revision: Option<String>,
}

/// The changes `enable` makes, and the reads it needs to verify and undo them. Functions
/// are named by ARN (Lambda takes one as `FunctionName`), roles by name (IAM takes only
/// that), stages by REST API id and stage name.
pub trait Writer: Sync {
    /// Whom the credentials reach (`GetCallerIdentity`), checked before a journal is undone.
    fn caller_identity(&self) -> impl Future<Output = Result<Identity>> + Send;
    fn attach_role_policy(
        &self,
        role: &str,
        policy_arn: &str,
    ) -> impl Future<Output = Result<()>> + Send;
    fn detach_role_policy(
        &self,
        role: &str,
        policy_arn: &str,
    ) -> impl Future<Output = Result<()>> + Send;
    /// `UpdateFunctionConfiguration` with `TracingConfig`, and with `RevisionId` when
    /// `revision` is given, so that Lambda refuses it once the function has changed.
    fn set_tracing_mode(
        &self,
        region: &str,
        function: &str,
        mode: &str,
        revision: Option<&str>,
    ) -> impl Future<Output = std::result::Result<(), UpdateError>> + Send;
    /// Waits until the function's last update is done (the SDK's function-updated-v2 waiter).
    fn wait_updated(&self, region: &str, function: &str)
    -> impl Future<Output = Result<()>> + Send;
    /// The function's tracing mode and revision now (`GetFunctionConfiguration`).
    fn function_tracing(
        &self,
        region: &str,
        function: &str,
    ) -> impl Future<Output = Result<FunctionTracing>> + Send;
    /// The role's attached managed policy ARNs (`ListAttachedRolePolicies`, every page).
    fn attached_policies(&self, role: &str) -> impl Future<Output = Result<Vec<String>>> + Send;
    /// A stage's tracing flag (`GetStage`).
    fn stage_tracing(
        &self,
        region: &str,
        api: &str,
        stage: &str,
    ) -> impl Future<Output = Result<bool>> + Send;
    /// `UpdateStage` replacing `/tracingEnabled`.
    fn set_stage_tracing(
        &self,
        region: &str,
        api: &str,
        stage: &str,
        enabled: bool,
    ) -> impl Future<Output = Result<()>> + Send;
}
