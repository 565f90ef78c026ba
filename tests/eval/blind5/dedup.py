#!/usr/bin/env python3
"""Drops from each fifth blind set, as written, every line whose text is
already a line of an earlier set of its language (the fourth blind sets and
every set blind4/dedup.py compared with), or an example mention
(kb/lang/LANG/examples.tsv), or seen twice within the set: such a line in a
check half would not be held out. Run once, before the split and before the
product ever saw the sets (2026-12-05, session 20).

    python3 tests/eval/blind5/dedup.py
"""
import importlib.util
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
EV = HERE.parent
ROOT = EV.parents[1]
_spec = importlib.util.spec_from_file_location("blind4_dedup", EV / "blind4/dedup.py")
b4 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(b4)

EARLIER = {lang: paths + [EV / f"blind4/tweets-blind4-{lang}.tsv",
                          ROOT / f"kb/lang/{lang}/examples.tsv"]
           for lang, paths in b4.EARLIER.items()}

if __name__ == "__main__":
    for lang in ("en", "fr", "de", "es"):
        b4.dedup(lang, HERE, "blind5", EARLIER)
