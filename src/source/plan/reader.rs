//! One resource instance of a plan or a state as the kinds read it (`model::Reader`):
//! values from its JSON, unknowns from the plan's `after_unknown`, what the configuration
//! writes and refers to from `configuration`, and where it is written from the tree the
//! plan was made from, when one was read (`model::Located`).
//!
//! What the configuration does not write is the provider's: a computed block
//! (`tracing_config` the provider fills in), a role's `inline_policy` and
//! `managed_policy_arns` as the provider reads them from the account. Those are unset, as
//! they are in the tree. A limit: Terraform's `configuration` leaves `dynamic` blocks out,
//! so a block written only as `dynamic` whose content the plan does not know reads as
//! unset. A state has no configuration: its values are all known, and no list in it is
//! exclusive (`block_count` 0, `is_set` false), since a state does not say what is
//! configured.

use super::address::{Address, ModuleStep};
use super::config::Config;
use crate::model::{Field, Located, Meta, Origin, Reader, Reference, Setting, Unresolved};
use serde_json::Value;

/// A plan's configuration of one resource.
pub(super) struct Configured<'a> {
    pub config: Config<'a>,
    pub path: Vec<ModuleStep>,
    /// The resource's `expressions`.
    pub expressions: &'a Value,
}

pub(super) struct InstanceReader<'a> {
    pub address: &'a str,
    pub rtype: &'a str,
    /// The instance's attribute values (an object).
    pub values: &'a Value,
    /// The plan's `after_unknown` for it; `None` for a state.
    pub unknown: Option<&'a Value>,
    /// `None` for a state, or a plan without `configuration`.
    pub configured: Option<Configured<'a>>,
    pub root: &'a str,
    pub located: Option<&'a Located>,
}

/// How much of a value `after_unknown` marks unknown.
#[derive(PartialEq)]
enum Mark {
    Known,
    Whole,
    Part,
}

fn mark(v: Option<&Value>) -> Mark {
    fn any(v: &Value) -> bool {
        match v {
            Value::Bool(b) => *b,
            Value::Array(a) => a.iter().any(any),
            Value::Object(o) => o.values().any(any),
            _ => false,
        }
    }
    match v {
        Some(Value::Bool(true)) => Mark::Whole,
        Some(v) if any(v) => Mark::Part,
        _ => Mark::Known,
    }
}

/// The first of a block type's blocks: a list of blocks, or one (an object).
fn first(v: Option<&Value>) -> Option<&Value> {
    match v? {
        Value::Array(a) => a.first(),
        o @ Value::Object(_) => Some(o),
        _ => None,
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?.iter().map(text).collect()
}

fn string_map(v: &Value) -> Option<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = v
        .as_object()?
        .iter()
        .map(|(k, v)| Some((k.clone(), text(v)?)))
        .collect::<Option<_>>()?;
    out.sort();
    Some(out)
}

