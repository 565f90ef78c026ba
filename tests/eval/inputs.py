#!/usr/bin/env python3
"""inputs.py - would a new line-level input help the confidence or the
"nothing fits" model? Out of fold on the TUNING data only (fit.SETS, never a
check half), through fit.py's own functions; writes nothing.

    python3 tests/eval/inputs.py INDEX VARIANT [SEED...]

INDEX: an index of kb/ (bin/kb-index -q kb -o INDEX). VARIANT: "none" (the
committed inputs) or a comma-separated list of NAME[:conf|:fits] (the
input in the confidence only, the abstention model only; both without a
suffix), NAME one of
  two_asks      two clauses that ask (a '?', an ask cue, an opener at the
                start; a clause ends at . , ! ? ; : or a join before a
                question word)
  problem       a problem word (PROBLEM below)
  other_handle  an @handle that does not begin with "phoneretailer"
  off_cov, off_phrase, off_strong   the best off-topic page's inputs
SEED: fold shufflings (fit.py's is 19). Prints the out-of-fold log-loss of
both models, the thresholds fit.py would choose, and confident-and-wrong,
marked answerable and abstention P / R, all languages and English alone
(docs/relevance.md, seventh round). The words here are this prototype's,
computed in Python from each line's text before any C was written; what
the product uses comes from kb/ (kb_mention.c, kb_lang.c).
"""
import os, sys, random, re, unicodedata, time
sys.dont_write_bytecode = True
sys.path.insert(0, "tests/eval")
import fit
index = sys.argv[1]; variant = sys.argv[2].split(",") if sys.argv[2] != "none" else []
seeds = [int(s) for s in sys.argv[3:]] or [19]
def fold(s):
    s = unicodedata.normalize("NFD", s.lower())
    return "".join(c for c in s if unicodedata.category(c) != "Mn").replace("'", "").replace("’", "")
cues = {}
for cc in "en fr de es".split():
    d = {}
    for row in open("kb/lang/%s/cues.tsv" % cc):
        if row.startswith("#") or "\t" not in row: continue
        w, k = row.rstrip("\n").split("\t"); d[fold(w)] = k
    cues[cc] = d
JOINS = {"en": {"and", "also", "but", "plus"}, "fr": {"et", "aussi", "mais"}, "de": {"und", "auch", "aber"}, "es": {"y", "tambien", "pero"}}
PROBLEM = {
 "en": ["not working", "doesnt work", "dont work", "isnt working", "wont", "cant", "keeps", "stopped", "broken", "broke", "cracked", "smashed", "dead", "stuck", "faulty", "missing", "still no", "still not", "still hasnt", "still havent", "hasnt", "havent", "never", "not received", "no sign"],
 "fr": ["marche pas", "marche plus", "fonctionne pas", "fonctionne plus", "bloque", "casse", "cassé", "toujours pas", "toujours rien", "pas recu", "rien recu", "hs", "en panne", "plante", "mort", "allume pas", "bug", "beug", "jamais"],
 "de": ["geht nicht", "geht nix", "funktioniert nicht", "kaputt", "defekt", "immer noch", "noch nicht", "noch kein", "nicht angekommen", "hangt", "haengt", "spinnt", "streikt", "nix", "nie"],
 "es": ["no funciona", "no va", "no enciende", "roto", "rota", "no llega", "no ha llegado", "todavia", "sigue sin", "nada", "bloqueado", "estropeado", "no carga", "no me deja", "nunca"]}
def analyse(text, lang):
    t = fold(text)
    toks = re.findall(r"[a-z0-9@#]+|[?.!,;:]", t)
    c = cues[lang]
    clauses, cur = [], []
    for i, w in enumerate(toks):
        if w in "?.!,;:":
            if cur or w == "?": clauses.append((cur, w == "?"))
            cur = []
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if w in JOINS[lang] and cur and c.get(nxt) in ("ask", "opener"):
            clauses.append((cur, False)); cur = []; continue
        cur.append(w)
    if cur: clauses.append((cur, False))
    nask = 0
    for ws, q in clauses:
        start = [w for w in ws if c.get(w) != "lead" and w not in JOINS[lang]]
        a = q or any(c.get(w) == "ask" for w in ws) or (start and c.get(start[0]) == "opener")
        nask += bool(a)
    s = " " + " ".join(w for w in toks if w not in "?.!,;:") + " "
    prob = any(" %s " % p in s for p in PROBLEM[lang])
    handles = re.findall(r"@([a-z0-9_]+)", t)
    other = any(not h.startswith("phoneretailer") for h in handles)
    return {"two_asks": float(nask >= 2), "nask": float(min(nask, 3)), "problem": float(prob), "other_handle": float(other)}
