#!/usr/bin/env python3
"""Drops from each twenty-ninth blind set (public search queries), as written,
every line whose text is already an earlier public query of its language
(tests/eval/public-queries.tsv, tests/eval/intl/public-queries-LANG.tsv), a
labelled or example mention of the product (kb/lang/LANG/labelled.tsv,
examples.tsv), or an earlier line of the same set: such a line in a check
half would not be held out. Texts are compared without case, accents,
punctuation or spacing. Writes LANG's kept lines, in the as-written file's
order, to queries-blind29-LANG.tsv and prints what it dropped.
Run once, before the split and before the product ever saw the sets
(2026-12-07, session 35; rule35).

    python3 tests/eval/blind29/dedup.py
"""
import pathlib
import re
import unicodedata

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]


def key(text):
    t = unicodedata.normalize("NFKD", text.lower())
    t = "".join(c for c in t if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9ß]+", t))


def texts(path, col=1):
    if not path.exists():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return {key(l.split("\t")[col]) for l in lines if l.count("\t") >= col}


def dedup(lang):
    earlier = ROOT / "tests/eval" / ("public-queries.tsv" if lang == "en" else f"intl/public-queries-{lang}.tsv")
    seen = texts(earlier)
    for name in ("labelled.tsv", "examples.tsv"):  # slug<TAB>text, '#' comments
        f = ROOT / "kb/lang" / lang / name
        if f.exists():
            seen |= {key(l.split("\t", 1)[1]) for l in f.read_text(encoding="utf-8").splitlines()
                     if l.strip() and not l.startswith("#") and "\t" in l}
    src = HERE / lang / f"queries-blind29-{lang}-as-written.tsv"
    header, *rows = src.read_text(encoding="utf-8").rstrip("\n").split("\n")
    kept, dropped = [], []
    for r in rows:
        k = key(r.split("\t")[1])
        if k in seen:
            dropped.append(r)
        else:
            kept.append(r)
            seen.add(k)
    (HERE / f"queries-blind29-{lang}.tsv").write_text(header + "\n" + "\n".join(kept) + "\n", encoding="utf-8")
    print(f"{lang}: {len(rows)} lines as written, {len(dropped)} dropped, {len(kept)} kept")
    for r in dropped:
        f = r.split("\t")
        print(f"- {f[0]} {f[1]}")


if __name__ == "__main__":
    for lang in ("en", "fr", "de", "es"):
        dedup(lang)
