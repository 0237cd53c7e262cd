//! Reads an account through `Account` into the Inventory: functions (every page),
//! the distinct roles they use, the policies that reach those roles (each managed policy
//! fetched once, AWS managed ones known offline not at all), REST APIs and their stages,
//! and X-Ray's regional settings (`xray.rs`). Calls run with bounded concurrency; a call
//! that is denied or fails is recorded and the rest goes on.

use super::api::*;
use super::{aliases, appsync, http_apis, states, xray};
use crate::aws_client::{ApiError, Result, arn_partition};
use crate::iam::managed;
use crate::model::{
    Function, Inventory, Meta, Origin, Policy, Reference, RestApi, RestStage, Role, Setting,
    account_root,
};
use crate::text::glob;
use futures::StreamExt;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

/// How IAM is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IamStrategy {
    /// `GetAccountAuthorizationDetails` while it costs fewer calls than reading the
    /// roles one by one would, and per role for the rest.
    Auto,
    PerRole,
    AuthorizationDetails,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub regions: Vec<String>,
    /// The account's id when known before reading it (one of an Organization's): what
    /// its findings and unread parts name even when it has no function to tell it.
    pub account: Option<String>,
    /// Only functions whose name matches one of these globs (`*`, `?`; a glob starting
    /// `arn:` matches the ARN). Empty: every function.
    pub names: Vec<String>,
    /// Only functions with all these tags.
    pub tags: Vec<(String, String)>,
    /// Read REST API stages (`enable` without `--stages` does not).
    pub stages: bool,
    /// Read X-Ray's settings of each region: sampling rules and encryption (`enable`
    /// does not).
    pub xray_settings: bool,
    /// Read Step Functions state machines and their tracing (`enable` does not).
    pub state_machines: bool,
    /// HTTP and WebSocket API stages.
    pub http_stages: bool,
    /// AppSync GraphQL APIs.
    pub appsync: bool,
    /// Every published version, and the aliases of the functions that have some.
    pub aliases: bool,
    /// Calls in flight at once.
    pub concurrency: usize,
    pub iam: IamStrategy,
}

/// Progress, for a progress bar: (what is being read, how many items so far).
pub trait Progress: Sync {
    fn report(&self, phase: &str, count: usize);
}

/// No progress shown.
pub struct Quiet;
impl Progress for Quiet {
    fn report(&self, _: &str, _: usize) {}
}

/// A part of the account that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Unread {
    pub region: String,
    /// What was being read: "Lambda functions", "role app-role".
    pub what: String,
    pub error: ApiError,
}

#[derive(Debug, Default)]
pub struct Collected {
    pub inventory: Inventory,
    pub unread: Vec<Unread>,
    /// The account id, as the functions' ARNs name it; `None` when no function was read.
    pub account: Option<String>,
}

/// Roles' calls per role when read one by one: GetRole, ListRolePolicies,
/// ListAttachedRolePolicies (and a GetRolePolicy per inline policy).
const CALLS_PER_ROLE: usize = 3;

