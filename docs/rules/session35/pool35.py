#!/usr/bin/env python3
"""pool35.py OUTDIR [BASE_OUTDIR]: the public-query figures of measure35.sh's OUTDIR per language and
pooled (English; French, German and Spanish), and with BASE_OUTDIR the lines won and lost against it
(R@1 lines; lines where nothing fits shown no result). Reads only kb-eval's output files."""
import pathlib
import re
import sys

LANGS = ("en", "fr", "de", "es")


def read(d, lang):
    t = (pathlib.Path(d) / f"{lang}.txt").read_text(encoding="utf-8")
    m = re.search(r"(\d+) lines \((\d+) with an article, (\d+) where nothing fits\)", t)
    n, have, none = map(int, m.groups())
    misses = {}
    for l in t.splitlines():
        f = l.split()
        if len(f) >= 4 and f[2] == "want":
            misses[f[0]] = f[1]
    shown = {l.split("\t")[1] for l in t.splitlines() if l.startswith("shown, has none\t")}
    m = re.search(r"town: finder or store first +[0-9.]+ +\((\d+) of (\d+)", t)
    town_ok, towns = map(int, m.groups()) if m else (0, 0)
    r3 = sum(1 for r in misses.values() if r in ("2", "3"))
    rr = sum(1 / int(r) for r in misses.values() if r != "-")
    return {"n": have, "none": none, "r1": have - len(misses), "r3": have - len(misses) + r3,
            "rr": have - len(misses) + rr, "empty_none": none - len(shown), "misses": set(misses),
            "shown": shown, "town_ok": town_ok, "towns": towns}


def row(name, rs):
    n = sum(r["n"] for r in rs)
    none = sum(r["none"] for r in rs)
    r1 = sum(r["r1"] for r in rs)
    r3 = sum(r["r3"] for r in rs)
    rr = sum(r["rr"] for r in rs)
    e = sum(r["empty_none"] for r in rs)
    tok = sum(r["town_ok"] for r in rs)
    tn = sum(r["towns"] for r in rs)
    print(f"| {name} | {n} | {r1 / n:.3f} ({r1}) | {r3 / n:.3f} | {rr / n:.3f} | "
          f"{(e / none if none else 0):.3f} ({e}/{none}) | {(tok / tn if tn else 0):.3f} ({tok}/{tn}) |")


def main(d, base=None):
    rs = {l: read(d, l) for l in LANGS}
    print(f"{d}:")
    print("| set | lines with an article | R@1 | R@3 | MRR | no result where nothing fits | town: finder or store first |")
    print("|---|---|---|---|---|---|---|")
    for l in LANGS:
        row(l, [rs[l]])
    row("English", [rs["en"]])
    row("fr/de/es", [rs["fr"], rs["de"], rs["es"]])
    if base:
        bs = {l: read(base, l) for l in LANGS}
        print(f"against {base}: (R@1 won / lost; nothing-fits lines won / lost)")
        for l in LANGS:
            won = bs[l]["misses"] - rs[l]["misses"]
            lost = rs[l]["misses"] - bs[l]["misses"]
            nwon = bs[l]["shown"] - rs[l]["shown"]
            nlost = rs[l]["shown"] - bs[l]["shown"]
            print(f"  {l}: R@1 won {len(won)} {sorted(won)}, lost {len(lost)} {sorted(lost)}; "
                  f"nothing-fits won {len(nwon)} {sorted(nwon)}, lost {len(nlost)} {sorted(nlost)}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
