//! HTTPS for the emulator: a CA made at start, a certificate for 127.0.0.1
//! and localhost signed by it, and the CA's PEM written where tests can
//! trust it as a CA bundle.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;

pub fn server_config(ca_pem_path: &str) -> Result<Arc<rustls::ServerConfig>, String> {
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("{what}: {e}");
    let mut ca_params =
        CertificateParams::new(Vec::<String>::new()).map_err(|e| fail("CA parameters", &e))?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "tcr-emulator test CA");
    let ca_key = KeyPair::generate().map_err(|e| fail("CA key", &e))?;
    let ca = ca_params
        .self_signed(&ca_key)
        .map_err(|e| fail("CA certificate", &e))?;

    let mut leaf_params =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .map_err(|e| fail("certificate parameters", &e))?;
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "tcr-emulator");
    let leaf_key = KeyPair::generate().map_err(|e| fail("key", &e))?;
    let leaf = leaf_params
        .signed_by(&leaf_key, &ca, &ca_key)
        .map_err(|e| fail("certificate", &e))?;

    std::fs::write(ca_pem_path, ca.pem())
        .map_err(|e| fail(&format!("cannot write {ca_pem_path}"), &e))?;

    let chain = vec![
        CertificateDer::from(leaf.der().to_vec()),
        CertificateDer::from(ca.der().to_vec()),
    ];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| fail("TLS versions", &e))?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .map_err(|e| fail("TLS certificate", &e))?;
    Ok(Arc::new(config))
}
