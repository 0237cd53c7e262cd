//! Reading an account, or many (`--org`, `--accounts`): the SDK connection, options from
//! the command line, a progress bar on a terminal.

use crate::cli::{AccountArgs, IamStrategyArg};
use anyhow::{Context, Result, bail};
use std::io::IsTerminal;
use xray_setup::aws_client::SdkAccount;
use xray_setup::model::{AccountAudited, Inventory};
use xray_setup::source::aws::estate::{Estate, EstateProgress, Regions, Target, scan_estate};
use xray_setup::source::aws::org::{self, Selection};
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

/// The regions the arguments name: `--region` and `--regions`, `all` meaning those
/// each account has enabled.
pub fn regions(args: &AccountArgs) -> Result<Regions> {
    let mut listed: Vec<String> = args
        .regions
        .iter()
        .chain(&args.region_list)
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect();
    if listed.iter().any(|r| r == "all") {
        if listed.len() > 1 {
            bail!("--regions all reads every enabled region: name no other region with it");
        }
        return Ok(Regions::Enabled);
    }
    listed.dedup();
    Ok(Regions::Listed(listed))
}

/// Whether the arguments name more than the caller's own account.
pub fn many(args: &AccountArgs) -> bool {
    args.org || !args.accounts.is_empty()
}

/// How each account is read, from the arguments (all but the regions).
fn options(args: &AccountArgs) -> Result<Options> {
    if args.concurrency == 0 {
        bail!("--concurrency must be at least 1");
    }
    Ok(Options {
        regions: Vec::new(),
        account: None,
        names: Vec::new(),
        tags: tags(&args.tags)?,
        stages: true,
        xray_settings: true,
        state_machines: true,
        http_stages: true,
        appsync: true,
        aliases: true,
        concurrency: args.concurrency,
        iam: match args.iam_strategy {
            IamStrategyArg::Auto => IamStrategy::Auto,
            IamStrategyArg::PerRole => IamStrategy::PerRole,
            IamStrategyArg::AuthorizationDetails => IamStrategy::AuthorizationDetails,
        },
    })
}

/// Connects to the account the arguments name; the options read it as they say.
pub async fn connect(args: &AccountArgs) -> Result<(SdkAccount, Options)> {
    let mut options = options(args)?;
    let (account, regions) = match regions(args)? {
        Regions::Listed(listed) => SdkAccount::connect(&listed, args.profile.as_deref()).await?,
        Regions::Enabled => {
            let (account, _) = SdkAccount::connect(&[], args.profile.as_deref()).await?;
            let enabled = org::enabled_regions(&account)
                .await
                .map_err(|e| api_error("cannot list the regions the account has enabled", &e))?;
            let account = account.with_regions(&enabled);
            (account, enabled)
        }
    };
    options.regions = regions;
    Ok((account, options))
}

fn api_error(what: &str, e: &xray_setup::aws_client::ApiError) -> anyhow::Error {
    anyhow::anyhow!("{what}: {}: {}", e.operation(), e.message())
}

/// A 12-digit account id, or an error naming the flag and the value.
fn account_id(flag: &str, id: &str) -> Result<String> {
    let id = id.trim();
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        bail!("{flag} {id:?}: an account id is 12 digits");
    }
    Ok(id.to_string())
}

/// The account ids and OUs the arguments name, checked before anything is asked of AWS.
struct Named {
    accounts: Vec<String>,
    exclude: Vec<String>,
    units: Vec<String>,
}

fn named(args: &AccountArgs) -> Result<Named> {
    let exclude = args
        .exclude_accounts
        .iter()
        .map(|id| account_id("--exclude-account", id))
        .collect::<Result<Vec<_>>>()?;
    let mut accounts = Vec::new();
    for id in &args.accounts {
        let id = account_id("--accounts", id)?;
        if !exclude.contains(&id) && !accounts.contains(&id) {
            accounts.push(id);
        }
    }
    if !args.ous.is_empty() && !args.org {
        bail!("--ou chooses accounts of the Organization: it needs --org");
    }
    for unit in &args.ous {
        if !(unit.starts_with("ou-") || unit.starts_with("r-")) {
            bail!("--ou {unit:?}: an OU id starts with ou- (or a root's with r-)");
        }
    }
    Ok(Named {
        accounts,
        exclude,
        units: args.ous.clone(),
    })
}

/// The accounts `--org` or `--accounts` name, less `--exclude-account`.
async fn targets(args: &AccountArgs, named: Named, caller: &SdkAccount) -> Result<Vec<Target>> {
    if args.org {
        let selection = Selection {
            units: named.units,
            exclude: named.exclude,
        };
        let members = org::members(caller, &selection).await.map_err(|e| {
            api_error(
                "cannot list the Organization's accounts (run --org from the management account or a delegated administrator)",
                &e,
            )
        })?;
        return Ok(members
            .into_iter()
            .map(|m| Target {
                id: m.id,
                name: Some(m.name).filter(|n| !n.is_empty()),
            })
            .collect());
    }
    Ok(named
        .accounts
        .into_iter()
        .map(|id| Target { id, name: None })
        .collect())
}

/// The accounts `--org` or `--accounts` name, and how to reach and read each.
pub struct Many {
    pub caller: SdkAccount,
    pub identity: xray_setup::aws_client::Identity,
    pub targets: Vec<Target>,
    pub estate: Estate,
}

