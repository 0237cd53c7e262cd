//! Helpers shared by the integration tests.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub fn xray_setup() -> Command {
    let mut cmd = Command::cargo_bin("xray-setup").expect("binary built");
    cmd.env_remove("NO_COLOR");
    for (k, _) in std::env::vars() {
        if k.starts_with("TF_VAR_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

/// Fails the test with the command's stderr unless it exited 0.
pub fn assert_success(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `../shared` beside the checkout. A test that needs it fails without it: none passes by
/// doing nothing.
pub fn shared() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    assert!(
        dir.is_dir(),
        "{} is missing: the tests read the corpus, benchmarks and schemas in it; check the project out beside ../shared, as CI does",
        dir.display()
    );
    dir
}

pub fn corpus(dir: &str) -> PathBuf {
    shared().join("corpus").join(dir)
}

/// Where `scripts/install-test-tools.sh` (run by `.ci/run`) installs `rel`; fails the
/// test, naming the command that installs it, when it is not there.
pub fn test_tool(rel: &str, what: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/test-tools")
        .join(rel);
    assert!(
        path.exists(),
        "{what} is missing ({}): run .ci/run, or scripts/install-test-tools.sh, which installs it",
        path.display()
    );
    path
}

/// Runs `xray-setup audit --format json ARGS...`; returns the report and exit status.
pub fn audit_json(args: &[&str]) -> (Value, i32) {
    let out = xray_setup()
        .arg("audit")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let status = out.status.code().expect("exited normally, not by a signal");
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, status)
}

pub fn audit_path(path: &Path, extra: &[&str]) -> (Value, i32) {
    let mut args = vec![path.to_str().expect("utf-8 path")];
    args.extend_from_slice(extra);
    audit_json(&args)
}

pub fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().expect("findings array")
}

/// `root/resource` of every finding of a rule, sorted.
pub fn addresses(report: &Value, rule: &str) -> Vec<String> {
    let mut out: Vec<String> = findings(report)
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            let root = f["root"].as_str().unwrap();
            let resource = f["resource"].as_str().unwrap();
            if root == "." {
                resource.to_string()
            } else {
                format!("{root}/{resource}")
            }
        })
        .collect();
    out.sort();
    out
}

