//! The public contract: code generated from `proto/`, and helpers around it.

/// `google.*` packages our messages use.
pub mod google {
    /// `google.rpc` types as they appear in our messages (with proto3 JSON support).
    pub mod rpc {
        #![allow(missing_docs, clippy::all)]
        include!(concat!(env!("OUT_DIR"), "/google.rpc.rs"));
        include!(concat!(env!("OUT_DIR"), "/google.rpc.serde.rs"));
    }
}

/// The `newsfacts.*` packages.
pub mod newsfacts {
    /// `newsfacts.v1`: messages and services.
    pub mod v1 {
        #![allow(missing_docs, clippy::all)]
        include!(concat!(env!("OUT_DIR"), "/newsfacts.v1.rs"));
        include!(concat!(env!("OUT_DIR"), "/newsfacts.v1.serde.rs"));
    }
}

pub mod status;

pub use newsfacts::v1;

/// Encoded file descriptor set of the API, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    tonic::include_file_descriptor_set!("newsfacts_v1_descriptor");
