//! Terraform's value system (cty): types, values, conversions.
pub mod convert;
pub mod number;
pub mod ops;
pub mod set;
pub mod types;
pub mod unify;
pub mod value;

pub use number::BigFloat;
pub use types::Type;
pub use value::{Value, Why};
