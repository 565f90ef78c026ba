#!/usr/bin/env python3
"""fit.py - fits the learned ranker and the confidence of the suggest path.

    python3 tests/eval/fit.py                 # fit, write src/core/kb_rank_model.h
                                              # (then make, to build with it)
    python3 tests/eval/fit.py --tune-only     # the same, without step 5: reads
                                              # no check half (for trying a refit)
    python3 tests/eval/fit.py --calibration SET[,SET] [LANG]   # predicted confidence vs
                                              # observed precision per decile
    python3 tests/eval/fit.py --calibration SET --bands FILE   # and write
                                              # the console's bands (below)

One command, standard library only, deterministic. It indexes kb/ into
build/fit.sqlite, runs `bin/kb-eval INDEX SET --dump` on the tuning sets
(SETS: the blind sets' tuning halves, English and fr/de/es, our own tweets
and cpw-dev when ../shared is there: never a check half) and reads every
line's candidates with the ranker's inputs (kb_ltr.h, KB_LTR_*). Then:

1. Ranking: a pairwise logistic model (RankNet with a linear score): for
   each line with an article, the expected article against every other
   candidate; L2 penalty chosen by 5-fold cross-validation (folds by line)
   on R@1. The inputs it may use are FEATURES below.
2. Confidence: a logistic model of "the first suggestion is right" over the
   first candidate's inputs, the learned margin over the second and whether
   the mention asks something, scored out of fold (5-fold) with the ranker
   fitted on the other folds; the threshold is the lowest confidence at
   which the out-of-fold answerable lines are right at least PRECISION of
   the time (confident-and-wrong <= 1 - PRECISION). It learns from how
   rankers that did not see a line ranked it (the out-of-fold rankings;
   within each fold of the cross-validation, rankings out of inner folds):
   a ranker is surer of its own training lines than of new mentions.
3. Abstention: a logistic model of "some article fits this mention" (the
   lines labelled with an article against those labelled "-") over the
   first article's inputs, its margin over the second and over the best
   off-topic page, whether an off-topic page ranks first and whether the
   mention asks something, scored out of fold like the confidence (the
   penalties of both models chosen by out-of-fold log-loss); under
   its threshold (the one whose lower abstention precision or recall, out
   of fold on the pooled tuning lines, is highest; FIT_ABST=prec:P: the
   one with the highest recall at precision >= P) nothing fits. The
   confidence's threshold is chosen among the lines this model lets through.
4. Writes all three into src/core/kb_rank_model.h (kb_ltr.c includes it)
   and prints the cross-validated figures per set, then pooled over all
   the sets and over the English ones, with their counts (two fits
   compared line by line: how many more marked, how many of them wrong).
5. Measures the new model on the blind sets' English check halves (CHECKS) and
   writes what it observed into web/calibration.tsv (BANDS): the agent
   console says each first suggestion's confidence as "right about 9
   times in 10" from it (docs/relevance.md, "Confidence in words"). This
   is a measurement shown to agents, not a fit: nothing the model or its
   thresholds use comes from the check half. The deciles of the
   calibration table are joined, lowest first, until each holds at least
   MIN_BAND lines, and neighbours whose precision goes down as confidence
   goes up are pooled (so a higher confidence never reads as less sure).
   The file names the model it measured (the sha256 of the header); a
   test fails when the model changes without it.

FIT_FOLDS=set makes every fold of the cross-validation (the outer folds and
the inner folds within a training part) of whole tuning sets, balanced by
line count, instead of lines (the default, FIT_FOLDS=line). A set is one
writer's tweets (one writer's habits, phrasings and slips): by line, a
held-out line's ranker, confidence, abstention model and labelled examples
(ex_max, ex_none: pool() leaves out the examples that are lines of the
held-out fold) all saw other tweets by the same writer, so the figures
measure "another tweet by a writer we know". By set, none of them holds a
line of the set it is scored on, which measures "a new writer", as
production and the blind sets' check halves are; the penalties and
thresholds chosen out of fold then come from that too.
"""
import hashlib
import math
import os
import random
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exinputs  # noqa: E402

INPUTS = ["log_bm25f", "coverage", "strong", "proximity", "title", "exact", "phrase", "log_score",
          "intent_match", "intent_miss", "offtopic", "other_platform", "place_store",
          "place_nostore", "place_nostore_other", "known", "mention_intents", "other_handle",
          "ex_max", "ex_none", "lang_other", "no_examples", "clf", "clf_none"]
# the inputs the ranker may weigh (the others stay 0); "known" is the same
# for every candidate of a line, so it can only inform the confidence (so are
# "mention_intents", "other_handle" and "lang_other": read in another
# language than the index's, session 23). Tried in session 23 and left out
# (out of fold on 7,613 tuning lines, the same as without them: R@1 4,942
# against 4,944 of 5,536, confident-and-wrong 174 against 181 of about
# 3,600 marked at one threshold; docs/relevance.md, eighteenth round): the
# mention's and the article's intent compared intent by intent, and a
# town's store inputs split by whether the mention asks where / when / what
# is in stock or names the town in passing.
FEATURES = ["log_bm25f", "coverage", "strong", "proximity", "title", "exact", "phrase", "log_score",
            "offtopic", "intent_match", "intent_miss", "place_store", "place_nostore",
            "place_nostore_other", "ex_max", "clf"]
