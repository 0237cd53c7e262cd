//! What reaches each role, and which functions use it: inline policies
//! (`aws_iam_role_policy`, `inline_policy` blocks), attachments
//! (`aws_iam_role_policy_attachment`, `aws_iam_policy_attachment`, `managed_policy_arns`,
//! `aws_iam_role_policy_attachments_exclusive`), customer policies in the tree, AWS
//! managed policies known offline, and the permissions boundary. Everything is matched
//! within one root, by address or by name, through indexes built once.

use super::document::{Leniency, PolicyDocument};
use super::evaluate::{Document, Source};
use super::managed;
use crate::model::{
    Field, Function, Inventory, Origin, Policy, Reference, Role, Setting, Unresolved,
};
use std::collections::HashMap;

/// One role and everything that reaches it.
#[derive(Debug)]
pub struct RoleAccess<'a> {
    pub role: &'a Role,
    /// Functions whose execution role this is.
    pub functions: Vec<&'a Function>,
    pub policies: Vec<Source>,
    pub boundary: Option<Source>,
}

/// A function's execution role, resolved.
#[derive(Debug)]
pub enum FunctionRole<'a> {
    /// Index into `Graph::roles`.
    InTree(usize),
    /// A literal ARN or name matching no role in the root.
    Outside(String),
    Unknown(&'a Unresolved),
    Unset,
}

/// A policy read leniently (trailing commas).
#[derive(Debug)]
pub struct Lenient {
    pub label: String,
    pub origin: Option<Origin>,
    /// The root and address of the resource holding the policy.
    pub root: String,
    pub address: String,
    pub fragment: String,
}

#[derive(Debug, Default)]
pub struct Graph<'a> {
    pub roles: Vec<RoleAccess<'a>>,
    /// Parallel to `Inventory::functions`.
    pub function_roles: Vec<FunctionRole<'a>>,
    pub lenient: Vec<Lenient>,
}

/// Names of roles and policies by (root, key), for one kind of resource.
struct Index<'a> {
    by_address: HashMap<(&'a str, &'a str), usize>,
    by_name: HashMap<(&'a str, &'a str), usize>,
}

impl<'a> Index<'a> {
    fn new<T>(
        items: &'a [T],
        meta: impl Fn(&'a T) -> (&'a crate::model::Meta, &'a Setting<String>),
    ) -> Self {
        let mut by_address = HashMap::new();
        let mut by_name = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            let (m, name) = meta(item);
            by_address.insert((m.root.as_str(), m.address.as_str()), i);
            if let Field::Known(n) = &name.value {
                by_name.entry((m.root.as_str(), n.as_str())).or_insert(i);
            }
        }
        Index {
            by_address,
            by_name,
        }
    }

    /// Finds what a reference names: by address, by name, or by the name at the end of
    /// an ARN (`...:role/path/NAME`, `...:policy/NAME`), marks and all.
    fn find(&self, root: &'a str, r: &Reference, kind: &str) -> Lookup {
        match r {
            Reference::Address(a) => match self.by_address.get(&(root, a.as_str())) {
                Some(&i) => Lookup::Found(i),
                None => Lookup::Outside(a.clone()),
            },
            Reference::Literal(text) => match self.by_address.get(&(root, text.as_str())) {
                // An ARN that is exactly an item's address (an account's role or policy).
                Some(&i) => Lookup::Found(i),
                None => self.by_text(root, text, kind),
            },
            Reference::Unknown(u) => match &u.partial {
                Some(text) if text.contains(&format!(":{kind}/")) => self.by_text(root, text, kind),
                _ => Lookup::Unknown,
            },
            Reference::Unset => Lookup::Unset,
        }
    }

    fn by_text(&self, root: &str, text: &str, kind: &str) -> Lookup {
        let name = match text.split_once(&format!(":{kind}/")) {
            Some((_, path)) => path.rsplit('/').next().unwrap_or(path),
            None => text,
        };
        match self.by_name.get(&(root, name)) {
            Some(&i) => Lookup::Found(i),
            None => Lookup::Outside(text.to_string()),
        }
    }
}

enum Lookup {
    Found(usize),
    Outside(String),
    Unknown,
    Unset,
}

