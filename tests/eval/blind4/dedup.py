#!/usr/bin/env python3
"""Drops from each fourth blind set, as written, every line whose text is
already a line of an earlier set of its language (compared case-insensitively,
runs of white space as one), and every line seen twice within the set. Such a
line in a check half would not be held out: the same text may sit in a tuning
half, or among the English example mentions (kb/lang/en/examples.tsv, made
from the English tuning halves), that the model was fitted on. Run once,
before the split and before the product ever saw the sets (2026-12-05).

    python3 tests/eval/blind4/dedup.py
"""
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
EV = ROOT / "tests/eval"
EARLIER = {
    "en": [EV / "blind/tweets-blind.tsv", EV / "blind2/tweets-blind2.tsv",
           EV / "blind3/tweets-blind3-as-written.tsv", EV / "tweets-own.tsv",
           EV / "public-queries.tsv", ROOT.parent / "shared/eval/cpw-dev.tsv"],
}
for lang in ("fr", "de", "es"):
    EARLIER[lang] = [EV / f"intl/tweets-{lang}.tsv", EV / f"blind2/tweets2-{lang}.tsv",
                     EV / f"intl/public-queries-{lang}.tsv"]


def norm(text):
    return re.sub(r"\s+", " ", text.strip().lower())


def texts(path):
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) > 1:
            out.add(norm(cols[1]))
    return out


def dedup(lang, here=HERE, name="blind4", earlier=None):
    """Writes HERE/tweets-NAME-LANG.tsv from LANG/tweets-NAME-LANG-as-written.tsv
    (blind5/dedup.py calls it with its own folder, name and earlier sets)."""
    earlier = EARLIER if earlier is None else earlier
    src = here / lang / f"tweets-{name}-{lang}-as-written.tsv"
    if not src.exists():
        print(f"{lang}: no set")
        return
    seen = set()
    for path in earlier[lang]:
        if path.exists():
            seen |= texts(path)
    header, *rows = src.read_text(encoding="utf-8").splitlines()
    kept, gone = [], []
    for r in rows:
        t = norm(r.split("\t")[1])
        (gone if t in seen else kept).append(r)
        seen.add(t)
    (here / f"tweets-{name}-{lang}.tsv").write_text(
        "\n".join([header] + kept) + "\n", encoding="utf-8")
    print(f"{lang}: {len(rows)} lines as written, {len(gone)} dropped, {len(kept)} kept")
    for r in gone:
        print("   dropped:", r.split("\t")[0], r.split("\t")[1])


if __name__ == "__main__":
    for lang in ("en", "fr", "de", "es"):
        dedup(lang)
