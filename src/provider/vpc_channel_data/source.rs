//! The two data sources behind the protocol's [`DataSource`] trait.

use crate::provider::Configured;
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::provider::{DataSource, StateResponse};
use crate::tfplugin::schema::Schema;
use crate::tfplugin::value::Value;

use super::{many, one, schema};

/// `huaweicloud_apig_vpc_channel`.
pub struct OneChannel;

/// `huaweicloud_apig_vpc_channels`.
pub struct Channels;

#[tonic::async_trait]
impl DataSource<Configured> for OneChannel {
    fn type_name(&self) -> &'static str {
        schema::ONE
    }

    fn schema(&self) -> &'static Schema {
        schema::one()
    }

    fn validate(&self, config: &Value) -> Vec<Diagnostic> {
        one::validate(config)
    }

    async fn read(&self, ctx: &Configured, config: Value) -> StateResponse {
        one::read(&ctx.config, &ctx.client, config).await
    }
}

#[tonic::async_trait]
impl DataSource<Configured> for Channels {
    fn type_name(&self) -> &'static str {
        schema::MANY
    }

    fn schema(&self) -> &'static Schema {
        schema::many()
    }

    fn validate(&self, config: &Value) -> Vec<Diagnostic> {
        many::validate(config)
    }

    async fn read(&self, ctx: &Configured, config: Value) -> StateResponse {
        many::read(&ctx.config, &ctx.client, config).await
    }
}
