//! Running the emulator: injected faults and latency, the admin API, the
//! state file across restarts, TLS and parallel clients.

use std::time::Duration;

use serde_json::{json, Value};

use super::tests::{chans, client, demo, minimal, opts, GW, T};
use super::*;

#[tokio::test]
async fn faults() {
    let t = T::new(opts()).await;
    let fault = |v: Value| t.admin("POST", "faults", Some(v));
    let post = |name: &str| t.post_raw(minimal(name).to_string());
    let (s, _) =
        fault(json!({"method": "POST", "status": 429, "count": 1, "retry_after": 2})).await;
    assert_eq!(s, 201);
    let r = post("f_one").await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["retry-after"], "2");
    t.create(&minimal("f_one")).await;

    fault(json!({"method": "*", "path_contains": "vpc-channels", "status": 500, "count": 2})).await;
    for _ in 0..2 {
        let (s, e) = t.api("GET", "", None).await;
        assert_eq!((s, e["error_code"].as_str().unwrap()), (500, "APIG.9999"));
    }
    assert_eq!(t.api("GET", "", None).await.0, 200);

    // drop: nothing happens, no answer
    fault(json!({"method": "POST", "drop": true})).await;
    let r = post("f_dropped").await;
    assert!(r.is_err(), "{r:?}");
    assert_eq!(t.api("GET", "?name=f_dropped", None).await.1["total"], 0);

    // drop after commit: created, yet no answer
    fault(json!({"method": "POST", "drop_after_commit": true})).await;
    let r = post("f_committed").await;
    assert!(r.is_err(), "{r:?}");
    assert_eq!(t.api("GET", "?name=f_committed", None).await.1["total"], 1);

    // latency, then served
    fault(json!({"method": "GET", "latency_ms": 300})).await;
    let t0 = std::time::Instant::now();
    assert_eq!(t.api("GET", "", None).await.0, 200);
    assert!(t0.elapsed() >= Duration::from_millis(290));

    // custom code; admin calls are never faulted
    fault(json!({"status": 500, "error_code": "APIG.9999", "error_msg": "concurrent change", "count": 0})).await;
    assert_eq!(t.admin("GET", "channels", None).await.0, 200);
    assert_eq!(
        t.api("GET", "", None).await.1["error_msg"],
        "concurrent change"
    );
    let (_, listed) = t.admin("GET", "faults", None).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(t.admin("DELETE", "faults", None).await.0, 204);
    assert_eq!(t.api("GET", "", None).await.0, 200);

    let (s, e) = fault(json!({"method": "GET"})).await;
    assert_eq!(s, 400, "{e}");

    let (_, reqs) = t.admin("GET", "requests", None).await;
    let reqs = reqs.as_array().unwrap();
    assert!(reqs
        .iter()
        .any(|r| r["dropped"] == true && r["status"] == 0));
    assert!(reqs
        .iter()
        .any(|r| r["dropped"] == true && r["status"] == 201));
}

#[tokio::test]
async fn admin_api() {
    let t = T::new(opts()).await;
    let c = t.create(&demo("bound_chan")).await;
    let id = c["id"].as_str().unwrap();
    let (s, b) = t
        .admin("POST", &format!("channels/{id}/bind-api"), None)
        .await;
    assert_eq!((s, b["bound_apis"].clone()), (200, json!(1)));
    let (s, e) = t.api("DELETE", &format!("/{id}"), None).await;
    assert_eq!((s, e["error_code"].as_str().unwrap()), (403, "APIG.3414"));
    t.admin("POST", &format!("channels/{id}/unbind-api"), None)
        .await;
    assert_eq!(t.api("DELETE", &format!("/{id}"), None).await.0, 204);
    assert_eq!(t.admin("POST", "channels/nope/bind-api", None).await.0, 404);

    t.create(&demo("stored_chan")).await;
    let (_, all) = t.admin("GET", "channels", None).await;
    let ch = &all[0];
    assert_eq!(ch["instance_id"], GW);
    assert_eq!(ch["members"].as_array().unwrap().len(), 2);
    assert_eq!(ch["vpc_health_config"]["protocol"], "http");

    let (_, reqs) = t.admin("GET", "requests", None).await;
    let reqs = reqs.as_array().unwrap();
    assert_eq!(reqs[0]["method"], "POST");
    assert_eq!(reqs[0]["body"]["name"], "bound_chan");
    assert_eq!(reqs[0]["status"], 201);
    let last = reqs.last().unwrap()["seq"].as_u64().unwrap();
    t.api("GET", "?limit=5", None).await;
    let (_, newer) = t
        .admin("GET", &format!("requests?since={last}"), None)
        .await;
    assert_eq!(newer.as_array().unwrap().len(), 1);
    assert_eq!(newer[0]["query"]["limit"], "5");
    assert_eq!(t.admin("DELETE", "requests", None).await.0, 204);
    assert!(t.admin_list("requests").await.is_empty());

    let (_, cfg) = t.admin("GET", "config", None).await;
    assert_eq!(
        cfg,
        json!({"quirks": true, "quota": 30, "aksk_lockout": true, "latency_ms": 0})
    );
    assert_eq!(
        t.admin("POST", "config", Some(json!({"quirks": "yes"})))
            .await
            .0,
        400
    );
    assert_eq!(t.admin("GET", "nothing", None).await.0, 404);

    assert_eq!(t.admin("POST", "reset", None).await.0, 204);
    assert!(t.admin_list("channels").await.is_empty());
    assert_eq!(t.api("GET", "", None).await.1["total"], 0);
}

