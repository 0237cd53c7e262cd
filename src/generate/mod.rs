//! `xray-setup generate`: Terraform snippets rendered from the templates in `templates/`
//! (embedded in the binary), with their parameters checked first.

use crate::sampling::{FIELDS, Limit};
use crate::text::format_number;
use minijinja::{Environment, Value, context};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A function with Active tracing, its role, and the X-Ray write attachment.
    Lambda,
    /// A REST API stage with tracing on.
    RestStage,
    /// An `aws_iam_policy_document` for trace writing and sampling reads, on a role.
    Iam,
    /// An X-Ray sampling rule.
    SamplingRule,
    /// A small module with all of the above.
    All,
}

/// The parameters every template may use.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Terraform name of the generated resources.
    pub name: String,
    pub function_name: Option<String>,
    pub runtime: String,
    pub handler: String,
    pub filename: String,
    pub api_name: Option<String>,
    pub stage_name: String,
    /// For `iam`: the role to attach to, as an expression (`aws_iam_role.app.id`).
    pub role: Option<String>,
    pub rule_name: Option<String>,
    pub priority: f64,
    pub fixed_rate: f64,
    pub reservoir: f64,
    pub service_name: String,
    pub service_type: String,
    pub host: String,
    pub http_method: String,
    pub url_path: String,
    pub resource_arn: String,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            name: "app".into(),
            function_name: None,
            runtime: "python3.12".into(),
            handler: "app.handler".into(),
            filename: "dist/app.zip".into(),
            api_name: None,
            stage_name: "live".into(),
            role: None,
            rule_name: None,
            priority: 1000.0,
            fixed_rate: 0.05,
            reservoir: 1.0,
            service_name: "*".into(),
            service_type: "*".into(),
            host: "*".into(),
            http_method: "*".into(),
            url_path: "*".into(),
            resource_arn: "*".into(),
        }
    }
}

/// A parameter out of range, with what is allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("--{flag} {value}: must be {allowed}")]
pub struct ParamError {
    pub flag: String,
    pub value: String,
    pub allowed: String,
}

const TEMPLATES: &[(&str, &str)] = &[
    ("lambda", include_str!("../../templates/lambda.tf.j2")),
    (
        "rest-stage",
        include_str!("../../templates/rest-stage.tf.j2"),
    ),
    ("iam", include_str!("../../templates/iam.tf.j2")),
    (
        "sampling-rule",
        include_str!("../../templates/sampling-rule.tf.j2"),
    ),
    ("versions", include_str!("../../templates/versions.tf.j2")),
];

/// The files a kind generates: (file name, contents).
pub fn render(kind: Kind, params: &Params) -> Result<Vec<(String, String)>, ParamError> {
    check(params)?;
    let parts: &[(&str, &str)] = match kind {
        Kind::Lambda => &[("lambda.tf", "lambda")],
        Kind::RestStage => &[("apigateway.tf", "rest-stage")],
        Kind::Iam => &[("iam.tf", "iam")],
        Kind::SamplingRule => &[("sampling.tf", "sampling-rule")],
        Kind::All => &[
            ("versions.tf", "versions"),
            ("lambda.tf", "lambda"),
            ("iam.tf", "iam"),
            ("apigateway.tf", "rest-stage"),
            ("sampling.tf", "sampling-rule"),
        ],
    };
    let mut env = Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .expect("the default syntax with trailing newlines kept"),
    );
    env.add_filter("hcl", hcl_string);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .expect("templates are valid (tested)");
    }
    // In `all`, the policy goes on the generated function's role.
    let role = match (kind, &params.role) {
        (Kind::All, _) | (_, None) => format!("aws_iam_role.{}.id", params.name),
        (_, Some(role)) => role.clone(),
    };
    let function_name = params
        .function_name
        .clone()
        .unwrap_or_else(|| params.name.replace('_', "-"));
    let ctx = context! {
        name => &params.name,
        function_name => &function_name,
        runtime => &params.runtime,
        handler => &params.handler,
        filename => &params.filename,
        api_name => params.api_name.clone().unwrap_or_else(|| format!("{function_name}-api")),
        stage_name => &params.stage_name,
        role => role,
        policy_name => format!("{function_name}-xray"),
        rule_name => params.rule_name.clone().unwrap_or_else(|| function_name.clone()),
        priority => format_number(params.priority),
        fixed_rate => format_number(params.fixed_rate),
        percent => format_number(params.fixed_rate * 100.0),
        reservoir => format_number(params.reservoir),
        service_name => &params.service_name,
        service_type => &params.service_type,
        host => &params.host,
        http_method => &params.http_method,
        url_path => &params.url_path,
        resource_arn => &params.resource_arn,
    };
    Ok(parts
        .iter()
        .map(|(file, template)| {
            let text = env
                .get_template(template)
                .and_then(|t| t.render(&ctx))
                .expect("templates render with every parameter (tested)");
            (file.to_string(), text)
        })
        .collect())
}

