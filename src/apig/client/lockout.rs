//! The credential lockout rule, process-wide and per credential set: the
//! first authenticated request goes alone; once it is answered without a
//! 401 the rest follow; after the first 401 (wrong password, signature,
//! token, agency) nothing more is sent with those credentials, so that a
//! run over many resources cannot lock the account or the key (the API
//! locks an access key after five bad signatures).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};
use tokio::sync::Notify;

use super::errors::{api_error, ApiError};
use super::transport::{Answer, Failure};

#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    /// Nobody proved the credentials yet; `probing` while one request is
    /// out doing so.
    Unproven {
        probing: bool,
    },
    Accepted,
    /// The message every later request gets instead of being sent.
    Refused(String),
}

/// The gate of one credential set. Shared by every client (APIG and IAM)
/// of the process that uses that set.
pub struct AuthGate {
    /// The credential kind and where it came from, for messages:
    /// "the secret key from the environment variable HW_SECRET_KEY".
    what: String,
    state: Mutex<State>,
    changed: Notify,
}

impl fmt::Debug for AuthGate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthGate")
            .field("what", &self.what)
            .finish_non_exhaustive()
    }
}

/// Leave to send one request; say what came back with [`Turn::answered`].
/// Dropped unanswered (no answer, cancelled), it lets the next request
/// try.
pub struct Turn {
    gate: Arc<AuthGate>,
    probe: bool,
}

impl AuthGate {
    /// The process-wide gate of the credential set made of `secrets` (the
    /// values identify the set; only their hash is kept). `what` names the
    /// kind and its source.
    pub fn for_credentials(secrets: &[&str], what: impl Into<String>) -> Arc<AuthGate> {
        static GATES: OnceLock<Mutex<HashMap<[u8; 32], Arc<AuthGate>>>> = OnceLock::new();
        let mut h = Sha256::new();
        for s in secrets {
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        }
        let key: [u8; 32] = h.finalize().into();
        let mut gates = GATES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        gates
            .entry(key)
            .or_insert_with(|| Arc::new(AuthGate::new(what)))
            .clone()
    }

    /// A gate of its own (tests).
    pub fn new(what: impl Into<String>) -> AuthGate {
        AuthGate {
            what: what.into(),
            state: Mutex::new(State::Unproven { probing: false }),
            changed: Notify::new(),
        }
    }

    pub fn what(&self) -> &str {
        &self.what
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for leave to send: at once when the credentials were
    /// accepted, after the probe otherwise. `Err` with the message to show
    /// when they were refused.
    pub async fn enter(self: &Arc<Self>) -> Result<Turn, String> {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut state = self.state();
                match &*state {
                    State::Accepted => {
                        return Ok(Turn {
                            gate: self.clone(),
                            probe: false,
                        })
                    }
                    State::Refused(m) => return Err(m.clone()),
                    State::Unproven { probing: false } => {
                        *state = State::Unproven { probing: true };
                        return Ok(Turn {
                            gate: self.clone(),
                            probe: true,
                        });
                    }
                    State::Unproven { probing: true } => {}
                }
            }
            notified.await;
        }
    }

    fn settle(&self, to: State) {
        let mut state = self.state();
        match (&*state, &to) {
            // The first refusal wins; nothing undoes it.
            (State::Refused(_), _) => {}
            (_, State::Refused(_)) | (State::Unproven { .. }, _) => *state = to,
            _ => {}
        }
        drop(state);
        self.changed.notify_waiters();
    }

    /// The message for the requests not sent after a refusal.
    fn refusal(&self, service: &str, detail: &str) -> String {
        format!(
            "not sent: {} was refused by {service} earlier in this run ({detail}). The provider sends nothing more with these credentials, so that repeated failures cannot lock the account or the key; correct them and run again.",
            self.what,
        )
    }
}

impl Turn {
    /// The answer's status: 401 refuses the credentials for the rest of
    /// the process, any other answer but 429 and 5xx proves them.
    pub fn answered(self, service: &str, status: u16, detail: &str) {
        let gate = self.gate.clone();
        match status {
            401 => gate.settle(State::Refused(gate.refusal(service, detail))),
            429 | 500..=599 => {} // dropped below: the next one tries
            _ => gate.settle(State::Accepted),
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if self.probe {
            let mut state = self.gate.state();
            if *state == (State::Unproven { probing: true }) {
                *state = State::Unproven { probing: false };
            }
            drop(state);
            self.gate.changed.notify_waiters();
        }
    }
}

impl super::Client {
    /// Leave to send one attempt, or the failure of a refused set.
    pub(super) async fn gate_enter(&self) -> Result<Option<Turn>, Failure> {
        let Some(gate) = &self.gate else {
            return Ok(None);
        };
        gate.enter().await.map(Some).map_err(|message| Failure {
            message,
            committed: false,
            retryable: false,
            timed_out: false,
        })
    }

    /// Tells the gate what came back.
    pub(super) fn gate_answered(&self, turn: Option<Turn>, answer: &Answer) {
        if let Some(turn) = turn {
            let status = answer.status.as_u16();
            let detail = match api_error(answer, &self.secrets()).code() {
                Some(code) => format!("HTTP {status} {code}"),
                None => format!("HTTP {status}"),
            };
            turn.answered("API Gateway", status, &detail);
        }
    }

    /// A 401 says which credentials were refused and that no more
    /// requests go out with them.
    pub(super) fn name_refused(&self, err: ApiError) -> ApiError {
        match (err, &self.gate) {
            (
                ApiError::Api {
                    status: 401,
                    code,
                    message,
                    request_id,
                },
                Some(gate),
            ) => ApiError::Api {
                status: 401,
                code,
                message: format!(
                    "{message} (refused: {}; nothing more is sent with these credentials in this run, so that repeated failures cannot lock the account or the key)",
                    gate.what()
                ),
                request_id,
            },
            (err, _) => err,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_probe_then_all_or_nothing() {
        let gate = Arc::new(AuthGate::new(
            "the token from the provider argument `token`",
        ));
        let first = gate.enter().await.unwrap();
        // A second request waits while the first is out.
        let g = gate.clone();
        let waiting = tokio::spawn(async move { g.enter().await.map(|_| ()) });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        // No answer: the waiting one becomes the probe.
        drop(first);
        let second = tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
            .await
            .unwrap()
            .unwrap();
        assert!(second.is_ok());
        let probe = gate.enter().await.unwrap();
        probe.answered("API Gateway", 401, "HTTP 401 APIG.1002");
        for _ in 0..3 {
            let e = gate.enter().await.err().unwrap();
            assert!(
                e.contains("the token from the provider argument `token`"),
                "{e}"
            );
            assert!(
                e.contains("was refused by API Gateway earlier in this run (HTTP 401 APIG.1002)"),
                "{e}"
            );
        }
        // Accepted credentials let everyone through at once.
        let ok = Arc::new(AuthGate::new("x"));
        ok.enter().await.unwrap().answered("IAM", 201, "");
        let _a = ok.enter().await.unwrap();
        let _b = ok.enter().await.unwrap();
    }

    #[test]
    fn one_gate_per_credential_set() {
        let a = AuthGate::for_credentials(&["ak1", "sk1"], "a");
        let b = AuthGate::for_credentials(&["ak1", "sk1"], "b");
        let c = AuthGate::for_credentials(&["ak1", "sk2"], "c");
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
    }
}
