#!/usr/bin/env python3
"""study.py - every out-of-fold miss of the committed inputs on the TUNING
data (fit.SETS, never a check half), for grouping by hand:

    python3 tests/eval/study.py INDEX [SEED] [-v]

Per set: R@1, confident-and-wrong, marked, abstention P / R out of fold
(fit.py's folds shuffled by SEED, 19 by default; the committed penalties).
With -v each miss with its text: CW (marked answerable and wrong),
ABST-HAS (nothing fits said of a line with an article), FITS-NONE (a line
with no article said to fit), R1 (the expected article not first).
Writes nothing (docs/relevance.md, seventh round)."""
import os, sys, random, csv, time
sys.dont_write_bytecode = True
sys.path.insert(0, "tests/eval")
import fit

index = sys.argv[1]
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 19
def folds(lines, k):
    idx = list(range(len(lines)))
    random.Random(seed).shuffle(idx)
    return [[lines[i] for i in idx[f::k]] for f in range(k)]
fit.folds = folds
texts = {}
for s, lang in fit.SETS:
    if not os.path.exists(s):
        continue
    for row in open(s):
        c = row.rstrip("\n").split("\t")
        if len(c) > 2:
            texts[(s, c[0])] = (c[1], c[3] if len(c) > 3 else "", c[4] if len(c) > 4 else "")
use = [1.0 if nm in fit.FEATURES else 0.0 for nm in fit.INPUTS]
t0 = time.time()
by_set = {s: fit.run_dump(index, s, lang) for s, lang in fit.SETS if os.path.exists(s)}
lines = [ln for s in by_set for ln in by_set[s]]
l2r, l2c, l2f = 0.01, 0.1, 0.3
ws = fit.fold_rankers(lines, use, l2r)
inner = fit.inner_rankers(lines, use, l2r)
res = fit.cross_validate(lines, ws, l2c, l2f, inner)
tf = fit.fits_threshold(lines, res)
t = [fit.threshold(lines, res, fit.PRECISION, 0, tf), fit.threshold(lines, res, fit.PRECISION, 1, tf)]
print("thresholds", t, "fits", tf, "%.0fs" % (time.time() - t0))
tot = dict(r1=0, have=0, ans=0, wrong=0, abst=0, abst_ok=0, none=0)
fs = folds(lines, fit.FOLDS)
fold_of = {id(ln): k for k in range(fit.FOLDS) for ln in fs[k]}
for s in by_set:
    ls = by_set[s]
    have = [ln for ln in ls if ln["expect"] != "-"]
    r1 = sum(1 for ln in have if res[id(ln)][0][2] == 1)
    ans = [ln for ln in ls if not res[id(ln)][0][0] and res[id(ln)][0][1] is not None and
           res[id(ln)][1] >= t[ln["asks"]] and res[id(ln)][2] >= tf]
    wrong = [ln for ln in ans if ln["expect"] == "-" or res[id(ln)][0][2] != 1]
    abst = [ln for ln in ls if res[id(ln)][2] < tf]
    none = [ln for ln in ls if ln["expect"] == "-"]
    ok = sum(1 for ln in abst if ln["expect"] == "-")
    print("%-28s R@1 %.3f c&w %.3f marked %.3f abstP %.3f R %.3f" % (s.split("/")[-1], r1/len(have),
          len(wrong)/max(1,len(ans)), sum(1 for ln in ans if ln["expect"]!="-")/len(have), ok/max(1,len(abst)), ok/max(1,len(none))))
    for k, v in (("r1", r1), ("have", len(have)), ("ans", len(ans)), ("wrong", len(wrong)), ("abst", len(abst)), ("abst_ok", ok), ("none", len(none))):
        tot[k] += v
    if "-v" in sys.argv:
        for ln in ls:
            o, p, pf = res[id(ln)]
            txt = texts.get((s, ln["id"]), ("?", "", ""))
            first = o[1]["slug"] if o[1] else "(none)"
            tag = None
            if ln in wrong: tag = "CW"
            elif ln in abst and ln["expect"] != "-": tag = "ABST-HAS"
            elif ln["expect"] == "-" and ln not in abst: tag = "FITS-NONE"
            elif ln["expect"] != "-" and o[2] != 1: tag = "R1"
            if tag:
                print("  %-9s %s exp=%s first=%s%s rank=%d conf=%.2f fits=%.2f asks=%d | %s | %s" % (tag, ln["id"], ln["expect"], first,
                      " OFF" if o[0] else "", o[2], p, pf, ln["asks"], txt[0], txt[2]))
print("ALL R@1 %.4f (%d/%d) c&w %.4f (%d/%d) marked %.3f abstP %.3f R %.3f" % (tot["r1"]/tot["have"], tot["r1"], tot["have"],
      tot["wrong"]/tot["ans"], tot["wrong"], tot["ans"], (tot["ans"]-tot["wrong"])/tot["have"], tot["abst_ok"]/tot["abst"], tot["abst_ok"]/tot["none"]))
