//! Plan logic: decided from the configuration and the prior state alone
//! (Terraform's proposed state differs between versions and pairs list
//! elements by position, which is wrong when members move).

use super::attr::member;
use std::collections::BTreeMap;

use crate::tfplugin::value::{AttrPath, Value};

use super::convert::{group_passes, member_passes, pair};
use super::schema::schema;

/// Provider-level defaults for `project_id` and `region`.
pub struct Defaults<'a> {
    pub project_id: Option<&'a str>,
    pub region: Option<&'a str>,
}

fn set(o: &mut BTreeMap<String, Value>, k: &str, v: Value) {
    o.insert(k.to_string(), v);
}

/// Config value, else the documented default, else `fallback`.
fn or_else(cfg: &Value, fallback: impl FnOnce() -> Value) -> Value {
    if cfg.is_null() {
        fallback()
    } else {
        cfg.clone()
    }
}

fn prior_or_unknown(prior: Option<&Value>, attr: &str) -> Value {
    // A matched prior value is kept even when null: the API said so.
    match prior {
        Some(p) => p.get(attr).clone(),
        None => Value::Unknown,
    }
}

/// Attributes flagged `keep_prior` in the schema: the configured value,
/// else the matched prior one, else unknown.
fn keep_prior(
    attrs: &[crate::tfplugin::schema::Attribute],
    cfg: &Value,
    prior: Option<&Value>,
    o: &mut BTreeMap<String, Value>,
) {
    for a in attrs.iter().filter(|a| a.keep_prior) {
        set(
            o,
            a.name,
            or_else(cfg.get(a.name), || prior_or_unknown(prior, a.name)),
        );
    }
}

/// Fills documented defaults of one attribute list (generic, from schema).
fn with_defaults(
    attrs: &[crate::tfplugin::schema::Attribute],
    cfg: &Value,
) -> BTreeMap<String, Value> {
    let mut o = BTreeMap::new();
    for a in attrs {
        let v = cfg.get(a.name);
        let v = match (&a.default, v) {
            (Some(d), Value::Null) => d.clone(),
            _ => v.clone(),
        };
        o.insert(a.name.to_string(), v);
    }
    o
}

fn nested<'a>(
    attrs: &'a [crate::tfplugin::schema::Attribute],
    name: &str,
) -> &'a [crate::tfplugin::schema::Attribute] {
    attrs
        .iter()
        .find(|a| a.name == name)
        .and_then(|a| a.children())
        .unwrap_or_default()
}

fn plan_group(cfg: &Value, prior: Option<&Value>) -> Value {
    if !cfg.is_known() {
        return cfg.clone();
    }
    let attrs = nested(&schema().attributes, "member_groups");
    let mut o = with_defaults(attrs, cfg);
    keep_prior(attrs, cfg, prior, &mut o);
    Value::Object(o)
}

fn plan_member(
    cfg: &Value,
    prior: Option<&Value>,
    member_type: Option<&str>,
    port: &Value,
    prior_port: &Value,
) -> Value {
    if !cfg.is_known() {
        return cfg.clone();
    }
    let attrs = nested(&schema().attributes, "members");
    let mut o = with_defaults(attrs, cfg);
    keep_prior(attrs, cfg, prior, &mut o);
    // Unset port: the API uses the channel's port, so follow it when the
    // member had it implicitly; keep an explicit one.
    let member_port = or_else(cfg.get(member::PORT), || {
        match prior.map(|p| p.get(member::PORT)) {
            Some(p) if !p.is_null() && p != prior_port => p.clone(),
            _ => port.clone(),
        }
    });
    // Unpaired for now, but an unknown type or address may pair it with a
    // prior member (and its explicit port) in the final plan.
    let may_pair = member_type.is_none()
        || [member::HOST, member::ECS_ID, member::ECS_NAME]
            .iter()
            .any(|a| !cfg.get(a).is_known());
    let member_port = if prior.is_none() && may_pair && !prior_port.is_null() {
        or_else(cfg.get(member::PORT), || Value::Unknown)
    } else {
        member_port
    };
    set(&mut o, member::PORT, member_port);
    match member_type {
        Some("ip") => {
            let host = cfg.get(member::HOST).clone();
            for a in [member::ECS_ID, member::ECS_NAME] {
                set(&mut o, a, or_else(cfg.get(a), || host.clone()));
            }
        }
        Some(_) => set(
            &mut o,
            member::HOST,
            or_else(cfg.get(member::HOST), || {
                prior_or_unknown(prior, member::HOST)
            }),
        ),
        // Which of them the API derives depends on the unknown type.
        None => {
            for a in [member::HOST, member::ECS_ID, member::ECS_NAME] {
                set(&mut o, a, or_else(cfg.get(a), || Value::Unknown));
            }
        }
    }
    Value::Object(o)
}

