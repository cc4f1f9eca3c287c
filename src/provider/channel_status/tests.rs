//! The template kind through the protocol layer's registry (as the gRPC
//! service calls it) against the in-process emulator, and the proof that
//! a kind is a folder: what outside it refers to it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::*;
use crate::apig::client::{Client, ClientOptions, Credentials, Target};
use crate::apig::models::{ChannelRequest, MemberInfo};
use crate::emulator::{self, Handle, Options, DEFAULT_TOKEN};
use crate::provider::HuaweiCloud;
use crate::tfplugin::provider::{ApplyRequest, PlanRequest, Provider};
use crate::tfplugin::value::{test_value as v, Value};

const GW: &str = "0123456789abcdef0123456789abcdef";
const PROJECT: &str = "proj";

/// Every file under `src/` outside this folder that names it.
fn referrers() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let folder = root.join("src/provider/channel_status");
    let mut found = Vec::new();
    let mut dirs = vec![root.join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p: PathBuf = entry.path();
            if p.is_dir() && p != folder {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                if text.contains("channel_status") && !p.starts_with(&folder) {
                    found.push(p.strip_prefix(root).unwrap().display().to_string());
                }
            }
        }
    }
    found.sort();
    found
}

#[test]
fn the_kind_touches_at_most_three_files_outside_its_folder() {
    let files = referrers();
    assert_eq!(files, ["src/provider/mod.rs"], "files outside the folder");
    assert!(files.len() <= 3);
    let registry = HuaweiCloud::new().registry();
    assert!(registry.get_resource(TYPE_NAME).is_ok(), "registered");
}

#[test]
fn the_schema_and_the_state_list_the_same_attributes() {
    let names: Vec<&str> = schema().attributes.iter().map(|a| a.name).collect();
    let mut declared = Status::NAMES.to_vec();
    let mut listed = names.clone();
    declared.sort();
    listed.sort();
    assert_eq!(declared, listed);
    assert_eq!(
        &names[..4],
        [
            Status::ID,
            Scope::INSTANCE_ID,
            Scope::PROJECT_ID,
            Scope::REGION
        ]
    );
}

#[test]
fn a_bad_channel_id_is_refused_at_validate() {
    let r = HuaweiCloud::new().registry();
    let entry = r.get_resource(TYPE_NAME).unwrap();
    let diags = entry.handler.validate(&config("../../v3/users"));
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(diags[0].detail.contains("hyphens"), "{}", diags[0].detail);
}

fn config(channel_id: &str) -> Value {
    let set = vec![
        (Status::INSTANCE_ID, v(GW.into())),
        (Status::CHANNEL_ID, v(channel_id.into())),
    ];
    schema().object_with(set)
}

/// No process environment: only the configuration counts.
fn no_env(_: &str) -> Option<String> {
    None
}

async fn setup() -> (Handle, crate::provider::Configured, Client, Target) {
    let h = emulator::start(Options {
        instances: vec![GW.into()],
        ..Options::default()
    })
    .await
    .unwrap();
    let endpoints = [("apig".to_string(), Value::string(&h.url))]
        .into_iter()
        .collect();
    let cfg = crate::provider::config::schema().object_with(vec![
        ("region", Value::string("cn-north-4")),
        ("project_id", Value::string(PROJECT)),
        ("token", Value::string(DEFAULT_TOKEN)),
        ("endpoints", Value::Map(endpoints)),
    ]);
    let ctx = HuaweiCloud::new()
        .configure_with(&cfg, "1.11.4", no_env)
        .await
        .unwrap_or_else(|d| panic!("configure: {d:?}"));
    let mut o = ClientOptions::new(Credentials::Token(DEFAULT_TOKEN.into()), "status-test/1");
    o.backoff_base = Duration::from_millis(1);
    let client = Client::new(o, CancellationToken::new()).unwrap();
    let t = Target {
        base_url: h.url.clone(),
        project_id: PROJECT.into(),
        instance_id: GW.into(),
    };
    (h, ctx, client, t)
}

