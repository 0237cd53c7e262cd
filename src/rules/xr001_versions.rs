//! XR001 for published versions behind aliases: a version keeps the tracing mode it was
//! published with, so an alias that routes to a version published before Active was
//! turned on serves untraced invocations even when `$LATEST` is Active. One finding per
//! version, naming every alias (and its share) that routes to it.

use super::Context;
use super::xr001::RULE;
use crate::finding::Finding;
use crate::model::Meta;
use std::collections::BTreeMap;

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    // Version ARN -> (a meta to report at, its mode, the aliases routing to it).
    let mut versions: BTreeMap<&str, (&Meta, &str, &str, Vec<String>)> = BTreeMap::new();
    for alias in &cx.inventory.aliases {
        let Some(name) = alias.name.value.known() else {
            continue;
        };
        for route in &alias.routes {
            // `$LATEST` is the function's own finding.
            if route.version == "$LATEST" || route.tracing_mode == "Active" {
                continue;
            }
            let entry = versions.entry(&route.arn).or_insert((
                &alias.meta,
                &route.version,
                &route.tracing_mode,
                Vec::new(),
            ));
            entry.3.push(format!(
                "`{name}` ({:.0}% of its traffic)",
                route.weight * 100.0
            ));
        }
    }
    for (arn, (alias_meta, version, mode, aliases)) in versions {
        let function = arn.rsplit_once(':').map_or(arn, |(f, _)| f);
        let message = format!(
            "version {version} of `{function}` has tracing mode \"{mode}\" and takes invocations from alias{} {}: a published version keeps the configuration it was published with, so Active tracing on the function does not reach it; publish a new version once the function is Active and point the alias{} at it (`xray-setup enable` prints the commands)",
            if aliases.len() == 1 { "" } else { "es" },
            aliases.join(", "),
            if aliases.len() == 1 { "" } else { "es" },
        );
        let meta = Meta {
            address: arn.to_string(),
            origin: Some(crate::model::Origin::Account {
                arn: arn.to_string(),
                region: alias_meta
                    .region
                    .as_ref()
                    .map(|r| r.provider.clone())
                    .unwrap_or_default(),
            }),
            ..alias_meta.clone()
        };
        out.push(RULE.finding(&meta, None, message));
    }
}
