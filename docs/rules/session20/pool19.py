import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pool19_lib import pool, show, en, intl  # noqa: E402  (the functions and sets, shared with pool20.py)
import os
b4en = ['blind4-en']; b4i = [f'blind4-{c}' for c in ('fr','de','es')]
for d in sys.argv[1:]:
    print('==', d)
    for n in en + intl: show(n, pool(d, [n]))
    show('EN pooled', pool(d, en)); show('fr/de/es', pool(d, intl))
    if os.path.exists(f'{d}/blind4-en.txt'):
        for n in b4en + b4i: show(n, pool(d, [n]))
        show('b4 EN', pool(d, b4en)); show('b4 fr/de/es', pool(d, b4i))
        show('EN all4', pool(d, en + b4en)); show('fr/de/es 9', pool(d, intl + b4i))
