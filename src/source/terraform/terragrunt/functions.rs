//! Terragrunt's functions, on top of Terraform's (terragrunt.gruntwork.io/docs/
//! reference/hcl/functions). What only a run can tell (the environment, the caller's AWS
//! account, a command's output) is unknown and says so.

use super::super::cty::{Type, Value, Why};
use super::super::eval::functions::{Function, Param, Result, Returns};
use super::super::load::relative;
use super::scope::{Scope, refused};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// Every Terragrunt function, each calling back into the scope it is evaluated in.
macro_rules! contextual {
    ($($name:literal),* $(,)?) => {
        HashMap::from([$(($name, Function {
            params: Vec::new(),
            var_param: Some(Param::new("args", Type::Dynamic).null().dynamic()),
            returns: Returns::Static(Type::Dynamic),
            imp: |host, args, _| host.context_call($name, args),
        }),)*])
    };
}

static FUNCTIONS: LazyLock<HashMap<&'static str, Function>> = LazyLock::new(|| {
    contextual!(
        "find_in_parent_folders",
        "path_relative_to_include",
        "path_relative_from_include",
        "get_terragrunt_dir",
        "get_original_terragrunt_dir",
        "get_parent_terragrunt_dir",
        "get_working_dir",
        "get_repo_root",
        "get_path_from_repo_root",
        "get_path_to_repo_root",
        "get_env",
        "get_platform",
        "get_aws_account_id",
        "get_aws_account_alias",
        "get_aws_caller_identity_arn",
        "get_aws_caller_identity_user_id",
        "get_terraform_command",
        "get_terraform_cli_args",
        "get_terraform_commands_that_need_vars",
        "get_terraform_commands_that_need_input",
        "get_terraform_commands_that_need_locking",
        "get_terraform_commands_that_need_parallelism",
        "get_default_retryable_errors",
        "get_terragrunt_source_cli_flag",
        "run_cmd",
        "sops_decrypt_file",
        "read_tfvars_file",
        "read_terragrunt_config",
        "mark_as_read",
        "constraint_check",
    )
});

pub(super) fn lookup(name: &str) -> Option<&'static Function> {
    FUNCTIONS.get(name)
}

fn string_arg(args: &[Value], i: usize) -> Option<String> {
    args.get(i).and_then(|v| v.as_str()).map(str::to_string)
}

fn strings(items: &[&str]) -> Value {
    Value::list(Type::String, items.iter().map(Value::string).collect())
}

fn path_value(p: &Path) -> Value {
    Value::string(super::super::load::slash(p))
}

/// Known only when Terragrunt runs.
fn at_run(what: String, hint: &str) -> Value {
    Value::unknown(
        Type::Dynamic,
        Why::Terragrunt {
            what,
            hint: hint.into(),
        },
    )
}

const AWS_HINT: &str = "the value depends on the credentials Terragrunt runs with";

