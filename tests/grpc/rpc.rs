//! gRPC over the provider's unix socket (TLS or plain text), and the calls
//! the tests make.

use std::path::Path;
use std::sync::Arc;

use hwprovider::tfplugin::proto;
use hwprovider::tfplugin::proto::provider_client::ProviderClient;
use hwprovider::tfplugin::value::Value;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use rustls::ClientConfig;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::UnixStream;
use tonic::transport::{Channel, Endpoint, Uri};

use crate::certs::{tls_config, ClientCert};
use crate::plugin::Handshake;
use crate::PATIENCE;

trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// A gRPC channel over the unix socket, TLS when `tls` is given. The URI is
/// a placeholder: the connector ignores it.
pub(crate) async fn channel(
    sock: &Path,
    tls: Option<Arc<ClientConfig>>,
) -> Result<Channel, String> {
    let sock = sock.to_path_buf();
    let endpoint = Endpoint::from_static("http://[::]:50051");
    let connect = endpoint.connect_with_connector(tower::service_fn(move |_: Uri| {
        let sock = sock.clone();
        let tls = tls.clone();
        async move {
            let stream = UnixStream::connect(&sock).await?;
            let io: Box<dyn Io> = match tls {
                None => Box::new(stream),
                Some(cfg) => {
                    let name = ServerName::try_from("localhost").expect("server name");
                    Box::new(
                        tokio_rustls::TlsConnector::from(cfg)
                            .connect(name, stream)
                            .await?,
                    )
                }
            };
            Ok::<_, std::io::Error>(TokioIo::new(io))
        }
    }));
    match tokio::time::timeout(PATIENCE, connect).await {
        Ok(r) => r.map_err(|e| format!("connect: {e:?}")),
        Err(_) => Err("connect timed out".into()),
    }
}

/// The channel a proper Terraform would open for this handshake.
pub(crate) async fn terraform_channel(hs: &Handshake, client: &ClientCert) -> Channel {
    let tls = hs
        .server_der
        .as_deref()
        .map(|d| tls_config(d, Some(client)));
    channel(&hs.sock, tls)
        .await
        .expect("connect to the provider")
}

pub(crate) async fn get_schema(
    ch: Channel,
) -> Result<proto::get_provider_schema::Response, String> {
    let mut client = ProviderClient::new(ch);
    let call = client.get_provider_schema(proto::get_provider_schema::Request {});
    match tokio::time::timeout(PATIENCE, call).await {
        Ok(r) => r.map(|r| r.into_inner()).map_err(|s| format!("{s:?}")),
        Err(_) => Err("GetProviderSchema timed out".into()),
    }
}

/// Connects and calls GetProviderSchema; any failure is an Err.
pub(crate) async fn try_schema(sock: &Path, tls: Option<Arc<ClientConfig>>) -> Result<(), String> {
    get_schema(channel(sock, tls).await?).await.map(|_| ())
}

pub(crate) async fn configure(ch: Channel, config: Value) -> Vec<proto::Diagnostic> {
    let ty = hwprovider::provider::config::schema().value_type();
    let msgpack = hwprovider::tfplugin::codec::encode_msgpack(&config, &ty).expect("encode config");
    let req = proto::configure_provider::Request {
        terraform_version: "1.11.4".into(),
        config: Some(proto::DynamicValue {
            msgpack,
            json: Vec::new(),
        }),
        client_capabilities: None,
    };
    let mut client = ProviderClient::new(ch);
    let call = client.configure_provider(req);
    tokio::time::timeout(PATIENCE, call)
        .await
        .expect("ConfigureProvider timed out")
        .expect("ConfigureProvider")
        .into_inner()
        .diagnostics
}

/// The provider configuration object with every attribute null but `set`.
pub(crate) fn provider_config(set: &[(&str, Value)]) -> Value {
    let schema = hwprovider::provider::config::schema();
    Value::object(schema.attributes.iter().map(|a| {
        let v = set
            .iter()
            .find(|(n, _)| *n == a.name)
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Null);
        (a.name, v)
    }))
}
