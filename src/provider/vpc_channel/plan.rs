//! Plan logic: decided from the configuration and the prior state alone
//! (Terraform's proposed state differs between versions and pairs list
//! elements by position, which is wrong when members move).
//!
//! The schema's flags (defaults, `keep_prior`, `unknown_on_update`,
//! `force_new`) are applied by `tfplugin::planning`; what is particular to
//! channels works on the typed state.

use crate::tfplugin::planning::{
    keep_prior_order, mark_unknown_on_update, nested, plan_object, replace_paths, with_defaults,
};
use crate::tfplugin::schema::Attribute;
use crate::tfplugin::typed::{view, Known, Tf};
use crate::tfplugin::value::{AttrPath, Value};

use super::convert::{group_passes, member_passes, pair};
use super::schema::schema;
use super::state::{
    Channel, Health, Member, Microservice, Nacos, NacosServer, IP, MICROSERVICE, REFERENCE,
};

/// Provider-level defaults for `project_id` and `region`. The project is
/// unknown when it depends on a region known only at apply.
pub struct Defaults<'a> {
    pub project_id: Tf<&'a str>,
    pub region: Option<&'a str>,
}

fn prior_or_unknown<T: Clone>(prior: Option<&Tf<T>>) -> Tf<T> {
    prior.cloned().unwrap_or(Tf::Unknown)
}

fn attrs_of(name: &str) -> &'static [Attribute] {
    nested(&schema().attributes, name)
}

/// Elements of a configured list, planned one by one with their prior
/// partners; an unknown or null list stays as it is.
fn plan_list(
    cfg: &Value,
    pairs: impl FnOnce(usize) -> Vec<Option<usize>>,
    prior: &Value,
    mut one: impl FnMut(&Value, Option<&Value>) -> Value,
) -> Value {
    let Value::List(items) = cfg else {
        return cfg.clone();
    };
    let p = prior.as_list().unwrap_or_default();
    let planned = (items.iter().zip(pairs(items.len())))
        .map(|(x, j)| one(x, j.map(|j| &p[j])))
        .collect();
    keep_prior_order(Value::List(planned), prior)
}

/// Member context the plan of one member needs from its channel.
struct MemberCtx<'a> {
    member_type: Option<&'a str>,
    port: Tf<i64>,
    prior_port: Tf<i64>,
}

fn plan_member(cfg: &Value, prior: Option<&Value>, ctx: &MemberCtx) -> Value {
    let base = plan_object(attrs_of(Channel::MEMBERS), cfg, prior);
    if !cfg.is_known() {
        return base;
    }
    let (mut m, c): (Member, Member) = (view(&base), view(cfg));
    let p: Option<Member> = prior.map(view);
    let p = p.as_ref();
    // Unset port: the API uses the channel's port, so follow it when the
    // member had it implicitly; keep an explicit one.
    let port = c.port.or_else(|| match p.map(|p| &p.port) {
        Some(pp) if !pp.is_null() && *pp != ctx.prior_port => *pp,
        _ => ctx.port,
    });
    // Unpaired for now, but an unknown type or address may pair it with a
    // prior member (and its explicit port) in the final plan.
    let may_pair = ctx.member_type.is_none()
        || [&c.host, &c.ecs_id, &c.ecs_name]
            .iter()
            .any(|a| a.is_unknown());
    m.port = if p.is_none() && may_pair && !ctx.prior_port.is_null() {
        c.port.or_else(|| Tf::Unknown)
    } else {
        port
    };
    match ctx.member_type {
        // The server's copies of an ip member's host are not kept (they
        // would show a sensitive host in plain text): only what is set.
        Some(IP) => {
            m.ecs_id = c.ecs_id;
            m.ecs_name = c.ecs_name;
        }
        Some(_) => m.host = c.host.or_else(|| prior_or_unknown(p.map(|p| &p.host))),
        // Which of them the API derives depends on the unknown type.
        None => {
            m.host = c.host.or_else(|| Tf::Unknown);
            m.ecs_id = c.ecs_id.or_else(|| Tf::Unknown);
            m.ecs_name = c.ecs_name.or_else(|| Tf::Unknown);
        }
    }
    m.to_known()
}

