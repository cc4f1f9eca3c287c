//! The protocol layer with a provider of its own: a test resource and a test
//! data source registered with one line each, spoken to through the gRPC
//! service. Proves routing by type name, the DataSource path, and the shared
//! RPC skeleton (not-configured, unknown types, panics, undecodable input).

use std::sync::{Arc, Mutex, OnceLock};

use hwprovider::tfplugin::codec::{decode_msgpack, encode_msgpack};
use hwprovider::tfplugin::diag::Diagnostic;
use hwprovider::tfplugin::grpc::Server;
use hwprovider::tfplugin::proto;
use hwprovider::tfplugin::proto::provider_server::Provider as _;
use hwprovider::tfplugin::provider::{
    Answer, Create, DataSource, Delete, Imported, Plan, PlanResponse, Provider, Read, Resource,
    StateResponse, Update,
};
use hwprovider::tfplugin::registry::Registry;
use hwprovider::tfplugin::schema::{self, Attribute, Check, Schema};
use hwprovider::tfplugin::value::{AttrPath, Type, Value};
use tonic::Request;

/// What configure produced: a greeting prefix.
struct Ctx {
    prefix: String,
}

fn greeting_schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| Schema {
        version: 0,
        description: "Greets a name.",
        attributes: vec![
            Attribute::required("name", Type::String, "Who to greet.").check(Check::Length(1, 5)),
            Attribute::computed("greeting", Type::String, "The greeting."),
        ],
    })
}

struct Greeting;

#[tonic::async_trait]
impl DataSource<Ctx> for Greeting {
    fn type_name(&self) -> &'static str {
        "test_greeting"
    }
    fn schema(&self) -> &'static Schema {
        greeting_schema()
    }
    fn validate(&self, config: &Value) -> Vec<Diagnostic> {
        let mut d = Vec::new();
        schema::validate(
            &greeting_schema().attributes,
            config,
            &AttrPath::root(),
            &mut d,
        );
        d
    }
    async fn read(&self, ctx: &Ctx, config: Value) -> StateResponse {
        let name = config.get("name").as_str().unwrap_or_default();
        if name == "boom" {
            panic!("data source exploded");
        }
        let greeting = Value::string(format!("{}, {name}", ctx.prefix));
        StateResponse {
            state: Value::object([("name", Value::string(name)), ("greeting", greeting)]),
            ..Default::default()
        }
    }
}

fn thing_schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| Schema {
        version: 1,
        description: "A thing.",
        attributes: vec![
            Attribute::required("name", Type::String, "Its name."),
            Attribute::computed("id", Type::String, "Its ID."),
        ],
    })
}

/// Records which lifecycle call each apply reached.
#[derive(Clone, Default)]
struct Thing(Arc<Mutex<Vec<&'static str>>>);

impl Thing {
    fn log(&self, call: &'static str) {
        self.0.lock().unwrap().push(call);
    }
}

#[tonic::async_trait]
impl Resource<Ctx> for Thing {
    type State = Value;
    fn type_name(&self) -> &'static str {
        "test_thing"
    }
    fn schema(&self) -> &'static Schema {
        thing_schema()
    }
    fn validate(&self, _: &Value) -> Vec<Diagnostic> {
        self.log("validate");
        Vec::new()
    }
    async fn plan(&self, ctx: Option<&Ctx>, req: Plan<Value>) -> PlanResponse {
        self.log(if ctx.is_some() {
            "plan"
        } else {
            "plan-unconfigured"
        });
        PlanResponse {
            planned: req.values.proposed,
            private: req.values.prior_private,
            ..Default::default()
        }
    }
    async fn read(&self, _: &Ctx, req: Read<Value>) -> Answer<Value> {
        self.log("read");
        Answer {
            state: Some(req.state),
            private: req.private,
            diags: Vec::new(),
        }
    }
    async fn create(&self, _: &Ctx, req: Create<Value>) -> Answer<Value> {
        self.log("create");
        let name = req.planned.get("name").clone();
        Answer {
            state: Some(Value::object([
                ("name", name),
                ("id", Value::string("t-1")),
            ])),
            ..Answer::gone()
        }
    }
    async fn update(&self, _: &Ctx, req: Update<Value>) -> Answer<Value> {
        self.log("update");
        Answer {
            state: Some(req.planned),
            ..Answer::gone()
        }
    }
    async fn delete(&self, _: &Ctx, _: Delete<Value>) -> Answer<Value> {
        self.log("delete");
        Answer::gone()
    }
    async fn import(&self, _: Option<&Ctx>, id: &str) -> Result<Imported, Diagnostic> {
        self.log("import");
        Ok(Imported {
            state: Value::object([("id", Value::string(id))]),
            private: b"imported".to_vec(),
        })
    }
}

