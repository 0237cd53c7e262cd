//! `xray-setup generate KIND`.

use super::write_atomically;
use crate::cli::{GenerateArgs, GenerateKind};
use anyhow::{Result, bail};
use std::io::Write;
use std::process::ExitCode;
use xray_setup::generate::{Kind, Params, render};

pub fn run(args: &GenerateArgs) -> Result<ExitCode> {
    let kind = match args.kind {
        GenerateKind::Lambda => Kind::Lambda,
        GenerateKind::RestStage => Kind::RestStage,
        GenerateKind::Iam => Kind::Iam,
        GenerateKind::SamplingRule => Kind::SamplingRule,
        GenerateKind::All => Kind::All,
    };
    let params = Params {
        name: args.name.clone(),
        function_name: args.function_name.clone(),
        runtime: args.runtime.clone(),
        handler: args.handler.clone(),
        filename: args.filename.clone(),
        api_name: args.api_name.clone(),
        stage_name: args.stage_name.clone(),
        role: args.role.clone(),
        rule_name: args.rule_name.clone(),
        priority: args.priority,
        fixed_rate: args.fixed_rate,
        reservoir: args.reservoir,
        service_name: args.service_name.clone(),
        service_type: args.service_type.clone(),
        host: args.host.clone(),
        http_method: args.http_method.clone(),
        url_path: args.url_path.clone(),
        resource_arn: args.resource_arn.clone(),
    };
    let files = render(kind, &params)?;
    let Some(dir) = &args.out else {
        let joined: Vec<&str> = files.iter().map(|(_, text)| text.as_str()).collect();
        std::io::stdout()
            .lock()
            .write_all(joined.join("\n").as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    };
    let shown = dir.display();
    let is_dir = match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => true,
        Ok(_) => bail!("--out {shown}: not a directory"),
        Err(_) => false,
    };
    let existing: Vec<String> = files
        .iter()
        .map(|(name, _)| dir.join(name))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() && !args.force {
        bail!(
            "{} already exist{}; --force replaces {}",
            existing.join(", "),
            if existing.len() == 1 { "s" } else { "" },
            if existing.len() == 1 { "it" } else { "them" }
        );
    }
    if !is_dir {
        std::fs::create_dir_all(dir).map_err(|e| {
            anyhow::anyhow!(
                "--out {shown}: cannot create the directory: {}",
                xray_setup::files::io_reason(&e)
            )
        })?;
    }
    for (name, text) in &files {
        write_atomically(&dir.join(name), |out| out.write_all(text.as_bytes()))?;
        println!("wrote {}", dir.join(name).display());
    }
    Ok(ExitCode::SUCCESS)
}
