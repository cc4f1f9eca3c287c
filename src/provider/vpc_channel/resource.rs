//! `huaweicloud_apig_vpc_channel` behind the protocol's [`Resource`] trait.

use crate::provider::gateway::{config_for, keep, plan_project};
use crate::provider::Configured;
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::identity::IdentitySchema;
use crate::tfplugin::provider::{
    Answer, Create, Delete, Imported, Plan, PlanResponse, Read, Resource, Update,
};
use crate::tfplugin::schema::Schema;
use crate::tfplugin::value::Value;

use super::plan::Side;
use super::schema;
use super::state::Channel;

pub struct VpcChannel;

#[tonic::async_trait]
impl Resource<Configured> for VpcChannel {
    type State = Channel;

    fn type_name(&self) -> &'static str {
        schema::TYPE_NAME
    }

    fn schema(&self) -> &'static Schema {
        schema::schema()
    }

    async fn plan(&self, ctx: Option<&Configured>, req: Plan<Channel>) -> PlanResponse {
        let scope = req.config.as_ref().map(Channel::scope);
        let project = match plan_project(ctx, scope.as_ref()).await {
            Ok(p) => p,
            Err(d) => {
                return PlanResponse {
                    diags: vec![d],
                    ..Default::default()
                }
            }
        };
        let v = &req.values;
        let prior = Side::new(&v.prior, req.prior.as_ref());
        let config = Side::new(&v.config, req.config.as_ref());
        let mut r =
            super::validate_and_plan(project.config(ctx), &prior, &config, project.at_apply);
        r.private = req.values.prior_private;
        // An in-place update would drop what the provider cannot represent.
        let in_place = !r.planned.is_null() && r.requires_replace.is_empty();
        let found = super::lossless::noted(&r.private);
        if let Some(p) = req.prior.as_ref().filter(|_| in_place && !found.is_empty()) {
            if r.planned != req.values.prior {
                let d = super::lossless::update_refused(p.name_or_empty(), &found);
                r.diags.push(d);
            }
        }
        r
    }

    async fn read(&self, ctx: &Configured, req: Read<Channel>) -> Answer<Channel> {
        match config_for(ctx, &req.state.scope()).await {
            Ok(cfg) => super::read(&cfg, &ctx.client, req.state, req.private).await,
            Err(d) => keep(Some(req.state), req.private, d),
        }
    }

    async fn create(&self, ctx: &Configured, req: Create<Channel>) -> Answer<Channel> {
        let (cfg, client) = (&ctx.config, &ctx.client);
        super::create(cfg, client, req.planned, req.config, req.private).await
    }

    async fn update(&self, ctx: &Configured, req: Update<Channel>) -> Answer<Channel> {
        let (cfg, client) = (&ctx.config, &ctx.client);
        let found = super::lossless::noted(&req.private);
        if !found.is_empty() {
            let d = super::lossless::update_refused(req.prior.name_or_empty(), &found);
            return keep(Some(req.prior), req.private, d);
        }
        super::update(cfg, client, req.prior, req.planned, req.config, req.private).await
    }

    async fn delete(&self, ctx: &Configured, req: Delete<Channel>) -> Answer<Channel> {
        super::delete(&ctx.config, &ctx.client, req.prior, req.private).await
    }

    async fn import(
        &self,
        ctx: Option<&Configured>,
        id: &str,
    ) -> Result<Imported<Channel>, Diagnostic> {
        let (cfg, client) = (ctx.map(|c| &c.config), ctx.map(|c| &c.client));
        Ok(Imported {
            state: super::import::import(cfg, client, id).await?,
            private: Vec::new(),
        })
    }

    fn identity_schema(&self) -> Option<&'static IdentitySchema> {
        Some(super::identity::schema())
    }

    fn identity(&self, state: &Channel) -> Value {
        super::identity::of_channel(state)
    }

    async fn generate_config(
        &self,
        ctx: Option<&Configured>,
        state: &Value,
    ) -> Result<Value, Diagnostic> {
        // The provider's defaults decide what is left out: its region, and
        // that region's project.
        let looked_up = match ctx {
            Some(c) => Some(c.for_region(c.config.region.as_deref()).await?),
            None => None,
        };
        Ok(super::generate::config_for(looked_up.as_ref(), state))
    }

    async fn import_identity(
        &self,
        ctx: Option<&Configured>,
        identity: &Value,
    ) -> Result<Imported<Channel>, Diagnostic> {
        Ok(Imported {
            state: super::identity::import_state(ctx.map(|c| &c.config), identity)?,
            private: Vec::new(),
        })
    }
}