struct TestProvider {
    thing: Thing,
}

fn provider_schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| Schema {
        version: 0,
        description: "Test provider.",
        attributes: vec![Attribute::optional("prefix", Type::String, "Greeting.")],
    })
}

#[tonic::async_trait]
impl Provider for TestProvider {
    type Context = Ctx;
    fn schema(&self) -> &'static Schema {
        provider_schema()
    }
    fn registry(&self) -> Registry<Ctx> {
        Registry::new()
            .resource(self.thing.clone())
            .data_source(Greeting)
    }
    fn validate_provider_config(&self, _: &Value) -> Vec<Diagnostic> {
        Vec::new()
    }
    async fn configure(&self, config: &Value, _: &str) -> Result<Ctx, Vec<Diagnostic>> {
        match config.get("prefix").as_str() {
            Some("") => Err(vec![Diagnostic::error("Empty prefix", "Set a prefix.")]),
            p => Ok(Ctx {
                prefix: p.unwrap_or("Hello").to_string(),
            }),
        }
    }
    fn stop(&self) {}
}

fn server() -> (Server<TestProvider>, Thing) {
    let thing = Thing::default();
    let p = TestProvider {
        thing: thing.clone(),
    };
    (Server::new(Arc::new(p)), thing)
}

fn dv(v: &Value, s: &Schema) -> Option<proto::DynamicValue> {
    Some(proto::DynamicValue {
        msgpack: encode_msgpack(v, &s.value_type()).unwrap(),
        json: Vec::new(),
    })
}

fn undv(d: &Option<proto::DynamicValue>, s: &Schema) -> Value {
    decode_msgpack(&d.as_ref().unwrap().msgpack, &s.value_type()).unwrap()
}

fn summaries(d: &[proto::Diagnostic]) -> Vec<&str> {
    d.iter().map(|d| d.summary.as_str()).collect()
}

async fn configure(s: &Server<TestProvider>, prefix: &str) -> Vec<proto::Diagnostic> {
    let cfg = Value::object([("prefix", Value::string(prefix))]);
    s.configure_provider(Request::new(proto::configure_provider::Request {
        config: dv(&cfg, provider_schema()),
        ..Default::default()
    }))
    .await
    .unwrap()
    .into_inner()
    .diagnostics
}

async fn read_greeting(s: &Server<TestProvider>, name: &str) -> proto::read_data_source::Response {
    let cfg = Value::object([("name", Value::string(name)), ("greeting", Value::Null)]);
    s.read_data_source(Request::new(proto::read_data_source::Request {
        type_name: "test_greeting".into(),
        config: dv(&cfg, greeting_schema()),
        ..Default::default()
    }))
    .await
    .unwrap()
    .into_inner()
}

