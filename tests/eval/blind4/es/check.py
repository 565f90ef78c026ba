#!/usr/bin/env python3
"""Validate tweets-blind4-es(-as-written).tsv. Prints a counts table and OK, or the problems (exit 1)."""
import pathlib, re, sys, collections
HERE = pathlib.Path(__file__).resolve().parent
TSV = HERE / (sys.argv[1] if len(sys.argv) > 1 else 'tweets-blind4-es-as-written.tsv')
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
ids = [r[0] for r in rows]
if len(set(ids)) != len(ids):
    errs.append('duplicate ids')
N = len(rows)
# as written: s001..sNNN exactly; after the lead's dedup a subset of them
if not all(re.fullmatch(r's\d{3}', i) for i in ids):
    errs.append('ids are not of the form s001')
if TSV.name.endswith('as-written.tsv') and set(ids) != {f's{i:03d}' for i in range(1, N + 1)}:
    errs.append(f'ids are not s001..s{N:03d} (all of them as written)')
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
        errs.append(f'{i}: tagged town without store but town is {town!r}')
    if 'town with store' in tags and town not in store_towns:
        errs.append(f'{i}: tagged town with store but town is {town!r}')
    if town and not ({'town with store', 'town without store'} & set(tags)):
        errs.append(f'{i}: town set but not tagged with/without store')
    if 'hard negative' in tags and e != '-':
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

cnt = collections.Counter(r[2] for r in rows)
def tag(t): return sum(1 for r in rows if t in r[4])
def words(t): return len(t.split())
emoji_re = re.compile('[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B50\u2B06\u2190-\u21FF]')
stats = collections.OrderedDict()
stats['lines'] = (N, 170)
stats['expect = - (no article)'] = (cnt['-'], int(-(-0.25 * N // 1)))
stats['lines with town'] = (sum(1 for r in rows if r[3]), 20)
stats['  town with a store'] = (sum(1 for r in rows if r[3] and r[3] in store_towns), 10)
stats['  town without a store'] = (sum(1 for r in rows if r[3] and r[3] not in store_towns), 10)
stats['store by centre/street'] = (tag('store by centre/street'), 4)
stats['two questions'] = (tag('two questions'), 10)
stats['hard negative (- lines)'] = (sum(1 for r in rows if 'hard negative' in r[4] and r[2] == '-'), 15)
stats['availability device colour'] = (tag('availability device colour'), 2)
stats['complaint no keyword'] = (tag('complaint no keyword'), 2)
stats['repair in progress'] = (tag('repair in progress'), 2)
stats['phone line vs store hours'] = (tag('phone line vs store hours'), 2)
stats['story'] = (tag('story'), 2)
stats['typo/text-speak/slang'] = (sum(1 for r in rows if re.search(r'typo|text-speak|slang', r[4])), 2)
stats['very short (<= 5 words)'] = (sum(1 for r in rows if words(r[1]) <= 5), 2)
stats['long (>= 200 chars)'] = (sum(1 for r in rows if len(r[1]) >= 200), 2)
stats['en-mix'] = (tag('en-mix'), int(-(-0.10 * N // 1)))
stats['hard positive'] = (tag('hard positive'), 2)
stats['competitor/courier named'] = (sum(1 for r in rows if re.search(r'competitor named|courier named', r[4])), 2)
stats['with emoji'] = (sum(1 for r in rows if emoji_re.search(r[1])), 1)
stats['with hashtag'] = (sum(1 for r in rows if re.search(r'(^|\s)#\w', r[1])), 1)
stats['with @handle'] = (sum(1 for r in rows if re.search(r'@\w', r[1])), 1)
stats['sarcasm'] = (tag('sarcasm'), 1)
stats['thread reply'] = (tag('thread reply'), 1)
stats['formal'] = (tag('formal'), 1)
stats['young'] = (tag('young'), 1)
print(f'{"count":42s} {"value":>6s} {"min":>5s}')
for k, (v, mn) in stats.items():
    flag = '' if v >= mn else '  <-- BELOW MIN'
    if v < mn:
        errs.append(f'{k}: {v} < {mn}')
    print(f'{k:42s} {v:6d} {mn:5d}{flag}')
print(f'{"dash share":42s} {100*cnt["-"]/N:5.1f}%')
print(f'{"en-mix share":42s} {100*stats["en-mix"][0]/N:5.1f}%')
print('\nper slug (min 3):')
for s in slugs:
    print(f'  {s:28s} {cnt[s]:3d}' + ('' if cnt[s] >= 3 else '  <-- BELOW 3'))
    if cnt[s] < 3:
        errs.append(f'slug {s}: {cnt[s]} < 3')
if errs:
    print('\nPROBLEMS:')
    for e in errs:
        print(' ', e)
    sys.exit(1)
print('\nOK')
