#!/usr/bin/env python3
"""Side-by-side speed and quality of `newsfacts extract` and the peer baseline.

The peer is the spaCy en_core_web_sm + textacy pipeline in ../shared/peer/, which speaks the
same interface (ArticleInput JSON lines in, AnalyzeArticleResponse JSON lines out). Both tools
read the same Xinhua wire stories (../shared/corpora/xinhua.jsonl) in one run of this script;
each measurement is repeated and the median quoted. Speed is articles per CPU-second (user +
system time of the child process, so it does not depend on how busy the other core is) and
MB of text per CPU-second. Quality is the scorer's output on ../shared/eval/dev for both.

    scripts/compare_peer.py                      # 200 articles, 3 repeats
    scripts/compare_peer.py --articles 1384 --repeats 5

newsfacts reads the articles `--newsfacts-passes` times per run (default 20) so that its run
lasts long enough to time; the article count per run is divided out. The peer reads them once.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
PEER_DIR = os.path.join(SHARED, "peer")
DEFAULT_PEER_PYTHON = os.path.expanduser("~/.cache/newsfacts-peer/bin/python")


def read_articles(path, limit):
    """ArticleInput JSON lines for the first `limit` stories of a corpus file."""
    lines = []
    with open(path, encoding="utf-8") as corpus:
        for record in map(json.loads, corpus):
            if not record.get("text", "").strip():
                continue
            article = {"externalId": str(record["id"]), "text": record["text"], "source": "xinhua"}
            if record.get("date"):
                article["publishedAt"] = record["date"] + "T12:00:00Z"
            lines.append(json.dumps(article))
            if len(lines) == limit:
                break
    return lines


def timed_run(cmd, input_path):
    """Runs `cmd` with stdin from `input_path`; returns (CPU seconds, wall seconds, stdout lines)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(input_path, "rb") as stdin:
        done = subprocess.run(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, done.stdout.count(b"\n")


def score(cmd, gold):
    """The scorer's summary lines for one extract command."""
    out = subprocess.run(
        [sys.executable, os.path.join(SHARED, "eval", "score.py"), "--cmd", cmd, "--gold", gold],
        capture_output=True, text=True, check=True,
    ).stdout
    keep = ("statement_attributed ", "statement_content", "entities", "trade_facts")
    return [line for line in out.splitlines() if line.startswith(keep)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200, help="Xinhua stories to read (default 200)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each tool; the median is quoted")
    parser.add_argument("--newsfacts-passes", type=int, default=20,
                        help="times newsfacts reads the articles per run (default 20)")
    parser.add_argument("--newsfacts", default=os.path.join(ROOT, "target", "release", "newsfacts"))
    parser.add_argument("--peer-python", default=DEFAULT_PEER_PYTHON)
    parser.add_argument("--skip-quality", action="store_true", help="speed only")
    args = parser.parse_args()

    if not os.access(args.newsfacts, os.X_OK):
        sys.exit(f"{args.newsfacts} not found: run `cargo build --release` first")
    if not os.access(args.peer_python, os.X_OK):
        print("installing the peer (../shared/peer/setup.sh) ...", file=sys.stderr)
        subprocess.run(["bash", os.path.join(PEER_DIR, "setup.sh")], check=True)

    articles = read_articles(os.path.join(SHARED, "corpora", "xinhua.jsonl"), args.articles)
    megabytes = sum(len(json.loads(a)["text"].encode()) for a in articles) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        once = os.path.join(tmp, "once.jsonl")
        many = os.path.join(tmp, "many.jsonl")
        with open(once, "w", encoding="utf-8") as out:
            out.write("\n".join(articles) + "\n")
        with open(many, "w", encoding="utf-8") as out:
            out.write(("\n".join(articles) + "\n") * args.newsfacts_passes)

        tools = {
            "newsfacts": ([args.newsfacts, "extract"], many, args.newsfacts_passes),
            "peer": ([args.peer_python, os.path.join(PEER_DIR, "peer_extract.py")], once, 1),
        }
        rates = {}
        print(f"{len(articles)} Xinhua articles, {megabytes:.2f} MB of text; {args.repeats} runs each, medians")
        for name, (cmd, path, passes) in tools.items():
            runs = []
            for _ in range(args.repeats):
                cpu, wall, outputs = timed_run(cmd, path)
                if outputs != len(articles) * passes:
                    sys.exit(f"{name}: {outputs} output lines for {len(articles) * passes} articles")
                runs.append((cpu, wall))
            cpu = statistics.median(r[0] for r in runs)
            wall = statistics.median(r[1] for r in runs)
            n = len(articles) * passes
            rates[name] = n / cpu
            print(f"{name:10} {n:7} articles  CPU {cpu:7.2f} s  wall {wall:7.2f} s  "
                  f"{n / cpu:10.1f} articles/CPU-s  {megabytes * passes / cpu:8.3f} MB/CPU-s")
        print(f"ratio newsfacts/peer: {rates['newsfacts'] / rates['peer']:.0f}x articles per CPU-second")

    if not args.skip_quality:
        gold = os.path.join(SHARED, "eval", "dev")
        for name, cmd in [
            ("newsfacts", f"{args.newsfacts} extract"),
            ("peer", f"{args.peer_python} {os.path.join(PEER_DIR, 'peer_extract.py')}"),
        ]:
            print(f"quality on eval/dev, {name}:")
            for line in score(cmd, gold):
                print("  " + line)


if __name__ == "__main__":
    main()
