//! Plan logic: decided from the configuration and the prior state alone
//! (Terraform's proposed state differs between versions and pairs list
//! elements by position, which is wrong when members move).
//!
//! The schema's flags (defaults, `keep_prior`, `unknown_on_update`,
//! `force_new`) are applied by `tfplugin::planning`; what is particular to
//! channels works on the typed state.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::tfplugin::planning::{
    finish_plan, keep_prior, keep_prior_order, nested, plan_object, with_defaults,
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
/// A prior list element: typed, and as the value the schema-driven
/// planning compares and keeps.
type Partner<'a, T> = (&'a Tf<T>, &'a Value);

fn plan_list<T: Known>(
    cfg: &Tf<Vec<Tf<T>>>,
    prior: &Tf<Vec<Tf<T>>>,
    pairs: impl FnOnce(usize) -> Vec<Option<usize>>,
    mut one: impl FnMut(&Tf<T>, Option<Partner<T>>) -> Value,
) -> Value {
    let Tf::Known(items) = cfg else {
        return cfg.to_value();
    };
    let p = prior.elements();
    // Each prior element becomes a value once: a partner, then the list
    // the planned one may be a reordering of.
    let values: Vec<Value> = p.iter().map(Tf::to_value).collect();
    let planned = (items.iter().zip(pairs(items.len())))
        .map(|(x, j)| one(x, j.and_then(|j| Some((p.get(j)?, values.get(j)?)))))
        .collect();
    // Only a list of the same length can be the prior one reordered.
    let prior = match prior.known() {
        Some(q) if q.len() == items.len() => Value::List(values),
        _ => Value::Null,
    };
    keep_prior_order(Value::List(planned), &prior)
}

/// An object planned by the schema's flags, with its prior partner.
fn planned_object<T: Known>(attrs: &[Attribute], cfg: &Tf<T>, prior: Option<&Value>) -> Value {
    plan_object(attrs, &cfg.to_value(), prior)
}

/// Member context the plan of one member needs from its channel.
struct MemberCtx<'a> {
    member_type: Option<&'a str>,
    port: Tf<i64>,
    prior_port: Tf<i64>,
}

fn plan_member(cfg: &Tf<Member>, partner: Option<Partner<Member>>, ctx: &MemberCtx) -> Value {
    let base = planned_object(attrs_of(Channel::MEMBERS), cfg, partner.map(|p| p.1));
    let prior = partner.map(|p| p.0);
    if cfg.is_unknown() {
        return base;
    }
    // A null element or partner reads as all-null.
    let empty = Member::default();
    let c = cfg.known().unwrap_or(&empty);
    let p = prior.map(|p| p.known().unwrap_or(&empty));
    let mut m: Member = view(&base);
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
            m.ecs_id = c.ecs_id.clone();
            m.ecs_name = c.ecs_name.clone();
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

fn plan_health(cfg: &Tf<Health>, prior: &Tf<Health>) -> Value {
    if !matches!(cfg, Tf::Known(_)) {
        return cfg.to_value();
    }
    let partner = (!prior.is_null()).then(|| prior.to_value());
    let attrs = attrs_of(Channel::VPC_HEALTH_CONFIG);
    let mut h: Health = view(&planned_object(attrs, cfg, partner.as_ref()));
    // The API may answer in another case: keep the prior spelling when only case differs.
    let prior_protocol = prior.known().and_then(|p| p.protocol.str());
    if let (Some(c), Some(p)) = (h.protocol.str(), prior_protocol) {
        if c.eq_ignore_ascii_case(p) {
            h.protocol = Tf::Known(p.to_string());
        }
    }
    h.to_known()
}

fn plan_microservice(cfg: &Tf<Microservice>, prior: &Tf<Microservice>) -> Value {
    let Tf::Known(c) = cfg else {
        return cfg.to_value();
    };
    let partner = (!prior.is_null()).then(|| prior.to_value());
    let attrs = attrs_of(Channel::MICROSERVICE_INFO);
    let mut m: Microservice = view(&planned_object(attrs, cfg, partner.as_ref()));
    let empty = Microservice::default();
    let p = prior.known().unwrap_or(&empty);
    derived_from_sources(&mut m, p);
    let nacos = plan_nacos(&c.nacos_info, &p.nacos_info);
    let mut v = m.to_known();
    if let Value::Object(o) = &mut v {
        o.insert(Microservice::NACOS_INFO.into(), nacos);
    }
    v
}

/// What the API derives from a microservice's source (names, addresses)
/// is kept while the source stays the same, and unknown when it changes.
fn derived_from_sources(m: &mut Microservice, p: &Microservice) {
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
        // label_value = app_name, or neither: kept from the prior state
        // while app_name stays, unknown otherwise.
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
}

/// NACOS details: defaults, each server's gRPC port (the API's default
/// follows `port`: kept only for the same server on the same port), and
/// the user with its write-only password null.
fn plan_nacos(cfg: &Tf<Nacos>, prior: &Tf<Nacos>) -> Value {
    let Tf::Known(c) = cfg else {
        return cfg.to_value();
    };
    let attrs = nested(
        attrs_of(Channel::MICROSERVICE_INFO),
        Microservice::NACOS_INFO,
    );
    let mut n: Nacos = view(&planned_object(attrs, cfg, None));
    let empty = Nacos::default();
    let pn = prior.known().unwrap_or(&empty);
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
    let user = planned_object(user_attrs, &c.user_info, None);
    let mut v = n.to_known();
    if let Value::Object(o) = &mut v {
        o.insert(Nacos::USER_INFO.into(), user);
    }
    v
}

/// `type` when the configuration leaves it unset: what `vpc_channel_type`
/// implies (a reference channel's is the API's, kept from the prior state),
/// else the API's default, 2.
fn planned_type(vct: &Tf<String>, prior: &Channel, has_prior: bool) -> Value {
    match vct.str() {
        Some(MICROSERVICE) => Value::int(3),
        Some(REFERENCE) => match prior.vpc_channel_type.str() {
            Some(REFERENCE) if has_prior => prior.channel_type.to_value(),
            _ => Value::Unknown,
        },
        _ if vct.is_unknown() => Value::Unknown,
        _ => Value::int(2),
    }
}

/// One side of a plan (the prior state or the configuration): its value,
/// which the schema-driven planning works on, and its typed view
/// (all-null for a null value), viewed here or handed over decoded.
pub struct Side<'a> {
    pub value: &'a Value,
    pub typed: Cow<'a, Channel>,
}

