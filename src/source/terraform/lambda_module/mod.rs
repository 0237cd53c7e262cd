//! `terraform-aws-modules/lambda/aws` calls whose source is not on disk, emulated from
//! their inputs. Defaults and conditions follow the module's own code
//! (terraform-aws-modules/terraform-aws-lambda `variables.tf`, `main.tf`, `iam.tf`):
//! the function exists when `create && create_function && !create_layer`; its role is
//! `aws_iam_role.lambda[0]` when `create_role`, else `lambda_role`.
//!
//! The parts:
//! - here: which sources are this module, its defaults and the addresses it creates;
//! - `outputs.rs`: its outputs as values, for the evaluator;
//! - `policy.rs`: the policy its `policy_statements` input becomes;
//! - `inventory.rs`: the function, role and policies it creates, for the Inventory.

mod inventory;
mod outputs;
mod policy;

use super::cty::Value;

pub use outputs::output;

pub fn is_source(source: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_registry_and_git_sources() {
        assert!(is_source("terraform-aws-modules/lambda/aws"));
        assert!(is_source(
            "registry.terraform.io/terraform-aws-modules/lambda/aws"
        ));
        assert!(is_source(
            "git::https://github.com/terraform-aws-modules/terraform-aws-lambda.git?ref=v7.0.0"
        ));
        assert!(!is_source(
            "terraform-aws-modules/lambda/aws//modules/alias"
        ));
        assert!(!is_source("terraform-aws-modules/apigateway-v2/aws"));
    }
}
