//! Laws over generated inputs (proptest):
//! - `fix --write` twice leaves the files as `fix --write` once did;
//! - what `fix` writes parses (our parser: no XR999; HashiCorp's, when installed);
//! - auditing a fixed tree finds none of the XR001/XR003/XR101 findings whose fix the
//!   audit offered as safe, and offers no further safe fix of those rules;
//! - evaluation is deterministic: the same tree audited twice gives byte-identical JSON,
//!   and the same expression through the console twice the same line.
//!
//! Trees are small: Lambda functions with or without `tracing_config`, modes from a set
//! written as literals, locals, variables (with defaults and tfvars) or module arguments,
//! roles with and without X-Ray grants (inline, attached, exclusive lists), `count`, and
//! REST stages.

mod common;
use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const MODES: [&str; 3] = ["Active", "PassThrough", "active"];

#[derive(Debug, Clone)]
enum ModeSource {
    /// No `tracing_config` block.
    Absent,
    Literal(usize),
    Local(usize),
    /// The function's own variable, its default and the tfvars value (indexes in MODES).
    Variable(Option<usize>, Option<usize>),
    /// `var.mode`, which every function written so shares.
    Shared,
    /// A call of `modules/fn`, with a `mode` argument or without (the module's default, or
    /// "Active" when the module has none).
    Module(Option<usize>),
}

#[derive(Debug, Clone)]
enum Policy {
    None,
    /// An `aws_iam_role_policy` allowing X-Ray's writes on `*`.
    InlineXray,
    /// The same actions on a named resource only: no grant.
    InlineScoped,
    AttachDaemon,
    AttachBasic,
    /// `managed_policy_arns = [basic]`: exclusive, without X-Ray.
    ExclusiveBasic,
}

#[derive(Debug, Clone)]
struct Function {
    mode: ModeSource,
    /// The role it uses (index into the roles), or a literal ARN.
    role: Option<usize>,
    count: Option<u8>,
}

#[derive(Debug, Clone)]
struct Tree {
    functions: Vec<Function>,
    roles: Vec<Policy>,
    /// `var.mode`'s default and tfvars value.
    shared: (Option<usize>, Option<usize>),
    /// The module's `mode` default.
    module_default: Option<usize>,
    /// REST stages: absent, literal true/false, or from a variable with that default.
    stages: Vec<Option<(bool, bool)>>,
}

fn mode() -> impl Strategy<Value = usize> {
    prop_oneof![3 => Just(0usize), 3 => Just(1usize), 1 => Just(2usize)]
}

fn mode_source() -> impl Strategy<Value = ModeSource> {
    prop_oneof![
        Just(ModeSource::Absent),
        mode().prop_map(ModeSource::Literal),
        mode().prop_map(ModeSource::Local),
        (proptest::option::of(mode()), proptest::option::of(mode()))
            .prop_map(|(d, t)| ModeSource::Variable(d, t)),
        Just(ModeSource::Shared),
        proptest::option::of(mode()).prop_map(ModeSource::Module),
    ]
}

fn policy() -> impl Strategy<Value = Policy> {
    prop_oneof![
        Just(Policy::None),
        Just(Policy::InlineXray),
        Just(Policy::InlineScoped),
        Just(Policy::AttachDaemon),
        Just(Policy::AttachBasic),
        Just(Policy::ExclusiveBasic),
    ]
}

fn tree_strategy() -> impl Strategy<Value = Tree> {
    (
        proptest::collection::vec(policy(), 1..3),
        proptest::collection::vec(
            (
                mode_source(),
                proptest::option::of(0usize..2),
                proptest::option::of(0u8..3),
            ),
            1..4,
        ),
        (proptest::option::of(mode()), proptest::option::of(mode())),
        proptest::option::of(mode()),
        proptest::collection::vec(proptest::option::of((any::<bool>(), any::<bool>())), 0..3),
    )
        .prop_map(|(roles, functions, shared, module_default, stages)| {
            let n = roles.len();
            Tree {
                functions: functions
                    .into_iter()
                    .map(|(mode, role, count)| Function {
                        mode,
                        role: role.map(|r| r % n),
                        count,
                    })
                    .collect(),
                roles,
                shared,
                module_default,
                stages,
            }
        })
}

