#!/usr/bin/env python3
"""Checks a blind29 public-query set (LANG/queries-blind29-LANG-as-written.tsv,
or the file named second): header, fields, ids, labels, towns, and the
brief's minimums. Prints a table of counts and OK, or the problems (exit 1).

    python3 tests/eval/blind29/check.py LANG [FILE]
"""
import collections
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
PREFIX = {"en": "qe", "fr": "qf", "de": "qd", "es": "qs"}
MIN_TAGS = {"prefix": 25, "typo": 25, "question": 20, "own words": 25, "town with store": 8,
            "town without store": 6, "store by centre/street": 4, "hard negative": 12}


def front_matter_town(p):
    lines = p.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    for ln in lines[1:]:
        if ln.strip() == "---":
            break
        if ln.startswith("town:"):
            return ln.split(":", 1)[1].strip().strip('"')
    return None


def main(lang, path):
    topics = pathlib.Path("/work/shared/kb-topics.tsv")
    if not topics.exists():
        topics = ROOT.parent / "shared" / "kb-topics.tsv"
    slugs = [l.split("\t")[0] for l in topics.read_text(encoding="utf-8").splitlines()[1:] if l.strip()]
    places_file = ROOT / "kb" / ("places.tsv" if lang == "en" else f"places/{lang}.tsv")
    places = {l.split("\t")[0] for l in places_file.read_text(encoding="utf-8").splitlines()[1:] if l.strip()}
    stores_dir = ROOT / "kb" / "stores" / ("" if lang == "en" else lang)
    store_towns = {t for t in (front_matter_town(p) for p in stores_dir.glob("*.md")) if t}
    errs = []
    raw = path.read_bytes()
    if b"\r" in raw:
        errs.append("CR characters (LF only)")
    lines = raw.decode("utf-8").rstrip("\n").split("\n")
    if lines[0] != "id\ttext\texpect\ttown\tnotes":
        errs.append(f"bad header {lines[0]!r}")
    rows = []
    for n, ln in enumerate(lines[1:], 2):
        f = ln.split("\t")
        if len(f) != 5:
            errs.append(f"line {n}: {len(f)} fields")
        else:
            rows.append(f)
    p = PREFIX[lang]
    ids = [r[0] for r in rows]
    if len(set(ids)) != len(ids):
        errs.append("duplicate ids")
    if any(not re.fullmatch(p + r"\d{3}", i) for i in ids):
        errs.append(f"ids must be {p}001, {p}002, ...")
    tags = collections.Counter()
    per_slug = collections.Counter()
    short = none = 0
    for i, text, expect, town, notes in rows:
        tl = [t.strip() for t in notes.split(";") if t.strip()]
        if not text.strip():
            errs.append(f"{i}: empty text")
        if expect != "-" and expect not in slugs:
            errs.append(f"{i}: unknown expect {expect!r}")
        if not any(re.fullmatch(r"p[1-8]", t) for t in tl):
            errs.append(f"{i}: no persona tag p1..p8")
        if town:
            if expect == "-":
                errs.append(f"{i}: a town on a '-' line")
            elif town not in places:
                errs.append(f"{i}: town {town!r} not in {places_file.name}")
            elif town not in store_towns and expect != "find-a-store":
                errs.append(f"{i}: {town} has no store: find-a-store lines only")
        if "town with store" in tl and town not in store_towns:
            errs.append(f"{i}: tagged town with store, town {town!r} has none")
        if "town without store" in tl and (not town or town in store_towns):
            errs.append(f"{i}: tagged town without store, town {town!r}")
        if "hard negative" in tl and expect != "-":
            errs.append(f"{i}: a hard negative must be '-'")
        for t in tl:
            tags[t] += 1
        per_slug[expect] += 1
        none += expect == "-"
        short += len(text.split()) <= 2
    n = len(rows)
    print(f"{path.name}: {n} lines")
    print(f"  '-' lines          {none} ({100 * none / max(n, 1):.0f} %, at least 15 %)")
    print(f"  one or two words   {short} (at least 40)")
    for t, m in MIN_TAGS.items():
        print(f"  {t:<24} {tags[t]:>3} (at least {m})")
    low = [s for s in slugs if per_slug[s] < 3]
    print(f"  slugs with fewer than 3 lines: {', '.join(low) if low else 'none'}")
    if n < 180:
        errs.append(f"{n} lines, at least 180")
    if none < 0.15 * n:
        errs.append("fewer than 15 % '-' lines")
    if short < 40:
        errs.append("fewer than 40 lines of one or two words")
    for t, m in MIN_TAGS.items():
        if tags[t] < m:
            errs.append(f"tag {t!r}: {tags[t]}, at least {m}")
    if low:
        errs.append(f"{len(low)} slugs with fewer than 3 lines")
    for e in errs:
        print("PROBLEM:", e)
    print("OK" if not errs else f"{len(errs)} problems")
    return 1 if errs else 0


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3) or sys.argv[1] not in PREFIX:
        sys.exit("usage: check.py en|fr|de|es [FILE]")
    lang = sys.argv[1]
    f = pathlib.Path(sys.argv[2]) if len(sys.argv) == 3 else HERE / lang / f"queries-blind29-{lang}-as-written.tsv"
    sys.exit(main(lang, f))
