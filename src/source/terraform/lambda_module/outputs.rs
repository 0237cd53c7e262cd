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

#[cfg(test)]
mod tests {
    use super::super::super::eval::{CallInstances, Inputs};
    use super::super::super::testing::{eval, json, tree};
    use super::*;

    const CALLS: &str = r#"
module "own_role" {
  source        = "terraform-aws-modules/lambda/aws"
  function_name = "f"
}
module "given_role" {
  source        = "terraform-aws-modules/lambda/aws"
  function_name = "g"
  create_role   = false
  lambda_role   = "arn:aws:iam::123456789012:role/r"
}
"#;

    #[test]
    fn outputs_are_the_inputs_or_known_after_apply() {
        let t = tree(&[("main.tf", CALLS)]);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        let out = |text: &str| eval(&ev, Evaluator::ROOT, text).unwrap();
        assert_eq!(json(&out("module.own_role.lambda_function_name")), r#""f""#);
        assert_eq!(
            out("module.own_role.lambda_role_arn").why(),
            Some(Why::AfterApply {
                address: "module.own_role.aws_iam_role.lambda[0]".into(),
                attr: "arn".into()
            })
        );
        assert_eq!(
            json(&out("module.given_role.lambda_role_arn")),
            r#""arn:aws:iam::123456789012:role/r""#
        );
        assert_eq!(
            out("module.given_role.lambda_function_arn").why(),
            Some(Why::AfterApply {
                address: "module.given_role.aws_lambda_function.this[0]".into(),
                attr: "arn".into()
            })
        );
    }

    #[test]
    fn an_input_the_call_does_not_set_has_the_modules_default() {
        let t = tree(&[("main.tf", CALLS)]);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        let CallInstances::Known(list) = &*ev.call(Evaluator::ROOT, "own_role").unwrap().1 else {
            panic!("module.own_role is not known");
        };
        let var = |name: &str| ev.var(list[0].1, name, Span::default()).unwrap();
        assert_eq!(var("create_role"), Value::Bool(true));
        assert_eq!(var("attach_tracing_policy"), Value::Bool(false));
        assert_eq!(var("function_name"), Value::string("f"));
    }
}
