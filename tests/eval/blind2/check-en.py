#!/usr/bin/env python3
"""Validate tweets-blind2.tsv. Prints a counts table and OK, or the problems and exits 1.

Inputs it reads: the TSV next to this file, /work/shared/kb-topics.tsv (slugs),
/work/main/kb/places.tsv (town names) and ONLY the YAML front matter `town:` line of
/work/main/kb/stores/*.md (which towns have a store).
"""
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
TSV = HERE / "tweets-blind2.tsv"
TOPICS = Path(__file__).resolve().parent / "../../../../shared/kb-topics.tsv"
PLACES = Path(__file__).resolve().parent / "../../../kb/places.tsv"
STORES = Path(__file__).resolve().parent / "../../../kb/stores"
HEADER = "id\ttext\texpect\ttown\tnotes"
STORE_SLUGS = {"find-a-store", "store-opening-hours", "check-stock", "click-and-collect"}

EMOJI_RE = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]")
HASHTAG_RE = re.compile(r"(?<![\w&])#[A-Za-z]\w*")
HANDLE_RE = re.compile(r"(?<![\w])@[A-Za-z_]\w*")


def front_matter_town(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for line in lines[1:]:
        if line.strip() == "---":
            break
        if line.startswith("town:"):
            return line.split(":", 1)[1].strip().strip('"')
    return None


def main():
    errors = []
    raw = TSV.read_bytes()
    if b"\r" in raw:
        errors.append("file contains CR characters (must be LF only)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        print(f"not UTF-8: {e}")
        sys.exit(1)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    if not lines or lines[0] != HEADER:
        errors.append(f"bad header: {lines[0]!r}" if lines else "empty file")

    slugs = [l.split("\t")[0] for l in TOPICS.read_text(encoding="utf-8").splitlines()[1:] if l.strip()]
    slugset = set(slugs)
    places = {l.split("\t")[0] for l in PLACES.read_text(encoding="utf-8").splitlines()[1:] if l.strip()}
    store_towns = {t for t in (front_matter_town(p) for p in sorted(STORES.glob("*.md"))) if t}
    missing_store_towns = store_towns - places
    if missing_store_towns:
        errors.append(f"store towns not in places.tsv: {sorted(missing_store_towns)}")

    rows = []
    for n, line in enumerate(lines[1:], 2):
        f = line.split("\t")
        if len(f) != 5:
            errors.append(f"line {n}: {len(f)} fields")
            continue
        rows.append(dict(zip(["id", "text", "expect", "town", "notes"], f), line=n))

    # ids
    ids = [r["id"] for r in rows]
    dup_ids = [i for i, c in Counter(ids).items() if c > 1]
    if dup_ids:
        errors.append(f"duplicate ids: {dup_ids}")
    want = {f"c{i:03d}" for i in range(1, len(rows) + 1)}
    if set(ids) != want:
        errors.append(f"ids not exactly c001..c{len(rows):03d}: extra {sorted(set(ids) - want)[:5]}, missing {sorted(want - set(ids))[:5]}")

    # texts
    norm = Counter(re.sub(r"\s+", " ", r["text"].strip().lower()) for r in rows)
    dups = [t for t, c in norm.items() if c > 1]
    if dups:
        errors.append(f"duplicate texts: {dups[:5]}")
    for r in rows:
        if not r["text"].strip():
            errors.append(f"{r['id']}: empty text")
        if r["text"] != r["text"].strip():
            errors.append(f"{r['id']}: leading/trailing space in text")

    # expect / town
    for r in rows:
        if r["expect"] != "-" and r["expect"] not in slugset:
            errors.append(f"{r['id']}: unknown expect {r['expect']!r}")
        t = r["town"]
        if t:
            if t not in places:
                errors.append(f"{r['id']}: town {t!r} not a places.tsv name")
            if r["expect"] not in STORE_SLUGS:
                errors.append(f"{r['id']}: town set but expect {r['expect']!r} is not a store question")
            if t not in store_towns and r["expect"] != "find-a-store":
                errors.append(f"{r['id']}: town {t!r} has no store, so expect must be find-a-store")

    # two questions: main label must equal expect
    two_q = [r for r in rows if "two questions" in r["notes"]]
    for r in two_q:
        m = re.search(r"main: ([a-z-]+)", r["notes"])
        if not m:
            errors.append(f"{r['id']}: two questions without 'main: X' in notes")
        elif m.group(1) != r["expect"]:
            errors.append(f"{r['id']}: notes main {m.group(1)} != expect {r['expect']}")

    N = len(rows)
    per_slug = Counter(r["expect"] for r in rows)
    none_n = per_slug["-"]
    towns = [r for r in rows if r["town"]]
    with_store = [r for r in towns if r["town"] in store_towns]
    without_store = [r for r in towns if r["town"] not in store_towns]
    slang = [r for r in rows if re.search(r"\b(slang|typo)\b", r["notes"])]
    caps = [r for r in rows if re.search(r"(?<!part )\bcaps\b", r["notes"])]
    for r in caps:
        letters = [c for c in r["text"] if c.isalpha()]
        up = sum(c.isupper() for c in letters)
        if letters and up / len(letters) < 0.8:
            errors.append(f"{r['id']}: tagged caps but not mostly upper case")
    short = [r for r in rows if len(r["text"].split()) <= 5]
    long_ = [r for r in rows if len(r["text"]) >= 200]
    emoji = [r for r in rows if EMOJI_RE.search(r["text"])]
    hashtag = [r for r in rows if HASHTAG_RE.search(r["text"])]
    handle = [r for r in rows if HANDLE_RE.search(r["text"])]
    indirect = [r for r in rows if "indirect" in r["notes"] or "phone-line vs shop hours" in r["notes"]]
    hardneg = [r for r in rows if r["expect"] == "-" and "hard negative" in r["notes"]]
    colour = [r for r in rows if "colour" in r["notes"] and r["expect"] in ("check-stock", "find-a-store")]
    by_centre = [r for r in towns if re.search(r"store by (centre|street|nickname|postcode)", r["notes"])]
    postcode = [r for r in towns if "store by postcode" in r["notes"]]

    checks = [
        ("lines", N, N >= 320, ">= 320"),
        ("expect = - (no article)", none_n, none_n >= 0.25 * N, f">= 25% ({none_n / N:.1%})"),
        ("slugs covered", sum(1 for s in slugs if per_slug[s] > 0), all(per_slug[s] >= 5 for s in slugs), f"all 41 slugs >= 5 (min {min(per_slug[s] for s in slugs)})"),
        ("lines with a town", len(towns), len(towns) >= 45, ">= 45"),
        ("  town with a store", len(with_store), 0.35 <= len(with_store) / max(1, len(towns)) <= 0.65, "about half"),
        ("  town without a store", len(without_store), 0.35 <= len(without_store) / max(1, len(towns)) <= 0.65, "about half"),
        ("  store named by centre/street/nickname/postcode", len(by_centre), len(by_centre) >= 20, ">= 20"),
        ("  store named by postcode", len(postcode), len(postcode) >= 2, ">= 2"),
        ("slang / text-speak / typo", len(slang), len(slang) >= 0.25 * N, f">= 25% ({len(slang) / N:.1%})"),
        ("two questions in one", len(two_q), len(two_q) >= 0.10 * N, f">= 10% ({len(two_q) / N:.1%})"),
        ("all caps", len(caps), len(caps) >= 8, ">= 8"),
        ("very short (<= 5 words)", len(short), len(short) >= 30, ">= 30"),
        ("long (>= 200 chars)", len(long_), len(long_) >= 10, ">= 10"),
        ("emoji", len(emoji), len(emoji) >= 20, ">= 20"),
        ("hashtags", len(hashtag), len(hashtag) >= 8, ">= 8"),
        ("@handles", len(handle), len(handle) >= 10, ">= 10"),
        ("indirect wording", len(indirect), len(indirect) >= 40, ">= 40"),
        ("stock/colour questions", len(colour), len(colour) >= 8, ">= 8"),
        ("hard negatives (expect -)", len(hardneg), len(hardneg) >= 20, ">= 20"),
    ]
    w = max(len(c[0]) for c in checks)
    print(f"| {'measure'.ljust(w)} | count | rule | ok |")
    print(f"|{'-' * (w + 2)}|------:|------|----|")
    for name, val, ok, rule in checks:
        print(f"| {name.ljust(w)} | {val:5d} | {rule} | {'yes' if ok else 'NO'} |")
        if not ok:
            errors.append(f"count rule failed: {name} = {val} ({rule})")
    print()
    print("per expect:")
    for s in slugs + ["-"]:
        print(f"  {s:26s} {per_slug[s]:3d}")

    if errors:
        print("\nPROBLEMS:")
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print("\nOK")


if __name__ == "__main__":
    main()
