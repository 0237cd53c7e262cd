//! One directory's configuration, indexed the way Terraform indexes a module.
//!
//! Override files are merged as Terraform merges them (Terraform docs, "Override Files",
//! <https://developer.hashicorp.com/terraform/language/files/override>): a file named
//! `override.tf`, `override.tf.json`, `*_override.tf` or `*_override.tf.json` is skipped
//! while the primary files load, then each is processed "in turn (in lexicographical
//! order)", and every top-level block in it is merged into the object of the same block
//! header defined in a primary file. `add_file` keeps override files aside and
//! `merge_overrides` merges them once every primary file of the module is in, so the
//! result does not depend on the order the files were found in.
//!
//! After a merge a declaration holds parts written in several files. The IR's spans are
//! offsets into one file, so each merged declaration keeps, beside its block, which file
//! each part comes from (`Origins`); `file_of` answers for an argument of the block.

use super::ir::{Attribute, Block, Body, Expr, ExprKind, ObjectKey};
use crate::model::{FileId, FileProblem, Origin, Span};
use indexmap::IndexMap;
use std::collections::HashSet;
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
    /// Provider configurations. The audit does not read them; they are kept so that
    /// overrides of them merge, or fail, as in Terraform.
    pub providers: IndexMap<ProviderKey, Provider>,
    /// `terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars(.json)` in
    /// lexical order: what Terraform loads on its own in a root.
    pub auto_tfvars: Vec<Tfvars>,
    /// Other `.tfvars` files here, loaded only with `--var-file`.
    pub other_tfvars: Vec<Tfvars>,
    /// Every configuration file of the module.
    pub files: Vec<FileId>,
    /// What Terraform refuses about the module's blocks themselves (a name declared
    /// twice), found while loading.
    pub invalid: Vec<ConfigError>,
    /// What merging override files needs while the module loads.
    pub(super) loading: Loading,
}

#[derive(Debug, Default)]
pub(super) struct Loading {
    /// Override files read but not merged yet, with their file names.
    pending: Vec<(String, FileId, Body)>,
    /// Outputs declared in primary files (`outputs` lists only those with a `value`).
    declared_outputs: HashSet<Box<str>>,
    /// A primary configuration file of the module could not be read or parsed, so the
    /// block an override file names may be in it.
    incomplete: bool,
}

/// A configuration error found while loading a module, in Terraform's words.
#[derive(Debug, Clone)]
pub struct ConfigError {
    pub file: FileId,
    pub span: Span,
    pub summary: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourceKey {
    pub data: bool,
    pub rtype: Box<str>,
    pub name: Box<str>,
}

/// A provider configuration's local name and `alias` (Terraform's unique key for it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProviderKey {
    pub name: Box<str>,
    pub alias: Option<Box<str>>,
}

#[derive(Debug)]
pub struct Variable {
    /// The file of the declaring block; see `file_of` for its arguments.
    pub file: FileId,
    pub block: Block,
    origins: Option<Box<Origins>>,
}

impl Variable {
    pub fn default(&self) -> Option<&Expr> {
        self.block.body.attribute("default").map(|a| &a.expr)
    }

    /// The file `default` is written in: an override file may set it.
    pub fn default_file(&self) -> FileId {
        self.block
            .body
            .attribute("default")
            .map_or(self.file, |a| self.file_of(a))
    }

    /// The file an argument of this block (at any depth) is written in.
    pub fn file_of(&self, a: &Attribute) -> FileId {
        file_in(self.file, &self.block.body, self.origins.as_deref(), a)
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
    /// The file of the declaring block: its `header` and `span` are offsets into it. An
    /// argument merged from an override file is in another: see `file_of`.
    pub file: FileId,
    pub key: ResourceKey,
    pub block: Block,
    origins: Option<Box<Origins>>,
}

impl Resource {
    /// The file an argument of this block (at any depth) is written in.
    pub fn file_of(&self, a: &Attribute) -> FileId {
        file_in(self.file, &self.block.body, self.origins.as_deref(), a)
    }

    /// `file_of` the argument, or the block's own file when there is none.
    pub fn file_for(&self, a: Option<&Attribute>) -> FileId {
        a.map_or(self.file, |a| self.file_of(a))
    }
}

#[derive(Debug)]
pub struct Call {
    /// The file of the declaring block; see `file_of` for its arguments.
    pub file: FileId,
    pub name: Box<str>,
    /// The literal `source` (after overrides); `None` when it is missing or not a literal.
    pub source: Option<String>,
    pub block: Block,
    origins: Option<Box<Origins>>,
}

impl Call {
    /// The file an argument of the call is written in.
    pub fn file_of(&self, a: &Attribute) -> FileId {
        file_in(self.file, &self.block.body, self.origins.as_deref(), a)
    }

    /// `file_of` the argument, or the block's own file when there is none.
    pub fn file_for(&self, a: Option<&Attribute>) -> FileId {
        a.map_or(self.file, |a| self.file_of(a))
    }
}

#[derive(Debug)]
pub struct Provider {
    pub file: FileId,
    pub block: Block,
    origins: Option<Box<Origins>>,
}

impl Provider {
    pub fn file_of(&self, a: &Attribute) -> FileId {
        file_in(self.file, &self.block.body, self.origins.as_deref(), a)
    }
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

/// Whether Terraform treats a configuration file as an override file: its name without
/// the extension is `override` or ends in `_override` ("Override Files").
pub fn is_override_file(name: &str) -> bool {
    let stem = [".tf.json", ".tofu.json", ".tf", ".tofu"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext));
    stem.is_some_and(|s| s == "override" || s.ends_with("_override"))
}

impl Module {
    /// Adds one parsed configuration file named `name`. A primary file's blocks are
    /// indexed at once (later duplicates of a name are ignored, as Terraform rejects them
    /// anyway); an override file is kept for `merge_overrides`.
    pub fn add_file(&mut self, file: FileId, name: &str, body: Body) {
        self.files.push(file);
        if is_override_file(name) {
            self.loading.pending.push((name.to_string(), file, body));
        } else {
            self.add_primary(file, body);
        }
    }

