//! The accounts of an AWS Organization, all in this file: the Organizations calls
//! (`Organization`), those calls over the AWS SDK, and which accounts an audit of
//! `--org` (narrowed by `--ou` and `--exclude-account`) or `--accounts` reaches.
//! The regions an account has enabled (`--regions all`) are here too: they are asked of
//! each account the same way.

use super::api::{Page, all_pages};
use crate::aws_client::{ApiError, Result, SdkAccount};
use std::collections::BTreeSet;
use std::future::Future;

/// An account of the Organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    pub name: String,
    /// ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED (the account's `State`, else its
    /// older `Status`).
    pub state: String,
}

/// The read-only Organizations calls (made from the management account or a delegated
/// administrator) and the Account service's `ListRegions`.
pub trait Organization: Sync {
    /// Every account of the Organization, one page (`ListAccounts`).
    fn accounts(&self, token: Option<String>) -> impl Future<Output = Result<Page<Member>>> + Send;
    /// The accounts directly under a root or OU, one page (`ListAccountsForParent`).
    fn accounts_under(
        &self,
        parent: &str,
        token: Option<String>,
    ) -> impl Future<Output = Result<Page<Member>>> + Send;
    /// The OUs directly under a root or OU, one page (`ListOrganizationalUnitsForParent`).
    fn units_under(
        &self,
        parent: &str,
        token: Option<String>,
    ) -> impl Future<Output = Result<Page<String>>> + Send;
    /// The regions enabled in the caller's account, one page (`account:ListRegions`,
    /// ENABLED and ENABLED_BY_DEFAULT).
    fn enabled_regions(
        &self,
        token: Option<String>,
    ) -> impl Future<Output = Result<Page<String>>> + Send;
    /// The same from EC2 (`DescribeRegions`, which lists the regions enabled for the
    /// account): where `account:ListRegions` is denied or not served.
    fn ec2_regions(&self) -> impl Future<Output = Result<Vec<String>>> + Send;
}

/// Which accounts to audit.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only the accounts under these OUs (or roots), at any depth; empty: all.
    pub units: Vec<String>,
    pub exclude: Vec<String>,
}

/// The ACTIVE accounts of the Organization the selection names, in id order. Suspended
/// and closing accounts cannot be assumed into and are left out, as Prowler's and
/// c7n-org's recipes do.
pub async fn members<O: Organization>(org: &O, selection: &Selection) -> Result<Vec<Member>> {
    let mut found = if selection.units.is_empty() {
        all_pages(|token| org.accounts(token)).await?
    } else {
        let mut found = Vec::new();
        // Breadth first through the OUs: an OU's accounts, then its child OUs'.
        let mut queue: Vec<String> = selection.units.clone();
        let mut seen = BTreeSet::new();
        while let Some(unit) = queue.pop() {
            if !seen.insert(unit.clone()) {
                continue;
            }
            found.extend(all_pages(|token| org.accounts_under(&unit, token)).await?);
            queue.extend(all_pages(|token| org.units_under(&unit, token)).await?);
        }
        found
    };
    found.retain(|m| m.state == "ACTIVE" && !selection.exclude.contains(&m.id));
    found.sort_by(|a, b| a.id.cmp(&b.id));
    found.dedup_by(|a, b| a.id == b.id);
    Ok(found)
}

/// The regions the account has enabled, sorted: Account Management's `ListRegions`, else
/// EC2's `DescribeRegions`. When both fail, the first error, with the second's message.
pub async fn enabled_regions<O: Organization>(account: &O) -> Result<Vec<String>> {
    let mut regions = match all_pages(|token| account.enabled_regions(token)).await {
        Ok(regions) => regions,
        Err(first) => match account.ec2_regions().await {
            Ok(regions) => regions,
            Err(second) => {
                let message = format!(
                    "{}; and {}: {}",
                    first.message(),
                    second.operation(),
                    second.message()
                );
                return Err(match first {
                    ApiError::Denied { operation, .. } => ApiError::Denied { operation, message },
                    ApiError::Failed { operation, .. } => ApiError::Failed { operation, message },
                });
            }
        },
    };
    regions.sort();
    regions.dedup();
    Ok(regions)
}

fn member(a: &aws_sdk_organizations::types::Account) -> Member {
    let state = match (a.state(), a.status()) {
        (Some(state), _) => state.as_str().to_string(),
        (None, Some(status)) => status.as_str().to_string(),
        (None, None) => String::new(),
    };
    Member {
        id: a.id().unwrap_or_default().to_string(),
        name: a.name().unwrap_or_default().to_string(),
        state,
    }
}

/// A page of `ListAccounts` or `ListAccountsForParent`, which answer alike.
fn member_page(
    accounts: &[aws_sdk_organizations::types::Account],
    next: Option<&str>,
) -> Page<Member> {
    Page {
        items: accounts.iter().map(member).collect(),
        next: next.map(str::to_string),
    }
}

impl Organization for SdkAccount {
    async fn accounts(&self, token: Option<String>) -> Result<Page<Member>> {
        let out = self
            .call(
                "organizations:ListAccounts",
                self.organizations()
                    .list_accounts()
                    .set_next_token(token)
                    .send(),
            )
            .await?;
        Ok(member_page(out.accounts(), out.next_token()))
    }