impl InstanceReader<'_> {
    fn value(&self, name: &str) -> Option<&Value> {
        self.values.get(name).filter(|v| !v.is_null())
    }

    fn unknown(&self, name: &str) -> Option<&Value> {
        self.unknown?.get(name)
    }

    /// Whether the configuration writes an argument or block; `None` when there is no
    /// configuration to tell (a state).
    fn written(&self, name: &str) -> Option<bool> {
        let c = self.configured.as_ref()?;
        Some(c.expressions.get(name).is_some())
    }

    /// The resources the expression of an argument refers to.
    fn referred(&self, name: &str) -> Vec<String> {
        match &self.configured {
            Some(c) => match c.expressions.get(name) {
                Some(e) => c.config.resources(&c.path, e),
                None => Vec::new(),
            },
            None => Vec::new(),
        }
    }

    fn unresolved(&self, name: &str, expression_of: &str) -> Unresolved {
        let expression = self
            .configured
            .as_ref()
            .and_then(|c| {
                c.expressions
                    .get(expression_of)?
                    .get("references")?
                    .get(0)?
                    .as_str()
            })
            .unwrap_or(name)
            .to_string();
        Unresolved {
            expression,
            why: format!(
                "`{name}` of `{}` is known only after apply: the plan leaves it to the provider",
                self.address
            ),
            hint: Some("audit the state after apply (`xray-setup audit --state`)".into()),
            partial: None,
        }
    }

    /// A value, with where the tree writes it (when one was read).
    fn setting<T>(&self, key: &str, value: Field<T>) -> Setting<T> {
        let place = self.located.and_then(|l| l.place(key));
        Setting {
            value,
            at: place.and_then(|p| p.at.clone()),
            source: place.map(|p| p.source.clone()).unwrap_or_default(),
        }
    }

    fn field<T>(
        &self,
        v: Option<&Value>,
        name: &str,
        conv: impl Fn(&Value) -> Option<T>,
    ) -> Field<T> {
        match v.filter(|v| !v.is_null()) {
            None => Field::Unset,
            Some(v) => match conv(v) {
                Some(t) => Field::Known(t),
                None => Field::Unknown(Unresolved {
                    expression: name.to_string(),
                    why: format!(
                        "`{name}` of `{}` has a value of an unexpected type: {v}",
                        self.address
                    ),
                    hint: None,
                    partial: None,
                }),
            },
        }
    }

    fn scalar<T>(&self, name: &str, conv: impl Fn(&Value) -> Option<T>) -> Setting<T> {
        let value = match mark(self.unknown(name)) {
            // Not written, the provider decides: its default applies.
            _ if self.written(name) == Some(false) && self.value(name).is_none() => Field::Unset,
            Mark::Whole | Mark::Part => Field::Unknown(self.unresolved(name, name)),
            Mark::Known => self.field(self.value(name), name, conv),
        };
        self.setting(name, value)
    }

    fn nested<T>(&self, block: &str, name: &str, conv: impl Fn(&Value) -> Option<T>) -> Setting<T> {
        let key = format!("{block}.{name}");
        let value = match mark(self.unknown(block)) {
            // A block the configuration does not write, which the provider computes:
            // its default applies (`tracing_config` absent is PassThrough).
            Mark::Whole if self.written(block) == Some(false) => Field::Unset,
            Mark::Whole => Field::Unknown(self.unresolved(&key, block)),
            Mark::Part
                if mark(first(self.unknown(block)).and_then(|b| b.get(name))) != Mark::Known =>
            {
                Field::Unknown(self.unresolved(&key, block))
            }
            _ => self.field(
                first(self.value(block)).and_then(|b| b.get(name)),
                &key,
                conv,
            ),
        };
        self.setting(&key, value)
    }

    fn to_reference(
        &self,
        v: Option<&Value>,
        unknown: Mark,
        found: Option<&String>,
        name: &str,
    ) -> Reference {
        if unknown != Mark::Known {
            return match found {
                Some(a) => Reference::Address(a.clone()),
                None => Reference::Unknown(self.unresolved(name, name)),
            };
        }
        match v.filter(|v| !v.is_null()) {
            None => Reference::Unset,
            Some(Value::String(s)) if s.is_empty() => Reference::Unset,
            Some(Value::String(s)) => Reference::Literal(s.clone()),
            Some(other) => Reference::Literal(other.to_string()),
        }
    }
}

