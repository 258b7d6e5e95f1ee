#!/usr/bin/env python3
"""Turns a corpus file of ../shared/corpora (JSON lines with `id`, `text`, and optionally
`dateline`, `title`, `date`) into ArticleInput JSON lines for `newsfacts extract`, `ingest` and
`bench`. The dateline, when the corpus keeps it apart from the text, is put back in front.

    scripts/corpus_inputs.py ../shared/corpora/reuters21578.jsonl > /tmp/reuters.jsonl
    scripts/corpus_inputs.py --prefix xinhua- ../shared/corpora/xinhua.jsonl > /tmp/xinhua.jsonl
"""

import argparse
import json
import os
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", help="a corpus file of JSON lines")
    parser.add_argument("--prefix", help="external id prefix (default: the file name's stem and '-')")
    args = parser.parse_args()
    prefix = args.prefix if args.prefix is not None else os.path.basename(args.corpus).split(".")[0] + "-"
    with open(args.corpus, encoding="utf-8") as corpus:
        for record in map(json.loads, corpus):
            text = record.get("text") or ""
            dateline = record.get("dateline") or ""
            if dateline and not text.startswith(dateline):
                text = f"{dateline} {text}"
            article = {"externalId": f"{prefix}{record['id']}", "text": text}
            if record.get("title"):
                article["title"] = record["title"]
            date = record.get("date") or ""
            if len(date) == 10 and date[4] == "-":
                article["publishedAt"] = f"{date}T12:00:00Z"
            sys.stdout.write(json.dumps(article) + "\n")


if __name__ == "__main__":
    main()