fn channel(name: &str, hosts: &[&str]) -> ChannelRequest {
    ChannelRequest {
        name: name.into(),
        port: 80,
        balance_strategy: 1,
        member_type: "ip".into(),
        members: Some(
            hosts
                .iter()
                .map(|h| MemberInfo {
                    host: Some(h.to_string()),
                    ..Default::default()
                })
                .collect(),
        ),
        ..Default::default()
    }
}

#[tokio::test]
async fn create_reads_the_channel_read_follows_it_delete_sends_nothing() {
    let (h, ctx, client, t) = setup().await;
    let ch = (client
        .create_channel(&t, &channel("web", &["10.0.0.1", "10.0.0.2"]))
        .await)
        .unwrap();
    let r = HuaweiCloud::new().registry();
    let status = &r.get_resource(TYPE_NAME).unwrap().handler;
    let cfg = config(&ch.id);

    let plan = (status.plan(
        Some(&ctx),
        PlanRequest {
            prior: Value::Null,
            proposed: cfg.clone(),
            config: cfg.clone(),
            prior_private: Vec::new(),
        },
    ))
    .await;
    assert!(plan.diags.is_empty(), "{:?}", plan.diags);
    assert!(plan.planned.get(Status::MEMBER_COUNT).is_unknown());
    let created = (status.apply(
        &ctx,
        ApplyRequest {
            prior: Value::Null,
            planned: plan.planned,
            config: cfg.clone(),
            private: Vec::new(),
        },
    ))
    .await;
    assert!(created.diags.is_empty(), "{:?}", created.diags);
    let s = &created.state;
    assert_eq!(s.get(Status::ID).as_str(), Some(ch.id.as_str()));
    assert_eq!(s.get(Status::NAME).as_str(), Some("web"));
    assert_eq!(s.get(Status::MEMBER_COUNT).as_i64(), Some(2));
    assert_eq!(s.get(Status::PROJECT_ID).as_str(), Some(PROJECT));

    // Planned again: no change; another channel replaces it.
    let again = |prior: &Value, config: &Value| PlanRequest {
        prior: prior.clone(),
        proposed: config.clone(),
        config: config.clone(),
        prior_private: Vec::new(),
    };
    let same = status.plan(Some(&ctx), again(&created.state, &cfg)).await;
    assert_eq!(same.planned, created.state);
    assert!(same.requires_replace.is_empty());
    let other = status
        .plan(Some(&ctx), again(&created.state, &config("other")))
        .await;
    let replaced: Vec<String> = other
        .requires_replace
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(replaced, [Status::CHANNEL_ID]);

    // The channel changes behind Terraform's back: read follows it.
    let mut changed = channel("web", &["10.0.0.3"]);
    changed.name = "web2".into();
    (client.update_channel(&t, &ch.id, &changed).await).unwrap();
    let read = status.read(&ctx, created.state.clone(), Vec::new()).await;
    assert_eq!(read.state.get(Status::NAME).as_str(), Some("web2"));
    assert_eq!(read.state.get(Status::MEMBER_COUNT).as_i64(), Some(1));

    // Delete forgets: nothing is sent, the channel stays.
    let before = h.emulator().requests(None).len();
    let deleted = (status.apply(
        &ctx,
        ApplyRequest {
            prior: read.state.clone(),
            planned: Value::Null,
            config: Value::Null,
            private: Vec::new(),
        },
    ))
    .await;
    assert!(deleted.state.is_null() && deleted.diags.is_empty());
    assert_eq!(
        h.emulator().requests(None).len(),
        before,
        "delete sent a request"
    );
    assert!(client.show_channel(&t, &ch.id).await.is_ok());

    // Gone from the gateway: read says so, create refuses.
    (client.delete_channel(&t, &ch.id).await).unwrap();
    let gone = status.read(&ctx, read.state, Vec::new()).await;
    assert!(
        gone.state.is_null() && gone.diags.is_empty(),
        "{:?}",
        gone.diags
    );
    let refused = (status.apply(
        &ctx,
        ApplyRequest {
            prior: Value::Null,
            planned: cfg.clone(),
            config: cfg,
            private: Vec::new(),
        },
    ))
    .await;
    assert_eq!(refused.diags.len(), 1);
    assert!(refused.diags[0].detail.contains("has no VPC channel"));
}
