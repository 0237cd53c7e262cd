//! The one connection to AWS through the SDK for Rust, which reads (`source::aws`) and
//! writes (`account_write`) both use: configuration from aws-config's default chain
//! (environment, profiles, SSO, container and instance credentials; `AWS_ENDPOINT_URL`
//! honoured), adaptive retries with backoff, timeouts on every call, and a count of the
//! calls made, by operation.

use super::tally::{CountRetries, Tally};
use super::{ApiError, Identity, Result};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_iam::error::ProvideErrorMetadata;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Why the audit cannot start, in one sentence.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("no AWS region: pass --region, or set AWS_REGION or a region in your AWS profile")]
    NoRegion,
    #[error(
        "no AWS credentials: set AWS_PROFILE (or --profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws sso login`"
    )]
    NoCredentials,
}

struct Regional {
    lambda: aws_sdk_lambda::Client,
    apigateway: aws_sdk_apigateway::Client,
    xray: aws_sdk_xray::Client,
    sfn: aws_sdk_sfn::Client,
    apigatewayv2: aws_sdk_apigatewayv2::Client,
    appsync: aws_sdk_appsync::Client,
    tagging: aws_sdk_resourcegroupstagging::Client,
}

pub struct SdkAccount {
    /// The configuration the clients were made from: an assumed role's starts here.
    base: SdkConfig,
    /// The name of this account's retry partition.
    partition: String,
    iam: aws_sdk_iam::Client,
    sts: aws_sdk_sts::Client,
    organizations: aws_sdk_organizations::Client,
    account: aws_sdk_account::Client,
    /// For `DescribeRegions` only, in the global region.
    ec2: aws_sdk_ec2::Client,
    regions: HashMap<String, Regional>,
    calls: Mutex<BTreeMap<&'static str, usize>>,
    /// Shared with the accounts reached from this one.
    tally: Arc<Tally>,
}

/// Retry configuration: adaptive by default (backoff, and a client-side rate limit that
/// backs off when AWS throttles, so the audit does not starve other clients sharing the
/// account's API limits); `AWS_RETRY_MODE=standard` trades that politeness for speed
/// (measured against the harness: 1.5 s instead of 26 s for 76 calls with a 5% share
/// throttled, but 106 throttled calls instead of 9 under a 5-a-second limit).
fn retry() -> RetryConfig {
    let mode = std::env::var("AWS_RETRY_MODE").unwrap_or_default();
    let config = if mode == "standard" {
        RetryConfig::standard()
    } else {
        RetryConfig::adaptive()
    };
    config
        .with_max_attempts(10)
        .with_initial_backoff(Duration::from_millis(200))
        .with_max_backoff(Duration::from_secs(20))
}

fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(10))
        .operation_attempt_timeout(Duration::from_secs(30))
        .operation_timeout(Duration::from_secs(180))
        .build()
}

/// Loads the configuration aws-config's default chain gives (with `profile`, when named)
/// and checks that its credentials resolve.
pub async fn load(profile: Option<&str>) -> std::result::Result<SdkConfig, ConnectError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry())
        .timeout_config(timeouts());
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    }
    let base = loader.load().await;
    let credentials = base
        .credentials_provider()
        .ok_or(ConnectError::NoCredentials)?;
    credentials
        .provide_credentials()
        .await
        .map_err(|_| ConnectError::NoCredentials)?;
    Ok(base)
}

/// A service client's configuration: `base` in `region`, retrying within its own
/// partition. The SDK keeps one retry token bucket and one client-side rate limiter per
/// partition for the whole process, named after the service by default; one partition per
/// account means one throttled account backs off alone instead of slowing every other.
macro_rules! client {
    ($sdk:ident, $base:expr, $region:expr, $partition:expr, $tally:expr) => {{
        let config = $sdk::config::Builder::from($base)
            .region($region)
            .interceptor(CountRetries($tally.clone()))
            .retry_partition($sdk::config::retry::RetryPartition::new(format!(
                "{}-{}",
                stringify!($sdk),
                $partition
            )))
            .build();
        $sdk::Client::from_conf(config)
    }};
}

