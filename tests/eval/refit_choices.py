#!/usr/bin/env python3
"""refit_choices.py - how the thresholds a refit picks would do, out of
fold on the TUNING lines, chosen in several ways; writes nothing.

    FIT_RES=/tmp/res19.tsv FIT_SEED=19 python3 tests/eval/fit.py --tune-only
    python3 tests/eval/refit_choices.py /tmp/res19.tsv [/tmp/res7.tsv ...]

Each FILE is one fit's out-of-fold outcomes (fit.py's FIT_RES: every
tuning line ranked, its confidence and its "some article fits"
probability from models that did not see it). For each choice of the
abstention ("nothing fits") threshold, and of the confidence thresholds
(fit.py's threshold(): the lowest confidence at which the answerable lines
the abstention lets through are right PRECISION of the time), it prints the
figures pooled, on the English and on the fr/de/es lines:

  minpr        fit.py's default: the threshold whose lower of abstention
               precision and recall is highest (all lines pooled)
  prec:P       the highest abstention recall at precision >= P (fit.py
               FIT_ABST=prec:P)
  group:C      the abstention threshold chosen by C on each language group
               alone (English; fr/de/es); the confidence thresholds on the
               pooled lines (the product has one threshold: this needs a
               model change, so it is a question, not an option of fit.py)
  +gconf       the confidence thresholds per language group too

The line counts (R@1 n of m, wrong of marked, held back) compare choices
line by line; R@1 does not depend on the thresholds.
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fit  # noqa: E402

GROUPS = [("all", lambda ln: True), ("en", lambda ln: ln["lang"] == "en"),
          ("fr/de/es", lambda ln: ln["lang"] != "en")]


def read(path):
    lines, res = [], {}
    rows = open(path, encoding="utf-8").read().split("\n")
    for row in rows[1:]:
        if not row:
            continue
        s, lang, i, expect, asks, off, first, rank, conf, fits = row.split("\t")
        ln = {"set": s, "lang": lang, "id": i, "expect": expect, "asks": int(asks)}
        lines.append(ln)
        res[id(ln)] = ((bool(int(off)), True if int(first) else None, int(rank), None),
                       float(conf), float(fits))
    return lines, res


def group_of(ln):
    return "en" if ln["lang"] == "en" else "fr/de/es"


def thresholds(lines, res, abst, conf_by_group):
    """({group: abstention threshold}, {group: [t asks nothing, t asks]})."""
    if abst.startswith("group:"):
        c = abst.split(":", 1)[1]
        tf = {g: fit.fits_threshold([ln for ln in lines if group_of(ln) == g], res, c)
              for g in ("en", "fr/de/es")}
    else:
        t0 = fit.fits_threshold(lines, res, abst)
        tf = {"en": t0, "fr/de/es": t0}
    t = {}
    for g in ("en", "fr/de/es"):
        ls = [ln for ln in lines if group_of(ln) == g] if conf_by_group else lines
        # fit.threshold() takes one abstention threshold: the lines of the
        # other group that it would let through are filtered first
        keep = [ln for ln in ls if res[id(ln)][2] >= tf[group_of(ln)]]
        t[g] = [fit.threshold(keep, res, fit.PRECISION, a, 0.0) for a in (0, 1)]
    if not conf_by_group:
        t = {g: t["en"] for g in t}
    return tf, t


def figures(ls, res, tf, t):
    have = [ln for ln in ls if ln["expect"] != "-"]
    r1 = sum(1 for ln in have if res[id(ln)][0][2] == 1)
    ans = [ln for ln in ls if not res[id(ln)][0][0] and res[id(ln)][0][1] is not None and
           res[id(ln)][2] >= tf[group_of(ln)] and res[id(ln)][1] >= t[group_of(ln)][ln["asks"]]]
    wrong = sum(1 for ln in ans if ln["expect"] == "-" or res[id(ln)][0][2] != 1)
    abst = [ln for ln in ls if res[id(ln)][2] < tf[group_of(ln)]]
    none = sum(1 for ln in ls if ln["expect"] == "-")
    ok = sum(1 for ln in abst if ln["expect"] == "-")
    return ("R@1 %4d/%4d %.3f  c&w %3d/%4d %.3f  marked %.3f  abst P %.3f R %.3f (%d/%d, held %d)"
            % (r1, len(have), r1 / max(1, len(have)), wrong, len(ans), wrong / max(1, len(ans)),
               (len(ans) - wrong) / max(1, len(have)), ok / max(1, len(abst)), ok / max(1, none),
               ok, none, len(abst)))


CHOICES = ["minpr", "prec:0.88", "prec:0.90", "prec:0.92", "group:minpr", "group:prec:0.90",
           "minpr+gconf", "prec:0.90+gconf", "group:prec:0.90+gconf"]


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        sys.stdout.write(__doc__)
        sys.exit(0 if len(argv) > 1 else 2)
    choices = os.environ.get("CHOICES", ",".join(CHOICES)).split(",")
    for path in argv[1:]:
        lines, res = read(path)
        print("%s: %d lines" % (path, len(lines)))
        for ch in choices:
            gconf = ch.endswith("+gconf")
            tf, t = thresholds(lines, res, ch[:-6] if gconf else ch, gconf)
            print("  %-22s nothing fits under en %.2f fr/de/es %.2f; confidence en %.2f/%.2f"
                  " fr/de/es %.2f/%.2f" % (ch, tf["en"], tf["fr/de/es"], t["en"][0], t["en"][1],
                                           t["fr/de/es"][0], t["fr/de/es"][1]))
            for g, keep in GROUPS:
                print("    %-9s %s" % (g, figures([ln for ln in lines if keep(ln)], res, tf, t)))


if __name__ == "__main__":
    main(sys.argv)