    /// A configuration file named `name` that could not be read or parsed.
    pub fn add_unparsed(&mut self, file: FileId, name: &str) {
        self.files.push(file);
        if !is_override_file(name) {
            self.loading.incomplete = true;
        }
    }

    /// Merges the override files added so far, in lexical order of file name and then by
    /// position in each file, into the primary declarations. Returns what Terraform would
    /// refuse, in its words, at the override block.
    pub fn merge_overrides(&mut self) -> Vec<FileProblem> {
        let mut pending = std::mem::take(&mut self.loading.pending);
        pending.sort_by(|a, b| a.0.cmp(&b.0));
        let mut problems = Vec::new();
        for (_, file, body) in pending {
            self.merge_file(file, body, &mut problems);
        }
        problems
    }

    fn add_primary(&mut self, file: FileId, body: Body) {
        for block in body.blocks {
            match &*block.kind {
                "resource" | "data" => {
                    let key = resource_key(&block);
                    if self.resources.contains_key(&key) {
                        let (kind, noun) = if key.data {
                            ("data", "data resource")
                        } else {
                            ("resource", "resource")
                        };
                        self.duplicate(
                            file,
                            &block,
                            format!("Duplicate {kind} \"{}\" configuration", key.rtype),
                            format!(
                                "A {} {noun} named {:?} was already declared in this module. Resource names must be unique per type in each module.",
                                key.rtype, &*key.name
                            ),
                        );
                        continue;
                    }
                    self.resources.insert(
                        key.clone(),
                        Resource {
                            file,
                            key,
                            block,
                            origins: None,
                        },
                    );
                }
                "module" => {
                    let name = label(&block, 0);
                    if self.calls.contains_key(&name) {
                        self.duplicate(
                            file,
                            &block,
                            "Duplicate module call".into(),
                            format!("A module call named {:?} was already defined in this module. Module calls must have unique names within a module.", &*name),
                        );
                        continue;
                    }
                    let source = literal_source(&block);
                    self.calls.insert(
                        name.clone(),
                        Call {
                            file,
                            name,
                            source,
                            block,
                            origins: None,
                        },
                    );
                }
                "variable" => {
                    let name = label(&block, 0);
                    if self.variables.contains_key(&name) {
                        self.duplicate(
                            file,
                            &block,
                            "Duplicate variable declaration".into(),
                            format!("A variable named {:?} was already declared in this module. Variable names must be unique within a module.", &*name),
                        );
                        continue;
                    }
                    self.variables.insert(
                        name,
                        Variable {
                            file,
                            block,
                            origins: None,
                        },
                    );
                }
                "provider" => {
                    let key = provider_key(&block);
                    if self.providers.contains_key(&key) {
                        self.duplicate(
                            file,
                            &block,
                            "Duplicate provider configuration".into(),
                            format!(
                                "A provider configuration for {:?}{} was already given in this module. Each configuration for the same provider must have a distinct alias.",
                                &*key.name,
                                key.alias.as_deref().map(|a| format!(" with alias {a:?}")).unwrap_or_default()
                            ),
                        );
                        continue;
                    }
                    self.providers.insert(
                        key,
                        Provider {
                            file,
                            block,
                            origins: None,
                        },
                    );
                }
                "output" => {
                    let name = label(&block, 0);
                    if !self.loading.declared_outputs.insert(name.clone()) {
                        self.duplicate(
                            file,
                            &block,
                            "Duplicate output definition".into(),
                            format!("An output named {:?} was already defined in this module. Output names must be unique within a module.", &*name),
                        );
                        continue;
                    }
                    if let Some(a) = block.body.attribute("value") {
                        self.outputs.insert(name, located(file, a.clone()));
                    }
                }
                "locals" => {
                    for a in block.body.attributes {
                        if self.locals.contains_key(&a.name) {
                            self.invalid.push(ConfigError {
                                file,
                                span: a.span,
                                summary: "Duplicate local value definition".into(),
                                detail: format!("A local value named {:?} was already defined in this module. Local value names must be unique within a module.", &*a.name),
                            });
                            continue;
                        }
                        self.locals.insert(a.name.clone(), located(file, a));
                    }
                }
                _ => {}
            }
        }
    }

    /// A block whose name the module already declared (Terraform refuses the module).
    fn duplicate(&mut self, file: FileId, block: &Block, summary: String, detail: String) {
        self.invalid.push(ConfigError {
            file,
            span: block.header,
            summary,
            detail,
        });
    }

