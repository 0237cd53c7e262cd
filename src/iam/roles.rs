//! What reaches each role, and which functions use it: inline policies
//! (`aws_iam_role_policy`, `inline_policy` blocks), attachments
//! (`aws_iam_role_policy_attachment`, `aws_iam_policy_attachment`, `managed_policy_arns`,
//! `aws_iam_role_policy_attachments_exclusive`), customer policies in the tree, AWS
//! managed policies known offline, and the permissions boundary. Everything is matched
//! within one root, by address or by name, through indexes built once.
//!
//! The role is judged as it is after `terraform apply`. An exclusive list leaves it
//! exactly what the list names, of its kind of policy (hashicorp/aws provider docs,
//! registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/...):
//! - `iam_role`: "If you use this resource's `managed_policy_arns` argument or
//!   `inline_policy` configuration blocks, this resource will take over exclusive
//!   management of the role's respective policy types"; `managed_policy_arns = []` removes
//!   every attachment, one empty `inline_policy {}` every inline policy; with other ways
//!   of managing the role's policies "you will get resource cycling and/or errors";
//! - `iam_role_policy_attachments_exclusive`: "Policies attached to this role but not
//!   configured in this argument [`policy_arns`] will be removed";
//! - `iam_role_policies_exclusive`: "Policies attached to this role but not configured in
//!   this argument [`policy_names`] will be removed".
//!
//! So a managed policy reaches a role with an exclusive managed list only through a
//! list, and an `aws_iam_role_policy` reaches a role with `inline_policy` blocks never,
//! and one with `aws_iam_role_policies_exclusive` only when its name is listed. What a
//! list leaves out is `Graph::omitted`: removed on the next apply, created again by its
//! own resource on the one after. Attachments and inline policies are different kinds:
//! one kind's exclusive list leaves the other alone.

use super::document::{Leniency, PolicyDocument};
use super::evaluate::{Document, Source};
use super::managed;
use crate::model::{
    Exclusive, Field, Function, Inventory, Meta, Origin, Policy, Reference, Role, Setting,
    Unresolved,
};
use std::collections::HashMap;

/// One role and everything that reaches it.
#[derive(Debug)]
pub struct RoleAccess<'a> {
    pub role: &'a Role,
    /// Functions whose execution role this is.
    pub functions: Vec<&'a Function>,
    /// The policies the role has after apply.
    pub policies: Vec<Source>,
    pub boundary: Option<Source>,
    /// The exclusive lists of its managed policies (`managed_policy_arns`,
    /// `aws_iam_role_policy_attachments_exclusive`): a managed policy must be named in
    /// them to stay attached.
    pub exclusive_managed: Vec<ExclusiveList>,
}

/// A list that, once applied, is all a role has of one kind of policy.
#[derive(Debug, Clone, PartialEq)]
pub struct ExclusiveList {
    /// How messages name it: "`managed_policy_arns` of `aws_iam_role.app`".
    pub label: String,
    /// What of a policy goes into it: "its ARN", "its name".
    pub entry: &'static str,
    /// Where it is written: the argument, the first `inline_policy` block, or else the
    /// resource.
    pub origin: Option<Origin>,
    pub kind: PolicyKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// Attached managed policies.
    Managed,
    /// Inline policies.
    Inline,
}

/// A policy an exclusive list of its role leaves out: the next apply removes it, and its
/// own resource puts it back on the apply after that, and so on.
#[derive(Debug)]
pub struct Omitted<'a> {
    /// Index into `Graph::roles`.
    pub role: usize,
    /// The resource that declares the policy for the role.
    pub meta: &'a Meta,
    /// What it does: "attaches `AWSXRayDaemonWriteAccess`", "is the inline policy `xray`".
    pub what: String,
    /// The list that leaves it out.
    pub list: ExclusiveList,
    /// The policy, for telling whether it is what would grant trace writes.
    pub source: Source,
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
    /// Policies an exclusive list leaves out, in inventory order.
    pub omitted: Vec<Omitted<'a>>,
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