impl<'a> Graph<'a> {
    pub fn build(inv: &'a Inventory) -> Graph<'a> {
        let roles = Index::new(&inv.roles, |r: &Role| (&r.meta, &r.name));
        let policies = Index::new(&inv.policies, |p: &Policy| (&p.meta, &p.name));
        let mut g = Graph {
            roles: inv
                .roles
                .iter()
                .map(|role| RoleAccess {
                    role,
                    functions: Vec::new(),
                    policies: Vec::new(),
                    boundary: None,
                })
                .collect(),
            function_roles: Vec::new(),
            lenient: Vec::new(),
        };
        let resolver = Resolver {
            inv,
            policies: &policies,
        };
        for (i, role) in inv.roles.iter().enumerate() {
            let root = role.meta.root.as_str();
            let name = role.meta.address.as_str();
            for (n, p) in role.inline_policies.iter().enumerate() {
                let label = format!("{name} inline_policy #{}", n + 1);
                let source = document_source(
                    &label,
                    p,
                    role.meta.origin.clone(),
                    (root, name),
                    &mut g.lenient,
                );
                g.roles[i].policies.push(source);
            }
            for arn in &role.managed_policy_arns {
                let source = resolver.policy(root, arn, role.meta.origin.clone(), &mut g.lenient);
                g.roles[i].policies.push(source);
            }
            if role.permissions_boundary != Reference::Unset {
                let b = resolver.policy(
                    root,
                    &role.permissions_boundary,
                    role.meta.origin.clone(),
                    &mut g.lenient,
                );
                g.roles[i].boundary = Some(b);
            }
        }
        let exclusive = exclusive_names(inv, &roles);
        for rp in &inv.role_policies {
            let root = rp.meta.root.as_str();
            if let Lookup::Found(i) = roles.find(root, &rp.role, "role") {
                if let (Some(keep), Field::Known(name)) = (exclusive.get(&i), &rp.name.value)
                    && !keep.contains(&name.as_str())
                {
                    continue;
                }
                let origin = rp.policy.at.clone().or(rp.meta.origin.clone());
                let holder = (root, rp.meta.address.as_str());
                let source =
                    document_source(&rp.meta.address, &rp.policy, origin, holder, &mut g.lenient);
                g.roles[i].policies.push(source);
            }
        }
        for a in &inv.attachments {
            let root = a.meta.root.as_str();
            for r in &a.roles {
                if let Lookup::Found(i) = roles.find(root, r, "role") {
                    let source =
                        resolver.policy(root, &a.policy_arn, a.meta.origin.clone(), &mut g.lenient);
                    g.roles[i].policies.push(source);
                }
            }
        }
        for f in &inv.functions {
            let root = f.meta.root.as_str();
            let resolved = match roles.find(root, &f.role, "role") {
                Lookup::Found(i) => {
                    g.roles[i].functions.push(f);
                    FunctionRole::InTree(i)
                }
                Lookup::Outside(text) => FunctionRole::Outside(text),
                Lookup::Unknown => match &f.role {
                    Reference::Unknown(u) => FunctionRole::Unknown(u),
                    _ => FunctionRole::Unset,
                },
                Lookup::Unset => FunctionRole::Unset,
            };
            g.function_roles.push(resolved);
        }
        g
    }
}

/// A policy whose JSON is a setting: parsed (leniently, noting it), or unknown with why.
fn document_source(
    label: &str,
    policy: &Setting<String>,
    origin: Option<Origin>,
    holder: (&str, &str),
    lenient: &mut Vec<Lenient>,
) -> Source {
    let text = match &policy.value {
        Field::Known(text) => Ok(text),
        Field::Unknown(u) => u
            .partial
            .as_ref()
            .ok_or_else(|| format!("`{}`: {}", u.expression, u.why)),
        Field::Unset => Err("it sets no policy".into()),
    };
    let document = match text.map(|t| (t, PolicyDocument::parse(t))) {
        Ok((_, Ok((doc, Leniency::Strict)))) => Document::Known(doc),
        Ok((text, Ok((doc, Leniency::TrailingCommas { offset })))) => {
            let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
            lenient.push(Lenient {
                label: label.to_string(),
                origin: origin.clone(),
                root: holder.0.to_string(),
                address: holder.1.to_string(),
                fragment: text[start..end].trim().to_string(),
            });
            Document::Known(doc)
        }
        Ok((_, Err(e))) => Document::Unknown(e.message),
        Err(why) => Document::Unknown(why),
    };
    Source {
        label: label.to_string(),
        origin,
        document,
    }
}

/// For roles with `aws_iam_role_policies_exclusive`: the inline policy names they keep.
fn exclusive_names<'a>(inv: &'a Inventory, roles: &Index<'a>) -> HashMap<usize, Vec<&'a str>> {
    let mut out: HashMap<usize, Vec<&str>> = HashMap::new();
    for e in &inv.exclusive_policies {
        if let (Lookup::Found(i), Field::Known(names)) = (
            roles.find(&e.meta.root, &e.role, "role"),
            &e.policy_names.value,
        ) {
            out.entry(i)
                .or_default()
                .extend(names.iter().map(String::as_str));
        }
    }
    out
}

/// Resolves a policy ARN reference to its document.
struct Resolver<'a, 'i> {
    inv: &'a Inventory,
    policies: &'i Index<'a>,
}

impl<'a> Resolver<'a, '_> {
    fn policy(
        &self,
        root: &'a str,
        arn: &Reference,
        origin: Option<Origin>,
        lenient: &mut Vec<Lenient>,
    ) -> Source {
        let text = match arn {
            Reference::Literal(t) => Some(t.as_str()),
            Reference::Unknown(u) => u.partial.as_deref(),
            _ => None,
        };
        if let Some(doc) = text.and_then(managed::document) {
            let label = text
                .and_then(managed::arn_path)
                .unwrap_or("")
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            let (doc, _) =
                PolicyDocument::parse(doc).expect("the managed policy table parses (tested)");
            return Source {
                label,
                origin,
                document: Document::Known(doc),
            };
        }
        match self.policies.find(root, arn, "policy") {
            Lookup::Found(i) => {
                let p = &self.inv.policies[i];
                let origin = p.policy.at.clone().or(p.meta.origin.clone());
                let holder = (root, p.meta.address.as_str());
                document_source(&p.meta.address, &p.policy, origin, holder, lenient)
            }
            Lookup::Outside(t) => Source {
                label: t.clone(),
                origin,
                document: Document::Unknown(format!(
                    "policy `{t}` is neither in this tree nor an AWS managed policy xray-setup knows"
                )),
            },
            Lookup::Unknown => Source {
                label: "a policy".into(),
                origin,
                document: Document::Unknown(match arn {
                    Reference::Unknown(u) => format!("`{}`: {}", u.expression, u.why),
                    _ => "its ARN is unknown".into(),
                }),
            },
            Lookup::Unset => Source {
                label: "a policy".into(),
                origin,
                document: Document::Unknown("no policy ARN is set".into()),
            },
        }
    }
}
