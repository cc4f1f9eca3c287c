//! The registry by name, and the adapter that erases a typed resource:
//! states decoded once into the kind's struct, answers encoded back,
//! applies routed, undecodable values answered without calling the kind.

use std::sync::{Mutex, OnceLock};

use super::*;
use crate::tfplugin::schema::Attribute;
use crate::tfplugin::typed::Tf;
use crate::tfplugin::value::{test_value as v, AttrPath};

crate::tf_object! {
    struct Thing {
        id: String = ID "id",
        name: String = NAME "name",
        size: i64 = SIZE "size",
        count: i64 = COUNT "count",
    }
}

/// `count` has no check: a fraction passes validation but not decoding.
fn thing_schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| Schema {
        version: 0,
        description: "A thing.",
        attributes: vec![
            Attribute::computed(Thing::ID, Type::String, "i").keep_prior(),
            Attribute::required(Thing::NAME, Type::String, "n").force_new(),
            Attribute::optional(Thing::SIZE, Type::Number, "s")
                .default(Value::int(1))
                .check(crate::tfplugin::schema::Check::Range(1, 9)),
            Attribute::optional(Thing::COUNT, Type::Number, "c"),
        ],
    })
}

/// Records what each call received, as typed state.
#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl Recorder {
    fn log(&self, s: String) {
        self.0.lock().unwrap().push(s);
    }
    fn calls(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

#[tonic::async_trait]
impl Resource<()> for Recorder {
    type State = Thing;
    fn type_name(&self) -> &'static str {
        "test_thing"
    }
    fn schema(&self) -> &'static Schema {
        thing_schema()
    }
    async fn plan(&self, _: Option<&()>, req: Plan<Thing>) -> PlanResponse {
        let c = req.config.as_ref();
        let id = c.map(|c| c.id.clone());
        self.log(format!("plan prior={} id={id:?}", req.prior.is_some()));
        PlanResponse {
            planned: req.values.config,
            ..Default::default()
        }
    }
    async fn read(&self, _: &(), req: Read<Thing>) -> Answer<Thing> {
        self.log(format!("read {:?}", req.state.name.str()));
        let mut state = req.state;
        state.size = Tf::Known(7);
        Answer {
            state: Some(state),
            private: req.private,
            diags: Vec::new(),
        }
    }
    async fn create(&self, _: &(), req: Create<Thing>) -> Answer<Thing> {
        self.log(format!("create config={:?}", req.config.name.str()));
        let mut state = req.planned;
        state.id = Tf::Known("t-1".into());
        Answer {
            state: Some(state),
            ..Answer::gone()
        }
    }
    async fn update(&self, _: &(), req: Update<Thing>) -> Answer<Thing> {
        self.log(format!("update {:?}", req.prior.id.str()));
        Answer {
            state: Some(req.planned),
            ..Answer::gone()
        }
    }
    async fn delete(&self, _: &(), req: Delete<Thing>) -> Answer<Thing> {
        self.log(format!("delete {:?}", req.prior.id.str()));
        Answer::gone()
    }
}

/// Only the core: every default body.
struct Plain;

#[tonic::async_trait]
impl Resource<()> for Plain {
    type State = Thing;
    fn type_name(&self) -> &'static str {
        "test_plain"
    }
    fn schema(&self) -> &'static Schema {
        thing_schema()
    }
    async fn read(&self, _: &(), req: Read<Thing>) -> Answer<Thing> {
        Answer {
            state: Some(req.state),
            ..Answer::gone()
        }
    }
    async fn create(&self, _: &(), _: Create<Thing>) -> Answer<Thing> {
        Answer::gone()
    }
    async fn update(&self, _: &(), _: Update<Thing>) -> Answer<Thing> {
        Answer::gone()
    }
    async fn delete(&self, _: &(), _: Delete<Thing>) -> Answer<Thing> {
        Answer::gone()
    }
}

fn plan_request(prior: Value, config: Value) -> PlanRequest {
    PlanRequest {
        prior,
        proposed: Value::Null,
        config,
        prior_private: b"p".to_vec(),
    }
}

fn apply(prior: Value, planned: Value, config: Value) -> ApplyRequest {
    ApplyRequest {
        prior,
        planned,
        config,
        private: Vec::new(),
    }
}

#[test]
fn types_are_found_by_name_and_listed_in_name_order() {
    let r: Registry<()> = Registry::new()
        .resource(Recorder::default())
        .resource(Plain);
    let names: Vec<&str> = r.resources().map(|(n, _)| n).collect();
    assert_eq!(names, ["test_plain", "test_thing"]);
    let e = r.get_resource("test_thing").ok().unwrap();
    assert_eq!(e.value_type, thing_schema().value_type());
    assert!(e.identity.is_none() && r.identities().next().is_none());
    let d = r.get_resource("test_nope").err().unwrap();
    assert_eq!(d.summary, "Unknown resource type");
    assert!(d.detail.contains("\"test_nope\""));
    assert_eq!(
        r.get_data_source("test_thing").err().unwrap().summary,
        "Unknown data source"
    );
    assert_eq!(
        r.get_list_resource("test_thing").err().unwrap().summary,
        "Unknown list resource"
    );
}

#[tokio::test]
async fn plan_hands_the_kind_typed_states_with_read_only_values_dropped() {
    let k = Recorder::default();
    let cfg = v(serde_json::json!({"id": "copied", "name": "a", "size": 2}));
    let r = ErasedResource::plan(&k, None, plan_request(Value::Null, cfg)).await;
    assert_eq!(k.calls(), ["plan prior=false id=Some(Null)"]);
    assert!(r.planned.get("id").is_null(), "the values dropped it too");
    assert_eq!(r.planned.get("name"), &Value::string("a"));
}

