//! `xray-setup rules`.

use anyhow::{Result, bail};
use std::io::Write;
use xray_setup::rules;

pub fn run(rule: Option<&str>) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match rule {
        Some(key) => {
            let Some(r) = rules::find(key) else {
                bail!("no rule {key:?}; `xray-setup rules` lists them");
            };
            write!(out, "{}", r.doc)?;
        }
        None => {
            for r in rules::RULES {
                writeln!(
                    out,
                    "{:<6} {:<8} {:<34} {}",
                    r.code,
                    r.severity.as_str(),
                    r.name,
                    r.summary
                )?;
            }
        }
    }
    Ok(())
}
