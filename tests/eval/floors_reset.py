#!/usr/bin/env python3
"""floors_reset.py - moves tests/eval/floors.sh's floors with a new model.

    SHARED=../shared sh tests/eval/floors.sh > old.tap    # on the old model
    SHARED=../shared sh tests/eval/floors.sh > new.tap    # on the new one
    python3 tests/eval/floors_reset.py old.tap new.tap     # rewrites floors.sh

The floors encode the model they were set on: each sits a few lines under
that model's figure. A refit moves figures up and down together (a new
operating point: more marked answerable, fewer held back...), so after one
the floors are set again, each keeping the slack it had under the old
model's figure: new floor = old floor + (new figure - old figure), to 0.01
and towards the slack's side (a floor down, a ceiling up). The figures are
those the two runs printed ("NAME: FIGURE >= FLOOR"); a floor whose figure
did not move stays as it is. Only the per-set floors given as numbers on
the tweets / checkhalf / langset lines move; the fixed ones (public search,
R@3 0.95 of our own tweets, CDP) are left, and it says which it left.
Prints each floor it moved.
"""
import math
import re
import sys

FLOORS = "tests/eval/floors.sh"
TAP = re.compile(r"^(?:not )?ok \d+ - (.*): ([0-9.]+) (>=|<=) ([0-9.]+)$")
# the figures of each kind of line, in the order of its numbers
CHECKHALF = ["R@1", "R@3", "abstention precision", "abstention recall", "town -> store link",
             "marked answerable", "confident and wrong"]
TWEETS = ["R@1", "abstention precision", "abstention recall", "marked answerable",
          "confident and wrong"]
LANGSET = ["R@1", "abstention precision", "town -> store link"]


def read_tap(path):
    out = {}
    for row in open(path, encoding="utf-8"):
        m = TAP.match(row.strip())
        if m:
            out[m.group(1)] = (float(m.group(2)), m.group(3), float(m.group(4)))
    return out


def moved(name, value, old, new, log):
    """The number `value` (a string) of figure `name`, moved with the model."""
    if name not in old or name not in new:
        log.append("  %s: no figure in both runs, left at %s" % (name, value))
        return value
    (v0, op, _), (v1, _, _) = old[name], new[name]
    if abs(v1 - v0) < 1e-9:
        return value
    x = float(value) + (v1 - v0)
    x = math.floor(x * 100 + 1e-6) / 100 if op == ">=" else math.ceil(x * 100 - 1e-6) / 100
    x = max(0.0, min(1.0, x))
    s = "%.2f" % x
    if s != value:
        log.append("  %-45s %s -> %s (figure %.3f -> %.3f)" % (name, value, s, v0, v1))
    return s


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: floors_reset.py OLD.tap NEW.tap")
    old, new = read_tap(sys.argv[1]), read_tap(sys.argv[2])
    rows = open(FLOORS, encoding="utf-8").read().split("\n")
    log = []
    for i, row in enumerate(rows):
        m = re.match(r'^(\s*checkhalf "([^"]+)" (\S+)) ((?:[0-9.]+ ?){7})$', row)
        if m:
            nums = m.group(4).split()
            nums = [moved("%s %s" % (m.group(2), f), v, old, new, log) if f != "R@3" else v
                    for f, v in zip(CHECKHALF, nums)]
            rows[i] = "%s %s" % (m.group(1), " ".join(nums))
            continue
        m = re.match(r'^(\s*tweets (\S+) (\S+)) ((?:[0-9.]+ ){4}[0-9.]+)(.*)$', row)
        if m:
            nums = [moved("%s %s" % (m.group(2), f), v, old, new, log)
                    for f, v in zip(TWEETS, m.group(4).split())]
            rows[i] = "%s %s%s" % (m.group(1), " ".join(nums), m.group(5))
            continue
        m = re.match(r'^for l in ((?:\w\w:[0-9.:]+ ?)+); do$', row)
        if m and i + 1 < len(rows):
            n = re.match(r'^\s*langset "([^"]+)"', rows[i + 1])
            if not n:
                continue
            items = []
            for item in m.group(1).split():
                code, *nums = item.split(":")
                name = n.group(1).replace("%s", code)
                nums = [moved("%s %s" % (name, f), v, old, new, log) for f, v in zip(LANGSET, nums)]
                items.append(":".join([code] + nums))
            rows[i] = "for l in %s; do" % " ".join(items)
    open(FLOORS, "w", encoding="utf-8").write("\n".join(rows))
    print("floors_reset.py: %d floors moved" % sum(1 for r in log if "->" in r))
    print("\n".join(log))


if __name__ == "__main__":
    main()
