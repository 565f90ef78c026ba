#!/usr/bin/env python3
"""examples.py - would labelled example mentions help the ranker, the
confidence or the "nothing fits" model? Out of fold on the TUNING data only
(fit.SETS, never a check half), through fit.py's own functions; writes nothing.

    python3 tests/eval/examples.py INDEX VARIANT [SEED...]

INDEX: an index of kb/ (bin/kb-index -q kb -o INDEX). VARIANT: "none"
(main's inputs: the same figures as study.py INDEX SEED), "neighbours"
(how near each line's nearest other line is and whether it has the same
label; no fit) or a comma-separated
list of NAME[:rank|:conf|:fits|:nofits|:noconf] (where the input may weigh:
the ranker only; the confidence only; the abstention model only; all but
the abstention model; all but the confidence; everywhere without a suffix),
NAME one of

  ex_max    per candidate: the best cosine between the mention and the
            example lines whose expected article is that candidate
  ex_knn    per candidate: of the K nearest example lines (cosine), the
            similarity-weighted share whose expected article is it
  ex_none   per line: of the K nearest example lines, the weighted share
            labelled "-" (nothing fits); the same for every candidate, so
            the confidence and the abstention model only

fit.py already reads kb-eval's ex_max and ex_none (the index's English
example mentions, kb/lang/en/examples.tsv, many of them tuning lines):
they are recomputed out of fold at every step as fit.py's pool() does, a
line never scored against its own example (EX_LEAK=1: kb-eval's values as
dumped, in-sample for every line that is an example); a VARIANT naming
ex_max or ex_none replaces those columns for the lines of EX_LANGS.

SEED: fold shufflings (fit.py's is 19). Environment: EX_LANGS=en (only the
English lines get the inputs, the others 0), EX_K (the nearest examples
counted, 7), EX_WORDS=terms or stems (kb-eval --terms's analysis for the
English lines: every phrase of the MATCH expression, or the first of each
group, without the corrections' and synonyms' alternatives). Figures:
tests/eval/examples-figures.txt. The examples of a line are the
labelled tuning lines of the same language (the English sets pooled) that
the fit at that step may see, never the line itself: a test fold's lines
are scored against the training folds; a training line's input (to fit
the ranker) against the other training lines (leave one out); the inner
folds that teach the confidence and abstention model likewise against
their own training lines. Penalties fixed as study.py's (ranker 0.01,
confidence 0.1, abstention 0.3).

The words are this prototype's approximation, not kb-eval's analysis:
accents folded, lower case, apostrophes dropped, @handles and links
dropped, kb/lang/<cc>/textspeak.tsv expanded, kb/lang/<cc>/stopwords.txt
dropped, a few suffixes cut and words cut to 7 letters (no Snowball
stemmer in the standard library). Each word weighs (1 + log tf) * idf,
the idf over all the tuning lines of the language (labels unused).
"""
import math, os, random, re, subprocess, sys, unicodedata
sys.dont_write_bytecode = True
sys.path.insert(0, "tests/eval")
import fit

K = int(os.environ.get("EX_K", "7"))
# EX_WORDS=terms: kb-eval --terms (the product's analysis) for the English
# lines (EX_TERMS_ALL=1: for every language), the approximation for the others;
# EX_WORDS=stems: the same without the synonyms' and corrections' alternatives
WORDS = os.environ.get("EX_WORDS", "approx")
TERMS_ALL = os.environ.get("EX_TERMS_ALL") == "1"
# EX_LANGS: the languages whose lines get the inputs (others 0), e.g. "en"
LANGS = os.environ.get("EX_LANGS", "en,fr,de,es").split(",")
index = sys.argv[1]
variant = sys.argv[2].split(",") if sys.argv[2] != "none" else []
seeds = [int(s) for s in sys.argv[3:]] or [19]
L2R, L2C, L2F = 0.01, 0.1, 0.3


def fold(s):
    s = unicodedata.normalize("NFD", s.lower())
    return "".join(c for c in s if unicodedata.category(c) != "Mn").replace("'", "").replace("’", "")


def read_list(path, pairs):
    out = {}
    if not os.path.exists(path):
        return out
    for row in open(path, encoding="utf-8"):
        if row.startswith("#") or not row.strip():
            continue
        c = row.rstrip("\n").split("\t")
        out[fold(c[0].strip())] = fold(c[1]).split() if pairs and len(c) > 1 else True
    return out


