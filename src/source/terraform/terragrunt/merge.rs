//! `include`'s merge strategies (terragrunt.gruntwork.io/docs/reference/hcl/blocks/
//! #include): `no_merge` merges nothing; `shallow` (the default) lets the including
//! configuration's attributes and `inputs` entries replace the included one's;
//! `deep` merges maps recursively and concatenates lists; `deep_map_only` merges maps
//! recursively and lets the including side win everything else.

use super::super::cty::Value;
use super::super::cty::value::Attrs;
use super::Input;
use super::config::{Config, ExtraArguments, Generate, Inputs, Placed};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Strategy {
    NoMerge,
    Shallow,
    Deep,
    DeepMapOnly,
}

impl Strategy {
    pub fn parse(s: &str) -> Option<Strategy> {
        Some(match s {
            "no_merge" => Strategy::NoMerge,
            "shallow" => Strategy::Shallow,
            "deep" => Strategy::Deep,
            "deep_map_only" => Strategy::DeepMapOnly,
            _ => return None,
        })
    }
}

/// What a unit runs with, as far as includes merge it.
#[derive(Clone, Default)]
pub(super) struct Merged {
    pub inputs: Option<Inputs>,
    pub source: Option<Placed>,
    pub generates: Vec<Generate>,
    pub extra_arguments: Vec<ExtraArguments>,
}

impl Merged {
    pub fn of(c: &Config) -> Merged {
        Merged {
            inputs: c.inputs.clone(),
            source: c.source.clone(),
            generates: c.generates.clone(),
            extra_arguments: c.extra_arguments.clone(),
        }
    }
}

/// `over` (the unit's configuration, merged so far) merged onto an included `parent`,
/// as Terragrunt's `parent.Merge(over)`: what `over` sets wins.
pub(super) fn merge(parent: &Config, over: Merged, strategy: Strategy) -> Merged {
    if strategy == Strategy::NoMerge {
        return over;
    }
    let inputs = match (parent.inputs.clone(), over.inputs) {
        (p, None) => p,
        (None, o) => o,
        (Some(Inputs::Unknown(why)), Some(_)) | (Some(_), Some(Inputs::Unknown(why))) => {
            Some(Inputs::Unknown(why))
        }
        (Some(Inputs::Known(p)), Some(Inputs::Known(o))) => {
            Some(Inputs::Known(merge_inputs(p, o, strategy)))
        }
    };
    let mut generates = over.generates;
    for g in &parent.generates {
        if !generates.iter().any(|o| o.name == g.name) {
            generates.push(g.clone());
        }
    }
    // Blocks of the same name: the including side's wins; the parent's come first.
    let mut extra_arguments: Vec<ExtraArguments> = parent
        .extra_arguments
        .iter()
        .filter(|p| !over.extra_arguments.iter().any(|o| o.name == p.name))
        .cloned()
        .collect();
    extra_arguments.extend(over.extra_arguments);
    Merged {
        inputs,
        source: over.source.or_else(|| parent.source.clone()),
        generates,
        extra_arguments,
    }
}

fn merge_inputs(mut parent: Vec<Input>, over: Vec<Input>, strategy: Strategy) -> Vec<Input> {
    for o in over {
        match parent.iter_mut().find(|p| p.name == o.name) {
            Some(p) if strategy != Strategy::Shallow && mergeable(&p.value, &o.value, strategy) => {
                p.value = deep(&p.value, &o.value, strategy == Strategy::Deep);
                // Both files decide the value now: no single literal to edit.
                p.file = o.file;
                p.span = o.span;
                p.literal = false;
            }
            Some(p) => *p = o,
            None => parent.push(o),
        }
    }
    parent
}

fn mergeable(a: &Value, b: &Value, strategy: Strategy) -> bool {
    (a.entries().is_some() && b.entries().is_some())
        || (strategy == Strategy::Deep && a.items().is_some() && b.items().is_some())
}

/// `b` deep-merged onto `a`: maps key by key, lists concatenated when `lists`.
fn deep(a: &Value, b: &Value, lists: bool) -> Value {
    if let (Some(x), Some(y)) = (a.entries(), b.entries()) {
        let mut out: Attrs = x.clone();
        for (k, v) in y {
            let merged = match out.get(k) {
                Some(old) => deep(old, v, lists),
                None => v.clone(),
            };
            out.insert(k.clone(), merged);
        }
        return Value::object(out);
    }
    if lists && let (Some(x), Some(y)) = (a.items(), b.items()) {
        return Value::tuple(x.iter().chain(y).cloned().collect());
    }
    b.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn deep_merges_maps_and_concatenates_lists_only_when_asked() {
        let a = obj(&[
            ("x", Value::string("a")),
            ("l", Value::tuple(vec![Value::int(1)])),
            ("m", obj(&[("k", Value::int(1))])),
        ]);
        let b = obj(&[
            ("l", Value::tuple(vec![Value::int(2)])),
            ("m", obj(&[("j", Value::int(2))])),
        ]);
        let json = |v: &Value| super::super::super::eval::json_out::to_json(v);
        assert_eq!(
            json(&deep(&a, &b, true)),
            r#"{"l":[1,2],"m":{"j":2,"k":1},"x":"a"}"#
        );
        assert_eq!(
            json(&deep(&a, &b, false)),
            r#"{"l":[2],"m":{"j":2,"k":1},"x":"a"}"#
        );
    }
}
