#!/usr/bin/env python3
"""Validate the blind4 German tweet set (default tweets-blind4-de-as-written.tsv;
pass another file name in this folder, e.g. tweets-blind4-de.tsv after dedup).
Prints a counts table and OK, or the problems (exit 1)."""
import pathlib, re, sys, collections
HERE = pathlib.Path(__file__).resolve().parent
TSV = HERE / (sys.argv[1] if len(sys.argv) > 1 else 'tweets-blind4-de-as-written.tsv')
ROOT = HERE.parents[3]
TOPICS = ROOT.parent / 'shared' / 'kb-topics.tsv'
PLACES = ROOT / 'kb' / 'places' / 'de.tsv'
STORES = ROOT / 'kb' / 'stores' / 'de'
AS_WRITTEN = TSV.name.endswith('as-written.tsv')

def front_matter_town(p):
    lines = p.read_text(encoding='utf-8').splitlines()
    if not lines or lines[0].strip() != '---':
        return None
    for ln in lines[1:]:
        if ln.strip() == '---':
            break
        if ln.startswith('town:'):
            return ln.split(':', 1)[1].strip().strip('"')
    return None

slugs = [l.split('\t')[0] for l in TOPICS.read_text(encoding='utf-8').splitlines()[1:] if l.strip()]
places = {l.split('\t')[0] for l in PLACES.read_text(encoding='utf-8').splitlines()[1:] if l.strip()}
store_towns = {t for t in (front_matter_town(p) for p in STORES.glob('*.md')) if t}

errs = []
raw = TSV.read_bytes()
if b'\r' in raw:
    errs.append('CR characters found (must be LF only)')
text = raw.decode('utf-8')
lines = text.split('\n')
if lines[-1] == '':
    lines = lines[:-1]
if lines[0] != 'id\ttext\texpect\ttown\tnotes':
    errs.append('bad header: %r' % lines[0])
rows = []
for n, ln in enumerate(lines[1:], 2):
    f = ln.split('\t')
    if len(f) != 5:
        errs.append(f'line {n}: {len(f)} fields')
        continue
    rows.append(f)
ids = [r[0] for r in rows]
if len(set(ids)) != len(ids):
    errs.append('duplicate ids')
bad = [i for i in ids if not re.fullmatch(r'g\d{3}', i)]
if bad:
    errs.append(f'ids not of the form g001: {bad[:5]}')
if AS_WRITTEN and set(ids) != {f'g{i:03d}' for i in range(1, len(ids) + 1)}:
    errs.append('as written, ids must be g001..gNNN without gaps')
seen = {}
for r in rows:
    i, t, e, town, notes = r
    if not t.strip():
        errs.append(f'{i}: empty text')
    if e != '-' and e not in slugs:
        errs.append(f'{i}: unknown expect {e!r}')
    if town and town not in places:
        errs.append(f'{i}: town {town!r} not a places/de.tsv name')
    if town and e == '-':
        errs.append(f'{i}: town set on a no-article line')
    if town and town not in store_towns and e != 'find-a-store':
        errs.append(f'{i}: town without store must expect find-a-store')
    if 'town without store' in notes and (e != 'find-a-store' or not town or town in store_towns):
        errs.append(f'{i}: tag town without store, but expect {e} / town {town!r}')
    if 'town with store' in notes and town not in store_towns:
        errs.append(f'{i}: tag town with store, but town {town!r} has none')
    if 'hard negative' in notes and e != '-':
        errs.append(f'{i}: hard negative must expect -')
    key = re.sub(r'\s+', ' ', t.strip().lower())
    if key in seen:
        errs.append(f'{i}: duplicate text of {seen[key]}')
    seen[key] = i
    m = re.search(r'two questions \(main: ([a-z-]+)\)', notes)
    if m and m.group(1) != e:
        errs.append(f'{i}: notes main {m.group(1)} != expect {e}')
    if 'two questions' in notes and not m:
        errs.append(f'{i}: two questions without (main: SLUG)')

N = len(rows)
cnt = collections.Counter(r[2] for r in rows)
def tag(p): return sum(1 for r in rows if re.search(p, r[4]))
def words(t): return len(t.split())
full = AS_WRITTEN  # the minimums apply to the set as written; after dedup they are shown only
stats = collections.OrderedDict()
stats['lines'] = (N, 170)
stats['expect = - (no article)'] = (cnt['-'], -(-N // 4))
stats['hard negative'] = (tag('hard negative'), 15)
stats['two questions'] = (tag('two questions'), 10)
stats['town with a store'] = (sum(1 for r in rows if r[3] and r[3] in store_towns), 10)
stats['town without a store'] = (sum(1 for r in rows if r[3] and r[3] not in store_towns), 10)
stats['store by centre/street'] = (tag('store by centre/street'), 4)
stats['availability device colour'] = (tag('availability device colour'), 2)
stats['complaint no keyword'] = (tag('complaint no keyword'), 2)
stats['repair in progress'] = (tag('repair in progress'), 2)
stats['phone line vs store hours'] = (tag('phone line vs store hours'), 2)
stats['story'] = (tag('story'), 2)
stats['typo / text-speak / slang'] = (tag('typo|text-speak|slang'), 2)
stats['very short (<= 5 words)'] = (sum(1 for r in rows if words(r[1]) <= 5), 2)
stats['long (>= 200 chars)'] = (sum(1 for r in rows if len(r[1]) >= 200), 2)
stats['en-mix (target ~15 %)'] = (tag('en-mix'), -(-N // 10))
stats['hard positive'] = (tag('hard positive'), 0)
stats['emoji'] = (tag('emoji'), 0)
stats['hashtag'] = (tag('hashtag'), 0)
stats['handle'] = (tag('handle'), 0)
stats['caps'] = (tag('caps'), 0)
stats['sarcasm'] = (tag('sarcasm'), 0)
stats['thread reply'] = (tag('thread reply'), 0)
stats['formal'] = (tag('formal'), 0)
stats['young'] = (tag('young'), 0)
stats['non-native'] = (tag('non-native'), 0)
stats['dialect (AT/CH/regional)'] = (tag('dialect|austrian|swiss'), 0)
stats['competitor named'] = (tag('competitor named'), 0)
stats['courier named'] = (tag('courier named'), 0)
print(f'{"count":34s} {"value":>6s} {"min":>5s}')
for k, (v, mn) in stats.items():
    flag = ''
    if v < mn:
        flag = '  <-- BELOW MIN' if full else '  (below as-written min)'
        if full:
            errs.append(f'{k}: {v} < {mn}')
    print(f'{k:34s} {v:6d} {mn:5d}{flag}')
print(f'{"dash share":34s} {100*cnt["-"]/N:5.1f}%')
print(f'{"en-mix share":34s} {100*stats["en-mix (target ~15 %)"][0]/N:5.1f}%')
print('\nper slug (min 3):')
for s in slugs:
    low = cnt[s] < 3
    print(f'  {s:28s} {cnt[s]:3d}' + ('  <-- BELOW 3' if low else ''))
    if low and full:
        errs.append(f'slug {s}: {cnt[s]} < 3')
print('\ntowns:')
tc = collections.Counter(r[3] for r in rows if r[3])
print('  with store:    ' + ', '.join(f'{t} {c}' for t, c in sorted(tc.items()) if t in store_towns))
print('  without store: ' + ', '.join(f'{t} {c}' for t, c in sorted(tc.items()) if t not in store_towns))
if errs:
    print('\nPROBLEMS:')
    for e in errs:
        print(' ', e)
    sys.exit(1)
print('\nOK')
