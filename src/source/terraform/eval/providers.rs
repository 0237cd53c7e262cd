//! Which provider configuration creates a resource, and so in which region: the
//! resource's `provider = aws.ALIAS` (else the default configuration of the provider its
//! type names), declared in the resource's module or passed down by module calls
//! (`providers = { aws = aws.west }`; the default configuration is inherited without it),
//! its `region` argument, else `AWS_REGION` / `AWS_DEFAULT_REGION` as the AWS provider
//! reads them. AWS provider 6's per-resource `region` argument decides over all of that.
//! (Terraform: "Providers Within Modules"; AWS provider: "Enhanced Region Support".)

use super::super::cty::{Type, Value};
use super::super::ir::{Body, Expr, ExprKind, ObjectKey};
use super::super::module::ProviderKey;
use super::{EMPTY, Evaluator, InstId, InstKind};
use crate::model::{Field, Region, Unresolved};

/// A provider configuration, as resources and module calls name it.
#[derive(Clone, PartialEq, Debug)]
struct ConfigName {
    name: String,
    alias: Option<String>,
}

impl ConfigName {
    /// `aws` or `aws.west`, from a reference written `aws.west`.
    fn from_expr(e: &Expr) -> Option<ConfigName> {
        let path = e.reference_path()?;
        Some(ConfigName {
            name: path.first()?.to_string(),
            alias: path.get(1).map(|a| a.to_string()),
        })
    }

    fn shown(&self) -> String {
        match &self.alias {
            Some(a) => format!("{}.{a}", self.name),
            None => self.name.clone(),
        }
    }
}

