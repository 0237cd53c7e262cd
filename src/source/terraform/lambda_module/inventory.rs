//! A `terraform-aws-modules/lambda/aws` call whose source is not on disk: the function it
//! creates and, when `create_role`, the role with the policies its inputs attach, as the
//! module's own `main.tf` and `iam.tf` do (terraform-aws-modules/terraform-aws-lambda):
//! `attach_tracing_policy` copies AWSXRayDaemonWriteAccess into an inline policy,
//! `attach_policy_statements` / `policy_statements`, `attach_policy_json(s)` /
//! `policy_json(s)` become inline policies, `attach_policy(ies)` / `policy(ies)` are
//! attached, and `role_permissions_boundary` bounds the role.

use super::super::cty::Value;
use super::super::eval::InstId;
use super::super::extract::{self, Extractor};
use super::{FUNCTION, ROLE, policy};
use crate::iam::{WRITE_POLICY_ARN, managed};
use crate::model::{
    Field, Function, LambdaModuleCall, Meta, Origin, PolicyAttachment, Reference, Role, RolePolicy,
    Setting,
};

/// An `attach_*` input: set, unset, or unknown (its setting, for the XR000 note).
enum Switch {
    On,
    Off,
    Unknown(Box<Setting<String>>),
}

impl Extractor<'_, '_> {
    pub(in crate::source::terraform) fn lambda_module(&mut self, id: InstId) {
        let Some((parent, call)) = self.ev.call_site(id) else {
            return;
        };
        let inst = self.ev.inst(id);
        let address = inst.address.clone();
        // An input whose expression Terraform refuses has an XR998 finding of its own;
        // here it counts as not set.
        let input = |name: &str| {
            self.ev
                .var(id, name, call.block.header)
                .unwrap_or_else(|_| Value::null())
        };
        let mut exists = true;
        for (name, want) in [
            ("create", true),
            ("putin_khuylo", true),
            ("create_function", true),
            ("create_layer", false),
        ] {
            match input(name) {
                v if !v.is_known() => {
                    let subject = format!("Whether `{address}` creates a function is not known");
                    let why = v.why().expect("an unknown has a reason");
                    self.unaudited(address.clone(), call.file, &call.block, &why, &subject);
                    return;
                }
                v => exists &= extract::boolean(&v).unwrap_or(want) == want,
            }
        }
        if !exists {
            return;
        }
        // A setting read from one of the call's arguments.
        let arg = |name: &str, value: &Value| -> Setting<String> {
            let written = call.block.body.attribute(name).map(|a| (&a.expr, a.span));
            let file = call.file_for(call.block.body.attribute(name));
            let mut s = self.setting(Some(value), None, written, file, parent, extract::text);
            if s.value == Field::Known(String::new()) {
                s.value = Field::Unset;
            }
            s
        };
        let at = |name: &str| {
            call.block
                .body
                .attribute(name)
                .map(|a| Origin::file(call.file_of(a), a.span))
        };
        let origin = Some(Origin::file(call.file, call.block.header));
        let meta = |resource: &str| Meta {
            address: format!("{address}.{resource}"),
            root: self.root.clone(),
            account: None,
            origin: origin.clone(),
            block: Some(Origin::file(call.file, call.block.span)),
            repeated: inst.representative.as_ref().map(|w| w.describe()),
            // What the module creates uses its default AWS provider configuration.
            region: Some(self.ev.resource_region(id, &Default::default(), None)),
        };
        let reference = |name: &str, value: &Value| -> Reference {
            let e = call.block.body.attribute(name).map(|a| &a.expr);
            match value {
                Value::Null(_) => Reference::Unset,
                Value::String(s) if s.is_empty() => Reference::Unset,
                v => self.to_reference(v, e, call.file_for(call.block.body.attribute(name))),
            }
        };

        let attach = arg("attach_tracing_policy", &input("attach_tracing_policy"));
        let create_role = extract::boolean(&input("create_role")).unwrap_or(true);
        let role_address = format!("{address}.{ROLE}");
        let role = if create_role {
            Reference::Address(role_address.clone())
        } else {
            reference("lambda_role", &input("lambda_role"))
        };
        let function = Function {
            meta: meta(FUNCTION),
            name: arg("function_name", &input("function_name")),
            tracing_mode: arg("tracing_mode", &input("tracing_mode")),
            role,
            role_at: at("lambda_role"),
            module_call: Some(LambdaModuleCall {
                address: address.clone(),
                attach_tracing_policy: Setting {
                    value: match &attach.value {
                        Field::Known(b) => Field::Known(b == "true"),
                        Field::Unset => Field::Known(false),
                        Field::Unknown(u) => Field::Unknown(u.clone()),
                        Field::Invalid(m) => Field::Invalid(m.clone()),
                    },
                    at: attach.at.clone(),
                    source: attach.source.clone(),
                },
            }),
        };
        if !create_role {
            self.out.functions.push(function);
            return;
        }

        // Inline policies and attachments, each only when its attach_* input says so; an
        // unknown switch yields an unknown policy rather than a guess.
        let mut inline: Vec<(String, Setting<String>)> = Vec::new();
        let mut attached: Vec<Reference> = Vec::new();
        let switch = |name: &str| match input(name) {
            v if !v.is_known() => Switch::Unknown(Box::new(arg(name, &v))),
            v if extract::boolean(&v).unwrap_or(false) => Switch::On,
            _ => Switch::Off,
        };
        match switch("attach_tracing_policy") {
            Switch::On => {
                let doc =
                    managed::document(WRITE_POLICY_ARN).expect("the write policy is in the table");
                let mut s = Setting::known(doc.to_string());
                s.at = at("attach_tracing_policy");
                inline.push(("aws_iam_role_policy.tracing[0]".into(), s));
            }
            Switch::Off => {}
            Switch::Unknown(unknown) => {
                inline.push(("aws_iam_role_policy.tracing[0]".into(), *unknown))
            }
        }
        match switch("attach_policy_statements") {
            Switch::On => {
                let doc = policy::policy_statements(&input("policy_statements"));
                inline.push((
                    "aws_iam_role_policy.additional_inline[0]".into(),
                    arg("policy_statements", &doc),
                ));
            }
            Switch::Off => {}
            Switch::Unknown(unknown) => {
                inline.push(("aws_iam_role_policy.additional_inline[0]".into(), *unknown))
            }
        }
        match switch("attach_policy_json") {
            Switch::On => inline.push((
                "aws_iam_role_policy.additional_json[0]".into(),
                arg("policy_json", &input("policy_json")),
            )),
            Switch::Off => {}
            Switch::Unknown(unknown) => {
                inline.push(("aws_iam_role_policy.additional_json[0]".into(), *unknown))
            }
        }
        match switch("attach_policy_jsons") {
            Switch::On => match input("policy_jsons") {
                docs if docs.items().is_some() => {
                    for (i, doc) in docs.items().unwrap_or_default().iter().enumerate() {
                        inline.push((
                            format!("aws_iam_role_policy.additional_jsons[{i}]"),
                            arg("policy_jsons", doc),
                        ));
                    }
                }
                other => inline.push((
                    "aws_iam_role_policy.additional_jsons[0]".into(),
                    arg("policy_jsons", &other),
                )),
            },
            Switch::Off => {}
            Switch::Unknown(unknown) => {
                inline.push(("aws_iam_role_policy.additional_jsons[0]".into(), *unknown))
            }
        }
        if let Switch::On = switch("attach_policy") {
            attached.push(reference("policy", &input("policy")));
        }
        if let Switch::On = switch("attach_policies") {
            let arns = input("policies");
            match arns.items() {
                Some(items) => attached.extend(items.iter().map(|a| reference("policies", a))),
                None => attached.push(reference("policies", &arns)),
            }
        }

        let role = Role {
            meta: meta(ROLE),
            created_by: Some(address.clone()),
            name: arg("role_name", &input("role_name")),
            inline_policies: Vec::new(),
            inline_policies_exclusive: None,
            managed_policy_arns: Vec::new(),
            managed_policy_arns_exclusive: None,
            permissions_boundary: reference(
                "role_permissions_boundary",
                &input("role_permissions_boundary"),
            ),
        };
        let role_policies: Vec<RolePolicy> = inline
            .into_iter()
            .map(|(resource, policy)| RolePolicy {
                meta: meta(&resource),
                name: Setting::unset(),
                role: Reference::Address(role_address.clone()),
                policy,
            })
            .collect();
        let attachments: Vec<PolicyAttachment> = attached
            .into_iter()
            .enumerate()
            .map(|(i, policy_arn)| PolicyAttachment {
                meta: meta(&format!(
                    "aws_iam_role_policy_attachment.additional_many[{i}]"
                )),
                roles: vec![Reference::Address(role_address.clone())],
                policy_arn,
            })
            .collect();
        self.out.functions.push(function);
        self.out.roles.push(role);
        self.out.role_policies.extend(role_policies);
        self.out.attachments.extend(attachments);
    }
}