CONF_INPUTS = INPUTS  # the first candidate's inputs, then margin and asks
# inputs the abstention model leaves out: how many intents a mention shows
# says whether its first suggestion is sure (two questions in one), not
# whether anything fits (out of fold it cost abstention P/R on the tune
# half 0.894/0.843 -> 0.862/0.800 and helped the confidence)
NOT_FITS = ["mention_intents"]
# inputs the confidence leaves out: another company's @handle says that
# nothing fits, which is the abstention model's question; in the
# confidence it moved the thresholds (0.65 / 0.82 -> 0.61 / 0.84) and with
# them the share marked (out of fold cpw-dev 0.780 -> 0.720, blind2 en
# 0.761 -> 0.741) for a line of confident-and-wrong either way
# (docs/relevance.md, seventh round)
NOT_CONF = ["other_handle", "clf_none"]
# ex_max, ex_none (the labelled examples, kb_examples.h): ex_max in the
# ranker, both in the confidence and the abstention model (ex_none is the
# same for every candidate), as tests/eval/examples.py's best variant;
# computed out of fold at every step (pool() below), never from kb-eval's
# values, which score a tuning line against itself too
PRECISION = 0.95
PLATFORM_PENALTY = math.log(1e-12)  # kb_suggest.c's S_OTHER_PLATFORM
NO_SECOND = 2.0                    # margin when there is no runner-up (and its cap)
FITS_CAP = 3.0                     # the margin over the best off-topic page, capped both ways
LAMBDAS = [0.01, 0.03, 0.1, 0.3]
L2_MODELS = [0.1, 0.3, 1.0, 3.0]  # for the confidence and the abstention model
FOLDS = 5
# clf, clf_none (the word model, kb_words.h; rule32b's W, from h204's study
# with tests/eval/clfinputs.py): a per-language naive Bayes over the
# mention's words, p(slug | mention) in the ranker, the confidence and the
# abstention model, p("-") in the abstention model only; set out of fold
# as ex_max and ex_none are (pool()), never from kb-eval's values, which
# count a tuning line among the training lines. FIT_CLF=0 leaves both out
# (weights 0; the fit without them, for comparison).
FIT_CLF = os.environ.get("FIT_CLF", "1") != "0"
if not FIT_CLF:
    os.environ["FIT_DROP"] = ",".join(filter(None, [os.environ.get("FIT_DROP", ""), "clf", "clf_none"]))
# FIT_DROP=name,name: inputs left out of every model (their weights 0), to
# see what an input brings out of fold (the same lines, the same folds)
for _nm in filter(None, os.environ.get("FIT_DROP", "").split(",")):
    if _nm not in INPUTS:
        sys.exit("fit.py: FIT_DROP: no input %r" % _nm)
    FEATURES = [f for f in FEATURES if f != _nm]
    NOT_FITS = NOT_FITS + [_nm]
    NOT_CONF = NOT_CONF + [_nm]
# FIT_FOLDS: "line" (the default) or "set" (whole sets held out; see the
# docstring)
FIT_FOLDS = os.environ.get("FIT_FOLDS", "line")
if FIT_FOLDS not in ("line", "set"):
    sys.exit("fit.py: FIT_FOLDS is line or set, not %r" % FIT_FOLDS)
SHARED = os.environ.get("SHARED", "../shared")
# (set, language): the tuning halves of the blind sets (never a check
# half), our own tweets and cpw-dev; the fr/de/es tuning halves of the
# first intl sets and of the second blind set too (the inputs are the same in every
# language, and a model fitted on English alone abstained on French,
# German and Spanish store questions whose words are few)
SETS = [("tests/eval/blind/tweets-blind-tune.tsv", None),
        ("tests/eval/blind2/tweets-blind2-tune.tsv", None),
        ("tests/eval/blind3/tweets-blind3-tune.tsv", None),
        ("tests/eval/tweets-own.tsv", None),
        (SHARED + "/eval/cpw-dev.tsv", None),
        ("tests/eval/intl/tweets-fr-tune.tsv", "fr"),
        ("tests/eval/intl/tweets-de-tune.tsv", "de"),
        ("tests/eval/intl/tweets-es-tune.tsv", "es"),
        ("tests/eval/blind2/tweets2-fr-tune.tsv", "fr"),
        ("tests/eval/blind2/tweets2-de-tune.tsv", "de"),
        ("tests/eval/blind2/tweets2-es-tune.tsv", "es")]
# the tuning halves of blind4 to blind12, every language (session 22's G,
# session 23's H: every writer round's tuning lines, 5,000 and more)
SETS += [("tests/eval/blind%d/tweets-blind%d-%s-tune.tsv" % (n, n, lang), None if lang == "en" else lang)
         for n in range(4, 13) for lang in ("en", "fr", "de", "es")]
HEADER = "src/core/kb_rank_model.h"
# the English check halves the console's bands are measured on (the three
# blind sets', pooled:
# more lines per band)
CHECKS = ["tests/eval/blind/tweets-blind-check.tsv", "tests/eval/blind2/tweets-blind2-check.tsv",
          "tests/eval/blind3/tweets-blind3-check.tsv"]
BANDS = "web/calibration.tsv"
MIN_BAND = 20
# FIT_INDEX, FIT_HEADER: where a trial fit writes its index and model (two
# seeds at once must not share them; a --tune-only trial need not touch
# the committed header). FIT_RES: a file for each tuning line's out-of-fold
# outcome (tests/eval/refit_choices.py compares threshold choices on it).
INDEX = os.environ.get("FIT_INDEX", "build/fit.sqlite")
HEADER = os.environ.get("FIT_HEADER", HEADER)


def dump_inputs(cols):
    """A cand line's inputs; a kb-eval without the last ones (built before
    them) has them 0, so a fit can compare with an older tree's dump."""
    return [float(v) for v in cols] + [0.0] * (len(INPUTS) - len(cols))


def run_dump(index, path, lang=None):
    """Lines of a set: id, expect, asks, the language it was read in
    (read_lang), candidates (slug, offtopic, links, store_town, x)."""
    args = ["bin/kb-eval", index, path, "--dump"] + (["--lang", lang] if lang else [])
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    lines, order, read = {}, [], {}
    for row in out.splitlines():
        c = row.split("\t")
        if c[0] == "cand":
            key = c[1]
            if key not in lines:
                lines[key] = {"id": key, "expect": c[2], "cands": [], "asks": 0, "set": path}
                order.append(key)
            lines[key]["cands"].append({"slug": c[3], "offtopic": int(c[4]), "links": int(c[5]),
                                        "store_town": int(c[6]),
                                        "x": dump_inputs(c[7:7 + len(INPUTS)])})
        elif c[0] == "lang":  # the language the line was read in
            read[c[1]] = c[2]
        elif c[0] == "dump":
            if c[1] not in lines:
                lines[c[1]] = {"id": c[1], "expect": c[2], "cands": [], "asks": 0, "set": path}
                order.append(c[1])
            lines[c[1]]["asks"] = int(c[-1])
    for k in order:
        lines[k]["read_lang"] = read.get(k, "-")
    return [lines[k] for k in order]


