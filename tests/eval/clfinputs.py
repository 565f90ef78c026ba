#!/usr/bin/env python3
"""clfinputs.py - a discriminative word model's inputs (clf, clf_none) for
fit.py's study switch FIT_CLF=1 (brief h204: a measurement, not part of the
product; nothing in src/ reads it).

The model: per language (en, fr, de, es), a multinomial naive Bayes over
the product's words of a mention (kb-eval --terms's columns after the
fourth, as exinputs.kb_terms(): the suggest path's stems, stop words out,
a place as one word "\\x02place") and, with BIGRAMS, the pairs of
consecutive stems; each feature counted once a mention (binary NB);
classes = the articles' slugs and "-" (nothing fits). For a mention,

    score(c) = log(n_c + 1) + sum over its known features t of
               log((n_ct + ALPHA) / (N_c + ALPHA * V))
    clf(slug) = p(slug | mention) = softmax(score / T)   (clf_none = p("-"))

n_c: training lines of class c, n_ct: those with feature t, N_c: the sum
of n_ct over t, V: the vocabulary (every feature of the full training set;
a feature that no training line left in has is skipped, like one never
seen). T (a temperature) softens naive Bayes's over-sure posteriors.

Training lines: kb/lang/LANG/examples.tsv (the labelled examples) and
kb/lang/LANG/labelled.tsv (the word model's own lines: the tuning halves of
blind13..blind26 in every language, written by labelled_export.py; sets
fit.py never scores), never a check half: the files the product reads
(src/core/kb_words.c), so the two models are the same (CLF_BLIND=0: the
examples alone). Leaving lines out is a subtraction of their counts:
each training line has a name; fit.py's lines get the names of the
training lines with their text (normalised: lower case, blanks collapsed)
in their ex_self, so pool()'s `out` leaves them out with the fold's
examples.

    python3 tests/eval/clfinputs.py --select INDEX   # choose ALPHA, T,
        BIGRAMS by leaving one blind round (13..26, all four languages)
        out at a time: R@1 of the argmax slug and log-loss

Standard library only, deterministic.
"""
import math
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exinputs  # noqa: E402

LANGS = ("en", "fr", "de", "es")
# CLF_BLIND=0: the examples files alone (a control: the data or the model?)
ROUNDS = range(13, 27) if os.environ.get("CLF_BLIND", "1") == "1" else range(0)
ALPHA = float(os.environ.get("CLF_ALPHA", "0.1"))
TEMP = float(os.environ.get("CLF_T", "2"))
BIGRAMS = os.environ.get("CLF_BIGRAMS", "1") == "1"


def norm_text(t):
    return " ".join(t.lower().split())


def features(terms):
    fs = set(terms)
    if BIGRAMS:
        fs.update(a + "\x01" + b for a, b in zip(terms, terms[1:]))
    return sorted(fs)


def blind_path(n, lang):
    return "tests/eval/blind%d/tweets-blind%d-%s-tune.tsv" % (n, n, lang)


def read_set(path):
    """[(id, text, expect)] of a labelled set."""
    out = []
    for row in open(path, encoding="utf-8").read().split("\n")[1:]:
        c = row.split("\t")
        if len(c) > 2:
            out.append((c[0], c[1].strip(" \t\r"), c[2].strip(" \t\r")))
    return out


def training_rows(index):
    """{lang: [(name, slug, text, terms)]}: every training line."""
    rows = {}
    for lang in LANGS:
        la = None if lang == "en" else lang
        rs = []
        ex = "kb/lang/%s/examples.tsv" % lang
        if os.path.exists(ex):
            exs = exinputs.read_examples(ex)
            terms = exinputs.texts_terms(index, [t for _, t in exs], la)
            for j, ((slug, text), tt) in enumerate(zip(exs, terms)):
                rs.append((("clf", "ex", lang, j), slug, text, tt))
        lab = "kb/lang/%s/labelled.tsv" % lang
        if ROUNDS and os.path.exists(lab):  # (CLF_BLIND=0: not read)
            labs = exinputs.read_examples(lab)
            terms = exinputs.texts_terms(index, [t for _, t in labs], la)
            for j, ((slug, text), tt) in enumerate(zip(labs, terms)):
                rs.append((("clf", "lab", lang, j), slug, text, tt))
        rows[lang] = rs
    return rows


