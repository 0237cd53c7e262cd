//! `Writer` over the AWS SDK: the only calls that change an account, made by `enable`.

use super::{FunctionTracing, UpdateError, Writer};
use crate::aws_client::{ApiError, Identity, Result, SdkAccount};
use aws_sdk_lambda::client::Waiters;
use aws_sdk_lambda::types::{TracingConfig, TracingMode};
use std::time::Duration;

impl Writer for SdkAccount {
    async fn caller_identity(&self) -> Result<Identity> {
        SdkAccount::caller_identity(self).await
    }

    async fn attach_role_policy(&self, role: &str, policy_arn: &str) -> Result<()> {
        self.call(
            "iam:AttachRolePolicy",
            self.iam()
                .attach_role_policy()
                .role_name(role)
                .policy_arn(policy_arn)
                .send(),
        )
        .await
        .map(|_| ())
    }

    async fn detach_role_policy(&self, role: &str, policy_arn: &str) -> Result<()> {
        self.call(
            "iam:DetachRolePolicy",
            self.iam()
                .detach_role_policy()
                .role_name(role)
                .policy_arn(policy_arn)
                .send(),
        )
        .await
        .map(|_| ())
    }

    async fn set_tracing_mode(
        &self,
        region: &str,
        function: &str,
        mode: &str,
        revision: Option<&str>,
    ) -> std::result::Result<(), UpdateError> {
        use aws_sdk_lambda::operation::update_function_configuration::UpdateFunctionConfigurationError as E;
        self.count("lambda:UpdateFunctionConfiguration");
        let result = self
            .lambda(region)
            .update_function_configuration()
            .function_name(function)
            .tracing_config(
                TracingConfig::builder()
                    .mode(TracingMode::from(mode))
                    .build(),
            )
            .set_revision_id(revision.map(str::to_string))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => match e.as_service_error() {
                Some(E::InvalidParameterValueException(p))
                    if p.message().unwrap_or("").contains("PutTraceSegments") =>
                {
                    Err(UpdateError::RoleCannotWrite(
                        p.message().unwrap_or("").to_string(),
                    ))
                }
                Some(E::ResourceConflictException(c)) => {
                    Err(UpdateError::Conflict(c.message().unwrap_or("").to_string()))
                }
                Some(E::PreconditionFailedException(p)) => {
                    Err(UpdateError::Stale(p.message().unwrap_or("").to_string()))
                }
                _ => Err(UpdateError::Other(ApiError::from_sdk(
                    "lambda:UpdateFunctionConfiguration",
                    e,
                ))),
            },
        }
    }

    async fn wait_updated(&self, region: &str, function: &str) -> Result<()> {
        self.count("lambda:GetFunction (waiter)");
        self.lambda(region)
            .wait_until_function_updated_v2()
            .function_name(function)
            .wait(Duration::from_secs(300))
            .await
            .map(|_| ())
            .map_err(|e| ApiError::Failed {
                operation: "lambda:GetFunction",
                message: format!(
                    "the update did not finish: {}",
                    aws_smithy_types::error::display::DisplayErrorContext(&e)
                ),
            })
    }

    async fn function_tracing(&self, region: &str, function: &str) -> Result<FunctionTracing> {
        let out = self
            .call(
                "lambda:GetFunctionConfiguration",
                self.lambda(region)
                    .get_function_configuration()
                    .function_name(function)
                    .send(),
            )
            .await?;
        Ok(FunctionTracing {
            mode: out
                .tracing_config()
                .and_then(|t| t.mode())
                .map_or("PassThrough".to_string(), |m| m.as_str().to_string()),
            revision: out.revision_id().map(str::to_string),
        })
    }

    async fn attached_policies(&self, role: &str) -> Result<Vec<String>> {
        self.attached_role_policies(role).await
    }

    async fn stage_tracing(&self, region: &str, api: &str, stage: &str) -> Result<bool> {
        let out = self
            .call(
                "apigateway:GetStage",
                self.apigateway(region)
                    .get_stage()
                    .rest_api_id(api)
                    .stage_name(stage)
                    .send(),
            )
            .await?;
        Ok(out.tracing_enabled)
    }

    async fn set_stage_tracing(
        &self,
        region: &str,
        api: &str,
        stage: &str,
        enabled: bool,
    ) -> Result<()> {
        use aws_sdk_apigateway::types::{Op, PatchOperation};
        self.call(
            "apigateway:UpdateStage",
            self.apigateway(region)
                .update_stage()
                .rest_api_id(api)
                .stage_name(stage)
                .patch_operations(
                    PatchOperation::builder()
                        .op(Op::Replace)
                        .path("/tracingEnabled")
                        .value(enabled.to_string())
                        .build(),
                )
                .send(),
        )
        .await
        .map(|_| ())
    }
}
