//! The one skeleton every typed RPC shares: log it, run the provider's code
//! catching panics, and answer failures with diagnostics.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::task::Poll;
use std::time::Instant;

use tonic::{Response, Status};

use super::convert::{diags_to_proto, encode};
use crate::tfplugin::diag::{has_errors, Diagnostic};
use crate::tfplugin::logging::{self, Level};
use crate::tfplugin::proto;
use crate::tfplugin::value::{Type, Value};

/// Logs the RPC with its duration when dropped.
pub struct RpcLog {
    rpc: &'static str,
    resource: String,
    start: Instant,
}

impl RpcLog {
    /// Starts the log of one RPC (a trace line when asked for).
    pub fn new(rpc: &'static str, resource: &str) -> Self {
        if logging::enabled(Level::Trace) {
            logging::log(
                Level::Trace,
                "Received request",
                &[("tf_rpc", &rpc), ("tf_resource_type", &resource)],
            );
        }
        RpcLog {
            rpc,
            resource: resource.to_string(),
            start: Instant::now(),
        }
    }
}

impl Drop for RpcLog {
    fn drop(&mut self) {
        if logging::enabled(Level::Debug) {
            let ms = format!("{:.3}", self.start.elapsed().as_secs_f64() * 1000.0);
            logging::log(
                Level::Debug,
                "Served request",
                &[
                    ("tf_rpc", &self.rpc),
                    ("tf_resource_type", &self.resource),
                    ("tf_req_duration_ms", &ms),
                ],
            );
        }
    }
}

/// Runs provider code inline, so a panic becomes a diagnostic instead of a
/// reset stream. Inline, not on a task of its own: the hop to another
/// worker thread and back cost more CPU than a whole plan.
pub async fn run_inline<T, F>(rpc: &'static str, fut: F) -> Result<T, Diagnostic>
where
    F: Future<Output = T>,
{
    let mut fut = std::pin::pin!(fut);
    let polled = std::future::poll_fn(|cx| {
        match std::panic::catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(p) => Poll::Ready(Err(p)),
        }
    })
    .await;
    polled.map_err(|p| internal_error(rpc, panic_detail(p)))
}

/// Like [`run_inline`], on a task of its own: an apply runs to its end (and
/// its API calls with it) even if Terraform abandons the call.
pub async fn run_on_task<T, F>(rpc: &'static str, fut: F) -> Result<T, Diagnostic>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    match tokio::spawn(fut).await {
        Ok(v) => Ok(v),
        Err(e) if e.is_panic() => Err(internal_error(rpc, panic_detail(e.into_panic()))),
        Err(_) => Err(internal_error(rpc, "task cancelled".into())),
    }
}

fn panic_detail(p: Box<dyn Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

fn internal_error(rpc: &'static str, detail: String) -> Diagnostic {
    logging::log(
        Level::Error,
        "Internal error",
        &[("tf_rpc", &rpc), ("error", &detail)],
    );
    Diagnostic::error(
        "Internal provider error",
        format!(
            "The provider failed while handling {rpc}: {detail}. No further change was made by this call; please report this bug."
        ),
    )
}

/// What every tfplugin6 RPC method returns.
pub type RpcResult<T> = Result<Response<T>, Status>;

/// Runs one RPC: `body` decodes, calls the provider and builds the answer;
/// when it fails, `fail` builds the answer that carries its diagnostics.
pub async fn handle<Resp>(
    rpc: &'static str,
    type_name: &str,
    body: impl Future<Output = Result<Resp, Vec<Diagnostic>>>,
    fail: impl FnOnce(Vec<proto::Diagnostic>) -> Resp,
) -> RpcResult<Resp> {
    let _log = RpcLog::new(rpc, type_name);
    Ok(Response::new(match body.await {
        Ok(r) => r,
        Err(diags) => fail(diags_to_proto(&diags)),
    }))
}

/// The provider's diagnostics as a failure when any is an error.
pub fn fail_on_errors(diags: Vec<Diagnostic>) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    if has_errors(&diags) {
        Err(diags)
    } else {
        Ok(diags)
    }
}

/// Encodes a result value; on failure the error joins `diags`.
pub fn encode_or_fail(
    v: &Value,
    ty: &Type,
    diags: &mut Vec<Diagnostic>,
) -> Result<proto::DynamicValue, Vec<Diagnostic>> {
    encode(v, ty).map_err(|d| {
        diags.push(d);
        std::mem::take(diags)
    })
}
