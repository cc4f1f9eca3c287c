//! AutoMTLS: a fresh self-signed server certificate per process, and a client
//! verifier that accepts exactly the certificate Terraform passed us.
//!
//! Terraform's client certificate is a self-signed CA (P-521), which webpki
//! refuses as an end-entity certificate, so we pin it by its bytes and check
//! the handshake signature with the provider's algorithms (P-521 included).

use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};

#[derive(Debug)]
/// Accepts exactly one client certificate: the one Terraform named in
/// `PLUGIN_CLIENT_CERT` (go-plugin's AutoMTLS).
pub struct PinnedClientCert {
    der: Vec<u8>,
    algs: WebPkiSupportedAlgorithms,
}

impl PinnedClientCert {
    /// A verifier accepting only `der`, checking signatures with `provider`'s
    /// algorithms.
    pub fn new(der: Vec<u8>, provider: &CryptoProvider) -> Self {
        PinnedClientCert {
            der,
            algs: provider.signature_verification_algorithms,
        }
    }
}

impl ClientCertVerifier for PinnedClientCert {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.der.as_slice() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "client certificate is not the one Terraform passed in PLUGIN_CLIENT_CERT".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}

/// First certificate of a PEM bundle, as DER.
pub fn pem_to_der(pem: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    let start = pem
        .find("-----BEGIN CERTIFICATE-----")
        .ok_or("PLUGIN_CLIENT_CERT holds no PEM certificate")?
        + "-----BEGIN CERTIFICATE-----".len();
    let end = pem[start..]
        .find("-----END CERTIFICATE-----")
        .ok_or("PLUGIN_CLIENT_CERT has an unterminated PEM certificate")?
        + start;
    let b64: String = pem[start..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| format!("PLUGIN_CLIENT_CERT is not valid base64: {e}"))
}

/// Server TLS config pinned to `client_pem`, and our certificate's DER.
pub fn server_config(client_pem: &str) -> Result<(Arc<rustls::ServerConfig>, Vec<u8>), String> {
    let client_der = pem_to_der(client_pem)?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()])
        .map_err(|e| format!("cannot generate the plugin certificate: {e}"))?;
    let cert_der = ck.cert.der().to_vec();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der()));
    let verifier = Arc::new(PinnedClientCert::new(client_der, &provider));
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![CertificateDer::from(cert_der.clone())], key)
        .map_err(|e| format!("cannot use the plugin certificate: {e}"))?;
    cfg.alpn_protocols = vec![b"h2".to_vec()];
    Ok((Arc::new(cfg), cert_der))
}
