#!/usr/bin/env python3
"""Assemble the hand-written source chunks (src/*.txt, fields split by '||')
into tweets-blind42-es-as-written.tsv: ids sl001.. in writing order (files in
name order, lines in file order), then shuffle the line order with a fixed
seed. No text is generated here."""
import random, pathlib
SEED = 20270101
here = pathlib.Path(__file__).resolve().parent
rows = []
for f in sorted((here / 'src').glob('*.txt')):
    for ln in f.read_text(encoding='utf-8').splitlines():
        if not ln.strip():
            continue
        parts = ln.split('||')
        assert len(parts) == 4, (f.name, ln)
        assert all('\t' not in p for p in parts), ln
        p = [x.strip() for x in parts]
        if not p[3]:
            p[3] = 'plain'
        rows.append(p)
out = [[f"sl{i:03d}"] + r for i, r in enumerate(rows, 1)]
random.Random(SEED).shuffle(out)
with open(here / 'tweets-blind42-es-as-written.tsv', 'w', encoding='utf-8', newline='\n') as fh:
    fh.write('id\ttext\texpect\ttown\tnotes\n')
    for r in out:
        fh.write('\t'.join(r) + '\n')
print(len(out), 'lines written')
