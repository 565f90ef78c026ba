#!/usr/bin/env python3
"""explore.py - would a ranker with more capacity, or a "nothing fits"
threshold per language, beat the committed model out of fold?

    python3 tests/eval/explore.py            # every variant below (~10 min)
    python3 tests/eval/explore.py ranker     # the ranker variants only
    python3 tests/eval/explore.py abstain    # the per-language thresholds only
    python3 tests/eval/explore.py ranker --seed 7   # other folds (fit.py's: 19)

Standard library only, deterministic; reads the TUNING data only (fit.py's
SETS, never a check half) through fit.py's own functions, and writes
nothing: it prints cross-validated figures to choose by (docs/relevance.md,
"Fifth round"). Nothing here reaches the product unless fit.py is changed
to fit it and the C to compute it.

Ranker variants (each 5-fold, folds by line as in fit.py, the ranker's L2
the one fit.py chooses for the committed inputs, 0.01): the committed 14
inputs plus
  products   pairwise products of inputs (intent with coverage and with how
             many intents the mention shows, coverage with strong, phrase
             and log BM25F): a linear model cannot say "coverage counts
             more when the intent matches";
  known      the share of known words times the word-match inputs (the
             weight of words by how much of the mention the index knows);
  steps      step functions of each word-match input at its 50th, 75th and
             90th percentile over all candidates (what a boosted stump
             would split on);
  relative   each of four inputs over its line's best, and its rank in
             the line (a candidate's standing among its rivals).
Abstention: the out-of-fold "something fits" probabilities of fit.py's
cross-validation (its penalties 0.1 / 0.3 for the committed model), then a
threshold chosen on the other folds either on all languages pooled (as
fit.py does) or on the line's language alone, scored on the held-out fold.
"""
import os
import random
import sys
import time

sys.dont_write_bytecode = True  # importing fit.py leaves no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fit  # noqa: E402

INDEX = "build/explore.sqlite"
L2R = 0.01
L2C, L2F = 0.1, 0.3
I = {nm: i for i, nm in enumerate(fit.INPUTS)}
WORDS = ["log_bm25f", "coverage", "strong", "proximity", "title", "exact", "phrase", "log_score"]


def load():
    if subprocess_run(["make", "--no-print-directory", "-s", "all", "bin/kb-eval"]) or \
            subprocess_run(["bin/kb-index", "-q", "kb", "-o", INDEX]):
        sys.exit("explore.py: build or index failed")
    by_set = {s: fit.run_dump(INDEX, s, lang) for s, lang in fit.SETS if os.path.exists(s)}
    lines = [ln for s in by_set for ln in by_set[s]]
    for ln in lines:
        ln["lang"] = dict(fit.SETS)[ln["set"]] or "en"
    return lines


def subprocess_run(args):
    import subprocess
    return subprocess.run(args).returncode


def extend(lines, extra):
    """Copies of LINES whose candidates' inputs are followed by extra(line, i, x)."""
    out = []
    for ln in lines:
        l2 = dict(ln)
        l2["cands"] = []
        ctx = extra(ln, None, None)
        for i, c in enumerate(ln["cands"]):
            c2 = dict(c)
            c2["x"] = c["x"] + extra(ln, (ctx, i), c["x"])
            l2["cands"].append(c2)
        out.append(l2)
    return out


def cv_r1(lines, nextra):
    """5-fold R@1 and R@3 of the pairwise ranker, per set."""
    use = [1.0 if nm in fit.FEATURES else 0.0 for nm in fit.INPUTS] + [1.0] * nextra
    fs = fit.folds(lines, fit.FOLDS)
    per = {}
    for k in range(fit.FOLDS):
        w = fit.fit_ranker([ln for j in range(fit.FOLDS) if j != k for ln in fs[j]], L2R, use)
        for ln in fs[k]:
            if ln["expect"] == "-":
                continue
            r = fit.outcome(ln, w)[2]
            s = per.setdefault(ln["set"].split("/")[-1], [0, 0, 0])
            s[0] += 1
            s[1] += r == 1
            s[2] += 0 < r <= 3
    n = sum(v[0] for v in per.values())
    return sum(v[1] for v in per.values()) / n, sum(v[2] for v in per.values()) / n, per


def products(pairs):
    def f(ln, at, x):
        return None if at is None else [x[I[a]] * x[I[b]] for a, b in pairs]
    return f, len(pairs)


def steps(lines):
    cuts = []
    for nm in WORDS:
        v = sorted(c["x"][I[nm]] for ln in lines for c in ln["cands"])
        for t in sorted(set(v[int(q * (len(v) - 1))] for q in (0.5, 0.75, 0.9))):
            cuts.append((I[nm], t))

    def f(ln, at, x):
        return None if at is None else [float(x[i] > t) for i, t in cuts]
    return f, len(cuts)


