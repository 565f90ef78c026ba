#!/usr/bin/env python3
"""Validate tweets2-{fr,de,es}.tsv. Prints OK or the problems; exit 1 on problems."""
import os, sys, glob
HERE = os.path.dirname(os.path.abspath(__file__))
TOPICS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../shared/kb-topics.tsv")
PLACES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../kb/places/{}.tsv")
STORES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../kb/stores/{}/*.md")
HEADER = ["id", "text", "expect", "town", "notes"]
PREFIX = {"fr": "f", "de": "d", "es": "e"}
MIN_LINES, MIN_DASH, MIN_PER_SLUG, MIN_TOWN = 90, 0.25, 2, 14

def slugs():
    with open(TOPICS, encoding="utf-8") as f:
        return [l.split("\t")[0] for l in f.read().splitlines()[1:] if l.strip()]

def place_names(lang):
    with open(PLACES.format(lang), encoding="utf-8") as f:
        return {l.split("\t")[0] for l in f.read().splitlines()[1:] if l.strip()}

def store_towns(lang):
    """town: field from the YAML front matter only."""
    towns = set()
    for p in glob.glob(STORES.format(lang)):
        with open(p, encoding="utf-8") as f:
            lines = f.read().split("\n")
        if not lines or lines[0].strip() != "---":
            continue
        for l in lines[1:]:
            if l.strip() == "---":
                break
            if l.startswith("town:"):
                towns.add(l.split(":", 1)[1].strip().strip('"'))
    return towns

def check(lang, all_slugs):
    errs = []
    path = os.path.join(HERE, f"tweets2-{lang}.tsv")
    raw = open(path, "rb").read()
    if b"\r" in raw:
        errs.append("CR found (must be LF)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return [f"not UTF-8: {e}"], {}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    if not lines or lines[0].split("\t") != HEADER:
        errs.append(f"bad header: {lines[0]!r}")
    rows = []
    for n, l in enumerate(lines[1:], 2):
        parts = l.split("\t")
        if len(parts) != 5:
            errs.append(f"line {n}: {len(parts)} fields")
            continue
        rows.append((n, parts))
    names, stores = place_names(lang), store_towns(lang)
    missing_store = stores - names
    if missing_store:
        errs.append(f"store towns not in places file: {missing_store}")
    valid = set(all_slugs) | {"-"}
    seen_ids, seen_text = set(), {}
    counts = {s: 0 for s in all_slugs}
    dash = town_store = town_nostore = en = 0
    for i, (n, (id_, txt, exp, town, notes)) in enumerate(rows):
        want = f"{PREFIX[lang]}{2001 + i}"
        if id_ != want:
            errs.append(f"line {n}: id {id_} expected {want}")
        if id_ in seen_ids:
            errs.append(f"line {n}: duplicate id {id_}")
        seen_ids.add(id_)
        if not txt.strip():
            errs.append(f"line {n}: empty text")
        key = txt.strip().lower()
        if key in seen_text:
            errs.append(f"line {n}: duplicate text of line {seen_text[key]}")
        seen_text[key] = n
        if exp not in valid:
            errs.append(f"line {n}: expect {exp!r} not a slug or '-'")
        elif exp == "-":
            dash += 1
        else:
            counts[exp] += 1
        if town:
            if town not in names:
                errs.append(f"line {n}: town {town!r} not a name in places/{lang}.tsv")
            elif town in stores:
                town_store += 1
            else:
                town_nostore += 1
                if exp != "find-a-store":
                    errs.append(f"line {n}: no-store town {town} but expect {exp}")
            if exp == "-":
                errs.append(f"line {n}: town set on a '-' line")
        if "en-mix" in notes:
            en += 1
    total = len(rows)
    if total < MIN_LINES:
        errs.append(f"{total} lines < {MIN_LINES}")
    if total and dash / total < MIN_DASH:
        errs.append(f"'-' share {dash/total:.1%} < 25%")
    for s, c in counts.items():
        if c < MIN_PER_SLUG:
            errs.append(f"slug {s} only {c}x")
    towns = town_store + town_nostore
    if towns < MIN_TOWN:
        errs.append(f"{towns} town lines < {MIN_TOWN}")
    if town_store < MIN_TOWN // 2 or town_nostore < MIN_TOWN // 2:
        errs.append(f"town split store/no-store {town_store}/{town_nostore}: each needs >= {MIN_TOWN // 2}")
    stats = dict(lines=total, dash=dash, dash_pct=round(100 * dash / total, 1) if total else 0,
                 slugs_used=sum(1 for c in counts.values() if c), min_per_slug=min(counts.values()),
                 town=towns, town_store=town_store, town_nostore=town_nostore,
                 en_mix=en, en_mix_pct=round(100 * en / total, 1) if total else 0)
    return errs, stats

def main():
    all_slugs = slugs()
    assert len(all_slugs) == 41, len(all_slugs)
    bad = False
    for lang in PREFIX:
        errs, stats = check(lang, all_slugs)
        print(f"tweets2-{lang}.tsv", stats)
        for e in errs:
            print("  ERROR", e)
        bad |= bool(errs)
    print("FAIL" if bad else "OK")
    sys.exit(1 if bad else 0)

if __name__ == "__main__":
    main()
