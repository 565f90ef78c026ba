#!/usr/bin/env python3
"""fit_confidence.py - refits the confidence model of kb_rank_confidence().

    python3 tests/eval/fit_confidence.py [--l2 1.0] [--drop FEATURE] INDEX SET...

Runs `bin/kb-eval INDEX SET --dump` for each labelled set, fits a logistic
model of "an article answers this mention" (expect is not "-") over the
first suggestion's features, with L2 regularisation on the weights (not the
intercept), by Newton's method, and prints the coefficients to paste into
src/core/kb_rank.c, then the abstention precision and recall per set for a
range of thresholds (the whole decision of kb_suggest(): an off-topic page
first, or no suggestion, means not answerable; a store link answers), and
the threshold whose lowest abstention precision or recall over the sets is
highest (the targets ask for both, on every set).
Lines where an off-topic page ranked first, or no query word is in the
index, are left out of the fit: the model never decides them. Then each
set is scored with a model fitted on the others (a check that the fit is
not just the one set). --drop leaves a feature out (its weight is 0), to
see what it brings. Standard library only, deterministic.
"""
import math
import subprocess
import sys

NAMES = ["strong", "coverage", "proximity", "title", "phrase", "margin", "log1p(bm25f)", "asks"]
# dump columns: dump id expect got rank conf f0..f8 ratio offtopic store_link asks
F_BM25F, F_COVERAGE, F_STRONG, F_PROX, F_TITLE, F_GROUPS, F_KNOWN, F_EXACT, F_PHRASE = range(9)


def read_dump(kb_eval, index, path):
    out = subprocess.run([kb_eval, index, path, "--dump"], check=True, capture_output=True,
                         text=True).stdout
    rows = []
    for line in out.splitlines():
        c = line.split("\t")
        if c[0] != "dump":
            continue
        row = {"id": c[1], "y": c[2] != "-", "set": path}
        if len(c) < 19:  # no suggestion at all
            row.update(x=None, offtopic=int(c[-3]), store_link=0)
        else:
            f = [float(v) for v in c[6:15]]
            ratio, row["offtopic"], row["store_link"], asks = float(c[15]), int(c[16]), int(c[17]), int(c[18])
            margin = 1.0 - ratio if ratio > 0 else 1.0
            row["x"] = None if f[F_GROUPS] < 1 else [
                f[F_STRONG], f[F_COVERAGE], f[F_PROX], f[F_TITLE], f[F_PHRASE], margin,
                math.log1p(f[F_BM25F]), asks]
        rows.append(row)
    return rows


def solve(a, b):
    """Gaussian elimination with partial pivoting: a x = b."""
    n = len(b)
    m = [a[i][:] + [b[i]] for i in range(n)]
    for i in range(n):
        p = max(range(i, n), key=lambda r: abs(m[r][i]))
        m[i], m[p] = m[p], m[i]
        for r in range(i + 1, n):
            k = m[r][i] / m[i][i]
            for c in range(i, n + 1):
                m[r][c] -= k * m[i][c]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (m[i][n] - sum(m[i][c] * x[c] for c in range(i + 1, n))) / m[i][i]
    return x


def fit(rows, l2):
    data = [([1.0] + r["x"], 1.0 if r["y"] else 0.0) for r in rows if r["x"] and not r["offtopic"]]
    d = len(data[0][0])
    w = [0.0] * d
    for _ in range(50):
        g = [0.0] * d
        h = [[0.0] * d for _ in range(d)]
        for x, y in data:
            p = 1 / (1 + math.exp(-sum(wi * xi for wi, xi in zip(w, x))))
            for i in range(d):
                g[i] += (p - y) * x[i]
                for j in range(d):
                    h[i][j] += p * (1 - p) * x[i] * x[j]
        for i in range(1, d):
            g[i] += l2 * w[i]
            h[i][i] += l2
        step = solve(h, g)
        w = [wi - si for wi, si in zip(w, step)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return w


def confidence(w, x):
    if not x:
        return 0.0
    return 1 / (1 + math.exp(-(w[0] + sum(wi * xi for wi, xi in zip(w[1:], x)))))


def abstention(w, rows, t):
    abst = ok = none = 0
    for r in rows:
        answerable = not r["offtopic"] and r["x"] is not None and (
            confidence(w, r["x"]) >= t or r["store_link"])
        if not r["y"]:
            none += 1
        if not answerable:
            abst += 1
            ok += not r["y"]
    p = ok / abst if abst else 0.0
    rc = ok / none if none else 0.0
    return p, rc, (2 * p * rc / (p + rc) if p + rc else 0.0)


def main(argv):
    l2, drop = 1.0, []
    while len(argv) > 2 and argv[1] in ("--l2", "--drop"):
        if argv[1] == "--l2":
            l2 = float(argv[2])
        else:
            drop.append(NAMES.index(argv[2]))
        argv = argv[:1] + argv[3:]
    if len(argv) < 3:
        sys.exit(__doc__)
    index, sets = argv[1], argv[2:]
    rows = {s: read_dump("bin/kb-eval", index, s) for s in sets}
    for r in (r for s in sets for r in rows[s] if r["x"]):
        for i in drop:
            r["x"][i] = 0.0
    every = [r for s in sets for r in rows[s]]
    w = fit(every, l2)
    print("fitted on %d lines (l2 %.2f):" % (sum(1 for r in every if r["x"] and not r["offtopic"]), l2))
    print("  z = %.3f" % w[0] + "".join(" %+.3f * %s" % (wi, n) for wi, n in zip(w[1:], NAMES)))
    best = (0, 0)
    print("  threshold  " + "  ".join("%-28s" % s.split("/")[-1] for s in sets) + "  all")
    for k in range(30, 81, 5):
        t = k / 100
        line = "  %.2f      " % t
        for s in sets:
            p, rc, _ = abstention(w, rows[s], t)
            line += "  P %.3f R %.3f             " % (p, rc)
        worst = min(min(abstention(w, rows[s], t)[:2]) for s in sets)
        p, rc, _ = abstention(w, every, t)
        print(line + "  P %.3f R %.3f worst %.3f" % (p, rc, worst))
        if worst > best[0] + 1e-9:
            best = (worst, t)
    print("  best threshold (the highest lowest precision or recall of any set): %.2f" % best[1])
    if len(sets) > 1:
        print("each set scored with a model fitted on the others, at %.2f:" % best[1])
        for s in sets:
            wo = fit([r for o in sets if o != s for r in rows[o]], l2)
            p, rc, _ = abstention(wo, rows[s], best[1])
            print("  %-30s P %.3f R %.3f" % (s.split("/")[-1], p, rc))


if __name__ == "__main__":
    main(sys.argv)