def dot(w, x):
    return sum(a * b for a, b in zip(w, x))


def solve(a, b):
    """Gaussian elimination with partial pivoting: a x = b."""
    n = len(b)
    m = [a[i][:] + [b[i]] for i in range(n)]
    for i in range(n):
        p = max(range(i, n), key=lambda r: abs(m[r][i]))
        m[i], m[p] = m[p], m[i]
        if abs(m[i][i]) < 1e-12:
            m[i][i] = 1e-12
        for r in range(i + 1, n):
            k = m[r][i] / m[i][i]
            if k:
                for c in range(i, n + 1):
                    m[r][c] -= k * m[i][c]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (m[i][n] - sum(m[i][c] * x[c] for c in range(i + 1, n))) / m[i][i]
    return x


def logistic(data, l2, intercept):
    """Newton's method for L2-penalised logistic regression; data: (x, y, weight)."""
    d = len(data[0][0])
    w = [0.0] * d
    for _ in range(40):
        g = [0.0] * d
        h = [[0.0] * d for _ in range(d)]
        for x, y, sw in data:
            z = dot(w, x)
            p = 1 / (1 + math.exp(-z)) if z > -30 else 0.0
            q = sw * p * (1 - p)
            for i in range(d):
                if x[i] == 0:
                    continue
                g[i] += sw * (p - y) * x[i]
                hi = h[i]
                for j in range(d):
                    if x[j]:
                        hi[j] += q * x[i] * x[j]
        for i in range(1 if intercept else 0, d):
            g[i] += l2 * w[i]
            h[i][i] += l2
        for i in range(d):  # an input that is always 0 keeps weight 0
            if h[i][i] == 0:
                h[i][i] = 1.0
        step = solve(h, g)
        w = [wi - si for wi, si in zip(w, step)]
        if max(abs(s) for s in step) < 1e-8:
            break
    return w


def mask(x, use):
    return [v if u else 0.0 for v, u in zip(x, use)]


def fit_ranker(lines, l2, use):
    data = []
    for ln in lines:
        pos = [c for c in ln["cands"] if c["slug"] == ln["expect"]]
        if not pos:
            continue
        xp = mask(pos[0]["x"], use)
        negs = [c for c in ln["cands"] if c["slug"] != ln["expect"]]
        for c in negs:  # each line weighs 1 in all, however many candidates
            data.append(([a - b for a, b in zip(xp, mask(c["x"], use))], 1.0, 1.0 / len(negs)))
    return logistic(data, l2, intercept=False)


def ranked(ln, w):
    """The suggest path's order: learned score, the other platform set back,
    off-topic first means nothing fits; returns (offtopic_first, articles)."""
    sc = []
    for c in ln["cands"]:
        s = dot(w, c["x"])
        sc.append((s + (PLATFORM_PENALTY if c["x"][INPUTS.index("other_platform")] and
                        len(ln["cands"]) > 1 else 0), s, c))
    sc.sort(key=lambda t: -t[0])
    off = bool(sc) and sc[0][2]["offtopic"]
    return off, [(s, c) for _, s, c in sc if not c["offtopic"]]


def conf_inputs(ln, arts):
    (s0, c0) = arts[0]
    margin = min(s0 - arts[1][0], NO_SECOND) if len(arts) > 1 else NO_SECOND
    x = [0.0 if nm in NOT_CONF else v for nm, v in zip(INPUTS, c0["x"])]
    return [1.0] + x + [margin, float(ln["asks"])]


def fits_inputs(ln, w):
    """The abstention model's inputs (kb_rank_learned_fits()), or None when
    the line has no article at all (then nothing fits)."""
    off, arts = ranked(ln, w)
    if not arts:
        return None
    s0, c0 = arts[0]
    offs = [dot(w, c["x"]) for c in ln["cands"] if c["offtopic"]]
    om = max(-FITS_CAP, min(FITS_CAP, s0 - max(offs))) if offs else FITS_CAP
    margin = min(s0 - arts[1][0], NO_SECOND) if len(arts) > 1 else NO_SECOND
    x = [0.0 if nm in NOT_FITS else v for nm, v in zip(INPUTS, c0["x"])]
    return [1.0, float(off), om, float(bool(offs))] + x + [margin, float(ln["asks"])]


def fit_fits(lines, w_of, l2):
    """The abstention model on LINES, each ranked by w_of(line): a ranker
    that did not see it (out of fold), as at serving time."""
    data = []
    for ln, seen, wt in with_copies(lines):
        x = fits_inputs(seen, w_of(ln))
        if x is not None:
            data.append((x, 0.0 if ln["expect"] == "-" else 1.0, wt))
    return logistic(data, l2, intercept=True)


def fits_prob(ln, w, wf):
    x = fits_inputs(ln, w)
    return sigmoid(dot(wf, x)) if x is not None else 0.0


def outcome(ln, w):
    """(offtopic_first, first article or None, rank of the expected, conf inputs)."""
    off, arts = ranked(ln, w)
    rank = next((i + 1 for i, (_, c) in enumerate(arts) if c["slug"] == ln["expect"]), 0)
    if not arts:
        return off, None, rank, None
    return off, arts[0][1], rank, conf_inputs(ln, arts)


