#!/usr/bin/env python3
"""Drops from each eighteenth blind set, as written, every line whose text is
already a line of an earlier set of its language (every set blind17/dedup.py
compared with, the seventeenth blind sets), or an example mention
(kb/lang/LANG/examples.tsv), or seen twice within the set: such a line in a
check half would not be held out. Run once, before the split and before the
product ever saw the sets (2026-12-06, session 27; rule27d).

    python3 tests/eval/blind18/dedup.py
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
b17 = _load("blind17_dedup", EV / "blind17/dedup.py")
EARLIER = {lang: paths + [EV / f"blind17/tweets-blind17-{lang}.tsv"]
           for lang, paths in b17.EARLIER.items()}

if __name__ == "__main__":
    for lang in ("en", "fr", "de", "es"):
        b4.dedup(lang, HERE, "blind18", EARLIER)
