//! From a file's bytes to the JSON document in it: UTF-8 (with or without a BOM) or
//! UTF-16 with a BOM; bare, or inside the lines hashicorp/setup-terraform's wrapper
//! prints around `terraform show -json`.

use super::PlanError;
use std::path::Path;

/// The JSON text of a file, and the line (1-based) it starts on.
#[derive(Debug, PartialEq)]
pub(super) struct JsonText {
    pub text: String,
    pub first_line: usize,
}

/// The text of a file, by its byte order mark (UTF-8 without one).
pub(super) fn text(path: &Path, bytes: &[u8]) -> Result<String, PlanError> {
    let wrong = |message: String| PlanError::Encoding {
        path: path.to_path_buf(),
        message,
    };
    let utf16 = |rest: &[u8], big: bool, name: &str| -> Result<String, PlanError> {
        if rest.len() % 2 == 1 {
            return Err(wrong(format!(
                "{name} with a byte order mark, but an odd number of bytes ({})",
                rest.len() + 2
            )));
        }
        let units = rest.chunks_exact(2).map(|c| {
            if big {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from_le_bytes([c[0], c[1]])
            }
        });
        let mut out = String::with_capacity(rest.len() / 2);
        for (i, c) in char::decode_utf16(units).enumerate() {
            match c {
                Ok(c) => out.push(c),
                Err(e) => {
                    return Err(wrong(format!(
                        "not valid {name}: unpaired surrogate {:#06x} at byte {} (line {})",
                        e.unpaired_surrogate(),
                        2 + 2 * i,
                        out.lines().count().max(1)
                    )));
                }
            }
        }
        Ok(out)
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => utf8(rest, 3).map_err(wrong),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, false, "UTF-16LE"),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, true, "UTF-16BE"),
        _ => utf8(bytes, 0).map_err(wrong),
    }
}

fn utf8(bytes: &[u8], skipped: usize) -> Result<String, String> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let at = e.valid_up_to();
            let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
            let hint = if bytes.len() > 1 && (bytes[1] == 0 || bytes[0] == 0) {
                " (UTF-16 without a byte order mark? save it as UTF-8, or UTF-16 with a BOM)"
            } else {
                ""
            };
            Err(format!(
                "not valid UTF-8: byte {:#04x} at offset {} (line {line}){hint}",
                bytes[at],
                at + skipped
            ))
        }
    }
}

/// The JSON document of a file's text: all of it, or the line between the wrapper's
/// lines (`[command]...terraform-bin show -json ...` first, `::debug::` and
/// `::set-output` after). Anything else around it is an error naming its line.
pub(super) fn json(path: &Path, text: &str) -> Result<JsonText, PlanError> {
    let start = text.trim_start();
    // Terraform's documents are objects; `[` could be the wrapper's `[command]` line.
    if start.starts_with('{') {
        return Ok(JsonText {
            text: text.to_string(),
            first_line: 1,
        });
    }
    let lines: Vec<&str> = text.lines().collect();
    let at = |line: usize, message: String| PlanError::Surroundings {
        path: path.to_path_buf(),
        line,
        message,
    };
    let Some(first) = lines.iter().position(|l| !l.trim().is_empty()) else {
        return Err(PlanError::NotTerraform {
            path: path.to_path_buf(),
            what: "the file is empty: expected the JSON of `terraform show -json`".into(),
        });
    };
    let head = lines[first].trim();
    let wrapper = head.starts_with("[command]") && head.contains("show") && head.contains("-json");
    if !wrapper {
        return Err(at(
            first + 1,
            format!(
                "expected the JSON of `terraform show -json` (a line starting with `{{`), found `{}`",
                excerpt(head)
            ),
        ));
    }
    let Some(json) = (first + 1..lines.len()).find(|&i| !lines[i].trim().is_empty()) else {
        return Err(at(
            first + 1,
            "the setup-terraform wrapper's command line, with no JSON after it".into(),
        ));
    };
    if !lines[json].trim_start().starts_with('{') {
        return Err(at(
            json + 1,
            format!(
                "expected the JSON after the wrapper's command line, found `{}`",
                excerpt(lines[json].trim())
            ),
        ));
    }
    for (i, line) in lines.iter().enumerate().skip(json + 1) {
        let l = line.trim();
        if !l.is_empty() && !l.starts_with("::") {
            return Err(at(
                i + 1,
                format!(
                    "expected only the wrapper's `::debug::` or `::set-output` lines after the JSON, found `{}`",
                    excerpt(l)
                ),
            ));
        }
    }
    Ok(JsonText {
        text: lines[json].to_string(),
        first_line: json + 1,
    })
}

/// The start of a line, for a message.
fn excerpt(line: &str) -> String {
    let mut out: String = line.chars().take(60).collect();
    if out.len() < line.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("plan.json")
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(text(p(), b"{}").unwrap(), "{}");
        assert_eq!(text(p(), b"\xEF\xBB\xBF{\"a\":1}").unwrap(), "{\"a\":1}");
        let e = text(p(), b"{\n\"a\":\xFF}").unwrap_err().to_string();
        assert!(e.contains("plan.json") && e.contains("line 2"), "{e}");
    }

    #[test]
    fn utf16_both_orders() {
        let s = "{\"é\":\"😀\"}";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        assert_eq!(text(p(), &le).unwrap(), s);
        assert_eq!(text(p(), &be).unwrap(), s);
        le.push(0);
        assert!(text(p(), &le).unwrap_err().to_string().contains("odd"));
    }

    #[test]
    fn bare_json_is_taken_whole() {
        let j = json(p(), "\n  {\"a\": 1}\n").unwrap();
        assert_eq!(j.first_line, 1);
        assert_eq!(j.text, "\n  {\"a\": 1}\n");
    }

    #[test]
    fn wrapper_lines_are_stripped() {
        let t = "[command]/tmp/x/terraform-bin show -json plan.tfplan\n{\"a\":1}\n::debug::stdout: {\"a\":1}\n::set-output name=exitcode::0\n";
        let j = json(p(), t).unwrap();
        assert_eq!(j.text, "{\"a\":1}");
        assert_eq!(j.first_line, 2);
    }

    #[test]
    fn junk_is_named_by_line() {
        let e = json(p(), "\nRefreshing state...\n{}")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("plan.json:2: "), "{e}");
        assert!(e.contains("Refreshing state..."), "{e}");
        let t = "[command]terraform-bin show -json p\n{}\n::debug::x\nnot the wrapper\n";
        let e = json(p(), t).unwrap_err().to_string();
        assert!(e.starts_with("plan.json:4: "), "{e}");
        let e = json(p(), "[command]terraform-bin show -json p\nnope\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("plan.json:2: "), "{e}");
        assert!(json(p(), " \n").unwrap_err().to_string().contains("empty"));
    }
}
