//! What reading and writing an account share: the SDK connection and its configuration
//! ([`SdkAccount`]), why a call failed ([`ApiError`]), and whom the credentials reach
//! ([`Identity`]).

mod assume;
mod error;
mod identity;
mod sdk;
mod tally;

pub use error::{ApiError, Result};
pub use identity::{Identity, arn_account, arn_partition};
pub use sdk::{ConnectError, SdkAccount, load};
pub use tally::Tally;
