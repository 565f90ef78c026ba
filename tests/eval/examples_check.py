#!/usr/bin/env python3
"""examples_check.py - the examples' inputs as fit.py computes them
(tests/eval/exinputs.py) against the product's (kb-eval --dump, the
suggest path through src/core/kb_examples.c), to 1e-9, on mentions that are
not examples: a fixed list written here, and cpw-dev when ../shared is
there (SHARED=DIR). So the fit and the product cannot drift apart.
And kb-eval --leave-own-example-out: on our own tweets (each an example
mention) every line's inputs are those of every example but its own
(exinputs.py's, the line's example left out, as fit.py leaves it out);
on the sets above (no line an example) the output is the same with the
option as without. Prints TAP.

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

# French, German and Spanish mentions (each language's own examples, when
# kb/lang/LANG/examples.tsv is there: session 23)
OTHER = {
    "fr": ["est-ce que vous avez un magasin à Lyon ?", "mon colis n'est toujours pas arrivé",
           "comment débloquer mon téléphone", "merci pour votre aide !", "écran cassé, c'est couvert ?",
           "je veux résilier mon forfait", "bonjour", "", "quelle heure ferme le magasin samedi"],
    "de": ["habt ihr einen laden in köln?", "mein paket ist immer noch nicht da",
           "wie entsperre ich mein handy", "danke für die hilfe!", "display kaputt, ist das abgedeckt?",
           "ich möchte meinen vertrag kündigen", "hallo", "", "wann schließt der laden am samstag"],
    "es": ["¿tenéis tienda en sevilla?", "mi pedido todavía no ha llegado",
           "cómo desbloqueo mi móvil", "¡gracias por la ayuda!", "pantalla rota, ¿lo cubre el seguro?",
           "quiero cancelar mi contrato", "hola", "", "a qué hora cierra la tienda el sábado"],
}

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
    # every language's examples (English's always there), by code
    exs = {code: exinputs.Examples(index, "kb/lang/%s/examples.tsv" % code, None if code == "en" else code)
           for code in ("en", "fr", "de", "es") if os.path.exists("kb/lang/%s/examples.tsv" % code)}
    sets = []
    p = os.path.join(tmp, "mentions.tsv")
    with open(p, "w", encoding="utf-8") as f:
        f.write("id\ttext\texpect\n")
        for i, m in enumerate(not_examples(MENTIONS, exs.get("en"))):
            f.write("m%d\t%s\t-\n" % (i, m))
    sets.append(p)
    cpw = os.path.join(os.environ.get("SHARED", "../shared"), "eval", "cpw-dev.tsv")
    if os.path.exists(cpw):
        sets.append(cpw)
    n_ok = 0
    for s in sets:
        bad, checked, english, _ = compare(index, exs, s, [])
        n_ok = report(n_ok, bad or not english, "%s: ex_max and ex_none agree on %d candidates (%d lines in English)" % (
            os.path.basename(s), checked, len(english)), bad)
        # the option changes nothing where no line is an example
        plain = kb_eval(index, s, [])
        own = kb_eval(index, s, ["--leave-own-example-out"])
        note = [r for r in own if r.startswith(OWN_NOTE)]
        same = [r for r in own if not r.startswith(OWN_NOTE)] == plain
        n_ok = report(n_ok, not same or note != [OWN_NOTE + "0 of %d lines are examples)" % count_lines(s)],
                      "%s: --leave-own-example-out leaves out nothing, output identical" % os.path.basename(s),
                      note if same else ["the outputs differ"])
    # each other language's mentions against its own examples
    for code, ms in OTHER.items():
        path = "kb/lang/%s/examples.tsv" % code
        if not os.path.exists(path):
            continue
        p = os.path.join(tmp, "mentions-%s.tsv" % code)
        with open(p, "w", encoding="utf-8") as f:
            f.write("id\ttext\texpect\n")
            for i, m in enumerate(not_examples(ms, exs.get(code))):
                f.write("m%d\t%s\t-\n" % (i, m))
        bad, checked, read, _ = compare(index, exs, p, [], code)
        n_ok = report(n_ok, bad or not read, "%s mentions: ex_max and ex_none agree on %d candidates (%d lines"
                      " read with the %s examples)" % (code, checked, len(read), code), bad)
    # our own tweets, each an example mention: each line without its own
    own = "tests/eval/tweets-own.tsv"
    bad, checked, english, selves = compare(index, exs, own, ["--leave-own-example-out"])
    # kb-eval counts the lines that are English examples (the set's
    # language), whatever language each is then read in
    selves = sum(1 for r in open(own, encoding="utf-8").read().split("\n")[1:]
                 if len(r.split("\t")) > 2 and r.split("\t")[1].strip(" \t\r") in exs["en"].by_text)
    note = [r for r in kb_eval(index, own, ["--leave-own-example-out"]) if r.startswith(OWN_NOTE)]
    want_note = [OWN_NOTE + "%d of %d lines are examples)" % (selves, count_lines(own))]
    n_ok = report(n_ok, bad or not english or note != want_note or selves != count_lines(own),
                  "%s --leave-own-example-out: ex_max and ex_none as with every example but the line's own"
                  " on %d candidates (%d lines in English, %d examples)" % (
                      os.path.basename(own), checked, len(english), selves),
                  bad + ["kb-eval says %s, want %s" % (note, want_note)])
    print("1..%d" % n_ok)


def not_examples(ms, ex):
    """The made-up mentions ms less those that are example mentions of ex
    (their text, trimmed as kb-index trims it): the checks on them assume
    no line is an example, and a knowledge base may come to hold one of
    these ("hi") among its examples (session 25's change X did)."""
    if ex is None:
        return list(ms)
    return [m for m in ms if m.strip(" \t\r") not in ex.by_text]


# kb-eval's line saying how many lines --leave-own-example-out found
OWN_NOTE = "  (each line scored without its own labelled example: "


def kb_eval(index, path, opts, lang=None):
    return subprocess.run(["bin/kb-eval", index, path, "--dump"] + opts +
                          (["--lang", lang] if lang else []), check=True,
                          capture_output=True, text=True).stdout.splitlines()


def count_lines(path):
    return sum(1 for r in open(path, encoding="utf-8").read().split("\n")[1:] if r.strip("\r"))


def compare(index, exs, s, opts, lang=None):
    """kb-eval --dump OPTS's ex_max and ex_none on set s against exinputs.py's:
    with --leave-own-example-out, every example but the line's own (its
    text, trimmed as kb-index trims it, is an example's), else every example
    and the lines that are examples not compared; set s in language lang
    (None: English), each line against the examples of the language it was
    read in (kb-eval's "lang" rows; exs: exinputs.Examples by code).
    Returns (mismatches, candidates checked, the lines read with examples,
    lines that are examples of their language)."""
    own_out = "--leave-own-example-out" in opts
    texts = {}
    for row in open(s, encoding="utf-8").read().split("\n")[1:]:
        c = row.split("\t")
        if len(c) > 2:
            texts[c[0]] = c[1].lstrip(" \t").rstrip(" \t\r")
    dump = [r.split("\t") for r in kb_eval(index, s, opts, lang)]
    read_in = {c[1]: c[2] for c in dump if c[0] == "lang"}
    terms = {code: exinputs.kb_terms(index, s, None if code == "en" else code)
             for code in set(read_in.values()) if code in exs}
    imax = 7 + exinputs_index("ex_max")
    bad, checked, read = [], 0, set()
    rows = [c for c in dump if c[0] == "cand"]
    # a line read in a language without examples has 0s throughout
    for c in rows:
        if float(c[imax]) or float(c[imax + 1]):
            read.add(c[1])
    selves = sum(1 for lid, t in texts.items() if read_in.get(lid) in exs and t in exs[read_in[lid]].by_text)
    for c in rows:
        lid = c[1]
        ex = exs.get(read_in.get(lid))
        self_ = ex.by_text.get(texts.get(lid, "")) if ex else None
        if self_ is not None and not own_out:
            continue  # an example itself: scored against every example but it in fit.py
        out = {self_} if self_ is not None else set()
        best, none = ex.inputs(ex.neighbours(terms[read_in[lid]].get(lid, [])), out) \
            if lid in read and ex else ({}, 0.0)
        want = (best.get(c[3], 0.0), none)
        got = (float(c[imax]), float(c[imax + 1]))
        checked += 1
        if abs(want[0] - got[0]) > 1e-9 or abs(want[1] - got[1]) > 1e-9:
            bad.append("%s %s: fit.py %.12f %.12f, kb-eval %.12f %.12f" % (lid, c[3], want[0], want[1], got[0], got[1]))
    return bad, checked, read, selves


def report(n_ok, failed, what, why):
    n_ok += 1
    print("%s %d - %s" % ("not ok" if failed else "ok", n_ok, what))
    if failed:
        for b in why[:10]:
            print("#   " + b)
        print("1..%d" % n_ok)
        sys.exit(1)
    return n_ok


def exinputs_index(name):
    sys.path.insert(0, "tests/eval")
    import fit
    return fit.INPUTS.index(name)


if __name__ == "__main__":
    main()
