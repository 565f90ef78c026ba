#!/usr/bin/env python3
"""Drops from the third blind set, as written, every line whose text is
already a line of an earlier English set (the first and second blind sets,
our own tweets, cpw-dev when ../shared is there), compared case-insensitively
with runs of white space as one. Such a line in the check half would not be
held out: the same text may sit in a tuning half the model was fitted on.
Run once, before the split and before the product ever saw the set
(2026-12-03); 22 of 566 lines went, all short common questions ("do you sell
gift cards", "lol").

    python3 tests/eval/blind3/dedup.py
"""
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
EARLIER = [ROOT / "tests/eval/blind/tweets-blind.tsv",
           ROOT / "tests/eval/blind2/tweets-blind2.tsv",
           ROOT / "tests/eval/tweets-own.tsv",
           ROOT.parent / "shared/eval/cpw-dev.tsv"]


def norm(text):
    return re.sub(r"\s+", " ", text.strip().lower())


def main():
    seen = set()
    for path in EARLIER:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines()[1:]:
                seen.add(norm(line.split("\t")[1]))
    header, *rows = (HERE / "tweets-blind3-as-written.tsv").read_text(
        encoding="utf-8").splitlines()
    kept = [r for r in rows if norm(r.split("\t")[1]) not in seen]
    (HERE / "tweets-blind3.tsv").write_text(
        "\n".join([header] + kept) + "\n", encoding="utf-8")
    print(f"{len(rows)} lines as written, {len(rows) - len(kept)} dropped, "
          f"{len(kept)} kept")


if __name__ == "__main__":
    main()