    /// Merges one override file (Terraform's `Module.mergeFile`).
    fn merge_file(&mut self, file: FileId, body: Body, problems: &mut Vec<FileProblem>) {
        let incomplete = self.loading.incomplete;
        let missing =
            |problems: &mut Vec<FileProblem>, block: &Block, summary: &str, detail: &str| {
                // The base may be in the file that failed to parse: its error says enough.
                if !incomplete {
                    problems.push(problem(file, block.header, summary, detail));
                }
            };
        for block in body.blocks {
            match &*block.kind {
                "resource" | "data" => {
                    let key = resource_key(&block);
                    let Some(base) = self.resources.get_mut(&key) else {
                        let (summary, detail) = if key.data {
                            (
                                "Missing data resource to override",
                                format!(
                                    "There is no {} data resource named \"{}\". An override file can only override a data block defined in a primary configuration file.",
                                    key.rtype, key.name
                                ),
                            )
                        } else {
                            (
                                "Missing resource to override",
                                format!(
                                    "There is no {} resource named \"{}\". An override file can only override a resource block defined in a primary configuration file.",
                                    key.rtype, key.name
                                ),
                            )
                        };
                        missing(problems, &block, summary, &detail);
                        continue;
                    };
                    merge_resource(base, block, file, problems);
                }
                "module" => {
                    let name = label(&block, 0);
                    let Some(base) = self.calls.get_mut(&name) else {
                        missing(
                            problems,
                            &block,
                            "Missing module call to override",
                            &format!(
                                "There is no module call named \"{name}\". An override file can only override a module call that was defined in a primary configuration file."
                            ),
                        );
                        continue;
                    };
                    merge_call(base, block, file, problems);
                }
                "variable" => {
                    let name = label(&block, 0);
                    let Some(base) = self.variables.get_mut(&name) else {
                        missing(
                            problems,
                            &block,
                            "Missing base variable declaration to override",
                            &format!(
                                "There is no variable named \"{name}\". An override file can only override a variable that was already declared in a primary configuration file."
                            ),
                        );
                        continue;
                    };
                    merge_variable(base, block, file);
                }
                "locals" => {
                    // "Overrides are applied on a value-by-value basis, ignoring which
                    // `locals` block they are defined in"; the override replaces the
                    // expression and where it is written.
                    for a in block.body.attributes {
                        match self.locals.get_mut(&a.name) {
                            Some(local) => *local = located(file, a),
                            None if incomplete => {}
                            None => problems.push(problem(
                                file,
                                a.span,
                                "Missing base local value definition to override",
                                &format!(
                                    "There is no local value named \"{}\". An override file can only override a local value that was already defined in a primary configuration file.",
                                    a.name
                                ),
                            )),
                        }
                    }
                }
                "output" => {
                    let name = label(&block, 0);
                    if !self.loading.declared_outputs.contains(&name) {
                        missing(
                            problems,
                            &block,
                            "Missing base output definition to override",
                            &format!(
                                "There is no output named \"{name}\". An override file can only override an output that was already defined in a primary configuration file."
                            ),
                        );
                        continue;
                    }
                    if let Some(d) = block.body.attribute("depends_on") {
                        problems.push(depends_on_problem(file, d));
                    }
                    // `description` and `sensitive` replace the original's too; only the
                    // value is read here.
                    if let Some(a) = block.body.attribute("value") {
                        self.outputs.insert(name, located(file, a.clone()));
                    }
                }
                "provider" => {
                    let key = provider_key(&block);
                    match self.providers.get_mut(&key) {
                        Some(base) => {
                            let (body, origins) = merge_bodies(
                                std::mem::take(&mut base.block.body),
                                base.origins.take(),
                                base.file,
                                block.body,
                                file,
                            );
                            base.block.body = body;
                            base.origins = origins;
                        }
                        // "We allow overriding a non-existing _default_ provider
                        // configuration because ... an absent provider configuration
                        // implies an empty provider configuration" (configs/module.go).
                        None if key.alias.is_none() => {
                            self.providers.insert(
                                key,
                                Provider {
                                    file,
                                    block,
                                    origins: None,
                                },
                            );
                        }
                        None => missing(
                            problems,
                            &block,
                            "Missing base provider configuration for override",
                            &format!(
                                "There is no {} provider configuration with the alias \"{}\". An override file can only override an aliased provider configuration that was already defined in a primary configuration file.",
                                key.name,
                                key.alias.as_deref().unwrap_or("")
                            ),
                        ),
                    }
                }
                "moved" => problems.push(problem(
                    file,
                    block.header,
                    "Cannot override 'moved' blocks",
                    "Records of moved objects can appear only in normal files, not in override files.",
                )),
                // `terraform` blocks (required_providers merged per provider, `backend`
                // and `cloud` replacing each other) are not read by the audit.
                _ => {}
            }
        }
    }
}

/// "Merging resource and data blocks": arguments replace the original's, nested block
/// types replace all blocks of that type (`dynamic` ones included), `lifecycle` merges
/// argument by argument, `provisioner` and `connection` blocks replace the original's,
/// and `depends_on` may not be overridden.
fn merge_resource(base: &mut Resource, over: Block, file: FileId, problems: &mut Vec<FileProblem>) {
    let mut attributes = Vec::new();
    let mut lifecycles = Vec::new();
    for a in over.body.attributes {
        if &*a.name == "depends_on" {
            problems.push(depends_on_problem(file, &a));
        } else if &*a.name == "lifecycle"
            && let Some(b) = object_block(&a)
        {
            lifecycles.push(b);
        } else {
            attributes.push(a);
        }
    }
    let mut blocks = Vec::new();
    for b in over.body.blocks {
        if &*b.kind == "lifecycle" {
            lifecycles.push(b);
        } else {
            blocks.push(b);
        }
    }
    let mut parts = Parts::split(
        std::mem::take(&mut base.block.body),
        base.origins.take(),
        base.file,
    );
    parts.merge(attributes, blocks, file);
    for l in lifecycles {
        parts.merge_lifecycle(l, file);
    }
    (base.block.body, base.origins) = parts.join(base.file);
}

/// A module call: `source`, `version`, `count`, `for_each`, `providers` and the
/// module's arguments each replace the original's; `depends_on` may not be overridden
/// (Terraform's `ModuleCall.merge`). `source` is read again from the merged block.
fn merge_call(base: &mut Call, over: Block, file: FileId, problems: &mut Vec<FileProblem>) {
    let mut body = over.body;
    if let Some(i) = body
        .attributes
        .iter()
        .position(|a| &*a.name == "depends_on")
    {
        let d = body.attributes.remove(i);
        problems.push(depends_on_problem(file, &d));
    }
    let (merged, origins) = merge_bodies(
        std::mem::take(&mut base.block.body),
        base.origins.take(),
        base.file,
        body,
        file,
    );
    base.block.body = merged;
    base.origins = origins;
    base.source = literal_source(&base.block);
}

/// "Merging variable blocks": `type`, `default`, `description`, `sensitive`,
/// `nullable` (every argument) replace the original's. A `default` kept from the
/// original is converted to an overriding `type`, and an overriding `default` must fit
/// the original `type`: the evaluator converts a variable's default to its declared type
/// when it reads it, so the merged block is all it needs. Terraform's
/// `Variable.merge` does not merge `validation` blocks: the original's stay and the
/// override's are ignored.
fn merge_variable(base: &mut Variable, over: Block, file: FileId) {
    let mut parts = Parts::split(
        std::mem::take(&mut base.block.body),
        base.origins.take(),
        base.file,
    );
    parts.merge(over.body.attributes, Vec::new(), file);
    (base.block.body, base.origins) = parts.join(base.file);
}

/// Terraform's `MergeBodies` over two bodies: each argument of the override replaces
/// the original's, and each nested block type present in the override replaces every
/// block of that type, `dynamic` blocks generating it included.
fn merge_bodies(
    base: Body,
    origins: Option<Box<Origins>>,
    base_file: FileId,
    over: Body,
    file: FileId,
) -> (Body, Option<Box<Origins>>) {
    let mut parts = Parts::split(base, origins, base_file);
    parts.merge(over.attributes, over.blocks, file);
    parts.join(base_file)
}

fn problem(file: FileId, span: Span, summary: &str, detail: &str) -> FileProblem {
    FileProblem {
        origin: Origin::file(file, span),
        message: format!("{summary}: {detail}"),
    }
}

/// Terraform points at the first item of the list, "the closest range we have".
fn depends_on_problem(file: FileId, a: &Attribute) -> FileProblem {
    let span = match &a.expr.kind {
        ExprKind::Tuple(items) if !items.is_empty() => items[0].span,
        _ => a.span,
    };
    problem(
        file,
        span,
        "Unsupported override",
        "The depends_on argument may not be overridden.",
    )
}

fn label(block: &Block, i: usize) -> Box<str> {
    block.labels.get(i).cloned().unwrap_or_default()
}

fn resource_key(block: &Block) -> ResourceKey {
    ResourceKey {
        data: &*block.kind == "data",
        rtype: label(block, 0),
        name: label(block, 1),
    }
}

fn provider_key(block: &Block) -> ProviderKey {
    ProviderKey {
        name: label(block, 0),
        alias: block
            .body
            .attribute("alias")
            .and_then(|a| a.expr.as_str())
            .map(Into::into),
    }
}

fn literal_source(block: &Block) -> Option<String> {
    block
        .body
        .attribute("source")
        .and_then(|a| a.expr.as_str())
        .map(str::to_string)
}

fn located(file: FileId, a: Attribute) -> Located {
    Located {
        file,
        expr: a.expr,
        span: a.span,
    }
}

/// The type of blocks a nested block stands for: `dynamic "x"` generates `x` blocks.
fn block_type(b: &Block) -> &str {
    if &*b.kind == "dynamic" {
        b.labels.first().map_or("", |l| &**l)
    } else {
        &b.kind
    }
}

/// A nested block written in JSON as an object-valued property (`"lifecycle": {...}`),
/// as a block, so it can merge argument by argument.
fn object_block(a: &Attribute) -> Option<Block> {
    let items = match &a.expr.kind {
        ExprKind::Object(items) => items,
        ExprKind::Tuple(list) => match list.as_slice() {
            [
                Expr {
                    kind: ExprKind::Object(items),
                    ..
                },
            ] => items,
            _ => return None,
        },
        _ => return None,
    };
    let mut body = Body::default();
    for (key, expr) in items {
        let name: Box<str> = match key {
            ObjectKey::Name(n) => n.clone(),
            ObjectKey::Expr(e) => e.as_str()?.into(),
        };
        body.attributes.push(Attribute {
            name,
            expr: expr.clone(),
            span: expr.span,
        });
    }
    Some(Block {
        kind: a.name.clone(),
        labels: Vec::new(),
        body,
        span: a.span,
        header: a.span,
    })
}

/// Which file each part of a merged block was written in, shaped like its body: one
/// file per argument and one `Origins` per nested block, in order. Empty lists mean
/// everything below is in `file` (a block read whole from one file).
#[derive(Debug, Clone)]
struct Origins {
    file: FileId,
    attributes: Vec<FileId>,
    blocks: Vec<Origins>,
}

impl Origins {
    fn whole(file: FileId) -> Origins {
        Origins {
            file,
            attributes: Vec::new(),
            blocks: Vec::new(),
        }
    }

