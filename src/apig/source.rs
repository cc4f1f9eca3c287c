//! Credentials that change while the provider runs (renewed tokens and
//! temporary keys): the client asks its source before each attempt.

use std::fmt;

use super::client::Credentials;

#[tonic::async_trait]
pub trait CredentialSource: Send + Sync + fmt::Debug {
    /// The credentials to send a request for `project_id` with now.
    /// An error stops the request (it is not retried).
    async fn credentials(&self, project_id: &str) -> Result<Credentials, String>;
    /// Every secret handed out so far, to scrub from messages.
    fn secrets(&self) -> Vec<String>;
}
