//! What the account audit asks of AWS, as plain data: one trait, implemented over the AWS
//! SDK (`sdk.rs`) and by fakes in tests. Every method is a List/Get/Describe call.

use std::future::Future;

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The marker or token for the next page; `None` on the last.
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionInfo {
    pub name: String,
    pub arn: String,
    pub role: String,
    /// `TracingConfig.Mode`; `None` when AWS omits it (PassThrough).
    pub mode: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoleInfo {
    pub name: String,
    pub arn: String,
    /// Inline policies: (name, document JSON).
    pub inline: Vec<(String, String)>,
    /// Attached managed policy ARNs.
    pub attached: Vec<String>,
    pub boundary: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyInfo {
    pub arn: String,
    pub name: String,
    /// The default version's document JSON.
    pub document: String,
}

/// One page of `GetAccountAuthorizationDetails` (roles and customer managed policies).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuthorizationPage {
    pub roles: Vec<RoleInfo>,
    pub policies: Vec<PolicyInfo>,
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RestApiInfo {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StageInfo {
    pub name: String,
    pub tracing_enabled: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SamplingRuleInfo {
    pub name: String,
    pub arn: String,
    pub priority: f64,
    pub fixed_rate: f64,
    pub reservoir_size: f64,
    pub version: f64,
    pub service_name: String,
    pub service_type: String,
    pub host: String,
    pub http_method: String,
    pub url_path: String,
    pub resource_arn: String,
    pub attributes: Vec<(String, String)>,
}

/// A region's X-Ray encryption configuration (`GetEncryptionConfig`).
#[derive(Debug, Clone, PartialEq)]
pub struct EncryptionInfo {
    /// `NONE` or `KMS`.
    pub encryption_type: String,
    pub key_id: Option<String>,
    /// `ACTIVE` or `UPDATING`.
    pub status: Option<String>,
}

/// Why a call failed, after the SDK's retries.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The caller lacks the permission.
    Denied {
        operation: &'static str,
        message: String,
    },
    /// Anything else: a timeout, the service failing, no credentials.
    Failed {
        operation: &'static str,
        message: String,
    },
}

impl ApiError {
    pub fn operation(&self) -> &'static str {
        match self {
            ApiError::Denied { operation, .. } | ApiError::Failed { operation, .. } => operation,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            ApiError::Denied { message, .. } | ApiError::Failed { message, .. } => message,
        }
    }
}

pub type Result<T> = std::result::Result<T, ApiError>;

/// The read-only calls the audit makes. Regional calls take the region.
pub trait Account: Sync {
    fn list_functions(
        &self,
        region: &str,
        marker: Option<String>,
    ) -> impl Future<Output = Result<Page<FunctionInfo>>> + Send;
    /// A function's tags (`ListTags`), for `--tag` filters.
    fn function_tags(
        &self,
        region: &str,
        arn: &str,
    ) -> impl Future<Output = Result<Vec<(String, String)>>> + Send;
    fn authorization_details(
        &self,
        marker: Option<String>,
    ) -> impl Future<Output = Result<AuthorizationPage>> + Send;
    /// One role with its inline policies, attached policies and boundary
    /// (`GetRole`, `ListRolePolicies`, `GetRolePolicy`, `ListAttachedRolePolicies`).
    fn role(&self, name: &str) -> impl Future<Output = Result<RoleInfo>> + Send;
    /// A managed policy's default version (`GetPolicy`, `GetPolicyVersion`).
    fn policy(&self, arn: &str) -> impl Future<Output = Result<PolicyInfo>> + Send;
    fn rest_apis(
        &self,
        region: &str,
        position: Option<String>,
    ) -> impl Future<Output = Result<Page<RestApiInfo>>> + Send;
    fn stages(
        &self,
        region: &str,
        api: &str,
    ) -> impl Future<Output = Result<Vec<StageInfo>>> + Send;
    fn sampling_rules(
        &self,
        region: &str,
        token: Option<String>,
    ) -> impl Future<Output = Result<Page<SamplingRuleInfo>>> + Send;
    fn encryption_config(
        &self,
        region: &str,
    ) -> impl Future<Output = Result<EncryptionInfo>> + Send;
}

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
    Other(ApiError),
}

/// A function's tracing mode and revision (`GetFunctionConfiguration`).
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionTracing {
    /// `TracingConfig.Mode`; `PassThrough` when AWS omits it.
    pub mode: String,
    /// `RevisionId`: an update naming it is refused once the function has changed.
    pub revision: Option<String>,
}

/// Whom the credentials reach (`sts:GetCallerIdentity`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The 12-digit account id.
    pub account: String,
    /// `aws`, `aws-cn`, `aws-us-gov`, ...: the second field of the caller's ARN.
    pub partition: String,
    /// The caller's ARN (a user, an assumed role, the root).
    pub arn: String,
}

impl Identity {
    /// From `GetCallerIdentity`'s `Account` and `Arn`.
    pub fn new(account: &str, arn: &str) -> Identity {
        Identity {
            account: account.to_string(),
            partition: arn_partition(arn).unwrap_or("aws").to_string(),
            arn: arn.to_string(),
        }
    }
}

/// The partition of an ARN (`arn:PARTITION:...`).
pub fn arn_partition(arn: &str) -> Option<&str> {
    arn_field(arn, 1)
}

/// The account of an ARN (`arn:partition:service:region:ACCOUNT:...`); `None` when the
/// ARN names none (API Gateway's, AWS managed policies' `aws`).
pub fn arn_account(arn: &str) -> Option<&str> {
    arn_field(arn, 4).filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

fn arn_field(arn: &str, n: usize) -> Option<&str> {
    let mut fields = arn.splitn(6, ':');
    (fields.next()? == "arn").then_some(())?;
    fields.nth(n - 1).filter(|f| !f.is_empty())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_give_their_partition_and_account() {
        let role = "arn:aws-cn:iam::123456789012:role/path/app";
        assert_eq!(arn_partition(role), Some("aws-cn"));
        assert_eq!(arn_account(role), Some("123456789012"));
        let stage = "arn:aws:apigateway:us-east-1::/restapis/a1/stages/prod";
        assert_eq!(arn_account(stage), None);
        assert_eq!(arn_partition(stage), Some("aws"));
        assert_eq!(
            arn_account("arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"),
            None
        );
        assert_eq!(arn_partition("fn-1"), None);
        let me = Identity::new(
            "210987654321",
            "arn:aws-us-gov:sts::210987654321:assumed-role/Admin/me",
        );
        assert_eq!(me.partition, "aws-us-gov");
    }
}
