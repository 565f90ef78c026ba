#!/usr/bin/env python3
"""agree.py - how often two blind writers give a tweet the same article
(rule31e, docs/relevance.md "Twenty-sixth round").

    python3 tests/eval/agree/agree.py

For each language with a relabel.tsv: the 250 tweets of input.tsv (drawn
from blind20-24's tuning halves) carry the original writer's label (the
tuning half) and a second writer's (relabel.tsv, written blind from the
topic list alone). Prints, per language and pooled: the share of lines
whose two labels agree ("-" with "-" counts), Cohen's kappa over the labels
(chance agreement from each writer's own label shares), how often the two
agree on whether any article fits, the commonest disagreements by pair;
then main's first suggestion (bin/kb-eval --dump on kb/, indexed into
build/agree.sqlite) against the original label, the second label and
either, on the lines where some label names an article, split by whether
the writers agree. Standard library only; nothing is fitted on it.
"""
import collections
import csv
import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EVAL = os.path.dirname(HERE)
INDEX = "build/agree.sqlite"


def read(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def originals(lang):
    """id -> (expect, set path) over blind20-24's tuning halves of lang."""
    out = {}
    for n in range(20, 25):
        p = os.path.join(EVAL, "blind%d" % n, "tweets-blind%d-%s-tune.tsv" % (n, lang))
        for r in read(p):
            out[r["id"]] = (r["expect"], p)
    return out


def firsts(paths, lang):
    """id -> main's first suggestion (or "-" when it has none) over paths."""
    got = {}
    for p in sorted(paths):
        args = ["bin/kb-eval", INDEX, p, "--dump"] + ([] if lang == "en" else ["--lang", lang])
        txt = subprocess.run(args, check=True, capture_output=True, text=True).stdout
        for row in txt.splitlines():
            c = row.split("\t")
            if c[0] == "dump":
                got[c[1]] = c[3]
    return got


def kappa(pairs):
    n = len(pairs)
    po = sum(a == b for a, b in pairs) / n
    ca = collections.Counter(a for a, _ in pairs)
    cb = collections.Counter(b for _, b in pairs)
    pe = sum(ca[k] * cb[k] for k in ca) / (n * n)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def share(k, n):
    return "%d/%d (%.3f)" % (k, n, k / n if n else 0)


def report(name, rows):
    """rows: (id, original, second, first suggestion)."""
    pairs = [(o, s) for _, o, s, _ in rows]
    n = len(rows)
    agree = sum(o == s for o, s in pairs)
    fits = sum((o == "-") == (s == "-") for o, s in pairs)
    print("%s: %d lines; labels agree %s, kappa %.3f; agree on whether an article fits %s" % (
        name, n, share(agree, n), kappa(pairs), share(fits, n)))
    print("  original '-' %d, second '-' %d, both %d" % (
        sum(o == "-" for o, _ in pairs), sum(s == "-" for _, s in pairs),
        sum(o == "-" and s == "-" for o, s in pairs)))
    dis = collections.Counter(tuple(sorted((o, s))) for o, s in pairs if o != s)
    print("  commonest disagreements: " + "; ".join(
        "%s / %s %d" % (a, b, k) for (a, b), k in dis.most_common(8)))
    for label, keep in (("writers agree", lambda o, s: o == s),
                        ("writers differ", lambda o, s: o != s)):
        sub = [r for r in rows if keep(r[1], r[2])]
        orig = [r for r in sub if r[1] != "-"]
        sec = [r for r in sub if r[2] != "-"]
        anyl = [r for r in sub if r[1] != "-" or r[2] != "-"]
        print("  %-15s main's first = original %s, = second %s, = either %s" % (
            label + ":", share(sum(r[3] == r[1] for r in orig), len(orig)),
            share(sum(r[3] == r[2] for r in sec), len(sec)),
            share(sum(r[3] in (r[1], r[2]) for r in anyl), len(anyl))))
    orig = [r for r in rows if r[1] != "-"]
    print("  all lines with an original article: main's first = original %s, = either %s" % (
        share(sum(r[3] == r[1] for r in orig), len(orig)),
        share(sum(r[3] in (r[1], r[2]) for r in orig), len(orig))))


def main():
    langs = [l for l in ("en", "fr", "de", "es")
             if os.path.exists(os.path.join(HERE, l, "relabel.tsv"))]
    if not langs:
        sys.exit("agree.py: no tests/eval/agree/LANG/relabel.tsv yet")
    subprocess.run(["bin/kb-index", "-q", "kb", "-o", INDEX], check=True)
    pooled = []
    for lang in langs:
        inp = read(os.path.join(HERE, lang, "input.tsv"))
        sec = {r["id"]: r["expect"].strip() for r in read(os.path.join(HERE, lang, "relabel.tsv"))}
        orig = originals(lang)
        missing = [r["id"] for r in inp if r["id"] not in sec]
        if missing:
            sys.exit("agree.py: %s: %d ids without a second label (%s...)" % (lang, len(missing),
                                                                               missing[0]))
        got = firsts({orig[r["id"]][1] for r in inp}, lang)
        rows = [(r["id"], orig[r["id"]][0], sec[r["id"]], got.get(r["id"], "-")) for r in inp]
        report(lang, rows)
        pooled += rows
    if len(langs) > 1:
        report("pooled (%s)" % ", ".join(langs), pooled)


if __name__ == "__main__":
    main()
