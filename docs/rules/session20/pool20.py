import sys
import os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pool19_lib import pool, show
for d in sys.argv[1:]:
    print('==', d)
    for c in ('en', 'fr', 'de', 'es'): show(f'blind5-{c}', pool(d, [f'blind5-{c}']))
    show('b5 fr/de/es', pool(d, [f'blind5-{c}' for c in ('fr', 'de', 'es')]))