texts = {}
for s, lang in fit.SETS:
    if not os.path.exists(s): continue
    for row in open(s):
        c = row.rstrip("\n").split("\t")
        if len(c) > 2: texts[(s, c[0])] = c[1]
use_names = [v.split(":")[0] for v in variant]
# the inputs before this round's (17), then the variant's
BASE = fit.INPUTS.index("other_handle")
fit.INPUTS = fit.INPUTS[:BASE] + use_names
fit.NOT_CONF = []
fit.NOT_FITS = fit.NOT_FITS + [v.split(":")[0] for v in variant if ":conf" in v]
conf_only_not = [v.split(":")[0] for v in variant if ":fits" in v]
orig_conf = fit.conf_inputs
def conf_inputs(ln, arts):
    x = orig_conf(ln, arts)
    for nm in conf_only_not:
        x[1 + fit.INPUTS.index(nm)] = 0.0
    return x
fit.conf_inputs = conf_inputs
by_set = {s: fit.run_dump(index, s, lang) for s, lang in fit.SETS if os.path.exists(s)}
for s, lang in fit.SETS:
    if s not in by_set: continue
    for ln in by_set[s]:
        f = analyse(texts[(s, ln["id"])], lang or "en")
        offs = [cd["x"] for cd in ln["cands"] if cd["offtopic"]]
        arts = [cd["x"] for cd in ln["cands"] if not cd["offtopic"]]
        I = fit.INPUTS.index
        f["off_cov"] = max([x[I("coverage")] for x in offs], default=0.0)
        f["off_phrase"] = max([x[I("phrase")] for x in offs], default=0.0)
        f["off_strong"] = max([x[I("strong")] for x in offs], default=0.0)
        f["off_cov_gt"] = max(0.0, f["off_cov"] - max([x[I("coverage")] for x in arts], default=0.0))
        ln["feat"] = f
        for cd in ln["cands"]:
            cd["x"] = cd["x"][:BASE] + [f[nm] for nm in use_names]
lines = [ln for s in by_set for ln in by_set[s]]
use = [1.0 if nm in fit.FEATURES else 0.0 for nm in fit.INPUTS]
for seed in seeds:
    def folds(lines, k, seed=seed):
        idx = list(range(len(lines))); random.Random(seed).shuffle(idx)
        return [[lines[i] for i in idx[f::k]] for f in range(k)]
    fit.folds = folds
    ws = fit.fold_rankers(lines, use, 0.01)
    inner = fit.inner_rankers(lines, use, 0.01)
    for l2c, l2f in [(0.1, 0.3)]:
        res = fit.cross_validate(lines, ws, l2c, l2f, inner)
        lc = fit.log_loss([(res[id(ln)][1], float(res[id(ln)][0][2] == 1 and ln["expect"] != "-")) for ln in lines if not res[id(ln)][0][0] and res[id(ln)][0][3]])
        lf = fit.log_loss([(res[id(ln)][2], float(ln["expect"] != "-")) for ln in lines if fit.fits_inputs(ln, ws[0]) is not None])
        tf = fit.fits_threshold(lines, res)
        t = [fit.threshold(lines, res, fit.PRECISION, 0, tf), fit.threshold(lines, res, fit.PRECISION, 1, tf)]
        tot = dict(have=0, ans=0, wrong=0, abst=0, ok=0, none=0)
        en = dict(have=0, ans=0, wrong=0, abst=0, ok=0, none=0)
        for ln in lines:
            o, p, pf = res[id(ln)]
            is_en = "tweets2-" not in ln["set"] and "intl" not in ln["set"]
            for d in ([tot, en] if is_en else [tot]):
                d["have"] += ln["expect"] != "-"; d["none"] += ln["expect"] == "-"
                if not o[0] and o[1] is not None and p >= t[ln["asks"]] and pf >= tf:
                    d["ans"] += 1; d["wrong"] += ln["expect"] == "-" or o[2] != 1
                if pf < tf:
                    d["abst"] += 1; d["ok"] += ln["expect"] == "-"
        def fmt(d):
            return "c&w %.4f (%d/%d) marked %.3f abstP %.3f R %.3f" % (d["wrong"]/d["ans"], d["wrong"], d["ans"], (d["ans"]-d["wrong"])/d["have"], d["ok"]/d["abst"], d["ok"]/d["none"])
        print("%-40s seed %-3d logloss c %.4f f %.4f t %s tf %.2f | ALL %s | EN %s" % (sys.argv[2], seed, lc, lf, t, tf, fmt(tot), fmt(en)), flush=True)