pub async fn collect<A: Account>(api: &A, options: &Options, progress: &dyn Progress) -> Collected {
    let mut out = Collected::default();
    // Regions are read side by side, each with up to `concurrency` calls in flight.
    let listed = AtomicUsize::new(0);
    let pages = futures::future::join_all(options.regions.iter().map(|region| {
        let listed = &listed;
        async move {
            let mut functions = Vec::new();
            let mut marker = None;
            loop {
                match api
                    .list_functions(region, options.aliases, marker.take())
                    .await
                {
                    Ok(page) => {
                        let n = page.items.len();
                        functions.extend(page.items.into_iter().map(|f| (region.clone(), f)));
                        progress.report("functions", listed.fetch_add(n, Ordering::Relaxed) + n);
                        match page.next {
                            Some(next) => marker = Some(next),
                            None => return (functions, None),
                        }
                    }
                    Err(error) => {
                        let unread = Unread {
                            region: region.clone(),
                            what: "Lambda functions".into(),
                            error,
                        };
                        return (functions, Some(unread));
                    }
                }
            }
        }
    }))
    .await;
    let mut functions: Vec<(String, FunctionInfo)> = Vec::new();
    for (listed, unread) in pages {
        functions.extend(listed);
        out.unread.extend(unread);
    }
    // Published versions are read for the aliases that route to them.
    let (mut functions, published): (Vec<_>, Vec<_>) = functions
        .into_iter()
        .partition(|(_, f)| f.version == "$LATEST");
    if !options.names.is_empty() {
        functions.retain(|(_, f)| name_selected(&options.names, f));
    }
    if !options.tags.is_empty() {
        functions = filter_by_tags(api, functions, options, &mut out.unread).await;
    }
    out.account = options.account.clone().or_else(|| {
        functions
            .iter()
            .find_map(|(_, f)| f.arn.split(':').nth(4).map(str::to_string))
    });
    let account = out.account.clone();
    let account = account.as_deref();
    let partition = functions
        .iter()
        .find_map(|(_, f)| arn_partition(&f.arn).map(str::to_string))
        .unwrap_or_else(|| "aws".into());
    for (region, f) in &functions {
        out.inventory.functions.push(function(account, region, f));
    }
    let role_arns: BTreeSet<&str> = functions
        .iter()
        .map(|(_, f)| f.role.as_str())
        .filter(|r| !r.is_empty())
        .collect();
    read_iam(api, account, &role_arns, options, &mut out, progress).await;
    if options.aliases {
        aliases::read(
            api,
            account,
            &functions,
            &published,
            options.concurrency,
            &mut out,
        )
        .await;
    }
    let partition = partition.as_str();
    let regional = futures::future::join_all(options.regions.iter().map(|region| async move {
        let mut part = Collected::default();
        if options.stages {
            read_stages(api, account, region, options, &mut part, progress).await;
        }
        if options.http_stages {
            http_apis::read(api, account, region, options.concurrency, &mut part).await;
        }
        if options.appsync {
            appsync::read(api, account, region, &mut part).await;
        }
        if options.xray_settings {
            xray::read(api, (partition, account), region, &mut part).await;
        }
        if options.state_machines {
            states::read(api, account, region, options.concurrency, &mut part).await;
        }
        part
    }))
    .await;
    // In the order the regions were given, whichever finished first.
    for part in regional {
        out.inventory.absorb(part.inventory);
        out.unread.extend(part.unread);
    }
    out
}

fn name_selected(globs: &[String], f: &FunctionInfo) -> bool {
    globs.iter().any(|g| {
        let text = if g.starts_with("arn:") {
            &f.arn
        } else {
            &f.name
        };
        glob(g, text)
    })
}

/// The functions with every tag of `--tag`: per region, the ARNs `GetResources` lists;
/// where that call is denied, each function's `ListTags`.
async fn filter_by_tags<A: Account>(
    api: &A,
    functions: Vec<(String, FunctionInfo)>,
    options: &Options,
    unread: &mut Vec<Unread>,
) -> Vec<(String, FunctionInfo)> {
    let regions: BTreeSet<String> = functions.iter().map(|(r, _)| r.clone()).collect();
    let mut keep = Vec::new();
    let mut by_function = Vec::new();
    let mut functions = functions;
    for region in regions {
        let (here, rest): (Vec<_>, Vec<_>) = functions.into_iter().partition(|(r, _)| *r == region);
        functions = rest;
        match all_pages(|token| api.tagged_functions(&region, &options.tags, token)).await {
            Ok(arns) => {
                let arns: BTreeSet<String> = arns.into_iter().collect();
                keep.extend(here.into_iter().filter(|(_, f)| arns.contains(&f.arn)));
            }
            Err(ApiError::Denied { .. }) => by_function.extend(here),
            Err(error) => unread.push(Unread {
                region,
                what: "the functions with the tags given (--tag)".into(),
                error,
            }),
        }
    }
    keep.extend(tags_one_by_one(api, by_function, options, unread).await);
    keep
}