def folds(lines, k):
    """The k folds by line, shuffled by the seed FIT_SEED (default 19: the
    committed model's; another seed sees how much a figure owes the folds);
    by set with FIT_FOLDS=set (set_folds())."""
    if FIT_FOLDS == "set":
        return set_folds(lines, k)
    idx = list(range(len(lines)))
    random.Random(int(os.environ.get("FIT_SEED", "19"))).shuffle(idx)
    return [[lines[i] for i in idx[f::k]] for f in range(k)]


def set_folds(lines, k):
    """The k folds of whole sets (ln["set"]): every line of a set in one
    fold, the folds balanced by line count (largest set first into the
    lightest fold, the first such fold on a tie). FIT_SEED only orders sets
    of the same size, so it moves few lines. A fold is empty when there are
    fewer sets than k (the inner folds of a part with few sets): its
    training part is then every line, and it scores none."""
    by = {}
    for ln in lines:
        by.setdefault(ln["set"], []).append(ln)
    names = sorted(by)
    random.Random(int(os.environ.get("FIT_SEED", "19"))).shuffle(names)
    names.sort(key=lambda s: -len(by[s]))  # stable: the seed orders ties
    out = [[] for _ in range(k)]
    for s in names:
        min(out, key=len).extend(by[s])
    return out


# The labelled examples' inputs (ex_max, ex_none; tests/eval/exinputs.py):
# kb-eval's values score a tuning line against every example, itself and
# its fold among them. Every step below sets them out of fold first
# (pool()): a line's examples are those the models of that step may see,
# never the line itself (examples.py's set_pool()). Each language compares
# its mentions with its own examples (kb/lang/LANG/examples.tsv, where the
# knowledge base has them); an example is named (language, number).
EX = None
CLF = None  # FIT_CLF: clfinputs.Clf


def ex_path(lang):
    return "kb/lang/%s/examples.tsv" % lang


def ex_prepare(index, lines):
    """Each line's nearest examples (the lines the suggest path reads with
    examples of their language: kb-eval's values not all 0) and the
    example it is, if any."""
    global EX
    if "ex_max" not in INPUTS:
        return
    EX = {}
    for code in ("en", "fr", "de", "es"):
        if os.path.exists(ex_path(code)):
            EX[code] = exinputs.Examples(index, ex_path(code), None if code == "en" else code, tag=code)
    if not EX:
        EX = None
        return
    im, inone = INPUTS.index("ex_max"), INPUTS.index("ex_none")
    by_set = {}
    for ln in lines:
        by_set.setdefault(ln["set"], []).append(ln)
    for path, ls in by_set.items():
        texts = {}
        for row in open(path, encoding="utf-8").read().split("\n")[1:]:
            c = row.split("\t")
            if len(c) > 2:
                texts[c[0]] = c[1].strip(" \t\r")
        terms = {}  # the set analysed in each language its lines were read in
        for ln in ls:
            code = ln.get("read_lang", "-")
            ex = EX.get(code)
            if ex is not None and code not in terms:
                terms[code] = exinputs.kb_terms(index, path, None if code == "en" else code)
            ln["ex_lang"] = code
            has = ex is not None and any(c["x"][im] or c["x"][inone] for c in ln["cands"])
            ln["ex_nb"] = ex.neighbours(terms[code].get(ln["id"], [])) if has else []
            # the examples it is, in any language (a French line read as
            # English is still a French example: out of fold, left out too)
            selves = frozenset((k, e.by_text[texts[ln["id"]]]) for k, e in EX.items()
                               if texts.get(ln["id"]) in e.by_text)
            ln["ex_self"] = selves or None
    if FIT_CLF:
        global CLF
        import clfinputs
        CLF = clfinputs.Clf(index)
        n = CLF.prepare(lines)
        print("fit.py: FIT_CLF: %d training lines (%s); %d tuning lines are one of them, left out"
              " with their fold" % (CLF.n_rows, ", ".join("%s %d" % (k, len(v)) for k, v in
                                                          sorted(CLF.rows.items())), n))


def ex_of(lines):
    """The examples that are these lines (their names)."""
    return {e for ln in lines if ln.get("ex_self") for e in ln["ex_self"]}


def pool(lines, out):
    """Sets the lines' ex_max and ex_none against every example but those
    in `out` and the line itself."""
    if CLF is not None:  # FIT_CLF: clf and clf_none, the same way
        CLF.pool(lines, out, INPUTS.index("clf"), INPUTS.index("clf_none"))
    if EX is None:
        return
    im, inone = INPUTS.index("ex_max"), INPUTS.index("ex_none")
    for ln in lines:
        o = out | ln["ex_self"] if ln["ex_self"] else out
        best, none = EX[ln["ex_lang"]].inputs(ln["ex_nb"], o) if ln["ex_nb"] else ({}, 0.0)
        for c in ln["cands"]:
            c["x"][im] = best.get(c["slug"], 0.0)
            c["x"][inone] = none


def recall_at(lines, w, n):
    ok = sum(1 for ln in lines if ln["expect"] != "-" and 0 < outcome(ln, w)[2] <= n)
    return ok / max(1, sum(1 for ln in lines if ln["expect"] != "-"))


def fit_conf(rows, l2):
    data = [(r[0], r[1], r[2] if len(r) > 2 else 1.0) for r in rows]
    return logistic(data, l2, intercept=True)


def sigmoid(z):
    return 1 / (1 + math.exp(-max(-30, min(30, z))))


def fold_rankers(lines, use, l2r):
    """The ranker of each fold, fitted on the other folds."""
    fs = folds(lines, FOLDS)
    ws = []
    for k in range(FOLDS):
        train = [ln for j in range(FOLDS) if j != k for ln in fs[j]]
        pool(train, ex_of(fs[k]))
        ws.append(fit_ranker(train, l2r, use))
    return ws


def log_loss(pairs):
    eps = 1e-9
    return -sum(y * math.log(max(eps, p)) + (1 - y) * math.log(max(eps, 1 - p))
                for p, y in pairs) / max(1, len(pairs))