fn plan_health(cfg: &Value, prior: &Value) -> Value {
    if cfg.is_null() || !cfg.is_known() {
        return cfg.clone();
    }
    let attrs = nested(&schema().attributes, "vpc_health_config");
    let mut o = with_defaults(attrs, cfg);
    let prior = (!prior.is_null()).then_some(prior);
    // The API may answer in another case: keep the prior spelling when only case differs.
    if let (Some(c), Some(p)) = (
        cfg.get("protocol").as_str(),
        prior.and_then(|p| p.get("protocol").as_str()),
    ) {
        if c.eq_ignore_ascii_case(p) {
            set(&mut o, "protocol", Value::string(p));
        }
    }
    keep_prior(attrs, cfg, prior, &mut o);
    Value::Object(o)
}

fn plan_microservice(cfg: &Value, prior: &Value) -> Value {
    if cfg.is_null() || !cfg.is_known() {
        return cfg.clone();
    }
    let prior = (!prior.is_null()).then_some(prior);
    let mut o: BTreeMap<String, Value> = cfg.as_map().cloned().unwrap_or_default();
    let attrs = nested(&schema().attributes, "microservice_info");
    keep_prior(attrs, cfg, prior, &mut o);
    let computed: [(&str, &[&str]); 3] = [
        (
            "cse_info",
            &[
                "engine_name",
                "service_name",
                "register_address",
                "cse_app_id",
                "version",
            ],
        ),
        ("cce_info", &["cluster_name"]),
        ("cce_service_info", &["cluster_name"]),
    ];
    for (sub, attrs) in computed {
        let c = cfg.get(sub);
        if c.is_null() || !c.is_known() {
            continue;
        }
        let p = prior.map(|p| p.get(sub)).filter(|p| !p.is_null());
        let mut so: BTreeMap<String, Value> = c.as_map().cloned().unwrap_or_default();
        for a in attrs {
            set(&mut so, a, prior_or_unknown(p, a));
        }
        if sub == "cce_info" {
            // Documented: with only app_name, label_key = "app" and label_value = app_name.
            let app = c.get("app_name");
            let (key, val) = if app.is_null() {
                (
                    prior_or_unknown(p, "label_key"),
                    prior_or_unknown(p, "label_value"),
                )
            } else {
                (Value::string("app"), app.clone())
            };
            set(&mut so, "label_key", or_else(c.get("label_key"), || key));
            set(
                &mut so,
                "label_value",
                or_else(c.get("label_value"), || val),
            );
        }
        set(&mut o, sub, Value::Object(so));
    }
    Value::Object(o)
}

/// When the planned list holds exactly the prior elements in another order,
/// keep the prior order: the API does not care, and Terraform accepts a
/// prior value as equivalent to the configuration.
fn keep_prior_order(planned: Value, prior: &Value) -> Value {
    let (Value::List(p), Some(q)) = (&planned, prior.as_list()) else {
        return planned;
    };
    if p.len() != q.len() || p == q {
        return planned;
    }
    let mut used = vec![false; q.len()];
    for x in p {
        match (0..q.len()).find(|&j| !used[j] && &q[j] == x) {
            Some(j) => used[j] = true,
            None => return planned,
        }
    }
    prior.clone()
}

/// The configuration without values on read-only attributes, at any depth.
/// `ignore_changes` makes Terraform copy prior state into the configuration
/// it plans with, read-only attributes included; those are the server's
/// values, not the user's, and Terraform lets the plan disregard them.
pub fn without_read_only(attrs: &[crate::tfplugin::schema::Attribute], v: &Value) -> Value {
    let Value::Object(o) = v else {
        return v.clone();
    };
    let mut out = o.clone();
    for a in attrs {
        let Some(x) = out.get_mut(a.name) else {
            continue;
        };
        if a.is_computed_only() {
            *x = Value::Null;
        } else if let Some(children) = a.children() {
            *x = match &*x {
                Value::List(items) => Value::List(
                    items
                        .iter()
                        .map(|i| without_read_only(children, i))
                        .collect(),
                ),
                other => without_read_only(children, other),
            };
        }
    }
    Value::Object(out)
}

