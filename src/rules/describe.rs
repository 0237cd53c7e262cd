//! Words for where a setting's value comes from, shared by the rules' messages.

use crate::finding::Related;
use crate::model::{Inventory, Origin, Step, StepKind};

/// The place that decides a value, e.g. "the default of variable `mode` in
/// modules/fn/variables.tf"; `None` when it is written in place or computed.
pub fn decided_by(inventory: &Inventory, steps: &[Step]) -> Option<String> {
    let last = steps.last().filter(|s| s.literal)?;
    if last.kind == StepKind::Literal {
        return None;
    }
    let file = match &last.origin {
        Some(Origin::File { file, .. }) => inventory
            .files
            .get(file.0 as usize)
            .map(|f| format!(" in {}", f.display))
            .unwrap_or_default(),
        _ => String::new(),
    };
    let unloaded: Vec<&str> = last
        .unloaded_tfvars
        .iter()
        .filter_map(|f| inventory.files.get(f.0 as usize))
        .map(|f| f.display.as_str())
        .collect();
    let unloaded = match unloaded.as_slice() {
        [] => String::new(),
        [one] => format!(
            "; {one} sets it, but Terraform loads that file only with -var-file (xray-setup: --var-file)"
        ),
        many => format!(
            "; {} set it, but Terraform loads those files only with -var-file (xray-setup: --var-file)",
            many.join(", ")
        ),
    };
    Some(match last.kind {
        StepKind::VariableDefault => {
            format!("the default of variable `{}`{file}{unloaded}", last.name)
        }
        StepKind::Tfvars => format!("`{}`{file}", last.name),
        StepKind::ModuleArgument => format!("the module argument `{}`{file}", last.name),
        StepKind::Local => format!("local `{}`{file}", last.name),
        StepKind::CommandLine => format!("`--var {}`", last.name),
        StepKind::Environment => format!("`TF_VAR_{}`", last.name),
        StepKind::TerragruntInput { .. } => format!("the Terragrunt input `{}`{file}", last.name),
        StepKind::Literal => unreachable!(),
    })
}

/// One related location per hop, so a reader can follow the value to its source.
pub fn related(steps: &[Step]) -> Vec<Related> {
    steps
        .iter()
        .filter(|s| s.kind != StepKind::Literal)
        .filter_map(|s| {
            let origin = s.origin.clone()?;
            let message = match s.kind {
                StepKind::VariableDefault => format!("default of variable `{}`", s.name),
                StepKind::Tfvars => format!("`{}` set in a .tfvars file", s.name),
                StepKind::ModuleArgument => format!("module argument `{}`", s.name),
                StepKind::Local => format!("local `{}`", s.name),
                StepKind::TerragruntInput { .. } => format!("Terragrunt input `{}`", s.name),
                _ => return None,
            };
            Some(Related {
                message,
                origin: Some(origin),
            })
        })
        .collect()
}

/// `file:line` of a place in a file, for messages; `None` for anything else.
pub fn place(inventory: &Inventory, origin: Option<&Origin>) -> Option<String> {
    let Some(Origin::File { file, span }) = origin else {
        return None;
    };
    let f = inventory.files.get(file.0 as usize)?;
    Some(format!(
        "{}:{}",
        f.display,
        f.line_col(span.start as usize).0
    ))
}