#[tokio::test]
async fn a_configuration_that_does_not_decode_never_reaches_the_kind() {
    let k = Recorder::default();
    // Refused by the schema's checks: their errors are the answer.
    let cfg = v(serde_json::json!({"name": "a", "size": 1.5}));
    let r = ErasedResource::plan(&k, None, plan_request(Value::Null, cfg)).await;
    assert_eq!(r.diags.len(), 1);
    assert_eq!(r.diags[0].path, Some(AttrPath::root().attr("size")));
    // Passed by them: the struct and the schema disagree.
    let cfg = v(serde_json::json!({"name": "a", "count": 2.5}));
    let r = ErasedResource::plan(&k, None, plan_request(Value::Null, cfg)).await;
    assert_eq!(r.diags[0].summary, "Internal provider error");
    assert!(r.diags[0].detail.contains("`count` is not a whole number"));
    assert!(k.calls().is_empty(), "{:?}", k.calls());
}

#[tokio::test]
async fn the_default_plan_follows_the_schema_flags() {
    let cfg = v(serde_json::json!({"name": "a"}));
    let r = ErasedResource::plan(&Plain, None, plan_request(Value::Null, cfg)).await;
    assert!(r.planned.get("id").is_unknown());
    assert_eq!(r.planned.get("size"), &Value::int(1));
    assert_eq!(r.private, b"p", "the prior private data carries over");
    let prior = v(serde_json::json!({"id": "t-1", "name": "a", "size": 1}));
    let renamed = v(serde_json::json!({"name": "b"}));
    let r = ErasedResource::plan(&Plain, None, plan_request(prior, renamed)).await;
    assert_eq!(r.requires_replace, [AttrPath::root().attr("name")]);
    assert_eq!(r.planned.get("id"), &Value::string("t-1"));
}

#[tokio::test]
async fn read_decodes_once_and_encodes_the_kinds_answer() {
    let k = Recorder::default();
    let state = v(serde_json::json!({"id": "t-1", "name": "a", "size": 1}));
    let r = ErasedResource::read(&k, &(), state, b"x".to_vec()).await;
    assert_eq!(k.calls(), ["read Some(\"a\")"]);
    assert_eq!(r.state.get("size"), &Value::int(7));
    assert!(r.state.get("count").is_null(), "every attribute is written");
    assert_eq!(r.private, b"x");
}

#[tokio::test]
async fn read_of_nothing_or_of_a_misfit_does_not_call_the_kind() {
    let k = Recorder::default();
    let r = ErasedResource::read(&k, &(), Value::Null, b"x".to_vec()).await;
    assert!(r.state.is_null() && r.diags.is_empty());
    assert_eq!(r.private, b"x");
    let odd = v(serde_json::json!({"id": "t-1", "name": 5}));
    let r = ErasedResource::read(&k, &(), odd.clone(), Vec::new()).await;
    assert_eq!(r.state, odd, "kept as Terraform had it");
    assert_eq!(r.diags[0].summary, "Internal provider error");
    assert!(k.calls().is_empty());
}

#[tokio::test]
async fn apply_routes_by_which_states_are_null() {
    let k = Recorder::default();
    let planned = v(serde_json::json!({"id": null, "name": "a", "size": 1}));
    let created = ErasedResource::apply(&k, &(), apply(Value::Null, planned, Value::Null)).await;
    assert_eq!(created.state.get("id"), &Value::string("t-1"));
    let state = created.state;
    let r = ErasedResource::apply(&k, &(), apply(state.clone(), state.clone(), state.clone()));
    assert_eq!(r.await.state, state);
    let r = ErasedResource::apply(&k, &(), apply(state.clone(), Value::Null, Value::Null)).await;
    assert!(r.state.is_null() && r.diags.is_empty());
    assert_eq!(
        k.calls(),
        [
            "create config=None",
            "update Some(\"t-1\")",
            "delete Some(\"t-1\")"
        ]
    );
}

#[tokio::test]
async fn an_apply_that_does_not_decode_keeps_the_prior_state() {
    let k = Recorder::default();
    let prior = v(serde_json::json!({"id": "t-1", "name": "a"}));
    let odd = v(serde_json::json!({"id": "t-1", "name": "a", "count": 0.5}));
    let r = ErasedResource::apply(&k, &(), apply(prior.clone(), odd, Value::Null)).await;
    assert_eq!(r.state, prior);
    assert_eq!(r.diags[0].summary, "Internal provider error");
    let r = ErasedResource::apply(&k, &(), apply(Value::Null, Value::Null, Value::Null)).await;
    assert!(r.diags[0].detail.contains("null prior state"));
    assert!(k.calls().is_empty());
}

#[tokio::test]
async fn without_an_override_there_is_no_import_and_no_identity() {
    let e = ErasedResource::import(&Plain, None, "x")
        .await
        .err()
        .unwrap();
    assert_eq!(e.summary, "Import not supported");
    let by_identity = ErasedResource::import_identity(&Plain, None, &Value::Null).await;
    assert_eq!(
        by_identity.err().unwrap().summary,
        "Import by identity not supported"
    );
    let state = v(serde_json::json!({"id": "t-1", "name": "a"}));
    assert_eq!(ErasedResource::identity(&Plain, &state), Value::Null);
    let generated = ErasedResource::generate_config(&Plain, None, &state).await;
    assert!(generated.unwrap().get("id").is_null(), "read-only left out");
}
