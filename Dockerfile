# syntax=docker/dockerfile:1
#
# newsfacts in a container: `docker build -t newsfacts:0.1.0 .`
#
# Build stage: the official Rust image. Its -slim variant already carries gcc and libc6-dev,
# which the C parts of the build need (mimalloc, ring, zstd and the bundled SQLite, all through
# the cc crate); protoc comes from the protoc-bin-vendored crate, so no system protoc.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
# Only what the build reads, so edits to docs, tests or deploy/ do not invalidate this layer.
COPY Cargo.toml Cargo.lock build.rs ./
COPY proto/ proto/
COPY migrations/ migrations/
COPY benches/ benches/
COPY src/ src/
# The inspector page is compiled into the binary (include_str!).
COPY inspector/ inspector/
# BuildKit cache mounts keep the crates.io registry and the target directory between builds,
# so a rebuild after a source change recompiles newsfacts only, not its ~300 dependencies.
# The target directory is a cache, not part of the image: copy the binary out of it.
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --locked --release --bin newsfacts \
 && install -D -m 0755 target/release/newsfacts /out/newsfacts \
 && install -d -m 0750 /out/data

# Runtime stage: glibc and libgcc only (the binary links rustls, not OpenSSL), no shell, no
# package manager; runs as uid/gid 65532 ("nonroot"). Same Debian release as the build stage,
# so the glibc the binary was linked against is there.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/newsfacts /usr/local/bin/newsfacts
# The SQLite data directory (the default store). With PostgreSQL nothing is written here.
COPY --from=build --chown=65532:65532 /out/data /var/lib/newsfacts
VOLUME ["/var/lib/newsfacts"]
WORKDIR /var/lib/newsfacts
USER 65532:65532
# Defaults as environment variables, not as flags in CMD: a flag on the command line wins over
# its environment variable, so flags here would silently override what `docker run -e` or a
# Kubernetes Deployment sets (NEWSFACTS_DATABASE_URL from a Secret, say).
ENV NEWSFACTS_LISTEN=0.0.0.0:50051 \
    NEWSFACTS_DATABASE_URL=sqlite:///var/lib/newsfacts/newsfacts.db \
    NEWSFACTS_LOG_FORMAT=json
# 50051: gRPC (health, reflection, the API). 9090: Prometheus /metrics, only when
# NEWSFACTS_METRICS_LISTEN (--metrics-listen) is set, e.g. to 0.0.0.0:9090.
EXPOSE 50051 9090
# SIGTERM: health goes NOT_SERVING, the server waits --drain-seconds, then drains open calls
# (at most --shutdown-timeout-seconds) and exits. Give `docker stop -t` more than the sum.
STOPSIGNAL SIGTERM
ENTRYPOINT ["newsfacts"]
CMD ["serve"]
