//! Calls and retries across every account a run reaches, for the progress bar: an
//! Organization takes minutes, and its reader wants to see the calls go by and the
//! retries AWS's throttling costs.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Default)]
pub struct Tally {
    calls: AtomicUsize,
    retries: AtomicUsize,
}

impl Tally {
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::Relaxed)
    }

    /// Attempts after a call's first: throttled or failed calls the SDK tried again.
    pub fn retries(&self) -> usize {
        self.retries.load(Ordering::Relaxed)
    }

    pub(super) fn call(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }
}

/// An interceptor on every client that counts retries into the tally.
#[derive(Debug, Clone)]
pub(super) struct CountRetries(pub Arc<Tally>);

impl Intercept for CountRetries {
    fn name(&self) -> &'static str {
        "xray-setup-count-retries"
    }

    fn read_before_attempt(
        &self,
        _: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if cfg
            .load::<RequestAttempts>()
            .is_some_and(|a| a.attempts() > 1)
        {
            self.0.retries.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}