LANG = {}
for cc in ("en", "fr", "de", "es"):
    LANG[cc] = (read_list("kb/lang/%s/stopwords.txt" % cc, False),
                read_list("kb/lang/%s/textspeak.tsv" % cc, True))
SUFFIX = {"en": ["ing", "ed", "es", "s", "ly"], "fr": ["ees", "ee", "es", "er", "ez", "e", "s"],
          "de": ["en", "er", "es", "e", "n", "s"], "es": ["ando", "ado", "ada", "os", "as", "es", "o", "a", "s"]}


def words(text, cc):
    stop, speak = LANG[cc]
    t = re.sub(r"https?://\S+|@\w+", " ", fold(text))
    out = []
    for w in re.findall(r"[a-z0-9]+", t):
        for v in speak.get(w, [w]):
            if v in stop:
                continue
            for s in SUFFIX[cc]:
                if v.endswith(s) and len(v) - len(s) >= 3:
                    v = v[:-len(s)]
                    break
            out.append(v[:7])
    return out


def kb_terms(path):
    """kb-eval's analysis of each line of a set: {id: [term, ...]}, the
    quoted strings of its MATCH expression but the exact forms ("=..."); with
    EX_WORDS=stems the first of each group only (the word's own stem, not
    the corrections' and synonyms' alternatives)."""
    out = subprocess.run(["bin/kb-eval", "--terms", index, path], check=True,
                         capture_output=True, text=True).stdout
    terms = {}
    for row in out.splitlines():
        c = row.split("\t")
        if c[0] == "terms":
            ph, seen, terms[c[1]] = re.findall(r'"([^"]*)"', c[2]), set(), []
            for t, g in zip(ph, c[3].split() if len(c) > 3 else range(len(ph))):
                if t.startswith("=") or (WORDS == "stems" and g in seen):
                    continue
                seen.add(g)
                terms[c[1]].append(t)
    return terms


