//! What can be wrong with a plan or state file; every message names the file.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{}: cannot read it: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Bytes that are not text in the encoding the file starts with.
    #[error("{}: {message}", path.display())]
    Encoding { path: PathBuf, message: String },
    /// Something around the JSON document other than the setup-terraform wrapper's lines.
    #[error("{}:{line}: {message}", path.display())]
    Surroundings {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}:{line}:{column}: not valid JSON: {message}", path.display())]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{}: format_version {version} is not supported: this version of xray-setup reads format_version 0.x and 1.x (Terraform 0.12 and later)",
        path.display()
    )]
    FormatVersion { path: PathBuf, version: String },
    #[error(
        "{}: a raw state of version {version} is not supported: this version of xray-setup reads version 4 (terraform.tfstate of Terraform 0.12 and later)",
        path.display()
    )]
    StateVersion { path: PathBuf, version: String },
    /// Valid JSON, but not a plan or a state Terraform writes.
    #[error("{}: {what}", path.display())]
    NotTerraform { path: PathBuf, what: String },
}
