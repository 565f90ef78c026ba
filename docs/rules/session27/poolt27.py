# poolt27.py DIR...: preview27.sh's files pooled per language (English, fr, de, es): R@1, held back, c&w, marked; public R@1.
import sys, os, re, glob
sys.path.insert(0, '/work/main/docs/rules/session20')
from pool19_lib import pool, show
for d in sys.argv[1:]:
    print('==', d)
    names=[os.path.basename(f)[:-4] for f in glob.glob(d+'/*.txt') if not os.path.basename(f).startswith('pq-')]
    for label, pat in (('English', lambda n: not re.search(r'-(fr|de|es)-', n)), ('fr', lambda n: '-fr-' in n), ('de', lambda n: '-de-' in n), ('es', lambda n: '-es-' in n)):
        t = pool(d, sorted(n for n in names if pat(n)))
        print(f"{label:8s} R@1 {t['r1']}  held back: no article {t['tp']} of {t['none']}, article {t['pred'] - t['tp']}  c&w {t['cw'][0]}  marked {t['mk'][0]}")
    for c in ('en','fr','de','es'):
        f=f'{d}/pq-{c}.txt'
        if os.path.exists(f):
            m=re.search(r'R@1\s+([\d.]+)', open(f).read()); print('  public', c, m.group(1) if m else '?')
