//! A live AWS account as a source: the same Inventory, read through the AWS SDK.

pub mod aliases;
pub mod api;
pub mod appsync;
pub mod collect;
pub mod estate;
pub mod http_apis;
pub mod org;
pub mod sdk;
pub mod states;
pub mod xray;

pub use collect::{IamStrategy, Options, Progress, Quiet, Unread, collect};

use crate::aws_client::ApiError;
use crate::model::{Inventory, UnreadPart};

/// Reads the account into an Inventory; parts that could not be read are listed in
/// `Inventory::unread`.
pub async fn scan<A: api::Account>(
    account: &A,
    options: &Options,
    progress: &dyn Progress,
) -> Inventory {
    let collected = collect(account, options, progress).await;
    let mut inventory = collected.inventory;
    inventory.unread = collected
        .unread
        .into_iter()
        .map(|u| UnreadPart {
            account: collected.account.clone(),
            region: u.region,
            what: u.what,
            operation: u.error.operation().to_string(),
            message: u.error.message().to_string(),
            denied: matches!(u.error, ApiError::Denied { .. }),
        })
        .collect();
    inventory
}
