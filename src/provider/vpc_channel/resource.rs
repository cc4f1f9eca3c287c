//! `huaweicloud_apig_vpc_channel` behind the protocol's [`Resource`] trait.

use crate::provider::gateway::{config_for, keep, plan_project, Scope};
use crate::provider::Configured;
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::identity::IdentitySchema;
use crate::tfplugin::provider::{
    Answer, Create, Delete, Imported, Plan, PlanResponse, Read, Resource, StateResponse, Update,
};
use crate::tfplugin::schema::Schema;
use crate::tfplugin::typed::view;
use crate::tfplugin::value::Value;

use super::state::Channel;

use super::schema;

pub struct VpcChannel;

#[tonic::async_trait]
impl Resource<Configured> for VpcChannel {
    type State = Value;

    fn type_name(&self) -> &'static str {
        schema::TYPE_NAME
    }

    fn schema(&self) -> &'static Schema {
        schema::schema()
    }

    async fn plan(&self, ctx: Option<&Configured>, req: Plan<Value>) -> PlanResponse {
        let req = req.values;
        let scope = (!req.config.is_null()).then(|| view::<Scope>(&req.config));
        let project = match plan_project(ctx, scope.as_ref()).await {
            Ok(p) => p,
            Err(d) => {
                return PlanResponse {
                    diags: vec![d],
                    ..Default::default()
                }
            }
        };
        let mut r = super::plan(
            project.config(ctx),
            &req.prior,
            &req.config,
            project.at_apply,
        );
        r.private = req.prior_private;
        // An in-place update would drop what the provider cannot represent.
        let in_place =
            !req.prior.is_null() && !r.planned.is_null() && r.requires_replace.is_empty();
        let found = super::lossless::noted(&r.private);
        if in_place && r.planned != req.prior && !found.is_empty() {
            let name = req.prior.get(Channel::NAME).as_str().unwrap_or_default();
            r.diags.push(super::lossless::update_refused(name, &found));
        }
        r
    }

    async fn read(&self, ctx: &Configured, req: Read<Value>) -> Answer<Value> {
        let (state, private) = (req.state, req.private);
        answered(match config_for(ctx, &view::<Scope>(&state)).await {
            Ok(cfg) => super::read(&cfg, &ctx.client, state, private).await,
            Err(d) => keep(state, private, d),
        })
    }

    async fn create(&self, ctx: &Configured, req: Create<Value>) -> Answer<Value> {
        let (cfg, client) = (&ctx.config, &ctx.client);
        answered(super::create(cfg, client, req.planned, req.config, req.private).await)
    }

    async fn update(&self, ctx: &Configured, req: Update<Value>) -> Answer<Value> {
        let (cfg, client) = (&ctx.config, &ctx.client);
        let found = super::lossless::noted(&req.private);
        if !found.is_empty() {
            let name = req.prior.get(Channel::NAME).as_str().unwrap_or_default();
            let d = super::lossless::update_refused(name, &found);
            return Answer {
                state: Some(req.prior),
                private: req.private,
                diags: vec![d],
            };
        }
        let r = super::update(cfg, client, req.prior, req.planned, req.config, req.private);
        answered(r.await)
    }

    async fn delete(&self, ctx: &Configured, req: Delete<Value>) -> Answer<Value> {
        answered(super::delete(&ctx.config, &ctx.client, req.prior, req.private).await)
    }

    async fn import(&self, ctx: Option<&Configured>, id: &str) -> Result<Imported, Diagnostic> {
        let state =
            super::import::import(ctx.map(|c| &c.config), ctx.map(|c| &c.client), id).await?;
        Ok(Imported {
            state,
            private: Vec::new(),
        })
    }

    fn identity_schema(&self) -> Option<&'static IdentitySchema> {
        Some(super::identity::schema())
    }

    fn identity(&self, state: &Value) -> Value {
        super::identity::of_state(state)
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
    ) -> Result<Imported, Diagnostic> {
        Ok(Imported {
            state: super::identity::import_state(ctx.map(|c| &c.config), identity)?,
            private: Vec::new(),
        })
    }
}

fn answered(r: StateResponse) -> Answer<Value> {
    Answer {
        state: (!r.state.is_null()).then_some(r.state),
        private: r.private,
        diags: r.diags,
    }
}
