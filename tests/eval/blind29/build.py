#!/usr/bin/env python3
"""Builds LANG/queries-blind29-LANG-as-written.tsv from LANG/src/NN.txt (one
query a line, `text||expect||town||notes`): the chunks joined in file order,
numbered in writing order (qe001, qf001, qd001, qs001, ...), then shuffled
with a fixed seed. It generates no text.

    python3 tests/eval/blind29/build.py LANG
"""
import pathlib
import random
import sys

HERE = pathlib.Path(__file__).resolve().parent
PREFIX = {"en": "qe", "fr": "qf", "de": "qd", "es": "qs"}
SEED = 20261207


def main(lang):
    d = HERE / lang
    rows = []
    for f in sorted((d / "src").glob("*.txt")):
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            parts = line.split("||")
            if len(parts) != 4:
                sys.exit(f"{f.name}:{n}: want text||expect||town||notes, got {len(parts)} parts")
            text, expect, town, notes = (p.strip() for p in parts)
            if "\t" in line:
                sys.exit(f"{f.name}:{n}: a tab in the line")
            rows.append((text, expect, town, notes))
    out = [f"{PREFIX[lang]}{i:03d}\t{t}\t{e}\t{w}\t{x}" for i, (t, e, w, x) in enumerate(rows, 1)]
    random.Random(SEED).shuffle(out)
    path = d / f"queries-blind29-{lang}-as-written.tsv"
    path.write_text("id\ttext\texpect\ttown\tnotes\n" + "\n".join(out) + "\n", encoding="utf-8")
    print(f"{path.name}: {len(out)} lines")


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in PREFIX:
        sys.exit("usage: build.py en|fr|de|es")
    main(sys.argv[1])
