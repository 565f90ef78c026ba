#!/usr/bin/env python3
"""Drops from each eighteenth blind set, as written, every line whose text is
already a line of an earlier set of its language (every set blind17/dedup.py
compared with, the seventeenth blind sets), or an example mention
(kb/lang/LANG/examples.tsv), or seen twice within the set: such a line in a
check half would not be held out. Unlike the earlier rounds', the texts are
compared without case, accents, punctuation, emoji or spacing (strict()): a
customer on a bad connection (p6) sends the same message twice, differing by a
"?" or an accent, and one copy in each half would not be held out either. Run
once, before the split and before the product ever saw the sets (2026-12-06,
session 27; rule27d).

    python3 tests/eval/blind18/dedup.py
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
b17 = _load("blind17_dedup", EV / "blind17/dedup.py")
EARLIER = {lang: paths + [EV / f"blind17/tweets-blind17-{lang}.tsv"]
           for lang, paths in b17.EARLIER.items()}



def strict(text):
    """The letters and digits of text, lower-cased, without accents; a text
    with none ("?", emoji) as the earlier rounds compare it."""
    t = unicodedata.normalize("NFKD", text.lower())
    key = "".join(c for c in t if c.isalnum() and not unicodedata.combining(c))
    return key or "=" + b4.norm(text)


def dedup(lang, name="blind18", here=HERE, earlier=None):
    """Writes here/tweets-NAME-LANG.tsv from the set as written, less every
    line whose strict() text is in `earlier` (default: EARLIER, this round's)
    or came before in the set. blind19's and blind20's dedup.py call it with
    their own folder and list."""
    earlier = EARLIER if earlier is None else earlier
    src = here / lang / f"tweets-{name}-{lang}-as-written.tsv"
    if not src.exists():
        print(f"{lang}: no set")
        return
    seen = set()
    for path in earlier[lang]:
        if path.exists():
            seen |= {strict(t) for t in b4.texts(path)}
    header, *rows = src.read_text(encoding="utf-8").splitlines()
    kept, gone = [], []
    for r in rows:
        t = strict(r.split("\t")[1])
        (gone if t in seen else kept).append(r)
        seen.add(t)
    (here / f"tweets-{name}-{lang}.tsv").write_text("\n".join([header] + kept) + "\n", encoding="utf-8")
    print(f"{lang}: {len(rows)} lines as written, {len(gone)} dropped, {len(kept)} kept")
    for r in gone:
        print("   dropped:", r.split("\t")[0], r.split("\t")[1])


if __name__ == "__main__":
    for lang in ("en", "fr", "de", "es"):
        dedup(lang)
