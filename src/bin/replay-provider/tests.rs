use super::*;
use hwprovider::provider::vpc_channel;

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("replay-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn validate(config: &[u8]) -> Request<proto::validate_resource_config::Request> {
    Request::new(proto::validate_resource_config::Request {
        type_name: vpc_channel::schema::TYPE_NAME.into(),
        config: Some(proto::DynamicValue {
            msgpack: config.to_vec(),
            json: Vec::new(),
        }),
        ..Default::default()
    })
}

#[test]
fn entries_round_trip_and_a_cut_file_is_refused() {
    let mut b = encode_entry((7, 3), b"abc");
    b.extend(encode_entry((u64::MAX, 0), b""));
    assert_eq!(
        decode_entries(&b),
        Some(vec![((7, 3), b"abc".to_vec()), ((u64::MAX, 0), Vec::new())])
    );
    assert_eq!(decode_entries(&b[..b.len() - 1]), None);
    assert_eq!(decode_entries(&b[..18]), None);
}

#[test]
fn keys_differ_with_the_request() {
    let a = key(validate(b"\x80").get_ref());
    assert_eq!(a, key(validate(b"\x80").get_ref()));
    assert_ne!(a, key(validate(b"\x81").get_ref()));
}

/// What the real provider answered is what the replay answers, byte for
/// byte; an unrecorded request is a miss, failed and written down.
#[test]
fn replay_answers_what_was_recorded_and_counts_misses() {
    let dir = temp_dir("round-trip");
    let rec = plugin(None, dir.clone());
    // A null config: valid, and an error-free answer from the real handler.
    let (schema, valid) = run(async {
        let s = rec.get_provider_schema(Request::new(Default::default()));
        let s = s.await.unwrap().into_inner();
        let v = rec.validate_resource_config(validate(b"\xc0")).await;
        (s, v.unwrap().into_inner())
    });
    assert!(!schema.resource_schemas.is_empty());

    let rep = plugin(Some(dir.clone()), PathBuf::new());
    run(async {
        let s = rep.get_provider_schema(Request::new(Default::default()));
        assert_eq!(s.await.unwrap().into_inner(), schema);
        let v = rep.validate_resource_config(validate(b"\xc0")).await;
        assert_eq!(v.unwrap().into_inner(), valid);
        let miss = rep.validate_resource_config(validate(b"\x80")).await;
        assert_eq!(miss.unwrap_err().code(), tonic::Code::NotFound);
        let never = rep.stop_provider(Request::new(Default::default())).await;
        assert_eq!(never.unwrap_err().code(), tonic::Code::NotFound);
    });
    let misses = std::fs::read_to_string(dir.join("misses")).unwrap();
    let rpcs: Vec<&str> = misses
        .lines()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(rpcs, ["validate_resource_config", "stop_provider"]);
    let _ = std::fs::remove_dir_all(&dir);
}