impl Regional {
    fn new(base: &SdkConfig, region: &str, partition: &str, tally: &Arc<Tally>) -> Regional {
        let r = Region::new(region.to_string());
        Regional {
            lambda: client!(aws_sdk_lambda, base, r.clone(), partition, tally),
            apigateway: client!(aws_sdk_apigateway, base, r.clone(), partition, tally),
            xray: client!(aws_sdk_xray, base, r.clone(), partition, tally),
            sfn: client!(aws_sdk_sfn, base, r.clone(), partition, tally),
            apigatewayv2: client!(aws_sdk_apigatewayv2, base, r.clone(), partition, tally),
            appsync: client!(aws_sdk_appsync, base, r.clone(), partition, tally),
            tagging: client!(aws_sdk_resourcegroupstagging, base, r, partition, tally),
        }
    }
}

impl SdkAccount {
    /// Loads configuration, checks that credentials resolve, and makes clients for each
    /// region (the configured one when none is given). Returns the regions used.
    pub async fn connect(
        regions: &[String],
        profile: Option<&str>,
    ) -> std::result::Result<(SdkAccount, Vec<String>), ConnectError> {
        let base = load(profile).await?;
        let regions: Vec<String> = if regions.is_empty() {
            vec![base.region().ok_or(ConnectError::NoRegion)?.to_string()]
        } else {
            regions.to_vec()
        };
        Ok((SdkAccount::new(base, "caller", &regions), regions))
    }

    /// An account reached with `base`, with clients for `regions`; `partition` names its
    /// retry budget (the account id, for one of many).
    pub fn new(base: SdkConfig, partition: &str, regions: &[String]) -> SdkAccount {
        SdkAccount::build(base, partition, regions, Arc::default())
    }

    /// The same credentials, counted in the same tally, with another retry partition
    /// and regions: the caller's own account when it is one of many.
    pub fn again(&self, partition: &str, regions: &[String]) -> SdkAccount {
        SdkAccount::build(self.base.clone(), partition, regions, self.tally.clone())
    }

    pub(super) fn build(
        base: SdkConfig,
        partition: &str,
        regions: &[String],
        tally: Arc<Tally>,
    ) -> SdkAccount {
        // IAM, STS, Organizations and the Account service are global: their calls go to
        // the partition's one endpoint whatever the region says.
        let global = base.region().cloned().unwrap_or(Region::new("us-east-1"));
        SdkAccount {
            iam: client!(aws_sdk_iam, &base, global.clone(), partition, tally),
            sts: client!(aws_sdk_sts, &base, global.clone(), partition, tally),
            organizations: client!(
                aws_sdk_organizations,
                &base,
                global.clone(),
                partition,
                tally
            ),
            account: client!(aws_sdk_account, &base, global.clone(), partition, tally),
            ec2: client!(aws_sdk_ec2, &base, global, partition, tally),
            regions: regions
                .iter()
                .map(|r| (r.clone(), Regional::new(&base, r, partition, &tally)))
                .collect(),
            partition: partition.to_string(),
            base,
            calls: Mutex::new(BTreeMap::new()),
            tally,
        }
    }

    /// The same account with clients for `regions` instead (after `--regions all` has
    /// asked the account which it has enabled); the calls counted so far carry over.
    pub fn with_regions(self, regions: &[String]) -> SdkAccount {
        let calls = self.calls();
        let account = SdkAccount::build(self.base, &self.partition, regions, self.tally);
        *account.calls.lock().expect("call counts") = calls;
        account
    }

