#!/usr/bin/env python3
"""pooled.py FILE...: kb-eval outputs (tweet sets, suggest path) pooled into
one figure each, counted line by line: R@1, R@3, abstention precision and
recall, confident-and-wrong, marked answerable, town -> store link.
Prints them on one line, in that order, for tests/eval/floors.sh, whose
pooled floors guard main on the check halves already spent (session 30):
one round of four writers moves by several points from the next, a pool of
nine rounds by about one, so a floor on the pool can sit closer to main.
"""
import re
import sys


def counts(path):
    """The line counts behind one kb-eval output's figures."""
    t = open(path, encoding="utf-8").read()
    m = re.search(r"(\d+) lines \((\d+) with an article, (\d+) where nothing fits\)", t)
    if not m:
        sys.exit("pooled.py: %s: no kb-eval summary" % path)
    art, none = int(m.group(2)), int(m.group(3))

    def fig(name):
        mm = re.search(r"^\s+" + re.escape(name) + r"\s+([0-9.]+)", t, re.M)
        return float(mm.group(1)) if mm else 0.0

    def pair(name):
        mm = re.search(re.escape(name) + r"\s+[0-9.]+\s+\((\d+) of (\d+)", t)
        return (int(mm.group(1)), int(mm.group(2))) if mm else (0, 0)

    p, r = fig("abstention precision"), fig("abstention recall")
    tp = round(r * none)
    return {"art": art, "none": none, "r1": round(fig("R@1") * art), "r3": round(fig("R@3") * art),
            "tp": tp, "pred": round(tp / p) if p else 0, "cw": pair("confident and wrong"),
            "mk": pair("marked answerable"), "tw": pair("town -> store link")}


def main():
    tot = {}
    for path in sys.argv[1:]:
        for k, v in counts(path).items():
            if isinstance(v, tuple):
                a, b = tot.get(k, (0, 0))
                tot[k] = (a + v[0], b + v[1])
            else:
                tot[k] = tot.get(k, 0) + v
    if not tot or not tot["art"]:
        sys.exit("usage: pooled.py KB_EVAL_OUTPUT...")

    def div(a, b):
        return a / b if b else 0.0
    print("%.4f %.4f %.4f %.4f %.4f %.4f %.4f" % (
        div(tot["r1"], tot["art"]), div(tot["r3"], tot["art"]), div(tot["tp"], tot["pred"]),
        div(tot["tp"], tot["none"]), div(*tot["cw"]), div(*tot["mk"]), div(*tot["tw"])))


if __name__ == "__main__":
    main()