    fn is_whole(&self, file: FileId) -> bool {
        self.file == file
            && self.attributes.iter().all(|&f| f == file)
            && self.blocks.iter().all(|b| b.is_whole(file))
    }

    /// The file of `target` if it is an argument somewhere in `body`, which these
    /// origins describe. Arguments are told apart by identity, not by name or span:
    /// two files may hold the same name at the same offsets.
    fn locate(&self, body: &Body, target: &Attribute) -> Option<FileId> {
        for (i, a) in body.attributes.iter().enumerate() {
            if std::ptr::eq(a, target) {
                return Some(self.attributes.get(i).copied().unwrap_or(self.file));
            }
        }
        for (i, b) in body.blocks.iter().enumerate() {
            let found = match self.blocks.get(i) {
                Some(inner) => inner.locate(&b.body, target),
                None => Origins::whole(self.file).locate(&b.body, target),
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }
}

fn file_in(file: FileId, body: &Body, origins: Option<&Origins>, a: &Attribute) -> FileId {
    origins.and_then(|o| o.locate(body, a)).unwrap_or(file)
}

/// A body taken apart while it is merged, each top-level part beside its origin.
struct Parts {
    attributes: Vec<(Attribute, FileId)>,
    blocks: Vec<(Block, Origins)>,
}

impl Parts {
    fn split(body: Body, origins: Option<Box<Origins>>, file: FileId) -> Parts {
        let origins = origins.map_or_else(|| Origins::whole(file), |o| *o);
        let mut block_origins = origins.blocks.into_iter();
        Parts {
            attributes: body
                .attributes
                .into_iter()
                .enumerate()
                .map(|(i, a)| {
                    let f = origins.attributes.get(i).copied().unwrap_or(origins.file);
                    (a, f)
                })
                .collect(),
            blocks: body
                .blocks
                .into_iter()
                .map(|b| {
                    let o = block_origins
                        .next()
                        .unwrap_or_else(|| Origins::whole(origins.file));
                    (b, o)
                })
                .collect(),
        }
    }

    /// The merged body, and its origins unless every part is in `file`.
    fn join(self, file: FileId) -> (Body, Option<Box<Origins>>) {
        let (attributes, attribute_files): (Vec<_>, Vec<_>) = self.attributes.into_iter().unzip();
        let (blocks, block_origins): (Vec<_>, Vec<_>) = self.blocks.into_iter().unzip();
        let origins = Origins {
            file,
            attributes: attribute_files,
            blocks: block_origins,
        };
        let origins = (!origins.is_whole(file)).then(|| Box::new(origins));
        (Body { attributes, blocks }, origins)
    }

    /// An argument replaces the original's of the same name, in its place.
    fn set(&mut self, a: Attribute, file: FileId) {
        match self.attributes.iter_mut().find(|(b, _)| b.name == a.name) {
            Some(slot) => *slot = (a, file),
            None => self.attributes.push((a, file)),
        }
    }

    /// Terraform's `MergeBodies`: arguments replace the original's, and the nested
    /// blocks of the override replace all blocks of their types in the original, a
    /// `dynamic "x"` counting as type `x` on either side. JSON syntax writes a nested
    /// block as an object-valued property, so an argument named like a block type of the
    /// original replaces those blocks, and a block replaces an argument named like its
    /// type: an argument and a block type never share a name in one schema.
    fn merge(&mut self, attributes: Vec<Attribute>, blocks: Vec<Block>, file: FileId) {
        let block_types: HashSet<&str> = blocks.iter().map(block_type).collect();
        let names: HashSet<&str> = attributes.iter().map(|a| &*a.name).collect();
        self.blocks.retain(|(b, _)| {
            let t = block_type(b);
            !block_types.contains(t) && !names.contains(t)
        });
        self.attributes
            .retain(|(a, _)| !block_types.contains(&*a.name));
        for a in attributes {
            self.set(a, file);
        }
        self.blocks
            .extend(blocks.into_iter().map(|b| (b, Origins::whole(file))));
    }

    /// "the contents of any `lifecycle` nested block are merged on an
    /// argument-by-argument basis". Its nested `precondition` and `postcondition`
    /// blocks are not merged by Terraform (`Resource.merge`): the original's stay.
    fn merge_lifecycle(&mut self, over: Block, file: FileId) {
        let existing = self
            .blocks
            .iter()
            .position(|(b, _)| &*b.kind == "lifecycle");
        let at = match existing {
            Some(i) => i,
            None => {
                let json = self
                    .attributes
                    .iter()
                    .position(|(a, _)| &*a.name == "lifecycle")
                    .and_then(|i| Some((i, object_block(&self.attributes[i].0)?)));
                match json {
                    Some((i, block)) => {
                        let (_, f) = self.attributes.remove(i);
                        self.blocks.push((block, Origins::whole(f)));
                    }
                    None => {
                        let block = Block {
                            kind: over.kind.clone(),
                            labels: Vec::new(),
                            body: Body::default(),
                            span: over.span,
                            header: over.header,
                        };
                        self.blocks.push((block, Origins::whole(file)));
                    }
                }
                self.blocks.len() - 1
            }
        };
        let (block, origins) = &mut self.blocks[at];
        let block_file = origins.file;
        let mut inner = Parts::split(
            std::mem::take(&mut block.body),
            Some(Box::new(std::mem::replace(
                origins,
                Origins::whole(block_file),
            ))),
            block_file,
        );
        for a in over.body.attributes {
            inner.set(a, file);
        }
        let (body, inner_origins) = inner.join(block_file);
        block.body = body;
        *origins = inner_origins.map_or_else(|| Origins::whole(block_file), |o| *o);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::terraform::parse::parse_body;

    const MAIN: FileId = FileId(0);
    const OVER: FileId = FileId(1);
    const OVER2: FileId = FileId(2);

    /// A module from `(name, id, text)` files, added in the order given, merged.
    fn module(files: &[(&str, FileId, &str)]) -> (Module, Vec<FileProblem>) {
        let mut m = Module::default();
        for (name, id, text) in files {
            m.add_file(*id, name, parse_body(text).unwrap());
        }
        let problems = m.merge_overrides();
        (m, problems)
    }

    fn merged(main: &str, over: &str) -> Module {
        let (m, problems) = module(&[("main.tf", MAIN, main), ("override.tf", OVER, over)]);
        assert!(problems.is_empty(), "{problems:?}");
        m
    }

    fn only_resource(m: &Module) -> &Resource {
        m.resources.values().next().unwrap()
    }

    fn string<'a>(body: &'a Body, name: &str) -> Option<&'a str> {
        body.attribute(name).and_then(|a| a.expr.as_str())
    }

    fn messages(problems: &[FileProblem]) -> Vec<&str> {
        problems.iter().map(|p| p.message.as_str()).collect()
    }

    const LAMBDA: &str = r#"resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = aws_iam_role.r.arn
  timeout       = 3
  tracing_config {
    mode = "PassThrough"
  }
}
"#;

