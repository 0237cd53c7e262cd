//! Lambda aliases and the published versions they route to, all in this file: what is
//! read, the call (`Aliases`, a supertrait of `api::Account`), that call over the AWS
//! SDK, and the reader. A published version keeps the tracing configuration it was
//! published with, so the mode that serves an alias's traffic is its versions', not
//! `$LATEST`'s.
//!
//! The cost stays per page, not per function: `ListFunctions` with `FunctionVersion=ALL`
//! lists every version with its configuration, and only a function that has published
//! versions can route an alias to one, so only those are asked for their aliases.

use super::api::{FunctionInfo, Page, all_pages};
use super::collect::{Collected, Unread, meta};
use crate::aws_client::{Result, SdkAccount};
use crate::model::{AliasRoute, LambdaAlias, Setting};
use futures::StreamExt;
use std::collections::{HashMap, HashSet};
use std::future::Future;

#[derive(Debug, Clone, PartialEq)]
pub struct AliasInfo {
    pub name: String,
    pub arn: String,
    /// The version it points to.
    pub version: String,
    /// Other versions and their weights (`RoutingConfig.AdditionalVersionWeights`).
    pub additional: Vec<(String, f64)>,
}

/// The read-only alias call the audit makes.
pub trait Aliases: Sync {
    /// One page of a function's aliases (`ListAliases`).
    fn aliases(
        &self,
        region: &str,
        function: &str,
        marker: Option<String>,
    ) -> impl Future<Output = Result<Page<AliasInfo>>> + Send;
}

impl Aliases for SdkAccount {
    async fn aliases(
        &self,
        region: &str,
        function: &str,
        marker: Option<String>,
    ) -> Result<Page<AliasInfo>> {
        let out = self
            .call(
                "lambda:ListAliases",
                self.lambda(region)
                    .list_aliases()
                    .function_name(function)
                    .set_marker(marker)
                    .send(),
            )
            .await?;
        Ok(Page {
            items: out
                .aliases()
                .iter()
                .map(|a| AliasInfo {
                    name: a.name().unwrap_or_default().to_string(),
                    arn: a.alias_arn().unwrap_or_default().to_string(),
                    version: a.function_version().unwrap_or_default().to_string(),
                    additional: a
                        .routing_config()
                        .and_then(|r| r.additional_version_weights())
                        .map(|w| w.iter().map(|(v, w)| (v.clone(), *w)).collect())
                        .unwrap_or_default(),
                })
                .collect(),
            next: out.next_marker().map(str::to_string),
        })
    }
}

/// The routes of an alias: its own version takes what the additional ones leave.
fn routes(alias: &AliasInfo) -> Vec<(String, f64)> {
    let rest: f64 = alias.additional.iter().map(|(_, w)| w).sum();
    let mut routes = vec![(alias.version.clone(), (1.0 - rest).max(0.0))];
    routes.extend(alias.additional.iter().cloned());
    routes
}

/// The aliases of the `functions` (region, `$LATEST`) that have `published` versions,
/// with the mode of each version they route to, into `out`.
pub(super) async fn read<A: Aliases>(
    api: &A,
    account: Option<&str>,
    functions: &[(String, FunctionInfo)],
    published: &[(String, FunctionInfo)],
    concurrency: usize,
    out: &mut Collected,
) {
    // (region, function name, version) -> the version's mode.
    let mut modes: HashMap<(&str, &str, &str), &str> = HashMap::new();
    for (region, v) in published {
        modes.insert(
            (region, &v.name, &v.version),
            v.mode.as_deref().unwrap_or("PassThrough"),
        );
    }
    let has_versions: HashSet<(&str, &str)> = published
        .iter()
        .map(|(region, v)| (region.as_str(), v.name.as_str()))
        .collect();
    let with_versions: Vec<&(String, FunctionInfo)> = functions
        .iter()
        .filter(|(region, f)| has_versions.contains(&(region.as_str(), f.name.as_str())))
        .collect();
    let read: Vec<_> = futures::stream::iter(with_versions)
        .map(|(region, f)| async move {
            let aliases = all_pages(|marker| api.aliases(region, &f.name, marker)).await;
            (region, f, aliases)
        })
        .buffered(concurrency)
        .collect()
        .await;
    for (region, f, aliases) in read {
        let aliases = match aliases {
            Ok(aliases) => aliases,
            Err(error) => {
                out.unread.push(Unread {
                    region: region.clone(),
                    what: format!("the aliases of {}", f.name),
                    error,
                });
                continue;
            }
        };
        for alias in aliases {
            let routes = routes(&alias)
                .into_iter()
                .map(|(version, weight)| {
                    let tracing_mode = if version == "$LATEST" {
                        f.mode.as_deref().unwrap_or("PassThrough")
                    } else {
                        // A version the listing did not show (published since): unknown,
                        // so not judged.
                        match modes.get(&(region.as_str(), f.name.as_str(), version.as_str())) {
                            Some(mode) => mode,
                            None => "",
                        }
                    };
                    AliasRoute {
                        arn: format!("{}:{version}", f.arn),
                        version,
                        weight,
                        tracing_mode: tracing_mode.to_string(),
                    }
                })
                .filter(|r| !r.tracing_mode.is_empty())
                .collect();
            out.inventory.aliases.push(LambdaAlias {
                meta: meta(account, &alias.arn, region),
                name: Setting::known(alias.name),
                function: Setting::known(f.name.clone()),
                routes,
            });
        }
    }
}
