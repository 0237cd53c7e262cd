//! The one connection to AWS through the SDK for Rust, which reads (`source::aws`) and
//! writes (`account_write`) both use: configuration from aws-config's default chain
//! (environment, profiles, SSO, container and instance credentials; `AWS_ENDPOINT_URL`
//! honoured), adaptive retries with backoff, timeouts on every call, and a count of the
//! calls made, by operation.

use super::{ApiError, Identity, Result};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_iam::error::ProvideErrorMetadata;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
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
    iam: aws_sdk_iam::Client,
    sts: aws_sdk_sts::Client,
    regions: HashMap<String, Regional>,
    calls: Mutex<BTreeMap<&'static str, usize>>,
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

impl SdkAccount {
    /// Loads configuration, checks that credentials resolve, and makes clients for each
    /// region (the configured one when none is given). Returns the regions used.
    pub async fn connect(
        regions: &[String],
        profile: Option<&str>,
    ) -> std::result::Result<(SdkAccount, Vec<String>), ConnectError> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(retry())
            .timeout_config(timeouts());
        if let Some(p) = profile {
            loader = loader.profile_name(p);
        }
        let base = loader.load().await;
        let regions: Vec<String> = if regions.is_empty() {
            vec![base.region().ok_or(ConnectError::NoRegion)?.to_string()]
        } else {
            regions.to_vec()
        };
        let credentials = base
            .credentials_provider()
            .ok_or(ConnectError::NoCredentials)?;
        use aws_credential_types::provider::ProvideCredentials;
        credentials
            .provide_credentials()
            .await
            .map_err(|_| ConnectError::NoCredentials)?;
        let regional = regions
            .iter()
            .map(|r| {
                let region = Region::new(r.clone());
                let lambda = aws_sdk_lambda::config::Builder::from(&base)
                    .region(region.clone())
                    .build();
                let apigateway = aws_sdk_apigateway::config::Builder::from(&base)
                    .region(region.clone())
                    .build();
                let xray = aws_sdk_xray::config::Builder::from(&base)
                    .region(region.clone())
                    .build();
                let sfn = aws_sdk_sfn::config::Builder::from(&base)
                    .region(region.clone())
                    .build();
                let apigatewayv2 = aws_sdk_apigatewayv2::config::Builder::from(&base)
                    .region(region.clone())
                    .build();
                let appsync = aws_sdk_appsync::config::Builder::from(&base)
                    .region(region.clone())
                    .build();
                let tagging = aws_sdk_resourcegroupstagging::config::Builder::from(&base)
                    .region(region)
                    .build();
                (
                    r.clone(),
                    Regional {
                        lambda: aws_sdk_lambda::Client::from_conf(lambda),
                        apigateway: aws_sdk_apigateway::Client::from_conf(apigateway),
                        xray: aws_sdk_xray::Client::from_conf(xray),
                        sfn: aws_sdk_sfn::Client::from_conf(sfn),
                        apigatewayv2: aws_sdk_apigatewayv2::Client::from_conf(apigatewayv2),
                        appsync: aws_sdk_appsync::Client::from_conf(appsync),
                        tagging: aws_sdk_resourcegroupstagging::Client::from_conf(tagging),
                    },
                )
            })
            .collect();
        let account = SdkAccount {
            iam: aws_sdk_iam::Client::new(&base),
            sts: aws_sdk_sts::Client::new(&base),
            regions: regional,
            calls: Mutex::new(BTreeMap::new()),
        };
        Ok((account, regions))
    }

    /// Calls made so far, by operation.
    pub fn calls(&self) -> BTreeMap<&'static str, usize> {
        self.calls.lock().expect("call counts").clone()
    }

    pub(crate) fn count(&self, operation: &'static str) {
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