async fn tags_one_by_one<A: Account>(
    api: &A,
    functions: Vec<(String, FunctionInfo)>,
    options: &Options,
    unread: &mut Vec<Unread>,
) -> Vec<(String, FunctionInfo)> {
    let tagged: Vec<_> = futures::stream::iter(functions)
        .map(|(region, f)| async move {
            let tags = api.function_tags(&region, &f.arn).await;
            (region, f, tags)
        })
        .buffered(options.concurrency)
        .collect()
        .await;
    let mut keep = Vec::new();
    for (region, f, tags) in tagged {
        match tags {
            Ok(tags) => {
                if options.tags.iter().all(|want| tags.contains(want)) {
                    keep.push((region, f));
                }
            }
            Err(error) => unread.push(Unread {
                region,
                what: format!("the tags of {}", f.name),
                error,
            }),
        }
    }
    keep
}

pub(super) fn meta(account: Option<&str>, arn: &str, region: &str) -> Meta {
    Meta {
        address: arn.to_string(),
        root: account_root(account),
        account: account.map(str::to_string),
        origin: Some(Origin::Account {
            arn: arn.to_string(),
            region: region.to_string(),
        }),
        block: None,
        repeated: None,
        region: Some(crate::model::Region {
            name: crate::model::Field::Known(region.to_string()),
            provider: region.to_string(),
        }),
    }
}

fn function(account: Option<&str>, region: &str, f: &FunctionInfo) -> Function {
    Function {
        meta: meta(account, &f.arn, region),
        name: Setting::known(f.name.clone()),
        // Lambda reports PassThrough for a function with no tracing configuration.
        tracing_mode: Setting::known(f.mode.clone().unwrap_or_else(|| "PassThrough".into())),
        role: if f.role.is_empty() {
            Reference::Unset
        } else {
            Reference::Literal(f.role.clone())
        },
        role_at: None,
        module_call: None,
    }
}

