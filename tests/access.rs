//! Access control against the real server: API keys with scopes (and their reload on SIGHUP),
//! TLS, and mutual TLS with certificates from a test CA made here with rcgen.

mod common;

use common::{TestServer, test_config};
use newsfacts::api::v1::{
    AnalyzeArticleRequest, ArticleInput, ListArticlesRequest,
    ingest_service_client::IngestServiceClient, query_service_client::QueryServiceClient,
};
use newsfacts::server::TlsFiles;
use newsfacts::server::auth::Keys;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair,
};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};
use tonic::{Code, Request};
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

const LOADER: &str = "loader-key-0123456789abcdef";
const READER: &str = "reader-key-0123456789abcdef";
const ADMIN: &str = "admin-key-0123456789abcdef";

fn keys_file(dir: &tempfile::TempDir, text: &str) -> std::path::PathBuf {
    let path = dir.path().join("keys.txt");
    std::fs::write(&path, text).expect("write keys file");
    path
}

fn with_key<T>(message: T, key: Option<&str>) -> Request<T> {
    let mut request = Request::new(message);
    if let Some(key) = key {
        request.metadata_mut().insert(
            "authorization",
            format!("Bearer {key}").parse().expect("ascii"),
        );
    }
    request
}

fn article() -> ArticleInput {
    ArticleInput {
        external_id: "access-1".into(),
        text: "LIMA, March 5 (Fixture Wire) -- Peru will ship more copper to China, the minister said."
            .into(),
        ..Default::default()
    }
}

async fn list_code(query: &mut QueryServiceClient<Channel>, key: Option<&str>) -> Option<Code> {
    query
        .list_articles(with_key(ListArticlesRequest::default(), key))
        .await
        .err()
        .map(|s| s.code())
}

async fn analyze_code(
    ingest: &mut IngestServiceClient<Channel>,
    key: Option<&str>,
) -> Option<Code> {
    let request = AnalyzeArticleRequest {
        article: Some(article()),
    };
    ingest
        .analyze_article(with_key(request, key))
        .await
        .err()
        .map(|s| s.code())
}

#[tokio::test]
async fn keys_are_checked_per_scope_and_reloaded_on_sighup() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = keys_file(
        &dir,
        &format!("loader {LOADER} ingest\nreader {READER} query\nadmin {ADMIN} ingest,query\n"),
    );
    let config = newsfacts::server::ServerConfig {
        keys: Some(Keys::load(&path).expect("keys")),
        ..test_config()
    };
    let db = dir.path().join("store.db");
    let server = TestServer::start_with(&format!("sqlite://{}", db.display()), config).await;
    let (mut query, mut ingest) = (server.query().await, server.ingest().await);

    assert_eq!(
        list_code(&mut query, None).await,
        Some(Code::Unauthenticated)
    );
    assert_eq!(
        list_code(&mut query, Some("not-a-key-0123456789")).await,
        Some(Code::Unauthenticated)
    );
    assert_eq!(
        list_code(&mut query, Some(LOADER)).await,
        Some(Code::PermissionDenied)
    );
    assert_eq!(list_code(&mut query, Some(READER)).await, None);
    assert_eq!(list_code(&mut query, Some(ADMIN)).await, None);

    assert_eq!(
        analyze_code(&mut ingest, None).await,
        Some(Code::Unauthenticated)
    );
    assert_eq!(
        analyze_code(&mut ingest, Some(READER)).await,
        Some(Code::PermissionDenied)
    );
    assert_eq!(analyze_code(&mut ingest, Some(LOADER)).await, None);

    // Health and reflection stay open.
    let health = HealthClient::new(server.channel().await)
        .check(HealthCheckRequest {
            service: "newsfacts.v1.QueryService".into(),
        })
        .await
        .expect("health needs no key");
    assert_eq!(health.get_ref().status, 1, "SERVING");

    // The error says how to authenticate and never echoes a key.
    let status = query
        .list_articles(with_key(ListArticlesRequest::default(), Some(LOADER)))
        .await
        .expect_err("loader cannot query");
    assert!(
        status.message().contains("\"loader\""),
        "{}",
        status.message()
    );
    assert!(!status.message().contains(LOADER));

    // SIGHUP reloads the file: the reader loses its key, a new key appears.
    keys_file(
        &dir,
        &format!("admin {ADMIN} ingest,query\nfresh fresh-key-0123456789ab query\n"),
    );
    let pid = std::process::id().to_string();
    let hup = || {
        let status = std::process::Command::new("kill")
            .args(["-HUP", &pid])
            .status()
            .expect("run kill");
        assert!(status.success());
    };
    hup();
    let mut reloaded = false;
    for _ in 0..100 {
        if list_code(&mut query, Some(READER)).await == Some(Code::Unauthenticated) {
            reloaded = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(reloaded, "SIGHUP did not reload the keys file");
    assert_eq!(
        list_code(&mut query, Some("fresh-key-0123456789ab")).await,
        None
    );
    // (That a broken file keeps the keys in force is the unit test
    // `server::auth::tests::a_failed_reload_keeps_the_keys_in_force`.)
    server.stop().await;
}

/// A test CA, a server certificate for `localhost` and a client certificate, as PEM.
struct Pki {
    ca: String,
    server_cert: String,
    server_key: String,
    client_cert: String,
    client_key: String,
}

fn pki() -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "newsfacts test CA");
    let ca =
        CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("key")).expect("CA");

    let server_key = KeyPair::generate().expect("key");
    let mut server_params = CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = server_params
        .signed_by(&server_key, &ca)
        .expect("server certificate");

    let client_key = KeyPair::generate().expect("key");
    let mut client_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    client_params
        .distinguished_name
        .push(DnType::CommonName, "newsfacts test client");
    client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client_cert = client_params
        .signed_by(&client_key, &ca)
        .expect("client certificate");

    Pki {
        ca: ca.pem(),
        server_cert: server_cert.pem(),
        server_key: server_key.serialize_pem(),
        client_cert: client_cert.pem(),
        client_key: client_key.serialize_pem(),
    }
}