fn plan_health(cfg: &Value, prior: &Value) -> Value {
    if cfg.is_null() || !cfg.is_known() {
        return cfg.clone();
    }
    let prior = (!prior.is_null()).then_some(prior);
    let mut h: Health = view(&plan_object(
        attrs_of(Channel::VPC_HEALTH_CONFIG),
        cfg,
        prior,
    ));
    // The API may answer in another case: keep the prior spelling when only case differs.
    let p: Option<Health> = prior.map(view);
    if let (Some(c), Some(p)) = (h.protocol.str(), p.as_ref().and_then(|p| p.protocol.str())) {
        if c.eq_ignore_ascii_case(p) {
            h.protocol = Tf::Known(p.to_string());
        }
    }
    h.to_known()
}

fn plan_microservice(cfg: &Value, prior: &Value) -> Value {
    if cfg.is_null() || !cfg.is_known() {
        return cfg.clone();
    }
    let prior = (!prior.is_null()).then_some(prior);
    let mut m: Microservice = view(&plan_object(
        attrs_of(Channel::MICROSERVICE_INFO),
        cfg,
        prior,
    ));
    let p: Microservice = prior.map(view).unwrap_or_default();
    // What the API derives from a source (names, addresses) is kept while
    // the source stays the same, and unknown when it changes.
    if let Some(cse) = m.cse_info.known_mut() {
        let pc = (p.cse_info.known())
            .filter(|x| x.engine_id == cse.engine_id && x.service_id == cse.service_id);
        cse.engine_name = prior_or_unknown(pc.map(|x| &x.engine_name));
        cse.service_name = prior_or_unknown(pc.map(|x| &x.service_name));
        cse.register_address = prior_or_unknown(pc.map(|x| &x.register_address));
        cse.cse_app_id = prior_or_unknown(pc.map(|x| &x.cse_app_id));
        cse.version = prior_or_unknown(pc.map(|x| &x.version));
    }
    if let Some(cce) = m.cce_info.known_mut() {
        let pc = p.cce_info.known();
        let same_cluster = pc.filter(|x| x.cluster_id == cce.cluster_id);
        cce.cluster_name = prior_or_unknown(same_cluster.map(|x| &x.cluster_name));
        // With only app_name the API may report label_key "app" and
        // label_value = app_name, or neither (the seed's Example 2): kept
        // from the prior state while app_name stays, unknown otherwise.
        let same_app = pc.filter(|x| x.app_name == cce.app_name);
        let (key, val) = if cce.app_name.is_null() {
            (Tf::Unknown, Tf::Unknown)
        } else {
            (
                prior_or_unknown(same_app.map(|x| &x.label_key)),
                prior_or_unknown(same_app.map(|x| &x.label_value)),
            )
        };
        cce.label_key = cce.label_key.or_else(|| key);
        cce.label_value = cce.label_value.or_else(|| val);
    }
    if let Some(svc) = m.cce_service_info.known_mut() {
        let pc = (p.cce_service_info.known()).filter(|x| x.cluster_id == svc.cluster_id);
        svc.cluster_name = prior_or_unknown(pc.map(|x| &x.cluster_name));
    }
    let nacos = plan_nacos(
        cfg.get(Microservice::NACOS_INFO),
        prior.map_or(&Value::Null, |p| p.get(Microservice::NACOS_INFO)),
    );
    let mut v = m.to_known();
    if let Value::Object(o) = &mut v {
        o.insert(Microservice::NACOS_INFO.into(), nacos);
    }
    v
}

/// NACOS details: defaults, each server's gRPC port (the API's default
/// follows `port`: kept only for the same server on the same port), and
/// the user with its write-only password null.
fn plan_nacos(cfg: &Value, prior: &Value) -> Value {
    if cfg.is_null() || !cfg.is_known() {
        return cfg.clone();
    }
    let attrs = nested(
        attrs_of(Channel::MICROSERVICE_INFO),
        Microservice::NACOS_INFO,
    );
    let mut n: Nacos = view(&plan_object(attrs, cfg, None));
    let pn: Nacos = view(prior);
    if let Some(servers) = n.server_config.known_mut() {
        for (i, x) in servers.iter_mut().enumerate() {
            let Some(x) = x.known_mut() else { continue };
            let px: Option<&NacosServer> = pn.server_config.elements().get(i).and_then(Tf::known);
            let same = px.filter(|px| px.ip_address == x.ip_address && px.port == x.port);
            x.grpc_port = x
                .grpc_port
                .or_else(|| prior_or_unknown(same.map(|p| &p.grpc_port)));
        }
    }
    let user_attrs = nested(attrs, Nacos::USER_INFO);
    let user = plan_object(user_attrs, cfg.get(Nacos::USER_INFO), None);
    let mut v = n.to_known();
    if let Value::Object(o) = &mut v {
        o.insert(Nacos::USER_INFO.into(), user);
    }
    v
}

