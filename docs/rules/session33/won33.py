#!/usr/bin/env python3
"""won33.py BASE_OUT CHANGE_OUT: from two measure33.sh directories (the same check halves, a base's
product and a change's), the R@1 lines (lines with an article whose first suggestion is, or is not, the
expected one) and the town-link lines the change wins and loses, per group (English; fr/de/es), with
lines29.py's one-sided sign test. Parses kb-eval's --worst lines as lines29.py does."""
import glob
import math
import os
import re
import sys


def misses(d):
    miss, town = set(), set()
    for f in sorted(glob.glob(os.path.join(d, '*.txt'))):
        b = os.path.basename(f)[:-4]
        for line in open(f, encoding='utf-8'):
            m = re.match(r'^ +(\S+) +(\S+) +want (\S+) ', line)
            if m and m.group(3) != '-':
                miss.add((b, m.group(1)))
            if line.startswith('town miss\t'):
                town.add((b, line.split('\t')[1]))
    return miss, town


def sign_p(won, lost):
    n = won + lost
    return sum(math.comb(n, k) for k in range(won, n + 1)) / 2 ** n if n else 1.0


def main():
    bm, bt = misses(sys.argv[1])
    cm, ct = misses(sys.argv[2])
    intl = lambda k: re.search(r'-(fr|de|es)$', k[0]) is not None  # noqa: E731
    for label, keep in (('English', lambda k: not intl(k)), ('fr/de/es', intl), ('both', lambda k: True)):
        won = [k for k in bm - cm if keep(k)]
        lost = [k for k in cm - bm if keep(k)]
        tw = [k for k in bt - ct if keep(k)]
        tl = [k for k in ct - bt if keep(k)]
        print(f'{label:9s} R@1 lines won {len(won)}, lost {len(lost)} (one-sided sign test p = '
              f'{sign_p(len(won), len(lost)):.3f}); town-link lines won {len(tw)}, lost {len(tl)}')
    print('R@1 won:', ' '.join(f'{s}:{i}' for s, i in sorted(bm - cm)))
    print('R@1 lost:', ' '.join(f'{s}:{i}' for s, i in sorted(cm - bm)))


if __name__ == '__main__':
    main()
