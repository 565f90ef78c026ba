#!/usr/bin/env python3
"""Validate tweets-blind42-es(-as-written).tsv. Prints a counts table and OK,
or the problems (exit 1)."""
import pathlib, re, sys, collections
HERE = pathlib.Path(__file__).resolve().parent
TSV = HERE / (sys.argv[1] if len(sys.argv) > 1 else 'tweets-blind42-es-as-written.tsv')
ROOT = HERE.parents[3]
TOPICS = ROOT.parent / 'shared' / 'kb-topics.tsv'
PLACES = ROOT / 'kb' / 'places' / 'es.tsv'
STORES = ROOT / 'kb' / 'stores' / 'es'

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
N = len(rows)
ids = [r[0] for r in rows]
if len(set(ids)) != len(ids):
    errs.append('duplicate ids')
if any(not re.fullmatch(r'sl\d{3,}', i) for i in ids):
    errs.append('ids must be sl001, sl002, ...')
if TSV.name.endswith('as-written.tsv') and set(ids) != {f"sl{i:03d}" for i in range(1, N + 1)}:
    errs.append('ids are not sl001..slN (all of them as written)')
def words(t): return len(t.split())
seen = {}
for r in rows:
    i, t, e, town, notes = r
    tags = [x.strip() for x in notes.split(';')]
    if not t.strip():
        errs.append(f'{i}: empty text')
    if e != '-' and e not in slugs:
        errs.append(f'{i}: unknown expect {e!r}')
    if town and town not in places:
        errs.append(f'{i}: town {town!r} not a places/es.tsv name')
    if town and e == '-':
        errs.append(f'{i}: town set on a no-article line')
    if town and town not in store_towns and e != 'find-a-store':
        errs.append(f'{i}: town without store must expect find-a-store')
    if 'town without store' in tags and (not town or town in store_towns):
        errs.append(f'{i}: tag town without store but town {town!r}')
    if 'town with store' in tags and town not in store_towns:
        errs.append(f'{i}: tag town with store but town {town!r}')
    if town and not ({'town with store', 'town without store'} & set(tags)):
        errs.append(f'{i}: town set but no town tag')
    if 'hard negative' in tags and e != '-':
        errs.append(f'{i}: hard negative on a line with an article')
    key = re.sub(r'\s+', ' ', t.strip().lower())
    if key in seen:
        errs.append(f'{i}: duplicate text of {seen[key]}')
    seen[key] = i
    if 'very short' in tags and words(t) > 5:
        errs.append(f'{i}: tagged very short but {words(t)} words')
    if 'long' in tags and len(t) < 200:
        errs.append(f'{i}: tagged long but {len(t)} chars')
    if 'store by centre/street' in tags and town not in store_towns:
        errs.append(f'{i}: store by centre/street without a store town')
    if 'phone line vs store hours' in tags and e not in ('contact-us', 'store-opening-hours'):
        errs.append(f'{i}: phone line vs store hours must be contact-us or store-opening-hours')
    m = re.search(r'two questions \(main: ([a-z-]+)\)', notes)
    if m and m.group(1) != e:
        errs.append(f'{i}: notes main {m.group(1)} != expect {e}')
    if 'two questions' in notes and not m:
        errs.append(f'{i}: two questions without (main: SLUG)')

cnt = collections.Counter(r[2] for r in rows)
def has(tag): return sum(1 for r in rows if tag in [x.strip() for x in r[4].split(';')])
def words(t): return len(t.split())
stats = collections.OrderedDict()
stats['lines'] = (N, 330)
stats['expect = - (no article)'] = (cnt['-'], -(-N * 27 // 100))
stats['town with a store (town field)'] = (sum(1 for r in rows if r[3] and r[3] in store_towns), 20)
stats['town without a store (town field)'] = (sum(1 for r in rows if r[3] and r[3] not in store_towns), 15)
stats['store by centre/street'] = (has('store by centre/street'), 7)
stats['find-a-store lines'] = (cnt['find-a-store'], 15)
stats['store-opening-hours lines'] = (cnt['store-opening-hours'], 10)
stats['check-stock lines'] = (cnt['check-stock'], 8)
stats['two questions'] = (sum(1 for r in rows if 'two questions (main:' in r[4]), 7)
stats['hard negative (- lines)'] = (sum(1 for r in rows if r[2] == '-' and 'hard negative' in r[4]), 20)
stats['availability device colour'] = (has('availability device colour'), 7)
stats['complaint no keyword'] = (has('complaint no keyword'), 7)
stats['repair in progress'] = (has('repair in progress'), 7)
stats['phone line vs store hours'] = (has('phone line vs store hours'), 7)
stats['story'] = (has('story'), 7)
stats['very short (<= 5 words)'] = (sum(1 for r in rows if words(r[1]) <= 5), 7)
stats['  of them tagged very short'] = (has('very short'), 7)
stats['long (>= 200 chars)'] = (sum(1 for r in rows if len(r[1]) >= 200), 7)
stats['  of them tagged long'] = (has('long'), 7)
stats['typo/text-speak/slang'] = (sum(1 for r in rows if re.search(r'typo|text-speak|slang', r[4])), 7)
for pn in range(1, 9):
    stats[f'persona p{pn}'] = (has(f'p{pn}'), 25)
print(f'{"count":42s} {"value":>6s} {"min":>5s}')
for k, (v, mn) in stats.items():
    flag = '' if v >= mn else '  <-- BELOW MIN'
    if v < mn:
        errs.append(f'{k}: {v} < {mn}')
    print(f'{k:42s} {v:6d} {mn:5d}{flag}')
print(f'{"dash share":42s} {100*cnt["-"]/max(N,1):5.1f}%')
print('\nper slug (min 5):')
for s in slugs:
    print(f'  {s:28s} {cnt[s]:3d}' + ('' if cnt[s] >= 5 else '  <-- BELOW 5'))
    if cnt[s] < 5:
        errs.append(f'slug {s}: {cnt[s]} < 5')
tagc = collections.Counter()
for r in rows:
    for x in r[4].split(';'):
        x = x.strip()
        if x.startswith('two questions'):
            x = 'two questions'
        if x:
            tagc[x] += 1
print('\nper tag:')
for k, v in sorted(tagc.items(), key=lambda kv: (-kv[1], kv[0])):
    print(f'  {k:28s} {v:3d}')
tw = collections.Counter(r[3] for r in rows if r[3])
print(f'\ntowns: {len([t for t in tw if t in store_towns])} distinct with a store, '
      f'{len([t for t in tw if t not in store_towns])} distinct without')
if errs:
    print('\nPROBLEMS:')
    for e in errs:
        print(' ', e)
    sys.exit(1)
print('\nOK')
