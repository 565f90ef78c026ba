#!/usr/bin/env python3
"""examples_export.py - writes the first kb/lang/LANG/examples.tsv (labelled
example mentions, read by kb-index and the suggest path's ex_max and
ex_none inputs, src/core/kb_examples.c) from that language's TUNING halves
committed here. Never from a *-check.tsv (the halves the lead measures
once) nor from ../shared (cpw-dev stays a measuring set).

    python3 tests/eval/examples_export.py > kb/lang/en/examples.tsv
    python3 tests/eval/examples_export.py fr > kb/lang/fr/examples.tsv

English (session 17): the first three blind sets' tuning halves and our own
tweets. French, German and Spanish (session 23, change H): every tuning half
of the language (the first intl sets', the second blind sets', the fourth to
twelfth blind sets' that exist); fit.py leaves each line's own fold out of
them when it fits the models, so none is scored against itself.

Each line: slug<TAB>text (slug "-": nothing fits), in the sets' order;
a text met twice (byte for byte) is kept once, with its first label.
"""
import os
import sys

LANG = sys.argv[1] if len(sys.argv) > 1 else "en"
NAMES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish"}
if LANG not in NAMES or len(sys.argv) > 2:
    sys.exit("usage: examples_export.py [en|fr|de|es]")
if LANG == "en":
    SETS = ["tests/eval/blind/tweets-blind-tune.tsv", "tests/eval/blind2/tweets-blind2-tune.tsv",
            "tests/eval/blind3/tweets-blind3-tune.tsv", "tests/eval/tweets-own.tsv"]
else:
    SETS = ["tests/eval/intl/tweets-%s-tune.tsv" % LANG, "tests/eval/blind2/tweets2-%s-tune.tsv" % LANG]
    SETS += [p for p in ("tests/eval/blind%d/tweets-blind%d-%s-tune.tsv" % (n, n, LANG)
                         for n in range(4, 13)) if os.path.exists(p)]

out = sys.stdout
out.write("# Example mentions, labelled: slug<TAB>text (slug '-': no article fits).\n"
          "# The suggest path compares each %s mention with them (ex_max: the best\n"
          "# match among an article's examples; ex_none: the share of the 7 nearest\n"
          "# labelled '-'; src/core/kb_examples.c). The knowledge team may add, fix or\n"
          "# remove lines; kb-index checks each slug names an article.\n"
          "# The first lines: tests/eval/examples_export.py, from the %s tuning\n"
          "# halves (%s),\n# never a check half.\n" % (NAMES[LANG], NAMES[LANG], ", ".join(
              s.split("/")[-1] for s in SETS)))
seen = set()
for path in SETS:
    rows = open(path, encoding="utf-8").read().splitlines()
    for row in rows[1:]:
        c = row.split("\t")
        if len(c) < 3 or not c[1].strip() or c[1] in seen:
            continue
        assert "check" not in path
        seen.add(c[1])
        out.write("%s\t%s\n" % (c[2].strip(), c[1]))
