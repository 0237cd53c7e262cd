//! Terraform's resource instance addresses: `module.a["x"].module.b.aws_lambda_function.f[0]`.

/// One module call on the way to a resource: its name and instance key as written
/// (`["x"]`, `[0]`, or empty).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ModuleStep {
    pub name: String,
    pub key: String,
}

/// A resource instance's address, taken apart.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Address {
    pub modules: Vec<ModuleStep>,
    pub rtype: String,
    /// The resource name, without its instance key.
    pub name: String,
}

impl Address {
    /// The resource's address inside its module, as `configuration` writes it:
    /// `aws_lambda_function.f`.
    pub fn in_module(&self) -> String {
        format!("{}.{}", self.rtype, self.name)
    }
}

/// `module.a["x"].module.b.`: what addresses inside these module instances start with.
pub(super) fn prefix(modules: &[ModuleStep]) -> String {
    modules
        .iter()
        .map(|m| format!("module.{}{}.", m.name, m.key))
        .collect()
}

/// The parts of an address or reference between dots, a `[...]` key kept with the name it
/// follows (dots and brackets inside quoted keys are not separators).
pub(super) fn split(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut escaped, mut start) = (0usize, false, false, 0);
    for (i, c) in text.char_indices() {
        if quoted {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => quoted = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// A name and the instance key after it: `f[0]` is `("f", "[0]")`.
pub(super) fn name_and_key(part: &str) -> (&str, &str) {
    match part.find('[') {
        Some(i) => (&part[..i], &part[i..]),
        None => (part, ""),
    }
}

/// A managed resource instance's address taken apart; `None` for anything else (a data
/// source, a malformed address).
pub(super) fn parse(address: &str) -> Option<Address> {
    let parts = split(address);
    let mut modules = Vec::new();
    let mut i = 0;
    while parts.get(i) == Some(&"module") {
        let (name, key) = name_and_key(parts.get(i + 1)?);
        modules.push(ModuleStep {
            name: name.to_string(),
            key: key.to_string(),
        });
        i += 2;
    }
    match &parts[i..] {
        [rtype, name] if *rtype != "data" && !rtype.is_empty() => Some(Address {
            modules,
            rtype: rtype.to_string(),
            name: name_and_key(name).0.to_string(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_outside_keys() {
        assert_eq!(
            split(r#"module.a["x.y"].aws_iam_role.r[0].arn"#),
            vec!["module", r#"a["x.y"]"#, "aws_iam_role", "r[0]", "arn"]
        );
    }

    #[test]
    fn parses_module_paths() {
        let a = parse(r#"module.a["x"].module.b.aws_lambda_function.f[0]"#).unwrap();
        assert_eq!(a.rtype, "aws_lambda_function");
        assert_eq!(a.name, "f");
        assert_eq!(a.in_module(), "aws_lambda_function.f");
        assert_eq!(prefix(&a.modules), r#"module.a["x"].module.b."#);
        assert!(parse("data.aws_iam_policy_document.d").is_none());
        assert!(parse("module.a").is_none());
    }
}
