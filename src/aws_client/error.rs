//! Why a call to AWS failed, for reads and writes alike.

use aws_sdk_iam::error::ProvideErrorMetadata;

/// Why a call failed, after the SDK's retries.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The caller lacks the permission.
    Denied {
        operation: &'static str,
        message: String,
    },
    /// Anything else: a timeout, the service failing, no credentials.
    Failed {
        operation: &'static str,
        message: String,
    },
}

impl ApiError {
    pub fn operation(&self) -> &'static str {
        match self {
            ApiError::Denied { operation, .. } | ApiError::Failed { operation, .. } => operation,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            ApiError::Denied { message, .. } | ApiError::Failed { message, .. } => message,
        }
    }

    /// From an SDK error, telling a missing permission apart.
    pub(crate) fn from_sdk<E, R>(
        operation: &'static str,
        e: aws_smithy_runtime_api::client::result::SdkError<E, R>,
    ) -> ApiError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let code = e.code().unwrap_or("").to_string();
        let message = match e.message() {
            Some(m) => format!("{code}: {m}"),
            None => aws_smithy_types::error::display::DisplayErrorContext(&e).to_string(),
        };
        if code.contains("AccessDenied")
            || code == "UnauthorizedOperation"
            || code == "ForbiddenException"
        {
            ApiError::Denied { operation, message }
        } else {
            ApiError::Failed { operation, message }
        }
    }
}

pub type Result<T> = std::result::Result<T, ApiError>;
