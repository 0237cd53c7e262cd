//! Evaluation limits: trees that would take the machine down (a billion instances,
//! strings of gigabytes, exponential module fan-out, chains deeper than the stack) end
//! in an XR997 finding that names the expression and the limit, with exit 0 or 1 and a
//! report, never an abort. The shapes are those measured in issue 13. Each run is given
//! a generous minute before it counts as a hang (they take well under a second); peak
//! memory is measured by scripts/budgets.sh, not here.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use tempfile::TempDir;

const HANG: Duration = Duration::from_secs(60);

/// `xray-setup audit DIR --format json` under the hang guard: the report and exit code.
fn audit(dir: &Path) -> (Value, i32) {
    let out = xray_setup()
        .arg("audit")
        .arg(dir)
        .args(["--format", "json"])
        .timeout(HANG)
        .output()
        .expect("runs");
    let code = out.status.code().unwrap_or_else(|| {
        panic!(
            "ended by a signal or killed after {HANG:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, code)
}

/// The findings of `rule`, as (file, line, message).
fn findings(report: &Value, rule: &str) -> Vec<(String, u64, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            (
                f["file"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const FUNCTION: &str = r#"
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "arn:aws:iam::123456789012:role/r"
  tracing_config {
    mode = MODE
  }
}
"#;

fn function(mode: &str) -> String {
    FUNCTION.replace("MODE", mode)
}

#[test]
fn a_billion_instances_audit_one_representative() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "main.tf",
        &function("\"PassThrough\"").replace(
            "function_name = \"f\"",
            "count         = 1000000000\n  function_name = \"f-${count.index}\"",
        ),
    );
    let (report, code) = audit(dir.path());
    assert_eq!(code, 1, "XR001 and XR997 are warnings");
    let limits = findings(&report, "XR997");
    assert_eq!(limits.len(), 1, "{limits:?}");
    assert_eq!((limits[0].0.as_str(), limits[0].1), ("main.tf", 3));
    assert!(
        limits[0]
            .2
            .contains("1000000000 instances, more than the limit of 10000 (limits.instances)"),
        "{}",
        limits[0].2
    );
    // The representative instance is audited: its PassThrough mode is found.
    let modes = findings(&report, "XR001");
    assert_eq!(modes.len(), 1, "{modes:?}");
    assert!(modes[0].2.contains("aws_lambda_function.f[*]"), "{modes:?}");
}

#[test]
fn a_module_called_a_billion_times_is_audited_through_one_instance() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "main.tf",
        "module \"x\" {\n  source = \"./m\"\n  count  = 1000000000\n}\n",
    );
    write(dir.path(), "m/main.tf", &function("\"PassThrough\""));
    let (report, code) = audit(dir.path());
    assert_eq!(code, 1);
    let limits = findings(&report, "XR997");
    assert_eq!(limits.len(), 1, "{limits:?}");
    assert_eq!((limits[0].0.as_str(), limits[0].1), ("main.tf", 3));
    let modes = findings(&report, "XR001");
    assert_eq!(modes.len(), 1, "{modes:?}");
    assert!(
        modes[0].2.contains("module.x[*].aws_lambda_function.f"),
        "{modes:?}"
    );
}

#[test]
fn three_joins_of_a_thousand_copies_stop_at_the_value_limit() {
    let dir = TempDir::new().unwrap();
    let tree = format!(
        r#"locals {{
  l0 = "abcdefghijklmnopqrstuvwx"
  l1 = join(",", [for i in range(1000) : local.l0])
  l2 = join(",", [for i in range(1000) : local.l1])
  l3 = join(",", [for i in range(1000) : local.l2])
}}
{}"#,
        function("length(local.l3) > 0 ? \"Active\" : \"PassThrough\"")
    );
    write(dir.path(), "main.tf", &tree);
    let (report, code) = audit(dir.path());
    assert_eq!(code, 1);
    let limits = findings(&report, "XR997");
    // l2 (25 MB) is computed; l3 (25 GB) is not.
    assert_eq!(limits.len(), 1, "{limits:?}");
    assert_eq!((limits[0].0.as_str(), limits[0].1), ("main.tf", 5));
    assert!(
        limits[0]
            .2
            .contains("more than the limit of 32.0 MiB (limits.value_bytes)"),
        "{}",
        limits[0].2
    );
    // The mode that needs it is unknown, and says why.
    let unknown = findings(&report, "XR000");
    assert!(
        unknown
            .iter()
            .any(|(_, line, m)| *line == 12 && m.contains("not computed")),
        "{unknown:?}"
    );
    assert!(findings(&report, "XR001").is_empty());
}

