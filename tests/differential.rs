//! The evaluator against a referee that is not us: HashiCorp's own hcl/v2 and go-cty
//! (Debian's packages, built into a small Go program, tests/differential/referee.go)
//! evaluate the same expressions as `xray-setup console`, with the same variables
//! (tests/differential/variables.tf, known and unknown). Every expression must give the
//! same value, or an error on both sides.
//!
//! The expressions: generated ones (operators, conversions, templates and directives,
//! `for`, splats, conditionals, nulls, indexing, `try`/`can`, `type()` and every function
//! Terraform takes from cty's stdlib; tests/differential/generator.rs) and the cases
//! written function by function in tests/differential/cases/.
//!
//! Deliberate differences from this referee (hcl 2.14, cty 1.12), documented in README:
//! Terraform's own functions (`length`, `lookup`, `to*`, ...) are not in cty's stdlib and
//! have table tests from Terraform's documentation instead; number literals beyond the
//! float64 range are a parse error in hcl-edit, the parser xray-setup uses.

mod common;
#[path = "differential/generator.rs"]
mod generator;

use common::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const SEED: u64 = 20261129;
const GENERATED: usize = 3500;

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential")
}

/// Builds the referee into target/test-tools (again when its source changed). Fails,
/// saying what to install, when Go or HashiCorp's packages are missing.
fn referee() -> PathBuf {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools");
    std::fs::create_dir_all(&tools).unwrap();
    let bin = tools.join("referee");
    let source = here().join("referee.go");
    let fresh = |b: &Path| {
        let built = std::fs::metadata(b).and_then(|m| m.modified()).ok();
        let src = std::fs::metadata(&source).and_then(|m| m.modified()).ok();
        matches!((built, src), (Some(b), Some(s)) if b >= s)
    };
    if fresh(&bin) {
        return bin;
    }
    let out = Command::new("go")
        .args(["build", "-o"])
        .arg(&bin)
        .arg(&source)
        .env("GOPATH", "/usr/share/gocode")
        .env("GO111MODULE", "off")
        .env("GOFLAGS", "")
        .env("GOCACHE", tools.join("go-cache"))
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run go ({e}): the referee needs Go and HashiCorp's hcl/cty sources; run scripts/install-test-tools.sh (Debian: golang-go golang-github-hashicorp-hcl-v2-dev golang-github-zclconf-go-cty-dev)"
            )
        });
    assert!(
        out.status.success(),
        "building the referee failed (are golang-github-hashicorp-hcl-v2-dev and golang-github-zclconf-go-cty-dev installed? scripts/install-test-tools.sh installs them): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    bin
}

/// Runs a program with the expressions on standard input; its output lines.
fn run(mut cmd: Command, input: &str) -> Vec<String> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// One answer, as both sides can state it: a value's canonical JSON, or an error.
#[derive(Debug, PartialEq)]
enum Answer {
    Value(String),
    Error(String),
}

fn ours(line: &str) -> Answer {
    match line.strip_prefix("error: ") {
        Some(e) => Answer::Error(e.to_string()),
        None => Answer::Value(line.to_string()),
    }
}

fn theirs(line: &str) -> Answer {
    // {"value":<json>} or {"error":"..."}; the value's text is kept as written.
    if let Some(v) = line.strip_prefix("{\"value\":") {
        return Answer::Value(v.strip_suffix('}').unwrap_or(v).to_string());
    }
    let e: serde_json::Value = serde_json::from_str(line).unwrap();
    Answer::Error(e["error"].as_str().unwrap_or_default().to_string())
}

#[test]
fn the_evaluator_agrees_with_hashicorps_on_every_expression() {
    let referee = referee();
    let generated = generator::generate(SEED, GENERATED);
    assert_eq!(generated.len(), GENERATED);
    let mut expressions = generated;
    let mut cases: Vec<_> = std::fs::read_dir(here().join("cases"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    cases.sort();
    for case in cases {
        let text = std::fs::read_to_string(&case).unwrap();
        expressions.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string),
        );
    }
    let input = expressions.join("\n") + "\n";
    let vars = here();

    let mut console = Command::new(env!("CARGO_BIN_EXE_xray-setup"));
    console.args(["console", "--format", "json"]).arg(&vars);
    let ours: Vec<Answer> = run(console, &input).iter().map(|l| ours(l)).collect();
    let mut go = Command::new(&referee);
    go.arg(&vars);
    let theirs: Vec<Answer> = run(go, &input).iter().map(|l| theirs(l)).collect();
    assert_eq!(ours.len(), expressions.len(), "one answer per expression");
    assert_eq!(theirs.len(), expressions.len(), "one answer per expression");

    let mut disagreements = Vec::new();
    let mut errors = 0;
    for ((e, a), b) in expressions.iter().zip(&ours).zip(&theirs) {
        match (a, b) {
            (Answer::Error(_), Answer::Error(_)) => errors += 1,
            (a, b) if a == b => {}
            (a, b) => disagreements.push(format!("{e}\n  ours:    {a:?}\n  referee: {b:?}")),
        }
    }
    eprintln!(
        "{} expressions ({GENERATED} generated), {errors} refused by both, {} disagreements",
        expressions.len(),
        disagreements.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} of {} expressions disagree with HashiCorp's evaluator:\n{}",
        disagreements.len(),
        expressions.len(),
        disagreements
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The test must exercise both outcomes, or it proves little.
    assert!(
        errors > 200 && errors < expressions.len() / 2,
        "{errors} errors"
    );
    let _ = xray_setup;
}