/// Resources with a finding of `rule`, sorted (no root).
pub fn resources(report: &Value, rule: &str) -> Vec<String> {
    let mut out: Vec<String> = findings(report)
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["resource"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

/// A temporary tree made of `(relative path, contents)` pairs.
pub fn tree(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// A synthetic tree from `../shared/bench/gen_tree.py`, with its `expected.json`.
pub fn gen_tree(functions: usize, seed: u64, per_dir: usize) -> (TempDir, Value) {
    let script = shared().join("bench/gen_tree.py");
    let dir = TempDir::new().unwrap();
    let status = std::process::Command::new("python3")
        .arg(&script)
        .arg(dir.path())
        .args(["--functions", &functions.to_string()])
        .args(["--seed", &seed.to_string()])
        .args(["--per-dir", &per_dir.to_string()])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("python3 runs gen_tree.py");
    assert!(status.success());
    let expected =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("expected.json")).unwrap())
            .unwrap();
    (dir, expected)
}

pub fn strings(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

/// HashiCorp's parser and formatter, from `scripts/install-test-tools.sh`.
pub fn hcl_tools() -> HclTools {
    test_tool(
        "npm/node_modules/@cdktf/hcl2json",
        "HashiCorp's HCL parser (npm @cdktf/hcl2json)",
    );
    test_tool(
        "npm/node_modules/@cdktf/hcl-tools",
        "HashiCorp's HCL formatter (npm @cdktf/hcl-tools)",
    );
    HclTools {
        npm: test_tool("npm/node_modules", "the npm tools"),
    }
}

pub struct HclTools {
    npm: PathBuf,
}

#[derive(Debug)]
pub struct HclVerdict {
    pub file: String,
    pub ok: bool,
    pub detail: String,
}

impl HclTools {
    /// Whether HashiCorp's parser accepts each file.
    pub fn parse(&self, files: &[PathBuf]) -> Vec<HclVerdict> {
        self.run("parse", files)
    }

    /// Whether `terraform fmt` leaves each file unchanged.
    pub fn fmt_clean(&self, files: &[PathBuf]) -> Vec<HclVerdict> {
        self.run("format", files)
    }

    fn run(&self, mode: &str, files: &[PathBuf]) -> Vec<HclVerdict> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/hcl.mjs");
        let mut out = Vec::new();
        for chunk in files.chunks(200) {
            let output = std::process::Command::new("node")
                .arg(&script)
                .arg(mode)
                .args(chunk)
                .env("XRAY_SETUP_NPM", &self.npm)
                .output()
                .expect("node runs");
            assert_success(&output);
            for line in String::from_utf8_lossy(&output.stdout).lines() {
                let v: Value = serde_json::from_str(line).unwrap();
                out.push(HclVerdict {
                    file: v["file"].as_str().unwrap().to_string(),
                    ok: v["ok"].as_bool().unwrap(),
                    detail: v["error"]
                        .as_str()
                        .or(v["formatted"].as_str())
                        .unwrap_or("")
                        .to_string(),
                });
            }
        }
        out
    }
}

/// Every file under `dir` whose name ends with one of `suffixes`, skipping hidden
/// directories.
pub fn files_under(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let p = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if p.is_dir() {
                if !name.starts_with('.') {
                    stack.push(p);
                }
            } else if suffixes.iter().any(|s| name.ends_with(s)) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The moto harness (`tests/moto/harness.py`) on a free loopback port, stopped on drop.
pub struct Moto {
    child: std::process::Child,
    pub url: String,
    port: u16,
}

fn venv_python() -> PathBuf {
    test_tool("venv/bin/python", "the test venv (moto, boto3, jsonschema)")
}

impl Moto {
    pub fn start() -> Moto {
        use std::io::BufRead;
        let python = venv_python();
        let mut child = std::process::Command::new(python)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/moto/harness.py"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the harness starts");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port: u16 = line
            .trim()
            .strip_prefix("READY ")
            .expect("READY port")
            .parse()
            .unwrap();
        Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
            port,
        }
    }

    /// Seeds the account (`tests/moto/seed.py ARGS`) and returns what an audit must find.
    pub fn seed(&self, args: &[&str]) -> Value {
        self.script("seed.py", args)
    }

    /// Seeds an Organization (`tests/moto/organization.py ARGS`) and returns what an
    /// audit must find in each account's regions.
    pub fn organization(&self, args: &[&str]) -> Value {
        self.script("organization.py", args)
    }

    fn script(&self, name: &str, args: &[&str]) -> Value {
        let out = std::process::Command::new(venv_python())
            .arg(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/moto")
                    .join(name),
            )
            .args(["--endpoint", &self.url])
            .args(args)
            .output()
            .unwrap();
        assert_success(&out);
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// What `enable` changes, keyed by names (`tests/moto/state.py`).
    pub fn state(&self) -> Value {
        self.state_with(&[])
    }

    /// The same in the account of `role_arn`, which moto lets anyone assume.
    pub fn state_in(&self, role_arn: &str) -> Value {
        self.state_with(&["--role-arn", role_arn])
    }

    fn state_with(&self, args: &[&str]) -> Value {
        let out = std::process::Command::new(venv_python())
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/moto/state.py"))
            .args(["--endpoint", &self.url])
            .args(args)
            .output()
            .unwrap();
        assert_success(&out);
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// An empty account again, with the harness's settings cleared.
    pub fn reset(&self) {
        self.http("POST", "/_harness/reset", "{}");
    }

    /// The venv's `bin` directory, where the AWS CLI is.
    pub fn venv_bin() -> PathBuf {
        venv_python().parent().unwrap().to_path_buf()
    }

    pub fn config(&self, json: &str) {
        self.http("POST", "/_harness/config", json);
    }

    /// What the harness served since the last call (each entry: service, operation,
    /// throttled, denied).
    pub fn take_log(&self) -> Vec<Value> {
        serde_json::from_str(&self.http("POST", "/_harness/log", "{}")).unwrap()
    }

    fn http(&self, method: &str, path: &str, body: &str) -> String {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        s.read_to_string(&mut response).unwrap();
        response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default()
    }

    /// Runs a bash script with the venv's AWS CLI pointed at this harness.
    pub fn bash(&self, script: &Path) -> std::process::Output {
        self.bash_with(script, &[])
    }

    /// The same, with these environment variables set too (other credentials).
    pub fn bash_with(&self, script: &Path, env: &[(&str, &str)]) -> std::process::Output {
        let path = format!(
            "{}:{}",
            Moto::venv_bin().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        std::process::Command::new("bash")
            .arg(script)
            .env("PATH", &path)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", &self.url)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .envs(env.iter().copied())
            .output()
            .unwrap()
    }

    /// `xray-setup` with AWS pointed at this harness.
    pub fn xray_setup(&self) -> Command {
        let mut cmd = xray_setup();
        cmd.env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", &self.url)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE");
        cmd
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Asserts that a SARIF document validates against the official SARIF 2.1.0 schema
/// (`../shared/sarif-schema-2.1.0.json`, draft 4) with Python's jsonschema from the test venv.
pub fn validate_sarif(sarif: &str) {
    let schema = shared().join("sarif-schema-2.1.0.json");
    let python = venv_python();
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("report.sarif");
    std::fs::write(&doc, sarif).unwrap();
    let out = std::process::Command::new(python)
        .args([
            "-c",
            "import json, sys, jsonschema\n\
             schema = json.load(open(sys.argv[1]))\n\
             doc = json.load(open(sys.argv[2]))\n\
             errors = list(jsonschema.Draft4Validator(schema).iter_errors(doc))\n\
             for e in errors[:20]: print(list(e.absolute_path), e.message)\n\
             sys.exit(1 if errors else 0)",
        ])
        .arg(&schema)
        .arg(&doc)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "SARIF does not validate:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
