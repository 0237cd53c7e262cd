//! One directory's configuration, indexed the way Terraform indexes a module.

use super::ir::{Block, Body, Expr};
use crate::model::{FileId, Span};
use indexmap::IndexMap;
use std::path::PathBuf;

#[derive(Debug, Default)]
pub struct Module {
    /// Canonical absolute directory.
    pub dir: PathBuf,
    /// As reports show it, relative to the PATH given.
    pub display_dir: String,
    pub variables: IndexMap<Box<str>, Variable>,
    pub locals: IndexMap<Box<str>, Located>,
    pub outputs: IndexMap<Box<str>, Located>,
    pub resources: IndexMap<ResourceKey, Resource>,
    pub calls: IndexMap<Box<str>, Call>,
    /// `terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars(.json)` in
    /// lexical order: what Terraform loads on its own in a root.
    pub auto_tfvars: Vec<Tfvars>,
    /// Other `.tfvars` files here, loaded only with `--var-file`.
    pub other_tfvars: Vec<Tfvars>,
    /// Every configuration file of the module.
    pub files: Vec<FileId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourceKey {
    pub data: bool,
    pub rtype: Box<str>,
    pub name: Box<str>,
}

#[derive(Debug)]
pub struct Variable {
    pub file: FileId,
    pub block: Block,
}

impl Variable {
    pub fn default(&self) -> Option<&Expr> {
        self.block.body.attribute("default").map(|a| &a.expr)
    }
}

/// A named expression (a local or an output) and where it is written.
#[derive(Debug)]
pub struct Located {
    pub file: FileId,
    pub expr: Expr,
    /// The whole `name = value` item.
    pub span: Span,
}

#[derive(Debug)]
pub struct Resource {
    pub file: FileId,
    pub key: ResourceKey,
    pub block: Block,
}

#[derive(Debug)]
pub struct Call {
    pub file: FileId,
    pub name: Box<str>,
    /// The literal `source`; `None` when it is missing or not a literal.
    pub source: Option<String>,
    pub block: Block,
}

#[derive(Debug)]
pub struct Tfvars {
    pub file: FileId,
    pub body: Body,
}

/// Meta-arguments that are not resource arguments.
pub const META_ARGUMENTS: &[&str] = &[
    "count",
    "for_each",
    "provider",
    "depends_on",
    "lifecycle",
    "provisioner",
    "connection",
];

impl Module {
    /// Adds one parsed configuration file. Later duplicates of a name are ignored, as
    /// Terraform rejects them anyway; override files (`override.tf`, `*_override.tf`)
    /// merge their arguments into the block they override.
    pub fn add_file(&mut self, file: FileId, body: Body, is_override: bool) {
        self.files.push(file);
        for block in body.blocks {
            let label = |i: usize| block.labels.get(i).cloned().unwrap_or_default();
            match &*block.kind {
                "resource" | "data" => {
                    let key = ResourceKey {
                        data: &*block.kind == "data",
                        rtype: label(0),
                        name: label(1),
                    };
                    match self.resources.get_mut(&key) {
                        Some(existing) if is_override => merge_override(&mut existing.block, block),
                        Some(_) => {}
                        None => {
                            self.resources
                                .insert(key.clone(), Resource { file, key, block });
                        }
                    }
                }
                "module" => {
                    let name = label(0);
                    match self.calls.get_mut(&name) {
                        Some(existing) if is_override => merge_override(&mut existing.block, block),
                        Some(_) => {}
                        None => {
                            let source = block
                                .body
                                .attribute("source")
                                .and_then(|a| a.expr.as_str())
                                .map(str::to_string);
                            self.calls.insert(
                                name.clone(),
                                Call {
                                    file,
                                    name,
                                    source,
                                    block,
                                },
                            );
                        }
                    }
                }
                "variable" => {
                    let name = label(0);
                    match self.variables.get_mut(&name) {
                        Some(existing) if is_override => merge_override(&mut existing.block, block),
                        Some(_) => {}
                        None => {
                            self.variables.insert(name, Variable { file, block });
                        }
                    }
                }
                "locals" | "output" => {
                    let is_output = &*block.kind == "output";
                    let items: Vec<(Box<str>, Expr, Span)> = if is_output {
                        block
                            .body
                            .attribute("value")
                            .map(|a| (label(0), a.expr.clone(), a.span))
                            .into_iter()
                            .collect()
                    } else {
                        block
                            .body
                            .attributes
                            .into_iter()
                            .map(|a| (a.name, a.expr, a.span))
                            .collect()
                    };
                    let table = if is_output {
                        &mut self.outputs
                    } else {
                        &mut self.locals
                    };
                    for (name, expr, span) in items {
                        if is_override || !table.contains_key(&name) {
                            table.insert(name, Located { file, expr, span });
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Terraform's override merge: each top-level argument replaces the original's, and
/// nested blocks of a type present in the override replace all blocks of that type.
fn merge_override(original: &mut Block, over: Block) {
    for attr in over.body.attributes {
        original.body.attributes.retain(|a| a.name != attr.name);
        original.body.attributes.push(attr);
    }
    let kinds: Vec<Box<str>> = over.body.blocks.iter().map(|b| b.kind.clone()).collect();
    original.body.blocks.retain(|b| !kinds.contains(&b.kind));
    original.body.blocks.extend(over.body.blocks);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::terraform::parse::parse_body;

    #[test]
    fn indexes_blocks_and_merges_overrides() {
        let mut m = Module::default();
        let main = parse_body(
            "variable \"mode\" {\n  default = \"PassThrough\"\n}\nresource \"aws_lambda_function\" \"f\" {\n  timeout = 3\n  tracing_config {\n    mode = var.mode\n  }\n}\nlocals {\n  a = 1\n}\n",
        )
        .unwrap();
        m.add_file(FileId(0), main, false);
        let over = parse_body("resource \"aws_lambda_function\" \"f\" {\n  tracing_config {\n    mode = \"Active\"\n  }\n}\n").unwrap();
        m.add_file(FileId(1), over, true);
        assert!(m.variables["mode"].default().is_some());
        assert!(m.locals.contains_key("a"));
        let f = m.resources.values().next().unwrap();
        assert!(f.block.body.attribute("timeout").is_some());
        let tc = f.block.body.blocks_of("tracing_config").next().unwrap();
        assert_eq!(
            tc.body.attribute("mode").unwrap().expr.as_str(),
            Some("Active")
        );
    }
}
