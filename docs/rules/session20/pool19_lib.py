import re, sys
def parse(path):
    t = open(path).read()
    m = re.search(r'(\d+) lines \((\d+) with an article, (\d+) where nothing fits\)', t)
    d = {'n': int(m.group(1)), 'art': int(m.group(2)), 'none': int(m.group(3))}
    def f(name):
        mm = re.search(r'^\s+' + re.escape(name) + r'\s+([0-9.]+)', t, re.M)
        return float(mm.group(1)) if mm else None
    d['r1'] = round(f('R@1') * d['art']); d['r3'] = round(f('R@3') * d['art'])
    p, r = f('abstention precision'), f('abstention recall')
    tp = round(r * d['none']) if r is not None else 0
    d['tp'] = tp; d['pred'] = round(tp / p) if p else 0
    m = re.search(r'confident and wrong\s+[0-9.]+\s+\((\d+) of (\d+)', t); d['cw'] = (int(m.group(1)), int(m.group(2)))
    m = re.search(r'town -> store link\s+[0-9.]+\s+\((\d+) of (\d+)', t); d['tw'] = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    m = re.search(r'marked answerable\s+[0-9.]+\s+\((\d+) of (\d+)', t); d['mk'] = (int(m.group(1)), int(m.group(2)))
    return d
def pool(dir, names):
    tot = {}
    for n in names:
        d = parse(f'{dir}/{n}.txt')
        for k in ('art', 'none', 'r1', 'r3', 'tp', 'pred'): tot[k] = tot.get(k, 0) + d[k]
        for k in ('cw', 'mk', 'tw'):
            a, b = tot.get(k, (0, 0)); tot[k] = (a + d[k][0], b + d[k][1])
    return tot
def show(label, t):
    P = t['tp'] / t['pred'] if t['pred'] else 0; R = t['tp'] / t['none'] if t['none'] else 0
    print(f"{label:10s} R@1 {t['r1']}/{t['art']}  R@3 {t['r3']}  abstP/R {P:.3f}/{R:.3f}  c&w {t['cw'][0]}/{t['cw'][1]} ({t['cw'][0]/t['cw'][1]:.3f})  marked {t['mk'][0]}/{t['mk'][1]} ({t['mk'][0]/t['mk'][1]:.3f})  town {t['tw'][0]}/{t['tw'][1]}")
en = ['blind', 'blind2', 'blind3']; intl = [f'{s}-{c}' for c in ('fr','de','es') for s in ('intl','blind2')]
import os
