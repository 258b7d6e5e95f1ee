//! Compiles `proto/` into Rust: prost messages, tonic services, pbjson serde impls (proto3 JSON
//! mapping) and a file descriptor set for server reflection. protoc comes from
//! `protoc-bin-vendored`, so no system protoc is needed.

use std::{env, error::Error, path::PathBuf};

const PROTOS: &[&str] = &[
    "proto/newsfacts/v1/article.proto",
    "proto/newsfacts/v1/ingest_service.proto",
    "proto/newsfacts/v1/query_service.proto",
    "proto/google/rpc/status.proto",
];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo:rerun-if-changed=proto");
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    let descriptor_path = out_dir.join("newsfacts_v1_descriptor.bin");

    let mut config = tonic_prost_build::Config::new();
    config.protoc_executable(protoc_bin_vendored::protoc_bin_path()?);

    let well_known = protoc_bin_vendored::include_path()?;
    let protos: Vec<PathBuf> = PROTOS.iter().map(PathBuf::from).collect();
    let includes = [PathBuf::from("proto"), well_known];
    tonic_prost_build::configure()
        // Well-known types with serde support, so the proto3 JSON mapping covers Timestamp and Any.
        .extern_path(".google.protobuf.Any", "::pbjson_types::Any")
        .extern_path(".google.protobuf.Timestamp", "::pbjson_types::Timestamp")
        .file_descriptor_set_path(&descriptor_path)
        .compile_with_config(config, &protos, &includes)?;

    let descriptors = std::fs::read(&descriptor_path)?;
    pbjson_build::Builder::new()
        .register_descriptors(&descriptors)?
        .build(&[".newsfacts.v1", ".google.rpc"])?;
    Ok(())
}
