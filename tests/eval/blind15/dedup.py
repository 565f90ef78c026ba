#!/usr/bin/env python3
"""Drops from each fifteenth blind set, as written, every line whose text is
already a line of an earlier set of its language (every set blind14/dedup.py
compared with, the fourteenth blind sets and the language suites' lines,
tests/eval/lang-lines), or an example mention
(kb/lang/LANG/examples.tsv, where the language has them), or seen twice
within the set: such a line in a check half would not be held out. Run once,
before the split and before the product ever saw the sets (2026-12-06,
session 25; rule25d).

    python3 tests/eval/blind15/dedup.py
"""
import importlib.util
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
EV = HERE.parent
ROOT = EV.parents[1]


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


b4 = _load("blind4_dedup", EV / "blind4/dedup.py")
b14 = _load("blind14_dedup", EV / "blind14/dedup.py")
EARLIER = {lang: paths + [EV / f"blind14/tweets-blind14-{lang}.tsv",
                          EV / f"lang-lines/lang-lines-{lang}.tsv",
                          ROOT / f"kb/lang/{lang}/examples.tsv"]
           for lang, paths in b14.EARLIER.items()}

if __name__ == "__main__":
    for lang in ("en", "fr", "de", "es"):
        b4.dedup(lang, HERE, "blind15", EARLIER)