    #[test]
    fn override_files() {
        for (name, yes) in [
            ("override.tf", true),
            ("override.tf.json", true),
            ("a_override.tf", true),
            ("lambda_override.tf.json", true),
            ("main.tf", false),
            ("overrides.tf", false),
            ("my_override.backup.tf", false),
            ("xoverride.tf", false),
            ("override.tfvars", false),
        ] {
            assert_eq!(is_override_file(name), yes, "{name}");
        }
    }

    #[test]
    fn an_override_found_before_its_primary_still_merges_into_it() {
        // a_override.tf sorts before main.tf: it must not become the primary block.
        let (m, problems) = module(&[
            (
                "a_override.tf",
                OVER,
                "resource \"aws_lambda_function\" \"f\" {\n  timeout = 30\n}\n",
            ),
            ("main.tf", MAIN, LAMBDA),
        ]);
        assert!(problems.is_empty(), "{problems:?}");
        let f = only_resource(&m);
        assert_eq!(f.file, MAIN);
        let body = &f.block.body;
        assert!(body.attribute("role").is_some(), "the role stays");
        let timeout = body.attribute("timeout").unwrap();
        assert!(matches!(&timeout.expr.kind, ExprKind::Number(n) if n.to_text() == "30"));
        assert_eq!(f.file_of(timeout), OVER);
        assert_eq!(f.file_of(body.attribute("role").unwrap()), MAIN);
        // Replaced in place: the arguments keep their order.
        let names: Vec<&str> = body.attributes.iter().map(|a| &*a.name).collect();
        assert_eq!(names, ["function_name", "role", "timeout"]);
    }

