//! The outputs of an emulated lambda module call, as references to them evaluate: ARNs
//! known only after apply, names from the inputs that set them.

use super::super::cty::{Type, Value, Why};
use super::super::eval::error::R;
use super::super::eval::{Evaluator, InstId};
use super::{FUNCTION, ROLE};
use crate::model::Span;

/// Output `name` of the call instance `id` at `address`.
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
