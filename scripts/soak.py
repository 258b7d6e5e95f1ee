#!/usr/bin/env python3
"""Soak test: mixed ingest, analyze and query load against a real `newsfacts serve` on loopback
for a long time, printing errors (expected: none) and the server's RSS over time (expected:
flat once warm).

    cargo build --release
    scripts/corpus_inputs.py ../shared/corpora/reuters21578.jsonl > /tmp/reuters.jsonl
    scripts/soak.py --minutes 30 --articles /tmp/reuters.jsonl

Three loops run side by side until the time is up, each calling `newsfacts bench` again and
again: ingest (2 streams, `--batch` articles under a fresh id prefix each round), AnalyzeArticle
(4 callers, 30 s rounds) and queries (2 callers, 30 s rounds, with a deep page). Any round
that exits non-zero is an error and its output is printed. The store is a fresh SQLite file
unless `--database-url` names another.
"""
import argparse
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def rss_mib(pid):
    """Current and peak resident set size of a process, in MiB."""
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            fields[key] = value.split()
    return int(fields["VmRSS"][0]) / 1024, int(fields["VmHWM"][0]) / 1024


class Loop(threading.Thread):
    """Runs one `newsfacts bench` command after another until the deadline."""

    def __init__(self, name, make_args, deadline, pause):
        super().__init__(daemon=True)
        self.name, self.make_args, self.deadline, self.pause = name, make_args, deadline, pause
        self.rounds = self.errors = 0
        self.last = ""

    def run(self):
        while time.monotonic() < self.deadline:
            args = self.make_args(self.rounds)
            result = subprocess.run(args, capture_output=True, text=True)
            self.rounds += 1
            lines = [l for l in result.stdout.splitlines() if l.strip()]
            self.last = lines[-1] if lines else ""
            if result.returncode != 0:
                self.errors += 1
                print(f"ERROR in {self.name} round {self.rounds}: exit {result.returncode}\n{result.stdout}{result.stderr}", flush=True)
            time.sleep(self.pause)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--articles", required=True, help="ArticleInput JSON lines")
    ap.add_argument("--binary", default=str(ROOT / "target" / "release" / "newsfacts"))
    ap.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir")
    ap.add_argument("--batch", type=int, default=2000, help="articles per ingest round")
    ap.add_argument("--sample-seconds", type=float, default=30)
    a = ap.parse_args()

    workdir = tempfile.mkdtemp(prefix="newsfacts-soak-")
    database_url = a.database_url or f"sqlite://{workdir}/soak.db"
    server = subprocess.Popen(
        [a.binary, "serve", "--listen", "127.0.0.1:0", "--database-url", database_url, "--drain-seconds", "0"],
        stdout=subprocess.PIPE, stderr=open(f"{workdir}/server.log", "w"), text=True,
    )
    line = server.stdout.readline()
    if not line.startswith("newsfacts listening on "):
        sys.exit(f"server did not start: {line!r} (log: {workdir}/server.log)")
    url = "http://" + line.rsplit(" ", 1)[1].strip()
    print(f"server pid {server.pid} at {url}, store {database_url}, log {workdir}/server.log", flush=True)

    started = time.monotonic()
    deadline = started + a.minutes * 60
    bench = [a.binary, "bench", "--server", url]
    loops = [
        Loop("ingest", lambda k: bench + ["--mode", "ingest", "--concurrency", "2", "--articles", a.articles,
                                           "--limit", str(a.batch), "--id-prefix", f"soak-{k}"], deadline, 1.0),
        Loop("analyze", lambda k: bench + ["--mode", "analyze", "--concurrency", "4", "--articles", a.articles,
                                            "--limit", "1000", "--seconds", "30"], deadline, 0.5),
        Loop("query", lambda k: bench + ["--mode", "query", "--concurrency", "2", "--seconds", "30",
                                          "--page-depth", "3"], deadline, 0.5),
    ]
    # Queries need something to find: the first ingest round goes first.
    loops[0].start()
    while loops[0].rounds == 0 and loops[0].is_alive():
        time.sleep(0.5)
    for loop in loops[1:]:
        loop.start()

    samples = []
    while any(loop.is_alive() for loop in loops):
        time.sleep(a.sample_seconds)
        try:
            if server.poll() is not None:
                raise FileNotFoundError
            rss, peak = rss_mib(server.pid)
        except FileNotFoundError:
            print(f"ERROR: the server exited with {server.poll()}", flush=True)
            for loop in loops:
                loop.deadline = 0  # stop after the current round
            break
        minute = (time.monotonic() - started) / 60
        samples.append((minute, rss))
        status = " · ".join(f"{l.name} {l.rounds} rounds {l.errors} errors" for l in loops)
        print(f"{minute:6.1f} min  RSS {rss:7.1f} MiB (peak {peak:7.1f})  {status}", flush=True)
    for loop in loops:
        loop.join()

    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
    exit_code = server.wait(timeout=60)
    errors = sum(l.errors for l in loops) + (exit_code != 0)
    warm = [rss for minute, rss in samples if minute >= 2] or [rss for _, rss in samples]
    print(f"\nsoak: {(time.monotonic() - started) / 60:.1f} min; server exit {exit_code}")
    for loop in loops:
        print(f"  {loop.name}: {loop.rounds} rounds, {loop.errors} errors; last: {loop.last}")
    if warm:
        print(f"  RSS after the first 2 minutes: min {min(warm):.1f} MiB, max {max(warm):.1f} MiB, "
              f"last {warm[-1]:.1f} MiB ({len(warm)} samples)")
    print(f"  errors: {errors}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