class Model:
    """One language's counts, and scoring with lines left out."""

    def __init__(self, rows):
        self.classes = sorted({s for _, s, _, _ in rows})
        self.ci = {c: i for i, c in enumerate(self.classes)}
        k = len(self.classes)
        self.doc = [0] * k
        self.tot = [0] * k
        self.cnt = {}
        self.row = {}  # name -> (class index, features)
        for name, slug, _, terms in rows:
            ci = self.ci[slug]
            fs = features(terms)
            self.row[name] = (ci, fs)
            self.doc[ci] += 1
            self.tot[ci] += len(fs)
            for f in fs:
                self.cnt.setdefault(f, [0] * k)[ci] += 1
        self.V = len(self.cnt)

    def delta(self, names):
        """The counts of the training lines named in NAMES (those of this
        model): (doc, tot, {feature: per-class counts})."""
        k = len(self.classes)
        doc, tot, cnt = [0] * k, [0] * k, {}
        for nm in names:
            r = self.row.get(nm)
            if r is None:
                continue
            ci, fs = r
            doc[ci] += 1
            tot[ci] += len(fs)
            for f in fs:
                cnt.setdefault(f, [0] * k)[ci] += 1
        return doc, tot, cnt

    def probs(self, terms, dl=None, extra=()):
        """{class: p(class | terms)}, the lines of delta DL and the names
        EXTRA left out."""
        k = len(self.classes)
        zero = [0] * k
        ddoc, dtot, dcnt = dl if dl is not None else (zero, zero, {})
        extra = [nm for nm in extra if nm in self.row]
        if extra:
            edoc, etot, ecnt = self.delta(extra)
        else:
            edoc, etot, ecnt = zero, zero, {}
        sc = []
        av = ALPHA * self.V
        den = [math.log(self.tot[c] - dtot[c] - etot[c] + av) for c in range(k)]
        for c in range(k):
            sc.append(math.log(self.doc[c] - ddoc[c] - edoc[c] + 1))
        for f in features(terms):
            n = self.cnt.get(f)
            if n is None:
                continue
            d = dcnt.get(f, zero)
            e = ecnt.get(f, zero)
            m = [n[c] - d[c] - e[c] for c in range(k)]
            if not any(m):
                continue
            for c in range(k):
                sc[c] += math.log(m[c] + ALPHA) - den[c]
        top = max(sc)
        ex = [math.exp((s - top) / TEMP) for s in sc]
        z = sum(ex)
        return {self.classes[c]: ex[c] / z for c in range(k)}


