//! What a source offers a kind to read one resource instance by its Terraform argument
//! names, so that each kind says in `kinds.rs` how it is read and the source needs no code
//! of its own per kind. The Terraform source implements it for every instance it
//! evaluates.

use super::{Meta, Origin, Reference, Setting};

pub trait Reader {
    /// The instance's resource type: `aws_iam_role_policy_attachment`.
    fn resource_type(&self) -> &str;
    fn meta(&self) -> Meta;
    fn string(&self, name: &str) -> Setting<String>;
    fn boolean(&self, name: &str) -> Setting<bool>;
    fn number(&self, name: &str) -> Setting<f64>;
    /// A list of strings.
    fn strings(&self, name: &str) -> Setting<Vec<String>>;
    /// A map of strings, as pairs in key order.
    fn string_map(&self, name: &str) -> Setting<Vec<(String, String)>>;
    /// An argument of the first nested block of a type (`tracing_config.mode`), written as
    /// a block or in a `dynamic` block's content.
    fn nested_string(&self, block: &str, name: &str) -> Setting<String>;
    fn nested_boolean(&self, block: &str, name: &str) -> Setting<bool>;
    /// An argument of every nested block of a type, in order (`inline_policy.policy`).
    fn each_nested_string(&self, block: &str, name: &str) -> Vec<Setting<String>>;
    /// How many nested blocks of a type the instance has (`dynamic` ones included).
    fn block_count(&self, block: &str) -> usize;
    /// The header of the first nested block of a type, static or `dynamic`.
    fn block_at(&self, block: &str) -> Option<Origin>;
    /// Whether an argument has a value other than null.
    fn is_set(&self, name: &str) -> bool;
    /// Where an argument is written, if it is.
    fn written_at(&self, name: &str) -> Option<Origin>;
    fn reference(&self, name: &str) -> Reference;
    fn references(&self, name: &str) -> Vec<Reference>;
    /// Like `reference`, but a string only partly known names the resource whose
    /// attribute it is built from: `"${aws_api_gateway_rest_api.api.execution_arn}/*/*"`
    /// names the API.
    fn built_from(&self, name: &str) -> Reference;
}