async fn tls_channel(
    server: &TestServer,
    pki: &Pki,
    client_identity: bool,
) -> Result<Channel, tonic::transport::Error> {
    let mut tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(&pki.ca))
        .domain_name("localhost");
    if client_identity {
        tls = tls.identity(Identity::from_pem(&pki.client_cert, &pki.client_key));
    }
    Channel::from_shared(format!("https://localhost:{}", server.addr.port()))
        .expect("url")
        .tls_config(tls)?
        .connect()
        .await
}

async fn lists(channel: Channel) -> Result<(), tonic::Status> {
    QueryServiceClient::new(channel)
        .list_articles(ListArticlesRequest::default())
        .await
        .map(|_| ())
}

/// Whether a connection attempt ends without a served query: the handshake fails, or the
/// first call does.
async fn refused(connection: Result<Channel, tonic::transport::Error>) -> bool {
    match connection {
        Err(_) => true,
        Ok(channel) => lists(channel).await.is_err(),
    }
}

async fn start_tls(dir: &tempfile::TempDir, pki: &Pki, mutual: bool) -> TestServer {
    let config = newsfacts::server::ServerConfig {
        tls: Some(TlsFiles {
            cert: pki.server_cert.clone().into_bytes(),
            key: pki.server_key.clone().into_bytes(),
            client_ca: mutual.then(|| pki.ca.clone().into_bytes()),
        }),
        ..test_config()
    };
    let db = dir.path().join(if mutual { "mtls.db" } else { "tls.db" });
    TestServer::start_with(&format!("sqlite://{}", db.display()), config).await
}

#[tokio::test]
async fn tls_serves_clients_that_trust_the_ca_and_refuses_plaintext() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pki = pki();
    let server = start_tls(&dir, &pki, false).await;

    let channel = tls_channel(&server, &pki, false)
        .await
        .expect("TLS connect");
    lists(channel).await.expect("a query over TLS");

    // A plaintext HTTP/2 client gets no answer from a TLS listener.
    let plain = Channel::from_shared(server.url())
        .expect("url")
        .connect()
        .await;
    assert!(refused(plain).await, "plaintext must not be served");

    // A client that does not trust the CA fails the handshake.
    let other = pki_ca_only();
    let untrusted = Channel::from_shared(format!("https://localhost:{}", server.addr.port()))
        .expect("url")
        .tls_config(
            ClientTlsConfig::new()
                .ca_certificate(Certificate::from_pem(other))
                .domain_name("localhost"),
        )
        .expect("tls config")
        .connect()
        .await;
    assert!(
        refused(untrusted).await,
        "a client that does not trust the CA must fail"
    );
    server.stop().await;
}

/// Another CA's certificate, that signed nothing the server presents.
fn pki_ca_only() -> String {
    pki().ca
}

#[tokio::test]
async fn mutual_tls_requires_a_client_certificate_from_the_ca() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pki = pki();
    let server = start_tls(&dir, &pki, true).await;

    let with_cert = tls_channel(&server, &pki, true)
        .await
        .expect("mTLS connect");
    lists(with_cert)
        .await
        .expect("a query with a client certificate");

    let without = tls_channel(&server, &pki, false).await;
    assert!(
        refused(without).await,
        "a client without a certificate must be refused"
    );
    server.stop().await;
}
