#!/usr/bin/env python3
"""clf_check.py - the word model's inputs as fit.py computes them
(tests/eval/clfinputs.py: Clf(index).models[lang].probs(terms)) against the
product's (kb-eval --dump's clf and clf_none columns, the suggest path
through src/core/kb_words.c), to 1e-9, in every language with a model:
made-up mentions (examples_check.py's, none of them a training line), and
a blind round's tuning halves whose lines are training lines (labelled.tsv),
both as they are (each line's own training line counted, as the server
counts it) and with --leave-own-example-out (the training lines with the
line's text left out: probs(terms, extra=...)). So the fit and the product
cannot drift apart: change ALPHA or T in one and not the other and this
fails. Prints TAP.

    python3 tests/eval/clf_check.py [INDEX]

INDEX: an index of kb/ (default: made here with bin/kb-index).
"""
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clfinputs  # noqa: E402
import examples_check  # noqa: E402
import exinputs  # noqa: E402

# a round of labelled.tsv's (its tuning halves are training lines): never a
# check half
OWN_ROUND = 13


def columns():
    """The dump's columns of clf and clf_none: after fit.py's inputs of
    main (KB_LTR_CLF follows KB_LTR_NO_EXAMPLES), 7 columns before x0."""
    sys.path.insert(0, "tests/eval")
    import fit
    i = fit.INPUTS.index("clf") if "clf" in fit.INPUTS else fit.INPUTS.index("no_examples") + 1
    return 7 + i, 7 + i + 1


def trimmed(t):
    """A text as kb-index stores it and kb-eval matches it."""
    return t.lstrip(" \t").rstrip(" \t\r")


def compare(index, clf, path, lang, own_out):
    """kb-eval --dump's clf and clf_none on set path (language lang, None:
    English) against clfinputs.py's, each line with the model of the
    language kb-eval read it in. own_out: --leave-own-example-out, the
    training lines with the line's text left out (where the line is read
    in the set's language). Returns (mismatches, candidates checked,
    lines with a model, lines left out of)."""
    opts = ["--leave-own-example-out"] if own_out else []
    dump = [r.split("\t") for r in examples_check.kb_eval(index, path, opts, lang)]
    read_in = {c[1]: c[2] for c in dump if c[0] == "lang"}
    texts = {i: trimmed(t) for i, t, _ in clfinputs.read_set(path)} if own_out else {}
    set_lang = lang or "en"
    terms = {code: exinputs.kb_terms(index, path, None if code == "en" else code)
             for code in set(read_in.values()) if code in clf.models}
    ic, inone = columns()
    bad, checked, modelled, left = [], 0, set(), set()
    cache = {}
    for c in (c for c in dump if c[0] == "cand"):
        lid, code = c[1], read_in.get(c[1])
        m = clf.models.get(code)
        if lid not in cache:
            extra = []
            if m is not None and own_out and code == set_lang:
                extra = [nm for nm, _, t, _ in clf.rows[code] if trimmed(t) == texts.get(lid)]
                if extra:
                    left.add(lid)
            cache[lid] = m.probs(terms[code].get(lid, []), extra=extra) if m is not None else {}
            if m is not None:
                modelled.add(lid)
        p = cache[lid]
        want = (0.0 if c[4] == "1" else p.get(c[3], 0.0), p.get("-", 0.0))
        got = (float(c[ic]), float(c[inone]))
        checked += 1
        if abs(want[0] - got[0]) > 1e-9 or abs(want[1] - got[1]) > 1e-9:
            bad.append("%s %s: clfinputs.py %.12f %.12f, kb-eval %.12f %.12f" % (
                lid, c[3], want[0], want[1], got[0], got[1]))
    return bad, checked, modelled, left


def main():
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    tmp = tempfile.mkdtemp()
    index = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tmp, "kb.sqlite")
    if len(sys.argv) < 2:
        subprocess.run(["bin/kb-index", "-q", "kb", "-o", index], check=True)
    clf = clfinputs.Clf(index)
    print("# clfinputs.py: ALPHA %g, T %g, pairs %d; %d training lines" % (
        clfinputs.ALPHA, clfinputs.TEMP, clfinputs.BIGRAMS, clf.n_rows))
    n_ok = 0
    made = {"en": examples_check.MENTIONS}
    made.update(examples_check.OTHER)
    for code in clfinputs.LANGS:
        if code not in clf.models:
            continue
        sets = []
        p = os.path.join(tmp, "mentions-%s.tsv" % code)
        with open(p, "w", encoding="utf-8") as f:
            f.write("id\ttext\texpect\n")
            for i, m in enumerate(made.get(code, [])):
                f.write("m%d\t%s\t-\n" % (i, m))
        sets.append((p, False))
        own = clfinputs.blind_path(OWN_ROUND, code)
        if os.path.exists(own):
            sets += [(own, False), (own, True)]
        for path, own_out in sets:
            bad, checked, modelled, left = compare(index, clf, path, None if code == "en" else code, own_out)
            failed = bad or not modelled or (own_out and not left)
            n_ok = examples_check.report(
                n_ok, failed, "%s %s%s: clf and clf_none agree on %d candidates (%d lines with a model%s)" % (
                    code, os.path.basename(path), " --leave-own-example-out" if own_out else "", checked,
                    len(modelled), ", %d without their own training lines" % len(left) if own_out else ""),
                bad or ["no line read with a model" if not modelled else "no line left out of"])
    print("1..%d" % n_ok)


if __name__ == "__main__":
    main()
