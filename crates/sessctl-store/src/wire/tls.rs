//! TLS for `rediss://`: the rustls configuration (CA roots, an optional client certificate for
//! servers with `tls-auth-clients yes`, `#insecure`), the handshake, and what its errors mean.

use std::io;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::fail::Fail;
use crate::error::{StoreError, TlsFile, TlsProblem};

/// The files a TLS connection may need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TlsFiles {
    /// CA certificates that signed the server's certificate (system roots otherwise).
    pub ca: Option<PathBuf>,
    /// A client certificate (PEM chain) and its key (PEM: PKCS#8, PKCS#1 RSA or SEC1 EC).
    pub client: Option<(PathBuf, PathBuf)>,
}

/// Builds the rustls configuration: the CA file when given, the system's roots otherwise;
/// the client certificate when given; `insecure` (the URL's `#insecure`) skips verification
/// of the server's certificate.
pub(crate) fn config(files: &TlsFiles, insecure: bool) -> Result<Arc<rustls::ClientConfig>, StoreError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Tls { addr: String::new(), problem: TlsProblem::Other(e.to_string()) })?;
    let mut roots = rustls::RootCertStore::empty();
    match &files.ca {
        Some(path) => {
            let bad = |problem: String| StoreError::TlsFile { which: TlsFile::Ca, path: path.clone(), problem };
            for cert in read_certificates(path, TlsFile::Ca)? {
                roots.add(cert).map_err(|e| bad(format!("bad certificate ({e})")))?;
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
        }
    }
    let builder = builder.with_root_certificates(roots);
    let mut config = match &files.client {
        None => builder.with_no_client_auth(),
        Some((cert_path, key_path)) => {
            let chain = read_certificates(cert_path, TlsFile::Cert)?;
            let key = read_key(key_path)?;
            builder.with_client_auth_cert(chain, key).map_err(|e| StoreError::TlsFile {
                which: TlsFile::Key,
                path: key_path.clone(),
                problem: format!("it does not go with the client certificate {} ({e})", cert_path.display()),
            })?
        }
    };
    if insecure {
        config.dangerous().set_certificate_verifier(Arc::new(NoVerification(provider)));
    }
    Ok(Arc::new(config))
}

fn read_certificates(path: &Path, which: TlsFile) -> Result<Vec<CertificateDer<'static>>, StoreError> {
    let bad = |problem: String| StoreError::TlsFile { which, path: path.to_path_buf(), problem };
    let pem = std::fs::read(path).map_err(|e| bad(crate::error::NetCause::of(&e).to_string()))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(format!("not a PEM certificate file ({e})")))?;
    if certs.is_empty() {
        return Err(bad("no certificates in it (expected PEM: -----BEGIN CERTIFICATE-----)".into()));
    }
    Ok(certs)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, StoreError> {
    let bad = |problem: String| StoreError::TlsFile { which: TlsFile::Key, path: path.to_path_buf(), problem };
    let pem = std::fs::read(path).map_err(|e| bad(crate::error::NetCause::of(&e).to_string()))?;
    // PKCS#8 (BEGIN PRIVATE KEY), PKCS#1 (BEGIN RSA PRIVATE KEY) or SEC1 (BEGIN EC PRIVATE KEY).
    PrivateKeyDer::from_pem_slice(&pem).map_err(|e| {
        bad(match e {
            rustls::pki_types::pem::Error::NoItemsFound => {
                "no private key in it (expected PEM: PKCS#8, PKCS#1 RSA or SEC1 EC; an encrypted key must be decrypted first)".into()
            }
            e => format!("not a PEM private key ({e})"),
        })
    })
}

/// Runs the TLS handshake on a connected socket.
pub(crate) fn handshake(
    config: Arc<rustls::ClientConfig>,
    host: &str,
    addr: &str,
    mut sock: TcpStream,
) -> Result<rustls::StreamOwned<rustls::ClientConnection, TcpStream>, Fail> {
    let tls_fail = |problem| Fail::Fatal(StoreError::Tls { addr: addr.to_string(), problem });
    let name = rustls::pki_types::ServerName::try_from(host.to_string())
        .map_err(|_| tls_fail(TlsProblem::BadServerName(host.to_string())))?;
    let client_cert = config.client_auth_cert_resolver.has_certs();
    let mut tls =
        rustls::ClientConnection::new(config, name).map_err(|e| tls_fail(TlsProblem::Other(e.to_string())))?;
    while tls.is_handshaking() {
        if let Err(error) = tls.complete_io(&mut sock) {
            let rustls_error = error.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()).cloned();
            return Err(match rustls_error {
                Some(e) => tls_fail(problem_with(&e, client_cert)),
                None if matches!(error.kind(), io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset) => {
                    tls_fail(TlsProblem::NotTls("the server closed the connection during the handshake".into()))
                }
                // A TLS server answers the client's hello at once; a plain-text Redis waits for
                // the end of what it takes for a command line.
                None if matches!(error.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock) => {
                    tls_fail(TlsProblem::NotTls("no answer to the TLS handshake".into()))
                }
                None => Fail::Io { addr: addr.to_string(), error },
            });
        }
    }
    Ok(rustls::StreamOwned::new(tls, sock))
}

/// What a rustls error means for the user (a client certificate was given).
pub(crate) fn problem(error: &rustls::Error) -> TlsProblem {
    problem_with(error, true)
}

fn problem_with(error: &rustls::Error, client_cert: bool) -> TlsProblem {
    use rustls::AlertDescription as Alert;
    match error {
        rustls::Error::InvalidCertificate(e) => TlsProblem::UntrustedCertificate(format!("{e:?}")),
        rustls::Error::InvalidMessage(_) => TlsProblem::NotTls(error.to_string()),
        // With TLS 1.3 the server says so after the handshake, at the first reply.
        rustls::Error::AlertReceived(Alert::CertificateRequired) => TlsProblem::ClientCertificateRequired,
        rustls::Error::AlertReceived(Alert::HandshakeFailure) if !client_cert => TlsProblem::ClientCertificateRequired,
        rustls::Error::AlertReceived(
            alert @ (Alert::BadCertificate
            | Alert::UnknownCA
            | Alert::CertificateUnknown
            | Alert::CertificateExpired
            | Alert::CertificateRevoked
            | Alert::UnsupportedCertificate
            | Alert::DecryptError
            | Alert::AccessDenied),
        ) => TlsProblem::ClientCertificateRefused(format!("{alert:?}")),
        e => TlsProblem::Other(e.to_string()),
    }
}

/// `#insecure`: accept any certificate (signatures are still checked), as redis-rs does.
#[derive(Debug)]
struct NoVerification(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
