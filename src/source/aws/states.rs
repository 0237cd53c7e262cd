//! Step Functions state machines in an account, all in this file (as `xray.rs` holds
//! X-Ray's settings): what is read, the calls (`StepFunctions`, a supertrait of
//! `api::Account`), those calls over the AWS SDK, and the reader that turns the answers
//! into Inventory items. `ListStateMachines` names them; only `DescribeStateMachine` tells
//! `tracingConfiguration`, so each machine costs one call.

use super::api::{Page, all_pages};
use super::collect::{Collected, Unread, meta};
use crate::aws_client::{Result, SdkAccount};
use crate::model::{Setting, StateMachine};
use futures::StreamExt;
use std::future::Future;

#[derive(Debug, Clone, PartialEq)]
pub struct StateMachineInfo {
    pub name: String,
    pub arn: String,
}

/// The read-only Step Functions calls the audit makes, each for one region.
pub trait StepFunctions: Sync {
    fn state_machines(
        &self,
        region: &str,
        token: Option<String>,
    ) -> impl Future<Output = Result<Page<StateMachineInfo>>> + Send;
    /// `tracingConfiguration.enabled` (false when AWS omits it).
    fn state_machine_tracing(
        &self,
        region: &str,
        arn: &str,
    ) -> impl Future<Output = Result<bool>> + Send;
}

impl StepFunctions for SdkAccount {
    async fn state_machines(
        &self,
        region: &str,
        token: Option<String>,
    ) -> Result<Page<StateMachineInfo>> {
        let out = self
            .call(
                "states:ListStateMachines",
                self.sfn(region)
                    .list_state_machines()
                    .set_next_token(token)
                    .send(),
            )
            .await?;
        Ok(Page {
            items: out
                .state_machines()
                .iter()
                .map(|m| StateMachineInfo {
                    name: m.name().to_string(),
                    arn: m.state_machine_arn().to_string(),
                })
                .collect(),
            next: out.next_token().map(str::to_string),
        })
    }

    async fn state_machine_tracing(&self, region: &str, arn: &str) -> Result<bool> {
        let out = self
            .call(
                "states:DescribeStateMachine",
                self.sfn(region)
                    .describe_state_machine()
                    .state_machine_arn(arn)
                    .send(),
            )
            .await?;
        Ok(out.tracing_configuration().is_some_and(|t| t.enabled()))
    }
}

/// The state machines of `region`, with their tracing, into `out`.
pub(super) async fn read<A: StepFunctions>(
    api: &A,
    account: Option<&str>,
    region: &str,
    concurrency: usize,
    out: &mut Collected,
) {
    let machines = match all_pages(|token| api.state_machines(region, token)).await {
        Ok(machines) => machines,
        Err(error) => {
            out.unread.push(Unread {
                region: region.into(),
                what: "Step Functions state machines".into(),
                error,
            });
            return;
        }
    };
    let described: Vec<(StateMachineInfo, Result<bool>)> = futures::stream::iter(machines)
        .map(|m| async move {
            let tracing = api.state_machine_tracing(region, &m.arn).await;
            (m, tracing)
        })
        .buffered(concurrency)
        .collect()
        .await;
    for (m, tracing) in described {
        match tracing {
            Ok(enabled) => out.inventory.state_machines.push(StateMachine {
                meta: meta(account, &m.arn, region),
                name: Setting::known(m.name),
                tracing_enabled: Setting::known(enabled),
            }),
            Err(error) => out.unread.push(Unread {
                region: region.into(),
                what: format!("the tracing of state machine {}", m.name),
                error,
            }),
        }
    }
}
