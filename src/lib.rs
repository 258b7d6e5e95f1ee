//! newsfacts: a gRPC service that turns news articles into statements and trade facts.
//!
//! `api` is the contract, `extract` the pure extraction library, `store` the persistence
//! layer, `pipeline` the async ingest path, `server` the tonic wiring, `metrics` the names of what
//! the service measures, `telemetry` its logs and traces.
#![warn(missing_docs)]

pub mod api;
pub mod cli;
pub mod extract;
pub mod metrics;
pub mod pipeline;
pub mod server;
pub mod store;
pub mod telemetry;
