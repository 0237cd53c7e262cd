//! `xray-setup completions SHELL` and `xray-setup man DIR`: generated from the same
//! command-line definitions as the parser, so they never drift.

use crate::cli::Cli;
use anyhow::Result;
use clap::CommandFactory;
use std::path::Path;
use xray_setup::files::io_reason;

pub fn completions(shell: clap_complete::Shell) {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "xray-setup", &mut std::io::stdout());
}

/// Writes `xray-setup.1` and `xray-setup-SUBCOMMAND.1` into `dir`.
pub fn man(dir: &Path) -> Result<()> {
    let fail =
        |why: String| anyhow::anyhow!("cannot write man pages into {}: {why}", dir.display());
    match std::fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => return Err(fail("not a directory".into())),
        Ok(_) => {}
        Err(_) => std::fs::create_dir_all(dir).map_err(|e| fail(io_reason(&e)))?,
    }
    clap_mangen::generate_to(Cli::command(), dir).map_err(|e| fail(io_reason(&e)))?;
    Ok(())
}
