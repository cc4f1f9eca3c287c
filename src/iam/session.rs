//! One authenticated session: base credentials, an optional agency chain,
//! the tokens and temporary keys obtained from them (renewed before they
//! expire), and project IDs found by name (looked up once each; concurrent
//! callers wait on the one lookup).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use tokio::sync::{Mutex as AsyncMutex, OnceCell};

use super::client::{unix_now, IamClient, IamError, IssuedToken, TemporaryKeys};
use super::models::{Domain, Scope, User};
use crate::apig::client::Credentials;
use crate::apig::source::CredentialSource;

/// What the user holds.
#[derive(Clone)]
pub enum Base {
    /// A token or an access key pair, used as is.
    Static(Credentials),
    /// Exchanged for project-scoped tokens.
    Password { user: User, password: String },
}

impl fmt::Debug for Base {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Base::Static(c) => f.debug_tuple("Static").field(c).finish(),
            Base::Password { .. } => f.write_str("Password { .. }"),
        }
    }
}

/// One link of an agency chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agency {
    pub agency_name: String,
    pub domain: Domain,
    pub duration: i64,
}

/// Why no project ID could be found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiscoveryError {
    NotFound { name: String },
    Several { name: String, ids: Vec<String> },
    NoPermission { name: String, message: String },
    Failed { name: String, error: IamError },
}

impl fmt::Display for DiscoveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiscoveryError::NotFound { name } => write!(f, "IAM knows no project named {name:?}"),
            DiscoveryError::Several { name, ids } => {
                write!(
                    f,
                    "IAM has {} projects named {name:?} ({})",
                    ids.len(),
                    ids.join(", ")
                )
            }
            DiscoveryError::NoPermission { name, message } => write!(
                f,
                "the credentials may not list IAM projects (looking for {name:?}): {message}"
            ),
            DiscoveryError::Failed { name, error } => {
                write!(f, "looking up the project {name:?} failed: {error}")
            }
        }
    }
}

#[derive(Clone)]
struct Held<T> {
    value: T,
    obtained_at: i64,
    expires_at: i64,
}

impl<T> Held<T> {
    /// Renewed once less than a quarter of its life (at most 10 minutes)
    /// is left, so that no request goes out with an expiring credential.
    fn fresh(&self, now: i64) -> bool {
        let margin = ((self.expires_at - self.obtained_at)
            .max(0)
            .saturating_add(3)
            / 4)
        .min(600);
        now < self.expires_at - margin
    }
}

type Slot<T> = Arc<AsyncMutex<Option<Held<T>>>>;
type Lookup = Arc<OnceCell<Result<String, DiscoveryError>>>;

pub struct Session {
    iam: IamClient,
    base: Base,
    chain: Vec<Agency>,
    /// Project name the base token is scoped to when it only serves to
    /// assume the first agency.
    base_scope: String,
    tokens: Mutex<HashMap<Scope, Slot<String>>>,
    keys: Slot<Credentials>,
    projects: Mutex<HashMap<String, Lookup>>,
    secrets: Mutex<Vec<String>>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("iam", &self.iam)
            .field("base", &self.base)
            .field("chain", &self.chain)
            .finish_non_exhaustive()
    }
}

impl Session {
    pub fn new(iam: IamClient, base: Base, chain: Vec<Agency>, base_scope: String) -> Self {
        let mut secrets = Vec::new();
        match &base {
            Base::Static(Credentials::Token(t)) => secrets.push(t.clone()),
            Base::Static(Credentials::AkSk {
                sk, security_token, ..
            }) => {
                secrets.push(sk.clone());
                secrets.extend(security_token.iter().cloned());
            }
            Base::Password { password, .. } => secrets.push(password.clone()),
        }
        Session {
            iam,
            base,
            chain,
            base_scope,
            tokens: Mutex::new(HashMap::new()),
            keys: Arc::new(AsyncMutex::new(None)),
            projects: Mutex::new(HashMap::new()),
            secrets: Mutex::new(secrets),
        }
    }

    /// True when requests need nothing from IAM.
    pub fn is_static(&self) -> bool {
        matches!(self.base, Base::Static(_)) && self.chain.is_empty()
    }

    fn remember(&self, secret: &str) {
        if let Ok(mut s) = self.secrets.lock() {
            if !s.iter().any(|x| x == secret) {
                s.push(secret.to_string());
            }
        }
    }

    /// The ID of the project named `name` (in the assumed account when
    /// there is an agency chain). Looked up once per name; a failure is
    /// kept too, so that concurrent resources get one answer.
    pub async fn project_id(&self, name: &str) -> Result<String, DiscoveryError> {
        let cell = {
            let mut m = self.projects.lock().unwrap_or_else(|e| e.into_inner());
            m.entry(name.to_string()).or_default().clone()
        };
        cell.get_or_init(|| self.discover(name)).await.clone()
    }

