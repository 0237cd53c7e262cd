//! A plan's `configuration`: which arguments a resource writes, and which resources an
//! expression refers to (through module variables and outputs).

use super::address::{ModuleStep, name_and_key, prefix, split};
use serde_json::Value;

/// How deep references are followed through variables and outputs.
const MAX_HOPS: usize = 32;

#[derive(Clone, Copy)]
pub(super) struct Config<'a> {
    /// `configuration.root_module`.
    root: &'a Value,
}

impl<'a> Config<'a> {
    pub fn of(plan: &'a Value) -> Option<Config<'a>> {
        let root = plan.get("configuration")?.get("root_module")?;
        root.is_object().then_some(Config { root })
    }

    /// The configuration of the module a path of calls leads to.
    fn module(&self, path: &[ModuleStep]) -> Option<&'a Value> {
        let mut m = self.root;
        for step in path {
            m = m.get("module_calls")?.get(&step.name)?.get("module")?;
        }
        Some(m)
    }

    /// A managed resource's `expressions`, by its module path and its address in the
    /// module (`aws_lambda_function.f`).
    pub fn expressions(&self, path: &[ModuleStep], address: &str) -> Option<&'a Value> {
        self.module(path)?
            .get("resources")?
            .as_array()?
            .iter()
            .find(|r| {
                r.get("address").and_then(Value::as_str) == Some(address)
                    && r.get("mode").and_then(Value::as_str) != Some("data")
            })
            .map(|r| r.get("expressions").unwrap_or(&Value::Null))
    }

    /// The resources an expression's `references` name, as addresses in the root
    /// (`module.a.aws_iam_role.r[0]`), in order, each once (with its instance key when a
    /// reference gives one).
    pub fn resources(&self, path: &[ModuleStep], expression: &Value) -> Vec<String> {
        let mut out = Vec::new();
        self.follow(path, expression, 0, &mut out);
        out
    }

    fn follow(&self, path: &[ModuleStep], expression: &Value, hops: usize, out: &mut Vec<String>) {
        if hops > MAX_HOPS {
            return;
        }
        let Some(refs) = expression.get("references").and_then(Value::as_array) else {
            return;
        };
        for r in refs.iter().filter_map(Value::as_str) {
            let parts = split(r);
            match parts.as_slice() {
                ["var", var, ..] => {
                    let Some((call, parent)) = path.split_last() else {
                        continue;
                    };
                    if let Some(e) = self.module(parent).and_then(|m| {
                        m.get("module_calls")?
                            .get(&call.name)?
                            .get("expressions")?
                            .get(*var)
                    }) {
                        self.follow(parent, e, hops + 1, out);
                    }
                }
                ["module", call, output, ..] => {
                    let (name, key) = name_and_key(call);
                    let Some(c) = self
                        .module(path)
                        .and_then(|m| m.get("module_calls")?.get(name))
                    else {
                        continue;
                    };
                    let repeated = c.get("count_expression").is_some()
                        || c.get("for_each_expression").is_some();
                    if repeated && key.is_empty() {
                        continue;
                    }
                    let Some(e) = c
                        .get("module")
                        .and_then(|m| m.get("outputs")?.get(*output)?.get("expression"))
                    else {
                        continue;
                    };
                    let mut inner = path.to_vec();
                    inner.push(ModuleStep {
                        name: name.to_string(),
                        key: key.to_string(),
                    });
                    self.follow(&inner, e, hops + 1, out);
                }
                [first, ..]
                    if matches!(
                        *first,
                        "module"
                            | "data"
                            | "local"
                            | "each"
                            | "count"
                            | "path"
                            | "self"
                            | "terraform"
                            | "var"
                    ) => {}
                [rtype, name, ..] => {
                    let found = format!("{}{rtype}.{name}", prefix(path));
                    match out
                        .iter_mut()
                        .find(|a| without_key(a) == without_key(&found))
                    {
                        Some(a) if a.len() < found.len() => *a = found,
                        Some(_) => {}
                        None => out.push(found),
                    }
                }
                _ => {}
            }
        }
    }
}

/// An instance address without its last instance key: `aws_iam_role.r[0]` is
/// `aws_iam_role.r`.
fn without_key(address: &str) -> &str {
    match address.strip_suffix(']').and(address.rfind('[')) {
        Some(i) => &address[..i],
        None => address,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn follows_variables_and_outputs() {
        let plan = json!({"configuration": {"root_module": {
            "resources": [{"address": "aws_iam_role.r", "mode": "managed"}],
            "module_calls": {
                "fn": {
                    "expressions": {"role_arn": {"references": ["aws_iam_role.r.arn", "aws_iam_role.r"]}},
                    "module": {"resources": [{
                        "address": "aws_lambda_function.f", "mode": "managed",
                        "expressions": {"role": {"references": ["var.role_arn"]}}
                    }]}
                },
                "iam": {"module": {"outputs": {"arn": {"expression": {"references": ["aws_iam_role.x[0].arn", "aws_iam_role.x[0]", "aws_iam_role.x"]}}}}}
            }
        }}});
        let c = Config::of(&plan).unwrap();
        let path = vec![ModuleStep {
            name: "fn".into(),
            key: "".into(),
        }];
        let e = c.expressions(&path, "aws_lambda_function.f").unwrap();
        assert_eq!(c.resources(&path, &e["role"]), vec!["aws_iam_role.r"]);
        let e = json!({"references": ["module.iam.arn", "module.iam"]});
        assert_eq!(c.resources(&[], &e), vec!["module.iam.aws_iam_role.x[0]"]);
        assert!(c.expressions(&[], "aws_lambda_function.f").is_none());
    }
}