/// Roles and the policies that reach them, by whichever strategy costs fewer calls.
async fn read_iam<A: Account>(
    api: &A,
    account: Option<&str>,
    role_arns: &BTreeSet<&str>,
    options: &Options,
    out: &mut Collected,
    progress: &dyn Progress,
) {
    let mut roles: BTreeMap<String, RoleInfo> = BTreeMap::new();
    let mut policies: BTreeMap<String, PolicyInfo> = BTreeMap::new();
    if role_arns.is_empty() {
        return;
    }
    let per_role_cost = CALLS_PER_ROLE * role_arns.len();
    if options.iam != IamStrategy::PerRole {
        let mut marker = None;
        let mut pages = 0;
        loop {
            match api.authorization_details(marker.take()).await {
                Ok(page) => {
                    pages += 1;
                    for r in page
                        .roles
                        .into_iter()
                        .filter(|r| role_arns.contains(r.arn.as_str()))
                    {
                        roles.insert(r.arn.clone(), r);
                    }
                    for p in page.policies {
                        policies.insert(p.arn.clone(), p);
                    }
                    progress.report("roles", roles.len());
                    marker = page.next;
                    // Stop once reading the remaining roles one by one is cheaper.
                    let remaining = role_arns.len() - roles.len();
                    if marker.is_none()
                        || remaining == 0
                        || (options.iam == IamStrategy::Auto
                            && pages >= per_role_cost.min(CALLS_PER_ROLE * remaining))
                    {
                        break;
                    }
                }
                Err(error) => {
                    if options.iam == IamStrategy::AuthorizationDetails {
                        out.unread.push(Unread {
                            region: "global".into(),
                            what: "IAM roles and policies".into(),
                            error,
                        });
                        return;
                    }
                    // Not allowed (often): read the roles one by one instead.
                    break;
                }
            }
        }
    }
    let missing: Vec<String> = role_arns
        .iter()
        .filter(|arn| !roles.contains_key(**arn))
        .map(|arn| arn.to_string())
        .collect();
    let read: Vec<(String, Result<RoleInfo>)> = futures::stream::iter(missing)
        .map(|arn| async move {
            let name = arn.rsplit('/').next().unwrap_or(&arn).to_string();
            let role = api.role(&name).await;
            (arn, role)
        })
        .buffer_unordered(options.concurrency)
        .collect()
        .await;
    for (arn, role) in read {
        match role {
            Ok(r) => {
                roles.insert(arn, r);
            }
            Err(error) => out.unread.push(Unread {
                region: "global".into(),
                what: format!("role {arn}"),
                error,
            }),
        }
        progress.report("roles", roles.len());
    }
    // Managed policies not known offline and not read yet: once each.
    let wanted: BTreeSet<String> = roles
        .values()
        .flat_map(|r| r.attached.iter().chain(r.boundary.iter()))
        .filter(|arn| managed::document(arn).is_none() && !policies.contains_key(*arn))
        .cloned()
        .collect();
    let fetched: Vec<(String, Result<PolicyInfo>)> = futures::stream::iter(wanted)
        .map(|arn| async move {
            let p = api.policy(&arn).await;
            (arn, p)
        })
        .buffer_unordered(options.concurrency)
        .collect()
        .await;
    for (arn, p) in fetched {
        match p {
            Ok(p) => {
                policies.insert(arn, p);
            }
            Err(error) => out.unread.push(Unread {
                region: "global".into(),
                what: format!("policy {arn}"),
                error,
            }),
        }
    }
    for r in roles.values() {
        out.inventory.roles.push(Role {
            meta: meta(account, &r.arn, "global"),
            created_by: None,
            name: Setting::known(r.name.clone()),
            inline_policies: r
                .inline
                .iter()
                .map(|(_, doc)| Setting::known(doc.clone()))
                .collect(),
            // What AWS reports is the role after apply: nothing beside it to exclude.
            inline_policies_exclusive: None,
            managed_policy_arns: r
                .attached
                .iter()
                .map(|a| Reference::Literal(a.clone()))
                .collect(),
            managed_policy_arns_exclusive: None,
            permissions_boundary: r
                .boundary
                .clone()
                .map_or(Reference::Unset, Reference::Literal),
        });
    }
    for p in policies.values() {
        out.inventory.policies.push(Policy {
            meta: meta(account, &p.arn, "global"),
            name: Setting::known(p.name.clone()),
            policy: Setting::known(p.document.clone()),
        });
    }
}

async fn read_stages<A: Account>(
    api: &A,
    account: Option<&str>,
    region: &str,
    options: &Options,
    out: &mut Collected,
    progress: &dyn Progress,
) {
    let apis = match all_pages(|position| api.rest_apis(region, position)).await {
        Ok(apis) => apis,
        Err(error) => {
            out.unread.push(Unread {
                region: region.into(),
                what: "API Gateway REST APIs".into(),
                error,
            });
            return;
        }
    };
    let stages: Vec<(RestApiInfo, Result<Vec<StageInfo>>)> = futures::stream::iter(apis)
        .map(|a| async move {
            let s = api.stages(region, &a.id).await;
            (a, s)
        })
        .buffered(options.concurrency)
        .collect()
        .await;
    for (a, s) in stages {
        out.inventory.rest_apis.push(RestApi {
            meta: meta(account, &rest_api_arn(region, &a.id), region),
            name: Setting::known(a.name.clone()),
        });
        match s {
            Ok(stages) => {
                for s in stages {
                    let arn = format!("{}/stages/{}", rest_api_arn(region, &a.id), s.name);
                    out.inventory.rest_stages.push(RestStage {
                        meta: meta(account, &arn, region),
                        stage_name: Setting::known(s.name.clone()),
                        rest_api: Reference::Literal(a.id.clone()),
                        tracing_enabled: Setting::known(s.tracing_enabled),
                    });
                }
            }
            Err(error) => out.unread.push(Unread {
                region: region.into(),
                what: format!("the stages of REST API {} ({})", a.name, a.id),
                error,
            }),
        }
        progress.report("REST stages", out.inventory.rest_stages.len());
    }
}

