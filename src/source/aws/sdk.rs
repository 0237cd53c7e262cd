//! `Account` over the AWS SDK: the audit's List/Get calls, made through the shared
//! connection ([`SdkAccount`]).

use super::api::*;
use crate::aws_client::{ApiError, Result, SdkAccount};

/// IAM returns policy documents URL-encoded.
fn policy_text(document: &str) -> String {
    if document.trim_start().starts_with('{') {
        document.to_string()
    } else {
        percent_encoding::percent_decode_str(document)
            .decode_utf8_lossy()
            .to_string()
    }
}

impl Account for SdkAccount {
    async fn list_functions(
        &self,
        region: &str,
        versions: bool,
        marker: Option<String>,
    ) -> Result<Page<FunctionInfo>> {
        use aws_sdk_lambda::types::FunctionVersion;
        let out = self
            .call(
                "lambda:ListFunctions",
                self.lambda(region)
                    .list_functions()
                    .set_function_version(versions.then_some(FunctionVersion::All))
                    .set_marker(marker)
                    .max_items(50)
                    .send(),
            )
            .await?;
        Ok(Page {
            items: out
                .functions()
                .iter()
                .map(|f| FunctionInfo {
                    name: f.function_name().unwrap_or_default().to_string(),
                    // With FunctionVersion=ALL, `$LATEST` may come qualified: the function
                    // is known by its unqualified ARN.
                    arn: f
                        .function_arn()
                        .unwrap_or_default()
                        .trim_end_matches(":$LATEST")
                        .to_string(),
                    version: f.version().unwrap_or("$LATEST").to_string(),
                    role: f.role().unwrap_or_default().to_string(),
                    mode: f
                        .tracing_config()
                        .and_then(|t| t.mode())
                        .map(|m| m.as_str().to_string()),
                })
                .collect(),
            next: out.next_marker().map(str::to_string),
        })
    }

    async fn tagged_functions(
        &self,
        region: &str,
        tags: &[(String, String)],
        token: Option<String>,
    ) -> Result<Page<String>> {
        use aws_sdk_resourcegroupstagging::types::TagFilter;
        let filters = tags
            .iter()
            .map(|(k, v)| TagFilter::builder().key(k).values(v).build())
            .collect();
        let out = self
            .call(
                "tag:GetResources",
                self.tagging(region)
                    .get_resources()
                    .resource_type_filters("lambda:function")
                    .set_tag_filters(Some(filters))
                    .set_pagination_token(token.filter(|t| !t.is_empty()))
                    .send(),
            )
            .await?;
        Ok(Page {
            items: out
                .resource_tag_mapping_list()
                .iter()
                .filter_map(|m| m.resource_arn().map(str::to_string))
                .collect(),
            // The last page has an empty token.
            next: out
                .pagination_token()
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        })
    }

    async fn function_tags(&self, region: &str, arn: &str) -> Result<Vec<(String, String)>> {
        let out = self
            .call(
                "lambda:ListTags",
                self.lambda(region).list_tags().resource(arn).send(),
            )
            .await?;
        Ok(out
            .tags()
            .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default())
    }

