//! The API over HTTP: answers as the SDK documents them.

use std::time::Duration;

use serde_json::Value;

use super::{start, Options, DEFAULT_INSTANCE};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_error_request_id_is_the_header_request_id() {
    let h = start(Options::default()).await.unwrap();
    let url = format!(
        "{}/v2/proj/apigw/instances/{DEFAULT_INSTANCE}/vpc-channels",
        h.url
    );
    let r = client()
        .get(&url)
        .header("Authorization", "SDK-HMAC-SHA256 garbage")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let header = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(body["error_code"], "APIGW.0301");
    assert_eq!(body["request_id"], header.as_str());
}
