#!/usr/bin/env python3
"""lines29.py BASE_SRC CHANGE_SRC OUTDIR [SETS...]: line by line, what a change wins and loses
against a base over every tuning half (tests/eval/blind*, intl; never a check half), as rule29 §2-3
and rule29c/29d count it: the R@1 lines (lines with an article whose first suggestion is, or is not,
the expected one) and the town-link lines (kb-eval --towns), per group (English; fr/de/es), with a
one-sided sign test on the R@1 lines. Each tree's kb-index builds its own kb/ into OUTDIR, and its
kb-eval reads the sets. SETS: glob patterns under tests/eval to narrow the sets (default: every
tuning half), e.g. 'blind1[3-9]/*-tune.tsv' 'blind20/*-tune.tsv' for the halves fit.py does not read.
(This is what /tmp/worst.sh and the counts in rule29's and rule29c/29d's notes did by hand.)"""
import glob
import math
import os
import re
import subprocess
import sys

EV = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'tests', 'eval')


def lang_of(name):
    m = re.search(r'-(fr|de|es)-', name)
    return m.group(1) if m else None


def run(src, out, sets):
    """{(set, id): rank or None} of the R@1 misses, and the set of town misses, of tree src."""
    os.makedirs(out, exist_ok=True)
    ix = os.path.join(out, 'kb.sqlite')
    subprocess.run([os.path.join(src, 'bin/kb-index'), '-q', os.path.join(src, 'kb'), '-o', ix], check=True)
    miss, town = set(), set()
    for f in sets:
        b = os.path.basename(f)[:-4]
        cmd = [os.path.join(src, 'bin/kb-eval'), ix, f, '--worst', '100000', '--towns']
        if lang_of(b):
            cmd += ['--lang', lang_of(b)]
        txt = subprocess.run(cmd, capture_output=True, text=True).stdout
        for line in txt.splitlines():
            m = re.match(r'^ +(\S+) +(\S+) +want (\S+) ', line)
            if m and m.group(3) != '-':
                miss.add((b, m.group(1)))
            if line.startswith('town miss\t'):
                town.add((b, line.split('\t')[1]))
    return miss, town


def sign_p(won, lost):
    """one-sided: the chance of won or more of won + lost fair coin flips"""
    n = won + lost
    return sum(math.comb(n, k) for k in range(won, n + 1)) / 2 ** n if n else 1.0


def main():
    base, change, out = sys.argv[1:4]
    pats = sys.argv[4:] or ['blind*/*-tune.tsv', 'intl/*-tune.tsv']
    sets = sorted({f for p in pats for f in glob.glob(os.path.join(EV, p)) if f.endswith('-tune.tsv')})
    bm, bt = run(base, os.path.join(out, 'base'), sets)
    cm, ct = run(change, os.path.join(out, 'change'), sets)
    for label, keep in (('English', lambda k: not lang_of(k[0])), ('fr/de/es', lambda k: lang_of(k[0])),
                        ('both', lambda k: True)):
        won = sorted(k for k in bm - cm if keep(k))
        lost = sorted(k for k in cm - bm if keep(k))
        tw = sorted(k for k in bt - ct if keep(k))
        tl = sorted(k for k in ct - bt if keep(k))
        print(f'{label:9s} R@1 lines won {len(won)}, lost {len(lost)} (one-sided sign test p = '
              f'{sign_p(len(won), len(lost)):.3f}); town-link lines won {len(tw)}, lost {len(tl)}')
    print('R@1 won:', ' '.join(f'{s}:{i}' for s, i in sorted(bm - cm)))
    print('R@1 lost:', ' '.join(f'{s}:{i}' for s, i in sorted(cm - bm)))
    print('town won:', ' '.join(f'{s}:{i}' for s, i in sorted(bt - ct)))
    print('town lost:', ' '.join(f'{s}:{i}' for s, i in sorted(ct - bt)))


if __name__ == '__main__':
    main()
