//! Inputs the fuzz targets (`scripts/fuzz.sh`, `fuzz/fuzz_targets/`) found crashing, each
//! given to the command that reads it as the target gave it. Small inputs are inline.

mod common;
use common::*;

/// The `console` target: a number whose decimal exponent is past i64's range
/// (`4e-3888…`) overflowed the exponent arithmetic of the 512-bit parser (a panic where
/// overflow is checked), and one past 9.2e17 (`1e-1844674407370955162`) wrapped back into
/// range and came out as +Inf. Go's `big.ParseFloat` reports both as an exponent
/// overflow, so `tonumber` cannot convert them.
#[test]
fn console_number_with_an_exponent_past_i64() {
    let dir = tree(&[("variables.tf", include_str!("differential/variables.tf"))]);
    let huge = format!("4e-38{}20", "8".repeat(110));
    let input = format!(
        "pow({huge}, 2)\n\
         tonumber(\"{huge}\")\n\
         tonumber(\"1e-1844674407370955162\")\n\
         tonumber(\"1e1844674407370955162\")\n\
         tonumber(\"-1.5e-9223372036854775808\")\n\
         tonumber(\"1e-300\") > 0\n"
    );
    let out = xray_setup()
        .args(["console", "--format", "json"])
        .arg(dir.path())
        .write_stdin(input)
        .output()
        .unwrap();
    assert_success(&out);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    // The literal itself is read as hcl-edit reads it (0): what matters is an answer.
    assert_eq!(lines.len(), 6, "{stdout}");
    for (line, text) in lines[1..5].iter().zip([
        huge.as_str(),
        "1e-1844674407370955162",
        "1e1844674407370955162",
        "-1.5e-9223372036854775808",
    ]) {
        assert!(
            line.starts_with("error: ") && line.contains(&format!("cannot convert \"{text}\"")),
            "{line}"
        );
    }
    // A small exponent still parses.
    assert_eq!(lines[5], "true");
}

/// The `console` target: `format` with a width or precision of billions (saved as
/// fuzz/artifacts/console/timeout-*) tried to build the whole string (80 GB). The
/// value-size limit now refuses it before building.
#[test]
fn console_format_with_a_huge_width_or_precision() {
    let dir = tree(&[("main.tf", "")]);
    let out = xray_setup()
        .arg("console")
        .arg(dir.path())
        .write_stdin(
            "format(\"%080000000000.5d|\", 21)\n\
             format(\"%.10000000000e\", 25)\n\
             format(\"%00000000600000000000000000000005d|\", -42)\n\
             format(\"%05d\", 42)\n",
        )
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_success(&out);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    for line in &lines[..3] {
        assert!(
            line.starts_with("error: not computed: the string would be longer than the limit"),
            "{line}"
        );
    }
    assert_eq!(lines[3], "\"00042\"");
}