impl Evaluator<'_> {
    /// The region of a resource (the block `body`, in module instance `id`) whose
    /// arguments evaluated to `attrs`.
    pub fn resource_region(&self, id: InstId, body: &Body, region_arg: Option<&Value>) -> Region {
        // AWS provider 6: a resource's own `region` argument.
        if let Some(v) = region_arg {
            return Region {
                name: field(v, "region"),
                provider: "(the resource's region argument)".into(),
            };
        }
        let config = match body
            .attribute("provider")
            .and_then(|a| ConfigName::from_expr(&a.expr))
        {
            Some(c) => c,
            None => ConfigName {
                name: "aws".into(),
                alias: None,
            },
        };
        self.config_region(id, &config)
    }

    fn config_region(&self, id: InstId, config: &ConfigName) -> Region {
        let inst = self.inst(id);
        if let InstKind::Module(m, _) = inst.kind {
            let key = ProviderKey {
                name: config.name.as_str().into(),
                alias: config.alias.as_deref().map(Into::into),
            };
            if let Some(p) = m.providers.get(&key) {
                let shown = if inst.address.is_empty() {
                    config.shown()
                } else {
                    format!("{}: {}", inst.address, config.shown())
                };
                let name = match p.block.body.attribute("region") {
                    Some(a) => match self.eval_in(&a.expr, p.file_of(a), id, &EMPTY) {
                        Ok(v) => field(&v, &format!("provider {shown} region")),
                        Err(e) => Field::Invalid(e.summary.clone()),
                    },
                    None => self.environment_region(),
                };
                return Region {
                    name,
                    provider: shown,
                };
            }
        }
        // Passed down by the call, or the default configuration inherited.
        if let Some(p) = &inst.parent {
            let passed = p
                .call
                .block
                .body
                .attribute("providers")
                .map(|a| mapping(&a.expr));
            match passed {
                Some(map) => {
                    if let Some((_, parent)) = map.iter().find(|(child, _)| child == config) {
                        return self.config_region(p.inst, parent);
                    }
                }
                None if config.alias.is_none() => return self.config_region(p.inst, config),
                None => {}
            }
        }
        // No configuration anywhere: the provider's defaults (an empty `provider "aws"`).
        Region {
            name: self.environment_region(),
            provider: config.shown(),
        }
    }

    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`, as the AWS provider reads them.
    fn environment_region(&self) -> Field<String> {
        match &self.aws_region {
            Some(r) => Field::Known(r.clone()),
            None => Field::Unknown(Unresolved {
                expression: "provider \"aws\" region".into(),
                why: "the provider configuration sets no region, and neither AWS_REGION nor AWS_DEFAULT_REGION is set".into(),
                hint: Some("set `region` in the provider block, or AWS_REGION".into()),
                partial: None,
            }),
        }
    }
}

/// `providers = { aws = aws.west, aws.east = aws.east }` as (child, parent) pairs.
fn mapping(e: &Expr) -> Vec<(ConfigName, ConfigName)> {
    let ExprKind::Object(items) = &e.kind else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|(k, v)| {
            let child = match k {
                ObjectKey::Name(n) => ConfigName {
                    name: n.to_string(),
                    alias: None,
                },
                ObjectKey::Expr(e) => ConfigName::from_expr(e)?,
            };
            Some((child, ConfigName::from_expr(v)?))
        })
        .collect()
}

fn field(v: &Value, what: &str) -> Field<String> {
    match v {
        Value::String(s) => Field::Known(s.to_string()),
        Value::Null(_) => Field::Unset,
        v if !v.is_known() => {
            let why = v.why().unwrap_or(super::super::cty::Why::Function {
                name: "region".into(),
            });
            Field::Unknown(Unresolved {
                expression: what.into(),
                why: why.describe(),
                hint: why.hint(),
                partial: None,
            })
        }
        v => match super::super::cty::convert::convert(v, &Type::String) {
            Ok(Value::String(s)) => Field::Known(s.to_string()),
            _ => Field::Invalid(format!("a {} is not a region", v.ty().friendly_name())),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{TestTree, tree};
    use super::super::{CallInstances, Inputs};
    use super::*;

    /// The region of resource `aws_sqs_queue.NAME` of module `dir`, in instance `id`.
    fn region(ev: &Evaluator, t: &TestTree, dir: &str, id: InstId, name: &str) -> Region {
        let m = &t.tree.modules[t.module(dir)];
        let r = m
            .resources
            .values()
            .find(|r| &*r.key.name == name)
            .expect("the resource");
        ev.resource_region(id, &r.block.body, None)
    }

    fn known(name: &str, provider: &str) -> Region {
        Region {
            name: Field::Known(name.into()),
            provider: provider.into(),
        }
    }

    /// The single instance of module call `name` of the root.
    fn instance(ev: &Evaluator, name: &str) -> InstId {
        match &*ev.call(Evaluator::ROOT, name).unwrap().1 {
            CallInstances::Known(list) => list[0].1,
            _ => panic!("module.{name} is not known"),
        }
    }

    #[test]
    fn the_provider_alias_decides_the_region() {
        let t = tree(&[
            (
                "main.tf",
                r#"
provider "aws" { region = "us-east-1" }
provider "aws" {
  alias  = "west"
  region = "us-west-2"
}
resource "aws_sqs_queue" "default" {}
resource "aws_sqs_queue" "west" { provider = aws.west }
module "passed" {
  source    = "./m"
  providers = { aws = aws.west }
}
module "inherited" { source = "./m" }
"#,
            ),
            ("m/main.tf", "resource \"aws_sqs_queue\" \"q\" {}\n"),
        ]);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        let root = Evaluator::ROOT;
        assert_eq!(
            region(&ev, &t, ".", root, "default"),
            known("us-east-1", "aws")
        );
        assert_eq!(
            region(&ev, &t, ".", root, "west"),
            known("us-west-2", "aws.west")
        );
        let passed = instance(&ev, "passed");
        assert_eq!(
            region(&ev, &t, "m", passed, "q"),
            known("us-west-2", "aws.west")
        );
        let inherited = instance(&ev, "inherited");
        assert_eq!(
            region(&ev, &t, "m", inherited, "q"),
            known("us-east-1", "aws")
        );
        // AWS provider 6: the resource's own region argument decides over all that.
        let own = ev.resource_region(root, &Body::default(), Some(&Value::string("eu-north-1")));
        assert_eq!(own, known("eu-north-1", "(the resource's region argument)"));
    }

    #[test]
    fn without_a_region_in_the_configuration_the_environment_decides() {
        let t = tree(&[("main.tf", "resource \"aws_sqs_queue\" \"q\" {}\n")]);
        let inputs = Inputs {
            aws_region: Some("eu-west-1".into()),
            ..Inputs::default()
        };
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        assert_eq!(
            region(&ev, &t, ".", Evaluator::ROOT, "q"),
            known("eu-west-1", "aws")
        );
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        let r = region(&ev, &t, ".", Evaluator::ROOT, "q");
        assert!(matches!(r.name, Field::Unknown(_)), "{r:?}");
    }
}
