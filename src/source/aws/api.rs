//! What the account audit asks of AWS, as plain data: one trait, implemented over the AWS
//! SDK (`sdk.rs`) and by fakes in tests. Every method is a List/Get/Describe call. X-Ray's
//! regional settings are its supertrait, `xray::Xray`, with their structs in `xray.rs`.

use super::aliases::Aliases;
use super::appsync::AppSync;
use super::http_apis::HttpApis;
use super::states::StepFunctions;
use super::xray::Xray;
use crate::aws_client::Result;
use std::future::Future;

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The marker or token for the next page; `None` on the last.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// The only page, with nothing on it.
    pub fn empty() -> Page<T> {
        Page {
            items: Vec::new(),
            next: None,
        }
    }
}

/// Every item of a paged call: `page` asks for one page from a token (`None` first).
pub async fn all_pages<T, F, Fut>(mut page: F) -> Result<Vec<T>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>>>,
{
    let mut items = Vec::new();
    let mut token = None;
    loop {
        let p = page(token.take()).await?;
        items.extend(p.items);
        match p.next {
            Some(next) => token = Some(next),
            None => return Ok(items),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionInfo {
    pub name: String,
    /// Unqualified for `$LATEST`; with `:VERSION` for a published version.
    pub arn: String,
    /// `$LATEST`, or a published version's number.
    pub version: String,
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

/// The read-only calls the audit makes. Regional calls take the region; X-Ray's are in
/// the supertrait [`Xray`].
pub trait Account: Xray + StepFunctions + HttpApis + AppSync + Aliases {
    /// One page of functions; with `versions`, each published version too
    /// (`FunctionVersion=ALL`).
    fn list_functions(
        &self,
        region: &str,
        versions: bool,
        marker: Option<String>,
    ) -> impl Future<Output = Result<Page<FunctionInfo>>> + Send;
    /// The ARNs of the functions that have every one of `tags`, one page of the Resource
    /// Groups Tagging API's `GetResources`: what `--tag` filters on, in one call per page
    /// of a region rather than one per function.
    fn tagged_functions(
        &self,
        region: &str,
        tags: &[(String, String)],
        token: Option<String>,
    ) -> impl Future<Output = Result<Page<String>>> + Send;
    /// A function's tags (`ListTags`), for `--tag` filters where `GetResources` is denied.
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
}
