//! The per-account summary of an account audit: for each account reached (or not), its
//! name, regions, functions, findings by severity and unread parts. The text report
//! prints it as a table when several accounts were audited; the JSON report carries it as
//! `accounts`.

use super::Report;
use crate::finding::Severity;
use crate::model::Inventory;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccountSummary<'a> {
    pub account: &'a str,
    pub name: Option<&'a str>,
    pub regions: &'a [String],
    pub functions: usize,
    pub error: usize,
    pub warning: usize,
    pub note: usize,
    /// Parts that could not be read (each an XR010): 0 when the audit of it is complete.
    pub unread: usize,
}

impl Report<'_> {
    /// One line per account the audit reached or tried to, in the order they were given.
    pub fn accounts(&self) -> Vec<AccountSummary<'_>> {
        let inventory = self.inventory;
        inventory
            .accounts
            .iter()
            .map(|a| {
                let here = |account: Option<&String>| account == Some(&a.id);
                let findings = |s: Severity| {
                    self.findings
                        .iter()
                        .filter(|f| f.severity == s && here(f.account.as_ref()))
                        .count()
                };
                AccountSummary {
                    account: &a.id,
                    name: a.name.as_deref(),
                    regions: &a.regions,
                    functions: inventory
                        .functions
                        .iter()
                        .filter(|f| here(f.meta.account.as_ref()))
                        .count(),
                    error: findings(Severity::Error),
                    warning: findings(Severity::Warning),
                    note: findings(Severity::Note),
                    unread: inventory
                        .unread
                        .iter()
                        .filter(|u| here(u.account.as_ref()))
                        .count(),
                }
            })
            .collect()
    }
}

/// The name the Organization gives an account, when it was audited as one of it.
pub fn account_name<'a>(inventory: &'a Inventory, id: &str) -> Option<&'a str> {
    inventory
        .accounts
        .iter()
        .find(|a| a.id == id)
        .and_then(|a| a.name.as_deref())
}