fn q(mode: usize) -> String {
    format!("\"{}\"", MODES[mode])
}

impl Tree {
    /// The tree's files: main.tf, variables.tf, terraform.tfvars, modules/fn/main.tf.
    fn files(&self) -> Vec<(String, String)> {
        let mut main = String::new();
        let mut vars = String::new();
        let mut tfvars = String::new();
        let mut locals = String::new();
        let role_arn = |r: Option<usize>| match r {
            Some(r) => format!("aws_iam_role.r{r}.arn"),
            None => "\"arn:aws:iam::123456789012:role/literal\"".to_string(),
        };
        for (i, p) in self.roles.iter().enumerate() {
            let exclusive = match p {
                Policy::ExclusiveBasic => {
                    "\n  managed_policy_arns = [\"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole\"]"
                }
                _ => "",
            };
            writeln!(
                main,
                "resource \"aws_iam_role\" \"r{i}\" {{\n  name               = \"r{i}\"\n  assume_role_policy = jsonencode({{ Version = \"2012-10-17\", Statement = [] }}){exclusive}\n}}\n"
            )
            .unwrap();
            let inline = |resource: &str| {
                format!(
                    "resource \"aws_iam_role_policy\" \"r{i}\" {{\n  role = aws_iam_role.r{i}.id\n  policy = jsonencode({{\n    Version = \"2012-10-17\"\n    Statement = [{{\n      Effect   = \"Allow\"\n      Action   = [\"xray:PutTraceSegments\", \"xray:PutTelemetryRecords\"]\n      Resource = \"{resource}\"\n    }}]\n  }})\n}}\n"
                )
            };
            let attach = |arn: &str| {
                format!(
                    "resource \"aws_iam_role_policy_attachment\" \"r{i}\" {{\n  role       = aws_iam_role.r{i}.name\n  policy_arn = \"arn:aws:iam::aws:policy/{arn}\"\n}}\n"
                )
            };
            match p {
                Policy::None | Policy::ExclusiveBasic => {}
                Policy::InlineXray => main.push_str(&inline("*")),
                Policy::InlineScoped => {
                    main.push_str(&inline("arn:aws:xray:us-east-1:123456789012:group/g"))
                }
                Policy::AttachDaemon => main.push_str(&attach("AWSXRayDaemonWriteAccess")),
                Policy::AttachBasic => {
                    main.push_str(&attach("service-role/AWSLambdaBasicExecutionRole"))
                }
            }
            main.push('\n');
        }
        let mut shared_used = false;
        let mut module_used = false;
        for (i, f) in self.functions.iter().enumerate() {
            let count = f
                .count
                .map(|c| format!("  count         = {c}\n"))
                .unwrap_or_default();
            let tracing = |expr: &str| format!("\n  tracing_config {{\n    mode = {expr}\n  }}\n");
            let body = match &f.mode {
                ModeSource::Module(arg) => {
                    module_used = true;
                    // Without a default the module's `mode` is required: the call passes it.
                    let arg = arg
                        .or(self.module_default.is_none().then_some(0))
                        .map(|m| format!("  mode   = {}\n", q(m)))
                        .unwrap_or_default();
                    writeln!(
                        main,
                        "module \"fn{i}\" {{\n  source = \"./modules/fn\"\n  name   = \"fn{i}\"\n  role   = {}\n{arg}}}\n",
                        role_arn(f.role)
                    )
                    .unwrap();
                    continue;
                }
                ModeSource::Absent => String::new(),
                ModeSource::Literal(m) => tracing(&q(*m)),
                ModeSource::Local(m) => {
                    writeln!(locals, "  mode_f{i} = {}", q(*m)).unwrap();
                    tracing(&format!("local.mode_f{i}"))
                }
                ModeSource::Variable(default, set) => {
                    let default = default
                        .map(|m| format!("\n  default = {}", q(m)))
                        .unwrap_or_default();
                    writeln!(
                        vars,
                        "variable \"mode_f{i}\" {{\n  type    = string{default}\n}}\n"
                    )
                    .unwrap();
                    if let Some(m) = set {
                        writeln!(tfvars, "mode_f{i} = {}", q(*m)).unwrap();
                    }
                    tracing(&format!("var.mode_f{i}"))
                }
                ModeSource::Shared => {
                    shared_used = true;
                    tracing("var.mode")
                }
            };
            writeln!(
                main,
                "resource \"aws_lambda_function\" \"f{i}\" {{\n{count}  function_name = \"f{i}\"\n  role          = {}\n  handler       = \"index.handler\"\n  runtime       = \"nodejs20.x\"\n{body}}}\n",
                role_arn(f.role)
            )
            .unwrap();
        }
        if shared_used {
            let default = self
                .shared
                .0
                .map(|m| format!("\n  default = {}", q(m)))
                .unwrap_or_default();
            writeln!(
                vars,
                "variable \"mode\" {{\n  type    = string{default}\n}}\n"
            )
            .unwrap();
            if let Some(m) = self.shared.1 {
                writeln!(tfvars, "mode = {}", q(m)).unwrap();
            }
        }
        for (i, s) in self.stages.iter().enumerate() {
            let tracing = match s {
                None => String::new(),
                Some((false, v)) => format!("  xray_tracing_enabled = {v}\n"),
                Some((true, v)) => {
                    writeln!(
                        vars,
                        "variable \"tracing_s{i}\" {{\n  type    = bool\n  default = {v}\n}}\n"
                    )
                    .unwrap();
                    format!("  xray_tracing_enabled = var.tracing_s{i}\n")
                }
            };
            writeln!(
                main,
                "resource \"aws_api_gateway_stage\" \"s{i}\" {{\n  stage_name    = \"s{i}\"\n  rest_api_id   = \"api\"\n  deployment_id = \"d\"\n{tracing}}}\n"
            )
            .unwrap();
        }
        if !locals.is_empty() {
            main.push_str(&format!("locals {{\n{locals}}}\n"));
        }
        let mut files = vec![("main.tf".to_string(), main)];
        if !vars.is_empty() {
            files.push(("variables.tf".into(), vars));
        }
        if !tfvars.is_empty() {
            files.push(("terraform.tfvars".into(), tfvars));
        }
        if module_used {
            let default = self
                .module_default
                .map(|m| format!("\n  default = {}", q(m)))
                .unwrap_or_default();
            files.push((
                "modules/fn/main.tf".into(),
                format!(
                    "variable \"name\" {{\n  type = string\n}}\n\nvariable \"role\" {{\n  type = string\n}}\n\nvariable \"mode\" {{\n  type    = string{default}\n}}\n\nresource \"aws_lambda_function\" \"this\" {{\n  function_name = var.name\n  role          = var.role\n  handler       = \"index.handler\"\n  runtime       = \"nodejs20.x\"\n\n  tracing_config {{\n    mode = var.mode\n  }}\n}}\n"
                ),
            ));
        }
        files
    }
}