impl Reader for InstanceReader<'_> {
    fn resource_type(&self) -> &str {
        self.rtype
    }

    fn meta(&self) -> Meta {
        let recorded = self.located.and_then(|l| l.meta.as_ref());
        Meta {
            address: self.address.to_string(),
            root: self.root.to_string(),
            account: None,
            origin: recorded.and_then(|m| m.origin.clone()),
            block: recorded.and_then(|m| m.block.clone()),
            repeated: None,
            region: recorded.and_then(|m| m.region.clone()),
        }
    }

    fn string(&self, name: &str) -> Setting<String> {
        self.scalar(name, text)
    }

    fn boolean(&self, name: &str) -> Setting<bool> {
        self.scalar(name, boolean)
    }

    fn number(&self, name: &str) -> Setting<f64> {
        self.scalar(name, number)
    }

    fn strings(&self, name: &str) -> Setting<Vec<String>> {
        self.scalar(name, strings)
    }

    fn string_map(&self, name: &str) -> Setting<Vec<(String, String)>> {
        self.scalar(name, string_map)
    }

    fn nested_string(&self, block: &str, name: &str) -> Setting<String> {
        self.nested(block, name, text)
    }

    fn nested_boolean(&self, block: &str, name: &str) -> Setting<bool> {
        self.nested(block, name, boolean)
    }

    fn each_nested_string(&self, block: &str, name: &str) -> Vec<Setting<String>> {
        // Blocks the configuration does not write are the provider's reading of the
        // account (a role's inline policies, however attached): not this resource's.
        if self.written(block) == Some(false) {
            return Vec::new();
        }
        let unknown = self.unknown(block);
        if mark(unknown) == Mark::Whole {
            let key = format!("{block}.{name}#0");
            return vec![self.setting(
                &key,
                Field::Unknown(self.unresolved(&format!("{block}.{name}"), block)),
            )];
        }
        let Some(blocks) = self.value(block).and_then(Value::as_array) else {
            return Vec::new();
        };
        blocks
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let key = format!("{block}.{name}#{i}");
                let u = unknown.and_then(|u| u.get(i)).and_then(|u| u.get(name));
                let value = if mark(u) != Mark::Known {
                    Field::Unknown(self.unresolved(&format!("{block}.{name}"), block))
                } else {
                    self.field(b.get(name), &format!("{block}.{name}"), text)
                };
                self.setting(&key, value)
            })
            .collect()
    }

    /// The blocks the configuration writes; a state does not say what is configured: 0.
    fn block_count(&self, block: &str) -> usize {
        if self.written(block) != Some(true) {
            return 0;
        }
        match self.value(block).and_then(Value::as_array) {
            Some(a) => a.len(),
            None => self
                .configured
                .as_ref()
                .and_then(|c| c.expressions.get(block)?.as_array().map(Vec::len))
                .unwrap_or(1),
        }
    }

    fn block_at(&self, block: &str) -> Option<Origin> {
        self.located?.blocks.get(block).cloned().flatten()
    }

    /// Whether the configuration sets an argument; a state does not say: `false`.
    fn is_set(&self, name: &str) -> bool {
        self.written(name) == Some(true)
            && (self.value(name).is_some() || mark(self.unknown(name)) != Mark::Known)
    }

    fn written_at(&self, name: &str) -> Option<Origin> {
        self.located?.written.get(name).cloned().flatten()
    }

    /// A reference the configuration does not write is the provider's reading of the
    /// account (a role's `managed_policy_arns`), not this resource's: unset.
    fn reference(&self, name: &str) -> Reference {
        if self.written(name) == Some(false) {
            return Reference::Unset;
        }
        let found = self.referred(name);
        self.to_reference(
            self.value(name),
            mark(self.unknown(name)),
            found.first(),
            name,
        )
    }

    fn references(&self, name: &str) -> Vec<Reference> {
        if self.written(name) == Some(false) {
            return Vec::new();
        }
        let unknown = self.unknown(name);
        if mark(unknown) == Mark::Whole {
            return vec![self.reference(name)];
        }
        let Some(items) = self.value(name).and_then(Value::as_array) else {
            return Vec::new();
        };
        let found = self.referred(name);
        let mut next = found.iter();
        items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let m = mark(unknown.and_then(|u| u.get(i)));
                let address = if m == Mark::Known { None } else { next.next() };
                self.to_reference(Some(v), m, address, name)
            })
            .collect()
    }

    fn built_from(&self, name: &str) -> Reference {
        self.reference(name)
    }
}

/// The configuration of the resource at `address`, when the plan has one for it.
pub(super) fn configured<'a>(
    config: Option<Config<'a>>,
    address: &Address,
) -> Option<Configured<'a>> {
    let config = config?;
    let expressions = config.expressions(&address.modules, &address.in_module())?;
    Some(Configured {
        config,
        path: address.modules.clone(),
        expressions,
    })
}