    async fn accounts_under(&self, parent: &str, token: Option<String>) -> Result<Page<Member>> {
        let out = self
            .call(
                "organizations:ListAccountsForParent",
                self.organizations()
                    .list_accounts_for_parent()
                    .parent_id(parent)
                    .set_next_token(token)
                    .send(),
            )
            .await?;
        Ok(member_page(out.accounts(), out.next_token()))
    }

    async fn units_under(&self, parent: &str, token: Option<String>) -> Result<Page<String>> {
        let out = self
            .call(
                "organizations:ListOrganizationalUnitsForParent",
                self.organizations()
                    .list_organizational_units_for_parent()
                    .parent_id(parent)
                    .set_next_token(token)
                    .send(),
            )
            .await?;
        Ok(Page {
            items: out
                .organizational_units()
                .iter()
                .filter_map(|u| u.id().map(str::to_string))
                .collect(),
            next: out.next_token().map(str::to_string),
        })
    }

    async fn enabled_regions(&self, token: Option<String>) -> Result<Page<String>> {
        use aws_sdk_account::types::RegionOptStatus;
        let out = self
            .call(
                "account:ListRegions",
                self.account()
                    .list_regions()
                    .region_opt_status_contains(RegionOptStatus::Enabled)
                    .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
                    .set_next_token(token)
                    .send(),
            )
            .await?;
        Ok(Page {
            items: out
                .regions()
                .iter()
                .filter_map(|r| r.region_name().map(str::to_string))
                .collect(),
            next: out.next_token().map(str::to_string),
        })
    }

    async fn ec2_regions(&self) -> Result<Vec<String>> {
        let out = self
            .call(
                "ec2:DescribeRegions",
                self.ec2().describe_regions().all_regions(false).send(),
            )
            .await?;
        Ok(out
            .regions()
            .iter()
            .filter_map(|r| r.region_name().map(str::to_string))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// An Organization: OUs by parent, accounts by parent.
    struct Fake {
        units: BTreeMap<&'static str, Vec<&'static str>>,
        accounts: BTreeMap<&'static str, Vec<(&'static str, &'static str)>>,
    }

    fn m(id: &str, state: &str) -> Member {
        Member {
            id: id.into(),
            name: format!("n{id}"),
            state: state.into(),
        }
    }

    impl Organization for Fake {
        async fn accounts(&self, _: Option<String>) -> Result<Page<Member>> {
            Ok(Page {
                items: self
                    .accounts
                    .values()
                    .flatten()
                    .map(|(id, s)| m(id, s))
                    .collect(),
                next: None,
            })
        }
        async fn accounts_under(&self, parent: &str, _: Option<String>) -> Result<Page<Member>> {
            Ok(Page {
                items: self
                    .accounts
                    .get(parent)
                    .into_iter()
                    .flatten()
                    .map(|(id, s)| m(id, s))
                    .collect(),
                next: None,
            })
        }
        async fn units_under(&self, parent: &str, _: Option<String>) -> Result<Page<String>> {
            Ok(Page {
                items: self
                    .units
                    .get(parent)
                    .into_iter()
                    .flatten()
                    .map(|u| u.to_string())
                    .collect(),
                next: None,
            })
        }
        async fn enabled_regions(&self, _: Option<String>) -> Result<Page<String>> {
            Err(ApiError::Denied {
                operation: "account:ListRegions",
                message: "no".into(),
            })
        }
        async fn ec2_regions(&self) -> Result<Vec<String>> {
            Ok(vec!["us-east-1".into(), "eu-west-1".into()])
        }
    }

    fn run(fake: &Fake, selection: Selection) -> Vec<String> {
        let members = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(members(fake, &selection))
            .unwrap();
        members.into_iter().map(|m| m.id).collect()
    }

    #[test]
    fn regions_come_from_ec2_where_list_regions_is_denied() {
        let fake = Fake {
            units: BTreeMap::new(),
            accounts: BTreeMap::new(),
        };
        let regions = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(enabled_regions(&fake))
            .unwrap();
        assert_eq!(regions, ["eu-west-1", "us-east-1"]);
    }

    #[test]
    fn active_accounts_under_the_units_at_any_depth_less_the_excluded() {
        let fake = Fake {
            units: BTreeMap::from([("r", vec!["ou-a", "ou-b"]), ("ou-a", vec!["ou-a1"])]),
            accounts: BTreeMap::from([
                ("r", vec![("1", "ACTIVE")]),
                ("ou-a", vec![("2", "ACTIVE"), ("3", "SUSPENDED")]),
                ("ou-a1", vec![("4", "ACTIVE"), ("5", "ACTIVE")]),
                ("ou-b", vec![("6", "ACTIVE")]),
            ]),
        };
        assert_eq!(run(&fake, Selection::default()), ["1", "2", "4", "5", "6"]);
        let under_a = Selection {
            units: vec!["ou-a".into()],
            exclude: vec!["5".into()],
        };
        assert_eq!(run(&fake, under_a), ["2", "4"]);
        let overlapping = Selection {
            units: vec!["ou-a".into(), "ou-a1".into()],
            exclude: Vec::new(),
        };
        assert_eq!(run(&fake, overlapping), ["2", "4", "5"]);
    }
}
