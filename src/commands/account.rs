//! Reading an account: the SDK connection, options from the command line, a progress bar
//! on a terminal.

use crate::cli::{AccountArgs, IamStrategyArg};
use anyhow::{Context, Result, bail};
use std::io::IsTerminal;
use xray_setup::aws_client::SdkAccount;
use xray_setup::model::Inventory;
use xray_setup::source::aws::{self, IamStrategy, Options, Progress};

/// `KEY=VALUE` pairs from `--tag`.
pub fn tags(raw: &[String]) -> Result<Vec<(String, String)>> {
    raw.iter()
        .map(|t| {
            t.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .with_context(|| format!("--tag {t:?}: expected KEY=VALUE"))
        })
        .collect()
}

/// The async runtime account commands run on.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("cannot start the async runtime")
}

/// Connects to the account the arguments name; the options read it as they say.
pub async fn connect(args: &AccountArgs) -> Result<(SdkAccount, Options)> {
    if args.concurrency == 0 {
        bail!("--concurrency must be at least 1");
    }
    let tags = tags(&args.tags)?;
    let (account, regions) = SdkAccount::connect(&args.regions, args.profile.as_deref()).await?;
    let options = Options {
        regions,
        names: Vec::new(),
        tags,
        stages: true,
        xray_settings: true,
        state_machines: true,
        http_stages: true,
        appsync: true,
        concurrency: args.concurrency,
        iam: match args.iam_strategy {
            IamStrategyArg::Auto => IamStrategy::Auto,
            IamStrategyArg::PerRole => IamStrategy::PerRole,
            IamStrategyArg::AuthorizationDetails => IamStrategy::AuthorizationDetails,
        },
    };
    Ok((account, options))
}

/// Which account the credentials reach.
pub async fn caller(sdk: &SdkAccount) -> Result<xray_setup::aws_client::Identity> {
    sdk.caller_identity().await.map_err(|e| {
        anyhow::anyhow!(
            "cannot tell which account the credentials reach: {}: {}",
            e.operation(),
            e.message()
        )
    })
}

/// Reads the account, with a spinner on a terminal.
pub async fn scan(account: &SdkAccount, options: &Options) -> Inventory {
    let bar = Bar::new();
    let inventory = aws::scan(account, options, &bar).await;
    bar.finish();
    inventory
}

/// Reads the account the arguments describe. Returns the inventory and the calls made.
pub fn read(
    args: &AccountArgs,
) -> Result<(Inventory, std::collections::BTreeMap<&'static str, usize>)> {
    runtime()?.block_on(async {
        let (account, options) = connect(args).await?;
        let inventory = scan(&account, &options).await;
        Ok((inventory, account.calls()))
    })
}

/// A spinner on stderr when it is a terminal; nothing otherwise.
pub struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    pub fn new() -> Bar {
        if !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Bar(Some(bar))
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn report(&self, phase: &str, count: usize) {
        if let Some(bar) = &self.0 {
            bar.set_message(format!("reading the account: {count} {phase}"));
        }
    }
}
