//! Reaching another account by assuming a role in it (`sts:AssumeRole`): the way into
//! each account of an Organization.

use super::{ApiError, Result, SdkAccount};
use aws_credential_types::Credentials;
use aws_credential_types::provider::{self, ProvideCredentials, SharedCredentialsProvider, future};
use aws_sdk_sts::error::ProvideErrorMetadata;
use std::error::Error;
use std::sync::Mutex;

const OPERATION: &str = "sts:AssumeRole";

impl SdkAccount {
    /// The account `role_arn` is in, reached by assuming that role from this one's
    /// credentials (session `xray-setup`, with `external_id` when the role's trust policy
    /// asks for one), with clients for `regions` and its own retry partition. The role is
    /// assumed here, so a refusal is known before anything is read, and again before the
    /// credentials expire, however long the account takes.
    pub async fn assume(
        &self,
        role_arn: &str,
        external_id: Option<&str>,
        partition: &str,
        regions: &[String],
    ) -> Result<SdkAccount> {
        let mut builder = aws_config::sts::AssumeRoleProvider::builder(role_arn)
            .session_name("xray-setup")
            .configure(self.base());
        if let Some(id) = external_id {
            builder = builder.external_id(id);
        }
        let provider = builder.build().await;
        self.count(OPERATION);
        let first = provider.provide_credentials().await.map_err(refusal)?;
        let provider = Assumed {
            first: Mutex::new(Some(first)),
            provider,
        };
        let config = self
            .base()
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build();
        Ok(SdkAccount::build(
            config,
            partition,
            regions,
            self.shared_tally(),
        ))
    }
}

/// Why the role could not be assumed, in STS's own words when it gave some.
fn refusal(e: provider::error::CredentialsError) -> ApiError {
    let mut source: Option<&(dyn Error + 'static)> = Some(&e);
    let mut said = None;
    while let Some(err) = source {
        if let Some(sts) = err.downcast_ref::<aws_sdk_sts::error::SdkError<
            aws_sdk_sts::operation::assume_role::AssumeRoleError,
            aws_smithy_runtime_api::http::Response,
        >>() {
            said = Some((
                sts.code().unwrap_or("").to_string(),
                sts.message().unwrap_or("").to_string(),
            ));
            break;
        }
        source = err.source();
    }
    let (code, message) = said.unwrap_or_else(|| {
        let text = aws_smithy_types::error::display::DisplayErrorContext(&e).to_string();
        (String::new(), text)
    });
    let message = if code.is_empty() {
        message
    } else {
        format!("{code}: {message}")
    };
    if message.contains("AccessDenied") {
        ApiError::Denied {
            operation: OPERATION,
            message,
        }
    } else {
        ApiError::Failed {
            operation: OPERATION,
            message,
        }
    }
}

/// The assumed role's credentials: those the check got first, then the provider's (which
/// assumes the role again when the SDK's cache finds them about to expire).
#[derive(Debug)]
struct Assumed {
    first: Mutex<Option<Credentials>>,
    provider: aws_config::sts::AssumeRoleProvider,
}

impl ProvideCredentials for Assumed {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        match self.first.lock().map(|mut f| f.take()) {
            Ok(Some(credentials)) => future::ProvideCredentials::ready(Ok(credentials)),
            _ => self.provider.provide_credentials(),
        }
    }
}