/// The planned state and the paths that force replacement.
pub fn plan(prior: &Value, config: &Value, d: &Defaults) -> (Value, Vec<AttrPath>) {
    if config.is_null() {
        return (Value::Null, Vec::new());
    }
    let has_prior = !prior.is_null();
    let prior_opt = has_prior.then_some(prior);
    let mut o = with_defaults(&schema().attributes, config);

    let provider_default = |v: Option<&str>| v.map(Value::string).unwrap_or(Value::Null);
    set(
        &mut o,
        "project_id",
        or_else(config.get("project_id"), || provider_default(d.project_id)),
    );
    set(
        &mut o,
        "region",
        or_else(config.get("region"), || provider_default(d.region)),
    );
    keep_prior(&schema().attributes, config, prior_opt, &mut o);

    // `None` while unknown: what the API derives for members depends on it.
    let member_type = o
        .get("member_type")
        .and_then(Value::as_str)
        .map(str::to_string);

    let groups = match config.get("member_groups") {
        Value::List(cfg) => {
            let pg = prior.get("member_groups").as_list().unwrap_or_default();
            let pairs = pair(cfg, pg, &group_passes());
            Value::List(
                cfg.iter()
                    .zip(&pairs)
                    .map(|(g, j)| plan_group(g, j.map(|j| &pg[j])))
                    .collect(),
            )
        }
        other => other.clone(),
    };
    set(
        &mut o,
        "member_groups",
        keep_prior_order(groups, prior.get("member_groups")),
    );

    let port = config.get("port").clone();
    let members = match config.get("members") {
        Value::List(cfg) => {
            let pm = prior.get("members").as_list().unwrap_or_default();
            let mt = member_type.as_deref();
            let pairs = match mt {
                Some(t) => pair(cfg, pm, &member_passes(t)),
                None => vec![None; cfg.len()],
            };
            Value::List(
                cfg.iter()
                    .zip(&pairs)
                    .map(|(m, j)| plan_member(m, j.map(|j| &pm[j]), mt, &port, prior.get("port")))
                    .collect(),
            )
        }
        other => other.clone(),
    };
    set(
        &mut o,
        "members",
        keep_prior_order(members, prior.get("members")),
    );
    set(
        &mut o,
        "vpc_health_config",
        plan_health(
            config.get("vpc_health_config"),
            prior.get("vpc_health_config"),
        ),
    );
    set(
        &mut o,
        "microservice_info",
        plan_microservice(
            config.get("microservice_info"),
            prior.get("microservice_info"),
        ),
    );

    let planned = Value::Object(o);
    if !has_prior {
        return (planned, Vec::new());
    }
    if &planned == prior {
        return (prior.clone(), Vec::new());
    }

    let mut replace = Vec::new();
    for a in schema().attributes.iter().filter(|a| a.force_new) {
        // Unknown may turn out different: replace, as the final plan must
        // keep the action planned now.
        let (pv, nv) = (prior.get(a.name), planned.get(a.name));
        if pv != nv {
            replace.push(AttrPath::root().attr(a.name));
        }
    }
    (mark_update_unknowns(planned), replace)
}

/// On a real change, what the API may recompute (attributes flagged
/// `unknown_on_update`) becomes unknown; the ID and creation time stay.
fn mark_update_unknowns(mut planned: Value) -> Value {
    mark_unknowns(&schema().attributes, &mut planned);
    planned
}

fn mark_unknowns(attrs: &[crate::tfplugin::schema::Attribute], v: &mut Value) {
    let Value::Object(o) = v else {
        return;
    };
    for a in attrs {
        if a.unknown_on_update {
            set(o, a.name, Value::Unknown);
        } else if let Some(children) = a.children() {
            match o.get_mut(a.name) {
                Some(Value::List(items)) => {
                    for item in items {
                        mark_unknowns(children, item);
                    }
                }
                Some(item @ Value::Object(_)) => mark_unknowns(children, item),
                _ => {}
            }
        }
    }
}
