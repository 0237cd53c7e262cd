//! `terraform-aws-modules/lambda/aws` calls whose source is not on disk, understood from
//! their inputs. Defaults and conditions follow the module's own code
//! (terraform-aws-modules/terraform-aws-lambda `variables.tf`, `main.tf`, `iam.tf`):
//! the function exists when `create && create_function && !create_layer`; its role is
//! `aws_iam_role.lambda[0]` when `create_role`, else `lambda_role`.

use super::super::cty::{Type, Value, Why};
use super::error::R;
use super::{Evaluator, InstId};
use crate::model::Span;

pub fn is_lambda_module_source(source: &str) -> bool {
    let s = source
        .trim_start_matches("git::")
        .trim_start_matches("https://")
        .trim_start_matches("registry.terraform.io/");
    let s = s.split('?').next().unwrap_or(s);
    s == "terraform-aws-modules/lambda/aws"
        || s == "github.com/terraform-aws-modules/terraform-aws-lambda"
        || s == "github.com/terraform-aws-modules/terraform-aws-lambda.git"
}

/// The module's default for an input the call does not set.
pub fn default_input(name: &str) -> Value {
    match name {
        "create" | "create_function" | "create_role" | "putin_khuylo" => Value::Bool(true),
        "create_layer"
        | "attach_tracing_policy"
        | "attach_policy_statements"
        | "attach_policy_json"
        | "attach_policy_jsons"
        | "attach_policy"
        | "attach_policies" => Value::Bool(false),
        "lambda_role" | "function_name" | "role_name" => Value::string(""),
        "number_of_policy_jsons" | "number_of_policies" => Value::int(0),
        _ => Value::null(),
    }
}

/// The addresses of what such a call creates.
pub const FUNCTION: &str = "aws_lambda_function.this[0]";
pub const ROLE: &str = "aws_iam_role.lambda[0]";

pub fn output(ev: &Evaluator, id: InstId, address: &str, name: &str) -> R {
    let after_apply = |resource: &str, attr: &str| {
        Value::unknown(
            Type::String,
            Why::AfterApply {
                address: format!("{address}.{resource}"),
                attr: attr.into(),
            },
        )
    };
    let create_role = ev
        .var(id, "create_role", Span::default())?
        .as_bool()
        .unwrap_or(true);
    Ok(match name {
        "lambda_function_arn" | "lambda_function_invoke_arn" | "lambda_function_qualified_arn" => {
            after_apply(FUNCTION, "arn")
        }
        "lambda_function_name" => ev.var(id, "function_name", Span::default())?,
        "lambda_role_arn" if create_role => after_apply(ROLE, "arn"),
        "lambda_role_arn" => ev.var(id, "lambda_role", Span::default())?,
        "lambda_role_name" if create_role => after_apply(ROLE, "name"),
        _ => Value::unknown(
            Type::Dynamic,
            Why::ModuleNotOnDisk {
                call: address.into(),
                source: "terraform-aws-modules/lambda/aws".into(),
            },
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_registry_and_git_sources() {
        assert!(is_lambda_module_source("terraform-aws-modules/lambda/aws"));
        assert!(is_lambda_module_source(
            "registry.terraform.io/terraform-aws-modules/lambda/aws"
        ));
        assert!(is_lambda_module_source(
            "git::https://github.com/terraform-aws-modules/terraform-aws-lambda.git?ref=v7.0.0"
        ));
        assert!(!is_lambda_module_source(
            "terraform-aws-modules/lambda/aws//modules/alias"
        ));
        assert!(!is_lambda_module_source(
            "terraform-aws-modules/apigateway-v2/aws"
        ));
    }
}
