#!/usr/bin/env python3
"""Validate tweets-blind3.tsv. Prints a counts table and OK, or the problems."""
import pathlib, re, sys, collections
HERE = pathlib.Path(__file__).resolve().parent
TSV = HERE / (sys.argv[1] if len(sys.argv) > 1 else 'tweets-blind3.tsv')
ROOT = HERE.parents[2]
TOPICS = ROOT.parent / 'shared' / 'kb-topics.tsv'
PLACES = ROOT / 'kb' / 'places.tsv'
STORES = ROOT / 'kb' / 'stores'

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
# as written: d001..d566 exactly; after dedup.py a subset of them
want = {f'd{i:03d}' for i in range(1, 567)}
if not set(ids) <= want or (TSV.name.endswith('as-written.tsv') and set(ids) != want):
    errs.append('ids are not d001..d566 (all of them as written)')
seen = {}
for r in rows:
    i, t, e, town, notes = r
    if not t.strip():
        errs.append(f'{i}: empty text')
    if e != '-' and e not in slugs:
        errs.append(f'{i}: unknown expect {e!r}')
    if town and town not in places:
        errs.append(f'{i}: town {town!r} not a places.tsv name')
    if town and e == '-':
        errs.append(f'{i}: town set on a no-article line')
    if town and town not in store_towns and e != 'find-a-store':
        errs.append(f'{i}: town without store must expect find-a-store')
    key = re.sub(r'\s+', ' ', t.strip().lower())
    if key in seen:
        errs.append(f'{i}: duplicate text of {seen[key]}')
    seen[key] = i
    m = re.search(r'two questions \(main: ([a-z-]+)\)', notes)
    if m and m.group(1) != e:
        errs.append(f'{i}: notes main {m.group(1)} != expect {e}')

N = len(rows)
cnt = collections.Counter(r[2] for r in rows)
emoji_re = re.compile('[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B50\u2B06\u2190-\u21FF]')
def words(t): return len(t.split())
def has_caps(t):
    letters = [c for c in t if c.isalpha()]
    return len(letters) >= 6 and sum(c.isupper() for c in letters) / len(letters) > 0.8
stats = collections.OrderedDict()
stats['lines'] = (N, 300)
stats['expect = - (no article)'] = (cnt['-'], int(-(-0.25 * N // 1)))
stats['lines with town'] = (sum(1 for r in rows if r[3]), 45)
stats['  town with a store'] = (sum(1 for r in rows if r[3] and r[3] in store_towns), 0)
stats['  town without a store'] = (sum(1 for r in rows if r[3] and r[3] not in store_towns), 0)
stats['slang/text-speak/typo/dialect'] = (sum(1 for r in rows if re.search(r'slang|textspeak|typo|dialect', r[4])), int(-(-0.25 * N // 1)))
stats['two questions'] = (sum(1 for r in rows if 'two questions' in r[4]), int(-(-0.10 * N // 1)))
stats['all caps (>80% upper)'] = (sum(1 for r in rows if has_caps(r[1])), 1)
stats['very short (<= 5 words)'] = (sum(1 for r in rows if words(r[1]) <= 5), 1)
stats['long (>= 200 chars)'] = (sum(1 for r in rows if len(r[1]) >= 200), 1)
stats['with emoji'] = (sum(1 for r in rows if emoji_re.search(r[1])), 1)
stats['with hashtag'] = (sum(1 for r in rows if re.search(r'(^|\s)#\w', r[1])), 1)
stats['with @handle'] = (sum(1 for r in rows if re.search(r'@\w', r[1])), 1)
stats['non-native English'] = (sum(1 for r in rows if 'non-native' in r[4]), 1)
stats['formal / older voice'] = (sum(1 for r in rows if 'formal' in r[4]), 1)
stats['young voice'] = (sum(1 for r in rows if 'young' in r[4]), 1)
stats['thread reply'] = (sum(1 for r in rows if 'thread reply' in r[4]), 1)
stats['sarcasm'] = (sum(1 for r in rows if 'sarcasm' in r[4]), 1)
stats['competitor/courier/bank/network named'] = (sum(1 for r in rows if re.search(r'competitor|courier named|bank named|network named|other company', r[4])), 1)
stats['hard negative'] = (sum(1 for r in rows if 'hard negative' in r[4]), 1)
stats['indirect wording'] = (sum(1 for r in rows if 'indirect' in r[4]), 1)
print(f'{"count":42s} {"value":>6s} {"min":>5s}')
for k, (v, mn) in stats.items():
    flag = '' if v >= mn else '  <-- BELOW MIN'
    if v < mn:
        errs.append(f'{k}: {v} < {mn}')
    print(f'{k:42s} {v:6d} {mn:5d}{flag}')
print(f'{"dash share":42s} {100*cnt["-"]/N:5.1f}%')
print('\nper slug (min 5):')
for s in slugs:
    print(f'  {s:28s} {cnt[s]:3d}' + ('' if cnt[s] >= 5 else '  <-- BELOW 5'))
    if cnt[s] < 5:
        errs.append(f'slug {s}: {cnt[s]} < 5')
ws, wo = stats['  town with a store'][0], stats['  town without a store'][0]
if ws and wo and not (0.35 <= ws / (ws + wo) <= 0.65):
    errs.append(f'town with/without store unbalanced: {ws}/{wo}')
if errs:
    print('\nPROBLEMS:')
    for e in errs:
        print(' ', e)
    sys.exit(1)
print('\nOK')
