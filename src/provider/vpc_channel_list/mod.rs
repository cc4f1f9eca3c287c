//! List resource `huaweicloud_apig_vpc_channel` (`list` blocks and
//! `terraform query`, Terraform 1.14+): a gateway's channels by the
//! channels data source's filters, each streamed with its identity, its
//! name and, when asked, the state an import would read. Pages are read
//! one at a time and details fetched a few at a time, so the first results
//! stream while the rest is fetched, and nothing past `limit` is fetched.

use std::sync::OnceLock;

use crate::apig::channels::{ChannelPager, DETAILS_CONCURRENCY};
use crate::apig::models as api;
use crate::provider::gateway::{config_for, is_api_id, locate, Location, Scope, Subject};
use crate::provider::vpc_channel::{convert, identity, schema as resource, KIND};
use crate::provider::vpc_channel_data::{many, schema as data};
use crate::provider::Configured;
use crate::tfplugin::diag::{has_errors, Diagnostic};
use crate::tfplugin::provider::{ListEvent, ListRequest, ListResource, ListSink};
use crate::tfplugin::schema::{Presence, Schema};
use crate::tfplugin::typed::{view, Known};
use crate::tfplugin::value::Value;

#[cfg(test)]
mod tests;

/// Details fetched per batch before its events are sent.
const BATCH: usize = 50;

pub struct ChannelList;

/// The `config` block: the channels data source's arguments (gateway,
/// project, region and the list API's filters), none computed.
pub fn schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| Schema {
        version: 0,
        description: "Finds a dedicated gateway's VPC channels for `terraform query` (Terraform 1.14 and later), by the list API's own filters (the same as the `huaweicloud_apig_vpc_channels` data source). Each result carries the channel's identity (`instance_id`, `id`, `project_id`, `region`) and its name; with `include_resource = true` (and always for `-generate-config-out`) also its full state. Every page is read until `limit` channels are found.",
        attributes: (data::many().attributes.iter())
            .filter(|a| !a.is_computed_only())
            .map(|a| {
                let mut a = a.clone();
                if a.presence == Presence::OptionalComputed {
                    a.presence = Presence::Optional;
                }
                a
            })
            .collect(),
    })
}

#[tonic::async_trait]
impl ListResource<Configured> for ChannelList {
    fn type_name(&self) -> &'static str {
        resource::TYPE_NAME
    }

    fn schema(&self) -> &'static Schema {
        schema()
    }

    async fn list(&self, ctx: &Configured, req: ListRequest, sink: ListSink) {
        if let Err(d) = list(ctx, req, &sink).await {
            sink.fail(d).await;
        }
    }
}

async fn list(ctx: &Configured, req: ListRequest, sink: &ListSink) -> Result<(), Diagnostic> {
    let diags = schema().diagnose(&req.config);
    if has_errors(&diags) {
        return Err(diags.into_iter().next().unwrap_or_else(|| {
            Diagnostic::error(
                "Invalid list configuration",
                "The configuration is invalid.",
            )
        }));
    }
    let config = &req.config;
    let scope = view::<Scope>(config);
    let cfg = config_for(ctx, &scope).await?;
    let (target, loc) = locate(&scope, &cfg)?;
    let filter = many::filter(config);
    let exact = !filter.precise_search.is_empty();
    let limit = usize::try_from(req.limit).unwrap_or(0);
    let mut sent = 0usize;
    let mut pager = ChannelPager::new(&ctx.client, &target, &filter);
    while sent < limit {
        let page = match pager.next_page().await {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => return Err(KIND.api_diag("list", Subject::All, &loc, &e)),
        };
        // A gateway that ignores precise_search still gets exact names.
        let page: Vec<api::Channel> = (page.into_iter())
            .filter(|c| !exact || filter.name.as_deref().is_none_or(|n| c.name == n))
            .take(limit - sent)
            .collect();
        for batch in page.chunks(BATCH) {
            let events = if req.include_resource_object {
                let ids: Vec<String> = batch.iter().map(|c| c.id.clone()).collect();
                let full = (ctx
                    .client
                    .show_channels(&target, &ids, DETAILS_CONCURRENCY)
                    .await)
                    .map_err(|e| KIND.api_diag(many::DETAILS, Subject::All, &loc, &e))?;
                full.iter()
                    .map(|c| event(c, true, &loc))
                    .collect::<Vec<_>>()
            } else {
                batch.iter().map(|c| event(c, false, &loc)).collect()
            };
            for e in events {
                if !sink.send(e).await {
                    return Ok(()); // Terraform has read enough
                }
                sent += 1;
            }
        }
    }
    Ok(())
}

/// One channel as a list result. An ID the provider could never manage is
/// a warning without identity (Terraform skips it and goes on).
fn event(c: &api::Channel, with_object: bool, loc: &Location) -> ListEvent {
    if !is_api_id(&c.id) {
        return ListEvent {
            identity: Value::Null,
            display_name: c.name.clone(),
            resource_object: None,
            diags: vec![Diagnostic::warning(
                "Unusable VPC channel ID",
                format!(
                    "Gateway {} lists VPC channel {:?} with the ID {:?}, which is not a usable channel ID; it is left out.",
                    loc.instance_id, c.name, c.id
                ),
            )],
        };
    }
    let id = identity::Identity {
        instance_id: loc.instance_id.clone().into(),
        id: c.id.clone().into(),
        project_id: loc.project_id.clone().into(),
        region: loc.region.clone().into(),
    };
    let identity = id.to_known();
    // What ReadResource makes of an import by this identity.
    let resource_object = with_object.then(|| {
        let start = identity::import_state(None, &identity).unwrap_or_default();
        convert::channel_from_api(c, &start, loc).to_known()
    });
    ListEvent {
        identity,
        display_name: c.name.clone(),
        resource_object,
        diags: Vec::new(),
    }
}
