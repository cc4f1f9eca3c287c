//! `huaweicloud_apig_vpc_channels`: every page of the list call with the
//! configured filters, then show details once per channel (bounded
//! concurrency, each call with the client's retries).

use crate::apig::channels::{ChannelFilter, DETAILS_CONCURRENCY};
use crate::apig::client::Client;
use crate::provider::config::ProviderConfig;
use crate::provider::gateway::{keep, locate, Scope, Subject};
use crate::provider::vpc_channel::KIND;
use crate::tfplugin::diag::{has_errors, Diagnostic};
use crate::tfplugin::provider::StateResponse;
use crate::tfplugin::typed::{view, Known, Tf};
use crate::tfplugin::value::Value;

use super::query::Query;
use super::{exported_state, schema};

/// The operation of the show-details calls, in messages.
pub(crate) const DETAILS: &str = "read the details of";

pub fn validate(config: &Value) -> Vec<Diagnostic> {
    schema::many().diagnose(config)
}

/// The list call's filters from the configuration.
pub fn filter(config: &Value) -> ChannelFilter {
    let q: Query = view(config);
    ChannelFilter {
        id: q.id.cloned(),
        name: q.name.cloned(),
        precise_search: (q.precise_search.str().into_iter())
            .flat_map(|s| s.split(','))
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty())
            .collect(),
        member_host: q.member_host.cloned(),
        member_port: q.member_port.get(),
        member_group_name: q.member_group_name.cloned(),
        member_group_id: q.member_group_id.cloned(),
        dict_code: q.dict_code.cloned(),
        vpc_channel_type: q.vpc_channel_type.cloned(),
    }
}

pub async fn read(cfg: &ProviderConfig, client: &Client, config: Value) -> StateResponse {
    let diags = validate(&config);
    if has_errors(&diags) {
        return StateResponse {
            state: config,
            private: Vec::new(),
            diags,
        };
    }
    let (target, loc) = match locate(&view::<Scope>(&config), cfg) {
        Ok(x) => x,
        Err(d) => return keep(config, Vec::new(), d),
    };
    let f = filter(&config);
    let listed = match client.list_all_channels(&target, &f).await {
        Ok(l) => l,
        Err(e) => {
            let d = KIND.api_diag("read", Subject::All, &loc, &e);
            return keep(config, Vec::new(), d);
        }
    };
    // A gateway that ignores precise_search still gets exact matches.
    let exact = |field: &str| f.precise_search.iter().any(|x| x == field);
    let group_named = |c: &crate::apig::models::Channel, n: &str| {
        (c.member_groups.iter().flatten()).any(|g| g.spec.member_group_name == n)
    };
    let ids: Vec<String> = listed
        .into_iter()
        .filter(|c| !exact(Query::NAME) || f.name.as_deref().is_none_or(|n| c.name == n))
        .filter(|c| {
            !exact(Query::MEMBER_GROUP_NAME)
                || f.member_group_name
                    .as_deref()
                    .is_none_or(|n| group_named(c, n))
        })
        .map(|c| c.id)
        .collect();
    let mut channels = match client
        .show_channels(&target, &ids, DETAILS_CONCURRENCY)
        .await
    {
        Ok(c) => c,
        Err(e) => {
            let d = KIND.api_diag(DETAILS, Subject::All, &loc, &e);
            return keep(config, Vec::new(), d);
        }
    };
    channels.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    let mut q: Query = view(&config);
    q.ids = Tf::Known(channels.iter().map(|c| Tf::Known(c.id.clone())).collect());
    q.channels = Tf::Known(
        (channels.iter())
            .map(|c| exported_state(c, &loc).into())
            .collect(),
    );
    q.project_id = loc.project_id.clone().into();
    q.region = loc.region.clone().into();
    let state = q.to_known();
    StateResponse {
        state,
        private: Vec::new(),
        diags: Vec::new(),
    }
}
