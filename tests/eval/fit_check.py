#!/usr/bin/env python3
"""fit_check.py - fit.py's threshold choices on made-up out-of-fold
outcomes (no index, no kb-eval: a second): the abstention threshold by
the lower of precision and recall (FIT_ABST=minpr, the default) and by
the highest recall at a precision floor (FIT_ABST=prec:P), FIT_RES's
file read back by refit_choices.py, and the folds (by line, the default,
and FIT_FOLDS=set's whole sets) on made-up lines. Prints TAP.

    python3 tests/eval/fit_check.py
"""
import os
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fit  # noqa: E402
import refit_choices  # noqa: E402

N = 0
FAILED = 0


def check(ok, what):
    global N, FAILED
    N += 1
    FAILED += not ok
    print("%s %d - %s" % ("ok" if ok else "not ok", N, what))


def made_up():
    """Lines whose "some article fits" probabilities are chosen so that the
    two choices differ: 10 lines labelled "-" and 30 with an article.
    Under 0.30: 6 "-" and nothing else (precision 1.0, recall 0.6);
    0.30-0.50: 2 "-" and 2 with an article (at 0.50: P 0.8, R 0.8);
    0.50-0.70: 2 "-" and 8 with an article (at 0.70: P 0.5, R 1.0)."""
    lines, res = [], {}

    def add(expect, pf):
        ln = {"id": str(len(lines)), "expect": expect, "asks": 0, "set": "s", "lang": "en"}
        lines.append(ln)
        res[id(ln)] = ((False, True, 1 if expect != "-" else 0, None), 0.9, pf)
    for pf in (0.10, 0.12, 0.14, 0.16, 0.18, 0.20):
        add("-", pf)
    for pf in (0.35, 0.45):
        add("-", pf)
    for pf in (0.38, 0.42):
        add("a", pf)
    for pf in (0.55, 0.65):
        add("-", pf)
    for pf in (0.52, 0.54, 0.56, 0.58, 0.60, 0.62, 0.64, 0.66):
        add("a", pf)
    for _ in range(20):
        add("a", 0.95)
    return lines, res


def check_folds():
    """FIT_FOLDS=set: whole sets in each fold, the outer folds and the inner
    folds of a training part; the default still by line, as before."""
    sizes = [40, 31, 25, 25, 18, 12, 9, 7, 7, 5, 3, 1]
    lines = [{"id": "%d-%d" % (s, i), "set": "set%d" % s, "expect": "a"}
             for s, n in enumerate(sizes) for i in range(n)]
    saved = fit.FIT_FOLDS
    try:
        fit.FIT_FOLDS = "line"
        idx = list(range(len(lines)))
        fit.random.Random(int(os.environ.get("FIT_SEED", "19"))).shuffle(idx)
        check(fit.folds(lines, 5) == [[lines[i] for i in idx[f::5]] for f in range(5)],
              "FIT_FOLDS unset: the folds by line, as before")
        fit.FIT_FOLDS = "set"
        fs = fit.folds(lines, 5)
        parts = [("outer", lines, fs)]
        for k in range(5):
            train = [ln for j in range(5) if j != k for ln in fs[j]]
            parts.append(("inner of fold %d" % k, train, fit.folds(train, 5)))
        for what, given, f in parts:
            seen = [id(ln) for part in f for ln in part]
            check(len(f) == 5 and sorted(seen) == sorted(id(ln) for ln in given),
                  "FIT_FOLDS=set, %s: 5 folds, every line in exactly one" % what)
            fold_of = {}
            split = [ln["set"] for k, part in enumerate(f) for ln in part
                     if fold_of.setdefault(ln["set"], k) != k]
            check(not split, "FIT_FOLDS=set, %s: no set split across folds %s" % (what, sorted(set(split))))
        n = [len(part) for part in fs]
        check(max(n) - min(n) <= max(sizes), "FIT_FOLDS=set: folds balanced by lines %s" % n)
        check(sorted(n) == [35, 35, 36, 37, 40],
              "FIT_FOLDS=set: largest set first into the lightest fold %s" % sorted(n))
    finally:
        fit.FIT_FOLDS = saved


def check_base_model():
    """kb_rank_model_base.h (the model for a language without example
    mentions, kb_ltr.h "Two models") is what base_model.py writes from
    session 18's committed model: no hand edit, no refit slipped in."""
    import subprocess
    fd, path = tempfile.mkstemp(suffix=".h")
    os.close(fd)
    try:
        r = subprocess.run([sys.executable, "tests/eval/base_model.py", path], capture_output=True,
                           text=True)
        same = r.returncode == 0 and open(path).read() == open("src/core/kb_rank_model_base.h").read()
        check(same, "src/core/kb_rank_model_base.h is base_model.py's output" +
              ("" if r.returncode == 0 else ": " + r.stderr.strip()[-200:]))
    finally:
        os.unlink(path)


def main():
    check_folds()
    lines, res = made_up()
    t = fit.fits_threshold(lines, res, "minpr")
    check(abs(t - 0.46) < 1e-9, "minpr: the lowest threshold with precision = recall = 0.8 "
          "(0.46), got %.2f" % t)
    os.environ.pop("FIT_ABST", None)
    check(fit.fits_threshold(lines, res) == t, "no FIT_ABST: minpr, as before")
    os.environ["FIT_ABST"] = "prec:0.95"
    check(fit.fits_threshold(lines, res) == 0.36, "FIT_ABST is read when no choice is given")
    del os.environ["FIT_ABST"]
    t = fit.fits_threshold(lines, res, "prec:0.95")
    check(abs(t - 0.36) < 1e-9, "prec:0.95: the highest recall at precision 1.0 (0.7 from 0.36),"
          " got %.2f" % t)
    t = fit.fits_threshold(lines, res, "prec:0.75")
    check(abs(t - 0.46) < 1e-9, "prec:0.75: recall 0.8 at precision 0.8 (0.46), got %.2f" % t)
    t = fit.fits_threshold(lines, res, "prec:0.50")
    check(abs(t - 0.66) < 1e-9, "prec:0.50: recall 1.0 at precision 0.5 (0.66), got %.2f" % t)
    hi = [ln for ln in lines if ln["expect"] != "-" or res[id(ln)][2] > 0.4]
    t = fit.fits_threshold(hi, res, "prec:0.99")
    check(abs(t - fit.fits_threshold(hi, res, "minpr")) < 1e-9,
          "prec:P that no threshold reaches falls back to minpr (%.2f)" % t)
    # FIT_RES's file, read back as refit_choices.py reads it
    fd, path = tempfile.mkstemp(suffix=".tsv")
    os.close(fd)
    try:
        for ln in lines:  # write_res reads the outcome's first article
            o = res[id(ln)]
            res[id(ln)] = ((o[0][0], {"slug": ln["expect"]}, o[0][2], None), o[1], o[2])
        fit.write_res(path, lines, res)
        back, bres = refit_choices.read(path)
        same = len(back) == len(lines) and all(
            b["id"] == ln["id"] and b["expect"] == ln["expect"] and
            bres[id(b)][0][2] == res[id(ln)][0][2] and abs(bres[id(b)][2] - res[id(ln)][2]) < 1e-9
            for b, ln in zip(back, lines))
        check(same, "FIT_RES written and read back: ids, labels, ranks, probabilities")
        check(fit.fits_threshold(back, bres, "prec:0.95") == 0.36,
              "the choice on the file read back is the same")
    finally:
        os.unlink(path)
    check_base_model()
    print("1..%d" % N)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