    async fn authorization_details(&self, marker: Option<String>) -> Result<AuthorizationPage> {
        use aws_sdk_iam::types::EntityType;
        let out = self
            .call(
                "iam:GetAccountAuthorizationDetails",
                self.iam()
                    .get_account_authorization_details()
                    .filter(EntityType::Role)
                    .filter(EntityType::LocalManagedPolicy)
                    .set_marker(marker)
                    .max_items(1000)
                    .send(),
            )
            .await?;
        let roles = out
            .role_detail_list()
            .iter()
            .map(|r| RoleInfo {
                name: r.role_name().unwrap_or_default().to_string(),
                arn: r.arn().unwrap_or_default().to_string(),
                inline: r
                    .role_policy_list()
                    .iter()
                    .map(|p| {
                        (
                            p.policy_name().unwrap_or_default().to_string(),
                            policy_text(p.policy_document().unwrap_or_default()),
                        )
                    })
                    .collect(),
                attached: r
                    .attached_managed_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn().map(str::to_string))
                    .collect(),
                boundary: r
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map(str::to_string),
            })
            .collect();
        let policies = out
            .policies()
            .iter()
            .filter_map(|p| {
                let document = p
                    .policy_version_list()
                    .iter()
                    .find(|v| v.is_default_version)?
                    .document()?;
                let arn = p.arn()?.to_string();
                let name = match p.policy_name() {
                    Some(name) => name.to_string(),
                    None => arn.rsplit('/').next().unwrap_or_default().to_string(),
                };
                Some(PolicyInfo {
                    arn,
                    name,
                    document: policy_text(document),
                })
            })
            .collect();
        Ok(AuthorizationPage {
            roles,
            policies,
            next: out
                .marker()
                .filter(|_| out.is_truncated())
                .map(str::to_string),
        })
    }

    async fn role(&self, name: &str) -> Result<RoleInfo> {
        let role = self
            .call("iam:GetRole", self.iam().get_role().role_name(name).send())
            .await?;
        let role = role.role().ok_or(ApiError::Failed {
            operation: "iam:GetRole",
            message: "no role in the answer".into(),
        })?;
        let mut info = RoleInfo {
            name: name.to_string(),
            arn: role.arn().to_string(),
            boundary: role
                .permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
                .map(str::to_string),
            ..RoleInfo::default()
        };
        let mut marker = None;
        loop {
            let page = self
                .call(
                    "iam:ListRolePolicies",
                    self.iam()
                        .list_role_policies()
                        .role_name(name)
                        .set_marker(marker)
                        .send(),
                )
                .await?;
            for policy in page.policy_names() {
                let doc = self
                    .call(
                        "iam:GetRolePolicy",
                        self.iam()
                            .get_role_policy()
                            .role_name(name)
                            .policy_name(policy)
                            .send(),
                    )
                    .await?;
                info.inline
                    .push((policy.clone(), policy_text(doc.policy_document())));
            }
            marker = page
                .marker()
                .filter(|_| page.is_truncated())
                .map(str::to_string);
            if marker.is_none() {
                break;
            }
        }
        info.attached = self.attached_role_policies(name).await?;
        Ok(info)
    }

    async fn policy(&self, arn: &str) -> Result<PolicyInfo> {
        let policy = self
            .call(
                "iam:GetPolicy",
                self.iam().get_policy().policy_arn(arn).send(),
            )
            .await?;
        let policy = policy.policy().ok_or(ApiError::Failed {
            operation: "iam:GetPolicy",
            message: "no policy in the answer".into(),
        })?;
        let version = policy.default_version_id().unwrap_or("v1").to_string();
        let out = self
            .call(
                "iam:GetPolicyVersion",
                self.iam()
                    .get_policy_version()
                    .policy_arn(arn)
                    .version_id(version)
                    .send(),
            )
            .await?;
        Ok(PolicyInfo {
            arn: arn.to_string(),
            name: policy.policy_name().unwrap_or_default().to_string(),
            document: policy_text(
                out.policy_version()
                    .and_then(|v| v.document())
                    .unwrap_or("{}"),
            ),
        })
    }

    async fn rest_apis(&self, region: &str, position: Option<String>) -> Result<Page<RestApiInfo>> {
        let out = self
            .call(
                "apigateway:GetRestApis",
                self.apigateway(region)
                    .get_rest_apis()
                    .set_position(position)
                    .limit(500)
                    .send(),
            )
            .await?;
        Ok(Page {
            items: out
                .items()
                .iter()
                .map(|a| RestApiInfo {
                    id: a.id().unwrap_or_default().to_string(),
                    name: a.name().unwrap_or_default().to_string(),
                })
                .collect(),
            next: out.position().map(str::to_string),
        })
    }

    async fn stages(&self, region: &str, api: &str) -> Result<Vec<StageInfo>> {
        let out = self
            .call(
                "apigateway:GetStages",
                self.apigateway(region).get_stages().rest_api_id(api).send(),
            )
            .await?;
        Ok(out
            .item()
            .iter()
            .map(|s| StageInfo {
                name: s.stage_name().unwrap_or_default().to_string(),
                tracing_enabled: s.tracing_enabled,
            })
            .collect())
    }
}
