//! Limits that keep an audit of any tree within bounded time and memory: a tree can ask
//! for a billion instances, a string of gigabytes, or an evaluation a hundred thousand
//! values deep. Beyond a limit, xray-setup stops computing: a block is audited through one
//! representative instance (as when its count is not known), a value becomes unknown, and
//! an XR997 finding names the expression and the limit. The limits are generous for real
//! trees and can be raised in `.xray-setup.toml` (`[limits]`).
//!
//! Values are kept small by their weight ([`Value::weight`], what a value flattens to,
//! known without walking it): the engine checks every value it builds, and operations
//! that could build much more than their operands weigh (`setproduct`, `format` widths,
//! loops) check before building. So no value heavier than the limit ever exists, and
//! every walk over a value (equality, conversion, encoding) is bounded by it.

use crate::source::terraform::cty::{Type, Value, Why};

/// The limits of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Instances one resource or module call may have (`count`, `for_each`).
    pub instances: usize,
    /// Module instances in one root, in total (module calls can fan out exponentially).
    pub module_instances: usize,
    /// What one value may weigh: about the bytes its strings and elements flatten to.
    pub value_bytes: usize,
    /// Values one evaluation may wait on at once (a local reading a local reading...).
    pub depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            instances: 10_000,
            module_instances: 10_000,
            value_bytes: 32 * 1024 * 1024,
            depth: 10_000,
        }
    }
}

/// Digits a number may have in decimal: cty numbers are arbitrary-precision, and a
/// number squared forty times would take terabytes to print.
pub const NUMBER_DIGITS: usize = 100_000;

/// The unknown that stands for a value not computed, and why.
pub fn unknown(ty: Type, what: String) -> Value {
    Value::unknown(ty, Why::Limit { what })
}

impl Limits {
    /// Why `v` may not be kept: it weighs more than the limit, or is a number too long
    /// to print. `None` when it may.
    pub fn exceeded_by(&self, v: &Value) -> Option<String> {
        if let Value::Number(n) = v
            && n.digits() > NUMBER_DIGITS
        {
            return Some(format!(
                "the number would have about {} digits, more than {NUMBER_DIGITS}",
                n.digits()
            ));
        }
        self.too_heavy(v.weight())
    }

    /// Why a value of `weight` may not be built, or `None`. For operations that know
    /// what they would build before building it.
    pub fn too_heavy(&self, weight: usize) -> Option<String> {
        (weight > self.value_bytes).then(|| {
            format!(
                "the value would be more than the limit of {} (limits.value_bytes)",
                bytes(self.value_bytes)
            )
        })
    }

    /// Why `n` instances of one block may not be made, or `None`.
    pub fn too_many_instances(&self, n: usize) -> Option<String> {
        (n > self.instances).then(|| {
            format!(
                "{n} instances, more than the limit of {} (limits.instances); one representative instance is audited",
                self.instances
            )
        })
    }

    /// Why a module call may not add `n` instances to the `so_far` a root has, or `None`.
    pub fn too_many_module_instances(&self, so_far: usize, n: usize) -> Option<String> {
        (so_far.saturating_add(n) > self.module_instances).then(|| {
            format!(
                "the module instances of this root would pass the limit of {} (limits.module_instances); the modules of this call are not audited",
                self.module_instances
            )
        })
    }

    /// Why an evaluation `depth` values deep may not go on, or `None`.
    pub fn too_deep(&self, depth: usize) -> Option<String> {
        (depth > self.depth).then(|| {
            format!(
                "the evaluation waits on more than {} values in a chain (limits.depth)",
                self.depth
            )
        })
    }
}

fn bytes(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / (1 << 20) as f64)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Limits = Limits {
        instances: 2,
        module_instances: 3,
        value_bytes: 10,
        depth: 4,
    };

    #[test]
    fn each_limit_allows_up_to_its_value() {
        assert_eq!(SMALL.too_many_instances(2), None);
        assert!(
            SMALL
                .too_many_instances(3)
                .unwrap()
                .contains("limits.instances")
        );
        assert_eq!(SMALL.too_many_module_instances(1, 2), None);
        assert!(
            SMALL
                .too_many_module_instances(2, 2)
                .unwrap()
                .contains("limits.module_instances")
        );
        // A count near usize::MAX does not overflow.
        assert!(SMALL.too_many_module_instances(1, usize::MAX).is_some());
        assert_eq!(SMALL.too_deep(4), None);
        assert!(SMALL.too_deep(5).unwrap().contains("limits.depth"));
        assert_eq!(SMALL.too_heavy(10), None);
        assert_eq!(
            SMALL.too_heavy(11).unwrap(),
            "the value would be more than the limit of 10 bytes (limits.value_bytes)"
        );
    }

    #[test]
    fn values_are_weighed_against_the_limit() {
        let limit = Limits {
            value_bytes: Value::string("0123456789").weight(),
            ..SMALL
        };
        assert_eq!(limit.exceeded_by(&Value::string("0123456789")), None);
        assert!(limit.exceeded_by(&Value::string("0123456789a")).is_some());
        assert_eq!(
            bytes(Limits::default().value_bytes),
            "32.0 MiB",
            "the default as messages show it"
        );
    }
}
