//! The interrupt rule: when Terraform stops the provider (Ctrl-C), work not
//! yet sent is cancelled at once, but a request already sent is finished,
//! or resolved by a lookup, within a grace period, so that what it did is
//! recorded in state.

use std::time::Duration;

use tokio_util::sync::{CancellationToken, DropGuard};

use super::Client;

/// How long a sent create, update or delete may still take after an
/// interrupt before the provider stops waiting for its answer.
pub const SEND_GRACE: Duration = Duration::from_secs(4);
/// How long, after an interrupt, the provider keeps resolving what a sent
/// request did (a lookup by name, a read-back). Well under what a user
/// waits for before interrupting a second time.
pub const RESOLVE_GRACE: Duration = Duration::from_secs(8);

/// A client whose requests outlive the stop by a grace period; the watcher
/// behind it ends when this is dropped.
pub struct Shielded {
    pub client: Client,
    _done: DropGuard,
}

impl Client {
    /// True once Terraform stopped the provider: send nothing new.
    pub fn is_stopped(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Completes `grace` after the stop (never, without one).
    pub async fn stopped_for(&self, grace: Duration) {
        self.cancel.cancelled().await;
        tokio::time::sleep(grace).await;
    }

    /// A clone whose requests are cancelled only `grace` after this
    /// client's stop, for finishing what was already sent.
    pub fn shielded(&self, grace: Duration) -> Shielded {
        let stop = self.cancel.clone();
        let late = CancellationToken::new();
        let done = CancellationToken::new();
        let (fire, end) = (late.clone(), done.clone());
        tokio::spawn(async move {
            tokio::select! {
                _ = end.cancelled() => {}
                _ = async {
                    stop.cancelled().await;
                    tokio::time::sleep(grace).await;
                } => fire.cancel(),
            }
        });
        let mut client = self.clone();
        client.cancel = late;
        Shielded {
            client,
            _done: done.drop_guard(),
        }
    }
}
