"""API keys and TLS from the outside: the README's openssl, serve, grpcurl and ingest commands
run as printed (only the port changes), a generated Python client with keys over TLS, and a
key file reloaded by SIGHUP."""
import os
import pathlib
import re
import shlex
import signal
import subprocess
import time

import grpc
import pytest

from conftest import Server

ROOT = pathlib.Path(__file__).resolve().parents[2]


def readme_blocks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Keys and TLS", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def keys_of(directory):
    lines = (directory / "keys.txt").read_text().split("\n")
    return {fields[0]: fields[1] for fields in (l.split() for l in lines) if fields}


@pytest.fixture
def pki(tmp_path):
    """Runs the README's first block (CA, server certificate, keys file) in a temp dir."""
    setup = readme_blocks()[0]
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", setup], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return tmp_path


@pytest.fixture
def secured(pki):
    serve = shlex.split(readme_blocks()[1].strip())
    assert serve[:2] == ["target/release/newsfacts", "serve"]
    server = Server(pki / "store.db", extra_args=serve[2:], ca_pem=(pki / "ca.pem").read_bytes(), cwd=pki)
    yield server
    server.stop()


def test_readme_commands_work_with_keys_and_tls(pki, secured):
    commands = [l for l in readme_blocks()[2].splitlines() if l.strip()]
    assert any(c.startswith("grpcurl") for c in commands) and any("newsfacts ingest" in c for c in commands)
    binary = os.environ.get("NEWSFACTS_BIN") or str(ROOT / "target" / "debug" / "newsfacts")
    outputs = []
    for command in commands:
        command = command.replace("localhost:50051", f"localhost:{secured.port}")
        command = command.replace("target/release/newsfacts", shlex.quote(binary))
        command = command.replace("tests/fixtures/", shlex.quote(str(ROOT / "tests" / "fixtures")) + "/")
        result = subprocess.run(["bash", "-c", command], cwd=pki, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{command}\nfailed: {result.stdout}{result.stderr}"
        outputs.append(result.stdout + result.stderr)
    assert "newsfacts.v1.QueryService" in outputs[0]
    assert "created 3" in outputs[2]


def test_generated_client_with_keys_over_tls(stubs, pki, secured, fixture_lines):
    from google.protobuf import json_format

    keys = keys_of(pki)
    channel = secured.channel()
    ingest = stubs.ingest_service_pb2_grpc.IngestServiceStub(channel)
    query = stubs.query_service_pb2_grpc.QueryServiceStub(channel)
    article = json_format.Parse(fixture_lines[0], stubs.article_pb2.ArticleInput())
    analyze = stubs.ingest_service_pb2.AnalyzeArticleRequest(article=article)
    listing = stubs.query_service_pb2.ListArticlesRequest(page_size=5)

    def code(call, request, key):
        metadata = [("authorization", f"Bearer {key}")] if key else []
        try:
            call(request, metadata=metadata, timeout=30)
            return grpc.StatusCode.OK
        except grpc.RpcError as error:
            return error.code()

    assert code(query.ListArticles, listing, None) == grpc.StatusCode.UNAUTHENTICATED
    assert code(query.ListArticles, listing, "x" * 32) == grpc.StatusCode.UNAUTHENTICATED
    assert code(query.ListArticles, listing, keys["loader"]) == grpc.StatusCode.PERMISSION_DENIED
    assert code(query.ListArticles, listing, keys["analyst"]) == grpc.StatusCode.OK
    assert code(ingest.AnalyzeArticle, analyze, keys["analyst"]) == grpc.StatusCode.PERMISSION_DENIED
    assert code(ingest.AnalyzeArticle, analyze, keys["loader"]) == grpc.StatusCode.OK

    # SIGHUP re-reads the file: the analyst's key goes, a new one works.
    fresh = "f" * 32
    (pki / "keys.txt").write_text(f"loader {keys['loader']} ingest\nfresh {fresh} query\n")
    secured.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while code(query.ListArticles, listing, keys["analyst"]) != grpc.StatusCode.UNAUTHENTICATED:
        assert time.monotonic() < deadline, "SIGHUP did not reload the keys"
        time.sleep(0.05)
    assert code(query.ListArticles, listing, fresh) == grpc.StatusCode.OK
    channel.close()


def test_plaintext_client_gets_nothing_from_a_tls_server(secured):
    channel = grpc.insecure_channel(secured.address)
    with pytest.raises(grpc.FutureTimeoutError):
        grpc.channel_ready_future(channel).result(timeout=2)
    channel.close()