def choose_l2(lines, ws, inner):
    """The confidence's and the abstention model's penalties, each by its
    out-of-fold log-loss."""
    best_c = best_f = None
    for l2 in L2_MODELS:
        res = cross_validate(lines, ws, l2, l2, inner)
        lc = log_loss([(res[id(ln)][1], float(res[id(ln)][0][2] == 1 and ln["expect"] != "-"))
                       for ln in lines if not res[id(ln)][0][0] and res[id(ln)][0][3]])
        lf = log_loss([(res[id(ln)][2], float(ln["expect"] != "-")) for ln in lines
                       if fits_inputs(ln, ws[0]) is not None])
        print("  confidence / abstention L2 %-4g out-of-fold log-loss %.4f / %.4f" % (l2, lc, lf))
        if best_c is None or lc < best_c[0] - 1e-9:
            best_c = (lc, l2)
        if best_f is None or lf < best_f[0] - 1e-9:
            best_f = (lf, l2)
    return best_c[1], best_f[1]


def inner_rankers(lines, use, l2r):
    """For each fold k, each of its training lines' ranker fitted without
    that line (5-fold within the training folds): {(k, id(line)): w}. The
    confidence and abstention models of fold k learn from these rankings,
    as the final ones learn from the out-of-fold rankings: a ranker is
    surer of the lines it was fitted on than of new mentions, and a
    confidence learnt from its own training lines is over-confident."""
    fs = folds(lines, FOLDS)
    out = {}
    for k in range(FOLDS):
        train = [ln for j in range(FOLDS) if j != k for ln in fs[j]]
        ins = folds(train, FOLDS)
        for i in range(FOLDS):
            tr = [ln for j in range(FOLDS) if j != i for ln in ins[j]]
            pool(tr, ex_of(fs[k]) | ex_of(ins[i]))
            w = fit_ranker(tr, l2r, use)
            for ln in ins[i]:
                out[(k, id(ln))] = w
    return out


# FIT_NOEX: the weight of each line's second copy, seen as in a language
# without example mentions (its ex_max and ex_none 0, no_examples 1), in
# the confidence's and the abstention model's training rows (never in what
# they are scored on): every tuning line's language has examples, so without
# the copies the two models never see a mention without them, and a
# knowledge base (or a language) with none gets models fitted for one with
# them (session 23's H, docs/relevance.md eighteenth round). 0: no copies.
# Since session 25 a mention without examples is served by the base model
# (kb_rank_model_base.h, kb_ltr.h "Two models"), never by this fit's; the
# copies stay because they are part of the model that was measured (the
# default reproduces kb_rank_model.h byte for byte), not because that case
# still reaches it.
NOEX = float(os.environ.get("FIT_NOEX", "1"))


def without_examples(ln):
    """A copy of line ln as a knowledge base without its language's example
    mentions would see it (None when it already has none)."""
    im, inone, ino = INPUTS.index("ex_max"), INPUTS.index("ex_none"), INPUTS.index("no_examples")
    if not ln["cands"] or ln["cands"][0]["x"][ino]:
        return None
    cands = []
    for c in ln["cands"]:
        x = list(c["x"])
        x[im] = x[inone] = 0.0
        x[ino] = 1.0
        if FIT_CLF:  # no examples: no word model either (it learns from them)
            x[INPUTS.index("clf")] = x[INPUTS.index("clf_none")] = 0.0
        cands.append(dict(c, x=x))
    return dict(ln, cands=cands)


def with_copies(lines):
    """(line, weight) of each line, and of its copy without examples."""
    for ln in lines:
        yield ln, ln, 1.0
        cp = without_examples(ln) if NOEX else None
        if cp is not None:
            yield ln, cp, NOEX


def conf_rows(lines, w_of):
    """The confidence's training rows: each line ranked by w_of(line)
    (and its copy without examples, FIT_NOEX)."""
    rows = []
    for ln, seen, wt in with_copies(lines):
        o = outcome(seen, w_of(ln))
        if not o[0] and o[3]:
            rows.append((o[3], 1.0 if o[2] == 1 else 0.0, wt))
    return rows


def cross_validate(lines, ws, l2c, l2f, inner):
    """Out-of-fold outcomes and confidences of every line (each fold ranked
    and scored by models fitted on the other folds; ws: fold_rankers(),
    inner: inner_rankers())."""
    fs = folds(lines, FOLDS)
    res = {}
    for k in range(FOLDS):
        train = [ln for j in range(FOLDS) if j != k for ln in fs[j]]
        w = ws[k]
        w_of = (lambda kk: lambda ln: inner[(kk, id(ln))])(k)
        # each training line as its inner ranker saw it: its inner fold's
        # examples out, as fold k's
        ins = folds(train, FOLDS)
        for i in range(FOLDS):
            pool(ins[i], ex_of(fs[k]) | ex_of(ins[i]))
        wc = fit_conf(conf_rows(train, w_of), l2c)
        wf = fit_fits(train, w_of, l2f)
        pool(fs[k], ex_of(fs[k]))
        for ln in fs[k]:
            o = outcome(ln, w)
            res[id(ln)] = (o, sigmoid(dot(wc, o[3])) if o[3] else 0.0, fits_prob(ln, w, wf))
    return res


def fits_threshold(lines, res, choice=None):
    """The abstention threshold, out of fold on LINES (all tuning lines
    pooled), by CHOICE (FIT_ABST, default "minpr"):
      minpr   the one whose lower precision or recall is highest;
      prec:P  the one with the highest recall at precision >= P (the
              lowest such threshold on a tie), minpr when none reaches P:
              recall bought with precision lets wrong "nothing fits" reach
              agents (the fourteenth round's refit moved towards recall;
              tests/eval/refit-figures-19.txt)."""
    choice = choice or os.environ.get("FIT_ABST", "minpr")
    none = sum(1 for ln in lines if ln["expect"] == "-")
    best = (-1, 0.5)
    best_p = None  # (recall, threshold) for prec:P
    floor = float(choice.split(":")[1]) if choice.startswith("prec:") else None
    for k in range(5, 96):
        t = k / 100
        abst = [ln for ln in lines if res[id(ln)][2] < t]
        ok = sum(1 for ln in abst if ln["expect"] == "-")
        prec, rec = ok / max(1, len(abst)), ok / max(1, none)
        score = min(prec, rec)
        if score > best[0] + 1e-9:
            best = (score, t)
        if floor is not None and abst and prec >= floor - 1e-9 and \
                (best_p is None or rec > best_p[0] + 1e-9):
            best_p = (rec, t)
    if floor is not None and best_p is not None:
        return best_p[1]
    return best[1]


