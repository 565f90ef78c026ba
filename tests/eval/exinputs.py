"""exinputs.py - the labelled examples' inputs (ex_max, ex_none) in Python,
computed as src/core/kb_examples.c computes them, so that fit.py can leave
a tuning line's own fold out of them (a line is never its own example):

  - the examples: kb/lang/en/examples.tsv, read as kb-index reads it
    (a line starting with '#' and a blank line skipped; slug<TAB>text,
    each trimmed);
  - their words and a mention's: kb-eval --terms's columns after the
    fourth (kb_examples_words(): the suggest path's analysis, the first
    phrase of each group, examples.py's EX_WORDS=stems; the words that
    name a place left out and one word, "\x02place", after the rest for
    it: no place logic here);
  - each term weighs (1 + log tf) x log((N + 1) / df), df over the N
    examples (1 for a mention's term no example has), vectors unit length;
  - ex_max(slug): the best cosine with an example of that slug;
    ex_none: of the K = 7 nearest examples sharing a term (cosine, ties by
    the file's order), the cosine-weighted share labelled "-".

tests/eval/examples_check.py checks these against kb-eval --dump's values.
"""
import math
import os
import subprocess
import tempfile

K = 7
EXAMPLES = "kb/lang/en/examples.tsv"


def read_examples(path=EXAMPLES):
    out = []
    for row in open(path, encoding="utf-8").read().split("\n"):
        if row.startswith("#") or not row.strip(" \r"):
            continue
        c = row.split("\t")
        if len(c) != 2:
            continue  # kb-index refuses the file
        out.append((c[0].strip(" \t\r"), c[1].strip(" \t\r")))
    return out


def kb_terms(index, path, lang=None):
    """kb-eval --terms of a set: {id: [term, ...]}, the examples' words
    (analysed in lang: None, English)."""
    out = subprocess.run(["bin/kb-eval", "--terms", index, path] + (["--lang", lang] if lang else []),
                         check=True,
                         capture_output=True, text=True).stdout
    terms = {}
    for row in out.split("\n"):
        c = row.split("\t")
        if c[0] != "terms":
            continue
        terms[c[1]] = c[4:]
    return terms


def texts_terms(index, texts, lang=None):
    """kb-eval --terms of a list of texts, in order."""
    fd, path = tempfile.mkstemp(suffix=".tsv")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("id\ttext\texpect\n")
        for i, t in enumerate(texts):
            f.write("t%d\t%s\t-\n" % (i, t))
    try:
        terms = kb_terms(index, path, lang)
    finally:
        os.unlink(path)
    return [terms.get("t%d" % i, []) for i in range(len(texts))]


def _counts(terms):
    tf = {}
    for t in terms:
        tf[t] = tf.get(t, 0) + 1
    return tf  # insertion order: first appearance, as kb_examples.c


class Examples:
    """One language's examples (kb/lang/LANG/examples.tsv: path, analysed
    in lang, None for English). With tag set, an example is named (tag, j)
    in the `out` sets inputs() takes (fit.py pools every language's lines:
    each example's name is then unique across languages), else j."""

    def __init__(self, index, path=EXAMPLES, lang=None, tag=None):
        self.tag = tag
        ex = read_examples(path)
        self.slug = [s for s, _ in ex]
        self.text = [t for _, t in ex]
        self.by_text = {t: i for i, t in enumerate(self.text)}
        self.n = len(ex)
        terms = texts_terms(index, self.text, lang)
        df = {}
        for tt in terms:
            for t in _counts(tt):
                df[t] = df.get(t, 0) + 1
        self.idf = {t: math.log((self.n + 1) / d) for t, d in df.items()}
        self.post = {}
        for j, tt in enumerate(terms):
            tf = _counts(tt)
            w = {t: (1 + math.log(c)) * self.idf[t] for t, c in tf.items()}
            norm = math.sqrt(sum(x * x for x in w.values())) or 1.0
            for t, x in w.items():
                self.post.setdefault(t, []).append((j, x / norm))

    def neighbours(self, terms):
        """Every example sharing a term: [(j, cosine)], nearest first."""
        tf = _counts(terms)
        w = {t: (1 + math.log(c)) * self.idf.get(t, math.log(self.n + 1)) for t, c in tf.items()}
        norm = math.sqrt(sum(x * x for x in w.values())) or 1.0
        acc = {}
        for t, x in w.items():
            for j, y in self.post.get(t, ()):
                acc[j] = acc.get(j, 0.0) + x / norm * y
        return sorted(acc.items(), key=lambda p: (-p[1], p[0]))

    def inputs(self, nb, out=()):
        """({slug: ex_max}, ex_none) from neighbours(), the examples in
        `out` (their numbers) left out."""
        best, tot, none, k = {}, 0.0, 0.0, 0
        for j, s in nb:
            if (j if self.tag is None else (self.tag, j)) in out:
                continue
            if self.slug[j] not in best:
                best[self.slug[j]] = s
            if k < K:
                tot += s
                none += s if self.slug[j] == "-" else 0.0
                k += 1
        return best, (none / tot if tot else 0.0)