/// Checks parameters before anything is rendered: names are Terraform identifiers, and a
/// sampling rule's values are in the ranges the X-Ray API accepts.
fn check(p: &Params) -> Result<(), ParamError> {
    let err = |flag: &str, value: &str, allowed: &str| ParamError {
        flag: flag.into(),
        value: value.into(),
        allowed: allowed.into(),
    };
    let identifier = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if !identifier(&p.name) {
        return Err(err(
            "name",
            &p.name,
            "a Terraform name: a letter or _, then letters, digits, _ or -",
        ));
    }
    if let Some(role) = &p.role
        && !role
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.[]\"".contains(c))
    {
        return Err(err("role", role, "a reference such as aws_iam_role.app.id"));
    }
    for (flag, value) in [
        ("runtime", &p.runtime),
        ("handler", &p.handler),
        ("stage-name", &p.stage_name),
    ]
    .into_iter()
    .chain(
        [
            ("function-name", &p.function_name),
            ("api-name", &p.api_name),
        ]
        .into_iter()
        .filter_map(|(flag, value)| Some((flag, value.as_ref()?))),
    ) {
        if value.trim().is_empty() {
            return Err(err(flag, &format!("{value:?}"), "some text, not empty"));
        }
    }
    let rule_name = p
        .rule_name
        .clone()
        .unwrap_or_else(|| p.name.replace('_', "-"));
    for &(field, _, limit) in FIELDS {
        let flag = match field {
            "reservoir_size" => "reservoir",
            other => other,
        }
        .replace('_', "-");
        let number = match field {
            "priority" => Some(p.priority),
            "fixed_rate" => Some(p.fixed_rate),
            "reservoir_size" => Some(p.reservoir),
            _ => None,
        };
        let text = match field {
            "rule_name" => Some(&rule_name),
            "service_name" => Some(&p.service_name),
            "service_type" => Some(&p.service_type),
            "host" => Some(&p.host),
            "http_method" => Some(&p.http_method),
            "url_path" => Some(&p.url_path),
            "resource_arn" => Some(&p.resource_arn),
            _ => None,
        };
        let broken = match (number, text, limit) {
            (Some(n), _, _) => limit
                .violation_number(n)
                .map(|allowed| (format_number(n), allowed)),
            (_, Some(t), Limit::Length { .. }) => {
                limit.violation_text(t).map(|allowed| (t.clone(), allowed))
            }
            _ => None,
        };
        if let Some((value, allowed)) = broken {
            return Err(err(&flag, &value, &allowed));
        }
    }
    Ok(())
}

/// An HCL quoted string: quotes and backslashes escaped, and `${` / `%{` doubled so they
/// stay literal.
fn hcl_string(value: Value) -> String {
    let s = value.to_string();
    let mut out = String::from("\"");
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_renders() {
        for kind in [
            Kind::Lambda,
            Kind::RestStage,
            Kind::Iam,
            Kind::SamplingRule,
            Kind::All,
        ] {
            let files = render(kind, &Params::default()).unwrap();
            assert!(!files.is_empty());
            for (name, text) in files {
                assert!(
                    !text.contains("{{") && !text.contains("{%"),
                    "{name}: {text}"
                );
            }
        }
    }

    #[test]
    fn out_of_range_parameters_say_what_is_allowed() {
        let bad = |p: Params| render(Kind::SamplingRule, &p).unwrap_err().to_string();
        assert_eq!(
            bad(Params {
                priority: 0.0,
                ..Params::default()
            }),
            "--priority 0: must be an integer from 1 to 9999"
        );
        assert_eq!(
            bad(Params {
                fixed_rate: 1.5,
                ..Params::default()
            }),
            "--fixed-rate 1.5: must be a number from 0 to 1"
        );
        assert!(
            bad(Params {
                http_method: "OPTIONSXXXXX".into(),
                ..Params::default()
            })
            .contains("1 to 10 characters")
        );
        assert!(
            bad(Params {
                name: "9lives".into(),
                ..Params::default()
            })
            .starts_with("--name 9lives")
        );
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(hcl_string(Value::from("a\"b${c}")), "\"a\\\"b$${c}\"");
    }
}
