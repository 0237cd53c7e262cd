//! One policy-document model for every spelling Terraform uses: JSON from `jsonencode`,
//! heredocs, `file()`, `templatefile()`, `aws_iam_policy_document` (all of which reach
//! here as JSON text), with `Action`/`NotAction`/`Resource`/`NotResource` as a string or
//! a list. Parts only known after apply arrive as marks (see `crate::model::marks`).

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The `Sid`, or `#N` (1-based) when it has none, for messages.
    pub label: String,
    pub effect: Effect,
    /// `Action` (or, inverted, `NotAction`).
    pub actions: Patterns,
    /// `Resource` (or, inverted, `NotResource`); absent means every resource.
    pub resources: Patterns,
    /// A `Condition` block: the statement applies only when it holds.
    pub conditional: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Patterns {
    pub items: Vec<String>,
    /// `NotAction` / `NotResource`: the statement applies to everything else.
    pub inverted: bool,
}

/// How a document's text was read.
#[derive(Debug, Clone, PartialEq)]
pub enum Leniency {
    Strict,
    /// Trailing commas were dropped, as checkov and other tools do; the byte offset of
    /// the first one.
    TrailingCommas {
        offset: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
}

impl PolicyDocument {
    /// Parses a policy's JSON text, accepting trailing commas (and saying so).
    pub fn parse(text: &str) -> Result<(PolicyDocument, Leniency), ParseError> {
        match serde_json::from_str::<Value>(text) {
            Ok(v) => Ok((Self::from_json(&v)?, Leniency::Strict)),
            Err(strict) => {
                let (cleaned, first) = drop_trailing_commas(text);
                let Some(offset) = first else {
                    return Err(ParseError {
                        message: format!("the policy is not JSON: {strict}"),
                    });
                };
                let v: Value = serde_json::from_str(&cleaned).map_err(|_| ParseError {
                    message: format!("the policy is not JSON: {strict}"),
                })?;
                Ok((Self::from_json(&v)?, Leniency::TrailingCommas { offset }))
            }
        }
    }

    pub fn from_json(v: &Value) -> Result<PolicyDocument, ParseError> {
        let statements = match v.get("Statement") {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(one @ Value::Object(_)) => vec![one],
            Some(_) => return Err(err("`Statement` must be an object or a list of objects")),
            None => return Err(err("the policy has no `Statement`")),
        };
        let statements = statements
            .into_iter()
            .enumerate()
            .map(|(i, s)| Statement::from_json(s, i))
            .collect::<Result<_, _>>()?;
        Ok(PolicyDocument { statements })
    }
}

fn err(message: &str) -> ParseError {
    ParseError {
        message: message.to_string(),
    }
}

impl Statement {
    fn from_json(v: &Value, index: usize) -> Result<Statement, ParseError> {
        let Value::Object(m) = v else {
            return Err(err("a statement must be an object"));
        };
        let label = match m.get("Sid").and_then(Value::as_str) {
            Some(sid) if !sid.is_empty() => sid.to_string(),
            _ => format!("#{}", index + 1),
        };
        let effect = match m.get("Effect").and_then(Value::as_str) {
            Some("Allow") => Effect::Allow,
            Some("Deny") => Effect::Deny,
            Some(other) => {
                return Err(ParseError {
                    message: format!(
                        "statement {label}: Effect must be \"Allow\" or \"Deny\", not {other:?}"
                    ),
                });
            }
            None => {
                return Err(ParseError {
                    message: format!("statement {label} has no Effect"),
                });
            }
        };
        let actions = patterns(m.get("Action"), m.get("NotAction")).ok_or_else(|| ParseError {
            message: format!("statement {label} has neither Action nor NotAction"),
        })?;
        let resources = patterns(m.get("Resource"), m.get("NotResource")).unwrap_or(Patterns {
            items: vec!["*".into()],
            inverted: false,
        });
        Ok(Statement {
            label,
            effect,
            actions,
            resources,
            conditional: m
                .get("Condition")
                .is_some_and(|c| c.as_object().is_none_or(|o| !o.is_empty())),
        })
    }
}

fn patterns(plain: Option<&Value>, inverted: Option<&Value>) -> Option<Patterns> {
    let (v, inverted) = match (plain, inverted) {
        (Some(v), _) => (v, false),
        (None, Some(v)) => (v, true),
        (None, None) => return None,
    };
    let items = match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        other => vec![other.to_string()],
    };
    Some(Patterns { items, inverted })
}

/// Removes commas that directly precede `]` or `}` (outside strings); returns the text
/// and the offset of the first comma removed.
fn drop_trailing_commas(text: &str) -> (String, Option<usize>) {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut first = None;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        if c == ',' {
            let next = bytes[i + 1..].iter().find(|b| !b.is_ascii_whitespace());
            if matches!(next, Some(b']') | Some(b'}')) {
                first.get_or_insert(i);
                continue;
            }
        }
        out.push(c);
    }
    (out, first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_or_list_and_inverted_forms() {
        let (doc, lenient) = PolicyDocument::parse(
            r#"{"Statement":[
                {"Effect":"Allow","Action":"xray:PutTraceSegments","Resource":"*"},
                {"Sid":"NotS3","Effect":"Deny","NotAction":["s3:*"],"NotResource":"arn:aws:s3:::b"},
                {"Effect":"Allow","Action":["xray:*"],"Condition":{"Bool":{"aws:SecureTransport":"true"}}}
            ]}"#,
        )
        .unwrap();
        assert_eq!(lenient, Leniency::Strict);
        assert_eq!(
            doc.statements[0].actions.items,
            vec!["xray:PutTraceSegments"]
        );
        assert_eq!(doc.statements[0].label, "#1");
        assert!(doc.statements[1].actions.inverted && doc.statements[1].resources.inverted);
        assert_eq!(doc.statements[1].label, "NotS3");
        assert!(doc.statements[2].conditional);
        assert_eq!(
            doc.statements[2].resources.items,
            vec!["*"],
            "no Resource means every resource"
        );
    }

    #[test]
    fn a_single_statement_object_is_accepted() {
        let (doc, _) = PolicyDocument::parse(
            r#"{"Statement":{"Effect":"Allow","Action":"x:y","Resource":"*"}}"#,
        )
        .unwrap();
        assert_eq!(doc.statements.len(), 1);
    }

    #[test]
    fn trailing_commas_are_accepted_and_reported() {
        let text = "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:*\",], \"Resource\": \"a,]\",},]}";
        let (doc, lenient) = PolicyDocument::parse(text).unwrap();
        assert_eq!(
            lenient,
            Leniency::TrailingCommas {
                offset: text.find(",]").unwrap()
            }
        );
        assert_eq!(
            doc.statements[0].resources.items,
            vec!["a,]"],
            "commas inside strings stay"
        );
    }

    #[test]
    fn malformed_documents_say_why() {
        assert!(
            PolicyDocument::parse("{")
                .unwrap_err()
                .message
                .contains("not JSON")
        );
        assert!(
            PolicyDocument::parse("{}")
                .unwrap_err()
                .message
                .contains("no `Statement`")
        );
        let e = PolicyDocument::parse(r#"{"Statement":[{"Effect":"Maybe","Action":"a"}]}"#)
            .unwrap_err();
        assert!(e.message.contains("\"Maybe\""), "{e:?}");
    }
}
