//! One file per subcommand, and what they share.

pub mod account;
pub mod audit;
pub mod console;
pub mod cost;
pub mod docs;
pub mod drift;
pub mod enable;
pub mod fix;
pub mod generate;
pub mod preflight;
pub mod rules;

use anyhow::{Result, bail};
use std::io::{IsTerminal, Write};
use xray_setup::atomic;
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
            let Some((name, value)) = raw.split_once('=').filter(|(n, _)| !n.trim().is_empty())
            else {
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

/// `1 finding`, `3 findings`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A finite number ≥ 0 (NaN and infinity, which clap accepts as floats, are not).
pub fn non_negative(x: f64) -> bool {
    x.is_finite() && x >= 0.0
}

/// On SIGINT, SIGTERM or SIGHUP: deletes the temporary files being written
/// ([`atomic::remove_live`]), then ends the process as the signal would have, so that an
/// interrupted `fix --write` or report leaves none in the user's tree. If the handler
/// cannot be installed, signals keep their default action (and the next `fix` sweeps).
#[cfg(unix)]
pub fn remove_temporary_files_on_signal() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            atomic::remove_live();
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            // Only if the signal's default action did not end the process.
            std::process::exit(128 + signal);
        }
    });
}

#[cfg(not(unix))]
pub fn remove_temporary_files_on_signal() {}

/// Writes a report atomically ([`xray_setup::atomic`]): a reader never sees half a report,
/// and no temporary file outlives the run. A new file gets the mode any new file gets
/// (0666 less the umask) and an existing one keeps its own: a temporary file's 0600 would
/// hide a report, a baseline or generated Terraform from the rest of a team. A symlink to
/// a file is written through (the file changes, the link stays); a destination that is
/// not a regular file (a device such as /dev/stdout or /dev/null, a pipe) is written
/// directly, never replaced.
pub fn write_atomically(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    use xray_setup::files::io_reason;
    let shown = path.display();
    let fail = |why: String| anyhow::anyhow!("cannot write {shown}: {why}");
    let mut path = std::borrow::Cow::Borrowed(path);
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => return Err(fail("a directory, not a file".into())),
        // /dev/stdout and /proc/self/fd/N name an open file, which a rename would not
        // reach (and which may be a log written to by others).
        Ok(meta) if !meta.is_file() || path.starts_with("/dev") || path.starts_with("/proc") => {
            let file = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .map_err(|e| fail(io_reason(&e)))?;
            let mut out = std::io::BufWriter::new(file);
            write(&mut out)
                .and_then(|()| out.flush())
                .map_err(|e| fail(io_reason(&e)))?;
            return Ok(());
        }
        Ok(_) if path.is_symlink() => {
            path = std::borrow::Cow::Owned(
                std::fs::canonicalize(&path).map_err(|e| fail(io_reason(&e)))?,
            );
        }
        _ => {}
    }
    if let Some(why) = directory_problem(&path) {
        return Err(fail(why));
    }
    let mode = match std::fs::metadata(&path) {
        Ok(existing) => atomic::Mode::Keep(existing.permissions()),
        Err(_) => atomic::Mode::New,
    };
    atomic::replace(&path, mode, write).map_err(|e| match e {
        atomic::Error::Create(e) => fail(format!(
            "cannot create a file in {}: {}",
            atomic::directory_of(&path).display(),
            io_reason(&e)
        )),
        atomic::Error::Permissions(e) => {
            fail(format!("cannot keep its permissions: {}", io_reason(&e)))
        }
        atomic::Error::Write(e) | atomic::Error::Rename(e) => fail(io_reason(&e)),
    })
}

/// Why a file cannot be created where `path` says: its directory is not one, or is not
/// there; `None` when it is a directory.
pub fn directory_problem(path: &std::path::Path) -> Option<String> {
    let dir = atomic::directory_of(path);
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => None,
        Ok(_) => Some(format!("{} is not a directory", dir.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Some(format!("the directory {} does not exist", dir.display()))
        }
        Err(e) => Some(format!(
            "{}: {}",
            dir.display(),
            xray_setup::files::io_reason(&e)
        )),
    }
}
