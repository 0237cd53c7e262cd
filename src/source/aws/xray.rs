//! X-Ray's regional settings in an account, all in this file: what is read (the info
//! structs), the calls (`Xray`, a supertrait of `api::Account`), those calls over the AWS
//! SDK, and the readers that turn the answers into Inventory items. `collect` calls
//! [`read`] once per region.
//!
//! A new X-Ray setting (trace segment destination, indexing rules, groups) is added here
//! alone: its info struct, a method of `Xray`, that method in `impl Xray for SdkAccount`,
//! its reader, and a line in [`read`]. The account fakes then answer the new method.

use super::api::Page;
use super::collect::{Collected, Unread, meta};
use crate::aws_client::{Result, SdkAccount};
use crate::model::{EncryptionConfig, Field, SamplingRule, Setting};
use std::future::Future;

#[derive(Debug, Clone, PartialEq)]
pub struct SamplingRuleInfo {
    pub name: String,
    pub arn: String,
    pub priority: f64,
    pub fixed_rate: f64,
    pub reservoir_size: f64,
    pub version: f64,
    pub service_name: String,
    pub service_type: String,
    pub host: String,
    pub http_method: String,
    pub url_path: String,
    pub resource_arn: String,
    pub attributes: Vec<(String, String)>,
}

/// A region's X-Ray encryption configuration (`GetEncryptionConfig`).
#[derive(Debug, Clone, PartialEq)]
pub struct EncryptionInfo {
    /// `NONE` or `KMS`.
    pub encryption_type: String,
    pub key_id: Option<String>,
    /// `ACTIVE` or `UPDATING`.
    pub status: Option<String>,
}

/// The read-only X-Ray calls the audit makes, each for one region.
pub trait Xray: Sync {
    fn sampling_rules(
        &self,
        region: &str,
        token: Option<String>,
    ) -> impl Future<Output = Result<Page<SamplingRuleInfo>>> + Send;
    fn encryption_config(
        &self,
        region: &str,
    ) -> impl Future<Output = Result<EncryptionInfo>> + Send;
}

impl Xray for SdkAccount {
    async fn sampling_rules(
        &self,
        region: &str,
        token: Option<String>,
    ) -> Result<Page<SamplingRuleInfo>> {
        let out = self
            .call(
                "xray:GetSamplingRules",
                self.xray(region)
                    .get_sampling_rules()
                    .set_next_token(token)
                    .send(),
            )
            .await?;
        Ok(Page {
            items: out
                .sampling_rule_records()
                .iter()
                .filter_map(|r| r.sampling_rule())
                .map(|r| SamplingRuleInfo {
                    name: r.rule_name().unwrap_or_default().to_string(),
                    arn: r.rule_arn().unwrap_or_default().to_string(),
                    priority: f64::from(r.priority),
                    fixed_rate: r.fixed_rate,
                    reservoir_size: f64::from(r.reservoir_size),
                    version: f64::from(r.version),
                    service_name: r.service_name.clone(),
                    service_type: r.service_type.clone(),
                    host: r.host.clone(),
                    http_method: r.http_method.clone(),
                    url_path: r.url_path.clone(),
                    resource_arn: r.resource_arn.clone(),
                    attributes: r
                        .attributes()
                        .map(|a| a.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                        .unwrap_or_default(),
                })
                .collect(),
            next: out.next_token().map(str::to_string),
        })
    }

    async fn encryption_config(&self, region: &str) -> Result<EncryptionInfo> {
        let out = self
            .call(
                "xray:GetEncryptionConfig",
                self.xray(region).get_encryption_config().send(),
            )
            .await?;
        let config = out.encryption_config();
        Ok(EncryptionInfo {
            // X-Ray's default when it reports none.
            encryption_type: config
                .and_then(|c| c.r#type())
                .map_or("NONE", |t| t.as_str())
                .to_string(),
            key_id: config.and_then(|c| c.key_id()).map(str::to_string),
            status: config
                .and_then(|c| c.status())
                .map(|s| s.as_str().to_string()),
        })
    }
}

/// Every X-Ray setting of `region`, into `out` (what cannot be read, into `out.unread`).
/// `(partition, account)`: where the settings are, for their addresses.
pub(super) async fn read<A: Xray>(
    api: &A,
    (partition, account): (&str, Option<&str>),
    region: &str,
    out: &mut Collected,
) {
    read_sampling_rules(api, account, region, out).await;
    read_encryption(api, (partition, account), region, out).await;
}

async fn read_sampling_rules<A: Xray>(
    api: &A,
    account: Option<&str>,
    region: &str,
    out: &mut Collected,
) {
    let mut token = None;
    loop {
        match api.sampling_rules(region, token.take()).await {
            Ok(page) => {
                for r in page.items {
                    let text = |s: &str| Setting::known(s.to_string());
                    out.inventory.sampling_rules.push(SamplingRule {
                        meta: meta(account, &r.arn, region),
                        rule_name: text(&r.name),
                        priority: Setting::known(r.priority),
                        fixed_rate: Setting::known(r.fixed_rate),
                        reservoir_size: Setting::known(r.reservoir_size),
                        version: Setting::known(r.version),
                        service_name: text(&r.service_name),
                        service_type: text(&r.service_type),
                        host: text(&r.host),
                        http_method: text(&r.http_method),
                        url_path: text(&r.url_path),
                        resource_arn: text(&r.resource_arn),
                        attributes: Setting {
                            value: Field::Known(r.attributes.clone()),
                            at: None,
                            source: Vec::new(),
                        },
                    });
                }
                match page.next {
                    Some(next) => token = Some(next),
                    None => break,
                }
            }
            Err(error) => {
                out.unread.push(Unread {
                    region: region.into(),
                    what: "X-Ray sampling rules".into(),
                    error,
                });
                break;
            }
        }
    }
}

/// `(partition, account)`: where the configuration is, for its address.
async fn read_encryption<A: Xray>(
    api: &A,
    (partition, account): (&str, Option<&str>),
    region: &str,
    out: &mut Collected,
) {
    match api.encryption_config(region).await {
        Ok(e) => {
            // It has no ARN of its own: an address in ARN form names the region's.
            let id = account.unwrap_or_default();
            let arn = format!("arn:{partition}:xray:{region}:{id}:encryption-config");
            out.inventory.encryption_configs.push(EncryptionConfig {
                meta: meta(account, &arn, region),
                encryption_type: Setting::known(e.encryption_type),
                key_id: e.key_id.map_or_else(Setting::unset, Setting::known),
                status: e.status,
            });
        }
        Err(error) => out.unread.push(Unread {
            region: region.into(),
            what: "X-Ray encryption configuration".into(),
            error,
        }),
    }
}