def vectors(lines, texts):
    """A unit tf-idf vector per line (idf within the line's language)."""
    df, n = {}, {}
    toks = {}
    kb = {}
    for i, ln in enumerate(lines):
        cc = ln["lang"]
        if WORDS in ("terms", "stems") and (cc == "en" or TERMS_ALL):
            if ln["set"] not in kb:
                kb[ln["set"]] = kb_terms(ln["set"])
            toks[i] = kb[ln["set"]][ln["id"]]
        else:
            toks[i] = words(texts[(ln["set"], ln["id"])], cc)
        n[cc] = n.get(cc, 0) + 1
        for w in set(toks[i]):
            df[(cc, w)] = df.get((cc, w), 0) + 1
    vec = []
    for i, ln in enumerate(lines):
        cc = ln["lang"]
        tf = {}
        for w in toks[i]:
            tf[w] = tf.get(w, 0) + 1
        v = {w: (1 + math.log(c)) * math.log((n[cc] + 1) / df[(cc, w)]) for w, c in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vec.append({w: x / norm for w, x in v.items()})
    return vec


def neighbours(lines, vec):
    """For each line, the other lines of its language by cosine, best first."""
    post = {}
    for j, v in enumerate(vec):
        for w, x in v.items():
            post.setdefault((lines[j]["lang"], w), []).append((j, x))
    out = []
    for i, v in enumerate(vec):
        acc = {}
        for w, x in v.items():
            for j, y in post[(lines[i]["lang"], w)]:
                if j != i:
                    acc[j] = acc.get(j, 0.0) + x * y
        out.append(sorted(acc.items(), key=lambda t: -t[1]))
    return out


def extras(i, ln, out):
    """The example inputs of line i against the examples not in `out`
    (a set of line indices the fit at this step may not see)."""
    best, knn, tot, none, k = {}, {}, 0.0, 0.0, 0
    for j, s in NB[i]:
        if j in out:
            continue
        e = LINES[j]["expect"]
        if e not in best:
            best[e] = s
        if k < K:
            knn[e] = knn.get(e, 0.0) + s
            tot += s
            k += 1
    f = {"ex_none": knn.get("-", 0.0) / tot if tot else 0.0}
    return f, best, {e: v / tot for e, v in knn.items()} if tot else {}


def set_pool(subset, out):
    """The example inputs of SUBSET against the examples not in OUT (line
    indices) and never the line itself: kb-eval's own ex_max and ex_none
    (the index's examples, kb/lang/en/examples.tsv, which are English
    tuning lines: kb-eval --dump scores such a line against itself)
    recomputed as fit.py's pool() does, then this tool's inputs (NAMES),
    a name kb-eval already gives replacing its column for the lines of
    LANGS."""
    fit.pool(subset, {e for j in out if LINES[j].get("ex_self") for e in LINES[j]["ex_self"]})
    for ln in subset:
        i = IDX[id(ln)]
        mine = ln["lang"] in LANGS
        f, best, knn = extras(i, ln, out) if mine else ({"ex_none": 0.0}, {}, {})
        for c in ln["cands"]:
            v = {"ex_max": best.get(c["slug"], 0.0), "ex_knn": knn.get(c["slug"], 0.0),
                 "ex_none": f["ex_none"]}
            x = c["x"][:len(c["x0"])] + [v[nm] for nm in NEW]
            if mine:
                for nm in NAMES:
                    if nm not in NEW:
                        x[fit.INPUTS.index(nm)] = v[nm]
            c["x"] = x


def cross_validate(lines, use):
    fs = fit.folds(lines, fit.FOLDS)
    res = {}
    for k in range(fit.FOLDS):
        train = [ln for j in range(fit.FOLDS) if j != k for ln in fs[j]]
        out_k = {IDX[id(ln)] for ln in fs[k]}
        ins = fit.folds(train, fit.FOLDS)
        crows, frows = [], []
        for i in range(fit.FOLDS):
            out_ki = out_k | {IDX[id(ln)] for ln in ins[i]}
            tr = [ln for j in range(fit.FOLDS) if j != i for ln in ins[j]]
            set_pool(tr, out_ki)
            wi = fit.fit_ranker(tr, L2R, use)
            set_pool(ins[i], out_ki)
            for ln in ins[i]:
                o = fit.outcome(ln, wi)
                if not o[0] and o[3]:
                    crows.append((o[3], 1.0 if o[2] == 1 else 0.0))
                x = fit.fits_inputs(ln, wi)
                if x is not None:
                    frows.append((x, 0.0 if ln["expect"] == "-" else 1.0, 1.0))
        wc = fit.fit_conf(crows, L2C)
        wf = fit.logistic(frows, L2F, intercept=True)
        set_pool(train, out_k)
        w = fit.fit_ranker(train, L2R, use)
        set_pool(fs[k], out_k)
        for ln in fs[k]:
            o = fit.outcome(ln, w)
            res[id(ln)] = (o, fit.sigmoid(fit.dot(wc, o[3])) if o[3] else 0.0,
                           fit.fits_prob(ln, w, wf))
    return res


def report(by_set, lines, res, seed):
    tf = fit.fits_threshold(lines, res)
    t = [fit.threshold(lines, res, fit.PRECISION, 0, tf), fit.threshold(lines, res, fit.PRECISION, 1, tf)]
    print("%s seed %d: thresholds %.2f / %.2f, nothing fits under %.2f" % (sys.argv[2], seed, t[0], t[1], tf))
    tots = {g: dict(r1=0, r3=0, have=0, ans=0, wrong=0, abst=0, ok=0, none=0)
            for g in ("ALL", "EN", "FR/DE/ES")}
    for s in by_set:
        ls = by_set[s]
        have = [ln for ln in ls if ln["expect"] != "-"]
        r1 = sum(1 for ln in have if res[id(ln)][0][2] == 1)
        r3 = sum(1 for ln in have if 0 < res[id(ln)][0][2] <= 3)
        ans = [ln for ln in ls if not res[id(ln)][0][0] and res[id(ln)][0][1] is not None and
               res[id(ln)][1] >= t[ln["asks"]] and res[id(ln)][2] >= tf]
        wrong = [ln for ln in ans if ln["expect"] == "-" or res[id(ln)][0][2] != 1]
        abst = [ln for ln in ls if res[id(ln)][2] < tf]
        none = [ln for ln in ls if ln["expect"] == "-"]
        ok = sum(1 for ln in abst if ln["expect"] == "-")
        print("  %-28s R@1 %.3f (%3d/%3d) c&w %.3f marked %.3f abstP %.3f R %.3f" % (
            s.split("/")[-1], r1 / len(have), r1, len(have), len(wrong) / max(1, len(ans)),
            (len(ans) - len(wrong)) / len(have), ok / max(1, len(abst)), ok / max(1, len(none))))
        for nm, v in (("r1", r1), ("r3", r3), ("have", len(have)), ("ans", len(ans)),
                      ("wrong", len(wrong)), ("abst", len(abst)), ("ok", ok), ("none", len(none))):
            for g in ("ALL", "EN" if by_set[s][0]["lang"] == "en" else "FR/DE/ES"):
                tots[g][nm] += v
    for g, tot in tots.items():
        print("  %s R@1 %.4f (%d/%d) R@3 %.4f c&w %.4f (%d/%d) marked %.3f (%d) abstP %.3f R %.3f (%d/%d, %d held back)"
          % (g, tot["r1"] / tot["have"], tot["r1"], tot["have"], tot["r3"] / tot["have"],
             tot["wrong"] / tot["ans"], tot["wrong"], tot["ans"],
             (tot["ans"] - tot["wrong"]) / tot["have"], tot["ans"] - tot["wrong"],
             tot["ok"] / max(1, tot["abst"]), tot["ok"] / max(1, tot["none"]), tot["ok"], tot["none"],
             tot["abst"]), flush=True)


NAMES = [v.split(":")[0] for v in variant]
where = {v.split(":")[0]: (v.split(":") + [""])[1] for v in variant}
# a name fit.py already reads (ex_max, ex_none: kb-eval's, from the
# index's English examples) is not added twice: this tool's values replace
# kb-eval's for the lines of LANGS
NEW = [nm for nm in NAMES if nm not in fit.INPUTS]
fit.INPUTS = fit.INPUTS + NEW
fit.FEATURES = [nm for nm in fit.FEATURES if nm not in NAMES] + \
    [nm for nm in NAMES if where[nm] in ("", "rank", "nofits", "noconf") and nm != "ex_none"]
fit.NOT_CONF = fit.NOT_CONF + [nm for nm in NAMES if where[nm] in ("rank", "fits", "noconf")]
fit.NOT_FITS = fit.NOT_FITS + [nm for nm in NAMES if where[nm] in ("rank", "conf", "nofits")]
texts = {}
for s, lang in fit.SETS:
    if os.path.exists(s):
        for row in open(s, encoding="utf-8"):
            c = row.rstrip("\n").split("\t")
            if len(c) > 2:
                texts[(s, c[0])] = c[1]
by_set = {s: fit.run_dump(index, s, lang) for s, lang in fit.SETS if os.path.exists(s)}
for s, lang in fit.SETS:
    for ln in by_set.get(s, []):
        ln["lang"] = lang or "en"
        for c in ln["cands"]:
            c["x0"] = c["x"]
LINES = [ln for s in by_set for ln in by_set[s]]
IDX = {id(ln): i for i, ln in enumerate(LINES)}
# kb-eval's ex_max and ex_none, out of fold (set_pool()); EX_LEAK=1 keeps
# kb-eval's values as dumped (each example line scored against itself: the
# figures before this fix)
if os.environ.get("EX_LEAK") != "1":
    fit.ex_prepare(index, LINES)
for ln in LINES:
    ln.setdefault("ex_self", None)
print("examples.py: %d of %d tuning lines are example mentions in the index%s" % (
    sum(1 for ln in LINES if ln["ex_self"] is not None), len(LINES),
    " (EX_LEAK=1: kb-eval's inputs kept)" if fit.EX is None else
    " (kb-eval's ex_max/ex_none recomputed without them)"), flush=True)
NB = neighbours(LINES, vectors(LINES, texts))
if sys.argv[2] == "neighbours":
    # how close each line's nearest other line is, and whether its label
    # is the same (1-NN over all the tuning lines of the language, leave one out)
    for lo in (0.9, 0.8, 0.6, 0.4, 0.0):
        ls = [i for i in range(len(LINES)) if NB[i] and lo <= NB[i][0][1] < (lo + 0.1 if lo >= 0.9 else {0.8: 0.9, 0.6: 0.8, 0.4: 0.6, 0.0: 0.4}[lo])]
        same = sum(1 for i in ls if LINES[NB[i][0][0]]["expect"] == LINES[i]["expect"])
        print("nearest cosine %.1f+: %4d lines, same label %4d" % (lo, len(ls), same))
    sys.exit(0)
use = [1.0 if nm in fit.FEATURES else 0.0 for nm in fit.INPUTS]
for seed in seeds:
    fit.folds = (lambda sd: lambda lines, k: (lambda idx: (random.Random(sd).shuffle(idx), [[lines[i] for i in idx[f::k]] for f in range(k)])[1])(list(range(len(lines)))))(seed)
    res = cross_validate(LINES, use)
    report(by_set, LINES, res, seed)
