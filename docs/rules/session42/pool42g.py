# pool42g.py (pool40.py with the rounds up to blind42) DIR...: per group, the counts rule23 §4 compares (R@1,
# no-article / article lines held back, confident-and-wrong, marked), over the files measure27.sh writes.
import sys
import os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'session20'))
from pool19_lib import pool, show  # noqa: E402
for d in sys.argv[1:]:
    print('==', d)
    rounds = [b for b in ['blind%d' % n for n in range(12, 43)] if os.path.exists(f'{d}/{b}-en.txt')]
    for label, langs in (('English', ['en']), ('fr/de/es', ['fr', 'de', 'es'])):
        t = pool(d, [f'{b}-{c}' for b in rounds for c in langs])
        show(label, t)
        print(f"{'':10s} R@1 {t['r1']}  held back: no article {t['tp']} of {t['none']}, article {t['pred'] - t['tp']}"
              f"  c&w {t['cw'][0]}  marked {t['mk'][0]}")
