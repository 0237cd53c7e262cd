//! One file per subcommand, and what they share.

pub mod account;
pub mod audit;
pub mod console;
pub mod cost;
pub mod docs;
pub mod enable;
pub mod fix;
pub mod generate;
pub mod rules;

use anyhow::{Context, Result, bail};
use std::io::{IsTerminal, Write};
use xray_setup::policy::Config;
use xray_setup::source::terraform::eval::budget::Limits;
use xray_setup::source::terraform::{VariableArg, Variables};

/// `--var` and `--var-file` in command-line order, as Terraform applies them.
pub fn ordered_variables(
    matches: &clap::ArgMatches,
    vars: &[String],
    var_files: &[std::path::PathBuf],
) -> Result<Vec<VariableArg>> {
    let mut ordered: Vec<(usize, VariableArg)> = Vec::new();
    if let Some(indices) = matches.indices_of("vars") {
        for (i, raw) in indices.zip(vars) {
            let Some((name, value)) = raw.split_once('=') else {
                bail!("--var {raw:?}: expected NAME=VALUE");
            };
            ordered.push((
                i,
                VariableArg::Var {
                    name: name.trim().to_string(),
                    value: value.to_string(),
                },
            ));
        }
    }
    if let Some(indices) = matches.indices_of("var_files") {
        for (i, path) in indices.zip(var_files) {
            ordered.push((i, VariableArg::File(path.clone())));
        }
    }
    ordered.sort_by_key(|(i, _)| *i);
    Ok(ordered.into_iter().map(|(_, v)| v).collect())
}

/// Root variables from the command line, `TF_VAR_*` from the environment, and the
/// workspace from `--workspace` or `TF_WORKSPACE`.
pub fn variables(
    command_line: Result<Vec<VariableArg>>,
    workspace: Option<&str>,
) -> Result<Variables> {
    Ok(Variables {
        command_line: command_line?,
        environment: std::env::vars()
            .filter_map(|(k, v)| Some((k.strip_prefix("TF_VAR_")?.to_string(), v)))
            .collect(),
        workspace: workspace
            .map(str::to_string)
            .or_else(|| std::env::var("TF_WORKSPACE").ok().filter(|w| !w.is_empty())),
        aws_region: ["AWS_REGION", "AWS_DEFAULT_REGION"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|r| !r.is_empty())),
        limits: Default::default(),
    })
}

/// The evaluation limits: each the largest any of `configs` sets (a tree that needs more
/// says so in its own `[limits]`), else the default.
pub fn limits<'c>(configs: impl IntoIterator<Item = &'c Config>) -> Limits {
    let mut limits = Limits::default();
    let mut set: [Option<usize>; 4] = [None; 4];
    for c in configs {
        let o = &c.limits;
        for (slot, v) in
            set.iter_mut()
                .zip([o.instances, o.module_instances, o.value_bytes, o.depth])
        {
            *slot = (*slot).max(v);
        }
    }
    let [instances, module_instances, value_bytes, depth] = set;
    limits.instances = instances.unwrap_or(limits.instances);
    limits.module_instances = module_instances.unwrap_or(limits.module_instances);
    limits.value_bytes = value_bytes.unwrap_or(limits.value_bytes);
    limits.depth = depth.unwrap_or(limits.depth);
    limits
}

/// Whether to colour output written to standard output.
pub fn colour(choice: crate::cli::Color, to_stdout: bool) -> bool {
    match choice {
        crate::cli::Color::Always => true,
        crate::cli::Color::Never => false,
        crate::cli::Color::Auto => {
            to_stdout
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// A number ≥ 0 (NaN, which clap accepts as a float, is not).
/// `1 finding`, `3 findings`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn non_negative(x: f64) -> bool {
    x >= 0.0
}

/// Writes a report to a temporary file beside its destination, flushes it to disk, then
/// renames it into place, so a reader never sees half a report and a crash never leaves
/// one. A new file gets the mode any new file gets (0666 less the umask) and an existing
/// one keeps its own: the temporary file's 0600 would hide a report, a baseline or
/// generated Terraform from the rest of a team.
pub fn write_atomically(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let shown = path.display();
    if !dir.is_dir() {
        bail!(
            "cannot write {shown}: the directory {} does not exist",
            dir.display()
        );
    }
    let existing = std::fs::metadata(path).ok().map(|m| m.permissions());
    let mut builder = tempfile::Builder::new();
    builder.prefix(".xray-setup-").suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot write {shown}"))?;
    let mut out = std::io::BufWriter::new(tmp);
    write(&mut out).with_context(|| format!("cannot write {shown}"))?;
    let tmp = out
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("cannot write {shown}"))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("cannot write {shown}"))?;
    if let Some(permissions) = existing {
        std::fs::set_permissions(tmp.path(), permissions)
            .with_context(|| format!("cannot keep the permissions of {shown}"))?;
    }
    tmp.persist(path)
        .with_context(|| format!("cannot write {shown}"))?;
    Ok(())
}
