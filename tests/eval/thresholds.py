#!/usr/bin/env python3
"""thresholds.py - the default language's confidence thresholds, chosen on
new writers' lines.

    python3 tests/eval/thresholds.py SET...                      # report
    python3 tests/eval/thresholds.py --precision P0,P1 SET...    # choose (P: 0.95 or 412/440)
    python3 tests/eval/thresholds.py --precision P0,P1 --write SET...
    python3 tests/eval/thresholds.py --shift P [--write] SET...    # both at once

fit.py chooses the thresholds (kb_rank_model.h's S_conf_threshold: from
which confidence a first suggestion is marked answerable, for a mention that
asks nothing / asks something) out of fold on the fit's own tuning sets. Those
are lines by writers the example mentions know (the examples are the same
sets' lines, kb/lang/LANG/examples.tsv), and a known writer's line finds
closer examples than a new customer's does: the examples' largest weight
(ex_max) makes the confidence surer of the fit's lines than of production's
(docs/relevance.md, twenty-sixth round; rule31b). This script reads SETs
whose writers are in neither the fit nor the examples (blind tuning halves
after the ones fit.py and examples_export.py read; never a check half).

It indexes kb/ with bin/kb-index into build/thresholds.sqlite and runs
`bin/kb-eval INDEX SET --marks` on each SET (English sets; lines answered in
the index's default language count), then prints, per "asks nothing" /
"asks", the threshold in the header, how many lines it marks and how many of
those are right. With --precision P0,P1 it prints, per group, the lowest
threshold in 0.20..0.99 (steps of 0.01, as fit.py's) at which the marked
lines are right at least P of the time. A group of a few dozen marked lines
makes such a target coarse (one line is 2 %): --shift P moves both of the
header's thresholds by the same d instead, the smallest step of 0.01 in
-0.20..+0.19 at which the two groups' marked lines together are right at
least P of the time (one number from every line). With --write either goes in the
header's default-language row (S_conf_threshold[0]); the other languages'
row, every weight and the abstention are left as they are. After --write:
make, and `python3 tests/eval/fit.py --calibration ... --bands
web/calibration.tsv` as fit.py's step 5 (the console's bands name the model).
Standard library only; deterministic.
"""
import os
import re
import subprocess
import sys
import textwrap

HEADER = os.environ.get("FIT_HEADER", "src/core/kb_rank_model.h")
INDEX = os.environ.get("THRESHOLDS_INDEX", "build/thresholds.sqlite")
HOME = "en"  # the index's default language (kb/site.yml); its row is [0]
GRID = [k / 100 for k in range(20, 100)]


def read_row(path):
    """S_conf_threshold's two rows, [[asks nothing, asks], [...]], and the line."""
    for line in open(path):
        if line.startswith("static const double S_conf_threshold["):
            v = [float(x) for x in re.findall(r"\d+\.\d+", line.split("=", 1)[1])]
            return [v[0:2], v[2:4]], line
    sys.exit("thresholds.py: no S_conf_threshold in %s" % path)


def marks(sets):
    """(asks, confidence, right) of every line that could be marked
    answerable (no off-topic page first, some article fits) and was
    answered in the default language; and the count of such lines read."""
    subprocess.run(["bin/kb-index", "-q", "kb", "-o", INDEX], check=True)
    out, seen = [], 0
    for s in sets:
        txt = subprocess.run(["bin/kb-eval", INDEX, s, "--marks"], check=True,
                             capture_output=True, text=True).stdout
        for row in txt.splitlines():
            c = row.split("\t")
            if c[0] != "mark" or c[7] != HOME:
                continue
            seen += 1
            if c[2] == "1":
                out.append((int(c[4]), float(c[3]), int(c[5])))
    return out, seen


def at(lines, asks, t):
    """(marked, right) of group asks at threshold t."""
    m = [r for a, p, r in lines if a == asks and p >= t]
    return len(m), sum(m)


def choose(lines, asks, precision):
    """The lowest threshold whose marked lines are right >= precision."""
    for t in GRID:
        n, ok = at(lines, asks, t)
        if n and ok / n >= precision - 1e-12:
            return t
    return 0.99