/// Every file of a directory, by path relative to it.
fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    files_under(dir, &[""])
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
            (rel, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

fn audit_raw(dir: &Path) -> Vec<u8> {
    let out = xray_setup()
        .args(["audit", "--format", "json", "--fail-on", "never"])
        .arg(dir)
        .output()
        .unwrap();
    assert_success(&out);
    out.stdout
}

fn fix_write(dir: &Path) -> Result<(), TestCaseError> {
    let out = xray_setup()
        .args(["fix", "--write"])
        .arg(dir)
        .output()
        .unwrap();
    prop_assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "fix failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// (rule, root, resource) of the findings of `rules` whose fix the audit offers as safe.
fn safely_fixable(report: &Value, rules: &[&str]) -> Vec<(String, String, String)> {
    findings(report)
        .iter()
        .filter(|f| rules.contains(&f["rule"].as_str().unwrap()))
        .filter(|f| f["fix"].is_object() && f["fix"]["needs_review"].is_null())
        .map(key)
        .collect()
}

fn key(f: &Value) -> (String, String, String) {
    (
        f["rule"].as_str().unwrap().to_string(),
        f["root"].as_str().unwrap().to_string(),
        f["resource"].as_str().unwrap().to_string(),
    )
}

/// `n` cases from a fixed seed, so that a run repeats the last one exactly; set
/// `PROPTEST_RNG_SEED` (and `PROPTEST_CASES`) to explore other inputs. A failing case is shrunk and printed, and
/// never saved in the tree.
fn cases(n: u32) -> Config {
    let config = Config::default();
    Config {
        cases: match std::env::var_os("PROPTEST_CASES") {
            Some(_) => config.cases,
            None => n,
        },
        failure_persistence: None,
        rng_seed: match config.rng_seed {
            RngSeed::Random => RngSeed::Fixed(13),
            chosen => chosen,
        },
        ..config
    }
}

/// Fixes converge, fixed files parse, the fixed findings are gone, audits repeat
/// byte for byte. Fixed files are kept for one run of HashiCorp's parser at the end.
#[test]
fn fix_converges_parses_and_clears_what_it_fixed() {
    let kept = tempfile::TempDir::new().unwrap();
    // `run` takes an `Fn`: the case number counts through a Cell.
    let case = std::cell::Cell::new(0usize);
    // How many findings of each rule were fixed, so that the laws are not met by trees
    // with nothing to fix.
    let fixed = std::cell::RefCell::new(BTreeMap::<String, usize>::new());
    let mut runner = TestRunner::new(cases(128));
    runner
        .run(&tree_strategy(), |t| {
            let files = t.files();
            let refs: Vec<(&str, &str)> = files
                .iter()
                .map(|(p, s)| (p.as_str(), s.as_str()))
                .collect();
            let dir = tree(&refs);

            // Deterministic: the same tree audited twice, byte for byte.
            let first = audit_raw(dir.path());
            prop_assert_eq!(&first, &audit_raw(dir.path()), "audits differ");
            let before: Value = serde_json::from_slice(&first).unwrap();
            prop_assert!(
                findings(&before).iter().all(|f| f["rule"] != "XR999" && f["rule"] != "XR998"),
                "the generated tree is valid: {}\n{files:#?}",
                String::from_utf8_lossy(&first)
            );
            let fixable = safely_fixable(&before, &["XR001", "XR003", "XR101"]);

            fix_write(dir.path())?;
            let once = snapshot(dir.path());
            fix_write(dir.path())?;
            let twice = snapshot(dir.path());
            prop_assert_eq!(&once, &twice, "a second fix --write changed files");

            let raw = audit_raw(dir.path());
            prop_assert_eq!(&raw, &audit_raw(dir.path()), "audits of the fixed tree differ");
            let after: Value = serde_json::from_slice(&raw).unwrap();
            let parse_errors: Vec<&Value> = findings(&after)
                .iter()
                .filter(|f| f["rule"] == "XR999" || f["rule"] == "XR998")
                .collect();
            prop_assert!(
                parse_errors.is_empty(),
                "fixed files do not parse or validate: {parse_errors:#?}\n{once:#?}"
            );
            let left: Vec<_> = findings(&after)
                .iter()
                .map(key)
                .filter(|k| fixable.contains(k))
                .collect();
            prop_assert!(
                left.is_empty(),
                "fix claimed {left:?} but the audit of the fixed tree still finds them\n{files:#?}\n{once:#?}"
            );
            let offered = safely_fixable(&after, &["XR001", "XR003", "XR101"]);
            prop_assert!(
                offered.is_empty(),
                "the fixed tree still has safe fixes to offer: {offered:?}\n{once:#?}"
            );

            for (rule, _, _) in &fixable {
                *fixed.borrow_mut().entry(rule.clone()).or_default() += 1;
            }
            if !fixable.is_empty() {
                let written: BTreeMap<String, String> = files.iter().cloned().collect();
                prop_assert_ne!(&written, &once, "fixes were offered but no file changed");
            }

            let copy = kept.path().join(format!("case{}", case.get()));
            case.set(case.get() + 1);
            for (rel, text) in &once {
                let p = copy.join(rel);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, text).unwrap();
            }
            Ok(())
        })
        .unwrap();
    let fixed = fixed.into_inner();
    for rule in ["XR001", "XR003", "XR101"] {
        assert!(
            fixed.get(rule).is_some_and(|n| *n > 0),
            "no generated tree had a {rule} finding to fix: {fixed:?}"
        );
    }

    // HashiCorp's parser accepts every fixed file.
    let hcl = hcl_tools();
    let fixed: Vec<PathBuf> = files_under(kept.path(), &[".tf", ".tfvars"]);
    assert!(!fixed.is_empty());
    for v in hcl.parse(&fixed) {
        assert!(v.ok, "{}: {}", v.file, v.detail);
    }
}

/// Small expressions over the differential test's variables: literals, references,
/// operators, conditionals, `for`, splats and functions whose results have an order (sets,
/// maps, key sorting) that must not vary from one evaluation to the next.
fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("var.s".to_string()),
        Just("var.n".to_string()),
        Just("var.l".to_string()),
        Just("var.ss".to_string()),
        Just("var.m".to_string()),
        Just("var.o".to_string()),
        Just("var.nums".to_string()),
        Just("var.ul".to_string()),
        Just("var.us".to_string()),
        Just("var.nul".to_string()),
        Just("null".to_string()),
        Just("\"b\"".to_string()),
        Just("true".to_string()),
        (-5i32..100).prop_map(|n| n.to_string()),
        Just("0.1".to_string()),
        Just("[\"z\", \"a\", \"z\"]".to_string()),
        Just("{ b = 1, a = \"x\" }".to_string()),
    ];
    leaf.prop_recursive(3, 24, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("[{a}, {b}]")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{{ k = {a}, j = {b} }}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} == {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} + {b})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("({c} ? {a} : {b})")),
            inner.clone().prop_map(|a| format!("toset({a})")),
            inner.clone().prop_map(|a| format!("tolist({a})")),
            inner.clone().prop_map(|a| format!("keys({a})")),
            inner.clone().prop_map(|a| format!("values({a})")),
            inner.clone().prop_map(|a| format!("length({a})")),
            inner.clone().prop_map(|a| format!("jsonencode({a})")),
            inner.clone().prop_map(|a| format!("sort({a})")),
            inner.clone().prop_map(|a| format!("distinct({a})")),
            inner.clone().prop_map(|a| format!("flatten([{a}])")),
            inner
                .clone()
                .prop_map(|a| format!("try({a}, \"fallback\")")),
            inner.clone().prop_map(|a| format!("[for x in {a} : x]")),
            inner
                .clone()
                .prop_map(|a| format!("{{ for k, v in {a} : k => v }}")),
            inner.clone().prop_map(|a| format!("{a}[*]")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("merge({a}, {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("setunion({a}, {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("concat({a}, {b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("coalesce({a}, {b})")),
        ]
    })
}

/// The same expressions through `xray-setup console` twice, in one run and in two: the
/// same lines each time.
#[test]
fn console_evaluation_is_deterministic() {
    let dir = tree(&[("variables.tf", include_str!("differential/variables.tf"))]);
    let console = |input: &str| -> Vec<String> {
        let out = xray_setup()
            .args(["console", "--format", "json"])
            .arg(dir.path())
            .write_stdin(input.to_string())
            .output()
            .unwrap();
        assert_success(&out);
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    };
    let mut runner = TestRunner::new(cases(48));
    runner
        .run(&proptest::collection::vec(expr(), 1..40), |exprs| {
            let mut input = String::new();
            for e in exprs.iter().chain(&exprs) {
                input.push_str(e);
                input.push('\n');
            }
            let first = console(&input);
            prop_assert_eq!(first.len(), exprs.len() * 2, "one line per expression");
            let (a, b) = first.split_at(exprs.len());
            for ((e, x), y) in exprs.iter().zip(a).zip(b) {
                prop_assert_eq!(x, y, "{} twice in one run", e);
            }
            let second = console(&input);
            for ((e, x), y) in exprs.iter().zip(a).zip(&second) {
                prop_assert_eq!(x, y, "{} in two runs", e);
            }
            Ok(())
        })
        .unwrap();
}
