#!/usr/bin/env python3
"""Drops from each forty-second blind set, as written, every line whose
text is already a line of an earlier set of its language (every set
blind41/dedup.py compared with, and the forty-first blind sets), or an
example mention (kb/lang/LANG/examples.tsv), or seen twice within the set:
such a line in a check half would not be held out. Texts are compared as
blind18's strict() compares them (without case, accents, punctuation,
emoji or spacing); blind41's module is reused, not copied.
Run once, before the split and before the product ever saw the sets
(2026-12-07, session 42; written after rule42g).

    python3 tests/eval/blind42/dedup.py
"""
import pathlib
import runpy

HERE = pathlib.Path(__file__).resolve().parent
B41 = runpy.run_path(str(HERE.parent / "blind41" / "dedup.py"))
EARLIER = {lang: paths + [HERE.parent / f"blind41/tweets-blind41-{lang}.tsv"]
           for lang, paths in B41["EARLIER"].items()}


def dedup(lang, name="blind42"):
    """blind18's dedup() over this folder and this round's EARLIER."""
    B41["B40"]["B39"]["B38"]["B37"]["B36"]["B35"]["B34"]["B33"]["B32"]["B31"]["B30"]["B28"]["B27"]["B26"]["B25"]["B24"]["B23"]["B22"]["B21"]["B20"]["b18"].dedup(lang, name, HERE, EARLIER)


if __name__ == "__main__":
    for lang in ("en", "fr", "de", "es"):
        dedup(lang)
