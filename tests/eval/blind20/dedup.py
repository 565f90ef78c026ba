#!/usr/bin/env python3
"""Drops from each twentieth blind set, as written, every line whose text is
already a line of an earlier set of its language (every set blind19/dedup.py
compared with, the nineteenth blind sets), or an example mention
(kb/lang/LANG/examples.tsv), or seen twice within the set: such a line in a
check half would not be held out. As blind18's and blind19's, the texts are
compared without case, accents, punctuation, emoji or spacing (blind18's
strict()).
Run once, before the split and before the product ever saw the sets
(2026-12-06, session 28; rule28d).

    python3 tests/eval/blind20/dedup.py
"""
import importlib.util
import pathlib
import unicodedata

HERE = pathlib.Path(__file__).resolve().parent
EV = HERE.parent


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


b4 = _load("blind4_dedup", EV / "blind4/dedup.py")
b19 = _load("blind19_dedup", EV / "blind19/dedup.py")
EARLIER = {lang: paths + [EV / f"blind19/tweets-blind19-{lang}.tsv"]
           for lang, paths in b19.EARLIER.items()}
strict = b19.strict




def dedup(lang, name="blind20"):
    src = HERE / lang / f"tweets-{name}-{lang}-as-written.tsv"
    if not src.exists():
        print(f"{lang}: no set")
        return
    seen = set()
    for path in EARLIER[lang]:
        if path.exists():
            seen |= {strict(t) for t in b4.texts(path)}
    header, *rows = src.read_text(encoding="utf-8").splitlines()
    kept, gone = [], []
    for r in rows:
        t = strict(r.split("\t")[1])
        (gone if t in seen else kept).append(r)
        seen.add(t)
    (HERE / f"tweets-{name}-{lang}.tsv").write_text("\n".join([header] + kept) + "\n", encoding="utf-8")
    print(f"{lang}: {len(rows)} lines as written, {len(gone)} dropped, {len(kept)} kept")
    for r in gone:
        print("   dropped:", r.split("\t")[0], r.split("\t")[1])


if __name__ == "__main__":
    for lang in ("en", "fr", "de", "es"):
        dedup(lang)
