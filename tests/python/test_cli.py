"""The command line: `newsfacts ingest` against a running server (resumable) and
`newsfacts extract` without one."""
import json
import subprocess

from conftest import FIXTURES, newsfacts_binary


def run(*args, stdin=None):
    return subprocess.run([newsfacts_binary(), *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_ingest_streams_a_file_and_is_resumable(server, tmp_path):
    first = run("ingest", "--quiet", "--server", f"http://{server.address}", str(FIXTURES))
    assert first.returncode == 0, first.stderr
    assert "3 articles acknowledged" in first.stdout
    assert "created 3 · duplicate 0 · rejected 0" in first.stdout

    # A second file that repeats one article and holds a bad one and a broken line.
    lines = FIXTURES.read_text(encoding="utf-8").splitlines()
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("\n".join([lines[0], '{"externalId": "blank", "text": " "}', "{not json", ""]) + "\n", encoding="utf-8")
    second = run("ingest", "--quiet", "--server", server.address, str(FIXTURES), str(mixed))
    assert second.returncode == 2, "rejected articles and unreadable lines give exit code 2"
    assert "created 0 · duplicate 4 · rejected 1 · unreadable lines 1" in second.stdout
    assert "mixed.jsonl:3" in second.stderr


def test_ingest_reports_an_unreachable_server():
    result = run("ingest", "--quiet", "--server", "http://127.0.0.1:1", str(FIXTURES))
    assert result.returncode != 0
    assert "cannot connect" in result.stderr


def test_extract_prints_one_line_per_input_in_order():
    lines = FIXTURES.read_text(encoding="utf-8").splitlines()
    stdin = "\n".join([lines[0], "", "not json", lines[1], '{"text": ""}', "\xff"]) + "\n"
    result = run("extract", stdin=stdin)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 5, "blank lines are skipped, every other line is answered"
    assert out[0]["article"]["externalId"] == json.loads(lines[0])["externalId"]
    assert out[0]["article"]["dateline"]["place"] == "LIMA"
    assert out[1]["error"]["code"] == 3 and "JSON" in out[1]["error"]["message"]
    assert out[2]["article"]["externalId"] == json.loads(lines[1])["externalId"]
    assert "article.text" in out[3]["error"]["message"]
    assert out[4]["error"]["code"] == 3


def test_extract_reads_files():
    result = run("extract", str(FIXTURES), str(FIXTURES))
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 6
