//! Small text helpers shared by reports, generators and rules.

/// A number as Terraform prints a whole or decimal value: integers without a fraction.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_format_like_terraform() {
        assert_eq!(super::format_number(3.0), "3");
        assert_eq!(super::format_number(0.05), "0.05");
    }
}
