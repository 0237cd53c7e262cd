//! Terraform's plan and state JSON as a source: `terraform show -json PLANFILE`,
//! `terraform show -json` of a state, and a raw `terraform.tfstate` (version 4).
//!
//! `read` decodes a file (`decode.rs`: UTF-8 or UTF-16 with a BOM, the setup-terraform
//! wrapper's lines) and tells the three forms apart; `Document::inventory` builds the one
//! Inventory from it through `model::Reader` (`reader.rs`), so every kind is read with no
//! code of its own here; `Document::state` lists what a state (or a plan's prior state)
//! says each instance is, for joining. The plan's values are exact where known; what only
//! an apply tells is unknown; a block neither the plan nor the configuration has is unset.
//! Findings name Terraform's addresses; with the `model::Located` of the tree the plan was
//! made from, they point at its files as an audit of the tree does.

mod address;
mod config;
mod decode;
mod error;
mod reader;
mod state;
mod walk;

pub use error::PlanError;
pub use state::{State, StateResource};

use crate::model::{Inventory, Kind, Located, Policy, PolicyAttachment, Role, RolePolicy};
use config::Config;
use reader::InstanceReader;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Which of Terraform's JSON outputs a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `terraform show -json PLANFILE`.
    Plan,
    /// `terraform show -json` of a state.
    State,
    /// A raw `terraform.tfstate`, version 4.
    RawState,
}

/// A plan or state file, read and told apart.
#[derive(Debug)]
pub struct Document {
    path: PathBuf,
    form: Form,
    json: Value,
}

/// Reads a plan or state file.
pub fn read(path: &Path) -> Result<Document, PlanError> {
    let bytes = std::fs::read(path).map_err(|source| PlanError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &bytes)
}

/// Reads a plan or state from its bytes; `path` names it in errors.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Document, PlanError> {
    let text = decode::text(path, bytes)?;
    let found = decode::json(path, &text)?;
    let json: Value = serde_json::from_str(&found.text).map_err(|e| PlanError::Json {
        path: path.to_path_buf(),
        line: e.line() + found.first_line - 1,
        column: e.column(),
        message: without_position(&e.to_string()),
    })?;
    let form = form(path, &json)?;
    Ok(Document {
        path: path.to_path_buf(),
        form,
        json,
    })
}