def shift(lines, row, precision):
    """The smallest d at which both groups, at row + d, are right >= precision."""
    for k in range(-20, 20):
        d = k / 100
        n = ok = 0
        for asks in (0, 1):
            m, r = at(lines, asks, round(row[asks] + d, 2))
            n, ok = n + m, ok + r
        if n and ok / n >= precision - 1e-12:
            return d
    return 0.19


def write(path, row, sets, prec):
    rows, line = read_row(path)
    rows[0] = row
    new = "static const double S_conf_threshold[2][2] = {{%.2f, %.2f}, {%.2f, %.2f}};\n" % (
        rows[0][0], rows[0][1], rows[1][0], rows[1][1])
    words = ("the default language's row chosen by tests/eval/thresholds.py: right %s of the"
             " time on %s" % (" / ".join("%.4f" % p for p in prec),
                              ", ".join(os.path.basename(s) for s in sets)))
    note = "/* " + "\n * ".join(textwrap.wrap(words, 96)) + " */\n"
    text = open(path).read()
    text = re.sub(r"/\* the default language's row chosen by tests/eval/thresholds\.py.*?\*/\n", "",
                  text, flags=re.S)
    text = text.replace(line, note + new)
    with open(path, "w") as f:
        f.write(text)


def main(argv):
    prec, do_write, sets, pooled = None, False, [], None
    i = 1
    while i < len(argv):
        if argv[i] == "--precision" and i + 1 < len(argv):
            # a share or a fraction ("412/440": another model's precision, exactly)
            prec = [float(x.split("/")[0]) / float(x.split("/")[1]) if "/" in x else float(x)
                    for x in argv[i + 1].split(",")]
            i += 2
        elif argv[i] == "--shift" and i + 1 < len(argv):
            x = argv[i + 1]
            pooled = float(x.split("/")[0]) / float(x.split("/")[1]) if "/" in x else float(x)
            i += 2
        elif argv[i] == "--write":
            do_write = True
            i += 1
        else:
            sets.append(argv[i])
            i += 1
    if not sets or (prec is not None and len(prec) != 2) or (do_write and prec is None and pooled is None) \
            or (prec is not None and pooled is not None):
        sys.exit(__doc__.split("\n\n")[1])
    rows, _ = read_row(HEADER)
    lines, seen = marks(sets)
    print("thresholds.py: %d lines in %s, %d could be marked" % (seen, HOME, len(lines)))
    row = []
    for asks in (0, 1):
        t = rows[0][asks]
        n, ok = at(lines, asks, t)
        print("  asks %s: header %.2f marks %d, right %d (%.4f; %s)" % (
            "something" if asks else "nothing  ", t, n, ok, ok / n if n else 0,
            "%d/%d" % (ok, n)))
        if prec is not None:
            c = choose(lines, asks, prec[asks])
            n, ok = at(lines, asks, c)
            print("            at precision %.4f: %.2f marks %d, right %d (%.4f)" % (
                prec[asks], c, n, ok, ok / n if n else 0))
            row.append(c)
    n = sum(at(lines, a, rows[0][a])[0] for a in (0, 1))
    ok = sum(at(lines, a, rows[0][a])[1] for a in (0, 1))
    print("  both groups: marks %d, right %d (%.4f; %d/%d)" % (n, ok, ok / n if n else 0, ok, n))
    if pooled is not None:
        d = shift(lines, rows[0], pooled)
        row = [round(rows[0][a] + d, 2) for a in (0, 1)]
        n = sum(at(lines, a, row[a])[0] for a in (0, 1))
        ok = sum(at(lines, a, row[a])[1] for a in (0, 1))
        print("  shifted %+.2f for precision %.4f: %.2f / %.2f marks %d, right %d (%.4f)" % (
            d, pooled, row[0], row[1], n, ok, ok / n if n else 0))
        prec = [pooled, pooled]
    if do_write:
        write(HEADER, row, sets, prec)
        print("wrote %s: S_conf_threshold[0] = {%.2f, %.2f}" % (HEADER, row[0], row[1]))


if __name__ == "__main__":
    main(sys.argv)