/// Connects as the caller and lists the accounts the arguments name.
pub async fn many_accounts(args: &AccountArgs) -> Result<Many> {
    if args.account_concurrency == 0 {
        bail!("--account-concurrency must be at least 1");
    }
    let options = options(args)?;
    let named = named(args)?;
    let regions = regions(args)?;
    if !args.org && named.accounts.is_empty() {
        bail!("every account --accounts names is excluded: nothing to read");
    }
    let base = xray_setup::aws_client::load(args.profile.as_deref()).await?;
    let regions = match regions {
        Regions::Listed(listed) if listed.is_empty() => match base.region() {
            Some(region) => Regions::Listed(vec![region.to_string()]),
            None => bail!("{}", xray_setup::aws_client::ConnectError::NoRegion),
        },
        regions => regions,
    };
    let caller_account = SdkAccount::new(base, "caller", &[]);
    let identity = caller(&caller_account).await?;
    let targets = targets(args, named, &caller_account).await?;
    if targets.is_empty() {
        bail!("no account to audit: the Organization lists none that is ACTIVE and not excluded");
    }
    Ok(Many {
        caller: caller_account,
        identity,
        targets,
        estate: Estate {
            role_name: args.role_name.clone(),
            external_id: args.external_id.clone(),
            regions,
            account_concurrency: args.account_concurrency,
            options,
        },
    })
}

/// The one account `--accounts ID` names, reached through `--role-name`: for commands
/// that compare one account with code (`drift`).
pub async fn one_of_many(args: &AccountArgs) -> Result<(SdkAccount, Options)> {
    let many = many_accounts(args).await?;
    let [target] = many.targets.as_slice() else {
        bail!(
            "drift compares the code with one account, and {} were named: run it once per account (--accounts ID)",
            many.targets.len()
        );
    };
    let sdk =
        xray_setup::source::aws::estate::reach(&many.caller, &many.identity, target, &many.estate)
            .await
            .map_err(|u| {
                anyhow::anyhow!(
                    "cannot read {} in {}: {}: {}",
                    u.what,
                    target.id,
                    u.operation,
                    u.message
                )
            })?;
    let options = Options {
        regions: sdk.regions(),
        account: Some(target.id.clone()),
        ..many.estate.options
    };
    Ok((sdk, options))
}

/// Reads every account `--org` or `--accounts` names, with a progress bar on a terminal.
/// Returns the inventory and the calls made in all.
pub async fn read_many(args: &AccountArgs) -> Result<(Inventory, usize)> {
    let many = many_accounts(args).await?;
    let bar = EstateBar::new(&many.caller, many.targets.len(), &many.estate.regions);
    let inventory = scan_estate(
        &many.caller,
        &many.identity,
        &many.targets,
        &many.estate,
        &bar,
    )
    .await;
    bar.finish();
    Ok((inventory, many.caller.tally().calls()))
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

/// Reads the accounts the arguments describe: the caller's, or those of `--org` or
/// `--accounts`. Returns the inventory and the calls made.
pub fn read(args: &AccountArgs) -> Result<(Inventory, usize)> {
    runtime()?.block_on(async {
        if many(args) {
            return read_many(args).await;
        }
        let (account, options) = connect(args).await?;
        let mut inventory = scan(&account, &options).await;
        let id = inventory.metas().find_map(|m| m.account.clone());
        if let Some(id) = id {
            inventory.accounts.push(AccountAudited {
                id,
                name: None,
                regions: options.regions.clone(),
            });
        }
        Ok((inventory, account.tally().calls()))
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

/// Accounts and regions done of the total, calls made and retries met, on stderr when it
/// is a terminal: an Organization takes minutes.
pub struct EstateBar<'a> {
    bar: Option<indicatif::ProgressBar>,
    tally: &'a xray_setup::aws_client::Tally,
    accounts: usize,
    /// The regions each account is read in; `None` with `--regions all`, where the total
    /// grows as each account tells its regions.
    per_account: Option<usize>,
    done: std::sync::atomic::AtomicUsize,
}

impl<'a> EstateBar<'a> {
    fn new(caller: &'a SdkAccount, accounts: usize, regions: &Regions) -> EstateBar<'a> {
        let per_account = match regions {
            Regions::Listed(listed) => Some(listed.len()),
            Regions::Enabled => None,
        };
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new((accounts * per_account.unwrap_or(0)) as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:30} {pos}/{len} regions · {msg} · {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            bar
        });
        EstateBar {
            bar,
            tally: caller.tally(),
            accounts,
            per_account,
            done: Default::default(),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn refresh(&self) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!(
                "{}/{} accounts · {} calls · {} retries",
                self.done.load(std::sync::atomic::Ordering::Relaxed),
                self.accounts,
                self.tally.calls(),
                self.tally.retries()
            ));
        }
    }
}

impl EstateProgress for EstateBar<'_> {
    fn started(&self, _: &str, regions: usize) {
        if let (Some(bar), None) = (&self.bar, self.per_account) {
            bar.inc_length(regions as u64);
        }
        self.refresh();
    }

    fn finished(&self, _: &str, regions: usize) {
        self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            // An account not reached counts its listed regions as done.
            bar.inc(self.per_account.unwrap_or(regions) as u64);
        }
        self.refresh();
    }
}