impl<'a> Side<'a> {
    /// A value and the typed state it was decoded into.
    pub fn new(value: &'a Value, typed: Option<&'a Channel>) -> Self {
        let typed = typed.map_or_else(|| Cow::Owned(Channel::default()), Cow::Borrowed);
        Side { value, typed }
    }

    /// A value, viewed as typed state here.
    pub fn of(value: &'a Value) -> Self {
        Side {
            value,
            typed: Cow::Owned(view(value)),
        }
    }
}

/// [`planned_state`] from values alone (tests, fuzzing).
pub fn plan_values(prior: &Value, config: &Value, d: &Defaults) -> (Value, Vec<AttrPath>) {
    planned_state(&Side::of(prior), &Side::of(config), d)
}

/// The planned state and the paths that force replacement.
pub fn planned_state(prior: &Side, config: &Side, d: &Defaults) -> (Value, Vec<AttrPath>) {
    if config.value.is_null() {
        return (Value::Null, Vec::new());
    }
    let attrs = &schema().attributes;
    let has_prior = !prior.value.is_null();
    let (c, p) = (&*config.typed, &*prior.typed);
    let mut o = with_defaults(attrs, config.value);
    provider_defaults(c, d, &mut o);
    keep_prior(
        attrs,
        config.value,
        has_prior.then_some(prior.value),
        &mut o,
    );
    if c.channel_type.is_null() {
        // Unset and new: unknown until the API reports it, which it decides
        // from `type`, whose default is then the API's (2). Otherwise what
        // `vpc_channel_type` plans (it keeps the prior value when unset).
        let vct = match &c.vpc_channel_type {
            Tf::Null if has_prior => &p.vpc_channel_type,
            planned => planned,
        };
        o.insert(Channel::TYPE.into(), planned_type(vct, p, has_prior));
    }
    plan_nested(c, p, &mut o);
    finish_plan(attrs, prior.value, Value::Object(o))
}

/// `project_id` and `region`, unset on the channel: the provider's.
fn provider_defaults(c: &Channel, d: &Defaults, o: &mut BTreeMap<String, Value>) {
    if c.project_id.is_null() {
        let v: Tf<String> = match d.project_id {
            Tf::Known(x) => Tf::Known(x.to_string()),
            Tf::Null => Tf::Null,
            Tf::Unknown => Tf::Unknown,
        };
        o.insert(Channel::PROJECT_ID.into(), v.to_value());
    }
    if c.region.is_null() {
        let v: Tf<String> = d.region.map(str::to_string).into();
        o.insert(Channel::REGION.into(), v.to_value());
    }
}

/// Member groups, members, health check and microservice, each paired
/// with its prior self.
fn plan_nested(c: &Channel, p: &Channel, o: &mut BTreeMap<String, Value>) {
    let groups = plan_list(
        &c.member_groups,
        &p.member_groups,
        |_| {
            pair(
                c.member_groups.elements(),
                p.member_groups.elements(),
                &group_passes(),
            )
        },
        |g, pg| planned_object(attrs_of(Channel::MEMBER_GROUPS), g, pg.map(|p| p.1)),
    );
    o.insert(Channel::MEMBER_GROUPS.into(), groups);
    // `None` while unknown: what the API derives for members depends on it.
    let member_type = c.member_kind();
    let ctx = MemberCtx {
        member_type,
        port: c.port,
        prior_port: p.port,
    };
    let members = plan_list(
        &c.members,
        &p.members,
        |n| match member_type {
            Some(t) => pair(
                c.members.elements(),
                p.members.elements(),
                &member_passes(t),
            ),
            None => vec![None; n],
        },
        |m, pm| plan_member(m, pm, &ctx),
    );
    o.insert(Channel::MEMBERS.into(), members);
    let health = plan_health(&c.vpc_health_config, &p.vpc_health_config);
    o.insert(Channel::VPC_HEALTH_CONFIG.into(), health);
    let ms = plan_microservice(&c.microservice_info, &p.microservice_info);
    o.insert(Channel::MICROSERVICE_INFO.into(), ms);
}
