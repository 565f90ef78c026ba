#!/usr/bin/env python3
"""Drops from each seventeenth blind set, as written, every line whose text is
already a line of an earlier set of its language (every set blind16/dedup.py
compared with, the sixteenth blind sets), or an example mention
(kb/lang/LANG/examples.tsv), or seen twice within the set: such a line in a
check half would not be held out. Run once, before the split and before the
product ever saw the sets (2026-12-06, session 27; rule27b).

    python3 tests/eval/blind17/dedup.py
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
b16 = _load("blind16_dedup", EV / "blind16/dedup.py")
EARLIER = {lang: paths + [EV / f"blind16/tweets-blind16-{lang}.tsv"]
           for lang, paths in b16.EARLIER.items()}

if __name__ == "__main__":
    for lang in ("en", "fr", "de", "es"):
        b4.dedup(lang, HERE, "blind17", EARLIER)
