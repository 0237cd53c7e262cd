//! Every function Terraform offers, by name: each group's file registers its own.

use super::{
    Function, collections, conversion, datetime, encoding, filesystem, numbers, sets, strings,
};
use std::collections::HashMap;
use std::sync::LazyLock;

pub type Registry = HashMap<&'static str, Function>;

static FUNCTIONS: LazyLock<Registry> = LazyLock::new(|| {
    let mut m = Registry::new();
    numbers::register(&mut m);
    strings::register(&mut m);
    collections::register(&mut m);
    sets::register(&mut m);
    encoding::register(&mut m);
    conversion::register(&mut m);
    datetime::register(&mut m);
    filesystem::register(&mut m);
    m
});

pub fn lookup(name: &str) -> Option<&'static Function> {
    FUNCTIONS.get(name)
}

/// Every registered name, sorted.
pub fn names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = FUNCTIONS.keys().copied().collect();
    v.sort_unstable();
    v
}