    /// Calls made so far, by operation.
    pub fn calls(&self) -> BTreeMap<&'static str, usize> {
        self.calls.lock().expect("call counts").clone()
    }

    /// Calls and retries of this account and every account reached from it.
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    pub(super) fn base(&self) -> &SdkConfig {
        &self.base
    }

    pub(super) fn shared_tally(&self) -> Arc<Tally> {
        self.tally.clone()
    }

    pub(crate) fn count(&self, operation: &'static str) {
        self.tally.call();
        *self
            .calls
            .lock()
            .expect("call counts")
            .entry(operation)
            .or_default() += 1;
    }

    /// Sends one request: counts it under `operation` and names the operation in its error.
    pub(crate) async fn call<T, E, R>(
        &self,
        operation: &'static str,
        request: impl std::future::Future<
            Output = std::result::Result<T, aws_smithy_runtime_api::client::result::SdkError<E, R>>,
        >,
    ) -> Result<T>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        self.count(operation);
        request.await.map_err(|e| ApiError::from_sdk(operation, e))
    }

    fn region(&self, region: &str) -> &Regional {
        &self.regions[region]
    }

    pub(crate) fn iam(&self) -> &aws_sdk_iam::Client {
        &self.iam
    }

    pub(crate) fn organizations(&self) -> &aws_sdk_organizations::Client {
        &self.organizations
    }

    pub(crate) fn account(&self) -> &aws_sdk_account::Client {
        &self.account
    }

    pub(crate) fn ec2(&self) -> &aws_sdk_ec2::Client {
        &self.ec2
    }

    /// The regions this account has clients for.
    pub fn regions(&self) -> Vec<String> {
        let mut regions: Vec<String> = self.regions.keys().cloned().collect();
        regions.sort();
        regions
    }

    pub(crate) fn lambda(&self, region: &str) -> &aws_sdk_lambda::Client {
        &self.region(region).lambda
    }

    pub(crate) fn apigateway(&self, region: &str) -> &aws_sdk_apigateway::Client {
        &self.region(region).apigateway
    }

    pub(crate) fn xray(&self, region: &str) -> &aws_sdk_xray::Client {
        &self.region(region).xray
    }

    pub(crate) fn sfn(&self, region: &str) -> &aws_sdk_sfn::Client {
        &self.region(region).sfn
    }

    pub(crate) fn apigatewayv2(&self, region: &str) -> &aws_sdk_apigatewayv2::Client {
        &self.region(region).apigatewayv2
    }

    pub(crate) fn appsync(&self, region: &str) -> &aws_sdk_appsync::Client {
        &self.region(region).appsync
    }

    pub(crate) fn tagging(&self, region: &str) -> &aws_sdk_resourcegroupstagging::Client {
        &self.region(region).tagging
    }

    /// The ARNs of the managed policies attached to a role, every page
    /// (`ListAttachedRolePolicies`): the audit reads them, and `enable` verifies its grants
    /// and undoes them with them.
    pub(crate) async fn attached_role_policies(&self, role: &str) -> Result<Vec<String>> {
        let mut attached = Vec::new();
        let mut marker = None;
        loop {
            let page = self
                .call(
                    "iam:ListAttachedRolePolicies",
                    self.iam
                        .list_attached_role_policies()
                        .role_name(role)
                        .set_marker(marker)
                        .send(),
                )
                .await?;
            attached.extend(
                page.attached_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn().map(str::to_string)),
            );
            marker = page
                .marker()
                .filter(|_| page.is_truncated())
                .map(str::to_string);
            if marker.is_none() {
                return Ok(attached);
            }
        }
    }

    /// Whom the credentials reach (`GetCallerIdentity`).
    pub async fn caller_identity(&self) -> Result<Identity> {
        let out = self
            .call(
                "sts:GetCallerIdentity",
                self.sts.get_caller_identity().send(),
            )
            .await?;
        match (out.account(), out.arn()) {
            (Some(account), Some(arn)) => Ok(Identity::new(account, arn)),
            _ => Err(ApiError::Failed {
                operation: "sts:GetCallerIdentity",
                message: "the answer names no account".into(),
            }),
        }
    }
}
