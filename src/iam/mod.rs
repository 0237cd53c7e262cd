//! IAM as X-Ray needs it: policy documents in every spelling, what reaches a role, and
//! whether it lets the role write traces and read sampling rules.

pub mod document;
pub mod evaluate;
pub mod managed;
pub mod roles;
pub mod write_access;

pub use document::PolicyDocument;
pub use evaluate::{Cite, Decision, Document, Source, decide};
pub use roles::{ExclusiveList, FunctionRole, Graph, Omitted, PolicyKind, RoleAccess};
pub use write_access::{Explanation, WriteAccess, explain, lost_grant, write_access};

/// What a function's role needs to record traces.
pub const WRITE_ACTIONS: [&str; 2] = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"];

/// What X-Ray SDKs need for centralized sampling.
pub const SAMPLING_ACTIONS: [&str; 2] = ["xray:GetSamplingRules", "xray:GetSamplingTargets"];

/// The managed policy that grants both, which fixes attach.
pub const WRITE_POLICY_ARN: &str = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess";