/// `type` when the configuration leaves it unset: what `vpc_channel_type`
/// implies (a reference channel's is the API's, kept from the prior state),
/// else the API's default, 2.
fn planned_type(vct: &Value, prior: &Channel, has_prior: bool) -> Value {
    match vct {
        Value::String(s) if s == MICROSERVICE => Value::int(3),
        Value::String(s) if s == REFERENCE => match prior.vpc_channel_type.str() {
            Some(REFERENCE) if has_prior => prior.channel_type.to_value(),
            _ => Value::Unknown,
        },
        Value::Unknown => Value::Unknown,
        _ => Value::int(2),
    }
}

/// The planned state and the paths that force replacement.
pub fn plan(prior: &Value, config: &Value, d: &Defaults) -> (Value, Vec<AttrPath>) {
    if config.is_null() {
        return (Value::Null, Vec::new());
    }
    let attrs = &schema().attributes;
    let has_prior = !prior.is_null();
    let mut o = with_defaults(attrs, config);
    let region: Tf<&str> = d.region.into();
    for (attr, default) in [
        (Channel::PROJECT_ID, d.project_id),
        (Channel::REGION, region),
    ] {
        if config.get(attr).is_null() {
            let v: Tf<String> = match default {
                Tf::Known(x) => Tf::Known(x.to_string()),
                Tf::Null => Tf::Null,
                Tf::Unknown => Tf::Unknown,
            };
            o.insert(attr.to_string(), v.to_value());
        }
    }
    crate::tfplugin::planning::keep_prior(attrs, config, has_prior.then_some(prior), &mut o);

    // The configuration was validated and the prior state is ours, both
    // typed by the same schema: each fits its typed view.
    let (c, p): (Channel, Channel) = (view(config), view(prior));
    if config.get(Channel::TYPE).is_null() {
        // Unset and new: unknown until the API reports it, which it decides
        // from `type`, whose default is then the API's (2).
        let vct = match config.get(Channel::VPC_CHANNEL_TYPE) {
            Value::Null if !has_prior => Value::Null,
            _ => o
                .get(Channel::VPC_CHANNEL_TYPE)
                .cloned()
                .unwrap_or(Value::Null),
        };
        o.insert(Channel::TYPE.into(), planned_type(&vct, &p, has_prior));
    }
    // `None` while unknown: what the API derives for members depends on it.
    let member_type = (o.get(Channel::MEMBER_TYPE).and_then(Value::as_str)).map(str::to_string);
    let member_type = member_type.as_deref();

    let groups = plan_list(
        config.get(Channel::MEMBER_GROUPS),
        |_| {
            pair(
                c.member_groups.elements(),
                p.member_groups.elements(),
                &group_passes(),
            )
        },
        prior.get(Channel::MEMBER_GROUPS),
        |g, pg| plan_object(attrs_of(Channel::MEMBER_GROUPS), g, pg),
    );
    o.insert(Channel::MEMBER_GROUPS.into(), groups);

    let ctx = MemberCtx {
        member_type,
        port: c.port,
        prior_port: p.port,
    };
    let members = plan_list(
        config.get(Channel::MEMBERS),
        |n| match member_type {
            Some(t) => pair(
                c.members.elements(),
                p.members.elements(),
                &member_passes(t),
            ),
            None => vec![None; n],
        },
        prior.get(Channel::MEMBERS),
        |m, pm| plan_member(m, pm, &ctx),
    );
    o.insert(Channel::MEMBERS.into(), members);
    o.insert(
        Channel::VPC_HEALTH_CONFIG.into(),
        plan_health(
            config.get(Channel::VPC_HEALTH_CONFIG),
            prior.get(Channel::VPC_HEALTH_CONFIG),
        ),
    );
    o.insert(
        Channel::MICROSERVICE_INFO.into(),
        plan_microservice(
            config.get(Channel::MICROSERVICE_INFO),
            prior.get(Channel::MICROSERVICE_INFO),
        ),
    );

    let mut planned = Value::Object(o);
    if !has_prior {
        return (planned, Vec::new());
    }
    if &planned == prior {
        return (prior.clone(), Vec::new());
    }
    let replace = replace_paths(attrs, prior, &planned);
    // On a real change, what the API may recompute becomes unknown; the ID
    // and creation time stay.
    mark_unknown_on_update(attrs, &mut planned);
    (planned, replace)
}