#[tokio::test]
async fn schema_and_metadata_come_from_the_registry() {
    let (s, _) = server();
    let r = s
        .get_provider_schema(Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    let ds = &r.data_source_schemas["test_greeting"];
    let names: Vec<_> = (ds.block.as_ref().unwrap().attributes.iter())
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["name", "greeting"]);
    assert_eq!(r.resource_schemas["test_thing"].version, 1);
    assert_eq!(r.resource_schemas.len(), 1);
    assert_eq!(r.data_source_schemas.len(), 1);

    let m = s
        .get_metadata(Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(m.data_sources[0].type_name, "test_greeting");
    assert_eq!(m.resources[0].type_name, "test_thing");
}

#[tokio::test]
async fn data_source_config_is_validated_by_its_schema() {
    let (s, _) = server();
    let validate = |name: &str| {
        let cfg = Value::object([("name", Value::string(name)), ("greeting", Value::Null)]);
        s.validate_data_resource_config(Request::new(
            proto::validate_data_resource_config::Request {
                type_name: "test_greeting".into(),
                config: dv(&cfg, greeting_schema()),
            },
        ))
    };
    let ok = validate("Ada").await.unwrap().into_inner();
    assert!(ok.diagnostics.is_empty(), "{:?}", ok.diagnostics);
    let bad = validate("Grace Hopper").await.unwrap().into_inner();
    assert_eq!(bad.diagnostics.len(), 1);
    let step = &bad.diagnostics[0].attribute.as_ref().unwrap().steps[0];
    assert_eq!(
        step.selector,
        Some(proto::attribute_path::step::Selector::AttributeName(
            "name".into()
        ))
    );
}

#[tokio::test]
async fn data_source_reads_with_the_configured_context() {
    let (s, _) = server();
    let before = read_greeting(&s, "Ada").await;
    assert_eq!(summaries(&before.diagnostics), ["Provider not configured"]);
    assert!(before.state.is_none());

    assert!(configure(&s, "").await[0].summary.contains("Empty prefix"));
    assert_eq!(
        summaries(&read_greeting(&s, "Ada").await.diagnostics),
        ["Provider not configured"],
        "a failed configure leaves the provider unconfigured"
    );

    assert!(configure(&s, "Hi").await.is_empty());
    let r = read_greeting(&s, "Ada").await;
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(
        undv(&r.state, greeting_schema()).get("greeting"),
        &Value::string("Hi, Ada")
    );

    let boom = read_greeting(&s, "boom").await;
    assert_eq!(summaries(&boom.diagnostics), ["Internal provider error"]);
    assert!(boom.diagnostics[0].detail.contains("data source exploded"));
}

#[tokio::test]
async fn unknown_type_names_are_diagnosed() {
    let (s, _) = server();
    configure(&s, "Hi").await;
    let r = s
        .read_data_source(Request::new(proto::read_data_source::Request {
            type_name: "test_thing".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&r.diagnostics), ["Unknown data source"]);
    let r = s
        .validate_resource_config(Request::new(proto::validate_resource_config::Request {
            type_name: "test_greeting".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&r.diagnostics), ["Unknown resource type"]);
}

#[tokio::test]
async fn apply_routes_to_create_update_and_delete() {
    let (s, thing) = server();
    let sch = thing_schema();
    let a = Value::object([("name", Value::string("a")), ("id", Value::Unknown)]);
    let apply = |prior: Value, planned: Value| {
        s.apply_resource_change(Request::new(proto::apply_resource_change::Request {
            type_name: "test_thing".into(),
            prior_state: dv(&prior, sch),
            planned_state: dv(&planned, sch),
            config: dv(&Value::Null, sch),
            ..Default::default()
        }))
    };
    let unconfigured = apply(Value::Null, a.clone()).await.unwrap().into_inner();
    assert_eq!(
        summaries(&unconfigured.diagnostics),
        ["Provider not configured"]
    );
    configure(&s, "Hi").await;

    let created = apply(Value::Null, a.clone()).await.unwrap().into_inner();
    let state = undv(&created.new_state, sch);
    assert_eq!(state.get("id"), &Value::string("t-1"));
    let updated = apply(state.clone(), state.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(undv(&updated.new_state, sch), state);
    let deleted = apply(state, Value::Null).await.unwrap().into_inner();
    assert!(undv(&deleted.new_state, sch).is_null());
    assert_eq!(*thing.0.lock().unwrap(), ["create", "update", "delete"]);
}

#[tokio::test]
async fn plan_and_import_run_before_configure() {
    let (s, thing) = server();
    let sch = thing_schema();
    let proposed = Value::object([("name", Value::string("a")), ("id", Value::Unknown)]);
    let p = s
        .plan_resource_change(Request::new(proto::plan_resource_change::Request {
            type_name: "test_thing".into(),
            prior_state: dv(&Value::Null, sch),
            proposed_new_state: dv(&proposed, sch),
            config: dv(&proposed, sch),
            prior_private: b"p".to_vec(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    assert_eq!(undv(&p.planned_state, sch), proposed);
    assert_eq!(p.planned_private, b"p");

    let i = s
        .import_resource_state(Request::new(proto::import_resource_state::Request {
            type_name: "test_thing".into(),
            id: "t-9".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let it = &i.imported_resources[0];
    assert_eq!(it.type_name, "test_thing");
    assert_eq!(it.private, b"imported");
    assert_eq!(undv(&it.state, sch).get("id"), &Value::string("t-9"));
    assert_eq!(*thing.0.lock().unwrap(), ["plan-unconfigured", "import"]);
}

#[tokio::test]
async fn undecodable_input_fails_before_provider_code() {
    let (s, thing) = server();
    let r = s
        .validate_resource_config(Request::new(proto::validate_resource_config::Request {
            type_name: "test_thing".into(),
            config: Some(proto::DynamicValue {
                msgpack: vec![0xc1],
                json: Vec::new(),
            }),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        summaries(&r.diagnostics),
        ["Invalid resource configuration from Terraform"]
    );
    assert!(thing.0.lock().unwrap().is_empty());
}
