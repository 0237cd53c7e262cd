//! A tracing switch (a REST stage's `xray_tracing_enabled`, a state machine's
//! `tracing_configuration.enabled`) declared against the live one: XR301 when tracing is
//! off in the account and the code turns it on, XR304 when the account has it on and the
//! next apply turns it off. The remedy writes the account's value into the code.

use super::Drift;
use crate::finding::Remedy;
use crate::model::{Field, Meta, Setting};
use crate::rules;

pub(super) struct Flag {
    /// The argument: `xray_tracing_enabled`, or `enabled` inside `nested`.
    pub argument: &'static str,
    pub nested: Option<&'static str>,
    /// How messages name the item: "the stage".
    pub what: &'static str,
}

impl Flag {
    fn label(&self) -> String {
        match self.nested {
            Some(block) => format!("{block}.{}", self.argument),
            None => self.argument.to_string(),
        }
    }

    /// Reports a difference; the declared value when there is one to put back.
    pub fn compare(
        &self,
        d: &mut Drift,
        meta: &Meta,
        setting: &Setting<bool>,
        live_meta: &Meta,
        live: &Setting<bool>,
    ) -> Option<bool> {
        let &actual = live.value.known()?;
        let label = self.label();
        let (declared, shown) = match &setting.value {
            Field::Known(b) => (*b, b.to_string()),
            Field::Unset => (false, format!("false ({label} not set)")),
            Field::Unknown(u) => {
                let note = rules::unknown_setting(meta, setting.at.as_ref(), &label, u);
                d.out.findings.push(note);
                return None;
            }
            Field::Invalid(_) => return None,
        };
        if declared == actual {
            return None;
        }
        let (what, arn) = (self.what, &live_meta.address);
        let (rule, message) = if actual {
            (
                &rules::APPLY_REVERTS,
                format!(
                    "{what} has tracing on in the account ({arn}); the code declares {label} = {shown}, so the next terraform apply turns tracing off"
                ),
            )
        } else {
            (
                &rules::TRACING_DRIFT,
                format!(
                    "the code declares {label} = {shown}; {what} has tracing off in the account ({arn}); the next terraform apply turns it back on"
                ),
            )
        };
        let finding = d.on_declared(rule, meta, setting.at.as_ref(), Some(live_meta), message);
        finding.drift = Some(crate::finding::Drift {
            declared: declared.to_string(),
            actual: actual.to_string(),
        });
        finding.remedy = Some(Remedy::Set {
            name: self.argument,
            value: if actual { "true" } else { "false" }.into(),
            at: setting.at.clone(),
            source: setting.source.clone(),
            block: meta.block.clone(),
            nested: self.nested,
        });
        Some(declared)
    }
}