/// A REST API's ARN, as API Gateway's resource ARNs write it.
pub fn rest_api_arn(region: &str, id: &str) -> String {
    format!("arn:aws:apigateway:{region}::/restapis/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::aws::aliases::{AliasInfo, Aliases};
    use crate::source::aws::appsync::{AppSync, GraphqlApiInfo};
    use crate::source::aws::http_apis::{HttpApiInfo, HttpApis};
    use crate::source::aws::states::{StateMachineInfo, StepFunctions};
    use crate::source::aws::xray::{EncryptionInfo, SamplingRuleInfo, Xray};
    use std::sync::Mutex;

    /// An account of `functions` functions over `roles` roles, counting calls.
    struct Fake {
        functions: usize,
        /// Roles the functions use: the last ones GetAccountAuthorizationDetails returns.
        roles: usize,
        /// Roles in the account.
        account_roles: usize,
        /// Roles per GetAccountAuthorizationDetails page.
        page: usize,
        deny_details: bool,
        calls: Mutex<Vec<String>>,
    }

    impl Fake {
        fn new(functions: usize, roles: usize, page: usize) -> Fake {
            Fake {
                functions,
                roles,
                account_roles: roles,
                page,
                deny_details: false,
                calls: Mutex::new(Vec::new()),
            }
        }
        fn call(&self, op: &str) {
            self.calls.lock().unwrap().push(op.to_string());
        }
        fn count(&self, op: &str) -> usize {
            self.calls
                .lock()
                .unwrap()
                .iter()
                .filter(|c| *c == op)
                .count()
        }
        fn role_info(&self, i: usize) -> RoleInfo {
            RoleInfo {
                name: format!("r{i}"),
                arn: format!("arn:aws:iam::1:role/r{i}"),
                inline: Vec::new(),
                attached: vec![
                    "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess".into(),
                    "arn:aws:iam::1:policy/shared".into(),
                ],
                boundary: None,
            }
        }
    }

    impl Account for Fake {
        async fn list_functions(
            &self,
            _: &str,
            _: bool,
            marker: Option<String>,
        ) -> Result<Page<FunctionInfo>> {
            self.call("ListFunctions");
            let start: usize = marker.map_or(0, |m| m.parse().unwrap());
            let end = (start + 50).min(self.functions);
            Ok(Page {
                items: (start..end)
                    .map(|i| FunctionInfo {
                        name: format!("f{i}"),
                        arn: format!("arn:aws:lambda:r:1:function:f{i}"),
                        version: "$LATEST".into(),
                        role: format!(
                            "arn:aws:iam::1:role/r{}",
                            self.account_roles - 1 - i % self.roles
                        ),
                        mode: Some("Active".into()),
                    })
                    .collect(),
                next: (end < self.functions).then(|| end.to_string()),
            })
        }
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
        async fn authorization_details(&self, marker: Option<String>) -> Result<AuthorizationPage> {
            self.call("GetAccountAuthorizationDetails");
            if self.deny_details {
                return Err(ApiError::Denied {
                    operation: "iam:GetAccountAuthorizationDetails",
                    message: "no".into(),
                });
            }
            let start: usize = marker.map_or(0, |m| m.parse().unwrap());
            let end = (start + self.page).min(self.account_roles);
            Ok(AuthorizationPage {
                roles: (start..end).map(|i| self.role_info(i)).collect(),
                policies: Vec::new(),
                next: (end < self.account_roles).then(|| end.to_string()),
            })
        }
        async fn role(&self, name: &str) -> Result<RoleInfo> {
            self.call("GetRole");
            Ok(self.role_info(name[1..].parse().unwrap()))
        }
        async fn policy(&self, arn: &str) -> Result<PolicyInfo> {
            self.call("GetPolicy");
            Ok(PolicyInfo {
                arn: arn.into(),
                name: "shared".into(),
                document: r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
                    .into(),
            })
        }
        async fn rest_apis(&self, _: &str, _: Option<String>) -> Result<Page<RestApiInfo>> {
            Ok(Page::empty())
        }
        async fn stages(&self, _: &str, _: &str) -> Result<Vec<StageInfo>> {
            Ok(Vec::new())
        }
    }

    impl Xray for Fake {
        async fn sampling_rules(
            &self,
            _: &str,
            _: Option<String>,
        ) -> Result<Page<SamplingRuleInfo>> {
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

    impl HttpApis for Fake {
        async fn http_apis(&self, _: &str, _: Option<String>) -> Result<Page<HttpApiInfo>> {
            Ok(Page::empty())
        }
        async fn http_stages(&self, _: &str, _: &str, _: Option<String>) -> Result<Page<String>> {
            Ok(Page::empty())
        }
    }

    impl Aliases for Fake {
        async fn aliases(&self, _: &str, _: &str, _: Option<String>) -> Result<Page<AliasInfo>> {
            Ok(Page::empty())
        }
    }

    impl AppSync for Fake {
        async fn graphql_apis(&self, _: &str, _: Option<String>) -> Result<Page<GraphqlApiInfo>> {
            Ok(Page::empty())
        }
    }

    impl StepFunctions for Fake {
        async fn state_machines(
            &self,
            _: &str,
            _: Option<String>,
        ) -> Result<Page<StateMachineInfo>> {
            Ok(Page::empty())
        }
        async fn state_machine_tracing(&self, _: &str, _: &str) -> Result<bool> {
            Ok(false)
        }
    }

    fn run(fake: &Fake, iam: IamStrategy) -> Collected {
        let options = Options {
            regions: vec!["r".into()],
            account: None,
            names: Vec::new(),
            tags: Vec::new(),
            stages: true,
            xray_settings: true,
            state_machines: true,
            http_stages: true,
            appsync: true,
            aliases: true,
            concurrency: 4,
            iam,
        };
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(collect(fake, &options, &Quiet))
    }

    #[test]
    fn every_page_of_functions_and_each_policy_once() {
        let fake = Fake::new(120, 30, 1000);
        let c = run(&fake, IamStrategy::Auto);
        assert_eq!(c.inventory.functions.len(), 120);
        assert_eq!(fake.count("ListFunctions"), 3);
        assert_eq!(c.inventory.roles.len(), 30);
        assert_eq!(fake.count("GetAccountAuthorizationDetails"), 1);
        assert_eq!(fake.count("GetRole"), 0);
        assert_eq!(
            fake.count("GetPolicy"),
            1,
            "the customer policy once; the AWS managed one never"
        );
    }

    #[test]
    fn auto_stops_paging_authorization_details_when_per_role_is_cheaper() {
        // 2 roles used, the last 2 of 30 in the account, 1 role a page: paging through
        // would take 30 calls, reading the 2 roles one by one 6.
        let mut fake = Fake::new(2, 2, 1);
        fake.account_roles = 30;
        let c = run(&fake, IamStrategy::Auto);
        assert_eq!(c.inventory.roles.len(), 2);
        assert_eq!(fake.count("GetAccountAuthorizationDetails"), 6);
        assert_eq!(fake.count("GetRole"), 2);
    }

    #[test]
    fn denied_authorization_details_falls_back_per_role() {
        let mut fake = Fake::new(10, 5, 1000);
        fake.deny_details = true;
        let c = run(&fake, IamStrategy::Auto);
        assert_eq!(c.inventory.roles.len(), 5);
        assert_eq!(fake.count("GetRole"), 5);
        assert!(c.unread.is_empty(), "nothing is missing");
        let strict = run(&fake, IamStrategy::AuthorizationDetails);
        assert_eq!(
            strict.unread.len(),
            1,
            "asked for explicitly, the denial is reported"
        );
    }
}
