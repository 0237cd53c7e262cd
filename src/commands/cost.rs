//! `xray-setup cost`.

use super::{limits, non_negative, variables, write_atomically};
use crate::cli::{CostArgs, CostFormat};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::process::ExitCode;
use xray_setup::cost::{self, Stream};
use xray_setup::policy::Scopes;
use xray_setup::source::terraform::{VariableArg, Variables};

pub fn run(args: &CostArgs, command_line: Result<Vec<VariableArg>>) -> Result<ExitCode> {
    let variables = variables(command_line, args.variables.workspace.as_deref())?;
    let mut traffic = Vec::new();
    for raw in &args.traffic {
        let (service, rps) = raw
            .split_once('=')
            .with_context(|| format!("--traffic {raw:?}: expected SERVICE=RPS"))?;
        let rps: f64 = rps
            .trim()
            .parse()
            .ok()
            .filter(|r: &f64| non_negative(*r))
            .with_context(|| format!("--traffic {raw:?}: RPS must be a number ≥ 0"))?;
        traffic.push(Stream {
            service: Some(service.trim().to_string()),
            requests_per_second: rps,
        });
    }
    let split: f64 = traffic.iter().map(|s| s.requests_per_second).sum();
    for (name, v) in [
        ("--requests-per-second", args.requests_per_second),
        ("--requests-per-day", args.requests_per_day),
    ] {
        if let Some(v) = v.filter(|v| !non_negative(*v)) {
            bail!("{name} must be a number ≥ 0, not {v}");
        }
    }
    let total = match (args.requests_per_second, args.requests_per_day) {
        (Some(rps), _) => Some(rps),
        (None, Some(per_day)) => Some(per_day / 86400.0),
        (None, None) if traffic.is_empty() => Some(100.0),
        (None, None) => None,
    };
    if let Some(total) = total {
        if total < split {
            bail!("--traffic adds up to {split} requests/s, more than the total of {total}");
        }
        if total > split {
            traffic.push(Stream {
                service: None,
                requests_per_second: total - split,
            });
        }
    }
    for (name, v) in [
        ("--scans-per-month", args.scans_per_month),
        (
            "--price-per-million-recorded",
            args.price_per_million_recorded,
        ),
        (
            "--price-per-million-scanned",
            args.price_per_million_scanned,
        ),
        ("--free-recorded", args.free_recorded),
        ("--free-scanned", args.free_scanned),
        ("--default-reservoir", args.default_reservoir),
    ] {
        if !non_negative(v) {
            bail!("{name} must be a number ≥ 0, not {v}");
        }
    }
    if !(0.0..=1.0).contains(&args.default_fixed_rate) {
        bail!(
            "--default-fixed-rate must be from 0 to 1, not {}",
            args.default_fixed_rate
        );
    }
    // The tree is read as the audit reads it: each PATH with its own config's excludes.
    // A sampling rule in an excluded module that an audited root calls still counts: the
    // root deploys it, and the bill is the bill.
    let scopes = Scopes::load(args.config.as_deref(), &args.paths)?;
    let variables = Variables {
        limits: limits(&scopes.configs),
        ..variables
    };
    let scan = xray_setup::scan_terraform(&scopes, &variables)?;
    for w in &scan.warnings {
        eprintln!("warning: {w}");
    }
    let options = cost::Options {
        traffic,
        scans_per_month: args.scans_per_month,
        prices: cost::Prices {
            per_million_recorded: args.price_per_million_recorded,
            per_million_scanned: args.price_per_million_scanned,
            free_recorded: args.free_recorded,
            free_scanned: args.free_scanned,
        },
        default_reservoir: args.default_reservoir,
        default_fixed_rate: args.default_fixed_rate,
    };
    let estimate = cost::estimate(&scan.inventory.sampling_rules, &options);
    let text = match args.format {
        CostFormat::Text => cost::to_text(&estimate),
        CostFormat::Json => format!("{:#}\n", cost::to_json(&estimate)),
    };
    match &args.output {
        Some(path) => write_atomically(path, |out| out.write_all(text.as_bytes()))?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
