#!/usr/bin/env python3
"""labelled_export.py - writes kb/lang/LANG/labelled.tsv: the word model's
labelled mentions beside the examples (src/core/kb_words.c; rule32b's W),
from the TUNING halves of blind13 to blind28 of that language (blind27's
and blind28's added by rule36b's WX). Never from a *-check.tsv (the halves
measured once), nor from blind30 or later (the rounds that measure the model
on writers it never read), nor from ../shared.

    for l in en fr de es; do python3 tests/eval/labelled_export.py $l > kb/lang/$l/labelled.tsv; done

Each line: slug<TAB>text (slug "-": nothing fits), every line of the sets
in their order (rounds ascending, each set's order), as
tests/eval/clfinputs.py read them for h204's study. The knowledge team may
add, fix or remove lines as in examples.tsv; kb-index checks each slug
names an article.
"""
import os
import sys

ROUNDS = range(13, 29)
LANG = sys.argv[1] if len(sys.argv) > 1 else "en"
NAMES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish"}
if LANG not in NAMES or len(sys.argv) > 2:
    sys.exit("usage: labelled_export.py [en|fr|de|es]")
HERE = os.path.dirname(os.path.abspath(__file__))

out = sys.stdout
out.write("# Labelled %s mentions: slug<TAB>text (slug '-': no article fits).\n"
          "# With examples.tsv, the word model's training lines (p(article | mention)\n"
          "# from the mention's stems and pairs of stems; src/core/kb_words.c).\n"
          "# Written by tests/eval/labelled_export.py from blind13-28's tuning halves.\n"
          "# The knowledge team may add, fix or remove lines; kb-index checks each\n"
          "# slug names an article.\n" % NAMES[LANG])
for n in ROUNDS:
    path = os.path.join(HERE, "blind%d" % n, "tweets-blind%d-%s-tune.tsv" % (n, LANG))
    if not os.path.exists(path):
        continue
    for row in open(path, encoding="utf-8").read().split("\n")[1:]:
        c = row.split("\t")
        if len(c) > 2:
            text, slug = c[1].strip(" \t\r"), c[2].strip(" \t\r")
            out.write("%s\t%s\n" % (slug, text))
