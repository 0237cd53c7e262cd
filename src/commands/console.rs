//! `xray-setup console`: reads expressions from standard input, prints each value.

use super::{limits, variables};
use crate::cli::{ConsoleArgs, ConsoleFormat};
use anyhow::Result;
use std::io::{BufRead, Write};
use std::process::ExitCode;
use xray_setup::policy::config;
use xray_setup::source::terraform::console::Console;
use xray_setup::source::terraform::eval::{display, json_out};
use xray_setup::source::terraform::{VariableArg, Variables};

pub fn run(args: &ConsoleArgs, command_line: Result<Vec<VariableArg>>) -> Result<ExitCode> {
    // The limits of the config an audit of the directory would use.
    let config = config::load(config::find(&args.dir).as_deref())?;
    let variables = Variables {
        limits: limits([&config]),
        ..variables(command_line, args.variables.workspace.as_deref())?
    };
    let console = Console::open(&args.dir, &variables)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut input = std::io::stdin().lock();
    let mut bytes = Vec::new();
    for number in 1u64.. {
        bytes.clear();
        if input
            .read_until(b'\n', &mut bytes)
            .map_err(|e| anyhow::anyhow!("cannot read standard input: {e}"))?
            == 0
        {
            break;
        }
        let line = match xray_setup::files::utf8(std::mem::take(&mut bytes)) {
            Ok(line) => line,
            Err(at) => {
                out.flush()?;
                anyhow::bail!("standard input:{number}:{}: not valid UTF-8", at.column);
            }
        };
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        let shown = match (console.eval(line), args.format) {
            (Ok(v), ConsoleFormat::Json) => json_out::to_json(&v),
            (Ok(v), ConsoleFormat::Text) => display::show(&v),
            (Err(e), _) => format!("error: {}", e.replace('\n', " ")),
        };
        writeln!(out, "{shown}")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