def other_of(ln):
    """1 if the line was read in another language than the index's default
    (its lang_other input, the same for every candidate), else 0."""
    return int(bool(ln["cands"]) and ln["cands"][0]["x"][INPUTS.index("lang_other")] != 0)


# FIT_CONF_BY: "pooled" (the default): one confidence threshold for every
# language; "lang": one per language group (the index's default language;
# the others), each group's answerable lines right PRECISION of the time out
# of fold. Out of fold (session 23) pooled left English lines right less
# often than promised and the others more; per group raised English to
# 0.84 / 0.92 and lowered the others to 0.72 / 0.84. Not the default: on
# every earlier round's check halves English was wrong less often than out
# of fold and French, German and Spanish more, the opposite way
# (docs/relevance.md, eighteenth round). The header has a threshold per group
# either way (the same twice when pooled).
FIT_CONF_BY = os.environ.get("FIT_CONF_BY", "pooled")
if FIT_CONF_BY not in ("lang", "pooled"):
    sys.exit("fit.py: FIT_CONF_BY is lang or pooled, not %r" % FIT_CONF_BY)


def threshold(lines, res, precision, asks, tf, other=None):
    """The lowest confidence from which the answerable lines (those that
    ask something, or those that do not; and that the abstention model lets
    through at tf; of one language group when other is 0 or 1) are right at
    least `precision` of the time, out of fold."""
    best = 0.99
    for k in range(99, 19, -1):
        t = k / 100
        ans = wrong = 0
        for ln in lines:
            if ln["asks"] != asks or other is not None and other_of(ln) != other:
                continue
            o, p, pf = res[id(ln)]
            off, first = o[0], o[1]
            if off or first is None or pf < tf:
                continue
            if p >= t:
                ans += 1
                wrong += ln["expect"] == "-" or o[2] != 1
        if ans and (ans - wrong) / ans >= precision:
            best = t
    return best


def write_res(path, lines, res):
    """Each line's out-of-fold outcome, for refit_choices.py: set, language,
    id, expect, asks, off-topic first, has an article, rank of the
    expected, confidence, probability that some article fits."""
    lang = dict(SETS)
    with open(path, "w") as f:
        f.write("set\tlang\tid\texpect\tasks\toff\tfirst\trank\tconf\tfits\n")
        for ln in lines:
            o, p, pf = res[id(ln)]
            f.write("%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%.9f\t%.9f\n" % (
                ln["set"], lang.get(ln["set"]) or "en", ln["id"], ln["expect"], ln["asks"],
                int(bool(o[0])), int(o[1] is not None), o[2], p, pf))


def write_header(w, wc, t, wf, tf, l2r, l2c, l2f, n):
    def arr(v):
        return ",\n".join("    %.6f /* %s */" % (a, nm) for a, nm in v)
    with open(HEADER, "w") as f:
        f.write("/*\n * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.\n"
                " * Pairwise logistic ranker (L2 %.2f) and confidence (L2 %.2f), fitted on %d lines\n"
                " * of the tuning sets; answerable from the confidence at which the first\n"
                " * suggestion was right %d times in 100 under %d-fold cross-validation.\n */\n"
                % (l2r, l2c, n, round(PRECISION * 100), FOLDS))
        if FIT_FOLDS == "set":
            f.write("/* (the folds by set: each held out a whole tuning set) */\n")
        f.write("static const double S_ltr_w[KB_LTR_N] = {\n%s};\n" % arr(zip(w, INPUTS)))
        names = ["intercept"] + INPUTS + ["margin", "asks"]
        f.write("static const double S_conf_w[KB_LTR_N + 3] = {\n%s};\n" % arr(zip(wc, names)))
        f.write("#define S_CONF_NO_SECOND %.1f\n" % NO_SECOND)
        f.write("/* by whether the mention asks something (0, 1) */\n")
        f.write("/* [another language than the index's default][asks] */\n")
        f.write("static const double S_conf_threshold[2][2] = {{%.2f, %.2f}, {%.2f, %.2f}};\n"
                % (t[0][0], t[0][1], t[1][0], t[1][1]))
        fnames = ["intercept", "offtopic_first", "offtopic_margin", "has_offtopic"] + INPUTS + \
            ["margin", "asks"]
        f.write("/* whether any article fits (L2 %.2f): under the threshold, nothing does */\n" % l2f)
        f.write("static const double S_fits_w[KB_LTR_N + 6] = {\n%s};\n" % arr(zip(wf, fnames)))
        f.write("#define S_FITS_CAP %.1f\n" % FITS_CAP)
        f.write("static const double S_fits_threshold = %.2f;\n" % tf)


def read_model():
    """The model in the header, for --calibration."""
    vals, cur = {"ltr": [], "conf": [], "fits": []}, None
    t = tf = None
    for line in open(HEADER):
        if "S_ltr_w" in line:
            cur = "ltr"
        elif "S_conf_w" in line:
            cur = "conf"
        elif "S_fits_w" in line:
            cur = "fits"
        elif "S_conf_threshold" in line:
            v = [float(x) for x in line.split("=")[1].replace("{", " ").replace("}", " ")
                 .replace(";", " ").replace(",", " ").split()]
            t = [v[0:2], v[2:4]] if len(v) == 4 else [v, v]
        elif "S_fits_threshold" in line:
            tf = float(line.split("=")[1].strip(" ;\n"))
        elif line.strip().startswith("}"):
            cur = None
        elif cur and "/*" in line:
            vals[cur].append(float(line.split("/*")[0].strip(" ,")))
            if "};" in line:
                cur = None
    return vals["ltr"], vals["conf"], t, vals["fits"], tf