    async fn discover(&self, name: &str) -> Result<String, DiscoveryError> {
        let failed = |error: IamError| match error {
            IamError::Forbidden(message) => DiscoveryError::NoPermission {
                name: name.to_string(),
                message,
            },
            error => DiscoveryError::Failed {
                name: name.to_string(),
                error,
            },
        };
        // A password token scoped to the project names its ID.
        if let (Base::Password { .. }, true) = (&self.base, self.chain.is_empty()) {
            let scope = Scope::ProjectName(name.to_string());
            let t = self.token(&scope).await.map_err(|e| match e {
                IamError::Status {
                    status: 400 | 404, ..
                } => DiscoveryError::NotFound {
                    name: name.to_string(),
                },
                e => failed(e),
            })?;
            let id =
                t.1.ok_or_else(|| failed(IamError::Decode("the token names no project".into())))?;
            self.adopt_token(Scope::ProjectId(id.clone()), t.0).await;
            return Ok(id);
        }
        // 403 here is the agency's refusal, not a missing list permission.
        let creds = self
            .iam_credentials()
            .await
            .map_err(|error| DiscoveryError::Failed {
                name: name.to_string(),
                error,
            })?;
        let found = self
            .iam
            .projects_by_name(&creds, name)
            .await
            .map_err(failed)?;
        match found.as_slice() {
            [] => Err(DiscoveryError::NotFound {
                name: name.to_string(),
            }),
            [one] => Ok(one.id.clone()),
            many => Err(DiscoveryError::Several {
                name: name.to_string(),
                ids: many.iter().map(|p| p.id.clone()).collect(),
            }),
        }
    }

    fn slot(&self, scope: &Scope) -> Slot<String> {
        let mut m = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        m.entry(scope.clone()).or_default().clone()
    }

    async fn adopt_token(&self, scope: Scope, held: Held<String>) {
        let slot = self.slot(&scope);
        let mut g = slot.lock().await;
        if g.as_ref().is_none_or(|h| !h.fresh(unix_now())) {
            *g = Some(held);
        }
    }

    /// A fresh password token for `scope`, and the project it names.
    async fn token(&self, scope: &Scope) -> Result<(Held<String>, Option<String>), IamError> {
        let Base::Password { user, password } = &self.base else {
            return Err(IamError::Decode("no password configured".into()));
        };
        let slot = self.slot(scope);
        let mut g = slot.lock().await;
        if let Some(h) = g.as_ref().filter(|h| h.fresh(unix_now())) {
            return Ok((h.clone(), None));
        }
        let obtained_at = unix_now();
        let IssuedToken {
            token,
            expires_at,
            project_id,
        } = self.iam.password_token(user, password, scope).await?;
        self.remember(&token);
        let held = Held {
            value: token,
            obtained_at,
            expires_at,
        };
        *g = Some(held.clone());
        Ok((held, project_id))
    }

    /// What calls IAM itself (project lookup, the first agency).
    async fn base_credentials(&self) -> Result<Credentials, IamError> {
        match &self.base {
            Base::Static(c) => Ok(c.clone()),
            Base::Password { .. } => {
                let scope = Scope::ProjectName(self.base_scope.clone());
                Ok(Credentials::Token(self.token(&scope).await?.0.value))
            }
        }
    }

    async fn iam_credentials(&self) -> Result<Credentials, IamError> {
        if self.chain.is_empty() {
            self.base_credentials().await
        } else {
            self.agency_keys().await
        }
    }

    /// The last link's temporary keys; the whole chain is assumed again
    /// when they near expiry, each link signed with the previous keys.
    async fn agency_keys(&self) -> Result<Credentials, IamError> {
        let mut g = self.keys.lock().await;
        if let Some(h) = g.as_ref().filter(|h| h.fresh(unix_now())) {
            return Ok(h.value.clone());
        }
        let obtained_at = unix_now();
        let mut creds = self.base_credentials().await?;
        let mut expires_at = i64::MAX;
        for link in &self.chain {
            let TemporaryKeys {
                credentials,
                expires_at: e,
            } = self
                .iam
                .assume_role(&creds, &link.agency_name, &link.domain, link.duration)
                .await?;
            if let Credentials::AkSk {
                sk, security_token, ..
            } = &credentials
            {
                self.remember(sk);
                if let Some(t) = security_token {
                    self.remember(t);
                }
            }
            expires_at = expires_at.min(e);
            creds = credentials;
        }
        *g = Some(Held {
            value: creds.clone(),
            obtained_at,
            expires_at,
        });
        Ok(creds)
    }
}

#[tonic::async_trait]
impl CredentialSource for Session {
    async fn credentials(&self, project_id: &str) -> Result<Credentials, String> {
        let r = if !self.chain.is_empty() {
            self.agency_keys().await
        } else {
            match &self.base {
                Base::Static(c) => Ok(c.clone()),
                Base::Password { .. } => self
                    .token(&Scope::ProjectId(project_id.to_string()))
                    .await
                    .map(|t| Credentials::Token(t.0.value)),
            }
        };
        r.map_err(|e| e.to_string())
    }

    fn secrets(&self) -> Vec<String> {
        self.secrets.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewal_margin_is_a_quarter_of_the_life_at_most_ten_minutes() {
        let h = Held {
            value: (),
            obtained_at: 0,
            expires_at: 8,
        };
        assert!(h.fresh(5));
        assert!(!h.fresh(6));
        let day = Held {
            value: (),
            obtained_at: 0,
            expires_at: 86_400,
        };
        assert!(day.fresh(86_400 - 601));
        assert!(!day.fresh(86_400 - 600));
    }
}
