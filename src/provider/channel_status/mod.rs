//! `huaweicloud_apig_vpc_channel_status`: the template of a resource kind,
//! compiled only for tests. A small read-only resource: it records what a
//! channel of a gateway is called, whether it is healthy and how many
//! members it has. Create and read show the channel; nothing is ever
//! written to the cloud, so update has nothing to send (every argument
//! replaces the object) and delete only forgets.
//!
//! What a kind needs, all in its folder: a typed state (`tf_object!`), a
//! schema declared once from it, a [`Kind`] for messages and "gone" codes,
//! and one `impl Resource`. The gateway kit (`provider::gateway`) gives the
//! scope attributes, the API target, the project of an imported object and
//! the error messages. Outside the folder: one `mod` line and one registry
//! line in `provider/mod.rs` (`tests.rs` checks that nothing else refers
//! to it).

use std::sync::OnceLock;

use crate::apig::channels::GONE;
use crate::provider::gateway::{self, Kind, Location, Scope, Subject};
use crate::provider::Configured;
use crate::tf_object;
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::provider::{Answer, Create, Delete, Read, Resource, Update};
use crate::tfplugin::schema::{Attribute as A, Check, Schema};
use crate::tfplugin::typed::Tf;
use crate::tfplugin::value::Type;

pub const TYPE_NAME: &str = "huaweicloud_apig_vpc_channel_status";

tf_object! {
    /// The state, read and written only through these fields.
    pub struct Status {
        id: String = ID "id",
        instance_id: String = INSTANCE_ID "instance_id",
        project_id: String = PROJECT_ID "project_id",
        region: String = REGION "region",
        channel_id: String = CHANNEL_ID "channel_id",
        name: String = NAME "name",
        status: i64 = STATUS "status",
        member_count: i64 = MEMBER_COUNT "member_count",
    }
}

impl Status {
    fn scope(&self) -> Scope {
        Scope {
            instance_id: self.instance_id.clone(),
            project_id: self.project_id.clone(),
            region: self.region.clone(),
        }
    }
}

/// What messages call it; a channel's "gone" codes prove it gone.
pub const KIND: Kind = Kind {
    noun: "VPC channel status",
    short: "status",
    type_name: TYPE_NAME,
    gone: GONE,
    name_taken: "",
    explain: |_, _, _| None,
};

/// Built once per process.
pub fn schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| Schema {
        version: 0,
        description: "Records the name, status and member count of a VPC channel (read only: nothing is written to the gateway).",
        attributes: [A::computed(Status::ID, Type::String, "The channel's ID.").keep_prior()]
            .into_iter()
            .chain(gateway::scope_attributes("ID of the gateway of the channel."))
            .chain([
                A::required(Status::CHANNEL_ID, Type::String, "ID of the VPC channel.")
                    .force_new()
                    .check(Check::Length(1, 64))
                    .check(Check::Pattern(gateway::is_plain_id, gateway::PLAIN_ID_RULE)),
                A::computed(Status::NAME, Type::String, "Name of the channel."),
                A::computed(Status::STATUS, Type::Number, "`1` normal, `2` abnormal."),
                A::computed(Status::MEMBER_COUNT, Type::Number, "Backend members of the channel."),
            ])
            .collect(),
    })
}

/// The resource type: the unit struct the registry holds.
pub struct ChannelStatus;

#[tonic::async_trait]
impl Resource<Configured> for ChannelStatus {
    type State = Status;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> &'static Schema {
        schema()
    }

    async fn read(&self, ctx: &Configured, req: Read<Status>) -> Answer<Status> {
        show(ctx, req.state, "read").await
    }

    async fn create(&self, ctx: &Configured, req: Create<Status>) -> Answer<Status> {
        match show(ctx, req.planned.clone(), "create").await {
            // A channel that is not there is an error here, not a state.
            Answer { state: None, .. } => {
                let id = req.planned.channel_id.str().unwrap_or_default();
                let why = format!("The gateway has no VPC channel {id:?}.");
                failed(req.planned, Diagnostic::error("No such VPC channel", why))
            }
            found => found,
        }
    }

    async fn update(&self, _ctx: &Configured, req: Update<Status>) -> Answer<Status> {
        // Every argument replaces the object, so nothing is ever sent: the
        // plan, which holds no unknown here, is the new state.
        kept(req.planned)
    }

    async fn delete(&self, _ctx: &Configured, _req: Delete<Status>) -> Answer<Status> {
        // Nothing was made in the cloud: forgetting it is the delete.
        Answer::gone()
    }
}

fn kept(state: Status) -> Answer<Status> {
    Answer {
        state: Some(state),
        private: Vec::new(),
        diags: Vec::new(),
    }
}

fn failed(state: Status, d: Diagnostic) -> Answer<Status> {
    Answer {
        diags: vec![d],
        ..kept(state)
    }
}

/// The channel as it is now; `None` when the API says it is gone.
async fn show(ctx: &Configured, mut s: Status, op: &str) -> Answer<Status> {
    let scope = s.scope();
    let located = match gateway::config_for(ctx, &scope).await {
        Ok(cfg) => gateway::locate(&scope, &cfg),
        Err(d) => Err(d),
    };
    let (target, loc) = match located {
        Ok(found) => found,
        Err(d) => return failed(s, d),
    };
    let id = s.channel_id.str().unwrap_or_default().to_string();
    match ctx.client.show_channel(&target, &id).await {
        Ok(ch) => {
            record(&mut s, &loc, &id);
            s.name = Tf::Known(ch.name);
            s.status = ch.status.map_or(Tf::Null, Tf::Known);
            let members = ch.members.as_ref().map_or(0, Vec::len);
            s.member_count = Tf::Known(members as i64);
            kept(s)
        }
        Err(e) if KIND.is_gone(&e) => Answer::gone(),
        Err(e) => failed(s, KIND.api_diag(op, Subject::One(&id), &loc, &e)),
    }
}

/// Where the object lives, as decided: what the configuration left unset.
fn record(s: &mut Status, loc: &Location, id: &str) {
    s.id = Tf::Known(id.to_string());
    s.project_id = Tf::Known(loc.project_id.clone());
    s.region = loc.region.clone().map_or(Tf::Null, Tf::Known);
}

#[cfg(test)]
mod tests;