def bands_of(bins):
    """Bands (lo, hi, lines, right) from the deciles' (lines, right):
    joined until each has MIN_BAND lines, then pooled where precision
    would fall as confidence rises."""
    out = []
    for i, (n, ok, _) in enumerate(bins):
        if out and out[-1][2] < MIN_BAND:
            lo, _, m, k = out.pop()
            out.append([lo, (i + 1) / 10, m + n, k + ok])
        else:
            out.append([i / 10, (i + 1) / 10, n, ok])
    if len(out) > 1 and out[-1][2] < MIN_BAND:
        lo, hi, m, k = out.pop()
        out[-1] = [out[-1][0], hi, out[-1][2] + m, out[-1][3] + k]
    out = [b for b in out if b[2]]
    pooled = True
    while pooled:
        pooled = False
        for i in range(len(out) - 1):
            a, b = out[i], out[i + 1]
            if a[3] / a[2] > b[3] / b[2]:
                out[i:i + 2] = [[a[0], b[1], a[2] + b[2], a[3] + b[3]]]
                pooled = True
                break
    return out


def write_bands(path, bands, setname):
    digest = hashlib.sha256(open(HEADER, "rb").read()).hexdigest()
    with open(path, "w") as f:
        f.write("# The agent console's confidence in words (docs/relevance.md): of the\n"
                "# first suggestions with a confidence in [low, high), the share that was\n"
                "# the right article on %s (never tuned on).\n"
                "# Written by python3 tests/eval/fit.py; do not edit.\n"
                "# model sha256 %s\n"
                "# low\thigh\tlines\tprecision\n" % (setname, digest))
        for lo, hi, n, ok in bands:
            f.write("%.2f\t%.2f\t%d\t%.3f\n" % (lo, hi if hi < 1 else 1.01, n, ok / n))


def calibration(paths, lang, bands_path=None):
    """The calibration tables on the sets PATHS (one language), pooled."""
    w, wc, t, wf, tf = read_model()
    lines = [ln for path in paths for ln in run_dump(INDEX, path, lang)]
    bins = [[0, 0, 0.0] for _ in range(10)]
    fbins = [[0, 0, 0.0] for _ in range(10)]
    for ln in lines:
        pf = fits_prob(ln, w, wf)
        b = min(9, int(pf * 10))
        fbins[b][0] += 1
        fbins[b][1] += ln["expect"] != "-"
        fbins[b][2] += pf
        o = outcome(ln, w)
        if o[0] or not o[3] or pf < tf:
            continue
        p = sigmoid(dot(wc, o[3]))
        b = min(9, int(p * 10))
        bins[b][0] += 1
        bins[b][1] += o[2] == 1 and ln["expect"] != "-"
        bins[b][2] += p
    print("| confidence | lines | mean predicted | observed precision |")
    print("|---|---|---|---|")
    for i, (n, ok, s) in enumerate(bins):
        if n:
            print("| %.1f-%.1f | %d | %.3f | %.3f |" % (i / 10, (i + 1) / 10, n, s / n, ok / n))
    print("(thresholds %.2f / %.2f when the mention asks nothing / asks, %.2f / %.2f in another"
          " language than the index's; lines where nothing fits or an off-topic page is first left"
          " out: they are never answerable)" % (t[0][0], t[0][1], t[1][0], t[1][1]))
    print()
    print("| some article fits | lines | mean predicted | observed share with an article |")
    print("|---|---|---|---|")
    for i, (n, ok, s) in enumerate(fbins):
        if n:
            print("| %.1f-%.1f | %d | %.3f | %.3f |" % (i / 10, (i + 1) / 10, n, s / n, ok / n))
    print("(nothing fits under %.2f)" % tf)
    if bands_path:
        bands = bands_of(bins)
        write_bands(bands_path, bands, " and ".join(paths))
        print()
        print("wrote %s: %s" % (bands_path, ", ".join(
            "%.1f-%.1f %.3f (%d)" % (lo, hi, ok / n, n) for lo, hi, n, ok in bands)))


