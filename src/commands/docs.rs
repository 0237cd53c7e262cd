//! `xray-setup completions SHELL` and `xray-setup man DIR`: generated from the same
//! command-line definitions as the parser, so they never drift.

use crate::cli::Cli;
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::path::Path;

pub fn completions(shell: clap_complete::Shell) {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "xray-setup", &mut std::io::stdout());
}

/// Writes `xray-setup.1` and `xray-setup-SUBCOMMAND.1` into `dir`.
pub fn man(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    clap_mangen::generate_to(Cli::command(), dir)
        .with_context(|| format!("cannot write man pages into {}", dir.display()))?;
    Ok(())
}