    #[test]
    fn override_files_merge_in_lexical_order_whatever_order_they_come_in() {
        let main = "locals {\n  mode = \"PassThrough\"\n}\n";
        let z = "locals {\n  mode = \"Z\"\n}\n";
        let b = "locals {\n  mode = \"B\"\n}\n";
        for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0]] {
            let files = [
                ("z_override.tf", OVER2, z),
                ("b_override.tf", OVER, b),
                ("main.tf", MAIN, main),
            ];
            let (m, problems) = module(&order.map(|i| files[i]));
            assert!(problems.is_empty());
            // Later files take precedence: z_override.tf wins.
            assert_eq!(m.locals["mode"].expr.as_str(), Some("Z"));
            assert_eq!(m.locals["mode"].file, OVER2);
        }
    }

    #[test]
    fn nested_blocks_replace_all_blocks_of_their_type() {
        let main = r#"resource "aws_security_group" "s" {
  name = "s"
  ingress {
    from_port = 1
  }
  ingress {
    from_port = 2
  }
  egress {
    from_port = 3
  }
}
"#;
        let over =
            "resource \"aws_security_group\" \"s\" {\n  ingress {\n    from_port = 9\n  }\n}\n";
        let m = merged(main, over);
        let s = only_resource(&m);
        let ingress: Vec<&Block> = s.block.body.blocks_of("ingress").collect();
        assert_eq!(ingress.len(), 1);
        let port = ingress[0].body.attribute("from_port").unwrap();
        assert_eq!(s.file_of(port), OVER);
        // Types the override does not write stay, from their own file.
        let egress = s.block.body.blocks_of("egress").next().unwrap();
        assert_eq!(s.file_of(egress.body.attribute("from_port").unwrap()), MAIN);
        assert_eq!(string(&s.block.body, "name"), Some("s"));
    }

    #[test]
    fn a_dynamic_block_and_static_blocks_of_its_type_replace_each_other() {
        let dynamic = r#"resource "aws_lambda_function" "f" {
  dynamic "tracing_config" {
    for_each = [1]
    content {
      mode = "PassThrough"
    }
  }
}
"#;
        let fixed = "resource \"aws_lambda_function\" \"f\" {\n  tracing_config {\n    mode = \"Active\"\n  }\n}\n";
        let m = merged(dynamic, fixed);
        let body = &only_resource(&m).block.body;
        assert_eq!(body.dynamic_blocks_of("tracing_config").count(), 0);
        let tc: Vec<&Block> = body.blocks_of("tracing_config").collect();
        assert_eq!(tc.len(), 1);
        assert_eq!(string(&tc[0].body, "mode"), Some("Active"));

        let m = merged(fixed, dynamic);
        let body = &only_resource(&m).block.body;
        assert_eq!(body.blocks_of("tracing_config").count(), 0);
        assert_eq!(body.dynamic_blocks_of("tracing_config").count(), 1);
    }

    #[test]
    fn a_json_style_property_replaces_blocks_of_its_name() {
        // `.tf.json` may write a nested block as an object-valued property.
        let over = "resource \"aws_lambda_function\" \"f\" {\n  tracing_config = { mode = \"Active\" }\n}\n";
        let m = merged(LAMBDA, over);
        let f = only_resource(&m);
        assert_eq!(f.block.body.blocks_of("tracing_config").count(), 0);
        let tc = f.block.body.attribute("tracing_config").unwrap();
        assert_eq!(f.file_of(tc), OVER);
        // And a block replaces such a property.
        let back = "resource \"aws_lambda_function\" \"f\" {\n  tracing_config {\n    mode = \"PassThrough\"\n  }\n}\n";
        let (m, _) = module(&[("main.tf", MAIN, over), ("override.tf", OVER, back)]);
        let f = only_resource(&m);
        assert!(f.block.body.attribute("tracing_config").is_none());
        assert_eq!(f.block.body.blocks_of("tracing_config").count(), 1);
    }

    #[test]
    fn lifecycle_merges_argument_by_argument() {
        let main = r#"resource "aws_instance" "web" {
  ami = "a"
  lifecycle {
    ignore_changes = [tags]
    prevent_destroy = false
    precondition {
      condition     = true
      error_message = "base"
    }
  }
}
"#;
        let over = r#"resource "aws_instance" "web" {
  lifecycle {
    create_before_destroy = true
    prevent_destroy       = true
    postcondition {
      condition     = true
      error_message = "override"
    }
  }
}
"#;
        let m = merged(main, over);
        let r = only_resource(&m);
        let lifecycles: Vec<&Block> = r.block.body.blocks_of("lifecycle").collect();
        assert_eq!(lifecycles.len(), 1);
        let l = &lifecycles[0].body;
        assert_eq!(r.file_of(l.attribute("ignore_changes").unwrap()), MAIN);
        assert_eq!(
            r.file_of(l.attribute("create_before_destroy").unwrap()),
            OVER
        );
        let prevent = l.attribute("prevent_destroy").unwrap();
        assert!(matches!(prevent.expr.kind, ExprKind::Bool(true)));
        assert_eq!(r.file_of(prevent), OVER);
        // Conditions are not merged: the original's stay.
        assert_eq!(l.blocks_of("precondition").count(), 1);
        assert_eq!(l.blocks_of("postcondition").count(), 0);

        // Without a lifecycle in the original, the override's arguments make one.
        let m = merged(
            "resource \"aws_instance\" \"web\" {\n  ami = \"a\"\n}\n",
            "resource \"aws_instance\" \"web\" {\n  lifecycle {\n    enabled = false\n  }\n}\n",
        );
        let r = only_resource(&m);
        let l = r.block.body.blocks_of("lifecycle").next().unwrap();
        assert_eq!(r.file_of(l.body.attribute("enabled").unwrap()), OVER);

        // A JSON-style lifecycle property merges the same way.
        let m = merged(
            main,
            "resource \"aws_instance\" \"web\" {\n  lifecycle = { create_before_destroy = true }\n}\n",
        );
        let r = only_resource(&m);
        assert!(r.block.body.attribute("lifecycle").is_none());
        let l = r.block.body.blocks_of("lifecycle").next().unwrap();
        assert!(l.body.attribute("ignore_changes").is_some());
        assert!(l.body.attribute("create_before_destroy").is_some());
    }

    #[test]
    fn provisioners_and_connection_are_replaced_wholesale() {
        let main = r#"resource "aws_instance" "web" {
  connection {
    host = "a"
    user = "root"
  }
  provisioner "local-exec" {
    command = "one"
  }
  provisioner "remote-exec" {
    inline = ["two"]
  }
}
"#;
        let over = r#"resource "aws_instance" "web" {
  connection {
    host = "b"
  }
  provisioner "file" {
    source = "x"
  }
}
"#;
        let m = merged(main, over);
        let body = &only_resource(&m).block.body;
        let provisioners: Vec<&Block> = body.blocks_of("provisioner").collect();
        assert_eq!(provisioners.len(), 1);
        assert_eq!(&*provisioners[0].labels[0], "file");
        let connection = body.blocks_of("connection").next().unwrap();
        assert_eq!(string(&connection.body, "host"), Some("b"));
        assert!(connection.body.attribute("user").is_none(), "not merged");
    }

    #[test]
    fn depends_on_may_not_be_overridden() {
        let over = "resource \"aws_lambda_function\" \"f\" {\n  depends_on = [aws_iam_role.r]\n  timeout = 9\n}\n";
        let (m, problems) = module(&[("main.tf", MAIN, LAMBDA), ("override.tf", OVER, over)]);
        assert_eq!(
            messages(&problems),
            ["Unsupported override: The depends_on argument may not be overridden."]
        );
        let Origin::File { file, span } = problems[0].origin else {
            panic!()
        };
        assert_eq!((file, &over[span.range()]), (OVER, "aws_iam_role.r"));
        let f = only_resource(&m);
        assert!(f.block.body.attribute("depends_on").is_none());
        assert!(
            f.block.body.attribute("timeout").is_some(),
            "the rest merges"
        );

        // Module calls and outputs too; a depends_on in the original is fine.
        let main = "module \"m\" {\n  source = \"./m\"\n  depends_on = [x.y]\n}\noutput \"o\" {\n  value = 1\n}\n";
        let over =
            "module \"m\" {\n  depends_on = [a.b]\n}\noutput \"o\" {\n  depends_on = [a.b]\n}\n";
        let (_, problems) = module(&[("main.tf", MAIN, main), ("override.tf", OVER, over)]);
        assert_eq!(problems.len(), 2, "{problems:?}");
        let (_, problems) = module(&[
            ("main.tf", MAIN, main),
            (
                "override.tf",
                OVER,
                "module \"m\" {\n  source = \"./n\"\n}\n",
            ),
        ]);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn an_override_without_a_primary_is_an_error_in_terraforms_words() {
        let over = r#"resource "aws_lambda_function" "ghost" {
  timeout = 1
}
data "aws_iam_role" "ghost" {
  name = "x"
}
module "ghost" {
  source = "./x"
}
variable "ghost" {
  default = 1
}
locals {
  ghost = 1
}
output "ghost" {
  value = 1
}
provider "aws" {
  alias  = "ghost"
  region = "eu-west-1"
}
provider "google" {
  project = "p"
}
moved {
  from = a.b
  to   = a.c
}
"#;
        let (m, problems) = module(&[("main.tf", MAIN, LAMBDA), ("x_override.tf", OVER, over)]);
        assert_eq!(
            messages(&problems),
            [
                "Missing resource to override: There is no aws_lambda_function resource named \"ghost\". An override file can only override a resource block defined in a primary configuration file.",
                "Missing data resource to override: There is no aws_iam_role data resource named \"ghost\". An override file can only override a data block defined in a primary configuration file.",
                "Missing module call to override: There is no module call named \"ghost\". An override file can only override a module call that was defined in a primary configuration file.",
                "Missing base variable declaration to override: There is no variable named \"ghost\". An override file can only override a variable that was already declared in a primary configuration file.",
                "Missing base local value definition to override: There is no local value named \"ghost\". An override file can only override a local value that was already defined in a primary configuration file.",
                "Missing base output definition to override: There is no output named \"ghost\". An override file can only override an output that was already defined in a primary configuration file.",
                "Missing base provider configuration for override: There is no aws provider configuration with the alias \"ghost\". An override file can only override an aliased provider configuration that was already defined in a primary configuration file.",
                "Cannot override 'moved' blocks: Records of moved objects can appear only in normal files, not in override files.",
            ]
        );
        // At the override block's header, in the override file.
        let text = over;
        let Origin::File { file, span } = problems[0].origin else {
            panic!()
        };
        assert_eq!(file, OVER);
        assert_eq!(
            &text[span.range()],
            "resource \"aws_lambda_function\" \"ghost\""
        );
        assert_eq!(m.resources.len(), 1, "nothing is created by an override");
        assert!(m.calls.is_empty() && m.variables.is_empty() && m.locals.is_empty());
        // A default provider configuration may be overridden without one.
        assert!(m.providers.keys().any(|k| &*k.name == "google"));
    }

    #[test]
    fn a_module_with_a_file_that_did_not_parse_reports_no_missing_primary() {
        let mut m = Module::default();
        m.add_unparsed(MAIN, "main.tf");
        let over = "resource \"aws_lambda_function\" \"f\" {\n  timeout = 1\n}\n";
        m.add_file(OVER, "override.tf", parse_body(over).unwrap());
        assert!(m.merge_overrides().is_empty());
        assert_eq!(m.files, [MAIN, OVER]);
        // An override file that did not parse hides no primary block.
        let mut m = Module::default();
        m.add_unparsed(MAIN, "a_override.tf");
        m.add_file(OVER, "override.tf", parse_body(over).unwrap());
        assert_eq!(m.merge_overrides().len(), 1);
    }

    #[test]
    fn variable_arguments_are_replaced_one_by_one() {
        let main = r#"variable "mode" {
  type        = string
  default     = "PassThrough"
  description = "base"
  validation {
    condition     = contains(["Active", "PassThrough"], var.mode)
    error_message = "base"
  }
}
"#;
        // The default alone: the type stays (and the evaluator converts to it).
        let m = merged(main, "variable \"mode\" {\n  default = \"Active\"\n}\n");
        let v = &m.variables["mode"];
        assert_eq!(v.default().and_then(Expr::as_str), Some("Active"));
        assert_eq!(v.default_file(), OVER);
        assert_eq!(v.file_of(v.block.body.attribute("type").unwrap()), MAIN);
        assert_eq!(v.file, MAIN);
        // The type alone: the original default stays.
        let m = merged(main, "variable \"mode\" {\n  type = any\n}\n");
        let v = &m.variables["mode"];
        assert_eq!(v.default().and_then(Expr::as_str), Some("PassThrough"));
        assert_eq!(v.default_file(), MAIN);
        assert!(matches!(
            &v.block.body.attribute("type").unwrap().expr.kind,
            ExprKind::Variable(t) if &**t == "any"
        ));
        // Validation blocks are not merged (Terraform's Variable.merge): the original's stay.
        let m = merged(
            main,
            "variable \"mode\" {\n  validation {\n    condition = false\n    error_message = \"o\"\n  }\n}\n",
        );
        let validation = m.variables["mode"]
            .block
            .body
            .blocks_of("validation")
            .next();
        assert!(
            validation
                .unwrap()
                .body
                .attribute("condition")
                .is_some_and(|c| matches!(c.expr.kind, ExprKind::Call(_)))
        );
    }

    #[test]
    fn locals_are_replaced_value_by_value() {
        let main = "locals {\n  a = 1\n  b = 2\n}\nlocals {\n  c = 3\n}\n";
        let over = "locals {\n  c = \"three\"\n  a = \"one\"\n}\n";
        let m = merged(main, over);
        assert_eq!(m.locals["a"].expr.as_str(), Some("one"));
        assert_eq!(m.locals["a"].file, OVER);
        assert_eq!(&over[m.locals["a"].span.range()], "a = \"one\"");
        assert_eq!(m.locals["c"].file, OVER);
        assert_eq!(m.locals["b"].file, MAIN);
    }

    #[test]
    fn outputs_take_the_overriding_value() {
        let main = "output \"o\" {\n  value = 1\n  description = \"d\"\n}\n";
        let m = merged(main, "output \"o\" {\n  description = \"only\"\n}\n");
        assert_eq!(m.outputs["o"].file, MAIN);
        let m = merged(main, "output \"o\" {\n  value = \"two\"\n}\n");
        assert_eq!(m.outputs["o"].expr.as_str(), Some("two"));
        assert_eq!(m.outputs["o"].file, OVER);
    }

    #[test]
    fn a_module_calls_source_is_read_after_the_merge() {
        let main = "module \"fn\" {\n  source = \"./modules/old\"\n  mode   = \"PassThrough\"\n  name   = \"f\"\n}\n";
        let over = "module \"fn\" {\n  source  = \"./modules/new\"\n  mode    = \"Active\"\n  version = \"1.0\"\n}\n";
        let m = merged(main, over);
        let call = &m.calls["fn"];
        assert_eq!(call.source.as_deref(), Some("./modules/new"));
        assert_eq!(call.file, MAIN);
        let body = &call.block.body;
        assert_eq!(call.file_of(body.attribute("mode").unwrap()), OVER);
        assert_eq!(call.file_of(body.attribute("name").unwrap()), MAIN);
        assert_eq!(call.file_for(body.attribute("version")), OVER);
        assert_eq!(call.file_for(None), MAIN);
    }

    #[test]
    fn provider_arguments_and_nested_blocks_merge_like_a_resources() {
        let main = r#"provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = { a = "b" }
  }
}
provider "aws" {
  alias  = "eu"
  region = "eu-west-1"
}
"#;
        let over = r#"provider "aws" {
  region = "us-west-2"
}
provider "aws" {
  alias = "eu"
  assume_role {
    role_arn = "arn"
  }
}
"#;
        let m = merged(main, over);
        let default = &m.providers[&ProviderKey {
            name: "aws".into(),
            alias: None,
        }];
        assert_eq!(string(&default.block.body, "region"), Some("us-west-2"));
        assert_eq!(
            default.file_of(default.block.body.attribute("region").unwrap()),
            OVER
        );
        assert_eq!(default.block.body.blocks_of("default_tags").count(), 1);
        let eu = &m.providers[&ProviderKey {
            name: "aws".into(),
            alias: Some("eu".into()),
        }];
        assert_eq!(string(&eu.block.body, "region"), Some("eu-west-1"));
        assert_eq!(eu.block.body.blocks_of("assume_role").count(), 1);
    }

    #[test]
    fn overrides_compound_and_unmerged_declarations_keep_no_origins() {
        let a =
            "resource \"aws_lambda_function\" \"f\" {\n  timeout = 10\n  memory_size = 256\n}\n";
        let b = "resource \"aws_lambda_function\" \"f\" {\n  timeout = 20\n}\n";
        let (m, problems) = module(&[
            ("main.tf", MAIN, LAMBDA),
            ("b_override.tf", OVER2, b),
            ("a_override.tf", OVER, a),
        ]);
        assert!(problems.is_empty());
        let f = only_resource(&m);
        let body = &f.block.body;
        assert_eq!(f.file_of(body.attribute("timeout").unwrap()), OVER2);
        assert_eq!(f.file_of(body.attribute("memory_size").unwrap()), OVER);
        assert_eq!(f.file_of(body.attribute("role").unwrap()), MAIN);

        let (m, _) = module(&[("main.tf", MAIN, LAMBDA)]);
        assert!(only_resource(&m).origins.is_none());
        // An argument of another declaration is not found: the block's own file.
        let other = Attribute {
            name: "x".into(),
            expr: Expr::new(ExprKind::Null, Span::default()),
            span: Span::default(),
        };
        assert_eq!(f.file_of(&other), MAIN);
    }

    #[test]
    fn terraform_blocks_and_other_kinds_are_parse_safe() {
        let over = r#"terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5" }
  }
  backend "s3" {}
}
check "c" {
  assert {
    condition     = true
    error_message = "x"
  }
}
"#;
        let (_, problems) = module(&[("main.tf", MAIN, LAMBDA), ("override.tf", OVER, over)]);
        assert!(problems.is_empty());
    }
}
