//! Remedies to byte edits: the smallest change, in the place the value comes from, laid
//! out as `terraform fmt` lays it out.

use super::{Edit, Fix, Safety};
use crate::finding::Remedy;
use crate::model::{FileId, Inventory, Meta, Origin, Span, Step, StepKind};
use crate::source::terraform::ir::{Expr, ExprKind};

/// The fix for a remedy, or why a person has to make it.
pub fn render(inv: &Inventory, remedy: &Remedy) -> Result<Fix, String> {
    match remedy {
        Remedy::Set {
            name,
            value,
            at,
            source,
            block,
            nested,
        } => set(
            inv,
            name,
            value,
            at.as_ref(),
            source,
            block.as_ref(),
            *nested,
        ),
        Remedy::AttachWritePolicy { role } => attach(inv, role),
        Remedy::AddWritePolicyToList { list, at } => add_to_list(inv, list, at.as_ref()),
        Remedy::All(parts) => {
            let fixes = parts
                .iter()
                .map(|p| render(inv, p))
                .collect::<Result<Vec<_>, _>>()?;
            let safety = fixes
                .iter()
                .find_map(|f| match &f.safety {
                    Safety::NeedsReview(why) => Some(Safety::NeedsReview(why.clone())),
                    Safety::Safe => None,
                })
                .unwrap_or(Safety::Safe);
            Ok(Fix {
                description: fixes
                    .iter()
                    .map(|f| f.description.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                safety,
                edits: fixes.into_iter().flat_map(|f| f.edits).collect(),
            })
        }
        Remedy::Manual(why) => Err(why.clone()),
    }
}

fn text(inv: &Inventory, file: FileId) -> &str {
    inv.files.get(file.0 as usize).map_or("", |f| &f.text)
}

fn display(inv: &Inventory, file: FileId) -> &str {
    inv.files
        .get(file.0 as usize)
        .map_or("", |f| f.display.as_str())
}

/// Files xray-setup does not edit.
fn editable(inv: &Inventory, file: FileId) -> Result<(), String> {
    let shown = display(inv, file);
    if let Some(by) = inv
        .files
        .get(file.0 as usize)
        .and_then(|f| f.generated_by.as_ref())
    {
        return Err(format!(
            "{shown} is written by Terragrunt's {by}; change its `contents` there"
        ));
    }
    let path = inv
        .files
        .get(file.0 as usize)
        .map(|f| f.path.to_string_lossy().to_string())
        .unwrap_or_default();
    if path.contains("/.terraform/") || path.starts_with(".terraform/") {
        return Err(format!(
            "{shown} is in a module `terraform init` downloaded; change it in the module's source"
        ));
    }
    if shown.ends_with(".json") {
        return Err(format!(
            "{shown} is in JSON syntax, which xray-setup does not edit"
        ));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn set(
    inv: &Inventory,
    name: &str,
    value: &str,
    at: Option<&Origin>,
    source: &[Step],
    block: Option<&Origin>,
    nested: Option<&str>,
) -> Result<Fix, String> {
    let written = |o: Option<&Origin>| match o {
        Some(Origin::File { file, span }) => text(inv, *file)
            .get(span.range())
            .unwrap_or("")
            .trim()
            .to_string(),
        _ => String::new(),
    };
    if let Some(last) = source.last() {
        match last.kind {
            StepKind::CommandLine => {
                return Err(format!(
                    "{name} comes from `--var {}`: change it on the command line",
                    last.name
                ));
            }
            StepKind::Environment => {
                return Err(format!(
                    "{name} comes from `TF_VAR_{}`: change it in the environment",
                    last.name
                ));
            }
            _ => {}
        }
        let Some(Origin::File { file, span }) = last.origin.clone() else {
            return Err(format!("{name}: nowhere to change it"));
        };
        if !last.literal {
            return Err(format!(
                "{name} is computed by `{}` in {}; change that expression by hand",
                written(last.origin.as_ref()),
                display(inv, file)
            ));
        }
        editable(inv, file)?;
        let place = match last.kind {
            StepKind::Literal => format!("{name} in {}", display(inv, file)),
            StepKind::VariableDefault => format!(
                "the default of variable `{}` in {}",
                last.name,
                display(inv, file)
            ),
            StepKind::Tfvars => format!("`{}` in {}", last.name, display(inv, file)),
            StepKind::ModuleArgument => format!(
                "the module argument `{}` in {}",
                last.name,
                display(inv, file)
            ),
            StepKind::Local => format!("local `{}` in {}", last.name, display(inv, file)),
            StepKind::TerragruntInput { .. } => {
                format!(
                    "the Terragrunt input `{}` in {}",
                    last.name,
                    display(inv, file)
                )
            }
            StepKind::CommandLine | StepKind::Environment => unreachable!(),
        };
        return Ok(Fix {
            description: format!("set {place} to {value}"),
            safety: review(inv, at, source),
            edits: vec![Edit {
                file,
                span,
                text: value.to_string(),
                attribute: None,
            }],
        });
    }
    if let Some(at) = at {
        return Err(format!(
            "{name} is computed by `{}`; change that expression by hand",
            written(Some(at))
                .split_once('=')
                .map_or(String::new(), |(_, v)| v.trim().to_string())
        ));
    }
    let Some(Origin::File { file, span }) = block else {
        return Err(format!("{name}: nowhere to write it"));
    };
    editable(inv, *file)?;
    let lines: Vec<String> = match nested {
        Some(kind) => vec![
            format!("{kind} {{"),
            format!("  {name} = {value}"),
            "}".into(),
        ],
        None => vec![format!("{name} = {value}")],
    };
    let mut edit = insert_before_close(text(inv, *file), *file, *span, &lines)?;
    if nested.is_none() {
        let indent = edit.text.trim_start_matches('\n');
        let indent = indent[..indent.len() - indent.trim_start().len()].to_string();
        edit.attribute = Some(super::Attribute {
            name: name.to_string(),
            value: value.to_string(),
            indent,
            blank_before: edit.text.starts_with('\n'),
        });
    }
    let what = match nested {
        Some(kind) => format!("add `{kind} {{ {name} = {value} }}`"),
        None => format!("add `{name} = {value}`"),
    };
    Ok(Fix {
        description: format!("{what} in {}", display(inv, *file)),
        safety: Safety::Safe,
        edits: vec![edit],
    })
}

/// Safe when every variable and local on the way is used once in its module, so the
/// edit changes nothing but this setting.
fn review(inv: &Inventory, at: Option<&Origin>, source: &[Step]) -> Safety {
    let mut module_of = match at {
        Some(Origin::File { file, .. }) => Some(*file),
        _ => None,
    };
    for step in source {
        let step_file = match &step.origin {
            Some(Origin::File { file, .. }) => Some(*file),
            _ => None,
        };
        let (reference, module) = match step.kind {
            // The variable is declared (and used) where its default is written.
            StepKind::VariableDefault => (format!("var.{}", step.name), step_file),
            // The variable is used in the module this hop leads from.
            StepKind::ModuleArgument | StepKind::Tfvars => {
                (format!("var.{}", step.name), module_of)
            }
            StepKind::Local => (format!("local.{}", step.name), step_file),
            // A file other units include too: the edit changes them all.
            StepKind::TerragruntInput { shared_by } if shared_by > 1 => {
                return Safety::NeedsReview(format!(
                    "`{}` is set in {}, which {shared_by} Terragrunt units read, so changing it changes them all",
                    step.name,
                    step_file.map_or("", |f| display(inv, f))
                ));
            }
            _ => {
                module_of = step_file;
                continue;
            }
        };
        // A module's default is every root's that runs the module (Terragrunt units
        // sourcing it, roots calling it): changing it changes them all.
        if step.kind == StepKind::VariableDefault
            && let Some(file) = step_file
        {
            let roots = roots_beside(inv, file);
            if roots.len() > 1 {
                return Safety::NeedsReview(format!(
                    "the default of `{reference}` in {} is used by {} roots ({}), so changing it changes them all; a Terragrunt unit can set it in its own `inputs` instead",
                    display(inv, file),
                    roots.len(),
                    roots.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
                        + if roots.len() > 3 { ", ..." } else { "" }
                ));
            }
        }
        if let Some(module) = module {
            let uses = count_in_module(inv, module, &reference);
            if uses > 1 {
                return Safety::NeedsReview(format!(
                    "`{reference}` is used {uses} times in {}, so changing it changes more than this setting",
                    directory(display(inv, module))
                ));
            }
        }
        module_of = step_file;
    }
    Safety::Safe
}

/// The roots with an item written in the directory of `file`.
fn roots_beside(inv: &Inventory, file: FileId) -> std::collections::BTreeSet<&str> {
    let beside = inv.files_beside(file);
    inv.metas()
        .filter(|m| match &m.origin {
            Some(Origin::File { file, .. }) => beside.contains(file),
            _ => false,
        })
        .map(|m| m.root.as_str())
        .collect()
}

fn directory(display: &str) -> &str {
    display.rsplit_once('/').map_or(".", |(d, _)| d)
}

/// Uses of `reference` (`var.x`) in the configuration files of the module holding `file`.
fn count_in_module(inv: &Inventory, file: FileId, reference: &str) -> usize {
    inv.files_beside(file)
        .iter()
        .map(|id| &inv.files[id.0 as usize])
        .filter(|f| {
            let name = f.path.to_string_lossy();
            [".tf", ".tf.json", ".tofu", ".tofu.json"]
                .iter()
                .any(|ext| name.ends_with(ext))
        })
        .map(|f| count_references(&f.text, reference))
        .sum()
}

/// Occurrences of `reference` not followed by more of an identifier.
pub(super) fn count_references(text: &str, reference: &str) -> usize {
    text.match_indices(reference)
        .filter(|(i, _)| {
            let before = text[..*i].chars().next_back();
            let after = text[i + reference.len()..].chars().next();
            let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
            !before.is_some_and(|c| ident(c) || c == '.') && !after.is_some_and(ident)
        })
        .count()
}

/// Inserts lines into a block just before its closing brace, indented one level deeper
/// than the brace, after a blank line when the line above is not blank (so `terraform
/// fmt` aligns nothing differently).
fn insert_before_close(
    text: &str,
    file: FileId,
    block: Span,
    lines: &[String],
) -> Result<Edit, String> {
    let close = (block.end as usize)
        .checked_sub(1)
        .filter(|&i| text.as_bytes().get(i) == Some(&b'}'));
    let Some(close) = close else {
        return Err("the block's closing brace was not found where it was parsed".into());
    };
    let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
    let brace_indent = &text[line_start..close];
    if !brace_indent.trim().is_empty() || line_start <= block.start as usize {
        return Err("the block closes on a line with other content; add it by hand".into());
    }
    let above = text[..line_start.saturating_sub(1)]
        .rsplit('\n')
        .next()
        .unwrap_or("");
    let blank = if above.trim().is_empty() || above.trim_end().ends_with('{') {
        ""
    } else {
        "\n"
    };
    let body: String = lines
        .iter()
        .map(|l| format!("{brace_indent}  {l}\n"))
        .collect();
    Ok(Edit {
        file,
        span: Span::new(line_start..line_start),
        text: format!("{blank}{body}"),
        attribute: None,
    })
}

/// A new `aws_iam_role_policy_attachment` of AWSXRayDaemonWriteAccess right after the
/// role, for each of its instances, partition-aware when the file uses `aws_partition`.
fn attach(inv: &Inventory, role: &Meta) -> Result<Fix, String> {
    let Some(Origin::File { file, span }) = role.block.clone() else {
        return Err("the role is not in a file".into());
    };
    editable(inv, file)?;
    let text = text(inv, file);
    let header = match &role.origin {
        Some(Origin::File { span, .. }) => text.get(span.range()).unwrap_or(""),
        _ => "",
    };
    let label = header
        .rsplit('"')
        .nth(1)
        .filter(|_| header.contains("\"aws_iam_role\""))
        .ok_or("the role's block header could not be read")?;
    if text.as_bytes().get(span.end as usize - 1) != Some(&b'}') {
        return Err("the role block's end was not found where it was parsed".into());
    }
    let reference = format!("aws_iam_role.{label}");
    let (meta_args, role_ref) = if role.address.ends_with("\"]") {
        (
            format!("  for_each = {reference}\n\n"),
            "each.value.name".to_string(),
        )
    } else if role.address.ends_with(']') {
        (
            format!("  count = length({reference})\n\n"),
            format!("{reference}[count.index].name"),
        )
    } else {
        (String::new(), format!("{reference}.name"))
    };
    let partition = partition_label(text)
        .map(|p| {
            format!(
                "arn:${{data.aws_partition.{p}.partition}}:iam::aws:policy/AWSXRayDaemonWriteAccess"
            )
        })
        .unwrap_or_else(|| crate::iam::WRITE_POLICY_ARN.to_string());
    let mut name = format!("{label}_xray_write");
    let mut n = 2;
    while text.contains(&format!("\"aws_iam_role_policy_attachment\" \"{name}\"")) {
        name = format!("{label}_xray_write_{n}");
        n += 1;
    }
    let resource = format!(
        "\n\nresource \"aws_iam_role_policy_attachment\" \"{name}\" {{\n{meta_args}  role       = {role_ref}\n  policy_arn = \"{partition}\"\n}}"
    );
    Ok(Fix {
        description: format!(
            "attach AWSXRayDaemonWriteAccess to `{}` with a new aws_iam_role_policy_attachment.{name} in {}",
            role.address,
            display(inv, file)
        ),
        safety: Safety::Safe,
        edits: vec![Edit {
            file,
            span: Span::new(span.end as usize..span.end as usize),
            text: resource,
            attribute: None,
        }],
    })
}

/// AWSXRayDaemonWriteAccess added to an exclusive list of a role's managed policies, as
/// one more element in the list's own style: on its line for a list on one line, else on
/// a line of its own indented like the last element, with a trailing comma when the list
/// has one; partition-aware when the list is. A list that is not written out as a list
/// (a variable, `concat(...)`) needs a person, told what to change.
fn add_to_list(inv: &Inventory, list: &str, at: Option<&Origin>) -> Result<Fix, String> {
    let arn = crate::iam::WRITE_POLICY_ARN;
    let by_hand = |why: &str| {
        Err(format!(
            "needs review: {list} {why}; add \"{arn}\" to the list it makes (not as a separate attachment: Terraform detaches any policy an exclusive list leaves out)"
        ))
    };
    let Some(Origin::File { file, span }) = at else {
        return by_hand("is not written in a file");
    };
    editable(inv, *file)?;
    let text = text(inv, *file);
    let attribute = text.get(span.range()).unwrap_or("");
    let Some(eq) = attribute.find('=') else {
        return by_hand("is not written as an argument");
    };
    let value = &attribute[eq + 1..];
    let start = span.start as usize + eq + 1 + (value.len() - value.trim_start().len());
    let value = value.trim();
    let elements = match crate::source::terraform::parse::parse_expr(value) {
        Ok(Expr {
            kind: ExprKind::Tuple(elements),
            ..
        }) if value.starts_with('[') && value.ends_with(']') => elements,
        _ => {
            let shown: String = value.split_whitespace().collect::<Vec<_>>().join(" ");
            return by_hand(&format!("is `{shown}`, not a list written out"));
        }
    };
    let close = start + value.len() - 1;
    let partition = partition_label(value).or(if elements.is_empty() {
        partition_label(text)
    } else {
        None
    });
    let element = match partition {
        Some(p) => format!(
            "\"arn:${{data.aws_partition.{p}.partition}}:iam::aws:policy/AWSXRayDaemonWriteAccess\""
        ),
        None => format!("\"{arn}\""),
    };
    let insert = |at: usize, text: String| Edit {
        file: *file,
        span: Span::new(at..at),
        text,
        attribute: None,
    };
    let edits = match elements.last() {
        None if value[1..value.len() - 1].trim().is_empty() => vec![Edit {
            file: *file,
            span: Span::new(start..close + 1),
            text: format!("[{element}]"),
            attribute: None,
        }],
        None => return by_hand("is an empty list with comments in it"),
        Some(last) => {
            let last_start = start + last.span.start as usize;
            let last_end = start + last.span.end as usize;
            let tail = &text[last_end..close];
            let comma = tail
                .trim_start()
                .starts_with(',')
                .then(|| last_end + tail.len() - tail.trim_start().len());
            let after = comma.map_or(last_end, |c| c + 1);
            let line_start = text[..last_start].rfind('\n').map_or(0, |i| i + 1);
            let own_line = line_start > start;
            match text[after..close].find('\n') {
                Some(nl) if own_line => {
                    let indent: String = text[line_start..]
                        .chars()
                        .take_while(|c| *c == ' ' || *c == '\t')
                        .collect();
                    let line = insert(
                        after + nl + 1,
                        format!(
                            "{indent}{element}{}\n",
                            if comma.is_some() { "," } else { "" }
                        ),
                    );
                    match comma {
                        Some(_) => vec![line],
                        None => vec![insert(last_end, ",".into()), line],
                    }
                }
                _ => match comma {
                    Some(c) => vec![insert(c + 1, format!(" {element},"))],
                    None => vec![insert(last_end, format!(", {element}"))],
                },
            }
        }
    };
    Ok(Fix {
        description: format!(
            "add AWSXRayDaemonWriteAccess to {list} in {}",
            display(inv, *file)
        ),
        safety: Safety::Safe,
        edits,
    })
}

/// The label of a `data "aws_partition"` the file already declares or references.
fn partition_label(text: &str) -> Option<&str> {
    let ident = |rest: &str| -> Option<usize> {
        rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    };
    if let Some(at) = text.find("data \"aws_partition\" \"") {
        let rest = &text[at + "data \"aws_partition\" \"".len()..];
        return rest
            .find('"')
            .map(|end| &rest[..end])
            .filter(|l| !l.is_empty());
    }
    let at = text.find("data.aws_partition.")? + "data.aws_partition.".len();
    let rest = &text[at..];
    Some(&rest[..ident(rest)?]).filter(|l| !l.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_counted_whole() {
        let t = "a = var.mode\nb = var.mode_2\nc = \"${var.mode}\"\nd = x.var.mode\n";
        assert_eq!(count_references(t, "var.mode"), 2);
    }

    #[test]
    fn inserts_go_before_the_brace_after_a_blank_line() {
        let t = "resource \"x\" \"y\" {\n  a = 1\n}\n";
        let e = insert_before_close(
            t,
            FileId(0),
            Span::new(0..t.len() - 1),
            &["b = true".into()],
        )
        .unwrap();
        let mut out = t.to_string();
        out.insert_str(e.span.start as usize, &e.text);
        assert_eq!(out, "resource \"x\" \"y\" {\n  a = 1\n\n  b = true\n}\n");
        let one_line = "resource \"x\" \"y\" {}\n";
        assert!(
            insert_before_close(
                one_line,
                FileId(0),
                Span::new(0..one_line.len() - 1),
                &["b = 1".into()]
            )
            .is_err()
        );
    }

    #[test]
    fn partition_labels() {
        assert_eq!(
            partition_label("x = \"arn:${data.aws_partition.current.partition}:iam\""),
            Some("current")
        );
        assert_eq!(
            partition_label("data \"aws_partition\" \"this\" {}"),
            Some("this")
        );
        assert_eq!(partition_label("nothing"), None);
    }
}