pub(super) fn call(scope: &Scope, name: &str, args: &[Value]) -> Result<Value> {
    let run = scope.run;
    Ok(match name {
        "find_in_parent_folders" => {
            let wanted = string_arg(args, 0).unwrap_or_else(|| super::UNIT_FILE.to_string());
            match find_up(&scope.dir, &wanted) {
                Some(found) => path_value(&found),
                None => match args.get(1) {
                    Some(fallback) => fallback.clone(),
                    None => {
                        return Err(refused(format!(
                            "ParentFileNotFoundError: could not find a {wanted} in any of the parent folders of {}",
                            run.files.borrow().show(&scope.dir)
                        )));
                    }
                },
            }
        }
        "path_relative_to_include" => {
            Value::string(relative(&include_dir(scope, args)?, &run.unit_dir))
        }
        "path_relative_from_include" => {
            Value::string(relative(&run.unit_dir, &include_dir(scope, args)?))
        }
        "get_terragrunt_dir" => path_value(&scope.dir),
        "get_original_terragrunt_dir" => path_value(&run.unit_dir),
        "get_parent_terragrunt_dir" => path_value(&include_dir(scope, args)?),
        "get_working_dir" => at_run(
            "get_working_dir(): the directory Terragrunt downloads the module into".into(),
            "it is under the unit's .terragrunt-cache when Terragrunt runs",
        ),
        "get_repo_root" | "get_path_from_repo_root" | "get_path_to_repo_root" => {
            match find_up_dir(&run.unit_dir, ".git") {
                Some(root) => match name {
                    "get_repo_root" => path_value(&root),
                    "get_path_from_repo_root" => Value::string(relative(&root, &run.unit_dir)),
                    _ => Value::string(relative(&run.unit_dir, &root)),
                },
                None => at_run(
                    format!("{name}(): the unit is not inside a git repository here"),
                    "audit the tree inside its git repository",
                ),
            }
        }
        "get_env" => {
            let var = string_arg(args, 0).unwrap_or_default();
            at_run(
                format!("get_env(\"{var}\"): the environment Terragrunt runs in"),
                "set the value in the configuration, or pass the variable it feeds with --var",
            )
        }
        "get_platform" => at_run(
            "get_platform(): the operating system Terragrunt runs on".into(),
            "it is known only where Terragrunt runs",
        ),
        "get_aws_account_id"
        | "get_aws_account_alias"
        | "get_aws_caller_identity_arn"
        | "get_aws_caller_identity_user_id" => at_run(
            format!("{name}(): the AWS caller Terragrunt runs as"),
            AWS_HINT,
        ),
        // The audit reads the configuration as `terragrunt plan` does.
        "get_terraform_command" => Value::string("plan"),
        // Terragrunt's lists (cli/commands/... `TerraformCommandsNeedVars` and siblings).
        "get_terraform_commands_that_need_vars" => strings(&[
            "apply", "console", "destroy", "import", "plan", "push", "refresh",
        ]),
        "get_terraform_commands_that_need_input" => {
            strings(&["apply", "import", "init", "plan", "refresh"])
        }
        "get_terraform_commands_that_need_locking" => strings(&[
            "apply", "destroy", "import", "init", "plan", "refresh", "taint", "untaint",
        ]),
        "get_terraform_commands_that_need_parallelism" => strings(&["apply", "plan", "destroy"]),
        "get_terraform_cli_args" | "get_default_retryable_errors" => at_run(
            format!("{name}(): depends on how Terragrunt is invoked"),
            "it is known only where Terragrunt runs",
        ),
        "get_terragrunt_source_cli_flag" => Value::string(""),
        "mark_as_read" => args.first().cloned().unwrap_or_else(Value::null),
        "read_terragrunt_config" => {
            let Some(path) = string_arg(args, 0) else {
                return Err(refused("read_terragrunt_config() needs a path"));
            };
            super::config::read(scope, &path, args.get(1))?
        }
        _ => Value::unknown(
            Type::Dynamic,
            Why::Function {
                name: name.to_string(),
            },
        ),
    })
}

/// The directory of the include `args[0]` names, else of the one being evaluated, else
/// the unit's only (or first) include; the unit's own directory when it has none.
fn include_dir(scope: &Scope, args: &[Value]) -> Result<PathBuf> {
    let includes = scope.run.includes.borrow();
    let wanted = string_arg(args, 0).or_else(|| scope.include.clone());
    match wanted {
        Some(name) => includes
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| d.clone())
            .ok_or_else(|| refused(format!("there is no include block named {name:?}"))),
        None => Ok(includes
            .first()
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| scope.run.unit_dir.clone())),
    }
}

/// `wanted` (a file or directory, possibly with `/`) in the nearest folder above `dir`.
fn find_up(dir: &Path, wanted: &str) -> Option<PathBuf> {
    dir.ancestors()
        .skip(1)
        .map(|d| d.join(wanted))
        .find(|p| p.exists())
}

/// The nearest directory at or above `dir` holding `marker`.
fn find_up_dir(dir: &Path, marker: &str) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(marker).exists())
        .map(Path::to_path_buf)
}
