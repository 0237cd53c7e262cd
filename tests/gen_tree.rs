//! Recall and precision on synthetic trees: every finding the ground truth names, and
//! no other.

mod common;
use common::*;

/// (functions, seed, functions per directory)
const TREES: &[(usize, u64, usize)] = &[
    (40, 1, 25),
    (300, 7, 25),
    (1000, 42, 25),
    (250, 3, 10),
    (120, 99, 60),
];

#[test]
fn xr001_and_xr003_equal_the_ground_truth() {
    for &(n, seed, per_dir) in TREES {
        let (dir, expected) = gen_tree(n, seed, per_dir);
        let (report, status) = audit_path(dir.path(), &[]);
        assert_eq!(status, 1, "findings exist, so the exit status is 1");
        assert_eq!(
            addresses(&report, "XR001"),
            strings(&expected["lambda_not_active"]),
            "XR001 on gen_tree --functions {n} --seed {seed} --per-dir {per_dir}"
        );
        assert_eq!(
            addresses(&report, "XR003"),
            strings(&expected["stage_not_traced"]),
            "XR003 on gen_tree --functions {n} --seed {seed} --per-dir {per_dir}"
        );
        assert!(
            addresses(&report, "XR000").is_empty(),
            "every value in gen_tree is knowable"
        );
        assert!(
            addresses(&report, "XR999").is_empty(),
            "gen_tree output parses"
        );
    }
}
