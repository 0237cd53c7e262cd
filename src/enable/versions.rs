//! Published versions behind aliases that are not Active. `enable` changes `$LATEST`
//! only: a version keeps the configuration it was published with, so the traffic an
//! alias sends to such a version stays untraced until a new version is published and the
//! alias points at it. Publishing releases `$LATEST`'s code as it is then, which is the
//! owner's call, so `enable` publishes nothing: it names the aliases and writes the
//! commands.

use crate::model::{Inventory, LambdaAlias};
use std::collections::BTreeMap;

/// A function whose aliases route to versions that are not Active.
#[derive(Debug, Clone, PartialEq)]
pub struct Republish {
    pub function: String,
    pub region: String,
    /// Each alias and the versions it routes to that are not Active.
    pub aliases: Vec<(String, Vec<Stale>)>,
}

/// A version an alias routes to that is not Active: (version, mode, share of the alias's
/// traffic).
pub type Stale = (String, String, f64);

/// The functions (in `inventory`, read from an account) that need a version published
/// and their aliases moved, in name order.
pub fn republish(inventory: &Inventory) -> Vec<Republish> {
    let mut by_function: BTreeMap<(String, String), Vec<&LambdaAlias>> = BTreeMap::new();
    for alias in &inventory.aliases {
        let (Some(function), Some(region)) = (
            alias.function.value.known(),
            alias.meta.region.as_ref().map(|r| r.provider.clone()),
        ) else {
            continue;
        };
        by_function
            .entry((function.clone(), region))
            .or_default()
            .push(alias);
    }
    by_function
        .into_iter()
        .filter_map(|((function, region), aliases)| {
            let aliases: Vec<_> = aliases
                .into_iter()
                .filter_map(|a| {
                    let stale: Vec<_> = a
                        .routes
                        .iter()
                        .filter(|r| r.version != "$LATEST" && r.tracing_mode != "Active")
                        .map(|r| (r.version.clone(), r.tracing_mode.clone(), r.weight))
                        .collect();
                    let name = a.name.value.known()?.clone();
                    (!stale.is_empty()).then_some((name, stale))
                })
                .collect();
            (!aliases.is_empty()).then_some(Republish {
                function,
                region,
                aliases,
            })
        })
        .collect()
}

/// The AWS CLI commands that publish a version of the function and point each alias at
/// it alone (its weighted routing cleared).
pub fn commands(r: &Republish) -> Vec<String> {
    let mut lines = vec![format!(
        "v=$(aws lambda publish-version --function-name {} --region {} --query Version --output text)",
        r.function, r.region
    )];
    for (alias, _) in &r.aliases {
        lines.push(format!(
            "aws lambda update-alias --function-name {} --name {alias} --function-version \"$v\" --routing-config '{{\"AdditionalVersionWeights\":{{}}}}' --region {}",
            r.function, r.region
        ));
    }
    lines
}

/// Why, in a few lines, before the commands.
pub const WHY: &str = "Published versions keep the tracing mode they were published with: enable changes $LATEST only. \
Once a function is Active, publish a version (this releases $LATEST's code and configuration as they are then) \
and point each alias at it; to shift traffic gradually, give the new version a weight in the alias's routing \
configuration instead.";

/// The same for the end of an `--emit cli` script: commented out, since publishing is
/// the owner's call.
pub fn script_comment(list: &[Republish]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let mut s =
        String::from("\n# Not run: aliases that route to versions without Active tracing.\n");
    for line in textwrap(WHY) {
        s.push_str(&format!("# {line}\n"));
    }
    for r in list {
        for line in commands(r) {
            s.push_str(&format!("#   {line}\n"));
        }
    }
    s
}

/// `text` in lines of at most about 88 characters, broken at spaces.
fn textwrap(text: &str) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("a line");
        if !line.is_empty() && line.len() + word.len() > 88 {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}
