#!/usr/bin/env python3
"""Write tweets2-{fr,de,es}.tsv from data_{fr,de,es}.py; shuffle with a fixed seed, then number."""
import importlib, random, os
HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20260202
PREFIX = {"fr": "f", "de": "d", "es": "e"}
for lang, p in PREFIX.items():
    rows = list(importlib.import_module("data_" + lang).ROWS)
    random.Random(SEED).shuffle(rows)
    with open(os.path.join(HERE, f"tweets2-{lang}.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("id\ttext\texpect\ttown\tnotes\n")
        for i, (text, expect, town, notes) in enumerate(rows):
            for v in (text, expect, town, notes):
                assert "\t" not in v and "\n" not in v, v
            f.write(f"{p}{2001 + i}\t{text}\t{expect}\t{town}\t{notes}\n")
    print(lang, len(rows))
