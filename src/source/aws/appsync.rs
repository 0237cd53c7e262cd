//! AppSync GraphQL APIs in an account, all in this file: what is read, the calls
//! (`AppSync`, a supertrait of `api::Account`), those calls over the AWS SDK, and the
//! reader. `ListGraphqlApis` tells each API's `xrayEnabled`, so a region costs one call
//! per page.

use super::api::{Page, all_pages};
use super::collect::{Collected, Unread, meta};
use crate::aws_client::{Result, SdkAccount};
use crate::model::{AppSyncApi, Setting};
use std::future::Future;

#[derive(Debug, Clone, PartialEq)]
pub struct GraphqlApiInfo {
    pub name: String,
    pub arn: String,
    pub xray_enabled: bool,
}

/// The read-only AppSync calls the audit makes, each for one region.
pub trait AppSync: Sync {
    fn graphql_apis(
        &self,
        region: &str,
        token: Option<String>,
    ) -> impl Future<Output = Result<Page<GraphqlApiInfo>>> + Send;
}

impl AppSync for SdkAccount {
    async fn graphql_apis(
        &self,
        region: &str,
        token: Option<String>,
    ) -> Result<Page<GraphqlApiInfo>> {
        let out = self
            .call(
                "appsync:ListGraphqlApis",
                self.appsync(region)
                    .list_graphql_apis()
                    .set_next_token(token)
                    .send(),
            )
            .await?;
        Ok(Page {
            items: out
                .graphql_apis()
                .iter()
                .map(|a| GraphqlApiInfo {
                    name: a.name().unwrap_or_default().to_string(),
                    arn: a.arn().unwrap_or_default().to_string(),
                    xray_enabled: a.xray_enabled(),
                })
                .collect(),
            next: out.next_token().map(str::to_string),
        })
    }
}

/// The GraphQL APIs of `region`, with their X-Ray setting, into `out`.
pub(super) async fn read<A: AppSync>(
    api: &A,
    account: Option<&str>,
    region: &str,
    out: &mut Collected,
) {
    match all_pages(|token| api.graphql_apis(region, token)).await {
        Ok(apis) => {
            for a in apis {
                out.inventory.appsync_apis.push(AppSyncApi {
                    meta: meta(account, &a.arn, region),
                    xray_enabled: Setting::known(a.xray_enabled),
                });
            }
        }
        Err(error) => out.unread.push(Unread {
            region: region.into(),
            what: "AppSync GraphQL APIs".into(),
            error,
        }),
    }
}