class Clf:
    """The four languages' models and fit.py's hooks."""

    def __init__(self, index):
        self.index = index
        self.rows = training_rows(index)
        self.models = {lang: Model(rs) for lang, rs in self.rows.items() if rs}
        self.by_text = {}
        for rs in self.rows.values():
            for name, _, text, _ in rs:
                self.by_text.setdefault(norm_text(text), set()).add(name)
        self.cache = {}
        self.n_rows = sum(len(rs) for rs in self.rows.values())

    def prepare(self, lines):
        """Each fit.py line's words in the language it was read in
        (clf_terms, clf_lang) and the training lines it is (their names,
        added to its ex_self: pool()'s `out` then leaves them out)."""
        by_set = {}
        for ln in lines:
            by_set.setdefault(ln["set"], []).append(ln)
        for path, ls in by_set.items():
            texts = {i: t for i, t, _ in read_set(path)}
            terms = {}
            for ln in ls:
                code = ln.get("read_lang", "-")
                if code in self.models and code not in terms:
                    terms[code] = exinputs.kb_terms(self.index, path, None if code == "en" else code)
                ln["clf_lang"] = code if code in self.models else None
                ln["clf_terms"] = terms[code].get(ln["id"], []) if code in self.models else []
                selves = self.by_text.get(norm_text(texts.get(ln["id"], "")), set())
                if selves:
                    ln["ex_self"] = frozenset(ln["ex_self"] or ()) | selves
        return sum(1 for ln in lines if ln["ex_self"] and any(e[0] == "clf" for e in ln["ex_self"]))

    def values(self, ln, out):
        """{class: p} for line ln, the training lines in `out` (a frozenset
        of names) and the line itself left out."""
        lang = ln.get("clf_lang")
        if lang is None:
            return {}
        m = self.models[lang]
        c = self.cache.setdefault(out, {})
        dl = c.get(("delta", lang))
        if dl is None:
            dl = c[("delta", lang)] = m.delta(out)
        extra = [e for e in (ln["ex_self"] or ()) if e[0] == "clf" and e not in out]
        return m.probs(ln["clf_terms"], dl, extra)

    def pool(self, lines, out, i_clf, i_none):
        """Sets clf (p(slug)) and clf_none (p("-")) of the lines'
        candidates, out of fold as fit.py's pool() sets ex_max (cached by
        the `out` set: the same few folds come back many times)."""
        out_key = frozenset(e for e in out if e[0] == "clf")
        c = self.cache.setdefault(out_key, {})
        for ln in lines:
            p = c.get(id(ln))
            if p is None:
                full = self.values(ln, out_key)
                p = c[id(ln)] = {s: full[s] for s in {cd["slug"] for cd in ln["cands"]} | {"-"}
                                 if s in full}
            none = p.get("-", 0.0)
            for cd in ln["cands"]:
                cd["x"][i_clf] = p.get(cd["slug"], 0.0)
                cd["x"][i_none] = none

    def alone(self, lines, folds, is_en):
        """The classifier alone, out of fold (each fold's training lines
        left out): R@1 of its best slug (never "-") on the answerable lines,
        and whether its best class is "-" on the others; (label, right,
        of) rows for all, English, fr/de/es."""
        res = {"all": [0, 0], "en": [0, 0], "fr/de/es": [0, 0], "cand": [0, 0]}
        for f in folds:
            out = frozenset(e for ln in f if ln["ex_self"] for e in ln["ex_self"] if e[0] == "clf")
            for ln in f:
                if ln["expect"] == "-":
                    continue
                p = self.values(ln, out)
                arts = sorted(((v, s) for s, v in p.items() if s != "-"), key=lambda t: (-t[0], t[1]))
                ok = bool(arts) and arts[0][1] == ln["expect"]
                g = "en" if is_en(ln) else "fr/de/es"
                for key in ("all", g):
                    res[key][0] += ok
                    res[key][1] += 1
                cs = {cd["slug"] for cd in ln["cands"] if not cd["offtopic"]}
                ac = [s for _, s in arts if s in cs]
                res["cand"][0] += bool(ac) and ac[0] == ln["expect"]
                res["cand"][1] += 1
        return res


def select(index):
    """Leave one blind round out (its lines in all four languages, and any
    training line with the same text): R@1 (argmax slug, answerable
    lines) and mean log-loss of the true class, per setting."""
    global ALPHA, TEMP, BIGRAMS
    rows = training_rows(index)
    round_texts = {r: {norm_text(t) for lang in LANGS if os.path.exists(blind_path(r, lang))
                       for _, t, _ in read_set(blind_path(r, lang))} for r in ROUNDS}
    for big in (False, True):
        BIGRAMS = big
        models = {lang: Model(rs) for lang, rs in rows.items()}
        by_text = {}
        for rs in rows.values():
            for name, _, text, _ in rs:
                by_text.setdefault(norm_text(text), set()).add(name)
        for alpha in (0.03, 0.1, 0.3, 1.0):
            ALPHA = alpha
            for temp in (1.0, 2.0, 4.0, 8.0):
                TEMP = temp
                ok = n = 0
                ll = 0.0
                nl = 0
                for r in ROUNDS:
                    texts = round_texts[r]
                    held = [row for rs in rows.values() for row in rs
                            if row[0][1] == "lab" and norm_text(row[2]) in texts]
                    tag = {row[0] for row in held}
                    out = set(row[0] for row in held)
                    for row in held:
                        out |= by_text.get(norm_text(row[2]), set())
                    for lang, m in models.items():
                        dl = m.delta(out)
                        for name, slug, text, terms in rows[lang]:
                            if name not in tag:
                                continue
                            p = m.probs(terms, dl)
                            ll -= math.log(max(1e-9, p.get(slug, 0.0)))
                            nl += 1
                            if slug != "-":
                                best = max((v, s) for s, v in p.items() if s != "-")[1]
                                ok += best == slug
                                n += 1
                print("bigrams %d alpha %-5g T %-3g  R@1 %.3f (%d of %d)  log-loss %.3f" % (
                    big, alpha, temp, ok / n, ok, n, ll / nl), flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--select":
        select(sys.argv[2])
    else:
        sys.stdout.write(__doc__)
        sys.exit(2)