def relative(names):
    def f(ln, at, x):
        if at is None:
            best = {nm: max([c["x"][I[nm]] for c in ln["cands"]] + [0.0]) for nm in names}
            rank = {}
            for nm in names:
                order = sorted(range(len(ln["cands"])), key=lambda i: -ln["cands"][i]["x"][I[nm]])
                rank[nm] = {i: r for r, i in enumerate(order)}
            return best, rank
        (best, rank), i = at
        return [x[I[nm]] / best[nm] if best[nm] > 0 else 0.0 for nm in names] + \
            [1.0 / (1 + rank[nm][i]) for nm in names]
    return f, 2 * len(names)


def ranker(lines):
    variants = [
        ("committed inputs", None),
        ("+ products (6)", products([("mention_intents", "intent_match"),
                                     ("mention_intents", "intent_miss"),
                                     ("coverage", "intent_match"), ("coverage", "strong"),
                                     ("coverage", "phrase"), ("log_bm25f", "coverage")])),
        ("+ known x words (5)", products([("known", nm) for nm in
                                          ["log_bm25f", "coverage", "strong", "phrase", "title"]])),
        ("+ relative and rank (8)", relative(["log_bm25f", "coverage", "log_score", "phrase"])),
        ("+ steps", steps(lines)),
    ]
    print("| ranker (L2 %g) | R@1 | R@3 | %s |" % (L2R, " | ".join(
        s.split("/")[-1].replace(".tsv", "") for s, _ in fit.SETS if os.path.exists(s))))
    for name, v in variants:
        t0 = time.time()
        ls, n = (lines, 0) if v is None else (extend(lines, v[0]), v[1])
        r1, r3, per = cv_r1(ls, n)
        print("| %s | %.4f | %.4f | %s | (%.0f s)" % (
            name if v is None or "steps" not in name else "%s (%d)" % (name, n), r1, r3,
            " | ".join("%.3f" % (per[s.split("/")[-1]][1] / per[s.split("/")[-1]][0])
                       for s, _ in fit.SETS if os.path.exists(s)), time.time() - t0), flush=True)


def abstain(lines):
    use = [1.0 if nm in fit.FEATURES else 0.0 for nm in fit.INPUTS]
    ws = fit.fold_rankers(lines, use, L2R)
    inner = fit.inner_rankers(lines, use, L2R)
    res = fit.cross_validate(lines, ws, L2C, L2F, inner)
    fs = fit.folds(lines, fit.FOLDS)
    fold = {id(ln): k for k in range(fit.FOLDS) for ln in fs[k]}
    langs = ["en", "fr", "de", "es"]
    pooled = {k: fit.fits_threshold([ln for ln in lines if fold[id(ln)] != k], res)
              for k in range(fit.FOLDS)}
    own = {(g, k): fit.fits_threshold([ln for ln in lines if fold[id(ln)] != k and
                                       ln["lang"] == g], res)
           for g in langs for k in range(fit.FOLDS)}

    def pr(ls, t_of):
        abst = [ln for ln in ls if res[id(ln)][2] < t_of(ln)]
        ok = sum(1 for ln in abst if ln["expect"] == "-")
        return ok / max(1, len(abst)), ok / max(1, sum(1 for ln in ls if ln["expect"] == "-"))
    print("thresholds per fold: pooled %s; %s" % (
        [pooled[k] for k in range(fit.FOLDS)],
        "; ".join("%s %s" % (g, [own[(g, k)] for k in range(fit.FOLDS)]) for g in langs)))
    print("| language (lines with no article) | pooled threshold: abst. P / R | "
          "threshold of its own: abst. P / R |")
    print("|---|---|---|")
    for g in langs:
        ls = [ln for ln in lines if ln["lang"] == g]
        a = pr(ls, lambda ln: pooled[fold[id(ln)]])
        b = pr(ls, lambda ln, g=g: own[(g, fold[id(ln)])])
        print("| %s (%d) | %.3f / %.3f | %.3f / %.3f |" % (
            g, sum(1 for ln in ls if ln["expect"] == "-"), a[0], a[1], b[0], b[1]))


def reseed(seed):
    """fit.py's folds shuffled with another seed: a gain that holds only
    for one fold assignment is noise."""
    def folds(lines, k):
        idx = list(range(len(lines)))
        random.Random(seed).shuffle(idx)
        return [[lines[i] for i in idx[f::k]] for f in range(k)]
    fit.folds = folds


def main(argv):
    if "--seed" in argv:
        i = argv.index("--seed")
        reseed(int(argv[i + 1]))
        argv = argv[:i] + argv[i + 2:]
    what = argv[1] if len(argv) > 1 else "all"
    lines = load()
    print("explore.py: %d tuning lines" % len(lines))
    if what in ("all", "ranker"):
        ranker(lines)
    if what in ("all", "abstain"):
        abstain(lines)


if __name__ == "__main__":
    main(sys.argv)
