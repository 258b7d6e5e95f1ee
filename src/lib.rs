//! newsfacts: a gRPC service that turns news articles into statements and trade facts.
pub mod api;
