#!/usr/bin/env python3
"""Drops from each twenty-first blind set, as written, every line whose text
is already a line of an earlier set of its language (every set
blind20/dedup.py compared with, the twentieth blind sets), or an example mention
(kb/lang/LANG/examples.tsv), or seen twice within the set: such a line in a
check half would not be held out. As blind18's and blind19's, the texts are
compared without case, accents, punctuation, emoji or spacing (blind18's
strict()).
Run once, before the split and before the product ever saw the sets
(2026-12-06, session 29; rule29c).

    python3 tests/eval/blind21/dedup.py
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


b18 = _load("blind18_dedup", EV / "blind18/dedup.py")
b20 = _load("blind20_dedup", EV / "blind20/dedup.py")
EARLIER = {lang: paths + [EV / f"blind20/tweets-blind20-{lang}.tsv"]
           for lang, paths in b20.EARLIER.items()}


def dedup(lang, name="blind21"):
    """blind18's dedup() over this folder and this round's EARLIER."""
    b18.dedup(lang, name, HERE, EARLIER)


if __name__ == "__main__":
    for lang in ("en", "fr", "de", "es"):
        dedup(lang)
