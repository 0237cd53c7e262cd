//! The Inventory: every tracing-relevant thing a source found, in one shape.

use std::collections::HashMap;
use std::path::PathBuf;

use super::{Field, FileId, Inventory, Origin, SourceFile, Step};

/// Declares the Inventory from the list of kinds in `kinds.rs`: a field per kind, and
/// every list over them (`absorb`, `resource_count`, `counts`, `KINDS`), so none can
/// leave a kind out.
macro_rules! inventory {
    ($($(#[$doc:meta])* $field:ident: $kind:ty,)*) => {
        #[derive(Debug, Default)]
        pub struct Inventory {
            pub files: Vec<super::SourceFile>,
            $($(#[$doc])* pub $field: Vec<$kind>,)*
            /// Things that could not be audited at all (a module not on disk, an unknown
            /// count).
            pub unaudited: Vec<super::Unaudited>,
            /// Files that could not be read or parsed.
            pub problems: Vec<super::FileProblem>,
            /// What Terraform would refuse (`terraform validate` or `plan` errors).
            pub invalid: Vec<super::InvalidConfig>,
            /// Where evaluation stopped at a limit (`[limits]`): what was not computed.
            pub limited: Vec<super::EvaluationLimit>,
            /// Parts of an account that could not be read.
            pub unread: Vec<super::UnreadPart>,
            /// The accounts an account audit reached, or tried to: each once.
            pub accounts: Vec<super::AccountAudited>,
            /// `files` grouped by directory, built on first use; `add_file` clears it.
            pub(super) by_directory: std::sync::OnceLock<
                std::collections::HashMap<std::path::PathBuf, Vec<super::FileId>>,
            >,
        }

        /// Every kind, in the Inventory's order: its field and its description.
        pub static KINDS: &[super::KindEntry] = &[
            $(super::KindEntry { field: stringify!($field), info: &<$kind as Kind>::INFO },)*
        ];

        impl Inventory {
            /// Moves another inventory's items (not its files) into this one.
            pub fn absorb(&mut self, other: Inventory) {
                // Taken apart whole: a field added to the Inventory and not moved here
                // does not compile.
                let Inventory {
                    files: _,
                    $($field,)*
                    unaudited,
                    problems,
                    invalid,
                    limited,
                    unread,
                    accounts,
                    by_directory: _,
                } = other;
                $(self.$field.extend($field);)*
                self.unaudited.extend(unaudited);
                self.problems.extend(problems);
                self.invalid.extend(invalid);
                self.limited.extend(limited);
                self.unread.extend(unread);
                self.accounts.extend(accounts);
            }

            /// How many resource instances the audit looked at.
            pub fn resource_count(&self) -> usize {
                0 $(+ self.$field.len())*
            }

            /// Adds the item a resource instance configures to its kind's list; `false`
            /// when no kind reads its type.
            pub fn add_from_terraform(&mut self, r: &dyn super::Reader) -> bool {
                let rtype = r.resource_type();
                $(
                    if <$kind as Kind>::INFO.terraform.contains(&rtype) {
                        self.$field.push(<$kind as Kind>::from_terraform(r));
                        return true;
                    }
                )*
                false
            }

            /// The `Meta` of every item, of every kind.
            pub fn metas(&self) -> impl Iterator<Item = &super::Meta> {
                std::iter::empty()
                    $(.chain(self.$field.iter().map(<$kind as Kind>::meta)))*
            }

            /// How many items of each kind, in `KINDS` order.
            pub fn counts(&self) -> Vec<(&'static super::KindEntry, usize)> {
                KINDS.iter().zip([$(self.$field.len(),)*]).collect()
            }
        }
    };
}
pub(super) use inventory;

/// A kind as the Inventory holds it.
#[derive(Debug)]
pub struct KindEntry {
    /// The Inventory's field: `functions`.
    pub field: &'static str,
    pub info: &'static super::KindInfo,
}

impl Inventory {
    /// Adds a file after the scan (the config, for notes that point into it).
    pub fn add_file(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        // Grouped again on next use, now with this file.
        self.by_directory.take();
        FileId((self.files.len() - 1) as u32)
    }

    /// The files in the same directory (the same module) as `file`, itself included.
    /// Grouped once, so asking for every finding stays linear in the tree.
    pub fn files_beside(&self, file: FileId) -> &[FileId] {
        let groups = self.by_directory.get_or_init(|| {
            let mut groups: HashMap<PathBuf, Vec<FileId>> = HashMap::new();
            for (i, f) in self.files.iter().enumerate() {
                let dir = f.path.parent().unwrap_or(&f.path).to_path_buf();
                groups.entry(dir).or_default().push(FileId(i as u32));
            }
            groups
        });
        self.files
            .get(file.0 as usize)
            .and_then(|f| groups.get(f.path.parent().unwrap_or(&f.path)))
            .map_or(&[], Vec::as_slice)
    }
}

/// What every inventoried resource carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    /// The Terraform address inside its root module, or the ARN for an account.
    pub address: String,
    /// The root module's directory relative to the PATH given (`"."` for PATH itself),
    /// or the account id for an account.
    pub root: String,
    /// The account id, for a resource read from an account; `None` for Terraform.
    pub account: Option<String>,
    /// The resource block's header (or the module call's that creates it).
    pub origin: Option<Origin>,
    /// The whole block, where fixes insert what is missing.
    pub block: Option<Origin>,
    /// For a representative instance (`aws_lambda_function.f[*]`): what the number of
    /// instances depends on, which is not known offline.
    pub repeated: Option<String>,
    /// The region the resource is created in, and by which provider configuration.
    pub region: Option<Region>,
}

/// Where a resource lives: its region (as far as it is known) and the provider
/// configuration that decides it. Two resources with the same configuration are in the
/// same region even when which one is not known offline.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub name: Field<String>,
    /// The provider configuration: `aws`, `aws.west`, `module.x: aws.west`; for an
    /// account, the region itself.
    pub provider: String,
}

impl Region {
    /// What groups resources that share a region: its name when known, else the
    /// provider configuration that decides it.
    pub fn key(&self) -> &str {
        match &self.name {
            Field::Known(n) => n,
            _ => &self.provider,
        }
    }
}

/// A setting together with where it is written and how its value got there.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: Field<T>,
    /// The attribute (or block) that sets it; `None` when it is not written at all.
    pub at: Option<Origin>,
    /// From the attribute to the literal that decides the value.
    pub source: Vec<Step>,
}

impl<T> Setting<T> {
    pub fn unset() -> Setting<T> {
        Setting {
            value: Field::Unset,
            at: None,
            source: Vec::new(),
        }
    }

    pub fn known(value: T) -> Setting<T> {
        Setting {
            value: Field::Known(value),
            at: None,
            source: Vec::new(),
        }
    }
}

/// How a resource names another: by address in the same root, by a literal (ARN or
/// name), or not knowably.
#[derive(Debug, Clone, PartialEq)]
pub enum Reference {
    /// A resource in the same root, by address: `module.iam.aws_iam_role.this[0]`.
    Address(String),
    /// A literal ARN or name.
    Literal(String),
    Unset,
    Unknown(super::Unresolved),
}

/// Something the audit could not look inside.
#[derive(Debug, Clone, PartialEq)]
pub struct Unaudited {
    pub meta: Meta,
    /// What could not be known, e.g. "the resources of this module".
    pub subject: String,
    pub what: super::Unresolved,
}

/// A configuration Terraform would refuse, where and why (in Terraform's words).
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidConfig {
    pub origin: Origin,
    /// The root module whose evaluation found it.
    pub root: String,
    pub summary: String,
    pub detail: String,
}

/// An expression or block whose evaluation stopped at a limit: its value is unknown, or
/// the block was audited through a representative instance, or not at all.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationLimit {
    pub origin: Origin,
    /// The root module whose evaluation stopped.
    pub root: String,
    /// Which limit, and what would have been needed.
    pub what: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FileProblem {
    pub origin: Origin,
    pub message: String,
}

/// The `root` of what an account audit reports: the account id, or `"account"` when no
/// ARN read named it.
pub fn account_root(account: Option<&str>) -> String {
    account.unwrap_or("account").to_string()
}

/// An account an account audit reached, or tried to.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountAudited {
    pub id: String,
    /// Its name in the Organization, when it was found there.
    pub name: Option<String>,
    /// The regions read.
    pub regions: Vec<String>,
}

/// A part of an account that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct UnreadPart {
    /// The account id, when the audit learnt it.
    pub account: Option<String>,
    pub region: String,
    pub what: String,
    /// The call that failed: `lambda:ListFunctions`.
    pub operation: String,
    pub message: String,
    /// Denied for lack of a permission (rather than failing).
    pub denied: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> SourceFile {
        SourceFile::new(path.into(), path.into(), "".into())
    }

    #[test]
    fn files_beside_groups_by_directory_and_sees_added_files() {
        let mut inv = Inventory::default();
        for path in ["a/main.tf", "b/main.tf", "a/vars.tf"] {
            inv.add_file(file(path));
        }
        assert_eq!(inv.files_beside(FileId(0)), [FileId(0), FileId(2)]);
        assert_eq!(inv.files_beside(FileId(1)), [FileId(1)]);
        let added = inv.add_file(file("b/outputs.tf"));
        assert_eq!(inv.files_beside(FileId(1)), [FileId(1), added]);
        assert!(inv.files_beside(FileId(9)).is_empty(), "no such file");
    }
}