/// serde_json's message without its own ` at line L column C`, which the error gives
/// (shifted past the wrapper's lines).
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn form(path: &Path, json: &Value) -> Result<Form, PlanError> {
    let not = |what: String| PlanError::NotTerraform {
        path: path.to_path_buf(),
        what,
    };
    let Some(top) = json.as_object() else {
        return Err(not(format!(
            "not a Terraform plan or state: the JSON is {}, not an object",
            kind_of(json)
        )));
    };
    let checked = |form: Form| -> Result<Form, PlanError> {
        let version = match top.get("format_version") {
            Some(Value::String(v)) => v.clone(),
            Some(other) => other.to_string(),
            None => {
                return Err(not(
                    "no `format_version`: not the JSON of `terraform show -json`".into(),
                ));
            }
        };
        match version.split('.').next().map(str::parse::<u64>) {
            Some(Ok(0 | 1)) => Ok(form),
            _ => Err(PlanError::FormatVersion {
                path: path.to_path_buf(),
                version,
            }),
        }
    };
    for (key, must) in [
        ("planned_values", true),
        ("resource_changes", false),
        ("values", true),
    ] {
        if let Some(v) = top.get(key)
            && !(v.is_object() || !must && v.is_array() || v.is_null())
        {
            return Err(not(format!(
                "`{key}` is {}, not {}",
                kind_of(v),
                if must { "an object" } else { "a list" }
            )));
        }
    }
    if top.contains_key("planned_values") || top.contains_key("resource_changes") {
        checked(Form::Plan)
    } else if top.contains_key("values")
        || top.contains_key("format_version") && !top.contains_key("resources")
    {
        // `terraform show -json` of no state at all prints only `format_version`.
        checked(Form::State)
    } else if top.contains_key("resources") || top.contains_key("version") {
        match top.get("version") {
            Some(Value::Number(n)) if n.as_u64() == Some(4) => {
                if top.get("resources").is_some_and(|r| !r.is_array()) {
                    return Err(not("`resources` is not a list".into()));
                }
                Ok(Form::RawState)
            }
            Some(v) => Err(PlanError::StateVersion {
                path: path.to_path_buf(),
                version: v.to_string(),
            }),
            None => Err(not(
                "`resources` without `version`: not a terraform.tfstate".into(),
            )),
        }
    } else {
        Err(not(
            "not a Terraform plan or state: expected `planned_values` (`terraform show -json PLANFILE`), `values` (`terraform show -json` of a state) or `\"version\": 4` with `resources` (a terraform.tfstate)".into(),
        ))
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The types a plan takes from its prior state when they are not in `planned_values`:
/// those that decide what a role may do.
fn from_prior_state(rtype: &str) -> bool {
    [
        Role::INFO,
        RolePolicy::INFO,
        Policy::INFO,
        PolicyAttachment::INFO,
    ]
    .iter()
    .any(|k| k.terraform.contains(&rtype))
}

impl Document {
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn form(&self) -> Form {
        self.form
    }

    pub fn is_plan(&self) -> bool {
        self.form == Form::Plan
    }

    /// The managed instances the document says exist after it: a plan's planned ones (and
    /// those it keeps from its prior state), a state's.
    fn instances(&self) -> Vec<walk::Instance<'_>> {
        let mut out = Vec::new();
        match self.form {
            Form::Plan => {
                if let Some(m) = self
                    .json
                    .get("planned_values")
                    .and_then(|p| p.get("root_module"))
                {
                    walk::module(m, &mut out);
                }
                let planned: HashSet<String> = out.iter().map(|i| i.address.clone()).collect();
                let deleted = self.deleted();
                let mut prior = Vec::new();
                if let Some(m) = self.prior_root() {
                    walk::module(m, &mut prior);
                }
                out.extend(prior.into_iter().filter(|i| {
                    from_prior_state(i.rtype)
                        && !planned.contains(&i.address)
                        && !deleted.contains(i.address.as_str())
                }));
            }
            Form::State => {
                if let Some(m) = self.json.get("values").and_then(|v| v.get("root_module")) {
                    walk::module(m, &mut out);
                }
            }
            Form::RawState => out = walk::raw_state(&self.json),
        }
        out
    }

    fn prior_root(&self) -> Option<&Value> {
        self.json
            .get("prior_state")?
            .get("values")?
            .get("root_module")
    }

    fn changes(&self) -> impl Iterator<Item = &Value> {
        self.json
            .get("resource_changes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    }

    /// The addresses a plan deletes (and does not create again).
    fn deleted(&self) -> HashSet<&str> {
        self.changes()
            .filter(|c| {
                c.get("change")
                    .and_then(|c| c.get("actions"))
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.len() == 1 && a[0] == "delete")
            })
            .filter_map(|c| c.get("address").and_then(Value::as_str))
            .collect()
    }

    /// How many resource instances a plan deletes (0 for a state).
    pub fn deletions(&self) -> usize {
        self.deleted().len()
    }

    /// The managed instances' addresses (what a tree's roots are matched against).
    pub fn addresses(&self) -> Vec<String> {
        self.instances().into_iter().map(|i| i.address).collect()
    }

    /// The Inventory: one item per managed instance of a kind. `root` is every item's
    /// `Meta.root` (`"."` when no tree was read); `located` (by address) says where the
    /// tree the plan was made from writes each instance, and is empty without one.
    pub fn inventory(&self, root: &str, located: &HashMap<String, Located>) -> Inventory {
        let config = (self.form == Form::Plan)
            .then(|| Config::of(&self.json))
            .flatten();
        let unknown: HashMap<&str, &Value> = self
            .changes()
            .filter_map(|c| {
                Some((
                    c.get("address")?.as_str()?,
                    c.get("change")?.get("after_unknown")?,
                ))
            })
            .collect();
        let mut out = Inventory::default();
        for i in self.instances() {
            let configured =
                address::parse(&i.address).and_then(|a| reader::configured(config, &a));
            let r = InstanceReader {
                address: &i.address,
                rtype: i.rtype,
                values: i.values,
                unknown: unknown.get(i.address.as_str()).copied(),
                configured,
                root,
                located: located.get(&i.address),
            };
            out.add_from_terraform(&r);
        }
        out
    }

    /// What the state says each managed instance is: a state's instances, or a plan's
    /// prior state.
    pub fn state(&self) -> State {
        let mut instances = Vec::new();
        match self.form {
            Form::Plan => {
                if let Some(m) = self.prior_root() {
                    walk::module(m, &mut instances);
                }
            }
            _ => instances = self.instances(),
        }
        State {
            resources: instances
                .iter()
                .map(|i| StateResource::new(&i.address, i.rtype, i.values))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests;