/// A managed policy as one place attaches it to a role.
struct Attached<'a> {
    /// The resource that attaches it.
    meta: &'a Meta,
    arn: &'a Reference,
    /// The exclusive list it is an element of (index into the role's lists), if any.
    list: Option<usize>,
}

/// An exclusive list of managed policies and what it names; a `None` key is an element
/// that is not known, so what the list leaves out is not known either.
struct ManagedList {
    list: ExclusiveList,
    keys: Vec<Option<PolicyKey>>,
}

/// An exclusive list of inline policies and the names of the `aws_iam_role_policy`
/// resources it keeps: none for `inline_policy` blocks or `policy_names = []`; `None`
/// when they are not known, which is read as keeping every one.
struct InlineList<'a> {
    list: ExclusiveList,
    keeps: Option<Vec<&'a str>>,
}

/// What identifies a managed policy, to tell whether a list names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum PolicyKey {
    /// An AWS managed policy, by its path, in any partition.
    Managed(String),
    /// A policy of the tree, by index.
    InTree(usize),
    /// Anything else, by its text.
    Outside(String),
}

impl<'a> Graph<'a> {
    pub fn build(inv: &'a Inventory) -> Graph<'a> {
        let roles = Index::new(&inv.roles, |r: &Role| (&r.meta, &r.name));
        let policies = Index::new(&inv.policies, |p: &Policy| (&p.meta, &p.name));
        let resolver = Resolver {
            inv,
            policies: &policies,
        };
        let mut g = Graph {
            roles: Vec::with_capacity(inv.roles.len()),
            function_roles: Vec::new(),
            lenient: Vec::new(),
            omitted: Vec::new(),
        };
        // What names each role, grouped by role, in inventory order.
        let mut attached: Vec<Vec<Attached>> = inv.roles.iter().map(|_| Vec::new()).collect();
        let mut managed_lists: Vec<Vec<ManagedList>> =
            inv.roles.iter().map(|_| Vec::new()).collect();
        let mut role_policies: Vec<Vec<usize>> = inv.roles.iter().map(|_| Vec::new()).collect();
        let mut inline_lists: Vec<Vec<InlineList>> = inv.roles.iter().map(|_| Vec::new()).collect();
        for (i, role) in inv.roles.iter().enumerate() {
            let root = role.meta.root.as_str();
            let list = role.managed_policy_arns_exclusive.as_ref().map(|e| {
                managed_lists[i].push(ManagedList {
                    list: exclusive(e, "`managed_policy_arns`", role, PolicyKind::Managed),
                    keys: role
                        .managed_policy_arns
                        .iter()
                        .map(|arn| resolver.key(root, arn))
                        .collect(),
                });
                managed_lists[i].len() - 1
            });
            for arn in &role.managed_policy_arns {
                attached[i].push(Attached {
                    meta: &role.meta,
                    arn,
                    list,
                });
            }
            if let Some(e) = &role.inline_policies_exclusive {
                let list = exclusive(e, "the `inline_policy` blocks", role, PolicyKind::Inline);
                inline_lists[i].push(InlineList {
                    list,
                    keeps: Some(Vec::new()),
                });
            }
        }
        for e in &inv.exclusive_attachments {
            let root = e.meta.root.as_str();
            if let Lookup::Found(i) = roles.find(root, &e.role, "role") {
                managed_lists[i].push(ManagedList {
                    list: ExclusiveList {
                        label: format!("`policy_arns` of `{}`", e.meta.address),
                        entry: "its ARN",
                        origin: e.policy_arns_at.clone().or(e.meta.origin.clone()),
                        kind: PolicyKind::Managed,
                    },
                    keys: e
                        .policy_arns
                        .iter()
                        .map(|a| resolver.key(root, a))
                        .collect(),
                });
                let list = Some(managed_lists[i].len() - 1);
                for arn in &e.policy_arns {
                    attached[i].push(Attached {
                        meta: &e.meta,
                        arn,
                        list,
                    });
                }
            }
        }
        for a in &inv.attachments {
            for r in &a.roles {
                if let Lookup::Found(i) = roles.find(&a.meta.root, r, "role") {
                    attached[i].push(Attached {
                        meta: &a.meta,
                        arn: &a.policy_arn,
                        list: None,
                    });
                }
            }
        }
        for e in &inv.exclusive_policies {
            if let Lookup::Found(i) = roles.find(&e.meta.root, &e.role, "role") {
                let names = match &e.policy_names.value {
                    Field::Known(names) => Some(names.iter().map(String::as_str).collect()),
                    _ => None,
                };
                let list = ExclusiveList {
                    label: format!("`policy_names` of `{}`", e.meta.address),
                    entry: "its name",
                    origin: e.policy_names.at.clone().or(e.meta.origin.clone()),
                    kind: PolicyKind::Inline,
                };
                inline_lists[i].push(InlineList { list, keeps: names });
            }
        }
        for (n, rp) in inv.role_policies.iter().enumerate() {
            if let Lookup::Found(i) = roles.find(&rp.meta.root, &rp.role, "role") {
                role_policies[i].push(n);
            }
        }

        for (i, role) in inv.roles.iter().enumerate() {
            let root = role.meta.root.as_str();
            let name = role.meta.address.as_str();
            let mut access = RoleAccess {
                role,
                functions: Vec::new(),
                policies: Vec::new(),
                boundary: None,
                exclusive_managed: managed_lists[i].iter().map(|l| l.list.clone()).collect(),
            };
            for (n, p) in role.inline_policies.iter().enumerate() {
                if p.value == Field::Unset {
                    // `inline_policy {}`: no policy, only the list's exclusivity.
                    continue;
                }
                let label = format!("{name} inline_policy #{}", n + 1);
                let source = document_source(
                    &label,
                    p,
                    role.meta.origin.clone(),
                    (root, name),
                    &mut g.lenient,
                );
                access.policies.push(source);
            }
            if role.permissions_boundary != Reference::Unset {
                let b = resolver.policy(
                    root,
                    &role.permissions_boundary,
                    role.meta.origin.clone(),
                    &mut g.lenient,
                );
                access.boundary = Some(b);
            }
            // Inline policies of their own resources: gone after apply when a list leaves
            // them out (`inline_policy` blocks leave out every one).
            for &n in &role_policies[i] {
                let rp = &inv.role_policies[n];
                let origin = rp.policy.at.clone().or(rp.meta.origin.clone());
                let holder = (root, rp.meta.address.as_str());
                let source =
                    document_source(&rp.meta.address, &rp.policy, origin, holder, &mut g.lenient);
                let omitting: Vec<&ExclusiveList> = inline_lists[i]
                    .iter()
                    .filter(|l| match (&l.keeps, &rp.name.value) {
                        (Some(keeps), _) if keeps.is_empty() => true,
                        (Some(keeps), Field::Known(n)) => !keeps.contains(&n.as_str()),
                        // What the list keeps, or this policy's name, is not known: read
                        // as kept, as before exclusive lists were read.
                        _ => false,
                    })
                    .map(|l| &l.list)
                    .collect();
                if omitting.is_empty() {
                    access.policies.push(source);
                    continue;
                }
                let what = match &rp.name.value {
                    Field::Known(n) => format!("adds the inline policy `{n}`"),
                    _ => "adds an inline policy".to_string(),
                };
                for list in omitting {
                    g.omitted.push(Omitted {
                        role: i,
                        meta: &rp.meta,
                        what: what.clone(),
                        list: list.clone(),
                        source: source.clone(),
                    });
                }
            }
            // Attachments: with an exclusive list, only the lists' own elements stay.
            let lists = &managed_lists[i];
            let mut counted: Vec<PolicyKey> = Vec::new();
            for a in &attached[i] {
                let key = resolver.key(root, a.arn);
                let source = resolver.policy(root, a.arn, a.meta.origin.clone(), &mut g.lenient);
                for (l, list) in lists.iter().enumerate() {
                    let leaves_out = Some(l) != a.list
                        && key.as_ref().is_some_and(|k| {
                            list.keys
                                .iter()
                                .all(|lk| lk.as_ref().is_some_and(|lk| lk != k))
                        });
                    if leaves_out {
                        g.omitted.push(Omitted {
                            role: i,
                            meta: a.meta,
                            what: format!("attaches `{}`", source.label),
                            list: list.list.clone(),
                            source: source.clone(),
                        });
                    }
                }
                if !lists.is_empty() && a.list.is_none() {
                    continue;
                }
                if let Some(k) = key {
                    if counted.contains(&k) {
                        continue;
                    }
                    counted.push(k);
                }
                access.policies.push(source);
            }
            g.roles.push(access);
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

/// The exclusive list a role's own argument or blocks make.
fn exclusive(e: &Exclusive, what: &str, role: &Role, kind: PolicyKind) -> ExclusiveList {
    ExclusiveList {
        label: format!("{what} of `{}`", role.meta.address),
        entry: match kind {
            PolicyKind::Managed => "its ARN",
            PolicyKind::Inline => "its policy, as one more `inline_policy` block,",
        },
        origin: e.at.clone().or(role.meta.origin.clone()),
        kind,
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
        Field::Invalid(why) => Err(format!("its policy is not valid: {why}")),
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

/// Resolves a policy ARN reference to its document.
struct Resolver<'a, 'i> {
    inv: &'a Inventory,
    policies: &'i Index<'a>,
}

impl<'a> Resolver<'a, '_> {
    /// What a policy ARN reference names, to compare it with a list's elements; `None`
    /// when that is not known.
    fn key(&self, root: &'a str, arn: &Reference) -> Option<PolicyKey> {
        let text = match arn {
            Reference::Literal(t) => Some(t.as_str()),
            Reference::Unknown(u) => u.partial.as_deref(),
            _ => None,
        };
        if let Some(path) = text.and_then(managed::arn_path) {
            return Some(PolicyKey::Managed(path.to_string()));
        }
        match self.policies.find(root, arn, "policy") {
            Lookup::Found(i) => Some(PolicyKey::InTree(i)),
            Lookup::Outside(t) => Some(PolicyKey::Outside(t)),
            Lookup::Unknown | Lookup::Unset => None,
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::{WriteAccess, write_access};
    use crate::model::{ExclusiveAttachments, PolicyAttachment, RolePolicy};

    const XRAY: &str = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess";
    const BASIC: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

    fn meta(address: &str) -> Meta {
        Meta {
            address: address.into(),
            root: ".".into(),
            account: None,
            origin: None,
            block: None,
            repeated: None,
            region: None,
        }
    }

    fn role(managed: &[&str], exclusive: bool, inline_blocks: bool) -> Role {
        Role {
            meta: meta("aws_iam_role.r"),
            created_by: None,
            name: Setting::known("r".into()),
            inline_policies: if inline_blocks {
                vec![Setting::unset()]
            } else {
                Vec::new()
            },
            inline_policies_exclusive: inline_blocks.then_some(Exclusive { at: None }),
            managed_policy_arns: managed
                .iter()
                .map(|a| Reference::Literal(a.to_string()))
                .collect(),
            managed_policy_arns_exclusive: exclusive.then_some(Exclusive { at: None }),
            permissions_boundary: Reference::Unset,
        }
    }

    fn attachment(address: &str, arn: &str) -> PolicyAttachment {
        PolicyAttachment {
            meta: meta(address),
            roles: vec![Reference::Address("aws_iam_role.r".into())],
            policy_arn: Reference::Literal(arn.into()),
        }
    }

    fn inventory(role: Role) -> Inventory {
        let mut inv = Inventory::default();
        inv.roles.push(role);
        inv
    }

    #[test]
    fn an_exclusive_managed_list_is_all_the_role_keeps() {
        let mut inv = inventory(role(&[BASIC], true, false));
        inv.attachments
            .push(attachment("aws_iam_role_policy_attachment.x", XRAY));
        let g = Graph::build(&inv);
        let labels: Vec<&str> = g.roles[0]
            .policies
            .iter()
            .map(|p| p.label.as_str())
            .collect();
        assert_eq!(labels, ["AWSLambdaBasicExecutionRole"]);
        assert!(matches!(
            write_access(&g.roles[0]),
            WriteAccess::Refused { .. }
        ));
        assert_eq!(g.omitted.len(), 1);
        let o = &g.omitted[0];
        assert_eq!(o.meta.address, "aws_iam_role_policy_attachment.x");
        assert_eq!(o.what, "attaches `AWSXRayDaemonWriteAccess`");
        assert_eq!(o.list.label, "`managed_policy_arns` of `aws_iam_role.r`");
        assert!(crate::iam::lost_grant(&g.roles[0], &o.source));
        assert_eq!(g.roles[0].exclusive_managed.len(), 1);
    }

    #[test]
    fn what_an_account_reports_is_read_as_attached() {
        // The same lists, not exclusive: an account's role (or a role whose
        // `managed_policy_arns` is not configured) keeps every attachment.
        let mut inv = inventory(role(&[BASIC], false, false));
        inv.attachments
            .push(attachment("aws_iam_role_policy_attachment.x", XRAY));
        let g = Graph::build(&inv);
        assert_eq!(write_access(&g.roles[0]), WriteAccess::Allowed);
        assert!(g.omitted.is_empty());
        assert!(g.roles[0].exclusive_managed.is_empty());
    }

    #[test]
    fn the_exclusive_resource_names_policies_in_any_spelling() {
        let mut inv = inventory(role(&[], false, false));
        inv.exclusive_attachments.push(ExclusiveAttachments {
            meta: meta("aws_iam_role_policy_attachments_exclusive.e"),
            role: Reference::Literal("r".into()),
            policy_arns: vec![Reference::Literal(
                "arn:aws-us-gov:iam::aws:policy/AWSXRayDaemonWriteAccess".into(),
            )],
            policy_arns_at: None,
        });
        inv.attachments
            .push(attachment("aws_iam_role_policy_attachment.x", XRAY));
        inv.attachments
            .push(attachment("aws_iam_role_policy_attachment.basic", BASIC));
        let g = Graph::build(&inv);
        assert_eq!(write_access(&g.roles[0]), WriteAccess::Allowed);
        let omitted: Vec<&str> = g.omitted.iter().map(|o| o.meta.address.as_str()).collect();
        assert_eq!(omitted, ["aws_iam_role_policy_attachment.basic"]);
        assert_eq!(g.roles[0].policies.len(), 1, "the list's element, once");
    }

    #[test]
    fn inline_blocks_drop_role_policies_but_not_attachments() {
        let mut inv = inventory(role(&[], false, true));
        inv.role_policies.push(RolePolicy {
            meta: meta("aws_iam_role_policy.p"),
            name: Setting::known("xray".into()),
            role: Reference::Address("aws_iam_role.r".into()),
            policy: Setting::known(
                r#"{"Statement":[{"Effect":"Allow","Action":"xray:*","Resource":"*"}]}"#.into(),
            ),
        });
        let g = Graph::build(&inv);
        assert!(
            g.roles[0].policies.is_empty(),
            "`inline_policy {{}}` adds none"
        );
        assert_eq!(g.omitted.len(), 1);
        assert_eq!(g.omitted[0].what, "adds the inline policy `xray`");
        assert_eq!(g.omitted[0].list.kind, PolicyKind::Inline);
        inv.attachments
            .push(attachment("aws_iam_role_policy_attachment.x", XRAY));
        let g = Graph::build(&inv);
        assert_eq!(write_access(&g.roles[0]), WriteAccess::Allowed);
    }
}
