//! How the client subcommands (`ingest`, `bench`) reach a server: address, TLS and API key.

use anyhow::Context;
use clap::Args;
use std::path::PathBuf;
use tonic::metadata::MetadataValue;
use tonic::service::{Interceptor, interceptor::InterceptedService};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};
use tonic::{Request, Status};

/// Flags that say where the server is and how to authenticate to it.
#[derive(Args)]
pub struct ConnectArgs {
    /// Server address, e.g. `http://127.0.0.1:50051` (`https://...` with TLS).
    #[arg(
        long,
        env = "NEWSFACTS_SERVER",
        default_value = "http://127.0.0.1:50051"
    )]
    pub server: String,
    /// API key sent as `authorization: Bearer <key>`, for a server started with
    /// `--auth-tokens-file`.
    #[arg(long, env = "NEWSFACTS_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// PEM file of the CA that signed the server's certificate (TLS); without it the system's
    /// roots are not consulted, so a private CA must be given here.
    #[arg(long, env = "NEWSFACTS_TLS_CA")]
    pub tls_ca: Option<PathBuf>,
    /// PEM certificate presented to a server that requires client certificates (mutual TLS).
    #[arg(long, env = "NEWSFACTS_TLS_CLIENT_CERT", requires = "tls_client_key")]
    pub tls_client_cert: Option<PathBuf>,
    /// PEM private key of `--tls-client-cert`.
    #[arg(long, env = "NEWSFACTS_TLS_CLIENT_KEY", requires = "tls_client_cert")]
    pub tls_client_key: Option<PathBuf>,
}

impl std::fmt::Debug for ConnectArgs {
    // The API key never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectArgs")
            .field("server", &self.server)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("tls_ca", &self.tls_ca)
            .field("tls_client_cert", &self.tls_client_cert)
            .field("tls_client_key", &self.tls_client_key)
            .finish()
    }
}

/// Adds the API key, when there is one, to every call.
#[derive(Debug, Clone)]
pub struct BearerKey(Option<MetadataValue<tonic::metadata::Ascii>>);

impl Interceptor for BearerKey {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        if let Some(value) = &self.0 {
            request
                .metadata_mut()
                .insert("authorization", value.clone());
        }
        Ok(request)
    }
}

/// A connection with the API key attached.
pub type Connection = InterceptedService<Channel, BearerKey>;

fn read(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

impl ConnectArgs {
    /// The server address with a scheme (`http://` when none is given).
    pub fn url(&self) -> String {
        if self.server.contains("://") {
            self.server.clone()
        } else if self.tls_ca.is_some() {
            format!("https://{}", self.server)
        } else {
            format!("http://{}", self.server)
        }
    }

    /// Connects, with TLS when the address is `https://` (or has no scheme and a CA is
    /// given). TLS flags with an `http://` address are an error: the connection would go out in
    /// plaintext, API key included.
    pub async fn connect(&self) -> anyhow::Result<Connection> {
        let url = self.url();
        anyhow::ensure!(
            !(url.starts_with("http://")
                && (self.tls_ca.is_some() || self.tls_client_cert.is_some())),
            "--tls-ca and --tls-client-cert need an https:// server address, not {url}"
        );
        let mut endpoint = Channel::from_shared(url.clone())
            .with_context(|| format!("invalid server address {url}"))?;
        if url.starts_with("https://") {
            let mut tls = ClientTlsConfig::new();
            if let Some(ca) = &self.tls_ca {
                tls = tls.ca_certificate(Certificate::from_pem(read(ca)?));
            }
            if let (Some(cert), Some(key)) = (&self.tls_client_cert, &self.tls_client_key) {
                tls = tls.identity(Identity::from_pem(read(cert)?, read(key)?));
            }
            endpoint = endpoint.tls_config(tls).context("invalid TLS settings")?;
        }
        let channel = endpoint
            .connect()
            .await
            .with_context(|| format!("cannot connect to {url}"))?;
        let key = match &self.api_key {
            Some(key) => {
                let mut value: MetadataValue<tonic::metadata::Ascii> = format!("Bearer {key}")
                    .parse()
                    .context("the API key must be printable ASCII")?;
                // Kept out of Debug output and out of HTTP/2 header compression tables.
                value.set_sensitive(true);
                Some(value)
            }
            None => None,
        };
        Ok(InterceptedService::new(channel, BearerKey(key)))
    }
}
