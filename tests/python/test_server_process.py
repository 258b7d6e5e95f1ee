"""The server as a process: configured from NEWSFACTS_* environment variables, JSON logs,
a clean exit on SIGTERM, and google.rpc detail types visible through reflection."""
import json
import os
import signal
import subprocess

from conftest import newsfacts_binary
from test_grpcurl import run


def test_environment_configures_the_server_and_logs_are_json(tmp_path):
    env = dict(os.environ)
    env.update(
        NEWSFACTS_LISTEN="127.0.0.1:0",
        NEWSFACTS_DATABASE_URL=f"sqlite://{tmp_path / 'env.db'}",
        NEWSFACTS_LOG_FORMAT="json",
        NEWSFACTS_DRAIN_SECONDS="0",
    )
    proc = subprocess.Popen([newsfacts_binary(), "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("newsfacts listening on 127.0.0.1:"), line
        address = line.rsplit(" ", 1)[1].strip()
        assert (tmp_path / "env.db").exists(), "the store named in NEWSFACTS_DATABASE_URL was created"
        described = run(f"grpcurl -plaintext {address} describe google.rpc.BadRequest", address)
        assert "field_violations" in described
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    records = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    messages = [r["fields"]["message"] for r in records]
    assert "newsfacts started" in messages
    assert "shutting down: reporting NOT_SERVING" in messages
    assert "server stopped" in messages
    assert all(r["level"] in {"INFO", "WARN", "DEBUG", "ERROR", "TRACE"} for r in records)
