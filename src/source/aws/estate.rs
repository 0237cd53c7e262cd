//! Many accounts at once (`--org`, `--accounts`): each reached by assuming a role from the
//! caller's credentials (the caller's own account as itself), its regions listed or asked
//! of it (`--regions all`), read as one account is, several at a time, each with its own
//! retry budget (`SdkAccount`'s retry partition). An account that cannot be reached, or
//! whose regions cannot be listed, is an unread part of it (XR010); the others are read
//! in full. The result is one Inventory, every item naming its account.

use super::collect::{Options, Quiet};
use super::org::enabled_regions;
use crate::aws_client::{ApiError, Identity, SdkAccount};
use crate::model::{AccountAudited, Inventory, UnreadPart};
use futures::StreamExt;

/// The regions to read in each account.
#[derive(Debug, Clone, PartialEq)]
pub enum Regions {
    Listed(Vec<String>),
    /// Those the account has enabled (`account:ListRegions`).
    Enabled,
}

#[derive(Debug, Clone)]
pub struct Estate {
    /// The role to assume in each account: a name (with its path, if any).
    pub role_name: String,
    pub external_id: Option<String>,
    pub regions: Regions,
    /// Accounts read at once.
    pub account_concurrency: usize,
    /// How each account is read (its `regions` and `account` are set per account).
    pub options: Options,
}

/// An account to read.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: String,
    pub name: Option<String>,
}

/// Progress across accounts, for a progress bar.
pub trait EstateProgress: Sync {
    /// An account was reached and will be read in `regions` regions.
    fn started(&self, account: &str, regions: usize);
    /// An account is done (read, or found unreachable).
    fn finished(&self, account: &str, regions: usize);
}

/// Reads every target; `caller` is who runs the audit.
pub async fn scan_estate(
    caller: &SdkAccount,
    identity: &Identity,
    targets: &[Target],
    estate: &Estate,
    progress: &dyn EstateProgress,
) -> Inventory {
    let mut read: Vec<(usize, Inventory)> = futures::stream::iter(targets.iter().enumerate())
        .map(|(i, target)| async move {
            let inventory = scan_one(caller, identity, target, estate, progress).await;
            (i, inventory)
        })
        .buffer_unordered(estate.account_concurrency.max(1))
        .collect()
        .await;
    // In the order the targets were given, whichever finished first.
    read.sort_by_key(|(i, _)| *i);
    let mut all = Inventory::default();
    for (_, inventory) in read {
        all.absorb(inventory);
    }
    all
}

/// The role `role_name` in `account`, in the caller's partition.
pub fn role_arn(identity: &Identity, account: &str, role_name: &str) -> String {
    format!(
        "arn:{}:iam::{account}:role/{}",
        identity.partition,
        role_name.trim_matches('/')
    )
}

/// The account `target` names, reached: by assuming the role in it (the caller's own
/// account as itself), with clients for its regions (asked of it with `--regions all`).
/// `Err` is what stopped it, as the unread part to report.
pub async fn reach(
    caller: &SdkAccount,
    identity: &Identity,
    target: &Target,
    estate: &Estate,
) -> Result<SdkAccount, UnreadPart> {
    let listed = match &estate.regions {
        Regions::Listed(regions) => regions.clone(),
        Regions::Enabled => Vec::new(),
    };
    let unread = |what: String, error: ApiError| UnreadPart {
        account: Some(target.id.clone()),
        region: "global".into(),
        what,
        operation: error.operation().to_string(),
        message: error.message().to_string(),
        denied: matches!(error, ApiError::Denied { .. }),
    };
    let account = if target.id == identity.account {
        caller.again(&target.id, &listed)
    } else {
        let role = role_arn(identity, &target.id, &estate.role_name);
        caller
            .assume(&role, estate.external_id.as_deref(), &target.id, &listed)
            .await
            .map_err(|e| {
                unread(
                    format!("the account: {} could not assume {role}", identity.arn),
                    e,
                )
            })?
    };
    match &estate.regions {
        Regions::Listed(_) => Ok(account),
        Regions::Enabled => match enabled_regions(&account).await {
            Ok(enabled) => Ok(account.with_regions(&enabled)),
            Err(error) => Err(unread("the regions the account has enabled".into(), error)),
        },
    }
}

async fn scan_one(
    caller: &SdkAccount,
    identity: &Identity,
    target: &Target,
    estate: &Estate,
    progress: &dyn EstateProgress,
) -> Inventory {
    let mut inventory = Inventory::default();
    let mut regions = Vec::new();
    match reach(caller, identity, target, estate).await {
        Err(unread) => inventory.unread.push(unread),
        Ok(account) => {
            regions = account.regions();
            progress.started(&target.id, regions.len());
            let options = Options {
                regions: regions.clone(),
                account: Some(target.id.clone()),
                ..estate.options.clone()
            };
            inventory = super::scan(&account, &options, &Quiet).await;
        }
    }
    progress.finished(&target.id, regions.len());
    inventory.accounts.push(AccountAudited {
        id: target.id.clone(),
        name: target.name.clone(),
        regions,
    });
    inventory
}