#[test]
fn modules_that_call_the_next_twice_stop_at_the_module_instance_limit() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "main.tf",
        "module \"top\" {\n  source = \"./m0\"\n}\n",
    );
    for i in 0..26 {
        let body = if i < 25 {
            format!(
                "module \"a\" {{\n  source = \"../m{n}\"\n}}\nmodule \"b\" {{\n  source = \"../m{n}\"\n}}\n",
                n = i + 1
            )
        } else {
            function("\"Active\"")
        };
        write(dir.path(), &format!("m{i}/main.tf"), &body);
    }
    let (report, code) = audit(dir.path());
    assert_eq!(code, 1, "XR997 is a warning");
    let limits = findings(&report, "XR997");
    assert!(!limits.is_empty());
    for (file, _, message) in &limits {
        assert!(
            file.starts_with('m') && file.ends_with("/main.tf"),
            "{file}"
        );
        assert!(
            message.contains("would pass the limit of 10000 (limits.module_instances)"),
            "{message}"
        );
    }
    // Calls are reported once per place, not once per instance.
    assert!(limits.len() <= 26, "{}", limits.len());
    assert!(findings(&report, "XR998").is_empty());
}

/// 50,000 locals, each reading the next: the first is 50,000 values deep.
fn chain(dir: &Path) {
    let mut tree = String::from("locals {\n");
    for i in 0..49_999 {
        tree.push_str(&format!("  l{i} = local.l{}\n", i + 1));
    }
    tree.push_str("  l49999 = \"Active\"\n}\n");
    tree.push_str(&function("local.l0"));
    write(dir, "main.tf", &tree);
}

#[test]
fn a_chain_of_fifty_thousand_locals_stops_at_the_depth_limit() {
    let dir = TempDir::new().unwrap();
    chain(dir.path());
    let (report, code) = audit(dir.path());
    assert_eq!(code, 1);
    let limits = findings(&report, "XR997");
    assert!(!limits.is_empty());
    assert!(
        limits[0]
            .2
            .contains("waits on more than 10000 values in a chain (limits.depth)"),
        "{limits:?}"
    );
    let unknown = findings(&report, "XR000");
    assert!(
        unknown
            .iter()
            .any(|(_, _, m)| m.contains("`local.l0`: not computed")),
        "{unknown:?}"
    );
}

#[test]
fn a_raised_depth_limit_evaluates_the_whole_chain_without_overflowing_the_stack() {
    let dir = TempDir::new().unwrap();
    chain(dir.path());
    write(dir.path(), ".xray-setup.toml", "[limits]\ndepth = 60000\n");
    let (report, code) = audit(dir.path());
    assert!(findings(&report, "XR997").is_empty());
    // The mode is known ("Active"): nothing about tracing is reported.
    assert!(findings(&report, "XR001").is_empty());
    assert!(
        !findings(&report, "XR000")
            .iter()
            .any(|(_, _, m)| m.contains("tracing_config")),
        "{report}"
    );
    assert_eq!(code, 0, "{report}");
}

#[test]
fn the_console_says_which_limit_stopped_it() {
    let dir = TempDir::new().unwrap();
    chain(dir.path());
    let out = xray_setup()
        .args(["console"])
        .arg(dir.path())
        .write_stdin("local.l0\nlocal.l49990\n")
        .timeout(HANG)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].starts_with("error: not computed: the evaluation waits on more than 10000"),
        "{stdout}"
    );
    assert_eq!(lines[1], "\"Active\"");
}

#[test]
fn a_file_larger_than_the_value_limit_is_not_read() {
    let dir = TempDir::new().unwrap();
    // Sparse: 40 MB on paper, nothing on disk.
    let big = std::fs::File::create(dir.path().join("big.json")).unwrap();
    big.set_len(40 << 20).unwrap();
    write(
        dir.path(),
        "main.tf",
        &function("jsondecode(file(\"${path.module}/big.json\")).mode"),
    );
    let (report, code) = audit(dir.path());
    assert_eq!(code, 1);
    let limits = findings(&report, "XR997");
    assert_eq!(limits.len(), 1, "{limits:?}");
    assert!(limits[0].2.contains("big.json"), "{limits:?}");
}

#[test]
fn a_template_that_renders_itself_is_refused_as_terraform_refuses_it() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "t.tpl", "${templatefile(\"t.tpl\", {})}");
    write(
        dir.path(),
        "main.tf",
        &function("templatefile(\"${path.module}/t.tpl\", {})"),
    );
    let (report, code) = audit(dir.path());
    assert_eq!(code, 1);
    let errors = findings(&report, "XR998");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .2
            .contains("cannot recursively call templatefile from inside another template function"),
        "{errors:?}"
    );
}

#[test]
fn limits_in_the_config_must_be_whole_numbers_above_zero() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "main.tf", &function("\"Active\""));
    for (text, said) in [
        (
            "[limits]\ndepth = 0\n",
            "limits.depth: 0 is not a whole number above 0",
        ),
        (
            "[limits]\ninstances = \"many\"\n",
            "limits.instances: \"many\" is not a whole number above 0",
        ),
        ("[limits]\nstack = 5\n", "unknown field `stack`"),
    ] {
        write(dir.path(), ".xray-setup.toml", text);
        let out = xray_setup()
            .arg("audit")
            .arg(dir.path())
            .timeout(HANG)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(".xray-setup.toml:2:"), "{stderr}");
        assert!(stderr.contains(said), "{stderr}");
    }
}