#[tokio::test]
async fn state_file_survives_restart() {
    let dir = std::env::temp_dir().join(format!("emu-state-{}", generated::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    let o = Options {
        state_file: Some(path.clone()),
        ..opts()
    };
    let t = T::new(o.clone()).await;
    let a = t.create(&demo("kept_chan")).await;
    let b = t.create(&minimal("deleted_chan")).await;
    assert_eq!(
        t.api("DELETE", &format!("/{}", b["id"].as_str().unwrap()), None)
            .await
            .0,
        204
    );
    // on disk before the answer came back
    let on_disk: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(on_disk["channels"].as_array().unwrap().len(), 1);
    let before = t.show(a["id"].as_str().unwrap()).await;
    t.h.shutdown().await;

    let t = T::new(o).await;
    let after = t.show(a["id"].as_str().unwrap()).await;
    assert_eq!(before, after);
    t.create(&minimal("deleted_chan")).await;
    let third = t.create(&minimal("third_chan")).await;
    let stored = t.h.emulator().channels();
    assert_eq!(
        stored
            .iter()
            .find(|c| c.id == third["id"])
            .unwrap()
            .revision,
        1
    );
    let (s, e) = t.api("POST", "", Some(&demo("kept_chan"))).await;
    assert_eq!(
        (s, e["error_code"].as_str().unwrap()),
        (400, "APIG.3208"),
        "name index rebuilt"
    );
    t.h.shutdown().await;

    std::fs::write(&path, b"not json").unwrap();
    assert!(start(Options {
        state_file: Some(path),
        ..opts()
    })
    .await
    .is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn tls_mode() {
    let t = T::new(Options {
        tls: true,
        ..opts()
    })
    .await;
    assert!(t.h.url.starts_with("https://127.0.0.1:"));
    let pem = t.h.cert_pem.clone().unwrap();
    assert!(pem.contains("BEGIN CERTIFICATE"));
    t.create(&minimal("tls_chan")).await;
    // a client trusting only this certificate, by host name
    let cert = reqwest::Certificate::from_pem(pem.as_bytes()).unwrap();
    let strict = reqwest::Client::builder()
        .no_proxy()
        .tls_certs_only([cert])
        .build()
        .unwrap();
    let url = format!("https://localhost:{}{}", t.h.addr.port(), chans(GW));
    let r = strict
        .get(url)
        .header("X-Auth-Token", DEFAULT_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // plain HTTP to the TLS port gets no answer
    let plain = format!("http://{}{}", t.h.addr, chans(GW));
    assert!(client().get(plain).send().await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_creates_with_state_file() {
    let dir = std::env::temp_dir().join(format!("emu-par-{}", generated::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let t = std::sync::Arc::new(
        T::new(Options {
            quota: 1000,
            state_file: Some(dir.join("s.json")),
            ..opts()
        })
        .await,
    );
    let started = std::time::Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for w in 0..50 {
        let t = t.clone();
        set.spawn(async move {
            for i in 0..6 {
                let (s, v) = t
                    .api("POST", "", Some(&demo(&format!("par_{w}_{i}"))))
                    .await;
                assert_eq!(s, 201, "{v}");
            }
        });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
    let took = started.elapsed();
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert_eq!(t.api("GET", "?limit=1", None).await.1["total"], 300);
    let on_disk: Value =
        serde_json::from_slice(&std::fs::read(dir.join("s.json")).unwrap()).unwrap();
    assert_eq!(on_disk["channels"].as_array().unwrap().len(), 300);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn latency_delays_api_requests_only() {
    let t = T::new(Options {
        latency_ms: 40,
        ..opts()
    })
    .await;
    let started = std::time::Instant::now();
    assert_eq!(t.api("GET", "", None).await.0, 200);
    assert!(started.elapsed() >= Duration::from_millis(40));
    let (s, cfg) = t
        .admin("POST", "config", Some(json!({"latency_ms": 120})))
        .await;
    assert_eq!((s, cfg["latency_ms"].clone()), (200, json!(120)));
    let started = std::time::Instant::now();
    t.api("GET", "", None).await;
    assert!(started.elapsed() >= Duration::from_millis(120));
    // the CLI flag
    let o = Options::from_args(["--latency-ms", "5"]).unwrap();
    assert_eq!(o.latency_ms, 5);
    assert!(Options::from_args(["--latency-ms=x"]).is_err());
}
