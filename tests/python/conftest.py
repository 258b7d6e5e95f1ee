"""Fixtures for the client tests: a real `newsfacts serve` process on an ephemeral port, and
Python stubs generated from proto/ with grpcio-tools at test time (never committed)."""
import importlib
import os
import pathlib
import subprocess
import sys
import time

import grpc
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "wire_stories.jsonl"


def newsfacts_binary():
    path = os.environ.get("NEWSFACTS_BIN") or str(ROOT / "target" / "debug" / "newsfacts")
    if not os.path.exists(path):
        pytest.fail(f"{path} not found: build it with `cargo build` or set NEWSFACTS_BIN")
    return path


@pytest.fixture(scope="session")
def stubs(tmp_path_factory):
    """Generates newsfacts.v1 and google.rpc Python modules from proto/ and imports them."""
    from grpc_tools import protoc

    out = tmp_path_factory.mktemp("generated")
    well_known = pathlib.Path(protoc.__file__).parent / "_proto"
    protos = [str(p.relative_to(ROOT / "proto")) for p in (ROOT / "proto").rglob("*.proto")]
    args = ["protoc", f"-I{ROOT / 'proto'}", f"-I{well_known}", f"--python_out={out}", f"--grpc_python_out={out}", *protos]
    assert protoc.main(args) == 0, "grpcio-tools failed to compile proto/"
    sys.path.insert(0, str(out))
    modules = {
        name: importlib.import_module(f"newsfacts.v1.{name}")
        for name in ["article_pb2", "ingest_service_pb2", "ingest_service_pb2_grpc", "query_service_pb2", "query_service_pb2_grpc"]
    }
    return type("Stubs", (), modules)


class Server:
    """`newsfacts serve` on an ephemeral port. `extra_args` are more serve flags; with
    `ca_pem` (the CA's PEM bytes) the server is expected to speak TLS."""

    def __init__(self, db_path, extra_args=(), ca_pem=None, cwd=None):
        self.proc = subprocess.Popen(
            [newsfacts_binary(), "serve", "--listen", "127.0.0.1:0", "--database-url", f"sqlite://{db_path}", "--drain-seconds", "0", *extra_args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=cwd,
        )
        line = self.proc.stdout.readline()
        assert line.startswith("newsfacts listening on "), f"unexpected first line: {line!r}"
        self.address = line.rsplit(" ", 1)[1].strip()
        self.port = int(self.address.rsplit(":", 1)[1])
        self.ca_pem = ca_pem
        channel = self.channel()
        grpc.channel_ready_future(channel).result(timeout=30)
        channel.close()

    def channel(self):
        """A channel to the server: TLS to `localhost` when the server speaks TLS."""
        if self.ca_pem is None:
            return grpc.insecure_channel(self.address)
        return grpc.secure_channel(f"localhost:{self.port}", grpc.ssl_channel_credentials(self.ca_pem))

    def stop(self):
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path / "newsfacts.db")
    yield s
    s.stop()


@pytest.fixture
def fixture_lines():
    return [line for line in FIXTURES.read_text(encoding="utf-8").splitlines() if line.strip()]
