import sys
import os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'session20'))
from pool19_lib import pool, show
for d in sys.argv[1:]:
    print('==', d)
    for c in ('en', 'fr', 'de', 'es'): show(f'blind14-{c}', pool(d, [f'blind14-{c}']))
    show('b14 fr/de/es', pool(d, [f'blind14-{c}' for c in ('fr', 'de', 'es')]))
