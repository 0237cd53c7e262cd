//! IAM policy documents: parsed (strictly, then leniently), evaluated for X-Ray's write
//! and sampling actions alone and under themselves as a permissions boundary, the
//! decision explained; and the wildcard match IAM uses (`text::glob`) over the input's
//! first two lines.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xray_setup::iam::{self, Document, PolicyDocument, Source};
use xray_setup::text;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.splitn(3, '\n');
    if let (Some(pattern), Some(action)) = (lines.next(), lines.next()) {
        let _ = text::glob(pattern, action);
    }
    let Ok((doc, _)) = PolicyDocument::parse(text) else {
        return;
    };
    let known = Source {
        label: "fuzzed".into(),
        origin: None,
        document: Document::Known(doc),
    };
    let unknown = Source {
        label: "unknown".into(),
        origin: None,
        document: Document::Unknown("known after apply".into()),
    };
    let policies = [known.clone(), unknown];
    for actions in [iam::WRITE_ACTIONS, iam::SAMPLING_ACTIONS] {
        for action in actions {
            for (set, boundary) in [
                (&policies[..1], None),
                (&policies[..], None),
                (&policies[..1], Some(&known)),
            ] {
                let decision = iam::decide(action, set, boundary);
                let _ = iam::explain(&decision, action);
            }
        }
    }
});
