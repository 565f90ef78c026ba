#!/usr/bin/env python3
"""Splits the blind tweet set ONCE into a tuning half and a check half.

Stratified by the expected slug (and '-'), with a fixed seed, so every slug
is in both halves and the split is reproducible. Run once, when the set was
committed (2026-12-02); the halves are committed beside it. Nothing may be
fitted on the check half, ever (docs/relevance.md).

    python3 tests/eval/blind/split.py tests/eval/blind/tweets-blind.tsv
"""
import random
import sys
from collections import defaultdict

SEED = 20261202


def main(path):
    with open(path, encoding="utf-8") as f:
        header, *rows = f.read().rstrip("\n").split("\n")
    by = defaultdict(list)
    for r in rows:
        by[r.split("\t")[2]].append(r)
    rng = random.Random(SEED)
    tune, check = [], []
    for slug in sorted(by):
        rs = by[slug][:]
        rng.shuffle(rs)
        half = (len(rs) + rng.randint(0, 1)) // 2
        tune += rs[:half]
        check += rs[half:]
    key = lambda r: r.split("\t")[0]
    base = path[: -len(".tsv")]
    for name, part in (("tune", tune), ("check", check)):
        with open(f"{base}-{name}.tsv", "w", encoding="utf-8") as f:
            f.write(header + "\n" + "\n".join(sorted(part, key=key)) + "\n")
        print(f"{base}-{name}.tsv: {len(part)} lines, "
              f"{sum(1 for r in part if r.split(chr(9))[2] == '-')} with no article")


if __name__ == "__main__":
    main(sys.argv[1])
