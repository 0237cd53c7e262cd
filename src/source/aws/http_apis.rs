//! HTTP and WebSocket APIs (API Gateway v2) in an account, all in this file: what is
//! read, the calls (`HttpApis`, a supertrait of `api::Account`), those calls over the
//! AWS SDK, and the reader. X-Ray cannot trace these APIs (XR004 says so and where the
//! trace starts instead); the audit lists their stages as the Terraform side does.

use super::api::{Page, all_pages};
use super::collect::{Collected, Unread, meta};
use crate::aws_client::{Result, SdkAccount};
use crate::model::{HttpStage, Setting};
use futures::StreamExt;
use std::future::Future;

#[derive(Debug, Clone, PartialEq)]
pub struct HttpApiInfo {
    pub id: String,
    pub name: String,
}

/// The read-only API Gateway v2 calls the audit makes, each for one region.
pub trait HttpApis: Sync {
    fn http_apis(
        &self,
        region: &str,
        token: Option<String>,
    ) -> impl Future<Output = Result<Page<HttpApiInfo>>> + Send;
    /// The names of an API's stages, one page.
    fn http_stages(
        &self,
        region: &str,
        api: &str,
        token: Option<String>,
    ) -> impl Future<Output = Result<Page<String>>> + Send;
}

impl HttpApis for SdkAccount {
    async fn http_apis(&self, region: &str, token: Option<String>) -> Result<Page<HttpApiInfo>> {
        let out = self
            .call(
                "apigateway:GetApis",
                self.apigatewayv2(region)
                    .get_apis()
                    .set_next_token(token)
                    .send(),
            )
            .await?;
        Ok(Page {
            items: out
                .items()
                .iter()
                .map(|a| HttpApiInfo {
                    id: a.api_id().unwrap_or_default().to_string(),
                    name: a.name().unwrap_or_default().to_string(),
                })
                .collect(),
            next: out.next_token().map(str::to_string),
        })
    }

    async fn http_stages(
        &self,
        region: &str,
        api: &str,
        token: Option<String>,
    ) -> Result<Page<String>> {
        let out = self
            .call(
                "apigateway:GetStages (v2)",
                self.apigatewayv2(region)
                    .get_stages()
                    .api_id(api)
                    .set_next_token(token)
                    .send(),
            )
            .await?;
        Ok(Page {
            items: out
                .items()
                .iter()
                .map(|s| s.stage_name().unwrap_or_default().to_string())
                .collect(),
            next: out.next_token().map(str::to_string),
        })
    }
}

/// `arn:aws:apigateway:REGION::/apis/ID/stages/NAME`, as API Gateway names a v2 stage.
fn stage_arn(region: &str, api: &str, stage: &str) -> String {
    format!("arn:aws:apigateway:{region}::/apis/{api}/stages/{stage}")
}

/// The HTTP and WebSocket API stages of `region`, into `out`.
pub(super) async fn read<A: HttpApis>(
    api: &A,
    account: Option<&str>,
    region: &str,
    concurrency: usize,
    out: &mut Collected,
) {
    let apis = match all_pages(|token| api.http_apis(region, token)).await {
        Ok(apis) => apis,
        Err(error) => {
            out.unread.push(Unread {
                region: region.into(),
                what: "API Gateway HTTP and WebSocket APIs".into(),
                error,
            });
            return;
        }
    };
    let stages: Vec<(HttpApiInfo, Result<Vec<String>>)> = futures::stream::iter(apis)
        .map(|a| async move {
            let s = all_pages(|token| api.http_stages(region, &a.id, token)).await;
            (a, s)
        })
        .buffered(concurrency)
        .collect()
        .await;
    for (a, s) in stages {
        match s {
            Ok(names) => {
                for name in names {
                    out.inventory.http_stages.push(HttpStage {
                        meta: meta(account, &stage_arn(region, &a.id, &name), region),
                        stage_name: Setting::known(name),
                    });
                }
            }
            Err(error) => out.unread.push(Unread {
                region: region.into(),
                what: format!("the stages of HTTP API {}", a.name),
                error,
            }),
        }
    }
}