def main(argv):
    # Anything but no argument or --calibration is a mistake, not a fit:
    # a fit rewrites src/core/kb_rank_model.h (session 15 ran one by asking
    # for --help).
    tune_only = argv[1:] == ["--tune-only"]
    if not tune_only and (len(argv) > 1 and argv[1] != "--calibration" or len(argv) == 2):
        sys.stdout.write("\n\n".join(__doc__.split("\n\n")[:2]) + "\n")
        sys.exit(0 if len(argv) > 1 and argv[1] in ("-h", "--help") else 2)
    # kb-eval is not part of a plain make: build it (and the tools) first
    if subprocess.run(["make", "--no-print-directory", "-s", "all", "bin/kb-eval"]).returncode:
        sys.exit("fit.py: make failed")
    if subprocess.run(["bin/kb-index", "-q", "kb", "-o", INDEX]).returncode:
        sys.exit("fit.py: kb-index failed")
    if len(argv) > 1 and argv[1] == "--calibration":
        rest = argv[3:]
        out = None
        if "--bands" in rest:
            i = rest.index("--bands")
            out = rest[i + 1]
            rest = rest[:i] + rest[i + 2:]
        calibration(argv[2].split(","), rest[0] if rest else None, out)
        return
    use = [1.0 if nm in FEATURES else 0.0 for nm in INPUTS]
    sets = [s for s, _ in SETS if os.path.exists(s)]
    by_set = {s: run_dump(INDEX, s, lang) for s, lang in SETS if s in sets}
    lines = [ln for s in sets for ln in by_set[s]]
    ex_prepare(INDEX, lines)
    print("fit.py: %d lines from %s" % (len(lines), ", ".join(sets)))
    if FIT_FOLDS == "set":
        for k, f in enumerate(folds(lines, FOLDS)):
            print("  fold %d by set: %d lines (%s)" % (k, len(f), ", ".join(
                sorted({ln["set"].split("/")[-1] for ln in f}))))
    if CLF is not None:  # the word model alone, out of fold
        al = CLF.alone(lines, folds(lines, FOLDS), lambda ln: dict(SETS)[ln["set"]] is None)
        print("  FIT_CLF: the word model alone, out of fold: R@1 (its best slug) " + ", ".join(
            "%s %.3f (%d of %d)" % (k, v[0] / max(1, v[1]), v[0], v[1]) for k, v in al.items()))
    # 1. the ranker's penalty, by cross-validated R@1
    best = None
    for l2 in LAMBDAS:
        fs = folds(lines, FOLDS)
        ok = n = 0
        for k in range(FOLDS):
            train = [ln for j in range(FOLDS) if j != k for ln in fs[j]]
            pool(train, ex_of(fs[k]))
            w = fit_ranker(train, l2, use)
            pool(fs[k], ex_of(fs[k]))
            have = [ln for ln in fs[k] if ln["expect"] != "-"]
            ok += sum(1 for ln in have if outcome(ln, w)[2] == 1)
            n += len(have)
        print("  ranker L2 %-5g  cross-validated R@1 %.3f" % (l2, ok / n))
        if best is None or ok / n > best[0] + 1e-9:
            best = (ok / n, l2)
    l2r = best[1]
    ws = fold_rankers(lines, use, l2r)
    inner = inner_rankers(lines, use, l2r)
    l2c, l2f = choose_l2(lines, ws, inner)
    res = cross_validate(lines, ws, l2c, l2f, inner)
    tf = fits_threshold(lines, res)
    if FIT_CONF_BY == "lang":
        t = [[threshold(lines, res, PRECISION, a, tf, g) for a in (0, 1)] for g in (0, 1)]
    else:
        t = [[threshold(lines, res, PRECISION, a, tf) for a in (0, 1)]] * 2
    if os.environ.get("FIT_RES"):
        write_res(os.environ["FIT_RES"], lines, res)
    # final models on every tuning line
    # (the confidence and abstention models learn from the out-of-fold
    # rankings, the ranker from every line)
    pool(lines, set())  # each line against every example but itself
    w = fit_ranker(lines, l2r, use)
    fs = folds(lines, FOLDS)
    for k in range(FOLDS):  # as the fold's ranker saw it
        pool(fs[k], ex_of(fs[k]))
    fold_of = {id(ln): k for k in range(FOLDS) for ln in fs[k]}
    oof = lambda ln: ws[fold_of[id(ln)]]
    wc = fit_conf(conf_rows(lines, oof), l2c)
    wf = fit_fits(lines, oof, l2f)
    write_header(w, wc, t, wf, tf, l2r, l2c, l2f, len(lines))
    print("wrote %s: ranker L2 %g, thresholds %.2f (asks nothing), %.2f (asks); in another"
          " language %.2f, %.2f; nothing fits under %.2f" % (HEADER, l2r, t[0][0], t[0][1], t[1][0],
                                                          t[1][1], tf))
    print("  ranker weights: " + ", ".join("%s %+.3f" % (nm, a) for a, nm in zip(w, INPUTS) if a))
    print("cross-validated (out of fold):")
    pooled = {"all sets": [], "English sets": [], "fr, de, es sets": []}
    for s in sets + list(pooled):
        ls = pooled[s] if s in pooled else by_set[s]
        if s not in pooled:
            pooled["all sets"] += ls
            pooled["English sets" if dict(SETS)[s] is None else "fr, de, es sets"] += ls
        outs = [res[id(ln)][0] for ln in ls]
        # confidence already out of fold: decide on it directly
        have = [ln for ln in ls if ln["expect"] != "-"]
        ans = [ln for ln in ls if not res[id(ln)][0][0] and res[id(ln)][0][1] is not None and
               res[id(ln)][1] >= t[other_of(ln)][ln["asks"]] and res[id(ln)][2] >= tf]
        wrong = sum(1 for ln in ans if ln["expect"] == "-" or res[id(ln)][0][2] != 1)
        abst = [ln for ln in ls if res[id(ln)][2] < tf]
        none = [ln for ln in ls if ln["expect"] == "-"]
        print("  %-28s R@1 %.3f R@3 %.3f confident-and-wrong %.3f marked %.3f abst P %.3f R %.3f" % (
            s.split("/")[-1], sum(1 for o, ln in zip(outs, ls) if ln["expect"] != "-" and o[2] == 1) / len(have),
            sum(1 for o, ln in zip(outs, ls) if ln["expect"] != "-" and 0 < o[2] <= 3) / len(have),
            wrong / max(1, len(ans)), sum(1 for ln in ans if ln["expect"] != "-") / len(have),
            sum(1 for ln in abst if ln["expect"] == "-") / max(1, len(abst)),
            sum(1 for ln in none if ln in abst) / max(1, len(none))))
        if s in pooled:  # and the counts, to compare two fits line by line
            print("  %-28s R@1 %d of %d, wrong %d of %d marked, marked %d of %d, held back %d"
                  " (%d with no article of %d)" % (
                      "", sum(1 for o, ln in zip(outs, ls) if ln["expect"] != "-" and o[2] == 1),
                      len(have), wrong, len(ans), sum(1 for ln in ans if ln["expect"] != "-"),
                      len(have), len(abst), sum(1 for ln in abst if ln["expect"] == "-"), len(none)))
    # 5. what the new model's confidence means on the check half, for agents
    checks = [c for c in CHECKS if os.path.exists(c)]
    if checks and not tune_only:
        print()
        calibration(checks, None, BANDS)


if __name__ == "__main__":
    main(sys.argv)
