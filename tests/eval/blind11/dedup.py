#!/usr/bin/env python3
"""Drops from each eleventh blind set, as written, every line whose text is
already a line of an earlier set of its language (every set blind10/dedup.py
compared with, and the tenth blind sets), or an example mention
(kb/lang/LANG/examples.tsv), or seen twice within the set: such a line in a
check half would not be held out. Run once, before the split and before the
product ever saw the sets (2026-12-05, session 22).

    python3 tests/eval/blind11/dedup.py
"""
import importlib.util
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
EV = HERE.parent


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


b4 = _load("blind4_dedup", EV / "blind4/dedup.py")
b10 = _load("blind10_dedup", EV / "blind10/dedup.py")
EARLIER = {lang: paths + [EV / f"blind10/tweets-blind10-{lang}.tsv"]
           for lang, paths in b10.EARLIER.items()}

if __name__ == "__main__":
    for lang in ("en", "fr", "de", "es"):
        b4.dedup(lang, HERE, "blind11", EARLIER)
