#!/usr/bin/env python3
"""examples_check.py - the examples' inputs as fit.py computes them
(tests/eval/exinputs.py) against the product's (kb-eval --dump, the
suggest path through src/core/kb_examples.c), to 1e-9, on mentions that are
not examples: a fixed list written here, and cpw-dev when ../shared is
there (SHARED=DIR). So the fit and the product cannot drift apart.
Prints TAP.

    python3 tests/eval/examples_check.py [INDEX]

INDEX: an index of kb/ (default: made here with bin/kb-index).
"""
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exinputs

MENTIONS = [
    "do you have a shop in norwich?", "my parcel hasnt arrived yet, ordered last week",
    "how do i unlock my phone to use another network", "love the new advert lol",
    "can i return a phone i bought online if i opened it", "what time does the leeds store close on sunday",
    "screen cracked after 2 days, is that covered?", "@someoneelse your app is rubbish",
    "is the galaxy s24 in stock anywhere near me", "cancel my contract pls", "hi", "",
    "wie lange habt ihr am samstag offen", "est-ce que je peux payer en plusieurs fois ?",
    "need a new sim card, lost mine", "why was i charged twice this month??",
    # places (one word in the examples: kb_examples.h)
    "is there a shop in Guildford?", "is there a shop in Leeds?", "guildford store opening hours sunday?",
    "any store near milton keynes", "reading the manual now, still stuck",
]


def main():
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    tmp = tempfile.mkdtemp()
    index = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tmp, "kb.sqlite")
    if len(sys.argv) < 2:
        subprocess.run(["bin/kb-index", "-q", "kb", "-o", index], check=True)
    ex = exinputs.Examples(index)
    sets = []
    p = os.path.join(tmp, "mentions.tsv")
    with open(p, "w", encoding="utf-8") as f:
        f.write("id\ttext\texpect\n")
        for i, m in enumerate(MENTIONS):
            f.write("m%d\t%s\t-\n" % (i, m))
    sets.append(p)
    cpw = os.path.join(os.environ.get("SHARED", "../shared"), "eval", "cpw-dev.tsv")
    if os.path.exists(cpw):
        sets.append(cpw)
    n_ok = 0
    for s in sets:
        texts = {}
        for row in open(s, encoding="utf-8").read().split("\n")[1:]:
            c = row.split("\t")
            if len(c) > 2:
                texts[c[0]] = c[1]
        terms = exinputs.kb_terms(index, s)
        dump = subprocess.run(["bin/kb-eval", index, s, "--dump"], check=True,
                              capture_output=True, text=True).stdout
        imax = 7 + exinputs_index("ex_max")
        bad, checked, english = [], 0, set()
        rows = [r.split("\t") for r in dump.splitlines() if r.startswith("cand\t")]
        # a line the suggest path read in another language has 0s throughout
        for c in rows:
            if float(c[imax]) or float(c[imax + 1]):
                english.add(c[1])
        for c in rows:
            lid = c[1]
            if texts.get(lid, "").strip() in ex.by_text:
                continue  # an example itself: scored against every example but it in fit.py
            best, none = ex.inputs(ex.neighbours(terms.get(lid, []))) if lid in english else ({}, 0.0)
            want = (best.get(c[3], 0.0), none)
            got = (float(c[imax]), float(c[imax + 1]))
            checked += 1
            if abs(want[0] - got[0]) > 1e-9 or abs(want[1] - got[1]) > 1e-9:
                bad.append("%s %s: fit.py %.12f %.12f, kb-eval %.12f %.12f" % (lid, c[3], want[0], want[1], got[0], got[1]))
        name = os.path.basename(s)
        n_ok += 1
        print("%s %d - %s: ex_max and ex_none agree on %d candidates (%d lines in English)" % (
            "not ok" if bad or not english else "ok", n_ok, name, checked, len(english)))
        for b in bad[:10]:
            print("#   " + b)
        if bad or not english:
            print("1..%d" % n_ok)
            sys.exit(1)
    print("1..%d" % n_ok)


def exinputs_index(name):
    sys.path.insert(0, "tests/eval")
    import fit
    return fit.INPUTS.index(name)


if __name__ == "__main__":
    main()
