//! Small text helpers shared by reports, generators, rules and sources.

/// A number as Terraform prints a whole or decimal value: integers without a fraction.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A wildcard match, `*` any run of characters and `?` any one: as IAM matches actions,
/// X-Ray sampling rules match requests, and `[[ignore]]` entries match addresses.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_format_like_terraform() {
        assert_eq!(super::format_number(3.0), "3");
        assert_eq!(super::format_number(0.05), "0.05");
    }

    #[test]
    fn globbing() {
        use super::glob;
        assert!(glob("*", "*"));
        assert!(glob("xray:*", "xray:puttracesegments"));
        assert!(!glob("arn:aws:xray:*", "*"));
        assert!(glob("a?c*", "abcdef"));
        assert!(!glob("a?c", "ac"));
    }
}
